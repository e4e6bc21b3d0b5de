/* score_nab.c - the Numenta Anomaly Benchmark score, implemented from its
 * published rules (NAB v1.1 scorer; Lavin & Ahmad 2015, Ahmad et al. 2017):
 * anomaly windows, a scaled sigmoid reward for the first detection in each
 * window, sigmoid-weighted false-positive penalties, a probationary period,
 * three application profiles, and normalisation null = 0, perfect = 100.
 * docs/EVALUATION.md "NAB score" gives the formulas. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "score/score.h"

const aiops_nab_profile aiops_nab_profiles[AIOPS_NAB_NPROFILES] = {
    {"standard", 1.0, 0.11, 1.0},
    {"reward_low_FP_rate", 1.0, 0.22, 1.0},
    {"reward_low_FN_rate", 1.0, 0.11, 2.0},
};

const aiops_nab_profile *aiops_nab_profile_find(const char *name)
{
    static const char *const alias[AIOPS_NAB_NPROFILES] = {"std", "low_FP", "low_FN"};
    for (size_t i = 0; name && i < AIOPS_NAB_NPROFILES; i++)
        if (!strcmp(name, aiops_nab_profiles[i].name) || !strcmp(name, alias[i]))
            return &aiops_nab_profiles[i];
    return NULL;
}

/* NAB: min(floor(0.15 n), 0.15 * 5000). */
size_t aiops_nab_probation(size_t n)
{
    size_t p = (size_t)floor(0.15 * (double)n);
    return p < 750 ? p : 750;
}

/* NAB's scaled sigmoid: 2 / (1 + e^(5x)) - 1, i.e. 2 sigmoid(-5x) - 1;
 * 0.9866 at x = -1 (window start), 0 at x = 0, -1 from x = 3 on. */
static double scaled_sigmoid(double x)
{
    if (x >= 3.0)
        return -1.0;
    return 2.0 / (1.0 + exp(5.0 * x)) - 1.0;
}

static int cmp_window(const void *a, const void *b)
{
    const aiops_window *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

size_t aiops_nab_windows_prepare(aiops_window *win, size_t nwin)
{
    qsort(win, nwin, sizeof *win, cmp_window);
    size_t k = 0;
    for (size_t i = 0; i < nwin; i++) {
        if (k && win[i].start <= win[k - 1].end) {
            if (win[i].end > win[k - 1].end)
                win[k - 1].end = win[i].end;
        } else {
            win[k++] = win[i];
        }
    }
    return k;
}

/* Number of rows with ts <= x (ts ascending). */
static size_t count_le(const double *ts, size_t n, double x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ts[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t aiops_nab_mark(const double *ts, size_t n, const double *times, size_t ntimes,
                      unsigned char *det)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < ntimes; i++) {
        size_t k = count_le(ts, n, times[i]);
        det[k ? k - 1 : 0] = 1;
    }
    return ntimes;
}

double aiops_nab_normalize(double raw, size_t windows, const aiops_nab_profile *prof)
{
    if (windows == 0)
        return NAN;
    double null = -prof->fn_weight * (double)windows;
    double perfect = prof->tp_weight * (double)windows;
    return 100.0 * (raw - null) / (perfect - null);
}

static int check(const double *ts, size_t n, const aiops_window *win, size_t nwin, aiops_err *err)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(ts[i]))
            return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "row %zu: expected a finite time",
                                 i + 1);
    for (size_t k = 0; k < nwin; k++) {
        if (!(win[k].start <= win[k].end))
            return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "window %zu: expected start <= end",
                                 k + 1);
        if (k && !(win[k].start > win[k - 1].end))
            return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                                 "window %zu: expected windows sorted and not overlapping", k + 1);
    }
    return 0;
}

/* Row span of one window: [left, right] in row order.  NAB's window
 * bounds are rows of the file: the window opens at the first row whose
 * time equals its start and closes at the first row (from there) whose
 * time equals its end; rows need not be sorted (NAB files step back in a
 * few places).  Bounds that are not row times snap inwards: the first row
 * at or after the start, the last row of the run up to the end. */
typedef struct rows {
    size_t left, right;
    int empty;
} rows;

static rows window_rows(const double *ts, size_t n, const aiops_window *w)
{
    rows r = {n, 0, 1};
    size_t ge = n;
    for (size_t i = 0; i < n && r.left == n; i++) {
        if (ts[i] == w->start)
            r.left = i;
        else if (ge == n && ts[i] >= w->start)
            ge = i;
    }
    if (r.left == n)
        r.left = ge;
    for (size_t i = r.left; i < n; i++) {
        if (ts[i] == w->end) {
            r.right = i;
            r.empty = 0;
            break;
        }
        if (ts[i] > w->end)
            break;
        r.right = i;
        r.empty = 0;
    }
    return r;
}

/* Score of a detection at row i outside every window; prev = the last
 * window ending before i (NULL if none). */
static double fp_cost(size_t i, const rows *prev, const aiops_nab_profile *p)
{
    if (!prev)
        return -p->fp_weight;
    double width = (double)(prev->right - prev->left + 1);
    double pos = width > 1 ? (double)(i - prev->right) / (width - 1) : INFINITY;
    return p->fp_weight * scaled_sigmoid(pos);
}

/* The rows between windows: every detection there is a false positive. */
static void score_gap(const unsigned char *det, size_t from, size_t to, const rows *prev,
                      const aiops_nab_profile *p, aiops_nab_result *out)
{
    for (size_t i = from; i < to; i++)
        if (det[i]) {
            out->fp_score += fp_cost(i, prev, p);
            out->fp_rows++;
        }
}

/* One window: reward of its first detection after probation, or the
 * missed-window cost. */
static void score_window(const unsigned char *det, const rows *r, size_t prob,
                         const aiops_nab_profile *p, aiops_nab_result *out)
{
    if (r->right < prob) {
        out->unscored++;
        return;
    }
    out->windows++;
    double width = (double)(r->right - r->left + 1);
    for (size_t i = r->left > prob ? r->left : prob; i <= r->right; i++)
        if (det[i]) {
            double pos = -((double)(r->right - i) + 1.0) / width;
            out->tp_score += p->tp_weight * scaled_sigmoid(pos) / scaled_sigmoid(-1.0);
            out->detected++;
            return;
        }
    out->fn_score -= p->fn_weight;
}

int aiops_nab_score(const double *ts, const unsigned char *det, size_t n,
                    const aiops_window *win, size_t nwin, const aiops_nab_profile *prof,
                    aiops_nab_result *out, aiops_err *err)
{
    int rc = check(ts, n, win, nwin, err);
    if (rc)
        return rc;
    memset(out, 0, sizeof *out);
    size_t prob = aiops_nab_probation(n), next = prob;
    out->probation = prob;
    rows prev = {0, 0, 1};
    for (size_t k = 0; k < nwin; k++) {
        rows r = window_rows(ts, n, &win[k]);
        if (r.empty) {
            out->unscored++;
            continue;
        }
        if (r.left > next)
            score_gap(det, next, r.left, prev.empty ? NULL : &prev, prof, out);
        if (!prev.empty && r.left <= prev.right)
            return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                                 "window %zu: its rows overlap the previous window's", k + 1);
        score_window(det, &r, prob, prof, out);
        if (r.right + 1 > next)
            next = r.right + 1;
        prev = r;
    }
    score_gap(det, next, n, prev.empty ? NULL : &prev, prof, out);
    out->score = out->tp_score + out->fp_score + out->fn_score;
    return 0;
}
