/* model_static.c - fixed alert-rule thresholds ("cpu > 80"), the baseline
 * every report compares the learned models against.  Nothing is learned:
 * fit and update are no-ops, and Prometheus `for:` is the caller's job.
 *
 * The band says "anomalous when v < lower or v > upper", strictly, so:
 *     ">"  T:  lower = -Inf,              upper = T
 *     "<"  T:  lower = T,                 upper = +Inf
 *     ">=" T:  lower = -Inf,              upper = nextafter(T, -Inf)
 *     "<=" T:  lower = nextafter(T, +Inf), upper = +Inf
 * With no double strictly between T and its neighbour, v > nextafter(T,
 * -Inf) is exactly v >= T (for T = -Inf/+Inf the infinite value itself
 * cannot be told apart; such rules make little sense anyway).
 * expected is T itself: the line the value is compared with. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/model.h"

typedef struct stat_model {
    char op[3];
    double threshold;
    double lower, upper;
} stat_model;

/* Fill the bounds for op/threshold; -1 if op is not one of the four. */
static int set_rule(stat_model *m, const char *op, double threshold)
{
    double lo = -INFINITY, up = INFINITY;
    if (!strcmp(op, ">"))
        up = threshold;
    else if (!strcmp(op, ">="))
        up = nextafter(threshold, -INFINITY);
    else if (!strcmp(op, "<"))
        lo = threshold;
    else if (!strcmp(op, "<="))
        lo = nextafter(threshold, INFINITY);
    else
        return -1;
    if (isnan(threshold))
        return -1;
    memcpy(m->op, op, strlen(op) + 1);
    m->threshold = threshold;
    m->lower = lo;
    m->upper = up;
    return 0;
}

static void *static_create(const aiops_model_params *p, aiops_err *err)
{
    stat_model *m = calloc(1, sizeof *m);
    if (!m) {
        aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "static: out of memory");
        return NULL;
    }
    char op[3];
    memcpy(op, p->op, sizeof op);
    op[2] = '\0';
    if (set_rule(m, op, p->threshold)) {
        aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                      "static: expected a condition: op one of > >= < <= and a threshold "
                      "number, got op '%s' threshold %g",
                      op, p->threshold);
        free(m);
        return NULL;
    }
    return m;
}

static void static_destroy(void *m)
{
    free(m);
}

static int static_fit(void *m, const double *ts, const double *v, size_t n, aiops_err *err)
{
    (void)m, (void)ts, (void)v, (void)n, (void)err;
    return 0;
}

static void static_band(void *vm, double t, aiops_band *out)
{
    const stat_model *m = vm;
    (void)t;
    out->expected = m->threshold;
    out->lower = m->lower;
    out->upper = m->upper;
}

static void static_update(void *m, double t, double v)
{
    (void)m, (void)t, (void)v;
}

/* ------------------------------------------------------------ save/load */

/* The threshold may be +-Inf: saved as "+Inf" / "-Inf" (model.h). */
static json_t *static_save(const void *vm)
{
    const stat_model *m = vm;
    return json_pack("{s:s, s:{s:s, s:o}}", "model", "static", "params", "op", m->op,
                     "threshold", aiops_mj_num(m->threshold));
}

static int static_load(void *vm, const json_t *j, aiops_err *err)
{
    stat_model *m = vm;
    const char *name = NULL, *op = NULL;
    json_t *thr = NULL;
    double t;
    json_error_t je;
    if (json_unpack_ex((json_t *)j, &je, 0, "{s:s, s:{s:s, s:o}}", "model", &name, "params",
                       "op", &op, "threshold", &thr))
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                             "static state: expected {\"model\":\"static\",\"params\":"
                             "{\"op\":...,\"threshold\":...}}: %s",
                             je.text);
    if (strcmp(name, "static"))
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                             "static state: expected model \"static\", got \"%s\"", name);
    if (aiops_jdoc_numval(thr, AIOPS_JDOC_NONFINITE, &t) || strlen(op) > 2 || set_rule(m, op, t))
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                             "static state: expected op one of > >= < <= and a numeric "
                             "threshold, got op '%s'",
                             op);
    return 0;
}

const aiops_model_ops aiops_model_static = {
    .name = "static",
    .desc = "fixed threshold rule (--op '>' --threshold 80), the alerting baseline",
    .create = static_create,
    .destroy = static_destroy,
    .fit = static_fit,
    .band = static_band,
    .update = static_update,
    .save = static_save,
    .load = static_load,
};
