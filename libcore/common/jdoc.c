/* jdoc.c - the JSON-document helpers (jdoc.h): JSON paths and errors at
 * the offending value's line, typed field access, value sequences, raw
 * text scanning and head probing, for every JSON reader in libcore.
 *
 * jansson keeps no source positions, so an error found after parsing is
 * located by walking the raw text of the value along the JSON path of the
 * offending field.  JSON strings cannot hold raw newlines, so counting
 * '\n' before the offset gives the exact line. */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aiops_format.h"
#include "common/jdoc.h"
#include "common/limits.h"

/* ----------------------------------------------------------- raw text */

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void aiops_jtext_ws(const char *s, size_t n, size_t *p)
{
    while (*p < n && is_ws(s[*p]))
        (*p)++;
}

int aiops_jtext_str(const char *s, size_t n, size_t *p)
{
    for ((*p)++; *p < n; (*p)++) {
        if (s[*p] == '\\')
            (*p)++;
        else if (s[*p] == '"') {
            (*p)++;
            return 1;
        }
    }
    *p = n;                  /* unterminated (or cut after a backslash) */
    return 0;
}

/* Past one value: counting brackets, not recursing, so depth is free. */
static void skip_val(const char *s, size_t n, size_t *p)
{
    size_t depth = 0;
    while (*p < n) {
        char c = s[*p];
        if (c == '"') {
            aiops_jtext_str(s, n, p);
            if (depth == 0)
                return;
            continue;
        }
        if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                return;
            if (--depth == 0) {
                (*p)++;
                return;
            }
        } else if (depth == 0 && (is_ws(c) || c == ',')) {
            return;
        }
        (*p)++;
    }
}

/* From the container at *p to its member for step k; 0 if not found
 * (also for a key spelled with escapes: the deepest part found counts). */
static int walk_step(const aiops_jdoc *d, size_t k, size_t *p)
{
    const char *s = d->text;
    size_t n = d->len, i = 0;
    const char *key = d->path[k].key;
    aiops_jtext_ws(s, n, p);
    if (*p >= n || s[*p] != (key ? '{' : '['))
        return 0;
    (*p)++;
    for (;;) {
        aiops_jtext_ws(s, n, p);
        if (*p >= n || s[*p] == '}' || s[*p] == ']')
            return 0;
        if (key) {
            size_t k0 = *p + 1, kl = strlen(key);
            if (s[*p] != '"')
                return 0;
            aiops_jtext_str(s, n, p);
            int hit = *p - k0 - 1 == kl && memcmp(s + k0, key, kl) == 0;
            aiops_jtext_ws(s, n, p);
            if (*p >= n || s[*p] != ':')
                return 0;
            (*p)++;
            aiops_jtext_ws(s, n, p);
            if (hit)
                return 1;
        } else if (i++ == d->path[k].idx) {
            aiops_jtext_ws(s, n, p);
            return 1;
        }
        skip_val(s, n, p);
        aiops_jtext_ws(s, n, p);
        if (*p >= n || s[*p] != ',')
            return 0;
        (*p)++;
    }
}

long aiops_jdoc_line(const aiops_jdoc *d)
{
    size_t p = 0;
    long line = d->line0 > 0 ? d->line0 : 1;
    if (!d->text)
        return d->line0;
    aiops_jtext_ws(d->text, d->len, &p);
    for (size_t k = d->base; k < d->depth && k < AIOPS_JDOC_DEPTH; k++) {
        size_t q = p;
        if (!walk_step(d, k, &q))
            break;
        p = q;
    }
    for (size_t i = 0; i < p && i < d->len; i++)
        line += d->text[i] == '\n';
    return line;
}

/* ---------------------------------------------------------- the path */

void aiops_jdoc_key(aiops_jdoc *d, const char *key)
{
    if (d->depth < AIOPS_JDOC_DEPTH) {
        d->path[d->depth].key = key;
        d->path[d->depth].idx = 0;
    }
    d->depth++;
}

void aiops_jdoc_idx(aiops_jdoc *d, size_t idx)
{
    if (d->depth < AIOPS_JDOC_DEPTH) {
        d->path[d->depth].key = NULL;
        d->path[d->depth].idx = idx;
    }
    d->depth++;
}

void aiops_jdoc_pop(aiops_jdoc *d)
{
    if (d->depth)
        d->depth--;
}

/* "data.result[3].values"; "..." when the path is deeper than we keep.
 * The buffer caps a long key, so the message after the path survives. */
static void path_text(const aiops_jdoc *d, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < d->depth && k < AIOPS_JDOC_DEPTH && used < n; k++) {
        int w = d->path[k].key
                    ? snprintf(buf + used, n - used, "%s%s", k ? "." : "", d->path[k].key)
                    : snprintf(buf + used, n - used, "[%zu]", d->path[k].idx);
        if (w < 0)
            return;
        used += (size_t)w;
    }
    if (d->depth > AIOPS_JDOC_DEPTH && used < n)
        snprintf(buf + used, n - used, "...");
}

int aiops_jdoc_fail(aiops_jdoc *d, int code, const char *fmt, ...)
{
    char msg[420], path[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    path_text(d, path, sizeof path);
    return aiops_err_set(d->err, code, d->file, aiops_jdoc_line(d), "%s%s%s", path,
                         path[0] ? ": " : "", msg);
}

const char *aiops_jdoc_type(const json_t *j)
{
    if (!j)
        return "nothing";
    switch (json_typeof(j)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE: return "true";
    case JSON_FALSE: return "false";
    default: return "null";
    }
}

/* ------------------------------------------------------ field access */

int aiops_jdoc_field(aiops_jdoc *d, const json_t *obj, const char *key, int flags,
                     const char *want, json_t **out)
{
    *out = json_object_get(obj, key);
    if (*out && (!json_is_null(*out) || (flags & AIOPS_JDOC_NULL)))
        return 1;
    *out = NULL;
    if (!(flags & AIOPS_JDOC_REQUIRED))
        return 0;
    if (flags & AIOPS_JDOC_MEMBER)
        return aiops_jdoc_bad(d, "expected a \"%s\" member", key);
    return aiops_jdoc_bad(d, "expected field \"%s\" (%s)", key, want);
}

int aiops_jdoc_bad_at(aiops_jdoc *d, const char *key, const char *fmt, ...)
{
    char msg[420];           /* as long as aiops_jdoc_fail's own */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (key)
        aiops_jdoc_key(d, key);
    int rc = aiops_jdoc_bad(d, "%s", msg);
    if (key)
        aiops_jdoc_pop(d);
    return rc;
}

/* A wrong value as a message names it: its type or, with
 * AIOPS_JDOC_QUOTE, its JSON text cut at 60 bytes (not inside a UTF-8
 * character).  buf holds 64 bytes. */
#define GOT_MAX 64
static const char *got_text(const json_t *v, int flags, char *buf)
{
    if (!(flags & AIOPS_JDOC_QUOTE) || !v)
        return aiops_jdoc_type(v);
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    if (!s)
        return "?";
    size_t n = strlen(s);
    if (n > 60)
        for (n = 60; n && ((unsigned char)s[n] & 0xC0) == 0x80; n--)
            ;
    memcpy(buf, s, n);
    buf[n] = '\0';
    free(s);
    return buf;
}

/* "key: expected WANT, got GOT" at the member's line (key NULL: at d's
 * path). */
static int expected(aiops_jdoc *d, const char *key, const char *want, const char *got)
{
    return aiops_jdoc_bad_at(d, key, "expected %s, got %s", want, got);
}

int aiops_jdoc_expect(aiops_jdoc *d, const char *key, const json_t *v, int flags,
                      const char *want)
{
    char got[GOT_MAX];
    return expected(d, key, want, got_text(v, flags, got));
}

int aiops_jdoc_wrong(aiops_jdoc *d, const char *key, const json_t *v, const char *want)
{
    return aiops_jdoc_expect(d, key, v, 0, want);
}

/* The member if it has the JSON type; 1, 0 (absent) or <0. */
static int typed(aiops_jdoc *d, const json_t *obj, const char *key, int flags, json_type type,
                 const char *want, json_t **out)
{
    int rc = aiops_jdoc_field(d, obj, key, flags, want, out);
    if (rc <= 0 || json_typeof(*out) == type)
        return rc;
    return aiops_jdoc_expect(d, key, *out, flags, want);
}

int aiops_jdoc_str(aiops_jdoc *d, const json_t *obj, const char *key, int flags,
                   const char **out)
{
    json_t *v;
    int rc = typed(d, obj, key, flags, JSON_STRING, "a string", &v);
    if (rc > 0)
        *out = json_string_value(v);
    return rc;
}

int aiops_jdoc_obj(aiops_jdoc *d, const json_t *obj, const char *key, int flags, json_t **out)
{
    json_t *v;
    int rc = typed(d, obj, key, flags, JSON_OBJECT, "an object", &v);
    if (rc > 0)
        *out = v;
    return rc;
}

int aiops_jdoc_arr(aiops_jdoc *d, const json_t *obj, const char *key, int flags, json_t **out)
{
    json_t *v;
    int rc = typed(d, obj, key, flags, JSON_ARRAY, "an array", &v);
    if (rc > 0)
        *out = v;
    return rc;
}

/* What a range asks for: "a number", "an integer >= 0", "a number in
 * [0, 1]"; lo/hi are NULL on an unbounded side, tail is appended. */
static const char *range_text(char *buf, size_t n, const char *what, const char *lo,
                              const char *hi, const char *tail)
{
    if (lo && hi)
        snprintf(buf, n, "%s in [%s, %s]%s", what, lo, hi, tail);
    else if (lo || hi)
        snprintf(buf, n, "%s %s %s%s", what, lo ? ">=" : "<=", lo ? lo : hi, tail);
    else
        snprintf(buf, n, "%s%s", what, tail);
    return buf;
}

int aiops_jdoc_numval(const json_t *v, int flags, double *out)
{
    double x;
    if (json_is_number(v)) {
        *out = json_number_value(v);
        return 0;
    }
    if (!(flags & AIOPS_JDOC_NONFINITE))
        return -1;
    if (json_is_null(v)) {
        *out = NAN;
        return 0;
    }
    /* Strings only for what a JSON number cannot hold. */
    if (json_is_string(v) &&
        aiops_parse_double(json_string_value(v), json_string_length(v), &x) == 0 &&
        !isfinite(x)) {
        *out = x;
        return 0;
    }
    return -1;
}

/* v (member key; key NULL: the value at d's path) as a number in
 * [lo, hi]: 0 or <0. */
static int num_value(aiops_jdoc *d, const char *key, const json_t *v, int flags, double lo,
                     double hi, double *out)
{
    char lb[32], hb[32], want[112], got[GOT_MAX];
    double x;
    int ok = aiops_jdoc_numval(v, flags, &x) == 0;
    if (ok && (isnan(x) || (x >= lo && x <= hi))) {
        *out = x;
        return 0;
    }
    snprintf(lb, sizeof lb, "%g", lo);
    snprintf(hb, sizeof hb, "%g", hi);
    range_text(want, sizeof want, "a number", isinf(lo) ? NULL : lb, isinf(hi) ? NULL : hb,
               flags & AIOPS_JDOC_NONFINITE ? " or null" : "");
    if (ok && !(flags & AIOPS_JDOC_QUOTE)) {
        aiops_fmt_double(x, got);
        return expected(d, key, want, got);
    }
    return aiops_jdoc_expect(d, key, v, flags, want);
}

int aiops_jdoc_num(aiops_jdoc *d, const json_t *obj, const char *key, int flags, double lo,
                   double hi, double *out)
{
    json_t *v;
    int rc = aiops_jdoc_field(d, obj, key,
                              flags & AIOPS_JDOC_NONFINITE ? flags | AIOPS_JDOC_NULL : flags,
                              "a number", &v);
    if (rc > 0 && (rc = num_value(d, key, v, flags, lo, hi, out)) == 0)
        rc = 1;
    return rc;
}

/* v (member key; key NULL: the value at d's path) as an integer in
 * [lo, hi]: 0 or <0.  A string of digits with AIOPS_JDOC_INTTEXT. */
static int int_value(aiops_jdoc *d, const char *key, const json_t *v, int flags, int64_t lo,
                     int64_t hi, int64_t *out)
{
    char lb[24], hb[24], want[96], got[GOT_MAX];
    int64_t x;
    snprintf(lb, sizeof lb, "%" PRId64, lo);
    snprintf(hb, sizeof hb, "%" PRId64, hi);
    range_text(want, sizeof want, "an integer", lo == INT64_MIN ? NULL : lb,
               hi == INT64_MAX ? NULL : hb, "");
    if (json_is_integer(v)) {
        x = (int64_t)json_integer_value(v);
    } else if (!(flags & AIOPS_JDOC_INTTEXT) || !json_is_string(v)) {
        return aiops_jdoc_expect(d, key, v, flags, want);
    } else if (aiops_parse_int64(json_string_value(v), json_string_length(v), &x) < 0) {
        if (flags & AIOPS_JDOC_QUOTE)
            return aiops_jdoc_expect(d, key, v, flags, "an integer");
        size_t n = json_string_length(v);
        snprintf(got, sizeof got, "'%.*s'", n > 40 ? 40 : (int)n, json_string_value(v));
        return expected(d, key, "an integer", got);
    }
    if (x < lo || x > hi) {
        if (json_is_string(v) && (flags & AIOPS_JDOC_QUOTE))
            return aiops_jdoc_expect(d, key, v, flags, want);
        snprintf(got, sizeof got, "%" PRId64, x);
        return expected(d, key, want, got);
    }
    *out = x;
    return 0;
}

int aiops_jdoc_int(aiops_jdoc *d, const json_t *obj, const char *key, int flags, int64_t lo,
                   int64_t hi, int64_t *out)
{
    json_t *v;
    int rc = aiops_jdoc_field(d, obj, key, flags, "an integer", &v);
    if (rc > 0 && (rc = int_value(d, key, v, flags, lo, hi, out)) == 0)
        rc = 1;
    return rc;
}

int aiops_jdoc_cint(aiops_jdoc *d, const json_t *obj, const char *key, int flags, int lo,
                    int hi, int *out)
{
    int64_t x;
    int rc = aiops_jdoc_int(d, obj, key, flags, lo, hi, &x);
    if (rc > 0)
        *out = (int)x;
    return rc;
}

int aiops_jdoc_bool(aiops_jdoc *d, const json_t *obj, const char *key, int flags, int *out)
{
    json_t *v;
    int rc = aiops_jdoc_field(d, obj, key, flags, "true or false", &v);
    if (rc <= 0)
        return rc;
    if (!json_is_boolean(v))
        return aiops_jdoc_expect(d, key, v, flags, "true or false");
    *out = json_is_true(v);
    return 1;
}

/* Where the elements of an array getter go: numbers, or ints each in
 * [lo[i], hi[i]]. */
typedef struct elems {
    double *num;
    int *cint;
    const int *lo, *hi;
} elems;

/* Element i (at d's path): 0 or <0. */
static int elem(aiops_jdoc *d, const json_t *e, int flags, const elems *t, size_t i)
{
    int64_t x;
    if (t->num)
        return num_value(d, NULL, e, flags, -INFINITY, INFINITY, &t->num[i]);
    if (int_value(d, NULL, e, flags, t->lo[i], t->hi[i], &x) < 0)
        return d->err->code;
    t->cint[i] = (int)x;
    return 0;
}

/* Member key as an array of exactly n elements into t: 1, 0 absent, <0. */
static int array_of(aiops_jdoc *d, const json_t *obj, const char *key, int flags, size_t n,
                    const elems *t)
{
    char want[64], got[48];
    json_t *v;
    snprintf(want, sizeof want, "an array of %zu %s", n, t->num ? "numbers" : "integers");
    int rc = aiops_jdoc_field(d, obj, key, flags, want, &v);
    if (rc <= 0)
        return rc;
    if (!json_is_array(v))
        return aiops_jdoc_expect(d, key, v, flags, want);
    if (json_array_size(v) != n) {
        snprintf(got, sizeof got, "an array of %zu", json_array_size(v));
        return expected(d, key, want, got);
    }
    aiops_jdoc_key(d, key);
    for (size_t i = 0; i < n && rc > 0; i++) {
        aiops_jdoc_idx(d, i);
        if (elem(d, json_array_get(v, i), flags, t, i) < 0)
            rc = d->err->code;
        aiops_jdoc_pop(d);
    }
    aiops_jdoc_pop(d);
    return rc;
}

int aiops_jdoc_nums(aiops_jdoc *d, const json_t *obj, const char *key, int flags, double *out,
                    size_t n)
{
    return array_of(d, obj, key, flags, n, &(elems){.num = out});
}

int aiops_jdoc_cints(aiops_jdoc *d, const json_t *obj, const char *key, int flags,
                     const int *lo, const int *hi, int *out, size_t n)
{
    return array_of(d, obj, key, flags, n, &(elems){.cint = out, .lo = lo, .hi = hi});
}

int aiops_jdoc_strmap(aiops_jdoc *d, const json_t *obj, const char *key, int flags,
                      json_t **out)
{
    static const char want[] = "an object of strings";
    json_t *v, *x;
    const char *k;
    int rc = typed(d, obj, key, flags, JSON_OBJECT, want, &v);
    if (rc <= 0)
        return rc;
    aiops_jdoc_key(d, key);
    json_object_foreach(v, k, x) {
        if (!json_is_string(x)) {
            rc = aiops_jdoc_expect(d, k, x, flags, "a string");
            break;
        }
    }
    aiops_jdoc_pop(d);
    if (rc > 0)
        *out = v;
    return rc;
}

/* ------------------------------------------------ optional with defaults */

int aiops_jdoc_str_or(aiops_jdoc *d, const json_t *obj, const char *key, int flags,
                      const char *dflt, const char **out)
{
    *out = dflt;
    int rc = aiops_jdoc_str(d, obj, key, flags, out);
    return rc < 0 ? rc : 0;
}

int aiops_jdoc_num_or(aiops_jdoc *d, const json_t *obj, const char *key, int flags, double dflt,
                      double lo, double hi, double *out)
{
    *out = dflt;
    int rc = aiops_jdoc_num(d, obj, key, flags, lo, hi, out);
    return rc < 0 ? rc : 0;
}

int aiops_jdoc_int_or(aiops_jdoc *d, const json_t *obj, const char *key, int flags, int64_t dflt,
                      int64_t lo, int64_t hi, int64_t *out)
{
    *out = dflt;
    int rc = aiops_jdoc_int(d, obj, key, flags, lo, hi, out);
    return rc < 0 ? rc : 0;
}

int aiops_jdoc_bool_or(aiops_jdoc *d, const json_t *obj, const char *key, int flags, int dflt,
                       int *out)
{
    *out = dflt;
    int rc = aiops_jdoc_bool(d, obj, key, flags, out);
    return rc < 0 ? rc : 0;
}

/* ---------------------------------------------------------------- times */

int aiops_jtime_parse(const json_t *v, double *out)
{
    if (json_is_number(v)) {
        char buf[64];
        /* Through the text form so the ms/us/ns magnitude rule applies. */
        int w = snprintf(buf, sizeof buf, "%.17g", json_number_value(v));
        return w > 0 && (size_t)w < sizeof buf ? aiops_parse_time(buf, (size_t)w, out) : -1;
    }
    if (json_is_string(v))
        return aiops_parse_time(json_string_value(v), json_string_length(v), out);
    return -1;
}

int aiops_jdoc_time(aiops_jdoc *d, const json_t *obj, const char *key, int flags, double *out)
{
    static const char want[] = "an RFC 3339 time or epoch seconds";
    json_t *v;
    int rc = aiops_jdoc_field(d, obj, key, flags, want, &v);
    if (rc <= 0)
        return rc;
    if (aiops_jtime_parse(v, out) == 0)
        return 1;
    if (!json_is_string(v))
        return aiops_jdoc_wrong(d, key, v, want);
    char got[72];
    snprintf(got, sizeof got, "'%.60s'", json_string_value(v));
    return expected(d, key, want, got);
}

/* Epoch integer -> seconds by magnitude (> 1e11 ms, > 1e14 us, > 1e17 ns),
 * exact: the whole seconds and the fraction are split as integers. */
static double epoch_i64(int64_t v)
{
    if (v > (int64_t)100000000000000000) /* > 1e17: nanoseconds */
        return (double)(v / 1000000000) + (double)(v % 1000000000) / 1e9;
    if (v > (int64_t)100000000000000)    /* > 1e14: microseconds */
        return (double)(v / 1000000) + (double)(v % 1000000) / 1e6;
    if (v > (int64_t)100000000000)       /* > 1e11: milliseconds */
        return (double)(v / 1000) + (double)(v % 1000) / 1e3;
    return (double)v;
}

static double epoch_real(double v)
{
    if (v > 1e17)
        return v / 1e9;
    if (v > 1e14)
        return v / 1e6;
    if (v > 1e11)
        return v / 1e3;
    return v;
}

int aiops_jdoc_epoch_value(aiops_jdoc *d, const json_t *v, double *out)
{
    int64_t i;
    if (json_is_integer(v))
        *out = epoch_i64((int64_t)json_integer_value(v));
    else if (json_is_real(v))
        *out = epoch_real(json_real_value(v));
    else if (!json_is_string(v))
        return aiops_jdoc_bad(d, "expected a time (RFC 3339 text or epoch number), got %s",
                              aiops_jdoc_type(v));
    else if (aiops_parse_int64(json_string_value(v), json_string_length(v), &i) == 0)
        *out = epoch_i64(i);       /* "1704164645123456789": exact, not via a double */
    else if (aiops_parse_time(json_string_value(v), json_string_length(v), out) < 0) {
        size_t n = json_string_length(v);
        return aiops_jdoc_bad(d, "expected a time (RFC 3339 or epoch seconds/ms/us/ns), got '%.*s'",
                              n > 60 ? 60 : (int)n, json_string_value(v));
    }
    if (!isfinite(*out))
        return aiops_jdoc_bad(d, "expected a finite time");
    return 0;
}

int aiops_jdoc_epoch(aiops_jdoc *d, const json_t *obj, const char *key, int flags, double *out)
{
    json_t *v;
    int rc = aiops_jdoc_field(d, obj, key, flags, "a time", &v);
    if (rc <= 0)
        return rc;
    aiops_jdoc_key(d, key);
    rc = aiops_jdoc_epoch_value(d, v, out);
    aiops_jdoc_pop(d);
    return rc < 0 ? rc : 1;
}

/* -------------------------------------------------------- sequences */

void aiops_jseq_init(aiops_jseq *q, const char *buf, size_t len)
{
    q->buf = buf;
    q->len = len;
    q->off = 0;
    q->line = 1;
    /* jansson rejects a byte order mark; editors on Windows write one. */
    q->off = aiops_bom_len(buf, len);
}

static void advance(aiops_jseq *q, size_t to)
{
    for (; q->off < to; q->off++)
        q->line += q->buf[q->off] == '\n';
}

int aiops_jseq_next(aiops_jseq *q, aiops_jdoc *d, const char *what, json_t **out)
{
    size_t p = q->off;
    json_error_t je;
    *out = NULL;
    aiops_jtext_ws(q->buf, q->len, &p);
    advance(q, p);
    if (q->off >= q->len)
        return 0;
    d->text = q->buf + q->off;
    d->len = q->len - q->off;
    d->line0 = q->line;
    d->depth = 0;
    if (q->buf[q->off] != '{' && q->buf[q->off] != '[')
        return aiops_err_set(d->err, AIOPS_EPARSE, d->file, q->line,
                             "%s: expected a JSON object or array, got '%.20s'", what,
                             q->buf + q->off);
    json_t *v = aiops_json_loadb(d->text, d->len, JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &je);
    if (!v)
        return aiops_err_set(d->err, AIOPS_EPARSE, d->file,
                             je.line > 0 ? q->line + je.line - 1 : q->line, "%s: %s (column %d)",
                             what, je.text, je.column);
    d->len = (size_t)je.position;
    advance(q, q->off + d->len);
    *out = v;
    return 1;
}

/* ------------------------------------------------------------ probes */

size_t aiops_jhead_start(const char *head, size_t n)
{
    size_t p = aiops_bom_len(head, n);
    aiops_jtext_ws(head, n, &p);
    return p;
}

/* The key scan behind both probes: first = stop at the end of the first
 * value (its depth back to 0). */
static int head_find(const char *h, size_t n, int want, const char *key, int first,
                     const char **val)
{
    size_t kl = strlen(key), p = aiops_jhead_start(h, n);
    int depth = 0;
    while (p < n) {
        char c = h[p];
        if (c != '"') {
            depth += c == '{' || c == '[';
            depth -= c == '}' || c == ']';
            if (first && (c == '}' || c == ']') && depth <= 0)
                return 0;
            p++;
            continue;
        }
        size_t k = p + 1;
        if (!aiops_jtext_str(h, n, &p))
            return 0;                  /* cut off at the end of the head */
        size_t q = p;
        aiops_jtext_ws(h, n, &q);
        if (q < n && h[q] == ':' && depth == want && p - 1 - k == kl &&
            memcmp(h + k, key, kl) == 0) {
            q++;
            aiops_jtext_ws(h, n, &q);
            if (val)
                *val = h + q;
            return 1;
        }
    }
    return 0;
}

int aiops_jhead_key(const char *h, size_t n, int want, const char *key)
{
    return head_find(h, n, want, key, 0, NULL);
}

int aiops_jhead_member(const char *h, size_t n, int want, const char *key, const char **val)
{
    return head_find(h, n, want, key, 1, val);
}

int aiops_jhead_is(const char *v, const char *end, const char *lit)
{
    size_t l = strlen(lit);
    return v && (size_t)(end - v) >= l + 2 && v[0] == '"' && memcmp(v + 1, lit, l) == 0 &&
           v[l + 1] == '"';
}

/* The depth of the first value of s, scanned only as far as max + 1
 * levels or that value's end: 0 when within max, else the byte offset
 * where it went deeper. */
static size_t too_deep(const char *s, size_t n, uint64_t max, int *line, int *col)
{
    uint64_t d = 0;
    int str = 0;
    *line = 1;
    *col = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        (*col)++;
        if (c == '\n') {
            (*line)++;
            *col = 0;
        }
        if (str) {
            if (c == '\\')
                i++, (*col)++;
            else if (c == '"')
                str = 0;
        } else if (c == '"') {
            if (!d)
                return 0;          /* a string first value: no nesting */
            str = 1;
        } else if (c == '{' || c == '[') {
            if (++d > max)
                return i + 1;
        } else if (c == '}' || c == ']') {
            if (d <= 1)
                return 0;          /* the first value ends here */
            d--;
        } else if (!d && (c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) {
            return 0;              /* a scalar first value: no nesting */
        }
    }
    return 0;
}

json_t *aiops_json_loadb(const char *s, size_t n, size_t flags, json_error_t *je)
{
    uint64_t max = aiops_limit(AIOPS_LIM_DEPTH);
    int line, col;
    size_t at;
    if (max < 2048 && (at = too_deep(s, n, max, &line, &col))) {
        if (je) {
            memset(je, 0, sizeof *je);
            je->line = line;
            je->column = col;
            je->position = (int)(at > 0x7fffffff ? 0x7fffffff : at);
            snprintf(je->source, sizeof je->source, "<buffer>");
            snprintf(je->text, sizeof je->text - 1, "maximum parsing depth reached (%" PRIu64 ", AIOPS_MAX_DEPTH)",
                     max);
            je->text[sizeof je->text - 1] = (char)json_error_stack_overflow;
        }
        return NULL;
    }
    return json_loadb(s, n, flags, je);
}
