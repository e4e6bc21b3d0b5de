/* model_seasonal.c - "seasonal": a Prophet-style decomposition fitted by
 * regularised least squares with OpenBLAS/LAPACKE.
 *
 *   y(t) = trend(t) + daily(t) + weekly(t) + profile(t) + level + noise
 *
 * trend    piecewise linear in scaled time s = (t - t0) / span.  Potential
 *          changepoints sit at data quantiles of the first 80% of the
 *          training points (where Prophet puts them).  Their slope changes
 *          get Prophet's Laplace prior of scale changepoint_prior (on y
 *          scaled by its absolute maximum), solved as iteratively reweighted
 *          ridge regression: the L1 MAP estimate, so few changepoints are
 *          used.  Intercept, slope and Fourier terms get Prophet's weak
 *          Gaussian priors (scale 5 and 10).
 * daily    Fourier series of order daily_order on `period` (default 1 day)
 * weekly   and of order weekly_order on 1 week; each is dropped when the
 *          training data covers less than two of its periods (coverage =
 *          last - first + one spacing, so 14 days of 1-minute points count
 *          as two weeks).  Phases are taken on epoch time, i.e. in UTC.
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
 * Cost: each pass builds the design matrix in row blocks (X'WX by dsyrk,
 * X'Wy by dgemv), so memory is O(n + p^2); the IRLS iterations for the L1
 * prior only re-solve the p x p system (dposv).  band(t) is one binary
 * search over the changepoints and two sin/cos pairs (higher harmonics by
 * angle addition): millions of points per second.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "model.h"

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
#define IRLS_MAX 60
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

static void swapd(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

/* k-th smallest of a[0..n) (0-based), reordering a (Hoare selection). */
static double select_kth(double *a, size_t n, size_t k)
{
    size_t l = 0, r = n - 1;
    while (l < r) {
        size_t mid = l + (r - l) / 2;
        if (a[mid] < a[l])
            swapd(&a[mid], &a[l]);
        if (a[r] < a[l])
            swapd(&a[r], &a[l]);
        if (a[r] < a[mid])
            swapd(&a[r], &a[mid]);
        double piv = a[mid];
        size_t i = l, j = r;
        while (i <= j) {
            while (a[i] < piv)
                i++;
            while (a[j] > piv)
                j--;
            if (i <= j) {
                swapd(&a[i], &a[j]);
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            r = j;
        else if (k >= i)
            l = i;
        else
            return a[k];
    }
    return a[k];
}

/* Quantile q in [0,1] of a[0..n), linear interpolation (a reordered). */
static double quantile(double *a, size_t n, double q)
{
    double pos = q * (double)(n - 1);
    size_t k = (size_t)pos;
    if (k >= n - 1)
        return select_kth(a, n, n - 1);
    double lo = select_kth(a, n, k), hi = a[k + 1];
    for (size_t i = k + 2; i < n; i++)   /* after selection a[k+1..] >= lo */
        if (a[i] < hi)
            hi = a[i];
    return lo + (pos - (double)k) * (hi - lo);
}

/* x with P(N(0,1) <= x) = p, by bisection on erfc (called once per fit). */
static double norm_quantile(double p)
{
    double lo = -40, hi = 40;
    for (int i = 0; i < 200 && hi - lo > 1e-13; i++) {
        double mid = 0.5 * (lo + hi);
        if (0.5 * erfc(-mid / sqrt(2.0)) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

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

/* sin/cos of k * phase for k = 1..order into x[2k-2], x[2k-1]; the phase is
 * taken on epoch time so the terms are tied to the time of day/week. */
static void fourier(double t, double period, int order, double *x)
{
    double ph = fmod(t, period) / period * TWO_PI;
    double s1 = sin(ph), c1 = cos(ph), s = s1, c = c1;
    for (int k = 0; k < order; k++) {
        x[2 * k] = s;
        x[2 * k + 1] = c;
        double sn = s * c1 + c * s1;
        c = c * c1 - s * s1;
        s = sn;
    }
}

/* One design-matrix row: 1, s, (s - cp_j)+, daily, weekly. */
static void features(const seasonal *m, double t, double *x)
{
    double s = (t - m->t0) / m->span;
    x[0] = 1;
    x[1] = s;
    for (int j = 0; j < m->ncp; j++)
        x[2 + j] = s > m->cp[j] ? s - m->cp[j] : 0;
    fourier(t, m->period, m->nd, x + 2 + m->ncp);
    fourier(t, WEEK, m->nw, x + 2 + m->ncp + 2 * m->nd);
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

/* Trend + Fourier terms (normalised units), without profile and level. */
static double eval_smooth(const seasonal *m, double t)
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
    double f = m->seg_a[lo] + m->seg_b[lo] * s;
    double x[4 * MAX_ORDER];
    const double *b = m->beta + 2 + m->ncp;
    if (m->nd) {
        fourier(t, m->period, m->nd, x);
        for (int k = 0; k < 2 * m->nd; k++)
            f += b[k] * x[k];
        b += 2 * m->nd;
    }
    if (m->nw) {
        fourier(t, WEEK, m->nw, x);
        for (int k = 0; k < 2 * m->nw; k++)
            f += b[k] * x[k];
    }
    return f;
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

static void free_fit(seasonal *m)
{
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
    m->width = isnan(p->width) ? 0.99 : p->width;
    if (!(m->width > 0 && m->width < 1))
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "seasonal: expected width in (0, 1), got %g", m->width);
    m->period = isnan(p->period) || p->period == 0 ? DAY : p->period;
    if (!(m->period > 0) || !isfinite(m->period))
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "seasonal: expected a positive period, got %g", p->period);
    m->prior = isnan(p->changepoint_prior) ? 0.05 : p->changepoint_prior;
    if (!(m->prior > 0) || !isfinite(m->prior))
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "seasonal: expected changepoint_prior > 0, got %g", m->prior);
    m->alpha = p->alpha;
    if (!isnan(m->alpha) && !(m->alpha >= 0 && m->alpha <= 1))
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "seasonal: expected alpha in [0, 1], got %g", m->alpha);
    int rc = check_int(p->daily_order, 4, MAX_ORDER, "daily_order", &m->daily_req, err);
    if (!rc)
        rc = check_int(p->weekly_order, 3, MAX_ORDER, "weekly_order", &m->weekly_req, err);
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

static void *seasonal_create(const aiops_model_params *p, aiops_err *err)
{
    seasonal *m = calloc(1, sizeof *m);
    if (!m) {
        aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    free_fit(m);
    aiops_model_params def;
    if (!p) {
        aiops_model_params_init(&def);
        p = &def;
    }
    if (apply_params(m, p, err)) {
        seasonal_destroy(m);
        return NULL;
    }
    return m;
}

/* ---------------------------------------------------------------- fit */

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

/* Median positive spacing of t[0..k), or 0 when all times are equal. */
static double median_spacing(const double *t, size_t k, double *buf)
{
    size_t nd = 0;
    for (size_t i = 1; i < k; i++)
        if (t[i] > t[i - 1])
            buf[nd++] = t[i] - t[i - 1];
    return nd ? quantile(buf, nd, 0.5) : 0;
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
    m->nw = m->period < WEEK && cover >= 2 * WEEK ? cap_order(m->weekly_req, WEEK, dt) : 0;
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

/* X'WX (upper triangle), X'Wy, y'Wy and sum(W) over all points, in row
 * blocks (rows scaled by sqrt(w); w NULL = all ones). */
static int gram(const seasonal *m, const double *t, const double *y, const double *w, size_t k,
                double *A, double *b, double *yy, double *sw, aiops_err *err)
{
    int p = m->ncol;
    double *X = malloc((size_t)BLOCK_ROWS * ((size_t)p + 1) * sizeof *X);
    if (!X)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    double *Y = X + (size_t)BLOCK_ROWS * (size_t)p;
    memset(A, 0, (size_t)p * (size_t)p * sizeof *A);
    memset(b, 0, (size_t)p * sizeof *b);
    *yy = *sw = 0;
    for (size_t off = 0; off < k; off += BLOCK_ROWS) {
        int rows = (int)(k - off < BLOCK_ROWS ? k - off : BLOCK_ROWS);
        for (int r = 0; r < rows; r++) {
            size_t i = off + (size_t)r;
            double *x = X + (size_t)r * (size_t)p, sq = w ? sqrt(w[i]) : 1;
            features(m, t[i], x);
            if (w)
                for (int j = 0; j < p; j++)
                    x[j] *= sq;
            Y[r] = y[i] * sq;
            *yy += Y[r] * Y[r];
            *sw += w ? w[i] : 1;
        }
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, p, rows, 1.0, X, p, 1.0, A, p);
        cblas_dgemv(CblasRowMajor, CblasTrans, rows, p, 1.0, X, p, Y, 1, 1.0, b, 1);
    }
    free(X);
    return 0;
}

/* Prior penalties for residual variance s2 (see the header comment). */
static void penalties(const seasonal *m, double s2, const double *beta, int first,
                      double floor_pen, double *pen)
{
    pen[0] = pen[1] = s2 / 25;                     /* N(0, 5) */
    for (int j = 0; j < m->ncp; j++) {
        double d = fabs(beta[2 + j]);
        pen[2 + j] = first ? s2 / (m->prior * m->prior)          /* ridge start */
                           : s2 / (m->prior * (d > 1e-6 ? d : 1e-6));   /* L1 IRLS */
    }
    for (int j = 2 + m->ncp; j < m->ncol; j++)
        pen[j] = s2 / 100;                         /* N(0, 10) */
    for (int j = 0; j < m->ncol; j++)
        if (pen[j] < floor_pen)
            pen[j] = floor_pen;
}

/* Solve (A + diag(pen)) beta = b; 0 or AIOPS_EINVAL when not positive
 * definite (only possible with pathological data). */
static int ridge_solve(int p, const double *A, const double *b, const double *pen,
                       double *M, double *beta)
{
    memcpy(M, A, (size_t)p * (size_t)p * sizeof *M);
    memcpy(beta, b, (size_t)p * sizeof *beta);
    for (int j = 0; j < p; j++)
        M[(size_t)j * (size_t)p + (size_t)j] += pen[j];
    return LAPACKE_dposv(LAPACK_ROW_MAJOR, 'U', p, 1, M, p, beta, 1) ? AIOPS_EINVAL : 0;
}

/* Residual sum of squares from the Gram matrices: y'y - 2 b'beta + beta'A beta. */
static double rss_of(int p, const double *A, const double *b, double yy, const double *beta,
                     double *tmp)
{
    cblas_dsymv(CblasRowMajor, CblasUpper, p, 1.0, A, p, beta, 1, 0.0, tmp, 1);
    double r = yy - 2 * cblas_ddot(p, b, 1, beta, 1) + cblas_ddot(p, beta, 1, tmp, 1);
    return r > 0 ? r : 0;
}

/* Regularised least squares: a ridge start, then IRLS for the L1 prior on
 * the changepoint deltas, re-estimating the noise variance each round. */
static int solve_irls(seasonal *m, const double *A, const double *b, double yy, double k,
                      aiops_err *err)
{
    int p = m->ncol;
    size_t pp = (size_t)p;
    double *M = malloc(pp * pp * sizeof *M), *pen = malloc(pp * sizeof *pen);
    double *nb = malloc(pp * sizeof *nb), *tmp = malloc(pp * sizeof *tmp);
    int rc = 0;
    if (!M || !pen || !nb || !tmp) {
        rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        goto out;
    }
    double trace = 0;
    for (int j = 0; j < p; j++)
        trace += A[(size_t)j * pp + (size_t)j];
    double floor_pen = 1e-10 * (trace / p > 1e-300 ? trace / p : 1);
    double s2 = yy / k > 1e-24 ? yy / k : 1e-24;
    for (int it = 0; it < IRLS_MAX; it++) {
        penalties(m, s2, m->beta, it == 0, floor_pen, pen);
        int tries = 0;
        while (ridge_solve(p, A, b, pen, M, nb)) {
            if (++tries > 4) {
                rc = aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                                   "seasonal: singular least-squares system");
                goto out;
            }
            for (int j = 0; j < p; j++)
                pen[j] = pen[j] * 1e3 + floor_pen;
        }
        double change = 0, size = 0;
        for (int j = 0; j < p; j++) {
            change = fmax(change, fabs(nb[j] - m->beta[j]));
            size = fmax(size, fabs(nb[j]));
        }
        memcpy(m->beta, nb, pp * sizeof *nb);
        s2 = rss_of(p, A, b, yy, m->beta, tmp) / k;
        if (s2 < 1e-24)
            s2 = 1e-24;
        if (it > 0 && change <= 1e-9 * (1 + size))
            break;
    }
out:
    free(M);
    free(pen);
    free(nb);
    free(tmp);
    return rc;
}

/* Robust scale: 80th percentile of |x| / that of |N(0,1)| (tolerates up to
 * 20% of outliers, yet widens when a bin is systematically noisy). */
static double p80_scale(const double *x, size_t n, double *buf)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = fabs(x[i]);
    return quantile(buf, n, 0.8) / P80_Z;
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
            double med = quantile(buf, n, 0.5);
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
    double zq = norm_quantile(0.5 + m->width / 2);
    memcpy(buf, r, k * sizeof *buf);
    double qlo = quantile(buf, k, 0.5 - m->width / 2);
    double qhi = quantile(buf, k, 0.5 + m->width / 2);
    for (size_t i = 0; i < k; i++)
        buf[i] = fabs(r[i]);
    double sz = quantile(buf, k, 0.5) * MAD_Z;
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
    double c = HUBER_C * MAD_Z * quantile(w, k, 0.5);
    for (size_t i = 0; i < k; i++)
        w[i] = fabs(r[i]) <= c ? 1 : c / fabs(r[i]);
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
    size_t pp = (size_t)m->ncol;
    double *A = malloc(pp * pp * sizeof *A), *b = malloc(pp * sizeof *b);
    double *w = malloc(k * sizeof *w), *r = malloc(k * sizeof *r);
    int rc = !A || !b || !w || !r ? aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory") : 0;
    for (int pass = 0; !rc && pass < ROBUST_PASSES; pass++) {
        double yy = 0, sw = 0;
        rc = gram(m, t, y, pass ? w : NULL, k, A, b, &yy, &sw, err);
        if (!rc)
            rc = solve_irls(m, A, b, yy, sw, err);
        if (rc)
            break;
        trend_segments(m);
        for (size_t i = 0; i < k; i++)
            r[i] = y[i] - eval_smooth(m, t[i]);
        huber_weights(r, k, w);
    }
    if (!rc) {
        memcpy(y, r, k * sizeof *y);
        rc = residual_model(m, t, y, k, err);
    }
    free(A);
    free(b);
    free(w);
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
        rc = choose_structure(m, t, k, median_spacing(t, k, buf), err);
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

static void save_fit(const seasonal *m, json_t *o, int *ok)
{
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

static json_t *seasonal_save(const void *mv)
{
    const seasonal *m = mv;
    json_t *o = json_object(), *par = json_object();
    int ok = o && par;
    if (ok) {
        aiops_mj_put(par, "width", json_real(m->width), &ok);
        aiops_mj_put(par, "period", json_real(m->period), &ok);
        aiops_mj_put(par, "changepoint_prior", json_real(m->prior), &ok);
        aiops_mj_put(par, "alpha", aiops_mj_num(m->alpha), &ok);
        aiops_mj_put(par, "daily_order", json_integer(m->daily_req), &ok);
        aiops_mj_put(par, "weekly_order", json_integer(m->weekly_req), &ok);
        aiops_mj_put(par, "changepoints", json_integer(m->ncp_req), &ok);
        aiops_mj_put(par, "multiplicative", json_integer(m->mult_req), &ok);
        aiops_mj_put(par, "windows", windows_json(m), &ok);
        aiops_mj_put(o, "model", json_string("seasonal"), &ok);
        aiops_mj_put(o, "version", json_integer(1), &ok);
        aiops_mj_put(o, "params", par, &ok);
        par = NULL;
        aiops_mj_put(o, "fitted", json_boolean(m->fitted), &ok);
        if (m->fitted)
            save_fit(m, o, &ok);
    }
    json_decref(par);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int bad(aiops_err *err, const char *what, const char *key)
{
    return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                         "seasonal: expected %s \"%s\" in the saved model", what, key);
}

static int jint(const json_t *o, const char *key, int lo, int hi, int *out, aiops_err *err)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        char what[64];
        snprintf(what, sizeof what, "an integer in %d..%d", lo, hi);
        return bad(err, what, key);
    }
    *out = (int)json_integer_value(v);
    return 0;
}

static int jbool(const json_t *o, const char *key, int *out, aiops_err *err)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_boolean(v))
        return bad(err, "true or false", key);
    *out = json_is_true(v);
    return 0;
}

/* An array of exactly n finite numbers into out. */
static int jvec(const json_t *o, const char *key, double *out, size_t n, aiops_err *err)
{
    json_t *a = json_object_get(o, key);
    if (!json_is_array(a) || json_array_size(a) != n) {
        char what[64];
        snprintf(what, sizeof what, "an array of %zu numbers", n);
        return bad(err, what, key);
    }
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(a, i);
        if (!json_is_number(v) || !isfinite(json_number_value(v)))
            return bad(err, "finite numbers in the array", key);
        out[i] = json_number_value(v);
    }
    return 0;
}

static size_t jlen(const json_t *o, const char *key)
{
    json_t *a = json_object_get(o, key);
    return json_is_array(a) ? json_array_size(a) : (size_t)-1;
}

static int load_params(seasonal *m, const json_t *par, aiops_err *err)
{
    if (!json_is_object(par))
        return bad(err, "an object", "params");
    aiops_model_params p;
    aiops_model_params_init(&p);
    int rc = aiops_mj_double("seasonal", par, "width", 0, &p.width, err);
    if (!rc)
        rc = aiops_mj_double("seasonal", par, "period", 0, &p.period, err);
    if (!rc)
        rc = aiops_mj_double("seasonal", par, "changepoint_prior", 0, &p.changepoint_prior, err);
    if (!rc)
        rc = aiops_mj_double("seasonal", par, "alpha", 1, &p.alpha, err);
    if (!rc)
        rc = jint(par, "daily_order", 0, MAX_ORDER, &p.daily_order, err);
    if (!rc)
        rc = jint(par, "weekly_order", 0, MAX_ORDER, &p.weekly_order, err);
    if (!rc)
        rc = jint(par, "changepoints", 0, MAX_CP, &p.changepoints, err);
    if (!rc)
        rc = jint(par, "multiplicative", 0, 1, &p.multiplicative, err);
    json_t *w = json_object_get(par, "windows");
    if (!rc && !json_is_array(w))
        rc = bad(err, "an array", "windows");
    size_t nw = rc ? 0 : json_array_size(w);
    double *wv = malloc((nw ? nw : 1) * 2 * sizeof *wv);
    if (!rc && !wv)
        rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; !rc && i < nw; i++) {
        json_t *pair = json_array_get(w, i);
        json_t *a = json_array_get(pair, 0), *b = json_array_get(pair, 1);
        if (!json_is_array(pair) || json_array_size(pair) != 2 || !json_is_number(a) ||
            !json_is_number(b))
            rc = bad(err, "[start, end] number pairs", "windows");
        else {
            wv[2 * i] = json_number_value(a);
            wv[2 * i + 1] = json_number_value(b);
        }
    }
    if (!rc) {
        p.nwindows = nw;
        p.windows = (double (*)[2])wv;
        rc = apply_params(m, &p, err);
    }
    free(wv);
    return rc;
}

static int load_fit(seasonal *m, const json_t *j, aiops_err *err)
{
    int rc = jbool(j, "multiplicative", &m->mult, err);
    if (!rc)
        rc = jbool(j, "multiplicative_fallback", &m->fallback, err);
    if (!rc)
        rc = jint(j, "daily_order", 0, MAX_ORDER, &m->nd, err);
    if (!rc)
        rc = jint(j, "weekly_order", 0, MAX_ORDER, &m->nw, err);
    json_t *pts = json_object_get(j, "points");
    if (!rc && (!json_is_integer(pts) || json_integer_value(pts) < 0))
        rc = bad(err, "a count", "points");
    size_t ncp = jlen(j, "changepoints"), nb = jlen(j, "profile");
    if (!rc && ncp > MAX_CP)
        rc = bad(err, "an array of at most 1000 numbers", "changepoints");
    if (!rc && (nb < 1 || nb > MAX_BINS))
        rc = bad(err, "an array of 1..288 numbers", "profile");
    if (rc)
        return rc;
    m->nused = (size_t)json_integer_value(pts);
    m->ncp = (int)ncp;
    m->nb = (int)nb;
    m->ncol = 2 + m->ncp + 2 * m->nd + 2 * m->nw;
    rc = alloc_fit(m, err);
    static const char *const keys[] = {"t0", "span", "ymean", "yscale", "level"};
    double *dst[] = {&m->t0, &m->span, &m->ymean, &m->yscale, &m->level};
    for (int i = 0; !rc && i < 5; i++)
        rc = aiops_mj_double("seasonal", j, keys[i], 0, dst[i], err);
    if (!rc)
        rc = aiops_mj_double("seasonal", j, "last_t", 1, &m->last_t, err);
    if (!rc)
        rc = jvec(j, "changepoints", m->cp, ncp, err);
    if (!rc)
        rc = jvec(j, "beta", m->beta, (size_t)m->ncol, err);
    if (!rc)
        rc = jvec(j, "profile", m->prof, nb, err);
    if (!rc)
        rc = jvec(j, "lower", m->lo, nb, err);
    if (!rc)
        rc = jvec(j, "upper", m->hi, nb, err);
    if (!rc && !(m->span > 0 && m->yscale > 0))
        rc = bad(err, "positive numbers", "span/yscale");
    for (size_t i = 1; !rc && i < ncp; i++)
        if (m->cp[i] < m->cp[i - 1])
            rc = bad(err, "ascending numbers", "changepoints");
    for (size_t i = 0; !rc && i < nb; i++)
        if (m->lo[i] > m->hi[i])
            rc = bad(err, "lower <= upper in", "lower/upper");
    if (!rc)
        trend_segments(m);
    return rc;
}

static int seasonal_load(void *mv, const json_t *j, aiops_err *err)
{
    seasonal *m = mv;
    free_fit(m);
    json_t *name = json_object_get(j, "model");
    if (!json_is_object(j) || !json_is_string(name) ||
        strcmp(json_string_value(name), "seasonal") != 0)
        return bad(err, "\"seasonal\" as", "model");
    int fitted, version;
    int rc = jint(j, "version", 1, 1, &version, err);
    if (!rc)
        rc = load_params(m, json_object_get(j, "params"), err);
    if (!rc)
        rc = jbool(j, "fitted", &fitted, err);
    if (!rc && fitted)
        rc = load_fit(m, j, err);
    if (rc) {
        free_fit(m);
        return rc;
    }
    m->fitted = fitted;
    return 0;
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
