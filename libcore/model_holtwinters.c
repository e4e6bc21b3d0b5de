/* model_holtwinters.c - triple exponential smoothing (additive or
 * multiplicative season) with prediction intervals.
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
 *  - alpha/beta/gamma that were not given are chosen on a small grid by
 *    the sum of squared one-step-ahead errors (from the second season on,
 *    the first one being what the initialisation was read from); with
 *    fewer than HW_MIN_FIT points the defaults 0.3/0.05/0.1 are used.
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

/* The evolving part of the state (copied per grid candidate). */
typedef struct hw_run {
    double level, trend;   /* level NaN: not started */
    double sigma, ss;      /* residual scale; sum of squares during warm-up */
    double t_last;
    uint64_t nres;         /* residuals seen */
} hw_run;

typedef struct hw {
    double user[3];        /* alpha, beta, gamma as given; NaN = fit */
    double abg[3];         /* alpha, beta, gamma in use */
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
    m->abg[0] = isnan(m->user[0]) ? HW_SHORT_ALPHA : m->user[0];
    m->abg[1] = isnan(m->user[1]) ? HW_SHORT_BETA : m->user[1];
    m->abg[2] = isnan(m->user[2]) ? HW_SHORT_GAMMA : m->user[2];
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

/* Forecast for t from state r; *slot and *h receive where it came from. */
static double forecast(const hw *m, const double *S, const hw_run *r, double t, size_t *slot,
                       double *h)
{
    double hh = (t - r->t_last) / m->spacing;
    *h = hh >= 1 ? hh : 1;
    double base = r->level + *h * r->trend;
    if (!m->m) {
        *slot = 0;
        return base;
    }
    *slot = slot_of(m, t);
    return m->mult ? base * S[*slot] : base + S[*slot];
}

/* Learn residual res into the scale and clean it: *rl for the level and
 * trend (clamped to +-2 sigma), *rs for the season (clamped wider, to
 * +-min(4, 0.9 z / gamma) sigma: a season slot is revisited only once a
 * period, so it can afford to learn faster, but the echo a spike leaves in
 * its slot, at most gamma times the clamp, stays inside the band). */
static void clean(const hw *m, hw_run *r, double g, double res, double *rl, double *rs)
{
    r->nres++;
    if (r->nres <= HW_WARM) {
        r->ss += res * res;
        r->sigma = sqrt(r->ss / (double)r->nres);
        *rl = *rs = res;
        return;
    }
    double sg = fmax(r->sigma, m->floor), u = res / sg, rho = BIWEIGHT_C;
    double ks = g > 0 ? fmin(SEASON_CLIP, 0.9 * m->z / g) : SEASON_CLIP;
    if (fabs(u) < HUBER_K) {
        double q = 1 - (u / HUBER_K) * (u / HUBER_K);
        rho *= 1 - q * q * q;
    }
    r->sigma = sg * sqrt(1 - SCALE_LAMBDA + SCALE_LAMBDA * rho);
    *rl = sg * fmax(-HUBER_K, fmin(HUBER_K, u));
    *rs = sg * fmax(-ks, fmin(ks, u));
}

/* One finite point through the smoothing; returns its one-step-ahead
 * residual (NaN for the point that starts an unfitted model). */
static double step(const hw *m, double *S, hw_run *r, const double abg[3], double t, double x)
{
    if (isnan(r->level)) {
        r->level = x;
        r->trend = 0;
        r->t_last = t;
        return NAN;
    }
    size_t i;
    double h, yhat = forecast(m, S, r, t, &i, &h), res = x - yhat, rl, rs;
    double a = abg[0], g = abg[2], base = r->level + h * r->trend, lev;
    double s = m->m ? S[i] : (m->mult ? 1 : 0);
    clean(m, r, g, res, &rl, &rs);
    double xl = yhat + rl, xs = yhat + rs;
    if (m->mult)
        lev = a * (s > 0 ? xl / s : xl) + (1 - a) * base;
    else
        lev = a * (xl - s) + (1 - a) * base;
    r->trend = abg[1] * (lev - r->level) / h + (1 - abg[1]) * r->trend;
    if (m->m && !m->mult)
        S[i] = g * (xs - lev) + (1 - g) * s;
    else if (m->m && lev > 0)
        S[i] = g * xs / lev + (1 - g) * s;
    r->level = lev;
    r->t_last = t;
    return res;
}

static void hw_update(void *vm, double t, double v)
{
    hw *m = vm;
    if (!isfinite(v) || !isfinite(t))
        return;
    if (isnan(m->r.level) && m->floor == 0)
        m->floor = FLOOR_REL * (v != 0 ? fabs(v) : 1);
    step(m, m->season, &m->r, m->abg, t, v);
}

static void hw_band(void *vm, double t, aiops_band *out)
{
    const hw *m = vm;
    out->lower = -INFINITY;
    out->upper = INFINITY;
    out->expected = NAN;
    if (isnan(m->r.level))
        return;
    size_t i;
    double h;
    out->expected = forecast(m, m->season, &m->r, t, &i, &h);
    if (m->r.nres < HW_WARM)
        return;
    double half = m->z * fmax(m->r.sigma, m->floor);
    out->lower = out->expected - half;
    out->upper = out->expected + half;
}

/* ------------------------------------------------------------------ fit */

/* The training window as given (NaN/Inf values are skipped when read). */
typedef struct train {
    const double *ts, *v;
    size_t n, nf;       /* points, finite points */
    double t0;          /* first timestamp */
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

/* Run abg over the window from state (S, r); returns the SSE of the
 * residuals from the second season on (all of them without a season) and
 * their count in *cnt. */
static double run(const hw *m, const train *tr, double *S, hw_run *r, const double abg[3],
                  size_t *cnt)
{
    double sse = 0, from = m->m ? m->t_first + m->period - m->spacing / 2 : -INFINITY;
    *cnt = 0;
    for (size_t i = 0; i < tr->n; i++) {
        if (!isfinite(tr->v[i]))
            continue;
        double res = step(m, S, r, abg, tr->ts[i], tr->v[i]);
        if (tr->ts[i] >= from && !isnan(res)) {
            sse += res * res;
            ++*cnt;
        }
    }
    return sse;
}

/* Pick the grid point (among the free parameters) with the least SSE. */
static void grid_search(hw *m, const train *tr, const double *S0, const hw_run *r0, double *S)
{
    const double *g[3] = {grid_alpha, grid_beta, grid_gamma};
    size_t ng[3] = {sizeof grid_alpha / sizeof *grid_alpha, sizeof grid_beta / sizeof *grid_beta,
                     sizeof grid_gamma / sizeof *grid_gamma};
    double best = INFINITY, abg[3];
    for (int p = 0; p < 3; p++)
        if (!isnan(m->user[p]) || (p == 2 && !m->m))
            g[p] = &m->abg[p], ng[p] = 1;
    for (size_t a = 0; a < ng[0]; a++)
        for (size_t b = 0; b < ng[1]; b++)
            for (size_t c = 0; c < ng[2]; c++) {
                double cand[3] = {g[0][a], g[1][b], g[2][c]};
                hw_run r = *r0;
                size_t cnt;
                if (m->m)
                    memcpy(S, S0, m->m * sizeof *S);
                double sse = run(m, tr, S, &r, cand, &cnt);
                if (sse < best) {
                    best = sse;
                    memcpy(abg, cand, sizeof abg);
                }
            }
    if (best < INFINITY)
        memcpy(m->abg, abg, sizeof abg);
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
    train tr = {ts, v, n, 0, n ? ts[0] : 0};
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
    if (tr.nf >= HW_MIN_FIT)
        grid_search(m, &tr, scratch, &r0, m->season);
    if (m->m)
        memcpy(m->season, scratch, m->m * sizeof *scratch);
    free(scratch);
    m->r = r0;
    size_t cnt;
    double sse = run(m, &tr, m->season, &m->r, m->abg, &cnt);
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
        "{s:s, s:{s:o, s:o, s:o, s:o, s:o, s:i}, s:{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o,"
        " s:o, s:I, s:o}}",
        "model", "holtwinters", "params", "alpha", num_json(m->abg[0]), "beta",
        num_json(m->abg[1]), "gamma", num_json(m->abg[2]), "width", num_json(m->width),
        "period", num_json(m->period), "multiplicative", m->mult, "state", "season_points",
        (json_int_t)m->m, "spacing", num_json(m->spacing), "t_first", num_json(m->t_first),
        "floor", num_json(m->floor), "level", num_json(m->r.level), "trend",
        num_json(m->r.trend), "sigma", num_json(m->r.sigma), "ss", num_json(m->r.ss),
        "t_last", num_json(m->r.t_last), "nres", (json_int_t)m->r.nres, "season", season);
}

/* Numbers of the saved object into tmp (params, then state). */
static int load_numbers(hw *tmp, const json_t *par, const json_t *st)
{
    static const char *const pk[] = {"alpha", "beta", "gamma", "width", "period"};
    static const char *const sk[] = {"spacing", "t_first", "floor", "level",
                                     "trend",   "sigma",   "ss",    "t_last"};
    double *pd[] = {&tmp->abg[0], &tmp->abg[1], &tmp->abg[2], &tmp->width, &tmp->period};
    double *sd[] = {&tmp->spacing, &tmp->t_first, &tmp->floor, &tmp->r.level,
                    &tmp->r.trend, &tmp->r.sigma, &tmp->r.ss,  &tmp->r.t_last};
    for (size_t i = 0; i < 5; i++)
        if (num_get(par, pk[i], pd[i]))
            return -1;
    for (size_t i = 0; i < 8; i++)
        if (num_get(st, sk[i], sd[i]))
            return -1;
    return 0;
}

static int load_valid(const hw *t)
{
    return t->abg[0] > 0 && t->abg[0] <= 1 && t->abg[1] >= 0 && t->abg[1] <= 1 &&
           t->abg[2] >= 0 && t->abg[2] <= 1 && t->width > 0 && t->width < 1 &&
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
    json_int_t sm = -1, nres = -1;
    int mult = -1;
    json_error_t je;
    if (json_unpack_ex((json_t *)j, &je, 0, "{s:s, s:o, s:o}", "model", &name, "params", &par,
                       "state", &st) ||
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
    t.season = NULL;
    t.m = sm < 0 ? SIZE_MAX : (size_t)sm;
    t.mult = mult == 1;
    t.r.nres = nres < 0 ? 0 : (uint64_t)nres;
    if (load_numbers(&t, par, st) || mult < 0 || mult > 1 || nres < 0 || !load_valid(&t) ||
        load_season(&t, season)) {
        free(t.season);
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                             "holtwinters state: expected numeric params (alpha, beta, gamma "
                             "in [0, 1], width in (0, 1), period > 0) and state (season of "
                             "season_points numbers)");
    }
    for (int p = 0; p < 3; p++)
        t.user[p] = t.abg[p];
    t.z = z_for_width(t.width);
    free(m->season);
    *m = t;
    return 0;
}

const aiops_model_ops aiops_model_holtwinters = {
    .name = "holtwinters",
    .desc = "Holt-Winters triple exponential smoothing, 99% one-step intervals (period 1d)",
    .create = hw_create,
    .destroy = hw_destroy,
    .fit = hw_fit,
    .band = hw_band,
    .update = hw_update,
    .save = hw_save,
    .load = hw_load,
};
