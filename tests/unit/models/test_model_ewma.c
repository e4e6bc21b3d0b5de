/* test_model_ewma.c - libcore/model_ewma.c: the exact recurrence (hand
 * computed mean/var after 3 points), defaults and parameter checks,
 * warm-up, missing data, and the known-answer series: a sine with
 * one spike (only the spike leaves the band), a level shift (flagged at
 * the shift, then followed), a slow linear trend (no anomalies); save ->
 * load (also through JSON text) gives bit-identical bands. */
#include "modeltest.h"

static const aiops_model_ops *ops = &aiops_model_ewma;

#define T0 1700006400.0   /* 2023-11-15T00:00:00Z */
#define MIN 60.0
#define PI 3.14159265358979323846

/* ------------------------------------------------------------ helpers */

static void *make(double alpha, double k)
{
    aiops_model_params p;
    aiops_model_params_init(&p);
    p.alpha = alpha;
    p.k = k;
    return mt_make(ops, &p);
}

static double state_num(void *m, const char *key)
{
    json_t *j = ops->save(m);
    assert_non_null(j);
    json_t *v = json_object_get(json_object_get(j, "state"), key);
    assert_true(json_is_number(v));
    double d = json_number_value(v);
    json_decref(j);
    return d;
}

/* ------------------------------------------------------------ tests */

/* alpha 0.5: 10 -> (10, 0); 14: d=4, mean 12, var .5*(0+4*2) = 4;
 * 8: d=-4, mean 10, var .5*(4+(-4)(-2)) = 6.  All exact in binary. */
static void test_three_points_exact(void **state)
{
    (void)state;
    void *m = make(0.5, 3);
    double ts[] = {T0, T0 + 60, T0 + 120}, v[] = {10, 14, 8};
    aiops_err err = {0};
    assert_int_equal(ops->fit(m, ts, v, 3, &err), 0);
    assert_true(state_num(m, "n") == 3);
    assert_true(state_num(m, "mean") == 10);
    assert_true(state_num(m, "var") == 6);
    aiops_band b;
    ops->band(m, T0 + 180, &b);   /* warm-up for alpha .5 is 2 points */
    assert_true(b.expected == 10);
    assert_true(b.lower == 10 - 3 * sqrt(6.0));
    assert_true(b.upper == 10 + 3 * sqrt(6.0));
    ops->destroy(m);

    /* alpha 0.1 (default) on 1, 2, 4: mean 1.1 then 1.39; var 0.09 then
     * 0.9 * (0.09 + 2.9 * 0.29) = 0.8379. */
    m = make(NAN, NAN);
    double v2[] = {1, 2, 4};
    assert_int_equal(ops->fit(m, ts, v2, 3, &err), 0);
    assert_near(state_num(m, "mean"), 1.39, 1e-12);
    assert_near(state_num(m, "var"), 0.8379, 1e-12);
    ops->destroy(m);
}

static void test_defaults_and_bad_params(void **state)
{
    (void)state;
    void *m = make(NAN, NAN);
    json_t *j = ops->save(m);
    assert_string_equal(json_string_value(json_object_get(j, "model")), "ewma");
    json_t *p = json_object_get(j, "params");
    assert_true(json_number_value(json_object_get(p, "alpha")) == 0.1);
    assert_true(json_number_value(json_object_get(p, "k")) == 3.0);
    json_decref(j);
    ops->destroy(m);
    ops->destroy(NULL);

    double bad[][2] = {{0, 3}, {-0.1, 3}, {1.5, 3}, {0.1, 0}, {0.1, -1}, {0.1, INFINITY}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        aiops_model_params pr;
        aiops_model_params_init(&pr);
        pr.alpha = bad[i][0];
        pr.k = bad[i][1];
        aiops_err err = {0};
        assert_null(ops->create(&pr, &err));
        assert_int_equal(err.code, AIOPS_EINVAL);
        assert_non_null(strstr(err.msg, "expected"));
    }
    m = make(1.0, 1.0);   /* alpha 1 is allowed: mean = last value */
    ops->destroy(m);
}

/* The band stays open for ceil(1/alpha) points: 10 at the default. */
static void test_warm_up(void **state)
{
    (void)state;
    void *m = make(NAN, NAN);
    aiops_band b;
    ops->band(m, T0, &b);
    assert_true(isnan(b.expected));
    assert_true(b.lower == -INFINITY && b.upper == INFINITY);
    for (int i = 0; i < 10; i++) {
        ops->band(m, T0 + i, &b);
        assert_true(b.lower == -INFINITY && b.upper == INFINITY);
        if (i)
            assert_false(isnan(b.expected));
        ops->update(m, T0 + i, 100 + i % 2);
    }
    ops->band(m, T0 + 10, &b);
    assert_true(isfinite(b.lower) && isfinite(b.upper));
    assert_true(b.lower < b.expected && b.expected < b.upper);
    ops->destroy(m);
}

/* Empty fit, NaN/Inf in fit and update: skipped, state stays usable. */
static void test_missing_data(void **state)
{
    (void)state;
    void *m = make(0.5, 3), *m2 = make(0.5, 3);
    aiops_err err = {0};
    assert_int_equal(ops->fit(m, NULL, NULL, 0, &err), 0);
    aiops_band b;
    ops->band(m, T0, &b);
    assert_true(isnan(b.expected) && b.lower == -INFINITY && b.upper == INFINITY);
    ops->update(m, T0, NAN);
    ops->band(m, T0 + 1, &b);
    assert_true(isnan(b.expected));

    double ts[] = {T0, T0 + 1, T0 + 2, T0 + 3, T0 + 4};
    double v[] = {10, NAN, 14, INFINITY, 8}, clean[] = {10, 14, 8};
    assert_int_equal(ops->fit(m, ts, v, 5, &err), 0);
    assert_int_equal(ops->fit(m2, ts, clean, 3, &err), 0);
    assert_true(state_num(m, "mean") == 10 && state_num(m, "var") == 6);
    ops->update(m, T0 + 5, NAN);
    ops->update(m, T0 + 6, -INFINITY);
    assert_true(state_num(m, "n") == 3 && state_num(m, "mean") == 10);
    ops->band(m, T0 + 7, &b);
    aiops_band b2;
    ops->band(m2, T0 + 7, &b2);
    assert_memory_equal(&b, &b2, sizeof b);
    ops->destroy(m);
    ops->destroy(m2);
}

/* 1-minute sine (period 1 day, amplitude 10) with one +15 spike: after a
 * 2-day training window the spike is the only point outside the band. */
static void test_sine_spike(void **state)
{
    (void)state;
    enum { N = 4 * 1440, TRAIN = 2 * 1440, SPIKE = 3 * 1440 + 500 };
    static double ts[N], v[N];
    for (size_t i = 0; i < N; i++) {
        ts[i] = T0 + (double)i * MIN;
        v[i] = 50 + 10 * sin(2 * PI * (double)i / 1440);
    }
    v[SPIKE] += 15;
    double alphas[] = {0.1, 0.3};
    for (size_t a = 0; a < 2; a++) {
        void *m = make(alphas[a], 3);
        size_t idx[8], k = mt_run(ops, m, ts, v, TRAIN, N, idx, 8);
        assert_int_equal(k, 1);
        assert_int_equal(idx[0], SPIKE);
        ops->destroy(m);
    }
}

/* 100 +- 1 noise, then 130 +- 1 from point 600: flagged at the shift;
 * afterwards the mean follows to the new level.  The point after the
 * shift is a borderline case by construction: it is 0.9 D from the mean
 * while the band is 3 * sqrt(0.9 var0 + 0.09 D^2) ~ 0.9 D wide, so it may
 * or may not be flagged (here it just is); nothing later is. */
static void test_level_shift(void **state)
{
    (void)state;
    enum { N = 1200, TRAIN = 300, SHIFT = 600 };
    static double ts[N], v[N];
    for (size_t i = 0; i < N; i++) {
        ts[i] = T0 + (double)i * MIN;
        v[i] = (i < SHIFT ? 100 : 130) + mt_noise(i);
    }
    void *m = make(NAN, NAN);
    size_t idx[8], k = mt_run(ops, m, ts, v, TRAIN, N, idx, 8);
    assert_int_equal(k, 2);
    assert_int_equal(idx[0], SHIFT);
    assert_int_equal(idx[1], SHIFT + 1);
    aiops_band b;
    ops->band(m, ts[N - 1] + MIN, &b);
    assert_near(b.expected, 130, 1.0);
    assert_true(b.upper - b.lower < 10);
    ops->destroy(m);
}

/* A slow ramp (+0.02 per minute, 2 days): followed, never flagged. */
static void test_linear_trend(void **state)
{
    (void)state;
    enum { N = 2 * 1440, TRAIN = 200 };
    static double ts[N], v[N];
    for (size_t i = 0; i < N; i++) {
        ts[i] = T0 + (double)i * MIN;
        v[i] = 20 + 0.02 * (double)i;
    }
    void *m = make(NAN, NAN);
    size_t idx[8];
    assert_int_equal(mt_run(ops, m, ts, v, TRAIN, N, idx, 8), 0);
    aiops_band b;
    ops->band(m, ts[N - 1] + MIN, &b);
    /* the mean lags a ramp by slope * (1 - alpha) / alpha = 0.18 */
    assert_near(b.expected, v[N - 1] - 0.18, 1e-6);
    ops->destroy(m);
}

/* save -> load into a fresh instance (also through JSON text): the bands
 * are bit-identical, and stay so while both learn the same points. */
static void test_save_load(void **state)
{
    (void)state;
    void *m = make(0.2, 2.5), *a = make(NAN, NAN), *b = make(NAN, NAN);
    for (int i = 0; i < 50; i++)
        ops->update(m, T0 + i, 10 + mt_noise((uint64_t)i) * 3);
    aiops_err err = {0};
    json_t *j = ops->save(m);
    assert_int_equal(ops->load(a, j, &err), 0);
    char *text = json_dumps(j, 0);
    json_t *j2 = json_loads(text, 0, NULL);
    assert_int_equal(ops->load(b, j2, &err), 0);
    free(text);
    json_decref(j);
    json_decref(j2);
    for (int i = 50; i < 80; i++) {
        aiops_band bm, ba, bb;
        ops->band(m, T0 + i, &bm);
        ops->band(a, T0 + i, &ba);
        ops->band(b, T0 + i, &bb);
        assert_memory_equal(&bm, &ba, sizeof bm);
        assert_memory_equal(&bm, &bb, sizeof bm);
        double x = 10 + mt_noise((uint64_t)i) * 3;
        ops->update(m, T0 + i, x);
        ops->update(a, T0 + i, x);
        ops->update(b, T0 + i, x);
    }
    ops->destroy(m);
    ops->destroy(a);
    ops->destroy(b);
}

static void test_load_errors(void **state)
{
    (void)state;
    const char *bad[] = {
        "[]",
        "{'model':'robust','params':{'alpha':0.1,'k':3},'state':{'n':1,'mean':1,'var':0}}",
        "{'model':'ewma','params':{'alpha':0.1},'state':{'n':1,'mean':1,'var':0}}",
        "{'model':'ewma','params':{'alpha':2,'k':3},'state':{'n':1,'mean':1,'var':0}}",
        "{'model':'ewma','params':{'alpha':0.1,'k':3},'state':{'n':-1,'mean':1,'var':0}}",
        "{'model':'ewma','params':{'alpha':0.1,'k':3},'state':{'n':1,'mean':1,'var':-2}}",
        "{'model':'ewma','params':{'alpha':0.1,'k':3},'state':{'n':1,'mean':'x','var':0}}",
    };
    void *m = make(0.5, 3);
    ops->update(m, T0, 42);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *j = mt_jq(bad[i]);
        aiops_err err = {0};
        assert_int_equal(ops->load(m, j, &err), AIOPS_EPARSE);
        assert_int_equal(err.code, AIOPS_EPARSE);
        assert_non_null(strstr(err.msg, "expected"));
        json_decref(j);
        /* a failed load leaves the instance as it was */
        assert_true(state_num(m, "mean") == 42);
    }
    ops->destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_three_points_exact),
        cmocka_unit_test(test_defaults_and_bad_params),
        cmocka_unit_test(test_warm_up),
        cmocka_unit_test(test_missing_data),
        cmocka_unit_test(test_sine_spike),
        cmocka_unit_test(test_level_shift),
        cmocka_unit_test(test_linear_trend),
        cmocka_unit_test(test_save_load),
        cmocka_unit_test(test_load_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
