/* test_arma.c - the seasonal ARMA numerics (arma.h) against answers worked
 * out by hand or by the textbook route: the stationary / invertible
 * region, factor products, the conditional sum of squares, AR
 * autocovariances, the Chandrasekhar filter of an MA(1) against the
 * innovations algorithm, the exact likelihood against a dense Cholesky
 * factor of the covariance, exact likelihood against CSS at a unit MA
 * root, and the differencing tests (KPSS, seasonal strength). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/numeric/arma.h"
#include "armatest.h"

/* ---- arma.c */

/* Order 2: inside the triangle exactly when the inverse roots are inside
 * the circle (checked away from the 0.1% margin, where the two closed
 * forms agree), and the inverse root modulus by hand. */
static void test_region(void **st)
{
    (void)st;
    double c[2] = {0.5, 0.3};
    assert_near(aiops_arma_max_inv_root(c, 2), (0.5 + sqrt(0.25 + 1.2)) / 2, 1e-15);
    c[0] = 0.2, c[1] = -0.95;                   /* complex pair: sqrt(-c2) */
    assert_near(aiops_arma_max_inv_root(c, 2), sqrt(0.95), 1e-15);
    int checked = 0;
    for (int i = -40; i <= 40; i++)
        for (int j = -20; j <= 20; j++) {
            c[0] = i / 20.0, c[1] = j / 20.0;
            double lam = aiops_arma_max_inv_root(c, 2);
            if (lam < 0.9)
                assert_true(aiops_arma_stationary(c, 2));
            else if (lam > 1)
                assert_false(aiops_arma_stationary(c, 2));
            checked += lam < 0.9 || lam > 1;
        }
    assert_true(checked > 2000);
    c[0] = 0.998;
    assert_true(aiops_arma_stationary(c, 1));
    c[0] = -0.9995;
    assert_false(aiops_arma_stationary(c, 1));
    assert_true(aiops_arma_stationary(c, 0));   /* no factor */
    double t[2] = {-0.5, 0.3};                  /* 1 - 0.5 B + 0.3 B^2 */
    assert_true(aiops_arma_invertible(t, 2));
    t[0] = 1.5;
    assert_false(aiops_arma_invertible(t, 2));
    /* x = (phi, theta, Phi, Theta): each factor's region */
    double x[4] = {0.5, -0.5, 0.3, -0.3};
    aiops_arma_orders o = {1, 1, 1, 1, 12, 0};
    assert_true(aiops_arma_admissible(x, 1, 1, 1, 1));
    assert_true(aiops_arma_inside(&o, x));
    x[3] = -1;
    assert_false(aiops_arma_inside(&o, x));
    assert_true(aiops_arma_admissible(x, 1, 1, 1, 0));   /* Theta not in this model */
    /* auto.arima's guard: no root within 1.01 of the circle */
    x[3] = -0.98;
    assert_true(aiops_arma_roots_ok(x, 1, 1, 1, 1));
    x[3] = -0.995;
    assert_false(aiops_arma_roots_ok(x, 1, 1, 1, 1));
    x[3] = -0.3, x[0] = 0.995;
    assert_false(aiops_arma_roots_ok(x, 1, 1, 1, 1));
}

/* (1 - 0.5 B)(1 - 0.4 B^12) = 1 - 0.5 B - 0.4 B^12 + 0.2 B^13 and
 * (1 + 0.3 B)(1 + 0.6 B^12) = 1 + 0.3 B + 0.6 B^12 + 0.18 B^13. */
static void test_products(void **st)
{
    (void)st;
    double phi = 0.5, Phi = 0.4, theta = 0.3, Theta = 0.6;
    aiops_arma_term ar[AIOPS_ARMA_MAX_TERMS], ma[AIOPS_ARMA_MAX_TERMS];
    int nar, nma, pa, qm;
    aiops_arma_products(&phi, 1, &Phi, 1, &theta, 1, &Theta, 1, 12, ar, &nar, ma, &nma);
    assert_int_equal(nar, 3);
    assert_int_equal(nma, 3);
    aiops_arma_orders o = {1, 1, 1, 1, 12, 0};
    int r = aiops_arma_dim(&o, &pa, &qm);
    assert_int_equal(pa, 13);
    assert_int_equal(qm, 13);
    assert_int_equal(r, 14);
    double a[15], mp[15];
    aiops_arma_dense(ar, nar, ma, nma, r, a, mp);
    for (int k = 0; k <= r; k++) {
        double wa = k == 1 ? 0.5 : k == 12 ? 0.4 : k == 13 ? -0.2 : 0;
        double wm = k == 0 ? 1 : k == 1 ? 0.3 : k == 12 ? 0.6 : k == 13 ? 0.18 : 0;
        assert_near(a[k], wa, 1e-15);
        assert_near(mp[k], wm, 1e-15);
    }
}

/* The CSS recursions written out: AR(1) with a mean, conditioned on the
 * first value; MA(1) and a seasonal MA from zero innovations. */
static void test_css_known(void **st)
{
    (void)st;
    const double w[8] = {1, 3, 2, 5, 4, 4, 6, 3};
    double buf[12], x[2] = {0.4, 3}, ea[8] = {0};
    aiops_arma_css cx = {.w = w, .N = 8, .start = 1, .pad = 0, .o = {.p = 1, .mean = 1}};
    double want = 0;
    for (int t = 1; t < 8; t++) {
        ea[t] = (w[t] - 3) - 0.4 * (w[t - 1] - 3);
        want += ea[t] * ea[t];
    }
    assert_near(aiops_arma_css_eval(&cx, x, buf), want, 1e-12);
    for (int t = 0; t < 8; t++)
        assert_near(buf[t], ea[t], 1e-15);

    cx = (aiops_arma_css){.w = w, .N = 8, .start = 0, .pad = 1, .o = {.q = 1}};
    x[0] = -0.6;
    double e = 0;
    want = 0;
    for (int t = 0; t < 8; t++) {
        e = w[t] + 0.6 * e;
        want += e * e;
    }
    assert_near(aiops_arma_css_eval(&cx, x, buf), want, 1e-12);
    assert_near(buf[1 + 7], e, 1e-12);

    cx = (aiops_arma_css){.w = w, .N = 8, .start = 0, .pad = 4, .o = {.Q = 1, .s = 4}};
    double es[8];
    want = 0;
    for (int t = 0; t < 8; t++) {
        es[t] = w[t] - 0.5 * (t >= 4 ? es[t - 4] : 0);
        want += es[t] * es[t];
    }
    x[0] = 0.5;
    assert_near(aiops_arma_css_eval(&cx, x, buf), want, 1e-12);
    x[0] = 1.2;                                 /* not invertible */
    assert_true(isinf(aiops_arma_css_eval(&cx, x, buf)));
}

/* ---- arma_kalman.c */

/* AR(1): gamma_k = phi^k / (1 - phi^2); AR(2) by the Yule-Walker
 * equations; a seasonal AR(1) of lag 4 has gamma only at multiples of 4;
 * a nonstationary AR fails. */
static void test_autocov(void **st)
{
    (void)st;
    double a[5] = {0, 0.6}, g[13], scr[15];
    assert_int_equal(aiops_arma_autocov(a, 1, g, 12, scr), 0);
    for (int k = 0; k <= 12; k++)
        assert_near(g[k], pow(0.6, k) / 0.64, 1e-13);
    a[1] = 0.5, a[2] = 0.3;
    assert_int_equal(aiops_arma_autocov(a, 2, g, 12, scr), 0);
    double g0 = 0.7 / (1.3 * (0.49 - 0.25)), g1 = 0.5 * g0 / 0.7;
    assert_near(g[0], g0, 1e-13);
    assert_near(g[1], g1, 1e-13);
    for (int k = 2; k <= 12; k++)
        assert_near(g[k], 0.5 * g[k - 1] + 0.3 * g[k - 2], 1e-13);
    double as[5] = {0, 0, 0, 0, 0.5};
    assert_int_equal(aiops_arma_autocov(as, 4, g, 12, scr), 0);
    for (int k = 0; k <= 12; k++)
        assert_near(g[k], k % 4 ? 0 : pow(0.5, k / 4) / 0.75, 1e-13);
    a[1] = 0.5, a[2] = 0.6;                     /* a root inside the circle */
    assert_int_equal(aiops_arma_autocov(a, 2, g, 12, scr), -1);
}

/* MA(1) from its stationary start: the filter is the innovations
 * algorithm, F_t = S_t / S_{t-1} with S_t = 1 + theta^2 + ... +
 * theta^(2t), and the next point's gain theta / F_t; it settles to F = 1,
 * gain theta (the steady filter), and the remainder of the next point
 * takes gain times innovation. */
static void test_kgain_ma1(void **st)
{
    (void)st;
    const double th = 0.6, a[3] = {0}, mp[3] = {1, th, 0};
    double buf[4], scr[AIOPS_ARMA_KG_SCRATCH(2)], rho[2] = {0};
    aiops_arma_kgain kg;
    aiops_arma_kg_place(&kg, 2, buf);
    assert_int_equal(aiops_arma_kg_init(&kg, a, mp, 0, 1, scr), 0);
    double S0 = 1, S1 = 1 + th * th, t2 = th * th;
    for (int t = 1; t <= 30; t++) {
        assert_near(kg.F, S1 / S0, 1e-14);
        assert_near(kg.K[0], th / kg.F, 1e-14);
        assert_near(kg.K[1], 0, 1e-15);
        t2 *= th * th;
        S0 = S1, S1 += t2;
        assert_false(kg.steady);
        aiops_arma_kg_step(&kg, NULL, 0);
    }
    for (int t = 0; t < 100 && !kg.steady; t++)
        aiops_arma_kg_step(&kg, NULL, 0);
    assert_true(kg.steady);
    assert_near(kg.F, 1, 1e-13);
    assert_near(kg.K[0], th, 1e-13);
    aiops_arma_kg_step(&kg, rho, 2.0);
    assert_near(rho[0], 2 * th, 1e-12);
    aiops_arma_kg_steady(&kg, a, mp);
    assert_true(kg.F == 1 && kg.K[0] == th && kg.K[1] == 0);
}

/* Autocovariances g[0..n-1] for unit innovation variance, from the
 * MA(infinity) weights (20000 of them: the test models' weights are
 * below 1e-300 long before). */
static void spec_acov(const spec *c, const double *a, const double *m, double *g, size_t n)
{
    enum { J = 20000 };
    double *psi = malloc(J * sizeof *psi);
    assert_non_null(psi);
    int L = c->s + 1;
    for (int j = 0; j < J; j++) {
        double v = j <= L ? m[j] : 0;
        for (int i = 1; i <= L && i <= j; i++)
            v += a[i] * psi[j - i];
        psi[j] = v;
    }
    for (size_t k = 0; k < n; k++) {
        double s = 0;
        for (size_t j = 0; j + k < J; j++)
            s += psi[j] * psi[j + k];
        g[k] = s;
    }
    free(psi);
}

/* Profile log-likelihood of w (n values) less mu for the ARMA part with
 * these coefficients, sigma^2 at its maximum; the textbook way: dense
 * Cholesky factor of the n x n covariance.  *s2 gets that sigma^2. */
static double profile_loglik(const spec *c, const double *w, size_t n, double mu, double phi,
                             double theta, double Phi, double Theta, double *s2)
{
    double a[64], m[64], *g = malloc(n * sizeof *g), *L = calloc(n * n, sizeof *L),
                         *z = malloc(n * sizeof *z);
    assert_true(g && L && z);
    spec_polys(c, phi, theta, Phi, Theta, a, m);
    spec_acov(c, a, m, g, n);
    double logdet = 0, quad = 0;
    for (size_t j = 0; j < n; j++) {
        double d = g[0];
        for (size_t k = 0; k < j; k++)
            d -= L[j * n + k] * L[j * n + k];
        L[j * n + j] = sqrt(d);
        logdet += log(d);
        for (size_t i = j + 1; i < n; i++) {
            double v = g[i - j];
            for (size_t k = 0; k < j; k++)
                v -= L[i * n + k] * L[j * n + k];
            L[i * n + j] = v / L[j * n + j];
        }
    }
    for (size_t i = 0; i < n; i++) {
        double v = w[i] - mu;
        for (size_t k = 0; k < i; k++)
            v -= L[i * n + k] * z[k];
        z[i] = v / L[i * n + i];
        quad += z[i] * z[i];
    }
    free(g), free(L), free(z);
    *s2 = quad / (double)n;
    return -0.5 * (double)n * (log(2 * MT_PI * *s2) + 1) - 0.5 * logdet;
}

/* The exact likelihood (the Chandrasekhar filter is exact, not an
 * approximation) equals the dense-covariance one, with sigma^2, at the
 * true coefficients, at half of them and near the edge of the region, for
 * AR, MA, ARMA, ARIMA and seasonal models, long and short. */
static void test_exact_loglik_dense(void **st)
{
    (void)st;
    size_t ncases;
    const spec *cases = spec_cases(&ncases);
    mt_rng_seed(21);
    for (size_t i = 0; i < ncases; i++) {
        const spec *c = &cases[i];
        double *w = malloc(c->n * sizeof *w), res[150];
        assert_non_null(w);
        spec_simulate(c, w);
        size_t n = c->d ? aiops_arma_difference(w, c->n, 1) : c->n;
        aiops_arma_orders o = {c->p, c->q, c->P, c->Q, c->s, !c->d};
        aiops_arma_ml ml;
        assert_int_equal(aiops_arma_ml_init(&ml, w, n, &o), 0);
        const double truth[4] = {c->phi, c->theta, c->Phi, c->Theta}, mu = c->d ? 0 : c->mu + 0.3;
        const double edge[4] = {0.9, 0.99, 0.9, 0.99};   /* AR, MA, SAR, SMA */
        const int on[4] = {c->p, c->q, c->P, c->Q};
        for (int set = 0; set < 3; set++) {
            double y[4], x[5];
            int np = 0;
            for (int k = 0; k < 4; k++) {
                y[k] = set == 0 ? truth[k] : set == 1 ? truth[k] / 2
                                                      : copysign(edge[k], truth[k]);
                if (on[k])
                    x[np++] = y[k];
            }
            x[np] = mu;
            double s2, s2ref, ll = aiops_arma_ml_loglik(&ml, x, res, &s2);
            double ref = profile_loglik(c, w, n, o.mean ? mu : 0, y[0], y[1], y[2], y[3], &s2ref);
            assert_near(ll, ref, 1e-9 * fabs(ref));
            assert_near(s2, s2ref, 1e-9 * s2ref);
        }
        aiops_arma_ml_free(&ml);
        free(w);
    }
}

/* A level plus white noise, differenced: an MA(1) with its root on the
 * unit circle (theta = -1), 20 series of 149.  On a grid of theta, the
 * CSS (from a zero innovation) is biased away from -1; the exact
 * likelihood is not (its maximisers are on average less than half as far
 * from -1) and piles up at the edge of the region on most series (about
 * 60% in theory). */
static void test_ml_vs_css_unit_root(void **st)
{
    (void)st;
    int edge = 0;
    double dev_ml = 0, dev_css = 0, w[150], res[150], ebuf[151];
    aiops_arma_orders o = {.q = 1};
    for (uint64_t seed = 22; seed < 42; seed++) {
        mt_rng_seed(seed);
        for (size_t i = 0; i < 150; i++)
            w[i] = 10 + mt_nrand();
        size_t n = aiops_arma_difference(w, 150, 1);
        aiops_arma_ml ml;
        assert_int_equal(aiops_arma_ml_init(&ml, w, n, &o), 0);
        aiops_arma_css cx = {.w = w, .N = n, .start = 0, .pad = 1, .o = o};
        double best_ll = -INFINITY, best_ss = INFINITY, th_ml = 0, th_css = 0, s2;
        for (int i = -499; i <= 499; i++) {
            double th = i / 500.0;
            double ll = aiops_arma_ml_loglik(&ml, &th, res, &s2);
            double ss = aiops_arma_css_eval(&cx, &th, ebuf);
            if (ll > best_ll)
                best_ll = ll, th_ml = th;
            if (ss < best_ss)
                best_ss = ss, th_css = th;
        }
        aiops_arma_ml_free(&ml);
        edge += th_ml == -499 / 500.0;
        dev_ml += fabs(th_ml + 1);
        dev_css += fabs(th_css + 1);
    }
    assert_true(edge >= 10);
    assert_true(dev_ml < 0.5 * dev_css);
}

/* ---- arma_diff.c */

static void test_difference(void **st)
{
    (void)st;
    double x[6] = {1, 4, 9, 16, 25, 36}, y[6];
    memcpy(y, x, sizeof y);
    assert_int_equal(aiops_arma_difference(x, 6, 1), 5);
    for (int i = 0; i < 5; i++)
        assert_near(x[i], 2 * i + 3, 0);
    assert_int_equal(aiops_arma_difference(y, 6, 2), 4);
    for (int i = 0; i < 4; i++)
        assert_near(y[i], 4 * i + 8, 0);
    assert_int_equal(aiops_arma_difference(y, 2, 2), 0);
}

/* KPSS of 1, 2, 3, 4 by hand: partial sums of the deviations -1.5, -2,
 * -1.5, 0 (squares 8.5), long-run variance 5/4 + (5/3) 1.25/4 - (4/3)
 * 1.5/4 - 2.25/4 = 17/24 (Bartlett weights, 5 lags of which 3 exist):
 * 8.5 / (16 * 17/24) = 0.75.  Shift and scale do not matter; a random
 * walk is far above the 5% value, white noise below it; constant and
 * tiny series give 0 (constant with an exact mean: 1024 values; with a
 * rounded one the deviations are rounding noise, whose statistic can be
 * anything). */
static void test_kpss(void **st)
{
    (void)st;
    double x[4] = {1, 2, 3, 4};
    assert_near(aiops_arma_kpss(x, 4), 0.75, 1e-14);
    for (int i = 0; i < 4; i++)
        x[i] = 5 - 3 * x[i];
    assert_near(aiops_arma_kpss(x, 4), 0.75, 1e-14);
    double *v = malloc(1024 * sizeof *v), *rw = malloc(1000 * sizeof *rw), level = 0;
    assert_true(v && rw);
    mt_rng_seed(31);
    for (size_t i = 0; i < 1000; i++) {
        v[i] = mt_nrand();
        rw[i] = level += mt_nrand();
    }
    assert_true(aiops_arma_kpss(v, 1000) < 0.463);
    assert_true(aiops_arma_kpss(rw, 1000) > 2);
    for (size_t i = 0; i < 1024; i++)
        v[i] = 7;
    assert_near(aiops_arma_kpss(v, 1024), 0, 0);
    assert_near(aiops_arma_kpss(v, 1000), 0, 0);   /* mean 7 not exact: rounding noise */
    for (size_t i = 0; i < 1000; i++)
        v[i] = 0.1;
    assert_near(aiops_arma_kpss(v, 1000), 0, 0);
    assert_near(aiops_arma_kpss(x, 2), 0, 0);
    free(v), free(rw);
}

/* A sine of period 12 on a linear trend: the centred moving average takes
 * the trend exactly and the seasonal index the whole rest, strength 1;
 * white noise has next to none; fewer than 2 s + 1 points give 0. */
static void test_seasonal_strength(void **st)
{
    (void)st;
    size_t n = 600;
    double *y = malloc(n * sizeof *y), *buf = malloc((2 * n + 2 * 12 + 1) * sizeof *buf);
    assert_true(y && buf);
    for (size_t t = 0; t < n; t++)
        y[t] = 10 * sin(2 * MT_PI * (double)t / 12) + 0.1 * (double)t;
    assert_near(aiops_arma_seasonal_strength(y, n, 12, buf), 1, 1e-9);
    mt_rng_seed(32);
    for (size_t t = 0; t < n; t++)
        y[t] = mt_nrand();
    assert_true(aiops_arma_seasonal_strength(y, n, 12, buf) < 0.1);
    assert_near(aiops_arma_seasonal_strength(y, 24, 12, buf), 0, 0);
    free(y), free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_region),
        cmocka_unit_test(test_products),
        cmocka_unit_test(test_css_known),
        cmocka_unit_test(test_autocov),
        cmocka_unit_test(test_kgain_ma1),
        cmocka_unit_test(test_exact_loglik_dense),
        cmocka_unit_test(test_ml_vs_css_unit_root),
        cmocka_unit_test(test_difference),
        cmocka_unit_test(test_kpss),
        cmocka_unit_test(test_seasonal_strength),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
