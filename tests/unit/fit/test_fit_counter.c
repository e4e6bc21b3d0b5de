/* Counters as rates: Prometheus rate() over consecutive samples with its
 * reset rule, and which series count as counters. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "fit/fit.h"

static void test_rate(void **state)
{
    (void)state;
    assert_true(aiops_fit_counter_rate(100, 50, 160, 110) == 1.0);
    /* a drop is a reset to 0: the increase is the new value */
    assert_true(aiops_fit_counter_rate(100, 5399, 160, 12) == 0.2);
    assert_true(aiops_fit_counter_rate(100, 7, 130, 7) == 0.0);
    assert_true(isnan(aiops_fit_counter_rate(NAN, NAN, 160, 12)));    /* first sample */
    assert_true(isnan(aiops_fit_counter_rate(100, 5, 160, NAN)));     /* missing */
    assert_true(isnan(aiops_fit_counter_rate(100, 5, 100, 6)));       /* same time */
}

static void test_is_counter(void **state)
{
    (void)state;
    aiops_series s = {.name = "http_requests_total"};
    assert_true(aiops_fit_is_counter(&s));
    s.name = "rpc_duration_seconds_bucket";
    assert_true(aiops_fit_is_counter(&s));
    s.name = "rpc_duration_seconds_count";
    assert_true(aiops_fit_is_counter(&s));
    s.name = "rpc_duration_seconds_sum";
    assert_true(aiops_fit_is_counter(&s));
    s.name = "node_load1";
    assert_false(aiops_fit_is_counter(&s));
    s.name = "_total";                  /* a suffix needs a name before it */
    assert_false(aiops_fit_is_counter(&s));
    s.name = "jobs_total";              /* the source's type wins over the name */
    s.type = AIOPS_MTYPE_GAUGE;
    assert_false(aiops_fit_is_counter(&s));
    s.name = "bytes";
    s.type = AIOPS_MTYPE_COUNTER;
    assert_true(aiops_fit_is_counter(&s));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rate),
        cmocka_unit_test(test_is_counter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
