/* fit.h - the per-series anomaly engine behind aiops-fit.
 *
 * The engine reads the record stream one record at a time (in time order),
 * keeps state per series only, and calls an emit callback for every output
 * record: the input record itself (pass-through), then the band and anomaly
 * records derived from it, all at the input record's time.  So the output
 * keeps the stream's time order and can sit in the middle of a pipeline.
 *
 * Life of a series:
 *   TRAIN  its first points (the --train window from its first sample, or
 *          everything before --train-until) go into a training buffer of at
 *          most max_train points (the cap that bounds memory per series);
 *   SCORE  at the first point past the window (or when the buffer is full)
 *          the model is fitted on the buffer, the buffer is freed, and from
 *          then on each point is judged by band() from data strictly before
 *          it, then learnt by update().  No look-ahead: a point's verdict
 *          never depends on a later point.
 * A series loaded from a saved model file (aiops_fit_load) starts in SCORE.
 *
 * Conventions as aiops.h: 0 / negative AIOPS_E*, aiops_err, never prints.
 */
#ifndef AIOPS_FIT_H
#define AIOPS_FIT_H

#include "aiops.h"
#include "models/model.h"

/* Default training (no --train, no --train-until): the first
 * AIOPS_FIT_TRAIN_PERIODS periods (--period, 1d) of the series, and at
 * least AIOPS_FIT_TRAIN_MIN_POINTS points.  Decided from the series' own
 * points so far: no look-ahead, so it works on short dumps too. */
#define AIOPS_FIT_TRAIN_PERIODS     3
/* ... and half a period for models that score on their own (the default
 * likelihood model: online, it needs only a warm-up). */
#define AIOPS_FIT_TRAIN_PERIODS_ONLINE 0.5
/* The model of aiops-fit without --model, and the calibrated score at
 * which it decides an anomaly without --threshold (docs/BENCHMARKS.md says
 * how both were chosen). */
#define AIOPS_FIT_DEFAULT_MODEL "likelihood"
#define AIOPS_FIT_DEFAULT_P 0.9999999
#define AIOPS_FIT_TRAIN_MIN_POINTS  ((size_t)24)
#define AIOPS_FIT_MAX_TRAIN_DEFAULT ((size_t)200000) /* points per series */

/* ------------------------------------------------------- static rules */

/* --static "cpu>80": a selector (metric name or name{labels}), an operator
 * and a threshold.  The condition is "firing" while it holds. */
typedef struct aiops_fit_rule {
    aiops_selector *sel;     /* owned by the rule */
    char text[256];          /* as given (whitespace trimmed) */
    size_t sel_len;          /* the selector: text[0, sel_len) */
    char op[3];              /* ">", ">=", "<", "<=" */
    double threshold;
} aiops_fit_rule;

int aiops_fit_rule_parse(const char *text, aiops_fit_rule *out, aiops_err *err);
void aiops_fit_rule_free(aiops_fit_rule *r);

/* --------------------------------------------------------- debouncing */

/* Turns point verdicts into anomaly events (see aiops-fit(1), "Anomaly
 * events"):  a run of anomalous points becomes pending at its first point,
 * is confirmed (FIRE) at the first anomalous point at least min_duration
 * after the start (Prometheus `for:`), and ends (RESOLVE) at the first
 * normal point.  After an event ends, no new event starts for `cooldown`
 * seconds.  NaN points (missing data) leave the state unchanged. */
typedef enum { AIOPS_DB_NONE = 0, AIOPS_DB_FIRE, AIOPS_DB_RESOLVE } aiops_db_action;

typedef struct aiops_debounce {
    double min_duration, cooldown;
    int state;               /* 0 idle, 1 pending, 2 firing */
    double start;            /* first anomalous point of the current run */
    double last_end;         /* end of the previous event, -Inf if none */
    double peak;             /* highest score in the current run */
} aiops_debounce;

void aiops_debounce_init(aiops_debounce *d, double min_duration, double cooldown);
/* One point at time t: anomalous 1/0, or -1 for missing data. */
aiops_db_action aiops_debounce_step(aiops_debounce *d, double t, int anomalous, double score);

/* How far v lies outside band b (0 inside).  With a finite expected value
 * and a positive half-width on the violated side: |v - expected| divided by
 * that half-width (so 1 = on the edge, 2 = twice as far out as the band
 * reaches); otherwise (static thresholds) the excess in value units. */
double aiops_fit_score(double v, const aiops_band *b);

/* ----------------------------------------------------------- counters */

/* Whether series se is a counter by its type or its name (_total, _count,
 * _sum, _bucket). */
int aiops_fit_is_counter(const aiops_series *se);

/* Prometheus rate() over consecutive samples: the per-second increase from
 * the previous sample (prev_t, prev_v) to (t, v); a drop is a counter reset,
 * so the increase is v itself (the counter restarted from 0).  NaN when
 * there is no previous sample or either value is missing, or t <= prev_t. */
double aiops_fit_counter_rate(double prev_t, double prev_v, double t, double v);

/* ------------------------------------------------------------ engine */

typedef struct aiops_fit aiops_fit;

/* Output callback: called for every record to write, in order.  rec is
 * borrowed for the call.  A non-zero return stops the engine. */
typedef int (*aiops_fit_emit_fn)(void *ctx, const aiops_record *rec, aiops_err *err);

/* --tune objective (computed with libcore/score.h). */
typedef enum {
    AIOPS_OBJ_F1 = 0,        /* event-wise F1, micro-averaged over the group */
    AIOPS_OBJ_NAB,           /* NAB score (standard profile), normalised 0..100 */
    AIOPS_OBJ_RECALL_AT_FA,  /* recall, subject to false alarms/day <= max_fa */
} aiops_objective_kind;

typedef struct aiops_fit_objective {
    aiops_objective_kind kind;
    double max_fa;           /* recall-at-fa:N */
} aiops_fit_objective;

/* "f1", "nab", "recall-at-fa:N". */
int aiops_fit_objective_parse(const char *s, aiops_fit_objective *o, aiops_err *err);

typedef struct aiops_fit_opts {
    const char *model;           /* model name or "auto"; NULL = "auto" */
    int model_given;             /* 0: with rules, other series are not modelled */
    aiops_model_params params;   /* --k, --alpha, ... (aiops_model_params_init) */
    double train;                /* seconds of training per series (0 = the default:
                                    AIOPS_FIT_TRAIN_PERIODS periods, and at least
                                    AIOPS_FIT_TRAIN_MIN_POINTS points) */
    double train_until;          /* NaN, or the absolute end of training */
    size_t max_train;            /* 0 = AIOPS_FIT_MAX_TRAIN_DEFAULT */
    int bands;                   /* emit band records for scored points */
    int no_samples;              /* do not pass samples through */
    double min_duration, cooldown;
    double for_duration;         /* NaN = min_duration; applies to rules */
    /* --threshold P: a model detector's point is anomalous when its
     * calibrated score (models/calib.h) reaches P, whatever the model; NaN:
     * when the value leaves the model's band.  Static rules keep their
     * condition. */
    double threshold;
    /* With a threshold, anomalous points are learned clipped to the band's
     * edge and a confirmed level shift is re-learned (fit.c); plain_updates
     * (--plain-updates) learns every point at full weight, as the band
     * mode always does. */
    int plain_updates;
    const aiops_fit_rule *rules; /* borrowed, nrules of them */
    size_t nrules;
    aiops_selector *const *match;/* borrowed; series to model (none = all) */
    size_t nmatch;
    /* Counters are modelled as per-second rates (aiops_fit_counter_rate):
     * series typed counter (aiops_series.type, e.g. # TYPE in exposition
     * text), named *_total, *_count, *_sum or *_bucket, or matching one
     * of counters[]; no_counter_rate models them raw. */
    aiops_selector *const *counters; /* borrowed, ncounters of them */
    size_t ncounters;
    int no_counter_rate;
    size_t horizon;              /* forecast band records after the end */
    double step;                 /* their spacing; 0 = each series' last interval */
    /* --tune: every modelled series runs its model at every point of a
     * sensitivity grid (k, alpha, width) side by side; at the end the best
     * for the objective against the labels (aiops_fit_load_labels) is kept
     * per series (or per metric name and model with tune_by_name) and one
     * `tune` record per group reports before/after.  No band or anomaly
     * records are written while tuning. */
    int tune;
    int tune_by_name;
    aiops_fit_objective objective;
    /* A series whose model cannot be fitted (too little data for it, ...)
     * is left unscored, passed through, and reported here (may be NULL;
     * the tool prints a warning).  Out of memory still stops the run. */
    void (*warn)(void *ctx, const char *series, const char *msg);
    void *warn_ctx;
} aiops_fit_opts;

/* Defaults for every field (params initialised, model "auto"). */
void aiops_fit_opts_init(aiops_fit_opts *o);

int aiops_fit_new(aiops_fit **out, const aiops_fit_opts *o, aiops_series_table *tab,
                  aiops_fit_emit_fn emit, void *ctx, aiops_err *err);
void aiops_fit_free(aiops_fit *f);

/* Feed one record (borrowed; the caller clears it).  Emits it (unless it is
 * a sample and no_samples is set), then any band/anomaly records. */
int aiops_fit_push(aiops_fit *f, const aiops_record *rec, aiops_err *err);
/* End of input: fit the series still training (so they can be saved) and
 * emit the forecast bands (horizon).  Call once. */
int aiops_fit_finish(aiops_fit *f, aiops_err *err);

/* Counters for the tool (exit status, progress). */
typedef struct aiops_fit_stats {
    uint64_t records, samples, scored, anomalies;   /* anomalies = events fired */
    size_t series, training;                        /* known / still training */
    size_t modelled;                                /* series given detectors */
    /* Series whose input ended inside their training window: fitted at
     * the end (for --save), but none of their points was scored; and the
     * longest time span one of them covered. */
    size_t never_scored;
    double never_scored_span;
    size_t unfit;                                   /* left unscored: fit failed */
} aiops_fit_stats;
void aiops_fit_get_stats(const aiops_fit *f, aiops_fit_stats *st);

/* Ground truth for --tune: `label` records (docs/FORMAT.md) read with the
 * stream reader.  A label applies to the series its `series` array names;
 * without one, to series whose service is its root_cause or among its
 * `affected`, and to series without a service label.  Call before the
 * first push.  Returns the number of labels read. */
int aiops_fit_load_labels(aiops_fit *f, const char *path, aiops_err *err);

/* ------------------------------------------------- saved model state */

/* Fitted state of every modelled series as JSON (caller owns it):
 *   {"aiops_fit":1,"series":{"<series text>":[{"model":..,"reason":..,
 *    "rule":..,"params":{..},"state":{..}}, ...]}}
 * Call after aiops_fit_finish. */
json_t *aiops_fit_save(const aiops_fit *f, aiops_err *err);
/* Merge a saved document: its series replace any already loaded (later
 * wins per series).  Call before the first push.  file names messages. */
int aiops_fit_load(aiops_fit *f, const json_t *doc, const char *file, aiops_err *err);

/* The same through files: load parses FILE (errors with its line), save
 * writes it indented, numbers with 17 significant digits. */
int aiops_fit_load_file(aiops_fit *f, const char *path, aiops_err *err);
int aiops_fit_save_file(const aiops_fit *f, const char *path, aiops_err *err);

/* Set one parameter from option text, by its aiops-fit option name: k,
 * alpha, beta, gamma, width, changepoint-prior (numbers), period, window
 * (durations: 1d, 90m), daily-order, weekly-order, changepoints (whole
 * numbers), multiplicative (text NULL), order, seasonal-order ("P,D,Q").
 * AIOPS_EINVAL with a message saying what was expected. */
int aiops_fit_param_set(aiops_model_params *p, const char *name, const char *text,
                        aiops_err *err);

/* Parameters <-> JSON (only the fields that are set). */
json_t *aiops_fit_params_to_json(const aiops_model_params *p);
int aiops_fit_params_from_json(const json_t *j, aiops_model_params *p, aiops_err *err);

/* ------------------------------------------------ model introspection */

/* The constant band a model detector is exported as (--emit-promrules),
 * and the backtest of that exact rule on the scored data, side by side
 * with the model (see fit_export.c). */
typedef struct aiops_fit_rule_band {
    int set;                     /* 0: the model's band never closed */
    double lower, upper;         /* the rule: value < lower or value > upper */
    double from;                 /* first point the rule judged */
    uint64_t points;             /* points it judged */
    uint64_t rule_events;        /* the rule's alerts (after for:) */
    double first_alert;          /* when the first of them fired */
    uint64_t rule_hits;          /*   of them overlapping a model event */
    uint64_t model_events;       /* the model's events in the same span */
    uint64_t model_hits;         /*   of them overlapping a rule alert */
} aiops_fit_rule_band;

/* One fitted detector, for exporters (promrules) and reports. */
typedef struct aiops_fit_info {
    const aiops_series *series;
    const char *model;           /* ops name */
    const char *reason;          /* why this model ("" if given) */
    const char *rule;            /* static rule text ("cpu>80"), or NULL */
    aiops_model_params params;   /* as created (defaults still unset) */
    aiops_band last;             /* band at the last point seen */
    aiops_fit_rule_band export;  /* model detectors: the exported rule's backtest */
    int counter;                 /* modelled as a per-second rate */
    double step;                 /* the series' last sampling interval (0 unknown) */
} aiops_fit_info;

/* Calls fn for every fitted detector in series-id order. */
int aiops_fit_foreach(const aiops_fit *f,
                      int (*fn)(void *ctx, const aiops_fit_info *info, aiops_err *err),
                      void *ctx, aiops_err *err);

/* ---------------------------------------------------- model choice */

/* auto: pick a model for one series from its training data by detected
 * seasonality (autocorrelation at 1 day / 1 week and the share of
 * variance in the daily harmonics), data length and one-step holdout
 * error.  On success *ops and *m hold the chosen model fitted on all n points
 * (caller owns m) and reason says which and why. */
int aiops_fit_auto(const double *ts, const double *v, size_t n, const aiops_model_params *p,
                   const aiops_model_ops **ops, void **m, char *reason, size_t reasonsz,
                   aiops_err *err);

/* Seasonality measures used by auto (exported for tests), on a regular
 * grid at the median sampling interval with the linear trend removed:
 * the autocorrelation at a lag of `period` seconds (and of one week), and
 * the share of variance in the first 4 harmonics of the period.  Each is
 * NaN when the data spans less than two of its periods. */
typedef struct aiops_seasonality {
    double step;             /* median sampling interval */
    double span;             /* last - first finite point */
    double acf;              /* at `period` */
    double acf_week;
    double share;            /* periodogram share of the period's harmonics */
} aiops_seasonality;
int aiops_fit_seasonality(const double *ts, const double *v, size_t n, double period,
                          aiops_seasonality *out);

/* --------------------------------------------------- prometheus rules */

/* Prometheus alerting rules (YAML text, caller frees) for every fitted
 * detector: the static rules as written; for models, the constant band of
 * aiops_fit_info.export, "S < lower or S > upper", with its backtest.
 * `for:` is min_duration for model rules and for_duration (NaN = the
 * same) for static rules, in seconds. */
int aiops_promrules_render(const aiops_fit *f, double min_duration, double for_duration,
                           char **out, aiops_err *err);
/* The backtest of an exported rule in words: "N points from TIME: R alerts
 * (the first at TIME), H during a model event (precision P); the model had M events, K alerted
 * (recall Q)". */
void aiops_promrules_backtest_text(const aiops_fit_rule_band *r, char *buf, size_t n);
/* Prometheus duration text of sec seconds (rounded to ms): 1w, 1d,
 * 1h30m, 90s, 250ms. */
void aiops_fit_fmt_duration(double sec, char *buf, size_t n);
/* The same into a file. */
int aiops_promrules_write(const aiops_fit *f, double min_duration, double for_duration,
                          const char *path, aiops_err *err);

#endif /* AIOPS_FIT_H */
