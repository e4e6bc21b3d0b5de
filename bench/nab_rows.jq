# bench/nab_rows.jq - aiops-fit's band and anomaly records (NDJSON, one
# series) as tab-separated lines for bench/nab_rows.awk; times as NAB
# writes them ("2014-07-01 00:00:00", UTC), which sort as they compare.
#   B <time> <expected> <lower> <upper>   a scored point's band
#   F <time>                              an event fires (its confirming point)
#   R <start> <time> <score>              it resolves at <time>, the first
#                                         normal point; <score> = its peak
def nabtime: strftime("%Y-%m-%d %H:%M:%S");
if .type == "band" and (.forecast | not) then
  ["B", (.ts | nabtime), .expected, .lower, .upper]
elif .type == "anomaly" and .state == "firing" then
  ["F", (.ts | nabtime)]
elif .type == "anomaly" and .state == "resolved" then
  ["R", (.start | nabtime), (.ts | nabtime), .score]
else empty end | @tsv
