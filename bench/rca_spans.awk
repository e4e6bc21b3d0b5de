# rca_spans.awk -v traces=N -v services=S: span records (our NDJSON) of N
# traces over a DAG of S services (service i calls 3 of the 40 after it),
# 10 spans per trace, traces one after another in time order.  bench/rca.sh.
BEGIN {
    srand(7)
    for (i = 0; i < services; i++) {
        nc[i] = 0
        for (k = 0; k < 3; k++) {
            j = i + 1 + int(rand() * 40)
            if (j < services) { c[i, nc[i]++] = j }
        }
    }
    t = 1704067200
    for (n = 0; n < traces; n++) {
        t += 0.01
        # a root at one of the first 20 services; a walk of 10 spans down the DAG
        s = int(rand() * services); par = ""; ts = t
        for (d = 0; d < 10; d++) {
            sid = sprintf("%x", d + 1)
            err = rand() < 0.01 ? "true" : "false"
            if (par == "")
                printf "{\"type\":\"span\",\"ts\":%.3f,\"trace_id\":\"%x\",\"span_id\":\"%s\",\"service\":\"s%d\",\"operation\":\"op\",\"duration\":%.4f,\"error\":%s}\n", ts, n, sid, s, 0.001 * (10 - d), err
            else
                printf "{\"type\":\"span\",\"ts\":%.3f,\"trace_id\":\"%x\",\"span_id\":\"%s\",\"parent_span_id\":\"%s\",\"service\":\"s%d\",\"operation\":\"op\",\"duration\":%.4f,\"error\":%s}\n", ts, n, sid, par, s, 0.001 * (10 - d), err
            par = sid
            ts += 0.0001
            if (nc[s] == 0) { s = int(rand() * services) ; par = "" ; continue }
            s = c[s, int(rand() * nc[s])]
        }
    }
}
