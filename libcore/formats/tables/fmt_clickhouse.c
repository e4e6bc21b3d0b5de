/* fmt_clickhouse.c - ClickHouse table exports: JSONEachRow (one JSON
 * object per line) and TSVWithNames / TSVWithNamesAndTypes (a header of
 * column names, optionally a row of types, then tab-separated rows with
 * ClickHouse's escapes), of metrics, logs or traces tables.
 *
 * Which column is what comes from --map (ctx->column_map):
 *     ts=event_time,value=val,series=metric,name=..,labels=a+b,service=..,
 *     message=..,level=..,trace_id=..,span_id=..,parent_span_id=..,
 *     operation=..,duration=COL[:s|ms|us|ns],status=..,attributes=..,
 *     type=sample|log|span
 * and, for roles not mapped, from the column names:
 *  - the OpenTelemetry collector's ClickHouse exporter tables:
 *      otel_logs     Timestamp, TraceId, SpanId, SeverityText, ServiceName,
 *                    Body, ResourceAttributes + LogAttributes (-> labels)
 *      otel_traces   Timestamp, TraceId, SpanId, ParentSpanId, SpanName,
 *                    ServiceName, Duration (ns), StatusCode, SpanAttributes
 *      otel_metrics_gauge/_sum/...  TimeUnix, MetricName, Attributes, Value,
 *                    ServiceName
 *    (other columns of these tables are not used);
 *  - any other table: common names, case-insensitive (ts, timestamp, time,
 *    event_time; value, val; series; name, metric, metric_name; labels,
 *    tags, attributes; service, service_name, app; message, msg, body,
 *    log, line; level, severity; trace_id; span_id; parent_span_id;
 *    operation, span_name; duration (s), duration_ms, duration_us,
 *    duration_ns; status).  The other columns become labels (samples,
 *    logs) or attributes (spans).
 * The record type: type=, else span when there are trace and span ids and
 * an operation or duration, sample when there is a value, log when there
 * is a message.
 *
 * Samples: series = the series column, or name (made a valid metric name)
 * + labels (names made valid: "http.method" -> "http_method"), plus
 * service=<service column> when the labels have no "service".  Logs and
 * spans get the fields of docs/FORMAT.md; level is normalised to debug,
 * info, warn, error, fatal (others lower-cased); a span is an error when
 * its status says so (STATUS_CODE_ERROR, Error).
 *
 * Cells: DateTime64 text "2024-01-02 03:04:05.123456789" is UTC, numbers
 * are epoch seconds/ms/us/ns by magnitude; 64-bit integers may be quoted
 * (output_format_json_quote_64bit_integers); a JSON null value (how
 * ClickHouse writes nan/inf) is NaN; Map columns are JSON objects, or in
 * TSV ClickHouse's {'k':'v'} text (JSON text too).  \N is NULL.
 *
 * Tables are stored in their ORDER BY order (the otel tables by service
 * first), not by time: `ordered = 0`. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aiops_format.h"
#include "common/jdoc.h"

#define MAX_ROLE_COLS 4
#define MAX_LABELS 256
#define COL_NAME 128

enum role {
    R_TS, R_VALUE, R_SERIES, R_NAME, R_LABELS, R_SERVICE, R_MESSAGE, R_LEVEL, R_TRACE, R_SPAN,
    R_PARENT, R_OPERATION, R_DURATION, R_STATUS, R_ATTRS, R__N
};

static const char *const role_key[R__N] = {
    "ts", "value", "series", "name", "labels", "service", "message", "level", "trace_id",
    "span_id", "parent_span_id", "operation", "duration", "status", "attributes",
};

/* Generic column names per role (compared case-insensitively). */
static const char *const generic[R__N][8] = {
    [R_TS] = {"ts", "timestamp", "time", "event_time", "eventtime", "datetime", "t", NULL},
    [R_VALUE] = {"value", "val", NULL},
    [R_SERIES] = {"series", NULL},
    [R_NAME] = {"name", "metric", "metric_name", "__name__", NULL},
    [R_LABELS] = {"labels", "tags", "attributes", NULL},
    [R_SERVICE] = {"service", "service_name", "app", NULL},
    [R_MESSAGE] = {"message", "msg", "body", "log", "line", NULL},
    [R_LEVEL] = {"level", "severity", "severity_text", "loglevel", NULL},
    [R_TRACE] = {"trace_id", "traceid", NULL},
    [R_SPAN] = {"span_id", "spanid", NULL},
    [R_PARENT] = {"parent_span_id", "parentspanid", "parent_id", NULL},
    [R_OPERATION] = {"operation", "operation_name", "span_name", NULL},
    [R_DURATION] = {"duration", "duration_ms", "duration_us", "duration_ns", NULL},
    [R_STATUS] = {"status", "status_code", NULL},
    [R_ATTRS] = {NULL},
};

typedef struct ch_state {
    int tsv;
    int resolved;            /* roles found (at the header / first row) */
    aiops_rtype type;
    int otel;                /* an OpenTelemetry table: other columns unused */
    char col[R__N][MAX_ROLE_COLS][COL_NAME];
    int ncol[R__N];
    int mapped[R__N];        /* set by --map */
    double dur_div;          /* duration unit per second (1e9: ns) */
    aiops_rtype forced;      /* type= */
    /* TSV */
    char **hdr;
    size_t nhdr;
    char *cell;              /* unescaped cells of the current row */
    size_t cellcap;
    long line;
} ch_state;

/* ------------------------------------------------------------- --map */

static int map_err(aiops_parse_ctx *ctx, aiops_err *err, const char *fmt, const char *a, size_t n)
{
    return aiops_err_set(err, AIOPS_EINVAL, aiops_stream_name(ctx->stream), 0, fmt, (int)n, a);
}

static int set_type(ch_state *st, const char *v, size_t n, aiops_parse_ctx *ctx, aiops_err *err)
{
    static const char *const names[] = {"sample", "log", "span"};
    static const aiops_rtype types[] = {AIOPS_R_SAMPLE, AIOPS_R_LOG, AIOPS_R_SPAN};
    for (size_t i = 0; i < 3; i++)
        if (strlen(names[i]) == n && memcmp(v, names[i], n) == 0) {
            st->forced = types[i];
            return 0;
        }
    return map_err(ctx, err, "--map: expected type=sample, log or span, got '%.*s'", v, n);
}

static int set_unit(ch_state *st, const char *u, size_t n, aiops_parse_ctx *ctx, aiops_err *err)
{
    static const char *const units[] = {"s", "ms", "us", "ns"};
    static const double per_s[] = {1, 1e3, 1e6, 1e9};
    for (size_t i = 0; i < 4; i++)
        if (strlen(units[i]) == n && memcmp(u, units[i], n) == 0) {
            st->dur_div = per_s[i];
            return 0;
        }
    return map_err(ctx, err, "--map: expected a duration unit s, ms, us or ns, got '%.*s'", u, n);
}

/* One "role=col[+col...]" item. */
static int map_item(ch_state *st, const char *s, size_t n, aiops_parse_ctx *ctx, aiops_err *err)
{
    const char *eq = memchr(s, '=', n);
    if (!eq)
        return map_err(ctx, err, "--map: expected ROLE=COLUMN, got '%.*s'", s, n);
    size_t kn = (size_t)(eq - s), vn = n - kn - 1;
    const char *v = eq + 1;
    if (kn == 4 && memcmp(s, "type", 4) == 0)
        return set_type(st, v, vn, ctx, err);
    int r = 0;
    while (r < R__N && !(strlen(role_key[r]) == kn && memcmp(role_key[r], s, kn) == 0))
        r++;
    if (r == R__N)
        return map_err(ctx, err, "--map: unknown role '%.*s' (ts, value, series, name, labels, "
                       "service, message, level, trace_id, span_id, parent_span_id, operation, "
                       "duration, status, attributes, type)", s, kn);
    if (r == R_DURATION) {
        const char *c = memchr(v, ':', vn);
        if (c) {
            int rc = set_unit(st, c + 1, vn - (size_t)(c + 1 - v), ctx, err);
            if (rc)
                return rc;
            vn = (size_t)(c - v);
        }
    }
    st->ncol[r] = 0;
    st->mapped[r] = 1;
    while (vn) {   /* labels=a+b: several columns */
        const char *plus = memchr(v, '+', vn);
        size_t cn = plus ? (size_t)(plus - v) : vn;
        if (!cn || cn >= COL_NAME || st->ncol[r] == MAX_ROLE_COLS)
            return map_err(ctx, err, "--map: expected column names after '=', got '%.*s'", v, vn);
        memcpy(st->col[r][st->ncol[r]], v, cn);
        st->col[r][st->ncol[r]++][cn] = '\0';
        v += cn + (plus != NULL);
        vn -= cn + (plus != NULL);
    }
    return 0;
}

static int parse_map(ch_state *st, aiops_parse_ctx *ctx, aiops_err *err)
{
    const char *m = ctx->column_map;
    while (m && *m) {
        size_t n = strcspn(m, ",");
        if (n) {
            int rc = map_item(st, m, n, ctx, err);
            if (rc)
                return rc;
        }
        m += n + (m[n] == ',');
    }
    return 0;
}

/* ------------------------------------------------------- column roles */

typedef struct colset {
    const char *const *names;
    size_t n;
} colset;

static int has_col(const colset *cs, const char *name)
{
    for (size_t i = 0; i < cs->n; i++)
        if (strcmp(cs->names[i], name) == 0)
            return 1;
    return 0;
}

/* A role's default columns, those of them the table has. */
static void set_default(ch_state *st, const colset *cs, int r, const char *a, const char *b)
{
    const char *names[2] = {a, b};
    if (st->mapped[r] || st->ncol[r])
        return;
    for (size_t i = 0; i < 2; i++)
        if (names[i] && has_col(cs, names[i]))
            snprintf(st->col[r][st->ncol[r]++], COL_NAME, "%s", names[i]);
}

/* The OpenTelemetry exporter's tables, by their telling columns. */
static void otel_defaults(ch_state *st, const colset *cs)
{
    if (has_col(cs, "Timestamp") && has_col(cs, "Body")) {
        st->otel = 1;
        st->type = AIOPS_R_LOG;
        set_default(st, cs, R_TS, "Timestamp", NULL);
        set_default(st, cs, R_MESSAGE, "Body", NULL);
        set_default(st, cs, R_LEVEL, "SeverityText", NULL);
        set_default(st, cs, R_SERVICE, "ServiceName", NULL);
        set_default(st, cs, R_TRACE, "TraceId", NULL);
        set_default(st, cs, R_SPAN, "SpanId", NULL);
        set_default(st, cs, R_LABELS, "ResourceAttributes", "LogAttributes");
    } else if (has_col(cs, "Timestamp") && has_col(cs, "SpanName")) {
        st->otel = 1;
        st->type = AIOPS_R_SPAN;
        set_default(st, cs, R_TS, "Timestamp", NULL);
        set_default(st, cs, R_TRACE, "TraceId", NULL);
        set_default(st, cs, R_SPAN, "SpanId", NULL);
        set_default(st, cs, R_PARENT, "ParentSpanId", NULL);
        set_default(st, cs, R_OPERATION, "SpanName", NULL);
        set_default(st, cs, R_SERVICE, "ServiceName", NULL);
        set_default(st, cs, R_STATUS, "StatusCode", NULL);
        set_default(st, cs, R_ATTRS, "SpanAttributes", NULL);
        if (!st->mapped[R_DURATION]) {
            set_default(st, cs, R_DURATION, "Duration", NULL);
            st->dur_div = 1e9;   /* nanoseconds */
        }
    } else if (has_col(cs, "TimeUnix") && has_col(cs, "MetricName")) {
        st->otel = 1;
        st->type = AIOPS_R_SAMPLE;
        set_default(st, cs, R_TS, "TimeUnix", NULL);
        set_default(st, cs, R_NAME, "MetricName", NULL);
        set_default(st, cs, R_VALUE, "Value", NULL);
        set_default(st, cs, R_LABELS, "Attributes", NULL);
        set_default(st, cs, R_SERVICE, "ServiceName", NULL);
    }
}

static void generic_defaults(ch_state *st, const colset *cs)
{
    for (int r = 0; r < R__N; r++) {
        if (st->mapped[r] || st->ncol[r])
            continue;
        for (size_t g = 0; generic[r][g] && !st->ncol[r]; g++)
            for (size_t i = 0; i < cs->n; i++)
                if (strcasecmp(cs->names[i], generic[r][g]) == 0) {
                    snprintf(st->col[r][0], COL_NAME, "%s", cs->names[i]);
                    st->ncol[r] = 1;
                    if (r == R_DURATION && !st->mapped[R_DURATION])
                        st->dur_div = g == 1 ? 1e3 : g == 2 ? 1e6 : g == 3 ? 1e9 : 1;
                    break;
                }
    }
}

static aiops_rtype infer_type(const ch_state *st)
{
    if (st->forced)
        return st->forced;
    if (st->type)
        return st->type;
    if (st->ncol[R_TRACE] && st->ncol[R_SPAN] && (st->ncol[R_OPERATION] || st->ncol[R_DURATION]))
        return AIOPS_R_SPAN;
    if (st->ncol[R_VALUE])
        return AIOPS_R_SAMPLE;
    if (st->ncol[R_MESSAGE])
        return AIOPS_R_LOG;
    return AIOPS_R_OTHER;
}

/* The roles each record type needs. */
static int check_required(ch_state *st, const colset *cs, const char *file, long line,
                          aiops_err *err)
{
    static const int need_sample[] = {R_TS, R_VALUE, -1};
    static const int need_log[] = {R_TS, R_MESSAGE, -1};
    static const int need_span[] = {R_TS, R_TRACE, R_SPAN, R_OPERATION, R_DURATION, -1};
    const int *need = st->type == AIOPS_R_SAMPLE ? need_sample
                    : st->type == AIOPS_R_LOG    ? need_log : need_span;
    for (size_t i = 0; need[i] >= 0; i++)
        if (!st->ncol[need[i]])
            return aiops_err_set(err, AIOPS_EPARSE, file, line,
                                 "expected a %s column for %s records (name it with --map %s=COLUMN)",
                                 role_key[need[i]], aiops_rtype_name(st->type), role_key[need[i]]);
    if (st->type == AIOPS_R_SAMPLE && !st->ncol[R_SERIES] && !st->ncol[R_NAME] && !st->ncol[R_LABELS])
        return aiops_err_set(err, AIOPS_EPARSE, file, line,
                             "expected a series, name or labels column for samples (--map name=COLUMN)");
    for (int r = 0; r < R__N; r++)
        for (int k = 0; k < st->ncol[r]; k++)
            if (!has_col(cs, st->col[r][k]))
                return aiops_err_set(err, AIOPS_EPARSE, file, line,
                                     "expected a column '%.100s' (%s%s), not in the %s",
                                     st->col[r][k], st->mapped[r] ? "--map " : "the ",
                                     role_key[r], st->tsv ? "header" : "first row");
    return 0;
}

static int resolve(ch_state *st, const colset *cs, const char *file, long line, aiops_err *err)
{
    otel_defaults(st, cs);
    if (!st->otel)
        generic_defaults(st, cs);
    st->type = infer_type(st);
    if (st->type == AIOPS_R_OTHER)
        return aiops_err_set(err, AIOPS_EPARSE, file, line,
                             "expected a value, message or trace/span id column to tell samples, "
                             "logs or spans (or --map type=sample|log|span)");
    int rc = check_required(st, cs, file, line, err);
    st->resolved = rc == 0;
    return rc;
}

static int used_col(const ch_state *st, const char *name)
{
    for (int r = 0; r < R__N; r++)
        for (int k = 0; k < st->ncol[r]; k++)
            if (strcmp(st->col[r][k], name) == 0)
                return 1;
    return 0;
}

/* -------------------------------------------------------------- cells */

typedef struct row_ctx {
    ch_state *st;
    aiops_series_table *tab;
    json_t *row;
    const char *file;
    long line;
    aiops_err *err;
} row_ctx;

static int cell_err(row_ctx *rc, const char *col, const char *fmt, const char *got)
{
    return aiops_err_set(rc->err, AIOPS_EPARSE, rc->file, rc->line, "column '%.100s': %s, got %.80s",
                         col, fmt, got);
}

/* The cell of a role's k-th column (NULL when absent or null). */
static json_t *cell(const row_ctx *rc, int r, int k)
{
    if (k >= rc->st->ncol[r])
        return NULL;
    json_t *v = json_object_get(rc->row, rc->st->col[r][k]);
    return json_is_null(v) ? NULL : v;
}

/* Text of a scalar cell; numbers as their shortest text in buf (40 B). */
static int cell_text(row_ctx *rc, int r, char *buf, const char **out)
{
    json_t *v = cell(rc, r, 0);
    *out = NULL;
    if (!v)
        return 0;
    if (json_is_string(v)) {
        *out = json_string_value(v);
        return 0;
    }
    if (json_is_integer(v)) {
        snprintf(buf, 40, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        *out = buf;
        return 0;
    }
    if (json_is_real(v)) {
        aiops_fmt_double(json_real_value(v), buf);
        *out = buf;
        return 0;
    }
    return cell_err(rc, rc->st->col[r][0], "expected text", aiops_jdoc_type(v));
}

static int cell_number(row_ctx *rc, int r, int nan_ok, double *out)
{
    json_t *v = cell(rc, r, 0);
    const char *col = rc->st->col[r][0];
    if (!v) {
        if (nan_ok) {   /* ClickHouse writes nan/inf as null in JSON */
            *out = NAN;
            return 0;
        }
        return cell_err(rc, col, "expected a number", "null");
    }
    if (json_is_number(v)) {
        *out = json_number_value(v);
        return 0;
    }
    if (json_is_string(v) && aiops_parse_double(json_string_value(v), json_string_length(v), out) == 0)
        return 0;
    if (json_is_string(v)) {
        char q[90];
        snprintf(q, sizeof q, "'%.60s'", json_string_value(v));
        return cell_err(rc, col, "expected a number", q);
    }
    return cell_err(rc, col, "expected a number", aiops_jdoc_type(v));
}

static int cell_time(row_ctx *rc, double *out)
{
    json_t *v = cell(rc, R_TS, 0);
    const char *col = rc->st->col[R_TS][0];
    char buf[64];
    if (json_is_number(v)) {
        int w = snprintf(buf, sizeof buf, "%.17g", json_number_value(v));
        if (w > 0 && (size_t)w < sizeof buf && aiops_parse_time(buf, (size_t)w, out) == 0)
            return 0;
    } else if (json_is_string(v)) {
        if (aiops_parse_time(json_string_value(v), json_string_length(v), out) == 0)
            return 0;
        snprintf(buf, sizeof buf, "'%.50s'", json_string_value(v));
        return cell_err(rc, col, "expected a time like 2024-01-02 03:04:05.123 or epoch seconds", buf);
    }
    return cell_err(rc, col, "expected a time like 2024-01-02 03:04:05.123 or epoch seconds",
                    aiops_jdoc_type(v));
}

/* ---------------------------------------------------- ClickHouse maps */

static void skip_sp(const char **p)
{
    while (**p == ' ' || **p == '\t' || **p == '\n')
        (*p)++;
}

/* A '...' or "..." literal with backslash escapes, into a new json
 * string; NULL when unclosed or not UTF-8. */
static json_t *quoted(const char **p)
{
    char q = **p;
    const char *e = *p + 1;
    while (*e && *e != q)
        e += e[0] == '\\' && e[1] ? 2 : 1;
    if (*e != q)
        return NULL;
    char *buf = malloc((size_t)(e - *p));
    size_t k = 0;
    if (!buf)
        return NULL;
    for ((*p)++; *p < e; (*p)++) {
        char c = **p;
        if (c == '\\') {
            c = *++*p;
            c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c == '0' ? '\0'
              : c == 'b' ? '\b' : c == 'f' ? '\f' : c;
        }
        buf[k++] = c;
    }
    (*p)++;
    json_t *s = json_stringn(buf, k);
    free(buf);
    return s;
}

/* {'k':'v', 'n':12} (ClickHouse's Map text) -> object of strings. */
static json_t *map_text(const char *s)
{
    json_t *o = json_object();
    const char *p = s;
    skip_sp(&p);
    if (!o || *p++ != '{')
        goto bad;
    skip_sp(&p);
    if (*p == '}')
        return p[1] == '\0' ? o : (json_decref(o), NULL);
    for (;;) {
        skip_sp(&p);
        if (*p != '\'' && *p != '"')
            goto bad;
        json_t *k = quoted(&p), *v;
        skip_sp(&p);
        if (!k || *p++ != ':') {
            json_decref(k);
            goto bad;
        }
        skip_sp(&p);
        if (*p == '\'' || *p == '"') {
            v = quoted(&p);
        } else {   /* Map(String, number): the number's text */
            size_t n = strcspn(p, ",}");
            while (n && p[n - 1] == ' ')
                n--;
            v = n ? json_stringn(p, n) : NULL;
            p += n;
        }
        int fail = !v || json_object_set_new(o, json_string_value(k), v);
        json_decref(k);
        if (fail)
            goto bad;
        skip_sp(&p);
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p == '}' && p[1] == '\0')
            return o;
        goto bad;
    }
bad:
    json_decref(o);
    return NULL;
}

/* A labels/attributes cell as an object (new reference); non-string
 * scalar values become their text, nested values their JSON. */
static int cell_map(row_ctx *rc, int r, int k, json_t **out)
{
    json_t *v = cell(rc, r, k), *o = NULL;
    const char *col = rc->st->col[r][k];
    *out = NULL;
    if (!v)
        return 0;
    if (json_is_object(v))
        o = json_incref(v);
    else if (json_is_string(v))
        o = map_text(json_string_value(v));
    if (!o) {
        char q[90];
        snprintf(q, sizeof q, json_is_string(v) ? "'%.60s'" : "%.60s",
                 json_is_string(v) ? json_string_value(v) : aiops_jdoc_type(v));
        return cell_err(rc, col, "expected a map like {'key':'value'}", q);
    }
    *out = o;
    return 0;
}

/* Copy src's entries into dst as strings. */
static int merge_strings(row_ctx *rc, json_t *dst, json_t *src)
{
    const char *k;
    json_t *v;
    json_object_foreach(src, k, v) {
        json_t *s;
        if (json_is_string(v))
            s = json_incref(v);
        else if (json_is_integer(v) || json_is_real(v) || json_is_boolean(v)) {
            char buf[40];
            if (json_is_integer(v))
                snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
            else if (json_is_real(v))
                aiops_fmt_double(json_real_value(v), buf);
            else
                snprintf(buf, sizeof buf, "%s", json_is_true(v) ? "true" : "false");
            s = json_string(buf);
        } else if (json_is_null(v)) {
            continue;
        } else {
            char *t = json_dumps(v, JSON_COMPACT);
            s = t ? json_string(t) : NULL;
            free(t);
        }
        if (!s || json_object_set_new(dst, k, s))
            return aiops_err_set(rc->err, AIOPS_ENOMEM, rc->file, rc->line, "out of memory");
    }
    return 0;
}

/* All map columns of role r, and for generic tables the unused columns,
 * merged into one new object of strings. */
static int gather(row_ctx *rc, int r, int extras, json_t **out)
{
    json_t *o = json_object(), *m;
    int e = o ? 0 : aiops_err_set(rc->err, AIOPS_ENOMEM, rc->file, rc->line, "out of memory");
    for (int k = 0; !e && k < rc->st->ncol[r]; k++) {
        if (!(e = cell_map(rc, r, k, &m)) && m)
            e = merge_strings(rc, o, m);
        json_decref(m);
    }
    if (!e && extras && !rc->st->otel) {
        json_t *rest = json_object();
        const char *k;
        json_t *v;
        json_object_foreach(rc->row, k, v)
            if (!used_col(rc->st, k) && !json_is_object(v) && !json_is_array(v) &&
                json_object_set(rest, k, v))
                e = aiops_err_set(rc->err, AIOPS_ENOMEM, rc->file, rc->line, "out of memory");
        if (!e)
            e = merge_strings(rc, o, rest);
        json_decref(rest);
    }
    if (e) {
        json_decref(o);
        return e;
    }
    *out = o;
    return 0;
}

/* ------------------------------------------------------------ records */

/* [a-zA-Z_][a-zA-Z0-9_]*: other bytes become '_' ("http.method"). */
static void label_name(const char *s, char *out, size_t cap)
{
    size_t k = 0;
    if ((*s >= '0' && *s <= '9') || !*s)
        out[k++] = '_';
    for (; *s && k + 1 < cap; s++)
        out[k++] = (isalnum((unsigned char)*s) || *s == '_') ? *s : '_';
    out[k] = '\0';
}

static int intern_sample(row_ctx *rc, const char *name, json_t *labels, uint32_t *sid)
{
    size_t n = json_object_size(labels), i = 0;
    if (n > MAX_LABELS)
        return aiops_err_set(rc->err, AIOPS_ELIMIT, rc->file, rc->line, "more than %d labels",
                             MAX_LABELS);
    aiops_label lab[MAX_LABELS];
    char (*names)[COL_NAME] = malloc((n ? n : 1) * sizeof *names);
    if (!names)
        return aiops_err_set(rc->err, AIOPS_ENOMEM, rc->file, rc->line, "out of memory");
    const char *k;
    json_t *v;
    json_object_foreach(labels, k, v) {
        if (strlen(k) >= COL_NAME) {
            free(names);
            return aiops_err_set(rc->err, AIOPS_ELIMIT, rc->file, rc->line,
                                 "label name longer than %d bytes: '%.60s...'", COL_NAME - 1, k);
        }
        label_name(k, names[i], sizeof names[i]);
        lab[i] = (aiops_label){names[i], json_string_value(v)};
        i++;
    }
    char metric[512] = "";
    if (name && *name)
        aiops_sanitize_name(name, strlen(name), metric, sizeof metric);
    int e = aiops_series_intern_labels(rc->tab, metric, lab, i, sid, rc->err);
    free(names);
    return e ? aiops_err_locate(rc->err, rc->file, rc->line) : 0;
}

static int make_sample(row_ctx *rc, aiops_record *rec)
{
    char nb[40], sb[40];
    const char *series, *name, *service;
    json_t *labels = NULL;
    int e;
    if ((e = cell_number(rc, R_VALUE, 1, &rec->value)) || (e = cell_text(rc, R_SERIES, nb, &series)))
        return e;
    if (series) {
        e = aiops_series_intern_text(rc->tab, series, strlen(series), &rec->sid, rc->err);
        return e ? aiops_err_locate(rc->err, rc->file, rc->line) : 0;
    }
    if ((e = cell_text(rc, R_NAME, nb, &name)) || (e = cell_text(rc, R_SERVICE, sb, &service)) ||
        (e = gather(rc, R_LABELS, 1, &labels)))
        return e;
    /* The service column is a label unless the labels already say. */
    if (service && *service && !json_object_get(labels, "service") &&
        json_object_set_new(labels, "service", json_string(service)))
        e = aiops_err_set(rc->err, AIOPS_ENOMEM, rc->file, rc->line, "out of memory");
    if (!e)
        e = intern_sample(rc, name, labels, &rec->sid);
    json_decref(labels);
    return e;
}

/* debug, info, warn, error, fatal; other spellings lower-cased. */
static json_t *norm_level(const char *s)
{
    static const char *const map[][2] = {
        {"trace", "debug"}, {"debug", "debug"}, {"dbg", "debug"}, {"info", "info"},
        {"information", "info"}, {"informational", "info"}, {"notice", "info"},
        {"warn", "warn"}, {"warning", "warn"}, {"error", "error"}, {"err", "error"},
        {"fatal", "fatal"}, {"critical", "fatal"}, {"crit", "fatal"}, {"panic", "fatal"},
        {"emerg", "fatal"}, {"emergency", "fatal"}, {"alert", "fatal"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcasecmp(s, map[i][0]) == 0)
            return json_string(map[i][1]);
    char buf[64];
    size_t k = 0, n = strlen(s);
    if (n >= sizeof buf)           /* not a level name: keep it whole */
        return json_string(s);
    for (; k < n; k++)
        buf[k] = (char)tolower((unsigned char)s[k]);
    return json_stringn(buf, k);
}

/* Service attribution (docs/FORMAT.md) over an object of labels. */
static const char *attributed(const json_t *labels)
{
    static const char *const keys[] = AIOPS_SERVICE_LABELS;
    for (size_t i = 0; keys[i]; i++) {
        json_t *v = json_object_get(labels, keys[i]);
        if (json_is_string(v) && json_string_length(v))
            return json_string_value(v);
    }
    return NULL;
}

/* "STATUS_CODE_ERROR", "Error", "error": the span failed. */
static int contains_error(const char *s)
{
    for (; *s; s++)
        if (strncasecmp(s, "error", 5) == 0)
            return 1;
    return 0;
}

/* obj[key] = text, when there is some. */
static int put_text(json_t *o, const char *key, const char *text)
{
    return text && *text && json_object_set_new(o, key, json_string(text));
}

static int make_log(row_ctx *rc, json_t *o)
{
    char b1[40], b2[40], b3[40], b4[40], b5[40];
    const char *svc, *lvl, *msg, *tid, *sid;
    json_t *labels = NULL;
    int e;
    if ((e = cell_text(rc, R_SERVICE, b1, &svc)) || (e = cell_text(rc, R_LEVEL, b2, &lvl)) ||
        (e = cell_text(rc, R_MESSAGE, b3, &msg)) || (e = cell_text(rc, R_TRACE, b4, &tid)) ||
        (e = cell_text(rc, R_SPAN, b5, &sid)) || (e = gather(rc, R_LABELS, 1, &labels)))
        return e;
    if (!msg) {
        json_decref(labels);
        return cell_err(rc, rc->st->col[R_MESSAGE][0], "expected a log message", "null");
    }
    if (!svc || !*svc)
        svc = attributed(labels);
    int bad = put_text(o, "service", svc) ||
              (lvl && *lvl && json_object_set_new(o, "level", norm_level(lvl))) ||
              json_object_set_new(o, "message", json_string(msg)) ||
              (json_object_size(labels) && json_object_set(o, "labels", labels)) ||
              put_text(o, "trace_id", tid) || put_text(o, "span_id", sid);
    json_decref(labels);
    return bad ? aiops_err_set(rc->err, AIOPS_ENOMEM, rc->file, rc->line, "out of memory") : 0;
}

static int span_ids(row_ctx *rc, const char **tid, const char **sid, char *b1, char *b2)
{
    int e;
    if ((e = cell_text(rc, R_TRACE, b1, tid)) || (e = cell_text(rc, R_SPAN, b2, sid)))
        return e;
    if (!*tid || !**tid)
        return cell_err(rc, rc->st->col[R_TRACE][0], "expected a trace id", "nothing");
    if (!*sid || !**sid)
        return cell_err(rc, rc->st->col[R_SPAN][0], "expected a span id", "nothing");
    return 0;
}

static int make_span(row_ctx *rc, json_t *o)
{
    char b1[40], b2[40], b3[40], b4[40], b5[40], b6[40];
    const char *tid, *sid, *parent, *svc, *op, *status;
    json_t *attrs = NULL;
    double dur;
    int e;
    if ((e = span_ids(rc, &tid, &sid, b1, b2)) || (e = cell_text(rc, R_PARENT, b3, &parent)) ||
        (e = cell_text(rc, R_SERVICE, b4, &svc)) || (e = cell_text(rc, R_OPERATION, b5, &op)) ||
        (e = cell_text(rc, R_STATUS, b6, &status)) || (e = cell_number(rc, R_DURATION, 0, &dur)))
        return e;
    if (!(dur >= 0) || !isfinite(dur)) {
        char q[40];
        aiops_fmt_double(dur, q);
        return cell_err(rc, rc->st->col[R_DURATION][0], "expected a duration >= 0", q);
    }
    if ((e = gather(rc, R_ATTRS, 1, &attrs)))
        return e;
    if (!svc || !*svc)
        svc = attributed(attrs);
    int bad = json_object_set_new(o, "trace_id", json_string(tid)) ||
              json_object_set_new(o, "span_id", json_string(sid)) ||
              put_text(o, "parent_span_id", parent) ||
              json_object_set_new(o, "service", json_string(svc ? svc : "")) ||
              json_object_set_new(o, "operation", json_string(op ? op : "")) ||
              json_object_set_new(o, "duration", json_real(dur / rc->st->dur_div)) ||
              (rc->st->ncol[R_STATUS] &&
               json_object_set_new(o, "error", json_boolean(status && contains_error(status)))) ||
              put_text(o, "status", status) ||
              (json_object_size(attrs) && json_object_set(o, "attributes", attrs));
    json_decref(attrs);
    return bad ? aiops_err_set(rc->err, AIOPS_ENOMEM, rc->file, rc->line, "out of memory") : 0;
}

/* One row (an object of cells) into rec. */
static int make_record(row_ctx *rc, aiops_record *rec)
{
    int e;
    memset(rec, 0, sizeof *rec);
    if ((e = cell_time(rc, &rec->ts)))
        return e;
    rec->type = rc->st->type;
    if (rec->type == AIOPS_R_SAMPLE)
        return make_sample(rc, rec);
    if (!(rec->obj = json_object()))
        return aiops_err_set(rc->err, AIOPS_ENOMEM, rc->file, rc->line, "out of memory");
    e = rec->type == AIOPS_R_LOG ? make_log(rc, rec->obj) : make_span(rc, rec->obj);
    if (e)
        aiops_record_clear(rec);
    return e;
}

/* ------------------------------------------------------------- rows */

/* TSVWithNames cell escapes: \t \n \\ ... ; "\N" alone is NULL. */
static json_t *tsv_cell(const char *s, size_t n, char *buf)
{
    if (n == 2 && s[0] == '\\' && s[1] == 'N')
        return json_null();
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\\' && i + 1 < n) {
            c = s[++i];
            c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c == '0' ? '\0'
              : c == 'b' ? '\b' : c == 'f' ? '\f' : c;
        }
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

#define MAX_COLS 1024

static int tsv_header(ch_state *st, aiops_parse_ctx *ctx, aiops_err *err)
{
    const char *file = aiops_stream_name(ctx->stream);
    char *l;
    size_t n;
    const char *f[MAX_COLS];
    size_t fl[MAX_COLS];
    int rc = aiops_stream_getline(ctx->stream, &l, &n, err);
    if (rc <= 0)
        return rc;
    st->line = aiops_stream_lineno(ctx->stream);
    if (n >= 3 && memcmp(l, "\xEF\xBB\xBF", 3) == 0) {
        l += 3;
        n -= 3;
    }
    int nf = tsv_split(l, n, f, fl, MAX_COLS);
    if (nf < 0)
        return aiops_err_set(err, AIOPS_ELIMIT, file, st->line, "more than %d columns", MAX_COLS);
    if (!(st->hdr = calloc((size_t)nf, sizeof *st->hdr)))
        return aiops_err_set(err, AIOPS_ENOMEM, file, st->line, "out of memory");
    st->nhdr = (size_t)nf;
    for (int i = 0; i < nf; i++) {
        if (!fl[i] || fl[i] >= COL_NAME || !aiops_utf8_valid(f[i], fl[i]))
            return aiops_err_set(err, AIOPS_EPARSE, file, st->line,
                                 "expected a column name in header field %d, got '%.*s'", i + 1,
                                 (int)(fl[i] > 60 ? 60 : fl[i]), f[i]);
        if (!(st->hdr[i] = strndup(f[i], fl[i])))
            return aiops_err_set(err, AIOPS_ENOMEM, file, st->line, "out of memory");
    }
    colset cs = {(const char *const *)st->hdr, st->nhdr};
    return resolve(st, &cs, file, st->line, err);
}

/* Next TSV row as an object of cells; 0 at the end. */
static int tsv_row(ch_state *st, aiops_parse_ctx *ctx, json_t **row, aiops_err *err)
{
    const char *file = aiops_stream_name(ctx->stream);
    const char *f[MAX_COLS];
    size_t fl[MAX_COLS];
    char *l;
    size_t n;
    int rc, nf;
    for (;;) {
        if ((rc = aiops_stream_getline(ctx->stream, &l, &n, err)) <= 0)
            return rc;
        st->line = aiops_stream_lineno(ctx->stream);
        if (n == 0)
            continue;
        nf = tsv_split(l, n, f, fl, MAX_COLS);
        if (nf != (int)st->nhdr)
            return aiops_err_set(err, AIOPS_EPARSE, file, st->line,
                                 "expected %zu tab-separated fields (as the header), got %d",
                                 st->nhdr, nf < 0 ? MAX_COLS + 1 : nf);
        int types = st->line == 2;
        for (int i = 0; types && i < nf; i++)
            types = is_type_name(f[i], fl[i]);
        if (!types)
            break;             /* TSVWithNamesAndTypes: skip the types */
    }
    if (n + 1 > st->cellcap) {
        char *nc = realloc(st->cell, n + 1);
        if (!nc)
            return aiops_err_set(err, AIOPS_ENOMEM, file, st->line, "out of memory");
        st->cell = nc;
        st->cellcap = n + 1;
    }
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

/* Next JSONEachRow row; the first one names the columns. */
static int json_row(ch_state *st, aiops_parse_ctx *ctx, json_t **row, aiops_err *err)
{
    const char *file = aiops_stream_name(ctx->stream);
    json_error_t je;
    char *l;
    size_t n;
    int rc;
    do {
        if ((rc = aiops_stream_getline(ctx->stream, &l, &n, err)) <= 0)
            return rc;
    } while (strspn(l, " \t\r") == n);
    st->line = aiops_stream_lineno(ctx->stream);
    json_t *o = json_loadb(l, n, JSON_REJECT_DUPLICATES, &je);
    if (!o)
        return aiops_err_set(err, AIOPS_EPARSE, file, st->line,
                             "expected a JSONEachRow row: %s (column %d)", je.text, je.column);
    if (!json_is_object(o)) {
        json_decref(o);
        return aiops_err_set(err, AIOPS_EPARSE, file, st->line, "expected a JSONEachRow row object");
    }
    if (!st->resolved) {
        const char *names[MAX_COLS], *k;
        json_t *v;
        size_t nc = 0;
        json_object_foreach(o, k, v)
            if (nc < MAX_COLS)
                names[nc++] = k;
        colset cs = {names, nc};
        if ((rc = resolve(st, &cs, file, st->line, err))) {
            json_decref(o);
            return rc;
        }
    }
    *row = o;
    return 1;
}

/* ---------------------------------------------------------- interface */

static void ch_close(void *state)
{
    ch_state *st = state;
    if (!st)
        return;
    for (size_t i = 0; i < st->nhdr; i++)
        free(st->hdr[i]);
    free(st->hdr);
    free(st->cell);
    free(st);
}

static int ch_open(void **state, aiops_parse_ctx *ctx, aiops_err *err)
{
    const char *head;
    size_t n;
    *state = NULL;
    ch_state *st = calloc(1, sizeof *st);
    if (!st)
        return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(ctx->stream), 0, "out of memory");
    st->dur_div = 1;
    int rc = parse_map(st, ctx, err);
    if (!rc)
        rc = aiops_stream_peek(ctx->stream, &head, &n, err);
    if (!rc) {
        size_t p = aiops_jhead_start(head, n);
        st->tsv = p < n && head[p] != '{';
        if (st->tsv && (rc = tsv_header(st, ctx, err)) > 0)
            rc = 0;
    }
    if (rc) {
        ch_close(st);
        return rc;
    }
    *state = st;
    return 0;
}

static int ch_next(void *state, aiops_parse_ctx *ctx, aiops_record *rec, aiops_err *err)
{
    ch_state *st = state;
    json_t *row = NULL;
    if (st->tsv && !st->resolved)
        return 0;              /* empty file */
    int rc = st->tsv ? tsv_row(st, ctx, &row, err) : json_row(st, ctx, &row, err);
    if (rc <= 0)
        return rc;
    row_ctx rcx = {st, ctx->series, row, aiops_stream_name(ctx->stream), st->line, err};
    rc = make_record(&rcx, rec);
    json_decref(row);
    return rc ? rc : 1;
}

/* ------------------------------------------------------------- probe */

static int ident(const char *s, size_t n)
{
    if (!n || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '.'))
            return 0;
    return 1;
}

static int generic_ts_name(const char *s, size_t n)
{
    for (size_t g = 0; generic[R_TS][g]; g++)
        if (strlen(generic[R_TS][g]) == n && strncasecmp(s, generic[R_TS][g], n) == 0)
            return 1;
    return 0;
}

/* TSVWithNames: a header of column names, best with a time among them. */
static int tsv_probe(const char *entry, const char *l, size_t n)
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
        has_ts |= generic_ts_name(l + i, e - i);
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

/* JSONEachRow: a first line object that is none of the other JSON lines. */
static int jsonrow_probe(const char *l, size_t n)
{
#define K(k) aiops_jhead_key(l, n, 1, k)
    if ((K("type") && K("ts")) || (K("metric") && (K("values") || K("timestamps"))) ||
        (K("topic") && K("payload")))
        return 0;
    if ((K("Timestamp") && (K("Body") || K("SpanName"))) || (K("TimeUnix") && K("MetricName")))
        return 88;
    int ts = K("ts") || K("timestamp") || K("time") || K("event_time") || K("Timestamp");
    int what = K("value") || K("val") || K("message") || K("msg") || K("body");
    return ts && what ? 25 : 0;
#undef K
}

static int ch_probe(const char *entry, const char *head, size_t n)
{
    size_t p = aiops_jhead_start(head, n);
    const char *l = head + p;
    const char *nl = memchr(l, '\n', n - p);
    size_t len = nl ? (size_t)(nl - l) : n - p;
    if (len && l[len - 1] == '\r')
        len--;
    if (!len || memchr(l, '\0', len))
        return 0;
    return l[0] == '{' ? jsonrow_probe(l, len) : tsv_probe(entry, l, len);
}

const aiops_format aiops_fmt_clickhouse = {
    .name = "clickhouse",
    .desc = "ClickHouse JSONEachRow / TSVWithNames exports of metric, log and trace tables "
            "(OpenTelemetry exporter tables; --map for others)",
    .ordered = 0,
    .probe = ch_probe,
    .open = ch_open,
    .next = ch_next,
    .close = ch_close,
};
