/* test_model_json.c - the save()/load() helpers every model shares
 * (model_json.c): the one spelling of non-finite numbers (null, "+Inf",
 * "-Inf"; the old "NaN" still read), the jdoc-style typed getters with
 * their "path.key: expected ..., got ..." errors, and the frame of the
 * batch-fitted models. */
#include <math.h>
#include <string.h>

#include "modeltest.h"

static void test_put_num_array(void **st)
{
    (void)st;
    int ok = 1;
    json_t *o = json_object();
    double a[] = {1.5, NAN, -INFINITY};
    aiops_mj_put(o, "x", aiops_mj_num(NAN), &ok);
    aiops_mj_put(o, "y", aiops_mj_num(2.5), &ok);
    aiops_mj_put(o, "i", aiops_mj_num(INFINITY), &ok);
    aiops_mj_put(o, "a", aiops_mj_array(a, 3), &ok);
    assert_true(ok);
    assert_true(json_is_null(json_object_get(o, "x")));
    assert_true(json_real_value(json_object_get(o, "y")) == 2.5);
    assert_string_equal(json_string_value(json_object_get(o, "i")), "+Inf");
    json_t *arr = json_object_get(o, "a");
    assert_true(json_real_value(json_array_get(arr, 0)) == 1.5);
    assert_true(json_is_null(json_array_get(arr, 1)));
    assert_string_equal(json_string_value(json_array_get(arr, 2)), "-Inf");
    aiops_mj_put(o, "z", NULL, &ok);             /* a failed value clears ok */
    assert_false(ok);
    json_decref(o);
}

/* Both spellings of non-finite numbers read back; nothing else does. */
static void test_value(void **st)
{
    (void)st;
    json_t *o = mt_jq("{'n':null,'s':'NaN','p':'+Inf','m':'-Inf','r':2.5,'i':3,'t':'3','b':true}");
    double x;
    assert_int_equal(aiops_mj_value(json_object_get(o, "n"), &x), 0);
    assert_true(isnan(x));
    assert_int_equal(aiops_mj_value(json_object_get(o, "s"), &x), 0);
    assert_true(isnan(x));
    assert_int_equal(aiops_mj_value(json_object_get(o, "p"), &x), 0);
    assert_true(x == INFINITY);
    assert_int_equal(aiops_mj_value(json_object_get(o, "m"), &x), 0);
    assert_true(x == -INFINITY);
    assert_int_equal(aiops_mj_value(json_object_get(o, "r"), &x), 0);
    assert_true(x == 2.5);
    assert_int_equal(aiops_mj_value(json_object_get(o, "i"), &x), 0);
    assert_true(x == 3);
    assert_int_equal(aiops_mj_value(json_object_get(o, "t"), &x), -1);   /* a finite string */
    assert_int_equal(aiops_mj_value(json_object_get(o, "b"), &x), -1);
    assert_int_equal(aiops_mj_value(json_object_get(o, "missing"), &x), -1);
    json_decref(o);
}

static void test_number_int_bool(void **st)
{
    (void)st;
    json_t *o = mt_jq("{'d':1.25,'n':null,'x':'NaN','i':7,'b':true,'s':'x'}");
    aiops_err err = {0};
    aiops_jdoc d = {.err = &err};
    aiops_jdoc_key(&d, "state");
    const int req = AIOPS_JDOC_REQUIRED;
    double v = 42;
    int i = 0;
    assert_int_equal(aiops_mj_number(&d, o, "d", req, &v), 1);
    assert_true(v == 1.25);
    assert_int_equal(aiops_mj_number(&d, o, "n", req | AIOPS_MJ_NONFINITE, &v), 1);
    assert_true(isnan(v));
    v = 42;
    assert_int_equal(aiops_mj_number(&d, o, "x", req | AIOPS_MJ_NONFINITE, &v), 1);
    assert_true(isnan(v));
    v = 42;
    assert_int_equal(aiops_mj_number(&d, o, "missing", 0, &v), 0);   /* optional: untouched */
    assert_int_equal(aiops_mj_number(&d, o, "n", 0, &v), 0);         /* null is absent */
    assert_true(v == 42);
    assert_int_equal(aiops_mj_number(&d, o, "n", req, &v), AIOPS_EPARSE);
    assert_string_equal(err.msg, "state: expected field \"n\" (a number)");
    assert_int_equal(aiops_mj_number(&d, o, "x", req, &v), AIOPS_EPARSE);
    assert_string_equal(err.msg, "state.x: expected a number, got a string");
    assert_int_equal(aiops_mj_int(&d, o, "i", req, 0, 9, &i), 1);
    assert_int_equal(i, 7);
    assert_int_equal(aiops_mj_int(&d, o, "i", req, 0, 6, &i), AIOPS_EPARSE);
    assert_string_equal(err.msg, "state.i: expected an integer in 0..6, got 7");
    assert_int_equal(aiops_mj_bool(&d, o, "b", req, &i), 1);
    assert_int_equal(i, 1);
    assert_int_equal(aiops_mj_bool(&d, o, "s", req, &i), AIOPS_EPARSE);
    assert_string_equal(err.msg, "state.s: expected true or false, got a string");
    const json_t *obj = NULL;
    assert_int_equal(aiops_mj_object(&d, o, "d", req, &obj), AIOPS_EPARSE);
    assert_string_equal(err.msg, "state.d: expected an object, got a number");
    assert_int_equal(d.depth, 1);                /* every getter leaves the path as it was */
    json_decref(o);
}

static void test_arrays(void **st)
{
    (void)st;
    json_t *o = mt_jq("{'v':[1,2,3],'w':[1,null],'x':[1,'a'],'o':[1,3,2]}");
    aiops_err err = {0};
    aiops_jdoc d = {.err = &err};
    const int req = AIOPS_JDOC_REQUIRED;
    double v[3];
    assert_int_equal(aiops_mj_numbers(&d, o, "v", req, v, 3), 1);
    assert_true(v[0] == 1 && v[1] == 2 && v[2] == 3);
    assert_int_equal(aiops_mj_numbers(&d, o, "v", req, v, 2), AIOPS_EPARSE);
    assert_string_equal(err.msg, "v: expected an array of 2 numbers, got an array of 3");
    assert_int_equal(aiops_mj_numbers(&d, o, "w", req | AIOPS_MJ_NONFINITE, v, 2), 1);
    assert_true(v[0] == 1 && isnan(v[1]));
    assert_int_equal(aiops_mj_numbers(&d, o, "w", req, v, 2), AIOPS_EPARSE);
    assert_string_equal(err.msg, "w[1]: expected a number, got null");
    assert_int_equal(aiops_mj_numbers(&d, o, "x", req | AIOPS_MJ_NONFINITE, v, 2), AIOPS_EPARSE);
    assert_string_equal(err.msg, "x[1]: expected a number or null, got a string");
    assert_int_equal(aiops_mj_numbers(&d, o, "missing", req, v, 0), AIOPS_EPARSE);
    const int lo[3] = {0, 0, 0}, hi[3] = {5, 5, 1};
    int n[3];
    assert_int_equal(aiops_mj_ints(&d, o, "v", req, lo, hi, n, 3), AIOPS_EPARSE);
    assert_string_equal(err.msg, "v[2]: expected an integer in 0..1, got 3");
    assert_int_equal(aiops_mj_ints(&d, o, "o", req, lo, hi, n, 2), AIOPS_EPARSE);
    const int hi2[3] = {5, 5, 5};
    assert_int_equal(aiops_mj_ints(&d, o, "o", req, lo, hi2, n, 3), 1);
    assert_true(n[0] == 1 && n[1] == 3 && n[2] == 2);
    assert_int_equal(aiops_mj_fail(&d, "o", "expected %s", "ascending numbers"), AIOPS_EPARSE);
    assert_string_equal(err.msg, "o: expected ascending numbers");
    assert_int_equal(d.depth, 0);
    json_decref(o);
}

/* ------------------------------------------------------------- frame */

typedef struct toy {
    double width, a[2];
    int fitted;
} toy;

static int toy_fitted(const void *m)
{
    return ((const toy *)m)->fitted;
}

static void toy_clear(void *m)
{
    ((toy *)m)->fitted = 0;
    ((toy *)m)->a[0] = ((toy *)m)->a[1] = 0;
}

static void toy_save_params(const void *m, json_t *par, int *ok)
{
    aiops_mj_put(par, "width", aiops_mj_num(((const toy *)m)->width), ok);
}

static void toy_save_fit(const void *m, json_t *o, int *ok)
{
    aiops_mj_put(o, "a", aiops_mj_array(((const toy *)m)->a, 2), ok);
}

static int toy_load_params(void *m, aiops_jdoc *d, const json_t *par)
{
    return aiops_mj_number(d, par, "width", AIOPS_JDOC_REQUIRED, &((toy *)m)->width) < 0
               ? d->err->code
               : 0;
}

static int toy_load_fit(void *m, aiops_jdoc *d, const json_t *o, int version)
{
    toy *t = m;
    assert_int_equal(version, 2);
    if (aiops_mj_numbers(d, o, "a", AIOPS_JDOC_REQUIRED | AIOPS_MJ_NONFINITE, t->a, 2) < 0)
        return d->err->code;
    t->fitted = 1;
    return 0;
}

static const aiops_mj_frame toy_frame = {
    .model = "toy", .version = 2, .fitted = toy_fitted, .clear = toy_clear,
    .save_params = toy_save_params, .save_fit = toy_save_fit, .load_params = toy_load_params,
    .load_fit = toy_load_fit,
};

static void test_frame(void **st)
{
    (void)st;
    toy m = {0.5, {1, NAN}, 1}, back = {0};
    aiops_err err = {0};
    json_t *j = aiops_mj_save(&toy_frame, &m);
    char *text = json_dumps(j, JSON_COMPACT);
    assert_string_equal(text, "{\"model\":\"toy\",\"version\":2,\"params\":{\"width\":0.5},"
                              "\"fitted\":true,\"a\":[1.0,null]}");
    free(text);
    assert_int_equal(aiops_mj_load(&toy_frame, &back, j, &err), 0);
    assert_true(back.width == 0.5 && back.a[0] == 1 && isnan(back.a[1]) && back.fitted);
    json_array_set_new(json_object_get(j, "a"), 0, json_string("x"));
    assert_int_equal(aiops_mj_load(&toy_frame, &back, j, &err), AIOPS_EPARSE);
    assert_string_equal(err.msg, "state.a[0]: expected a number or null, got a string");
    assert_true(!back.fitted && back.a[1] == 0);        /* cleared after a failure */
    json_object_set_new(json_object_get(j, "params"), "width", json_string("x"));
    assert_int_equal(aiops_mj_load(&toy_frame, &back, j, &err), AIOPS_EPARSE);
    assert_string_equal(err.msg, "state.params.width: expected a number, got a string");
    json_object_set_new(j, "model", json_string("other"));
    assert_int_equal(aiops_mj_load(&toy_frame, &back, j, &err), AIOPS_EPARSE);
    assert_string_equal(err.msg, "state.model: expected \"toy\", got \"other\"");
    json_decref(j);
    m.fitted = 0;                                /* unfitted: no fit fields */
    j = aiops_mj_save(&toy_frame, &m);
    assert_null(json_object_get(j, "a"));
    assert_int_equal(aiops_mj_load(&toy_frame, &back, j, &err), 0);
    assert_false(back.fitted);
    json_object_set_new(j, "version", json_integer(3));
    assert_int_equal(aiops_mj_load(&toy_frame, &back, j, &err), AIOPS_EPARSE);
    assert_string_equal(err.msg, "state.version: expected an integer in 1..2, got 3");
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_num_array), cmocka_unit_test(test_value),
        cmocka_unit_test(test_number_int_bool), cmocka_unit_test(test_arrays),
        cmocka_unit_test(test_frame),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
