/* sim_internal.h - what the sim_*.c files share behind sim.h (and the
 * unit tests use); not part of the tool's interface.  Layers, each using
 * only those above it:
 *
 *   random       seeded streams and stable hashes (sim_rng.c)
 *   derived      fault times, call-graph distances, affected services
 *                (sim_derived.c)
 *   model        services and faults one step at a time (sim_model.c)
 *   alerts       alert rules over the model (sim_alerts.c)
 *   labels       ground-truth label records (sim_labels.c)
 *   generators   log lines and traces of a step (sim_logs.c, sim_traces.c)
 *   output       real-world formats and records (sim_emit.c), the archive
 *                writer (sim_archive.c)
 *
 * The scenario itself (sim.h, sim_scenario.h) sits below them all and
 * knows none of them; the runs (sim_run.c, sim_stream.c) sit on top. */
#ifndef AIOPS_SIM_INTERNAL_H
#define AIOPS_SIM_INTERNAL_H

#include "aiops_format.h"
#include "common/buf.h"
#include "sim/sim_scenario.h"

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

/* ------------------------------------------------------------ derived */

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
/* Affected services of fault f, by the propagation rules of
 * docs/SCENARIOS.md: out[i] = 1 if service i is affected. */
void aiops_sim_affected(const aiops_sim_scenario *sc, const aiops_sim_fault *f,
                        unsigned char *out);

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

/* The ground-truth `label` record of fault index fi (docs/FORMAT.md) with
 * the fingerprints of the alerts in log that belong to it.  *out owned by
 * caller (json_decref). */
int aiops_sim_label_json(const aiops_sim_scenario *sc, size_t fi, const aiops_sim_alert *log,
                         size_t nlog, json_t **out, aiops_err *err);

/* ------------------------------------------------------------ generators */

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
/* Zipkin v2 JSON: one array of spans. */
void aiops_sim_emit_zipkin(aiops_buf *b, const aiops_sim_scenario *sc,
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

#endif /* AIOPS_SIM_INTERNAL_H */
