/* jdoc.h - the JSON-document helpers every JSON reader shares (the alert,
 * Kafka, ClickHouse, log/trace/event and Prometheus API formats, and the
 * simulator's scenario loader): the JSON path of the value being checked,
 * with errors reported as "path: message" at that value's line in the raw
 * text; typed field access; reading a sequence of JSON values from one
 * entry (one document, NDJSON, or pretty-printed documents one after
 * another); raw-text scanning; and probing the keys of a head.  The saved
 * models (models/model.h) read their state with these getters too.  Not
 * part of the public API (aiops.h). */
#ifndef AIOPS_JDOC_H
#define AIOPS_JDOC_H

#include "aiops.h"

#define AIOPS_JDOC_DEPTH 16

/* Where the value being checked is: its raw text, for line numbers, and
 * the path that leads to it, for messages ("alerts[2].labels: ..."). */
typedef struct aiops_jdoc {
    const char *file;        /* entry name for messages (borrowed) */
    aiops_err *err;
    const char *text;        /* raw text of the current top-level value */
    size_t len;
    long line0;              /* line number of text[0] */
    struct {
        const char *key;     /* object key, or NULL for an array index */
        size_t idx;
    } path[AIOPS_JDOC_DEPTH];
    size_t depth;            /* may exceed AIOPS_JDOC_DEPTH: deeper steps not named */
    size_t base;             /* the first base steps lead to text (a value read
                                alone out of a larger document): named, not walked */
    int repaired;            /* text is a copy with invalid UTF-8 replaced (obs.h) */
} aiops_jdoc;

void aiops_jdoc_key(aiops_jdoc *d, const char *key);
void aiops_jdoc_idx(aiops_jdoc *d, size_t idx);
void aiops_jdoc_pop(aiops_jdoc *d);
/* Line of the value at the current path (the deepest part found). */
long aiops_jdoc_line(const aiops_jdoc *d);
/* Set d->err to code with "path: message" at the path's line; returns code. */
int aiops_jdoc_fail(aiops_jdoc *d, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
#define aiops_jdoc_bad(d, ...) aiops_jdoc_fail((d), AIOPS_EPARSE, __VA_ARGS__)
/* "a string", "a number", "an object", ... ("nothing" for NULL). */
const char *aiops_jdoc_type(const json_t *j);

/* ------------------------------------------------------ typed fields
 *
 * Every getter reads member `key` of obj at the current path and returns
 * 1 when it is there (*out set), 0 when it is absent (*out untouched, so
 * a default set before the call stays), or <0 with d->err set: a wrong
 * type or value is reported as "key: expected ..., got ..." at the line
 * of the value.  A missing member, or one that is null, is absent. */
#define AIOPS_JDOC_REQUIRED 1   /* absent is an error: expected field "k" (a string) */
/* With REQUIRED, the absence reads: expected a "k" member (the wording of
 * the log, trace and event readers). */
#define AIOPS_JDOC_MEMBER 2
/* JSON null is a value, not absence: a wrong type (for the number
 * getters too, unless AIOPS_JDOC_NONFINITE reads it). */
#define AIOPS_JDOC_NULL 4
/* aiops_jdoc_int: a string of digits is an integer too (OTLP writes
 * 64-bit integers as strings). */
#define AIOPS_JDOC_INTTEXT 8
/* Numbers (num, nums, numval): also what a JSON number cannot hold, in
 * the spelling of saved models: null is NaN (a value, not absence), and
 * a string aiops_parse_double reads as non-finite ("NaN", "+Inf",
 * "-Inf") is that number.  NaN passes any range; +-Inf must be in it. */
#define AIOPS_JDOC_NONFINITE 16
/* A wrong value is quoted as its JSON text, cut at 60 bytes (got "abc",
 * got 2.5, got null), instead of named by its type (got a string). */
#define AIOPS_JDOC_QUOTE 32

/* The member itself (*out borrowed), for getters of special shapes; want
 * ("a string") names it when a required one is absent. */
int aiops_jdoc_field(aiops_jdoc *d, const json_t *obj, const char *key, int flags,
                     const char *want, json_t **out);
/* "key: expected WANT, got <type of v>" at v's line; returns AIOPS_EPARSE. */
int aiops_jdoc_wrong(aiops_jdoc *d, const char *key, const json_t *v, const char *want);
/* The same with the flags' way of naming v (AIOPS_JDOC_QUOTE: its JSON
 * text); key NULL: v is the value at d's path. */
int aiops_jdoc_expect(aiops_jdoc *d, const char *key, const json_t *v, int flags,
                      const char *want);
/* "key: MESSAGE" at member key of the value at d's path (key NULL: at
 * d's path), for what the getters cannot see; returns AIOPS_EPARSE. */
int aiops_jdoc_bad_at(aiops_jdoc *d, const char *key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

int aiops_jdoc_str(aiops_jdoc *d, const json_t *obj, const char *key, int flags,
                   const char **out);
int aiops_jdoc_obj(aiops_jdoc *d, const json_t *obj, const char *key, int flags, json_t **out);
int aiops_jdoc_arr(aiops_jdoc *d, const json_t *obj, const char *key, int flags, json_t **out);
/* A number in [lo, hi] (-INFINITY / INFINITY: unbounded on that side). */
int aiops_jdoc_num(aiops_jdoc *d, const json_t *obj, const char *key, int flags, double lo,
                   double hi, double *out);
/* The number v is, as the number getters read it with flags (only
 * AIOPS_JDOC_NONFINITE matters), without a message: 0, or -1 when v
 * (possibly NULL) is none. */
int aiops_jdoc_numval(const json_t *v, int flags, double *out);
/* An integer in [lo, hi] (INT64_MIN / INT64_MAX: unbounded). */
int aiops_jdoc_int(aiops_jdoc *d, const json_t *obj, const char *key, int flags, int64_t lo,
                   int64_t hi, int64_t *out);
/* The same into an int. */
int aiops_jdoc_cint(aiops_jdoc *d, const json_t *obj, const char *key, int flags, int lo,
                    int hi, int *out);
/* true or false, as 1 or 0. */
int aiops_jdoc_bool(aiops_jdoc *d, const json_t *obj, const char *key, int flags, int *out);
/* An array of exactly n numbers into out[0..n) (with AIOPS_JDOC_NONFINITE
 * null elements are NaN); on an error out may be partly written. */
int aiops_jdoc_nums(aiops_jdoc *d, const json_t *obj, const char *key, int flags, double *out,
                    size_t n);
/* An array of exactly n integers, the i-th in [lo[i], hi[i]], into an int
 * each. */
int aiops_jdoc_cints(aiops_jdoc *d, const json_t *obj, const char *key, int flags,
                     const int *lo, const int *hi, int *out, size_t n);
/* An object whose values are all strings; *out borrowed. */
int aiops_jdoc_strmap(aiops_jdoc *d, const json_t *obj, const char *key, int flags,
                      json_t **out);

/* Optional members with a default: *out = dflt when absent.  0 or <0. */
int aiops_jdoc_str_or(aiops_jdoc *d, const json_t *obj, const char *key, int flags,
                      const char *dflt, const char **out);
int aiops_jdoc_num_or(aiops_jdoc *d, const json_t *obj, const char *key, int flags, double dflt,
                      double lo, double hi, double *out);
int aiops_jdoc_int_or(aiops_jdoc *d, const json_t *obj, const char *key, int flags, int64_t dflt,
                      int64_t lo, int64_t hi, int64_t *out);
int aiops_jdoc_bool_or(aiops_jdoc *d, const json_t *obj, const char *key, int flags, int dflt,
                       int *out);

/* Times.  aiops_jdoc_time: RFC 3339 text or an epoch number (seconds, or
 * ms/us/ns by magnitude), as the alert readers take them.
 * aiops_jdoc_epoch: the same, also an integer as a string ("1704164645123456789",
 * Loki and OTLP), integers converted exactly (not through a double), and
 * the log/trace/event readers' wording in messages. */
int aiops_jdoc_time(aiops_jdoc *d, const json_t *obj, const char *key, int flags, double *out);
/* The time of a value as aiops_jdoc_time reads it, without a message:
 * 0, or -1 when v is no time. */
int aiops_jtime_parse(const json_t *v, double *out);
int aiops_jdoc_epoch(aiops_jdoc *d, const json_t *obj, const char *key, int flags, double *out);
/* aiops_jdoc_epoch of a value already at the current path: 0 or <0. */
int aiops_jdoc_epoch_value(aiops_jdoc *d, const json_t *v, double *out);

/* ------------------------------------------------- sequences of values */

/* A sequence of JSON objects/arrays in one buffer: one document, one per
 * line, or documents one after another.  Blank space between them is
 * skipped. */
typedef struct aiops_jseq {
    const char *buf;         /* borrowed, e.g. from aiops_stream_slurp */
    size_t len, off;
    long line;               /* line number at off */
} aiops_jseq;

void aiops_jseq_init(aiops_jseq *q, const char *buf, size_t len);
/* Next value: 1 = *out (owned by caller) and d->text/len/line0 describe
 * it, 0 = end, <0 = error (jansson's message at its line, prefixed with
 * `what`, e.g. "expected an Alertmanager webhook payload"). */
int aiops_jseq_next(aiops_jseq *q, aiops_jdoc *d, const char *what, json_t **out);

/* Raw JSON text, any bytes: move *p past blanks (space, tab, CR, LF); or,
 * with *p at an opening quote, just past the closing one (0 and *p = n if
 * the text ends first, e.g. a head cut off inside a string). */
void aiops_jtext_ws(const char *s, size_t n, size_t *p);
int aiops_jtext_str(const char *s, size_t n, size_t *p);

/* Probing heads: 1 if a real key (a string followed by ':') named key
 * occurs at container depth `depth` of head (1 = members of the top-level
 * object, 2 = members of objects inside it or inside a top-level array,
 * ...), 0 otherwise.  Keys cut off at the end of head do not count. */
int aiops_jhead_key(const char *head, size_t n, int depth, const char *key);
/* The same within the first JSON value of head only; *val (if not NULL)
 * then points at the member's value. */
int aiops_jhead_member(const char *head, size_t n, int depth, const char *key,
                       const char **val);
/* 1 if the value at v (from aiops_jhead_member, before end) is the string
 * lit. */
int aiops_jhead_is(const char *v, const char *end, const char *lit);
/* Offset of the first byte that is not whitespace or a UTF-8 BOM. */
size_t aiops_jhead_start(const char *head, size_t n);

/* json_loadb with the AIOPS_MAX_DEPTH limit (common/limits.h) applied to
 * records and documents parsed whole: jansson itself stops at 2048 levels,
 * so a lower limit is checked first by a scan of the first value's text
 * (strings skipped); past it, NULL with je set ("maximum parsing depth
 * reached (N, AIOPS_MAX_DEPTH)", as the pull tokenizer says it, with its
 * line and column).  Same ownership as
 * json_loadb: the caller owns the value. */
json_t *aiops_json_loadb(const char *s, size_t n, size_t flags, json_error_t *je);

#endif
