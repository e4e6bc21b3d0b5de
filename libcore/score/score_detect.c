/* score_detect.c - event-wise and point-wise detection metrics.
 * Formulas: docs/EVALUATION.md "Detection". */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "score/score.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* First index in sorted v[0..n) with v[i] >= x. */
static size_t lower_bound(const double *v, size_t n, double x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int check_inputs(const aiops_window *win, size_t nwin, const double *det, size_t ndet,
                        const aiops_detect_opts *o, aiops_err *err)
{
    if (!(o->pre >= 0) || !(o->post >= 0) || !(o->merge >= 0) || isnan(o->span))
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "expected pre, post and merge >= 0 and a span that is a number");
    for (size_t i = 0; i < nwin; i++)
        if (!isfinite(win[i].start) || !isfinite(win[i].end) || win[i].start > win[i].end)
            return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                                 "window %zu: expected finite start <= end", i + 1);
    for (size_t i = 0; i < ndet; i++)
        if (!isfinite(det[i]))
            return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                                 "detection %zu: expected a finite time", i + 1);
    return 0;
}

/* Windows widened by pre/post, sorted and merged, so "is t inside any
 * window" is one binary search over the starts. Returns the count. */
static size_t merged_windows(const aiops_window *win, size_t nwin, const aiops_detect_opts *o,
                             aiops_window *m)
{
    for (size_t i = 0; i < nwin; i++)
        m[i] = (aiops_window){win[i].start - o->pre, win[i].end + o->post};
    return aiops_nab_windows_prepare(m, nwin);
}

static int inside(const aiops_window *m, size_t nm, double t)
{
    size_t lo = 0, hi = nm;   /* last window with start <= t */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m[mid].start <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && t <= m[lo - 1].end;
}

/* Alarms: runs of sorted detections with gaps <= merge. */
static void count_alarms(const double *d, size_t n, const aiops_window *m, size_t nm,
                         double merge, aiops_detect_stats *s)
{
    int cur_true = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || d[i] - d[i - 1] > merge) {
            if (i > 0) {
                s->true_alarms += (size_t)cur_true;
                s->false_alarms += (size_t)!cur_true;
            }
            s->alarms++;
            cur_true = 0;
        }
        if (!cur_true && inside(m, nm, d[i]))
            cur_true = 1;
    }
    if (n) {
        s->true_alarms += (size_t)cur_true;
        s->false_alarms += (size_t)!cur_true;
    }
}

static double observed_span(const aiops_window *win, size_t nwin, const double *d, size_t n)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < nwin; i++) {
        lo = fmin(lo, win[i].start);
        hi = fmax(hi, win[i].end);
    }
    if (n) {
        lo = fmin(lo, d[0]);
        hi = fmax(hi, d[n - 1]);
    }
    return hi > lo ? hi - lo : 0;
}

/* Per-window delay of the first detection in [start-pre, end+post];
 * detected delays are appended to dl.  Returns the number detected. */
static size_t window_delays(const aiops_window *win, size_t nwin, const double *d, size_t n,
                            const aiops_detect_opts *o, double *delays, double *dl)
{
    size_t k = 0;
    for (size_t i = 0; i < nwin; i++) {
        size_t j = lower_bound(d, n, win[i].start - o->pre);
        double delay = NAN;
        if (j < n && d[j] <= win[i].end + o->post) {
            delay = d[j] - win[i].start;
            dl[k++] = delay;
        }
        if (delays)
            delays[i] = delay;
    }
    return k;
}

static void finish_rates(aiops_detect_stats *s)
{
    s->precision = s->alarms ? (double)s->true_alarms / (double)s->alarms : NAN;
    s->recall = s->windows ? (double)s->detected / (double)s->windows : NAN;
    if (isnan(s->recall))
        s->f1 = NAN;
    else if (isnan(s->precision) || s->precision + s->recall == 0)
        s->f1 = 0;
    else
        s->f1 = 2 * s->precision * s->recall / (s->precision + s->recall);
    if (s->false_alarms == 0)
        s->false_per_day = 0;
    else
        s->false_per_day = s->span > 0 ? (double)s->false_alarms / (s->span / 86400.0) : NAN;
}

int aiops_score_detect(const aiops_window *win, size_t nwin, const double *det, size_t ndet,
                       const aiops_detect_opts *opts, aiops_detect_stats *out,
                       double *delays, aiops_err *err)
{
    static const aiops_detect_opts zero = {0};
    const aiops_detect_opts *o = opts ? opts : &zero;
    int rc = check_inputs(win, nwin, det, ndet, o, err);
    if (rc)
        return rc;
    double *d = malloc((ndet + nwin + 1) * sizeof *d);
    aiops_window *m = malloc((nwin + 1) * sizeof *m);
    if (!d || !m) {
        free(d);
        free(m);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    if (ndet)
        memcpy(d, det, ndet * sizeof *d);
    qsort(d, ndet, sizeof *d, cmp_double);
    memset(out, 0, sizeof *out);
    out->windows = nwin;
    out->detections = ndet;
    size_t nm = merged_windows(win, nwin, o, m);
    count_alarms(d, ndet, m, nm, o->merge, out);
    out->span = o->span > 0 ? o->span : observed_span(win, nwin, d, ndet);
    double *dl = d + ndet;   /* room for nwin delays after the detections */
    out->detected = window_delays(win, nwin, d, ndet, o, delays, dl);
    double sum = 0;
    for (size_t i = 0; i < out->detected; i++)
        sum += dl[i];
    out->delay_mean = out->detected ? sum / (double)out->detected : NAN;
    out->delay_p90 = aiops_quantile(dl, out->detected, 0.9);
    out->delay_median = aiops_quantile(dl, out->detected, 0.5);
    finish_rates(out);
    free(d);
    free(m);
    return 0;
}

void aiops_point_stats_finish(aiops_point_stats *s)
{
    double tp = (double)s->tp, fp = (double)s->fp, fn = (double)s->fn;
    s->precision = s->tp + s->fp ? tp / (tp + fp) : NAN;
    s->recall = s->tp + s->fn ? tp / (tp + fn) : NAN;
    s->f1 = s->tp + s->fp + s->fn ? 2 * tp / (2 * tp + fp + fn) : NAN;
}

void aiops_score_points(const unsigned char *label, const unsigned char *pred, size_t n,
                        aiops_point_stats *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        int l = label[i] != 0, p = pred[i] != 0;
        if (l && p)
            out->tp++;
        else if (p)
            out->fp++;
        else if (l)
            out->fn++;
        else
            out->tn++;
    }
    aiops_point_stats_finish(out);
}
