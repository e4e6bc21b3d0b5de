/* arma_diff.c - how much to difference a series before an ARMA model
 * (arma.h): the strength of seasonality of a classical decomposition (the
 * seasonal difference), the KPSS statistic (the ordinary one), and the
 * differencing itself.  Separate from the ARMA algebra because these look
 * at the series, not at coefficients: the tests R's auto.arima bases the
 * choice of d and D on. */
#include <math.h>
#include <string.h>

#include "models/numeric/arma.h"

/* Trend by the centred moving average of one season, seasonal index by
 * the mean detrended value at each phase (centred to mean 0). */
double aiops_arma_seasonal_strength(const double *y, size_t n, int s, double *buf)
{
    size_t h = (size_t)s / 2;
    if (n < 2 * (size_t)s + 1)
        return 0;
    double *pre = buf, *idx = buf + n + 1, *cnt = idx + s;   /* n + 1 + 2s */
    pre[0] = 0;
    for (size_t i = 0; i < n; i++)
        pre[i + 1] = pre[i] + y[i];
    memset(idx, 0, 2 * (size_t)s * sizeof *idx);
    double *det = cnt + s;                                  /* n values */
    for (size_t t = h; t + h < n; t++) {
        double sum = pre[t + h + 1] - pre[t - h];
        if (s % 2 == 0)
            sum -= 0.5 * (y[t - h] + y[t + h]);
        det[t] = y[t] - sum / s;
        idx[t % (size_t)s] += det[t];
        cnt[t % (size_t)s] += 1;
    }
    double mean = 0;
    for (int j = 0; j < s; j++)
        mean += (idx[j] /= cnt[j]) / s;
    double sd = 0, sr = 0, md = 0, mr = 0, m = (double)(n - 2 * h);
    for (size_t t = h; t + h < n; t++) {
        md += det[t] / m;
        mr += (det[t] - (idx[t % (size_t)s] - mean)) / m;
    }
    for (size_t t = h; t + h < n; t++) {
        double r = det[t] - (idx[t % (size_t)s] - mean);
        sd += (det[t] - md) * (det[t] - md);
        sr += (r - mr) * (r - mr);
    }
    return sd > 0 ? fmax(0, 1 - sr / sd) : 0;
}

/* Bartlett window of trunc(12 (n/100)^0.25) lags (urca's "long": with
 * the short window a stationary AR(1) of phi 0.6 is often taken for a
 * unit root). */
double aiops_arma_kpss(const double *x, size_t n)
{
    if (n < 3)
        return 0;
    double mean = 0, amax = 0;
    for (size_t i = 0; i < n; i++) {
        mean += x[i] / (double)n;
        amax = fmax(amax, fabs(x[i]));
    }
    double S = 0, num = 0, g0 = 0;
    for (size_t i = 0; i < n; i++) {
        double e = x[i] - mean;
        S += e;
        num += S * S;
        g0 += e * e;
    }
    double lr = g0 / (double)n;
    int l = (int)(12 * pow((double)n / 100, 0.25));
    for (int j = 1; j <= l && (size_t)j < n; j++) {
        double gj = 0;
        for (size_t i = (size_t)j; i < n; i++)
            gj += (x[i] - mean) * (x[i - (size_t)j] - mean);
        lr += 2 * (1 - (double)j / (l + 1)) * gj / (double)n;
    }
    /* a (numerically) constant series is level stationary: its deviations
     * from the mean are rounding noise, whose ratio means nothing */
    double tiny = 1e-12 * amax;
    return lr > tiny * tiny ? num / ((double)n * (double)n * lr) : 0;
}

size_t aiops_arma_difference(double *x, size_t n, size_t lag)
{
    if (n <= lag)
        return 0;
    for (size_t t = n - 1; t >= lag; t--) {
        x[t] -= x[t - lag];
        if (t == lag)
            break;
    }
    memmove(x, x + lag, (n - lag) * sizeof *x);
    return n - lag;
}
