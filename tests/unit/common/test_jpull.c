/* test_jpull.c - the pull tokenizer (common/jpull.h): every JSON construct
 * as tokens with lines, escapes and surrogate pairs, numbers, invalid
 * UTF-8 (an error naming the member, or repaired under message keys),
 * syntax errors in jansson's words, line and column (checked against
 * jansson itself), caps, skipping with a raw copy, paths, and the same
 * tokens whatever the chunk boundaries. */
#include <stdlib.h>

#include "testutil.h"

#include "common/buf.h"
#include "common/jpull.h"

/* A reader handing out [0, cut) then [cut, len) in pieces of `piece`. */
typedef struct split {
    const char *s;
    size_t len, pos, cut, piece;
} split;

static int split_read(void *ctx, const char **data, size_t *len, aiops_err *err)
{
    split *sp = ctx;
    (void)err;
    if (sp->pos >= sp->len)
        return 0;
    size_t end = sp->pos < sp->cut ? sp->cut : sp->len;
    if (sp->piece && end - sp->pos > sp->piece)
        end = sp->pos + sp->piece;
    *data = sp->s + sp->pos;
    *len = end - sp->pos;
    sp->pos = end;
    return 1;
}

/* All tokens as text ("{ k:a s:b n:1 t f z [ ] }" with @line on each
 * line change), or "ERR <line>: <msg>" at an error. */
static void tokens(const char *s, size_t len, size_t cut, size_t piece,
                   const aiops_jpull_opts *o, aiops_buf *out)
{
    split sp = {s, len, 0, cut, piece};
    aiops_jpull *p = aiops_jpull_new(split_read, &sp, o);
    aiops_err err = {0};
    long line = 1;
    assert_non_null(p);
    out->n = 0;
    aiops_buf_put(out, "", 0);
    for (;;) {
        int t = aiops_jpull_next(p, &err);
        if (t < 0) {
            aiops_buf_printf(out, "ERR %ld: %s", err.line, err.msg);
            break;
        }
        if (t == AIOPS_JT_END)
            break;
        if (aiops_jpull_line(p) != line)
            aiops_buf_printf(out, "@%ld ", line = aiops_jpull_line(p));
        size_t n;
        const char *txt = aiops_jpull_text(p, &n);
        switch (t) {
        case AIOPS_JT_OBJ: aiops_buf_str(out, "{ "); break;
        case AIOPS_JT_OBJ_END: aiops_buf_str(out, "} "); break;
        case AIOPS_JT_ARR: aiops_buf_str(out, "[ "); break;
        case AIOPS_JT_ARR_END: aiops_buf_str(out, "] "); break;
        case AIOPS_JT_KEY: aiops_buf_printf(out, "k:%.*s ", (int)n, txt); break;
        case AIOPS_JT_STR: aiops_buf_printf(out, "s:%.*s ", (int)n, txt); break;
        case AIOPS_JT_NUM: aiops_buf_printf(out, "n:%s ", txt); break;
        case AIOPS_JT_TRUE: aiops_buf_str(out, "t "); break;
        case AIOPS_JT_FALSE: aiops_buf_str(out, "f "); break;
        case AIOPS_JT_NULL: aiops_buf_str(out, "z "); break;
        default: fail();
        }
    }
    aiops_jpull_free(p);
}

static void expect(const char *doc, const char *want)
{
    aiops_buf b = {0};
    tokens(doc, strlen(doc), 0, 0, NULL, &b);
    if (strcmp(b.p, want) != 0)
        print_error("doc  %s\ngot  %s\nwant %s\n", doc, b.p, want);
    assert_string_equal(b.p, want);
    aiops_buf_free(&b);
}

static void test_constructs(void **state)
{
    (void)state;
    expect("{}", "{ } ");
    expect("[]", "[ ] ");
    expect(" \t\r\n{\"a\" : [1, -2.5e+3, 0, -0.0, 1E9, true,false,null,\"x\"],\"b\":{}}",
           "@2 { k:a [ n:1 n:-2.5e+3 n:0 n:-0.0 n:1E9 t f z s:x ] k:b { } } ");
    expect("{\"a\":1}\n{\"a\":2}\n[3]", "{ k:a n:1 } @2 { k:a n:2 } @3 [ n:3 ] ");
    expect("[[[[]]],{\"\":\"\"}]", "[ [ [ [ ] ] ] { k: s: } ] ");
    expect("", "");
    expect("  \n ", "");
}

static void test_escapes(void **state)
{
    (void)state;
    expect("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]", "[ s:\"\\/\b\f\n\r\t ] ");
    expect("[\"\\u00e9\\u20AC\\ud83d\\ude00 \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"]",
           "[ s:\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 ] ");
    expect("[\"a\\u0041\"]", "[ s:aA ] ");
}

/* Syntax errors: the same message, line and column as jansson's. */
static void test_errors_like_jansson(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "{", "[", "{\"a\"", "{\"a\":", "{\"a\":1", "{\"a\":1,", "[1,", "[1", "[1,]", "{\"a\":1,}",
        "{1:2}", "{\"a\" 1}", "[1 2]", "{\"a\":1 \"b\":2}", "[tru]", "[nul]", "[True]", "[-]",
        "[01]", "[1.]", "[1.e5]", "[1e]", "[1e+]", "[.5]", "[+1]", "[\"a]", "[\"a\nb\"]",
        "[\"a\tb\"]", "[\"\\x\"]", "[\"\\u12G4\"]", "[\"\\ud800\"]", "[\"\\udc00\"]",
        "[\"\\ud800\\u0041\"]", "[\"\\ud800x\"]", "[\"\\u0000\"]", "{\"\\u0000\":1}", "1",
        "\"x\"", "null", "]", "{\n\"a\":\n[1,\n2,\n", "{\"aaaaaaaaaaaaaaaaaaaaaaaaaa\" 1}",
        "[\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\nb\"]", "[1,,2]", "{,}", "[@]", "[\xc3\xa9]",
        "  \n  {\"x\":[1,2,\n   {\"y\": nope}]}", "[12345678901234567890]",
        "[-12345678901234567890]", "[1e999]", "[-1e999]", "[\xff]", "[\xc3(]", "[\xe2\x82]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        json_error_t je;
        json_t *v = json_loadb(bad[i], strlen(bad[i]), JSON_DISABLE_EOF_CHECK, &je);
        assert_null(v);
        char want[400];
        snprintf(want, sizeof want, "ERR %d: expected a JSON object or array: %s (column %d)",
                 je.line, je.text, je.column);
        aiops_buf b = {0};
        tokens(bad[i], strlen(bad[i]), 0, 0, NULL, &b);
        const char *e = strstr(b.p, "ERR ");
        if (!e || strcmp(e, want) != 0)
            print_error("doc  %s\ngot  %s\nwant %s\n", bad[i], b.p, want);
        assert_non_null(e);
        assert_string_equal(e, want);
        aiops_buf_free(&b);
    }
}

static void test_utf8(void **state)
{
    (void)state;
    static const char *const keys[] = {"message", NULL};
    aiops_jpull_opts o = {.repair_keys = keys, .what = "a doc"};
    aiops_buf b = {0};
    /* repaired under a message key, through arrays, each bad byte once */
    static const char doc[] = "{\"message\":[\"a\xff" "b\xe0\x80" "c\xc3\"],\"x\":\"ok\"}";
    tokens(doc, sizeof doc - 1, 0, 0, &o, &b);
    assert_string_equal(b.p, "{ k:message [ s:a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD"
                             "c\xEF\xBF\xBD ] k:x s:ok } ");
    /* elsewhere an error naming the member, at the string's line */
    static const char doc2[] = "{\"a\":1,\n\"svc\":\"b\xff\"}";
    tokens(doc2, sizeof doc2 - 1, 0, 0, &o, &b);
    assert_string_equal(b.p, "{ k:a n:1 @2 k:svc ERR 2: svc: expected UTF-8 text, got invalid bytes");
    static const char doc3[] = "{\"k\xff\":1}";
    tokens(doc3, sizeof doc3 - 1, 0, 0, &o, &b);
    assert_string_equal(b.p, "{ ERR 1: expected UTF-8 text, got invalid bytes in a member name");
    static const char doc4[] = "[\"\xed\xa0\x80\"]";   /* a surrogate in UTF-8 */
    tokens(doc4, sizeof doc4 - 1, 0, 0, &o, &b);
    assert_string_equal(b.p, "[ ERR 1: expected UTF-8 text, got invalid bytes in a string");
    static const char doc5[] = "[1,\xff]";
    tokens(doc5, sizeof doc5 - 1, 0, 0, &o, &b);
    assert_string_equal(b.p, "[ n:1 ERR 1: expected a doc: unable to decode byte 0xff (column 3)");
    aiops_buf_free(&b);
}

static void test_caps(void **state)
{
    (void)state;
    aiops_jpull_opts o = {.max_str = 8, .max_depth = 3};
    aiops_buf b = {0};
    tokens("[\"12345678\"]", 12, 0, 0, &o, &b);
    assert_string_equal(b.p, "[ s:12345678 ] ");
    tokens("[\"123456789\"]", 13, 0, 0, &o, &b);
    assert_string_equal(b.p, "[ ERR 1: JSON string longer than 8 bytes");
    tokens("[[[1]]]", 7, 0, 0, &o, &b);
    assert_string_equal(b.p, "[ [ [ ERR 1: expected a JSON object or array: maximum parsing depth "
                             "reached (3, AIOPS_MAX_DEPTH) near '1' (column 4)");
    tokens("[[[]]]", 6, 0, 0, &o, &b);
    assert_string_equal(b.p, "[ [ [ ] ] ] ");
    /* 5000 levels: an error, not a stack overflow */
    char *deep = malloc(10001);
    memset(deep, '[', 5000);
    memset(deep + 5000, ']', 5000);
    deep[10000] = '\0';
    tokens(deep, 10000, 0, 0, NULL, &b);
    assert_non_null(strstr(b.p, "maximum parsing depth reached"));
    free(deep);
    aiops_buf_free(&b);
}

static const char BIG[] =
    "{\"data\":[{\"traceID\":\"ab\",\"spans\":[{\"spanID\":\"c\\u00e9\\ud83d\\ude00\",\n"
    "\"n\":[-1.5e-3,0,1234567890123456789],\"t\":true,\"f\":false,\"z\":null,\n"
    "\"m\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\\\"\\\\\\n\"}],\n"
    "  \"processes\" : {\"p1\":{\"serviceName\":\"api\"}}}],\"errors\":null}\n"
    "[1,2]\n";

/* The same tokens (and the same error) wherever the input is split. */
static void test_chunks(void **state)
{
    (void)state;
    aiops_buf want = {0}, got = {0};
    size_t n = sizeof BIG - 1;
    tokens(BIG, n, 0, 0, NULL, &want);
    assert_null(strstr(want.p, "ERR"));
    for (size_t cut = 0; cut <= n; cut++) {
        tokens(BIG, n, cut, 0, NULL, &got);
        assert_string_equal(got.p, want.p);
    }
    for (size_t piece = 1; piece < 8; piece++) {
        tokens(BIG, n, 0, piece, NULL, &got);
        assert_string_equal(got.p, want.p);
    }
    /* a truncated document: the same error for every split */
    tokens(BIG, n - 20, 0, 0, NULL, &want);
    assert_non_null(strstr(want.p, "ERR"));
    for (size_t cut = 0; cut <= n - 20; cut++) {
        tokens(BIG, n - 20, cut, 0, NULL, &got);
        assert_string_equal(got.p, want.p);
    }
    tokens(BIG, n - 20, 0, 1, NULL, &got);
    assert_string_equal(got.p, want.p);
    aiops_buf_free(&want);
    aiops_buf_free(&got);
}

/* skip() with a raw copy; the path of the current token. */
static void test_skip_path(void **state)
{
    (void)state;
    for (size_t piece = 0; piece < 4; piece++) {
        aiops_jpull_mem m = {BIG, sizeof BIG - 1, 0, piece};
        aiops_jpull *p = aiops_jpull_new(aiops_jpull_mem_read, &m, NULL);
        aiops_err err = {0};
        aiops_buf raw = {0};
        char path[128];
        int t;
        assert_int_equal(aiops_jpull_next(p, &err), AIOPS_JT_OBJ);
        assert_int_equal(aiops_jpull_next(p, &err), AIOPS_JT_KEY);
        assert_string_equal(aiops_jpull_path(p, path, sizeof path), "data");
        assert_int_equal(aiops_jpull_next(p, &err), AIOPS_JT_ARR);
        assert_int_equal(aiops_jpull_next(p, &err), AIOPS_JT_OBJ);
        assert_string_equal(aiops_jpull_path(p, path, sizeof path), "data[0]");
        assert_int_equal(aiops_jpull_next(p, &err), AIOPS_JT_KEY);
        assert_int_equal(aiops_jpull_next(p, &err), AIOPS_JT_STR);
        assert_string_equal(aiops_jpull_path(p, path, sizeof path), "data[0].traceID");
        assert_int_equal(aiops_jpull_next(p, &err), AIOPS_JT_KEY);
        assert_int_equal(aiops_jpull_next(p, &err), AIOPS_JT_ARR);
        assert_int_equal(aiops_jpull_skip(p, &raw, 1000, &err), 0);
        json_t *v = json_loadb(raw.p, raw.n, 0, NULL);
        if (!v)
            print_error("raw %.*s\n", (int)raw.n, raw.p);
        assert_non_null(v);
        assert_true(json_is_array(v));
        assert_string_equal(json_string_value(json_object_get(json_array_get(v, 0), "m")),
                            "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"\\\n");
        json_decref(v);
        assert_int_equal(aiops_jpull_next(p, &err), AIOPS_JT_KEY);
        assert_int_equal(aiops_jpull_line(p), 4);
        assert_string_equal(aiops_jpull_path(p, path, sizeof path), "data[0].processes");
        assert_int_equal(aiops_jpull_next(p, &err), AIOPS_JT_OBJ);
        raw.n = 0;
        aiops_buf_str(&raw, "kept");
        assert_int_equal(aiops_jpull_skip(p, &raw, 10, &err), AIOPS_ELIMIT);
        assert_non_null(strstr(err.msg, "longer than 10 bytes"));
        assert_int_equal(raw.n, 4);   /* a failed skip leaves raw as it was */
        assert_string_equal(raw.p, "kept");
        aiops_buf_free(&raw);
        aiops_jpull_free(p);
        /* plain skipping to the end */
        m.pos = 0;
        p = aiops_jpull_new(aiops_jpull_mem_read, &m, NULL);
        assert_int_equal(aiops_jpull_next(p, &err), AIOPS_JT_OBJ);
        assert_int_equal(aiops_jpull_skip(p, NULL, 0, &err), 0);
        assert_int_equal(aiops_jpull_next(p, &err), AIOPS_JT_ARR);
        assert_int_equal(aiops_jpull_skip(p, NULL, 0, &err), 0);
        assert_int_equal((t = aiops_jpull_next(p, &err)), AIOPS_JT_END);
        assert_int_equal(aiops_jpull_offset(p), sizeof BIG - 1);
        aiops_jpull_free(p);
    }
}

/* A skip that fails on bad input leaves raw as it was, whatever the
 * pieces the input came in (fuzz: the copy used to depend on them). */
static void test_skip_error_raw(void **state)
{
    (void)state;
    static const char doc[] = "{\"data\": [\n  {\"a\": [1, 2, {\"b\": 3 ]}]}";
    for (size_t piece = 0; piece < 8; piece++) {
        aiops_jpull_mem m = {doc, sizeof doc - 1, 0, piece};
        aiops_jpull *p = aiops_jpull_new(aiops_jpull_mem_read, &m, NULL);
        aiops_err err = {0};
        aiops_buf raw = {0};
        assert_int_equal(aiops_jpull_next(p, &err), AIOPS_JT_OBJ);
        assert_int_equal(aiops_jpull_next(p, &err), AIOPS_JT_KEY);
        assert_int_equal(aiops_jpull_next(p, &err), AIOPS_JT_ARR);
        assert_int_equal(aiops_jpull_next(p, &err), AIOPS_JT_OBJ);
        assert_true(aiops_jpull_skip(p, &raw, 2048, &err) < 0);
        assert_int_equal(aiops_jpull_line(p), 2);
        assert_int_equal(raw.n, 0);
        aiops_buf_free(&raw);
        aiops_jpull_free(p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_constructs),          cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_errors_like_jansson), cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_caps),                cmocka_unit_test(test_chunks),
        cmocka_unit_test(test_skip_path),           cmocka_unit_test(test_skip_error_raw),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
