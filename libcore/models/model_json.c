/* model_json.c - what every model's save()/load() needs from JSON: one
 * spelling of non-finite numbers, typed getters in the style of jdoc.h's
 * (which lacks numbers, integers, booleans and objects; these are meant to
 * move there), and the frame of the models fitted in one batch. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "models/model.h"

void aiops_mj_put(json_t *o, const char *key, json_t *v, int *ok)
{
    if (!v || json_object_set_new(o, key, v))
        *ok = 0;
}

json_t *aiops_mj_num(double v)
{
    char buf[32];
    if (isfinite(v))
        return json_real(v);
    if (isnan(v))
        return json_null();
    aiops_fmt_double(v, buf);   /* "+Inf" / "-Inf" */
    return json_string(buf);
}

json_t *aiops_mj_array(const double *a, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        if (json_array_append_new(arr, aiops_mj_num(a[i]))) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}

int aiops_mj_value(const json_t *v, double *out)
{
    double x;
    if (json_is_number(v)) {
        *out = json_number_value(v);
        return 0;
    }
    if (json_is_null(v)) {
        *out = NAN;
        return 0;
    }
    /* Strings only for what a JSON number cannot hold. */
    if (json_is_string(v) &&
        aiops_parse_double(json_string_value(v), json_string_length(v), &x) == 0 && !isfinite(x)) {
        *out = x;
        return 0;
    }
    return -1;
}

/* ------------------------------------------------------------ getters */

/* o[key] into *v: 1, or 0 when absent (missing, or null where null is no
 * value: an error if required). */
static int member(aiops_jdoc *d, const json_t *o, const char *key, int flags, const char *want,
                  const json_t **v)
{
    *v = json_object_get(o, key);
    if (*v && (!json_is_null(*v) || (flags & AIOPS_MJ_NONFINITE)))
        return 1;
    if (!(flags & AIOPS_JDOC_REQUIRED))
        return 0;
    return aiops_jdoc_fail(d, AIOPS_EPARSE, "expected field \"%s\" (%s)", key, want);
}

int aiops_mj_fail(aiops_jdoc *d, const char *key, const char *fmt, ...)
{
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (key)
        aiops_jdoc_key(d, key);
    int rc = aiops_jdoc_fail(d, AIOPS_EPARSE, "%s", msg);
    if (key)
        aiops_jdoc_pop(d);
    return rc;
}

/* The error of value v at the current path: "expected WANT, got ...". */
static int bad_value(aiops_jdoc *d, const json_t *v, const char *want)
{
    char got[64];
    if (json_is_integer(v))
        snprintf(got, sizeof got, "%lld", (long long)json_integer_value(v));
    else if (json_is_array(v))
        snprintf(got, sizeof got, "an array of %zu", json_array_size(v));
    else
        snprintf(got, sizeof got, "%s", aiops_jdoc_type(v));
    return aiops_jdoc_fail(d, AIOPS_EPARSE, "expected %s, got %s", want, got);
}

/* The same for the member key. */
static int bad_member(aiops_jdoc *d, const char *key, const json_t *v, const char *want)
{
    aiops_jdoc_key(d, key);
    int rc = bad_value(d, v, want);
    aiops_jdoc_pop(d);
    return rc;
}

static int number_of(const json_t *v, int flags, double *out)
{
    if (flags & AIOPS_MJ_NONFINITE)
        return aiops_mj_value(v, out);
    if (!json_is_number(v))
        return -1;
    *out = json_number_value(v);
    return 0;
}

static const char *number_want(int flags)
{
    return flags & AIOPS_MJ_NONFINITE ? "a number or null" : "a number";
}

int aiops_mj_number(aiops_jdoc *d, const json_t *o, const char *key, int flags, double *out)
{
    const json_t *v;
    int rc = member(d, o, key, flags, number_want(flags), &v);
    if (rc <= 0)
        return rc;
    if (number_of(v, flags, out))
        return bad_member(d, key, v, number_want(flags));
    return 1;
}

static int int_of(const json_t *v, int lo, int hi, int *out)
{
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return -1;
    *out = (int)json_integer_value(v);
    return 0;
}

int aiops_mj_int(aiops_jdoc *d, const json_t *o, const char *key, int flags, int lo, int hi,
                 int *out)
{
    char want[64];
    const json_t *v;
    snprintf(want, sizeof want, "an integer in %d..%d", lo, hi);
    int rc = member(d, o, key, flags, want, &v);
    if (rc <= 0)
        return rc;
    return int_of(v, lo, hi, out) ? bad_member(d, key, v, want) : 1;
}

int aiops_mj_bool(aiops_jdoc *d, const json_t *o, const char *key, int flags, int *out)
{
    const json_t *v;
    int rc = member(d, o, key, flags, "true or false", &v);
    if (rc <= 0)
        return rc;
    if (!json_is_boolean(v))
        return bad_member(d, key, v, "true or false");
    *out = json_is_true(v);
    return 1;
}

int aiops_mj_object(aiops_jdoc *d, const json_t *o, const char *key, int flags,
                    const json_t **out)
{
    const json_t *v;
    int rc = member(d, o, key, flags, "an object", &v);
    if (rc <= 0)
        return rc;
    if (!json_is_object(v))
        return bad_member(d, key, v, "an object");
    *out = v;
    return 1;
}

/* o[key] as an array of n values: 1 with *arr, 0 absent, <0 error. */
static int array_of(aiops_jdoc *d, const json_t *o, const char *key, int flags, size_t n,
                    const char *what, const json_t **arr)
{
    char want[64];
    snprintf(want, sizeof want, "an array of %zu %s", n, what);
    int rc = member(d, o, key, flags & ~AIOPS_MJ_NONFINITE, want, arr);
    if (rc > 0 && (!json_is_array(*arr) || json_array_size(*arr) != n))
        return bad_member(d, key, *arr, want);
    return rc;
}

/* The error of element i of o[key]. */
static int bad_element(aiops_jdoc *d, const char *key, size_t i, const json_t *v, const char *want)
{
    aiops_jdoc_key(d, key);
    aiops_jdoc_idx(d, i);
    int rc = bad_value(d, v, want);
    aiops_jdoc_pop(d);
    aiops_jdoc_pop(d);
    return rc;
}

int aiops_mj_numbers(aiops_jdoc *d, const json_t *o, const char *key, int flags, double *out,
                     size_t n)
{
    const json_t *a;
    int rc = array_of(d, o, key, flags, n, "numbers", &a);
    for (size_t i = 0; rc > 0 && i < n; i++)
        if (number_of(json_array_get(a, i), flags, &out[i]))
            return bad_element(d, key, i, json_array_get(a, i), number_want(flags));
    return rc;
}

int aiops_mj_ints(aiops_jdoc *d, const json_t *o, const char *key, int flags, const int *lo,
                  const int *hi, int *out, size_t n)
{
    const json_t *a;
    int rc = array_of(d, o, key, flags, n, "integers", &a);
    for (size_t i = 0; rc > 0 && i < n; i++)
        if (int_of(json_array_get(a, i), lo[i], hi[i], &out[i])) {
            char want[64];
            snprintf(want, sizeof want, "an integer in %d..%d", lo[i], hi[i]);
            return bad_element(d, key, i, json_array_get(a, i), want);
        }
    return rc;
}

/* -------------------------------------------------------------- frame */

json_t *aiops_mj_save(const aiops_mj_frame *f, const void *m)
{
    json_t *o = json_object(), *par = json_object();
    int ok = o && par, fitted = f->fitted(m);
    if (ok) {
        f->save_params(m, par, &ok);
        aiops_mj_put(o, "model", json_string(f->model), &ok);
        aiops_mj_put(o, "version", json_integer(f->version), &ok);
        aiops_mj_put(o, "params", par, &ok);
        par = NULL;
        aiops_mj_put(o, "fitted", json_boolean(fitted), &ok);
        if (fitted)
            f->save_fit(m, o, &ok);
    }
    json_decref(par);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* "model" must name f's model. */
static int check_model(const aiops_mj_frame *f, aiops_jdoc *d, const json_t *j)
{
    const char *name = NULL;
    if (!json_is_object(j))
        return bad_value(d, j, "an object");
    int rc = aiops_jdoc_str(d, (json_t *)j, "model", AIOPS_JDOC_REQUIRED, &name);
    if (rc < 0)
        return rc;
    if (strcmp(name, f->model) == 0)
        return 0;
    return aiops_mj_fail(d, "model", "expected \"%s\", got \"%s\"", f->model, name);
}

static int load_frame(const aiops_mj_frame *f, void *m, const json_t *j, aiops_err *err)
{
    aiops_jdoc d = {.err = err};
    const json_t *par = NULL;
    int version = 0, fitted = 0, rc;
    aiops_jdoc_key(&d, "state");
    if (check_model(f, &d, j) < 0 ||
        aiops_mj_int(&d, j, "version", AIOPS_JDOC_REQUIRED, 1, f->version, &version) < 0 ||
        aiops_mj_object(&d, j, "params", AIOPS_JDOC_REQUIRED, &par) < 0)
        return err->code;
    aiops_jdoc_key(&d, "params");
    rc = f->load_params(m, &d, par);
    aiops_jdoc_pop(&d);
    if (rc || aiops_mj_bool(&d, j, "fitted", AIOPS_JDOC_REQUIRED, &fitted) < 0)
        return rc ? rc : err->code;
    return fitted ? f->load_fit(m, &d, j, version) : 0;
}

int aiops_mj_load(const aiops_mj_frame *f, void *m, const json_t *j, aiops_err *err)
{
    f->clear(m);
    int rc = load_frame(f, m, j, err);
    if (rc)
        f->clear(m);
    return rc;
}
