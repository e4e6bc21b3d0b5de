/* test_reader.c - the k-way merge of libcore/reader.c: global time order
 * over several files, ties in input order, reordering within the window,
 * EORDER beyond it, series-ordered formats sorted in memory, the
 * max_buffer / max_open caps, allowed / forced formats, empty and
 * undetectable files, and members of a .tar.zst overlapping in time. */
#include <math.h>
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
#include <sys/stat.h>
#include <unistd.h>

#include "aiops.h"
#include "common/limits.h"
#include "testutil.h"

/* ------------------------------------------------------------ helpers */

static char g_dir[256];

static int group_setup(void **state)
{
    (void)state;
    return tu_mkdtemp(g_dir, sizeof g_dir, "reader");
}

static int group_teardown(void **state)
{
    (void)state;
    tu_rm_rf(g_dir);
    return 0;
}

/* Path of rel in the temp dir, in one of a few rotating static buffers. */
static const char *P(const char *rel)
{
    static char bufs[32][512];
    static int k;
    char *b = bufs[k++ % 32];
    snprintf(b, 512, "%s/%s", g_dir, rel);
    return b;
}

static void write_file(const char *rel, const char *text)
{
    tu_write_file(P(rel), text, strlen(text));
}

typedef struct tmember {
    const char *name;
    const char *data;      /* NULL: a directory */
} tmember;

static void write_tar_zst(const char *rel, const tmember *m, size_t n)
{
    struct archive *a = archive_write_new();
    assert_non_null(a);
    assert_int_equal(archive_write_add_filter_zstd(a), ARCHIVE_OK);
    assert_int_equal(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
    assert_int_equal(archive_write_open_filename(a, P(rel)), ARCHIVE_OK);
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, m[i].name);
        archive_entry_set_filetype(e, m[i].data ? AE_IFREG : AE_IFDIR);
        archive_entry_set_perm(e, m[i].data ? 0644 : 0755);
        archive_entry_set_size(e, m[i].data ? (la_int64_t)strlen(m[i].data) : 0);
        archive_entry_set_mtime(e, 1700000000, 0);
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

/* One record as the tests see it. */
typedef struct want {
    const char *series;     /* NULL for a non-sample record */
    double ts;
    double value;           /* samples only */
} want;

typedef struct run {
    int rc;                 /* 0 at a clean end, else the error */
    size_t n;               /* records returned before that */
    size_t entries;
    aiops_err err;
} run;

/* Read everything from paths with opts; check the records against w[0..nw)
 * as they come (records past nw fail the test). */
static run read_all(const char *const *paths, size_t npaths, const aiops_reader_opts *opts,
                    const want *w, size_t nw)
{
    run r;
    memset(&r, 0, sizeof r);
    aiops_series_table *tab = aiops_series_table_new();
    assert_non_null(tab);
    aiops_reader *rd = NULL;
    r.rc = aiops_reader_new(&rd, paths, npaths, tab, opts, &r.err);
    if (r.rc) {
        assert_null(rd);
        aiops_series_table_free(tab);
        return r;
    }
    r.entries = aiops_reader_entries(rd);
    for (;;) {
        aiops_record rec;
        memset(&rec, 0, sizeof rec);
        int got = aiops_reader_next(rd, &rec, &r.err);
        if (got <= 0) {
            r.rc = got;
            break;
        }
        if (r.n >= nw)
            fail_msg("record %zu (ts %.17g) beyond the %zu expected", r.n, rec.ts, nw);
        const want *x = &w[r.n];
        if (x->series) {
            assert_int_equal(rec.type, AIOPS_R_SAMPLE);
            const char *s = aiops_series_get(tab, rec.sid)->text;
            if (strcmp(s, x->series) != 0 || rec.ts != x->ts ||
                !(rec.value == x->value || (isnan(x->value) && isnan(rec.value))))
                fail_msg("record %zu: got %s @%.17g = %.17g, want %s @%.17g = %.17g", r.n, s,
                         rec.ts, rec.value, x->series, x->ts, x->value);
        } else {
            assert_int_not_equal(rec.type, AIOPS_R_SAMPLE);
            assert_non_null(rec.obj);
            if (rec.ts != x->ts)
                fail_msg("record %zu: non-sample at %.17g, want %.17g", r.n, rec.ts, x->ts);
        }
        aiops_record_clear(&rec);
        r.n++;
    }
    aiops_reader_free(rd);
    aiops_series_table_free(tab);
    return r;
}

static void expect_ok(const char *const *paths, size_t npaths, const aiops_reader_opts *opts,
                      const want *w, size_t nw)
{
    run r = read_all(paths, npaths, opts, w, nw);
    if (r.rc)
        fail_msg("rc %d: %s:%ld: %s", r.rc, r.err.file, r.err.line, r.err.msg);
    assert_int_equal(r.n, nw);
}

#define NW(w) (sizeof(w) / sizeof((w)[0]))

/* ------------------------------------------------------------- merging */

static void test_merge_interleaved(void **state)
{
    (void)state;
    write_file("m-a.ndjson",
               "{\"type\":\"sample\",\"ts\":1,\"name\":\"a\",\"labels\":{},\"value\":1}\n"
               "{\"type\":\"sample\",\"ts\":3,\"name\":\"a\",\"labels\":{},\"value\":3}\n"
               "{\"type\":\"alert\",\"ts\":4.5,\"name\":\"X\",\"state\":\"firing\",\"start\":4.5}\n"
               "{\"type\":\"sample\",\"ts\":5,\"name\":\"a\",\"labels\":{},\"value\":5}\n");
    write_file("m-b.tsv", "2\tb\t2\n3\tb\t3\n4\tb\t4\n6\tb\t6\n");
    write_file("m-c.ndjson",
               "# comment\n\n"
               "{\"type\":\"sample\",\"ts\":0.5,\"series\":\"c{x=\\\"1\\\"}\",\"value\":\"NaN\"}\n"
               "7\tc{x=\"1\"}\t7\n");
    const char *paths[] = {P("m-a.ndjson"), P("m-b.tsv"), P("m-c.ndjson")};
    static const want w[] = {
        {"c{x=\"1\"}", 0.5, NAN}, {"a", 1, 1}, {"b", 2, 2}, {"a", 3, 3}, {"b", 3, 3},
        {"b", 4, 4}, {NULL, 4.5, 0}, {"a", 5, 5}, {"b", 6, 6}, {"c{x=\"1\"}", 7, 7},
    };
    run r = read_all(paths, 3, NULL, w, NW(w));
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, NW(w));
    assert_int_equal(r.entries, 3);
}

static void test_ties_keep_input_order(void **state)
{
    (void)state;
    write_file("t-a.tsv", "10\ta\t1\n10\ta\t2\n11\ta\t3\n");
    write_file("t-b.tsv", "10\tb\t4\n11\tb\t5\n");
    const char *ab[] = {P("t-a.tsv"), P("t-b.tsv")};
    static const want w_ab[] = {{"a", 10, 1}, {"a", 10, 2}, {"b", 10, 4}, {"a", 11, 3}, {"b", 11, 5}};
    aiops_reader_opts keep = {0};
    keep.keep_duplicates = 1;   /* a@10 twice: this is about the merge's order */
    expect_ok(ab, 2, &keep, w_ab, NW(w_ab));
    /* The other argument order puts b first on every tie. */
    const char *ba[] = {P("t-b.tsv"), P("t-a.tsv")};
    static const want w_ba[] = {{"b", 10, 4}, {"a", 10, 1}, {"a", 10, 2}, {"b", 11, 5}, {"a", 11, 3}};
    expect_ok(ba, 2, &keep, w_ba, NW(w_ba));
}

static void test_ties_many_files(void **state)
{
    (void)state;
    /* Ten files, every record at the same time: file order, then line order. */
    char rel[32], text[128];
    const char *paths[10];
    want w[30];
    static char names[10][16];
    for (int i = 0; i < 10; i++) {
        snprintf(rel, sizeof rel, "tie%d.tsv", i);
        snprintf(names[i], sizeof names[i], "s%d", i);
        snprintf(text, sizeof text, "100\t%s\t1\n100\t%s\t2\n100\t%s\t3\n", names[i], names[i], names[i]);
        write_file(rel, text);
        paths[i] = strdup(P(rel));
        for (int k = 0; k < 3; k++)
            w[i * 3 + k] = (want){names[i], 100, k + 1};
    }
    aiops_reader_opts keep = {0};
    keep.keep_duplicates = 1;
    expect_ok(paths, 10, &keep, w, 30);
    for (int i = 0; i < 10; i++)
        free((void *)paths[i]);
}

static void test_reorder_within_window(void **state)
{
    (void)state;
    write_file("o-1.tsv", "10\tx\t1\n12\tx\t2\n11\tx\t3\n13\tx\t4\n11.5\tx\t5\n");
    const char *p1[] = {P("o-1.tsv")};
    static const want w1[] = {{"x", 10, 1}, {"x", 11, 3}, {"x", 11.5, 5}, {"x", 12, 2}, {"x", 13, 4}};
    expect_ok(p1, 1, NULL, w1, NW(w1));

    /* Equal times inside one file keep their line order after sorting. */
    write_file("o-2.tsv", "5\tx\t1\n3\tx\t2\n5\tx\t3\n4\tx\t4\n5\tx\t5\n");
    const char *p2[] = {P("o-2.tsv")};
    static const want w2[] = {{"x", 3, 2}, {"x", 4, 4}, {"x", 5, 1}, {"x", 5, 3}, {"x", 5, 5}};
    aiops_reader_opts keep = {0};
    keep.keep_duplicates = 1;
    expect_ok(p2, 1, &keep, w2, NW(w2));

    /* A window of 4 records sorts a record 3 places late. */
    write_file("o-3.tsv", "5\tx\t5\n1\tx\t1\n2\tx\t2\n3\tx\t3\n6\tx\t6\n");
    const char *p3[] = {P("o-3.tsv")};
    aiops_reader_opts o = {0};
    o.reorder_window = 4;
    static const want w3[] = {{"x", 1, 1}, {"x", 2, 2}, {"x", 3, 3}, {"x", 5, 5}, {"x", 6, 6}};
    expect_ok(p3, 1, &o, w3, NW(w3));
}

static void test_beyond_window(void **state)
{
    (void)state;
    write_file("late.tsv", "5\tx\t5\n6\tx\t6\n7\tx\t7\n1\tx\t1\n8\tx\t8\n");
    const char *paths[] = {P("late.tsv")};
    aiops_reader_opts o = {0};
    o.reorder_window = 2;
    static const want w[] = {{"x", 5, 5}};
    run r = read_all(paths, 1, &o, w, NW(w));
    assert_int_equal(r.rc, AIOPS_EORDER);
    assert_int_equal(r.err.code, AIOPS_EORDER);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.err.file, P("late.tsv"));
    assert_int_equal(r.err.line, 4);
    assert_non_null(strstr(r.err.msg, "reorder window"));
    assert_non_null(strstr(r.err.msg, "(2 records)"));
    assert_non_null(strstr(r.err.msg, "1970-01-01T00:00:01Z"));

    /* The default window takes it. */
    static const want wd[] = {{"x", 1, 1}, {"x", 5, 5}, {"x", 6, 6}, {"x", 7, 7}, {"x", 8, 8}};
    expect_ok(paths, 1, NULL, wd, NW(wd));
}

static void test_parse_error_propagates(void **state)
{
    (void)state;
    write_file("bad.ndjson",
               "{\"type\":\"sample\",\"ts\":1,\"name\":\"a\",\"value\":1}\n"
               "\n"
               "{\"type\":\"sample\",\"ts\":2,\"name\":\"a\",\"value\":\"lots\"}\n");
    const char *paths[] = {P("bad.ndjson")};
    run r = read_all(paths, 1, NULL, NULL, 0);
    assert_int_equal(r.rc, AIOPS_EPARSE);
    assert_int_equal(r.n, 0);
    assert_string_equal(r.err.file, P("bad.ndjson"));
    assert_int_equal(r.err.line, 3);
}

/* ------------------------------------------------ series-ordered input */

static const char promtool_dump[] =
    "{__name__=\"a\", job=\"j\"} 1 1700000002000\n"
    "{__name__=\"a\", job=\"j\"} 2 1700000004000\n"
    "{__name__=\"a\", job=\"j\"} 3 1700000005000\n"
    "{__name__=\"b\"} 10 1700000001000\n"
    "{__name__=\"b\"} 20 1700000003000\n"
    "{__name__=\"b\"} 30 1700000005000\n";

static void test_series_ordered_sorted(void **state)
{
    (void)state;
    write_file("dump.txt", promtool_dump);
    write_file("side.tsv", "1700000002.5\tside\t0\n1700000005\tside\t1\n");
    /* A window of 1 does not matter: the whole dump is buffered. */
    aiops_reader_opts o = {0};
    o.reorder_window = 1;
    const char *paths[] = {P("dump.txt"), P("side.tsv")};
    static const want w[] = {
        {"b", 1700000001, 10}, {"a{job=\"j\"}", 1700000002, 1}, {"side", 1700000002.5, 0},
        {"b", 1700000003, 20}, {"a{job=\"j\"}", 1700000004, 2},
        /* tie at ...005: dump before side; in the dump, line order */
        {"a{job=\"j\"}", 1700000005, 3}, {"b", 1700000005, 30}, {"side", 1700000005, 1},
    };
    expect_ok(paths, 2, &o, w, NW(w));
}

static void test_max_buffer(void **state)
{
    (void)state;
    write_file("dump6.txt", promtool_dump);
    const char *paths[] = {P("dump6.txt")};
    aiops_reader_opts o = {0};
    o.max_buffer = 5;
    run r = read_all(paths, 1, &o, NULL, 0);
    assert_int_equal(r.rc, AIOPS_ELIMIT);
    assert_int_equal(r.err.code, AIOPS_ELIMIT);
    assert_string_equal(r.err.file, P("dump6.txt"));
    assert_int_equal(r.err.line, 6);
    assert_non_null(strstr(r.err.msg, "is full (5 units"));
    /* Exactly enough room. */
    o.max_buffer = 6;
    static const want w[] = {
        {"b", 1700000001, 10}, {"a{job=\"j\"}", 1700000002, 1}, {"b", 1700000003, 20},
        {"a{job=\"j\"}", 1700000004, 2}, {"a{job=\"j\"}", 1700000005, 3}, {"b", 1700000005, 30},
    };
    expect_ok(paths, 1, &o, w, NW(w));

    /* The cap counts ordered files' windows too, across files. */
    write_file("mb-1.tsv", "1\ta\t1\n2\ta\t2\n3\ta\t3\n");
    write_file("mb-2.tsv", "1\tb\t1\n2\tb\t2\n3\tb\t3\n");
    const char *two[] = {P("mb-1.tsv"), P("mb-2.tsv")};
    o.max_buffer = 5;
    r = read_all(two, 2, &o, NULL, 0);
    assert_int_equal(r.rc, AIOPS_ELIMIT);
    assert_string_equal(r.err.file, P("mb-2.tsv"));
    assert_int_equal(r.err.line, 3);
}

/* An entry read whole sorts in bounded memory: every AIOPS_MAX_RUN units
 * are written to a temporary file as a sorted run and merged back, with
 * the same records in the same order (ties: input order; the merge with
 * other files unchanged) and each record's line for messages. */
static void test_spilled_runs(void **state)
{
    (void)state;
    write_file("sdump.txt", promtool_dump);
    write_file("sside.tsv", "1700000002.5\tside\t0\n1700000005\tside\t1\n");
    const char *paths[] = {P("sdump.txt"), P("sside.tsv")};
    static const want w[] = {
        {"b", 1700000001, 10}, {"a{job=\"j\"}", 1700000002, 1}, {"side", 1700000002.5, 0},
        {"b", 1700000003, 20}, {"a{job=\"j\"}", 1700000004, 2},
        {"a{job=\"j\"}", 1700000005, 3}, {"b", 1700000005, 30}, {"side", 1700000005, 1},
    };
    static const long lines[] = {4, 1, 1, 5, 2, 3, 6, 2};
    char tmp[300];
    snprintf(tmp, sizeof tmp, "%s/spill-tmp", g_dir);
    assert_int_equal(mkdir(tmp, 0700), 0);
    const char *old = getenv("TMPDIR");
    char *saved = old ? strdup(old) : NULL;
    setenv("TMPDIR", tmp, 1);
    for (uint64_t run_units = 1; run_units <= 3; run_units++) {
        aiops_limit_set(AIOPS_LIM_RUN, run_units);
        aiops_reader_opts o = {0};
        o.max_buffer = 3;       /* the buffer holds a run, not the entry */
        expect_ok(paths, 2, &o, w, NW(w));
        /* the lines of the records, as a consumer's messages name them */
        aiops_series_table *tab = aiops_series_table_new();
        aiops_reader *rd = NULL;
        aiops_err err = {0};
        assert_int_equal(aiops_reader_new(&rd, paths, 2, tab, &o, &err), 0);
        aiops_record rec = {0};
        for (size_t i = 0; i < NW(lines); i++) {
            assert_int_equal(aiops_reader_next(rd, &rec, &err), 1);
            const char *file;
            long line;
            aiops_reader_where(rd, &file, &line);
            assert_int_equal(line, lines[i]);
            aiops_record_clear(&rec);
        }
        assert_int_equal(aiops_reader_next(rd, &rec, &err), 0);
        aiops_reader_free(rd);
        aiops_series_table_free(tab);
        /* the runs were unlinked when made: nothing is left behind */
        DIR *d = opendir(tmp);
        struct dirent *de;
        int left = 0;
        while ((de = readdir(d)))
            left += de->d_name[0] != '.';
        closedir(d);
        assert_int_equal(left, 0);
    }
    /* records with JSON fields (logcli lines, newest first) keep them */
    write_file("slog.jsonl",
               "{\"labels\":{\"app\":\"a\"},\"line\":\"three\",\"timestamp\":\"2024-01-02T03:04:07Z\"}\n"
               "{\"labels\":{\"app\":\"a\"},\"line\":\"two\",\"timestamp\":\"2024-01-02T03:04:06Z\"}\n"
               "{\"labels\":{\"app\":\"a\"},\"line\":\"one\",\"timestamp\":\"2024-01-02T03:04:05Z\"}\n");
    aiops_limit_set(AIOPS_LIM_RUN, 22);
    const char *lp[] = {P("slog.jsonl")};
    aiops_series_table *tab = aiops_series_table_new();
    aiops_reader *rd = NULL;
    aiops_err err = {0};
    aiops_reader_opts o = {0};
    assert_int_equal(aiops_reader_new(&rd, lp, 1, tab, &o, &err), 0);
    static const char *const msgs[] = {"one", "two", "three"};
    for (size_t i = 0; i < 3; i++) {
        aiops_record rec = {0};
        assert_int_equal(aiops_reader_next(rd, &rec, &err), 1);
        assert_int_equal(rec.type, AIOPS_R_LOG);
        assert_true(rec.ts == 1704164645 + (double)i);
        json_t *m = json_object_get(rec.obj, "message");
        assert_non_null(m);
        assert_string_equal(json_string_value(m), msgs[i]);
        aiops_record_clear(&rec);
    }
    aiops_reader_free(rd);
    /* a TMPDIR that cannot take the runs: an error naming it */
    setenv("TMPDIR", "/nonexistent-aiops-dir", 1);
    aiops_limit_set(AIOPS_LIM_RUN, 1);
    run r = read_all(paths, 2, NULL, w, NW(w));
    assert_int_equal(r.rc, AIOPS_EIO);
    assert_string_equal(r.err.file, P("sdump.txt"));
    assert_non_null(strstr(r.err.msg, "cannot create a temporary file of sorted records under "
                                      "/nonexistent-aiops-dir"));
    aiops_series_table_free(tab);
    if (saved)
        setenv("TMPDIR", saved, 1);
    else
        unsetenv("TMPDIR");
    free(saved);
    aiops_limit_set(AIOPS_LIM_RUN, aiops_limit_about(AIOPS_LIM_RUN)->dflt);
}

/* ------------------------------------------------------------ formats */

static void test_allowed_formats(void **state)
{
    (void)state;
    write_file("al.ndjson", "{\"type\":\"sample\",\"ts\":1,\"name\":\"a\",\"value\":1}\n");
    const char *paths[] = {P("al.ndjson")};
    static const want w[] = {{"a", 1, 1}};
    static const char *const only_csv[] = {"csv", "promtool", NULL};
    static const char *const only_stream[] = {"prom-api", "stream", NULL};
    static const char *const alias[] = {"ndjson", NULL};
    aiops_reader_opts o = {0};
    o.allowed = only_csv;
    run r = read_all(paths, 1, &o, NULL, 0);
    assert_int_equal(r.rc, AIOPS_EFORMAT);
    assert_string_equal(r.err.file, P("al.ndjson"));
    assert_int_equal(r.err.line, 1);
    o.allowed = only_stream;
    expect_ok(paths, 1, &o, w, 1);
    o.allowed = alias;
    expect_ok(paths, 1, &o, w, 1);
}

static void test_force_format(void **state)
{
    (void)state;
    /* A leading line of a lone tab hides the format from detection, but
     * the stream parser skips it as blank. */
    write_file("hidden.txt", "\t\n1700000000\tup\t1\n1700000001\tup\t2\n");
    const char *paths[] = {P("hidden.txt")};
    run r = read_all(paths, 1, NULL, NULL, 0);
    assert_int_equal(r.rc, AIOPS_EFORMAT);
    aiops_reader_opts o = {0};
    o.force_format = "stream";
    static const want w[] = {{"up", 1700000000, 1}, {"up", 1700000001, 2}};
    expect_ok(paths, 1, &o, w, NW(w));
    o.force_format = "tsv";
    expect_ok(paths, 1, &o, w, NW(w));

    /* Forcing the wrong parser: its error, not a detection. */
    write_file("forced.tsv", "1700000000\tup\t1\n");
    const char *p2[] = {P("forced.tsv")};
    o.force_format = "promtool";
    r = read_all(p2, 1, &o, NULL, 0);
    assert_int_equal(r.rc, AIOPS_EPARSE);
    assert_string_equal(r.err.file, P("forced.tsv"));
    assert_int_equal(r.err.line, 1);

    /* An unknown name is a usage error. */
    o.force_format = "no-such-format";
    r = read_all(p2, 1, &o, NULL, 0);
    assert_int_equal(r.rc, AIOPS_EINVAL);
    assert_non_null(strstr(r.err.msg, "no-such-format"));
}

static void test_empty_file(void **state)
{
    (void)state;
    write_file("empty.ndjson", "");
    const char *paths[] = {P("empty.ndjson")};
    run r = read_all(paths, 1, NULL, NULL, 0);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 0);
    assert_int_equal(r.entries, 1);
    /* Among other files it just contributes nothing. */
    write_file("nonempty.tsv", "1\tx\t1\n");
    const char *two[] = {P("empty.ndjson"), P("nonempty.tsv"), P("empty.ndjson")};
    static const want w[] = {{"x", 1, 1}};
    run r2 = read_all(two, 3, NULL, w, 1);
    assert_int_equal(r2.rc, 0);
    assert_int_equal(r2.n, 1);
    assert_int_equal(r2.entries, 3);
}

static void test_undetectable(void **state)
{
    (void)state;
    write_file("notes.txt", "hello world\nthis is not a metric dump\n");
    write_file("fine.tsv", "1\tx\t1\n");
    const char *paths[] = {P("fine.tsv"), P("notes.txt")};
    run r = read_all(paths, 2, NULL, NULL, 0);
    assert_int_equal(r.rc, AIOPS_EFORMAT);
    assert_int_equal(r.err.code, AIOPS_EFORMAT);
    assert_string_equal(r.err.file, P("notes.txt"));
    assert_int_equal(r.err.line, 1);
    assert_non_null(strstr(r.err.msg, "expected a known input format"));
}

/* A file in a directory that no format recognises is skipped with one
 * warning; the library counts it and reports it through opts.warn. */
static void count_warn(void *ctx, const char *msg)
{
    char *last = ctx;
    snprintf(last, 512, "%s", msg);
}

static void test_undetectable_in_directory(void **state)
{
    (void)state;
    assert_int_equal(mkdir(P("und"), 0755), 0);
    write_file("und/README.txt", "hello world\nthis is not a metric dump\n");
    write_file("und/a.tsv", "1\tx\t1\n");
    const char *paths[] = {P("und")};
    char last[512] = "";
    aiops_reader_opts o = {0};
    o.warn = count_warn;
    o.warn_ctx = last;
    static const want w[] = {{"x", 1, 1}};
    aiops_series_table *tab = aiops_series_table_new();
    aiops_reader *rd = NULL;
    aiops_err err = {0};
    assert_int_equal(aiops_reader_new(&rd, paths, 1, tab, &o, &err), 0);
    assert_int_equal(aiops_reader_entries(rd), 1);
    assert_int_equal(aiops_reader_unrecognised(rd), 1);
    char want_msg[600];
    snprintf(want_msg, sizeof want_msg, "%s: skipped: no input format recognises it",
             P("und/README.txt"));
    assert_string_equal(last, want_msg);
    aiops_reader_free(rd);
    aiops_series_table_free(tab);
    expect_ok(paths, 1, &o, w, 1);
    /* --strict: an error naming the file */
    o.strict = 1;
    run r = read_all(paths, 1, &o, NULL, 0);
    assert_int_equal(r.rc, AIOPS_EFORMAT);
    assert_string_equal(r.err.file, P("und/README.txt"));
}

/* Repeated series+time: exact repeats and conflicts are dropped, counted,
 * the first kept; the example names the first conflict. */
static void test_duplicates_dropped(void **state)
{
    (void)state;
    write_file("dup-1.tsv", "10\ta\t1\n20\ta\t2\n20\tb\t5\n");
    write_file("dup-2.tsv", "20\ta\t2\n20\tb\t6\n30\ta\t3\n");
    const char *paths[] = {P("dup-1.tsv"), P("dup-2.tsv")};
    static const want w[] = {{"a", 10, 1}, {"a", 20, 2}, {"b", 20, 5}, {"a", 30, 3}};
    aiops_series_table *tab = aiops_series_table_new();
    aiops_reader *rd = NULL;
    aiops_err err = {0};
    assert_int_equal(aiops_reader_new(&rd, paths, 2, tab, NULL, &err), 0);
    aiops_record rec;
    size_t n = 0;
    while (aiops_reader_next(rd, &rec, &err) == 1) {
        assert_true(n < 4);
        assert_string_equal(aiops_series_get(tab, rec.sid)->text, w[n].series);
        assert_true(rec.ts == w[n].ts && rec.value == w[n].value);
        aiops_record_clear(&rec);
        n++;
    }
    assert_int_equal(err.code, 0);
    assert_int_equal(n, 4);
    uint64_t dups, conflicts;
    const char *ex;
    aiops_reader_duplicates(rd, &dups, &conflicts, &ex);
    assert_int_equal(dups, 1);
    assert_int_equal(conflicts, 1);
    assert_string_equal(ex, "b at 1970-01-01T00:00:20Z: kept 5, dropped 6");
    aiops_reader_free(rd);
    aiops_series_table_free(tab);
}

/* ---------------------------------------------------- archives, limits */

/* Members read whole (a series-ordered Prometheus dump, sorted in its
 * source's buffer) hand their archive handle on to the later members that
 * open while their records are still going out (reader.c's
 * src_open_stream): every record comes out once, in time order, the
 * member after the handed-on one included, also with --max-open 2. */
static void test_tar_zst_handle_handed_on(void **state)
{
    (void)state;
    static const tmember m[] = {
        {"a.prom", "{__name__=\"a\"} 5 5000\n{__name__=\"a\"} 1 1000\n{__name__=\"b\"} 3 3000\n"},
        {"b.tsv", "2\tt\t2\n4\tt\t4\n6\tt\t6\n"},
        {"c.prom", "{__name__=\"c\"} 7 7000\n{__name__=\"c\"} 1.5 1500\n"},
        {"d.tsv", "1.2\td\t1\n8\td\t8\n"},
    };
    write_tar_zst("handed.tar.zst", m, NW(m));
    const char *paths[] = {P("handed.tar.zst")};
    static const want w[] = {
        {"a", 1, 1}, {"d", 1.2, 1}, {"c", 1.5, 1.5}, {"t", 2, 2}, {"b", 3, 3},
        {"t", 4, 4}, {"a", 5, 5}, {"t", 6, 6}, {"c", 7, 7}, {"d", 8, 8},
    };
    expect_ok(paths, 1, NULL, w, NW(w));
}

static void test_tar_zst_members_overlap(void **state)
{
    (void)state;
    static const tmember m[] = {
        {"m1.ndjson",
         "{\"type\":\"sample\",\"ts\":1,\"name\":\"m1\",\"value\":1}\n"
         "{\"type\":\"sample\",\"ts\":3,\"name\":\"m1\",\"value\":3}\n"
         "{\"type\":\"sample\",\"ts\":5,\"name\":\"m1\",\"value\":5}\n"},
        {"sub/", NULL},
        {"sub/m2.tsv", "2\tm2\t2\n4\tm2\t4\n5\tm2\t5.5\n6\tm2\t6\n"},
        {"sub/empty.tsv", ""},
    };
    write_tar_zst("overlap.tar.zst", m, NW(m));
    write_file("outside.tsv", "3.5\tout\t0\n");
    const char *paths[] = {P("overlap.tar.zst"), P("outside.tsv")};
    static const want w[] = {
        {"m1", 1, 1}, {"m2", 2, 2}, {"m1", 3, 3}, {"out", 3.5, 0}, {"m2", 4, 4},
        {"m1", 5, 5}, {"m2", 5, 5.5}, {"m2", 6, 6},
    };
    run r = read_all(paths, 2, NULL, w, NW(w));
    if (r.rc)
        fail_msg("rc %d: %s:%ld: %s", r.rc, r.err.file, r.err.line, r.err.msg);
    assert_int_equal(r.n, NW(w));
    assert_int_equal(r.entries, 4);
}

static void test_member_error_names_member(void **state)
{
    (void)state;
    static const tmember m[] = {
        {"good.tsv", "1\tg\t1\n"},
        {"late.tsv", "5\tl\t5\n6\tl\t6\n7\tl\t7\n1\tl\t1\n"},
    };
    write_tar_zst("late.tar.zst", m, NW(m));
    const char *paths[] = {P("late.tar.zst")};
    aiops_reader_opts o = {0};
    o.reorder_window = 2;
    static const want w[] = {{"g", 1, 1}, {"l", 5, 5}};
    run r = read_all(paths, 1, &o, w, NW(w));
    assert_int_equal(r.rc, AIOPS_EORDER);
    assert_int_equal(r.n, 2);
    char want_file[600];
    snprintf(want_file, sizeof want_file, "%s:late.tsv", P("late.tar.zst"));
    assert_string_equal(r.err.file, want_file);
    assert_int_equal(r.err.line, 4);
}

/* Run read_all on "-" with fd 0 reading the file rel. */
static run read_stdin(const char *rel, const aiops_reader_opts *opts, const want *w, size_t nw)
{
    int saved = dup(0);
    assert_true(saved >= 0);
    FILE *f = fopen(P(rel), "rb");
    assert_non_null(f);
    assert_int_equal(dup2(fileno(f), 0), 0);
    fclose(f);
    const char *paths[] = {"-"};
    run r = read_all(paths, 1, opts, w, nw);
    assert_int_equal(dup2(saved, 0), 0);
    close(saved);
    return r;
}

static void test_where(void **state)
{
    (void)state;
    write_file("wh-a.tsv", "# comment\n10\ta\t1\n30\ta\t3\n");
    write_file("wh-b.tsv", "20\tb\t2\n");
    const char *paths[] = {P("wh-a.tsv"), P("wh-b.tsv")};
    aiops_series_table *tab = aiops_series_table_new();
    aiops_reader *rd = NULL;
    aiops_err err = {0};
    assert_int_equal(aiops_reader_new(&rd, paths, 2, tab, NULL, &err), 0);
    static const long lines[] = {2, 1, 3};
    static const char *const files[] = {"wh-a.tsv", "wh-b.tsv", "wh-a.tsv"};
    for (int i = 0; i < 3; i++) {
        aiops_record r;
        assert_int_equal(aiops_reader_next(rd, &r, &err), 1);
        const char *f;
        long line;
        aiops_reader_where(rd, &f, &line);
        assert_int_equal(line, lines[i]);
        assert_non_null(strstr(f, files[i]));
        aiops_record_clear(&r);
    }
    aiops_reader_free(rd);
    aiops_series_table_free(tab);
}

static void test_stdin(void **state)
{
    (void)state;
    /* Plain stdin: an ordered stream. */
    write_file("stdin.tsv", "2\tx\t2\n1\tx\t1\n3\tx\t3\n");
    static const want w1[] = {{"x", 1, 1}, {"x", 2, 2}, {"x", 3, 3}};
    run r = read_stdin("stdin.tsv", NULL, w1, NW(w1));
    if (r.rc)
        fail_msg("rc %d: %s:%ld: %s", r.rc, r.err.file, r.err.line, r.err.msg);
    assert_int_equal(r.n, NW(w1));

    /* An archive on stdin: members in sequence, all sorted in memory. */
    static const tmember m[] = {
        {"m1.tsv", "1\tm1\t1\n3\tm1\t3\n"},
        {"d/", NULL},
        {"d/m2.tsv", "2\tm2\t2\n4\tm2\t4\n"},
        {"m3.ndjson", "{\"type\":\"sample\",\"ts\":0,\"name\":\"m3\",\"value\":0}\n"},
    };
    write_tar_zst("stdin.tar.zst", m, NW(m));
    static const want w2[] = {{"m3", 0, 0}, {"m1", 1, 1}, {"m2", 2, 2}, {"m1", 3, 3}, {"m2", 4, 4}};
    aiops_reader_opts o = {0};
    o.reorder_window = 1;
    r = read_stdin("stdin.tar.zst", &o, w2, NW(w2));
    if (r.rc)
        fail_msg("rc %d: %s:%ld: %s", r.rc, r.err.file, r.err.line, r.err.msg);
    assert_int_equal(r.n, NW(w2));

    /* Errors in a stdin member name it. */
    static const tmember bad[] = {{"ok.tsv", "1\tx\t1\n"}, {"bad.tsv", "1\tx\t1\n2\tx\n"}};
    write_tar_zst("stdin-bad.tar.zst", bad, NW(bad));
    r = read_stdin("stdin-bad.tar.zst", NULL, NULL, 0);
    assert_int_equal(r.rc, AIOPS_EPARSE);
    assert_string_equal(r.err.file, "<stdin>:bad.tsv");
    assert_int_equal(r.err.line, 2);
}

static void test_directory_input(void **state)
{
    (void)state;
    assert_int_equal(mkdir(P("dir"), 0755), 0);
    write_file("dir/b.tsv", "2\tb\t2\n");
    write_file("dir/a.tsv", "2\ta\t2\n3\ta\t3\n");
    write_file("dir/.hidden.tsv", "1\thidden\t1\n");
    const char *paths[] = {P("dir")};
    /* Sorted entries: a.tsv before b.tsv, so a wins the tie at 2. */
    static const want w[] = {{"a", 2, 2}, {"b", 2, 2}, {"a", 3, 3}};
    run r = read_all(paths, 1, NULL, w, NW(w));
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 3);
    assert_int_equal(r.entries, 2);
}

static void test_max_open(void **state)
{
    (void)state;
    write_file("mo-1.tsv", "1\ta\t1\n");
    write_file("mo-2.tsv", "2\tb\t2\n");
    write_file("mo-3.tsv", "3\tc\t3\n");
    const char *paths[] = {P("mo-1.tsv"), P("mo-2.tsv"), P("mo-3.tsv")};
    aiops_reader_opts o = {0};
    o.max_open = 2;
    run r = read_all(paths, 3, &o, NULL, 0);
    assert_int_equal(r.rc, AIOPS_ELIMIT);
    assert_int_equal(r.err.code, AIOPS_ELIMIT);
    assert_non_null(strstr(r.err.msg, "more than 2 files or archive members overlap in time"));
    o.max_open = 3;
    static const want w[] = {{"a", 1, 1}, {"b", 2, 2}, {"c", 3, 3}};
    expect_ok(paths, 3, &o, w, NW(w));
}

static void test_missing_input(void **state)
{
    (void)state;
    const char *paths[] = {P("nowhere.tsv")};
    run r = read_all(paths, 1, NULL, NULL, 0);
    assert_int_equal(r.rc, AIOPS_EIO);
    assert_string_equal(r.err.file, P("nowhere.tsv"));
}

static void test_no_inputs(void **state)
{
    (void)state;
    run r = read_all(NULL, 0, NULL, NULL, 0);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 0);
    assert_int_equal(r.entries, 0);
}

static void test_many_records(void **state)
{
    (void)state;
    /* Two long files that alternate, each a bit out of order, longer than
     * the default window and the ring's first allocation. */
    size_t n = 20000, cap = n * 32, pa = 0, pb = 0;
    char *a = malloc(cap), *b = malloc(cap);
    assert_non_null(a);
    assert_non_null(b);
    for (size_t i = 0; i < n; i++) {
        /* a: even times, pairs swapped; b: odd times in order */
        size_t ta = 2 * (i ^ 1), tb = 2 * i + 1;
        pa += (size_t)snprintf(a + pa, cap - pa, "%zu\ta\t%zu\n", ta, ta);
        pb += (size_t)snprintf(b + pb, cap - pb, "%zu\tb\t%zu\n", tb, tb);
    }
    write_file("big-a.tsv", a);
    write_file("big-b.tsv", b);
    free(a);
    free(b);
    want *w = malloc(2 * n * sizeof *w);
    assert_non_null(w);
    for (size_t t = 0; t < 2 * n; t++)
        w[t] = (want){t % 2 ? "b" : "a", (double)t, (double)t};
    const char *paths[] = {P("big-a.tsv"), P("big-b.tsv")};
    expect_ok(paths, 2, NULL, w, 2 * n);
    aiops_reader_opts o = {0};
    o.reorder_window = 2;
    expect_ok(paths, 2, &o, w, 2 * n);
    free(w);
}

/* TSV series predicted from the order of the last scrape (fmt_stream.c):
 * hits, misses (a series that changes place, a new one), a line whose
 * series text starts like the predicted one, non-canonical text of a known
 * series, a time text that changes, and a bad value and a fourth field
 * after a predicted series still fail as before. */
static void test_tsv_prediction(void **state)
{
    (void)state;
    write_file("pred.tsv",
               "1\ta{x=\"1\",y=\"2\"}\t1\n1\tb\t2\n1\tc\t3\n"
               "2\ta{x=\"1\",y=\"2\"}\t4\n2\tb\t5\n2\tc\t6\n"
               "3\ta{x=\"1\",y=\"2\"}\t7\n3\tc\t8\n3\tb\t9\n"          /* b and c swap places */
               "4\ta{x=\"1\",y=\"2\"}\t10\n4\tc\t11\n4\tbb\t12\n"      /* bb: starts like b */
               "5\ta{x=\"1\",y=\"2\"}\t13\n5\ta{y=\"2\",x=\"1\"}\t14\n"          /* the same series, other text */
               "5.5\tc\t15\n6\td\t16\n6\tb\t17\n");
    const char *paths[] = {P("pred.tsv")};
    static const want w[] = {
        {"a{x=\"1\",y=\"2\"}", 1, 1}, {"b", 1, 2}, {"c", 1, 3},
        {"a{x=\"1\",y=\"2\"}", 2, 4}, {"b", 2, 5}, {"c", 2, 6},
        {"a{x=\"1\",y=\"2\"}", 3, 7}, {"c", 3, 8}, {"b", 3, 9},
        {"a{x=\"1\",y=\"2\"}", 4, 10}, {"c", 4, 11}, {"bb", 4, 12},
        {"a{x=\"1\",y=\"2\"}", 5, 13}, {"a{x=\"1\",y=\"2\"}", 5, 14},
        {"c", 5.5, 15}, {"d", 6, 16}, {"b", 6, 17},
    };
    aiops_reader_opts keep = {0};
    keep.keep_duplicates = 1;       /* a@5 twice: one series, two texts */
    expect_ok(paths, 1, &keep, w, NW(w));

    write_file("pred-bad.tsv", "1\ta\t1\n1\tb\t2\n2\ta\t3\n2\tb\tx\n");
    const char *bad[] = {P("pred-bad.tsv")};
    run r = read_all(bad, 1, NULL, w, 0);
    assert_int_equal(r.rc, AIOPS_EPARSE);
    assert_int_equal(r.err.line, 4);
    assert_non_null(strstr(r.err.msg, "expected a sample value, got 'x'"));

    write_file("pred-four.tsv", "1\ta\t1\n1\tb\t2\n2\ta\t3\n2\tb\t4\tz\n");
    const char *four[] = {P("pred-four.tsv")};
    r = read_all(four, 1, NULL, w, 0);
    assert_int_equal(r.rc, AIOPS_EPARSE);
    assert_int_equal(r.err.line, 4);
    assert_non_null(strstr(r.err.msg, "ts<TAB>series<TAB>value, got '2\tb\t4\tz'"));
}

/* NDJSON samples of series that come back in another order, with other
 * label order or spacing (the same series), a TSV line between them, and a
 * metric_type on a series already known (it still counts). */
static void test_ndjson_series_order(void **state)
{
    (void)state;
#define S(ts, name, labels, v) "{\"type\":\"sample\",\"ts\":" #ts ",\"name\":\"" name \
    "\",\"labels\":" labels ",\"value\":" #v "}\n"
    write_file("pred.ndjson",
               S(1, "a", "{\"x\":\"1\",\"y\":\"2\"}", 1) S(1, "b", "{}", 2) S(1, "c", "{}", 3)
               S(2, "a", "{\"x\":\"1\",\"y\":\"2\"}", 4) S(2, "b", "{}", 5) S(2, "c", "{}", 6)
               S(3, "a", "{\"y\":\"2\",\"x\":\"1\"}", 7) S(3, "c", "{}", 8) S(3, "b", "{}", 9)
               S(4, "a", "{\"x\":\"1\",\"y\":\"2\"}", 10) S(4, "c", "{}", 11)
               S(4, "b", "{ }", 12) S(5, "a", "{\"x\":\"1\",\"y\":\"2\"}", 13)
               S(5, "cc", "{}", 14) "6\tb\t15\n" S(6, "c", "{}", 16)
               "{\"type\":\"sample\",\"ts\":7,\"name\":\"b\",\"labels\":{},\"metric_type\":"
               "\"counter\",\"value\":17}\n");
#undef S
    const char *paths[] = {P("pred.ndjson")};
    static const want w[] = {
        {"a{x=\"1\",y=\"2\"}", 1, 1}, {"b", 1, 2}, {"c", 1, 3},
        {"a{x=\"1\",y=\"2\"}", 2, 4}, {"b", 2, 5}, {"c", 2, 6},
        {"a{x=\"1\",y=\"2\"}", 3, 7}, {"c", 3, 8}, {"b", 3, 9},
        {"a{x=\"1\",y=\"2\"}", 4, 10}, {"c", 4, 11}, {"b", 4, 12},
        {"a{x=\"1\",y=\"2\"}", 5, 13}, {"cc", 5, 14}, {"b", 6, 15}, {"c", 6, 16},
        {"b", 7, 17},
    };
    aiops_series_table *tab = aiops_series_table_new();
    aiops_reader *rd = NULL;
    aiops_err err;
    assert_int_equal(aiops_reader_new(&rd, paths, 1, tab, NULL, &err), 0);
    for (size_t i = 0; i < NW(w); i++) {
        aiops_record rec = {0};
        assert_int_equal(aiops_reader_next(rd, &rec, &err), 1);
        assert_int_equal(rec.type, AIOPS_R_SAMPLE);
        assert_string_equal(aiops_series_get(tab, rec.sid)->text, w[i].series);
        assert_true(rec.ts == w[i].ts && rec.value == w[i].value);
    }
    aiops_record rec = {0};
    assert_int_equal(aiops_reader_next(rd, &rec, &err), 0);
    assert_int_equal(aiops_series_table_count(tab), 4);
    uint32_t b;
    assert_int_equal(aiops_series_intern_text(tab, "b", 1, &b, &err), 0);
    assert_int_equal(aiops_series_get(tab, b)->type, AIOPS_MTYPE_COUNTER);
    aiops_reader_free(rd);
    aiops_series_table_free(tab);
}

/* raw_text: a log record comes out carrying its JSON text (obj a JSON
 * string), the same members the default mode gives as a tree. */
static void test_raw_text(void **state)
{
    (void)state;
    write_file("raw.jsonl",
               "{\"labels\":{\"service\":\"api\"},\"line\":\"level=error boom\","
               "\"timestamp\":\"2024-01-01T00:00:02Z\"}\n"
               "{\"labels\":{\"service\":\"db\"},\"line\":\"ok\","
               "\"timestamp\":\"2024-01-01T00:00:01Z\"}\n");
    const char *paths[] = {P("raw.jsonl")};
    char *got[2][2];
    for (int raw = 0; raw < 2; raw++) {
        aiops_reader_opts o = {0};
        o.raw_text = raw;
        aiops_series_table *tab = aiops_series_table_new();
        aiops_reader *rd = NULL;
        aiops_err err;
        assert_int_equal(aiops_reader_new(&rd, paths, 1, tab, &o, &err), 0);
        for (int k = 0; k < 2; k++) {
            aiops_record rec = {0};
            assert_int_equal(aiops_reader_next(rd, &rec, &err), 1);
            assert_int_equal(rec.type, AIOPS_R_LOG);
            assert_true(rec.ts == 1704067201.0 + k);
            assert_true(raw ? json_is_string(rec.obj) : json_is_object(rec.obj));
            json_t *o2 = aiops_record_json(&rec, &err);
            assert_true(json_is_object(o2));
            got[raw][k] = json_dumps(o2, JSON_COMPACT);
            aiops_record_clear(&rec);
        }
        aiops_record rec = {0};
        assert_int_equal(aiops_reader_next(rd, &rec, &err), 0);
        aiops_reader_free(rd);
        aiops_series_table_free(tab);
    }
    assert_string_equal(got[0][0], "{\"service\":\"db\",\"message\":\"ok\",\"labels\":{\"service\":\"db\"}}");
    assert_string_equal(got[1][0], got[0][0]);
    assert_string_equal(got[1][1], got[0][1]);
    assert_non_null(strstr(got[0][1], "\"level\":\"error\""));
    for (int i = 0; i < 4; i++)
        free(got[i / 2][i % 2]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_interleaved),
        cmocka_unit_test(test_raw_text),
        cmocka_unit_test(test_ties_keep_input_order),
        cmocka_unit_test(test_ties_many_files),
        cmocka_unit_test(test_reorder_within_window),
        cmocka_unit_test(test_beyond_window),
        cmocka_unit_test(test_parse_error_propagates),
        cmocka_unit_test(test_series_ordered_sorted),
        cmocka_unit_test(test_max_buffer),
        cmocka_unit_test(test_allowed_formats),
        cmocka_unit_test(test_force_format),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_undetectable),
        cmocka_unit_test(test_undetectable_in_directory),
        cmocka_unit_test(test_duplicates_dropped),
        cmocka_unit_test(test_tar_zst_members_overlap),
        cmocka_unit_test(test_tar_zst_handle_handed_on),
        cmocka_unit_test(test_member_error_names_member),
        cmocka_unit_test(test_stdin),
        cmocka_unit_test(test_where),
        cmocka_unit_test(test_directory_input),
        cmocka_unit_test(test_max_open),
        cmocka_unit_test(test_spilled_runs),
        cmocka_unit_test(test_missing_input),
        cmocka_unit_test(test_no_inputs),
        cmocka_unit_test(test_many_records),
        cmocka_unit_test(test_tsv_prediction),
        cmocka_unit_test(test_ndjson_series_order),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
