/* buf.c - the one growable string buffer, JSON string escaping and the
 * JSON text printer (exact short numbers, members in order) that every
 * module building text uses: the writer, the simulator, the rules export. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "common/array.h"
#include "common/buf.h"

/* Eight bytes at a time: does any of them need an escape (a control
 * character, '"' or '\\')?  Exact as a yes/no. */
#define ONES 0x0101010101010101ULL
#define HIGH 0x8080808080808080ULL
static inline int needs_escape8(const unsigned char *u)
{
    uint64_t v;
    memcpy(&v, u, 8);
    uint64_t q = v ^ (ONES * '"'), b = v ^ (ONES * '\\');
    /* a zero byte in q or b, or a byte below 0x20 in v (high bit clear) */
    return (((q - ONES) & ~q) | ((b - ONES) & ~b) | ((v - ONES * 0x20) & ~v)) & HIGH ? 1 : 0;
}

size_t aiops_json_escape(const char *s, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    char *p = out;
    size_t i = 0;
    while (i < n) {
        /* a run of bytes written as they are */
        size_t a = i;
#if defined(__SSE2__)
        /* 16 bytes at a time: a byte in 0..0x1f (signed, not negative),
         * '"' or '\\'; the first is the mask's lowest bit */
        const __m128i sp = _mm_set1_epi8(0x20), neg = _mm_set1_epi8(-1),
                      qu = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
        while (i + 16 <= n) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(u + i));
            __m128i ctl = _mm_and_si128(_mm_cmplt_epi8(v, sp), _mm_cmpgt_epi8(v, neg));
            __m128i m = _mm_or_si128(ctl, _mm_or_si128(_mm_cmpeq_epi8(v, qu), _mm_cmpeq_epi8(v, bs)));
            unsigned bits = (unsigned)_mm_movemask_epi8(m);
            if (bits) {
                i += (size_t)__builtin_ctz(bits);
                break;
            }
            i += 16;
        }
#endif
        while (i + 8 <= n && !needs_escape8(u + i))
            i += 8;
        while (i < n && u[i] >= 0x20 && u[i] != '"' && u[i] != '\\')
            i++;
        if (i > a) {
            memcpy(p, s + a, i - a);
            p += i - a;
        }
        if (i >= n)
            break;
        unsigned char c = u[i++];
        if (c == '"' || c == '\\') {
            *p++ = '\\';
            *p++ = (char)c;
        } else if (c == '\n') {
            *p++ = '\\';
            *p++ = 'n';
        } else if (c == '\t') {
            *p++ = '\\';
            *p++ = 't';
        } else if (c == '\r') {
            *p++ = '\\';
            *p++ = 'r';
        } else {
            memcpy(p, "\\u00", 4);
            p[4] = hex[c >> 4];
            p[5] = hex[c & 15];
            p += 6;
        }
    }
    *p = '\0';
    return (size_t)(p - out);
}

int aiops_buf_reserve(aiops_buf *b, size_t n)
{
    if (b->oom)
        return -1;
    if (n > SIZE_MAX - b->n - 1) {
        b->oom = 1;
        return -1;
    }
    /* Text is rarely a few bytes: start at 1 KiB, not AIOPS_GROW's 8. */
    size_t need = b->n + n + 1;
    if (AIOPS_GROW(b->p, b->cap, need < 1024 ? 1024 : need)) {
        b->oom = 1;
        return -1;
    }
    return 0;
}

void aiops_buf_put(aiops_buf *b, const char *s, size_t n)
{
    if (aiops_buf_reserve(b, n))
        return;
    if (n)                   /* s may be NULL with n 0 (an empty buffer's p) */
        memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

void aiops_buf_str(aiops_buf *b, const char *s)
{
    aiops_buf_put(b, s, strlen(s));
}

void aiops_buf_printf(aiops_buf *b, const char *fmt, ...)
{
    if (b->oom)
        return;
    /* Format in place when it fits; else make room and format again. */
    size_t room = b->cap - b->n;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? room : 0, fmt, ap);
    va_end(ap);
    if (w < 0) {
        if (b->p)
            b->p[b->n] = '\0';
        return;
    }
    if (!b->p || (size_t)w >= room) {
        if (aiops_buf_reserve(b, (size_t)w))
            return;
        va_start(ap, fmt);
        vsnprintf(b->p + b->n, (size_t)w + 1, fmt, ap);
        va_end(ap);
    }
    b->n += (size_t)w;
}

void aiops_buf_jstrn(aiops_buf *b, const char *s, size_t n)
{
    if (aiops_buf_reserve(b, 6 * n + 2))
        return;
    char *q = b->p + b->n;
    *q++ = '"';
    q += aiops_json_escape(s, n, q);
    *q++ = '"';
    b->n = (size_t)(q - b->p);
    b->p[b->n] = '\0';
}

void aiops_buf_jstr(aiops_buf *b, const char *s)
{
    aiops_buf_jstrn(b, s, strlen(s));
}

void aiops_buf_num(aiops_buf *b, double v)
{
    char nb[40];
    size_t n = aiops_fmt_double(v, nb);
    if (nb[0] == 'N' || nb[1] == 'I')   /* JSON has no NaN/Inf: strings */
        aiops_buf_jstrn(b, nb, n);
    else
        aiops_buf_put(b, nb, n);
}

static void put_value(aiops_buf *b, json_t *v, int depth)
{
    if (depth > 1000) {           /* jansson caps parse depth; belt and braces */
        aiops_buf_put(b, "null", 4);
        return;
    }
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *k;
        json_t *x;
        int first = 1;
        aiops_buf_put(b, "{", 1);
        json_object_foreach(v, k, x) {
            if (!first)
                aiops_buf_put(b, ",", 1);
            first = 0;
            aiops_buf_jstr(b, k);
            aiops_buf_put(b, ":", 1);
            put_value(b, x, depth + 1);
        }
        aiops_buf_put(b, "}", 1);
        break;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *x;
        aiops_buf_put(b, "[", 1);
        json_array_foreach(v, i, x) {
            if (i)
                aiops_buf_put(b, ",", 1);
            put_value(b, x, depth + 1);
        }
        aiops_buf_put(b, "]", 1);
        break;
    }
    case JSON_STRING:
        aiops_buf_jstrn(b, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER: {
        char nb[32];
        int n = snprintf(nb, sizeof nb, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        aiops_buf_put(b, nb, (size_t)n);
        break;
    }
    case JSON_REAL:
        aiops_buf_num(b, json_real_value(v));
        break;
    case JSON_TRUE:
        aiops_buf_put(b, "true", 4);
        break;
    case JSON_FALSE:
        aiops_buf_put(b, "false", 5);
        break;
    default:
        aiops_buf_put(b, "null", 4);
    }
}

void aiops_buf_json(aiops_buf *b, json_t *v)
{
    put_value(b, v, 1);
}

void aiops_buf_free(aiops_buf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}


void aiops_buf_term(aiops_buf *b, const char *s, const char *esc)
{
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            aiops_buf_put(b, "?", 1);
        } else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {   /* C1 */
            aiops_buf_put(b, "?", 1);
            p++;
        } else {
            if (esc && strchr(esc, *p))
                aiops_buf_put(b, "\\", 1);
            aiops_buf_put(b, (const char *)p, 1);
        }
    }
}
