/* aiops_format.h - the interface for format authors: streams (bytes and
 * lines of one entry), the parse context, struct aiops_format, and the
 * helpers parsers share (errors at the stream's line, series interning,
 * names from files, text fields).  A new format is one file under
 * formats/<family>/ that fills an aiops_format and is listed in
 * formats/format.c.  Conventions as in aiops.h. */
#ifndef AIOPS_FORMAT_H
#define AIOPS_FORMAT_H

#include "aiops.h"

/* Days since 1970-01-01 for a proleptic Gregorian date (no range checks). */
int64_t aiops_days_from_civil(int64_t y, unsigned m, unsigned d);
/* The epoch seconds of a wall-clock time written without a zone, in the
 * zone of aiops_time_zone_set (UTC by default).  Every zone-less layout of
 * a format goes through it (or aiops_parse_time). */
double aiops_local_time(int64_t y, unsigned mo, unsigned d, int h, int mi, double sec);

/* Cap the number of distinct series (AIOPS_ELIMIT past it). */
void aiops_series_table_set_max(aiops_series_table *t, size_t max_series);

/* Intern from series text in any common Prometheus spelling:
 *   name, name{a="x", b="y"}, {__name__="name",a="x"}, labels in any order,
 *   optional spaces, trailing comma.  *id receives the id.
 * The raw text is cached, so re-interning the same spelling is one hash
 * lookup.  Errors: AIOPS_EPARSE (err->msg says what was expected; file/line
 * are left for the caller), AIOPS_ELIMIT. */
int aiops_series_intern_text(aiops_series_table *t, const char *s, size_t n,
                             uint32_t *id, aiops_err *err);

/* Intern from a name and label pairs (any order; empty values are dropped
 * as in Prometheus; a "__name__" label overrides name). */
int aiops_series_intern_labels(aiops_series_table *t, const char *name,
                               const aiops_label *labels, size_t nlabels,
                               uint32_t *id, aiops_err *err);

/* The same for names from other systems' JSON and tables (vm-export,
 * Prometheus API, ClickHouse, CSV): a metric or label name outside the
 * Prometheus alphabet is mapped, not rejected, by the one rule of
 * docs/FORMAT.md: each other character becomes '_' and a leading digit
 * gets a '_' before it ("foo.bar.baz" -> "foo_bar_baz", "service.name" ->
 * "service_name"), as in aiops_sanitize_name.  Only an empty label name is
 * an error.  Our own record stream and the Prometheus text formats stay
 * strict: their names are already in the alphabet. */
int aiops_series_intern_foreign(aiops_series_table *t, const char *name,
                                const aiops_label *labels, size_t nlabels, uint32_t *id,
                                aiops_err *err);

/* Metric name from a file name: basename without its extension and
 * without a trailing date or time (aiops_stem_undated), made metric-safe
 * ("data/nyc_taxi.csv" -> "nyc_taxi", "error-ratio-2024-03-01.json" ->
 * "error_ratio"); `fallback` when nothing usable is left (stdin).  Returns
 * length. */
size_t aiops_stem_name(const char *entry, const char *fallback, char *buf, size_t bufsz);
/* Length of stem [s, s+n) without a trailing date/time of at least 8
 * digits after a separator ("error-ratio-2024-03-01" -> 11); n if none. */
size_t aiops_stem_undated(const char *s, size_t n);
/* The same stem as it is, not made metric-safe ("logs/nginx-error.log" ->
 * "nginx-error"; a service name may have dashes).  Returns length. */
size_t aiops_file_stem(const char *entry, char *buf, size_t bufsz);
/* 1 if [s, s+n) is well-formed UTF-8 (no overlongs/surrogates), else 0. */
int aiops_utf8_valid(const char *s, size_t n);
/* Metric-name-safe copy of arbitrary text ([a-zA-Z_:][a-zA-Z0-9_:]*) into
 * buf (n bytes); returns length. */
size_t aiops_sanitize_name(const char *s, size_t n, char *buf, size_t bufsz);

/* Match against any label source: get(ctx, name) returns the value of
 * label `name` ("__name__" = the metric/alert name) or NULL if absent. */
int aiops_selector_match_fn(const aiops_selector *sel,
                            const char *(*get)(const void *ctx, const char *name),
                            const void *ctx);
/* Match a non-sample record by the labels docs/FORMAT.md ("Selectors")
 * gives its type: "__name__" is the name (span: operation, event: kind,
 * log: none); other names come from its "labels", its top-level fields,
 * then its "attributes" (keys with '.' and the like read as '_'). */
int aiops_selector_match_record(const aiops_selector *sel, const struct aiops_record *r);

/* ------------------------------------------------------------ streams */

/* One input entry (a file, stdin, or an archive member) as bytes and
 * lines.  Owned by whoever opened it. */
typedef struct aiops_stream aiops_stream;

/* A stream over a memory buffer (tests, decompressed payloads).  data is
 * borrowed and must outlive the stream.  max_line/max_doc 0 = defaults.
 * Owned by caller: aiops_stream_free(). */
aiops_stream *aiops_stream_new_mem(const char *name, const char *data, size_t len,
                                   size_t max_line, size_t max_doc);
void aiops_stream_free(aiops_stream *s);
/* Set the entry mtime (used by formats whose samples lack timestamps). */
void aiops_stream_set_mtime(aiops_stream *s, double mtime);

/* Borrowed name used in messages: "path" or "archive.tar.zst:member". */
const char *aiops_stream_name(const aiops_stream *s);
/* Name of the entry itself (member path inside an archive, else the
 * path), without compression suffix (.gz/.zst/...). Borrowed. */
const char *aiops_stream_entry(const aiops_stream *s);
/* Modification time of the entry (archive member mtime), 0 if unknown. */
double aiops_stream_mtime(const aiops_stream *s);
/* Line number of the last line returned by aiops_stream_getline (1-based). */
long aiops_stream_lineno(const aiops_stream *s);
/* Next line without its "\n" (and "\r\n").  *line is borrowed, valid until
 * the next call; it is NUL-terminated at len.  Returns 1, 0 at end, or
 * AIOPS_EIO / AIOPS_ELIMIT (line longer than the cap). */
int aiops_stream_getline(aiops_stream *s, char **line, size_t *len, aiops_err *err);
/* The rest of the entry in one buffer (borrowed, NUL-terminated, valid
 * until the stream is closed).  Errors: AIOPS_EIO, AIOPS_ELIMIT (> max_doc). */
int aiops_stream_slurp(aiops_stream *s, char **data, size_t *len, aiops_err *err);
/* Up to n first bytes without consuming them (for format detection). */
int aiops_stream_peek(aiops_stream *s, const char **data, size_t *len, aiops_err *err);
/* The next piece of the entry, in memory bounded by the stream's buffer
 * (for readers that stream a document: common/jpull.h's read callback):
 * 1 with [*data, *data + *len) borrowed until the next call, 0 at the
 * end, or AIOPS_EIO. */
int aiops_stream_read(aiops_stream *s, const char **data, size_t *len, aiops_err *err);
/* The cap on one JSON document (max_doc). */
size_t aiops_stream_max_doc(const aiops_stream *s);

/* ------------------------------------------------------------- formats */

/* A format turns one stream into records.  Parsers report errors as
 * aiops_err_set(err, AIOPS_EPARSE, aiops_stream_name(s), line, "expected ..."). */
typedef struct aiops_parse_ctx {
    aiops_stream *stream;
    aiops_series_table *series;
    /* Options some formats take (NULL when not given): */
    const char *service;     /* --service: service of plain text logs */
    const char *column_map;  /* --map: "ts=event_time,value=val,series=metric" (ClickHouse) */
    const char *name;        /* --name: metric name of label-less series (else the file stem) */
    double scrape_time;      /* --scrape-time: time of samples without one; 0 = file mtime */
    /* Warnings for the user (the library does not print): NULL = drop them. */
    void (*warn)(void *warn_ctx, const char *msg);
    void *warn_ctx;
    /* Set by a parser that returns AIOPS_EPARSE after stepping past the
     * bad record, so that its next call goes on with the next record
     * (--skip-bad counts one and continues).  The reader clears it before
     * each call.  Without it, progress is judged by the line number. */
    int resumable;
    /* Set by the reader from aiops_reader_opts.raw_text: the format may
     * hand out records that carry their JSON text (obj a JSON string, see
     * aiops_record) instead of a tree.  0: trees as always. */
    int raw_text;
} aiops_parse_ctx;

/* Send a printf-style warning through ctx->warn (if any), prefixed with
 * the stream's name. */
void aiops_parse_warn(const aiops_parse_ctx *ctx, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Length of a UTF-8 byte order mark at s (3), or 0: the one BOM check
 * (editors on Windows write one; jansson rejects it). */
size_t aiops_bom_len(const char *s, size_t n);

struct aiops_format {
    const char *name;        /* --input-format value */
    const char *desc;        /* one line for --help */
    int ordered;             /* 1: records come (nearly) in time order; 0: series
                                by series, so the merge buffers the whole entry */
    /* Confidence 0..100 that head (first bytes of the entry) is this format;
     * entry is the member/file name for extension hints. */
    int (*probe)(const char *entry, const char *head, size_t n);
    /* Allocate parser state; *state owned by the merge until close. */
    int (*open)(void **state, aiops_parse_ctx *ctx, aiops_err *err);
    /* Next record: 1 = *rec filled (caller owns rec->obj), 0 = end, <0 error. */
    int (*next)(void *state, aiops_parse_ctx *ctx, aiops_record *rec, aiops_err *err);
    void (*close)(void *state);
    /* Optional, for live input: 1 if next() has records from input already
     * read (so it would not wait for more), e.g. the rest of a Kafka
     * payload.  NULL: one record per line. */
    int (*pending)(void *state);
};

/* Helpers for format parsers (parse.c). */
/* Error `code` at the stream's current line; returns code. */
int aiops_parse_fail(const aiops_parse_ctx *ctx, aiops_err *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* An error that knows what but not where (e.g. from interning): add the
 * stream's name and current line; returns err->code. */
int aiops_parse_relocate(const aiops_parse_ctx *ctx, aiops_err *err);
/* Printable excerpt of untrusted text for a message: at most 40 bytes,
 * control and non-ASCII bytes as '?', "..." when cut.  Returns buf. */
const char *aiops_snip(const char *s, size_t n, char *buf, size_t bufsz);

/* Registered formats, NULL-terminated (static, not owned). */
const aiops_format *const *aiops_formats(void);
/* Best format for a peeked head, or NULL when nothing scores > 0. */
const aiops_format *aiops_format_detect(const char *entry, const char *head, size_t n);

/* The record stream itself (NDJSON or TSV, auto-detected per line). */
extern const aiops_format aiops_fmt_stream;
extern const aiops_format aiops_fmt_prom_api;     /* query / query_range JSON */
extern const aiops_format aiops_fmt_promtool;     /* promtool tsdb dump */
extern const aiops_format aiops_fmt_expo;         /* exposition / OpenMetrics text */
extern const aiops_format aiops_fmt_csv;          /* timestamp,value and wide CSV */
extern const aiops_format aiops_fmt_vm_export;    /* VictoriaMetrics export JSON lines */
extern const aiops_format aiops_fmt_alertmanager; /* webhook payloads, /api/v2/alerts */
extern const aiops_format aiops_fmt_prom_alerts;  /* Prometheus /api/v1/alerts */
extern const aiops_format aiops_fmt_pagerduty;    /* incidents CSV, REST JSON */
extern const aiops_format aiops_fmt_opsgenie;     /* alert export JSON */
extern const aiops_format aiops_fmt_kafka;        /* kcat -C -J envelopes */
extern const aiops_format aiops_fmt_clickhouse;   /* JSONEachRow / TSVWithNames */
extern const aiops_format aiops_fmt_loki;         /* Loki logcli jsonl, query_range streams */
extern const aiops_format aiops_fmt_es;           /* Elasticsearch/OpenSearch hits */
extern const aiops_format aiops_fmt_fluentbit;    /* Fluent Bit / Fluentd JSON records */
extern const aiops_format aiops_fmt_textlog;      /* plain text log files */
extern const aiops_format aiops_fmt_jaeger;       /* Jaeger trace JSON */
extern const aiops_format aiops_fmt_otlp;         /* OTLP/JSON traces */
extern const aiops_format aiops_fmt_zipkin;       /* Zipkin v2 JSON spans */
extern const aiops_format aiops_fmt_k8s_events;   /* kubectl get events -o json */
extern const aiops_format aiops_fmt_deploy;       /* deploy/change event JSON */

/* A new tree (owned by the caller) of the JSON members a record carries
 * as text (aiops_record, raw text), leaving the record as it is; NULL
 * with err set.  aiops_record_json() is the same kept in the record. */
json_t *aiops_record_text_json(const aiops_record *r, aiops_err *err);

/* Parse one line of the record stream (NDJSON object or "ts\tseries\tvalue")
 * into rec.  file/line are only used for messages.  Returns 0 or <0. */
int aiops_record_parse_line(aiops_series_table *tab, char *line, size_t len,
                            const char *file, long lineno,
                            aiops_record *rec, aiops_err *err);

/* Extra cache keys for a series (e.g. the raw JSON name+labels text of an
 * NDJSON sample).  Keys must start with a byte that no series text starts
 * with ('\x01').  lookup: 1 found, 0 not.  add: 0 or <0. */
int aiops_series_lookup_key(aiops_series_table *t, const char *k, size_t n, uint32_t *id);
int aiops_series_add_key(aiops_series_table *t, const char *k, size_t n, uint32_t id);

/* Text sample lines (parse.c): the next field of [*pos, n) separated by
 * blanks (space, tab), 1 with [*start, *start + *len) and *pos past it,
 * or 0 at the end; and the sample value field (number, NaN, +Inf, -Inf),
 * an error naming what it follows ("the series") when missing or bad. */
int aiops_text_field(const char *s, size_t n, size_t *pos, size_t *start, size_t *len);
int aiops_text_value(const aiops_parse_ctx *ctx, const char *s, size_t n, size_t *pos,
                     const char *after, double *v, aiops_err *err);

/* JSON lines read from a stream: the next line that is not blank (only
 * spaces, tabs, CRs).  1 = *line, *len (as aiops_stream_getline), 0 at the
 * end, <0 error. */
int aiops_jlines_next(aiops_stream *s, char **line, size_t *len, aiops_err *err);

#endif /* AIOPS_FORMAT_H */
