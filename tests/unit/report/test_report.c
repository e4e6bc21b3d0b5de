/* test_report.c - libcore/report: the escapers (HTML, Markdown), base64,
 * incidents from incident records (a later record of an id replaces the
 * earlier) or else from labels, detection and declaration times, the
 * hand-off payloads' exact text, the record cap, and gnuplot missing. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aiops_format.h"
#include "report/report_impl.h"

static char *esc(void (*f)(aiops_buf *, const char *), const char *s)
{
    aiops_buf b = {0};
    f(&b, s);
    return b.p ? b.p : strdup("");
}

static void test_html_esc(void **st)
{
    (void)st;
    char *s = esc(aiops_report_html_esc, "<script>a('x')&\"</script>");
    assert_string_equal(s, "&lt;script&gt;a(&#39;x&#39;)&amp;&quot;&lt;/script&gt;");
    free(s);
    s = esc(aiops_report_html_esc, "a\x01" "b");
    assert_string_equal(s, "a\xef\xbf\xbd" "b");
    free(s);
}

static void test_md_esc(void **st)
{
    (void)st;
    char *s = esc(aiops_report_md_esc, "# *x* [a](b) <s>|`y`\nz_w");
    assert_string_equal(s, "\\# \\*x\\* \\[a\\](b) &lt;s&gt;\\|\\`y\\` z\\_w");
    free(s);
    /* readable as text: no escapes where nothing can start markup */
    s = esc(aiops_report_md_esc, "2024-01-02 (dependency outage) took 0.5 h, 3) done!");
    assert_string_equal(s, "2024-01-02 (dependency outage) took 0.5 h, 3) done!");
    free(s);
    s = esc(aiops_report_md_esc, "2) second");
    assert_string_equal(s, "2\\) second");
    free(s);
    s = esc(aiops_report_md_esc, "1. item - not a list");   /* a list marker only at the start */
    assert_string_equal(s, "1\\. item - not a list");
    free(s);
    s = esc(aiops_report_md_esc, "- x");
    assert_string_equal(s, "\\- x");
    free(s);
}

static void test_base64(void **st)
{
    (void)st;
    const char *in[] = {"", "f", "fo", "foo", "foobar"}, *want[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYmFy"};
    for (int i = 0; i < 5; i++) {
        aiops_buf b = {0};
        rp_base64(&b, in[i], strlen(in[i]));
        assert_string_equal(b.p ? b.p : "", want[i]);
        aiops_buf_free(&b);
    }
}

typedef struct fx {
    aiops_report *r;
    aiops_series_table *tab;
} fx;

static void fx_new(fx *f, size_t max_records)
{
    aiops_report_opts o;
    aiops_report_opts_default(&o);
    o.charts = 0;
    if (max_records)
        o.max_records = max_records;
    f->tab = aiops_series_table_new();
    assert_int_equal(aiops_report_new(&f->r, &o, NULL), 0);
}

static int add(fx *f, aiops_rtype t, const char *json)
{
    json_error_t je;
    aiops_record r = {.type = t, .obj = json_loads(json, 0, &je)};
    assert_non_null(r.obj);
    r.ts = json_number_value(json_object_get(r.obj, "ts"));
    aiops_err err = {0};
    int rc = aiops_report_add(f->r, f->tab, &r, &err);
    aiops_record_clear(&r);
    return rc;
}

static char *handoff(fx *f, aiops_report_fmt k)
{
    aiops_buf b = {0};
    assert_int_equal(aiops_report_handoff(f->r, k, &b, NULL), 0);
    return b.p ? b.p : strdup("");
}

static void fx_free(fx *f)
{
    aiops_report_free(f->r);
    aiops_series_table_free(f->tab);
}

static void test_labels_are_incidents(void **st)
{
    (void)st;
    fx f;
    fx_new(&f, 0);
    assert_int_equal(add(&f, AIOPS_R_LABEL, "{\"ts\":1000,\"start\":1000,\"end\":1600,\"declared\":1300,"
                                            "\"root_cause\":\"db\",\"kind\":\"disk_fill\",\"affected\":[\"web\",\"db\"]}"), 0);
    assert_int_equal(add(&f, AIOPS_R_ANOMALY, "{\"ts\":1120,\"name\":\"x\",\"labels\":{\"service\":\"db\"},"
                                              "\"start\":1060,\"value\":5,\"score\":3,\"model\":\"ewma\",\"state\":\"firing\"}"), 0);
    assert_int_equal(add(&f, AIOPS_R_ALERT, "{\"ts\":1240,\"name\":\"Disk\",\"state\":\"firing\",\"start\":1240,"
                                            "\"service\":\"db\",\"severity\":\"warning\"}"), 0);
    assert_int_equal(add(&f, AIOPS_R_ALERT, "{\"ts\":1250,\"name\":\"Other\",\"state\":\"firing\",\"start\":1250,"
                                            "\"service\":\"zzz\",\"severity\":\"critical\"}"), 0);
    assert_int_equal(aiops_report_finish(f.r, NULL), 0);
    assert_int_equal(aiops_report_incidents(f.r), 1);
    const rp_inc *in = &f.r->inc[0];
    assert_string_equal(in->id, "incident-1");
    assert_string_equal(in->source, "label");
    assert_true(in->first_anom == 1120 && in->first_alert == 1240 && in->declared == 1300);
    assert_int_equal(in->alerts, 2);
    assert_int_equal(in->alerts_related, 1);
    /* severity from the incident's own alerts (warning), not the other service's critical */
    assert_string_equal(in->severity, "warning");
    assert_int_equal(in->nmet, 1);
    char *g = handoff(&f, AIOPS_REPORT_GRAFANA);
    assert_non_null(strstr(g, "{\"time\":1000000,\"timeEnd\":1600000,\"tags\":[\"aiops\",\"incident\",\"warning\",\"disk_fill\",\"db\",\"web\"],"
                              "\"text\":\"[warning] incident-1: incident (root cause: db). Incident incident-1 (disk_fill) began at "));
    free(g);
    char *s = handoff(&f, AIOPS_REPORT_SERVICENOW);
    assert_non_null(strstr(s, "\"urgency\":\"3\",\"impact\":\"2\",\"category\":\"hardware\",\"correlation_id\":\"aiops-incident-1\""));
    free(s);
    aiops_buf well = {0}, wrong = {0}, act = {0};
    rp_lessons(f.r, in, &well, &wrong, &act);
    assert_string_equal(well.p, "Dynamic thresholds detected the incident 2 min before the first alert.\n"
                                "An anomaly was on record 3 min before the incident was declared.");
    aiops_buf_free(&well);
    aiops_buf_free(&wrong);
    aiops_buf_free(&act);
    fx_free(&f);
}

static void test_incident_records(void **st)
{
    (void)st;
    fx f;
    fx_new(&f, 0);
    /* a label too: incident records win, the label gives declared/kind */
    assert_int_equal(add(&f, AIOPS_R_LABEL, "{\"ts\":100,\"id\":\"L\",\"start\":100,\"end\":700,\"declared\":400,\"kind\":\"latency\"}"), 0);
    assert_int_equal(add(&f, AIOPS_R_INCIDENT, "{\"ts\":200,\"id\":\"I-1\",\"start\":100,\"services\":[\"a\"],\"extra\":1}"), 0);
    assert_int_equal(add(&f, AIOPS_R_RCA, "{\"ts\":200,\"incident\":\"I-1\",\"candidates\":[{\"service\":\"b\",\"score\":0.9,\"evidence\":[]}]}"), 0);
    assert_int_equal(add(&f, AIOPS_R_INCIDENT, "{\"ts\":700,\"id\":\"I-1\",\"start\":100,\"end\":650,\"services\":[\"a\",\"c\"]}"), 0);
    assert_int_equal(aiops_report_finish(f.r, NULL), 0);
    assert_int_equal(aiops_report_incidents(f.r), 1);
    const rp_inc *in = &f.r->inc[0];
    assert_string_equal(in->source, "incident");
    assert_true(in->end == 650 && in->declared == 400);
    assert_int_equal(in->nsvc, 3);   /* a, b (rca), c */
    assert_string_equal(in->root, "b");
    f.r->o.resolve = 1;
    char *p = handoff(&f, AIOPS_REPORT_PAGERDUTY);
    assert_non_null(strstr(p, "\"event_action\":\"trigger\",\"dedup_key\":\"aiops-I-1\",\"payload\":{\"summary\":"
                              "\"[error] I-1: incident (root cause: b)\",\"source\":\"b\",\"severity\":\"error\","
                              "\"timestamp\":\"1970-01-01T00:01:40Z\",\"component\":\"b\",\"class\":\"latency\""));
    assert_non_null(strstr(p, "\n{\"routing_key\":\"AIOPS_REPLACE_WITH_ROUTING_KEY__\",\"event_action\":\"resolve\",\"dedup_key\":\"aiops-I-1\"}\n"));
    assert_int_equal(strlen("AIOPS_REPLACE_WITH_ROUTING_KEY__"), 32);
    free(p);
    fx_free(&f);
}

static void test_record_cap(void **st)
{
    (void)st;
    fx f;
    fx_new(&f, 2);
    const char *a = "{\"ts\":1,\"name\":\"A\",\"state\":\"firing\",\"start\":1}";
    assert_int_equal(add(&f, AIOPS_R_ALERT, a), 0);
    assert_int_equal(add(&f, AIOPS_R_ALERT, a), 0);
    assert_int_equal(add(&f, AIOPS_R_ALERT, a), AIOPS_ELIMIT);
    /* samples and logs are not records kept */
    assert_int_equal(add(&f, AIOPS_R_LOG, "{\"ts\":2,\"message\":\"m\"}"), 0);
    fx_free(&f);
}

/* a long series is thinned: at most RP_SERIES_POINTS kept, every stride-th */
static void test_series_thinned(void **st)
{
    (void)st;
    fx f;
    fx_new(&f, 0);
    uint32_t sid;
    assert_int_equal(aiops_series_intern_text(f.tab, "m{a=\"b\"}", 8, &sid, NULL), 0);
    for (int i = 0; i < 40000; i++) {
        aiops_record r = {.type = AIOPS_R_SAMPLE, .sid = sid, .ts = i, .value = 2.0 * i};
        assert_int_equal(aiops_report_add(f.r, f.tab, &r, NULL), 0);
    }
    const rp_series *s = &f.r->ser[sid];
    assert_int_equal(s->n, 10000);       /* 8192 at stride 2, halved at 32768, + 7232/4 */
    assert_int_equal(s->stride, 4);
    assert_int_equal(f.r->points, 10000);
    for (size_t k = 0; k < s->n; k++)
        assert_true(s->pts[k].ts == 4.0 * (double)k && s->pts[k].v == 8.0 * (double)k);
    fx_free(&f);
}

static void test_gnuplot_missing(void **st)
{
    (void)st;
    aiops_buf d = {0};
    aiops_buf_str(&d, "1 2\n");
    char *svg = NULL;
    size_t len = 0;
    aiops_err err = {0};
    assert_int_equal(rp_gnuplot("aiops-no-such-gnuplot", "plot @0@\n", &d, 1, &svg, &len, &err), AIOPS_EINVAL);
    assert_non_null(strstr(err.msg, "gnuplot-nox"));
    assert_null(svg);
    aiops_buf_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html_esc),
        cmocka_unit_test(test_md_esc),
        cmocka_unit_test(test_base64),
        cmocka_unit_test(test_labels_are_incidents),
        cmocka_unit_test(test_incident_records),
        cmocka_unit_test(test_record_cap),
        cmocka_unit_test(test_series_thinned),
        cmocka_unit_test(test_gnuplot_missing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
