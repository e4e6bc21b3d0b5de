/* testutil.h - helpers shared by the cmocka unit tests. */
#ifndef AIOPS_TESTUTIL_H
#define AIOPS_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aiops_format.h"

/* Parse text with fmt into at most max samples.  Returns the count, or the
 * negative error code (err filled). */
static inline int tu_parse(const aiops_format *fmt, const char *name, const char *text,
                           aiops_series_table *tab, aiops_record *out, int max, aiops_err *err)
{
    aiops_stream *st = aiops_stream_new_mem(name, text, strlen(text), 0, 0);
    aiops_parse_ctx ctx = {.stream = st, .series = tab};
    void *state = NULL;
    int rc = fmt->open(&state, &ctx, err), n = 0;
    while (!rc) {
        aiops_record r = {0};
        int got = fmt->next(state, &ctx, &r, err);
        if (got < 0) {
            rc = got;
            break;
        }
        if (got == 0)
            break;
        if (n < max)
            out[n++] = r;
        else
            aiops_record_clear(&r);
    }
    if (state)
        fmt->close(state);
    aiops_stream_free(st);
    return rc ? rc : n;
}

#define tu_series(tab, r) (aiops_series_get((tab), (r).sid)->text)

/* ---- temporary directories for the tests that need real files */

/* Create a fresh directory /tmp/aiops-test-TAG-XXXXXX and put its path in
 * dir; 0 or -1, so a cmocka group setup can return it directly. */
static inline int tu_mkdtemp(char *dir, size_t n, const char *tag)
{
    snprintf(dir, n, "/tmp/aiops-test-%s-XXXXXX", tag);
    return mkdtemp(dir) ? 0 : -1;
}

/* Remove a tree.  The tests only ever create regular files and
 * directories, so anything else is simply unlinked. */
static inline void tu_rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(path);
        return;
    }
    DIR *d = opendir(path);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d))) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            char sub[1024];
            snprintf(sub, sizeof sub, "%s/%s", path, de->d_name);
            tu_rm_rf(sub);
        }
        closedir(d);
    }
    rmdir(path);
}

/* Write len bytes of data to path; any short write fails the test, so a
 * later read error can never come from a half-written fixture. */
static inline void tu_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

#endif
