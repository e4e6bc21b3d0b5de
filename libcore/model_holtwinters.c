/* model_holtwinters.c - triple exponential smoothing (additive or
 * multiplicative season, damped additive trend) with prediction intervals.
 *
 * Structure, decided by fit():
 *  - spacing: the median gap between training timestamps (60 s if the
 *    window cannot tell); the season is m = round(period / spacing) points
 *    (period default 1 day).  Points are placed in the season by their
 *    time, not their count (slot = nearest of m equal slots of the period,
 *    phase relative to the first training timestamp), so gaps and missing
 *    points do not shift the season, and the trend is extrapolated over
 *    h = gap / spacing steps.
 *  - with at least two seasons of training the model is seasonal; the
 *    first two seasons initialise level, trend (difference of the two
 *    season means) and the detrended season profile.  With less it is
 *    Holt's linear trend (no season), started by the first point.
 *  - the trend is damped (Gardner & McKenzie 1985): h steps ahead the
 *    forecast adds (phi + phi^2 + .. + phi^h) * trend instead of h * trend,
 *    and the trend decays by phi per step between updates.  An undamped
 *    trend learnt at the end of the window (a weekday ramp, a weekend
 *    dip) would otherwise be carried linearly through the whole horizon
 *    of a forecast; damped, it adds at most phi / (1 - phi) steps' worth.
 *    One step ahead the difference is (1 - phi) * trend, negligible.
 *  - alpha/beta/gamma that were not given are chosen on a small grid by
 *    the sum of squared one-step-ahead errors (from the second season on,
 *    the first one being what the initialisation was read from), with phi
 *    at its default 0.98; then phi on its grid (0.8 .. 0.98, the range of
 *    Hyndman's ets(), and 1 = undamped, which a steady linear trend
 *    prefers) with the others fixed, and beta once more if phi moved (see
 *    grid_search()).  With fewer than HW_MIN_FIT points the defaults
 *    0.3/0.05/0.1/0.98 are used.
 *  - saved states carry "version": 2 and params.phi; a state without a
 *    version (saved before the damping) loads as phi = 1, which is
 *    exactly how it forecast when it was saved.
 *
 * Interval: forecast +- z * sigma, z the normal quantile of width (default
 * 0.99 -> 2.576), sigma the RMS one-step-ahead error over the training
 * window (from the second season on).  While scoring, sigma follows the
 * residuals with the robust recursive scale of Gelper, Fried & Croux
 * (2010, "Robust forecasting with exponential and Holt-Winters
 * smoothing"): sigma^2 <- (1-l) sigma^2 + l * c * rho(r / sigma) sigma^2
 * with a bounded biweight rho (l = 0.05), and the smoothing learns
 * Huber-cleaned points: forecast + clamp(r, +-2 sigma) for level and
 * trend, a wider clamp for the season (see clean()).  So one spike is
 * flagged but neither drags the level/season nor blows up the interval,
 * while a lasting change widens sigma by up to ~4% per point until the
 * smoothing catches up.  sigma never goes below a floor of 1e-9 of the
 * training data's scale, so noise-free data does not produce intervals
 * narrower than rounding error.  The band is open until HW_WARM
 * residuals have been seen. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

#define HW_DEFAULT_WIDTH 0.99
#define HW_DEFAULT_PERIOD 86400.0
#define HW_DEFAULT_SPACING 60.0
#define HW_SHORT_ALPHA 0.3
#define HW_SHORT_BETA 0.05
#define HW_SHORT_GAMMA 0.1
#define HW_DEFAULT_PHI 0.98
#define HW_NPAR 4          /* alpha, beta, gamma, phi */
#define HW_STATE_VERSION 2 /* 1 (no "version"): undamped, no phi */
#define HW_MIN_FIT 20
#define HW_WARM 10
#define HW_MAX_SEASON (1u << 20)
#define HUBER_K 2.0
#define SEASON_CLIP 4.0
#define BIWEIGHT_C 2.5153 /* 1 / E[rho(Z)], Z normal, biweight with k = 2 */
#define SCALE_LAMBDA 0.05
#define FLOOR_REL 1e-9

static const double grid_alpha[] = {0.02, 0.1, 0.3, 0.6};
static const double grid_beta[] = {0, 0.02, 0.1};
static const double grid_gamma[] = {0.02, 0.1, 0.3, 0.6};
static const double grid_phi[] = {0.8, 0.9, 0.95, 0.98, 1};

/* The evolving part of the state (copied per grid candidate). */
typedef struct hw_run {
    double level, trend;   /* level NaN: not started */
    double sigma, ss;      /* residual scale; sum of squares during warm-up */
    double t_last;
    uint64_t nres;         /* residuals seen */
} hw_run;

typedef struct hw {
    double user[HW_NPAR];  /* alpha, beta, gamma, phi as given; NaN = fit */
    double par[HW_NPAR];   /* alpha, beta, gamma, phi in use */
    double width, z, period;
    int mult;
    size_t m;              /* season length in points; 0 = no season */
    double spacing, t_first, floor;
    double *season;        /* m values */
    hw_run r;
} hw;

/* Upper-tail normal quantile for the central coverage width, by bisection
 * on erfc (once per model; exact to double precision). */
static double z_for_width(double width)
{
    double q = (1 - width) / 2, lo = 0, hi = 40;
    for (int i = 0; i < 200; i++) {
        double mid = (lo + hi) / 2;
        if (0.5 * erfc(mid / sqrt(2.0)) > q)
            lo = mid;
        else
            hi = mid;
    }
    return (lo + hi) / 2;
}

static int unit_ok(double v, int zero_ok)
{
    return isnan(v) || ((zero_ok ? v >= 0 : v > 0) && v <= 1);
}

static void hw_reset(hw *m)
{
    free(m->season);
    m->season = NULL;
    m->m = 0;
    m->spacing = HW_DEFAULT_SPACING;
    m->t_first = 0;
    m->floor = 0;
    m->r = (hw_run){.level = NAN, .trend = 0, .sigma = 0, .ss = 0, .t_last = NAN, .nres = 0};
    static const double def[HW_NPAR] = {HW_SHORT_ALPHA, HW_SHORT_BETA, HW_SHORT_GAMMA,
                                        HW_DEFAULT_PHI};
    for (int p = 0; p < HW_NPAR; p++)
        m->par[p] = isnan(m->user[p]) ? def[p] : m->user[p];
}

static void *hw_create(const aiops_model_params *p, aiops_err *err)
{
    double width = isnan(p->width) ? HW_DEFAULT_WIDTH : p->width;
    double period = isnan(p->period) || p->period == 0 ? HW_DEFAULT_PERIOD : p->period;
    if (!unit_ok(p->alpha, 0) || !unit_ok(p->beta, 1) || !unit_ok(p->gamma, 1) ||
        !(width > 0 && width < 1) || !(period > 0) || isinf(period) ||
        p->multiplicative < -1 || p->multiplicative > 1) {
        aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                      "holtwinters: expected alpha in (0, 1], beta and gamma in [0, 1], "
                      "width in (0, 1), period > 0, multiplicative 0 or 1; got alpha %g "
                      "beta %g gamma %g width %g period %g multiplicative %d",
                      p->alpha, p->beta, p->gamma, width, period, p->multiplicative);
        return NULL;
    }
    hw *m = calloc(1, sizeof *m);
    if (!m) {
        aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "holtwinters: out of memory");
        return NULL;
    }
    m->user[0] = p->alpha;
    m->user[1] = p->beta;
    m->user[2] = p->gamma;
    m->user[3] = NAN;   /* phi has no command-line parameter: always fitted */
    m->width = width;
    m->z = z_for_width(width);
    m->period = period;
    m->mult = p->multiplicative == 1;
    hw_reset(m);
    return m;
}

static void hw_destroy(void *vm)
{
    hw *m = vm;
    if (!m)
        return;
    free(m->season);
    free(m);
}

/* ------------------------------------------------------------ recursion */

/* Position of t in the season, in steps from the first training point's
 * phase (continuous; the slot is its nearest integer mod m). */
static double season_pos(const hw *m, double t)
{
    double ph = fmod(t - m->t_first, m->period);
    if (ph < 0)
        ph += m->period;
    return ph / m->period * (double)m->m;
}

static size_t slot_of(const hw *m, double t)
{
    double x = season_pos(m, t) + 0.5;
    size_t s = x >= 0 && x < (double)m->m + 1 ? (size_t)x : 0;
    return s >= m->m ? s - m->m : s;
}

/* phi + phi^2 + .. + phi^h: the trend's contribution h steps ahead, in
 * steps of the undamped trend (h need not be whole after gaps). */
static double damp_sum(double phi, double h)
{
    if (phi == 1)
        return h;
    if (h == 1)
        return phi;
    return phi * (1 - pow(phi, h)) / (1 - phi);
}

/* Steps from t_last to t (at least 1: a point is never forecast from
 * itself or from the future). */
static double steps_ahead(const hw *m, double t_last, double t)
{
    double h = (t - t_last) / m->spacing;
    return h >= 1 ? h : 1;
}

/* Forecast h steps ahead of state r, in season slot `slot`, with damping
 * phi; *base receives level plus damped trend. */
static double forecast(const hw *m, const double *S, const hw_run *r, double phi, size_t slot,
                       double h, double *base)
{
    *base = r->level + damp_sum(phi, h) * r->trend;
    if (!m->m)
        return *base;
    return m->mult ? *base * S[slot] : *base + S[slot];
}

/* The smoothing parameters of one run, with what follows from them
 * worked out once per run rather than per point. */
typedef struct hw_coef {
    double a, b, g, phi;
    double ks;   /* the season's clamp, see clean() */
} hw_coef;

static hw_coef coef_of(const hw *m, const double par[HW_NPAR])
{
    double g = par[2];
    return (hw_coef){par[0], par[1], g, par[3],
                     g > 0 ? fmin(SEASON_CLIP, 0.9 * m->z / g) : SEASON_CLIP};
}

/* fmax(x, lo) and fmax(-k, fmin(k, x)) as comparisons: the libm calls
 * (not inlined without -ffast-math) were most of the fitting time.  NaN
 * handling is fmin/fmax's: a NaN x gives lo, and +k. */
static double max_lo(double x, double lo)
{
    return x >= lo ? x : lo;
}

static double clamp_k(double x, double k)
{
    return !(x <= k) ? k : x < -k ? -k : x;
}

/* Learn residual res into the scale and clean it: *rl for the level and
 * trend (clamped to +-2 sigma), *rs for the season (clamped wider, to
 * +-ks = +-min(4, 0.9 z / gamma) sigma: a season slot is revisited only
 * once a period, so it can afford to learn faster, but the echo a spike
 * leaves in its slot, at most gamma times the clamp, stays inside the
 * band). */
static void clean(const hw *m, hw_run *r, double ks, double res, double *rl, double *rs)
{
    r->nres++;
    if (r->nres <= HW_WARM) {
        r->ss += res * res;
        r->sigma = sqrt(r->ss / (double)r->nres);
        *rl = *rs = res;
        return;
    }
    double sg = max_lo(r->sigma, m->floor), u = res / sg, rho = BIWEIGHT_C;
    if (fabs(u) < HUBER_K) {
        double q = 1 - (u / HUBER_K) * (u / HUBER_K);
        rho *= 1 - q * q * q;
    }
    r->sigma = sg * sqrt(1 - SCALE_LAMBDA + SCALE_LAMBDA * rho);
    *rl = sg * clamp_k(u, HUBER_K);
    *rs = sg * clamp_k(u, ks);
}

/* The point x at time t, h steps ahead of r in season slot i, through
 * the smoothing; returns its one-step-ahead residual. */
static double step_at(const hw *m, double *S, hw_run *r, const hw_coef *c, size_t i, double h,
                      double t, double x)
{
    double phi = c->phi, a = c->a, g = c->g, base, lev, rl, rs;
    double yhat = forecast(m, S, r, phi, i, h, &base), res = x - yhat;
    double s = m->m ? S[i] : (m->mult ? 1 : 0);
    clean(m, r, c->ks, res, &rl, &rs);
    double xl = yhat + rl, xs = yhat + rs;
    if (m->mult)
        lev = a * (s > 0 ? xl / s : xl) + (1 - a) * base;
    else
        lev = a * (xl - s) + (1 - a) * base;
    double decay = phi == 1 ? 1 : h == 1 ? phi : pow(phi, h);
    r->trend = c->b * (lev - r->level) / h + (1 - c->b) * decay * r->trend;
    if (m->m && !m->mult)
        S[i] = g * (xs - lev) + (1 - g) * s;
    else if (m->m && lev > 0)
        S[i] = g * xs / lev + (1 - g) * s;
    r->level = lev;
    r->t_last = t;
    return res;
}

/* Start an unfitted model at its first point. */
static void start(hw_run *r, double t, double x)
{
    r->level = x;
    r->trend = 0;
    r->t_last = t;
}

/* One finite point through the smoothing; returns its one-step-ahead
 * residual (NaN for the point that starts an unfitted model). */
static double step(const hw *m, double *S, hw_run *r, const double par[HW_NPAR], double t,
                   double x)
{
    if (isnan(r->level)) {
        start(r, t, x);
        return NAN;
    }
    hw_coef c = coef_of(m, par);
    return step_at(m, S, r, &c, m->m ? slot_of(m, t) : 0, steps_ahead(m, r->t_last, t), t, x);
}

static void hw_update(void *vm, double t, double v)
{
    hw *m = vm;
    if (!isfinite(v) || !isfinite(t))
        return;
    if (isnan(m->r.level) && m->floor == 0)
        m->floor = FLOOR_REL * (v != 0 ? fabs(v) : 1);
    step(m, m->season, &m->r, m->par, t, v);
}

static void hw_band(void *vm, double t, aiops_band *out)
{
    const hw *m = vm;
    out->lower = -INFINITY;
    out->upper = INFINITY;
    out->expected = NAN;
    if (isnan(m->r.level))
        return;
    double base, h = steps_ahead(m, m->r.t_last, t);
    out->expected = forecast(m, m->season, &m->r, m->par[3], m->m ? slot_of(m, t) : 0, h, &base);
    if (m->r.nres < HW_WARM)
        return;
    double half = m->z * max_lo(m->r.sigma, m->floor);
    out->lower = out->expected - half;
    out->upper = out->expected + half;
}

/* ------------------------------------------------------------------ fit */

/* A finite training point as every grid run sees it: its season slot
 * and its steps since the previous point are the same in every run, so
 * they are worked out once (the slot costs an fmod). */
typedef struct hw_pt {
    double t, x, h;
    uint32_t slot;      /* < HW_MAX_SEASON */
    uint32_t scored;    /* its residual counts in the SSE */
} hw_pt;

/* The training window as given (NaN/Inf values are skipped when read). */
typedef struct train {
    const double *ts, *v;
    size_t n, nf;       /* points, finite points */
    double t0;          /* first timestamp */
    hw_pt *pt;          /* the nf finite points, set once the structure is known */
} train;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median positive gap between consecutive timestamps (0 if none). */
static int median_spacing(const train *tr, double *out)
{
    *out = 0;
    if (tr->n < 2)
        return 0;
    double *gap = malloc((tr->n - 1) * sizeof *gap);
    if (!gap)
        return -1;
    size_t ng = 0;
    for (size_t i = 1; i < tr->n; i++)
        if (tr->ts[i] > tr->ts[i - 1])
            gap[ng++] = tr->ts[i] - tr->ts[i - 1];
    if (ng) {
        qsort(gap, ng, sizeof *gap, cmp_double);
        *out = ng % 2 ? gap[ng / 2] : 0.5 * gap[ng / 2 - 1] + 0.5 * gap[ng / 2];
    }
    free(gap);
    return 0;
}

/* Rounding-error floor for sigma from the training values' spread. */
static double sigma_floor(const train *tr)
{
    double sum = 0, sq = 0;
    for (size_t i = 0; i < tr->n; i++)
        if (isfinite(tr->v[i]))
            sum += tr->v[i];
    double mean = tr->nf ? sum / (double)tr->nf : 0;
    for (size_t i = 0; i < tr->n; i++)
        if (isfinite(tr->v[i]))
            sq += (tr->v[i] - mean) * (tr->v[i] - mean);
    if (!tr->nf)
        return 0;   /* set by the first update */
    double f = sqrt(sq / (double)tr->nf) + 1e-3 * fabs(mean);
    return FLOOR_REL * (f > 0 ? f : 1);
}

static size_t season_index(const hw *m, double t)
{
    double k = floor((t - m->t_first) / m->period + 0.5 / (double)m->m);
    return k < 0 ? SIZE_MAX : k > 2 ? 2 : (size_t)k;
}

/* Level, trend and season profile from the first two seasons into S and
 * r (m->m > 0).  acc: 2*m scratch. */
static void init_seasonal(hw *m, const train *tr, double *S, double *acc, hw_run *r)
{
    double sum[2] = {0, 0}, cnt[2] = {0, 0}, mean[2], trend = 0;
    size_t sm = m->m;
    for (size_t i = 0; i < tr->n; i++) {
        size_t k = season_index(m, tr->ts[i]);
        if (k < 2 && isfinite(tr->v[i]))
            sum[k] += tr->v[i], cnt[k]++;
    }
    mean[0] = cnt[0] ? sum[0] / cnt[0] : sum[1] / cnt[1];
    mean[1] = cnt[1] ? sum[1] / cnt[1] : mean[0];
    if (cnt[0] && cnt[1])
        trend = (mean[1] - mean[0]) / (double)sm;
    memset(acc, 0, 2 * sm * sizeof *acc);
    for (size_t i = 0; i < tr->n; i++) {
        size_t k = season_index(m, tr->ts[i]), s = slot_of(m, tr->ts[i]);
        if (k >= 2 || !isfinite(tr->v[i]))
            continue;
        double base = mean[k] + trend * ((double)s - (double)(sm - 1) / 2);
        acc[s] += m->mult ? (base > 0 ? tr->v[i] / base : 1) : tr->v[i] - base;
        acc[sm + s]++;
    }
    double tot = 0;
    for (size_t s = 0; s < sm; s++) {
        S[s] = acc[sm + s] ? acc[s] / acc[sm + s] : (m->mult ? 1 : 0);
        tot += S[s];
    }
    tot /= (double)sm;
    for (size_t s = 0; s < sm; s++)
        S[s] = m->mult ? (tot > 0 ? S[s] / tot : 1) : S[s] - tot;
    *r = (hw_run){.level = mean[0] - trend * ((double)(sm - 1) / 2 + 1),
                  .trend = trend,
                  .t_last = m->t_first - m->spacing};
}

/* The finite points of the window with their slots and steps, as step()
 * would compute them starting from r0. */
static int prepare_points(const hw *m, train *tr, const hw_run *r0)
{
    double from = m->m ? m->t_first + m->period - m->spacing / 2 : -INFINITY;
    double t_last = r0->t_last;
    if (tr->nf && !(tr->pt = malloc(tr->nf * sizeof *tr->pt)))
        return -1;
    for (size_t i = 0, k = 0; i < tr->n; i++) {
        if (!isfinite(tr->v[i]))
            continue;
        double t = tr->ts[i];
        tr->pt[k++] = (hw_pt){.t = t, .x = tr->v[i], .h = steps_ahead(m, t_last, t),
                              .slot = m->m ? (uint32_t)slot_of(m, t) : 0, .scored = t >= from};
        t_last = t;
    }
    return 0;
}

/* Run par over the window from state (S, r); returns the SSE of the
 * residuals from the second season on (all of them without a season) and
 * their count in *cnt.  The run stops early, returning the SSE so far,
 * once that reaches limit: a grid candidate that cannot beat the best so
 * far need not be finished (the sum only grows), which halves the search
 * without changing its outcome. */
static double run(const hw *m, const train *tr, double *S, hw_run *r,
                  const double par[HW_NPAR], double limit, size_t *cnt)
{
    double sse = 0;
    hw_coef c = coef_of(m, par);
    *cnt = 0;
    for (size_t i = 0; i < tr->nf && !(sse >= limit); i++) {
        const hw_pt *p = &tr->pt[i];
        if (isnan(r->level)) {
            start(r, p->t, p->x);
            continue;
        }
        double res = step_at(m, S, r, &c, p->slot, p->h, p->t, p->x);
        if (p->scored) {
            sse += res * res;
            ++*cnt;
        }
    }
    return sse;
}

/* SSE of candidate par from the initial state (S0, r0), or some value
 * >= limit if it is not below limit; S is scratch. */
static double try_par(const hw *m, const train *tr, const double *S0, const hw_run *r0,
                      double *S, const double par[HW_NPAR], double limit)
{
    hw_run r = *r0;
    size_t cnt;
    if (m->m)
        memcpy(S, S0, m->m * sizeof *S);
    return run(m, tr, S, &r, par, limit, &cnt);
}

/* Best alpha, beta, gamma on the grids g (phi as in keep) into keep;
 * *best is the SSE to beat and receives the best one. */
static void search_abg(const hw *m, const train *tr, const double *S0, const hw_run *r0,
                       double *S, const double *const g[HW_NPAR], const size_t ng[HW_NPAR],
                       double keep[HW_NPAR], double *best)
{
    double cand[HW_NPAR];
    memcpy(cand, keep, sizeof cand);
    for (size_t a = 0; a < ng[0]; a++)
        for (size_t b = 0; b < ng[1]; b++)
            for (size_t c = 0; c < ng[2]; c++) {
                cand[0] = g[0][a], cand[1] = g[1][b], cand[2] = g[2][c];
                double sse = try_par(m, tr, S0, r0, S, cand, *best);
                if (sse < *best) {
                    *best = sse;
                    memcpy(keep, cand, HW_NPAR * sizeof *keep);
                }
            }
}

/* Sum of squared errors of the forecasts H points ahead (H = the points
 * of one period) along the window from (S0, r0) with par; ring: 3 H
 * scratch for the last H states.  phi is chosen by these: it changes a
 * one-step forecast by only (1 - phi) * trend, which the noise drowns,
 * but the forecast a period ahead by the whole damped sum.  The season
 * term is the slot's value when the target point arrives, which is the
 * one the origin forecast with unless points are missing.  Stops at limit
 * as run() does. */
static double sse_ahead(const hw *m, const train *tr, const double *S0, const hw_run *r0,
                        double *S, const double par[HW_NPAR], size_t H, double *ring,
                        double limit)
{
    hw_run r = *r0;
    hw_coef c = coef_of(m, par);
    double sse = 0, dH = damp_sum(c.phi, (double)H), *lev = ring, *trd = ring + H,
           *tl = ring + 2 * H;
    if (m->m)
        memcpy(S, S0, m->m * sizeof *S);
    for (size_t i = 0; i < tr->nf && !(sse >= limit); i++) {
        const hw_pt *p = &tr->pt[i];
        size_t k = i % H;
        if (isnan(r.level)) {
            start(&r, p->t, p->x);
        } else {
            if (i >= H && p->scored) {
                double h = (p->t - tl[k]) / m->spacing;
                double f, base = lev[k] + (h == (double)H ? dH : damp_sum(c.phi, h)) * trd[k];
                if (!m->m)
                    f = base;
                else
                    f = m->mult ? base * S[p->slot] : base + S[p->slot];
                sse += (p->x - f) * (p->x - f);
            }
            step_at(m, S, &r, &c, p->slot, p->h, p->t, p->x);
        }
        lev[k] = r.level, trd[k] = r.trend, tl[k] = r.t_last;
    }
    return sse;
}

/* Pick the free parameters: alpha, beta and gamma on their grid by the
 * one-step SSE with phi at its default; then phi on its grid with those
 * fixed, by the SSE a period ahead (sse_ahead; by the one-step SSE when
 * a period is under 2 points); then, if phi moved, beta again by the
 * one-step SSE for that phi, as the trend smoothing and the damping
 * trade off (a noisy ramp wants phi 1 and a slow beta), while alpha and
 * gamma hardly interact with phi.  48 + 5 + 3 runs instead of 240. */
static int grid_search(hw *m, const train *tr, const double *S0, const hw_run *r0, double *S)
{
    const double *g[HW_NPAR] = {grid_alpha, grid_beta, grid_gamma, grid_phi};
    size_t ng[HW_NPAR] = {sizeof grid_alpha / sizeof *grid_alpha,
                          sizeof grid_beta / sizeof *grid_beta,
                          sizeof grid_gamma / sizeof *grid_gamma,
                          sizeof grid_phi / sizeof *grid_phi};
    double best = INFINITY, keep[HW_NPAR], cand[HW_NPAR], *ring = NULL;
    for (int p = 0; p < HW_NPAR; p++)
        if (!isnan(m->user[p]) || (p == 2 && !m->m))
            g[p] = &m->par[p], ng[p] = 1;
    memcpy(keep, m->par, sizeof keep);
    search_abg(m, tr, S0, r0, S, g, ng, keep, &best);
    double phi0 = keep[3], per = round(m->period / m->spacing), best_phi = INFINITY;
    size_t H = per < (double)(tr->nf / 2) ? (size_t)per : tr->nf / 2;
    if (ng[3] > 1 && H >= 2 && !(ring = malloc(3 * H * sizeof *ring)))
        return -1;
    memcpy(cand, keep, sizeof cand);
    for (size_t f = 0; f < ng[3]; f++) {
        cand[3] = g[3][f];
        double e = ring ? sse_ahead(m, tr, S0, r0, S, cand, H, ring, best_phi)
                        : try_par(m, tr, S0, r0, S, cand, best_phi);
        if (e < best_phi) {
            best_phi = e;
            keep[3] = cand[3];
        }
    }
    free(ring);
    if (keep[3] != phi0 && ng[1] > 1) {
        double a0 = keep[0], c0 = keep[2];
        const double *gb[HW_NPAR] = {&a0, g[1], &c0, &keep[3]};
        size_t nb[HW_NPAR] = {1, ng[1], 1, 1};
        best = INFINITY;
        search_abg(m, tr, S0, r0, S, gb, nb, keep, &best);
    }
    memcpy(m->par, keep, sizeof keep);
    return 0;
}

/* Decide spacing, season and floor from the window; allocates the season. */
static int fit_structure(hw *m, const train *tr, aiops_err *err)
{
    if (median_spacing(tr, &m->spacing))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "holtwinters: out of memory");
    if (!(m->spacing > 0))
        m->spacing = HW_DEFAULT_SPACING;
    m->floor = sigma_floor(tr);
    m->t_first = tr->t0;
    double sm = round(m->period / m->spacing);
    double span = tr->n ? tr->ts[tr->n - 1] - tr->t0 + m->spacing : 0;
    if (sm < 2 || span < 2 * m->period)
        return 0;
    if (sm > HW_MAX_SEASON)
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "holtwinters: a period of %g s at %g s spacing is %.0f points, "
                             "max %u",
                             m->period, m->spacing, sm, HW_MAX_SEASON);
    if (!(m->season = malloc((size_t)sm * sizeof *m->season)))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "holtwinters: out of memory");
    m->m = (size_t)sm;
    return 0;
}

static int check_positive(const hw *m, const train *tr, aiops_err *err)
{
    for (size_t i = 0; m->mult && i < tr->n; i++)
        if (isfinite(tr->v[i]) && !(tr->v[i] > 0))
            return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                                 "holtwinters: multiplicative season needs values > 0, got "
                                 "%g at t=%.3f",
                                 tr->v[i], tr->ts[i]);
    return 0;
}

static int hw_fit(void *vm, const double *ts, const double *v, size_t n, aiops_err *err)
{
    hw *m = vm;
    train tr = {ts, v, n, 0, n ? ts[0] : 0, NULL};
    for (size_t i = 0; i < n; i++)
        tr.nf += isfinite(v[i]) != 0;
    hw_reset(m);
    int rc = check_positive(m, &tr, err);
    if (rc || (rc = fit_structure(m, &tr, err)))
        return rc;
    double *scratch = NULL;
    hw_run r0 = m->r;
    if (m->m) {
        if (!(scratch = malloc(3 * m->m * sizeof *scratch)))
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "holtwinters: out of memory");
        init_seasonal(m, &tr, scratch, scratch + m->m, &r0);
    }
    if (prepare_points(m, &tr, &r0)) {
        free(scratch);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "holtwinters: out of memory");
    }
    if (tr.nf >= HW_MIN_FIT && grid_search(m, &tr, scratch, &r0, m->season)) {
        free(scratch);
        free(tr.pt);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "holtwinters: out of memory");
    }
    if (m->m)
        memcpy(m->season, scratch, m->m * sizeof *scratch);
    free(scratch);
    m->r = r0;
    size_t cnt;
    double sse = run(m, &tr, m->season, &m->r, m->par, INFINITY, &cnt);
    free(tr.pt);
    if (cnt >= HW_WARM && isfinite(sse))
        m->r.sigma = sqrt(sse / (double)cnt);
    return 0;
}

/* ------------------------------------------------------------ save/load */

/* Non-finite numbers (a level not yet started is NaN) are written as the
 * Prometheus spellings, which JSON reals cannot hold. */
static json_t *num_json(double v)
{
    char buf[32];
    if (isfinite(v))
        return json_real(v);
    aiops_fmt_double(v, buf);
    return json_string(buf);
}

static int num_get(const json_t *o, const char *key, double *out)
{
    const json_t *j = json_object_get(o, key);
    if (json_is_number(j)) {
        *out = json_number_value(j);
        return 0;
    }
    if (json_is_string(j))
        return aiops_parse_double(json_string_value(j), json_string_length(j), out);
    return -1;
}

static json_t *hw_save(const void *vm)
{
    const hw *m = vm;
    json_t *season = json_array();
    for (size_t i = 0; season && i < m->m; i++)
        if (json_array_append_new(season, num_json(m->season[i]))) {
            json_decref(season);
            season = NULL;
        }
    if (!season)
        return NULL;
    return json_pack(
        "{s:s, s:i, s:{s:o, s:o, s:o, s:o, s:o, s:o, s:i}, s:{s:I, s:o, s:o, s:o, s:o, s:o,"
        " s:o, s:o, s:o, s:I, s:o}}",
        "model", "holtwinters", "version", HW_STATE_VERSION, "params", "alpha",
        num_json(m->par[0]), "beta", num_json(m->par[1]), "gamma", num_json(m->par[2]), "phi",
        num_json(m->par[3]), "width", num_json(m->width), "period", num_json(m->period),
        "multiplicative", m->mult, "state", "season_points",
        (json_int_t)m->m, "spacing", num_json(m->spacing), "t_first", num_json(m->t_first),
        "floor", num_json(m->floor), "level", num_json(m->r.level), "trend",
        num_json(m->r.trend), "sigma", num_json(m->r.sigma), "ss", num_json(m->r.ss),
        "t_last", num_json(m->r.t_last), "nres", (json_int_t)m->r.nres, "season", season);
}

/* Numbers of the saved object into tmp (params, then state).  Version 1
 * states predate the damped trend: they have no phi and forecast as
 * phi = 1 did, so they load as exactly that. */
static int load_numbers(hw *tmp, json_int_t version, const json_t *par, const json_t *st)
{
    static const char *const pk[] = {"alpha", "beta", "gamma", "width", "period", "phi"};
    static const char *const sk[] = {"spacing", "t_first", "floor", "level",
                                     "trend",   "sigma",   "ss",    "t_last"};
    double *pd[] = {&tmp->par[0], &tmp->par[1], &tmp->par[2],
                    &tmp->width,  &tmp->period, &tmp->par[3]};
    double *sd[] = {&tmp->spacing, &tmp->t_first, &tmp->floor, &tmp->r.level,
                    &tmp->r.trend, &tmp->r.sigma, &tmp->r.ss,  &tmp->r.t_last};
    tmp->par[3] = 1;
    for (size_t i = 0; i < (version >= 2 ? 6u : 5u); i++)
        if (num_get(par, pk[i], pd[i]))
            return -1;
    for (size_t i = 0; i < 8; i++)
        if (num_get(st, sk[i], sd[i]))
            return -1;
    return 0;
}

static int load_valid(const hw *t)
{
    return t->par[0] > 0 && t->par[0] <= 1 && t->par[1] >= 0 && t->par[1] <= 1 &&
           t->par[2] >= 0 && t->par[2] <= 1 && t->par[3] > 0 && t->par[3] <= 1 &&
           t->width > 0 && t->width < 1 &&
           t->period > 0 && isfinite(t->period) && t->spacing > 0 && isfinite(t->spacing) &&
           t->floor >= 0 && isfinite(t->floor) && t->r.sigma >= 0 && t->r.ss >= 0 &&
           isfinite(t->r.trend) && (isnan(t->r.level) || isfinite(t->r.t_last)) &&
           t->m <= HW_MAX_SEASON;
}

static int load_season(hw *t, const json_t *a)
{
    if (json_array_size(a) != t->m)
        return -1;
    if (t->m && !(t->season = malloc(t->m * sizeof *t->season)))
        return -1;
    for (size_t i = 0; i < t->m; i++) {
        const json_t *e = json_array_get(a, i);
        if (!json_is_number(e) || !isfinite(json_number_value(e)))
            return -1;
        t->season[i] = json_number_value(e);
    }
    return 0;
}

static int hw_load(void *vm, const json_t *j, aiops_err *err)
{
    hw *m = vm, t = *m;
    const char *name = NULL;
    json_t *par = NULL, *st = NULL, *season = NULL;
    json_int_t sm = -1, nres = -1, version = 1;
    int mult = -1;
    json_error_t je;
    if (json_unpack_ex((json_t *)j, &je, 0, "{s:s, s?I, s:o, s:o}", "model", &name, "version",
                       &version, "params", &par, "state", &st) ||
        json_unpack_ex(par, &je, 0, "{s:i}", "multiplicative", &mult) ||
        json_unpack_ex(st, &je, 0, "{s:I, s:I, s:o}", "season_points", &sm, "nres", &nres,
                       "season", &season))
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                             "holtwinters state: expected {\"model\",\"params\",\"state\"} as "
                             "written by save: %s",
                             je.text);
    if (strcmp(name, "holtwinters"))
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                             "holtwinters state: expected model \"holtwinters\", got \"%s\"",
                             name);
    if (version < 1 || version > HW_STATE_VERSION)
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                             "holtwinters state: expected version 1 (undamped) or %d (damped "
                             "trend), got version %lld: saved by another aiops-fit, refit it",
                             HW_STATE_VERSION, (long long)version);
    t.season = NULL;
    t.m = sm < 0 ? SIZE_MAX : (size_t)sm;
    t.mult = mult == 1;
    t.r.nres = nres < 0 ? 0 : (uint64_t)nres;
    if (load_numbers(&t, version, par, st) || mult < 0 || mult > 1 || nres < 0 || !load_valid(&t) ||
        load_season(&t, season)) {
        free(t.season);
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                             "holtwinters state: expected numeric params (alpha, beta, gamma "
                             "in [0, 1], phi in (0, 1] from version 2 on, width in (0, 1), "
                             "period > 0) and state (season of season_points numbers)");
    }
    for (int p = 0; p < HW_NPAR; p++)
        t.user[p] = t.par[p];
    t.z = z_for_width(t.width);
    free(m->season);
    *m = t;
    return 0;
}

const aiops_model_ops aiops_model_holtwinters = {
    .name = "holtwinters",
    .desc = "Holt-Winters triple exponential smoothing, damped trend, 99% one-step intervals "
            "(period 1d)",
    .create = hw_create,
    .destroy = hw_destroy,
    .fit = hw_fit,
    .band = hw_band,
    .update = hw_update,
    .save = hw_save,
    .load = hw_load,
};
