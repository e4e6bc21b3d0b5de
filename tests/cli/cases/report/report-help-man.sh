# Every option in aiops-report --help is documented in its man page, and vice versa.
set -eu
help=$("$BIN/aiops-report" --help | grep -o -- '--[a-z][a-z-]*' | sort -u)
man=$(grep -o -- '\\-\\-[a-z][a-z-]*' docs/man/aiops-report.1 | sed 's/\\//g' | sort -u)
[ "$help" = "$man" ] || { echo "help and man page differ:"; echo "help: $help"; echo "man: $man"; exit 1; }
"$BIN/aiops-report" --version | grep -q '^aiops-report [0-9]'
