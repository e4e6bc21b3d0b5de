/* model_json.c - what every model's save()/load() needs from JSON. */
#include <math.h>

#include "model.h"

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
