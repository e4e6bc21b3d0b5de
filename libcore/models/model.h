/* model.h - the common interface of the anomaly/threshold models that
 * aiops-fit runs per series (libcore/model_*.c, one file per model).
 *
 * Life of a model instance for one series:
 *   m = ops->create(params, err)      parameters only, no data yet
 *   ops->fit(m, ts, v, n, err)        batch fit on the training window
 *   loop over the scored points, oldest first:
 *       ops->band(m, t, &b)           expected value and bounds at time t,
 *                                     from data strictly before t (no look-ahead)
 *       ...caller compares v with b, emits band/anomaly records...
 *       ops->update(m, t, v)          learn the point (online models adapt)
 *   j = ops->save(m)                  state as JSON (caller owns j)
 *   ops->load(m, j, err)              restore into a fresh instance of the same kind
 *   ops->destroy(m)                   NULL is fine
 *
 * Conventions as in aiops.h: 0 / negative AIOPS_E* and aiops_err; the model
 * never prints.  Timestamps are epoch seconds; points arrive in time order
 * but not necessarily evenly spaced; NaN values are missing data: fit skips
 * them and update(NaN) must leave the state usable.
 */
#ifndef AIOPS_MODEL_H
#define AIOPS_MODEL_H

#include "aiops.h"
#include "common/jdoc.h"
#include "common/stats.h"

/* Every tunable of every model, with "unset" meaning the model default.
 * One flat struct keeps --option parsing, --tune and save/load simple. */
typedef struct aiops_model_params {
    double k;             /* band half-width in sigmas (ewma, robust); default 3.0 */
    double alpha;         /* smoothing (ewma default 0.1; holtwinters level) */
    double beta;          /* holtwinters trend smoothing */
    double gamma;         /* holtwinters seasonal smoothing */
    double width;         /* interval coverage for seasonal/sarima/holtwinters; default 0.99 */
    double period;        /* season length in seconds (0 = model picks: 1 day) */
    double window;        /* robust: rolling window in seconds (default 1h) */
    int daily_order;      /* seasonal: Fourier order of the daily term (default 4) */
    int weekly_order;     /* seasonal: Fourier order of the weekly term (default: chosen) */
    int multiplicative;   /* seasonal / holtwinters: 1 = multiplicative */
    int seasonal_robust;  /* robust: compare with the same time of day/week */
    int changepoints;     /* seasonal: number of potential trend changepoints (default 10) */
    double changepoint_prior; /* seasonal: L2 penalty on changepoint deltas (default 0.05) */
    int p, d, q, P, D, Q; /* sarima orders; -1 = choose by AIC */
    /* static thresholds: "cpu>80" style condition.  Prometheus `for:`
     * (pending until the condition has held that long) is applied by the
     * caller's debouncer (aiops-fit --for / --min-duration), not here. */
    char op[3];           /* ">", ">=", "<", "<=" */
    double threshold;
    /* maintenance/holiday windows excluded from fit (seasonal) */
    size_t nwindows;
    double (*windows)[2]; /* [start, end) pairs, owned by the caller */
} aiops_model_params;

/* Initialise every field to "unset" (NaN / -1 / 0) so models apply their
 * defaults. */
void aiops_model_params_init(aiops_model_params *p);

/* A point is anomalous when v < lower or v > upper (static ">80": lower =
 * -Inf, upper = 80).  expected may be NaN when a model has no estimate yet
 * (then lower/upper are -Inf/+Inf: nothing is anomalous). */
typedef struct aiops_band {
    double expected, lower, upper;
} aiops_band;

typedef struct aiops_model_ops {
    const char *name;           /* "ewma", "seasonal", ... */
    const char *desc;           /* one line for --help */
    void *(*create)(const aiops_model_params *p, aiops_err *err);
    void (*destroy)(void *m);
    int (*fit)(void *m, const double *ts, const double *v, size_t n, aiops_err *err);
    void (*band)(void *m, double t, aiops_band *out);
    void (*update)(void *m, double t, double v);
    /* Optional (NULL for most models): the model's own calibrated anomaly
     * score of value v at time t in [0, 1], from the state before t like
     * band(); called after band() and before update() of the same point.
     * A model with a score is judged by it (score >= P, aiops-fit
     * --threshold P) instead of by the band and by models/calib.h. */
    double (*score)(void *m, double t, double v, double *likelihood);
    json_t *(*save)(const void *m);
    int (*load)(void *m, const json_t *j, aiops_err *err);
} aiops_model_ops;

/* Registered models, NULL-terminated; lookup by name (NULL if unknown). */
const aiops_model_ops *const *aiops_models(void);
const aiops_model_ops *aiops_model_find(const char *name);

extern const aiops_model_ops aiops_model_likelihood;
/* The likelihood model's defaults (docs/BENCHMARKS.md: how they were
 * chosen); --tune spells them out. */
#define AIOPS_LIK_DEFAULT_ALPHA 0.03
#define AIOPS_LIK_DEFAULT_K 6.0
extern const aiops_model_ops aiops_model_ewma;
extern const aiops_model_ops aiops_model_robust;
extern const aiops_model_ops aiops_model_static;
extern const aiops_model_ops aiops_model_holtwinters;
extern const aiops_model_ops aiops_model_seasonal;
extern const aiops_model_ops aiops_model_sarima;

/* A zeroed instance of size bytes set up by init(m, p) (p NULL: every
 * parameter unset); destroyed again if init fails.  For the models'
 * create(). */
void *aiops_model_new(size_t size, const aiops_model_params *p,
                      int (*init)(void *m, const aiops_model_params *p, aiops_err *err),
                      void (*destroy)(void *m), aiops_err *err);

/* The interval coverage and season every seasonal model takes: *width =
 * p->width (unset: 0.99) in (0, 1), *period = p->period (unset or 0: one
 * day) finite and > 0.  Otherwise AIOPS_EINVAL "MODEL: expected ...". */
int aiops_model_width_period(const char *model, const aiops_model_params *p, double *width,
                             double *period, aiops_err *err);

/* ------------------------------------------------ save/load (model_json.c)
 *
 * One spelling of non-finite numbers in every saved model, as JSON has
 * none: NaN (a value not known yet) is written null, +-Inf (a threshold,
 * a clamp that is off) the strings "+Inf" and "-Inf".  load() reads its
 * state with jdoc.h's getters, whose AIOPS_JDOC_NONFINITE reads this
 * spelling back (and the string "NaN", which holtwinters and static wrote
 * before); their errors name the path ("state.params.width: expected
 * ..."), aiops_jdoc_bad_at what the getters cannot see (a count out of
 * range, numbers that must ascend). */

/* Set o[key] = v (taken); on a NULL v or a failure, *ok = 0. */
void aiops_mj_put(json_t *o, const char *key, json_t *v, int *ok);
json_t *aiops_mj_num(double v);                       /* NULL: out of memory */
json_t *aiops_mj_array(const double *a, size_t n);    /* NULL: out of memory */

/* The saved state of a model that is fitted in one batch (seasonal,
 * sarima): {"model": NAME, "version": V, "params": {...}, "fitted": B,
 * and when fitted the fit's own fields}. */
typedef struct aiops_mj_frame {
    const char *model;
    int version;             /* written; versions 1..version are read */
    int (*fitted)(const void *m);
    void (*clear)(void *m);  /* back to unfitted (keeps the parameters) */
    void (*save_params)(const void *m, json_t *par, int *ok);
    void (*save_fit)(const void *m, json_t *o, int *ok);
    /* 0 or a negative code, d->err set; d's path is at par / o.  load_fit
     * marks m fitted. */
    int (*load_params)(void *m, aiops_jdoc *d, const json_t *par);
    int (*load_fit)(void *m, aiops_jdoc *d, const json_t *o, int version);
} aiops_mj_frame;

json_t *aiops_mj_save(const aiops_mj_frame *f, const void *m);   /* NULL: out of memory */
/* m cleared, then loaded; cleared again on failure.  Errors name the
 * path from the detector's "state" ("state.params.width: expected
 * ..."). */
int aiops_mj_load(const aiops_mj_frame *f, void *m, const json_t *j, aiops_err *err);

#endif /* AIOPS_MODEL_H */
