# --emit-promrules against Prometheus' own checker: rules for a metric with
# two series are valid and unique (promtool check rules --lint-fatal), and
# promtool's rule unit test, fed the same small series, fires the exported
# rule exactly when aiops-fit's backtest of that rule said it would.
set -eu
command -v promtool >/dev/null 2>&1 || { echo "skip: promtool is not installed (Debian package prometheus)"; exit 0; }
tmp=$(mktemp -d /tmp/aiops-fit-promtool.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# two series of one metric, every model that exports a band
awk -F'\t' -v OFS='\t' '{ print; sub(/web-1/, "web-2", $2); print $1, $2, $3 + 1 }' \
    tests/fixtures/fit/cpu-batch.tsv >"$tmp/two.tsv"
for m in ewma robust holtwinters; do
    "$BIN/aiops-fit" --model $m --train 7d --min-duration 10m --no-samples \
        --emit-promrules "$tmp/$m.yml" "$tmp/two.tsv" >/dev/null 2>"$tmp/$m.err"
    [ "$(grep -c '^      - alert:' "$tmp/$m.yml")" = 2 ] || { echo "$m: not two rules"; cat "$tmp/$m.yml"; exit 1; }
    promtool check rules --lint-fatal "$tmp/$m.yml" >"$tmp/check" 2>&1 ||
        { echo "$m: promtool rejects the rules:"; cat "$tmp/check"; exit 1; }
    # the backtest of each rule on stderr
    [ "$(grep -c '^aiops-fit: rule for cpu{host="web-[12]"} ('$m'): [0-9]* points from ' "$tmp/$m.err")" = 2 ] ||
        { echo "$m: no backtest lines"; cat "$tmp/$m.err"; exit 1; }
done
# a small series from time 0, one sample a minute: 9/11 for 90 minutes, then
# 100 for 5 minutes, then 9/11 again
awk 'BEGIN { for (i = 0; i < 120; i++) printf "%d\tx{job=\"a\"}\t%d\n", i * 60,
    (i >= 90 && i < 95) ? 100 : (i % 2 ? 11 : 9) }' >"$tmp/x.tsv"
"$BIN/aiops-fit" --model ewma --train 1h --min-duration 2m --no-samples \
    --emit-promrules "$tmp/x.yml" "$tmp/x.tsv" >/dev/null 2>"$tmp/x.err"
# the backtest: one alert, at 01:32 (pending from 01:30, for: 2m)
grep -q '^aiops-fit: rule for x{job="a"} (ewma): 60 points from 1970-01-01T01:00:00Z: 1 alerts (the first at 1970-01-01T01:32:00Z), ' "$tmp/x.err" ||
    { echo "unexpected backtest:"; cat "$tmp/x.err"; exit 1; }
vals=$(awk -F'\t' '{ printf "%s ", $3 }' "$tmp/x.tsv")
ann=$(sed -n "s/^          \\(summary\\|backtest\\): /              \\1: /p" "$tmp/x.yml")
cat >"$tmp/test.yml" <<T
rule_files: ['x.yml']
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'x{job="a"}'
        values: '$vals'
    alert_rule_test:
      - eval_time: 91m
        alertname: x_anomaly
        exp_alerts: []
      - eval_time: 92m
        alertname: x_anomaly
        exp_alerts:
          - exp_labels:
              job: a
              severity: warning
              source: aiops-fit
              model: ewma
              aiops_series: 'x{job="a"}'
            exp_annotations:
$ann
      - eval_time: 96m
        alertname: x_anomaly
        exp_alerts: []
T
(cd "$tmp" && promtool test rules test.yml) >"$tmp/test.out" 2>&1 ||
    { echo "promtool test rules failed:"; cat "$tmp/test.out" "$tmp/x.yml"; exit 1; }
# a counter's rule judges the rate the model saw: irate() over 4 intervals
awk 'BEGIN { v = 0; for (i = 0; i < 300; i++) { v += 10 + (i % 3)
    printf "%d\treqs_total{job=\"a\"}\t%d\n", i * 60, v } }' >"$tmp/c.tsv"
"$BIN/aiops-fit" --model ewma --train 1h --no-samples --emit-promrules "$tmp/c.yml" "$tmp/c.tsv" >/dev/null 2>&1
grep -q "expr: 'irate(reqs_total{job=\"a\"}\[4m\]) < 0\.[0-9]* or irate(reqs_total{job=\"a\"}\[4m\]) > 0\.[0-9]*'" "$tmp/c.yml" ||
    { echo "counter rule:"; cat "$tmp/c.yml"; exit 1; }
promtool check rules --lint-fatal "$tmp/c.yml" >/dev/null
echo "promtool ok"
