/* aiops-rca - rank root-cause services per incident, with evidence; or
 * print the service graph built from spans. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aiops-rca.h"
#include "common/buf.h"
#include "common/ofile.h"

/* s from the input, for a terminal: control characters (escape
 * sequences) become '?' (aiops_buf_term).  Valid until the next call. */
static const char *term(const char *s)
{
    static aiops_buf b;
    b.n = 0;
    aiops_buf_term(&b, s ? s : "?", NULL);
    aiops_buf_put(&b, "", 1);
    return b.oom ? "?" : b.p;
}

/* One line per candidate: incident, rank, service, score, evidence. */
static int print_table(FILE *f, const aiops_record *r)
{
    char inc[256];
    json_t *cands = json_object_get(r->obj, "candidates"), *c;
    size_t i;
    snprintf(inc, sizeof inc, "%s", term(json_string_value(json_object_get(r->obj, "incident"))));
    if (!json_array_size(cands))
        return fprintf(f, "%-14s  -  (no anomalous service)\n", inc) < 0;
    json_array_foreach(cands, i, c) {
        json_t *ev = json_object_get(c, "evidence"), *e;
        size_t k;
        if (fprintf(f, "%-14s %2zu  %-24s %7.4f  ", inc, i + 1,
                    term(json_string_value(json_object_get(c, "service"))),
                    json_number_value(json_object_get(c, "score"))) < 0)
            return 1;
        json_array_foreach(ev, k, e) fprintf(f, "%s%s", k ? "; " : "", term(json_string_value(e)));
        fputc('\n', f);
    }
    return 0;
}

typedef struct out {
    const cfg *g;
    aiops_writer *w;
    FILE *f;
    size_t ranked;               /* rca records out */
} out;

static int emit(out *o, aiops_rca *r, aiops_err *err)
{
    aiops_record rec;
    int rc = 0;
    while (!rc && aiops_rca_pop(r, &rec) == 1) {
        o->ranked++;
        if (o->g->table)
            rc = print_table(o->f, &rec) ? aiops_err_set(err, AIOPS_EIO, o->g->out, 0, "write failed") : 0;
        else if (!o->g->graph)
            rc = aiops_writer_write(o->w, &rec, err);
        aiops_record_clear(&rec);
    }
    return rc;
}

static int print_graph(const cfg *g, aiops_rca *r, FILE *f, aiops_err *err)
{
    aiops_buf b = {0};
    if (g->dot)
        aiops_graph_write_dot(aiops_rca_graph(r), &b);
    else {
        aiops_graph_write_json(aiops_rca_graph(r), &b);
        aiops_buf_put(&b, "\n", 1);
    }
    int rc = b.oom ? aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory")
             : fwrite(b.p, 1, b.n, f) != b.n ? aiops_err_set(err, AIOPS_EIO, g->out, 0, "write failed") : 0;
    aiops_buf_free(&b);
    return rc;
}

static int run(const cli *c, const cfg *g, aiops_series_table *tab, aiops_err *err)
{
    aiops_graph *base = NULL;
    aiops_rca *r = NULL;
    aiops_reader *rd = NULL;
    aiops_reader_opts ro = {0};
    ro.raw_text = 1;         /* spans, logs, events, scores read through a field view: no trees */
    out o = {.g = g};
    aiops_ofile of = {.fd = -1};
    size_t n;
    const char *const *paths = cli_inputs(c, &n);
    int rc = g->graph_file ? aiops_graph_read(&base, g->graph_file, err) : 0;
    if (!rc)
        rc = aiops_rca_new(&r, tab, &g->ro, base, err);
    aiops_graph_free(base);
    if (!rc && (g->table || g->graph)) {
        if (!(rc = aiops_ofile_open(&of, g->out, err)) && !(o.f = aiops_ofile_fp(&of, err)))
            rc = AIOPS_ENOMEM;
    } else if (!rc)
        rc = aiops_writer_new(&o.w, g->out, AIOPS_OUT_NDJSON, 0, tab, err);
    if (!rc)
        rc = cli_reader_new(c, &rd, paths, n, tab, &ro, err);
    aiops_record rec;
    while (!rc && (rc = aiops_reader_next(rd, &rec, err)) == 1) {
        rc = aiops_rca_add(r, &rec, err);
        if (rc < 0)
            cli_reader_locate(rd, err);
        if (!rc)
            rc = emit(&o, r, err);   /* rca records first: their ts is the last one before rec */
        if (!rc && g->passthrough)
            rc = aiops_writer_write(o.w, &rec, err);
        aiops_record_clear(&rec);
    }
    if (!rc)
        rc = aiops_rca_finish(r, err);
    if (!rc)
        rc = g->graph ? print_graph(g, r, o.f, err) : emit(&o, r, err);
    cli_reader_report(c, rd);
    if (rd && !rc) {
        aiops_graph_counts gc;
        aiops_graph_counts_get(aiops_rca_graph(r), &gc);
        cli_skipped(c, gc.bad, "span record%s without trace_id, span_id, service or duration "
                    "(not used for the graph)", gc.bad == 1 ? "" : "s");
        if (o.ranked && !g->graph && !aiops_graph_edges(aiops_rca_graph(r)))
            fprintf(stderr, "%s: note: no service graph (no span crossed services and no -G FILE): "
                            "services ranked by their own signals only\n", c->prog);
    }
    aiops_reader_free(rd);
    aiops_rca_free(r);
    if (o.w) {
        int wrc = aiops_writer_close(o.w, rc ? NULL : err);
        rc = rc ? rc : wrc;
    }
    if (rc)
        aiops_ofile_abort(&of);
    else
        rc = aiops_ofile_commit(&of, err);
    return rc;
}

int main(int argc, char **argv)
{
    cli c = {
        .prog = "aiops-rca",
        .usage = "[OPTION]... [FILE|-]...",
        .about = "Rank root-cause services for each incident (incident or label records) from the\n"
                 "spans, metric samples, logs, change events and aiops-fit scores in FILEs or\n"
                 "stdin; write one rca record per incident with the candidates, best first, each\n"
                 "with a score and evidence. --graph prints the service graph instead.",
        .footer = "Exit status: 0 ok, 2 usage or input error.\n"
                  "See aiops-rca(1) and docs/RCA.md.\n",
        .argc = argc,
        .argv = argv,
    };
    cfg g = {0};
    aiops_rca_opts_default(&g.ro);
    rca_parse_args(&c, &g);
    aiops_err err = {0};
    aiops_series_table *tab = aiops_series_table_new();
    int rc = tab ? run(&c, &g, tab, &err) : aiops_err_set(&err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    aiops_series_table_free(tab);
    if (rc) {
        cli_error(&c, &err);
        return 2;
    }
    return cli_status(&c, 0);
}
