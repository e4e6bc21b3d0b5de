/* Unit tests for the `promtool tsdb dump` format (libcore/fmt_promtool.c). */
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

/* Parse all of text as `name` (max_line 0 = default), keeping records. */
static void parse_all(got *g, const char *name, const char *text, size_t len,
                      size_t max_line)
{
    aiops_stream *s = aiops_stream_new_mem(name, text, len, max_line, 0);
    aiops_parse_ctx ctx = {0};
    void *st = NULL;
    aiops_record r;

    assert_non_null(s);
    memset(g, 0, sizeof *g);
    g->tab = aiops_series_table_new();
    assert_non_null(g->tab);
    ctx.stream = s;
    ctx.series = g->tab;
    assert_int_equal(aiops_fmt_promtool.open(&st, &ctx, &g->err), 0);
    for (;;) {
        memset(&r, 0, sizeof r);
        g->rc = aiops_fmt_promtool.next(st, &ctx, &r, &g->err);
        if (g->rc != 1)
            break;
        assert_true(g->n < MAXREC);
        g->rec[g->n++] = r;
    }
    aiops_fmt_promtool.close(st);
    aiops_stream_free(s);
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

static const char dump[] =
    "{__name__=\"prometheus_http_requests_total\", code=\"200\", handler=\"/\", "
    "instance=\"localhost:9090\", job=\"prometheus\"} 3 1617079315000\n"
    "{__name__=\"prometheus_http_requests_total\", code=\"200\", handler=\"/\", "
    "instance=\"localhost:9090\", job=\"prometheus\"} 5 1617079330000\n"
    "{__name__=\"process_resident_memory_bytes\", instance=\"localhost:9090\", "
    "job=\"prometheus\"} 1.040384e+08 1617079316250\n"
    "\n"
    "{__name__=\"process_resident_memory_bytes\", instance=\"localhost:9090\", "
    "job=\"prometheus\"} 1.0510336e+08 1617079331250\n"
    "   \r\n"
    "{__name__=\"up\", instance=\"localhost:9100\", job=\"node\"} 1 1617079315000\n"
    "{__name__=\"up\", instance=\"localhost:9100\", job=\"node\"} NaN 1617079345123\r\n";

#define HTTP "prometheus_http_requests_total{code=\"200\",handler=\"/\"," \
             "instance=\"localhost:9090\",job=\"prometheus\"}"
#define MEM "process_resident_memory_bytes{instance=\"localhost:9090\",job=\"prometheus\"}"
#define UP "up{instance=\"localhost:9100\",job=\"node\"}"

/* A realistic dump: series by series, blank and CRLF lines, %g values,
 * a stale-marker NaN and a millisecond fraction. */
static void test_dump(void **state)
{
    got g;

    (void)state;
    parse_all(&g, "dump.txt", dump, sizeof dump - 1, 0);
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.n, 6);
    check(&g, 0, HTTP, 1617079315.0, 3);
    check(&g, 1, HTTP, 1617079330.0, 5);
    check(&g, 2, MEM, 1617079316.25, 104038400.0);
    check(&g, 3, MEM, 1617079331.25, 105103360.0);
    check(&g, 4, UP, 1617079315.0, 1);
    check(&g, 5, UP, 1617079345.123, NAN);
    /* Same spelling -> same id; three distinct series in all. */
    assert_int_equal(g.rec[0].sid, g.rec[1].sid);
    assert_int_equal(aiops_series_table_count(g.tab), 3);
    got_free(&g);
}

/* Special values, label values with braces/commas/escapes, no trailing
 * newline, negative and zero timestamps. */
static void test_values_and_labels(void **state)
{
    static const char text[] =
        "{__name__=\"m\", path=\"/a}b, {c}\"} +Inf 0\n"
        "{__name__=\"m\", path=\"say \\\"hi\\\"\\\\\"} -Inf -1500\n"
        "{__name__=\"m\", path=\"x\"} 1.7976931348623157e+308 1617079315001\n"
        "{__name__=\"m\", path=\"x\"} -0.5e-3 1617079315002";
    got g;

    (void)state;
    parse_all(&g, "v.txt", text, sizeof text - 1, 0);
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.n, 4);
    check(&g, 0, "m{path=\"/a}b, {c}\"}", 0.0, INFINITY);
    check(&g, 1, "m{path=\"say \\\"hi\\\"\\\\\"}", -1.5, -INFINITY);
    check(&g, 2, "m{path=\"x\"}", 1617079315.001, 1.7976931348623157e+308);
    check(&g, 3, "m{path=\"x\"}", 1617079315.002, -0.0005);
    got_free(&g);
}

/* Empty input and blank-only input: no records, no error. */
static void test_empty(void **state)
{
    got g;

    (void)state;
    parse_all(&g, "empty.txt", "", 0, 0);
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.n, 0);
    got_free(&g);
    parse_all(&g, "blank.txt", "\n  \n\t\n", 6, 0);
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.n, 0);
    got_free(&g);
}

typedef struct bad_case {
    const char *text;
    int code;
    long line;
    const char *msg;     /* substring of err.msg, NULL = don't check */
    size_t nrec;         /* good records returned before the error */
} bad_case;

#define OK1 "{__name__=\"up\", job=\"node\"} 1 1617079315000\n"

/* Each malformed input fails with the right code, file, line and message,
 * after returning the good lines before it. */
static void test_errors(void **state)
{
    static const bad_case cases[] = {
        { OK1 "{__name__=\"up\", job=\"node\" 1 1617079330000\n", AIOPS_EPARSE, 2,
          "expected '}' closing the label set", 1 },
        { OK1 "{__name__=\"up\", job=\"node} 1 1617079330000\n", AIOPS_EPARSE, 2,
          "expected a closing '\"'", 1 },
        { OK1 OK1 "{__name__=\"up\"} one 1617079330000\n", AIOPS_EPARSE, 3,
          "expected a sample value (number, NaN, +Inf, -Inf), got 'one'", 2 },
        { OK1 "{__name__=\"up\"} 1\n", AIOPS_EPARSE, 2,
          "expected a timestamp in milliseconds after the value", 1 },
        { OK1 "{__name__=\"up\"} 1 1617079330.5\n", AIOPS_EPARSE, 2,
          "expected an integer timestamp in milliseconds, got '1617079330.5'", 1 },
        { OK1 "{__name__=\"up\"} 1 99999999999999999999\n", AIOPS_EPARSE, 2,
          "expected an integer timestamp in milliseconds", 1 },
        { OK1 "{__name__=\"up\"} 1 1617079330000 7\n", AIOPS_EPARSE, 2,
          "expected end of line after the timestamp, got '7'", 1 },
        { OK1 "{__name__=\"up\"}1 1617079330000\n", AIOPS_EPARSE, 2,
          "expected a blank after the label set", 1 },
        { OK1 "{__name__=\"up\"}\n", AIOPS_EPARSE, 2,
          "expected a sample value after the label set", 1 },
        { OK1 "\nup{job=\"node\"} 1 1617079330000\n", AIOPS_EPARSE, 3,
          "expected a label set '{__name__=\"...\", ...}' at the start of the line, "
          "got 'up{job=\"node\"} 1 1617079330000'", 1 },
        { "# comment\n", AIOPS_EPARSE, 1, "expected a label set", 0 },
        { OK1 "{__name__=\"up\", job=\"web-\xff\"} 1 1617079330000\n", AIOPS_EPARSE, 2,
          "expected UTF-8 text in the label set", 1 },
        { OK1 "{__name__=\"up\", \xc0\xaf=\"x\"} 1 1617079330000\n", AIOPS_EPARSE, 2,
          "expected UTF-8 text", 1 },
        /* Bad label syntax is the series parser's to report; we add file:line. */
        { OK1 "{__name__=\"up\", job=node} 1 1617079330000\n", AIOPS_EPARSE, 2, NULL, 1 },
        { OK1 "{__name__=\"up\", 9x=\"a\"} 1 1617079330000\n", AIOPS_EPARSE, 2, NULL, 1 },
    };
    size_t i;
    got g;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        parse_all(&g, "bad.txt", cases[i].text, strlen(cases[i].text), 0);
        if (g.rc != cases[i].code || g.err.line != cases[i].line)
            fail_msg("case %zu: rc %d line %ld (%s), want rc %d line %ld", i, g.rc,
                     g.err.line, g.err.msg, cases[i].code, cases[i].line);
        assert_int_equal(g.err.code, cases[i].code);
        assert_string_equal(g.err.file, "bad.txt");
        assert_true(g.err.msg[0] != '\0');
        if (cases[i].msg && !strstr(g.err.msg, cases[i].msg))
            fail_msg("case %zu: msg '%s' lacks '%s'", i, g.err.msg, cases[i].msg);
        assert_int_equal(g.n, cases[i].nrec);
        got_free(&g);
    }
}

/* A line over the stream's cap is ELIMIT, not a crash or a cut sample. */
static void test_line_limit(void **state)
{
    char text[300];
    got g;

    (void)state;
    memset(text, 'a', sizeof text);
    memcpy(text, OK1, strlen(OK1));
    memcpy(text + strlen(OK1), "{__name__=\"", 11);
    text[sizeof text - 1] = '\n';
    parse_all(&g, "long.txt", text, sizeof text, 128);
    assert_int_equal(g.rc, AIOPS_ELIMIT);
    assert_int_equal(g.n, 1);
    got_free(&g);
}

static int probe(const char *entry, const char *head)
{
    return aiops_fmt_promtool.probe(entry, head, strlen(head));
}

static void test_probe(void **state)
{
    static const char garbage[] = "\x00\xff{\x01}\"\\";
    (void)state;
    /* Positive: promtool lines, with and without __name__, leading blanks. */
    assert_int_equal(probe("dump.txt", dump), 95);
    assert_int_equal(probe("x", "\n\n{__name__=\"up\"} 1 1617079315000"), 95);
    assert_int_equal(probe("x", "{job=\"node\", le=\"+Inf\"} NaN -5\n"), 70);
    assert_int_equal(probe("x", "{__name__=\"a\", p=\"} 1 2\"} 1e3 1617079315000\r\n"), 95);
    /* Negative: the other formats' typical heads. */
    assert_int_equal(probe("x.ndjson", "{\"type\":\"sample\",\"ts\":1700000000,"
                           "\"series\":\"up\",\"value\":1}\n"), 0);
    assert_int_equal(probe("x.tsv", "1700000000\tup{job=\"a\"}\t1\n"), 0);
    assert_int_equal(probe("x.csv", "timestamp,value\n1700000000,1\n"), 0);
    assert_int_equal(probe("x.json", "{\"status\":\"success\",\"data\":{\"resultType\":"
                           "\"matrix\",\"result\":[]}}"), 0);
    assert_int_equal(probe("x.jsonl", "{\"metric\":{\"__name__\":\"up\"},\"values\":[1],"
                           "\"timestamps\":[1700000000000]}\n"), 0);
    assert_int_equal(probe("x.prom", "# HELP up Up.\n# TYPE up gauge\nup 1\n"), 0);
    assert_int_equal(probe("x.prom", "up{job=\"a\"} 1 1617079315000\n"), 0);
    /* Near misses: one number, three numbers, fractional ts, cut head. */
    assert_int_equal(probe("x", "{__name__=\"up\"} 1\n"), 0);
    assert_int_equal(probe("x", "{__name__=\"up\"} 1 2 3\n"), 0);
    assert_int_equal(probe("x", "{__name__=\"up\"} 1 2.5\n"), 0);
    assert_int_equal(probe("x", "{__name__=\"up\", job=\""), 0);
    assert_int_equal(probe("x", "{}"), 0);
    assert_int_equal(probe("x", ""), 0);
    assert_int_equal(aiops_fmt_promtool.probe("x", garbage, sizeof garbage - 1), 0);
    assert_int_equal(aiops_fmt_promtool.probe("x", NULL, 0), 0);
}

static void test_descriptor(void **state)
{
    (void)state;
    assert_string_equal(aiops_fmt_promtool.name, "promtool");
    assert_int_equal(aiops_fmt_promtool.ordered, 0);
    assert_non_null(aiops_fmt_promtool.desc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dump),
        cmocka_unit_test(test_values_and_labels),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_line_limit),
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_descriptor),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
