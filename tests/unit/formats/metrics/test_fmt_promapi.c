/* test_fmt_promapi.c - Prometheus HTTP API JSON (query / query_range). */
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

/* Open text as "fixture.json", pull every record; r->rc = 0 or the error. */
static void parse_caps(const char *text, size_t len, size_t max_doc, run *r)
{
    aiops_stream *s = aiops_stream_new_mem("fixture.json", text, len, 0, max_doc);
    aiops_series_table *tab = aiops_series_table_new();
    aiops_parse_ctx ctx = {.stream = s, .series = tab};
    aiops_record rec;
    void *st = NULL;

    assert_non_null(s);
    assert_non_null(tab);
    memset(r, 0, sizeof *r);
    r->rc = aiops_fmt_prom_api.open(&st, &ctx, &r->err);
    while (r->rc == 0 && (r->rc = aiops_fmt_prom_api.next(st, &ctx, &rec, &r->err)) == 1) {
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
    aiops_fmt_prom_api.close(st);
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

/* The error code, its line and a fragment of its message. */
static void expect_err(const char *text, int code, long line, const char *frag)
{
    run r;
    parse(text, &r);
    if (r.rc != code || r.err.line != line || !strstr(r.err.msg, frag))
        print_error("got rc %d line %ld msg '%s'\n", r.rc, r.err.line, r.err.msg);
    assert_int_equal(r.rc, code);
    assert_int_equal(r.err.code, code);
    assert_string_equal(r.err.file, "fixture.json");
    assert_int_equal(r.err.line, line);
    assert_non_null(strstr(r.err.msg, frag));
}

/* ------------------------------------------------------------ good input */

static const char RANGE[] =
    "{\n"
    "  \"status\": \"success\",\n"
    "  \"data\": {\n"
    "    \"resultType\": \"matrix\",\n"
    "    \"result\": [\n"
    "      {\"metric\": {\"__name__\": \"http_requests_total\", \"code\": \"200\", \"job\": \"api\"},\n"
    "       \"values\": [[1700000000, \"100\"], [1700000015, \"112.5\"], [1700000030, \"130\"]]},\n"
    "      {\"metric\": {\"job\": \"api\", \"code\": \"500\", \"__name__\": \"http_requests_total\"},\n"
    "       \"values\": [[1700000005, \"1\"], [1700000020, \"NaN\"], [1700000035, \"4\"]]},\n"
    "      {\"metric\": {\"__name__\": \"node_load1\", \"instance\": \"10.0.0.1:9100\"},\n"
    "       \"values\": [[1700000000, \"0.25\"], [1700000010.5, \"+Inf\"], [1700000030, \"0.5\"],\n"
    "                  [1700000045, \"-Inf\"]]}\n"
    "    ]\n"
    "  }\n"
    "}\n";

static void test_matrix_in_time_order(void **state)
{
    (void)state;
    static const char *const h200 = "http_requests_total{code=\"200\",job=\"api\"}";
    static const char *const h500 = "http_requests_total{code=\"500\",job=\"api\"}";
    static const char *const load = "node_load1{instance=\"10.0.0.1:9100\"}";
    run r;
    parse(RANGE, &r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 10);
    EXPECT(&r, 0, h200, 1700000000, 100);
    EXPECT(&r, 1, load, 1700000000, 0.25);          /* tie: series order */
    EXPECT(&r, 2, h500, 1700000005, 1);
    EXPECT(&r, 3, load, 1700000010.5, INFINITY);
    EXPECT(&r, 4, h200, 1700000015, 112.5);
    EXPECT(&r, 5, h500, 1700000020, NAN);
    EXPECT(&r, 6, h200, 1700000030, 130);
    EXPECT(&r, 7, load, 1700000030, 0.5);
    EXPECT(&r, 8, h500, 1700000035, 4);
    EXPECT(&r, 9, load, 1700000045, -INFINITY);
}

static void test_vector_numbers_and_fractions(void **state)
{
    (void)state;
    run r;
    parse("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
          "{\"metric\":{\"__name__\":\"up\",\"job\":\"b\"},\"value\":[1700000060.123,\"0\"]},"
          "{\"metric\":{\"__name__\":\"up\",\"job\":\"a\"},\"value\":[1700000060,0.5]},"
          "{\"metric\":{\"__name__\":\"temp\",\"job\":\"a\"},\"value\":[1700000059,\"-1.5e3\"]}]},"
          "\"warnings\":[\"ignored\"]}",
          &r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 3);
    EXPECT(&r, 0, "temp{job=\"a\"}", 1700000059, -1500);
    EXPECT(&r, 1, "up{job=\"a\"}", 1700000060, 0.5);     /* a JSON number value */
    EXPECT(&r, 2, "up{job=\"b\"}", 1700000060.123, 0);
}

static void test_scalar(void **state)
{
    (void)state;
    run r;
    parse("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1700000060,\"42\"]}}",
          &r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 1);
    EXPECT(&r, 0, "scalar", 1700000060, 42);
}

static void test_bare_data_object(void **state)
{
    (void)state;
    run r;
    parse("{\"resultType\":\"matrix\",\"result\":["
          "{\"metric\":{\"__name__\":\"fds\",\"job\":\"api\"},\"values\":[[10,\"12\"],[70,\"15\"]]},"
          "{\"metric\":{\"__name__\":\"fds\",\"job\":\"db\"},\"values\":[[40,\"80\"]]}]}",
          &r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 3);
    EXPECT(&r, 0, "fds{job=\"api\"}", 10, 12);
    EXPECT(&r, 1, "fds{job=\"db\"}", 40, 80);
    EXPECT(&r, 2, "fds{job=\"api\"}", 70, 15);
}

/* A hand-edited series out of order is sorted (stably), never dropped. */
static void test_unsorted_series_is_sorted(void **state)
{
    (void)state;
    run r;
    parse("{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"__name__\":\"x\"},"
          "\"values\":[[30,\"3\"],[10,\"1\"],[20,\"2a\"],[20,\"2b\"]]}]}",
          &r);
    /* "2a" is garbage: the error wins before any sorting matters */
    assert_int_equal(r.rc, AIOPS_EPARSE);
    parse("{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"__name__\":\"x\"},"
          "\"values\":[[30,\"3\"],[10,\"1\"],[20,\"21\"],[20,\"22\"]]}]}",
          &r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 4);
    EXPECT(&r, 0, "x", 10, 1);
    EXPECT(&r, 1, "x", 20, 21);
    EXPECT(&r, 2, "x", 20, 22);
    EXPECT(&r, 3, "x", 30, 3);
}

static void test_empty_inputs(void **state)
{
    (void)state;
    run r;
    parse("", &r);                 /* empty file: no records, not an error */
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 0);
    parse(" \n\t\n", &r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 0);
    parse("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}", &r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 0);
    parse("{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"__name__\":\"x\"},\"values\":[]}]}",
          &r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 0);
}

static void test_huge_values(void **state)
{
    (void)state;
    run r;
    /* A string value beyond double range is still data: +Inf (num.c). */
    parse("{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"__name__\":\"x\"},"
          "\"value\":[1,\"1e400\"]},{\"metric\":{\"__name__\":\"y\"},\"value\":[2,1.7976931348623157e308]}]}",
          &r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 2);
    EXPECT(&r, 0, "x", 1, INFINITY);
    EXPECT(&r, 1, "y", 2, 1.7976931348623157e308);
    /* JSON numbers beyond range are jansson errors, with its line. */
    expect_err("{\"resultType\":\"vector\",\n\"result\":[{\"metric\":{\"__name__\":\"x\"},"
               "\"value\":[1,1e400]}]}",
               AIOPS_EPARSE, 2, "overflow");
    expect_err("{\"resultType\":\"vector\",\"result\":[\n\n{\"metric\":{\"__name__\":\"x\"},"
               "\"value\":[99999999999999999999999,\"1\"]}]}",
               AIOPS_EPARSE, 3, "too big");
}

static void test_document_cap(void **state)
{
    (void)state;
    run r;
    parse_caps(RANGE, strlen(RANGE), 64, &r);
    assert_int_equal(r.rc, AIOPS_ELIMIT);
    assert_non_null(strstr(r.err.msg, "larger than"));
}

/* ------------------------------------------------------------ errors */

static void test_error_response(void **state)
{
    (void)state;
    expect_err("{\n  \"status\": \"error\",\n  \"errorType\": \"bad_data\",\n"
               "  \"error\": \"1:5: parse error: unexpected end of input\"\n}\n",
               AIOPS_EPARSE, 4, "(bad_data): 1:5: parse error: unexpected end of input");
    expect_err("{\"status\":\"error\"}", AIOPS_EPARSE, 1, "returned an error");
}

static void test_native_histograms(void **state)
{
    (void)state;
    expect_err("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[\n"
               "{\"metric\":{\"__name__\":\"d\"},\n"
               " \"histograms\":[[1,{\"count\":\"1\",\"sum\":\"2\"}]]}]}}",
               AIOPS_EPARSE, 3, "data.result[0].histograms: native histograms are not supported");
    expect_err("{\"resultType\":\"vector\",\"result\":[\n"
               "{\"metric\":{\"__name__\":\"d\"},\"histogram\":[1,{\"count\":\"1\"}]}]}",
               AIOPS_EPARSE, 2, "native histograms are not supported");
    /* mixed float and histogram points in one series: still refused */
    expect_err("{\"resultType\":\"matrix\",\"result\":[\n"
               "{\"metric\":{\"__name__\":\"d\"},\"values\":[[1,\"1\"]],\n\"histograms\":[]}]}",
               AIOPS_EPARSE, 3, "native histograms");
}

static void test_truncated_and_trailing(void **state)
{
    (void)state;
    expect_err("{\n\"status\": \"success\",\n\"data\": {\"resultType\": \"matrix\",\n"
               "\"result\": [{\"metric\": {\"__name__\": \"x\"}, \"values\": [[1, \"2\"",
               AIOPS_EPARSE, 4, "expected a Prometheus API JSON document");
    expect_err("{\"resultType\":\"matrix\",\"result\":[]}\n{\"resultType\":\"matrix\",\"result\":[]}\n",
               AIOPS_EPARSE, 2, "end of file expected");
    expect_err("{\"resultType\":\"matrix\",\"result\":[]} garbage", AIOPS_EPARSE, 1,
               "end of file expected");
}

static void test_wrong_types(void **state)
{
    (void)state;
    expect_err("[1, 2]", AIOPS_EPARSE, 1, "expected a Prometheus API response object, got an array");
    expect_err("{\"status\":\"ok\",\"data\":{}}", AIOPS_EPARSE, 1,
               "status: expected status \"success\" or \"error\", got 'ok'");
    expect_err("{\"status\":\"success\",\n\"data\":[]}", AIOPS_EPARSE, 2,
               "data: expected an object with \"resultType\" and \"result\", got an array");
    expect_err("{\"resultType\":7,\"result\":[]}", AIOPS_EPARSE, 1,
               "resultType: expected \"resultType\" to be a string, got a number");
    expect_err("{\"status\":\"success\",\"data\":{\n\"resultType\":\"string\",\"result\":[1,\"x\"]}}",
               AIOPS_EPARSE, 2, "data.resultType: expected resultType \"matrix\", \"vector\" or "
                                "\"scalar\", got 'string'");
    expect_err("{\"resultType\":\"matrix\",\n\"result\":{}}", AIOPS_EPARSE, 2,
               "result: expected an array of series, got an object");
    expect_err("{\"resultType\":\"matrix\",\"result\":[\n\"up\"]}", AIOPS_EPARSE, 2,
               "result[0]: expected an object with \"metric\" and \"values\", got a string");
    expect_err("{\"resultType\":\"matrix\",\"result\":[{\"metric\":\n[],\"values\":[]}]}",
               AIOPS_EPARSE, 2, "result[0].metric: expected \"metric\" to be an object");
    expect_err("{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"__name__\":\"x\"},\n"
               "\"values\":{}}]}",
               AIOPS_EPARSE, 2, "result[0].values: expected an array of [timestamp, \"value\"] pairs");
    expect_err("{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"__name__\":\"x\"},\"values\":[\n"
               "[1,\"1\"],\n[2,\"2\",3]]}]}",
               AIOPS_EPARSE, 3, "result[0].values[1]: expected a [timestamp, \"value\"] pair");
    expect_err("{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"__name__\":\"x\"},\"values\":[\n"
               "[\"2024-01-01\",\"1\"]]}]}",
               AIOPS_EPARSE, 2, "result[0].values[0][0]: expected the timestamp as a number of seconds, got a string");
    expect_err("{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"__name__\":\"x\"},\n"
               "\"value\":[1,true]}]}",
               AIOPS_EPARSE, 2, "result[0].value[1]: expected the value as a string");
    expect_err("{\"resultType\":\"scalar\",\"result\":\n\"42\"}", AIOPS_EPARSE, 2,
               "result: expected a [timestamp, \"value\"] pair, got a string");
}

static void test_missing_fields(void **state)
{
    (void)state;
    expect_err("{\"status\":\"success\"}", AIOPS_EPARSE, 1, "expected a \"data\" key");
    expect_err("{\"status\":\"success\",\n\"data\":{\"resultType\":\"matrix\"}}", AIOPS_EPARSE, 2,
               "data: expected a \"result\" key");
    expect_err("{\"status\":\"success\",\"data\":{\"result\":[]}}", AIOPS_EPARSE, 1,
               "expected \"resultType\" to be a string, got nothing");
    expect_err("{\"resultType\":\"matrix\",\"result\":[\n{\"values\":[]}]}", AIOPS_EPARSE, 2,
               "result[0]: expected \"metric\" to be an object of labels, got nothing");
    expect_err("{\"resultType\":\"matrix\",\"result\":[\n{\"metric\":{\"__name__\":\"x\"}}]}",
               AIOPS_EPARSE, 2, "result[0]: expected a \"values\" key");
    expect_err("{\"resultType\":\"vector\",\"result\":[\n{\"metric\":{\"__name__\":\"x\"},"
               "\"values\":[[1,\"1\"]]}]}",
               AIOPS_EPARSE, 2, "result[0]: expected a \"value\" key");
}

static void test_garbage_numbers(void **state)
{
    (void)state;
    expect_err("{\n\"resultType\": \"matrix\",\n\"result\": [{\"metric\": {\"__name__\": \"x\"},\n"
               "\"values\": [[1, \"1\"],\n[2, \"12abc\"]]}]}",
               AIOPS_EPARSE, 5, "result[0].values[1][1]: expected a sample value like \"1.5\", "
                                "\"NaN\" or \"+Inf\", got '12abc'");
    expect_err("{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"__name__\":\"x\"},"
               "\"value\":[1,\"\"]}]}",
               AIOPS_EPARSE, 1, "got ''");
}

static void test_bad_labels(void **state)
{
    (void)state;
    expect_err("{\"resultType\":\"vector\",\"result\":[\n{\"metric\":{\"__name__\":\"x\",\n"
               "\"job\":7},\"value\":[1,\"1\"]}]}",
               AIOPS_EPARSE, 3, "result[0].metric.job: expected a string label value, got a number");
    /* "1job" would be mapped to "_1job" (docs/FORMAT.md, names); an empty
     * label name cannot be */
    expect_err("{\"resultType\":\"vector\",\"result\":[\n{\"metric\":{\"\":\"x\"},"
               "\"value\":[1,\"1\"]}]}",
               AIOPS_EPARSE, 2, "result[0].metric: expected a label name");
    /* duplicate label names would silently lose one value */
    expect_err("{\"resultType\":\"vector\",\"result\":[\n{\"metric\":{\"a\":\"1\",\"a\":\"2\"},"
               "\"value\":[1,\"1\"]}]}",
               AIOPS_EPARSE, 2, "duplicate object key");
}

/* sum(rate(x[5m])) has no labels: the series is named after the file. */
static void test_empty_metric_named_after_file(void **state)
{
    (void)state;
    const char *doc = "{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1,\"2.5\"]}]}";
    aiops_series_table *tab = aiops_series_table_new();
    aiops_stream *st = aiops_stream_new_mem("dumps/errors_total.json", doc, strlen(doc), 0, 0);
    aiops_parse_ctx ctx = {.stream = st, .series = tab};
    aiops_err err = {0};
    void *ps = NULL;
    assert_int_equal(aiops_fmt_prom_api.open(&ps, &ctx, &err), 0);
    aiops_record r = {0};
    assert_int_equal(aiops_fmt_prom_api.next(ps, &ctx, &r, &err), 1);
    assert_string_equal(aiops_series_get(tab, r.sid)->text, "errors_total");
    assert_true(r.ts == 1 && r.value == 2.5);
    assert_int_equal(aiops_fmt_prom_api.next(ps, &ctx, &r, &err), 0);
    aiops_fmt_prom_api.close(ps);
    aiops_stream_free(st);
    aiops_series_table_free(tab);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    expect_err("{\"resultType\":\"vector\",\"result\":[\n\n{\"metric\":{\"__name__\":\"x\","
               "\"job\":\"a\xff\"},\"value\":[1,\"1\"]}]}",
               AIOPS_EPARSE, 3, "expected a Prometheus API JSON document");
}


/* ------------------------------------------------- fast path = jansson */

/* The hand scan reads the documents Prometheus writes; anything else
 * (here: an unknown "warnings" member, which the jansson reader ignores)
 * goes through jansson.  Both must give the same records: same series,
 * times, values (bit for bit, -0 and NaN included) and order. */
static void same_records(const char *doc)
{
    char slow[4096];
    size_t p = 0;
    while (doc[p] != '{')
        p++;
    int n = snprintf(slow, sizeof slow, "%.*s{\"warnings\":[\"w\"],%s", (int)p, doc, doc + p + 1);
    assert_true(n > 0 && (size_t)n < sizeof slow);
    run a, b;
    parse(doc, &a);
    parse(slow, &b);
    if (a.rc != 0 || b.rc != 0)
        print_error("fast rc %d '%s', jansson rc %d '%s'\n%s\n", a.rc, a.err.msg, b.rc,
                    b.err.msg, doc);
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
    static const char *const docs[] = {
        RANGE,
        /* members in any order, at every level */
        "{\"data\":{\"result\":[{\"values\":[[1,\"2\"],[3,\"4\"]],\"metric\":{\"job\":\"a\","
        "\"__name__\":\"m\"}},{\"metric\":{\"__name__\":\"m\",\"job\":\"b\"},\"values\":"
        "[[0.5,\"1e3\"],[3,\"-0\"],[9,\"0.1\"]]}],\"resultType\":\"matrix\"},\"status\":\"success\"}",
        /* tabs, CRLF, values as JSON numbers, -0, exponents, big and fractional times */
        "{\r\n\t\"status\" : \"success\" ,\r\n\t\"data\" : { \"resultType\" : \"matrix\" , \"result\""
        " : [ { \"metric\" : { } , \"values\" : [ [ 1700000000.123 , 5 ] , [ 1700000000.125 , -0 ] ,"
        " [ 1.7e9 , -0.0 ] , [ 17000000001 , 1E-7 ] ] } ] } }\r\n",
        /* empty results and empty series */
        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}",
        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
        "{\"metric\":{\"a\":\"1\"},\"values\":[]},{\"metric\":{\"a\":\"2\"},\"values\":[[5,\"5\"]]}]}}",
        /* vector, a data object without status, UTF-8 and empty label values */
        "{\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"__name__\":\"up\","
        "\"pod\":\"caf\xc3\xa9\",\"zone\":\"\"},\"value\":[1700000060.5,\"1\"]},"
        "{\"metric\":{\"__name__\":\"up\"},\"value\":[1700000060.5,\"NaN\"]}]}}",
        /* the jansson reader's cases: escapes, an unsorted series, numbers past 18 digits */
        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
        "{\"metric\":{\"a\":\"x\\\"y\\u00e9\"},\"values\":[[3,\"3\"],[1,\"1\"],[2,\"2\"]]},"
        "{\"metric\":{\"a\":\"z\"},\"values\":[[1,\"12345678901234567890\"],[2,1234567890123456789]]}]}}",
        /* the same label set twice: one series */
        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
        "{\"metric\":{\"a\":\"1\",\"b\":\"2\"},\"values\":[[1,\"1\"],[3,\"3\"]]},"
        "{\"metric\":{\"b\":\"2\",\"a\":\"1\"},\"values\":[[2,\"2\"]]}]}}",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        same_records(docs[i]);
}

/* What the fast path reads, checked against known values (not only
 * against the jansson reader). */
static void test_fast_path_values(void **state)
{
    (void)state;
    run r;
    parse("{\"status\":\"success\",\"data\":{\"result\":[{\"values\":[[1,\"2\"],[3,4.5]],"
          "\"metric\":{\"job\":\"a\",\"__name__\":\"m\"}},{\"metric\":{\"__name__\":\"m\","
          "\"job\":\"b\"},\"values\":[[0.5,\"1e3\"],[3,\"-Inf\"],[1700000000.123,-0]]}],"
          "\"resultType\":\"matrix\"}}", &r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 5);
    EXPECT(&r, 0, "m{job=\"b\"}", 0.5, 1000);
    EXPECT(&r, 1, "m{job=\"a\"}", 1, 2);
    EXPECT(&r, 2, "m{job=\"a\"}", 3, 4.5);           /* tie: series order */
    EXPECT(&r, 3, "m{job=\"b\"}", 3, -INFINITY);
    EXPECT(&r, 4, "m{job=\"b\"}", 1700000000.123, 0);
    assert_false(signbit(r.g[4].v));                 /* a JSON integer -0 is 0, as in jansson */
}

/* Whatever the fast scan gives up on, the errors are the jansson
 * reader's: the scan never reports one itself. */
static void test_fast_path_leaves_errors_to_jansson(void **state)
{
    (void)state;
    /* a bad sample late in a long series: one resumable error first */
    expect_err("{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"a\":\"1\"},\"values\":"
               "[[1,\"1\"],[2,\"2\"],\n[3,\"x\"]]}]}",
               AIOPS_EPARSE, 2, "result[0].values[2][1]: expected a sample value");
    /* a number jansson cannot hold */
    expect_err("{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"a\":\"1\"},\"values\":"
               "[[1e999,\"1\"]]}]}",
               AIOPS_EPARSE, 1, "expected a Prometheus API JSON document");
    /* "values" in a vector */
    expect_err("{\"resultType\":\"vector\",\"result\":[\n{\"metric\":{\"a\":\"1\"},\"values\":"
               "[[1,\"1\"]]}]}",
               AIOPS_EPARSE, 2, "expected a \"value\" key");
    /* trailing garbage after a document the scan liked up to there */
    expect_err("{\"resultType\":\"matrix\",\"result\":[]}\nx",
               AIOPS_EPARSE, 2, "expected a Prometheus API JSON document");
}

/* ------------------------------------------------------------- probe */

static int probe(const char *head)
{
    return aiops_fmt_prom_api.probe("x.json", head, strlen(head));
}

static void test_probe(void **state)
{
    (void)state;
    assert_true(probe(RANGE) >= 80);
    assert_true(probe("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}") >= 80);
    assert_true(probe("\n  {\"resultType\":\"matrix\",\"result\":[]}") >= 80);
    assert_true(probe("{\"status\" : \"success\", \"data\": {\"result\"") >= 50);
    assert_true(probe("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"x\"}") > 0);
    assert_true(probe("\xEF\xBB\xBF{\"resultType\":\"matrix\"") > 0);

    assert_int_equal(probe(""), 0);
    assert_int_equal(probe("   \n"), 0);
    assert_int_equal(probe("{\"type\":\"sample\",\"ts\":1700000000,\"series\":\"up\",\"value\":1}\n"), 0);
    assert_int_equal(probe("{\"type\":\"log\",\"ts\":1,\"msg\":\"bad \\\"resultType\\\": x\"}\n"), 0);
    assert_int_equal(probe("{\"type\":\"event\",\"ts\":1,\"status\":\"success\"}\n"), 0);
    assert_int_equal(probe("{\"type\":\"event\",\"ts\":1,\"attrs\":{\"data\":{\"resultType\":1}}}\n"), 0);
    assert_int_equal(probe("1700000000\tup{job=\"x\"}\t1\n"), 0);
    assert_int_equal(probe("timestamp,value\n1700000000,1\n"), 0);
    assert_int_equal(probe("{__name__=\"up\", job=\"x\"} 1 1700000000000\n"), 0);
    assert_int_equal(probe("# HELP up Up.\n# TYPE up gauge\nup 1\n"), 0);
    assert_int_equal(probe("{\"metric\":{\"__name__\":\"up\"},\"values\":[1],\"timestamps\":[1700000000000]}\n"), 0);
    assert_int_equal(probe("\xff\xfe\x00\x01{\"resultType\""), 0);
    assert_true(probe("{\"resultType\":") >= 80);       /* key cut by the head's end */
    assert_int_equal(probe("{\"resultType\""), 0);
    assert_int_equal(probe("{\"a\":\"\\"), 0);               /* escape at the very end */
    assert_int_equal(probe("{\"resultTyp"), 0);
    assert_int_equal(probe("{\"status\":\"suc"), 0);
}

/* A Prometheus result type is certain (100): detection stops at it and
 * does not run the other probes over the head; "streams" is Loki's. */
static void test_probe_certain_stops_detection(void **state)
{
    (void)state;
    assert_int_equal(probe(RANGE), 100);
    assert_int_equal(probe("{\"data\":{\"resultType\":\"vector\",\"result\":[]}}"), 100);
    assert_int_equal(probe("{\"resultType\" : \"scalar\",\"result\":[1,\"1\"]}"), 100);
    assert_int_equal(probe("{\"status\":\"success\",\"data\":{\"resultType\":\"streams\"}}"), 95);
    assert_int_equal(probe("{\"x\":{\"resultType\":\"matrix\"}}"), 0);
    assert_ptr_equal(aiops_format_detect("q.json", RANGE, strlen(RANGE)), &aiops_fmt_prom_api);
    const char *loki = "{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":[]}}";
    assert_ptr_equal(aiops_format_detect("q.json", loki, strlen(loki)), &aiops_fmt_loki);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix_in_time_order),
        cmocka_unit_test(test_vector_numbers_and_fractions),
        cmocka_unit_test(test_scalar),
        cmocka_unit_test(test_bare_data_object),
        cmocka_unit_test(test_unsorted_series_is_sorted),
        cmocka_unit_test(test_empty_inputs),
        cmocka_unit_test(test_huge_values),
        cmocka_unit_test(test_document_cap),
        cmocka_unit_test(test_error_response),
        cmocka_unit_test(test_native_histograms),
        cmocka_unit_test(test_truncated_and_trailing),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_missing_fields),
        cmocka_unit_test(test_garbage_numbers),
        cmocka_unit_test(test_bad_labels),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_empty_metric_named_after_file),
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_fast_path_same_as_jansson),
        cmocka_unit_test(test_fast_path_values),
        cmocka_unit_test(test_fast_path_leaves_errors_to_jansson),
        cmocka_unit_test(test_probe_certain_stops_detection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
