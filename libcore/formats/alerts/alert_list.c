/* alert_list.c - the reading loop of the JSON alert formats (alerts.h):
 * documents one after another, the alerts of each, the JSON path of the
 * alert being read (so errors say "alerts[3].labels: ..." at its line),
 * and alert states reported once where the source repeats them. */
#include <stdlib.h>
#include <string.h>

#include "formats/alerts/alerts.h"

int aiops_alert_list_open(aiops_alert_list *l, const aiops_alert_list_spec *spec, int dedup,
                          aiops_parse_ctx *ctx, aiops_err *err)
{
    char *buf;
    size_t len;
    l->spec = spec;
    if (dedup && !(l->seen = aiops_alert_seen_new()))
        return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(ctx->stream), 0, "out of memory");
    if (spec->fast && ctx->raw_text) {
        if (!(l->fast = aiops_jpull_new(aiops_jpull_mem_read, &l->mem, NULL)))
            return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(ctx->stream), 0,
                                 "out of memory");
        l->stream = ctx->stream;      /* read as it streams (fast_doc) */
        aiops_jseq_init(&l->seq, "", 0);
        return 0;
    }
    int rc = aiops_stream_slurp(ctx->stream, &buf, &len, err);
    if (rc)
        return rc;
    aiops_jseq_init(&l->seq, buf, len);
    return 0;
}

void aiops_alert_list_close(aiops_alert_list *l)
{
    json_decref(l->cur);
    aiops_alert_seen_free(l->seen);
    l->cur = l->alerts = NULL;
    l->seen = NULL;
    aiops_jpull_free(l->fast);
    l->fast = NULL;
    free(l->pend);
    l->pend = NULL;
    l->npend = l->cappend = l->ppos = 0;
    aiops_buf_free(&l->pend_text);
    aiops_buf_free(&l->pend_keys);
    aiops_buf_free(&l->win);
    l->stream = NULL;
    for (size_t i = 0; i < sizeof l->tmp / sizeof l->tmp[0]; i++)
        aiops_buf_free(&l->tmp[i]);
}

int aiops_alert_list_new(void **state, size_t size, const aiops_alert_list_spec *spec, int dedup,
                         aiops_parse_ctx *ctx, aiops_err *err)
{
    aiops_alert_list *l = calloc(1, size);
    *state = NULL;
    if (!l)
        return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(ctx->stream), 0, "out of memory");
    int rc = aiops_alert_list_open(l, spec, dedup, ctx, err);
    if (rc) {
        aiops_alert_list_free(l);
        return rc;
    }
    *state = l;
    return 0;
}

void aiops_alert_list_free(void *state)
{
    if (!state)
        return;
    aiops_alert_list_close(state);
    free(state);
}

/* Take the next document and find its alerts; 0 at the end. */
static int next_doc(aiops_alert_list *l)
{
    json_decref(l->cur);
    l->cur = l->alerts = NULL;
    l->keys[0] = l->keys[1] = NULL;
    l->single = 0;
    l->pos = 0;
    int rc = aiops_jseq_next(&l->seq, &l->doc, l->spec->what, &l->cur);
    return rc <= 0 ? rc : l->spec->find(l);
}

/* ------------------------------------------------------ fast path */

int aiops_alert_list_pend(aiops_alert_list *l, double ts, aiops_buf *b, const char *key)
{
    if (l->npend == l->cappend) {
        size_t nc = l->cappend ? 2 * l->cappend : 16;
        aiops_alert_pend *np = realloc(l->pend, nc * sizeof *np);
        if (!np)
            return AIOPS_ENOMEM;
        l->pend = np;
        l->cappend = nc;
    }
    aiops_alert_pend *pd = &l->pend[l->npend++];
    pd->ts = ts;
    pd->text = l->pend_text.n;
    pd->len = b->n;
    pd->key = l->pend_keys.n;
    aiops_buf_put(&l->pend_text, b->p ? b->p : "", b->n);
    aiops_buf_put(&l->pend_keys, key, strlen(key) + 1);
    b->n = 0;
    return l->pend_text.oom || l->pend_keys.oom || b->oom ? AIOPS_ENOMEM : 0;
}

/* Streaming: the tokenizer's input, the window then the stream (each
 * piece kept in the window, for a document that needs the tree). */
static int win_read(void *ctx, const char **data, size_t *len, aiops_err *err)
{
    aiops_alert_list *l = ctx;
    if (l->win_fed == l->win.n) {
        const char *d;
        size_t n;
        if (l->win.n - l->win_at > aiops_stream_max_doc(l->stream))
            return aiops_err_set(err, AIOPS_ELIMIT, NULL, 0, "document too large");
        int rc = aiops_stream_read(l->stream, &d, &n, err);
        if (rc <= 0)
            return rc;
        aiops_buf_put(&l->win, d, n);
        if (l->win.oom)
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    *data = l->win.p + l->win_fed;
    *len = l->win.n - l->win_fed;
    l->win_fed = l->win.n;
    return 1;
}

/* Streaming: past the blanks before the next document (counting its
 * lines), the window's text before it dropped.  1 at a document, 0 at
 * the end of the entry, <0 (a read error: the slurp reports it again). */
static int win_next(aiops_alert_list *l, aiops_err *err)
{
    for (;;) {
        size_t p = l->win_at;
        aiops_jtext_ws(l->win.p ? l->win.p : "", l->win.n, &p);
        for (size_t i = l->win_at; i < p; i++)
            l->seq.line += l->win.p[i] == '\n';
        l->win_at = p;
        if (l->win_at >= 65536 && l->win_at * 2 >= l->win.n) {
            memmove(l->win.p, l->win.p + l->win_at, l->win.n - l->win_at);
            l->win_base += l->win_at;
            l->win.n -= l->win_at;
            l->win_at = 0;
        }
        if (l->win_at < l->win.n)
            return 1;
        const char *d;
        size_t len;
        l->win_fed = l->win.n;
        int rc = win_read(l, &d, &len, err);
        if (rc <= 0)
            return rc;
    }
}

/* Streaming ends: the rest of the entry slurped after the current
 * document's start, read as aiops_alert_list_open reads an entry.  0 or
 * <0 (the errors the slurp at open gave). */
static int to_memory(aiops_alert_list *l, aiops_err *err)
{
    aiops_stream *st = l->stream;
    char *rest;
    size_t n;
    int rc = aiops_stream_slurp(st, &rest, &n, err);
    if (rc)
        return rc;
    aiops_buf_put(&l->win, rest, n);
    if (l->win.oom)
        return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(st), 0, "out of memory");
    if (l->win.n - l->win_at > aiops_stream_max_doc(st))
        return aiops_err_set(err, AIOPS_ELIMIT, aiops_stream_name(st), 0,
                             "document larger than %zu bytes (raise AIOPS_MAX_DOC)",
                             aiops_stream_max_doc(st));
    long line = l->seq.line;
    aiops_jseq_init(&l->seq, l->win.p + l->win_at, l->win.n - l->win_at);
    l->seq.line = line;
    if (l->win_base + l->win_at > 0)
        l->seq.off = 0;              /* a byte order mark only opens the entry */
    l->stream = NULL;
    return 0;
}

/* The next document through the spec's fast path: 1 read (its records
 * in l->pend, the states already reported left out), 0 not (read it as a
 * tree), 2 at the end of a streamed entry, <0 out of memory. */
static int fast_doc(aiops_alert_list *l, aiops_err *err)
{
    aiops_jseq *q = &l->seq;
    size_t p = q->off;
    int rc;
    if (l->stream) {
        if ((rc = win_next(l, err)) <= 0)
            return rc < 0 ? 0 : 2;
        p = l->win_at;
        if (l->win.p[p] != '{' && l->win.p[p] != '[')
            return 0;
        l->win_fed = p;
        aiops_jpull_reset(l->fast, win_read, l);
    } else {
        aiops_jtext_ws(q->buf, q->len, &p);
        if (p >= q->len || (q->buf[p] != '{' && q->buf[p] != '['))
            return 0;
        l->mem = (aiops_jpull_mem){ q->buf + p, q->len - p, 0, 0 };
        aiops_jpull_reset(l->fast, aiops_jpull_mem_read, &l->mem);
    }
    l->npend = l->ppos = 0;
    l->pend_text.n = l->pend_keys.n = 0;
    rc = l->spec->fast(l, l->fast);
    if (rc < 0)
        return rc;
    if (rc > 0 || aiops_jpull_depth(l->fast) != 0) {
        l->npend = 0;
        return 0;
    }
    size_t end = p + (size_t)aiops_jpull_offset(l->fast);
    const char *text = l->stream ? l->win.p : q->buf;
    for (const char *s = text + (l->stream ? p : q->off), *e = text + end;
         (s = memchr(s, '\n', (size_t)(e - s))) != NULL; s++)
        q->line++;
    if (l->stream)
        l->win_at = end;
    else
        q->off = end;
    size_t k = 0;     /* repeated states out, as aiops_alert_list_record */
    for (size_t i = 0; i < l->npend; i++) {
        int seen = l->seen ? aiops_alert_seen_add_key(l->seen, l->pend_keys.p + l->pend[i].key)
                           : 0;
        if (seen < 0)
            return seen;
        if (!seen)
            l->pend[k++] = l->pend[i];
    }
    l->npend = k;
    return 1;
}

/* The next record of the last document read from tokens: 1, or 0 when
 * there is none left, <0. */
static int fast_rec(aiops_alert_list *l, aiops_parse_ctx *ctx, aiops_record *rec)
{
    if (l->ppos >= l->npend)
        return 0;
    const aiops_alert_pend *pd = &l->pend[l->ppos++];
    json_t *s = json_stringn_nocheck(l->pend_text.p + pd->text, pd->len);
    if (!s)
        return aiops_jdoc_fail(&l->doc, AIOPS_ENOMEM, "out of memory");
    memset(rec, 0, sizeof *rec);
    rec->type = AIOPS_R_ALERT;
    rec->ts = pd->ts;
    rec->obj = s;
    ctx->resumable = 0;
    return 1;
}

int aiops_alert_list_next(void *state, aiops_parse_ctx *ctx, aiops_record *rec, aiops_err *err)
{
    aiops_alert_list *l = state;
    l->doc.file = aiops_stream_name(ctx->stream);
    l->doc.err = err;
    for (;;) {
        int got = fast_rec(l, ctx, rec);
        if (got)
            return got;
        size_t n = !l->alerts ? 0 : l->single ? 1 : json_array_size(l->alerts);
        if (l->pos < n) {
            size_t i = l->pos++;
            l->doc.depth = 0;
            for (size_t k = 0; k < 2 && l->keys[k]; k++)
                aiops_jdoc_key(&l->doc, l->keys[k]);
            if (!l->single)
                aiops_jdoc_idx(&l->doc, i);
            int rc = l->spec->alert(l, l->single ? l->alerts : json_array_get(l->alerts, i), rec);
            ctx->resumable = rc == AIOPS_EPARSE;   /* --skip-bad: the next alert follows */
            if (rc != 0)
                return rc;
            continue;
        }
        if (l->fast) {
            json_decref(l->cur);
            l->cur = l->alerts = NULL;
            int rc = fast_doc(l, err);
            if (rc < 0)
                return aiops_jdoc_fail(&l->doc, rc, "out of memory");
            if (rc == 2)
                return 0;
            if (rc)
                continue;
            if (l->stream && (rc = to_memory(l, err)) < 0)
                return rc;
        }
        int rc = next_doc(l);
        if (rc <= 0)
            return rc;
    }
}

int aiops_alert_list_record(aiops_alert_list *l, const aiops_alert *a, aiops_record *rec)
{
    aiops_jdoc *d = &l->doc;
    int rc = l->seen ? aiops_alert_seen_add(l->seen, a) : 0;
    if (rc != 0)
        return rc < 0 ? aiops_jdoc_fail(d, rc, "out of memory") : 0;
    if ((rc = aiops_alert_record(a, rec, d->err)) < 0)
        return aiops_err_locate(d->err, d->file, aiops_jdoc_line(d));
    return 1;
}

int aiops_alert_list_emit(aiops_alert_list *l, aiops_alert *a, json_t *labels, json_t *ann,
                          int built, aiops_record *rec)
{
    int rc = built || (labels && ann) ? built : AIOPS_ENOMEM;
    if (rc == AIOPS_ENOMEM)
        rc = aiops_jdoc_fail(&l->doc, rc, "out of memory");
    if (rc == 0) {
        a->labels = labels;
        a->annotations = ann;
        rc = aiops_alert_list_record(l, a, rec);
    }
    json_decref(labels);
    json_decref(ann);
    return rc;
}

int aiops_alert_list_name(aiops_alert_list *l, json_t *labels, const char **name)
{
    json_t *n = json_object_get(labels, "alertname");
    if (json_is_string(n) && json_string_length(n) > 0) {
        *name = json_string_value(n);
        return 0;
    }
    aiops_jdoc_key(&l->doc, "labels");
    int rc = aiops_jdoc_fail(&l->doc, AIOPS_EPARSE, "expected an \"alertname\" label");
    aiops_jdoc_pop(&l->doc);
    return rc;
}
