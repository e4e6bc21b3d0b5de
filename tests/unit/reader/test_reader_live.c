/* test_reader_live.c - live input in libcore/reader.c and input/stream.c
 * (docs/SCALE.md): a pipe on stdin hands records on before it ends, puts
 * records that arrive within the delay in time order, skips and counts a
 * later one with skip_bad; a followed file is read on as it grows; the
 * stream's readiness; --follow takes one plain input. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "aiops.h"
#include "input/input.h"
#include "testutil.h"

static char g_dir[256];

static int group_setup(void **state)
{
    (void)state;
    alarm(60);                   /* a reader that waits for ever fails the test */
    return tu_mkdtemp(g_dir, sizeof g_dir, "live");
}

static int group_teardown(void **state)
{
    (void)state;
    tu_rm_rf(g_dir);
    return 0;
}

static double mono(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void put(int fd, const char *s)
{
    assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
}

#define LINE(ts, v) "{\"type\":\"sample\",\"ts\":" #ts ",\"name\":\"x\",\"value\":" #v "}\n"

/* A pipe on fd 0; returns its write end, the saved stdin in *saved. */
static int pipe_stdin(int *saved)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    *saved = dup(0);
    assert_true(*saved >= 0);
    assert_int_equal(dup2(p[0], 0), 0);
    close(p[0]);
    return p[1];
}

static void restore_stdin(int saved)
{
    dup2(saved, 0);
    close(saved);
}

static void test_pipe_hands_on_before_eof(void **state)
{
    (void)state;
    int saved, w = pipe_stdin(&saved);
    /* 200 before 100 in one write: reordered within the delay */
    put(w, LINE(200, 2) LINE(100, 1));
    aiops_series_table *tab = aiops_series_table_new();
    aiops_reader *rd = NULL;
    aiops_err err = {0};
    const char *paths[] = {"-"};
    aiops_reader_opts o = {.follow = 0.05, .skip_bad = 1};
    assert_int_equal(aiops_reader_new(&rd, paths, 1, tab, &o, &err), 0);
    aiops_record r;
    double t0 = mono();
    assert_int_equal(aiops_reader_next(rd, &r, &err), 1);
    assert_true(r.ts == 100 && r.value == 1);
    aiops_record_clear(&r);
    assert_int_equal(aiops_reader_next(rd, &r, &err), 1);    /* the pipe is still open */
    assert_true(r.ts == 200 && r.value == 2);
    aiops_record_clear(&r);
    double took = mono() - t0;
    assert_true(took >= 0.04 && took < 2);   /* held about the delay, not to the end */
    /* older than what was written: skipped and counted (skip_bad) */
    put(w, LINE(150, 9) LINE(300, 3));
    close(w);
    assert_int_equal(aiops_reader_next(rd, &r, &err), 1);
    assert_true(r.ts == 300 && r.value == 3);
    aiops_record_clear(&r);
    assert_int_equal(aiops_reader_next(rd, &r, &err), 0);
    const aiops_err *first = NULL;
    assert_int_equal(aiops_reader_skipped(rd, &first), 1);
    assert_int_equal(first->code, AIOPS_EORDER);
    assert_non_null(strstr(first->msg, "--follow-delay"));
    aiops_reader_free(rd);
    aiops_series_table_free(tab);
    restore_stdin(saved);
}

static void test_pipe_late_record_is_an_error(void **state)
{
    (void)state;
    int saved, w = pipe_stdin(&saved);
    put(w, LINE(200, 2));
    aiops_series_table *tab = aiops_series_table_new();
    aiops_reader *rd = NULL;
    aiops_err err = {0};
    const char *paths[] = {"-"};
    aiops_reader_opts o = {.follow = 0.02};
    assert_int_equal(aiops_reader_new(&rd, paths, 1, tab, &o, &err), 0);
    aiops_record r;
    assert_int_equal(aiops_reader_next(rd, &r, &err), 1);
    aiops_record_clear(&r);
    put(w, LINE(100, 1));
    close(w);
    assert_int_equal(aiops_reader_next(rd, &r, &err), AIOPS_EORDER);
    assert_string_equal(err.file, "<stdin>");
    assert_int_equal(err.line, 2);
    aiops_reader_free(rd);
    aiops_series_table_free(tab);
    restore_stdin(saved);
}

static void test_follow_file_grows(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/grow.ndjson", g_dir);
    tu_write_file(path, LINE(100, 1), strlen(LINE(100, 1)));
    aiops_series_table *tab = aiops_series_table_new();
    aiops_reader *rd = NULL;
    aiops_err err = {0};
    const char *paths[] = {path};
    aiops_reader_opts o = {.follow = 0.02};
    assert_int_equal(aiops_reader_new(&rd, paths, 1, tab, &o, &err), 0);
    aiops_record r;
    assert_int_equal(aiops_reader_next(rd, &r, &err), 1);
    assert_true(r.ts == 100);
    aiops_record_clear(&r);
    int fd = open(path, O_WRONLY | O_APPEND);
    assert_true(fd >= 0);
    put(fd, LINE(200, 2));
    close(fd);
    assert_int_equal(aiops_reader_next(rd, &r, &err), 1);   /* read on past the old end */
    assert_true(r.ts == 200 && r.value == 2);
    aiops_record_clear(&r);
    aiops_reader_free(rd);
    aiops_series_table_free(tab);
}

static void test_stream_ready(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/ready.txt", g_dir);
    tu_write_file(path, "a\n", 2);
    aiops_entry e = {.kind = AIOPS_ENTRY_FILE, .path = path};
    aiops_stream *st = NULL;
    aiops_err err = {0};
    assert_int_equal(aiops_stream_open_entry(&e, 0, 0, &st, &err), 0);
    assert_int_equal(aiops_stream_live(st), 0);
    assert_int_equal(aiops_stream_ready(st, 0), 1);      /* not live: always ready */
    aiops_stream_follow(st);
    assert_int_equal(aiops_stream_live(st), 1);
    char *l;
    size_t n;
    assert_int_equal(aiops_stream_ready(st, 0), 1);      /* "a" is there */
    assert_int_equal(aiops_stream_getline(st, &l, &n, &err), 1);
    assert_string_equal(l, "a");
    double t0 = mono();
    assert_int_equal(aiops_stream_ready(st, 30), 0);     /* nothing more within 30 ms */
    assert_true(mono() - t0 >= 0.025);
    int fd = open(path, O_WRONLY | O_APPEND);
    put(fd, "b\n");
    close(fd);
    assert_int_equal(aiops_stream_ready(st, 0), 1);
    assert_int_equal(aiops_stream_getline(st, &l, &n, &err), 1);
    assert_string_equal(l, "b");
    aiops_stream_free(st);
}

static void test_follow_takes_one_plain_input(void **state)
{
    (void)state;
    char a[512], gz[512];
    snprintf(a, sizeof a, "%s/one.ndjson", g_dir);
    snprintf(gz, sizeof gz, "%s/one.ndjson.gz", g_dir);
    tu_write_file(a, LINE(100, 1), strlen(LINE(100, 1)));
    /* "x\n" gzipped: a compressed file is read through libarchive */
    static const unsigned char gzdata[] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xab, 0xe0, 2, 0,
                                           0x1f, 8, 0xea, 0x46, 2, 0, 0, 0};
    tu_write_file(gz, gzdata, sizeof gzdata);
    aiops_series_table *tab = aiops_series_table_new();
    aiops_reader *rd = NULL;
    aiops_err err = {0};
    aiops_reader_opts o = {.follow = 0.1};
    const char *two[] = {a, a};
    assert_int_equal(aiops_reader_new(&rd, two, 2, tab, &o, &err), AIOPS_EINVAL);
    assert_non_null(strstr(err.msg, "--follow reads one input"));
    assert_null(rd);
    aiops_err_clear(&err);
    const char *one[] = {gz};
    o.force_format = "stream";
    assert_int_equal(aiops_reader_new(&rd, one, 1, tab, &o, &err), AIOPS_EINVAL);
    assert_non_null(strstr(err.msg, "cannot follow an archive"));
    aiops_series_table_free(tab);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pipe_hands_on_before_eof),
        cmocka_unit_test(test_pipe_late_record_is_an_error),
        cmocka_unit_test(test_follow_file_grows),
        cmocka_unit_test(test_stream_ready),
        cmocka_unit_test(test_follow_takes_one_plain_input),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
