/* test_model_likelihood.c - libcore/models/model_likelihood.c, the default
 * detector: the likelihood is calibrated on pure noise (the fraction of
 * points at or above P is about 1 - P, Gaussian and Student-t alike); a
 * level shift is flagged at its start and learned after confirmation; a
 * spike inside the training window does not widen the band; a spike after
 * training is reported once (rising edges), a value beyond the range seen
 * is novel; warm-up, missing data, parameter checks; save -> load gives
 * bit-identical bands and scores. */
#include "modeltest.h"

static const aiops_model_ops *ops = &aiops_model_likelihood;

#define T0 1700006400.0
#define STEP 60.0
#define P7 0.9999999   /* aiops-fit's default threshold */

static void *make(double alpha, double k)
{
    aiops_model_params p;
    aiops_model_params_init(&p);
    p.alpha = alpha;
    p.k = k;
    return mt_make(ops, &p);
}

static double student3(void)
{
    double c = 0;
    for (int i = 0; i < 3; i++) {
        double g = mt_nrand();
        c += g * g;
    }
    return mt_nrand() / sqrt(c / 3);
}

/* Fractions of points whose likelihood is >= each P on n points of
 * noise (after 3000 of warm-up). */
static void fractions(double (*noise)(void), const double *P, double *frac, int np)
{
    void *m = make(NAN, NAN);
    size_t n = 300000, warm = 3000, cnt[4] = {0};
    for (size_t i = 0; i < n; i++) {
        double t = T0 + (double)i * STEP, v = 100 + 5 * noise(), l;
        aiops_band b;
        ops->band(m, t, &b);
        double s = ops->score(m, t, v, &l);
        assert_true(s >= 0 && s <= 1 && l >= 0 && l <= 1);
        assert_true(s == 0 || s == l);
        if (i >= warm)
            for (int k = 0; k < np; k++)
                cnt[k] += l >= P[k];
        ops->update(m, t, v);
    }
    for (int k = 0; k < np; k++)
        frac[k] = (double)cnt[k] / (double)(n - warm);
    ops->destroy(m);
}

static void check_calibrated(double (*noise)(void))
{
    const double P[] = {0.9, 0.99, 0.999};
    double f[3];
    fractions(noise, P, f, 3);
    for (int k = 0; k < 3; k++) {
        double want = 1 - P[k];
        print_message("P %g: fraction %g\n", P[k], f[k]);
        /* at most about 1 - P (Bonferroni over the two windows), and not
         * far below it */
        if (!(f[k] > 0.3 * want && f[k] < 1.5 * want))
            fail_msg("P %g: fraction %g, expected about %g", P[k], f[k], want);
    }
}

static void test_calibrated_gaussian(void **state)
{
    (void)state;
    mt_rng_seed(11);
    check_calibrated(mt_nrand);
}

static void test_calibrated_student(void **state)
{
    (void)state;
    mt_rng_seed(12);
    check_calibrated(student3);
}

/* n points of N(level, 1) noise, with v[i] += jump from `at` on. */
static void series(double *ts, double *v, size_t n, size_t at, double jump)
{
    for (size_t i = 0; i < n; i++) {
        ts[i] = T0 + (double)i * STEP;
        v[i] = 100 + mt_nrand() + (i >= at ? jump : 0);
    }
}

/* Live scoring of [from, n): the number of points scoring >= P, the
 * first of them in *first. */
static size_t anomalies(void *m, const double *ts, const double *v, size_t from, size_t n,
                        double P, size_t *first)
{
    size_t k = 0;
    *first = (size_t)-1;
    for (size_t i = from; i < n; i++) {
        aiops_band b;
        ops->band(m, ts[i], &b);
        if (ops->score(m, ts[i], v[i], NULL) >= P && k++ == 0)
            *first = i;
        ops->update(m, ts[i], v[i]);
    }
    return k;
}

static void test_level_shift(void **state)
{
    (void)state;
    enum { N = 8000, TRAIN = 3000, AT = 5000 };
    static double ts[N], v[N];
    mt_rng_seed(21);
    series(ts, v, N, AT, 50);
    void *m = make(NAN, NAN);
    aiops_err err = {0};
    assert_int_equal(ops->fit(m, ts, v, TRAIN, &err), 0);
    size_t first;
    assert_int_equal(anomalies(m, ts, v, TRAIN, AT, P7, &first), 0);
    /* the shift is reported at once (and again while its likelihood
     * grows, before it is confirmed); the level is learned after 8
     * confirming points, and from then on nothing is anomalous */
    size_t k = anomalies(m, ts, v, AT, AT + 8, P7, &first);
    assert_true(k >= 1 && k <= 8);
    assert_int_equal(first, AT);
    assert_int_equal(anomalies(m, ts, v, AT + 8, AT + 100, P7, &first), 0);
    aiops_band b;
    ops->band(m, ts[AT + 100], &b);
    assert_near(b.expected, 150, 1);
    assert_true(b.upper - b.lower < 20);    /* 2 * 6 sigma, not widened by 50 */
    assert_int_equal(anomalies(m, ts, v, AT + 100, N, P7, &first), 0);
    ops->destroy(m);
}

static void test_training_spike(void **state)
{
    (void)state;
    enum { N = 3 * 1440 };
    static double ts[N], v[N];
    mt_rng_seed(31);
    series(ts, v, N, N, 0);
    void *clean = make(NAN, NAN);
    aiops_err err = {0};
    assert_int_equal(ops->fit(clean, ts, v, N, &err), 0);
    v[N / 2] = 1e6;    /* one absurd point in the middle of training */
    v[N / 2 + 1] = -1e6;
    void *m = make(NAN, NAN);
    assert_int_equal(ops->fit(m, ts, v, N, &err), 0);
    aiops_band a, b;
    ops->band(clean, T0 + N * STEP, &a);
    ops->band(m, T0 + N * STEP, &b);
    assert_near(b.expected, a.expected, 1e-9);
    assert_near(b.upper - b.lower, a.upper - a.lower, 1e-9);
    /* and right after the spike, the band is as narrow as before it */
    void *m2 = make(NAN, NAN);
    assert_int_equal(ops->fit(m2, ts, v, N / 2 + 10, &err), 0);
    ops->band(m2, ts[N / 2 + 10], &b);
    assert_true(b.upper - b.lower < 20);
    assert_near(b.expected, 100, 1);
    ops->destroy(clean);
    ops->destroy(m);
    ops->destroy(m2);
}

/* A spike after training: reported at the spike (score = likelihood),
 * not at the points after it. */
static void test_spike_edge_and_novelty(void **state)
{
    (void)state;
    enum { N = 4 * 1440, TRAIN = 2 * 1440 };
    static double ts[N], v[N];
    mt_rng_seed(41);
    series(ts, v, N, N, 0);
    v[3000] = 130;
    void *m = make(NAN, NAN);
    aiops_err err = {0};
    assert_int_equal(ops->fit(m, ts, v, TRAIN, &err), 0);
    size_t first;
    assert_int_equal(anomalies(m, ts, v, TRAIN, 3000, P7, &first), 0);
    double l;
    ops->band(m, ts[3000], &(aiops_band){0});
    double s = ops->score(m, ts[3000], v[3000], &l);
    assert_true(s == l && s >= P7);
    ops->update(m, ts[3000], v[3000]);
    /* the next points (the short window still holds the spike) are no
     * new edges */
    assert_int_equal(anomalies(m, ts, v, 3001, 3100, 0.999, &first), 0);
    ops->destroy(m);
}

static void test_warmup_missing_params(void **state)
{
    (void)state;
    void *m = make(NAN, NAN);
    aiops_band b;
    ops->band(m, T0, &b);
    assert_true(isnan(b.expected) && b.lower == -INFINITY && b.upper == INFINITY);
    double l = 7;
    assert_true(ops->score(m, T0, 5, &l) == 0 && l == 0);
    for (int i = 0; i < 20; i++) {
        ops->update(m, T0 + i * STEP, 10 + (i % 3));
        assert_true(ops->score(m, T0 + i * STEP, 1e9, NULL) == 0);   /* warming up */
    }
    ops->update(m, T0 + 21 * STEP, NAN);    /* missing: ignored */
    assert_true(ops->score(m, T0 + 22 * STEP, NAN, &l) == 0 && l == 0);
    ops->destroy(m);

    aiops_model_params p;
    aiops_model_params_init(&p);
    aiops_err err = {0};
    p.alpha = 0;
    assert_null(ops->create(&p, &err));
    assert_string_equal(err.msg, "likelihood: expected alpha in (0, 1], got 0");
    p.alpha = NAN;
    p.k = -1;
    assert_null(ops->create(&p, &err));
    p.k = NAN;
    p.window = -5;
    assert_null(ops->create(&p, &err));
    assert_string_equal(err.msg, "likelihood: expected a window >= 0 seconds, got -5");
}

static void test_save_load(void **state)
{
    (void)state;
    enum { N = 6000, TRAIN = 2500 };
    static double ts[N], v[N];
    mt_rng_seed(51);
    series(ts, v, N, 4000, 20);
    void *m = make(0.05, 5);
    aiops_err err = {0};
    assert_int_equal(ops->fit(m, ts, v, TRAIN, &err), 0);
    for (size_t i = TRAIN; i < 3000; i++) {
        ops->score(m, ts[i], v[i], NULL);
        ops->update(m, ts[i], v[i]);
    }
    void *fresh = make(0.5, 1);
    mt_reload(ops, m, fresh);
    for (size_t i = 3000; i < N; i++) {
        mt_same_band(ops, m, fresh, ts[i]);
        double la, lb, sa = ops->score(m, ts[i], v[i], &la), sb = ops->score(fresh, ts[i], v[i], &lb);
        /* the histograms are saved normalised, and their tail sums are
         * refreshed every 64 points: from the first refresh on, equal up
         * to rounding */
        if (i >= 3000 + 64) {
            assert_near(la, lb, 1e-6 * (1 - la) + 1e-12);
            assert_true((sa > 0) == (sb > 0));
        }
        ops->update(m, ts[i], v[i]);
        ops->update(fresh, ts[i], v[i]);
    }
    ops->destroy(fresh);

    /* bad states name what was expected */
    json_t *j = mt_jq("{'model':'likelihood','params':{'alpha':0.1,'k':3,'period':86400,"
                      "'window':3600},'state':{'n':1,'nl':0,'run':0,'since':0,'x':[1,2],'short':[],"
                      "'hist1':[],'hists':[]}}");
    assert_int_not_equal(ops->load(m, j, &err), 0);
    assert_non_null(strstr(err.msg, "9 finite numbers in x"));
    json_decref(j);
    j = mt_jq("{'model':'ewma'}");
    assert_int_not_equal(ops->load(m, j, &err), 0);
    json_decref(j);
    ops->destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calibrated_gaussian),
        cmocka_unit_test(test_calibrated_student),
        cmocka_unit_test(test_level_shift),
        cmocka_unit_test(test_training_spike),
        cmocka_unit_test(test_spike_edge_and_novelty),
        cmocka_unit_test(test_warmup_missing_params),
        cmocka_unit_test(test_save_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
