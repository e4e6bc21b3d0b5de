/* test_jdoc.c - the JSON-document helpers (common/jdoc.h): typed getters
 * with their "path: expected ..." errors at the value's line, defaults,
 * times, JSON lines and head probes. */
#include <math.h>

#include "testutil.h"

#include "common/jdoc.h"
#include "common/limits.h"

/* A document over text (one line per member below), walked from its top. */
typedef struct doc {
    aiops_jdoc d;
    aiops_err err;
    json_t *root;
} doc;

static const char TEXT[] =
    "{\n"
    "  \"s\": \"text\",\n"               /* line 2 */
    "  \"n\": 2.5,\n"
    "  \"i\": 42,\n"
    "  \"neg\": -7,\n"                   /* line 5 */
    "  \"big\": \"1704164645123456789\",\n"
    "  \"t\": true,\n"
    "  \"nul\": null,\n"
    "  \"v\": [1, 2.5, null],\n"
    "  \"bad\": [1, \"x\", 3],\n"        /* line 10 */
    "  \"o\": {\"a\": \"b\", \"c\": 1},\n"
    "  \"ts\": \"2024-01-02T03:04:05.5Z\",\n"
    "  \"ms\": 1704164645250\n"
    "}\n";

static void open_text(doc *x, const char *text)
{
    memset(x, 0, sizeof *x);
    x->root = json_loads(text, 0, NULL);
    assert_non_null(x->root);
    x->d.file = "t.json";
    x->d.err = &x->err;
    x->d.text = text;
    x->d.len = strlen(text);
    x->d.line0 = 1;
}

static void open_doc(doc *x)
{
    open_text(x, TEXT);
}

/* The last error as "line: message". */
static void assert_err(doc *x, long line, const char *msg)
{
    assert_int_equal(x->err.code, AIOPS_EPARSE);
    assert_string_equal(x->err.file, "t.json");
    assert_string_equal(x->err.msg, msg);
    assert_int_equal(x->err.line, line);
    aiops_err_clear(&x->err);
}

static void test_str_obj_arr(void **state)
{
    (void)state;
    doc x;
    open_doc(&x);
    const char *s = "dflt";
    json_t *o = NULL, *a = NULL;
    assert_int_equal(aiops_jdoc_str(&x.d, x.root, "s", AIOPS_JDOC_REQUIRED, &s), 1);
    assert_string_equal(s, "text");
    s = "dflt";
    assert_int_equal(aiops_jdoc_str(&x.d, x.root, "missing", 0, &s), 0);
    assert_string_equal(s, "dflt");                  /* untouched when absent */
    assert_int_equal(aiops_jdoc_str(&x.d, x.root, "nul", 0, &s), 0);   /* null is absent */
    assert_int_equal(aiops_jdoc_obj(&x.d, x.root, "o", 0, &o), 1);
    assert_string_equal(json_string_value(json_object_get(o, "a")), "b");
    assert_int_equal(aiops_jdoc_arr(&x.d, x.root, "v", 0, &a), 1);
    assert_int_equal(json_array_size(a), 3);

    assert_int_equal(aiops_jdoc_str(&x.d, x.root, "i", 0, &s), AIOPS_EPARSE);
    assert_err(&x, 4, "i: expected a string, got a number");
    assert_int_equal(aiops_jdoc_arr(&x.d, x.root, "o", 0, &a), AIOPS_EPARSE);
    assert_err(&x, 11, "o: expected an array, got an object");
    /* Required: the two wordings; the error is at the object's line. */
    assert_int_equal(aiops_jdoc_str(&x.d, x.root, "missing", AIOPS_JDOC_REQUIRED, &s),
                     AIOPS_EPARSE);
    assert_err(&x, 1, "expected field \"missing\" (a string)");
    assert_int_equal(aiops_jdoc_obj(&x.d, x.root, "missing",
                                    AIOPS_JDOC_REQUIRED | AIOPS_JDOC_MEMBER, &o), AIOPS_EPARSE);
    assert_err(&x, 1, "expected a \"missing\" member");
    /* AIOPS_JDOC_NULL: null is a value of the wrong type. */
    assert_int_equal(aiops_jdoc_str(&x.d, x.root, "nul", AIOPS_JDOC_NULL, &s), AIOPS_EPARSE);
    assert_err(&x, 8, "nul: expected a string, got null");
    /* Inside a path: the key is named after it, at the member's line. */
    aiops_jdoc_key(&x.d, "o");
    assert_int_equal(aiops_jdoc_str(&x.d, o, "c", 0, &s), AIOPS_EPARSE);
    assert_err(&x, 11, "o.c: expected a string, got a number");
    aiops_jdoc_pop(&x.d);
    json_decref(x.root);
}

static void test_num(void **state)
{
    (void)state;
    doc x;
    open_doc(&x);
    double v = -1;
    assert_int_equal(aiops_jdoc_num(&x.d, x.root, "n", 0, -INFINITY, INFINITY, &v), 1);
    assert_true(v == 2.5);
    assert_int_equal(aiops_jdoc_num(&x.d, x.root, "i", 0, 0, 100, &v), 1);
    assert_true(v == 42);
    assert_int_equal(aiops_jdoc_num(&x.d, x.root, "nul", AIOPS_JDOC_NONFINITE, 0, 1, &v), 1);
    assert_true(isnan(v));                           /* NaN passes any range */
    /* AIOPS_JDOC_NULL alone: null is there, and no number. */
    assert_int_equal(aiops_jdoc_num(&x.d, x.root, "nul", AIOPS_JDOC_NULL, 0, 1, &v), AIOPS_EPARSE);
    assert_err(&x, 8, "nul: expected a number in [0, 1], got null");
    v = 3;
    assert_int_equal(aiops_jdoc_num(&x.d, x.root, "nul", 0, 0, 1, &v), 0);
    assert_true(v == 3);

    assert_int_equal(aiops_jdoc_num(&x.d, x.root, "n", 0, 0, 1, &v), AIOPS_EPARSE);
    assert_err(&x, 3, "n: expected a number in [0, 1], got 2.5");
    assert_int_equal(aiops_jdoc_num(&x.d, x.root, "neg", 0, 0, INFINITY, &v), AIOPS_EPARSE);
    assert_err(&x, 5, "neg: expected a number >= 0, got -7");
    assert_int_equal(aiops_jdoc_num(&x.d, x.root, "i", 0, -INFINITY, 10, &v), AIOPS_EPARSE);
    assert_err(&x, 4, "i: expected a number <= 10, got 42");
    assert_int_equal(aiops_jdoc_num(&x.d, x.root, "s", 0, -INFINITY, INFINITY, &v), AIOPS_EPARSE);
    assert_err(&x, 2, "s: expected a number, got a string");
    assert_true(v == 3);                             /* untouched on errors */
    json_decref(x.root);
}

static void test_int(void **state)
{
    (void)state;
    doc x;
    open_doc(&x);
    int64_t v = 0;
    assert_int_equal(aiops_jdoc_int(&x.d, x.root, "i", 0, 1, 100, &v), 1);
    assert_int_equal(v, 42);
    assert_int_equal(aiops_jdoc_int(&x.d, x.root, "big", AIOPS_JDOC_INTTEXT, INT64_MIN,
                                    INT64_MAX, &v), 1);
    assert_true(v == INT64_C(1704164645123456789));

    assert_int_equal(aiops_jdoc_int(&x.d, x.root, "i", 0, 1, 12, &v), AIOPS_EPARSE);
    assert_err(&x, 4, "i: expected an integer in [1, 12], got 42");
    assert_int_equal(aiops_jdoc_int(&x.d, x.root, "neg", 0, 0, INT64_MAX, &v), AIOPS_EPARSE);
    assert_err(&x, 5, "neg: expected an integer >= 0, got -7");
    assert_int_equal(aiops_jdoc_int(&x.d, x.root, "n", 0, INT64_MIN, INT64_MAX, &v), AIOPS_EPARSE);
    assert_err(&x, 3, "n: expected an integer, got a number");
    /* Strings only with AIOPS_JDOC_INTTEXT, and then only digits. */
    assert_int_equal(aiops_jdoc_int(&x.d, x.root, "big", 0, INT64_MIN, INT64_MAX, &v),
                     AIOPS_EPARSE);
    assert_err(&x, 6, "big: expected an integer, got a string");
    assert_int_equal(aiops_jdoc_int(&x.d, x.root, "s", AIOPS_JDOC_INTTEXT, INT64_MIN, INT64_MAX,
                                    &v), AIOPS_EPARSE);
    assert_err(&x, 2, "s: expected an integer, got 'text'");
    assert_int_equal(aiops_jdoc_int(&x.d, x.root, "missing",
                                    AIOPS_JDOC_REQUIRED | AIOPS_JDOC_MEMBER, 0, 1, &v),
                     AIOPS_EPARSE);
    assert_err(&x, 1, "expected a \"missing\" member");
    json_decref(x.root);
}

static void test_bool_and_defaults(void **state)
{
    (void)state;
    doc x;
    open_doc(&x);
    int b = 0;
    assert_int_equal(aiops_jdoc_bool(&x.d, x.root, "t", 0, &b), 1);
    assert_int_equal(b, 1);
    assert_int_equal(aiops_jdoc_bool(&x.d, x.root, "i", 0, &b), AIOPS_EPARSE);
    assert_err(&x, 4, "i: expected true or false, got a number");

    const char *s = NULL;
    double d = 0;
    int64_t i = 0;
    assert_int_equal(aiops_jdoc_str_or(&x.d, x.root, "missing", 0, "x", &s), 0);
    assert_string_equal(s, "x");
    assert_int_equal(aiops_jdoc_str_or(&x.d, x.root, "s", 0, "x", &s), 0);
    assert_string_equal(s, "text");
    assert_int_equal(aiops_jdoc_num_or(&x.d, x.root, "missing", 0, 0.5, 0, 1, &d), 0);
    assert_true(d == 0.5);
    assert_int_equal(aiops_jdoc_num_or(&x.d, x.root, "n", 0, 0.5, 0, 10, &d), 0);
    assert_true(d == 2.5);
    assert_int_equal(aiops_jdoc_int_or(&x.d, x.root, "nul", 0, 9, 0, 10, &i), 0);
    assert_int_equal(i, 9);
    assert_int_equal(aiops_jdoc_int_or(&x.d, x.root, "i", 0, 9, 0, 10, &i), AIOPS_EPARSE);
    assert_err(&x, 4, "i: expected an integer in [0, 10], got 42");
    assert_int_equal(aiops_jdoc_bool_or(&x.d, x.root, "missing", 0, 1, &b), 0);
    assert_int_equal(b, 1);
    assert_int_equal(aiops_jdoc_bool_or(&x.d, x.root, "t", 0, 0, &b), 0);
    assert_int_equal(b, 1);
    /* With AIOPS_JDOC_NULL a null is no longer the default. */
    assert_int_equal(aiops_jdoc_bool_or(&x.d, x.root, "nul", AIOPS_JDOC_NULL, 0, &b),
                     AIOPS_EPARSE);
    assert_err(&x, 8, "nul: expected true or false, got null");
    json_decref(x.root);
}

static void test_nums(void **state)
{
    (void)state;
    doc x;
    open_doc(&x);
    double v[3] = {0, 0, 0};
    assert_int_equal(aiops_jdoc_nums(&x.d, x.root, "v", AIOPS_JDOC_NONFINITE, v, 3), 1);
    assert_true(v[0] == 1 && v[1] == 2.5 && isnan(v[2]));
    assert_int_equal(aiops_jdoc_nums(&x.d, x.root, "missing", 0, v, 3), 0);

    assert_int_equal(aiops_jdoc_nums(&x.d, x.root, "v", 0, v, 3), AIOPS_EPARSE);
    assert_err(&x, 9, "v[2]: expected a number, got null");
    assert_int_equal(aiops_jdoc_nums(&x.d, x.root, "bad", 0, v, 3), AIOPS_EPARSE);
    assert_err(&x, 10, "bad[1]: expected a number, got a string");
    assert_int_equal(aiops_jdoc_nums(&x.d, x.root, "v", AIOPS_JDOC_NONFINITE, v, 2), AIOPS_EPARSE);
    assert_err(&x, 9, "v: expected an array of 2 numbers, got an array of 3");
    assert_int_equal(aiops_jdoc_nums(&x.d, x.root, "o", 0, v, 2), AIOPS_EPARSE);
    assert_err(&x, 11, "o: expected an array of 2 numbers, got an object");
    assert_int_equal(aiops_jdoc_nums(&x.d, x.root, "missing", AIOPS_JDOC_REQUIRED, v, 2),
                     AIOPS_EPARSE);
    assert_err(&x, 1, "expected field \"missing\" (an array of 2 numbers)");
    json_decref(x.root);
}

static void test_strmap(void **state)
{
    (void)state;
    doc x;
    open_doc(&x);
    json_t *m = NULL;
    assert_int_equal(aiops_jdoc_strmap(&x.d, x.root, "o", 0, &m), AIOPS_EPARSE);
    assert_err(&x, 11, "o.c: expected a string, got a number");
    assert_null(m);
    json_t *ok = json_pack("{s:{s:s}}", "m", "k", "v");
    assert_int_equal(aiops_jdoc_strmap(&x.d, ok, "m", 0, &m), 1);
    assert_string_equal(json_string_value(json_object_get(m, "k")), "v");
    json_decref(ok);
    json_decref(x.root);
}

/* assert_err of a call's result rc. */
static void assert_bad(doc *x, int rc, long line, const char *msg)
{
    assert_int_equal(rc, AIOPS_EPARSE);
    assert_err(x, line, msg);
}

/* A document of its own for the flags below. */
static const char TEXT2[] =
    "{\"nan\": \"NaN\",\n"
    " \"inf\": \"+Inf\", \"minf\": \"-Inf\",\n"
    " \"three\": \"3\",\n"                /* line 3 */
    " \"n\": 2.5, \"s\": \"web\", \"nul\": null,\n"
    " \"ord\": [1, 0, 3], \"o\": {\"k\": [1, 2]},\n"  /* line 5 */
    " \"long\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xC3\xA9z\"}";

/* The flags that change what a value may be and how it is named:
 * AIOPS_JDOC_NONFINITE, the saved models' spelling of what JSON numbers
 * cannot hold, and AIOPS_JDOC_QUOTE. */
static void test_nonfinite_quote(void **state)
{
    (void)state;
    doc d2, *x = &d2;
    open_text(x, TEXT2);
    const int nf = AIOPS_JDOC_NONFINITE;
    double v = 0;
    assert_int_equal(aiops_jdoc_num(&x->d, x->root, "nan", nf, 0, 1, &v), 1);
    assert_true(isnan(v));
    assert_int_equal(aiops_jdoc_num(&x->d, x->root, "inf", nf, -INFINITY, INFINITY, &v), 1);
    assert_true(v == INFINITY);
    assert_int_equal(aiops_jdoc_num(&x->d, x->root, "minf", nf, -INFINITY, INFINITY, &v), 1);
    assert_true(v == -INFINITY);
    assert_int_equal(aiops_jdoc_num(&x->d, x->root, "nul", nf | AIOPS_JDOC_REQUIRED, 0, 1, &v), 1);
    assert_true(isnan(v));                           /* null is a value here */
    assert_bad(x, aiops_jdoc_num(&x->d, x->root, "inf", nf, 0, 10, &v),
               2, "inf: expected a number in [0, 10] or null, got +Inf");
    assert_bad(x, aiops_jdoc_num(&x->d, x->root, "three", nf, -INFINITY, INFINITY, &v),
               3, "three: expected a number or null, got a string");
    /* Without the flag the strings are strings. */
    assert_bad(x, aiops_jdoc_num(&x->d, x->root, "nan", 0, -INFINITY, INFINITY, &v),
               1, "nan: expected a number, got a string");
    assert_int_equal(aiops_jdoc_numval(json_object_get(x->root, "inf"), nf, &v), 0);
    assert_true(v == INFINITY);
    assert_int_equal(aiops_jdoc_numval(json_object_get(x->root, "inf"), 0, &v), -1);
    assert_int_equal(aiops_jdoc_numval(json_object_get(x->root, "nul"), 0, &v), -1);
    assert_int_equal(aiops_jdoc_numval(NULL, nf, &v), -1);

    /* AIOPS_JDOC_QUOTE: the wrong value as JSON text, for every getter. */
    const int q = AIOPS_JDOC_QUOTE;
    int64_t i = 0;
    int b = 0;
    const char *s = NULL;
    assert_bad(x, aiops_jdoc_num(&x->d, x->root, "n", q, 3, 10, &v),
               4, "n: expected a number in [3, 10], got 2.5");
    assert_bad(x, aiops_jdoc_num(&x->d, x->root, "s", q, 0, 10, &v),
               4, "s: expected a number in [0, 10], got \"web\"");
    assert_bad(x, aiops_jdoc_num(&x->d, x->root, "nul", q | AIOPS_JDOC_NULL, 0, 10, &v),
               4, "nul: expected a number in [0, 10], got null");
    assert_bad(x, aiops_jdoc_str(&x->d, x->root, "ord", q, &s),
               5, "ord: expected a string, got [1,0,3]");
    assert_bad(x, aiops_jdoc_int(&x->d, x->root, "s", q | AIOPS_JDOC_INTTEXT, 0, 9, &i),
               4, "s: expected an integer, got \"web\"");
    assert_bad(x, aiops_jdoc_int(&x->d, x->root, "three", q | AIOPS_JDOC_INTTEXT, 0, 2, &i),
               3, "three: expected an integer in [0, 2], got \"3\"");
    assert_bad(x, aiops_jdoc_bool(&x->d, x->root, "o", q, &b),
               5, "o: expected true or false, got {\"k\":[1,2]}");
    /* Cut at 60 bytes, and not inside the two bytes of the e-acute. */
    assert_bad(x, aiops_jdoc_num(&x->d, x->root, "long", q, 0, 1, &v),
               6, "long: expected a number in [0, 1], got "
                  "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    /* The same naming for a caller's own check, and messages at a member. */
    assert_bad(x, aiops_jdoc_expect(&x->d, "s", json_object_get(x->root, "s"), q, "a name"),
               4, "s: expected a name, got \"web\"");
    assert_bad(x, aiops_jdoc_expect(&x->d, "s", json_object_get(x->root, "s"), 0, "a name"),
               4, "s: expected a name, got a string");
    aiops_jdoc_key(&x->d, "o");
    assert_bad(x, aiops_jdoc_expect(&x->d, NULL, json_object_get(x->root, "o"), q, "a list"),
               5, "o: expected a list, got {\"k\":[1,2]}");
    assert_bad(x, aiops_jdoc_bad_at(&x->d, "k", "expected %d more", 2),
               5, "o.k: expected 2 more");
    assert_bad(x, aiops_jdoc_bad_at(&x->d, NULL, "expected %s", "less"),
               5, "o: expected less");
    aiops_jdoc_pop(&x->d);
    assert_int_equal(x->d.depth, 0);
    json_decref(x->root);
}

/* Integers into an int, alone and in arrays with bounds of their own. */
static void test_cints(void **state)
{
    (void)state;
    doc d2, *x = &d2;
    open_text(x, TEXT2);
    const int lo[3] = {0, 0, 0}, hi[3] = {5, 5, 1}, hi2[3] = {5, 5, 5};
    int n[3] = {0, 0, 0}, one = -1;
    assert_int_equal(aiops_jdoc_cint(&x->d, x->root, "missing", 0, 0, 9, &one), 0);
    assert_int_equal(one, -1);
    assert_int_equal(aiops_jdoc_cints(&x->d, x->root, "ord", AIOPS_JDOC_REQUIRED, lo, hi2, n, 3),
                     1);
    assert_true(n[0] == 1 && n[1] == 0 && n[2] == 3);
    assert_bad(x, aiops_jdoc_cints(&x->d, x->root, "ord", 0, lo, hi, n, 3),
               5, "ord[2]: expected an integer in [0, 1], got 3");
    assert_bad(x, aiops_jdoc_cints(&x->d, x->root, "ord", 0, lo, hi, n, 2),
               5, "ord: expected an array of 2 integers, got an array of 3");
    assert_bad(x, aiops_jdoc_cints(&x->d, x->root, "s", 0, lo, hi, n, 2),
               4, "s: expected an array of 2 integers, got a string");
    assert_bad(x, aiops_jdoc_cint(&x->d, x->root, "ord", 0, 0, 9, &one),
               5, "ord: expected an integer in [0, 9], got an array");
    assert_int_equal(one, -1);                      /* untouched on errors */
    json_decref(x->root);
}

static void test_times(void **state)
{
    (void)state;
    doc x;
    open_doc(&x);
    double t = 0;
    assert_int_equal(aiops_jdoc_time(&x.d, x.root, "ts", 0, &t), 1);
    assert_true(t == 1704164645.5);
    assert_int_equal(aiops_jdoc_time(&x.d, x.root, "ms", 0, &t), 1);
    assert_true(t == 1704164645.25);
    assert_int_equal(aiops_jdoc_epoch(&x.d, x.root, "ts", 0, &t), 1);
    assert_true(t == 1704164645.5);
    /* An integer string in ns, exact to the microsecond where a double
     * through %.17g would not be. */
    assert_int_equal(aiops_jdoc_epoch(&x.d, x.root, "big", 0, &t), 1);
    assert_true(t == 1704164645.0 + 123456789 / 1e9);
    assert_int_equal(aiops_jdoc_epoch(&x.d, x.root, "neg", 0, &t), 1);
    assert_true(t == -7);

    assert_int_equal(aiops_jtime_parse(json_object_get(x.root, "ms"), &t), 0);
    assert_true(t == 1704164645.25);
    assert_int_equal(aiops_jtime_parse(json_object_get(x.root, "s"), &t), -1);
    assert_int_equal(aiops_jtime_parse(NULL, &t), -1);
    assert_int_equal(aiops_jdoc_time(&x.d, x.root, "s", 0, &t), AIOPS_EPARSE);
    assert_err(&x, 2, "s: expected an RFC 3339 time or epoch seconds, got 'text'");
    assert_int_equal(aiops_jdoc_time(&x.d, x.root, "t", 0, &t), AIOPS_EPARSE);
    assert_err(&x, 7, "t: expected an RFC 3339 time or epoch seconds, got true");
    assert_int_equal(aiops_jdoc_epoch(&x.d, x.root, "s", 0, &t), AIOPS_EPARSE);
    assert_err(&x, 2, "s: expected a time (RFC 3339 or epoch seconds/ms/us/ns), got 'text'");
    assert_int_equal(aiops_jdoc_epoch(&x.d, x.root, "o", 0, &t), AIOPS_EPARSE);
    assert_err(&x, 11, "o: expected a time (RFC 3339 text or epoch number), got an object");
    assert_int_equal(aiops_jdoc_epoch(&x.d, x.root, "missing",
                                      AIOPS_JDOC_REQUIRED | AIOPS_JDOC_MEMBER, &t), AIOPS_EPARSE);
    assert_err(&x, 1, "expected a \"missing\" member");
    json_decref(x.root);
}

/* Epoch numbers by magnitude: s, ms, us, ns; integers exactly. */
static void test_epoch_magnitude(void **state)
{
    (void)state;
    static const struct { const char *json; double want; } cases[] = {
        {"1704164645", 1704164645.0},
        {"1704164645250", 1704164645.25},
        {"1704164645250000", 1704164645.25},
        {"1704164645250000000", 1704164645.25},
        {"1704164645250.0", 1704164645.25},
        {"-5", -5.0},
    };
    aiops_err err = {0};
    aiops_jdoc d = {.file = "t", .err = &err};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        json_t *v = json_loads(cases[i].json, JSON_DECODE_ANY, NULL);
        double t = 0;
        assert_int_equal(aiops_jdoc_epoch_value(&d, v, &t), 0);
        assert_true(t == cases[i].want);
        json_decref(v);
    }
}

static void test_jlines(void **state)
{
    (void)state;
    static const char text[] = "\n  \t\r\n{\"a\":1}\n\n \n{\"b\":2}\n";
    aiops_stream *s = aiops_stream_new_mem("t", text, strlen(text), 0, 0);
    aiops_err err = {0};
    char *l;
    size_t n;
    assert_int_equal(aiops_jlines_next(s, &l, &n, &err), 1);
    assert_int_equal(n, 7);
    assert_memory_equal(l, "{\"a\":1}", 7);
    assert_int_equal(aiops_stream_lineno(s), 3);
    assert_int_equal(aiops_jlines_next(s, &l, &n, &err), 1);
    assert_memory_equal(l, "{\"b\":2}", 7);
    assert_int_equal(aiops_stream_lineno(s), 6);
    assert_int_equal(aiops_jlines_next(s, &l, &n, &err), 0);
    aiops_stream_free(s);
}

static void test_head_key(void **state)
{
    (void)state;
    const char *h = "\xEF\xBB\xBF  {\"a\":{\"b\":1,\"s\":\"x\\\"y\"},\"c\" : \"val\"}{\"late\":1}";
    const char *v = NULL;
    size_t n = strlen(h);
    assert_int_equal(aiops_jhead_start(h, n), 5);
    assert_true(aiops_jhead_member(h, n, 1, "a", NULL));
    assert_true(aiops_jhead_member(h, n, 2, "b", NULL));
    assert_false(aiops_jhead_member(h, n, 1, "b", NULL));
    assert_false(aiops_jhead_member(h, n, 2, "y", NULL));   /* inside a string */
    assert_true(aiops_jhead_member(h, n, 1, "c", &v));
    assert_true(aiops_jhead_is(v, h + n, "val"));
    assert_false(aiops_jhead_is(v, h + n, "va"));
    assert_false(aiops_jhead_member(h, n, 1, "late", NULL));  /* after the first value */
    /* cut heads never read past n */
    for (size_t k = 0; k <= n; k++) {
        char *cut = malloc(k ? k : 1);
        memcpy(cut, h, k);
        aiops_jhead_member(cut, k, 1, "c", &v);
        aiops_jhead_member(cut, k, 2, "zz", NULL);
        free(cut);
    }
}

/* aiops_json_loadb: AIOPS_MAX_DEPTH applies to values parsed whole; only
 * the first value is scanned (documents read one after another); strings
 * do not count; at the default, jansson's own limit. */
static void test_loadb_depth(void **st)
{
    (void)st;
    json_error_t je;
    aiops_limit_set(AIOPS_LIM_DEPTH, 3);
    json_t *v = aiops_json_loadb("{\"a\":[{}]}", 10, 0, &je);
    assert_non_null(v);
    json_decref(v);
    assert_null(aiops_json_loadb("{\"a\":[{\"b\":[]}]}", 16, 0, &je));
    assert_string_equal(je.text, "maximum parsing depth reached (3, AIOPS_MAX_DEPTH)");
    assert_int_equal(je.line, 1);
    assert_int_equal(je.column, 12);
    assert_int_equal(json_error_code(&je), json_error_stack_overflow);
    const char *str = "{\"s\":\"[[[[\\\"[[\"}";      /* brackets in a string */
    v = aiops_json_loadb(str, strlen(str), 0, &je);
    assert_non_null(v);
    json_decref(v);
    const char *two = "[[]]\n[[[[]]]]";                  /* the second is not scanned */
    v = aiops_json_loadb(two, strlen(two), JSON_DISABLE_EOF_CHECK, &je);
    assert_non_null(v);
    assert_int_equal(je.position, 4);
    json_decref(v);
    v = aiops_json_loadb("7 [[[[]]]]", 10, JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &je);
    assert_non_null(v);
    json_decref(v);
    assert_null(aiops_json_loadb("\n[\n[[[]]]]", 11, 0, &je));
    assert_int_equal(je.line, 3);
    aiops_limit_set(AIOPS_LIM_DEPTH, 2048);
    v = aiops_json_loadb("{\"a\":[{\"b\":[]}]}", 16, 0, &je);
    assert_non_null(v);
    json_decref(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_str_obj_arr), cmocka_unit_test(test_num),
        cmocka_unit_test(test_int),         cmocka_unit_test(test_bool_and_defaults),
        cmocka_unit_test(test_nums),        cmocka_unit_test(test_strmap),
        cmocka_unit_test(test_times),       cmocka_unit_test(test_epoch_magnitude),
        cmocka_unit_test(test_jlines),      cmocka_unit_test(test_head_key),
        cmocka_unit_test(test_nonfinite_quote), cmocka_unit_test(test_cints),
        cmocka_unit_test(test_loadb_depth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
