/* score.h - evaluation metrics: detection, NAB, grouping, RCA, prediction,
 * MTTR model, and the aiops-eval report built from them.
 *
 * The metric functions (aiops_score_*, aiops_nab_*) do no I/O and keep no
 * state: they take plain arrays and fill a caller-owned result struct, so
 * tools such as aiops-fit --tune can use them as objective functions.
 * Conventions are those of aiops.h: 0 on success, negative AIOPS_E* with
 * aiops_err filled (err may be NULL).  Formulas: docs/EVALUATION.md.
 */
#ifndef AIOPS_SCORE_H
#define AIOPS_SCORE_H

#include <stddef.h>

#include "aiops.h"
#include "common/stats.h"   /* aiops_quantile */

/* A ground-truth interval [start, end], epoch seconds, start <= end. */
typedef struct aiops_window {
    double start, end;
} aiops_window;


/* ------------------------------------------------------------ detection */

typedef struct aiops_detect_opts {
    double pre;    /* a detection up to `pre` s before a window's start counts for it (0) */
    double post;   /* ... and up to `post` s after its end (0) */
    double merge;  /* detections <= merge s apart form one alarm (0: each distinct time) */
    double span;   /* observed time in s for false alarms/day; <= 0: from the first to
                      the last of all window bounds and detections */
} aiops_detect_opts;

typedef struct aiops_detect_stats {
    size_t windows;        /* label windows */
    size_t detected;       /* windows with >= 1 detection in [start-pre, end+post] */
    size_t detections;     /* detection times given */
    size_t alarms;         /* alarms after merging (see opts.merge) */
    size_t true_alarms;    /* alarms with a detection inside some window */
    size_t false_alarms;   /* the other alarms */
    double precision;      /* true_alarms / alarms (NaN if no alarms) */
    double recall;         /* detected / windows (NaN if no windows) */
    double f1;             /* harmonic mean of the two; 0 when nothing is detected,
                              NaN when there are no windows */
    double delay_median;   /* first detection - start over detected windows, s (NaN if none) */
    double delay_p90;
    double delay_mean;
    double span;           /* observed span used, s */
    double false_per_day;  /* false_alarms / (span / 86400); NaN if span == 0 */
} aiops_detect_stats;

/* Event-wise detection quality of detection times det[0..ndet) (any order)
 * against windows win[0..nwin) (any order; may overlap).  opts NULL =
 * all zero.  delays: optional caller array of nwin that receives each
 * window's delay (NaN if missed).  Errors: AIOPS_EINVAL (NaN times,
 * start > end, negative options), AIOPS_ENOMEM. */
int aiops_score_detect(const aiops_window *win, size_t nwin, const double *det, size_t ndet,
                       const aiops_detect_opts *opts, aiops_detect_stats *out,
                       double *delays, aiops_err *err);

/* Point-wise (per row) counts from parallel 0/1 arrays. */
typedef struct aiops_point_stats {
    size_t tp, fp, fn, tn;
    double precision, recall, f1;   /* NaN when the denominator is 0 (f1: 0 if tp == 0 and
                                       precision and recall are defined) */
} aiops_point_stats;

void aiops_score_points(const unsigned char *label, const unsigned char *pred, size_t n,
                        aiops_point_stats *out);
/* Fill p/r/f1 from tp/fp/fn (for callers that count themselves). */
void aiops_point_stats_finish(aiops_point_stats *s);

/* ------------------------------------------------------------------ NAB */

/* Application profile: NAB's cost matrix (config/profiles.json). */
typedef struct aiops_nab_profile {
    const char *name;
    double tp_weight, fp_weight, fn_weight;
} aiops_nab_profile;

#define AIOPS_NAB_NPROFILES 3
/* standard (1, 0.11, 1), reward_low_FP_rate (1, 0.22, 1),
 * reward_low_FN_rate (1, 0.11, 2).  Static. */
extern const aiops_nab_profile aiops_nab_profiles[AIOPS_NAB_NPROFILES];
/* By name ("standard", "reward_low_FP_rate", "reward_low_FN_rate", also
 * "low_FP"/"low_FN"); NULL if unknown. */
const aiops_nab_profile *aiops_nab_profile_find(const char *name);

/* NAB's probationary period for a series of n rows: min(floor(0.15 n), 750). */
size_t aiops_nab_probation(size_t n);

typedef struct aiops_nab_result {
    double score;          /* raw score S = tp_score + fp_score + fn_score */
    double tp_score;       /* sum over detected windows of the first detection's reward */
    double fp_score;       /* sum over false-positive rows (<= 0) */
    double fn_score;       /* -fn_weight per missed window */
    size_t windows;        /* scored windows (with >= 1 row after the probationary period) */
    size_t unscored;       /* windows with no row after the probationary period */
    size_t detected;       /* scored windows with a detection */
    size_t fp_rows;        /* detection rows outside every window */
    size_t probation;      /* rows ignored at the start */
} aiops_nab_result;

/* NAB score of one series.  ts[0..n) are the row timestamps (strictly
 * ascending; equal times allowed), det[i] != 0 marks row i as a detection (NAB: anomaly_score >=
 * threshold).  A window covers the rows with start <= ts <= end; windows
 * must be sorted and must not overlap (aiops_nab_windows_prepare).
 * Rules (NAB v1.1 sweeper): rows before aiops_nab_probation(n) are ignored;
 * in a window only the first detection counts, with reward
 * tp_weight * sig(-(right - i + 1) / width) / sig(-1), where
 * sig(x) = 2/(1+exp(5x)) - 1 and right/width are the window's last row and
 * row count; a missed window costs -fn_weight; every detection outside a
 * window costs fp_weight * sig(|i - right_prev| / (width_prev - 1)), or
 * -fp_weight before the first window / >= 3 widths past it.
 * Errors: AIOPS_EINVAL (unsorted rows or windows), AIOPS_ENOMEM. */
int aiops_nab_score(const double *ts, const unsigned char *det, size_t n,
                    const aiops_window *win, size_t nwin, const aiops_nab_profile *prof,
                    aiops_nab_result *out, aiops_err *err);

/* Sort windows by start and merge overlapping ones, in place.  Returns the
 * new count. */
size_t aiops_nab_windows_prepare(aiops_window *win, size_t nwin);

/* det[i] = 1 for the row each detection time falls on: the last row with
 * ts <= t (row 0 for earlier times).  det must hold n bytes and is not
 * cleared first.  Returns the number of times mapped. */
size_t aiops_nab_mark(const double *ts, size_t n, const double *times, size_t ntimes,
                      unsigned char *det);

/* Normalised score 100 (S - S_null) / (S_perfect - S_null) with
 * S_null = -fn_weight * windows, S_perfect = tp_weight * windows
 * (NAB: null detector 0, perfect 100).  NaN when windows == 0. */
double aiops_nab_normalize(double raw, size_t windows, const aiops_nab_profile *prof);

/* NAB's threshold optimisation (what NAB's --optimize does since 2017):
 * the threshold on the detectors' anomaly scores that maximises the raw
 * score summed over a corpus, for one profile.  The sweep tries every
 * distinct score of the rows after the probationary periods, plus "no
 * detection", so the optimum is exact (the score only changes at those
 * values).  Add the series, then ask for the best threshold of each
 * profile; the rows are sorted once, and each profile is one pass that
 * updates the score row by row (a window's reward changes only when a row
 * earlier in it is added). */
typedef struct aiops_nab_sweep aiops_nab_sweep;

typedef struct aiops_nab_best {
    double threshold;      /* detections: rows with anomaly score >= threshold; with no
                              detection best, above every score (NAB's 1.1 for scores <= 1) */
    double score;          /* the raw score there */
    size_t windows;        /* scored windows of the corpus */
    size_t detected;       /* of them, windows with a detection */
    size_t fp_rows;        /* detection rows outside every window */
    size_t candidates;     /* thresholds tried (distinct scores + "none") */
} aiops_nab_best;

int aiops_nab_sweep_new(aiops_nab_sweep **out, aiops_err *err);
void aiops_nab_sweep_free(aiops_nab_sweep *sw);
/* One series: its rows ts[0..n) and their anomaly scores (not NaN), its
 * windows as for aiops_nab_score.  Errors: AIOPS_EINVAL as aiops_nab_score,
 * AIOPS_ENOMEM. */
int aiops_nab_sweep_add(aiops_nab_sweep *sw, const double *ts, const double *score, size_t n,
                        const aiops_window *win, size_t nwin, aiops_err *err);
/* Windows wholly in a probationary period, over the series added. */
size_t aiops_nab_sweep_unscored(const aiops_nab_sweep *sw);
/* The best threshold for prof.  Ties go to the highest threshold (NAB
 * keeps the first best of its sweep from the top).  Errors: AIOPS_ENOMEM. */
int aiops_nab_sweep_best(aiops_nab_sweep *sw, const aiops_nab_profile *prof, aiops_nab_best *out,
                         aiops_err *err);

/* ------------------------------------------------------------- grouping */

#define AIOPS_NOGROUP ((size_t)-1)

typedef struct aiops_group_stats {
    size_t items;          /* alerts scored */
    size_t clusters;       /* predicted groups (ungrouped items count as singletons) */
    size_t classes;        /* true incidents among the items */
    double noise_reduction;   /* items / clusters */
    double pair_precision;    /* same-group pairs that are same-incident / same-group pairs */
    double pair_recall;       /* same-incident pairs that are same-group / same-incident pairs */
    double pair_f1;
    double ari;               /* adjusted Rand index (Hubert & Arabie) */
    double homogeneity, completeness, v_measure;   /* Rosenberg & Hirschberg */
} aiops_group_stats;

/* truth[i]: true incident of item i (any size_t id; AIOPS_NOGROUP = noise,
 * a singleton class); pred[i]: predicted group (AIOPS_NOGROUP = ungrouped,
 * a singleton).  Errors: AIOPS_ENOMEM. */
int aiops_score_group(const size_t *truth, const size_t *pred, size_t n,
                      aiops_group_stats *out, aiops_err *err);

/* ------------------------------------------------------------------ RCA */

typedef struct aiops_rca_stats {
    size_t incidents;      /* incidents scored */
    size_t found;          /* root cause among the candidates */
    double ac1, ac3, ac5;  /* fraction with rank <= k */
    double avg5;           /* mean of AC@1..AC@5 */
    double mean_rank;      /* a missing root cause counts as rank ncand + 1 */
} aiops_rca_stats;

/* rank[i]: 1-based rank of the true root cause for incident i, 0 = absent;
 * ncand[i]: its number of candidates.  All NaN when n == 0. */
void aiops_score_rca(const size_t *rank, const size_t *ncand, size_t n, aiops_rca_stats *out);

/* ----------------------------------------------------------- prediction */

typedef struct aiops_predict_stats {
    size_t incidents, warned;      /* incidents, incidents with a warning ahead */
    size_t warnings, true_warnings;
    double frac_warned;            /* warned / incidents */
    double precision;              /* true_warnings / warnings */
    double lead_median, lead_p90, lead_mean;   /* deadline - first warning, s */
} aiops_predict_stats;

/* A warning at t is "ahead" of incident i when
 * win[i].start - horizon <= t < win[i].end, where win[i].start is the
 * incident start and win[i].end its deadline (when it was declared, or
 * its start).  Lead time = deadline - the first such warning. */
int aiops_score_predict(const aiops_window *win, size_t nwin, const double *warn, size_t nwarn,
                        double horizon, aiops_predict_stats *out, aiops_err *err);

/* ----------------------------------------------------------- MTTR model */

/* Documented, adjustable assumptions (docs/EVALUATION.md). */
typedef struct aiops_mttr_assume {
    double mttr;             /* today's mean time to repair, s (3600) */
    double detect_today;     /* today's time from start to detection, s, used when
                                no baseline stream is given (900) */
    double diagnose;         /* time spent finding the root cause today, s (1800) */
    double saved_top1;       /* fraction of it saved when the cause is ranked first (0.75) */
    double saved_topk;       /* ... when ranked 2..k (0.4) */
    int k;                   /* (3) */
} aiops_mttr_assume;

void aiops_mttr_defaults(aiops_mttr_assume *a);

typedef struct aiops_mttr_est {
    double detect_gain;      /* s saved by earlier detection (may be < 0) */
    double diagnose_gain;    /* s saved by the ranking */
    double gain;             /* sum */
    double mttr_after;       /* mttr - gain, floored at 0 */
    double pct;              /* 100 gain / mttr */
} aiops_mttr_est;

/* delay_ours: median detection delay; delay_base: the baseline's (NaN =
 * use a->detect_today); ac1/ack: AC@1 and AC@k (NaN = no RCA, no gain). */
void aiops_mttr_estimate(const aiops_mttr_assume *a, double delay_ours, double delay_base,
                         double ac1, double ack, aiops_mttr_est *out);

/* ------------------------------------------------------------ eval report */

/* The aiops-eval engine: collects ground truth and tool output, then
 * builds one `eval` record (JSON object) with every metric it can compute.
 * Owned by the caller: aiops_eval_free(). */
typedef struct aiops_eval aiops_eval;

typedef struct aiops_eval_opts {
    aiops_detect_opts detect;
    double horizon;              /* prediction horizon, s (3600) */
    const char *group_by;        /* comma list of alert fields/labels for the
                                    Alertmanager-style baseline ("alertname") */
    double group_window;         /* baseline: an alert joins its key's group if it starts
                                    within this many s of the group's last alert (3600) */
    aiops_mttr_assume mttr;
    int rca_k;                   /* k of the MTTR model: 1, 3 or 5 (3) */
    double span_from, span_to;   /* the evaluated period for false alarms per day, when
                                    span_to > span_from (--span); else the hull of the
                                    label windows and the detections (docs/EVALUATION.md) */
} aiops_eval_opts;

void aiops_eval_opts_default(aiops_eval_opts *o);

int aiops_eval_new(aiops_eval **out, const aiops_eval_opts *opts, aiops_err *err);
void aiops_eval_free(aiops_eval *ev);

/* Ground truth from a file: label records (NDJSON), an incident list or
 * export as CSV with a header or as a JSON array of objects (only a start
 * is required; column names of common incident exports are accepted:
 * docs/EVALUATION.md), or NAB's combined_windows.json (as
 * aiops_eval_nab_windows).  Zone-less times are read in the zone of
 * aiops_time_zone_set.  Returns the number of labels read. */
int aiops_eval_load_labels(aiops_eval *ev, const char *path, aiops_err *err);
/* One record of the stream under test (anomaly, incident, rca, prediction,
 * alert, label, sample; others are ignored).  tab: the table rec->sid
 * refers to.  baseline != 0: the record belongs to the baseline stream. */
int aiops_eval_add(aiops_eval *ev, aiops_series_table *tab, const aiops_record *rec,
                   int baseline, aiops_err *err);

/* NAB mode: windows from combined_windows.json (or our label NDJSON),
 * results from a directory or archive of NAB result CSVs
 * (timestamp,value,anomaly_score[,label...]), thresholds per profile from
 * thresholds.json for `detector` (NULL: taken from the result file names).
 * Files are matched to NAB keys by file stem (see docs/EVALUATION.md). */
int aiops_eval_nab_windows(aiops_eval *ev, const char *path, aiops_err *err);
int aiops_eval_nab_thresholds(aiops_eval *ev, const char *path, const char *detector,
                              aiops_err *err);
/* A fixed threshold for every profile (overrides thresholds.json). */
void aiops_eval_nab_threshold(aiops_eval *ev, double threshold);
/* Only the result files of this detector: named "<detector>_<stem>.csv",
 * under a directory <detector>, or named exactly "<stem>.csv". */
int aiops_eval_nab_detector(aiops_eval *ev, const char *detector, aiops_err *err);
/* NAB's threshold optimisation instead of given thresholds: each profile's
 * threshold is the one that maximises the raw score over the result files
 * (aiops_nab_sweep). */
void aiops_eval_nab_optimize(aiops_eval *ev);
int aiops_eval_nab_results(aiops_eval *ev, const char *path, aiops_err *err);

/* The report (a new reference, caller owns). */
int aiops_eval_report(aiops_eval *ev, json_t **out, aiops_err *err);

/* ----------------------------------------------------------------- gates */

typedef enum { AIOPS_GATE_MIN, AIOPS_GATE_MAX } aiops_gate_kind;

typedef struct aiops_gate {
    const char *name;        /* how the user asked for it, e.g. "--min-f1" */
    const char *metric;      /* dotted path in the report, e.g. "detection.event.f1" */
    aiops_gate_kind kind;
    double limit;
} aiops_gate;

/* The gate a named option stands for: "min-f1" -> detection.event.f1 >=,
 * "max-false-per-day", "max-delay", "min-nab" (standard profile), "min-ac1",
 * ... (docs/EVALUATION.md).  Fills metric/kind (static strings; name = the
 * option name, limit = 0).  Returns 0 or AIOPS_EINVAL if unknown. */
int aiops_eval_gate_named(const char *name, aiops_gate *g);

/* Checks gates against report and, when baseline is non-NULL, every
 * higher-is-better / lower-is-better metric of the baseline report for a
 * regression larger than max_regression, relative to the baseline value
 * (absolute when that is 0; see docs/EVALUATION.md).  *failures
 * receives a new JSON array of {"gate","metric","value","limit","by"}
 * (empty if all pass; "by" = how far past the limit, in the metric's
 * units, or the relative regression).  A gate on a metric the report lacks fails.
 * Returns the number of failures, or <0. */
int aiops_eval_gates(const json_t *report, const aiops_gate *gates, size_t ngates,
                     const json_t *baseline, double max_regression, json_t **failures,
                     aiops_err *err);

/* Human renderings of a report: md != 0 for Markdown, else a plain table.
 * *out is malloc'd (caller frees). */
int aiops_eval_render(const json_t *report, int md, char **out, aiops_err *err);

#endif /* AIOPS_SCORE_H */
