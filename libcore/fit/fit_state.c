/* fit_state.c - saving and loading the fitted models of aiops-fit
 * (--save/--load): one JSON document, series text -> detectors, each with
 * its model name, parameters, the model's own save() state, and why the
 * model was chosen.  Loading merges documents, later wins per series. */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "aiops_format.h"
#include "fit/fit_internal.h"

#define FORMAT_VERSION 1

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
            if (isfinite(v))
                json_object_set_new(o, fields[i].name, json_real(v));
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
            if (!json_is_number(v))
                return aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "params.%s: expected a number", k);
            double dv = json_number_value(v);
            memcpy(base, &dv, sizeof dv);
        }
    }
    return 0;
}

/* ---- from option text */

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

/* ---- save */

static json_t *det_json(const fit_det *d)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    json_object_set_new(o, "model", json_string(d->ops->name));
    if (d->reason && d->reason[0])
        json_object_set_new(o, "reason", json_string(d->reason));
    const char *rule = d->rule ? d->rule->text : d->rule_text;
    if (rule)
        json_object_set_new(o, "rule", json_string(rule));
    json_object_set_new(o, "params", aiops_fit_params_to_json(&d->params));
    json_object_set_new(o, "state", d->ops->save(d->m));
    return o;
}

json_t *aiops_fit_save(const aiops_fit *f, aiops_err *err)
{
    json_t *doc = json_object(), *ser = json_object();
    int oom = !doc || !ser;
    if (!oom) {
        json_object_set_new(doc, "aiops_fit", json_integer(FORMAT_VERSION));
        json_object_set(doc, "series", ser);
    }
    for (size_t i = 0; !oom && i < f->ns; i++) {
        const fit_series *s = &f->s[i];
        if (s->state != FS_SCORE)
            continue;
        json_t *arr = json_array();
        for (size_t d = 0; arr && d < s->ndet; d++)
            if (json_array_append_new(arr, det_json(&s->det[d])))
                oom = 1;
        const aiops_series *se = aiops_series_get(f->tab, (uint32_t)i);
        if (!arr || json_object_set_new(ser, se->text, arr))
            oom = 1;
    }
    json_decref(ser);
    if (oom) {
        json_decref(doc);
        aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    return doc;
}

/* ---- load */

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

static int det_load(fit_det *d, const json_t *j, const aiops_fit_opts *o, aiops_err *err)
{
    const char *model = json_string_value(json_object_get(j, "model"));
    const char *reason = json_string_value(json_object_get(j, "reason"));
    const char *rule = json_string_value(json_object_get(j, "rule"));
    if (!json_is_object(j) || !model)
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                             "expected {\"model\":NAME,\"params\":{..},\"state\":{..}}");
    d->ops = aiops_model_find(model);
    if (!d->ops)
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "unknown model '%s'", model);
    aiops_model_params_init(&d->params);
    int rc = aiops_fit_params_from_json(json_object_get(j, "params"), &d->params, err);
    if (rc)
        return rc;
    d->reason = dupstr(reason ? reason : "");
    d->rule_text = rule ? dupstr(rule) : NULL;
    if (!d->reason || (rule && !d->rule_text))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    d->m = d->ops->create(&d->params, err);
    if (!d->m)
        return err->code ? err->code : AIOPS_EINVAL;
    rc = d->ops->load(d->m, json_object_get(j, "state"), err);
    if (rc)
        return rc;
    double hold = rule && !isnan(o->for_duration) ? o->for_duration : o->min_duration;
    aiops_debounce_init(&d->db, hold, o->cooldown);
    d->last = (aiops_band){NAN, -INFINITY, INFINITY};
    return 0;
}

static void dets_free(fit_det *det, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fit_det_clear(&det[i]);
    free(det);
}

/* One series entry: build its detectors, then replace what was there. */
static int series_load(aiops_fit *f, const char *text, const json_t *arr, aiops_err *err)
{
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "series %s: expected a non-empty array",
                             text);
    uint32_t sid;
    int rc = aiops_series_intern_text(f->tab, text, strlen(text), &sid, err);
    if (rc)
        return rc;
    size_t n = json_array_size(arr);
    fit_det *det = calloc(n, sizeof *det);
    if (!det)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; !rc && i < n; i++)
        rc = det_load(&det[i], json_array_get(arr, i), &f->o, err);
    fit_series *s = NULL;
    if (!rc)
        rc = fit_series_slot(f, sid, &s, err);
    if (rc) {
        dets_free(det, n);
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        return aiops_err_set(err, err->code ? err->code : AIOPS_EPARSE, NULL, 0,
                             "series %s: %s", text, msg);
    }
    dets_free(s->det, s->ndet);
    s->det = det;
    s->ndet = n;
    s->state = FS_SCORE;
    return 0;
}

int aiops_fit_load(aiops_fit *f, const json_t *doc, const char *file, aiops_err *err)
{
    json_t *ver = json_object_get(doc, "aiops_fit");
    json_t *ser = json_object_get(doc, "series");
    if (!json_is_object(doc) || !json_is_integer(ver) || !json_is_object(ser))
        return aiops_err_set(err, AIOPS_EPARSE, file, 0,
                             "expected a model file written by aiops-fit --save "
                             "({\"aiops_fit\":1,\"series\":{...}})");
    if (json_integer_value(ver) != FORMAT_VERSION)
        return aiops_err_set(err, AIOPS_EPARSE, file, 0,
                             "model file version %lld, this aiops-fit reads version %d",
                             (long long)json_integer_value(ver), FORMAT_VERSION);
    const char *k;
    json_t *v;
    json_object_foreach(ser, k, v) {
        int rc = series_load(f, k, v, err);
        if (rc)
            return aiops_err_locate(err, file, 0);
    }
    return 0;
}

int aiops_fit_load_file(aiops_fit *f, const char *path, aiops_err *err)
{
    json_error_t je;
    FILE *fp = fopen(path, "r");
    if (!fp)
        return aiops_err_set(err, AIOPS_EIO, path, 0, "cannot open: %s", strerror(errno));
    json_t *doc = json_loadf(fp, 0, &je);
    fclose(fp);
    if (!doc)
        return aiops_err_set(err, AIOPS_EPARSE, path, je.line > 0 ? je.line : 0, "%s", je.text);
    int rc = aiops_fit_load(f, doc, path, err);
    json_decref(doc);
    return rc;
}

int aiops_fit_save_file(const aiops_fit *f, const char *path, aiops_err *err)
{
    json_t *doc = aiops_fit_save(f, err);
    if (!doc)
        return err->code;
    int rc = json_dump_file(doc, path, JSON_INDENT(1) | JSON_REAL_PRECISION(17));
    json_decref(doc);
    return rc ? aiops_err_set(err, AIOPS_EIO, path, 0, "cannot write the model file") : 0;
}
