/* armatest.h - seasonal ARMA test models shared by test_arma.c (the
 * numerics against textbook answers) and test_model_sarima.c (the model's
 * fit): a small SARIMA spec, its polynomials in dense form, and a
 * simulator. */
#ifndef AIOPS_ARMATEST_H
#define AIOPS_ARMATEST_H

#include <string.h>

#include "modeltest.h"

/* A SARIMA(p,d,q)(P,0,Q)s with p, q, P, Q <= 1 and d <= 1, s < 63. */
typedef struct spec {
    int p, d, q, P, Q, s;
    double phi, theta, Phi, Theta, mu;
    size_t n;
} spec;

/* Models with a short-memory, a near-unit MA, a differenced and two
 * seasonal cases, of 60 to 150 points (*n of them). */
static inline const spec *spec_cases(size_t *n)
{
    static const spec cases[] = {
        {1, 0, 0, 0, 0, 12, 0.6, 0, 0, 0, 5, 150},       /* AR(1) */
        {0, 0, 1, 0, 0, 12, 0, -0.9, 0, 0, 0, 60},       /* MA(1), short, near-unit */
        {1, 0, 1, 0, 0, 12, 0.5, 0.4, 0, 0, 2, 150},     /* ARMA(1,1) */
        {0, 1, 1, 0, 0, 12, 0, 0.3, 0, 0, 0, 150},       /* ARIMA(0,1,1) */
        {0, 0, 1, 0, 1, 12, 0, 0.4, 0, 0.5, 1, 120},     /* (0,0,1)(0,0,1)12 */
        {1, 0, 0, 1, 0, 12, 0.5, 0, 0.4, 0, 0, 120},     /* (1,0,0)(1,0,0)12 */
    };
    *n = sizeof cases / sizeof *cases;
    return cases;
}

/* The ARMA part as x_t = sum a_j x_{t-j} + e_t + sum m_j e_{t-j} with
 * these coefficients: dense a[0..s+1], m[0..s+1] (a[0] = 0, m[0] = 1). */
static inline void spec_polys(const spec *c, double phi, double theta, double Phi, double Theta,
                              double *a, double *m)
{
    int s = c->s;
    memset(a, 0, (size_t)(s + 2) * sizeof *a);
    memset(m, 0, (size_t)(s + 2) * sizeof *m);
    m[0] = 1;
    a[1] += c->p ? phi : 0;
    a[s] += c->P ? Phi : 0;
    a[s + 1] -= c->p && c->P ? phi * Phi : 0;
    m[1] += c->q ? theta : 0;
    m[s] += c->Q ? Theta : 0;
    m[s + 1] += c->q && c->Q ? theta * Theta : 0;
}

/* c->n values of the model (unit innovations from mt_nrand, after 500 of
 * burn-in) into v. */
static inline void spec_simulate(const spec *c, double *v)
{
    int L = c->s + 1;
    double a[64], m[64], x[64] = {0}, e[64] = {0}, level = c->mu;
    spec_polys(c, c->phi, c->theta, c->Phi, c->Theta, a, m);
    for (size_t t = 0; t < c->n + 500; t++) {
        double et = mt_nrand(), xt = et;
        for (int j = 1; j <= L; j++)
            xt += a[j] * x[(t + 64 - (size_t)j) % 64] + m[j] * e[(t + 64 - (size_t)j) % 64];
        x[t % 64] = xt;
        e[t % 64] = et;
        double yt = c->d ? (level += xt) : c->mu + xt;
        if (t >= 500)
            v[t - 500] = yt;
    }
}

#endif
