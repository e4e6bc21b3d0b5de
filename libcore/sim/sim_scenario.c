/* sim_scenario.c - the scenario as data (sim.h): the names of its fault
 * kinds and metrics, the limits on its size, and freeing it.  Parsing is
 * in sim_parse*.c, what follows from it in sim_derived.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_scenario.h"

#define MAX_STEPS ((size_t)20000000)
#define MAX_DAY_POINTS ((size_t)5000000)     /* services x steps per day: 400 MB of values */

/* ------------------------------------------------------ names */

static const char *const METRICS[AIOPS_SIM_NMETRICS] = {
    "http_requests_per_second", "http_errors_per_second", "http_error_ratio",
    "http_latency_p50_seconds", "http_latency_p99_seconds", "cpu_usage_ratio",
    "memory_usage_bytes", "disk_usage_ratio", "saturation_ratio", "up",
};

static const char *const FAULTS[AIOPS_SIM_FAULT__COUNT] = {
    "latency", "error_burst", "cpu_saturation", "memory_leak", "disk_fill",
    "bad_deploy", "dependency_outage", "traffic_spike", "network_partition",
};

const char *aiops_sim_metric_name(int m)
{
    return m >= 0 && m < AIOPS_SIM_NMETRICS ? METRICS[m] : "?";
}

int aiops_sim_metric_find(const char *name)
{
    for (int i = 0; i < AIOPS_SIM_NMETRICS; i++)
        if (!strcmp(METRICS[i], name))
            return i;
    return -1;
}

const char *aiops_sim_fault_name(aiops_sim_fault_kind k)
{
    return (int)k >= 0 && k < AIOPS_SIM_FAULT__COUNT ? FAULTS[k] : "?";
}

int aiops_sim_fault_find(const char *name)
{
    for (int i = 0; i < AIOPS_SIM_FAULT__COUNT; i++)
        if (!strcmp(FAULTS[i], name))
            return i;
    return -1;
}

/* ------------------------------------------------------ size */

int aiops_sim_scenario_override(aiops_sim_scenario *sc, int have_seed, uint64_t seed,
                                double days, double step, aiops_err *err)
{
    if (have_seed)
        sc->seed = seed;
    if (days > 0)
        sc->days = days;
    if (step > 0)
        sc->step = step;
    double n = floor(sc->days * 86400 / sc->step + 1e-9);
    if (!(n >= 1) || n > (double)MAX_STEPS)
        return aiops_err_set(err, AIOPS_EINVAL, sc->path, 0,
                             "expected between 1 and %zu time steps, %g days at %gs make %.0f",
                             MAX_STEPS, sc->days, sc->step, n);
    sc->nsteps = (size_t)n;
    /* The archive holds one day of every series in memory. */
    double per_day = floor(86400 / sc->step) + 1;
    if (per_day > n)
        per_day = n;
    if ((double)sc->nsvc * per_day > (double)MAX_DAY_POINTS)
        return aiops_err_set(err, AIOPS_ELIMIT, sc->path, 0,
                             "expected at most %zu points per series and day over all services; "
                             "%zu services at a %gs step make %.0f (use a longer step)",
                             MAX_DAY_POINTS, sc->nsvc, sc->step, (double)sc->nsvc * per_day);
    return 0;
}

/* ------------------------------------------------------ lifetime */

void aiops_sim_scenario_free(aiops_sim_scenario *sc)
{
    if (!sc)
        return;
    for (size_t i = 0; i < sc->nsvc; i++) {
        aiops_sim_service *s = &sc->svc[i];
        free(s->name);
        free(s->kind);
        free(s->calls);
        free(s->ratio);
        free(s->version);
        for (size_t k = 0; k < s->nlogs; k++)
            free(s->logs[k].text);
        free(s->logs);
    }
    for (size_t i = 0; i < sc->nfaults; i++) {
        free(sc->faults[i].id);
        free(sc->faults[i].version);
        free(sc->faults[i].author);
        free(sc->faults[i].title);
    }
    for (size_t i = 0; i < sc->nrules; i++) {
        free(sc->rules[i].name);
        free(sc->rules[i].severity);
        free(sc->rules[i].summary);
        free(sc->rules[i].only);
    }
    for (size_t i = 0; i < sc->ndeploys; i++) {
        free(sc->deploys[i].version);
        free(sc->deploys[i].author);
    }
    free(sc->svc);
    free(sc->faults);
    free(sc->rules);
    free(sc->deploys);
    free(sc->path);
    free(sc->name);
    free(sc->description);
    free(sc->ns);
    free(sc->text);
    free(sc);
}

void aiops_sim_scenario_set_traces(aiops_sim_scenario *sc, int format)
{
    sc->trace_format = format;
}

int aiops_sim_trace_format(const aiops_sim_scenario *sc)
{
    if (sc->trace_format != AIOPS_SIM_TRACES_DEFAULT)
        return sc->trace_format;
    if (!sc->jaeger && !sc->otlp)
        return AIOPS_SIM_TRACES_DEFAULT;         /* "formats": [] */
    return sc->jaeger ? AIOPS_SIM_TRACES_JAEGER : AIOPS_SIM_TRACES_OTLP;
}
