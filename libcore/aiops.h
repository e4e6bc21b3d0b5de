/* aiops.h - public API of libaiops, the library every aiops-* tool links:
 * errors, numbers and time, series, selectors, records, the reader and the
 * writer.  What format parsers need beyond it is in aiops_format.h.
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
/* A threshold or score for people: "%.4g", except that a value within 1 %
 * below 1 (calibrated scores, 0.9999999) reads "1 - 1e-07".  buf needs 32
 * bytes.  Returns length. */
size_t aiops_fmt_score(double v, char *buf);

/* Time: seconds since the Unix epoch as a double (fractional allowed).
 * Accepts RFC 3339 ("2024-01-02T03:04:05.5Z", "+02:00" offsets), the same
 * with a space instead of 'T' and/or without zone (= the zone of
 * aiops_time_zone_set, UTC by default), "YYYY-MM-DD" (midnight there),
 * and plain epoch numbers: seconds, or milliseconds / microseconds /
 * nanoseconds when the magnitude says so (> 1e11 / 1e14 / 1e17).
 * Returns 0 or -1. */
int aiops_parse_time(const char *s, size_t n, double *out);
/* The zone of times written without one, for the whole process: an IANA
 * name of the system zoneinfo ($TZDIR, else /usr/share/zoneinfo), e.g.
 * "Europe/Berlin", with or without a leading ':'; "UTC" (also GMT,
 * Etc/UTC, ...), NULL or "" = UTC, the default.  Set it once, before
 * reading.  A wall-clock time that occurs twice (clocks set back) is the
 * earlier instant; one in a gap (clocks set forward) is read with the
 * offset before the change (02:30 in a 02:00-03:00 gap = 03:30 after it).
 * Errors: AIOPS_EINVAL, an unknown zone (err->msg names it). */
int aiops_time_zone_set(const char *name, aiops_err *err);
/* Its name ("UTC" by default). */
const char *aiops_time_zone(void);
/* Durations: "90", "90s", "5m", "1h30m", "2d", "1w", "250ms" -> seconds. */
int aiops_parse_duration(const char *s, size_t n, double *out);
/* RFC 3339 UTC text for t ("2024-01-02T03:04:05Z", millis if fractional).
 * buf needs 40 bytes.  Returns length. */
size_t aiops_fmt_time(double t, char *buf);

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

/* What a series measures, when its source says (# TYPE in exposition text,
 * "metric_type" in the record stream): a counter only goes up (but for
 * resets); a gauge goes up and down.  The samples of histograms and
 * summaries (_bucket, _count, _sum) are counters. */
typedef enum { AIOPS_MTYPE_UNKNOWN = 0, AIOPS_MTYPE_COUNTER, AIOPS_MTYPE_GAUGE } aiops_mtype;

typedef struct aiops_series {
    const char *text;        /* canonical text, owned by the table */
    size_t text_len;
    const char *name;        /* metric name ("" if none), owned by the table */
    size_t nlabels;
    const aiops_label *labels;   /* sorted by name, owned by the table */
    uint64_t count;          /* samples seen (maintained by callers, e.g. --stats) */
    void *user;              /* free slot for tools (e.g. cached match result) */
    aiops_mtype type;        /* set by the format that read it (first one wins) */
} aiops_series;

typedef struct aiops_series_table aiops_series_table;

aiops_series_table *aiops_series_table_new(void);
void aiops_series_table_free(aiops_series_table *t);
size_t aiops_series_table_count(const aiops_series_table *t);
/* Borrowed; valid until the table is freed (ids are stable, pointers too). */
aiops_series *aiops_series_get(aiops_series_table *t, uint32_t id);

/* Value of label `name` or NULL (borrowed).  "__name__" gives the name. */
const char *aiops_series_label(const aiops_series *s, const char *name);
/* Service attribution: first present of the labels in
 * AIOPS_SERVICE_LABELS, or NULL. */
#define AIOPS_SERVICE_LABELS { "service", "service_name", "app", \
    "app_kubernetes_io_name", "k8s_app", "container", "job", NULL }
const char *aiops_series_service(const aiops_series *s);

/* ------------------------------------------------------------- selector */

/* Prometheus-style selector: name{l="v",l!="v",l=~"re",l!~"re"}.  Regexes
 * are RE2 syntax, fully anchored like PromQL; what POSIX regcomp cannot
 * express (backreferences, lookarounds, \b, ...) is a parse error.
 * Owned by caller. */
typedef struct aiops_selector aiops_selector;
int aiops_selector_parse(const char *text, aiops_selector **out, aiops_err *err);
void aiops_selector_free(aiops_selector *sel);
int aiops_selector_match(const aiops_selector *sel, const aiops_series *s);

/* Any of several selectors (a repeated --match), for whole records:
 * samples match by their series (the answer is cached per series id),
 * logs, spans, events, alerts, bands and anomalies by their labels
 * (aiops_selector_match_record), other records always pass, and so does
 * everything when no selector was added.
 * Owned by caller. */
typedef struct aiops_match aiops_match;
aiops_match *aiops_match_new(void);                   /* NULL: out of memory */
int aiops_match_add(aiops_match *m, const char *selector, aiops_err *err);
size_t aiops_match_count(const aiops_match *m);
struct aiops_record;
int aiops_match_record(aiops_match *m, aiops_series_table *tab, const struct aiops_record *r);
void aiops_match_free(aiops_match *m);

/* --------------------------------------------------------------- shards */

/* --shard K/N (docs/SCALE.md): N processes that each keep one shard share a
 * stream with no coordination.  A sample belongs to shard
 *     fmix64(FNV-1a-64(canonical series text)) mod N
 * (fmix64: MurmurHash3's 64-bit finaliser), so a series' shard depends on
 * its identity only: not on input order, file, machine or N's other
 * members.  Every other record (log, span, event, alert, band, anomaly,
 * label, ...) belongs to shard 0, so the N shards together carry every
 * record exactly once.  K counts from 0. */
typedef struct aiops_shard {
    uint32_t k, n;           /* n == 0: not sharded (every record is kept) */
} aiops_shard;

#define AIOPS_SHARD_MAX 65536u
/* "K/N" with 0 <= K < N <= AIOPS_SHARD_MAX: 0, or AIOPS_EINVAL with what
 * was expected in err. */
int aiops_shard_parse(const char *text, aiops_shard *out, aiops_err *err);
/* The shard of a series text among n (n >= 1). */
uint32_t aiops_shard_of(const char *text, size_t len, uint32_t n);
/* 1 if record r belongs to shard sh (always 1 when sh->n == 0). */
struct aiops_record;
int aiops_shard_keep(const aiops_shard *sh, aiops_series_table *tab, const struct aiops_record *r);

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
 * obj is owned by the record: aiops_record_clear() releases it.
 *
 * Raw text (aiops_reader_opts.raw_text): a log, span, event, alert,
 * anomaly or band record may instead carry its fields as JSON text (the
 * stream format's own lines of these types are read that way when their
 * text can be kept as the writer would print it): obj is then a JSON
 * *string* (never an object) holding ',"k":v,...', the members after
 * type and ts in output order (or "").  The writer copies that text as it
 * is; a consumer that wants the tree calls aiops_record_json(), which
 * replaces the string by the object built from it (numbers as the text
 * spells them: 2, not 2.0).  Without raw_text every record's obj is an
 * object (or NULL) as it always was.  The struct itself is unchanged. */
typedef struct aiops_record {
    aiops_rtype type;
    uint32_t sid;
    double ts;
    double value;
    json_t *obj;
} aiops_record;

void aiops_record_clear(aiops_record *r);
/* 1 if the record carries its fields as text (above), with *text and
 * *len set (borrowed, owned by r); else 0. */
int aiops_record_text(const aiops_record *r, const char **text, size_t *len);
/* r->obj as an object: built from the record's text first when it
 * carries text (above).  Borrowed (owned by r).  NULL with err set
 * (AIOPS_ENOMEM, or AIOPS_EPARSE for text that is not JSON members) or,
 * for a record without fields (a plain sample), NULL with err->code 0. */
json_t *aiops_record_json(aiops_record *r, aiops_err *err);
/* Set the top-level member key to val (a reference is stolen, also on
 * failure).  A text record stays text when it has no such member yet (the
 * member is appended, as json_object_set appends it to a tree); else the
 * tree is built first (aiops_record_json).  A record without fields gets
 * an object.  0 or <0 with err set. */
int aiops_record_set(aiops_record *r, const char *key, json_t *val, aiops_err *err);

/* A field view: a record's members read without building a tree, the
 * same for text and tree records (record/rfield.c).  Set it to a record,
 * then look members up by key: obj NULL for a top-level member, or the
 * key of a top-level object member (labels, attributes, annotations) for
 * one of its members.  Strings come decoded and NUL-terminated; pointers
 * are borrowed and valid until the next aiops_rview_set (raw text of a
 * tree record: until the next aiops_rview_raw).  A view is reused from
 * record to record; owned by the caller. */
typedef enum aiops_fkind {
    AIOPS_F_NONE = 0,        /* missing (or the record has no fields) */
    AIOPS_F_STR,
    AIOPS_F_NUM,
    AIOPS_F_TRUE,
    AIOPS_F_FALSE,
    AIOPS_F_NULL,
    AIOPS_F_OBJ,
    AIOPS_F_ARR,
} aiops_fkind;
typedef struct aiops_rview aiops_rview;
aiops_rview *aiops_rview_new(void);                    /* NULL: out of memory */
void aiops_rview_free(aiops_rview *v);
/* r is borrowed and must stay unchanged while the view is used.  0, or
 * AIOPS_ENOMEM (err set); text that is not JSON members reads as a record
 * without fields. */
int aiops_rview_set(aiops_rview *v, const aiops_record *r, aiops_err *err);
aiops_fkind aiops_rview_kind(aiops_rview *v, const char *obj, const char *key);
/* The string member's text (len: its length, may be NULL), or NULL when
 * the member is missing or not a string. */
const char *aiops_rview_str(aiops_rview *v, const char *obj, const char *key, size_t *len);
/* 1 with *out set when the member is a JSON number, else 0. */
int aiops_rview_num(aiops_rview *v, const char *obj, const char *key, double *out);
/* 1 with the member's JSON text (compact, as the writer prints it), 0 when
 * missing. */
int aiops_rview_raw(aiops_rview *v, const char *obj, const char *key, const char **json,
                    size_t *len);
/* The members of obj (NULL: the top level) in order: start with *it = 0;
 * 1 with *key, *kind and, for a string, *str (else NULL) set; 0 after the
 * last one. */
int aiops_rview_next(aiops_rview *v, const char *obj, size_t *it, const char **key,
                     aiops_fkind *kind, const char **str);



/* ------------------------------------------------------------- formats */

/* The input formats (their interface is aiops_format.h).  For listings:
 * name and one-line description of format i, NULL past the last one. */
typedef struct aiops_format aiops_format;
const char *aiops_format_info(size_t i, const char **desc);
/* The format called name (aliases: ndjson, tsv, openmetrics), or NULL. */
const aiops_format *aiops_format_find(const char *name);

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
    const char *name;            /* metric name of label-less series (parse ctx name) */
    double scrape_time;          /* samples without a time (exposition text); 0 = file mtime */
    int strict;                  /* files in directories/archives that no format recognises:
                                    an error (1) instead of a warning and a skip (0) */
    int keep_duplicates;         /* 1: pass samples repeating a series and time as they are */
    int index;                   /* 1: keep each archive's listing in ARCHIVE.aiops-index
                                    beside it and use it while the archive and these
                                    options are unchanged (the listing pass, which
                                    decompresses the whole archive, is then skipped) */
    int raw_text;                /* 1: records may carry their JSON text in obj, as a
                                    JSON string (aiops_record, aiops_record_json);
                                    0: obj is always an object, as before */
    /* Warnings (skipped files, file times used, ...): NULL = dropped. */
    void (*warn)(void *warn_ctx, const char *msg);
    void *warn_ctx;
    /* Live input (docs/SCALE.md).  follow > 0 (aiops-replay --follow): read
     * the one input (standard input or a plain file, which is followed as it
     * grows, like tail -f) as records arrive, and hand each record on at the
     * latest `follow` seconds of wall-clock time after it arrived (or when
     * the reorder window is full): records that come up to that late are
     * still put in time order.  A record later than that is an error (with
     * skip_bad: skipped and counted).  Standard input that is a pipe carrying
     * the record stream (format "stream") is read this way by itself, with
     * AIOPS_LIVE_DELAY, so every tool of a pipe passes records on as they
     * come.  flush (may be NULL) is flushed each time the reader is about to
     * wait for live input. */
    double follow;
    struct aiops_writer *flush;
} aiops_reader_opts;

#define AIOPS_LIVE_DELAY 0.05    /* seconds: live standard input without --follow */

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
/* Samples dropped because an earlier one had the same series and time:
 * *dups with the same value, *conflicts with a different one (the first in
 * merge order is kept); *example describes the first conflict ("series at
 * TIME: kept V1, dropped V2"; borrowed, "" when none). */
void aiops_reader_duplicates(const aiops_reader *rd, uint64_t *dups, uint64_t *conflicts,
                             const char **example);
/* Entries (files in directories, archive members) skipped because no
 * format recognised them. */
size_t aiops_reader_unrecognised(const aiops_reader *rd);
/* Where the record last returned by aiops_reader_next came from: its file
 * ("archive:member" for archive members, "<stdin>") and line, so tools can
 * report "FILE:LINE: ..." about records they reject.  *file is borrowed,
 * valid until the next call. */
void aiops_reader_where(aiops_reader *rd, const char **file, long *line);
/* Number of entries (files/members) the reader merges. */
size_t aiops_reader_entries(const aiops_reader *rd);
void aiops_reader_free(aiops_reader *rd);

/* ----------------------------------------- ALERTS series -> alerts */

/* Prometheus writes one sample of ALERTS{alertname, alertstate, <alert
 * labels>} = 1 per rule evaluation while an alert is pending or firing.
 * Fed a time-ordered record stream, this transform finds the intervals of
 * each (alert labels, alertstate) series and makes alert records:
 *
 *   - a "firing" (or "pending") record when an interval opens, ts = start
 *     = the first sample of the interval;
 *   - a "resolved" record when a firing interval closes, ts = end = the
 *     first evaluation that no longer saw it: the time of a sample with
 *     value 0 (or NaN, a staleness marker), or the last sample + one
 *     interval when the series stops for more than 2 intervals.  Pending
 *     intervals close silently (they never fired).
 *   - a firing interval still open at the end of the input stays firing
 *     (no resolved record: the data does not say it ended).
 *
 * The interval is the evaluation interval: `interval` seconds if > 0,
 * else learned as the smallest gap between two samples of one ALERTS
 * series (60 s, Prometheus' default evaluation_interval, until then).
 * fingerprint = aiops_alert_fingerprint of the labels without alertstate,
 * which is what Alertmanager computes for the alert (absent external
 * labels), severity = labels.severity, service by attribution, source =
 * "prometheus".
 *
 * Output order: aiops_alerts_series_pop() returns records in time order
 * (ties: input order, a firing record after the sample that opened it).
 * With passthrough = 1 every pushed record is returned too, merged in
 * order, so pushing a whole stream and popping gives the same stream
 * with the alert records in place; records are held back only while an
 * open interval could still produce an earlier resolved record (at most
 * ~2 intervals of input).  With passthrough = 0 only alert records come
 * out (pushed records are consumed).
 *
 * Use:  new; for each record: push, then pop until 0; at the end: finish,
 * then pop until 0; free. */
typedef struct aiops_alerts_series aiops_alerts_series;

int aiops_alerts_series_new(aiops_alerts_series **out, aiops_series_table *tab, double interval,
                            int passthrough, aiops_err *err);
/* Takes ownership of *rec (it is zeroed).  Records must come in time
 * order: an older one is AIOPS_EORDER.  Non-ALERTS records only pass. */
int aiops_alerts_series_push(aiops_alerts_series *a, aiops_record *rec, aiops_err *err);
/* End of input: everything still held becomes ready. */
int aiops_alerts_series_finish(aiops_alerts_series *a, aiops_err *err);
/* 1 = *rec filled (caller owns it), 0 = nothing ready now. */
int aiops_alerts_series_pop(aiops_alerts_series *a, aiops_record *rec);
/* Alert records made so far. */
uint64_t aiops_alerts_series_count(const aiops_alerts_series *a);
void aiops_alerts_series_free(aiops_alerts_series *a);

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
