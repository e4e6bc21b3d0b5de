/* aiops-fit - fit a model per series on a training window, then score the
 * rest of the stream point by point as if live; emits band and anomaly
 * records in the stream.  The engine is libcore/fit*.c. */
#include <math.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "aiops-fit.h"

static int emit(void *ctx, const aiops_record *r, aiops_err *err)
{
    return aiops_writer_write(ctx, r, err);
}

static int load_models(aiops_fit *f, const cfg *g, aiops_err *err)
{
    for (size_t i = 0; i < g->load.n; i++) {
        int rc = aiops_fit_load_file(f, g->load.v[i], err);
        if (rc)
            return rc;
    }
    return 0;
}

static int print_choice(void *ctx, const aiops_fit_info *in, aiops_err *err)
{
    (void)ctx;
    (void)err;
    fprintf(stderr, "aiops-fit: %s: %s%s%s\n", in->series->text, in->rule ? in->rule : in->model,
            in->reason[0] ? ": " : "", in->reason);
    return 0;
}

/* --emit-promrules: each model rule's own backtest, beside the model's. */
static int print_backtest(void *ctx, const aiops_fit_info *in, aiops_err *err)
{
    (void)ctx;
    (void)err;
    char bt[400];
    if (in->rule || !in->export.set)
        return 0;
    aiops_promrules_backtest_text(&in->export, bt, sizeof bt);
    fprintf(stderr, "aiops-fit: rule for %s (%s): %s\n", in->series->text, in->model, bt);
    return 0;
}

static void progress(const aiops_fit *f, int final)
{
    static time_t last;
    time_t now = time(NULL);
    if (!final && now == last)
        return;
    last = now;
    aiops_fit_stats st;
    aiops_fit_get_stats(f, &st);
    fprintf(stderr, "\raiops-fit: %llu samples, %zu series (%zu training), %llu anomalies%s",
            (unsigned long long)st.samples, st.series, st.training,
            (unsigned long long)st.anomalies, final ? "\n" : "");
}

/* Say what a run that scored nothing, or less than asked, left out. */
static void report(const cfg *g, const aiops_fit_stats *st, uint64_t nread)
{
    if (nread && !st->records)
        fprintf(stderr, "aiops-fit: warning: --from/--to left none of the %llu records read\n",
                (unsigned long long)nread);
    else if (st->series && !st->modelled && (g->fo.nmatch || g->fo.nrules))
        fprintf(stderr, "aiops-fit: warning: no series matched %s; none of the %zu series was "
                        "modelled\n", g->fo.nmatch ? "--match" : "the --static rules", st->series);
    if (st->never_scored) {
        /* suggest half the longest such series, in whole hours (minutes) */
        double unit = st->never_scored_span >= 2 * 3600 ? 3600 : 60;
        double half = floor(st->never_scored_span / 2 / unit) * unit;
        char d[64], span[64];
        aiops_fit_fmt_duration(half > 0 ? half : unit, d, sizeof d);
        aiops_fit_fmt_duration(st->never_scored_span, span, sizeof span);
        fprintf(stderr, "aiops-fit: warning: %zu of %zu modelled series never left training (the "
                        "input ended inside their training window, the longest after %s): none "
                        "of their points was scored; try --train %s or --train-until TIME\n",
                st->never_scored, st->modelled, span, d);
    }
}

static int run(const cli *c, const cfg *g, const char *const *paths, size_t npaths,
               uint64_t *anomalies, aiops_err *err)
{
    aiops_series_table *tab = aiops_series_table_new();
    aiops_reader *rd = NULL;
    aiops_writer *w = NULL;
    aiops_fit *f = NULL;
    aiops_reader_opts ro = {0};
    ro.raw_text = 1;         /* logs, spans, ... are only passed through: no trees */
    int rc = tab ? 0 : aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    int tty = isatty(2);
    if (!rc)
        rc = aiops_writer_new(&w, g->out, g->fmt, 0, tab, err);
    if (!rc)
        rc = aiops_fit_new(&f, &g->fo, tab, emit, w, err);
    if (!rc)
        rc = load_models(f, g, err);
    if (!rc && g->labels)
        rc = aiops_fit_load_labels(f, g->labels, err) < 0 ? err->code : 0;
    ro.flush = w;            /* live input: flushed whenever the input pauses */
    if (!rc)
        rc = cli_reader_new(c, &rd, paths, npaths, tab, &ro, err);
    aiops_record r;
    uint64_t n = 0, nread = 0;
    while (!rc && (rc = aiops_reader_next(rd, &r, err)) == 1) {
        int mine = aiops_shard_keep(&g->shard, tab, &r);   /* --shard: others dropped */
        nread += mine;
        rc = mine && r.ts >= g->from && r.ts < g->to ? aiops_fit_push(f, &r, err) : 0;
        if (rc < 0)
            cli_reader_locate(rd, err);
        aiops_record_clear(&r);
        if (tty && (++n & 0xffff) == 0)
            progress(f, 0);
    }
    if (!rc)
        rc = aiops_fit_finish(f, err);
    if (tty && n > 0xffff)
        progress(f, 1);
    if (!rc && g->verbose)
        rc = aiops_fit_foreach(f, print_choice, NULL, err);
    if (!rc && g->save)
        rc = aiops_fit_save_file(f, g->save, err);
    if (!rc && g->promrules)
        rc = aiops_promrules_write(f, g->fo.min_duration, g->fo.for_duration, g->promrules, err);
    if (!rc && g->promrules)
        rc = aiops_fit_foreach(f, print_backtest, NULL, err);
    int crc = aiops_writer_close(w, rc ? NULL : err);
    rc = rc ? rc : crc;
    cli_reader_report(c, rd);
    aiops_fit_stats st = {0};
    if (f)
        aiops_fit_get_stats(f, &st);
    if (!rc)
        report(g, &st, nread);
    *anomalies = st.anomalies;
    aiops_fit_free(f);
    aiops_reader_free(rd);
    aiops_series_table_free(tab);
    return rc;
}

int main(int argc, char **argv)
{
    cli c = {
        .prog = "aiops-fit",
        .usage = "[OPTION]... [FILE|DIR|ARCHIVE|-]...",
        .about = "Fit a model per series on a training window, then score the rest of the\n"
                 "record stream point by point as if live (no look-ahead).  Writes the stream\n"
                 "through with band and anomaly records added at the time they are decided.",
        .footer = "Exit status: 0 ok, 1 anomalies found with --fail-on-anomaly, 2 usage or\n"
                  "input error.  See aiops-fit(1) and docs/FORMAT.md.\n",
        .argc = argc,
        .argv = argv,
    };
    cfg g = {.from = -INFINITY, .to = INFINITY};
    aiops_fit_opts_init(&g.fo);
    fit_parse_args(&c, &g);
    size_t npaths;
    const char *const *paths = cli_inputs(&c, &npaths);
    aiops_err err = {0};
    uint64_t anomalies = 0;
    int rc = run(&c, &g, paths, npaths, &anomalies, &err);
    fit_cfg_free(&g);
    if (rc) {
        cli_error(&c, &err);
        return 2;
    }
    return cli_status(&c, g.fail && anomalies ? 1 : 0);
}
