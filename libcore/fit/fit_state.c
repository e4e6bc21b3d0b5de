/* fit_state.c - saving and loading the fitted models of aiops-fit
 * (--save/--load): one JSON document, series text -> detectors, each with
 * its model name, parameters (fit_params.c), the model's own save() state,
 * and why the model was chosen.  Loading merges documents, later wins per
 * series. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aiops_format.h"
#include "common/ofile.h"
#include "fit/fit_internal.h"

#define FORMAT_VERSION 1

/* ---- save */

static json_t *det_json(const fit_det *d, int counter)
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
    if (counter)
        json_object_set_new(o, "transform", json_string("rate"));
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
            if (json_array_append_new(arr, det_json(&s->det[d], s->counter)))
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

/* Files written before non-finite parameters were saved lack the threshold
 * of rules like 'x > -Inf': it is in the rule text. */
static void from_rule(aiops_model_params *p, const char *text)
{
    aiops_fit_rule r;
    aiops_err e2 = {0};
    if (aiops_fit_rule_parse(text, &r, &e2) == 0) {
        p->threshold = r.threshold;
        memcpy(p->op, r.op, sizeof p->op);
    }
    aiops_fit_rule_free(&r);
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
    if (rule && d->ops == &aiops_model_static && isnan(d->params.threshold))
        from_rule(&d->params, rule);
    rc = fit_det_set_reason(d, reason, err);
    if (!rc && rule && !(d->rule_text = strdup(rule)))
        rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (rc)
        return rc;
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
        fit_dets_free(det, n);
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%s", err->msg);
        return aiops_err_set(err, err->code ? err->code : AIOPS_EPARSE, NULL, 0,
                             "series %s: %s", text, msg);
    }
    fit_dets_free(s->det, s->ndet);
    s->counter = 0;
    for (size_t i = 0; i < n; i++) {
        const char *tr = json_string_value(json_object_get(json_array_get(arr, i), "transform"));
        if (tr && !strcmp(tr, "rate"))
            s->counter = !f->o.no_counter_rate;
    }
    s->cprev_t = s->cprev_v = NAN;
    s->det = det;
    s->ndet = s->capdet = n;
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
    char *text = json_dumps(doc, JSON_INDENT(1) | JSON_REAL_PRECISION(17));
    json_decref(doc);
    if (!text)
        return aiops_err_set(err, AIOPS_ENOMEM, path, 0, "out of memory");
    int rc = aiops_ofile_save(path, text, strlen(text), err);
    free(text);
    return rc;
}