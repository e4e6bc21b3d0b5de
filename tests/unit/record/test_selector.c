/* test_selector.c - libcore/selector.c: matcher semantics (=, !=, =~, !~
 * with PromQL's absent == ""), regex anchoring, name selectors, quoting,
 * and parse errors.  Each case is checked against a fixed set of series
 * as the bitmask of the series it matches. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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
    expect_parse_err("up{job=~\"(\"}", "bad regex");
    expect_parse_err("up{job!~\"[a-\"}", "bad regex");
    expect_parse_err("{__name__=~\"a{2,1}\"}", "bad regex");
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
    assert_true(aiops_match_record(m, tab, &lg));          /* unlabelled: passes */
    aiops_record_clear(&lg);
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
        cmocka_unit_test(test_free_accepts_null),
        cmocka_unit_test(test_match_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
