/* test_fmt_promalerts.c - Prometheus /api/v1/alerts responses. */
#include "rectest.h"

#include "formats/raw_tree.h"

extern const aiops_format aiops_fmt_prom_alerts;
#define PA (&aiops_fmt_prom_alerts)

static const char RESP[] =
    "{\n"
    "  \"status\": \"success\",\n"
    "  \"data\": {\n"
    "    \"alerts\": [\n"
    "      {\n"
    "        \"labels\": {\"alertname\": \"HighLatency\", \"job\": \"api\", \"severity\": \"page\"},\n"
    "        \"annotations\": {\"summary\": \"p99 above 1s\"},\n"
    "        \"state\": \"firing\",\n"
    "        \"activeAt\": \"2023-11-14T22:13:20.5Z\",\n"
    "        \"value\": \"1.25e+00\"\n"
    "      },\n"
    "      {\n"
    "        \"labels\": {\"alertname\": \"InstanceDown\", \"instance\": \"db-1:9100\", \"job\": \"node\"},\n"
    "        \"annotations\": {},\n"
    "        \"state\": \"pending\",\n"
    "        \"activeAt\": \"2023-11-14T22:20:00Z\",\n"
    "        \"value\": \"NaN\"\n"
    "      }\n"
    "    ]\n"
    "  }\n"
    "}\n";

#define HIGH_LAT                                                                               \
    "alert 1700000000.5 {\"name\":\"HighLatency\",\"state\":\"firing\",\"start\":1700000000.5,"  \
    "\"service\":\"api\",\"severity\":\"page\",\"labels\":{\"alertname\":\"HighLatency\","        \
    "\"job\":\"api\",\"severity\":\"page\"},\"annotations\":{\"summary\":\"p99 above 1s\"},"      \
    "\"fingerprint\":\"a105e054dfb59f59\",\"source\":\"prometheus\",\"value\":1.25}"
#define INST_DOWN                                                                              \
    "alert 1700000400 {\"name\":\"InstanceDown\",\"state\":\"pending\",\"start\":1700000400.0,"  \
    "\"service\":\"node\",\"labels\":{\"alertname\":\"InstanceDown\",\"instance\":\"db-1:9100\"," \
    "\"job\":\"node\"},\"annotations\":{},\"fingerprint\":\"a1a8705723c7dc2f\","                 \
    "\"source\":\"prometheus\",\"value\":\"NaN\"}"

static void test_response(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(PA, "alerts.json", RESP, &r);
    RT_EXPECT(&r, HIGH_LAT, INST_DOWN);
    rt_free(&r);
}

/* Polled every minute: the same states once; pending -> firing is new. */
static void test_polls(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(PA, "polls.ndjson",
             "{\"status\":\"success\",\"data\":{\"alerts\":[{\"labels\":{\"alertname\":\"InstanceDown\",\"instance\":\"db-1:9100\",\"job\":\"node\"},\"annotations\":{},\"state\":\"pending\",\"activeAt\":\"2023-11-14T22:20:00Z\",\"value\":\"NaN\"}]}}\n"
             "{\"status\":\"success\",\"data\":{\"alerts\":[{\"labels\":{\"alertname\":\"InstanceDown\",\"instance\":\"db-1:9100\",\"job\":\"node\"},\"annotations\":{},\"state\":\"pending\",\"activeAt\":\"2023-11-14T22:20:00Z\",\"value\":\"NaN\"}]}}\n"
             "{\"status\":\"success\",\"data\":{\"alerts\":[{\"labels\":{\"alertname\":\"InstanceDown\",\"instance\":\"db-1:9100\",\"job\":\"node\"},\"state\":\"firing\",\"activeAt\":\"2023-11-14T22:20:00Z\",\"value\":\"+Inf\"}]}}\n"
             "{\"alerts\":[]}\n",
             &r);
    RT_EXPECT(&r, INST_DOWN,
              "alert 1700000400 {\"name\":\"InstanceDown\",\"state\":\"firing\",\"start\":1700000400.0,"
              "\"service\":\"node\",\"labels\":{\"alertname\":\"InstanceDown\",\"instance\":\"db-1:9100\","
              "\"job\":\"node\"},\"annotations\":{},\"fingerprint\":\"a1a8705723c7dc2f\","
              "\"source\":\"prometheus\",\"value\":\"+Inf\"}");
    rt_free(&r);
}

static void test_bare_and_empty(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(PA, "bare.json",
             "{\"alerts\":[{\"labels\":{\"alertname\":\"X\"},\"state\":\"firing\",\"activeAt\":1700000000}]}",
             &r);
    RT_EXPECT(&r, "alert 1700000000 {\"name\":\"X\",\"state\":\"firing\",\"start\":1700000000.0,"
                  "\"labels\":{\"alertname\":\"X\"},\"annotations\":{},\"fingerprint\":\"d2aeefc389ca7746\","
                  "\"source\":\"prometheus\"}");
    rt_free(&r);
    rt_parse(PA, "empty.json", "{\"status\":\"success\",\"data\":{\"alerts\":[]}}", &r);
    RT_EXPECT_NONE(&r);
    rt_parse(PA, "empty.json", "", &r);
    RT_EXPECT_NONE(&r);
}

static void test_errors(void **state)
{
    (void)state;
    RT_ERR(PA, "e.json",
           "{\"status\":\"error\",\n\"errorType\":\"unavailable\",\n\"error\":\"rule manager not ready\"}",
           AIOPS_EPARSE, 3, "the Prometheus API returned an error (unavailable): rule manager not ready");
    RT_ERR(PA, "e.json", "{\"status\":\"success\",\"data\":{\"alerts\":[\n{\"labels\":{\"alertname\":\"X\"},\n"
                         "\"state\":\"inactive\",\"activeAt\":1}]}}",
           AIOPS_EPARSE, 3, "data.alerts[0].state: expected \"firing\" or \"pending\", got 'inactive'");
    RT_ERR(PA, "e.json", "{\"status\":\"success\",\"data\":{\"alerts\":[\n{\"labels\":{\"alertname\":\"X\"},\n"
                         "\"state\":\"firing\"}]}}",
           AIOPS_EPARSE, 2, "data.alerts[0]: expected field \"activeAt\" (an RFC 3339 time or epoch seconds)");
    RT_ERR(PA, "e.json", "{\"data\":{\"alerts\":[{\"labels\":{\"alertname\":\"X\"},\"state\":\"firing\",\n"
                         "\"activeAt\":1,\n\"value\":\"high\"}]}}",
           AIOPS_EPARSE, 3, "data.alerts[0].value: expected a number like \"1e+01\", got 'high'");
    RT_ERR(PA, "e.json", "{\"data\":{\"alerts\":[{\"labels\":{\"alertname\":\"X\"},\"state\":\"firing\",\n"
                         "\"activeAt\":1,\n\"value\":12}]}}",
           AIOPS_EPARSE, 3, "data.alerts[0].value: expected a string, got a number");
    RT_ERR(PA, "e.json", "{\"data\":{\"alerts\":[{\"labels\":{\"instance\":\"X\"},\"state\":\"firing\",\"activeAt\":1}]}}",
           AIOPS_EPARSE, 1, "data.alerts[0].labels: expected an \"alertname\" label");
    RT_ERR(PA, "e.json", "{\"status\":\"success\",\n\"data\":[]}", AIOPS_EPARSE, 2,
           "data: expected an object with \"alerts\", got an array");
    RT_ERR(PA, "e.json", "{\"status\":\"success\",\"data\":{\"alerts\":\"none\"}}", AIOPS_EPARSE, 1,
           "data.alerts: expected an array of alerts, got a string");
    RT_ERR(PA, "e.json", "{\"status\":\"success\",\"data\":{}}", AIOPS_EPARSE, 1,
           "data: expected a Prometheus /api/v1/alerts response: expected an \"alerts\" array");
    RT_ERR(PA, "e.json", "[{\"labels\":{}}]", AIOPS_EPARSE, 1, "(an object), got an array");
    RT_ERR(PA, "e.json", "{\"status\":\"success\",\"data\":{\"alerts\":[\n", AIOPS_EPARSE, 2,
           "expected a Prometheus /api/v1/alerts response: ");
}

static void test_probe(void **state)
{
    (void)state;
    assert_int_equal(PA->probe("a.json", RESP, strlen(RESP)), 96);
    const char *bare = "{\"alerts\":[{\"labels\":{},\"state\":\"firing\",\"activeAt\":\"x\"}]}";
    assert_int_equal(PA->probe("a.json", bare, strlen(bare)), 90);
    static const char *const no[] = {
        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}",
        "{\"type\":\"alert\",\"ts\":1,\"data\":{\"alerts\":[]}}",
        "{\"receiver\":\"r\",\"alerts\":[{\"status\":\"firing\",\"startsAt\":\"x\"}]}",
        "{\"alerts\":[{\"id\":\"P1\",\"type\":\"alert\",\"created_at\":\"x\"}]}",
        "{\"data\":[{\"tinyId\":\"1\"}]}",
        "[{\"labels\":{},\"startsAt\":\"x\"}]",
        "",
    };
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_int_equal(PA->probe("a.json", no[i], strlen(no[i])), 0);
}

/* Raw-text reads go through the token fast path: the same records and
 * errors as the tree. */
#define PAL(extra) "{\"labels\":{\"alertname\":\"A\",\"job\":\"api\"},\"state\":\"firing\"," \
    "\"activeAt\":\"2024-01-02T03:04:05.5Z\"" extra "}"
#define PRESP(alerts) "{\"status\":\"success\",\"data\":{\"alerts\":[" alerts "]}}\n"

static void test_fast_path(void **state)
{
    (void)state;
    aiops_buf tree = {0};
    static const char *const docs[] = {
        RESP, PRESP(PAL("") "," PAL(",\"value\":\"1e+01\"")),
        PRESP(PAL(",\"value\":\"+Inf\",\"annotations\":{\"s\":\"x\\u00e9\"},\"keepFiringSince\":\"x\"")),
        PRESP(PAL(",\"value\":\"-Inf\"")) PRESP(PAL(",\"value\":null")),
        PRESP(PAL(",\"value\":\"ten\"")), PRESP(PAL(",\"value\":10")),
        PRESP(PAL(",\"state\":\"firing\"")), PRESP(PAL(",\"annotations\":null")),
        PRESP("{\"labels\":{\"alertname\":\"A\"},\"state\":\"inactive\",\"activeAt\":\"2024-01-02T03:04:05Z\"}"),
        PRESP("{\"labels\":{\"alertname\":\"A\"},\"activeAt\":\"2024-01-02T03:04:05Z\"}"),
        PRESP("{\"labels\":{\"alertname\":\"A\"},\"state\":\"pending\"}"),
        PRESP("{\"labels\":{\"alertname\":\"A\"},\"state\":\"pending\",\"activeAt\":1704164645}"),
        PRESP("{\"labels\":{\"job\":\"j\"},\"state\":\"pending\",\"activeAt\":\"2024-01-02T03:04:05Z\"}"),
        PRESP("{\"labels\":{\"alertname\":\"A\",\"n\":1},\"state\":\"firing\",\"activeAt\":\"2024-01-02T03:04:05Z\"}"),
        PRESP(PAL("") ",1"), PRESP(""), "{\"alerts\":[" PAL("") "]}", "{\"alerts\":[]}",
        "{\"status\":\"success\",\"data\":{\"alerts\":[]},\"alerts\":[" PAL("") "]}",
        "{\"alerts\":[" PAL("") "],\"data\":{\"alerts\":[]}}",
        "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"boom\"}",
        "{\"status\":7,\"data\":{\"alerts\":[" PAL("") "]}}", "{\"data\":[]}", "{\"data\":{}}",
        "{\"data\":{\"alerts\":{}}}", "{\"data\":{\"alerts\":[],\"alerts\":[]}}", "[]", "{}",
        PRESP(PAL("")) "{\"data\":{\"alerts\":[" PAL(",\"state\":\"x\"") "]}}\n" PRESP(PAL("")),
        PRESP(PAL("")) "{\"data\":{\"alerts\":[" PAL("") "]",
    };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
        rt_same_both_ways(PA, docs[i], 0, &tree);
    aiops_buf_free(&tree);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_response),
        cmocka_unit_test(test_polls),
        cmocka_unit_test(test_bare_and_empty),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_fast_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
