/* test_fmt_opsgenie.c - OpsGenie alert API JSON. */
#include "rectest.h"

extern const aiops_format aiops_fmt_opsgenie;
#define OG (&aiops_fmt_opsgenie)

static const char LIST[] =
    "{\n"
    "  \"data\": [\n"
    "    {\n"
    "      \"id\": \"70413a06-38d6-4c85-92b8-5ebc900d42e2\",\n"
    "      \"tinyId\": \"1791\",\n"
    "      \"alias\": \"event_573\",\n"
    "      \"message\": \"Our servers are in danger\",\n"
    "      \"status\": \"closed\",\n"
    "      \"acknowledged\": false,\n"
    "      \"isSeen\": true,\n"
    "      \"tags\": [\"OverwriteQuietHours\", \"service:checkout\", \"env:prod\", \"Critical\", \"a b:c\"],\n"
    "      \"snoozed\": false,\n"
    "      \"count\": 79,\n"
    "      \"lastOccurredAt\": \"2023-11-14T22:30:00Z\",\n"
    "      \"createdAt\": \"2023-11-14T22:13:20.000Z\",\n"
    "      \"updatedAt\": \"2023-11-14T22:40:00Z\",\n"
    "      \"source\": \"Isengard\",\n"
    "      \"owner\": \"morpheus@opsgenie.com\",\n"
    "      \"priority\": \"P1\",\n"
    "      \"responders\": [{\"type\": \"team\", \"id\": \"8418d193\"}],\n"
    "      \"integration\": {\"id\": \"4513b7ea\", \"name\": \"Prometheus\", \"type\": \"Prometheus\"},\n"
    "      \"report\": {\"ackTime\": 15702, \"closeTime\": 60500, \"acknowledgedBy\": \"agent\", \"closedBy\": \"agent\"}\n"
    "    },\n"
    "    {\n"
    "      \"id\": \"8743a1b2\", \"tinyId\": \"1792\", \"alias\": \"disk-db-1\", \"message\": \"Disk 95%\",\n"
    "      \"status\": \"open\", \"tags\": [], \"createdAt\": \"2023-11-14T22:20:00Z\",\n"
    "      \"priority\": \"P3\"\n"
    "    },\n"
    "    {\n"
    "      \"id\": \"99\", \"message\": \"Flaky\", \"status\": \"closed\",\n"
    "      \"createdAt\": \"2023-11-14T22:00:00Z\", \"updatedAt\": \"2023-11-14T22:05:00Z\"\n"
    "    }\n"
    "  ],\n"
    "  \"paging\": {\"first\": \"https://api.opsgenie.com/v2/alerts?limit=20&offset=0\"},\n"
    "  \"took\": 0.605,\n"
    "  \"requestId\": \"9ae63dd7-ed00-4c81-86f0-c4ffd33142c9\"\n"
    "}\n";

static void test_list(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(OG, "alerts.json", LIST, &r);
    /* closed with report.closeTime: end = createdAt + 60.5 s. */
    RT_EXPECT(&r,
              "alert 1700000060.5 {\"name\":\"Our servers are in danger\",\"state\":\"resolved\","
              "\"start\":1700000000.0,\"end\":1700000060.5,\"service\":\"checkout\",\"severity\":\"critical\","
              "\"labels\":{\"priority\":\"P1\",\"alias\":\"event_573\",\"source\":\"Isengard\","
              "\"owner\":\"morpheus@opsgenie.com\",\"service\":\"checkout\",\"env\":\"prod\","
              "\"tags\":\"OverwriteQuietHours,Critical,a b:c\"},\"annotations\":{},"
              "\"fingerprint\":\"event_573\",\"source\":\"opsgenie\"}",
              "alert 1700000400 {\"name\":\"Disk 95%\",\"state\":\"firing\",\"start\":1700000400.0,"
              "\"severity\":\"moderate\",\"labels\":{\"priority\":\"P3\","
              "\"alias\":\"disk-db-1\"},\"annotations\":{},\"fingerprint\":\"disk-db-1\",\"source\":\"opsgenie\"}",
              "alert 1699999500 {\"name\":\"Flaky\",\"state\":\"resolved\",\"start\":1699999200.0,"
              "\"end\":1699999500.0,\"labels\":{},\"annotations\":{},\"fingerprint\":\"99\",\"source\":\"opsgenie\"}");
    rt_free(&r);
}

static void test_single_and_array(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(OG, "one.json",
             "{\"data\":{\"id\":\"1\",\"tinyId\":\"5\",\"message\":\"m\",\"status\":\"closed\",\"createdAt\":1700000000000,"
             "\"lastOccurredAt\":\"2023-11-14T22:14:20Z\",\"description\":\"long text\",\"details\":{\"runbook\":\"r1\"}},"
             "\"took\":0.1}\n"
             "[{\"id\":\"2\",\"message\":\"n\",\"status\":\"open\",\"createdAt\":\"2023-11-14T22:15:00Z\",\"priority\":\"P5\"}]\n",
             &r);
    RT_EXPECT(&r,
              "alert 1700000060 {\"name\":\"m\",\"state\":\"resolved\",\"start\":1700000000.0,\"end\":1700000060.0,"
              "\"labels\":{},\"annotations\":{\"description\":\"long text\",\"runbook\":\"r1\"},"
              "\"fingerprint\":\"1\",\"source\":\"opsgenie\"}",
              "alert 1700000100 {\"name\":\"n\",\"state\":\"firing\",\"start\":1700000100.0,\"severity\":\"informational\","
              "\"labels\":{\"priority\":\"P5\"},\"annotations\":{},\"fingerprint\":\"2\",\"source\":\"opsgenie\"}");
    rt_free(&r);
    rt_parse(OG, "empty.json", "{\"data\":[],\"took\":0.01}", &r);
    RT_EXPECT_NONE(&r);
}

/* The service is a service tag, else entity, else source, never the alias
 * (a de-duplication key). */
static void test_service(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(OG, "svc.json",
             "[{\"id\":\"1\",\"alias\":\"k1\",\"message\":\"a\",\"status\":\"open\",\"createdAt\":1700000000,"
             "\"entity\":\"cart\",\"source\":\"10.0.0.1\",\"tags\":[\"app:checkout\"]},"
             "{\"id\":\"2\",\"alias\":\"k2\",\"message\":\"b\",\"status\":\"open\",\"createdAt\":1700000001,"
             "\"entity\":\"cart\",\"source\":\"10.0.0.1\"},"
             "{\"id\":\"3\",\"alias\":\"k3\",\"message\":\"c\",\"status\":\"open\",\"createdAt\":1700000002,"
             "\"entity\":\"\",\"source\":\"zabbix\"},"
             "{\"id\":\"4\",\"alias\":\"k4\",\"message\":\"d\",\"status\":\"open\",\"createdAt\":1700000003}]",
             &r);
    RT_EXPECT(&r,
              "alert 1700000000 {\"name\":\"a\",\"state\":\"firing\",\"start\":1700000000.0,\"service\":\"checkout\","
              "\"labels\":{\"alias\":\"k1\",\"source\":\"10.0.0.1\",\"entity\":\"cart\",\"app\":\"checkout\"},"
              "\"annotations\":{},\"fingerprint\":\"k1\",\"source\":\"opsgenie\"}",
              "alert 1700000001 {\"name\":\"b\",\"state\":\"firing\",\"start\":1700000001.0,\"service\":\"cart\","
              "\"labels\":{\"alias\":\"k2\",\"source\":\"10.0.0.1\",\"entity\":\"cart\"},"
              "\"annotations\":{},\"fingerprint\":\"k2\",\"source\":\"opsgenie\"}",
              "alert 1700000002 {\"name\":\"c\",\"state\":\"firing\",\"start\":1700000002.0,\"service\":\"zabbix\","
              "\"labels\":{\"alias\":\"k3\",\"source\":\"zabbix\"},"
              "\"annotations\":{},\"fingerprint\":\"k3\",\"source\":\"opsgenie\"}",
              "alert 1700000003 {\"name\":\"d\",\"state\":\"firing\",\"start\":1700000003.0,"
              "\"labels\":{\"alias\":\"k4\"},\"annotations\":{},\"fingerprint\":\"k4\",\"source\":\"opsgenie\"}");
    rt_free(&r);
}

static void test_errors(void **state)
{
    (void)state;
    RT_ERR(OG, "e.json", "{\"data\":[{\"message\":\"m\",\"status\":\"closed\",\"createdAt\":1}]}", AIOPS_EPARSE, 1,
           "data[0]: expected report.closeTime, \"updatedAt\" or \"lastOccurredAt\" on a closed alert");
    RT_ERR(OG, "e.json", "{\"data\":[{\"message\":\"m\",\n\"status\":\"acked\",\"createdAt\":1}]}", AIOPS_EPARSE, 2,
           "data[0].status: expected \"open\" or \"closed\", got 'acked'");
    RT_ERR(OG, "e.json", "{\"data\":[{\"message\":\"m\",\"status\":\"open\",\"createdAt\":1,\n\"priority\":\"high\"}]}",
           AIOPS_EPARSE, 2, "data[0].priority: expected P1, P2, P3, P4 or P5, got 'high'");
    RT_ERR(OG, "e.json", "{\"data\":[{\"message\":\"m\",\"status\":\"open\",\"createdAt\":1,\n\"tags\":[\"a\",\n7]}]}",
           AIOPS_EPARSE, 3, "data[0].tags[1]: expected a string tag, got a number");
    RT_ERR(OG, "e.json", "{\"data\":[{\"message\":\"m\",\"status\":\"open\",\"createdAt\":1,\"tags\":\"a\"}]}",
           AIOPS_EPARSE, 1, "data[0].tags: expected an array of strings, got a string");
    RT_ERR(OG, "e.json", "{\"data\":[{\"status\":\"open\",\"createdAt\":1}]}", AIOPS_EPARSE, 1,
           "data[0]: expected field \"message\"");
    RT_ERR(OG, "e.json", "{\"data\":[{\"message\":\"m\",\"status\":\"open\",\"createdAt\":true}]}", AIOPS_EPARSE, 1,
           "data[0].createdAt: expected an RFC 3339 time or epoch seconds, got true");
    RT_ERR(OG, "e.json", "{\"message\":\"Could not authenticate\",\"took\":0.0,\"requestId\":\"x\"}", AIOPS_EPARSE, 1,
           "the OpsGenie API returned an error: Could not authenticate");
    RT_ERR(OG, "e.json", "{\"data\":\"x\"}", AIOPS_EPARSE, 1, "data: expected an array of alerts, got a string");
    RT_ERR(OG, "e.json", "{\"x\":1}", AIOPS_EPARSE, 1, "an object with \"data\"");
    RT_ERR(OG, "e.json", "[\n\"x\"]", AIOPS_EPARSE, 2, "[0]: expected an alert object, got a string");
    RT_ERR(OG, "e.json", "{\"data\":[{\"message\":\"m\",\n", AIOPS_EPARSE, 2, "expected an OpsGenie alerts JSON response: ");
}

static void test_probe(void **state)
{
    (void)state;
    assert_int_equal(OG->probe("a.json", LIST, strlen(LIST)), 92);
    const char *arr = "[{\"alias\":\"a\",\"message\":\"m\",\"createdAt\":\"x\"}]";
    assert_int_equal(OG->probe("a.json", arr, strlen(arr)), 92);
    const char *one = "{\"data\":{\"tinyId\":\"5\"}}";
    assert_int_equal(OG->probe("a.json", one, strlen(one)), 92);
    static const char *const no[] = {
        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}",
        "{\"status\":\"success\",\"data\":{\"alerts\":[]}}",
        "{\"type\":\"log\",\"ts\":1,\"data\":[{\"tinyId\":\"1\"}]}",
        "{\"incidents\":[]}",
        "[{\"labels\":{},\"startsAt\":\"x\"}]",
        "{\"data\":[{\"traceID\":\"abc\",\"spans\":[]}]}",
        "",
    };
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_int_equal(OG->probe("a.json", no[i], strlen(no[i])), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list),
        cmocka_unit_test(test_single_and_array),
        cmocka_unit_test(test_service),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
