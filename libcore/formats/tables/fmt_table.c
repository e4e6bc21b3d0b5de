/* fmt_table.c - generic CSV/TSV tables with a header row, read with
 * --map into samples (long or wide), spans or alerts (table.h, colmap.h).
 * The delimiter is the header's: a tab when it has more tabs than commas,
 * else a comma; quoting is RFC 4180.  Never detected: `-I table`.
 *
 * Tables are exported in whatever order their query or tool chose (alert
 * exports by rule, trace exports by trace), so the format is not ordered:
 * the reader holds an entry's records and sorts them, bounded by its
 * --max-buffer, and says so when a table does not fit. */
#include <stdlib.h>
#include <string.h>

#include "formats/tables/table.h"

static void tbl_close(void *state)
{
    aiops_tbl_state *st = state;
    if (!st)
        return;
    for (size_t i = 0; i < st->nhdr; i++) {
        free(st->hdr[i]);
        if (st->lname)
            free(st->lname[i]);
    }
    free(st->hdr);
    free(st->lname);
    free(st->used);
    free(st->extra);
    free(st->vcol);
    free(st->vsid);
    free(st->vval);
    free(st->vhas);
    aiops_buf_free(&st->lkey);
    aiops_buf_free(&st->prevkey);
    aiops_buf_free(&st->key);
    aiops_tbl_cells_free(&st->cells);
    free(st);
}

/* The header: column names, distinct, then the map resolved on them. */
static int header(aiops_tbl_state *st, aiops_parse_ctx *ctx, aiops_err *err)
{
    const char *file = aiops_stream_name(ctx->stream);
    const char *head;
    size_t n;
    int rc = aiops_stream_peek(ctx->stream, &head, &n, err);
    if (rc)
        return rc;
    size_t bom = aiops_bom_len(head, n);
    const char *nl = memchr(head + bom, '\n', n - bom);
    st->cells.delim = aiops_tbl_delim(head + bom, nl ? (size_t)(nl - head - bom) : n - bom);
    if ((rc = aiops_tbl_read(&st->cells, ctx->stream, err)) <= 0)
        return rc ? rc : aiops_err_set(err, AIOPS_EPARSE, file, 0, "expected a header row, got an "
                                       "empty file");
    aiops_tbl_cells *c = &st->cells;
    if (!(st->hdr = calloc(c->n, sizeof *st->hdr)))
        return aiops_err_set(err, AIOPS_ENOMEM, file, c->line, "out of memory");
    st->nhdr = c->n;
    for (size_t i = 0; i < c->n; i++) {
        const char *s = aiops_tbl_cell(c, i);
        size_t len = c->len[i];
        size_t b = i == 0 ? aiops_bom_len(s, len) : 0;
        s += b;
        len -= b;
        char q[64];
        if (!len || len >= AIOPS_COLMAP_NAME || !aiops_utf8_valid(s, len))
            return aiops_err_set(err, AIOPS_EPARSE, file, c->line,
                                 "expected a column name in header cell %zu, got '%s'", i + 1,
                                 aiops_snip(s, len, q, sizeof q));
        for (size_t j = 0; j < i; j++)
            if (strcmp(st->hdr[j], s) == 0)
                return aiops_err_set(err, AIOPS_EPARSE, file, c->line,
                                     "expected distinct column names, got '%s' twice",
                                     aiops_snip(s, len, q, sizeof q));
        if (!(st->hdr[i] = strndup(s, len)))
            return aiops_err_set(err, AIOPS_ENOMEM, file, c->line, "out of memory");
    }
    if ((rc = aiops_colmap_resolve(&st->map, (const char *const *)st->hdr, st->nhdr, "header",
                                   file, c->line, err)))
        return rc;
    rc = aiops_tbl_columns(st, err);
    return rc ? aiops_err_locate(err, file, c->line) : 0;
}

static int tbl_open(void **state, aiops_parse_ctx *ctx, aiops_err *err)
{
    *state = NULL;
    aiops_tbl_state *st = calloc(1, sizeof *st);
    if (!st)
        return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(ctx->stream), 0, "out of memory");
    aiops_colmap_init_table(&st->map);
    int rc = aiops_colmap_parse(&st->map, ctx->column_map, aiops_stream_name(ctx->stream), err);
    if (!rc)
        rc = header(st, ctx, err);
    if (rc) {
        tbl_close(st);
        return rc;
    }
    *state = st;
    return 0;
}

static int tbl_next(void *state, aiops_parse_ctx *ctx, aiops_record *rec, aiops_err *err)
{
    aiops_tbl_state *st = state;
    const char *file = aiops_stream_name(ctx->stream);
    for (;;) {
        int rc;
        if (!st->have_row) {
            rc = aiops_tbl_read(&st->cells, ctx->stream, err);
            if (rc <= 0) {
                ctx->resumable = rc == AIOPS_EPARSE;   /* the bad record was read */
                return rc;
            }
            if (st->cells.n != st->nhdr) {
                ctx->resumable = 1;
                return aiops_err_set(err, AIOPS_EPARSE, file, st->cells.line,
                                     "expected %zu cells (as the header), got %zu", st->nhdr,
                                     st->cells.n);
            }
            st->have_row = 1;
        }
        rc = aiops_tbl_record(st, ctx->series, file, rec, err);
        if (rc == 1)
            return 1;
        st->have_row = 0;
        st->cursor = 0;
        if (rc < 0) {
            ctx->resumable = rc == AIOPS_EPARSE;
            return rc;
        }
    }
}

/* Only read when asked for (-I table): a CSV or TSV file is one of the
 * other formats (csv, clickhouse, pagerduty) unless the user says so. */
static int tbl_probe(const char *entry, const char *head, size_t n)
{
    (void)entry;
    (void)head;
    (void)n;
    return 0;
}

const aiops_format aiops_fmt_table = {
    .name = "table",
    .desc = "generic CSV/TSV tables with a header row -> samples (long or wide), spans or "
            "alerts, by --map (only with -I table)",
    .ordered = 0,
    .probe = tbl_probe,
    .open = tbl_open,
    .next = tbl_next,
    .close = tbl_close,
};
