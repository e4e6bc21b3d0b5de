/* test_array.c - libcore/common/array.h: AIOPS_GROW (first capacity 8,
 * doubling, contents kept, no-op below capacity, size overflow refused
 * without touching the array) and AIOPS_GROW_ZERO (new slots zeroed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aiops.h"
#include "common/array.h"

static void test_first_capacity_is_8(void **st)
{
    (void)st;
    int *v = NULL;
    size_t cap = 0;
    assert_int_equal(AIOPS_GROW(v, cap, 1), 0);
    assert_non_null(v);
    assert_int_equal(cap, 8);
    free(v);
}

static void test_doubles_and_keeps_contents(void **st)
{
    (void)st;
    int *v = NULL;
    size_t cap = 0, n = 0;
    size_t seen[8] = {0}, nseen = 0;
    for (int i = 0; i < 100; i++) {
        assert_int_equal(AIOPS_GROW(v, cap, n + 1), 0);
        if (!nseen || seen[nseen - 1] != cap)
            seen[nseen++] = cap;
        v[n++] = i * 7;
    }
    /* 100 elements: 8, 16, 32, 64, 128 and no other capacity on the way. */
    assert_int_equal(nseen, 5);
    assert_int_equal(seen[0], 8);
    assert_int_equal(seen[1], 16);
    assert_int_equal(seen[2], 32);
    assert_int_equal(seen[3], 64);
    assert_int_equal(seen[4], 128);
    for (int i = 0; i < 100; i++)
        assert_int_equal(v[i], i * 7);
    free(v);
}

static void test_big_need_jumps(void **st)
{
    (void)st;
    double *v = NULL;
    size_t cap = 0;
    /* Doubling from 8 until it holds 1000: 1024. */
    assert_int_equal(AIOPS_GROW(v, cap, 1000), 0);
    assert_int_equal(cap, 1024);
    v[999] = 2.5;
    /* From 1024 straight to 4096 for 3000. */
    assert_int_equal(AIOPS_GROW(v, cap, 3000), 0);
    assert_int_equal(cap, 4096);
    assert_true(v[999] == 2.5);
    free(v);
}

static void test_need_within_capacity_is_noop(void **st)
{
    (void)st;
    char *v = NULL;
    size_t cap = 0;
    assert_int_equal(AIOPS_GROW(v, cap, 20), 0);
    assert_int_equal(cap, 32);
    char *before = v;
    size_t none = 0;    /* a literal 0 would be a warning: 0 <= cap */
    assert_int_equal(AIOPS_GROW(v, cap, none), 0);
    assert_int_equal(AIOPS_GROW(v, cap, 5), 0);
    assert_int_equal(AIOPS_GROW(v, cap, 32), 0);
    assert_ptr_equal(v, before);
    assert_int_equal(cap, 32);
    free(v);
}

static void test_zero_need_on_empty_allocates_nothing(void **st)
{
    (void)st;
    int *v = NULL;
    size_t cap = 0, none = 0;
    assert_int_equal(AIOPS_GROW(v, cap, none), 0);
    assert_null(v);
    assert_int_equal(cap, 0);
}

static void test_overflow_leaves_array(void **st)
{
    (void)st;
    uint64_t *v = NULL;
    size_t cap = 0;
    assert_int_equal(AIOPS_GROW(v, cap, 3), 0);
    v[0] = 11;
    v[1] = 22;
    v[2] = 33;
    uint64_t *before = v;
    /* need * 8 bytes does not fit in a size_t. */
    assert_int_equal(AIOPS_GROW(v, cap, SIZE_MAX / 4), AIOPS_ENOMEM);
    assert_int_equal(AIOPS_GROW(v, cap, SIZE_MAX), AIOPS_ENOMEM);
    assert_ptr_equal(v, before);
    assert_int_equal(cap, 8);
    assert_true(v[0] == 11 && v[1] == 22 && v[2] == 33);
    free(v);
}

static void test_grow_zero(void **st)
{
    (void)st;
    struct pt {
        int x, y;
    } *v = NULL;
    size_t cap = 0;
    assert_int_equal(AIOPS_GROW_ZERO(v, cap, 5), 0);
    assert_int_equal(cap, 8);
    for (size_t i = 0; i < cap; i++)
        assert_true(v[i].x == 0 && v[i].y == 0);
    for (size_t i = 0; i < cap; i++)
        v[i] = (struct pt){(int)i + 1, -(int)i - 1};
    assert_int_equal(AIOPS_GROW_ZERO(v, cap, 9), 0);
    assert_int_equal(cap, 16);
    for (size_t i = 0; i < 8; i++)
        assert_true(v[i].x == (int)i + 1 && v[i].y == -(int)i - 1);
    for (size_t i = 8; i < 16; i++)
        assert_true(v[i].x == 0 && v[i].y == 0);
    /* Below capacity: nothing is zeroed. */
    v[12].x = 5;
    assert_int_equal(AIOPS_GROW_ZERO(v, cap, 13), 0);
    assert_int_equal(v[12].x, 5);
    assert_int_equal(AIOPS_GROW_ZERO(v, cap, SIZE_MAX), AIOPS_ENOMEM);
    assert_int_equal(cap, 16);
    assert_int_equal(v[0].x, 1);
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_capacity_is_8),
        cmocka_unit_test(test_doubles_and_keeps_contents),
        cmocka_unit_test(test_big_need_jumps),
        cmocka_unit_test(test_need_within_capacity_is_noop),
        cmocka_unit_test(test_zero_need_on_empty_allocates_nothing),
        cmocka_unit_test(test_overflow_leaves_array),
        cmocka_unit_test(test_grow_zero),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
