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

#include "formats/obs.h"

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

/* One trace at key[idx] ([idx] when key is NULL), after its first token. */
static int stream_trace(aiops_obs_pull *d, aiops_obs_queue *q, int tok, const char *key,
                        size_t idx, aiops_err *err)
{
    json_t *v;
    aiops_jdoc w;
    int rc = aiops_obs_pull_value(d, tok, &v, &w, err);
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
static int stream_traces(aiops_obs_pull *d, aiops_obs_queue *q, const char *key, aiops_err *err)
{
    for (size_t i = 0;; i++) {
        int t = aiops_jpull_next(d->p, err), rc;
        if (t < 0 || t == AIOPS_JT_ARR_END)
            return t < 0 ? t : 0;
        if ((rc = stream_trace(d, q, t, key, i, err)) < 0)
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

static int envelope_member(aiops_obs_pull *d, aiops_obs_queue *q, envelope *e, const char *key,
                           aiops_err *err)
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
        return stream_traces(d, q, "data", err);
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

static int stream_envelope(aiops_obs_pull *d, aiops_obs_queue *q, long line, aiops_err *err)
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
        if ((rc = envelope_member(d, q, &e, key, err)) < 0)
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
static int stream_object(aiops_obs_pull *d, aiops_obs_queue *q, aiops_err *err)
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
        return stream_envelope(d, q, line, err);
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
    int rc = aiops_obs_pull_open(&d, ctx, WHAT, NULL, err), t = 0;
    while (rc == 0 && (t = aiops_jpull_next(d.p, err)) > 0)
        rc = t == AIOPS_JT_ARR ? stream_traces(&d, q, NULL, err) : stream_object(&d, q, err);
    aiops_obs_pull_close(&d);
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
