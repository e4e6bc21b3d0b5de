/* sim.h - the incident simulator behind aiops-simulate (docs/SCENARIOS.md).
 *
 * A scenario (JSON) describes a service topology, traffic, metrics, logs,
 * alert rules, deploys and injected faults.  The model advances one step at
 * a time and is fully deterministic: same scenario + seed => same values,
 * same records, byte-identical archive.
 *
 * Conventions as in aiops.h: 0 / <0 AIOPS_E* with aiops_err filled,
 * x_new()/x_free() pairs (free accepts NULL), ownership stated per function.
 * The structs below are plain data so tests and tools can inspect them;
 * treat them as read-only outside sim_*.c.
 */
#ifndef AIOPS_SIM_H
#define AIOPS_SIM_H

#include "aiops.h"
#include "common/buf.h"
#include "input/input.h"

/* ------------------------------------------------------------ random */

/* xoshiro256** seeded through splitmix64.  Plain value type. */
typedef struct aiops_sim_rng {
    uint64_t s[4];
    int has_spare;           /* normal deviates come in pairs */
    double spare;
} aiops_sim_rng;

/* splitmix64 step: also a good 64-bit mixing function for hashing. */
uint64_t aiops_sim_mix64(uint64_t x);
/* FNV-1a of bytes, then mixed: stable ids from names. */
uint64_t aiops_sim_hash(const char *s, size_t n);
/* Independent stream `stream` of generator `seed` (streams never overlap
 * in practice: the state is derived by hashing both). */
void aiops_sim_rng_seed(aiops_sim_rng *r, uint64_t seed, uint64_t stream);
uint64_t aiops_sim_rng_u64(aiops_sim_rng *r);
double aiops_sim_rng_uniform(aiops_sim_rng *r);            /* [0, 1) */
uint64_t aiops_sim_rng_below(aiops_sim_rng *r, uint64_t n); /* [0, n), n > 0 */
double aiops_sim_rng_normal(aiops_sim_rng *r);             /* N(0, 1) */
double aiops_sim_rng_exp(aiops_sim_rng *r, double mean);
/* Poisson(lambda); exact for small lambda, normal approximation above 64. */
uint64_t aiops_sim_rng_poisson(aiops_sim_rng *r, double lambda);

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

/* Fault times derived from the scenario. */
double aiops_sim_fault_visible(const aiops_sim_fault *f);   /* start + precursor */
double aiops_sim_fault_declared(const aiops_sim_fault *f);
double aiops_sim_fault_end(const aiops_sim_fault *f);
/* 1 if the fault lies (at least partly) inside the simulated span. */
int aiops_sim_fault_in_span(const aiops_sim_scenario *sc, const aiops_sim_fault *f);

/* Call-graph helpers: hop distance from `from` up to `to` following
 * caller edges (to calls ... calls from), or -1. */
long aiops_sim_caller_hops(const aiops_sim_scenario *sc, size_t from, size_t to);
long aiops_sim_callee_hops(const aiops_sim_scenario *sc, size_t from, size_t to);

/* ------------------------------------------------------------ model */

typedef struct aiops_sim_event {
    double ts;
    const char *kind;        /* deploy, oom_kill, restart, k8s (static strings) */
    size_t svc;
    const char *reason;      /* Kubernetes reason (static string) */
    char message[200];
    char version[48];
    char author[48];
    char object[96];         /* pod/x-abc12 */
    int warning;             /* Kubernetes type Warning (else Normal) */
    long fault;              /* index of the fault that caused it, or -1 */
} aiops_sim_event;

typedef struct aiops_sim aiops_sim;

/* The model over sc (borrowed: must outlive the model).  Owned by caller. */
int aiops_sim_new(aiops_sim **out, const aiops_sim_scenario *sc, aiops_err *err);
void aiops_sim_free(aiops_sim *m);
/* Advance to the next step: 1 = values/events of that step are ready,
 * 0 = past the end. */
int aiops_sim_next(aiops_sim *m);
size_t aiops_sim_stepno(const aiops_sim *m);     /* of the current step */
double aiops_sim_now(const aiops_sim *m);        /* its time (epoch s) */
/* Values of service i at the current step, [AIOPS_SIM_NMETRICS], rounded
 * the way they are written.  Borrowed, overwritten by the next step. */
const double *aiops_sim_values(const aiops_sim *m, size_t svc);
/* Excess error ratio / latency (s) of service i at the current step, i.e.
 * the part caused by faults (own or propagated). */
double aiops_sim_excess_err(const aiops_sim *m, size_t svc);
double aiops_sim_excess_lat(const aiops_sim *m, size_t svc);
/* Events of the current step (borrowed, overwritten by the next step). */
size_t aiops_sim_events(const aiops_sim *m, const aiops_sim_event **ev);
/* Running version of service i. */
const char *aiops_sim_version(const aiops_sim *m, size_t svc);
/* Pod name of service i (changes on deploy).  Borrowed. */
const char *aiops_sim_pod(const aiops_sim *m, size_t svc);
/* Requests/s service i can serve at 100% saturation. */
double aiops_sim_capacity(const aiops_sim *m, size_t svc);
/* The scenario the model runs (borrowed). */
const aiops_sim_scenario *aiops_sim_scenario_of(const aiops_sim *m);

/* ------------------------------------------------------------ alerts */

typedef struct aiops_sim_alert {
    double ts;               /* state change time */
    size_t rule, svc;
    int firing;              /* 1 firing, 0 resolved */
    double start, end;       /* end = 0 while firing */
    char fingerprint[17];    /* 16 hex digits over the label set */
    long incident;           /* fault index it belongs to, or -1 */
    double value;            /* the metric's value when it fired */
} aiops_sim_alert;

typedef struct aiops_sim_alerts aiops_sim_alerts;

int aiops_sim_alerts_new(aiops_sim_alerts **out, const aiops_sim_scenario *sc, aiops_err *err);
void aiops_sim_alerts_free(aiops_sim_alerts *a);
/* Evaluate every rule against the model's current step.  The state
 * changes of this step are appended to the alert log. */
int aiops_sim_alerts_step(aiops_sim_alerts *a, const aiops_sim *m, aiops_err *err);
/* Whole log so far, in time order (borrowed).  first = index of the first
 * entry added by the last aiops_sim_alerts_step. */
size_t aiops_sim_alerts_log(const aiops_sim_alerts *a, const aiops_sim_alert **log, size_t *first);
/* Fingerprint of (rule, service): stable over runs.  buf >= 17. */
void aiops_sim_alert_fingerprint(const aiops_sim_scenario *sc, size_t rule, size_t svc,
                                 char *buf);
/* Incident (fault index) an alert on `metric` of service svc firing at
 * ts belongs to, or -1 (docs/SCENARIOS.md, "Ground truth"). */
long aiops_sim_alert_incident(const aiops_sim_scenario *sc, int metric, size_t svc, double ts);

/* ------------------------------------------------------------ labels */

/* Affected services of fault f, by the propagation rules of
 * docs/SCENARIOS.md: out[i] = 1 if service i is affected. */
void aiops_sim_affected(const aiops_sim_scenario *sc, const aiops_sim_fault *f,
                        unsigned char *out);
/* The ground-truth `label` record of fault index fi (docs/FORMAT.md) with
 * the fingerprints of the alerts in log that belong to it.  *out owned by
 * caller (json_decref). */
int aiops_sim_label_json(const aiops_sim_scenario *sc, size_t fi, const aiops_sim_alert *log,
                         size_t nlog, json_t **out, aiops_err *err);

/* ------------------------------------------------------------ output */

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

/* ------------------------------------------------------------ internals
 * Shared between sim_*.c files (and used by the unit tests); not part of
 * the stable interface. */

/* Archive members are built in an aiops_buf (internal.h). */

/* Cap on the log lines / spans buffered for one archive day (the
 * generators fail with AIOPS_ELIMIT beyond it). */
#define AIOPS_SIM_MAX_BUFFERED ((size_t)20000000)

/* One log line of service svc generated at the current step. */
typedef struct aiops_sim_log {
    double ts;
    size_t svc;
    int level;
    char text[400];
    char trace_id[33];
} aiops_sim_log;

/* Log lines of the current step for every service, appended to *out
 * (realloc'ed array of *n, capacity *cap).  rng: the log stream. */
int aiops_sim_logs_step(const aiops_sim *m, aiops_sim_rng *rng, aiops_sim_log **out,
                        size_t *n, size_t *cap, aiops_err *err);

typedef struct aiops_sim_span {
    char trace_id[33], span_id[17], parent_id[17];   /* parent "" for roots */
    size_t svc;
    const char *operation;   /* static text */
    int64_t start_us, dur_us;    /* integers: ns output stays exact */
    int error;
    int status;              /* HTTP status code */
} aiops_sim_span;

/* Sampled traces started in the current step, appended to *out. */
int aiops_sim_traces_step(const aiops_sim *m, aiops_sim_rng *rng, aiops_sim_span **out,
                          size_t *n, size_t *cap, aiops_err *err);

/* Real-world formats (sim_emit.c), appended to b. */
/* Prometheus query_range matrix of one metric: vals[svc * stride + k]
 * (k < nk) at t0 + k * step. */
void aiops_sim_emit_matrix(aiops_buf *b, const aiops_sim_scenario *sc, int metric,
                           const double *vals, size_t nk, size_t stride, double t0);
/* logcli --output=jsonl lines. */
void aiops_sim_emit_loki(aiops_buf *b, const aiops_sim_scenario *sc, const aiops_sim_log *l,
                         size_t n);
/* Jaeger query API JSON ({"data":[traces]}); spans grouped by trace. */
void aiops_sim_emit_jaeger(aiops_buf *b, const aiops_sim_scenario *sc,
                           const aiops_sim_span *sp, size_t n);
/* OTLP/JSON ExportTraceServiceRequest, one resourceSpans per service. */
void aiops_sim_emit_otlp(aiops_buf *b, const aiops_sim_scenario *sc,
                         const aiops_sim_span *sp, size_t n);
/* `kubectl get events -o json` list of the Kubernetes events in ev. */
void aiops_sim_emit_k8s(aiops_buf *b, const aiops_sim_scenario *sc,
                        const aiops_sim_event *ev, size_t n);
/* One Alertmanager webhook payload (a line) per alert state change. */
void aiops_sim_emit_webhook(aiops_buf *b, const aiops_sim_scenario *sc,
                            const aiops_sim_alert *a);
/* Compact JSON with numbers via aiops_fmt_double, then "\n". */
void aiops_sim_json_line(aiops_buf *b, json_t *v);

/* Our record objects (docs/FORMAT.md) for the stream mode and the
 * archive's NDJSON members.  Owned by caller. */
json_t *aiops_sim_event_json(const aiops_sim_scenario *sc, const aiops_sim_event *e);
json_t *aiops_sim_alert_json(const aiops_sim_scenario *sc, const aiops_sim_alert *a);
json_t *aiops_sim_log_json(const aiops_sim_scenario *sc, const aiops_sim_log *l);
json_t *aiops_sim_span_json(const aiops_sim_scenario *sc, const aiops_sim_span *s);

/* libarchive writer with fixed member metadata (deterministic output). */
typedef struct aiops_sim_archive aiops_sim_archive;
int aiops_sim_archive_open(aiops_sim_archive **out, const char *path, double mtime,
                           aiops_err *err);
int aiops_sim_archive_add(aiops_sim_archive *a, const char *member, const char *data,
                          size_t len, aiops_err *err);
/* Finish and free; returns 0 or <0. */
int aiops_sim_archive_close(aiops_sim_archive *a, aiops_err *err);

#endif /* AIOPS_SIM_H */
