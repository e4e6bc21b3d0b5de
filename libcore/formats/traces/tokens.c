/* tokens.c - token fast path helpers (tokens.h). */
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "formats/traces/tokens.h"

int aiops_tok_members(aiops_jpull *p, void *self, void *ctx, aiops_tok_member fn,
                      const char *const *names, aiops_err *err)
{
    unsigned seen = 0, nn = 0, from = 0;
    int t, rc;
    while (names[nn])
        nn++;
    while ((t = aiops_jpull_next(p, err)) == AIOPS_JT_KEY) {
        const char *k = aiops_jpull_text(p, NULL);
        unsigned i = from, tries = 0;
        /* from the name after the last one found, round to it */
        for (; tries < nn; tries++, i = i + 1 == nn ? 0 : i + 1)
            if (k[0] == names[i][0] && strcmp(k, names[i]) == 0)
                break;
        if (tries == nn || i >= 32 || (seen & (1u << i)))
            return AIOPS_TOK_BAIL;
        seen |= 1u << i;
        from = i + 1 == nn ? 0 : i + 1;
        if ((rc = fn(self, ctx, i, err)) != 0)
            return rc;
    }
    return t < 0 ? t : 0;
}

int aiops_tok_skip(aiops_jpull *p, aiops_err *err)
{
    aiops_obs_pull d = { .p = p };   /* the skip reads only the tokenizer */
    int t = aiops_jpull_next(p, err);
    if (t == AIOPS_JT_NULL || t == AIOPS_JT_NUM || t == AIOPS_JT_STR || t == AIOPS_JT_TRUE ||
        t == AIOPS_JT_FALSE)
        return 0;            /* a scalar is read whole */
    int rc = t < 0 ? t : aiops_obs_pull_skip_unique(&d, t, err);
    return rc < 0 ? rc : rc ? AIOPS_TOK_BAIL : 0;
}

int aiops_tok_int(aiops_jpull *p, int t, int64_t *x)
{
    size_t n;
    const char *s = aiops_jpull_text(p, &n);
    if (t == AIOPS_JT_STR)
        return aiops_parse_int64(s, n, x) < 0 ? AIOPS_TOK_BAIL : 0;
    /* a number's text is JSON's: digits with a fraction or an exponent
     * are not all digits, and aiops_parse_int64 refuses them */
    if (t != AIOPS_JT_NUM || (s[0] == '-' && s[1] == '0'))
        return AIOPS_TOK_BAIL;
    return aiops_parse_int64(s, n, x) < 0 ? AIOPS_TOK_BAIL : 0;
}

/* ------------------------------------------------ span fast paths */

/* Hex digit -> its lower-case form, 0 for anything else. */
static const char hex_lower[256] = {
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4', ['5'] = '5', ['6'] = '6',
    ['7'] = '7', ['8'] = '8', ['9'] = '9', ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd',
    ['e'] = 'e', ['f'] = 'f', ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e',
    ['F'] = 'f',
};

size_t aiops_tok_hex(const char *s, size_t n, char *buf)
{
    if (n == 0 || n > 32)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!(buf[i] = hex_lower[(unsigned char)s[i]]))
            return 0;
    buf[n] = '\0';
    return n;
}

void aiops_tok_seconds(aiops_buf *b, int64_t x, int digits)
{
    static const int64_t pow10[] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
                                     100000000, 1000000000 };
    if (digits < 0 || digits > 9)
        digits = 0;
    int64_t unit = pow10[digits];
    /* From 1e-4 s (aiops_fmt_double's plain decimals) to 1e6 s (at most
     * 15 digits, which a double keeps: the shortest text that reads back
     * to (double)x / unit is x's own decimal), the text is x's digits
     * with the point put in and trailing zeros cut; elsewhere the
     * double's own formatting. */
    if (digits < 4 || x < unit / 10000 || x / unit >= 1000000) {
        aiops_buf_num(b, (double)x / (double)unit);
        return;
    }
    char nb[40];
    size_t n = 0;
    int64_t ip = x / unit, fp = x % unit;
    char tmp[24];
    size_t k = sizeof tmp;
    do {
        tmp[--k] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip);
    memcpy(nb, tmp + k, sizeof tmp - k);
    n = sizeof tmp - k;
    if (fp) {
        nb[n++] = '.';
        for (int d = digits - 1; d >= 0; d--) {
            nb[n + (size_t)d] = (char)('0' + fp % 10);
            fp /= 10;
        }
        n += (size_t)digits;
        while (nb[n - 1] == '0')
            n--;
    }
    aiops_buf_put(b, nb, n);
}

void aiops_tok_spans_free(aiops_tok_spans *f)
{
    aiops_buf_free(&f->arena);
    aiops_buf_free(&f->attrs);
    aiops_buf_free(&f->akeys);
    free(f->sp);
    memset(f, 0, sizeof *f);
}

void aiops_tok_spans_reset(aiops_tok_spans *f)
{
    f->arena.n = 0;
    f->nsp = 0;
    f->oom = 0;
}

void aiops_tok_attrs_reset(aiops_tok_spans *f)
{
    f->attrs.n = 0;
    f->akeys.n = 0;
    f->nattr = 0;
}

size_t aiops_tok_keep(aiops_tok_spans *f, const char *s, size_t n)
{
    size_t off = f->arena.n;
    aiops_buf_put(&f->arena, s, n);
    aiops_buf_put(&f->arena, "", 1);
    f->oom |= f->arena.oom;
    return off;
}

size_t aiops_tok_keep_json(aiops_tok_spans *f, const char *s, size_t n)
{
    size_t off = f->arena.n;
    aiops_buf_jstrn(&f->arena, s, n);
    aiops_buf_put(&f->arena, "", 1);
    f->oom |= f->arena.oom;
    return off;
}

int aiops_tok_has_attr(const aiops_tok_spans *f, const char *key)
{
    size_t kl = strlen(key);
    for (size_t i = 0; i < f->akeys.n;) {
        const char *k = f->akeys.p + i;
        size_t l = strlen(k);
        if (l == kl && memcmp(k, key, kl) == 0)
            return 1;
        i += l + 1;
    }
    return 0;
}

int aiops_tok_attr_key(aiops_tok_spans *f, const char *key, size_t n)
{
    for (size_t i = 0; i < f->akeys.n;) {
        const char *k = f->akeys.p + i;
        size_t l = strlen(k);
        if (l == n && memcmp(k, key, n) == 0)
            return AIOPS_TOK_BAIL;   /* the tree replaces the first value in place */
        i += l + 1;
    }
    aiops_buf_put(&f->akeys, key, n);
    aiops_buf_put(&f->akeys, "", 1);
    if (f->nattr++)
        aiops_buf_put(&f->attrs, ",", 1);
    aiops_buf_jstrn(&f->attrs, key, n);
    aiops_buf_put(&f->attrs, ":", 1);
    return 0;
}

aiops_tok_span *aiops_tok_span_add(aiops_tok_spans *f)
{
    if (AIOPS_GROW(f->sp, f->cap, f->nsp + 1)) {
        f->oom = 1;
        return NULL;
    }
    aiops_tok_span *s = &f->sp[f->nsp++];
    memset(s, 0, sizeof *s);
    s->svc = s->op = s->status = (size_t)-1;
    return s;
}

void aiops_tok_span_attrs(aiops_tok_spans *f, aiops_tok_span *s)
{
    s->attrs = f->arena.n;
    s->attrs_len = f->attrs.n;
    aiops_buf_put(&f->arena, f->attrs.n ? f->attrs.p : "", f->attrs.n);
    f->oom |= f->arena.oom || f->attrs.oom || f->akeys.oom;
}

/* ,"key":"id" when the id is not empty (a hex id needs no escaping). */
static void put_id(aiops_buf *b, const char *key, size_t kl, const char *id)
{
    size_t n = strlen(id);
    if (!n)
        return;
    aiops_buf_put(b, key, kl);
    aiops_buf_put(b, id, n);
    aiops_buf_put(b, "\"", 1);
}

/* ,"key":<JSON string> unless off is (size_t)-1 or the string is "". */
static void put_json(aiops_buf *b, const char *key, size_t kl, const char *arena, size_t off)
{
    if (off == (size_t)-1)
        return;
    size_t n = strlen(arena + off);
    if (n <= 2)
        return;
    aiops_buf_put(b, key, kl);
    aiops_buf_put(b, arena + off, n);
}

#define KEY(s) s, sizeof s - 1

void aiops_tok_span_text(aiops_buf *b, const char *a, const aiops_tok_span *s)
{
    put_id(b, KEY(",\"trace_id\":\""), a + s->tid);
    put_id(b, KEY(",\"span_id\":\""), a + s->sid);
    put_id(b, KEY(",\"parent_span_id\":\""), a + s->parent);
    put_json(b, KEY(",\"service\":"), a, s->svc);
    aiops_buf_put(b, KEY(",\"operation\":"));
    if (s->op == (size_t)-1)
        aiops_buf_put(b, "\"\"", 2);
    else
        aiops_buf_str(b, a + s->op);
    aiops_buf_put(b, KEY(",\"duration\":"));
    aiops_tok_seconds(b, s->dur, s->dur_digits);
    if (s->error)
        aiops_buf_put(b, KEY(",\"error\":true"));
    else
        aiops_buf_put(b, KEY(",\"error\":false"));
    put_json(b, KEY(",\"status\":"), a, s->status);
    if (s->attrs_len) {
        aiops_buf_put(b, KEY(",\"attributes\":{"));
        aiops_buf_put(b, a + s->attrs, s->attrs_len);
        aiops_buf_put(b, "}", 1);
    }
}

int aiops_tok_spans_push(aiops_tok_spans *f, aiops_obs_queue *q, const char *file, long line,
                         aiops_err *err)
{
    for (size_t i = 0; i < f->nsp; i++) {
        aiops_tok_span_text(&q->scratch, f->arena.p, &f->sp[i]);
        int rc = aiops_obs_queue_push_scratch(q, AIOPS_R_SPAN, f->sp[i].ts);
        if (rc == AIOPS_EIO)
            return aiops_err_set(err, rc, file, line, "%s", q->failed.msg);
        if (rc)
            return aiops_err_set(err, AIOPS_ENOMEM, file, line, "out of memory");
    }
    return 0;
}
