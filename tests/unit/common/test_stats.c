/* test_stats.c - order statistics, the median spacing and the normal
 * quantile (stats.c) with hand-checked answers. */
#include <math.h>
#include <stdlib.h>

#include "testutil.h"
#include "common/stats.h"

static void test_select_kth(void **st)
{
    (void)st;
    double a[] = {5, 1, 4, 1, 3, 9, 2, 6};   /* sorted: 1 1 2 3 4 5 6 9 */
    const double want[] = {1, 1, 2, 3, 4, 5, 6, 9};
    for (size_t k = 0; k < 8; k++) {
        double b[8];
        for (size_t i = 0; i < 8; i++)
            b[i] = a[i];
        assert_true(aiops_select_kth(b, 8, k) == want[k]);
        for (size_t i = 0; i < k; i++)        /* partitioned around k */
            assert_true(b[i] <= want[k]);
        for (size_t i = k + 1; i < 8; i++)
            assert_true(b[i] >= want[k]);
    }
    double one = 7, sorted[1000];
    assert_true(aiops_select_kth(&one, 1, 0) == 7);
    for (size_t i = 0; i < 1000; i++)          /* sorted input: median of 3 */
        sorted[i] = (double)i;
    assert_true(aiops_select_kth(sorted, 1000, 500) == 500);
}

/* Type 7: h = q (n - 1), x[floor h] + frac(h) (x[floor h + 1] - x[floor h]). */
static void test_quantile(void **st)
{
    (void)st;
    double a[] = {4, 1, 3, 2};
    assert_true(aiops_quantile(a, 4, 0.5) == 2.5);
    double b[] = {4, 1, 3, 2};
    assert_true(fabs(aiops_quantile(b, 4, 0.9) - 3.7) < 1e-12);
    double c[] = {4, 1, 3, 2};
    assert_true(aiops_quantile(c, 4, 1) == 4);
    double d[] = {4, 1, 3, 2};
    assert_true(aiops_quantile(d, 4, 0) == 1);
    double e[] = {42};
    assert_true(aiops_quantile(e, 1, 0.3) == 42);
    assert_true(isnan(aiops_quantile(e, 0, 0.5)));
}

static void test_norm_quantile(void **st)
{
    (void)st;
    assert_true(fabs(aiops_norm_quantile(0.5)) < 1e-12);
    assert_true(fabs(aiops_norm_quantile(0.975) - 1.959963984540054) < 1e-12);
    assert_true(fabs(aiops_norm_quantile(0.995) - 2.5758293035489) < 1e-12);
    assert_true(fabs(aiops_norm_quantile(0.025) + 1.959963984540054) < 1e-12);
}

/* Gaps 60 60 (repeat: skipped) 120 (back in time: skipped) 60 30 -> 30
 * 60 60 60 120, median 60; an even count interpolates. */
static void test_median_spacing(void **st)
{
    (void)st;
    const double t[] = {0, 60, 120, 120, 240, 200, 260, 290};
    double buf[8];
    assert_true(aiops_median_spacing(t, 8, buf) == 60);
    const double u[] = {0, 10, 40};                 /* gaps 10, 30 */
    assert_true(aiops_median_spacing(u, 3, buf) == 20);
    const double same[] = {5, 5, 5};
    assert_true(aiops_median_spacing(same, 3, buf) == 0);
    assert_true(aiops_median_spacing(t, 1, buf) == 0);
    assert_true(aiops_median_spacing(t, 0, buf) == 0);
}

/* window numbers: floor for ordinary times, clamped for absurd ones
 * (hostile input), with room for k + 1 */
static void test_window_of(void **st)
{
    (void)st;
    assert_int_equal(aiops_window_of(125.0, 60.0), 2);
    assert_int_equal(aiops_window_of(-1.0, 60.0), -1);
    assert_int_equal(aiops_window_of(1700000000.0, 300.0), 5666666);
    int64_t lim = INT64_C(1) << 62;
    assert_true(aiops_window_of(1.3e105, 60.0) == lim);
    assert_true(aiops_window_of(-1e300, 1.0) == -lim);
    assert_true(aiops_window_of(NAN, 1.0) == -lim);
    assert_true(aiops_window_of(INFINITY, 1.0) + 1 > lim);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_select_kth),
        cmocka_unit_test(test_quantile),
        cmocka_unit_test(test_norm_quantile),
        cmocka_unit_test(test_median_spacing),
        cmocka_unit_test(test_window_of),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
