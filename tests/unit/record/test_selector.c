/* test_selector.c - libcore/selector.c: matcher semantics (=, !=, =~, !~
 * with PromQL's absent == ""), regex anchoring, name selectors, quoting,
 * and parse errors.  Each case is checked against a fixed set of series
 * as the bitmask of the series it matches. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "aiops_format.h"

/* The series every selector is matched against (bit i = SERIES[i]). */
static const char *const SERIES[] = {
    "up{instance=\"h1\",job=\"api\"}",                  /* 0 */
    "up{env=\"prod\",instance=\"h2\",job=\"db\"}",      /* 1 */
    "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"}",  /* 2 */
    "node_load1",                                       /* 3 */
    "{job=\"api\"}",                                    /* 4 */
    "http_requests_total{job=\"ab\"}",                  /* 5 */
    "http_requests_total{job=\"a\"}",                   /* 6 */
    "esc{v=\"a\\\"b\\\\c\\nd\"}",                       /* 7 */
};
#define NSERIES (sizeof SERIES / sizeof *SERIES)
#define ALL ((1u << NSERIES) - 1)
#define B(i) (1u << (i))

static int setup(void **state)
{
    aiops_series_table *t = aiops_series_table_new();
    if (!t)
        return -1;
    for (size_t i = 0; i < NSERIES; i++) {
        uint32_t id;
        aiops_err err;
        if (aiops_series_intern_text(t, SERIES[i], strlen(SERIES[i]), &id, &err) || id != i)
            return -1;
    }
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    aiops_series_table_free(*state);
    return 0;
}

/* Bitmask of the series sel_text matches (the selector must parse). */
static unsigned matches(aiops_series_table *t, const char *sel_text)
{
    aiops_selector *sel = NULL;
    aiops_err err;
    aiops_err_clear(&err);
    int rc = aiops_selector_parse(sel_text, &sel, &err);
    if (rc)
        fail_msg("selector '%s': rc %d: %s", sel_text, rc, err.msg);
    unsigned mask = 0;
    for (uint32_t i = 0; i < NSERIES; i++)
        if (aiops_selector_match(sel, aiops_series_get(t, i)))
            mask |= 1u << i;
    aiops_selector_free(sel);
    return mask;
}

static void expect_match(aiops_series_table *t, const char *sel_text, unsigned want)
{
    unsigned got = matches(t, sel_text);
    if (got != want)
        fail_msg("selector '%s' matched 0x%02x, want 0x%02x", sel_text, got, want);
}

static void expect_parse_err(const char *sel_text, const char *frag)
{
    aiops_selector *sel = NULL;
    aiops_err err;
    aiops_err_clear(&err);
    int rc = aiops_selector_parse(sel_text, &sel, &err);
    if (rc != AIOPS_EINVAL)
        fail_msg("selector '%s': rc %d, want %d", sel_text, rc, AIOPS_EINVAL);
    assert_null(sel);
    assert_int_equal(err.code, AIOPS_EINVAL);
    if (!strstr(err.msg, frag))
        fail_msg("selector '%s': message '%s' lacks '%s'", sel_text, err.msg, frag);
}

/* ------------------------------------------------------------ semantics */

static void test_name_only(void **state)
{
    aiops_series_table *t = *state;
    expect_match(t, "up", B(0) | B(1));
    expect_match(t, "node_load1", B(3));
    expect_match(t, "  up  ", B(0) | B(1));
    expect_match(t, "up{}", B(0) | B(1));
    expect_match(t, "nothing_here", 0);
    expect_match(t, "u", 0);
}

static void test_equal(void **state)
{
    aiops_series_table *t = *state;
    expect_match(t, "up{job=\"api\"}", B(0));
    expect_match(t, "{job=\"api\"}", B(0) | B(4));
    expect_match(t, "{job=\"API\"}", 0);
    expect_match(t, "{cpu=\"0\"}", B(2));
}

static void test_not_equal(void **state)
{
    aiops_series_table *t = *state;
    /* Series without job have job == "" != "api": they match. */
    expect_match(t, "{job!=\"api\"}", ALL & ~(B(0) | B(4)));
    expect_match(t, "up{job!=\"api\"}", B(1));
    expect_match(t, "{mode!=\"idle\"}", ALL & ~B(2));
}

static void test_absent_label_is_empty(void **state)
{
    aiops_series_table *t = *state;
    expect_match(t, "{env=\"\"}", ALL & ~B(1));
    expect_match(t, "{env!=\"\"}", B(1));
    expect_match(t, "{job=\"\"}", B(2) | B(3) | B(7));
    expect_match(t, "{job=~\"\"}", B(2) | B(3) | B(7));
    expect_match(t, "{job=~\".*\"}", ALL);
    expect_match(t, "{job=~\".+\"}", B(0) | B(1) | B(4) | B(5) | B(6));
    expect_match(t, "{job!~\"api\"}", ALL & ~(B(0) | B(4)));
    expect_match(t, "{nope!~\".+\"}", ALL);
}

static void test_regex_match(void **state)
{
    aiops_series_table *t = *state;
    expect_match(t, "{job=~\"a.*\"}", B(0) | B(4) | B(5) | B(6));
    expect_match(t, "{job=~\"api|db\"}", B(0) | B(1) | B(4));
    expect_match(t, "{job=~\"[a-c]+\"}", B(5) | B(6));
    expect_match(t, "{instance=~\"h[0-9]\"}", B(0) | B(1));
}

static void test_regex_not_match(void **state)
{
    aiops_series_table *t = *state;
    expect_match(t, "{job!~\"a.*\"}", B(1) | B(2) | B(3) | B(7));
    expect_match(t, "up{job!~\"api|db\"}", 0);
}

/* =~"a" is ^(a)$: it does not match "ab" or "api". */
static void test_regex_is_anchored(void **state)
{
    aiops_series_table *t = *state;
    expect_match(t, "{job=~\"a\"}", B(6));
    expect_match(t, "{job=~\"b\"}", 0);
    expect_match(t, "{job=~\"p\"}", 0);
    expect_match(t, "{job!~\"a\"}", ALL & ~B(6));
    /* Anchoring wraps the whole alternation, not just its ends. */
    expect_match(t, "{job=~\"a|api\"}", B(0) | B(4) | B(6));
    expect_match(t, "{job=~\"x|a\"}", B(6));
}

static void test_name_regex(void **state)
{
    aiops_series_table *t = *state;
    expect_match(t, "{__name__=~\"node_.*\"}", B(2) | B(3));
    expect_match(t, "{__name__=~\"node\"}", 0);
    expect_match(t, "{__name__!~\"node_.*\"}", ALL & ~(B(2) | B(3)));
    expect_match(t, "{__name__=\"up\"}", B(0) | B(1));
    expect_match(t, "{__name__=\"\"}", B(4));
    expect_match(t, "{__name__=~\".*_total\"}", B(2) | B(5) | B(6));
}

static void test_multiple_matchers(void **state)
{
    aiops_series_table *t = *state;
    expect_match(t, "up{job=\"api\",instance=\"h1\"}", B(0));
    expect_match(t, "up{job=\"api\",instance=\"h2\"}", 0);
    expect_match(t, "{cpu=\"0\",mode=~\"idle|user\"}", B(2));
    expect_match(t, "{job=~\"a.*\",job!=\"api\"}", B(5) | B(6));
    expect_match(t, "http_requests_total{job!=\"a\",job!=\"ab\"}", 0);
}

static void test_single_quotes_and_spacing(void **state)
{
    aiops_series_table *t = *state;
    expect_match(t, "{job='api'}", B(0) | B(4));
    expect_match(t, "up{job='db',instance=\"h2\"}", B(1));
    expect_match(t, " up { job = \"api\" , } ", B(0));
    expect_match(t, "{job=~'a|db'}", B(1) | B(6));
    expect_match(t, "{job='a\"b'}", 0);
}

static void test_escaped_values(void **state)
{
    aiops_series_table *t = *state;
    expect_match(t, "{v=\"a\\\"b\\\\c\\nd\"}", B(7));
    expect_match(t, "{v='a\"b\\\\c\\nd'}", B(7));
    expect_match(t, "{v=~\"a.b.c.d\"}", B(7));
    expect_match(t, "{v=~\"a\\\"b\\\\\\\\c\\nd\"}", B(7));   /* regex a"b\\c<nl>d */
}

/* --------------------------------------------------------------- errors */

static void test_error_empty_selector(void **state)
{
    (void)state;
    expect_parse_err("", "empty selector");
    expect_parse_err("   ", "empty selector");
    expect_parse_err("{}", "empty selector");
    expect_parse_err(" { } ", "empty selector");
}

static void test_error_unclosed_brace(void **state)
{
    (void)state;
    expect_parse_err("up{job=\"api\"", "expected ',' or '}'");
    expect_parse_err("up{job=\"api\",", "expected a label name");
    expect_parse_err("up{", "expected a label name");
}

static void test_error_unclosed_quote(void **state)
{
    (void)state;
    expect_parse_err("up{job=\"api}", "expected a quoted value for label 'job'");
    expect_parse_err("up{job='api}", "expected a quoted value");
    expect_parse_err("up{job=\"api'}", "expected a quoted value");
    expect_parse_err("up{job=api}", "expected a quoted value for label 'job'");
}

static void test_error_bad_operator(void **state)
{
    (void)state;
    expect_parse_err("up{job~\"a\"}", "expected =, !=, =~ or !~ after label 'job'");
    expect_parse_err("up{job==\"a\"}", "expected a quoted value");
    expect_parse_err("up{job!\"a\"}", "expected =, !=, =~ or !~");
    expect_parse_err("up{job}", "expected =, !=, =~ or !~");
    expect_parse_err("up{=\"a\"}", "expected a label name");
}

static void test_error_bad_regex(void **state)
{
    (void)state;
    expect_parse_err("up{job=~\"(\"}", "regex \"(\" for label 'job', offset 1: expected 1 more ')'");
    expect_parse_err("up{job!~\"[a-\"}", "offset 0: expected ']' to close the '[' here");
    expect_parse_err("{__name__=~\"a{2,1}\"}", "expected a repetition {n,m} with n <= m <= 1000");
}

static void test_error_trailing_garbage(void **state)
{
    (void)state;
    expect_parse_err("up}", "unexpected '}'");
    expect_parse_err("up{job=\"a\"} x", "unexpected 'x'");
    expect_parse_err("up down", "unexpected 'down'");
    expect_parse_err("1up", "unexpected '1up'");
    expect_parse_err("up{job=\"a\" instance=\"b\"}", "expected ',' or '}'");
}

/* ------------------------------------------------- RE2 syntax (Prometheus) */

static const char *one_value(const void *ctx, const char *name)
{
    return strcmp(name, "v") == 0 ? ctx : NULL;
}

/* Does {v=~`re`} match value?  (Backticks: the regex as written.) */
static int re_match(const char *re, const char *value)
{
    char text[512];
    snprintf(text, sizeof text, "{v=~`%s`}", re);
    aiops_selector *sel = NULL;
    aiops_err err;
    aiops_err_clear(&err);
    if (aiops_selector_parse(text, &sel, &err))
        fail_msg("selector '%s': %s", text, err.msg);
    int ok = aiops_selector_match_fn(sel, one_value, value);
    aiops_selector_free(sel);
    return ok;
}

#define RE_YES(re, v) do { if (!re_match(re, v)) fail_msg("%s should match '%s'", re, v); } while (0)
#define RE_NO(re, v) do { if (re_match(re, v)) fail_msg("%s should not match '%s'", re, v); } while (0)

static void test_re2_shorthands(void **state)
{
    (void)state;
    RE_YES("5\\d\\d", "503");
    RE_NO("5\\d\\d", "5dd");
    RE_NO("5\\d\\d", "50x");
    RE_NO("5\\d\\d", "5030");                 /* fully anchored */
    RE_YES("\\w+", "api_v2");
    RE_NO("\\w+", "api-v2");
    RE_YES("a\\sb", "a\tb");
    RE_YES("\\D\\W\\S", "x-y");
    RE_NO("\\D", "7");
    RE_YES("[\\d.]+", "10.0.3");
    RE_NO("[\\d.]+", "10.0.x");
    RE_YES("[^\\d]+", "abc");
    RE_NO("[^\\d]+", "ab1");
    RE_YES("[\\w-]+", "cart-7d9f");
    RE_YES("[[:digit:][:word:]]+", "a_1");
    RE_YES("[\\]\\-x]+", "]-x");
    RE_YES("[\\^]", "^");
    RE_NO("[\\^]", "\\");
    RE_YES("[a^]+", "^a");
    RE_YES("[\\[:]+", "[:");
    RE_YES("[]a]+", "]a");
}

static void test_re2_escapes_and_groups(void **state)
{
    (void)state;
    RE_YES("10\\.0\\.0\\.1", "10.0.0.1");
    RE_NO("10\\.0\\.0\\.1", "10x0x0x1");
    RE_YES("a\\/b\\-c\\:d", "a/b-c:d");
    RE_YES("\\(x\\)\\*\\+\\?\\{\\}\\|\\^\\$\\\\", "(x)*+?{}|^$\\");
    RE_YES("\\x41\\x{42}", "AB");
    RE_YES("tab\\there", "tab\there");
    RE_YES("(?:get|post)_(?P<n>\\d+)_(?<m>x)", "get_12_x");
    RE_YES("(?i)get|POST", "GET");
    RE_YES("(?i)get|POST", "post");
    RE_NO("get", "GET");
    RE_YES("(?s)a.b", "a\nb");
    RE_YES("a.*?b+?c??d{1,2}?", "axbbd");
    RE_YES("x{2}y{1,}z{0,1}", "xxyyy");
    RE_YES("a{,2}", "a{,2}");                  /* not a repetition: literal, as in RE2 */
    RE_YES("a{", "a{");
    RE_YES("GET /api/(cart|orders)", "GET /api/cart");
}

static void expect_re_err(const char *re, const char *frag)
{
    char text[512];
    snprintf(text, sizeof text, "{v=~`%s`}", re);
    expect_parse_err(text, frag);
}

static void test_re2_refused(void **state)
{
    (void)state;
    expect_re_err("(a)\\1", "selector: regex \"(a)\\1\" for label 'v', offset 3: expected no backreference");
    expect_re_err("a(?=b)", "offset 1: expected no lookaround, got '(?='");
    expect_re_err("a(?!b)", "got '(?!'");
    expect_re_err("(?<=a)b", "offset 0: expected no lookaround, got '(?<='");
    expect_re_err("(?<!a)b", "got '(?<!'");
    expect_re_err("\\bword\\b", "offset 0: expected an escape POSIX regexes can express, got '\\b'");
    expect_re_err("\\pL", "got '\\p'");
    expect_re_err("a\\q", "offset 1: expected a known escape");
    expect_re_err("a(?i)b", "offset 1: expected (?i) only at the very start");
    expect_re_err("(?i:a)", "expected (?i) only at the very start");
    expect_re_err("(?m)^a$", "offset 2: expected the flags i, s or U, got 'm'");
    expect_re_err("a**", "offset 2: expected something to repeat before '*'");
    expect_re_err("*a", "offset 0: expected something to repeat");
    expect_re_err("a{3,2}", "expected a repetition {n,m} with n <= m <= 1000");
    expect_re_err("a{1001}", "n <= m <= 1000");
    expect_re_err("[\\D]", "offset 1: expected \\d, \\w or \\s inside [...], got '\\D'");
    expect_re_err("[z-a]", "offset 1: expected a range in order, got 'z-a'");
    expect_re_err("[[:foo:]]", "expected a class [:alnum:]");
    expect_re_err("[ab", "offset 0: expected ']' to close");
    expect_re_err("(a", "offset 2: expected 1 more ')'");
    expect_re_err("a)", "offset 1: expected a '(' before this ')'");
    expect_re_err("a\\", "expected a character after '\\'");
    expect_re_err("\\x{100}", "expected an ASCII character");
}

/* "5\d\d" in double quotes: PromQL would reject the escape; the backslash
 * is kept, so the regex is what was meant (it used to become 5dd). */
static void test_quoted_regex_escapes(void **state)
{
    (void)state;
    aiops_selector *sel = NULL;
    aiops_err err;
    aiops_err_clear(&err);
    assert_int_equal(aiops_selector_parse("{v=~\"5\\d\\d\"}", &sel, &err), 0);
    assert_true(aiops_selector_match_fn(sel, one_value, "503"));
    assert_false(aiops_selector_match_fn(sel, one_value, "5dd"));
    aiops_selector_free(sel);
    /* Go's escapes keep their meaning: '\\.' is \. (a literal dot). */
    assert_int_equal(aiops_selector_parse("{v=~'a\\\\.b\\tc'}", &sel, &err), 0);
    assert_true(aiops_selector_match_fn(sel, one_value, "a.b\tc"));
    assert_false(aiops_selector_match_fn(sel, one_value, "axb\tc"));
    aiops_selector_free(sel);
}

static void test_free_accepts_null(void **state)
{
    (void)state;
    aiops_selector_free(NULL);
}

/* aiops_match: any of several selectors, over samples and labelled records. */
static void test_match_records(void **state)
{
    (void)state;
    aiops_series_table *tab = aiops_series_table_new();
    aiops_match *m = aiops_match_new();
    aiops_err err = {0};
    aiops_record r = {0};
    uint32_t a, b;
    assert_int_equal(aiops_series_intern_text(tab, "up{job=\"api\"}", strlen("up{job=\"api\"}"), &a, &err), 0);
    assert_int_equal(aiops_series_intern_text(tab, "up{job=\"db\"}", strlen("up{job=\"db\"}"), &b, &err), 0);
    r.type = AIOPS_R_SAMPLE;
    r.sid = a;
    assert_true(aiops_match_record(m, tab, &r));          /* no selector: all pass */
    assert_int_equal(aiops_match_add(m, "up{job=\"db\"}", &err), 0);
    assert_int_equal(aiops_match_add(m, "{service=\"cart\"}", &err), 0);
    assert_int_equal(aiops_match_count(m), 2);
    assert_false(aiops_match_record(m, tab, &r));
    assert_false(aiops_match_record(m, tab, &r));          /* cached answer */
    r.sid = b;
    assert_true(aiops_match_record(m, tab, &r));
    aiops_record lg = {.type = AIOPS_R_LOG};
    lg.obj = json_pack("{s:s, s:{s:s}}", "service", "cart", "labels", "pod", "cart-1");
    assert_true(aiops_match_record(m, tab, &lg));          /* service field */
    json_object_set_new(lg.obj, "service", json_string("api"));
    assert_false(aiops_match_record(m, tab, &lg));
    json_object_del(lg.obj, "labels");
    assert_false(aiops_match_record(m, tab, &lg));         /* its service field still counts */
    json_object_set_new(lg.obj, "service", json_string("cart"));
    assert_true(aiops_match_record(m, tab, &lg));
    aiops_record_clear(&lg);
    /* a record carrying its JSON text is matched by the same fields */
    aiops_record tx = {.type = AIOPS_R_SPAN};
    tx.obj = json_string(",\"service\":\"cart\",\"operation\":\"GET\",\"attributes\":{\"http.route\":\"/x\"}");
    assert_true(aiops_match_record(m, tab, &tx));
    assert_true(json_is_string(tx.obj));                   /* still text */
    aiops_selector *sel;
    assert_int_equal(aiops_selector_parse("GET{http_route=\"/x\"}", &sel, &err), 0);
    assert_true(aiops_selector_match_record(sel, &tx));
    aiops_selector_free(sel);
    aiops_record_clear(&tx);
    tx.type = AIOPS_R_SPAN;
    tx.obj = json_string(",\"service\":\"api\"");
    assert_false(aiops_match_record(m, tab, &tx));
    aiops_record_clear(&tx);
    aiops_record inc = {.type = AIOPS_R_INCIDENT};
    inc.obj = json_pack("{s:s}", "id", "INC-1");
    assert_true(aiops_match_record(m, tab, &inc));         /* no labels: always passes */
    aiops_record_clear(&inc);
    assert_int_equal(aiops_match_add(m, "up{", &err), AIOPS_EINVAL);
    assert_int_equal(aiops_match_count(m), 2);
    aiops_match_free(m);
    aiops_match_free(NULL);
    aiops_series_table_free(tab);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_name_only),
        T(test_equal),
        T(test_not_equal),
        T(test_absent_label_is_empty),
        T(test_regex_match),
        T(test_regex_not_match),
        T(test_regex_is_anchored),
        T(test_name_regex),
        T(test_multiple_matchers),
        T(test_single_quotes_and_spacing),
        T(test_escaped_values),
        cmocka_unit_test(test_error_empty_selector),
        cmocka_unit_test(test_error_unclosed_brace),
        cmocka_unit_test(test_error_unclosed_quote),
        cmocka_unit_test(test_error_bad_operator),
        cmocka_unit_test(test_error_bad_regex),
        cmocka_unit_test(test_error_trailing_garbage),
        cmocka_unit_test(test_re2_shorthands),
        cmocka_unit_test(test_re2_escapes_and_groups),
        cmocka_unit_test(test_re2_refused),
        cmocka_unit_test(test_quoted_regex_escapes),
        cmocka_unit_test(test_free_accepts_null),
        cmocka_unit_test(test_match_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
