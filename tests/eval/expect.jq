# expect.jq - a scenario's expectations from its eval report, for when a
# change to the detectors moves the figures on purpose:
#   jq --slurpfile old scenarios/NAME.expect.json -f tests/eval/expect.jq \
#      build/eval/NAME.json > NEW && mv NEW scenarios/NAME.expect.json
# "about", "fit" and "eval" are kept from the old file; review the diff.
# Gates, with enough margin that the suite checks regressions, not noise:
#   min-recall      as measured (a missed incident always fails)
#   min-f1, min-nab 85 % of the measured value
#   max-false-per-day  1.2 x measured, at least one extra false alarm,
#                   and never more than 1 a day (issue 20)
#   max-delay       measured median + 5 minutes (one scenario step)
#   gain            never later than the static rules (or 5 min worse
#                   than measured, if already later)
# "measured" records the report's figures; run-scenarios.sh ignores it.
def r4: if . == null then null else (. * 10000 | round / 10000) end;
def floor2: (. * 100 | floor) / 100;
def floor1: (. * 10 | floor) / 10;
def ceil2: (. * 100 | ceil) / 100;
def nonull: with_entries(select(.value != null));
.detection as $d | .counts.span_days as $days | $d.event.false_per_day as $fpd |
($d.event.incidents > 0) as $inc | $d.gain.delay_gain_median as $gain |
{
  about: $old[0].about,
  fit: $old[0].fit,
  eval: $old[0].eval,
  gates: ((if $inc then {"min-recall": $d.event.recall, "min-f1": ($d.event.f1 * 0.85 | floor2)}
           else {} end)
          + {"max-false-per-day": ([([$fpd * 1.2, $fpd + 1 / $days] | max | ceil2), 1] | min)}
          + (if $inc then {"max-delay": "\($d.event.delay_median + 300 | floor)s",
                           "min-nab": (.nab.standard.score * 0.85 | floor1)}
             else {} end)),
  gate: (if $inc then ["detection.gain.delay_gain_median>=\(if $gain >= 0 then 0 else $gain - 300 end)"]
         else null end),
  measured: ({
    f1: ($d.event.f1 | r4), recall: ($d.event.recall | r4), precision: ($d.event.precision | r4),
    alarms: $d.event.alarms, false_alarms: $d.event.false_alarms,
    false_per_day: ($fpd | r4), delay_median: ($d.event.delay_median | r4),
    delay_p90: ($d.event.delay_p90 | r4), point_f1: ($d.point.f1 | r4),
    nab_standard: (.nab.standard.score | r4), nab_low_fp: (.nab.reward_low_FP_rate.score | r4),
    nab_low_fn: (.nab.reward_low_FN_rate.score | r4),
    static_rules: ({f1: ($d.baseline.f1 | r4), recall: ($d.baseline.recall | r4),
                    false_per_day: ($d.baseline.false_per_day | r4),
                    delay_median: $d.baseline.delay_median} | nonull),
    gain_delay_median: $gain,
    false_alarm_reduction_pct: ($d.gain.false_alarm_reduction_pct | r4),
    span_days: ($days | r4)
  } | nonull)
} | nonull
