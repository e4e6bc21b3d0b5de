/* model_sarima.c - "sarima": SARIMA(p,d,q)(P,D,Q)s, orders chosen by AIC
 * on conditional sums of squares, coefficients by exact maximum
 * likelihood, one-step-ahead prediction intervals from the Kalman filter.
 *
 *   phi(B) Phi(B^s) (1-B)^d (1-B^s)^D (y_t - mu) = theta(B) Theta(B^s) e_t
 *
 * Grid.  SARIMA needs evenly spaced data: the training points are put on a
 * grid of buckets of the median spacing, starting half a spacing before the
 * first point (bucket value = mean of its points; empty buckets inside the
 * training data are interpolated for the fit and treated as missing by the
 * filter).  The season s = period / spacing (period default 1 day).  A
 * season longer than 288 buckets (1-minute data and a daily period: 1440)
 * would make the seasonal lags slow and the fit data-hungry, so the grid is
 * then coarsened by g = ceil(s / 288) (1-minute data -> 5-minute buckets,
 * s = 288) and the model runs on bucket means.  A raw point's band then
 * adds the within-bucket variance measured in training.
 *
 * Orders.  Orders given in params are used as they are; -1 means
 * automatic, in the Hyndman-Khandakar (R auto.arima) way: D = 1 when the
 * seasonal strength of a classical decomposition exceeds 0.64; then d = 1
 * when the KPSS test rejects level stationarity at 5% (statistic > 0.463,
 * long Bartlett window); then p, q in 0..2 and P, Q in 0..1 minimise
 * AIC = n log(CSS/n) + 2(k+1) over the differenced series (d and D are not
 * chosen by AIC: likelihoods of differently differenced series are not
 * comparable).  All candidates are fitted on the same span (conditioned on
 * the largest AR lag of the candidate set) so their AICs compare; as in
 * auto.arima, a fit with an AR or MA root within 1.01 of the unit circle
 * is only taken when nothing else fits (near-cancelling factors fool the
 * CSS).  Seasonal terms need 3 seasons of data.  Each candidate is a
 * Levenberg-Marquardt minimisation of the CSS (numerical Jacobian, LAPACK
 * dposv for the steps) inside the stationary / invertible region (orders
 * <= 2, so closed-form conditions, with roots kept 0.1% inside the unit
 * circle).  A mean is estimated when d + D = 0.  The saved "aic" is the
 * chosen candidate's CSS AIC.
 *
 * Coefficients.  As auto.arima does after a CSS search, the chosen model
 * is then fitted by exact Gaussian maximum likelihood (the saved
 * "loglik"), which the CSS only approximates: it conditions on the first
 * values and sets the innovations before them to zero, so it is biased
 * where exactness matters, MA roots near the unit circle and short
 * series.  A daily pattern that repeats from day to day is the common
 * case: seasonally differenced it leaves a seasonal MA root at the unit
 * circle, where the likelihood piles up (Theta -> -1: the pattern is
 * estimated from all the days alike) while the CSS stops short (the
 * pattern follows the last few days).  The likelihood is that of the
 * differenced series (as SARIMAX's with its diffuse start for the
 * differencing), by the Kalman filter on Harvey's state space form of the
 * ARMA part, of dimension r = max(p + sP, q + sQ + 1), started from the
 * stationary distribution, in the Chandrasekhar form: from that start
 * the prediction covariance moves by a rank-one matrix a step, so a step
 * costs O(r) (the covariance update O(r^2)), and only F_1 and T Sigma Z'
 * of the stationary covariance Sigma are needed, from the ARMA's
 * autocovariances (Levinson-Durbin, O(r^2)).  sigma^2 is concentrated
 * out, which leaves a sum of squares for Levenberg-Marquardt (Broyden
 * updates of the Jacobian between difference ones), with steps cut at the
 * edge of the region and the factors at the edge held while the others
 * settle.  The likelihood of an MA is often bimodal near the unit circle,
 * so besides the CSS estimates the search starts from them with the MA
 * factors' roots (those beyond 0.5) moved to the edge, and moved halfway
 * to the origin; the best of the three is kept (the CSS fit if the
 * likelihood fails).
 *
 * Scoring.  The state is the exact filter's, in the MA-remainder form
 * that keeps the recursion on y: y_k = c + sum AR y_{k-lag} + rho_k, with
 * rho_k what the past innovations add to bucket k, and each innovation v
 * spreads to the next r remainders by the filter's gain less the AR part
 * (for an invertible model at its steady state the gain is the MA
 * coefficients: the CSS recursion).  The filter runs over the training
 * grid from its stationary start and goes on while scoring, so the gain
 * and the one-step variance sigma^2 F_k keep converging as SARIMAX's do
 * (F_k >= 1, 1 once the state is known; the filter stops moving once F
 * has held still for r + 1 buckets).  band(t) is the forecast of t's
 * bucket from the buckets before it, +- z * sqrt(sigma^2 (F - 1 + sum
 * psi_j^2) + within-bucket variance), z the normal quantile of (1 +
 * width)/2: for the next bucket (the usual case) the one-step interval
 * sigma^2 F, for later buckets (forecasting, after gaps) the h-step one
 * from the psi weights of the steady model plus what the filter does not
 * know yet of the state (F - 1; an approximation of the exact h-step
 * variance).  update(t, v) feeds v into its bucket; when a later bucket
 * starts, the finished bucket's mean enters the filter (and buckets with
 * no data are filled by their forecast with a zero innovation), so band()
 * of the next bucket is the next one-step forecast.  Robust filtering: an
 * innovation outside the band is clipped to the band edge before it
 * enters the state (in training too), so one spike does not echo through
 * the AR/MA terms into follow-up false alarms, while a lasting level
 * shift is still followed (by up to z sigma per bucket).  fit() runs the
 * filter over the training data with and without the clipping and drops
 * it only when that cuts the Huber loss of the one-step innovations
 * (squares to 2 sigma, linear beyond) by 5% or more: the data's large
 * innovations are then shifts the model should take in at once (a daily
 * season on data with a weekly pattern: every weekend starts with one),
 * not spikes, and clipping them would cost the next bucket's forecast.  band() of a
 * bucket before the current one has no look-ahead-free answer: no
 * estimate (NaN); update() of such a point is ignored (its bucket has
 * entered the filter).
 *
 * Forecasting (aiops-fit --horizon): band(t) at a future t is the h-step
 * forecast with its widening interval, for h up to 4096 buckets (no
 * estimate beyond), so a forecast is band() at future times as for every
 * model.
 *
 * Saved state: version 3 keeps the remainders rho, the filter (F, M,
 * gain K, W) and "robust"; version 2 (always robust) and version 1 (the
 * CSS recursion's innovations, loaded as the steady filter) still load.
 *
 * Files.  This file is the model: the grid, the order search, the online
 * state, band/update, save/load.  The numerics it stands on are tested
 * on their own: arma.h (arma.c: factor products, the stationary /
 * invertible region, the CSS; arma_kalman.c: autocovariances, the
 * Chandrasekhar filter, the exact likelihood; arma_diff.c: KPSS,
 * seasonal strength, differencing) and lsq.h (lsq.c: Levenberg-Marquardt
 * with the region's edge).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "models/numeric/arma.h"
#include "models/numeric/lsq.h"
#include "models/model.h"

#define MAX_S 288               /* season length cap in buckets */
#define MAX_ORD AIOPS_ARMA_MAX_ORD
#define MAX_NP AIOPS_ARMA_MAX_NP
#define MAX_TERMS AIOPS_ARMA_MAX_TERMS
#define HMAX 4096               /* forecast horizon in buckets */
#define KPSS_CRIT 0.463         /* 5% critical value, level stationarity */
#define SEAS_STRENGTH 0.64      /* auto.arima's threshold for D = 1 */
#define MIN_EFF 30              /* residuals needed beyond the parameters */
#define GAP_MAX ((int64_t)1 << 16) /* buckets filled by forecast in one gap */
#define STATE_VERSION 3         /* 1: CSS recursion state (y and e rings); 2: always robust */
#define HUBER_K 2.0             /* the training loss: squares to 2 sigma, linear beyond */
#define ROBUST_GAIN 0.05        /* dropping the clipping must cut that loss by 5% */

typedef struct sarima {
    /* parameters (requested orders, -1 = automatic) */
    int req[6];                 /* p d q P D Q */
    double width, period;
    /* fitted model */
    int fitted, autosel;
    int robust;                 /* clip innovations to the band (see clip()) */
    int p, d, q, P, D, Q, s, g;
    double step, origin, mu, sigma2, var_within, zq, aic, loglik;
    double phi[MAX_ORD], theta[MAX_ORD], Phi[MAX_ORD], Theta[MAX_ORD];
    /* ARMA part of the differenced series, dense: x_t = sum_{j=1}^{pa} a_j
     * x_{t-j} + sum_{j=0}^{qm} mp_j e_{t-j}, a[0..r], mp[0..r] */
    int pa, qm;
    double *a, *mp;
    aiops_arma_kgain kg;
    /* the recursion on y: y_k = c + sum ar y_{k-lag} + rho_k, rho_k the
     * MA remainder of bucket k (what the past innovations add to it) */
    double c;
    aiops_arma_term *ar;
    int nar, maxar;
    double *yr, *rho;           /* ring buffers indexed by bucket & mask */
    size_t ymask, rmask;
    int64_t open_k;             /* the bucket being filled */
    double open_sum, open_n;
    double fc_open, fc_after;   /* forecasts of buckets open_k, open_k + 1 */
    double v_open;              /* the open bucket's (clipped) innovation so far */
    double *psi2;               /* psi2[h] = sum_{j<h} psi_j^2, h <= HMAX */
    double *fut;                /* scratch for h-step forecasts */
} sarima;

static const char *const ORD_NAME[6] = {"p", "d", "q", "P", "D", "Q"};
static const int ORD_MAX[6] = {MAX_ORD, 1, MAX_ORD, MAX_ORD, 1, MAX_ORD};

/* ------------------------------------------------------------ helpers */

static size_t pow2_at_least(size_t n)
{
    size_t r = 1;
    while (r < n)
        r <<= 1;
    return r;
}

/* ------------------------------------------------------------ recursion */

/* Forecast of bucket k from the committed state (the buckets before k
 * entered, nothing of k). */
static double forecast_at(const sarima *m, int64_t k)
{
    double f = m->c + m->rho[(size_t)k & m->rmask];
    for (int i = 0; i < m->nar; i++)
        f += m->ar[i].c * m->yr[(size_t)(k - m->ar[i].lag) & m->ymask];
    return f;
}

/* Innovations beyond the band are clipped to its edge (robust filtering),
 * unless fit() found the training data better followed without. */
static double clip(const sarima *m, double e)
{
    if (!m->robust)
        return e;
    double lim = m->zq * sqrt(m->sigma2 * m->kg.F);
    return e > lim ? lim : e < -lim ? -lim : e;
}

/* h-step forecast (h >= 1) of bucket open_k + h, the open bucket counted
 * with its innovation so far: future innovations zero. */
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
        if (j <= m->kg.r)
            f += m->rho[(size_t)k & m->rmask] + (m->kg.K[j - 1] - m->a[j]) * m->v_open;
        m->fut[j - 1] = f;
    }
    return m->fut[h - 1];
}

/* (Re)write the open bucket from its running mean; forecast the next. */
static void refresh_open(sarima *m)
{
    m->v_open = m->open_n > 0 ? clip(m, m->open_sum / m->open_n - m->fc_open) : 0;
    m->yr[(size_t)m->open_k & m->ymask] = m->fc_open + m->v_open;
    m->fc_after = forecast_ahead(m, 1);
}

/* Bucket k (its y in the ring) is done with innovation v: the MA
 * remainders of the next r buckets move by the gains, the filter moves on
 * a step.  Slot k + r is zero on entry (no innovation reached it yet);
 * slot k + r + 1 is cleared for the next bucket. */
static void commit(sarima *m, int64_t k, double v)
{
    int r = m->kg.r;
    if (v != 0)
        for (int i = 1; i <= r; i++)
            m->rho[(size_t)(k + i) & m->rmask] += (m->kg.K[i - 1] - m->a[i]) * v;
    m->rho[(size_t)(k + r + 1) & m->rmask] = 0;
    aiops_arma_kg_step(&m->kg, NULL, 0);
}

/* Move the recursion state for bucket next (the lags before it and the
 * remainders from it on) shift buckets later, as if the buckets in
 * between had been filled. */
static void relocate(sarima *m, int64_t next, int64_t shift)
{
    int r = m->kg.r;             /* fut holds HMAX > maxar, r + 1 values */
    for (int i = 1; i <= m->maxar; i++)
        m->fut[i - 1] = m->yr[(size_t)(next - i) & m->ymask];
    for (int i = 1; i <= m->maxar; i++)
        m->yr[(size_t)(next + shift - i) & m->ymask] = m->fut[i - 1];
    for (int i = 0; i <= r; i++)
        m->fut[i] = m->rho[(size_t)(next + i) & m->rmask];
    for (int i = 0; i <= r; i++)
        m->rho[(size_t)(next + shift + i) & m->rmask] = m->fut[i];
}

/* The open bucket is done: move on to bucket kb > open_k, filling the
 * buckets between with their forecasts (zero innovations).  A gap longer
 * than GAP_MAX buckets skips whole seasons first (the forecast that far
 * out has long settled into its seasonal pattern), so no update costs
 * more than GAP_MAX steps. */
static void advance(sarima *m, int64_t kb)
{
    commit(m, m->open_k, m->v_open);
    int64_t next = m->open_k + 1;
    if (kb - next > GAP_MAX) {
        int64_t per = m->s >= 2 ? m->s : 1, shift = (kb - next - GAP_MAX / 2) / per * per;
        relocate(m, next, shift);
        next += shift;
    }
    for (int64_t k = next; k < kb; k++) {
        m->yr[(size_t)k & m->ymask] = forecast_at(m, k);
        commit(m, k, 0);
    }
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

/* psi2[h] of the whole model on y (AR with the differencing, full[1..L]
 * as y_k = sum full_j y_{k-j} + ...): sum of the first h squared psi
 * weights, the h-step error variance of the steady filter / sigma^2. */
static void psi_squares(sarima *m, const double *mp, int qm, double *psi)
{
    m->psi2[0] = 0;                         /* psi_j = mp_j + sum ar_k psi_{j-k} */
    for (int j = 0; j < HMAX; j++) {
        double v = j == 0 ? 1 : j <= qm ? mp[j] : 0;
        for (int i = 0; j && i < m->nar && m->ar[i].lag <= j; i++)
            v += m->ar[i].c * psi[j - m->ar[i].lag];
        psi[j] = v;
        m->psi2[j + 1] = m->psi2[j] + v * v;
    }
}

/* The fitted model's AR and MA products (arma.h). */
static void products(const sarima *m, aiops_arma_term *ar, int *nar, aiops_arma_term *ma,
                     int *nma)
{
    aiops_arma_products(m->phi, m->p, m->Phi, m->P, m->theta, m->q, m->Theta, m->Q, m->s, ar, nar,
                        ma, nma);
}

/* Allocate the filter state for the fitted orders and coefficients: the
 * dense ARMA polynomials, the AR polynomial on y (with the differencing),
 * the constant, psi weights, ring buffers; the filter at its steady
 * state (build_state or load put the exact one in). */
static int build_recursion(sarima *m, aiops_err *err)
{
    int s = m->s, Ld = m->d + s * m->D;
    const aiops_arma_orders o = {m->p, m->q, m->P, m->Q, s, 0};
    int r = aiops_arma_dim(&o, &m->pa, &m->qm), pa = m->pa, L = pa + Ld;
    double *dd = calloc((size_t)Ld + 1, sizeof *dd), *full = calloc((size_t)L + 1, sizeof *full);
    aiops_arma_term tar[MAX_TERMS], tma[MAX_TERMS];
    int nar, nma, rc = 0;
    products(m, tar, &nar, tma, &nma);
    free(m->ar), free(m->yr), free(m->rho), free(m->psi2), free(m->fut), free(m->a);
    m->ar = malloc(((size_t)L + 1) * sizeof *m->ar);
    m->ymask = pow2_at_least((size_t)L + 1) - 1;
    m->rmask = pow2_at_least((size_t)r + 2) - 1;
    m->yr = calloc(m->ymask + 1, sizeof *m->yr);
    m->rho = calloc(m->rmask + 1, sizeof *m->rho);
    m->psi2 = malloc((HMAX + 1) * sizeof *m->psi2);
    m->fut = malloc(HMAX * sizeof *m->fut);
    m->a = malloc((4 * (size_t)r + 2) * sizeof *m->a);   /* a, mp, K, W */
    if (!dd || !full || !m->ar || !m->yr || !m->rho || !m->psi2 || !m->fut || !m->a) {
        rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        goto out;
    }
    m->mp = m->a + r + 1;
    aiops_arma_kg_place(&m->kg, r, m->mp + r + 1);
    aiops_arma_dense(tar, nar, tma, nma, r, m->a, m->mp);
    aiops_arma_kg_steady(&m->kg, m->a, m->mp);
    dd[0] = 1;                              /* (1-B)^d (1-B^s)^D */
    if (m->d)
        dd[1] = -1;
    if (m->D) {
        dd[s] -= 1;
        if (m->d)
            dd[s + 1] += 1;
    }
    for (int i = 0; i <= pa; i++)           /* (1 - sum a_k B^k) times that */
        for (int j = 0; j <= Ld; j++)
            full[i + j] += (i ? -m->a[i] : 1) * dd[j];
    double a1 = 1;
    for (int i = 1; i <= pa; i++)
        a1 -= m->a[i];
    m->c = m->mu * a1;                      /* mu = 0 unless d + D = 0 */
    m->nar = 0;
    for (int k = 1; k <= L; k++)
        if (full[k] != 0)
            m->ar[m->nar++] = (aiops_arma_term){k, -full[k]};
    m->maxar = L;
    psi_squares(m, m->mp, m->qm, m->fut);
out:
    free(dd), free(full);
    return rc;
}

/* --------------------------------------------------------- life cycle */

static void free_fit(void *mv)
{
    sarima *m = mv;
    free(m->ar), free(m->yr), free(m->rho), free(m->psi2), free(m->fut), free(m->a);
    m->ar = NULL;
    m->yr = m->rho = m->psi2 = m->fut = m->a = m->mp = NULL;
    m->kg = (aiops_arma_kgain){0};
    m->fitted = m->autosel = 0;
    m->p = m->d = m->q = m->P = m->D = m->Q = m->s = m->pa = m->qm = 0;
    m->g = 1;
    m->nar = m->maxar = 0;
    m->mu = m->c = m->sigma2 = m->var_within = m->v_open = 0;
    m->aic = m->loglik = NAN;
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
    int rc = aiops_model_width_period("sarima", p, &m->width, &m->period, err);
    if (rc)
        return rc;
    const int ord[6] = {p->p, p->d, p->q, p->P, p->D, p->Q};
    for (int i = 0; i < 6; i++) {
        if (ord[i] < -1 || ord[i] > ORD_MAX[i])
            return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                                 "sarima: expected %s in 0..%d (or -1 = by AIC), got %d",
                                 ORD_NAME[i], ORD_MAX[i], ord[i]);
        m->req[i] = ord[i];
    }
    m->zq = aiops_norm_quantile(0.5 + m->width / 2);
    return 0;
}

static int sarima_init(void *mv, const aiops_model_params *p, aiops_err *err)
{
    free_fit(mv);
    return apply_params(mv, p, err);
}

static void *sarima_create(const aiops_model_params *p, aiops_err *err)
{
    return aiops_model_new(sizeof(sarima), p, sarima_init, sarima_destroy, err);
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
    aiops_arma_css cx;
    double *e0, *e1, *J, scale_mu, mean0;
    double best_aic, best_css, best_x[MAX_NP];
    int best[4], best_ok;
} search;

/* The least-squares problem of fitting coefficients of orders o by the
 * objective f (arma.h) on ctx: inside the stationary / invertible region,
 * each factor held as a whole at its edge, the mean differenced on the
 * data's scale. */
static aiops_lsq arma_lsq(const aiops_arma_orders *o,
                          double (*f)(void *, const double *, double *), void *ctx,
                          double scale_mu)
{
    aiops_lsq ls = {.f = f, .ctx = ctx, .inside = aiops_arma_inside, .region = o,
                    .np = o->p + o->q + o->P + o->Q + o->mean, .nblock = 4,
                    .block = {o->p, o->q, o->P, o->Q}};
    if (o->mean)
        ls.scale[ls.np - 1] = scale_mu;
    return ls;
}

static void try_candidate(search *sr, int p, int q, int P, int Q)
{
    aiops_arma_css *cx = &sr->cx;
    cx->o.p = p, cx->o.q = q, cx->o.P = P, cx->o.Q = Q;
    aiops_lsq ls = arma_lsq(&cx->o, aiops_arma_css_eval, cx, sr->scale_mu);
    ls.rows = cx->N - cx->start, ls.off = cx->pad + cx->start, ls.len = cx->pad + cx->N;
    ls.tol = 1e-10, ls.max_tries = 100;
    int np = ls.np;
    double x[MAX_NP] = {0};
    if (cx->o.mean)
        x[np - 1] = sr->mean0;
    double css = aiops_lsq_fit(&ls, x, sr->J, sr->e0, sr->e1);
    if (!isfinite(css))
        return;
    double n = (double)(cx->N - cx->start);
    double aic = n * log(fmax(css / n, 1e-300)) + 2.0 * (np + 1);
    int ok = aiops_arma_roots_ok(x, p, q, P, Q);
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

/* The chosen orders' coefficients x into the model. */
static void set_coefs(sarima *m, const double *x, int mean)
{
    memcpy(m->phi, x, (size_t)m->p * sizeof *x), x += m->p;
    memcpy(m->theta, x, (size_t)m->q * sizeof *x), x += m->q;
    memcpy(m->Phi, x, (size_t)m->P * sizeof *x), x += m->P;
    memcpy(m->Theta, x, (size_t)m->Q * sizeof *x), x += m->Q;
    m->mu = mean ? *x : 0;
}

/* Start k of the exact-likelihood search from the CSS estimates x0: 0
 * as they are; 1 with the roots of each MA factor whose largest inverse
 * root is beyond 0.5 moved out to the edge of the invertible region, 2
 * moved halfway to the origin.  The exact likelihood of an MA is often
 * bimodal near the unit circle (a root on the circle is always a
 * stationary point of it, a local maximum or not), and the CSS may start
 * in the wrong mode.  Returns 0 when start k moves nothing. */
static int ml_start(const sarima *m, const double *x0, int np, int k, double *x)
{
    memcpy(x, x0, (size_t)np * sizeof *x);
    if (k == 0)
        return 1;
    const int off[2] = {m->p, m->p + m->q + m->P}, ord[2] = {m->q, m->Q};
    int moved = 0;
    for (int f = 0; f < 2; f++) {
        double c[MAX_ORD];
        for (int i = 0; i < ord[f]; i++)
            c[i] = -x[off[f] + i];
        double mod = aiops_arma_max_inv_root(c, ord[f]);
        if (!(mod >= 0.5))
            continue;
        double rho = k == 1 ? 0.998 * AIOPS_ARMA_ROOT_LIM / mod : 0.5, sc = rho;
        for (int i = 0; i < ord[f]; i++, sc *= rho)
            x[off[f] + i] *= sc;
        moved = 1;
    }
    return moved && aiops_arma_admissible(x, m->p, m->q, m->P, m->Q);
}

/* Refine the chosen model by exact maximum likelihood on the differenced
 * series w (N values), from the CSS estimates in sr and from the other
 * starts of ml_start (the best of them).  The CSS conditions
 * on the first values and sets the innovations before them to zero,
 * which biases it most where exact likelihood matters: MA roots near the
 * unit circle (a nearly deterministic seasonal pattern) and short series.
 * Keeps the CSS fit if the likelihood cannot be evaluated there. */
static int ml_refine(sarima *m, search *sr, const double *w, size_t N)
{
    aiops_arma_orders o = {m->p, m->q, m->P, m->Q, m->s, sr->cx.o.mean};
    aiops_arma_ml cx;
    if (aiops_arma_ml_init(&cx, w, N, &o))
        return -1;
    aiops_lsq ls = arma_lsq(&cx.o, aiops_arma_ml_eval, &cx, sr->scale_mu);
    ls.edge = 1, ls.broyden = 1, ls.rows = N, ls.off = 0, ls.len = N;
    ls.tol = 1e-4 / (double)N, ls.max_tries = 6;
    int np = ls.np;
    double x[MAX_NP], best[MAX_NP], fbest = INFINITY;
    for (int k = 0; k < 3; k++) {
        if (!ml_start(m, sr->best_x, np, k, x))
            continue;
        double f = aiops_lsq_fit(&ls, x, sr->J, sr->e0, sr->e1);
        if (f < fbest) {
            fbest = f;
            memcpy(best, x, sizeof x);
        }
    }
    double s2 = NAN, ll = isfinite(fbest) ? aiops_arma_ml_loglik(&cx, best, sr->e1, &s2) : NAN;
    if (isfinite(s2)) {
        set_coefs(m, best, o.mean);
        m->sigma2 = s2;
        m->loglik = ll;
    }
    aiops_arma_ml_free(&cx);
    return 0;
}

/* Differencing orders, then the AIC search by CSS, then the chosen model
 * by exact likelihood; fills the model's orders and coefficients.  y (K
 * values) is the grid. */
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
    m->D = m->req[4] >= 0 ? m->req[4]
                          : seas_ok && aiops_arma_seasonal_strength(y, K, s, buf) > SEAS_STRENGTH;
    memcpy(x, y, K * sizeof *x);
    size_t N = m->D ? aiops_arma_difference(x, K, (size_t)s) : K;
    m->d = m->req[1] >= 0 ? m->req[1] : aiops_arma_kpss(x, N) > KPSS_CRIT;
    N = m->d ? aiops_arma_difference(x, N, 1) : N;
    size_t start = (size_t)(hi[0] + s * hi[2]);
    if (N < start + MIN_EFF + 7) {
        rc = aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                           "sarima: expected at least %zu buckets of %gs for these orders, "
                           "got %zu", start + MIN_EFF + 7 + (K - N), m->step, K);
        goto out;
    }
    sr.cx = (aiops_arma_css){.w = x, .N = N, .start = start, .pad = pad,
                             .o = {.s = s, .mean = m->d + m->D == 0}};
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
    set_coefs(m, sr.best_x, sr.cx.o.mean);
    m->sigma2 = sr.best_css / (double)(N - start);
    m->aic = sr.best_aic;
    m->autosel = lo[0] != hi[0] || lo[1] != hi[1] || lo[2] != hi[2] || lo[3] != hi[3];
    if (ml_refine(m, &sr, x, N))
        rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
out:
    free(x), free(buf), free(sr.e0), free(sr.e1), free(sr.J);
    return rc;
}

/* Huber loss of a standardised innovation u: u^2 / 2 up to HUBER_K,
 * linear beyond, so a few spikes cannot outweigh all the other points. */
static double huber(double u)
{
    u = fabs(u);
    return u <= HUBER_K ? u * u / 2 : HUBER_K * u - HUBER_K * HUBER_K / 2;
}

/* The exact filter, in the MA-remainder form of aiops_arma_ml_eval, over the
 * training grid with the fitted coefficients (innovations clipped to the
 * band when m->robust, empty buckets filled by their forecast), into the
 * online state at the last (open) bucket.  The first d + sD buckets only
 * start the differencing; the ARMA part's values before them are at their
 * mean, as the stationary start assumes.  Returns the Huber loss of the
 * one-step innovations (each over its own standard deviation). */
static double run_filter(sarima *m, const grid *gr, double *y, double *x, double *scr)
{
    int Ld = m->d + m->s * m->D, nar, nma;
    aiops_arma_term ar[MAX_TERMS], ma[MAX_TERMS];
    products(m, ar, &nar, ma, &nma);
    memset(m->rho, 0, (m->rmask + 1) * sizeof *m->rho);
    if (aiops_arma_kg_init(&m->kg, m->a, m->mp, m->pa, m->qm, scr))
        aiops_arma_kg_steady(&m->kg, m->a, m->mp);     /* the CSS recursion's start */
    size_t K = gr->K;
    double loss = 0;
    for (size_t k = 0; k + 1 < K; k++) {
        if (k < (size_t)Ld) {
            y[k] = gr->y[k];
            continue;
        }
        size_t s = (size_t)m->s;     /* dpart = y_k - w_k, w the differenced series */
        double dpart = m->d && m->D ? y[k - 1] + y[k - s] - y[k - s - 1] : Ld ? y[k - (size_t)Ld] : 0;
        double xh = m->rho[k & m->rmask];
        for (int i = 0; i < nar; i++)
            if (k >= (size_t)(Ld + ar[i].lag))
                xh += ar[i].c * x[k - (size_t)ar[i].lag];
        double fc = xh + m->mu + dpart, v = 0;
        if (gr->cnt[k] > 0) {
            loss += huber((gr->y[k] - fc) / sqrt(m->sigma2 * m->kg.F));
            v = clip(m, gr->y[k] - fc);
        }
        y[k] = fc + v;
        x[k] = xh + v;
        commit(m, (int64_t)k, v);
    }
    for (int i = 1; i <= m->maxar; i++)
        m->yr[(K - 1 - (size_t)i) & m->ymask] = y[K - 1 - (size_t)i];
    return loss;
}

/* Robust or not (see the header comment): the filter over the training
 * data both ways; the clipping is dropped only when that cuts the loss by
 * ROBUST_GAIN, i.e. when the data's large innovations are shifts the
 * model should follow rather than spikes.  Leaves the state of the one
 * chosen. */
static void choose_robust(sarima *m, const grid *gr, double *y, double *scr)
{
    size_t K = gr->K;
    m->robust = 1;
    double clipped = run_filter(m, gr, y, y + K, scr);
    m->robust = 0;
    double plain = run_filter(m, gr, y, y + K, scr);
    if (!(plain < clipped * (1 - ROBUST_GAIN))) {
        m->robust = 1;
        run_filter(m, gr, y, y + K, scr);
    }
}

static int build_state(sarima *m, const grid *gr, double ymax, aiops_err *err)
{
    double floor_var = 1e-9 * ymax * 1e-9 * ymax + 1e-300;
    if (m->sigma2 < floor_var)
        m->sigma2 = floor_var;      /* a constant series: tight, not zero */
    int rc = build_recursion(m, err);
    if (rc)
        return rc;
    size_t K = gr->K;
    double *y = malloc(2 * K * sizeof *y);
    double *scr = malloc(AIOPS_ARMA_KG_SCRATCH(m->kg.r) * sizeof *scr);
    if (!y || !scr) {
        free(y), free(scr);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    choose_robust(m, gr, y, scr);
    free(y), free(scr);
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
    double *buf = malloc(cap * sizeof *buf);
    grid gr = {0};
    int rc = !t || !y || !buf ? aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory") : 0;
    long k = rc ? 0 : gather(ts, v, n, t, y, err);
    if (k < 0)
        rc = (int)k;
    double dt = !rc && k >= 2 ? aiops_median_spacing(t, (size_t)k, buf) : 0;
    free(buf);
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
    /* F - 1: what the filter does not know yet of the state, on top of the
     * steady h-step variance */
    double var = m->sigma2 * (m->kg.F - 1 + (h ? m->psi2[h] : 1)) + m->var_within;
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

static void save_fit(const void *mv, json_t *o, int *ok)
{
    const sarima *m = mv;
    const int order[3] = {m->p, m->d, m->q}, sorder[4] = {m->P, m->D, m->Q, m->s};
    aiops_mj_put(o, "order", jints(order, 3), ok);
    aiops_mj_put(o, "seasonal_order", jints(sorder, 4), ok);
    aiops_mj_put(o, "aggregate", json_integer(m->g), ok);
    aiops_mj_put(o, "auto", json_boolean(m->autosel), ok);
    aiops_mj_put(o, "robust", json_boolean(m->robust), ok);
    aiops_mj_put(o, "aic", aiops_mj_num(m->aic), ok);
    aiops_mj_put(o, "loglik", aiops_mj_num(m->loglik), ok);
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
    aiops_mj_put(o, "rho", ring_json(m->rho, m->rmask, m->open_k + m->kg.r, m->kg.r), ok);
    json_t *kf = json_object();
    if (!kf)
        *ok = 0;
    else {
        aiops_mj_put(kf, "F", json_real(m->kg.F), ok);
        aiops_mj_put(kf, "M", json_real(m->kg.M), ok);
        aiops_mj_put(kf, "steady", json_boolean(m->kg.steady), ok);
        aiops_mj_put(kf, "quiet", json_integer(m->kg.quiet), ok);
        aiops_mj_put(kf, "K", aiops_mj_array(m->kg.K, (size_t)m->kg.r), ok);
        aiops_mj_put(kf, "W", aiops_mj_array(m->kg.W, (size_t)m->kg.r), ok);
    }
    aiops_mj_put(o, "filter", kf, ok);
}

static void save_params(const void *mv, json_t *par, int *ok)
{
    const sarima *m = mv;
    aiops_mj_put(par, "width", json_real(m->width), ok);
    aiops_mj_put(par, "period", json_real(m->period), ok);
    for (int i = 0; i < 6; i++)
        aiops_mj_put(par, ORD_NAME[i], json_integer(m->req[i]), ok);
}

static int load_params(void *mv, aiops_jdoc *d, const json_t *par)
{
    aiops_model_params p;
    aiops_model_params_init(&p);
    const int req = AIOPS_JDOC_REQUIRED;
    if (aiops_jdoc_num(d, par, "width", req, -INFINITY, INFINITY, &p.width) < 0 ||
        aiops_jdoc_num(d, par, "period", req, -INFINITY, INFINITY, &p.period) < 0)
        return d->err->code;
    int *ord[6] = {&p.p, &p.d, &p.q, &p.P, &p.D, &p.Q};
    for (int i = 0; i < 6; i++)
        if (aiops_jdoc_cint(d, par, ORD_NAME[i], req, -1, ORD_MAX[i], ord[i]) < 0)
            return d->err->code;
    return apply_params(mv, &p, d->err);
}

static int load_orders(sarima *m, aiops_jdoc *d, const json_t *j)
{
    static const int lo[4] = {0, 0, 0, 0}, hi[3] = {MAX_ORD, 1, MAX_ORD},
                     shi[4] = {MAX_ORD, 1, MAX_ORD, MAX_S};
    int o[3], so[4];
    if (aiops_jdoc_cints(d, j, "order", AIOPS_JDOC_REQUIRED, lo, hi, o, 3) < 0 ||
        aiops_jdoc_cints(d, j, "seasonal_order", AIOPS_JDOC_REQUIRED, lo, shi, so, 4) < 0)
        return d->err->code;
    m->p = o[0], m->d = o[1], m->q = o[2];
    m->P = so[0], m->D = so[1], m->Q = so[2], m->s = so[3];
    if (m->s < 2 && (m->P || m->D || m->Q))
        return aiops_jdoc_bad_at(d, "seasonal_order",
                                 "expected a season s >= 2 with seasonal orders");
    if (aiops_jdoc_cint(d, j, "aggregate", AIOPS_JDOC_REQUIRED, 1, INT32_MAX, &m->g) < 0 ||
        aiops_jdoc_bool(d, j, "auto", AIOPS_JDOC_REQUIRED, &m->autosel) < 0)
        return d->err->code;
    return 0;
}

static int load_numbers(sarima *m, aiops_jdoc *d, const json_t *j, int version)
{
    static const char *const keys[] = {"step", "origin", "mean", "sigma2", "var_within",
                                       "open_sum", "open_n"};
    const int req = AIOPS_JDOC_REQUIRED, nan_ok = req | AIOPS_JDOC_NONFINITE;
    double *dst[] = {&m->step, &m->origin, &m->mu, &m->sigma2, &m->var_within,
                     &m->open_sum, &m->open_n};
    if (aiops_jdoc_num(d, j, "aic", nan_ok, -INFINITY, INFINITY, &m->aic) < 0 ||
        (version >= 2 &&
         aiops_jdoc_num(d, j, "loglik", nan_ok, -INFINITY, INFINITY, &m->loglik) < 0))
        return d->err->code;
    for (int i = 0; i < 7; i++)
        if (aiops_jdoc_num(d, j, keys[i], req, -INFINITY, INFINITY, dst[i]) < 0)
            return d->err->code;
    if (!(m->step > 0 && m->sigma2 > 0 && m->var_within >= 0 && m->open_n >= 0))
        return aiops_jdoc_bad_at(d, NULL,
                                 "expected positive numbers in step/sigma2/var_within/open_n");
    if (aiops_jdoc_nums(d, j, "ar", req, m->phi, (size_t)m->p) < 0 ||
        aiops_jdoc_nums(d, j, "ma", req, m->theta, (size_t)m->q) < 0 ||
        aiops_jdoc_nums(d, j, "sar", req, m->Phi, (size_t)m->P) < 0 ||
        aiops_jdoc_nums(d, j, "sma", req, m->Theta, (size_t)m->Q) < 0)
        return d->err->code;
    if (!aiops_arma_stationary(m->phi, m->p) || !aiops_arma_stationary(m->Phi, m->P) ||
        !aiops_arma_invertible(m->theta, m->q) || !aiops_arma_invertible(m->Theta, m->Q))
        return aiops_jdoc_bad_at(d, NULL,
                             "expected stationary and invertible coefficients in ar/ma/sar/sma");
    return aiops_jdoc_int(d, j, "open_k", req, INT64_MIN, INT64_MAX, &m->open_k) < 0
               ? d->err->code
               : 0;
}

/* Version 1 kept the CSS recursion's innovations e of the last qm
 * buckets: their MA remainders are rho_{o+h-1} = sum_{j>=h} mp_j
 * e_{o+h-1-j}, with the filter at its steady state (as build_recursion
 * left it). */
static void rho_from_e(sarima *m, const double *e)
{
    int64_t o = m->open_k, first = o - m->qm;   /* e[i] is bucket first + i */
    for (int h = 1; h <= m->qm; h++) {
        double s = 0;
        for (int j = h; j <= m->qm; j++)
            s += m->mp[j] * e[o + h - 1 - j - first];
        m->rho[(size_t)(o + h - 1) & m->rmask] = s;
    }
}

/* The exact filter's state (version 2). */
static int load_filter(sarima *m, aiops_jdoc *d, const json_t *j)
{
    aiops_arma_kgain *kg = &m->kg;
    json_t *kf = NULL;
    const int req = AIOPS_JDOC_REQUIRED;
    if (aiops_jdoc_obj(d, j, "filter", req, &kf) < 0)
        return d->err->code;
    aiops_jdoc_key(d, "filter");
    int rc = 0;
    if (aiops_jdoc_num(d, kf, "F", req, -INFINITY, INFINITY, &kg->F) < 0 ||
        aiops_jdoc_num(d, kf, "M", req, -INFINITY, INFINITY, &kg->M) < 0)
        rc = d->err->code;
    else if (!(kg->F > 0))
        rc = aiops_jdoc_bad_at(d, "F", "expected a positive number, got %g", kg->F);
    else if (aiops_jdoc_bool(d, kf, "steady", req, &kg->steady) < 0 ||
             aiops_jdoc_cint(d, kf, "quiet", req, 0, INT32_MAX, &kg->quiet) < 0 ||
             aiops_jdoc_nums(d, kf, "K", req, kg->K, (size_t)kg->r) < 0 ||
             aiops_jdoc_nums(d, kf, "W", req, kg->W, (size_t)kg->r) < 0)
        rc = d->err->code;
    aiops_jdoc_pop(d);
    return rc;
}

/* Restore the ring buffers and the filter; recompute the open bucket's
 * forecasts. */
static int load_rings(sarima *m, aiops_jdoc *d, const json_t *j, int version)
{
    size_t ny = (size_t)m->maxar, ne = version == 1 ? (size_t)m->qm : (size_t)m->kg.r;
    const int nan_ok = AIOPS_JDOC_REQUIRED | AIOPS_JDOC_NONFINITE;
    double *tmp = malloc((ny + ne + 1) * sizeof *tmp);
    if (!tmp)
        return aiops_err_set(d->err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    int rc = 0;
    if (aiops_jdoc_nums(d, j, "y", nan_ok, tmp, ny) < 0 ||
        aiops_jdoc_nums(d, j, version == 1 ? "e" : "rho",
                         version == 1 ? nan_ok : AIOPS_JDOC_REQUIRED, tmp + ny, ne) < 0)
        rc = d->err->code;
    for (size_t i = 0; !rc && i < ny; i++)
        m->yr[(size_t)(m->open_k - (int64_t)(ny - i)) & m->ymask] = tmp[i];
    if (!rc && version == 1)
        rho_from_e(m, tmp + ny);
    for (size_t i = 0; !rc && version >= 2 && i < ne; i++)
        m->rho[(size_t)(m->open_k + (int64_t)i) & m->rmask] = tmp[ny + i];
    if (!rc && version >= 2)
        rc = load_filter(m, d, j);
    free(tmp);
    if (!rc) {
        m->fc_open = forecast_at(m, m->open_k);
        refresh_open(m);
    }
    return rc;
}

static int load_fit(void *mv, aiops_jdoc *d, const json_t *j, int version)
{
    sarima *m = mv;
    int rc = load_orders(m, d, j);
    m->robust = 1;                                  /* always robust before 3 */
    if (!rc && version >= 3 &&
        aiops_jdoc_bool(d, j, "robust", AIOPS_JDOC_REQUIRED, &m->robust) < 0)
        rc = d->err->code;
    if (!rc)
        rc = load_numbers(m, d, j, version);
    if (!rc)
        rc = build_recursion(m, d->err);
    if (!rc)
        rc = load_rings(m, d, j, version);
    m->fitted = !rc;
    return rc;
}

static int is_fitted(const void *mv)
{
    return ((const sarima *)mv)->fitted;
}

static const aiops_mj_frame frame = {
    .model = "sarima", .version = STATE_VERSION, .fitted = is_fitted, .clear = free_fit,
    .save_params = save_params, .save_fit = save_fit, .load_params = load_params,
    .load_fit = load_fit,
};

static json_t *sarima_save(const void *m)
{
    return aiops_mj_save(&frame, m);
}

static int sarima_load(void *m, const json_t *j, aiops_err *err)
{
    return aiops_mj_load(&frame, m, j, err);
}

const aiops_model_ops aiops_model_sarima = {
    .name = "sarima",
    .desc = "SARIMA(p,d,q)(P,D,Q)s, orders by AIC (conditional sum of squares), "
            "exact maximum likelihood, Kalman filter prediction intervals",
    .create = sarima_create,
    .destroy = sarima_destroy,
    .fit = sarima_fit,
    .band = sarima_band,
    .update = sarima_update,
    .save = sarima_save,
    .load = sarima_load,
};
