/* eval_detect.c - the "detection" section: event-wise stats of our anomaly
 * records against the label windows, the same for the baseline stream and
 * the time-to-detect gain between the two, and point-wise stats over the
 * sample rows of the stream. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/eval_impl.h"

static json_t *event_json(const aiops_detect_stats *s)
{
    json_t *o = json_object();
    if (!o || ev_set(o, "incidents", json_integer((json_int_t)s->windows)) ||
        ev_set(o, "detected", json_integer((json_int_t)s->detected)) ||
        ev_set(o, "recall", ev_num(s->recall)) || ev_set(o, "precision", ev_num(s->precision)) ||
        ev_set(o, "f1", ev_num(s->f1)) ||
        ev_set(o, "detections", json_integer((json_int_t)s->detections)) ||
        ev_set(o, "alarms", json_integer((json_int_t)s->alarms)) ||
        ev_set(o, "false_alarms", json_integer((json_int_t)s->false_alarms)) ||
        ev_set(o, "false_per_day", ev_num(s->false_per_day)) ||
        ev_set(o, "delay_median", ev_num(s->delay_median)) ||
        ev_set(o, "delay_p90", ev_num(s->delay_p90)) || ev_set(o, "delay_mean", ev_num(s->delay_mean))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The evaluated period: {"from","to","days","source"}. */
static json_t *span_json(double from, double to, const char *src)
{
    char a[40], b[40];
    json_t *o = json_object();
    int known = to >= from;
    if (known) {
        aiops_fmt_time(from, a);
        aiops_fmt_time(to, b);
    }
    if (!o || ev_set(o, "from", known ? json_string(a) : json_null()) ||
        ev_set(o, "to", known ? json_string(b) : json_null()) ||
        ev_set(o, "days", ev_num(known ? (to - from) / 86400 : NAN)) ||
        ev_set(o, "source", json_string(src))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Point-wise: every sample row of a series is labelled (inside a window
 * of a label that applies to the series) and predicted (an anomaly record
 * of the series falls on the row: aiops_nab_mark). */
static int point_counts(const aiops_eval *ev, aiops_point_stats *ps, aiops_err *err)
{
    memset(ps, 0, sizeof *ps);
    for (size_t sid = 0; sid < ev->nser; sid++) {
        const ev_series *es = &ev->ser[sid];
        if (!es->rows.n)
            continue;
        const aiops_series *s = aiops_series_get(ev->tab, (uint32_t)sid);
        unsigned char *pred = calloc(es->rows.n, 1), *lab = calloc(es->rows.n, 1);
        if (!pred || !lab) {
            free(pred);
            free(lab);
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        }
        aiops_nab_mark(es->rows.v, es->rows.n, es->anom.v, es->anom.n, pred);
        for (size_t k = 0; k < ev->nlab; k++) {
            if (!ev_label_applies(&ev->lab[k], s))
                continue;
            for (size_t i = 0; i < es->rows.n; i++)
                lab[i] |= es->rows.v[i] >= ev->lab[k].start && es->rows.v[i] <= ev->lab[k].end;
        }
        aiops_point_stats one;
        aiops_score_points(lab, pred, es->rows.n, &one);
        ps->tp += one.tp;
        ps->fp += one.fp;
        ps->fn += one.fn;
        ps->tn += one.tn;
        free(pred);
        free(lab);
    }
    aiops_point_stats_finish(ps);
    return 0;
}

static json_t *point_json(const aiops_point_stats *p)
{
    json_t *o = json_object();
    if (!o || ev_set(o, "tp", json_integer((json_int_t)p->tp)) ||
        ev_set(o, "fp", json_integer((json_int_t)p->fp)) ||
        ev_set(o, "fn", json_integer((json_int_t)p->fn)) ||
        ev_set(o, "tn", json_integer((json_int_t)p->tn)) ||
        ev_set(o, "precision", ev_num(p->precision)) || ev_set(o, "recall", ev_num(p->recall)) ||
        ev_set(o, "f1", ev_num(p->f1))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Paired gain over incidents both streams detected, and the false alarm
 * reduction: "detected N minutes earlier on median, with X% fewer false
 * alarms". */
static json_t *gain_json(const aiops_detect_stats *us, const aiops_detect_stats *base,
                         const double *d_us, const double *d_base, size_t n)
{
    double *diff = malloc((n + 1) * sizeof *diff);
    size_t np = 0, only_us = 0, only_base = 0;
    if (!diff)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (!isnan(d_us[i]) && !isnan(d_base[i]))
            diff[np++] = d_base[i] - d_us[i];
        only_us += !isnan(d_us[i]) && isnan(d_base[i]);
        only_base += isnan(d_us[i]) && !isnan(d_base[i]);
    }
    double med = aiops_quantile(diff, np, 0.5);
    free(diff);
    double fa = base->false_per_day > 0 ? 100 * (1 - us->false_per_day / base->false_per_day) : NAN;
    char text[256];
    snprintf(text, sizeof text, "detected %.1f minutes %s on median (%zu incidents both detected), "
             "with %.0f%% %s false alarms", fabs(isnan(med) ? 0 : med) / 60,
             !(med < 0) ? "earlier" : "later", np, fabs(isnan(fa) ? 0 : fa),
             !(fa < 0) ? "fewer" : "more");
    json_t *o = json_object();
    if (!o || ev_set(o, "paired", json_integer((json_int_t)np)) ||
        ev_set(o, "delay_gain_median", ev_num(med)) ||
        ev_set(o, "only_ours", json_integer((json_int_t)only_us)) ||
        ev_set(o, "only_baseline", json_integer((json_int_t)only_base)) ||
        ev_set(o, "false_alarm_reduction_pct", ev_num(fa)) ||
        ev_set(o, "summary", json_string(text))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int baseline_part(aiops_eval *ev, json_t *sec, const aiops_window *w,
                         const aiops_detect_stats *us, const double *d_us, aiops_err *err)
{
    aiops_detect_opts o = ev->o.detect;
    aiops_detect_stats bs;
    double *d_base = malloc((ev->nlab + 1) * sizeof *d_base);
    if (!d_base)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    o.span = us->span;
    int rc = aiops_score_detect(w, ev->nlab, ev->base_det.v, ev->base_det.n, &o, &bs, d_base, err);
    if (!rc && (ev_set(sec, "baseline", event_json(&bs)) ||
                ev_set(sec, "gain", gain_json(us, &bs, d_us, d_base, ev->nlab))))
        rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    free(d_base);
    return rc;
}

/* Precision and recall against the threshold: the detections whose score
 * reaches each of up to EV_CURVE_POINTS thresholds (the quantiles of the
 * scores of the detections made, so the points spread over the range the
 * detector actually used), scored as the "event" block is.  A threshold
 * below the one the detector ran with cannot be judged from its output:
 * the curve starts at the lowest score emitted. */
#define EV_CURVE_POINTS 10

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static json_t *curve_point(const aiops_window *w, size_t nw, const ev_times *det,
                           const ev_times *score, double thr, const aiops_detect_opts *o)
{
    double *kept = malloc((det->n + 1) * sizeof *kept);
    size_t n = 0;
    if (!kept)
        return NULL;
    for (size_t i = 0; i < det->n; i++)
        if (score->v[i] >= thr)
            kept[n++] = det->v[i];
    aiops_detect_stats st;
    aiops_err e = {0};
    json_t *p = NULL;
    if (!aiops_score_detect(w, nw, kept, n, o, &st, NULL, &e)) {
        p = json_object();
        if (p && (ev_set(p, "threshold", ev_num(thr)) ||
                  ev_set(p, "alarms", json_integer((json_int_t)st.alarms)) ||
                  ev_set(p, "detected", json_integer((json_int_t)st.detected)) ||
                  ev_set(p, "precision", ev_num(st.precision)) ||
                  ev_set(p, "recall", ev_num(st.recall)) || ev_set(p, "f1", ev_num(st.f1)) ||
                  ev_set(p, "false_per_day", ev_num(st.false_per_day)))) {
            json_decref(p);
            p = NULL;
        }
    }
    free(kept);
    return p;
}

static int curve_part(const aiops_eval *ev, json_t *sec, const aiops_window *w,
                      const aiops_detect_opts *o, aiops_err *err)
{
    const ev_times *sc = &ev->det_score;
    double *v = malloc((sc->n + 1) * sizeof *v);
    size_t n = 0;
    if (!v)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < sc->n; i++)
        if (isfinite(sc->v[i]))
            v[n++] = sc->v[i];
    if (!n || !ev->nlab) {      /* no scores, or nothing to be right about */
        free(v);
        return 0;
    }
    qsort(v, n, sizeof *v, cmp_dbl);
    json_t *arr = json_array();
    double last = NAN;
    int rc = arr ? 0 : AIOPS_ENOMEM;
    for (size_t k = 0; !rc && k < EV_CURVE_POINTS; k++) {
        double thr = v[(size_t)((double)k / EV_CURVE_POINTS * (double)n)];
        if (thr == last)        /* ties (calibrated scores saturate near 1) */
            continue;
        last = thr;
        json_t *p = curve_point(w, ev->nlab, &ev->det, sc, thr, o);
        size_t na = json_array_size(arr);
        if (p && na && json_equal(json_object_get(p, "alarms"),   /* same alarms kept */
                                  json_object_get(json_array_get(arr, na - 1), "alarms"))) {
            json_decref(p);
            continue;
        }
        rc = !p || json_array_append_new(arr, p) ? AIOPS_ENOMEM : 0;
    }
    free(v);
    if (rc || ev_set(sec, "curve", arr)) {
        if (rc)
            json_decref(arr);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    return 0;
}

/* Per series: the label windows that apply to it (ev_label_applies) and
 * its own detections, scored as the "event" block is.  Series with
 * neither are left out; the rest are listed worst first (false alarms,
 * then missed incidents), at most EV_SERIES_ROWS of them, so a team sees
 * which series a threshold is wrong for; "series_total" counts them all. */
#define EV_SERIES_ROWS 50

typedef struct ser_row {
    uint32_t sid;
    aiops_detect_stats st;
    double delay;
} ser_row;

static int row_cmp(const void *a, const void *b)
{
    const ser_row *x = a, *y = b;
    size_t mx = x->st.windows - x->st.detected, my = y->st.windows - y->st.detected;
    if (x->st.false_alarms != y->st.false_alarms)
        return x->st.false_alarms > y->st.false_alarms ? -1 : 1;
    if (mx != my)
        return mx > my ? -1 : 1;
    return (x->sid > y->sid) - (x->sid < y->sid);
}

static int series_row(const aiops_eval *ev, uint32_t sid, const aiops_window *all,
                      aiops_window *w, double *d, const aiops_detect_opts *o, ser_row *row,
                      aiops_err *err)
{
    const aiops_series *s = aiops_series_get(ev->tab, sid);
    const ev_times *an = &ev->ser[sid].anom;
    size_t nw = 0;
    for (size_t k = 0; k < ev->nlab; k++)
        if (ev_label_applies(&ev->lab[k], s))
            w[nw++] = (aiops_window){ev->lab[k].start, ev->lab[k].end};
    if (!nw && !an->n)
        return 0;
    row->sid = sid;
    /* Incidents, detected and delays against the windows of this series;
     * alarms true or false against every window, as the "event" block
     * counts them (a detection in another series' incident is no false
     * alarm). */
    aiops_detect_stats any;
    int rc = aiops_score_detect(all, ev->nlab, an->v, an->n, o, &any, NULL, err);
    if (!rc)
        rc = aiops_score_detect(w, nw, an->v, an->n, o, &row->st, d, err);
    if (rc)
        return rc;
    row->st.true_alarms = any.true_alarms;
    row->st.false_alarms = any.false_alarms;
    row->st.precision = any.precision;
    size_t nd = 0;
    for (size_t k = 0; k < nw; k++)   /* aiops_quantile wants the detected ones only */
        if (!isnan(d[k]))
            d[nd++] = d[k];
    row->delay = aiops_quantile(d, nd, 0.5);
    return 1;
}

static json_t *row_json(const aiops_eval *ev, const ser_row *r)
{
    const aiops_series *s = aiops_series_get(ev->tab, r->sid);
    json_t *o = json_object();
    if (!o || ev_set(o, "series", json_string(s->text)) ||
        ev_set(o, "anomalies", json_integer((json_int_t)r->st.detections)) ||
        ev_set(o, "incidents", json_integer((json_int_t)r->st.windows)) ||
        ev_set(o, "detected", json_integer((json_int_t)r->st.detected)) ||
        ev_set(o, "false_alarms", json_integer((json_int_t)r->st.false_alarms)) ||
        ev_set(o, "precision", ev_num(r->st.precision)) ||
        ev_set(o, "recall", ev_num(r->st.recall)) ||
        ev_set(o, "delay_median", ev_num(r->delay))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int series_part(const aiops_eval *ev, json_t *sec, const aiops_window *all,
                       const aiops_detect_opts *o, aiops_err *err)
{
    ser_row *rows = calloc(ev->nser + 1, sizeof *rows);
    aiops_window *w = malloc((ev->nlab + 1) * sizeof *w);
    double *d = malloc((ev->nlab + 1) * sizeof *d);
    size_t n = 0;
    int rc = rows && w && d ? 0 : aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    for (size_t sid = 0; !rc && sid < ev->nser; sid++) {
        int got = ev->ser[sid].anom.n || ev->ser[sid].rows.n
                      ? series_row(ev, (uint32_t)sid, all, w, d, o, &rows[n], err) : 0;
        if (got < 0)
            rc = got;
        n += got > 0;
    }
    if (!rc && n) {
        json_t *arr = json_array();
        qsort(rows, n, sizeof *rows, row_cmp);
        for (size_t i = 0; !rc && arr && i < n && i < EV_SERIES_ROWS; i++) {
            json_t *r = row_json(ev, &rows[i]);
            rc = !r || json_array_append_new(arr, r) ? AIOPS_ENOMEM : 0;
        }
        if (rc || !arr)
            json_decref(arr);
        else if (ev_set(sec, "series", arr) ||   /* takes arr, even on failure */
                 ev_set(sec, "series_total", json_integer((json_int_t)n)))
            rc = AIOPS_ENOMEM;
        rc = rc || arr ? rc : AIOPS_ENOMEM;
    }
    if (rc == AIOPS_ENOMEM)
        rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    free(rows);
    free(w);
    free(d);
    return rc;
}

int ev_report_detection(aiops_eval *ev, json_t *rep, aiops_err *err)
{
    /* Without labels, every alarm is a false one: a quiet stream (samples
     * or anomaly records, no incidents) still has a false alarm rate, with
     * recall and F1 undefined. */
    if (!ev->nlab && !ev->samples && !ev->anomalies)
        return 0;
    aiops_window *w = malloc((ev->nlab + 1) * sizeof *w);
    double *d_us = malloc((ev->nlab + 1) * sizeof *d_us);
    json_t *sec = json_object();
    int rc = w && d_us && sec ? 0 : aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    aiops_detect_opts o = ev->o.detect;
    double from, to;
    const char *src = ev_span(ev, &from, &to);
    o.span = to > from ? to - from : 0;
    aiops_detect_stats us;
    for (size_t i = 0; !rc && i < ev->nlab; i++)
        w[i] = (aiops_window){ev->lab[i].start, ev->lab[i].end};
    if (!rc)
        rc = aiops_score_detect(w, ev->nlab, ev->det.v, ev->det.n, &o, &us, d_us, err);
    if (!rc && (ev_set(sec, "event", event_json(&us)) || ev_set(sec, "span", span_json(from, to, src))))
        rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (!rc && ev->samples) {
        aiops_point_stats ps;
        rc = point_counts(ev, &ps, err);
        if (!rc && ev_set(sec, "point", point_json(&ps)))
            rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    if (!rc)
        rc = curve_part(ev, sec, w, &o, err);
    if (!rc && ev->nlab)
        rc = series_part(ev, sec, w, &o, err);
    if (!rc && ev->base_records)
        rc = baseline_part(ev, sec, w, &us, d_us, err);
    if (!rc && ev_set(rep, "detection", sec))
        rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    else if (rc)
        json_decref(sec);
    free(w);
    free(d_us);
    return rc;
}
