/* fmt_loki.c - Grafana Loki logs: `logcli query --output=jsonl` lines
 *   {"labels":{"app":"api"},"line":"...","timestamp":"2024-01-02T03:04:05.123456789Z"}
 * and /loki/api/v1/query_range (or query) responses with resultType
 * "streams":
 *   {"status":"success","data":{"resultType":"streams","result":[
 *     {"stream":{"app":"api"},"values":[["1704164645123456789","line"],...]}]}}
 * Loki 3 may add a third element to a value: structured metadata, flat or
 * as {"structuredMetadata":{...},"parsed":{...}}; it is merged into labels.
 *
 * Each line becomes a log record: labels = the stream labels, service by
 * attribution over them, level from a level/detected_level/severity label
 * or else from the text, trace_id/span_id from labels or the text.
 * logcli prints newest first by default (--direction backward), and a
 * response holds stream after stream, so `ordered = 0`: the reader sorts.
 * The entry is read as a sequence of JSON values, so several jsonl lines,
 * pretty-printed responses and concatenated pages all work. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "formats/obs.h"

static const char *const msg_keys[] = { "line", "values", NULL };
static const char *const level_keys[] = { "level", "detected_level", "severity", "lvl", NULL };
static const char *const trace_keys[] = { "trace_id", "traceID", "traceId", NULL };
static const char *const span_keys[] = { "span_id", "spanID", "spanId", NULL };

/* Copy string members of src into labels; anything else is an error. */
static int add_labels(aiops_jdoc *w, json_t *src, json_t *labels)
{
    const char *k;
    json_t *v;
    json_object_foreach(src, k, v) {
        if (!json_is_string(v))
            return aiops_jdoc_wrong(w, k, v, "a string label value");
        if (json_object_set(labels, k, v))
            return aiops_jdoc_fail(w, AIOPS_ENOMEM, "out of memory");
    }
    return 0;
}

/* The log record of a line with its labels (text: the line; tid, sid:
 * >= 65 bytes for ids found in it). */
static void fill_log(aiops_obs_log *l, const aiops_obs_flat *labels, const char *text, size_t n,
                     char *tid, char *sid)
{
    const char *lv = aiops_obs_flat_first(labels, level_keys, NULL);
    *l = (aiops_obs_log){
        .service = aiops_obs_flat_service(labels),
        .level = lv ? aiops_obs_level_name(lv, strlen(lv)) : NULL,
        .msg = text,
        .msg_len = n,
        .flat_labels = labels,
        .trace_id = aiops_obs_flat_first(labels, trace_keys, NULL),
        .span_id = aiops_obs_flat_first(labels, span_keys, NULL),
    };
    if (!l->trace_id && aiops_obs_text_id(text, n, trace_keys, tid))
        l->trace_id = tid;
    if (!l->span_id && aiops_obs_text_id(text, n, span_keys, sid))
        l->span_id = sid;
    if (!l->level)
        l->level = aiops_obs_level_text(text, n);
}

/* One line with its labels (string members, in order) into the queue. */
static int emit(aiops_jdoc *w, aiops_obs_queue *q, double ts, json_t *labels, json_t *line)
{
    char tid[65], sid[65];
    const char *text = json_string_value(line), *k;
    size_t n = json_string_length(line);
    aiops_obs_flat f = { 0 };
    aiops_obs_log l;
    json_t *v;
    int rc = 0;
    json_object_foreach(labels, k, v)
        if ((rc = aiops_obs_flat_set(&f, k, strlen(k), json_string_value(v),
                                     json_string_length(v))))
            break;
    if (rc)
        rc = aiops_jdoc_fail(w, AIOPS_ENOMEM, "out of memory");
    else {
        fill_log(&l, &f, text, n, tid, sid);
        l.bad_utf8 = w->repaired ? aiops_obs_count_fffd(text, n) : 0;
        rc = aiops_obs_push_log(w, q, ts, &l);
    }
    aiops_obs_flat_free(&f);
    return rc;
}

/* --------------------------------------------------- logcli jsonl */

static int load_jsonl(aiops_jdoc *w, aiops_obs_queue *q, json_t *v)
{
    json_t *lab = NULL, *labels;
    const char *text;
    double ts;
    int rc;
    if ((rc = aiops_jdoc_obj(w, v, "labels", 0, &lab)) < 0 ||
        (rc = aiops_jdoc_str(w, v, "line", AIOPS_OBS_REQ, &text)) < 0 ||
        (rc = aiops_jdoc_epoch(w, v, "timestamp", AIOPS_OBS_REQ, &ts)) < 0)
        return rc;
    if (!(labels = json_object()))
        return aiops_jdoc_fail(w, AIOPS_ENOMEM, "out of memory");
    aiops_jdoc_key(w, "labels");
    rc = lab ? add_labels(w, lab, labels) : 0;
    aiops_jdoc_pop(w);
    if (rc == 0)
        rc = emit(w, q, ts, labels, json_object_get(v, "line"));
    json_decref(labels);
    return rc;
}

/* A logcli line in its plain shape, {"labels":{"k":"v",...},"line":"...",
 * "timestamp":"<RFC 3339>"} (members in any order, labels optional), read
 * from its tokens without a tree: the fast path of raw-text reads
 * (aiops_obs_spec.fast_flat; the labels go into f, the line into f->val).
 * Anything else (other members, repeated names, other types, epoch-number
 * times, invalid UTF-8, a syntax error, more than AIOPS_OBS_FLAT_MAX
 * labels) returns 0 and the line is read by load_jsonl as always. */
static int fast_jsonl(aiops_jpull *p, aiops_obs_queue *q, aiops_obs_flat *f)
{
    aiops_err e;
    const char *s;
    size_t n;
    double ts = 0;
    int tok, have_line = 0, have_ts = 0, have_labels = 0;
    if (aiops_jpull_next(p, &e) != AIOPS_JT_OBJ)
        return 0;
    f->val.n = 0;
    while ((tok = aiops_jpull_next(p, &e)) == AIOPS_JT_KEY) {
        s = aiops_jpull_text(p, &n);
        if (n == 4 && !memcmp(s, "line", 4) && !have_line) {
            if (aiops_jpull_next(p, &e) != AIOPS_JT_STR)
                return 0;
            s = aiops_jpull_text(p, &n);
            aiops_buf_put(&f->val, s, n);
            have_line = 1;
        } else if (n == 9 && !memcmp(s, "timestamp", 9) && !have_ts) {
            int64_t i;
            if (aiops_jpull_next(p, &e) != AIOPS_JT_STR)
                return 0;
            s = aiops_jpull_text(p, &n);
            if (aiops_parse_int64(s, n, &i) == 0 || aiops_parse_time(s, n, &ts) < 0 ||
                !isfinite(ts))
                return 0;
            have_ts = 1;
        } else if (n == 6 && !memcmp(s, "labels", 6) && !have_labels) {
            have_labels = 1;
            if (aiops_jpull_next(p, &e) != AIOPS_JT_OBJ)
                return 0;
            while ((tok = aiops_jpull_next(p, &e)) == AIOPS_JT_KEY) {
                s = aiops_jpull_text(p, &n);
                /* the name is kept in f->name while the value is read */
                f->name.n = 0;
                aiops_buf_put(&f->name, s, n);
                if (f->name.oom || f->n >= AIOPS_OBS_FLAT_MAX ||
                    aiops_obs_flat_get(f, f->name.p, NULL) ||
                    aiops_jpull_next(p, &e) != AIOPS_JT_STR)
                    return f->name.oom ? AIOPS_ENOMEM : 0;
                s = aiops_jpull_text(p, &n);
                if (aiops_obs_flat_set(f, f->name.p, f->name.n, s, n))
                    return AIOPS_ENOMEM;
            }
            if (tok != AIOPS_JT_OBJ_END)
                return 0;
        } else {
            return 0;
        }
    }
    if (tok != AIOPS_JT_OBJ_END || !have_line || !have_ts ||
        aiops_jpull_next(p, &e) != AIOPS_JT_END)
        return 0;
    if (f->val.oom)
        return AIOPS_ENOMEM;
    char tid[65], sid[65];
    aiops_obs_log l;
    fill_log(&l, f, f->val.n ? f->val.p : "", f->val.n, tid, sid);
    aiops_obs_log_text(&q->scratch, &l);
    int rc = aiops_obs_queue_push_scratch(q, AIOPS_R_LOG, ts);
    return rc < 0 ? rc : 1;
}

/* ----------------------------------------------- query_range response */

/* Loki 3 structured metadata: {"k":"v"} or {"structuredMetadata":{..},
 * "parsed":{..}} (with the categorize-labels header). */
static int add_metadata(aiops_jdoc *w, json_t *meta, json_t *labels)
{
    static const char *const parts[] = { "structuredMetadata", "parsed", NULL };
    int grouped = 0, rc = 0;
    if (!json_is_object(meta))
        return aiops_jdoc_bad(w, "expected structured metadata as an object, got %s",
                              aiops_jdoc_type(meta));
    for (size_t i = 0; parts[i] && rc == 0; i++) {
        json_t *g = json_object_get(meta, parts[i]);
        if (!g)
            continue;
        grouped = 1;
        aiops_jdoc_key(w, parts[i]);
        rc = json_is_object(g) ? add_labels(w, g, labels)
                               : aiops_jdoc_bad(w, "expected an object, got %s", aiops_jdoc_type(g));
        aiops_jdoc_pop(w);
    }
    return grouped || rc ? rc : add_labels(w, meta, labels);
}

static int load_value(aiops_jdoc *w, aiops_obs_queue *q, json_t *stream, json_t *pair)
{
    json_t *t = json_array_get(pair, 0), *line = json_array_get(pair, 1), *labels;
    size_t size = json_array_size(pair);
    double ts;
    int rc;
    if (!json_is_array(pair) || size < 2 || size > 3)
        return aiops_jdoc_bad(w, "expected a [\"<ns timestamp>\", \"<line>\"] pair, got %s%s",
                              aiops_jdoc_type(pair), json_is_array(pair) ? " of another size" : "");
    aiops_jdoc_idx(w, 0);
    rc = aiops_jdoc_epoch_value(w, t, &ts);
    aiops_jdoc_pop(w);
    if (rc)
        return rc;
    if (!json_is_string(line)) {
        aiops_jdoc_idx(w, 1);
        rc = aiops_jdoc_bad(w, "expected the log line as a string, got %s", aiops_jdoc_type(line));
        aiops_jdoc_pop(w);
        return rc;
    }
    if (!(labels = json_deep_copy(stream)))
        return aiops_jdoc_fail(w, AIOPS_ENOMEM, "out of memory");
    if (size == 3) {
        aiops_jdoc_idx(w, 2);
        rc = add_metadata(w, json_array_get(pair, 2), labels);
        aiops_jdoc_pop(w);
    }
    if (rc == 0)
        rc = emit(w, q, ts, labels, line);
    json_decref(labels);
    return rc;
}

static int load_stream(aiops_jdoc *w, aiops_obs_queue *q, json_t *s)
{
    json_t *labels, *values;
    int rc;
    if (!json_is_object(s))
        return aiops_jdoc_bad(w, "expected a stream object, got %s", aiops_jdoc_type(s));
    if ((rc = aiops_jdoc_obj(w, s, "stream", AIOPS_OBS_REQ, &labels)) < 0 ||
        (rc = aiops_jdoc_arr(w, s, "values", AIOPS_OBS_REQ, &values)) < 0)
        return rc;
    json_t *flat = json_object();
    if (!flat)
        return aiops_jdoc_fail(w, AIOPS_ENOMEM, "out of memory");
    aiops_jdoc_key(w, "stream");
    rc = add_labels(w, labels, flat);
    aiops_jdoc_pop(w);
    aiops_jdoc_key(w, "values");
    for (size_t i = 0; i < json_array_size(values) && rc == 0; i++) {
        aiops_jdoc_idx(w, i);
        rc = load_value(w, q, flat, json_array_get(values, i));
        aiops_jdoc_pop(w);
    }
    aiops_jdoc_pop(w);
    json_decref(flat);
    return rc;
}

static int load_data(aiops_jdoc *w, aiops_obs_queue *q, json_t *data)
{
    const char *rtype;
    json_t *result;
    int rc;
    if (!json_is_object(data))
        return aiops_jdoc_bad(w, "expected an object with \"resultType\" and \"result\", got %s",
                              aiops_jdoc_type(data));
    if ((rc = aiops_jdoc_str(w, data, "resultType", AIOPS_OBS_REQ, &rtype)) < 0)
        return rc;
    if (strcmp(rtype, "streams") != 0) {
        aiops_jdoc_key(w, "resultType");
        rc = aiops_jdoc_bad(w, "expected resultType \"streams\" (log lines), got '%.40s' (metric "
                               "query results are read by the prom-api format)", rtype);
        aiops_jdoc_pop(w);
        return rc;
    }
    if ((rc = aiops_jdoc_arr(w, data, "result", AIOPS_OBS_REQ, &result)) < 0)
        return rc;
    return aiops_obs_each(w, q, result, "result", load_stream);
}

static int load_response(aiops_jdoc *w, aiops_obs_queue *q, json_t *v)
{
    const char *status = NULL;
    int rc = aiops_jdoc_str(w, v, "status", 0, &status);
    if (rc < 0)
        return rc;
    if (status && strcmp(status, "success") != 0) {
        const char *msg = NULL;
        json_t *e = json_object_get(v, "error");
        if (json_is_string(e))
            msg = json_string_value(e);
        aiops_jdoc_key(w, "status");
        rc = aiops_jdoc_bad(w, "the Loki API returned status '%.40s': %.300s", status,
                            msg ? msg : "no error text");
        aiops_jdoc_pop(w);
        return rc;
    }
    json_t *data = json_object_get(v, "data");
    if (!data)
        return load_data(w, q, v);         /* a bare data object */
    aiops_jdoc_key(w, "data");
    rc = load_data(w, q, data);
    aiops_jdoc_pop(w);
    return rc;
}

static int load_value_top(aiops_jdoc *w, aiops_obs_queue *q, json_t *v)
{
    if (!json_is_object(v))
        return aiops_jdoc_bad(w, "expected a logcli JSON line or a query_range response object, "
                                 "got %s", aiops_jdoc_type(v));
    if (json_object_get(v, "line"))
        return load_jsonl(w, q, v);
    if (json_object_get(v, "data") || json_object_get(v, "status") ||
        json_object_get(v, "resultType"))
        return load_response(w, q, v);
    return aiops_jdoc_bad(w, "expected a logcli JSON line {\"labels\",\"line\",\"timestamp\"} or "
                             "a query_range response {\"status\",\"data\"}");
}

/* ---------------------------------------------------------- interface */

static const aiops_obs_spec spec = {
    .mode = AIOPS_OBS_AUTO,
    .msgkeys = msg_keys,
    .what = "a Loki logcli JSON line or query_range JSON document",
    .sort = 0,
    .load = load_value_top,
    .fast_flat = fast_jsonl,
};

static int loki_open(void **state, aiops_parse_ctx *ctx, aiops_err *err)
{
    return aiops_obs_spec_open(state, ctx, &spec, err);
}

/* logcli lines: "labels" and "line" at the top; a response: resultType
 * "streams" (above prom-api, which claims any resultType). */
static int loki_probe(const char *entry, const char *head, size_t n)
{
    const char *v = NULL;
    size_t p = aiops_jhead_start(head, n);
    (void)entry;
    if (p >= n || head[p] != '{' || (aiops_jhead_member(head, n, 1, "type", NULL) &&
                                     aiops_jhead_member(head, n, 1, "ts", NULL)))
        return 0;
    if ((aiops_jhead_member(head, n, 2, "resultType", &v) ||
         aiops_jhead_member(head, n, 1, "resultType", &v)) &&
        aiops_jhead_is(v, head + n, "streams"))
        return 98;
    if (aiops_jhead_member(head, n, 1, "line", NULL) &&
        (aiops_jhead_member(head, n, 1, "labels", NULL) ||
         aiops_jhead_member(head, n, 1, "timestamp", NULL)))
        return 95;
    return 0;
}

const aiops_format aiops_fmt_loki = {
    .name = "loki",
    .desc = "Loki logs: logcli --output=jsonl lines, query_range \"streams\" JSON",
    .ordered = 0,
    .probe = loki_probe,
    .open = loki_open,
    .next = aiops_obs_spec_next,
    .close = aiops_obs_spec_close,
};
