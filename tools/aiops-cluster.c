/* aiops-cluster - turn an alert storm into a handful of incidents: reads
 * alert and anomaly records, writes incident records and passes the
 * alerts through with an "incident" field.  The engine is libcore/cluster/. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "aiops-cluster.h"

static int setup(aiops_cluster *cl, const cfg *g, aiops_err *err)
{
    int rc = g->graph ? aiops_cluster_graph_load(cl, g->graph, err) : 0;
    for (size_t i = 0; !rc && i < g->inhibit.n; i++)
        rc = aiops_cluster_inhibit_add(cl, g->inhibit.v[i], err);
    return rc;
}

typedef struct learn_in {
    aiops_cluster *cl;
    const cfg *g;
} learn_in;

static int learn_each(void *ctx, aiops_record *r, aiops_err *err)
{
    learn_in *in = ctx;
    return r->ts >= in->g->from && r->ts < in->g->to ? aiops_cluster_learn(in->cl, r, err) : 0;
}

/* --history files: learned before the input is clustered. */
static int learn(const cli *c, aiops_cluster *cl, const char *const *paths, size_t n,
                 aiops_series_table *tab, const cfg *g, aiops_err *err)
{
    if (!n)
        return 0;
    learn_in in = {cl, g};
    int rc = cli_read_all(c, paths, n, tab, NULL, learn_each, &in, err);
    return rc < 0 ? rc : aiops_cluster_embed(cl, err);
}

static int drain(aiops_cluster *cl, aiops_writer *w, aiops_err *err)
{
    aiops_record r;
    int rc = 0;
    while (aiops_cluster_pop(cl, &r) == 1) {
        if (!rc)
            rc = aiops_writer_write(w, &r, err);
        aiops_record_clear(&r);
    }
    return rc;
}

static int recommend(aiops_cluster *cl, const cfg *g, aiops_err *err)
{
    json_t *o = NULL;
    int rc = aiops_cluster_recommend(cl, &o, err);
    char *text = rc ? NULL : json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(10));
    if (!rc && !text)
        rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (!rc)
        rc = cli_write(g->out, text, err);
    free(text);
    json_decref(o);
    return rc;
}

static int run(const cli *c, const cfg *g, const char *const *paths, size_t npaths, aiops_err *err)
{
    aiops_series_table *tab = aiops_series_table_new();
    aiops_cluster *cl = NULL;
    aiops_reader *rd = NULL;
    aiops_writer *w = NULL;
    aiops_reader_opts ro = {0};
    ro.raw_text = 1;         /* alerts and spans read through a field view; the rest passed on as text */
    aiops_cluster_opts co = g->co;
    co.passthrough = !g->incidents_only;
    int rc = tab ? aiops_cluster_new(&cl, &co, err) : aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (!rc)
        rc = setup(cl, g, err);
    if (!rc)
        rc = learn(c, cl, g->history.v, g->history.n, tab, g, err);
    if (!rc && !g->recommend)
        rc = aiops_writer_new(&w, g->out, AIOPS_OUT_NDJSON, 0, tab, err);
    ro.flush = w;            /* live input: flushed whenever the input pauses */
    if (!rc)
        rc = cli_reader_new(c, &rd, paths, npaths, tab, &ro, err);
    aiops_record r;
    while (!rc && (rc = aiops_reader_next(rd, &r, err)) == 1) {
        if (!(r.ts >= g->from && r.ts < g->to))
            rc = 0;
        else if (g->recommend)
            rc = aiops_cluster_learn(cl, &r, err);
        else if (!(rc = aiops_cluster_push(cl, &r, err)))
            rc = drain(cl, w, err);
        if (rc < 0)
            cli_reader_locate(rd, err);
        aiops_record_clear(&r);
    }
    if (!rc && g->recommend)
        rc = recommend(cl, g, err);
    else if (!rc && !(rc = aiops_cluster_finish(cl, err)))
        rc = drain(cl, w, err);
    int crc = w ? aiops_writer_close(w, rc ? NULL : err) : 0;
    rc = rc ? rc : crc;
    cli_reader_report(c, rd);
    if (!rc && g->stats) {
        aiops_cluster_stats st;
        aiops_cluster_stats_get(cl, &st);
        fprintf(stderr, "aiops-cluster: %llu alerts (%llu repeats, %llu resolved), %llu anomalies, %llu "
                        "inhibited, %llu late -> %llu incidents (at most %llu open at once)\n",
                (unsigned long long)st.alerts, (unsigned long long)st.repeats,
                (unsigned long long)st.resolved, (unsigned long long)st.anomalies,
                (unsigned long long)st.inhibited, (unsigned long long)st.late,
                (unsigned long long)st.incidents, (unsigned long long)st.open_max);
    }
    aiops_cluster_free(cl);
    aiops_reader_free(rd);
    aiops_series_table_free(tab);
    return rc;
}

int main(int argc, char **argv)
{
    cli c = {
        .prog = "aiops-cluster",
        .usage = "[OPTION]... [FILE|DIR|ARCHIVE|-]...",
        .about = "Group alert and anomaly records into incidents.  Writes the stream through,\n"
                 "alerts and anomalies with an \"incident\" field, and one incident record per\n"
                 "incident when it closes (members, services, severity, primary service,\n"
                 "templated messages, why the members were joined).",
        .footer = "Exit status: 0 ok, 2 usage or input error.  See aiops-cluster(1),\n"
                  "docs/CLUSTER.md and docs/FORMAT.md.\n",
        .argc = argc,
        .argv = argv,
    };
    cfg g = {.from = -INFINITY, .to = INFINITY};
    aiops_cluster_opts_default(&g.co);
    cluster_parse_args(&c, &g);
    size_t npaths;
    const char *const *paths = cli_inputs(&c, &npaths);
    aiops_err err = {0};
    int rc = run(&c, &g, paths, npaths, &err);
    cluster_cfg_free(&g);
    if (rc) {
        cli_error(&c, &err);
        return 2;
    }
    return cli_status(&c, 0);
}
