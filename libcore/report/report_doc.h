/* report_doc.h - one document writer for Markdown and HTML (report_doc.c):
 * every text passed in is plain text from the input and is escaped for
 * the document's kind.  d->b is the caller's to free. */
#ifndef AIOPS_REPORT_DOC_H
#define AIOPS_REPORT_DOC_H

#include "common/buf.h"

typedef struct rd {
    aiops_buf b;
    int html;
} rd;

void rd_init(rd *d, int html, const char *title);
void rd_esc(rd *d, const char *s);
void rd_h2(rd *d, const char *t);
void rd_p(rd *d, const char *t);
/* A paragraph whose lines stay lines (<br> in HTML, a hard break in
 * Markdown): summary texts are written line by line. */
void rd_p_lines(rd *d, const char *t);
void rd_table(rd *d, const char *const *heads);   /* NULL-terminated */
void rd_row_begin(rd *d, const char *cls);
void rd_cell_begin(rd *d);
void rd_cell_end(rd *d);
void rd_cell(rd *d, const char *t);
void rd_row_end(rd *d);
void rd_table_end(rd *d);
void rd_list(rd *d, const char *lines);            /* lines joined by '\n' */
void rd_link(rd *d, const char *file, const char *text);
int rd_chart(rd *d, const char *dir, const char *file, const char *svg, size_t len,
             const char *caption, aiops_err *err);
void rd_end(rd *d);
int rp_mkdir(const char *dir, aiops_err *err);
/* "DIR/NAME" into *out (owned by the caller). */
int rp_index_path(const char *dir, const char *name, char **out, aiops_err *err);

#endif
