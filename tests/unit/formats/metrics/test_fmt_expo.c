/* Unit tests for the exposition / OpenMetrics text format (libcore/fmt_expo.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "aiops_format.h"

#define MAXREC 32

typedef struct got {
    aiops_series_table *tab;
    aiops_record rec[MAXREC];
    size_t n;
    int rc;          /* last return of next(): 0 at a clean end, <0 error */
    aiops_err err;
} got;

/* Parse all of text as `name` with the given entry mtime (0 = unknown). */
static void parse_mtime(got *g, const char *name, const char *text, size_t len,
                        double mtime, size_t max_line)
{
    aiops_stream *s = aiops_stream_new_mem(name, text, len, max_line, 0);
    aiops_parse_ctx ctx = {0};
    void *st = NULL;
    aiops_record r;

    assert_non_null(s);
    if (mtime != 0)
        aiops_stream_set_mtime(s, mtime);
    memset(g, 0, sizeof *g);
    g->tab = aiops_series_table_new();
    assert_non_null(g->tab);
    ctx.stream = s;
    ctx.series = g->tab;
    assert_int_equal(aiops_fmt_expo.open(&st, &ctx, &g->err), 0);
    for (;;) {
        memset(&r, 0, sizeof r);
        g->rc = aiops_fmt_expo.next(st, &ctx, &r, &g->err);
        if (g->rc != 1)
            break;
        assert_true(g->n < MAXREC);
        g->rec[g->n++] = r;
    }
    aiops_fmt_expo.close(st);
    aiops_stream_free(s);
}

static void parse_all(got *g, const char *name, const char *text)
{
    parse_mtime(g, name, text, strlen(text), 0, 0);
}

static void got_free(got *g)
{
    aiops_series_table_free(g->tab);
}

/* Record i is exactly (series, ts, value); NaN matches NaN. */
static void check(got *g, size_t i, const char *series, double ts, double value)
{
    aiops_record *r;

    assert_true(i < g->n);
    r = &g->rec[i];
    assert_int_equal(r->type, AIOPS_R_SAMPLE);
    assert_null(r->obj);
    assert_string_equal(aiops_series_get(g->tab, r->sid)->text, series);
    if (r->ts != ts)
        fail_msg("record %zu: ts %.17g, want %.17g", i, r->ts, ts);
    if (!(r->value == value || (isnan(value) && isnan(r->value))))
        fail_msg("record %zu: value %.17g, want %.17g", i, r->value, value);
}

static const char node[] =
    "# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.\n"
    "# TYPE node_cpu_seconds_total counter\n"
    "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 123456.78 1700000000000\n"
    "# HELP node_load1 1m load average.\n"
    "# TYPE node_load1 gauge\n"
    "node_load1 0.42 1700000000123\n"
    "# TYPE node_filesystem_avail_bytes gauge\n"
    "node_filesystem_avail_bytes{device=\"map auto_home, {x}\",mountpoint=\"/home\"} "
    "5.36870912e+10 1700000000000\n"
    "\n"
    "# HELP node_textfile_note Escapes.\n"
    "# TYPE node_textfile_note untyped\n"
    "node_textfile_note{text=\"line1\\nline2\",quote=\"say \\\"hi\\\"\",path=\"C:\\\\temp\"} "
    "1 1700000000000\n";

/* A node_exporter scrape: counter, gauge without labels, values with
 * spaces/commas/braces, escapes (labels given out of order), ms stamps. */
static void test_node_scrape(void **state)
{
    got g;

    (void)state;
    parse_all(&g, "node.prom", node);
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.n, 4);
    check(&g, 0, "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"}", 1700000000.0, 123456.78);
    check(&g, 1, "node_load1", 1700000000.123, 0.42);
    check(&g, 2, "node_filesystem_avail_bytes{device=\"map auto_home, {x}\","
          "mountpoint=\"/home\"}", 1700000000.0, 53687091200.0);
    check(&g, 3, "node_textfile_note{path=\"C:\\\\temp\",quote=\"say \\\"hi\\\"\","
          "text=\"line1\\nline2\"}", 1700000000.0, 1);
    /* The stored label value is unescaped. */
    assert_string_equal(aiops_series_label(aiops_series_get(g.tab, g.rec[3].sid), "text"),
                        "line1\nline2");
    got_free(&g);
}

/* Histogram and summary lines are plain samples of their own series. */
static void test_histogram_summary(void **state)
{
    static const char text[] =
        "# TYPE http_request_duration_seconds histogram\n"
        "http_request_duration_seconds_bucket{handler=\"/api\",le=\"0.1\"} 800 1700000000000\n"
        "http_request_duration_seconds_bucket{handler=\"/api\",le=\"+Inf\"} 1000 1700000000000\n"
        "http_request_duration_seconds_sum{handler=\"/api\"} 123.4 1700000000000\n"
        "http_request_duration_seconds_count{handler=\"/api\"} 1000 1700000000000\n"
        "# TYPE go_gc_duration_seconds summary\n"
        "go_gc_duration_seconds{quantile=\"0.99\"} 2.1e-05 1700000000000\n"
        "go_gc_duration_seconds_sum 0.0123 1700000000000\n"
        "go_gc_duration_seconds_count 187 1700000000000\n";
    got g;

    (void)state;
    parse_all(&g, "h.prom", text);
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.n, 7);
    check(&g, 0, "http_request_duration_seconds_bucket{handler=\"/api\",le=\"0.1\"}",
          1700000000.0, 800);
    check(&g, 1, "http_request_duration_seconds_bucket{handler=\"/api\",le=\"+Inf\"}",
          1700000000.0, 1000);
    check(&g, 2, "http_request_duration_seconds_sum{handler=\"/api\"}", 1700000000.0, 123.4);
    check(&g, 3, "http_request_duration_seconds_count{handler=\"/api\"}", 1700000000.0, 1000);
    check(&g, 4, "go_gc_duration_seconds{quantile=\"0.99\"}", 1700000000.0, 2.1e-05);
    check(&g, 5, "go_gc_duration_seconds_sum", 1700000000.0, 0.0123);
    check(&g, 6, "go_gc_duration_seconds_count", 1700000000.0, 187);
    got_free(&g);
}

/* OpenMetrics: fractional seconds, exemplars ignored, # UNIT / # EOF,
 * every OpenMetrics type accepted, specials as values. */
static void test_openmetrics(void **state)
{
    static const char text[] =
        "# TYPE foo counter\n"
        "# UNIT foo seconds\n"
        "# HELP foo Foo.\n"
        "foo_total{a=\"1\"} 17.0 1700000001.25 # {trace_id=\"KOO5S4vxi0o\"} 0.67 "
        "1700000000.123\n"
        "foo_total{a=\"2\"} 42 # {trace_id=\"x\"} 9.8\n"
        "foo_created{a=\"1\"} 1605281325.0 1700000001\n"
        "# TYPE b info\n# TYPE c stateset\n# TYPE d gaugehistogram\n# TYPE e unknown\n"
        "t{room=\"lab\"} +Inf 1700000003\n"
        "t{room=\"lab\"} -Inf 1700000003.5e0\n"
        "t{room=\"lab\"} NaN 1700000004\n"
        "# EOF\n";
    got g;

    (void)state;
    parse_mtime(&g, "om.txt", text, sizeof text - 1, 1700000100.0, 0);
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.n, 6);
    check(&g, 0, "foo_total{a=\"1\"}", 1700000001.25, 17);
    check(&g, 1, "foo_total{a=\"2\"}", 1700000100.0, 42);    /* no ts: mtime */
    check(&g, 2, "foo_created{a=\"1\"}", 1700000001.0, 1605281325.0);
    check(&g, 3, "t{room=\"lab\"}", 1700000003.0, INFINITY);
    check(&g, 4, "t{room=\"lab\"}", 1700000003.5, -INFINITY);
    check(&g, 5, "t{room=\"lab\"}", 1700000004.0, NAN);
    got_free(&g);
}

/* Magnitude decides: <= 1e11 is seconds, above is milliseconds. */
static void test_seconds_vs_ms(void **state)
{
    static const char text[] =
        "a 1 1700000000\n"
        "a 2 1700000000123\n"
        "a 3 100000000000\n"       /* 1e11: still seconds */
        "a 4 100000000001\n"       /* just above: ms */
        "a 5 0.5\n";
    got g;

    (void)state;
    parse_all(&g, "t.prom", text);
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.n, 5);
    check(&g, 0, "a", 1700000000.0, 1);
    check(&g, 1, "a", 1700000000.123, 2);
    check(&g, 2, "a", 1e11, 3);
    check(&g, 3, "a", 100000000.001, 4);
    check(&g, 4, "a", 0.5, 5);
    got_free(&g);
}

/* Samples without a timestamp take the scrape file's mtime. */
static void test_missing_ts(void **state)
{
    static const char text[] = "# TYPE up gauge\nup{job=\"node\"} 1\nup 0 1700000000000\n";
    got g;

    (void)state;
    parse_mtime(&g, "scrape.prom", text, sizeof text - 1, 1700000123.5, 0);
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.n, 2);
    check(&g, 0, "up{job=\"node\"}", 1700000123.5, 1);
    check(&g, 1, "up", 1700000000.0, 0);
    got_free(&g);

    parse_mtime(&g, "scrape.prom", text, sizeof text - 1, 0, 0);
    assert_int_equal(g.rc, AIOPS_EPARSE);
    assert_int_equal(g.n, 0);
    assert_int_equal(g.err.line, 2);
    assert_string_equal(g.err.file, "scrape.prom");
    assert_string_equal(g.err.msg, "expected a timestamp: the sample has none and "
                        "the file has no modification time (give --scrape-time)");
    got_free(&g);
}

/* Blanks around tokens, a trailing comma, tabs, empty values dropped,
 * leading blanks, CRLF, colons in metric names. */
static void test_lenient_spelling(void **state)
{
    static const char text[] =
        "  name { b = \"y\" ,\ta=\"x\", } 1 1700000000000\r\n"
        "foo{a=\"\",b=\"x\"}\t2\t1700000000000\n"
        "job:rate5m{} 3 1700000000000\n"
        "bare\t4 1700000000000 \n";
    got g;

    (void)state;
    parse_all(&g, "l.prom", text);
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.n, 4);
    check(&g, 0, "name{a=\"x\",b=\"y\"}", 1700000000.0, 1);
    check(&g, 1, "foo{b=\"x\"}", 1700000000.0, 2);
    check(&g, 2, "job:rate5m", 1700000000.0, 3);
    check(&g, 3, "bare", 1700000000.0, 4);
    got_free(&g);
}

/* Empty input, and input with only comments: no records, no error. */
static void test_empty(void **state)
{
    got g;

    (void)state;
    parse_all(&g, "e.prom", "");
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.n, 0);
    got_free(&g);
    parse_all(&g, "c.prom", "# HELP up Up.\n# TYPE up gauge\n\n# just a note\n# EOF\n");
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.n, 0);
    got_free(&g);
}

typedef struct bad_case {
    const char *text;
    long line;
    const char *msg;     /* substring of err.msg */
    size_t nrec;         /* good records returned before the error */
} bad_case;

#define OK1 "up 1 1700000000000\n"

static void test_errors(void **state)
{
    static const bad_case cases[] = {
        { "# HELP up Up.\n# TYPE up gauges\n", 2,
          "expected a metric type (counter, gauge, histogram, summary, untyped, "
          "unknown, info, stateset, gaugehistogram), got 'gauges'", 0 },
        { OK1 "# TYPE up\n", 2, "expected a metric type after '# TYPE name'", 1 },
        { OK1 "# TYPE up gauge extra\n", 2,
          "expected end of line after the metric type, got 'extra'", 1 },
        { OK1 "# HELP\n", 2, "expected a metric name after '# HELP'", 1 },
        { OK1 "# TYPE 9up gauge\n", 2, "expected a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*) "
          "after '# TYPE', got '9up'", 1 },
        { OK1 "up{job=\"node} 1 1700000000000\n", 2,
          "expected a closing '\"' for the value of label 'job'", 1 },
        { OK1 "up{path=\"C:\\temp\"} 1 1700000000000\n", 2,
          "expected an escape \\\\, \\\" or \\n in the value of label 'path', got '\\t'", 1 },
        { OK1 "up{path=\"C:\\", 2,
          "expected an escape \\\\, \\\" or \\n in the value of label 'path', got '\\'", 1 },
        { OK1 "up{job=node} 1 1700000000000\n", 2,
          "expected '\"' starting the value of label 'job', got 'node} 1 1700000000000'", 1 },
        { OK1 "up{job} 1\n", 2, "expected '=' after label name 'job', got '} 1'", 1 },
        { OK1 "up{job=~\"a\"} 1\n", 2, "expected '\"' starting the value of label 'job'", 1 },
        { OK1 "up{9job=\"a\"} 1\n", 2, "expected a label name or '}', got '9job=\"a\"} 1'", 1 },
        { OK1 "up{\"job\"=\"a\"} 1\n", 2, "expected a label name or '}'", 1 },
        { OK1 "up{job=\"a\" instance=\"b\"} 1\n", 2,
          "expected ',' or '}' after the value of label 'job', got 'instance=", 1 },
        { OK1 "up{job=\"a\",\n", 2, "expected a label name or '}', got end of line", 1 },
        { OK1 "up{job=\"a\"}\n", 2, "expected a sample value after the series", 1 },
        { OK1 "up\n", 2, "expected a sample value after the series", 1 },
        { OK1 OK1 "up 0,42 1700000000000\n", 3,
          "expected a sample value (number, NaN, +Inf, -Inf), got '0,42'", 2 },
        { OK1 "up 1 17000000000O0\n", 2, "expected a timestamp (milliseconds, or seconds "
          "in OpenMetrics), got '17000000000O0'", 1 },
        { OK1 "up 1 NaN\n", 2, "expected a timestamp", 1 },
        { OK1 "up 1 1e999\n", 2, "expected a timestamp", 1 },
        { OK1 "up 1 1700000000000 extra\n", 2, "expected an exemplar '# {labels} value' "
          "or end of line after the timestamp, got 'extra'", 1 },
        { OK1 "up 1 1700000000000 #nope\n", 2, "after the timestamp, got '#nope'", 1 },
        { OK1 "up 1 # trace 1\n", 2, "after the value, got '# trace 1'", 1 },
        { OK1 "up{job=\"a\"}1 1700000000000\n", 2,
          "expected a blank and the sample value after the series, got '1 1700000000000'", 1 },
        { OK1 "node-load 1\n", 2,
          "expected a blank and the sample value after the series, got '-load 1'", 1 },
        { OK1 "{__name__=\"up\", job=\"node\"} 1 1617079315000\n", 2,
          "expected a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*) at the start of the line, "
          "got '{__name__=\"up\", job=\"node\"} 1 1617079315...'", 1 },
        { OK1 "1700000000,1\n", 2, "expected a metric name", 1 },
        { OK1 "up{job=\"web-\xc3\x28\"} 1 1700000000000\n", 2,
          "expected UTF-8 text in the value of label 'job', got invalid bytes", 1 },
        { OK1 "up{job=\"\xed\xa0\x80\"} 1\n", 2, "expected UTF-8 text", 1 },
        { OK1 "up{job=\"\xf4\x90\x80\x80\"} 1\n", 2, "expected UTF-8 text", 1 },
        { OK1 "\xff\xfe 1\n", 2, "expected a metric name", 1 },
    };
    size_t i;
    got g;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        parse_mtime(&g, "bad.prom", cases[i].text, strlen(cases[i].text),
                    1700000000.0, 0);
        if (g.rc != AIOPS_EPARSE || g.err.line != cases[i].line)
            fail_msg("case %zu: rc %d line %ld (%s), want EPARSE line %ld", i, g.rc,
                     g.err.line, g.err.msg, cases[i].line);
        assert_int_equal(g.err.code, AIOPS_EPARSE);
        assert_string_equal(g.err.file, "bad.prom");
        if (!strstr(g.err.msg, cases[i].msg))
            fail_msg("case %zu: msg '%s' lacks '%s'", i, g.err.msg, cases[i].msg);
        assert_int_equal(g.n, cases[i].nrec);
        got_free(&g);
    }
}

/* A line over the stream's cap is ELIMIT; valid huge values are fine. */
static void test_limits(void **state)
{
    static const char huge[] = "big 1.7976931348623157e+308 1700000000000\n"
                               "tiny 4.9e-324 1700000000000\n";
    char text[400];
    got g;

    (void)state;
    parse_all(&g, "huge.prom", huge);
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.n, 2);
    check(&g, 0, "big", 1700000000.0, 1.7976931348623157e+308);
    check(&g, 1, "tiny", 1700000000.0, 4.9e-324);
    got_free(&g);

    memset(text, 'x', sizeof text);
    memcpy(text, OK1, strlen(OK1));
    text[sizeof text - 1] = '\n';
    parse_mtime(&g, "long.prom", text, sizeof text, 1700000000.0, 128);
    assert_int_equal(g.rc, AIOPS_ELIMIT);
    assert_int_equal(g.n, 1);
    got_free(&g);
}

static int probe(const char *entry, const char *head)
{
    return aiops_fmt_expo.probe(entry, head, strlen(head));
}

static void test_probe(void **state)
{
    static const char garbage[] = "\x00\xff up 1\n";
    (void)state;
    /* Positive. */
    assert_int_equal(probe("node.prom", node), 90);
    assert_int_equal(probe("x", "# TYPE up gauge\nup 1\n"), 90);
    assert_int_equal(probe("x", "\n# some comment\n# HELP up Up.\n"), 90);
    assert_int_equal(probe("x", "up 1\n"), 75);
    assert_int_equal(probe("x", "up{job=\"a b}\"} 1 1700000000000 # {t=\"x\"} 1\n"), 75);
    assert_int_equal(probe("scrape.prom", "up{job=\"a\"} NaN\n"), 85);
    assert_int_equal(probe("x", "# generated by hand\nup 1 1700000000.5\n"), 75);
    /* Negative: the other formats' typical heads. */
    assert_int_equal(probe("d.txt", "{__name__=\"up\", job=\"node\"} 1 1617079315000\n"), 0);
    assert_int_equal(probe("x.csv", "timestamp,value\n1700000000,1\n"), 0);
    assert_int_equal(probe("x.csv", "time,cpu{host=\"a\"}\n2024-01-01T00:00:00Z,1\n"), 0);
    assert_int_equal(probe("x.json", "{\"status\":\"success\",\"data\":{}}"), 0);
    assert_int_equal(probe("x.json", "[{\"metric\":{}}]"), 0);
    assert_int_equal(probe("x.ndjson", "{\"type\":\"sample\",\"ts\":1,\"series\":\"up\","
                           "\"value\":1}\n"), 0);
    assert_int_equal(probe("x.tsv", "1700000000\tup{job=\"a\"}\t1\n"), 0);
    assert_int_equal(probe("x.tsv", "ts\tseries\tvalue\n"), 0);
    assert_int_equal(probe("x.jsonl", "{\"metric\":{\"__name__\":\"up\"},\"values\":[1],"
                           "\"timestamps\":[1700000000000]}\n"), 0);
    /* Near misses and junk. */
    assert_int_equal(probe("x", "up one\n"), 0);
    assert_int_equal(probe("x", "up 1 2 3\n"), 0);
    assert_int_equal(probe("x", "up{job=\"a\"\n"), 0);
    assert_int_equal(probe("x", "# just a comment\n"), 0);
    assert_int_equal(probe("x", ""), 0);
    assert_int_equal(aiops_fmt_expo.probe("x", garbage, sizeof garbage - 1), 0);
    assert_int_equal(aiops_fmt_expo.probe(NULL, NULL, 0), 0);
}

static void test_descriptor(void **state)
{
    (void)state;
    assert_string_equal(aiops_fmt_expo.name, "prom-text");
    assert_int_equal(aiops_fmt_expo.ordered, 0);
    assert_non_null(aiops_fmt_expo.desc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_node_scrape),
        cmocka_unit_test(test_histogram_summary),
        cmocka_unit_test(test_openmetrics),
        cmocka_unit_test(test_seconds_vs_ms),
        cmocka_unit_test(test_missing_ts),
        cmocka_unit_test(test_lenient_spelling),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_descriptor),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
