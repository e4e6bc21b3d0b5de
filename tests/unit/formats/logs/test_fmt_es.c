/* test_fmt_es.c - Elasticsearch/OpenSearch search responses, hits and
 * documents. */
#include "rectest.h"

#include "formats/obs.h"
#include "../raw_tree.h"

#define ES (&aiops_fmt_es)

/* A scroll: two pages one after the other.  ECS fields nested and
 * flattened; a Fluent Bit "log"; a "msg" with severity. */
static const char SCROLL[] =
    "{\"took\":5,\"timed_out\":false,\"_scroll_id\":\"FGluY2x1ZGV\",\"_shards\":{\"total\":2,"
    "\"successful\":2,\"skipped\":0,\"failed\":0},\n"
    " \"hits\":{\"total\":{\"value\":2,\"relation\":\"eq\"},\"hits\":[\n"
    "  {\"_index\":\"logs-1\",\"_id\":\"a1\",\"_source\":{\"@timestamp\":\"2024-01-02T03:04:06.500Z\","
    "\"message\":\"db down\",\"log\":{\"level\":\"error\"},\"service\":{\"name\":\"orders\"},"
    "\"trace\":{\"id\":\"0af7651916cd43dd8448eb211c80319c\"},\"span\":{\"id\":\"b7ad6b7169203331\"}}},\n"
    "  {\"_index\":\"logs-1\",\"_id\":\"a2\",\"_source\":{\"@timestamp\":1704164645000,\"log\":\"GET "
    "/healthz 200\",\"kubernetes\":{\"container_name\":\"web\",\"labels\":{\"app\":\"frontend\"}},"
    "\"bytes\":512,\"ok\":true,\"gone\":null,\"tags\":[\"a\",\"b\"]}}\n"
    " ]}}\n"
    "{\"_scroll_id\":\"FGluY2x1ZGV\",\"timed_out\":false,\"hits\":{\"hits\":[{\"_index\":\"logs-1\","
    "\"_source\":{\"timestamp\":\"2024-01-02T03:04:07Z\",\"msg\":\"page two\",\"severity\":\"DEBUG\","
    "\"kubernetes\":{\"container\":{\"name\":\"api\"}}}}]}}\n";

static void test_scroll(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(ES, "scroll.json", SCROLL, &r);
    /* epoch ms @timestamp; numbers, booleans and arrays as label text;
     * null left out; the level and id fields leave the labels */
    RT_EXPECT(&r,
              "log 1704164646.5 {\"service\":\"orders\",\"level\":\"error\",\"message\":\"db down\",\"l"
              "abels\":{\"service.name\":\"orders\",\"_index\":\"logs-1\"},\"trace_id\":\"0af7651916cd4"
              "3dd8448eb211c80319c\",\"span_id\":\"b7ad6b7169203331\"}",
              "log 1704164645 {\"service\":\"frontend\",\"message\":\"GET /healthz 200\",\"labels\":{\""
              "kubernetes.container_name\":\"web\",\"kubernetes.labels.app\":\"frontend\",\"bytes\":\"5"
              "12\",\"ok\":\"true\",\"tags\":\"[\\\"a\\\",\\\"b\\\"]\",\"_index\":\"logs-1\"}}",
              "log 1704164647 {\"service\":\"api\",\"level\":\"debug\",\"message\":\"page two\",\"label"
              "s\":{\"kubernetes.container.name\":\"api\",\"_index\":\"logs-1\"}}");
    assert_int_equal(ES->ordered, 0);
    rt_free(&r);
}

static void test_ndjson_and_arrays(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(ES, "hits.ndjson",
             "{\"_index\":\"app\",\"_source\":{\"@timestamp\":\"2024-01-02T03:04:05Z\",\"message\":\"one\","
             "\"level\":\"info\",\"app\":\"auth\"}}\n"
             "{\"@timestamp\":\"2024-01-02T03:04:04Z\",\"message\":\"bare\",\"ecs\":{\"version\":\"8\"}}\n",
             &r);
    RT_EXPECT(&r,
              "log 1704164645 {\"service\":\"auth\",\"level\":\"info\",\"message\":\"one\",\"labels\":"
              "{\"app\":\"auth\",\"_index\":\"app\"}}",
              "log 1704164644 {\"message\":\"bare\",\"labels\":{\"ecs.version\":\"8\"}}");
    rt_free(&r);
    rt_parse(ES, "arr.json",
             "[{\"_index\":\"i\",\"_source\":{\"@timestamp\":\"2024-01-02T03:04:05Z\",\"message\":\"in an "
             "array\",\"app\":\"x\"}},\n {\"@timestamp\":\"2024-01-02T03:04:06Z\",\"message\":\"bare in an "
             "array\",\"app\":\"y\"}]\n",
             &r);
    RT_EXPECT(&r,
              "log 1704164645 {\"service\":\"x\",\"message\":\"in an array\",\"labels\":{\"app\":\"x\","
              "\"_index\":\"i\"}}",
              "log 1704164646 {\"service\":\"y\",\"message\":\"bare in an array\",\"labels\":{\"app\":"
              "\"y\"}}");
    rt_free(&r);
    rt_parse(ES, "none.json", "{\"hits\":{\"total\":{\"value\":0},\"hits\":[]}}", &r);
    RT_EXPECT_NONE(&r);
    rt_parse(ES, "empty.json", "\n", &r);
    RT_EXPECT_NONE(&r);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(ES, "u.ndjson",
             "{\"_source\":{\"@timestamp\":\"2024-01-02T03:04:05Z\",\"message\":\"caf\xe9\"}}\n", &r);
    RT_EXPECT(&r, "log 1704164645 {\"message\":\"caf\xEF\xBF\xBD\",\"invalid_utf8\":1}");
    rt_free(&r);
    RT_ERR(ES, "u.ndjson",
           "{\"_source\":{\"@timestamp\":\"2024-01-02T03:04:05Z\",\"message\":\"ok\","
           "\"host\":{\"name\":\"n\xff\"}}}\n",
           AIOPS_EPARSE, 1, "name: expected UTF-8 text, got invalid bytes");
}

static void test_errors(void **state)
{
    (void)state;
    RT_ERR(ES, "e.json",
           "{\"took\":1,\"timed_out\":false,\n\"_shards\":{\"total\":5,\"failed\":1},\"hits\":{\"hits\":[]}}",
           AIOPS_EPARSE, 2, "_shards: 1 of 5 shards failed: the hits are incomplete");
    RT_ERR(ES, "e.json", "{\"took\":1,\n\"timed_out\":true,\"hits\":{\"hits\":[]}}", AIOPS_EPARSE, 2,
           "timed_out: the search timed out: its hits are incomplete");
    RT_ERR(ES, "e.json",
           "{\"error\":{\"root_cause\":[],\"type\":\"index_not_found_exception\",\"reason\":\"no such "
           "index\"},\"status\":404}",
           AIOPS_EPARSE, 1, "error: Elasticsearch returned an error (index_not_found_exception): no "
                            "such index");
    RT_ERR(ES, "e.json", "{\"hits\":{\"hits\":[{\"_index\":\"i\",\"fields\":{\"a\":[1]}}]}}",
           AIOPS_EPARSE, 1, "hits.hits[0]: expected \"_source\" in the hit");
    RT_ERR(ES, "e.ndjson",
           "{\"@timestamp\":\"2024-01-02T03:04:05Z\",\"message\":\"ok\"}\n{\"message\":\"no time\"}\n",
           AIOPS_EPARSE, 2, "expected an \"@timestamp\" (or timestamp, time) field");
    RT_ERR(ES, "e.ndjson", "{\"@timestamp\":\"2024-01-02T03:04:05Z\",\"status\":200}\n", AIOPS_EPARSE,
           1, "expected a log message field (message, log, msg or MESSAGE)");
    RT_ERR(ES, "e.ndjson", "{\"@timestamp\":\"noon\",\"message\":\"x\"}\n", AIOPS_EPARSE, 1,
           "@timestamp: expected a time");
    RT_ERR(ES, "e.json", "{\"hits\":[]}", AIOPS_EPARSE, 1, "hits: expected an object, got an array");
    RT_ERR(ES, "e.json", "{\"hits\":{\n\"hits\":{}}}", AIOPS_EPARSE, 2,
           "hits.hits: expected an array, got an object");
    RT_ERR(ES, "e.json", "[1]", AIOPS_EPARSE, 1, "[0]: expected a hit or document object, got a number");
    RT_ERR(ES, "e.json", "{\"hits\":{\"hits\":[{\"_source\":", AIOPS_EPARSE, 1,
           "expected an Elasticsearch search response, hit or document (JSON)");
}

static void test_probe(void **state)
{
    (void)state;
    static const struct {
        const char *head;
        int score;
    } cases[] = {
        {"{\n  \"took\" : 5,\n  \"timed_out\" : false,\n  \"hits\" : {\n    \"hits\" : [", 95},
        {"{\"_scroll_id\":\"x\",\"hits\":", 95},
        {"{\"_index\":\"a\",\"_id\":\"1\",\"_source\":{\"@timestamp\":1}}\n", 95},
        {"[{\"_index\":\"a\",\"_source\":{}}]", 95},
        {"{\"error\":{\"root_cause\":[{\"type\":\"x\"}]},\"status\":400}", 90},
        {"{\"@timestamp\":\"2024-01-02T03:04:05Z\",\"log.level\":\"info\",\"message\":\"m\"}\n", 65},
        {"{\"@timestamp\":\"2024-01-02T03:04:05Z\",\"message\":\"m\"}\n", 50},
        {"{\"@timestamp\":\"2024-01-02T03:04:05Z\",\"cpu\":0.5}\n", 0},
        {"{\"type\":\"log\",\"ts\":1,\"message\":\"m\",\"@timestamp\":\"x\"}\n", 0},
        {"{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}", 0},
        {"1700000000\tup\t1\n", 0},
        {"", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_int_equal(ES->probe("x", cases[i].head, strlen(cases[i].head)), cases[i].score);
}



#define HIT(src) "{\"_index\":\"logs-1\",\"_id\":\"a1\",\"_source\":{" src "}}\n"
#define TS "\"@timestamp\":\"2024-01-02T03:04:05.5Z\""

static void test_fast_path(void **state)
{
    (void)state;
    static const char *const docs[] = {
        HIT(TS ",\"message\":\"db down\",\"log\":{\"level\":\"error\"},\"service\":{\"name\":\"orders\"},"
            "\"trace\":{\"id\":\"0af7651916cd43dd8448eb211c80319c\"},\"span\":{\"id\":\"b7ad\"}"),
        HIT(TS ",\"log\":\"GET /x 200\\n\",\"kubernetes\":{\"container_name\":\"web\",\"labels\":"
            "{\"app\":\"frontend\"}},\"bytes\":512,\"ok\":true,\"no\":false,\"gone\":null,"
            "\"r\":1.50,\"e\":1e3,\"z\":-0,\"tags\":[\"a\",\"b\",1,true,null]"),
        HIT(TS ",\"message\":\"m\",\"tags\":[1.5]"),              /* a real in an array */
        HIT(TS ",\"message\":\"m\",\"tags\":[\"a\\\"b\"]"),         /* an escape in an array */
        HIT(TS ",\"message\":\"m\",\"tags\":[[1]]"),
        HIT(TS ",\"message\":\"m\",\"a.b\":\"x\",\"a\":{\"b\":\"y\",\"c\":{}}"),   /* same flat name */
        HIT(TS ",\"message\":\"m\",\"a\":{\"b\":\"y\",\"b\":\"z\"}"),  /* repeated */
        HIT(TS ",\"message\":\"m\",\"_index\":\"own\""),
        HIT("\"timestamp\":\"2024-01-02T03:04:05Z\",\"@timestamp\":\"2024-01-02T03:04:06Z\","
            "\"msg\":\"two times\",\"time\":\"x\""),
        HIT("\"ts\":1704164645,\"message\":\"epoch\""),
        HIT("\"date\":\"1704164645\",\"message\":\"epoch text\""),
        HIT("\"@timestamp\":null,\"message\":\"null time\""),
        HIT("\"@timestamp\":\"yesterday\",\"message\":\"bad time\""),
        HIT("\"message\":\"no time\""),
        HIT(TS ",\"note\":\"no message\""),
        HIT(TS ",\"message\":5"),
        HIT(TS ",\"message\":\"\",\"log\":\"second\""),
        HIT(TS ",\"message\":\"level=warn trace_id=abc123 span_id=def\",\"level\":\"\""),
        HIT(TS ",\"message\":\"x\",\"severity\":\"WARNING\",\"service.name\":\"unknown_service:x\","
            "\"app\":\"real\",\"trace_id\":\"t1\",\"spanId\":\"s1\""),
        HIT(TS ",\"MESSAGE\":\"journald\",\"SYSLOG_IDENTIFIER\":\"cron\",\"PRIORITY\":\"3\""),
        HIT(TS ",\"message\":\"bad \xff utf8\""),
        HIT(TS ",\"message\":\"m\",\"deep\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":"
            "{\"i\":{\"j\":{\"k\":{\"l\":{\"m\":{\"n\":{\"o\":{\"p\":\"q\"}}}}}}}}}}}}}}}}"),
        "{\"_id\":\"1\",\"_score\":1.0,\"sort\":[1,2],\"_source\":{" TS ",\"message\":\"m\"}}\n",
        "{\"_id\":\"1\",\"sort\":[{\"a\":1,\"a\":2}],\"_source\":{" TS ",\"message\":\"m\"}}\n",
        "{\"_id\":\"1\",\"_id\":\"2\",\"_source\":{" TS ",\"message\":\"m\"}}\n",
        "{\"_index\":\"i\",\"_source\":{" TS ",\"message\":\"m\"},\"_index\":\"j\"}\n",
        "{\"_index\":5,\"_source\":{" TS ",\"message\":\"m\"}}\n",
        "{\"_index\":\"i\"}\n",
        "{\"_index\":\"i\",\"_source\":[]}\n",
        "{\"_id\":\"x\",\"hits\":{\"hits\":[]}}\n",
        "{\"_source\":{" TS ",\"message\":\"m\"},\"_index\":\"late\"}\n",
        "{\"_source\":{" TS ",\"message\":\"m\"}} {\"x\":1}\n",
        "{\"_source\":{" TS ",\"message\":\"m\"}\n",
        "{" TS ",\"message\":\"bare\",\"host\":{\"name\":\"h1\"}}\n",
        "{\"message\":\"bare, time last\",\"level\":\"info\"," TS "}\n",
        "{\"message\":\"bare with hits\",\"hits\":1," TS "}\n",
        "{\"message\":\"bare\",\"error\":\"e\",\"status\":500," TS "}\n",
        "{\"message\":\"bare\",\"error\":\"e\"," TS "}\n",
        "{\"message\":\"bare\",\"_source\":{}," TS "}\n",
        "{\"took\":1,\"hits\":{\"hits\":[{\"_source\":{" TS ",\"message\":\"page\"}}]}}\n",
        "[{\"_source\":{" TS ",\"message\":\"in an array\"}}]\n",
        "{}\n",
        HIT(TS ",\"message\":\"ok\"") "{\"_source\":{" TS ",\"message\":tru}}\n" HIT(TS ",\"message\":\"ok2\""),
    };
    rt_same_lines(ES, docs, sizeof docs / sizeof *docs);
    /* what the fast path gives, value by value */
    aiops_buf out = {0};
    rt_read_all(ES, "t.jsonl", docs[0], strlen(docs[0]), 1, 1 << 20, 1, &out);
    assert_string_equal(out.p,
        "2 1704164645.5 {\"service\":\"orders\",\"level\":\"error\",\"message\":\"db down\","
        "\"labels\":{\"service.name\":\"orders\",\"_index\":\"logs-1\"},\"trace_id\":\"0af7651916cd43dd8448eb211c80319c\","
        "\"span_id\":\"b7ad\"}\n");
    rt_read_all(ES, "t.jsonl", docs[1], strlen(docs[1]), 1, 1 << 20, 1, &out);
    assert_string_equal(out.p,
        "2 1704164645.5 {\"service\":\"frontend\",\"message\":\"GET /x 200\",\"labels\":{"
        "\"kubernetes.container_name\":\"web\",\"kubernetes.labels.app\":\"frontend\","
        "\"bytes\":\"512\",\"ok\":\"true\",\"no\":\"false\",\"r\":\"1.5\",\"e\":\"1000\",\"z\":\"0\","
        "\"tags\":\"[\\\"a\\\",\\\"b\\\",1,true,null]\",\"_index\":\"logs-1\"}}\n");
    aiops_buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_path),
        cmocka_unit_test(test_scroll),       cmocka_unit_test(test_ndjson_and_arrays),
        cmocka_unit_test(test_invalid_utf8), cmocka_unit_test(test_errors),
        cmocka_unit_test(test_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
