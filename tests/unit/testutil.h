/* testutil.h - helpers shared by the cmocka unit tests. */
#ifndef AIOPS_TESTUTIL_H
#define AIOPS_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aiops.h"

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

#endif
