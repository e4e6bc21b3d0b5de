/* test_fmt_k8sevents.c - Kubernetes events. */
#include "formats/raw_tree.h"

#include "formats/obs.h"

#define K8 (&aiops_fmt_k8s_events)

static const char LIST[] =
    "{\n"
    "    \"apiVersion\": \"v1\",\n"
    "    \"items\": [\n"
    "        {\"count\": 1, \"eventTime\": null, \"firstTimestamp\": \"2024-01-02T03:04:05Z\",\n"
    "         \"involvedObject\": {\"kind\": \"Deployment\", \"name\": \"cart\", \"namespace\": \"shop\"},\n"
    "         \"kind\": \"Event\", \"lastTimestamp\": \"2024-01-02T03:04:05Z\",\n"
    "         \"message\": \"Scaled up replica set cart-7d9f8b6c4 to 3\", \"reason\": "
    "\"ScalingReplicaSet\", \"type\": \"Normal\"},\n"
    "        {\"count\": 4, \"firstTimestamp\": \"2024-01-02T03:00:00Z\",\n"
    "         \"involvedObject\": {\"kind\": \"Pod\", \"name\": \"payments-5c7d9b8f6d-q8wzt\", "
    "\"namespace\": \"shop\"},\n"
    "         \"lastTimestamp\": \"2024-01-02T03:04:10Z\", \"message\": \"Back-off restarting failed "
    "container\",\n"
    "         \"reason\": \"BackOff\", \"type\": \"Warning\"},\n"
    "        {\"count\": 1, \"involvedObject\": {\"kind\": \"Node\", \"name\": \"node-2\"},\n"
    "         \"lastTimestamp\": \"2024-01-02T03:04:02Z\", \"message\": \"Killed process 4242 (java)\",\n"
    "         \"metadata\": {\"namespace\": \"default\"}, \"reason\": \"OOMKilling\", \"type\": "
    "\"Warning\"},\n"
    "        {\"count\": 3, \"involvedObject\": {\"kind\": \"Pod\", \"name\": \"redis-0\", \"namespace\": "
    "\"shop\"},\n"
    "         \"lastTimestamp\": \"2024-01-02T03:04:08Z\", \"message\": \"Started container redis\",\n"
    "         \"reason\": \"Started\", \"type\": \"Normal\"},\n"
    "        {\"count\": 1, \"involvedObject\": {\"kind\": \"Pod\", \"name\": \"web-6b7f\", "
    "\"namespace\": \"shop\"},\n"
    "         \"lastTimestamp\": \"2024-01-02T03:04:09Z\", \"message\": \"Started container web\",\n"
    "         \"reason\": \"Started\", \"type\": \"Normal\"}\n"
    "    ],\n"
    "    \"kind\": \"List\"\n"
    "}\n";

static void test_list(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(K8, "events.json", LIST, &r);
    /* kinds by reason (Started counted 3 times = a restart, once = k8s);
     * ts = lastTimestamp; pod/ReplicaSet hashes and StatefulSet ordinals
     * stripped for the service; nodes have none */
    RT_EXPECT(&r,
              "event 1704164645 {\"kind\":\"scale\",\"service\":\"cart\",\"reason\":\"ScalingReplicaSet"
              "\",\"message\":\"Scaled up replica set cart-7d9f8b6c4 to 3\",\"object\":\"deployment/ca"
              "rt\",\"namespace\":\"shop\",\"count\":1,\"severity\":\"Normal\"}",
              "event 1704164650 {\"kind\":\"restart\",\"service\":\"payments\",\"reason\":\"BackOff\",\""
              "message\":\"Back-off restarting failed container\",\"object\":\"pod/payments-5c7d9b8f6d-"
              "q8wzt\",\"namespace\":\"shop\",\"count\":4,\"severity\":\"Warning\"}",
              "event 1704164642 {\"kind\":\"oom_kill\",\"reason\":\"OOMKilling\",\"message\":\"Killed p"
              "rocess 4242 (java)\",\"object\":\"node/node-2\",\"namespace\":\"default\",\"count\":1,\""
              "severity\":\"Warning\"}",
              "event 1704164648 {\"kind\":\"restart\",\"service\":\"redis\",\"reason\":\"Started\",\"me"
              "ssage\":\"Started container redis\",\"object\":\"pod/redis-0\",\"namespace\":\"shop\",\""
              "count\":3,\"severity\":\"Normal\"}",
              "event 1704164649 {\"kind\":\"k8s\",\"service\":\"web-6b7f\",\"reason\":\"Started\",\"me"
              "ssage\":\"Started container web\",\"object\":\"pod/web-6b7f\",\"namespace\":\"shop\",\"c"
              "ount\":1,\"severity\":\"Normal\"}");
    assert_int_equal(K8->ordered, 0);
    rt_free(&r);
}

/* kubectl get events -w -o json: pretty objects one after another,
 * events.k8s.io/v1 among them; --output-watch-events envelopes. */
static void test_watch(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(K8, "watch.json",
             "{\n  \"involvedObject\": {\"kind\": \"Pod\", \"name\": \"api-7d9f8b6c4-x2x9z\", "
             "\"namespace\": \"shop\"},\n  \"lastTimestamp\": \"2024-01-02T03:04:05Z\",\n  \"message\": "
             "\"Readiness probe failed\",\n  \"reason\": \"Unhealthy\",\n  \"type\": \"Warning\"\n}\n"
             "{\n  \"apiVersion\": \"events.k8s.io/v1\",\n  \"deprecatedCount\": 1,\n"
             "  \"deprecatedLastTimestamp\": \"2024-01-02T03:04:04Z\",\n  \"eventTime\": null,\n"
             "  \"note\": \"Container api failed liveness probe\",\n  \"reason\": \"Killing\",\n"
             "  \"regarding\": {\"kind\": \"Pod\", \"name\": \"api-7d9f8b6c4-x2x9z\", \"namespace\": "
             "\"shop\"},\n  \"type\": \"Normal\"\n}\n"
             "{\"apiVersion\":\"events.k8s.io/v1\",\"eventTime\":\"2024-01-02T03:04:06.250000Z\","
             "\"note\":\"Scheduled\",\"reason\":\"Scheduled\",\"regarding\":{\"kind\":\"Pod\",\"name\":"
             "\"web-0\",\"namespace\":\"shop\"},\"series\":{\"count\":2,\"lastObservedTime\":"
             "\"2024-01-02T03:04:09.500000Z\"}}\n",
             &r);
    RT_EXPECT(&r,
              "event 1704164645 {\"kind\":\"k8s\",\"service\":\"api\",\"reason\":\"Unhealthy\",\"messa"
              "ge\":\"Readiness probe failed\",\"object\":\"pod/api-7d9f8b6c4-x2x9z\",\"namespace\":\"s"
              "hop\",\"severity\":\"Warning\"}",
              "event 1704164644 {\"kind\":\"restart\",\"service\":\"api\",\"reason\":\"Killing\",\"mess"
              "age\":\"Container api failed liveness probe\",\"object\":\"pod/api-7d9f8b6c4-x2x9z\",\"n"
              "amespace\":\"shop\",\"count\":1,\"severity\":\"Normal\"}",
              "event 1704164649.5 {\"kind\":\"k8s\",\"service\":\"web\",\"reason\":\"Scheduled\",\"mess"
              "age\":\"Scheduled\",\"object\":\"pod/web-0\",\"namespace\":\"shop\",\"count\":2}");
    rt_free(&r);
    rt_parse(K8, "watch.jsonl",
             "{\"type\":\"ADDED\",\"object\":{\"count\":1,\"involvedObject\":{\"kind\":\"ReplicaSet\","
             "\"name\":\"cart-7d9f8b6c4\",\"namespace\":\"shop\"},\"lastTimestamp\":\"2024-01-02T03:04:05Z\","
             "\"reason\":\"SuccessfulCreate\"}}\n"
             "{\"type\":\"DELETED\",\"object\":{\"reason\":\"SuccessfulCreate\"}}\n"
             "{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{}}}\n"
             "{\"type\":\"MODIFIED\",\"object\":{\"count\":2,\"involvedObject\":{\"kind\":\"Pod\",\"name\":"
             "\"cart-7d9f8b6c4-abcde\",\"namespace\":\"shop\"},\"lastTimestamp\":\"2024-01-02T03:04:07Z\","
             "\"reason\":\"OOMKilled\"}}\n",
             &r);
    /* a hand-written "-abcde" after a ReplicaSet hash is stripped too */
    RT_EXPECT(&r,
              "event 1704164645 {\"kind\":\"k8s\",\"service\":\"cart\",\"reason\":\"SuccessfulCreate\","
              "\"object\":\"replicaset/cart-7d9f8b6c4\",\"namespace\":\"shop\",\"count\":1}",
              "event 1704164647 {\"kind\":\"oom_kill\",\"service\":\"cart\",\"reason\":\"OOMKilled\",\""
              "object\":\"pod/cart-7d9f8b6c4-abcde\",\"namespace\":\"shop\",\"count\":2}");
    rt_free(&r);
    /* an empty List, a bare array */
    rt_parse(K8, "e.json", "{\"apiVersion\":\"v1\",\"items\":[\n],\"kind\":\"List\"}", &r);
    RT_EXPECT_NONE(&r);
    rt_parse(K8, "a.json", "[{\"reason\":\"X\",\"metadata\":{\"creationTimestamp\":1704164645}}]", &r);
    RT_EXPECT(&r, "event 1704164645 {\"kind\":\"k8s\",\"reason\":\"X\"}");
    rt_free(&r);
}

static void test_errors(void **state)
{
    (void)state;
    RT_ERR(K8, "e.json",
           "{\"kind\":\"List\",\"items\":[\n{\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"a\"},"
           "\"reason\":\"Started\",\"eventTime\":null}]}",
           AIOPS_EPARSE, 2, "items[0]: expected a time (lastTimestamp, eventTime, firstTimestamp or "
                            "metadata.creationTimestamp)");
    RT_ERR(K8, "e.json",
           "{\"kind\":\"List\",\"items\":[\n{\"kind\":\"Pod\",\"metadata\":{\"creationTimestamp\":"
           "\"2024-01-02T03:04:05Z\"}}]}",
           AIOPS_EPARSE, 2, "items[0]: expected a Kubernetes Event (involvedObject or regarding, "
                            "reason)");
    RT_ERR(K8, "e.json",
           "{\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"a\"},\"reason\":\"BackOff\",\n"
           "\"lastTimestamp\":\"2024-01-02T03:04:05Z\",\n\"count\":\"many\"}",
           AIOPS_EPARSE, 3, "count: expected an integer, got 'many'");
    RT_ERR(K8, "e.json",
           "{\"involvedObject\":{\"kind\":\"Pod\",\"name\":7},\"reason\":\"X\",\"lastTimestamp\":1}",
           AIOPS_EPARSE, 1, "involvedObject.name: expected a string, got a number");
    RT_ERR(K8, "e.json", "{\"involvedObject\":{},\"reason\":\"X\",\"lastTimestamp\":\"noon\"}",
           AIOPS_EPARSE, 1, "lastTimestamp: expected a time");
    RT_ERR(K8, "e.jsonl", "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"message\":\"too old "
                          "resource version\"}}\n",
           AIOPS_EPARSE, 1, "object: the watch returned an error: too old resource version");
    RT_ERR(K8, "e.jsonl", "{\"type\":\"CHANGED\",\"object\":{}}\n", AIOPS_EPARSE, 1,
           "object: expected a watch event type ADDED, MODIFIED, DELETED, BOOKMARK or ERROR");
    RT_ERR(K8, "e.json", "{\"reason\":\"X\",\"message\":\"caf\xe9\",\"lastTimestamp\":1}",
           AIOPS_EPARSE, 1, "message: expected UTF-8 text, got invalid bytes");
    RT_ERR(K8, "e.json", "{\"items\":[{", AIOPS_EPARSE, 1,
           "expected a Kubernetes Event or EventList JSON object:");
}

static void test_probe(void **state)
{
    (void)state;
    static const struct {
        const char *head;
        int score;
    } cases[] = {
        {LIST, 95},
        {"{\"type\":\"ADDED\",\"object\":{\"involvedObject\":{},\"reason\":\"x\"}}", 95},
        {"{\"apiVersion\":\"events.k8s.io/v1\",\"reason\":\"x\",\"regarding\":{}}", 95},
        {"{\"apiVersion\":\"v1\",\"items\":[],\"kind\":\"EventList\"}", 90},
        {"{\"apiVersion\":\"v1\",\"items\":[\n],\"kind\":\"List\",\"metadata\":{}}", 50},
        {"{\"apiVersion\":\"v1\",\"items\":[{\"kind\":\"Pod\"}],\"kind\":\"List\"}", 0},
        {"{\"type\":\"event\",\"ts\":1,\"kind\":\"k8s\",\"reason\":\"x\"}", 0},
        {"", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_int_equal(K8->probe("x", cases[i].head, strlen(cases[i].head)), cases[i].score);
}

/* ------------------------------------------------ the fast path
 * Watch lines read with raw text (from tokens) or as trees: the same
 * records and errors (stepped over as --skip-bad does). */
static void read_all(const char *text, int raw, aiops_buf *out)
{
    rt_read_all(K8, "w.jsonl", text, strlen(text), raw, 0, 1, out);
}

#define WEV(type, extra) \
    "{\"type\":\"" type "\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Event\",\"count\":3," \
    "\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"api-7d9f8b6c4-x2x9z\",\"namespace\":\"prod\"," \
    "\"uid\":\"u\"},\"lastTimestamp\":\"2024-01-02T03:04:05Z\",\"eventTime\":null,\"message\":" \
    "\"Back-off \\\"x\\\" \\u00e9\",\"metadata\":{\"name\":\"api.17a\",\"namespace\":\"prod\"}," \
    "\"reason\":\"BackOff\",\"type\":\"Warning\",\"source\":{\"component\":\"kubelet\"}" extra "}}\n"

static void test_fast_path(void **state)
{
    (void)state;
    aiops_buf tree = {0}, raw = {0};
    static const char *const docs[] = {
        WEV("ADDED", "") WEV("MODIFIED", ""),
        WEV("ADDED", ",\"x\":1"),                                   /* a member it does not know */
        WEV("ADDED", ",\"reason\":\"Killing\""),                    /* repeated */
        WEV("ADDED", ",\"related\":{\"a\":1,\"a\":2}"),             /* repeated, in a skipped value */
        WEV("DELETED", "") WEV("BOOKMARK", "") WEV("ERROR", "") WEV("ODD", ""),
        WEV("ADDED", ",\"note\":\"n\""),
        WEV("ADDED", ",\"series\":{\"count\":9,\"lastObservedTime\":\"2024-01-02T05:00:00Z\"}"),
        WEV("ADDED", ",\"series\":null"), WEV("ADDED", ",\"series\":\"x\""),
        WEV("ADDED", ",\"series\":{\"count\":\"7\",\"lastObservedTime\":null,\"state\":\"Ongoing\"}"),
        WEV("ADDED", ",\"series\":{\"lastObservedTime\":\"2024-01-02T05:00:00.5Z\"}"),
        WEV("ADDED", ",\"series\":{\"count\":1.5}"), WEV("ADDED", ",\"series\":{\"x\":1}"),
        WEV("ADDED", ",\"series\":{\"count\":2,\"count\":3}"),
        WEV("ADDED", ",\"series\":{\"lastObservedTime\":\"1704164645\"}"),
        WEV("ADDED", ",\"series\":{\"lastObservedTime\":\"never\"}"),
        "{\"type\":\"ADDED\",\"object\":{\"count\":\"7\",\"involvedObject\":{\"kind\":\"Node\","
        "\"name\":\"n1\"},\"firstTimestamp\":\"2024-01-02T03:04:05.5+01:00\",\"reason\":\"Started\"}}\n",
        "{\"type\":\"ADDED\",\"object\":{\"count\":null,\"involvedObject\":{\"kind\":\"Pod\","
        "\"name\":\"db-0\"},\"lastTimestamp\":null,\"eventTime\":\"2024-01-02T03:04:05.123456Z\","
        "\"metadata\":{\"namespace\":\"ns\",\"creationTimestamp\":\"x\"},\"reason\":null}}\n",
        "{\"type\":\"ADDED\",\"object\":{\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"a\"},"
        "\"metadata\":{\"creationTimestamp\":\"2024-01-02T03:04:05Z\"},\"count\":1.5}}\n",
        "{\"type\":\"ADDED\",\"object\":{\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"a\"},"
        "\"metadata\":{\"creationTimestamp\":\"2024-01-02T03:04:05Z\"},\"count\":-0}}\n",
        "{\"type\":\"ADDED\",\"object\":{\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"a\"},"
        "\"lastTimestamp\":\"1704164645\"}}\n",                     /* epoch text */
        "{\"type\":\"ADDED\",\"object\":{\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"a\"},"
        "\"lastTimestamp\":\"yesterday\"}}\n",
        "{\"type\":\"ADDED\",\"object\":{\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"a\"}}}\n",
        "{\"type\":\"ADDED\",\"object\":{\"involvedObject\":{\"kind\":7,\"name\":\"a\"},"
        "\"lastTimestamp\":\"2024-01-02T03:04:05Z\"}}\n",
        "{\"type\":\"ADDED\",\"object\":{\"reason\":\"R\",\"lastTimestamp\":\"2024-01-02T03:04:05Z\"}}\n",
        "{\"object\":{\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"a\"},\"lastTimestamp\":"
        "\"2024-01-02T03:04:05Z\"},\"type\":\"ADDED\"}\n",
        "{\"type\":\"ADDED\",\"object\":{\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"a\"},"
        "\"lastTimestamp\":\"2024-01-02T03:04:05Z\"}} {}\n",
        "{\"type\":\"ADDED\",\"object\":{\"involvedObject\":{\"kind\":\"Pod\",\"name\":\"a\"},"
        "\"lastTimestamp\":\"2024-01-02T03:04:05Z\",\"message\":tru}}\n",
        WEV("ADDED", "") "{\"type\":\"ADDED\",\"object\":{\"message\":\"\xff\"}}\n" WEV("ADDED", ""),
    };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
        read_all(docs[i], 0, &tree);
        read_all(docs[i], 1, &raw);
        if (strcmp(tree.p, raw.p) != 0)
            print_error("input %s\ntree:\n%s\nraw:\n%s\n", docs[i], tree.p, raw.p);
        assert_string_equal(tree.p, raw.p);
    }
    read_all(WEV("ADDED", ""), 1, &raw);
    assert_string_equal(raw.p, "4 1704164645 {\"kind\":"
                               "\"restart\",\"service\":\"api\",\"reason\":\"BackOff\",\"message\":"
                               "\"Back-off \\\"x\\\" \xc3\xa9\",\"object\":\"pod/api-7d9f8b6c4-x2x9z\","
                               "\"namespace\":\"prod\",\"count\":3,\"severity\":\"Warning\"}\n");
    aiops_buf_free(&tree);
    aiops_buf_free(&raw);
}


/* `kubectl get events -o json` and the raw watch stream of a 1.29
 * cluster (the API reference's fields: eventTime null or a MicroTime,
 * series, reportingComponent, source, managedFields, a BOOKMARK and a
 * DELETED notification): read the same both ways. */
static void test_vendor(void **state)
{
    (void)state;
    aiops_buf tree = {0}, raw = {0};
    char *t = rt_fixture("tests/fixtures/k8s-events/vendor-list.json");
    rt_same_both_ways(K8, t, 0, &tree);
    assert_int_equal(rt_count_lines(tree.p), 5);
    /* series.lastObservedTime and series.count win */
    assert_non_null(strstr(tree.p, "4 1704164999.654321 {\"kind\":\"k8s\",\"service\":\"web\","));
    assert_non_null(strstr(tree.p, "\"namespace\":\"shop\",\"count\":5,"));
    free(t);
    t = rt_fixture("tests/fixtures/k8s-events/vendor-watch.jsonl");
    read_all(t, 0, &tree);
    read_all(t, 1, &raw);
    assert_string_equal(tree.p, raw.p);
    assert_int_equal(rt_count_lines(tree.p), 6);
    free(t);
    aiops_buf_free(&tree);
    aiops_buf_free(&raw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list),
        cmocka_unit_test(test_watch),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_fast_path),
        cmocka_unit_test(test_vendor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
