/* test_obs_queue.c - formats/obs_queue.c: records as text (JSON strings,
 * what readers with raw_text push) through spilled runs come back byte for
 * byte, mixed with trees and plain samples, in (time, seq) order, also
 * when the runs are merged and a text is longer than the run files'
 * stdio buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aiops.h"
#include "formats/obs.h"

/* Text of record i: a JSON object text of a length that depends on i; i
 * = 7 gets one of 200,000 bytes, i % 5 == 3 an empty string. */
static char *text_of(size_t i, size_t *len)
{
    size_t n = i == 7 ? 200000 : i % 5 == 3 ? 0 : 20 + (i * 37) % 300;
    char *t = malloc(n + 1);
    assert_non_null(t);
    for (size_t k = 0; k < n; k++)
        t[k] = (char)('a' + (i + k) % 26);
    if (n >= 2) {
        t[0] = '{';
        t[n - 1] = '}';
    }
    t[n] = '\0';
    *len = n;
    return t;
}

static void check_queue(size_t n, int spill_each)
{
    aiops_obs_queue q = {0};
    for (size_t i = 0; i < n; i++) {
        aiops_record r = {AIOPS_R_SPAN, (uint32_t)i, (double)((n - i) % 17), (double)i, NULL};
        size_t len;
        char *t = text_of(i, &len);
        if (i % 4 == 1)
            r.obj = json_pack("{s:i}", "i", (int)i);           /* a tree */
        else if (i % 4 == 2)
            r.type = AIOPS_R_SAMPLE;                            /* no object */
        else
            r.obj = json_stringn_nocheck(t, len);               /* text */
        free(t);
        assert_int_equal(aiops_obs_queue_push_at(&q, &r, i, (long)i * 10), 0);
        if (spill_each ? 1 : i % 9 == 8)
            assert_int_equal(aiops_obs_queue_spill(&q), 0);
    }
    aiops_obs_queue_sort(&q);
    double prev = -1;
    uint64_t prev_seq = 0;
    for (size_t k = 0; k < n; k++) {
        aiops_record r;
        uint64_t seq;
        long line;
        assert_int_equal(aiops_obs_queue_pop_at(&q, &r, &seq, &line), 1);
        assert_true(r.ts > prev || (r.ts == prev && seq > prev_seq));
        assert_true(r.ts == (double)((n - seq) % 17));
        assert_int_equal(r.sid, (uint32_t)seq);
        assert_true(r.value == (double)seq);
        assert_int_equal(line, (long)seq * 10);
        if (seq % 4 == 1) {
            assert_int_equal(json_integer_value(json_object_get(r.obj, "i")), (json_int_t)seq);
        } else if (seq % 4 == 2) {
            assert_int_equal(r.type, AIOPS_R_SAMPLE);
            assert_null(r.obj);
        } else {
            size_t len;
            char *t = text_of(seq, &len);
            assert_true(json_is_string(r.obj));
            assert_int_equal(json_string_length(r.obj), len);
            assert_memory_equal(json_string_value(r.obj), t, len + 1);
            free(t);
        }
        prev = r.ts;
        prev_seq = seq;
        aiops_record_clear(&r);
    }
    aiops_record r;
    uint64_t seq;
    long line;
    assert_int_equal(aiops_obs_queue_pop_at(&q, &r, &seq, &line), 0);
    aiops_obs_queue_free(&q);
}

static void test_text_runs(void **state)
{
    (void)state;
    check_queue(100, 0);     /* runs of 9, the rest in memory */
}

static void test_text_runs_merged(void **state)
{
    (void)state;
    /* One run per record: past AIOPS_OBS_RUN_FILES they are merged. */
    check_queue(3 * AIOPS_OBS_RUN_FILES + 5, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_runs),
        cmocka_unit_test(test_text_runs_merged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
