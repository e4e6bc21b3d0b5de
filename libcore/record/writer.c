/* writer.c - write the record stream as NDJSON or TSV, optionally through
 * zstd.  Samples use a per-series cached prefix so the hot path is two
 * memcpys and two number formats.  Other records are serialised by a small
 * JSON printer (not json_dumps) so numbers print in their shortest exact
 * form ("0.1", not "0.10000000000000001") and output is byte-stable; the
 * printer, its growable buffer and JSON string escaping are shared with
 * the rest of libcore (internal.h: aiops_buf, aiops_json_escape). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "common/buf.h"
#include "common/ofile.h"
#include "aiops_format.h"
#include "record/series_impl.h"

#define OUTBUF ((size_t)1 << 20)
#define SF(s) aiops_series_full_of(s)   /* the writer's cache beside a series */

struct aiops_writer {
    int fd, own_fd;
    aiops_ofile of;          /* own_fd: a temporary renamed into place at close */
    char path[1024];
    aiops_out_format fmt;
    aiops_series_table *tab;
    char *buf;
    size_t len;
    ZSTD_CCtx *zc;
    char *zbuf;
    size_t zcap;
    int failed;
    /* Consecutive samples usually share a timestamp (one scrape): keep the
     * last one's text. */
    double last_ts;
    char last_ts_text[40];
    size_t last_ts_len;
    aiops_buf rec;           /* the text of a record printed from its tree, reused */
};

static int write_all(aiops_writer *w, const char *p, size_t n, aiops_err *err)
{
    while (n) {
        ssize_t r = write(w->fd, p, n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            w->failed = 1;
            return aiops_err_set(err, AIOPS_EIO, w->path, 0, "write failed: %s", strerror(errno));
        }
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

static int drain(aiops_writer *w, ZSTD_EndDirective mode, aiops_err *err)
{
    if (!w->zc) {
        int rc = write_all(w, w->buf, w->len, err);
        w->len = 0;
        return rc;
    }
    ZSTD_inBuffer in = {w->buf, w->len, 0};
    for (;;) {
        ZSTD_outBuffer out = {w->zbuf, w->zcap, 0};
        size_t left = ZSTD_compressStream2(w->zc, &out, &in, mode);
        if (ZSTD_isError(left))
            return aiops_err_set(err, AIOPS_EIO, w->path, 0, "zstd: %s", ZSTD_getErrorName(left));
        int rc = write_all(w, w->zbuf, out.pos, err);
        if (rc)
            return rc;
        if (mode == ZSTD_e_continue ? in.pos == in.size : left == 0)
            break;
    }
    w->len = 0;
    return 0;
}

static int reserve(aiops_writer *w, size_t n, aiops_err *err)
{
    if (w->len + n <= OUTBUF)
        return 0;
    int rc = drain(w, ZSTD_e_continue, err);
    if (rc)
        return rc;
    if (n > OUTBUF)
        return aiops_err_set(err, AIOPS_ELIMIT, w->path, 0, "record larger than %zu bytes", OUTBUF);
    return 0;
}

static void put(aiops_writer *w, const char *s, size_t n)
{
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

int aiops_writer_new(aiops_writer **out, const char *path, aiops_out_format fmt, int zstd,
                     aiops_series_table *tab, aiops_err *err)
{
    aiops_writer *w = calloc(1, sizeof *w);
    if (!w)
        return aiops_err_set(err, AIOPS_ENOMEM, path, 0, "out of memory");
    w->fmt = fmt;
    w->tab = tab;
    if (!path || strcmp(path, "-") == 0) {
        w->fd = 1;
        snprintf(w->path, sizeof w->path, "<stdout>");
    } else {
        size_t pl = strlen(path);
        if (pl > 4 && strcmp(path + pl - 4, ".zst") == 0)
            zstd = 1;
        snprintf(w->path, sizeof w->path, "%s", path);
        int rc = aiops_ofile_open(&w->of, path, err);
        if (rc) {
            free(w);
            return rc;
        }
        w->fd = w->of.fd;
        w->own_fd = 1;
    }
    w->buf = malloc(OUTBUF);
    if (zstd) {
        w->zc = ZSTD_createCCtx();
        w->zcap = ZSTD_CStreamOutSize();
        w->zbuf = malloc(w->zcap);
        if (w->zc)
            ZSTD_CCtx_setParameter(w->zc, ZSTD_c_compressionLevel, 3);
    }
    if (!w->buf || (zstd && (!w->zc || !w->zbuf))) {
        aiops_writer_close(w, NULL);
        return aiops_err_set(err, AIOPS_ENOMEM, path, 0, "out of memory");
    }
    *out = w;
    return 0;
}

static char *put_lit(char *q, const char *lit)
{
    size_t n = strlen(lit);
    memcpy(q, lit, n);
    return q + n;
}

static char *put_jstr(char *q, const char *s)
{
    *q++ = '"';
    q += aiops_json_escape(s, strlen(s), q);
    *q++ = '"';
    return q;
}

/* '{"type":"sample","ts":' is constant; the series part is cached:
 * ',"name":"n","labels":{"k":"v"}[,"metric_type":"counter"],"value":' */
static int series_prefix(aiops_series *s)
{
    size_t need = 64 + 6 * strlen(s->name);
    for (size_t i = 0; i < s->nlabels; i++)
        need += 8 + 6 * (strlen(s->labels[i].name) + strlen(s->labels[i].value));
    char *p = malloc(need), *q = p;
    if (!p)
        return AIOPS_ENOMEM;
    q = put_lit(q, ",\"name\":");
    q = put_jstr(q, s->name);
    q = put_lit(q, ",\"labels\":{");
    for (size_t i = 0; i < s->nlabels; i++) {
        if (i)
            *q++ = ',';
        q = put_jstr(q, s->labels[i].name);
        *q++ = ':';
        q = put_jstr(q, s->labels[i].value);
    }
    q = put_lit(q, "}");
    if (s->type != AIOPS_MTYPE_UNKNOWN)     /* the source said what it measures */
        q = put_lit(q, s->type == AIOPS_MTYPE_COUNTER ? ",\"metric_type\":\"counter\""
                                                       : ",\"metric_type\":\"gauge\"");
    q = put_lit(q, ",\"value\":");
    SF(s)->ndjson_prefix = p;
    SF(s)->ndjson_prefix_len = (size_t)(q - p);
    return 0;
}

/* A number as JSON: finite numbers plain, NaN/Inf as strings. */
static void put_num(aiops_writer *w, double v)
{
    char nb[40];
    size_t n = aiops_fmt_double(v, nb);
    if (nb[0] == 'N' || nb[1] == 'I') {
        w->buf[w->len++] = '"';
        put(w, nb, n);
        w->buf[w->len++] = '"';
    } else {
        put(w, nb, n);
    }
}

static void put_ts(aiops_writer *w, double ts)
{
    if (ts != w->last_ts || !w->last_ts_len) {
        w->last_ts = ts;
        w->last_ts_len = aiops_fmt_double(ts, w->last_ts_text);
    }
    put(w, w->last_ts_text, w->last_ts_len);
}

static int write_generic(aiops_writer *w, const aiops_record *r, aiops_series *s, aiops_err *err);

static int write_sample_fast(aiops_writer *w, const aiops_record *r, aiops_series *s,
                             aiops_err *err)
{
    if (!SF(s)->ndjson_prefix && series_prefix(s))
        return aiops_err_set(err, AIOPS_ENOMEM, w->path, 0, "out of memory");
    if (SF(s)->ndjson_prefix_len + 128 > OUTBUF)     /* a giant label set */
        return write_generic(w, r, s, err);
    int rc = reserve(w, SF(s)->ndjson_prefix_len + 128, err);
    if (rc)
        return rc;
    static const char head[] = "{\"type\":\"sample\",\"ts\":";
    put(w, head, sizeof head - 1);
    if (isfinite(r->ts))
        put_ts(w, r->ts);
    else
        put_num(w, r->ts);
    put(w, SF(s)->ndjson_prefix, SF(s)->ndjson_prefix_len);
    put_num(w, r->value);
    put(w, "}\n", 2);
    return 0;
}

static int write_tsv(aiops_writer *w, const aiops_record *r, aiops_series *s, aiops_err *err)
{
    if (s->text_len + 80 > OUTBUF)
        return write_generic(w, r, s, err);
    int rc = reserve(w, s->text_len + 80, err);
    if (rc)
        return rc;
    char nb[40];
    put_ts(w, r->ts);
    w->buf[w->len++] = '\t';
    put(w, s->text, s->text_len);
    w->buf[w->len++] = '\t';
    put(w, nb, aiops_fmt_double(r->value, nb));
    w->buf[w->len++] = '\n';
    return 0;
}

/* type and ts first, then the object's other fields in their order. */
static void put_record(aiops_buf *b, const aiops_record *r, aiops_series *s)
{
    aiops_buf_put(b, "{\"type\":", 8);
    if (r->type == AIOPS_R_OTHER) {
        json_t *t = json_object_get(r->obj, "type");
        if (json_is_string(t))
            aiops_buf_jstrn(b, json_string_value(t), json_string_length(t));
        else
            aiops_buf_jstrn(b, "other", 5);
    } else {
        const char *tn = aiops_rtype_name(r->type);
        aiops_buf_jstr(b, tn);
    }
    aiops_buf_put(b, ",\"ts\":", 6);
    aiops_buf_num(b, r->ts);
    if (s) {
        if (!SF(s)->ndjson_prefix && series_prefix(s)) {
            b->oom = 1;
            return;
        }
        /* prefix ends in ,"value": */
        aiops_buf_put(b, SF(s)->ndjson_prefix, SF(s)->ndjson_prefix_len);
        aiops_buf_num(b, r->value);
    }
    const char *k;
    json_t *x;
    if (r->obj) {
        json_object_foreach(r->obj, k, x) {
            if (strcmp(k, "type") == 0 || strcmp(k, "ts") == 0)
                continue;
            if (s && (!strcmp(k, "name") || !strcmp(k, "labels") || !strcmp(k, "value") ||
                      !strcmp(k, "series")))
                continue;
            aiops_buf_put(b, ",", 1);
            aiops_buf_jstr(b, k);
            aiops_buf_put(b, ":", 1);
            aiops_buf_json(b, x);
        }
    }
    aiops_buf_put(b, "}\n", 2);
}

/* Records may be larger than the buffer (a 2 MiB log line): copy in
 * pieces, draining whenever the buffer is full. */
static int put_big(aiops_writer *w, const aiops_buf *b, aiops_err *err)
{
    int rc = 0;
    for (size_t off = 0; !rc && off < b->n;) {
        size_t k = b->n - off < OUTBUF - w->len ? b->n - off : OUTBUF - w->len;
        put(w, b->p + off, k);
        off += k;
        if (w->len == OUTBUF)
            rc = drain(w, ZSTD_e_continue, err);
    }
    return rc;
}

static int write_generic(aiops_writer *w, const aiops_record *r, aiops_series *s, aiops_err *err)
{
    /* One buffer for all records (a new one per record made malloc
     * consolidate its free lists over and over); a giant one is let go. */
    aiops_buf *b = &w->rec;
    b->n = 0;
    b->oom = 0;
    put_record(b, r, s);
    int rc = 0;
    if (b->oom)
        rc = aiops_err_set(err, AIOPS_ENOMEM, w->path, 0, "out of memory");
    if (!rc)
        rc = put_big(w, b, err);
    if (b->cap > OUTBUF || b->oom)
        aiops_buf_free(b);
    return rc;
}

/* A record that carries its JSON text (aiops_record.text): the head, the
 * text as it is, the tail; no tree. */
static int write_text(aiops_writer *w, const aiops_record *r, const char *text, size_t len,
                      aiops_err *err)
{
    const char *tn = aiops_rtype_name(r->type);
    size_t tl = strlen(tn), need = tl + 80 + len;
    if (need > OUTBUF) {             /* a record larger than the buffer: in pieces */
        aiops_buf b = {0};
        aiops_buf_put(&b, "{\"type\":\"", 9);
        aiops_buf_put(&b, tn, tl);
        aiops_buf_put(&b, "\",\"ts\":", 7);
        aiops_buf_num(&b, r->ts);
        aiops_buf_put(&b, text, len);
        aiops_buf_put(&b, "}\n", 2);
        int rc = b.oom ? aiops_err_set(err, AIOPS_ENOMEM, w->path, 0, "out of memory") : 0;
        if (!rc)
            rc = put_big(w, &b, err);
        aiops_buf_free(&b);
        return rc;
    }
    int rc = reserve(w, need, err);
    if (rc)
        return rc;
    put(w, "{\"type\":\"", 9);
    put(w, tn, tl);
    put(w, "\",\"ts\":", 7);
    if (isfinite(r->ts))
        put_ts(w, r->ts);
    else
        put_num(w, r->ts);
    put(w, text, len);
    put(w, "}\n", 2);
    return 0;
}

int aiops_writer_write(aiops_writer *w, const aiops_record *r, aiops_err *err)
{
    const char *text;
    size_t len;
    if (r->type != AIOPS_R_SAMPLE && r->type != AIOPS_R_OTHER && aiops_record_text(r, &text, &len))
        return write_text(w, r, text, len, err);
    if (r->type == AIOPS_R_SAMPLE) {
        aiops_series *s = aiops_series_get(w->tab, r->sid);
        if (!s)
            return aiops_err_set(err, AIOPS_EINVAL, w->path, 0, "sample with unknown series id");
        if (r->obj)
            return write_generic(w, r, s, err);
        /* A tab inside a label value cannot go in a TSV field: use NDJSON
         * (looked for once per series, not once per sample). */
        if (w->fmt == AIOPS_OUT_TSV) {
            if (!SF(s)->tsv_field)
                SF(s)->tsv_field = memchr(s->text, '\t', s->text_len) ? -1 : 1;
            if (SF(s)->tsv_field > 0)
                return write_tsv(w, r, s, err);
        }
        return write_sample_fast(w, r, s, err);
    }
    return write_generic(w, r, NULL, err);
}

int aiops_writer_flush(aiops_writer *w, aiops_err *err)
{
    return drain(w, w->zc ? ZSTD_e_flush : ZSTD_e_continue, err);
}

int aiops_writer_close(aiops_writer *w, aiops_err *err)
{
    if (!w)
        return 0;
    int rc = 0;
    if (w->buf && !w->failed)
        rc = drain(w, w->zc ? ZSTD_e_end : ZSTD_e_continue, err);
    if (w->own_fd && (rc || !err))    /* err NULL: the run failed, leave no partial file */
        aiops_ofile_abort(&w->of);
    else if (w->own_fd)
        rc = aiops_ofile_commit(&w->of, err);
    ZSTD_freeCCtx(w->zc);
    free(w->zbuf);
    free(w->buf);
    aiops_buf_free(&w->rec);
    free(w);
    return rc;
}
