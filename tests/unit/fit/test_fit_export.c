/* test_fit_export.c - what aiops-fit hands on: --tune (objective parsing,
 * which labels apply to which series, the tune record, the tuned model
 * kept and saved) and --emit-promrules (expressions per model, static
 * rules once, for: durations, YAML quoting of odd label values), and
 * model parameters from option text. */
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
#include "fit/fit.h"

#define T0 1709510400.0

/* Collects the non-sample output records (JSON objects). */
typedef struct sink {
    json_t *recs;
} sink;

static int sink_emit(void *ctx, const aiops_record *r, aiops_err *err)
{
    (void)err;
    sink *s = ctx;
    if (r->type != AIOPS_R_SAMPLE && r->obj)
        json_array_append(s->recs, r->obj);
    return 0;
}

static size_t count_type(const sink *s, const char *type)
{
    size_t n = 0, i;
    json_t *r;
    json_array_foreach(s->recs, i, r) {
        n += strcmp(json_string_value(json_object_get(r, "type")), type) == 0;
    }
    return n;
}

static json_t *first_type(const sink *s, const char *type)
{
    size_t i;
    json_t *r;
    json_array_foreach(s->recs, i, r) {
        if (strcmp(json_string_value(json_object_get(r, "type")), type) == 0)
            return r;
    }
    return NULL;
}

static char *write_tmp(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/aiops-test-fit-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

/* 3000 points a minute apart of a noisy level; +25 for 20 minutes at
 * points 2000 and 2600 (the labelled incidents). */
static double value_at(size_t i)
{
    double v = 50 + 2 * sin((double)i * 12.9898) * cos((double)i * 78.233);
    if ((i >= 2000 && i < 2020) || (i >= 2600 && i < 2620))
        v += 25;
    return v;
}

static aiops_fit *feed(aiops_fit_opts *o, aiops_series_table *tab, sink *out, const char *series,
                       const char *labels_text)
{
    aiops_err err = {0};
    aiops_fit *f = NULL;
    assert_int_equal(aiops_fit_new(&f, o, tab, sink_emit, out, &err), 0);
    if (labels_text) {
        char *p = write_tmp(labels_text);
        int n = aiops_fit_load_labels(f, p, &err);
        unlink(p);
        if (n < 0)
            fail_msg("labels: %s", err.msg);
    }
    uint32_t sid;
    assert_int_equal(aiops_series_intern_text(tab, series, strlen(series), &sid, &err), 0);
    for (size_t i = 0; i < 3000; i++) {
        aiops_record r = {.type = AIOPS_R_SAMPLE, .sid = sid, .ts = T0 + 60.0 * (double)i,
                          .value = value_at(i)};
        assert_int_equal(aiops_fit_push(f, &r, &err), 0);
    }
    if (aiops_fit_finish(f, &err))
        fail_msg("finish: %s", err.msg);
    return f;
}

static const char *LABELS =
    "{\"type\":\"label\",\"ts\":1709630400,\"id\":\"a\",\"start\":1709630400,\"end\":1709631600,"
    "\"root_cause\":\"api\",\"kind\":\"latency\",\"series\":[\"lat{service=\\\"api\\\"}\"]}\n"
    "{\"type\":\"label\",\"ts\":1709666400,\"id\":\"b\",\"start\":\"2024-03-05T19:20:00Z\","
    "\"end\":1709667600,\"root_cause\":\"api\",\"kind\":\"latency\",\"series\":[\"lat{service=\\\"api\\\"}\"]}\n";

/* ------------------------------------------------------------ tune */

static void test_objective_parse(void **state)
{
    aiops_fit_objective o;
    aiops_err err = {0};
    assert_int_equal(aiops_fit_objective_parse("f1", &o, &err), 0);
    assert_int_equal(o.kind, AIOPS_OBJ_F1);
    assert_int_equal(aiops_fit_objective_parse("nab", &o, &err), 0);
    assert_int_equal(o.kind, AIOPS_OBJ_NAB);
    assert_int_equal(aiops_fit_objective_parse("recall-at-fa:2.5", &o, &err), 0);
    assert_int_equal(o.kind, AIOPS_OBJ_RECALL_AT_FA);
    assert_true(o.max_fa == 2.5);
    static const char *bad[] = {"F1", "recall-at-fa:", "recall-at-fa:-1", "recall-at-fa:x", "auc"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(aiops_fit_objective_parse(bad[i], &o, &err), AIOPS_EINVAL);
        assert_non_null(strstr(err.msg, bad[i]));
    }
}

static void check_tune(aiops_objective_kind kind, const char *model)
{
    aiops_series_table *tab = aiops_series_table_new();
    sink out = {json_array()};
    aiops_fit_opts o;
    aiops_fit_opts_init(&o);
    o.model = model;
    o.model_given = 1;
    o.train = 1000 * 60;
    o.tune = 1;
    o.objective.kind = kind;
    o.objective.max_fa = 2;
    aiops_fit *f = feed(&o, tab, &out, "lat{service=\"api\"}", LABELS);
    /* while tuning: no band or anomaly records, one tune record at the end */
    assert_int_equal(count_type(&out, "anomaly"), 0);
    assert_int_equal(count_type(&out, "tune"), 1);
    json_t *t = first_type(&out, "tune");
    json_t *before = json_object_get(t, "before"), *after = json_object_get(t, "after");
    assert_string_equal(json_string_value(json_object_get(t, "series")), "lat{service=\"api\"}");
    assert_string_equal(json_string_value(json_object_get(t, "model")), model);
    assert_int_equal(json_integer_value(json_object_get(after, "windows")), 2);
    double vb = json_is_number(json_object_get(before, "value"))
                    ? json_number_value(json_object_get(before, "value")) : -1;
    double va = json_number_value(json_object_get(after, "value"));
    assert_true(va >= vb);
    assert_int_equal(json_integer_value(json_object_get(after, "detected")), 2);
    /* the kept model is the chosen one: saved with the tuned parameters */
    aiops_err err = {0};
    json_t *doc = aiops_fit_save(f, &err);
    json_t *dets = json_object_get(json_object_get(doc, "series"), "lat{service=\"api\"}");
    assert_int_equal(json_array_size(dets), 1);
    assert_true(json_equal(json_object_get(json_array_get(dets, 0), "params"),
                           json_object_get(after, "params")));
    json_decref(doc);
    aiops_fit_free(f);
    json_decref(out.recs);
    aiops_series_table_free(tab);
}

static void test_tune_objectives(void **state)
{
    check_tune(AIOPS_OBJ_F1, "ewma");
    check_tune(AIOPS_OBJ_NAB, "ewma");
    check_tune(AIOPS_OBJ_RECALL_AT_FA, "robust");
    check_tune(AIOPS_OBJ_F1, "seasonal");
}

/* Labels name series, or services, or nobody: which series they apply to. */
static void test_tune_label_scope(void **state)
{
    static const struct {
        const char *series, *labels;
        int windows;
    } cases[] = {
        /* named series only */
        {"lat{service=\"web\"}", NULL, 0},
        /* by root cause / affected service */
        {"lat{service=\"api\"}",
         "{\"type\":\"label\",\"ts\":1709630400,\"id\":\"a\",\"start\":1709630400,"
         "\"end\":1709631600,\"root_cause\":\"api\",\"kind\":\"x\"}\n", 1},
        {"lat{service=\"db\"}",
         "{\"type\":\"label\",\"ts\":1709630400,\"id\":\"a\",\"start\":1709630400,"
         "\"end\":1709631600,\"root_cause\":\"api\",\"affected\":[\"db\"],\"kind\":\"x\"}\n", 1},
        {"lat{service=\"web\"}",
         "{\"type\":\"label\",\"ts\":1709630400,\"id\":\"a\",\"start\":1709630400,"
         "\"end\":1709631600,\"root_cause\":\"api\",\"affected\":[\"db\"],\"kind\":\"x\"}\n", 0},
        /* a series without a service label gets every label */
        {"lat{host=\"h\"}",
         "{\"type\":\"label\",\"ts\":1709630400,\"id\":\"a\",\"start\":1709630400,"
         "\"end\":1709631600,\"root_cause\":\"api\",\"kind\":\"x\"}\n", 1},
        /* a label inside the training window does not count */
        {"lat{host=\"h\"}",
         "{\"type\":\"label\",\"ts\":1709510400,\"id\":\"a\",\"start\":1709510400,"
         "\"end\":1709511000,\"root_cause\":\"api\",\"kind\":\"x\"}\n", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        aiops_series_table *tab = aiops_series_table_new();
        sink out = {json_array()};
        aiops_fit_opts o;
        aiops_fit_opts_init(&o);
        o.model = "ewma";
        o.model_given = 1;
        o.train = 1000 * 60;
        o.tune = 1;
        aiops_fit *f = feed(&o, tab, &out, cases[i].series, cases[i].labels ? cases[i].labels : LABELS);
        json_t *after = json_object_get(first_type(&out, "tune"), "after");
        if (json_integer_value(json_object_get(after, "windows")) != cases[i].windows)
            fail_msg("case %zu: %lld windows, expected %d", i,
                     (long long)json_integer_value(json_object_get(after, "windows")),
                     cases[i].windows);
        if (!cases[i].windows) {    /* nothing to tune against: kept as given */
            assert_true(json_is_null(json_object_get(after, "value")));
            assert_non_null(json_object_get(first_type(&out, "tune"), "note"));
        }
        aiops_fit_free(f);
        json_decref(out.recs);
        aiops_series_table_free(tab);
    }
}

static void test_labels_errors(void **state)
{
    aiops_series_table *tab = aiops_series_table_new();
    aiops_fit_opts o;
    aiops_fit_opts_init(&o);
    aiops_fit *f;
    aiops_err err = {0};
    sink out = {json_array()};
    assert_int_equal(aiops_fit_new(&f, &o, tab, sink_emit, &out, &err), 0);
    char *p = write_tmp("{\"type\":\"event\",\"ts\":1,\"kind\":\"deploy\"}\n");
    assert_int_equal(aiops_fit_load_labels(f, p, &err), AIOPS_EPARSE);
    assert_non_null(strstr(err.msg, "expected label records"));
    unlink(p);
    p = write_tmp("{\"type\":\"label\",\"ts\":5,\"id\":\"a\",\"start\":5,\"end\":1,\"root_cause\":\"x\"}\n");
    assert_int_equal(aiops_fit_load_labels(f, p, &err), AIOPS_EPARSE);
    assert_non_null(strstr(err.msg, "start <= end"));
    unlink(p);
    aiops_fit_free(f);
    json_decref(out.recs);
    aiops_series_table_free(tab);
}

/* ------------------------------------------------------------ promrules */

static char *render(aiops_fit_opts *o, const char *series, double min_dur, double for_dur)
{
    aiops_series_table *tab = aiops_series_table_new();
    sink out = {json_array()};
    aiops_fit *f = feed(o, tab, &out, series, NULL);
    char *text = NULL;
    aiops_err err = {0};
    assert_int_equal(aiops_promrules_render(f, min_dur, for_dur, &text, &err), 0);
    aiops_fit_free(f);
    json_decref(out.recs);
    aiops_series_table_free(tab);
    return text;
}

/* ewma forced on every series, trained for `train` seconds. */
static void ewma_opts(aiops_fit_opts *o, double train, double k)
{
    aiops_fit_opts_init(o);
    o->model = "ewma";
    o->model_given = 1;
    o->train = train;
    o->params.k = k;
}

static void test_promrules(void **state)
{
    aiops_fit_opts o;
    ewma_opts(&o, 600, 3.5);
    o.params.window = 1800;
    /* a label value with a quote: YAML single quotes double it.  The rule
     * is the model's band at its first scored point (ewma: closed from the
     * start), with the series as the label aiops_series */
    aiops_series_table *tab0 = aiops_series_table_new();
    sink out0 = {json_array()};
    o.bands = 1;
    aiops_fit *f0 = feed(&o, tab0, &out0, "lat{path=\"/it's\"}", NULL);
    json_t *b0 = first_type(&out0, "band");
    char lo[40], up[40], want[512];
    aiops_fmt_double(json_real_value(json_object_get(b0, "lower")), lo);
    aiops_fmt_double(json_real_value(json_object_get(b0, "upper")), up);
    char *t;
    aiops_err e0 = {0};
    assert_int_equal(aiops_promrules_render(f0, 5400, NAN, &t, &e0), 0);
    aiops_fit_free(f0);
    json_decref(out0.recs);
    aiops_series_table_free(tab0);
    o.bands = 0;
    assert_non_null(strstr(t, "groups:\n  - name: 'aiops-fit'\n    rules:\n      - alert: 'lat_anomaly'\n"));
    snprintf(want, sizeof want, "        expr: 'lat{path=\"/it''s\"} < %s or lat{path=\"/it''s\"} > %s'\n",
             lo, up);
    assert_non_null(strstr(t, want));
    assert_non_null(strstr(t, "        for: '1h30m'\n"));
    assert_non_null(strstr(t, "          model: 'ewma'\n"));
    assert_non_null(strstr(t, "          aiops_series: 'lat{path=\"/it''s\"}'\n"));
    assert_non_null(strstr(t, "          backtest: '2990 points from 2024-03-04T00:10:00Z: "));
    free(t);

    o.model = "seasonal";
    o.params.width = 0.95;
    o.params.window = NAN;
    t = render(&o, "cpu", 0.25, NAN);
    assert_non_null(strstr(t, "expr: 'cpu < "));
    assert_non_null(strstr(t, "(the envelope of its bands over the first period scored)"));
    assert_non_null(strstr(t, "for: '250ms'"));
    free(t);

    /* static rules: as written, once, with the for: duration */
    aiops_fit_rule rules[2];
    aiops_err err = {0};
    assert_int_equal(aiops_fit_rule_parse("lat > 70", &rules[0], &err), 0);
    assert_int_equal(aiops_fit_rule_parse("lat{path=~\"/.*|a>b\"} <= 1e-3", &rules[1], &err), 0);
    aiops_fit_opts_init(&o);
    o.rules = rules;
    o.nrules = 2;
    t = render(&o, "lat{path=\"/a\"}", 0, 120);
    assert_non_null(strstr(t, "      - alert: 'lat_threshold'\n        expr: 'lat > 70'\n        for: '2m'\n"));
    assert_non_null(strstr(t, "expr: 'lat{path=~\"/.*|a>b\"} <= 0.001'"));
    assert_null(strstr(strstr(t, "expr: 'lat > 70'") + 1, "expr: 'lat > 70'"));
    free(t);
    aiops_fit_rule_free(&rules[0]);
    aiops_fit_rule_free(&rules[1]);

    /* nothing fitted: still a valid file */
    aiops_series_table *tab = aiops_series_table_new();
    aiops_fit *f;
    sink out = {json_array()};
    aiops_fit_opts_init(&o);
    assert_int_equal(aiops_fit_new(&f, &o, tab, sink_emit, &out, &err), 0);
    assert_int_equal(aiops_fit_finish(f, &err), 0);
    assert_int_equal(aiops_promrules_render(f, 0, NAN, &t, &err), 0);
    assert_non_null(strstr(t, "    rules:\n      []\n"));
    free(t);
    aiops_fit_free(f);
    json_decref(out.recs);
    aiops_series_table_free(tab);
}

/* The exported rule's backtest: a level model adapts to a level shift and
 * stops alerting, the frozen rule does not: the rule has one long alert
 * matching the model's one event, precision 1, recall 1; a second, short
 * spike fires both again. */
static void test_export_backtest(void **state)
{
    aiops_fit_opts o;
    ewma_opts(&o, 3600, 3);
    o.params.alpha = 0.5;
    o.bands = 1;
    aiops_series_table *tab = aiops_series_table_new();
    sink out = {json_array()};
    aiops_err err = {0};
    aiops_fit *f = NULL;
    assert_int_equal(aiops_fit_new(&f, &o, tab, sink_emit, &out, &err), 0);
    uint32_t sid;
    assert_int_equal(aiops_series_intern_text(tab, "x", 1, &sid, &err), 0);
    for (size_t i = 0; i < 200; i++) {
        /* 9/11 alternating; level 40 from point 100 on; a spike at 150 */
        double v = i % 2 ? 11 : 9;
        if (i >= 100)
            v += 30;
        if (i == 150)
            v = 400;
        aiops_record r = {.type = AIOPS_R_SAMPLE, .sid = sid, .ts = T0 + 60.0 * (double)i, .value = v};
        assert_int_equal(aiops_fit_push(f, &r, &err), 0);
    }
    assert_int_equal(aiops_fit_finish(f, &err), 0);
    json_t *b0 = first_type(&out, "band");
    char *t;
    assert_int_equal(aiops_promrules_render(f, 0, NAN, &t, &err), 0);
    /* the model's first band (closed after training) is the rule */
    char lo[40], up[40], want[256];
    aiops_fmt_double(json_real_value(json_object_get(b0, "lower")), lo);
    aiops_fmt_double(json_real_value(json_object_get(b0, "upper")), up);
    snprintf(want, sizeof want, "expr: 'x < %s or x > %s'", lo, up);
    if (!strstr(t, want))
        fail_msg("want %s in\n%s", want, t);
    /* judged from point 60 (training: the first hour): 140 points; the
     * shift to 40 makes one alert that lasts to the end (the spike is
     * inside it), the model fires at the shift, resolves when it has
     * adapted, and fires again at the spike */
    assert_non_null(strstr(t, "backtest: '140 points from 2024-03-04T01:00:00Z: 1 alerts (the first at "
                              "2024-03-04T01:40:00Z), 1 during a "
                              "model event (precision 1); the model had 2 events, 2 alerted (recall 1)'"));
    free(t);
    assert_int_equal(count_type(&out, "anomaly"), 4);
    aiops_fit_free(f);
    json_decref(out.recs);
    aiops_series_table_free(tab);
}

/* ------------------------------------------------------------ params */

static void test_param_set(void **state)
{
    aiops_model_params p;
    aiops_model_params_init(&p);
    aiops_err err = {0};
    assert_int_equal(aiops_fit_param_set(&p, "k", "2.5", &err), 0);
    assert_int_equal(aiops_fit_param_set(&p, "period", "1w", &err), 0);
    assert_int_equal(aiops_fit_param_set(&p, "window", "90m", &err), 0);
    assert_int_equal(aiops_fit_param_set(&p, "daily-order", "6", &err), 0);
    assert_int_equal(aiops_fit_param_set(&p, "order", "2,1,0", &err), 0);
    assert_int_equal(aiops_fit_param_set(&p, "seasonal-order", "0,1,1", &err), 0);
    assert_int_equal(aiops_fit_param_set(&p, "multiplicative", NULL, &err), 0);
    assert_true(p.k == 2.5 && p.period == 604800 && p.window == 5400 && p.daily_order == 6);
    assert_true(p.p == 2 && p.d == 1 && p.q == 0 && p.P == 0 && p.D == 1 && p.Q == 1);
    assert_int_equal(p.multiplicative, 1);
    static const char *bad[][2] = {{"k", "x"},        {"k", "-1"},         {"period", "5x"},
                                   {"order", "1,1"},  {"order", "1,1,1,1"}, {"order", "a,b,c"},
                                   {"daily-order", "2.5"}, {"nonsense", "1"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (aiops_fit_param_set(&p, bad[i][0], bad[i][1], &err) != AIOPS_EINVAL)
            fail_msg("accepted --%s %s", bad[i][0], bad[i][1]);
        assert_non_null(strstr(err.msg, bad[i][0]));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_objective_parse),
        cmocka_unit_test(test_tune_objectives),
        cmocka_unit_test(test_tune_label_scope),
        cmocka_unit_test(test_labels_errors),
        cmocka_unit_test(test_promrules),
        cmocka_unit_test(test_export_backtest),
        cmocka_unit_test(test_param_set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
