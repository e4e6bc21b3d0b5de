/* fmt_fluentbit.c - log records as Fluent Bit / Fluentd write them, one
 * line at a time:
 *   [1704164645.25, {"log":"...","kubernetes":{...}}]    msgpack-as-JSON,
 *   [[1704164645, 250000000], {...}]                     ts as [sec, nsec],
 *   [[1704164645.25, {"meta":..}], {...}]                2.x event groups,
 *   [{"date":1704164645.25,"log":"..."}, ...]            format json,
 *   {"date":1704164645.25,"log":"..."}                   format json_lines
 *                                  (time key date, @timestamp, time or
 *                                   timestamp; Docker's json-file logs too),
 *   2024-01-02T03:04:05+00:00<TAB>tag<TAB>{...}         Fluentd out_file.
 *
 * Each record becomes a log record through aiops_obs_object_log (message
 * from log/message/msg, level, service by attribution over the flattened
 * record incl. kubernetes.labels.*, the rest as labels; the Fluentd tag
 * and event-group metadata are labels too).  Shippers write records as
 * they read them, so `ordered = 1`: the reorder window absorbs the
 * interleaving of several inputs. */
#include <stdlib.h>
#include <string.h>

#include "formats/obs.h"

typedef struct fb_state {
    aiops_obs_doc doc;       /* line mode: parsing and UTF-8 repair */
    aiops_obs_queue q;       /* records of the current line */
    aiops_jpull *fast;       /* raw-text reads: the fast path's tokenizer */
    aiops_jpull_mem line;
    aiops_obs_flat flat;
} fb_state;

static const char *const msg_keys[] = { "log", "message", "msg", "MESSAGE", NULL };
static const char *const time_keys[] = { "date", "@timestamp", "time", "timestamp", NULL };

static int push(aiops_jdoc *w, fb_state *st, json_t *rec, const char *tkey, double ts,
                json_t *extra)
{
    return aiops_obs_object_log(w, rec, tkey, extra, &st->q, ts);
}

/* A record that carries its own time (json_lines, format json). */
static int load_timed(aiops_jdoc *w, fb_state *st, json_t *rec, json_t *extra)
{
    const char *tkey = NULL;
    double ts;
    int rc;
    if (!json_is_object(rec))
        return aiops_jdoc_bad(w, "expected a record object, got %s", aiops_jdoc_type(rec));
    if ((rc = aiops_obs_object_time(w, rec, time_keys, &tkey, &ts)) == 0)
        return aiops_jdoc_bad(w, "expected a time key in the record (date, @timestamp, time or "
                                 "timestamp)");
    if (rc < 0)
        return rc;
    return push(w, st, rec, tkey, ts, extra);
}

/* [sec, nsec] (Fluentd EventTime) or a plain time. */
static int event_time(aiops_jdoc *w, json_t *t, double *ts)
{
    if (!json_is_array(t))
        return aiops_jdoc_epoch_value(w, t, ts);
    json_t *s = json_array_get(t, 0), *ns = json_array_get(t, 1);
    if (json_array_size(t) != 2 || !json_is_integer(s) || !json_is_integer(ns) ||
        json_integer_value(ns) < 0 || json_integer_value(ns) >= 1000000000)
        return aiops_jdoc_bad(w, "expected the time as [seconds, nanoseconds]");
    *ts = (double)json_integer_value(s) + (double)json_integer_value(ns) / 1e9;
    return 0;
}

/* [TS, {record}] or [[TS, {metadata}], {record}]. */
static int load_event(aiops_jdoc *w, fb_state *st, json_t *ev)
{
    json_t *head = json_array_get(ev, 0), *rec = json_array_get(ev, 1), *extra = NULL;
    double ts;
    int rc;
    if (json_array_size(ev) != 2)
        return aiops_jdoc_bad(w, "expected [time, {record}], got an array of %zu elements",
                              json_array_size(ev));
    if (!json_is_object(rec)) {
        aiops_jdoc_idx(w, 1);
        int rc = aiops_jdoc_bad(w, "expected the record as an object, got %s", aiops_jdoc_type(rec));
        aiops_jdoc_pop(w);
        return rc;
    }
    aiops_jdoc_idx(w, 0);
    if (json_is_array(head) && json_is_object(json_array_get(head, 1))) {
        json_t *meta = json_array_get(head, 1);
        aiops_jdoc_idx(w, 0);
        rc = event_time(w, json_array_get(head, 0), &ts);
        aiops_jdoc_pop(w);
        if (rc == 0 && json_object_size(meta) &&
            (!(extra = json_object()) || aiops_obs_flatten(meta, extra, NULL)))
            rc = aiops_jdoc_fail(w, AIOPS_ENOMEM, "out of memory");
    } else {
        rc = event_time(w, head, &ts);
    }
    aiops_jdoc_pop(w);
    if (rc == 0) {
        aiops_jdoc_idx(w, 1);
        rc = push(w, st, rec, NULL, ts, extra);
        aiops_jdoc_pop(w);
    }
    json_decref(extra);
    return rc;
}

static int load_array(aiops_jdoc *w, fb_state *st, json_t *v)
{
    int rc = 0;
    if (!json_is_object(json_array_get(v, 0)))
        return load_event(w, st, v);
    for (size_t i = 0; i < json_array_size(v) && rc == 0; i++) {
        aiops_jdoc_idx(w, i);
        rc = load_timed(w, st, json_array_get(v, i), NULL);
        aiops_jdoc_pop(w);
    }
    return rc;
}

/* TIME<TAB>TAG<TAB>{record}: the tag becomes a label. */
static int load_fluentd(fb_state *st, aiops_parse_ctx *ctx, char *line, size_t len,
                        aiops_err *err)
{
    char *t1 = memchr(line, '\t', len);
    char *t2 = t1 ? memchr(t1 + 1, '\t', len - (size_t)(t1 + 1 - line)) : NULL;
    char sb[64];
    double ts;
    if (!t2 || aiops_parse_time(line, (size_t)(t1 - line), &ts) < 0)
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE,
                                "expected a Fluent Bit JSON record ([time, {...}] or {...}) or "
                                "Fluentd's time<TAB>tag<TAB>{...}, got '%s'",
                                aiops_snip(line, len, sb, sizeof sb));
    size_t tag_len = (size_t)(t2 - t1 - 1);
    if (!aiops_utf8_valid(t1 + 1, tag_len))
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "tag: expected UTF-8 text, got invalid "
                                                        "bytes");
    json_t *v, *extra = json_pack("{s:s%}", "tag", t1 + 1, tag_len);
    aiops_jdoc w;
    if (!extra)
        return aiops_parse_fail(ctx, err, AIOPS_ENOMEM, "out of memory");
    int rc = aiops_obs_doc_parse(&st->doc, t2 + 1, len - (size_t)(t2 + 1 - line),
                                 aiops_stream_lineno(ctx->stream), &v, &w, err);
    if (rc == 1)
        rc = json_is_object(v) ? push(&w, st, v, NULL, ts, extra)
                               : aiops_jdoc_bad(&w, "expected a record object after the tag, "
                                                    "got %s", aiops_jdoc_type(v));
    json_decref(v);
    json_decref(extra);
    return rc < 0 ? rc : 0;
}

/* A time as the tree path reads it (aiops_jdoc_epoch_value) from a
 * value's text: kind 2 a string, 3 an integer, 4 a real.  0 or <0. */
static int fast_time(const char *v, size_t n, int kind, double *ts)
{
    aiops_err e;
    aiops_jdoc w;
    memset(&w, 0, sizeof w);
    w.err = &e;
    w.file = "";
    json_t *j = kind == 2 ? json_stringn_nocheck(v, n)
              : kind == 3 ? json_integer(strtoll(v, NULL, 10))
              : kind == 4 ? json_real(strtod(v, NULL)) : NULL;
    int rc = j ? aiops_jdoc_epoch_value(&w, j, ts) : -1;
    json_decref(j);
    return rc;
}

/* A line of the usual shapes, {record with a time key} (json_lines) or
 * [time, {record}] (time a number or text), read from its tokens without
 * a tree when records are raw text: the record flattened
 * (aiops_obs_flat_tokens) and made a log record by the rules of
 * aiops_obs_object_log.  1 done; 0 when the line is of another shape or
 * holds anything the tree path reads another way or reports (an array
 * of other than plain scalars, a repeated name, invalid UTF-8, a time
 * that is no time, a syntax error): it is then read as always; <0. */
static int fast_line(fb_state *st, char *line, size_t len)
{
    aiops_jpull *p = st->fast;
    aiops_obs_flat *f = &st->flat;
    aiops_err e;
    int seen[5] = { 0 }, t, rc = 0;
    double ts = 0;
    st->line = (aiops_jpull_mem){ line, len, 0, 0 };
    aiops_jpull_reset(p, aiops_jpull_mem_read, &st->line);
    aiops_obs_flat_clear(f);
    if ((t = aiops_jpull_next(p, &e)) == AIOPS_JT_OBJ) {
        if ((rc = aiops_obs_flat_tokens(p, f, NULL, time_keys, seen, 0, &e)) <= 0)
            return rc;
        size_t i = 0, n = 0;
        while (time_keys[i] && !seen[i])
            i++;
        const char *v = time_keys[i] && seen[i] > 1 ? aiops_obs_flat_get(f, time_keys[i], &n)
                                                    : NULL;
        if (!v || fast_time(v, n, seen[i], &ts) < 0 || aiops_jpull_next(p, &e) != AIOPS_JT_END)
            return 0;
        aiops_obs_flat_del(f, time_keys[i]);
        return aiops_obs_flat_log(f, &st->q, ts);
    }
    if (t != AIOPS_JT_ARR)
        return 0;
    t = aiops_jpull_next(p, &e);
    if (t == AIOPS_JT_NUM || t == AIOPS_JT_STR) {
        size_t n;
        const char *v = aiops_jpull_text(p, &n);
        int kind = t == AIOPS_JT_STR ? 2
                 : memchr(v, '.', n) || memchr(v, 'e', n) || memchr(v, 'E', n) ? 4 : 3;
        if (fast_time(v, n, kind, &ts) < 0)
            return 0;
    } else {
        return 0;
    }
    if (aiops_jpull_next(p, &e) != AIOPS_JT_OBJ ||
        (rc = aiops_obs_flat_tokens(p, f, NULL, NULL, NULL, 0, &e)) <= 0)
        return 0 > rc ? rc : 0;
    if (aiops_jpull_next(p, &e) != AIOPS_JT_ARR_END || aiops_jpull_next(p, &e) != AIOPS_JT_END)
        return 0;
    return aiops_obs_flat_log(f, &st->q, ts);
}

static int load_line(fb_state *st, aiops_parse_ctx *ctx, char *line, size_t len, aiops_err *err)
{
    size_t p = 0;
    while (p < len && (line[p] == ' ' || line[p] == '\t'))
        p++;
    if (p >= len || (line[p] != '[' && line[p] != '{'))
        return load_fluentd(st, ctx, line, len, err);
    json_t *v;
    aiops_jdoc w;
    int rc;
    if (st->fast && (rc = fast_line(st, line, len)) != 0) {
        if (rc > 0)
            return 0;
        return aiops_parse_fail(ctx, err, rc, "%s",
                                rc == AIOPS_EIO ? st->q.failed.msg : "out of memory");
    }
    rc = aiops_obs_doc_parse(&st->doc, line, len, aiops_stream_lineno(ctx->stream), &v, &w,
                                 err);
    if (rc < 0)
        return rc;
    rc = json_is_array(v) ? load_array(&w, st, v) : load_timed(&w, st, v, NULL);
    json_decref(v);
    return rc;
}

static void fb_close(void *state)
{
    fb_state *st = state;
    if (!st)
        return;
    aiops_obs_doc_close(&st->doc);
    aiops_obs_queue_free(&st->q);
    aiops_jpull_free(st->fast);
    aiops_obs_flat_free(&st->flat);
    free(st);
}

static int fb_open(void **state, aiops_parse_ctx *ctx, aiops_err *err)
{
    fb_state *st = calloc(1, sizeof *st);
    *state = NULL;
    if (!st)
        return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(ctx->stream), 0,
                             "out of memory");
    aiops_obs_doc_open(&st->doc, ctx, AIOPS_OBS_LINES, msg_keys, err);
    st->q.text = ctx->raw_text;
    st->doc.what = "a Fluent Bit JSON record";
    if (ctx->raw_text && !(st->fast = aiops_jpull_new(aiops_jpull_mem_read, &st->line, NULL))) {
        fb_close(st);
        return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(ctx->stream), 0,
                             "out of memory");
    }
    *state = st;
    return 0;
}

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

static int fb_next(void *state, aiops_parse_ctx *ctx, aiops_record *rec, aiops_err *err)
{
    fb_state *st = state;
    for (;;) {
        if (aiops_obs_queue_pop(&st->q, rec))
            return 1;
        aiops_obs_queue_free(&st->q);
        st->q.text = ctx->raw_text;
        char *line;
        size_t len;
        int rc = aiops_stream_getline(ctx->stream, &line, &len, err);
        if (rc <= 0)
            return rc;
        if (aiops_stream_lineno(ctx->stream) == 1) {
            size_t bom = aiops_bom_len(line, len);
            line += bom;
            len -= bom;
        }
        if (!blank(line, len) && (rc = load_line(st, ctx, line, len, err)) < 0)
            return rc;
    }
}

/* ------------------------------------------------------------- probe */

static int has_any(const char *head, size_t n, int depth, const char *const *keys)
{
    for (size_t i = 0; keys[i]; i++)
        if (aiops_jhead_member(head, n, depth, keys[i], NULL))
            return 1;
    return 0;
}

/* A record with a message: 60 with Fluent Bit's own "date" key, 40 with
 * another time key (Elasticsearch's bare documents score 50). */
static int record_score(const char *head, size_t n, int depth)
{
    static const char *const other_time[] = { "@timestamp", "time", "timestamp", NULL };
    if (!has_any(head, n, depth, msg_keys))
        return 0;
    if (aiops_jhead_member(head, n, depth, "date", NULL))
        return 60;
    return has_any(head, n, depth, other_time) ? 40 : 0;
}

/* Fluentd's TIME<TAB>TAG<TAB>{ : above the stream format's TSV (80). */
static int fluentd_score(const char *head, size_t n, size_t p)
{
    const char *nl = memchr(head + p, '\n', n - p);
    size_t len = nl ? (size_t)(nl - head) - p : n - p;
    const char *l = head + p, *t1 = memchr(l, '\t', len);
    const char *t2 = t1 ? memchr(t1 + 1, '\t', len - (size_t)(t1 + 1 - l)) : NULL;
    double ts;
    if (!t2 || (size_t)(t2 + 1 - l) >= len || t2[1] != '{')
        return 0;
    return aiops_parse_time(l, (size_t)(t1 - l), &ts) == 0 ? 85 : 0;
}

static int fb_probe(const char *entry, const char *head, size_t n)
{
    size_t p = aiops_jhead_start(head, n), q;
    (void)entry;
    if (p >= n)
        return 0;
    if (head[p] == '{') {
        if (aiops_jhead_member(head, n, 1, "type", NULL) &&
            aiops_jhead_member(head, n, 1, "ts", NULL))
            return 0;
        return record_score(head, n, 1);
    }
    if (head[p] != '[')
        return fluentd_score(head, n, p);
    for (q = p + 1; q < n && (head[q] == ' ' || head[q] == '\t'); q++)
        ;
    if (q < n && head[q] == '{')
        return record_score(head, n, 2);
    /* [ts, {record}] / [[ts, ...], {record}] */
    if (q < n && (head[q] == '[' || head[q] == '"' || (head[q] >= '0' && head[q] <= '9')))
        return has_any(head, n, 2, msg_keys) || has_any(head, n, 3, msg_keys) ? 95 : 0;
    return 0;
}

const aiops_format aiops_fmt_fluentbit = {
    .name = "fluentbit",
    .desc = "Fluent Bit/Fluentd JSON log records: [ts,{..}], json_lines, time<TAB>tag<TAB>{..}",
    .ordered = 1,
    .probe = fb_probe,
    .open = fb_open,
    .next = fb_next,
    .close = fb_close,
};
