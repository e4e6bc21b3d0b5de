/* test_model.c - what model.c gives every model: the registry, the
 * parameters' "unset" values, the allocation of create() and the shared
 * width/period defaults and checks. */
#include <string.h>

#include "modeltest.h"

static void test_registry(void **st)
{
    (void)st;
    const aiops_model_ops *const *all = aiops_models();
    size_t n = 0;
    while (all[n])
        n++;
    assert_int_equal(n, 7);
    assert_ptr_equal(aiops_model_find("likelihood"), &aiops_model_likelihood);
    assert_ptr_equal(aiops_model_find("sarima"), &aiops_model_sarima);
    assert_null(aiops_model_find("prophet"));
    aiops_model_params p;
    aiops_model_params_init(&p);
    assert_true(isnan(p.width) && isnan(p.threshold) && p.p == -1 && p.nwindows == 0);
}

typedef struct thing {
    double width, period;
    int destroyed;
} thing;

static int destroyed;

static int thing_init(void *m, const aiops_model_params *p, aiops_err *err)
{
    thing *t = m;
    return aiops_model_width_period("thing", p, &t->width, &t->period, err);
}

static void thing_destroy(void *m)
{
    destroyed++;
    free(m);
}

static void test_new(void **st)
{
    (void)st;
    aiops_err err = {0};
    thing *t = aiops_model_new(sizeof(thing), NULL, thing_init, thing_destroy, &err);
    assert_non_null(t);                          /* NULL params: the defaults */
    assert_true(t->width == 0.99 && t->period == 86400 && t->destroyed == 0);
    thing_destroy(t);
    aiops_model_params p;
    aiops_model_params_init(&p);
    p.width = 0.9;
    p.period = 3600;
    t = aiops_model_new(sizeof(thing), &p, thing_init, thing_destroy, &err);
    assert_true(t->width == 0.9 && t->period == 3600);
    thing_destroy(t);
    destroyed = 0;
    p.width = 1;                                 /* init fails: destroyed, error kept */
    assert_null(aiops_model_new(sizeof(thing), &p, thing_init, thing_destroy, &err));
    assert_int_equal(destroyed, 1);
    assert_int_equal(err.code, AIOPS_EINVAL);
    assert_string_equal(err.msg, "thing: expected width in (0, 1), got 1");
}

static void test_width_period(void **st)
{
    (void)st;
    aiops_err err = {0};
    aiops_model_params p;
    aiops_model_params_init(&p);
    double w, per;
    p.period = 0;                                /* 0 is "the model picks": a day */
    assert_int_equal(aiops_model_width_period("m", &p, &w, &per, &err), 0);
    assert_true(w == 0.99 && per == 86400);
    p.period = -5;
    assert_int_equal(aiops_model_width_period("m", &p, &w, &per, &err), AIOPS_EINVAL);
    assert_string_equal(err.msg, "m: expected a positive period, got -5");
    p.period = INFINITY;
    assert_int_equal(aiops_model_width_period("m", &p, &w, &per, &err), AIOPS_EINVAL);
    p.period = 60;
    p.width = 0;
    assert_int_equal(aiops_model_width_period("m", &p, &w, &per, &err), AIOPS_EINVAL);
    assert_string_equal(err.msg, "m: expected width in (0, 1), got 0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_new),
        cmocka_unit_test(test_width_period),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
