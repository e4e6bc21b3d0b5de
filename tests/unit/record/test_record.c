/* test_record.c - parsing one line of the record stream
 * (aiops_record_parse_line in libcore/fmt_stream.c) and the record types
 * (libcore/record.c): the NDJSON fast path for canonical samples in any key
 * order, the "series" spelling, NaN/Inf strings, samples with extra fields,
 * non-sample records, TSV lines, and errors with file and line. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aiops_format.h"

typedef struct fixture {
    aiops_series_table *tab;
    aiops_record rec;
    aiops_err err;
    char buf[8192];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    f->tab = aiops_series_table_new();
    if (!f->tab) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    aiops_record_clear(&f->rec);
    aiops_series_table_free(f->tab);
    free(f);
    return 0;
}

/* Parse line (copied: the parser may write into it) as FILE:lineno. */
static int parse_at(fixture *f, const char *line, long lineno)
{
    size_t n = strlen(line);
    assert_true(n < sizeof f->buf);
    memcpy(f->buf, line, n + 1);
    aiops_record_clear(&f->rec);
    aiops_err_clear(&f->err);
    return aiops_record_parse_line(f->tab, f->buf, n, "in.ndjson", lineno, &f->rec, &f->err);
}

static int parse(fixture *f, const char *line)
{
    return parse_at(f, line, 1);
}

static const char *series_of(fixture *f)
{
    aiops_series *s = aiops_series_get(f->tab, f->rec.sid);
    assert_non_null(s);
    return s->text;
}

static void same_double(double got, double want)
{
    if (isnan(want) ? !isnan(got) : got != want)
        fail_msg("got %.17g, want %.17g", got, want);
}

/* line parses as a sample (series, ts, value) without extra fields. */
static void expect_sample(fixture *f, const char *line, const char *series, double ts, double value)
{
    int rc = parse(f, line);
    if (rc)
        fail_msg("%s: rc %d: %s", line, rc, f->err.msg);
    assert_int_equal(f->rec.type, AIOPS_R_SAMPLE);
    assert_string_equal(series_of(f), series);
    same_double(f->rec.ts, ts);
    same_double(f->rec.value, value);
    assert_null(f->rec.obj);
}

/* line fails with code at in.ndjson:lineno and err.msg contains `has`. */
static void expect_error(fixture *f, const char *line, long lineno, int code, const char *has)
{
    int rc = parse_at(f, line, lineno);
    if (rc != code)
        fail_msg("%s: rc %d, want %d (msg: %s)", line, rc, code, f->err.msg);
    assert_int_equal(f->err.code, code);
    assert_string_equal(f->err.file, "in.ndjson");
    assert_int_equal(f->err.line, lineno);
    if (has && !strstr(f->err.msg, has))
        fail_msg("%s: message '%s' lacks '%s'", line, f->err.msg, has);
    assert_null(f->rec.obj);
}

/* ------------------------------------------------------- NDJSON samples */

static void test_canonical_sample(void **state)
{
    fixture *f = *state;
    expect_sample(f,
                  "{\"type\":\"sample\",\"ts\":1700000000,\"name\":\"http_requests_total\","
                  "\"labels\":{\"code\":\"500\",\"service\":\"api\"},\"value\":12}",
                  "http_requests_total{code=\"500\",service=\"api\"}", 1700000000, 12);
}

static void test_sample_key_orders(void **state)
{
    fixture *f = *state;
    const char *want = "cpu{host=\"a\",mode=\"idle\"}";
    expect_sample(f,
                  "{\"value\":0.5,\"labels\":{\"mode\":\"idle\",\"host\":\"a\"},\"name\":\"cpu\","
                  "\"ts\":1700000000.25,\"type\":\"sample\"}",
                  want, 1700000000.25, 0.5);
    uint32_t first = f->rec.sid;
    expect_sample(f,
                  "{\"ts\":1700000060,\"type\":\"sample\",\"labels\":{\"host\":\"a\",\"mode\":\"idle\"},"
                  "\"value\":-1.5e-3,\"name\":\"cpu\"}",
                  want, 1700000060, -1.5e-3);
    assert_int_equal(f->rec.sid, first);
    /* Spaces around tokens, leading blanks. */
    expect_sample(f,
                  "  { \"type\" : \"sample\" , \"ts\" : 1700000120 , \"name\" : \"cpu\" , "
                  "\"labels\" : { \"host\" : \"a\" , \"mode\" : \"idle\" } , \"value\" : 3 }  ",
                  want, 1700000120, 3);
    assert_int_equal(f->rec.sid, first);
    assert_int_equal(aiops_series_table_count(f->tab), 1);
}

static void test_sample_cached_series_key(void **state)
{
    fixture *f = *state;
    /* The same raw text twice hits the cache: same id, same values. */
    const char *l1 = "{\"type\":\"sample\",\"ts\":1,\"name\":\"up\",\"labels\":{\"job\":\"x\"},\"value\":1}";
    const char *l2 = "{\"type\":\"sample\",\"ts\":2,\"name\":\"up\",\"labels\":{\"job\":\"x\"},\"value\":0}";
    expect_sample(f, l1, "up{job=\"x\"}", 1, 1);
    uint32_t id = f->rec.sid;
    expect_sample(f, l2, "up{job=\"x\"}", 2, 0);
    assert_int_equal(f->rec.sid, id);
    /* Same labels under another name: a different series. */
    expect_sample(f, "{\"type\":\"sample\",\"ts\":3,\"name\":\"down\",\"labels\":{\"job\":\"x\"},\"value\":1}",
                  "down{job=\"x\"}", 3, 1);
    assert_int_not_equal(f->rec.sid, id);
    /* Empty label values are absent labels (Prometheus). */
    expect_sample(f, "{\"type\":\"sample\",\"ts\":4,\"name\":\"up\",\"labels\":{\"job\":\"x\",\"zone\":\"\"},\"value\":1}",
                  "up{job=\"x\"}", 4, 1);
    assert_int_equal(f->rec.sid, id);
    /* Another spelling (labels in another order) misses the cache: its
     * labels are copied from the line then, and it is the same series. */
    expect_sample(f, "{\"type\":\"sample\",\"ts\":5,\"labels\":{\"zone\":\"\",\"job\":\"x\"},\"name\":\"up\",\"value\":1}",
                  "up{job=\"x\"}", 5, 1);
    assert_int_equal(f->rec.sid, id);
    /* A miss after hits: its own labels, nothing of earlier lines. */
    expect_sample(f, "{\"type\":\"sample\",\"ts\":6,\"name\":\"up\",\"labels\":{\"job\":\"y\",\"a\":\"b\"},\"value\":2}",
                  "up{a=\"b\",job=\"y\"}", 6, 2);
    assert_int_not_equal(f->rec.sid, id);
}

static void test_sample_name_or_labels_only(void **state)
{
    fixture *f = *state;
    expect_sample(f, "{\"type\":\"sample\",\"ts\":5,\"name\":\"up\",\"value\":1}", "up", 5, 1);
    expect_sample(f, "{\"type\":\"sample\",\"ts\":5,\"name\":\"up\",\"labels\":{},\"value\":1}", "up", 5, 1);
    expect_sample(f, "{\"type\":\"sample\",\"ts\":5,\"labels\":{\"job\":\"batch\"},\"value\":7}",
                  "{job=\"batch\"}", 5, 7);
    expect_sample(f, "{\"type\":\"sample\",\"ts\":5,\"name\":\"\",\"labels\":{\"job\":\"batch\"},\"value\":7}",
                  "{job=\"batch\"}", 5, 7);
    /* __name__ among the labels is the metric name. */
    expect_sample(f, "{\"type\":\"sample\",\"ts\":5,\"labels\":{\"__name__\":\"up\",\"job\":\"x\"},\"value\":1}",
                  "up{job=\"x\"}", 5, 1);
}

static void test_sample_escaped_strings(void **state)
{
    fixture *f = *state;
    /* Backslash escapes leave the fast path; the result is the same. */
    expect_sample(f,
                  "{\"type\":\"sample\",\"ts\":1,\"name\":\"req\",\"labels\":{\"path\":\"/a\\\"b\\\\c\","
                  "\"msg\":\"x\\ny\",\"u\":\"\\u00e9\"},\"value\":1}",
                  "req{msg=\"x\\ny\",path=\"/a\\\"b\\\\c\",u=\"\xc3\xa9\"}", 1, 1);
    aiops_series *s = aiops_series_get(f->tab, f->rec.sid);
    assert_string_equal(aiops_series_label(s, "path"), "/a\"b\\c");
    assert_string_equal(aiops_series_label(s, "msg"), "x\ny");
}

static void test_series_spelling(void **state)
{
    fixture *f = *state;
    expect_sample(f, "{\"type\":\"sample\",\"ts\":1700000000,\"series\":\"up\",\"value\":1}", "up",
                  1700000000, 1);
    expect_sample(f,
                  "{\"type\":\"sample\",\"ts\":1700000000,\"series\":\"up{job=\\\"x\\\", a=\\\"b\\\"}\","
                  "\"value\":0}",
                  "up{a=\"b\",job=\"x\"}", 1700000000, 0);
    expect_sample(f,
                  "{\"series\":\"{__name__=\\\"node_load1\\\",instance=\\\"h:9100\\\"}\",\"value\":0.25,"
                  "\"ts\":1700000000.5,\"type\":\"sample\"}",
                  "node_load1{instance=\"h:9100\"}", 1700000000.5, 0.25);
}

static void test_special_values(void **state)
{
    fixture *f = *state;
    const char *pre = "{\"type\":\"sample\",\"ts\":10,\"name\":\"g\",\"labels\":{},\"value\":";
    char line[256];
    static const struct {
        const char *v;
        double want;
    } cases[] = {
        {"\"NaN\"", NAN}, {"\"+Inf\"", INFINITY}, {"\"-Inf\"", -INFINITY},
        {"\"Inf\"", INFINITY}, {"\"12.5\"", 12.5}, {"-0.0", -0.0}, {"1e3", 1000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(line, sizeof line, "%s%s}", pre, cases[i].v);
        expect_sample(f, line, "g", 10, cases[i].want);
    }
    expect_sample(f, "{\"type\":\"sample\",\"ts\":10,\"name\":\"g\",\"value\":\"-Inf\"}", "g", 10, -INFINITY);
    /* Via jansson (an escape forces the slow path). */
    expect_sample(f, "{\"type\":\"sample\",\"ts\":10,\"series\":\"g{a=\\\"1\\\"}\",\"value\":\"NaN\"}",
                  "g{a=\"1\"}", 10, NAN);
    expect_sample(f, "{\"type\":\"sample\",\"ts\":10,\"series\":\"g{a=\\\"1\\\"}\",\"value\":\"+Inf\"}",
                  "g{a=\"1\"}", 10, INFINITY);
}

static void test_ts_rfc3339(void **state)
{
    fixture *f = *state;
    expect_sample(f, "{\"type\":\"sample\",\"ts\":\"2023-11-14T22:13:20Z\",\"name\":\"up\",\"value\":1}", "up",
                  1700000000, 1);
    expect_sample(f, "{\"type\":\"sample\",\"ts\":\"2023-11-14T23:13:20.5+01:00\",\"name\":\"up\",\"value\":1}",
                  "up", 1700000000.5, 1);
}

static void test_sample_extra_fields(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "{\"type\":\"sample\",\"ts\":1700000000,\"name\":\"lat\","
                              "\"labels\":{\"svc\":\"api\"},\"unit\":\"seconds\",\"value\":0.25,"
                              "\"exemplar\":{\"trace_id\":\"abc\",\"v\":[1,2.5]}}"),
                     0);
    assert_int_equal(f->rec.type, AIOPS_R_SAMPLE);
    assert_string_equal(series_of(f), "lat{svc=\"api\"}");
    same_double(f->rec.ts, 1700000000);
    same_double(f->rec.value, 0.25);
    assert_non_null(f->rec.obj);
    /* Only the unknown fields, in input order. */
    assert_int_equal(json_object_size(f->rec.obj), 2);
    json_t *want = json_loads("{\"unit\":\"seconds\",\"exemplar\":{\"trace_id\":\"abc\",\"v\":[1,2.5]}}",
                              0, NULL);
    assert_non_null(want);
    assert_true(json_equal(f->rec.obj, want));
    json_decref(want);
    static const char *const known[] = {"type", "ts", "name", "labels", "value", "series"};
    for (size_t i = 0; i < 6; i++)
        assert_null(json_object_get(f->rec.obj, known[i]));
    const char *first = NULL;
    const char *k;
    json_t *v;
    json_object_foreach(f->rec.obj, k, v) {
        first = k;
        break;
    }
    assert_string_equal(first, "unit");

    /* With the series spelling and a NaN value. */
    assert_int_equal(parse(f, "{\"type\":\"sample\",\"ts\":5,\"series\":\"up\",\"value\":\"NaN\",\"note\":null}"), 0);
    assert_string_equal(series_of(f), "up");
    assert_true(isnan(f->rec.value));
    assert_non_null(f->rec.obj);
    assert_int_equal(json_object_size(f->rec.obj), 1);
    assert_true(json_is_null(json_object_get(f->rec.obj, "note")));
}

/* ------------------------------------------------------ other records */

static void test_non_sample_records(void **state)
{
    fixture *f = *state;
    const char *line = "{\"type\":\"alert\",\"ts\":1700000100,\"name\":\"HighErrorRate\",\"service\":\"api\","
                       "\"state\":\"firing\",\"start\":1700000100,\"labels\":{\"severity\":\"page\"}}";
    assert_int_equal(parse(f, line), 0);
    assert_int_equal(f->rec.type, AIOPS_R_ALERT);
    same_double(f->rec.ts, 1700000100);
    assert_non_null(f->rec.obj);
    /* The whole object, type and ts included. */
    json_t *want = json_loads(line, 0, NULL);
    assert_non_null(want);
    assert_true(json_equal(f->rec.obj, want));
    json_decref(want);
    assert_int_equal(json_object_size(f->rec.obj), 7);
    /* No series was interned for it. */
    assert_int_equal(aiops_series_table_count(f->tab), 0);

    /* A band has name/labels like a sample but is not one. */
    assert_int_equal(parse(f, "{\"type\":\"band\",\"ts\":1,\"name\":\"cpu\",\"labels\":{},\"expected\":1,"
                              "\"lower\":0,\"upper\":2,\"model\":\"ewma\"}"),
                     0);
    assert_int_equal(f->rec.type, AIOPS_R_BAND);
    assert_string_equal(json_string_value(json_object_get(f->rec.obj, "model")), "ewma");
    assert_int_equal(json_object_size(f->rec.obj), 8);
}

static void test_rtype_mapping(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *name;
        aiops_rtype t;
    } map[] = {
        {"log", AIOPS_R_LOG},           {"span", AIOPS_R_SPAN},
        {"event", AIOPS_R_EVENT},       {"alert", AIOPS_R_ALERT},
        {"band", AIOPS_R_BAND},         {"anomaly", AIOPS_R_ANOMALY},
        {"incident", AIOPS_R_INCIDENT}, {"rca", AIOPS_R_RCA},
        {"prediction", AIOPS_R_PREDICTION}, {"summary", AIOPS_R_SUMMARY},
        {"label", AIOPS_R_LABEL},
    };
    char line[256];
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        snprintf(line, sizeof line, "{\"ts\":42.5,\"type\":\"%s\",\"x\":1}", map[i].name);
        if (parse(f, line))
            fail_msg("%s: %s", line, f->err.msg);
        assert_int_equal(f->rec.type, map[i].t);
        same_double(f->rec.ts, 42.5);
        assert_string_equal(json_string_value(json_object_get(f->rec.obj, "type")), map[i].name);
        assert_string_equal(aiops_rtype_name(map[i].t), map[i].name);
        assert_int_equal(aiops_rtype_from_name(map[i].name, strlen(map[i].name)), map[i].t);
    }
    assert_string_equal(aiops_rtype_name(AIOPS_R_SAMPLE), "sample");
    assert_int_equal(aiops_rtype_from_name("sample", 6), AIOPS_R_SAMPLE);
    assert_string_equal(aiops_rtype_name(AIOPS_R_OTHER), "other");
    assert_string_equal(aiops_rtype_name(AIOPS_R__COUNT), "other");
    assert_int_equal(aiops_rtype_from_name("Sample", 6), AIOPS_R_OTHER);
    assert_int_equal(aiops_rtype_from_name("samples", 7), AIOPS_R_OTHER);
    assert_int_equal(aiops_rtype_from_name("sampl", 5), AIOPS_R_OTHER);
    assert_int_equal(aiops_rtype_from_name("", 0), AIOPS_R_OTHER);
    /* Length-bounded: "log" inside a longer buffer. */
    assert_int_equal(aiops_rtype_from_name("logfoo", 3), AIOPS_R_LOG);
}

static void test_unknown_type(void **state)
{
    fixture *f = *state;
    const char *line = "{\"type\":\"widget\",\"ts\":\"2023-11-14T22:13:20Z\",\"payload\":[1,{\"a\":null}]}";
    assert_int_equal(parse(f, line), 0);
    assert_int_equal(f->rec.type, AIOPS_R_OTHER);
    same_double(f->rec.ts, 1700000000);
    json_t *want = json_loads(line, 0, NULL);
    assert_true(json_equal(f->rec.obj, want));
    json_decref(want);
}

/* ---------------------------------------------------------------- TSV */

static void test_tsv(void **state)
{
    fixture *f = *state;
    expect_sample(f, "1700000000\tcpu{host=\"a\"}\t0.5", "cpu{host=\"a\"}", 1700000000, 0.5);
    expect_sample(f, "1700000060.125\thttp_requests_total{service=\"api\", code=\"500\"}\t15",
                  "http_requests_total{code=\"500\",service=\"api\"}", 1700000060.125, 15);
    expect_sample(f, "2023-11-14T22:13:20Z\tup\tNaN", "up", 1700000000, NAN);
    expect_sample(f, "2023-11-14T22:13:21.25Z\tup\t+Inf", "up", 1700000001.25, INFINITY);
    expect_sample(f, "2023-11-14 22:13:22\tup\t-Inf", "up", 1700000002, -INFINITY);
    /* Millisecond epochs are recognised by magnitude. */
    expect_sample(f, "1700000003000\tup\t1e-3", "up", 1700000003, 1e-3);
    /* Label values with escapes and spaces. */
    expect_sample(f, "1\tlog_lines{msg=\"a \\\"b\\\"\\n\"}\t2", "log_lines{msg=\"a \\\"b\\\"\\n\"}", 1, 2);
}

/* ------------------------------------------------------------- errors */

static void test_error_missing_ts(void **state)
{
    fixture *f = *state;
    expect_error(f, "{\"type\":\"sample\",\"name\":\"up\",\"labels\":{},\"value\":1}", 7, AIOPS_EPARSE, "\"ts\"");
    expect_error(f, "{\"type\":\"alert\",\"name\":\"X\"}", 8, AIOPS_EPARSE, "\"ts\"");
}

static void test_error_ts_type(void **state)
{
    fixture *f = *state;
    expect_error(f, "{\"type\":\"sample\",\"ts\":true,\"name\":\"up\",\"value\":1}", 3, AIOPS_EPARSE, "\"ts\"");
    expect_error(f, "{\"type\":\"sample\",\"ts\":null,\"name\":\"up\",\"value\":1}", 3, AIOPS_EPARSE, "\"ts\"");
    expect_error(f, "{\"type\":\"sample\",\"ts\":[1],\"name\":\"up\",\"value\":1}", 3, AIOPS_EPARSE, "\"ts\"");
    expect_error(f, "{\"type\":\"sample\",\"ts\":\"yesterday\",\"name\":\"up\",\"value\":1}", 4, AIOPS_EPARSE,
                 "\"ts\"");
    expect_error(f, "{\"type\":\"log\",\"ts\":\"\",\"message\":\"m\"}", 5, AIOPS_EPARSE, "\"ts\"");
    expect_error(f, "{\"type\":\"sample\",\"ts\":\"NaN\",\"name\":\"up\",\"value\":1}", 6, AIOPS_EPARSE, NULL);
}

static void test_error_ts_not_finite(void **state)
{
    fixture *f = *state;
    /* A number that overflows to infinity is not a time (the jansson path
     * already rejects it; the fast path must agree). */
    expect_error(f, "{\"type\":\"sample\",\"ts\":1e999,\"name\":\"up\",\"labels\":{},\"value\":1}", 9,
                 AIOPS_EPARSE, NULL);
    expect_error(f, "{\"type\":\"sample\",\"ts\":-1e999,\"name\":\"up\",\"value\":1}", 9, AIOPS_EPARSE, NULL);
}

static void test_error_bad_value(void **state)
{
    fixture *f = *state;
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"name\":\"up\",\"value\":\"abc\"}", 2, AIOPS_EPARSE, "\"value\"");
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"name\":\"up\",\"value\":null}", 2, AIOPS_EPARSE, "\"value\"");
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"name\":\"up\",\"value\":true}", 2, AIOPS_EPARSE, "\"value\"");
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"name\":\"up\",\"value\":\"\"}", 2, AIOPS_EPARSE, "\"value\"");
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"name\":\"up\",\"value\":{}}", 2, AIOPS_EPARSE, "\"value\"");
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"name\":\"up\"}", 2, AIOPS_EPARSE, "\"value\"");
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"name\":\"up\",\"value\":1.2.3}", 2, AIOPS_EPARSE, NULL);
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"name\":\"up\",\"value\":NaN}", 2, AIOPS_EPARSE, NULL);
}

static void test_error_bad_series(void **state)
{
    fixture *f = *state;
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"series\":\"up{job=}\",\"value\":1}", 11, AIOPS_EPARSE, NULL);
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"series\":\"\",\"value\":1}", 11, AIOPS_EPARSE, NULL);
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"series\":42,\"value\":1}", 11, AIOPS_EPARSE, "\"series\"");
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"series\":\"up{a=\\\"1\\\",a=\\\"2\\\"}\",\"value\":1}", 11,
                 AIOPS_EPARSE, NULL);
    /* No series at all. */
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"value\":1}", 12, AIOPS_EPARSE, "\"series\"");
    /* Labels that are not an object of strings. */
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"name\":\"up\",\"labels\":{\"a\":1},\"value\":1}", 13,
                 AIOPS_EPARSE, "\"a\"");
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"name\":\"up\",\"labels\":[],\"value\":1}", 13, AIOPS_EPARSE,
                 NULL);
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"name\":5,\"value\":1}", 13, AIOPS_EPARSE, NULL);
    /* Bad label names, on both the fast and the jansson path. */
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"name\":\"up\",\"labels\":{\"1a\":\"x\"},\"value\":1}", 14,
                 AIOPS_EPARSE, NULL);
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"name\":\"up\",\"labels\":{\"a-b\":\"x\\n\"},\"value\":1}", 14,
                 AIOPS_EPARSE, NULL);
    /* Duplicate label (fast path: two raw keys). */
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"name\":\"up\",\"labels\":{\"a\":\"1\",\"a\":\"2\"},\"value\":1}",
                 15, AIOPS_EPARSE, NULL);
    /* Neither a name nor a label. */
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"name\":\"\",\"labels\":{},\"value\":1}", 16, AIOPS_EPARSE, NULL);
    assert_int_equal(aiops_series_table_count(f->tab), 0);
}

static void test_error_series_message_kept(void **state)
{
    fixture *f = *state;
    /* The interning error says what was expected; re-setting file/line
     * must keep that text (fast path, jansson path and TSV alike). */
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"name\":\"up\",\"labels\":{\"1a\":\"x\"},\"value\":1}", 51,
                 AIOPS_EPARSE, "expected a label name");
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"name\":\"up\",\"labels\":{\"a-b\":\"x\\n\"},\"value\":1}", 52,
                 AIOPS_EPARSE, "expected a label name");
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"series\":\"up{job=}\",\"value\":1}", 53, AIOPS_EPARSE,
                 "expected '\"'");
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"series\":\"up{a=\\\"1\\\",a=\\\"2\\\"}\",\"value\":1}", 54,
                 AIOPS_EPARSE, "label 'a' appears twice");
    expect_error(f, "1700000000\tup{a=\"1\"\t1", 55, AIOPS_EPARSE, "expected");
}

static void test_error_bad_metric_name(void **state)
{
    fixture *f = *state;
    /* Names must match [a-zA-Z_:][a-zA-Z0-9_:]* (docs/FORMAT.md); a name
     * that does not would be written out as unparseable series text. */
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"name\":\"bad name\",\"labels\":{},\"value\":1}", 17,
                 AIOPS_EPARSE, NULL);
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"name\":\"9lives\",\"value\":1}", 17, AIOPS_EPARSE, NULL);
}

static void test_error_invalid_json(void **state)
{
    fixture *f = *state;
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,", 21, AIOPS_EPARSE, "JSON");
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"name\":\"up\",\"value\":1} trailing", 21, AIOPS_EPARSE, NULL);
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"name\":\"up\",\"value\":1}}", 21, AIOPS_EPARSE, NULL);
    expect_error(f, "{type:\"sample\"}", 21, AIOPS_EPARSE, NULL);
    expect_error(f, "{", 21, AIOPS_EPARSE, NULL);
    expect_error(f, "{\"type\":\"log\",\"ts\":1,\"message\":\"a\tb\"}", 21, AIOPS_EPARSE, NULL);
    /* Not an object, no type. */
    expect_error(f, "[1,2,3]", 22, AIOPS_EPARSE, NULL);
    expect_error(f, "{\"ts\":1,\"name\":\"up\",\"value\":1}", 23, AIOPS_EPARSE, "\"type\"");
    expect_error(f, "{\"type\":7,\"ts\":1}", 23, AIOPS_EPARSE, "\"type\"");
    expect_error(f, "{}", 23, AIOPS_EPARSE, "\"type\"");
}

static void test_error_invalid_utf8(void **state)
{
    fixture *f = *state;
    /* JSON text is UTF-8 (RFC 8259): an invalid byte is an error on the
     * fast path as it is on the jansson path. */
    expect_error(f, "{\"type\":\"log\",\"ts\":1,\"message\":\"\xff\"}", 24, AIOPS_EPARSE, NULL);
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"name\":\"up\",\"labels\":{\"a\":\"\xc3\"},\"value\":1}", 24,
                 AIOPS_EPARSE, NULL);
}

static void test_error_duplicate_keys(void **state)
{
    fixture *f = *state;
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"ts\":2,\"name\":\"up\",\"value\":1}", 31, AIOPS_EPARSE, NULL);
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"name\":\"up\",\"value\":1,\"value\":2}", 31, AIOPS_EPARSE, NULL);
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"name\":\"up\",\"name\":\"down\",\"value\":1}", 31, AIOPS_EPARSE,
                 NULL);
    expect_error(f, "{\"type\":\"sample\",\"ts\":1,\"labels\":{},\"labels\":{},\"name\":\"up\",\"value\":1}", 31,
                 AIOPS_EPARSE, NULL);
    expect_error(f, "{\"type\":\"alert\",\"ts\":1,\"name\":\"a\",\"name\":\"b\"}", 31, AIOPS_EPARSE, NULL);
}

static void test_error_duplicate_type(void **state)
{
    fixture *f = *state;
    /* A duplicate "type" must not turn a log line into a sample. */
    expect_error(f, "{\"type\":\"log\",\"ts\":1,\"name\":\"up\",\"value\":1,\"type\":\"sample\"}", 32, AIOPS_EPARSE,
                 NULL);
    expect_error(f, "{\"type\":\"sample\",\"type\":\"sample\",\"ts\":1,\"name\":\"up\",\"value\":1}", 32, AIOPS_EPARSE,
                 NULL);
}

static void test_error_tsv(void **state)
{
    fixture *f = *state;
    expect_error(f, "1700000000\tup", 41, AIOPS_EPARSE, "ts<TAB>series<TAB>value");
    expect_error(f, "1700000000\tup\t1\t2", 42, AIOPS_EPARSE, "ts<TAB>series<TAB>value");
    expect_error(f, "just words", 43, AIOPS_EPARSE, NULL);
    expect_error(f, "", 43, AIOPS_EPARSE, NULL);
    expect_error(f, "noon\tup\t1", 44, AIOPS_EPARSE, "timestamp");
    expect_error(f, "1700000000\tup\tfast", 45, AIOPS_EPARSE, "value");
    expect_error(f, "1700000000\tup\t", 45, AIOPS_EPARSE, "value");
    expect_error(f, "1700000000\tup{a=\"1\"\t1", 46, AIOPS_EPARSE, NULL);
    expect_error(f, "1700000000\t\t1", 47, AIOPS_EPARSE, NULL);
}

static void test_record_clear(void **state)
{
    (void)state;
    aiops_record r = {AIOPS_R_LOG, 3, 1.0, 2.0, json_object()};
    aiops_record_clear(&r);
    assert_null(r.obj);
    assert_int_equal(r.type, AIOPS_R_OTHER);
    assert_true(r.ts == 0);
    aiops_record_clear(&r);
    aiops_record_clear(NULL);
}

/* Raw text (aiops.h): a JSON string in obj holding the members after type
 * and ts; aiops_record_json replaces it by the tree, numbers as spelled;
 * a record with a tree or none has no text; bad text is an error. */
static void test_record_text(void **state)
{
    (void)state;
    aiops_err err;
    const char *t;
    size_t n;
    aiops_record r = {AIOPS_R_SPAN, 0, 1.0, 0, json_string(",\"operation\":\"GET\",\"duration\":2,"
                                                             "\"error\":false,\"d\":0.25")};
    assert_int_equal(aiops_record_text(&r, &t, &n), 1);
    assert_int_equal(n, strlen(t));
    assert_memory_equal(t, ",\"operation\"", 12);
    json_t *o = aiops_record_json(&r, &err);
    assert_ptr_equal(o, r.obj);
    assert_int_equal(err.code, 0);
    assert_int_equal(json_object_size(o), 4);
    assert_true(json_is_integer(json_object_get(o, "duration")));
    assert_true(json_real_value(json_object_get(o, "d")) == 0.25);
    assert_true(json_is_false(json_object_get(o, "error")));
    assert_int_equal(aiops_record_text(&r, &t, &n), 0);
    assert_ptr_equal(aiops_record_json(&r, &err), o);      /* built once */
    aiops_record_clear(&r);
    aiops_record e = {AIOPS_R_EVENT, 0, 1.0, 0, json_string("")};
    o = aiops_record_json(&e, &err);
    assert_true(json_is_object(o));
    assert_int_equal(json_object_size(o), 0);
    aiops_record_clear(&e);
    aiops_record s = {AIOPS_R_SAMPLE, 0, 1.0, 1.0, NULL};
    assert_null(aiops_record_json(&s, &err));
    assert_int_equal(err.code, 0);
    assert_int_equal(aiops_record_text(&s, &t, &n), 0);
    aiops_record bad = {AIOPS_R_LOG, 0, 1.0, 0, json_string(",\"a\":")};
    assert_null(aiops_record_json(&bad, &err));
    assert_int_equal(err.code, AIOPS_EPARSE);
    assert_true(json_is_string(bad.obj));                  /* left as it was */
    aiops_record_clear(&bad);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_canonical_sample),
        T(test_sample_key_orders),
        T(test_sample_cached_series_key),
        T(test_sample_name_or_labels_only),
        T(test_sample_escaped_strings),
        T(test_series_spelling),
        T(test_special_values),
        T(test_ts_rfc3339),
        T(test_sample_extra_fields),
        T(test_non_sample_records),
        T(test_rtype_mapping),
        T(test_unknown_type),
        T(test_tsv),
        T(test_error_missing_ts),
        T(test_error_ts_type),
        T(test_error_ts_not_finite),
        T(test_error_bad_value),
        T(test_error_bad_series),
        T(test_error_series_message_kept),
        T(test_error_bad_metric_name),
        T(test_error_invalid_json),
        T(test_error_invalid_utf8),
        T(test_error_duplicate_keys),
        T(test_error_duplicate_type),
        T(test_error_tsv),
        T(test_record_clear),
        T(test_record_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
