/* test_stream.c - streams (libcore/stream.c) and input expansion
 * (libcore/input.c): lines over memory buffers (CRLF, last line without
 * newline, caps, lines longer than the initial buffer), slurp and peek;
 * real files in a temporary directory: plain, single .gz/.zst files,
 * .tar/.tar.gz/.tar.zst/.zip archives written with libarchive's write API,
 * directory trees; entry names, member names, indexes and mtimes; errors
 * for missing files and broken archives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <math.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "input/input.h"
#include "testutil.h"

/* ------------------------------------------------------------ helpers */

static char g_dir[256];     /* temporary directory of this run */

static void path_in(char *buf, size_t n, const char *rel)
{
    snprintf(buf, n, "%s/%s", g_dir, rel);
}

static int group_setup(void **state)
{
    (void)state;
    return tu_mkdtemp(g_dir, sizeof g_dir, "stream");
}

static int group_teardown(void **state)
{
    (void)state;
    tu_rm_rf(g_dir);
    return 0;
}

static void make_dir(const char *rel)
{
    char p[512];
    path_in(p, sizeof p, rel);
    assert_int_equal(mkdir(p, 0755), 0);
}

static void write_file(const char *rel, const char *data, size_t len)
{
    char p[512];
    path_in(p, sizeof p, rel);
    tu_write_file(p, data, len);
}

typedef struct tmember {
    const char *name;
    const char *data;      /* NULL: a directory */
    long mtime;
} tmember;

/* Write an archive (format + filter codes of libarchive) with members m. */
static void write_archive(const char *rel, int format, int filter, const tmember *m, size_t n)
{
    char p[512];
    path_in(p, sizeof p, rel);
    struct archive *a = archive_write_new();
    assert_non_null(a);
    assert_int_equal(archive_write_add_filter(a, filter), ARCHIVE_OK);
    assert_int_equal(archive_write_set_format(a, format), ARCHIVE_OK);
    assert_int_equal(archive_write_open_filename(a, p), ARCHIVE_OK);
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        assert_non_null(e);
        archive_entry_set_pathname(e, m[i].name);
        archive_entry_set_filetype(e, m[i].data ? AE_IFREG : AE_IFDIR);
        archive_entry_set_perm(e, m[i].data ? 0644 : 0755);
        archive_entry_set_size(e, m[i].data ? (la_int64_t)strlen(m[i].data) : 0);
        archive_entry_set_mtime(e, (time_t)m[i].mtime, 0);
        assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
        if (m[i].data && m[i].data[0]) {
            size_t len = strlen(m[i].data);
            assert_int_equal(archive_write_data(a, m[i].data, len), (la_ssize_t)len);
        }
        archive_entry_free(e);
    }
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
}

/* A single compressed file (raw format + filter). */
static void write_compressed(const char *rel, int filter, const char *data)
{
    tmember m = {"data", data, 0};
    write_archive(rel, ARCHIVE_FORMAT_RAW, filter, &m, 1);
}

/* Read every line of s and compare with want (n lines, then end). */
static void expect_lines(aiops_stream *s, const char *const *want, size_t n)
{
    aiops_err err = {0};
    char *line;
    size_t len;
    for (size_t i = 0; i < n; i++) {
        int rc = aiops_stream_getline(s, &line, &len, &err);
        if (rc != 1)
            fail_msg("line %zu: rc %d (%s)", i + 1, rc, err.msg);
        assert_int_equal(len, strlen(want[i]));
        assert_string_equal(line, want[i]);
        assert_int_equal(aiops_stream_lineno(s), (long)i + 1);
    }
    assert_int_equal(aiops_stream_getline(s, &line, &len, &err), 0);
    assert_int_equal(aiops_stream_lineno(s), (long)n);
}

static aiops_stream *mem(const char *name, const char *text, size_t max_line, size_t max_doc)
{
    aiops_stream *s = aiops_stream_new_mem(name, text, strlen(text), max_line, max_doc);
    assert_non_null(s);
    return s;
}

/* --------------------------------------------------------- mem: lines */

static void test_getline_basic(void **state)
{
    (void)state;
    aiops_stream *s = mem("basic.txt", "a\r\nbb\n\nccc", 0, 0);
    const char *want[] = {"a", "bb", "", "ccc"};
    expect_lines(s, want, 4);
    aiops_stream_free(s);
}

static void test_getline_crlf_and_blank(void **state)
{
    (void)state;
    aiops_stream *s = mem("crlf.txt", "\r\n\r\nx\r\n\ny z\r\n", 0, 0);
    const char *want[] = {"", "", "x", "", "y z"};
    expect_lines(s, want, 5);
    aiops_stream_free(s);
}

static void test_getline_trailing_newline(void **state)
{
    (void)state;
    /* A final "\n" ends the last line: no phantom empty line after it. */
    aiops_stream *s = mem("t.txt", "only\n", 0, 0);
    const char *want[] = {"only"};
    expect_lines(s, want, 1);
    aiops_stream_free(s);
}

static void test_getline_empty(void **state)
{
    (void)state;
    aiops_stream *s = mem("empty.txt", "", 0, 0);
    expect_lines(s, NULL, 0);
    /* Still at end on a second call. */
    char *line;
    size_t len;
    aiops_err err = {0};
    assert_int_equal(aiops_stream_getline(s, &line, &len, &err), 0);
    assert_int_equal(err.code, 0);
    aiops_stream_free(s);
}

static void test_getline_nul_terminated(void **state)
{
    (void)state;
    aiops_stream *s = mem("nul.txt", "abc\ndef", 0, 0);
    char *line;
    size_t len;
    aiops_err err = {0};
    assert_int_equal(aiops_stream_getline(s, &line, &len, &err), 1);
    assert_int_equal(len, 3);
    assert_int_equal(line[3], '\0');
    assert_int_equal(aiops_stream_getline(s, &line, &len, &err), 1);
    assert_int_equal(len, 3);
    assert_int_equal(line[3], '\0');
    assert_memory_equal(line, "def", 3);
    aiops_stream_free(s);
}

static void test_getline_max_line(void **state)
{
    (void)state;
    /* Exactly max_line bytes is fine, one more is ELIMIT on that line. */
    aiops_stream *s = mem("cap.txt", "0123456789\n01234567890\nok\n", 10, 0);
    char *line;
    size_t len;
    aiops_err err = {0};
    assert_int_equal(aiops_stream_getline(s, &line, &len, &err), 1);
    assert_string_equal(line, "0123456789");
    assert_int_equal(aiops_stream_getline(s, &line, &len, &err), AIOPS_ELIMIT);
    assert_int_equal(err.code, AIOPS_ELIMIT);
    assert_int_equal(err.line, 2);
    assert_string_equal(err.file, "cap.txt");
    assert_non_null(strstr(err.msg, "longer than 10 bytes"));
    aiops_stream_free(s);
}

static void test_getline_max_line_last_line(void **state)
{
    (void)state;
    /* The cap also applies to a last line without '\n'. */
    aiops_stream *s = mem("cap2.txt", "abc\r\nabc\nabcdef", 5, 0);
    char *line;
    size_t len;
    aiops_err err = {0};
    assert_int_equal(aiops_stream_getline(s, &line, &len, &err), 1);
    assert_string_equal(line, "abc");
    assert_int_equal(aiops_stream_getline(s, &line, &len, &err), 1);
    assert_string_equal(line, "abc");
    assert_int_equal(aiops_stream_getline(s, &line, &len, &err), AIOPS_ELIMIT);
    assert_int_equal(err.line, 3);
    assert_string_equal(err.file, "cap2.txt");
    aiops_stream_free(s);
}

static char *repeat(char c, size_t n)
{
    char *p = malloc(n + 1);
    assert_non_null(p);
    memset(p, c, n);
    p[n] = '\0';
    return p;
}

static void test_getline_long_lines(void **state)
{
    (void)state;
    /* Lines far longer than the initial 256 KiB buffer, default cap. */
    size_t n1 = 600000, n2 = 300001;
    char *text = malloc(n1 + n2 + 16);
    assert_non_null(text);
    memset(text, 'x', n1);
    memcpy(text + n1, "\nshort\n", 7);
    memset(text + n1 + 7, 'y', n2);
    text[n1 + 7 + n2] = '\0';
    aiops_stream *s = mem("long.txt", text, 0, 0);
    char *line;
    size_t len;
    aiops_err err = {0};
    assert_int_equal(aiops_stream_getline(s, &line, &len, &err), 1);
    assert_int_equal(len, n1);
    assert_int_equal(line[0], 'x');
    assert_int_equal(line[n1 - 1], 'x');
    assert_int_equal(line[n1], '\0');
    assert_int_equal(aiops_stream_getline(s, &line, &len, &err), 1);
    assert_string_equal(line, "short");
    assert_int_equal(aiops_stream_lineno(s), 2);
    assert_int_equal(aiops_stream_getline(s, &line, &len, &err), 1);
    assert_int_equal(len, n2);
    assert_int_equal(line[0], 'y');
    assert_int_equal(line[n2 - 1], 'y');
    assert_int_equal(line[n2], '\0');
    assert_int_equal(aiops_stream_lineno(s), 3);
    assert_int_equal(aiops_stream_getline(s, &line, &len, &err), 0);
    aiops_stream_free(s);
    free(text);
}

static void test_getline_cap_above_initial_buffer(void **state)
{
    (void)state;
    /* max_line 300000 > 256 KiB: a line of exactly 300000 passes (after a
     * short line, so the buffer is compacted), 300001 is ELIMIT line 3. */
    size_t cap = 300000;
    char *text = malloc(2 * cap + 32);
    assert_non_null(text);
    size_t p = 0;
    memcpy(text, "hi\n", 3);
    p = 3;
    memset(text + p, 'a', cap);
    p += cap;
    text[p++] = '\n';
    memset(text + p, 'b', cap + 1);
    p += cap + 1;
    text[p++] = '\n';
    text[p] = '\0';
    aiops_stream *s = mem("bigcap.txt", text, cap, 0);
    char *line;
    size_t len;
    aiops_err err = {0};
    assert_int_equal(aiops_stream_getline(s, &line, &len, &err), 1);
    assert_string_equal(line, "hi");
    assert_int_equal(aiops_stream_getline(s, &line, &len, &err), 1);
    assert_int_equal(len, cap);
    assert_int_equal(line[cap - 1], 'a');
    assert_int_equal(aiops_stream_getline(s, &line, &len, &err), AIOPS_ELIMIT);
    assert_int_equal(err.line, 3);
    assert_string_equal(err.file, "bigcap.txt");
    aiops_stream_free(s);
    free(text);
}

static void test_getline_many_lines(void **state)
{
    (void)state;
    /* 200000 short lines cross many buffer refills and compactions. */
    size_t n = 200000, cap = n * 16, p = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    for (size_t i = 0; i < n; i++)
        p += (size_t)snprintf(text + p, cap - p, "%zu%s", i, i % 3 ? "\n" : "\r\n");
    aiops_stream *s = mem("many.txt", text, 0, 0);
    char *line, want[32];
    size_t len;
    aiops_err err = {0};
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(aiops_stream_getline(s, &line, &len, &err), 1);
        snprintf(want, sizeof want, "%zu", i);
        if (strcmp(line, want) != 0)
            fail_msg("line %zu: got '%s', want '%s'", i + 1, line, want);
        assert_int_equal(len, strlen(want));
        assert_int_equal(aiops_stream_lineno(s), (long)i + 1);
    }
    assert_int_equal(aiops_stream_getline(s, &line, &len, &err), 0);
    aiops_stream_free(s);
    free(text);
}

/* ------------------------------------------------------ mem: slurp/peek */

static void test_slurp(void **state)
{
    (void)state;
    aiops_stream *s = mem("doc.json", "{\"a\":\n1}", 0, 0);
    char *data;
    size_t len;
    aiops_err err = {0};
    assert_int_equal(aiops_stream_slurp(s, &data, &len, &err), 0);
    assert_int_equal(len, 8);
    assert_string_equal(data, "{\"a\":\n1}");
    /* Everything consumed. */
    assert_int_equal(aiops_stream_slurp(s, &data, &len, &err), 0);
    assert_int_equal(len, 0);
    char *line;
    assert_int_equal(aiops_stream_getline(s, &line, &len, &err), 0);
    aiops_stream_free(s);
}

static void test_slurp_after_getline(void **state)
{
    (void)state;
    aiops_stream *s = mem("doc.txt", "head\nrest 1\nrest 2\n", 0, 0);
    char *line, *data;
    size_t len;
    aiops_err err = {0};
    assert_int_equal(aiops_stream_getline(s, &line, &len, &err), 1);
    assert_string_equal(line, "head");
    assert_int_equal(aiops_stream_slurp(s, &data, &len, &err), 0);
    assert_int_equal(len, 14);
    assert_string_equal(data, "rest 1\nrest 2\n");
    aiops_stream_free(s);
}

static void test_slurp_empty(void **state)
{
    (void)state;
    aiops_stream *s = mem("empty.json", "", 0, 0);
    char *data = NULL;
    size_t len = 99;
    aiops_err err = {0};
    assert_int_equal(aiops_stream_slurp(s, &data, &len, &err), 0);
    assert_int_equal(len, 0);
    assert_non_null(data);
    assert_string_equal(data, "");
    aiops_stream_free(s);
}

static void test_slurp_max_doc(void **state)
{
    (void)state;
    char *text = repeat('d', 100);
    aiops_stream *s = mem("exact.json", text, 0, 100);
    char *data;
    size_t len;
    aiops_err err = {0};
    assert_int_equal(aiops_stream_slurp(s, &data, &len, &err), 0);
    assert_int_equal(len, 100);
    assert_memory_equal(data, text, 100);
    aiops_stream_free(s);

    s = mem("big.json", text, 0, 99);
    assert_int_equal(aiops_stream_slurp(s, &data, &len, &err), AIOPS_ELIMIT);
    assert_int_equal(err.code, AIOPS_ELIMIT);
    assert_string_equal(err.file, "big.json");
    assert_int_equal(err.line, 0);
    assert_non_null(strstr(err.msg, "99 bytes"));
    aiops_stream_free(s);
    free(text);
}

static void test_slurp_large(void **state)
{
    (void)state;
    /* 3 MiB: several buffer doublings past the initial 256 KiB. */
    size_t n = (size_t)3 << 20;
    char *text = malloc(n + 1);
    assert_non_null(text);
    for (size_t i = 0; i < n; i++)
        text[i] = (char)('a' + i % 26);
    text[n] = '\0';
    aiops_stream *s = mem("large.json", text, 0, 0);
    char *data;
    size_t len;
    aiops_err err = {0};
    assert_int_equal(aiops_stream_slurp(s, &data, &len, &err), 0);
    assert_int_equal(len, n);
    assert_memory_equal(data, text, n);
    assert_int_equal(data[n], '\0');
    aiops_stream_free(s);

    s = mem("large.json", text, 0, n - 1);
    assert_int_equal(aiops_stream_slurp(s, &data, &len, &err), AIOPS_ELIMIT);
    aiops_stream_free(s);
    free(text);
}

static void test_peek_does_not_consume(void **state)
{
    (void)state;
    aiops_stream *s = mem("peek.txt", "line1\nline2\n", 0, 0);
    const char *head;
    size_t n;
    char *line;
    size_t len;
    aiops_err err = {0};
    assert_int_equal(aiops_stream_peek(s, &head, &n, &err), 0);
    assert_int_equal(n, 12);
    assert_memory_equal(head, "line1\nline2\n", 12);
    assert_int_equal(aiops_stream_peek(s, &head, &n, &err), 0);
    assert_int_equal(n, 12);
    assert_int_equal(aiops_stream_lineno(s), 0);
    assert_int_equal(aiops_stream_getline(s, &line, &len, &err), 1);
    assert_string_equal(line, "line1");
    assert_int_equal(aiops_stream_lineno(s), 1);
    /* Peek after a line: from the current position. */
    assert_int_equal(aiops_stream_peek(s, &head, &n, &err), 0);
    assert_int_equal(n, 6);
    assert_memory_equal(head, "line2\n", 6);
    assert_int_equal(aiops_stream_getline(s, &line, &len, &err), 1);
    assert_string_equal(line, "line2");
    assert_int_equal(aiops_stream_getline(s, &line, &len, &err), 0);
    aiops_stream_free(s);
}

static void test_peek_then_slurp(void **state)
{
    (void)state;
    aiops_stream *s = mem("p.json", "{\"x\":[1,2]}", 0, 0);
    const char *head;
    char *data;
    size_t n, len;
    aiops_err err = {0};
    assert_int_equal(aiops_stream_peek(s, &head, &n, &err), 0);
    assert_int_equal(n, 11);
    assert_int_equal(aiops_stream_slurp(s, &data, &len, &err), 0);
    assert_int_equal(len, 11);
    assert_string_equal(data, "{\"x\":[1,2]}");
    aiops_stream_free(s);
}

static void test_peek_empty(void **state)
{
    (void)state;
    aiops_stream *s = mem("e.txt", "", 0, 0);
    const char *head = NULL;
    size_t n = 7;
    aiops_err err = {0};
    assert_int_equal(aiops_stream_peek(s, &head, &n, &err), 0);
    assert_int_equal(n, 0);
    assert_non_null(head);
    aiops_stream_free(s);
}

static void test_peek_large(void **state)
{
    (void)state;
    /* At least 64 KiB are visible to probes of a big entry. */
    size_t n = 200000;
    char *text = repeat('q', n);
    aiops_stream *s = mem("big.txt", text, 0, 0);
    const char *head;
    size_t got;
    aiops_err err = {0};
    assert_int_equal(aiops_stream_peek(s, &head, &got, &err), 0);
    assert_true(got >= 65536);
    assert_true(got <= n);
    assert_memory_equal(head, text, got);
    char *line;
    size_t len;
    assert_int_equal(aiops_stream_getline(s, &line, &len, &err), 1);
    assert_int_equal(len, n);
    aiops_stream_free(s);
    free(text);
}

static void test_mem_names(void **state)
{
    (void)state;
    aiops_stream *s = mem("fixture.csv", "x", 0, 0);
    assert_string_equal(aiops_stream_name(s), "fixture.csv");
    assert_string_equal(aiops_stream_entry(s), "fixture.csv");
    assert_true(aiops_stream_mtime(s) == 0);
    assert_int_equal(aiops_stream_is_chain(s), 0);
    aiops_stream_set_mtime(s, 1700000000.5);
    assert_true(aiops_stream_mtime(s) == 1700000000.5);
    aiops_stream_free(s);
    s = aiops_stream_new_mem(NULL, "", 0, 0, 0);
    assert_non_null(s);
    assert_string_equal(aiops_stream_name(s), "<memory>");
    aiops_stream_free(s);
    aiops_stream_free(NULL);
}

/* ------------------------------------------------------- files on disk */

static void expand1(const char *path, aiops_entry **e, size_t *n)
{
    aiops_err err = {0};
    const char *paths[] = {path};
    int rc = aiops_entries_expand(paths, 1, e, n, &err);
    if (rc)
        fail_msg("expand %s: %d %s: %s", path, rc, err.file, err.msg);
}

static aiops_stream *open_entry(const aiops_entry *e)
{
    aiops_err err = {0};
    aiops_stream *s = NULL;
    int rc = aiops_stream_open_entry(e, 0, 0, &s, &err);
    if (rc)
        fail_msg("open %s: %d %s", e->path, rc, err.msg);
    assert_non_null(s);
    return s;
}

static void test_plain_file(void **state)
{
    (void)state;
    char p[512];
    write_file("plain.ndjson", "l1\r\nl2\n\nl4", 10);
    path_in(p, sizeof p, "plain.ndjson");
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    aiops_entry *e;
    size_t n;
    expand1(p, &e, &n);
    assert_int_equal(n, 1);
    assert_int_equal(e[0].kind, AIOPS_ENTRY_FILE);
    assert_string_equal(e[0].path, p);
    assert_null(e[0].member);
    assert_true(e[0].mtime == (double)st.st_mtime);
    aiops_stream *s = open_entry(&e[0]);
    assert_string_equal(aiops_stream_name(s), p);
    assert_string_equal(aiops_stream_entry(s), p);
    assert_true(aiops_stream_mtime(s) == (double)st.st_mtime);
    const char *want[] = {"l1", "l2", "", "l4"};
    expect_lines(s, want, 4);
    aiops_stream_free(s);
    aiops_entries_free(e, n);
}

static void test_plain_file_slurp(void **state)
{
    (void)state;
    char p[512];
    write_file("doc.json", "{\"k\": [1, 2, 3]}\n", 17);
    path_in(p, sizeof p, "doc.json");
    aiops_entry *e;
    size_t n;
    expand1(p, &e, &n);
    aiops_stream *s = open_entry(&e[0]);
    char *data;
    size_t len;
    aiops_err err = {0};
    assert_int_equal(aiops_stream_slurp(s, &data, &len, &err), 0);
    assert_int_equal(len, 17);
    assert_string_equal(data, "{\"k\": [1, 2, 3]}\n");
    aiops_stream_free(s);
    aiops_entries_free(e, n);
}

/* A single compressed file: one MEMBER entry without member name, named
 * after the file; the entry name loses the compression suffix. */
static void check_single_compressed(const char *rel, int filter, const char *stripped_rel)
{
    char p[512], stripped[512];
    write_compressed(rel, filter, "ts,value\n1700000000,1\n1700000060,2\n");
    path_in(p, sizeof p, rel);
    path_in(stripped, sizeof stripped, stripped_rel);
    int arch = 0;
    aiops_err err = {0};
    assert_int_equal(aiops_path_is_archive(p, &arch, &err), 0);
    assert_int_equal(arch, 1);
    aiops_entry *e;
    size_t n;
    expand1(p, &e, &n);
    assert_int_equal(n, 1);
    assert_int_equal(e[0].kind, AIOPS_ENTRY_MEMBER);
    assert_string_equal(e[0].path, p);
    assert_null(e[0].member);
    assert_int_equal(e[0].index, 0);
    aiops_stream *s = open_entry(&e[0]);
    assert_string_equal(aiops_stream_name(s), p);
    assert_string_equal(aiops_stream_entry(s), stripped);
    assert_true(aiops_stream_mtime(s) == 0);
    const char *want[] = {"ts,value", "1700000000,1", "1700000060,2"};
    expect_lines(s, want, 3);
    aiops_stream_free(s);
    aiops_entries_free(e, n);
}

static void test_single_gz(void **state)
{
    (void)state;
    check_single_compressed("metrics.csv.gz", ARCHIVE_FILTER_GZIP, "metrics.csv");
}

static void test_single_zst(void **state)
{
    (void)state;
    check_single_compressed("metrics.csv.zst", ARCHIVE_FILTER_ZSTD, "metrics.csv");
}

static void test_single_zst_slurp(void **state)
{
    (void)state;
    char p[512];
    write_compressed("doc.json.zst", ARCHIVE_FILTER_ZSTD, "{\"status\":\"success\"}");
    path_in(p, sizeof p, "doc.json.zst");
    aiops_entry *e;
    size_t n;
    expand1(p, &e, &n);
    aiops_stream *s = open_entry(&e[0]);
    assert_string_equal(strrchr(aiops_stream_entry(s), '/'), "/doc.json");
    const char *head;
    char *data;
    size_t hn, len;
    aiops_err err = {0};
    assert_int_equal(aiops_stream_peek(s, &head, &hn, &err), 0);
    assert_int_equal(hn, 20);
    assert_memory_equal(head, "{\"status\":\"success\"}", 20);
    assert_int_equal(aiops_stream_slurp(s, &data, &len, &err), 0);
    assert_int_equal(len, 20);
    assert_string_equal(data, "{\"status\":\"success\"}");
    aiops_stream_free(s);
    aiops_entries_free(e, n);
}

static const tmember archive_members[] = {
    {"first.csv", "ts,value\r\n1700000000,1\r\n", 1700000100},
    {"sub/", NULL, 1700000150},
    {"sub/second.ndjson", "{\"a\":1}\n{\"a\":2}", 1700000200},
    {"sub/deeper/", NULL, 1700000250},
    {"sub/deeper/third.txt", "x\n\ny\n", 1700000300},
    {"empty.txt", "", 1700000400},
};

static void check_archive(const char *rel, int format, int filter)
{
    char p[512], name[1100];
    write_archive(rel, format, filter, archive_members,
                  sizeof archive_members / sizeof archive_members[0]);
    path_in(p, sizeof p, rel);
    aiops_entry *e;
    size_t n;
    expand1(p, &e, &n);
    /* Directories are not entries; regular members in archive order. */
    static const char *const members[] = {"first.csv", "sub/second.ndjson",
                                          "sub/deeper/third.txt", "empty.txt"};
    static const long mtimes[] = {1700000100, 1700000200, 1700000300, 1700000400};
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(e[i].kind, AIOPS_ENTRY_MEMBER);
        assert_string_equal(e[i].path, p);
        assert_non_null(e[i].member);
        assert_string_equal(e[i].member, members[i]);
        assert_int_equal(e[i].index, (long)i);
        if (e[i].mtime != (double)mtimes[i])
            fail_msg("%s member %zu: mtime %.17g, want %ld", rel, i, e[i].mtime, mtimes[i]);
    }
    /* Each member opened by its own handle, in any order. */
    static const char *const l0[] = {"ts,value", "1700000000,1"};
    static const char *const l1[] = {"{\"a\":1}", "{\"a\":2}"};
    static const char *const l2[] = {"x", "", "y"};
    const char *const *lines[] = {l0, l1, l2, NULL};
    const size_t nlines[] = {2, 2, 3, 0};
    for (size_t k = 0; k < n; k++) {
        size_t i = n - 1 - k;
        aiops_stream *s = open_entry(&e[i]);
        snprintf(name, sizeof name, "%s:%s", p, members[i]);
        assert_string_equal(aiops_stream_name(s), name);
        assert_string_equal(aiops_stream_entry(s), members[i]);
        assert_true(aiops_stream_mtime(s) == (double)mtimes[i]);
        assert_int_equal(aiops_stream_is_chain(s), 0);
        expect_lines(s, (const char *const *)lines[i], nlines[i]);
        aiops_stream_free(s);
    }
    aiops_entries_free(e, n);
}

/* aiops_stream_take_archive: a member read to its end hands its archive
 * handle to a new stream, which goes on to a later member without
 * reopening; the old stream keeps its document, name and line numbers and
 * reads nothing more.  Not before its end, and not twice. */
static void test_take_archive(void **state)
{
    (void)state;
    char p[512], name[1100];
    write_archive("take.tar.zst", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_ZSTD,
                  archive_members, sizeof archive_members / sizeof archive_members[0]);
    path_in(p, sizeof p, "take.tar.zst");
    aiops_entry *e;
    size_t n;
    expand1(p, &e, &n);
    assert_int_equal(n, 4);
    aiops_stream *s = open_entry(&e[0]);
    assert_int_equal(aiops_stream_at_end(s), 0);
    assert_null(aiops_stream_take_archive(s));              /* not read yet */
    char *doc;
    size_t len;
    aiops_err err = {0};
    assert_int_equal(aiops_stream_slurp(s, &doc, &len, &err), 0);
    assert_int_equal(aiops_stream_at_end(s), 1);
    assert_int_equal(aiops_stream_member(s), 0);
    aiops_stream *t = aiops_stream_take_archive(s);
    assert_non_null(t);
    /* s: done, its document and name still there, no handle any more */
    assert_int_equal(aiops_stream_at_end(s), 0);
    assert_int_equal(aiops_stream_member(s), -1);
    assert_null(aiops_stream_take_archive(s));
    snprintf(name, sizeof name, "%s:first.csv", p);
    assert_string_equal(aiops_stream_name(s), name);
    assert_int_equal(len, strlen(archive_members[0].data));
    assert_memory_equal(doc, archive_members[0].data, len);
    char *line;
    size_t ll;
    assert_int_equal(aiops_stream_getline(s, &line, &ll, &err), 0);
    /* t: on to the third member (index 2), skipping the second */
    assert_int_equal(aiops_stream_member(t), 0);
    assert_int_equal(aiops_stream_advance(t, &e[2], &err), 0);
    snprintf(name, sizeof name, "%s:sub/deeper/third.txt", p);
    assert_string_equal(aiops_stream_name(t), name);
    static const char *const l2[] = {"x", "", "y"};
    expect_lines(t, l2, 3);
    assert_int_equal(aiops_stream_at_end(t), 1);
    aiops_stream *u = aiops_stream_take_archive(t);
    assert_non_null(u);
    assert_int_equal(aiops_stream_advance(u, &e[3], &err), 0);
    expect_lines(u, NULL, 0);
    aiops_stream_free(u);
    aiops_stream_free(t);
    aiops_stream_free(s);
    aiops_entries_free(e, n);
}

static void test_tar(void **state)
{
    (void)state;
    check_archive("archive.tar", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_NONE);
}

static void test_gnutar(void **state)
{
    (void)state;
    check_archive("archive-gnu.tar", ARCHIVE_FORMAT_TAR_GNUTAR, ARCHIVE_FILTER_NONE);
}

static void test_tar_gz(void **state)
{
    (void)state;
    check_archive("archive.tar.gz", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_GZIP);
}

static void test_tar_zst(void **state)
{
    (void)state;
    check_archive("archive.tar.zst", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_ZSTD);
}

static void test_zip(void **state)
{
    (void)state;
    check_archive("archive.zip", ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE);
}

static void test_member_name_in_messages(void **state)
{
    (void)state;
    /* A member line over the cap: the error names archive:member, line. */
    static const tmember m[] = {
        {"ok.csv", "a\n", 1700000000},
        {"member.csv", "short\nthis line is too long\n", 1700000000},
    };
    char p[512], want[1100];
    write_archive("msg.tar.zst", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_ZSTD, m, 2);
    path_in(p, sizeof p, "msg.tar.zst");
    aiops_entry *e;
    size_t n;
    expand1(p, &e, &n);
    assert_int_equal(n, 2);
    aiops_stream *s = NULL;
    aiops_err err = {0};
    assert_int_equal(aiops_stream_open_entry(&e[1], 10, 0, &s, &err), 0);
    char *line;
    size_t len;
    assert_int_equal(aiops_stream_getline(s, &line, &len, &err), 1);
    assert_string_equal(line, "short");
    assert_int_equal(aiops_stream_getline(s, &line, &len, &err), AIOPS_ELIMIT);
    snprintf(want, sizeof want, "%s:member.csv", p);
    assert_string_equal(err.file, want);
    assert_int_equal(err.line, 2);
    char buf[1400], full[1400];
    snprintf(full, sizeof full, "%s:2: line longer than 10 bytes (--max-line, AIOPS_MAX_LINE)", want);
    assert_string_equal(aiops_err_str(&err, buf, sizeof buf), full);
    aiops_stream_free(s);
    aiops_entries_free(e, n);
}

static void test_member_index_out_of_range(void **state)
{
    (void)state;
    static const tmember m[] = {{"only.csv", "a\n", 1700000000}};
    char p[512];
    write_archive("one.tar", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_NONE, m, 1);
    path_in(p, sizeof p, "one.tar");
    aiops_entry e = {AIOPS_ENTRY_MEMBER, p, "gone.csv", 3, 0, 0, 0};
    aiops_stream *s = NULL;
    aiops_err err = {0};
    assert_int_equal(aiops_stream_open_entry(&e, 0, 0, &s, &err), AIOPS_EIO);
    assert_null(s);
    assert_string_equal(err.file, p);
}

static void test_directory_tree(void **state)
{
    (void)state;
    static const tmember m[] = {
        {"m1.tsv", "1\tup\t1\n", 1700000000},
        {"m2.tsv", "2\tup\t2\n", 1700000010},
    };
    make_dir("tree");
    make_dir("tree/sub");
    make_dir("tree/.hiddendir");
    write_file("tree/b.tsv", "b\n", 2);
    write_file("tree/a.ndjson", "a\n", 2);
    write_file("tree/A_upper.csv", "A\n", 2);
    write_file("tree/.hidden", "h\n", 2);
    write_file("tree/.hiddendir/x.csv", "x\n", 2);
    write_file("tree/sub/c.csv", "c\n", 2);
    write_file("tree/sub/.h", "h\n", 2);
    write_file("tree/empty.txt", "", 0);
    write_archive("tree/z.tar", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_NONE, m, 2);
    write_compressed("tree/c.csv.gz", ARCHIVE_FILTER_GZIP, "c,gz\n");

    char p[512];
    path_in(p, sizeof p, "tree");
    aiops_entry *e;
    size_t n;
    expand1(p, &e, &n);
    /* Sorted by byte order (uppercase first), hidden files and directories
     * skipped, sub-directories recursed, archives expanded in place. */
    static const struct {
        const char *rel;
        aiops_entry_kind kind;
        const char *member;
        long index;
        const char *first_line;
    } want[] = {
        {"tree/A_upper.csv", AIOPS_ENTRY_FILE, NULL, 0, "A"},
        {"tree/a.ndjson", AIOPS_ENTRY_FILE, NULL, 0, "a"},
        {"tree/b.tsv", AIOPS_ENTRY_FILE, NULL, 0, "b"},
        {"tree/c.csv.gz", AIOPS_ENTRY_MEMBER, NULL, 0, "c,gz"},
        {"tree/empty.txt", AIOPS_ENTRY_FILE, NULL, 0, NULL},
        {"tree/sub/c.csv", AIOPS_ENTRY_FILE, NULL, 0, "c"},
        {"tree/z.tar", AIOPS_ENTRY_MEMBER, "m1.tsv", 0, "1\tup\t1"},
        {"tree/z.tar", AIOPS_ENTRY_MEMBER, "m2.tsv", 1, "2\tup\t2"},
    };
    size_t nw = sizeof want / sizeof want[0];
    if (n != nw) {
        for (size_t i = 0; i < n; i++)
            print_message("entry %zu: %s %s\n", i, e[i].path, e[i].member ? e[i].member : "");
        fail_msg("%zu entries, want %zu", n, nw);
    }
    for (size_t i = 0; i < n; i++) {
        char wp[512];
        path_in(wp, sizeof wp, want[i].rel);
        assert_string_equal(e[i].path, wp);
        assert_int_equal(e[i].kind, want[i].kind);
        if (want[i].member)
            assert_string_equal(e[i].member, want[i].member);
        else
            assert_null(e[i].member);
        assert_int_equal(e[i].index, want[i].index);
        aiops_stream *s = open_entry(&e[i]);
        if (want[i].first_line)
            expect_lines(s, &want[i].first_line, 1);
        else
            expect_lines(s, NULL, 0);
        aiops_stream_free(s);
    }
    assert_true(e[6].mtime == 1700000000);
    assert_true(e[7].mtime == 1700000010);
    aiops_entries_free(e, n);

    /* A trailing slash gives the same paths without a double slash. */
    char ps[520];
    snprintf(ps, sizeof ps, "%s/", p);
    expand1(ps, &e, &n);
    assert_int_equal(n, nw);
    char wp[512];
    path_in(wp, sizeof wp, "tree/A_upper.csv");
    assert_string_equal(e[0].path, wp);
    aiops_entries_free(e, n);
}

static void test_expand_argument_order(void **state)
{
    (void)state;
    /* Arguments keep their order; they are not sorted. */
    make_dir("args");
    write_file("args/b.txt", "b\n", 2);
    write_file("args/a.txt", "a\n", 2);
    char pa[512], pb[512];
    path_in(pa, sizeof pa, "args/a.txt");
    path_in(pb, sizeof pb, "args/b.txt");
    const char *paths[] = {pb, pa, pb};
    aiops_entry *e;
    size_t n;
    aiops_err err = {0};
    assert_int_equal(aiops_entries_expand(paths, 3, &e, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_string_equal(e[0].path, pb);
    assert_string_equal(e[1].path, pa);
    assert_string_equal(e[2].path, pb);
    aiops_entries_free(e, n);
    /* Nothing in, nothing out. */
    assert_int_equal(aiops_entries_expand(paths, 0, &e, &n, &err), 0);
    assert_int_equal(n, 0);
    aiops_entries_free(e, n);
    aiops_entries_free(NULL, 0);
}

static void test_stdin_entry(void **state)
{
    (void)state;
    const char *paths[] = {"-"};
    aiops_entry *e;
    size_t n;
    aiops_err err = {0};
    assert_int_equal(aiops_entries_expand(paths, 1, &e, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(e[0].kind, AIOPS_ENTRY_STDIN);
    assert_string_equal(e[0].path, "-");
    assert_null(e[0].member);
    aiops_entries_free(e, n);
}

/* --------------------------------------------------------------- errors */

static void test_missing_file(void **state)
{
    (void)state;
    char p[512], ok[512];
    path_in(p, sizeof p, "does-not-exist.csv");
    write_file("exists.csv", "a\n", 2);
    path_in(ok, sizeof ok, "exists.csv");
    const char *paths[] = {ok, p};
    aiops_entry *e = NULL;
    size_t n = 0;
    aiops_err err = {0};
    assert_int_equal(aiops_entries_expand(paths, 2, &e, &n, &err), AIOPS_EIO);
    assert_int_equal(err.code, AIOPS_EIO);
    assert_string_equal(err.file, p);
    assert_int_equal(err.line, 0);
    assert_non_null(strstr(err.msg, "cannot open"));
    assert_non_null(strstr(err.msg, "No such file"));

    /* An entry whose file vanished after expansion. */
    aiops_entry fe = {AIOPS_ENTRY_FILE, p, NULL, 0, 0, 0, 0};
    aiops_stream *s = NULL;
    aiops_err_clear(&err);
    assert_int_equal(aiops_stream_open_entry(&fe, 0, 0, &s, &err), AIOPS_EIO);
    assert_null(s);
    assert_string_equal(err.file, p);
    aiops_entry me = {AIOPS_ENTRY_MEMBER, p, "x.csv", 0, 0, 0, 0};
    aiops_err_clear(&err);
    assert_int_equal(aiops_stream_open_entry(&me, 0, 0, &s, &err), AIOPS_EIO);
    assert_null(s);
    assert_string_equal(err.file, p);
}

/* Read every entry of path to the end; returns the first error (or 0). */
static int read_everything(const char *path, aiops_err *err)
{
    const char *paths[] = {path};
    aiops_entry *e = NULL;
    size_t n = 0;
    int rc = aiops_entries_expand(paths, 1, &e, &n, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < n && !rc; i++) {
        aiops_stream *s = NULL;
        rc = aiops_stream_open_entry(&e[i], 0, 0, &s, err);
        char *line;
        size_t len;
        int r;
        while (!rc && (r = aiops_stream_getline(s, &line, &len, err)) == 1)
            ;
        if (!rc && r < 0)
            rc = r;
        aiops_stream_free(s);
    }
    aiops_entries_free(e, n);
    return rc;
}

/* Deterministic bytes that do not compress much. */
static char *noise(size_t n)
{
    char *p = malloc(n + 1);
    assert_non_null(p);
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        p[i] = (i % 80 == 79) ? '\n' : (char)('!' + x % 90);
    }
    p[n] = '\0';
    return p;
}

static void truncate_file(const char *rel, double fraction)
{
    char p[512];
    path_in(p, sizeof p, rel);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(truncate(p, (off_t)((double)st.st_size * fraction)), 0);
}

static void test_truncated_tar_zst(void **state)
{
    (void)state;
    char *big = noise(400000);
    tmember m[] = {
        {"a.txt", "first\n", 1700000000},
        {"big.txt", big, 1700000000},
        {"c.txt", "last\n", 1700000000},
    };
    write_archive("trunc.tar.zst", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_ZSTD, m, 3);
    free(big);
    truncate_file("trunc.tar.zst", 0.5);
    char p[512];
    path_in(p, sizeof p, "trunc.tar.zst");
    aiops_err err = {0};
    int rc = read_everything(p, &err);
    assert_int_equal(rc, AIOPS_EIO);
    assert_int_equal(err.code, AIOPS_EIO);
    assert_non_null(strstr(err.file, p));
    assert_true(err.msg[0] != '\0');
}

static void test_truncated_tar_gz(void **state)
{
    (void)state;
    char *big = noise(300000);
    tmember m[] = {{"big.txt", big, 1700000000}, {"after.txt", "x\n", 1700000000}};
    write_archive("trunc.tar.gz", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_GZIP, m, 2);
    free(big);
    truncate_file("trunc.tar.gz", 0.3);
    char p[512];
    path_in(p, sizeof p, "trunc.tar.gz");
    aiops_err err = {0};
    assert_int_equal(read_everything(p, &err), AIOPS_EIO);
    assert_non_null(strstr(err.file, p));
}

static void test_truncated_single_zst(void **state)
{
    (void)state;
    /* A lone .zst cut short: reading its data fails, never a silent EOF. */
    char *big = noise(300000);
    write_compressed("cut.csv.zst", ARCHIVE_FILTER_ZSTD, big);
    free(big);
    truncate_file("cut.csv.zst", 0.5);
    char p[512];
    path_in(p, sizeof p, "cut.csv.zst");
    aiops_err err = {0};
    assert_int_equal(read_everything(p, &err), AIOPS_EIO);
    assert_non_null(strstr(err.file, p));
}

static void test_garbage_after_magic(void **state)
{
    (void)state;
    /* gzip / zstd magic followed by junk. */
    static const char gz[] = "\x1f\x8b\x08\x00garbage garbage garbage garbage garbage\n";
    static const char zs[] = "\x28\xb5\x2f\xfdgarbage garbage garbage garbage garbage\n";
    write_file("junk.gz", gz, sizeof gz - 1);
    write_file("junk.zst", zs, sizeof zs - 1);
    char p[512];
    aiops_err err = {0};
    path_in(p, sizeof p, "junk.gz");
    assert_int_equal(read_everything(p, &err), AIOPS_EIO);
    assert_non_null(strstr(err.file, p));
    aiops_err_clear(&err);
    path_in(p, sizeof p, "junk.zst");
    assert_int_equal(read_everything(p, &err), AIOPS_EIO);
    assert_non_null(strstr(err.file, p));
}

static void test_path_is_archive(void **state)
{
    (void)state;
    char p[512];
    int arch = -1;
    aiops_err err = {0};
    write_file("plain.csv", "a,b\n", 4);
    path_in(p, sizeof p, "plain.csv");
    assert_int_equal(aiops_path_is_archive(p, &arch, &err), 0);
    assert_int_equal(arch, 0);
    write_file("zero.csv", "", 0);
    path_in(p, sizeof p, "zero.csv");
    assert_int_equal(aiops_path_is_archive(p, &arch, &err), 0);
    assert_int_equal(arch, 0);
    path_in(p, sizeof p, "nope");
    assert_int_equal(aiops_path_is_archive(p, &arch, &err), AIOPS_EIO);
    assert_string_equal(err.file, p);
}

/* --index: the listing kept beside the archive.  The probe runs on the
 * first expansion only; the second gives the same entries (first times
 * included) from ARCHIVE.aiops-index; another key, a changed archive or a
 * torn index list the archive again; a name the index cannot hold (a
 * tab) means no index. */
static int g_probes;

static double count_probe(void *ctx, aiops_stream *st)
{
    (void)ctx;
    g_probes++;
    return strcmp(aiops_stream_entry(st), "b.tsv") == 0 ? 5.5 : NAN;
}

static void expand_indexed(const char *key, const char *first, int want_probes)
{
    char p[512];
    path_in(p, sizeof p, "ix.tar.zst");
    const char *paths[] = {p};
    aiops_expand_opts xo = {count_probe, NULL, NULL, key};
    aiops_entry *e = NULL;
    size_t n = 0;
    aiops_err err = {0};
    g_probes = 0;
    assert_int_equal(aiops_entries_expand_opts(paths, 1, &xo, &e, &n, &err), 0);
    assert_int_equal(g_probes, want_probes);
    assert_int_equal(n, 2);
    assert_string_equal(e[0].member, first);
    assert_true(isnan(e[0].first_ts));
    assert_int_equal(e[0].index, 0);
    assert_string_equal(e[1].member, "b.tsv");
    assert_true(e[1].first_ts == 5.5);
    assert_int_equal(e[1].index, 1);       /* the directory does not count */
    assert_true(e[1].mtime == 1700000000);
    assert_int_equal(e[1].nested, 1);
    assert_int_equal(e[1].kind, AIOPS_ENTRY_MEMBER);
    aiops_entries_free(e, n);
}

static void test_archive_index(void **state)
{
    (void)state;
    tmember m[] = {{"a.tsv", "1\tx\t1\n", 1700000000}, {"d", NULL, 0},
                   {"b.tsv", "5.5\tx\t1\n", 1700000000}};
    write_archive("ix.tar.zst", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_ZSTD, m, 3);
    char p[512], ix[600];
    path_in(p, sizeof p, "ix.tar.zst");
    snprintf(ix, sizeof ix, "%s.aiops-index", p);
    expand_indexed("k1", "a.tsv", 2);      /* listed, index written */
    assert_int_equal(access(ix, F_OK), 0);
    expand_indexed("k1", "a.tsv", 0);      /* from the index */
    expand_indexed("k2", "a.tsv", 2);      /* other options: listed again */
    expand_indexed("k2", "a.tsv", 0);
    /* torn index: listed again, and rewritten */
    assert_int_equal(truncate(ix, 60), 0);
    expand_indexed("k2", "a.tsv", 2);
    expand_indexed("k2", "a.tsv", 0);
    /* the archive changed (another size): listed again */
    m[0].name = "a2.tsv";
    write_archive("ix.tar.zst", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_ZSTD, m, 3);
    expand_indexed("k2", "a2.tsv", 2);
    expand_indexed("k2", "a2.tsv", 0);
    /* a name with a tab: no index, listed every time */
    m[0].name = "a\tb.tsv";
    write_archive("ix.tar.zst", ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_ZSTD, m, 3);
    expand_indexed("k2", "a\tb.tsv", 2);
    expand_indexed("k2", "a\tb.tsv", 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_archive_index),
        cmocka_unit_test(test_getline_basic),
        cmocka_unit_test(test_getline_crlf_and_blank),
        cmocka_unit_test(test_getline_trailing_newline),
        cmocka_unit_test(test_getline_empty),
        cmocka_unit_test(test_getline_nul_terminated),
        cmocka_unit_test(test_getline_max_line),
        cmocka_unit_test(test_getline_max_line_last_line),
        cmocka_unit_test(test_getline_long_lines),
        cmocka_unit_test(test_getline_cap_above_initial_buffer),
        cmocka_unit_test(test_getline_many_lines),
        cmocka_unit_test(test_slurp),
        cmocka_unit_test(test_slurp_after_getline),
        cmocka_unit_test(test_slurp_empty),
        cmocka_unit_test(test_slurp_max_doc),
        cmocka_unit_test(test_slurp_large),
        cmocka_unit_test(test_peek_does_not_consume),
        cmocka_unit_test(test_peek_then_slurp),
        cmocka_unit_test(test_peek_empty),
        cmocka_unit_test(test_peek_large),
        cmocka_unit_test(test_mem_names),
        cmocka_unit_test(test_plain_file),
        cmocka_unit_test(test_plain_file_slurp),
        cmocka_unit_test(test_single_gz),
        cmocka_unit_test(test_single_zst),
        cmocka_unit_test(test_single_zst_slurp),
        cmocka_unit_test(test_tar),
        cmocka_unit_test(test_take_archive),
        cmocka_unit_test(test_gnutar),
        cmocka_unit_test(test_tar_gz),
        cmocka_unit_test(test_tar_zst),
        cmocka_unit_test(test_zip),
        cmocka_unit_test(test_member_name_in_messages),
        cmocka_unit_test(test_member_index_out_of_range),
        cmocka_unit_test(test_directory_tree),
        cmocka_unit_test(test_expand_argument_order),
        cmocka_unit_test(test_stdin_entry),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_truncated_tar_zst),
        cmocka_unit_test(test_truncated_tar_gz),
        cmocka_unit_test(test_truncated_single_zst),
        cmocka_unit_test(test_garbage_after_magic),
        cmocka_unit_test(test_path_is_archive),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
