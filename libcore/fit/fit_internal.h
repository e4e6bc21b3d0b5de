/* fit_internal.h - what the fit*.c files share behind fit.h (not public).
 * Layers, each using only those above it:
 *
 *   fit_params.c   model parameters <-> JSON and option text (in fit.h)
 *   fit_series.c   per-series state: the series table, detectors
 *   fit_state.c    saved models (--save/--load)
 *   fit_tune.c     --tune: candidates, labels, the objective
 *   fit_emit.c     band and anomaly records
 *   fit.c          the engine: training, scoring, finishing
 *
 * fit_export.c (the exported rule's band and backtest) sits beside
 * fit_series.c.  fit_rule.c (rules, debouncing), fit_auto.c (model
 * choice) and promrules.c (Prometheus rules) stand beside them and use
 * fit.h only. */
#ifndef AIOPS_FIT_INTERNAL_H
#define AIOPS_FIT_INTERNAL_H

#include "fit/fit.h"
#include "models/calib.h"

/* The rule a model detector is exported as, backtested as it scores:
 * calibrating from its first closed band (over one period for the interval
 * models), then judging every point with its own for: debouncer. */
typedef struct fit_export {
    int state;                   /* 0 not started, 1 calibrating, 2 judging */
    double until;                /* calibration ends at this time */
    aiops_debounce db;
    int rule_hit, model_hit;     /* current events overlap the other's
                                    (model_hit -1: no counted event open) */
    aiops_fit_rule_band r;
} fit_export;

/* Robust updates (fit.c): a point whose tail probability is below
 * FIT_CLIP_P is learned clipped to the band's edge; FIT_SHIFT_CONFIRM
 * consecutive ones on the same side are a level shift, re-learned. */
#define FIT_CLIP_P 1e-3
#define FIT_SHIFT_CONFIRM 12

/* One model instance judging one series (a series has one, or one per
 * matching static rule). */
typedef struct fit_det {
    const aiops_model_ops *ops;
    void *m;
    aiops_model_params params;
    const aiops_fit_rule *rule;  /* borrowed from the options, or NULL */
    char *rule_text;             /* rule of a loaded detector, owned */
    char *reason;                /* owned, "" if none */
    aiops_debounce db;
    aiops_band last;             /* band at the last scored point */
    aiops_calib cal;             /* the calibrated score's residual distribution */
    double ascore;               /* calibrated score of the last scored point
                                    (NaN: not calibrated: no --threshold, no --bands) */
    double apeak;                /* its peak over the current anomalous run */
    double lik;                  /* a model's own score: the point's likelihood
                                    (calibrated; the score is its rising edges) */
    int arun;                    /* inside an anomalous run */
    /* Robust updates: a run of clipped points on one side of the band;
     * FIT_SHIFT_CONFIRM of them confirm a level shift, and the model is
     * re-fitted on them (the ring of the last raw points). */
    int shift_side, shift_run, relearn;
    double rt[FIT_SHIFT_CONFIRM], rv[FIT_SHIFT_CONFIRM];
    unsigned ri, rn;
    fit_export x;                /* model detectors */
    double *fires;               /* --tune: times the events fired */
    size_t nfires, capfires;
} fit_det;

enum { FS_NEW = 0, FS_SKIP, FS_TRAIN, FS_SCORE };

typedef struct fit_series {
    int state, seen;
    double first_ts, train_end, last_ts, prev_ts;
    size_t train_min;            /* train on at least this many points */
    int counter;                 /* modelled as a per-second rate */
    double cprev_t, cprev_v;     /* counter: the previous finite sample */
    double *tbuf, *vbuf;         /* training buffer, freed after the fit */
    size_t n, cap;
    fit_det *det;
    size_t ndet, capdet;
    json_t *labels;              /* cached labels object for records */
    double first_scored;         /* first point judged, if nscored */
    uint64_t nscored;
    double *sts;                 /* --tune nab: the scored timestamps */
    size_t nsts, capsts;
} fit_series;

typedef struct fit_label {
    double start, end;
    json_t *series;              /* array of series texts, or NULL */
    char *root;                  /* root_cause service, or NULL */
    json_t *affected;            /* array of services, or NULL */
} fit_label;

struct aiops_fit {
    aiops_fit_opts o;
    aiops_series_table *tab;
    aiops_fit_emit_fn emit;
    void *ctx;
    fit_series *s;               /* indexed by series id; all of them zeroed */
    size_t ns;
    aiops_fit_stats st;
    int finished;
    double max_ts;               /* latest record time pushed */
    double scored_from, scored_to;   /* first and last point judged, any series */
    fit_label *lab;              /* --tune ground truth */
    size_t nlab, caplab;
};

/* fit.c: the calibrated score at which d's points are anomalous (NaN:
 * when they leave the band, or a static rule's condition). */
double fit_det_threshold(const aiops_fit *f, const fit_det *d);

/* fit_series.c */
/* The state of series sid, growing the table to cover it. */
int fit_series_slot(aiops_fit *f, uint32_t sid, fit_series **out, aiops_err *err);
/* Free what s holds and zero it. */
void fit_series_clear(fit_series *s);
/* n zeroed detectors appended to s; *first is the first of them. */
int fit_det_add(fit_series *s, size_t n, fit_det **first, aiops_err *err);
/* d->reason = a copy of reason ("" for NULL). */
int fit_det_set_reason(fit_det *d, const char *reason, aiops_err *err);
void fit_det_clear(fit_det *d);
/* Clear n detectors and free their array. */
void fit_dets_free(fit_det *det, size_t n);

/* fit_export.c */
/* One scored point: the model's band b and its debouncer's action act. */
void fit_export_step(fit_det *d, double t, double v, const aiops_band *b, aiops_db_action act);
/* The backtest so far, open events counted. */
aiops_fit_rule_band fit_export_result(const fit_det *d);

/* fit_tune.c */
int fit_tune_expand(aiops_fit *f, fit_series *s, aiops_err *err);
int fit_tune_record(fit_series *s, fit_det *d, double t, aiops_db_action act, int want_ts,
                    aiops_err *err);
int fit_tune_finish(aiops_fit *f, aiops_err *err);
void fit_labels_free(aiops_fit *f);

/* fit_emit.c: build and emit derived records. */
int fit_emit_band(aiops_fit *f, uint32_t sid, fit_series *s, const fit_det *d, double t,
                  const aiops_band *b, int forecast, aiops_err *err);
int fit_emit_anomaly(aiops_fit *f, uint32_t sid, fit_series *s, const fit_det *d, double t,
                     double v, const aiops_band *b, aiops_db_action act, aiops_err *err);

#endif
