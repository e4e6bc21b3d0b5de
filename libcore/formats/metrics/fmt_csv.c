/* fmt_csv.c - CSV metric dumps.
 *
 * Two layouts share one parser:
 *  - NAB layout: "timestamp,value" (Numenta Anomaly Benchmark); the single
 *    series is named after the file, since the file name is the only place
 *    NAB records what was measured.
 *  - wide layout: "Time,<col>,<col>..." (Grafana "Series joined by time");
 *    one series per column, taken from the header cell when it is series
 *    text, else "<file stem>{column="<header>"}".
 * A first line whose first field is a time is data, not a header: columns
 * are then numbered.  Quoting is RFC 4180 but records never span lines
 * (the stream is line based and metric dumps never embed newlines), so a
 * quote still open at the end of a line is reported, not carried over.
 * A row is parsed and checked as a whole when it is read, then handed out
 * one cell at a time through a cursor. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aiops_format.h"
#include "common/array.h"

#define SHOW_MAX 48     /* bytes of offending input quoted in messages */

typedef struct csv_state {
    char stem[256];         /* sanitized file stem: the NAB series name */
    /* fields of the current line, unquoted and NUL-terminated in buf */
    char *buf;
    size_t bufcap;
    size_t *foff, *flen;
    size_t ocap, lcap, nf;
    /* columns, fixed by the first content line; 0 until then */
    size_t nfields;
    uint32_t *sids;         /* per value column (field 2..nfields) */
    double *vals;
    unsigned char *has;     /* 1 when the cell of the current row is non-empty */
    double ts;              /* time of the current row */
    size_t cursor;          /* next value column next() looks at */
    size_t ncols;           /* value columns = nfields - 1 */
} csv_state;

static const char *fld(const csv_state *st, size_t i) { return st->buf + st->foff[i]; }

static int show_len(size_t n) { return (int)(n < SHOW_MAX ? n : SHOW_MAX); }

/* Every parse error names the stream and the line just read. */
#define perr(ctx, err, ...) aiops_parse_fail((ctx), (err), AIOPS_EPARSE, __VA_ARGS__)

static int nomem(aiops_parse_ctx *ctx, aiops_err *err)
{
    return aiops_parse_fail(ctx, err, AIOPS_ENOMEM, "out of memory");
}

/* Interning errors carry only a message: say what we were doing, and where. */
static int prefix_err(int rc, aiops_parse_ctx *ctx, aiops_err *err, const char *what)
{
    char msg[sizeof err->msg];
    snprintf(msg, sizeof msg, "%s", err->msg);
    return aiops_parse_fail(ctx, err, rc, "%s: %s", what, msg);
}

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return 1;
}

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

/* ------------------------------------------------------------ splitting */

static int add_field(csv_state *st, size_t off, size_t len)
{
    if (AIOPS_GROW(st->foff, st->ocap, st->nf + 1) || AIOPS_GROW(st->flen, st->lcap, st->nf + 1))
        return AIOPS_ENOMEM;
    st->foff[st->nf] = off;
    st->flen[st->nf] = len;
    st->nf++;
    return 0;
}

/* Quoted field starting after its opening quote at line[*i]; "" is a quote.
 * Spaces between the closing quote and the comma are tolerated. */
static int quoted(csv_state *st, aiops_parse_ctx *ctx, const char *line, size_t len,
                  size_t *i, size_t *w, aiops_err *err)
{
    for (;;) {
        if (*i >= len)
            return perr(ctx, err, "expected a closing '\"' for field %zu before the end "
                        "of the line (quoted fields cannot span lines)", st->nf + 1);
        if (line[*i] == '"') {
            if (*i + 1 < len && line[*i + 1] == '"') {
                st->buf[(*w)++] = '"';
                *i += 2;
                continue;
            }
            (*i)++;
            break;
        }
        st->buf[(*w)++] = line[(*i)++];
    }
    while (*i < len && (line[*i] == ' ' || line[*i] == '\t'))
        (*i)++;
    if (*i < len && line[*i] != ',')
        return perr(ctx, err, "expected ',' after the closing quote of field %zu, got '%.*s'",
                    st->nf + 1, show_len(len - *i), line + *i);
    return 0;
}

/* Split one line into st's fields.  Unquoted fields are trimmed of blanks;
 * a '"' inside an unquoted field is kept literally, as most CSV writers
 * that forget to quote expect. */
static int split(csv_state *st, aiops_parse_ctx *ctx, const char *line, size_t len,
                 aiops_err *err)
{
    /* Field text never exceeds the line plus one NUL per field, and a line
     * has at most len + 1 fields, so 2 * len + 2 bytes always suffice. */
    if (AIOPS_GROW(st->buf, st->bufcap, 2 * len + 2))
        return nomem(ctx, err);
    if (memchr(line, '\0', len))
        return perr(ctx, err, "expected text, got a NUL byte");
    size_t i = 0, w = 0;
    st->nf = 0;
    for (;;) {
        while (i < len && (line[i] == ' ' || line[i] == '\t'))
            i++;
        size_t start = w;
        if (i < len && line[i] == '"') {
            i++;
            int rc = quoted(st, ctx, line, len, &i, &w, err);
            if (rc)
                return rc;
        } else {
            while (i < len && line[i] != ',')
                st->buf[w++] = line[i++];
            while (w > start && (st->buf[w - 1] == ' ' || st->buf[w - 1] == '\t'))
                w--;
        }
        st->buf[w++] = '\0';
        if (add_field(st, start, w - 1 - start))
            return nomem(ctx, err);
        if (i >= len)
            return 0;
        i++;    /* the comma */
    }
}

/* ------------------------------------------------------------- columns */

static int name_is(const char *s, size_t n, const char *want)
{
    return strlen(want) == n && strncasecmp(s, want, n) == 0;
}

static int is_time_name(const char *s, size_t n)
{
    return name_is(s, n, "time") || name_is(s, n, "timestamp") || name_is(s, n, "ts") ||
           name_is(s, n, "date");
}

/* NAB keeps its series name in the file name only (--name overrides). */
static void set_stem(csv_state *st, const aiops_parse_ctx *ctx, const char *entry)
{
    if (ctx->name && ctx->name[0])
        aiops_sanitize_name(ctx->name, strlen(ctx->name), st->stem, sizeof st->stem);
    else
        aiops_stem_name(entry, "csv", st->stem, sizeof st->stem);
}

static int stem_series(csv_state *st, aiops_parse_ctx *ctx, const char *column,
                       uint32_t *id, aiops_err *err)
{
    aiops_label l = {"column", column};
    int rc = aiops_series_intern_foreign(ctx->series, st->stem, &l, column ? 1 : 0, id, err);
    return rc < 0 ? prefix_err(rc, ctx, err, "cannot make a series for the column") : 0;
}

/* The series of header cell i: series text if it parses as such, else the
 * cell as a "column" label on the file's stem. */
static int header_series(csv_state *st, aiops_parse_ctx *ctx, size_t i, uint32_t *id,
                         aiops_err *err)
{
    const char *cell = fld(st, i);
    size_t n = st->flen[i];
    char num[24];
    if (!aiops_utf8_valid(cell, n))
        return perr(ctx, err, "expected UTF-8 text in header field %zu", i + 1);
    if (n == 0) {   /* unnamed column: its field number keeps it distinct */
        snprintf(num, sizeof num, "%zu", i + 1);
        return stem_series(st, ctx, num, id, err);
    }
    aiops_err scratch = {0};
    int rc = aiops_series_intern_text(ctx->series, cell, n, id, &scratch);
    if (rc == 0)
        return 0;
    if (rc != AIOPS_EPARSE) {
        if (err)
            *err = scratch;
        return prefix_err(rc, ctx, err, "cannot intern the header series");
    }
    return stem_series(st, ctx, cell, id, err);
}

static int cmp_sid(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;
    return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : (x[1] > y[1]) - (x[1] < y[1]);
}

/* Two columns of one series would give two values for one instant. */
static int check_distinct(csv_state *st, aiops_parse_ctx *ctx, aiops_err *err)
{
    uint32_t *p = malloc(st->ncols * 2 * sizeof *p);
    if (!p)
        return nomem(ctx, err);
    for (size_t j = 0; j < st->ncols; j++) {
        p[2 * j] = st->sids[j];
        p[2 * j + 1] = (uint32_t)j;
    }
    qsort(p, st->ncols, 2 * sizeof *p, cmp_sid);
    int rc = 0;
    for (size_t j = 1; j < st->ncols && !rc; j++)
        if (p[2 * j] == p[2 * j - 2])
            rc = perr(ctx, err, "expected one column per series, but fields %zu and %zu "
                      "are both '%s'", (size_t)p[2 * j - 1] + 2, (size_t)p[2 * j + 1] + 2,
                      aiops_series_get(ctx->series, p[2 * j])->text);
    free(p);
    return rc;
}

static int column_series(csv_state *st, aiops_parse_ctx *ctx, int header, aiops_err *err)
{
    size_t nf = st->nf;
    if (nf == 2 && (!header || (is_time_name(fld(st, 0), st->flen[0]) &&
                                name_is(fld(st, 1), st->flen[1], "value"))))
        return stem_series(st, ctx, NULL, &st->sids[0], err);
    for (size_t i = 1; i < nf; i++) {
        char num[24];
        int rc;
        if (header) {
            rc = header_series(st, ctx, i, &st->sids[i - 1], err);
        } else {
            snprintf(num, sizeof num, "%zu", i + 1);
            rc = stem_series(st, ctx, num, &st->sids[i - 1], err);
        }
        if (rc < 0)
            return rc;
    }
    return check_distinct(st, ctx, err);
}

/* Fix the columns from the first content line.  Returns 1 when the line
 * was a header (consumed), 0 when it is already data, <0 on error. */
static int setup(csv_state *st, aiops_parse_ctx *ctx, aiops_err *err)
{
    if (st->nf < 2)
        return perr(ctx, err, "expected at least 2 comma-separated fields (a time, then "
                    "values), got %zu", st->nf);
    double t;
    int header = aiops_parse_time(fld(st, 0), st->flen[0], &t) != 0;
    st->ncols = st->nf - 1;
    st->sids = calloc(st->ncols, sizeof *st->sids);
    st->vals = calloc(st->ncols, sizeof *st->vals);
    st->has = calloc(st->ncols, 1);
    if (!st->sids || !st->vals || !st->has)
        return nomem(ctx, err);
    int rc = column_series(st, ctx, header, err);
    if (rc < 0)
        return rc;
    st->nfields = st->nf;
    return header;
}

/* ---------------------------------------------------------------- rows */

static int load_row(csv_state *st, aiops_parse_ctx *ctx, aiops_err *err)
{
    if (st->nf != st->nfields)
        return perr(ctx, err, "expected %zu comma-separated fields as on the first line, "
                    "got %zu", st->nfields, st->nf);
    if (aiops_parse_time(fld(st, 0), st->flen[0], &st->ts))
        return perr(ctx, err, "expected a time (RFC 3339, 'YYYY-MM-DD HH:MM:SS' or epoch "
                    "seconds/milliseconds) in field 1, got '%.*s'",
                    show_len(st->flen[0]), fld(st, 0));
    for (size_t j = 0; j < st->ncols; j++) {
        const char *s = fld(st, j + 1);
        size_t n = st->flen[j + 1];
        trim(&s, &n);
        st->has[j] = n > 0;
        if (n && aiops_parse_double(s, n, &st->vals[j]))
            return perr(ctx, err, "expected a number (or NaN/+Inf/-Inf) in field %zu "
                        "(%s), got '%.*s'", j + 2,
                        aiops_series_get(ctx->series, st->sids[j])->text, show_len(n), s);
    }
    st->cursor = 0;
    return 0;
}

/* Excel writes "sep=," as a first line to announce the delimiter. */
static int is_sep_hint(const char *s, size_t n)
{
    return n == 5 && strncasecmp(s, "sep=,", 5) == 0;
}

/* Read lines until one row is loaded: 1, 0 at end, <0 on error. */
static int next_row(csv_state *st, aiops_parse_ctx *ctx, aiops_err *err)
{
    for (;;) {
        char *line;
        size_t len;
        int rc = aiops_stream_getline(ctx->stream, &line, &len, err);
        if (rc <= 0)
            return rc;
        if (aiops_stream_lineno(ctx->stream) == 1) {
            size_t bom = aiops_bom_len(line, len);
            line += bom;
            len -= bom;
        }
        if (is_blank(line, len) || (!st->nfields && is_sep_hint(line, len)))
            continue;
        rc = split(st, ctx, line, len, err);
        if (rc < 0)
            return rc;
        if (!st->nfields) {
            rc = setup(st, ctx, err);
            if (rc < 0)
                return rc;
            if (rc == 1)
                continue;
        }
        rc = load_row(st, ctx, err);
        return rc < 0 ? rc : 1;
    }
}

/* ------------------------------------------------------------- format */

static int csv_open(void **state, aiops_parse_ctx *ctx, aiops_err *err)
{
    csv_state *st = calloc(1, sizeof *st);
    if (!st)
        return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(ctx->stream), 0,
                             "out of memory");
    set_stem(st, ctx, aiops_stream_entry(ctx->stream));
    *state = st;
    return 0;
}

static int csv_next(void *state, aiops_parse_ctx *ctx, aiops_record *rec, aiops_err *err)
{
    csv_state *st = state;
    for (;;) {
        while (st->cursor < st->ncols) {
            size_t j = st->cursor++;
            if (!st->has[j])
                continue;
            rec->type = AIOPS_R_SAMPLE;
            rec->sid = st->sids[j];
            rec->ts = st->ts;
            rec->value = st->vals[j];
            rec->obj = NULL;
            return 1;
        }
        int rc = next_row(st, ctx, err);
        if (rc <= 0)
            return rc;
    }
}

static void csv_close(void *state)
{
    csv_state *st = state;
    if (!st)
        return;
    free(st->buf);
    free(st->foff);
    free(st->flen);
    free(st->sids);
    free(st->vals);
    free(st->has);
    free(st);
}

/* First field of a probe line (quotes removed when simple) into out. */
static size_t probe_field(const char *s, size_t n, char *out, size_t cap)
{
    size_t i = 0, k = 0;
    while (i < n && s[i] == ' ')
        i++;
    int q = i < n && s[i] == '"';
    i += q;
    while (i < n && k + 1 < cap && (q ? s[i] != '"' : s[i] != ','))
        out[k++] = s[i++];
    while (k && out[k - 1] == ' ')
        k--;
    out[k] = '\0';
    return k;
}

static int ends_with_csv(const char *entry)
{
    size_t n = entry ? strlen(entry) : 0;
    return n >= 4 && strcasecmp(entry + n - 4, ".csv") == 0;
}

/* Cheap: only the first line matters.  Lines with tabs (our TSV stream),
 * JSON, promtool dumps and exposition text never have a time or a time
 * column name before their first comma. */
static int csv_probe(const char *entry, const char *head, size_t n)
{
    if (!head)
        return 0;
    size_t bom = aiops_bom_len(head, n);
    head += bom;
    n -= bom;
    const char *nl = memchr(head, '\n', n);
    size_t len = nl ? (size_t)(nl - head) : n;
    if (len && head[len - 1] == '\r')
        len--;
    if (is_sep_hint(head, len) && nl)
        return csv_probe(entry, nl + 1, n - (size_t)(nl + 1 - head));
    if (!len || memchr(head, '\t', len) || !memchr(head, ',', len) ||
        memchr(head, '\0', len) || head[0] == '{' || head[0] == '[' || head[0] == '#')
        return 0;
    char f[64];
    size_t fl = probe_field(head, len, f, sizeof f);
    double t;
    int score = 0;
    if (is_time_name(f, fl))
        score = 80;
    else if (fl && aiops_parse_time(f, fl, &t) == 0)
        score = 60;
    return score && ends_with_csv(entry) ? score + 15 : score;
}

const aiops_format aiops_fmt_csv = {
    .name = "csv",
    .desc = "CSV: NAB timestamp,value (series from file name) or wide Time,<series>... "
            "(Grafana export)",
    .ordered = 1,
    .probe = csv_probe,
    .open = csv_open,
    .next = csv_next,
    .close = csv_close,
};
