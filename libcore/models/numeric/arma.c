/* arma.c - the polynomials of a seasonal ARMA model (arma.h): the
 * products of the factors, their dense form, the stationary / invertible
 * region (closed-form conditions for orders <= 2) and the conditional sum
 * of squares.  Separate from model_sarima.c because none of it depends on
 * how the model gets its data or scores: it is algebra on the
 * coefficients, checked on its own. */
#include <math.h>
#include <string.h>

#include "models/numeric/arma.h"

#define MAX_ORD AIOPS_ARMA_MAX_ORD
#define ROOT_LIM AIOPS_ARMA_ROOT_LIM

/* The triangle conditions for order 2. */
int aiops_arma_stationary(const double *c, int n)
{
    if (n == 0)
        return 1;
    if (n == 1)
        return fabs(c[0]) < ROOT_LIM;
    return fabs(c[1]) < ROOT_LIM && c[0] + c[1] < ROOT_LIM && c[1] - c[0] < ROOT_LIM;
}

/* Largest |lambda| for lambda^2 - c1 lambda - c2 (n = 2) or lambda - c1:
 * the reciprocal of the smallest root modulus of 1 - c1 B - c2 B^2. */
double aiops_arma_max_inv_root(const double *c, int n)
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

/* Near-noninvertible fits are where the CSS is unreliable and factors
 * nearly cancel, hence the guard on the MA side too. */
int aiops_arma_roots_ok(const double *x, int p, int q, int P, int Q)
{
    double mt[MAX_ORD] = {0}, mT[MAX_ORD] = {0};
    for (int i = 0; i < q; i++)
        mt[i] = -x[p + i];
    for (int i = 0; i < Q; i++)
        mT[i] = -x[p + q + P + i];
    double lim = 1 / 1.01;
    return aiops_arma_max_inv_root(x, p) < lim && aiops_arma_max_inv_root(mt, q) < lim &&
           aiops_arma_max_inv_root(x + p + q, P) < lim && aiops_arma_max_inv_root(mT, Q) < lim;
}

/* 1 + t1 B + t2 B^2 invertible: the same conditions on -t. */
int aiops_arma_invertible(const double *t, int n)
{
    double c[MAX_ORD] = {0};
    for (int i = 0; i < n && i < MAX_ORD; i++)
        c[i] = -t[i];
    return aiops_arma_stationary(c, n);
}

void aiops_arma_products(const double *phi, int p, const double *Phi, int P,
                         const double *theta, int q, const double *Theta, int Q, int s,
                         aiops_arma_term *ar, int *nar, aiops_arma_term *ma, int *nma)
{
    *nar = *nma = 0;
    for (int j = 0; j <= P; j++)
        for (int i = 0; i <= p; i++) {
            if (!i && !j)
                continue;
            double a = i ? -phi[i - 1] : 1, b = j ? -Phi[j - 1] : 1;
            ar[(*nar)++] = (aiops_arma_term){i + s * j, -(a * b)};
        }
    for (int j = 0; j <= Q; j++)
        for (int i = 0; i <= q; i++) {
            if (!i && !j)
                continue;
            double a = i ? theta[i - 1] : 1, b = j ? Theta[j - 1] : 1;
            ma[(*nma)++] = (aiops_arma_term){i + s * j, a * b};
        }
}

int aiops_arma_admissible(const double *x, int p, int q, int P, int Q)
{
    return aiops_arma_stationary(x, p) && aiops_arma_invertible(x + p, q) &&
           aiops_arma_stationary(x + p + q, P) && aiops_arma_invertible(x + p + q + P, Q);
}

int aiops_arma_inside(const void *region, const double *x)
{
    const aiops_arma_orders *o = region;
    return aiops_arma_admissible(x, o->p, o->q, o->P, o->Q);
}

void aiops_arma_dense(const aiops_arma_term *ar, int nar, const aiops_arma_term *ma, int nma,
                      int r, double *a, double *mp)
{
    memset(a, 0, ((size_t)r + 1) * sizeof *a);
    memset(mp, 0, ((size_t)r + 1) * sizeof *mp);
    mp[0] = 1;
    for (int i = 0; i < nar; i++)
        a[ar[i].lag] += ar[i].c;
    for (int i = 0; i < nma; i++)
        mp[ma[i].lag] += ma[i].c;
}

int aiops_arma_dim(const aiops_arma_orders *o, int *pa, int *qm)
{
    *pa = o->p + o->s * o->P;
    *qm = o->q + o->s * o->Q;
    return *pa > *qm + 1 ? *pa : *qm + 1;
}

/* The recursion e_t = x_t - sum ar_k x_{t-k} - sum ma_k e_{t-k}, the
 * innovations before start zero. */
double aiops_arma_css_eval(void *vcx, const double *x, double *ebuf)
{
    const aiops_arma_css *cx = vcx;
    const aiops_arma_orders *o = &cx->o;
    const double *phi = x, *theta = phi + o->p, *Phi = theta + o->q, *Theta = Phi + o->P;
    double mu = o->mean ? Theta[o->Q] : 0;
    if (!aiops_arma_admissible(x, o->p, o->q, o->P, o->Q))
        return INFINITY;
    aiops_arma_term ar[AIOPS_ARMA_MAX_TERMS], ma[AIOPS_ARMA_MAX_TERMS];
    int nar, nma;
    aiops_arma_products(phi, o->p, Phi, o->P, theta, o->q, Theta, o->Q, o->s, ar, &nar, ma,
                        &nma);
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
