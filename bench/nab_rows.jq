# bench/nab_rows.jq - aiops-fit's band and anomaly records (NDJSON, one
# series) as tab-separated lines for bench/nab_rows.awk; times as NAB
# writes them ("2014-07-01 00:00:00", UTC), which sort as they compare.
#   B <time> <expected> <lower> <upper> <p>   a scored point's band
#   F <time> <P>                          an event fires (its confirming point);
#                                         <P> the calibrated score that decides
#                                         (empty: the band decides)
#   R <start> <time> <score> <p>          it resolves at <time>, the first
#                                         normal point; <score> = its peak
# <p> is the calibrated anomaly_score (the event's peak on R), empty when
# aiops-fit did not compute it (neither --threshold nor --bands).
def nabtime: strftime("%Y-%m-%d %H:%M:%S");
if .type == "band" and (.forecast | not) then
  ["B", (.ts | nabtime), .expected, .lower, .upper, (.anomaly_score // "")]
elif .type == "anomaly" and .state == "firing" then
  ["F", (.ts | nabtime), (.threshold // "")]
elif .type == "anomaly" and .state == "resolved" then
  ["R", (.start | nabtime), (.ts | nabtime), .score, (.anomaly_score // "")]
else empty end | @tsv
