/* fit_emit.c - the band and anomaly records aiops-fit derives from a
 * scored point (docs/FORMAT.md).  Records carry the series as name+labels
 * like samples do; the labels object is built once per series. */
#include <math.h>
#include <string.h>

#include "fit/fit_internal.h"

/* Non-finite numbers in Prometheus spelling, as the writer expects. */
static int set_num(json_t *o, const char *k, double v)
{
    if (isfinite(v))
        return json_object_set_new(o, k, json_real(v));
    return json_object_set_new(o, k, json_string(isnan(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf"));
}

static json_t *series_labels(aiops_fit *f, uint32_t sid, fit_series *s)
{
    if (!s->labels) {
        aiops_series *se = aiops_series_get(f->tab, sid);
        s->labels = json_object();
        for (size_t i = 0; s->labels && i < se->nlabels; i++)
            json_object_set_new(s->labels, se->labels[i].name,
                                json_string(se->labels[i].value));
    }
    return s->labels;
}

/* {"type":T,"ts":t,"name":..,"labels":..} */
static json_t *head(aiops_fit *f, const char *type, uint32_t sid, fit_series *s, double t)
{
    json_t *o = json_object(), *lab = series_labels(f, sid, s);
    if (!o || !lab) {
        json_decref(o);
        return NULL;
    }
    json_object_set_new(o, "type", json_string(type));
    set_num(o, "ts", t);
    json_object_set_new(o, "name", json_string(aiops_series_get(f->tab, sid)->name));
    json_object_set(o, "labels", lab);
    return o;
}

static int emit_obj(aiops_fit *f, aiops_rtype type, double t, json_t *o, aiops_err *err)
{
    if (!o)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    aiops_record r = {.type = type, .ts = t, .value = NAN, .obj = o};
    int rc = f->emit(f->ctx, &r, err);
    json_decref(o);
    return rc;
}

static const char *det_rule(const fit_det *d)
{
    return d->rule ? d->rule->text : d->rule_text;
}

int fit_emit_band(aiops_fit *f, uint32_t sid, fit_series *s, const fit_det *d, double t,
                  const aiops_band *b, int forecast, aiops_err *err)
{
    json_t *o = head(f, "band", sid, s, t);
    if (o) {
        set_num(o, "expected", b->expected);
        set_num(o, "lower", b->lower);
        set_num(o, "upper", b->upper);
        if (!forecast && !isnan(d->ascore))
            set_num(o, "anomaly_score", d->ascore);
        if (!forecast && !d->rule && d->ops->score)    /* its calibrated likelihood */
            set_num(o, "likelihood", d->lik);
        json_object_set_new(o, "model", json_string(d->ops->name));
        if (det_rule(d))
            json_object_set_new(o, "rule", json_string(det_rule(d)));
        if (forecast)
            json_object_set_new(o, "forecast", json_true());
        if (s->counter)
            json_object_set_new(o, "transform", json_string("rate"));
    }
    return emit_obj(f, AIOPS_R_BAND, t, o, err);
}

/* FIRE: {"state":"firing","start":first anomalous point} at the confirming
 * point.  RESOLVE: {"state":"resolved","start":..,"end":t} at the first
 * normal point.  score is the peak score of the event so far. */
int fit_emit_anomaly(aiops_fit *f, uint32_t sid, fit_series *s, const fit_det *d, double t,
                     double v, const aiops_band *b, aiops_db_action act, aiops_err *err)
{
    json_t *o = head(f, "anomaly", sid, s, t);
    if (o) {
        set_num(o, "start", d->db.start);
        if (act == AIOPS_DB_RESOLVE)
            set_num(o, "end", t);
        json_object_set_new(o, "state",
                            json_string(act == AIOPS_DB_FIRE ? "firing" : "resolved"));
        set_num(o, "value", v);
        set_num(o, "expected", b->expected);
        set_num(o, "lower", b->lower);
        set_num(o, "upper", b->upper);
        set_num(o, "score", d->db.peak);
        if (!isnan(d->apeak))    /* calibrated (--threshold or --bands) */
            set_num(o, "anomaly_score", d->apeak);
        if (!isnan(fit_det_threshold(f, d)))
            set_num(o, "threshold", fit_det_threshold(f, d));
        json_object_set_new(o, "model", json_string(d->ops->name));
        if (det_rule(d))
            json_object_set_new(o, "rule", json_string(det_rule(d)));
        if (s->counter)    /* value and band are per-second rates */
            json_object_set_new(o, "transform", json_string("rate"));
        const char *svc = aiops_series_service(aiops_series_get(f->tab, sid));
        if (svc)
            json_object_set_new(o, "service", json_string(svc));
        json_object_set_new(o, "source", json_string("aiops-fit"));
    }
    return emit_obj(f, AIOPS_R_ANOMALY, t, o, err);
}
