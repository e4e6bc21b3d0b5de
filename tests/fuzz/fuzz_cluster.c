/* fuzz_cluster.c - libFuzzer harness: aiops-cluster's engine
 * (libcore/cluster) over a record stream, with its option specs.
 * Input: one flag byte, then two parts split at lines "%%" (tests/fuzz/fuzz.h):
 *   part 0: option lines "inhibit RULE" (--inhibit), "group-by LIST",
 *           "labels LIST", "ignore LIST", "edge FROM TO" (a graph edge),
 *           "graph TEXT" (the rest of the part is a --graph file);
 *   part 1: the record stream (NDJSON records, docs/FORMAT.md).
 * Flag bits 0-1: method (default, dbscan, group-by); bit 2: incidents
 * only; bit 3: --recommend (learn, then recommend); bit 4: --history (the
 * same records learned and embedded first).  Run: make fuzz. */
#include "cluster/cluster.h"
#include "fuzz.h"

static int push(void *ctx, aiops_record *r, aiops_err *err)
{
    aiops_cluster *cl = ctx;
    int rc = aiops_cluster_push(cl, r, err);
    aiops_record out;
    while (aiops_cluster_pop(cl, &out) == 1)
        aiops_record_clear(&out);
    return rc;
}

static int learn(void *ctx, aiops_record *r, aiops_err *err)
{
    return aiops_cluster_learn(ctx, r, err);
}

/* Option lines of part 0; 0 or the first error. */
static int options(aiops_cluster_opts *o, char *text, char **graph, char **keep)
{
    size_t nk = 0;
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        char *arg = strchr(line, ' ');
        if (!arg)
            continue;
        *arg++ = 0;
        if (!strcmp(line, "graph")) {
            *graph = arg;
            if (next)
                next[-1] = '\n';   /* the rest of the part is the file */
            return 0;
        }
        if (!strcmp(line, "group-by"))
            o->group_by = arg;
        else if (!strcmp(line, "labels"))
            o->labels = arg;
        else if (!strcmp(line, "ignore"))
            o->ignore = arg;
        else if (nk < 64)
            keep[nk++] = line, keep[nk++] = arg;   /* inhibit, edge: after new */
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned fl = fuzz_flags(&data, &size);
    size_t n0, n1;
    const char *p0 = fuzz_part((const char *)data, size, 0, &n0);
    const char *p1 = fuzz_part((const char *)data, size, 1, &n1);
    char *spec = fuzz_str(p0, n0), *graph = NULL, *keep[66] = {0};
    aiops_cluster_opts o;
    aiops_cluster_opts_default(&o);
    o.method = (aiops_cluster_method)((fl & 3) % 3);
    o.passthrough = !(fl & 4);
    o.max_members = 50;
    if (!spec || options(&o, spec, &graph, keep)) {
        free(spec);
        return 0;
    }
    aiops_series_table *tab = aiops_series_table_new();
    aiops_cluster *cl = NULL;
    aiops_err err = {0};
    int rc = tab ? aiops_cluster_new(&cl, &o, &err) : -1;
    if (!rc && graph) {
        const char *path = fuzz_file("graph", graph, strlen(graph));
        rc = path ? aiops_cluster_graph_load(cl, path, &err) : -1;
    }
    for (size_t i = 0; !rc && keep[i]; i += 2) {
        if (!strcmp(keep[i], "inhibit"))
            rc = aiops_cluster_inhibit_add(cl, keep[i + 1], &err);
        else if (!strcmp(keep[i], "edge")) {
            char *to = strchr(keep[i + 1], ' ');
            if (to)
                *to++ = 0;
            rc = aiops_cluster_graph_edge(cl, keep[i + 1], to ? to : "", &err);
        }
    }
    if (!rc && (fl & 16))
        rc = fuzz_records(p1, n1, tab, learn, cl, &err) || aiops_cluster_embed(cl, &err);
    if (!rc && (fl & 8)) {
        rc = fuzz_records(p1, n1, tab, learn, cl, &err);
        json_t *j = NULL;
        if (!rc && !aiops_cluster_recommend(cl, &j, &err)) {
            char *s = json_dumps(j, JSON_COMPACT);
            free(s);
        }
        json_decref(j);
    } else if (!rc) {
        rc = fuzz_records(p1, n1, tab, push, cl, &err);
        if (!rc && !aiops_cluster_finish(cl, &err)) {
            aiops_record out;
            while (aiops_cluster_pop(cl, &out) == 1)
                aiops_record_clear(&out);
        }
        aiops_cluster_stats st;
        aiops_cluster_stats_get(cl, &st);
    }
    aiops_cluster_free(cl);
    aiops_series_table_free(tab);
    free(spec);
    return 0;
}
