/* test_fmt_alertmanager.c - Alertmanager webhook payloads and /api/v2/alerts. */
#include "rectest.h"

#include "formats/raw_tree.h"
#include "formats/alerts/alerts.h"

extern const aiops_format aiops_fmt_alertmanager;
#define AM (&aiops_fmt_alertmanager)

static const char PAYLOAD[] =
    "{\n"
    "  \"receiver\": \"aiops\",\n"
    "  \"status\": \"firing\",\n"
    "  \"alerts\": [\n"
    "    {\n"
    "      \"status\": \"firing\",\n"
    "      \"labels\": {\"alertname\": \"HighErrorRate\", \"service\": \"api\", \"severity\": \"critical\"},\n"
    "      \"annotations\": {\"summary\": \"5xx above 5%\"},\n"
    "      \"startsAt\": \"2023-11-14T22:13:20Z\",\n"
    "      \"endsAt\": \"0001-01-01T00:00:00Z\",\n"
    "      \"generatorURL\": \"http://prometheus:9090/graph\",\n"
    "      \"fingerprint\": \"0df005333d9e37c9\"\n"
    "    },\n"
    "    {\n"
    "      \"status\": \"resolved\",\n"
    "      \"labels\": {\"alertname\": \"DiskFull\", \"job\": \"node\", \"instance\": \"db-1\"},\n"
    "      \"annotations\": {},\n"
    "      \"startsAt\": \"2023-11-14T22:00:00.5Z\",\n"
    "      \"endsAt\": \"2023-11-14T23:30:00+01:00\"\n"
    "    }\n"
    "  ],\n"
    "  \"groupLabels\": {}, \"commonLabels\": {}, \"commonAnnotations\": {},\n"
    "  \"externalURL\": \"http://alertmanager:9093\", \"version\": \"4\",\n"
    "  \"groupKey\": \"{}:{}\", \"truncatedAlerts\": 0\n"
    "}\n";

static void test_payload(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(AM, "webhook.json", PAYLOAD, &r);
    /* DiskFull: no fingerprint given, computed like Alertmanager; the
     * +01:00 end is 22:30Z; service from "job". */
    RT_EXPECT(&r,
              "alert 1700000000 {\"name\":\"HighErrorRate\",\"state\":\"firing\",\"start\":1700000000.0,"
              "\"service\":\"api\",\"severity\":\"critical\",\"labels\":{\"alertname\":\"HighErrorRate\","
              "\"service\":\"api\",\"severity\":\"critical\"},\"annotations\":{\"summary\":\"5xx above 5%\"},"
              "\"fingerprint\":\"0df005333d9e37c9\",\"source\":\"alertmanager\"}",
              "alert 1700001000 {\"name\":\"DiskFull\",\"state\":\"resolved\",\"start\":1699999200.5,"
              "\"end\":1700001000.0,\"service\":\"node\",\"labels\":{\"alertname\":\"DiskFull\",\"job\":\"node\","
              "\"instance\":\"db-1\"},\"annotations\":{},\"fingerprint\":\"99b83e786d38fa8a\","
              "\"source\":\"alertmanager\"}");
    rt_free(&r);
}

/* A webhook receiver's log: one payload per line, with repeats. */
static const char NDJSON[] =
    "{\"receiver\":\"r\",\"status\":\"firing\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"Watchdog\"},\"startsAt\":\"2023-11-14T22:13:20Z\",\"endsAt\":\"0001-01-01T00:00:00Z\"}],\"version\":\"4\"}\n"
    "\n"
    "{\"receiver\":\"r\",\"status\":\"firing\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"Watchdog\"},\"startsAt\":\"2023-11-14T22:13:20Z\",\"endsAt\":\"0001-01-01T00:00:00Z\"}],\"version\":\"4\"}\n"
    "{\"receiver\":\"r\",\"status\":\"resolved\",\"alerts\":[{\"status\":\"resolved\",\"labels\":{\"alertname\":\"Watchdog\"},\"startsAt\":\"2023-11-14T22:13:20Z\",\"endsAt\":\"2023-11-14T22:18:20Z\"}],\"version\":\"4\"}\n"
    "{\"receiver\":\"r\",\"status\":\"resolved\",\"alerts\":[{\"status\":\"resolved\",\"labels\":{\"alertname\":\"Watchdog\"},\"startsAt\":\"2023-11-14T22:13:20Z\",\"endsAt\":\"2023-11-14T22:18:20Z\"}],\"version\":\"4\"}\n";

static void test_ndjson_repeats_reported_once(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(AM, "am.ndjson", NDJSON, &r);
    RT_EXPECT(&r,
              "alert 1700000000 {\"name\":\"Watchdog\",\"state\":\"firing\",\"start\":1700000000.0,"
              "\"labels\":{\"alertname\":\"Watchdog\"},\"annotations\":{},"
              "\"fingerprint\":\"003b0a0f7d3fa569\",\"source\":\"alertmanager\"}",
              "alert 1700000300 {\"name\":\"Watchdog\",\"state\":\"resolved\",\"start\":1700000000.0,"
              "\"end\":1700000300.0,\"labels\":{\"alertname\":\"Watchdog\"},\"annotations\":{},"
              "\"fingerprint\":\"003b0a0f7d3fa569\",\"source\":\"alertmanager\"}");
    rt_free(&r);
}

/* The same alert firing again later (a new start) is a new state. */
static void test_refire_is_new(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(AM, "am.ndjson",
             "{\"receiver\":\"r\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\",\"app\":\"web\"},\"startsAt\":1700000000,\"fingerprint\":\"f1\"}]}\n"
             "{\"receiver\":\"r\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\",\"app\":\"web\"},\"startsAt\":1700000600,\"fingerprint\":\"f1\"}]}\n",
             &r);
    RT_EXPECT(&r,
              "alert 1700000000 {\"name\":\"A\",\"state\":\"firing\",\"start\":1700000000.0,\"service\":\"web\","
              "\"labels\":{\"alertname\":\"A\",\"app\":\"web\"},\"annotations\":{},\"fingerprint\":\"f1\","
              "\"source\":\"alertmanager\"}",
              "alert 1700000600 {\"name\":\"A\",\"state\":\"firing\",\"start\":1700000600.0,\"service\":\"web\","
              "\"labels\":{\"alertname\":\"A\",\"app\":\"web\"},\"annotations\":{},\"fingerprint\":\"f1\","
              "\"source\":\"alertmanager\"}");
    rt_free(&r);
}

static const char V2[] =
    "[\n"
    "  {\n"
    "    \"annotations\": {\"description\": \"cart restarts\"},\n"
    "    \"endsAt\": \"2023-11-14T22:20:00.000Z\",\n"
    "    \"fingerprint\": \"92b930812c17aba7\",\n"
    "    \"receivers\": [{\"name\": \"team\"}],\n"
    "    \"startsAt\": \"2023-11-14T22:13:20.250Z\",\n"
    "    \"status\": {\"inhibitedBy\": [], \"silencedBy\": [\"s1\"], \"state\": \"suppressed\"},\n"
    "    \"updatedAt\": \"2023-11-14T22:15:00.000Z\",\n"
    "    \"labels\": {\"alertname\": \"PodCrashLooping\", \"namespace\": \"shop\", \"container\": \"cart\", \"severity\": \"warning\"}\n"
    "  },\n"
    "  {\"labels\": {\"alertname\": \"Watchdog\"}, \"startsAt\": \"2023-11-14T22:00:00Z\",\n"
    "   \"endsAt\": \"2023-11-14T22:40:00Z\", \"status\": {\"state\": \"active\"}}\n"
    "]\n";

static void test_api_v2(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(AM, "alerts.json", V2, &r);
    /* Active alerts: firing, the future endsAt is not an end. */
    RT_EXPECT(&r,
              "alert 1700000000.25 {\"name\":\"PodCrashLooping\",\"state\":\"firing\",\"start\":1700000000.25,"
              "\"service\":\"cart\",\"severity\":\"warning\",\"labels\":{\"alertname\":\"PodCrashLooping\","
              "\"namespace\":\"shop\",\"container\":\"cart\",\"severity\":\"warning\"},"
              "\"annotations\":{\"description\":\"cart restarts\"},\"fingerprint\":\"92b930812c17aba7\","
              "\"source\":\"alertmanager\",\"suppressed\":true}",
              "alert 1699999200 {\"name\":\"Watchdog\",\"state\":\"firing\",\"start\":1699999200.0,"
              "\"labels\":{\"alertname\":\"Watchdog\"},\"annotations\":{},"
              "\"fingerprint\":\"003b0a0f7d3fa569\",\"source\":\"alertmanager\"}");
    rt_free(&r);
}

static void test_empty(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(AM, "empty.json", "", &r);
    RT_EXPECT_NONE(&r);
    rt_parse(AM, "blank.json", " \n\n  \n", &r);
    RT_EXPECT_NONE(&r);
}

static void test_fingerprint_function(void **state)
{
    (void)state;
    char fp[17];
    json_t *l = json_pack("{s:s,s:s,s:s}", "severity", "critical", "service", "api", "alertname",
                          "HighErrorRate");
    aiops_alert_fingerprint(l, fp);
    assert_string_equal(fp, "0df005333d9e37c9");       /* key order does not matter */
    aiops_alert_fingerprint(NULL, fp);
    assert_string_equal(fp, "cbf29ce484222325");       /* FNV-1a offset: no labels */
    assert_string_equal(aiops_alert_service(l), "api");
    json_decref(l);
    l = json_pack("{s:s,s:s,s:s}", "service", "", "container", "c", "job", "j");
    assert_string_equal(aiops_alert_service(l), "c");  /* empty = absent */
    json_decref(l);
}

/* ------------------------------------------------------------ errors */

static void test_errors(void **state)
{
    (void)state;
    /* Truncated: jansson's message at its line. */
    RT_ERR(AM, "t.json", "{\"receiver\":\"r\",\n\"alerts\":[{\"status\":\"firing\",\n", AIOPS_EPARSE, 3,
           "expected an Alertmanager webhook payload or /api/v2/alerts array: ");
    /* A later payload line is broken: its own line number. */
    RT_ERR(AM, "t.ndjson",
           "{\"receiver\":\"r\",\"alerts\":[]}\n{\"receiver\":\"r\",\"alerts\":[}\n", AIOPS_EPARSE, 2,
           "column");
    /* Wrong types are reported at the line of the value, with the path. */
    RT_ERR(AM, "t.json",
           "{\"receiver\":\"r\",\n \"alerts\":[\n  {\"status\":\"firing\",\n   \"labels\":{\"alertname\":\"A\",\n"
           "     \"severity\":3},\n   \"startsAt\":\"2023-11-14T22:13:20Z\"}]}\n",
           AIOPS_EPARSE, 5, "alerts[0].labels.severity: expected a string, got a number");
    RT_ERR(AM, "t.json", "{\"receiver\":\"r\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\"}}]}",
           AIOPS_EPARSE, 1, "alerts[0]: expected field \"startsAt\"");
    RT_ERR(AM, "t.json",
           "{\"receiver\":\"r\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\"},\n"
           "\"startsAt\":\"yesterday\"}]}",
           AIOPS_EPARSE, 2, "alerts[0].startsAt: expected an RFC 3339 time or epoch seconds, got 'yesterday'");
    RT_ERR(AM, "t.json",
           "{\"receiver\":\"r\",\"alerts\":[{\"status\":\"gone\",\"labels\":{\"alertname\":\"A\"},\"startsAt\":1}]}",
           AIOPS_EPARSE, 1, "alerts[0].status: expected \"firing\" or \"resolved\", got 'gone'");
    RT_ERR(AM, "t.json",
           "{\"receiver\":\"r\",\"alerts\":[{\"status\":\"resolved\",\"labels\":{\"alertname\":\"A\"},\"startsAt\":1700000000,\n"
           "\"endsAt\":\"0001-01-01T00:00:00Z\"}]}",
           AIOPS_EPARSE, 1, "alerts[0]: expected \"endsAt\" to be set on a resolved alert");
    RT_ERR(AM, "t.json",
           "{\"receiver\":\"r\",\"alerts\":[{\"status\":\"resolved\",\"labels\":{\"alertname\":\"A\"},\"startsAt\":1700000000,\n"
           "\"endsAt\":1690000000}]}",
           AIOPS_EPARSE, 2, "alerts[0].endsAt: expected \"endsAt\" not before \"startsAt\"");
    RT_ERR(AM, "t.json",
           "{\"receiver\":\"r\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"job\":\"x\"},\"startsAt\":1}]}",
           AIOPS_EPARSE, 1, "alerts[0].labels: expected an \"alertname\" label");
    RT_ERR(AM, "t.json", "{\"receiver\":\"r\",\"alerts\":{}}", AIOPS_EPARSE, 1,
           "alerts: expected an array of alerts, got an object");
    RT_ERR(AM, "t.json", "{\"receiver\":\"r\"}\n", AIOPS_EPARSE, 1, "an object with \"alerts\"");
    RT_ERR(AM, "t.json", "[1]", AIOPS_EPARSE, 1, "[0]: expected an alert object, got a number");
    RT_ERR(AM, "t.json", "[{\"labels\":{\"alertname\":\"A\"},\"startsAt\":1,\"status\":\"active\"}]",
           AIOPS_EPARSE, 1, "[0].status: expected an object with \"state\", got a string");
    RT_ERR(AM, "t.json", "[{\"labels\":{\"alertname\":\"A\"},\"startsAt\":1,\"status\":{\"state\":\"odd\"}}]",
           AIOPS_EPARSE, 1, "[0].status.state: expected \"active\", \"suppressed\" or \"unprocessed\"");
    RT_ERR(AM, "t.json", "{\"receiver\":\"r\",\"alerts\":[]} trailing", AIOPS_EPARSE, 1,
           "expected a JSON object or array, got 'trailing'");
    /* Invalid UTF-8 inside a string. */
    RT_ERR(AM, "t.json", "{\"receiver\":\"r\",\n\"alerts\":[{\"labels\":{\"alertname\":\"\xff\"}}]}",
           AIOPS_EPARSE, 2, "unable to decode byte 0xff");
}

static void test_deep_and_huge(void **state)
{
    (void)state;
    /* Deep nesting: jansson's depth limit, reported, no crash. */
    size_t depth = 100000;
    char *deep = malloc(2 * depth + 1);
    assert_non_null(deep);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    deep[2 * depth] = '\0';
    rt_run r;
    rt_parse(AM, "deep.json", deep, &r);
    assert_int_equal(r.rc, AIOPS_EPARSE);
    assert_non_null(strstr(r.err.msg, "depth"));
    rt_free(&r);
    free(deep);
    /* A 2 MB annotation is fine. */
    size_t big = 2u << 20;
    const char *pre = "{\"receiver\":\"r\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\"},"
                      "\"startsAt\":1700000000,\"annotations\":{\"d\":\"";
    const char *post = "\"}}]}\n";
    char *text = malloc(strlen(pre) + big + strlen(post) + 1);
    assert_non_null(text);
    strcpy(text, pre);
    memset(text + strlen(pre), 'x', big);
    strcpy(text + strlen(pre) + big, post);
    rt_parse(AM, "big.json", text, &r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 1);
    assert_true(strlen(r.line[0]) > big);
    rt_free(&r);
    free(text);
}

/* ------------------------------------------------------------- probe */


/* Payloads as Alertmanager (v0.27, kube-prometheus rules) and Grafana's
 * webhook contact point send them, and a /api/v2/alerts dump with a
 * silenced alert (the vendors' documented fields): read the same both
 * ways, every alert state once. */
static void test_vendor(void **state)
{
    (void)state;
    aiops_buf tree = {0};
    char *t = rt_fixture("tests/fixtures/alertmanager/vendor-webhook.ndjson");
    rt_same_both_ways(AM, t, 0, &tree);
    assert_int_equal(rt_count_lines(tree.p), 5);
    assert_non_null(strstr(tree.p, "\"state\":\"resolved\",\"start\":1704164645.1234567,"
                                   "\"end\":1704165545.1234567,\"service\":\"payments\""));
    free(t);
    t = rt_fixture("tests/fixtures/alertmanager/vendor-api-v2.json");
    rt_same_both_ways(AM, t, 0, &tree);
    assert_int_equal(rt_count_lines(tree.p), 2);
    assert_non_null(strstr(tree.p, "\"source\":\"alertmanager\",\"suppressed\":true}"));
    free(t);
    aiops_buf_free(&tree);
}

/* Raw text read as it streams, lines capped at `max_line` (0: the
 * default), the window of alert_list.c across the stream's reads and the
 * slurp of the rest when a document needs the tree: what the tree read
 * gave. */
static void same_in_pieces(const char *text, size_t max_line, const char *want)
{
    aiops_stream *st = aiops_stream_new_mem("t.json", text, strlen(text), max_line, 0);
    aiops_series_table *tab = aiops_series_table_new();
    aiops_parse_ctx ctx = {.stream = st, .series = tab, .raw_text = 1};
    aiops_buf out = {0};
    aiops_err err = {0};
    void *state = NULL;
    int rc = AM->open(&state, &ctx, &err);
    aiops_buf_put(&out, "", 0);
    for (int i = 0; rc == 0 && i < 1000; i++) {
        aiops_record r = {0};
        ctx.resumable = 0;
        int got = AM->next(state, &ctx, &r, &err);
        if (got == 0)
            break;
        if (got < 0) {
            aiops_buf_printf(&out, "ERR %d %ld: %s\n", got, err.line, err.msg);
            if (!ctx.resumable)
                break;
            continue;
        }
        aiops_buf_printf(&out, "%d %.17g ", (int)r.type, r.ts);
        aiops_buf_json(&out, aiops_record_json(&r, NULL));
        aiops_buf_put(&out, "\n", 1);
        aiops_record_clear(&r);
    }
    if (rc < 0)
        aiops_buf_printf(&out, "OPEN %d %ld: %s\n", rc, err.line, err.msg);
    if (strcmp(out.p, want) != 0)
        print_error("input %.2000s\ntree:\n%.3000s\nstreamed:\n%.3000s\n", text, want, out.p);
    assert_string_equal(out.p, want);
    if (state)
        AM->close(state);
    aiops_series_table_free(tab);
    aiops_stream_free(st);
    aiops_buf_free(&out);
}

/* Raw-text reads go through the token fast path (alert_tok.c): the same
 * records and the same errors as the tree, whatever the input. */
#define AL(extra) "{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\",\"service\":\"api\"}," \
    "\"startsAt\":\"2024-01-02T03:04:05.5Z\",\"endsAt\":\"0001-01-01T00:00:00Z\"" extra "}"
#define WH(alerts) "{\"receiver\":\"r\",\"status\":\"firing\",\"alerts\":[" alerts "]," \
    "\"groupLabels\":{\"alertname\":\"A\"},\"version\":\"4\",\"truncatedAlerts\":0}\n"
#define V2(extra) "{\"labels\":{\"alertname\":\"B\",\"job\":\"node\"},\"annotations\":{}," \
    "\"startsAt\":\"2024-01-02T03:04:05Z\",\"endsAt\":\"2024-01-02T03:09:05Z\"," \
    "\"fingerprint\":\"f\",\"receivers\":[{\"name\":\"r\"}],\"updatedAt\":\"x\"" extra "}"

static void test_fast_path(void **state)
{
    (void)state;
    aiops_buf tree = {0};
    static const char *const docs[] = {
        PAYLOAD,
        NDJSON,
        WH(AL("")) WH(AL("")) WH(AL(",\"fingerprint\":\"x\"")),
        WH(AL("") "," AL("")),                                         /* a repeat in one payload */
        WH(AL(",\"generatorURL\":\"u\",\"silenceURL\":\"s\",\"values\":{\"B\":44.2,\"C\":1},"
              "\"valueString\":\"[ x ]\",\"orgId\":1,\"dashboardURL\":\"\"")),
        WH(""), "[]", "[]\n[ ]\n{\"alerts\":[]}",
        WH("{\"status\":\"resolved\",\"labels\":{\"alertname\":\"R\"},\"startsAt\":\"2024-01-02T03:04:05Z\","
           "\"endsAt\":\"2024-01-02T04:04:05+01:00\"}"),
        WH("{\"status\":\"resolved\",\"labels\":{\"alertname\":\"R\"},\"startsAt\":\"2024-01-02T03:04:05Z\","
           "\"endsAt\":\"2024-01-02T03:04:04Z\"}"),                    /* ends before it starts */
        WH("{\"status\":\"resolved\",\"labels\":{\"alertname\":\"R\"},\"startsAt\":\"2024-01-02T03:04:05Z\","
           "\"endsAt\":\"0001-01-01T00:00:00Z\"}"),
        WH("{\"status\":\"resolved\",\"labels\":{\"alertname\":\"R\"},\"startsAt\":\"2024-01-02T03:04:05Z\","
           "\"endsAt\":null}"),
        WH("{\"status\":\"resolved\",\"labels\":{\"alertname\":\"R\"},\"startsAt\":\"2024-01-02T03:04:05Z\"}"),
        WH("{\"status\":\"pending\",\"labels\":{\"alertname\":\"R\"},\"startsAt\":\"2024-01-02T03:04:05Z\"}"),
        WH("{\"labels\":{\"alertname\":\"R\"},\"startsAt\":\"2024-01-02T03:04:05Z\"}"),   /* no status */
        WH("{\"status\":null,\"labels\":{\"alertname\":\"R\"},\"startsAt\":\"2024-01-02T03:04:05Z\"}"),
        WH(AL(",\"status\":\"firing\"")),                              /* repeated member */
        "{\"alerts\":[],\"alerts\":[]}",
        WH(AL(",\"values\":{\"B\":1,\"B\":2}")),                       /* repeated, in a skipped value */
        WH("{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\",\"alertname\":\"B\"},"
           "\"startsAt\":\"2024-01-02T03:04:05Z\"}"),
        WH("{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\",\"n\":1},"
           "\"startsAt\":\"2024-01-02T03:04:05Z\"}"),
        WH("{\"status\":\"firing\",\"labels\":{\"alertname\":\"\"},\"startsAt\":\"2024-01-02T03:04:05Z\"}"),
        WH("{\"status\":\"firing\",\"labels\":{\"job\":\"x\"},\"startsAt\":\"2024-01-02T03:04:05Z\"}"),
        WH("{\"status\":\"firing\",\"labels\":null,\"startsAt\":\"2024-01-02T03:04:05Z\"}"),
        WH("{\"status\":\"firing\",\"startsAt\":\"2024-01-02T03:04:05Z\"}"),
        WH("{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\"},\"startsAt\":1704164645}"),
        WH("{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\"},\"startsAt\":\"1704164645123\"}"),
        WH("{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\"},\"startsAt\":\"soon\"}"),
        WH("{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\"},\"startsAt\":null}"),
        WH("{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\"},\"startsAt\":\"2024-01-02T03:04:05Z\","
           "\"endsAt\":\"later\"}"),
        WH("{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\"},\"startsAt\":\"2024-01-02T03:04:05Z\","
           "\"endsAt\":7}"),
        WH(AL(",\"fingerprint\":null")), WH(AL(",\"fingerprint\":7")),
        WH(AL(",\"annotations\":null")), WH(AL(",\"annotations\":[]")),
        WH(AL(",\"annotations\":{\"a\":\"x\",\"b\":2}")),
        WH(AL(",\"annotations\":{\"summary\":\"tab\\t \\\"q\\\" \\u00e9 \\u2028 \\/ \\u001f\"}")),
        WH("{\"status\":\"firing\",\"labels\":{\"zz\":\"1\",\"alertname\":\"A\",\"job\":\"j\","
           "\"app\":\"\",\"service_name\":\"sn\",\"severity\":\"\",\"k\\u00e9\":\"v\\n\"},"
           "\"startsAt\":\"2024-01-02T03:04:05Z\"}"),
        WH("{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\",\"a1\":\"1\",\"a2\":\"2\",\"a3\":\"3\","
           "\"a4\":\"4\",\"a5\":\"5\",\"a6\":\"6\",\"a7\":\"7\",\"a8\":\"8\",\"a9\":\"9\",\"b1\":\"1\","
           "\"b2\":\"2\",\"b3\":\"3\",\"b4\":\"4\",\"b5\":\"5\",\"b6\":\"6\",\"b7\":\"7\",\"b8\":\"8\"},"
           "\"startsAt\":\"2024-01-02T03:04:05Z\"}"),                   /* more than 16 labels */
        WH(AL(",\"a_member_name_longer_than_forty_eight_bytes_xxxxxxxxx\":1")),
        "{\"alerts\":{}}", "{\"alerts\":null}", "{\"receiver\":\"r\"}", "{\"alerts\":[1]}",
        AL(""),                                                        /* one alert alone */
        "{\"labels\":{\"alertname\":\"B\"},\"startsAt\":\"2024-01-02T03:04:05Z\",\"status\":{}}",
        "[" V2("") "," V2(",\"status\":{\"state\":\"suppressed\",\"silencedBy\":[\"s\"],"
                           "\"inhibitedBy\":[],\"mutedBy\":[]}") "]",
        "[" V2(",\"status\":{\"state\":\"active\"}") "," V2(",\"status\":{\"state\":\"unprocessed\"}")
        "," V2(",\"status\":null") "," V2(",\"status\":{\"state\":null}") "]",
        "[" V2(",\"status\":{\"state\":\"gone\"}") "]", "[" V2(",\"status\":{\"state\":1}") "]",
        "[" V2(",\"status\":\"firing\"") "]", "[" V2(",\"status\":{\"state\":\"active\",\"state\":\"x\"}") "]",
        "[" V2("") "] x", "[" V2("") ",]", WH(AL("")) "{\"alerts\":[" AL(",\"labels\":tru") "]}",
        WH(AL("")) "\n\n{\n \"alerts\": [\n  " AL("") ",\n  {\"status\": 3}\n ]\n}\n" WH(AL("")),
        "{\n  \"alerts\": [\n" AL("") "\n]\n}\n\n{\"alerts\":[{\"status\":\"x\"}]}\n",
        WH(AL("")) "{\"alerts\":[" AL(",\"x\":\"\xff\"") "]}\n" WH(AL("")),
        WH(AL("")) WH(AL("")) "{\"alerts\":[]} {\"alerts\":[" AL(",\"status\":\"resolved\"") "]}",
        "\xef\xbb\xbf" WH(AL("")),
    };
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
        rt_same_both_ways(AM, docs[i], 0, &tree);
        same_in_pieces(docs[i], 0, tree.p);
    }
    /* Entries longer than the stream's reads (4 KiB and up) and than the
     * window's 64 KiB: documents across reads, the window moved down, and
     * a document needing the tree far into the entry (its line counted
     * across all the documents before it). */
    aiops_buf big = {0};
    for (int round = 0; round < 3; round++) {
        big.n = 0;
        for (int i = 0; i < 900; i++) {
            aiops_buf_printf(&big, "{\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":"
                                   "\"A%d\",\"pad\":\"%0*d\"},\"startsAt\":\"2024-01-02T03:04:05Z\"}]}%s",
                             i % 7, 40 + i % 300, i, i % 3 ? "\n" : "\n\n  ");
            if (round == 1 && i == 850)
                aiops_buf_str(&big, AL("") "\n");                          /* one alert alone */
            if (round == 2 && i == 700)
                aiops_buf_str(&big, "{\"alerts\":[{\"status\":\"x\"}]}\n");
        }
        if (round == 2)
            aiops_buf_str(&big, "{\"alerts\":[");                            /* cut off */
        rt_same_both_ways(AM, big.p, 0, &tree);
        same_in_pieces(big.p, 0, tree.p);
    }
    aiops_buf_free(&big);
    /* a record read from tokens, as the writer prints it */
    aiops_buf raw = {0};
    rt_read_all(AM, "t.json", docs[4], strlen(docs[4]), 1, 0, 0, &raw);
    assert_string_equal(raw.p, "5 1704164645.5 {\"name\":\"A\",\"state\":\"firing\",\"start\":1704164645.5,"
                               "\"service\":\"api\",\"labels\":{\"alertname\":\"A\",\"service\":\"api\"},"
                               "\"annotations\":{},\"fingerprint\":\"2abbcc8147e3f7ae\","
                               "\"source\":\"alertmanager\"}\n");
    aiops_buf_free(&raw);
    aiops_buf_free(&tree);
}

static void test_probe(void **state)
{
    (void)state;
    assert_int_equal(AM->probe("x.json", PAYLOAD, strlen(PAYLOAD)), 95);
    assert_int_equal(AM->probe("x.json", NDJSON, strlen(NDJSON)), 95);
    assert_int_equal(AM->probe("x.json", V2, strlen(V2)), 95);
    /* one alert object (a Kafka message of an alert bridge) */
    const char *one = "{\"status\":\"firing\",\"labels\":{\"a\":\"b\"},\"startsAt\":\"x\"}";
    assert_int_equal(AM->probe("x.json", one, strlen(one)), 95);
    static const char *const no[] = {
        "{\"type\":\"alert\",\"ts\":1,\"name\":\"A\",\"alerts\":[]}\n",
        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}",
        "{\"status\":\"success\",\"data\":{\"alerts\":[{\"labels\":{},\"state\":\"firing\",\"activeAt\":\"x\"}]}}",
        "{\"metric\":{\"__name__\":\"up\"},\"values\":[1],\"timestamps\":[1]}\n",
        "{\"alerts\":[{\"id\":\"Q1\",\"type\":\"alert\",\"alert_key\":\"k\",\"created_at\":\"x\"}]}",
        "{\"data\":[{\"id\":\"1\",\"tinyId\":\"2\",\"message\":\"m\"}]}",
        "1700000000\tup\t1\n",
        "ts,value\n1,2\n",
        "",
        "\xff\xfe{{{{\"",
    };
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_int_equal(AM->probe("x.json", no[i], strlen(no[i])), 0);
    /* A head cut inside a string does not read past its end. */
    assert_int_equal(AM->probe("x.json", "{\"receiver\":\"r\",\"alerts\":[{\"sta", 32), 95);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_payload),
        cmocka_unit_test(test_ndjson_repeats_reported_once),
        cmocka_unit_test(test_refire_is_new),
        cmocka_unit_test(test_api_v2),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_fingerprint_function),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_deep_and_huge),
        cmocka_unit_test(test_probe),
        cmocka_unit_test(test_fast_path),
        cmocka_unit_test(test_vendor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
