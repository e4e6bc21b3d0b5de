/* clickhouse_row.c - one row of a ClickHouse export (an object of cells,
 * whatever the encoding) into a record, the columns' roles from colmap.h.
 *
 * Samples: series = the series column, or name (made a valid metric name)
 * + labels (names made valid: "http.method" -> "http_method"), plus
 * service=<service column> when the labels have no "service".  Logs and
 * spans get the fields of docs/FORMAT.md; level is normalised to debug,
 * info, warn, error, fatal (others lower-cased); a span is an error when
 * its status says so (STATUS_CODE_ERROR, Error).  Columns without a role
 * become labels (samples, logs) or attributes (spans), except in the
 * OpenTelemetry tables.
 *
 * Cells: DateTime64 text "2024-01-02 03:04:05.123456789" is UTC, numbers
 * are epoch seconds/ms/us/ns by magnitude; 64-bit integers may be quoted;
 * a null value (how ClickHouse writes nan/inf in JSON) is NaN; Map
 * columns are objects, or ClickHouse's {'k':'v'} text. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/jdoc.h"
#include "formats/tables/clickhouse.h"

#define MAX_LABELS 256

/* -------------------------------------------------------------- cells */

typedef struct row_ctx {
    const aiops_colmap *map;
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
    if (k >= rc->map->ncol[r])
        return NULL;
    json_t *v = json_object_get(rc->row, rc->map->col[r][k]);
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
    return cell_err(rc, rc->map->col[r][0], "expected text", aiops_jdoc_type(v));
}

static int cell_number(row_ctx *rc, int r, int nan_ok, double *out)
{
    json_t *v = cell(rc, r, 0);
    const char *col = rc->map->col[r][0];
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
    json_t *v = cell(rc, AIOPS_ROLE_TS, 0);
    const char *col = rc->map->col[AIOPS_ROLE_TS][0];
    static const char want[] = "expected a time like 2024-01-02 03:04:05.123 or epoch seconds";
    char buf[64];
    if (aiops_jtime_parse(v, out) == 0)
        return 0;
    if (!json_is_string(v))
        return cell_err(rc, col, want, aiops_jdoc_type(v));
    snprintf(buf, sizeof buf, "'%.50s'", json_string_value(v));
    return cell_err(rc, col, want, buf);
}

/* A labels/attributes cell as an object (new reference); non-string
 * scalar values become their text, nested values their JSON. */
static int cell_map(row_ctx *rc, int r, int k, json_t **out)
{
    json_t *v = cell(rc, r, k), *o = NULL;
    const char *col = rc->map->col[r][k];
    *out = NULL;
    if (!v)
        return 0;
    if (json_is_object(v))
        o = json_incref(v);
    else if (json_is_string(v))
        o = aiops_ch_map_text(json_string_value(v));
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
    for (int k = 0; !e && k < rc->map->ncol[r]; k++) {
        if (!(e = cell_map(rc, r, k, &m)) && m)
            e = merge_strings(rc, o, m);
        json_decref(m);
    }
    if (!e && extras && !rc->map->otel) {
        json_t *rest = json_object();
        const char *k;
        json_t *v;
        json_object_foreach(rc->row, k, v)
            if (!aiops_colmap_uses(rc->map, k) && !json_is_object(v) && !json_is_array(v) &&
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

/* Names as they are: interning maps "http.method" and "db.calls" by the
 * one rule for foreign names (docs/FORMAT.md). */
static int intern_sample(row_ctx *rc, const char *name, json_t *labels, uint32_t *sid)
{
    size_t n = json_object_size(labels), i = 0;
    if (n > MAX_LABELS)
        return aiops_err_set(rc->err, AIOPS_ELIMIT, rc->file, rc->line, "more than %d labels",
                             MAX_LABELS);
    aiops_label lab[MAX_LABELS];
    const char *k;
    json_t *v;
    json_object_foreach(labels, k, v) {
        lab[i] = (aiops_label){k, json_string_value(v)};
        i++;
    }
    int e = aiops_series_intern_foreign(rc->tab, name ? name : "", lab, i, sid, rc->err);
    return e ? aiops_err_locate(rc->err, rc->file, rc->line) : 0;
}

static int make_sample(row_ctx *rc, aiops_record *rec)
{
    char nb[40], sb[40];
    const char *series, *name, *service;
    json_t *labels = NULL;
    int e;
    if ((e = cell_number(rc, AIOPS_ROLE_VALUE, 1, &rec->value)) ||
        (e = cell_text(rc, AIOPS_ROLE_SERIES, nb, &series)))
        return e;
    if (series) {
        e = aiops_series_intern_text(rc->tab, series, strlen(series), &rec->sid, rc->err);
        return e ? aiops_err_locate(rc->err, rc->file, rc->line) : 0;
    }
    if ((e = cell_text(rc, AIOPS_ROLE_NAME, nb, &name)) ||
        (e = cell_text(rc, AIOPS_ROLE_SERVICE, sb, &service)) ||
        (e = gather(rc, AIOPS_ROLE_LABELS, 1, &labels)))
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

/* The level from an OpenTelemetry SeverityNumber (second column of the
 * level role), for rows whose SeverityText is empty: 1-4 TRACE and 5-8
 * DEBUG are debug, 9-12 info, 13-16 warn, 17-20 error, 21-24 fatal; 0
 * (unspecified) and anything else give none. */
static const char *severity_level(const row_ctx *rc)
{
    static const char *const names[] = {"debug", "debug", "info", "warn", "error", "fatal"};
    json_t *v = cell(rc, AIOPS_ROLE_LEVEL, 1);
    long long n = -1;
    if (json_is_integer(v))
        n = json_integer_value(v);
    else if (json_is_string(v) && json_string_length(v) > 0 && json_string_length(v) < 4 &&
             strspn(json_string_value(v), "0123456789") == json_string_length(v))
        n = atoll(json_string_value(v));
    return n >= 1 && n <= 24 ? names[(n - 1) / 4] : NULL;
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
    if ((e = cell_text(rc, AIOPS_ROLE_SERVICE, b1, &svc)) ||
        (e = cell_text(rc, AIOPS_ROLE_LEVEL, b2, &lvl)) ||
        (e = cell_text(rc, AIOPS_ROLE_MESSAGE, b3, &msg)) ||
        (e = cell_text(rc, AIOPS_ROLE_TRACE, b4, &tid)) ||
        (e = cell_text(rc, AIOPS_ROLE_SPAN, b5, &sid)) ||
        (e = gather(rc, AIOPS_ROLE_LABELS, 1, &labels)))
        return e;
    if (!msg) {
        json_decref(labels);
        return cell_err(rc, rc->map->col[AIOPS_ROLE_MESSAGE][0], "expected a log message", "null");
    }
    if (!svc || !*svc)
        svc = attributed(labels);
    if (!lvl || !*lvl)
        lvl = severity_level(rc);
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
    if ((e = cell_text(rc, AIOPS_ROLE_TRACE, b1, tid)) ||
        (e = cell_text(rc, AIOPS_ROLE_SPAN, b2, sid)))
        return e;
    if (!*tid || !**tid)
        return cell_err(rc, rc->map->col[AIOPS_ROLE_TRACE][0], "expected a trace id", "nothing");
    if (!*sid || !**sid)
        return cell_err(rc, rc->map->col[AIOPS_ROLE_SPAN][0], "expected a span id", "nothing");
    return 0;
}

static int make_span(row_ctx *rc, json_t *o)
{
    char b1[40], b2[40], b3[40], b4[40], b5[40], b6[40];
    const char *tid, *sid, *parent, *svc, *op, *status;
    json_t *attrs = NULL;
    double dur;
    int e;
    if ((e = span_ids(rc, &tid, &sid, b1, b2)) ||
        (e = cell_text(rc, AIOPS_ROLE_PARENT, b3, &parent)) ||
        (e = cell_text(rc, AIOPS_ROLE_SERVICE, b4, &svc)) ||
        (e = cell_text(rc, AIOPS_ROLE_OPERATION, b5, &op)) ||
        (e = cell_text(rc, AIOPS_ROLE_STATUS, b6, &status)) ||
        (e = cell_number(rc, AIOPS_ROLE_DURATION, 0, &dur)))
        return e;
    if (!(dur >= 0) || !isfinite(dur)) {
        char q[40];
        aiops_fmt_double(dur, q);
        return cell_err(rc, rc->map->col[AIOPS_ROLE_DURATION][0], "expected a duration >= 0", q);
    }
    if ((e = gather(rc, AIOPS_ROLE_ATTRS, 1, &attrs)))
        return e;
    if (!svc || !*svc)
        svc = attributed(attrs);
    int bad = json_object_set_new(o, "trace_id", json_string(tid)) ||
              json_object_set_new(o, "span_id", json_string(sid)) ||
              put_text(o, "parent_span_id", parent) ||
              json_object_set_new(o, "service", json_string(svc ? svc : "")) ||
              json_object_set_new(o, "operation", json_string(op ? op : "")) ||
              json_object_set_new(o, "duration", json_real(dur / rc->map->dur_div)) ||
              (rc->map->ncol[AIOPS_ROLE_STATUS] &&
               json_object_set_new(o, "error", json_boolean(status && aiops_colmap_status_error(status)))) ||
              put_text(o, "status", status) ||
              (json_object_size(attrs) && json_object_set(o, "attributes", attrs));
    json_decref(attrs);
    return bad ? aiops_err_set(rc->err, AIOPS_ENOMEM, rc->file, rc->line, "out of memory") : 0;
}

int aiops_ch_record(const aiops_colmap *map, aiops_series_table *tab, json_t *row,
                    const char *file, long line, aiops_record *rec, aiops_err *err)
{
    row_ctx rc = {map, tab, row, file, line, err};
    int e;
    memset(rec, 0, sizeof *rec);
    if ((e = cell_time(&rc, &rec->ts)))
        return e;
    rec->type = map->type;
    if (rec->type == AIOPS_R_SAMPLE)
        return make_sample(&rc, rec);
    if (!(rec->obj = json_object()))
        return aiops_err_set(err, AIOPS_ENOMEM, file, line, "out of memory");
    e = rec->type == AIOPS_R_LOG ? make_log(&rc, rec->obj) : make_span(&rc, rec->obj);
    if (e)
        aiops_record_clear(rec);
    return e;
}
