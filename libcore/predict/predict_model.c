/* predict_model.c - the model file of aiops-predict: JSON, written to a
 * temporary name and renamed into place, read back with the jdoc getters. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/jdoc.h"
#include "common/ofile.h"
#include "predict/predict.h"

#define MODEL_VERSION 1

double aiops_predict_model_prob(const aiops_predict_model *m, const double *f)
{
    double z[AIOPS_PF_COUNT];
    for (int k = 0; k < AIOPS_PF_COUNT; k++)
        z[k] = (f[k] - m->mean[k]) / m->sd[k];
    return aiops_logit_prob(m->coef, z, AIOPS_PF_COUNT);
}

static json_t *num_array(const double *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, json_real(v[i]))) {
            json_decref(a);
            return NULL;
        }
    return a;
}

/* A number that may be NaN (JSON null). */
static json_t *num_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

int aiops_predict_model_save(const aiops_predict_model *m, const json_t *extra, const char *path,
                             aiops_err *err)
{
    json_t *o = json_object(), *names = json_array();
    for (int k = 0; names && k < AIOPS_PF_COUNT; k++)
        json_array_append_new(names, json_string(aiops_predict_feature_name(k)));
    int bad = !o || !names || json_object_set_new(o, "aiops_predict_model", json_integer(MODEL_VERSION)) ||
              json_object_set_new(o, "window", json_real(m->window)) ||
              json_object_set_new(o, "every", json_real(m->every)) ||
              json_object_set_new(o, "features", names) ||
              json_object_set_new(o, "mean", num_array(m->mean, AIOPS_PF_COUNT)) ||
              json_object_set_new(o, "sd", num_array(m->sd, AIOPS_PF_COUNT)) ||
              json_object_set_new(o, "intercept", json_real(m->coef[0])) ||
              json_object_set_new(o, "coef", num_array(m->coef + 1, AIOPS_PF_COUNT)) ||
              json_object_set_new(o, "lambda", json_real(m->lambda)) ||
              json_object_set_new(o, "threshold", json_real(m->threshold)) ||
              json_object_set_new(o, "lead_median", num_or_null(m->lead_median)) ||
              json_object_set_new(o, "lead_p10", num_or_null(m->lead_lo)) ||
              json_object_set_new(o, "lead_p90", num_or_null(m->lead_hi)) ||
              (extra && json_object_set(o, "train", (json_t *)extra));
    if (bad) {
        json_decref(o);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    char *text = json_dumps(o, JSON_INDENT(1) | JSON_REAL_PRECISION(17));
    int rc = text ? aiops_ofile_save(path, text, strlen(text), err)
                  : aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    free(text);
    json_decref(o);
    return rc;
}

int aiops_predict_model_load(aiops_predict_model *m, const char *path, aiops_err *err)
{
    memset(m, 0, sizeof *m);
    json_error_t je;
    json_t *o = json_load_file(path, 0, &je);
    if (!json_is_object(o)) {
        json_decref(o);
        return aiops_err_set(err, AIOPS_EPARSE, path, o ? 1 : je.line,
                             "expected an aiops-predict model (JSON object)%s%s", o ? "" : ": ",
                             o ? "" : je.text);
    }
    aiops_jdoc d = {.file = path, .err = err};
    int64_t ver = 0;
    json_t *names = NULL;
    const int R = AIOPS_JDOC_REQUIRED, NF = AIOPS_JDOC_REQUIRED | AIOPS_JDOC_NONFINITE;
    int rc = aiops_jdoc_int(&d, o, "aiops_predict_model", R, 1, MODEL_VERSION, &ver);
    if (rc >= 0)
        rc = aiops_jdoc_arr(&d, o, "features", R, &names);
    if (rc >= 0 && json_array_size(names) != AIOPS_PF_COUNT)
        rc = aiops_jdoc_bad_at(&d, "features", "expected %d features", AIOPS_PF_COUNT);
    for (size_t k = 0; rc >= 0 && k < AIOPS_PF_COUNT; k++) {
        const char *nm = json_string_value(json_array_get(names, k));
        if (!nm || strcmp(nm, aiops_predict_feature_name((int)k)))
            rc = aiops_jdoc_bad_at(&d, "features", "expected feature %zu to be \"%s\"", k,
                                   aiops_predict_feature_name((int)k));
    }
    if (rc >= 0)
        rc = aiops_jdoc_num(&d, o, "window", R, 1, 1e9, &m->window);
    if (rc >= 0)
        rc = aiops_jdoc_num(&d, o, "every", R, 1e-3, 1e9, &m->every);
    if (rc >= 0)
        rc = aiops_jdoc_nums(&d, o, "mean", R, m->mean, AIOPS_PF_COUNT);
    if (rc >= 0)
        rc = aiops_jdoc_nums(&d, o, "sd", R, m->sd, AIOPS_PF_COUNT);
    for (size_t k = 0; rc >= 0 && k < AIOPS_PF_COUNT; k++)
        if (!(m->sd[k] > 0) || !isfinite(m->sd[k]) || !isfinite(m->mean[k]))
            rc = aiops_jdoc_bad_at(&d, "sd", "expected finite means and standard deviations > 0");
    if (rc >= 0)
        rc = aiops_jdoc_num(&d, o, "intercept", R, -1e300, 1e300, &m->coef[0]);
    if (rc >= 0)
        rc = aiops_jdoc_nums(&d, o, "coef", R, m->coef + 1, AIOPS_PF_COUNT);
    for (size_t k = 1; rc >= 0 && k <= AIOPS_PF_COUNT; k++)
        if (!isfinite(m->coef[k]))
            rc = aiops_jdoc_bad_at(&d, "coef", "expected finite coefficients");
    if (rc >= 0)
        rc = aiops_jdoc_num(&d, o, "threshold", R, 0, 1, &m->threshold);
    if (rc >= 0)
        rc = aiops_jdoc_num_or(&d, o, "lambda", 0, 0, 0, 1e300, &m->lambda);
    if (rc >= 0)
        rc = aiops_jdoc_num(&d, o, "lead_median", NF, 0, 1e9, &m->lead_median);
    if (rc >= 0)
        rc = aiops_jdoc_num(&d, o, "lead_p10", NF, 0, 1e9, &m->lead_lo);
    if (rc >= 0)
        rc = aiops_jdoc_num(&d, o, "lead_p90", NF, 0, 1e9, &m->lead_hi);
    json_decref(o);
    m->nf = AIOPS_PF_COUNT;
    return rc < 0 ? rc : 0;
}
