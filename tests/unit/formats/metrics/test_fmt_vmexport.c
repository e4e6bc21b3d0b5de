/* test_fmt_vmexport.c - VictoriaMetrics /api/v1/export JSON lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "aiops_format.h"

#define MAXGOT 32

typedef struct got {
    char series[192];
    double ts, v;
} got;

typedef struct run {
    got g[MAXGOT];
    size_t n;
    int rc;
    aiops_err err;
} run;

/* Open text as "fixture.jsonl", pull every record; r->rc = 0 or the error.
 * Samples before an error are kept in r->g. */
static void parse_caps(const char *text, size_t len, size_t max_line, run *r)
{
    aiops_stream *s = aiops_stream_new_mem("fixture.jsonl", text, len, max_line, 0);
    aiops_series_table *tab = aiops_series_table_new();
    aiops_parse_ctx ctx = {.stream = s, .series = tab};
    aiops_record rec;
    void *st = NULL;

    assert_non_null(s);
    assert_non_null(tab);
    memset(r, 0, sizeof *r);
    r->rc = aiops_fmt_vm_export.open(&st, &ctx, &r->err);
    while (r->rc == 0 && (r->rc = aiops_fmt_vm_export.next(st, &ctx, &rec, &r->err)) == 1) {
        assert_int_equal(rec.type, AIOPS_R_SAMPLE);
        assert_null(rec.obj);
        assert_true(r->n < MAXGOT);
        snprintf(r->g[r->n].series, sizeof r->g[r->n].series, "%s",
                 aiops_series_get(tab, rec.sid)->text);
        r->g[r->n].ts = rec.ts;
        r->g[r->n].v = rec.value;
        r->n++;
        r->rc = 0;
    }
    aiops_fmt_vm_export.close(st);
    aiops_series_table_free(tab);
    aiops_stream_free(s);
}

static void parse(const char *text, run *r)
{
    parse_caps(text, strlen(text), 0, r);
}

#define EXPECT(r, i, s, t, val) expect_sample(&(r)->g[i], s, t, val)

static void expect_sample(const got *g, const char *series, double ts, double v)
{
    assert_string_equal(g->series, series);
    assert_true(g->ts == ts);
    if (isnan(v))
        assert_true(isnan(g->v));
    else
        assert_true(g->v == v);
}

/* The error code, its line, a fragment of its message, and how many
 * samples came out before it. */
static void expect_err(const char *text, int code, long line, const char *frag, size_t before)
{
    run r;
    parse(text, &r);
    if (r.rc != code || r.err.line != line || !strstr(r.err.msg, frag) || r.n != before)
        print_error("got rc %d line %ld msg '%s' after %zu samples\n", r.rc, r.err.line,
                    r.err.msg, r.n);
    assert_int_equal(r.rc, code);
    assert_int_equal(r.err.code, code);
    assert_string_equal(r.err.file, "fixture.jsonl");
    assert_int_equal(r.err.line, line);
    assert_non_null(strstr(r.err.msg, frag));
    assert_int_equal(r.n, before);
}

#define UP1 "{\"metric\":{\"__name__\":\"up\",\"job\":\"a\"},\"values\":[1],\"timestamps\":[1700000000000]}\n"

/* ------------------------------------------------------------ good input */

static void test_export_lines(void **state)
{
    (void)state;
    static const char *const up = "up{instance=\"10.0.0.1:9100\",job=\"node\"}";
    static const char *const load = "node_load1{instance=\"10.0.0.1:9100\",job=\"node\"}";
    static const char *const req = "http_requests_total{code=\"500\",job=\"api\"}";
    run r;
    parse("{\"metric\":{\"__name__\":\"up\",\"job\":\"node\",\"instance\":\"10.0.0.1:9100\"},"
          "\"values\":[1,1,0],\"timestamps\":[1700000000000,1700000015000,1700000030000]}\n"
          "{\"metric\":{\"__name__\":\"node_load1\",\"job\":\"node\",\"instance\":\"10.0.0.1:9100\"},"
          "\"values\":[0.25,null,0.5],\"timestamps\":[1700000000500,1700000015500,1700000030500]}\n"
          "{\"metric\":{\"__name__\":\"http_requests_total\",\"job\":\"api\",\"code\":\"500\"},"
          "\"values\":[3,\"NaN\",7.5,\"+Inf\"],"
          "\"timestamps\":[1700000005000,1700000020000,1700000035000,1700000050123]}\n",
          &r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 10);
    /* series by series, in file order: the merge sorts them */
    EXPECT(&r, 0, up, 1700000000, 1);
    EXPECT(&r, 1, up, 1700000015, 1);
    EXPECT(&r, 2, up, 1700000030, 0);
    EXPECT(&r, 3, load, 1700000000.5, 0.25);
    EXPECT(&r, 4, load, 1700000015.5, NAN);       /* null = staleness */
    EXPECT(&r, 5, load, 1700000030.5, 0.5);
    EXPECT(&r, 6, req, 1700000005, 3);
    EXPECT(&r, 7, req, 1700000020, NAN);
    EXPECT(&r, 8, req, 1700000035, 7.5);
    EXPECT(&r, 9, req, 1700000050.123, INFINITY); /* ms -> s rounds like the text */
}

static void test_blank_lines_empty_arrays_no_newline(void **state)
{
    (void)state;
    run r;
    parse("\n  \n{\"metric\":{\"__name__\":\"a\"},\"values\":[],\"timestamps\":[]}\r\n\n"
          "{\"timestamps\":[-1500, 2.5e3],\"values\":[\"-Inf\", -2],\"metric\":{\"__name__\":\"b\"}}",
          &r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 2);
    EXPECT(&r, 0, "b", -1.5, -INFINITY);
    EXPECT(&r, 1, "b", 2.5, -2);
}

static void test_empty_input(void **state)
{
    (void)state;
    run r;
    parse("", &r);          /* empty file: no records, not an error */
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 0);
    parse("\n\n   \n", &r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 0);
}

static void test_huge_values(void **state)
{
    (void)state;
    run r;
    parse("{\"metric\":{\"__name__\":\"x\"},\"values\":[\"1e400\",1.7976931348623157e308],"
          "\"timestamps\":[1000,2000]}\n",
          &r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 2);
    EXPECT(&r, 0, "x", 1, INFINITY);     /* beyond double range is still data */
    EXPECT(&r, 1, "x", 2, 1.7976931348623157e308);
    expect_err(UP1 "{\"metric\":{\"__name__\":\"x\"},\"values\":[1e400],\"timestamps\":[1]}\n",
               AIOPS_EPARSE, 2, "overflow", 1);
    expect_err(UP1 "{\"metric\":{\"__name__\":\"x\"},\"values\":[1],"
                   "\"timestamps\":[170000000000000000000000]}\n",
               AIOPS_EPARSE, 2, "too big", 1);
}

static void test_line_cap(void **state)
{
    (void)state;
    run r;
    const char *text = UP1 UP1 "{\"metric\":{\"__name__\":\"up\",\"job\":\"a\"},"
                               "\"values\":[1,2,3,4,5,6,7,8,9],\"timestamps\":[1,2,3,4,5,6,7,8,9]}\n";
    parse_caps(text, strlen(text), 90, &r);
    assert_int_equal(r.rc, AIOPS_ELIMIT);
    assert_int_equal(r.err.line, 3);
    assert_int_equal(r.n, 2);
}

/* ------------------------------------------------------------ errors */

static void test_length_mismatch(void **state)
{
    (void)state;
    expect_err(UP1 "{\"metric\":{\"__name__\":\"up\"},\"values\":[1,0,1],\"timestamps\":[1,2]}\n",
               AIOPS_EPARSE, 2, "expected as many timestamps as values, got 3 values and 2 timestamps", 1);
    expect_err("{\"metric\":{\"__name__\":\"up\"},\"values\":[],\"timestamps\":[1]}\n",
               AIOPS_EPARSE, 1, "got 0 values and 1 timestamps", 0);
}

static void test_wrong_types(void **state)
{
    (void)state;
    expect_err(UP1 "[1,2]\n", AIOPS_EPARSE, 2, "expected a JSON object per line, got an array", 1);
    expect_err(UP1 "\"up\"\n", AIOPS_EPARSE, 2, "expected a VictoriaMetrics export JSON object", 1);
    expect_err("{\"metric\":\"up\",\"values\":[1],\"timestamps\":[1]}", AIOPS_EPARSE, 1,
               "expected \"metric\" to be an object of labels, got a string", 0);
    expect_err("{\"metric\":{\"__name__\":\"up\"},\"values\":1,\"timestamps\":[1]}", AIOPS_EPARSE, 1,
               "expected \"values\" to be an array, got a number", 0);
    expect_err("{\"metric\":{\"__name__\":\"up\"},\"values\":[1],\"timestamps\":{}}", AIOPS_EPARSE, 1,
               "expected \"timestamps\" to be an array, got an object", 0);
    expect_err("\n" UP1 "{\"metric\":{\"__name__\":\"up\"},\"values\":[1,true],\"timestamps\":[1,2]}",
               AIOPS_EPARSE, 3, "values[1]: expected a number, null or a string like \"NaN\", got true", 2);
    expect_err("{\"metric\":{\"__name__\":\"up\"},\"values\":[[1]],\"timestamps\":[1]}", AIOPS_EPARSE, 1,
               "values[0]: expected a number, null or a string like \"NaN\", got an array", 0);
    expect_err("{\"metric\":{\"__name__\":\"up\"},\"values\":[1,2],"
               "\"timestamps\":[1700000000000,\"2023-11-14T22:13:35Z\"]}",
               AIOPS_EPARSE, 1, "timestamps[1]: expected milliseconds since the epoch as a number, got a string", 1);
    expect_err("{\"metric\":{\"__name__\":\"up\"},\"values\":[1],\"timestamps\":[null]}", AIOPS_EPARSE, 1,
               "timestamps[0]: expected milliseconds", 0);
}

static void test_missing_fields(void **state)
{
    (void)state;
    expect_err("{\"values\":[1],\"timestamps\":[1]}", AIOPS_EPARSE, 1,
               "expected \"metric\" to be an object of labels, got nothing", 0);
    expect_err(UP1 UP1 "{\"metric\":{\"__name__\":\"up\"},\"timestamps\":[1]}", AIOPS_EPARSE, 3,
               "expected \"values\" to be an array, got nothing", 2);
    expect_err("{\"metric\":{\"__name__\":\"up\"},\"values\":[1]}", AIOPS_EPARSE, 1,
               "expected \"timestamps\" to be an array, got nothing", 0);
    expect_err("{}", AIOPS_EPARSE, 1, "expected \"metric\"", 0);
}

static void test_garbage_numbers(void **state)
{
    (void)state;
    expect_err(UP1 "{\"metric\":{\"__name__\":\"up\"},\"values\":[\"12abc\"],\"timestamps\":[1]}",
               AIOPS_EPARSE, 2, "values[0]: expected a number like 1.5 or \"NaN\", got '12abc'", 1);
    expect_err("{\"metric\":{\"__name__\":\"up\"},\"values\":[\"\"],\"timestamps\":[1]}",
               AIOPS_EPARSE, 1, "got ''", 0);
    expect_err("{\"metric\":{\"__name__\":\"up\"},\"values\":[01],\"timestamps\":[1]}",
               AIOPS_EPARSE, 1, "expected a VictoriaMetrics export JSON object", 0);
}

static void test_bad_labels(void **state)
{
    (void)state;
    expect_err(UP1 "{\"metric\":{\"__name__\":\"up\",\"\":\"x\"},\"values\":[1],\"timestamps\":[1]}",
               AIOPS_EPARSE, 2, "metric: expected a label name", 1);
    expect_err("{\"metric\":{\"__name__\":\"up\",\"job\":7},\"values\":[1],\"timestamps\":[1]}",
               AIOPS_EPARSE, 1, "metric.job: expected a string label value, got a number", 0);
    expect_err("{\"metric\":{},\"values\":[1],\"timestamps\":[1]}", AIOPS_EPARSE, 1,
               "expected a metric name or a label", 0);
    /* a duplicated label would silently lose one of its values */
    expect_err("{\"metric\":{\"job\":\"a\",\"job\":\"b\"},\"values\":[1],\"timestamps\":[1]}",
               AIOPS_EPARSE, 1, "duplicate object key", 0);
}

/* Errors are resumable: a bad line gives none of its samples to anyone
 * (issue 19.1), a bad value drops that sample only, and the lines after
 * both are read (19.2). */
static void test_errors_resumable(void **state)
{
    (void)state;
    static const char text[] =
        "{\"metric\":{\"__name__\":\"x\",\"job\":1},\"values\":[123],\"timestamps\":[1000]}\n"
        "{\"metric\":{\"__name__\":\"b\"},\"values\":[true,2],\"timestamps\":[1000,2000]}\n"
        "{\"metric\":{\"__name__\":\"c\"},\"values\":[0.5],\"timestamps\":[1000]}\n";
    aiops_stream *s = aiops_stream_new_mem("fixture.jsonl", text, strlen(text), 0, 0);
    aiops_series_table *tab = aiops_series_table_new();
    aiops_parse_ctx ctx = {.stream = s, .series = tab};
    aiops_record rec;
    aiops_err err = {0};
    void *st = NULL;
    char got[256] = "";
    int errors = 0, rc;
    assert_int_equal(aiops_fmt_vm_export.open(&st, &ctx, &err), 0);
    for (;;) {
        ctx.resumable = 0;
        rc = aiops_fmt_vm_export.next(st, &ctx, &rec, &err);
        if (rc == 0)
            break;
        if (rc < 0) {
            assert_int_equal(rc, AIOPS_EPARSE);
            assert_int_equal(ctx.resumable, 1);
            errors++;
            aiops_err_clear(&err);
            continue;
        }
        size_t k = strlen(got);
        snprintf(got + k, sizeof got - k, "%s=%g@%g ", aiops_series_get(tab, rec.sid)->text,
                 rec.value, rec.ts);
    }
    assert_int_equal(errors, 2);
    assert_string_equal(got, "b=2@2 c=0.5@1 ");
    aiops_fmt_vm_export.close(st);
    aiops_series_table_free(tab);
    aiops_stream_free(s);
}

static void test_truncated_and_invalid(void **state)
{
    (void)state;
    expect_err(UP1 "{\"metric\":{\"__name__\":\"up\",\"job\":\"api\"},\"values\":[1],\"timestam",
               AIOPS_EPARSE, 2, "expected a VictoriaMetrics export JSON object", 1);
    expect_err(UP1 "{\"metric\":{\"__name__\":\"up\"},\"values\":[1],\"timestamps\":[1]} x\n",
               AIOPS_EPARSE, 2, "end of file expected", 1);
    expect_err(UP1 "\n{\"metric\":{\"__name__\":\"up\",\"job\":\"a\xff\"},\"values\":[1],\"timestamps\":[1]}",
               AIOPS_EPARSE, 3, "expected a VictoriaMetrics export JSON object", 1);
}

/* ------------------------------------------------------------- probe */

static int probe(const char *head)
{
    return aiops_fmt_vm_export.probe("x.jsonl", head, strlen(head));
}


/* ------------------------------------------------- fast path = jansson */

/* A line the hand scan reads and the same line with an extra member
 * (which only the jansson path takes, and ignores) give the same
 * records, bit for bit. */
static void same_records(const char *line)
{
    char slow[2048];
    size_t p = 0;
    while (line[p] != '{')
        p++;
    int n = snprintf(slow, sizeof slow, "%.*s{\"x\":1,%s", (int)p, line, line + p + 1);
    assert_true(n > 0 && (size_t)n < sizeof slow);
    run a, b;
    parse(line, &a);
    parse(slow, &b);
    if (a.rc != 0 || b.rc != 0)
        print_error("fast rc %d '%s', jansson rc %d '%s'\n", a.rc, a.err.msg, b.rc, b.err.msg);
    assert_int_equal(a.rc, 0);
    assert_int_equal(b.rc, 0);
    assert_int_equal(a.n, b.n);
    for (size_t i = 0; i < a.n; i++) {
        assert_string_equal(a.g[i].series, b.g[i].series);
        assert_memory_equal(&a.g[i].ts, &b.g[i].ts, sizeof(double));
        if (isnan(a.g[i].v))
            assert_true(isnan(b.g[i].v));
        else
            assert_memory_equal(&a.g[i].v, &b.g[i].v, sizeof(double));
    }
}

static void test_fast_path_same_as_jansson(void **state)
{
    (void)state;
    same_records("{\"metric\":{\"__name__\":\"up\",\"job\":\"x\"},\"values\":[1,0.5,-0,1e3,null,"
                 "\"NaN\",\"+Inf\",\"2.25\"],\"timestamps\":[1700000000000,1700000015000,"
                 "1700000030000,1700000045000.5,1.7e12,-0,1700000090001,9007199254740993]}\n");
    same_records(" { \"timestamps\" : [ 1700000000000 ] , \"values\" : [ 7 ] , \"metric\" : "
                 "{ \"__name__\" : \"m.x\" , \"service.name\" : \"caf\xc3\xa9\" , \"e\" : \"\" } }\n");
    same_records("{\"metric\":{\"a\":\"1\"},\"values\":[],\"timestamps\":[]}\n"
                 "{\"metric\":{\"__name__\":\"a\\\"b\"},\"values\":[1],\"timestamps\":[1000]}\n");
}

static void test_fast_path_values(void **state)
{
    (void)state;
    run r;
    parse("{\"timestamps\":[1700000000000,1700000015500],\"metric\":{\"job\":\"x\","
          "\"__name__\":\"up\"},\"values\":[null,\"2.5\"]}\n", &r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 2);
    EXPECT(&r, 0, "up{job=\"x\"}", 1700000000, NAN);
    EXPECT(&r, 1, "up{job=\"x\"}", 1700000015.5, 2.5);
}

static void test_probe(void **state)
{
    (void)state;
    assert_true(probe(UP1 UP1) >= 80);
    assert_true(probe("\n\n" UP1) >= 80);
    /* a "type" label inside "metric" is not one of our records */
    assert_true(probe("{\"metric\":{\"__name__\":\"x\",\"type\":\"gauge\"},\"values\":[1],"
                      "\"timestamps\":[1]}\n") >= 80);
    /* a line longer than the head: "timestamps" not seen yet */
    assert_true(probe("{\"metric\":{\"__name__\":\"x\"},\"values\":[1,2,3,4,5") > 0);

    assert_int_equal(probe(""), 0);
    assert_int_equal(probe("{\"metric\":{\"__name__\":\"x\"},\"values\":[1]}\n"), 0);
    assert_int_equal(probe("{\"type\":\"sample\",\"ts\":1700000000,\"series\":\"up\",\"value\":1}\n"), 0);
    assert_int_equal(probe("{\"type\":\"anomaly\",\"metric\":\"up\",\"timestamps\":[1]}\n"), 0);
    assert_int_equal(probe("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
                           "{\"metric\":{\"__name__\":\"up\"},\"values\":[[1,\"1\"]]}]}}"), 0);
    assert_int_equal(probe("{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":[]}]}"), 0);
    assert_int_equal(probe("1700000000\tup\t1\n"), 0);
    assert_int_equal(probe("timestamp,value\n1,2\n"), 0);
    assert_int_equal(probe("{__name__=\"up\", job=\"x\"} 1 1700000000000\n"), 0);
    assert_int_equal(probe("# TYPE up gauge\nup 1\n"), 0);
    assert_int_equal(probe("\xff\xfe{\"metric\":"), 0);
    assert_int_equal(probe("{\"metric\":{\"a\":\"\\"), 0);     /* escape at the very end */
    /* "metric" quoted inside a string value is not a key */
    assert_int_equal(probe("{\"msg\":\"\\\"metric\\\": \\\"timestamps\\\":\"}\n"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_export_lines),
        cmocka_unit_test(test_blank_lines_empty_arrays_no_newline),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_huge_values),
        cmocka_unit_test(test_line_cap),
        cmocka_unit_test(test_length_mismatch),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_missing_fields),
        cmocka_unit_test(test_garbage_numbers),
        cmocka_unit_test(test_bad_labels),
        cmocka_unit_test(test_errors_resumable),
        cmocka_unit_test(test_truncated_and_invalid),
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_fast_path_same_as_jansson),
        cmocka_unit_test(test_fast_path_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
