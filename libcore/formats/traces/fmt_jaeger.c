/* fmt_jaeger.c - Jaeger traces as the query API and the UI's "Download
 * JSON" give them:
 *   {"data":[{"traceID":"..","spans":[{"traceID","spanID","operationName",
 *     "references":[{"refType":"CHILD_OF","spanID":".."}],"startTime":us,
 *     "duration":us,"tags":[{"key","type","value"}],"processID":"p1"}],
 *     "processes":{"p1":{"serviceName":"api","tags":[..]}}}],"errors":null}
 * also a bare trace object, an array of traces, and spans that carry their
 * "process" inline.
 *
 * Each span becomes a span record: parent = the first CHILD_OF reference
 * (else the first FOLLOWS_FROM), service = its process's serviceName,
 * error from the tag error=true or otel.status_code=ERROR, status = the
 * lower-cased otel.status_code (or "error"), attributes = the other tags
 * by key.  Span logs are not carried.  A response with "errors" is an
 * error (its data would be incomplete).  The document is read as it
 * streams, one trace at a time (below); traces hold spans in no time
 * order, so the records of the whole document are kept and handed out
 * sorted. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "formats/obs.h"
#include "formats/traces/tokens.h"

/* One trace's processes: processID -> serviceName. */
static int service_of(aiops_jdoc *w, json_t *span, json_t *procs, const char **out)
{
    json_t *proc = NULL;
    const char *pid;
    int rc;
    if ((rc = aiops_jdoc_obj(w, span, "process", 0, &proc)) < 0)
        return rc;
    if (!proc) {
        if ((rc = aiops_jdoc_str(w, span, "processID", AIOPS_OBS_REQ, &pid)) < 0)
            return rc;
        proc = json_object_get(procs, pid);
        if (!json_is_object(proc)) {
            aiops_jdoc_key(w, "processID");
            rc = aiops_jdoc_bad(w, "expected a process \"%s\" in the trace's \"processes\"",
                                pid);
            aiops_jdoc_pop(w);
            return rc;
        }
        aiops_jdoc_key(w, "processID");
    } else {
        aiops_jdoc_key(w, "process");
    }
    rc = aiops_jdoc_str(w, proc, "serviceName", AIOPS_OBS_REQ, out);
    aiops_jdoc_pop(w);
    return rc < 0 ? rc : 0;
}

/* The first CHILD_OF reference, else the first FOLLOWS_FROM. */
static int parent_of(aiops_jdoc *w, json_t *span, char *buf)
{
    json_t *refs = NULL;
    int rc = aiops_jdoc_arr(w, span, "references", 0, &refs), found = 0;
    buf[0] = '\0';
    for (int pass = 0; pass < 2 && !found && rc >= 0; pass++) {
        aiops_jdoc_key(w, "references");
        for (size_t i = 0; i < json_array_size(refs) && !found && rc >= 0; i++) {
            json_t *r = json_array_get(refs, i);
            const char *type;
            aiops_jdoc_idx(w, i);
            if (!json_is_object(r))
                rc = aiops_jdoc_bad(w, "expected a reference object, got %s", aiops_jdoc_type(r));
            else if ((rc = aiops_jdoc_str(w, r, "refType", AIOPS_OBS_REQ, &type)) > 0 &&
                     strcmp(type, pass ? "FOLLOWS_FROM" : "CHILD_OF") == 0) {
                rc = aiops_obs_hex(w, r, "spanID", AIOPS_OBS_REQ, buf);
                found = 1;
            }
            aiops_jdoc_pop(w);
        }
        aiops_jdoc_pop(w);
    }
    if (rc >= 0 && !found)
        rc = aiops_obs_hex(w, span, "parentSpanID", 0, buf);
    return rc < 0 ? rc : 0;
}

typedef struct span_tags {
    int error;
    const char *otel_status;
    json_t *attrs;
} span_tags;

static int truthy(json_t *v)
{
    return json_is_true(v) || (json_is_string(v) && strcmp(json_string_value(v), "true") == 0);
}

static int one_tag(aiops_jdoc *w, json_t *tag, span_tags *t)
{
    const char *key;
    json_t *val;
    int rc;
    if (!json_is_object(tag))
        return aiops_jdoc_bad(w, "expected a tag object {\"key\",\"type\",\"value\"}, got %s",
                              aiops_jdoc_type(tag));
    if ((rc = aiops_jdoc_str(w, tag, "key", AIOPS_OBS_REQ, &key)) < 0)
        return rc;
    if (!(val = json_object_get(tag, "value")))
        return aiops_jdoc_bad(w, "expected a \"value\" member");
    if (strcmp(key, "error") == 0) {
        t->error |= truthy(val);
        return 0;
    }
    if (strcmp(key, "otel.status_code") == 0 && json_is_string(val)) {
        t->otel_status = json_string_value(val);
        t->error |= strcmp(t->otel_status, "ERROR") == 0;
        return 0;
    }
    if (json_object_set(t->attrs, key, val))
        return aiops_jdoc_fail(w, AIOPS_ENOMEM, "out of memory");
    return 0;
}

static int read_tags(aiops_jdoc *w, json_t *span, span_tags *t)
{
    json_t *tags = NULL;
    int rc = aiops_jdoc_arr(w, span, "tags", 0, &tags);
    aiops_jdoc_key(w, "tags");
    for (size_t i = 0; i < json_array_size(tags) && rc >= 0; i++) {
        aiops_jdoc_idx(w, i);
        rc = one_tag(w, json_array_get(tags, i), t);
        aiops_jdoc_pop(w);
    }
    aiops_jdoc_pop(w);
    return rc < 0 ? rc : 0;
}

static int microseconds(aiops_jdoc *w, json_t *span, const char *key, int64_t *us)
{
    int rc = aiops_jdoc_int(w, span, key, AIOPS_OBS_REQ | AIOPS_JDOC_INTTEXT, INT64_MIN,
                            INT64_MAX, us);
    if (rc > 0 && *us < 0) {
        aiops_jdoc_key(w, key);
        rc = aiops_jdoc_bad(w, "expected microseconds >= 0");
        aiops_jdoc_pop(w);
    }
    return rc < 0 ? rc : 0;
}

static void lower(const char *s, char *buf, size_t n)
{
    size_t i = 0;
    for (; s[i] && i + 1 < n; i++)
        buf[i] = (char)tolower((unsigned char)s[i]);
    buf[i] = '\0';
}

static int load_span(aiops_jdoc *w, aiops_obs_queue *q, json_t *span, json_t *procs)
{
    char tid[33], sid[33], pid[33], status[32] = "";
    const char *op, *svc;
    int64_t start, dur;
    span_tags t = { 0, NULL, NULL };
    int rc;
    if (!json_is_object(span))
        return aiops_jdoc_bad(w, "expected a span object, got %s", aiops_jdoc_type(span));
    if ((rc = aiops_obs_hex(w, span, "traceID", AIOPS_OBS_REQ, tid)) < 0 ||
        (rc = aiops_obs_hex(w, span, "spanID", AIOPS_OBS_REQ, sid)) < 0 ||
        (rc = aiops_jdoc_str(w, span, "operationName", AIOPS_OBS_REQ, &op)) < 0 ||
        (rc = microseconds(w, span, "startTime", &start)) ||
        (rc = microseconds(w, span, "duration", &dur)) || (rc = parent_of(w, span, pid)) ||
        (rc = service_of(w, span, procs, &svc)))
        return rc;
    if (!(t.attrs = json_object()))
        return aiops_jdoc_fail(w, AIOPS_ENOMEM, "out of memory");
    if ((rc = read_tags(w, span, &t)) == 0) {
        if (t.otel_status)
            lower(t.otel_status, status, sizeof status);
        aiops_obs_span s = {
            .trace_id = tid, .span_id = sid, .parent_span_id = pid, .service = svc,
            .operation = op, .duration = (double)dur / 1e6, .error = t.error,
            .status = status[0] ? status : t.error ? "error" : NULL, .attributes = t.attrs,
        };
        double ts = (double)(start / 1000000) + (double)(start % 1000000) / 1e6;
        rc = aiops_obs_push_span(w, q, ts, &s);
    }
    json_decref(t.attrs);
    return rc;
}

static int load_trace(aiops_jdoc *w, aiops_obs_queue *q, json_t *trace)
{
    json_t *spans, *procs = NULL;
    int rc;
    if (!json_is_object(trace))
        return aiops_jdoc_bad(w, "expected a trace object, got %s", aiops_jdoc_type(trace));
    if ((rc = aiops_jdoc_arr(w, trace, "spans", AIOPS_OBS_REQ, &spans)) < 0 ||
        (rc = aiops_jdoc_obj(w, trace, "processes", 0, &procs)) < 0)
        return rc;
    rc = 0;
    aiops_jdoc_key(w, "spans");
    for (size_t i = 0; i < json_array_size(spans) && rc == 0; i++) {
        aiops_jdoc_idx(w, i);
        rc = aiops_obs_leave_out(w, q, load_span(w, q, json_array_get(spans, i), procs));
        aiops_jdoc_pop(w);
    }
    aiops_jdoc_pop(w);
    return rc;
}

/* {"errors":[{"code":500,"msg":".."}]} */
static int api_errors(aiops_jdoc *w, json_t *errs)
{
    json_t *msg = json_object_get(json_array_get(errs, 0), "msg");
    char sb[64];
    aiops_jdoc_key(w, "errors");
    int rc = aiops_jdoc_bad(w, "the Jaeger API returned %zu error(s): %s", json_array_size(errs),
                            json_is_string(msg) ? aiops_snip(json_string_value(msg),
                                                             json_string_length(msg), sb, sizeof sb)
                                                : "no message");
    aiops_jdoc_pop(w);
    return rc;
}

static int load_top(aiops_jdoc *w, aiops_obs_queue *q, json_t *v)
{
    json_t *data, *errs = NULL;
    int rc;
    if (json_is_array(v))
        return aiops_obs_each(w, q, v, NULL, load_trace);
    if (json_object_get(v, "spans"))
        return load_trace(w, q, v);
    if ((rc = aiops_jdoc_arr(w, v, "errors", 0, &errs)) < 0)
        return rc;
    if (json_array_size(errs))
        return api_errors(w, errs);
    if ((rc = aiops_jdoc_arr(w, v, "data", AIOPS_OBS_REQ, &data)) < 0)
        return rc;
    return aiops_obs_each(w, q, data, "data", load_trace);
}

/* ------------------------------------ reading as the document streams
 *
 * The document is read token by token and each trace is read whole (a
 * tree of one trace: "processes" may follow "spans"), walked with the
 * checks above at its path in the document, and freed.  Memory holds one
 * trace and the records. */

#define WHAT "a Jaeger JSON document"

/* ------------------------------------------------------- fast path
 *
 * With raw-text records (q->text), a trace of the usual shape is read
 * from its tokens straight into record text: its spans are kept as text
 * until its "processes" (which follow them) name their services, then
 * pushed.  Anything else - a member this path does not know, a type or
 * value the checks above would reject or read another way (null, a
 * process inline, a repeated tag, a bad id) - makes it give up, and the
 * trace is read as a tree from its copy (aiops_obs_pull_reread), so the
 * records and messages are the tree path's. */

#define BAIL AIOPS_TOK_BAIL

typedef struct fast {
    aiops_obs_pull *d;
    aiops_tok_spans s;       /* the trace's spans and their text */
    struct proc { size_t pid, svc; uint64_t hash; } *procs;   /* arena offsets:
                                processID, serviceName (JSON); the processID's hash */
    size_t nprocs, pcap;
    int has_spans;
} fast;

static void fast_free(fast *f)
{
    aiops_tok_spans_free(&f->s);
    free(f->procs);
}

static int nx(fast *f, aiops_err *err) { return aiops_jpull_next(f->d->p, err); }

static const char *txt(fast *f, size_t *n) { return aiops_jpull_text(f->d->p, n); }

/* The last string token into the arena: its offset. */
static size_t keep_tok(fast *f)
{
    size_t n;
    const char *s = txt(f, &n);
    return aiops_tok_keep(&f->s, s, n);
}

static int skip(fast *f, aiops_err *err) { return aiops_tok_skip(f->d->p, err); }

/* The next token must be t: 0, BAIL, or <0. */
static int want(fast *f, int t, aiops_err *err)
{
    int got = nx(f, err);
    return got < 0 ? got : got == t ? 0 : BAIL;
}

static int members(fast *f, void *ctx, aiops_tok_member fn, const char *const *names,
                   aiops_err *err)
{
    return aiops_tok_members(f->d->p, f, ctx, fn, names, err);
}

/* A hex id string into buf (33 bytes): 0 or BAIL. */
static int hex_tok(fast *f, int t, char *buf)
{
    size_t n;
    const char *s = txt(f, &n);
    return t == AIOPS_JT_STR && aiops_tok_hex(s, n, buf) ? 0 : BAIL;
}

/* Microseconds >= 0, written as an integer. */
static int micros_tok(fast *f, int t, int64_t *us)
{
    const char *s = txt(f, NULL);
    return t != AIOPS_JT_NUM || s[0] == '-' || aiops_tok_int(f->d->p, t, us) ? BAIL : 0;
}

typedef struct ref_ctx {
    char type[16];
    char sid[33];
    int has_type, has_sid;
} ref_ctx;

static const char *const ref_names[] = { "refType", "traceID", "spanID", NULL };

static int ref_member(void *self, void *ctx, unsigned key, aiops_err *err)
{
    fast *f = self;
    ref_ctx *r = ctx;
    int t = nx(f, err);
    size_t n;
    const char *s = txt(f, &n);
    if (t < 0)
        return t;
    if (t != AIOPS_JT_STR)
        return BAIL;
    if (key == 0) {
        r->has_type = 1;
        if (n >= sizeof r->type)
            n = 0;             /* no refType that long is one it reads */
        memcpy(r->type, s, n);
        r->type[n] = '\0';
    } else if (key == 2) {
        r->has_sid = 1;
        if (aiops_tok_hex(s, n, r->sid) == 0)
            r->sid[0] = '\0';   /* bad: only an error if it is the one used */
    }
    return 0;
}

typedef struct span_ctx {
    char tid[33], sid[33], child[33], follows[33];
    int child_bad, follows_bad;
    int64_t start, dur;
    size_t op, pid;
    int error;
    char status[32];
} span_ctx;

static int refs(fast *f, span_ctx *c, aiops_err *err)
{
    int t, rc;
    if ((rc = want(f, AIOPS_JT_ARR, err)))
        return rc;
    while ((t = nx(f, err)) == AIOPS_JT_OBJ) {
        ref_ctx r = { "", "", 0, 0 };
        if ((rc = members(f, &r, ref_member, ref_names, err)))
            return rc;
        if (!r.has_type)
            return BAIL;
        int child = strcmp(r.type, "CHILD_OF") == 0, fol = strcmp(r.type, "FOLLOWS_FROM") == 0;
        char *dst = child && !c->child[0] && !c->child_bad ? c->child
                    : fol && !c->follows[0] && !c->follows_bad ? c->follows : NULL;
        if (dst) {
            if (!r.has_sid)
                return BAIL;
            memcpy(dst, r.sid, sizeof r.sid);
            if (!r.sid[0])
                *(child ? &c->child_bad : &c->follows_bad) = 1;
        }
    }
    return t < 0 ? t : t == AIOPS_JT_ARR_END ? 0 : BAIL;
}

/* One tag's value: the span's error and status, or an attribute. */
static int tag_value(fast *f, span_ctx *c, const char *key, int t, aiops_err *err)
{
    size_t n;
    const char *s = txt(f, &n);
    (void)err;
    if (t != AIOPS_JT_STR && t != AIOPS_JT_NUM && t != AIOPS_JT_TRUE && t != AIOPS_JT_FALSE)
        return BAIL;
    if (strcmp(key, "error") == 0) {
        c->error |= t == AIOPS_JT_TRUE || (t == AIOPS_JT_STR && strcmp(s, "true") == 0);
        return 0;
    }
    if (strcmp(key, "otel.status_code") == 0 && t == AIOPS_JT_STR) {
        size_t i = 0;
        for (; s[i] && i + 1 < sizeof c->status; i++)
            c->status[i] = (char)tolower((unsigned char)s[i]);
        c->status[i] = '\0';
        c->error |= strcmp(s, "ERROR") == 0;
        return 0;
    }
    /* an attribute: a repeated key replaces the first value in place */
    if (aiops_tok_attr_key(&f->s, key, strlen(key)))
        return BAIL;
    aiops_buf *a = &f->s.attrs;
    switch (t) {
    case AIOPS_JT_STR: aiops_buf_jstrn(a, s, n); break;
    case AIOPS_JT_TRUE: aiops_buf_put(a, "true", 4); break;
    case AIOPS_JT_FALSE: aiops_buf_put(a, "false", 5); break;
    default:
        if (strpbrk(s, ".eE"))
            aiops_buf_num(a, strtod(s, NULL));
        else if (s[0] == '-' && s[1] == '0')
            return BAIL;      /* -0: the tree prints 0 */
        else
            aiops_buf_put(a, s, n);
    }
    return 0;
}

static int tags(fast *f, span_ctx *c, aiops_err *err)
{
    int t, rc;
    if ((rc = want(f, AIOPS_JT_ARR, err)))
        return rc;
    while ((t = nx(f, err)) == AIOPS_JT_OBJ) {
        /* "key" must come first for the value to be read as it streams */
        size_t key;
        unsigned seen = 0;
        int vt = 0;
        if ((rc = want(f, AIOPS_JT_KEY, err)))
            return rc;
        if (strcmp(txt(f, NULL), "key") != 0 || (rc = want(f, AIOPS_JT_STR, err)))
            return rc ? rc : BAIL;
        key = keep_tok(f);
        seen = 1;
        while ((t = nx(f, err)) == AIOPS_JT_KEY) {
            const char *k = txt(f, NULL);
            unsigned bit = strcmp(k, "type") == 0 ? 2 : strcmp(k, "value") == 0 ? 4 : 0;
            if (!bit || (seen & bit))
                return BAIL;
            seen |= bit;
            if ((vt = nx(f, err)) < 0)
                return vt;
            if (bit == 2 ? vt != AIOPS_JT_STR
                         : (rc = tag_value(f, c, f->s.arena.p + key, vt, err)) != 0)
                return rc ? rc : BAIL;
        }
        if (t < 0)
            return t;
        if (!(seen & 4))
            return BAIL;
        f->s.arena.n = key;   /* the key was needed only while its value was read */
    }
    return t < 0 ? t : t == AIOPS_JT_ARR_END ? 0 : BAIL;
}

static const char *const span_names[] = { "traceID", "spanID", "flags", "operationName",
                                          "references", "startTime", "duration", "tags",
                                          "logs", "processID", "warnings", NULL };

enum { S_TRACE, S_SPAN, S_FLAGS, S_OP, S_REFS, S_START, S_DUR, S_TAGS, S_LOGS, S_PID,
       S_WARN };

static int span_member(void *self, void *ctx, unsigned key, aiops_err *err)
{
    fast *f = self;
    span_ctx *c = ctx;
    int t;
    switch (key) {
    case S_FLAGS: case S_LOGS: case S_WARN:
        return skip(f, err);
    case S_REFS:
        return refs(f, c, err);
    case S_TAGS:
        return tags(f, c, err);
    default:
        break;
    }
    if ((t = nx(f, err)) < 0)
        return t;
    switch (key) {
    case S_TRACE: return hex_tok(f, t, c->tid);
    case S_SPAN: return hex_tok(f, t, c->sid);
    case S_START: return micros_tok(f, t, &c->start);
    case S_DUR: return micros_tok(f, t, &c->dur);
    default: break;
    }
    if (t != AIOPS_JT_STR)
        return BAIL;
    size_t n;
    const char *s = txt(f, &n);
    if (key == S_OP)
        c->op = aiops_tok_keep_json(&f->s, s, n);
    else
        c->pid = aiops_tok_keep(&f->s, s, n);
    return 0;
}

/* One span, after its '{', kept in f->s (its service, for now, the
 * offset of its processID). */
static int fast_span(fast *f, aiops_err *err)
{
    span_ctx c;
    int rc;
    memset(&c, 0, sizeof c);
    c.start = c.dur = -1;
    c.op = c.pid = (size_t)-1;
    aiops_tok_attrs_reset(&f->s);
    if ((rc = members(f, &c, span_member, span_names, err)))
        return rc;
    if (!c.tid[0] || !c.sid[0] || c.op == (size_t)-1 || c.pid == (size_t)-1 || c.start < 0 ||
        c.dur < 0 || (c.child_bad && !c.child[0]) || (!c.child[0] && c.follows_bad))
        return BAIL;
    aiops_tok_span *sp = aiops_tok_span_add(&f->s);
    if (!sp)
        return BAIL;
    const char *parent = c.child[0] ? c.child : c.follows;
    sp->tid = aiops_tok_keep(&f->s, c.tid, strlen(c.tid));
    sp->sid = aiops_tok_keep(&f->s, c.sid, strlen(c.sid));
    sp->parent = aiops_tok_keep(&f->s, parent, strlen(parent));
    sp->op = c.op;
    sp->svc = c.pid;
    if (c.status[0])
        sp->status = aiops_tok_keep_json(&f->s, c.status, strlen(c.status));
    else if (c.error)
        sp->status = aiops_tok_keep(&f->s, "\"error\"", 7);
    sp->error = c.error;
    aiops_tok_span_attrs(&f->s, sp);
    sp->dur = c.dur;
    sp->dur_digits = 6;
    sp->ts = (double)(c.start / 1000000) + (double)(c.start % 1000000) / 1e6;
    return 0;
}

static int spans(fast *f, aiops_err *err)
{
    int t, rc;
    if ((rc = want(f, AIOPS_JT_ARR, err)))
        return rc;
    while ((t = nx(f, err)) == AIOPS_JT_OBJ)
        if ((rc = fast_span(f, err)))
            return rc;
    return t < 0 ? t : t == AIOPS_JT_ARR_END ? 0 : BAIL;
}

static const char *const proc_names[] = { "serviceName", "tags", NULL };

static int proc_member(void *self, void *ctx, unsigned key, aiops_err *err)
{
    fast *f = self;
    size_t *svc = ctx, n;
    int t;
    if (key == 1)
        return skip(f, err);
    if ((t = nx(f, err)) < 0)
        return t;
    if (t != AIOPS_JT_STR)
        return BAIL;
    const char *s = txt(f, &n);
    *svc = aiops_tok_keep_json(&f->s, s, n);
    return 0;
}

/* FNV-1a of a processID: names are compared only when their hashes are
 * equal (a trace often has a process per span). */
static uint64_t pid_hash(const char *s)
{
    uint64_t h = 14695981039346656037ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static int processes(fast *f, aiops_err *err)
{
    const char *a;
    int t, rc;
    if ((rc = want(f, AIOPS_JT_OBJ, err)))
        return rc;
    while ((t = nx(f, err)) == AIOPS_JT_KEY) {
        size_t pid = keep_tok(f), svc = (size_t)-1;
        a = f->s.arena.p;
        uint64_t h = pid_hash(a + pid);
        for (size_t i = 0; i < f->nprocs; i++)
            if (f->procs[i].hash == h && strcmp(a + f->procs[i].pid, a + pid) == 0)
                return BAIL;
        if ((rc = want(f, AIOPS_JT_OBJ, err)) ||
            (rc = members(f, &svc, proc_member, proc_names, err)))
            return rc;
        if (svc == (size_t)-1 || f->nprocs >= 4096)
            return BAIL;
        if (AIOPS_GROW(f->procs, f->pcap, f->nprocs + 1))
            return f->s.oom = 1, BAIL;
        f->procs[f->nprocs++] = (struct proc){ pid, svc, h };
    }
    return t < 0 ? t : 0;
}

static const char *const trace_names[] = { "traceID", "spans", "processes", "warnings", NULL };

static int trace_member(void *self, void *ctx, unsigned key, aiops_err *err)
{
    fast *f = self;
    (void)ctx;
    switch (key) {
    case 1: f->has_spans = 1; return spans(f, err);
    case 2: return processes(f, err);
    default: return skip(f, err);
    }
}

/* A trace after its '{' (copied since its bracket): 0 read (its spans
 * in f->s), BAIL, or <0 a tokenizer error. */
static int fast_trace(fast *f, aiops_err *err)
{
    aiops_tok_spans_reset(&f->s);
    f->s.p = f->d->p;
    f->nprocs = 0;
    f->has_spans = 0;
    int rc = members(f, NULL, trace_member, trace_names, err);
    if (rc)
        return rc;
    if (f->s.oom || !f->has_spans)
        return BAIL;
    /* every span's process is there (else the tree's message) */
    const char *a = f->s.arena.p;
    size_t j = 0;
    for (size_t i = 0; i < f->s.nsp; i++) {
        const char *pid = a + f->s.sp[i].svc;
        uint64_t h = pid_hash(pid);
        size_t tries = 0;
        /* from the process after the last one found, round to it */
        for (; tries < f->nprocs; tries++, j = j + 1 < f->nprocs ? j + 1 : 0)
            if (f->procs[j].hash == h && strcmp(a + f->procs[j].pid, pid) == 0)
                break;
        if (tries == f->nprocs)
            return BAIL;
        f->s.sp[i].svc = f->procs[j].svc;   /* now its service */
    }
    return 0;
}

/* One trace at key[idx] ([idx] when key is NULL), after its first token. */
static int stream_trace(aiops_obs_pull *d, aiops_obs_queue *q, fast *f, int tok, const char *key,
                        size_t idx, aiops_err *err)
{
    json_t *v;
    aiops_jdoc w;
    int rc;
    if (q->text && tok == AIOPS_JT_OBJ) {
        long line = aiops_jpull_line(d->p), col = aiops_jpull_column(d->p);
        size_t depth = aiops_jpull_depth(d->p);
        d->raw.n = 0;
        aiops_jpull_copy_begin(d->p, &d->raw);
        f->d = d;
        rc = fast_trace(f, err);
        if (rc == 0 && (rc = aiops_jpull_copy_end(d->p, err)) == 0 &&
            d->raw.n <= aiops_stream_max_doc(d->ctx->stream))
            return aiops_tok_spans_push(&f->s, q, aiops_stream_name(d->ctx->stream), line,
                                        err);
        if (rc == BAIL)
            rc = aiops_obs_pull_drain(d, depth, err);
        rc = aiops_obs_pull_reread(d, line, col, rc, &v, &w, err);
    } else {
        rc = aiops_obs_pull_value(d, tok, &v, &w, err);
    }
    if (rc < 0)
        return rc;
    if (key)
        aiops_jdoc_key(&w, key);
    aiops_jdoc_idx(&w, idx);
    w.base = w.depth;
    rc = aiops_obs_leave_out(&w, q, load_trace(&w, q, v));
    json_decref(v);
    return rc;
}

/* The traces of an array, after its '['. */
static int stream_traces(aiops_obs_pull *d, aiops_obs_queue *q, fast *f, const char *key,
                         aiops_err *err)
{
    for (size_t i = 0;; i++) {
        int t = aiops_jpull_next(d->p, err), rc;
        if (t < 0 || t == AIOPS_JT_ARR_END)
            return t < 0 ? t : 0;
        if ((rc = stream_trace(d, q, f, t, key, i, err)) < 0)
            return rc;
    }
}

/* The members of an envelope whose first member, "data", is being read:
 * its traces stream; the other members are kept, each with its line, and
 * checked at the end in load_top's order. */
typedef struct envelope {
    json_t *members;         /* all but a streamed "data" */
    long line, data_line, errors_line;
    int streamed;
    size_t n0, nbad0;        /* the queue before the envelope */
} envelope;

static int envelope_member(aiops_obs_pull *d, aiops_obs_queue *q, fast *f, envelope *e,
                           const char *key, aiops_err *err)
{
    json_t *v;
    aiops_jdoc w;
    int data = strcmp(key, "data") == 0, rc;
    if ((data && e->streamed) || json_object_get(e->members, key))
        return aiops_obs_pull_duplicate(d, key, err);
    int t = aiops_jpull_next(d->p, err);
    if (t < 0)
        return t;
    if (data)
        e->data_line = t == AIOPS_JT_NULL ? 0 : aiops_jpull_line(d->p);
    else if (strcmp(key, "errors") == 0)
        e->errors_line = aiops_jpull_line(d->p);
    if (data && t == AIOPS_JT_ARR) {
        e->streamed = 1;
        return stream_traces(d, q, f, "data", err);
    }
    if ((rc = aiops_obs_pull_value(d, t, &v, &w, err)) < 0)
        return rc;
    return json_object_set_new(e->members, key, v)
               ? aiops_err_set(err, AIOPS_ENOMEM, w.file, w.line0, "out of memory")
               : 0;
}

/* load_top's checks on the members kept, each at its own line. */
static int envelope_end(aiops_obs_pull *d, aiops_obs_queue *q, envelope *e, aiops_err *err)
{
    json_t *m = e->members, *errs = NULL, *data;
    aiops_jdoc w = { .file = aiops_stream_name(d->ctx->stream), .err = err, .line0 = e->line };
    int rc;
    if (json_object_get(m, "spans")) {   /* a trace after all: data is not read */
        if (aiops_obs_queue_cut(q, e->n0, e->nbad0) < 0)
            return aiops_jdoc_fail(&w, AIOPS_ELIMIT, "expected \"data\" or \"spans\", not both "
                                   "(too many spans in \"data\" to drop them)");
        return load_trace(&w, q, m);
    }
    w.line0 = e->errors_line;
    if ((rc = aiops_jdoc_arr(&w, m, "errors", 0, &errs)) < 0)
        return rc;
    if (json_array_size(errs))
        return api_errors(&w, errs);
    w.line0 = e->data_line ? e->data_line : e->line;
    if (!e->streamed && (rc = aiops_jdoc_arr(&w, m, "data", AIOPS_OBS_REQ, &data)) < 0)
        return rc;
    return 0;
}

static int stream_envelope(aiops_obs_pull *d, aiops_obs_queue *q, fast *f, long line,
                           aiops_err *err)
{
    envelope e = { json_object(), line, 0, 0, 0, q->seq, q->nbad };
    int rc = 0, t = AIOPS_JT_KEY;
    char *key = strdup("data");
    while (rc == 0 && t == AIOPS_JT_KEY) {
        if (!key || !e.members) {
            rc = aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(d->ctx->stream), line,
                               "out of memory");
            break;
        }
        if ((rc = envelope_member(d, q, f, &e, key, err)) < 0)
            break;
        free(key);
        key = NULL;
        if ((t = aiops_jpull_next(d->p, err)) < 0)
            rc = t;
        else if (t == AIOPS_JT_KEY)
            key = strdup(aiops_jpull_text(d->p, NULL));
    }
    if (rc == 0)
        rc = envelope_end(d, q, &e, err);
    free(key);
    json_decref(e.members);
    return rc;
}

/* A top-level object, after its '{': an envelope whose "data" comes first
 * streams; anything else (a bare trace, an envelope in another order) is
 * read whole, as one trace is. */
static int stream_object(aiops_obs_pull *d, aiops_obs_queue *q, fast *f, aiops_err *err)
{
    long line = aiops_jpull_line(d->p);
    json_t *v;
    aiops_jdoc w;
    int rc;
    d->raw.n = 0;
    aiops_jpull_copy_begin(d->p, &d->raw);
    int t = aiops_jpull_next(d->p, err);
    if (t == AIOPS_JT_KEY && strcmp(aiops_jpull_text(d->p, NULL), "data") == 0) {
        if ((rc = aiops_jpull_copy_end(d->p, err)) < 0)
            return rc;
        return stream_envelope(d, q, f, line, err);
    }
    if ((rc = aiops_obs_pull_rest(d, t, line, &v, &w, err)) < 0)
        return rc;
    rc = load_top(&w, q, v);
    json_decref(v);
    return rc;
}

static int jaeger_stream(aiops_parse_ctx *ctx, aiops_obs_queue *q, aiops_err *err)
{
    aiops_obs_pull d;
    fast f;
    memset(&f, 0, sizeof f);
    int rc = aiops_obs_pull_open(&d, ctx, WHAT, NULL, err), t = 0;
    while (rc == 0 && (t = aiops_jpull_next(d.p, err)) > 0)
        rc = t == AIOPS_JT_ARR ? stream_traces(&d, q, &f, NULL, err)
                               : stream_object(&d, q, &f, err);
    aiops_obs_pull_close(&d);
    fast_free(&f);
    return rc < 0 ? rc : t < 0 ? t : 0;
}

static const aiops_obs_spec spec = {
    .what = WHAT,
    .sort = 1,
    .stream = jaeger_stream,
};

static int jaeger_open(void **state, aiops_parse_ctx *ctx, aiops_err *err)
{
    return aiops_obs_spec_open(state, ctx, &spec, err);
}

/* "traceID" + "spanID" (Jaeger's capital ID; Zipkin and OTLP say Id). */
static int jaeger_probe(const char *entry, const char *head, size_t n)
{
    size_t p = aiops_jhead_start(head, n);
    (void)entry;
    if (p >= n || (head[p] != '{' && head[p] != '['))
        return 0;
    /* span members: depth 5 in {"data":[{"spans":[{..}]}]}, 4 in an
     * array of traces, 3 in a bare trace */
    for (int d = 3; d <= 5; d++)
        if (aiops_jhead_member(head, n, d, "spanID", NULL) &&
            aiops_jhead_member(head, n, d, "operationName", NULL))
            return 95;
    /* the query API's envelope, also when it carries only "errors" */
    if (aiops_jhead_member(head, n, 1, "errors", NULL) &&
        aiops_jhead_member(head, n, 1, "limit", NULL) &&
        aiops_jhead_member(head, n, 1, "offset", NULL) &&
        aiops_jhead_member(head, n, 1, "total", NULL))
        return 90;
    return 0;
}

const aiops_format aiops_fmt_jaeger = {
    .name = "jaeger",
    .desc = "Jaeger trace JSON (query API / UI download: data[].spans[], processes)",
    .ordered = 1,
    .probe = jaeger_probe,
    .open = jaeger_open,
    .next = aiops_obs_spec_next,
    .close = aiops_obs_spec_close,
};
