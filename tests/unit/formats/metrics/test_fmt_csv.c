/* test_fmt_csv.c - CSV format: NAB and wide (Grafana) layouts, headerless
 * files, quoting, BOM, time spellings, probe scores and malformed input. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aiops.h"
#include "testutil.h"

typedef struct want {
    const char *series;
    double ts;
    double value;
} want;

/* Parse text as entry `name` with the csv format; returns the rc of the
 * last next() (0 at clean end) and fills err.  Records are checked
 * against w (n of them) as they arrive; w NULL (error cases) only lets
 * the records before the error pass. */
static int run_max(const char *name, const char *text, size_t len, size_t max_line,
                   const want *w, size_t n, aiops_err *err)
{
    aiops_stream *s = aiops_stream_new_mem(name, text, len, max_line, 0);
    aiops_series_table *tab = aiops_series_table_new();
    assert_non_null(s);
    assert_non_null(tab);
    aiops_parse_ctx ctx = {.stream = s, .series = tab};
    void *st = NULL;
    aiops_err_clear(err);
    assert_int_equal(aiops_fmt_csv.open(&st, &ctx, err), 0);
    size_t got = 0;
    int rc;
    aiops_record rec;
    while ((rc = aiops_fmt_csv.next(st, &ctx, &rec, err)) == 1) {
        if (!w)
            continue;
        assert_true(got < n);
        assert_int_equal(rec.type, AIOPS_R_SAMPLE);
        assert_null(rec.obj);
        assert_string_equal(aiops_series_get(tab, rec.sid)->text, w[got].series);
        assert_true(rec.ts == w[got].ts);
        if (isnan(w[got].value))
            assert_true(isnan(rec.value));
        else
            assert_true(rec.value == w[got].value);
        got++;
    }
    if (rc == 0 && w)
        assert_int_equal(got, n);
    aiops_fmt_csv.close(st);
    aiops_series_table_free(tab);
    aiops_stream_free(s);
    return rc;
}

static void expect_ok(const char *name, const char *text, const want *w, size_t n)
{
    aiops_err err;
    int rc = run_max(name, text, strlen(text), 0, w, n, &err);
    if (rc)
        fail_msg("unexpected error %d: %s:%ld: %s", rc, err.file, err.line, err.msg);
}

/* Malformed input: error code, file, line and a message fragment. */
static void expect_err_len(const char *text, size_t len, size_t max_line, int code,
                           long line, const char *frag)
{
    aiops_err err;
    int rc = run_max("dir/bad.csv", text, len, max_line, NULL, 0, &err);
    assert_int_equal(rc, code);
    assert_int_equal(err.code, code);
    assert_string_equal(err.file, "dir/bad.csv");
    assert_int_equal(err.line, line);
    if (!strstr(err.msg, frag))
        fail_msg("message '%s' lacks '%s'", err.msg, frag);
}

static void expect_err(const char *text, long line, const char *frag)
{
    expect_err_len(text, strlen(text), 0, AIOPS_EPARSE, line, frag);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ NAB layout */

static void test_nab(void **state)
{
    (void)state;
    static const want w[] = {
        {"nyc_taxi", 1404172800, 10844},
        {"nyc_taxi", 1404174600, 8127},
        {"nyc_taxi", 1404176400, 6210.5},
    };
    expect_ok("data/realKnownCause/nyc_taxi.csv",
              "timestamp,value\n"
              "2014-07-01 00:00:00,10844\n"
              "2014-07-01 00:30:00,8127\n"
              "2014-07-01 01:00:00,6210.5\n",
              w, N(w));
}

static void test_nab_header_spellings(void **state)
{
    (void)state;
    static const want w[] = {{"cpu_util_1", 1404172800, 1}, {"cpu_util_1", 1404174600, 2}};
    /* CRLF, case, quoting, the "time"/"ts" spellings, a stem with dashes */
    expect_ok("x/cpu-util.1.csv", "Time,Value\r\n2014-07-01 00:00:00,1\r\n"
              "2014-07-01 00:30:00,2\r\n", w, N(w));
    static const want w2[] = {{"cpu_util", 1404172800, 1}, {"cpu_util", 1404174600, 2}};
    expect_ok("cpu-util.csv", "\"TS\",\"value\"\n2014-07-01 00:00:00,1\n"
              "2014-07-01 00:30:00,\"2\"\n", w2, N(w2));
    /* a stem starting with a digit gets a '_' to stay a metric name */
    static const want w3[] = {{"_2024_load", 1404172800, 3}};
    expect_ok("/tmp/2024 load.csv", "timestamp,value\n2014-07-01 00:00:00,3\n", w3, N(w3));
    /* stdin has no usable stem: a fixed name instead of "_" */
    static const want w4[] = {{"csv", 1404172800, 4}};
    expect_ok("-", "timestamp,value\n2014-07-01 00:00:00,4\n", w4, N(w4));
}

/* Naive NAB times are UTC; empty values are skipped; NaN/Inf are values. */
static void test_nab_specials(void **state)
{
    (void)state;
    static const want w[] = {
        {"m", 1404172800, NAN},
        {"m", 1404176400, INFINITY},
        {"m", 1404178200, -INFINITY},
        {"m", 1404180000, -1.5e-3},
    };
    expect_ok("m.csv",
              "timestamp,value\n"
              "2014-07-01 00:00:00,NaN\n"
              "2014-07-01 00:30:00,\n"
              "2014-07-01 01:00:00,+Inf\n"
              "\n"
              "2014-07-01 01:30:00, -Inf \n"
              "2014-07-01 02:00:00,-1.5e-3\n",
              w, N(w));
}

/* ----------------------------------------------------------- wide layout */

static void test_wide_series_headers(void **state)
{
    (void)state;
    static const want w[] = {
        {"node_load1{instance=\"a\"}", 1710072000, 0.5},
        {"up", 1710072000, 1},
        {"{job=\"x\"}", 1710072000, 7},
        {"node_load1{instance=\"a\"}", 1710072015.25, 0.75},
        {"up", 1710072015.25, 0},
        {"{job=\"x\"}", 1710072015.25, 8},
    };
    /* Grafana quotes every cell and doubles the quotes inside. */
    expect_ok("grafana.csv",
              "\"Time\",\"node_load1{instance=\"\"a\"\"}\",\"up\",\"{job=\"\"x\"\"}\"\n"
              "1710072000000,0.5,1,7\n"
              "1710072015250,0.75,0,8\n",
              w, N(w));
}

static void test_wide_labels_canonical(void **state)
{
    (void)state;
    /* label order and spaces in the header do not matter */
    static const want w[] = {
        {"node_load1{instance=\"a:9100\",job=\"node\"}", 1704164645, 1},
    };
    expect_ok("g.csv",
              "time,\"node_load1{job=\"\"node\"\", instance=\"\"a:9100\"\"}\"\n"
              "2024-01-02T03:04:05Z,1\n",
              w, N(w));
}

static void test_wide_free_text(void **state)
{
    (void)state;
    static const want w[] = {
        {"host_metrics{column=\"CPU usage (%)\"}", 1704164645, 12.5},
        {"host_metrics{column=\"a,b\"}", 1704164645, 3},
        {"host_metrics{column=\"say \\\"hi\\\"\"}", 1704164645, 4},
        {"host_metrics{column=\"5\"}", 1704164645, 5},
    };
    /* the 5th header cell is empty: its field number names it */
    expect_ok("exports/host-metrics.csv",
              "Time,CPU usage (%),\"a,b\",\"say \"\"hi\"\"\",\n"
              "2024-01-02 03:04:05,12.5,3,4,5\n",
              w, N(w));
}

static void test_wide_empty_cells(void **state)
{
    (void)state;
    static const want w[] = {
        {"a", 1710072000, 1},
        {"c", 1710072000, 3},
        {"b", 1710072015, 2},
        {"c", 1710072030, 6},
    };
    expect_ok("e.csv",
              "Time,a,b,c\n"
              "1710072000,1,,3\n"
              "1710072015,,2,\"\"\n"
              "1710072030,,,6\n"
              "1710072045,,,\n",
              w, N(w));
}

static void test_wide_rfc3339_offsets(void **state)
{
    (void)state;
    static const want w[] = {
        {"x", 1704164645, 1},
        {"x", 1704164645.5, 2},
        {"x", 1704164646, 3},
    };
    expect_ok("t.csv",
              "date,x\n"
              "2024-01-02T05:04:05+02:00,1\n"
              "2024-01-01T22:34:05.5-04:30,2\n"
              "\"2024-01-02T03:04:06Z\",3\n",
              w, N(w));
}

/* --------------------------------------------------------- no header */

static void test_noheader_two_columns(void **state)
{
    (void)state;
    static const want w[] = {{"ec2_cpu", 1404172800, 1}, {"ec2_cpu", 1404174600, 2}};
    expect_ok("ec2_cpu.csv", "2014-07-01 00:00:00,1\n2014-07-01 00:30:00,2\n", w, N(w));
}

static void test_noheader_wide(void **state)
{
    (void)state;
    static const want w[] = {
        {"w{column=\"2\"}", 1710072000, 1},
        {"w{column=\"3\"}", 1710072000, 2},
        {"w{column=\"4\"}", 1710072000, 3},
        {"w{column=\"3\"}", 1710072015, 5},
    };
    expect_ok("w.csv", "1710072000,1,2,3\n1710072015,,5,\n", w, N(w));
}

/* ------------------------------------------------------------- misc */

static void test_bom_and_sep_hint(void **state)
{
    (void)state;
    static const want w[] = {{"b", 1710072000, 1}};
    expect_ok("b.csv", "\xef\xbb\xbftimestamp,value\n1710072000,1\n", w, N(w));
    static const want w2[] = {{"up", 1710072000, 1}};
    expect_ok("b.csv", "\xef\xbb\xbfsep=,\r\n\"Time\",\"up\"\r\n1710072000,1\r\n", w2, N(w2));
}

static void test_empty_inputs(void **state)
{
    (void)state;
    static const want none[1] = {{"", 0, 0}};   /* non-NULL: records are errors */
    expect_ok("e.csv", "", none, 0);
    expect_ok("e.csv", "\n\n  \n", none, 0);
    expect_ok("e.csv", "timestamp,value\n", none, 0);
    expect_ok("e.csv", "Time,a,b\r\n", none, 0);
}

static void test_huge_value_is_inf(void **state)
{
    (void)state;
    /* beyond double range is still a measurement: +Inf, as num.c defines */
    static const want w[] = {{"h", 1710072000, INFINITY}};
    expect_ok("h.csv", "ts,value\n1710072000,1e400\n", w, N(w));
}

/* --------------------------------------------------------- malformed */

static void test_bad_time(void **state)
{
    (void)state;
    expect_err("timestamp,value\n2014-07-01 00:00:00,1\n2014-07-01 25:00:00,2\n", 3,
               "expected a time");
    expect_err("timestamp,value\n2014-07-01 00:00:00,1\nyesterday,2\n", 3, "'yesterday'");
    expect_err("Time,a\n,1\n", 2, "got ''");
}

static void test_bad_number(void **state)
{
    (void)state;
    expect_err("Time,up,\"node_load1{instance=\"\"a\"\"}\"\n1710072000,1,abc\n", 2,
               "field 3 (node_load1{instance=\"a\"}), got 'abc'");
    expect_err("timestamp,value\n1710072000,1,5\n", 2, "expected 2 comma-separated fields");
    expect_err("timestamp,value\n1710072000,0x10\n", 2, "expected a number");
    /* invalid UTF-8 in a value: not a number */
    expect_err("timestamp,value\n1710072000,\xff\xfe\n", 2, "expected a number");
    /* a long number is still a number, a long word is not */
    char big[400];
    memset(big, 0, sizeof big);
    strcpy(big, "timestamp,value\n1710072000,");
    memset(big + strlen(big), 'x', 300);
    strcat(big, "\n");
    expect_err(big, 2, "expected a number");
}

static void test_long_number(void **state)
{
    (void)state;
    char big[400];
    memset(big, 0, sizeof big);
    strcpy(big, "timestamp,value\n1710072000,1");
    memset(big + strlen(big), '0', 300);
    strcat(big, "\n");
    aiops_series_table *tab = aiops_series_table_new();
    aiops_record r[2];
    aiops_err err = {0};
    assert_int_equal(tu_parse(&aiops_fmt_csv, "long.csv", big, tab, r, 2, &err), 1);
    assert_true(r[0].value == 1e300);
    aiops_series_table_free(tab);
}

static void test_bad_field_count(void **state)
{
    (void)state;
    expect_err("Time,a,b\n1710072000,1,2\n1710072015,1\n", 3,
               "expected 3 comma-separated fields as on the first line, got 2");
    expect_err("Time,a,b\n1710072000,1,2,\n", 2, "got 4");
    expect_err("just one column\n", 1, "expected at least 2 comma-separated fields");
}

static void test_bad_quotes(void **state)
{
    (void)state;
    expect_err("Time,a\n1710072000,\"1\n2\"\n", 2, "expected a closing '\"' for field 2");
    expect_err("Time,\"a\n", 1, "quoted fields cannot span lines");
    expect_err("Time,\"a\"x,b\n", 1, "expected ',' after the closing quote of field 2");
}

static void test_bad_bytes(void **state)
{
    (void)state;
    static const char nul[] = "Time,a\n1710072000,1\0\n";
    expect_err_len(nul, sizeof nul - 1, 0, AIOPS_EPARSE, 2, "NUL byte");
    expect_err("Time,caf\xc3\n1710072000,1\n", 1, "expected UTF-8 text in header field 2");
    /* surrogate code points are not UTF-8 either */
    expect_err("Time,\xed\xa0\x80\n", 1, "UTF-8");
}

static void test_duplicate_columns(void **state)
{
    (void)state;
    expect_err("Time,up,b,\"up{}\"\n1710072000,1,2,3\n", 1,
               "fields 2 and 4 are both 'up'");
}

static void test_line_too_long(void **state)
{
    (void)state;
    const char *t = "timestamp,value\n1710072000,1\n1710072015,12345678901234567890123456789\n";
    expect_err_len(t, strlen(t), 32, AIOPS_ELIMIT, 3, "line longer than 32 bytes");
}

/* ------------------------------------------------------------- probe */

static int probe(const char *entry, const char *head)
{
    return aiops_fmt_csv.probe(entry, head, strlen(head));
}

static void test_probe_positive(void **state)
{
    (void)state;
    assert_int_equal(probe("nyc_taxi.csv", "timestamp,value\n2014-07-01 00:00:00,10844\n"), 95);
    assert_int_equal(probe("nyc_taxi.txt", "timestamp,value\n"), 80);
    assert_int_equal(probe("g.CSV", "\"Time\",\"up\"\r\n1710072000000,1\r\n"), 95);
    assert_int_equal(probe("-", "\xef\xbb\xbfts,value\n"), 80);
    assert_int_equal(probe("-", "sep=,\n\"Time\",\"up\"\n"), 80);
    assert_int_equal(probe("-", "DATE,a,b"), 80);   /* head cut inside the first line */
    assert_int_equal(probe("x", "2014-07-01 00:00:00,1\n"), 60);
    assert_int_equal(probe("x", "1710072000,1,2\n"), 60);
    assert_int_equal(probe("x.csv", "2024-01-02T03:04:05Z,1\n"), 75);
}

static void test_probe_negative(void **state)
{
    (void)state;
    static const char *const heads[] = {
        "{\"type\":\"sample\",\"ts\":1710072000,\"series\":\"up{job=\\\"a\\\"}\",\"value\":1}\n",
        "1710072000\tup{job=\"a\",instance=\"b\"}\t1\n",
        "ts\tseries\tvalue\n1710072000\tup\t1\n",
        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}",
        "{__name__=\"up\", instance=\"a\", job=\"b\"} 1 1710072000000\n",
        "# HELP http_requests_total Total.\n# TYPE http_requests_total counter\n",
        "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n",
        "up 1\n",
        "{\"metric\":{\"__name__\":\"up\",\"job\":\"a\"},\"values\":[1,2],\"timestamps\":[1,2]}\n",
        "[1,2,3]\n",
        "name,value\nfoo,1\n",
        "timestamp value\n",
        "",
        "\n,\n",
        "\xff\xfe\x00\x01,\x80",
    };
    for (size_t i = 0; i < N(heads); i++) {
        int p = probe("dump.csv", heads[i]);
        if (p != 0)
            fail_msg("probe gave %d for head %zu", p, i);
    }
    /* NUL bytes and NULL heads */
    assert_int_equal(aiops_fmt_csv.probe("x.csv", "ts\0,value\n", 10), 0);
    assert_int_equal(aiops_fmt_csv.probe("x.csv", NULL, 0), 0);
    assert_int_equal(aiops_fmt_csv.probe(NULL, "ts,value", 8), 80);
}

static void test_format_fields(void **state)
{
    (void)state;
    assert_string_equal(aiops_fmt_csv.name, "csv");
    assert_int_equal(aiops_fmt_csv.ordered, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nab),
        cmocka_unit_test(test_nab_header_spellings),
        cmocka_unit_test(test_nab_specials),
        cmocka_unit_test(test_wide_series_headers),
        cmocka_unit_test(test_wide_labels_canonical),
        cmocka_unit_test(test_wide_free_text),
        cmocka_unit_test(test_wide_empty_cells),
        cmocka_unit_test(test_wide_rfc3339_offsets),
        cmocka_unit_test(test_noheader_two_columns),
        cmocka_unit_test(test_noheader_wide),
        cmocka_unit_test(test_bom_and_sep_hint),
        cmocka_unit_test(test_empty_inputs),
        cmocka_unit_test(test_huge_value_is_inf),
        cmocka_unit_test(test_bad_time),
        cmocka_unit_test(test_bad_number),
        cmocka_unit_test(test_bad_field_count),
        cmocka_unit_test(test_long_number),
        cmocka_unit_test(test_bad_quotes),
        cmocka_unit_test(test_bad_bytes),
        cmocka_unit_test(test_duplicate_columns),
        cmocka_unit_test(test_line_too_long),
        cmocka_unit_test(test_probe_positive),
        cmocka_unit_test(test_probe_negative),
        cmocka_unit_test(test_format_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
