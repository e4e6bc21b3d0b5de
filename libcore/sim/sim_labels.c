/* sim_labels.c - ground truth: one `label` record per injected fault
 * (docs/FORMAT.md), with the services it affects (sim_derived.c), the
 * series that show it and the fingerprints of the alerts it caused. */
#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"

/* Metrics where the fault shows first at its root. */
static void root_metrics(aiops_sim_fault_kind k, int *m, size_t *n)
{
    static const int lat[] = {AIOPS_SIM_M_P50, AIOPS_SIM_M_P99, -1};
    static const int err[] = {AIOPS_SIM_M_ERR_RATIO, AIOPS_SIM_M_ERR_RPS, -1};
    static const int cpu[] = {AIOPS_SIM_M_CPU, AIOPS_SIM_M_SAT, AIOPS_SIM_M_P99, -1};
    static const int mem[] = {AIOPS_SIM_M_MEM, AIOPS_SIM_M_UP, -1};
    static const int disk[] = {AIOPS_SIM_M_DISK, AIOPS_SIM_M_ERR_RATIO, -1};
    static const int down[] = {AIOPS_SIM_M_UP, AIOPS_SIM_M_RPS, -1};
    static const int spike[] = {AIOPS_SIM_M_RPS, AIOPS_SIM_M_SAT, -1};
    static const int part[] = {AIOPS_SIM_M_ERR_RATIO, AIOPS_SIM_M_P99, -1};
    const int *src = k == AIOPS_SIM_LATENCY ? lat
                     : k == AIOPS_SIM_CPU_SATURATION ? cpu
                     : k == AIOPS_SIM_MEMORY_LEAK ? mem
                     : k == AIOPS_SIM_DISK_FILL ? disk
                     : k == AIOPS_SIM_DEPENDENCY_OUTAGE ? down
                     : k == AIOPS_SIM_TRAFFIC_SPIKE ? spike
                     : k == AIOPS_SIM_NETWORK_PARTITION ? part : err;
    for (*n = 0; src[*n] >= 0; (*n)++)
        m[*n] = src[*n];
}

static json_t *series_text(const aiops_sim_scenario *sc, int metric, size_t s)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s{namespace=\"%s\",service=\"%s\"}", aiops_sim_metric_name(metric),
             sc->ns, sc->svc[s].name);
    return json_string(buf);
}

static json_t *label_series(const aiops_sim_scenario *sc, const aiops_sim_fault *f,
                            const unsigned char *aff)
{
    json_t *a = json_array();
    int m[4];
    size_t n;
    root_metrics(f->kind, m, &n);
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, series_text(sc, m[i], f->svc));
    for (size_t s = 0; a && s < sc->nsvc; s++) {
        if (!aff[s] || s == f->svc)
            continue;
        int callee_only = aiops_sim_caller_hops(sc, f->svc, s) < 0;
        /* Callees of a spike see load; everyone else errors and latency. */
        json_array_append_new(a, series_text(sc, callee_only && f->kind == AIOPS_SIM_TRAFFIC_SPIKE
                                                     ? AIOPS_SIM_M_SAT
                                                     : AIOPS_SIM_M_ERR_RATIO, s));
        json_array_append_new(a, series_text(sc, AIOPS_SIM_M_P99, s));
    }
    return a;
}

static json_t *label_alerts(const aiops_sim_scenario *sc, size_t fi, const aiops_sim_alert *log,
                            size_t nlog)
{
    (void)sc;
    json_t *a = json_array();
    for (size_t i = 0; a && i < nlog; i++) {
        if (!log[i].firing || log[i].incident != (long)fi)
            continue;
        int dup = 0;
        size_t k;
        json_t *x;
        json_array_foreach(a, k, x) dup |= !strcmp(json_string_value(x), log[i].fingerprint);
        if (!dup)
            json_array_append_new(a, json_string(log[i].fingerprint));
    }
    return a;
}

int aiops_sim_label_json(const aiops_sim_scenario *sc, size_t fi, const aiops_sim_alert *log,
                         size_t nlog, json_t **out, aiops_err *err)
{
    const aiops_sim_fault *f = &sc->faults[fi];
    unsigned char *aff = malloc(sc->nsvc);
    json_t *o = json_object(), *affected = json_array();
    *out = NULL;
    if (!aff || !o || !affected) {
        free(aff);
        json_decref(o);
        json_decref(affected);
        return aiops_err_set(err, AIOPS_ENOMEM, sc->path, 0, "out of memory");
    }
    aiops_sim_affected(sc, f, aff);
    for (size_t s = 0; s < sc->nsvc; s++)
        if (aff[s])
            json_array_append_new(affected, json_string(sc->svc[s].name));
    json_object_set_new(o, "type", json_string("label"));
    json_object_set_new(o, "ts", json_real(f->start));
    json_object_set_new(o, "id", json_string(f->id));
    json_object_set_new(o, "start", json_real(f->start));
    json_object_set_new(o, "end", json_real(aiops_sim_fault_end(f)));
    json_object_set_new(o, "declared", json_real(aiops_sim_fault_declared(f)));
    json_object_set_new(o, "root_cause", json_string(sc->svc[f->svc].name));
    json_object_set_new(o, "kind", json_string(aiops_sim_fault_name(f->kind)));
    json_object_set_new(o, "affected", affected);
    json_object_set_new(o, "alerts", label_alerts(sc, fi, log, nlog));
    json_object_set_new(o, "series", label_series(sc, f, aff));
    if (f->peer >= 0)
        json_object_set_new(o, "peer", json_string(sc->svc[f->peer].name));
    if (f->title)
        json_object_set_new(o, "title", json_string(f->title));
    free(aff);
    *out = o;
    return 0;
}
