/* rectest.h - test helpers for formats that produce records of any type:
 * parse a text with a format and render every record as one line of text
 * ("alert 1700000000 {...}", "sample 1700000000 up{job=\"a\"} 1"), so a
 * test can compare the exact fields, their order and their values. */
#ifndef AIOPS_RECTEST_H
#define AIOPS_RECTEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aiops_format.h"

#define RT_MAX 64

typedef struct rt_run {
    int rc;                  /* 0, or the error code */
    aiops_err err;
    size_t n;                /* records (all rendered, at most RT_MAX kept) */
    char *line[RT_MAX];
} rt_run;

typedef struct rt_opts {
    const char *service;
    const char *column_map;
    double mtime;
    size_t max_line;
} rt_opts;

/* One record as text: type, ts (%.17g), then the series and value for a
 * sample, then the compact JSON of obj (if any). */
static inline char *rt_render(aiops_series_table *tab, const aiops_record *r)
{
    char *js = r->obj ? json_dumps(r->obj, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
    const char *series = r->type == AIOPS_R_SAMPLE ? aiops_series_get(tab, r->sid)->text : "";
    size_t n = strlen(series) + (js ? strlen(js) : 0) + 128;
    char *out = malloc(n);
    assert_non_null(out);
    if (r->type == AIOPS_R_SAMPLE)
        snprintf(out, n, "sample %.17g %s %.17g%s%s", r->ts, series, r->value, js ? " " : "",
                 js ? js : "");
    else
        snprintf(out, n, "%s %.17g %s", aiops_rtype_name(r->type), r->ts, js ? js : "null");
    free(js);
    return out;
}

static inline void rt_parse_opts(const aiops_format *f, const char *name, const char *text,
                                 size_t len, const rt_opts *o, rt_run *r)
{
    aiops_stream *st = aiops_stream_new_mem(name, text, len, o ? o->max_line : 0, 0);
    aiops_series_table *tab = aiops_series_table_new();
    aiops_parse_ctx ctx = {.stream = st, .series = tab, .service = o ? o->service : NULL,
                           .column_map = o ? o->column_map : NULL};
    void *state = NULL;
    assert_non_null(st);
    assert_non_null(tab);
    if (o && o->mtime)
        aiops_stream_set_mtime(st, o->mtime);
    memset(r, 0, sizeof *r);
    r->rc = f->open(&state, &ctx, &r->err);
    while (r->rc == 0) {
        aiops_record rec = {0};
        int got = f->next(state, &ctx, &rec, &r->err);
        if (got <= 0) {
            r->rc = got;
            break;
        }
        if (r->n < RT_MAX)
            r->line[r->n] = rt_render(tab, &rec);
        r->n++;
        aiops_record_clear(&rec);
    }
    if (state)
        f->close(state);
    aiops_series_table_free(tab);
    aiops_stream_free(st);
}

static inline void rt_parse(const aiops_format *f, const char *name, const char *text, rt_run *r)
{
    rt_parse_opts(f, name, text, strlen(text), NULL, r);
}

static inline void rt_free(rt_run *r)
{
    for (size_t i = 0; i < r->n && i < RT_MAX; i++)
        free(r->line[i]);
    r->n = 0;
}

/* Every record equals want[i], and there are exactly nwant. */
static inline void rt_expect(rt_run *r, const char *const *want, size_t nwant)
{
    if (r->rc != 0)
        print_error("unexpected error %d at %s:%ld: %s\n", r->rc, r->err.file, r->err.line,
                    r->err.msg);
    assert_int_equal(r->rc, 0);
    for (size_t i = 0; i < r->n && i < RT_MAX; i++) {
        if (i >= nwant || strcmp(r->line[i], want[i]))
            print_error("record %zu:\n  got  %s\n  want %s\n", i, r->line[i],
                        i < nwant ? want[i] : "(none)");
        assert_true(i < nwant);
        assert_string_equal(r->line[i], want[i]);
    }
    assert_int_equal(r->n, nwant);
}

/* Parsing fails with code at file:line and a message containing frag. */
static inline void rt_expect_err(const aiops_format *f, const char *name, const char *text,
                                 size_t len, int code, long line, const char *frag)
{
    rt_run r;
    rt_parse_opts(f, name, text, len, NULL, &r);
    if (r.rc != code || r.err.line != line || !strstr(r.err.msg, frag))
        print_error("got rc %d at %s:%ld: '%s'\n  want rc %d line %ld msg with '%s'\n", r.rc,
                    r.err.file, r.err.line, r.err.msg, code, line, frag);
    assert_int_equal(r.rc, code);
    assert_string_equal(r.err.file, name);
    assert_int_equal(r.err.line, line);
    assert_non_null(strstr(r.err.msg, frag));
    rt_free(&r);
}

#define RT_EXPECT(r, ...)                                                     \
    do {                                                                      \
        static const char *const want_[] = {__VA_ARGS__};                     \
        rt_expect((r), want_, sizeof want_ / sizeof want_[0]);                \
    } while (0)

#define RT_EXPECT_NONE(r) rt_expect((r), NULL, 0)

#define RT_ERR(f, name, text, code, line, frag) \
    rt_expect_err((f), (name), (text), strlen(text), (code), (line), (frag))

#endif
