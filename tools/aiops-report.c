/* aiops-report - postmortems (Markdown and self-contained HTML), the
 * backtest report of aiops-eval results, and hand-off payloads for
 * incident tools, from the record stream. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aiops-report.h"
#include "common/buf.h"
#include "common/ofile.h"

typedef struct report_in {
    aiops_report *rep;
    aiops_series_table *tab;
} report_in;

static int report_each(void *ctx, aiops_record *r, aiops_err *err)
{
    report_in *in = ctx;
    return aiops_report_add(in->rep, in->tab, r, err);
}

static int read_stream(const cli *c, aiops_report *rep, aiops_series_table *tab,
                       const char *const *paths, size_t n, aiops_err *err)
{
    report_in in = {rep, tab};
    return cli_read_all(c, paths, n, tab, NULL, report_each, &in, err);
}

/* --eval FILE...: each an aiops-eval report (one JSON object), named by
 * its file stem. */
static int backtest(const cfg *g, const char *const *paths, size_t n, aiops_err *err)
{
    json_t **ev = calloc(n ? n : 1, sizeof *ev);
    char **names = calloc(n ? n : 1, sizeof *names);
    int rc = ev && names ? 0 : aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    size_t k = 0;
    for (; k < n && !rc; k++) {
        json_error_t je;
        ev[k] = json_load_file(paths[k], 0, &je);
        if (!json_is_object(ev[k])) {
            rc = aiops_err_set(err, AIOPS_EPARSE, paths[k], ev[k] ? 1 : je.line,
                               "expected an aiops-eval report (a JSON object)%s%s", ev[k] ? "" : ": ",
                               ev[k] ? "" : je.text);
            k++;
            break;
        }
        const char *base = strrchr(paths[k], '/');
        base = base ? base + 1 : paths[k];
        names[k] = strdup(base);
        char *dot = names[k] ? strrchr(names[k], '.') : NULL;
        if (dot && dot != names[k])
            *dot = 0;
        if (!names[k])
            rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    char *index = NULL;
    if (!rc)
        rc = aiops_report_backtest(&g->ro, ev, (const char *const *)names, n, g->out ? g->out : "reports",
                                   &index, err);
    if (!rc)
        printf("%s\n", index);
    free(index);
    for (size_t i = 0; i < k; i++) {
        json_decref(ev[i]);
        free(names[i]);
    }
    free(ev);
    free(names);
    return rc;
}

static int emit(const cfg *g, aiops_report *rep, aiops_err *err)
{
    if (g->format < 0) {
        char *index = NULL;
        int rc = aiops_report_write(rep, g->out ? g->out : "reports", &index, err);
        if (!rc)
            printf("%s\n", index);
        free(index);
        return rc;
    }
    aiops_buf b = {0};
    int rc = aiops_report_handoff(rep, (aiops_report_fmt)g->format, &b, err);
    if (!rc && b.oom)
        rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (!rc)
        rc = aiops_ofile_save(g->out, b.p ? b.p : "", b.n, err);
    aiops_buf_free(&b);
    return rc;
}

int main(int argc, char **argv)
{
    cli c = {
        .prog = "aiops-report",
        .usage = "[OPTION]... [FILE|-]...",
        .about = "Write a postmortem per incident (Markdown and one self-contained HTML file) and an\n"
                 "index into reports/ from the record stream (incident, rca, prediction, summary,\n"
                 "band, anomaly, sample, alert, event, span, label and eval records in FILEs or\n"
                 "stdin); prints the index's path. Without incident records, the label records\n"
                 "are the incidents. --eval writes the backtest report of aiops-eval results;\n"
                 "--format prints hand-off payloads for incident tools instead.",
        .footer = "Exit status: 0 ok, 2 usage or input error (also: gnuplot missing; see --no-charts).\n"
                  "See aiops-report(1) and docs/INTEGRATIONS.md.\n",
        .argc = argc,
        .argv = argv,
    };
    cfg g = {.format = -1};
    aiops_report_opts_default(&g.ro);
    g.max_points = (int64_t)g.ro.max_points;
    g.max_records = (int64_t)g.ro.max_records;
    g.max_charts = (int64_t)g.ro.max_charts;
    report_parse_args(&c, &g);
    aiops_err err = {0};
    const char *const *ops = (const char *const *)argv + c.optind;
    size_t nops = (size_t)(argc - c.optind);
    int rc;
    if (g.evals.n) {
        const char **all = calloc(g.evals.n + nops + 1, sizeof *all);
        if (!all)
            rc = aiops_err_set(&err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        else {
            memcpy(all, g.evals.v, g.evals.n * sizeof *all);
            memcpy(all + g.evals.n, ops, nops * sizeof *all);
            rc = backtest(&g, all, g.evals.n + nops, &err);
        }
        free(all);
    } else {
        aiops_series_table *tab = aiops_series_table_new();
        aiops_report *rep = NULL;
        rc = tab ? aiops_report_new(&rep, &g.ro, &err) : aiops_err_set(&err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        if (!rc) {
            static const char *const stdin_only[] = {"-"};
            rc = read_stream(&c, rep, tab, nops ? ops : stdin_only, nops ? nops : 1, &err);
        }
        if (!rc)
            rc = aiops_report_finish(rep, &err);
        if (!rc)
            rc = emit(&g, rep, &err);
        aiops_report_free(rep);
        aiops_series_table_free(tab);
    }
    free(g.evals.v);
    if (rc) {
        cli_error(&c, &err);
        return 2;
    }
    return cli_status(&c, 0);
}
