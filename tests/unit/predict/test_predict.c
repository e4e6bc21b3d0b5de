/* test_predict.c - libcore/predict against hand-checked values: Theil-Sen
 * slopes and their interval, trend strength, the memory-leak indicator
 * (growth, restarts, GC sawtooth, noise), the exhaustion ETA (a straight
 * line, a noisy line with a restart, a sawtooth), IRLS logistic regression
 * (a 2x2 table with a closed-form answer, and the penalised optimum), the
 * model file, and the streaming predictor on a filling disk. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "aiops_format.h"
#include "predict/predict.h"

#define EPS 1e-9
static double scr[AIOPS_PREDICT_SCRATCH(64)];

/* deterministic noise in [-1, 1] */
static double noise(int i)
{
    return sin(12.9898 * i + 78.233) * 0.5 + sin(3.7 * i * i) * 0.5;
}

static void test_trend_line(void **state)
{
    double t[10], v[10];
    for (int i = 0; i < 10; i++) {
        t[i] = i;
        v[i] = 2 + 0.5 * i;
    }
    aiops_trend tr;
    assert_int_equal(aiops_trend_fit(t, v, 10, &tr, scr), 0);
    assert_float_equal(tr.slope, 0.5, EPS);
    assert_float_equal(tr.slope_lo, 0.5, EPS);
    assert_float_equal(tr.slope_hi, 0.5, EPS);
    assert_float_equal(tr.level, 6.5, EPS);      /* the line at the last time, 9 */
    assert_float_equal(tr.scale, 0, EPS);
    /* 0.5 * 10 / max(0, 0.01 * 6.5): clipped */
    assert_float_equal(aiops_trend_strength(&tr, 10, 0.01, 20), 20, EPS);
    tr.scale = 2;
    assert_float_equal(aiops_trend_strength(&tr, 10, 0.01, 20), 2.5, EPS);
    assert_int_equal(aiops_trend_fit(t, v, 2, &tr, scr), -1);
}

/* One outlier moves 10 of 55 pairwise slopes, 5 up and 5 down: the
 * median stays exactly 1; least squares would not. */
static void test_trend_outlier(void **state)
{
    double t[11], v[11];
    for (int i = 0; i < 11; i++)
        t[i] = v[i] = i;
    v[5] = 100;
    aiops_trend tr;
    assert_int_equal(aiops_trend_fit(t, v, 11, &tr, scr), 0);
    assert_float_equal(tr.slope, 1, EPS);
    assert_true(tr.slope_lo <= 1 && tr.slope_hi >= 1);
    assert_float_equal(tr.level, 10, EPS);
}

/* Flat for 3/4 of the window, then a ramp: the last quarter's change shows
 * far more than the whole window's slope. */
static void test_trend_multiscale(void **state)
{
    double t[24], v[24];
    for (int i = 0; i < 24; i++) {
        t[i] = 300.0 * i;
        v[i] = 10 + 0.1 * noise(i) + (i >= 18 ? (i - 17) * 1.0 : 0);
    }
    aiops_trend all;
    assert_int_equal(aiops_trend_fit(t, v, 24, &all, scr), 0);
    double whole = aiops_trend_strength(&all, 7200, 0.001, 100);
    double multi = aiops_trend_multiscale(t, v, 24, 7200, 0.001, 100, scr);
    assert_true(multi > 3 * whole);
    assert_true(multi > 20);
    /* pure noise stays small */
    for (int i = 0; i < 24; i++)
        v[i] = 10 + 0.1 * noise(i);
    assert_true(fabs(aiops_trend_multiscale(t, v, 24, 7200, 0.001, 100, scr)) < 5);
}

static void test_leak(void **state)
{
    double t[24], v[24];
    for (int i = 0; i < 24; i++)
        t[i] = 300.0 * i;
    /* steady growth from 100 to 330 with a little noise */
    for (int i = 0; i < 24; i++)
        v[i] = 100 + 10 * i + 2 * noise(i);
    assert_true(aiops_leak_indicator(t, v, 24, scr) > 0.95);
    /* an OOM restart at i = 14: two segments, each a leak */
    for (int i = 0; i < 24; i++)
        v[i] = 100 + 20 * (i < 14 ? i : i - 14) + 2 * noise(i);
    assert_true(aiops_leak_indicator(t, v, 24, scr) > 0.9);
    /* GC sawtooth on a leak: teeth of 30 (drops well under half the range) */
    for (int i = 0; i < 24; i++)
        v[i] = 100 + 12 * i + 10 * (i % 4) - 15;
    assert_true(aiops_leak_indicator(t, v, 24, scr) > 0.9);
    /* a sawtooth without growth: many full drops, kept whole, no trend */
    for (int i = 0; i < 24; i++)
        v[i] = 200 + 15 * (i % 4);
    assert_true(aiops_leak_indicator(t, v, 24, scr) < 0.1);
    /* noise around a level */
    for (int i = 0; i < 24; i++)
        v[i] = 400 + 5 * noise(i);
    assert_true(aiops_leak_indicator(t, v, 24, scr) < 0.2);
    /* growth of 2 % of the level over the window: scaled down */
    for (int i = 0; i < 24; i++)
        v[i] = 1000 + i;
    assert_true(aiops_leak_indicator(t, v, 24, scr) < 0.3);
}

/* 0.1 per hour from 0.5: at t = 3600 (0.6) the limit 1 is 4 h away. */
static void test_eta_line(void **state)
{
    double t[13], v[13];
    for (int i = 0; i < 13; i++) {
        t[i] = 300.0 * i;
        v[i] = 0.5 + t[i] / 36000;
    }
    aiops_eta e;
    assert_int_equal(aiops_eta_fit(t, v, 13, 3600, 1, &e, scr), 1);
    assert_float_equal(e.eta, 3600 + 14400, 1e-6);
    assert_float_equal(e.eta_lo, e.eta, 1e-6);
    assert_float_equal(e.eta_hi, e.eta, 1e-6);
    assert_float_equal(e.level, 0.6, 1e-12);
    assert_false(e.reached);
    /* already at the limit */
    assert_int_equal(aiops_eta_fit(t, v, 13, 3600, 0.55, &e, scr), 1);
    assert_true(e.reached);
    assert_float_equal(e.eta, 3600, EPS);
    /* falling: no ETA */
    for (int i = 0; i < 13; i++)
        v[i] = 0.9 - t[i] / 36000;
    assert_int_equal(aiops_eta_fit(t, v, 13, 3600, 1, &e, scr), 0);
    assert_true(isinf(e.eta));
}

/* Noisy growth, a restart in the middle: only the points after it count.
 * After the restart: 0.3 + 0.02 per step (300 s) with +-0.002 noise, so at
 * the 12th step after it the envelope is about 0.54 and the limit 1 is
 * (1 - 0.54) / (0.02 / 300) = 6900 s away. */
static void test_eta_reset(void **state)
{
    double t[25], v[25];
    for (int i = 0; i < 25; i++) {
        t[i] = 300.0 * i;
        v[i] = (i < 12 ? 0.5 + 0.02 * i : 0.3 + 0.02 * (i - 12)) + 0.002 * noise(i);
    }
    aiops_eta e;
    assert_int_equal(aiops_eta_fit(t, v, 25, t[24], 1, &e, scr), 1);
    assert_true(fabs((e.eta - t[24]) - 6900) < 300);
    assert_true(e.eta_lo <= e.eta && e.eta <= e.eta_hi);
    assert_true(e.eta_hi - e.eta_lo < 1500);
    /* least squares over the whole window (predict_linear) is fooled by the
     * drop: its slope is a fraction of the true one */
    double mt = 0, mv = 0, stt = 0, stv = 0;
    for (int i = 0; i < 25; i++) {
        mt += t[i] / 25;
        mv += v[i] / 25;
    }
    for (int i = 0; i < 25; i++) {
        stt += (t[i] - mt) * (t[i] - mt);
        stv += (t[i] - mt) * (v[i] - mv);
    }
    assert_true(stv / stt < 0.5 * e.slope);
}

/* A GC sawtooth on a slow leak: teeth of 8 steps rise 0.0125 a step and
 * drop 0.0675, so the peaks climb 0.02 per tooth (0.0025 per step of
 * 60 s); they reach the limit 1 first.  Without the leak there is no ETA. */
static void test_eta_sawtooth(void **state)
{
    double t[48], v[48];
    for (int i = 0; i < 48; i++) {
        t[i] = 60.0 * i;
        v[i] = 0.5 + 0.0025 * i + 0.01 * (i % 8);
    }
    double now = t[47];
    /* the last peak (i = 47, i % 8 = 7) is 0.5 + 0.1175 + 0.07 = 0.6875;
     * peaks then climb 0.0025 per 60 s: (1 - 0.6875) / (0.0025 / 60) = 7500 s */
    aiops_eta e;
    assert_int_equal(aiops_eta_fit(t, v, 48, now, 1, &e, scr), 1);
    assert_true(fabs((e.eta - now) - 7500) < 0.2 * 7500);   /* 6379 s: the median pairwise slope leans to the teeth */
    assert_float_equal(e.slope, 0.0025 / 60, 0.0005 / 60);
    for (int i = 0; i < 48; i++)
        v[i] = 0.5 + 0.01 * (i % 8);
    assert_int_equal(aiops_eta_fit(t, v, 48, now, 1, &e, scr), 0);
}

/* x = 0: 1 of 4 positive; x = 1: 3 of 4.  Without a penalty the MLE is
 * b0 = log(1/3), b1 = log 3 - log(1/3) = 2 log 3 (the log-odds of each
 * cell); as weighted rows or as 8 plain rows alike. */
static void test_logit_table(void **state)
{
    double X[] = {0, 0, 1, 1}, y[] = {1, 0, 1, 0}, w[] = {1, 3, 3, 1}, b[2] = {0, 0};
    int it;
    double loss;
    aiops_err err = {0};
    assert_int_equal(aiops_logit_fit(X, y, w, 4, 1, 0, b, &it, &loss, &err), 0);
    assert_float_equal(b[0], log(1.0 / 3), 1e-9);
    assert_float_equal(b[1], 2 * log(3.0), 1e-9);
    assert_true(it > 1 && it < 20);
    /* loss = 2 * 4 * H(1/4) in nats: -(log(1/4) + 3 log(3/4)) per cell */
    assert_float_equal(loss, -2 * (log(0.25) + 3 * log(0.75)), 1e-9);
    double X8[] = {0, 0, 0, 0, 1, 1, 1, 1}, y8[] = {1, 0, 0, 0, 1, 1, 1, 0}, b8[2] = {0, 0};
    assert_int_equal(aiops_logit_fit(X8, y8, NULL, 8, 1, 0, b8, NULL, NULL, &err), 0);
    assert_float_equal(b8[0], b[0], 1e-9);
    assert_float_equal(b8[1], b[1], 1e-9);
    double z[] = {1};
    assert_float_equal(aiops_logit_prob(b, z, 1), 0.75, 1e-9);
}

/* With lambda = 2 the optimum satisfies X'w(y - p) = lambda * beta for the
 * coefficients and sum w(y - p) = 0 for the (unpenalised) intercept. */
static void test_logit_penalised(void **state)
{
    double X[] = {0.5, -1, 1.5, 0.2, -0.3, 2, 1, 1, -2, 0.1, 0.7, -0.4};
    double y[] = {0, 1, 1, 0, 1, 0}, b[3] = {0, 0, 0};
    aiops_err err = {0};
    assert_int_equal(aiops_logit_fit(X, y, NULL, 6, 2, 2.0, b, NULL, NULL, &err), 0);
    double g0 = 0, g1 = 0, g2 = 0;
    for (int i = 0; i < 6; i++) {
        double r = y[i] - aiops_logit_prob(b, X + 2 * i, 2);
        g0 += r;
        g1 += r * X[2 * i];
        g2 += r * X[2 * i + 1];
    }
    assert_float_equal(g0, 0, 1e-9);
    assert_float_equal(g1, 2.0 * b[1], 1e-9);
    assert_float_equal(g2, 2.0 * b[2], 1e-9);
    assert_true(b[1] != 0 && b[2] != 0);
    /* no rows, bad penalty */
    assert_int_equal(aiops_logit_fit(X, y, NULL, 0, 2, 1, b, NULL, NULL, &err), AIOPS_EINVAL);
    assert_int_equal(aiops_logit_fit(X, y, NULL, 6, 2, -1, b, NULL, NULL, &err), AIOPS_EINVAL);
}

static void test_model_file(void **state)
{
    aiops_predict_model m = {.nf = AIOPS_PF_COUNT, .threshold = 0.9, .window = 7200, .every = 300,
                             .lambda = 1, .lead_median = 2820, .lead_lo = NAN, .lead_hi = 3600};
    for (int k = 0; k < AIOPS_PF_COUNT; k++) {
        m.mean[k] = k;
        m.sd[k] = 1 + k;
        m.coef[k + 1] = 0.1 * k - 0.3;
    }
    m.coef[0] = -1.25;
    char dir[] = "/tmp/aiops-predict-test.XXXXXX", path[128];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/model.json", dir);
    aiops_err err = {0};
    assert_int_equal(aiops_predict_model_save(&m, NULL, path, &err), 0);
    aiops_predict_model r;
    assert_int_equal(aiops_predict_model_load(&r, path, &err), 0);
    assert_float_equal(r.threshold, 0.9, EPS);
    assert_float_equal(r.coef[0], -1.25, EPS);
    assert_float_equal(r.lead_median, 2820, EPS);
    assert_true(isnan(r.lead_lo));
    double f[AIOPS_PF_COUNT];
    for (int k = 0; k < AIOPS_PF_COUNT; k++)
        f[k] = 2 * k + 1;
    assert_float_equal(aiops_predict_model_prob(&r, f), aiops_predict_model_prob(&m, f), EPS);
    /* nothing left at the temporary name */
    char tmp[160];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    assert_int_equal(access(tmp, F_OK), -1);
    /* a broken file is an error with its name */
    FILE *fp = fopen(path, "w");
    fputs("{\"aiops_predict_model\": 1, \"features\": [\"x\"]}", fp);
    fclose(fp);
    assert_int_equal(aiops_predict_model_load(&r, path, &err), AIOPS_EPARSE);
    assert_string_equal(err.file, path);
    unlink(path);
    rmdir(dir);
}

static int sample(aiops_predictor *p, aiops_series_table *tab, const char *series, double ts, double v)
{
    (void)tab;
    aiops_record r = {.type = AIOPS_R_SAMPLE, .ts = ts, .value = v};
    aiops_err err = {0};
    uint32_t sid;
    if (aiops_series_intern_text(tab, series, strlen(series), &sid, &err))
        return -1;
    r.sid = sid;
    return aiops_predictor_add(p, &r, &err);
}

/* A disk flat at 0.5 for 3 h, then filling 0.25 per hour: the predictor
 * (no model) warns disk_full well before it is full and resolves it as
 * "reached" when it is; memory stays one series slot per series. */
static void test_predictor_disk(void **state)
{
    aiops_series_table *tab = aiops_series_table_new();
    aiops_predict_opts o;
    aiops_predict_opts_default(&o);
    aiops_predictor *p = NULL;
    aiops_err err = {0};
    assert_int_equal(aiops_predictor_new(&p, &o, NULL, NULL, tab, &err), 0);
    double t0 = 1700000000, full = t0 + 3 * 3600 + 2 * 3600;
    int firing = 0, resolved = 0;
    double warn_at = NAN, eta = NAN;
    for (int i = 0; i <= 80; i++) {
        double ts = t0 + 300.0 * i, h = (ts - t0) / 3600;
        double v = h < 3 ? 0.5 : fmin(1, 0.5 + 0.25 * (h - 3));
        assert_int_equal(sample(p, tab, "disk_usage_ratio{service=\"db\"}", ts, v + 0.001 * noise(i)), 0);
        assert_int_equal(sample(p, tab, "cpu_usage_ratio{service=\"db\"}", ts, 0.3 + 0.01 * noise(i + 7)), 0);
        aiops_record r;
        while (aiops_predictor_pop(p, &r)) {
            const char *st = json_string_value(json_object_get(r.obj, "state"));
            assert_string_equal(json_string_value(json_object_get(r.obj, "kind")), "disk_full");
            assert_string_equal(json_string_value(json_object_get(r.obj, "service")), "db");
            if (!strcmp(st, "firing")) {
                firing++;
                warn_at = r.ts;
                eta = json_number_value(json_object_get(r.obj, "eta"));
                assert_true(json_number_value(json_object_get(r.obj, "eta_lower")) <= eta);
                assert_true(json_number_value(json_object_get(r.obj, "eta_upper")) >= eta);
            } else {
                resolved++;
                assert_string_equal(json_string_value(json_object_get(r.obj, "reason")), "reached");
            }
            aiops_record_clear(&r);
        }
    }
    assert_int_equal(aiops_predictor_finish(p, &err), 0);
    assert_int_equal(firing, 1);
    assert_int_equal(resolved, 1);
    assert_true(full - warn_at >= 3600);         /* warned at least an hour ahead */
    assert_true(fabs(eta - full) < 1200);        /* and the ETA within 20 minutes */
    assert_int_equal(aiops_predictor_services(p), 1);
    aiops_predictor_free(p);
    aiops_series_table_free(tab);
}

/* One series at a 1-minute step with the default 2 h window: its ring
 * holds one window (121 points at most: 128 slots), the same after 2 days
 * as after 10, not max_points (1024) and not the input's length. */
static void test_predictor_bounded(void **state)
{
    aiops_series_table *tab = aiops_series_table_new();
    aiops_predict_opts o;
    aiops_predict_opts_default(&o);
    aiops_predictor *p = NULL;
    aiops_err err = {0};
    assert_int_equal(aiops_predictor_new(&p, &o, NULL, NULL, tab, &err), 0);
    double t0 = 1700000000;
    size_t at2 = 0;
    for (int i = 0; i < 10 * 1440; i++) {
        assert_int_equal(sample(p, tab, "cpu_usage_ratio{service=\"db\"}", t0 + 60.0 * i, 0.3 + 0.01 * noise(i)), 0);
        if (i == 2 * 1440)
            at2 = aiops_predictor_points(p);
    }
    assert_int_equal(at2, 128);
    assert_int_equal(aiops_predictor_points(p), 128);
    assert_int_equal(aiops_predictor_services(p), 1);
    aiops_predictor_free(p);
    aiops_series_table_free(tab);
}

/* Fields of a record that carries them as text (the reader's raw_text, as
 * in a pipe): an alert firing on the service is a sign of an incident, so
 * the open disk_full warning resolves with reason "incident". */
static void test_predictor_text_alert(void **state)
{
    aiops_series_table *tab = aiops_series_table_new();
    aiops_predict_opts o;
    aiops_predict_opts_default(&o);
    aiops_predictor *p = NULL;
    aiops_err err = {0};
    assert_int_equal(aiops_predictor_new(&p, &o, NULL, NULL, tab, &err), 0);
    double t0 = 1700000000;
    int firing = 0, resolved = 0;
    for (int i = 0; i <= 72; i++) {
        double ts = t0 + 300.0 * i, h = (ts - t0) / 3600;
        double v = h < 3 ? 0.5 : fmin(1, 0.5 + 0.25 * (h - 3));
        assert_int_equal(sample(p, tab, "disk_usage_ratio{service=\"db\"}", ts, v + 0.001 * noise(i)), 0);
        if (i == 50) {    /* 4 h 10 min: warned, not yet full (full at 5 h) */
            aiops_record a = {.type = AIOPS_R_ALERT, .ts = ts + 1,
                              .obj = json_string(",\"service\":\"db\",\"state\":\"firing\",\"alertname\":\"DiskFilling\"")};
            assert_int_equal(aiops_predictor_add(p, &a, &err), 0);
            aiops_record_clear(&a);
        }
        aiops_record r;
        while (aiops_predictor_pop(p, &r)) {
            const char *st = json_string_value(json_object_get(r.obj, "state"));
            if (!strcmp(st, "firing"))
                firing++;
            else {
                resolved++;
                assert_string_equal(json_string_value(json_object_get(r.obj, "reason")), "incident");
            }
            aiops_record_clear(&r);
        }
    }
    assert_int_equal(firing, 1);
    assert_int_equal(resolved, 1);
    aiops_predictor_free(p);
    aiops_series_table_free(tab);
}

/* The trainer on two days of one service whose error ratio climbs for an
 * hour before a label at 36 h: 3 positives (one per lead), negatives from
 * the ticks 3 h or more from the label; they are spilled to a temporary
 * file under $TMPDIR, so a TMPDIR that does not exist is an I/O error
 * that names it. */
static int train_day(aiops_predict_trainer *tr, aiops_series_table *tab, aiops_err *err)
{
    double t0 = 1700006400, lab = t0 + 36 * 3600;
    json_t *l = json_pack("{s:s,s:f,s:s}", "type", "label", "start", lab, "root_cause", "api");
    int rc = aiops_predict_trainer_begin(tr, NULL, tab, err);
    if (!rc)
        rc = aiops_predict_trainer_label(tr, l, err);
    json_decref(l);
    for (int i = 0; !rc && i < 48 * 12; i++) {
        double ts = t0 + 300.0 * i, v = 0.01 + 0.002 * noise(i);
        if (ts > lab - 3600 && ts <= lab)
            v += 0.2 * (ts - (lab - 3600)) / 3600;
        uint32_t sid;
        const char *name = "http_error_ratio{service=\"api\"}";
        if ((rc = aiops_series_intern_text(tab, name, strlen(name), &sid, err)))
            break;
        aiops_record r = {.type = AIOPS_R_SAMPLE, .ts = ts, .value = v, .sid = sid};
        rc = aiops_predict_trainer_add(tr, &r, err);
    }
    return rc ? rc : aiops_predict_trainer_end(tr, err);
}

static void test_trainer_spill(void **state)
{
    aiops_predict_opts o;
    aiops_predict_opts_default(&o);
    aiops_predict_trainer *tr = NULL;
    aiops_series_table *tab = aiops_series_table_new();
    aiops_err err = {0};
    assert_int_equal(aiops_predict_trainer_new(&tr, &o, &err), 0);
    assert_int_equal(train_day(tr, tab, &err), 0);
    aiops_predict_model m;
    json_t *rep = NULL;
    assert_int_equal(aiops_predict_trainer_fit(tr, &m, &rep, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(rep, "positives")), 3);
    assert_int_equal(json_integer_value(json_object_get(rep, "negatives")), 12);
    /* 576 ticks (every 5 min over 48 h) less the 73 from 33 h to 39 h
     * (3 h either side of the label): every one of them spilled and read
     * back for the threshold */
    assert_int_equal(json_integer_value(json_object_get(rep, "negative_ticks")), 503);
    assert_true(fabs(json_number_value(json_object_get(rep, "negative_days")) - 503 * 300 / 86400.0) < 1e-9);
    assert_true(m.threshold >= 0.5 && m.threshold < 1);
    assert_true(m.coef[1 + AIOPS_PF_ERROR_TREND] > 0);    /* the climb is what warns */
    json_decref(rep);
    aiops_predict_trainer_free(tr);
    aiops_series_table_free(tab);

    const char *old = getenv("TMPDIR");
    char *keep = old ? strdup(old) : NULL;
    setenv("TMPDIR", "/nonexistent-aiops-dir", 1);
    tab = aiops_series_table_new();
    assert_int_equal(aiops_predict_trainer_new(&tr, &o, &err), 0);
    assert_int_equal(train_day(tr, tab, &err), AIOPS_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent-aiops-dir"));
    aiops_predict_trainer_free(tr);
    aiops_series_table_free(tab);
    if (keep)
        setenv("TMPDIR", keep, 1);
    else
        unsetenv("TMPDIR");
    free(keep);
}

static void test_limits_file(void **state)
{
    char path[] = "/tmp/aiops-limits.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "# limits\nmemory_usage_bytes{service=\"cart\"}   1e9\n\nbad line\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    aiops_predict_limits *l = NULL;
    aiops_err err = {0};
    assert_int_equal(aiops_predict_limits_load(&l, path, &err), AIOPS_EPARSE);
    assert_int_equal(err.line, 4);
    assert_null(l);
    FILE *f = fopen(path, "w");
    fputs("memory_usage_bytes{service=\"cart\"}   1e9\n", f);
    fclose(f);
    assert_int_equal(aiops_predict_limits_load(&l, path, &err), 0);
    assert_non_null(l);
    aiops_predict_limits_free(l);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trend_line),     cmocka_unit_test(test_trend_outlier),
        cmocka_unit_test(test_trend_multiscale), cmocka_unit_test(test_leak),
        cmocka_unit_test(test_eta_line),       cmocka_unit_test(test_eta_reset),
        cmocka_unit_test(test_eta_sawtooth),   cmocka_unit_test(test_logit_table),
        cmocka_unit_test(test_logit_penalised), cmocka_unit_test(test_model_file),
        cmocka_unit_test(test_predictor_disk), cmocka_unit_test(test_limits_file),
        cmocka_unit_test(test_predictor_bounded), cmocka_unit_test(test_predictor_text_alert),
        cmocka_unit_test(test_trainer_spill),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
