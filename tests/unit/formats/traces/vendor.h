/* vendor.h - the trace readers' tests of documents written after the
 * vendors' own specifications and examples (tests/unit/formats/traces/
 * vendor/: OTLP/JSON, Jaeger query API, Zipkin v2): read a file whole,
 * count the records read. */
#ifndef AIOPS_TEST_TRACES_VENDOR_H
#define AIOPS_TEST_TRACES_VENDOR_H

#include <stdio.h>
#include <string.h>

#include "common/buf.h"

#define VENDOR_DIR "tests/unit/formats/traces/vendor/"

/* The file's text (malloc'd; the tests run from the repository root). */
static inline char *vendor_text(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, VENDOR_DIR "%s", name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    aiops_buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        aiops_buf_put(&b, chunk, n);
    fclose(f);
    assert_false(b.oom);
    return b.p;
}

/* Lines of s (records and errors, one a line). */
static inline size_t vendor_lines(const char *s)
{
    size_t n = 0;
    for (; (s = strchr(s, '\n')) != NULL; s++)
        n++;
    return n;
}

#endif
