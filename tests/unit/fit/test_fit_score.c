/* test_fit_score.c - the engine's calibrated score and --threshold
 * (libcore/fit/fit.c with models/calib.c): a level shift fires once and
 * is re-learned after confirmation (robust updates), while plain updates
 * keep the band wide for long; band records carry anomaly_score in
 * [0, 1]; a counter reset is no anomaly. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "aiops_format.h"
#include "fit/fit.h"

#define T0 1709510400.0

typedef struct out {
    size_t fired, bands, bad_score;
    double fire_ts[64];
    double last_expected;
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
    } else if (r->type == AIOPS_R_ANOMALY) {
        const char *st = json_string_value(json_object_get(r->obj, "state"));
        if (st && !strcmp(st, "firing")) {
            if (o->fired < 64)
                o->fire_ts[o->fired] = r->ts;
            o->fired++;
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

/* n points every 60 s; value(i) from f; train on the first 500. */
static void run(const char *name, double (*f)(size_t), size_t n, int plain, out *o)
{
    aiops_series_table *tab = aiops_series_table_new();
    aiops_err err = {0};
    uint32_t sid;
    assert_int_equal(aiops_series_intern_text(tab, name, strlen(name), &sid, &err), 0);
    aiops_fit_opts fo;
    aiops_fit_opts_init(&fo);
    fo.model = "ewma";
    fo.model_given = 1;
    fo.train_until = T0 + 500 * 60;
    fo.no_samples = 1;
    fo.bands = 1;
    fo.threshold = 0.9999;
    fo.plain_updates = plain;
    aiops_fit *fit = NULL;
    memset(o, 0, sizeof *o);
    assert_int_equal(aiops_fit_new(&fit, &fo, tab, emit, o, &err), 0);
    for (size_t i = 0; i < n; i++) {
        aiops_record r = {.type = AIOPS_R_SAMPLE, .sid = sid, .ts = T0 + 60.0 * i, .value = f(i)};
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_level_shift),
        cmocka_unit_test(test_counter_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
