/* tabletest.h - what the tests of the table formats (clickhouse, table)
 * share: parsing with a --map, and an error expected from it. */
#ifndef AIOPS_TABLETEST_H
#define AIOPS_TABLETEST_H

#include "rectest.h"

static inline void tt_parse_map(const aiops_format *f, const char *name, const char *text,
                                const char *map, rt_run *r)
{
    rt_opts o = {.column_map = map};
    rt_parse_opts(f, name, text, strlen(text), &o, r);
}

/* Parsing text as name with map fails with code at line, a message
 * containing frag. */
static inline void tt_map_err(const aiops_format *f, const char *name, const char *text,
                              const char *map, int code, long line, const char *frag)
{
    rt_run r;
    tt_parse_map(f, name, text, map, &r);
    if (r.rc != code || r.err.line != line || !strstr(r.err.msg, frag))
        print_error("got rc %d line %ld '%s'\n", r.rc, r.err.line, r.err.msg);
    assert_int_equal(r.rc, code);
    assert_int_equal(r.err.line, line);
    assert_non_null(strstr(r.err.msg, frag));
    rt_free(&r);
}

#endif
