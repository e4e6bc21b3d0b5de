/* aiops-fit - fit a model per series on a training window, then score the
 * rest of the stream point by point as if live; emits band and anomaly
 * records in the stream.  The engine is libcore/fit*.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aiops.h"
#include "fit/fit.h"
#include "cli.h"

enum {
    O_MODEL = 256, O_TRAIN, O_TRAIN_UNTIL, O_MAX_TRAIN, O_BANDS, O_NO_SAMPLES, O_MIN_DUR,
    O_COOLDOWN, O_FOR, O_STATIC, O_SAVE, O_LOAD, O_TUNE, O_LABELS, O_OBJECTIVE, O_PROMRULES,
    O_TUNE_BY, O_HORIZON, O_STEP, O_K, O_ALPHA, O_BETA, O_GAMMA, O_WIDTH, O_PERIOD, O_WINDOW, O_DAILY,
    O_WEEKLY, O_CHANGEPOINTS, O_CP_PRIOR, O_MULT, O_ORDER, O_SORDER, O_FAIL, O_LIST,
};

static const cli_opt opts[] = {
    {O_MODEL, "model", "NAME", "model for every series: auto (default) or one of --list-models"},
    {'m', "match", "SELECTOR", "model only series matching SELECTOR (repeatable: any); others pass through"},
    {O_TRAIN, "train", "DURATION", "train each series on its first DURATION of data (14d)"},
    {O_TRAIN_UNTIL, "train-until", "TIME", "train on everything before TIME instead"},
    {O_MAX_TRAIN, "max-train", "N", "cap of the training buffer per series, in points (200000)"},
    {O_BANDS, "bands", NULL, "emit a band record for every scored point"},
    {O_NO_SAMPLES, "no-samples", NULL, "do not pass samples through (other records still are)"},
    {O_MIN_DUR, "min-duration", "DURATION", "confirm an anomaly only after it lasted DURATION (0)"},
    {O_COOLDOWN, "cooldown", "DURATION", "after an anomaly ends, start no new one for DURATION (0)"},
    {O_FOR, "for", "DURATION", "Prometheus for: of --static rules (default: --min-duration)"},
    {O_STATIC, "static", "RULE", "static threshold for matching series, e.g. 'cpu>80' (repeatable)"},
    {O_SAVE, "save", "FILE", "write the fitted models (JSON) to FILE at the end"},
    {O_LOAD, "load", "FILE", "start from models saved by --save (repeatable; later wins)"},
    {O_TUNE, "tune", NULL, "tune each series' sensitivity against --labels"},
    {O_LABELS, "labels", "FILE", "ground-truth label records for --tune"},
    {O_OBJECTIVE, "objective", "NAME", "--tune objective: f1 (default), nab, recall-at-fa:N"},
    {O_TUNE_BY, "tune-by", "KEY", "tune per series (default) or per metric name"},
    {O_PROMRULES, "emit-promrules", "FILE", "write Prometheus alerting rules for the fitted models"},
    {O_HORIZON, "horizon", "N", "after the input, forecast N band records per series"},
    {O_STEP, "step", "DURATION", "spacing of forecast bands (default: each series' interval)"},
    {O_K, "k", "X", "band half-width in sigmas (ewma, robust; 3)"},
    {O_ALPHA, "alpha", "X", "smoothing factor (ewma 0.1; holtwinters level)"},
    {O_BETA, "beta", "X", "holtwinters trend smoothing"},
    {O_GAMMA, "gamma", "X", "holtwinters seasonal smoothing"},
    {O_WIDTH, "width", "X", "interval coverage of seasonal, sarima, holtwinters (0.99)"},
    {O_PERIOD, "period", "DURATION", "season length (1d)"},
    {O_WINDOW, "window", "DURATION", "robust: rolling window (1h)"},
    {O_DAILY, "daily-order", "N", "seasonal: Fourier order of the daily term (4)"},
    {O_WEEKLY, "weekly-order", "N", "seasonal: Fourier order of the weekly term (auto)"},
    {O_CHANGEPOINTS, "changepoints", "N", "seasonal: potential trend changepoints (10)"},
    {O_CP_PRIOR, "changepoint-prior", "X", "seasonal: penalty on changepoint deltas (0.05)"},
    {O_MULT, "multiplicative", NULL, "seasonal, holtwinters: multiplicative seasonality"},
    {O_ORDER, "order", "P,D,Q", "sarima: non-seasonal orders (default: by AIC)"},
    {O_SORDER, "seasonal-order", "P,D,Q", "sarima: seasonal orders (default: by AIC)"},
    {O_FAIL, "fail-on-anomaly", NULL, "exit 1 when any anomaly was found"},
    {O_LIST, "list-models", NULL, "list the models and exit"},
    {'o', "output", "FILE", "write to FILE instead of stdout (.zst => zstd)"},
    {'f', "format", "FMT", "output encoding: ndjson (default) or tsv"},
    {'v', "verbose", NULL, "print each series' model and why to stderr"},
    {'h', "help", NULL, "show this help and exit"},
    {'V', "version", NULL, "show the version and exit"},
    {0, NULL, NULL, NULL},
};

typedef struct cfg {
    aiops_fit_opts fo;
    const char *out, *save, *promrules, *labels;
    const char **load;
    size_t nload;
    aiops_fit_rule *rules;
    aiops_selector **match;
    aiops_out_format fmt;
    int fail, verbose;
} cfg;

static double dur(const cli *c, const char *opt, const char *s)
{
    double v;
    if (aiops_parse_duration(s, strlen(s), &v) || v < 0)
        cli_die_usage(c, "--%s: expected a duration like 90s, 5m, 14d, got '%s'", opt, s);
    return v;
}

static void *grow(const cli *c, void *p, size_t n, size_t sz)
{
    void *np = realloc(p, (n + 1) * sz);
    if (!np)
        cli_die_usage(c, "out of memory");
    return np;
}

static void list_models(void)
{
    const aiops_model_ops *const *m = aiops_models();
    printf("%-12s %s\n", "auto", "choose per series by seasonality, data length and holdout error");
    for (size_t i = 0; m[i]; i++)
        printf("%-12s %s\n", m[i]->name, m[i]->desc);
}

/* The model parameters: one library call by option name. */
static void parse_model_opt(cli *c, cfg *g, int id, const char *a)
{
    for (const cli_opt *o = opts; o->id; o++) {
        aiops_err err = {0};
        if (o->id != id)
            continue;
        if (aiops_fit_param_set(&g->fo.params, o->lng, a, &err))
            cli_die_usage(c, "%s", err.msg);
        return;
    }
    exit(2);
}

static void parse_args(cli *c, cfg *g)
{
    int id;
    while ((id = cli_next(c)) != -1) {
        const char *a = c->optarg;
        aiops_err err = {0};
        switch (id) {
        case O_MODEL:
            if (strcmp(a, "auto") && !aiops_model_find(a))
                cli_die_usage(c, "--model: unknown model '%s' (see --list-models)", a);
            g->fo.model = a;
            g->fo.model_given = 1;
            break;
        case 'm':
            g->match = grow(c, g->match, g->fo.nmatch, sizeof *g->match);
            if (aiops_selector_parse(a, &g->match[g->fo.nmatch], &err))
                cli_die_usage(c, "--match: %s", err.msg);
            g->fo.nmatch++;
            break;
        case O_TRAIN: g->fo.train = dur(c, "train", a); break;
        case O_TRAIN_UNTIL: g->fo.train_until = cli_time(c, "train-until", a); break;
        case O_MAX_TRAIN: g->fo.max_train = cli_size(c, "max-train", a); break;
        case O_BANDS: g->fo.bands = 1; break;
        case O_NO_SAMPLES: g->fo.no_samples = 1; break;
        case O_MIN_DUR: g->fo.min_duration = dur(c, "min-duration", a); break;
        case O_COOLDOWN: g->fo.cooldown = dur(c, "cooldown", a); break;
        case O_FOR: g->fo.for_duration = dur(c, "for", a); break;
        case O_STATIC:
            g->rules = grow(c, g->rules, g->fo.nrules, sizeof *g->rules);
            if (aiops_fit_rule_parse(a, &g->rules[g->fo.nrules], &err))
                cli_die_usage(c, "--static: %s", err.msg);
            g->fo.nrules++;
            break;
        case O_SAVE: g->save = a; break;
        case O_LOAD:
            g->load = grow(c, g->load, g->nload, sizeof *g->load);
            g->load[g->nload++] = a;
            break;
        case O_TUNE: g->fo.tune = 1; break;
        case O_LABELS: g->labels = a; break;
        case O_OBJECTIVE:
            if (aiops_fit_objective_parse(a, &g->fo.objective, &err))
                cli_die_usage(c, "--objective: %s", err.msg);
            break;
        case O_TUNE_BY:
            if (strcmp(a, "series") && strcmp(a, "name"))
                cli_die_usage(c, "--tune-by: expected series or name, got '%s'", a);
            g->fo.tune_by_name = !strcmp(a, "name");
            break;
        case O_PROMRULES: g->promrules = a; break;
        case O_HORIZON: g->fo.horizon = cli_size(c, "horizon", a); break;
        case O_STEP: g->fo.step = dur(c, "step", a); break;
        case O_FAIL: g->fail = 1; break;
        case O_LIST: list_models(); exit(0);
        case 'o': g->out = a; break;
        case 'f':
            if (!strcmp(a, "ndjson")) g->fmt = AIOPS_OUT_NDJSON;
            else if (!strcmp(a, "tsv")) g->fmt = AIOPS_OUT_TSV;
            else cli_die_usage(c, "--format: expected ndjson or tsv, got '%s'", a);
            break;
        case 'v': g->verbose = 1; break;
        case 'h': cli_help(c, stdout); exit(0);
        case 'V': printf("aiops-fit %s\n", AIOPS_VERSION); exit(0);
        default: parse_model_opt(c, g, id, a);
        }
    }
    g->fo.rules = g->rules;
    g->fo.match = g->match;
}

static void warn(void *ctx, const char *series, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "aiops-fit: warning: %s: not scored: %s\n", series, msg);
}

static int emit(void *ctx, const aiops_record *r, aiops_err *err)
{
    return aiops_writer_write(ctx, r, err);
}

static int load_models(aiops_fit *f, const cfg *g, aiops_err *err)
{
    for (size_t i = 0; i < g->nload; i++) {
        int rc = aiops_fit_load_file(f, g->load[i], err);
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

static int run(const cfg *g, const char *const *paths, size_t npaths, uint64_t *anomalies,
               aiops_err *err)
{
    aiops_series_table *tab = aiops_series_table_new();
    aiops_reader *rd = NULL;
    aiops_writer *w = NULL;
    aiops_fit *f = NULL;
    aiops_reader_opts ro = {0};
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
    if (!rc)
        rc = aiops_reader_new(&rd, paths, npaths, tab, &ro, err);
    aiops_record r;
    uint64_t n = 0;
    while (!rc && (rc = aiops_reader_next(rd, &r, err)) == 1) {
        rc = aiops_fit_push(f, &r, err);
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
    int crc = aiops_writer_close(w, rc ? NULL : err);
    rc = rc ? rc : crc;
    aiops_fit_stats st = {0};
    if (f)
        aiops_fit_get_stats(f, &st);
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
        .opts = opts,
        .footer = "Exit status: 0 ok, 1 anomalies found with --fail-on-anomaly, 2 usage or\n"
                  "input error.  See aiops-fit(1) and docs/FORMAT.md.\n",
        .argc = argc,
        .argv = argv,
    };
    cfg g = {0};
    aiops_fit_opts_init(&g.fo);
    parse_args(&c, &g);
    g.fo.warn = warn;
    if (g.fo.tune && !g.labels)
        cli_die_usage(&c, "--tune needs --labels FILE");
    const char *const stdin_only[] = {"-"};
    const char *const *paths = (const char *const *)argv + c.optind;
    size_t npaths = (size_t)(argc - c.optind);
    if (npaths == 0) {
        paths = stdin_only;
        npaths = 1;
    }
    aiops_err err = {0};
    uint64_t anomalies = 0;
    int rc = run(&g, paths, npaths, &anomalies, &err);
    for (size_t i = 0; i < g.fo.nmatch; i++)
        aiops_selector_free(g.match[i]);
    for (size_t i = 0; i < g.fo.nrules; i++)
        aiops_fit_rule_free(&g.rules[i]);
    free(g.match);
    free(g.rules);
    free(g.load);
    if (rc) {
        char buf[1200];
        fprintf(stderr, "aiops-fit: %s\n", aiops_err_str(&err, buf, sizeof buf));
        return 2;
    }
    return g.fail && anomalies ? 1 : 0;
}
