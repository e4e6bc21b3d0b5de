/* clickhouse_tsv.c - ClickHouse's TSVWithNames and TSVWithNamesAndTypes
 * encodings: a header of column names, optionally a row of type names
 * (skipped), then tab-separated rows with ClickHouse's escapes (\t \n
 * \\ ...; \N alone is NULL). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/array.h"
#include "formats/tables/clickhouse.h"

/* TSVWithNames cell escapes: \t \n \\ ... ; "\N" alone is NULL. */
static json_t *tsv_cell(const char *s, size_t n, char *buf)
{
    if (n == 2 && s[0] == '\\' && s[1] == 'N')
        return json_null();
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\\' && i + 1 < n)
            c = aiops_ch_unescape(s[++i]);
        buf[k++] = c;
    }
    return json_stringn(buf, k);   /* NULL: not UTF-8 */
}

/* Fields of a TSV line; -1 when there are more than max. */
static int tsv_split(const char *l, size_t n, const char **f, size_t *fl, size_t max)
{
    size_t nf = 0, i = 0;
    for (;;) {
        const char *t = memchr(l + i, '\t', n - i);
        size_t e = t ? (size_t)(t - l) : n;
        if (nf == max)
            return -1;
        f[nf] = l + i;
        fl[nf++] = e - i;
        if (!t)
            return (int)nf;
        i = e + 1;
    }
}

/* ClickHouse type names: a TSVWithNamesAndTypes second row. */
static int is_type_name(const char *s, size_t n)
{
    static const char *const types[] = {
        "String", "FixedString", "UInt", "Int", "Float", "Decimal", "Date", "Bool", "UUID", "Map",
        "Array", "Tuple", "Nullable", "LowCardinality", "Enum", "IPv4", "IPv6", "JSON", "Object",
        "Nested", "Nothing", "SimpleAggregateFunction", "AggregateFunction", "Dynamic", "Variant",
        "Interval", "BFloat16", "Point", "Ring", "Polygon", "MultiPolygon", NULL,
    };
    for (size_t i = 0; types[i]; i++) {
        size_t tl = strlen(types[i]);
        if (n >= tl && memcmp(s, types[i], tl) == 0)
            return 1;
    }
    return 0;
}

int aiops_ch_tsv_header(aiops_ch_state *st, aiops_parse_ctx *ctx, aiops_err *err)
{
    const char *file = aiops_stream_name(ctx->stream);
    char *l;
    size_t n;
    const char *f[AIOPS_CH_MAX_COLS];
    size_t fl[AIOPS_CH_MAX_COLS];
    int rc = aiops_stream_getline(ctx->stream, &l, &n, err);
    if (rc <= 0)
        return rc;
    st->line = aiops_stream_lineno(ctx->stream);
    size_t bom = aiops_bom_len(l, n);
    l += bom;
    n -= bom;
    int nf = tsv_split(l, n, f, fl, AIOPS_CH_MAX_COLS);
    if (nf < 0)
        return aiops_err_set(err, AIOPS_ELIMIT, file, st->line, "more than %d columns",
                             AIOPS_CH_MAX_COLS);
    if (!(st->hdr = calloc((size_t)nf, sizeof *st->hdr)))
        return aiops_err_set(err, AIOPS_ENOMEM, file, st->line, "out of memory");
    st->nhdr = (size_t)nf;
    for (int i = 0; i < nf; i++) {
        if (!fl[i] || fl[i] >= AIOPS_COLMAP_NAME || !aiops_utf8_valid(f[i], fl[i]))
            return aiops_err_set(err, AIOPS_EPARSE, file, st->line,
                                 "expected a column name in header field %d, got '%.*s'", i + 1,
                                 (int)(fl[i] > 60 ? 60 : fl[i]), f[i]);
        if (!(st->hdr[i] = strndup(f[i], fl[i])))
            return aiops_err_set(err, AIOPS_ENOMEM, file, st->line, "out of memory");
    }
    rc = aiops_colmap_resolve(&st->map, (const char *const *)st->hdr, st->nhdr, "header", file,
                              st->line, err);
    st->resolved = rc == 0;
    return rc;
}

int aiops_ch_tsv_row(aiops_ch_state *st, aiops_parse_ctx *ctx, json_t **row, aiops_err *err)
{
    const char *file = aiops_stream_name(ctx->stream);
    const char *f[AIOPS_CH_MAX_COLS];
    size_t fl[AIOPS_CH_MAX_COLS];
    char *l;
    size_t n;
    int rc, nf;
    for (;;) {
        if ((rc = aiops_stream_getline(ctx->stream, &l, &n, err)) <= 0)
            return rc;
        st->line = aiops_stream_lineno(ctx->stream);
        if (n == 0)
            continue;
        nf = tsv_split(l, n, f, fl, AIOPS_CH_MAX_COLS);
        if (nf != (int)st->nhdr)
            return aiops_err_set(err, AIOPS_EPARSE, file, st->line,
                                 "expected %zu tab-separated fields (as the header), got %d",
                                 st->nhdr, nf < 0 ? AIOPS_CH_MAX_COLS + 1 : nf);
        int types = st->line == 2;
        for (int i = 0; types && i < nf; i++)
            types = is_type_name(f[i], fl[i]);
        if (!types)
            break;             /* TSVWithNamesAndTypes: skip the types */
    }
    if (AIOPS_GROW(st->cell, st->cellcap, n + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, file, st->line, "out of memory");
    json_t *o = json_object();
    for (int i = 0; o && i < nf; i++) {
        json_t *c = tsv_cell(f[i], fl[i], st->cell);
        if (!c) {
            json_decref(o);
            return aiops_err_set(err, AIOPS_EPARSE, file, st->line,
                                 "column '%.100s': expected UTF-8 text, got invalid bytes", st->hdr[i]);
        }
        if (json_object_set_new(o, st->hdr[i], c)) {
            json_decref(o);
            o = NULL;
        }
    }
    if (!o)
        return aiops_err_set(err, AIOPS_ENOMEM, file, st->line, "out of memory");
    *row = o;
    return 1;
}


static int ident(const char *s, size_t n)
{
    if (!n || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '.'))
            return 0;
    return 1;
}

/* TSVWithNames: a header of column names, best with a time among them. */
int aiops_ch_tsv_probe(const char *entry, const char *l, size_t n)
{
    int has_ts = 0, tcol = 0, body = 0, unix_t = 0, metric = 0;
    size_t nf = 0;
    if (!memchr(l, '\t', n))
        return 0;
    for (size_t i = 0; i <= n;) {
        const char *t = memchr(l + i, '\t', n - i);
        size_t e = t ? (size_t)(t - l) : n;
        if (!ident(l + i, e - i))
            return 0;
        has_ts |= aiops_colmap_time_name(l + i, e - i);
        tcol |= e - i == 9 && !memcmp(l + i, "Timestamp", 9);
        body |= (e - i == 4 && !memcmp(l + i, "Body", 4)) || (e - i == 8 && !memcmp(l + i, "SpanName", 8));
        unix_t |= e - i == 8 && !memcmp(l + i, "TimeUnix", 8);
        metric |= e - i == 10 && !memcmp(l + i, "MetricName", 10);
        nf++;
        i = e + 1;
    }
    size_t el = entry ? strlen(entry) : 0;
    int ext = el > 4 && strcasecmp(entry + el - 4, ".tsv") == 0 ? 5 : 0;
    if ((tcol && body) || (unix_t && metric))
        return 88 + ext;
    if (nf < 2)
        return 0;
    /* Column names but no time we know: a table for --map, weakly. */
    return has_ts ? 60 + ext : 20 + ext;
}
