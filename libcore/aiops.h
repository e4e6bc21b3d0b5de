/* aiops.h - public API of libaiops, the library every aiops-* tool links.
 *
 * Conventions (see docs/ARCHITECTURE.md):
 *  - Functions return 0 (or a count / 1 = "got one") on success and a negative
 *    AIOPS_E* code on failure, after filling the caller's aiops_err with the
 *    file, line and a message.  The library never prints and never exits.
 *  - x_new()/x_free() pairs; every x_free() accepts NULL.
 *  - Each declaration says who owns what it returns.  "borrowed" means the
 *    pointer stays owned by the object it came from and is valid until that
 *    object is freed or the next call that says it invalidates it.
 */
#ifndef AIOPS_H
#define AIOPS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <jansson.h>

#define AIOPS_VERSION "0.1.0"

/* ---------------------------------------------------------------- errors */

enum {
    AIOPS_OK = 0,
    AIOPS_EIO = -1,      /* read/write/open failure */
    AIOPS_EPARSE = -2,   /* malformed input */
    AIOPS_ENOMEM = -3,   /* allocation failed */
    AIOPS_EINVAL = -4,   /* bad argument / usage */
    AIOPS_ELIMIT = -5,   /* a size cap was hit (line, document, buffer) */
    AIOPS_EORDER = -6,   /* input out of time order beyond the reorder window */
    AIOPS_EFORMAT = -7,  /* input format not recognised */
};

typedef struct aiops_err {
    int code;            /* last AIOPS_E* code, 0 if none */
    long line;           /* 1-based line in file, 0 if not applicable */
    char file[512];      /* file (or archive:member) the error is about, "" if none */
    char msg[512];
} aiops_err;

/* Fill err (if non-NULL) and return code.  file may be NULL. */
int aiops_err_set(aiops_err *err, int code, const char *file, long line,
                  const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
void aiops_err_clear(aiops_err *err);
/* Set where an error happened, keeping its code and message (for errors
 * from helpers that know what went wrong but not where).  Returns the code. */
int aiops_err_locate(aiops_err *err, const char *file, long line);
/* "file:line: msg" (or the parts that are set) into buf; returns buf. */
const char *aiops_err_str(const aiops_err *err, char *buf, size_t n);

/* Size caps for buffers that grow from untrusted input. */
#define AIOPS_MAX_LINE_DEFAULT   ((size_t)64 << 20)   /* one line: 64 MiB */
#define AIOPS_MAX_DOC_DEFAULT    ((size_t)1 << 30)    /* one JSON document: 1 GiB */
#define AIOPS_MAX_SERIES_DEFAULT ((size_t)10000000)   /* distinct series */

/* ---------------------------------------------------------- numbers/time */

/* Parse a decimal/exponent number, or NaN/Inf spellings (NaN, +Inf, -Inf,
 * inf, ...).  The whole [s, s+n) must be consumed.  Returns 0 or -1. */
int aiops_parse_double(const char *s, size_t n, double *out);
/* Parse an optional-sign base-10 integer; whole span, overflow checked. */
int aiops_parse_int64(const char *s, size_t n, int64_t *out);
/* Shortest-ish text that parses back to exactly v ("NaN", "+Inf", "-Inf"
 * for the specials).  buf needs 32 bytes.  Returns length. */
size_t aiops_fmt_double(double v, char *buf);

/* Time: seconds since the Unix epoch as a double (fractional allowed).
 * Accepts RFC 3339 ("2024-01-02T03:04:05.5Z", "+02:00" offsets), the same
 * with a space instead of 'T' and/or without zone (= UTC), "YYYY-MM-DD",
 * and plain epoch numbers: seconds, or milliseconds / microseconds /
 * nanoseconds when the magnitude says so (> 1e11 / 1e14 / 1e17).
 * Returns 0 or -1. */
int aiops_parse_time(const char *s, size_t n, double *out);
/* Durations: "90", "90s", "5m", "1h30m", "2d", "1w", "250ms" -> seconds. */
int aiops_parse_duration(const char *s, size_t n, double *out);
/* RFC 3339 UTC text for t ("2024-01-02T03:04:05Z", millis if fractional).
 * buf needs 40 bytes.  Returns length. */
size_t aiops_fmt_time(double t, char *buf);
/* Days since 1970-01-01 for a proleptic Gregorian date (no range checks). */
int64_t aiops_days_from_civil(int64_t y, unsigned m, unsigned d);

/* ------------------------------------------------------------- series */

/* A series is a metric name plus a label set.  Its canonical text is the
 * Prometheus form with labels sorted by name and no spaces:
 *     name{a="x",b="y"}      (just "name" without labels, "{a="x"}" without name)
 * Label values are escaped as Prometheus does: \\  \"  \n.
 * Series are interned in an aiops_series_table and referred to by a dense
 * uint32 id; memory is bounded by the number of distinct series. */

typedef struct aiops_label {
    const char *name;
    const char *value;
} aiops_label;

typedef struct aiops_series {
    const char *text;        /* canonical text, owned by the table */
    size_t text_len;
    const char *name;        /* metric name ("" if none), owned by the table */
    size_t nlabels;
    const aiops_label *labels;   /* sorted by name, owned by the table */
    uint64_t count;          /* samples seen (maintained by callers, e.g. --stats) */
    void *user;              /* free slot for tools (e.g. cached match result) */
    char *ndjson_prefix;     /* writer cache, owned by the table */
    size_t ndjson_prefix_len;
} aiops_series;

typedef struct aiops_series_table aiops_series_table;

aiops_series_table *aiops_series_table_new(void);
void aiops_series_table_free(aiops_series_table *t);
void aiops_series_table_set_max(aiops_series_table *t, size_t max_series);
size_t aiops_series_table_count(const aiops_series_table *t);
/* Borrowed; valid until the table is freed (ids are stable, pointers too). */
aiops_series *aiops_series_get(aiops_series_table *t, uint32_t id);

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
/* Value of label `name` or NULL (borrowed).  "__name__" gives the name. */
const char *aiops_series_label(const aiops_series *s, const char *name);
/* Service attribution: first present of the labels in
 * AIOPS_SERVICE_LABELS, or NULL. */
#define AIOPS_SERVICE_LABELS { "service", "service_name", "app", \
    "app_kubernetes_io_name", "k8s_app", "container", "job", NULL }
const char *aiops_series_service(const aiops_series *s);
/* Metric name from a file name: basename without its extension, made
 * metric-safe ("data/nyc_taxi.csv" -> "nyc_taxi"); `fallback` when nothing
 * usable is left (stdin).  Returns length. */
size_t aiops_stem_name(const char *entry, const char *fallback, char *buf, size_t bufsz);
/* The same stem as it is, not made metric-safe ("logs/nginx-error.log" ->
 * "nginx-error"; a service name may have dashes).  Returns length. */
size_t aiops_file_stem(const char *entry, char *buf, size_t bufsz);
/* 1 if [s, s+n) is well-formed UTF-8 (no overlongs/surrogates), else 0. */
int aiops_utf8_valid(const char *s, size_t n);
/* Metric-name-safe copy of arbitrary text ([a-zA-Z_:][a-zA-Z0-9_:]*) into
 * buf (n bytes); returns length. */
size_t aiops_sanitize_name(const char *s, size_t n, char *buf, size_t bufsz);

/* ------------------------------------------------------------- selector */

/* Prometheus-style selector: name{l="v",l!="v",l=~"re",l!~"re"}.  Regexes
 * are POSIX extended, fully anchored like PromQL.  Owned by caller. */
typedef struct aiops_selector aiops_selector;
int aiops_selector_parse(const char *text, aiops_selector **out, aiops_err *err);
void aiops_selector_free(aiops_selector *sel);
int aiops_selector_match(const aiops_selector *sel, const aiops_series *s);
/* Match against any label source: get(ctx, name) returns the value of
 * label `name` ("__name__" = the metric/alert name) or NULL if absent. */
int aiops_selector_match_fn(const aiops_selector *sel,
                            const char *(*get)(const void *ctx, const char *name),
                            const void *ctx);
/* Match a non-sample record by its "labels" object; "__name__" is its
 * "name" field and "service" falls back to its "service" field. */
int aiops_selector_match_record(const aiops_selector *sel, const json_t *obj);

/* Any of several selectors (a repeated --match), for whole records:
 * samples match by their series (the answer is cached per series id),
 * records with a "labels" object by aiops_selector_match_record, other
 * records always pass, and so does everything when no selector was added.
 * Owned by caller. */
typedef struct aiops_match aiops_match;
aiops_match *aiops_match_new(void);                   /* NULL: out of memory */
int aiops_match_add(aiops_match *m, const char *selector, aiops_err *err);
size_t aiops_match_count(const aiops_match *m);
struct aiops_record;
int aiops_match_record(aiops_match *m, aiops_series_table *tab, const struct aiops_record *r);
void aiops_match_free(aiops_match *m);

/* --------------------------------------------------------------- records */

typedef enum aiops_rtype {
    AIOPS_R_OTHER = 0,   /* a type this version does not know: passed through */
    AIOPS_R_SAMPLE,
    AIOPS_R_LOG,
    AIOPS_R_SPAN,
    AIOPS_R_EVENT,
    AIOPS_R_ALERT,
    AIOPS_R_BAND,
    AIOPS_R_ANOMALY,
    AIOPS_R_INCIDENT,
    AIOPS_R_RCA,
    AIOPS_R_PREDICTION,
    AIOPS_R_SUMMARY,
    AIOPS_R_LABEL,
    AIOPS_R__COUNT
} aiops_rtype;

const char *aiops_rtype_name(aiops_rtype t);       /* "sample", ... */
aiops_rtype aiops_rtype_from_name(const char *s, size_t n);

/* One record of the stream (docs/FORMAT.md).
 *  - samples: sid/value are set; obj is NULL unless the input record had
 *    fields beyond type/ts/name/labels/series/value, which are kept in obj
 *    (so they are preserved when a tool passes the record through).
 *  - every other type: obj holds the whole JSON object (ts too).
 * obj is owned by the record: aiops_record_clear() releases it. */
typedef struct aiops_record {
    aiops_rtype type;
    uint32_t sid;
    double ts;
    double value;
    json_t *obj;
} aiops_record;

void aiops_record_clear(aiops_record *r);

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

/* ------------------------------------------------------------- formats */

/* A format turns one stream into records.  Parsers report errors as
 * aiops_err_set(err, AIOPS_EPARSE, aiops_stream_name(s), line, "expected ..."). */
typedef struct aiops_parse_ctx {
    aiops_stream *stream;
    aiops_series_table *series;
    /* Options some formats take (NULL when not given): */
    const char *service;     /* --service: service of plain text logs */
    const char *column_map;  /* --map: "ts=event_time,value=val,series=metric" (ClickHouse) */
} aiops_parse_ctx;

typedef struct aiops_format {
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
} aiops_format;

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
const aiops_format *aiops_format_find(const char *name);
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

/* Parse one line of the record stream (NDJSON object or "ts\tseries\tvalue")
 * into rec.  file/line are only used for messages.  Returns 0 or <0. */
int aiops_record_parse_line(aiops_series_table *tab, char *line, size_t len,
                            const char *file, long lineno,
                            aiops_record *rec, aiops_err *err);

/* ------------------------------------------------------------- reader */

typedef struct aiops_reader_opts {
    const char *force_format;    /* NULL = auto-detect per entry */
    const char *const *allowed;  /* NULL-terminated format names, NULL = all */
    size_t max_line;             /* 0 = AIOPS_MAX_LINE_DEFAULT */
    size_t max_doc;              /* 0 = AIOPS_MAX_DOC_DEFAULT */
    size_t reorder_window;       /* records per ordered entry; 0 = 4096 */
    size_t max_buffer;           /* buffered in all, in units: a sample is 1, a record with
                                    JSON fields 22 (about 1 KiB); 0 = 8M (about 400 MiB) */
    size_t max_open;             /* entries read at once; 0 = 512 */
    int skip_bad;                /* malformed records: count and go on instead of failing */
    const char *service;         /* passed to formats (aiops_parse_ctx.service) */
    const char *column_map;      /* passed to formats (aiops_parse_ctx.column_map) */
    const char *const *members;  /* NULL-terminated globs: keep only archive members (and
                                    files found in directories) whose name matches one */
} aiops_reader_opts;

/* Reads every input (files, "-" for stdin, directories recursively,
 * archives .tar/.tar.gz/.tar.zst/.zip/..., single .gz/.zst/.xz/.bz2 files;
 * all streamed, never extracted) and yields one time-ordered record stream
 * (k-way merge over entries; ties keep input order).  Owned by caller. */
typedef struct aiops_reader aiops_reader;

int aiops_reader_new(aiops_reader **out, const char *const *paths, size_t npaths,
                     aiops_series_table *tab, const aiops_reader_opts *opts,
                     aiops_err *err);
/* 1 = *rec filled (caller owns it: aiops_record_clear), 0 = end, <0 error. */
int aiops_reader_next(aiops_reader *rd, aiops_record *rec, aiops_err *err);
/* With skip_bad: how many malformed records (or unreadable rests of
 * entries) were skipped so far, and the first such error (borrowed). */
uint64_t aiops_reader_skipped(const aiops_reader *rd, const aiops_err **first);
/* Where the record last returned by aiops_reader_next came from: its file
 * ("archive:member" for archive members, "<stdin>") and line, so tools can
 * report "FILE:LINE: ..." about records they reject.  *file is borrowed,
 * valid until the next call. */
void aiops_reader_where(aiops_reader *rd, const char **file, long *line);
/* Number of entries (files/members) the reader merges. */
size_t aiops_reader_entries(const aiops_reader *rd);
void aiops_reader_free(aiops_reader *rd);

/* ------------------------------------------------------------- writer */

typedef enum { AIOPS_OUT_NDJSON = 0, AIOPS_OUT_TSV = 1 } aiops_out_format;

typedef struct aiops_writer aiops_writer;
/* path NULL or "-" = stdout.  zstd: compress (also implied by a ".zst"
 * path).  Owned by caller; aiops_writer_close() flushes and frees. */
int aiops_writer_new(aiops_writer **out, const char *path, aiops_out_format fmt,
                     int zstd, aiops_series_table *tab, aiops_err *err);
/* TSV output can only carry samples: other records are written as NDJSON
 * lines (readers accept the mix). */
int aiops_writer_write(aiops_writer *w, const aiops_record *rec, aiops_err *err);
int aiops_writer_flush(aiops_writer *w, aiops_err *err);
/* Flush, finish the zstd frame, close; always frees w.  Returns 0 or <0. */
int aiops_writer_close(aiops_writer *w, aiops_err *err);

#endif /* AIOPS_H */
