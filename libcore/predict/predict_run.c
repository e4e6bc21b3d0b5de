/* predict_run.c - scoring: at each tick, each service's probability from
 * the model and each limited resource's time to exhaustion; a warning
 * (prediction record, state "firing") once the condition has held for
 * `hold`, resolved (state "resolved") when the incident starts (a sign:
 * an alert, an OOM kill, a restart, an incident record; or the resource
 * reaches its limit) or when the condition has been gone for `hold`. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "predict/predict_impl.h"

struct aiops_predictor {
    pf_engine e;
    const aiops_predict_model *model;
    double threshold;
    aiops_record *q;            /* queued prediction records */
    size_t nq, capq, headq;
};

/* "3h10m", "25m", "40s" */
static void fmt_dur(double s, char *buf, size_t n)
{
    long v = lround(fmax(s, 0));
    long h = v / 3600, m = (v % 3600) / 60;
    if (h && m)
        snprintf(buf, n, "%ldh%02ldm", h, m);
    else if (h)
        snprintf(buf, n, "%ldh", h);
    else if (m)
        snprintf(buf, n, "%ldm", m);
    else
        snprintf(buf, n, "%lds", v);
}

static int queue(aiops_predictor *p, double T, json_t *o, aiops_err *err)
{
    if (!o || json_object_set_new(o, "ts", json_real(T)))
        return json_decref(o), aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (p->headq == p->nq)
        p->headq = p->nq = 0;
    if (AIOPS_GROW(p->q, p->capq, p->nq + 1)) {
        json_decref(o);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    p->q[p->nq++] = (aiops_record){.type = AIOPS_R_PREDICTION, .ts = T, .obj = o};
    return 0;
}

static json_t *base_record(const char *svc, const char *kind, const char *state)
{
    json_t *o = json_object();
    if (o && (json_object_set_new(o, "type", json_string("prediction")) ||
              json_object_set_new(o, "ts", json_integer(0)) ||
              json_object_set_new(o, "service", json_string(svc)) ||
              json_object_set_new(o, "kind", json_string(kind)) ||
              json_object_set_new(o, "state", json_string(state)))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int resolved(aiops_predictor *p, double T, const char *svc, const char *series, const char *kind,
                    const char *reason, aiops_err *err)
{
    json_t *o = base_record(svc, kind, "resolved");
    if (o && series)
        json_object_set_new(o, "series", json_string(series));
    if (o)
        json_object_set_new(o, "reason", json_string(reason));
    return queue(p, T, o, err);
}

/* The warning state machine: cond is the condition at T.  Returns 1 to
 * warn now, -1 to resolve ("faded"), 0 otherwise. */
static int debounce(double hold, double T, int cond, int *warning, double *above, double *below)
{
    if (cond) {
        *below = NAN;
        if (isnan(*above))
            *above = T;
        if (!*warning && T - *above >= hold) {
            *warning = 1;
            return 1;
        }
        return 0;
    }
    *above = NAN;
    if (!*warning)
        return 0;
    if (isnan(*below))
        *below = T;
    if (T - *below >= hold) {
        *warning = 0;
        *below = NAN;
        return -1;
    }
    return 0;
}

/* The features that drove a probability: contribution coef * z, largest
 * first, those above zero (at most 3). */
static json_t *drivers(const aiops_predict_model *m, const double *f)
{
    double c[AIOPS_PF_COUNT];
    int idx[AIOPS_PF_COUNT];
    for (int k = 0; k < AIOPS_PF_COUNT; k++) {
        c[k] = m->coef[k + 1] * (f[k] - m->mean[k]) / m->sd[k];
        idx[k] = k;
    }
    for (int a = 1; a < AIOPS_PF_COUNT; a++)
        for (int b = a; b > 0 && c[idx[b]] > c[idx[b - 1]]; b--) {
            int t = idx[b];
            idx[b] = idx[b - 1];
            idx[b - 1] = t;
        }
    json_t *arr = json_array();
    for (int k = 0; arr && k < 3 && c[idx[k]] > 0; k++) {
        json_t *d = json_object();
        json_object_set_new(d, "name", json_string(aiops_predict_feature_name(idx[k])));
        json_object_set_new(d, "value", json_real(f[idx[k]]));
        json_object_set_new(d, "contribution", json_real(c[idx[k]]));
        json_array_append_new(arr, d);
    }
    return arr;
}

static int model_tick(aiops_predictor *p, double T, pf_service *sv, const double *f, aiops_err *err)
{
    const aiops_predict_model *m = p->model;
    if (pf_in_incident(&p->e, sv, T)) {
        sv->above_since = sv->below_since = NAN;
        if (!sv->warning)
            return 0;
        sv->warning = 0;
        return resolved(p, T, sv->name, NULL, "incident_risk", "incident", err);
    }
    double pr = aiops_predict_model_prob(m, f);
    int d = debounce(p->e.o.hold, T, pr >= p->threshold, &sv->warning, &sv->above_since, &sv->below_since);
    if (d < 0)
        return resolved(p, T, sv->name, NULL, "incident_risk", "faded", err);
    if (d == 0)
        return 0;
    json_t *o = base_record(sv->name, "incident_risk", "firing");
    if (!o)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    char msg[300], lead[32] = "?";
    if (isfinite(m->lead_median)) {
        json_object_set_new(o, "eta", json_real(T + m->lead_median));
        json_object_set_new(o, "eta_lower", json_real(T + m->lead_lo));
        json_object_set_new(o, "eta_upper", json_real(T + m->lead_hi));
        json_object_set_new(o, "lead_time", json_real(m->lead_median));
        fmt_dur(m->lead_median, lead, sizeof lead);
    }
    json_object_set_new(o, "probability", json_real(pr));
    json_t *drv = drivers(m, f);
    const char *top = json_string_value(json_object_get(json_array_get(drv, 0), "name"));
    json_object_set_new(o, "features", drv);
    snprintf(msg, sizeof msg, "%s: incident likely (p=%.2f%s%s); impact expected in about %s", sv->name, pr,
             top ? ", driven by " : "", top ? top : "", lead);
    json_object_set_new(o, "message", json_string(msg));
    return queue(p, T, o, err);
}

static const char *resource_kind(const pf_series *s)
{
    return s->role == PR_DISK ? "disk_full" : s->role == PR_MEMORY ? "memory_exhaustion" : "exhaustion";
}

static double series_limit(const pf_engine *e, const pf_series *s)
{
    if (!isnan(s->limit))
        return s->limit;
    if (s->limit_sid == PF_NONE)
        return NAN;
    const pf_series *l = &e->ser[s->limit_sid];
    return l->n ? l->v[(l->head + l->n - 1) % l->cap] : NAN;
}

static int eta_tick(aiops_predictor *p, double T, pf_service *sv, uint32_t sid, aiops_err *err)
{
    pf_engine *e = &p->e;
    pf_series *s = &e->ser[sid];
    double limit = series_limit(e, s);
    if (!(limit > 0))
        return 0;
    const aiops_series *as = aiops_series_get(e->tab, sid);
    const char *kind = resource_kind(s);
    size_t n = pf_window(e, s, T);
    aiops_eta eta;
    int found = n >= 5 && aiops_eta_fit(e->tt, e->vv, n, T, limit, &eta, e->scr);
    if (pf_in_incident(e, sv, T) || (found && eta.reached)) {
        s->above_since = s->below_since = NAN;
        if (!s->warning)
            return 0;
        s->warning = 0;
        return resolved(p, T, sv->name, as->text, kind, found && eta.reached ? "reached" : "incident", err);
    }
    int cond = found && eta.eta - T <= e->o.eta_horizon;
    int d = debounce(e->o.hold, T, cond, &s->warning, &s->above_since, &s->below_since);
    if (d < 0)
        return resolved(p, T, sv->name, as->text, kind, "faded", err);
    if (d == 0)
        return 0;
    json_t *o = base_record(sv->name, kind, "firing");
    if (!o)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    char msg[600], in[32], pm[32];
    fmt_dur(eta.eta - T, in, sizeof in);
    fmt_dur((eta.eta_hi - eta.eta_lo) / 2, pm, sizeof pm);
    json_object_set_new(o, "series", json_string(as->text));
    json_object_set_new(o, "eta", json_real(eta.eta));
    json_object_set_new(o, "eta_lower", json_real(eta.eta_lo));
    if (isfinite(eta.eta_hi))
        json_object_set_new(o, "eta_upper", json_real(eta.eta_hi));
    json_object_set_new(o, "lead_time", json_real(eta.eta - T));
    json_object_set_new(o, "limit", json_real(limit));
    json_object_set_new(o, "value", json_real(eta.level));
    json_object_set_new(o, "slope", json_real(eta.slope));
    if (isfinite(eta.eta_hi))
        snprintf(msg, sizeof msg, "%s on %s full in %s +- %s", as->name, sv->name, in, pm);
    else
        snprintf(msg, sizeof msg, "%s on %s full in %s (or later)", as->name, sv->name, in);
    json_object_set_new(o, "message", json_string(msg));
    return queue(p, T, o, err);
}

static int on_tick(void *ctx, double T, uint32_t i, const double *f, aiops_err *err)
{
    aiops_predictor *p = ctx;
    pf_service *sv = &p->e.svc[i];
    int rc = p->model ? model_tick(p, T, sv, f, err) : 0;
    for (size_t k = 0; !rc && p->e.o.eta && k < sv->nsids; k++) {
        const pf_series *s = &p->e.ser[sv->sids[k]];
        if (s->role != PR_LIMIT && (!isnan(s->limit) || s->limit_sid != PF_NONE))
            rc = eta_tick(p, T, sv, sv->sids[k], err);
    }
    return rc;
}

int aiops_predictor_new(aiops_predictor **out, const aiops_predict_opts *o,
                        const aiops_predict_model *model, const aiops_predict_limits *limits,
                        aiops_series_table *tab, aiops_err *err)
{
    *out = NULL;
    aiops_predictor *p = calloc(1, sizeof *p);
    if (!p)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    int rc = pf_init(&p->e, o, limits, tab, on_tick, p, err);
    if (rc) {
        aiops_predictor_free(p);
        return rc;
    }
    p->model = model;
    p->threshold = !isnan(o->threshold) ? o->threshold : model ? model->threshold : 1;
    *out = p;
    return 0;
}

void aiops_predictor_free(aiops_predictor *p)
{
    if (!p)
        return;
    pf_free(&p->e);
    for (size_t i = p->headq; i < p->nq; i++)
        aiops_record_clear(&p->q[i]);
    free(p->q);
    free(p);
}

int aiops_predictor_add(aiops_predictor *p, const aiops_record *rec, aiops_err *err)
{
    return pf_add(&p->e, rec, err);
}

int aiops_predictor_finish(aiops_predictor *p, aiops_err *err)
{
    return pf_finish(&p->e, err);
}

int aiops_predictor_pop(aiops_predictor *p, aiops_record *rec)
{
    if (p->headq == p->nq)
        return 0;
    *rec = p->q[p->headq++];
    return 1;
}

size_t aiops_predictor_services(const aiops_predictor *p)
{
    return p->e.nsvc;
}

size_t aiops_predictor_points(const aiops_predictor *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->e.nser; i++)
        n += p->e.ser[i].cap;
    return n;
}
