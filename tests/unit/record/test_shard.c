/* test_shard.c - libcore/record/shard.c: --shard K/N parsing and errors,
 * the documented hash (values computed independently: FNV-1a 64 of the
 * canonical text through MurmurHash3's fmix64, modulo N), its spread over
 * 1000 series, and which records a shard keeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "aiops_format.h"

static void test_parse_accepts(void **state)
{
    (void)state;
    aiops_err err = {0};
    aiops_shard sh = {9, 9};
    assert_int_equal(aiops_shard_parse("0/1", &sh, &err), 0);
    assert_int_equal(sh.k, 0);
    assert_int_equal(sh.n, 1);
    assert_int_equal(aiops_shard_parse("7/8", &sh, &err), 0);
    assert_int_equal(sh.k, 7);
    assert_int_equal(sh.n, 8);
    assert_int_equal(aiops_shard_parse("65535/65536", &sh, &err), 0);
    assert_int_equal(sh.n, 65536);
}

static void test_parse_rejects(void **state)
{
    (void)state;
    const char *bad[] = {"3/2", "2/2", "1/0", "0/0", "-1/2", "1", "/2", "1/", "a/2", "1/2x",
                         "0/65537", "1.0/2", "", "1//2", NULL};
    for (size_t i = 0; bad[i]; i++) {
        aiops_err err = {0};
        aiops_shard sh = {5, 6};
        if (aiops_shard_parse(bad[i], &sh, &err) != AIOPS_EINVAL)
            fail_msg("'%s' accepted", bad[i]);
        assert_int_equal(err.code, AIOPS_EINVAL);
        assert_non_null(strstr(err.msg, "0 <= K < N"));
        assert_int_equal(sh.k, 5);               /* untouched */
    }
}

static void test_hash_values(void **state)
{
    (void)state;
    struct { const char *s; uint32_t n2, n3, n4, n8; } v[] = {
        {"cpu{host=\"web-1\"}", 1, 1, 1, 1},
        {"cpu{host=\"web-9\"}", 0, 2, 2, 2},     /* plain FNV-1a mod 8 would equal web-1's */
        {"latency_ms{service=\"api\"}", 1, 2, 3, 7},
        {"queue_depth{service=\"worker\"}", 0, 1, 2, 6},
    };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        size_t l = strlen(v[i].s);
        assert_int_equal(aiops_shard_of(v[i].s, l, 2), v[i].n2);
        assert_int_equal(aiops_shard_of(v[i].s, l, 3), v[i].n3);
        assert_int_equal(aiops_shard_of(v[i].s, l, 4), v[i].n4);
        assert_int_equal(aiops_shard_of(v[i].s, l, 8), v[i].n8);
        assert_int_equal(aiops_shard_of(v[i].s, l, 1), 0);
    }
}

static void test_hash_spread(void **state)
{
    (void)state;
    unsigned c[8] = {0};
    for (int i = 0; i < 1000; i++) {
        char s[64];
        int n = snprintf(s, sizeof s, "cpu{host=\"web-%d\"}", i);
        c[aiops_shard_of(s, (size_t)n, 8)]++;
    }
    const unsigned want[8] = {121, 123, 130, 125, 126, 127, 128, 120};
    for (int k = 0; k < 8; k++)
        assert_int_equal(c[k], want[k]);
}

static void test_keep(void **state)
{
    (void)state;
    aiops_series_table *t = aiops_series_table_new();
    assert_non_null(t);
    aiops_err err = {0};
    uint32_t a, b;
    /* interned in either order, a series keeps its shard */
    assert_int_equal(aiops_series_intern_text(t, "queue_depth{service=\"worker\"}", 29, &b, &err), 0);
    assert_int_equal(aiops_series_intern_text(t, "latency_ms{service=\"api\"}", 25, &a, &err), 0);
    aiops_record sa = {.type = AIOPS_R_SAMPLE, .sid = a}, sb = {.type = AIOPS_R_SAMPLE, .sid = b};
    aiops_record log = {.type = AIOPS_R_LOG}, alert = {.type = AIOPS_R_ALERT};
    aiops_shard none = {0, 0}, s0 = {0, 3}, s1 = {1, 3}, s2 = {2, 3};
    assert_true(aiops_shard_keep(&none, t, &sa) && aiops_shard_keep(&none, t, &log));
    /* latency_ms{service="api"} is in 2 of 3, queue_depth in 1 of 3 */
    assert_false(aiops_shard_keep(&s0, t, &sa));
    assert_false(aiops_shard_keep(&s1, t, &sa));
    assert_true(aiops_shard_keep(&s2, t, &sa));
    assert_true(aiops_shard_keep(&s1, t, &sb));
    assert_false(aiops_shard_keep(&s2, t, &sb));
    /* other records: shard 0 only */
    assert_true(aiops_shard_keep(&s0, t, &log) && aiops_shard_keep(&s0, t, &alert));
    assert_false(aiops_shard_keep(&s1, t, &log) || aiops_shard_keep(&s2, t, &alert));
    aiops_series_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_accepts),
        cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_hash_values),
        cmocka_unit_test(test_hash_spread),
        cmocka_unit_test(test_keep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
