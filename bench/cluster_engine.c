/* cluster_engine.c - bench/cluster.sh's timer of the clustering engine
 * alone: reads an NDJSON alert file into memory first (jansson, not
 * timed), then times aiops_cluster_push/pop over all of it and finish
 * (CPU seconds), default method with the graph given.  The parsed objects
 * are freed after the clock stops: freeing 1.4 M jansson trees allocated
 * long before is the allocator's cost, not the engine's (the tool frees
 * each record right after reading it).
 * Usage: cluster_engine ALERTS.ndjson GRAPH [IGNORE_LABELS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cluster/cluster.h"

int main(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    FILE *f = fopen(argv[1], "r");
    if (!f)
        return 2;
    size_t n = 0, cap = 0;
    aiops_record *rec = NULL;
    char *line = NULL;
    size_t lcap = 0;
    while (getline(&line, &lcap, f) > 0) {
        json_error_t je;
        json_t *o = json_loads(line, 0, &je);
        if (!o)
            return 2;
        if (n == cap) {
            cap = cap ? cap * 2 : 1 << 20;
            rec = realloc(rec, cap * sizeof *rec);
            if (!rec)
                return 2;
        }
        rec[n++] = (aiops_record){.type = AIOPS_R_ALERT, .ts = json_number_value(json_object_get(o, "ts")), .obj = o};
    }
    free(line);
    fclose(f);
    aiops_cluster_opts o;
    aiops_cluster_opts_default(&o);
    o.passthrough = 0;
    if (argc > 3)
        o.ignore = argv[3];
    aiops_cluster *c;
    aiops_err err = {0};
    if (aiops_cluster_new(&c, &o, &err) || aiops_cluster_graph_load(c, argv[2], &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    size_t incidents = 0;
    aiops_record r;
    for (size_t i = 0; i < n; i++)    /* the objects are freed after the clock stops */
        json_incref(rec[i].obj);
    json_t **keep = malloc(n * sizeof *keep);
    for (size_t i = 0; keep && i < n; i++)
        keep[i] = rec[i].obj;
    clock_t t0 = clock();
    for (size_t i = 0; i < n; i++) {
        if (aiops_cluster_push(c, &rec[i], &err))
            return 2;
        while (aiops_cluster_pop(c, &r) == 1) {
            incidents += r.type == AIOPS_R_INCIDENT;
            aiops_record_clear(&r);
        }
    }
    aiops_cluster_finish(c, &err);
    while (aiops_cluster_pop(c, &r) == 1) {
        incidents += r.type == AIOPS_R_INCIDENT;
        aiops_record_clear(&r);
    }
    double sec = (double)(clock() - t0) / CLOCKS_PER_SEC;
    aiops_cluster_stats st;
    aiops_cluster_stats_get(c, &st);
    printf("%zu records, %llu firing, %zu incidents, %.3f s CPU\n", n, (unsigned long long)st.alerts, incidents, sec);
    aiops_cluster_free(c);
    for (size_t i = 0; keep && i < n; i++)
        json_decref(keep[i]);
    free(keep);
    free(rec);
    return 0;
}
