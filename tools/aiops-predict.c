/* aiops-predict - warn before the incident: learn from labelled incidents
 * how their first signs look (--train), score new data with the model
 * (--model), and extrapolate resources with a limit to when they run
 * out.  The engine is libcore/predict/. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "aiops-predict.h"

/* Label records of one labels file into the trainer (none: a quiet
 * episode, all negatives). */
static int load_labels(const cli *c, aiops_predict_trainer *tr, const char *path,
                       aiops_series_table *tab, aiops_err *err)
{
    aiops_reader *rd = NULL;
    aiops_reader_opts ro = {0};
    aiops_record r;
    int rc = cli_reader_new(c, &rd, &path, 1, tab, &ro, err);
    while (!rc && (rc = aiops_reader_next(rd, &r, err)) == 1) {
        rc = 0;
        if (r.type == AIOPS_R_LABEL)
            rc = aiops_predict_trainer_label(tr, r.obj, err);
        if (rc < 0)
            cli_reader_locate(rd, err);
        aiops_record_clear(&r);
    }
    aiops_reader_free(rd);
    return rc;
}

/* Every record of paths into add(ctx, ...); queued output after each
 * and, with pass (--pass-through), the record itself after its output:
 * the predictions a record completes are stamped before it. */
typedef int (*add_fn)(void *ctx, const aiops_record *r, aiops_err *err);
static int read_all(const cli *c, const char *const *paths, size_t n, aiops_series_table *tab,
                    add_fn add, void *ctx, aiops_predictor *p, aiops_writer *w, int pass, aiops_err *err)
{
    aiops_reader *rd = NULL;
    aiops_reader_opts ro = {0};
    ro.raw_text = 1;         /* events, alerts, anomalies read through a field view; no trees */
    ro.flush = w;            /* live input: flushed whenever the input pauses */
    aiops_record r, out;
    int rc = cli_reader_new(c, &rd, paths, n, tab, &ro, err);
    while (!rc && (rc = aiops_reader_next(rd, &r, err)) == 1) {
        rc = add(ctx, &r, err);
        if (rc < 0)
            cli_reader_locate(rd, err);
        while (!rc && p && aiops_predictor_pop(p, &out)) {
            rc = aiops_writer_write(w, &out, err);
            aiops_record_clear(&out);
        }
        if (!rc && pass)
            rc = aiops_writer_write(w, &r, err);
        aiops_record_clear(&r);
    }
    cli_reader_report(c, rd);
    aiops_reader_free(rd);
    return rc;
}

static int trainer_add(void *ctx, const aiops_record *r, aiops_err *err)
{
    return aiops_predict_trainer_add(ctx, r, err);
}

static int predictor_add(void *ctx, const aiops_record *r, aiops_err *err)
{
    return aiops_predictor_add(ctx, r, err);
}

static void print_report(const json_t *rep, const aiops_predict_model *m, double false_per_day)
{
    const json_t *ld = json_object_get(rep, "leads");
    fprintf(stderr, "aiops-predict: trained on %lld incidents in %lld episodes: %lld positive and %lld "
                    "negative windows (of %lld negative ticks); %lld IRLS iterations\n",
            (long long)json_integer_value(json_object_get(ld, "incidents")),
            (long long)json_integer_value(json_object_get(rep, "episodes")),
            (long long)json_integer_value(json_object_get(rep, "positives")),
            (long long)json_integer_value(json_object_get(rep, "negatives")),
            (long long)json_integer_value(json_object_get(rep, "negative_ticks")),
            (long long)json_integer_value(json_object_get(rep, "iterations")));
    fprintf(stderr, "aiops-predict: threshold %.3f\n", m->threshold);
    /* "at most X a day" over fewer than 1/X days of negatives allows none */
    double days = json_number_value(json_object_get(rep, "negative_days"));
    if (false_per_day > 0 && days > 0 && false_per_day * days < 1)
        fprintf(stderr, "aiops-predict: note: --false-per-day %g over %.1f days of negative ticks allows no "
                        "false warning at all: the threshold is the lowest with none, if any (more training "
                        "data, or a larger --false-per-day, gives a lower one)\n", false_per_day, days);
    if (isfinite(m->lead_median))
        fprintf(stderr, "aiops-predict: first signs appear a median of %.0f min before (p10 %.0f, p90 %.0f "
                        "min; %lld of %lld training incidents warned)\n",
                m->lead_median / 60, m->lead_lo / 60, m->lead_hi / 60,
                (long long)json_integer_value(json_object_get(ld, "warned")),
                (long long)json_integer_value(json_object_get(ld, "incidents")));
    else
        fprintf(stderr, "aiops-predict: no training incident reaches the threshold before its deadline\n");
    size_t i;
    const json_t *f;
    fprintf(stderr, "aiops-predict: feature importance (standardised coefficients):");
    json_array_foreach(json_object_get(rep, "importance"), i, f)
        fprintf(stderr, " %s %+.3f", json_string_value(json_object_get(f, "name")),
                json_number_value(json_object_get(f, "coef")));
    fputc('\n', stderr);
}

static int train(const cli *c, const cfg *g, const aiops_predict_limits *lim, aiops_err *err)
{
    size_t n;
    const char *const *in = cli_inputs(c, &n);
    if (g->labels.n != n)
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "--train: expected one --labels per input "
                             "(%zu inputs, %zu --labels)", n, g->labels.n);
    aiops_predict_trainer *tr = NULL;
    aiops_predict_model m;
    json_t *rep = NULL;
    int rc = aiops_predict_trainer_new(&tr, &g->po, err);
    for (size_t i = 0; !rc && i < n; i++) {
        aiops_series_table *tab = aiops_series_table_new();
        rc = tab ? aiops_predict_trainer_begin(tr, lim, tab, err)
                 : aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        if (!rc)
            rc = load_labels(c, tr, g->labels.v[i], tab, err);
        if (!rc)
            rc = read_all(c, in + i, 1, tab, trainer_add, tr, NULL, NULL, 0, err);
        if (!rc)
            rc = aiops_predict_trainer_end(tr, err);
        aiops_series_table_free(tab);
    }
    if (!rc)
        rc = aiops_predict_trainer_fit(tr, &m, &rep, err);
    if (!rc && g->dump)
        rc = aiops_predict_trainer_dump(tr, g->dump, err);
    if (!rc)
        rc = aiops_predict_model_save(&m, rep, g->out, err);
    if (!rc)
        print_report(rep, &m, g->po.false_per_day);
    json_decref(rep);
    aiops_predict_trainer_free(tr);
    return rc;
}

static int score(const cli *c, const cfg *g, const aiops_predict_limits *lim, aiops_err *err)
{
    aiops_predict_model m;
    aiops_predict_opts o = g->po;
    int rc = g->model ? aiops_predict_model_load(&m, g->model, err) : 0;
    if (!rc && g->model) {
        o.window = m.window;    /* the features the model knows */
        o.every = m.every;
    }
    aiops_series_table *tab = rc ? NULL : aiops_series_table_new();
    aiops_predictor *p = NULL;
    aiops_writer *w = NULL;
    if (!rc && !tab)
        rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (!rc)
        rc = aiops_predictor_new(&p, &o, g->model ? &m : NULL, lim, tab, err);
    if (!rc)
        rc = aiops_writer_new(&w, g->out, AIOPS_OUT_NDJSON, 0, tab, err);
    size_t n;
    const char *const *in = cli_inputs(c, &n);
    if (!rc)
        rc = read_all(c, in, n, tab, predictor_add, p, p, w, g->pass, err);
    if (!rc)
        rc = aiops_predictor_finish(p, err);
    aiops_record out;
    while (!rc && aiops_predictor_pop(p, &out)) {
        rc = aiops_writer_write(w, &out, err);
        aiops_record_clear(&out);
    }
    int crc = w ? aiops_writer_close(w, rc ? NULL : err) : 0;
    aiops_predictor_free(p);
    aiops_series_table_free(tab);
    return rc ? rc : crc;
}

int main(int argc, char **argv)
{
    cli c = {
        .prog = "aiops-predict",
        .usage = "[OPTION]... [FILE|-]...",
        .about = "Warn before the incident. With --model, score the record stream (FILEs or stdin)\n"
                 "at every tick and write a prediction record when a service's probability of an\n"
                 "incident crosses the model's threshold; for resources with a limit, warn when\n"
                 "their robust trend reaches it within --eta-horizon (no training needed).\n"
                 "With --pass-through, the input records are written too, so that it runs in a\n"
                 "pipe (aiops-replay ... | aiops-predict --model M --pass-through | aiops-fit ...).\n"
                 "With --train, learn the model from labelled inputs.",
        .footer = "Exit status: 0 ok, 2 usage or input error.\n"
                  "See aiops-predict(1) and docs/FORMAT.md (prediction).\n",
        .argc = argc,
        .argv = argv,
    };
    cfg g = {.seed = 1};
    aiops_predict_opts_default(&g.po);
    predict_parse_args(&c, &g);
    aiops_err err = {0};
    aiops_predict_limits *lim = NULL;
    int rc = aiops_predict_limits_load(&lim, g.limits, &err);
    if (!rc)
        rc = g.train ? train(&c, &g, lim, &err) : score(&c, &g, lim, &err);
    aiops_predict_limits_free(lim);
    predict_cfg_free(&g);
    if (rc) {
        cli_error(&c, &err);
        return 2;
    }
    return cli_status(&c, 0);
}
