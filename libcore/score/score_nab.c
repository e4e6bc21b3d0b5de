/* score_nab.c - the Numenta Anomaly Benchmark score, implemented from its
 * published rules (NAB v1.1 scorer; Lavin & Ahmad 2015, Ahmad et al. 2017):
 * anomaly windows, a scaled sigmoid reward for the first detection in each
 * window, sigmoid-weighted false-positive penalties, a probationary period,
 * three application profiles, and normalisation null = 0, perfect = 100;
 * and NAB's threshold optimisation as an exact sweep over the scores.
 * docs/EVALUATION.md "NAB score" gives the formulas. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
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

/* How row i counts when it is a detection, whatever the profile: in
 * scored window `win` it earns w * tp_weight (w = the sigmoid reward over
 * sig(-1), if it is the window's first detection); outside every window
 * (win == NAB_FP) it costs w * fp_weight (w = the sigmoid of its distance
 * past the previous window, -1 before any window); NAB_SKIP: the
 * probationary period.  One pass over the rows (nab_classify) serves the
 * scorer at one threshold and the threshold sweep alike. */
#define NAB_FP ((size_t)-1)
#define NAB_SKIP ((size_t)-2)
typedef struct nab_row {
    double w;
    size_t win;
} nab_row;

/* Rows between windows: every detection there is a false positive,
 * weighted by its distance past prev (NULL: no window before). */
static void classify_gap(nab_row *row, size_t from, size_t to, const rows *prev)
{
    double width = prev ? (double)(prev->right - prev->left + 1) : 0;
    for (size_t i = from; i < to; i++) {
        double pos = !prev ? 3.0 : width > 1 ? (double)(i - prev->right) / (width - 1) : INFINITY;
        row[i] = (nab_row){scaled_sigmoid(pos), NAB_FP};
    }
}

/* Rows of one window from the end of probation on: the reward of each as
 * the window's first detection. */
static void classify_window(nab_row *row, const rows *r, size_t prob, size_t id)
{
    double width = (double)(r->right - r->left + 1);
    for (size_t i = r->left > prob ? r->left : prob; i <= r->right; i++) {
        double pos = -((double)(r->right - i) + 1.0) / width;
        row[i] = (nab_row){scaled_sigmoid(pos) / scaled_sigmoid(-1.0), id};
    }
}

/* Fill row[0..n) and out's windows, unscored and probation. */
static int nab_classify(const double *ts, size_t n, const aiops_window *win, size_t nwin,
                        nab_row *row, aiops_nab_result *out, aiops_err *err)
{
    int rc = check(ts, n, win, nwin, err);
    if (rc)
        return rc;
    memset(out, 0, sizeof *out);
    size_t prob = aiops_nab_probation(n), next = prob;
    out->probation = prob;
    for (size_t i = 0; i < n; i++)
        row[i] = (nab_row){0, NAB_SKIP};
    rows prev = {0, 0, 1};
    for (size_t k = 0; k < nwin; k++) {
        rows r = window_rows(ts, n, &win[k]);
        if (r.empty) {
            out->unscored++;
            continue;
        }
        if (!prev.empty && r.left <= prev.right)
            return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                                 "window %zu: its rows overlap the previous window's", k + 1);
        if (r.left > next)
            classify_gap(row, next, r.left, prev.empty ? NULL : &prev);
        if (r.right < prob)
            out->unscored++;   /* wholly in the probationary period */
        else
            classify_window(row, &r, prob, out->windows++);
        if (r.right + 1 > next)
            next = r.right + 1;
        prev = r;
    }
    classify_gap(row, next, n, prev.empty ? NULL : &prev);
    return 0;
}

int aiops_nab_score(const double *ts, const unsigned char *det, size_t n,
                    const aiops_window *win, size_t nwin, const aiops_nab_profile *prof,
                    aiops_nab_result *out, aiops_err *err)
{
    nab_row *row = malloc((n + 1) * sizeof *row);
    unsigned char *hit = calloc(nwin + 1, 1);
    int rc = row && hit ? nab_classify(ts, n, win, nwin, row, out, err)
                        : aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; !rc && i < n; i++) {
        if (!det[i] || row[i].win == NAB_SKIP)
            continue;
        if (row[i].win == NAB_FP) {
            out->fp_score += prof->fp_weight * row[i].w;
            out->fp_rows++;
        } else if (!hit[row[i].win]) {     /* the window's first detection */
            hit[row[i].win] = 1;
            out->tp_score += prof->tp_weight * row[i].w;
            out->detected++;
        }
    }
    if (!rc) {
        out->fn_score = -prof->fn_weight * (double)(out->windows - out->detected);
        out->score = out->tp_score + out->fp_score + out->fn_score;
    }
    free(row);
    free(hit);
    return rc;
}

/* ---- threshold sweep: every row after probation, with its score. */
typedef struct sweep_row {
    double score, w;
    size_t win;            /* corpus-wide window id, or NAB_FP */
} sweep_row;

struct aiops_nab_sweep {
    sweep_row *row;
    size_t n, cap;
    size_t windows, unscored;
    int sorted;
};

int aiops_nab_sweep_new(aiops_nab_sweep **out, aiops_err *err)
{
    *out = calloc(1, sizeof **out);
    return *out ? 0 : aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
}

void aiops_nab_sweep_free(aiops_nab_sweep *sw)
{
    if (sw)
        free(sw->row);
    free(sw);
}

int aiops_nab_sweep_add(aiops_nab_sweep *sw, const double *ts, const double *score, size_t n,
                        const aiops_window *win, size_t nwin, aiops_err *err)
{
    aiops_nab_result r;
    nab_row *row = malloc((n + 1) * sizeof *row);
    int rc = row ? nab_classify(ts, n, win, nwin, row, &r, err)
                 : aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; !rc && i < n; i++) {
        if (isnan(score[i]))
            rc = aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "row %zu: expected a score", i + 1);
        else if (row[i].win == NAB_SKIP)
            continue;
        else if (AIOPS_GROW(sw->row, sw->cap, sw->n + 1))
            rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        else
            sw->row[sw->n++] = (sweep_row){score[i], row[i].w,
                                           row[i].win == NAB_FP ? NAB_FP : sw->windows + row[i].win};
    }
    if (!rc) {
        sw->windows += r.windows;
        sw->unscored += r.unscored;
        sw->sorted = 0;
    }
    free(row);
    return rc;
}

size_t aiops_nab_sweep_unscored(const aiops_nab_sweep *sw)
{
    return sw->unscored;
}

static int cmp_score_desc(const void *a, const void *b)
{
    double x = ((const sweep_row *)a)->score, y = ((const sweep_row *)b)->score;
    return (x < y) - (x > y);
}

int aiops_nab_sweep_best(aiops_nab_sweep *sw, const aiops_nab_profile *prof, aiops_nab_best *out,
                         aiops_err *err)
{
    /* got[w]: the reward of window w's earliest detection so far (0: none;
     * rewards are > 0). */
    double *got = calloc(sw->windows + 1, sizeof *got);
    if (!got)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (!sw->sorted && sw->n > 1) {
        qsort(sw->row, sw->n, sizeof *sw->row, cmp_score_desc);
        sw->sorted = 1;
    }
    double top = sw->n ? sw->row[0].score : 0;
    double raw = -prof->fn_weight * (double)sw->windows;
    size_t detected = 0, fp = 0;
    *out = (aiops_nab_best){top < 1.1 ? 1.1 : nextafter(top, INFINITY), raw, sw->windows, 0, 0, 1};
    for (size_t i = 0; i < sw->n;) {
        double thr = sw->row[i].score;
        for (; i < sw->n && sw->row[i].score == thr; i++) {
            const sweep_row *r = &sw->row[i];
            if (r->win == NAB_FP) {
                raw += prof->fp_weight * r->w;
                fp++;
            } else if (!(got[r->win] > 0)) {
                raw += prof->fn_weight + prof->tp_weight * r->w;
                got[r->win] = r->w;
                detected++;
            } else if (r->w > got[r->win]) {   /* earlier in the window than its first so far */
                raw += prof->tp_weight * (r->w - got[r->win]);
                got[r->win] = r->w;
            }
        }
        out->candidates++;
        if (raw > out->score) {
            out->threshold = thr;
            out->score = raw;
            out->detected = detected;
            out->fp_rows = fp;
        }
    }
    free(got);
    return 0;
}
