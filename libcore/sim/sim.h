/* sim.h - the incident simulator behind aiops-simulate (docs/SCENARIOS.md):
 * what the tool calls.  A scenario (JSON) describes a service topology,
 * traffic, metrics, logs, alert rules, deploys and injected faults; a run
 * turns it into the multi-source archive or into our record stream.  Fully
 * deterministic: same scenario + seed => byte-identical output.
 *
 * Conventions as in aiops.h: 0 / <0 AIOPS_E* with aiops_err filled,
 * x_new()/x_free() pairs (free accepts NULL), ownership stated per function.
 * The scenario is plain data so tools can inspect it; treat it as
 * read-only outside sim_*.c.  Its parts are in sim/sim_scenario.h; the
 * model, alert rules, generators and emitters behind a run in
 * sim/sim_internal.h.
 */
#ifndef AIOPS_SIM_H
#define AIOPS_SIM_H

#include "aiops.h"

/* ------------------------------------------------------------ scenario */

/* The parts of a scenario are in sim/sim_scenario.h. */
typedef struct aiops_sim_service aiops_sim_service;
typedef struct aiops_sim_fault aiops_sim_fault;
typedef struct aiops_sim_rule aiops_sim_rule;
typedef struct aiops_sim_deploy aiops_sim_deploy;

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
    int jaeger, otlp;                    /* traces.formats lists them */
    int trace_format;                    /* AIOPS_SIM_TRACES_*: 0 = default */
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

/* The archive holds its traces in one format, so each span is there once:
 * the one set by aiops_sim_scenario_set_traces, else Jaeger if
 * traces.formats lists it, else OTLP if it lists that, else none. */
enum { AIOPS_SIM_TRACES_DEFAULT, AIOPS_SIM_TRACES_JAEGER, AIOPS_SIM_TRACES_OTLP,
       AIOPS_SIM_TRACES_ZIPKIN };
void aiops_sim_scenario_set_traces(aiops_sim_scenario *sc, int format);
/* The format a run writes: AIOPS_SIM_TRACES_JAEGER, _OTLP or _ZIPKIN, or
 * _DEFAULT for none. */
int aiops_sim_trace_format(const aiops_sim_scenario *sc);

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
