# --emit-promrules: the rule file for a seasonal, an ewma and a static
# detector equals the golden file (tests/fixtures/fit/promrules-*.yml), and has the shape Prometheus' rule files
# need (checked with PyYAML when it is installed, else line by line).
set -eu
tmp=$(mktemp -d /tmp/aiops-fit-pr.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$BIN/aiops-fit" --model seasonal --width 0.995 --min-duration 10m \
    --emit-promrules "$tmp/seasonal.yml" tests/fixtures/fit/cpu-batch.tsv >/dev/null 2>&1
"$BIN/aiops-fit" --model ewma --k 4 --train 1h -m latency_ms \
    --emit-promrules "$tmp/ewma.yml" tests/fixtures/fit/small.ndjson >/dev/null 2>&1
"$BIN/aiops-fit" --static 'cpu>80' --static 'cpu{host="web-1"}<1' --for 15m \
    --emit-promrules "$tmp/static.yml" tests/fixtures/fit/cpu-batch.tsv >/dev/null
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3      # Debian's, where python3-yaml installs
# Bands come out of LAPACK/OpenBLAS, whose last digits vary with the CPU's
# kernels: compare numbers to 10 significant digits.
norm() { perl -pe 's/(-?[0-9]+\.[0-9]+(?:e[-+]?[0-9]+)?)/sprintf("%.10g", $1)/ge' "$1"; }
for r in seasonal ewma static; do
    norm "$tmp/$r.yml" > "$tmp/$r.got"; norm tests/fixtures/fit/promrules-$r.yml > "$tmp/$r.want"
    cmp -s "$tmp/$r.got" "$tmp/$r.want" ||
        { echo "$r: differs from the golden file"; diff tests/fixtures/fit/promrules-$r.yml "$tmp/$r.yml"; exit 1; }
    if $py -c 'import yaml' 2>/dev/null; then
        $py - "$tmp/$r.yml" <<'PY'
import re, sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
assert set(doc) == {"groups"}, doc.keys()
names = set()
for g in doc["groups"]:
    assert set(g) <= {"name", "interval", "rules"} and g["name"] not in names
    names.add(g["name"])
    for r in g["rules"]:
        assert set(r) <= {"alert", "expr", "for", "labels", "annotations"}, r
        assert re.fullmatch(r"[a-zA-Z_:][a-zA-Z0-9_:]*", r["alert"]), r["alert"]
        assert isinstance(r["expr"], str) and r["expr"]
        if "for" in r:
            assert re.fullmatch(r"([0-9]+(y|w|d|h|m|s|ms))+", r["for"]), r["for"]
        for k, v in {**r.get("labels", {}), **r.get("annotations", {})}.items():
            assert re.fullmatch(r"[a-zA-Z_][a-zA-Z0-9_]*", k) and isinstance(v, str)
PY
    else
        # no PyYAML: every line is one of the shapes this file is made of
        awk '
          NR == 1 && /^# / { next }
          /^groups:$/ || /^  - name: \x27[^\x27]*\x27$/ || /^    rules:$/ { next }
          /^      - alert: \x27[a-zA-Z_:][a-zA-Z0-9_:]*\x27$/ { next }
          /^        (expr|for): \x27([^\x27]|\x27\x27)*\x27$/ { next }
          /^        (labels|annotations):$/ { next }
          /^          [a-zA-Z_][a-zA-Z0-9_]*: \x27([^\x27]|\x27\x27)*\x27$/ { next }
          { print "bad line " NR ": " $0; bad = 1 }
          END { exit bad }' "$tmp/$r.yml"
    fi
done
# model rules: the constant band, unique per series, with their backtest
grep -q "expr: 'cpu{host=\"web-1\"} < [0-9.]* or cpu{host=\"web-1\"} > [0-9.]*'" "$tmp/seasonal.yml"
grep -q "aiops_series: 'cpu{host=\"web-1\"}'" "$tmp/seasonal.yml"
grep -q "backtest: '[0-9]* points from " "$tmp/seasonal.yml"
grep -q "for: '10m'" "$tmp/seasonal.yml"
grep -q "expr: 'cpu > 80'" "$tmp/static.yml"
grep -q "for: '15m'" "$tmp/static.yml"
echo "promrules ok"
