/* model_sarima.c - "sarima": SARIMA(p,d,q)(P,D,Q)s fitted by conditional
 * sum of squares, with one-step-ahead prediction intervals.
 *
 *   phi(B) Phi(B^s) (1-B)^d (1-B^s)^D (y_t - mu) = theta(B) Theta(B^s) e_t
 *
 * Grid.  SARIMA needs evenly spaced data: the training points are put on a
 * grid of buckets of the median spacing, starting half a spacing before the
 * first point (bucket value = mean of its points; empty buckets inside the
 * training data are interpolated for the fit and treated as missing by the
 * recursion).  The season s = period / spacing (period default 1 day).  A
 * season longer than 288 buckets (1-minute data and a daily period: 1440)
 * would make the seasonal lags slow and the fit data-hungry, so the grid is
 * then coarsened by g = ceil(s / 288) (1-minute data -> 5-minute buckets,
 * s = 288) and the model runs on bucket means.  A raw point's band then
 * adds the within-bucket variance measured in training.
 *
 * Fit.  Orders given in params are used as they are; -1 means automatic,
 * in the Hyndman-Khandakar (R auto.arima) way: D = 1 when the seasonal
 * strength of a classical decomposition exceeds 0.64; then d = 1 when the
 * KPSS test rejects level stationarity at 5% (statistic > 0.463, long
 * Bartlett window); then p, q in 0..2 and P, Q in 0..1 minimise
 * AIC = n log(CSS/n) + 2(k+1) over the differenced series (d and D are not
 * chosen by AIC: likelihoods of differently differenced series are not
 * comparable).  All candidates are fitted on the same span (conditioned on
 * the largest AR lag of the candidate set) so their AICs compare; as in
 * auto.arima, a fit with an AR or MA root within 1.01 of the unit circle
 * is only taken when nothing else fits (near-cancelling factors fool the
 * CSS).  Seasonal terms need 3 seasons of data.  Each candidate is a
 * Levenberg-Marquardt minimisation of the CSS (numerical Jacobian, LAPACK
 * dposv for the steps) inside the stationary / invertible region (orders
 * <= 2, so closed-form conditions).  A mean is estimated when d + D = 0.
 *
 * Scoring.  band(t) is the forecast of t's bucket from the buckets before
 * it, +- z * sqrt(sigma^2 * sum psi_j^2 + within-bucket variance), z the
 * normal quantile of (1 + width)/2: for the next bucket (the usual case)
 * the one-step interval from the CSS residual variance, for later buckets
 * (forecasting, after gaps) the h-step one from the psi weights.
 * update(t, v) feeds v into its bucket; when a later bucket starts, the
 * finished bucket's mean enters the recursion (and buckets with no data
 * are filled by their forecast with a zero innovation), so band() of the
 * next bucket is the next one-step forecast.  Robust filtering: an
 * innovation outside the band is clipped to the band edge before it
 * enters the recursion, so one spike does not echo through the AR/MA terms
 * into follow-up false alarms, while a lasting level shift is still
 * followed (by up to z sigma per bucket).  band() of a bucket before the
 * current one has no look-ahead-free answer: no estimate (NaN); update()
 * of such a point is ignored (its bucket has entered the recursion).
 *
 * Forecasting (aiops-fit --horizon): band(t) at a future t is the h-step
 * forecast with its widening interval, for h up to 4096 buckets (no
 * estimate beyond), so a forecast is band() at future times as for every
 * model.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "model.h"

#define DAY 86400.0
#define MAX_S 288               /* season length cap in buckets */
#define MAX_ORD 2               /* p, q, P, Q at most (closed-form checks) */
#define MAX_NP (4 * MAX_ORD + 1) /* coefficients + mean */
#define HMAX 4096               /* forecast horizon in buckets */
#define LM_MAX_IT 60
#define KPSS_CRIT 0.463         /* 5% critical value, level stationarity */
#define SEAS_STRENGTH 0.64      /* auto.arima's threshold for D = 1 */
#define MIN_EFF 30              /* residuals needed beyond the parameters */
#define ROOT_LIM 0.999          /* stay inside the stationary region */
#define GAP_MAX ((int64_t)1 << 16) /* buckets filled by forecast in one gap */

typedef struct term {
    int lag;
    double c;
} term;

typedef struct sarima {
    /* parameters (requested orders, -1 = automatic) */
    int req[6];                 /* p d q P D Q */
    double width, period;
    /* fitted model */
    int fitted, autosel;
    int p, d, q, P, D, Q, s, g;
    double step, origin, mu, sigma2, var_within, zq, aic;
    double phi[MAX_ORD], theta[MAX_ORD], Phi[MAX_ORD], Theta[MAX_ORD];
    /* the recursion on y: y_k = c + sum ar y_{k-lag} + sum ma e_{k-lag} + e_k */
    double c;
    term *ar, *ma;
    int nar, nma, maxar, maxma;
    double *yr, *er;            /* ring buffers indexed by bucket & mask */
    size_t ymask, emask;
    int64_t open_k;             /* the bucket being filled */
    double open_sum, open_n;
    double fc_open, fc_after;   /* forecasts of buckets open_k, open_k + 1 */
    double *psi2;               /* psi2[h] = sum_{j<h} psi_j^2, h <= HMAX */
    double *fut;                /* scratch for h-step forecasts */
} sarima;

static const char *const ORD_NAME[6] = {"p", "d", "q", "P", "D", "Q"};
static const int ORD_MAX[6] = {MAX_ORD, 1, MAX_ORD, MAX_ORD, 1, MAX_ORD};

/* ------------------------------------------------------------ helpers */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

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

static size_t pow2_at_least(size_t n)
{
    size_t r = 1;
    while (r < n)
        r <<= 1;
    return r;
}

/* 1 - c1 B - c2 B^2 (n <= 2 terms) has all roots outside the unit circle,
 * with a margin (the triangle conditions for order 2). */
static int stationary(const double *c, int n)
{
    if (n == 0)
        return 1;
    if (n == 1)
        return fabs(c[0]) < ROOT_LIM;
    return fabs(c[1]) < ROOT_LIM && c[0] + c[1] < ROOT_LIM && c[1] - c[0] < ROOT_LIM;
}

/* Largest |lambda| for lambda^2 - c1 lambda - c2 (n = 2) or lambda - c1:
 * the reciprocal of the smallest root modulus of 1 - c1 B - c2 B^2. */
static double max_inv_root(const double *c, int n)
{
    if (n == 0)
        return 0;
    if (n == 1)
        return fabs(c[0]);
    double disc = c[0] * c[0] + 4 * c[1];
    if (disc < 0)
        return sqrt(-c[1]);
    return (fabs(c[0]) + sqrt(disc)) / 2;
}

/* auto.arima's guard: no AR or MA root within 1.01 of the unit circle
 * (such a fit is near-nonstationary, or near-noninvertible where the CSS
 * is unreliable and factors nearly cancel).  Seasonal factors are checked
 * as polynomials in B^s. */
static int roots_ok(const double *x, int p, int q, int P, int Q)
{
    double mt[MAX_ORD] = {0}, mT[MAX_ORD] = {0};
    for (int i = 0; i < q; i++)
        mt[i] = -x[p + i];
    for (int i = 0; i < Q; i++)
        mT[i] = -x[p + q + P + i];
    double lim = 1 / 1.01;
    return max_inv_root(x, p) < lim && max_inv_root(mt, q) < lim &&
           max_inv_root(x + p + q, P) < lim && max_inv_root(mT, Q) < lim;
}

/* 1 + t1 B + t2 B^2 invertible: the same conditions on -t. */
static int invertible(const double *t, int n)
{
    double c[MAX_ORD] = {0};
    for (int i = 0; i < n && i < MAX_ORD; i++)
        c[i] = -t[i];
    return stationary(c, n);
}

/* Sparse terms of the AR product phi(B) Phi(B^s) = 1 - sum a_k B^k and
 * the MA product theta(B) Theta(B^s) = 1 + sum m_k B^k (equal lags may
 * repeat: the recursion sums them anyway).  Returns the counts. */
static void products(const double *phi, int p, const double *Phi, int P, const double *theta,
                     int q, const double *Theta, int Q, int s, term *ar, int *nar, term *ma,
                     int *nma)
{
    *nar = *nma = 0;
    for (int j = 0; j <= P; j++)
        for (int i = 0; i <= p; i++) {
            if (!i && !j)
                continue;
            double a = i ? -phi[i - 1] : 1, b = j ? -Phi[j - 1] : 1;
            ar[(*nar)++] = (term){i + s * j, -(a * b)};
        }
    for (int j = 0; j <= Q; j++)
        for (int i = 0; i <= q; i++) {
            if (!i && !j)
                continue;
            double a = i ? theta[i - 1] : 1, b = j ? Theta[j - 1] : 1;
            ma[(*nma)++] = (term){i + s * j, a * b};
        }
}

/* ------------------------------------------------- conditional sum of squares */

typedef struct css_ctx {
    const double *w;            /* differenced series, N values */
    size_t N, start;            /* residuals from start on */
    int p, q, P, Q, s, mean;
    double *ebuf;               /* pad + N: e[t] = ebuf[pad + t] */
    size_t pad;
} css_ctx;

static int npar(const css_ctx *cx)
{
    return cx->p + cx->q + cx->P + cx->Q + cx->mean;
}

/* CSS at parameters x (phi, theta, Phi, Theta, mu); residuals into e
 * (pad + N values, the first pad + start zero).  +Inf outside the
 * stationary/invertible region or when the recursion overflows. */
static double css_eval(const css_ctx *cx, const double *x, double *ebuf)
{
    const double *phi = x, *theta = phi + cx->p, *Phi = theta + cx->q, *Theta = Phi + cx->P;
    double mu = cx->mean ? Theta[cx->Q] : 0;
    if (!stationary(phi, cx->p) || !stationary(Phi, cx->P) || !invertible(theta, cx->q) ||
        !invertible(Theta, cx->Q))
        return INFINITY;
    term ar[(MAX_ORD + 1) * (MAX_ORD + 1)], ma[(MAX_ORD + 1) * (MAX_ORD + 1)];
    int nar, nma;
    products(phi, cx->p, Phi, cx->P, theta, cx->q, Theta, cx->Q, cx->s, ar, &nar, ma, &nma);
    double *e = ebuf + cx->pad, ssq = 0;
    memset(ebuf, 0, (cx->pad + cx->start) * sizeof *ebuf);
    const double *w = cx->w;
    for (size_t t = cx->start; t < cx->N; t++) {
        double v = w[t] - mu;
        for (int i = 0; i < nar; i++)
            v -= ar[i].c * (w[t - (size_t)ar[i].lag] - mu);
        for (int i = 0; i < nma; i++)
            v -= ma[i].c * e[(ptrdiff_t)t - ma[i].lag];
        e[t] = v;
        ssq += v * v;
    }
    return isfinite(ssq) ? ssq : INFINITY;
}

/* Jacobian of the residuals by forward differences (backward at the
 * region's edge), column i at J + i * rows. */
static int jacobian(const css_ctx *cx, double *x, int np, const double *e0, double *e1,
                    double *J, double scale_mu)
{
    size_t rows = cx->N - cx->start;
    for (int i = 0; i < np; i++) {
        double keep = x[i];
        double h = 1e-6 * (cx->mean && i == np - 1 ? scale_mu : fmax(1, fabs(keep)));
        x[i] = keep + h;
        if (!isfinite(css_eval(cx, x, e1))) {
            h = -h;
            x[i] = keep + h;
            if (!isfinite(css_eval(cx, x, e1))) {
                x[i] = keep;
                return -1;
            }
        }
        x[i] = keep;
        const double *a = e1 + cx->pad + cx->start, *b = e0 + cx->pad + cx->start;
        for (size_t r = 0; r < rows; r++)
            J[(size_t)i * rows + r] = (a[r] - b[r]) / h;
    }
    return 0;
}

/* Levenberg-Marquardt on the CSS from x (updated in place).  Returns the
 * final CSS (Inf if x itself is not admissible). */
static double lm_fit(const css_ctx *cx, double *x, double *J, double *e0, double *e1,
                     double scale_mu)
{
    int np = npar(cx);
    double f = css_eval(cx, x, e0);
    if (!np || !isfinite(f))
        return f;
    size_t rows = cx->N - cx->start;
    double A[MAX_NP * MAX_NP], M[MAX_NP * MAX_NP], g[MAX_NP], xn[MAX_NP], lambda = 1e-3;
    for (int it = 0; it < LM_MAX_IT; it++) {
        if (jacobian(cx, x, np, e0, e1, J, scale_mu))
            break;
        cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, np, (int)rows, 1.0, J, (int)rows,
                    0.0, A, np);
        cblas_dgemv(CblasColMajor, CblasTrans, (int)rows, np, 1.0, J, (int)rows,
                    e0 + cx->pad + cx->start, 1, 0.0, g, 1);
        int accepted = 0;
        double fn = f;
        while (!accepted && lambda < 1e12) {
            memcpy(M, A, sizeof A);
            for (int i = 0; i < np; i++) {
                M[i * np + i] += lambda * A[i * np + i] + 1e-12 * (1 + A[i * np + i]);
                xn[i] = -g[i];
            }
            if (LAPACKE_dposv(LAPACK_COL_MAJOR, 'U', np, 1, M, np, xn, np) == 0) {
                for (int i = 0; i < np; i++)
                    xn[i] += x[i];
                fn = css_eval(cx, xn, e1);
                accepted = fn < f;
            }
            lambda = accepted ? fmax(lambda / 10, 1e-12) : lambda * 10;
        }
        if (!accepted)
            break;
        memcpy(x, xn, (size_t)np * sizeof *x);
        memcpy(e0, e1, (cx->pad + cx->N) * sizeof *e0);
        int done = f - fn <= 1e-10 * f;
        f = fn;
        if (done)
            break;
    }
    return f;
}

/* ------------------------------------------------------ order selection */

/* Strength of seasonality of a classical decomposition (centred moving
 * average trend, mean seasonal index): 1 - var(remainder)/var(detrended). */
static double seasonal_strength(const double *y, size_t n, int s, double *buf)
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

/* KPSS statistic for level stationarity, Bartlett window of
 * trunc(12 (n/100)^0.25) lags (urca's "long": with the short window a
 * stationary AR(1) of phi 0.6 is often taken for a unit root). */
static double kpss(const double *x, size_t n)
{
    if (n < 3)
        return 0;
    double mean = 0;
    for (size_t i = 0; i < n; i++)
        mean += x[i] / (double)n;
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
    return lr > 0 ? num / ((double)n * (double)n * lr) : 0;
}

/* In-place differencing x_t - x_{t-lag}; returns the new length. */
static size_t difference(double *x, size_t n, size_t lag)
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

/* ------------------------------------------------------------ recursion */

static double forecast_at(const sarima *m, int64_t k)
{
    double f = m->c;
    for (int i = 0; i < m->nar; i++)
        f += m->ar[i].c * m->yr[(size_t)(k - m->ar[i].lag) & m->ymask];
    for (int i = 0; i < m->nma; i++)
        f += m->ma[i].c * m->er[(size_t)(k - m->ma[i].lag) & m->emask];
    return f;
}

/* Bucket k gets observation y (NaN = missing) against forecast fc; the
 * innovation is clipped to the band (robust filtering). */
static void put(sarima *m, int64_t k, double y, double fc)
{
    double e = 0, lim = m->zq * sqrt(m->sigma2);
    if (!isnan(y)) {
        e = y - fc;
        e = e > lim ? lim : e < -lim ? -lim : e;
    }
    m->yr[(size_t)k & m->ymask] = fc + e;
    m->er[(size_t)k & m->emask] = e;
}

/* (Re)write the open bucket from its running mean; forecast the next. */
static void refresh_open(sarima *m)
{
    put(m, m->open_k, m->open_n > 0 ? m->open_sum / m->open_n : NAN, m->fc_open);
    m->fc_after = forecast_at(m, m->open_k + 1);
}

/* Move the recursion state (the open bucket and the lags before it) shift
 * buckets later, as if the buckets in between had been filled. */
static void relocate(sarima *m, int64_t shift)
{
    int64_t o = m->open_k;
    for (int i = 0; i <= m->maxar; i++)   /* fut holds HMAX > maxar values */
        m->fut[i] = m->yr[(size_t)(o - i) & m->ymask];
    for (int i = 0; i <= m->maxar; i++)
        m->yr[(size_t)(o + shift - i) & m->ymask] = m->fut[i];
    for (int i = 0; i <= m->maxma; i++)
        m->fut[i] = m->er[(size_t)(o - i) & m->emask];
    for (int i = 0; i <= m->maxma; i++)
        m->er[(size_t)(o + shift - i) & m->emask] = m->fut[i];
    m->open_k = o + shift;
}

/* The open bucket is done: move on to bucket kb > open_k, filling the
 * buckets between with their forecasts.  A gap longer than GAP_MAX
 * buckets skips whole seasons first (the forecast that far out has long
 * settled into its seasonal pattern), so no update costs more than
 * GAP_MAX steps. */
static void advance(sarima *m, int64_t kb)
{
    if (kb - m->open_k > GAP_MAX) {
        int64_t per = m->s >= 2 ? m->s : 1;
        relocate(m, (kb - m->open_k - GAP_MAX / 2) / per * per);
    }
    for (int64_t k = m->open_k + 1; k < kb; k++)
        put(m, k, NAN, forecast_at(m, k));
    m->open_k = kb;
    m->open_sum = m->open_n = 0;
    m->fc_open = forecast_at(m, kb);
    refresh_open(m);
}

/* Bucket index of t, or INT64_MIN when out of range. */
static int64_t bucket_of(const sarima *m, double t)
{
    double k = floor((t - m->origin) / m->step);
    return k > -9e15 && k < 9e15 ? (int64_t)k : INT64_MIN;
}

/* Combined polynomials on y (AR with the differencing), constant, psi
 * weights and ring buffers, from the fitted orders and coefficients. */
static int build_recursion(sarima *m, aiops_err *err)
{
    int s = m->s, La = m->p + m->s * m->P, Ld = m->d + s * m->D, L = La + Ld;
    int Lm = m->q + s * m->Q;
    double *a = calloc((size_t)L + 1, sizeof *a), *dd = calloc((size_t)Ld + 1, sizeof *dd);
    double *full = calloc((size_t)L + 1, sizeof *full), *mac = calloc((size_t)Lm + 1, sizeof *mac);
    term tar[(MAX_ORD + 1) * (MAX_ORD + 1)], tma[(MAX_ORD + 1) * (MAX_ORD + 1)];
    int nar, nma, rc = 0;
    products(m->phi, m->p, m->Phi, m->P, m->theta, m->q, m->Theta, m->Q, s, tar, &nar, tma, &nma);
    free(m->ar), free(m->ma), free(m->yr), free(m->er), free(m->psi2), free(m->fut);
    m->ar = malloc(((size_t)L + 1) * sizeof *m->ar);
    m->ma = malloc(((size_t)Lm + 1) * sizeof *m->ma);
    m->ymask = pow2_at_least((size_t)L + 1) - 1;
    m->emask = pow2_at_least((size_t)Lm + 1) - 1;
    m->yr = calloc(m->ymask + 1, sizeof *m->yr);
    m->er = calloc(m->emask + 1, sizeof *m->er);
    m->psi2 = malloc((HMAX + 1) * sizeof *m->psi2);
    m->fut = malloc(HMAX * sizeof *m->fut);
    double *psi = malloc(HMAX * sizeof *psi);
    if (!a || !dd || !full || !mac || !m->ar || !m->ma || !m->yr || !m->er || !m->psi2 ||
        !m->fut || !psi) {
        rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        goto out;
    }
    a[0] = 1;                               /* phi(B) Phi(B^s) = sum a_k B^k */
    for (int i = 0; i < nar; i++)
        a[tar[i].lag] -= tar[i].c;
    dd[0] = 1;                              /* (1-B)^d (1-B^s)^D */
    if (m->d)
        dd[1] = -1;
    if (m->D) {
        dd[s] -= 1;
        if (m->d)
            dd[s + 1] += 1;
    }
    for (int i = 0; i <= La; i++)
        for (int j = 0; j <= Ld; j++)
            full[i + j] += a[i] * dd[j];
    double a1 = 0;
    for (int i = 0; i <= La; i++)
        a1 += a[i];
    m->c = m->mu * a1;                      /* mu = 0 unless d + D = 0 */
    m->nar = m->nma = 0;
    for (int k = 1; k <= L; k++)
        if (full[k] != 0)
            m->ar[m->nar++] = (term){k, -full[k]};
    for (int i = 0; i < nma; i++)
        mac[tma[i].lag] += tma[i].c;
    for (int k = 1; k <= Lm; k++)
        if (mac[k] != 0)
            m->ma[m->nma++] = (term){k, mac[k]};
    m->maxar = L;
    m->maxma = Lm;
    m->psi2[0] = 0;                         /* psi_j = m_j + sum a_k psi_{j-k} */
    for (int j = 0; j < HMAX; j++) {
        double v = j == 0 ? 1 : j <= Lm ? mac[j] : 0;
        for (int i = 0; j && i < m->nar && m->ar[i].lag <= j; i++)
            v += m->ar[i].c * psi[j - m->ar[i].lag];
        psi[j] = v;
        m->psi2[j + 1] = m->psi2[j] + v * v;
    }
out:
    free(a), free(dd), free(full), free(mac), free(psi);
    return rc;
}

/* h-step forecast (h >= 1) of bucket open_k + h: future innovations zero. */
static double forecast_ahead(sarima *m, int h)
{
    int64_t o = m->open_k;
    for (int j = 1; j <= h; j++) {
        int64_t k = o + j;
        double f = m->c;
        for (int i = 0; i < m->nar; i++) {
            int64_t x = k - m->ar[i].lag;
            f += m->ar[i].c * (x > o ? m->fut[x - o - 1] : m->yr[(size_t)x & m->ymask]);
        }
        for (int i = 0; i < m->nma; i++) {
            int64_t x = k - m->ma[i].lag;
            if (x <= o)
                f += m->ma[i].c * m->er[(size_t)x & m->emask];
        }
        m->fut[j - 1] = f;
    }
    return m->fut[h - 1];
}

/* --------------------------------------------------------- life cycle */

static void free_fit(sarima *m)
{
    free(m->ar), free(m->ma), free(m->yr), free(m->er), free(m->psi2), free(m->fut);
    m->ar = m->ma = NULL;
    m->yr = m->er = m->psi2 = m->fut = NULL;
    m->fitted = m->autosel = 0;
    m->p = m->d = m->q = m->P = m->D = m->Q = m->s = 0;
    m->g = 1;
    m->nar = m->nma = m->maxar = m->maxma = 0;
    m->mu = m->c = m->sigma2 = m->var_within = 0;
    m->aic = NAN;
    memset(m->phi, 0, sizeof m->phi), memset(m->theta, 0, sizeof m->theta);
    memset(m->Phi, 0, sizeof m->Phi), memset(m->Theta, 0, sizeof m->Theta);
}

static void sarima_destroy(void *mv)
{
    sarima *m = mv;
    if (!m)
        return;
    free_fit(m);
    free(m);
}

static int apply_params(sarima *m, const aiops_model_params *p, aiops_err *err)
{
    m->width = isnan(p->width) ? 0.99 : p->width;
    if (!(m->width > 0 && m->width < 1))
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "sarima: expected width in (0, 1), got %g", m->width);
    m->period = isnan(p->period) || p->period == 0 ? DAY : p->period;
    if (!(m->period > 0) || !isfinite(m->period))
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "sarima: expected a positive period, got %g", p->period);
    const int ord[6] = {p->p, p->d, p->q, p->P, p->D, p->Q};
    for (int i = 0; i < 6; i++) {
        if (ord[i] < -1 || ord[i] > ORD_MAX[i])
            return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                                 "sarima: expected %s in 0..%d (or -1 = by AIC), got %d",
                                 ORD_NAME[i], ORD_MAX[i], ord[i]);
        m->req[i] = ord[i];
    }
    m->zq = norm_quantile(0.5 + m->width / 2);
    return 0;
}

static void *sarima_create(const aiops_model_params *p, aiops_err *err)
{
    sarima *m = calloc(1, sizeof *m);
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
        sarima_destroy(m);
        return NULL;
    }
    return m;
}

/* ---------------------------------------------------------------- fit */

typedef struct grid {
    double *y, *cnt;            /* bucket means (gaps interpolated), counts */
    size_t K;
    double last_sum, last_n;    /* raw sum/count of the last bucket */
} grid;

/* Finite points in time order into t/v; returns the count or <0. */
static long gather(const double *ts, const double *v, size_t n, double *t, double *y,
                   aiops_err *err)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(ts[i]) || !isfinite(v[i]))
            continue;
        if (k && ts[i] < t[k - 1])
            return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                                 "sarima: expected training points in time order, "
                                 "point %zu at %.17g is before %.17g", i + 1, ts[i], t[k - 1]);
        t[k] = ts[i];
        y[k++] = v[i];
    }
    return (long)k;
}

static double median_spacing(const double *t, size_t k)
{
    double *d = malloc((k ? k : 1) * sizeof *d);
    size_t n = 0;
    if (!d)
        return NAN;
    for (size_t i = 1; i < k; i++)
        if (t[i] > t[i - 1])
            d[n++] = t[i] - t[i - 1];
    qsort(d, n, sizeof *d, cmp_double);
    double r = n ? (n % 2 ? d[n / 2] : 0.5 * (d[n / 2 - 1] + d[n / 2])) : 0;
    free(d);
    return r;
}

/* Grid spacing, aggregation and season from the median spacing dt. */
static void choose_grid(sarima *m, double t0, double dt)
{
    double sraw = m->period / dt;
    m->g = sraw > MAX_S + 0.5 ? (int)ceil(sraw / MAX_S) : 1;
    m->step = m->g * dt;
    m->origin = t0 - dt / 2;
    long s = lround(m->period / m->step);
    m->s = s >= 2 ? (int)s : 0;
}

static int make_grid(sarima *m, const double *t, const double *v, size_t k, grid *gr,
                     aiops_err *err)
{
    double span = floor((t[k - 1] - m->origin) / m->step) + 1;
    if (span > 4.0 * (double)k + 1000)
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "sarima: training data too sparse for a regular grid: %zu points "
                             "over %.0f buckets of %gs", k, span, m->step);
    size_t K = (size_t)span;
    gr->K = K;
    gr->y = calloc(K, sizeof *gr->y);
    gr->cnt = calloc(K, sizeof *gr->cnt);
    if (!gr->y || !gr->cnt)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < k; i++) {
        size_t b = (size_t)floor((t[i] - m->origin) / m->step);
        b = b < K ? b : K - 1;
        gr->y[b] += v[i];
        gr->cnt[b] += 1;
    }
    gr->last_sum = gr->y[K - 1];
    gr->last_n = gr->cnt[K - 1];
    for (size_t b = 0; b < K; b++)
        if (gr->cnt[b] > 0)
            gr->y[b] /= gr->cnt[b];
    double ss = 0, df = 0;          /* pooled within-bucket variance */
    for (size_t i = 0; m->g > 1 && i < k; i++) {
        size_t b = (size_t)floor((t[i] - m->origin) / m->step);
        b = b < K ? b : K - 1;
        ss += (v[i] - gr->y[b]) * (v[i] - gr->y[b]);
        df += 1;
    }
    for (size_t b = 0; m->g > 1 && b < K; b++)
        df -= gr->cnt[b] > 0;
    m->var_within = df > 0 ? ss / df : 0;
    for (size_t b = 1, prev = 0; b < K; b++) {   /* interpolate the gaps */
        if (gr->cnt[b] == 0)
            continue;
        for (size_t j = prev + 1; j < b; j++)
            gr->y[j] = gr->y[prev] + (gr->y[b] - gr->y[prev]) * (double)(j - prev) / (double)(b - prev);
        prev = b;
    }
    return 0;
}

/* Candidate ranges: fixed order or 0..2 (p, q) / 0..1 (P, Q). */
static void ranges(const sarima *m, int seas_ok, int lo[4], int hi[4])
{
    static const int idx[4] = {0, 2, 3, 5}, amax[4] = {2, 2, 1, 1};
    for (int i = 0; i < 4; i++) {
        int r = m->req[idx[i]];
        int seasonal = i >= 2;
        lo[i] = r >= 0 ? r : 0;
        hi[i] = r >= 0 ? r : (seasonal && !seas_ok ? 0 : amax[i]);
    }
}

typedef struct search {
    css_ctx cx;
    double *e0, *e1, *J, scale_mu, mean0;
    double best_aic, best_css, best_x[MAX_NP];
    int best[4], best_ok;
} search;

static void try_candidate(search *sr, int p, int q, int P, int Q)
{
    css_ctx *cx = &sr->cx;
    cx->p = p, cx->q = q, cx->P = P, cx->Q = Q;
    double x[MAX_NP] = {0};
    int np = npar(cx);
    if (cx->mean)
        x[np - 1] = sr->mean0;
    double css = lm_fit(cx, x, sr->J, sr->e0, sr->e1, sr->scale_mu);
    if (!isfinite(css))
        return;
    double n = (double)(cx->N - cx->start);
    double aic = n * log(fmax(css / n, 1e-300)) + 2.0 * (np + 1);
    int ok = roots_ok(x, p, q, P, Q);
    if (ok < sr->best_ok)
        return;                     /* a near-unit-root fit only as a last resort */
    if (ok > sr->best_ok || aic < sr->best_aic) {
        sr->best_ok = ok;
        sr->best_aic = aic;
        sr->best_css = css;
        memcpy(sr->best_x, x, sizeof x);
        sr->best[0] = p, sr->best[1] = q, sr->best[2] = P, sr->best[3] = Q;
    }
}

/* Differencing orders, then the AIC search; fills the model's orders and
 * coefficients.  y (K values) is the grid. */
static int select_orders(sarima *m, const double *y, size_t K, aiops_err *err)
{
    int s = m->s, seas_ok = s >= 2 && K >= 3 * (size_t)s;
    for (int i = 3; i < 6; i++)
        if (m->req[i] > 0 && !seas_ok)
            return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                                 "sarima: %s > 0 needs 3 seasons of data (season %d buckets "
                                 "of %gs), got %zu buckets", ORD_NAME[i], s, m->step, K);
    int lo[4], hi[4];
    ranges(m, seas_ok, lo, hi);
    size_t pad = (size_t)(hi[1] + s * hi[3]);
    double *x = malloc(K * sizeof *x), *buf = malloc((2 * K + 1 + 2 * (size_t)s + 1) * sizeof *buf);
    search sr = {.best_aic = INFINITY, .best_css = INFINITY};
    sr.e0 = malloc((pad + K) * sizeof *sr.e0);
    sr.e1 = malloc((pad + K) * sizeof *sr.e1);
    sr.J = malloc(MAX_NP * K * sizeof *sr.J);
    int rc = 0;
    if (!x || !buf || !sr.e0 || !sr.e1 || !sr.J) {
        rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        goto out;
    }
    m->D = m->req[4] >= 0 ? m->req[4] : seas_ok && seasonal_strength(y, K, s, buf) > SEAS_STRENGTH;
    memcpy(x, y, K * sizeof *x);
    size_t N = m->D ? difference(x, K, (size_t)s) : K;
    m->d = m->req[1] >= 0 ? m->req[1] : kpss(x, N) > KPSS_CRIT;
    N = m->d ? difference(x, N, 1) : N;
    size_t start = (size_t)(hi[0] + s * hi[2]);
    if (N < start + MIN_EFF + 7) {
        rc = aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                           "sarima: expected at least %zu buckets of %gs for these orders, "
                           "got %zu", start + MIN_EFF + 7 + (K - N), m->step, K);
        goto out;
    }
    sr.cx = (css_ctx){.w = x, .N = N, .start = start, .s = s, .mean = m->d + m->D == 0,
                      .pad = pad};
    double mean = 0, var = 0;
    for (size_t t = start; t < N; t++)
        mean += x[t] / (double)(N - start);
    for (size_t t = start; t < N; t++)
        var += (x[t] - mean) * (x[t] - mean) / (double)(N - start);
    sr.mean0 = mean;
    sr.scale_mu = sqrt(var) > 0 ? sqrt(var) : fmax(1, fabs(mean));
    for (int P = lo[2]; P <= hi[2]; P++)
        for (int Q = lo[3]; Q <= hi[3]; Q++)
            for (int p = lo[0]; p <= hi[0]; p++)
                for (int q = lo[1]; q <= hi[1]; q++)
                    try_candidate(&sr, p, q, P, Q);
    if (!isfinite(sr.best_css)) {
        rc = aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "sarima: no admissible model fits the data");
        goto out;
    }
    m->p = sr.best[0], m->q = sr.best[1], m->P = sr.best[2], m->Q = sr.best[3];
    const double *b = sr.best_x;
    memcpy(m->phi, b, (size_t)m->p * sizeof *b), b += m->p;
    memcpy(m->theta, b, (size_t)m->q * sizeof *b), b += m->q;
    memcpy(m->Phi, b, (size_t)m->P * sizeof *b), b += m->P;
    memcpy(m->Theta, b, (size_t)m->Q * sizeof *b), b += m->Q;
    m->mu = sr.cx.mean ? *b : 0;
    m->sigma2 = sr.best_css / (double)(N - start);
    m->aic = sr.best_aic;
    m->autosel = lo[0] != hi[0] || lo[1] != hi[1] || lo[2] != hi[2] || lo[3] != hi[3];
out:
    free(x), free(buf), free(sr.e0), free(sr.e1), free(sr.J);
    return rc;
}

/* Run the online filter over the training grid: the state at its end. */
static int build_state(sarima *m, const grid *gr, double ymax, aiops_err *err)
{
    double floor_var = 1e-9 * ymax * 1e-9 * ymax + 1e-300;
    if (m->sigma2 < floor_var)
        m->sigma2 = floor_var;      /* a constant series: tight, not zero */
    int rc = build_recursion(m, err);
    if (rc)
        return rc;
    size_t K = gr->K;
    for (size_t k = 0; k + 1 < K; k++) {
        if (k < (size_t)m->maxar) {
            m->yr[k & m->ymask] = gr->y[k];
            m->er[k & m->emask] = 0;
        } else
            put(m, (int64_t)k, gr->cnt[k] > 0 ? gr->y[k] : NAN, forecast_at(m, (int64_t)k));
    }
    m->open_k = (int64_t)K - 1;
    m->open_sum = gr->last_sum;
    m->open_n = gr->last_n;
    m->fc_open = forecast_at(m, m->open_k);
    refresh_open(m);
    return 0;
}

static int sarima_fit(void *mv, const double *ts, const double *v, size_t n, aiops_err *err)
{
    sarima *m = mv;
    free_fit(m);
    size_t cap = n ? n : 1;
    double *t = malloc(cap * sizeof *t), *y = malloc(cap * sizeof *y);
    grid gr = {0};
    int rc = !t || !y ? aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory") : 0;
    long k = rc ? 0 : gather(ts, v, n, t, y, err);
    if (k < 0)
        rc = (int)k;
    double dt = !rc && k >= 2 ? median_spacing(t, (size_t)k) : 0;
    if (!rc && !(dt > 0))
        rc = aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                           "sarima: expected training points at distinct times, got %ld", k);
    if (!rc) {
        choose_grid(m, t[0], dt);
        rc = make_grid(m, t, y, (size_t)k, &gr, err);
    }
    double ymax = 0;
    for (long i = 0; !rc && i < k; i++)
        ymax = fmax(ymax, fabs(y[i]));
    if (!rc)
        rc = select_orders(m, gr.y, gr.K, err);
    if (!rc)
        rc = build_state(m, &gr, ymax, err);
    free(t), free(y), free(gr.y), free(gr.cnt);
    if (rc) {
        free_fit(m);
        return rc;
    }
    m->fitted = 1;
    return 0;
}

/* -------------------------------------------------------- band/update */

static void sarima_band(void *mv, double t, aiops_band *out)
{
    sarima *m = mv;
    *out = (aiops_band){NAN, -INFINITY, INFINITY};
    if (!m->fitted || !isfinite(t))
        return;
    int64_t kb = bucket_of(m, t);
    if (kb == INT64_MIN || kb < m->open_k || kb - m->open_k > HMAX)
        return;
    int h = (int)(kb - m->open_k);
    double f = h == 0 ? m->fc_open : h == 1 ? m->fc_after : forecast_ahead(m, h);
    double var = m->sigma2 * (h ? m->psi2[h] : 1) + m->var_within;
    double half = m->zq * sqrt(var);
    *out = (aiops_band){f, f - half, f + half};
}

static void sarima_update(void *mv, double t, double v)
{
    sarima *m = mv;
    if (!m->fitted || !isfinite(t))
        return;
    int64_t kb = bucket_of(m, t);
    if (kb == INT64_MIN || kb < m->open_k)
        return;                     /* out of order: that bucket is closed */
    if (kb > m->open_k)
        advance(m, kb);
    if (!isfinite(v) || !isfinite(m->open_sum + v))
        return;                     /* missing, or a sum beyond the double range */
    m->open_sum += v;
    m->open_n += 1;
    refresh_open(m);
}

/* ----------------------------------------------------------- save/load */

static json_t *jints(const int *a, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        if (json_array_append_new(arr, json_integer(a[i]))) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}

/* The last n values of a ring before bucket k (oldest first). */
static json_t *ring_json(const double *r, size_t mask, int64_t k, int n)
{
    json_t *arr = json_array();
    for (int i = n; arr && i >= 1; i--)
        if (json_array_append_new(arr, aiops_mj_num(r[(size_t)(k - i) & mask]))) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}

static void save_fit(const sarima *m, json_t *o, int *ok)
{
    const int order[3] = {m->p, m->d, m->q}, sorder[4] = {m->P, m->D, m->Q, m->s};
    aiops_mj_put(o, "order", jints(order, 3), ok);
    aiops_mj_put(o, "seasonal_order", jints(sorder, 4), ok);
    aiops_mj_put(o, "aggregate", json_integer(m->g), ok);
    aiops_mj_put(o, "auto", json_boolean(m->autosel), ok);
    aiops_mj_put(o, "aic", aiops_mj_num(m->aic), ok);
    aiops_mj_put(o, "step", json_real(m->step), ok);
    aiops_mj_put(o, "origin", json_real(m->origin), ok);
    aiops_mj_put(o, "mean", json_real(m->mu), ok);
    aiops_mj_put(o, "sigma2", json_real(m->sigma2), ok);
    aiops_mj_put(o, "var_within", json_real(m->var_within), ok);
    aiops_mj_put(o, "ar", aiops_mj_array(m->phi, (size_t)m->p), ok);
    aiops_mj_put(o, "ma", aiops_mj_array(m->theta, (size_t)m->q), ok);
    aiops_mj_put(o, "sar", aiops_mj_array(m->Phi, (size_t)m->P), ok);
    aiops_mj_put(o, "sma", aiops_mj_array(m->Theta, (size_t)m->Q), ok);
    aiops_mj_put(o, "open_k", json_integer((json_int_t)m->open_k), ok);
    aiops_mj_put(o, "open_sum", json_real(m->open_sum), ok);
    aiops_mj_put(o, "open_n", json_real(m->open_n), ok);
    aiops_mj_put(o, "y", ring_json(m->yr, m->ymask, m->open_k, m->maxar), ok);
    aiops_mj_put(o, "e", ring_json(m->er, m->emask, m->open_k, m->maxma), ok);
}

static json_t *sarima_save(const void *mv)
{
    const sarima *m = mv;
    json_t *o = json_object(), *par = json_object();
    int ok = o && par;
    if (ok) {
        aiops_mj_put(par, "width", json_real(m->width), &ok);
        aiops_mj_put(par, "period", json_real(m->period), &ok);
        for (int i = 0; i < 6; i++)
            aiops_mj_put(par, ORD_NAME[i], json_integer(m->req[i]), &ok);
        aiops_mj_put(o, "model", json_string("sarima"), &ok);
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
                         "sarima: expected %s \"%s\" in the saved model", what, key);
}

static int jint(const json_t *v, const char *key, int lo, int hi, int *out, aiops_err *err)
{
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        char what[64];
        snprintf(what, sizeof what, "integers in %d..%d in", lo, hi);
        return bad(err, what, key);
    }
    *out = (int)json_integer_value(v);
    return 0;
}

/* An array of exactly n finite numbers (or null = NaN when nullable) into
 * out. */
static int jvec(const json_t *o, const char *key, double *out, size_t n, int nullable,
                aiops_err *err)
{
    json_t *a = json_object_get(o, key);
    if (!json_is_array(a) || json_array_size(a) != n) {
        char what[64];
        snprintf(what, sizeof what, "an array of %zu numbers", n);
        return bad(err, what, key);
    }
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(a, i);
        if (nullable && json_is_null(v))
            out[i] = NAN;
        else if (!json_is_number(v) || !isfinite(json_number_value(v)))
            return bad(err, "finite numbers in", key);
        else
            out[i] = json_number_value(v);
    }
    return 0;
}

static int load_params(sarima *m, const json_t *par, aiops_err *err)
{
    if (!json_is_object(par))
        return bad(err, "an object", "params");
    aiops_model_params p;
    aiops_model_params_init(&p);
    int rc = aiops_mj_double("sarima", par, "width", 0, &p.width, err);
    if (!rc)
        rc = aiops_mj_double("sarima", par, "period", 0, &p.period, err);
    int *ord[6] = {&p.p, &p.d, &p.q, &p.P, &p.D, &p.Q};
    for (int i = 0; !rc && i < 6; i++)
        rc = jint(json_object_get(par, ORD_NAME[i]), ORD_NAME[i], -1, ORD_MAX[i], ord[i], err);
    return rc ? rc : apply_params(m, &p, err);
}

static int load_orders(sarima *m, const json_t *j, aiops_err *err)
{
    json_t *o = json_object_get(j, "order"), *so = json_object_get(j, "seasonal_order");
    if (!json_is_array(o) || json_array_size(o) != 3)
        return bad(err, "[p, d, q] as", "order");
    if (!json_is_array(so) || json_array_size(so) != 4)
        return bad(err, "[P, D, Q, s] as", "seasonal_order");
    int rc = jint(json_array_get(o, 0), "order", 0, MAX_ORD, &m->p, err);
    if (!rc)
        rc = jint(json_array_get(o, 1), "order", 0, 1, &m->d, err);
    if (!rc)
        rc = jint(json_array_get(o, 2), "order", 0, MAX_ORD, &m->q, err);
    if (!rc)
        rc = jint(json_array_get(so, 0), "seasonal_order", 0, MAX_ORD, &m->P, err);
    if (!rc)
        rc = jint(json_array_get(so, 1), "seasonal_order", 0, 1, &m->D, err);
    if (!rc)
        rc = jint(json_array_get(so, 2), "seasonal_order", 0, MAX_ORD, &m->Q, err);
    if (!rc)
        rc = jint(json_array_get(so, 3), "seasonal_order", 0, MAX_S, &m->s, err);
    if (!rc && m->s < 2 && (m->P || m->D || m->Q))
        rc = bad(err, "a season s >= 2 with seasonal orders in", "seasonal_order");
    if (!rc)
        rc = jint(json_object_get(j, "aggregate"), "aggregate", 1, INT32_MAX, &m->g, err);
    json_t *a = json_object_get(j, "auto");
    if (!rc && !json_is_boolean(a))
        rc = bad(err, "true or false as", "auto");
    m->autosel = json_is_true(a);
    return rc;
}

static int load_numbers(sarima *m, const json_t *j, aiops_err *err)
{
    static const char *const keys[] = {"step", "origin", "mean", "sigma2", "var_within",
                                       "open_sum", "open_n"};
    double *dst[] = {&m->step, &m->origin, &m->mu, &m->sigma2, &m->var_within,
                     &m->open_sum, &m->open_n};
    int rc = aiops_mj_double("sarima", j, "aic", 1, &m->aic, err);
    for (int i = 0; !rc && i < 7; i++)
        rc = aiops_mj_double("sarima", j, keys[i], 0, dst[i], err);
    if (!rc && !(m->step > 0 && m->sigma2 > 0 && m->var_within >= 0 && m->open_n >= 0))
        rc = bad(err, "positive numbers in", "step/sigma2/var_within/open_n");
    if (!rc)
        rc = jvec(j, "ar", m->phi, (size_t)m->p, 0, err);
    if (!rc)
        rc = jvec(j, "ma", m->theta, (size_t)m->q, 0, err);
    if (!rc)
        rc = jvec(j, "sar", m->Phi, (size_t)m->P, 0, err);
    if (!rc)
        rc = jvec(j, "sma", m->Theta, (size_t)m->Q, 0, err);
    if (!rc && (!stationary(m->phi, m->p) || !stationary(m->Phi, m->P) ||
                !invertible(m->theta, m->q) || !invertible(m->Theta, m->Q)))
        rc = bad(err, "stationary and invertible coefficients in", "ar/ma/sar/sma");
    json_t *k = json_object_get(j, "open_k");
    if (!rc && !json_is_integer(k))
        rc = bad(err, "an integer", "open_k");
    if (!rc)
        m->open_k = (int64_t)json_integer_value(k);
    return rc;
}

/* Restore the ring buffers and recompute the open bucket's forecasts. */
static int load_rings(sarima *m, const json_t *j, aiops_err *err)
{
    size_t ny = (size_t)m->maxar, ne = (size_t)m->maxma;
    double *tmp = malloc((ny + ne + 1) * sizeof *tmp);
    if (!tmp)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    int rc = jvec(j, "y", tmp, ny, 1, err);
    if (!rc)
        rc = jvec(j, "e", tmp + ny, ne, 1, err);
    for (size_t i = 0; !rc && i < ny; i++)
        m->yr[(size_t)(m->open_k - (int64_t)(ny - i)) & m->ymask] = tmp[i];
    for (size_t i = 0; !rc && i < ne; i++)
        m->er[(size_t)(m->open_k - (int64_t)(ne - i)) & m->emask] = tmp[ny + i];
    free(tmp);
    if (!rc) {
        m->fc_open = forecast_at(m, m->open_k);
        refresh_open(m);
    }
    return rc;
}

static int sarima_load(void *mv, const json_t *j, aiops_err *err)
{
    sarima *m = mv;
    free_fit(m);
    json_t *name = json_object_get(j, "model"), *fitted = json_object_get(j, "fitted");
    if (!json_is_object(j) || !json_is_string(name) ||
        strcmp(json_string_value(name), "sarima") != 0)
        return bad(err, "\"sarima\" as", "model");
    int version;
    int rc = jint(json_object_get(j, "version"), "version", 1, 1, &version, err);
    if (!rc)
        rc = load_params(m, json_object_get(j, "params"), err);
    if (!rc && !json_is_boolean(fitted))
        rc = bad(err, "true or false as", "fitted");
    if (!rc && json_is_true(fitted)) {
        rc = load_orders(m, j, err);
        if (!rc)
            rc = load_numbers(m, j, err);
        if (!rc)
            rc = build_recursion(m, err);
        if (!rc)
            rc = load_rings(m, j, err);
        m->fitted = !rc;
    }
    if (rc)
        free_fit(m);
    return rc;
}

const aiops_model_ops aiops_model_sarima = {
    .name = "sarima",
    .desc = "SARIMA(p,d,q)(P,D,Q)s by conditional sum of squares, orders by AIC; "
            "one-step-ahead prediction intervals",
    .create = sarima_create,
    .destroy = sarima_destroy,
    .fit = sarima_fit,
    .band = sarima_band,
    .update = sarima_update,
    .save = sarima_save,
    .load = sarima_load,
};
