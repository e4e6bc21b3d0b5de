/* test_limits.c - libcore/common/limits.h: defaults, AIOPS_MAX_* from the
 * environment (checked, range in the message), options clamped to the
 * range, the decompression checks (per member, ratio past the free
 * amount) and the temporary-file total. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aiops.h"
#include "common/limits.h"

static void test_defaults(void **st)
{
    (void)st;
    unsetenv("AIOPS_MAX_LINE");
    assert_int_equal(aiops_limits_load(NULL), 0);
    assert_true(aiops_limit(AIOPS_LIM_LINE) == AIOPS_MAX_LINE_DEFAULT);
    assert_true(aiops_limit(AIOPS_LIM_DOC) == AIOPS_MAX_DOC_DEFAULT);
    assert_true(aiops_limit(AIOPS_LIM_SERIES) == AIOPS_MAX_SERIES_DEFAULT);
    assert_int_equal(aiops_limit(AIOPS_LIM_LABELS), 256);
    assert_int_equal(aiops_limit(AIOPS_LIM_RATIO), 1000);
    assert_string_equal(aiops_limit_about(AIOPS_LIM_SPILL)->env, "AIOPS_MAX_SPILL");
    assert_null(aiops_limit_about(AIOPS_LIM_N));
}

static void test_env(void **st)
{
    (void)st;
    aiops_err err = {0};
    setenv("AIOPS_MAX_LABELS", "12", 1);
    assert_int_equal(aiops_limits_load(&err), 0);
    assert_int_equal(aiops_limit(AIOPS_LIM_LABELS), 12);
    setenv("AIOPS_MAX_DEPTH", "1", 1);      /* below the range [2, 2048] */
    assert_int_equal(aiops_limits_load(&err), AIOPS_EINVAL);
    assert_string_equal(err.msg, "AIOPS_MAX_DEPTH (environment): expected a whole number in "
                                 "[2, 2048], got '1'");
    setenv("AIOPS_MAX_DEPTH", "9x", 1);
    assert_int_equal(aiops_limits_load(&err), AIOPS_EINVAL);
    unsetenv("AIOPS_MAX_DEPTH");
    unsetenv("AIOPS_MAX_LABELS");
}

static void test_set_clamps(void **st)
{
    (void)st;
    aiops_limit_set(AIOPS_LIM_LABELS, 100000);
    assert_int_equal(aiops_limit(AIOPS_LIM_LABELS), 256);
    aiops_limit_set(AIOPS_LIM_SERIES, 3);
    assert_int_equal(aiops_limit(AIOPS_LIM_SERIES), 3);
    aiops_limit_set(AIOPS_LIM_LINE, 1);
    assert_int_equal(aiops_limit(AIOPS_LIM_LINE), 1024);
}

static void test_inflate(void **st)
{
    (void)st;
    aiops_err err = {0};
    aiops_limit_set(AIOPS_LIM_RATIO, 10);
    aiops_limit_set(AIOPS_LIM_INFLATE, 1 << 30);
    /* below the free amount any ratio passes */
    assert_int_equal(aiops_limit_inflate(1000, AIOPS_RATIO_FREE, 1, "a.gz", &err), 0);
    uint64_t out = AIOPS_RATIO_FREE + 1;
    assert_int_equal(aiops_limit_inflate(out, out, out / 10 + 1, "a.gz", &err), 0);
    assert_int_equal(aiops_limit_inflate(out, out, out / 10 - 1, "a.gz", &err), AIOPS_ELIMIT);
    assert_string_equal(err.file, "a.gz");
    assert_non_null(strstr(err.msg, "more than 10 times its compressed size"));
    assert_int_equal(aiops_limit_inflate((1u << 30) + 1u, 1, 1, "a.gz", &err), AIOPS_ELIMIT);
    assert_non_null(strstr(err.msg, "more than 1073741824 bytes"));
    assert_null(aiops_limit_tripped());
    aiops_limit_trip("first");
    aiops_limit_trip("second");
    assert_string_equal(aiops_limit_tripped(), "first");
}

static void test_spill(void **st)
{
    (void)st;
    aiops_err err = {0};
    aiops_limit_set(AIOPS_LIM_SPILL, 4096);
    assert_int_equal(aiops_limit_spill(4000, &err), 0);
    assert_int_equal(aiops_limit_spill(96, &err), 0);
    assert_int_equal(aiops_limit_spill(1, &err), AIOPS_ELIMIT);
    assert_non_null(strstr(err.msg, "would pass 4096 bytes (AIOPS_MAX_SPILL"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_env),
        cmocka_unit_test(test_set_clamps),
        cmocka_unit_test(test_inflate),
        cmocka_unit_test(test_spill),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
