/* fmt_zipkin.c - Zipkin v2 JSON spans: an array of spans (what
 * /api/v2/spans accepts and /api/v2/trace/{id} returns), or an array of
 * traces, each an array of spans (/api/v2/traces):
 *   [{"traceId":"..","id":"..","parentId":"..","name":"get /cart",
 *     "kind":"SERVER","timestamp":us,"duration":us,
 *     "localEndpoint":{"serviceName":"cart"},"tags":{"error":"timeout"}}]
 *
 * Each span becomes a span record: service = localEndpoint.serviceName,
 * error when an "error" tag is present (Zipkin's convention, whatever its
 * value), status "error" then, attributes = the other tags plus span.kind.
 * A span without a duration is unfinished: an error.  Annotations are not
 * carried.  The entry is read as it streams, one span at a time, and its
 * records are handed out in time order (sorted runs spilled under
 * $TMPDIR, aiops_obs_queue): memory does not grow with the document. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "formats/obs.h"
#include "formats/traces/tokens.h"

static int service_of(aiops_jdoc *w, json_t *span, const char **svc)
{
    json_t *ep;
    int rc = aiops_jdoc_obj(w, span, "localEndpoint", AIOPS_OBS_REQ, &ep);
    if (rc < 0)
        return rc;
    aiops_jdoc_key(w, "localEndpoint");
    rc = aiops_jdoc_str(w, ep, "serviceName", AIOPS_OBS_REQ, svc);
    aiops_jdoc_pop(w);
    return rc < 0 ? rc : 0;
}

/* tags (strings) into attrs; *error when an "error" tag is present. */
static int read_tags(aiops_jdoc *w, json_t *span, json_t *attrs, int *error)
{
    json_t *tags = NULL, *v;
    const char *k;
    int rc = aiops_jdoc_obj(w, span, "tags", 0, &tags);
    *error = 0;
    if (rc <= 0)
        return rc;
    rc = 0;
    aiops_jdoc_key(w, "tags");
    json_object_foreach(tags, k, v) {
        if (!json_is_string(v)) {
            rc = aiops_jdoc_wrong(w, k, v, "a string tag value");
            break;
        }
        if (strcmp(k, "error") == 0)
            *error = 1;
        else if (json_object_set(attrs, k, v)) {
            rc = aiops_jdoc_fail(w, AIOPS_ENOMEM, "out of memory");
            break;
        }
    }
    aiops_jdoc_pop(w);
    return rc;
}

static int kind_attr(aiops_jdoc *w, json_t *span, json_t *attrs)
{
    const char *kind;
    char low[16];
    size_t i = 0;
    int rc = aiops_jdoc_str(w, span, "kind", 0, &kind);
    if (rc <= 0)
        return rc;
    for (; kind[i] && i + 1 < sizeof low; i++)
        low[i] = (char)tolower((unsigned char)kind[i]);
    low[i] = '\0';
    if (json_object_set_new(attrs, "span.kind", json_string(low)))
        return aiops_jdoc_fail(w, AIOPS_ENOMEM, "out of memory");
    return 0;
}

static int micros(aiops_jdoc *w, json_t *span, const char *key, int64_t *us)
{
    int rc = aiops_jdoc_int(w, span, key, AIOPS_JDOC_INTTEXT, INT64_MIN, INT64_MAX, us);
    if (rc == 0)
        rc = aiops_jdoc_bad(w, "expected \"%s\" in microseconds%s", key,
                            strcmp(key, "duration") == 0 ? " (a span without one is unfinished)"
                                                         : "");
    else if (rc > 0 && *us < 0) {
        aiops_jdoc_key(w, key);
        rc = aiops_jdoc_bad(w, "expected microseconds >= 0");
        aiops_jdoc_pop(w);
    }
    return rc < 0 ? rc : 0;
}

static int load_span(aiops_jdoc *w, aiops_obs_queue *q, json_t *span)
{
    char tid[33], sid[33], pid[33];
    const char *name = NULL, *svc;
    int64_t start, dur;
    int rc, error;
    if (!json_is_object(span))
        return aiops_jdoc_bad(w, "expected a span object, got %s", aiops_jdoc_type(span));
    if ((rc = aiops_obs_hex(w, span, "traceId", AIOPS_OBS_REQ, tid)) < 0 ||
        (rc = aiops_obs_hex(w, span, "id", AIOPS_OBS_REQ, sid)) < 0 ||
        (rc = aiops_obs_hex(w, span, "parentId", 0, pid)) < 0 ||
        (rc = aiops_jdoc_str(w, span, "name", 0, &name)) < 0 ||
        (rc = micros(w, span, "timestamp", &start)) || (rc = micros(w, span, "duration", &dur)) ||
        (rc = service_of(w, span, &svc)))
        return rc;
    json_t *attrs = json_object();
    if (!attrs)
        return aiops_jdoc_fail(w, AIOPS_ENOMEM, "out of memory");
    if ((rc = read_tags(w, span, attrs, &error)) == 0 && (rc = kind_attr(w, span, attrs)) == 0) {
        aiops_obs_span s = {
            .trace_id = tid, .span_id = sid, .parent_span_id = pid, .service = svc,
            .operation = name ? name : "", .duration = (double)dur / 1e6, .error = error,
            .status = error ? "error" : NULL, .attributes = attrs,
        };
        double ts = (double)(start / 1000000) + (double)(start % 1000000) / 1e6;
        rc = aiops_obs_push_span(w, q, ts, &s);
    }
    json_decref(attrs);
    return rc;
}

/* An array of spans, or of traces (arrays of spans). */
static int load_list(aiops_jdoc *w, aiops_obs_queue *q, json_t *v, int nested)
{
    int rc = 0;
    if (!json_is_array(v))
        return aiops_jdoc_bad(w, "expected an array of spans, got %s", aiops_jdoc_type(v));
    for (size_t i = 0; i < json_array_size(v) && rc == 0; i++) {
        json_t *e = json_array_get(v, i);
        aiops_jdoc_idx(w, i);
        rc = json_is_array(e) && !nested ? load_list(w, q, e, 1)
                                         : aiops_obs_leave_out(w, q, load_span(w, q, e));
        aiops_jdoc_pop(w);
    }
    return rc;
}

static int load_top(aiops_jdoc *w, aiops_obs_queue *q, json_t *v)
{
    return load_list(w, q, v, 0);
}

/* ------------------------------------ reading as the document streams
 *
 * The arrays are walked token by token and each span is read whole (a
 * tree of one span), checked with load_span at its path in the document
 * and freed, so memory holds one span and the records (which spill to
 * sorted runs, aiops_obs_queue).  A top-level value that is not an array
 * is read whole and gets load_top's message. */

#define WHAT "a Zipkin v2 JSON array of spans"

/* ------------------------------------------------------- fast path
 *
 * With raw-text records (q->text), a span of the usual shape is read
 * from its tokens straight into record text.  Anything this path does
 * not read in load_span's exact way - a member it does not know, null, a
 * tag that is not a string or is named span.kind, a repeated name, a bad
 * id or time, a syntax error - makes it give up, and the span is read as
 * a tree from its copy (aiops_obs_pull_reread), so the records and
 * messages are the tree path's. */

#define BAIL AIOPS_TOK_BAIL

typedef struct zfast {
    aiops_jpull *p;
    aiops_tok_spans s;       /* the span being read, and its text */
    char tid[33], sid[33], pid[33], kind[16];
    size_t name, svc;
    int64_t start, dur;
    int has_start, has_dur, has_kind, error;
} zfast;

/* A string, as JSON text, into the arena at *off. */
static int zstr(zfast *z, size_t *off)
{
    aiops_err e;
    size_t n;
    if (aiops_jpull_next(z->p, &e) != AIOPS_JT_STR)
        return BAIL;
    const char *s = aiops_jpull_text(z->p, &n);
    *off = aiops_tok_keep_json(&z->s, s, n);
    return z->s.oom ? BAIL : 0;
}

static const char *const ep_names[] = { "serviceName", "ipv4", "ipv6", "port", NULL };

static int ep_member(void *self, void *ctx, unsigned i, aiops_err *err)
{
    zfast *z = self;
    (void)ctx;
    return i ? aiops_tok_skip(z->p, err) : zstr(z, &z->svc);
}

/* "tags": {"k":"v",..}: "error" marks the span, the others are
 * attributes (span.kind, set after them, gives up). */
static int tags(zfast *z, aiops_err *err)
{
    int t = aiops_jpull_next(z->p, err);
    if (t == AIOPS_JT_NULL || t < 0)
        return t < 0 ? t : 0;
    if (t != AIOPS_JT_OBJ)
        return BAIL;
    while ((t = aiops_jpull_next(z->p, err)) == AIOPS_JT_KEY) {
        size_t kl, n;
        const char *key = aiops_jpull_text(z->p, &kl);
        if (strcmp(key, "span.kind") == 0)
            return BAIL;
        if (strcmp(key, "error") == 0) {
            if (z->error)
                return BAIL;    /* repeated */
            z->error = 1;
            if ((t = aiops_jpull_next(z->p, err)) != AIOPS_JT_STR)
                return t < 0 ? t : BAIL;
            continue;
        }
        if (aiops_tok_attr_key(&z->s, key, kl))
            return BAIL;
        if ((t = aiops_jpull_next(z->p, err)) != AIOPS_JT_STR)
            return t < 0 ? t : BAIL;
        const char *s = aiops_jpull_text(z->p, &n);
        aiops_buf_jstrn(&z->s.attrs, s, n);
    }
    return t < 0 ? t : 0;
}

static const char *const span_names[] = {
    "traceId", "id", "parentId", "name", "kind", "timestamp", "duration", "localEndpoint",
    "tags", "remoteEndpoint", "annotations", "debug", "shared", NULL
};

static int span_member(void *self, void *ctx, unsigned i, aiops_err *err)
{
    zfast *z = self;
    int t;
    size_t n;
    (void)ctx;
    if (i == 8)
        return tags(z, err);
    if (i > 8)
        return aiops_tok_skip(z->p, err);
    if (i == 7) {
        if ((t = aiops_jpull_next(z->p, err)) != AIOPS_JT_OBJ)
            return t < 0 ? t : BAIL;
        return aiops_tok_members(z->p, z, NULL, ep_member, ep_names, err);
    }
    if ((t = aiops_jpull_next(z->p, err)) < 0)
        return t;
    if (i == 5 || i == 6) {
        int64_t *x = i == 5 ? &z->start : &z->dur;
        *(i == 5 ? &z->has_start : &z->has_dur) = 1;
        return aiops_tok_int(z->p, t, x) || *x < 0 ? BAIL : 0;
    }
    if (t != AIOPS_JT_STR)
        return BAIL;
    const char *s = aiops_jpull_text(z->p, &n);
    if (i == 3) {
        z->name = aiops_tok_keep_json(&z->s, s, n);
        return 0;
    }
    if (i == 4) {           /* lower-cased, as kind_attr cuts it */
        size_t k = 0;
        for (; s[k] && k + 1 < sizeof z->kind; k++) {
            if ((unsigned char)s[k] >= 0x80)
                return BAIL;    /* a cut character: the tree's own message */
            z->kind[k] = (char)tolower((unsigned char)s[k]);
        }
        z->kind[k] = '\0';
        z->has_kind = 1;
        return 0;
    }
    char *buf = i == 0 ? z->tid : i == 1 ? z->sid : z->pid;
    return aiops_tok_hex(s, n, buf) ? 0 : BAIL;
}

/* A span after its '{': read into z->s (0), BAIL, or <0 a tokenizer
 * error. */
static int fast_span(zfast *z, aiops_err *err)
{
    aiops_tok_spans_reset(&z->s);
    aiops_tok_attrs_reset(&z->s);
    z->s.p = z->p;
    z->tid[0] = z->sid[0] = z->pid[0] = '\0';
    z->name = z->svc = (size_t)-1;
    z->has_start = z->has_dur = z->has_kind = z->error = 0;
    int rc = aiops_tok_members(z->p, z, NULL, span_member, span_names, err);
    if (rc)
        return rc;
    if (!z->tid[0] || !z->sid[0] || !z->has_start || !z->has_dur || z->svc == (size_t)-1)
        return BAIL;
    if (z->has_kind) {
        aiops_buf *a = &z->s.attrs;
        aiops_buf_str(a, z->s.nattr++ ? ",\"span.kind\":" : "\"span.kind\":");
        aiops_buf_jstr(a, z->kind);
    }
    aiops_tok_span *sp = aiops_tok_span_add(&z->s);
    if (!sp)
        return BAIL;
    sp->tid = aiops_tok_keep(&z->s, z->tid, strlen(z->tid));
    sp->sid = aiops_tok_keep(&z->s, z->sid, strlen(z->sid));
    sp->parent = aiops_tok_keep(&z->s, z->pid, strlen(z->pid));
    sp->svc = z->svc;
    sp->op = z->name;
    sp->error = z->error;
    if (z->error)
        sp->status = aiops_tok_keep(&z->s, "\"error\"", 7);
    aiops_tok_span_attrs(&z->s, sp);
    sp->dur = z->dur;
    sp->dur_digits = 6;
    sp->ts = (double)(z->start / 1000000) + (double)(z->start % 1000000) / 1e6;
    return z->s.oom ? BAIL : 0;
}


/* The elements of an array after its '[': spans, or (at the top, nested
 * 0) traces, arrays of spans at [outer][i]. */
static int stream_list(aiops_obs_pull *d, aiops_obs_queue *q, zfast *z, int nested,
                       size_t outer, aiops_err *err)
{
    for (size_t i = 0;; i++) {
        int t = aiops_jpull_next(d->p, err), rc;
        if (t < 0 || t == AIOPS_JT_ARR_END)
            return t < 0 ? t : 0;
        if (t == AIOPS_JT_ARR && !nested) {
            if ((rc = stream_list(d, q, z, 1, i, err)) < 0)
                return rc;
            continue;
        }
        json_t *v;
        aiops_jdoc w;
        if (q->text && t == AIOPS_JT_OBJ) {
            long line = aiops_jpull_line(d->p), col = aiops_jpull_column(d->p);
            size_t depth = aiops_jpull_depth(d->p);
            d->raw.n = 0;
            aiops_jpull_copy_begin(d->p, &d->raw);
            z->p = d->p;
            rc = fast_span(z, err);
            if (rc == 0 && (rc = aiops_jpull_copy_end(d->p, err)) == 0 &&
                d->raw.n <= aiops_stream_max_doc(d->ctx->stream)) {
                if ((rc = aiops_tok_spans_push(&z->s, q, aiops_stream_name(d->ctx->stream),
                                               line, err)) < 0)
                    return rc;
                continue;
            }
            if (rc == BAIL)
                rc = aiops_obs_pull_drain(d, depth, err);
            rc = aiops_obs_pull_reread(d, line, col, rc, &v, &w, err);
        } else {
            rc = aiops_obs_pull_value(d, t, &v, &w, err);
        }
        if (rc < 0)
            return rc;
        if (nested)
            aiops_jdoc_idx(&w, outer);
        aiops_jdoc_idx(&w, i);
        w.base = w.depth;
        rc = aiops_obs_leave_out(&w, q, load_span(&w, q, v));
        json_decref(v);
        if (rc < 0)
            return rc;
    }
}

static int zipkin_stream(aiops_parse_ctx *ctx, aiops_obs_queue *q, aiops_err *err)
{
    aiops_obs_pull d;
    zfast z;
    memset(&z, 0, sizeof z);
    int rc = aiops_obs_pull_open(&d, ctx, WHAT, NULL, err), t = 0;
    while (rc == 0 && (t = aiops_jpull_next(d.p, err)) > 0) {
        if (t == AIOPS_JT_ARR) {
            rc = stream_list(&d, q, &z, 0, 0, err);
            continue;
        }
        json_t *v;
        aiops_jdoc w;
        if ((rc = aiops_obs_pull_value(&d, t, &v, &w, err)) == 1) {
            rc = load_top(&w, q, v);
            json_decref(v);
        }
    }
    aiops_obs_pull_close(&d);
    aiops_tok_spans_free(&z.s);
    return rc < 0 ? rc : t < 0 ? t : 0;
}

static const aiops_obs_spec spec = {
    .what = WHAT,
    .sort = 1,
    .stream = zipkin_stream,
};

static int zipkin_open(void **state, aiops_parse_ctx *ctx, aiops_err *err)
{
    return aiops_obs_spec_open(state, ctx, &spec, err);
}

/* [{"traceId", "id", ... "localEndpoint"}] (or [[{...}]]). */
static int zipkin_probe(const char *entry, const char *head, size_t n)
{
    size_t p = aiops_jhead_start(head, n);
    (void)entry;
    if (p >= n || head[p] != '[')
        return 0;
    for (int d = 2; d <= 3; d++)
        if (aiops_jhead_member(head, n, d, "traceId", NULL) &&
            aiops_jhead_member(head, n, d, "id", NULL) &&
            (aiops_jhead_member(head, n, d, "localEndpoint", NULL) ||
             aiops_jhead_member(head, n, d, "timestamp", NULL)))
            return 95;
    return 0;
}

const aiops_format aiops_fmt_zipkin = {
    .name = "zipkin",
    .desc = "Zipkin v2 JSON spans (an array of spans, or of traces)",
    .ordered = 1,
    .probe = zipkin_probe,
    .open = zipkin_open,
    .next = aiops_obs_spec_next,
    .close = aiops_obs_spec_close,
};
