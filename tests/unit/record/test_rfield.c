/* test_rfield.c - records without trees (libcore/record/rfield.c): the
 * one-pass line scan into record text (kept byte for byte as the writer
 * prints the tree, reals respelled, every unusual shape refused), the
 * stream reader with raw_text against the tree path through the writer,
 * the field view on text and tree records alike, and aiops_record_set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "aiops.h"
#include "record/rfield.h"

/* Scan s; 0 with the text in out (NUL-terminated), else -1. */
static int scan(const char *s, char *out, aiops_rtype *t, double *ts)
{
    size_t n = strlen(s), on = 0;
    char *buf = malloc(n + AIOPS_RTEXT_SLACK);
    assert_non_null(buf);
    int rc = aiops_rtext_scan(s, n, buf, &on, t, ts);
    if (!rc) {
        memcpy(out, buf, on);
        out[on] = '\0';
    }
    free(buf);
    return rc;
}

static void test_scan_kept(void **state)
{
    (void)state;
    char out[512];
    aiops_rtype t;
    double ts;
    assert_int_equal(scan("{\"type\":\"span\",\"ts\":1704067200.5,\"trace_id\":\"0\",\"span_id\":\"2\","
                          "\"service\":\"s189\",\"duration\":0.009,\"error\":false}", out, &t, &ts), 0);
    assert_int_equal(t, AIOPS_R_SPAN);
    assert_true(ts == 1704067200.5);
    assert_string_equal(out, ",\"trace_id\":\"0\",\"span_id\":\"2\",\"service\":\"s189\","
                             "\"duration\":0.009,\"error\":false");
    /* type and ts anywhere; whitespace dropped; the writer's escapes kept */
    assert_int_equal(scan(" { \"msg\" : \"a\\\"b\\\\c\\nd\\u0001\\u001f é\" , \"ts\" : \"2024-01-01T00:00:00Z\","
                          " \"type\":\"log\", \"n\" : [ 1 , -2 , {\"k\" : null} ] , \"o\":{}, \"a\":[] }\r",
                          out, &t, &ts), 0);
    assert_int_equal(t, AIOPS_R_LOG);
    assert_true(ts == 1704067200);
    assert_string_equal(out, ",\"msg\":\"a\\\"b\\\\c\\nd\\u0001\\u001f é\",\"n\":[1,-2,{\"k\":null}],"
                             "\"o\":{},\"a\":[]");
    /* only type and ts: no text */
    assert_int_equal(scan("{\"type\":\"alert\",\"ts\":3}", out, &t, &ts), 0);
    assert_int_equal(t, AIOPS_R_ALERT);
    assert_string_equal(out, "");
    /* reals in the writer's spelling: 0.0100 -> 0.01, 1E300 -> 1e+300 */
    assert_int_equal(scan("{\"type\":\"anomaly\",\"ts\":1.000,\"d\":0.0100,\"e\":1E300,\"f\":-2.5e-1}",
                          out, &t, &ts), 0);
    assert_true(ts == 1);
    assert_string_equal(out, ",\"d\":0.01,\"e\":1e+300,\"f\":-0.25");
}

static void test_scan_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "{\"type\":\"sample\",\"ts\":1,\"name\":\"x\",\"value\":1,\"extra\":1}",   /* a sample */
        "{\"type\":\"incident\",\"ts\":1,\"id\":\"x\"}",        /* not a text type */
        "{\"type\":\"mystery\",\"ts\":1}",
        "{\"type\":\"log\"}",                                   /* no ts */
        "{\"ts\":1,\"m\":\"x\"}",                               /* no type */
        "{\"type\":\"log\",\"ts\":\"yesterday\"}",
        "{\"type\":\"log\",\"ts\":1,\"m\":1,\"m\":2}",           /* duplicate keys */
        "{\"type\":\"log\",\"ts\":1,\"type\":\"log\"}",
        "{\"type\":\"log\",\"ts\":1,\"l\":{\"a\":\"1\",\"a\":\"2\"}}",
        "{\"type\":\"log\",\"ts\":1,\"m\":\"a\\/b\"}",          /* escapes spelled otherwise */
        "{\"type\":\"log\",\"ts\":1,\"m\":\"\\u00e9\"}",
        "{\"type\":\"log\",\"ts\":1,\"m\":\"\\u001F\"}",
        "{\"type\":\"log\",\"ts\":1,\"m\":\"\\u000a\"}",
        "{\"type\":\"log\",\"ts\":1,\"m\":\"\\b\"}",
        "{\"type\":\"log\",\"ts\":1,\"m\":\"\\u0000\"}",
        "{\"type\":\"l\\u006fg\",\"ts\":1}",
        "{\"type\":\"log\",\"ts\":1,\"m\":\"\xc3\x28\"}",       /* invalid UTF-8 */
        "{\"type\":\"log\",\"ts\":1,\"m\":\"\xed\xa0\x80\"}",   /* a surrogate */
        "{\"type\":\"log\",\"ts\":1,\"m\":\"a\tb\"}",           /* raw control character */
        "{\"type\":\"log\",\"ts\":1,\"d\":2.0}",                /* a real printed as an integer */
        "{\"type\":\"log\",\"ts\":1,\"d\":-0}",
        "{\"type\":\"log\",\"ts\":1,\"d\":1234567890123456789}",
        "{\"type\":\"log\",\"ts\":1,\"d\":01}",
        "{\"type\":\"log\",\"ts\":1,\"d\":1.}",
        "{\"type\":\"log\",\"ts\":1,\"d\":1e999}",
        "{\"type\":\"log\",\"ts\":1,\"d\":+1}",
        "{\"type\":\"log\",\"ts\":1,\"d\":tru}",
        "{\"type\":\"log\",\"ts\":1,}",                         /* syntax */
        "{\"type\":\"log\",\"ts\":1} x",
        "{\"type\":\"log\",\"ts\":1",
        "{\"type\":\"log\",\"ts\":1,\"m\":\"x}",
        "{\"type\":\"log\",\"ts\":1,\"a\":[1,]}",
        "[1]",
    };
    char out[512];
    aiops_rtype t;
    double ts;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (scan(bad[i], out, &t, &ts) != -1)
            fail_msg("kept: %s", bad[i]);
    }
    /* nesting: 64 levels are kept, 65 are not */
    char deep[400];
    for (int depth = 63; depth <= 64; depth++) {
        int k = snprintf(deep, sizeof deep, "{\"type\":\"log\",\"ts\":1,\"a\":");
        for (int i = 0; i < depth; i++)
            deep[k++] = '[';
        for (int i = 0; i < depth; i++)
            deep[k++] = ']';
        strcpy(deep + k, "}");
        assert_int_equal(scan(deep, out, &t, &ts), depth == 63 ? 0 : -1);
    }
}

/* Every line read with and without raw_text and written: the same bytes;
 * the plain lines come as text. */
static void test_reader_same_output(void **state)
{
    (void)state;
    static const char *const lines[] = {
        "{\"type\":\"span\",\"ts\":1.010,\"trace_id\":\"t\",\"span_id\":\"1\",\"service\":\"a\",\"duration\":0.0100,\"error\":false}",
        "{\"type\":\"alert\",\"ts\":2,\"name\":\"HighCPU\",\"labels\":{\"service\":\"b\",\"severity\":\"page\"},\"state\":\"firing\",\"start\":1.5}",
        "{\"ts\":3,\"type\":\"log\",\"service\":\"c\",\"message\":\"caf\xc3\xa9 \\\"quoted\\\"\\ttab\",\"n\":-7}",
        "{\"type\":\"log\",\"ts\":4,\"message\":\"a\\/b \\u00e9\",\"d\":2.0}",
        "{\"type\":\"event\",\"ts\":5,\"kind\":\"deploy\",\"x\":1e-7,\"y\":[true,null,{\"z\":\"\"}]}",
        "{\"type\":\"sample\",\"ts\":6,\"name\":\"m\",\"labels\":{},\"value\":1}",
        "{\"type\":\"incident\",\"ts\":7,\"id\":\"inc-1\",\"start\":6}",
        "{\"type\":\"band\",\"ts\":\"1970-01-01T00:00:08Z\",\"series\":\"m\",\"lo\":1,\"hi\":2.25}",
        "{\"type\":\"anomaly\",\"ts\":9, \"score\": 0.5 ,\"labels\": {\"job\" : \"j\"}}",
    };
    char path[] = "/tmp/test_rfield_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
        fprintf(f, "%s\n", lines[i]);
    fclose(f);
    char *outs[2] = {0};
    size_t outn[2] = {0};
    int text[2][16] = {{0}};
    for (int raw = 0; raw < 2; raw++) {
        aiops_series_table *tab = aiops_series_table_new();
        aiops_reader *rd;
        aiops_reader_opts o = {0};
        aiops_err err = {0};
        o.raw_text = raw;
        const char *p = path;
        assert_int_equal(aiops_reader_new(&rd, &p, 1, tab, &o, &err), 0);
        char opath[64];
        snprintf(opath, sizeof opath, "%s.%d", path, raw);
        aiops_writer *w;
        assert_int_equal(aiops_writer_new(&w, opath, AIOPS_OUT_NDJSON, 0, tab, &err), 0);
        aiops_record rec;
        int k = 0;
        while (aiops_reader_next(rd, &rec, &err) == 1) {
            const char *t;
            size_t tn;
            text[raw][k++] = aiops_record_text(&rec, &t, &tn);
            assert_int_equal(aiops_writer_write(w, &rec, &err), 0);
            aiops_record_clear(&rec);
        }
        assert_int_equal(err.code, 0);
        assert_int_equal(k, 9);
        assert_int_equal(aiops_writer_close(w, &err), 0);
        aiops_reader_free(rd);
        aiops_series_table_free(tab);
        FILE *r = fopen(opath, "r");
        outs[raw] = calloc(1, 8192);
        outn[raw] = fread(outs[raw], 1, 8191, r);
        fclose(r);
        unlink(opath);
    }
    unlink(path);
    assert_int_equal(outn[0], outn[1]);
    assert_memory_equal(outs[0], outs[1], outn[0]);
    /* the writer's reading of line 1: reals respelled */
    assert_non_null(strstr(outs[1], "{\"type\":\"span\",\"ts\":1.01,\"trace_id\":\"t\",\"span_id\":\"1\","
                                    "\"service\":\"a\",\"duration\":0.01,\"error\":false}\n"));
    static const int want[9] = {1, 1, 1, 0, 1, 0, 0, 1, 1};
    for (int i = 0; i < 9; i++) {
        assert_int_equal(text[0][i], 0);
        assert_int_equal(text[1][i], want[i]);
    }
    free(outs[0]);
    free(outs[1]);
}

static const char MEMBERS[] =
    ",\"service\":\"pay\\\"ments\\u0001\",\"duration\":0.25,\"code\":-3,\"ok\":true,\"no\":false,"
    "\"nil\":null,\"labels\":{\"job\":\"api\",\"esc\":\"a\\\\b\\n\",\"n\":5,\"sub\":{\"x\":\"y\"}},"
    "\"list\":[1,\"two\",{\"three\":3}],\"empty\":{},\"caf\xc3\xa9\":\"\xe2\x82\xac\"";

/* The same assertions for the record as text and as a tree. */
static void check_view(aiops_rview *v)
{
    size_t n = 0;
    double d = 0;
    const char *s = aiops_rview_str(v, NULL, "service", &n);
    assert_non_null(s);
    assert_int_equal(n, 10);
    assert_memory_equal(s, "pay\"ments\x01", 11);         /* decoded, NUL-terminated */
    assert_int_equal(aiops_rview_num(v, NULL, "duration", &d), 1);
    assert_true(d == 0.25);
    assert_int_equal(aiops_rview_num(v, NULL, "code", &d), 1);
    assert_true(d == -3);
    assert_int_equal(aiops_rview_kind(v, NULL, "ok"), AIOPS_F_TRUE);
    assert_int_equal(aiops_rview_kind(v, NULL, "no"), AIOPS_F_FALSE);
    assert_int_equal(aiops_rview_kind(v, NULL, "nil"), AIOPS_F_NULL);
    assert_int_equal(aiops_rview_kind(v, NULL, "labels"), AIOPS_F_OBJ);
    assert_int_equal(aiops_rview_kind(v, NULL, "list"), AIOPS_F_ARR);
    assert_int_equal(aiops_rview_kind(v, NULL, "missing"), AIOPS_F_NONE);
    assert_string_equal(aiops_rview_str(v, NULL, "caf\xc3\xa9", NULL), "\xe2\x82\xac");
    /* wrong types */
    assert_null(aiops_rview_str(v, NULL, "duration", NULL));
    assert_int_equal(aiops_rview_num(v, NULL, "service", &d), 0);
    assert_int_equal(aiops_rview_num(v, NULL, "nil", &d), 0);
    assert_null(aiops_rview_str(v, NULL, "missing", NULL));
    /* nested */
    assert_string_equal(aiops_rview_str(v, "labels", "job", NULL), "api");
    assert_string_equal(aiops_rview_str(v, "labels", "esc", &n), "a\\b\n");
    assert_int_equal(n, 4);
    assert_int_equal(aiops_rview_num(v, "labels", "n", &d), 1);
    assert_true(d == 5);
    assert_int_equal(aiops_rview_kind(v, "labels", "sub"), AIOPS_F_OBJ);
    assert_null(aiops_rview_str(v, "labels", "service", NULL));
    assert_null(aiops_rview_str(v, "labels", "x", NULL));          /* two levels only */
    assert_null(aiops_rview_str(v, "service", "x", NULL));         /* not an object */
    assert_null(aiops_rview_str(v, "nothing", "job", NULL));
    assert_int_equal(aiops_rview_kind(v, "empty", "x"), AIOPS_F_NONE);
    /* raw text */
    const char *j;
    assert_int_equal(aiops_rview_raw(v, NULL, "list", &j, &n), 1);
    assert_int_equal(n, 21);
    assert_memory_equal(j, "[1,\"two\",{\"three\":3}]", n);
    assert_int_equal(aiops_rview_raw(v, "labels", "sub", &j, &n), 1);
    assert_memory_equal(j, "{\"x\":\"y\"}", n);
    assert_int_equal(aiops_rview_raw(v, NULL, "missing", &j, &n), 0);
    /* members in order */
    size_t it = 0;
    const char *k, *str;
    aiops_fkind kind;
    static const char *const keys[] = {"job", "esc", "n", "sub"};
    static const aiops_fkind kinds[] = {AIOPS_F_STR, AIOPS_F_STR, AIOPS_F_NUM, AIOPS_F_OBJ};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(aiops_rview_next(v, "labels", &it, &k, &kind, &str), 1);
        assert_string_equal(k, keys[i]);
        assert_int_equal(kind, kinds[i]);
        if (i == 1)
            assert_string_equal(str, "a\\b\n");
        if (i >= 2)
            assert_null(str);
    }
    assert_int_equal(aiops_rview_next(v, "labels", &it, &k, &kind, &str), 0);
    it = 0;
    int top = 0;
    while (aiops_rview_next(v, NULL, &it, &k, &kind, NULL))
        top++;
    assert_int_equal(top, 10);
    it = 0;
    assert_int_equal(aiops_rview_next(v, "empty", &it, &k, &kind, NULL), 0);
    assert_int_equal(aiops_rview_next(v, "list", &it, &k, &kind, NULL), 0);
}

static void test_view(void **state)
{
    (void)state;
    aiops_rview *v = aiops_rview_new();
    aiops_err err = {0};
    aiops_record r = {.type = AIOPS_R_LOG, .ts = 1};
    r.obj = json_stringn(MEMBERS, sizeof MEMBERS - 1);
    assert_non_null(r.obj);
    assert_int_equal(aiops_rview_set(v, &r, &err), 0);
    check_view(v);
    check_view(v);            /* looked up again: the same (decoded once) */
    assert_non_null(aiops_record_json(&r, &err));     /* the same record as a tree */
    assert_true(json_is_object(r.obj));
    assert_int_equal(aiops_rview_set(v, &r, &err), 0);
    check_view(v);
    aiops_record_clear(&r);
    /* no fields, and text that is not members: nothing there */
    assert_int_equal(aiops_rview_set(v, &r, &err), 0);
    assert_int_equal(aiops_rview_kind(v, NULL, "service"), AIOPS_F_NONE);
    r.type = AIOPS_R_LOG;
    r.obj = json_string(",\"a\":\"unterminated");
    assert_int_equal(aiops_rview_set(v, &r, &err), 0);
    assert_null(aiops_rview_str(v, NULL, "a", NULL));
    aiops_record_clear(&r);
    r.type = AIOPS_R_LOG;
    r.obj = json_string(",\"a\":\"x\",\"b\":{\"c\":");
    assert_int_equal(aiops_rview_set(v, &r, &err), 0);
    assert_null(aiops_rview_str(v, NULL, "a", NULL));
    aiops_record_clear(&r);
    aiops_rview_free(v);
}

static void test_record_set(void **state)
{
    (void)state;
    aiops_err err = {0};
    const char *t;
    size_t n;
    /* text without the member: appended, still text */
    aiops_record r = {.type = AIOPS_R_ALERT, .ts = 1, .obj = json_string(",\"name\":\"x\"")};
    assert_int_equal(aiops_record_set(&r, "incident", json_string("inc-1"), &err), 0);
    assert_int_equal(aiops_record_text(&r, &t, &n), 1);
    assert_string_equal(t, ",\"name\":\"x\",\"incident\":\"inc-1\"");
    assert_int_equal(aiops_record_set(&r, "inhibited", json_true(), &err), 0);
    assert_int_equal(aiops_record_text(&r, &t, &n), 1);
    assert_string_equal(t, ",\"name\":\"x\",\"incident\":\"inc-1\",\"inhibited\":true");
    /* with it: a tree, the member replaced where it was */
    assert_int_equal(aiops_record_set(&r, "incident", json_string("inc-2"), &err), 0);
    assert_int_equal(aiops_record_text(&r, &t, &n), 0);
    assert_true(json_is_object(r.obj));
    assert_string_equal(json_string_value(json_object_get(r.obj, "incident")), "inc-2");
    assert_string_equal(json_object_iter_key(json_object_iter_next(r.obj, json_object_iter(r.obj))),
                        "incident");
    aiops_record_clear(&r);
    /* empty text, and an escaped key that might be the one: a tree */
    r = (aiops_record){.type = AIOPS_R_ALERT, .obj = json_string("")};
    assert_int_equal(aiops_record_set(&r, "k", json_integer(7), &err), 0);
    assert_int_equal(aiops_record_text(&r, &t, &n), 1);
    assert_string_equal(t, ",\"k\":7");
    aiops_record_clear(&r);
    r = (aiops_record){.type = AIOPS_R_ALERT, .obj = json_string(",\"\\u006b\":1")};
    assert_int_equal(aiops_record_set(&r, "k", json_integer(7), &err), 0);
    assert_true(json_is_object(r.obj));
    assert_int_equal(json_object_size(r.obj), 1);
    aiops_record_clear(&r);
    /* no fields at all: an object */
    r = (aiops_record){.type = AIOPS_R_SAMPLE};
    assert_int_equal(aiops_record_set(&r, "k", json_string("v"), &err), 0);
    assert_string_equal(json_string_value(json_object_get(r.obj, "k")), "v");
    aiops_record_clear(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan_kept),
        cmocka_unit_test(test_scan_refused),
        cmocka_unit_test(test_reader_same_output),
        cmocka_unit_test(test_view),
        cmocka_unit_test(test_record_set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
