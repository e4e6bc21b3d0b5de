/* colmap.h - which column of a table export is what: the --map
 * mini-language and the roles found from column names, for readers of
 * tables with named columns (ClickHouse, and the generic CSV/TSV `table`
 * format).
 *
 *     ts=event_time,value=val,series=metric,name=..,labels=a+b,service=..,
 *     message=..,level=..,trace_id=..,span_id=..,parent_span_id=..,
 *     operation=..,duration=COL[:s|ms|us|ns],status=..,attributes=..,
 *     type=sample|log|span
 *
 * The generic table (aiops_colmap_init_table) also takes type=alert,
 * ignore=COL+COL (columns not read), annotations=COL+COL (alerts: kept out
 * of the labels and so of the fingerprint), service=COL:pod (the service is the
 * workload of a Kubernetes pod name; the pod becomes a `pod` label), up to
 * AIOPS_COLMAP_COLS columns per role instead of 4, and a sample table
 * without a value column is wide: every other column is a series.
 * "@FILE" as the whole spec reads the items from a mapping file (one or
 * more per line, separated by commas; '#' starts a comment).
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
    AIOPS_ROLE_ATTRS, AIOPS_ROLE_IGNORE, AIOPS_ROLE_ANNOT, AIOPS_ROLE__N
} aiops_role;

#define AIOPS_COLMAP_COLS 16     /* columns of one role (tables); ClickHouse: 4 */
#define AIOPS_COLMAP_FILE_MAX ((size_t)64 << 10)   /* bytes of a --map @FILE */
#define AIOPS_COLMAP_NAME 128    /* bytes of a column name, NUL included */

typedef struct aiops_colmap {
    aiops_rtype type;        /* the record type, once resolved */
    aiops_rtype forced;      /* type= */
    int otel;                /* an OpenTelemetry table: other columns unused */
    char col[AIOPS_ROLE__N][AIOPS_COLMAP_COLS][AIOPS_COLMAP_NAME];
    int ncol[AIOPS_ROLE__N];
    int mapped[AIOPS_ROLE__N];   /* set by --map */
    double dur_div;          /* duration units per second (1e9: ns) */
    int table;               /* the generic table: the extensions above */
    int svc_pod;             /* service=COL:pod */
    int wide;                /* a sample table without a value column */
} aiops_colmap;

/* An empty map (durations in seconds): for ClickHouse, and for the generic
 * table with its extensions. */
void aiops_colmap_init(aiops_colmap *m);
void aiops_colmap_init_table(aiops_colmap *m);
/* Add the --map text spec (NULL: nothing; "@FILE": the mapping file).
 * AIOPS_EINVAL with a "--map: ..." message for file (line 0), or for the
 * mapping file at its line; AIOPS_EIO when it cannot be read. */
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
/* 1 if a span status says it failed ("STATUS_CODE_ERROR", "Error"). */
int aiops_colmap_status_error(const char *s);

#endif
