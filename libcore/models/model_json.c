/* model_json.c - what every model's save()/load() needs from JSON
 * beyond jdoc.h's getters: the one spelling of non-finite numbers when
 * writing, and the frame of the models fitted in one batch. */
#include <math.h>
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
        return aiops_jdoc_expect(d, NULL, j, 0, "an object");
    int rc = aiops_jdoc_str(d, j, "model", AIOPS_JDOC_REQUIRED, &name);
    if (rc < 0)
        return rc;
    if (strcmp(name, f->model) == 0)
        return 0;
    return aiops_jdoc_bad_at(d, "model", "expected \"%s\", got \"%s\"", f->model, name);
}

static int load_frame(const aiops_mj_frame *f, void *m, const json_t *j, aiops_err *err)
{
    aiops_jdoc d = {.err = err};
    json_t *par = NULL;
    int version = 0, fitted = 0, rc;
    aiops_jdoc_key(&d, "state");
    if (check_model(f, &d, j) < 0 ||
        aiops_jdoc_cint(&d, j, "version", AIOPS_JDOC_REQUIRED, 1, f->version, &version) < 0 ||
        aiops_jdoc_obj(&d, j, "params", AIOPS_JDOC_REQUIRED, &par) < 0)
        return err->code;
    aiops_jdoc_key(&d, "params");
    rc = f->load_params(m, &d, par);
    aiops_jdoc_pop(&d);
    if (rc || aiops_jdoc_bool(&d, j, "fitted", AIOPS_JDOC_REQUIRED, &fitted) < 0)
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
