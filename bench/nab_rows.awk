# bench/nab_rows.awk - one NAB result file (timestamp,value,anomaly_score)
# from aiops-fit's records of one NAB data file:
#   awk -f nab_rows.awk ROWS.tsv DATA.csv > RESULT.csv
# ROWS.tsv is bench/nab_rows.jq's output; DATA.csv the NAB data file, whose
# rows (all of them, in file order, repeated times included) are the rows
# of the result.  A row's anomaly_score is aiops-fit's score where an
# anomaly fires, 0 elsewhere: the row lies in an event, from the point that
# confirmed it (the firing record) to the first normal point (the resolved
# record), and then its score is how far its value lies outside the band
# of its time, |value - expected| / the half-width of the violated side,
# 0 inside (aiops-fit's `score`, docs/FORMAT.md; aiops_fit_score in
# libcore/fit/fit_rule.c).  Rows before the first band (training) get 0.
# With -v score=calibrated, a row in an event gets instead the calibrated
# anomaly_score of its time's band record (aiops-fit --threshold P: a tail
# probability in [0, 1], >= P on the rows of an event); rows that repeat a
# time share the score of the time's first row, the one aiops-fit judged.
# Check: each resolved record's score (the event's peak) must equal the
# largest score computed over its points (with score=calibrated: its
# anomaly_score must equal the largest band anomaly_score over its points);
# a difference is printed on stderr as "nab_rows: ... mismatch ...".
BEGIN {
    FS = "\t"; nb = 0; nf = 0; nr = 0
    cal = score == "calibrated"
    if (score != "" && score != "band" && !cal) {
        print "nab_rows: score must be band or calibrated" > "/dev/stderr"
        bad = 1
        exit 2
    }
}
function outside(v, e, lo, up,    half, d) {
    if (v >= lo && v <= up)
        return 0
    half = v > up ? up - e : e - lo
    if (e == "")
        e = v > up ? up : lo
    d = v > e ? v - e : e - v
    return half > 0 ? d / half : d
}
# the event that covers time t: the last firing at or before t, if t is
# before its resolution; 0 if none
function event(t,    lo, hi, mid) {
    lo = 0
    hi = nf
    while (lo < hi) {
        mid = int((lo + hi) / 2)
        if (fire[mid] <= t) lo = mid + 1
        else hi = mid
    }
    if (lo == 0)
        return 0
    return (lo - 1 >= nr || t < rend[lo - 1]) ? lo : 0
}
FNR == NR {
    if ($1 == "B") {
        bt[nb++] = $2
        be[$2] = $3
        bl[$2] = $4
        bu[$2] = $5
        bp[$2] = $6
    } else if ($1 == "F") {
        fire[nf++] = $2
    } else if ($1 == "R") {
        rstart[nr] = $2
        rend[nr] = $3
        rpeak[nr] = cal ? $5 : $4
        if (cal && $5 == "") {
            print "nab_rows: score=calibrated: a resolved record without anomaly_score" > "/dev/stderr"
            bad = 1
            exit 2
        }
        nr++
    }
    next
}
{ sub(/\r$/, "") }     # a few NAB files end their lines with CR LF
FNR == 1 { FS = ","; print "timestamp,value,anomaly_score"; next }
NF >= 2 {
    t = $1
    v = $2 + 0
    if (!(t in val))
        val[t] = v
    s = !((t in be) && event(t)) ? 0 : cal ? bp[t] + 0 : outside(v, be[t], bl[t], bu[t])
    printf "%s,%s,%.17g\n", t, $2, s
}
END {
    if (bad)
        exit 2
    k = 0
    for (i = 0; i < nr; i++) {
        while (k < nb && bt[k] < rstart[i]) k++
        m = 0
        for (j = k; j < nb && bt[j] < rend[i]; j++) {
            s = cal ? bp[bt[j]] + 0 : outside(val[bt[j]], be[bt[j]], bl[bt[j]], bu[bt[j]])
            if (s > m) m = s
        }
        d = m - rpeak[i]
        if (d < 0) d = -d
        if (d > 1e-9 * (rpeak[i] > 1 ? rpeak[i] : 1))
            printf "nab_rows: %s: event %s..%s: peak %s, computed %.17g: mismatch\n",
                FILENAME, rstart[i], rend[i], rpeak[i], m > "/dev/stderr"
    }
}
