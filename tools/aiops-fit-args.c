/* aiops-fit-args.c - aiops-fit's option table (the source of --help and
 * the man page's OPTIONS) and what each option does to the settings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aiops-fit.h"
#include "common/array.h"

enum { O_MODEL = CLI_LONG + 1, O_STATIC, O_COUNTER, O_OBJECTIVE, O_PARAM, O_LIST, O_SHARD };

/* A repeatable selector option (--match, --counter) appended to its list. */
static void add_selector(const cli *c, aiops_selector ***list, size_t *cap, size_t *n,
                         const char *text)
{
    aiops_err err = {0};
    if (aiops_grow(list, cap, *n + 1, sizeof **list))
        cli_die_usage(c, "out of memory");
    if (aiops_selector_parse(text, &(*list)[*n], &err))
        cli_die_usage(c, "--%s: %s", c->opt->lng, err.msg);
    (*n)++;
}

static void list_models(void)
{
    const aiops_model_ops *const *m = aiops_models();
    printf("%-12s %s\n", "auto", "choose per series by seasonality, data length and holdout error");
    for (size_t i = 0; m[i]; i++)   /* static's thresholds come from --static */
        printf("%-12s %s\n", m[i]->name,
               strcmp(m[i]->name, "static") ? m[i]->desc
                                            : "fixed threshold rule, given by --static 'SELECTOR OP NUMBER' "
                                              "(e.g. 'cpu>80'), the alerting baseline");
}

static void warn(void *ctx, const char *series, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "aiops-fit: warning: %s: not scored: %s\n", series, msg);
}

void fit_parse_args(cli *c, cfg *g)
{
    aiops_fit_opts *fo = &g->fo;
    static const char *const tune_by[] = {"series", "name", NULL};
    const cli_opt opts[] = {
        {O_MODEL, "model", "NAME", "model for every series: likelihood (default), auto or one of --list-models",
         CLI_STRING,
         .man = "The model for every series: \\fBlikelihood\\fR (default), \\fBauto\\fR or a\n"
                "name from \\fB\\-\\-list-models\\fR; see Models."},
        {'m', "match", "SELECTOR", "model only series matching SELECTOR (repeatable: any); others pass through",
         CLI_STRING,
         .man = "Model only the series matching a Prometheus-style selector (repeatable: any\n"
                "matches). Other series are passed through unscored."},
        {O_COUNTER, "counter", "SELECTOR", "model matching series as counters: per-second rates (repeatable)",
         CLI_STRING,
         .man = "Treat the series matching \\fISELECTOR\\fR as counters (repeatable), besides\n"
                "those typed counter by their source and those named \\fB*_total\\fR,\n"
                "\\fB*_count\\fR, \\fB*_sum\\fR or \\fB*_bucket\\fR; see Counters."},
        {CLI_LONG, "no-counter-rate", NULL, "model counters raw, not as per-second rates", CLI_FLAG,
         .dest = &fo->no_counter_rate,
         .man = "Model counters as they are, not as per-second rates."},
        {CLI_LONG, "train", "DURATION",
         "train each series on its first DURATION of data (default: 3 periods, 3d, and >= 24 points)",
         CLI_DURATION, .dest = &fo->train, .range = CLI_GT, .lo = 0,
         .man = "Train each series on its first \\fIDURATION\\fR of data. Default: its first 3\n"
                "periods (\\fB\\-\\-period\\fR, 1d: 3 days), and at least 24 points; see\n"
                "Training."},
        {CLI_LONG, "train-until", "TIME", "train on everything before TIME instead", CLI_TIME,
         .dest = &fo->train_until,
         .man = "Train on every point before \\fITIME\\fR (RFC 3339 or epoch seconds) instead."},
        {CLI_LONG, "max-train", "N", "cap of the training buffer per series, in points (200000)", CLI_SIZE,
         .dest = &fo->max_train,
         .man = "Cap of a series' training buffer in points (default 200000); see Memory."},
        CLI_FROM(&g->from),
        CLI_TO(&g->to),
        {O_SHARD, "shard", "K/N", "fit and pass only shard K of N (0 <= K < N): series by hash, other records in 0",
         CLI_STRING,
         .man = "Read only shard \\fIK\\fR of \\fIN\\fR, counting from 0: the samples of the series\n"
                "whose hash falls in shard \\fIK\\fR (as \\fBaiops-replay \\-\\-shard\\fR), and, in\n"
                "shard 0 only, every other record. The rest is dropped on input, so \\fIN\\fR\n"
                "processes over the same input fit, save and score disjoint series: their\n"
                "outputs together are the unsharded output record for record (but for the\n"
                "\\fBscored\\fR record, which each shard writes for its own series), and their\n"
                "\\fB\\-\\-save\\fR files loaded together (\\fB\\-\\-load\\fR, repeated) are the\n"
                "unsharded model file. Series are fitted one by one, except with \\fB\\-\\-tune\n"
                "\\-\\-tune-by name\\fR (one choice per metric name), which \\fB\\-\\-shard\\fR\n"
                "refuses. See docs/SCALE.md."},
        {CLI_LONG, "bands", NULL, "emit a band record for every scored point", CLI_FLAG, .dest = &fo->bands,
         .man = "Write a band record after every scored sample."},
        {CLI_LONG, "no-samples", NULL, "do not pass samples through (other records still are)", CLI_FLAG,
         .dest = &fo->no_samples,
         .man = "Do not pass samples through. Other input records still are."},
        {CLI_LONG, "min-duration", "DURATION", "confirm an anomaly only after it lasted DURATION (0)",
         CLI_DURATION, .dest = &fo->min_duration,
         .man = "Confirm an anomaly only once it has lasted \\fIDURATION\\fR (default 0: at its\n"
                "first point)."},
        {CLI_LONG, "cooldown", "DURATION", "after an anomaly ends, start no new one for DURATION (0)",
         CLI_DURATION, .dest = &fo->cooldown,
         .man = "After an anomaly ends, start no new one on the same series for\n"
                "\\fIDURATION\\fR (default 0)."},
        {CLI_LONG, "for", "DURATION", "Prometheus for: of --static rules (default: --min-duration)",
         CLI_DURATION, .dest = &fo->for_duration,
         .man = "The Prometheus \\fBfor:\\fR of \\fB\\-\\-static\\fR rules (default: the\n"
                "\\fB\\-\\-min-duration\\fR)."},
        {CLI_LONG, "threshold", "P",
         "anomalous when the calibrated anomaly score reaches P, for every model (default model: 0.9999999)",
         CLI_NUMBER, .dest = &fo->threshold, .range = CLI_GT | CLI_LE, .lo = 0, .hi = 1,
         .man = "A point is anomalous when its calibrated anomaly score (see Anomaly score)\n"
                "reaches \\fIP\\fR in (0, 1], whatever the model; e.g. \\fB0.9999\\fR.\n"
                "Default: 0.9999999 for the default model (\\fBlikelihood\\fR); for the\n"
                "others, when the value leaves the model's band. \\fB\\-\\-static\\fR rules\n"
                "keep their condition."},
        {CLI_LONG, "plain-updates", NULL, "with --threshold: learn anomalous points at full weight",
         CLI_FLAG, .dest = &fo->plain_updates,
         .man = "With \\fB\\-\\-threshold\\fR, learn every point at full weight. By default\n"
                "a point whose tail probability is below 0.001 is then learned clipped to the\n"
                "band's edge, and 12 such points in a row on one side are a level shift that\n"
                "the model re-learns from them. Without \\fB\\-\\-threshold\\fR every point\n"
                "is learned at full weight. The default model (\\fBlikelihood\\fR) always\n"
                "learns this way on its own (see Models); the option does not change it."},
        {O_STATIC, "static", "RULE", "static threshold for matching series, e.g. 'cpu>80' (repeatable)",
         CLI_STRING,
         .man = "A static threshold such as \\fB'cpu>80'\\fR for the matching series\n"
                "(repeatable)."},
        {CLI_LONG, "save", "FILE", "write the fitted models (JSON) to FILE at the end", CLI_PATH, .dest = &g->save,
         .man = "Write the fitted models to \\fIFILE\\fR at the end."},
        {CLI_LONG, "load", "FILE", "start from models saved by --save (repeatable: merged, later file wins per series)", CLI_LIST,
         .dest = &g->load,
         .man = "Start from models written by \\fB\\-\\-save\\fR. The option may be repeated:\n"
                "the files are merged, and a series present in several of them takes its\n"
                "model from the last one given (the \\fB\\-\\-save\\fR files of shards hold\n"
                "disjoint series, so their merge is the unsharded model file)."},
        {CLI_LONG, "tune", NULL, "tune each series' sensitivity against --labels", CLI_FLAG, .dest = &fo->tune,
         .man = "Tune each series' sensitivity against \\fB\\-\\-labels\\fR (see Tuning)."},
        {CLI_LONG, "labels", "FILE", "ground-truth label records for --tune", CLI_PATH, .dest = &g->labels,
         .man = "Ground truth for \\fB\\-\\-tune\\fR: label records."},
        {O_OBJECTIVE, "objective", "NAME", "--tune objective: f1 (default), nab, recall-at-fa:N", CLI_STRING,
         .man = "What \\fB\\-\\-tune\\fR maximises: \\fBf1\\fR (default), \\fBnab\\fR or\n"
                "\\fBrecall-at-fa:\\fIN\\fR."},
        {CLI_LONG, "tune-by", "KEY", "tune per series (default) or per metric name", CLI_ENUM, .names = tune_by,
         .dest = &fo->tune_by_name,
         .man = "\\fBseries\\fR (default): one choice per series; \\fBname\\fR: one per metric\n"
                "name and model."},
        {CLI_LONG, "emit-promrules", "FILE", "write Prometheus alerting rules for the fitted models", CLI_PATH,
         .dest = &g->promrules,
         .man = "Write the fitted models as Prometheus alerting rules (the rule-file YAML that\n"
                "\\fBpromtool check rules\\fR accepts) to \\fIFILE\\fR, and each model rule's\n"
                "backtest to standard error; see Exported rules."},
        {CLI_LONG, "horizon", "N", "after the input, forecast N band records per series", CLI_SIZE,
         .dest = &fo->horizon,
         .man = "After the input, write \\fIN\\fR forecast band records per modelled series,\n"
                "ahead of its last point, in time order."},
        {CLI_LONG, "step", "DURATION", "spacing of forecast bands (default: each series' interval)",
         CLI_DURATION, .dest = &fo->step,
         .man = "The spacing of forecast bands (default: each series' last sampling\n"
                "interval)."},
        /* The model parameters: checked and set by aiops_fit_param_set. */
        {O_PARAM, "k", "X", "band half-width in sigmas (ewma, robust 3; likelihood 6)", CLI_STRING,
         .man = "Band half-width in standard deviations (\\fBewma\\fR, \\fBrobust\\fR: default\n"
                "3; \\fBlikelihood\\fR: default 6, also the distance a novel value must lie\n"
                "out)."},
        {O_PARAM, "alpha", "X", "smoothing factor (ewma 0.1; likelihood 0.03; holtwinters level)", CLI_STRING,
         .man = "Smoothing factor (\\fBewma\\fR, default 0.1; \\fBlikelihood\\fR, default 0.03;\n"
                "\\fBholtwinters\\fR level; \\fBseasonal\\fR level adaptation)."},
        {O_PARAM, "beta", "X", "holtwinters trend smoothing", CLI_STRING,
         .man = "\\fBholtwinters\\fR trend smoothing."},
        {O_PARAM, "gamma", "X", "holtwinters seasonal smoothing", CLI_STRING,
         .man = "\\fBholtwinters\\fR seasonal smoothing."},
        {O_PARAM, "width", "X", "interval coverage of seasonal, sarima, holtwinters (0.99)", CLI_STRING,
         .man = "Interval coverage of \\fBseasonal\\fR, \\fBsarima\\fR and \\fBholtwinters\\fR\n"
                "(default 0.99)."},
        {O_PARAM, "period", "DURATION", "season length (1d)", CLI_STRING,
         .man = "Season length (default 1d); also the lag \\fBauto\\fR tests."},
        {O_PARAM, "window", "DURATION", "robust: rolling window (1h); likelihood: rising edges over (12h)",
         CLI_STRING,
         .man = "\\fBrobust\\fR: the rolling window (default 1h). \\fBlikelihood\\fR: a point's\n"
                "score is reported when it exceeds every score of this window (default 12h;\n"
                "see Anomaly score)."},
        {O_PARAM, "daily-order", "N", "seasonal: Fourier order of the daily term (4)", CLI_STRING,
         .man = "\\fBseasonal\\fR: Fourier order of the daily term (default 4)."},
        {O_PARAM, "weekly-order", "N", "seasonal: Fourier order of the weekly term (auto)", CLI_STRING,
         .man = "\\fBseasonal\\fR: Fourier order of the weekly term.  Default: automatic; with\n"
                "at least 3 weeks of training data the orders 3, 6, 10 and 15 are fitted on\n"
                "all but the last training week and the one with the least error on that\n"
                "week is kept (a higher order only when it cuts the error by 5%), else 3."},
        {O_PARAM, "changepoints", "N", "seasonal: potential trend changepoints (10)", CLI_STRING,
         .man = "\\fBseasonal\\fR: number of potential trend changepoints (default 10)."},
        {O_PARAM, "changepoint-prior", "X", "seasonal: penalty on changepoint deltas (0.05)", CLI_STRING,
         .man = "\\fBseasonal\\fR: penalty on changepoint slope changes (default 0.05)."},
        {CLI_LONG, "multiplicative", NULL, "seasonal, holtwinters: multiplicative seasonality", CLI_FLAG,
         .dest = &fo->params.multiplicative,
         .man = "\\fBseasonal\\fR, \\fBholtwinters\\fR: multiplicative seasonality."},
        {O_PARAM, "order", "P,D,Q", "sarima: non-seasonal orders (default: by AIC)", CLI_STRING,
         .man = "\\fBsarima\\fR: the non-seasonal orders (default: chosen by AIC)."},
        {O_PARAM, "seasonal-order", "P,D,Q", "sarima: seasonal orders (default: by AIC)", CLI_STRING,
         .man = "\\fBsarima\\fR: the seasonal orders (default: chosen by AIC)."},
        {CLI_LONG, "fail-on-anomaly", NULL, "exit 1 when any anomaly was found", CLI_FLAG, .dest = &g->fail,
         .man = "Exit with status 1 when any anomaly event fired (for CI checks)."},
        {O_LIST, "list-models", NULL, "list the models and exit", CLI_FLAG, .man = "List the models and exit."},
        CLI_OUTPUT(&g->out),
        CLI_FORMAT(&g->fmt),
        {'v', .common = 1, .dest = &g->verbose, .help = "print each series' model and why to stderr",
         .man = "At the end, print each modelled series' model (or rule) and why it was\n"
                "chosen to standard error."},
        CLI_STRICT_ROW,
        CLI_MAX_SERIES_ROW,
        CLI_HELP_ROW,
        CLI_VERSION_ROW,
        CLI_END,
    };
    c->opts = opts;
    int id;
    while ((id = cli_next(c)) != -1) {
        const char *a = c->optarg;
        aiops_err err = {0};
        switch (id) {
        case O_MODEL:
            if (strcmp(a, "auto") && !aiops_model_find(a))
                cli_die_usage(c, "--model: unknown model '%s' (see --list-models)", a);
            fo->model = a;
            fo->model_given = 1;
            break;
        case 'm':
            add_selector(c, &g->match, &g->match_cap, &fo->nmatch, a);
            break;
        case O_COUNTER:
            add_selector(c, &g->counters, &g->counters_cap, &fo->ncounters, a);
            break;
        case O_STATIC:
            if (AIOPS_GROW(g->rules, g->rules_cap, fo->nrules + 1))
                cli_die_usage(c, "out of memory");
            if (aiops_fit_rule_parse(a, &g->rules[fo->nrules], &err))
                cli_die_usage(c, "--static: %s", err.msg);
            fo->nrules++;
            break;
        case O_OBJECTIVE:
            if (aiops_fit_objective_parse(a, &fo->objective, &err))
                cli_die_usage(c, "--objective: %s", err.msg);
            break;
        case O_PARAM:
            if (aiops_fit_param_set(&fo->params, c->opt->lng, a, &err))
                cli_die_usage(c, "%s", err.msg);
            break;
        case O_SHARD:
            if (aiops_shard_parse(a, &g->shard, &err))
                cli_die_usage(c, "--shard: %s", err.msg);
            break;
        case O_LIST: list_models(); exit(0);
        }
    }
    if (g->shard.n > 1 && fo->tune && fo->tune_by_name)
        cli_die_usage(c, "--shard splits a metric's series among shards: it cannot be used with "
                         "--tune-by name (one choice per metric name)");
    if (fo->tune && !g->labels)
        cli_die_usage(c, "--tune needs --labels FILE");
    /* static takes its thresholds from the rules; alone it has none. */
    if (fo->model_given && !strcmp(fo->model, "static")) {
        if (!fo->nrules)
            cli_die_usage(c, "--model static needs its thresholds: give --static 'SELECTOR OP NUMBER' "
                             "(e.g. 'cpu>80') instead");
        fo->model_given = 0;
    }
    fo->rules = g->rules;
    fo->match = g->match;
    fo->counters = g->counters;
    fo->warn = warn;
    c->opts = NULL;
}

void fit_cfg_free(cfg *g)
{
    for (size_t i = 0; i < g->fo.nmatch; i++)
        aiops_selector_free(g->match[i]);
    for (size_t i = 0; i < g->fo.ncounters; i++)
        aiops_selector_free(g->counters[i]);
    for (size_t i = 0; i < g->fo.nrules; i++)
        aiops_fit_rule_free(&g->rules[i]);
    free(g->counters);
    free(g->match);
    free(g->rules);
    free(g->load.v);
}
