/* fmt_kafka.c - Kafka topic dumps as written by `kcat -C -J`: one JSON
 * envelope per line,
 *   {"topic":"logs","partition":0,"offset":42,"tstype":"create",
 *    "ts":1700000000123,"broker":1,"key":"k","payload":"..."}
 * The payload is the message as the producer wrote it, so an archive of
 * an event bus replays like the sources that fed it: each payload is
 * parsed by the format aiops_format_detect() picks for it (a memory stream
 * named after the topic), and its records are returned one by one before
 * the next envelope is read.
 *
 *  - A payload no format claims and that is not JSON is one plain log
 *    line (or a multi-line message): {type log, ts = envelope ts, service
 *    = --service or the topic, level when the text starts with one,
 *    message}.
 *  - Records without their own time take the envelope's: it is the
 *    payload stream's modification time, which time-less formats use.
 *  - A null payload (a tombstone: a deleted key) has no content and gives
 *    no record.  A payload that is JSON itself (not a string) is parsed as
 *    its JSON text.
 *  - Errors inside a payload are reported at the envelope's line, naming
 *    the topic, partition, offset and the line inside the payload; the
 *    rest of that payload is dropped, so --skip-bad skips one message.
 *
 * kcat writes each partition in offset order and interleaves partitions as
 * messages arrive, so the dump is nearly in time order: `ordered = 1`, the
 * reorder window absorbing the skew between partitions. */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aiops_format.h"
#include "common/jdoc.h"

extern const aiops_format aiops_fmt_kafka;

typedef struct kf_state {
    json_t *env;             /* current envelope: owns topic and payload */
    char *dumped;            /* payload given as JSON, as text */
    const char *topic;
    json_int_t partition, offset;
    double ts;               /* envelope time, if has_ts */
    int has_ts;
    long line;               /* envelope line */
    aiops_stream *in;        /* the payload */
    const aiops_format *fmt; /* its format, NULL between payloads */
    void *fst;
    aiops_parse_ctx ictx;
    /* The payload's next record, read ahead so that its end is known as
     * soon as its last record is returned (live input must not wait for
     * the next message while one is pending); or its error, for the next
     * call. */
    aiops_record ahead;
    int have_ahead, ahead_rc;
    aiops_err ahead_err;
} kf_state;

/* ----------------------------------------------------------- payloads */

static void end_payload(kf_state *st)
{
    if (st->fmt && st->fst)
        st->fmt->close(st->fst);
    st->fmt = NULL;
    st->fst = NULL;
    aiops_stream_free(st->in);
    st->in = NULL;
    free(st->dumped);
    st->dumped = NULL;
}

/* Report an error from inside a payload at the envelope's line. */
static int payload_err(kf_state *st, aiops_parse_ctx *ctx, int code, aiops_err *err)
{
    char msg[sizeof err->msg];
    long inner = err->line;
    snprintf(msg, sizeof msg, "%s", err->msg);
    return aiops_err_set(err, code, aiops_stream_name(ctx->stream), st->line,
                         "payload of topic %.100s partition %" JSON_INTEGER_FORMAT
                         " offset %" JSON_INTEGER_FORMAT ", line %ld: %s",
                         st->topic, st->partition, st->offset, inner > 0 ? inner : 1, msg);
}

/* "ERROR ...", "[warn] ...", "level=info ...": the level a line starts with. */
static const char *plain_level(const char *s, size_t n)
{
    static const char *const words[][2] = {
        {"debug", "debug"}, {"trace", "debug"}, {"info", "info"}, {"warn", "warn"},
        {"warning", "warn"}, {"error", "error"}, {"err", "error"}, {"fatal", "fatal"},
        {"critical", "fatal"}, {"panic", "fatal"},
    };
    size_t i = 0, k;
    while (i < n && (s[i] == ' ' || s[i] == '['))
        i++;
    if (n - i > 6 && strncasecmp(s + i, "level=", 6) == 0)
        i += 6;
    for (k = i; k < n && isalpha((unsigned char)s[k]); k++)
        ;
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
        if (strlen(words[w][0]) == k - i && strncasecmp(s + i, words[w][0], k - i) == 0)
            return words[w][1];
    return NULL;
}

static int plain_log(kf_state *st, aiops_parse_ctx *ctx, const char *p, size_t n,
                     aiops_record *rec, aiops_err *err)
{
    if (!st->has_ts)
        return aiops_err_set(err, AIOPS_EPARSE, aiops_stream_name(ctx->stream), st->line,
                             "expected a \"ts\" in the envelope: the payload (a plain text line) "
                             "has no time of its own");
    while (n && (p[n - 1] == '\n' || p[n - 1] == '\r'))
        n--;
    const char *level = plain_level(p, n);
    json_t *o = json_object();
    int bad = !o || json_object_set_new(o, "service", json_string(ctx->service ? ctx->service
                                                                              : st->topic));
    if (!bad && level)
        bad = json_object_set_new(o, "level", json_string(level));
    if (!bad)
        bad = json_object_set_new(o, "message", json_stringn(p, n));
    if (bad) {
        json_decref(o);
        return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(ctx->stream), st->line,
                             "out of memory");
    }
    memset(rec, 0, sizeof *rec);
    rec->type = AIOPS_R_LOG;
    rec->ts = st->ts;
    rec->obj = o;
    return 1;
}

/* '{' starts JSON; '[' only when it parses ("[warn] ..." is a log line). */
static int looks_json(const char *p, size_t n)
{
    if (n && p[0] == '{')
        return 1;
    if (!n || p[0] != '[')
        return 0;
    json_t *j = json_loadb(p, n, 0, NULL);
    json_decref(j);
    return j != NULL;
}

/* Start parsing the envelope's payload.  1 = a plain line record is in
 * rec, 0 = st->fmt is set up (or nothing to parse), <0 error. */
static int start_payload(kf_state *st, aiops_parse_ctx *ctx, json_t *pl, aiops_record *rec,
                         aiops_err *err)
{
    const char *p;
    size_t n;
    if (json_is_string(pl)) {
        p = json_string_value(pl);
        n = json_string_length(pl);
    } else {
        if (!(st->dumped = json_dumps(pl, JSON_COMPACT)))
            return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(ctx->stream), st->line,
                                 "out of memory");
        p = st->dumped;
        n = strlen(p);
    }
    if (strspn(p, " \t\r\n") == n)
        return 0;              /* an empty message: nothing in it */
    const aiops_format *f = aiops_format_detect(st->topic, p, n);
    size_t k = strspn(p, " \t\r\n");
    if (!f && !looks_json(p + k, n - k))
        return plain_log(st, ctx, p, n, rec, err);
    if (!f || f == &aiops_fmt_kafka)
        return aiops_err_set(err, AIOPS_EPARSE, aiops_stream_name(ctx->stream), st->line,
                             "expected a payload in a known format, got '%.40s' (topic %.100s "
                             "offset %" JSON_INTEGER_FORMAT ")",
                             p + k, st->topic, st->offset);
    if (!(st->in = aiops_stream_new_mem(st->topic, p, n, 0, 0)))
        return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(ctx->stream), st->line,
                             "out of memory");
    aiops_stream_set_mtime(st->in, st->has_ts ? st->ts : aiops_stream_mtime(ctx->stream));
    st->ictx = *ctx;            /* the payload's parser gets every option */
    st->ictx.stream = st->in;
    st->ictx.service = ctx->service ? ctx->service : st->topic;
    if (st->has_ts)             /* the message time, not a file's: no mtime warning */
        st->ictx.scrape_time = st->ts;
    int rc = f->open(&st->fst, &st->ictx, err);
    if (rc) {
        rc = payload_err(st, ctx, rc, err);
        end_payload(st);
        return rc;
    }
    st->fmt = f;
    return 0;
}

/* ---------------------------------------------------------- envelopes */

/* Parse and check one envelope line; json_t kept in st->env. */
static int read_envelope(kf_state *st, aiops_parse_ctx *ctx, char *l, size_t n, json_t **payload,
                         aiops_err *err)
{
    aiops_jdoc d = {.file = aiops_stream_name(ctx->stream), .err = err, .text = l, .len = n,
                    .line0 = st->line};
    json_error_t je;
    json_decref(st->env);
    st->env = aiops_json_loadb(l, n, JSON_REJECT_DUPLICATES, &je);
    if (!st->env)
        return aiops_err_set(err, AIOPS_EPARSE, d.file, st->line,
                             "expected a kcat -J envelope: %s (column %d)", je.text, je.column);
    if (!json_is_object(st->env))
        return aiops_err_set(err, AIOPS_EPARSE, d.file, st->line,
                             "expected a kcat -J envelope object, got %s",
                             aiops_jdoc_type(st->env));
    json_t *part = json_object_get(st->env, "partition"), *off = json_object_get(st->env, "offset");
    int rc = aiops_jdoc_str(&d, st->env, "topic", AIOPS_JDOC_REQUIRED, &st->topic);
    if (rc < 0)
        return rc;
    if (!json_is_integer(part) || !json_is_integer(off))
        return aiops_jdoc_fail(&d, AIOPS_EPARSE, "expected integer \"partition\" and \"offset\" fields");
    st->partition = json_integer_value(part);
    st->offset = json_integer_value(off);
    json_t *ts = json_object_get(st->env, "ts");
    st->has_ts = 0;
    if (ts && !json_is_integer(ts))
        return aiops_jdoc_fail(&d, AIOPS_EPARSE, "expected \"ts\" to be milliseconds since the epoch, got %s",
                               aiops_jdoc_type(ts));
    if (ts && json_integer_value(ts) > 0) {   /* kcat writes -1 when there is none */
        st->ts = (double)json_integer_value(ts) / 1000.0;
        st->has_ts = 1;
    }
    json_t *pl = json_object_get(st->env, "payload");
    if (!pl)
        return aiops_jdoc_fail(&d, AIOPS_EPARSE, "expected a \"payload\" field (kcat -J)");
    if (!json_is_string(pl) && !json_is_null(pl) && !json_is_object(pl) && !json_is_array(pl)) {
        aiops_jdoc_key(&d, "payload");
        return aiops_jdoc_fail(&d, AIOPS_EPARSE, "expected a string, JSON object or null, got %s",
                               aiops_jdoc_type(pl));
    }
    *payload = pl;
    return 0;
}

static void kf_close(void *state)
{
    kf_state *st = state;
    if (!st)
        return;
    if (st->have_ahead)
        aiops_record_clear(&st->ahead);
    end_payload(st);
    json_decref(st->env);
    free(st);
}

static int kf_open(void **state, aiops_parse_ctx *ctx, aiops_err *err)
{
    *state = calloc(1, sizeof(kf_state));
    if (!*state)
        return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(ctx->stream), 0, "out of memory");
    return 0;
}

/* Read the payload's next record ahead (st->ahead), or end the payload;
 * an error is kept for the next call, and the rest of the bad message is
 * dropped with it, so --skip-bad goes on with the next message. */
static void payload_ahead(kf_state *st, aiops_parse_ctx *ctx)
{
    aiops_record r = {0};
    aiops_err e = {0};
    int rc = st->fmt->next(st->fst, &st->ictx, &r, &e);
    if (rc == 1) {
        st->ahead = r;
        st->have_ahead = 1;
        return;
    }
    if (rc < 0) {
        st->ahead_rc = payload_err(st, ctx, rc, &e);
        st->ahead_err = e;
    }
    end_payload(st);
}

static int kf_next(void *state, aiops_parse_ctx *ctx, aiops_record *rec, aiops_err *err)
{
    kf_state *st = state;
    if (st->have_ahead) {
        *rec = st->ahead;
        st->have_ahead = 0;
        payload_ahead(st, ctx);
        return 1;
    }
    if (st->ahead_rc) {
        int rc = st->ahead_rc;
        st->ahead_rc = 0;
        *err = st->ahead_err;
        return rc;
    }
    for (;;) {
        if (st->fmt) {
            int rc = st->fmt->next(st->fst, &st->ictx, rec, err);
            if (rc < 0) {
                rc = payload_err(st, ctx, rc, err);
                end_payload(st);
                return rc;
            }
            if (rc == 1) {
                payload_ahead(st, ctx);
                return 1;
            }
            end_payload(st);
        }
        char *l;
        size_t n;
        int rc = aiops_jlines_next(ctx->stream, &l, &n, err);
        if (rc <= 0)
            return rc;
        st->line = aiops_stream_lineno(ctx->stream);
        json_t *payload;
        if ((rc = read_envelope(st, ctx, l, n, &payload, err)) < 0)
            return rc;
        if (json_is_null(payload))
            continue;          /* tombstone */
        if ((rc = start_payload(st, ctx, payload, rec, err)) != 0)
            return rc;
    }
}

static int kf_pending(void *state)
{
    const kf_state *st = state;
    return st->have_ahead || st->ahead_rc;     /* known without reading on */
}

static int kf_probe(const char *entry, const char *head, size_t n)
{
    (void)entry;
    size_t p = aiops_jhead_start(head, n);
    if (p >= n || head[p] != '{')
        return 0;
    static const char *const keys[] = {"topic", "partition", "offset", "payload"};
    for (size_t i = 0; i < 4; i++)
        if (!aiops_jhead_key(head, n, 1, keys[i]))
            return 0;
    return 97;
}

const aiops_format aiops_fmt_kafka = {
    .name = "kafka",
    .desc = "Kafka topic dumps (kcat -C -J envelopes); each payload is parsed in its own format",
    .ordered = 1,
    .probe = kf_probe,
    .open = kf_open,
    .next = kf_next,
    .close = kf_close,
    .pending = kf_pending,
};
