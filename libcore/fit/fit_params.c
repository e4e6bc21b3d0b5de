/* fit_params.c - model parameters as JSON (saved models, `tune` records)
 * and from aiops-fit's option text.  Knows the parameters
 * (models/model.h) only, nothing of the engine. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "fit/fit.h"

/* The tunables as a table, so to/from JSON cannot drift apart. */
typedef struct pfield {
    const char *name;
    size_t off;
    int is_int;
} pfield;

#define PD(f) {#f, offsetof(aiops_model_params, f), 0}
#define PI(f) {#f, offsetof(aiops_model_params, f), 1}
static const pfield fields[] = {
    PD(k), PD(alpha), PD(beta), PD(gamma), PD(width), PD(period), PD(window),
    PI(daily_order), PI(weekly_order), PI(multiplicative), PI(seasonal_robust),
    PI(changepoints), PD(changepoint_prior), PI(p), PI(d), PI(q), PI(P), PI(D), PI(Q),
    PD(threshold),
};

json_t *aiops_fit_params_to_json(const aiops_model_params *p)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < sizeof fields / sizeof fields[0]; i++) {
        const char *base = (const char *)p + fields[i].off;
        if (fields[i].is_int) {
            int v;
            memcpy(&v, base, sizeof v);
            if (v >= 0)
                json_object_set_new(o, fields[i].name, json_integer(v));
        } else {
            double v;
            memcpy(&v, base, sizeof v);
            /* NaN is "unset" (not written); +-Inf in the model files'
             * spelling, "+Inf" / "-Inf" (models/model.h). */
            if (!isnan(v))
                json_object_set_new(o, fields[i].name, aiops_mj_num(v));
        }
    }
    if (o && p->op[0])
        json_object_set_new(o, "op", json_string(p->op));
    return o;
}

static const pfield *field_find(const char *name)
{
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strcmp(fields[i].name, name) == 0)
            return &fields[i];
    return NULL;
}

static int set_op(aiops_model_params *p, const json_t *v, aiops_err *err)
{
    const char *s = json_string_value(v);
    static const char *const ops[] = {">", ">=", "<", "<="};
    for (size_t i = 0; s && i < 4; i++)
        if (strcmp(s, ops[i]) == 0) {
            memcpy(p->op, s, strlen(s) + 1);
            return 0;
        }
    return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                         "params.op: expected one of > >= < <=, got %s", s ? s : "a non-string");
}

int aiops_fit_params_from_json(const json_t *j, aiops_model_params *p, aiops_err *err)
{
    if (!json_is_object(j))
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "params: expected an object");
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)j, k, v) {
        if (strcmp(k, "op") == 0) {
            int rc = set_op(p, v, err);
            if (rc)
                return rc;
            continue;
        }
        const pfield *f = field_find(k);
        if (!f)
            return aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "params: unknown parameter '%s'", k);
        char *base = (char *)p + f->off;
        if (f->is_int) {
            json_int_t x = json_integer_value(v);
            if (!json_is_integer(v) || x < 0 || x > 1000000)
                return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                                     "params.%s: expected a whole number 0..1000000", k);
            int iv = (int)x;
            memcpy(base, &iv, sizeof iv);
        } else {
            double dv;
            if (aiops_jdoc_numval(v, AIOPS_JDOC_NONFINITE, &dv))
                return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                                     "params.%s: expected a number, \"+Inf\" or \"-Inf\"", k);
            memcpy(base, &dv, sizeof dv);
        }
    }
    return 0;
}

/* ------------------------------------------------------ option text */

static int set_orders(int *a, int *b, int *c, const char *name, const char *s, aiops_err *err)
{
    int *dst[3] = {a, b, c};
    const char *p = s;
    for (int i = 0; i < 3; i++) {
        const char *e = strchr(p, ',');
        size_t n = e && i < 2 ? (size_t)(e - p) : strlen(p);
        int64_t v;
        if (aiops_parse_int64(p, n, &v) || v < 0 || v > 10 || (i < 2 && !e))
            return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                                 "--%s: expected three orders 0..10 like 1,1,1, got '%s'", name, s);
        *dst[i] = (int)v;
        p += n + 1;
    }
    return 0;
}

static int set_whole(int *dst, const char *name, const char *s, aiops_err *err)
{
    int64_t v;
    if (aiops_parse_int64(s, strlen(s), &v) || v < 0 || v > 1000)
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "--%s: expected a whole number 0..1000, got '%s'", name, s);
    *dst = (int)v;
    return 0;
}

static int set_real(double *dst, int duration, const char *name, const char *s, aiops_err *err)
{
    double v;
    int bad = duration ? aiops_parse_duration(s, strlen(s), &v) : aiops_parse_double(s, strlen(s), &v);
    if (bad || !isfinite(v) || v < 0)
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "--%s: expected %s, got '%s'", name,
                             duration ? "a duration like 1d or 90m" : "a number >= 0", s);
    *dst = v;
    return 0;
}

int aiops_fit_param_set(aiops_model_params *p, const char *name, const char *s, aiops_err *err)
{
    static const struct { const char *name; size_t off; int duration; } reals[] = {
        {"k", offsetof(aiops_model_params, k), 0},
        {"alpha", offsetof(aiops_model_params, alpha), 0},
        {"beta", offsetof(aiops_model_params, beta), 0},
        {"gamma", offsetof(aiops_model_params, gamma), 0},
        {"width", offsetof(aiops_model_params, width), 0},
        {"changepoint-prior", offsetof(aiops_model_params, changepoint_prior), 0},
        {"period", offsetof(aiops_model_params, period), 1},
        {"window", offsetof(aiops_model_params, window), 1},
    };
    for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++)
        if (!strcmp(name, reals[i].name))
            return set_real((double *)((char *)p + reals[i].off), reals[i].duration, name, s, err);
    if (!strcmp(name, "daily-order"))
        return set_whole(&p->daily_order, name, s, err);
    if (!strcmp(name, "weekly-order"))
        return set_whole(&p->weekly_order, name, s, err);
    if (!strcmp(name, "changepoints"))
        return set_whole(&p->changepoints, name, s, err);
    if (!strcmp(name, "order"))
        return set_orders(&p->p, &p->d, &p->q, name, s, err);
    if (!strcmp(name, "seasonal-order"))
        return set_orders(&p->P, &p->D, &p->Q, name, s, err);
    if (!strcmp(name, "multiplicative")) {
        p->multiplicative = 1;
        return 0;
    }
    return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "unknown model parameter '%s'", name);
}
