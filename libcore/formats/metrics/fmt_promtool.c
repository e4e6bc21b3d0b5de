/* fmt_promtool.c - the output of `promtool tsdb dump`.
 *
 * One sample per line, the label set first (printed by Prometheus'
 * labels.String(), so "__name__" is one of the labels and they are
 * separated by ", "), then the value (%g, NaN/+Inf possible) and the
 * timestamp in integer milliseconds:
 *
 *   {__name__="up", instance="localhost:9090", job="prometheus"} 1 1617079315000
 *
 * The dump walks the TSDB series by series, so records are not in time
 * order (ordered = 0: the merge buffers the whole entry).
 */
#include "aiops_format.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Longest piece of offending input quoted in an error message. */

typedef struct promtool_state {
    long samples;    /* records returned so far (kept for debugging) */
} promtool_state;

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* s[0] is '{': index of the '}' that closes the label set, skipping
 * braces inside quoted (backslash-escaped) label values.  Returns 0 and
 * sets *end, -1 when a quote is left open, -2 when no '}' closes it. */
static int brace_end(const char *s, size_t n, size_t *end)
{
    int quoted = 0;
    size_t i;

    for (i = 1; i < n; i++) {
        if (quoted) {
            if (s[i] == '\\')
                i++;
            else if (s[i] == '"')
                quoted = 0;
        } else if (s[i] == '"') {
            quoted = 1;
        } else if (s[i] == '}') {
            *end = i;
            return 0;
        }
    }
    return quoted ? -1 : -2;
}

/* The label set at the start of the line: closed, UTF-8, interned. */
static int parse_labels(aiops_parse_ctx *ctx, const char *s, size_t n,
                        size_t *end, uint32_t *sid, aiops_err *err)
{
    char sn[64];
    int rc = brace_end(s, n, end);

    if (rc == -1)
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "expected a closing '\"' for a label value in '%s'",
                    aiops_snip(s, n, sn, sizeof sn));
    if (rc < 0)
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "expected '}' closing the label set '%s'",
                    aiops_snip(s, n, sn, sizeof sn));
    if (!aiops_utf8_valid(s, *end + 1))
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "expected UTF-8 text in the label set, got invalid bytes");
    /* The dump repeats the exact same spelling for every sample of a
     * series, so interning the raw text hits the table's text cache. */
    rc = aiops_series_intern_text(ctx->series, s, *end + 1, sid, err);
    return rc < 0 ? aiops_parse_relocate(ctx, err) : 0;
}

/* "VALUE TIMESTAMP_MS" after the label set, nothing else. */
static int parse_point(aiops_parse_ctx *ctx, const char *s, size_t n,
                       aiops_record *rec, aiops_err *err)
{
    char sn[64];
    size_t pos = 0, b, fl;
    int64_t ms;
    int rc;

    if (n > 0 && !is_blank(s[0]))
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "expected a blank after the label set, got '%s'",
                    aiops_snip(s, n, sn, sizeof sn));
    if ((rc = aiops_text_value(ctx, s, n, &pos, "the label set", &rec->value, err)) < 0)
        return rc;
    if (!aiops_text_field(s, n, &pos, &b, &fl))
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "expected a timestamp in milliseconds after the value");
    if (aiops_parse_int64(s + b, fl, &ms) < 0)
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "expected an integer timestamp in milliseconds, got '%s'",
                    aiops_snip(s + b, fl, sn, sizeof sn));
    if (aiops_text_field(s, n, &pos, &b, &fl))
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "expected end of line after the timestamp, got '%s'",
                    aiops_snip(s + b, n - b, sn, sizeof sn));
    /* Division is correctly rounded: 1617079315123 ms gives exactly the
     * double that "1617079315.123" parses to. */
    rec->ts = (double)ms / 1000.0;
    return 0;
}

/* One non-blank line into rec. */
static int parse_line(aiops_parse_ctx *ctx, const char *s, size_t n,
                      aiops_record *rec, aiops_err *err)
{
    char sn[64];
    size_t end = 0;
    uint32_t sid = 0;
    int rc;

    if (s[0] != '{')
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "expected a label set '{__name__=\"...\", ...}' "
                    "at the start of the line, got '%s'", aiops_snip(s, n, sn, sizeof sn));
    rc = parse_labels(ctx, s, n, &end, &sid, err);
    if (rc < 0)
        return rc;
    rc = parse_point(ctx, s + end + 1, n - end - 1, rec, err);
    if (rc < 0)
        return rc;
    rec->type = AIOPS_R_SAMPLE;
    rec->sid = sid;
    rec->obj = NULL;
    return 0;
}

static int promtool_open(void **state, aiops_parse_ctx *ctx, aiops_err *err)
{
    promtool_state *st = calloc(1, sizeof *st);

    if (!st)
        return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(ctx->stream), 0,
                             "out of memory");
    *state = st;
    return 0;
}

static int promtool_next(void *state, aiops_parse_ctx *ctx, aiops_record *rec,
                         aiops_err *err)
{
    promtool_state *st = state;
    char *line;
    size_t len, i;
    int rc;

    while ((rc = aiops_stream_getline(ctx->stream, &line, &len, err)) == 1) {
        for (i = 0; i < len && (is_blank(line[i]) || line[i] == '\r'); i++)
            ;
        if (i == len)
            continue;       /* blank line */
        rc = parse_line(ctx, line + i, len - i, rec, err);
        if (rc < 0)
            return rc;
        st->samples++;
        return 1;
    }
    return rc;
}

static void promtool_close(void *state)
{
    free(state);
}

/* ------------------------------------------------------------- probe */

/* Does [s, s+n) contain the n-byte needle? (memmem is not POSIX.) */
static int contains(const char *s, size_t n, const char *needle, size_t nn)
{
    size_t i;

    for (i = 0; i + nn <= n; i++)
        if (memcmp(s + i, needle, nn) == 0)
            return 1;
    return 0;
}

/* Is [s, s+n) "{name=...} NUMBER INTEGER"?  Cheap and total: any bytes. */
static int probe_line(const char *s, size_t n)
{
    size_t end, pos, b, fl, i = 1;
    double v;
    int64_t ts;

    while (i < n && is_blank(s[i]))
        i++;
    /* A label name must follow '{': this rejects every JSON object. */
    if (i >= n || !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                    s[i] == '_'))
        return 0;
    if (brace_end(s, n, &end) < 0)
        return 0;
    pos = end + 1;
    if (pos >= n || !is_blank(s[pos]))
        return 0;
    if (!aiops_text_field(s, n, &pos, &b, &fl) || aiops_parse_double(s + b, fl, &v) < 0)
        return 0;
    if (!aiops_text_field(s, n, &pos, &b, &fl) || aiops_parse_int64(s + b, fl, &ts) < 0)
        return 0;
    return !aiops_text_field(s, n, &pos, &b, &fl);
}

static int promtool_probe(const char *entry, const char *head, size_t n)
{
    size_t i = 0, e;

    (void)entry;
    if (!head)
        return 0;
    while (i < n && (is_blank(head[i]) || head[i] == '\r' || head[i] == '\n'))
        i++;
    if (i >= n || head[i] != '{')
        return 0;
    /* Judge the first line; a head cut inside it is judged as far as it goes. */
    for (e = i; e < n && head[e] != '\n'; e++)
        ;
    while (e > i && (head[e - 1] == '\r' || is_blank(head[e - 1])))
        e--;
    if (!probe_line(head + i, e - i))
        return 0;
    /* labels.String() always prints __name__ for a TSDB series. */
    return contains(head + i, e - i, "__name__=", 9) ? 95 : 70;
}

const aiops_format aiops_fmt_promtool = {
    .name = "promtool",
    .desc = "promtool tsdb dump: '{__name__=\"x\", a=\"b\"} VALUE TIMESTAMP_MS' per line",
    .ordered = 0,
    .probe = promtool_probe,
    .open = promtool_open,
    .next = promtool_next,
    .close = promtool_close,
};
