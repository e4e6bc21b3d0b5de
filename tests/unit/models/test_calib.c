/* test_calib.c - libcore/models/calib.c: the calibrated anomaly score.
 * On pure noise the fraction of points scoring at least P is about 1 - P
 * (measured: Gaussian 0.2-0.9 of it, Student-t near 1 - P),
 * for Gaussian and for heavy-tailed Student-t (3 dof) noise alike; the
 * Gamma survival function; warm-up and missing values; a point far beyond
 * everything seen scores near 1; a zero-width band. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "models/calib.h"

static uint64_t rng = 88172645463325252ULL;

static double unif(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return ((rng >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static double gauss(void)
{
    return sqrt(-2 * log(unif())) * cos(6.283185307179586 * unif());
}

static double student3(void)
{
    double c = 0;
    for (int i = 0; i < 3; i++) {
        double g = gauss();
        c += g * g;
    }
    return gauss() / sqrt(c / 3);
}

/* Fractions of points (after a warm-up) scoring >= each P, the band
 * half-width being `scale` (z = noise / scale). */
static void fractions(double (*noise)(void), double scale, const double *P, double *frac,
                      int np)
{
    aiops_calib c;
    aiops_calib_init(&c);
    size_t n = 400000, warm = 5000, cnt[8] = {0};
    for (size_t i = 0; i < n; i++) {
        double z = noise() / scale;
        double s = aiops_calib_score(&c, z, NULL);
        if (i >= warm)
            for (int k = 0; k < np; k++)
                cnt[k] += s >= P[k];
        aiops_calib_learn(&c, z);
    }
    for (int k = 0; k < np; k++)
        frac[k] = (double)cnt[k] / (double)(n - warm);
}

static void check_calibrated(double (*noise)(void), double scale)
{
    const double P[] = {0.9, 0.99, 0.999};
    double f[3];
    fractions(noise, scale, P, f, 3);
    for (int k = 0; k < 3; k++) {
        double want = 1 - P[k];
        print_message("P %g: fraction %g\n", P[k], f[k]);
        /* at most about 1 - P (Bonferroni over the two windows); the
         * Pareto tail is conservative on light Gaussian tails */
        if (!(f[k] > 0.15 * want && f[k] < 1.3 * want))
            fail_msg("P %g: fraction %g, expected about %g", P[k], f[k], want);
    }
}

static void test_gaussian(void **state)
{
    (void)state;
    check_calibrated(gauss, 3.0);
    check_calibrated(gauss, 0.01);   /* the scale of the band does not matter */
}

static void test_student(void **state)
{
    (void)state;
    check_calibrated(student3, 3.0);
}

static void test_gamma_sf(void **state)
{
    (void)state;
    assert_true(fabs(aiops_gamma_sf_int(1, 2.0) - exp(-2.0)) < 1e-15);
    assert_true(fabs(aiops_gamma_sf_int(2, 1.0) - 2 * exp(-1.0)) < 1e-15);
    assert_true(aiops_gamma_sf_int(8, 0) == 1);
    assert_true(aiops_gamma_sf_int(8, 800) == 0);
}

static void test_warmup_missing_far(void **state)
{
    (void)state;
    aiops_calib c;
    aiops_calib_init(&c);
    /* nothing learned yet: no score, p 1 */
    double p1;
    assert_true(aiops_calib_score(&c, 50, &p1) == 0 && p1 == 1);
    for (int i = 0; i < 2000; i++)
        aiops_calib_learn(&c, 0.3 * gauss());
    assert_true(aiops_calib_score(&c, NAN, &p1) == 0 && p1 == 1);
    aiops_calib_learn(&c, NAN);                 /* ignored */
    assert_true(aiops_calib_tail(&c, 0) > 0.9); /* the centre is not rare */
    /* far beyond everything seen: tiny p, score near 1 */
    assert_true(aiops_calib_tail(&c, 40) < 1e-4);
    assert_true(aiops_calib_score(&c, 40, NULL) > 0.999);
    assert_true(aiops_calib_tail(&c, 40) < aiops_calib_tail(&c, 4));
}

static void test_z(void **state)
{
    (void)state;
    assert_true(aiops_calib_z(12, 10, 6, 14) == 0.5);
    assert_true(aiops_calib_z(4, 10, 6, 14) == -1.5);
    assert_true(isnan(aiops_calib_z(4, NAN, -INFINITY, INFINITY)));
    assert_true(isnan(aiops_calib_z(NAN, 10, 6, 14)));
    assert_true(aiops_calib_z(5, 5, 5, 5) == 0);
    assert_true(aiops_calib_z(6, 5, 5, 5) == INFINITY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gaussian),
        cmocka_unit_test(test_student),
        cmocka_unit_test(test_gamma_sf),
        cmocka_unit_test(test_warmup_missing_far),
        cmocka_unit_test(test_z),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
