/* lsq.h - Levenberg-Marquardt least squares for small problems (lsq.c),
 * optionally inside a convex feasible region or a box.  The one solver of
 * the models: the SARIMA fits (model_sarima.c: the conditional sum of
 * squares and the exact likelihood of arma.h) give residuals and a
 * region; Holt-Winters (model_holtwinters.c) gives its own normal
 * equations, from exact derivatives, and bounds.  It knows nothing of
 * either model.  Not part of the public API (aiops.h). */
#ifndef AIOPS_LSQ_H
#define AIOPS_LSQ_H

#include <stddef.h>

/* Most coefficients a problem may have (the normal equations live on the
 * stack): a SARIMA's four factors of order 2 and a mean. */
#define AIOPS_LSQ_MAX_NP 9

/* Minimise a sum of squares over x (np values), given either as its
 * residuals (f) or as its normal equations (normal).  The caller owns
 * everything the problem points to. */
typedef struct aiops_lsq {
    /* Residual form: writes the residuals into buf (len values; the rows
     * used are rows values from buf + off) and returns their sum of
     * squares: +Inf where x is outside the region or the evaluation
     * fails.  May use ctx as scratch.  The Jacobian is taken by
     * differences. */
    double (*f)(void *ctx, const double *x, double *buf);
    /* Normal-equation form (instead of f), for a caller with exact
     * derivatives (and weights, e.g. iteratively reweighted for a robust
     * loss): returns the loss at x (+Inf where it fails) and writes
     * A = J'WJ (np x np, column-major, at least the upper triangle) and
     * g = J'W r, r the residuals and J their derivatives.  Then rows,
     * off, len, scale, broyden and the scratch arguments of
     * aiops_lsq_fit are unused. */
    double (*normal)(void *ctx, const double *x, double *A, double *g);
    void *ctx;
    /* The feasible region, convex (NULL: everywhere): nonzero when x is
     * inside.  f must return +Inf outside it all the same (steps are
     * tried before they are checked unless edge is set). */
    int (*inside)(const void *region, const double *x);
    const void *region;
    /* A box (NULL: unbounded), np values each: steps are clipped into
     * [lo, hi], and a coefficient at a bound that the gradient pushes
     * outward is held while the others move. */
    const double *lo, *hi;
    int np;
    /* At the region's edge (with edge set): x's leading coefficients as
     * nblock consecutive blocks of these lengths (a factor of a product,
     * say), each held as a whole while the others move; coefficients after
     * the blocks are never held. */
    int nblock, block[AIOPS_LSQ_MAX_NP];
    int edge;                   /* cut steps at the region's edge (else reject them) */
    int broyden;                /* Broyden updates between difference Jacobians */
    int max_tries;              /* damping increases before a step counts as impossible */
    int max_evals;              /* most candidate steps evaluated (0: no limit but the
                                   iterations') */
    size_t rows, off, len;
    /* Finite-difference scales: 0 for max(1, |x_i|); > 0 fixes that
     * coefficient's (a location such as a mean, whose own size says
     * nothing of its precision). */
    double scale[AIOPS_LSQ_MAX_NP];
    double tol;                 /* stop when the sum of squares falls by less (relative) */
} aiops_lsq;

/* Levenberg-Marquardt from x (updated in place), at most 60 iterations:
 * LAPACK dposv for the damped Gauss-Newton steps.  In the residual form
 * the Jacobian is numerical; with ls->broyden it is computed by
 * differences only at the start, after a step it could not make, and to
 * confirm convergence; in between Broyden updates it (for residuals that
 * are dear to evaluate).  J: rows * np values, e0 and e1: len each
 * (scratch; e0 ends with the residuals at x; all NULL in the
 * normal-equation form).  Returns the final sum of squares (+Inf if x
 * itself is outside the region). */
double aiops_lsq_fit(const aiops_lsq *ls, double *x, double *J, double *e0, double *e1);

#endif
