/* jpull.c - the pull tokenizer of jpull.h.  One state per open container
 * (what may come next), one chunk of input, one text buffer.  Bytes are
 * read through get()/peek(), which refill the chunk, so any token may be
 * split across chunks; strings copy runs of plain bytes at once.  The
 * line and the column (in characters, as jansson counts them) follow the
 * bytes consumed, for messages. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "aiops_format.h"
#include "common/array.h"
#include "common/jpull.h"
#include "common/limits.h"

#define KEYLEN 64            /* key bytes kept per frame for paths */
#define NEAR 21              /* jansson quotes a token of up to 20 bytes */
#define DEFAULT_MAX_STR ((size_t)64 << 20)

/* What may come next in a container (or at the top). */
enum { S_TOP, S_OBJ_FIRST, S_OBJ_KEY, S_COLON, S_OBJ_VAL, S_OBJ_NEXT, S_ARR_FIRST,
       S_ARR_VAL, S_ARR_IN, S_ARR_NEXT };

typedef struct frame {
    unsigned char state;
    unsigned char is_obj;
    size_t idx;              /* arrays: index of the current element */
} frame;

struct aiops_jpull {
    aiops_jpull_read read;
    void *rctx;
    aiops_jpull_opts o;
    /* input */
    const char *c;
    size_t n, i;
    int eof;
    uint64_t off;            /* bytes consumed before c */
    long line, col, last_col;
    /* the last token */
    long tok_line;
    char *s;
    size_t slen, scap, nfix;
    int nul;                 /* the text holds a NUL (from "\u0000") */
    char near[NEAR + 1];     /* raw text of the token for messages */
    size_t nearlen;
    int near_lazy;           /* the token lies whole in the chunk, from near_from */
    size_t near_from;
    /* containers */
    frame *st;
    size_t depth;
    frame top;
    char keys[AIOPS_JPULL_KEYS][KEYLEN];
    size_t keylen[AIOPS_JPULL_KEYS];
    /* skip() with a raw copy */
    aiops_buf *raw;
    size_t raw_from;
    aiops_err saved;         /* sticky error */
};

aiops_jpull *aiops_jpull_new(aiops_jpull_read read, void *ctx, const aiops_jpull_opts *o)
{
    aiops_jpull *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->read = read;
    p->rctx = ctx;
    if (o)
        p->o = *o;
    if (!p->o.max_str)
        p->o.max_str = DEFAULT_MAX_STR;
    if (!p->o.max_depth)
        p->o.max_depth = (size_t)aiops_limit(AIOPS_LIM_DEPTH);
    if (p->o.max_depth > AIOPS_JPULL_MAX_DEPTH)
        p->o.max_depth = AIOPS_JPULL_MAX_DEPTH;
    p->st = malloc((p->o.max_depth + 1) * sizeof *p->st);
    if (!p->st) {
        free(p);
        return NULL;
    }
    p->line = 1;
    p->top.state = S_TOP;
    if (AIOPS_GROW(p->s, p->scap, 64)) {
        aiops_jpull_free(p);
        return NULL;
    }
    p->s[0] = '\0';
    return p;
}

void aiops_jpull_reset(aiops_jpull *p, aiops_jpull_read read, void *ctx)
{
    p->read = read;
    p->rctx = ctx;
    p->c = NULL;
    p->n = p->i = 0;
    p->eof = 0;
    p->off = 0;
    p->line = 1;
    p->col = p->last_col = 0;
    p->tok_line = 0;
    p->slen = p->nfix = p->nearlen = 0;
    p->near_lazy = 0;
    p->s[0] = '\0';
    p->depth = 0;
    p->top = (frame){ .state = S_TOP };
    p->raw = NULL;
    p->raw_from = 0;
    if (p->saved.code)       /* a reader of one value per line resets often */
        aiops_err_clear(&p->saved);
}

void aiops_jpull_start_at(aiops_jpull *p, long line, long col)
{
    p->line = line;
    p->col = col;
}

void aiops_jpull_free(aiops_jpull *p)
{
    if (!p)
        return;
    free(p->s);
    free(p->st);
    free(p);
}

const char *aiops_jpull_text(const aiops_jpull *p, size_t *len)
{
    if (len)
        *len = p->slen;
    return p->s ? p->s : "";
}

long aiops_jpull_line(const aiops_jpull *p) { return p->tok_line; }
long aiops_jpull_column(const aiops_jpull *p) { return p->col; }
size_t aiops_jpull_fixes(const aiops_jpull *p) { return p->nfix; }
size_t aiops_jpull_depth(const aiops_jpull *p) { return p->depth; }
uint64_t aiops_jpull_offset(const aiops_jpull *p) { return p->off + p->i; }

/* ------------------------------------------------------------ errors */

static int fail(aiops_jpull *p, aiops_err *err, int code, long line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static int fail(aiops_jpull *p, aiops_err *err, int code, long line, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    aiops_err_set(err, code, p->o.file ? p->o.file : "", line, "%s", msg);
    p->saved = *err;
    return code;
}

/* A syntax error in jansson's words, near the token just read (or the
 * end of the input when there is none), at the current line and column. */
static int syntax(aiops_jpull *p, aiops_err *err, const char *what)
{
    char near[NEAR + 16] = "";
    if (p->near_lazy) {      /* read whole from the chunk: its text is there */
        p->near_lazy = 0;
        p->nearlen = p->i - p->near_from;
        memcpy(p->near, p->c + p->near_from, p->nearlen < NEAR ? p->nearlen : NEAR);
    }
    if (p->nearlen && p->nearlen < NEAR)
        snprintf(near, sizeof near, " near '%.*s'", (int)p->nearlen, p->near);
    else if (!p->nearlen)
        snprintf(near, sizeof near, " near end of file");
    return fail(p, err, AIOPS_EPARSE, p->line, "expected %s: %s%s (column %ld)",
                p->o.what ? p->o.what : "a JSON object or array", what, near, p->col);
}

/* ------------------------------------------------------------- bytes */

static void raw_flush(aiops_jpull *p, size_t to)
{
    if (p->raw && to > p->raw_from)
        aiops_buf_put(p->raw, p->c + p->raw_from, to - p->raw_from);
    p->raw_from = to;
}

/* Make a byte available at p->c[p->i]: 1, 0 at the end, <0. */
static int more(aiops_jpull *p, aiops_err *err)
{
    while (p->i >= p->n) {
        if (p->eof)
            return 0;
        raw_flush(p, p->n);
        p->off += p->n;
        p->i = p->n = p->raw_from = 0;
        int rc = p->read(p->rctx, &p->c, &p->n, err);
        if (rc < 0) {
            p->saved = *err;
            return rc;
        }
        if (rc == 0) {
            p->eof = 1;
            p->n = 0;
            return 0;
        }
    }
    return 1;
}

static inline void count(aiops_jpull *p, unsigned char ch)
{
    if (ch == '\n') {
        p->line++;
        p->last_col = p->col;
        p->col = 0;
    } else if (ch < 0x80 || ch >= 0xc0) {
        p->col++;
    }
}

/* Next byte (consumed), -1 at the end, or < -1 error (rc - 1). */
#define GET_EOF (-1)
static inline int get(aiops_jpull *p, aiops_err *err)
{
    if (p->i >= p->n) {
        int rc = more(p, err);
        if (rc <= 0)
            return rc < 0 ? rc - 1 : GET_EOF;
    }
    unsigned char ch = (unsigned char)p->c[p->i++];
    count(p, ch);
    return ch;
}

static inline int peek(aiops_jpull *p, aiops_err *err)
{
    if (p->i >= p->n) {
        int rc = more(p, err);
        if (rc <= 0)
            return rc < 0 ? rc - 1 : GET_EOF;
    }
    return (unsigned char)p->c[p->i];
}

static inline void near_add(aiops_jpull *p, const char *s, size_t k)
{
    if (p->nearlen < NEAR) {
        size_t room = NEAR - p->nearlen;
        memcpy(p->near + p->nearlen, s, k < room ? k : room);
    }
    p->nearlen += k;
}

static inline void near_ch(aiops_jpull *p, int ch)
{
    char b = (char)ch;
    near_add(p, &b, 1);
}

static int text_grow(aiops_jpull *p, size_t k, aiops_err *err)
{
    if (p->slen + k > p->o.max_str)
        return fail(p, err, AIOPS_ELIMIT, p->tok_line, "JSON string longer than %zu bytes",
                    p->o.max_str);
    if (AIOPS_GROW(p->s, p->scap, p->slen + k + 1))
        return fail(p, err, AIOPS_ENOMEM, p->tok_line, "out of memory");
    return 0;
}

/* Append k bytes to the token's text (room for its NUL kept). */
static inline int text_put(aiops_jpull *p, const char *s, size_t k, aiops_err *err)
{
    if (p->slen + k >= p->scap || p->slen + k > p->o.max_str) {
        int rc = text_grow(p, k, err);
        if (rc)
            return rc;
    }
    memcpy(p->s + p->slen, s, k);
    p->slen += k;
    return 0;
}

/* ----------------------------------------------------------- strings */

/* The key whose value holds the current string (innermost object,
 * looking through arrays); NULL when unknown or at the top. */
static int owner(const aiops_jpull *p, size_t *kf)
{
    for (size_t d = p->depth < AIOPS_JPULL_KEYS ? p->depth : 0; d-- > 0;)
        if (p->st[d].is_obj) {
            *kf = d;
            return 1;
        }
    return 0;
}

static int repairable(const aiops_jpull *p, int is_key)
{
    size_t kf;
    if (is_key || !p->o.repair_keys || !owner(p, &kf))
        return 0;
    for (size_t i = 0; p->o.repair_keys[i]; i++)
        if (strlen(p->o.repair_keys[i]) == p->keylen[kf] &&
            memcmp(p->o.repair_keys[i], p->keys[kf], p->keylen[kf]) == 0)
            return 1;
    return 0;
}

static int bad_utf8(aiops_jpull *p, int is_key, aiops_err *err)
{
    size_t kf;
    char kb[64];
    if (is_key || !owner(p, &kf))
        return fail(p, err, AIOPS_EPARSE, p->tok_line,
                    "expected UTF-8 text, got invalid bytes in a %s",
                    is_key ? "member name" : "string");
    return fail(p, err, AIOPS_EPARSE, p->tok_line, "%s: expected UTF-8 text, got invalid bytes",
                aiops_snip(p->keys[kf], p->keylen[kf], kb, sizeof kb));
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static int put_cp(aiops_jpull *p, unsigned long cp, aiops_err *err)
{
    char b[4];
    size_t k;
    p->nul |= cp == 0;
    if (cp < 0x80) {
        b[0] = (char)cp;
        k = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xc0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3f));
        k = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xe0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[2] = (char)(0x80 | (cp & 0x3f));
        k = 3;
    } else {
        b[0] = (char)(0xf0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[3] = (char)(0x80 | (cp & 0x3f));
        k = 4;
    }
    return text_put(p, b, k, err);
}

/* Four hex digits after "\u" (consumed): 0..0xffff, or -1 (the bad byte
 * is consumed too, as jansson does), or < -1 an error code - 1. */
static long hex4(aiops_jpull *p, aiops_err *err)
{
    long v = 0;
    for (int k = 0; k < 4; k++) {
        int ch = get(p, err);
        if (ch < GET_EOF)
            return ch;
        if (ch == GET_EOF)
            return -1;
        near_ch(p, ch);
        int h = hexval(ch);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/* An escape after the backslash (consumed).  Jansson checks the syntax of
 * the whole string before decoding it; an invalid Unicode escape is
 * reported when the string is complete, so it is kept in *uerr. */
static int escape(aiops_jpull *p, char *uerr, size_t uerrsz, aiops_err *err)
{
    int ch = get(p, err);
    if (ch < GET_EOF)
        return ch + 1;
    if (ch == GET_EOF)
        return syntax(p, err, "premature end of input");
    near_ch(p, ch);
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *e = ch ? strchr(from, ch) : NULL;
    if (e)
        return text_put(p, &to[e - from], 1, err);
    if (ch != 'u')
        return syntax(p, err, "invalid escape");
    long v = hex4(p, err);
    if (v < -1)
        return (int)v + 1;
    if (v < 0)
        return syntax(p, err, "invalid escape");
    if (v >= 0xdc00 && v <= 0xdfff) {
        if (!uerr[0])
            snprintf(uerr, uerrsz, "invalid Unicode '\\u%04lX'", v);
        return 0;
    }
    if (v >= 0xd800 && v <= 0xdbff) {
        /* a low surrogate must follow as "\uDC00".."\uDFFF" */
        int c1 = peek(p, err);
        if (c1 < GET_EOF)
            return c1 + 1;
        if (c1 != '\\') {
            if (!uerr[0])
                snprintf(uerr, uerrsz, "invalid Unicode '\\u%04lX'", v);
            return 0;
        }
        get(p, err);
        near_ch(p, '\\');
        int c2 = get(p, err);
        if (c2 < GET_EOF)
            return c2 + 1;
        if (c2 == GET_EOF)
            return syntax(p, err, "premature end of input");
        near_ch(p, c2);
        if (c2 != 'u') {
            /* a different escape: checked as such, the pair is bad */
            if (!uerr[0])
                snprintf(uerr, uerrsz, "invalid Unicode '\\u%04lX'", v);
            const char *e2 = c2 ? strchr(from, c2) : NULL;
            if (!e2)
                return syntax(p, err, "invalid escape");
            return 0;
        }
        long lo = hex4(p, err);
        if (lo < -1)
            return (int)lo + 1;
        if (lo < 0)
            return syntax(p, err, "invalid escape");
        if (lo < 0xdc00 || lo > 0xdfff) {
            if (!uerr[0])
                snprintf(uerr, uerrsz, "invalid Unicode '\\u%04lX\\u%04lX'", v, lo);
            return 0;
        }
        v = 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00);
    }
    return put_cp(p, (unsigned long)v, err);
}

/* A multi-byte sequence whose lead byte ch was consumed: copy it when it
 * is well-formed UTF-8; else each byte is one replacement (repair) or
 * the string is bad.  Continuation bytes are consumed as they come. */
/* The continuation bytes that follow seq[0], while there are any, until
 * seq holds k bytes (*m of them so far).  0 or <0. */
static int utf8_cont(aiops_jpull *p, char *seq, size_t k, size_t *m, aiops_err *err)
{
    while (*m < k) {
        int c = peek(p, err);
        if (c < GET_EOF)
            return c + 1;
        if (c < 0x80 || c > 0xbf)
            break;
        get(p, err);
        near_ch(p, c);
        seq[(*m)++] = (char)c;
    }
    return 0;
}

static int utf8_seq(aiops_jpull *p, int ch, int repair, int *bad, aiops_err *err)
{
    char seq[4];
    size_t k = ch >= 0xf0 ? 4 : ch >= 0xe0 ? 3 : 2, m = 1;
    int rc;
    seq[0] = (char)ch;
    near_ch(p, ch);
    if ((rc = utf8_cont(p, seq, k, &m, err)) < 0)
        return rc;
    if (m == k && aiops_utf8_valid(seq, k))
        return text_put(p, seq, k, err);
    if (!repair) {
        *bad = 1;
        return 0;
    }
    for (size_t j = 0; j < m; j++) {
        int rc = text_put(p, "\xEF\xBF\xBD", 3, err);
        if (rc)
            return rc;
        p->nfix++;
    }
    return 0;
}

/* Eight bytes at a time: is any of them not a plain string byte (a
 * control character, '"', '\\', or not ASCII)?  Exact as a yes/no; the
 * caller then finds which byte by byte. */
#define ONES 0x0101010101010101ULL
#define HIGH 0x8080808080808080ULL
static inline int special8(const unsigned char *u)
{
    uint64_t v;
    memcpy(&v, u, 8);
    uint64_t q = v ^ (ONES * '"'), b = v ^ (ONES * '\\');
    return (((q - ONES) & ~q) | ((b - ONES) & ~b) | ((v - ONES * 0x20) & ~v) | v) & HIGH ? 1 : 0;
}

static inline int plain(unsigned char ch)
{
    return ch >= 0x20 && ch < 0x80 && ch != '"' && ch != '\\';
}

/* The end of the run of plain bytes of u from a, before n. */
static inline size_t plain_run(const unsigned char *u, size_t a, size_t n)
{
#if defined(__SSE2__)
    /* 16 bytes at a time: a signed byte below 0x20 is a control
     * character or not ASCII; the first special byte is the mask's
     * lowest bit */
    const __m128i sp = _mm_set1_epi8(0x20), qu = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
    while (a + 16 <= n) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(u + a));
        __m128i m = _mm_or_si128(_mm_cmplt_epi8(v, sp),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, qu), _mm_cmpeq_epi8(v, bs)));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (bits)
            return a + (size_t)__builtin_ctz(bits);
        a += 16;
    }
#endif
    while (a + 8 <= n && !special8(u + a))
        a += 8;
    while (a < n && plain(u[a]))
        a++;
    return a;
}

/* A string after its opening quote (consumed). */
static int string(aiops_jpull *p, int is_key, aiops_err *err)
{
    char uerr[64] = "";
    int repair = -1, bad = 0, rc;
    p->slen = 0;
    p->nfix = 0;
    p->nul = 0;
    for (;;) {
        if (p->i >= p->n && (rc = more(p, err)) <= 0) {
            if (rc < 0)
                return rc;
            return syntax(p, err, "premature end of input");
        }
        /* a run of plain bytes */
        const unsigned char *u = (const unsigned char *)p->c;
        size_t a = p->i, b = plain_run(u, a, p->n);
        if (b > a) {
            if ((rc = text_put(p, p->c + a, b - a, err)))
                return rc;
            near_add(p, p->c + a, b - a);
            p->col += (long)(b - a);
            p->i = b;
            continue;
        }
        int ch = u[p->i];
        if (ch < 0x20) {   /* not consumed: jansson ungets it */
            char what[32];
            snprintf(what, sizeof what, "control character 0x%x", (unsigned)ch);
            return syntax(p, err, ch == '\n' ? "unexpected newline" : what);
        }
        get(p, err);
        near_ch(p, ch);
        if (ch == '"')
            break;
        if (ch == '\\') {
            if ((rc = escape(p, uerr, sizeof uerr, err)))
                return rc;
            continue;
        }
        if (repair < 0)
            repair = repairable(p, is_key);
        if ((rc = utf8_seq(p, ch, repair, &bad, err)))
            return rc;
    }
    if (bad)
        return bad_utf8(p, is_key, err);
    if (uerr[0])
        return syntax(p, err, uerr);
    p->s[p->slen] = '\0';
    return 0;
}

/* ----------------------------------------------------------- numbers */

static int is_digit(int ch) { return ch >= '0' && ch <= '9'; }

/* What jansson cannot hold is an error there too: integers past int64
 * (19 digits or more are checked), reals past double (only an exponent
 * or 300 digits can get there). */
static int in_range(aiops_jpull *p, aiops_err *err)
{
    const char *s = p->s;
    size_t n = p->slen, dig = n - (s[0] == '-');
    int real = memchr(s, '.', n) != NULL, expo = strpbrk(s, "eE") != NULL;
    errno = 0;
    if (!real && !expo) {
        if (dig < 19)
            return 0;
        (void)strtoll(s, NULL, 10);
        if (errno == ERANGE)
            return syntax(p, err, s[0] == '-' ? "too big negative integer" : "too big integer");
    } else if (expo || n >= 300) {
        double d = strtod(s, NULL);
        if (errno == ERANGE && (d == HUGE_VAL || d == -HUGE_VAL))
            return syntax(p, err, "real number overflow");
    }
    return 0;
}

/* Consume ch into the number's text. */
static int num_take(aiops_jpull *p, int ch, aiops_err *err)
{
    char b = (char)ch;
    get(p, err);
    near_ch(p, ch);
    return text_put(p, &b, 1, err);
}

/* A number whose first byte (digit or '-') was consumed: 0, 1 when it is
 * not a valid number (jansson: invalid token), or <0. */
static int number(aiops_jpull *p, int ch, aiops_err *err)
{
    int rc;
    char b = (char)ch;
    p->slen = 0;
    if ((rc = text_put(p, &b, 1, err)))
        return rc;
#define PEEK()                          \
    do {                                \
        ch = peek(p, err);              \
        if (ch < GET_EOF)               \
            return ch + 1;              \
    } while (0)
#define TAKE()                          \
    do {                                \
        if ((rc = num_take(p, ch, err))) \
            return rc;                  \
    } while (0)
    if (ch == '-') {
        PEEK();
        if (!is_digit(ch))
            return 1;
        TAKE();
    }
#define STEP()                          \
    do {                                \
        TAKE();                         \
        PEEK();                         \
    } while (0)
#define DIGITS()                        \
    while (is_digit(ch))                \
        STEP()
    PEEK();
    if (p->s[p->slen - 1] == '0') {
        if (is_digit(ch))
            return 1;
    } else {
        DIGITS();
    }
    if (ch == '.') {
        STEP();
        if (!is_digit(ch))
            return 1;
        DIGITS();
    }
    if (ch == 'e' || ch == 'E') {
        STEP();
        if (ch == '+' || ch == '-')
            STEP();
        if (!is_digit(ch))
            return 1;
        DIGITS();
    }
#undef DIGITS
#undef STEP
#undef PEEK
#undef TAKE
    p->s[p->slen] = '\0';
    return in_range(p, err);
}

/* A number that lies whole in the chunk, its first byte (at p->i - 1)
 * consumed: read as number() would, 0 or <0; 2 when it may go on in the
 * next chunk or is not a valid number (number() then reads it). */
static int number_fast(aiops_jpull *p, aiops_err *err)
{
    const char *c = p->c;
    size_t a = p->i - 1, k = a, n = p->n;
    k += c[k] == '-';
    if (k >= n || !is_digit(c[k]))
        return 2;
    if (c[k] == '0')
        k++;
    else
        while (k < n && is_digit(c[k]))
            k++;
    if (k < n && c[k] == '.') {
        if (++k >= n || !is_digit(c[k]))
            return 2;
        while (k < n && is_digit(c[k]))
            k++;
    }
    if (k < n && (c[k] == 'e' || c[k] == 'E')) {
        k++;
        if (k < n && (c[k] == '+' || c[k] == '-'))
            k++;
        if (k >= n || !is_digit(c[k]))
            return 2;
        while (k < n && is_digit(c[k]))
            k++;
    }
    if (k >= n || is_digit(c[k]))
        return 2;   /* "01", or the chunk ends: number() decides */
    p->slen = 0;
    int rc = text_put(p, c + a, k - a, err);
    if (rc)
        return rc;
    p->s[p->slen] = '\0';
    p->col += (long)(k - a - 1);
    p->i = k;
    return in_range(p, err);
}

/* ------------------------------------------------------------ tokens */

enum { L_EOF = 0, L_PUNCT, L_STR, L_NUM, L_TRUE, L_FALSE, L_NULL, L_INVALID };

/* The next lexical token; *punct gets '{', ':', ... for L_PUNCT. */
static int lex(aiops_jpull *p, int want_key, int *punct, aiops_err *err)
{
    int ch, rc;
    for (;;) {
        if (p->i >= p->n && (rc = more(p, err)) <= 0) {
            if (rc < 0)
                return rc;
            break;
        }
        const char *c = p->c;
        size_t i = p->i, n = p->n;
        while (i < n && (c[i] == ' ' || c[i] == '\t' || c[i] == '\r' || c[i] == '\n')) {
            if (c[i] == '\n') {
                p->line++;
                p->last_col = p->col;
                p->col = 0;
            } else {
                p->col++;
            }
            i++;
        }
        p->i = i;
        if (i < n)
            break;
    }
    p->tok_line = p->line;
    if (p->i < p->n) {
        /* the usual tokens, read whole from the chunk (their text for
         * messages taken from it when needed) */
        const unsigned char *u = (const unsigned char *)p->c;
        size_t i = p->i, n = p->n;
        ch = u[i];
        p->near_lazy = 1;
        p->near_from = i;
        switch (ch) {
        case '{': case '}': case '[': case ']': case ':': case ',':
            p->i = i + 1;
            p->col++;
            *punct = ch;
            return L_PUNCT;
        case '"': {
            size_t b = plain_run(u, i + 1, n);
            if (b < n && u[b] == '"') {
                size_t k = b - i - 1;
                p->slen = 0;
                p->nfix = 0;
                p->nul = 0;
                if ((rc = text_put(p, p->c + i + 1, k, err)))
                    return rc;
                p->s[k] = '\0';
                p->i = b + 1;
                p->col += (long)(k + 2);
                return L_STR;
            }
            break;
        }
        case '-': case '0': case '1': case '2': case '3': case '4': case '5': case '6':
        case '7': case '8': case '9':
            p->i = i + 1;
            p->col++;
            if ((rc = number_fast(p, err)) != 2)
                return rc < 0 ? rc : L_NUM;
            p->near_lazy = 0;
            p->nearlen = 0;
            near_ch(p, ch);
            rc = number(p, ch, err);
            return rc < 0 ? rc : rc ? L_INVALID : L_NUM;
        default:
            break;
        }
    }
    p->near_lazy = 0;
    p->nearlen = 0;
    ch = get(p, err);
    if (ch < GET_EOF)
        return ch + 1;
    if (ch == GET_EOF)
        return L_EOF;
    near_ch(p, ch);
    switch (ch) {
    case '{': case '}': case '[': case ']': case ':': case ',':
        *punct = ch;
        return L_PUNCT;
    case '"':
        return (rc = string(p, want_key, err)) ? rc : L_STR;
    default:
        break;
    }
    if (ch == '-' || is_digit(ch)) {
        rc = number(p, ch, err);
        return rc < 0 ? rc : rc ? L_INVALID : L_NUM;
    }
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) {
        char word[8];
        size_t k = 0;
        word[k++] = (char)ch;
        for (;;) {
            int c2 = peek(p, err);
            if (c2 < GET_EOF)
                return c2 + 1;
            if (!((c2 >= 'a' && c2 <= 'z') || (c2 >= 'A' && c2 <= 'Z')))
                break;
            get(p, err);
            near_ch(p, c2);
            if (k < sizeof word)
                word[k] = (char)c2;
            k++;
        }
        if (k == 4 && memcmp(word, "true", 4) == 0)
            return L_TRUE;
        if (k == 5 && memcmp(word, "false", 5) == 0)
            return L_FALSE;
        if (k == 4 && memcmp(word, "null", 4) == 0)
            return L_NULL;
        return L_INVALID;
    }
    if (ch >= 0x80) {
        /* jansson decodes UTF-8 before it looks at a token */
        char seq[4];
        size_t k = ch >= 0xf0 ? 4 : ch >= 0xe0 ? 3 : 2, m = 1;
        int rc;
        seq[0] = (char)ch;
        if (ch >= 0xc2 && ch <= 0xf4 && (rc = utf8_cont(p, seq, k, &m, err)) < 0)
            return rc;
        if (m < k || !aiops_utf8_valid(seq, k))
            return fail(p, err, AIOPS_EPARSE, p->line, "expected %s: unable to decode byte 0x%x "
                        "(column %ld)", p->o.what ? p->o.what : "a JSON object or array", ch,
                        p->col - (ch >= 0xc0));   /* jansson counts it once decoded */
    }
    return L_INVALID;
}

static int too_deep(aiops_jpull *p, aiops_err *err)
{
    char m[96];
    snprintf(m, sizeof m, "maximum parsing depth reached (%zu, AIOPS_MAX_DEPTH)", p->o.max_depth);
    return syntax(p, err, m);
}

static frame *cur(aiops_jpull *p) { return p->depth ? &p->st[p->depth - 1] : &p->top; }

static int push(aiops_jpull *p, int is_obj, aiops_err *err)
{
    if (p->depth + 1 > p->o.max_depth)
        return too_deep(p, err);
    frame *f = &p->st[p->depth++];
    f->is_obj = (unsigned char)is_obj;
    f->state = is_obj ? S_OBJ_FIRST : S_ARR_FIRST;
    f->idx = 0;
    if (is_obj && p->depth <= AIOPS_JPULL_KEYS)
        p->keylen[p->depth - 1] = 0;
    return is_obj ? AIOPS_JT_OBJ : AIOPS_JT_ARR;
}

/* The container (or the top) has a complete value: what may follow. */
static void value_done(aiops_jpull *p)
{
    frame *f = cur(p);
    if (f->state == S_OBJ_VAL)
        f->state = S_OBJ_NEXT;
    else if (f->state == S_ARR_IN)
        f->state = S_ARR_NEXT;
}

/* A value starts with token t. */
static int value(aiops_jpull *p, int t, int punct, aiops_err *err)
{
    if (p->depth + 1 > p->o.max_depth)
        return too_deep(p, err);
    switch (t) {
    case L_PUNCT:
        if (punct == '{' || punct == '[')
            return push(p, punct == '{', err);
        return syntax(p, err, "unexpected token");
    case L_STR:
        if (p->nul && memchr(p->s, '\0', p->slen))
            return syntax(p, err, "\\u0000 is not allowed without JSON_ALLOW_NUL");
        value_done(p);
        return AIOPS_JT_STR;
    case L_NUM:
        value_done(p);
        return AIOPS_JT_NUM;
    case L_TRUE:
        value_done(p);
        return AIOPS_JT_TRUE;
    case L_FALSE:
        value_done(p);
        return AIOPS_JT_FALSE;
    case L_NULL:
        value_done(p);
        return AIOPS_JT_NULL;
    case L_EOF:
        return syntax(p, err, "unexpected token");
    default:
        return syntax(p, err, "invalid token");
    }
}

static int close_container(aiops_jpull *p)
{
    int is_obj = cur(p)->is_obj;
    p->depth--;
    value_done(p);
    return is_obj ? AIOPS_JT_OBJ_END : AIOPS_JT_ARR_END;
}

static int key_token(aiops_jpull *p, aiops_err *err)
{
    if (p->nul && memchr(p->s, '\0', p->slen))
        return syntax(p, err, "NUL byte in object key not supported");
    if (p->depth <= AIOPS_JPULL_KEYS) {
        size_t k = p->slen < KEYLEN - 1 ? p->slen : KEYLEN - 1;
        memcpy(p->keys[p->depth - 1], p->s, k);
        p->keys[p->depth - 1][k] = '\0';
        p->keylen[p->depth - 1] = p->slen;
    }
    cur(p)->state = S_COLON;
    return AIOPS_JT_KEY;
}

int aiops_jpull_next(aiops_jpull *p, aiops_err *err)
{
    int punct = 0, t;
    if (p->saved.code) {
        *err = p->saved;
        return p->saved.code;
    }
    for (;;) {
        frame *f = cur(p);
        int want_key = f->state == S_OBJ_FIRST || f->state == S_OBJ_KEY;
        t = lex(p, want_key, &punct, err);
        if (t < 0)
            return t;
        switch (f->state) {
        case S_TOP:
            if (t == L_EOF)
                return AIOPS_JT_END;
            if (t != L_PUNCT || (punct != '{' && punct != '['))
                return syntax(p, err, "'[' or '{' expected");
            return push(p, punct == '{', err);
        case S_OBJ_FIRST:
            if (t == L_PUNCT && punct == '}')
                return close_container(p);
            /* fall through */
        case S_OBJ_KEY:
            if (t != L_STR)
                return syntax(p, err, "string or '}' expected");
            return key_token(p, err);
        case S_COLON:
            if (t != L_PUNCT || punct != ':')
                return syntax(p, err, "':' expected");
            f->state = S_OBJ_VAL;
            continue;
        case S_OBJ_VAL:
            return value(p, t, punct, err);
        case S_OBJ_NEXT:
        case S_ARR_NEXT:
            if (t == L_PUNCT && punct == ',') {
                f->state = f->is_obj ? S_OBJ_KEY : S_ARR_VAL;
                continue;
            }
            if (t == L_PUNCT && punct == (f->is_obj ? '}' : ']'))
                return close_container(p);
            return syntax(p, err, f->is_obj ? "'}' expected" : "']' expected");
        case S_ARR_FIRST:
            if (t == L_PUNCT && punct == ']')
                return close_container(p);
            /* fall through */
        case S_ARR_VAL:
            if (t == L_EOF)
                return syntax(p, err, "']' expected");
            f->idx += f->state == S_ARR_VAL;
            f->state = S_ARR_IN;
            return value(p, t, punct, err);
        default:
            return syntax(p, err, "unexpected token");
        }
    }
}

void aiops_jpull_copy_begin(aiops_jpull *p, aiops_buf *raw)
{
    aiops_buf_put(raw, p->c + p->i - 1, 1);
    p->raw = raw;
    p->raw_from = p->i;
}

int aiops_jpull_copy_end(aiops_jpull *p, aiops_err *err)
{
    aiops_buf *raw = p->raw;
    if (!raw)
        return 0;
    raw_flush(p, p->i);
    p->raw = NULL;
    return raw->oom ? fail(p, err, AIOPS_ENOMEM, p->line, "out of memory") : 0;
}

int aiops_jpull_skip(aiops_jpull *p, aiops_buf *raw, size_t max, aiops_err *err)
{
    size_t depth = p->depth, n0 = raw ? raw->n : 0;
    int t = 0;
    /* a container's first byte, its bracket, is the last one consumed */
    if (depth == 0 || (cur(p)->state != S_OBJ_FIRST && cur(p)->state != S_ARR_FIRST))
        return 0;       /* a scalar: nothing more to read (nor to copy) */
    if (raw)
        aiops_jpull_copy_begin(p, raw);
    while (p->depth >= depth) {
        if ((t = aiops_jpull_next(p, err)) < 0)
            break;
        if (raw && raw->n + (p->i - p->raw_from) > max) {
            t = fail(p, err, AIOPS_ELIMIT, p->line, "JSON value longer than %zu bytes", max);
            break;
        }
    }
    if (t < 0) {
        /* what was copied before the error depends on where the input's
         * chunks ended: leave raw as it was, the same for every split */
        p->raw = NULL;
        if (raw && raw->n > n0) {
            raw->n = n0;
            raw->p[n0] = '\0';
        }
        return t;
    }
    return aiops_jpull_copy_end(p, err);
}

const char *aiops_jpull_path(const aiops_jpull *p, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t d = 0; d < p->depth && used < n; d++) {
        const frame *f = &p->st[d];
        int w;
        if (f->is_obj) {
            if (d >= AIOPS_JPULL_KEYS || f->state == S_OBJ_FIRST ||
                (f->state == S_OBJ_KEY && d + 1 == p->depth))
                break;
            w = snprintf(buf + used, n - used, "%s%s", used ? "." : "", p->keys[d]);
        } else {
            if (f->state == S_ARR_FIRST)
                break;
            w = snprintf(buf + used, n - used, "[%zu]", f->idx);
        }
        if (w < 0)
            break;
        used += (size_t)w;
    }
    return buf;
}

int aiops_jpull_mem_read(void *ctx, const char **data, size_t *len, aiops_err *err)
{
    aiops_jpull_mem *m = ctx;
    (void)err;
    if (m->pos >= m->len)
        return 0;
    size_t k = m->len - m->pos;
    if (m->piece && k > m->piece)
        k = m->piece;
    *data = m->data + m->pos;
    *len = k;
    m->pos += k;
    return 1;
}
