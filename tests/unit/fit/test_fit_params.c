/* test_fit_params.c - model parameters from aiops-fit's option text and
 * back and forth as JSON (fit_params.c). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fit/fit.h"

static void test_param_set(void **state)
{
    (void)state;
    aiops_model_params p;
    aiops_model_params_init(&p);
    aiops_err err = {0};
    assert_int_equal(aiops_fit_param_set(&p, "k", "2.5", &err), 0);
    assert_true(p.k == 2.5);
    assert_int_equal(aiops_fit_param_set(&p, "period", "1d", &err), 0);
    assert_true(p.period == 86400);
    assert_int_equal(aiops_fit_param_set(&p, "window", "90m", &err), 0);
    assert_true(p.window == 5400);
    assert_int_equal(aiops_fit_param_set(&p, "daily-order", "4", &err), 0);
    assert_int_equal(p.daily_order, 4);
    assert_int_equal(aiops_fit_param_set(&p, "order", "2,1,0", &err), 0);
    assert_int_equal(p.p, 2);
    assert_int_equal(p.d, 1);
    assert_int_equal(p.q, 0);
    assert_int_equal(aiops_fit_param_set(&p, "seasonal-order", "0,1,1", &err), 0);
    assert_int_equal(p.D, 1);
    assert_int_equal(p.Q, 1);
    assert_int_equal(aiops_fit_param_set(&p, "multiplicative", NULL, &err), 0);
    assert_int_equal(p.multiplicative, 1);
    assert_int_equal(aiops_fit_param_set(&p, "alpha", "-1", &err), AIOPS_EINVAL);
    assert_string_equal(err.msg, "--alpha: expected a number >= 0, got '-1'");
    assert_int_equal(aiops_fit_param_set(&p, "order", "1,1", &err), AIOPS_EINVAL);
    assert_string_equal(err.msg, "--order: expected three orders 0..10 like 1,1,1, got '1,1'");
    assert_int_equal(aiops_fit_param_set(&p, "changepoints", "2000", &err), AIOPS_EINVAL);
    assert_int_equal(aiops_fit_param_set(&p, "colour", "1", &err), AIOPS_EINVAL);
    assert_string_equal(err.msg, "unknown model parameter 'colour'");
}

static void test_json_round_trip(void **state)
{
    (void)state;
    aiops_model_params p, q;
    aiops_model_params_init(&p);
    aiops_model_params_init(&q);
    aiops_err err = {0};
    p.k = 3.5;
    p.weekly_order = 2;
    memcpy(p.op, ">=", 3);
    json_t *j = aiops_fit_params_to_json(&p);
    assert_int_equal(json_object_size(j), 3);   /* only what is set */
    assert_true(json_real_value(json_object_get(j, "k")) == 3.5);
    assert_int_equal(json_integer_value(json_object_get(j, "weekly_order")), 2);
    assert_string_equal(json_string_value(json_object_get(j, "op")), ">=");
    assert_int_equal(aiops_fit_params_from_json(j, &q, &err), 0);
    assert_true(q.k == 3.5);
    assert_int_equal(q.weekly_order, 2);
    assert_string_equal(q.op, ">=");
    assert_true(isnan(q.alpha));
    json_decref(j);
}

/* A threshold of -Inf (--static 'x > -Inf') survives --save/--load: written
 * in the model files' spelling, read back; old files (plain numbers) and
 * the string "NaN" still load. */
static void test_json_non_finite(void **state)
{
    (void)state;
    aiops_model_params p, q;
    aiops_model_params_init(&p);
    aiops_model_params_init(&q);
    aiops_err err = {0};
    p.threshold = -INFINITY;
    p.k = INFINITY;
    memcpy(p.op, ">", 2);
    json_t *j = aiops_fit_params_to_json(&p);
    assert_int_equal(json_object_size(j), 3);
    assert_string_equal(json_string_value(json_object_get(j, "threshold")), "-Inf");
    assert_string_equal(json_string_value(json_object_get(j, "k")), "+Inf");
    assert_int_equal(aiops_fit_params_from_json(j, &q, &err), 0);
    assert_true(isinf(q.threshold) && q.threshold < 0);
    assert_true(isinf(q.k) && q.k > 0);
    json_decref(j);
    j = json_pack("{s:f, s:s, s:n}", "threshold", 80.5, "alpha", "NaN", "k");
    aiops_model_params_init(&q);
    assert_int_equal(aiops_fit_params_from_json(j, &q, &err), 0);
    assert_true(q.threshold == 80.5 && isnan(q.alpha) && isnan(q.k));
    json_decref(j);
    j = json_pack("{s:s}", "threshold", "eighty");
    assert_int_equal(aiops_fit_params_from_json(j, &q, &err), AIOPS_EPARSE);
    assert_string_equal(err.msg, "params.threshold: expected a number, \"+Inf\" or \"-Inf\"");
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_param_set),
        cmocka_unit_test(test_json_round_trip),
        cmocka_unit_test(test_json_non_finite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
