/* predict.h - aiops-predict's engine: precursor features per service over
 * a sliding window, an L2 logistic regression fitted by IRLS (LAPACKE),
 * the warnings it drives, and time-to-exhaustion of resources with a
 * limit without any training.
 *
 * predict_num.c    robust trends: Theil-Sen slope with Sen's interval, the
 *                  trend in noise units, the memory-leak indicator, the
 *                  exhaustion ETA (robust to noise, sawtooth and resets)
 * predict_logit.c  weighted L2 logistic regression by Newton/IRLS
 * predict_feat.c   per-series windows and per-service state, features
 * predict_model.c  the model file (save: temporary name + rename; load)
 * predict_train.c  training rows (positives before labels, sampled
 *                  negatives far from them), the fit, threshold, report
 * predict_run.c    streaming: ticks, warnings, debounce, resolution
 *
 * Layer 6: includes the root headers, common/ and record/ only.  Every
 * function returns 0 or a negative AIOPS_E* code with err filled; the
 * library never prints.  Memory grows with the number of series and
 * services (each series keeps the points of one window, at most
 * max_points), never with the length of the input: while training, the
 * negative ticks go to an unnamed temporary file under $TMPDIR (counted
 * against AIOPS_MAX_SPILL), and only the positives, the rows drawn for
 * the fit and the ticks before each label stay in memory. */
#ifndef AIOPS_PREDICT_H
#define AIOPS_PREDICT_H

#include <stddef.h>

#include "aiops.h"

/* ------------------------------------------------------ predict_num.c */

/* A Theil-Sen line v = level + slope (t - t0), t0 the last time given,
 * and Sen's two-sided interval of the slope at 95 %. */
typedef struct aiops_trend {
    double slope, slope_lo, slope_hi;
    double level;    /* median of v - slope (t - t0): the line at t0 */
    double scale;    /* 1.4826 MAD of the residuals about the line */
    size_t n;
} aiops_trend;

/* Scratch values the functions below need for n points. */
#define AIOPS_PREDICT_SCRATCH(n) ((size_t)(n) * ((size_t)(n) + 3) / 2 + 8)

/* The Theil-Sen trend of (t[i], v[i]), i < n, times increasing, n >= 3;
 * -1 when there are too few points or no two distinct times.  scratch:
 * AIOPS_PREDICT_SCRATCH(n) values. */
int aiops_trend_fit(const double *t, const double *v, size_t n, aiops_trend *out,
                    double *scratch);

/* How far the series moved over the window `span` in units of its noise:
 * slope * span / max(scale, rel_floor * |level|, 1e-12), clipped to
 * [-clip, clip]. */
double aiops_trend_strength(const aiops_trend *tr, double span, double rel_floor, double clip);

/* The largest aiops_trend_strength of the whole window (over span) and
 * of its last half and last quarter (over span/2 and span/4: the change
 * across each part), each of at least 4 points, all in units of the whole
 * window's noise: a trend that started late in the window still shows.
 * 0 when the window has too few points. */
double aiops_trend_multiscale(const double *t, const double *v, size_t n, double span, double rel_floor,
                              double clip, double *scratch);

/* Memory-leak indicator in [0, 1]: the series is split at restarts (drops
 * of more than half the window's range, when there are at most two of
 * them; more are a sawtooth, kept whole), and each segment of enough
 * points contributes its linear fit's R^2 when its Theil-Sen slope is
 * positive, weighted by its length and scaled down while the growth over
 * the window is under 10 % of the level.  scratch as above. */
double aiops_leak_indicator(const double *t, const double *v, size_t n, double *scratch);

/* When the series reaches limit, extrapolating a robust trend from now. */
typedef struct aiops_eta {
    double eta, eta_lo, eta_hi;   /* times: the estimate and its band (earliest, latest) */
    double level;                 /* the upper envelope of the series at now */
    double slope;                 /* per second */
    int reached;                  /* the envelope is at or above the limit already */
} aiops_eta;

/* Time to exhaustion: the points after the last reset (see
 * aiops_leak_indicator), a Theil-Sen slope over the whole segment, its
 * last half and its last quarter (each of at least 5 points; the whole
 * segment only when it is a sawtooth: three or more drops sharper than 3
 * times the median step, where part of a tooth would mislead), kept only
 * when Sen's interval is above zero; the level is the 90th percentile of
 * the points about the line (the peaks of a sawtooth), and the earliest
 * crossing of the scales kept wins.  The band comes from the slope's
 * interval.  1 with *out filled, 0 when no significant upward trend
 * exists.  scratch as above. */
int aiops_eta_fit(const double *t, const double *v, size_t n, double now, double limit,
                  aiops_eta *out, double *scratch);

/* ---------------------------------------------------- predict_logit.c */

/* Weighted logistic regression with an L2 penalty on the coefficients
 * (not the intercept): minimises
 *     -sum_i w_i [y_i log p_i + (1 - y_i) log(1 - p_i)] + lambda/2 |beta|^2,
 * p_i = 1 / (1 + exp(-(b0 + x_i . beta))), by Newton steps (IRLS) solved
 * with LAPACKE_dposv, halving a step that does not lower the objective.
 * X: n rows of p values (row-major); y in {0, 1}; w NULL for all 1.
 * coef: p + 1 values (b0 first) in and out (start from zeros).  Stops
 * when no coefficient moves by more than 1e-10 (relative) or after 100
 * iterations; *iters (NULL ok) gets the count, *loss (NULL ok) the final
 * objective. */
int aiops_logit_fit(const double *X, const double *y, const double *w, size_t n, size_t p,
                    double lambda, double *coef, int *iters, double *loss, aiops_err *err);

/* b0 + x . beta through the logistic function. */
double aiops_logit_prob(const double *coef, const double *x, size_t p);

/* ------------------------------------------------------------ features */

enum {
    AIOPS_PF_ERROR_TREND,
    AIOPS_PF_LATENCY_TREND,
    AIOPS_PF_CPU_TREND,
    AIOPS_PF_MEMORY_TREND,
    AIOPS_PF_DISK_TREND,
    AIOPS_PF_MEMORY_LEAK,
    AIOPS_PF_SATURATION,
    AIOPS_PF_VARIANCE_CHANGE,
    AIOPS_PF_ANOMALY_SCORE,
    AIOPS_PF_CHANGES,
    AIOPS_PF_COUNT
};

/* "error_trend", ... (the model file's names). */
const char *aiops_predict_feature_name(int f);

/* ------------------------------------------------------------ the model */

typedef struct aiops_predict_model {
    size_t nf;                       /* AIOPS_PF_COUNT */
    double mean[AIOPS_PF_COUNT], sd[AIOPS_PF_COUNT];   /* standardisation */
    double coef[AIOPS_PF_COUNT + 1]; /* intercept first, on standardised features */
    double threshold;                /* probability that warns */
    double window, every;            /* s: the feature window and tick the model was trained on */
    double lambda;
    double lead_median, lead_lo, lead_hi;   /* training leads: median, p10, p90 (s; NaN: none) */
} aiops_predict_model;

/* Write m as JSON to path through path.tmp and rename(2).  extra (NULL
 * ok, borrowed) is merged in as the "train" report. */
int aiops_predict_model_save(const aiops_predict_model *m, const json_t *extra, const char *path,
                             aiops_err *err);
/* Read a model written by aiops_predict_model_save. */
int aiops_predict_model_load(aiops_predict_model *m, const char *path, aiops_err *err);
/* The model's probability for raw (unstandardised) features f. */
double aiops_predict_model_prob(const aiops_predict_model *m, const double *f);

/* ------------------------------------------------------- the engine */

typedef struct aiops_predict_opts {
    double window;          /* feature window, s (7200) */
    double every;           /* tick, s (300) */
    size_t max_points;      /* points kept per series (1024) */
    /* scoring */
    double hold;            /* a warning needs this long above the threshold (600) */
    double quiet_after;     /* a service in incident stays so this long after its last sign (7200) */
    double eta_horizon;     /* exhaustion warns when the ETA is at most this far (7200) */
    int eta;                /* time-to-exhaustion warnings (1) */
    double threshold;       /* NaN: the model's */
    /* training */
    double leads[8];        /* positives: windows ending these long before a deadline */
    size_t nleads;          /* (15m, 30m, 45m) */
    double neg_gap;         /* negatives at least this far from any label (10800) */
    double neg_ratio;       /* negatives sampled per positive (4) */
    double lambda;          /* L2 penalty (1) */
    double false_per_day;   /* threshold: debounced false warnings per day on the negatives (0.25) */
    double lookback;        /* lead-time report: how far before a deadline to look (10800) */
    uint64_t seed;          /* negative sampling (1) */
    size_t max_rows;        /* negative ticks kept (1000000) */
} aiops_predict_opts;

void aiops_predict_opts_default(aiops_predict_opts *o);

/* One resource limit rule: series matching sel have this limit. */
typedef struct aiops_predict_limits aiops_predict_limits;
/* Lines "SELECTOR LIMIT" ('#' comments, blank lines); NULL path = none. */
int aiops_predict_limits_load(aiops_predict_limits **out, const char *path, aiops_err *err);
void aiops_predict_limits_free(aiops_predict_limits *l);

typedef struct aiops_predictor aiops_predictor;

/* A scorer (model NULL: exhaustion warnings only) or, with train set, a
 * collector of training rows.  Borrows model, limits and tab. */
int aiops_predictor_new(aiops_predictor **out, const aiops_predict_opts *o,
                        const aiops_predict_model *model, const aiops_predict_limits *limits,
                        aiops_series_table *tab, aiops_err *err);
void aiops_predictor_free(aiops_predictor *p);

/* Feed one record (time order).  Prediction records produced on the way
 * are queued: take them with aiops_predictor_pop.  Unknown records are
 * ignored. */
int aiops_predictor_add(aiops_predictor *p, const aiops_record *rec, aiops_err *err);
/* End of input: the last tick. */
int aiops_predictor_finish(aiops_predictor *p, aiops_err *err);
/* 1 and the next prediction record (caller owns rec->obj), or 0. */
int aiops_predictor_pop(aiops_predictor *p, aiops_record *rec);
/* Series and services tracked (for tests of bounded memory). */
size_t aiops_predictor_services(const aiops_predictor *p);
/* Points the series' windows can hold now, summed (for tests of bounded
 * memory): a ring grows to the points of one window, at most max_points. */
size_t aiops_predictor_points(const aiops_predictor *p);

/* ------------------------------------------------------- training */

typedef struct aiops_predict_trainer aiops_predict_trainer;

int aiops_predict_trainer_new(aiops_predict_trainer **out, const aiops_predict_opts *o,
                              aiops_err *err);
void aiops_predict_trainer_free(aiops_predict_trainer *tr);
/* One training episode (an archive or stream) at a time: its labels (label
 * records: start, declared, end, root_cause), then its records. */
int aiops_predict_trainer_begin(aiops_predict_trainer *tr, const aiops_predict_limits *limits,
                                aiops_series_table *tab, aiops_err *err);
int aiops_predict_trainer_label(aiops_predict_trainer *tr, const json_t *label, aiops_err *err);
int aiops_predict_trainer_add(aiops_predict_trainer *tr, const aiops_record *rec, aiops_err *err);
int aiops_predict_trainer_end(aiops_predict_trainer *tr, aiops_err *err);
/* Fit: standardise, IRLS, threshold, leads.  *report (caller owns): the
 * training report (counts, importance, leads, fit). */
int aiops_predict_trainer_fit(aiops_predict_trainer *tr, aiops_predict_model *m, json_t **report,
                              aiops_err *err);
/* The training matrix as CSV (y,w,features raw), for comparisons. */
int aiops_predict_trainer_dump(const aiops_predict_trainer *tr, const char *path, aiops_err *err);

#endif
