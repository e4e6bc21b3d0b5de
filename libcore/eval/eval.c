/* eval.c - the aiops-eval engine: collects ground truth and the records of
 * the stream under test (and of a baseline stream), then assembles the
 * `eval` report from the per-metric sections (eval_*.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "common/jdoc.h"
#include "eval/eval_impl.h"

void aiops_eval_opts_default(aiops_eval_opts *o)
{
    memset(o, 0, sizeof *o);
    o->horizon = 3600;
    o->group_by = "alertname";
    o->group_window = 3600;
    o->rca_k = 3;
    aiops_mttr_defaults(&o->mttr);
}

static int split_group_by(aiops_eval *ev, const char *s, aiops_err *err)
{
    size_t n = 1;
    for (const char *p = s; *p; p++)
        n += *p == ',';
    ev->gb = calloc(n, sizeof *ev->gb);
    if (!ev->gb)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    while (*s) {
        const char *e = strchr(s, ',');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (len) {
            char *f = malloc(len + 1);
            if (!f)
                return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
            memcpy(f, s, len);
            f[len] = '\0';
            ev->gb[ev->ngb++] = f;
        }
        s += len + (e != NULL);
    }
    return 0;
}

int aiops_eval_new(aiops_eval **out, const aiops_eval_opts *opts, aiops_err *err)
{
    aiops_eval *ev = calloc(1, sizeof *ev);
    *out = NULL;
    if (!ev)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (opts)
        ev->o = *opts;
    else
        aiops_eval_opts_default(&ev->o);
    if ((ev->o.rca_k != 1 && ev->o.rca_k != 3 && ev->o.rca_k != 5) || !(ev->o.horizon >= 0)) {
        free(ev);
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "expected rca_k 1, 3 or 5 and horizon >= 0");
    }
    ev->o.group_by = NULL;   /* not kept: split below */
    ev->tmax = -INFINITY;
    ev->scored_from = ev->scored_to = NAN;
    ev->fixed_thr = NAN;
    int rc = split_group_by(ev, opts && opts->group_by ? opts->group_by : "alertname", err);
    if (rc) {
        aiops_eval_free(ev);
        return rc;
    }
    *out = ev;
    return 0;
}

void aiops_eval_free(aiops_eval *ev)
{
    if (!ev)
        return;
    for (size_t i = 0; i < ev->ngb; i++)
        free(ev->gb[i]);
    free(ev->gb);
    for (size_t i = 0; i < ev->nlab; i++)
        ev_label_free(&ev->lab[i]);
    free(ev->lab);
    for (size_t i = 0; i < ev->nser; i++) {
        ev_times_free(&ev->ser[i].rows);
        ev_times_free(&ev->ser[i].anom);
    }
    free(ev->ser);
    ev_times_free(&ev->det);
    ev_times_free(&ev->det_score);
    ev_times_free(&ev->base_det);
    ev_times_free(&ev->pred);
    for (size_t i = 0; i < ev->nal; i++) {
        free(ev->al[i].key);
        free(ev->al[i].group);
    }
    free(ev->al);
    for (size_t i = 0; i < ev->ninc; i++) {
        free(ev->inc[i].id);
        ev_strs_free(&ev->inc[i].alerts);
    }
    free(ev->inc);
    for (size_t i = 0; i < ev->nrca; i++) {
        free(ev->rca[i].incident);
        ev_strs_free(&ev->rca[i].cand);
    }
    free(ev->rca);
    for (size_t i = 0; i < ev->nnk; i++) {
        free(ev->nk[i].key);
        free(ev->nk[i].stem);
        free(ev->nk[i].metric);
        free(ev->nk[i].w);
    }
    free(ev->nk);
    free(ev->detector);
    json_decref(ev->nab_results);
    free(ev);
}

/* Indexed by series id: every slot up to nser is a valid, maybe empty,
 * series, so new slots are zeroed. */
static ev_series *series_slot(aiops_eval *ev, uint32_t sid)
{
    if (AIOPS_GROW_ZERO(ev->ser, ev->nser, (size_t)sid + 1))
        return NULL;
    return &ev->ser[sid];
}

/* Series of a non-sample record: "series" text, or "name" + "labels". */
static int record_series(aiops_series_table *tab, const json_t *o, uint32_t *sid, aiops_err *err)
{
    json_t *s = json_object_get(o, "series"), *lab = json_object_get(o, "labels");
    if (json_is_string(s))
        return aiops_series_intern_text(tab, json_string_value(s), json_string_length(s), sid, err);
    const char *name = json_string_value(json_object_get(o, "name"));
    if (!name && !json_is_object(lab))
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                             "anomaly: expected \"series\" or \"name\"/\"labels\"");
    size_t n = json_is_object(lab) ? json_object_size(lab) : 0, k = 0;
    aiops_label *l = calloc(n + 1, sizeof *l);
    if (!l)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    const char *key;
    json_t *v;
    if (n) {
        json_object_foreach(lab, key, v) {
            if (!json_is_string(v)) {
                free(l);
                return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                                     "anomaly: label \"%s\": expected a string", key);
            }
            l[k++] = (aiops_label){key, json_string_value(v)};
        }
    }
    int rc = aiops_series_intern_labels(tab, name ? name : "", l, k, sid, err);
    free(l);
    return rc;
}

static int add_sample(aiops_eval *ev, const aiops_record *r)
{
    ev_series *s = series_slot(ev, r->sid);
    if (!s)
        return AIOPS_ENOMEM;
    ev->samples++;
    /* Equal timestamps are one row; the stream is time-ordered. */
    if (s->rows.n && s->rows.v[s->rows.n - 1] >= r->ts)
        return 0;
    return ev_times_push(&s->rows, r->ts);
}

static int is_resolved(const json_t *o)
{
    const char *state = json_string_value(json_object_get(o, "state"));
    return state && !strcmp(state, "resolved");
}

static int add_anomaly(aiops_eval *ev, aiops_series_table *tab, const aiops_record *r,
                       aiops_err *err)
{
    uint32_t sid;
    int rc = record_series(tab, r->obj, &sid, err);
    if (rc)
        return rc;
    ev->anomalies++;
    /* aiops-fit closes each event with a "resolved" record at its first
     * normal point: that is the end of a detection, not a new one. */
    if (is_resolved(r->obj))
        return 0;
    /* The calibrated score where aiops-fit gives one, else the model's
     * own: what a higher threshold would have kept (the "curve"). */
    json_t *sc = json_object_get(r->obj, "anomaly_score");
    if (!json_is_number(sc))
        sc = json_object_get(r->obj, "score");
    ev_series *s = series_slot(ev, sid);
    if (!s || ev_times_push(&s->anom, r->ts) || ev_times_push(&ev->det, r->ts) ||
        ev_times_push(&ev->det_score, json_is_number(sc) ? json_number_value(sc) : NAN))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    return 0;
}

/* The group_by key of an alert: its values of the configured fields
 * (top-level field, else label), joined by '\x1f'. */
static char *group_key(const aiops_eval *ev, const json_t *o)
{
    char buf[2048];
    size_t n = 0;
    for (size_t i = 0; i < ev->ngb; i++) {
        const char *f = ev->gb[i];
        json_t *v = json_object_get(o, !strcmp(f, "alertname") ? "name" : f);
        if (!json_is_string(v))
            v = json_object_get(json_object_get(o, "labels"), f);
        int w = snprintf(buf + n, sizeof buf - n, "%s\x1f", json_is_string(v) ? json_string_value(v) : "");
        if (w > 0)
            n = n + (size_t)w < sizeof buf ? n + (size_t)w : sizeof buf - 1;
    }
    buf[n] = '\0';
    return ev_strdup(buf);
}

/* The episode (key, start) of an alert record: the item being grouped.
 * Re-sent firing records of one episode are searched backwards; items
 * come in about start order, so the search stops a day back. */
static ev_alert *find_episode(aiops_eval *ev, const char *key, double start)
{
    for (size_t i = ev->nal; i-- > 0;) {
        if (ev->al[i].start + 86400 < start)
            break;
        if (ev->al[i].start == start && !strcmp(ev->al[i].key, key))
            return &ev->al[i];
    }
    return NULL;
}

static int add_alert(aiops_eval *ev, const aiops_record *r, aiops_err *err)
{
    const char *state = json_string_value(json_object_get(r->obj, "state"));
    const char *key = json_string_value(json_object_get(r->obj, "fingerprint"));
    double start, end;
    if (!key)
        key = json_string_value(json_object_get(r->obj, "name"));
    if (!state || !key)
        return 0;
    if (ev_get_time(r->obj, "start", 1, &start, NULL, 0, err) || isnan(start))
        start = r->ts;
    ev_alert *a = find_episode(ev, key, start);
    if (!strcmp(state, "resolved")) {
        if (a && !ev_get_time(r->obj, "end", 1, &end, NULL, 0, err))
            a->end = isnan(end) ? r->ts : end;
        return 0;
    }
    if (a || strcmp(state, "firing"))
        return 0;
    if (AIOPS_GROW(ev->al, ev->capal, ev->nal + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    a = &ev->al[ev->nal];
    a->start = start;
    a->end = INFINITY;      /* until resolved */
    a->key = ev_strdup(key);
    a->group = group_key(ev, r->obj);
    if (!a->key || !a->group)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    ev->nal++;
    return 0;
}

static int add_incident(aiops_eval *ev, const aiops_record *r, aiops_err *err)
{
    const char *id;
    int rc = ev_get_str(r->obj, "id", &id, NULL, 0, err);
    if (!rc && !id)
        rc = aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "incident: expected an \"id\"");
    ev_incident *inc = NULL;
    for (size_t i = 0; !rc && i < ev->ninc && !inc; i++)
        if (!strcmp(ev->inc[i].id, id))
            inc = &ev->inc[i];   /* a later record updates the incident */
    if (!rc && !inc) {
        /* Zeroed: the new incident has no alerts until they are read. */
        if (AIOPS_GROW_ZERO(ev->inc, ev->capinc, ev->ninc + 1) ||
            !(ev->inc[ev->ninc].id = ev_strdup(id)))
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        inc = &ev->inc[ev->ninc++];
        inc->start = NAN;
    }
    ev_strs al;
    double start, end;
    if (!rc)
        rc = ev_get_time(r->obj, "start", 1, &start, NULL, 0, err);
    if (!rc)
        rc = ev_get_time(r->obj, "end", 1, &end, NULL, 0, err);
    if (!rc)
        rc = ev_get_strs(r->obj, "alerts", &al, NULL, 0, err);
    if (rc)
        return rc;
    if (isnan(inc->start))
        inc->start = isnan(start) ? r->ts : start;
    inc->end = isnan(end) ? INFINITY : end;   /* open until it says it ended */
    if (al.n || !inc->alerts.n) {
        ev_strs_free(&inc->alerts);
        inc->alerts = al;
    } else {
        ev_strs_free(&al);
    }
    return 0;
}

static int add_rca(aiops_eval *ev, const aiops_record *r, aiops_err *err)
{
    const char *inc;
    json_t *c = json_object_get(r->obj, "candidates"), *x;
    int rc = ev_get_str(r->obj, "incident", &inc, NULL, 0, err);
    if (!rc && (!inc || !json_is_array(c)))
        rc = aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                           "rca: expected \"incident\" and a \"candidates\" array");
    if (rc)
        return rc;
    /* Zeroed: the candidates are counted from cand.n == 0. */
    if (AIOPS_GROW_ZERO(ev->rca, ev->caprca, ev->nrca + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    ev_rca *q = &ev->rca[ev->nrca];
    q->cand.v = calloc(json_array_size(c) + 1, sizeof *q->cand.v);
    if (!q->cand.v || !(q->incident = ev_strdup(inc)))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    ev->nrca++;
    size_t i;
    json_array_foreach(c, i, x) {
        const char *svc = json_string_value(json_object_get(x, "service"));
        if (!svc)
            return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                                 "rca: candidates[%zu]: expected a \"service\" string", i);
        if (!(q->cand.v[q->cand.n++] = ev_strdup(svc)))
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    return 0;
}

static int add_baseline(aiops_eval *ev, const aiops_record *r)
{
    ev->base_records++;
    if (r->type == AIOPS_R_ANOMALY)
        return is_resolved(r->obj) ? 0 : ev_times_push(&ev->base_det, r->ts);
    if (r->type == AIOPS_R_ALERT) {
        const char *state = json_string_value(json_object_get(r->obj, "state"));
        if (state && !strcmp(state, "firing"))
            return ev_times_push(&ev->base_det, r->ts);
    }
    return 0;
}

/* aiops-fit's "scored" record: the range whose points were judged. */
static int add_scored(aiops_eval *ev, const aiops_record *rec, aiops_err *err)
{
    const char *type = json_string_value(json_object_get(rec->obj, "type"));
    if (!type || strcmp(type, "scored") != 0)
        return 0;
    aiops_jdoc d = {.err = err};
    double from, to;
    int rc = aiops_jdoc_num(&d, rec->obj, "from", AIOPS_JDOC_REQUIRED, -INFINITY, INFINITY, &from);
    if (rc > 0)
        rc = aiops_jdoc_num(&d, rec->obj, "to", AIOPS_JDOC_REQUIRED, from, INFINITY, &to);
    if (rc < 0)
        return rc;
    ev->scored_from = isnan(ev->scored_from) ? from : fmin(ev->scored_from, from);
    ev->scored_to = isnan(ev->scored_to) ? to : fmax(ev->scored_to, to);
    return 0;
}

int aiops_eval_add(aiops_eval *ev, aiops_series_table *tab, const aiops_record *rec,
                   int baseline, aiops_err *err)
{
    ev->tab = tab;
    if (baseline)
        return add_baseline(ev, rec) ? aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory") : 0;
    if (rec->type != AIOPS_R_LABEL)
        ev->tmax = fmax(ev->tmax, rec->ts);
    switch (rec->type) {
    case AIOPS_R_SAMPLE:
        return add_sample(ev, rec) ? aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory") : 0;
    case AIOPS_R_ANOMALY: return add_anomaly(ev, tab, rec, err);
    case AIOPS_R_ALERT: return add_alert(ev, rec, err);
    case AIOPS_R_INCIDENT: return add_incident(ev, rec, err);
    case AIOPS_R_RCA: return add_rca(ev, rec, err);
    case AIOPS_R_LABEL: return ev_label_from_json(ev, rec->obj, NULL, 0, err);
    case AIOPS_R_PREDICTION:
        /* a warning is the record that fires it; "resolved" ends it */
        if (ev_is_resolved_prediction(rec->obj))
            return 0;
        return ev_times_push(&ev->pred, rec->ts) ? aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory") : 0;
    case AIOPS_R_OTHER: return add_scored(ev, rec, err);
    default: return 0;
    }
}

static void hull(const double *v, size_t n, double *lo, double *hi)
{
    for (size_t i = 0; i < n; i++) {
        *lo = fmin(*lo, v[i]);
        *hi = fmax(*hi, v[i]);
    }
}

const char *ev_span(const aiops_eval *ev, double *from, double *to)
{
    if (ev->o.span_to > ev->o.span_from) {
        *from = ev->o.span_from;
        *to = ev->o.span_to;
        return "option";
    }
    if (ev->scored_to > ev->scored_from) {
        *from = ev->scored_from;
        *to = ev->scored_to;
        return "scored";
    }
    *from = INFINITY;
    *to = -INFINITY;
    for (size_t i = 0; i < ev->nlab; i++) {
        *from = fmin(*from, ev->lab[i].start);
        *to = fmax(*to, ev->lab[i].end);
    }
    hull(ev->det.v, ev->det.n, from, to);
    hull(ev->base_det.v, ev->base_det.n, from, to);
    if (*to < *from)
        *from = *to = NAN;
    return "labels and detections";
}

static json_t *counts_json(const aiops_eval *ev)
{
    double from, to;
    ev_span(ev, &from, &to);
    json_t *o = json_object();
    if (!o || ev_set(o, "labels", json_integer((json_int_t)ev->nlab)) ||
        ev_set(o, "samples", json_integer((json_int_t)ev->samples)) ||
        ev_set(o, "anomalies", json_integer((json_int_t)ev->anomalies)) ||
        ev_set(o, "alerts", json_integer((json_int_t)ev->nal)) ||
        ev_set(o, "incidents", json_integer((json_int_t)ev->ninc)) ||
        ev_set(o, "rca", json_integer((json_int_t)ev->nrca)) ||
        ev_set(o, "predictions", json_integer((json_int_t)ev->pred.n)) ||
        ev_set(o, "baseline_records", json_integer((json_int_t)ev->base_records)) ||
        ev_set(o, "span_days", ev_num(to > from ? (to - from) / 86400 : 0))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int aiops_eval_report(aiops_eval *ev, json_t **out, aiops_err *err)
{
    json_t *rep = json_object();
    *out = NULL;
    int rc = !rep || ev_set(rep, "type", json_string("eval")) ||
             ev_set(rep, "ts", ev_num(isfinite(ev->tmax) ? ev->tmax : 0)) ||
             ev_set(rep, "counts", counts_json(ev));
    if (rc)
        rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (!rc)
        rc = ev_report_detection(ev, rep, err);
    if (!rc)
        rc = ev_report_nab_stream(ev, rep, err);
    if (!rc)
        rc = ev_report_grouping(ev, rep, err);
    if (!rc)
        rc = ev_report_rca(ev, rep, err);
    if (!rc)
        rc = ev_report_prediction(ev, rep, err);
    if (!rc)
        rc = ev_report_mttr(ev, rep, err);
    if (rc) {
        json_decref(rep);
        return rc < 0 ? rc : AIOPS_ENOMEM;
    }
    *out = rep;
    return 0;
}
