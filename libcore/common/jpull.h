/* jpull.h - a pull tokenizer for JSON read in chunks: the streaming
 * counterpart of jansson for documents too large for a tree (log, trace
 * and event exports).  It holds one chunk of input, the text of one
 * string or number, and one frame per open container, so its memory does
 * not grow with the document.  Tokens come out as they are read, each
 * with its line; syntax errors carry jansson's wording and column
 * ("string or '}' expected near end of file (column 3)"), so a reader
 * moved from jansson to jpull keeps its messages.  Not public. */
#ifndef AIOPS_JPULL_H
#define AIOPS_JPULL_H

#include "aiops.h"
#include "common/buf.h"

/* The next chunk of input: 1 with [*data, *data + *len) (borrowed, valid
 * until the next call; *len may be 0), 0 at the end, <0 with err set. */
typedef int (*aiops_jpull_read)(void *ctx, const char **data, size_t *len, aiops_err *err);

typedef enum aiops_jtok {
    AIOPS_JT_END = 0,        /* end of input (after whole top-level values) */
    AIOPS_JT_OBJ,            /* '{' */
    AIOPS_JT_OBJ_END,        /* '}' */
    AIOPS_JT_ARR,            /* '[' */
    AIOPS_JT_ARR_END,        /* ']' */
    AIOPS_JT_KEY,            /* member name: text in p->s */
    AIOPS_JT_STR,            /* string: decoded text in p->s */
    AIOPS_JT_NUM,            /* number: its JSON text in p->s */
    AIOPS_JT_TRUE,
    AIOPS_JT_FALSE,
    AIOPS_JT_NULL,
} aiops_jtok;

#define AIOPS_JPULL_MAX_DEPTH 2048   /* jansson's limit */
#define AIOPS_JPULL_KEYS 64          /* object keys kept for paths and repair */

typedef struct aiops_jpull aiops_jpull;

typedef struct aiops_jpull_opts {
    const char *file;        /* entry name for messages (borrowed) */
    const char *what;        /* "a Jaeger JSON document": syntax errors read
                                "expected <what>: <jansson's message> (column N)" */
    size_t max_str;          /* longest string or number (0: 64 MiB) */
    size_t max_depth;        /* 0: AIOPS_JPULL_MAX_DEPTH */
    /* Strings whose innermost enclosing member (looking through arrays)
     * is one of these keys (free-text messages) get invalid UTF-8
     * replaced by U+FFFD; anywhere else invalid UTF-8 is an error naming
     * that member (NULL-terminated, may be NULL), as in obs.h. */
    const char *const *repair_keys;
} aiops_jpull_opts;

/* NULL when out of memory. */
aiops_jpull *aiops_jpull_new(aiops_jpull_read read, void *ctx, const aiops_jpull_opts *o);
void aiops_jpull_free(aiops_jpull *p);
/* Start over on new input (a reader of many small values, e.g. one per
 * JSON line, keeps one tokenizer): as new, with the same options. */
void aiops_jpull_reset(aiops_jpull *p, aiops_jpull_read read, void *ctx);

/* Count lines and columns from line, col (the column before the next
 * byte) instead of 1, 0: a tokenizer reading again a copy of part of a
 * document (aiops_jpull_copy_begin) gives the lines, columns and
 * messages of the first reading.  Before the first token. */
void aiops_jpull_start_at(aiops_jpull *p, long line, long col);

/* The next token (> 0), AIOPS_JT_END, or <0 with *err set: AIOPS_EPARSE
 * (syntax, invalid UTF-8), AIOPS_ELIMIT (a string past max_str), or the
 * read callback's error.  Top-level values must be objects or arrays;
 * several may follow each other (concatenated documents, JSON lines).
 * After an error every call returns it again. */
int aiops_jpull_next(aiops_jpull *p, aiops_err *err);

/* Text of the last KEY, STR or NUM token, NUL-terminated (borrowed, valid
 * until the next call); len excludes the NUL (a string may hold NULs only
 * if... never: \u0000 is rejected as jansson does). */
const char *aiops_jpull_text(const aiops_jpull *p, size_t *len);
/* Line of the first byte of the last token. */
long aiops_jpull_line(const aiops_jpull *p);
/* Column (in characters, as jansson counts them) of the last byte
 * consumed: after an OBJ or ARR token, its bracket's. */
long aiops_jpull_column(const aiops_jpull *p);
/* Replacements of invalid UTF-8 in the last STR token. */
size_t aiops_jpull_fixes(const aiops_jpull *p);
/* Open containers (0 between top-level values). */
size_t aiops_jpull_depth(const aiops_jpull *p);
/* Bytes consumed so far. */
uint64_t aiops_jpull_offset(const aiops_jpull *p);

/* After a token that starts a value (OBJ, ARR or a scalar): read to its
 * end.  For a container with raw non-NULL, its JSON text (as written, from its
 * first byte) is appended to raw; a value longer than max bytes is
 * AIOPS_ELIMIT.  0 or <0 (raw then holds what it held before the call). */
int aiops_jpull_skip(aiops_jpull *p, aiops_buf *raw, size_t max, aiops_err *err);

/* Right after an OBJ or ARR token: copy the input from its bracket into
 * raw while tokens are read, until aiops_jpull_copy_end (for a reader
 * that decides after a few tokens to keep the whole value). */
void aiops_jpull_copy_begin(aiops_jpull *p, aiops_buf *raw);
/* Stop copying: raw ends with the last token read.  0, or AIOPS_ENOMEM
 * when raw ran out of memory. */
int aiops_jpull_copy_end(aiops_jpull *p, aiops_err *err);

/* The path of the current token as jdoc writes it ("data[0].spans[3].traceID"):
 * array indexes and member names of the open containers.  Returns buf. */
const char *aiops_jpull_path(const aiops_jpull *p, char *buf, size_t n);

/* A reader over one memory buffer split into pieces of at most `piece`
 * bytes (0: all at once), for tests and for documents already in memory. */
typedef struct aiops_jpull_mem {
    const char *data;
    size_t len, pos, piece;
} aiops_jpull_mem;
int aiops_jpull_mem_read(void *ctx, const char **data, size_t *len, aiops_err *err);

#endif
