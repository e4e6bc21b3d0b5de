/* test_score_misc.c - libcore/score_group.c, score_rca.c, score_predict.c
 * against hand-computed values: grouping (noise reduction, pair counting,
 * ARI, homogeneity/completeness), AC@k / Avg@5 / mean rank, prediction
 * lead times and precision, and the MTTR model. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "score/score.h"

#define EPS 1e-9
#define NO AIOPS_NOGROUP

/* 5 alerts: incidents {0,0,1,1}, one noise alert; groups A={0,1,2}, B={3,4}.
 * Cells: (0,A)=2 (1,A)=1 (1,B)=1 (noise,B)=1.
 * Pairs: same-both C(2,2) = 1; same-incident 1 + 1 = 2; same-group 3 + 1 = 4.
 * ARI = (1 - 2*4/10) / ((2+4)/2 - 2*4/10) = 0.2 / 2.2.
 * H(C) = -(2 * .4 ln .4 + .2 ln .2), H(C|K) = -(.4 ln 2/3 + .2 ln 1/3 + 2 * .2 ln 1/2),
 * H(K) = -(.6 ln .6 + .4 ln .4), H(K|C) = -(2 * .2 ln 1/2). */
static void test_group_mixed(void **state)
{
    const size_t truth[] = {0, 0, 1, 1, NO}, pred[] = {10, 10, 10, 20, 20};
    aiops_group_stats g;
    assert_int_equal(aiops_score_group(truth, pred, 5, &g, NULL), 0);
    assert_int_equal(g.items, 5);
    assert_int_equal(g.clusters, 2);
    assert_int_equal(g.classes, 3);
    assert_float_equal(g.noise_reduction, 2.5, EPS);
    assert_float_equal(g.pair_precision, 0.25, EPS);
    assert_float_equal(g.pair_recall, 0.5, EPS);
    assert_float_equal(g.pair_f1, 1.0 / 3, EPS);
    assert_float_equal(g.ari, 0.2 / 2.2, EPS);
    double hc = -(2 * 0.4 * log(0.4) + 0.2 * log(0.2));
    double hck = -(0.4 * log(2.0 / 3) + 0.2 * log(1.0 / 3) + 2 * 0.2 * log(0.5));
    double hk = -(0.6 * log(0.6) + 0.4 * log(0.4)), hkc = -(2 * 0.2 * log(0.5));
    assert_float_equal(g.homogeneity, 1 - hck / hc, EPS);
    assert_float_equal(g.completeness, 1 - hkc / hk, EPS);
    assert_float_equal(g.homogeneity, 0.3751495201203474, 1e-12);
    assert_float_equal(g.v_measure, 0.4580652856440158, 1e-12);
}

static void test_group_perfect_and_singletons(void **state)
{
    const size_t truth[] = {0, 0, 1}, pred[] = {5, 5, 7};
    aiops_group_stats g;
    assert_int_equal(aiops_score_group(truth, pred, 3, &g, NULL), 0);
    assert_float_equal(g.ari, 1, EPS);
    assert_float_equal(g.pair_precision, 1, EPS);
    assert_float_equal(g.pair_recall, 1, EPS);
    assert_float_equal(g.homogeneity, 1, EPS);
    assert_float_equal(g.completeness, 1, EPS);
    assert_float_equal(g.noise_reduction, 1.5, EPS);
    /* nothing grouped: every alert its own group */
    const size_t none[] = {NO, NO, NO};
    assert_int_equal(aiops_score_group(truth, none, 3, &g, NULL), 0);
    assert_int_equal(g.clusters, 3);
    assert_float_equal(g.noise_reduction, 1, EPS);
    assert_true(isnan(g.pair_precision));      /* no same-group pairs */
    assert_float_equal(g.pair_recall, 0, EPS);
    assert_float_equal(g.homogeneity, 1, EPS); /* singletons are pure */
    assert_float_equal(g.ari, 0, EPS);         /* index 0 = expected 0 */
    /* everything in one group */
    const size_t all[] = {1, 1, 1};
    assert_int_equal(aiops_score_group(truth, all, 3, &g, NULL), 0);
    assert_float_equal(g.noise_reduction, 3, EPS);
    assert_float_equal(g.pair_precision, 1.0 / 3, EPS);
    assert_float_equal(g.completeness, 1, EPS);
    assert_float_equal(g.ari, 0, EPS);
    assert_int_equal(aiops_score_group(NULL, NULL, 0, &g, NULL), 0);
    assert_true(isnan(g.ari));
}

/* ranks 1, 2, missing (2 candidates -> rank 3), 4:
 * AC@1 .25, AC@2 .5, AC@3 .5, AC@4 .75, AC@5 .75 -> Avg@5 2.75/5. */
static void test_rca(void **state)
{
    const size_t rank[] = {1, 2, 0, 4}, ncand[] = {3, 3, 2, 5};
    aiops_rca_stats s;
    aiops_score_rca(rank, ncand, 4, &s);
    assert_int_equal(s.incidents, 4);
    assert_int_equal(s.found, 3);
    assert_float_equal(s.ac1, 0.25, EPS);
    assert_float_equal(s.ac3, 0.5, EPS);
    assert_float_equal(s.ac5, 0.75, EPS);
    assert_float_equal(s.avg5, 0.55, EPS);
    assert_float_equal(s.mean_rank, 2.5, EPS);
    aiops_score_rca(NULL, NULL, 0, &s);
    assert_true(isnan(s.ac1));
}

/* Incident 1: start 1000, deadline 2000; incident 2: start = deadline 5000;
 * horizon 600.  Warnings 500 900 1500 in [400, 2000) -> lead 2000 - 500;
 * 4500 in [4400, 5000) -> lead 500; 4300 and 7000 are false. */
static void test_predict(void **state)
{
    const aiops_window w[] = {{1000, 2000}, {5000, 5000}};
    const double warn[] = {500, 900, 1500, 4500, 4300, 7000};
    aiops_predict_stats s;
    assert_int_equal(aiops_score_predict(w, 2, warn, 6, 600, &s, NULL), 0);
    assert_int_equal(s.warned, 2);
    assert_float_equal(s.frac_warned, 1, EPS);
    assert_int_equal(s.true_warnings, 4);
    assert_float_equal(s.precision, 4.0 / 6, EPS);
    assert_float_equal(s.lead_median, 1000, EPS);
    assert_float_equal(s.lead_p90, 1400, EPS);
    assert_float_equal(s.lead_mean, 1000, EPS);
    /* a zero horizon: only warnings between start and deadline */
    assert_int_equal(aiops_score_predict(w, 2, warn, 6, 0, &s, NULL), 0);
    assert_int_equal(s.warned, 1);
    assert_float_equal(s.lead_median, 500, EPS);   /* 2000 - 1500 */
    assert_int_equal(aiops_score_predict(w, 2, NULL, 0, 600, &s, NULL), 0);
    assert_true(isnan(s.precision));
    assert_float_equal(s.frac_warned, 0, EPS);
    aiops_err err = {0};
    assert_int_equal(aiops_score_predict(w, 2, warn, 6, -1, &s, &err), AIOPS_EINVAL);
}

/* Defaults: MTTR 60 min, detection today 15 min, diagnosis 30 min,
 * 75 % of it saved at rank 1, 40 % at rank 2..3.
 * Our delay 5 min: 600 s earlier; AC@1 .5, AC@3 .8: 1800 (.5 .75 + .3 .4) = 891 s. */
static void test_mttr(void **state)
{
    aiops_mttr_assume a;
    aiops_mttr_defaults(&a);
    assert_float_equal(a.mttr, 3600, EPS);
    assert_int_equal(a.k, 3);
    aiops_mttr_est e;
    aiops_mttr_estimate(&a, 300, NAN, 0.5, 0.8, &e);
    assert_float_equal(e.detect_gain, 600, EPS);
    assert_float_equal(e.diagnose_gain, 891, EPS);
    assert_float_equal(e.gain, 1491, EPS);
    assert_float_equal(e.mttr_after, 2109, EPS);
    assert_float_equal(e.pct, 100 * 1491 / 3600.0, EPS);
    /* measured baseline delay instead of the assumption; no RCA */
    aiops_mttr_estimate(&a, 300, 1200, NAN, NAN, &e);
    assert_float_equal(e.detect_gain, 900, EPS);
    assert_float_equal(e.diagnose_gain, 0, EPS);
    /* slower than today: a negative gain is shown as such */
    aiops_mttr_estimate(&a, 1500, NAN, NAN, NAN, &e);
    assert_float_equal(e.gain, -600, EPS);
    assert_float_equal(e.mttr_after, 4200, EPS);
    /* nothing detected: no detection gain claimed */
    a.mttr = 600;
    aiops_mttr_estimate(&a, NAN, NAN, 1, 1, &e);
    assert_float_equal(e.detect_gain, 0, EPS);
    assert_float_equal(e.mttr_after, 0, EPS);   /* floored */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_mixed),
        cmocka_unit_test(test_group_perfect_and_singletons),
        cmocka_unit_test(test_rca),
        cmocka_unit_test(test_predict),
        cmocka_unit_test(test_mttr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
