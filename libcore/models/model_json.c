/* model_json.c - what every model's save()/load() needs from JSON. */
#include <math.h>
#include <stdio.h>

#include "models/model.h"

void aiops_mj_put(json_t *o, const char *key, json_t *v, int *ok)
{
    if (!v || json_object_set_new(o, key, v))
        *ok = 0;
}

json_t *aiops_mj_num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

json_t *aiops_mj_array(const double *a, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        if (json_array_append_new(arr, json_real(a[i]))) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}

int aiops_mj_double(const char *model, const json_t *o, const char *key, int nullable,
                    double *out, aiops_err *err)
{
    json_t *v = json_object_get(o, key);
    if (nullable && json_is_null(v)) {
        *out = NAN;
        return 0;
    }
    if (!json_is_number(v) || !isfinite(json_number_value(v)))
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                             "%s: expected %s \"%s\" in the saved model", model,
                             nullable ? "a number or null" : "a number", key);
    *out = json_number_value(v);
    return 0;
}

/* The saved-model error every accessor below reports. */
static int mj_bad(const char *model, const char *what, const char *key, aiops_err *err)
{
    return aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "%s: expected %s \"%s\" in the saved model",
                         model, what, key);
}

int aiops_mj_int(const char *model, const json_t *v, const char *key, int lo, int hi, int *out,
                 aiops_err *err)
{
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        char what[64];
        snprintf(what, sizeof what, "an integer in %d..%d as", lo, hi);
        return mj_bad(model, what, key, err);
    }
    *out = (int)json_integer_value(v);
    return 0;
}

int aiops_mj_bool(const char *model, const json_t *v, const char *key, int *out, aiops_err *err)
{
    if (!json_is_boolean(v))
        return mj_bad(model, "true or false as", key, err);
    *out = json_is_true(v);
    return 0;
}

int aiops_mj_vec(const char *model, const json_t *o, const char *key, double *out, size_t n,
                 int nullable, aiops_err *err)
{
    json_t *a = json_object_get(o, key);
    if (!json_is_array(a) || json_array_size(a) != n) {
        char what[64];
        snprintf(what, sizeof what, "an array of %zu numbers as", n);
        return mj_bad(model, what, key, err);
    }
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(a, i);
        if (nullable && json_is_null(v))
            out[i] = NAN;
        else if (!json_is_number(v) || !isfinite(json_number_value(v)))
            return mj_bad(model, nullable ? "finite numbers or null in" : "finite numbers in",
                          key, err);
        else
            out[i] = json_number_value(v);
    }
    return 0;
}
