/* fmt_expo.c - Prometheus text exposition format and OpenMetrics text,
 * i.e. saved scrapes (curl host:9100/metrics > node.prom).
 *
 *   # HELP node_load1 1m load average.
 *   # TYPE node_load1 gauge
 *   node_load1 0.21 1700000000000
 *   http_request_duration_seconds_bucket{le="+Inf",path="/a b"} 12
 *   foo_total{id="x"} 17 1700000000.5 # {trace_id="abc"} 0.67 1700000000.123
 *   # EOF
 *
 * Comments are checked (# TYPE must name a known type) and skipped, but
 * the last # TYPE gives the series of its family their aiops_mtype
 * (counter; the _bucket/_count/_sum of histograms and summaries: counter;
 * gauge); histogram/summary lines are ordinary samples of their own series;
 * OpenMetrics exemplars are ignored.  Timestamps are integer milliseconds
 * in Prometheus text and (fractional) seconds in OpenMetrics: told apart
 * by magnitude.  A sample without a timestamp was taken when the scrape
 * was saved, so it takes the entry's modification time.
 *
 * "# EOF" is treated as a comment, not as the end: a file of several
 * concatenated OpenMetrics scrapes keeps all its samples.
 */
#include "aiops_format.h"
#include "common/array.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Longest piece of offending input quoted in an error message. */
/* Epoch timestamps above this are milliseconds (1e11 s is year 5138). */
#define MS_THRESHOLD 1e11

typedef struct expo_state {
    char *buf;             /* NUL-separated name, label names and values */
    size_t cap, used;
    aiops_label *labels;   /* point into buf, valid for one line */
    size_t lcap, nlabels;
    int mtime_warned;      /* the file's mtime was used for a sample: said once */
    char family[256];      /* the last # TYPE's metric name, "" if none */
    char kind[16];         /* and its type */
} expo_state;

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int is_alpha_(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Length of the metric name ([a-zA-Z_:][a-zA-Z0-9_:]*) at s, 0 if none. */
static size_t metric_name_len(const char *s, size_t n)
{
    size_t i = 0;

    if (n == 0 || !(is_alpha_(s[0]) || s[0] == ':'))
        return 0;
    while (i < n && (is_alpha_(s[i]) || is_digit(s[i]) || s[i] == ':'))
        i++;
    return i;
}

/* Length of the label name ([a-zA-Z_][a-zA-Z0-9_]*) at s, 0 if none. */
static size_t label_name_len(const char *s, size_t n)
{
    size_t i = 0;

    if (n == 0 || !is_alpha_(s[0]))
        return 0;
    while (i < n && (is_alpha_(s[i]) || is_digit(s[i])))
        i++;
    return i;
}

static size_t skip_blanks(const char *s, size_t n, size_t pos)
{
    while (pos < n && is_blank(s[pos]))
        pos++;
    return pos;
}

/* What was found instead, quoted, or "end of line". */
static const char *got(const char *s, size_t n, char *buf, size_t bufsz)
{
    size_t k;

    if (n == 0)
        return "end of line";
    buf[0] = '\'';
    k = strlen(aiops_snip(s, n, buf + 1, bufsz - 2));
    buf[k + 1] = '\'';
    buf[k + 2] = '\0';
    return buf;
}

/* ------------------------------------------------------------ comments */

static int known_type(const char *s, size_t n)
{
    static const char *const types[] = {
        "counter", "gauge", "histogram", "summary", "untyped", "unknown",
        "info", "stateset", "gaugehistogram", NULL
    };
    size_t i;

    for (i = 0; types[i]; i++)
        if (strlen(types[i]) == n && memcmp(types[i], s, n) == 0)
            return 1;
    return 0;
}

/* "# TYPE name type": the type must be one Prometheus/OpenMetrics knows. */
static int check_type(aiops_parse_ctx *ctx, const char *s, size_t n, size_t pos,
                      aiops_err *err)
{
    char sn[64];
    size_t b, fl;

    if (!aiops_text_field(s, n, &pos, &b, &fl))
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "expected a metric type after '# TYPE name' (counter, "
                    "gauge, histogram, summary, untyped, unknown, info, stateset, "
                    "gaugehistogram)");
    if (!known_type(s + b, fl))
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "expected a metric type (counter, gauge, histogram, "
                    "summary, untyped, unknown, info, stateset, gaugehistogram), "
                    "got '%s'", aiops_snip(s + b, fl, sn, sizeof sn));
    if (aiops_text_field(s, n, &pos, &b, &fl))
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "expected end of line after the metric type, got '%s'",
                    aiops_snip(s + b, n - b, sn, sizeof sn));
    return 0;
}

/* A line starting with '#'.  HELP/TYPE/UNIT must name a metric; every
 * other comment (including OpenMetrics' "# EOF") is skipped. */
static int check_comment(expo_state *st, aiops_parse_ctx *ctx, const char *s, size_t n,
                         aiops_err *err)
{
    char sn[64];
    size_t pos = 1, b, fl, kwb, kwl;
    int is_type;

    if (!aiops_text_field(s, n, &pos, &kwb, &kwl))
        return 0;
    is_type = kwl == 4 && memcmp(s + kwb, "TYPE", 4) == 0;
    if (!is_type && !(kwl == 4 && memcmp(s + kwb, "HELP", 4) == 0) &&
        !(kwl == 4 && memcmp(s + kwb, "UNIT", 4) == 0))
        return 0;
    if (!aiops_text_field(s, n, &pos, &b, &fl))
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "expected a metric name after '# %.4s'", s + kwb);
    if (metric_name_len(s + b, fl) != fl)
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "expected a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*) "
                    "after '# %.4s', got '%s'", s + kwb, aiops_snip(s + b, fl, sn, sizeof sn));
    if (!is_type)
        return 0;
    st->family[0] = '\0';
    if (check_type(ctx, s, n, pos, err) < 0)
        return err->code;
    if (fl < sizeof st->family) {    /* the type word: checked above */
        size_t tb, tl;
        aiops_text_field(s, n, &pos, &tb, &tl);
        memcpy(st->family, s + b, fl);
        st->family[fl] = '\0';
        memcpy(st->kind, s + tb, tl < sizeof st->kind ? tl : sizeof st->kind - 1);
        st->kind[tl < sizeof st->kind ? tl : sizeof st->kind - 1] = '\0';
    }
    return 0;
}

/* The type of sample `name` under the last # TYPE. */
static aiops_mtype family_type(const expo_state *st, const char *name)
{
    size_t fl = strlen(st->family);
    const char *suf = name + fl;
    if (!fl || strncmp(name, st->family, fl) != 0)
        return AIOPS_MTYPE_UNKNOWN;
    if (!strcmp(st->kind, "counter") && (!*suf || !strcmp(suf, "_total")))
        return AIOPS_MTYPE_COUNTER;
    if (!strcmp(st->kind, "gauge") && !*suf)
        return AIOPS_MTYPE_GAUGE;
    if (!strcmp(st->kind, "histogram") || !strcmp(st->kind, "summary")) {
        if (!strcmp(suf, "_bucket") || !strcmp(suf, "_count") || !strcmp(suf, "_sum"))
            return AIOPS_MTYPE_COUNTER;
        if (!*suf)                   /* a summary's quantiles */
            return AIOPS_MTYPE_GAUGE;
    }
    return AIOPS_MTYPE_UNKNOWN;
}

/* ------------------------------------------------------------- labels */

/* Copy [s, s+n) and a NUL into the scratch buffer (sized for the whole
 * line beforehand, so it never moves while a line is parsed). */
static const char *stash(expo_state *st, const char *s, size_t n)
{
    char *p = st->buf + st->used;

    memcpy(p, s, n);
    p[n] = '\0';
    st->used += n + 1;
    return p;
}

static int add_label(expo_state *st, const char *name, const char *value)
{
    if (AIOPS_GROW(st->labels, st->lcap, st->nlabels + 1))
        return AIOPS_ENOMEM;
    st->labels[st->nlabels].name = name;
    st->labels[st->nlabels].value = value;
    st->nlabels++;
    return 0;
}

/* The quoted value at s[*pos] == '"', unescaped into the scratch buffer.
 * Escapes are \\ \" and \n, as the exposition format defines them. */
static int parse_value(expo_state *st, aiops_parse_ctx *ctx, const char *s,
                       size_t n, size_t *pos, const char *lname,
                       const char **out, aiops_err *err)
{
    char sn[64];
    char *o = st->buf + st->used;
    size_t i = *pos + 1, k = 0;

    for (; i < n && s[i] != '"'; i++) {
        if (s[i] != '\\') {
            o[k++] = s[i];
            continue;
        }
        if (i + 1 >= n || (s[i + 1] != '\\' && s[i + 1] != '"' && s[i + 1] != 'n'))
            return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "expected an escape \\\\, \\\" or \\n in the value "
                        "of label '%.64s', got '%s'", lname,
                        aiops_snip(s + i, i + 1 < n ? 2 : 1, sn, sizeof sn));
        i++;
        o[k++] = s[i] == 'n' ? '\n' : s[i];
    }
    if (i >= n)
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "expected a closing '\"' for the value of label '%.64s'",
                    lname);
    if (!aiops_utf8_valid(o, k))
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "expected UTF-8 text in the value of label '%.64s', "
                    "got invalid bytes", lname);
    o[k] = '\0';
    st->used += k + 1;
    *out = o;
    *pos = i + 1;
    return 0;
}

/* One `name="value"` pair at *pos (blanks around the tokens allowed). */
static int parse_pair(expo_state *st, aiops_parse_ctx *ctx, const char *s,
                      size_t n, size_t *pos, aiops_err *err)
{
    char sn[64];
    size_t i = *pos, nl = label_name_len(s + i, n - i);
    const char *lname, *value = NULL;
    int rc;

    if (nl == 0)
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "expected a label name or '}', got %s",
                    got(s + i, n - i, sn, sizeof sn));
    lname = stash(st, s + i, nl);
    i = skip_blanks(s, n, i + nl);
    if (i >= n || s[i] != '=')
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "expected '=' after label name '%.64s', got %s",
                    lname, got(s + i, n - i, sn, sizeof sn));
    i = skip_blanks(s, n, i + 1);
    if (i >= n || s[i] != '"')
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "expected '\"' starting the value of label '%.64s', "
                    "got %s", lname, got(s + i, n - i, sn, sizeof sn));
    rc = parse_value(st, ctx, s, n, &i, lname, &value, err);
    if (rc < 0)
        return rc;
    if (add_label(st, lname, value) < 0)
        return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(ctx->stream),
                             aiops_stream_lineno(ctx->stream), "out of memory");
    *pos = i;
    return 0;
}

/* "{a="x", b="y",}" at s[*pos] == '{'; *pos ends past the '}'. */
static int parse_labels(expo_state *st, aiops_parse_ctx *ctx, const char *s,
                        size_t n, size_t *pos, aiops_err *err)
{
    char sn[64];
    size_t i = *pos + 1;
    int rc;

    for (;;) {
        i = skip_blanks(s, n, i);
        if (i < n && s[i] == '}')
            break;
        rc = parse_pair(st, ctx, s, n, &i, err);
        if (rc < 0)
            return rc;
        i = skip_blanks(s, n, i);
        if (i < n && s[i] == ',') {
            i++;
            continue;
        }
        if (i < n && s[i] == '}')
            break;
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "expected ',' or '}' after the value of label '%.64s', "
                    "got %s", st->labels[st->nlabels - 1].name,
                    got(s + i, n - i, sn, sizeof sn));
    }
    *pos = i + 1;
    return 0;
}

/* ------------------------------------------------------------ samples */

/* After the value and timestamp only an exemplar " # {labels} value [ts]"
 * may follow; it is ignored, but anything else is an error. */
static int check_exemplar(aiops_parse_ctx *ctx, const char *s, size_t n,
                          size_t b, size_t fl, const char *after, aiops_err *err)
{
    char sn[64];
    size_t i = skip_blanks(s, n, b + fl);

    if (fl == 1 && s[b] == '#' && i < n && s[i] == '{')
        return 0;
    return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "expected an exemplar '# {labels} value' or end of line "
                "after the %s, got '%s'", after, aiops_snip(s + b, n - b, sn, sizeof sn));
}

/* Seconds, or milliseconds when the magnitude says so. */
static int parse_ts(aiops_parse_ctx *ctx, const char *s, size_t n, double *ts,
                    aiops_err *err)
{
    char sn[64];
    double v;

    if (aiops_parse_double(s, n, &v) < 0 || !isfinite(v))
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "expected a timestamp (milliseconds, or seconds in "
                    "OpenMetrics), got '%s'", aiops_snip(s, n, sn, sizeof sn));
    *ts = (v > MS_THRESHOLD || v < -MS_THRESHOLD) ? v / 1000.0 : v;
    return 0;
}

/* The scrape's time for samples that carry no timestamp: --scrape-time,
 * else the file's modification time, said once per file (a copy or an
 * unpacked archive may have changed it). */
static int default_ts(aiops_parse_ctx *ctx, expo_state *st, double *ts, aiops_err *err)
{
    if (ctx->scrape_time != 0) {
        *ts = ctx->scrape_time;
        return 0;
    }
    *ts = aiops_stream_mtime(ctx->stream);
    if (*ts == 0)
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "expected a timestamp: the sample has none and the "
                    "file has no modification time (give --scrape-time)");
    if (!st->mtime_warned) {
        char t[40];
        st->mtime_warned = 1;
        aiops_fmt_time(*ts, t);
        aiops_parse_warn(ctx, "samples without a timestamp take the file's modification time, "
                         "%s (set it with --scrape-time)", t);
    }
    return 0;
}

/* "VALUE [TIMESTAMP] [# exemplar]" after the series. */
static int parse_tail(aiops_parse_ctx *ctx, expo_state *st, const char *s, size_t n,
                      aiops_record *rec, aiops_err *err)
{
    size_t pos = 0, b, fl;
    int rc = aiops_text_value(ctx, s, n, &pos, "the series", &rec->value, err);

    if (rc < 0)
        return rc;
    if (!aiops_text_field(s, n, &pos, &b, &fl))
        return default_ts(ctx, st, &rec->ts, err);
    if (s[b] == '#') {
        rc = check_exemplar(ctx, s, n, b, fl, "value", err);
        return rc < 0 ? rc : default_ts(ctx, st, &rec->ts, err);
    }
    rc = parse_ts(ctx, s + b, fl, &rec->ts, err);
    if (rc < 0 || !aiops_text_field(s, n, &pos, &b, &fl))
        return rc;
    return check_exemplar(ctx, s, n, b, fl, "timestamp", err);
}

/* Make room for every name and unescaped value of a line of n bytes:
 * they are never longer than the text they come from (+1 NUL). */
static int reserve(expo_state *st, size_t n)
{
    st->used = 0;
    st->nlabels = 0;
    return AIOPS_GROW(st->buf, st->cap, n + 2);
}

/* "name[{labels}] value [ts] [# exemplar]": the series part. */
static int parse_series(expo_state *st, aiops_parse_ctx *ctx, const char *s,
                        size_t n, size_t *pos, const char **name, aiops_err *err)
{
    char sn[64];
    size_t nl = metric_name_len(s, n), i;
    int rc;

    if (nl == 0)
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "expected a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*) "
                    "at the start of the line, got '%s'", aiops_snip(s, n, sn, sizeof sn));
    *name = stash(st, s, nl);
    i = skip_blanks(s, n, nl);
    if (i < n && s[i] == '{') {     /* "name {" is allowed, as in Prometheus */
        rc = parse_labels(st, ctx, s, n, &i, err);
        if (rc < 0)
            return rc;
    } else {
        i = nl;
    }
    if (i < n && !is_blank(s[i]))
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "expected a blank and the sample value after the series, "
                    "got '%s'", aiops_snip(s + i, n - i, sn, sizeof sn));
    *pos = i;
    return 0;
}

static int parse_sample(expo_state *st, aiops_parse_ctx *ctx, const char *s,
                        size_t n, aiops_record *rec, aiops_err *err)
{
    const char *name = NULL;
    size_t pos = 0;
    uint32_t sid = 0;
    int rc;

    if (reserve(st, n) < 0)
        return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(ctx->stream),
                             aiops_stream_lineno(ctx->stream), "out of memory");
    rc = parse_series(st, ctx, s, n, &pos, &name, err);
    if (rc < 0)
        return rc;
    rc = parse_tail(ctx, st, s + pos, n - pos, rec, err);
    if (rc < 0)
        return rc;
    rc = aiops_series_intern_labels(ctx->series, name, st->labels, st->nlabels,
                                    &sid, err);
    if (rc < 0)
        return aiops_parse_relocate(ctx, err);
    aiops_series *se = aiops_series_get(ctx->series, sid);
    if (!se->type)
        se->type = family_type(st, name);
    rec->type = AIOPS_R_SAMPLE;
    rec->sid = sid;
    rec->obj = NULL;
    return 0;
}

/* ------------------------------------------------------------- format */

static int expo_open(void **state, aiops_parse_ctx *ctx, aiops_err *err)
{
    expo_state *st = calloc(1, sizeof *st);

    if (!st)
        return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(ctx->stream), 0,
                             "out of memory");
    *state = st;
    return 0;
}

static int expo_next(void *state, aiops_parse_ctx *ctx, aiops_record *rec,
                     aiops_err *err)
{
    expo_state *st = state;
    char *line;
    size_t len, i;
    int rc;

    while ((rc = aiops_stream_getline(ctx->stream, &line, &len, err)) == 1) {
        /* Prometheus' parser skips leading blanks too. */
        i = skip_blanks(line, len, 0);
        if (i == len)
            continue;
        if (line[i] == '#') {
            rc = check_comment(st, ctx, line + i, len - i, err);
            if (rc < 0)
                return rc;
            continue;
        }
        rc = parse_sample(st, ctx, line + i, len - i, rec, err);
        return rc < 0 ? rc : 1;
    }
    return rc;
}

static void expo_close(void *state)
{
    expo_state *st = state;

    if (!st)
        return;
    free(st->buf);
    free(st->labels);
    free(st);
}

/* ------------------------------------------------------------- probe */

/* "# HELP name" / "# TYPE name" (what every exporter starts with). */
static int probe_meta(const char *s, size_t n)
{
    if (n < 8 || (memcmp(s, "# HELP ", 7) != 0 && memcmp(s, "# TYPE ", 7) != 0))
        return 0;
    return metric_name_len(s + 7, n - 7) > 0;
}

/* Closing '}' of the label set at s[0] == '{', skipping quoted values. */
static int probe_braces(const char *s, size_t n, size_t *end)
{
    int quoted = 0;
    size_t i = skip_blanks(s, n, 1);

    if (i >= n || !(is_alpha_(s[i]) || s[i] == '}'))
        return 0;
    for (; i < n; i++) {
        if (quoted) {
            if (s[i] == '\\')
                i++;
            else if (s[i] == '"')
                quoted = 0;
        } else if (s[i] == '"') {
            quoted = 1;
        } else if (s[i] == '}') {
            *end = i;
            return 1;
        }
    }
    return 0;
}

/* "metric_name{...} number [number] [# ...]" or "metric_name number ...". */
static int probe_sample(const char *s, size_t n)
{
    size_t i = metric_name_len(s, n), end, b, fl;
    double v;

    if (i == 0)
        return 0;
    b = skip_blanks(s, n, i);
    if (b < n && s[b] == '{') {
        if (!probe_braces(s + b, n - b, &end))
            return 0;
        i = b + end + 1;
    }
    if (i >= n || !is_blank(s[i]))
        return 0;
    if (!aiops_text_field(s, n, &i, &b, &fl) || aiops_parse_double(s + b, fl, &v) < 0)
        return 0;
    if (!aiops_text_field(s, n, &i, &b, &fl) || s[b] == '#')
        return 1;
    return aiops_parse_double(s + b, fl, &v) == 0 &&
           (!aiops_text_field(s, n, &i, &b, &fl) || s[b] == '#');
}

static int has_suffix(const char *s, const char *suf)
{
    size_t n = s ? strlen(s) : 0, k = strlen(suf);

    return n >= k && memcmp(s + n - k, suf, k) == 0;
}

/* Judge the first non-comment line (a few comment lines may precede it). */
static int expo_probe(const char *entry, const char *head, size_t n)
{
    size_t i = 0, e, b, t, lines;

    if (!head)
        return 0;
    for (lines = 0; i < n && lines < 32; lines++, i = e + 1) {
        for (e = i; e < n && head[e] != '\n'; e++)
            ;
        b = skip_blanks(head, e, i);
        t = e;
        while (t > b && (head[t - 1] == '\r' || is_blank(head[t - 1])))
            t--;
        if (b == t)
            continue;
        if (head[b] == '#') {
            if (probe_meta(head + b, t - b))
                return 90;
            continue;
        }
        if (!probe_sample(head + b, t - b))
            return 0;
        return has_suffix(entry, ".prom") ? 85 : 75;
    }
    return 0;
}

const aiops_format aiops_fmt_expo = {
    .name = "prom-text",
    .desc = "Prometheus text exposition / OpenMetrics (saved scrapes, "
            "node_exporter .prom files)",
    .ordered = 0,
    .probe = expo_probe,
    .open = expo_open,
    .next = expo_next,
    .close = expo_close,
};
