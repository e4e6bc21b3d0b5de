/* fit_auto.c - `--model auto`: choose a model per series from its
 * training data.  Seasonality is detected on a regularised copy of the
 * series (autocorrelation at the season lag, and the share of variance in
 * the season's first harmonics: a periodogram evaluated at those
 * frequencies); seasonal series with at least two seasons of data try the
 * seasonal models, the others the level models; the candidate with the
 * lowest one-step-ahead error on the last 20% of the training window wins
 * and is refitted on all of it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fit/fit.h"

#define DAY 86400.0
#define WEEK (7 * DAY)
#define MAX_GRID ((size_t)1 << 17)   /* regularised points: caps the ACF cost */
#define MIN_POINTS 24                /* below this only ewma is tried */
#define ACF_SEASONAL 0.3
#define SHARE_SEASONAL 0.25
#define HARMONICS 4
#define PI 3.14159265358979323846

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of the positive gaps between consecutive finite points. */
static double median_step(const double *ts, const double *v, size_t n)
{
    double *d = malloc((n ? n : 1) * sizeof *d), prev = NAN, med = NAN;
    size_t k = 0;
    if (!d)
        return NAN;
    for (size_t i = 0; i < n; i++) {
        if (isnan(v[i]) || !isfinite(v[i]))
            continue;
        if (!isnan(prev) && ts[i] > prev)
            d[k++] = ts[i] - prev;
        prev = ts[i];
    }
    if (k) {
        qsort(d, k, sizeof *d, cmp_double);
        med = d[k / 2];
    }
    free(d);
    return med;
}

/* Bin means on a regular grid from t0, empty bins carried forward, then
 * the least-squares line removed (a trend would make every lag look
 * correlated).  Returns the grid (caller frees) with *m points. */
static double *regularise(const double *ts, const double *v, size_t n, double t0, double step,
                          size_t m)
{
    double *g = calloc(m, sizeof *g), *cnt = calloc(m, sizeof *cnt);
    if (!g || !cnt) {
        free(g);
        free(cnt);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            continue;
        double x = (ts[i] - t0) / step + 0.5;
        if (!(x >= 0 && x < (double)m))
            continue;              /* outside the grid (before t0, or far past it) */
        size_t b = (size_t)x;
        if (b < m) {
            g[b] += v[i];
            cnt[b] += 1;
        }
    }
    double last = NAN;
    for (size_t b = 0; b < m; b++) {
        if (cnt[b] > 0)
            last = g[b] /= cnt[b];
        else
            g[b] = last;
    }
    for (size_t b = 0; b < m && isnan(g[b]); b++)   /* leading gap: first value */
        g[b] = last;
    free(cnt);
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (size_t b = 0; b < m; b++) {
        sx += (double)b;
        sy += g[b];
        sxx += (double)b * (double)b;
        sxy += (double)b * g[b];
    }
    double den = (double)m * sxx - sx * sx;
    double slope = den != 0 ? ((double)m * sxy - sx * sy) / den : 0;
    double icpt = (sy - slope * sx) / (double)m;
    for (size_t b = 0; b < m; b++)
        g[b] -= icpt + slope * (double)b;
    return g;
}

static double acf_at(const double *g, size_t m, double lag_f)
{
    size_t lag = (size_t)(lag_f + 0.5);
    if (lag == 0 || 2 * lag > m)
        return NAN;
    double num = 0, den = 0;
    for (size_t i = 0; i < m; i++) {
        den += g[i] * g[i];
        if (i + lag < m)
            num += g[i] * g[i + lag];
    }
    return den > 0 ? num / den : 0;
}

/* Share of the variance carried by the first HARMONICS multiples of
 * 1/period: the periodogram at those frequencies over the total power. */
static double harmonic_share(const double *g, size_t m, double period_steps)
{
    if (2 * period_steps > (double)m)
        return NAN;
    double total = 0, part = 0;
    for (size_t i = 0; i < m; i++)
        total += g[i] * g[i];
    if (!(total > 0))
        return 0;
    for (int h = 1; h <= HARMONICS; h++) {
        double w = 2 * PI * h / period_steps, re = 0, im = 0;
        if (w >= PI)           /* above Nyquist: nothing to see */
            break;
        for (size_t i = 0; i < m; i++) {
            re += g[i] * cos(w * (double)i);
            im -= g[i] * sin(w * (double)i);
        }
        part += 2 * (re * re + im * im) / (double)m;
    }
    return part / total > 1 ? 1 : part / total;
}

int aiops_fit_seasonality(const double *ts, const double *v, size_t n, double period,
                          aiops_seasonality *out)
{
    out->step = out->span = out->acf = out->acf_week = out->share = NAN;
    size_t first = 0, last = n;
    while (first < n && !isfinite(v[first]))
        first++;
    while (last > first && !isfinite(v[last - 1]))
        last--;
    if (last - first < 4)
        return 0;
    out->span = ts[last - 1] - ts[first];
    out->step = median_step(ts, v, n);
    if (!(out->step > 0))
        return 0;
    double step = out->step;
    double cells = floor(out->span / step) + 1;
    if (!(cells >= 1))
        return 0;                  /* times not in order (a hostile stream): no grid */
    if (cells > MAX_GRID)          /* compared as doubles: the span may be 1e300 steps */
        step *= ceil(cells / (double)MAX_GRID);
    size_t m = (size_t)(out->span / step) + 1;
    double *g = regularise(ts, v, n, ts[first], step, m);
    if (!g)
        return AIOPS_ENOMEM;
    out->acf = acf_at(g, m, period / step);
    out->acf_week = acf_at(g, m, WEEK / step);
    out->share = harmonic_share(g, m, period / step);
    free(g);
    return 0;
}

/* ---- holdout comparison */

typedef struct cand {
    const aiops_model_ops *ops;
    double mae;
    int ok;
} cand;

/* Fit on [0, h), then one-step-ahead through [h, n): mean absolute error
 * of `expected` (a model without an estimate is charged the naive
 * last-value error). */
static double holdout_mae(const aiops_model_ops *ops, const aiops_model_params *p,
                          const double *ts, const double *v, size_t n, size_t h)
{
    aiops_err e = {0};
    void *m = ops->create(p, &e);
    if (!m)
        return NAN;
    if (ops->fit(m, ts, v, h, &e)) {
        ops->destroy(m);
        return NAN;
    }
    double sum = 0, last = NAN;
    size_t k = 0;
    for (size_t i = 0; i < h; i++)
        if (isfinite(v[i]))
            last = v[i];
    for (size_t i = h; i < n; i++) {
        aiops_band b;
        ops->band(m, ts[i], &b);
        if (isfinite(v[i])) {
            double guess = isfinite(b.expected) ? b.expected : last;
            if (isfinite(guess)) {
                sum += fabs(v[i] - guess);
                k++;
            }
            last = v[i];
        }
        ops->update(m, ts[i], v[i]);
    }
    ops->destroy(m);
    return k ? sum / (double)k : NAN;
}

static size_t count_finite(const double *v, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += isfinite(v[i]) != 0;
    return k;
}

static void describe(char *buf, size_t sz, const aiops_seasonality *se, int seasonal,
                     double period)
{
    if (seasonal)
        snprintf(buf, sz, "seasonal: acf %.2f at %gh, harmonic share %.2f, %.1fd of %gs data",
                 se->acf, period / 3600, se->share, se->span / DAY, se->step);
    else if (isnan(se->acf))
        snprintf(buf, sz, "too short for seasonality: %.1fd of %gs data, need 2 periods",
                 se->span / DAY, se->step);
    else
        snprintf(buf, sz, "not seasonal: acf %.2f at %gh, harmonic share %.2f, %.1fd of %gs data",
                 se->acf, period / 3600, se->share, se->span / DAY, se->step);
}

/* Candidates in preference order (ties go to the earlier). */
static size_t candidates(int seasonal, cand *c)
{
    static const char *const seas[] = {"seasonal", "holtwinters", "sarima", "ewma"};
    static const char *const flat[] = {"ewma", "robust"};
    const char *const *names = seasonal ? seas : flat;
    size_t n = seasonal ? 4 : 2, k = 0;
    for (size_t i = 0; i < n; i++) {
        const aiops_model_ops *ops = aiops_model_find(names[i]);
        if (ops)
            c[k++] = (cand){ops, NAN, 0};
    }
    return k;
}

static int fit_final(const aiops_model_ops *ops, const aiops_model_params *p, const double *ts,
                     const double *v, size_t n, void **m, aiops_err *err)
{
    *m = ops->create(p, err);
    if (!*m)
        return err->code ? err->code : AIOPS_EINVAL;
    int rc = ops->fit(*m, ts, v, n, err);
    if (rc) {
        ops->destroy(*m);
        *m = NULL;
    }
    return rc;
}

int aiops_fit_auto(const double *ts, const double *v, size_t n, const aiops_model_params *p,
                   const aiops_model_ops **ops, void **m, char *reason, size_t reasonsz,
                   aiops_err *err)
{
    size_t nf = count_finite(v, n);
    if (nf < MIN_POINTS) {
        *ops = aiops_model_find("ewma");
        snprintf(reason, reasonsz, "only %zu points of training data", nf);
        return fit_final(*ops, p, ts, v, n, m, err);
    }
    aiops_seasonality se;
    double period = p->period > 0 ? p->period : DAY;
    if (aiops_fit_seasonality(ts, v, n, period, &se))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    int seasonal = se.acf >= ACF_SEASONAL || se.share >= SHARE_SEASONAL;
    char why[200];
    describe(why, sizeof why, &se, seasonal, period);
    cand c[4];
    size_t nc = candidates(seasonal, c), best = nc;
    size_t h = n - n / 5;
    for (size_t i = 0; i < nc; i++) {
        c[i].mae = holdout_mae(c[i].ops, p, ts, v, n, h);
        c[i].ok = !isnan(c[i].mae);
        if (c[i].ok && (best == nc || c[i].mae < c[best].mae))
            best = i;
    }
    if (best == nc)                 /* nothing scored on the holdout */
        best = 0;
    *ops = c[best].ops;
    int len = snprintf(reason, reasonsz, "%s; holdout MAE", why);
    for (size_t i = 0; i < nc && len > 0 && (size_t)len < reasonsz; i++)
        len += snprintf(reason + len, reasonsz - (size_t)len, "%s %s %.4g", i ? "," : "",
                        c[i].ops->name, c[i].mae);
    return fit_final(*ops, p, ts, v, n, m, err);
}
