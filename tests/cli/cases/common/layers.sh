# libcore's layers point downward only: a file may include headers of its
# own folder, of lower layers and the root headers (aiops.h, aiops_format.h),
# never of a higher layer or of a sibling engine (docs/ARCHITECTURE.md).
set -eu
rank() {
    case $1 in
    common) echo 0 ;; record) echo 1 ;; input) echo 2 ;; formats) echo 3 ;;
    reader) echo 4 ;; models|score|logtmpl|graph) echo 5 ;; *) echo 6 ;;   # fit, eval, sim and tool engines
    esac
}
bad=0
for f in $(find libcore -name '*.[ch]' | sort); do
    dir=${f#libcore/}; dir=${dir%%/*}
    case $dir in *.[ch]) continue ;; esac
    for inc in $(sed -n 's/^#include "\([a-z_]*\)\/.*/\1/p' "$f" | sort -u); do
        [ "$inc" = "$dir" ] && continue
        if [ "$(rank "$inc")" -ge "$(rank "$dir")" ]; then
            echo "$f includes $inc/ (layer $(rank "$inc")) from layer $(rank "$dir")"; bad=1
        fi
    done
done
exit $bad
