/* test_fmt_jaeger.c - Jaeger trace JSON. */
#include "formats/raw_tree.h"

#include "common/buf.h"
#include "formats/obs.h"
#include "formats/traces/vendor.h"

#define JG (&aiops_fmt_jaeger)

static const char TRACE[] =
    "{\"data\":[{\"traceID\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"spans\":[\n"
    "{\"traceID\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"spanID\":\"00f067aa0ba902b7\",\"operationName\":"
    "\"GET /cart\",\"references\":[],\"startTime\":1704164645000000,\"duration\":250000,\"tags\":["
    "{\"key\":\"span.kind\",\"type\":\"string\",\"value\":\"server\"},{\"key\":\"http.status_code\","
    "\"type\":\"int64\",\"value\":500},{\"key\":\"error\",\"type\":\"bool\",\"value\":true}],"
    "\"processID\":\"p1\"},\n"
    "{\"traceID\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"spanID\":\"B7AD6B7169203331\",\"operationName\":"
    "\"redis GET\",\"references\":[{\"refType\":\"FOLLOWS_FROM\",\"spanID\":\"aaaa\"},{\"refType\":"
    "\"CHILD_OF\",\"traceID\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"spanID\":\"00f067aa0ba902b7\"}],"
    "\"startTime\":1704164644990000,\"duration\":200500,\"tags\":[{\"key\":\"otel.status_code\","
    "\"type\":\"string\",\"value\":\"ERROR\"},{\"key\":\"otel.status_description\",\"type\":\"string\","
    "\"value\":\"timeout\"}],\"processID\":\"p2\"},\n"
    "{\"traceID\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"spanID\":\"e457b5a2e4d86bd1\",\"operationName\":"
    "\"audit\",\"references\":[{\"refType\":\"FOLLOWS_FROM\",\"spanID\":\"00f067aa0ba902b7\"}],"
    "\"startTime\":1704164645300000,\"duration\":1,\"tags\":[{\"key\":\"error\",\"type\":\"string\","
    "\"value\":\"false\"}],\"process\":{\"serviceName\":\"auditor\"}}\n"
    "],\"processes\":{\"p1\":{\"serviceName\":\"frontend\"},\"p2\":{\"serviceName\":\"cart\"}}}],"
    "\"errors\":null}\n";

static void test_trace(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(JG, "trace.json", TRACE, &r);
    /* time order (the whole document is sorted); CHILD_OF wins over an
     * earlier FOLLOWS_FROM, which is the parent only when alone; ids
     * lower-cased; error from the error tag or otel.status_code; an
     * inline process */
    RT_EXPECT(&r,
              "span 1704164644.99 {\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"span_id\":\"b7ad"
              "6b7169203331\",\"parent_span_id\":\"00f067aa0ba902b7\",\"service\":\"cart\",\"operation"
              "\":\"redis GET\",\"duration\":0.20050000000000001,\"error\":true,\"status\":\"error\",\""
              "attributes\":{\"otel.status_description\":\"timeout\"}}",
              "span 1704164645 {\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"span_id\":\"00f067a"
              "a0ba902b7\",\"service\":\"frontend\",\"operation\":\"GET /cart\",\"duration\":0.25,\"err"
              "or\":true,\"status\":\"error\",\"attributes\":{\"span.kind\":\"server\",\"http.status_co"
              "de\":500}}",
              "span 1704164645.3 {\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"span_id\":\"e457b"
              "5a2e4d86bd1\",\"parent_span_id\":\"00f067aa0ba902b7\",\"service\":\"auditor\",\"operatio"
              "n\":\"audit\",\"duration\":9.9999999999999995e-7,\"error\":false}");
    assert_int_equal(JG->ordered, 1);
    rt_free(&r);
}

static void test_shapes(void **state)
{
    (void)state;
    rt_run r;
    /* a bare trace with the old parentSpanID */
    rt_parse(JG, "t.json",
             "{\"traceID\":\"ab\",\"spans\":[{\"traceID\":\"ab\",\"spanID\":\"cd\",\"parentSpanID\":\"ef\","
             "\"operationName\":\"x\",\"startTime\":1704164645000001,\"duration\":0,\"processID\":\"p\"}],"
             "\"processes\":{\"p\":{\"serviceName\":\"s\"}}}",
             &r);
    RT_EXPECT(&r, "span 1704164645.000001 {\"trace_id\":\"ab\",\"span_id\":\"cd\",\"parent_span_id\":"
                  "\"ef\",\"service\":\"s\",\"operation\":\"x\",\"duration\":0.0,\"error\":false}");
    rt_free(&r);
    rt_parse(JG, "t.json", "[{\"traceID\":\"ab\",\"spans\":[]}]", &r);
    RT_EXPECT_NONE(&r);
    rt_parse(JG, "t.json", "{\"data\":[],\"errors\":null}", &r);
    RT_EXPECT_NONE(&r);
    rt_parse(JG, "t.json", "", &r);
    RT_EXPECT_NONE(&r);
}

static void test_errors(void **state)
{
    (void)state;
    static const char head[] = "{\"data\":[{\"traceID\":\"a\",\"processes\":{\"p\":{\"serviceName\":\"s\"}},"
                               "\"spans\":[\n";
    char buf[600];
    static const struct {
        const char *span;
        const char *frag;
    } cases[] = {
        {"{\"spanID\":\"b\",\"operationName\":\"o\",\"startTime\":1,\"duration\":1,\"processID\":\"p\"}",
         "data[0].spans[0]: expected a \"traceID\" member"},
        {"{\"traceID\":\"x-y\",\"spanID\":\"b\",\"operationName\":\"o\",\"startTime\":1,\"duration\":1,"
         "\"processID\":\"p\"}",
         "data[0].spans[0].traceID: expected a hex id of 1 to 32 digits, got 'x-y'"},
        {"{\"traceID\":\"a\",\"spanID\":\"b\",\"operationName\":\"o\",\"startTime\":\"soon\",\"duration\":1,"
         "\"processID\":\"p\"}",
         "data[0].spans[0].startTime: expected an integer, got 'soon'"},
        {"{\"traceID\":\"a\",\"spanID\":\"b\",\"operationName\":\"o\",\"startTime\":1,\"duration\":-5,"
         "\"processID\":\"p\"}",
         "data[0].spans[0].duration: expected microseconds >= 0"},
        {"{\"traceID\":\"a\",\"spanID\":\"b\",\"operationName\":\"o\",\"startTime\":1,\"duration\":1,"
         "\"processID\":\"q\"}",
         "data[0].spans[0].processID: expected a process \"q\" in the trace's \"processes\""},
        {"{\"traceID\":\"a\",\"spanID\":\"b\",\"operationName\":7,\"startTime\":1,\"duration\":1,"
         "\"processID\":\"p\"}",
         "data[0].spans[0].operationName: expected a string, got a number"},
        {"{\"traceID\":\"a\",\"spanID\":\"b\",\"operationName\":\"o\",\"startTime\":1,\"duration\":1,"
         "\"processID\":\"p\",\"references\":[{\"spanID\":\"c\"}]}",
         "data[0].spans[0].references[0]: expected a \"refType\" member"},
        {"{\"traceID\":\"a\",\"spanID\":\"b\",\"operationName\":\"o\",\"startTime\":1,\"duration\":1,"
         "\"processID\":\"p\",\"tags\":[{\"key\":\"k\"}]}",
         "data[0].spans[0].tags[0]: expected a \"value\" member"},
        {"[]", "data[0].spans[0]: expected a span object, got an array"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(buf, sizeof buf, "%s%s]}]}", head, cases[i].span);
        rt_expect_err(JG, "e.json", buf, strlen(buf), AIOPS_EPARSE, 2, cases[i].frag);
    }
    RT_ERR(JG, "e.json", "{\"data\":null,\"total\":0,\"limit\":0,\"offset\":0,\n\"errors\":[{\"code\":400,"
                         "\"msg\":\"trace ID is required\"}]}",
           AIOPS_EPARSE, 2, "errors: the Jaeger API returned 1 error(s): trace ID is required");
    RT_ERR(JG, "e.json", "{\"data\":{}}", AIOPS_EPARSE, 1, "data: expected an array, got an object");
    RT_ERR(JG, "e.json", "{\"data\":[{\"traceID\":\"a\",\n\"spans\":[", AIOPS_EPARSE, 2,
           "expected a Jaeger JSON document:");
}

static void test_probe(void **state)
{
    (void)state;
    static const struct {
        const char *head;
        int score;
    } cases[] = {
        {"{\"data\":[{\"traceID\":\"a\",\"spans\":[{\"traceID\":\"a\",\"spanID\":\"b\",\"flags\":1,"
         "\"operationName\":\"o\"", 95},
        {"[{\"traceID\":\"a\",\"spans\":[{\"spanID\":\"b\",\"operationName\":\"o\"}]}]", 95},
        {"{\"traceID\":\"a\",\"spans\":[{\"spanID\":\"b\",\"operationName\":\"o\"}]}", 95},
        {"{\"data\":null,\"total\":0,\"limit\":0,\"offset\":0,\"errors\":[]}", 90},
        {"[{\"traceId\":\"a\",\"id\":\"b\",\"timestamp\":1}]", 0},
        {"{\"resourceSpans\":[]}", 0},
        {"{\"type\":\"span\",\"ts\":1,\"spanID\":\"b\",\"operationName\":\"o\"}", 0},
        {"", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_int_equal(JG->probe("x", cases[i].head, strlen(cases[i].head)), cases[i].score);
}

/* ------------------------------------------------ the fast path
 * Records as the writer prints them, and the errors (stepped over as
 * --skip-bad does), read with raw text (the token path) or as trees. */

/* The same records and errors both ways; returns the records. */
static void same_both_ways(const char *text, size_t max_doc, aiops_buf *tree)
{
    rt_same_both_ways(JG, text, max_doc, tree);
}

#define SPAN(extra) \
    "{\"traceID\":\"AB\",\"spanID\":\"0c\",\"flags\":1,\"operationName\":\"op\",\"references\":" \
    "[{\"refType\":\"CHILD_OF\",\"traceID\":\"ab\",\"spanID\":\"0a\"}],\"startTime\":1704164645" \
    "000001,\"duration\":1500,\"tags\":[{\"key\":\"k\",\"type\":\"int64\",\"value\":-3},{\"key\":" \
    "\"r\",\"type\":\"float64\",\"value\":1.50},{\"key\":\"s\",\"type\":\"string\",\"value\":\"a\\\"" \
    "\\u00e9\"},{\"key\":\"b\",\"type\":\"bool\",\"value\":false}],\"logs\":[{\"timestamp\":1," \
    "\"fields\":[]}],\"processID\":\"p1\",\"warnings\":null" extra "}"
#define DOC(spans, procs) \
    "{\"data\":[\n{\"traceID\":\"ab\",\"spans\":[" spans "],\"processes\":{" procs "}}],\"total\":0," \
    "\"limit\":0,\"offset\":0,\"errors\":null}\n"
#define P1 "\"p1\":{\"serviceName\":\"api\",\"tags\":[{\"key\":\"host\",\"value\":\"h\"}]}"

static void test_fast_path(void **state)
{
    (void)state;
    aiops_buf b = {0};
    /* the usual shape: read from the tokens */
    same_both_ways(DOC(SPAN("") "," SPAN(""), P1), 0, &b);
    assert_non_null(strstr(b.p, "\"service\":\"api\""));
    assert_non_null(strstr(b.p, "\"attributes\":{\"k\":-3,\"r\":1.5,\"s\":\"a\\\"\\u00e9\",\"b\":false}")
                    ? b.p : strstr(b.p, "\"attributes\":{\"k\":-3,\"r\":1.5,\"s\":\"a\\\"é\",\"b\":false}"));
    /* everything that sends a trace back to the tree, with the records
     * and messages the tree gives */
    static const char *const odd[] = {
        DOC(SPAN(",\"spanID\":\"0d\""), P1),                        /* repeated member */
        DOC(SPAN(",\"x\":{\"a\":1,\"a\":2}"), P1),                  /* repeated, deeper */
        DOC(SPAN(",\"logs\":[{\"a\":1,\"a\":2}]"), P1),             /* repeated in a skipped value */
        DOC(SPAN(",\"x\":{\"a\":1,\"a\":2},\"y\":tru"), P1),        /* repeat before a syntax error */
        DOC(SPAN(",\"y\":tru"), P1),                                /* syntax error */
        DOC(SPAN(",\"parentSpanID\":\"ff\""), P1),                   /* members it does not read */
        DOC(SPAN(",\"process\":{\"serviceName\":\"x\"}"), P1),
        DOC(SPAN(""), "\"p2\":{\"serviceName\":\"x\"}"),             /* no such process */
        DOC(SPAN(""), "\"p1\":{\"tags\":[]}"),                       /* no serviceName */
        DOC(SPAN(""), P1 "," P1),                                   /* process repeated */
        "{\"data\":[{\"traceID\":\"ab\",\"spans\":[" SPAN("") "]}]}",  /* no processes */
        "{\"data\":[{\"traceID\":\"ab\"}]}",                          /* no spans */
        "{\"data\":[{\"traceID\":\"ab\",\"spans\":[1]," "\"processes\":{" P1 "}}]}",
        "{\"data\":[{\"traceID\":\"ab\",\"spans\":null}]}",
        "{\"data\":[{\"spans\":[{\"traceID\":\"xyz\",\"spanID\":\"1\",\"operationName\":\"o\","
        "\"startTime\":1,\"duration\":1,\"processID\":\"p1\"}],\"processes\":{" P1 "}}]}",
        "{\"data\":[{\"spans\":[{\"traceID\":\"a\",\"spanID\":\"1\",\"operationName\":\"o\","
        "\"startTime\":-1,\"duration\":1,\"processID\":\"p1\"}],\"processes\":{" P1 "}}]}",
        "{\"data\":[{\"spans\":[{\"traceID\":\"a\",\"spanID\":\"1\",\"operationName\":\"o\","
        "\"startTime\":\"12\",\"duration\":1.0,\"processID\":\"p1\"}],\"processes\":{" P1 "}}]}",
        "{\"data\":[{\"spans\":[{\"traceID\":\"a\",\"spanID\":\"1\",\"operationName\":\"o\","
        "\"startTime\":1,\"duration\":1,\"processID\":\"p1\",\"tags\":[{\"key\":\"a\",\"value\":1},"
        "{\"key\":\"a\",\"value\":2},{\"value\":-0,\"key\":\"z\"},{\"key\":\"n\",\"value\":null},"
        "{\"key\":\"error\",\"value\":\"true\"},{\"key\":\"otel.status_code\",\"value\":\"Unset\"}]}],"
        "\"processes\":{" P1 "}}]}",
        "{\"data\":[{\"spans\":[{\"traceID\":\"a\",\"spanID\":\"1\",\"operationName\":\"o\","
        "\"startTime\":1,\"duration\":1,\"processID\":\"p1\",\"tags\":[{\"key\":\"z\",\"value\":-0},"
        "{\"key\":\"error\",\"value\":1},{\"key\":\"otel.status_code\",\"value\":\"ERROR\"}],"
        "\"references\":[{\"refType\":\"FOLLOWS_FROM\",\"spanID\":\"q\"},{\"refType\":\"CHILD_OF\","
        "\"spanID\":\"Bb\"}]}],\"processes\":{" P1 "}}]}",
        "{\"data\":[{\"spans\":[{\"traceID\":\"a\",\"spanID\":\"1\",\"operationName\":\"o\","
        "\"startTime\":1,\"duration\":1,\"processID\":\"p1\",\"references\":[{\"refType\":"
        "\"FOLLOWS_FROM\",\"spanID\":\"q\"}]}],\"processes\":{" P1 "}}]}",
        "{\"data\":[{\"spans\":[{\"traceID\":\"a\",\"spanID\":\"1\",\"operationName\":\"o\","
        "\"startTime\":1,\"duration\":1,\"processID\":\"p1\",\"references\":[{\"refType\":"
        "\"CHILD_OF\"}]}],\"processes\":{" P1 "}}]}",
        "{\"data\":[\n{\"spans\":[\n" SPAN("") ",\n" SPAN(",\"spanID\":\"0d\"") "],\"processes\":{" P1
        "}},\n{\"spans\":[" SPAN("") "],\"processes\":{" P1 "}}\n]}",  /* one trace left out */
        "[{\"spans\":[" SPAN("") "],\"processes\":{" P1 "}}]",          /* an array of traces */
        DOC(SPAN(""), P1) DOC(SPAN(""), P1),                        /* concatenated documents */
        DOC(SPAN(""), P1 ",\"p2\":{\"serviceName\":\"\"}"),
        "{\"data\":[{\"spans\":[" SPAN("") "],\"processes\":{" P1 "},\"spans\":[]}]}",
        "{\"data\":[{\"spans\":[" SPAN("") "],\"processes\":{" P1 "}", /* truncated */
        "{\"data\":[{\"spans\":[" SPAN("") "],\"proc",
    };
    for (size_t i = 0; i < sizeof odd / sizeof *odd; i++)
        same_both_ways(odd[i], 0, &b);
    /* a trace longer than the cap on one value */
    same_both_ways(DOC(SPAN("") "," SPAN("") "," SPAN(""), P1), 1200, &b);
    assert_non_null(strstr(b.p, "JSON value longer than"));
    aiops_buf_free(&b);
}

/* A query API response after Jaeger's own (tests/unit/formats/traces/
 * vendor/jaeger.json): typed tags (string, int64, bool, float64), CHILD_OF
 * and FOLLOWS_FROM references, span logs, span warnings, processes with
 * tags, otel.status_code and error tags; the same records both ways. */
static void test_vendor(void **state)
{
    (void)state;
    aiops_buf b = {0};
    char *doc = vendor_text("jaeger.json");
    same_both_ways(doc, 0, &b);
    assert_int_equal(vendor_lines(b.p), 3);
    assert_non_null(strstr(b.p, "\"service\":\"jaeger-all-in-one\",\"operation\":\"/api/services/"
                                "{service}/operations\",\"duration\":0.001503,\"error\":false,"
                                "\"attributes\":{\"http.method\":\"GET\",\"http.status_code\":200,"));
    assert_non_null(strstr(b.p, "\"sampler.param\":true,\"sampler.rate\":0.5,"));
    assert_non_null(strstr(b.p, "\"parent_span_id\":\"9b321d76f92134d2\",\"service\":\"cassandra-client\","
                                "\"operation\":\"SELECT operations\",\"duration\":0.0011,\"error\":true,"
                                "\"status\":\"error\",\"attributes\":{\"db.system\":\"cassandra\","
                                "\"span.kind\":\"client\"}"));
    assert_non_null(strstr(b.p, "\"span_id\":\"b2c3d4e5f6071829\",\"parent_span_id\":\"9b321d76f92134d2\""));
    free(doc);
    aiops_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trace),  cmocka_unit_test(test_shapes),
        cmocka_unit_test(test_errors), cmocka_unit_test(test_probe),
        cmocka_unit_test(test_fast_path),
        cmocka_unit_test(test_vendor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
