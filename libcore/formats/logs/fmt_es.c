/* fmt_es.c - Elasticsearch / OpenSearch log documents:
 *  - `_search` and scroll responses ({"hits":{"hits":[{"_source":{...}}]}}),
 *    one or several pages one after another;
 *  - NDJSON exports: one hit ({"_index":..,"_source":{...}}) or one bare
 *    _source per line (elasticdump, `jq -c '.hits.hits[]'`), or a JSON
 *    array of either.
 *
 * Each _source becomes a log record: ts from @timestamp (or timestamp,
 * time, ts, date), message from message/log/msg, level from log.level /
 * level / severity or the text, service by attribution over the flattened
 * document (service.name, kubernetes.labels.app, kubernetes.container.name,
 * ...), every other field flattened into labels ("kubernetes.pod.name"),
 * plus the hit's _index.  A response that reports an error, a timeout or
 * failed shards is an error: its hits are incomplete.
 * Searches are sorted however the query asked (often newest first), so
 * `ordered = 0`: the reader sorts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "formats/obs.h"

static const char *const msg_keys[] = { "message", "log", "msg", "MESSAGE", NULL };
static const char *const ts_keys[] = { "@timestamp", "timestamp", "time", "ts", "date", NULL };

static int load_source(aiops_jdoc *w, aiops_obs_queue *q, json_t *src, json_t *extra)
{
    const char *tkey = NULL;
    double ts;
    int rc;
    if (!json_is_object(src))
        return aiops_jdoc_bad(w, "expected a document object, got %s", aiops_jdoc_type(src));
    if ((rc = aiops_obs_object_time(w, src, ts_keys, &tkey, &ts)) == 0)
        return aiops_jdoc_bad(w, "expected an \"@timestamp\" (or timestamp, time) field");
    if (rc < 0)
        return rc;
    return aiops_obs_object_log(w, src, tkey, extra, q, ts);
}

/* A hit: its _source, labelled with the index it came from. */
static int load_hit(aiops_jdoc *w, aiops_obs_queue *q, json_t *hit)
{
    json_t *src = NULL, *extra = NULL;
    const char *index = NULL;
    int rc;
    if (!json_is_object(hit))
        return aiops_jdoc_bad(w, "expected a hit object, got %s", aiops_jdoc_type(hit));
    if ((rc = aiops_jdoc_str(w, hit, "_index", 0, &index)) < 0 ||
        (rc = aiops_jdoc_obj(w, hit, "_source", 0, &src)) < 0)
        return rc;
    if (!src)
        return aiops_jdoc_bad(w, "expected \"_source\" in the hit (search with _source enabled; "
                                 "\"fields\" alone are not read)");
    if (index && !(extra = json_pack("{s:s}", "_index", index)))
        return aiops_jdoc_fail(w, AIOPS_ENOMEM, "out of memory");
    aiops_jdoc_key(w, "_source");
    rc = load_source(w, q, src, extra);
    aiops_jdoc_pop(w);
    json_decref(extra);
    return rc;
}

/* Printable excerpt of an optional string member (or of j itself). */
static const char *snip_str(json_t *j, const char *fallback, char *buf, size_t n)
{
    if (!json_is_string(j))
        return fallback;
    return aiops_snip(json_string_value(j), json_string_length(j), buf, n);
}

/* {"error":{"type":..,"reason":..},"status":404}, or "error":"text". */
static int api_error(aiops_jdoc *w, json_t *v)
{
    json_t *e = json_object_get(v, "error");
    char a[64], b[64];
    const char *type = snip_str(json_object_get(e, "type"), "no type", a, sizeof a);
    const char *reason = json_is_string(e) ? snip_str(e, "", b, sizeof b)
                                           : snip_str(json_object_get(e, "reason"), "no reason",
                                                      b, sizeof b);
    aiops_jdoc_key(w, "error");
    int rc = aiops_jdoc_bad(w, "Elasticsearch returned an error (%s): %s", type, reason);
    aiops_jdoc_pop(w);
    return rc;
}

/* Partial results would silently lose documents. */
static int complete(aiops_jdoc *w, json_t *resp)
{
    json_t *shards = json_object_get(resp, "_shards");
    json_t *failed = json_object_get(shards, "failed"), *total = json_object_get(shards, "total");
    int rc = 0;
    if (json_is_true(json_object_get(resp, "timed_out"))) {
        aiops_jdoc_key(w, "timed_out");
        rc = aiops_jdoc_bad(w, "the search timed out: its hits are incomplete");
    } else if (json_is_integer(failed) && json_integer_value(failed) > 0) {
        aiops_jdoc_key(w, "_shards");
        rc = aiops_jdoc_bad(w, "%" JSON_INTEGER_FORMAT " of %" JSON_INTEGER_FORMAT " shards "
                               "failed: the hits are incomplete",
                            json_integer_value(failed),
                            json_is_integer(total) ? json_integer_value(total) : (json_int_t)0);
    } else {
        return 0;
    }
    aiops_jdoc_pop(w);
    return rc;
}

static int load_response(aiops_jdoc *w, aiops_obs_queue *q, json_t *resp)
{
    json_t *hits, *list;
    int rc;
    if ((rc = complete(w, resp)) ||
        (rc = aiops_jdoc_obj(w, resp, "hits", AIOPS_OBS_REQ, &hits)) < 0)
        return rc;
    aiops_jdoc_key(w, "hits");
    if ((rc = aiops_jdoc_arr(w, hits, "hits", AIOPS_OBS_REQ, &list)) > 0)
        rc = aiops_obs_each(w, q, list, "hits", load_hit);
    aiops_jdoc_pop(w);
    return rc;
}

static int load_object(aiops_jdoc *w, aiops_obs_queue *q, json_t *v)
{
    if (!json_is_object(v))
        return aiops_jdoc_bad(w, "expected a hit or document object, got %s", aiops_jdoc_type(v));
    if (json_object_get(v, "hits") && !json_object_get(v, "@timestamp"))
        return load_response(w, q, v);
    if (json_object_get(v, "error") && !json_object_get(v, "_source") &&
        json_object_get(v, "status"))
        return api_error(w, v);
    if (json_object_get(v, "_source") || json_object_get(v, "_index"))
        return load_hit(w, q, v);
    return load_source(w, q, v, NULL);
}

static int load_value(aiops_jdoc *w, aiops_obs_queue *q, json_t *v)
{
    if (json_is_object(v))
        return load_object(w, q, v);
    return aiops_obs_each(w, q, v, NULL, load_object);
}

/* An NDJSON line of the usual shape read from its tokens without a
 * tree (aiops_obs_spec.fast_flat, raw-text reads): a hit whose first
 * member is one of the hit's own (_index, _id, _source, ...), or a bare
 * document.  The document is flattened from its tokens
 * (aiops_obs_flat_tokens) and made a log record by the rules of
 * aiops_obs_object_log.  Anything the tree path reads another way or
 * reports (a response, an API error, a missing or non-string time, a
 * number or epoch text as the time, arrays of other than plain scalars,
 * a repeated name, invalid UTF-8, a syntax error) returns 0 and the line
 * is read by load_value as always. */
/* Members of a line's top that make it a response, an API error or a
 * hit (after the time keys in the watch list of a bare document). */
static const char *const doc_watch[] = { "@timestamp", "timestamp", "time", "ts", "date",
                                         "hits", "_source", "_index", "error", "status", NULL };
#define NTS 5

/* The object just opened (or its first key read) flattened into f as a
 * log shipper's document, its time found: 1, 0 to give up, <0. */
static int fast_source(aiops_jpull *p, aiops_obs_flat *f, const char *const *watch, int *seen,
                       int key_read, double *ts, const char **tkey)
{
    aiops_err e;
    int rc = aiops_obs_flat_tokens(p, f, NULL, watch, seen, key_read, &e);
    if (rc <= 0)
        return rc;
    for (size_t i = 0; i < NTS; i++) {
        if (!seen[i])
            continue;
        size_t n;
        int64_t iv;
        const char *t = seen[i] == 2 ? aiops_obs_flat_get(f, ts_keys[i], &n) : NULL;
        /* only RFC 3339 text: numbers and digit strings are epochs, whose
         * unit the tree path decides */
        if (!t || aiops_parse_int64(t, n, &iv) == 0 || aiops_parse_time(t, n, ts) < 0 ||
            !isfinite(*ts))
            return 0;
        *tkey = ts_keys[i];
        return 1;
    }
    return 0;            /* no time: the tree path's message */
}

static int is_hit_member(const char *k, size_t n)
{
    static const char *const hit[] = { "_index", "_id", "_source", "_type", "_score",
                                       "_routing", "_version", "_seq_no", "_primary_term",
                                       "sort", "fields", "highlight", "_ignored", NULL };
    for (size_t i = 0; hit[i]; i++)
        if (strlen(hit[i]) == n && memcmp(hit[i], k, n) == 0)
            return 1;
    return 0;
}

static int fast_es(aiops_jpull *p, aiops_obs_queue *q, aiops_obs_flat *f)
{
    aiops_err e;
    int seen[12] = { 0 }, rc = 0, t;
    char index[256];
    size_t index_len = 0;
    const char *tkey = NULL, *k;
    double ts = 0;
    size_t n, nk = 0;
    if (aiops_jpull_next(p, &e) != AIOPS_JT_OBJ || aiops_jpull_next(p, &e) != AIOPS_JT_KEY)
        return 0;
    k = aiops_jpull_text(p, &n);
    if (!is_hit_member(k, n)) {
        /* a bare document: the line's object, none of a response's, an
         * error's or a hit's members in it */
        if ((rc = fast_source(p, f, doc_watch, seen, 1, &ts, &tkey)) <= 0)
            return rc;
        if (seen[NTS] || seen[NTS + 1] || seen[NTS + 2] || (seen[NTS + 3] && seen[NTS + 4]) ||
            aiops_jpull_next(p, &e) != AIOPS_JT_END)
            return 0;
        aiops_obs_flat_del(f, tkey);
        return aiops_obs_flat_log(f, q, ts);
    }
    /* a hit: _source flattened, _index kept, the rest checked and skipped */
    int have_src = 0, have_index = 0;
    uint64_t names[16];
    for (t = AIOPS_JT_KEY; t == AIOPS_JT_KEY; t = aiops_jpull_next(p, &e)) {
        k = aiops_jpull_text(p, &n);
        uint64_t h = aiops_fnv1a(AIOPS_FNV_OFFSET, k, n);
        if (nk == sizeof names / sizeof *names)
            return 0;
        for (size_t i = 0; i < nk; i++)
            if (names[i] == h)
                return 0;        /* repeated (or a hash collision): the tree */
        names[nk++] = h;
        if (n == 7 && !memcmp(k, "_source", 7)) {
            if (aiops_jpull_next(p, &e) != AIOPS_JT_OBJ ||
                (rc = fast_source(p, f, ts_keys, seen, 0, &ts, &tkey)) <= 0)
                return rc < 0 ? rc : 0;
            have_src = 1;
        } else if (n == 6 && !memcmp(k, "_index", 6)) {
            if (aiops_jpull_next(p, &e) != AIOPS_JT_STR)
                return 0;
            k = aiops_jpull_text(p, &n);
            if (n >= sizeof index)
                return 0;
            memcpy(index, k, n);
            index_len = n;
            have_index = 1;
        } else if ((n == 4 && !memcmp(k, "hits", 4)) || (n == 5 && !memcmp(k, "error", 5))) {
            return 0;
        } else if ((t = aiops_jpull_next(p, &e)) < 0 || aiops_obs_skip_unique(p, t, &e) != 0) {
            return 0;
        }
    }
    if (t != AIOPS_JT_OBJ_END || !have_src || aiops_jpull_next(p, &e) != AIOPS_JT_END)
        return 0;
    aiops_obs_flat_del(f, tkey);
    if (have_index && aiops_obs_flat_set(f, "_index", 6, index, index_len))
        return AIOPS_ENOMEM;
    return aiops_obs_flat_log(f, q, ts);
}

static const aiops_obs_spec spec = {
    .mode = AIOPS_OBS_AUTO,
    .msgkeys = msg_keys,
    .what = "an Elasticsearch search response, hit or document (JSON)",
    .sort = 0,
    .load = load_value,
    .fast_flat = fast_es,
};

static int es_open(void **state, aiops_parse_ctx *ctx, aiops_err *err)
{
    return aiops_obs_spec_open(state, ctx, &spec, err);
}

/* Responses and hits are unmistakable.  A bare document with @timestamp
 * is claimed at 50 (65 with ECS fields), above Fluent Bit's json_lines
 * with a generic time key (40), below its own "date" key (60). */
static int es_probe(const char *entry, const char *head, size_t n)
{
    size_t p = aiops_jhead_start(head, n);
    int d;
    (void)entry;
    if (p >= n || (head[p] != '{' && head[p] != '['))
        return 0;
    d = head[p] == '[' ? 2 : 1;
    if (aiops_jhead_member(head, n, 1, "type", NULL) && aiops_jhead_member(head, n, 1, "ts", NULL))
        return 0;
    if (d == 1 && (aiops_jhead_member(head, n, 1, "_scroll_id", NULL) ||
                   (aiops_jhead_member(head, n, 1, "hits", NULL) &&
                    aiops_jhead_member(head, n, 2, "hits", NULL))))
        return 95;
    if (aiops_jhead_member(head, n, d, "_source", NULL))
        return 95;
    if (d == 1 && aiops_jhead_member(head, n, 1, "error", NULL) &&
        aiops_jhead_member(head, n, 2, "root_cause", NULL))
        return 90;
    if (!aiops_jhead_member(head, n, d, "@timestamp", NULL) ||
        !(aiops_jhead_member(head, n, d, "message", NULL) ||
          aiops_jhead_member(head, n, d, "log", NULL)))
        return 0;
    if (aiops_jhead_member(head, n, d, "ecs", NULL) ||
        aiops_jhead_member(head, n, d, "log.level", NULL) ||
        aiops_jhead_member(head, n, d, "agent", NULL))
        return 65;
    return 50;
}

const aiops_format aiops_fmt_es = {
    .name = "es",
    .desc = "Elasticsearch/OpenSearch logs: _search/scroll responses, NDJSON hits or _source",
    .ordered = 0,
    .probe = es_probe,
    .open = es_open,
    .next = aiops_obs_spec_next,
    .close = aiops_obs_spec_close,
};
