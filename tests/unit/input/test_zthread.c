/* test_zthread.c - zstd files decompressed on a thread (input/zthread.c):
 * the bytes libarchive reads are the file's, across many chunks and
 * several frames; a truncated or corrupt file fails with libarchive's
 * words; plain files still open. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>
#include <zstd.h>

#include "input/input.h"

static char g_dir[] = "/tmp/aiops-zt-XXXXXX";

static int setup(void **state)
{
    (void)state;
    return mkdtemp(g_dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Write data as nframes zstd frames (cut at most max bytes of output). */
static const char *write_zst(const char *name, const char *data, size_t n, int nframes,
                             size_t max)
{
    static char path[400];
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    size_t per = n / (size_t)nframes + 1, written = 0;
    for (size_t off = 0; off < n; off += per) {
        size_t k = n - off < per ? n - off : per;
        size_t cap = ZSTD_compressBound(k);
        char *z = malloc(cap);
        assert_non_null(z);
        size_t zn = ZSTD_compress(z, cap, data + off, k, 1);
        assert_false(ZSTD_isError(zn));
        if (written + zn > max)
            zn = max - written;
        assert_int_equal(fwrite(z, 1, zn, f), zn);
        written += zn;
        free(z);
    }
    fclose(f);
    return path;
}

/* All the bytes of the one (raw) member: its length, or -1 on an error
 * (the message in msg). */
static long read_all(const char *path, char *out, size_t cap, char *msg, size_t msgn)
{
    struct archive *a = aiops_archive_reader();
    struct archive_entry *ae;
    long total = -1;
    msg[0] = 0;
    assert_non_null(a);
    if (aiops_archive_open(a, path) == ARCHIVE_OK && archive_read_next_header(a, &ae) == ARCHIVE_OK) {
        la_ssize_t r;
        total = 0;
        while ((r = archive_read_data(a, out + total, cap - (size_t)total)) > 0)
            total += r;
        if (r < 0)
            total = -1;
    }
    if (total < 0)
        snprintf(msg, msgn, "%s", archive_error_string(a) ? archive_error_string(a) : "?");
    archive_read_free(a);
    return total;
}

static void test_many_chunks_and_frames(void **state)
{
    (void)state;
    size_t n = (size_t)9 << 20;          /* more than the ring of 4 MiB */
    char *data = malloc(n), *got = malloc(n + 1);
    char msg[300];
    assert_non_null(data);
    assert_non_null(got);
    uint32_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        data[i] = (char)('a' + (x >> 16) % 7);
    }
    const char *p = write_zst("one.log.zst", data, n, 1, SIZE_MAX);
    assert_int_equal(read_all(p, got, n + 1, msg, sizeof msg), (long)n);
    assert_memory_equal(got, data, n);
    p = write_zst("three.log.zst", data, n, 3, SIZE_MAX);
    memset(got, 0, n);
    assert_int_equal(read_all(p, got, n + 1, msg, sizeof msg), (long)n);
    assert_memory_equal(got, data, n);
    /* cut inside the last frame */
    p = write_zst("cut.log.zst", data, n, 3, 100000);
    assert_int_equal(read_all(p, got, n + 1, msg, sizeof msg), -1);
    assert_string_equal(msg, "Truncated zstd input");
    free(data);
    free(got);
}

/* Closed after one read, with the thread waiting for room in the ring:
 * the thread stops and the close returns. */
static void test_close_early(void **state)
{
    (void)state;
    size_t n = (size_t)12 << 20;
    char *data = malloc(n), buf[4096];
    assert_non_null(data);
    memset(data, 'x', n);    /* (zeros would read as an empty tar archive) */
    const char *p = write_zst("xs.zst", data, n, 1, SIZE_MAX);
    struct archive *a = aiops_archive_reader();
    struct archive_entry *ae;
    assert_int_equal(aiops_archive_open(a, p), ARCHIVE_OK);
    assert_int_equal(archive_read_next_header(a, &ae), ARCHIVE_OK);
    assert_int_equal(archive_read_data(a, buf, sizeof buf), (la_ssize_t)sizeof buf);
    struct timespec pause = {0, 100000000};
    nanosleep(&pause, NULL); /* let the thread fill the ring and wait */
    assert_int_equal(archive_read_free(a), ARCHIVE_OK);
    free(data);
}

static void test_corrupt_and_plain(void **state)
{
    (void)state;
    char path[400], got[64], msg[300];
    snprintf(path, sizeof path, "%s/bad.zst", g_dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs("\x28\xb5\x2f\xfdgarbage", f);
    fclose(f);
    assert_int_equal(read_all(path, got, sizeof got, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "Zstd decompression failed: "));
    snprintf(path, sizeof path, "%s/plain.gz", g_dir);
    f = fopen(path, "wb");
    assert_non_null(f);
    fputs("not compressed at all", f);      /* raw format over a plain file */
    fclose(f);
    assert_int_equal(read_all(path, got, sizeof got, msg, sizeof msg), 21);
    assert_memory_equal(got, "not compressed at all", 21);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_many_chunks_and_frames),
        cmocka_unit_test(test_close_early),
        cmocka_unit_test(test_corrupt_and_plain),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
