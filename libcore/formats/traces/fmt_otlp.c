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
 * carried.  Spans come resource by resource, in no time order:
 * `ordered = 0`, the reader sorts; collector files (one request per line)
 * are read line by line. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "formats/obs.h"

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

static int span_id(aiops_jdoc *w, json_t *span, const char *key, int req, char *buf)
{
    const char *s = NULL;
    int rc = aiops_jdoc_str(w, span, key, req ? AIOPS_OBS_REQ : 0, &s);
    size_t n = s ? strlen(s) : 0;
    buf[0] = '\0';
    if (rc < 0 || n == 0)
        return rc < 0 ? rc : req ? aiops_jdoc_bad(w, "expected a non-empty \"%s\"", key) : 0;
    if ((n == 32 || n == 16) && aiops_obs_hex_id(s, n, buf))
        return 0;
    if (b64_hex(s, n, buf))
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
    static const char *const names[] = { "unset", "ok", "error" };
    static const char *const enums[] = { "STATUS_CODE_UNSET", "STATUS_CODE_OK",
                                         "STATUS_CODE_ERROR" };
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
    static const char *const kinds[] = { NULL, "internal", "server", "client", "producer",
                                         "consumer" };
    static const char *const enums[] = { "SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL",
                                         "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT",
                                         "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER" };
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

static const aiops_obs_spec spec = {
    .mode = AIOPS_OBS_AUTO,
    .what = "an OTLP/JSON trace document",
    .sort = 0,
    .load = load_top,
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
    .ordered = 0,
    .probe = otlp_probe,
    .open = otlp_open,
    .next = aiops_obs_spec_next,
    .close = aiops_obs_spec_close,
};
