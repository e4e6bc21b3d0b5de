/* fmt_clickhouse.c - ClickHouse table exports: JSONEachRow (one JSON
 * object per line) and TSVWithNames / TSVWithNamesAndTypes (a header of
 * column names, optionally a row of types, then tab-separated rows with
 * ClickHouse's escapes), of metrics, logs or traces tables.
 *
 * Which column is what comes from --map (ctx->column_map) and, for roles
 * not mapped, from the column names (colmap.h):
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
 * Rows become records in clickhouse_row.c; the encodings are read by
 * clickhouse_tsv.c and clickhouse_json.c (clickhouse.h).
 *
 * Tables are stored in their ORDER BY order (the otel tables by service
 * first), not by time: `ordered = 0`. */
#include <stdlib.h>
#include <string.h>

#include "aiops_format.h"
#include "common/jdoc.h"
#include "formats/tables/clickhouse.h"

/* ---------------------------------------------------------- interface */

static void ch_close(void *state)
{
    aiops_ch_state *st = state;
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
    aiops_ch_state *st = calloc(1, sizeof *st);
    if (!st)
        return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(ctx->stream), 0, "out of memory");
    aiops_colmap_init(&st->map);
    int rc = aiops_colmap_parse(&st->map, ctx->column_map, aiops_stream_name(ctx->stream), err);
    if (!rc)
        rc = aiops_stream_peek(ctx->stream, &head, &n, err);
    if (!rc) {
        size_t p = aiops_jhead_start(head, n);
        st->tsv = p < n && head[p] != '{';
        if (st->tsv && (rc = aiops_ch_tsv_header(st, ctx, err)) > 0)
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
    aiops_ch_state *st = state;
    json_t *row = NULL;
    if (st->tsv && !st->resolved)
        return 0;              /* empty file */
    int rc = st->tsv ? aiops_ch_tsv_row(st, ctx, &row, err) : aiops_ch_json_row(st, ctx, &row, err);
    if (rc <= 0)
        return rc;
    rc = aiops_ch_record(&st->map, ctx->series, row, aiops_stream_name(ctx->stream), st->line, rec,
                         err);
    json_decref(row);
    return rc ? rc : 1;
}

/* ------------------------------------------------------------- probe */

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
    return l[0] == '{' ? aiops_ch_json_probe(l, len) : aiops_ch_tsv_probe(entry, l, len);
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
