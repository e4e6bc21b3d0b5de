/* raw_tree.h - the check the JSON trace and event readers' tests share:
 * an input's records (as the writer prints them) and errors, read with raw
 * text (the token fast paths) or as trees, must be the same.  lines: the
 * entry is JSON lines, so a bad line is stepped over (as --skip-bad does);
 * otherwise reading goes on only where the reader says it can resume. */
#ifndef AIOPS_TEST_RAW_TREE_H
#define AIOPS_TEST_RAW_TREE_H

#include "aiops_format.h"
#include "common/buf.h"
#include "rectest.h"

static inline void rt_read_all(const aiops_format *f, const char *name, const char *text, size_t len, int raw,
                               size_t max_doc, int lines, aiops_buf *out)
{
    aiops_stream *st = aiops_stream_new_mem(name, text, len, 0, max_doc);
    aiops_series_table *tab = aiops_series_table_new();
    aiops_parse_ctx ctx = {.stream = st, .series = tab, .raw_text = raw};
    aiops_err err = {0};
    void *state = NULL;
    int rc = f->open(&state, &ctx, &err);
    out->n = 0;
    aiops_buf_put(out, "", 0);
    for (int i = 0; rc == 0 && i < 1000; i++) {
        aiops_record r = {0};
        ctx.resumable = 0;
        int got = f->next(state, &ctx, &r, &err);
        if (got == 0)
            break;
        if (got < 0) {
            aiops_buf_printf(out, "ERR %d %ld: %s\n", got, err.line, err.msg);
            if (!lines && !ctx.resumable)
                break;
            continue;
        }
        json_t *o = aiops_record_json(&r, NULL);   /* the record's own */
        aiops_buf_printf(out, "%d %.17g ", (int)r.type, r.ts);
        aiops_buf_json(out, o);
        aiops_buf_put(out, "\n", 1);
        aiops_record_clear(&r);
    }
    if (rc < 0)
        aiops_buf_printf(out, "OPEN %d %ld: %s\n", rc, err.line, err.msg);
    if (state)
        f->close(state);
    aiops_series_table_free(tab);
    aiops_stream_free(st);
}

/* The same records and errors both ways; tree gets them. */
static inline void rt_same_both_ways(const aiops_format *f, const char *text, size_t max_doc, aiops_buf *tree)
{
    aiops_buf raw = {0};
    rt_read_all(f, "t.json", text, strlen(text), 0, max_doc, 0, tree);
    rt_read_all(f, "t.json", text, strlen(text), 1, max_doc, 0, &raw);
    if (strcmp(tree->p, raw.p) != 0)
        print_error("input %s\ntree:\n%s\nraw:\n%s\n", text, tree->p, raw.p);
    assert_string_equal(tree->p, raw.p);
    aiops_buf_free(&raw);
}

/* The same records and errors both ways for each of n JSON-lines inputs
 * (a bad line stepped over). */
static inline void rt_same_lines(const aiops_format *f, const char *const *docs, size_t n)
{
    aiops_buf tree = {0}, raw = {0};
    for (size_t i = 0; i < n; i++) {
        rt_read_all(f, "t.jsonl", docs[i], strlen(docs[i]), 0, 1 << 20, 1, &tree);
        rt_read_all(f, "t.jsonl", docs[i], strlen(docs[i]), 1, 1 << 20, 1, &raw);
        if (strcmp(tree.p, raw.p) != 0)
            print_error("input %zu: %s\ntree:\n%s\nraw:\n%s\n", i, docs[i], tree.p, raw.p);
        assert_string_equal(tree.p, raw.p);
    }
    aiops_buf_free(&tree);
    aiops_buf_free(&raw);
}

/* A fixture file's text (malloc'd, at most 1 MiB), or fails the test. */
static inline char *rt_fixture(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *s = malloc(1 << 20);
    assert_non_null(s);
    size_t n = fread(s, 1, (1 << 20) - 1, f);
    fclose(f);
    s[n] = '\0';
    return s;
}

/* Lines in s. */
static inline size_t rt_count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

#endif
