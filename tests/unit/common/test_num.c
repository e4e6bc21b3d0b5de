/* test_num.c - libcore/num.c: aiops_parse_double (syntax, specials, span
 * handling, bit-exactness against strtod), aiops_parse_int64 (edges) and
 * aiops_fmt_double (round trip, short forms, specials). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aiops.h"

/* ------------------------------------------------------------ helpers */

static uint64_t bits(double v)
{
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    return b;
}

static double from_bits(uint64_t b)
{
    double v;
    memcpy(&v, &b, sizeof v);
    return v;
}

/* splitmix64: deterministic, so a failure reproduces. */
static uint64_t rng_state = 0x5eed1234abcdULL;

static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static unsigned rnd_below(unsigned n)
{
    return (unsigned)(rnd() % n);
}

static int parse_str(const char *s, double *out)
{
    return aiops_parse_double(s, strlen(s), out);
}

/* s must parse to exactly (bit for bit) want. */
static void expect_double(const char *s, double want)
{
    double got = 12345.678;
    if (parse_str(s, &got))
        fail_msg("'%s' rejected, want %.17g", s, want);
    if (bits(got) != bits(want))
        fail_msg("'%s' -> %.17g (0x%016llx), want %.17g (0x%016llx)", s, got,
                 (unsigned long long)bits(got), want, (unsigned long long)bits(want));
}

static void expect_reject(const char *s)
{
    double got = 12345.678;
    if (parse_str(s, &got) != -1)
        fail_msg("'%s' accepted as %.17g, want -1", s, got);
}

/* Parse must agree bit for bit with glibc's correctly rounded strtod. */
static void expect_like_strtod(const char *s)
{
    double want = strtod(s, NULL), got = 0;
    if (parse_str(s, &got))
        fail_msg("'%s' rejected, strtod gives %.17g", s, want);
    if (bits(got) != bits(want))
        fail_msg("'%s' -> %.17g (0x%016llx), strtod %.17g (0x%016llx)", s, got,
                 (unsigned long long)bits(got), want, (unsigned long long)bits(want));
}

static void expect_fmt(double v, const char *want)
{
    char buf[32];
    size_t n = aiops_fmt_double(v, buf);
    assert_int_equal(n, strlen(want));
    assert_string_equal(buf, want);
}

/* ------------------------------------------------- aiops_parse_double */

static void test_parse_double_integers(void **state)
{
    (void)state;
    expect_double("0", 0.0);
    expect_double("7", 7.0);
    expect_double("42", 42.0);
    expect_double("007", 7.0);
    expect_double("1700000000", 1700000000.0);
    expect_double("9007199254740992", 9007199254740992.0);
    expect_double("123456789012345678", 123456789012345680.0);
}

static void test_parse_double_decimals(void **state)
{
    (void)state;
    expect_double("0.5", 0.5);
    expect_double(".5", 0.5);
    expect_double("5.", 5.0);
    expect_double("0.1", 0.1);
    expect_double("3.14159", 3.14159);
    expect_double("1700000000.123", 1700000000.123);
    expect_double("0.000001", 1e-6);
    expect_double("0.30000000000000004", 0.30000000000000004);
}

static void test_parse_double_exponents(void **state)
{
    (void)state;
    expect_double("1e3", 1000.0);
    expect_double("1E3", 1000.0);
    expect_double("1e+3", 1000.0);
    expect_double("1e-2", 0.01);
    expect_double("1.5e2", 150.0);
    expect_double("2.5E-3", 0.0025);
    expect_double("1e22", 1e22);
    expect_double("1e23", 1e23);
    expect_double("1e-22", 1e-22);
    expect_double("1e-23", 1e-23);
    expect_double("1e308", 1e308);
    expect_double("0e999", 0.0);
    expect_double("5e-324", 5e-324);
}

static void test_parse_double_signs(void **state)
{
    (void)state;
    expect_double("-17", -17.0);
    expect_double("+17", 17.0);
    expect_double("+3.5", 3.5);
    expect_double("-0.25", -0.25);
    expect_double("-1e-3", -0.001);
    expect_double("+1e3", 1000.0);
    double z = 1;
    assert_int_equal(parse_str("-0", &z), 0);
    assert_true(z == 0 && signbit(z));
    assert_int_equal(parse_str("+0", &z), 0);
    assert_true(z == 0 && !signbit(z));
}

static void test_parse_double_nan_spellings(void **state)
{
    (void)state;
    const char *nans[] = {"NaN", "nan", "NAN"};
    for (size_t i = 0; i < sizeof nans / sizeof *nans; i++) {
        double v = 0;
        assert_int_equal(parse_str(nans[i], &v), 0);
        assert_true(isnan(v));
    }
}

static void test_parse_double_inf_spellings(void **state)
{
    (void)state;
    expect_double("+Inf", INFINITY);
    expect_double("-Inf", -INFINITY);
    expect_double("Inf", INFINITY);
    expect_double("inf", INFINITY);
    expect_double("+inf", INFINITY);
    expect_double("-inf", -INFINITY);
    expect_double("INF", INFINITY);
}

static void test_parse_double_overflow_is_inf(void **state)
{
    (void)state;
    expect_double("1e400", INFINITY);
    expect_double("-1e400", -INFINITY);
    expect_double("1.8e308", INFINITY);
    expect_double("1e-400", 0.0);
}

static void test_parse_double_rejects_garbage(void **state)
{
    (void)state;
    const char *bad[] = {
        "", "+", "-", ".", "e", "e5", "1e", "1e+", "1e-", "1.2.3", "0x10", "0X1p3",
        " 1", "1 ", "\t1", "1\n", "--1", "+-1", "-+1", "1e5e5", "1,5", "1_000", "abc",
        "infinity2", "Infx", "nanx", "Inf ", "+-Inf", "--Inf", "In", "N", "1..2",
        "1e1.5", "12345678901234567890x", "12345678901234567890e", "1234567890123456789.0.1",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_reject(bad[i]);
}

/* Only [s, s+n) is looked at, even where the slow path copies the span. */
static void test_parse_double_respects_span(void **state)
{
    (void)state;
    double v = 0;
    assert_int_equal(aiops_parse_double("12345", 2, &v), 0);
    assert_true(v == 12.0);
    assert_int_equal(aiops_parse_double("1.5junk", 3, &v), 0);
    assert_true(v == 1.5);
    assert_int_equal(aiops_parse_double("1e5,7", 3, &v), 0);
    assert_true(v == 1e5);
    assert_int_equal(aiops_parse_double("12345678901234567890123XYZ", 23, &v), 0);
    assert_true(bits(v) == bits(12345678901234567890123.0));
    assert_int_equal(aiops_parse_double("NaNx", 3, &v), 0);
    assert_true(isnan(v));
    assert_int_equal(aiops_parse_double("1", 0, &v), -1);
}

/* Cases where naive parsing (digit by digit multiply) is off by an ulp. */
static void test_parse_double_hard_cases(void **state)
{
    (void)state;
    const char *cases[] = {
        "2.2250738585072011e-308", "2.2250738585072012e-308", "2.2250738585072014e-308",
        "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
        "1.7976931348623157e308", "1.7976931348623158e308", "9007199254740993",
        "9007199254740995", "18014398509481993", "0.1000000000000000055511151231257827",
        "7.0064923216240854e-46", "8.5e-323", "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124",
        "1.00000000000000011102230246251565404236316680908203126",
        "4503599627370496.5", "4503599627370497.5", "123456789012345678901234567890",
        "0.000000000000000000000000000000000000000001", "1e-320", "3.0540412e5",
        "9223372036854775807", "9223372036854775808", "18446744073709551615",
        "18446744073709551616", "99999999999999999999", "1844674407370955161.5",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        expect_like_strtod(cases[i]);
}

/* Build a random decimal string: optional sign, mantissa of 1..25 digits
 * (weighted to 15..19, the fast/slow path boundary), optional point,
 * optional exponent covering subnormal, normal and overflow ranges. */
static void random_decimal(char *buf, size_t cap)
{
    size_t p = 0;
    unsigned r = rnd_below(4);
    if (r == 0)
        buf[p++] = '-';
    else if (r == 1)
        buf[p++] = '+';
    unsigned nd = rnd_below(2) ? 15 + rnd_below(5) : 1 + rnd_below(25);
    unsigned point = rnd_below(3) ? rnd_below(nd + 1) : nd;
    for (unsigned i = 0; i < nd; i++) {
        if (i == point && i != nd)
            buf[p++] = '.';
        buf[p++] = (char)('0' + (i == 0 && nd > 1 ? 1 + rnd_below(9) : rnd_below(10)));
    }
    if (rnd_below(3)) {
        int e;
        unsigned k = rnd_below(4);
        if (k == 0)
            e = (int)rnd_below(45) - 22;          /* fast path range */
        else if (k == 1)
            e = -340 + (int)rnd_below(30);        /* subnormals / underflow */
        else if (k == 2)
            e = 290 + (int)rnd_below(30);         /* near DBL_MAX / overflow */
        else
            e = (int)rnd_below(640) - 330;
        p += (size_t)snprintf(buf + p, cap - p, "%c%d", rnd_below(2) ? 'e' : 'E', e);
    }
    buf[p] = '\0';
}

static void test_parse_double_matches_strtod_random(void **state)
{
    (void)state;
    char buf[96];
    for (int i = 0; i < 300000; i++) {
        random_decimal(buf, sizeof buf);
        expect_like_strtod(buf);
    }
}

/* Exactly 17..19 significant digits with small exponents: mantissas just
 * above 2^53 force the slow path, those below take Clinger's. */
static void test_parse_double_long_mantissas(void **state)
{
    (void)state;
    char buf[64];
    for (int i = 0; i < 100000; i++) {
        unsigned nd = 17 + rnd_below(3);
        uint64_t m = rnd() % 9000000000000000000ULL + 1000000000000000000ULL;
        char digs[24];
        snprintf(digs, sizeof digs, "%llu", (unsigned long long)m);
        digs[nd] = '\0';
        snprintf(buf, sizeof buf, "%.*s.%se%d", 1, digs, digs + 1, (int)rnd_below(40) - 20);
        expect_like_strtod(buf);
        snprintf(buf, sizeof buf, "%s", digs);
        expect_like_strtod(buf);
    }
}

/* Valid numbers longer than any fixed copy buffer: 150 digits. */
static void test_parse_double_long_integer_string(void **state)
{
    (void)state;
    char buf[160];
    memset(buf, '0', sizeof buf);
    buf[0] = '1';
    buf[150] = '\0';                           /* 1 followed by 149 zeros */
    expect_like_strtod(buf);
    expect_double(buf, 1e149);
}

/* Go's FormatFloat(v, 'f', -1, 64) writes 1e-300 with 299 zeros. */
static void test_parse_double_long_fraction_string(void **state)
{
    (void)state;
    char buf[310];
    memcpy(buf, "0.", 2);
    memset(buf + 2, '0', 299);
    buf[301] = '1';
    buf[302] = '\0';                           /* 0.000...01 = 1e-300 */
    expect_like_strtod(buf);
    expect_double(buf, 1e-300);
}

/* -------------------------------------------------- aiops_parse_int64 */

static void expect_i64(const char *s, int64_t want)
{
    int64_t got = 99;
    if (aiops_parse_int64(s, strlen(s), &got))
        fail_msg("'%s' rejected, want %lld", s, (long long)want);
    if (got != want)
        fail_msg("'%s' -> %lld, want %lld", s, (long long)got, (long long)want);
}

static void expect_i64_reject(const char *s)
{
    int64_t got = 99;
    if (aiops_parse_int64(s, strlen(s), &got) != -1)
        fail_msg("'%s' accepted as %lld, want -1", s, (long long)got);
    assert_true(got == 99);
}

static void test_parse_int64_values(void **state)
{
    (void)state;
    expect_i64("0", 0);
    expect_i64("-0", 0);
    expect_i64("+5", 5);
    expect_i64("-5", -5);
    expect_i64("007", 7);
    expect_i64("1700000000000", 1700000000000LL);
    expect_i64("-1700000000000", -1700000000000LL);
}

static void test_parse_int64_edges(void **state)
{
    (void)state;
    expect_i64("9223372036854775807", INT64_MAX);
    expect_i64("+9223372036854775807", INT64_MAX);
    expect_i64("-9223372036854775808", INT64_MIN);
    expect_i64("-9223372036854775807", -INT64_MAX);
    expect_i64("00000000000000000000009223372036854775807", INT64_MAX);
    expect_i64_reject("9223372036854775808");
    expect_i64_reject("9223372036854775810");
    expect_i64_reject("-9223372036854775809");
    expect_i64_reject("18446744073709551615");
    expect_i64_reject("18446744073709551616");
    expect_i64_reject("99999999999999999999");
    expect_i64_reject("-99999999999999999999");
}

static void test_parse_int64_rejects(void **state)
{
    (void)state;
    const char *bad[] = {"", "+", "-", "1.0", "1e3", " 1", "1 ", "0x1", "--1", "+-1", "1a",
                         "NaN", "Inf"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_i64_reject(bad[i]);
    int64_t v = 0;
    assert_int_equal(aiops_parse_int64("12345", 3, &v), 0);
    assert_true(v == 123);
}

/* --------------------------------------------------- aiops_fmt_double */

static void test_fmt_double_short_forms(void **state)
{
    (void)state;
    expect_fmt(0.1, "0.1");
    expect_fmt(0.5, "0.5");
    expect_fmt(-2.5, "-2.5");
    expect_fmt(1.0, "1");
    expect_fmt(-1.0, "-1");
    expect_fmt(100.0, "100");
    expect_fmt(1700000000.0, "1700000000");
    expect_fmt(1700000000.123, "1700000000.123");
    expect_fmt(0.001, "0.001");
    expect_fmt(123.456, "123.456");
    expect_fmt(1e15, "1000000000000000");
    expect_fmt(9007199254740992.0, "9007199254740992");
    expect_fmt(1.0 / 3.0, "0.3333333333333333");
    expect_fmt(2.0 / 3.0, "0.6666666666666666");
    expect_fmt(0.1 + 0.2, "0.30000000000000004");
}

static void test_fmt_double_exponent_forms(void **state)
{
    (void)state;
    expect_fmt(1e21, "1e+21");
    expect_fmt(-1e21, "-1e+21");
    expect_fmt(1e-7, "1e-07");
    expect_fmt(1.5e300, "1.5e+300");
    expect_fmt(5e-324, "4.94065645841247e-324");
    expect_fmt(1.7976931348623157e308, "1.7976931348623157e+308");
}

static void test_fmt_double_specials(void **state)
{
    (void)state;
    expect_fmt(NAN, "NaN");
    expect_fmt(-NAN, "NaN");
    expect_fmt(INFINITY, "+Inf");
    expect_fmt(-INFINITY, "-Inf");
    expect_fmt(0.0, "0");
}

/* -0.0 is written as "0": the sign of zero is dropped (documented here so
 * a change is noticed); whatever it writes must parse back to a zero. */
static void test_fmt_double_negative_zero(void **state)
{
    (void)state;
    char buf[32];
    size_t n = aiops_fmt_double(-0.0, buf);
    assert_int_equal(n, 1);
    assert_string_equal(buf, "0");
    double v = 1;
    assert_int_equal(aiops_parse_double(buf, n, &v), 0);
    assert_true(v == 0);
}

/* v must come back bit-exact through both strtod and aiops_parse_double. */
static void check_round_trip(double v)
{
    char buf[40];
    memset(buf, 'x', sizeof buf);
    size_t n = aiops_fmt_double(v, buf);
    if (n == 0 || n >= 32 || strlen(buf) != n)
        fail_msg("%.17g: bad length %zu", v, n);
    double back = strtod(buf, NULL), mine = 0;
    if (bits(back) != bits(v))
        fail_msg("%.17g (0x%016llx) -> '%s' -> strtod %.17g", v, (unsigned long long)bits(v),
                 buf, back);
    if (aiops_parse_double(buf, n, &mine) || bits(mine) != bits(v))
        fail_msg("%.17g -> '%s' -> aiops_parse_double %.17g", v, buf, mine);
}

static double random_double(void)
{
    for (;;) {
        double v;
        switch (rnd_below(6)) {
        case 0: /* any finite bit pattern */
            v = from_bits(rnd());
            break;
        case 1: /* subnormal */
            v = from_bits((rnd() & 0x800FFFFFFFFFFFFFULL) | 1);
            break;
        case 2: /* decimal-looking values, as metrics usually are */
            v = (double)(int64_t)(rnd() % 2000000001ULL - 1000000000LL) /
                pow(10, rnd_below(10));
            break;
        case 3: /* timestamps with millis */
            v = (1.6e9 + (double)rnd_below(200000000)) + (double)rnd_below(1000) / 1000.0;
            break;
        case 4: /* large values */
            v = ldexp((double)(rnd() >> 11), 900 + (int)rnd_below(120)) * (rnd_below(2) ? 1 : -1);
            break;
        default: /* small normals */
            v = ldexp((double)(rnd() >> 11), -1070 + (int)rnd_below(60));
            break;
        }
        if (isfinite(v) && !(v == 0 && signbit(v)))
            return v;
    }
}

static void test_fmt_double_round_trip_random(void **state)
{
    (void)state;
    for (int i = 0; i < 1000000; i++)
        check_round_trip(random_double());
}

static void test_fmt_double_round_trip_edges(void **state)
{
    (void)state;
    const double edges[] = {
        5e-324, 2.2250738585072009e-308, 2.2250738585072014e-308, 1.7976931348623157e308,
        9007199254740991.0, 9007199254740993.0, 9007199254740994.0, 1e-5, 9.999999999999999e-6,
        1e15 - 0.5, 999999999999999.9, 1e16, 1e22, 1e23, 0.1, 1e-300, 4503599627370496.5,
        -1.2345678901234567e-308, 123456.7890123456,
    };
    for (size_t i = 0; i < sizeof edges / sizeof *edges; i++) {
        check_round_trip(edges[i]);
        check_round_trip(-edges[i]);
    }
    for (int e = -330; e <= 308; e++)
        check_round_trip(pow(10, e) > 0 ? pow(10, e) : 5e-324);
}

static void test_fmt_score(void **state)
{
    (void)state;
    char buf[32];
    assert_int_equal(aiops_fmt_score(0.9999999, buf), strlen("1 - 1e-07"));
    assert_string_equal(buf, "1 - 1e-07");
    aiops_fmt_score(0.995, buf);
    assert_string_equal(buf, "1 - 0.005");
    aiops_fmt_score(0.9, buf);
    assert_string_equal(buf, "0.9");
    aiops_fmt_score(1, buf);
    assert_string_equal(buf, "1");
    aiops_fmt_score(4.5, buf);
    assert_string_equal(buf, "4.5");
    aiops_fmt_score(123456, buf);
    assert_string_equal(buf, "1.235e+05");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_double_integers),
        cmocka_unit_test(test_fmt_score),
        cmocka_unit_test(test_parse_double_decimals),
        cmocka_unit_test(test_parse_double_exponents),
        cmocka_unit_test(test_parse_double_signs),
        cmocka_unit_test(test_parse_double_nan_spellings),
        cmocka_unit_test(test_parse_double_inf_spellings),
        cmocka_unit_test(test_parse_double_overflow_is_inf),
        cmocka_unit_test(test_parse_double_rejects_garbage),
        cmocka_unit_test(test_parse_double_respects_span),
        cmocka_unit_test(test_parse_double_hard_cases),
        cmocka_unit_test(test_parse_double_matches_strtod_random),
        cmocka_unit_test(test_parse_double_long_mantissas),
        cmocka_unit_test(test_parse_double_long_integer_string),
        cmocka_unit_test(test_parse_double_long_fraction_string),
        cmocka_unit_test(test_parse_int64_values),
        cmocka_unit_test(test_parse_int64_edges),
        cmocka_unit_test(test_parse_int64_rejects),
        cmocka_unit_test(test_fmt_double_short_forms),
        cmocka_unit_test(test_fmt_double_exponent_forms),
        cmocka_unit_test(test_fmt_double_specials),
        cmocka_unit_test(test_fmt_double_negative_zero),
        cmocka_unit_test(test_fmt_double_round_trip_random),
        cmocka_unit_test(test_fmt_double_round_trip_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
