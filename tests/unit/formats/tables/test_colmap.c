/* test_colmap.c - the --map mini-language and column roles (colmap.h),
 * and ClickHouse's Map cell text (clickhouse_map.c). */
#include "testutil.h"

#include "formats/tables/clickhouse.h"
#include "formats/tables/colmap.h"

static void test_parse(void **state)
{
    (void)state;
    aiops_colmap m;
    aiops_err err = {0};
    aiops_colmap_init(&m);
    assert_true(m.dur_div == 1);
    assert_int_equal(aiops_colmap_parse(&m, "ts=when,,labels=a+b,duration=d:ms,type=span", "f",
                                        &err), 0);
    assert_int_equal(m.ncol[AIOPS_ROLE_TS], 1);
    assert_string_equal(m.col[AIOPS_ROLE_TS][0], "when");
    assert_int_equal(m.ncol[AIOPS_ROLE_LABELS], 2);
    assert_string_equal(m.col[AIOPS_ROLE_LABELS][0], "a");
    assert_string_equal(m.col[AIOPS_ROLE_LABELS][1], "b");
    assert_string_equal(m.col[AIOPS_ROLE_DURATION][0], "d");
    assert_true(m.dur_div == 1e3);
    assert_int_equal(m.mapped[AIOPS_ROLE_DURATION], 1);
    assert_int_equal(m.mapped[AIOPS_ROLE_VALUE], 0);
    assert_int_equal(m.forced, AIOPS_R_SPAN);
    assert_int_equal(aiops_colmap_parse(&m, NULL, "f", &err), 0);
    assert_string_equal(aiops_colmap_role_key(AIOPS_ROLE_PARENT), "parent_span_id");
}

static void test_parse_errors(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"when=ts", "--map: unknown role 'when' (ts, value, series, name, labels, service, "
                    "message, level, trace_id, span_id, parent_span_id, operation, duration, "
                    "status, attributes, type)"},
        {"value", "--map: expected ROLE=COLUMN, got 'value'"},
        {"type=metric", "--map: expected type=sample, log or span, got 'metric'"},
        {"duration=d:h", "--map: expected a duration unit s, ms, us or ns, got 'h'"},
        {"labels=a++b", "--map: expected column names after '=', got '+b'"},
        {"labels=a+b+c+d+e", "--map: expected column names after '=', got 'e'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        aiops_colmap m;
        aiops_err err = {0};
        aiops_colmap_init(&m);
        assert_int_equal(aiops_colmap_parse(&m, cases[i][0], "f.tsv", &err), AIOPS_EINVAL);
        assert_string_equal(err.msg, cases[i][1]);
        assert_string_equal(err.file, "f.tsv");
        assert_int_equal(err.line, 0);
    }
}

/* The OpenTelemetry traces table: its columns, Duration in ns. */
static void test_resolve_otel(void **state)
{
    (void)state;
    static const char *const cols[] = {"Timestamp", "TraceId", "SpanId", "ParentSpanId",
                                       "SpanName", "ServiceName", "Duration", "StatusCode",
                                       "SpanAttributes", "SpanKind"};
    aiops_colmap m;
    aiops_err err = {0};
    aiops_colmap_init(&m);
    assert_int_equal(aiops_colmap_resolve(&m, cols, 10, "header", "f", 1, &err), 0);
    assert_int_equal(m.type, AIOPS_R_SPAN);
    assert_int_equal(m.otel, 1);
    assert_true(m.dur_div == 1e9);
    assert_string_equal(m.col[AIOPS_ROLE_OPERATION][0], "SpanName");
    assert_string_equal(m.col[AIOPS_ROLE_ATTRS][0], "SpanAttributes");
    assert_true(aiops_colmap_uses(&m, "TraceId"));
    assert_false(aiops_colmap_uses(&m, "SpanKind"));
}

/* Other tables: common names in any case, the type from the roles. */
static void test_resolve_generic(void **state)
{
    (void)state;
    static const char *const cols[] = {"Event_Time", "VAL", "metric", "host", "duration_us"};
    aiops_colmap m;
    aiops_err err = {0};
    aiops_colmap_init(&m);
    assert_int_equal(aiops_colmap_resolve(&m, cols, 5, "first row", "f", 1, &err), 0);
    assert_int_equal(m.type, AIOPS_R_SAMPLE);
    assert_int_equal(m.otel, 0);
    assert_string_equal(m.col[AIOPS_ROLE_TS][0], "Event_Time");
    assert_string_equal(m.col[AIOPS_ROLE_VALUE][0], "VAL");
    assert_string_equal(m.col[AIOPS_ROLE_NAME][0], "metric");
    assert_true(m.dur_div == 1e6);
    assert_false(aiops_colmap_uses(&m, "host"));

    /* Mapped columns must exist; the message names the source. */
    aiops_colmap_init(&m);
    assert_int_equal(aiops_colmap_parse(&m, "value=v2", "f", &err), 0);
    assert_int_equal(aiops_colmap_resolve(&m, cols, 5, "first row", "f", 7, &err), AIOPS_EPARSE);
    assert_string_equal(err.msg, "expected a column 'v2' (--map value), not in the first row");
    assert_int_equal(err.line, 7);
    /* A log table without a time. */
    static const char *const logs[] = {"message", "level"};
    aiops_colmap_init(&m);
    assert_int_equal(aiops_colmap_resolve(&m, logs, 2, "header", "f", 1, &err), AIOPS_EPARSE);
    assert_string_equal(err.msg, "expected a ts column for log records (name it with --map "
                                 "ts=COLUMN)");
}

static void test_time_name(void **state)
{
    (void)state;
    assert_true(aiops_colmap_time_name("TimeStamp", 9));
    assert_true(aiops_colmap_time_name("ts", 2));
    assert_false(aiops_colmap_time_name("tsx", 3));
    assert_false(aiops_colmap_time_name("value", 5));
}

static void test_map_text(void **state)
{
    (void)state;
    json_t *o = aiops_ch_map_text(" {'a':'x\\ty', \"b\" : 12 ,'c':''} ");
    assert_null(o);                              /* text after the closing brace */
    o = aiops_ch_map_text(" {'a':'x\\ty', \"b\" : 12 ,'c':''}");
    assert_non_null(o);
    assert_int_equal(json_object_size(o), 3);
    assert_string_equal(json_string_value(json_object_get(o, "a")), "x\ty");
    assert_string_equal(json_string_value(json_object_get(o, "b")), "12");
    assert_string_equal(json_string_value(json_object_get(o, "c")), "");
    json_decref(o);
    o = aiops_ch_map_text("{}");
    assert_int_equal(json_object_size(o), 0);
    json_decref(o);
    static const char *const bad[] = {"", "{", "{'a'}", "{'a':}", "{'a':'b'", "['a']",
                                      "{'a':'b',}", "{a:'b'}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_null(aiops_ch_map_text(bad[i]));
    assert_int_equal(aiops_ch_unescape('n'), '\n');
    assert_int_equal(aiops_ch_unescape('0'), '\0');
    assert_int_equal(aiops_ch_unescape('\''), '\'');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),           cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_resolve_otel),    cmocka_unit_test(test_resolve_generic),
        cmocka_unit_test(test_time_name),       cmocka_unit_test(test_map_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
