# Every tool has a man page, and every option in its --help is documented
# there, and vice versa (the option table is the single source of truth).
set -eu
for t in "$BIN"/aiops-*; do
    name=$(basename "$t")
    page=docs/man/$name.1
    [ -f "$page" ] || { echo "$name: no man page $page"; exit 1; }
    help=$("$t" --help | grep -o -- '--[a-z][a-z-]*' | sort -u)
    man=$(grep -o -- '\\-\\-[a-z][a-z-]*' "$page" | sed 's/\\//g' | sort -u)
    [ "$help" = "$man" ] || { echo "$name: --help and $page differ:"; echo "help: $help"; echo "man: $man"; exit 1; }
    "$t" --version | grep -q "^$name [0-9]" || { echo "$name: bad --version"; exit 1; }
done
