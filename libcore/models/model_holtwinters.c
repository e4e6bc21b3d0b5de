/* model_holtwinters.c - triple exponential smoothing (additive or
 * multiplicative season, damped additive trend, first-order
 * autocorrelated errors) with prediction intervals.
 *
 * Structure, decided by fit():
 *  - spacing: the median gap between training timestamps (60 s if the
 *    window cannot tell); the season is m = round(period / spacing) points
 *    (period default 1 day).  Points are placed in the season by their
 *    time, not their count (slot = nearest of m equal slots of the period,
 *    phase relative to the first training timestamp), so gaps and missing
 *    points do not shift the season, and the trend is extrapolated over
 *    h = gap / spacing steps.
 *  - with at least two seasons of training the model is seasonal, with
 *    less it is Holt's linear trend (no season).  The initial state (of
 *    the step before the first point) is a least-squares fit to the whole
 *    window: x = a + b t + s(slot), t in steps, one common slope within
 *    the slots and the s summing to 0 (init_state(); multiplicative: each
 *    slot's mean over the line at its mean time, the s averaging 1).  All
 *    m seasons come from all the data rather than from the first two
 *    periods, so a season that the window shows to be stable can be kept
 *    as it is (gamma 0) instead of being relearnt from noisy starting
 *    values; every point counts in the sums of squares below.  (Refining
 *    the initial state jointly with the parameters, as statsmodels does,
 *    adds m + 2 unknowns and forecast no better in bench/fit.sh.)
 *  - the trend is damped (Gardner & McKenzie 1985): h steps ahead the
 *    forecast adds (phi + phi^2 + .. + phi^h) * trend instead of h * trend,
 *    and the trend decays by phi per step between updates.  An undamped
 *    trend learnt at the end of the window (a weekday ramp, a weekend
 *    dip) would otherwise be carried linearly through the whole horizon
 *    of a forecast; damped, it adds at most phi / (1 - phi) steps' worth.
 *    One step ahead the difference is (1 - phi) * trend, negligible.
 *  - the errors may be autocorrelated (Gilchrist 1976; Taylor 2003 for
 *    Holt-Winters): the forecast h steps ahead adds rho^h times the last
 *    point's residual from the smoothing's own forecast, cleaned (below),
 *    which the state carries ("carry").  Load that drifts for an hour
 *    and comes back is then followed by this term while the level itself
 *    is smoothed slowly; a forecast far ahead is not changed by it.  Only
 *    with a season: Holt's model stands in for windows too short to show
 *    the cycle, which is left to the level, and a carried error fitted
 *    there turns it into one that reverts to a level behind the cycle
 *    (sustained misses at each turn of the day, in the scenarios).
 *  - the parameters that were not given (phi and rho never are) are fitted
 *    to the one-step-ahead errors over the window (search()), by their
 *    Huber loss: squares up to 2 scales (below) and linear beyond, so
 *    that a few spikes, whose squares would outweigh all the other
 *    points, cannot buy parameters that shave a little off them.  First
 *    alpha, beta, gamma on a coarse grid (phi 0.98, rho 0), then refined
 *    by Levenberg-Marquardt (lsq.h) on the normal equations of the exact
 *    derivatives of the recursion (sens_step()) within alpha in
 *    [0.001, 1], beta and gamma in [0, 1];
 *    the level's clamp (below); rho in [0, 0.98], refined with the others
 *    and kept if the likelihood-ratio test of the extra parameter finds
 *    it significant at 0.1%; phi on its grid 0.8 .. 0.995 (statsmodels'
 *    range; ets() stops at 0.98) by the squared errors a period ahead,
 *    which it decides far more than the one-step ones (sse_ahead()), and
 *    the others refined again if it moved.  Undamped (phi = 1, which a
 *    steady ramp needs to be followed without lag) only when it lowers
 *    those by HW_GAIN (5%) or more: a trend carried without limit must
 *    earn it.  With fewer than HW_MIN_FIT points the defaults
 *    0.3/0.05/0.1/0.98, rho 0, are used.
 *  - the fitting runs clean the points as scoring does (below) but hold
 *    the scale fixed at a robust one of the window's residuals (1.4826
 *    times their median absolute value, of the default parameters first
 *    and then of the best grid point): learning the scale costs a
 *    division and a square root per point on the critical path, and a
 *    fixed scale makes the derivatives exact.
 *  - the level's clamp (below) is the robust 2 sigma unless the window
 *    shows that to cost accuracy: the parameters are refined once more
 *    with the level clamped at 4 sigma (only gross outliers: a drift the
 *    season does not hold, which pushes many normal residuals past 2
 *    sigma, is then followed) and once more unclamped, and each looser
 *    clamp is kept only if it lowers the loss by HW_GAIN or more.  Only
 *    residuals that are level shifts rather than spikes get the level
 *    unclamped (a daily season on data with a weekly pattern: each
 *    weekend is a shift a clamp would make the level crawl after, point
 *    by point); a spike left unclamped would echo through the level into
 *    follow-up false alarms, which the 4-sigma clamp prevents.  The season and the
 *    carried error keep their clamps either way, and the season then
 *    learns against the level its own point makes, not the one the
 *    unclamped point made (which would put the spike, negated, into the
 *    slot a period later).
 *  - saved states carry "version": 3, params phi, rho and k_level and
 *    state carry.  Older states load as they forecast when saved: without
 *    a version (before the damping) as phi = 1, version 2 as rho 0 and the
 *    level clamped at 2 sigma.  Non-finite numbers are spelled as model.h
 *    says (a level not started: null; an unclamped level: "+Inf"); the
 *    "NaN" that older states wrote still loads.
 *
 * Interval: forecast +- z * sigma, z the normal quantile of width (default
 * 0.99 -> 2.576), sigma the RMS one-step-ahead error over the training
 * window, on n - m - 2 degrees of freedom (the initial state was fitted
 * to the same points; at least n / 4).  While scoring, sigma follows the
 * residuals with the robust recursive scale of Gelper, Fried & Croux
 * (2010, "Robust forecasting with exponential and Holt-Winters
 * smoothing"): sigma^2 <- (1-l) sigma^2 + l * c * bw(r / sigma) sigma^2
 * with bw the bounded biweight loss (l = 0.05), and the smoothing learns
 * Huber-cleaned points: forecast + clamp(r, +-2 sigma) for level and
 * trend (unless fit() dropped that clamp, above) and the carried error, a
 * wider clamp for the season (see clean()).  So one spike is flagged but neither drags the
 * level/season nor blows up the interval, while a lasting change widens
 * sigma by up to ~4% per point until the smoothing catches up.  sigma
 * never goes below a floor of 1e-9 of the training data's scale, so
 * noise-free data does not produce intervals narrower than rounding
 * error.  The band is open until HW_WARM residuals have been seen. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "models/model.h"
#include "models/numeric/lsq.h"

#define HW_DEFAULT_WIDTH 0.99
#define HW_DEFAULT_PERIOD 86400.0
#define HW_DEFAULT_SPACING 60.0
#define HW_SHORT_ALPHA 0.3
#define HW_SHORT_BETA 0.05
#define HW_SHORT_GAMMA 0.1
#define HW_DEFAULT_PHI 0.98
#define HW_NPAR 5          /* alpha, beta, gamma, phi, rho */
#define HW_NFREE 4         /* refined continuously: alpha, beta, gamma, rho */
#define HW_STATE_VERSION 3 /* 1 (no "version"): undamped, no phi; 2: no rho, k_level */
#define HW_MAX_RHO 0.98
#define HW_MIN_FIT 20
#define HW_WARM 10
#define HW_MAX_SEASON (1u << 20)
#define HUBER_K 2.0
#define SEASON_CLIP 4.0
#define BIWEIGHT_C 2.5153 /* 1 / E[bw(Z)], Z normal, biweight with k = 2 */
#define SCALE_LAMBDA 0.05
#define FLOOR_REL 1e-9

/* The evolving part of the state (copied per grid candidate). */
typedef struct hw_run {
    double level, trend;   /* level NaN: not started */
    double sigma, ss;      /* residual scale; sum of squares during warm-up */
    double t_last;
    double carry;          /* the last point's cleaned residual from the smoothing's
                              forecast, which rho carries into the next (see ar_term()) */
    uint64_t nres;         /* residuals seen */
} hw_run;

typedef struct hw {
    double user[HW_NPAR];  /* alpha, beta, gamma, phi, rho as given; NaN = fit */
    double par[HW_NPAR];   /* alpha, beta, gamma, phi, rho in use */
    double klev;           /* the level's clamp in sigmas: HUBER_K, WIDE_K or Inf (clean()) */
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
    m->r = (hw_run){.level = NAN, .trend = 0, .sigma = 0, .ss = 0, .t_last = NAN, .carry = 0,
                    .nres = 0};
    m->klev = HUBER_K;
    static const double def[HW_NPAR] = {HW_SHORT_ALPHA, HW_SHORT_BETA, HW_SHORT_GAMMA,
                                        HW_DEFAULT_PHI, 0};
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
    m->user[3] = NAN;   /* phi and rho have no command-line parameter: always fitted */
    m->user[4] = NAN;
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

/* The autocorrelated part of the error h steps ahead: rho^h times the
 * last residual carried (rho 0: none). */
static double ar_term(double rho, double h, double carry)
{
    if (rho == 0)
        return 0;
    return (h == 1 ? rho : pow(rho, h)) * carry;
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
    double a, b, g, phi, rho;
    double kl, ks;   /* the level's and the season's clamps in sigmas, see clean() */
    double fix;      /* > 0: a fitting run, the scale held at fix (see fit_coef()) */
    double bl, bs;   /* then the clamps as bounds on the residual: kl fix, ks fix, */
    double bc;       /* and HUBER_K fix for the carried error */
    double hl;       /* and the loss's: squares up to hl, linear beyond (see loss()) */
} hw_coef;

static hw_coef coef_of(const hw *m, const double par[HW_NPAR])
{
    double g = par[2];
    return (hw_coef){par[0], par[1], g, par[3], par[4], m->klev,
                     g > 0 ? fmin(SEASON_CLIP, 0.9 * m->z / g) : SEASON_CLIP, 0, 0, 0, 0,
                     INFINITY};
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

/* The residual of one point, cleaned three ways (see clean()). */
typedef struct hw_clean {
    double l, s, c;   /* for the level and trend, the season, the carried error */
} hw_clean;

/* Learn residual res into the scale and clean it: for the level and
 * trend clamped to +-kl sigma (kl = 2, 4 or no clamp, chosen by fit()
 * on the window, see choose_clamp()), for the season
 * clamped wider, to +-ks = +-min(4, 0.9 z / gamma) sigma (a season slot
 * is revisited only once a period, so it can afford to learn faster, but
 * the echo a spike leaves in its slot, at most gamma times the clamp,
 * stays inside the band), and for the carried error always to +-2 sigma
 * (the next forecast is moved by at most rho times that).  A fitting run
 * (c->fix > 0) holds the scale fixed instead of learning it.  Returns
 * which were clamped: bit 0 the level's, 1 the season's, 2 the carry's. */
static int clean(const hw *m, hw_run *r, const hw_coef *c, double res, hw_clean *out)
{
    if (c->fix > 0) {
        out->l = clamp_k(res, c->bl);
        out->s = clamp_k(res, c->bs);
        out->c = clamp_k(res, c->bc);
        double a = fabs(res);
        return (a <= c->bl ? 0 : 1) | (a <= c->bs ? 0 : 2) | (a <= c->bc ? 0 : 4);
    }
    r->nres++;
    if (r->nres <= HW_WARM) {
        r->ss += res * res;
        r->sigma = sqrt(r->ss / (double)r->nres);
        out->l = out->s = out->c = res;
        return 0;
    }
    double sg = max_lo(r->sigma, m->floor), u = res / sg, bw = BIWEIGHT_C;
    if (fabs(u) < HUBER_K) {
        double q = 1 - (u / HUBER_K) * (u / HUBER_K);
        bw *= 1 - q * q * q;
    }
    r->sigma = sg * sqrt(1 - SCALE_LAMBDA + SCALE_LAMBDA * bw);
    out->l = sg * clamp_k(u, c->kl);
    out->s = sg * clamp_k(u, c->ks);
    out->c = sg * clamp_k(u, HUBER_K);
    return 0;
}

/* The level that point x makes of the forecast's base with season value
 * s. */
static double level_of(const hw *m, double a, double x, double s, double base)
{
    if (m->mult)
        return a * (s > 0 ? x / s : x) + (1 - a) * base;
    return a * (x - s) + (1 - a) * base;
}

/* What one smoothing step saw and did (for the sensitivities in
 * gn_pass()): the state before it, the forecast and its parts, the
 * cleaned points (level's, season's, carry's), the new level and the one
 * the season learnt against. */
typedef struct hw_trace {
    double level, trend, carry, base, s, yhw, xl, xs, xc, lev, levs, decay;
    int clamped;
} hw_trace;

/* The point x at time t, h steps ahead of r in season slot i, through
 * the smoothing; returns its one-step-ahead residual, and what the step
 * did into *tc unless that is NULL.  The season learns against the level
 * of whichever of its point and the level's is clamped tighter: the
 * level's while that is clamped (at 2 sigma), else its own, so that a
 * spike the level follows is not echoed, negated, in the slot a period
 * later. */
static double step_at(const hw *m, double *S, hw_run *r, const hw_coef *c, size_t i, double h,
                      double t, double x, hw_trace *tc)
{
    double phi = c->phi, a = c->a, g = c->g, base;
    double yhw = forecast(m, S, r, phi, i, h, &base), yhat = yhw + ar_term(c->rho, h, r->carry);
    double res = x - yhat, s = m->m ? S[i] : (m->mult ? 1 : 0);
    hw_clean cr;
    int cl = clean(m, r, c, res, &cr);
    double xl = yhat + cr.l, xs = yhat + cr.s, xc = yhat + cr.c;
    double lev = level_of(m, a, xl, s, base);
    double levs = c->kl <= c->ks ? lev : level_of(m, a, xs, s, base);
    double decay = phi == 1 ? 1 : h == 1 ? phi : pow(phi, h);
    if (tc)
        *tc = (hw_trace){r->level, r->trend, r->carry, base, s, yhw, xl, xs, xc, lev, levs,
                         decay, cl};
    r->carry = xc - yhw;
    double slope = c->b * (lev - r->level);   /* a division on the chain, unless h is 1 */
    r->trend = (h == 1 ? slope : slope / h) + (1 - c->b) * decay * r->trend;
    if (m->m && !m->mult)
        S[i] = g * (xs - levs) + (1 - g) * s;
    else if (m->m && levs > 0)
        S[i] = g * xs / levs + (1 - g) * s;
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
    return step_at(m, S, r, &c, m->m ? slot_of(m, t) : 0, steps_ahead(m, r->t_last, t), t, x,
                   NULL);
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
    out->expected = forecast(m, m->season, &m->r, m->par[3], m->m ? slot_of(m, t) : 0, h, &base) +
                    ar_term(m->par[4], h, m->r.carry);
    if (m->r.nres < HW_WARM)
        return;
    double half = m->z * max_lo(m->r.sigma, m->floor);
    out->lower = out->expected - half;
    out->upper = out->expected + half;
}

/* ------------------------------------------------------------------ fit */

/* A finite training point as every fitting run sees it: its season slot
 * and its steps since the previous point are the same in every run, so
 * they are worked out once (the slot costs an fmod). */
typedef struct hw_pt {
    double t, x, h;
    size_t slot;
} hw_pt;

/* The training window as given (NaN/Inf values are skipped when read). */
typedef struct train {
    const double *ts, *v;
    size_t n, nf;       /* points, finite points */
    double t0;          /* first timestamp */
    hw_pt *pt;          /* the nf finite points, set once the structure is known */
} train;

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

/* Sums per season slot for the regression in init_state(). */
typedef struct slot_sums {
    double n, t, x, tx, tt;
} slot_sums;

/* The common slope of x on t within the slots (0 if t does not vary). */
static double within_slope(const slot_sums *ss, size_t ns)
{
    double num = 0, den = 0;
    for (size_t j = 0; j < ns; j++)
        if (ss[j].n) {
            num += ss[j].tx - ss[j].t * ss[j].x / ss[j].n;
            den += ss[j].tt - ss[j].t * ss[j].t / ss[j].n;
        }
    return den > 0 && isfinite(num / den) ? num / den : 0;
}

/* The initial state when the sums overflowed (values near the largest
 * double): the first value, no trend, no season. */
static void init_flat(const hw *m, const train *tr, double *S, hw_run *r)
{
    for (size_t j = 0; j < m->m; j++)
        S[j] = m->mult ? 1 : 0;
    r->trend = 0;
    for (size_t i = 0; i < tr->n; i++)
        if (isfinite(tr->v[i])) {
            r->level = tr->v[i];
            break;
        }
}

/* Initial level, trend and season profile (S, m->m values) by least
 * squares over the whole window: x = a + b t + s(slot), t in steps from
 * the first point, with the s summing to 0 (multiplicative: s(slot) =
 * the slot's mean over the line at its mean time, the s averaging 1).
 * The state is that of the step before the first point.  ss: m->m (at
 * least 1) scratch. */
static void init_state(hw *m, const train *tr, double *S, slot_sums *ss, hw_run *r)
{
    size_t ns = m->m ? m->m : 1;
    memset(ss, 0, ns * sizeof *ss);
    for (size_t i = 0; i < tr->n; i++) {
        if (!isfinite(tr->v[i]))
            continue;
        slot_sums *q = &ss[m->m ? slot_of(m, tr->ts[i]) : 0];
        double t = (tr->ts[i] - m->t_first) / m->spacing, x = tr->v[i];
        q->n++, q->t += t, q->x += x, q->tx += t * x, q->tt += t * t;
    }
    double b = within_slope(ss, ns), a = 0, na = 0, tot = 0;
    for (size_t j = 0; j < ns; j++)
        if (ss[j].n)
            a += (ss[j].x - b * ss[j].t) / ss[j].n, na++;
    a = na ? a / na : 0;
    for (size_t j = 0; j < m->m; j++) {
        double mt = ss[j].n ? ss[j].t / ss[j].n : 0, line = a + b * mt;
        if (!ss[j].n)
            S[j] = m->mult ? 1 : 0;
        else if (m->mult)
            S[j] = line > 0 ? ss[j].x / ss[j].n / line : 1;
        else
            S[j] = (ss[j].x - b * ss[j].t) / ss[j].n - a;
        tot += S[j];
    }
    if (m->mult && m->m) {
        tot /= (double)m->m;
        for (size_t j = 0; j < m->m; j++)
            S[j] = tot > 0 ? S[j] / tot : 1;
        a *= tot > 0 ? tot : 1;
        b *= tot > 0 ? tot : 1;
    }
    *r = (hw_run){.level = na ? a - b : NAN, .trend = b, .t_last = m->t_first - m->spacing};
    if (na && !(isfinite(a - b) && isfinite(b * (double)tr->n)))
        init_flat(m, tr, S, r);
}

/* The finite points of the window with their slots and steps, as step()
 * would compute them starting from r0. */
static int prepare_points(const hw *m, train *tr, const hw_run *r0)
{
    double t_last = r0->t_last;
    if (tr->nf && !(tr->pt = malloc(tr->nf * sizeof *tr->pt)))
        return -1;
    for (size_t i = 0, k = 0; i < tr->n; i++) {
        if (!isfinite(tr->v[i]))
            continue;
        double t = tr->ts[i];
        tr->pt[k++] = (hw_pt){.t = t, .x = tr->v[i], .h = steps_ahead(m, t_last, t),
                              .slot = m->m ? slot_of(m, t) : 0};
        t_last = t;
    }
    return 0;
}

/* The fitting runs' loss of residual e: Huber's, e^2 up to hl and
 * growing linearly beyond, so that a few spikes in the window (whose own
 * squared errors would outweigh everything else) cannot buy the
 * parameters that shave a little off them; hl Inf: squares. */
static double loss(double e, double hl)
{
    double a = fabs(e);
    return a <= hl ? e * e : hl * (2 * a - hl);
}

/* Run c over the window from state (S, r); returns the sum of the loss of
 * its one-step-ahead residuals (each of them in res unless NULL).  The run
 * stops early, returning the loss so far, once that reaches limit: a
 * candidate that cannot beat the best so far need not be finished (the
 * sum only grows), which halves a grid search without changing its
 * outcome. */
static double run(const hw *m, const train *tr, double *S, hw_run *r, const hw_coef *c,
                  double limit, double *res)
{
    double sse = 0;
    for (size_t i = 0; i < tr->nf && !(sse >= limit); i++) {
        const hw_pt *p = &tr->pt[i];
        double e = step_at(m, S, r, c, p->slot, p->h, p->t, p->x, NULL);
        sse += loss(e, c->hl);
        if (res)
            res[i] = e;
    }
    return sse;
}

/* The fitting searches all start from the same initial state (S0, r0)
 * and run on scratch S. */
typedef struct hw_search {
    const train *tr;
    const double *S0;
    const hw_run *r0;
    double *S;
    double *dS;    /* NF m scratch for gn_pass() */
    double *res;   /* nf scratch for the residuals */
    double scale;  /* the fitting runs' fixed scale */
} hw_search;

/* Loss of the run c from the initial state, or some value >= limit if it
 * is not below limit. */
static double try_coef(const hw *m, const hw_search *hs, const hw_coef *c, double limit)
{
    hw_run r = *hs->r0;
    if (m->m)
        memcpy(hs->S, hs->S0, m->m * sizeof *hs->S);
    return run(m, hs->tr, hs->S, &r, c, limit, NULL);
}

/* A fitting run's coefficients: par with the level clamped at kl scales
 * and the scale held at sf (Inf: nothing clamped).  Fitting runs learn
 * no scale: the recursion that follows changes while scoring is a chain
 * of a division and a square root per point, most of a run's time, and
 * over a window whose scale is known it would only add noise to the
 * comparison of candidates. */
static hw_coef fit_coef(const hw *m, const double par[HW_NPAR], double kl, double sf)
{
    hw_coef c = coef_of(m, par);
    c.kl = kl;
    c.fix = sf;
    c.bl = kl * sf;
    c.bs = c.ks * sf;
    c.bc = HUBER_K * sf;
    c.hl = HUBER_K * sf;
    return c;
}

/* Robust scale of the one-step residuals of run c: 1.4826 times their
 * median absolute value (the normal sigma), at least the floor. */
static double resid_scale(const hw *m, const hw_search *hs, const hw_coef *c)
{
    hw_run r = *hs->r0;
    size_t n = hs->tr->nf;
    if (m->m)
        memcpy(hs->S, hs->S0, m->m * sizeof *hs->S);
    run(m, hs->tr, hs->S, &r, c, INFINITY, hs->res);
    for (size_t i = 0; i < n; i++)
        hs->res[i] = isnan(hs->res[i]) ? INFINITY : fabs(hs->res[i]);
    double med = n ? aiops_select_kth(hs->res, n, n / 2) : 0;
    return max_lo(1.4826 * med, m->floor > 0 ? m->floor : 1e-300);
}

/* Best alpha, beta, gamma on the grids g (phi as in keep) into keep, by
 * fitting runs with level clamp kl; *best is the loss to beat and
 * receives the best one. */
static void search_abg(const hw *m, const hw_search *hs, const double *const g[4],
                       const size_t ng[4], double kl, double keep[HW_NPAR], double *best)
{
    double cand[HW_NPAR];
    memcpy(cand, keep, sizeof cand);
    for (size_t a = 0; a < ng[0]; a++)
        for (size_t b = 0; b < ng[1]; b++)
            for (size_t c = 0; c < ng[2]; c++) {
                cand[0] = g[0][a], cand[1] = g[1][b], cand[2] = g[2][c];
                hw_coef cf = fit_coef(m, cand, kl, hs->scale);
                double sse = try_coef(m, hs, &cf, *best);
                if (sse < *best) {
                    *best = sse;
                    memcpy(keep, cand, HW_NPAR * sizeof *keep);
                }
            }
}

/* Sum of squared errors of the forecasts H points ahead (H = the points
 * of one period) along the window of run c; ring: 4 H scratch for the
 * last H states.  phi is chosen by these: it changes a one-step forecast
 * by only (1 - phi) * trend, which the noise drowns, but the forecast a
 * period ahead by the whole damped sum.  The season term is the slot's
 * value when the target point arrives, which is the one the origin
 * forecast with unless points are missing.  Stops at limit as run()
 * does. */
static double sse_ahead(const hw *m, const hw_search *hs, const hw_coef *c, size_t H,
                        double *ring, double limit)
{
    hw_run r = *hs->r0;
    const train *tr = hs->tr;
    double sse = 0, dH = damp_sum(c->phi, (double)H), *lev = ring, *trd = ring + H,
           *tl = ring + 2 * H, *car = ring + 3 * H, *S = hs->S;
    if (m->m)
        memcpy(S, hs->S0, m->m * sizeof *S);
    for (size_t i = 0; i < tr->nf && !(sse >= limit); i++) {
        const hw_pt *p = &tr->pt[i];
        size_t k = i % H;
        if (i >= H) {
            double h = (p->t - tl[k]) / m->spacing;
            double f, base = lev[k] + (h == (double)H ? dH : damp_sum(c->phi, h)) * trd[k];
            if (!m->m)
                f = base;
            else
                f = m->mult ? base * S[p->slot] : base + S[p->slot];
            f += ar_term(c->rho, h, car[k]);
            sse += (p->x - f) * (p->x - f);
        }
        step_at(m, S, &r, c, p->slot, p->h, p->t, p->x, NULL);
        lev[k] = r.level, trd[k] = r.trend, tl[k] = r.t_last, car[k] = r.carry;
    }
    return sse;
}

/* ------------------------------------------------- Gauss-Newton refinement */

#define NF HW_NFREE

/* The parameters refined continuously, as indices into par. */
static const int free_par[NF] = {0, 1, 2, 4};

/* d level_of() for a point x moved by dx and a season value s by dsj,
 * the base by dbase (alpha fixed). */
static double dlevel(const hw *m, double a, double dx, double x, double s, double dsj,
                     double dbase)
{
    if (m->mult && s > 0)
        return a * (dx / s - x / (s * s) * dsj) + (1 - a) * dbase;
    return a * (m->mult ? dx : dx - dsj) + (1 - a) * dbase;
}

/* One step of the sensitivities of the state to alpha, beta, gamma, rho
 * (dl, db, dc, ds: of level, trend, carry and the slot's season value,
 * NF each) across the step tc of run c with the point h steps ahead; gy
 * receives those of the step's forecast.  These are the derivatives of
 * step_at()'s formulas, a clamped point passing on the forecast's and an
 * unclamped one none (the fitting runs' scale is fixed). */
static void sens_step(const hw *m, const hw_coef *c, const hw_trace *tc, double h, double *dl,
                      double *db, double *dc, double *ds, double gy[NF])
{
    double a = c->a, be = c->b, g = c->g, s = tc->s, levs = tc->levs;
    double dsum = h == 1 ? c->phi : damp_sum(c->phi, h);
    double rh = c->rho == 0 ? 0 : h == 1 ? c->rho : pow(c->rho, h);
    double drh = h == 1 ? 1 : c->rho == 0 ? 0 : h * pow(c->rho, h - 1);  /* d rho^h / d rho */
    double fl = tc->clamped & 1 ? 1 : 0, fs = tc->clamped & 2 ? 1 : 0, fc = tc->clamped & 4 ? 1 : 0;
    /* d level / d alpha: the point's level less the base, for each point */
    double pl = level_of(m, 1, tc->xl, s, tc->base) - tc->base;
    double ps = level_of(m, 1, tc->xs, s, tc->base) - tc->base;
    double ih = h == 1 ? 1 : 1 / h, ptr = (tc->lev - tc->level) * ih - tc->decay * tc->trend;
    int own = !(c->kl <= c->ks);   /* the season learns against its own level */
    for (int j = 0; j < NF; j++) {
        double dbase = dl[j] + dsum * db[j];
        double dyhw = m->mult ? s * dbase + tc->base * ds[j] : dbase + ds[j];
        double y = dyhw + rh * dc[j] + (j == 3 ? drh * tc->carry : 0);
        double dxs = fs * y;
        double dlv = dlevel(m, a, fl * y, tc->xl, s, ds[j], dbase) + (j == 0 ? pl : 0);
        double dls = own ? dlevel(m, a, dxs, tc->xs, s, ds[j], dbase) + (j == 0 ? ps : 0) : dlv;
        db[j] = be * (dlv - dl[j]) * ih + (1 - be) * tc->decay * db[j] + (j == 1 ? ptr : 0);
        if (m->m && !m->mult)
            ds[j] = g * (dxs - dls) + (1 - g) * ds[j] + (j == 2 ? tc->xs - levs - s : 0);
        else if (m->m && levs > 0)
            ds[j] = g * (dxs / levs - tc->xs / (levs * levs) * dls) + (1 - g) * ds[j] +
                    (j == 2 ? tc->xs / levs - s : 0);
        dl[j] = dlv;
        dc[j] = fc * y - dyhw;
        gy[j] = y;
    }
}

/* Fitting run c with the Gauss-Newton normal equations of alpha, beta,
 * gamma, rho: A = sum g g' (NF x NF), v = sum g r over the points, g the
 * forecast's sensitivities and r the residual, each point weighted as
 * iteratively reweighted least squares weighs it for the Huber loss.
 * Returns the loss. */
static double gn_pass(const hw *m, const hw_search *hs, const hw_coef *c, double A[NF * NF],
                      double v[NF])
{
    hw_run r = *hs->r0;
    double dl[NF] = {0}, db[NF] = {0}, dc[NF] = {0}, dnone[NF] = {0}, sse = 0, *S = hs->S;
    memset(A, 0, NF * NF * sizeof *A);
    memset(v, 0, NF * sizeof *v);
    if (m->m) {
        memcpy(S, hs->S0, m->m * sizeof *S);
        memset(hs->dS, 0, NF * m->m * sizeof *hs->dS);
    }
    for (size_t i = 0; i < hs->tr->nf; i++) {
        const hw_pt *p = &hs->tr->pt[i];
        double *ds = m->m ? hs->dS + NF * p->slot : dnone, gy[NF];
        hw_trace tc;
        double e = step_at(m, S, &r, c, p->slot, p->h, p->t, p->x, &tc);
        sens_step(m, c, &tc, p->h, dl, db, dc, ds, gy);
        double w = fabs(e) <= c->hl ? 1 : c->hl / fabs(e);   /* IRLS weight of the loss */
        for (int j = 0; j < NF; j++) {
            v[j] += w * gy[j] * e;
            for (int k = 0; k <= j; k++)
                A[NF * j + k] += w * gy[j] * gy[k];
        }
        sse += loss(e, c->hl);
    }
    for (int j = 0; j < NF; j++)
        for (int k = j + 1; k < NF; k++)
            A[NF * j + k] = A[NF * k + j];
    return sse;
}

#define GN_MAX_EVALS 11    /* fitting runs per refinement after the first */
#define GN_MAX_TRIES 9     /* damping 1e-3 .. 1e6 */
#define GN_REL_TOL 1e-5

/* Bounds of alpha, beta, gamma, rho. */
static const double par_lo[NF] = {1e-3, 0, 0, 0}, par_hi[NF] = {1, 1, 1, HW_MAX_RHO};

/* The refinement as lsq.h sees it: x holds the free ones of alpha, beta,
 * gamma, rho (idx: their places in free_par), the rest of par fixed. */
typedef struct hw_refine {
    const hw *m;
    const hw_search *hs;
    double kl;
    double par[HW_NPAR];
    int idx[NF], n;
} hw_refine;

/* lsq.h's normal-equation form: the fitting run's loss at x, with
 * gn_pass()'s normal equations of the free parameters.  They are divided
 * by the scale squared, as the residuals' own size says nothing of how
 * much the solver's regularisation should weigh. */
static double refine_normal(void *ctx, const double *x, double *A, double *g)
{
    hw_refine *q = ctx;
    double Af[NF * NF], v[NF], w = 1 / q->hs->scale;
    for (int i = 0; i < q->n; i++)
        q->par[free_par[q->idx[i]]] = x[i];
    hw_coef c = fit_coef(q->m, q->par, q->kl, q->hs->scale);
    double loss = gn_pass(q->m, q->hs, &c, Af, v);
    for (int i = 0; i < q->n; i++) {
        g[i] = -v[q->idx[i]] * w * w;     /* v is along the forecast's sensitivities */
        for (int k = 0; k < q->n; k++)
            A[k * q->n + i] = Af[NF * q->idx[i] + q->idx[k]] * w * w;
    }
    return loss;
}

/* Refine the free ones of alpha, beta, gamma, rho in par by minimising
 * the one-step loss of fitting runs with level clamp kl (Levenberg-
 * Marquardt within the bounds par_lo .. par_hi), from wherever the grid
 * left them; returns the loss reached. */
static double gn_refine(const hw *m, const hw_search *hs, const int freep[NF], double kl,
                        double par[HW_NPAR])
{
    hw_refine q = {.m = m, .hs = hs, .kl = kl};
    double x[NF], lo[NF], hi[NF];
    memcpy(q.par, par, sizeof q.par);
    for (int j = 0; j < NF; j++)
        if (freep[j]) {
            x[q.n] = par[free_par[j]];
            lo[q.n] = par_lo[j];
            hi[q.n] = par_hi[j];
            q.idx[q.n++] = j;
        }
    aiops_lsq ls = {.normal = refine_normal, .ctx = &q, .lo = lo, .hi = hi, .np = q.n,
                    .max_tries = GN_MAX_TRIES, .max_evals = GN_MAX_EVALS, .tol = GN_REL_TOL};
    double loss = aiops_lsq_fit(&ls, x, NULL, NULL, NULL);
    for (int i = 0; i < q.n; i++)
        par[free_par[q.idx[i]]] = x[i];
    return loss;
}

/* ------------------------------------------------------------ the search */

static const double grid_alpha[] = {0.03, 0.15, 0.4, 0.75};
static const double grid_beta[] = {0, 0.05};
static const double grid_gamma[] = {0.02, 0.2};
static const double grid_phi[] = {0.8, 0.9, 0.95, 0.98, 0.995};

/* A choice that gives up robustness (the level's clamp) or damping (phi
 * = 1) must lower its criterion over the window by at least this much. */
#define HW_GAIN 0.05
#define WIDE_K 4.0         /* the level's looser clamp: gross outliers only */
#define HW_LR_TEST 10.83   /* chi-square, 1 degree of freedom, 0.999 */

/* phi on its grid for the other parameters in keep (see sse_ahead(); by
 * the one-step loss when a period is under 2 points). */
static int choose_phi(const hw *m, const hw_search *hs, double kl, double keep[HW_NPAR])
{
    double per = round(m->period / m->spacing), best = INFINITY, *ring = NULL, cand[HW_NPAR];
    size_t nf = hs->tr->nf, H = per < (double)(nf / 2) ? (size_t)per : nf / 2;
    size_t ng = sizeof grid_phi / sizeof *grid_phi;
    if (H >= 2 && !(ring = malloc(4 * H * sizeof *ring)))
        return -1;
    memcpy(cand, keep, sizeof cand);
    for (size_t f = 0; f <= ng; f++) {
        int undamped = f == ng;
        double limit = undamped ? best * (1 - HW_GAIN) : best;
        cand[3] = undamped ? 1 : grid_phi[f];
        hw_coef c = fit_coef(m, cand, kl, hs->scale);
        double e = ring ? sse_ahead(m, hs, &c, H, ring, limit) : try_coef(m, hs, &c, limit);
        if (e < limit) {
            best = e;
            keep[3] = cand[3];
        }
    }
    free(ring);
    return 0;
}

/* The level's clamp (see the header comment): the free parameters in
 * keep refined with each clamp of level_clamps in turn, a looser one
 * taken only when it lowers the loss by HW_GAIN; the chosen clamp into
 * m->klev, its parameters into keep. */
static void choose_clamp(hw *m, const hw_search *hs, const int freep[NF],
                         double keep[HW_NPAR])
{
    static const double level_clamps[] = {HUBER_K, WIDE_K, INFINITY};
    double cand[HW_NPAR], best = gn_refine(m, hs, freep, HUBER_K, keep);
    m->klev = HUBER_K;
    for (size_t i = 1; i < sizeof level_clamps / sizeof *level_clamps; i++) {
        memcpy(cand, keep, sizeof cand);
        double loss = gn_refine(m, hs, freep, level_clamps[i], cand);
        if (loss < best * (1 - HW_GAIN)) {
            best = loss;
            m->klev = level_clamps[i];
            memcpy(keep, cand, sizeof cand);
        }
    }
}

/* The carried error (see the header comment): from keep, fitted without
 * it, the parameters are refined with rho, and that is kept only if it
 * lowers the window's loss significantly, by the likelihood-ratio test
 * of one more parameter at 0.1% (n ln(L0 / L1) > HW_LR_TEST, the
 * chi-square quantile; the loss standing in for the sum of squares). */
static void choose_rho(const hw *m, const hw_search *hs, int freep[NF], int rho_free,
                       double keep[HW_NPAR])
{
    double with[HW_NPAR];
    if (!rho_free)
        return;
    hw_coef c = fit_coef(m, keep, m->klev, hs->scale);
    double l0 = try_coef(m, hs, &c, INFINITY);
    memcpy(with, keep, sizeof with);
    freep[3] = 1;
    double l1 = gn_refine(m, hs, freep, m->klev, with);
    if ((double)hs->tr->nf * log(l0 / l1) > HW_LR_TEST)
        memcpy(keep, with, sizeof with);
    else
        freep[3] = 0;
}

/* Pick the free parameters (see the header comment). */
static int search(hw *m, hw_search *hs)
{
    const double *g[4] = {grid_alpha, grid_beta, grid_gamma, grid_phi};
    size_t ng[4] = {sizeof grid_alpha / sizeof *grid_alpha, sizeof grid_beta / sizeof *grid_beta,
                    sizeof grid_gamma / sizeof *grid_gamma, sizeof grid_phi / sizeof *grid_phi};
    int freep[NF];
    for (int p = 0; p < 4; p++)
        if (!isnan(m->user[p]) || (p == 2 && !m->m))
            g[p] = &m->par[p], ng[p] = 1;
    for (int j = 0; j < NF; j++)
        freep[j] = free_par[j] < 4 ? ng[free_par[j]] > 1 : isnan(m->user[free_par[j]]);
    double keep[HW_NPAR], best = INFINITY;
    memcpy(keep, m->par, sizeof keep);
    hw_coef c = fit_coef(m, keep, HUBER_K, INFINITY);
    hs->scale = resid_scale(m, hs, &c);
    search_abg(m, hs, g, ng, HUBER_K, keep, &best);
    c = fit_coef(m, keep, HUBER_K, hs->scale);
    hs->scale = resid_scale(m, hs, &c);
    int rho_free = freep[3] && m->m;
    freep[3] = 0;
    choose_clamp(m, hs, freep, keep);
    choose_rho(m, hs, freep, rho_free, keep);
    double phi0 = keep[3];
    if (ng[3] > 1 && choose_phi(m, hs, m->klev, keep))
        return -1;
    if (keep[3] != phi0)
        gn_refine(m, hs, freep, m->klev, keep);
    memcpy(m->par, keep, sizeof keep);
    return 0;
}

/* Decide spacing, season and floor from the window; allocates the season. */
static int fit_structure(hw *m, const train *tr, aiops_err *err)
{
    double *gaps = malloc((tr->n ? tr->n : 1) * sizeof *gaps);
    if (!gaps)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "holtwinters: out of memory");
    m->spacing = aiops_median_spacing(tr->ts, tr->n, gaps);
    free(gaps);
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

/* Degrees of freedom of the window's residuals: the points less the m +
 * 2 numbers of the initial state, which were fitted to them (as for any
 * regression; a season that goes on learning uses less of them, so this
 * errs on the wide side), and at least a quarter of the points. */
static double resid_dof(const hw *m, size_t nf)
{
    double n = (double)nf, dof = n - (double)m->m - 2;
    return dof > n / 4 ? dof : n / 4;
}

/* The initial state and the search, on scratch allocated here. */
static int fit_window(hw *m, train *tr, hw_run *r0, double **S0)
{
    size_t ns = m->m ? m->m : 1;
    double *work = malloc((5 * ns + tr->nf) * sizeof *work);   /* >= NF m for dS */
    if (!work || (m->m && !(*S0 = malloc(m->m * sizeof **S0)))) {
        free(work);
        return -1;
    }
    if (tr->nf)
        init_state(m, tr, *S0, (slot_sums *)work, r0);
    int rc = prepare_points(m, tr, r0);
    hw_search hs = {tr, *S0, r0, m->season, work, work + 5 * ns, 0};
    if (!rc && tr->nf >= HW_MIN_FIT)
        rc = search(m, &hs);
    free(work);
    return rc;
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
    hw_run r0 = m->r;
    double *S0 = NULL;
    if (fit_window(m, &tr, &r0, &S0)) {
        free(S0);
        free(tr.pt);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "holtwinters: out of memory");
    }
    if (m->m)
        memcpy(m->season, S0, m->m * sizeof *S0);
    free(S0);
    m->r = r0;
    hw_coef c = coef_of(m, m->par);
    double sse = run(m, &tr, m->season, &m->r, &c, INFINITY, NULL);
    free(tr.pt);
    if (tr.nf >= HW_WARM && isfinite(sse))
        m->r.sigma = sqrt(sse / resid_dof(m, tr.nf));
    return 0;
}

/* ------------------------------------------------------------ save/load */

static json_t *hw_save(const void *vm)
{
    const hw *m = vm;
    json_t *season = aiops_mj_array(m->season, m->m);
    if (!season)
        return NULL;
    return json_pack(
        "{s:s, s:i, s:{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:i}, s:{s:I, s:o, s:o, s:o, s:o,"
        " s:o, s:o, s:o, s:o, s:o, s:I, s:o}}",
        "model", "holtwinters", "version", HW_STATE_VERSION, "params",
        "alpha", aiops_mj_num(m->par[0]), "beta", aiops_mj_num(m->par[1]),
        "gamma", aiops_mj_num(m->par[2]), "phi", aiops_mj_num(m->par[3]),
        "rho", aiops_mj_num(m->par[4]), "k_level", aiops_mj_num(m->klev),
        "width", aiops_mj_num(m->width), "period", aiops_mj_num(m->period),
        "multiplicative", m->mult, "state", "season_points", (json_int_t)m->m,
        "spacing", aiops_mj_num(m->spacing), "t_first", aiops_mj_num(m->t_first),
        "floor", aiops_mj_num(m->floor), "level", aiops_mj_num(m->r.level),
        "trend", aiops_mj_num(m->r.trend), "sigma", aiops_mj_num(m->r.sigma),
        "ss", aiops_mj_num(m->r.ss), "t_last", aiops_mj_num(m->r.t_last),
        "carry", aiops_mj_num(m->r.carry), "nres", (json_int_t)m->r.nres, "season", season);
}

/* Numbers of the saved object into tmp (params, then state).  Older
 * states load as they forecast when saved: version 1 predates the damped
 * trend (no phi: phi = 1), version 2 the carried error (no rho, k_level,
 * carry: rho = 0, the level clamped at HUBER_K). */
static int load_numbers(hw *tmp, json_int_t version, const json_t *par, const json_t *st)
{
    static const char *const pk[] = {"alpha", "beta", "gamma", "width",
                                     "period", "phi", "rho", "k_level"};
    static const char *const sk[] = {"spacing", "t_first", "floor",  "level", "trend",
                                     "sigma",   "ss",      "t_last", "carry"};
    double *pd[] = {&tmp->par[0], &tmp->par[1], &tmp->par[2], &tmp->width,
                    &tmp->period, &tmp->par[3], &tmp->par[4], &tmp->klev};
    double *sd[] = {&tmp->spacing, &tmp->t_first, &tmp->floor,    &tmp->r.level, &tmp->r.trend,
                    &tmp->r.sigma, &tmp->r.ss,    &tmp->r.t_last, &tmp->r.carry};
    size_t np = version >= 3 ? 8 : version == 2 ? 6 : 5;
    tmp->par[3] = 1;
    tmp->par[4] = 0;
    tmp->klev = HUBER_K;
    tmp->r.carry = 0;
    for (size_t i = 0; i < np; i++)
        if (aiops_jdoc_numval(json_object_get(par, pk[i]), AIOPS_JDOC_NONFINITE, pd[i]))
            return -1;
    for (size_t i = 0; i < (version >= 3 ? 9u : 8u); i++)
        if (aiops_jdoc_numval(json_object_get(st, sk[i]), AIOPS_JDOC_NONFINITE, sd[i]))
            return -1;
    return 0;
}

static int load_valid(const hw *t)
{
    return t->par[0] > 0 && t->par[0] <= 1 && t->par[1] >= 0 && t->par[1] <= 1 &&
           t->par[2] >= 0 && t->par[2] <= 1 && t->par[3] > 0 && t->par[3] <= 1 &&
           t->par[4] >= 0 && t->par[4] <= HW_MAX_RHO && t->klev > 0 && isfinite(t->r.carry) &&
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
                             "holtwinters state: expected version 1 (undamped), 2 (damped "
                             "trend) or %d (carried error), got version %lld: saved by another "
                             "aiops-fit, refit it",
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
                             "in [0, 1], phi in (0, 1] from version 2 on, rho in [0, 0.98] "
                             "and k_level > 0 from version 3 on, width in (0, 1), period > 0) "
                             "and state (season of season_points numbers, carry from version 3 "
                             "on)");
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
