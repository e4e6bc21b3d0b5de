/* test_alerts_series.c - ALERTS series -> alert records (alerts.h). */
#include "rectest.h"

#include <math.h>

#include "formats/alerts/alerts.h"

typedef struct fx {
    aiops_series_table *tab;
    aiops_alerts_series *a;
    char *out[RT_MAX];
    size_t nout;
} fx;

static void fx_init(fx *f, double interval, int passthrough)
{
    aiops_err err = {0};
    memset(f, 0, sizeof *f);
    f->tab = aiops_series_table_new();
    assert_non_null(f->tab);
    assert_int_equal(aiops_alerts_series_new(&f->a, f->tab, interval, passthrough, &err), 0);
}

static void drain(fx *f)
{
    aiops_record r;
    while (aiops_alerts_series_pop(f->a, &r) == 1) {
        assert_true(f->nout < RT_MAX);
        f->out[f->nout++] = rt_render(f->tab, &r);
        aiops_record_clear(&r);
    }
}

static void push(fx *f, const char *series, double ts, double v)
{
    aiops_err err = {0};
    aiops_record r = {.type = AIOPS_R_SAMPLE, .ts = ts, .value = v};
    assert_int_equal(aiops_series_intern_text(f->tab, series, strlen(series), &r.sid, &err), 0);
    int rc = aiops_alerts_series_push(f->a, &r, &err);
    if (rc)
        print_error("push: %s\n", err.msg);
    assert_int_equal(rc, 0);
    assert_null(r.obj);
    drain(f);
}

static void fx_end(fx *f, const char *const *want, size_t nwant)
{
    aiops_err err = {0};
    assert_int_equal(aiops_alerts_series_finish(f->a, &err), 0);
    drain(f);
    for (size_t i = 0; i < f->nout; i++) {
        if (i >= nwant || strcmp(f->out[i], want[i]))
            print_error("record %zu:\n  got  %s\n  want %s\n", i, f->out[i], i < nwant ? want[i] : "-");
        assert_true(i < nwant);
        assert_string_equal(f->out[i], want[i]);
        free(f->out[i]);
    }
    assert_int_equal(f->nout, nwant);
    aiops_alerts_series_free(f->a);
    aiops_series_table_free(f->tab);
}

#define FX_END(f, ...)                                   \
    do {                                                 \
        static const char *const w_[] = {__VA_ARGS__};   \
        fx_end((f), w_, sizeof w_ / sizeof w_[0]);       \
    } while (0)

#define A_FIRING "ALERTS{alertname=\"HighErrorRate\",alertstate=\"firing\",service=\"api\",severity=\"critical\"}"
#define A_PENDING "ALERTS{alertname=\"HighErrorRate\",alertstate=\"pending\",service=\"api\",severity=\"critical\"}"
#define LABELS "\"labels\":{\"alertname\":\"HighErrorRate\",\"service\":\"api\",\"severity\":\"critical\"}"
#define FP "\"fingerprint\":\"0df005333d9e37c9\""
#define REC(ts, state, rest) \
    "alert " ts " {\"name\":\"HighErrorRate\",\"state\":\"" state "\"," rest ",\"service\":\"api\"," \
    "\"severity\":\"critical\"," LABELS ",\"annotations\":{}," FP ",\"source\":\"prometheus\"}"

/* An interval that stops: resolved one interval after its last sample,
 * found once the gap exceeds 2 intervals, and put in time order. */
static void test_gap_closes(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 15, 0);
    for (double t = 85; t <= 220; t += 15) {
        if (t >= 100 && t <= 130)
            push(&f, A_FIRING, t, 1);
        push(&f, "up{job=\"api\"}", t, 1);
        if (t == 160)   /* 160 - 130 = 30: not more than 2 intervals yet */
            assert_int_equal(f.nout, 1);
    }
    FX_END(&f, REC("100", "firing", "\"start\":100.0"),
           REC("145", "resolved", "\"start\":100.0,\"end\":145.0"));
}

/* Pass-through: the alert records take their place in the stream. */
static void test_passthrough_order(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 10, 1);
    push(&f, "up", 0, 1);
    push(&f, A_FIRING, 10, 1);
    push(&f, "up", 10, 1);
    push(&f, "up", 20, 1);
    assert_int_equal(f.nout, 4);   /* "up"@20 waits: the alert could still end before it */
    push(&f, "up", 30, 1);
    push(&f, "up", 31, 1);         /* 31 - 10 > 20: resolved at 20 */
    push(&f, "up", 40, 1);
    FX_END(&f, "sample 0 up 1",
           "sample 10 ALERTS{alertname=\"HighErrorRate\",alertstate=\"firing\",service=\"api\",severity=\"critical\"} 1",
           REC("10", "firing", "\"start\":10.0"),
           "sample 10 up 1",
           "sample 20 up 1",
           REC("20", "resolved", "\"start\":10.0,\"end\":20.0"),
           "sample 30 up 1", "sample 31 up 1", "sample 40 up 1");
}

/* A 0 (or NaN staleness marker) ends the interval at its own time. */
static void test_zero_and_nan_close(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 15, 0);
    push(&f, A_FIRING, 100, 1);
    push(&f, A_FIRING, 115, 1);
    push(&f, A_FIRING, 130, 0);
    push(&f, A_FIRING, 145, 0);    /* already closed: nothing */
    push(&f, A_FIRING, 160, 1);
    push(&f, A_FIRING, 175, NAN);
    FX_END(&f, REC("100", "firing", "\"start\":100.0"),
           REC("130", "resolved", "\"start\":100.0,\"end\":130.0"),
           REC("160", "firing", "\"start\":160.0"),
           REC("175", "resolved", "\"start\":160.0,\"end\":175.0"));
}

/* Pending then firing (Prometheus' `for:`): a pending record, then a
 * firing one; the pending interval ends silently.  Still firing at the
 * end of the input: no resolved record. */
static void test_pending_then_firing_open_at_end(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 15, 0);
    push(&f, A_PENDING, 100, 1);
    push(&f, A_PENDING, 115, 1);
    push(&f, A_FIRING, 130, 1);
    push(&f, A_FIRING, 145, 1);
    push(&f, "up", 400, 1);        /* both time out: only the firing one resolves */
    push(&f, A_FIRING, 415, 1);
    push(&f, A_FIRING, 430, 1);
    FX_END(&f, REC("100", "pending", "\"start\":100.0"),
           REC("130", "firing", "\"start\":130.0"),
           REC("160", "resolved", "\"start\":130.0,\"end\":160.0"),
           REC("415", "firing", "\"start\":415.0"));
}

/* interval 0: learned from the samples (10 s here), 60 s until then. */
static void test_learned_interval(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 0, 0);
    push(&f, A_FIRING, 1000, 1);
    push(&f, "up", 1100, 1);       /* 100 s: not > 2 x 60 */
    push(&f, A_FIRING, 1110, 1);   /* same interval; learns 110 */
    push(&f, A_FIRING, 1120, 1);   /* learns 10 */
    push(&f, "up", 1141, 1);       /* 21 > 20: resolved at 1130 */
    FX_END(&f, REC("1000", "firing", "\"start\":1000.0"),
           REC("1130", "resolved", "\"start\":1000.0,\"end\":1130.0"));
}

static void test_errors(void **state)
{
    (void)state;
    fx f;
    aiops_err err = {0};
    fx_init(&f, 15, 1);
    push(&f, "up", 100, 1);
    aiops_record r = {.type = AIOPS_R_SAMPLE, .ts = 99, .value = 1};
    assert_int_equal(aiops_alerts_series_push(f.a, &r, &err), AIOPS_EORDER);
    assert_non_null(strstr(err.msg, "expected records in time order"));
    /* An ALERTS series without alertstate is not an alert. */
    const char *bad = "ALERTS{alertname=\"X\"}";
    r = (aiops_record){.type = AIOPS_R_SAMPLE, .ts = 200, .value = 1};
    assert_int_equal(aiops_series_intern_text(f.tab, bad, strlen(bad), &r.sid, &err), 0);
    assert_int_equal(aiops_alerts_series_push(f.a, &r, &err), AIOPS_EPARSE);
    assert_non_null(strstr(err.msg, "alertstate \"firing\" or \"pending\", got ALERTS{alertname=\"X\"}"));
    /* Other record types pass through untouched. */
    aiops_record lg = {.type = AIOPS_R_LOG, .ts = 300, .obj = json_pack("{s:s}", "message", "hi")};
    assert_int_equal(aiops_alerts_series_push(f.a, &lg, &err), 0);
    drain(&f);
    FX_END(&f, "sample 100 up 1", "sample 200 ALERTS{alertname=\"X\"} 1", "log 300 {\"message\":\"hi\"}");
    assert_int_equal(aiops_alerts_series_new(&f.a, NULL, 15, 0, &err), AIOPS_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gap_closes),
        cmocka_unit_test(test_passthrough_order),
        cmocka_unit_test(test_zero_and_nan_close),
        cmocka_unit_test(test_pending_then_firing_open_at_end),
        cmocka_unit_test(test_learned_interval),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
