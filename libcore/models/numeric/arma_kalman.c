/* arma_kalman.c - the exact Gaussian likelihood of an ARMA model (arma.h):
 * the AR autocovariances by Levinson-Durbin, the Kalman filter of
 * Harvey's state space form in Chandrasekhar form (O(r) a step), and the
 * likelihood with sigma^2 concentrated out as a sum of squares for
 * Levenberg-Marquardt (lsq.h).  Separate from model_sarima.c, which runs
 * the same filter to score, because it is the part that has to be exact:
 * tests/unit/test_arma.c checks it against the dense-covariance
 * likelihood. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/numeric/arma.h"

#define MAX_TERMS AIOPS_ARMA_MAX_TERMS
#define LOG_2PI 1.8378770664093454836

/* The Levinson-Durbin recursion run backwards turns the coefficients into
 * partial autocorrelations (all inside (-1, 1) exactly when the process
 * is stationary) and the variance; run forwards it gives the first pa
 * autocovariances, the AR recursion the rest.  O(pa^2): a seasonal AR of
 * degree 2s would make the usual linear system O(s^3). */
int aiops_arma_autocov(const double *a, int pa, double *g, int n, double *scr)
{
    double *c = scr, *t = c + pa + 1, *kap = t + pa + 1, g0 = 1;
    for (int j = 1; j <= pa; j++)
        c[j] = a[j];
    for (int k = pa; k >= 1; k--) {
        double kk = c[k], den = 1 - kk * kk;
        if (!(fabs(kk) < 1))
            return -1;
        kap[k] = kk;
        g0 /= den;
        for (int j = 1; j < k; j++)
            t[j] = (c[j] + kk * c[k - j]) / den;
        for (int j = 1; j < k; j++)
            c[j] = t[j];
    }
    g[0] = g0;
    double var = g0;            /* prediction error variance of order k - 1 */
    for (int k = 1; k <= pa && k <= n; k++) {
        double s = kap[k] * var;
        for (int j = 1; j < k; j++)
            s += c[j] * g[k - j];
        g[k] = s;
        for (int j = 1; j < k; j++)
            t[j] = c[j] - kap[k] * c[k - j];
        for (int j = 1; j < k; j++)
            c[j] = t[j];
        c[k] = kap[k];
        var *= 1 - kap[k] * kap[k];
    }
    for (int k = pa + 1; k <= n; k++) {
        double s = 0;
        for (int j = 1; j <= pa; j++)
            s += a[j] * g[k - j];
        g[k] = s;
    }
    return isfinite(g0) ? 0 : -1;
}

/* The AR polynomial's nonzero lags (at most MAX_TERMS) from dense a. */
static void kg_set_ar(aiops_arma_kgain *kg, const double *a)
{
    kg->na = 0;
    for (int j = 1; j <= kg->r && kg->na < MAX_TERMS; j++)
        if (a[j] != 0) {
            kg->alag[kg->na] = j;
            kg->aval[kg->na++] = a[j];
        }
}

/* The state is Harvey's: dimension r = max(pa, qm + 1), T the companion
 * matrix of a (first column a, ones above the diagonal), R = (1, mp_1,
 * ..., mp_{r-1})', Z = (1, 0, ..., 0).  The Chandrasekhar form needs of
 * the stationary covariance Sigma only F_1 = gamma_0 and G_1 = T Sigma
 * Z', whose i-th entry is sum_{j>=i} (a_j gamma_{j-i} + mp_j psi_{j-i}):
 * autocovariances gamma of the ARMA (those of its AR part filtered through
 * the MA), psi its MA(infinity) weights. */
int aiops_arma_kg_init(aiops_arma_kgain *kg, const double *a, const double *mp, int pa, int qm,
                       double *scr)
{
    int r = kg->r, sup[MAX_TERMS + 1], ns = 0;
    double *gv = scr, *gx = gv + 2 * (r + 1), *psi = gx + r + 1, *tmp = psi + r + 1;
    if (aiops_arma_autocov(a, pa, gv, r + qm, tmp))
        return -1;
    for (int j = 0; j <= qm && ns <= MAX_TERMS; j++)
        if (mp[j] != 0)
            sup[ns++] = j;
    for (int k = 0; k <= r; k++) {
        double s = 0;
        for (int i = 0; i < ns; i++)
            for (int j = 0; j < ns; j++)
                s += mp[sup[i]] * mp[sup[j]] * gv[abs(k + sup[j] - sup[i])];
        gx[k] = s;
    }
    psi[0] = 1;
    for (int j = 1; j <= r; j++) {
        double s = mp[j];
        for (int i = 1; i <= j && i <= pa; i++)
            s += a[i] * psi[j - i];
        psi[j] = s;
    }
    double *G = kg->W;          /* W_1 = G_1 */
    memset(G, 0, (size_t)r * sizeof *G);
    for (int j = 1; j <= r; j++)
        for (int i = 1; (a[j] != 0 || mp[j] != 0) && i <= j; i++)
            G[i - 1] += a[j] * gx[j - i] + mp[j] * psi[j - i];
    kg->F = gx[0];
    if (!(kg->F > 0) || !isfinite(kg->F))
        return -1;
    kg->M = -1 / kg->F;
    kg->steady = kg->quiet = 0;
    for (int i = 0; i < r; i++) {
        if (!isfinite(G[i]))
            return -1;
        kg->K[i] = G[i] / kg->F;
    }
    kg_set_ar(kg, a);
    return 0;
}

/* P = R R', F = 1: the gains on the MA remainders are the MA
 * coefficients, as in the CSS recursion. */
void aiops_arma_kg_steady(aiops_arma_kgain *kg, const double *a, const double *mp)
{
    kg->F = 1;
    kg->M = 0;
    kg->steady = 1;
    kg->quiet = 0;
    for (int i = 0; i < kg->r; i++) {
        kg->K[i] = mp[i + 1] + a[i + 1];
        kg->W[i] = 0;
    }
    kg_set_ar(kg, a);
}

/* The MA remainders rho[0..r-1] (of the next r points) take the
 * innovation v: they move by the gain less the AR part, K_i - a_{i+1}. */
static void kg_spread(const aiops_arma_kgain *kg, double *rho, double v)
{
    for (int i = 0; i < kg->r; i++)
        rho[i] += kg->K[i] * v;
    for (int j = 0; j < kg->na; j++)
        rho[kg->alag[j] - 1] -= kg->aval[j] * v;
}

/* The Chandrasekhar recursions (Morf, Sidhu and Kailath 1974): from the
 * stationary start, P_{t+1} - P_t = M_t W_t W_t' has rank one, so the
 * filter moves in O(r) a step instead of the O(r^2) of the covariance
 * update.  With u = Z W_t and K = T P Z' / F the gain:
 *   F_{t+1} = F_t + M_t u^2     K_{t+1} = (F_t K_t + M_t u T W_t) / F_{t+1}
 *   W_{t+1} = T W_t - u K_{t+1}       M_{t+1} = M_t F_{t+1} / F_t
 * T W is W shifted up one plus u times the AR coefficients: the shift is
 * done densely, the few AR lags fixed up after.  rho takes v by the old
 * gain (what kg_spread does).  Once P has stopped moving the gain is the
 * steady one and stays: when F has moved by less than 1e-14 of itself for
 * r + 1 steps in a row (every entry of W has passed through u = W_1 by
 * then, W being shifted up a place a step). */
void aiops_arma_kg_step(aiops_arma_kgain *kg, double *rho, double v)
{
    int r = kg->r, na = kg->na;
    double *K = kg->K, *W = kg->W, u = W[0], Mu = kg->M * u, Fn = kg->F + Mu * u;
    if (kg->steady || !(Fn > 0) || !isfinite(Fn)) {
        kg->steady = 1;             /* or rounding ate the variance: keep the gain */
        if (rho)
            kg_spread(kg, rho, v);
        return;
    }
    double c1 = kg->F / Fn, c2 = Mu / Fn, next[MAX_TERMS];
    if (rho)
        kg_spread(kg, rho, v);
    for (int j = 0; j < na; j++)    /* W_{lag} before the dense pass overwrites it */
        next[j] = kg->alag[j] < r ? W[kg->alag[j]] : 0;
    for (int i = 0; i + 1 < r; i++) {
        K[i] = c1 * K[i] + c2 * W[i + 1];
        W[i] = W[i + 1] - K[i] * u;
    }
    K[r - 1] *= c1;
    W[r - 1] = -K[r - 1] * u;
    for (int j = 0; j < na; j++) {  /* the AR lags: (T W)_i had a_j u more */
        int i = kg->alag[j] - 1;
        K[i] += c2 * kg->aval[j] * u;
        W[i] = kg->aval[j] * u + next[j] - K[i] * u;
    }
    kg->M *= Fn / kg->F;
    kg->F = Fn;
    kg->quiet = fabs(kg->M) * u * u <= 1e-14 * Fn ? kg->quiet + 1 : 0;
    kg->steady = kg->quiet > r;
}

void aiops_arma_kg_place(aiops_arma_kgain *kg, int r, double *buf)
{
    kg->r = r;
    kg->K = buf;
    kg->W = buf + r;
    kg->na = 0;
}

int aiops_arma_ml_init(aiops_arma_ml *cx, const double *w, size_t N, const aiops_arma_orders *o)
{
    int pa, qm, r = aiops_arma_dim(o, &pa, &qm);
    size_t nr = (size_t)r + 1;
    double *buf = malloc((N + 13 * nr) * sizeof *buf);
    *cx = (aiops_arma_ml){.w = w, .N = N, .o = *o, .pa = pa, .qm = qm, .buf = buf};
    if (!buf)
        return -1;
    aiops_arma_kg_place(&cx->kg, r, buf);
    cx->a = buf + 3 * nr;
    cx->mp = buf + 4 * nr;
    cx->scr = buf + 5 * nr;
    cx->rho = buf + 12 * nr;
    return 0;
}

void aiops_arma_ml_free(aiops_arma_ml *cx)
{
    free(cx->buf);
    cx->buf = NULL;
}

/* With v_t the one-step errors of the exact filter and sigma^2 F_t their
 * variances, sigma^2 concentrated out, -2 log L = N log(sum v_t^2/F_t /
 * N) + sum log F_t + const, which is N log of sum (g v_t / sqrt F_t)^2
 * with g = (prod F_t)^(1/2N): so Levenberg-Marquardt minimises these
 * residuals as it does the CSS ones.  The filter runs in the MA-remainder
 * form (model_sarima.c's scoring state): x_t = sum a_j x_{t-j} + rho_t,
 * pre-sample values at their mean 0, rho_1 = 0. */
double aiops_arma_ml_eval(void *vcx, const double *x, double *res)
{
    aiops_arma_ml *cx = vcx;
    const aiops_arma_orders *o = &cx->o;
    if (!aiops_arma_admissible(x, o->p, o->q, o->P, o->Q))
        return INFINITY;
    const double *phi = x, *theta = phi + o->p, *Phi = theta + o->q, *Theta = Phi + o->P;
    double mu = o->mean ? Theta[o->Q] : 0;
    aiops_arma_term ar[MAX_TERMS], ma[MAX_TERMS];
    int nar, nma, r = cx->kg.r;
    aiops_arma_products(phi, o->p, Phi, o->P, theta, o->q, Theta, o->Q, o->s, ar, &nar, ma,
                        &nma);
    aiops_arma_dense(ar, nar, ma, nma, r, cx->a, cx->mp);
    aiops_arma_kgain *kg = &cx->kg;
    if (aiops_arma_kg_init(kg, cx->a, cx->mp, cx->pa, cx->qm, cx->scr))
        return INFINITY;
    const double *w = cx->w;
    double *rho = cx->rho, ssq = 0, slog = 0;
    memset(rho, 0, ((size_t)r + 1) * sizeof *rho);
    for (size_t t = 0; t < cx->N; t++) {
        double xh = rho[t];
        for (int i = 0; i < nar; i++)
            if ((size_t)ar[i].lag <= t)
                xh += ar[i].c * (w[t - (size_t)ar[i].lag] - mu);
        double v = w[t] - mu - xh, F = kg->F;
        res[t] = v / sqrt(F);
        ssq += v * v / F;
        slog += log(F);
        aiops_arma_kg_step(kg, rho + t + 1, v);
        rho[t + (size_t)r + 1] = 0;
    }
    double g2 = exp(slog / (double)cx->N);
    for (size_t t = 0; t < cx->N; t++)
        res[t] *= sqrt(g2);
    cx->sumlog = slog;
    double f = ssq * g2;
    return isfinite(f) ? f : INFINITY;
}

double aiops_arma_ml_loglik(aiops_arma_ml *cx, const double *x, double *res, double *sigma2)
{
    double f = aiops_arma_ml_eval(cx, x, res), N = (double)cx->N;
    if (!isfinite(f)) {
        *sigma2 = NAN;
        return NAN;
    }
    double s2 = f / exp(cx->sumlog / N) / N;
    *sigma2 = s2;
    return -0.5 * N * (LOG_2PI + log(s2) + 1) - 0.5 * cx->sumlog;
}
