/* buf.h - the one growable string buffer (aiops_buf), JSON string
 * escaping and a JSON printer whose numbers are exact and short
 * (aiops_fmt_double).  Used by every module that builds text. */
#ifndef AIOPS_COMMON_BUF_H
#define AIOPS_COMMON_BUF_H

#include "aiops.h"

size_t aiops_json_escape(const char *s, size_t n, char *out);   /* out >= 6n+1 */

/* After an allocation failure writes are dropped and oom is set; p is
 * NUL-terminated once anything was written.  Zero-initialise; free with
 * aiops_buf_free. */
typedef struct aiops_buf {
    char *p;
    size_t n, cap;
    int oom;
} aiops_buf;
/* Room for n more bytes at p + n: 0, or -1 (out of memory). */
int aiops_buf_reserve(aiops_buf *b, size_t n);
void aiops_buf_put(aiops_buf *b, const char *s, size_t n);
void aiops_buf_str(aiops_buf *b, const char *s);
/* printf-style text; a format error (vsnprintf < 0) writes nothing. */
void aiops_buf_printf(aiops_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* A JSON string literal, quotes included. */
void aiops_buf_jstr(aiops_buf *b, const char *s);
void aiops_buf_jstrn(aiops_buf *b, const char *s, size_t n);
/* A JSON number; NaN and +-Inf as the strings "NaN", "+Inf", "-Inf". */
void aiops_buf_num(aiops_buf *b, double v);
/* v as compact JSON, members in their order, reals by aiops_buf_num. */
void aiops_buf_json(aiops_buf *b, json_t *v);
/* s as text for a terminal or a table: control characters (C0 with tab,
 * CR and ESC, DEL, and the C1 range U+0080..U+009F) become '?', so no
 * escape sequence from the input reaches a terminal; characters in esc
 * (may be NULL) get a backslash before them ("|" for a Markdown cell). */
void aiops_buf_term(aiops_buf *b, const char *s, const char *esc);
void aiops_buf_free(aiops_buf *b);

#endif
