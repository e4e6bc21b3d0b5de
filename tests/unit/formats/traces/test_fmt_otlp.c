/* test_fmt_otlp.c - OTLP/JSON traces. */
#include "formats/raw_tree.h"

#include "formats/obs.h"
#include "formats/traces/vendor.h"

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
    /* time order (ordered = 1: the document streams and the format sorts,
     * equal times in document order); hex ids lower-cased
     * and base64 ids (protobuf JSON) converted; AnyValues unwrapped, the
     * empty one left out; kind and status description as attributes */
    RT_EXPECT(&r,
              "span 1704164645 {\"trace_id\":\"5b8efff798038103d269b633813fc60c\",\"span_id\":\"1122334"
              "455667788\",\"parent_span_id\":\"0001020304050607\",\"service\":\"orders-db\",\"operatio"
              "n\":\"SELECT\",\"duration\":0.00050000000000000001,\"error\":false,\"status\":\"ok\",\"a"
              "ttributes\":{\"span.kind\":\"client\"}}",
              "span 1704164645.0999999 {\"trace_id\":\"5b8efff798038103d269b633813fc60c\",\"span_id\":"
              "\"eee19b7ec3c1b174\",\"service\":\"checkout\",\"operation\":\"POST /checkout\",\"duratio"
              "n\":0.25,\"error\":true,\"status\":\"error\",\"attributes\":{\"code\":502,\"retry\":true"
              ",\"ratio\":0.5,\"tags\":[\"a\",7],\"kv\":{\"x\":\"y\"},\"raw\":\"AAE=\",\"span.kind\":\""
              "server\",\"otel.status_description\":\"upstream failed\"}}",
              "span 1704164646 {\"trace_id\":\"0af7651916cd43dd8448eb211c80319c\",\"span_id\":\"b7ad6b7"
              "169203331\",\"service\":\"tempo-svc\",\"operation\":\"GET\",\"duration\":0.0,\"error\":f"
              "alse,\"status\":\"unset\"}");
    assert_int_equal(OT->ordered, 1);
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
    /* the second line (2 hex digits for the trace id) is left out too:
     * one resumable error per line left out, each with the first's
     * message (the lines are read at open, and sorted) */
    assert_int_equal(OT->next(s, &ctx, &rec, &err), AIOPS_EPARSE);
    assert_int_equal(err.line, 1);
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

/* ------------------------------------------------ the fast path
 * Records as the writer prints them, and the errors (stepped over as
 * --skip-bad does), read with raw text (the token path) or as trees. */

static void same_both_ways(const char *text, size_t max_doc, aiops_buf *tree)
{
    rt_same_both_ways(OT, text, max_doc, tree);
}

#define OSPAN(extra) \
    "{\"traceId\":\"5B8EFFF798038103D269B633813FC60C\",\"spanId\":\"ESIzRFVmd4g=\",\"parentSpanId\":" \
    "\"\",\"name\":\"GET \\\"/\\u00e9\",\"kind\":2,\"startTimeUnixNano\":\"1704164645100000000\"," \
    "\"endTimeUnixNano\":1704164645350000000,\"attributes\":[{\"key\":\"code\",\"value\":" \
    "{\"intValue\":\"502\"}},{\"key\":\"n\",\"value\":{\"intValue\":-7}},{\"key\":\"ok\",\"value\":" \
    "{\"boolValue\":false}},{\"key\":\"r\",\"value\":{\"doubleValue\":1.50}},{\"key\":\"d\"," \
    "\"value\":{\"doubleValue\":\"NaN\"}},{\"key\":\"i\",\"value\":{\"doubleValue\":3}}," \
    "{\"key\":\"s\",\"value\":{\"stringValue\":\"a\\nb\"}}],\"status\":{\"code\":2,\"message\":" \
    "\"bad\"},\"flags\":1,\"events\":[]" extra "}"
#define ORES(spans) \
    "{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":" \
    "\"api\"}},{\"key\":\"k8s.pod\",\"value\":{\"stringValue\":\"p\"}}]},\"scopeSpans\":[{" \
    "\"scope\":{\"name\":\"s\"},\"spans\":[" spans "]}]}"
#define ODOC(res) "{\"resourceSpans\":[\n" res "\n]}\n"

#define A1(v) "{\"arrayValue\":{\"values\":[" v "]}}"
#define A8(v) A1(A1(A1(A1(A1(A1(A1(A1(v))))))))

static void test_fast_path(void **state)
{
    (void)state;
    aiops_buf b = {0};
    same_both_ways(ODOC(ORES(OSPAN("") "," OSPAN(""))), 0, &b);
    assert_non_null(strstr(b.p, "\"service\":\"api\""));
    assert_non_null(strstr(b.p, "\"attributes\":{\"code\":502,\"n\":-7,\"ok\":false,\"r\":1.5,"
                                "\"d\":\"NaN\",\"i\":3,\"s\":\"a\\nb\",\"span.kind\":\"server\","
                                "\"otel.status_description\":\"bad\"}"));
    static const char *const odd[] = {
        ODOC(ORES(OSPAN(",\"spanId\":\"0d\""))),                    /* repeated member */
        ODOC(ORES(OSPAN(",\"links\":[{\"a\":1,\"a\":2}]"))),        /* repeated in a skipped value */
        ODOC(ORES(OSPAN(",\"x\":1"))),                              /* a member it does not know */
        ODOC(ORES(OSPAN(",\"y\":tru"))),                            /* syntax error */
        ODOC(ORES(OSPAN(",\"links\":[{\"a\":1,\"a\":2}],\"y\":tru"))), /* repeat, then syntax */
        ODOC(ORES("{\"traceId\":\"01\",\"spanId\":\"02\",\"name\":\"n\",\"startTimeUnixNano\":"
                  "\"1\",\"endTimeUnixNano\":\"2\"}," OSPAN(""))),  /* bad id: one span out */
        ODOC(ORES("{\"traceId\":\"0102030405060708\",\"spanId\":\"0102030405060708\",\"name\":"
                  "\"n\",\"startTimeUnixNano\":\"2\",\"endTimeUnixNano\":\"1\"}")),
        ODOC(ORES("{\"traceId\":\"0102030405060708\",\"spanId\":\"0102030405060708\",\"name\":"
                  "\"n\",\"startTimeUnixNano\":\"+2\",\"endTimeUnixNano\":\"002\",\"kind\":"
                  "\"SPAN_KIND_CLIENT\",\"status\":{\"code\":\"STATUS_CODE_OK\",\"message\":\"\"}}")),
        ODOC(ORES("{\"traceId\":\"0102030405060708\",\"spanId\":\"0102030405060708\",\"name\":"
                  "\"n\",\"startTimeUnixNano\":1.0,\"endTimeUnixNano\":2,\"kind\":0,\"status\":"
                  "{\"code\":null}}")),
        ODOC(ORES("{\"traceId\":\"0102030405060708\",\"spanId\":\"0102030405060708\",\"name\":"
                  "\"n\",\"startTimeUnixNano\":1,\"endTimeUnixNano\":2,\"kind\":7}")),
        ODOC(ORES("{\"traceId\":\"0102030405060708\",\"spanId\":\"0102030405060708\",\"name\":"
                  "\"n\",\"startTimeUnixNano\":1,\"endTimeUnixNano\":2,\"attributes\":[{\"key\":"
                  "\"a\",\"value\":{\"intValue\":1}},{\"key\":\"a\",\"value\":{\"intValue\":2}},"
                  "{\"key\":\"span.kind\",\"value\":{\"stringValue\":\"x\"}},{\"value\":{}, \"key\":"
                  "\"e\"},{\"key\":\"z\",\"value\":{\"doubleValue\":-0.0}}],\"kind\":3}")),
        ODOC(ORES("{\"traceId\":\"0102030405060708\",\"spanId\":\"0102030405060708\",\"name\":"
                  "\"n\",\"startTimeUnixNano\":1,\"endTimeUnixNano\":2,\"attributes\":[{\"key\":"
                  "\"a\",\"value\":{\"arrayValue\":{\"values\":[{\"intValue\":1}]}}},{\"key\":\"b\","
                  "\"value\":{\"stringValue\":\"x\",\"intValue\":1}}]}")),
        ODOC(ORES("{\"traceId\":\"0102030405060708\",\"spanId\":\"0102030405060708\",\"name\":"
                  "\"n\",\"startTimeUnixNano\":1,\"endTimeUnixNano\":2,\"attributes\":null,"
                  "\"status\":{\"code\":1,\"what\":2}}")),
        ODOC(ORES("1,null")),                                        /* spans that are not */
        ODOC("{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"spans\":[" OSPAN("") "]}]}"),
        ODOC("{\"scopeSpans\":[{\"spans\":[" OSPAN("") "]}],\"resource\":{\"attributes\":[{\"key\":"
             "\"service.name\",\"value\":{\"stringValue\":\"late\"}}]}}"),
        ODOC("{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"intValue\":1}}]},"
             "\"scopeSpans\":[{\"spans\":[" OSPAN("") "]}]}"),
        ODOC("{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":"
             "\"a\\\"b\"}}]},\"scopeSpans\":[{\"spans\":[" OSPAN("") "]}]}"),
        ODOC("{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":"
             "\"\"}}]},\"scopeSpans\":[{\"spans\":[" OSPAN("") "]}]}"),
        ODOC("{\"resource\":{\"attributes\":[{\"key\":\"x\",\"value\":{\"stringValue\":"
             "\"service.name\\\":\\\"fake\"}}]},\"scopeSpans\":[{\"spans\":[" OSPAN("") "]}]}"),
        ODOC(ORES(OSPAN("")) ",\n" "{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
             "\"value\":{\"stringValue\":\"b\"}}]},\"instrumentationLibrarySpans\":[{\"spans\":["
             OSPAN("") "]}],\"scopeSpans\":[]}"),
        ODOC(ORES(OSPAN("")) ",\n" "{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
             "\"value\":{\"stringValue\":\"b\"}}]},\"instrumentationLibrarySpans\":[{\"spans\":["
             OSPAN("") "]}]}"),
        ODOC(ORES(OSPAN("")) ",\n" "7"),                           /* a resource that is not */
        "{\"batches\":[" ORES(OSPAN("")) "],\"resourceSpans\":[1]}",
        "{\"resourceSpans\":[" ORES(OSPAN("")) "],\"batches\":[" ORES(OSPAN("")) "]}",
        "{\"resourceSpans\":[" ORES(OSPAN("")) "],\"batches\":null}",
        "{\"resourceSpans\":[" ORES(OSPAN("")) "],\"x\":1,\"x\":2}",
        "{\"resourceSpans\":[" ORES(OSPAN("")) "],\"resourceSpans\":[]}",
        "{\"x\":1,\"resourceSpans\":[" ORES(OSPAN("")) "]}",
        "{\"resourceSpans\":{}}",
        "{\"resourceSpans\":null,\"batches\":[" ORES(OSPAN("")) "]}",
        "[" ODOC(ORES(OSPAN(""))) "]",
        "{}",
        ODOC(ORES(OSPAN(""))) ODOC(ORES(OSPAN(""))),                /* concatenated documents */
        "{\"resourceSpans\":[" ORES(OSPAN("")),                     /* truncated */
        "{\"resourceSpans\":[" ORES(OSPAN("")) "]",
        /* collector lines */
        "{\"resourceSpans\":[" ORES(OSPAN("")) "]}\n{\"resourceSpans\":[1]}\n"
        "{\"resourceSpans\":[" ORES(OSPAN("")) "]}\n",
        "{\"resourceSpans\":[" ORES(OSPAN("")) "]}\n{\"resourceSpans\":[tru]}\n"
        "{\"resourceSpans\":[" ORES(OSPAN("")) "]}\n",
        /* collector lines read from their tokens (fast_line): several
         * resources, "batches", and each way a line falls back */
#define OLINE(res) "{\"resourceSpans\":[" res "]}\n"
        OLINE(ORES(OSPAN("") "," OSPAN("")) "," ORES(OSPAN(""))) OLINE(ORES(OSPAN(""))),
        "{\"batches\":[" ORES(OSPAN("")) "]}\n" OLINE(ORES(OSPAN(""))),
        OLINE(ORES(OSPAN(""))) OLINE("") OLINE(ORES(OSPAN(""))),
        OLINE(ORES(OSPAN(""))) "\n\n" OLINE(ORES(OSPAN(""))),
        "\xef\xbb\xbf" OLINE(ORES(OSPAN(""))) OLINE(ORES(OSPAN(""))),       /* BOM */
        OLINE(ORES(OSPAN(""))) "{\"resourceSpans\":[" ORES(OSPAN("")) "],\"x\":1}\n"
        OLINE(ORES(OSPAN(""))),                                    /* another member */
        OLINE(ORES(OSPAN(""))) "{\"resourceSpans\":[" ORES(OSPAN("")) "]} 7\n"
        OLINE(ORES(OSPAN(""))),                                    /* more on the line */
        OLINE(ORES(OSPAN(""))) "{\"resourceSpans\":[" ORES(OSPAN("")) "]}{\"resourceSpans\":[]}\n",
        OLINE(ORES(OSPAN("") "," OSPAN(",\"spanId\":\"0d\""))) OLINE(ORES(OSPAN(""))),
        OLINE(ORES("{\"traceId\":\"01\",\"spanId\":\"02\",\"name\":\"n\",\"startTimeUnixNano\":"
                   "\"1\",\"endTimeUnixNano\":\"2\"}," OSPAN(""))) OLINE(ORES(OSPAN(""))),
        OLINE(ORES(OSPAN(",\"y\":\"\xff\""))) OLINE(ORES(OSPAN(""))),  /* invalid UTF-8 */
        OLINE(ORES(OSPAN(""))) "[" OLINE(ORES(OSPAN(""))) "]\n",
        OLINE(ORES(OSPAN(""))) "{\"resourceSpans\":[" ORES(OSPAN("")) "]\n",   /* truncated */
        OLINE("{\"resource\":{\"attributes\":[]},\"scopeSpans\":[{\"spans\":[" OSPAN("") "]}]}")
        OLINE(ORES(OSPAN(""))),                                    /* no service.name */
        "{\"resourceSpans\":[" ORES(OSPAN("")) "],\"resourceSpans\":[]}\n" OLINE(ORES(OSPAN(""))),
        /* arrayValues from tokens, and each way one falls back */
#define OARR(v) ODOC(ORES(OSPAN("") "," \
    "{\"traceId\":\"0102030405060708\",\"spanId\":\"0102030405060708\",\"name\":\"n\"," \
    "\"startTimeUnixNano\":1,\"endTimeUnixNano\":2,\"attributes\":[{\"key\":\"a\",\"value\":" v "}]}"))
        OARR("{\"arrayValue\":{\"values\":[{\"stringValue\":\"x\"},{},{\"intValue\":\"2\"},"
             "{\"doubleValue\":2.50},{\"boolValue\":false},{\"arrayValue\":{\"values\":[{}]}},"
             "{\"arrayValue\":{}},{\"doubleValue\":1e2},{}]}}"),
        OARR("{\"arrayValue\":{\"values\":[]}}"),
        OARR("{\"arrayValue\":{}}"),
        OARR("{\"arrayValue\":{\"values\":null}}"),
        OARR("{\"arrayValue\":{\"values\":[],\"x\":1}}"),
        OARR("{\"arrayValue\":{\"values\":[],\"values\":[]}}"),
        OARR("{\"arrayValue\":{\"values\":[\"x\"]}}"),
        OARR("{\"arrayValue\":{\"values\":[{\"kvlistValue\":{\"values\":[]}}]}}"),
        OARR("{\"arrayValue\":[]}"),
        OARR("{\"arrayValue\":{\"values\":[{\"intValue\":1.5}]}}"),
        OARR(A8(A8("{\"intValue\":1}"))),                        /* 16 deep: read */
        OARR(A8(A8("{\"arrayValue\":{\"values\":[{\"intValue\":1}]}}"))), /* 17: the tree's error */
        OARR("{}"),
        /* kvlistValues from tokens, and each way one falls back */
        OARR("{\"kvlistValue\":{\"values\":[{\"key\":\"x\",\"value\":{\"stringValue\":\"y\"}},"
             "{\"key\":\"e\",\"value\":{}},{\"key\":\"n\",\"value\":{\"kvlistValue\":{\"values\":"
             "[{\"key\":\"x\",\"value\":{\"arrayValue\":{\"values\":[{\"intValue\":1},{}]}}}]}}},"
             "{\"key\":\"k\\\"q\",\"value\":{\"doubleValue\":0.5}}]}}"),
        OARR("{\"kvlistValue\":{}}"),
        OARR("{\"kvlistValue\":{\"values\":[]}}"),
        OARR("{\"kvlistValue\":{\"values\":null}}"),
        OARR("{\"kvlistValue\":{\"values\":[{\"key\":\"x\",\"value\":{\"intValue\":1}},"
             "{\"key\":\"x\",\"value\":{\"intValue\":2}}]}}"),           /* repeated key */
        OARR("{\"kvlistValue\":{\"values\":[{\"key\":\"x\",\"value\":{}},"
             "{\"key\":\"x\",\"value\":{\"intValue\":2}}]}}"),
        OARR("{\"kvlistValue\":{\"values\":[{\"key\":\"x\"}]}}"),        /* no value */
        OARR("{\"kvlistValue\":{\"values\":[{\"value\":{\"intValue\":1},\"key\":\"x\"}]}}"),
        OARR("{\"kvlistValue\":{\"values\":[{\"key\":1,\"value\":{\"intValue\":1}}]}}"),
        OARR("{\"kvlistValue\":{\"values\":[1]}}"),
        OARR("{\"kvlistValue\":7}"),
        OARR("{\"arrayValue\":{\"values\":[{\"kvlistValue\":{\"values\":[{\"key\":\"a\",\"value\":"
             "{\"stringValue\":\"b\"}}]}},{\"kvlistValue\":{\"values\":[{\"key\":\"a\",\"value\":"
             "{\"stringValue\":\"c\"}}]}}]}}"),                           /* same key, two lists */
        ODOC(ORES(OSPAN(",\"attributes\":[{\"key\":\"a\",\"value\":{\"kvlistValue\":{\"values\":"
                        "[{\"key\":\"span.kind\",\"value\":{\"stringValue\":\"x\"}}]}}}]"))),
        /* service.name among the resource's attributes, and inside a kvlist */
        ODOC("{\"resource\":{\"attributes\":[{\"key\":\"m\",\"value\":{\"kvlistValue\":{\"values\":"
             "[{\"key\":\"a\",\"value\":{\"stringValue\":\"b\"}},{\"key\":\"service.name\",\"value\":"
             "{\"stringValue\":\"fake\"}},{\"key\":\"c\",\"value\":{\"stringValue\":\"d\"}}]}}},"
             "{\"key\":\"service.name\",\"value\":{\"stringValue\":\"real\"}}]},\"scopeSpans\":[{"
             "\"spans\":[" OSPAN("") "]}]}"),
        ODOC("{\"resource\":{\"attributes\":[{\"key\":\"m\",\"value\":{\"kvlistValue\":{\"values\":"
             "[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"fake\"}}]}}}]},\"scopeSpans\":[{"
             "\"spans\":[" OSPAN("") "]}]}"),
        ODOC("{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"doubleValue\":"
             "\"NaN\"}}]},\"scopeSpans\":[{\"spans\":[" OSPAN("") "]}]}"),
        ODOC("{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"arrayValue\":"
             "{\"values\":[{\"stringValue\":\"a\"}]}}}]},\"scopeSpans\":[{\"spans\":[" OSPAN("") "]}]}"),
    };
    for (size_t i = 0; i < sizeof odd / sizeof *odd; i++)
        same_both_ways(odd[i], 0, &b);
    /* a resource longer than the cap on one value */
    same_both_ways(ODOC(ORES(OSPAN("") "," OSPAN("") "," OSPAN(""))), 1500, &b);
    assert_non_null(strstr(b.p, "JSON value longer than"));
    aiops_buf_free(&b);
}

/* A document over several lines (not JSON lines): a top-level array is
 * an error; members after the resources are read (and checked), and a
 * second document follows.  (A streaming slip once dropped both.) */
#define RES1 \
    "{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"api\"}}]}," \
    "\"scopeSpans\":[{\"spans\":[{\"traceId\":\"0102030405060708\",\"spanId\":\"0102030405060708\"," \
    "\"name\":\"n\",\"startTimeUnixNano\":\"1000000000\",\"endTimeUnixNano\":\"2000000000\"}]}]}"
#define REC1 \
    "span 1 {\"trace_id\":\"0102030405060708\",\"span_id\":\"0102030405060708\",\"service\":\"api\"," \
    "\"operation\":\"n\",\"duration\":1.0,\"error\":false,\"status\":\"unset\"}"

static void test_doc_shapes(void **state)
{
    (void)state;
    rt_run r;
    RT_ERR(OT, "a.json", "[\n]\n", AIOPS_EPARSE, 1,
           "expected an OTLP/JSON object with \"resourceSpans\", got an array");
    rt_parse(OT, "b.json", "{\"resourceSpans\":[\n" RES1 "],\"x\":1,\n\"y\":{\"z\":[1]}}\n"
             "{\"resourceSpans\":[\n" RES1 "]}\n", &r);
    RT_EXPECT(&r, REC1, REC1);
    rt_free(&r);
    RT_ERR(OT, "d.json", "{\"resourceSpans\":[\n" RES1 "],\"x\":1,\n\"x\":2}\n", AIOPS_EPARSE, 3,
           "duplicate object key near '\"x\"'");
}

/* Documents written after the OTLP specification's JSON mapping and its
 * examples (tests/unit/formats/traces/vendor/): hex ids in either case,
 * int64 times as strings, events, links, scope attributes, status codes
 * and messages, an arrayValue; the same records both ways, as one
 * document and as collector lines (one request per line, then both
 * resources in one request). */
static void test_vendor(void **state)
{
    (void)state;
    aiops_buf b = {0};
    char *doc = vendor_text("otlp.json");
    same_both_ways(doc, 0, &b);
    assert_int_equal(vendor_lines(b.p), 5);
    assert_non_null(strstr(b.p, "\"span_id\":\"eee19b7ec3c1b174\",\"service\":\"checkout\","
                                "\"operation\":\"POST /api/checkout\",\"duration\":0.250123456,"
                                "\"error\":true,\"status\":\"error\""));
    assert_non_null(strstr(b.p, "\"user_agent.original\":\"curl/8.5.0 \\\"quoted\\\"\\tand tab\""));
    assert_non_null(strstr(b.p, "\"cart.items\":[\"sku-1\",2],\"span.kind\":\"internal\""));
    assert_non_null(strstr(b.p, "\"duration\":5e-08"));
    assert_non_null(strstr(b.p, "\"otel.status_description\":\"deadline exceeded\""));
    assert_non_null(strstr(b.p, "\"service\":\"payments\",\"operation\":\"SELECT payments.accounts\","
                                "\"duration\":0.0015,\"error\":false,\"status\":\"ok\""));
    free(doc);
    doc = vendor_text("otlp-collector.jsonl");
    same_both_ways(doc, 0, &b);
    assert_int_equal(vendor_lines(b.p), 10);   /* the 5 spans twice */
    free(doc);
    aiops_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doc),        cmocka_unit_test(test_lines_continue),
        cmocka_unit_test(test_errors),     cmocka_unit_test(test_deep_value),
        cmocka_unit_test(test_probe),   cmocka_unit_test(test_fast_path), cmocka_unit_test(test_doc_shapes),
        cmocka_unit_test(test_vendor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
