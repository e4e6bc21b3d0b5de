/* test_model_json.c - the save()/load() helpers every model shares
 * (model_json.c): the one spelling of non-finite numbers (null, "+Inf",
 * "-Inf"; the old "NaN" still read, by jdoc.h's AIOPS_JDOC_NONFINITE),
 * and the frame of the batch-fitted models with its "state.path:
 * expected ..." errors. */
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

/* What aiops_mj_num writes, jdoc's AIOPS_JDOC_NONFINITE reads back, and
 * so does the older spelling "NaN"; a finite number in a string does
 * not count. */
static void test_nonfinite_read_back(void **st)
{
    (void)st;
    const double in[] = {NAN, INFINITY, -INFINITY, 2.5};
    json_t *o = json_object();
    int ok = 1;
    aiops_mj_put(o, "a", aiops_mj_array(in, 4), &ok);
    json_object_set_new(o, "old", json_pack("[s,n,i]", "NaN", 3));
    json_object_set_new(o, "text", json_pack("[s]", "3"));
    assert_true(ok);
    aiops_err err = {0};
    aiops_jdoc d = {.err = &err};
    double x[4];
    assert_int_equal(aiops_jdoc_nums(&d, o, "a", AIOPS_JDOC_NONFINITE, x, 4), 1);
    assert_true(isnan(x[0]) && x[1] == INFINITY && x[2] == -INFINITY && x[3] == 2.5);
    assert_int_equal(aiops_jdoc_nums(&d, o, "old", AIOPS_JDOC_NONFINITE, x, 3), 1);
    assert_true(isnan(x[0]) && isnan(x[1]) && x[2] == 3);
    assert_int_equal(aiops_jdoc_nums(&d, o, "text", AIOPS_JDOC_NONFINITE, x, 1), AIOPS_EPARSE);
    assert_string_equal(err.msg, "text[0]: expected a number or null, got a string");
    assert_int_equal(aiops_jdoc_numval(json_object_get(o, "missing"), AIOPS_JDOC_NONFINITE, x),
                     -1);
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
    return aiops_jdoc_num(d, par, "width", AIOPS_JDOC_REQUIRED, -INFINITY, INFINITY,
                          &((toy *)m)->width) < 0
               ? d->err->code
               : 0;
}

static int toy_load_fit(void *m, aiops_jdoc *d, const json_t *o, int version)
{
    toy *t = m;
    assert_int_equal(version, 2);
    if (aiops_jdoc_nums(d, o, "a", AIOPS_JDOC_REQUIRED | AIOPS_JDOC_NONFINITE, t->a, 2) < 0)
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
    assert_string_equal(err.msg, "state.version: expected an integer in [1, 2], got 3");
    json_decref(j);
    /* A file of an older writer: the string "NaN" for an unknown number. */
    j = mt_jq("{'model':'toy','version':2,'params':{'width':0.25},'fitted':true,"
              "'a':['NaN',null]}");
    assert_int_equal(aiops_mj_load(&toy_frame, &back, j, &err), 0);
    assert_true(back.width == 0.25 && isnan(back.a[0]) && isnan(back.a[1]) && back.fitted);
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_num_array), cmocka_unit_test(test_nonfinite_read_back),
        cmocka_unit_test(test_frame),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
