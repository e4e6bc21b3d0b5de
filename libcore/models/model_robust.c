/* model_robust.c - rolling median / MAD z-score, optionally seasonal.
 *
 * Rolling (default): the reference set for time t is the points of
 * [t - window, t) (window default 1 h).  Seasonal (seasonal_robust=1): the
 * reference set is the points that fell in the same slot of the period
 * (default period 1 day; slots of 5 minutes, at most period/12) during the
 * last ROBUST_SEASONS periods, so a nightly batch job at 02:00 is compared
 * with the previous nights at 02:00, not with the afternoon.
 *
 * Score: z = 0.6745 * (x - median) / MAD, anomalous when |z| > k (default
 * 3), i.e. the band is median +- k * MAD / 0.6745.  When MAD is 0 (more
 * than half the reference values equal) the scale falls back to the mean
 * absolute deviation from the median * 1.2533 (also the normal sigma),
 * and when that is 0 too (all values equal) the band is [median, median]:
 * any change from a perfectly constant series is an anomaly.  The band is
 * open until the reference set holds ROBUST_MIN_POINTS (10) values: the
 * MAD of fewer is too often near 0 by chance.
 *
 * A known limit of the rolling variant: on a noise-free smooth signal the
 * window just after a maximum or minimum is bunched near the extremum
 * while the current point has already left it, and z peaks at ~5.6 there
 * (for any window much shorter than the curvature, by scaling); with k = 3
 * such data wants the seasonal variant or some noise.  Real metrics have
 * noise well above that curvature effect.
 *
 * Memory is bounded: each reference set is a ring (arrival order, for
 * eviction) plus the same values kept sorted (insert/remove by binary
 * search + memmove, cheap for the few thousand points a window holds),
 * capped at ROBUST_MAX_WINDOW points (rolling) or ROBUST_MAX_SLOT per slot
 * (seasonal); beyond the cap the oldest point goes first.  The median is
 * read off the sorted array, and the MAD in O(log n) too: the deviations
 * of the upper half (a[i] - med) and of the lower half read backwards
 * (med - a[i]) are two sorted sequences, and their median is a k-th
 * smallest of two sorted arrays. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "models/model.h"

#define ROBUST_DEFAULT_K 3.0
#define ROBUST_DEFAULT_WINDOW 3600.0
#define ROBUST_DEFAULT_PERIOD 86400.0
#define ROBUST_SLOT 300.0
#define ROBUST_SEASONS 8
#define ROBUST_MIN_POINTS 10
#define ROBUST_MAX_WINDOW 65536
#define ROBUST_MAX_SLOT 1024
#define ROBUST_MAX_SLOTS 65536
#define MAD_TO_SIGMA (1 / 0.6745)
#define MEANAD_TO_SIGMA 1.2533141373155

/* ------------------------------------------------- window of points */

typedef struct rwin {
    double *ts, *v;   /* ring in arrival order; ts is the base of the block */
    double *sorted;   /* the same values, ascending */
    size_t head, len, cap, max;
} rwin;

static size_t ring_at(const rwin *w, size_t i)
{
    size_t j = w->head + i;
    return j >= w->cap ? j - w->cap : j;
}

/* First index whose value is >= x (lower) or > x (upper). */
static size_t bound(const double *a, size_t n, double x, int upper)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < x || (upper && a[mid] == x))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Double the capacity (up to max), unwrapping the ring.  0 or -1. */
static int rwin_grow(rwin *w)
{
    size_t nc = w->cap ? w->cap * 2 : 16;
    if (nc > w->max)
        nc = w->max;
    if (nc <= w->cap)
        return -1;
    double *blk = malloc(nc * 3 * sizeof *blk);
    if (!blk)
        return -1;
    for (size_t i = 0; i < w->len; i++) {
        size_t j = ring_at(w, i);
        blk[i] = w->ts[j];
        blk[nc + i] = w->v[j];
    }
    if (w->len)
        memcpy(blk + 2 * nc, w->sorted, w->len * sizeof *blk);
    free(w->ts);
    w->ts = blk;
    w->v = blk + nc;
    w->sorted = blk + 2 * nc;
    w->cap = nc;
    w->head = 0;
    return 0;
}

static void rwin_pop(rwin *w)
{
    size_t i = bound(w->sorted, w->len, w->v[w->head], 0);
    memmove(w->sorted + i, w->sorted + i + 1, (w->len - i - 1) * sizeof *w->sorted);
    if (++w->head == w->cap)
        w->head = 0;
    w->len--;
}

/* Append a finite point.  update() has no error channel, so when memory
 * runs out the window keeps its size and drops its oldest point instead. */
static void rwin_push(rwin *w, double t, double x)
{
    if (w->len == w->max)
        rwin_pop(w);
    if (w->len == w->cap && rwin_grow(w)) {
        if (!w->len)
            return;
        rwin_pop(w);
    }
    size_t i = bound(w->sorted, w->len, x, 1);
    memmove(w->sorted + i + 1, w->sorted + i, (w->len - i) * sizeof *w->sorted);
    w->sorted[i] = x;
    size_t j = ring_at(w, w->len);
    w->ts[j] = t;
    w->v[j] = x;
    w->len++;
}

static void rwin_evict(rwin *w, double tmin)
{
    while (w->len && w->ts[w->head] < tmin)
        rwin_pop(w);
}

/* k-th smallest (0-based) |a[i] - med| over sorted a[0..n), med its median.
 * Lower half read backwards and upper half are both ascending in deviation:
 * binary-search how many of the k+1 smallest come from the lower half. */
static double dev_kth(const double *a, size_t n, double med, size_t k)
{
    size_t s = n / 2, nl = s, nr = n - s, want = k + 1;
    size_t lo = want > nr ? want - nr : 0, hi = want < nl ? want : nl;
    while (lo < hi) {
        size_t i = lo + (hi - lo) / 2, j = want - i;
        if (a[s + j - 1] - med <= med - a[s - 1 - i])
            hi = i;
        else
            lo = i + 1;
    }
    size_t i = lo, j = want - lo;
    double best = -INFINITY;
    if (i > 0)
        best = med - a[s - i];
    if (j > 0 && a[s + j - 1] - med > best)
        best = a[s + j - 1] - med;
    return best;
}

/* Median and normal-equivalent sigma of the window (len >= 1). */
static void rwin_stats(const rwin *w, double *med, double *sigma)
{
    const double *a = w->sorted;
    size_t n = w->len;
    double m = n % 2 ? a[n / 2] : 0.5 * a[n / 2 - 1] + 0.5 * a[n / 2];
    double mad = n % 2 ? dev_kth(a, n, m, n / 2)
                       : 0.5 * dev_kth(a, n, m, n / 2 - 1) + 0.5 * dev_kth(a, n, m, n / 2);
    *med = m;
    if (mad > 0) {
        *sigma = mad * MAD_TO_SIGMA;
        return;
    }
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += fabs(a[i] - m);
    *sigma = sum / (double)n * MEANAD_TO_SIGMA;
}

/* ------------------------------------------------------------- model */

typedef struct robust {
    double k, window, period;
    int seasonal;
    double slotw, horizon;   /* slot width; age beyond which points go */
    size_t nslots;           /* 1 when rolling */
    rwin *w;
} robust;

static void robust_free_windows(robust *m)
{
    for (size_t i = 0; m->w && i < m->nslots; i++)
        free(m->w[i].ts);
    free(m->w);
    m->w = NULL;
}

/* Validate parameters and allocate the (empty) windows into m. */
static int robust_init(robust *m, double k, double window, double period, int seasonal,
                       aiops_err *err)
{
    memset(m, 0, sizeof *m);
    if (!(k > 0) || isinf(k) || !(window > 0) || isinf(window) || !(period > 0) ||
        isinf(period))
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "robust: expected k, window and period > 0 (finite), got k %g "
                             "window %g period %g",
                             k, window, period);
    m->k = k;
    m->window = window;
    m->period = period;
    m->seasonal = seasonal;
    m->slotw = fmin(ROBUST_SLOT, period / 12);
    m->horizon = seasonal ? ROBUST_SEASONS * period : window;
    double ns = seasonal ? ceil(period / m->slotw) : 1;
    if (ns > ROBUST_MAX_SLOTS)
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "robust: period %g s needs %.0f slots, max %d", period, ns,
                             ROBUST_MAX_SLOTS);
    m->nslots = (size_t)ns;
    if (!(m->w = calloc(m->nslots, sizeof *m->w)))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "robust: out of memory");
    for (size_t i = 0; i < m->nslots; i++)
        m->w[i].max = seasonal ? ROBUST_MAX_SLOT : ROBUST_MAX_WINDOW;
    return 0;
}

static void *robust_create(const aiops_model_params *p, aiops_err *err)
{
    if (p->seasonal_robust < -1 || p->seasonal_robust > 1) {
        aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                      "robust: expected seasonal_robust 0 or 1, got %d", p->seasonal_robust);
        return NULL;
    }
    robust *m = malloc(sizeof *m);
    if (!m) {
        aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "robust: out of memory");
        return NULL;
    }
    if (robust_init(m, isnan(p->k) ? ROBUST_DEFAULT_K : p->k,
                    isnan(p->window) ? ROBUST_DEFAULT_WINDOW : p->window,
                    isnan(p->period) || p->period == 0 ? ROBUST_DEFAULT_PERIOD : p->period,
                    p->seasonal_robust == 1, err)) {
        robust_free_windows(m);
        free(m);
        return NULL;
    }
    return m;
}

static void robust_destroy(void *vm)
{
    robust *m = vm;
    if (!m)
        return;
    robust_free_windows(m);
    free(m);
}

/* The reference set for time t: the single rolling window, or the slot of
 * t's phase in the period (phase relative to the epoch, so a 1-day period
 * has UTC midnight at slot 0). */
static rwin *window_for(robust *m, double t)
{
    if (!m->seasonal)
        return m->w;
    double ph = fmod(t, m->period);
    if (ph < 0)
        ph += m->period;
    if (!(ph >= 0 && ph < m->period))
        ph = 0;
    size_t s = (size_t)(ph / m->slotw);
    return &m->w[s < m->nslots ? s : m->nslots - 1];
}

static void robust_update(void *vm, double t, double v)
{
    robust *m = vm;
    if (!isfinite(v) || !isfinite(t))
        return;
    rwin *w = window_for(m, t);
    rwin_evict(w, t - m->horizon);
    rwin_push(w, t, v);
}

static int robust_fit(void *vm, const double *ts, const double *v, size_t n, aiops_err *err)
{
    robust *m = vm;
    (void)err;
    for (size_t i = 0; i < m->nslots; i++)
        m->w[i].len = m->w[i].head = 0;
    for (size_t i = 0; i < n; i++)
        robust_update(m, ts[i], v[i]);
    return 0;
}

static void robust_band(void *vm, double t, aiops_band *out)
{
    robust *m = vm;
    rwin *w = window_for(m, t);
    rwin_evict(w, t - m->horizon);
    out->lower = -INFINITY;
    out->upper = INFINITY;
    out->expected = NAN;
    if (!w->len)
        return;
    double med, sigma;
    rwin_stats(w, &med, &sigma);
    out->expected = med;
    if (w->len < ROBUST_MIN_POINTS)
        return;
    out->lower = med - m->k * sigma;
    out->upper = med + m->k * sigma;
}

/* ------------------------------------------------------------ save/load */

/* State: per slot a flat [t0, v0, t1, v1, ...] array in arrival order
 * (all finite, so plain JSON reals, printed round-trip exact). */
static json_t *slot_json(const rwin *w)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < w->len; i++) {
        size_t j = ring_at(w, i);
        if (json_array_append_new(a, json_real(w->ts[j])) ||
            json_array_append_new(a, json_real(w->v[j]))) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *robust_save(const void *vm)
{
    const robust *m = vm;
    json_t *slots = json_array();
    for (size_t i = 0; slots && i < m->nslots; i++)
        if (json_array_append_new(slots, slot_json(&m->w[i]))) {
            json_decref(slots);
            slots = NULL;
        }
    if (!slots)
        return NULL;
    return json_pack("{s:s, s:{s:f, s:f, s:f, s:i}, s:{s:o}}", "model", "robust", "params",
                     "k", m->k, "window", m->window, "period", m->period, "seasonal_robust",
                     m->seasonal, "state", "slots", slots);
}

static int load_slots(robust *m, const json_t *slots, aiops_err *err)
{
    if (!json_is_array(slots) || json_array_size(slots) != m->nslots)
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                             "robust state: expected \"slots\" to be an array of %zu slots",
                             m->nslots);
    for (size_t i = 0; i < m->nslots; i++) {
        const json_t *a = json_array_get(slots, i);
        size_t n = json_array_size(a);
        if (!json_is_array(a) || n % 2)
            return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                                 "robust state: slot %zu: expected [t, v, t, v, ...]", i);
        for (size_t k = 0; k < n; k += 2) {
            const json_t *t = json_array_get(a, k), *v = json_array_get(a, k + 1);
            if (!json_is_number(t) || !json_is_number(v) ||
                !isfinite(json_number_value(t)) || !isfinite(json_number_value(v)))
                return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                                     "robust state: slot %zu: expected numbers at %zu", i, k);
            rwin_push(&m->w[i], json_number_value(t), json_number_value(v));
        }
    }
    return 0;
}

/* Build the restored model aside and swap it in, so a failed load leaves
 * the instance as it was. */
static int robust_load(void *vm, const json_t *j, aiops_err *err)
{
    robust *m = vm, tmp = {0};
    const char *name = NULL;
    double k, window, period;
    int seasonal;
    json_t *slots = NULL;
    json_error_t je;
    if (json_unpack_ex((json_t *)j, &je, 0, "{s:s, s:{s:F, s:F, s:F, s:i}, s:{s:o}}", "model",
                       &name, "params", "k", &k, "window", &window, "period", &period,
                       "seasonal_robust", &seasonal, "state", "slots", &slots))
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                             "robust state: expected {\"model\":\"robust\",\"params\":{k,window,"
                             "period,seasonal_robust},\"state\":{\"slots\":[...]}}: %s",
                             je.text);
    if (strcmp(name, "robust"))
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                             "robust state: expected model \"robust\", got \"%s\"", name);
    if ((seasonal != 0 && seasonal != 1) ||
        robust_init(&tmp, k, window, period, seasonal, err)) {
        robust_free_windows(&tmp);
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                             "robust state: expected k, window, period > 0 and "
                             "seasonal_robust 0 or 1");
    }
    int rc = load_slots(&tmp, slots, err);
    if (rc) {
        robust_free_windows(&tmp);
        return rc;
    }
    robust_free_windows(m);
    *m = tmp;
    return 0;
}

const aiops_model_ops aiops_model_robust = {
    .name = "robust",
    .desc = "rolling (or same-time-of-day) median/MAD z-score (window 1h, k 3)",
    .create = robust_create,
    .destroy = robust_destroy,
    .fit = robust_fit,
    .band = robust_band,
    .update = robust_update,
    .save = robust_save,
    .load = robust_load,
};
