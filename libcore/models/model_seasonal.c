/* model_seasonal.c - "seasonal": a Prophet-style decomposition fitted by
 * regularised least squares with OpenBLAS/LAPACKE.
 *
 *   y(t) = trend(t) + daily(t) + weekly(t) + profile(t) + level + noise
 *
 * trend    piecewise linear in scaled time s = (t - t0) / span.  Potential
 *          changepoints sit at data quantiles of the first 80% of the
 *          training points (where Prophet puts them).  Their slope changes
 *          get Prophet's Laplace prior of scale changepoint_prior (on y
 *          scaled by its absolute maximum); intercept, slope and Fourier
 *          terms get Prophet's weak Gaussian priors (scale 5 and 10).  The
 *          fit is the exact MAP estimate: the Gaussian-prior block is
 *          profiled out by one Cholesky factorisation, leaving a small
 *          lasso in the changepoint deltas (their Schur complement) solved
 *          by coordinate descent, alternated with the noise variance that
 *          scales the priors until it settles.
 * daily    Fourier series of order daily_order on `period` (default 1 day)
 * weekly   and of order weekly_order on 1 week; each is dropped when the
 *          training data covers less than two of its periods (coverage =
 *          last - first + one spacing, so 14 days of 1-minute points count
 *          as two weeks).  Phases are taken on epoch time, i.e. in UTC.
 *          The weekly order is automatic by default: with 3 weeks or more
 *          the orders 3 (Prophet's), 6, 10 and 15 are fitted on all but the
 *          last training week and judged by their squared error on that
 *          week, and a higher order is taken only when it cuts that error
 *          by 5% (smaller gains are what one week of noise gives): a smooth
 *          weekly cycle keeps 3, a weekday/weekend step (which a low order
 *          smears over the week) gets 15.  With less data, or an order
 *          given, no choice is made (3, or the given order).
 * robust   the least-squares fit is repeated twice with Huber weights
 *          (c = 1.345 MADs), so an incident in the training data, or a
 *          batch job the Fourier terms cannot follow, pulls the fit by a
 *          bounded amount instead of quadratically.
 * profile  beyond Prophet: the median residual per bin of the day (5-minute
 *          bins, or the data spacing if coarser), when the data covers at
 *          least 3 days.  A low-order Fourier series cannot follow a nightly
 *          batch job (CPU 90 for an hour at 02:00); the bin median does,
 *          while a one-off incident on one day does not move it.
 * band     expected + bin scale x quantiles of the standardised training
 *          residuals at (1 -+ width)/2 (never narrower than the Gaussian
 *          quantiles from their MAD), so `width` is the per-point coverage
 *          on data like the training data: with 0.99 about 1% of normal
 *          points fall outside.  The bin scale lets noisy hours of the day
 *          have wider bands than quiet ones.
 * level    update() adapts a level offset: an EWMA of the residuals, each
 *          clipped to the band so an anomaly pulls by at most the band
 *          half-width.  Weight per point 1 - exp(-dt / 1 day) (so the level
 *          follows a shift over about a day whatever the sampling rate), or
 *          params.alpha per point when set; alpha 0 makes update() a no-op.
 *
 * Multiplicative (params.multiplicative = 1): the same model on log(y), so
 * seasonality and noise scale with the level; needs every training value
 * > 0, otherwise the fit falls back to additive and save() records
 * "multiplicative_fallback": true.
 *
 * Maintenance/holiday windows (params.windows, [start, end)): training
 * points inside are left out of the fit; scored points inside get the
 * expected value with an unbounded band (nothing is anomalous during
 * declared maintenance) and do not adapt the level.
 *
 * Forecasting: band(t) is a closed-form function of t (plus the adapted
 * level), valid for any future t, so a forecast is band() at future times:
 * Prophet's make_future_dataframe(periods=60, freq='5min') + predict() is
 * band(last + k * 300) for k = 1..60.  The trend continues with its last
 * slope, as Prophet's does.
 *
 * Cost: the design matrix is built in row blocks (X'X by dsyrk, X'y by
 * dgemv), so memory is O(n + p^2); the sin/cos of the two fundamentals
 * are computed once per point (by rotation on evenly spaced data), the
 * harmonics by angle addition.  One full pass builds X'X (split at the
 * validation week when the weekly order is chosen: each candidate is then
 * a leading block, one small solve); a Huber pass only subtracts the rows
 * whose weight is below 1 (X'WX = X'X - X'(I - W)X).  The MAP solves work
 * on p x p matrices.  About 0.4 ms for 6 weeks of hourly points.  band(t)
 * is one binary search over the changepoints and two sin/cos pairs:
 * millions of points per second.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "models/model.h"

#define TWO_PI 6.283185307179586476925
#define DAY 86400.0
#define WEEK 604800.0
#define MAX_ORDER 50
#define MAX_CP 1000
#define MAX_BINS 288          /* profile bins per period: 5 minutes of a day */
#define MIN_BIN_PTS 3         /* fewer points in a bin: no profile there */
#define SHRINK_PTS 10.0       /* pseudo-points of the global scale per bin */
#define ADAPT_TAU DAY         /* default level adaptation time constant */
#define BLOCK_ROWS 2048
#define WEEKLY_DEFAULT 3      /* Prophet's weekly order */
#define SELECT_GAIN 0.05      /* a higher weekly order must cut the validation SSE by 5% */
#define ANCHOR 64            /* exact sin/cos every this many points */
#define S2_ROUNDS 30          /* noise variance / MAP alternations at most */
#define S2_TOL 1e-6           /* relative change of the noise variance */
#define LASSO_SWEEPS 1000
#define LASSO_TOL 1e-9       /* relative change of the deltas in a sweep */
#define ROBUST_PASSES 3       /* least squares, then 2 Huber reweightings */
#define HUBER_C 1.345         /* 95% efficiency at Gaussian noise */
#define P80_Z 1.2815515655446004  /* 80th percentile of |N(0,1)| */
#define MAD_Z 1.482602218505602   /* 1 / 75th percentile of N(0,1) */

typedef struct seasonal {
    /* parameters, defaults applied */
    double width, period, prior, alpha;
    int daily_req, weekly_req, ncp_req, mult_req;
    size_t nwin;
    double *win;            /* 2 * nwin: [start, end) pairs sorted by start */
    double *win_maxend;     /* prefix maximum of the ends */
    /* fitted state */
    int fitted, mult, fallback;
    int nd, nw, ncp, ncol;
    int select_w;           /* fit(): choosing the weekly order */
    double t0, span, ymean, yscale;
    double *cp;             /* ncp changepoints in scaled time, ascending */
    double *beta;           /* ncol coefficients */
    double *seg_a, *seg_b;  /* trend = seg_a[i] + seg_b[i] * s on segment i */
    int nb;                 /* profile bins (1 = no profile) */
    double *prof, *lo, *hi; /* per bin: profile, band offsets (normalised) */
    double level, last_t;
    size_t nused;
    /* the last evaluation, so band(t) followed by update(t) costs one */
    double c_t, c_f;
    int c_b;
} seasonal;

/* ------------------------------------------------------------ helpers */

static int cmp_pair(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int in_window(const seasonal *m, double t)
{
    if (!m->nwin || !(t >= m->win[0]))
        return 0;
    size_t lo = 0, hi = m->nwin;     /* last window with start <= t */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (m->win[2 * mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return t < m->win_maxend[lo];
}

/* Copy, sort and index the windows; 0 or AIOPS_E*. */
static int set_windows(seasonal *m, const double *w, size_t n, aiops_err *err)
{
    free(m->win);
    free(m->win_maxend);
    m->win = m->win_maxend = NULL;
    m->nwin = 0;
    if (!n)
        return 0;
    if (n > SIZE_MAX / (2 * sizeof(double)))
        return aiops_err_set(err, AIOPS_ELIMIT, NULL, 0, "seasonal: too many windows");
    m->win = malloc(2 * n * sizeof *m->win);
    m->win_maxend = malloc(n * sizeof *m->win_maxend);
    if (!m->win || !m->win_maxend)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        double a = w[2 * i], b = w[2 * i + 1];
        if (!isfinite(a) || !isfinite(b) || !(a < b))
            return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                                 "seasonal: expected window %zu as [start, end) with "
                                 "finite start < end, got [%g, %g)", i + 1, a, b);
        m->win[2 * i] = a;
        m->win[2 * i + 1] = b;
    }
    qsort(m->win, n, 2 * sizeof(double), cmp_pair);
    for (size_t i = 0; i < n; i++)
        m->win_maxend[i] = i && m->win_maxend[i - 1] > m->win[2 * i + 1]
                               ? m->win_maxend[i - 1] : m->win[2 * i + 1];
    m->nwin = n;
    return 0;
}

/* ------------------------------------------------------ the model terms */

/* sin and cos of t's phase in period into f[0], f[1]; the phase is taken
 * on epoch time so the terms are tied to the time of day/week. */
static void phase_sc(double t, double period, double *f)
{
    double ph = fmod(t, period) / period * TWO_PI;
    f[0] = sin(ph);
    f[1] = cos(ph);
}

/* The fundamentals of every point: f[4i..4i+3] = sin, cos of the phase of
 * t[i] in the period and in the week.  Evenly spaced data (the usual case)
 * gets them by rotating the previous point's by the repeated step, so the
 * fit makes no libm call per point; exactly every ANCHOR points, and after
 * any irregular step, so the rotation's rounding cannot accumulate. */
static void fundamentals(const seasonal *m, const double *t, size_t k, double *f)
{
    double step = NAN, rot[4] = {0, 1, 0, 1};
    for (size_t i = 0; i < k; i++, f += 4) {
        double d = i ? t[i] - t[i - 1] : NAN;
        if (i % ANCHOR && d == step) {
            for (int j = 0; j < 4; j += 2) {
                f[j] = f[j - 4] * rot[j + 1] + f[j - 3] * rot[j];
                f[j + 1] = f[j - 3] * rot[j + 1] - f[j - 4] * rot[j];
            }
            continue;
        }
        phase_sc(t[i], m->period, f);
        phase_sc(t[i], WEEK, f + 2);
        if (i && d != step) {
            step = d;
            phase_sc(d, m->period, rot);
            phase_sc(d, WEEK, rot + 2);
        }
    }
}

/* sin/cos of k * phase for k = 1..order into x[2k-2], x[2k-1], by angle
 * addition from the fundamental f = (sin, cos). */
static void harmonics(const double *f, int order, double *x)
{
    double s1 = f[0], c1 = f[1], s = s1, c = c1;
    for (int k = 0; k < order; k++) {
        x[2 * k] = s;
        x[2 * k + 1] = c;
        double sn = s * c1 + c * s1;
        c = c * c1 - s * s1;
        s = sn;
    }
}

/* One design-matrix row from t and its fundamentals f: 1, s, (s - cp_j)+,
 * daily, weekly. */
static void features(const seasonal *m, double t, const double *f, double *x)
{
    double s = (t - m->t0) / m->span;
    x[0] = 1;
    x[1] = s;
    for (int j = 0; j < m->ncp; j++)
        x[2 + j] = s > m->cp[j] ? s - m->cp[j] : 0;
    harmonics(f, m->nd, x + 2 + m->ncp);
    harmonics(f + 2, m->nw, x + 2 + m->ncp + 2 * m->nd);
}

static int bin_of(const seasonal *m, double t)
{
    if (m->nb <= 1)
        return 0;
    double ph = fmod(t, m->period);
    if (ph < 0)
        ph += m->period;
    int b = (int)(ph / m->period * m->nb);
    return b < 0 ? 0 : b >= m->nb ? m->nb - 1 : b;
}

/* Trend + Fourier terms (normalised units) at t with fundamentals f,
 * without profile and level. */
static double smooth_at(const seasonal *m, double t, const double *f)
{
    double s = (t - m->t0) / m->span;
    int lo = 0, hi = m->ncp;               /* segment = #changepoints <= s */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (m->cp[mid] <= s)
            lo = mid + 1;
        else
            hi = mid;
    }
    double v = m->seg_a[lo] + m->seg_b[lo] * s;
    double x[2 * MAX_ORDER];
    const double *b = m->beta + 2 + m->ncp;
    harmonics(f, m->nd, x);
    for (int k = 0; k < 2 * m->nd; k++)
        v += b[k] * x[k];
    b += 2 * m->nd;
    harmonics(f + 2, m->nw, x);
    for (int k = 0; k < 2 * m->nw; k++)
        v += b[k] * x[k];
    return v;
}

static double eval_smooth(const seasonal *m, double t)
{
    double f[4] = {0, 1, 0, 1};
    if (m->nd)
        phase_sc(t, m->period, f);
    if (m->nw)
        phase_sc(t, WEEK, f + 2);
    return smooth_at(m, t, f);
}

/* Smooth part + profile at t, cached for the update() that follows band(). */
static double eval_core(seasonal *m, double t, int *bin)
{
    if (t != m->c_t) {
        m->c_b = bin_of(m, t);
        m->c_f = eval_smooth(m, t) + m->prof[m->c_b];
        m->c_t = t;
    }
    *bin = m->c_b;
    return m->c_f;
}

static void trend_segments(seasonal *m)
{
    double a = m->beta[0], b = m->beta[1];
    for (int i = 0; i <= m->ncp; i++) {
        m->seg_a[i] = a;
        m->seg_b[i] = b;
        if (i < m->ncp) {
            a -= m->beta[2 + i] * m->cp[i];
            b += m->beta[2 + i];
        }
    }
}

/* --------------------------------------------------------- life cycle */

static void free_fit(void *mv)
{
    seasonal *m = mv;
    free(m->cp);
    free(m->beta);
    free(m->seg_a);
    free(m->seg_b);
    free(m->prof);
    free(m->lo);
    free(m->hi);
    m->cp = m->beta = m->seg_a = m->seg_b = m->prof = m->lo = m->hi = NULL;
    m->fitted = m->mult = m->fallback = 0;
    m->nd = m->nw = m->ncp = m->ncol = m->nb = 0;
    m->level = 0;
    m->last_t = NAN;
    m->c_t = NAN;
    m->nused = 0;
}

/* Allocate the fitted arrays for the current ncp/ncol/nb. */
static int alloc_fit(seasonal *m, aiops_err *err)
{
    size_t ncp = (size_t)m->ncp, nb = (size_t)m->nb;
    m->cp = malloc((ncp + 1) * sizeof *m->cp);
    m->beta = calloc((size_t)m->ncol, sizeof *m->beta);
    m->seg_a = malloc((ncp + 1) * sizeof *m->seg_a);
    m->seg_b = malloc((ncp + 1) * sizeof *m->seg_b);
    m->prof = calloc(nb, sizeof *m->prof);
    m->lo = calloc(nb, sizeof *m->lo);
    m->hi = calloc(nb, sizeof *m->hi);
    if (!m->cp || !m->beta || !m->seg_a || !m->seg_b || !m->prof || !m->lo || !m->hi)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    return 0;
}

static void seasonal_destroy(void *mv)
{
    seasonal *m = mv;
    if (!m)
        return;
    free_fit(m);
    free(m->win);
    free(m->win_maxend);
    free(m);
}

static int check_int(int v, int def, int max, const char *what, int *out, aiops_err *err)
{
    if (v == -1)
        v = def;
    if (v < 0 || v > max)
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "seasonal: expected %s in 0..%d, got %d", what, max, v);
    *out = v;
    return 0;
}

static int apply_params(seasonal *m, const aiops_model_params *p, aiops_err *err)
{
    int rc = aiops_model_width_period("seasonal", p, &m->width, &m->period, err);
    if (rc)
        return rc;
    m->prior = isnan(p->changepoint_prior) ? 0.05 : p->changepoint_prior;
    if (!(m->prior > 0) || !isfinite(m->prior))
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "seasonal: expected changepoint_prior > 0, got %g", m->prior);
    m->alpha = p->alpha;
    if (!isnan(m->alpha) && !(m->alpha >= 0 && m->alpha <= 1))
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "seasonal: expected alpha in [0, 1], got %g", m->alpha);
    rc = check_int(p->daily_order, 4, MAX_ORDER, "daily_order", &m->daily_req, err);
    if (!rc)
        rc = p->weekly_order == -1 ? (m->weekly_req = -1, 0)   /* automatic */
                                   : check_int(p->weekly_order, 3, MAX_ORDER, "weekly_order",
                                               &m->weekly_req, err);
    if (!rc)
        rc = check_int(p->changepoints, 10, MAX_CP, "changepoints", &m->ncp_req, err);
    if (!rc)
        rc = check_int(p->multiplicative, 0, 1, "multiplicative (0 or 1)", &m->mult_req, err);
    if (!rc && p->nwindows && !p->windows)
        rc = aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "seasonal: %zu windows but no array",
                           p->nwindows);
    if (!rc)
        rc = set_windows(m, p->nwindows ? &p->windows[0][0] : NULL, p->nwindows, err);
    return rc;
}

static int seasonal_init(void *mv, const aiops_model_params *p, aiops_err *err)
{
    free_fit(mv);
    return apply_params(mv, p, err);
}

static void *seasonal_create(const aiops_model_params *p, aiops_err *err)
{
    return aiops_model_new(sizeof(seasonal), p, seasonal_init, seasonal_destroy, err);
}

/* ---------------------------------------------------------------- fit */

/* Weekly orders tried when the order is automatic, ascending. */
static const int weekly_try[] = {3, 6, 10, 15};

/* Usable training points (finite, outside windows) into t/y; checks time
 * order.  Returns the count or a negative code. */
static long gather(const seasonal *m, const double *ts, const double *v, size_t n,
                   double *t, double *y, int *allpos, aiops_err *err)
{
    size_t k = 0;
    *allpos = 1;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(ts[i]) || !isfinite(v[i]) || in_window(m, ts[i]))
            continue;
        if (k && ts[i] < t[k - 1])
            return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                                 "seasonal: expected training points in time order, "
                                 "point %zu at %.17g is before %.17g", i + 1, ts[i], t[k - 1]);
        t[k] = ts[i];
        y[k] = v[i];
        *allpos &= v[i] > 0;
        k++;
    }
    return (long)k;
}

static int cap_order(int order, double period, double dt)
{
    /* a harmonic needs two samples per cycle */
    if (dt > 0 && (double)order > period / (2 * dt))
        order = (int)(period / (2 * dt));
    return order;
}

/* Orders, changepoints and scaling from the usable points. */
static int choose_structure(seasonal *m, const double *t, size_t k, double dt, aiops_err *err)
{
    double span = t[k - 1] - t[0], cover = span + dt;
    m->t0 = t[0];
    m->span = span > 0 ? span : 1;
    m->nd = cover >= 2 * m->period ? cap_order(m->daily_req, m->period, dt) : 0;
    int weekly = m->period < WEEK && cover >= 2 * WEEK;
    m->select_w = weekly && m->weekly_req < 0 && cover >= 3 * WEEK;
    int wreq = m->weekly_req >= 0 ? m->weekly_req
               : m->select_w ? weekly_try[sizeof weekly_try / sizeof *weekly_try - 1]
                             : WEEKLY_DEFAULT;
    m->nw = weekly ? cap_order(wreq, WEEK, dt) : 0;
    size_t hist = (size_t)floor(0.8 * (double)k);   /* Prophet: first 80% */
    m->ncp = span > 0 && hist >= 2 ? m->ncp_req : 0;
    if ((size_t)m->ncp > hist - 1)
        m->ncp = (int)(hist - 1);
    m->ncol = 2 + m->ncp + 2 * m->nd + 2 * m->nw;
    double bins = dt > 0 ? floor(m->period / dt) : 0;
    m->nb = m->nd > 0 && cover >= 3 * m->period && bins >= 4
                ? (bins > MAX_BINS ? MAX_BINS : (int)bins) : 1;
    int rc = alloc_fit(m, err);
    if (rc)
        return rc;
    for (int j = 1; j <= m->ncp; j++) {
        size_t idx = (size_t)llround((double)j * (double)(hist - 1) / m->ncp);
        m->cp[j - 1] = (t[idx] - m->t0) / m->span;
    }
    return 0;
}

/* Normal equations: A = X'WX (upper triangle of a p x p row-major matrix,
 * the model's first p = m->ncol columns), b = X'Wy, yy = y'Wy, sw =
 * sum(W).  gram_add() adds sign * the rows i in [lo, hi) with weight c[i]
 * (c NULL: 1; rows of weight 0 are skipped), in row blocks so memory is
 * O(p^2) whatever the number of points. */
typedef struct normal {
    double *A, *b, yy, sw;
} normal;

static int normal_init(normal *ne, int p, aiops_err *err)
{
    ne->A = calloc((size_t)p * (size_t)p + (size_t)p, sizeof *ne->A);
    ne->b = ne->A ? ne->A + (size_t)p * (size_t)p : NULL;
    ne->yy = ne->sw = 0;
    return ne->A ? 0 : aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
}

static int gram_add(const seasonal *m, const double *t, const double *y, const double *f,
                    const double *c, size_t lo, size_t hi, double sign, normal *ne,
                    aiops_err *err)
{
    int p = m->ncol;
    double *X = malloc((size_t)BLOCK_ROWS * ((size_t)p + 1) * sizeof *X);
    if (!X)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    double *Y = X + (size_t)BLOCK_ROWS * (size_t)p;
    for (size_t i = lo; i < hi;) {
        int rows = 0;
        for (; i < hi && rows < BLOCK_ROWS; i++) {
            if (c && c[i] == 0)
                continue;
            double *x = X + (size_t)rows * (size_t)p, sq = c ? sqrt(c[i]) : 1;
            features(m, t[i], f + 4 * i, x);
            if (c)
                for (int j = 0; j < p; j++)
                    x[j] *= sq;
            Y[rows] = y[i] * sq;
            ne->yy += sign * Y[rows] * Y[rows];
            ne->sw += sign * (c ? c[i] : 1);
            rows++;
        }
        if (rows) {
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, p, rows, sign, X, p, 1.0, ne->A,
                        p);
            cblas_dgemv(CblasRowMajor, CblasTrans, rows, p, sign, X, p, Y, 1, 1.0, ne->b, 1);
        }
    }
    free(X);
    return 0;
}

/* Prior penalties (ridge terms) for residual variance s2: Gaussian priors
 * N(0, 5) on intercept and slope, N(0, 10) on the Fourier terms, and for
 * the changepoint deltas the Gaussian of the Laplace prior's scale (used
 * where a ridge stands in for the lasso: the weekly-order candidates). */
static void penalties(const seasonal *m, double s2, double floor_pen, double *pen)
{
    pen[0] = pen[1] = s2 / 25;
    for (int j = 0; j < m->ncp; j++)
        pen[2 + j] = s2 / (m->prior * m->prior);
    for (int j = 2 + m->ncp; j < m->ncol; j++)
        pen[j] = s2 / 100;
    for (int j = 0; j < m->ncol; j++)
        if (pen[j] < floor_pen)
            pen[j] = floor_pen;
}

/* Solve (A + diag(pen)) beta = b for the leading p x p block of A (row
 * stride lda); 0 or AIOPS_EINVAL when not positive definite (only
 * possible with pathological data).  The upper triangle of a row-major
 * matrix is the lower one of the column-major matrix LAPACK sees, so
 * LAPACKE's _work entry point needs no transposed copy. */
static int ridge_solve(int p, const double *A, int lda, const double *b, const double *pen,
                       double *M, double *beta)
{
    for (int j = 0; j < p; j++)
        memcpy(M + (size_t)j * (size_t)p, A + (size_t)j * (size_t)lda, (size_t)p * sizeof *M);
    memcpy(beta, b, (size_t)p * sizeof *beta);
    for (int j = 0; j < p; j++)
        M[(size_t)j * (size_t)p + (size_t)j] += pen[j];
    return LAPACKE_dposv_work(LAPACK_COL_MAJOR, 'L', p, 1, M, p, beta, p) ? AIOPS_EINVAL : 0;
}

/* Residual sum of squares from the normal equations (leading p x p block,
 * row stride lda): y'y - 2 b'beta + beta'A beta. */
static double rss_of(int p, const double *A, int lda, const double *b, double yy,
                     const double *beta, double *tmp)
{
    cblas_dsymv(CblasRowMajor, CblasUpper, p, 1.0, A, lda, beta, 1, 0.0, tmp, 1);
    double r = yy - 2 * cblas_ddot(p, b, 1, beta, 1) + cblas_ddot(p, beta, 1, tmp, 1);
    return r > 0 ? r : 0;
}

static double pen_floor(const double *A, int p)
{
    double trace = 0;
    for (int j = 0; j < p; j++)
        trace += A[(size_t)j * (size_t)p + (size_t)j];
    return 1e-10 * (trace / p > 1e-300 ? trace / p : 1);
}

/* A(i, j) of a symmetric matrix stored as the upper triangle, row-major. */
static double sym(const double *A, int p, int i, int j)
{
    return i <= j ? A[(size_t)i * (size_t)p + (size_t)j] : A[(size_t)j * (size_t)p + (size_t)i];
}

/* Work space of map_solve(): g = the q columns with Gaussian priors
 * (intercept, slope, Fourier terms), d = the c changepoint deltas. */
typedef struct mapws {
    int q, c, *gi;
    double *G, *Z, *S, *e, *pen, *tmp;
} mapws;

static void mapws_free(mapws *w)
{
    free(w->gi);
    free(w->G);
    w->gi = NULL;
    w->G = NULL;
}

static int mapws_init(mapws *w, const seasonal *m, aiops_err *err)
{
    int p = m->ncol, c = m->ncp, q = p - c;
    size_t qq = (size_t)q, cc = (size_t)c;
    w->q = q;
    w->c = c;
    w->gi = malloc(qq * sizeof *w->gi);
    w->Z = w->S = w->e = w->pen = w->tmp = NULL;
    w->G = malloc((qq * qq + qq * (cc + 1) + cc * cc + cc + 2 * (size_t)p) * sizeof *w->G);
    if (!w->gi || !w->G) {
        mapws_free(w);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    w->Z = w->G + qq * qq;
    w->S = w->Z + qq * (cc + 1);
    w->e = w->S + cc * cc;
    w->pen = w->e + cc;
    w->tmp = w->pen + p;
    for (int i = 0, k = 0; i < p; i++)
        if (i < 2 || i >= 2 + c)
            w->gi[k++] = i;
    return 0;
}

/* Coordinate descent for min d'Sd - 2e'd + lam |d|_1 (S positive
 * definite, c x c): each coordinate is a soft-thresholded 1-D solve. */
static void lasso_cd(const double *S, const double *e, int c, double lam, double *d)
{
    for (int sweep = 0; sweep < LASSO_SWEEPS; sweep++) {
        double change = 0, size = 0;
        for (int j = 0; j < c; j++) {
            double g = e[j];
            for (int i = 0; i < c; i++)
                if (i != j)
                    g -= S[(size_t)j * (size_t)c + (size_t)i] * d[i];
            double v = g > lam / 2 ? g - lam / 2 : g < -lam / 2 ? g + lam / 2 : 0;
            v /= S[(size_t)j * (size_t)c + (size_t)j];
            double dv = fabs(v - d[j]), av = fabs(v);
            change = dv > change ? dv : change;
            size = av > size ? av : size;
            d[j] = v;
        }
        if (change <= LASSO_TOL * (1 + size))
            break;
    }
}

/* One MAP solve at noise variance s2: the Gaussian-prior block is
 * profiled out (Cholesky of G = A_gg + diag(pen_g)), leaving a c x c
 * lasso in the changepoint deltas (Schur complement S, e).  Solves into
 * m->beta; AIOPS_EINVAL when G is not positive definite. */
static int map_solve(seasonal *m, const normal *ne, double s2, double floor_pen, mapws *w)
{
    int p = m->ncol, q = w->q, c = w->c;
    size_t qq = (size_t)q, cc = (size_t)c;
    penalties(m, s2, floor_pen, w->pen);
    for (int a = 0; a < q; a++) {
        for (int b = 0; b < q; b++)
            w->G[(size_t)a * qq + (size_t)b] = sym(ne->A, p, w->gi[a], w->gi[b]);
        w->G[(size_t)a * qq + (size_t)a] += w->pen[w->gi[a]];
        for (int j = 0; j < c; j++)          /* Z = [A_gd | b_g], column-major */
            w->Z[(size_t)j * qq + (size_t)a] = sym(ne->A, p, w->gi[a], 2 + j);
        w->Z[cc * qq + (size_t)a] = ne->b[w->gi[a]];
    }
    if (LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'L', q, w->G, q) ||
        LAPACKE_dpotrs_work(LAPACK_COL_MAJOR, 'L', q, c + 1, w->G, q, w->Z, q))
        return AIOPS_EINVAL;
    for (int i = 0; i < c; i++) {            /* S = A_dd - A_dg G^-1 A_gd, e likewise */
        double ei = ne->b[2 + i];
        for (int a = 0; a < q; a++)
            ei -= sym(ne->A, p, 2 + i, w->gi[a]) * w->Z[cc * qq + (size_t)a];
        w->e[i] = ei;
        for (int j = 0; j < c; j++) {
            double v = sym(ne->A, p, 2 + i, 2 + j);
            for (int a = 0; a < q; a++)
                v -= sym(ne->A, p, 2 + i, w->gi[a]) * w->Z[(size_t)j * qq + (size_t)a];
            w->S[(size_t)i * cc + (size_t)j] = v;
        }
        w->S[(size_t)i * cc + (size_t)i] += floor_pen;
    }
    lasso_cd(w->S, w->e, c, 2 * s2 / m->prior, m->beta + 2);
    for (int a = 0; a < q; a++) {            /* g = G^-1 (b_g - A_gd d) */
        double v = w->Z[cc * qq + (size_t)a];
        for (int j = 0; j < c; j++)
            v -= w->Z[(size_t)j * qq + (size_t)a] * m->beta[2 + j];
        m->beta[w->gi[a]] = v;
    }
    return 0;
}

/* Maximum a posteriori coefficients: Gaussian priors on intercept, slope
 * and Fourier terms, Prophet's Laplace prior on the changepoint deltas
 * (an exact lasso, so unused changepoints are exactly 0), alternating
 * with the noise variance s2 = RSS / n that scales the priors.  warm:
 * m->beta holds the previous robust pass's solution, a close start. */
static int solve_map(seasonal *m, const normal *ne, int warm, aiops_err *err)
{
    int p = m->ncol;
    mapws w = {0};
    int rc = mapws_init(&w, m, err);
    if (rc)
        return rc;
    double k = ne->sw, floor_pen = pen_floor(ne->A, p);
    double s2 = warm ? rss_of(p, ne->A, p, ne->b, ne->yy, m->beta, w.tmp) / k : ne->yy / k;
    if (!warm)
        memset(m->beta, 0, (size_t)p * sizeof *m->beta);
    for (int round = 0; round < S2_ROUNDS; round++) {
        s2 = s2 > 1e-24 ? s2 : 1e-24;
        int tries = 0;
        double bump = 1;
        while (map_solve(m, ne, s2 * bump, floor_pen * bump, &w)) {
            if (++tries > 4) {
                mapws_free(&w);
                return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                                     "seasonal: singular least-squares system");
            }
            bump *= 1e3;
        }
        double s2n = rss_of(p, ne->A, p, ne->b, ne->yy, m->beta, w.tmp) / k;
        if (fabs(s2n - s2) <= S2_TOL * s2) {
            s2 = s2n;
            break;
        }
        s2 = s2n;
    }
    mapws_free(&w);
    return 0;
}

/* Robust scale: 80th percentile of |x| / that of |N(0,1)| (tolerates up to
 * 20% of outliers, yet widens when a bin is systematically noisy). */
static double p80_scale(const double *x, size_t n, double *buf)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = fabs(x[i]);
    return aiops_quantile(buf, n, 0.8) / P80_Z;
}

/* Profile, per-bin scales and band offsets from the residuals r (in place:
 * r becomes the standardised residuals). */
static int residual_model(seasonal *m, const double *t, double *r, size_t k, aiops_err *err)
{
    size_t nb = (size_t)m->nb;
    int *bin = malloc(k * sizeof *bin);
    size_t *start = calloc(nb + 1, sizeof *start), *fill = malloc(nb * sizeof *fill);
    double *sorted = malloc(k * sizeof *sorted), *buf = malloc(k * sizeof *buf);
    double *scale = malloc(nb * sizeof *scale), *shrink = calloc(nb, sizeof *shrink);
    if (!bin || !start || !fill || !sorted || !buf || !scale || !shrink) {
        free(bin), free(start), free(fill), free(sorted), free(buf), free(scale), free(shrink);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    for (size_t i = 0; i < k; i++)             /* counting sort by bin */
        start[(bin[i] = bin_of(m, t[i])) + 1]++;
    for (size_t b = 0; b < nb; b++)
        start[b + 1] += start[b];
    memcpy(fill, start, nb * sizeof *fill);
    for (size_t i = 0; i < k; i++)
        sorted[fill[bin[i]]++] = r[i];
    for (size_t b = 0; nb > 1 && b < nb; b++) {
        size_t n = start[b + 1] - start[b];
        if (n >= MIN_BIN_PTS) {
            memcpy(buf, sorted + start[b], n * sizeof *buf);
            double med = aiops_quantile(buf, n, 0.5);
            for (size_t i = 0; i < n; i++)
                buf[i] = sorted[start[b] + i] - med;
            /* shrink towards 0 by the median's own noise (positive-part
             * James-Stein with a 2-standard-error threshold): a bin median
             * of pure noise adds nothing, a batch job many standard errors
             * away stays as it is */
            double se2 = 1.5707963 * pow(p80_scale(buf, n, buf), 2) / (double)n;
            shrink[b] = med * med > 4 * se2 ? 1 - 4 * se2 / (med * med) : 0;
            m->prof[b] = shrink[b] * med;
        }
    }
    for (size_t i = 0; i < k; i++)
        r[i] -= m->prof[bin[i]];
    for (size_t i = 0; i < k; i++)
        sorted[start[bin[i]]++] = r[i];        /* start[b] now = end of bin b */
    double sg = p80_scale(r, k, buf);
    if (sg < 1e-9)
        sg = 1e-9;                             /* relative to |y|max: a constant series */
    for (size_t b = 0; b < nb; b++) {
        size_t n = b ? start[b] - start[b - 1] : start[0];
        double sb = n && nb > 1 ? p80_scale(sorted + start[b] - n, n, buf) : sg;
        sb = sqrt(((double)n * sb * sb + SHRINK_PTS * sg * sg) / ((double)n + SHRINK_PTS));
        scale[b] = sb > 0.25 * sg ? sb : 0.25 * sg;
        /* the bin median is fitted on the same points: out-of-sample
         * residuals are wider by about 1 + (pi/2 + 1)/n in variance */
        if (nb > 1 && n >= MIN_BIN_PTS)
            scale[b] *= sqrt(1 + shrink[b] * 2.5707963 / (double)n);
    }
    for (size_t i = 0; i < k; i++)
        r[i] /= scale[bin[i]];
    double zq = aiops_norm_quantile(0.5 + m->width / 2);
    memcpy(buf, r, k * sizeof *buf);
    double qlo = aiops_quantile(buf, k, 0.5 - m->width / 2);
    double qhi = aiops_quantile(buf, k, 0.5 + m->width / 2);
    for (size_t i = 0; i < k; i++)
        buf[i] = fabs(r[i]);
    double sz = aiops_quantile(buf, k, 0.5) * MAD_Z;
    qlo = fmin(qlo, -zq * sz);
    qhi = fmax(qhi, zq * sz);
    for (size_t b = 0; b < nb; b++) {
        m->lo[b] = qlo * scale[b];
        m->hi[b] = qhi * scale[b];
    }
    free(bin), free(start), free(fill), free(sorted), free(buf), free(scale), free(shrink);
    return 0;
}

/* Huber weights min(1, c sigma / |r|), sigma from the MAD: an incident in
 * the training data (or a batch job a Fourier series cannot follow) pulls
 * the fit by a bounded amount instead of quadratically. */
static void huber_weights(const double *r, size_t k, double *w)
{
    for (size_t i = 0; i < k; i++)
        w[i] = fabs(r[i]);
    double c = HUBER_C * MAD_Z * aiops_quantile(w, k, 0.5);
    for (size_t i = 0; i < k; i++)
        w[i] = fabs(r[i]) <= c ? 1 : c / fabs(r[i]);
}

/* Automatic weekly order (see the header comment).  fit and val hold the
 * normal equations of the training data but its last week and of that
 * week, for the largest order; as the weekly harmonics are the last
 * columns, each candidate order is a leading block of them, so trying it
 * is one small solve.  Leaves m->nw / m->ncol at the order with the least
 * validation error. */
static int choose_weekly(seasonal *m, const normal *fit, const normal *val, aiops_err *err)
{
    int p = m->ncol, nwmax = m->nw, best = -1;
    size_t pp = (size_t)p;
    double *M = malloc((pp * pp + 3 * pp) * sizeof *M);
    if (!M)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    double *pen = M + pp * pp, *beta = pen + pp, *tmp = beta + pp, best_sse = INFINITY;
    double s2 = fit->sw > 0 && fit->yy / fit->sw > 1e-24 ? fit->yy / fit->sw : 1e-24;
    double floor_pen = pen_floor(fit->A, p);
    for (size_t c = 0; c < sizeof weekly_try / sizeof *weekly_try; c++) {
        int w = weekly_try[c] < nwmax ? weekly_try[c] : nwmax;
        if (w <= best)
            continue;
        m->nw = w;
        m->ncol = 2 + m->ncp + 2 * m->nd + 2 * w;
        penalties(m, s2, floor_pen, pen);
        if (ridge_solve(m->ncol, fit->A, p, fit->b, pen, M, beta))
            continue;
        double sse = rss_of(m->ncol, val->A, p, val->b, val->yy, beta, tmp);
        if (best < 0 || sse < best_sse * (1 - SELECT_GAIN)) {
            best_sse = sse;
            best = w;
        }
    }
    free(M);
    m->nw = best < 0 ? (nwmax < WEEKLY_DEFAULT ? nwmax : WEEKLY_DEFAULT) : best;
    m->ncol = 2 + m->ncp + 2 * m->nd + 2 * m->nw;
    return 0;
}

/* The unweighted normal equations of all k points into ne (allocated
 * here), choosing the weekly order first when it is automatic. */
static int base_normal(seasonal *m, const double *t, const double *y, const double *f, size_t k,
                       normal *ne, aiops_err *err)
{
    if (!m->select_w)
        return normal_init(ne, m->ncol, err) || gram_add(m, t, y, f, NULL, 0, k, 1, ne, err)
                   ? AIOPS_ENOMEM : 0;
    size_t v = k, p = (size_t)m->ncol;
    while (v > 0 && t[v - 1] > t[k - 1] - WEEK)
        v--;
    normal fit = {0}, val = {0};
    int rc = normal_init(&fit, m->ncol, err);
    if (!rc)
        rc = normal_init(&val, m->ncol, err);
    if (!rc)
        rc = gram_add(m, t, y, f, NULL, 0, v, 1, &fit, err);
    if (!rc)
        rc = gram_add(m, t, y, f, NULL, v, k, 1, &val, err);
    if (!rc)
        rc = choose_weekly(m, &fit, &val, err);
    if (!rc)
        rc = normal_init(ne, m->ncol, err);
    if (!rc) {
        size_t q = (size_t)m->ncol;
        for (size_t i = 0; i < q; i++) {
            for (size_t j = i; j < q; j++)
                ne->A[i * q + j] = fit.A[i * p + j] + val.A[i * p + j];
            ne->b[i] = fit.b[i] + val.b[i];
        }
        ne->yy = fit.yy + val.yy;
        ne->sw = fit.sw + val.sw;
    }
    free(fit.A);
    free(val.A);
    return rc;
}

/* The robust passes: least squares, then Huber-weighted refits.  X'WX =
 * X'X - X'(I - W)X, and only the points with weight < 1 (a fifth of them
 * with Gaussian noise) are in the correction, so a reweighted pass costs a
 * fraction of a full one. */
static int robust_fit(seasonal *m, const double *t, const double *y, const double *f, size_t k,
                      double *r, aiops_err *err)
{
    normal ne0 = {0}, ne = {0};
    double *c = malloc(k * sizeof *c);
    int rc = !c ? aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory")
                : base_normal(m, t, y, f, k, &ne0, err);
    size_t q = (size_t)m->ncol;
    if (!rc)
        rc = normal_init(&ne, m->ncol, err);
    for (int pass = 0; !rc && pass < ROBUST_PASSES; pass++) {
        memcpy(ne.A, ne0.A, (q * q + q) * sizeof *ne.A);
        ne.yy = ne0.yy;
        ne.sw = ne0.sw;
        if (pass)
            rc = gram_add(m, t, y, f, c, 0, k, -1, &ne, err);
        if (!rc)
            rc = solve_map(m, &ne, pass > 0, err);
        if (rc)
            break;
        trend_segments(m);
        for (size_t i = 0; i < k; i++)
            r[i] = y[i] - smooth_at(m, t[i], f + 4 * i);
        huber_weights(r, k, c);
        for (size_t i = 0; i < k; i++)
            c[i] = 1 - c[i];
    }
    free(ne0.A);
    free(ne.A);
    free(c);
    return rc;
}

static int fit_points(seasonal *m, double *t, double *y, size_t k, int allpos, aiops_err *err)
{
    m->mult = m->mult_req && allpos;
    m->fallback = m->mult_req && !allpos;
    double mean = 0, amax = 0;
    for (size_t i = 0; i < k; i++) {
        if (m->mult)
            y[i] = log(y[i]);
        mean += (y[i] - mean) / (double)(i + 1);   /* no overflow near DBL_MAX */
        amax = fmax(amax, fabs(y[i]));
    }
    m->ymean = mean;
    /* Prophet's absmax scaling gives changepoint_prior its meaning; log
     * values are relative already */
    m->yscale = m->mult || !(amax > 0) ? 1 : amax;
    for (size_t i = 0; i < k; i++)
        y[i] = (y[i] - m->ymean) / m->yscale;
    double *f = malloc(4 * k * sizeof *f), *r = malloc(k * sizeof *r);
    int rc = !f || !r ? aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory") : 0;
    if (!rc) {
        fundamentals(m, t, k, f);
        rc = robust_fit(m, t, y, f, k, r, err);
    }
    if (!rc) {
        memcpy(y, r, k * sizeof *y);
        rc = residual_model(m, t, y, k, err);
    }
    free(f);
    free(r);
    return rc;
}

static int all_finite(const double *a, int n)
{
    for (int i = 0; i < n; i++)
        if (!isfinite(a[i]))
            return 0;
    return 1;
}

/* Every number of the fitted state is finite (JSON cannot hold others). */
static int fit_finite(const seasonal *m)
{
    return isfinite(m->ymean) && isfinite(m->yscale) && all_finite(m->beta, m->ncol) &&
           all_finite(m->prof, m->nb) && all_finite(m->lo, m->nb) && all_finite(m->hi, m->nb);
}

static int seasonal_fit(void *mv, const double *ts, const double *v, size_t n, aiops_err *err)
{
    seasonal *m = mv;
    free_fit(m);
    size_t cap = n ? n : 1;
    double *t = malloc(cap * sizeof *t), *y = malloc(cap * sizeof *y);
    double *buf = malloc(cap * sizeof *buf);
    int allpos, rc = !t || !y || !buf ? aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory") : 0;
    long got = rc ? 0 : gather(m, ts, v, n, t, y, &allpos, err);
    if (got < 0)
        rc = (int)got;
    if (!rc && got < 2)
        rc = aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                           "seasonal: expected at least 2 finite training points outside "
                           "maintenance windows, got %ld", got);
    size_t k = (size_t)(got > 0 ? got : 0);
    if (!rc)
        rc = choose_structure(m, t, k, aiops_median_spacing(t, k, buf), err);
    free(buf);
    double last = k ? t[k - 1] : 0;
    if (!rc)
        rc = fit_points(m, t, y, k, allpos, err);
    free(t);
    free(y);
    if (!rc && !fit_finite(m))
        rc = aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                           "seasonal: expected values that can be fitted, got an overflow "
                           "(magnitudes near the double limit?)");
    if (rc) {
        free_fit(m);
        return rc;
    }
    m->nused = k;
    m->last_t = last;
    m->fitted = 1;
    return 0;
}

/* -------------------------------------------------------- band/update */

static void seasonal_band(void *mv, double t, aiops_band *out)
{
    seasonal *m = mv;
    if (!m->fitted || !isfinite(t)) {
        *out = (aiops_band){NAN, -INFINITY, INFINITY};
        return;
    }
    int b;
    double f = eval_core(m, t, &b) + m->level;
    double e = f * m->yscale + m->ymean;
    double l = (f + m->lo[b]) * m->yscale + m->ymean;
    double h = (f + m->hi[b]) * m->yscale + m->ymean;
    if (m->mult) {
        e = exp(e);
        l = exp(l);
        h = exp(h);
    }
    if (m->nwin && in_window(m, t)) {
        l = -INFINITY;
        h = INFINITY;
    }
    *out = (aiops_band){e, l, h};
}

/* Slow level adaptation (see the header comment). */
static void seasonal_update(void *mv, double t, double v)
{
    seasonal *m = mv;
    if (!m->fitted || !isfinite(t) || !isfinite(v) || (m->mult && !(v > 0)) ||
        (m->nwin && in_window(m, t)))
        return;
    double a = m->alpha;
    if (isnan(a))
        a = isfinite(m->last_t) && t > m->last_t ? 1 - exp(-(t - m->last_t) / ADAPT_TAU) : 0;
    if (!(t <= m->last_t))
        m->last_t = t;
    if (a == 0)
        return;
    int b;
    double f = eval_core(m, t, &b) + m->level;
    double r = ((m->mult ? log(v) : v) - m->ymean) / m->yscale - f;
    r = r < m->lo[b] ? m->lo[b] : r > m->hi[b] ? m->hi[b] : r;
    m->level += a * r;
}

/* ----------------------------------------------------------- save/load */

static json_t *windows_json(const seasonal *m)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < m->nwin; i++)
        if (json_array_append_new(arr, aiops_mj_array(m->win + 2 * i, 2))) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}

static void save_fit(const void *mv, json_t *o, int *ok)
{
    const seasonal *m = mv;
    aiops_mj_put(o, "multiplicative", json_boolean(m->mult), ok);
    aiops_mj_put(o, "multiplicative_fallback", json_boolean(m->fallback), ok);
    aiops_mj_put(o, "daily_order", json_integer(m->nd), ok);
    aiops_mj_put(o, "weekly_order", json_integer(m->nw), ok);
    aiops_mj_put(o, "points", json_integer((json_int_t)m->nused), ok);
    aiops_mj_put(o, "t0", json_real(m->t0), ok);
    aiops_mj_put(o, "span", json_real(m->span), ok);
    aiops_mj_put(o, "ymean", json_real(m->ymean), ok);
    aiops_mj_put(o, "yscale", json_real(m->yscale), ok);
    aiops_mj_put(o, "changepoints", aiops_mj_array(m->cp, (size_t)m->ncp), ok);
    aiops_mj_put(o, "beta", aiops_mj_array(m->beta, (size_t)m->ncol), ok);
    aiops_mj_put(o, "profile", aiops_mj_array(m->prof, (size_t)m->nb), ok);
    aiops_mj_put(o, "lower", aiops_mj_array(m->lo, (size_t)m->nb), ok);
    aiops_mj_put(o, "upper", aiops_mj_array(m->hi, (size_t)m->nb), ok);
    aiops_mj_put(o, "level", json_real(m->level), ok);
    aiops_mj_put(o, "last_t", aiops_mj_num(m->last_t), ok);
}

static void save_params(const void *mv, json_t *par, int *ok)
{
    const seasonal *m = mv;
    aiops_mj_put(par, "width", json_real(m->width), ok);
    aiops_mj_put(par, "period", json_real(m->period), ok);
    aiops_mj_put(par, "changepoint_prior", json_real(m->prior), ok);
    aiops_mj_put(par, "alpha", aiops_mj_num(m->alpha), ok);
    aiops_mj_put(par, "daily_order", json_integer(m->daily_req), ok);
    aiops_mj_put(par, "weekly_order", json_integer(m->weekly_req), ok);
    aiops_mj_put(par, "changepoints", json_integer(m->ncp_req), ok);
    aiops_mj_put(par, "multiplicative", json_integer(m->mult_req), ok);
    aiops_mj_put(par, "windows", windows_json(m), ok);
}

static size_t jlen(const json_t *o, const char *key)
{
    json_t *a = json_object_get(o, key);
    return json_is_array(a) ? json_array_size(a) : (size_t)-1;
}

/* par's "windows" ([start, end] pairs) into wv, 2 values each. */
static int load_windows(aiops_jdoc *d, const json_t *w, double *wv)
{
    for (size_t i = 0; i < json_array_size(w); i++) {
        json_t *pair = json_array_get(w, i);
        json_t *a = json_array_get(pair, 0), *b = json_array_get(pair, 1);
        if (!json_is_array(pair) || json_array_size(pair) != 2 || !json_is_number(a) ||
            !json_is_number(b))
            return aiops_jdoc_bad_at(d, "windows", "expected [start, end] number pairs");
        wv[2 * i] = json_number_value(a);
        wv[2 * i + 1] = json_number_value(b);
    }
    return 0;
}

static int load_params(void *mv, aiops_jdoc *d, const json_t *par)
{
    const int req = AIOPS_JDOC_REQUIRED;
    const double lo = -INFINITY, hi = INFINITY;
    aiops_model_params p;
    aiops_model_params_init(&p);
    if (aiops_jdoc_num(d, par, "width", req, lo, hi, &p.width) < 0 ||
        aiops_jdoc_num(d, par, "period", req, lo, hi, &p.period) < 0 ||
        aiops_jdoc_num(d, par, "changepoint_prior", req, lo, hi, &p.changepoint_prior) < 0 ||
        aiops_jdoc_num(d, par, "alpha", req | AIOPS_JDOC_NONFINITE, lo, hi, &p.alpha) < 0 ||
        aiops_jdoc_cint(d, par, "daily_order", req, 0, MAX_ORDER, &p.daily_order) < 0 ||
        aiops_jdoc_cint(d, par, "weekly_order", req, -1, MAX_ORDER, &p.weekly_order) < 0 ||
        aiops_jdoc_cint(d, par, "changepoints", req, 0, MAX_CP, &p.changepoints) < 0 ||
        aiops_jdoc_cint(d, par, "multiplicative", req, 0, 1, &p.multiplicative) < 0)
        return d->err->code;
    json_t *w = NULL;
    if (aiops_jdoc_arr(d, par, "windows", req, &w) < 0)
        return d->err->code;
    size_t nw = json_array_size(w);
    double *wv = malloc((nw ? nw : 1) * 2 * sizeof *wv);
    int rc = wv ? load_windows(d, w, wv) : aiops_err_set(d->err, AIOPS_ENOMEM, NULL, 0,
                                                          "out of memory");
    if (!rc) {
        p.nwindows = nw;
        p.windows = (double (*)[2])wv;
        rc = apply_params(mv, &p, d->err);
    }
    free(wv);
    return rc;
}

/* The fitted structure: orders, counts and the arrays' sizes. */
static int load_structure(seasonal *m, aiops_jdoc *d, const json_t *j)
{
    const int req = AIOPS_JDOC_REQUIRED;
    if (aiops_jdoc_bool(d, j, "multiplicative", req, &m->mult) < 0 ||
        aiops_jdoc_bool(d, j, "multiplicative_fallback", req, &m->fallback) < 0 ||
        aiops_jdoc_cint(d, j, "daily_order", req, 0, MAX_ORDER, &m->nd) < 0 ||
        aiops_jdoc_cint(d, j, "weekly_order", req, 0, MAX_ORDER, &m->nw) < 0)
        return d->err->code;
    int64_t pts;
    if (aiops_jdoc_int(d, j, "points", req, 0, INT64_MAX, &pts) < 0)
        return d->err->code;
    size_t ncp = jlen(j, "changepoints"), nb = jlen(j, "profile");
    if (ncp > MAX_CP)
        return aiops_jdoc_bad_at(d, "changepoints", "expected an array of at most %d numbers",
                             MAX_CP);
    if (nb < 1 || nb > MAX_BINS)
        return aiops_jdoc_bad_at(d, "profile", "expected an array of 1..%d numbers", MAX_BINS);
    m->nused = (size_t)pts;
    m->ncp = (int)ncp;
    m->nb = (int)nb;
    m->ncol = 2 + m->ncp + 2 * m->nd + 2 * m->nw;
    return alloc_fit(m, d->err);
}

/* The fitted numbers, once the structure is known. */
static int load_values(seasonal *m, aiops_jdoc *d, const json_t *j)
{
    static const char *const keys[] = {"t0", "span", "ymean", "yscale", "level"};
    const int req = AIOPS_JDOC_REQUIRED;
    double *dst[] = {&m->t0, &m->span, &m->ymean, &m->yscale, &m->level};
    size_t nb = (size_t)m->nb;
    for (int i = 0; i < 5; i++)
        if (aiops_jdoc_num(d, j, keys[i], req, -INFINITY, INFINITY, dst[i]) < 0)
            return d->err->code;
    if (aiops_jdoc_num(d, j, "last_t", req | AIOPS_JDOC_NONFINITE, -INFINITY, INFINITY,
                       &m->last_t) < 0 ||
        aiops_jdoc_nums(d, j, "changepoints", req, m->cp, (size_t)m->ncp) < 0 ||
        aiops_jdoc_nums(d, j, "beta", req, m->beta, (size_t)m->ncol) < 0 ||
        aiops_jdoc_nums(d, j, "profile", req, m->prof, nb) < 0 ||
        aiops_jdoc_nums(d, j, "lower", req, m->lo, nb) < 0 ||
        aiops_jdoc_nums(d, j, "upper", req, m->hi, nb) < 0)
        return d->err->code;
    if (!(m->span > 0 && m->yscale > 0))
        return aiops_jdoc_bad_at(d, NULL, "expected positive numbers in span/yscale");
    for (int i = 1; i < m->ncp; i++)
        if (m->cp[i] < m->cp[i - 1])
            return aiops_jdoc_bad_at(d, "changepoints", "expected ascending numbers");
    for (size_t i = 0; i < nb; i++)
        if (m->lo[i] > m->hi[i])
            return aiops_jdoc_bad_at(d, NULL, "expected lower <= upper in lower/upper");
    return 0;
}

static int load_fit(void *mv, aiops_jdoc *d, const json_t *j, int version)
{
    seasonal *m = mv;
    (void)version;
    int rc = load_structure(m, d, j);
    if (!rc)
        rc = load_values(m, d, j);
    if (!rc)
        trend_segments(m);
    m->fitted = !rc;
    return rc;
}

static int is_fitted(const void *mv)
{
    return ((const seasonal *)mv)->fitted;
}

static const aiops_mj_frame frame = {
    .model = "seasonal", .version = 1, .fitted = is_fitted, .clear = free_fit,
    .save_params = save_params, .save_fit = save_fit, .load_params = load_params,
    .load_fit = load_fit,
};

static json_t *seasonal_save(const void *m)
{
    return aiops_mj_save(&frame, m);
}

static int seasonal_load(void *m, const json_t *j, aiops_err *err)
{
    return aiops_mj_load(&frame, m, j, err);
}

const aiops_model_ops aiops_model_seasonal = {
    .name = "seasonal",
    .desc = "Prophet-style trend with changepoints + daily/weekly Fourier terms + "
            "time-of-day profile, least squares (LAPACK)",
    .create = seasonal_create,
    .destroy = seasonal_destroy,
    .fit = seasonal_fit,
    .band = seasonal_band,
    .update = seasonal_update,
    .save = seasonal_save,
    .load = seasonal_load,
};
