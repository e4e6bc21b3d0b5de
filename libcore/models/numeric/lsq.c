/* lsq.c - Levenberg-Marquardt least squares (lsq.h): damped Gauss-Newton
 * steps on a numerical Jacobian, optionally refreshed by Broyden's
 * rank-one updates, inside a convex feasible region whose edge can hold
 * part of the coefficients while the rest settle.  Separate from the
 * models that use it (model_sarima.c) because it is plain optimisation:
 * it sees only a residual function and a region, and is tested on its
 * own (tests/unit/test_lsq.c). */
#include <math.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "models/numeric/lsq.h"

#define MAX_IT 60
#define MAX_NP AIOPS_LSQ_MAX_NP

static int inside(const aiops_lsq *ls, const double *x)
{
    return !ls->inside || ls->inside(ls->region, x);
}

/* Jacobian of the residuals by forward differences (backward at the
 * region's edge), column i at J + i * rows. */
static int jacobian(const aiops_lsq *ls, double *x, const double *e0, double *e1, double *J)
{
    for (int i = 0; i < ls->np; i++) {
        double keep = x[i];
        double h = 1e-6 * (ls->scale[i] > 0 ? ls->scale[i] : fmax(1, fabs(keep)));
        x[i] = keep + h;
        if (!isfinite(ls->f(ls->ctx, x, e1))) {
            h = -h;
            x[i] = keep + h;
            if (!isfinite(ls->f(ls->ctx, x, e1))) {
                x[i] = keep;
                return -1;
            }
        }
        x[i] = keep;
        const double *a = e1 + ls->off, *b = e0 + ls->off;
        for (size_t r = 0; r < ls->rows; r++)
            J[(size_t)i * ls->rows + r] = (a[r] - b[r]) / h;
    }
    return 0;
}

/* The feasible fraction of the step x -> xn (bisection; the region is
 * convex, so the feasible fractions are an interval from 0). */
static double step_fraction(const aiops_lsq *ls, const double *x, const double *xn)
{
    double lo = 0, hi = 1, y[MAX_NP];
    for (int it = 0; it < 40; it++) {
        double mid = 0.5 * (lo + hi);
        for (int i = 0; i < ls->np; i++)
            y[i] = x[i] + mid * (xn[i] - x[i]);
        if (inside(ls, y))
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Freeze the coefficients of each block that the step x -> xn alone
 * would take out of the region.  Returns how many were frozen. */
static int freeze_blocking(const aiops_lsq *ls, const double *x, const double *xn, int *frozen)
{
    int n = 0;
    for (int b = 0, off = 0; b < ls->nblock; off += ls->block[b++]) {
        double y[MAX_NP];
        memcpy(y, x, (size_t)ls->np * sizeof *y);
        for (int i = off; i < off + ls->block[b]; i++)
            y[i] = xn[i];
        if (inside(ls, y))
            continue;
        for (int i = off; i < off + ls->block[b]; i++)
            frozen[i] = 1, n++;
    }
    return n;
}

/* The damped Gauss-Newton step from x with damping lambda, the frozen
 * coefficients kept: xn. */
static int lm_solve(const aiops_lsq *ls, const double *A, const double *g, double lambda,
                    const int *frozen, const double *x, double *xn)
{
    int np = ls->np;
    double M[MAX_NP * MAX_NP];
    memcpy(M, A, (size_t)(np * np) * sizeof *M);
    for (int i = 0; i < np; i++) {
        M[i * np + i] += lambda * A[i * np + i] + 1e-12 * (1 + A[i * np + i]);
        xn[i] = frozen[i] ? 0 : -g[i];
        for (int j = 0; frozen[i] && j < np; j++)
            M[i * np + j] = M[j * np + i] = i == j;
    }
    if (LAPACKE_dposv(LAPACK_COL_MAJOR, 'U', np, 1, M, np, xn, np) != 0)
        return -1;
    for (int i = 0; i < np; i++)
        xn[i] += x[i];
    return 0;
}

/* One Levenberg-Marquardt step from x: xn.  With ls->edge a step that
 * leaves the region is cut at its edge; when less than half of it is
 * left, the blocks that stop it are held instead and the rest moves on
 * (a likelihood often peaks at the edge, a seasonal MA root at the unit
 * circle for a deterministic pattern, while the other coefficients still
 * have to settle). */
static int lm_step(const aiops_lsq *ls, const double *A, const double *g, double lambda,
                   const double *x, double *xn)
{
    int frozen[MAX_NP] = {0};
    if (lm_solve(ls, A, g, lambda, frozen, x, xn))
        return -1;
    if (!ls->edge || inside(ls, xn))
        return 0;
    double tau = step_fraction(ls, x, xn);
    if (tau < 0.5 && freeze_blocking(ls, x, xn, frozen)) {
        if (lm_solve(ls, A, g, lambda, frozen, x, xn))
            return -1;
        tau = inside(ls, xn) ? 1 : step_fraction(ls, x, xn);
    }
    for (int i = 0; i < ls->np; i++)
        xn[i] = x[i] + tau * (xn[i] - x[i]);
    return 0;
}

/* Broyden's rank-one update of the Jacobian J after the step x -> xn
 * moved the residuals from e0 to e1: the least change that makes J map
 * the step onto the residuals' change. */
static void broyden(const aiops_lsq *ls, double *J, const double *x, const double *xn,
                    const double *e0, const double *e1)
{
    double d[MAX_NP], dd = 0;
    for (int i = 0; i < ls->np; i++) {
        d[i] = xn[i] - x[i];
        dd += d[i] * d[i];
    }
    if (!(dd > 0))
        return;
    const double *a = e1 + ls->off, *b = e0 + ls->off;
    for (size_t r = 0; r < ls->rows; r++) {
        double jd = 0;
        for (int i = 0; i < ls->np; i++)
            jd += J[(size_t)i * ls->rows + r] * d[i];
        double c = (a[r] - b[r] - jd) / dd;
        for (int i = 0; i < ls->np; i++)
            J[(size_t)i * ls->rows + r] += c * d[i];
    }
}

double aiops_lsq_fit(const aiops_lsq *ls, double *x, double *J, double *e0, double *e1)
{
    int np = ls->np;
    double f = ls->f(ls->ctx, x, e0);
    if (!np || !isfinite(f))
        return f;
    int rows = (int)ls->rows, stale = 1;
    double A[MAX_NP * MAX_NP], g[MAX_NP], xn[MAX_NP], lambda = 1e-3;
    for (int it = 0; it < MAX_IT; it++) {
        if (stale && jacobian(ls, x, e0, e1, J))
            break;
        int fresh = stale;
        stale = !ls->broyden;
        cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, np, rows, 1.0, J, rows, 0.0, A, np);
        cblas_dgemv(CblasColMajor, CblasTrans, rows, np, 1.0, J, rows, e0 + ls->off, 1, 0.0, g,
                    1);
        int accepted = 0, tries = 0;
        double fn = f;
        while (!accepted && lambda < 1e12 && tries++ < ls->max_tries) {
            if (lm_step(ls, A, g, lambda, x, xn) == 0) {
                fn = ls->f(ls->ctx, xn, e1);
                accepted = fn < f;
            }
            lambda = accepted ? fmax(lambda / 10, 1e-12) : lambda * 10;
        }
        if (!accepted) {
            if (fresh)
                break;
            stale = 1;              /* the updated Jacobian misled: recompute, retry */
            lambda = 1e-3;
            continue;
        }
        int done = f - fn <= ls->tol * f;
        if (ls->broyden)
            broyden(ls, J, x, xn, e0, e1);
        memcpy(x, xn, (size_t)np * sizeof *x);
        memcpy(e0, e1, ls->len * sizeof *e0);
        f = fn;
        if (done && fresh)
            break;
        stale |= done;              /* converged by an updated Jacobian: confirm */
    }
    return f;
}
