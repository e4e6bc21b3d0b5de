/* table_csv.c - CSV/TSV records (RFC 4180): cells separated by a comma or
 * a tab, a cell in double quotes may hold the separator, "" for a quote
 * and line breaks (the record then spans lines); CRLF line ends are
 * stripped by the stream.  Unquoted cells are taken as they are (spaces
 * included); a quote inside an unquoted cell is literal. */
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "formats/tables/table.h"

char aiops_tbl_delim(const char *l, size_t n)
{
    size_t tabs = 0, commas = 0;
    for (size_t i = 0; i < n; i++) {
        tabs += l[i] == '\t';
        commas += l[i] == ',';
    }
    return tabs > commas ? '\t' : ',';
}

static int add_cell(aiops_tbl_cells *c, size_t off, size_t len)
{
    if (c->n == AIOPS_TBL_MAX_COLS)
        return AIOPS_ELIMIT;
    if (AIOPS_GROW(c->off, c->ocap, c->n + 1) || AIOPS_GROW(c->len, c->lcap, c->n + 1))
        return AIOPS_ENOMEM;
    c->off[c->n] = off;
    c->len[c->n++] = len;
    return 0;
}

int aiops_tbl_split(aiops_tbl_cells *c, const char *l, size_t n, aiops_err *err)
{
    /* Cells never exceed the line plus one NUL per cell (<= n + 1). */
    if (AIOPS_GROW(c->buf, c->bufcap, 2 * n + 2))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    const char d = c->delim;
    size_t i = 0, w = 0;
    c->n = 0;
    for (;;) {
        size_t start = w;
        if (i < n && l[i] == '"') {
            for (i++;; i++) {
                if (i >= n)
                    return 1;  /* still open: the record goes on */
                if (l[i] == '"') {
                    if (i + 1 < n && l[i + 1] == '"') {
                        c->buf[w++] = '"';
                        i++;
                        continue;
                    }
                    i++;
                    break;
                }
                c->buf[w++] = l[i];
            }
            if (i < n && l[i] != d)
                return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                                     "cell %zu: expected '%s' after the closing quote, got '%c'",
                                     c->n + 1, d == '\t' ? "\\t" : ",", l[i]);
        } else {
            const char *e = memchr(l + i, d, n - i);
            size_t k = e ? (size_t)(e - l) - i : n - i;
            memcpy(c->buf + w, l + i, k);
            w += k;
            i += k;
        }
        c->buf[w++] = '\0';
        int rc = add_cell(c, start, w - 1 - start);
        if (rc == AIOPS_ELIMIT)
            return aiops_err_set(err, rc, NULL, 0, "more than %d cells", AIOPS_TBL_MAX_COLS);
        if (rc)
            return aiops_err_set(err, rc, NULL, 0, "out of memory");
        if (i >= n)
            return 0;
        i++;   /* the separator */
    }
}

static int blank(const char *l, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (l[i] != ' ' && l[i] != '\t')
            return 0;
    return 1;
}

int aiops_tbl_read(aiops_tbl_cells *c, aiops_stream *s, aiops_err *err)
{
    const char *file = aiops_stream_name(s);
    char *l;
    size_t n, jn = 0;
    int rc;
    do {
        if ((rc = aiops_stream_getline(s, &l, &n, err)) <= 0)
            return rc;
        c->line = aiops_stream_lineno(s);
    } while (blank(l, n));
    while ((rc = aiops_tbl_split(c, l, n, err)) == 1) {
        /* A quoted cell spans lines: join them with '\n' and split again. */
        if (l != c->join) {
            if (AIOPS_GROW(c->join, c->joincap, n + 1))
                return aiops_err_set(err, AIOPS_ENOMEM, file, c->line, "out of memory");
            memcpy(c->join, l, n);
            jn = n;
        }
        char *next;
        size_t nn;
        int g = aiops_stream_getline(s, &next, &nn, err);
        if (g < 0)
            return g;
        if (g == 0 || jn + 1 + nn > AIOPS_TBL_MAX_RECORD)
            return aiops_err_set(err, AIOPS_EPARSE, file, c->line,
                                 g == 0 ? "expected a closing '\"' before the end of the file"
                                        : "expected a closing '\"' within %zu bytes",
                                 AIOPS_TBL_MAX_RECORD);
        if (AIOPS_GROW(c->join, c->joincap, jn + 1 + nn + 1))
            return aiops_err_set(err, AIOPS_ENOMEM, file, c->line, "out of memory");
        c->join[jn++] = '\n';
        memcpy(c->join + jn, next, nn);
        jn += nn;
        l = c->join;
        n = jn;
    }
    return rc < 0 ? aiops_err_locate(err, file, c->line) : 1;
}

void aiops_tbl_cells_free(aiops_tbl_cells *c)
{
    free(c->buf);
    free(c->off);
    free(c->len);
    free(c->join);
}
