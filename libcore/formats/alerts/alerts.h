/* alerts.h - `alert` records (docs/FORMAT.md): building them the same way
 * in every alert format, Alertmanager-compatible fingerprints, reading the
 * alert lists of the JSON alert formats (alert_list.c), and the transform
 * that turns Prometheus' ALERTS series into alert records. */
#ifndef AIOPS_ALERTS_H
#define AIOPS_ALERTS_H

#include "aiops_format.h"
#include "common/buf.h"
#include "common/jdoc.h"
#include "common/jpull.h"

/* ------------------------------------------------------ alert records */

/* What an alert format knows about one alert state.  Strings and JSON
 * values are borrowed (copied into the record). */
typedef struct aiops_alert {
    const char *name;        /* alertname (required) */
    const char *state;       /* "firing", "resolved", "pending" */
    double start;
    double end;              /* used when has_end */
    int has_end;
    const char *service;     /* NULL: attributed from labels (AIOPS_SERVICE_LABELS) */
    const char *severity;    /* NULL: labels.severity if any */
    json_t *labels;          /* object of strings, NULL = {} */
    json_t *annotations;     /* object, NULL = {} */
    const char *fingerprint; /* NULL: aiops_alert_fingerprint(labels) */
    const char *source;      /* "alertmanager", "prometheus", ... */
} aiops_alert;

/* Fill rec with an AIOPS_R_ALERT record: ts = end when resolved, else
 * start; obj = {name, state, start, end?, service?, severity?, labels,
 * annotations, fingerprint, source} in that order (a new object the
 * record owns; callers may append fields).  Returns 0, AIOPS_EPARSE
 * (invalid UTF-8 text, a time that is not finite) or AIOPS_ENOMEM; err
 * then has only the message: the caller sets file and line. */
int aiops_alert_record(const aiops_alert *a, aiops_record *rec, aiops_err *err);

/* Alertmanager's fingerprint of a label set: FNV-1a 64 over the labels
 * sorted by name, each as name 0xff value 0xff, as 16 lower-case hex
 * digits (prometheus/common model.LabelSet.Fingerprint).  labels: object
 * of strings (non-strings are skipped), NULL = {}.  buf needs 17 bytes. */
void aiops_alert_fingerprint(const json_t *labels, char *buf);
/* The same over n (name, value) pairs, names distinct and NUL-terminated;
 * vlen: the values' lengths. */
void aiops_alert_fingerprint_kv(const char *const *names, const char *const *vals,
                                const size_t *vlen, size_t n, char *buf);

/* Service attribution over an object of labels: the first non-empty
 * string among AIOPS_SERVICE_LABELS, or NULL.  Borrowed from labels. */
const char *aiops_alert_service(const json_t *labels);

/* Alert states already reported, so notifications repeated by
 * Alertmanager (or alert lists polled again) give one record per state:
 * (fingerprint, state, start).  Memory grows with the distinct states. */
typedef struct aiops_alert_seen aiops_alert_seen;
aiops_alert_seen *aiops_alert_seen_new(void);        /* NULL: out of memory */
/* 1 if a's state was seen before, 0 if new (now remembered), or
 * AIOPS_ENOMEM.  A NULL fingerprint is computed from the labels. */
int aiops_alert_seen_add(aiops_alert_seen *s, const aiops_alert *a);
/* The key aiops_alert_seen_add remembers for (fingerprint, state, start)
 * (buf >= AIOPS_ALERT_KEY bytes), and adding one: as aiops_alert_seen_add. */
#define AIOPS_ALERT_KEY 256
void aiops_alert_seen_key(const char *fingerprint, const char *state, double start, char *buf);
int aiops_alert_seen_add_key(aiops_alert_seen *s, const char *key);
void aiops_alert_seen_free(aiops_alert_seen *s);

/* The record's text (raw text, aiops_record in aiops.h) for an alert read
 * from tokens: the fields of aiops_alert_record in its order.  The labels
 * and annotations are given as compact JSON text (annotations NULL: {});
 * service, severity and fingerprint as aiops_alert_record would choose
 * them (fingerprint not NULL).  Appended to b. */
void aiops_alert_text(aiops_buf *b, const aiops_alert *a, const char *labels, size_t labels_len,
                      const char *ann, size_t ann_len, const char *service,
                      const char *severity, const char *fingerprint);

/* ---------------------------------------- alert lists in JSON documents */

/* The JSON alert formats (Alertmanager, Prometheus /api/v1/alerts,
 * OpsGenie, PagerDuty) read an entry of JSON documents (one, one per line,
 * or one after another) that each hold a list of alerts.  A format says
 * where the list is and how to read one alert; aiops_alert_list_next()
 * walks documents and alerts and keeps the JSON path for messages.  A
 * format's state starts with its aiops_alert_list, so the callbacks get
 * the state back by a cast. */
typedef struct aiops_alert_list aiops_alert_list;

typedef struct aiops_alert_list_spec {
    const char *what;        /* "expected a ... response": parse errors */
    /* l->cur is a new document: point l->alerts at its array of alerts
     * (or at one alert object, l->single = 1) and l->keys at the keys
     * that lead there.  1, or <0 with the error set at l->doc. */
    int (*find)(aiops_alert_list *l);
    /* One alert, l->doc at its path: 1 = rec filled, 0 = nothing to
     * report (a repeated state), <0 error. */
    int (*alert)(aiops_alert_list *l, json_t *al, aiops_record *rec);
    /* Optional token fast path for raw-text reads (aiops_parse_ctx.raw_text):
     * read the whole document from p (reset over its text; stop at its
     * last token) and add each alert's record with aiops_alert_list_pend.
     * 0 done; AIOPS_TOK_BAIL (> 0) when anything in it is not read in the
     * tree path's exact way: what was added is dropped and the document
     * is read as a tree as always, so records and messages stay the same;
     * <0 AIOPS_ENOMEM. */
    int (*fast)(aiops_alert_list *l, aiops_jpull *p);
} aiops_alert_list_spec;

/* A record read by a fast path, waiting for its document to be read to
 * the end. */
typedef struct aiops_alert_pend {
    double ts;
    size_t text, len;        /* in pend_text */
    size_t key;              /* aiops_alert_seen_key, in pend_keys */
} aiops_alert_pend;

struct aiops_alert_list {
    const aiops_alert_list_spec *spec;
    aiops_jseq seq;
    aiops_jdoc doc;          /* path and line of the value being read */
    json_t *cur;             /* the current document (owned) */
    json_t *alerts;          /* borrowed from cur */
    const char *keys[2];     /* from cur to alerts; NULL = unused */
    int single;              /* alerts is one alert object */
    size_t pos;              /* next alert */
    aiops_alert_seen *seen;  /* states reported so far, when deduplicating */
    /* the fast path (spec->fast, raw text only) */
    aiops_jpull *fast;
    aiops_jpull_mem mem;
    aiops_alert_pend *pend;  /* records of the last document read from tokens */
    size_t npend, cappend, ppos;
    aiops_buf pend_text, pend_keys;
    aiops_buf tmp[4];        /* the fast path's scratch space */
    /* With a fast path the entry is read as it streams until a document
     * needs the tree: only then is the rest slurped (into win, after that
     * document's start) and read as above. */
    aiops_stream *stream;    /* streaming: the entry; NULL once slurped */
    aiops_buf win;           /* the entry's text from the current document on */
    size_t win_at, win_fed;  /* the current document's start; bytes handed out */
    uint64_t win_base;       /* offset in the entry of win.p[0] */
};

/* Add a record read by a fast path: its text (aiops_alert_text) is b's,
 * then emptied; key: aiops_alert_seen_key.  0 or AIOPS_ENOMEM. */
int aiops_alert_list_pend(aiops_alert_list *l, double ts, aiops_buf *b, const char *key);

/* Slurp the entry into l (zeroed); dedup = report each alert state once
 * (repeated notifications, polled lists).  0 or <0; close l either way. */
int aiops_alert_list_open(aiops_alert_list *l, const aiops_alert_list_spec *spec, int dedup,
                          aiops_parse_ctx *ctx, aiops_err *err);
/* Frees what open and next hold, not l itself. */
void aiops_alert_list_close(aiops_alert_list *l);
/* The same for a format state of `size` bytes that starts with its list:
 * new allocates and opens it (*state, or NULL on error); free closes and
 * frees it.  Formats can use next and free as their next and close. */
int aiops_alert_list_new(void **state, size_t size, const aiops_alert_list_spec *spec, int dedup,
                         aiops_parse_ctx *ctx, aiops_err *err);
void aiops_alert_list_free(void *state);
/* state: the list.  1 = rec filled, 0 = end of the entry, <0 error. */
int aiops_alert_list_next(void *state, aiops_parse_ctx *ctx, aiops_record *rec, aiops_err *err);
/* rec from a, errors at l->doc's path: 1 = filled, 0 = a state already
 * reported (dedup), <0 error. */
int aiops_alert_list_record(aiops_alert_list *l, const aiops_alert *a, aiops_record *rec);
/* The same with the labels and annotations the caller built (both taken:
 * released in all cases).  built: 0, or the error met building them
 * (AIOPS_ENOMEM is reported here, others were already); a NULL object
 * counts as out of memory. */
int aiops_alert_list_emit(aiops_alert_list *l, aiops_alert *a, json_t *labels, json_t *ann,
                          int built, aiops_record *rec);
/* labels.alertname, a non-empty string, as the alert's name: 0, or an
 * error at "labels" under l->doc's path. */
int aiops_alert_list_name(aiops_alert_list *l, json_t *labels, const char **name);

/* The ALERTS series -> alert records transform (aiops_alerts_series_*)
 * is consumer API: aiops.h. */

#endif
