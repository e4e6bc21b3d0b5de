/* test_score.c - libcore/score_detect.c and score_nab.c against hand-computed
 * values: quantiles, event-wise detection (windows, alarms, merge, pre,
 * delays, false alarms per day), point-wise counts, and the NAB score's
 * rules and edge cases (detection at window start/end, several detections
 * in one window, windows at the series end or in the probationary period,
 * false positives before/after windows, profiles, normalisation).
 * sig(x) below is NAB's scaled sigmoid 2/(1+e^(5x)) - 1. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "score/score.h"

#define EPS 1e-9
#define SIG_M1 0.9866142981514305   /* sig(-1) = 2/(1+e^-5) - 1 */

static void test_quantile(void **state)
{
    double a[] = {4, 1, 3, 2};
    assert_float_equal(aiops_quantile(a, 4, 0.5), 2.5, EPS);
    assert_float_equal(aiops_quantile(a, 4, 0.9), 3.7, EPS);   /* h = 2.7: 3 + 0.7 * 1 */
    assert_float_equal(aiops_quantile(a, 4, 1.0), 4, EPS);
    assert_float_equal(aiops_quantile(a, 4, 0.0), 1, EPS);
    double b[] = {7};
    assert_float_equal(aiops_quantile(b, 1, 0.9), 7, EPS);
    assert_true(isnan(aiops_quantile(b, 0, 0.5)));
}

static const aiops_window W3[] = {{100, 200}, {300, 400}, {1000, 1100}};
static const double D7[] = {505, 150, 160, 250, 310, 390, 500};   /* any order */

static void test_detect_basic(void **state)
{
    aiops_detect_stats s;
    double delays[3];
    assert_int_equal(aiops_score_detect(W3, 3, D7, 7, NULL, &s, delays, NULL), 0);
    assert_int_equal(s.windows, 3);
    assert_int_equal(s.detected, 2);
    assert_int_equal(s.detections, 7);
    assert_int_equal(s.alarms, 7);        /* every distinct time */
    assert_int_equal(s.true_alarms, 4);   /* 150 160 310 390 */
    assert_int_equal(s.false_alarms, 3);  /* 250 500 505 */
    assert_float_equal(s.recall, 2.0 / 3, EPS);
    assert_float_equal(s.precision, 4.0 / 7, EPS);
    assert_float_equal(s.f1, 16.0 / 26, EPS);   /* 2pr/(p+r) */
    assert_float_equal(delays[0], 50, EPS);
    assert_float_equal(delays[1], 10, EPS);
    assert_true(isnan(delays[2]));
    assert_float_equal(s.delay_median, 30, EPS);
    assert_float_equal(s.delay_p90, 46, EPS);    /* 10 + 0.9 * 40 */
    assert_float_equal(s.delay_mean, 30, EPS);
    assert_float_equal(s.span, 1000, EPS);       /* 100 .. 1100 */
    assert_float_equal(s.false_per_day, 3 / (1000 / 86400.0), 1e-6);
}

static void test_detect_merge_pre_span(void **state)
{
    aiops_detect_stats s;
    aiops_detect_opts o = {.merge = 10};
    assert_int_equal(aiops_score_detect(W3, 3, D7, 7, &o, &s, NULL, NULL), 0);
    assert_int_equal(s.alarms, 5);          /* {150,160} 250 310 390 {500,505} */
    assert_int_equal(s.true_alarms, 3);
    assert_int_equal(s.false_alarms, 2);
    assert_float_equal(s.precision, 0.6, EPS);
    o = (aiops_detect_opts){.pre = 60, .span = 86400};
    double delays[3];
    assert_int_equal(aiops_score_detect(W3, 3, D7, 7, &o, &s, delays, NULL), 0);
    assert_int_equal(s.false_alarms, 2);    /* 250 is inside [240, 400] now */
    assert_float_equal(delays[1], -50, EPS);   /* 250 - 300: early */
    assert_float_equal(s.false_per_day, 2, EPS);
    o = (aiops_detect_opts){.post = 1000};
    assert_int_equal(aiops_score_detect(W3, 3, D7, 7, &o, &s, NULL, NULL), 0);
    assert_int_equal(s.false_alarms, 0);
    assert_int_equal(s.detected, 2);       /* 1000..2100 has no detection */
}

static void test_detect_degenerate(void **state)
{
    aiops_detect_stats s;
    assert_int_equal(aiops_score_detect(W3, 3, NULL, 0, NULL, &s, NULL, NULL), 0);
    assert_true(isnan(s.precision));
    assert_float_equal(s.recall, 0, EPS);
    assert_float_equal(s.f1, 0, EPS);             /* nothing detected */
    assert_float_equal(s.false_per_day, 0, EPS);
    assert_true(isnan(s.delay_median));
    assert_int_equal(aiops_score_detect(NULL, 0, D7, 7, NULL, &s, NULL, NULL), 0);
    assert_true(isnan(s.recall));
    assert_true(isnan(s.f1));
    assert_float_equal(s.precision, 0, EPS);
    /* window on a single instant, detection exactly on it */
    aiops_window one = {50, 50};
    double d = 50;
    assert_int_equal(aiops_score_detect(&one, 1, &d, 1, NULL, &s, NULL, NULL), 0);
    assert_float_equal(s.f1, 1, EPS);
    assert_float_equal(s.delay_median, 0, EPS);
}

static void test_detect_errors(void **state)
{
    aiops_detect_stats s;
    aiops_err err = {0};
    aiops_window bad = {10, 5};
    assert_int_equal(aiops_score_detect(&bad, 1, NULL, 0, NULL, &s, NULL, &err), AIOPS_EINVAL);
    assert_non_null(strstr(err.msg, "start <= end"));
    double nan = NAN;
    assert_int_equal(aiops_score_detect(W3, 3, &nan, 1, NULL, &s, NULL, &err), AIOPS_EINVAL);
    aiops_detect_opts o = {.pre = -1};
    assert_int_equal(aiops_score_detect(W3, 3, D7, 7, &o, &s, NULL, &err), AIOPS_EINVAL);
}

static void test_points(void **state)
{
    const unsigned char lab[] = {1, 1, 0, 0, 1}, pred[] = {1, 0, 1, 0, 0};
    aiops_point_stats p;
    aiops_score_points(lab, pred, 5, &p);
    assert_int_equal(p.tp, 1);
    assert_int_equal(p.fp, 1);
    assert_int_equal(p.fn, 2);
    assert_int_equal(p.tn, 1);
    assert_float_equal(p.precision, 0.5, EPS);
    assert_float_equal(p.recall, 1.0 / 3, EPS);
    assert_float_equal(p.f1, 0.4, EPS);   /* 2 tp / (2 tp + fp + fn) */
    aiops_score_points(lab, pred, 0, &p);
    assert_true(isnan(p.f1));
}

/* ---------------------------------------------------------------- NAB */

static double TS[40];
static unsigned char DET[40];

static void rows(size_t n)
{
    for (size_t i = 0; i < n; i++)
        TS[i] = 1000 + 60.0 * (double)i;
    memset(DET, 0, sizeof DET);
}

static double T(size_t i)
{
    return 1000 + 60.0 * (double)i;
}

static aiops_nab_result nab(size_t n, const aiops_window *w, size_t nw, const char *profile)
{
    aiops_nab_result r;
    assert_int_equal(aiops_nab_score(TS, DET, n, w, nw, aiops_nab_profile_find(profile), &r, NULL), 0);
    return r;
}

static void test_nab_probation_profiles(void **state)
{
    assert_int_equal(aiops_nab_probation(5), 0);
    assert_int_equal(aiops_nab_probation(20), 3);
    assert_int_equal(aiops_nab_probation(100), 15);
    assert_int_equal(aiops_nab_probation(5000), 750);
    assert_int_equal(aiops_nab_probation(100000), 750);
    const aiops_nab_profile *p = aiops_nab_profile_find("reward_low_FN_rate");
    assert_non_null(p);
    assert_float_equal(p->fn_weight, 2, EPS);
    assert_float_equal(p->fp_weight, 0.11, EPS);
    assert_ptr_equal(aiops_nab_profile_find("low_FP"), &aiops_nab_profiles[1]);
    assert_float_equal(aiops_nab_profile_find("low_FP")->fp_weight, 0.22, EPS);
    assert_null(aiops_nab_profile_find("nope"));
}

/* Window rows 8..11 (width 4) of 20 rows; probation = 3 rows. */
static void test_nab_window_start_end(void **state)
{
    aiops_window w = {T(8), T(11)};
    rows(20);
    DET[8] = 1;   /* at the window start: the full tp weight */
    aiops_nab_result r = nab(20, &w, 1, "standard");
    assert_float_equal(r.score, 1.0, EPS);
    assert_int_equal(r.detected, 1);
    assert_float_equal(aiops_nab_normalize(r.score, 1, &aiops_nab_profiles[0]), 100, EPS);
    rows(20);
    DET[11] = 1;  /* at the end: sig(-1/4) / sig(-1) */
    r = nab(20, &w, 1, "standard");
    assert_float_equal(r.score, 0.5621241486044827, EPS);
    assert_float_equal(r.tp_score, (2 / (1 + exp(-1.25)) - 1) / SIG_M1, EPS);
}

static void test_nab_several_in_window(void **state)
{
    aiops_window w = {T(8), T(11)};
    rows(20);
    DET[9] = DET[10] = DET[11] = 1;   /* only the first counts: sig(-3/4) / sig(-1) */
    aiops_nab_result r = nab(20, &w, 1, "standard");
    assert_float_equal(r.score, 0.9669890878000605, EPS);
    assert_int_equal(r.fp_rows, 0);
    assert_int_equal(r.detected, 1);
}

static void test_nab_missed_and_fp(void **state)
{
    aiops_window w = {T(10), T(13)};   /* rows 10..13, width 4; 40 rows, probation 6 */
    rows(40);
    aiops_nab_result r = nab(40, &w, 1, "standard");
    assert_float_equal(r.score, -1, EPS);   /* missed */
    r = nab(40, &w, 1, "reward_low_FN_rate");
    assert_float_equal(r.score, -2, EPS);
    assert_float_equal(aiops_nab_normalize(r.score, 1, aiops_nab_profile_find("low_FN")), 0, EPS);
    DET[2] = 1;    /* probationary: ignored */
    DET[7] = 1;    /* before the first window: -fp_weight */
    DET[15] = 1;   /* 2 rows past: 0.11 * sig((15 - 13) / (4 - 1)) */
    DET[30] = 1;   /* 17/3 >= 3 widths past: -fp_weight */
    r = nab(40, &w, 1, "standard");
    assert_int_equal(r.fp_rows, 3);
    assert_float_equal(r.fp_score, -0.11 - 0.10242205695343354 - 0.11, EPS);
    assert_float_equal(r.score, -1 + r.fp_score, EPS);
    r = nab(40, &w, 1, "reward_low_FP_rate");
    assert_float_equal(r.fp_score, 2 * (-0.11 - 0.10242205695343354 - 0.11), EPS);
}

static void test_nab_window_at_series_end(void **state)
{
    /* The window runs past the last row: it ends at the last row (39),
     * rows 36..39, width 4; a detection on the last row = the end. */
    aiops_window w = {T(36), T(45)};
    rows(40);
    DET[39] = 1;
    aiops_nab_result r = nab(40, &w, 1, "standard");
    assert_int_equal(r.windows, 1);
    assert_float_equal(r.score, 0.5621241486044827, EPS);
    /* entirely after the data: not scored at all */
    aiops_window after = {T(50), T(60)};
    r = nab(40, &after, 1, "standard");
    assert_int_equal(r.windows, 0);
    assert_int_equal(r.unscored, 1);
    assert_float_equal(r.score, -0.11, EPS);   /* row 39 is a plain FP */
}

static void test_nab_probation_window(void **state)
{
    /* rows 1..3 lie in the probationary period (6 rows): not scored, but
     * FPs after it are scaled by their distance from it: (8-3)/(3-1). */
    aiops_window w = {T(1), T(3)};
    rows(40);
    DET[2] = DET[8] = 1;
    aiops_nab_result r = nab(40, &w, 1, "standard");
    assert_int_equal(r.windows, 0);
    assert_int_equal(r.unscored, 1);
    assert_int_equal(r.fp_rows, 1);
    assert_float_equal(r.score, -0.10999918013935749, EPS);
    assert_true(isnan(aiops_nab_normalize(r.score, 0, &aiops_nab_profiles[0])));
}

static void test_nab_snapping_and_repeats(void **state)
{
    /* A start between rows snaps to the next row: rows 9..11, width 3,
     * a detection at 9 scores the full weight. */
    aiops_window w = {T(8) + 1, T(11)};
    rows(20);
    DET[9] = 1;
    assert_float_equal(nab(20, &w, 1, "standard").score, 1, EPS);
    /* Repeated timestamps: the window ends at the first row with its end
     * time (NAB), so rows 8..10 and row 11 (same time) is outside. */
    rows(20);
    TS[11] = TS[10];
    aiops_window w2 = {T(8), T(10)};
    DET[11] = 1;
    aiops_nab_result r = nab(20, &w2, 1, "standard");
    assert_int_equal(r.fp_rows, 1);
    assert_int_equal(r.detected, 0);
    /* NAB files step back in time in places: rows are taken in file order */
    rows(20);
    TS[15] = T(2);
    DET[15] = 1;
    r = nab(20, &w2, 1, "standard");
    assert_int_equal(r.fp_rows, 1);
}

static void test_nab_two_windows(void **state)
{
    aiops_window w[] = {{T(8), T(11)}, {T(20), T(23)}};
    rows(40);
    DET[8] = 1;
    DET[21] = 1;   /* sig(-3/4)/sig(-1) */
    DET[25] = 1;   /* after the second: sig((25-23)/3) */
    aiops_nab_result r = nab(40, w, 2, "standard");
    assert_int_equal(r.windows, 2);
    assert_int_equal(r.detected, 2);
    assert_float_equal(r.score, 1 + 0.9669890878000605 - 0.10242205695343354, EPS);
    assert_float_equal(aiops_nab_normalize(r.score, 2, &aiops_nab_profiles[0]),
                       100 * (r.score + 2) / 4, EPS);
}

static void test_nab_errors_and_helpers(void **state)
{
    aiops_err err = {0};
    aiops_nab_result r;
    aiops_window w[] = {{T(8), T(11)}, {T(10), T(13)}};
    rows(20);
    assert_int_equal(aiops_nab_score(TS, DET, 20, w, 2, &aiops_nab_profiles[0], &r, &err), AIOPS_EINVAL);
    assert_non_null(strstr(err.msg, "not overlapping"));
    assert_int_equal(aiops_nab_windows_prepare(w, 2), 1);
    assert_float_equal(w[0].end, T(13), EPS);
    aiops_window u[] = {{30, 40}, {0, 10}, {5, 20}};
    assert_int_equal(aiops_nab_windows_prepare(u, 3), 2);
    assert_float_equal(u[0].start, 0, EPS);
    assert_float_equal(u[0].end, 20, EPS);
    assert_float_equal(u[1].start, 30, EPS);
    const double ts[] = {0, 60, 120}, times[] = {-5, 60, 90, 500};
    unsigned char det[3] = {0};
    assert_int_equal(aiops_nab_mark(ts, 3, times, 4, det), 4);
    assert_int_equal(det[0], 1);
    assert_int_equal(det[1], 1);
    assert_int_equal(det[2], 1);
    unsigned char d2[3] = {0};
    const double t2[] = {61};
    aiops_nab_mark(ts, 3, t2, 1, d2);
    assert_int_equal(d2[0] + d2[1] * 2 + d2[2] * 4, 2);
}

/* NAB's threshold sweep. */
static double sig(double x)
{
    return x >= 3 ? -1 : 2 / (1 + exp(5 * x)) - 1;
}

static aiops_nab_best sweep_best(aiops_nab_sweep *sw, const char *profile)
{
    aiops_nab_best b;
    assert_int_equal(aiops_nab_sweep_best(sw, aiops_nab_profile_find(profile), &b, NULL), 0);
    return b;
}

/* 40 rows, window rows 10..13 (width 4), probation 6.  Scores: row 2 .95
 * (probation), 12 .9 (reward sig(-1/2)/sig(-1)), 13 .85 (later in the
 * window: changes nothing), 20 .8 (FP 7/3 widths past), 10 .5 (the window
 * start: reward 1), every other row 0. */
static void test_nab_sweep_by_hand(void **state)
{
    double sc[40] = {0};
    sc[2] = 0.95, sc[12] = 0.9, sc[13] = 0.85, sc[20] = 0.8, sc[10] = 0.5;
    aiops_window w = {T(10), T(13)};
    aiops_nab_sweep *sw;
    rows(40);
    assert_int_equal(aiops_nab_sweep_new(&sw, NULL), 0);
    assert_int_equal(aiops_nab_sweep_add(sw, TS, sc, 40, &w, 1, NULL), 0);
    double r12 = sig(-0.5) / sig(-1), fp20 = sig(7.0 / 3);
    /* standard: the start row's reward outweighs the FP at .8:
     * 1 + .11 fp20 = 0.89 > r12 = 0.86 */
    aiops_nab_best b = sweep_best(sw, "standard");
    assert_float_equal(b.threshold, 0.5, EPS);
    assert_float_equal(b.score, 1 + 0.11 * fp20, EPS);
    assert_int_equal(b.windows, 1);
    assert_int_equal(b.detected, 1);
    assert_int_equal(b.fp_rows, 1);
    assert_int_equal(b.candidates, 6);   /* none, .9, .85, .8, .5, 0 */
    /* low FP: 1 - .22 < r12, so .9; .85 scores the same and the higher wins */
    b = sweep_best(sw, "reward_low_FP_rate");
    assert_float_equal(b.threshold, 0.9, EPS);
    assert_float_equal(b.score, r12, EPS);
    assert_int_equal(b.fp_rows, 0);
    /* the sweep's score is the scorer's at that threshold */
    for (size_t i = 0; i < 40; i++)
        DET[i] = sc[i] >= 0.5;
    assert_float_equal(nab(40, &w, 1, "standard").score, 1 + 0.11 * fp20, EPS);
    aiops_nab_sweep_free(sw);
}

/* A null detector: no detection is best, above every score (NAB's 1.1);
 * an empty sweep is the same.  NaN scores are refused. */
static void test_nab_sweep_null_and_errors(void **state)
{
    double zero[40] = {0};
    aiops_window w = {T(10), T(13)};
    aiops_nab_sweep *sw;
    aiops_err err = {0};
    rows(40);
    assert_int_equal(aiops_nab_sweep_new(&sw, NULL), 0);
    aiops_nab_best b = sweep_best(sw, "standard");
    assert_float_equal(b.score, 0, EPS);
    assert_int_equal(b.candidates, 1);
    assert_int_equal(aiops_nab_sweep_add(sw, TS, zero, 40, &w, 1, NULL), 0);
    b = sweep_best(sw, "reward_low_FN_rate");
    assert_float_equal(b.threshold, 1.1, EPS);
    assert_float_equal(b.score, -2, EPS);
    assert_int_equal(b.detected, 0);
    assert_int_equal(b.candidates, 2);
    zero[5] = 7;   /* in probation: not a candidate, but no threshold may catch it */
    zero[30] = NAN;
    assert_int_equal(aiops_nab_sweep_add(sw, TS, zero, 40, &w, 1, &err), AIOPS_EINVAL);
    assert_non_null(strstr(err.msg, "row 31"));
    aiops_window bad[] = {{T(8), T(11)}, {T(10), T(13)}};
    assert_int_equal(aiops_nab_sweep_add(sw, TS, zero, 40, bad, 2, &err), AIOPS_EINVAL);
    aiops_nab_sweep_free(sw);
}

/* Three series with pseudo-random scores on a coarse grid (many ties):
 * the sweep's optimum equals the best total of aiops_nab_score over every
 * candidate threshold, for each profile. */
static void test_nab_sweep_brute_force(void **state)
{
    static double ts[3][40], sc[3][40];
    aiops_window w[3][2] = {{{T(8), T(11)}, {T(25), T(30)}},
                            {{T(15), T(15)}, {T(33), T(39)}},
                            {{T(1), T(4)}, {T(20), T(22)}}};
    unsigned seed = 12345;
    aiops_nab_sweep *sw;
    assert_int_equal(aiops_nab_sweep_new(&sw, NULL), 0);
    for (size_t s = 0; s < 3; s++) {
        for (size_t i = 0; i < 40; i++) {
            seed = seed * 1103515245u + 12345u;
            ts[s][i] = T(i);
            sc[s][i] = (double)((seed >> 16) % 50) / 50.0;
        }
        assert_int_equal(aiops_nab_sweep_add(sw, ts[s], sc[s], 40, w[s], 2, NULL), 0);
    }
    for (size_t p = 0; p < AIOPS_NAB_NPROFILES; p++) {
        double best = -INFINITY, best_thr = NAN;
        for (int k = 50; k >= 0; k--) {   /* thresholds 1.0 .. 0 from the top */
            double thr = k / 50.0, raw = 0;
            for (size_t s = 0; s < 3; s++) {
                unsigned char det[40];
                aiops_nab_result r;
                for (size_t i = 0; i < 40; i++)
                    det[i] = sc[s][i] >= thr;
                assert_int_equal(aiops_nab_score(ts[s], det, 40, w[s], 2, &aiops_nab_profiles[p], &r,
                                                 NULL), 0);
                raw += r.score;
            }
            if (raw > best + 1e-12) {
                best = raw;
                best_thr = thr;
            }
        }
        aiops_nab_best b = sweep_best(sw, aiops_nab_profiles[p].name);
        assert_float_equal(b.score, best, 1e-9);
        assert_int_equal(b.windows, 5);   /* series 2's first window lies in probation */
        if (best_thr < 1.0)
            assert_float_equal(b.threshold, best_thr, EPS);
    }
    assert_int_equal(aiops_nab_sweep_unscored(sw), 1);
    aiops_nab_sweep_free(sw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quantile),
        cmocka_unit_test(test_detect_basic),
        cmocka_unit_test(test_detect_merge_pre_span),
        cmocka_unit_test(test_detect_degenerate),
        cmocka_unit_test(test_detect_errors),
        cmocka_unit_test(test_points),
        cmocka_unit_test(test_nab_probation_profiles),
        cmocka_unit_test(test_nab_window_start_end),
        cmocka_unit_test(test_nab_several_in_window),
        cmocka_unit_test(test_nab_missed_and_fp),
        cmocka_unit_test(test_nab_window_at_series_end),
        cmocka_unit_test(test_nab_probation_window),
        cmocka_unit_test(test_nab_snapping_and_repeats),
        cmocka_unit_test(test_nab_two_windows),
        cmocka_unit_test(test_nab_errors_and_helpers),
        cmocka_unit_test(test_nab_sweep_by_hand),
        cmocka_unit_test(test_nab_sweep_null_and_errors),
        cmocka_unit_test(test_nab_sweep_brute_force),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
