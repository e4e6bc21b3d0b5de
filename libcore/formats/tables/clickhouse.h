/* clickhouse.h - what the files of the ClickHouse format share
 * (fmt_clickhouse.c: the format, its state and probe):
 *   clickhouse_tsv.c   the TSVWithNames / TSVWithNamesAndTypes encoding
 *   clickhouse_json.c  the JSONEachRow encoding
 *   clickhouse_map.c   ClickHouse's Map text {'k':'v'} in a cell
 *   clickhouse_row.c   one row (an object of cells) into a record
 * Which column is what comes from colmap.h.  Not public. */
#ifndef AIOPS_CLICKHOUSE_H
#define AIOPS_CLICKHOUSE_H

#include "aiops_format.h"
#include "formats/tables/colmap.h"

#define AIOPS_CH_MAX_COLS 1024

typedef struct aiops_ch_state {
    int tsv;
    int resolved;            /* map resolved (at the header / first row) */
    aiops_colmap map;
    long line;               /* line of the current row */
    /* TSV */
    char **hdr;              /* column names of the header */
    size_t nhdr;
    char *cell;              /* unescaped cells of the current row */
    size_t cellcap;
} aiops_ch_state;

/* The encodings: the next row as an object of cells (st->line its line),
 * 1, 0 at the end, <0 error.  The header (TSV) or the first row (JSON)
 * resolves st->map. */
int aiops_ch_tsv_header(aiops_ch_state *st, aiops_parse_ctx *ctx, aiops_err *err);
int aiops_ch_tsv_row(aiops_ch_state *st, aiops_parse_ctx *ctx, json_t **row, aiops_err *err);
int aiops_ch_json_row(aiops_ch_state *st, aiops_parse_ctx *ctx, json_t **row, aiops_err *err);
/* Confidence that the first line l of an entry is a header / a row. */
int aiops_ch_tsv_probe(const char *entry, const char *l, size_t n);
int aiops_ch_json_probe(const char *l, size_t n);

/* {'k':'v', 'n':12} (ClickHouse's Map text; JSON text too) -> a new
 * object of strings, or NULL when it is not one. */
json_t *aiops_ch_map_text(const char *s);

/* The character of ClickHouse's escape "\c" (TSV cells, quoted strings). */
static inline char aiops_ch_unescape(char c)
{
    return c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c == '0' ? '\0'
         : c == 'b' ? '\b' : c == 'f' ? '\f' : c;
}

/* One row into rec: a sample (series interned into tab), a log or a span
 * as map says.  0 or <0 (err at file:line). */
int aiops_ch_record(const aiops_colmap *map, aiops_series_table *tab, json_t *row,
                    const char *file, long line, aiops_record *rec, aiops_err *err);

#endif
