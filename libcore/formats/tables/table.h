/* table.h - what the files of the generic `table` format share
 * (fmt_table.c: the format, its state and open/next/close):
 *   table_csv.c   RFC 4180 records: comma or tab, quotes, CRLF, quoted
 *                 fields across lines
 *   table_row.c   one row of cells into sample, span or alert records
 * Which column is what comes from colmap.h (aiops_colmap_init_table).
 * Not public. */
#ifndef AIOPS_TABLE_H
#define AIOPS_TABLE_H

#include "aiops_format.h"
#include "common/buf.h"
#include "formats/tables/colmap.h"

#define AIOPS_TBL_MAX_COLS 4096             /* columns of a table */
#define AIOPS_TBL_MAX_RECORD ((size_t)1 << 20)  /* bytes of a record across lines */

/* The cells of one CSV/TSV record, unquoted and NUL-terminated in buf. */
typedef struct aiops_tbl_cells {
    char delim;              /* ',' or '\t' */
    char *buf;
    size_t bufcap;
    size_t *off, *len;
    size_t ocap, lcap, n;
    char *join;              /* a record whose quoted field spans lines */
    size_t joincap;
    long line;               /* line the record starts on */
} aiops_tbl_cells;

/* The delimiter of a header line: tab when it has more tabs than commas. */
char aiops_tbl_delim(const char *l, size_t n);
/* Read the next non-blank record into c: 1, 0 at the end, <0 error at its
 * line (an unclosed quote, a quote followed by text, > AIOPS_TBL_MAX_COLS
 * cells, a record > AIOPS_TBL_MAX_RECORD).  Blank lines are skipped. */
int aiops_tbl_read(aiops_tbl_cells *c, aiops_stream *s, aiops_err *err);
/* Split one line (no line breaks inside quotes) into c: 0, or 1 when a
 * quoted field is still open at the end (the caller appends the next
 * line), or <0 (err has the message only). */
int aiops_tbl_split(aiops_tbl_cells *c, const char *l, size_t n, aiops_err *err);
void aiops_tbl_cells_free(aiops_tbl_cells *c);

static inline const char *aiops_tbl_cell(const aiops_tbl_cells *c, size_t i)
{
    return c->buf + c->off[i];
}

typedef struct aiops_tbl_state {
    aiops_colmap map;
    aiops_tbl_cells cells;
    char **hdr;              /* column names */
    size_t nhdr;
    int col[AIOPS_ROLE__N][AIOPS_COLMAP_COLS];  /* column index of each role's columns */
    unsigned char *used;     /* per column: has a role or is ignored */
    size_t *extra;           /* columns without a role: labels / attributes */
    size_t nextra;
    char **lname;            /* label name of each column (foreign rule) */
    /* wide tables: the value columns, their series for the current labels */
    size_t *vcol;
    uint32_t *vsid;
    size_t nv, cursor;
    aiops_buf lkey, prevkey; /* label cells of this row / of the row the sids are for */
    double *vval;
    unsigned char *vhas;
    int sids_ok;             /* vsid holds the series of prevkey */
    double ts;
    aiops_buf key;           /* series cache key */
    int have_row;
} aiops_tbl_state;

/* Column indexes and label names from the header (st->hdr, st->map
 * resolved).  0 or AIOPS_ENOMEM. */
int aiops_tbl_columns(aiops_tbl_state *st, aiops_err *err);
/* The next record of the current row (st->cells): 1 = rec filled, 0 = the
 * row is done (wide rows give one per value column), <0 error at file:line
 * (the rest of the row is dropped). */
int aiops_tbl_record(aiops_tbl_state *st, aiops_series_table *tab, const char *file,
                     aiops_record *rec, aiops_err *err);

#endif
