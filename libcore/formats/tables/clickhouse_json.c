/* clickhouse_json.c - ClickHouse's JSONEachRow encoding: one JSON object
 * per line, members named after the columns. */
#include <string.h>

#include "common/jdoc.h"
#include "formats/tables/clickhouse.h"

/* The first row names the columns. */
int aiops_ch_json_row(aiops_ch_state *st, aiops_parse_ctx *ctx, json_t **row, aiops_err *err)
{
    const char *file = aiops_stream_name(ctx->stream);
    json_error_t je;
    char *l;
    size_t n;
    int rc;
    if ((rc = aiops_jlines_next(ctx->stream, &l, &n, err)) <= 0)
        return rc;
    st->line = aiops_stream_lineno(ctx->stream);
    json_t *o = aiops_json_loadb(l, n, JSON_REJECT_DUPLICATES, &je);
    if (!o)
        return aiops_err_set(err, AIOPS_EPARSE, file, st->line,
                             "expected a JSONEachRow row: %s (column %d)", je.text, je.column);
    if (!json_is_object(o)) {
        json_decref(o);
        return aiops_err_set(err, AIOPS_EPARSE, file, st->line, "expected a JSONEachRow row object");
    }
    if (!st->resolved) {
        const char *names[AIOPS_CH_MAX_COLS], *k;
        json_t *v;
        size_t nc = 0;
        json_object_foreach(o, k, v)
            if (nc < AIOPS_CH_MAX_COLS)
                names[nc++] = k;
        rc = aiops_colmap_resolve(&st->map, names, nc, "first row", file, st->line, err);
        st->resolved = rc == 0;
        if (rc) {
            json_decref(o);
            return rc;
        }
    }
    *row = o;
    return 1;
}

/* JSONEachRow: a first line object that is none of the other JSON lines. */
int aiops_ch_json_probe(const char *l, size_t n)
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
