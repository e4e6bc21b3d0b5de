/* lsq.h - Levenberg-Marquardt least squares for small problems (lsq.c),
 * optionally inside a convex feasible region.  Written for the SARIMA fits
 * (model_sarima.c: the conditional sum of squares and the exact
 * likelihood of arma.h), but it knows nothing of ARMA models: the caller
 * gives the residuals and the region.  Not part of the public API
 * (aiops.h). */
#ifndef AIOPS_LSQ_H
#define AIOPS_LSQ_H

#include <stddef.h>

/* Most coefficients a problem may have (the normal equations live on the
 * stack): a SARIMA's four factors of order 2 and a mean. */
#define AIOPS_LSQ_MAX_NP 9

/* Minimise the sum of squares of residuals r(x) over x (np values).  The
 * caller owns everything the problem points to. */
typedef struct aiops_lsq {
    /* Writes the residuals into buf (len values; the rows used are rows
     * values from buf + off) and returns their sum of squares: +Inf where
     * x is outside the region or the evaluation fails.  May use ctx as
     * scratch. */
    double (*f)(void *ctx, const double *x, double *buf);
    void *ctx;
    /* The feasible region, convex (NULL: everywhere): nonzero when x is
     * inside.  f must return +Inf outside it all the same (steps are
     * tried before they are checked unless edge is set). */
    int (*inside)(const void *region, const double *x);
    const void *region;
    int np;
    /* At the region's edge (with edge set): x's leading coefficients as
     * nblock consecutive blocks of these lengths (a factor of a product,
     * say), each held as a whole while the others move; coefficients after
     * the blocks are never held. */
    int nblock, block[AIOPS_LSQ_MAX_NP];
    int edge;                   /* cut steps at the region's edge (else reject them) */
    int broyden;                /* Broyden updates between difference Jacobians */
    int max_tries;              /* damping increases before a step counts as impossible */
    size_t rows, off, len;
    /* Finite-difference scales: 0 for max(1, |x_i|); > 0 fixes that
     * coefficient's (a location such as a mean, whose own size says
     * nothing of its precision). */
    double scale[AIOPS_LSQ_MAX_NP];
    double tol;                 /* stop when the sum of squares falls by less (relative) */
} aiops_lsq;

/* Levenberg-Marquardt from x (updated in place), at most 60 iterations:
 * numerical Jacobian, LAPACK dposv for the damped Gauss-Newton steps.
 * With ls->broyden the Jacobian is computed by differences only at the
 * start, after a step it could not make, and to confirm convergence; in
 * between Broyden updates it (for residuals that are dear to evaluate).
 * J: rows * np values, e0 and e1: len each (scratch; e0 ends with the
 * residuals at x).  Returns the final sum of squares (+Inf if x itself is
 * outside the region). */
double aiops_lsq_fit(const aiops_lsq *ls, double *x, double *J, double *e0, double *e1);

#endif
