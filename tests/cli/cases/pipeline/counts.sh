# Nothing lost through the pipeline: a simulated archive through
# aiops-replay | aiops-fit | aiops-cluster | aiops-rca, counting records by
# type after each stage.  Every record the simulator wrote comes out of
# replay (its --stats counts); each later stage passes every record on
# and adds only its documented derived records: fit anomaly and scored
# records, cluster incident records, rca one rca record per incident and
# per label.  No stage reports a skipped or dropped record, so --strict
# passes on fit, cluster and rca.
set -eu
d=$(mktemp -d /tmp/aiops-pipe.XXXXXX)
trap 'rm -rf "$d"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$BIN/aiops-simulate" --stats -o "$d/a.tar.zst" scenarios/demo.json 2>"$d/sim"
"$BIN/aiops-replay" "$d/a.tar.zst" >"$d/s0" 2>"$d/e0"
"$BIN/aiops-fit" --strict "$d/s0" >"$d/s1" 2>"$d/e1"
"$BIN/aiops-cluster" --strict "$d/s1" >"$d/s2" 2>"$d/e2"
"$BIN/aiops-rca" --strict "$d/s2" >"$d/s3" 2>"$d/e3"
# TYPE COUNT lines of a stream, sorted by type
count() { sed 's/^{"type":"\([a-z]*\)".*/\1/' "$1" | sort | uniq -c | awk '{print $2, $1}'; }
for i in 0 1 2 3; do count "$d/s$i" >"$d/c$i"; done
# replay: what the simulator wrote (scenario.json, which holds no records,
# is skipped without a warning)
for t in sample log span event alert label; do
    want=$(awk -v t="$t" '$2 == t {print $1}' "$d/sim")
    got=$(awk -v t="$t" '$1 == t {print $2}' "$d/c0")
    [ "$want" = "$got" ] || fail "replay: $t: simulated $want, replayed ${got:-0}"
done
[ ! -s "$d/e0" ] || fail "replay stderr: $(cat "$d/e0")"
[ "$(wc -l <"$d/c0")" -eq 6 ] || fail "replay: types $(cat "$d/c0")"
# stage N: the counts of stage N-1 unchanged, and only the derived types new
stage() {    # stage N NAME DERIVED...
    n=$1 name=$2; shift 2
    prev=$((n - 1))
    while read -r t c; do
        got=$(awk -v t="$t" '$1 == t {print $2}' "$d/c$n")
        [ "$got" = "$c" ] || fail "$name: $t in $c, out ${got:-0}"
    done <"$d/c$prev"
    while read -r t c; do
        grep -q "^$t " "$d/c$prev" && continue
        case " $* " in *" $t "*) ;; *) fail "$name: new type $t ($c)" ;; esac
    done <"$d/c$n"
}
stage 1 fit anomaly scored
stage 2 cluster incident
stage 3 rca rca
n() { awk -v t="$2" '$1 == t {print $2}' "$d/c$1"; }
[ "$(n 1 anomaly)" -gt 0 ] && [ "$(n 2 incident)" -gt 0 ] || fail "nothing detected: $(cat "$d/c3")"
[ "$(n 3 rca)" -eq $(($(n 3 incident) + $(n 3 label))) ] || fail "rca: $(n 3 rca) records for $(n 3 incident) incidents and $(n 3 label) labels"
# every alert and anomaly joined an incident
[ "$(grep -c '"incident":' "$d/s2" | tr -d ' ')" -ge $(($(n 2 alert) + $(n 2 anomaly))) ] || fail "cluster: not every alert/anomaly has an incident"
for i in 1 2 3; do grep -q "skipped\|dropped" "$d/e$i" && fail "stage $i: $(cat "$d/e$i")"; done
exit 0
