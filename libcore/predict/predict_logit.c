/* predict_logit.c - weighted L2 logistic regression by Newton's method
 * (iteratively reweighted least squares), each step one LAPACKE_dposv.
 * The least-squares solver of models/numeric (Levenberg-Marquardt on at
 * most 9 coefficients) does not fit a likelihood with exact Hessians, so
 * this is the one Newton solver of logistic models. */
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "predict/predict.h"

static double sigmoid(double z)
{
    return z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z));
}

double aiops_logit_prob(const double *coef, const double *x, size_t p)
{
    double z = coef[0];
    for (size_t j = 0; j < p; j++)
        z += coef[j + 1] * x[j];
    return sigmoid(z);
}

/* log(1 + exp(z)) without overflow. */
static double log1pexp(double z)
{
    return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z));
}

static double objective(const double *X, const double *y, const double *w, size_t n, size_t p,
                        double lambda, const double *b)
{
    double f = 0;
    for (size_t i = 0; i < n; i++) {
        double z = b[0];
        for (size_t j = 0; j < p; j++)
            z += b[j + 1] * X[i * p + j];
        /* -[y log s(z) + (1-y) log(1 - s(z))] = log(1 + e^z) - y z */
        f += (w ? w[i] : 1) * (log1pexp(z) - y[i] * z);
    }
    for (size_t j = 1; j <= p; j++)
        f += 0.5 * lambda * b[j] * b[j];
    return f;
}

int aiops_logit_fit(const double *X, const double *y, const double *w, size_t n, size_t p,
                    double lambda, double *coef, int *iters, double *loss, aiops_err *err)
{
    size_t k = p + 1;
    if (n == 0)
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "logistic regression: no rows");
    if (!(lambda >= 0))
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "logistic regression: expected lambda >= 0");
    double *H = malloc(k * k * sizeof *H), *g = malloc(k * sizeof *g), *nb = malloc(k * sizeof *nb);
    if (!H || !g || !nb) {
        free(H);
        free(g);
        free(nb);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    double f = objective(X, y, w, n, p, lambda, coef);
    int it = 0, rc = 0;
    for (; it < 100; it++) {
        memset(H, 0, k * k * sizeof *H);
        memset(g, 0, k * sizeof *g);
        for (size_t i = 0; i < n; i++) {
            const double *x = X + i * p;
            double pr = aiops_logit_prob(coef, x, p), wi = w ? w[i] : 1;
            double r = wi * (y[i] - pr), s = wi * pr * (1 - pr);
            /* row (1, x): gradient and the upper triangle of X'SX */
            for (size_t a = 0; a < k; a++) {
                double xa = a ? x[a - 1] : 1;
                g[a] += r * xa;
                for (size_t b = a; b < k; b++)
                    H[b * k + a] += s * xa * (b ? x[b - 1] : 1);
            }
        }
        for (size_t a = 1; a < k; a++) {
            H[a * k + a] += lambda;
            g[a] -= lambda * coef[a];
        }
        /* Newton direction: H d = g (H positive definite with lambda > 0,
         * or with separable-free data). */
        lapack_int info = LAPACKE_dposv(LAPACK_COL_MAJOR, 'U', (lapack_int)k, 1, H, (lapack_int)k, g,
                                        (lapack_int)k);
        if (info != 0) {
            rc = aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                               "logistic regression: the Hessian is singular (separable data? "
                               "raise the L2 penalty)");
            break;
        }
        double step = 1, fn = f;
        for (int h = 0; h < 30; h++, step /= 2) {
            for (size_t a = 0; a < k; a++)
                nb[a] = coef[a] + step * g[a];
            fn = objective(X, y, w, n, p, lambda, nb);
            if (fn <= f + 1e-12 * fabs(f))
                break;
        }
        double moved = 0;
        for (size_t a = 0; a < k; a++) {
            moved = fmax(moved, fabs(nb[a] - coef[a]) / fmax(1, fabs(coef[a])));
            coef[a] = nb[a];
        }
        f = fn;
        if (moved < 1e-10) {
            it++;
            break;
        }
    }
    if (iters)
        *iters = it;
    if (loss)
        *loss = f;
    free(H);
    free(g);
    free(nb);
    return rc;
}
