/* test_time.c - libcore/timefmt.c: aiops_parse_time (RFC 3339 variants,
 * dates, epoch magnitudes, calendar validation), aiops_parse_duration,
 * aiops_fmt_time and aiops_days_from_civil. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aiops_format.h"

/* 2024-01-02T03:04:05Z: 19724 days * 86400 + 3*3600 + 4*60 + 5. */
#define T0 1704164645.0

static void expect_time(const char *s, double want)
{
    double got = -12345;
    if (aiops_parse_time(s, strlen(s), &got))
        fail_msg("'%s' rejected, want %.17g", s, want);
    if (got != want)
        fail_msg("'%s' -> %.17g, want %.17g", s, got, want);
}

static void expect_time_reject(const char *s)
{
    double got = -12345;
    if (aiops_parse_time(s, strlen(s), &got) != -1)
        fail_msg("'%s' accepted as %.17g, want -1", s, got);
}

static void expect_dur(const char *s, double want)
{
    double got = -12345;
    if (aiops_parse_duration(s, strlen(s), &got))
        fail_msg("'%s' rejected, want %.17g", s, want);
    if (got != want)
        fail_msg("'%s' -> %.17g, want %.17g", s, got, want);
}

static void expect_dur_reject(const char *s)
{
    double got = -12345;
    if (aiops_parse_duration(s, strlen(s), &got) != -1)
        fail_msg("'%s' accepted as %.17g, want -1", s, got);
}

static void expect_fmt(double t, const char *want)
{
    char buf[40];
    size_t n = aiops_fmt_time(t, buf);
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));
}

/* ---------------------------------------------------- aiops_parse_time */

static void test_parse_time_rfc3339_utc(void **state)
{
    (void)state;
    expect_time("2024-01-02T03:04:05Z", T0);
    expect_time("1970-01-01T00:00:00Z", 0);
    expect_time("2024-01-02T03:04Z", T0 - 5);
    expect_time("2024-01-02t03:04:05z", T0);
}

static void test_parse_time_fractional_seconds(void **state)
{
    (void)state;
    expect_time("2024-01-02T03:04:05.5Z", T0 + 0.5);
    expect_time("2024-01-02T03:04:05.25Z", T0 + 0.25);
    expect_time("2024-01-02T03:04:05.123Z", 1704164645.123);
    expect_time("2024-01-02T03:04:05.000Z", T0);
    expect_time("2024-01-02T03:04:05.123456Z", 1704164645.123456);
    expect_time("1970-01-01T00:00:00.001Z", 0.001);
    double v = 0;
    const char *ns = "2024-01-02T03:04:05.123456789Z";
    assert_int_equal(aiops_parse_time(ns, strlen(ns), &v), 0);
    assert_true(fabs(v - 1704164645.123456789) < 1e-6);
}

static void test_parse_time_offsets(void **state)
{
    (void)state;
    expect_time("2024-01-02T03:04:05+02:00", T0 - 2 * 3600);
    expect_time("2024-01-02T03:04:05-02:00", T0 + 2 * 3600);
    expect_time("2024-01-02T03:04:05-0530", T0 + 5 * 3600 + 30 * 60);
    expect_time("2024-01-02T03:04:05+05:30", T0 - 5 * 3600 - 30 * 60);
    expect_time("2024-01-02T03:04:05+00:00", T0);
    expect_time("2024-01-02T03:04:05.5+01:00", T0 - 3600 + 0.5);
    /* Offset moves the instant across a day boundary. */
    expect_time("2024-01-01T23:00:00-05:00", 1704168000);
}

static void test_parse_time_space_and_utc_suffix(void **state)
{
    (void)state;
    expect_time("2024-01-02 03:04:05", T0);
    expect_time("2024-01-02T03:04:05", T0);
    expect_time("2024-01-02 03:04:05 UTC", T0);
    expect_time("2024-01-02 03:04:05.5 UTC", T0 + 0.5);
    expect_time("2024-01-02 03:04:05Z", T0);
    expect_time("2024-01-02 03:04:05+02:00", T0 - 7200);
}

static void test_parse_time_date_only(void **state)
{
    (void)state;
    expect_time("2024-01-02", 1704153600);
    expect_time("1970-01-01", 0);
    expect_time("1969-12-31", -86400);
    expect_time("2000-03-01", 951868800);
}

static void test_parse_time_surrounding_blanks(void **state)
{
    (void)state;
    expect_time(" 2024-01-02T03:04:05Z", T0);
    expect_time("2024-01-02T03:04:05Z\t", T0);
    expect_time("  1704164645  ", T0);
}

static void test_parse_time_epoch_seconds(void **state)
{
    (void)state;
    expect_time("1704164645", T0);
    expect_time("1704164645.25", T0 + 0.25);
    expect_time("0", 0);
    expect_time("-86400", -86400);
    expect_time("1.704164645e9", T0);
    /* Just at the seconds/millis boundary (1e11 s = year 5138). */
    expect_time("100000000000", 1e11);
}

static void test_parse_time_epoch_millis(void **state)
{
    (void)state;
    expect_time("1704164645123", 1704164645.123);
    expect_time("1704164645000", T0);
    expect_time("100000000001", 100000000.001);
    expect_time("-1704164645000", -T0);
}

static void test_parse_time_epoch_micros(void **state)
{
    (void)state;
    expect_time("1704164645123456", 1704164645.123456);
    expect_time("1704164645000000", T0);
}

static void test_parse_time_epoch_nanos(void **state)
{
    (void)state;
    expect_time("1704164645000000000", T0);
    expect_time("1704164645500000000", T0 + 0.5);   /* exact in binary */
    double v = 0;
    assert_int_equal(aiops_parse_time("1704164645123456789", 19, &v), 0);
    assert_true(fabs(v - 1704164645.123456789) < 1e-6);
}

static void test_parse_time_leap_days(void **state)
{
    (void)state;
    expect_time("2024-02-29T00:00:00Z", 1709164800);
    expect_time("2000-02-29", 951782400);
    expect_time_reject("2023-02-29T00:00:00Z");
    expect_time_reject("2023-02-29");
    expect_time_reject("1900-02-29");
    expect_time_reject("2024-02-30");
}

static void test_parse_time_rejects_bad_fields(void **state)
{
    (void)state;
    expect_time_reject("2024-13-01T00:00:00Z");
    expect_time_reject("2024-00-10T00:00:00Z");
    expect_time_reject("2024-01-00");
    expect_time_reject("2024-01-32");
    expect_time_reject("2024-04-31");
    expect_time_reject("2024-01-02T24:00:00Z");
    expect_time_reject("2024-01-02T03:60:00Z");
    expect_time_reject("2024-01-02T03:04:61Z");
    expect_time_reject("2024-01-02T03:04:05+24:00");
    expect_time_reject("2024-01-02T03:04:05+02:60");
}

static void test_parse_time_rejects_garbage(void **state)
{
    (void)state;
    const char *bad[] = {
        "", " ", "yesterday", "now", "2024/01/02", "2024-1-2", "2024-01-02T",
        "2024-01-02T03", "2024-01-02T03:04:", "2024-01-02T03:04:05.", "2024-01-02T03:04:05.Z",
        "2024-01-02T03:04:05Zjunk", "2024-01-02T03:04:05+", "2024-01-02T03:04:05+02",
        "2024-01-02T03:04:05 PST", "2024-01-02X03:04:05Z", "20240102T030405Z", "NaN", "+Inf",
        "-Inf", "12abc", "1704164645s", "0x10", "2024-01-02T03:04:05ZZ",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_time_reject(bad[i]);
}

static void test_parse_time_respects_span(void **state)
{
    (void)state;
    double v = 0;
    const char *s = "2024-01-02T03:04:05Z,42";
    assert_int_equal(aiops_parse_time(s, 20, &v), 0);
    assert_true(v == T0);
    assert_int_equal(aiops_parse_time("1704164645,1", 10, &v), 0);
    assert_true(v == T0);
}

/* ------------------------------------------------ aiops_parse_duration */

static void test_parse_duration_units(void **state)
{
    (void)state;
    expect_dur("90", 90);
    expect_dur("90s", 90);
    expect_dur("5m", 300);
    expect_dur("2h", 7200);
    expect_dur("2d", 172800);
    expect_dur("1w", 604800);
    expect_dur("250ms", 0.25);
    expect_dur("0", 0);
    expect_dur("0s", 0);
}

static void test_parse_duration_compound_and_fractional(void **state)
{
    (void)state;
    expect_dur("1h30m", 5400);
    expect_dur("1m30s", 90);
    expect_dur("1d12h", 129600);
    expect_dur("1h30m15s", 5415);
    expect_dur("1s500ms", 1.5);
    expect_dur("1.5h", 5400);
    expect_dur("0.5s", 0.5);
    expect_dur("2.5", 2.5);
    expect_dur("1500ms", 1.5);
}

static void test_parse_duration_rejects(void **state)
{
    (void)state;
    const char *bad[] = {"", "5x", "1h30", "m", "s", "ms", "h5", "-5m", "+5m", " 5m", "5m ",
                         "5 m", "1.2.3s", ".s", "5mm", "5M", "1h 30m", "abc", "5sec"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_dur_reject(bad[i]);
}

/* ------------------------------------------------------ aiops_fmt_time */

static void test_fmt_time_whole_seconds(void **state)
{
    (void)state;
    expect_fmt(0, "1970-01-01T00:00:00Z");
    expect_fmt(T0, "2024-01-02T03:04:05Z");
    expect_fmt(1709164800, "2024-02-29T00:00:00Z");
    expect_fmt(951782400, "2000-02-29T00:00:00Z");
    expect_fmt(4102444800.0, "2100-01-01T00:00:00Z");
    expect_fmt(253402300799.0, "9999-12-31T23:59:59Z");
    expect_fmt(1704153599, "2024-01-01T23:59:59Z");
}

static void test_fmt_time_millis(void **state)
{
    (void)state;
    expect_fmt(T0 + 0.5, "2024-01-02T03:04:05.500Z");
    expect_fmt(1704164645.123, "2024-01-02T03:04:05.123Z");
    expect_fmt(0.001, "1970-01-01T00:00:00.001Z");
    expect_fmt(1704164645.999, "2024-01-02T03:04:05.999Z");
    /* Rounds to the nearest milli, carrying into the next second. */
    expect_fmt(1.9996, "1970-01-01T00:00:02Z");
    expect_fmt(59.9999, "1970-01-01T00:01:00Z");
    expect_fmt(1.0004, "1970-01-01T00:00:01Z");
}

static void test_fmt_time_before_1970(void **state)
{
    (void)state;
    expect_fmt(-1, "1969-12-31T23:59:59Z");
    expect_fmt(-86400, "1969-12-31T00:00:00Z");
    expect_fmt(-86401, "1969-12-30T23:59:59Z");
    expect_fmt(-0.25, "1969-12-31T23:59:59.750Z");
    expect_fmt(-2208988800.0, "1900-01-01T00:00:00Z");
    expect_fmt(-2203891200.0, "1900-03-01T00:00:00Z");
    expect_fmt(-62135596800.0, "0001-01-01T00:00:00Z");
    expect_fmt(-31536000, "1969-01-01T00:00:00Z");
}

/* fmt -> parse is the identity on millisecond timestamps. */
static void test_fmt_time_parse_round_trip(void **state)
{
    (void)state;
    for (int64_t ms = -3000000000000LL; ms < 5000000000000LL; ms += 7777777777LL + 13) {
        double t = (double)ms / 1000.0, back = 0;
        char buf[40];
        size_t n = aiops_fmt_time(t, buf);
        if (aiops_parse_time(buf, n, &back) || back != t)
            fail_msg("%.17g -> '%s' -> %.17g", t, buf, back);
    }
}

/* ------------------------------------------------ aiops_days_from_civil */

static void test_days_from_civil_known_dates(void **state)
{
    (void)state;
    assert_int_equal(aiops_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(aiops_days_from_civil(1970, 1, 2), 1);
    assert_int_equal(aiops_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(aiops_days_from_civil(2000, 1, 1), 10957);
    assert_int_equal(aiops_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(aiops_days_from_civil(2024, 1, 2), 19724);
    assert_int_equal(aiops_days_from_civil(2024, 2, 29), 19782);
    assert_int_equal(aiops_days_from_civil(2024, 3, 1), 19783);
    assert_true(aiops_days_from_civil(1900, 1, 1) == -25567);
    assert_true(aiops_days_from_civil(1, 1, 1) == -719162);
    assert_true(aiops_days_from_civil(0, 3, 1) == -719468);
    assert_true(aiops_days_from_civil(0, 1, 1) == -719528);
    assert_true(aiops_days_from_civil(-1, 12, 31) == -719529);
}

static void test_days_from_civil_century_rules(void **state)
{
    (void)state;
    /* 2100 is not a leap year, 2000 and 2400 are. */
    assert_int_equal(aiops_days_from_civil(2100, 3, 1) - aiops_days_from_civil(2100, 2, 28), 1);
    assert_int_equal(aiops_days_from_civil(2000, 3, 1) - aiops_days_from_civil(2000, 2, 28), 2);
    assert_int_equal(aiops_days_from_civil(2400, 3, 1) - aiops_days_from_civil(2400, 2, 28), 2);
    assert_int_equal(aiops_days_from_civil(2001, 1, 1) - aiops_days_from_civil(2000, 1, 1), 366);
    assert_int_equal(aiops_days_from_civil(2101, 1, 1) - aiops_days_from_civil(2100, 1, 1), 365);
}

/* Consecutive days over 1600..2400 differ by exactly one. */
static void test_days_from_civil_is_contiguous(void **state)
{
    (void)state;
    static const unsigned dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t prev = aiops_days_from_civil(1600, 1, 1) - 1;
    for (int64_t y = 1600; y < 2400; y++) {
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        for (unsigned m = 1; m <= 12; m++) {
            unsigned nd = dm[m - 1] + (m == 2 && leap);
            for (unsigned d = 1; d <= nd; d++) {
                int64_t cur = aiops_days_from_civil(y, m, d);
                if (cur != prev + 1)
                    fail_msg("%lld-%02u-%02u: %lld after %lld", (long long)y, m, d,
                             (long long)cur, (long long)prev);
                prev = cur;
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_time_rfc3339_utc),
        cmocka_unit_test(test_parse_time_fractional_seconds),
        cmocka_unit_test(test_parse_time_offsets),
        cmocka_unit_test(test_parse_time_space_and_utc_suffix),
        cmocka_unit_test(test_parse_time_date_only),
        cmocka_unit_test(test_parse_time_surrounding_blanks),
        cmocka_unit_test(test_parse_time_epoch_seconds),
        cmocka_unit_test(test_parse_time_epoch_millis),
        cmocka_unit_test(test_parse_time_epoch_micros),
        cmocka_unit_test(test_parse_time_epoch_nanos),
        cmocka_unit_test(test_parse_time_leap_days),
        cmocka_unit_test(test_parse_time_rejects_bad_fields),
        cmocka_unit_test(test_parse_time_rejects_garbage),
        cmocka_unit_test(test_parse_time_respects_span),
        cmocka_unit_test(test_parse_duration_units),
        cmocka_unit_test(test_parse_duration_compound_and_fractional),
        cmocka_unit_test(test_parse_duration_rejects),
        cmocka_unit_test(test_fmt_time_whole_seconds),
        cmocka_unit_test(test_fmt_time_millis),
        cmocka_unit_test(test_fmt_time_before_1970),
        cmocka_unit_test(test_fmt_time_parse_round_trip),
        cmocka_unit_test(test_days_from_civil_known_dates),
        cmocka_unit_test(test_days_from_civil_is_contiguous),
        cmocka_unit_test(test_days_from_civil_century_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
