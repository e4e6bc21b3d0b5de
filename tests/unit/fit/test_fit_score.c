/* test_fit_score.c - the engine's calibrated score and --threshold
 * (libcore/fit/fit.c with models/calib.c): a level shift fires once and
 * is re-learned after confirmation (robust updates), while plain updates
 * keep the band wide for long; band records carry anomaly_score in
 * [0, 1]; a counter reset is no anomaly.  And the defaults (no model
 * option): the likelihood model judged by its own score at
 * AIOPS_FIT_DEFAULT_P after half a period of training; a counter reset is
 * no anomaly (judged as a rate) while the same counter judged raw alarms
 * at the reset; a spike is one event. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "aiops_format.h"
#include "fit/fit.h"

#define T0 1709510400.0

typedef struct out {
    size_t fired, resolved, bands, bad_score;
    double fire_ts[64];
    double last_expected, threshold;
    char model[32];
} out;

static int emit(void *ctx, const aiops_record *r, aiops_err *err)
{
    (void)err;
    out *o = ctx;
    if (r->type == AIOPS_R_BAND) {
        o->bands++;
        json_t *s = json_object_get(r->obj, "anomaly_score");
        double v = json_number_value(s);
        if (!json_is_number(s) || !(v >= 0 && v <= 1))
            o->bad_score++;
        o->last_expected = json_number_value(json_object_get(r->obj, "expected"));
        snprintf(o->model, sizeof o->model, "%s",
                 json_string_value(json_object_get(r->obj, "model")));
    } else if (r->type == AIOPS_R_ANOMALY) {
        const char *st = json_string_value(json_object_get(r->obj, "state"));
        if (st && !strcmp(st, "firing")) {
            if (o->fired < 64)
                o->fire_ts[o->fired] = r->ts;
            o->fired++;
            o->threshold = json_number_value(json_object_get(r->obj, "threshold"));
        } else {
            o->resolved++;
        }
    }
    return 0;
}

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static double noise(void)
{
    double s = 0;   /* Irwin-Hall: about Gaussian, sd 1 */
    for (int i = 0; i < 12; i++) {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        s += (double)(rng >> 11) / 9007199254740992.0;
    }
    return s - 6;
}

/* Settings of a run: DEFAULTS (no model option, 5-minute points), or
 * ewma at --threshold 0.9999 trained on the first 500 of 1-minute points,
 * with --plain-updates if PLAIN; RAW: counters judged raw. */
enum { ROBUST = 0, PLAIN = 1, DEFAULTS = 2, RAW = 4 };

/* n points; value(i) from f. */
static void run(const char *name, double (*f)(size_t), size_t n, int how, out *o)
{
    aiops_series_table *tab = aiops_series_table_new();
    aiops_err err = {0};
    uint32_t sid;
    assert_int_equal(aiops_series_intern_text(tab, name, strlen(name), &sid, &err), 0);
    aiops_fit_opts fo;
    aiops_fit_opts_init(&fo);
    double step = how & DEFAULTS ? 300 : 60;
    if (!(how & DEFAULTS)) {
        fo.model = "ewma";
        fo.model_given = 1;
        fo.train_until = T0 + 500 * 60;
        fo.threshold = 0.9999;
        fo.plain_updates = how & PLAIN;
    }
    fo.no_counter_rate = !!(how & RAW);
    fo.no_samples = 1;
    fo.bands = 1;
    aiops_fit *fit = NULL;
    memset(o, 0, sizeof *o);
    assert_int_equal(aiops_fit_new(&fit, &fo, tab, emit, o, &err), 0);
    for (size_t i = 0; i < n; i++) {
        aiops_record r = {.type = AIOPS_R_SAMPLE, .sid = sid, .ts = T0 + step * i, .value = f(i)};
        assert_int_equal(aiops_fit_push(fit, &r, &err), 0);
    }
    assert_int_equal(aiops_fit_finish(fit, &err), 0);
    aiops_fit_free(fit);
    aiops_series_table_free(tab);
}

static double shift(size_t i)
{
    return (i < 2000 ? 100 : 130) + noise();
}

static void test_level_shift(void **state)
{
    (void)state;
    out o;
    run("cpu", shift, 4000, 0, &o);
    assert_int_equal(o.bad_score, 0);
    assert_int_equal(o.bands, 3500);
    /* one event at the shift (noise may add one or two elsewhere) */
    size_t at_shift = 0, after = 0;
    for (size_t i = 0; i < o.fired && i < 64; i++) {
        at_shift += o.fire_ts[i] >= T0 + 2000 * 60 && o.fire_ts[i] < T0 + 2013 * 60;
        after += o.fire_ts[i] >= T0 + 2013 * 60;
    }
    assert_int_equal(at_shift, 1);
    assert_true(after <= 1);
    assert_true(o.fired <= 3);
    assert_true(fabs(o.last_expected - 130) < 2);   /* the new level is learned */
}

/* A counter growing 10/s with jitter, reset to 0 at point 2000. */
static double counter(size_t i)
{
    static double c;
    if (i == 0)
        c = 0;
    if (i == 2000)
        c = 0;
    c += 600 + 20 * noise();
    return c;
}

static void test_counter_reset(void **state)
{
    (void)state;
    out o;
    run("requests_total", counter, 4000, 0, &o);
    for (size_t i = 0; i < o.fired && i < 64; i++)
        assert_false(o.fire_ts[i] >= T0 + 2000 * 60 && o.fire_ts[i] < T0 + 2010 * 60);
}

static void test_defaults_counter_reset(void **state)
{
    (void)state;
    out o;
    run("requests_total", counter, 4000, DEFAULTS, &o);
    assert_string_equal(o.model, "likelihood");
    /* half a day (144 points; the first has no rate) trains, the rest is
     * scored, each band with its score */
    assert_int_equal(o.bands, 4000 - 144);
    assert_int_equal(o.bad_score, 0);
    assert_int_equal(o.fired, 0);
    /* the same counter judged raw: the reset is a drop from 1.2 M to 600 */
    run("requests_total", counter, 4000, DEFAULTS | RAW, &o);
    assert_true(o.fired >= 1 && o.fired <= 3);
    assert_true(o.threshold == AIOPS_FIT_DEFAULT_P);
    size_t at = 0;
    for (size_t i = 0; i < o.fired; i++)
        at += o.fire_ts[i] == T0 + 2000 * 300;
    assert_int_equal(at, 1);
}

static double spiky(size_t i)
{
    return 50 + noise() + (i == 1000 ? 20 : 0);
}

static void test_defaults_spike(void **state)
{
    (void)state;
    out o;
    run("latency", spiky, 2000, DEFAULTS, &o);
    assert_int_equal(o.fired, 1);
    assert_int_equal(o.resolved, 1);
    assert_true(o.fire_ts[0] == T0 + 1000 * 300);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_level_shift),
        cmocka_unit_test(test_counter_reset),
        cmocka_unit_test(test_defaults_counter_reset),
        cmocka_unit_test(test_defaults_spike),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
