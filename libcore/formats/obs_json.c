/* obs_json.c - JSON input for the log, trace and event formats: typed
 * members and epoch times of a parsed value (errors at its JSON path and
 * line through jdoc.h), reading documents made of one or more top-level
 * values (or JSON lines), and repairing invalid UTF-8 in free-text fields
 * before jansson (which rejects it) sees it. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "formats/obs.h"

/* ---------------------------------------------------- typed members */

/* The member, or NULL when absent or null (an error when required). */
static int member(aiops_jdoc *w, json_t *obj, const char *key, int req, json_t **out)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    *out = json_is_null(v) ? NULL : v;
    if (!*out && req)
        return aiops_jdoc_bad(w, "expected a \"%s\" member", key);
    return 0;
}

static int typed(aiops_jdoc *w, json_t *obj, const char *key, int req, json_t **out,
                 json_type type, const char *want)
{
    int rc = member(w, obj, key, req, out);
    if (rc || !*out || json_typeof(*out) == type)
        return rc;
    aiops_jdoc_key(w, key);
    rc = aiops_jdoc_bad(w, "expected %s, got %s", want, aiops_jdoc_type(*out));
    aiops_jdoc_pop(w);
    return rc;
}

int aiops_obs_str(aiops_jdoc *w, json_t *obj, const char *key, int req, const char **out)
{
    json_t *v;
    int rc = typed(w, obj, key, req, &v, JSON_STRING, "a string");
    *out = rc == 0 && v ? json_string_value(v) : NULL;
    return rc;
}

int aiops_obs_hex(aiops_jdoc *w, json_t *obj, const char *key, int req, char *buf)
{
    const char *s;
    int rc = aiops_obs_str(w, obj, key, req, &s);
    buf[0] = '\0';
    if (rc || !s || aiops_obs_hex_id(s, strlen(s), buf))
        return rc;
    char sb[64];
    aiops_jdoc_key(w, key);
    rc = aiops_jdoc_bad(w, "expected a hex id of 1 to 32 digits, got '%s'",
                        aiops_snip(s, strlen(s), sb, sizeof sb));
    aiops_jdoc_pop(w);
    return rc;
}

int aiops_obs_obj(aiops_jdoc *w, json_t *obj, const char *key, int req, json_t **out)
{
    return typed(w, obj, key, req, out, JSON_OBJECT, "an object");
}

int aiops_obs_arr(aiops_jdoc *w, json_t *obj, const char *key, int req, json_t **out)
{
    return typed(w, obj, key, req, out, JSON_ARRAY, "an array");
}

int aiops_obs_int(aiops_jdoc *w, json_t *obj, const char *key, int req, int64_t *out,
                  int *have)
{
    json_t *v;
    int rc = member(w, obj, key, req, &v);
    *have = 0;
    if (rc || !v)
        return rc;
    aiops_jdoc_key(w, key);
    if (json_is_integer(v)) {
        *out = (int64_t)json_integer_value(v);
    } else if (!json_is_string(v)) {
        rc = aiops_jdoc_bad(w, "expected an integer, got %s", aiops_jdoc_type(v));
    } else if (aiops_parse_int64(json_string_value(v), json_string_length(v), out) < 0) {
        size_t n = json_string_length(v);
        rc = aiops_jdoc_bad(w, "expected an integer, got '%.*s'", n > 40 ? 40 : (int)n,
                            json_string_value(v));
    }
    aiops_jdoc_pop(w);
    *have = rc == 0;
    return rc;
}

double aiops_obs_epoch_i64(int64_t v)
{
    if (v > (int64_t)100000000000000000) /* > 1e17: nanoseconds */
        return (double)(v / 1000000000) + (double)(v % 1000000000) / 1e9;
    if (v > (int64_t)100000000000000)    /* > 1e14: microseconds */
        return (double)(v / 1000000) + (double)(v % 1000000) / 1e6;
    if (v > (int64_t)100000000000)       /* > 1e11: milliseconds */
        return (double)(v / 1000) + (double)(v % 1000) / 1e3;
    return (double)v;
}

double aiops_obs_epoch_real(double v)
{
    if (v > 1e17)
        return v / 1e9;
    if (v > 1e14)
        return v / 1e6;
    if (v > 1e11)
        return v / 1e3;
    return v;
}

/* An epoch integer written as a string (Loki, OTLP nanoseconds). */
static int int_text(const char *s, size_t n, double *out)
{
    int64_t v;
    if (aiops_parse_int64(s, n, &v) < 0)
        return 0;
    *out = aiops_obs_epoch_i64(v);
    return 1;
}

int aiops_obs_time_value(aiops_jdoc *w, json_t *v, double *out)
{
    if (json_is_integer(v))
        *out = aiops_obs_epoch_i64((int64_t)json_integer_value(v));
    else if (json_is_real(v))
        *out = aiops_obs_epoch_real(json_real_value(v));
    else if (!json_is_string(v))
        return aiops_jdoc_bad(w, "expected a time (RFC 3339 text or epoch number), got %s",
                              aiops_jdoc_type(v));
    else if (int_text(json_string_value(v), json_string_length(v), out))
        ;                          /* "1704164645123456789": exact, not via a double */
    else if (aiops_parse_time(json_string_value(v), json_string_length(v), out) < 0) {
        size_t n = json_string_length(v);
        return aiops_jdoc_bad(w, "expected a time (RFC 3339 or epoch seconds/ms/us/ns), got '%.*s'",
                              n > 60 ? 60 : (int)n, json_string_value(v));
    }
    if (!isfinite(*out))
        return aiops_jdoc_bad(w, "expected a finite time");
    return 0;
}

int aiops_obs_time(aiops_jdoc *w, json_t *obj, const char *key, int req, double *out,
                   int *have)
{
    json_t *v;
    int rc = member(w, obj, key, req, &v);
    *have = 0;
    if (rc || !v)
        return rc;
    aiops_jdoc_key(w, key);
    rc = aiops_obs_time_value(w, v, out);
    aiops_jdoc_pop(w);
    *have = rc == 0;
    return rc;
}

/* --------------------------------------------- UTF-8 repair in JSON */

#define FRAMES 64

/* One open container while scanning raw JSON text. */
typedef struct frame {
    char open;               /* '{' or '[' */
    int want_key;            /* in an object, the next string is a key */
    const char *key;         /* last key of this object */
    size_t key_len;
} frame;

typedef struct fixer {
    const char *s;
    size_t n;
    char *out;
    size_t len, cap;
    size_t *fix;
    size_t nfix, fixcap;
    frame st[FRAMES];
    size_t depth;            /* may exceed FRAMES: keys deeper are unknown */
} fixer;

static int put(fixer *f, const char *p, size_t k)
{
    if (f->len + k + 1 > f->cap) {
        size_t nc = f->cap ? f->cap : 256;
        while (nc < f->len + k + 1)
            nc *= 2;
        char *np = realloc(f->out, nc);
        if (!np)
            return AIOPS_ENOMEM;
        f->out = np;
        f->cap = nc;
    }
    memcpy(f->out + f->len, p, k);
    f->len += k;
    return 0;
}

static int note_fix(fixer *f)
{
    if (f->nfix == f->fixcap) {
        size_t nc = f->fixcap ? 2 * f->fixcap : 16;
        size_t *np = realloc(f->fix, nc * sizeof *np);
        if (!np)
            return AIOPS_ENOMEM;
        f->fix = np;
        f->fixcap = nc;
    }
    f->fix[f->nfix++] = f->len;
    return 0;
}

/* The key whose value contains the current string: the innermost object's
 * key, looking through arrays ("values": [["ts", "line"]] -> values). */
static const frame *owner(const fixer *f)
{
    for (size_t i = f->depth < FRAMES ? f->depth : 0; i-- > 0;)
        if (f->st[i].open == '{')
            return f->st[i].key ? &f->st[i] : NULL;
    return NULL;
}

static int key_allowed(const frame *o, const char *const *keys)
{
    for (size_t i = 0; o && keys && keys[i]; i++)
        if (strlen(keys[i]) == o->key_len && memcmp(keys[i], o->key, o->key_len) == 0)
            return 1;
    return 0;
}

/* Copy the string body [a, b) replacing invalid bytes with U+FFFD. */
static int put_repaired(fixer *f, size_t a, size_t b)
{
    while (a < b) {
        size_t k = 1;
        unsigned char c = (unsigned char)f->s[a];
        if (c >= 0x80)
            k = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        if (k > b - a || !aiops_utf8_valid(f->s + a, k)) {
            if (note_fix(f) || put(f, "\xEF\xBF\xBD", 3))
                return AIOPS_ENOMEM;
            a++;
            continue;
        }
        if (put(f, f->s + a, k))
            return AIOPS_ENOMEM;
        a += k;
    }
    return 0;
}

static long line_at(const char *s, size_t off, long line0)
{
    for (size_t i = 0; i < off; i++)
        line0 += s[i] == '\n';
    return line0;
}

/* A string token at *p: copy it, repaired if allowed.  Sets *bad_at to
 * its offset when it holds invalid UTF-8 that may not be repaired. */
static int fix_string(fixer *f, size_t *p, const char *const *keys, size_t *bad_at,
                      const frame **bad_owner, int *bad_key)
{
    size_t a = *p;
    aiops_jtext_str(f->s, f->n, p);
    size_t body_end = *p > a + 1 && f->s[*p - 1] == '"' ? *p - 1 : *p;
    frame *top = f->depth && f->depth <= FRAMES ? &f->st[f->depth - 1] : NULL;
    int is_key = top && top->open == '{' && top->want_key;
    int ok = aiops_utf8_valid(f->s + a + 1, body_end - a - 1);
    if (is_key) {
        top->want_key = 0;
        top->key = f->s + a + 1;
        top->key_len = body_end - a - 1;
    }
    if (!ok && (is_key || !key_allowed(owner(f), keys))) {
        *bad_at = a;
        *bad_owner = is_key ? NULL : owner(f);
        *bad_key = is_key;
        return 0;
    }
    if (ok)
        return put(f, f->s + a, *p - a);
    if (put(f, "\"", 1) || put_repaired(f, a + 1, body_end))
        return AIOPS_ENOMEM;
    return put(f, f->s + body_end, *p - body_end);
}

static void structure(fixer *f, char c)
{
    if (c == '{' || c == '[') {
        if (f->depth < FRAMES)
            f->st[f->depth] = (frame){ c, c == '{', NULL, 0 };
        f->depth++;
    } else if ((c == '}' || c == ']') && f->depth) {
        f->depth--;
    } else if (c == ',' && f->depth && f->depth <= FRAMES && f->st[f->depth - 1].open == '{') {
        f->st[f->depth - 1].want_key = 1;
    }
}

/* Repair text (known to hold invalid UTF-8): f->out receives the copy. */
static int fix_text(fixer *f, aiops_parse_ctx *ctx, const char *const *keys, long line0,
                    aiops_err *err)
{
    size_t p = 0, bad = (size_t)-1;
    const frame *bo = NULL;
    int bad_key = 0;
    while (p < f->n && bad == (size_t)-1) {
        char c = f->s[p];
        int rc;
        if (c == '"') {
            rc = fix_string(f, &p, keys, &bad, &bo, &bad_key);
        } else {
            structure(f, c);
            rc = put(f, f->s + p++, 1);
        }
        if (rc)
            return aiops_err_set(err, rc, aiops_stream_name(ctx->stream), line0, "out of memory");
    }
    if (bad == (size_t)-1) {
        f->out[f->len] = '\0';
        return 0;
    }
    long line = line_at(f->s, bad, line0);
    if (!bo)
        return aiops_err_set(err, AIOPS_EPARSE, aiops_stream_name(ctx->stream), line,
                             "expected UTF-8 text, got invalid bytes in a %s",
                             bad_key ? "member name" : "string");
    char kb[64];
    return aiops_err_set(err, AIOPS_EPARSE, aiops_stream_name(ctx->stream), line,
                         "%s: expected UTF-8 text, got invalid bytes",
                         aiops_snip(bo->key, bo->key_len, kb, sizeof kb));
}

/* ------------------------------------------------------ documents */

/* Is the first non-blank line of the entry a whole JSON value? */
static int first_line_is_value(aiops_parse_ctx *ctx, aiops_err *err)
{
    const char *head;
    size_t n, p;
    json_error_t je;
    if (aiops_stream_peek(ctx->stream, &head, &n, err) < 0)
        return 0;                  /* the real read reports it */
    p = aiops_jhead_start(head, n);
    const char *nl = memchr(head + p, '\n', n - p);
    size_t len = nl ? (size_t)(nl - head) - p : n - p;
    if (!nl && n >= 65536)
        return 0;                  /* longer than the head: cannot tell */
    json_t *v = json_loadb(head + p, len, 0, &je);
    json_decref(v);
    return v != NULL;
}

int aiops_obs_doc_open(aiops_obs_doc *d, aiops_parse_ctx *ctx, int mode,
                       const char *const *msgkeys, aiops_err *err)
{
    char *buf;
    memset(d, 0, sizeof *d);
    d->ctx = ctx;
    d->lines = mode == AIOPS_OBS_LINES || (mode == AIOPS_OBS_AUTO && first_line_is_value(ctx, err));
    d->msgkeys = msgkeys;
    d->line = 1;
    if (d->lines)
        return 0;
    int rc = aiops_stream_slurp(ctx->stream, &buf, &d->len, err);
    if (rc)
        return rc;
    d->text = buf;
    if (d->len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {   /* jansson rejects a BOM */
        d->text += 3;
        d->len -= 3;
    }
    if (aiops_utf8_valid(d->text, d->len))
        return 0;
    fixer f = { .s = d->text, .n = d->len };
    rc = fix_text(&f, ctx, msgkeys, 1, err);
    if (rc) {
        free(f.out);
        free(f.fix);
        return rc;
    }
    d->own = f.out;
    d->text = f.out;
    d->len = f.len;
    d->fix = f.fix;
    d->nfix = f.nfix;
    return 0;
}

void aiops_obs_doc_close(aiops_obs_doc *d)
{
    free(d->own);
    free(d->fix);
    d->own = NULL;
    d->fix = NULL;
}

/* jansson counts lines and columns from where it started: col0 is the
 * column of that start on its line. */
static int parse_error(aiops_obs_doc *d, const json_error_t *je, long line0, int col0,
                       aiops_err *err)
{
    long line = je->line > 0 ? line0 + je->line - 1 : line0;
    int col = je->line == 1 ? je->column + col0 : je->column;
    return aiops_err_set(err, AIOPS_EPARSE, aiops_stream_name(d->ctx->stream), line,
                         "expected %s: %s (column %d)", d->what ? d->what : "a JSON object or array",
                         je->text, col);
}

static void walk_init(aiops_obs_doc *d, aiops_jdoc *w, const char *text, size_t len,
                      long line0, aiops_err *err)
{
    memset(w, 0, sizeof *w);
    w->file = aiops_stream_name(d->ctx->stream);
    w->err = err;
    w->text = text;
    w->len = len;
    w->line0 = line0;
}

/* Was anything in [a, b) repaired?  fix[] is ascending: binary search. */
static int any_fix(const aiops_obs_doc *d, size_t a, size_t b)
{
    size_t lo = 0, hi = d->nfix;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->fix[mid] < a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->nfix && d->fix[lo] < b;
}

static int next_in_doc(aiops_obs_doc *d, json_t **out, aiops_jdoc *w, aiops_err *err)
{
    json_error_t je;
    size_t p = d->pos;
    aiops_jtext_ws(d->text, d->len, &p);
    d->line = line_at(d->text + d->pos, p - d->pos, d->line);
    d->pos = p;
    if (d->pos >= d->len)
        return 0;
    *out = json_loadb(d->text + d->pos, d->len - d->pos,
                      JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &je);
    if (!*out) {
        size_t ls = d->pos;
        while (ls > 0 && d->text[ls - 1] != '\n')
            ls--;
        return parse_error(d, &je, d->line, (int)(d->pos - ls), err);
    }
    size_t used = (size_t)je.position;
    walk_init(d, w, d->text + d->pos, used, d->line, err);
    w->repaired = any_fix(d, d->pos, d->pos + used);
    d->line = line_at(d->text + d->pos, used, d->line);
    d->pos += used;
    return 1;
}

static int blank(const char *s, size_t n)
{
    size_t p = 0;
    aiops_jtext_ws(s, n, &p);
    return p == n;
}

int aiops_obs_doc_parse(aiops_obs_doc *d, const char *s, size_t n, long line, json_t **out,
                        aiops_jdoc *w, aiops_err *err)
{
    json_error_t je;
    int repaired = 0, rc;
    *out = NULL;
    if (!aiops_utf8_valid(s, n)) {
        fixer f = { .s = s, .n = n };
        free(d->own);
        d->own = NULL;
        if ((rc = fix_text(&f, d->ctx, d->msgkeys, line, err)) < 0) {
            free(f.out);
            free(f.fix);
            return rc;
        }
        free(f.fix);
        d->own = f.out;
        s = f.out;
        n = f.len;
        repaired = 1;
    }
    *out = json_loadb(s, n, JSON_REJECT_DUPLICATES, &je);
    if (!*out)
        return parse_error(d, &je, line, 0, err);
    walk_init(d, w, s, n, line, err);
    w->repaired = repaired;
    return 1;
}

static int next_line(aiops_obs_doc *d, json_t **out, aiops_jdoc *w, aiops_err *err)
{
    char *line;
    size_t len;
    int rc;
    do {
        if ((rc = aiops_stream_getline(d->ctx->stream, &line, &len, err)) <= 0)
            return rc;
    } while (blank(line, len));
    if (aiops_stream_lineno(d->ctx->stream) == 1 && len >= 3 &&
        memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
        line += 3;                 /* jansson rejects a BOM */
        len -= 3;
    }
    return aiops_obs_doc_parse(d, line, len, aiops_stream_lineno(d->ctx->stream), out, w, err);
}

int aiops_obs_doc_next(aiops_obs_doc *d, json_t **out, aiops_jdoc *w, aiops_err *err)
{
    *out = NULL;
    return d->lines ? next_line(d, out, w, err) : next_in_doc(d, out, w, err);
}
