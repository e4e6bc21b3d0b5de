/* predict_num.c - robust trends for aiops-predict: Theil-Sen slopes with
 * Sen's interval, the trend in noise units, the memory-leak indicator and
 * the time to exhaustion of a resource with a limit. */
#include <math.h>
#include <string.h>

#include "common/stats.h"
#include "predict/predict.h"

#define SEN_Z 1.959963984540054     /* two-sided 95 % */

/* What a fit computes: the slope only, also the level and scale, or also
 * Sen's interval (three selections over the n (n-1) / 2 slopes instead of
 * one: the costliest part, needed only for the exhaustion ETA); FIT_ETA:
 * the slope, and the interval only when the slope is above zero (the ETA
 * wants a lower bound above zero, which a slope at or below zero cannot
 * have: the bound is at most the median). */
enum { FIT_SLOPE, FIT_LEVEL, FIT_INTERVAL, FIT_ETA };

static int trend_fit(const double *t, const double *v, size_t n, aiops_trend *out, double *scratch,
                     int what)
{
    memset(out, 0, sizeof *out);
    if (n < 3)
        return -1;
    double t0 = t[n - 1];
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (t[j] > t[i])
                scratch[m++] = (v[j] - v[i]) / (t[j] - t[i]);
    if (m == 0)
        return -1;
    out->slope = aiops_quantile(scratch, m, 0.5);
    out->n = n;
    out->slope_lo = out->slope_hi = NAN;
    if (what == FIT_INTERVAL || (what == FIT_ETA && out->slope > 0)) {
        /* Sen's interval: the order statistics (N -+ C) / 2 of the slopes,
         * C = z sqrt(n (n-1) (2n+5) / 18) (no ties correction).  Order
         * statistics: the selection above reordered scratch, not its values. */
        double C = SEN_Z * sqrt((double)n * (double)(n - 1) * (double)(2 * n + 5) / 18.0);
        double lo = floor(((double)m - C) / 2), hi = ceil(((double)m + C) / 2);
        out->slope_lo = lo >= 0 ? aiops_select_kth(scratch, m, (size_t)lo) : -INFINITY;
        out->slope_hi = hi < (double)m ? aiops_select_kth(scratch, m, (size_t)hi) : INFINITY;
    }
    if (what == FIT_SLOPE || what == FIT_ETA)
        return 0;
    for (size_t i = 0; i < n; i++)
        scratch[i] = v[i] - out->slope * (t[i] - t0);
    out->level = aiops_quantile(scratch, n, 0.5);
    for (size_t i = 0; i < n; i++)
        scratch[i] = fabs(v[i] - out->slope * (t[i] - t0) - out->level);
    out->scale = 1.4826 * aiops_quantile(scratch, n, 0.5);
    return 0;
}

int aiops_trend_fit(const double *t, const double *v, size_t n, aiops_trend *out,
                    double *scratch)
{
    return trend_fit(t, v, n, out, scratch, FIT_INTERVAL);
}

double aiops_trend_strength(const aiops_trend *tr, double span, double rel_floor, double clip)
{
    if (tr->n < 3)
        return 0;
    double s = fmax(fmax(tr->scale, rel_floor * fabs(tr->level)), 1e-12);
    double z = tr->slope * span / s;
    return z > clip ? clip : z < -clip ? -clip : z;
}

double aiops_trend_multiscale(const double *t, const double *v, size_t n, double span, double rel_floor,
                              double clip, double *scratch)
{
    aiops_trend all, part;
    if (trend_fit(t, v, n, &all, scratch, FIT_LEVEL))
        return 0;
    double best = aiops_trend_strength(&all, span, rel_floor, clip);
    for (int q = 1; q < 3; q++) {
        size_t len = n >> q;
        if (len < 4 || trend_fit(t + n - len, v + n - len, len, &part, scratch, FIT_SLOPE))
            break;
        part.scale = all.scale;     /* the noise of the whole window */
        part.level = all.level;
        best = fmax(best, aiops_trend_strength(&part, span / (double)(1 << q), rel_floor, clip));
    }
    return best;
}

/* R^2 of the least-squares line through n points. */
static double r_squared(const double *t, const double *v, size_t n)
{
    double mt = 0, mv = 0, stt = 0, svv = 0, stv = 0;
    for (size_t i = 0; i < n; i++) {
        mt += t[i];
        mv += v[i];
    }
    mt /= (double)n;
    mv /= (double)n;
    for (size_t i = 0; i < n; i++) {
        stt += (t[i] - mt) * (t[i] - mt);
        svv += (v[i] - mv) * (v[i] - mv);
        stv += (t[i] - mt) * (v[i] - mv);
    }
    return stt > 0 && svv > 0 ? stv * stv / (stt * svv) : 0;
}

/* Index of the first point after the last restart: a drop of more than
 * half the range.  More than two drops are a sawtooth: 0 (keep all). */
static size_t after_reset(const double *v, size_t n, size_t *drops_out)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        lo = fmin(lo, v[i]);
        hi = fmax(hi, v[i]);
    }
    size_t drops = 0, last = 0;
    for (size_t i = 1; i < n; i++)
        if (v[i] < v[i - 1] - 0.5 * (hi - lo)) {
            drops++;
            last = i;
        }
    *drops_out = drops;
    return drops > 2 ? 0 : last;
}

double aiops_leak_indicator(const double *t, const double *v, size_t n, double *scratch)
{
    if (n < 4)
        return 0;
    size_t drops, first = after_reset(v, n, &drops);
    size_t cut[4] = {0}, nc = 0;
    if (drops && drops <= 2 && first) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < n; i++) {
            lo = fmin(lo, v[i]);
            hi = fmax(hi, v[i]);
        }
        for (size_t i = 1; i < n; i++)
            if (v[i] < v[i - 1] - 0.5 * (hi - lo))
                cut[nc++] = i;
    }
    size_t min_len = n / 6 > 4 ? n / 6 : 4, used = 0;
    double acc = 0, growth = 0, level = 0;
    for (size_t k = 0; k <= nc; k++) {
        size_t a = k ? cut[k - 1] : 0, b = k < nc ? cut[k] : n;
        if (b - a < min_len)
            continue;
        aiops_trend tr;
        if (trend_fit(t + a, v + a, b - a, &tr, scratch, FIT_LEVEL) || !(tr.slope > 0))
            continue;
        acc += (double)(b - a) * r_squared(t + a, v + a, b - a);
        used += b - a;
        growth = fmax(growth, tr.slope * (t[n - 1] - t[0]));
        level = fmax(level, fabs(tr.level));
    }
    if (used * 2 < n || !(level > 0))
        return 0;
    double rel = growth / level;
    return acc / (double)used * (rel >= 0.1 ? 1 : rel / 0.1);
}

/* A sawtooth: at least three sharp drops (more than 3 times the median
 * step) among the steps of v[a..n). */
static int sawtooth(const double *v, size_t a, size_t n, double *scratch)
{
    if (n - a < 4)
        return 0;
    size_t m = 0, sharp = 0;
    for (size_t i = a + 1; i < n; i++)
        scratch[m++] = fabs(v[i] - v[i - 1]);
    double med = aiops_quantile(scratch, m, 0.5);
    for (size_t i = a + 1; i < n; i++)
        sharp += v[i] - v[i - 1] < -3 * med;
    return sharp >= 3;
}

int aiops_eta_fit(const double *t, const double *v, size_t n, double now, double limit,
                  aiops_eta *out, double *scratch)
{
    memset(out, 0, sizeof *out);
    out->eta = out->eta_lo = out->eta_hi = INFINITY;
    if (n < 5)
        return 0;
    size_t drops, a = after_reset(v, n, &drops);
    int found = 0, scales = sawtooth(v, a, n, scratch) ? 1 : 3;
    for (int q = 0; q < scales; q++) {
        size_t len = (n - a) >> q, s = n - len;
        if (len < 5)
            break;
        aiops_trend tr;
        if (trend_fit(t + s, v + s, len, &tr, scratch, FIT_ETA) || !(tr.slope_lo > 0))
            continue;
        /* The upper envelope: the peaks of a sawtooth reach the limit first. */
        for (size_t i = 0; i < len; i++)
            scratch[i] = v[s + i] - tr.slope * (t[s + i] - now);
        double level = aiops_quantile(scratch, len, 0.9);
        double eta = level >= limit ? now : now + (limit - level) / tr.slope;
        if (found && !(eta < out->eta))
            continue;
        found = 1;
        out->eta = eta;
        out->reached = level >= limit;
        out->level = level;
        out->slope = tr.slope;
        out->eta_lo = level >= limit ? now : now + (limit - level) / tr.slope_hi;
        out->eta_hi = level >= limit ? now : now + (limit - level) / tr.slope_lo;
    }
    return found;
}
