/* colmap.h - which column of a table export is what: the --map
 * mini-language and the roles found from column names, for readers of
 * tables with named columns (ClickHouse now; generic CSV/TSV tables
 * later).
 *
 *     ts=event_time,value=val,series=metric,name=..,labels=a+b,service=..,
 *     message=..,level=..,trace_id=..,span_id=..,parent_span_id=..,
 *     operation=..,duration=COL[:s|ms|us|ns],status=..,attributes=..,
 *     type=sample|log|span
 *
 * Roles not mapped are found from the column names: the OpenTelemetry
 * collector's ClickHouse exporter tables (otel_logs, otel_traces,
 * otel_metrics_*) by their telling columns, else common names compared
 * case-insensitively (ts, timestamp, time, event_time; value, val; ...).
 * The record type: type=, else span when there are trace and span ids and
 * an operation or duration, sample when there is a value, log when there
 * is a message.  Not part of the public API (aiops.h). */
#ifndef AIOPS_COLMAP_H
#define AIOPS_COLMAP_H

#include "aiops_format.h"

typedef enum aiops_role {
    AIOPS_ROLE_TS, AIOPS_ROLE_VALUE, AIOPS_ROLE_SERIES, AIOPS_ROLE_NAME, AIOPS_ROLE_LABELS,
    AIOPS_ROLE_SERVICE, AIOPS_ROLE_MESSAGE, AIOPS_ROLE_LEVEL, AIOPS_ROLE_TRACE, AIOPS_ROLE_SPAN,
    AIOPS_ROLE_PARENT, AIOPS_ROLE_OPERATION, AIOPS_ROLE_DURATION, AIOPS_ROLE_STATUS,
    AIOPS_ROLE_ATTRS, AIOPS_ROLE__N
} aiops_role;

#define AIOPS_COLMAP_COLS 4      /* columns of one role: labels=a+b+c+d */
#define AIOPS_COLMAP_NAME 128    /* bytes of a column name, NUL included */

typedef struct aiops_colmap {
    aiops_rtype type;        /* the record type, once resolved */
    aiops_rtype forced;      /* type= */
    int otel;                /* an OpenTelemetry table: other columns unused */
    char col[AIOPS_ROLE__N][AIOPS_COLMAP_COLS][AIOPS_COLMAP_NAME];
    int ncol[AIOPS_ROLE__N];
    int mapped[AIOPS_ROLE__N];   /* set by --map */
    double dur_div;          /* duration units per second (1e9: ns) */
} aiops_colmap;

/* An empty map (durations in seconds). */
void aiops_colmap_init(aiops_colmap *m);
/* Add the --map text spec (NULL: nothing).  AIOPS_EINVAL with a "--map:
 * ..." message for file (line 0). */
int aiops_colmap_parse(aiops_colmap *m, const char *spec, const char *file, aiops_err *err);
/* Fill in the roles --map left out from the table's column names, pick
 * the record type and check that the columns it needs are there.  where
 * names the names' source in messages ("header", "first row"); errors are
 * AIOPS_EPARSE at file:line. */
int aiops_colmap_resolve(aiops_colmap *m, const char *const *names, size_t n, const char *where,
                         const char *file, long line, aiops_err *err);
/* Role key as --map spells it ("trace_id"). */
const char *aiops_colmap_role_key(aiops_role r);
/* 1 if column name has a role. */
int aiops_colmap_uses(const aiops_colmap *m, const char *name);
/* 1 if [s, s+n) is a common name of a time column (ts, timestamp, ...). */
int aiops_colmap_time_name(const char *s, size_t n);

#endif
