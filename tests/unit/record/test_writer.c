/* test_writer.c - the record stream writer (libcore/writer.c): exact bytes
 * of NDJSON and TSV output, JSON escaping, NaN/Inf, TSV falling back to
 * NDJSON, extra fields of samples, non-sample records printed by the
 * writer's own JSON printer, zstd output, and write -> parse round trips. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "common/buf.h"
#include "input/input.h"

/* ------------------------------------------------------------ helpers */

static char g_dir[256];
static int g_seq;

static int group_setup(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/tmp/aiops-test-writer-XXXXXX");
    return mkdtemp(g_dir) ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    DIR *d = opendir(g_dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d))) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            char p[600];
            snprintf(p, sizeof p, "%s/%s", g_dir, de->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(g_dir);
    return 0;
}

/* A fresh file name in the temp dir with the given suffix. */
static void tmp_path(char *buf, size_t n, const char *suffix)
{
    snprintf(buf, n, "%s/out%d%s", g_dir, ++g_seq, suffix);
}

/* The file a writer is filling: until it is closed, its temporary
 * ".NAME.tmp-XXXXXX" beside path (common/ofile.h); path itself does not
 * exist yet. */
static void live_path(const char *path, char *out, size_t n)
{
    const char *slash = strrchr(path, '/');
    char prefix[256];
    snprintf(prefix, sizeof prefix, ".%s.tmp-", slash + 1);
    assert_int_equal(access(path, F_OK), -1);
    DIR *d = opendir(g_dir);
    assert_non_null(d);
    out[0] = '\0';
    for (struct dirent *e; (e = readdir(d));)
        if (!strncmp(e->d_name, prefix, strlen(prefix)))
            snprintf(out, n, "%s/%s", g_dir, e->d_name);
    closedir(d);
    assert_true(out[0] != '\0');
}

/* Whole file into a malloc'd NUL-terminated buffer. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t cap = 1 << 16, n = 0;
    char *p = malloc(cap + 1);
    assert_non_null(p);
    for (;;) {
        size_t r = fread(p + n, 1, cap - n, f);
        n += r;
        if (n < cap)
            break;
        cap *= 2;
        p = realloc(p, cap + 1);
        assert_non_null(p);
    }
    fclose(f);
    p[n] = '\0';
    *len = n;
    return p;
}

typedef struct fx {
    aiops_series_table *tab;
    aiops_writer *w;
    char path[512];
    aiops_err err;
} fx;

static void fx_open(fx *f, aiops_out_format fmt, const char *suffix, int zstd)
{
    memset(f, 0, sizeof *f);
    f->tab = aiops_series_table_new();
    assert_non_null(f->tab);
    tmp_path(f->path, sizeof f->path, suffix);
    int rc = aiops_writer_new(&f->w, f->path, fmt, zstd, f->tab, &f->err);
    if (rc)
        fail_msg("writer_new: %d %s", rc, f->err.msg);
}

static uint32_t sid_text(fx *f, const char *series)
{
    uint32_t id;
    int rc = aiops_series_intern_text(f->tab, series, strlen(series), &id, &f->err);
    if (rc)
        fail_msg("intern %s: %s", series, f->err.msg);
    return id;
}

static void put_sample(fx *f, uint32_t sid, double ts, double value)
{
    aiops_record r = {AIOPS_R_SAMPLE, sid, ts, value, NULL};
    int rc = aiops_writer_write(f->w, &r, &f->err);
    if (rc)
        fail_msg("write: %d %s", rc, f->err.msg);
}

/* Write a record whose obj is parsed from json (consumed). */
static void put_obj(fx *f, aiops_rtype t, uint32_t sid, double ts, double value, const char *json)
{
    json_error_t je;
    json_t *o = json_loads(json, 0, &je);
    if (!o)
        fail_msg("test JSON %s: %s", json, je.text);
    aiops_record r = {t, sid, ts, value, o};
    int rc = aiops_writer_write(f->w, &r, &f->err);
    aiops_record_clear(&r);
    if (rc)
        fail_msg("write: %d %s", rc, f->err.msg);
}

/* Close the writer and compare the file with want, byte for byte. */
static void fx_close_expect(fx *f, const char *want)
{
    assert_int_equal(aiops_writer_close(f->w, &f->err), 0);
    f->w = NULL;
    size_t n;
    char *got = read_file(f->path, &n);
    if (n != strlen(want) || memcmp(got, want, n) != 0)
        fail_msg("output differs:\n--- got (%zu bytes)\n%s--- want (%zu bytes)\n%s", n, got,
                 strlen(want), want);
    free(got);
    aiops_series_table_free(f->tab);
}

/* ------------------------------------------------------------ NDJSON */

static void test_ndjson_sample_layout(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, AIOPS_OUT_NDJSON, ".ndjson", 0);
    uint32_t a = sid_text(&f, "http_requests_total{service=\"api\", code=\"500\"}");
    uint32_t up = sid_text(&f, "up");
    uint32_t nameless = sid_text(&f, "{job=\"batch\"}");
    put_sample(&f, a, 1700000000, 12);
    put_sample(&f, a, 1700000000.25, 0.1);
    put_sample(&f, up, 1700000060, 0);
    put_sample(&f, nameless, 1700000060.5, -2.5);
    put_sample(&f, up, 1700000061, 1e21);
    put_sample(&f, up, 1700000062, -3.5e-7);
    put_sample(&f, up, 1700000063, 0.30000000000000004);
    put_sample(&f, up, 1700000064, -0.0);
    fx_close_expect(&f,
        "{\"type\":\"sample\",\"ts\":1700000000,\"name\":\"http_requests_total\","
        "\"labels\":{\"code\":\"500\",\"service\":\"api\"},\"value\":12}\n"
        "{\"type\":\"sample\",\"ts\":1700000000.25,\"name\":\"http_requests_total\","
        "\"labels\":{\"code\":\"500\",\"service\":\"api\"},\"value\":0.1}\n"
        "{\"type\":\"sample\",\"ts\":1700000060,\"name\":\"up\",\"labels\":{},\"value\":0}\n"
        "{\"type\":\"sample\",\"ts\":1700000060.5,\"name\":\"\",\"labels\":{\"job\":\"batch\"},\"value\":-2.5}\n"
        "{\"type\":\"sample\",\"ts\":1700000061,\"name\":\"up\",\"labels\":{},\"value\":1e+21}\n"
        "{\"type\":\"sample\",\"ts\":1700000062,\"name\":\"up\",\"labels\":{},\"value\":-3.5e-07}\n"
        "{\"type\":\"sample\",\"ts\":1700000063,\"name\":\"up\",\"labels\":{},\"value\":0.30000000000000004}\n"
        "{\"type\":\"sample\",\"ts\":1700000064,\"name\":\"up\",\"labels\":{},\"value\":0}\n");
}

static void test_ndjson_escaping(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, AIOPS_OUT_NDJSON, ".ndjson", 0);
    static const aiops_label lab[] = {
        {"a", "q\"uote"},   {"b", "back\\slash"}, {"c", "ctl\x01\x1f"}, {"d", "new\nline"},
        {"e", "tab\there"}, {"f", "cr\rx"},       {"g", "\xc3\xa9t\xc3\xa9"}, {"h", "/{}=,"},
    };
    uint32_t id;
    assert_int_equal(aiops_series_intern_labels(f.tab, "esc", lab, 8, &id, &f.err), 0);
    put_sample(&f, id, 1, 1);
    fx_close_expect(&f,
        "{\"type\":\"sample\",\"ts\":1,\"name\":\"esc\",\"labels\":{"
        "\"a\":\"q\\\"uote\",\"b\":\"back\\\\slash\",\"c\":\"ctl\\u0001\\u001f\","
        "\"d\":\"new\\nline\",\"e\":\"tab\\there\",\"f\":\"cr\\rx\",\"g\":\"\xc3\xa9t\xc3\xa9\","
        "\"h\":\"/{}=,\"},\"value\":1}\n");
}

static void test_json_escape_helper(void **state)
{
    (void)state;
    char out[64];
    const char in[] = "a\"b\\c\n\t\r\x01\x7f\xc3\xa9";
    size_t n = aiops_json_escape(in, sizeof in - 1, out);
    const char want[] = "a\\\"b\\\\c\\n\\t\\r\\u0001\x7f\xc3\xa9";
    assert_int_equal(n, sizeof want - 1);
    assert_string_equal(out, want);
    /* An embedded NUL is escaped, not a terminator. */
    n = aiops_json_escape("x\0y", 3, out);
    assert_int_equal(n, 8);
    assert_memory_equal(out, "x\\u0000y", 8);
    assert_int_equal(aiops_json_escape("", 0, out), 0);
    assert_string_equal(out, "");
}

static void test_ndjson_special_values(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, AIOPS_OUT_NDJSON, ".ndjson", 0);
    uint32_t g = sid_text(&f, "g{k=\"v\"}");
    put_sample(&f, g, 10, NAN);
    put_sample(&f, g, 11, INFINITY);
    put_sample(&f, g, 12, -INFINITY);
    fx_close_expect(&f,
        "{\"type\":\"sample\",\"ts\":10,\"name\":\"g\",\"labels\":{\"k\":\"v\"},\"value\":\"NaN\"}\n"
        "{\"type\":\"sample\",\"ts\":11,\"name\":\"g\",\"labels\":{\"k\":\"v\"},\"value\":\"+Inf\"}\n"
        "{\"type\":\"sample\",\"ts\":12,\"name\":\"g\",\"labels\":{\"k\":\"v\"},\"value\":\"-Inf\"}\n");
}

static void test_ndjson_extra_fields(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, AIOPS_OUT_NDJSON, ".ndjson", 0);
    uint32_t lat = sid_text(&f, "lat{svc=\"api\"}");
    put_obj(&f, AIOPS_R_SAMPLE, lat, 5, 0.25,
            "{\"unit\":\"s\",\"exemplar\":{\"trace_id\":\"abc\",\"v\":[1,2.5]},\"ok\":true}");
    /* Fields a sample models come from the record, not from obj. */
    put_obj(&f, AIOPS_R_SAMPLE, lat, 6, NAN,
            "{\"name\":\"stale\",\"labels\":{\"x\":\"y\"},\"value\":99,\"series\":\"s\",\"type\":\"log\","
            "\"ts\":1,\"note\":\"n\"}");
    fx_close_expect(&f,
        "{\"type\":\"sample\",\"ts\":5,\"name\":\"lat\",\"labels\":{\"svc\":\"api\"},\"value\":0.25,"
        "\"unit\":\"s\",\"exemplar\":{\"trace_id\":\"abc\",\"v\":[1,2.5]},\"ok\":true}\n"
        "{\"type\":\"sample\",\"ts\":6,\"name\":\"lat\",\"labels\":{\"svc\":\"api\"},\"value\":\"NaN\","
        "\"note\":\"n\"}\n");
}

static void test_non_sample_records(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, AIOPS_OUT_NDJSON, ".ndjson", 0);
    put_obj(&f, AIOPS_R_ALERT, 0, 1700000100, 0,
            "{\"type\":\"alert\",\"ts\":1700000100,\"name\":\"HighErrorRate\","
            "\"nested\":{\"a\":[1,2.5,\"s\\\"q\",true,false,null],\"o\":{},\"e\":[]},"
            "\"r\":0.1,\"r3\":0.30000000000000004,\"big\":1e300,\"neg\":-7,"
            "\"i\":9007199254740993,\"ctl\":\"a\\u0001\\n\\t\",\"k\\\"ey\":\"v\"}");
    /* type and ts first, whatever their place in obj. */
    put_obj(&f, AIOPS_R_EVENT, 0, 5, 0, "{\"name\":\"x\",\"ts\":5,\"type\":\"event\",\"kind\":\"deploy\"}");
    /* The record's ts wins over a stale one in obj. */
    put_obj(&f, AIOPS_R_LOG, 0, 7.5, 0, "{\"type\":\"log\",\"ts\":1,\"message\":\"m\"}");
    /* Unknown types keep their name. */
    put_obj(&f, AIOPS_R_OTHER, 0, 1, 0, "{\"type\":\"widget\",\"ts\":1,\"x\":\"y\"}");
    /* A record without obj fields beyond type/ts. */
    put_obj(&f, AIOPS_R_INCIDENT, 0, 2, 0, "{}");
    fx_close_expect(&f,
        "{\"type\":\"alert\",\"ts\":1700000100,\"name\":\"HighErrorRate\","
        "\"nested\":{\"a\":[1,2.5,\"s\\\"q\",true,false,null],\"o\":{},\"e\":[]},"
        "\"r\":0.1,\"r3\":0.30000000000000004,\"big\":1e+300,\"neg\":-7,"
        "\"i\":9007199254740993,\"ctl\":\"a\\u0001\\n\\t\",\"k\\\"ey\":\"v\"}\n"
        "{\"type\":\"event\",\"ts\":5,\"name\":\"x\",\"kind\":\"deploy\"}\n"
        "{\"type\":\"log\",\"ts\":7.5,\"message\":\"m\"}\n"
        "{\"type\":\"widget\",\"ts\":1,\"x\":\"y\"}\n"
        "{\"type\":\"incident\",\"ts\":2}\n");
}

static void test_large_record(void **state)
{
    (void)state;
    /* Readers take lines up to 64 MiB: a 2 MiB log line read by a tool
     * must be writable too, intact. */
    size_t n = (size_t)2 << 20;
    char *msg = malloc(n + 1);
    assert_non_null(msg);
    for (size_t i = 0; i < n; i++)
        msg[i] = (char)('a' + i % 26);
    msg[n] = '\0';
    fx f;
    fx_open(&f, AIOPS_OUT_NDJSON, ".ndjson", 0);
    json_t *o = json_pack("{s:s,s:i,s:s}", "type", "log", "ts", 1, "message", msg);
    assert_non_null(o);
    aiops_record r = {AIOPS_R_LOG, 0, 1, 0, o};
    int rc = aiops_writer_write(f.w, &r, &f.err);
    aiops_record_clear(&r);
    if (rc) {
        aiops_writer_close(f.w, NULL);
        aiops_series_table_free(f.tab);
        free(msg);
        fail_msg("2 MiB record: %d %s", rc, f.err.msg);
    }
    uint32_t up = sid_text(&f, "up");
    put_sample(&f, up, 2, 1);
    assert_int_equal(aiops_writer_close(f.w, &f.err), 0);
    size_t len;
    char *got = read_file(f.path, &len);
    const char *head = "{\"type\":\"log\",\"ts\":1,\"message\":\"";
    const char *tail = "\"}\n{\"type\":\"sample\",\"ts\":2,\"name\":\"up\",\"labels\":{},\"value\":1}\n";
    assert_int_equal(len, strlen(head) + n + strlen(tail));
    assert_memory_equal(got, head, strlen(head));
    assert_memory_equal(got + strlen(head), msg, n);
    assert_string_equal(got + strlen(head) + n, tail);
    free(got);
    free(msg);
    aiops_series_table_free(f.tab);
}

/* A record that carries its JSON text (raw text, aiops.h) is written as
 * head + text + tail, byte for byte what its tree would give; a text
 * larger than the output buffer goes out in pieces. */
static void test_text_records(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, AIOPS_OUT_NDJSON, ".ndjson", 0);
    const char *t = ",\"service\":\"api\",\"message\":\"a \\\"b\\\"\",\"labels\":{\"x\":\"1\"}";
    aiops_record r = {AIOPS_R_LOG, 0, 1.5, 0, json_string(t)};
    assert_int_equal(aiops_writer_write(f.w, &r, &f.err), 0);
    /* the same record as a tree: the same line */
    json_t *o = aiops_record_json(&r, &f.err);
    assert_non_null(o);
    assert_true(json_is_object(o));
    assert_int_equal(f.err.code, 0);
    assert_string_equal(json_string_value(json_object_get(o, "message")), "a \"b\"");
    assert_int_equal(aiops_writer_write(f.w, &r, &f.err), 0);
    aiops_record_clear(&r);
    /* no members: just type and ts */
    aiops_record e = {AIOPS_R_EVENT, 0, 2, 0, json_string("")};
    assert_int_equal(aiops_writer_write(f.w, &e, &f.err), 0);
    aiops_record_clear(&e);
    /* 2 MiB of text */
    size_t n = (size_t)2 << 20;
    char *big = malloc(n + 32);
    assert_non_null(big);
    memcpy(big, ",\"message\":\"", 12);
    memset(big + 12, 'z', n);
    memcpy(big + 12 + n, "\"", 2);
    aiops_record b = {AIOPS_R_LOG, 0, 3, 0, json_string(big)};
    assert_int_equal(aiops_writer_write(f.w, &b, &f.err), 0);
    aiops_record_clear(&b);
    free(big);
    assert_int_equal(aiops_writer_close(f.w, &f.err), 0);
    size_t len;
    char *got = read_file(f.path, &len);
    const char *line = "{\"type\":\"log\",\"ts\":1.5,\"service\":\"api\",\"message\":\"a \\\"b\\\"\","
                       "\"labels\":{\"x\":\"1\"}}\n";
    size_t ll = strlen(line);
    assert_memory_equal(got, line, ll);
    assert_memory_equal(got + ll, line, ll);
    const char *ev = "{\"type\":\"event\",\"ts\":2}\n";
    assert_memory_equal(got + 2 * ll, ev, strlen(ev));
    const char *bh = "{\"type\":\"log\",\"ts\":3,\"message\":\"";
    assert_memory_equal(got + 2 * ll + strlen(ev), bh, strlen(bh));
    assert_int_equal(len, 2 * ll + strlen(ev) + strlen(bh) + n + 3);
    assert_memory_equal(got + len - 4, "z\"}\n", 4);
    free(got);
    aiops_series_table_free(f.tab);
}

/* ---------------------------------------------------------------- TSV */

static void test_tsv_layout(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, AIOPS_OUT_TSV, ".tsv", 0);
    uint32_t a = sid_text(&f, "http_requests_total{service=\"api\",code=\"500\"}");
    uint32_t up = sid_text(&f, "up");
    uint32_t m;
    static const aiops_label lab[] = {{"a", "x\"y\nz\\"}};
    assert_int_equal(aiops_series_intern_labels(f.tab, "m", lab, 1, &m, &f.err), 0);
    put_sample(&f, a, 1700000000, 12);
    put_sample(&f, up, 1700000000.25, NAN);
    put_sample(&f, up, 1700000001, INFINITY);
    put_sample(&f, up, 1700000002, -INFINITY);
    put_sample(&f, up, 1700000003, 0.1);
    put_sample(&f, m, 1700000004, -1);
    fx_close_expect(&f,
        "1700000000\thttp_requests_total{code=\"500\",service=\"api\"}\t12\n"
        "1700000000.25\tup\tNaN\n"
        "1700000001\tup\t+Inf\n"
        "1700000002\tup\t-Inf\n"
        "1700000003\tup\t0.1\n"
        "1700000004\tm{a=\"x\\\"y\\nz\\\\\"}\t-1\n");
}

static void test_tsv_fallback(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, AIOPS_OUT_TSV, ".tsv", 0);
    uint32_t up = sid_text(&f, "up");
    uint32_t tab_sid;
    static const aiops_label lab[] = {{"a", "x\ty"}};
    assert_int_equal(aiops_series_intern_labels(f.tab, "t", lab, 1, &tab_sid, &f.err), 0);
    put_sample(&f, up, 1, 1);
    /* A non-sample record: NDJSON. */
    put_obj(&f, AIOPS_R_ALERT, 0, 2, 0, "{\"type\":\"alert\",\"ts\":2,\"name\":\"A\",\"state\":\"firing\"}");
    /* A series whose label value holds a tab: NDJSON. */
    put_sample(&f, tab_sid, 3, 0.5);
    /* A sample with extra fields cannot be TSV either. */
    put_obj(&f, AIOPS_R_SAMPLE, up, 4, 2, "{\"unit\":\"s\"}");
    put_sample(&f, up, 5, 3);
    /* Again: the per-series decision is kept (found once per series). */
    put_sample(&f, tab_sid, 6, 1.5);
    put_sample(&f, up, 7, 4);
    fx_close_expect(&f,
        "1\tup\t1\n"
        "{\"type\":\"alert\",\"ts\":2,\"name\":\"A\",\"state\":\"firing\"}\n"
        "{\"type\":\"sample\",\"ts\":3,\"name\":\"t\",\"labels\":{\"a\":\"x\\ty\"},\"value\":0.5}\n"
        "{\"type\":\"sample\",\"ts\":4,\"name\":\"up\",\"labels\":{},\"value\":2,\"unit\":\"s\"}\n"
        "5\tup\t3\n"
        "{\"type\":\"sample\",\"ts\":6,\"name\":\"t\",\"labels\":{\"a\":\"x\\ty\"},\"value\":1.5}\n"
        "7\tup\t4\n");
}

static void test_repeated_timestamps(void **state)
{
    (void)state;
    /* Consecutive samples often share ts; the text must follow each one. */
    fx f;
    fx_open(&f, AIOPS_OUT_TSV, ".tsv", 0);
    uint32_t up = sid_text(&f, "up");
    uint32_t tabbed;
    static const aiops_label lab[] = {{"a", "x\ty"}};
    assert_int_equal(aiops_series_intern_labels(f.tab, "t", lab, 1, &tabbed, &f.err), 0);
    put_sample(&f, up, 0, 1);
    put_sample(&f, up, 0, 2);
    put_sample(&f, tabbed, 0, 3);
    put_sample(&f, up, 5, 4);
    put_obj(&f, AIOPS_R_LOG, 0, 6, 0, "{\"message\":\"m\"}");
    put_sample(&f, tabbed, 5, 5);
    put_sample(&f, up, -0.0, 6);
    put_sample(&f, up, 1700000000.5, 7);
    put_sample(&f, tabbed, 1700000000.5, 8);
    put_sample(&f, up, 1700000000.5, 9);
    put_sample(&f, up, 1700000001, 10);
    fx_close_expect(&f,
        "0\tup\t1\n"
        "0\tup\t2\n"
        "{\"type\":\"sample\",\"ts\":0,\"name\":\"t\",\"labels\":{\"a\":\"x\\ty\"},\"value\":3}\n"
        "5\tup\t4\n"
        "{\"type\":\"log\",\"ts\":6,\"message\":\"m\"}\n"
        "{\"type\":\"sample\",\"ts\":5,\"name\":\"t\",\"labels\":{\"a\":\"x\\ty\"},\"value\":5}\n"
        "0\tup\t6\n"
        "1700000000.5\tup\t7\n"
        "{\"type\":\"sample\",\"ts\":1700000000.5,\"name\":\"t\",\"labels\":{\"a\":\"x\\ty\"},\"value\":8}\n"
        "1700000000.5\tup\t9\n"
        "1700000001\tup\t10\n");
}

static void test_record_without_obj(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, AIOPS_OUT_NDJSON, ".ndjson", 0);
    aiops_record r = {AIOPS_R_LOG, 0, 1.5, 0, NULL};
    assert_int_equal(aiops_writer_write(f.w, &r, &f.err), 0);
    r.type = AIOPS_R_OTHER;
    assert_int_equal(aiops_writer_write(f.w, &r, &f.err), 0);
    fx_close_expect(&f, "{\"type\":\"log\",\"ts\":1.5}\n{\"type\":\"other\",\"ts\":1.5}\n");
}

/* --------------------------------------------------------------- zstd */

static char *zstd_decompress_file(const char *path, size_t *out_len)
{
    size_t clen;
    char *c = read_file(path, &clen);
    assert_true(clen >= 4);
    assert_memory_equal(c, "\x28\xb5\x2f\xfd", 4);
    size_t cap = (size_t)64 << 20;
    char *d = malloc(cap + 1);
    assert_non_null(d);
    size_t n = ZSTD_decompress(d, cap, c, clen);
    if (ZSTD_isError(n))
        fail_msg("ZSTD_decompress: %s", ZSTD_getErrorName(n));
    d[n] = '\0';
    free(c);
    *out_len = n;
    return d;
}

/* Write `count` samples to path (fmt, zstd flag); returns expected text. */
static char *write_many(const char *suffix, aiops_out_format fmt, int zstd, int count, char *path,
                        size_t pathsz)
{
    fx f;
    fx_open(&f, fmt, suffix, zstd);
    snprintf(path, pathsz, "%s", f.path);
    uint32_t a = sid_text(&f, "cpu{host=\"a\",mode=\"idle\"}");
    uint32_t b = sid_text(&f, "mem_bytes{host=\"b\"}");
    size_t cap = (size_t)count * 128 + 1, n = 0;
    char *want = malloc(cap);
    assert_non_null(want);
    want[0] = '\0';
    for (int i = 0; i < count; i++) {
        int even = i % 2 == 0;
        double ts = 1700000000 + i * 15, v = even ? i * 0.5 : i;
        put_sample(&f, even ? a : b, ts, v);
        char vb[40];
        aiops_fmt_double(v, vb);
        if (fmt == AIOPS_OUT_TSV)
            n += (size_t)snprintf(want + n, cap - n, "%d\t%s\t%s\n", 1700000000 + i * 15,
                                  even ? "cpu{host=\"a\",mode=\"idle\"}" : "mem_bytes{host=\"b\"}", vb);
        else
            n += (size_t)snprintf(want + n, cap - n,
                                  "{\"type\":\"sample\",\"ts\":%d,\"name\":\"%s\",\"labels\":{%s},\"value\":%s}\n",
                                  1700000000 + i * 15, even ? "cpu" : "mem_bytes",
                                  even ? "\"host\":\"a\",\"mode\":\"idle\"" : "\"host\":\"b\"", vb);
    }
    assert_int_equal(aiops_writer_close(f.w, &f.err), 0);
    aiops_series_table_free(f.tab);
    return want;
}

static void test_zstd_output(void **state)
{
    (void)state;
    char path[512];
    /* ".zst" implies compression; 30000 records pass the 1 MiB buffer. */
    char *want = write_many(".ndjson.zst", AIOPS_OUT_NDJSON, 0, 30000, path, sizeof path);
    size_t n;
    char *got = zstd_decompress_file(path, &n);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(got, want, n);
    free(got);
    free(want);
    /* The zstd flag compresses whatever the name. */
    want = write_many(".tsv", AIOPS_OUT_TSV, 1, 500, path, sizeof path);
    got = zstd_decompress_file(path, &n);
    assert_string_equal(got, want);
    free(got);
    free(want);
}

static void test_zstd_empty(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, AIOPS_OUT_NDJSON, ".zst", 0);
    assert_int_equal(aiops_writer_close(f.w, &f.err), 0);
    size_t n;
    char *got = zstd_decompress_file(f.path, &n);
    assert_int_equal(n, 0);
    free(got);
    aiops_series_table_free(f.tab);
}

static void test_large_plain_output(void **state)
{
    (void)state;
    char path[512];
    char *want = write_many(".ndjson", AIOPS_OUT_NDJSON, 0, 30000, path, sizeof path);
    size_t n;
    char *got = read_file(path, &n);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(got, want, n);
    free(got);
    free(want);
}

static void test_flush(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, AIOPS_OUT_TSV, ".tsv", 0);
    uint32_t up = sid_text(&f, "up");
    put_sample(&f, up, 1, 1);
    size_t n;
    char live[600];
    live_path(f.path, live, sizeof live);
    char *got = read_file(live, &n);
    assert_int_equal(n, 0);     /* buffered */
    free(got);
    assert_int_equal(aiops_writer_flush(f.w, &f.err), 0);
    got = read_file(live, &n);
    assert_string_equal(got, "1\tup\t1\n");
    free(got);
    put_sample(&f, up, 2, 2);
    fx_close_expect(&f, "1\tup\t1\n2\tup\t2\n");
}

static void test_zstd_flush(void **state)
{
    (void)state;
    /* After a flush the data so far decompresses (a complete block). */
    fx f;
    fx_open(&f, AIOPS_OUT_NDJSON, ".zst", 0);
    uint32_t up = sid_text(&f, "up");
    put_sample(&f, up, 1, 1);
    assert_int_equal(aiops_writer_flush(f.w, &f.err), 0);
    size_t clen;
    char live[600];
    live_path(f.path, live, sizeof live);
    char *c = read_file(live, &clen);
    assert_true(clen > 4);
    ZSTD_DStream *ds = ZSTD_createDStream();
    assert_non_null(ds);
    char out[256];
    ZSTD_inBuffer in = {c, clen, 0};
    ZSTD_outBuffer ob = {out, sizeof out, 0};
    size_t r = ZSTD_decompressStream(ds, &ob, &in);
    assert_false(ZSTD_isError(r));
    const char *want = "{\"type\":\"sample\",\"ts\":1,\"name\":\"up\",\"labels\":{},\"value\":1}\n";
    assert_int_equal(ob.pos, strlen(want));
    assert_memory_equal(out, want, ob.pos);
    ZSTD_freeDStream(ds);
    free(c);
    assert_int_equal(aiops_writer_close(f.w, &f.err), 0);
    aiops_series_table_free(f.tab);
}

/* --------------------------------------------------------- round trip */

static void round_trip(aiops_out_format fmt)
{
    fx f;
    fx_open(&f, fmt, fmt == AIOPS_OUT_TSV ? ".tsv" : ".ndjson", 0);
    static const aiops_label lab[] = {{"path", "/a\"b\\c"}, {"msg", "x\ny\tz"}, {"u", "\xc3\xa9"}};
    uint32_t esc;
    assert_int_equal(aiops_series_intern_labels(f.tab, "req", lab, 3, &esc, &f.err), 0);
    uint32_t cpu = sid_text(&f, "cpu{host=\"a\"}");
    uint32_t nameless = sid_text(&f, "{job=\"batch\"}");
    static const double vals[] = {0.1, NAN, INFINITY, -INFINITY, -2.5e-300, 1.7976931348623157e308, 12};
    static const double tss[] = {1700000000, 1700000000.001, 1700000000.25, 1700000001,
                                 1700000001, 1700000002.5, 1700000003};
    uint32_t sids[7] = {esc, cpu, nameless, cpu, esc, cpu, nameless};
    for (int i = 0; i < 7; i++)
        put_sample(&f, sids[i], tss[i], vals[i]);
    put_obj(&f, AIOPS_R_SAMPLE, cpu, 1700000004, 3, "{\"unit\":\"s\",\"x\":[0.1,{\"y\":null}]}");
    const char *alert = "{\"type\":\"alert\",\"ts\":1700000005,\"name\":\"A\",\"r\":0.1,\"l\":{\"a\":\"\\u0001\"}}";
    put_obj(&f, AIOPS_R_ALERT, 0, 1700000005, 0, alert);
    assert_int_equal(aiops_writer_close(f.w, &f.err), 0);

    /* Parse back into a fresh table. */
    size_t len;
    char *text = read_file(f.path, &len);
    aiops_series_table *t2 = aiops_series_table_new();
    assert_non_null(t2);
    char *line = text;
    long lineno = 0;
    aiops_record rec;
    aiops_err err = {0};
    for (int i = 0; i < 9; i++) {
        char *nl = strchr(line, '\n');
        assert_non_null(nl);
        *nl = '\0';
        memset(&rec, 0, sizeof rec);
        int rc = aiops_record_parse_line(t2, line, (size_t)(nl - line), "rt", ++lineno, &rec, &err);
        if (rc)
            fail_msg("line %ld '%s': %s", lineno, line, err.msg);
        if (i < 7) {
            assert_int_equal(rec.type, AIOPS_R_SAMPLE);
            assert_string_equal(aiops_series_get(t2, rec.sid)->text,
                                aiops_series_get(f.tab, sids[i])->text);
            assert_true(rec.ts == tss[i]);
            if (isnan(vals[i]))
                assert_true(isnan(rec.value));
            else
                assert_true(rec.value == vals[i]);
            assert_null(rec.obj);
        } else if (i == 7) {
            assert_int_equal(rec.type, AIOPS_R_SAMPLE);
            assert_string_equal(aiops_series_get(t2, rec.sid)->text, "cpu{host=\"a\"}");
            assert_true(rec.ts == 1700000004);
            assert_true(rec.value == 3);
            json_t *want = json_loads("{\"unit\":\"s\",\"x\":[0.1,{\"y\":null}]}", 0, NULL);
            assert_true(json_equal(rec.obj, want));
            json_decref(want);
        } else {
            assert_int_equal(rec.type, AIOPS_R_ALERT);
            assert_true(rec.ts == 1700000005);
            json_t *want = json_loads(alert, 0, NULL);
            assert_true(json_equal(rec.obj, want));
            json_decref(want);
        }
        aiops_record_clear(&rec);
        line = nl + 1;
    }
    assert_string_equal(line, "");
    aiops_series_table_free(t2);
    free(text);
    aiops_series_table_free(f.tab);
}

static void test_round_trip_ndjson(void **state)
{
    (void)state;
    round_trip(AIOPS_OUT_NDJSON);
}

static void test_round_trip_tsv(void **state)
{
    (void)state;
    round_trip(AIOPS_OUT_TSV);
}

/* ------------------------------------------------------------- errors */

static void test_errors(void **state)
{
    (void)state;
    aiops_series_table *tab = aiops_series_table_new();
    aiops_writer *w = NULL;
    aiops_err err = {0};
    char p[600];
    snprintf(p, sizeof p, "%s/no-such-dir/out.ndjson", g_dir);
    assert_int_equal(aiops_writer_new(&w, p, AIOPS_OUT_NDJSON, 0, tab, &err), AIOPS_EIO);
    assert_null(w);
    assert_string_equal(err.file, p);
    assert_non_null(strstr(err.msg, "cannot create"));

    char path[512];
    tmp_path(path, sizeof path, ".ndjson");
    assert_int_equal(aiops_writer_new(&w, path, AIOPS_OUT_NDJSON, 0, tab, &err), 0);
    aiops_record r = {AIOPS_R_SAMPLE, 12345, 1, 1, NULL};
    aiops_err_clear(&err);
    assert_int_equal(aiops_writer_write(w, &r, &err), AIOPS_EINVAL);
    assert_string_equal(err.file, path);
    assert_int_equal(aiops_writer_close(w, &err), 0);
    size_t n;
    char *got = read_file(path, &n);
    assert_int_equal(n, 0);
    free(got);
    assert_int_equal(aiops_writer_close(NULL, &err), 0);
    aiops_series_table_free(tab);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ndjson_sample_layout),
        cmocka_unit_test(test_ndjson_escaping),
        cmocka_unit_test(test_json_escape_helper),
        cmocka_unit_test(test_ndjson_special_values),
        cmocka_unit_test(test_ndjson_extra_fields),
        cmocka_unit_test(test_non_sample_records),
        cmocka_unit_test(test_large_record),
        cmocka_unit_test(test_text_records),
        cmocka_unit_test(test_tsv_layout),
        cmocka_unit_test(test_tsv_fallback),
        cmocka_unit_test(test_repeated_timestamps),
        cmocka_unit_test(test_record_without_obj),
        cmocka_unit_test(test_zstd_output),
        cmocka_unit_test(test_zstd_empty),
        cmocka_unit_test(test_large_plain_output),
        cmocka_unit_test(test_flush),
        cmocka_unit_test(test_zstd_flush),
        cmocka_unit_test(test_round_trip_ndjson),
        cmocka_unit_test(test_round_trip_tsv),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
