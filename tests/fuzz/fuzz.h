/* fuzz.h - what the libFuzzer harnesses of tests/fuzz/ share: splitting
 * one input into parts, NUL-terminated copies, a scratch file for the
 * library functions that take a path, and the record stream (our NDJSON,
 * read by the "stream" format as the tools' reader does) fed to a
 * callback.  Header-only: each harness is one file plus this. */
#ifndef AIOPS_FUZZ_H
#define AIOPS_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aiops.h"
#include "aiops_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Records taken from one input at most: keeps every run short. */
#define FUZZ_MAX_RECORDS 20000

/* Part i (0-based) of [s, s+n) split at lines "%%": *len its length.  A
 * missing part is empty (never NULL). */
static inline const char *fuzz_part(const char *s, size_t n, int i, size_t *len)
{
    const char *p = s, *end = s + n;
    for (; i > 0; i--) {
        const char *q = p;
        for (;;) {
            q = memchr(q, '%', (size_t)(end - q));
            if (!q) {
                *len = 0;
                return end;
            }
            if ((q == s || q[-1] == '\n') && end - q >= 3 && q[1] == '%' && q[2] == '\n')
                break;
            q++;
        }
        p = q + 3;
    }
    const char *q = p;
    for (;;) {
        q = memchr(q, '%', (size_t)(end - q));
        if (!q || ((q == s || q[-1] == '\n') && end - q >= 3 && q[1] == '%' && q[2] == '\n'))
            break;
        q++;
    }
    *len = (size_t)((q ? q : end) - p);
    return p;
}

/* NUL-terminated copy (caller frees), or NULL (out of memory). */
static inline char *fuzz_str(const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (c) {
        memcpy(c, s, n);
        c[n] = 0;
    }
    return c;
}

/* [s, s+n) written to a scratch file named after tag and this process;
 * its path (static storage), or NULL when it cannot be written. */
static inline const char *fuzz_file(const char *tag, const char *s, size_t n)
{
    static char path[8][256];
    static int k;
    const char *dir = getenv("TMPDIR");
    char *p = path[k++ % 8];
    snprintf(p, sizeof path[0], "%s/aiops-fuzz-%ld-%s", dir && *dir ? dir : "/tmp", (long)getpid(), tag);
    FILE *f = fopen(p, "wb");
    if (!f)
        return NULL;
    int bad = fwrite(s, 1, n, f) != n;
    bad |= fclose(f) != 0;
    return bad ? NULL : p;
}

typedef int (*fuzz_each_fn)(void *ctx, aiops_record *r, aiops_err *err);

/* The records of [s, s+n) (the stream format) to each, in order, until an
 * error (of the reader or of each) or FUZZ_MAX_RECORDS; each record is
 * cleared after the call.  Returns 0 or the first error. */
static inline int fuzz_records(const char *s, size_t n, aiops_series_table *tab, fuzz_each_fn each,
                               void *ctx, aiops_err *err)
{
    const aiops_format *f = aiops_format_find("stream");
    aiops_stream *st = aiops_stream_new_mem("fuzz.ndjson", s, n, 65536, 1 << 20);
    if (!f || !st) {
        aiops_stream_free(st);
        return AIOPS_ENOMEM;
    }
    aiops_stream_set_mtime(st, 1700000000);
    aiops_parse_ctx pc = {.stream = st, .series = tab};
    void *state = NULL;
    int rc = f->open(&state, &pc, err);
    for (int i = 0; rc == 0 && i < FUZZ_MAX_RECORDS; i++) {
        aiops_record r;
        memset(&r, 0, sizeof r);
        int got = f->next(state, &pc, &r, err);
        if (got != 1) {
            rc = got < 0 ? got : 0;
            aiops_record_clear(&r);
            break;
        }
        rc = each(ctx, &r, err);
        aiops_record_clear(&r);
        rc = rc < 0 ? rc : 0;
    }
    if (state)
        f->close(state);
    aiops_stream_free(st);
    return rc;
}

/* The first byte of an input as option bits (0 for an empty input);
 * advances past it. */
static inline unsigned fuzz_flags(const uint8_t **data, size_t *size)
{
    if (!*size)
        return 0;
    unsigned f = (*data)[0];
    (*data)++;
    (*size)--;
    return f;
}

#endif
