# Every option in --help is documented in the man page, and vice versa.
set -eu
help=$("$BIN/aiops-replay" --help | grep -o -- '--[a-z][a-z-]*' | sort -u)
man=$(grep -o -- '\\-\\-[a-z][a-z-]*' docs/man/aiops-replay.1 | sed 's/\\//g' | sort -u)
[ "$help" = "$man" ] || { echo "help and man page differ:"; echo "help: $help"; echo "man: $man"; exit 1; }
"$BIN/aiops-replay" --version | grep -q '^aiops-replay [0-9]'
