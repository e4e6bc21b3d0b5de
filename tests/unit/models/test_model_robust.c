/* test_model_robust.c - libcore/model_robust.c: median and MAD against a
 * brute-force computation over the same time window (irregular spacing,
 * ties, quantised values), the MAD = 0 fallbacks, window eviction and
 * warm-up, the memory cap, missing data, and the known answers:
 * a sine with one spike (only the spike flagged), a level shift (flagged,
 * then followed after half a window), and the nightly batch job that the
 * seasonal variant learns after a week (the rolling one flags its start);
 * save -> load gives bit-identical bands in both modes. */
#include "modeltest.h"

static const aiops_model_ops *ops = &aiops_model_robust;

#define T0 1700006400.0   /* 2023-11-15T00:00:00Z, a midnight */
#define MIN 60.0
#define PI 3.14159265358979323846

/* ------------------------------------------------------------ helpers */

static void *make(double window, double k, int seasonal)
{
    aiops_model_params p;
    aiops_model_params_init(&p);
    p.window = window;
    p.k = k;
    p.seasonal_robust = seasonal;
    return mt_make(ops, &p);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_of(double *a, size_t n)
{
    qsort(a, n, sizeof *a, cmp_double);
    return n % 2 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
}

static size_t slot_points(void *m, size_t slot)
{
    json_t *j = ops->save(m);
    json_t *s = json_array_get(json_object_get(json_object_get(j, "state"), "slots"), slot);
    size_t n = json_array_size(s) / 2;
    json_decref(j);
    return n;
}

/* ------------------------------------------------------------ tests */

/* Brute force over the points of [t - window, t): the band must be the
 * median +- k * MAD / 0.6745 (or the mean-AD fallback) at every step. */
static void test_against_brute_force(void **state)
{
    (void)state;
    enum { N = 3000 };
    static double ts[N], v[N], win[N];
    double t = T0;
    for (size_t i = 0; i < N; i++) {
        t += (i % 7 == 3) ? 0 : 5 + 30 * (mt_noise(i + 77) + 1);   /* irregular, some ties */
        ts[i] = t;
        v[i] = i % 3 ? round(mt_noise(i) * 20) / 4 : mt_noise(i) * 100;   /* quantised mix */
    }
    void *m = make(600, 2.5, 0);
    size_t checked = 0;
    for (size_t i = 0; i < N; i++) {
        size_t n = 0;
        for (size_t j = 0; j < i; j++)
            if (ts[j] >= ts[i] - 600)
                win[n++] = v[j];
        aiops_band b;
        ops->band(m, ts[i], &b);
        if (n >= 10) {
            double med = median_of(win, n), scale;
            for (size_t j = 0; j < n; j++)
                win[j] = fabs(win[j] - med);
            double mad = median_of(win, n);
            if (mad > 0) {
                scale = mad / 0.6745;
            } else {
                double s = 0;
                for (size_t j = 0; j < n; j++)
                    s += win[j];
                scale = s / (double)n * 1.2533141373155;
            }
            assert_true(b.expected == med);
            assert_near(b.upper, med + 2.5 * scale, 1e-9 * (1 + fabs(med) + scale));
            assert_near(b.lower, med - 2.5 * scale, 1e-9 * (1 + fabs(med) + scale));
            checked++;
        } else {
            assert_true(b.lower == -INFINITY && b.upper == INFINITY);
        }
        ops->update(m, ts[i], v[i]);
    }
    assert_true(checked > N / 2);
    ops->destroy(m);
}

/* MAD = 0 with spread left: mean |x - median| * 1.2533; all equal: the
 * band collapses onto the median. */
static void test_mad_zero(void **state)
{
    (void)state;
    void *m = make(3600, 3, 0);
    double v[] = {5, 5, 5, 5, 5, 5, 5, 5, 6, 7};
    for (size_t i = 0; i < 10; i++)
        ops->update(m, T0 + (double)i, v[i]);
    aiops_band b;
    ops->band(m, T0 + 10, &b);
    double half = 3 * 1.2533141373155 * 3.0 / 10;
    assert_true(b.expected == 5);
    assert_near(b.upper, 5 + half, 1e-12);
    assert_near(b.lower, 5 - half, 1e-12);
    ops->destroy(m);

    m = make(3600, 3, 0);
    for (size_t i = 0; i < 10; i++)
        ops->update(m, T0 + (double)i, 42);
    ops->band(m, T0 + 10, &b);
    assert_true(b.expected == 42 && b.lower == 42 && b.upper == 42);
    ops->destroy(m);

    /* and the z definition itself: 1..11 has median 6, MAD 3 */
    m = make(3600, 3, 0);
    for (size_t i = 1; i <= 11; i++)
        ops->update(m, T0 + (double)i, (double)i);
    ops->band(m, T0 + 12, &b);
    assert_near(b.upper, 6 + 3 * 3 / 0.6745, 1e-12);
    assert_near(b.lower, 6 - 3 * 3 / 0.6745, 1e-12);
    ops->destroy(m);
}

/* Points older than the window leave; below 10 points the band is open;
 * a gap longer than the window empties it. */
static void test_window_and_warm_up(void **state)
{
    (void)state;
    void *m = make(100, 3, 0);
    aiops_band b;
    ops->band(m, T0, &b);
    assert_true(isnan(b.expected) && b.lower == -INFINITY && b.upper == INFINITY);
    for (int i = 0; i < 9; i++)
        ops->update(m, T0 + i * 5, 10 + i);
    ops->band(m, T0 + 45, &b);
    assert_true(b.expected == 14 && b.lower == -INFINITY && b.upper == INFINITY);
    ops->update(m, T0 + 45, 19);
    ops->band(m, T0 + 50, &b);
    assert_true(b.expected == 14.5 && isfinite(b.upper));
    /* at T0+130, [30, 130) keeps only the points at 30..45: 16..19 */
    ops->band(m, T0 + 130, &b);
    assert_true(b.expected == 17.5 && b.upper == INFINITY);
    ops->band(m, T0 + 1000, &b);
    assert_true(isnan(b.expected));
    ops->destroy(m);
}

/* A rolling window never holds more than 65536 points. */
static void test_memory_cap(void **state)
{
    (void)state;
    void *m = make(1e9, 3, 0);
    for (size_t i = 0; i < 70000; i++)
        ops->update(m, T0 + (double)i, (double)(i % 1000));
    assert_int_equal(slot_points(m, 0), 65536);
    /* the last 65536 of i % 1000: 0..463 65 times, 464..999 66 times */
    aiops_band b;
    ops->band(m, T0 + 70000, &b);
    assert_true(b.expected == 503);
    ops->destroy(m);
}

static void test_missing_data(void **state)
{
    (void)state;
    void *m = make(NAN, NAN, -1), *m2 = make(NAN, NAN, -1);
    aiops_err err = {0};
    assert_int_equal(ops->fit(m, NULL, NULL, 0, &err), 0);
    double ts[8], v[8] = {1, NAN, 2, INFINITY, 3, -INFINITY, 4, 5};
    double ts2[5], v2[5] = {1, 2, 3, 4, 5};
    for (size_t i = 0, k = 0; i < 8; i++) {
        ts[i] = T0 + (double)i;
        if (isfinite(v[i]))
            ts2[k++] = ts[i];
    }
    assert_int_equal(ops->fit(m, ts, v, 8, &err), 0);
    assert_int_equal(ops->fit(m2, ts2, v2, 5, &err), 0);
    ops->update(m, T0 + 9, NAN);
    aiops_band a, b;
    ops->band(m, T0 + 10, &a);
    ops->band(m2, T0 + 10, &b);
    assert_memory_equal(&a, &b, sizeof a);
    assert_true(a.expected == 3);
    ops->destroy(m);
    ops->destroy(m2);
}

static void test_bad_params(void **state)
{
    (void)state;
    struct {
        double k, window, period;
        int seasonal;
    } bad[] = {{0, NAN, NAN, 0}, {-1, NAN, NAN, 0}, {NAN, -5, NAN, 0}, {NAN, INFINITY, NAN, 0},
               {NAN, NAN, -1, 1}, {NAN, NAN, 1e12, 1}, {NAN, NAN, NAN, 2}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        aiops_model_params p;
        aiops_model_params_init(&p);
        p.k = bad[i].k;
        p.window = bad[i].window;
        p.period = bad[i].period;
        p.seasonal_robust = bad[i].seasonal;
        aiops_err err = {0};
        assert_null(ops->create(&p, &err));
        assert_int_equal(err.code, AIOPS_EINVAL);
        assert_non_null(strstr(err.msg, "expected") ? err.msg : strstr(err.msg, "max"));
    }
    ops->destroy(NULL);
}

/* 1-minute sine (period 1 day, amplitude 10), one +15 spike, two days of
 * training: the seasonal variant (same 5 minutes of the day) flags only
 * the spike.  So does the rolling 1 h window, but only with k = 6: on a
 * noise-free sine the point after each extremum reaches z ~ 5.6 (see the
 * model's header comment); with k = 3 it flags those too. */
static void test_sine_spike(void **state)
{
    (void)state;
    enum { N = 4 * 1440, TRAIN = 2 * 1440, SPIKE = 3 * 1440 + 300 };
    static double ts[N], v[N];
    for (size_t i = 0; i < N; i++) {
        ts[i] = T0 + (double)i * MIN;
        v[i] = 50 + 10 * sin(2 * PI * (double)i / 1440);
    }
    v[SPIKE] += 15;
    void *m = make(NAN, NAN, 1);
    size_t idx[8], k = mt_run(ops, m, ts, v, TRAIN, N, idx, 8);
    assert_int_equal(k, 1);
    assert_int_equal(idx[0], SPIKE);
    ops->destroy(m);

    m = make(NAN, 6, 0);
    k = mt_run(ops, m, ts, v, TRAIN, N, idx, 8);
    assert_int_equal(k, 1);
    assert_int_equal(idx[0], SPIKE);
    ops->destroy(m);

    m = make(NAN, NAN, 0);
    k = mt_run(ops, m, ts, v, TRAIN, N, idx, 8);
    assert_true(k > 1);
    ops->destroy(m);
}

/* 100 +- 1, then 130 +- 1: flagged from the shift until the new level is
 * the majority of the window (half of it: 30 one-minute points), then
 * followed. */
static void test_level_shift(void **state)
{
    (void)state;
    enum { N = 600, TRAIN = 120, SHIFT = 300 };
    static double ts[N], v[N];
    for (size_t i = 0; i < N; i++) {
        ts[i] = T0 + (double)i * MIN;
        v[i] = (i < SHIFT ? 100 : 130) + mt_noise(i);
    }
    void *m = make(NAN, NAN, 0);
    size_t idx[64], k = mt_run(ops, m, ts, v, TRAIN, N, idx, 64);
    assert_true(k >= 25 && k <= 31);
    for (size_t i = 0; i < k; i++)
        assert_int_equal(idx[i], SHIFT + i);
    ops->destroy(m);
}

/* The nightly 02:00 batch job: after a week of training the seasonal
 * variant (same 5-minute slot of the day) finds nothing on day 8, while
 * the rolling window flags the job's start. */
static void test_nightly_batch(void **state)
{
    (void)state;
    enum { N = 8 * 1440, TRAIN = 7 * 1440 };
    static double ts[N], v[N];
    for (size_t i = 0; i < N; i++) {
        ts[i] = T0 + (double)i * MIN;
        v[i] = mt_nightly(i);
    }
    void *m = make(NAN, NAN, 1);
    size_t idx[64];
    assert_int_equal(mt_run(ops, m, ts, v, TRAIN, N, idx, 64), 0);
    /* slot 24 (02:00-02:05) holds the 5 points of each of the 8 days */
    assert_int_equal(slot_points(m, 24), 40);
    aiops_band b;
    ops->band(m, T0 + 8 * 86400 + 2 * 3600 + 90, &b);
    assert_near(b.expected, 90, 1);
    ops->destroy(m);

    m = make(NAN, NAN, 0);
    size_t k = mt_run(ops, m, ts, v, TRAIN, N, idx, 64);
    assert_true(k >= 20);
    assert_int_equal(idx[0], TRAIN + 120);   /* 02:00 on day 8 */
    ops->destroy(m);
}

/* A seasonal slot only keeps 8 periods of history. */
static void test_seasonal_horizon(void **state)
{
    (void)state;
    aiops_model_params p;
    aiops_model_params_init(&p);
    p.seasonal_robust = 1;
    p.period = 3600;   /* slots of 300 s */
    void *m = mt_make(ops, &p);
    for (int h = 0; h < 20; h++)
        ops->update(m, T0 + h * 3600 + 10, h);
    aiops_band b;
    ops->band(m, T0 + 20 * 3600 + 10, &b);
    /* hours 12..19 remain (t - 8 h <= ts): median of 12..19 */
    assert_true(b.expected == 15.5);
    assert_int_equal(slot_points(m, 0), 8);
    assert_int_equal(slot_points(m, 1), 0);
    ops->destroy(m);
}

static void test_save_load(void **state)
{
    (void)state;
    enum { N = 3 * 1440, TRAIN = 2 * 1440 };
    static double ts[N], v[N];
    for (size_t i = 0; i < N; i++) {
        ts[i] = T0 + (double)i * MIN;
        v[i] = mt_nightly(i);
    }
    aiops_err err = {0};
    void *m = make(1800, 2, 0);
    assert_int_equal(ops->fit(m, ts, v, TRAIN, &err), 0);
    mt_round_trip(ops, m, make(1, 1, 0), "robust", ts, v, TRAIN, N);
    ops->destroy(m);
    m = make(NAN, 3.5, 1);
    assert_int_equal(ops->fit(m, ts, v, TRAIN, &err), 0);
    mt_round_trip(ops, m, make(1, 1, 0), "robust", ts, v, TRAIN, N);
    ops->destroy(m);
}

static void test_load_errors(void **state)
{
    (void)state;
    const char *bad[] = {
        ("{'model':'ewma','params':{'k':3,'window':60,'period':86400,'seasonal_robust':0},"
         "'state':{'slots':[[]]}}"),
        ("{'model':'robust','params':{'k':3,'window':60,'period':86400,"
         "'seasonal_robust':0},'state':{}}"),
        ("{'model':'robust','params':{'k':-3,'window':60,'period':86400,"
         "'seasonal_robust':0},'state':{'slots':[[]]}}"),
        ("{'model':'robust','params':{'k':3,'window':60,'period':86400,"
         "'seasonal_robust':5},'state':{'slots':[[]]}}"),
        ("{'model':'robust','params':{'k':3,'window':60,'period':86400,"
         "'seasonal_robust':0},'state':{'slots':[[],[]]}}"),
        ("{'model':'robust','params':{'k':3,'window':60,'period':86400,"
         "'seasonal_robust':0},'state':{'slots':[[1,2,3]]}}"),
        ("{'model':'robust','params':{'k':3,'window':60,'period':86400,"
         "'seasonal_robust':0},'state':{'slots':[[1,'2']]}}"),
        ("{'model':'robust','params':{'k':3,'window':60,'period':86400,"
         "'seasonal_robust':1},'state':{'slots':[[]]}}"),
    };
    void *m = make(NAN, NAN, 0);
    for (int i = 0; i < 10; i++)
        ops->update(m, T0 + i, 7);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *j = mt_jq(bad[i]);
        aiops_err err = {0};
        assert_int_equal(ops->load(m, j, &err), AIOPS_EPARSE);
        assert_int_equal(err.code, AIOPS_EPARSE);
        assert_non_null(strstr(err.msg, "expected"));
        json_decref(j);
        aiops_band b;
        ops->band(m, T0 + 10, &b);
        assert_true(b.expected == 7 && b.upper == 7);
    }
    ops->destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_brute_force),
        cmocka_unit_test(test_mad_zero),
        cmocka_unit_test(test_window_and_warm_up),
        cmocka_unit_test(test_memory_cap),
        cmocka_unit_test(test_missing_data),
        cmocka_unit_test(test_bad_params),
        cmocka_unit_test(test_sine_spike),
        cmocka_unit_test(test_level_shift),
        cmocka_unit_test(test_nightly_batch),
        cmocka_unit_test(test_seasonal_horizon),
        cmocka_unit_test(test_save_load),
        cmocka_unit_test(test_load_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
