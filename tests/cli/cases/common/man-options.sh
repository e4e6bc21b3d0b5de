# The OPTIONS section of every man page is what `make man` generates from the
# tool's option table (tools/man-options.sh): run it, change nothing, diff.
set -eu
tools/man-options.sh --check "$BIN"
