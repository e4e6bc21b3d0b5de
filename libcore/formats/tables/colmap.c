/* colmap.c - the --map mini-language and the column roles of a table
 * (colmap.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "formats/tables/colmap.h"

static const char *const role_key[AIOPS_ROLE__N + 1] = {
    "ts", "value", "series", "name", "labels", "service", "message", "level", "trace_id",
    "span_id", "parent_span_id", "operation", "duration", "status", "attributes", "ignore", "annotations", NULL,
};

/* Common column names per role (compared case-insensitively). */
static const char *const generic[AIOPS_ROLE__N][8] = {
    [AIOPS_ROLE_TS] = {"ts", "timestamp", "time", "event_time", "eventtime", "datetime", "t", NULL},
    [AIOPS_ROLE_VALUE] = {"value", "val", NULL},
    [AIOPS_ROLE_SERIES] = {"series", NULL},
    [AIOPS_ROLE_NAME] = {"name", "metric", "metric_name", "__name__", NULL},
    [AIOPS_ROLE_LABELS] = {"labels", "tags", "attributes", NULL},
    [AIOPS_ROLE_SERVICE] = {"service", "service_name", "app", NULL},
    [AIOPS_ROLE_MESSAGE] = {"message", "msg", "body", "log", "line", NULL},
    [AIOPS_ROLE_LEVEL] = {"level", "severity", "severity_text", "loglevel", NULL},
    [AIOPS_ROLE_TRACE] = {"trace_id", "traceid", NULL},
    [AIOPS_ROLE_SPAN] = {"span_id", "spanid", NULL},
    [AIOPS_ROLE_PARENT] = {"parent_span_id", "parentspanid", "parent_id", NULL},
    [AIOPS_ROLE_OPERATION] = {"operation", "operation_name", "span_name", NULL},
    [AIOPS_ROLE_DURATION] = {"duration", "duration_ms", "duration_us", "duration_ns", NULL},
    [AIOPS_ROLE_STATUS] = {"status", "status_code", NULL},
    [AIOPS_ROLE_ATTRS] = {NULL},
    [AIOPS_ROLE_IGNORE] = {NULL},
    [AIOPS_ROLE_ANNOT] = {NULL},
};

void aiops_colmap_init(aiops_colmap *m)
{
    memset(m, 0, sizeof *m);
    m->dur_div = 1;
}

void aiops_colmap_init_table(aiops_colmap *m)
{
    aiops_colmap_init(m);
    m->table = 1;
}

const char *aiops_colmap_role_key(aiops_role r)
{
    return role_key[r];
}

/* ------------------------------------------------------------- --map */

/* Index of [s, s+n) in the NULL-terminated names, or -1. */
static int lookup(const char *const *names, const char *s, size_t n)
{
    for (int i = 0; names[i]; i++)
        if (strlen(names[i]) == n && memcmp(s, names[i], n) == 0)
            return i;
    return -1;
}

static int map_err(const char *file, aiops_err *err, const char *fmt, const char *a, size_t n)
{
    return aiops_err_set(err, AIOPS_EINVAL, file, 0, fmt, (int)n, a);
}

static int set_type(aiops_colmap *m, const char *v, size_t n, const char *file, aiops_err *err)
{
    static const char *const names[] = {"sample", "log", "span", NULL};
    static const aiops_rtype types[] = {AIOPS_R_SAMPLE, AIOPS_R_LOG, AIOPS_R_SPAN};
    static const char *const tnames[] = {"sample", "span", "alert", NULL};
    static const aiops_rtype ttypes[] = {AIOPS_R_SAMPLE, AIOPS_R_SPAN, AIOPS_R_ALERT};
    int i = lookup(m->table ? tnames : names, v, n);
    if (i < 0)
        return map_err(file, err, m->table ? "--map: expected type=sample, span or alert, got '%.*s'"
                                           : "--map: expected type=sample, log or span, got '%.*s'",
                       v, n);
    m->forced = m->table ? ttypes[i] : types[i];
    return 0;
}

static int set_unit(aiops_colmap *m, const char *u, size_t n, const char *file, aiops_err *err)
{
    static const char *const units[] = {"s", "ms", "us", "ns", NULL};
    static const double per_s[] = {1, 1e3, 1e6, 1e9};
    int i = lookup(units, u, n);
    if (i < 0)
        return map_err(file, err, "--map: expected a duration unit s, ms, us or ns, got '%.*s'",
                       u, n);
    m->dur_div = per_s[i];
    return 0;
}

/* The columns of "col[+col...]" for role r. */
static int set_cols(aiops_colmap *m, int r, const char *v, size_t vn, const char *file,
                    aiops_err *err)
{
    m->ncol[r] = 0;
    m->mapped[r] = 1;
    while (vn) {
        const char *plus = memchr(v, '+', vn);
        size_t cn = plus ? (size_t)(plus - v) : vn;
        if (!cn || cn >= AIOPS_COLMAP_NAME || m->ncol[r] == (m->table ? AIOPS_COLMAP_COLS : 4))
            return map_err(file, err, "--map: expected column names after '=', got '%.*s'", v,
                           vn);
        memcpy(m->col[r][m->ncol[r]], v, cn);
        m->col[r][m->ncol[r]++][cn] = '\0';
        v += cn + (plus != NULL);
        vn -= cn + (plus != NULL);
    }
    return 0;
}

/* One "role=col[+col...]" item. */
static int map_item(aiops_colmap *m, const char *s, size_t n, const char *file, aiops_err *err)
{
    const char *eq = memchr(s, '=', n);
    if (!eq)
        return map_err(file, err, "--map: expected ROLE=COLUMN, got '%.*s'", s, n);
    size_t kn = (size_t)(eq - s), vn = n - kn - 1;
    const char *v = eq + 1;
    if (kn == 4 && memcmp(s, "type", 4) == 0)
        return set_type(m, v, vn, file, err);
    int r = lookup(role_key, s, kn);
    if (r < 0 || ((r == AIOPS_ROLE_IGNORE || r == AIOPS_ROLE_ANNOT) && !m->table) ||
        (m->table && (r == AIOPS_ROLE_MESSAGE || r == AIOPS_ROLE_LEVEL)))
        return map_err(file, err, m->table
                       ? "--map: unknown role '%.*s' (ts, value, series, name, labels, service, "
                         "trace_id, span_id, parent_span_id, operation, duration, status, "
                         "attributes, annotations, ignore, type)"
                       : "--map: unknown role '%.*s' (ts, value, series, name, labels, "
                         "service, message, level, trace_id, span_id, parent_span_id, operation, "
                         "duration, status, attributes, type)", s, kn);
    const char *c = r == AIOPS_ROLE_DURATION || (r == AIOPS_ROLE_SERVICE && m->table)
                  ? memchr(v, ':', vn) : NULL;
    if (c && r == AIOPS_ROLE_SERVICE) {
        size_t un = vn - (size_t)(c + 1 - v);
        if (un != 3 || memcmp(c + 1, "pod", 3) != 0)
            return map_err(file, err, "--map: expected service=COLUMN or service=COLUMN:pod, "
                           "got ':%.*s'", c + 1, un);
        m->svc_pod = 1;
        vn = (size_t)(c - v);
    } else if (c) {
        int rc = set_unit(m, c + 1, vn - (size_t)(c + 1 - v), file, err);
        if (rc)
            return rc;
        vn = (size_t)(c - v);
    }
    return set_cols(m, r, v, vn, file, err);
}

/* A mapping file: items separated by commas or new lines, '#' comments;
 * errors at the mapping file's line. */
static int parse_file(aiops_colmap *m, const char *path, aiops_err *err)
{
    FILE *f = fopen(path, "r");
    char line[4096];
    long lineno = 0;
    size_t total = 0;
    if (!f)
        return aiops_err_set(err, AIOPS_EIO, path, 0, "--map @FILE: cannot read the mapping file");
    while (fgets(line, sizeof line, f)) {
        size_t n = strlen(line);
        lineno++;
        total += n;
        if (total > AIOPS_COLMAP_FILE_MAX || (n == sizeof line - 1 && line[n - 1] != '\n')) {
            fclose(f);
            return aiops_err_set(err, AIOPS_ELIMIT, path, lineno,
                                 "--map @FILE: the mapping file or a line of it is too long");
        }
        line[strcspn(line, "#\r\n")] = '\0';
        int rc = aiops_colmap_parse(m, line, path, err);
        if (rc) {
            fclose(f);
            err->line = lineno;
            return rc;
        }
    }
    int bad = ferror(f);
    fclose(f);
    return bad ? aiops_err_set(err, AIOPS_EIO, path, lineno, "--map @FILE: read error") : 0;
}

int aiops_colmap_parse(aiops_colmap *m, const char *spec, const char *file, aiops_err *err)
{
    if (spec && spec[0] == '@')
        return parse_file(m, spec + 1, err);
    while (spec && *spec) {
        while (*spec == ' ' || *spec == '\t')
            spec++;
        size_t n = strcspn(spec, ",");
        while (n && (spec[n - 1] == ' ' || spec[n - 1] == '\t'))
            n--;
        if (n) {
            int rc = map_item(m, spec, n, file, err);
            if (rc)
                return rc;
        }
        spec += n + (spec[n] == ',');
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
static void set_default(aiops_colmap *m, const colset *cs, int r, const char *a, const char *b)
{
    const char *names[2] = {a, b};
    if (m->mapped[r] || m->ncol[r])
        return;
    for (size_t i = 0; i < 2; i++)
        if (names[i] && has_col(cs, names[i]))
            snprintf(m->col[r][m->ncol[r]++], AIOPS_COLMAP_NAME, "%s", names[i]);
}

/* The OpenTelemetry exporter's tables: told by two columns, the role of
 * each column used (labels may merge two; unused entries are zeros). */
typedef struct otel_col {
    int role;
    const char *a, *b;
} otel_col;

typedef struct otel_table {
    const char *has1, *has2;
    aiops_rtype type;
    otel_col cols[8];
} otel_table;

static const otel_table otel_tables[] = {
    {"Timestamp", "Body", AIOPS_R_LOG, {
        {AIOPS_ROLE_TS, "Timestamp", NULL}, {AIOPS_ROLE_MESSAGE, "Body", NULL},
        {AIOPS_ROLE_LEVEL, "SeverityText", "SeverityNumber"}, {AIOPS_ROLE_SERVICE, "ServiceName", NULL},
        {AIOPS_ROLE_TRACE, "TraceId", NULL}, {AIOPS_ROLE_SPAN, "SpanId", NULL},
        {AIOPS_ROLE_LABELS, "ResourceAttributes", "LogAttributes"}}},
    {"Timestamp", "SpanName", AIOPS_R_SPAN, {
        {AIOPS_ROLE_TS, "Timestamp", NULL}, {AIOPS_ROLE_TRACE, "TraceId", NULL},
        {AIOPS_ROLE_SPAN, "SpanId", NULL}, {AIOPS_ROLE_PARENT, "ParentSpanId", NULL},
        {AIOPS_ROLE_OPERATION, "SpanName", NULL}, {AIOPS_ROLE_SERVICE, "ServiceName", NULL},
        {AIOPS_ROLE_STATUS, "StatusCode", NULL}, {AIOPS_ROLE_ATTRS, "SpanAttributes", NULL}}},
    {"TimeUnix", "MetricName", AIOPS_R_SAMPLE, {
        {AIOPS_ROLE_TS, "TimeUnix", NULL}, {AIOPS_ROLE_NAME, "MetricName", NULL},
        {AIOPS_ROLE_VALUE, "Value", NULL}, {AIOPS_ROLE_LABELS, "Attributes", NULL},
        {AIOPS_ROLE_SERVICE, "ServiceName", NULL}}},
};

static void otel_defaults(aiops_colmap *m, const colset *cs)
{
    for (size_t t = 0; t < sizeof otel_tables / sizeof *otel_tables; t++) {
        const otel_table *o = &otel_tables[t];
        if (!has_col(cs, o->has1) || !has_col(cs, o->has2))
            continue;
        m->otel = 1;
        m->type = o->type;
        for (size_t i = 0; i < sizeof o->cols / sizeof *o->cols && o->cols[i].a; i++)
            set_default(m, cs, o->cols[i].role, o->cols[i].a, o->cols[i].b);
        if (o->type == AIOPS_R_SPAN && !m->mapped[AIOPS_ROLE_DURATION]) {
            set_default(m, cs, AIOPS_ROLE_DURATION, "Duration", NULL);
            m->dur_div = 1e9;   /* nanoseconds */
        }
        return;
    }
}

static void generic_defaults(aiops_colmap *m, const colset *cs)
{
    for (int r = 0; r < AIOPS_ROLE__N; r++) {
        if (m->mapped[r] || m->ncol[r])
            continue;
        for (size_t g = 0; generic[r][g] && !m->ncol[r]; g++)
            for (size_t i = 0; i < cs->n; i++)
                if (strcasecmp(cs->names[i], generic[r][g]) == 0) {
                    snprintf(m->col[r][0], AIOPS_COLMAP_NAME, "%s", cs->names[i]);
                    m->ncol[r] = 1;
                    /* duration, duration_ms, duration_us, duration_ns */
                    if (r == AIOPS_ROLE_DURATION && !m->mapped[AIOPS_ROLE_DURATION])
                        m->dur_div = g == 1 ? 1e3 : g == 2 ? 1e6 : g == 3 ? 1e9 : 1;
                    break;
                }
    }
}

/* The generic table reads only some roles per record type: columns that
 * common names gave other roles stay plain columns (labels, attributes,
 * or the series of a wide table). */
static int table_roles(aiops_colmap *m, const char *file, long line, aiops_err *err)
{
    static const unsigned reads[] = {
        [AIOPS_R_SAMPLE] = 1u << AIOPS_ROLE_TS | 1u << AIOPS_ROLE_VALUE | 1u << AIOPS_ROLE_SERIES |
                           1u << AIOPS_ROLE_NAME | 1u << AIOPS_ROLE_LABELS | 1u << AIOPS_ROLE_SERVICE,
        [AIOPS_R_SPAN] = 1u << AIOPS_ROLE_TS | 1u << AIOPS_ROLE_TRACE | 1u << AIOPS_ROLE_SPAN |
                         1u << AIOPS_ROLE_PARENT | 1u << AIOPS_ROLE_SERVICE |
                         1u << AIOPS_ROLE_OPERATION | 1u << AIOPS_ROLE_DURATION |
                         1u << AIOPS_ROLE_STATUS | 1u << AIOPS_ROLE_ATTRS,
        [AIOPS_R_ALERT] = 1u << AIOPS_ROLE_TS | 1u << AIOPS_ROLE_NAME | 1u << AIOPS_ROLE_LABELS |
                          1u << AIOPS_ROLE_SERVICE | 1u << AIOPS_ROLE_ANNOT,
    };
    unsigned keep = m->wide ? 1u << AIOPS_ROLE_TS | 1u << AIOPS_ROLE_LABELS | 1u << AIOPS_ROLE_SERVICE
                            : reads[m->type];
    keep |= 1u << AIOPS_ROLE_IGNORE;
    for (int r = 0; r < AIOPS_ROLE__N; r++) {
        if (keep >> r & 1)
            continue;
        if (m->mapped[r])
            return aiops_err_set(err, AIOPS_EPARSE, file, line,
                                 "--map %s=: %s tables have no such column%s", role_key[r],
                                 m->wide ? "wide sample" : aiops_rtype_name(m->type),
                                 m->wide && (reads[AIOPS_R_SAMPLE] >> r & 1)
                                     ? " (add value= for one value column per row)" : "");
        m->ncol[r] = 0;
    }
    return 0;
}

static aiops_rtype infer_type(const aiops_colmap *m)
{
    if (m->forced)
        return m->forced;
    if (m->type)
        return m->type;
    if (m->ncol[AIOPS_ROLE_TRACE] && m->ncol[AIOPS_ROLE_SPAN] &&
        (m->ncol[AIOPS_ROLE_OPERATION] || m->ncol[AIOPS_ROLE_DURATION]))
        return AIOPS_R_SPAN;
    if (m->ncol[AIOPS_ROLE_VALUE])
        return AIOPS_R_SAMPLE;
    if (m->ncol[AIOPS_ROLE_MESSAGE] && !m->table)
        return AIOPS_R_LOG;
    if (m->table && m->ncol[AIOPS_ROLE_TS])
        return AIOPS_R_SAMPLE;  /* wide: every other column a series */
    return AIOPS_R_OTHER;
}

/* The roles each record type needs, and every named column present. */
static int check_required(const aiops_colmap *m, const colset *cs, const char *where,
                          const char *file, long line, aiops_err *err)
{
    static const int need_sample[] = {AIOPS_ROLE_TS, AIOPS_ROLE_VALUE, -1};
    static const int need_log[] = {AIOPS_ROLE_TS, AIOPS_ROLE_MESSAGE, -1};
    static const int need_span[] = {AIOPS_ROLE_TS, AIOPS_ROLE_TRACE, AIOPS_ROLE_SPAN,
                                    AIOPS_ROLE_OPERATION, AIOPS_ROLE_DURATION, -1};
    static const int need_alert[] = {AIOPS_ROLE_TS, AIOPS_ROLE_NAME, -1};
    static const int need_ts[] = {AIOPS_ROLE_TS, -1};
    const int *need = m->wide                   ? need_ts
                    : m->type == AIOPS_R_SAMPLE ? need_sample
                    : m->type == AIOPS_R_LOG    ? need_log
                    : m->type == AIOPS_R_ALERT  ? need_alert : need_span;
    for (size_t i = 0; need[i] >= 0; i++)
        if (!m->ncol[need[i]])
            return aiops_err_set(err, AIOPS_EPARSE, file, line,
                                 "expected a %s column for %s records (name it with --map %s=COLUMN)",
                                 role_key[need[i]], aiops_rtype_name(m->type), role_key[need[i]]);
    if (m->type == AIOPS_R_SAMPLE && !m->wide && !m->ncol[AIOPS_ROLE_SERIES] && !m->ncol[AIOPS_ROLE_NAME] &&
        !m->ncol[AIOPS_ROLE_LABELS])
        return aiops_err_set(err, AIOPS_EPARSE, file, line,
                             "expected a series, name or labels column for samples (--map name=COLUMN)");
    for (int r = 0; r < AIOPS_ROLE__N; r++)
        for (int k = 0; k < m->ncol[r]; k++)
            if (!has_col(cs, m->col[r][k]))
                return aiops_err_set(err, AIOPS_EPARSE, file, line,
                                     "expected a column '%.100s' (%s%s), not in the %s",
                                     m->col[r][k], m->mapped[r] ? "--map " : "the ",
                                     role_key[r], where);
    return 0;
}

int aiops_colmap_resolve(aiops_colmap *m, const char *const *names, size_t n, const char *where,
                         const char *file, long line, aiops_err *err)
{
    colset cs = {names, n};
    otel_defaults(m, &cs);
    if (!m->otel)
        generic_defaults(m, &cs);
    m->type = infer_type(m);
    if (m->type == AIOPS_R_OTHER)
        return aiops_err_set(err, AIOPS_EPARSE, file, line, m->table
                             ? "expected a time column (name it with --map ts=COLUMN)"
                             : "expected a value, message or trace/span id column to tell samples, "
                               "logs or spans (or --map type=sample|log|span)");
    m->wide = m->table && m->type == AIOPS_R_SAMPLE && !m->ncol[AIOPS_ROLE_VALUE];
    int rc = m->table ? table_roles(m, file, line, err) : 0;
    if (rc)
        return rc;
    return check_required(m, &cs, where, file, line, err);
}

int aiops_colmap_uses(const aiops_colmap *m, const char *name)
{
    for (int r = 0; r < AIOPS_ROLE__N; r++)
        for (int k = 0; k < m->ncol[r]; k++)
            if (strcmp(m->col[r][k], name) == 0)
                return 1;
    return 0;
}

int aiops_colmap_time_name(const char *s, size_t n)
{
    for (size_t g = 0; generic[AIOPS_ROLE_TS][g]; g++)
        if (strlen(generic[AIOPS_ROLE_TS][g]) == n &&
            strncasecmp(s, generic[AIOPS_ROLE_TS][g], n) == 0)
            return 1;
    return 0;
}

int aiops_colmap_status_error(const char *s)
{
    for (; *s; s++)
        if (strncasecmp(s, "error", 5) == 0)
            return 1;
    return 0;
}
