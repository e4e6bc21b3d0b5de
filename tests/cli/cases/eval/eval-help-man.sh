# Every option in aiops-eval --help is documented in its man page, and vice versa.
set -eu
help=$("$BIN/aiops-eval" --help | grep -o -- '--[a-z][a-z-]*' | sort -u)
man=$(grep -o -- '\\-\\-[a-z][a-z-]*' docs/man/aiops-eval.1 | sed 's/\\//g' | sort -u)
[ "$help" = "$man" ] || { echo "help and man page differ:"; echo "help: $help"; echo "man: $man"; exit 1; }
"$BIN/aiops-eval" --version | grep -q '^aiops-eval [0-9]'
