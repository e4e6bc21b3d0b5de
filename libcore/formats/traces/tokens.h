/* tokens.h - what the token fast paths of the trace and event readers
 * share (fmt_jaeger.c, fmt_otlp.c, fmt_zipkin.c, fmt_k8sevents.c):
 * reading the members of an object by name from jpull's tokens, skipping
 * a value with its member names checked, and integers read as jdoc reads
 * them.  A fast path gives up (AIOPS_TOK_BAIL) on anything it does not
 * read in the tree path's exact way, and the value is then read as a
 * tree.  The second half is the span fast paths' own: the text of the
 * spans of one value (a trace, a resource, a span) kept in one arena and
 * written as span records (aiops_obs_span_text's members) without a
 * tree.  Not public. */
#ifndef AIOPS_TOKENS_H
#define AIOPS_TOKENS_H

#include "formats/obs.h"

#define AIOPS_TOK_BAIL 1

/* fn(self, ctx, i, err) for each member of an object (after its '{'), i
 * its index in names (NULL-terminated, at most 32): 0 to go on, else
 * returned.  A name not in names, or repeated, gives up.  0 at the '}',
 * AIOPS_TOK_BAIL, or <0 a tokenizer error.  Names are looked for from
 * the one after the last found, so members in names' order cost one
 * comparison each. */
typedef int (*aiops_tok_member)(void *self, void *ctx, unsigned i, aiops_err *err);
int aiops_tok_members(aiops_jpull *p, void *self, void *ctx, aiops_tok_member fn,
                      const char *const *names, aiops_err *err);

/* The next value, not used: read to its end with the member names of its
 * objects checked (a repeat gives up: the tree reports it).  0, BAIL, <0. */
int aiops_tok_skip(aiops_jpull *p, aiops_err *err);

/* Token t as an integer the way AIOPS_JDOC_INTTEXT reads one: a number
 * without fraction or exponent (not -0), or a string of one.  0 or BAIL. */
int aiops_tok_int(aiops_jpull *p, int t, int64_t *x);

/* ------------------------------------------------ span fast paths */

/* A hex id of 1..32 digits, lower-cased into buf (>= 33 bytes) through a
 * table: its length, or 0 when [s, s+n) is not one (aiops_obs_hex_id). */
size_t aiops_tok_hex(const char *s, size_t n, char *buf);

/* x units of 10^-digits seconds (digits 6: microseconds, 9: nanoseconds)
 * appended as aiops_buf_num writes the double (double)x / 10^digits,
 * from x's decimal digits (no floating-point formatting) where that is
 * the same text. */
void aiops_tok_seconds(aiops_buf *b, int64_t x, int digits);   /* digits 0..9 */

/* One span of a value being read: arena offsets of its text. */
typedef struct aiops_tok_span {
    size_t tid, sid, parent;     /* hex ids, NUL-terminated ("" when none) */
    size_t svc, op, status;      /* JSON strings (quoted, escaped); (size_t)-1 or
                                    "\"\"" leave svc and status out */
    size_t attrs, attrs_len;     /* the attributes as members ("k":v,...) */
    int64_t dur;                 /* in units of 10^-dur_digits s */
    int dur_digits;
    int error;
    double ts;
} aiops_tok_span;

/* The scratch space of a span fast path, reused from value to value. */
typedef struct aiops_tok_spans {
    aiops_jpull *p;
    aiops_buf arena;             /* the spans' text */
    aiops_buf attrs;             /* the attributes of the span being read */
    aiops_buf akeys;             /* their keys, NUL-separated */
    size_t nattr;
    aiops_tok_span *sp;
    size_t nsp, cap;
    int oom;
} aiops_tok_spans;

void aiops_tok_spans_free(aiops_tok_spans *f);
/* Start a value: no spans, an empty arena. */
void aiops_tok_spans_reset(aiops_tok_spans *f);
/* Start a span's attributes. */
void aiops_tok_attrs_reset(aiops_tok_spans *f);
/* [s, s+n) into the arena, NUL-terminated: its offset. */
size_t aiops_tok_keep(aiops_tok_spans *f, const char *s, size_t n);
/* The same as a JSON string (quoted, escaped). */
size_t aiops_tok_keep_json(aiops_tok_spans *f, const char *s, size_t n);
/* An attribute's key: BAIL when the span has it already, else written
 * to f->attrs as `"key":` after a comma when not the first.  0 or BAIL. */
int aiops_tok_attr_key(aiops_tok_spans *f, const char *key, size_t n);
/* 1 when key is among the span's attribute keys. */
int aiops_tok_has_attr(const aiops_tok_spans *f, const char *key);
/* A new span (zeroed but for svc, op and status, (size_t)-1), or NULL
 * (f->oom set). */
aiops_tok_span *aiops_tok_span_add(aiops_tok_spans *f);
/* The span's attributes (f->attrs) into the arena. */
void aiops_tok_span_attrs(aiops_tok_spans *f, aiops_tok_span *s);
/* A span's record text, as aiops_obs_span_text and the attributes
 * writes it, appended to b. */
void aiops_tok_span_text(aiops_buf *b, const char *arena, const aiops_tok_span *s);
/* Every span of f pushed into q as record text: 0, or <0 with err set
 * (AIOPS_EIO from the queue's temporary files, AIOPS_ENOMEM) at
 * file:line. */
int aiops_tok_spans_push(aiops_tok_spans *f, aiops_obs_queue *q, const char *file, long line,
                         aiops_err *err);

#endif
