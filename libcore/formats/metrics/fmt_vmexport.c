/* fmt_vmexport.c - VictoriaMetrics /api/v1/export JSON lines:
 *   {"metric":{"__name__":"up","job":"x"},"values":[1,0.5],"timestamps":[1700000000000,1700000015000]}
 * One line per series (timestamps in milliseconds), so the entry is not in
 * time order across lines: `ordered = 0` and the merge buffers it.
 *
 * Fast path: a line VictoriaMetrics writes (no escapes, no other keys)
 * is checked whole by a hand scan (mscan.h) into flat arrays of times
 * and values, and its series is interned once.  Any other line is
 * parsed with jansson and kept while a cursor walks its values; a
 * point's fields are checked when it is emitted, so an error names the
 * line and the array index.  A line the scan does not fully accept
 * goes that way, so records and errors are those of jansson.
 *
 * Errors are resumable (--skip-bad): a line that cannot be read (not JSON,
 * bad "metric", arrays missing or of different lengths) is dropped whole,
 * none of its values is emitted, and counts as one skipped record; a bad
 * value or timestamp in a good line drops that one sample and counts as
 * one. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aiops_format.h"
#include "common/jdoc.h"
#include "formats/metrics/metrics.h"
#include "formats/metrics/mscan.h"

typedef struct vmx_state {
    json_t *doc;             /* the current line's object */
    json_t *values;          /* borrowed from doc */
    json_t *timestamps;      /* borrowed from doc */
    size_t pos, n;           /* cursor over values/timestamps */
    uint32_t sid;
    long line;               /* line number of doc */
    /* The fast path's line: times (s) and values, doc NULL. */
    int fast;
    double *fts, *fv;
    size_t capts, capv;
    aiops_label *lab;
    size_t caplab;
    char *txt;
    size_t captxt;
} vmx_state;

static const char *name_of(aiops_parse_ctx *ctx)
{
    return aiops_stream_name(ctx->stream);
}

/* ------------------------------------------------------------ loading */

static int load_metric(vmx_state *st, aiops_parse_ctx *ctx, json_t *metric, aiops_err *err)
{
    aiops_label *labels;
    size_t n;
    const char *bad;
    int rc = aiops_metric_labels(metric, &labels, &n, &bad);

    if (rc == AIOPS_ENOMEM)
        return aiops_err_set(err, rc, name_of(ctx), st->line, "out of memory for %zu labels",
                             json_object_size(metric));
    if (rc)
        return aiops_err_set(err, rc, name_of(ctx), st->line,
                             "metric.%.100s: expected a string label value, got %s",
                             bad, aiops_jdoc_type(json_object_get(metric, bad)));
    rc = aiops_series_intern_foreign(ctx->series, "", labels, n, &st->sid, err);
    free(labels);
    if (rc < 0) {
        /* Interning fills only msg: add file and line. */
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        rc = aiops_err_set(err, rc, name_of(ctx), st->line, "metric: %s", why);
    }
    return rc;
}

/* Check the line's shape and point the cursor at its arrays. */
static int load_object(vmx_state *st, aiops_parse_ctx *ctx, aiops_err *err)
{
    json_t *metric = json_object_get(st->doc, "metric");
    json_t *vals = json_object_get(st->doc, "values");
    json_t *tss = json_object_get(st->doc, "timestamps");

    if (!json_is_object(st->doc))
        return aiops_err_set(err, AIOPS_EPARSE, name_of(ctx), st->line,
                             "expected a JSON object per line, got %s", aiops_jdoc_type(st->doc));
    if (!json_is_object(metric))
        return aiops_err_set(err, AIOPS_EPARSE, name_of(ctx), st->line,
                             "expected \"metric\" to be an object of labels, got %s",
                             aiops_jdoc_type(metric));
    if (!json_is_array(vals) || !json_is_array(tss))
        return aiops_err_set(err, AIOPS_EPARSE, name_of(ctx), st->line,
                             "expected \"%s\" to be an array, got %s",
                             json_is_array(vals) ? "timestamps" : "values",
                             aiops_jdoc_type(json_is_array(vals) ? tss : vals));
    if (json_array_size(vals) != json_array_size(tss))
        return aiops_err_set(err, AIOPS_EPARSE, name_of(ctx), st->line,
                             "expected as many timestamps as values, got %zu values "
                             "and %zu timestamps",
                             json_array_size(vals), json_array_size(tss));
    st->values = vals;
    st->timestamps = tss;
    st->pos = 0;
    st->n = json_array_size(vals);
    return load_metric(st, ctx, metric, err);
}

/* ---------------------------------------------------------- fast path */

/* [n1, n2, ...] of numbers (timestamps: ms to s as point_ts) or also
 * null and strings (values, as point_value); its length in *n. */
static int f_array(fscan *f, double **out, size_t *cap, size_t *n, int values)
{
    double x;
    *n = 0;
    if (!f_ch(f, '['))
        return -1;
    if (f_ch(f, ']'))
        return 0;
    do {
        f_ws(f);
        if (values && f->i + 4 <= f->n && memcmp(f->s + f->i, "null", 4) == 0) {
            f->i += 4;
            x = NAN;
        } else if (values && f->i < f->n && f->s[f->i] == '"') {
            const char *p;
            size_t len;
            if (f_str(f, &p, &len) < 0 || aiops_parse_double(p, len, &x) < 0)
                return -1;
        } else if (f_num(f, &x) < 0) {
            return -1;
        } else if (!values) {
            x /= 1000.0;
        }
        if (AIOPS_GROW(*out, *cap, *n + 1))
            return -1;
        (*out)[(*n)++] = x;
    } while (f_ch(f, ','));
    return f_ch(f, ']') ? 0 : -1;
}

/* The whole line checked and read into st->fts/fv, its series interned:
 * 0, or -1 (err clear) for the jansson path. */
static int fast_line(vmx_state *st, aiops_parse_ctx *ctx, const char *line, size_t len,
                     aiops_err *err)
{
    fscan f = { line, len, 0 };
    size_t from = 0, to = 0, nv = 0, nt = 0, nlab;
    int metric = 0, vals = 0, tss = 0;
    const char *k;
    size_t kn;
    if (!f_ch(&f, '{'))
        return -1;
    do {
        if (f_key(&f, &k, &kn) < 0)
            return -1;
        if (F_IS(k, kn, "metric")) {
            f_ws(&f);
            from = f.i;
            if (metric++ || f_metric(&f) < 0)
                return -1;
            to = f.i;
        } else if (F_IS(k, kn, "values")) {
            if (vals++ || f_array(&f, &st->fv, &st->capv, &nv, 1) < 0)
                return -1;
        } else if (F_IS(k, kn, "timestamps")) {
            if (tss++ || f_array(&f, &st->fts, &st->capts, &nt, 0) < 0)
                return -1;
        } else {
            return -1;
        }
    } while (f_ch(&f, ','));
    if (!f_ch(&f, '}') || (f_ws(&f), f.i != f.n) || !metric || !vals || !tss || nv != nt)
        return -1;
    if (f_labels(line, from, to, &st->lab, &st->caplab, &nlab, &st->txt, &st->captxt) < 0 ||
        aiops_series_intern_foreign(ctx->series, "", st->lab, nlab, &st->sid, err) < 0) {
        aiops_err_clear(err);
        return -1;
    }
    st->fast = 1;
    st->pos = 0;
    st->n = nv;
    return 0;
}

/* Read the next non-blank line into st->doc: 1, 0 at end, <0 error. */
static int load_line(vmx_state *st, aiops_parse_ctx *ctx, aiops_err *err)
{
    json_error_t jerr;
    char *line;
    size_t len, i;
    int rc;

    json_decref(st->doc);
    st->doc = NULL;
    st->n = st->pos = 0;
    st->fast = 0;
    do {
        if ((rc = aiops_stream_getline(ctx->stream, &line, &len, err)) <= 0)
            return rc;
        i = 0;
        aiops_jtext_ws(line, len, &i);
    } while (i == len);   /* blank lines carry no data */
    st->line = aiops_stream_lineno(ctx->stream);
    if (fast_line(st, ctx, line + i, len - i, err) == 0)
        return 1;
    st->doc = aiops_json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!st->doc)
        return aiops_err_set(err, AIOPS_EPARSE, name_of(ctx), st->line,
                             "expected a VictoriaMetrics export JSON object: %s (column %d)",
                             jerr.text, jerr.column);
    if ((rc = load_object(st, ctx, err)) < 0) {
        st->n = st->pos = 0;    /* nothing of a bad line goes to another series */
        return rc;
    }
    return 1;
}

/* ------------------------------------------------------------- points */

static int point_ts(vmx_state *st, aiops_parse_ctx *ctx, double *ts, aiops_err *err)
{
    json_t *j = json_array_get(st->timestamps, st->pos);
    if (json_is_integer(j))
        *ts = (double)json_integer_value(j) / 1000.0;   /* exact-rounded like "x.yyy" */
    else if (json_is_real(j))
        *ts = json_real_value(j) / 1000.0;
    else
        return aiops_err_set(err, AIOPS_EPARSE, name_of(ctx), st->line,
                             "timestamps[%zu]: expected milliseconds since the epoch "
                             "as a number, got %s", st->pos, aiops_jdoc_type(j));
    return 0;
}

static int point_value(vmx_state *st, aiops_parse_ctx *ctx, double *v, aiops_err *err)
{
    json_t *j = json_array_get(st->values, st->pos);
    if (json_is_number(j)) {
        *v = json_number_value(j);
    } else if (json_is_null(j)) {
        *v = NAN;   /* VictoriaMetrics writes staleness markers as null */
    } else if (json_is_string(j)) {
        const char *s = json_string_value(j);
        size_t n = json_string_length(j);
        if (aiops_parse_double(s, n, v) < 0)
            return aiops_err_set(err, AIOPS_EPARSE, name_of(ctx), st->line,
                                 "values[%zu]: expected a number like 1.5 or \"NaN\", "
                                 "got '%.*s'", st->pos, n > 40 ? 40 : (int)n, s);
    } else {
        return aiops_err_set(err, AIOPS_EPARSE, name_of(ctx), st->line,
                             "values[%zu]: expected a number, null or a string like "
                             "\"NaN\", got %s", st->pos, aiops_jdoc_type(j));
    }
    return 0;
}

/* ---------------------------------------------------------- interface */

static void vmx_close(void *state)
{
    vmx_state *st = state;
    if (!st)
        return;
    json_decref(st->doc);
    free(st->fts);
    free(st->fv);
    free(st->lab);
    free(st->txt);
    free(st);
}

static int vmx_open(void **state, aiops_parse_ctx *ctx, aiops_err *err)
{
    *state = calloc(1, sizeof(vmx_state));
    if (!*state)
        return aiops_err_set(err, AIOPS_ENOMEM, name_of(ctx), 0, "out of memory");
    return 0;
}

static int vmx_next(void *state, aiops_parse_ctx *ctx, aiops_record *rec, aiops_err *err)
{
    vmx_state *st = state;
    int rc;

    while (st->pos >= st->n) {
        if ((rc = load_line(st, ctx, err)) <= 0) {
            /* A bad line was read whole: go on with the next one. */
            ctx->resumable = rc < 0 && rc != AIOPS_ELIMIT && rc != AIOPS_EIO;
            return rc;
        }
    }
    if (st->fast) {
        rec->ts = st->fts[st->pos];
        rec->value = st->fv[st->pos];
    } else if ((rc = point_ts(st, ctx, &rec->ts, err)) < 0 ||
        (rc = point_value(st, ctx, &rec->value, err)) < 0) {
        st->pos++;              /* drop this sample; the line's others follow */
        ctx->resumable = 1;
        return rc;
    }
    rec->type = AIOPS_R_SAMPLE;
    rec->sid = st->sid;
    rec->obj = NULL;
    st->pos++;
    return 1;
}

/* ------------------------------------------------------------- probe */

enum { K_METRIC = 1, K_VALUES = 2, K_TIMESTAMPS = 4, K_FOREIGN = 8 };

static unsigned key_flag(const char *k, size_t n)
{
    static const struct { const char *name; unsigned flag; } keys[] = {
        { "metric", K_METRIC }, { "values", K_VALUES }, { "timestamps", K_TIMESTAMPS },
        /* Prometheus API documents and our own records */
        { "type", K_FOREIGN }, { "status", K_FOREIGN }, { "resultType", K_FOREIGN },
        { "data", K_FOREIGN },
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strlen(keys[i].name) == n && memcmp(keys[i].name, k, n) == 0)
            return keys[i].flag;
    return 0;
}

/* Flags of the top-level keys of the object at head[p], within [p, eol).
 * Only depth-1 keys count: a "type" label inside "metric" is not foreign. */
static unsigned top_keys(const char *h, size_t eol, size_t p)
{
    unsigned flags = 0;
    int depth = 0;
    while (p < eol) {
        char c = h[p];
        if (c == '"') {
            size_t s = ++p;
            while (p < eol && h[p] != '"')
                p += h[p] == '\\' ? 2 : 1;
            size_t e = p++, q = p;
            aiops_jtext_ws(h, eol, &q);
            if (depth == 1 && e < eol && q < eol && h[q] == ':')
                flags |= key_flag(h + s, e - s);
            continue;
        }
        depth += c == '{' || c == '[';
        depth -= c == '}' || c == ']';
        p++;
    }
    return flags;
}

/* The first non-blank line must be an object with "metric" and
 * "timestamps".  VictoriaMetrics writes "metric" first and "timestamps"
 * last, so a line longer than the head is accepted on "metric" + "values"
 * at lower confidence. */
static int vmx_probe(const char *entry, const char *head, size_t n)
{
    size_t p = 0, eol;
    unsigned k;
    (void)entry;
    aiops_jtext_ws(head, n, &p);
    if (p >= n || head[p] != '{')
        return 0;
    for (eol = p; eol < n && head[eol] != '\n'; eol++)
        ;
    k = top_keys(head, eol, p);
    if (!(k & K_METRIC) || (k & K_FOREIGN))
        return 0;
    if (k & K_TIMESTAMPS)
        return 90;
    if (eol == n && (k & K_VALUES))
        return 50;
    return 0;
}

const aiops_format aiops_fmt_vm_export = {
    .name = "vm-export",
    .desc = "VictoriaMetrics /api/v1/export JSON lines (one series per line, ms timestamps)",
    .ordered = 0,
    .probe = vmx_probe,
    .open = vmx_open,
    .next = vmx_next,
    .close = vmx_close,
};
