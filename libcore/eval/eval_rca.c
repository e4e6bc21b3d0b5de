/* eval_rca.c - the "rca", "prediction" and "mttr" sections. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/eval_impl.h"

/* By id, then by the most shared alerts, then the label whose (widened)
 * window holds the incident start, nearest start first. */
long ev_incident_label(const aiops_eval *ev, const ev_incident *inc)
{
    long best = -1;
    size_t best_n = 0;
    for (size_t k = 0; k < ev->nlab; k++)
        if (!strcmp(ev->lab[k].id, inc->id))
            return (long)k;
    for (size_t k = 0; k < ev->nlab; k++) {
        size_t c = 0;
        for (size_t a = 0; a < inc->alerts.n; a++)
            c += (size_t)ev_strs_has(&ev->lab[k].alerts, inc->alerts.v[a]);
        if (c > best_n) {
            best_n = c;
            best = (long)k;
        }
    }
    if (best >= 0)
        return best;
    double best_d = INFINITY;
    for (size_t k = 0; k < ev->nlab; k++) {
        const ev_label *l = &ev->lab[k];
        double d = fabs(inc->start - l->start);
        if (inc->start >= l->start - ev->o.detect.pre && inc->start <= l->end + ev->o.detect.post &&
            d < best_d) {
            best_d = d;
            best = (long)k;
        }
    }
    return best;
}

/* The label an rca record is about: via its incident record, or a label id. */
static long rca_label(const aiops_eval *ev, const ev_rca *r)
{
    for (size_t i = 0; i < ev->ninc; i++)
        if (!strcmp(ev->inc[i].id, r->incident))
            return ev_incident_label(ev, &ev->inc[i]);
    for (size_t k = 0; k < ev->nlab; k++)
        if (!strcmp(ev->lab[k].id, r->incident))
            return (long)k;
    return -1;
}

static int rca_stats(const aiops_eval *ev, aiops_rca_stats *st, size_t *unmatched,
                     aiops_err *err)
{
    size_t *rank = calloc(ev->nlab + 1, sizeof *rank), *ncand = calloc(ev->nlab + 1, sizeof *ncand);
    unsigned char *seen = calloc(ev->nlab + 1, 1);
    if (!rank || !ncand || !seen) {
        free(rank);
        free(ncand);
        free(seen);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    *unmatched = 0;
    /* The first ranking per incident counts: what the on-call saw first. */
    for (size_t i = 0; i < ev->nrca; i++) {
        long k = rca_label(ev, &ev->rca[i]);
        if (k < 0) {
            (*unmatched)++;
            continue;
        }
        if (seen[k]++)
            continue;
        ncand[k] = ev->rca[i].cand.n;
        for (size_t c = 0; c < ev->rca[i].cand.n && !rank[k]; c++)
            if (ev->lab[k].root_cause && !strcmp(ev->rca[i].cand.v[c], ev->lab[k].root_cause))
                rank[k] = c + 1;
    }
    aiops_score_rca(rank, ncand, ev->nlab, st);
    free(rank);
    free(ncand);
    free(seen);
    return 0;
}

int ev_report_rca(aiops_eval *ev, json_t *rep, aiops_err *err)
{
    if (!ev->nrca || !ev->nlab)
        return 0;
    aiops_rca_stats s;
    size_t unmatched = 0;
    int rc = rca_stats(ev, &s, &unmatched, err);
    if (rc)
        return rc;
    json_t *o = json_object();
    if (!o || ev_set(o, "incidents", json_integer((json_int_t)s.incidents)) ||
        ev_set(o, "found", json_integer((json_int_t)s.found)) ||
        ev_set(o, "ac1", ev_num(s.ac1)) || ev_set(o, "ac3", ev_num(s.ac3)) ||
        ev_set(o, "ac5", ev_num(s.ac5)) || ev_set(o, "avg5", ev_num(s.avg5)) ||
        ev_set(o, "mean_rank", ev_num(s.mean_rank)) ||
        ev_set(o, "unmatched_rca", json_integer((json_int_t)unmatched)) || ev_set(rep, "rca", o))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    return 0;
}

int ev_is_resolved_prediction(const json_t *o)
{
    const char *st = json_string_value(json_object_get(o, "state"));
    return st && !strcmp(st, "resolved");
}

/* Labels warned at least `lead` before their deadline (a warning exactly
 * `lead` before counts): the same windows, ending `lead` earlier. */
static size_t warned_ahead(const aiops_eval *ev, const aiops_window *w, double lead, aiops_err *err)
{
    aiops_window *e = malloc((ev->nlab + 1) * sizeof *e);
    if (!e)
        return 0;
    for (size_t i = 0; i < ev->nlab; i++)
        e[i] = (aiops_window){w[i].start, nextafter(w[i].end - lead, INFINITY)};
    aiops_predict_stats s;
    int rc = aiops_score_predict(e, ev->nlab, ev->pred.v, ev->pred.n, ev->o.horizon, &s, err);
    free(e);
    return rc ? 0 : s.warned;
}

int ev_report_prediction(aiops_eval *ev, json_t *rep, aiops_err *err)
{
    if (!ev->pred.n)
        return 0;
    aiops_window *w = malloc((ev->nlab + 1) * sizeof *w);
    if (!w)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < ev->nlab; i++) {
        const ev_label *l = &ev->lab[i];
        w[i] = (aiops_window){l->start, isnan(l->declared) ? l->start : l->declared};
    }
    aiops_predict_stats s;
    int rc = aiops_score_predict(w, ev->nlab, ev->pred.v, ev->pred.n, ev->o.horizon, &s, err);
    size_t ahead = rc ? 0 : warned_ahead(ev, w, EV_PREDICT_LEAD, err);
    free(w);
    if (rc)
        return rc;
    double from, to;
    ev_span(ev, &from, &to);
    for (size_t i = 0; i < ev->pred.n; i++) {
        from = isnan(from) || ev->pred.v[i] < from ? ev->pred.v[i] : from;
        to = isnan(to) || ev->pred.v[i] > to ? ev->pred.v[i] : to;
    }
    double days = (to - from) / 86400;
    json_t *o = json_object();
    if (!o || ev_set(o, "incidents", json_integer((json_int_t)s.incidents)) ||
        ev_set(o, "warned", json_integer((json_int_t)s.warned)) ||
        ev_set(o, "frac_warned", ev_num(s.frac_warned)) ||
        ev_set(o, "warnings", json_integer((json_int_t)s.warnings)) ||
        ev_set(o, "true_warnings", json_integer((json_int_t)s.true_warnings)) ||
        ev_set(o, "precision", ev_num(s.precision)) ||
        ev_set(o, "warned_30m", json_integer((json_int_t)ahead)) ||
        ev_set(o, "frac_warned_30m", ev_num(s.incidents ? (double)ahead / (double)s.incidents : NAN)) ||
        ev_set(o, "false_warnings", json_integer((json_int_t)(s.warnings - s.true_warnings))) ||
        ev_set(o, "false_per_day", ev_num(days > 0 ? (double)(s.warnings - s.true_warnings) / days : NAN)) ||
        ev_set(o, "lead_median", ev_num(s.lead_median)) || ev_set(o, "lead_p90", ev_num(s.lead_p90)) ||
        ev_set(o, "lead_mean", ev_num(s.lead_mean)) || ev_set(o, "horizon", ev_num(ev->o.horizon)) ||
        ev_set(rep, "prediction", o))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    return 0;
}

static json_t *assumptions_json(const aiops_mttr_assume *a, int have_base)
{
    json_t *o = json_object();
    if (!o || ev_set(o, "mttr_today", ev_num(a->mttr)) ||
        ev_set(o, "detect_today", have_base ? json_string("from the baseline stream")
                                            : ev_num(a->detect_today)) ||
        ev_set(o, "diagnose_today", ev_num(a->diagnose)) ||
        ev_set(o, "saved_top1", ev_num(a->saved_top1)) ||
        ev_set(o, "saved_topk", ev_num(a->saved_topk)) || ev_set(o, "k", json_integer(a->k))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Needs the detection section (built first); RCA is optional. */
int ev_report_mttr(aiops_eval *ev, json_t *rep, aiops_err *err)
{
    json_t *det = json_object_get(rep, "detection"), *rca = json_object_get(rep, "rca");
    if (!det)
        return 0;
    aiops_mttr_assume a = ev->o.mttr;
    a.k = ev->o.rca_k;
    double ours = json_number_value(json_object_get(json_object_get(det, "event"), "delay_median"));
    json_t *bj = json_object_get(json_object_get(det, "baseline"), "delay_median");
    double base = json_is_number(bj) ? json_number_value(bj) : NAN;
    double ac1 = NAN, ack = NAN;
    if (!json_is_number(json_object_get(json_object_get(det, "event"), "delay_median")))
        ours = NAN;
    if (rca) {
        char key[8];
        snprintf(key, sizeof key, "ac%d", a.k);
        ac1 = json_number_value(json_object_get(rca, "ac1"));
        ack = a.k == 1 ? ac1 : a.k == 3 || a.k == 5 ? json_number_value(json_object_get(rca, key)) : NAN;
    }
    aiops_mttr_est e;
    aiops_mttr_estimate(&a, ours, base, ac1, ack, &e);
    char text[320];
    snprintf(text, sizeof text, "estimated MTTR %.0f -> %.0f min (-%.0f%%): %.1f min from earlier "
             "detection, %.1f min from faster diagnosis, under the assumptions shown",
             a.mttr / 60, e.mttr_after / 60, e.pct, e.detect_gain / 60, e.diagnose_gain / 60);
    json_t *o = json_object();
    if (!o || ev_set(o, "assumptions", assumptions_json(&a, ev->base_records > 0)) ||
        ev_set(o, "detect_gain", ev_num(e.detect_gain)) ||
        ev_set(o, "diagnose_gain", ev_num(e.diagnose_gain)) || ev_set(o, "gain", ev_num(e.gain)) ||
        ev_set(o, "mttr_after", ev_num(e.mttr_after)) || ev_set(o, "pct", ev_num(e.pct)) ||
        ev_set(o, "summary", json_string(text)) || ev_set(rep, "mttr", o))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    return 0;
}
