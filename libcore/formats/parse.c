/* parse.c - small helpers every format parser uses for its messages,
 * and the blank-separated fields of the text formats' sample lines. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "aiops_format.h"

#define SNIP_MAX 40

int aiops_parse_fail(const aiops_parse_ctx *ctx, aiops_err *err, int code, const char *fmt, ...)
{
    char msg[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return aiops_err_set(err, code, aiops_stream_name(ctx->stream),
                         aiops_stream_lineno(ctx->stream), "%s", msg);
}

int aiops_parse_relocate(const aiops_parse_ctx *ctx, aiops_err *err)
{
    return aiops_err_locate(err, aiops_stream_name(ctx->stream), aiops_stream_lineno(ctx->stream));
}

/* Control and non-ASCII bytes become '?' so a binary file cannot put
 * escape sequences on the user's terminal. */
const char *aiops_snip(const char *s, size_t n, char *buf, size_t bufsz)
{
    size_t i, k = 0;
    if (bufsz == 0)
        return buf;
    for (i = 0; i < n && i < SNIP_MAX && k + 4 < bufsz; i++) {
        unsigned char c = (unsigned char)s[i];
        buf[k++] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
    }
    if (i < n && k + 4 < bufsz) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    buf[k] = '\0';
    return buf;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

int aiops_text_field(const char *s, size_t n, size_t *pos, size_t *start, size_t *len)
{
    size_t i = *pos, b;
    while (i < n && is_blank(s[i]))
        i++;
    b = i;
    while (i < n && !is_blank(s[i]))
        i++;
    *pos = i;
    *start = b;
    *len = i - b;
    return i > b;
}

int aiops_text_value(const aiops_parse_ctx *ctx, const char *s, size_t n, size_t *pos,
                     const char *after, double *v, aiops_err *err)
{
    char sn[64];
    size_t b, fl;
    if (!aiops_text_field(s, n, pos, &b, &fl))
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "expected a sample value after %s", after);
    if (aiops_parse_double(s + b, fl, v) < 0)
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE,
                                "expected a sample value (number, NaN, +Inf, -Inf), got '%s'",
                                aiops_snip(s + b, fl, sn, sizeof sn));
    return 0;
}

int aiops_jlines_next(aiops_stream *s, char **line, size_t *len, aiops_err *err)
{
    int rc;
    do {
        if ((rc = aiops_stream_getline(s, line, len, err)) <= 0)
            return rc;
    } while (strspn(*line, " \t\r") == *len);
    return 1;
}

void aiops_parse_warn(const aiops_parse_ctx *ctx, const char *fmt, ...)
{
    char msg[1024], full[1200];
    va_list ap;
    if (!ctx->warn)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(full, sizeof full, "%s: %s", aiops_stream_name(ctx->stream), msg);
    ctx->warn(ctx->warn_ctx, full);
}
