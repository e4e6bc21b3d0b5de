/* test_fmt_loki.c - Loki logcli JSON lines and query_range "streams". */
#include "rectest.h"

#include "formats/obs.h"
#include "../raw_tree.h"

#define LOKI (&aiops_fmt_loki)

/* logcli prints newest first; a blank line; labels missing; epoch time. */
static const char JSONL[] =
    "{\"labels\":{\"app\":\"checkout\",\"pod\":\"checkout-7d9f8b6c4-x2x9z\"},\"line\":\"level=error "
    "msg=\\\"payment failed\\\" trace_id=4bf92f3577b34da6a3ce929d0e0e4736\","
    "\"timestamp\":\"2024-01-02T03:04:07.25Z\"}\n"
    "\n"
    "{\"labels\":{\"container\":\"nginx\",\"job\":\"shop/frontend\",\"level\":\"WARNING\"},"
    "\"line\":\"upstream slow\",\"timestamp\":\"2024-01-02T04:04:06+01:00\"}\n"
    "{\"line\":\"no labels at all [error] x span_id=00f067aa0ba902b7\",\"timestamp\":1704164645}\n";

static void test_jsonl(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(LOKI, "logcli.jsonl", JSONL, &r);
    /* service from app / container; level from the text, a label, a
     * [bracket]; trace_id and span_id quoted in the line. */
    RT_EXPECT(&r,
              "log 1704164647.25 {\"service\":\"checkout\",\"level\":\"error\",\"message\":\"level=erro"
              "r msg=\\\"payment failed\\\" trace_id=4bf92f3577b34da6a3ce929d0e0e4736\",\"labels\":{\"a"
              "pp\":\"checkout\",\"pod\":\"checkout-7d9f8b6c4-x2x9z\"},\"trace_id\":\"4bf92f3577b34da6a"
              "3ce929d0e0e4736\"}",
              "log 1704164646 {\"service\":\"nginx\",\"level\":\"warn\",\"message\":\"upstream slow\","
              "\"labels\":{\"container\":\"nginx\",\"job\":\"shop/frontend\",\"level\":\"WARNING\"}}",
              "log 1704164645 {\"level\":\"error\",\"message\":\"no labels at all [error] x span_id=00f"
              "067aa0ba902b7\",\"span_id\":\"00f067aa0ba902b7\"}");
    rt_free(&r);
}

static const char RANGE[] =
    "{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":[\n"
    " {\"stream\":{\"service_name\":\"unknown_service\",\"app\":\"cart\"},\"values\":[\n"
    "   [\"1704164646000000000\",\"ERROR redis timeout\"],[\"1704164645500000000\",\"GET /cart 200\"]]},\n"
    " {\"stream\":{\"k8s_app\":\"payments\",\"detected_level\":\"warn\"},\"values\":[\n"
    "   [\"1704164645750000000\",\"retrying\",{\"trace_id\":\"abc123\"}],\n"
    "   [\"1704164645800000000\",\"again\",{\"structuredMetadata\":{\"span_id\":\"ff01\"},"
    "\"parsed\":{\"user\":\"u1\"}}]]}\n"
    "]}}\n";

static void test_query_range(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(LOKI, "range.json", RANGE, &r);
    /* Document order (the reader sorts: ordered = 0); Loki's
     * unknown_service placeholder gives way to app; nanosecond strings
     * exact; structured metadata flat and grouped merged into labels. */
    RT_EXPECT(&r,
              "log 1704164646 {\"service\":\"cart\",\"level\":\"error\",\"message\":\"ERROR redis timeo"
              "ut\",\"labels\":{\"service_name\":\"unknown_service\",\"app\":\"cart\"}}",
              "log 1704164645.5 {\"service\":\"cart\",\"message\":\"GET /cart 200\",\"labels\":{\"servi"
              "ce_name\":\"unknown_service\",\"app\":\"cart\"}}",
              "log 1704164645.75 {\"service\":\"payments\",\"level\":\"warn\",\"message\":\"retrying\","
              "\"labels\":{\"k8s_app\":\"payments\",\"detected_level\":\"warn\",\"trace_id\":\"abc123\""
              "},\"trace_id\":\"abc123\"}",
              "log 1704164645.8 {\"service\":\"payments\",\"level\":\"warn\",\"message\":\"again\",\"la"
              "bels\":{\"k8s_app\":\"payments\",\"detected_level\":\"warn\",\"span_id\":\"ff01\",\"user"
              "\":\"u1\"},\"span_id\":\"ff01\"}");
    assert_int_equal(LOKI->ordered, 0);
    rt_free(&r);
}

static void test_bare_data_and_pages(void **state)
{
    (void)state;
    rt_run r;
    /* a bare data object, then a second page right after it */
    rt_parse(LOKI, "pages.json",
             "{\"resultType\":\"streams\",\"result\":[{\"stream\":{\"app\":\"a\"},\"values\":"
             "[[\"1704164645000000000\",\"bare\"]]}]}"
             "{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":[]}}\n"
             "{\"labels\":{\"app\":\"b\"},\"line\":\"then a line\",\"timestamp\":\"2024-01-02T03:04:06Z\"}",
             &r);
    RT_EXPECT(&r, "log 1704164645 {\"service\":\"a\",\"message\":\"bare\",\"labels\":{\"app\":\"a\"}}",
              "log 1704164646 {\"service\":\"b\",\"message\":\"then a line\",\"labels\":{\"app\":\"b\"}}");
    rt_free(&r);
}

static void test_empty(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(LOKI, "empty.jsonl", "", &r);
    RT_EXPECT_NONE(&r);
    rt_parse(LOKI, "blank.jsonl", " \n\n\t\n", &r);
    RT_EXPECT_NONE(&r);
    rt_parse(LOKI, "nostreams.json", "{\"status\":\"success\",\"data\":{\"resultType\":\"streams\","
                                     "\"result\":[]}}", &r);
    RT_EXPECT_NONE(&r);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    rt_run r;
    /* in the log line: replaced by U+FFFD and counted */
    rt_parse(LOKI, "u.jsonl",
             "{\"labels\":{\"app\":\"w\"},\"line\":\"a\xff\xfe z\",\"timestamp\":\"2024-01-02T03:04:05Z\"}\n",
             &r);
    RT_EXPECT(&r, "log 1704164645 {\"service\":\"w\",\"message\":\"a\xEF\xBF\xBD\xEF\xBF\xBD z\","
                  "\"labels\":{\"app\":\"w\"},\"invalid_utf8\":2}");
    rt_free(&r);
    /* in a query_range line too (the value pairs are free text) */
    rt_parse(LOKI, "u.json",
             "{\"data\":{\"resultType\":\"streams\",\"result\":[{\"stream\":{},\"values\":\n"
             "[[\"1704164645000000000\",\"x\xc3\"]]}]}}", &r);
    RT_EXPECT(&r, "log 1704164645 {\"message\":\"x\xEF\xBF\xBD\",\"invalid_utf8\":1}");
    rt_free(&r);
    /* anywhere else: an error naming the field */
    RT_ERR(LOKI, "u.jsonl",
           "{\"labels\":{\"app\":\"w\"},\"line\":\"ok\",\"timestamp\":\"2024-01-02T03:04:05Z\"}\n"
           "{\"labels\":{\"app\":\"w\xc3\x28\"},\"line\":\"ok\",\"timestamp\":\"2024-01-02T03:04:05Z\"}\n",
           AIOPS_EPARSE, 2, "app: expected UTF-8 text, got invalid bytes");
    RT_ERR(LOKI, "u.jsonl", "{\"labels\":{\"a\xff\":\"w\"},\"line\":\"ok\",\"timestamp\":1}\n",
           AIOPS_EPARSE, 1, "expected UTF-8 text, got invalid bytes in a member name");
}

static void test_errors(void **state)
{
    (void)state;
    RT_ERR(LOKI, "e.jsonl",
           "{\"labels\":{},\"line\":\"ok\",\"timestamp\":\"2024-01-02T03:04:05Z\"}\n"
           "{\"labels\":{},\"line\":42,\"timestamp\":\"2024-01-02T03:04:05Z\"}\n",
           AIOPS_EPARSE, 2, "line: expected a string, got a number");
    RT_ERR(LOKI, "e.jsonl", "{\"labels\":{},\"line\":\"x\",\"timestamp\":\"yesterday\"}\n",
           AIOPS_EPARSE, 1, "timestamp: expected a time (RFC 3339 or epoch seconds/ms/us/ns), got "
                            "'yesterday'");
    RT_ERR(LOKI, "e.jsonl", "{\"labels\":{},\"line\":\"x\"}\n", AIOPS_EPARSE, 1,
           "expected a \"timestamp\" member");
    RT_ERR(LOKI, "e.jsonl", "{\"labels\":{\"n\":1},\"line\":\"x\",\"timestamp\":1}\n", AIOPS_EPARSE,
           1, "labels.n: expected a string label value, got a number");
    RT_ERR(LOKI, "e.jsonl", "{\"labels\":[],\"line\":\"x\",\"timestamp\":1}\n", AIOPS_EPARSE, 1,
           "labels: expected an object, got an array");
    RT_ERR(LOKI, "e.json",
           "{\"status\":\"success\",\n\"data\":{\"resultType\":\"streams\",\"result\":[\n"
           "{\"stream\":{\"app\":\"a\"},\n\"values\":[[\"1704164645000000000\",\"a\"],\n"
           "[\"soon\",\"b\"]]}]}}",
           AIOPS_EPARSE, 5, "data.result[0].values[1][0]: expected a time");
    RT_ERR(LOKI, "e.json",
           "{\"data\":{\"resultType\":\"streams\",\"result\":[{\"stream\":{},\"values\":[[\"1\"]]}]}}",
           AIOPS_EPARSE, 1, "data.result[0].values[0]: expected a [\"<ns timestamp>\", \"<line>\"] "
                            "pair, got an array of another size");
    RT_ERR(LOKI, "e.json", "{\"data\":{\"resultType\":\"matrix\",\"result\":[]}}", AIOPS_EPARSE, 1,
           "data.resultType: expected resultType \"streams\" (log lines), got 'matrix'");
    RT_ERR(LOKI, "e.json", "{\"status\":\"error\",\"errorType\":\"bad_data\",\n\"error\":\"parse error\"}",
           AIOPS_EPARSE, 1, "status: the Loki API returned status 'error': parse error");
    RT_ERR(LOKI, "e.json", "{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\n\"result\":[",
           AIOPS_EPARSE, 2, "expected a Loki logcli JSON line or query_range JSON document:");
    RT_ERR(LOKI, "e.json", "[1,2]", AIOPS_EPARSE, 1,
           "expected a logcli JSON line or a query_range response object, got an array");
    RT_ERR(LOKI, "e.json", "{\"hello\":1}", AIOPS_EPARSE, 1,
           "expected a logcli JSON line {\"labels\",\"line\",\"timestamp\"}");
    RT_ERR(LOKI, "e.jsonl", "{\"labels\":{},\"line\":\"x\",\"timestamp\":1} trailing\n", AIOPS_EPARSE,
           1, "'[' or '{' expected near 'trailing' (column 47)");
}

/* A line over 1 MB is read whole; nesting past jansson's limit is an
 * error, not a crash. */
static void test_huge_and_deep(void **state)
{
    (void)state;
    size_t big = (size_t)3 << 20;
    char *text = malloc(big + 200);
    assert_non_null(text);
    int k = snprintf(text, 200, "{\"labels\":{\"app\":\"x\"},\"timestamp\":1704164645,\"line\":\"");
    memset(text + k, 'a', big);
    strcpy(text + k + big, "\"}\n");
    rt_run r;
    rt_parse(LOKI, "big.jsonl", text, &r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 1);
    assert_non_null(strstr(r.line[0], "aaaa\",\"labels\":{\"app\":\"x\"}}"));
    assert_true(strlen(r.line[0]) > big);
    rt_free(&r);
    size_t depth = 100000;
    memset(text, '[', depth);
    text[depth] = '\0';
    RT_ERR(LOKI, "deep.json", text, AIOPS_EPARSE, 1, "maximum parsing depth reached");
    free(text);
}

static void test_probe(void **state)
{
    (void)state;
    const char *jl = "{\"labels\":{\"a\":\"b\"},\"line\":\"x\",\"timestamp\":\"2024-01-02T03:04:05Z\"}\n";
    const char *qr = "{\n  \"status\": \"success\",\n  \"data\": {\n    \"resultType\": \"streams\"";
    const char *matrix = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}";
    assert_int_equal(LOKI->probe("x.jsonl", jl, strlen(jl)), 95);
    assert_int_equal(LOKI->probe("x.json", qr, strlen(qr)), 98);
    assert_int_equal(LOKI->probe("x.json", matrix, strlen(matrix)), 0);
    /* other formats' heads, including ours with a "line" field */
    static const char *const others[] = {
        "{\"type\":\"log\",\"ts\":1,\"line\":\"x\",\"labels\":{}}\n",
        "1700000000\tup{job=\"a\"}\t1\n",
        "{\"metric\":{\"__name__\":\"up\"},\"values\":[1],\"timestamps\":[1]}\n",
        "{__name__=\"up\", job=\"a\"} 1 1700000000000\n",
        "# HELP up x\nup 1\n",
        "timestamp,value\n2024-01-01,1\n",
        "",
        "\xff\xfe\x00garbage",
    };
    for (size_t i = 0; i < sizeof others / sizeof *others; i++)
        assert_int_equal(LOKI->probe("x", others[i], strlen(others[i])), 0);
}



#define LINE(x) "{\"labels\":{\"app\":\"api\",\"level\":\"warn\"},\"line\":\"" x "\"," \
                "\"timestamp\":\"2024-01-02T03:04:05.123456789Z\"}\n"

static void test_fast_path(void **state)
{
    (void)state;
    static const char *const docs[] = {
        LINE("plain") LINE("with \\\"quotes\\\" and \\\\ and \\n \\t \\u00e9 \\u0001"),
        LINE("trace_id=abc traceId=zzz traceID=yyy span_id=s1"),
        LINE("x traceID=yyy traceId=zzz, trace_id=\\\"abc\\\""),
        "{\"line\":\"no labels\",\"timestamp\":\"2024-01-02T03:04:05Z\"}\n",
        "{\"labels\":{},\"line\":\"empty labels\",\"timestamp\":\"2024-01-02T03:04:05Z\"}\n",
        "{\"timestamp\":\"2024-01-02T03:04:05Z\",\"line\":\"order\",\"labels\":{\"service\":\"s\","
        "\"trace_id\":\"t\",\"detected_level\":\"ERROR\",\"job\":\"j\"}}\n",
        "{\"labels\":{\"a\":\"1\",\"a\":\"2\"},\"line\":\"repeat\",\"timestamp\":\"2024-01-02T03:04:05Z\"}\n",
        "{\"labels\":{\"a\":1},\"line\":\"number label\",\"timestamp\":\"2024-01-02T03:04:05Z\"}\n",
        "{\"labels\":{\"a\":\"x\"},\"line\":\"epoch\",\"timestamp\":\"1704164645123456789\"}\n",
        "{\"labels\":{\"a\":\"x\"},\"line\":\"epoch number\",\"timestamp\":1704164645}\n",
        "{\"labels\":{\"a\":\"x\"},\"line\":\"bad time\",\"timestamp\":\"soon\"}\n",
        "{\"labels\":{\"a\":\"x\"},\"line\":\"other\",\"timestamp\":\"2024-01-02T03:04:05Z\",\"x\":1}\n",
        "{\"labels\":{\"a\":\"x\"},\"line\":\"\xff\",\"timestamp\":\"2024-01-02T03:04:05Z\"}\n",
        "{\"labels\":{\"a\":\"\xff\"},\"line\":\"bad label\",\"timestamp\":\"2024-01-02T03:04:05Z\"}\n",
        "{\"labels\":{\"a\":\"x\"},\"line\":\"cut\",\"timestamp\":\"2024-01-02T03:04:05Z\"\n",
        LINE("ok") "{\"line\":\"two\",\"timestamp\":\"2024-01-02T03:04:05Z\"} {}\n" LINE("ok2"),
    };
    rt_same_lines(LOKI, docs, sizeof docs / sizeof *docs);
    aiops_buf out = {0};
    rt_read_all(LOKI, "t.jsonl", docs[2], strlen(docs[2]), 1, 1 << 20, 1, &out);
    assert_string_equal(out.p,
        "2 1704164645.1234567 {\"service\":\"api\",\"level\":\"warn\",\"message\":"
        "\"x traceID=yyy traceId=zzz, trace_id=\\\"abc\\\"\",\"labels\":{\"app\":\"api\","
        "\"level\":\"warn\"},\"trace_id\":\"abc\"}\n");
    aiops_buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_path),
        cmocka_unit_test(test_jsonl),         cmocka_unit_test(test_query_range),
        cmocka_unit_test(test_bare_data_and_pages), cmocka_unit_test(test_empty),
        cmocka_unit_test(test_invalid_utf8),  cmocka_unit_test(test_errors),
        cmocka_unit_test(test_huge_and_deep), cmocka_unit_test(test_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
