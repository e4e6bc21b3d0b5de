/* test_fmt_zipkin.c - Zipkin v2 JSON spans. */
#include "formats/raw_tree.h"

#include "formats/obs.h"
#include "formats/traces/vendor.h"

#define ZK (&aiops_fmt_zipkin)

static void test_spans(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(ZK, "spans.json",
             "[\n"
             "{\"traceId\":\"5AF7183FB1D4CF5F\",\"id\":\"6b221d5bc9e6496c\",\"parentId\":\"352bff9a74ca9ad2\","
             "\"name\":\"get /api/stock\",\"kind\":\"CLIENT\",\"timestamp\":1704164645260000,\"duration\":"
             "150000,\"localEndpoint\":{\"serviceName\":\"frontend\"},\"remoteEndpoint\":{\"serviceName\":"
             "\"inventory\"},\"annotations\":[{\"timestamp\":1704164645261000,\"value\":\"ws\"}]},\n"
             "{\"traceId\":\"5af7183fb1d4cf5f\",\"id\":\"352bff9a74ca9ad2\",\"name\":\"get /api\",\"kind\":"
             "\"SERVER\",\"timestamp\":1704164645250000,\"duration\":207000,\"localEndpoint\":"
             "{\"serviceName\":\"frontend\"},\"tags\":{\"http.status_code\":\"500\",\"error\":\"\"}}\n"
             "]\n",
             &r);
    /* sorted by time; an "error" tag marks an error whatever its value */
    RT_EXPECT(&r,
              "span 1704164645.25 {\"trace_id\":\"5af7183fb1d4cf5f\",\"span_id\":\"352bff9a74ca9ad2\","
              "\"service\":\"frontend\",\"operation\":\"get /api\",\"duration\":0.20699999999999999,"
              "\"error\":true,\"status\":\"error\",\"attributes\":{\"http.status_code\":\"500\","
              "\"span.kind\":\"server\"}}",
              "span 1704164645.26 {\"trace_id\":\"5af7183fb1d4cf5f\",\"span_id\":\"6b221d5bc9e6496c\","
              "\"parent_span_id\":\"352bff9a74ca9ad2\",\"service\":\"frontend\",\"operation\":\"get "
              "/api/stock\",\"duration\":0.14999999999999999,\"error\":false,\"attributes\":{\"span."
              "kind\":\"client\"}}");
    assert_int_equal(ZK->ordered, 1);
    rt_free(&r);
    /* traces: arrays of spans; a span without a name */
    rt_parse(ZK, "traces.json",
             "[[{\"traceId\":\"a1\",\"id\":\"b1\",\"timestamp\":1704164647000000,\"duration\":5,"
             "\"localEndpoint\":{\"serviceName\":\"orders\"}}],[]]",
             &r);
    RT_EXPECT(&r, "span 1704164647 {\"trace_id\":\"a1\",\"span_id\":\"b1\",\"service\":\"orders\","
                  "\"operation\":\"\",\"duration\":5.0000000000000004e-6,\"error\":false}");
    rt_free(&r);
    rt_parse(ZK, "none.json", "[]", &r);
    RT_EXPECT_NONE(&r);
}

static void test_errors(void **state)
{
    (void)state;
    RT_ERR(ZK, "e.json",
           "[{\"traceId\":\"a\",\"id\":\"b\",\"timestamp\":1,\"duration\":1,\"localEndpoint\":"
           "{\"serviceName\":\"s\"}},\n{\"traceId\":\"a\",\"id\":\"c\",\"timestamp\":1,\"localEndpoint\":"
           "{\"serviceName\":\"s\"}}]",
           AIOPS_EPARSE, 2, "[1]: expected \"duration\" in microseconds (a span without one is "
                            "unfinished)");
    RT_ERR(ZK, "e.json",
           "[{\"traceId\":\"a\",\"id\":\"b\",\"timestamp\":1,\"duration\":1,\n\"remoteEndpoint\":{}}]",
           AIOPS_EPARSE, 1, "[0]: expected a \"localEndpoint\" member");
    RT_ERR(ZK, "e.json",
           "[{\"traceId\":\"a\",\"id\":\"b\",\"timestamp\":1,\"duration\":1,\"localEndpoint\":{},\n"
           "\"tags\":{\"code\":500}}]",
           AIOPS_EPARSE, 1, "[0].localEndpoint: expected a \"serviceName\" member");
    RT_ERR(ZK, "e.json",
           "[{\"traceId\":\"a\",\"id\":\"b\",\"timestamp\":1,\"duration\":1,\"localEndpoint\":"
           "{\"serviceName\":\"s\"},\n\"tags\":{\"code\":500}}]",
           AIOPS_EPARSE, 2, "[0].tags.code: expected a string tag value, got a number");
    RT_ERR(ZK, "e.json", "[{\"traceId\":\"zz\",\"id\":\"b\"}]", AIOPS_EPARSE, 1,
           "[0].traceId: expected a hex id of 1 to 32 digits, got 'zz'");
    RT_ERR(ZK, "e.json", "[{\"traceId\":\"a\",\"id\":\"b\",\"timestamp\":-1}]", AIOPS_EPARSE, 1,
           "[0].timestamp: expected microseconds >= 0");
    RT_ERR(ZK, "e.json", "{\"traceId\":\"a\"}", AIOPS_EPARSE, 1,
           "expected an array of spans, got an object");
    RT_ERR(ZK, "e.json", "[[[1]]]", AIOPS_EPARSE, 1, "[0][0]: expected a span object, got an array");
    RT_ERR(ZK, "e.json", "[{\"traceId\":\"a\",", AIOPS_EPARSE, 1,
           "expected a Zipkin v2 JSON array of spans:");
}

static void test_probe(void **state)
{
    (void)state;
    static const struct {
        const char *head;
        int score;
    } cases[] = {
        {"[{\"traceId\":\"a\",\"id\":\"b\",\"localEndpoint\":{}}]", 95},
        {"[\n  [\n    {\"traceId\": \"a\", \"id\": \"b\", \"timestamp\": 1}", 95},
        {"[{\"traceId\":\"a\",\"spanId\":\"b\"}]", 0},
        {"{\"traceId\":\"a\",\"id\":\"b\",\"timestamp\":1}", 0},
        {"[1704164645, {\"log\":\"x\"}]", 0},
        {"", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_int_equal(ZK->probe("x", cases[i].head, strlen(cases[i].head)), cases[i].score);
}

/* ------------------------------------------------ the fast path
 * Records and errors (stepped over as --skip-bad does) read with raw
 * text (the token path) or as trees: the same. */

static void same_both_ways(const char *text, size_t max_doc, aiops_buf *tree)
{
    rt_same_both_ways(ZK, text, max_doc, tree);
}

#define ZSPAN(extra) \
    "{\"traceId\":\"5AF7183FB1D4CF5F\",\"id\":\"6b221d5bc9e6496c\",\"parentId\":\"352bff9a74ca9ad2\"," \
    "\"name\":\"get \\\"/\\u00e9\",\"kind\":\"SERVER\",\"timestamp\":1704164645000001,\"duration\":" \
    "\"1500\",\"localEndpoint\":{\"serviceName\":\"cart\",\"ipv4\":\"10.0.0.1\"},\"tags\":{\"http.code\":" \
    "\"200\",\"error\":\"timeout\",\"q\":\"a\\nb\"},\"annotations\":[{\"timestamp\":1,\"value\":\"x\"}]" \
    extra "}"

static void test_fast_path(void **state)
{
    (void)state;
    aiops_buf b = {0};
    same_both_ways("[" ZSPAN("") "," ZSPAN("") "]", 0, &b);
    assert_non_null(strstr(b.p, "\"status\":\"error\",\"attributes\":{\"http.code\":\"200\","
                                "\"q\":\"a\\nb\",\"span.kind\":\"server\"}"));
    static const char *const odd[] = {
        "[" ZSPAN(",\"id\":\"0d\"") "]",                           /* repeated member */
        "[" ZSPAN(",\"remoteEndpoint\":{\"a\":1,\"a\":2}") "]",    /* repeated in a skipped value */
        "[" ZSPAN(",\"x\":1") "]",                                 /* a member it does not know */
        "[" ZSPAN(",\"y\":tru") "]",                               /* syntax error */
        "[" ZSPAN(",\"debug\":{\"a\":1,\"a\":2},\"y\":tru") "]",
        "[" ZSPAN(",\"kind\":null") "]",
        "[{\"traceId\":\"a\",\"id\":\"b\",\"timestamp\":1,\"duration\":2,\"localEndpoint\":{"
        "\"serviceName\":\"s\"},\"kind\":\"CLIENTCLIENTCLIENTCLIENT\",\"name\":null,\"tags\":null}]",
        "[{\"traceId\":\"a\",\"id\":\"b\",\"timestamp\":1,\"duration\":2,\"localEndpoint\":{"
        "\"serviceName\":\"s\"},\"kind\":\"CLIENT\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\"}]",
        "[{\"traceId\":\"a\",\"id\":\"b\",\"timestamp\":1,\"duration\":2,\"localEndpoint\":{"
        "\"serviceName\":\"s\"},\"tags\":{\"span.kind\":\"x\",\"a\":\"1\",\"a\":\"2\"}}]",
        "[{\"traceId\":\"a\",\"id\":\"b\",\"timestamp\":1,\"duration\":2,\"localEndpoint\":{"
        "\"serviceName\":\"s\"},\"tags\":{\"n\":5}}]",
        "[{\"traceId\":\"a\",\"id\":\"b\",\"timestamp\":1,\"duration\":2,\"localEndpoint\":{"
        "\"serviceName\":\"s\"},\"tags\":{\"error\":true}}]",
        "[{\"traceId\":\"xyz\",\"id\":\"b\",\"timestamp\":1,\"duration\":2,\"localEndpoint\":{"
        "\"serviceName\":\"s\"}}," ZSPAN("") "]",                  /* one span left out */
        "[{\"traceId\":\"a\",\"id\":\"b\",\"timestamp\":-1,\"duration\":2,\"localEndpoint\":{"
        "\"serviceName\":\"s\"}}]",
        "[{\"traceId\":\"a\",\"id\":\"b\",\"timestamp\":1.0,\"duration\":\"+2\",\"localEndpoint\":{"
        "\"serviceName\":\"s\"}}]",
        "[{\"traceId\":\"a\",\"id\":\"b\",\"timestamp\":1,\"localEndpoint\":{\"serviceName\":\"s\"}}]",
        "[{\"traceId\":\"a\",\"id\":\"b\",\"timestamp\":1,\"duration\":2,\"parentId\":\"\","
        "\"localEndpoint\":{}}]",
        "[{\"traceId\":\"a\",\"id\":\"b\",\"timestamp\":1,\"duration\":2,\"localEndpoint\":null}]",
        "[[" ZSPAN("") "],[" ZSPAN("") ",7]]",                      /* traces */
        "[" ZSPAN("") "]" "[" ZSPAN("") "]",
        "[" ZSPAN(""),                                              /* truncated */
        "{\"a\":1}",
    };
    for (size_t i = 0; i < sizeof odd / sizeof *odd; i++)
        same_both_ways(odd[i], 0, &b);
    same_both_ways("[" ZSPAN("") "," ZSPAN(",\"debug\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,"
                   "16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,"
                   "42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65,66]")
                   "]", 400, &b);
    assert_non_null(strstr(b.p, "JSON value longer than"));
    aiops_buf_free(&b);
}

/* Spans after the Zipkin v2 API's model (tests/unit/formats/traces/
 * vendor/zipkin.json): a shared RPC span (client and server halves with
 * one id), local and remote endpoints with ipv4, ipv6 and ports,
 * annotations, an error tag, a 64-bit and a 128-bit trace id, producer
 * and consumer kinds, "debug"; the same records both ways. */
static void test_vendor(void **state)
{
    (void)state;
    aiops_buf b = {0};
    char *doc = vendor_text("zipkin.json");
    same_both_ways(doc, 0, &b);
    assert_int_equal(vendor_lines(b.p), 5);
    /* the two halves of the shared span, each with its own service */
    assert_non_null(strstr(b.p, "\"span_id\":\"6b221d5bc9e6496c\",\"service\":\"frontend\","
                                "\"operation\":\"get /api/cart\",\"duration\":0.207"));
    assert_non_null(strstr(b.p, "\"span_id\":\"6b221d5bc9e6496c\",\"service\":\"cart\","
                                "\"operation\":\"get /api/cart\",\"duration\":0.204"));
    assert_non_null(strstr(b.p, "\"service\":\"cart\",\"operation\":\"query\",\"duration\":0.0015,"
                                "\"error\":true,\"status\":\"error\",\"attributes\":{\"db.system\":"
                                "\"redis\",\"span.kind\":\"client\"}"));
    assert_non_null(strstr(b.p, "\"duration\":5e-06"));
    assert_non_null(strstr(b.p, "\"service\":\"billing\",\"operation\":\"process order\","
                                "\"duration\":0.123456,\"error\":false,\"attributes\":{\"span.kind\":"
                                "\"consumer\"}"));
    free(doc);
    aiops_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spans),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_fast_path),
        cmocka_unit_test(test_vendor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
