# bench/nab_labels.jq - NAB's combined_windows.json -> aiops `label` records
# (docs/FORMAT.md) for aiops-fit --tune: one record per window of the NAB
# file $key, covering the series $s (the file stem as aiops-replay names it).
# Window bounds are "YYYY-MM-DD HH:MM:SS.ffffff" in UTC, like the CSV rows.
def epoch: sub("\\.[0-9]*$"; "") | strptime("%Y-%m-%d %H:%M:%S") | mktime;
(.[$key] // error("no NAB windows for \($key)")) | to_entries[] |
  (.value | map(epoch)) as [$a, $b] |
  {type: "label", ts: $a, id: "\($key)#\(.key + 1)", start: $a, end: $b,
   root_cause: "nab", kind: "nab_window", series: [$s]}
