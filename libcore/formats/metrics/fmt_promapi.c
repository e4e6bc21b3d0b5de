/* fmt_promapi.c - Prometheus HTTP API responses: /api/v1/query_range
 * ("matrix"), /api/v1/query ("vector", "scalar"), with or without the
 * {"status":"success","data":...} wrapper.
 *
 * The whole entry is one JSON document, so open() slurps it (the stream
 * caps its size at AIOPS_MAX_DOC).  A matrix is series-major while
 * samples must come out in time order across the document, so next()
 * merges per-series cursors with a binary heap and `ordered = 1` is
 * truthful.
 *
 * Fast path (the documents Prometheus writes): one validating hand scan
 * of the text records, per series, its label object and where its
 * [ts, "value"] pairs start; the series are interned once each; next()
 * then reads each series' pairs from the document text as the merge
 * reaches them.  Memory is the document text (capped) plus a few words
 * per series: no tree, no array of points.  Anything the scan does not
 * fully understand (escapes, unknown keys, a scalar, a bad value, an
 * unsorted series, duplicate keys, an API error) makes it give up
 * before a record is produced, and the document is read the old way:
 * parsed with jansson into flat (ts, value) arrays, so records, their
 * order and every error (`path: expected ...`, with its line) are the
 * same as they always were.
 *
 * Errors found after parsing (wrong types, missing fields) name the JSON
 * path of the offending value and its line (jdoc.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aiops_format.h"
#include "common/array.h"
#include "common/jdoc.h"
#include "formats/metrics/metrics.h"
#include "formats/metrics/mscan.h"

typedef struct point {
    double ts, v;
} point;

/* One series in the merge.  Read the old way: [pos, end) of the state's
 * pts.  Read from the text: pos is the byte offset of its next pair and
 * end the number of pairs left.  ts, v: its next sample (the head). */
typedef struct cursor {
    uint32_t sid;
    size_t pos, end;
    double ts, v;
} cursor;

typedef struct promapi_state {
    const char *text;        /* the document, when read by the fast path (borrowed
                                from the stream, which outlives the state) */
    size_t tlen;
    point *pts;
    size_t npts;
    cursor *cur;
    size_t ncur;
    size_t *heap;            /* cursor indexes, min-heap on (ts, index) */
    size_t nheap;
    /* Bad samples and series left out while loading: next() returns one
     * resumable error for each (the first one's message) before any
     * sample, so --skip-bad counts them and the rest comes out. */
    size_t nbad;
    aiops_err first_bad;
} promapi_state;

/* Everything the loader needs: errors go through jd, which holds the
 * document's raw text and the JSON path of the value being read. */
typedef struct loader {
    aiops_jdoc jd;
    aiops_parse_ctx *ctx;
    promapi_state *st;
} loader;

/* ------------------------------------------------------------ loading */

/* The series of a "metric" object's labels.  An aggregation without "by"
 * (sum(rate(x[5m]))) has no labels at all: name it --name, or after the
 * file without its date (daily dumps of one query are one series), as
 * the query is not saved.  Interning fills only err->msg. */
static int intern_metric(aiops_parse_ctx *ctx, const aiops_label *labels, size_t n,
                         uint32_t *sid, aiops_err *err)
{
    char stem[256] = "";
    if (n == 0 && ctx->name && ctx->name[0])
        aiops_sanitize_name(ctx->name, strlen(ctx->name), stem, sizeof stem);
    else if (n == 0)
        aiops_stem_name(aiops_stream_entry(ctx->stream), "query", stem, sizeof stem);
    return aiops_series_intern_foreign(ctx->series, stem, labels, n, sid, err);
}

static int load_metric(loader *ld, json_t *metric, uint32_t *sid)
{
    aiops_label *labels;
    size_t n;
    const char *bad;
    int rc = aiops_metric_labels(metric, &labels, &n, &bad);

    if (rc == AIOPS_ENOMEM)
        return aiops_jdoc_fail(&ld->jd, rc, "out of memory for %zu labels",
                               json_object_size(metric));
    if (rc) {
        aiops_jdoc_key(&ld->jd, bad);
        rc = aiops_jdoc_bad(&ld->jd, "expected a string label value, got %s",
                            aiops_jdoc_type(json_object_get(metric, bad)));
        aiops_jdoc_pop(&ld->jd);
        return rc;
    }
    rc = intern_metric(ld->ctx, labels, n, sid, ld->jd.err);
    free(labels);
    if (rc < 0) {
        /* Interning fills only msg: add file, line and path. */
        char why[sizeof ld->jd.err->msg];
        snprintf(why, sizeof why, "%s", ld->jd.err->msg);
        rc = aiops_jdoc_fail(&ld->jd, rc, "%s", why);
    }
    return rc;
}

static int load_ts(loader *ld, json_t *j, double *ts)
{
    if (!json_is_number(j))
        return aiops_jdoc_bad(&ld->jd, "expected the timestamp as a number of seconds, got %s",
                              aiops_jdoc_type(j));
    *ts = json_number_value(j);
    return 0;
}

static int load_value(loader *ld, json_t *j, double *v)
{
    if (json_is_number(j)) {
        *v = json_number_value(j);
        return 0;
    }
    if (!json_is_string(j))
        return aiops_jdoc_bad(&ld->jd,
                              "expected the value as a string like \"1.5\" or \"NaN\", got %s",
                              aiops_jdoc_type(j));
    const char *s = json_string_value(j);
    size_t n = json_string_length(j);
    if (aiops_parse_double(s, n, v) < 0)
        return aiops_jdoc_bad(&ld->jd,
                              "expected a sample value like \"1.5\", \"NaN\" or \"+Inf\", got '%.*s'",
                              n > 40 ? 40 : (int)n, s);
    return 0;
}

/* A parse error in one sample or one series is remembered and left out
 * (0); other errors stop the load. */
static int leave_out(loader *ld, int rc)
{
    if (rc != AIOPS_EPARSE)
        return rc;
    if (ld->st->nbad++ == 0)
        ld->st->first_bad = *ld->jd.err;
    aiops_err_clear(ld->jd.err);
    return 0;
}

/* One [ts, "value"] pair into the next free point. */
static int load_point(loader *ld, json_t *pair)
{
    point *pt = &ld->st->pts[ld->st->npts];
    int rc;

    if (!json_is_array(pair) || json_array_size(pair) != 2)
        return aiops_jdoc_bad(&ld->jd, "expected a [timestamp, \"value\"] pair, got %s%s",
                              aiops_jdoc_type(pair),
                              json_is_array(pair) ? " of another size" : "");
    aiops_jdoc_idx(&ld->jd, 0);
    rc = load_ts(ld, json_array_get(pair, 0), &pt->ts);
    aiops_jdoc_pop(&ld->jd);
    if (rc < 0)
        return rc;
    aiops_jdoc_idx(&ld->jd, 1);
    rc = load_value(ld, json_array_get(pair, 1), &pt->v);
    aiops_jdoc_pop(&ld->jd);
    if (rc == 0)
        ld->st->npts++;
    return rc;
}

typedef struct tagged {
    point p;
    size_t seq;
} tagged;

static int cmp_tagged(const void *a, const void *b)
{
    const tagged *x = a, *y = b;
    if (x->p.ts != y->p.ts)
        return x->p.ts < y->p.ts ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Prometheus sends each series in time order; hand-edited files may not.
 * A stable sort keeps the promise of `ordered` without losing a point. */
static int sort_points(loader *ld, point *p, size_t n)
{
    size_t i = 1;
    while (i < n && p[i - 1].ts <= p[i].ts)
        i++;
    if (i >= n)
        return 0;
    tagged *t = malloc(n * sizeof *t);
    if (!t)
        return aiops_jdoc_fail(&ld->jd, AIOPS_ENOMEM, "out of memory sorting %zu points", n);
    for (i = 0; i < n; i++)
        t[i] = (tagged){ p[i], i };
    qsort(t, n, sizeof *t, cmp_tagged);
    for (i = 0; i < n; i++)
        p[i] = t[i].p;
    free(t);
    return 0;
}

static int reject_histograms(loader *ld, json_t *obj)
{
    static const char *const keys[] = { "histogram", "histograms" };
    for (size_t i = 0; i < 2; i++) {
        if (json_object_get(obj, keys[i])) {
            aiops_jdoc_key(&ld->jd, keys[i]);
            int rc = aiops_jdoc_bad(&ld->jd, "native histograms are not supported "
                                             "(query a float series, e.g. histogram_quantile())");
            aiops_jdoc_pop(&ld->jd);
            return rc;
        }
    }
    return 0;
}

/* One element of a matrix ("values") or vector ("value") result. */
static int load_series(loader *ld, json_t *elem, int matrix)
{
    const char *vkey = matrix ? "values" : "value";
    cursor *cu = &ld->st->cur[ld->st->ncur];
    json_t *metric, *vals;
    int rc;

    if (!json_is_object(elem))
        return aiops_jdoc_bad(&ld->jd, "expected an object with \"metric\" and \"%s\", got %s",
                              vkey, aiops_jdoc_type(elem));
    if ((rc = reject_histograms(ld, elem)) < 0)
        return rc;
    metric = json_object_get(elem, "metric");
    if (!json_is_object(metric)) {
        if (metric)
            aiops_jdoc_key(&ld->jd, "metric");
        rc = aiops_jdoc_bad(&ld->jd, "expected \"metric\" to be an object of labels, got %s",
                            aiops_jdoc_type(metric));
        if (metric)
            aiops_jdoc_pop(&ld->jd);
        return rc;
    }
    aiops_jdoc_key(&ld->jd, "metric");
    rc = load_metric(ld, metric, &cu->sid);
    aiops_jdoc_pop(&ld->jd);
    if (rc < 0)
        return rc;
    vals = json_object_get(elem, vkey);
    if (!vals)
        return aiops_jdoc_bad(&ld->jd, "expected a \"%s\" key", vkey);
    aiops_jdoc_key(&ld->jd, vkey);
    cu->pos = ld->st->npts;
    if (!matrix) {
        rc = leave_out(ld, load_point(ld, vals));
    } else if (!json_is_array(vals)) {
        rc = aiops_jdoc_bad(&ld->jd, "expected an array of [timestamp, \"value\"] pairs, got %s",
                            aiops_jdoc_type(vals));
    } else {
        for (size_t i = 0; i < json_array_size(vals) && rc == 0; i++) {
            aiops_jdoc_idx(&ld->jd, i);
            rc = leave_out(ld, load_point(ld, json_array_get(vals, i)));
            aiops_jdoc_pop(&ld->jd);
        }
    }
    aiops_jdoc_pop(&ld->jd);
    cu->end = ld->st->npts;
    if (rc == 0)
        rc = sort_points(ld, ld->st->pts + cu->pos, cu->end - cu->pos);
    if (rc == 0)
        ld->st->ncur++;
    return rc;
}

static int load_scalar(loader *ld, json_t *result)
{
    cursor *cu = &ld->st->cur[0];
    int rc = aiops_series_intern_labels(ld->ctx->series, "scalar", NULL, 0, &cu->sid, ld->jd.err);
    if (rc < 0) {
        char why[sizeof ld->jd.err->msg];
        snprintf(why, sizeof why, "%s", ld->jd.err->msg);
        return aiops_jdoc_fail(&ld->jd, rc, "%s", why);
    }
    cu->pos = 0;
    if ((rc = load_point(ld, result)) < 0)
        return rc;
    cu->end = 1;
    ld->st->ncur = 1;
    return 0;
}

/* Upper bounds for the flat arrays, so they are allocated once. */
static size_t count_points(json_t *result, int matrix)
{
    size_t n = 0, i;
    json_t *elem;
    if (!matrix)
        return json_is_array(result) ? json_array_size(result) + 1 : 1;
    json_array_foreach(result, i, elem) {
        json_t *vals = json_object_get(elem, "values");
        n += json_is_array(vals) ? json_array_size(vals) : 0;
    }
    return n;
}

static int alloc_arrays(loader *ld, size_t npts, size_t ncur)
{
    promapi_state *st = ld->st;
    st->pts = malloc((npts ? npts : 1) * sizeof *st->pts);
    st->cur = malloc((ncur ? ncur : 1) * sizeof *st->cur);
    st->heap = malloc((ncur ? ncur : 1) * sizeof *st->heap);
    if (!st->pts || !st->cur || !st->heap)
        return aiops_jdoc_fail(&ld->jd, AIOPS_ENOMEM, "out of memory for %zu points", npts);
    return 0;
}

static int load_result(loader *ld, const char *rtype, json_t *result)
{
    int matrix = strcmp(rtype, "matrix") == 0;
    int rc;

    if (strcmp(rtype, "scalar") == 0) {
        if ((rc = alloc_arrays(ld, 1, 1)) < 0)
            return rc;
        aiops_jdoc_key(&ld->jd, "result");
        rc = load_scalar(ld, result);
        aiops_jdoc_pop(&ld->jd);
        return rc;
    }
    if (!matrix && strcmp(rtype, "vector") != 0) {
        aiops_jdoc_key(&ld->jd, "resultType");
        rc = aiops_jdoc_bad(&ld->jd,
                            "expected resultType \"matrix\", \"vector\" or \"scalar\", got '%.40s'",
                            rtype);
        aiops_jdoc_pop(&ld->jd);
        return rc;
    }
    aiops_jdoc_key(&ld->jd, "result");
    if (!json_is_array(result)) {
        rc = aiops_jdoc_bad(&ld->jd, "expected an array of series, got %s",
                            aiops_jdoc_type(result));
        aiops_jdoc_pop(&ld->jd);
        return rc;
    }
    rc = alloc_arrays(ld, count_points(result, matrix), json_array_size(result));
    for (size_t i = 0; i < json_array_size(result) && rc == 0; i++) {
        aiops_jdoc_idx(&ld->jd, i);
        rc = leave_out(ld, load_series(ld, json_array_get(result, i), matrix));
        aiops_jdoc_pop(&ld->jd);
    }
    aiops_jdoc_pop(&ld->jd);
    return rc;
}

static int load_data(loader *ld, json_t *data)
{
    json_t *rtype, *result;
    if (!json_is_object(data))
        return aiops_jdoc_bad(&ld->jd,
                              "expected an object with \"resultType\" and \"result\", got %s",
                              aiops_jdoc_type(data));
    rtype = json_object_get(data, "resultType");
    if (!json_is_string(rtype)) {
        if (rtype)
            aiops_jdoc_key(&ld->jd, "resultType");
        int rc = aiops_jdoc_bad(&ld->jd, "expected \"resultType\" to be a string, got %s",
                                aiops_jdoc_type(rtype));
        if (rtype)
            aiops_jdoc_pop(&ld->jd);
        return rc;
    }
    result = json_object_get(data, "result");
    if (!result)
        return aiops_jdoc_bad(&ld->jd, "expected a \"result\" key");
    return load_result(ld, json_string_value(rtype), result);
}

/* {"status":"error","errorType":"bad_data","error":"..."}: the message is
 * Prometheus' own, reported at the line of "error". */
static int api_error(loader *ld, json_t *top)
{
    json_t *type = json_object_get(top, "errorType");
    json_t *text = json_object_get(top, "error");
    aiops_jdoc_key(&ld->jd, text ? "error" : "status");
    long line = aiops_jdoc_line(&ld->jd);
    aiops_jdoc_pop(&ld->jd);
    return aiops_err_set(ld->jd.err, AIOPS_EPARSE, aiops_stream_name(ld->ctx->stream), line,
                         "the Prometheus API returned an error (%.60s): %.300s",
                         json_is_string(type) ? json_string_value(type) : "no errorType",
                         json_is_string(text) ? json_string_value(text) : "no error text");
}

static int load_top(loader *ld, json_t *top)
{
    json_t *status, *data;
    int rc;

    if (!json_is_object(top))
        return aiops_jdoc_bad(&ld->jd, "expected a Prometheus API response object, got %s",
                              aiops_jdoc_type(top));
    status = json_object_get(top, "status");
    if (status) {
        const char *s = json_is_string(status) ? json_string_value(status) : "";
        if (strcmp(s, "error") == 0)
            return api_error(ld, top);
        if (strcmp(s, "success") != 0) {
            aiops_jdoc_key(&ld->jd, "status");
            if (json_is_string(status))
                rc = aiops_jdoc_bad(&ld->jd,
                                    "expected status \"success\" or \"error\", got '%.40s'", s);
            else
                rc = aiops_jdoc_bad(&ld->jd, "expected status \"success\" or \"error\", got %s",
                                    aiops_jdoc_type(status));
            aiops_jdoc_pop(&ld->jd);
            return rc;
        }
    }
    /* A bare data object ({"resultType":..,"result":..}) is accepted too. */
    if (!status && json_object_get(top, "resultType"))
        return load_data(ld, top);
    data = json_object_get(top, "data");
    if (!data)
        return aiops_jdoc_bad(&ld->jd,
                              "expected a \"data\" key (or a bare object with \"resultType\")");
    aiops_jdoc_key(&ld->jd, "data");
    rc = load_data(ld, data);
    aiops_jdoc_pop(&ld->jd);
    return rc;
}

static int all_blank(const char *s, size_t n)
{
    size_t p = 0;
    aiops_jtext_ws(s, n, &p);
    return p == n;
}

/* ---------------------------------------------------------- fast path */

/* One series found by the scan: its "metric" object's text and its pairs. */
typedef struct fseries {
    size_t metric, metric_end;   /* [metric, metric_end) of the text */
    size_t first, npairs;        /* offset of the first pair, and how many */
} fseries;

typedef struct fdoc {
    fseries *ser;
    size_t nser, cap;
    int kinds;                   /* 1: some series had "values", 2: some had "value" */
} fdoc;

/* [ts, "value"] (or a number as the value), as load_point reads it. */
static int f_pair(fscan *f, double *ts, double *v)
{
    if (!f_ch(f, '[') || f_num(f, ts) < 0 || !f_ch(f, ','))
        return -1;
    f_ws(f);
    if (f->i < f->n && f->s[f->i] == '"') {
        const char *p;
        size_t len;
        if (f_str(f, &p, &len) < 0 || aiops_parse_double(p, len, v) < 0)
            return -1;
    } else if (f_num(f, v) < 0) {
        return -1;
    }
    return f_ch(f, ']') ? 0 : -1;
}

/* "values": [[ts, "v"], ...] in time order (an unsorted series is left
 * to the old reader, which sorts it). */
static int f_values(fscan *f, fseries *se)
{
    double ts, v, last = 0;
    if (!f_ch(f, '['))
        return -1;
    f_ws(f);
    se->first = f->i;
    if (f_ch(f, ']'))
        return 0;
    do {
        if (f_pair(f, &ts, &v) < 0 || (se->npairs && ts < last))
            return -1;
        last = ts;
        se->npairs++;
    } while (f_ch(f, ','));
    return f_ch(f, ']') ? 0 : -1;
}

/* One element of "result": exactly "metric" and one of "values"/"value". */
static int f_series(fscan *f, fdoc *d)
{
    fseries se = { 0 };
    const char *k;
    size_t kn;
    int metric = 0, vals = 0;
    if (!f_ch(f, '{'))
        return -1;
    do {
        if (f_key(f, &k, &kn) < 0)
            return -1;
        if (F_IS(k, kn, "metric")) {
            f_ws(f);
            se.metric = f->i;
            if (metric++ || f_metric(f) < 0)
                return -1;
            se.metric_end = f->i;
        } else if (F_IS(k, kn, "values")) {
            if (vals++ || f_values(f, &se) < 0)
                return -1;
            d->kinds |= 1;
        } else if (F_IS(k, kn, "value")) {
            double ts, v;
            f_ws(f);
            se.first = f->i;
            se.npairs = 1;
            if (vals++ || f_pair(f, &ts, &v) < 0)
                return -1;
            d->kinds |= 2;
        } else {
            return -1;
        }
    } while (f_ch(f, ','));
    if (!f_ch(f, '}') || !metric || !vals || AIOPS_GROW(d->ser, d->cap, d->nser + 1))
        return -1;
    d->ser[d->nser++] = se;
    return 0;
}

/* The members of the top object (top = 1) or of "data": a wrapped
 * response is {"status":"success","data":{...}} (status optional), a
 * bare one {"resultType":..,"result":..}; "matrix" and "vector" only. */
static int f_object(fscan *f, fdoc *d, int top)
{
    const char *k, *v;
    size_t kn, vn;
    int status = 0, data = 0, rtype = 0, result = 0, matrix = 0;
    if (!f_ch(f, '{'))
        return -1;
    do {
        if (f_key(f, &k, &kn) < 0)
            return -1;
        if (top && F_IS(k, kn, "status")) {
            if (status++ || f_str(f, &v, &vn) < 0 || !F_IS(v, vn, "success"))
                return -1;
        } else if (top && F_IS(k, kn, "data")) {
            if (data++ || f_object(f, d, 0) < 0)
                return -1;
        } else if (F_IS(k, kn, "resultType")) {
            if (rtype++ || f_str(f, &v, &vn) < 0)
                return -1;
            matrix = F_IS(v, vn, "matrix");
            if (!matrix && !F_IS(v, vn, "vector"))
                return -1;
        } else if (F_IS(k, kn, "result")) {
            if (result++ || !f_ch(f, '['))
                return -1;
            if (!f_ch(f, ']')) {
                do {
                    if (f_series(f, d) < 0)
                        return -1;
                } while (f_ch(f, ','));
                if (!f_ch(f, ']'))
                    return -1;
            }
        } else {
            return -1;
        }
    } while (f_ch(f, ','));
    if (!f_ch(f, '}'))
        return -1;
    if (data)                        /* {"status":..,"data":..} */
        return rtype || result ? -1 : 0;
    if (status || !rtype || !result)
        return -1;
    return d->kinds & (matrix ? 2 : 1) ? -1 : 0;
}

/* Scan, intern and set up the cursors; -1 (state as before, err clear)
 * when the old reader must read the document. */
static int fast_load(loader *ld)
{
    fscan f = { ld->jd.text, ld->jd.len, 0 };
    fdoc d = { 0 };
    promapi_state *st = ld->st;
    aiops_label *lab = NULL;
    char *txt = NULL;
    size_t lcap = 0, tcap = 0, nlab;
    int rc = -1;

    if (f_object(&f, &d, 1) < 0 || (f_ws(&f), f.i != f.n))
        goto out;
    st->cur = malloc((d.nser ? d.nser : 1) * sizeof *st->cur);
    st->heap = malloc((d.nser ? d.nser : 1) * sizeof *st->heap);
    if (!st->cur || !st->heap)
        goto out;
    for (size_t i = 0; i < d.nser; i++) {
        cursor *cu = &st->cur[i];
        if (f_labels(f.s, d.ser[i].metric, d.ser[i].metric_end, &lab, &lcap, &nlab, &txt, &tcap) < 0 ||
            intern_metric(ld->ctx, lab, nlab, &cu->sid, ld->jd.err) < 0)
            goto out;
        cu->pos = d.ser[i].first;
        cu->end = d.ser[i].npairs;
    }
    st->ncur = d.nser;
    st->text = f.s;
    st->tlen = f.n;
    rc = 0;
out:
    if (rc < 0) {
        free(st->cur);
        free(st->heap);
        st->cur = NULL;
        st->heap = NULL;
        aiops_err_clear(ld->jd.err);
    }
    free(d.ser);
    free(lab);
    free(txt);
    return rc;
}

static int load_doc(loader *ld)
{
    json_error_t jerr;
    json_t *top;
    char *buf;
    int rc = aiops_stream_slurp(ld->ctx->stream, &buf, &ld->jd.len, ld->jd.err);
    if (rc < 0)
        return rc;
    ld->jd.text = buf;
    size_t bom = aiops_bom_len(buf, ld->jd.len);   /* jansson rejects a BOM */
    ld->jd.text += bom;
    ld->jd.len -= bom;
    if (all_blank(ld->jd.text, ld->jd.len))   /* an empty file has no samples, not an error */
        return alloc_arrays(ld, 0, 0);
    if (fast_load(ld) == 0)
        return 0;
    top = aiops_json_loadb(ld->jd.text, ld->jd.len, JSON_REJECT_DUPLICATES, &jerr);
    if (!top)
        return aiops_err_set(ld->jd.err, AIOPS_EPARSE, aiops_stream_name(ld->ctx->stream),
                             jerr.line > 0 ? jerr.line : 0,
                             "expected a Prometheus API JSON document: %s (column %d)",
                             jerr.text, jerr.column);
    rc = load_top(ld, top);
    json_decref(top);
    return rc;
}

/* --------------------------------------------------------------- heap */

static int heap_less(const promapi_state *st, size_t a, size_t b)
{
    double ta = st->cur[a].ts, tb = st->cur[b].ts;
    return ta < tb || (ta == tb && a < b);   /* ties keep series order */
}

/* The cursor's next sample into its head: 1, or 0 when it has none. */
static int cursor_pull(promapi_state *st, cursor *cu)
{
    if (st->text) {
        if (cu->end == 0)
            return 0;
        fscan f = { st->text, st->tlen, cu->pos };
        f_pair(&f, &cu->ts, &cu->v);      /* the scan checked it */
        f_ch(&f, ',');
        cu->pos = f.i;
        cu->end--;
        return 1;
    }
    if (cu->pos == cu->end)
        return 0;
    cu->ts = st->pts[cu->pos].ts;
    cu->v = st->pts[cu->pos].v;
    cu->pos++;
    return 1;
}

static void sift_down(promapi_state *st, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < st->nheap && heap_less(st, st->heap[l], st->heap[m]))
            m = l;
        if (r < st->nheap && heap_less(st, st->heap[r], st->heap[m]))
            m = r;
        if (m == i)
            return;
        size_t t = st->heap[i];
        st->heap[i] = st->heap[m];
        st->heap[m] = t;
        i = m;
    }
}

static void heap_build(promapi_state *st)
{
    st->nheap = 0;
    for (size_t c = 0; c < st->ncur; c++)
        if (cursor_pull(st, &st->cur[c]))
            st->heap[st->nheap++] = c;
    for (size_t i = st->nheap / 2; i-- > 0;)
        sift_down(st, i);
}

/* ---------------------------------------------------------- interface */

static void promapi_close(void *state)
{
    promapi_state *st = state;
    if (!st)
        return;
    free(st->pts);
    free(st->cur);
    free(st->heap);
    free(st);
}

static int promapi_open(void **state, aiops_parse_ctx *ctx, aiops_err *err)
{
    promapi_state *st = calloc(1, sizeof *st);
    loader ld = { .jd = { .file = aiops_stream_name(ctx->stream), .err = err, .line0 = 1 },
                  .ctx = ctx, .st = st };
    int rc;

    *state = NULL;
    if (!st)
        return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(ctx->stream), 0,
                             "out of memory");
    if ((rc = load_doc(&ld)) < 0) {
        promapi_close(st);
        return rc;
    }
    heap_build(st);
    *state = st;
    return 0;
}

static int promapi_next(void *state, aiops_parse_ctx *ctx, aiops_record *rec, aiops_err *err)
{
    promapi_state *st = state;
    if (st->nbad) {
        st->nbad--;
        *err = st->first_bad;
        ctx->resumable = 1;
        return err->code;
    }
    if (st->nheap == 0)
        return 0;
    cursor *cu = &st->cur[st->heap[0]];
    rec->type = AIOPS_R_SAMPLE;
    rec->sid = cu->sid;
    rec->ts = cu->ts;
    rec->value = cu->v;
    rec->obj = NULL;
    if (!cursor_pull(st, cu))
        st->heap[0] = st->heap[--st->nheap];
    sift_down(st, 0);
    return 1;
}

/* ------------------------------------------------------------- probe */

static int span_is(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

/* What the keys of the head say.  Only real keys count (a string followed
 * by ':'), at the depth they have in an API response, so a log message
 * quoting "resultType" or an event record with a "status" field does not
 * look like one. */
typedef struct head_keys {
    int type;                /* top-level "type": one of our own records */
    int result_type;         /* "resultType" at the top or inside "data" */
    int prom_type;           /* ... and its value "matrix", "vector" or "scalar" */
    int success, error;      /* top-level "status" value */
    int error_type;          /* top-level "errorType" */
} head_keys;

static int is_prom_type(const char *h, size_t n, size_t after)
{
    static const char *const types[] = { "\"matrix\"", "\"vector\"", "\"scalar\"" };
    aiops_jtext_ws(h, n, &after);
    for (size_t i = 0; i < 3; i++)
        if (after + 8 <= n && memcmp(h + after, types[i], 8) == 0)
            return 1;
    return 0;
}

static void note_key(const char *h, size_t n, const char *k, size_t kn, size_t after,
                     int depth, int in_data, head_keys *f)
{
    if (depth == 2 && in_data && span_is(k, kn, "resultType")) {
        f->result_type = 1;
        f->prom_type |= is_prom_type(h, n, after);
    }
    if (depth != 1)
        return;
    if (span_is(k, kn, "type"))
        f->type = 1;
    else if (span_is(k, kn, "resultType")) {
        f->result_type = 1;
        f->prom_type |= is_prom_type(h, n, after);
    }
    else if (span_is(k, kn, "errorType"))
        f->error_type = 1;
    else if (span_is(k, kn, "status")) {
        aiops_jtext_ws(h, n, &after);
        f->success |= after + 9 <= n && memcmp(h + after, "\"success\"", 9) == 0;
        f->error |= after + 7 <= n && memcmp(h + after, "\"error\"", 7) == 0;
    }
}

static void scan_head(const char *h, size_t n, size_t p, head_keys *f)
{
    int depth = 0, in_data = 0;
    while (p < n) {
        char c = h[p];
        if (c != '"') {
            depth += c == '{' || c == '[';
            depth -= c == '}' || c == ']';
            p++;
            continue;
        }
        size_t k = ++p;
        while (p < n && h[p] != '"')
            p += h[p] == '\\' ? 2 : 1;
        if (p >= n)
            return;
        size_t kn = p++ - k, q = p;
        aiops_jtext_ws(h, n, &q);
        if (q >= n || h[q] != ':')
            continue;
        if (depth == 1)
            in_data = span_is(h + k, kn, "data");
        note_key(h, n, h + k, kn, q + 1, depth, in_data, f);
    }
}

static int promapi_probe(const char *entry, const char *head, size_t n)
{
    head_keys f = { 0 };
    size_t p = aiops_jhead_start(head, n);
    (void)entry;
    if (p >= n || head[p] != '{')
        return 0;
    scan_head(head, n, p, &f);
    if (f.type)
        return 0;
    /* A Prometheus result type: certain (100), so detection stops here
     * instead of running every other probe over the head (format.c). */
    if (f.prom_type)
        return 100;
    if (f.result_type)
        return 95;
    if (f.success)
        return 80;
    if (f.error && f.error_type)
        return 70;
    return 0;
}

const aiops_format aiops_fmt_prom_api = {
    .name = "prom-api",
    .desc = "Prometheus HTTP API JSON (/api/v1/query_range matrix, /api/v1/query vector)",
    .ordered = 1,
    .probe = promapi_probe,
    .open = promapi_open,
    .next = promapi_next,
    .close = promapi_close,
};
