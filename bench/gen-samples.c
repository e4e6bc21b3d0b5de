/* gen-samples.c - write N synthetic samples in the aiops stream (TSV or
 * NDJSON) for bench/replay.sh: S series (node_exporter-like label sets),
 * 15 s scrape interval, values with 1-3 decimals like real gauges and
 * counters.  Deterministic (fixed LCG), stdout, no libcore dependency so it
 * measures nothing of ours. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 4 || (strcmp(argv[1], "tsv") && strcmp(argv[1], "ndjson"))) {
        fprintf(stderr, "usage: gen-samples tsv|ndjson SAMPLES SERIES\n");
        return 2;
    }
    int tsv = argv[1][0] == 't';
    char *end;
    unsigned long long n = strtoull(argv[2], &end, 10);
    unsigned long nser = strtoul(argv[3], &end, 10);
    if (!n || !nser)
        return 2;
    static char buf[1 << 16];
    setvbuf(stdout, buf, _IOFBF, sizeof buf);
    unsigned long long x = 42;
    long long t0 = 1700000000;
    for (unsigned long long i = 0; i < n; i++) {
        unsigned long s = (unsigned long)(i % nser);
        long long ts = t0 + (long long)(i / nser) * 15;
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        double v = (double)((x >> 33) % 100000) / 100.0;
        const char *metric = s % 3 == 0 ? "node_cpu_usage" : s % 3 == 1 ? "http_requests_total" : "node_memory_used_bytes";
        if (tsv)
            printf("%lld\t%s{instance=\"10.0.%lu.%lu:9100\",job=\"node\",service=\"svc%lu\"}\t%.2f\n",
                   ts, metric, s / 250, s % 250, s % 100, v);
        else
            printf("{\"type\":\"sample\",\"ts\":%lld,\"name\":\"%s\",\"labels\":{\"instance\":\"10.0.%lu.%lu:9100\",\"job\":\"node\",\"service\":\"svc%lu\"},\"value\":%.2f}\n",
                   ts, metric, s / 250, s % 250, s % 100, v);
    }
    return 0;
}
