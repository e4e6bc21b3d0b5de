/* test_lsq.c - Levenberg-Marquardt (lsq.h) on small least-squares
 * problems with known minima: Rosenbrock's valley, an exponential decay
 * fitted exactly (with and without Broyden updates), a minimum beyond the
 * edge of a region (taken at the edge, the other coefficient still
 * settling), a start outside the region, and a problem given by its
 * normal equations inside a box (held at a bound, evaluation budget). */
#include <math.h>

#include "models/numeric/lsq.h"
#include "testutil.h"

#define assert_near(a, b, eps) assert_true(fabs((a) - (b)) <= (eps))

static double sumsq(const double *r, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += r[i] * r[i];
    return s;
}

/* Rosenbrock: 10 (x2 - x1^2), 1 - x1; minimum 0 at (1, 1). */
static double rosenbrock(void *ctx, const double *x, double *r)
{
    (void)ctx;
    r[0] = 10 * (x[1] - x[0] * x[0]);
    r[1] = 1 - x[0];
    return sumsq(r, 2);
}

static void test_rosenbrock(void **st)
{
    (void)st;
    aiops_lsq ls = {.f = rosenbrock, .np = 2, .rows = 2, .len = 2, .max_tries = 100,
                    .tol = 1e-15};
    double x[2] = {-1.2, 1}, J[4], e0[2], e1[2];
    double f = aiops_lsq_fit(&ls, x, J, e0, e1);
    assert_true(f < 1e-16);
    assert_near(x[0], 1, 1e-8);
    assert_near(x[1], 1, 1e-8);
    assert_near(e0[1], 1 - x[0], 0);            /* e0 ends with the residuals at x */
}

/* y_t = 2 exp(-0.3 t), t = 0..9, fitted by a exp(-b t). */
static double decay(void *ctx, const double *x, double *r)
{
    const double *y = ctx;
    for (int t = 0; t < 10; t++)
        r[t] = x[0] * exp(-x[1] * t) - y[t];
    return sumsq(r, 10);
}

static void test_decay(void **st)
{
    (void)st;
    double y[10];
    for (int t = 0; t < 10; t++)
        y[t] = 2 * exp(-0.3 * t);
    for (int br = 0; br <= 1; br++) {
        aiops_lsq ls = {.f = decay, .ctx = y, .np = 2, .rows = 10, .len = 10, .max_tries = 100,
                        .broyden = br, .tol = 1e-15};
        double x[2] = {1, 0.1}, J[20], e0[10], e1[10];
        double f = aiops_lsq_fit(&ls, x, J, e0, e1);
        assert_true(f < 1e-20);
        assert_near(x[0], 2, 1e-9);
        assert_near(x[1], 0.3, 1e-9);
    }
}

/* |x1| < 1. */
static int unit_box(const void *region, const double *x)
{
    (void)region;
    return fabs(x[0]) < 1;
}

/* x1 - 2, x2 - x1 / 2: unconstrained minimum at (2, 1); in |x1| < 1 the
 * infimum is at x1 = 1, x2 = 1/2.  Outside the region +Inf. */
static double edge_problem(void *ctx, const double *x, double *r)
{
    (void)ctx;
    if (!unit_box(NULL, x))
        return INFINITY;
    r[0] = x[0] - 2;
    r[1] = x[1] - x[0] / 2;
    return sumsq(r, 2);
}

static void test_edge(void **st)
{
    (void)st;
    aiops_lsq ls = {.f = edge_problem, .inside = unit_box, .np = 2, .nblock = 2,
                    .block = {1, 1}, .edge = 1, .rows = 2, .len = 2, .max_tries = 100,
                    .tol = 1e-12};
    double x[2] = {0, 0}, J[4], e0[2], e1[2];
    double f = aiops_lsq_fit(&ls, x, J, e0, e1);
    assert_true(x[0] > 1 - 1e-9 && x[0] < 1);
    assert_near(x[1], x[0] / 2, 1e-9);          /* not left where x1 hit the edge */
    assert_near(f, 1, 1e-8);
    x[0] = 1.5, x[1] = 0;                       /* a start outside: nothing to do */
    assert_true(isinf(aiops_lsq_fit(&ls, x, J, e0, e1)));
    assert_true(x[0] == 1.5 && x[1] == 0);
}

/* Residuals x1 - 2, x2 - x1 / 2 - 1 as normal equations (J'J, J'r),
 * counting the evaluations in ctx: unconstrained minimum at (2, 2); with
 * x1 <= 1 it is at (1, 1.5), loss 1. */
static double box_normal(void *ctx, const double *x, double *A, double *g)
{
    int *evals = ctx;
    double r0 = x[0] - 2, r1 = x[1] - x[0] / 2 - 1;
    (*evals)++;
    A[0] = 1.25, A[1] = -0.5, A[2] = -0.5, A[3] = 1;     /* column-major J'J */
    g[0] = r0 - 0.5 * r1;
    g[1] = r1;
    return r0 * r0 + r1 * r1;
}

static void test_normal_box(void **st)
{
    (void)st;
    int evals = 0;
    const double lo[2] = {0, -INFINITY}, hi[2] = {1, INFINITY};
    aiops_lsq ls = {.normal = box_normal, .ctx = &evals, .lo = lo, .hi = hi, .np = 2,
                    .max_tries = 10, .tol = 1e-12};
    double x[2] = {0, 0};
    double f = aiops_lsq_fit(&ls, x, NULL, NULL, NULL);
    assert_true(x[0] == 1);                     /* held at its bound ... */
    assert_near(x[1], 1.5, 1e-9);               /* ... while x2 settles */
    assert_near(f, 1, 1e-9);
    evals = 0;                                  /* one candidate: the clipped first step */
    ls.max_evals = 1;
    x[0] = 0, x[1] = 0;
    f = aiops_lsq_fit(&ls, x, NULL, NULL, NULL);
    assert_int_equal(evals, 2);
    assert_true(x[0] == 1);
    assert_near(x[1], 2, 0.01);                 /* (2, 2) damped a little */
    assert_near(f, 1 + (x[1] - 1.5) * (x[1] - 1.5), 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rosenbrock),
        cmocka_unit_test(test_decay),
        cmocka_unit_test(test_edge),
        cmocka_unit_test(test_normal_box),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
