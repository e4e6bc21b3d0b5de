/* test_model_json.c - the save()/load() helpers every model shares
 * (model_json.c): non-finite numbers as null, and the typed accessors with
 * their "MODEL: expected ... "key" in the saved model" errors. */
#include <math.h>
#include <string.h>

#include "modeltest.h"

static void test_put_num_array(void **st)
{
    (void)st;
    int ok = 1;
    json_t *o = json_object();
    double a[] = {1.5, -2};
    aiops_mj_put(o, "x", aiops_mj_num(NAN), &ok);
    aiops_mj_put(o, "y", aiops_mj_num(2.5), &ok);
    aiops_mj_put(o, "a", aiops_mj_array(a, 2), &ok);
    assert_true(ok);
    assert_true(json_is_null(json_object_get(o, "x")));
    assert_true(json_real_value(json_object_get(o, "y")) == 2.5);
    assert_true(json_real_value(json_array_get(json_object_get(o, "a"), 1)) == -2);
    aiops_mj_put(o, "z", NULL, &ok);             /* a failed value clears ok */
    assert_false(ok);
    json_decref(o);
}

static void test_double_int_bool(void **st)
{
    (void)st;
    json_t *o = mt_jq("{'d':1.25,'n':null,'i':7,'b':true,'s':'x'}");
    aiops_err err = {0};
    double d;
    int i;
    assert_int_equal(aiops_mj_double("m", o, "d", 0, &d, &err), 0);
    assert_true(d == 1.25);
    assert_int_equal(aiops_mj_double("m", o, "n", 1, &d, &err), 0);
    assert_true(isnan(d));
    assert_int_equal(aiops_mj_double("m", o, "n", 0, &d, &err), AIOPS_EPARSE);
    assert_int_equal(aiops_mj_int("m", json_object_get(o, "i"), "i", 0, 9, &i, &err), 0);
    assert_int_equal(i, 7);
    assert_int_equal(aiops_mj_int("m", json_object_get(o, "i"), "i", 0, 6, &i, &err),
                     AIOPS_EPARSE);
    assert_string_equal(err.msg, "m: expected an integer in 0..6 as \"i\" in the saved model");
    assert_int_equal(aiops_mj_bool("m", json_object_get(o, "b"), "b", &i, &err), 0);
    assert_int_equal(i, 1);
    assert_int_equal(aiops_mj_bool("m", json_object_get(o, "s"), "s", &i, &err), AIOPS_EPARSE);
    assert_string_equal(err.msg, "m: expected true or false as \"s\" in the saved model");
    json_decref(o);
}

static void test_vec(void **st)
{
    (void)st;
    json_t *o = mt_jq("{'v':[1,2,3],'w':[1,null],'x':[1,'a']}");
    aiops_err err = {0};
    double v[3];
    assert_int_equal(aiops_mj_vec("m", o, "v", v, 3, 0, &err), 0);
    assert_true(v[0] == 1 && v[2] == 3);
    assert_int_equal(aiops_mj_vec("m", o, "v", v, 2, 0, &err), AIOPS_EPARSE);
    assert_string_equal(err.msg, "m: expected an array of 2 numbers as \"v\" in the saved model");
    assert_int_equal(aiops_mj_vec("m", o, "w", v, 2, 1, &err), 0);
    assert_true(v[0] == 1 && isnan(v[1]));
    assert_int_equal(aiops_mj_vec("m", o, "w", v, 2, 0, &err), AIOPS_EPARSE);
    assert_string_equal(err.msg, "m: expected finite numbers in \"w\" in the saved model");
    assert_int_equal(aiops_mj_vec("m", o, "x", v, 2, 1, &err), AIOPS_EPARSE);
    assert_int_equal(aiops_mj_vec("m", o, "missing", v, 0, 0, &err), AIOPS_EPARSE);
    json_decref(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_num_array),
        cmocka_unit_test(test_double_int_bool),
        cmocka_unit_test(test_vec),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
