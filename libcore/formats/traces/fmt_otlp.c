/* fmt_otlp.c - OpenTelemetry traces in OTLP/JSON (ExportTraceServiceRequest),
 * as the collector's file exporter writes them (one request per line) and
 * Tempo exports them:
 *   {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name",
 *     "value":{"stringValue":"api"}}]},"scopeSpans":[{"scope":{..},"spans":[
 *     {"traceId":"..","spanId":"..","parentSpanId":"..","name":"GET /",
 *      "kind":2,"startTimeUnixNano":"1704164645000000000",
 *      "endTimeUnixNano":"..","attributes":[..],"status":{"code":2}}]}]}]}
 * also "instrumentationLibrarySpans" (before OTLP 0.15) and Tempo's
 * "batches" for "resourceSpans".
 *
 * Each span becomes a span record: service = the resource's service.name
 * (required), ids as lower-case hex (the protobuf JSON mapping's base64
 * is converted), duration = end - start, error = status code 2, status =
 * "unset" / "ok" / "error", attributes = the span's attributes (AnyValue
 * unwrapped) plus span.kind and otel.status_description.  Span events and
 * links, and resource attributes other than service.name, are not
 * carried.  Spans come resource by resource, in no time order: the
 * document is read as it streams, one resource at a time (below), and its
 * records are handed out in time order (sorted runs spilled under
 * $TMPDIR, aiops_obs_queue; `ordered = 1`), so memory does not grow with
 * the document; collector files (one request per line) are read line by
 * line. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "formats/obs.h"
#include "formats/traces/tokens.h"

#define MAX_VALUE_DEPTH 16

/* ------------------------------------------------------------------ ids */

static int b64_digit(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' || c == '-' ? 62 : c == '/' || c == '_' ? 63 : -1;
}

/* Base64 of 8 or 16 bytes (12 or 24 chars with padding) as hex. */
static size_t b64_hex(const char *s, size_t n, char *buf)
{
    static const char hex[] = "0123456789abcdef";
    unsigned acc = 0;
    int bits = 0;
    size_t out = 0, want = n == 12 ? 8 : n == 24 ? 16 : 0;
    for (size_t i = 0; i < n && want; i++) {
        if (s[i] == '=')
            break;
        int d = b64_digit(s[i]);
        if (d < 0)
            return 0;
        acc = (acc << 6) | (unsigned)d;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            unsigned byte = (acc >> bits) & 0xff;
            if (out / 2 >= want)
                return 0;
            buf[out++] = hex[byte >> 4];
            buf[out++] = hex[byte & 15];
        }
    }
    if (!want || out != 2 * want)
        return 0;
    buf[out] = '\0';
    return out;
}

/* A hex id of 16 or 32 digits, else base64 of 8 or 16 bytes, into buf
 * (>= 33 bytes) as lower-case hex: 1, or 0 when it is neither. */
static int id_hex(const char *s, size_t n, char *buf)
{
    return ((n == 32 || n == 16) && aiops_tok_hex(s, n, buf)) || b64_hex(s, n, buf);
}

static int span_id(aiops_jdoc *w, json_t *span, const char *key, int req, char *buf)
{
    const char *s = NULL;
    int rc = aiops_jdoc_str(w, span, key, req ? AIOPS_OBS_REQ : 0, &s);
    size_t n = s ? strlen(s) : 0;
    buf[0] = '\0';
    if (rc < 0 || n == 0)
        return rc < 0 ? rc : req ? aiops_jdoc_bad(w, "expected a non-empty \"%s\"", key) : 0;
    if (id_hex(s, n, buf))
        return 0;
    char sb[64];
    aiops_jdoc_key(w, key);
    rc = aiops_jdoc_bad(w, "expected a hex (or base64) id of 8 or 16 bytes, got '%s'",
                        aiops_snip(s, n, sb, sizeof sb));
    aiops_jdoc_pop(w);
    return rc;
}

/* ------------------------------------------------------- attributes */

static int key_values(aiops_jdoc *w, json_t *list, json_t *dst, int depth);
static int any_value(aiops_jdoc *w, json_t *v, json_t **out, int depth);

/* A scalar AnyValue member of the right JSON type (new ref in *out). */
static int scalar(aiops_jdoc *w, json_t *x, const char *key, int ok, json_t **out)
{
    if (!ok)
        return aiops_jdoc_wrong(w, key, x,
                                strcmp(key, "boolValue") == 0     ? "true or false"
                                : strcmp(key, "doubleValue") == 0 ? "a number"
                                                                  : "a string");
    *out = json_incref(x);
    return 0;
}

static int array_value(aiops_jdoc *w, json_t *x, json_t **out, int depth)
{
    json_t *vals = json_object_get(x, "values");
    int rc = 0;
    if (!(*out = json_array()))
        return aiops_jdoc_fail(w, AIOPS_ENOMEM, "out of memory");
    aiops_jdoc_key(w, "arrayValue");
    aiops_jdoc_key(w, "values");
    for (size_t i = 0; i < json_array_size(vals) && rc == 0; i++) {
        json_t *e;
        aiops_jdoc_idx(w, i);
        if ((rc = any_value(w, json_array_get(vals, i), &e, depth + 1)) == 0 && e &&
            json_array_append_new(*out, e))
            rc = aiops_jdoc_fail(w, AIOPS_ENOMEM, "out of memory");
        aiops_jdoc_pop(w);
    }
    aiops_jdoc_pop(w);
    aiops_jdoc_pop(w);
    return rc;
}

/* AnyValue {"stringValue": ..} etc. -> a plain JSON value (new ref, or
 * NULL for an empty AnyValue). */
static int any_value(aiops_jdoc *w, json_t *v, json_t **out, int depth)
{
    json_t *x;
    int rc;
    *out = NULL;
    if (depth > MAX_VALUE_DEPTH)
        return aiops_jdoc_bad(w, "attribute values nested deeper than %d", MAX_VALUE_DEPTH);
    if (!json_is_object(v))
        return aiops_jdoc_bad(w, "expected an AnyValue object, got %s", aiops_jdoc_type(v));
    if (json_object_size(v) == 0)
        return 0;
    if ((x = json_object_get(v, "stringValue")))
        rc = scalar(w, x, "stringValue", json_is_string(x), out);
    else if ((x = json_object_get(v, "bytesValue")))
        rc = scalar(w, x, "bytesValue", json_is_string(x), out);   /* base64 text */
    else if ((x = json_object_get(v, "boolValue")))
        rc = scalar(w, x, "boolValue", json_is_boolean(x), out);
    else if ((x = json_object_get(v, "doubleValue")))   /* or "NaN", "Infinity" */
        rc = scalar(w, x, "doubleValue", json_is_number(x) || json_is_string(x), out);
    else if (json_object_get(v, "intValue")) {
        int64_t i = 0;
        rc = aiops_jdoc_int(w, v, "intValue", AIOPS_OBS_REQ | AIOPS_JDOC_INTTEXT, INT64_MIN,
                            INT64_MAX, &i);
        if (rc > 0 && !(*out = json_integer((json_int_t)i)))
            rc = aiops_jdoc_fail(w, AIOPS_ENOMEM, "out of memory");
        rc = rc < 0 ? rc : 0;
    } else if ((x = json_object_get(v, "arrayValue")))
        rc = array_value(w, x, out, depth);
    else if ((x = json_object_get(v, "kvlistValue"))) {
        if (!(*out = json_object()))
            return aiops_jdoc_fail(w, AIOPS_ENOMEM, "out of memory");
        aiops_jdoc_key(w, "kvlistValue");
        rc = key_values(w, json_object_get(x, "values"), *out, depth + 1);
        aiops_jdoc_pop(w);
    } else
        rc = aiops_jdoc_bad(w, "expected stringValue, intValue, doubleValue, boolValue, "
                               "arrayValue, kvlistValue or bytesValue");
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* [{"key":..,"value":AnyValue}] into dst. */
static int key_values(aiops_jdoc *w, json_t *list, json_t *dst, int depth)
{
    int rc = 0;
    if (list && !json_is_array(list))
        return aiops_jdoc_bad(w, "expected an array of {\"key\",\"value\"}, got %s",
                              aiops_jdoc_type(list));
    for (size_t i = 0; i < json_array_size(list) && rc >= 0; i++) {
        json_t *kv = json_array_get(list, i), *val = NULL;
        const char *key;
        aiops_jdoc_idx(w, i);
        if (!json_is_object(kv))
            rc = aiops_jdoc_bad(w, "expected a {\"key\",\"value\"} object, got %s",
                                aiops_jdoc_type(kv));
        else if ((rc = aiops_jdoc_str(w, kv, "key", AIOPS_OBS_REQ, &key)) > 0 &&
                 json_object_get(kv, "value")) {
            aiops_jdoc_key(w, "value");
            rc = any_value(w, json_object_get(kv, "value"), &val, depth);
            aiops_jdoc_pop(w);
            if (rc == 0 && val && json_object_set_new(dst, key, val))
                rc = aiops_jdoc_fail(w, AIOPS_ENOMEM, "out of memory");
        }
        aiops_jdoc_pop(w);
    }
    return rc < 0 ? rc : 0;
}

static int attributes(aiops_jdoc *w, json_t *obj, json_t *dst)
{
    json_t *list = json_object_get(obj, "attributes");
    aiops_jdoc_key(w, "attributes");
    int rc = key_values(w, json_is_null(list) ? NULL : list, dst, 0);
    aiops_jdoc_pop(w);
    return rc;
}

/* -------------------------------------------------------------- spans */

typedef struct otlp_status {
    const char *name;        /* unset / ok / error */
    const char *message;
} otlp_status;

static const char *const status_names[] = { "unset", "ok", "error" };
static const char *const status_enums[] = { "STATUS_CODE_UNSET", "STATUS_CODE_OK",
                                            "STATUS_CODE_ERROR" };
static const char *const kind_names[] = { NULL, "internal", "server", "client", "producer",
                                          "consumer" };
static const char *const kind_enums[] = { "SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL",
                                          "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT",
                                          "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER" };

/* 0/1/2 or its enum name; -1 if neither. */
static int code_index(json_t *code, const char *const *enums, int n)
{
    for (int i = 0; i < n; i++)
        if ((json_is_integer(code) && json_integer_value(code) == i) ||
            (json_is_string(code) && strcmp(json_string_value(code), enums[i]) == 0))
            return i;
    return -1;
}

static int status_of(aiops_jdoc *w, json_t *span, otlp_status *st)
{
    const char *const *names = status_names, *const *enums = status_enums;
    json_t *s, *code;
    int rc = aiops_jdoc_obj(w, span, "status", 0, &s), i = 0;
    st->name = names[0];
    st->message = NULL;
    if (rc <= 0)
        return rc;
    aiops_jdoc_key(w, "status");
    code = json_object_get(s, "code");
    if (code && !json_is_null(code) && (i = code_index(code, enums, 3)) < 0) {
        aiops_jdoc_key(w, "code");
        rc = aiops_jdoc_bad(w, "expected a status code 0, 1 or 2 (STATUS_CODE_...)");
        aiops_jdoc_pop(w);
    } else {
        st->name = names[i];
        rc = aiops_jdoc_str(w, s, "message", 0, &st->message);
    }
    aiops_jdoc_pop(w);
    return rc < 0 ? rc : 0;
}

/* SPAN_KIND_SERVER or 2 -> "server". */
static int kind_attr(aiops_jdoc *w, json_t *span, json_t *attrs)
{
    const char *const *kinds = kind_names, *const *enums = kind_enums;
    json_t *k = json_object_get(span, "kind");
    int i, rc = 0;
    if (!k || json_is_null(k))
        return 0;
    if ((i = code_index(k, enums, 6)) < 0) {
        aiops_jdoc_key(w, "kind");
        rc = aiops_jdoc_bad(w, "expected a span kind 0-5 (SPAN_KIND_...)");
        aiops_jdoc_pop(w);
    } else if (kinds[i] && json_object_set_new(attrs, "span.kind", json_string(kinds[i]))) {
        rc = aiops_jdoc_fail(w, AIOPS_ENOMEM, "out of memory");
    }
    return rc;
}

static int nanos(aiops_jdoc *w, json_t *span, const char *key, int64_t *ns)
{
    int rc = aiops_jdoc_int(w, span, key, AIOPS_OBS_REQ | AIOPS_JDOC_INTTEXT, INT64_MIN,
                            INT64_MAX, ns);
    if (rc > 0 && *ns < 0) {
        aiops_jdoc_key(w, key);
        rc = aiops_jdoc_bad(w, "expected nanoseconds >= 0");
        aiops_jdoc_pop(w);
    }
    return rc < 0 ? rc : 0;
}

static int span_times(aiops_jdoc *w, json_t *span, double *ts, double *dur)
{
    int64_t a, b;
    int rc;
    if ((rc = nanos(w, span, "startTimeUnixNano", &a)) ||
        (rc = nanos(w, span, "endTimeUnixNano", &b)))
        return rc;
    if (b < a) {
        aiops_jdoc_key(w, "endTimeUnixNano");
        rc = aiops_jdoc_bad(w, "expected the end at or after startTimeUnixNano");
        aiops_jdoc_pop(w);
        return rc;
    }
    *ts = (double)(a / 1000000000) + (double)(a % 1000000000) / 1e9;
    *dur = (double)(b - a) / 1e9;
    return 0;
}

static int load_span(aiops_jdoc *w, aiops_obs_queue *q, json_t *span, const char *svc)
{
    char tid[33], sid[33], pid[33];
    const char *name;
    otlp_status stat;
    double ts = 0, dur = 0;
    int rc;
    if (!json_is_object(span))
        return aiops_jdoc_bad(w, "expected a span object, got %s", aiops_jdoc_type(span));
    if ((rc = span_id(w, span, "traceId", 1, tid)) || (rc = span_id(w, span, "spanId", 1, sid)) ||
        (rc = span_id(w, span, "parentSpanId", 0, pid)) ||
        (rc = aiops_jdoc_str(w, span, "name", AIOPS_OBS_REQ, &name)) < 0 ||
        (rc = span_times(w, span, &ts, &dur)) || (rc = status_of(w, span, &stat)))
        return rc;
    json_t *attrs = json_object();
    if (!attrs)
        return aiops_jdoc_fail(w, AIOPS_ENOMEM, "out of memory");
    if ((rc = attributes(w, span, attrs)) == 0 && (rc = kind_attr(w, span, attrs)) == 0 &&
        stat.message && stat.message[0] &&
        json_object_set_new(attrs, "otel.status_description", json_string(stat.message)))
        rc = aiops_jdoc_fail(w, AIOPS_ENOMEM, "out of memory");
    if (rc == 0) {
        aiops_obs_span s = {
            .trace_id = tid, .span_id = sid, .parent_span_id = pid, .service = svc,
            .operation = name, .duration = dur, .error = strcmp(stat.name, "error") == 0,
            .status = stat.name, .attributes = attrs,
        };
        rc = aiops_obs_push_span(w, q, ts, &s);
    }
    json_decref(attrs);
    return rc;
}

/* ------------------------------------------------------ resources */

static int load_scope(aiops_jdoc *w, aiops_obs_queue *q, json_t *scope, const char *svc)
{
    json_t *spans = NULL;
    int rc;
    if (!json_is_object(scope))
        return aiops_jdoc_bad(w, "expected a scopeSpans object, got %s", aiops_jdoc_type(scope));
    if ((rc = aiops_jdoc_arr(w, scope, "spans", 0, &spans)) < 0)
        return rc;
    rc = 0;
    aiops_jdoc_key(w, "spans");
    for (size_t i = 0; i < json_array_size(spans) && rc == 0; i++) {
        aiops_jdoc_idx(w, i);
        rc = aiops_obs_leave_out(w, q, load_span(w, q, json_array_get(spans, i), svc));
        aiops_jdoc_pop(w);
    }
    aiops_jdoc_pop(w);
    return rc;
}

static int resource_service(aiops_jdoc *w, json_t *rs, json_t *attrs, const char **svc)
{
    json_t *res;
    int rc = aiops_jdoc_obj(w, rs, "resource", AIOPS_OBS_REQ, &res);
    if (rc < 0)
        return rc;
    aiops_jdoc_key(w, "resource");
    rc = attributes(w, res, attrs);
    json_t *name = json_object_get(attrs, "service.name");
    if (rc == 0 && !(json_is_string(name) && json_string_length(name)))
        rc = aiops_jdoc_bad(w, "expected a resource attribute \"service.name\" (a string)");
    aiops_jdoc_pop(w);
    *svc = json_string_value(name);
    return rc;
}

static int load_resource(aiops_jdoc *w, aiops_obs_queue *q, json_t *rs)
{
    static const char *const scope_keys[] = { "scopeSpans", "instrumentationLibrarySpans", NULL };
    const char *svc = NULL, *key = NULL;
    json_t *scopes = NULL, *attrs = json_object();
    int rc;
    if (!attrs)
        return aiops_jdoc_fail(w, AIOPS_ENOMEM, "out of memory");
    if (!json_is_object(rs))
        rc = aiops_jdoc_bad(w, "expected a resourceSpans object, got %s", aiops_jdoc_type(rs));
    else
        rc = resource_service(w, rs, attrs, &svc);
    for (size_t i = 0; rc == 0 && scope_keys[i] && !scopes; i++)
        if ((rc = aiops_jdoc_arr(w, rs, key = scope_keys[i], 0, &scopes)) > 0) {
            rc = 0;
            aiops_jdoc_key(w, key);
            for (size_t k = 0; k < json_array_size(scopes) && rc == 0; k++) {
                aiops_jdoc_idx(w, k);
                rc = load_scope(w, q, json_array_get(scopes, k), svc);
                aiops_jdoc_pop(w);
            }
            aiops_jdoc_pop(w);
        }
    json_decref(attrs);
    return rc;
}

static int load_top(aiops_jdoc *w, aiops_obs_queue *q, json_t *v)
{
    json_t *list;
    const char *key = json_object_get(v, "batches") ? "batches" : "resourceSpans";
    int rc;
    if (!json_is_object(v))
        return aiops_jdoc_bad(w, "expected an OTLP/JSON object with \"resourceSpans\", got %s",
                              aiops_jdoc_type(v));
    if ((rc = aiops_jdoc_arr(w, v, key, AIOPS_OBS_REQ, &list)) < 0)
        return rc;
    return aiops_obs_each(w, q, list, key, load_resource);
}

/* ------------------------------------ reading as the document streams
 *
 * A document is read token by token (aiops_obs_pull): the resources of
 * its "resourceSpans" (or "batches") array are read one at a time, each
 * walked with the checks above at its path and freed, and the records go
 * into the queue, which sorts them through spilled runs.  Memory holds
 * one resource and the records of one run, not the document.  Collector
 * files (one request per line) are read line by line as before; a line
 * with an error is left out (one resumable error each, the first one's
 * message). */

#define WHAT "an OTLP/JSON trace document"

/* ------------------------------------------------------- fast path
 *
 * With raw-text records (q->text), a resource of the usual shape is read
 * from its tokens straight into record text.  Anything this path does
 * not read in the tree path's exact way - a member it does not know,
 * null, an empty or nested AnyValue, a repeated attribute key, a bad id
 * or time, a syntax error - makes it give up, and the resource is read as
 * a tree from its copy (aiops_obs_pull_reread), so the records and
 * messages are the tree path's. */

#define BAIL AIOPS_TOK_BAIL

typedef struct fast {
    aiops_tok_spans s;       /* the spans read (s.p: the tokenizer) and their text */
    size_t svc;              /* arena offset of the resource's service.name, as JSON */
    size_t svc_at, svc_end;  /* where the value of a "service.name" attribute was
                                written in s.attrs (the last list's) */
    aiops_jpull *line;       /* the tokenizer of collector lines, when used */
    aiops_jpull_mem mem;
} fast;

static void fast_free(fast *f)
{
    aiops_tok_spans_free(&f->s);
    aiops_jpull_free(f->line);
}

static int nx(fast *f, aiops_err *err) { return aiops_jpull_next(f->s.p, err); }

static const char *txt(fast *f, size_t *n) { return aiops_jpull_text(f->s.p, n); }

static int skip(fast *f, aiops_err *err) { return aiops_tok_skip(f->s.p, err); }

static int members(fast *f, void *ctx, aiops_tok_member fn, const char *const *names,
                   aiops_err *err)
{
    return aiops_tok_members(f->s.p, f, ctx, fn, names, err);
}

static int int_tok(fast *f, int t, int64_t *x) { return aiops_tok_int(f->s.p, t, x); }

/* An enum as its index (a small integer or its name): 0 or BAIL. */
static int enum_tok(fast *f, int t, const char *const *enums, int n, int *out)
{
    size_t len;
    const char *s = txt(f, &len);
    for (int i = 0; i < n; i++)
        if ((t == AIOPS_JT_NUM && len == 1 && s[0] == '0' + i) ||
            (t == AIOPS_JT_STR && strcmp(s, enums[i]) == 0)) {
            *out = i;
            return 0;
        }
    return BAIL;
}

/* x in decimal, as jansson prints an integer. */
static void put_int(aiops_buf *b, int64_t x)
{
    char tmp[24];
    size_t k = sizeof tmp;
    uint64_t u = x < 0 ? 0 - (uint64_t)x : (uint64_t)x;
    do {
        tmp[--k] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (x < 0)
        tmp[--k] = '-';
    aiops_buf_put(b, tmp + k, sizeof tmp - k);
}

enum { V_STRING, V_BYTES, V_BOOL, V_INT, V_DOUBLE, V_ARRAY, V_KVLIST, V_OTHER };

static int any_kind(const char *k, size_t n)
{
    switch (n) {
    case 8: return memcmp(k, "intValue", 8) == 0 ? V_INT : V_OTHER;
    case 9: return memcmp(k, "boolValue", 9) == 0 ? V_BOOL : V_OTHER;
    case 10: return memcmp(k, "bytesValue", 10) == 0   ? V_BYTES
                    : memcmp(k, "arrayValue", 10) == 0 ? V_ARRAY
                                                       : V_OTHER;
    case 11: return memcmp(k, "stringValue", 11) == 0   ? V_STRING
                    : memcmp(k, "doubleValue", 11) == 0 ? V_DOUBLE
                    : memcmp(k, "kvlistValue", 11) == 0 ? V_KVLIST
                                                        : V_OTHER;
    default: return V_OTHER;
    }
}

static int any_tok(fast *f, int depth, int *empty, aiops_err *err);

/* An arrayValue's {"values":[AnyValue..]} (after its '{') as a JSON
 * array, the empty AnyValues left out, as array_value gives it. */
static int array_tok(fast *f, int depth, aiops_err *err)
{
    aiops_buf *a = &f->s.attrs;
    int t, rc, n = 0, empty;
    aiops_buf_put(a, "[", 1);
    if ((t = nx(f, err)) == AIOPS_JT_OBJ_END) {
        aiops_buf_put(a, "]", 1);
        return 0;
    }
    if (t != AIOPS_JT_KEY || strcmp(txt(f, NULL), "values") != 0 ||
        (t = nx(f, err)) != AIOPS_JT_ARR)
        return t < 0 ? t : BAIL;
    while ((t = nx(f, err)) == AIOPS_JT_OBJ) {
        size_t at = a->n;
        if (n)
            aiops_buf_put(a, ",", 1);
        if ((rc = any_tok(f, depth + 1, &empty, err)))
            return rc;
        if (empty)
            a->n = at;         /* left out, as the tree leaves it */
        else
            n++;
    }
    if (t != AIOPS_JT_ARR_END || (t = nx(f, err)) != AIOPS_JT_OBJ_END)
        return t < 0 ? t : BAIL;
    aiops_buf_put(a, "]", 1);
    return 0;
}

/* A kvlistValue's {"values":[{"key":..,"value":AnyValue}..]} (after its
 * '{') as a JSON object, as key_values gives it: members whose value is
 * empty left out; a repeated key (the tree replaces the first value in
 * place) or a member without "value" gives up.  Its keys are kept in
 * f->s.akeys after the span's while it is read. */
static int kvlist_tok(fast *f, int depth, aiops_err *err)
{
    aiops_buf *a = &f->s.attrs, *keys = &f->s.akeys;
    size_t mark = keys->n;
    int t, rc, n = 0, empty;
    aiops_buf_put(a, "{", 1);
    if ((t = nx(f, err)) != AIOPS_JT_OBJ_END) {
        if (t != AIOPS_JT_KEY || strcmp(txt(f, NULL), "values") != 0 ||
            (t = nx(f, err)) != AIOPS_JT_ARR)
            return t < 0 ? t : BAIL;
        while ((t = nx(f, err)) == AIOPS_JT_OBJ) {
            size_t kl, at = a->n;
            if ((t = nx(f, err)) != AIOPS_JT_KEY || strcmp(txt(f, NULL), "key") != 0 ||
                (t = nx(f, err)) != AIOPS_JT_STR)
                return t < 0 ? t : BAIL;
            const char *key = txt(f, &kl);
            for (size_t i = mark; i < keys->n; i += strlen(keys->p + i) + 1)
                if (strlen(keys->p + i) == kl && memcmp(keys->p + i, key, kl) == 0)
                    return BAIL;
            aiops_buf_put(keys, key, kl);
            aiops_buf_put(keys, "", 1);
            if (n)
                aiops_buf_put(a, ",", 1);
            aiops_buf_jstrn(a, key, kl);
            aiops_buf_put(a, ":", 1);
            if ((t = nx(f, err)) != AIOPS_JT_KEY || strcmp(txt(f, NULL), "value") != 0 ||
                (t = nx(f, err)) != AIOPS_JT_OBJ)
                return t < 0 ? t : BAIL;
            if ((rc = any_tok(f, depth + 1, &empty, err)))
                return rc;
            if ((t = nx(f, err)) != AIOPS_JT_OBJ_END)
                return t < 0 ? t : BAIL;
            if (empty)
                a->n = at;     /* left out, as the tree leaves it */
            else
                n++;
        }
        if (t != AIOPS_JT_ARR_END || (t = nx(f, err)) != AIOPS_JT_OBJ_END)
            return t < 0 ? t : BAIL;
    }
    keys->n = mark;
    aiops_buf_put(a, "}", 1);
    return 0;
}

/* An AnyValue {"stringValue": ..} etc. (after its '{') appended to
 * f->s.attrs as any_value gives it (*empty for {}, which writes
 * nothing); a value deeper than the tree reads gives up. */
static int any_tok(fast *f, int depth, int *empty, aiops_err *err)
{
    int t, vt;
    size_t n;
    *empty = 0;
    if (depth > MAX_VALUE_DEPTH)
        return BAIL;
    if ((t = nx(f, err)) == AIOPS_JT_OBJ_END) {
        *empty = 1;
        return 0;
    }
    if (t != AIOPS_JT_KEY)
        return t < 0 ? t : BAIL;
    const char *s = txt(f, &n);
    int kind = any_kind(s, n);
    if (kind == V_OTHER)
        return BAIL;
    if ((vt = nx(f, err)) < 0)
        return vt;
    aiops_buf *a = &f->s.attrs;
    s = txt(f, &n);
    if (kind == V_STRING || kind == V_BYTES) {
        if (vt != AIOPS_JT_STR)
            return BAIL;
        aiops_buf_jstrn(a, s, n);
    } else if (kind == V_BOOL) {
        if (vt != AIOPS_JT_TRUE && vt != AIOPS_JT_FALSE)
            return BAIL;
        if (vt == AIOPS_JT_TRUE)
            aiops_buf_put(a, "true", 4);
        else
            aiops_buf_put(a, "false", 5);
    } else if (kind == V_INT) {
        int64_t x;
        if (int_tok(f, vt, &x))
            return BAIL;
        put_int(a, x);
    } else if (kind == V_ARRAY || kind == V_KVLIST) {
        int rc;
        if (vt != AIOPS_JT_OBJ)
            return BAIL;
        if ((rc = kind == V_ARRAY ? array_tok(f, depth, err) : kvlist_tok(f, depth, err)))
            return rc;
    } else {
        if (vt == AIOPS_JT_STR)
            aiops_buf_jstrn(a, s, n);
        else if (vt != AIOPS_JT_NUM || (s[0] == '-' && s[1] == '0'))
            return BAIL;       /* -0 and -0.0: the tree prints them its way */
        else if (strpbrk(s, ".eE"))
            aiops_buf_num(a, strtod(s, NULL));
        else
            aiops_buf_put(a, s, n);
    }
    return (t = nx(f, err)) == AIOPS_JT_OBJ_END ? 0 : t < 0 ? t : BAIL;
}

/* [{"key":..,"value":{..}}] (after its '[') into f->s.attrs as members,
 * each key once ("key" first, then "value"). */
static int kv_list(fast *f, aiops_err *err)
{
    int t, rc;
    while ((t = nx(f, err)) == AIOPS_JT_OBJ) {
        size_t kl;
        if ((t = nx(f, err)) != AIOPS_JT_KEY || strcmp(txt(f, NULL), "key") != 0 ||
            (t = nx(f, err)) != AIOPS_JT_STR)
            return t < 0 ? t : BAIL;
        const char *key = txt(f, &kl);
        int svc = kl == 12 && memcmp(key, "service.name", 12) == 0;
        if (aiops_tok_attr_key(&f->s, key, kl))
            return BAIL;
        if ((t = nx(f, err)) != AIOPS_JT_KEY || strcmp(txt(f, NULL), "value") != 0 ||
            (t = nx(f, err)) != AIOPS_JT_OBJ)
            return t < 0 ? t : BAIL;
        int empty;
        size_t at = f->s.attrs.n;
        if ((rc = any_tok(f, 0, &empty, err)))
            return rc;
        if (empty)
            return BAIL;       /* the tree leaves the key out */
        if (svc) {
            f->svc_at = at;
            f->svc_end = f->s.attrs.n;
        }
        if ((t = nx(f, err)) != AIOPS_JT_OBJ_END)
            return t < 0 ? t : BAIL;
    }
    return t < 0 ? t : t == AIOPS_JT_ARR_END ? 0 : BAIL;
}

/* "attributes": an array, or null. */
static int attributes_tok(fast *f, aiops_err *err)
{
    int t = nx(f, err);
    if (t == AIOPS_JT_NULL || t < 0)
        return t < 0 ? t : 0;
    return t == AIOPS_JT_ARR ? kv_list(f, err) : BAIL;
}

typedef struct span_ctx {
    char tid[33], sid[33], pid[33];
    size_t name;
    int64_t start, end;
    int has_start, has_end, kind, status;
    size_t msg;
} span_ctx;

static const char *const status_members[] = { "code", "message", NULL };

static int status_member(void *self, void *ctx, unsigned key, aiops_err *err)
{
    fast *f = self;
    span_ctx *c = ctx;
    int t = nx(f, err);
    if (t < 0)
        return t;
    if (key == 0)
        return t == AIOPS_JT_NULL ? 0 : enum_tok(f, t, status_enums, 3, &c->status);
    if (t != AIOPS_JT_STR)
        return BAIL;
    size_t n;
    const char *s = txt(f, &n);
    c->msg = n ? aiops_tok_keep_json(&f->s, s, n) : (size_t)-1;
    return 0;
}

static const char *const span_members[] = {
    "traceId", "spanId", "parentSpanId", "name", "kind", "startTimeUnixNano", "endTimeUnixNano",
    "attributes", "status", "flags", "traceState", "droppedAttributesCount", "events",
    "droppedEventsCount", "links", "droppedLinksCount", NULL
};

enum { S_TID, S_SID, S_PID, S_NAME, S_KIND, S_START, S_END, S_ATTRS, S_STATUS };

static int span_member(void *self, void *ctx, unsigned key, aiops_err *err)
{
    fast *f = self;
    span_ctx *c = ctx;
    int t;
    if (key > S_STATUS)
        return skip(f, err);
    if (key == S_ATTRS)
        return attributes_tok(f, err);
    if ((t = nx(f, err)) < 0)
        return t;
    if (key == S_STATUS)
        return t == AIOPS_JT_OBJ ? members(f, c, status_member, status_members, err) : BAIL;
    if (key == S_KIND)
        return enum_tok(f, t, kind_enums, 6, &c->kind);
    if (key == S_START || key == S_END) {
        int64_t *x = key == S_START ? &c->start : &c->end;
        *(key == S_START ? &c->has_start : &c->has_end) = 1;
        return int_tok(f, t, x) || *x < 0 ? BAIL : 0;
    }
    if (t != AIOPS_JT_STR)
        return BAIL;
    size_t n;
    const char *s = txt(f, &n);
    if (key == S_NAME) {
        c->name = aiops_tok_keep_json(&f->s, s, n);
        return 0;
    }
    char *buf = key == S_TID ? c->tid : key == S_SID ? c->sid : c->pid;
    if (n == 0)
        return key == S_PID ? 0 : BAIL;
    return id_hex(s, n, buf) ? 0 : BAIL;
}

/* One span, after its '{', kept in f->s (its service set with its
 * resource's). */
static int fast_span(fast *f, aiops_err *err)
{
    span_ctx c;
    int rc;
    memset(&c, 0, sizeof c);
    c.name = c.msg = (size_t)-1;
    aiops_tok_attrs_reset(&f->s);
    if ((rc = members(f, &c, span_member, span_members, err)))
        return rc;
    if (!c.tid[0] || !c.sid[0] || c.name == (size_t)-1 || !c.has_start || !c.has_end ||
        c.end < c.start)
        return BAIL;
    /* kind and the status message are set after the attributes: one of
     * those names among them would be replaced in place */
    if (f->s.nattr && (aiops_tok_has_attr(&f->s, "span.kind") ||
                       aiops_tok_has_attr(&f->s, "otel.status_description")))
        return BAIL;
    aiops_buf *a = &f->s.attrs;
    if (kind_names[c.kind]) {
        aiops_buf_str(a, f->s.nattr++ ? ",\"span.kind\":\"" : "\"span.kind\":\"");
        aiops_buf_str(a, kind_names[c.kind]);
        aiops_buf_put(a, "\"", 1);
    }
    if (c.msg != (size_t)-1) {
        aiops_buf_str(a, f->s.nattr++ ? ",\"otel.status_description\":"
                                      : "\"otel.status_description\":");
        aiops_buf_str(a, f->s.arena.p + c.msg);
    }
    aiops_tok_span *sp = aiops_tok_span_add(&f->s);
    if (!sp)
        return BAIL;
    sp->tid = aiops_tok_keep(&f->s, c.tid, strlen(c.tid));
    sp->sid = aiops_tok_keep(&f->s, c.sid, strlen(c.sid));
    sp->parent = aiops_tok_keep(&f->s, c.pid, strlen(c.pid));
    sp->op = c.name;
    sp->error = c.status == 2;
    sp->status = aiops_tok_keep_json(&f->s, status_names[c.status],
                                     strlen(status_names[c.status]));
    aiops_tok_span_attrs(&f->s, sp);
    sp->ts = (double)(c.start / 1000000000) + (double)(c.start % 1000000000) / 1e9;
    sp->dur = c.end - c.start;
    sp->dur_digits = 9;
    return 0;
}

static const char *const scope_members[] = { "spans", "scope", "schemaUrl", NULL };

static int scope_member(void *self, void *ctx, unsigned key, aiops_err *err)
{
    fast *f = self;
    int t, rc;
    (void)ctx;
    if (key > 0)
        return skip(f, err);
    if ((t = nx(f, err)) != AIOPS_JT_ARR)
        return t < 0 ? t : BAIL;
    while ((t = nx(f, err)) == AIOPS_JT_OBJ)
        if ((rc = fast_span(f, err)))
            return rc;
    return t < 0 ? t : t == AIOPS_JT_ARR_END ? 0 : BAIL;
}

/* The resource's attributes: checked as the tree checks them, only
 * service.name kept. */
static int resource_attrs(fast *f, aiops_err *err)
{
    aiops_tok_attrs_reset(&f->s);
    int rc = attributes_tok(f, err);
    if (rc)
        return rc;
    if (!aiops_tok_has_attr(&f->s, "service.name"))
        return 0;
    /* a plain string value only: escapes and other types give up */
    const char *v = f->s.attrs.p + f->svc_at;
    size_t n = f->svc_end - f->svc_at;
    if (n < 3 || v[0] != '"' || v[n - 1] != '"' || memchr(v + 1, '"', n - 2) ||
        memchr(v + 1, '\\', n - 2))
        return BAIL;
    f->svc = aiops_tok_keep(&f->s, v, n);   /* with its quotes */
    return 0;
}

static const char *const res_members[] = { "attributes", "droppedAttributesCount", NULL };

static int res_member(void *self, void *ctx, unsigned key, aiops_err *err)
{
    fast *f = self;
    (void)ctx;
    return key ? skip(f, err) : resource_attrs(f, err);
}

static const char *const rs_members[] = { "resource", "scopeSpans",
                                          "instrumentationLibrarySpans", "schemaUrl", NULL };

static int rs_member(void *self, void *ctx, unsigned key, aiops_err *err)
{
    fast *f = self;
    int *scopes = ctx, t, rc;
    if (key == 3)
        return skip(f, err);
    if ((t = nx(f, err)) < 0)
        return t;
    if (key == 0)
        return t == AIOPS_JT_OBJ ? members(f, NULL, res_member, res_members, err) : BAIL;
    if (t != AIOPS_JT_ARR || (*scopes)++)
        return BAIL;            /* both scope keys: the tree reads the first */
    while ((t = nx(f, err)) == AIOPS_JT_OBJ)
        if ((rc = members(f, NULL, scope_member, scope_members, err)))
            return rc;
    return t < 0 ? t : t == AIOPS_JT_ARR_END ? 0 : BAIL;
}

/* A resource after its '{', its spans added to f->s: 0 read, BAIL, or
 * <0. */
static int fast_resource(fast *f, aiops_err *err)
{
    int scopes = 0;
    size_t first = f->s.nsp;
    f->svc = (size_t)-1;
    int rc = members(f, &scopes, rs_member, rs_members, err);
    if (rc)
        return rc;
    if (f->s.oom || f->svc == (size_t)-1)
        return BAIL;
    for (size_t i = first; i < f->s.nsp; i++)
        f->s.sp[i].svc = f->svc;
    return 0;
}

/* A collector line {"resourceSpans":[..]} (or "batches") of the usual
 * shape, from its tokens (after the reset over the line): 0 with its
 * spans in f->s, BAIL (anything else: the line is read as a tree), or
 * <0 a tokenizer error, which the tree reports again its way. */
static int fast_line(fast *f, aiops_err *err)
{
    int t;
    aiops_tok_spans_reset(&f->s);
    f->s.p = f->line;
    if ((t = nx(f, err)) != AIOPS_JT_OBJ || (t = nx(f, err)) != AIOPS_JT_KEY)
        return t < 0 ? t : BAIL;
    const char *k = txt(f, NULL);
    if ((strcmp(k, "resourceSpans") != 0 && strcmp(k, "batches") != 0) ||
        (t = nx(f, err)) != AIOPS_JT_ARR)
        return t < 0 ? t : BAIL;
    while ((t = nx(f, err)) == AIOPS_JT_OBJ) {
        int rc = fast_resource(f, err);
        if (rc)
            return rc;
    }
    if (t != AIOPS_JT_ARR_END || (t = nx(f, err)) != AIOPS_JT_OBJ_END ||
        (t = nx(f, err)) != AIOPS_JT_END)
        return t < 0 ? t : BAIL;   /* another member, or more on the line */
    return f->s.oom ? BAIL : 0;
}

/* ------------------------------------------------------ documents */

/* One resource at key[idx], after its first token. */
static int stream_resource(aiops_obs_pull *d, aiops_obs_queue *q, fast *f, int tok,
                           const char *key, size_t idx, aiops_err *err)
{
    json_t *v;
    aiops_jdoc w;
    int rc;
    if (q->text && tok == AIOPS_JT_OBJ) {
        long line = aiops_jpull_line(d->p), col = aiops_jpull_column(d->p);
        size_t depth = aiops_jpull_depth(d->p);
        d->raw.n = 0;
        aiops_jpull_copy_begin(d->p, &d->raw);
        aiops_tok_spans_reset(&f->s);
        f->s.p = d->p;
        rc = fast_resource(f, err);
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
    aiops_jdoc_key(&w, key);
    aiops_jdoc_idx(&w, idx);
    w.base = w.depth;
    rc = aiops_obs_leave_out(&w, q, load_resource(&w, q, v));
    json_decref(v);
    return rc;
}

/* The rest of a top-level object whose first member, key, is the array
 * of resources being read (after its '['): the resources stream; the
 * other members are read whole.  A "batches" after a "resourceSpans"
 * is the one the tree path reads: the records streamed are dropped. */
static int stream_envelope(aiops_obs_pull *d, aiops_obs_queue *q, fast *f, const char *key,
                           aiops_err *err)
{
    size_t seq0 = q->seq, nbad0 = q->nbad;
    int rc = 0, t;
    for (size_t i = 0; rc == 0; i++) {
        if ((t = aiops_jpull_next(d->p, err)) < 0 || t == AIOPS_JT_ARR_END)
            break;
        rc = stream_resource(d, q, f, t, key, i, err);
    }
    if (rc < 0 || t < 0)
        return rc < 0 ? rc : t;
    json_t *batches = NULL, *seen = json_object();
    long bline = 0;
    while (rc == 0 && (t = aiops_jpull_next(d->p, err)) == AIOPS_JT_KEY) {
        const char *name = aiops_jpull_text(d->p, NULL);
        int is_b = strcmp(name, "batches") == 0 && strcmp(key, "batches") != 0;
        if (!seen)
            return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(d->ctx->stream),
                                 aiops_jpull_line(d->p), "out of memory");
        if (strcmp(name, key) == 0 || json_object_get(seen, name)) {
            rc = aiops_obs_pull_duplicate(d, name, err);
            break;
        }
        if (json_object_set_new(seen, name, json_null())) {
            rc = aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(d->ctx->stream),
                               aiops_jpull_line(d->p), "out of memory");
            break;
        }
        json_t *v;
        aiops_jdoc w;
        int vt = aiops_jpull_next(d->p, err);
        if (vt < 0) {
            rc = vt;
            break;
        }
        if (is_b)
            bline = aiops_jpull_line(d->p);
        /* read whole (small members): the tree's syntax and repeat errors */
        if ((rc = aiops_obs_pull_value(d, vt, &v, &w, err)) < 0)
            break;
        rc = 0;
        if (is_b)
            batches = v;
        else
            json_decref(v);
    }
    json_decref(seen);
    if (rc < 0 || t < 0) {
        json_decref(batches);
        return rc < 0 ? rc : t;
    }
    if (!batches)
        return 0;
    aiops_jdoc w = { .file = aiops_stream_name(d->ctx->stream), .err = err, .line0 = bline };
    json_t *top = json_object();
    if (!top || json_object_set_new(top, "batches", batches))
        rc = aiops_jdoc_fail(&w, AIOPS_ENOMEM, "out of memory");
    else if (aiops_obs_queue_cut(q, seq0, nbad0) < 0)
        rc = aiops_jdoc_fail(&w, AIOPS_ELIMIT, "expected \"resourceSpans\" or \"batches\", not "
                             "both (too many spans in \"resourceSpans\" to drop them)");
    else
        rc = load_top(&w, q, top);
    json_decref(top);
    return rc;
}

/* A top-level object, after its '{': when its first member is the array
 * of resources it streams; anything else is read whole, as before. */
static int stream_object(aiops_obs_pull *d, aiops_obs_queue *q, fast *f, aiops_err *err)
{
    long line = aiops_jpull_line(d->p), col = aiops_jpull_column(d->p);
    size_t depth = aiops_jpull_depth(d->p);
    json_t *v;
    aiops_jdoc w;
    int rc;
    char key[16] = "";
    d->raw.n = 0;
    aiops_jpull_copy_begin(d->p, &d->raw);
    int t = aiops_jpull_next(d->p, err);
    if (t == AIOPS_JT_KEY) {
        const char *k = aiops_jpull_text(d->p, NULL);
        if (strcmp(k, "resourceSpans") == 0 || strcmp(k, "batches") == 0)
            snprintf(key, sizeof key, "%s", k);
        if (key[0] && (t = aiops_jpull_next(d->p, err)) == AIOPS_JT_ARR) {
            if ((rc = aiops_jpull_copy_end(d->p, err)) < 0)
                return rc;
            return stream_envelope(d, q, f, key, err);
        }
    }
    rc = t < 0 ? t : aiops_obs_pull_drain(d, depth, err);
    if ((rc = aiops_obs_pull_reread(d, line, col, rc, &v, &w, err)) < 0)
        return rc;
    rc = load_top(&w, q, v);
    json_decref(v);
    return rc;
}

static int stream_doc(aiops_parse_ctx *ctx, aiops_obs_queue *q, aiops_err *err)
{
    aiops_obs_pull d;
    fast f;
    json_t *v;
    aiops_jdoc w;
    memset(&f, 0, sizeof f);
    int rc = aiops_obs_pull_open(&d, ctx, WHAT, NULL, err), t = 0;
    while (rc == 0 && (t = aiops_jpull_next(d.p, err)) > 0) {
        if (t == AIOPS_JT_OBJ) {
            rc = stream_object(&d, q, &f, err);
        } else if ((rc = aiops_obs_pull_value(&d, t, &v, &w, err)) == 1) {
            rc = load_top(&w, q, v);
            json_decref(v);
        }
    }
    aiops_obs_pull_close(&d);
    fast_free(&f);
    return rc < 0 ? rc : t < 0 ? t : 0;
}

/* Collector files: one request per line, each read whole; a line with an
 * error is left out (--skip-bad goes on with the next line).  With
 * raw-text records a line of the usual shape is read from its tokens
 * (fast_line); any other is read as a tree, as always. */
static int stream_lines(aiops_parse_ctx *ctx, aiops_obs_queue *q, aiops_err *err)
{
    aiops_obs_doc doc;
    fast f;
    memset(&f, 0, sizeof f);
    int rc = aiops_obs_doc_open(&doc, ctx, AIOPS_OBS_LINES, NULL, err);
    doc.what = WHAT;
    if (rc == 0 && q->text && !(f.line = aiops_jpull_new(aiops_jpull_mem_read, &f.mem, NULL)))
        rc = aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(ctx->stream), 0, "out of memory");
    while (rc == 0) {
        json_t *v;
        aiops_jdoc w = { .err = err };
        char *line;
        size_t len;
        if ((rc = aiops_obs_doc_line(&doc, &line, &len, err)) > 0) {
            long no = aiops_stream_lineno(ctx->stream);
            if (f.line) {
                aiops_err e2 = { 0 };   /* a syntax error: the tree reports it */
                f.mem = (aiops_jpull_mem){ line, len, 0, 0 };
                aiops_jpull_reset(f.line, aiops_jpull_mem_read, &f.mem);
                if (fast_line(&f, &e2) == 0) {
                    rc = aiops_tok_spans_push(&f.s, q, aiops_stream_name(ctx->stream), no, err);
                    continue;
                }
            }
            rc = aiops_obs_doc_parse(&doc, line, len, no, &v, &w, err);
        }
        if (rc <= 0) {
            int stop = rc == 0 || rc == AIOPS_ELIMIT;   /* a line over the cap ends the entry */
            rc = aiops_obs_leave_out(&w, q, rc == AIOPS_ELIMIT ? AIOPS_EPARSE : rc);
            if (stop || rc < 0)
                break;
            continue;
        }
        rc = aiops_obs_leave_out(&w, q, load_top(&w, q, v));
        json_decref(v);
    }
    aiops_obs_doc_close(&doc);
    fast_free(&f);
    return rc;
}

static int otlp_stream(aiops_parse_ctx *ctx, aiops_obs_queue *q, aiops_err *err)
{
    aiops_err e2 = { 0 };      /* a failed peek: the real read reports it */
    return aiops_obs_first_line_is_value(ctx, &e2) ? stream_lines(ctx, q, err) : stream_doc(ctx, q, err);
}

static const aiops_obs_spec spec = {
    .what = WHAT,
    .sort = 1,
    .stream = otlp_stream,
};

static int otlp_open(void **state, aiops_parse_ctx *ctx, aiops_err *err)
{
    return aiops_obs_spec_open(state, ctx, &spec, err);
}

static int otlp_probe(const char *entry, const char *head, size_t n)
{
    size_t p = aiops_jhead_start(head, n);
    (void)entry;
    if (p >= n || head[p] != '{')
        return 0;
    if (aiops_jhead_member(head, n, 1, "resourceSpans", NULL))
        return 95;
    if (aiops_jhead_member(head, n, 1, "batches", NULL) &&
        (aiops_jhead_member(head, n, 3, "scopeSpans", NULL) ||
         aiops_jhead_member(head, n, 3, "instrumentationLibrarySpans", NULL) ||
         aiops_jhead_member(head, n, 3, "resource", NULL)))
        return 90;
    return 0;
}

const aiops_format aiops_fmt_otlp = {
    .name = "otlp",
    .desc = "OpenTelemetry OTLP/JSON traces (resourceSpans; collector file exporter, Tempo)",
    .ordered = 1,
    .probe = otlp_probe,
    .open = otlp_open,
    .next = aiops_obs_spec_next,
    .close = aiops_obs_spec_close,
};
