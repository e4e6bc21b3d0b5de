/* lsq.c - Levenberg-Marquardt least squares (lsq.h): damped Gauss-Newton
 * steps on a numerical Jacobian, optionally refreshed by Broyden's
 * rank-one updates, or on the caller's own normal equations; inside a
 * convex feasible region whose edge can hold part of the coefficients
 * while the rest settle, or a box.  Separate from the models that use it
 * (model_sarima.c, model_holtwinters.c) because it is plain optimisation:
 * it sees only residuals or normal equations and a region, and is tested
 * on its own (tests/unit/models/numeric/test_lsq.c). */
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

/* A box coefficient at a bound that the gradient g pushes outward (the
 * step goes along -g) is held. */
static void hold_at_bounds(const aiops_lsq *ls, const double *x, const double *g, int *frozen)
{
    for (int i = 0; i < ls->np; i++)
        if ((ls->lo && x[i] <= ls->lo[i] && g[i] > 0) || (ls->hi && x[i] >= ls->hi[i] && g[i] < 0))
            frozen[i] = 1;
}

static void clip_to_box(const aiops_lsq *ls, double *xn)
{
    for (int i = 0; i < ls->np; i++) {
        if (ls->lo && xn[i] < ls->lo[i])
            xn[i] = ls->lo[i];
        if (ls->hi && xn[i] > ls->hi[i])
            xn[i] = ls->hi[i];
    }
}

/* One Levenberg-Marquardt step from x: xn.  Within a box the step is
 * clipped to it.  With ls->edge a step that leaves the region is cut at
 * its edge; when less than half of it is left, the blocks that stop it
 * are held instead and the rest moves on (a likelihood often peaks at the
 * edge, a seasonal MA root at the unit circle for a deterministic
 * pattern, while the other coefficients still have to settle). */
static int lm_step(const aiops_lsq *ls, const double *A, const double *g, double lambda,
                   const double *x, double *xn)
{
    int frozen[MAX_NP] = {0};
    hold_at_bounds(ls, x, g, frozen);
    if (lm_solve(ls, A, g, lambda, frozen, x, xn))
        return -1;
    clip_to_box(ls, xn);
    if (!ls->edge || inside(ls, xn))
        return 0;
    double tau = step_fraction(ls, x, xn);
    if (tau < 0.5 && freeze_blocking(ls, x, xn, frozen)) {
        if (lm_solve(ls, A, g, lambda, frozen, x, xn))
            return -1;
        clip_to_box(ls, xn);
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

/* The normal equations and the damping, carried across iterations. */
typedef struct lm_work {
    double A[MAX_NP * MAX_NP], g[MAX_NP];     /* at x */
    double A1[MAX_NP * MAX_NP], g1[MAX_NP];   /* at the candidate (normal form) */
    double lambda;
    int evals;                                /* candidate steps evaluated */
} lm_work;

/* The normal equations of the residual form: A = J'J (upper triangle),
 * g = J'e. */
static void normal_from_jacobian(const aiops_lsq *ls, const double *J, const double *e,
                                 lm_work *w)
{
    int np = ls->np, rows = (int)ls->rows;
    cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, np, rows, 1.0, J, rows, 0.0, w->A, np);
    cblas_dgemv(CblasColMajor, CblasTrans, rows, np, 1.0, J, rows, e + ls->off, 1, 0.0, w->g, 1);
}

/* The loss at x: the residuals into e, or the normal equations into A, g. */
static double eval_at(const aiops_lsq *ls, const double *x, double *e, double *A, double *g)
{
    return ls->normal ? ls->normal(ls->ctx, x, A, g) : ls->f(ls->ctx, x, e);
}

static int moved(const double *x, const double *xn, int np)
{
    for (int i = 0; i < np; i++)
        if (xn[i] != x[i])
            return 1;
    return 0;
}

/* Damped steps from x (loss f), the damping raised after each that does
 * not lower the loss, until one does (1: xn, *fn) or the tries or the
 * evaluations run out (0).  A step that does not move is not
 * evaluated. */
static int try_steps(const aiops_lsq *ls, lm_work *w, const double *x, double f, double *xn,
                     double *fn, double *e1)
{
    int accepted = 0, tries = 0;
    while (!accepted && w->lambda < 1e12 && tries++ < ls->max_tries &&
           (!ls->max_evals || w->evals < ls->max_evals)) {
        if (lm_step(ls, w->A, w->g, w->lambda, x, xn) == 0 && moved(x, xn, ls->np)) {
            w->evals++;
            *fn = eval_at(ls, xn, e1, w->A1, w->g1);
            accepted = *fn < f;
        }
        w->lambda = accepted ? fmax(w->lambda / 10, 1e-12) : w->lambda * 10;
    }
    return accepted;
}

/* x moves to xn: what was computed at xn becomes current. */
static void take_step(const aiops_lsq *ls, lm_work *w, double *x, const double *xn, double *e0,
                      const double *e1)
{
    int np = ls->np;
    memcpy(x, xn, (size_t)np * sizeof *x);
    if (ls->normal) {
        memcpy(w->A, w->A1, (size_t)(np * np) * sizeof *w->A);
        memcpy(w->g, w->g1, (size_t)np * sizeof *w->g);
    } else {
        memcpy(e0, e1, ls->len * sizeof *e0);
    }
}

double aiops_lsq_fit(const aiops_lsq *ls, double *x, double *J, double *e0, double *e1)
{
    lm_work w = {.lambda = 1e-3};
    double f = eval_at(ls, x, e0, w.A, w.g), xn[MAX_NP];
    if (!ls->np || !isfinite(f))
        return f;
    int stale = 1;
    for (int it = 0; it < MAX_IT; it++) {
        int fresh = stale || ls->normal;    /* exact normal equations are always fresh */
        if (!ls->normal) {
            if (stale && jacobian(ls, x, e0, e1, J))
                break;
            stale = !ls->broyden;
            normal_from_jacobian(ls, J, e0, &w);
        }
        double fn = f;
        if (!try_steps(ls, &w, x, f, xn, &fn, e1)) {
            if (fresh)
                break;
            stale = 1;              /* the updated Jacobian misled: recompute, retry */
            w.lambda = 1e-3;
            continue;
        }
        int done = f - fn <= ls->tol * f;
        if (ls->broyden)
            broyden(ls, J, x, xn, e0, e1);
        take_step(ls, &w, x, xn, e0, e1);
        f = fn;
        if (done && fresh)
            break;
        stale |= done;              /* converged by an updated Jacobian: confirm */
    }
    return f;
}
