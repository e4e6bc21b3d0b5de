/* test_model_static.c - libcore/model_static.c: the bounds of each operator
 * (">" / "<" strict, ">=" / "<=" with the threshold itself anomalous via
 * nextafter), rejected conditions, fit/update as no-ops, the nightly batch
 * job that a ">80" rule flags (the learned models must not), and save ->
 * load including infinite thresholds and malformed states. */
#include "modeltest.h"

static const aiops_model_ops *ops = &aiops_model_static;

#define T0 1700006400.0   /* 2023-11-15T00:00:00Z, a midnight */
#define PI 3.14159265358979323846

static void *make_rule(const char *op, double threshold, aiops_err *err)
{
    aiops_model_params p;
    aiops_model_params_init(&p);
    if (op)
        memcpy(p.op, op, strlen(op) + 1);
    p.threshold = threshold;
    return ops->create(&p, err);
}

static void *make(const char *op, double threshold)
{
    aiops_err err = {0};
    void *m = make_rule(op, threshold, &err);
    if (!m)
        fail_msg("create %s %g: %s", op, threshold, err.msg);
    return m;
}

static int anomalous(void *m, double v)
{
    aiops_band b;
    ops->band(m, T0, &b);
    return v < b.lower || v > b.upper;
}

static void test_bounds(void **state)
{
    (void)state;
    aiops_band b;
    void *m = make(">", 80);
    ops->band(m, T0, &b);
    assert_true(b.lower == -INFINITY && b.upper == 80 && b.expected == 80);
    assert_false(anomalous(m, 80));
    assert_true(anomalous(m, nextafter(80, INFINITY)));
    assert_true(anomalous(m, INFINITY));
    assert_false(anomalous(m, -1e300));
    ops->destroy(m);

    m = make(">=", 80);
    ops->band(m, T0, &b);
    assert_true(b.lower == -INFINITY && b.upper == nextafter(80, -INFINITY));
    assert_true(anomalous(m, 80));
    assert_true(anomalous(m, 80.5));
    assert_false(anomalous(m, nextafter(80, -INFINITY)));
    assert_false(anomalous(m, 79.999));
    ops->destroy(m);

    m = make("<", 5);
    ops->band(m, T0, &b);
    assert_true(b.lower == 5 && b.upper == INFINITY);
    assert_false(anomalous(m, 5));
    assert_true(anomalous(m, nextafter(5, -INFINITY)));
    assert_true(anomalous(m, -INFINITY));
    ops->destroy(m);

    m = make("<=", 5);
    ops->band(m, T0, &b);
    assert_true(b.lower == nextafter(5, INFINITY) && b.upper == INFINITY);
    assert_true(anomalous(m, 5));
    assert_false(anomalous(m, nextafter(5, INFINITY)));
    ops->destroy(m);

    m = make("<=", 0);   /* around zero too: the smallest subnormal */
    assert_true(anomalous(m, 0) && anomalous(m, -0.0));
    assert_false(anomalous(m, 4.9406564584124654e-324));
    ops->destroy(m);

    /* NaN is missing data, never anomalous */
    m = make(">", 80);
    assert_false(anomalous(m, NAN));
    ops->destroy(m);
}

static void test_bad_conditions(void **state)
{
    (void)state;
    struct {
        const char *op;
        double thr;
    } bad[] = {{NULL, 80}, {">", NAN}, {"=>", 80}, {"=", 80}, {"!=", 80}, {"<>", 1}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        aiops_err err = {0};
        assert_null(make_rule(bad[i].op, bad[i].thr, &err));
        assert_int_equal(err.code, AIOPS_EINVAL);
        assert_non_null(strstr(err.msg, "expected a condition"));
    }
    ops->destroy(NULL);
}

/* fit and update learn nothing; an empty fit is fine. */
static void test_no_learning(void **state)
{
    (void)state;
    void *m = make(">", 80);
    double ts[] = {T0, T0 + 60}, v[] = {1000, NAN};
    aiops_err err = {0};
    assert_int_equal(ops->fit(m, NULL, NULL, 0, &err), 0);
    assert_int_equal(ops->fit(m, ts, v, 2, &err), 0);
    ops->update(m, T0 + 120, 5000);
    ops->update(m, T0 + 180, NAN);
    aiops_band b;
    ops->band(m, T0 + 240, &b);
    assert_true(b.lower == -INFINITY && b.upper == 80);
    ops->destroy(m);
}

/* The static baseline flags the nightly batch job: all 60 points of the
 * 02:00-03:00 hour on the scored day, nothing else. */
static void test_nightly_batch_flagged(void **state)
{
    (void)state;
    void *m = make(">", 80);
    aiops_err err = {0};
    assert_int_equal(ops->fit(m, NULL, NULL, 0, &err), 0);
    size_t k = 0;
    for (size_t i = 7 * 1440; i < 8 * 1440; i++) {
        double v = mt_nightly(i);
        if (anomalous(m, v)) {
            size_t min = i % 1440;
            assert_true(min >= 120 && min < 180);
            k++;
        }
        ops->update(m, T0 + (double)i * 60, v);
    }
    assert_int_equal(k, 60);
    ops->destroy(m);
}

static void test_save_load(void **state)
{
    (void)state;
    const char *opsv[] = {">", ">=", "<", "<="};
    double thr[] = {80, -3.25, INFINITY, -INFINITY, 1e-300};
    for (size_t o = 0; o < 4; o++)
        for (size_t t = 0; t < sizeof thr / sizeof thr[0]; t++) {
            void *m = make(opsv[o], thr[t]), *l = make(">", 0);
            json_t *j = ops->save(m);
            assert_string_equal(json_string_value(json_object_get(j, "model")), "static");
            char *text = json_dumps(j, 0);
            json_t *j2 = json_loads(text, 0, NULL);
            assert_non_null(j2);
            aiops_err err = {0};
            assert_int_equal(ops->load(l, j2, &err), 0);
            aiops_band a, b;
            ops->band(m, T0, &a);
            ops->band(l, T0, &b);
            assert_memory_equal(&a, &b, sizeof a);
            free(text);
            json_decref(j);
            json_decref(j2);
            ops->destroy(m);
            ops->destroy(l);
        }
    /* infinities are written as Prometheus spellings */
    void *m = make(">", INFINITY);
    json_t *j = ops->save(m);
    json_t *jt = json_object_get(json_object_get(j, "params"), "threshold");
    assert_string_equal(json_string_value(jt), "+Inf");
    json_decref(j);
    ops->destroy(m);
}

static void test_load_errors(void **state)
{
    (void)state;
    const char *bad[] = {
        "{}",
        "{'model':'ewma','params':{'op':'>','threshold':1}}",
        "{'model':'static','params':{'op':'>'}}",
        "{'model':'static','params':{'op':'=','threshold':1}}",
        "{'model':'static','params':{'op':'>>=','threshold':1}}",
        "{'model':'static','params':{'op':'>','threshold':'lots'}}",
        "{'model':'static','params':{'op':'>','threshold':'NaN'}}",
        "{'model':'static','params':{'op':'>','threshold':[1]}}",
    };
    void *m = make(">", 80);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *j = mt_jq(bad[i]);
        aiops_err err = {0};
        assert_int_equal(ops->load(m, j, &err), AIOPS_EPARSE);
        assert_non_null(strstr(err.msg, "expected"));
        json_decref(j);
        aiops_band b;
        ops->band(m, T0, &b);
        assert_true(b.upper == 80 && b.lower == -INFINITY);
    }
    ops->destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_bad_conditions),
        cmocka_unit_test(test_no_learning),
        cmocka_unit_test(test_nightly_batch_flagged),
        cmocka_unit_test(test_save_load),
        cmocka_unit_test(test_load_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
