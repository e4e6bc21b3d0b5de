/* sim_scenario.h - the parts of a scenario (sim.h): fault kinds, metrics
 * and log levels with their names, services, faults, alert rules and
 * deploys.  Plain data, filled by the parser (sim_parse*.c) and read by
 * everything that runs a scenario (sim_internal.h); treat it as read-only
 * outside them. */
#ifndef AIOPS_SIM_SCENARIO_H
#define AIOPS_SIM_SCENARIO_H

#include "sim/sim.h"

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

struct aiops_sim_service {
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
};

struct aiops_sim_fault {
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
};

typedef enum { AIOPS_SIM_GT, AIOPS_SIM_GE, AIOPS_SIM_LT, AIOPS_SIM_LE,
               AIOPS_SIM_EQ, AIOPS_SIM_NE } aiops_sim_op;

struct aiops_sim_rule {
    char *name;              /* alertname */
    int metric;              /* AIOPS_SIM_M_* */
    aiops_sim_op op;
    double threshold;
    double for_s;            /* Prometheus `for:` */
    char *severity;
    char *summary;
    char *only;              /* restrict to this service (NULL = all) */
};

struct aiops_sim_deploy {
    size_t svc;
    double ts;
    char *version;
    char *author;
};

#endif
