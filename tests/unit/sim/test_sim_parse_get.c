/* test_sim_parse_get.c - the scenario parser's typed member readers
 * (sim_parse.h): values, defaults, and messages "FILE:LINE: path: ..." at
 * the member's line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/sim_parse.h"

/* Members on five lines; "o" holds an object on line 4. */
static const char TEXT[] = "{\"n\": 2.5,\n"
                           " \"d\": \"1h30m\",\n"
                           " \"s\": \"web\", \"e\": \"\", \"z\": null,\n"
                           " \"o\": {\"a\": 1, \"b\": 7}, \"t\": \"2024-01-02T00:00:00Z\",\n"
                           " \"arr\": [1], \"bad\": \"a b\"}";

typedef struct fx {
    json_t *root;
    aiops_err err;
    aiops_sim_scenario sc;
    sim_pctx c;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    f->root = json_loads(TEXT, 0, NULL);
    f->c.jd = (aiops_jdoc){.file = "s.json", .err = &f->err, .text = TEXT, .len = strlen(TEXT),
                           .line0 = 1};
    f->c.sc = &f->sc;
    *state = f;
    return f->root ? 0 : -1;
}

static int teardown(void **state)
{
    fx *f = *state;
    json_decref(f->root);
    free(f);
    return 0;
}

static void assert_err(fx *f, int rc, long line, const char *msg)
{
    assert_int_equal(rc, AIOPS_EPARSE);
    assert_int_equal(f->err.line, line);
    assert_string_equal(f->err.file, "s.json");
    assert_string_equal(f->err.msg, msg);
}

static void test_num(void **state)
{
    fx *f = *state;
    double v = 0;
    assert_int_equal(sim_get_num(&f->c, f->root, "n", 9, 0, 10, &v), 0);
    assert_true(v == 2.5);
    assert_int_equal(sim_get_num(&f->c, f->root, "missing", 9, 0, 10, &v), 0);
    assert_true(v == 9);
    assert_err(f, sim_get_num(&f->c, f->root, "n", 9, 3, 10, &v), 1,
               "n: expected a number in [3, 10], got 2.5");
    assert_true(v == 9);                     /* untouched on error */
    assert_err(f, sim_get_num(&f->c, f->root, "s", 9, 0, 10, &v), 3,
               "s: expected a number in [0, 10], got \"web\"");
    /* null is a wrong value, not an absent one */
    assert_err(f, sim_get_num(&f->c, f->root, "z", 9, 0, 10, &v), 3,
               "z: expected a number in [0, 10], got null");
}

static void test_dur(void **state)
{
    fx *f = *state;
    double v = 0;
    assert_int_equal(sim_get_dur(&f->c, f->root, "d", 60, 1, &v), 0);
    assert_true(v == 5400);
    assert_int_equal(sim_get_dur(&f->c, f->root, "n", 60, 1, &v), 0);
    assert_true(v == 2.5);                   /* plain seconds */
    assert_int_equal(sim_get_dur(&f->c, f->root, "missing", 60, 1, &v), 0);
    assert_true(v == 60);
    assert_err(f, sim_get_dur(&f->c, f->root, "s", 60, 1, &v), 3,
               "s: expected a duration >= 1s (e.g. \"90s\", \"5m\", \"1h30m\", \"2d\"), "
               "got \"web\"");
    assert_err(f, sim_get_dur(&f->c, f->root, "d", 60, 7200, &v), 2,
               "d: expected a duration >= 7200s (e.g. \"90s\", \"5m\", \"1h30m\", \"2d\"), "
               "got \"1h30m\"");
}

static void test_str(void **state)
{
    fx *f = *state;
    char *s = NULL;
    assert_int_equal(sim_get_str(&f->c, f->root, "s", "x", &s), 0);
    assert_string_equal(s, "web");
    free(s);
    assert_int_equal(sim_get_str(&f->c, f->root, "missing", "dflt", &s), 0);
    assert_string_equal(s, "dflt");
    free(s);
    assert_int_equal(sim_get_str(&f->c, f->root, "missing", NULL, &s), 0);
    assert_null(s);
    assert_err(f, sim_get_str(&f->c, f->root, "e", "x", &s), 3,
               "e: expected a non-empty string, got \"\"");
    assert_err(f, sim_get_str(&f->c, f->root, "n", "x", &s), 1,
               "n: expected a non-empty string, got 2.5");
}

static void test_time(void **state)
{
    fx *f = *state;
    double t = -1;
    assert_int_equal(sim_get_time(&f->c, f->root, "t", "EX", &t), 0);
    assert_true(t == 1704153600);
    t = -1;
    assert_int_equal(sim_get_time(&f->c, f->root, "missing", "EX", &t), 0);
    assert_true(t == -1);
    assert_err(f, sim_get_time(&f->c, f->root, "s", "2024-01-01T00:00:00Z", &t), 3,
               "s: expected an RFC 3339 time like \"2024-01-01T00:00:00Z\"");
    assert_err(f, sim_get_time(&f->c, f->root, "n", "EX", &t), 1,
               "n: expected an RFC 3339 time like \"EX\"");
}

static void test_obj_arr(void **state)
{
    fx *f = *state;
    json_t *o = NULL;
    assert_int_equal(sim_get_obj(&f->c, f->root, "o", &o), 0);
    assert_int_equal(json_object_size(o), 2);
    assert_int_equal(sim_get_obj(&f->c, f->root, "missing", &o), 0);
    assert_null(o);
    assert_err(f, sim_get_obj(&f->c, f->root, "arr", &o), 5, "arr: expected an object");
    assert_int_equal(sim_get_arr(&f->c, f->root, "arr", 1, &o), 0);
    assert_int_equal(json_array_size(o), 1);
    assert_int_equal(sim_get_arr(&f->c, f->root, "missing", 0, &o), 0);
    assert_null(o);
    assert_err(f, sim_get_arr(&f->c, f->root, "missing", 1, &o), 1,
               "expected a member \"missing\" (array)");
    assert_err(f, sim_get_arr(&f->c, f->root, "o", 0, &o), 4, "o: expected an array");
}

static void test_nums(void **state)
{
    fx *f = *state;
    double a = 0, b = 3, c = 4;
    const sim_numfield ok[] = {{"a", &a, 0, 5}, {"b", &b, 0, 10}, {"c", &c, 0, 9},
                               {NULL, NULL, 0, 0}};
    assert_int_equal(sim_get_nums(&f->c, f->root, "o", ok), 0);
    assert_true(a == 1 && b == 7 && c == 4); /* c absent: kept */
    const sim_numfield narrow[] = {{"a", &a, 0, 5}, {"b", &b, 0, 5}, {NULL, NULL, 0, 0}};
    assert_err(f, sim_get_nums(&f->c, f->root, "o", narrow), 4,
               "o.b: expected a number in [0, 5], got 7");
    const sim_numfield only_a[] = {{"a", &a, 0, 5}, {NULL, NULL, 0, 0}};
    assert_err(f, sim_get_nums(&f->c, f->root, "o", only_a), 4,
               "o.b: unknown member \"b\"; expected one of: a");
    assert_int_equal(f->c.jd.depth, 0);     /* every path step popped */
}

static void test_keys_and_bad_at(void **state)
{
    fx *f = *state;
    static const char *const all[] = {"n", "d", "s", "e", "z", "o", "t", "arr", "bad", NULL};
    static const char *const few[] = {"n", "d", NULL};
    assert_int_equal(sim_check_keys(&f->c, f->root, all), 0);
    assert_err(f, sim_check_keys(&f->c, f->root, few), 3,
               "s: unknown member \"s\"; expected one of: n, d");
    assert_err(f, sim_bad_at(&f->c, "t", "expected %d of %s", 2, "them"), 4,
               "t: expected 2 of them");
    assert_int_equal(f->c.jd.depth, 0);
    assert_int_equal(sim_oom(&f->c), AIOPS_ENOMEM);
    assert_string_equal(f->err.msg, "out of memory");
}

static void test_names(void **state)
{
    fx *f = *state;
    assert_true(sim_valid_name("api-v2_x.1"));
    assert_false(sim_valid_name(""));
    assert_false(sim_valid_name("a b"));
    char long_name[65];
    memset(long_name, 'a', 64);
    long_name[64] = '\0';
    assert_false(sim_valid_name(long_name));
    long_name[63] = '\0';
    assert_true(sim_valid_name(long_name));
    aiops_sim_service svc[2] = {{.name = "web"}, {.name = "db"}};
    f->sc.svc = svc;
    f->sc.nsvc = 2;
    assert_int_equal(sim_find_service(&f->sc, "db"), 1);
    assert_int_equal(sim_find_service(&f->sc, "web"), 0);
    assert_int_equal(sim_find_service(&f->sc, "api"), -1);
    f->sc.svc = NULL;
    f->sc.nsvc = 0;
}

static void test_get_name(void **state)
{
    fx *f = *state;
    char *s = NULL;
    assert_int_equal(sim_get_name(&f->c, f->root, "s", NULL, &s), 0);
    assert_string_equal(s, "web");
    free(s);
    assert_int_equal(sim_get_name(&f->c, f->root, "missing", NULL, &s), 0);
    assert_null(s);
    assert_err(f, sim_get_name(&f->c, f->root, "bad", NULL, &s), 5,
               "bad: expected a name of letters, digits, '-', '_', '.' (at most 63)");
    free(s);
}

/* Sums the elements, fails at the first one above *(double *)arg. */
static int add_up(sim_pctx *c, json_t *item, size_t i, void *arg)
{
    double *acc = arg;
    if (json_number_value(item) > acc[1])
        return aiops_jdoc_bad(&c->jd, "element %zu too big", i);
    acc[0] += json_number_value(item);
    return 0;
}

static void test_each(void **state)
{
    fx *f = *state;
    json_t *arr = json_loads("[1, 2, 30, 4]", 0, NULL);
    double acc[2] = {0, 100};
    size_t count = 0;
    assert_int_equal(sim_each(&f->c, arr, "list", &count, add_up, acc), 0);
    assert_true(acc[0] == 37);
    assert_int_equal(count, 4);
    acc[0] = 0;
    acc[1] = 10;
    assert_int_equal(sim_each(&f->c, arr, "list", &count, add_up, acc), AIOPS_EPARSE);
    assert_true(acc[0] == 3);
    assert_int_equal(count, 3);              /* reached the third, which failed */
    assert_string_equal(f->err.msg, "list[2]: element 2 too big");
    assert_int_equal(f->c.jd.depth, 0);
    json_decref(arr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_num, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dur, setup, teardown),
        cmocka_unit_test_setup_teardown(test_str, setup, teardown),
        cmocka_unit_test_setup_teardown(test_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_obj_arr, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nums, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keys_and_bad_at, setup, teardown),
        cmocka_unit_test_setup_teardown(test_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_each, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
