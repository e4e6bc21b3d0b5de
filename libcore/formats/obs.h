/* obs.h - helpers shared by the input formats that produce log, span and
 * event records (fmt_loki.c, fmt_es.c, fmt_fluentbit.c, fmt_textlog.c,
 * fmt_jaeger.c, fmt_otlp.c, fmt_zipkin.c, fmt_k8sevents.c, fmt_deploy.c).
 * Not public: the formats' only exported symbols stay their aiops_format.
 *
 * obs_json.c  documents of concatenated JSON values or JSON lines, UTF-8
 *             repair of JSON text (members are read with jdoc.h), and
 *             documents read as they stream (aiops_obs_pull, over jpull.h).
 * obs_rec.c   record builders in docs/FORMAT.md field order, labels,
 *             service attribution, log records from shippers' JSON objects,
 *             the record queue, open/next/close for document formats and
 *             the walk over an array of values (aiops_obs_each).
 * obs_text.c  log levels, UTF-8 repair of free text, ids (hex ids in
 *             members, ids quoted in log text), Kubernetes workload names. */
#ifndef AIOPS_OBS_H
#define AIOPS_OBS_H

#include "aiops_format.h"
#include "common/buf.h"
#include "common/jdoc.h"
#include "common/jpull.h"

/* ------------------------------------------------------ JSON walking */

/* A parser walks each top-level JSON value with an aiops_jdoc (jdoc.h):
 * the path of the value it checks, so errors found after jansson has
 * parsed it (wrong types, missing fields) name the JSON path and the line
 * of the offending value in the raw text.  Members are read with jdoc's
 * typed getters; a required one is asked for with AIOPS_OBS_REQ, whose
 * message is: expected a "key" member. */
#define AIOPS_OBS_REQ (AIOPS_JDOC_REQUIRED | AIOPS_JDOC_MEMBER)

/* A hex id of 1..32 digits, lower-cased into buf (>= 33 bytes; "" when
 * absent).  As the jdoc getters: 1, 0 (absent) or <0. */
int aiops_obs_hex(aiops_jdoc *w, json_t *obj, const char *key, int flags, char *buf);

/* ------------------------------------------- documents of JSON values */

/* A sequence of top-level JSON values (objects or arrays): one document,
 * several concatenated ones (pretty-printed watch streams, scroll pages),
 * or JSON lines.  Doc mode slurps the entry; line mode reads one value per
 * non-blank line, so it streams.  Invalid UTF-8 inside strings under one
 * of `msgkeys` (free-text log messages) is replaced by U+FFFD; anywhere
 * else it is an error naming the field. */
typedef struct aiops_obs_doc {
    aiops_parse_ctx *ctx;
    int lines;
    const char *const *msgkeys;
    const char *what;        /* "a Jaeger JSON document": for parse errors */
    const char *text;        /* doc mode: the whole entry */
    size_t len, pos;
    long line;               /* line number at pos */
    char *own;               /* repaired copy of the text or line */
    size_t *fix;             /* offsets of the replacements in own */
    size_t nfix;
} aiops_obs_doc;

enum { AIOPS_OBS_DOC = 0, AIOPS_OBS_LINES = 1, AIOPS_OBS_AUTO = 2 };
/* Is the entry's first non-blank line a whole JSON value by itself (JSON
 * lines)?  Decided on the stream's head, consuming nothing; 0 when it
 * cannot tell (a first line longer than the head).  A failed peek sets
 * err and gives 0 (the real read reports it again). */
int aiops_obs_first_line_is_value(aiops_parse_ctx *ctx, aiops_err *err);
/* mode AIOPS_OBS_AUTO: line mode when the first non-blank line is a whole
 * JSON value by itself (JSON lines: an error then costs one line, which
 * --skip-bad can step over), else doc mode. */
int aiops_obs_doc_open(aiops_obs_doc *d, aiops_parse_ctx *ctx, int mode,
                       const char *const *msgkeys, aiops_err *err);
/* 1: *out is the next value (owned by the caller) and w is set up to walk
 * it; 0 at the end; <0 error. */
int aiops_obs_doc_next(aiops_obs_doc *d, json_t **out, aiops_jdoc *w, aiops_err *err);
void aiops_obs_doc_close(aiops_obs_doc *d);
/* Line mode: the next non-blank line (a BOM on line 1 left out), as
 * aiops_jlines_next, for a caller that reads it another way first. */
int aiops_obs_doc_line(aiops_obs_doc *d, char **line, size_t *len, aiops_err *err);
/* Parse one JSON value that is all of [s, s+n) (a line, or part of one),
 * repairing UTF-8 as above; line is its line number.  1 or <0. */
int aiops_obs_doc_parse(aiops_obs_doc *d, const char *s, size_t n, long line, json_t **out,
                        aiops_jdoc *w, aiops_err *err);

/* A document read token by token as it streams (common/jpull.h), for
 * formats whose documents may be larger than memory: the format walks
 * the outer structure and reads each record-sized value (a trace) whole
 * with aiops_obs_pull_value.  Syntax errors, invalid UTF-8 (repaired under
 * msgkeys) and duplicate keys read as in doc mode. */
typedef struct aiops_obs_pull {
    aiops_parse_ctx *ctx;
    aiops_jpull *p;
    const char *what;
    aiops_buf raw;           /* text of the value read whole */
    int started;             /* a BOM has been looked for */
    const char *const *msgkeys;
    int dup;                 /* the last error was a repeated member name */
} aiops_obs_pull;

int aiops_obs_pull_open(aiops_obs_pull *d, aiops_parse_ctx *ctx, const char *what,
                        const char *const *msgkeys, aiops_err *err);
void aiops_obs_pull_close(aiops_obs_pull *d);
/* After token tok that starts a value: the value as a tree (*out owned)
 * and w set up to walk it (its raw text, its line; the path empty, for
 * the caller to set with w->base).  1 or <0. */
int aiops_obs_pull_value(aiops_obs_pull *d, int tok, json_t **out, aiops_jdoc *w,
                         aiops_err *err);
/* After an OBJ token, copied since its bracket (aiops_jpull_copy_begin
 * into d->raw, d->raw empty before) and the token t after it (a key or
 * its '}'): the rest of the object, as aiops_obs_pull_value. */
int aiops_obs_pull_rest(aiops_obs_pull *d, int t, long line, json_t **out, aiops_jdoc *w,
                        aiops_err *err);
/* Fast paths.  A format may read a record-sized value (a trace) from its
 * tokens straight into record text when it has the usual shape, and
 * fall back to the tree when it meets anything else, so that records and
 * messages stay those of the tree: it starts a copy of the value at its
 * bracket (aiops_jpull_copy_begin into d->raw, emptied first), reads the
 * tokens, and on anything unusual (or a tokenizer error, left in *err)
 * reads on to the value's end (aiops_obs_pull_drain, from the depth just
 * after its bracket) and builds the tree from the copy with
 * aiops_obs_pull_reread, which gives what aiops_obs_pull_value would
 * have given: the same tree, or the same error (a repeated member name
 * before the tokenizer's error comes first, as it would have).
 * line, col: aiops_jpull_line and _column just after the bracket;
 * live_rc: 0, or the tokenizer's error (its message in *err).  1 or <0. */
int aiops_obs_pull_drain(aiops_obs_pull *d, size_t depth, aiops_err *err);
int aiops_obs_pull_reread(aiops_obs_pull *d, long line, long col, int live_rc, json_t **out,
                          aiops_jdoc *w, aiops_err *err);
/* After token tok that starts a value a fast path does not use: read to
 * its end.  0; 1 when an object in it repeats a member name or holds
 * more than 64 (the caller falls back: the tree reports the repeat);
 * <0 a tokenizer error. */
int aiops_obs_pull_skip_unique(aiops_obs_pull *d, int tok, aiops_err *err);
/* A member name repeated, as jansson reports it (JSON_REJECT_DUPLICATES),
 * at the key just read. */
int aiops_obs_pull_duplicate(aiops_obs_pull *d, const char *key, aiops_err *err);

/* ------------------------------------------------------- records */

/* A flat object of string members built without a tree: what
 * aiops_obs_flatten makes of a document, for the token fast paths.  Keys
 * and values are NUL-terminated in text, in the order they were set
 * (json_object_set's: setting a key again replaces its value in place);
 * a member deleted is marked gone. */
typedef struct aiops_obs_kv {
    size_t k, klen, v, vlen; /* offsets into text */
    int gone;
} aiops_obs_kv;

typedef struct aiops_obs_flat {
    aiops_buf text;
    aiops_obs_kv *kv;
    size_t n, cap;
    int oom;
    aiops_buf name, val;     /* scratch of aiops_obs_flat_tokens */
} aiops_obs_flat;

#define AIOPS_OBS_FLAT_MAX 256   /* members a fast path reads; more: the tree */

void aiops_obs_flat_clear(aiops_obs_flat *f);
void aiops_obs_flat_free(aiops_obs_flat *f);
/* Set key to value (both copied).  0, or -1 when out of memory (f->oom
 * set).  Each set looks through the members: a fast path reading input
 * stops at AIOPS_OBS_FLAT_MAX. */
int aiops_obs_flat_set(aiops_obs_flat *f, const char *k, size_t klen, const char *v,
                       size_t vlen);
/* The value of a member not gone (*vlen its length), else NULL. */
const char *aiops_obs_flat_get(const aiops_obs_flat *f, const char *k, size_t *vlen);
/* Mark a member gone (no-op when absent). */
void aiops_obs_flat_del(aiops_obs_flat *f, const char *k);
/* The members not gone as a JSON object's text ({"k":"v",...}), as
 * aiops_buf_json prints the same members in a tree; nothing when there
 * are none.  Returns the number written. */
size_t aiops_obs_flat_json(aiops_buf *b, const aiops_obs_flat *f);

typedef struct aiops_obs_log {
    const char *service, *level;
    const char *msg;
    size_t msg_len;
    json_t *labels;          /* borrowed; omitted when NULL or empty */
    const char *trace_id, *span_id;
    size_t bad_utf8;         /* replaced invalid bytes: "invalid_utf8" field when > 0 */
    const aiops_obs_flat *flat_labels;   /* instead of labels (NULL: labels) */
} aiops_obs_log;

typedef struct aiops_obs_span {
    const char *trace_id, *span_id, *parent_span_id, *service, *operation;
    double duration;
    int error;
    const char *status;
    json_t *attributes;      /* borrowed; omitted when NULL or empty */
} aiops_obs_span;

typedef struct aiops_obs_event {
    const char *kind, *service, *reason, *message, *object, *ns, *version, *author;
    int64_t count;
    int has_count;
    const char *severity;    /* Kubernetes "Warning" / "Normal", lower-cased */
} aiops_obs_event;

/* New objects with the fields of docs/FORMAT.md in its order, NULL fields
 * left out.  NULL when out of memory. */
json_t *aiops_obs_log_json(const aiops_obs_log *l);
json_t *aiops_obs_span_json(const aiops_obs_span *s);
json_t *aiops_obs_event_json(const aiops_obs_event *e);

/* The same fields appended to b as JSON text (a record's raw text,
 * aiops_record in aiops.h: each member with its leading comma). */
void aiops_obs_log_text(aiops_buf *b, const aiops_obs_log *l);
void aiops_obs_span_text(aiops_buf *b, const aiops_obs_span *s);
void aiops_obs_event_text(aiops_buf *b, const aiops_obs_event *e);

/* Flatten the members of src into dst as "a.b.c" -> string (numbers and
 * booleans as their JSON text, arrays as compact JSON, nulls left out),
 * skipping top-level members named in skip (NULL-terminated, may be NULL).
 * 0 or AIOPS_ENOMEM. */
int aiops_obs_flatten(json_t *src, json_t *dst, const char *const *skip);
/* Service attribution (docs/FORMAT.md) over a flat object of strings: the
 * first non-empty of the service label list, also in the spellings
 * collectors use (service.name, app.kubernetes.io/name, k8s-app,
 * kubernetes.labels.app, kubernetes.container_name, ...).  Borrowed. */
const char *aiops_obs_service(json_t *flat);
/* First non-empty string member among keys (NULL-terminated); *used gets
 * the key found.  Borrowed or NULL. */
const char *aiops_obs_first(json_t *flat, const char *const *keys, const char **used);
/* The same over a flat object built from tokens. */
const char *aiops_obs_flat_service(const aiops_obs_flat *f);
const char *aiops_obs_flat_first(const aiops_obs_flat *f, const char *const *keys,
                                 const char **used);

/* An id from flat (the first of keys), else quoted in the text (key=ID,
 * "key":"ID").  buf >= 65 bytes.  Borrowed / buf / NULL. */
const char *aiops_obs_find_id(json_t *flat, const char *const *keys, const char *text,
                              size_t n, char *buf);
/* A log record from the JSON object a log shipper wrote (an Elasticsearch
 * _source, a Fluent Bit record): message from message/log/msg/MESSAGE,
 * level from log.level/level/severity/... or the text, service by
 * attribution, trace_id/span_id, and every other member flattened into
 * labels (without ts_key and the members used), plus extra labels;
 * pushed into q at time ts (text or tree, as aiops_obs_push_log).
 * Errors name the path (no message field). */
struct aiops_obs_queue;
int aiops_obs_object_log(aiops_jdoc *w, json_t *src, const char *ts_key, json_t *extra,
                         struct aiops_obs_queue *q, double ts);
/* The same log record from a flat object of its members, built from
 * tokens by a fast path (members named ts_key, when not NULL, already
 * deleted): 1 pushed (q->text: as text), 0 when it has no message field
 * (the tree path reports that), <0 AIOPS_ENOMEM or AIOPS_EIO.  f's
 * members used are marked gone. */
int aiops_obs_flat_log(aiops_obs_flat *f, struct aiops_obs_queue *q, double ts);
/* Flatten the object whose OBJ token p just gave (or, with key_read, its
 * first KEY token) into f, as aiops_obs_flatten does with its tree
 * (prefix: the members' names get "prefix." before them; NULL at the
 * top).  Members at the top whose
 * names are in watch (NULL-terminated, may be NULL) are reported:
 * seen[i] is set to 2 when the value is a string, 3 an integer, 4 a real
 * (their text in f as any member's), 1 anything else.  1 done; 0 when the object holds what
 * the fast path does not read exactly as the tree path (an array of
 * other than plain strings, integers, booleans, nulls; a repeated name;
 * nesting past 16; more than AIOPS_OBS_FLAT_MAX members; a tokenizer
 * error, left in *err); <0 AIOPS_ENOMEM. */
int aiops_obs_flat_tokens(aiops_jpull *p, aiops_obs_flat *f, const char *prefix,
                          const char *const *watch, int *seen, int key_read, aiops_err *err);
/* Read to the end of the value that token tok starts, as
 * aiops_obs_pull_skip_unique: 0; 1 when an object in it repeats a member
 * name or holds more than 64; <0 a tokenizer error. */
int aiops_obs_skip_unique(aiops_jpull *p, int tok, aiops_err *err);
/* The time of such an object: the first of keys (NULL-terminated) it has,
 * read by aiops_jdoc_epoch.  1 (*key, *ts set), 0 when it has none of
 * them, <0 error. */
int aiops_obs_object_time(aiops_jdoc *w, json_t *src, const char *const *keys, const char **key,
                          double *ts);

/* Records kept until the whole document is read, handed out in time
 * order (stable: equal times keep document order).  With run_max set,
 * every run_max records are sorted and written to a temporary file under
 * $TMPDIR (unlinked at once, so removed on every exit path), and the
 * records are handed out by merging those runs: memory holds run_max
 * records and one per run. */
typedef struct aiops_obs_queue {
    struct aiops_obs_qitem *v;
    size_t n, cap, pos;
    size_t nbad;             /* records left out (aiops_obs_leave_out) */
    aiops_err first_bad;
    size_t run_max;          /* 0: never spill */
    size_t seq;              /* records pushed */
    struct aiops_obs_run *runs;
    size_t nruns, runcap;
    aiops_err failed;        /* a temporary file that could not be written or read */
    int text;                /* records as text (aiops_parse_ctx.raw_text), not trees */
    aiops_buf scratch;       /* the text of the record being built */
} aiops_obs_queue;

#define AIOPS_OBS_RUN_MAX 16384  /* records per sorted run (streamed spec formats) */
#define AIOPS_OBS_RUN_FILES 64   /* runs kept at once: more are first merged into one */

/* --skip-bad inside a document: a parse error (rc AIOPS_EPARSE) in one
 * record is counted in q, its message kept if first, and the record left
 * out (0); other codes are returned.  The spec's next() hands out one
 * resumable error per left-out record before the records. */
int aiops_obs_leave_out(aiops_jdoc *w, aiops_obs_queue *q, int rc);

/* Takes obj in all cases.  0, AIOPS_ENOMEM, or AIOPS_EIO (q->failed)
 * when a run could not be written. */
int aiops_obs_queue_push(aiops_obs_queue *q, aiops_rtype type, double ts, json_t *obj);
void aiops_obs_queue_sort(aiops_obs_queue *q);
/* Drop the records pushed after the seq-th (and the left-out ones after
 * nbad).  0, or AIOPS_ELIMIT when some of them were already written to
 * a run. */
int aiops_obs_queue_cut(aiops_obs_queue *q, size_t seq, size_t nbad);
/* 1 = *rec filled (caller owns rec->obj), 0 = empty, <0 with q->failed
 * set (a run could not be read back). */
int aiops_obs_queue_pop(aiops_obs_queue *q, aiops_record *rec);
void aiops_obs_queue_free(aiops_obs_queue *q);
/* For a caller that orders records itself (reader/reader.c, an entry read
 * whole to sort it): push r (its obj taken, *r emptied) with the caller's
 * own seq (the tie-break among equal times; pushes come in seq order
 * within a run) and line (given back by pop_at; sid and value are kept
 * too); aiops_obs_queue_spill sorts what is held and writes it as a run
 * (0, or <0 with q->failed set); pop_at is pop with seq and line.  Push
 * and spill before the first pop. */
int aiops_obs_queue_push_at(aiops_obs_queue *q, aiops_record *r, uint64_t seq, long line);
int aiops_obs_queue_spill(aiops_obs_queue *q);
int aiops_obs_queue_pop_at(aiops_obs_queue *q, aiops_record *rec, uint64_t *seq, long *line);

/* --------------------------------------- formats over JSON documents */

/* Most formats here read a document of JSON values and turn each value
 * into records: they describe that with a spec and use these as their
 * open/next/close.  A load function pushes the records of one value (at
 * the walk's path) into q: 0 or <0. */
typedef int (*aiops_obs_load)(aiops_jdoc *w, aiops_obs_queue *q, json_t *v);

typedef struct aiops_obs_spec {
    int mode;                /* AIOPS_OBS_DOC / LINES / AUTO */
    const char *const *msgkeys;
    const char *what;        /* "a Jaeger JSON document" for parse errors */
    int sort;                /* 1: read every value at open and hand the
                                records out in time order (ordered = 1) */
    aiops_obs_load load;
    /* Instead of mode and load: push every record of the entry into q,
     * reading it as it streams (aiops_obs_pull); with sort = 1 only, and
     * the queue then spills (AIOPS_OBS_RUN_MAX).  0 or <0. */
    int (*stream)(aiops_parse_ctx *ctx, aiops_obs_queue *q, aiops_err *err);
    /* Optional fast path for JSON lines read with raw text
     * (aiops_parse_ctx.raw_text): push the records of one line from the
     * tokens of p (reset over the line), without a tree (tmp: scratch
 * space, emptied between lines).  1 done; 0 when
     * the line is not of the plain shape it handles, having pushed
     * nothing: the line is then read as always (jansson, load), so records
     * and messages stay the same; <0 AIOPS_ENOMEM or AIOPS_EIO. */
    int (*fast_line)(aiops_jpull *p, aiops_obs_queue *q, aiops_buf *tmp);
    /* The same for log formats whose fast path flattens a line's object
     * (aiops_obs_flat_tokens): f is emptied between lines.  Either. */
    int (*fast_flat)(aiops_jpull *p, aiops_obs_queue *q, aiops_obs_flat *f);
} aiops_obs_spec;

int aiops_obs_spec_open(void **state, aiops_parse_ctx *ctx, const aiops_obs_spec *spec,
                        aiops_err *err);
int aiops_obs_spec_next(void *state, aiops_parse_ctx *ctx, aiops_record *rec, aiops_err *err);
void aiops_obs_spec_close(void *state);

/* Push a new record object (taken) or fail with ENOMEM at the walk. */
int aiops_obs_push(aiops_jdoc *w, aiops_obs_queue *q, aiops_rtype type, double ts, json_t *obj);
/* Push q->scratch (built by the *_text builders) as a record's text and
 * empty it: 0, AIOPS_ENOMEM, or AIOPS_EIO (q->failed). */
int aiops_obs_queue_push_scratch(aiops_obs_queue *q, aiops_rtype type, double ts);
/* Push a record whose JSON text is b's (built by the *_text builders): a
 * copy of it is taken; b is emptied (n = 0) for the next record, its
 * memory still the caller's. */
int aiops_obs_push_text(aiops_jdoc *w, aiops_obs_queue *q, aiops_rtype type, double ts,
                        aiops_buf *b);
/* A record from its fields: as text (the *_text builders, in q->scratch)
 * when q->text is set, else as a tree (the *_json builders). */
int aiops_obs_push_log(aiops_jdoc *w, aiops_obs_queue *q, double ts, const aiops_obs_log *l);
int aiops_obs_push_span(aiops_jdoc *w, aiops_obs_queue *q, double ts, const aiops_obs_span *s);
int aiops_obs_push_event(aiops_jdoc *w, aiops_obs_queue *q, double ts, const aiops_obs_event *e);
/* load() each element of the array arr in order, the walk at key[i] (at
 * [i] when key is NULL); an element with a parse error is left out
 * (aiops_obs_leave_out), other errors stop.  0 or <0. */
int aiops_obs_each(aiops_jdoc *w, aiops_obs_queue *q, json_t *arr, const char *key,
                   aiops_obs_load load);

/* ---------------------------------------------------------- text */

/* Canonical level (debug, info, warn, error, fatal) for a level name in
 * any case ("WARNING", "err", "CRITICAL", "notice", ...), else NULL. */
const char *aiops_obs_level_name(const char *s, size_t n);
/* Level found in free text: level=x / "level":"x" / [x] / a leading or
 * whole-word upper-case level (ERROR, WARN, ...) / klog's E0102 prefix. */
const char *aiops_obs_level_text(const char *s, size_t n);
/* Copy of [s, s+n) with each byte that is not part of well-formed UTF-8
 * replaced by U+FFFD (malloc'd, NUL-terminated); *count = replacements.
 * 0 or AIOPS_ENOMEM. */
int aiops_obs_utf8_repair(const char *s, size_t n, char **out, size_t *out_len, size_t *count);
/* U+FFFD characters in [s, s+n). */
size_t aiops_obs_count_fffd(const char *s, size_t n);
/* Value of `key=value` (logfmt) or `"key":"value"` (JSON) in free text,
 * for each spelling in keys, if it looks like an id ([0-9A-Za-z-], up to
 * 64 chars).  Copied into buf (>= 65 bytes); length or 0. */
size_t aiops_obs_text_id(const char *s, size_t n, const char *const *keys, char *buf);
/* Lower-case copy of a hex id of 1..32 digits into buf (>= 33 bytes);
 * its length, or 0 when [s, s+n) is not one. */
size_t aiops_obs_hex_id(const char *s, size_t n, char *buf);
/* Workload name of a Kubernetes object name: pod and ReplicaSet hash
 * suffixes stripped (api-7d9f8b6c4-x2x9z -> api, api-7d9f8b6c4 -> api,
 * node-exporter-x2x9z -> node-exporter, for pods db-0 -> db).  kind is the
 * object's kind ("Pod", "ReplicaSet", ...), NULL when it may be a pod, or
 * "Service" for a name found where a service's name goes (a service label
 * or field): the generated pod suffixes come off, a StatefulSet ordinal
 * does not (shard-1 stays shard-1).  buf >= n+1.  Returns length. */
size_t aiops_obs_workload(const char *name, const char *kind, char *buf, size_t bufsz);

#endif
