/* test_map.c - libcore/common/map.h: put, get, replace, key 0 a key like
 * any other, growth past many doublings with every key kept, and deletion
 * that keeps the keys behind it in their probe chain findable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aiops.h"
#include "common/map.h"

static void test_put_get(void **st)
{
    (void)st;
    aiops_map m = {0};
    uint32_t v = 7;
    assert_int_equal(aiops_map_get(&m, 42, &v), 0);   /* empty map */
    assert_int_equal(v, 7);
    assert_int_equal(aiops_map_put(&m, 42, 3), 0);
    assert_int_equal(aiops_map_get(&m, 42, &v), 1);
    assert_int_equal(v, 3);
    assert_int_equal(aiops_map_put(&m, 42, 9), 0);    /* replaces */
    assert_int_equal(aiops_map_get(&m, 42, &v), 1);
    assert_int_equal(v, 9);
    assert_int_equal(m.n, 1);
    assert_int_equal(aiops_map_put(&m, 1, 4), 0);
    assert_int_equal(aiops_map_put(&m, 0, 5), 0);     /* 0 is a key of its own */
    assert_int_equal(aiops_map_get(&m, 0, &v), 1);
    assert_int_equal(v, 5);
    assert_int_equal(aiops_map_get(&m, 1, &v), 1);
    assert_int_equal(v, 4);
    assert_int_equal(m.n, 3);
    aiops_map_del(&m, 0);
    assert_int_equal(aiops_map_get(&m, 0, &v), 0);
    assert_int_equal(m.n, 2);
    assert_int_equal(aiops_map_put(&m, 0, 6), 0);     /* kept through growth */
    for (uint32_t i = 2; i < 1000; i++)
        assert_int_equal(aiops_map_put(&m, i, i), 0);
    assert_int_equal(aiops_map_get(&m, 0, &v), 1);
    assert_int_equal(v, 6);
    assert_int_equal(m.n, 1000);
    aiops_map_free(&m);
    assert_int_equal(m.cap, 0);
    aiops_map_free(&m);                                  /* twice is fine */
}

static void test_grow(void **st)
{
    (void)st;
    aiops_map m = {0};
    for (uint32_t i = 1; i <= 20000; i++)
        assert_int_equal(aiops_map_put(&m, (uint64_t)i * 1000003u, i), 0);
    assert_int_equal(m.n, 20000);
    assert_true(m.cap >= 40000);
    for (uint32_t i = 1; i <= 20000; i++) {
        uint32_t v = 0;
        assert_int_equal(aiops_map_get(&m, (uint64_t)i * 1000003u, &v), 1);
        assert_int_equal(v, i);
    }
    uint32_t v;
    assert_int_equal(aiops_map_get(&m, 5, &v), 0);
    aiops_map_free(&m);
}

static void test_delete(void **st)
{
    (void)st;
    aiops_map m = {0};
    for (uint32_t i = 1; i <= 500; i++)
        assert_int_equal(aiops_map_put(&m, i, i), 0);
    for (uint32_t i = 1; i <= 500; i += 2)   /* every other key, mid-chain ones too */
        aiops_map_del(&m, i);
    aiops_map_del(&m, 100000);               /* absent: nothing happens */
    assert_int_equal(m.n, 250);
    for (uint32_t i = 1; i <= 500; i++) {
        uint32_t v = 0;
        assert_int_equal(aiops_map_get(&m, i, &v), i % 2 == 0);
        if (i % 2 == 0)
            assert_int_equal(v, i);
    }
    aiops_map_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_get),
        cmocka_unit_test(test_grow),
        cmocka_unit_test(test_delete),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
