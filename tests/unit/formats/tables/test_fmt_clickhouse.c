/* test_fmt_clickhouse.c - ClickHouse JSONEachRow / TSVWithNames exports. */
#include "formats/tables/tabletest.h"

extern const aiops_format aiops_fmt_clickhouse;
#define CH (&aiops_fmt_clickhouse)

static void parse_map(const char *name, const char *text, const char *map, rt_run *r)
{
    tt_parse_map(CH, name, text, map, r);
}

/* otel_logs, as `SELECT * FROM otel_logs FORMAT JSONEachRow` writes it. */
static const char OTEL_LOGS[] =
    "{\"Timestamp\":\"2024-01-02 03:04:05.125000000\",\"TimestampTime\":\"2024-01-02 03:04:05\","
    "\"TraceId\":\"5b8efff798038103d269b633813fc60c\",\"SpanId\":\"eee19b7ec3c1b174\",\"TraceFlags\":1,"
    "\"SeverityText\":\"ERROR\",\"SeverityNumber\":17,\"ServiceName\":\"checkout\",\"Body\":\"payment failed\","
    "\"ResourceSchemaUrl\":\"\",\"ResourceAttributes\":{\"service.name\":\"checkout\",\"k8s.pod.name\":\"checkout-7d9f\"},"
    "\"ScopeSchemaUrl\":\"\",\"ScopeName\":\"\",\"ScopeVersion\":\"\",\"ScopeAttributes\":{},"
    "\"LogAttributes\":{\"order.id\":\"42\"}}\n"
    "{\"Timestamp\":\"2024-01-02 03:04:04.5\",\"TimestampTime\":\"2024-01-02 03:04:04\",\"TraceId\":\"\",\"SpanId\":\"\","
    "\"TraceFlags\":0,\"SeverityText\":\"Information\",\"SeverityNumber\":9,\"ServiceName\":\"cart\",\"Body\":\"GET /cart 200\","
    "\"ResourceSchemaUrl\":\"\",\"ResourceAttributes\":{},\"ScopeSchemaUrl\":\"\",\"ScopeName\":\"\",\"ScopeVersion\":\"\","
    "\"ScopeAttributes\":{},\"LogAttributes\":{}}\n";

static void test_otel_logs(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(CH, "otel_logs.jsonl", OTEL_LOGS, &r);
    RT_EXPECT(&r,
              "log 1704164645.125 {\"service\":\"checkout\",\"level\":\"error\",\"message\":\"payment failed\","
              "\"labels\":{\"service.name\":\"checkout\",\"k8s.pod.name\":\"checkout-7d9f\",\"order.id\":\"42\"},"
              "\"trace_id\":\"5b8efff798038103d269b633813fc60c\",\"span_id\":\"eee19b7ec3c1b174\"}",
              "log 1704164644.5 {\"service\":\"cart\",\"level\":\"info\",\"message\":\"GET /cart 200\"}");
    rt_free(&r);
}

/* otel_traces as TSVWithNamesAndTypes. */
static const char OTEL_TRACES[] =
    "Timestamp\tTraceId\tSpanId\tParentSpanId\tTraceState\tSpanName\tSpanKind\tServiceName\tResourceAttributes\t"
    "SpanAttributes\tDuration\tStatusCode\tStatusMessage\n"
    "DateTime64(9)\tString\tString\tString\tString\tLowCardinality(String)\tLowCardinality(String)\t"
    "LowCardinality(String)\tMap(LowCardinality(String), String)\tMap(LowCardinality(String), String)\tUInt64\t"
    "LowCardinality(String)\tString\n"
    "2024-01-02 03:04:05.250000000\t5b8efff798038103d269b633813fc60c\teee19b7ec3c1b174\t\t\tGET /cart\t"
    "Server\tcart\t{'service.name':'cart'}\t{'http.method':'GET','http.status_code':'500','note':'it\\\\'s'}\t"
    "12500000\tError\tboom\n"
    "2024-01-02 03:04:05.255000000\t5b8efff798038103d269b633813fc60c\t11aa22bb33cc44dd\teee19b7ec3c1b174\t\t"
    "SELECT\\tcarts\tClient\tcart\t{}\t{}\t2000000\tUnset\t\n";

static void test_otel_traces_tsv(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(CH, "otel_traces.tsv", OTEL_TRACES, &r);
    RT_EXPECT(&r,
              "span 1704164645.25 {\"trace_id\":\"5b8efff798038103d269b633813fc60c\",\"span_id\":\"eee19b7ec3c1b174\","
              "\"service\":\"cart\",\"operation\":\"GET /cart\",\"duration\":0.012500000000000001,\"error\":true,"
              "\"status\":\"Error\",\"attributes\":{\"http.method\":\"GET\",\"http.status_code\":\"500\","
              "\"note\":\"it's\"}}",
              "span 1704164645.2550001 {\"trace_id\":\"5b8efff798038103d269b633813fc60c\",\"span_id\":\"11aa22bb33cc44dd\","
              "\"parent_span_id\":\"eee19b7ec3c1b174\",\"service\":\"cart\",\"operation\":\"SELECT\\tcarts\","
              "\"duration\":0.002,\"error\":false,\"status\":\"Unset\"}");
    rt_free(&r);
}

static void test_otel_metrics(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(CH, "gauge.jsonl",
             "{\"ResourceAttributes\":{\"service.name\":\"cart\"},\"ResourceSchemaUrl\":\"\",\"ScopeName\":\"x\","
             "\"ServiceName\":\"cart\",\"MetricName\":\"http.server.active_requests\",\"MetricDescription\":\"\","
             "\"MetricUnit\":\"1\",\"Attributes\":{\"http.method\":\"GET\"},\"StartTimeUnix\":\"2024-01-02 03:00:00.000000000\","
             "\"TimeUnix\":\"2024-01-02 03:04:05.000000000\",\"Value\":3,\"Flags\":0}\n"
             "{\"ResourceAttributes\":{},\"ServiceName\":\"\",\"MetricName\":\"queue.depth\",\"Attributes\":{},"
             "\"TimeUnix\":\"1704164700\",\"Value\":null}\n",
             &r);
    RT_EXPECT(&r, "sample 1704164645 http_server_active_requests{http_method=\"GET\",service=\"cart\"} 3",
              "sample 1704164700 queue_depth nan");
    rt_free(&r);
}

/* Other tables: names found by their usual spelling, the other columns
 * become labels; --map names the rest. */
static void test_generic(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(CH, "m.tsv",
             "event_time\tmetric\thost\tval\n"
             "2024-01-02 03:04:05\tnode_load1\tdb-1\t0.5\n"
             "2024-01-02 03:04:20\tnode_load1\t\\N\tnan\n",
             &r);
    RT_EXPECT(&r, "sample 1704164645 node_load1{host=\"db-1\"} 0.5", "sample 1704164660 node_load1 nan");
    rt_free(&r);
    parse_map("m.tsv", "when\tm\tv\tregion\n1704164645\tcpu\t7\teu\n", "ts=when,name=m,value=v", &r);
    RT_EXPECT(&r, "sample 1704164645 cpu{region=\"eu\"} 7");
    rt_free(&r);
    parse_map("m.jsonl", "{\"t\":1704164645000,\"s\":\"up{job=\\\"api\\\"}\",\"x\":\"1\"}\n",
              "ts=t,series=s,value=x", &r);
    RT_EXPECT(&r, "sample 1704164645 up{job=\"api\"} 1");
    rt_free(&r);
    rt_parse(CH, "l.jsonl",
             "{\"time\":1704164645,\"level\":\"warning\",\"msg\":\"disk slow\",\"host\":\"db-1\",\"app\":\"pg\",\"n\":3}\n",
             &r);
    RT_EXPECT(&r, "log 1704164645 {\"service\":\"pg\",\"level\":\"warn\",\"message\":\"disk slow\","
                  "\"labels\":{\"host\":\"db-1\",\"n\":\"3\"}}");
    rt_free(&r);
    parse_map("s.tsv", "ts\ttid\tsid\top\tdur_ms\tsvc\n1704164645\ta1\tb2\tGET\t250\tapi\n",
              "trace_id=tid,span_id=sid,operation=op,duration=dur_ms:ms,service=svc", &r);
    RT_EXPECT(&r, "span 1704164645 {\"trace_id\":\"a1\",\"span_id\":\"b2\",\"service\":\"api\","
                  "\"operation\":\"GET\",\"duration\":0.25}");
    rt_free(&r);
    rt_parse(CH, "empty.tsv", "", &r);
    RT_EXPECT_NONE(&r);
    rt_parse(CH, "header.tsv", "ts\tvalue\tname\n", &r);
    RT_EXPECT_NONE(&r);
}

static void map_err(const char *text, const char *map, int code, long line, const char *frag)
{
    tt_map_err(CH, "e.tsv", text, map, code, line, frag);
}

static void test_errors(void **state)
{
    (void)state;
    map_err("ts\tv\n", "when=ts", AIOPS_EINVAL, 0, "--map: unknown role 'when'");
    map_err("ts\tv\n", "value", AIOPS_EINVAL, 0, "--map: expected ROLE=COLUMN, got 'value'");
    map_err("ts\tv\n", "type=metric", AIOPS_EINVAL, 0, "expected type=sample, log or span, got 'metric'");
    map_err("ts\tv\n", "duration=d:h", AIOPS_EINVAL, 0, "expected a duration unit s, ms, us or ns, got 'h'");
    map_err("ts\tv\tn\n", "value=val,name=n", AIOPS_EPARSE, 1, "expected a column 'val' (--map value), not in the header");
    RT_ERR(CH, "e.tsv", "ts\thost\n1\ta\n", AIOPS_EPARSE, 1,
           "expected a value, message or trace/span id column");
    RT_ERR(CH, "e.tsv", "ts\tmessage\tlevel\n1\tok\tinfo\n\nnoon\tx\tinfo\n", AIOPS_EPARSE, 4,
           "column 'ts': expected a time like 2024-01-02 03:04:05.123 or epoch seconds, got 'noon'");
    RT_ERR(CH, "e.tsv", "ts\tvalue\tname\n1\tx\tm\n", AIOPS_EPARSE, 2, "column 'value': expected a number, got 'x'");
    RT_ERR(CH, "e.tsv", "ts\tvalue\tname\n1\t2\n", AIOPS_EPARSE, 2,
           "expected 3 tab-separated fields (as the header), got 2");
    RT_ERR(CH, "e.tsv", "ts\tvalue\tlabels\n1\t2\t{'a':'b'\n", AIOPS_EPARSE, 2,
           "column 'labels': expected a map like {'key':'value'}, got '{'a':'b''");
    RT_ERR(CH, "e.tsv", "ts\tmessage\n1\tbad \xff byte\n", AIOPS_EPARSE, 2,
           "column 'message': expected UTF-8 text, got invalid bytes");
    RT_ERR(CH, "e.tsv", "ts\tvalue\tseries\n1\t2\tup{a=}\n", AIOPS_EPARSE, 2, "expected");
    RT_ERR(CH, "e.jsonl", "{\"ts\":1,\"value\":2,\"name\":\"m\"}\n[1]\n", AIOPS_EPARSE, 2,
           "expected a JSONEachRow row object");
    RT_ERR(CH, "e.jsonl", "{\"ts\":1,\"value\":2,\"name\":\"m\"}\n{\"ts\":1,\n", AIOPS_EPARSE, 2,
           "expected a JSONEachRow row: ");
    RT_ERR(CH, "e.jsonl", "{\"ts\":1,\"value\":{},\"name\":\"m\"}\n", AIOPS_EPARSE, 1,
           "column 'value': expected a number, got an object");
    RT_ERR(CH, "e.jsonl", "{\"ts\":1,\"value\":1,\"name\":[\"m\"]}\n", AIOPS_EPARSE, 1,
           "column 'name': expected text, got an array");
    RT_ERR(CH, "e.jsonl", "{\"Timestamp\":1,\"TraceId\":\"\",\"SpanId\":\"b\",\"SpanName\":\"x\",\"Duration\":5}\n",
           AIOPS_EPARSE, 1, "column 'TraceId': expected a trace id, got nothing");
    RT_ERR(CH, "e.jsonl", "{\"Timestamp\":1,\"TraceId\":\"a\",\"SpanId\":\"b\",\"SpanName\":\"x\",\"Duration\":-5}\n",
           AIOPS_EPARSE, 1, "column 'Duration': expected a duration >= 0, got -5");
    RT_ERR(CH, "e.jsonl", "{\"Timestamp\":1,\"Body\":null}\n", AIOPS_EPARSE, 1,
           "column 'Body': expected a log message, got null");
}

static void test_probe(void **state)
{
    (void)state;
    assert_int_equal(CH->probe("x.jsonl", OTEL_LOGS, strlen(OTEL_LOGS)), 88);
    assert_int_equal(CH->probe("x", OTEL_TRACES, strlen(OTEL_TRACES)), 88);
    assert_int_equal(CH->probe("x.tsv", OTEL_TRACES, strlen(OTEL_TRACES)), 93);
    const char *g = "event_time\tmetric\tval\n";
    assert_int_equal(CH->probe("x", g, strlen(g)), 60);
    const char *w = "when\tsensor\treading\n";
    assert_int_equal(CH->probe("x", w, strlen(w)), 20);
    const char *j = "{\"event_time\":\"2024-01-02 03:04:05\",\"value\":1}\n";
    assert_int_equal(CH->probe("x", j, strlen(j)), 25);
    static const char *const no[] = {
        "{\"type\":\"sample\",\"ts\":1,\"name\":\"up\",\"labels\":{},\"value\":1}\n",
        "1700000000\tup{job=\"a\"}\t1\n",
        "2024-01-02T03:04:05Z\tup\t1\n",
        "{\"metric\":{\"__name__\":\"up\"},\"values\":[1],\"timestamps\":[1]}\n",
        "{\"topic\":\"t\",\"partition\":0,\"offset\":1,\"ts\":1,\"payload\":\"x\"}\n",
        "timestamp,value\n1,2\n",
        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}",
        "# HELP up x\n",
        "a b\tc\n",
        "when\n",
        "",
    };
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_int_equal(CH->probe("x", no[i], strlen(no[i])), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_otel_logs),
        cmocka_unit_test(test_otel_traces_tsv),
        cmocka_unit_test(test_otel_metrics),
        cmocka_unit_test(test_generic),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
