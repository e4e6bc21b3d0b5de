/* test_fit.c - the aiops-fit engine (libcore/fit*.c): static rule parsing,
 * the anomaly score, the debouncer (min-duration / for:, cooldown, event
 * merging, missing data), no look-ahead (changing a future point never
 * changes earlier output, for every model), training windows and the cap,
 * pass-through and --no-samples, forecasts, save/load round trips and
 * merging, seasonality detection and auto's choice. */
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

#define DAY 86400.0
#define T0 1709510400.0          /* 2024-03-04T00:00:00Z */

/* ------------------------------------------------------------ helpers */

/* Output captured as text lines "type ts json-of-obj-or-value". */
typedef struct cap {
    char **line;
    size_t n, cap;
} cap;

static int cap_emit(void *ctx, const aiops_record *r, aiops_err *err)
{
    (void)err;
    cap *c = ctx;
    char *js = r->obj ? json_dumps(r->obj, JSON_SORT_KEYS | JSON_COMPACT | JSON_REAL_PRECISION(17))
                      : NULL;
    char buf[256];
    snprintf(buf, sizeof buf, "%s %.17g sid=%u v=%.17g ", aiops_rtype_name(r->type), r->ts,
             r->type == AIOPS_R_SAMPLE ? r->sid : 0, r->type == AIOPS_R_SAMPLE ? r->value : 0);
    size_t n = strlen(buf) + (js ? strlen(js) : 0) + 1;
    char *l = malloc(n);
    snprintf(l, n, "%s%s", buf, js ? js : "");
    free(js);
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 1024;
        c->line = realloc(c->line, c->cap * sizeof *c->line);
    }
    c->line[c->n++] = l;
    return 0;
}

static void cap_free(cap *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->line[i]);
    free(c->line);
    memset(c, 0, sizeof *c);
}

static size_t cap_count(const cap *c, const char *prefix)
{
    size_t k = 0;
    for (size_t i = 0; i < c->n; i++)
        k += strncmp(c->line[i], prefix, strlen(prefix)) == 0;
    return k;
}

static double cap_ts(const cap *c, size_t i)
{
    return strtod(strchr(c->line[i], ' ') + 1, NULL);
}

/* A daily-seasonal series: hump by day, noise, one level shift of +30
 * on day `bad_day` 10:00-14:00 (if >= 0). */
static double synth(size_t i, double step, int bad_day)
{
    double t = (double)i * step, h = fmod(t, DAY) / 3600;
    double v = 30 + 20 * sin(2 * 3.14159265358979 * (h - 6) / 24);
    v += 1.5 * sin((double)i * 12.9898) * cos((double)i * 78.233);   /* deterministic noise */
    if (bad_day >= 0 && (int)(t / DAY) == bad_day && h >= 10 && h < 14)
        v += 30;
    return v;
}

typedef struct run_cfg {
    const char *model;
    size_t n;
    double step;
    int bad_day;
    size_t change_at;          /* index of a point to alter, or SIZE_MAX */
    double change_to;
    aiops_fit_opts o;
} run_cfg;

static void cfg_init(run_cfg *rc, const char *model, size_t n)
{
    memset(rc, 0, sizeof *rc);
    rc->model = model;
    rc->n = n;
    rc->step = 300;
    rc->bad_day = -1;
    rc->change_at = SIZE_MAX;
    aiops_fit_opts_init(&rc->o);
    rc->o.model = model;
    rc->o.model_given = 1;
    rc->o.train = 7 * DAY;
    rc->o.bands = 1;
}

/* Run the engine over the synthetic series (and an event record every
 * 1000 points to check pass-through); returns the engine (caller frees). */
static aiops_fit *run(run_cfg *rc, aiops_series_table *tab, cap *out, int finish)
{
    aiops_err err = {0};
    uint32_t sid;
    assert_int_equal(aiops_series_intern_text(tab, "cpu{host=\"a\"}", 13, &sid, &err), 0);
    aiops_fit *f = NULL;
    assert_int_equal(aiops_fit_new(&f, &rc->o, tab, cap_emit, out, &err), 0);
    for (size_t i = 0; i < rc->n; i++) {
        aiops_record r = {.type = AIOPS_R_SAMPLE, .sid = sid, .ts = T0 + (double)i * rc->step};
        r.value = i == rc->change_at ? rc->change_to : synth(i, rc->step, rc->bad_day);
        int e = aiops_fit_push(f, &r, &err);
        if (e)
            fail_msg("push %zu: %s", i, err.msg);
        if (i % 1000 == 999) {
            aiops_record ev = {.type = AIOPS_R_EVENT, .ts = r.ts, .obj = json_object()};
            json_object_set_new(ev.obj, "kind", json_string("deploy"));
            assert_int_equal(aiops_fit_push(f, &ev, &err), 0);
            aiops_record_clear(&ev);
        }
    }
    if (finish && aiops_fit_finish(f, &err))
        fail_msg("finish: %s", err.msg);
    return f;
}

/* ------------------------------------------------------------ rules */

static void test_rule_parse(void **state)
{
    aiops_fit_rule r;
    aiops_err err = {0};
    assert_int_equal(aiops_fit_rule_parse("cpu>80", &r, &err), 0);
    assert_string_equal(r.op, ">");
    assert_true(r.threshold == 80);
    assert_string_equal(r.text, "cpu>80");
    aiops_fit_rule_free(&r);

    assert_int_equal(aiops_fit_rule_parse("  mem{path=\"a>b\"} <= 0.5e-1 ", &r, &err), 0);
    assert_string_equal(r.op, "<=");
    assert_true(r.threshold == 0.05);
    assert_string_equal(r.text, "mem{path=\"a>b\"} <= 0.5e-1");
    aiops_series_table *tab = aiops_series_table_new();
    uint32_t a, b;
    assert_int_equal(aiops_series_intern_text(tab, "mem{path=\"a>b\"}", 15, &a, &err), 0);
    assert_int_equal(aiops_series_intern_text(tab, "mem{path=\"x\"}", 13, &b, &err), 0);
    assert_true(aiops_selector_match(r.sel, aiops_series_get(tab, a)));
    assert_false(aiops_selector_match(r.sel, aiops_series_get(tab, b)));
    aiops_fit_rule_free(&r);
    aiops_series_table_free(tab);

    static const char *bad[] = {"cpu", "cpu>", ">80", "cpu>eighty", "cpu > 80 90", "cpu>NaN",
                                "cp u>80", "cpu{host=\"a\">80"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&err, 0, sizeof err);
        if (aiops_fit_rule_parse(bad[i], &r, &err) == 0)
            fail_msg("accepted '%s'", bad[i]);
        assert_int_equal(err.code, AIOPS_EINVAL);
        assert_non_null(strstr(err.msg, bad[i]));
        aiops_fit_rule_free(&r);
    }
}

static void test_score(void **state)
{
    aiops_band b = {50, 40, 60};
    assert_true(aiops_fit_score(55, &b) == 0);
    assert_true(aiops_fit_score(60, &b) == 0);
    assert_true(aiops_fit_score(70, &b) == 2);          /* 20 / 10 */
    assert_true(aiops_fit_score(35, &b) == 1.5);
    assert_true(aiops_fit_score(NAN, &b) == 0);
    aiops_band st = {80, -INFINITY, 80};                 /* static cpu>80 */
    assert_true(aiops_fit_score(91, &st) == 11);
    aiops_band none = {NAN, -INFINITY, INFINITY};
    assert_true(aiops_fit_score(1e300, &none) == 0);
}

/* ------------------------------------------------------------ debounce */

static void test_debounce_immediate(void **state)
{
    aiops_debounce d;
    aiops_debounce_init(&d, 0, 0);
    assert_int_equal(aiops_debounce_step(&d, 0, 0, 0), AIOPS_DB_NONE);
    assert_int_equal(aiops_debounce_step(&d, 60, 1, 2), AIOPS_DB_FIRE);
    assert_true(d.start == 60);
    assert_int_equal(aiops_debounce_step(&d, 120, 1, 5), AIOPS_DB_NONE);   /* merged */
    assert_int_equal(aiops_debounce_step(&d, 180, -1, 0), AIOPS_DB_NONE);  /* missing */
    assert_int_equal(aiops_debounce_step(&d, 240, 1, 3), AIOPS_DB_NONE);
    assert_true(d.peak == 5);
    assert_int_equal(aiops_debounce_step(&d, 300, 0, 0), AIOPS_DB_RESOLVE);
    assert_true(d.start == 60 && d.last_end == 300);
    assert_int_equal(aiops_debounce_step(&d, 360, 0, 0), AIOPS_DB_NONE);
}

/* Prometheus for: 5m with 1m evaluations: pending at 0, fires at 300. */
static void test_debounce_for(void **state)
{
    aiops_debounce d;
    aiops_debounce_init(&d, 300, 0);
    for (int t = 0; t < 300; t += 60)
        assert_int_equal(aiops_debounce_step(&d, t, 1, 1), AIOPS_DB_NONE);
    assert_int_equal(d.state, 1);
    assert_int_equal(aiops_debounce_step(&d, 300, 1, 1), AIOPS_DB_FIRE);
    assert_true(d.start == 0);
    assert_int_equal(aiops_debounce_step(&d, 360, 0, 0), AIOPS_DB_RESOLVE);
    /* a run shorter than for: never fires, and leaves no trace */
    for (int t = 400; t < 640; t += 60)
        assert_int_equal(aiops_debounce_step(&d, t, 1, 1), AIOPS_DB_NONE);
    assert_int_equal(aiops_debounce_step(&d, 700, 0, 0), AIOPS_DB_NONE);
    assert_true(d.last_end == 360);
    assert_int_equal(d.state, 0);
}

static void test_debounce_cooldown(void **state)
{
    aiops_debounce d;
    aiops_debounce_init(&d, 0, 600);
    assert_int_equal(aiops_debounce_step(&d, 0, 1, 1), AIOPS_DB_FIRE);
    assert_int_equal(aiops_debounce_step(&d, 60, 0, 0), AIOPS_DB_RESOLVE);
    assert_int_equal(aiops_debounce_step(&d, 120, 1, 1), AIOPS_DB_NONE);   /* in cooldown */
    assert_int_equal(aiops_debounce_step(&d, 600, 1, 1), AIOPS_DB_NONE);
    assert_int_equal(aiops_debounce_step(&d, 660, 1, 1), AIOPS_DB_FIRE);   /* 60 + 600 */
    assert_true(d.start == 660);
}

/* ------------------------------------------------------------ engine */

/* Changing point j (to a wild value) must not change any output before
 * point j's time: every model judges a point with data before it only. */
static void check_no_lookahead(const char *model)
{
    run_cfg a, b;
    cfg_init(&a, model, 12 * 288);
    a.bad_day = 10;
    b = a;
    aiops_series_table *ta = aiops_series_table_new(), *tb = aiops_series_table_new();
    cap ca = {0}, cb = {0};
    size_t j = 9 * 288 + 100;           /* in the scoring part */
    b.change_at = j;
    b.change_to = 1e6;
    aiops_fit_free(run(&a, ta, &ca, 1));
    aiops_fit_free(run(&b, tb, &cb, 1));
    double tj = T0 + (double)j * 300;
    size_t same = 0;
    for (size_t i = 0; i < ca.n && i < cb.n && cap_ts(&ca, i) < tj; i++) {
        if (strcmp(ca.line[i], cb.line[i]) != 0)
            fail_msg("%s: output before the changed point differs:\n%s\n%s", model, ca.line[i],
                     cb.line[i]);
        same++;
    }
    /* the comparison covered scored points (bands) and the change shows */
    assert_true(cap_count(&ca, "band") > 2 * 288);
    assert_true(same > 9 * 288);
    int differs = ca.n != cb.n;
    for (size_t i = same; !differs && i < ca.n; i++)
        differs = strcmp(ca.line[i], cb.line[i]) != 0;
    assert_true(differs);
    cap_free(&ca);
    cap_free(&cb);
    aiops_series_table_free(ta);
    aiops_series_table_free(tb);
}

static void test_no_lookahead_models(void **state)
{
    const aiops_model_ops *const *m = aiops_models();
    for (size_t i = 0; m[i]; i++)
        if (strcmp(m[i]->name, "static") != 0)
            check_no_lookahead(m[i]->name);
    check_no_lookahead("auto");
}

static void test_no_lookahead_static(void **state)
{
    aiops_fit_rule rule;
    aiops_err err = {0};
    assert_int_equal(aiops_fit_rule_parse("cpu>45", &rule, &err), 0);
    run_cfg a, b;
    cfg_init(&a, "auto", 3 * 288);
    a.o.model_given = 0;
    a.o.rules = &rule;
    a.o.nrules = 1;
    a.o.for_duration = 900;
    b = a;
    b.change_at = 2 * 288;
    b.change_to = 99;
    aiops_series_table *ta = aiops_series_table_new(), *tb = aiops_series_table_new();
    cap ca = {0}, cb = {0};
    aiops_fit_free(run(&a, ta, &ca, 1));
    aiops_fit_free(run(&b, tb, &cb, 1));
    double tj = T0 + 2 * DAY;
    size_t i = 0;
    for (; i < ca.n && cap_ts(&ca, i) < tj; i++)
        assert_string_equal(ca.line[i], cb.line[i]);
    /* static rules score from the first point: every day's hump fires */
    assert_true(cap_count(&ca, "anomaly") >= 4);
    assert_true(i > 2 * 288);
    cap_free(&ca);
    cap_free(&cb);
    aiops_series_table_free(ta);
    aiops_series_table_free(tb);
    aiops_fit_rule_free(&rule);
}

/* The level shift on day 10 is found by the seasonal model as one event
 * with start at its first point, firing then resolved. */
static void test_event_records(void **state)
{
    run_cfg a;
    cfg_init(&a, "seasonal", 12 * 288);
    a.bad_day = 10;
    a.o.bands = 0;
    a.o.min_duration = 600;
    aiops_series_table *tab = aiops_series_table_new();
    cap c = {0};
    aiops_fit_free(run(&a, tab, &c, 1));
    size_t fired = 0;
    for (size_t i = 0; i < c.n; i++) {
        if (strncmp(c.line[i], "anomaly", 7) != 0)
            continue;
        json_t *o = json_loads(strchr(c.line[i], '{'), 0, NULL);
        assert_non_null(o);
        double start = json_number_value(json_object_get(o, "start"));
        const char *st = json_string_value(json_object_get(o, "state"));
        if (strcmp(st, "firing") == 0) {
            fired++;
            assert_true(start == T0 + 10 * DAY + 10 * 3600);
            assert_true(cap_ts(&c, i) == start + 600);     /* confirmed after min-duration */
            assert_true(json_number_value(json_object_get(o, "score")) > 1);
            assert_string_equal(json_string_value(json_object_get(o, "model")), "seasonal");
            assert_string_equal(json_string_value(json_object_get(o, "name")), "cpu");
        } else {
            assert_string_equal(st, "resolved");
            assert_true(json_number_value(json_object_get(o, "end")) == T0 + 10 * DAY + 14 * 3600);
        }
        json_decref(o);
    }
    assert_int_equal(fired, 1);
    cap_free(&c);
    aiops_series_table_free(tab);
}

static void test_train_window_and_passthrough(void **state)
{
    run_cfg a;
    cfg_init(&a, "ewma", 2000);
    a.o.train = 0;
    a.o.train_until = T0 + 500 * 300;
    aiops_series_table *tab = aiops_series_table_new();
    cap c = {0};
    aiops_fit *f = run(&a, tab, &c, 1);
    assert_int_equal(cap_count(&c, "sample"), 2000);
    assert_int_equal(cap_count(&c, "event"), 2);
    assert_int_equal(cap_count(&c, "band"), 1500);
    /* the first band is at the first point at/after --train-until, right
     * after its sample */
    for (size_t i = 0; i < c.n; i++)
        if (strncmp(c.line[i], "band", 4) == 0) {
            assert_true(cap_ts(&c, i) == T0 + 500 * 300);
            assert_int_equal(strncmp(c.line[i - 1], "sample", 6), 0);
            break;
        }
    aiops_fit_stats st;
    aiops_fit_get_stats(f, &st);
    assert_int_equal(st.samples, 2000);
    assert_int_equal(st.scored, 1500);
    assert_int_equal(st.series, 1);
    assert_int_equal(st.training, 0);
    aiops_fit_free(f);
    cap_free(&c);

    /* the cap ends training early; --no-samples drops samples only */
    cfg_init(&a, "ewma", 2000);
    a.o.max_train = 100;
    a.o.no_samples = 1;
    f = run(&a, tab, &c, 1);
    assert_int_equal(cap_count(&c, "sample"), 0);
    assert_int_equal(cap_count(&c, "event"), 2);
    assert_int_equal(cap_count(&c, "band"), 1900);
    aiops_fit_free(f);
    cap_free(&c);
    aiops_series_table_free(tab);
}

static void test_match_skips(void **state)
{
    run_cfg a;
    cfg_init(&a, "ewma", 3000);
    aiops_selector *sel;
    aiops_err err = {0};
    assert_int_equal(aiops_selector_parse("mem", &sel, &err), 0);
    a.o.match = &sel;
    a.o.nmatch = 1;
    aiops_series_table *tab = aiops_series_table_new();
    cap c = {0};
    aiops_fit_free(run(&a, tab, &c, 1));
    assert_int_equal(cap_count(&c, "sample"), 3000);
    assert_int_equal(cap_count(&c, "band"), 0);
    cap_free(&c);
    aiops_series_table_free(tab);
    aiops_selector_free(sel);
}

static void test_forecast(void **state)
{
    run_cfg a;
    cfg_init(&a, "seasonal", 9 * 288);
    a.o.bands = 0;
    a.o.horizon = 12;
    aiops_series_table *tab = aiops_series_table_new();
    cap c = {0};
    aiops_fit_free(run(&a, tab, &c, 1));
    assert_int_equal(cap_count(&c, "band"), 12);
    double last = T0 + (9 * 288 - 1) * 300.0;
    size_t k = 0;
    for (size_t i = 0; i < c.n; i++)
        if (strncmp(c.line[i], "band", 4) == 0) {
            k++;
            assert_true(cap_ts(&c, i) == last + (double)k * 300);
            assert_non_null(strstr(c.line[i], "\"forecast\":true"));
        }
    cap_free(&c);
    /* --step overrides the series' interval */
    cfg_init(&a, "ewma", 3000);
    a.o.bands = 0;
    a.o.horizon = 3;
    a.o.step = 3600;
    aiops_fit_free(run(&a, tab, &c, 1));
    assert_int_equal(cap_count(&c, "band"), 3);
    assert_true(cap_ts(&c, c.n - 1) == T0 + 2999 * 300.0 + 3 * 3600);
    cap_free(&c);
    aiops_series_table_free(tab);
}

/* ------------------------------------------------------------ save/load */

static json_t *roundtrip_text(json_t *doc)
{
    char *s = json_dumps(doc, JSON_REAL_PRECISION(17));
    json_t *back = json_loads(s, 0, NULL);
    free(s);
    return back;
}

/* Fit on 8 days and save; a second engine loads the file and scores days
 * 8-10: its bands equal those of one continuous run. */
static void check_save_load(const char *model)
{
    aiops_err err = {0};
    run_cfg whole, first;
    cfg_init(&whole, model, 10 * 288);
    cfg_init(&first, model, 8 * 288);
    aiops_series_table *t1 = aiops_series_table_new(), *t2 = aiops_series_table_new(),
                       *t3 = aiops_series_table_new();
    cap c1 = {0}, c2 = {0}, c3 = {0};
    aiops_fit_free(run(&whole, t1, &c1, 1));
    aiops_fit *f = run(&first, t2, &c2, 1);
    json_t *doc = aiops_fit_save(f, &err);
    assert_non_null(doc);
    aiops_fit_free(f);
    json_t *doc2 = roundtrip_text(doc);
    assert_non_null(json_object_get(json_object_get(doc2, "series"), "cpu{host=\"a\"}"));

    aiops_fit_opts o;
    aiops_fit_opts_init(&o);
    o.bands = 1;
    f = NULL;
    assert_int_equal(aiops_fit_new(&f, &o, t3, cap_emit, &c3, &err), 0);
    if (aiops_fit_load(f, doc2, "m.json", &err))
        fail_msg("%s: load: %s", model, err.msg);
    uint32_t sid;
    assert_int_equal(aiops_series_intern_text(t3, "cpu{host=\"a\"}", 13, &sid, &err), 0);
    for (size_t i = 8 * 288; i < 10 * 288; i++) {
        aiops_record r = {.type = AIOPS_R_SAMPLE, .sid = sid, .ts = T0 + (double)i * 300,
                          .value = synth(i, 300, -1)};
        assert_int_equal(aiops_fit_push(f, &r, &err), 0);
    }
    assert_int_equal(aiops_fit_finish(f, &err), 0);
    /* bands of the loaded run == the continuous run's last 2 days */
    size_t nb = cap_count(&c3, "band");
    assert_int_equal(nb, 2 * 288);
    size_t k = 0;
    for (size_t i = 0; i < c1.n; i++) {
        if (strncmp(c1.line[i], "band", 4) != 0 || cap_ts(&c1, i) < T0 + 8 * DAY)
            continue;
        while (strncmp(c3.line[k], "band", 4) != 0)
            k++;
        json_t *x = json_loads(strchr(c1.line[i], '{'), 0, NULL);
        json_t *y = json_loads(strchr(c3.line[k], '{'), 0, NULL);
        double ex = json_number_value(json_object_get(x, "expected"));
        double ey = json_number_value(json_object_get(y, "expected"));
        if (!(fabs(ex - ey) <= 1e-6 * (1 + fabs(ex))))
            fail_msg("%s: band at %zu differs after reload: %.17g vs %.17g", model, i, ex, ey);
        json_decref(x);
        json_decref(y);
        k++;
    }
    aiops_fit_free(f);
    json_decref(doc);
    json_decref(doc2);
    cap_free(&c1);
    cap_free(&c2);
    cap_free(&c3);
    aiops_series_table_free(t1);
    aiops_series_table_free(t2);
    aiops_series_table_free(t3);
}

static void test_save_load_models(void **state)
{
    const aiops_model_ops *const *m = aiops_models();
    for (size_t i = 0; m[i]; i++)
        if (strcmp(m[i]->name, "static") != 0)
            check_save_load(m[i]->name);
}

static json_t *one_series_doc(const char *series, const char *model, double k)
{
    json_t *p = json_object();
    json_object_set_new(p, "k", json_real(k));
    json_t *d = json_pack("{s:s,s:o,s:o}", "model", model, "params", p, "state",
                          json_pack("{s:f,s:f,s:i}", "mean", 1.0, "var", 1.0, "n", 5));
    return json_pack("{s:i,s:{s:[o]}}", "aiops_fit", 1, "series", series, d);
}

/* Several files merge; the later one wins per series. */
static void test_load_merge(void **state)
{
    aiops_err err = {0};
    aiops_series_table *tab = aiops_series_table_new();
    aiops_fit_opts o;
    aiops_fit_opts_init(&o);
    aiops_fit *f;
    cap c = {0};
    assert_int_equal(aiops_fit_new(&f, &o, tab, cap_emit, &c, &err), 0);
    aiops_model_params p;
    aiops_model_params_init(&p);
    /* states come from real fits so every model's load() accepts them */
    const aiops_model_ops *ew = aiops_model_find("ewma");
    void *m = ew->create(&p, &err);
    double ts[50], v[50];
    for (int i = 0; i < 50; i++) {
        ts[i] = T0 + i * 60;
        v[i] = 10 + (i % 5);
    }
    assert_int_equal(ew->fit(m, ts, v, 50, &err), 0);
    json_t *st = ew->save(m);
    ew->destroy(m);
    json_t *a = one_series_doc("x", "ewma", 2), *b = one_series_doc("x", "ewma", 5),
           *c2 = one_series_doc("y", "ewma", 4);
    json_object_set(json_array_get(json_object_get(json_object_get(a, "series"), "x"), 0), "state", st);
    json_object_set(json_array_get(json_object_get(json_object_get(b, "series"), "x"), 0), "state", st);
    json_object_set(json_array_get(json_object_get(json_object_get(c2, "series"), "y"), 0), "state", st);
    assert_int_equal(aiops_fit_load(f, a, "a.json", &err), 0);
    assert_int_equal(aiops_fit_load(f, c2, "c.json", &err), 0);
    assert_int_equal(aiops_fit_load(f, b, "b.json", &err), 0);
    assert_int_equal(aiops_fit_finish(f, &err), 0);
    json_t *out = aiops_fit_save(f, &err);
    json_t *ser = json_object_get(out, "series");
    assert_int_equal(json_object_size(ser), 2);
    json_t *px = json_object_get(json_array_get(json_object_get(ser, "x"), 0), "params");
    json_t *py = json_object_get(json_array_get(json_object_get(ser, "y"), 0), "params");
    assert_true(json_number_value(json_object_get(px, "k")) == 5);
    assert_true(json_number_value(json_object_get(py, "k")) == 4);
    json_decref(out);

    /* malformed documents name the file and what was expected */
    json_t *bad = json_pack("{s:i,s:{s:[{s:s}]}}", "aiops_fit", 1, "series", "z", "model", "nope");
    assert_int_equal(aiops_fit_load(f, bad, "bad.json", &err), AIOPS_EPARSE);
    assert_string_equal(err.file, "bad.json");
    assert_non_null(strstr(err.msg, "unknown model 'nope'"));
    json_decref(bad);
    bad = json_pack("{s:s}", "series", "x");
    assert_int_equal(aiops_fit_load(f, bad, "bad2.json", &err), AIOPS_EPARSE);
    assert_non_null(strstr(err.msg, "aiops-fit --save"));
    json_decref(bad);
    bad = json_pack("{s:i,s:{s:[{s:s,s:{s:s}}]}}", "aiops_fit", 1, "series", "z", "model", "ewma",
                    "params", "k", "big");
    assert_int_equal(aiops_fit_load(f, bad, "bad3.json", &err), AIOPS_EPARSE);
    assert_non_null(strstr(err.msg, "params.k: expected a number"));
    json_decref(bad);

    json_decref(a);
    json_decref(b);
    json_decref(c2);
    json_decref(st);
    aiops_fit_free(f);
    cap_free(&c);
    aiops_series_table_free(tab);
}

static void test_params_json(void **state)
{
    aiops_model_params p, q;
    aiops_model_params_init(&p);
    p.k = 2.5;
    p.width = 0.95;
    p.daily_order = 6;
    p.p = 1;
    p.Q = 0;
    memcpy(p.op, ">=", 3);
    p.threshold = 80;
    json_t *j = aiops_fit_params_to_json(&p);
    assert_int_equal(json_object_size(j), 7);
    aiops_model_params_init(&q);
    aiops_err err = {0};
    assert_int_equal(aiops_fit_params_from_json(j, &q, &err), 0);
    assert_true(q.k == 2.5 && q.width == 0.95 && q.daily_order == 6 && q.p == 1 && q.Q == 0);
    assert_true(isnan(q.alpha) && q.d == -1);
    assert_string_equal(q.op, ">=");
    assert_true(q.threshold == 80);
    json_decref(j);
    j = json_pack("{s:i}", "nonsense", 1);
    assert_int_equal(aiops_fit_params_from_json(j, &q, &err), AIOPS_EPARSE);
    assert_non_null(strstr(err.msg, "unknown parameter 'nonsense'"));
    json_decref(j);
}

/* ------------------------------------------------------------ auto */

static void test_seasonality(void **state)
{
    size_t n = 10 * 288;
    double *ts = malloc(n * sizeof *ts), *v = malloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++) {
        ts[i] = T0 + (double)i * 300;
        v[i] = synth(i, 300, -1);
    }
    aiops_seasonality se;
    assert_int_equal(aiops_fit_seasonality(ts, v, n, DAY, &se), 0);
    assert_true(se.step == 300);
    assert_true(se.span == (double)(n - 1) * 300);
    assert_true(se.acf > 0.8);
    assert_true(se.share > 0.8);
    assert_true(isnan(se.acf_week));           /* 10 days < 2 weeks */
    /* white-ish noise: no seasonality; gaps and NaN are tolerated */
    for (size_t i = 0; i < n; i++)
        v[i] = (i % 97 == 0) ? NAN : sin((double)i * 12.9898) * 43758.5453 - floor(sin((double)i * 12.9898) * 43758.5453);
    assert_int_equal(aiops_fit_seasonality(ts, v, n, DAY, &se), 0);
    assert_true(fabs(se.acf) < 0.1);
    assert_true(se.share < 0.05);
    /* one day only: cannot tell */
    assert_int_equal(aiops_fit_seasonality(ts, v, 288, DAY, &se), 0);
    assert_true(isnan(se.acf) && isnan(se.share));
    /* hostile times (found by fuzz_fit): the last before the first, or
     * 1e300 steps apart: no grid, no undefined conversion */
    ts[n - 1] = T0 - 5e10;
    assert_int_equal(aiops_fit_seasonality(ts, v, n, DAY, &se), 0);
    assert_true(isnan(se.acf));
    ts[n - 1] = 1e300;
    assert_int_equal(aiops_fit_seasonality(ts, v, n, DAY, &se), 0);
    free(ts);
    free(v);
}

static void test_auto_choice(void **state)
{
    size_t n = 8 * 288;
    double *ts = malloc(n * sizeof *ts), *v = malloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++) {
        ts[i] = T0 + (double)i * 300;
        v[i] = synth(i, 300, -1);
    }
    aiops_model_params p;
    aiops_model_params_init(&p);
    const aiops_model_ops *ops = NULL;
    void *m = NULL;
    char why[512];
    aiops_err err = {0};
    assert_int_equal(aiops_fit_auto(ts, v, n, &p, &ops, &m, why, sizeof why, &err), 0);
    assert_true(!strcmp(ops->name, "seasonal") || !strcmp(ops->name, "holtwinters") ||
                !strcmp(ops->name, "sarima"));
    assert_non_null(strstr(why, "seasonal: acf"));
    assert_non_null(strstr(why, "holdout MAE"));
    ops->destroy(m);
    /* a flat noisy level: a level model */
    for (size_t i = 0; i < n; i++)
        v[i] = 100 + 3 * sin((double)i * 12.9898) * cos((double)i * 78.233);
    assert_int_equal(aiops_fit_auto(ts, v, n, &p, &ops, &m, why, sizeof why, &err), 0);
    assert_true(!strcmp(ops->name, "ewma") || !strcmp(ops->name, "robust"));
    assert_non_null(strstr(why, "not seasonal"));
    ops->destroy(m);
    /* too little data */
    assert_int_equal(aiops_fit_auto(ts, v, 10, &p, &ops, &m, why, sizeof why, &err), 0);
    assert_string_equal(ops->name, "ewma");
    assert_non_null(strstr(why, "only 10 points"));
    ops->destroy(m);
    free(ts);
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule_parse),
        cmocka_unit_test(test_score),
        cmocka_unit_test(test_debounce_immediate),
        cmocka_unit_test(test_debounce_for),
        cmocka_unit_test(test_debounce_cooldown),
        cmocka_unit_test(test_no_lookahead_models),
        cmocka_unit_test(test_no_lookahead_static),
        cmocka_unit_test(test_event_records),
        cmocka_unit_test(test_train_window_and_passthrough),
        cmocka_unit_test(test_match_skips),
        cmocka_unit_test(test_forecast),
        cmocka_unit_test(test_save_load_models),
        cmocka_unit_test(test_load_merge),
        cmocka_unit_test(test_params_json),
        cmocka_unit_test(test_seasonality),
        cmocka_unit_test(test_auto_choice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
