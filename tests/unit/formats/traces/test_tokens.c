/* test_tokens.c - the span fast paths' shared helpers (tokens.h): the
 * durations written from integer digits against aiops_fmt_double, hex ids
 * by table against aiops_obs_hex_id, member lookup in any order, integers
 * as jdoc reads them, and span record text against aiops_obs_span_text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "formats/traces/tokens.h"

/* The text aiops_tok_seconds writes for x is aiops_buf_num's for the double. */
static void check_seconds(int64_t x, int digits)
{
    static const double unit[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9 };
    aiops_buf a = { 0 }, b = { 0 };
    aiops_tok_seconds(&a, x, digits);
    aiops_buf_num(&b, (double)x / unit[digits]);
    if (strcmp(a.p, b.p) != 0)
        print_error("x %lld digits %d: %s, fmt_double %s\n", (long long)x, digits, a.p, b.p);
    assert_string_equal(a.p, b.p);
    aiops_buf_free(&a);
    aiops_buf_free(&b);
}

static void test_seconds(void **state)
{
    (void)state;
    /* every microsecond count up to 1 s, random ones, and around each power of ten */
    for (int64_t x = 0; x <= 1000000; x++)
        check_seconds(x, 6);
    uint64_t r = 88172645463325252ull;       /* xorshift64 */
    for (int i = 0; i < 300000; i++) {
        r ^= r << 13;
        r ^= r >> 7;
        r ^= r << 17;
        int64_t lim = i % 3 == 0 ? 1000000000000000ll : i % 3 == 1 ? 10000000000ll : 100000000ll;
        check_seconds((int64_t)(r % (uint64_t)lim), 6);
        check_seconds((int64_t)(r % (uint64_t)(lim * 10)), 9);
    }
    int64_t p = 1;
    for (int e = 0; e <= 18; e++) {
        for (int64_t d = -3; d <= 3; d++)
            if (p + d >= 0) {
                check_seconds(p + d, 6);
                check_seconds(p + d, 9);
            }
        if (e < 18)
            p *= 10;
    }
    check_seconds(INT64_MAX, 6);
    check_seconds(INT64_MAX, 9);
    check_seconds(-5, 6);
    check_seconds(12, 3);                     /* other units: the double's text */
}

static void test_hex(void **state)
{
    (void)state;
    char a[40], b[40];
    const char *const ids[] = { "0", "0123456789abcdefABCDEF", "5B8EFFF798038103D269B633813FC60C",
                                "5B8EFFF798038103D269B633813FC60C0", "", "12g4", "-1", " 1",
                                "ff\xc3\xa9", "abc\0def" };
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        size_t n = strlen(ids[i]);
        size_t x = aiops_tok_hex(ids[i], n, a), y = aiops_obs_hex_id(ids[i], n, b);
        assert_int_equal(x, y);
        if (x)
            assert_string_equal(a, b);
    }
    assert_int_equal(aiops_tok_hex("ABC", 3, a), 3);
    assert_string_equal(a, "abc");
}

/* ------------------------------------------------------ tokens */

typedef struct seen {
    unsigned order[8];
    int n;
    aiops_jpull *p;
} seen;

static int note(void *self, void *ctx, unsigned i, aiops_err *err)
{
    seen *s = self;
    (void)ctx;
    s->order[s->n++] = i;
    return aiops_tok_skip(s->p, err);
}

static int members_of(const char *text, seen *s)
{
    static const char *const names[] = { "a", "b", "c", "ab", NULL };
    aiops_jpull_mem m = { text, strlen(text), 0, 0 };
    aiops_jpull *p = aiops_jpull_new(aiops_jpull_mem_read, &m, NULL);
    aiops_err err = { 0 };
    memset(s, 0, sizeof *s);
    s->p = p;
    assert_int_equal(aiops_jpull_next(p, &err), AIOPS_JT_OBJ);
    int rc = aiops_tok_members(p, s, NULL, note, names, &err);
    aiops_jpull_free(p);
    return rc;
}

static void test_members(void **state)
{
    (void)state;
    seen s;
    assert_int_equal(members_of("{\"a\":1,\"b\":[1],\"c\":{\"x\":1},\"ab\":null}", &s), 0);
    assert_int_equal(s.n, 4);
    assert_int_equal(s.order[0], 0);
    assert_int_equal(s.order[3], 3);
    /* any order, wrapping round */
    assert_int_equal(members_of("{\"ab\":1,\"c\":2,\"a\":3,\"b\":4}", &s), 0);
    assert_int_equal(s.n, 4);
    assert_int_equal(s.order[0], 3);
    assert_int_equal(s.order[1], 2);
    assert_int_equal(s.order[2], 0);
    assert_int_equal(s.order[3], 1);
    assert_int_equal(members_of("{}", &s), 0);
    assert_int_equal(s.n, 0);
    /* a name it does not know, a repeat (also after others), a repeat
     * inside a skipped value: give up */
    assert_int_equal(members_of("{\"a\":1,\"d\":2}", &s), AIOPS_TOK_BAIL);
    assert_int_equal(members_of("{\"b\":1,\"c\":1,\"ab\":1,\"b\":2}", &s), AIOPS_TOK_BAIL);
    assert_int_equal(members_of("{\"a\":{\"x\":1,\"x\":2}}", &s), AIOPS_TOK_BAIL);
    /* a syntax error is the tokenizer's */
    assert_true(members_of("{\"a\":1,\"b\":tru}", &s) < 0);
}

static int int_of(const char *json, int64_t *x)
{
    aiops_jpull_mem m = { json, strlen(json), 0, 0 };
    aiops_jpull *p = aiops_jpull_new(aiops_jpull_mem_read, &m, NULL);
    aiops_err err = { 0 };
    int t;
    assert_int_equal(aiops_jpull_next(p, &err), AIOPS_JT_ARR);
    t = aiops_jpull_next(p, &err);
    int rc = t < 0 ? t : aiops_tok_int(p, t, x);
    aiops_jpull_free(p);
    return rc;
}

static void test_int(void **state)
{
    (void)state;
    int64_t x = 0;
    assert_int_equal(int_of("[1704164645100000000]", &x), 0);
    assert_int_equal(x, 1704164645100000000ll);
    assert_int_equal(int_of("[\"1704164645100000000\"]", &x), 0);
    assert_int_equal(x, 1704164645100000000ll);
    assert_int_equal(int_of("[-7]", &x), 0);
    assert_int_equal(x, -7);
    assert_int_equal(int_of("[\"-9223372036854775808\"]", &x), 0);
    assert_true(x == INT64_MIN);
    assert_int_equal(int_of("[9223372036854775807]", &x), 0);
    assert_true(x == INT64_MAX);
    const char *const no[] = { "[1.0]", "[1e3]", "[-0]", "[\"\"]", "[\"1.5\"]", "[\"9223372036854775808\"]",
                               "[true]", "[null]", "[\" 1\"]" };
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        assert_int_equal(int_of(no[i], &x), AIOPS_TOK_BAIL);
}

/* A span's text from the arena is aiops_obs_span_text's (with the
 * attributes after it), for every optional member present or not. */
static void test_span_text(void **state)
{
    (void)state;
    for (int mask = 0; mask < 64; mask++) {
        aiops_tok_spans f = { 0 };
        aiops_tok_spans_reset(&f);
        aiops_tok_attrs_reset(&f);
        aiops_tok_span *sp = aiops_tok_span_add(&f);
        assert_non_null(sp);
        const char *svc = mask & 1 ? "api \"v2\"\n" : "", *op = mask & 2 ? "GET /\xc3\xa9" : "";
        const char *parent = mask & 4 ? "00f067aa0ba902b7" : "";
        const char *status = mask & 8 ? "error" : mask & 16 ? "" : NULL;
        sp->tid = aiops_tok_keep(&f, "4bf92f3577b34da6a3ce929d0e0e4736", 32);
        sp->sid = aiops_tok_keep(&f, "00f067aa0ba902b7", 16);
        sp->parent = aiops_tok_keep(&f, parent, strlen(parent));
        sp->svc = aiops_tok_keep_json(&f, svc, strlen(svc));
        if (mask & 2)
            sp->op = aiops_tok_keep_json(&f, op, strlen(op));
        if (status)
            sp->status = aiops_tok_keep_json(&f, status, strlen(status));
        sp->error = (mask & 8) != 0;
        sp->dur = mask & 32 ? 1500 : 2000000;
        sp->dur_digits = 6;
        if (mask & 32) {
            assert_int_equal(aiops_tok_attr_key(&f, "http.status_code", 16), 0);
            aiops_buf_put(&f.attrs, "200", 3);
            assert_int_equal(aiops_tok_attr_key(&f, "k", 1), 0);
            aiops_buf_jstr(&f.attrs, "v");
            assert_int_equal(aiops_tok_attr_key(&f, "k", 1), AIOPS_TOK_BAIL);
            assert_true(aiops_tok_has_attr(&f, "http.status_code"));
            assert_false(aiops_tok_has_attr(&f, "http"));
        }
        sp = &f.sp[0];
        aiops_tok_span_attrs(&f, sp);
        aiops_buf got = { 0 }, want = { 0 };
        aiops_tok_span_text(&got, f.arena.p, sp);
        aiops_obs_span s = {
            .trace_id = "4bf92f3577b34da6a3ce929d0e0e4736", .span_id = "00f067aa0ba902b7",
            .parent_span_id = parent, .service = svc, .operation = mask & 2 ? op : NULL,
            .duration = (double)sp->dur / 1e6, .error = sp->error, .status = status,
        };
        aiops_obs_span_text(&want, &s);
        if (mask & 32)
            aiops_buf_str(&want, ",\"attributes\":{\"http.status_code\":200,\"k\":\"v\"}");
        assert_string_equal(got.p, want.p);
        aiops_buf_free(&got);
        aiops_buf_free(&want);
        aiops_tok_spans_free(&f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seconds), cmocka_unit_test(test_hex), cmocka_unit_test(test_members),
        cmocka_unit_test(test_int), cmocka_unit_test(test_span_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
