/* eval_impl.h - state shared by the eval_*.c modules behind aiops_eval
 * (score.h).  Not public. */
#ifndef AIOPS_EVAL_IMPL_H
#define AIOPS_EVAL_IMPL_H

#include "aiops_format.h"
#include "score/score.h"

/* A growable array of times. */
typedef struct ev_times {
    double *v;
    size_t n, cap;
} ev_times;

/* An owned array of owned strings. */
typedef struct ev_strs {
    char **v;
    size_t n;
} ev_strs;

typedef struct ev_label {
    char *id, *root_cause, *kind;
    double start, end, declared;   /* declared: NAN when absent */
    ev_strs affected, alerts, series;
} ev_label;

/* Per series (indexed by series id): sample rows and our detections. */
typedef struct ev_series {
    ev_times rows, anom;
} ev_series;

/* One alert episode: from a firing record to its resolved record. */
typedef struct ev_alert {
    char *key;       /* fingerprint, else name */
    char *group;     /* values of the group_by fields, for the baseline */
    double start, end;   /* end: INFINITY while firing */
} ev_alert;

typedef struct ev_incident {
    char *id;
    double start, end;   /* end: INFINITY when not given */
    ev_strs alerts;
} ev_incident;

typedef struct ev_rca {
    char *incident;
    ev_strs cand;    /* candidate services, best first */
} ev_rca;

/* NAB ground truth of one data file (combined_windows.json key). */
typedef struct ev_nabkey {
    char *key;       /* "realKnownCause/nyc_taxi.csv" */
    char *stem;      /* "nyc_taxi" */
    char *metric;    /* the stem made metric-safe, as aiops-replay names it */
    aiops_window *w;
    size_t nw;
    int scored;      /* results seen for it */
} ev_nabkey;

struct aiops_eval {
    aiops_eval_opts o;
    char **gb;                 /* group_by fields */
    size_t ngb;
    ev_label *lab;
    size_t nlab, caplab;
    aiops_series_table *tab;   /* borrowed: the table of the records added */
    ev_series *ser;
    size_t nser;
    size_t samples;
    ev_times det, base_det, pred;
    ev_times det_score;        /* per det[i]: its anomaly_score (else score; NaN: none) */
    size_t anomalies, base_records;
    ev_alert *al;
    size_t nal, capal;
    ev_incident *inc;
    size_t ninc, capinc;
    ev_rca *rca;
    size_t nrca, caprca;
    double tmax;               /* the last time of the stream under test: the report's ts */
    double scored_from, scored_to;   /* hull of aiops-fit's "scored" records (NaN: none) */
    /* NAB */
    ev_nabkey *nk;
    size_t nnk;
    char *detector;
    double thr[AIOPS_NAB_NPROFILES];
    int have_thr;
    double fixed_thr;          /* NAN = from thresholds.json */
    int optimize;              /* choose each profile's threshold (NAB's sweep) */
    json_t *nab_results;       /* the "nab" section built from result files */
};

/* eval_util.c */
int ev_times_push(ev_times *t, double v);
void ev_times_free(ev_times *t);
void ev_strs_free(ev_strs *s);
int ev_strs_has(const ev_strs *s, const char *x);
char *ev_strdup(const char *s);
/* Optional string array field (strings only) into s.  file/line for errors. */
int ev_get_strs(const json_t *o, const char *field, ev_strs *s, const char *file, long line,
                aiops_err *err);
/* Time field: number or RFC 3339 string.  missing_ok: *out = NAN if absent. */
int ev_get_time(const json_t *o, const char *field, int missing_ok, double *out,
                const char *file, long line, aiops_err *err);
/* String field (borrowed); NULL if absent, error if not a string. */
int ev_get_str(const json_t *o, const char *field, const char **out, const char *file,
               long line, aiops_err *err);
/* JSON number or null for NaN/Inf. */
json_t *ev_num(double v);
int ev_set(json_t *o, const char *k, json_t *v);
/* Read a whole file (or "-", .gz/.zst) into a malloc'd NUL-terminated buffer. */
int ev_slurp(const char *path, char **data, size_t *len, aiops_err *err);
/* ev_slurp, then parse the text as one JSON document: 0 with *doc (NULL
 * when the text is not JSON, je then says why), or the read error. */
int ev_slurp_json(const char *path, json_t **doc, json_error_t *je, aiops_err *err);
void ev_label_free(ev_label *l);
/* 1 if label l applies to series s (docs/EVALUATION.md). */
int ev_label_applies(const ev_label *l, const aiops_series *s);

/* eval_labels.c */
int ev_label_from_json(aiops_eval *ev, const json_t *o, const char *file, long line,
                       aiops_err *err);

/* The evaluated period [*from, *to] of false alarms per day: --span, else
 * the range aiops-fit scored (its "scored" records), else the hull of the
 * label windows and the detections of both streams (never the records
 * merely passed through).  Returns its source. */
const char *ev_span(const aiops_eval *ev, double *from, double *to);

/* eval_detect.c: "detection" and "nab" (from the stream) sections. */
int ev_report_detection(aiops_eval *ev, json_t *rep, aiops_err *err);
/* eval_nab.c */
int ev_is_nab_windows(const json_t *doc);
int ev_nab_windows_doc(aiops_eval *ev, const json_t *doc, const char *path, aiops_err *err);
int ev_report_nab_stream(aiops_eval *ev, json_t *rep, aiops_err *err);
/* eval_group.c */
int ev_report_grouping(aiops_eval *ev, json_t *rep, aiops_err *err);
/* eval_rca.c: "rca", "prediction", "mttr". */
int ev_report_rca(aiops_eval *ev, json_t *rep, aiops_err *err);
int ev_report_prediction(aiops_eval *ev, json_t *rep, aiops_err *err);
/* A prediction record that resolves a warning (state "resolved"): not a warning. */
int ev_is_resolved_prediction(const json_t *o);
/* "warned_30m": labels whose first warning came at least this long before
 * their deadline. */
#define EV_PREDICT_LEAD 1800.0
int ev_report_mttr(aiops_eval *ev, json_t *rep, aiops_err *err);
/* Label index an incident belongs to (id, alerts, then time), or -1. */
long ev_incident_label(const aiops_eval *ev, const ev_incident *inc);

#endif
