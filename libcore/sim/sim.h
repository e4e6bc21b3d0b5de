/* sim.h - the incident simulator behind aiops-simulate (docs/SCENARIOS.md):
 * what the tool calls.  A scenario (JSON) describes a service topology,
 * traffic, metrics, logs, alert rules, deploys and injected faults; a run
 * turns it into the multi-source archive or into our record stream.  Fully
 * deterministic: same scenario + seed => byte-identical output.
 *
 * Conventions as in aiops.h: 0 / <0 AIOPS_E* with aiops_err filled,
 * x_new()/x_free() pairs (free accepts NULL), ownership stated per function.
 * The scenario is plain data so tests and tools can inspect it; treat it
 * as read-only outside sim_*.c.  The model, alert rules, generators and
 * emitters behind a run are in sim/sim_internal.h.
 */
#ifndef AIOPS_SIM_H
#define AIOPS_SIM_H

#include "aiops.h"

/* ------------------------------------------------------------ scenario */

typedef enum aiops_sim_fault_kind {
    AIOPS_SIM_LATENCY = 0,
    AIOPS_SIM_ERROR_BURST,
    AIOPS_SIM_CPU_SATURATION,
    AIOPS_SIM_MEMORY_LEAK,
    AIOPS_SIM_DISK_FILL,
    AIOPS_SIM_BAD_DEPLOY,
    AIOPS_SIM_DEPENDENCY_OUTAGE,
    AIOPS_SIM_TRAFFIC_SPIKE,
    AIOPS_SIM_NETWORK_PARTITION,
    AIOPS_SIM_FAULT__COUNT
} aiops_sim_fault_kind;

/* "latency", "error_burst", ... (the `kind` of docs/FORMAT.md labels). */
const char *aiops_sim_fault_name(aiops_sim_fault_kind k);
/* Kind by name, or -1. */
int aiops_sim_fault_find(const char *name);

/* Metrics every service exposes (one series per metric and service). */
enum {
    AIOPS_SIM_M_RPS = 0,     /* http_requests_per_second */
    AIOPS_SIM_M_ERR_RPS,     /* http_errors_per_second */
    AIOPS_SIM_M_ERR_RATIO,   /* http_error_ratio */
    AIOPS_SIM_M_P50,         /* http_latency_p50_seconds */
    AIOPS_SIM_M_P99,         /* http_latency_p99_seconds */
    AIOPS_SIM_M_CPU,         /* cpu_usage_ratio */
    AIOPS_SIM_M_MEM,         /* memory_usage_bytes */
    AIOPS_SIM_M_DISK,        /* disk_usage_ratio */
    AIOPS_SIM_M_SAT,         /* saturation_ratio */
    AIOPS_SIM_M_UP,          /* up */
    AIOPS_SIM_NMETRICS
};
const char *aiops_sim_metric_name(int m);
int aiops_sim_metric_find(const char *name);    /* index or -1 */

enum { AIOPS_SIM_INFO = 0, AIOPS_SIM_WARN, AIOPS_SIM_ERROR, AIOPS_SIM_NLEVELS };

typedef struct aiops_sim_template {
    int level;               /* AIOPS_SIM_INFO.. */
    char *text;              /* with {placeholders}, see docs/SCENARIOS.md */
    double weight;           /* relative frequency within its level */
} aiops_sim_template;

typedef struct aiops_sim_service {
    char *name;
    char *kind;              /* http, db, cache, queue, worker */
    size_t *calls;           /* callee indexes */
    double *ratio;           /* calls per request, per callee */
    size_t ncalls;
    /* traffic of its own (entry services): mean req/s and its shape */
    double base_rps, daily_amp, peak_hour, weekend_factor, trend_per_day, noise;
    double capacity;         /* req/s at 100% saturation (0 = auto) */
    double cpu_idle, cpu_per_util;
    double p50, p99, err_ratio;          /* healthy latency (s) and errors */
    double mem_base, mem_limit;          /* bytes */
    double disk_base, disk_per_day;      /* ratio, ratio per day */
    int batch;                           /* nightly batch job? */
    double batch_hour, batch_duration, batch_cpu;
    int replicas;
    char *version;                       /* running version at the start */
    aiops_sim_template *logs;
    size_t nlogs;
} aiops_sim_service;

typedef struct aiops_sim_fault {
    char *id;                /* incident id, e.g. "INC-1" */
    aiops_sim_fault_kind kind;
    size_t svc;              /* root-cause service */
    long peer;               /* network_partition: the unreachable callee, else -1 */
    double start;            /* first effect (precursor start), epoch s */
    double precursor;        /* ramp before the incident is visible, s */
    double duration;         /* start .. end, s (includes the precursor) */
    double declare_delay;    /* declared = visible + this */
    double severity;         /* kind-specific, see docs/SCENARIOS.md */
    char *version;           /* bad_deploy: the bad version */
    char *author;
    char *title;
} aiops_sim_fault;

typedef enum { AIOPS_SIM_GT, AIOPS_SIM_GE, AIOPS_SIM_LT, AIOPS_SIM_LE,
               AIOPS_SIM_EQ, AIOPS_SIM_NE } aiops_sim_op;

typedef struct aiops_sim_rule {
    char *name;              /* alertname */
    int metric;              /* AIOPS_SIM_M_* */
    aiops_sim_op op;
    double threshold;
    double for_s;            /* Prometheus `for:` */
    char *severity;
    char *summary;
    char *only;              /* restrict to this service (NULL = all) */
} aiops_sim_rule;

typedef struct aiops_sim_deploy {
    size_t svc;
    double ts;
    char *version;
    char *author;
} aiops_sim_deploy;

typedef struct aiops_sim_scenario {
    char *path;              /* for messages */
    char *name, *description, *ns;
    uint64_t seed;
    double start, step, days;
    size_t nsteps;
    aiops_sim_service *svc;
    size_t nsvc;
    aiops_sim_fault *faults;
    size_t nfaults;
    aiops_sim_rule *rules;
    size_t nrules;
    aiops_sim_deploy *deploys;
    size_t ndeploys;
    double prop_delay, prop_atten;       /* per call-graph hop */
    double logs_per_min;                 /* info lines per service per minute */
    double traces_per_min;               /* sampled traces per minute */
    int jaeger, otlp;                    /* trace formats written */
    char *text;                          /* the scenario JSON as read */
    size_t text_len;
} aiops_sim_scenario;

/* Parse and validate a scenario.  name is used in messages ("FILE:LINE:
 * expected ...").  *out owned by caller. */
int aiops_sim_scenario_parse(const char *name, const char *text, size_t len,
                             aiops_sim_scenario **out, aiops_err *err);
int aiops_sim_scenario_load(const char *path, aiops_sim_scenario **out, aiops_err *err);
void aiops_sim_scenario_free(aiops_sim_scenario *sc);
/* Command-line overrides: seed (if have_seed), days / step (if > 0).
 * Recomputes nsteps; faults past the end are kept but never fire. */
int aiops_sim_scenario_override(aiops_sim_scenario *sc, int have_seed, uint64_t seed,
                                double days, double step, aiops_err *err);

/* ------------------------------------------------------------ runs */

/* Record counts per type written by a run. */
typedef struct aiops_sim_stats {
    uint64_t samples, logs, spans, events, alerts, labels, members;
} aiops_sim_stats;

typedef struct aiops_sim_run_opts {
    int progress;            /* call progress() about once a simulated day */
    void (*progress_fn)(void *ctx, size_t step, size_t nsteps);
    void *progress_ctx;
} aiops_sim_run_opts;

/* Write the multi-source archive (tar + zstd) to path ("-" = stdout). */
int aiops_sim_write_archive(const aiops_sim_scenario *sc, const char *path,
                            const aiops_sim_run_opts *o, aiops_sim_stats *st, aiops_err *err);

/* Record sink for the stream mode: called once per record, in time order.
 * Samples carry sid (interned in tab); others carry obj. */
typedef int (*aiops_sim_sink)(void *ctx, const aiops_record *rec, aiops_err *err);
/* Produce the whole scenario as our record stream (docs/FORMAT.md). */
int aiops_sim_run_stream(const aiops_sim_scenario *sc, aiops_series_table *tab,
                         aiops_sim_sink sink, void *ctx, const aiops_sim_run_opts *o,
                         aiops_sim_stats *st, aiops_err *err);

#endif /* AIOPS_SIM_H */
