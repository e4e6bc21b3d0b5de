/* test_buf.c - libcore/common/buf.c: aiops_buf text (put, str, printf),
 * JSON strings (quotes, backslashes, control bytes), JSON numbers (short,
 * NaN/Inf as strings) and aiops_buf_json (nesting, member order). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aiops.h"
#include "common/buf.h"

/* b holds exactly want (length and NUL included); then free it. */
static void expect_buf(aiops_buf *b, const char *want)
{
    assert_int_equal(b->oom, 0);
    assert_non_null(b->p);
    assert_int_equal(b->n, strlen(want));
    assert_string_equal(b->p, want);
    aiops_buf_free(b);
    assert_null(b->p);
    assert_int_equal(b->n, 0);
    assert_int_equal(b->cap, 0);
}

static void test_put_and_str(void **st)
{
    (void)st;
    aiops_buf b = {0};
    aiops_buf_put(&b, "abcdef", 3);
    aiops_buf_str(&b, "-xyz");
    aiops_buf_put(&b, "", 0);
    expect_buf(&b, "abc-xyz");
}

static void test_put_keeps_bytes_across_growth(void **st)
{
    (void)st;
    aiops_buf b = {0};
    char want[5001];
    for (int i = 0; i < 5000; i++) {
        char c = (char)('a' + i % 26);
        aiops_buf_put(&b, &c, 1);
        want[i] = c;
    }
    want[5000] = '\0';
    assert_true(b.cap > 5000);
    expect_buf(&b, want);
}

static void test_jstr_escapes(void **st)
{
    (void)st;
    aiops_buf b = {0};
    aiops_buf_jstr(&b, "say \"hi\"\\ok");
    expect_buf(&b, "\"say \\\"hi\\\"\\\\ok\"");

    aiops_buf_jstr(&b, "a\nb\tc\rd");
    expect_buf(&b, "\"a\\nb\\tc\\rd\"");

    aiops_buf_jstr(&b, "\x01\x1f end\x7f");
    expect_buf(&b, "\"\\u0001\\u001f end\x7f\"");

    aiops_buf_jstr(&b, "");
    expect_buf(&b, "\"\"");

    /* UTF-8 passes through untouched. */
    aiops_buf_jstr(&b, "caf\xc3\xa9");
    expect_buf(&b, "\"caf\xc3\xa9\"");
}

static void test_jstrn_embedded_nul(void **st)
{
    (void)st;
    aiops_buf b = {0};
    aiops_buf_jstrn(&b, "a\0b", 3);
    expect_buf(&b, "\"a\\u0000b\"");
}

static void test_numbers(void **st)
{
    (void)st;
    aiops_buf b = {0};
    const double v[] = {0.1, -2.5, 1700000000.0, 1e21, 0.1 + 0.2};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        if (i)
            aiops_buf_put(&b, ",", 1);
        aiops_buf_num(&b, v[i]);
    }
    expect_buf(&b, "0.1,-2.5,1700000000,1e+21,0.30000000000000004");

    aiops_buf_num(&b, NAN);
    aiops_buf_put(&b, ",", 1);
    aiops_buf_num(&b, INFINITY);
    aiops_buf_put(&b, ",", 1);
    aiops_buf_num(&b, -INFINITY);
    expect_buf(&b, "\"NaN\",\"+Inf\",\"-Inf\"");
}

static void test_printf(void **st)
{
    (void)st;
    aiops_buf b = {0};
    aiops_buf_printf(&b, "%s=%d", "n", 42);
    aiops_buf_printf(&b, " %-6s|", "ab");
    aiops_buf_printf(&b, "%.3f", 2.0 / 3.0);
    expect_buf(&b, "n=42 ab    |0.667");

    /* Text longer than the first allocation is formatted whole. */
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    aiops_buf_str(&b, "<");
    aiops_buf_printf(&b, "%s>%zu", big, sizeof big - 1);
    char want[3010];
    snprintf(want, sizeof want, "<%s>2999", big);
    expect_buf(&b, want);

    aiops_buf_printf(&b, "%s", "");
    assert_int_equal(b.n, 0);
    aiops_buf_free(&b);
}

static void test_json_nested_in_order(void **st)
{
    (void)st;
    json_t *o = json_object();
    json_object_set_new(o, "zeta", json_integer(-7));
    json_object_set_new(o, "alpha", json_string("a\"b"));
    json_t *arr = json_array();
    json_array_append_new(arr, json_real(0.5));
    json_array_append_new(arr, json_true());
    json_array_append_new(arr, json_null());
    json_t *inner = json_object();
    json_object_set_new(inner, "m", json_false());
    json_object_set_new(inner, "b", json_array());
    json_array_append_new(arr, inner);
    json_object_set_new(o, "list", arr);
    json_object_set_new(o, "empty", json_object());
    json_object_set_new(o, "big", json_integer(9007199254740993LL));
    json_object_set_new(o, "r", json_real(1e-7));

    aiops_buf b = {0};
    aiops_buf_json(&b, o);
    expect_buf(&b, "{\"zeta\":-7,\"alpha\":\"a\\\"b\",\"list\":[0.5,true,null,"
                   "{\"m\":false,\"b\":[]}],\"empty\":{},\"big\":9007199254740993,"
                   "\"r\":1e-07}");
    json_decref(o);
}

static void test_json_scalars(void **st)
{
    (void)st;
    aiops_buf b = {0};
    json_t *s = json_stringn("x\ny", 3);
    aiops_buf_json(&b, s);
    json_decref(s);
    expect_buf(&b, "\"x\\ny\"");

    json_t *a = json_array();
    aiops_buf_json(&b, a);
    json_decref(a);
    expect_buf(&b, "[]");
}

/* Terminal text: C0 (ESC, CR, tab), DEL and C1 become '?', other UTF-8
 * stays, and the characters asked for get a backslash. */
static void test_term(void **state)
{
    (void)state;
    aiops_buf b = {0};
    aiops_buf_term(&b, "a\033[2Jb\r\t\x7f\xc2\x9b" "31m \xc3\xa9|x", NULL);
    aiops_buf_put(&b, "", 1);
    assert_string_equal(b.p, "a?[2Jb????31m \xc3\xa9|x");
    b.n = 0;
    aiops_buf_term(&b, "a|b\\c", "|\\");
    aiops_buf_put(&b, "", 1);
    assert_string_equal(b.p, "a\\|b\\\\c");
    aiops_buf_free(&b);
}

/* nothing put from NULL: an empty buffer's p is NULL, and putting it
 * into another buffer must be a no-op (found by fuzz_selector) */
static void test_put_empty(void **st)
{
    (void)st;
    aiops_buf a = {0}, b = {0};
    aiops_buf_put(&b, a.p, a.n);
    assert_int_equal(b.n, 0);
    aiops_buf_put(&b, "x", 1);
    aiops_buf_put(&b, NULL, 0);
    assert_int_equal(b.n, 1);
    assert_string_equal(b.p, "x");
    aiops_buf_free(&b);
}


/* The escaper copies runs 8 bytes at a time: every byte value at every
 * place in a run gives what a byte-by-byte escape gives. */
static void test_escape_runs(void **st)
{
    (void)st;
    char in[40], out[6 * sizeof in + 1], want[6 * sizeof in + 1];
    for (int c = 0; c < 256; c++) {
        for (size_t at = 0; at < 20; at++) {
            size_t n = 20 + at % 7;
            memset(in, 'a', sizeof in);
            in[at] = (char)c;
            in[n - 1] = at % 2 ? '\xc3' : 'z';
            size_t w = 0;
            for (size_t i = 0; i < n; i++) {
                unsigned char u = (unsigned char)in[i];
                if (u == '"' || u == '\\') {
                    want[w++] = '\\';
                    want[w++] = (char)u;
                } else if (u == '\n' || u == '\t' || u == '\r') {
                    want[w++] = '\\';
                    want[w++] = u == '\n' ? 'n' : u == '\t' ? 't' : 'r';
                } else if (u < 0x20) {
                    w += (size_t)snprintf(want + w, 7, "\\u%04x", u);
                } else {
                    want[w++] = (char)u;
                }
            }
            want[w] = '\0';
            assert_int_equal(aiops_json_escape(in, n, out), w);
            assert_memory_equal(out, want, w + 1);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_and_str),
        cmocka_unit_test(test_put_keeps_bytes_across_growth),
        cmocka_unit_test(test_jstr_escapes),
        cmocka_unit_test(test_escape_runs),
        cmocka_unit_test(test_jstrn_embedded_nul),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_printf),
        cmocka_unit_test(test_json_nested_in_order),
        cmocka_unit_test(test_json_scalars),
        cmocka_unit_test(test_term),
        cmocka_unit_test(test_put_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
