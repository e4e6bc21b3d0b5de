/* fuzz_predict.c - libFuzzer harness: aiops-predict's record handling
 * (libcore/predict): training and scoring over a record stream, with its
 * model, limits and label files.  Input: one flag byte, then four parts
 * split at lines "%%" (tests/fuzz/fuzz.h): part 0, a --model file (empty:
 * none); part 1, a --limits file (empty: none); part 2, label records
 * (--labels); part 3, the record stream.  Flag bit 0: --train (labels,
 * records, fit, save the model and load it back) instead of scoring.
 * Run: make fuzz. */
#include <math.h>

#include "predict/predict.h"
#include "fuzz.h"

static int label(void *ctx, aiops_record *r, aiops_err *err)
{
    return r->obj ? aiops_predict_trainer_label(ctx, r->obj, err) : 0;
}

static int train_add(void *ctx, aiops_record *r, aiops_err *err)
{
    return aiops_predict_trainer_add(ctx, r, err);
}

static int score_add(void *ctx, aiops_record *r, aiops_err *err)
{
    aiops_predictor *p = ctx;
    int rc = aiops_predictor_add(p, r, err);
    aiops_record out;
    while (aiops_predictor_pop(p, &out))
        aiops_record_clear(&out);
    return rc;
}

static void opts(aiops_predict_opts *o)
{
    aiops_predict_opts_default(o);
    o->max_points = 128;
    o->max_rows = 2000;
}

static void train(const aiops_predict_limits *lim, const char *lab, size_t nlab, const char *s,
                  size_t n)
{
    aiops_predict_opts o;
    opts(&o);
    aiops_predict_trainer *tr = NULL;
    aiops_series_table *tab = aiops_series_table_new();
    aiops_err err = {0};
    int rc = tab ? aiops_predict_trainer_new(&tr, &o, &err) : -1;
    if (!rc)
        rc = aiops_predict_trainer_begin(tr, lim, tab, &err);
    if (!rc)
        rc = fuzz_records(lab, nlab, tab, label, tr, &err);
    if (!rc)
        rc = fuzz_records(s, n, tab, train_add, tr, &err);
    if (!rc)
        rc = aiops_predict_trainer_end(tr, &err);
    aiops_predict_model m;
    json_t *rep = NULL;
    if (!rc)
        rc = aiops_predict_trainer_fit(tr, &m, &rep, &err);
    const char *path = rc ? NULL : fuzz_file("model.json", "", 0);
    if (path && !aiops_predict_model_save(&m, rep, path, &err)) {
        aiops_predict_model back;
        if (aiops_predict_model_load(&back, path, &err))
            abort();   /* a model we saved must load */
    }
    json_decref(rep);
    aiops_predict_trainer_free(tr);
    aiops_series_table_free(tab);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned fl = fuzz_flags(&data, &size);
    size_t n[4];
    const char *p[4];
    for (int i = 0; i < 4; i++)
        p[i] = fuzz_part((const char *)data, size, i, &n[i]);
    aiops_err err = {0};
    aiops_predict_model m;
    const char *path = n[0] ? fuzz_file("model.json", p[0], n[0]) : NULL;
    int have = path && !aiops_predict_model_load(&m, path, &err);
    if (n[0] && !have)
        return 0;
    aiops_predict_limits *lim = NULL;
    path = n[1] ? fuzz_file("limits", p[1], n[1]) : NULL;
    if (aiops_predict_limits_load(&lim, path, &err))
        return 0;
    if (fl & 1) {
        train(lim, p[2], n[2], p[3], n[3]);
        aiops_predict_limits_free(lim);
        return 0;
    }
    aiops_predict_opts o;
    opts(&o);
    aiops_series_table *tab = aiops_series_table_new();
    aiops_predictor *pr = NULL;
    int rc = tab ? aiops_predictor_new(&pr, &o, have ? &m : NULL, lim, tab, &err) : -1;
    if (!rc)
        rc = fuzz_records(p[3], n[3], tab, score_add, pr, &err);
    if (!rc && !aiops_predictor_finish(pr, &err)) {
        aiops_record out;
        while (aiops_predictor_pop(pr, &out))
            aiops_record_clear(&out);
    }
    aiops_predictor_free(pr);
    aiops_series_table_free(tab);
    aiops_predict_limits_free(lim);
    return 0;
}
