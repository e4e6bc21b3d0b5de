/* model_ewma.c - the real-time adaptive baseline: exponentially weighted
 * mean and variance, anomaly when |x - mean| > k * sqrt(var).
 *
 * Recurrence (Finch 2009, "Incremental calculation of weighted mean and
 * variance"), per finite point x, after the first one which only sets
 * mean = x, var = 0:
 *     d = x - mean;  mean += alpha * d;  var = (1 - alpha) * (var + alpha * d^2)
 * Time is ignored: alpha weighs points, not seconds (gaps do not decay).
 *
 * The band stays open (-Inf, +Inf) until ceil(1 / alpha) points (at least
 * 2) have been learned: before that the variance has seen fewer points than
 * the average's own memory and would flag almost everything.
 *
 * band/update are the hot loop of aiops-fit (target >= 5 M points/s/core):
 * no allocation, no division, one sqrt. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "models/model.h"

#define EWMA_DEFAULT_ALPHA 0.1
#define EWMA_DEFAULT_K 3.0

typedef struct ewma {
    double alpha, k;
    uint64_t warm;   /* points learned before the band closes */
    uint64_t n;      /* finite points learned */
    double mean, var;
} ewma;

static uint64_t warm_points(double alpha)
{
    double w = ceil(1.0 / alpha);
    return w < 2 ? 2 : (uint64_t)w;
}

static int check_params(double alpha, double k, aiops_err *err)
{
    if (!(alpha > 0 && alpha <= 1))
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "ewma: expected alpha in (0, 1], got %g", alpha);
    if (!(k > 0) || isinf(k))
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "ewma: expected k > 0 (finite), got %g", k);
    return 0;
}

static void *ewma_create(const aiops_model_params *p, aiops_err *err)
{
    double alpha = isnan(p->alpha) ? EWMA_DEFAULT_ALPHA : p->alpha;
    double k = isnan(p->k) ? EWMA_DEFAULT_K : p->k;
    if (check_params(alpha, k, err))
        return NULL;
    ewma *m = calloc(1, sizeof *m);
    if (!m) {
        aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "ewma: out of memory");
        return NULL;
    }
    m->alpha = alpha;
    m->k = k;
    m->warm = warm_points(alpha);
    return m;
}

static void ewma_destroy(void *m)
{
    free(m);
}

/* Non-finite values are missing data: learning an Inf would poison the
 * mean for good. */
static void ewma_update(void *vm, double t, double v)
{
    ewma *m = vm;
    (void)t;
    if (!isfinite(v))
        return;
    if (m->n++ == 0) {
        m->mean = v;
        m->var = 0;
        return;
    }
    double d = v - m->mean, inc = m->alpha * d;
    m->mean += inc;
    m->var = (1 - m->alpha) * (m->var + d * inc);
}

/* The fit is the online recurrence over the training window, from scratch. */
static int ewma_fit(void *vm, const double *ts, const double *v, size_t n, aiops_err *err)
{
    ewma *m = vm;
    (void)err;
    m->n = 0;
    m->mean = m->var = 0;
    for (size_t i = 0; i < n; i++)
        ewma_update(m, ts[i], v[i]);
    return 0;
}

static void ewma_band(void *vm, double t, aiops_band *out)
{
    const ewma *m = vm;
    (void)t;
    if (m->n < m->warm) {
        out->expected = m->n ? m->mean : NAN;
        out->lower = -INFINITY;
        out->upper = INFINITY;
        return;
    }
    double h = m->k * sqrt(m->var);
    out->expected = m->mean;
    out->lower = m->mean - h;
    out->upper = m->mean + h;
}

/* ------------------------------------------------------------ save/load */

/* Every number of the state is finite (only finite points are learned),
 * so plain JSON reals suffice; jansson prints them with 17 digits, which
 * round-trips exactly. */
static json_t *ewma_save(const void *vm)
{
    const ewma *m = vm;
    json_t *j = json_pack("{s:s, s:{s:f, s:f}, s:{s:I, s:f, s:f}}", "model", "ewma",
                          "params", "alpha", m->alpha, "k", m->k, "state", "n",
                          (json_int_t)m->n, "mean", m->mean, "var", m->var);
    return j;
}

static int ewma_load(void *vm, const json_t *j, aiops_err *err)
{
    ewma *m = vm;
    const char *name = NULL;
    double alpha, k, mean, var;
    json_int_t n;
    json_error_t je;
    if (json_unpack_ex((json_t *)j, &je, 0,
                       "{s:s, s:{s:F, s:F}, s:{s:I, s:F, s:F}}", "model", &name, "params",
                       "alpha", &alpha, "k", &k, "state", "n", &n, "mean", &mean, "var",
                       &var))
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                             "ewma state: expected {\"model\":\"ewma\",\"params\":{alpha,k},"
                             "\"state\":{n,mean,var}}: %s",
                             je.text);
    if (strcmp(name, "ewma"))
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                             "ewma state: expected model \"ewma\", got \"%s\"", name);
    if (!(alpha > 0 && alpha <= 1) || !(k > 0) || isinf(k) || n < 0 || !isfinite(mean) ||
        !(var >= 0) || isinf(var))
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                             "ewma state: expected alpha in (0, 1], k > 0, n >= 0, "
                             "finite mean and var >= 0");
    m->alpha = alpha;
    m->k = k;
    m->warm = warm_points(alpha);
    m->n = (uint64_t)n;
    m->mean = mean;
    m->var = var;
    return 0;
}

const aiops_model_ops aiops_model_ewma = {
    .name = "ewma",
    .desc = "exponentially weighted mean/variance, |x - mean| > k*sd (alpha 0.1, k 3)",
    .create = ewma_create,
    .destroy = ewma_destroy,
    .fit = ewma_fit,
    .band = ewma_band,
    .update = ewma_update,
    .save = ewma_save,
    .load = ewma_load,
};
