/* obs_json.c - JSON input for the log, trace and event formats: reading
 * documents made of one or more top-level values (or JSON lines), and
 * repairing invalid UTF-8 in free-text fields before jansson (which
 * rejects it) sees it.  The values are then read with jdoc.h's getters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "common/buf.h"
#include "common/hash.h"
#include "formats/obs.h"

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
    aiops_buf out;
    size_t *fix;             /* offsets in out of the replacements */
    size_t nfix, fixcap;
    frame st[FRAMES];
    size_t depth;            /* may exceed FRAMES: keys deeper are unknown */
} fixer;

static int put(fixer *f, const char *p, size_t k)
{
    aiops_buf_put(&f->out, p, k);
    return f->out.oom ? AIOPS_ENOMEM : 0;
}

static int note_fix(fixer *f)
{
    if (AIOPS_GROW(f->fix, f->fixcap, f->nfix + 1))
        return AIOPS_ENOMEM;
    f->fix[f->nfix++] = f->out.n;
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
    if (bad == (size_t)-1)
        return 0;                  /* out is NUL-terminated (aiops_buf) */
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

/* Repair [s, s+n) into a new d->own (*len bytes), keeping the offsets of
 * the replacements in d->fix. */
static int repair(aiops_obs_doc *d, const char *s, size_t n, long line0, size_t *len,
                  aiops_err *err)
{
    fixer f = { .s = s, .n = n };
    int rc = fix_text(&f, d->ctx, d->msgkeys, line0, err);
    free(d->own);
    free(d->fix);
    d->own = NULL;
    d->fix = NULL;
    d->nfix = 0;
    if (rc < 0) {
        aiops_buf_free(&f.out);
        free(f.fix);
        return rc;
    }
    d->own = f.out.p;
    *len = f.out.n;
    d->fix = f.fix;
    d->nfix = f.nfix;
    return 0;
}

/* ------------------------------------------------------ documents */

int aiops_obs_first_line_is_value(aiops_parse_ctx *ctx, aiops_err *err)
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
    d->lines = mode == AIOPS_OBS_LINES || (mode == AIOPS_OBS_AUTO && aiops_obs_first_line_is_value(ctx, err));
    d->msgkeys = msgkeys;
    d->line = 1;
    if (d->lines)
        return 0;
    int rc = aiops_stream_slurp(ctx->stream, &buf, &d->len, err);
    if (rc)
        return rc;
    d->text = buf;
    size_t bom = aiops_bom_len(buf, d->len);   /* jansson rejects a BOM */
    d->text += bom;
    d->len -= bom;
    if (aiops_utf8_valid(d->text, d->len))
        return 0;
    if ((rc = repair(d, d->text, d->len, 1, &d->len, err)) == 0)
        d->text = d->own;
    return rc;
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
static int json_error(aiops_parse_ctx *ctx, const char *what, const json_error_t *je, long line0,
                      int col0, aiops_err *err)
{
    long line = je->line > 0 ? line0 + je->line - 1 : line0;
    int col = je->line == 1 ? je->column + col0 : je->column;
    return aiops_err_set(err, AIOPS_EPARSE, aiops_stream_name(ctx->stream), line,
                         "expected %s: %s (column %d)", what ? what : "a JSON object or array",
                         je->text, col);
}

static int parse_error(aiops_obs_doc *d, const json_error_t *je, long line0, int col0,
                       aiops_err *err)
{
    return json_error(d->ctx, d->what, je, line0, col0, err);
}

static void walk_init(aiops_parse_ctx *ctx, aiops_jdoc *w, const char *text, size_t len,
                      long line0, aiops_err *err)
{
    memset(w, 0, sizeof *w);
    w->file = aiops_stream_name(ctx->stream);
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
    *out = aiops_json_loadb(d->text + d->pos, d->len - d->pos,
                      JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &je);
    if (!*out) {
        size_t ls = d->pos;
        while (ls > 0 && d->text[ls - 1] != '\n')
            ls--;
        return parse_error(d, &je, d->line, (int)(d->pos - ls), err);
    }
    size_t used = (size_t)je.position;
    walk_init(d->ctx, w, d->text + d->pos, used, d->line, err);
    w->repaired = any_fix(d, d->pos, d->pos + used);
    d->line = line_at(d->text + d->pos, used, d->line);
    d->pos += used;
    return 1;
}

int aiops_obs_doc_parse(aiops_obs_doc *d, const char *s, size_t n, long line, json_t **out,
                        aiops_jdoc *w, aiops_err *err)
{
    json_error_t je;
    int repaired = 0, rc;
    *out = NULL;
    if (!aiops_utf8_valid(s, n)) {
        if ((rc = repair(d, s, n, line, &n, err)) < 0)
            return rc;
        s = d->own;
        repaired = 1;
    }
    *out = aiops_json_loadb(s, n, JSON_REJECT_DUPLICATES, &je);
    if (!*out)
        return parse_error(d, &je, line, 0, err);
    walk_init(d->ctx, w, s, n, line, err);
    w->repaired = repaired;
    return 1;
}

int aiops_obs_doc_line(aiops_obs_doc *d, char **line, size_t *len, aiops_err *err)
{
    int rc = aiops_jlines_next(d->ctx->stream, line, len, err);
    if (rc <= 0)
        return rc;
    if (aiops_stream_lineno(d->ctx->stream) == 1) {
        size_t bom = aiops_bom_len(*line, *len);   /* jansson rejects a BOM */
        *line += bom;
        *len -= bom;
    }
    return 1;
}

static int next_line(aiops_obs_doc *d, json_t **out, aiops_jdoc *w, aiops_err *err)
{
    char *line;
    size_t len;
    int rc = aiops_obs_doc_line(d, &line, &len, err);
    if (rc <= 0)
        return rc;
    return aiops_obs_doc_parse(d, line, len, aiops_stream_lineno(d->ctx->stream), out, w, err);
}

int aiops_obs_doc_next(aiops_obs_doc *d, json_t **out, aiops_jdoc *w, aiops_err *err)
{
    *out = NULL;
    return d->lines ? next_line(d, out, w, err) : next_in_doc(d, out, w, err);
}

/* --------------------------------------- documents read as they stream */

static int pull_read(void *ctx, const char **data, size_t *len, aiops_err *err)
{
    aiops_obs_pull *d = ctx;
    int rc = aiops_stream_read(d->ctx->stream, data, len, err);
    if (rc == 1 && !d->started) {
        size_t bom = aiops_bom_len(*data, *len);   /* as doc mode: skipped */
        *data += bom;
        *len -= bom;
        d->started = 1;
    }
    return rc;
}

int aiops_obs_pull_open(aiops_obs_pull *d, aiops_parse_ctx *ctx, const char *what,
                        const char *const *msgkeys, aiops_err *err)
{
    memset(d, 0, sizeof *d);
    d->ctx = ctx;
    d->what = what;
    d->msgkeys = msgkeys;
    aiops_jpull_opts o = { .file = aiops_stream_name(ctx->stream), .what = what,
                           .repair_keys = msgkeys };
    if (!(d->p = aiops_jpull_new(pull_read, d, &o)))
        return aiops_err_set(err, AIOPS_ENOMEM, o.file, 0, "out of memory");
    return 0;
}

void aiops_obs_pull_close(aiops_obs_pull *d)
{
    aiops_jpull_free(d->p);
    aiops_buf_free(&d->raw);
    d->p = NULL;
}

int aiops_obs_pull_duplicate(aiops_obs_pull *d, const char *key, aiops_err *err)
{
    char kb[64];
    d->dup = 1;
    return aiops_err_set(err, AIOPS_EPARSE, aiops_stream_name(d->ctx->stream),
                         aiops_jpull_line(d->p),
                         "expected %s: duplicate object key near '\"%s\"' (column %ld)",
                         d->what ? d->what : "a JSON object or array",
                         aiops_snip(key, strlen(key), kb, sizeof kb), aiops_jpull_column(d->p));
}

/* A scalar token as jansson would have read it (jpull has checked what
 * jansson checks: UTF-8, no NUL, numbers in range). */
static json_t *scalar(aiops_obs_pull *d, int tok)
{
    size_t n;
    const char *s = aiops_jpull_text(d->p, &n);
    switch (tok) {
    case AIOPS_JT_STR: return json_stringn_nocheck(s, n);
    case AIOPS_JT_NUM:
        return strpbrk(s, ".eE") ? json_real(strtod(s, NULL)) : json_integer(strtoll(s, NULL, 10));
    case AIOPS_JT_TRUE: return json_true();
    case AIOPS_JT_FALSE: return json_false();
    default: return json_null();
    }
}

static int oom(aiops_obs_pull *d, aiops_err *err)
{
    return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(d->ctx->stream),
                         aiops_jpull_line(d->p), "out of memory");
}

static int build(aiops_obs_pull *d, int tok, json_t **out, aiops_err *err);

/* The members of obj from token t (a key or the closing '}') on. */
static int build_members(aiops_obs_pull *d, json_t *obj, int t, aiops_err *err)
{
    char kb[128], *key = kb;
    int rc = 0;
    while (t == AIOPS_JT_KEY) {
        size_t kl;
        const char *k = aiops_jpull_text(d->p, &kl);
        json_t *v;
        if (json_object_get(obj, k))
            return aiops_obs_pull_duplicate(d, k, err);
        if (kl >= sizeof kb && !(key = malloc(kl + 1)))
            return oom(d, err);
        memcpy(key, k, kl + 1);
        if ((t = aiops_jpull_next(d->p, err)) < 0 || (rc = build(d, t, &v, err)) < 0)
            rc = t < 0 ? t : rc;
        else if (json_object_setn_new_nocheck(obj, key, kl, v))
            rc = oom(d, err);
        if (key != kb)
            free(key);
        key = kb;
        if (rc < 0)
            return rc;
        t = aiops_jpull_next(d->p, err);
    }
    return t < 0 ? t : 0;
}

/* The tree of the value whose first token is tok. */
static int build(aiops_obs_pull *d, int tok, json_t **out, aiops_err *err)
{
    int rc = 0, t;
    json_t *v;
    if (tok != AIOPS_JT_OBJ && tok != AIOPS_JT_ARR)
        return (*out = scalar(d, tok)) ? 0 : oom(d, err);
    if (!(*out = tok == AIOPS_JT_OBJ ? json_object() : json_array()))
        return oom(d, err);
    if (tok == AIOPS_JT_OBJ)
        rc = build_members(d, *out, aiops_jpull_next(d->p, err), err);
    else
        while (rc == 0 && (t = aiops_jpull_next(d->p, err)) != AIOPS_JT_ARR_END)
            if (t < 0 || (rc = build(d, t, &v, err)) < 0)
                rc = t < 0 ? t : rc;
            else if (json_array_append_new(*out, v))
                rc = oom(d, err);
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* The copy of the value read since its bracket: w walks it. */
static int finish(aiops_obs_pull *d, int rc, long line, json_t **out, aiops_jdoc *w,
                  aiops_err *err)
{
    size_t max = aiops_stream_max_doc(d->ctx->stream);
    if (rc == 0 && (rc = aiops_jpull_copy_end(d->p, err)) == 0 && d->raw.n > max)
        rc = aiops_err_set(err, AIOPS_ELIMIT, aiops_stream_name(d->ctx->stream), line,
                           "JSON value longer than %zu bytes", max);
    if (rc < 0) {
        aiops_jpull_copy_end(d->p, err);
        json_decref(*out);
        *out = NULL;
        return rc;
    }
    walk_init(d->ctx, w, d->raw.p, d->raw.n, line, err);
    return 1;
}

int aiops_obs_pull_rest(aiops_obs_pull *d, int t, long line, json_t **out, aiops_jdoc *w,
                        aiops_err *err)
{
    if (!(*out = json_object()))
        return oom(d, err);
    return finish(d, build_members(d, *out, t, err), line, out, w, err);
}

int aiops_obs_pull_value(aiops_obs_pull *d, int tok, json_t **out, aiops_jdoc *w,
                         aiops_err *err)
{
    long line = aiops_jpull_line(d->p);
    *out = NULL;
    if (tok != AIOPS_JT_OBJ && tok != AIOPS_JT_ARR) {
        walk_init(d->ctx, w, NULL, 0, line, err);
        return (*out = scalar(d, tok)) ? 1 : oom(d, err);
    }
    d->raw.n = 0;
    aiops_jpull_copy_begin(d->p, &d->raw);
    if (tok == AIOPS_JT_OBJ)
        return aiops_obs_pull_rest(d, aiops_jpull_next(d->p, err), line, out, w, err);
    return finish(d, build(d, tok, out, err), line, out, w, err);
}

/* ------------------------------------------------------ fast paths */

int aiops_obs_pull_drain(aiops_obs_pull *d, size_t depth, aiops_err *err)
{
    while (aiops_jpull_depth(d->p) >= depth) {
        int t = aiops_jpull_next(d->p, err);
        if (t < 0)
            return t;
        if (t == AIOPS_JT_END)
            break;
    }
    return 0;
}

int aiops_obs_pull_reread(aiops_obs_pull *d, long line, long col, int live_rc, json_t **out,
                          aiops_jdoc *w, aiops_err *err)
{
    aiops_err live = *err, e2 = { 0 };
    int rc = aiops_jpull_copy_end(d->p, &e2);
    *out = NULL;
    if (rc < 0) {
        *err = e2;
        return rc;
    }
    aiops_jpull_mem m = { d->raw.p, d->raw.n, 0, 0 };
    aiops_jpull_opts o = { .file = aiops_stream_name(d->ctx->stream), .what = d->what,
                           .repair_keys = d->msgkeys };
    aiops_jpull *again = aiops_jpull_new(aiops_jpull_mem_read, &m, &o), *p = d->p;
    if (!again)
        return oom(d, err);
    aiops_jpull_start_at(again, line, col - 1);
    d->p = again;
    d->dup = 0;
    int t = aiops_jpull_next(again, &e2);
    if (t != AIOPS_JT_OBJ)
        rc = t < 0 ? t : aiops_err_set(&e2, AIOPS_EPARSE, o.file, line, "internal error");
    else if (!(*out = json_object()))
        rc = oom(d, &e2);
    else
        rc = build_members(d, *out, aiops_jpull_next(again, &e2), &e2);
    d->p = p;
    aiops_jpull_free(again);
    if (rc == 0 && live_rc < 0)
        rc = -1;     /* read whole again although the first reading failed: its error */
    if (rc < 0) {
        json_decref(*out);
        *out = NULL;
        if (d->dup || live_rc >= 0) {
            *err = e2;
            return rc;
        }
        *err = live;
        return live_rc;
    }
    size_t max = aiops_stream_max_doc(d->ctx->stream);
    if (d->raw.n > max) {
        json_decref(*out);
        *out = NULL;
        return aiops_err_set(err, AIOPS_ELIMIT, o.file, line, "JSON value longer than %zu bytes",
                             max);
    }
    walk_init(d->ctx, w, d->raw.p, d->raw.n, line, err);
    return 1;
}

#define UNIQUE_MAX 64

static int skip_unique(aiops_jpull *p, int tok, size_t level, aiops_err *err)
{
    int t, rc;
    if (tok == AIOPS_JT_ARR) {
        while ((t = aiops_jpull_next(p, err)) != AIOPS_JT_ARR_END)
            if (t < 0 || (rc = skip_unique(p, t, level + 1, err)) != 0)
                return t < 0 ? t : rc;
        return 0;
    }
    if (tok != AIOPS_JT_OBJ)
        return 0;
    char keys[UNIQUE_MAX][48];
    size_t nk = 0;
    while ((t = aiops_jpull_next(p, err)) == AIOPS_JT_KEY) {
        size_t kl;
        const char *k = aiops_jpull_text(p, &kl);
        if (kl >= sizeof keys[0] || nk == UNIQUE_MAX || level > 32)
            return 1;
        for (size_t i = 0; i < nk; i++)
            if (strcmp(keys[i], k) == 0)
                return 1;
        memcpy(keys[nk++], k, kl + 1);
        if ((t = aiops_jpull_next(p, err)) < 0 || (rc = skip_unique(p, t, level + 1, err)))
            return t < 0 ? t : rc;
    }
    return t < 0 ? t : 0;
}

int aiops_obs_pull_skip_unique(aiops_obs_pull *d, int tok, aiops_err *err)
{
    return skip_unique(d->p, tok, 0, err);
}

int aiops_obs_skip_unique(aiops_jpull *p, int tok, aiops_err *err)
{
    return skip_unique(p, tok, 0, err);
}

/* ------------------------------------------ flattening from tokens */

#define FLAT_DEPTH 16        /* obs_rec.c's: deeper objects are JSON text */
#define FLAT_KEYS 64         /* names per object checked for repeats */


/* An array of plain strings (no escapes needed), integers, booleans and
 * nulls as jansson prints it compact (obs_rec.c leaf_text): into b.  1,
 * 0 to give up, <0 a tokenizer error. */
static int flat_array(aiops_jpull *p, aiops_buf *b, aiops_err *err)
{
    int t, first = 1;
    aiops_buf_put(b, "[", 1);
    while ((t = aiops_jpull_next(p, err)) != AIOPS_JT_ARR_END) {
        size_t n;
        const char *s = aiops_jpull_text(p, &n);
        if (t < 0)
            return t;
        if (!first)
            aiops_buf_put(b, ",", 1);
        first = 0;
        switch (t) {
        case AIOPS_JT_STR:
            for (size_t i = 0; i < n; i++)
                if ((unsigned char)s[i] < 0x20 || s[i] == '"' || s[i] == '\\')
                    return 0;
            aiops_buf_put(b, "\"", 1);
            aiops_buf_put(b, s, n);
            aiops_buf_put(b, "\"", 1);
            break;
        case AIOPS_JT_NUM: {
            char nb[32];
            if (memchr(s, '.', n) || memchr(s, 'e', n) || memchr(s, 'E', n))
                return 0;   /* reals: jansson's own spelling */
            int k = snprintf(nb, sizeof nb, "%lld", strtoll(s, NULL, 10));
            aiops_buf_put(b, nb, (size_t)k);
            break;
        }
        case AIOPS_JT_TRUE:
            aiops_buf_put(b, "true", 4);
            break;
        case AIOPS_JT_FALSE:
            aiops_buf_put(b, "false", 5);
            break;
        case AIOPS_JT_NULL:
            aiops_buf_put(b, "null", 4);
            break;
        default:
            return 0;
        }
    }
    aiops_buf_put(b, "]", 1);
    return 1;
}

typedef struct flat_walk {
    aiops_jpull *p;
    aiops_obs_flat *f;
    aiops_buf name;          /* "a.b." of the object being read */
    aiops_buf val;           /* a number's or an array's text */
    const char *const *watch;
    int *seen;
    aiops_err *err;
} flat_walk;

static int flat_object(flat_walk *fw, int depth, int key_read)
{
    uint64_t h[FLAT_KEYS];
    size_t nk = 0, base = fw->name.n;
    int t, rc;
    while ((t = key_read ? AIOPS_JT_KEY : aiops_jpull_next(fw->p, fw->err)) == AIOPS_JT_KEY) {
        key_read = 0;
        size_t kl, vl;
        const char *k = aiops_jpull_text(fw->p, &kl), *v;
        /* the repeated-name check: equal hashes give up (the tree then
         * reads the object), so a collision costs time, never output */
        uint64_t kh = aiops_fnv1a(AIOPS_FNV_OFFSET, k, kl);
        if (nk == FLAT_KEYS)
            return 0;
        for (size_t i = 0; i < nk; i++)
            if (h[i] == kh)
                return 0;
        h[nk++] = kh;
        fw->name.n = base;
        aiops_buf_put(&fw->name, k, kl);
        int w = -1;
        for (size_t i = 0; depth == 0 && fw->watch && fw->watch[i]; i++)
            if (strlen(fw->watch[i]) == kl && memcmp(fw->watch[i], k, kl) == 0)
                w = (int)i;
        if ((t = aiops_jpull_next(fw->p, fw->err)) < 0)
            return t;
        v = aiops_jpull_text(fw->p, &vl);
        if (w >= 0)
            fw->seen[w] = t == AIOPS_JT_STR ? 2
                        : t != AIOPS_JT_NUM ? 1
                        : memchr(v, '.', vl) || memchr(v, 'e', vl) || memchr(v, 'E', vl) ? 4 : 3;
        switch (t) {
        case AIOPS_JT_STR:
            break;
        case AIOPS_JT_NUM: {
            char nb[40];
            int real = memchr(v, '.', vl) || memchr(v, 'e', vl) || memchr(v, 'E', vl);
            if (real)
                vl = aiops_fmt_double(strtod(v, NULL), nb);
            else
                vl = (size_t)snprintf(nb, sizeof nb, "%lld", strtoll(v, NULL, 10));
            fw->val.n = 0;
            aiops_buf_put(&fw->val, nb, vl);
            v = fw->val.p;
            break;
        }
        case AIOPS_JT_TRUE:
            v = "true", vl = 4;
            break;
        case AIOPS_JT_FALSE:
            v = "false", vl = 5;
            break;
        case AIOPS_JT_NULL:
            continue;
        case AIOPS_JT_OBJ:
            if (depth + 1 >= FLAT_DEPTH)
                return 0;
            aiops_buf_put(&fw->name, ".", 1);
            if ((rc = flat_object(fw, depth + 1, 0)) <= 0)
                return rc;
            continue;
        case AIOPS_JT_ARR:
            fw->val.n = 0;
            if ((rc = flat_array(fw->p, &fw->val, fw->err)) <= 0)
                return rc;
            v = fw->val.p, vl = fw->val.n;
            break;
        default:
            return 0;
        }
        if (fw->name.oom || fw->val.oom)
            return AIOPS_ENOMEM;
        if (fw->f->n >= AIOPS_OBS_FLAT_MAX)
            return 0;
        if (aiops_obs_flat_set(fw->f, fw->name.p, fw->name.n, v, vl))
            return AIOPS_ENOMEM;
    }
    fw->name.n = base;
    return t < 0 ? t : t == AIOPS_JT_OBJ_END;
}

int aiops_obs_flat_tokens(aiops_jpull *p, aiops_obs_flat *f, const char *prefix,
                          const char *const *watch, int *seen, int key_read, aiops_err *err)
{
    flat_walk fw = { .p = p, .f = f, .name = f->name, .val = f->val, .watch = watch,
                     .seen = seen, .err = err };
    fw.name.n = fw.val.n = 0;
    fw.name.oom = fw.val.oom = 0;
    if (prefix) {
        aiops_buf_str(&fw.name, prefix);
        aiops_buf_put(&fw.name, ".", 1);
    }
    int rc = flat_object(&fw, 0, key_read);
    if (rc >= 0 && (fw.name.oom || fw.val.oom))
        rc = AIOPS_ENOMEM;
    if (rc < 0 && rc != AIOPS_ENOMEM)
        rc = 0;              /* a tokenizer error: the tree reports it */
    f->name = fw.name;       /* the scratch kept for the next object */
    f->val = fw.val;
    return rc;
}
