/* test_fit_default.c - the aiops-fit engine with its defaults (no model
 * option): the likelihood model judged by its own score at
 * AIOPS_FIT_DEFAULT_P, half a period of training; a counter reset is no
 * anomaly (the counter is judged as a rate), while the same counter judged
 * raw alarms at the reset; a spike is one event of one point. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aiops_format.h"
#include "fit/fit.h"

#define T0 1709510400.0
#define STEP 300.0

typedef struct out {
    size_t bands, scored_bands, firing, resolved;
    double fire_ts[16], threshold;
    char model[32];
} out;

static int emit(void *ctx, const aiops_record *r, aiops_err *err)
{
    (void)err;
    out *o = ctx;
    if (r->type == AIOPS_R_BAND) {
        o->bands++;
        json_t *s = json_object_get(r->obj, "anomaly_score");
        o->scored_bands += json_is_number(s);
        snprintf(o->model, sizeof o->model, "%s",
                 json_string_value(json_object_get(r->obj, "model")));
    } else if (r->type == AIOPS_R_ANOMALY) {
        const char *st = json_string_value(json_object_get(r->obj, "state"));
        if (strcmp(st, "firing") == 0) {
            if (o->firing < 16)
                o->fire_ts[o->firing] = r->ts;
            o->firing++;
            o->threshold = json_number_value(json_object_get(r->obj, "threshold"));
        } else {
            o->resolved++;
        }
    }
    return 0;
}

/* Deterministic noise in [-1, 1). */
static double noise(size_t i)
{
    uint64_t z = i * 0x9E3779B97F4A7C15ULL + 77;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0 * 2 - 1;
}

/* Run name over n points of value(i); opts defaults unless raw. */
static void run(const char *name, size_t n, double (*value)(size_t), int raw, out *o)
{
    aiops_series_table *tab = aiops_series_table_new();
    aiops_err err = {0};
    uint32_t sid;
    assert_int_equal(aiops_series_intern_text(tab, name, strlen(name), &sid, &err), 0);
    aiops_fit_opts opts;
    aiops_fit_opts_init(&opts);
    opts.bands = 1;
    opts.no_samples = 1;
    opts.no_counter_rate = raw;
    aiops_fit *f = NULL;
    memset(o, 0, sizeof *o);
    assert_int_equal(aiops_fit_new(&f, &opts, tab, emit, o, &err), 0);
    for (size_t i = 0; i < n; i++) {
        aiops_record r = {.type = AIOPS_R_SAMPLE, .sid = sid, .ts = T0 + (double)i * STEP,
                          .value = value(i)};
        assert_int_equal(aiops_fit_push(f, &r, &err), 0);
    }
    assert_int_equal(aiops_fit_finish(f, &err), 0);
    aiops_fit_free(f);
    aiops_series_table_free(tab);
}

/* A counter growing 3000 +- 300 per 5 minutes (10/s), restarted at point
 * 1500: the process restarted right after the previous sample, so the
 * first sample after the reset is one interval's increase. */
static double counter(size_t i)
{
    double c = 0;
    size_t from = i >= 1500 ? 1500 : 0;
    for (size_t j = from; j <= i; j++)
        c += 3000 + 300 * noise(j);
    return c;
}

static void test_counter_reset(void **state)
{
    (void)state;
    out o;
    run("requests_total{job=\"api\"}", 2000, counter, 0, &o);
    assert_string_equal(o.model, "likelihood");
    /* half a day (144 points; the first has no rate) trains, the rest is
     * scored, each band with its score */
    assert_int_equal(o.bands, 2000 - 144);
    assert_int_equal(o.scored_bands, o.bands);
    assert_int_equal(o.firing, 0);
    /* the same counter judged raw: the reset is a drop from 4.5 M to 3000 */
    run("requests_total{job=\"api\"}", 2000, counter, 1, &o);
    assert_true(o.firing >= 1);
    assert_true(o.threshold == AIOPS_FIT_DEFAULT_P);
    assert_true(o.fire_ts[0] == T0 + 1500 * STEP);
}

static double spiky(size_t i)
{
    return 50 + 2 * noise(i) + (i == 1000 ? 40 : 0);
}

static void test_spike_one_event(void **state)
{
    (void)state;
    out o;
    run("latency{job=\"api\"}", 2000, spiky, 0, &o);
    assert_int_equal(o.firing, 1);
    assert_int_equal(o.resolved, 1);
    assert_true(o.fire_ts[0] == T0 + 1000 * STEP);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counter_reset),
        cmocka_unit_test(test_spike_one_event),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
