/* rca_speed.c - aiops-rca's graph path in one process, timed by phase in
 * CPU seconds (one core): reading a span stream (the library's reader),
 * building the service graph (libcore/graph) and PageRank over it.
 *
 *   cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Ilibcore bench/rca_speed.c \
 *      libcore/libaiops.a -larchive -lzstd -ljansson -lm -o rca_speed
 *   ./rca_speed SPANS.ndjson
 *
 * Prints one JSON line: spans, services, edges, read_s (parse into
 * records), graph_s (matching parents, edges, histograms), pagerank_s
 * (alpha 0.85, weights = calls, uniform personalisation, stopping as
 * networkx does: L1 change < N * 1e-6), and the five services with the
 * highest rank, to compare with bench/rca_networkx.py. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aiops.h"
#include "graph/graph.h"

static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: rca_speed SPANS.ndjson\n");
        return 2;
    }
    aiops_err err = {0};
    aiops_series_table *tab = aiops_series_table_new();
    aiops_reader *rd = NULL;
    aiops_graph *g = NULL;
    aiops_reader_opts ro = {0};
    ro.raw_text = 1;         /* as aiops-rca reads: span records as text, fields by a view */
    aiops_graph_opts go;
    aiops_graph_opts_default(&go);
    const char *paths[] = {argv[1]};
    if (aiops_reader_new(&rd, paths, 1, tab, &ro, &err) || aiops_graph_new(&g, &go, &err)) {
        fprintf(stderr, "rca_speed: %s\n", err.msg);
        return 2;
    }
    /* records are read in batches of 4096, then added: the clock is read
     * per batch (CPU clocks are system calls) */
    enum { BATCH = 4096 };
    static aiops_record batch[BATCH];
    double t_read = 0, t_graph = 0, t0, t1;
    int rc = 1;
    unsigned long long n = 0;
    while (rc == 1) {
        size_t k = 0;
        t0 = cpu();
        while (k < BATCH && (rc = aiops_reader_next(rd, &batch[k], &err)) == 1)
            k++;
        t1 = cpu();
        t_read += t1 - t0;
        for (size_t i = 0; i < k; i++)
            if (aiops_graph_add_record(g, &batch[i], &err) < 0) {
                fprintf(stderr, "rca_speed: %s\n", err.msg);
                return 2;
            }
        t0 = cpu();
        t_graph += t0 - t1;
        for (size_t i = 0; i < k; i++)
            aiops_record_clear(&batch[i]);
        t_read += cpu() - t0;   /* freeing the records is the reader's share */
        n += k;
    }
    if (rc < 0) {
        fprintf(stderr, "rca_speed: %s:%ld: %s\n", err.file, err.line, err.msg);
        return 2;
    }
    t1 = cpu();
    aiops_graph_finish(g, &err);
    t_graph += cpu() - t1;
    size_t nn = aiops_graph_nodes(g);
    double *pr = calloc(nn ? nn : 1, sizeof *pr);
    t1 = cpu();
    aiops_graph_pagerank(g, NULL, NULL, NULL, NULL, 0.85, (double)nn * 1e-6, 100, pr, &err);
    double t_pr = cpu() - t1;
    printf("{\"spans\":%llu,\"services\":%zu,\"edges\":%zu,\"read_s\":%.3f,\"graph_s\":%.3f,"
           "\"pagerank_s\":%.4f,\"top\":[",
           n, nn, aiops_graph_edges(g), t_read, t_graph, t_pr);
    for (int k = 0; k < 5 && (size_t)k < nn; k++) {
        size_t best = 0;
        for (size_t i = 1; i < nn; i++)
            if (pr[i] > pr[best])
                best = i;
        printf("%s[\"%s\",%.6f]", k ? "," : "", aiops_graph_node_at(g, (uint32_t)best)->name, pr[best]);
        pr[best] = -1;
    }
    printf("]}\n");
    free(pr);
    aiops_graph_free(g);
    aiops_reader_free(rd);
    aiops_series_table_free(tab);
    return 0;
}
