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

/* The elements of an array after its '[': spans, or (at the top, nested
 * 0) traces, arrays of spans at [outer][i]. */
static int stream_list(aiops_obs_pull *d, aiops_obs_queue *q, int nested, size_t outer,
                       aiops_err *err)
{
    for (size_t i = 0;; i++) {
        int t = aiops_jpull_next(d->p, err), rc;
        if (t < 0 || t == AIOPS_JT_ARR_END)
            return t < 0 ? t : 0;
        if (t == AIOPS_JT_ARR && !nested) {
            if ((rc = stream_list(d, q, 1, i, err)) < 0)
                return rc;
            continue;
        }
        json_t *v;
        aiops_jdoc w;
        if ((rc = aiops_obs_pull_value(d, t, &v, &w, err)) < 0)
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
    int rc = aiops_obs_pull_open(&d, ctx, WHAT, NULL, err), t = 0;
    while (rc == 0 && (t = aiops_jpull_next(d.p, err)) > 0) {
        if (t == AIOPS_JT_ARR) {
            rc = stream_list(&d, q, 0, 0, err);
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
