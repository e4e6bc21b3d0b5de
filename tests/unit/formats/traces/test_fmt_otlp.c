/* test_fmt_otlp.c - OTLP/JSON traces. */
#include "rectest.h"

#include "formats/obs.h"

#define OT (&aiops_fmt_otlp)

/* Two requests one after the other (collector file exporter style, here
 * pretty enough to span lines), a Tempo "batches" export last. */
static const char DOC[] =
    "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":"
    "{\"stringValue\":\"checkout\"}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"http\"},\"spans\":[\n"
    "{\"traceId\":\"5B8EFFF798038103D269B633813FC60C\",\"spanId\":\"EEE19B7EC3C1B174\",\"parentSpanId\":"
    "\"\",\"name\":\"POST /checkout\",\"kind\":2,\"startTimeUnixNano\":\"1704164645100000000\","
    "\"endTimeUnixNano\":\"1704164645350000000\",\"attributes\":[{\"key\":\"code\",\"value\":"
    "{\"intValue\":\"502\"}},{\"key\":\"retry\",\"value\":{\"boolValue\":true}},{\"key\":\"ratio\","
    "\"value\":{\"doubleValue\":0.5}},{\"key\":\"tags\",\"value\":{\"arrayValue\":{\"values\":["
    "{\"stringValue\":\"a\"},{\"intValue\":7}]}}},{\"key\":\"kv\",\"value\":{\"kvlistValue\":{\"values\":"
    "[{\"key\":\"x\",\"value\":{\"stringValue\":\"y\"}}]}}},{\"key\":\"empty\",\"value\":{}},{\"key\":"
    "\"raw\",\"value\":{\"bytesValue\":\"AAE=\"}}],\"status\":{\"code\":2,\"message\":\"upstream "
    "failed\"}}\n"
    "]}]},\n"
    "{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"orders-db\"}}]},"
    "\"instrumentationLibrarySpans\":[{\"spans\":[\n"
    "{\"traceId\":\"W47/95gDgQPSabYzgT/GDA==\",\"spanId\":\"ESIzRFVmd4g=\",\"parentSpanId\":"
    "\"AAECAwQFBgc=\",\"name\":\"SELECT\",\"kind\":\"SPAN_KIND_CLIENT\",\"startTimeUnixNano\":"
    "1704164645000000000,\"endTimeUnixNano\":\"1704164645000500000\",\"status\":{\"code\":"
    "\"STATUS_CODE_OK\"}}\n"
    "]}]}]}\n"
    "{\"batches\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":"
    "\"tempo-svc\"}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\","
    "\"spanId\":\"b7ad6b7169203331\",\"name\":\"GET\",\"startTimeUnixNano\":\"1704164646000000001\","
    "\"endTimeUnixNano\":\"1704164646000000001\"}]}]}]}\n";

static void test_doc(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(OT, "traces.json", DOC, &r);
    /* document order (ordered = 0: the reader sorts); hex ids lower-cased
     * and base64 ids (protobuf JSON) converted; AnyValues unwrapped, the
     * empty one left out; kind and status description as attributes */
    RT_EXPECT(&r,
              "span 1704164645.0999999 {\"trace_id\":\"5b8efff798038103d269b633813fc60c\",\"span_id\":"
              "\"eee19b7ec3c1b174\",\"service\":\"checkout\",\"operation\":\"POST /checkout\",\"duratio"
              "n\":0.25,\"error\":true,\"status\":\"error\",\"attributes\":{\"code\":502,\"retry\":true"
              ",\"ratio\":0.5,\"tags\":[\"a\",7],\"kv\":{\"x\":\"y\"},\"raw\":\"AAE=\",\"span.kind\":\""
              "server\",\"otel.status_description\":\"upstream failed\"}}",
              "span 1704164645 {\"trace_id\":\"5b8efff798038103d269b633813fc60c\",\"span_id\":\"1122334"
              "455667788\",\"parent_span_id\":\"0001020304050607\",\"service\":\"orders-db\",\"operatio"
              "n\":\"SELECT\",\"duration\":0.00050000000000000001,\"error\":false,\"status\":\"ok\",\"a"
              "ttributes\":{\"span.kind\":\"client\"}}",
              "span 1704164646 {\"trace_id\":\"0af7651916cd43dd8448eb211c80319c\",\"span_id\":\"b7ad6b7"
              "169203331\",\"service\":\"tempo-svc\",\"operation\":\"GET\",\"duration\":0.0,\"error\":f"
              "alse,\"status\":\"unset\"}");
    assert_int_equal(OT->ordered, 0);
    rt_free(&r);
    rt_parse(OT, "e.json", "{\"resourceSpans\":[]}\n\n", &r);
    RT_EXPECT_NONE(&r);
}

/* Collector files hold one request per line: an error costs one line. */
static void test_lines_continue(void **state)
{
    (void)state;
    static const char text[] =
        "{\"resourceSpans\":[{\"resource\":{\"attributes\":[]},\"scopeSpans\":[]}]}\n"
        "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":"
        "{\"stringValue\":\"a\"}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":\"01\",\"spanId\":\"02\","
        "\"name\":\"n\",\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\"}]}]}]}\n";
    aiops_stream *st = aiops_stream_new_mem("c.jsonl", text, strlen(text), 0, 0);
    aiops_parse_ctx ctx = {.stream = st};
    aiops_err err = {0};
    aiops_record rec = {0};
    void *s = NULL;
    assert_int_equal(OT->open(&s, &ctx, &err), 0);
    assert_int_equal(OT->next(s, &ctx, &rec, &err), AIOPS_EPARSE);
    assert_int_equal(err.line, 1);
    assert_non_null(strstr(err.msg, "resourceSpans[0].resource: expected a resource attribute "
                                    "\"service.name\""));
    /* 16 hex digits for the trace id are fine here; 2 are not */
    assert_int_equal(OT->next(s, &ctx, &rec, &err), AIOPS_EPARSE);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.msg, "traceId: expected a hex (or base64) id of 8 or 16 bytes, got '01'"));
    assert_int_equal(OT->next(s, &ctx, &rec, &err), 0);
    OT->close(s);
    aiops_stream_free(st);
}

static void test_errors(void **state)
{
    (void)state;
    static const char head[] = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":"
                               "\"service.name\",\"value\":{\"stringValue\":\"a\"}}]},\"scopeSpans\":"
                               "[{\"spans\":[\n";
    static const char ok[] = "\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":"
                             "\"b7ad6b7169203331\",\"name\":\"x\"";
    char buf[1200];
    static const struct {
        const char *rest;
        const char *frag;
    } cases[] = {
        {",\"startTimeUnixNano\":\"2\",\"endTimeUnixNano\":\"1\"",
         "spans[0].endTimeUnixNano: expected the end at or after startTimeUnixNano"},
        {",\"startTimeUnixNano\":\"x1\",\"endTimeUnixNano\":\"1\"",
         "spans[0].startTimeUnixNano: expected an integer, got 'x1'"},
        {",\"endTimeUnixNano\":\"1\"", "spans[0]: expected a \"startTimeUnixNano\" member"},
        {",\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\",\"status\":{\"code\":7}",
         "spans[0].status.code: expected a status code 0, 1 or 2 (STATUS_CODE_...)"},
        {",\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\",\"kind\":\"SERVER\"",
         "spans[0].kind: expected a span kind 0-5 (SPAN_KIND_...)"},
        {",\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\",\"attributes\":[{\"key\":\"n\","
         "\"value\":{\"intValue\":\"12x\"}}]",
         "spans[0].attributes[0].value.intValue: expected an integer, got '12x'"},
        {",\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\",\"attributes\":[{\"key\":\"n\","
         "\"value\":{\"stringValue\":5}}]",
         "spans[0].attributes[0].value.stringValue: expected a string, got a number"},
        {",\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\",\"attributes\":[{\"key\":\"n\","
         "\"value\":{\"what\":1}}]",
         "spans[0].attributes[0].value: expected stringValue, intValue, doubleValue"},
        {",\"startTimeUnixNano\":\"1\",\"endTimeUnixNano\":\"2\",\"attributes\":{}",
         "spans[0].attributes: expected an array of {\"key\",\"value\"}, got an object"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(buf, sizeof buf, "%s{%s%s}]}]}]}", head, ok, cases[i].rest);
        rt_expect_err(OT, "e.json", buf, strlen(buf), AIOPS_EPARSE, 2, cases[i].frag);
    }
    RT_ERR(OT, "e.json", "{\"resourceSpans\":{}}", AIOPS_EPARSE, 1,
           "resourceSpans: expected an array, got an object");
    RT_ERR(OT, "e.json", "[]", AIOPS_EPARSE, 1,
           "expected an OTLP/JSON object with \"resourceSpans\", got an array");
}

/* Attribute values nested deeper than 16 AnyValues: an error, no deep
 * recursion. */
static void test_deep_value(void **state)
{
    (void)state;
    char *buf = malloc(8192);
    assert_non_null(buf);
    size_t n = (size_t)snprintf(buf, 8192, "{\"resourceSpans\":[{\"resource\":{\"attributes\":"
                                "[{\"key\":\"service.name\",\"value\":");
    for (int d = 0; d < 40; d++)
        n += (size_t)snprintf(buf + n, 8192 - n, "{\"arrayValue\":{\"values\":[");
    n += (size_t)snprintf(buf + n, 8192 - n, "{\"stringValue\":\"x\"}");
    for (int d = 0; d < 40; d++)
        n += (size_t)snprintf(buf + n, 8192 - n, "]}}");
    snprintf(buf + n, 8192 - n, "}]}}]}");
    rt_expect_err(OT, "d.json", buf, strlen(buf), AIOPS_EPARSE, 1,
                  "attribute values nested deeper than 16");
    free(buf);
}

static void test_probe(void **state)
{
    (void)state;
    static const struct {
        const char *head;
        int score;
    } cases[] = {
        {"{\"resourceSpans\":[{\"resource\":", 95},
        {"{\n  \"batches\": [\n    {\n      \"resource\": {", 90},
        {"{\"batches\":[1,2]}", 0},
        {"{\"resourceLogs\":[]}", 0},
        {"{\"data\":[{\"traceID\":\"a\"}]}", 0},
        {"", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_int_equal(OT->probe("x", cases[i].head, strlen(cases[i].head)), cases[i].score);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doc),        cmocka_unit_test(test_lines_continue),
        cmocka_unit_test(test_errors),     cmocka_unit_test(test_deep_value),
        cmocka_unit_test(test_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
