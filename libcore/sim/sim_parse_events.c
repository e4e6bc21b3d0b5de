/* sim_parse_events.c - what happens over a scenario's time, read after
 * the services it names (docs/SCENARIOS.md): alert rules ("alerts"),
 * deploys and injected faults. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_parse.h"

/* The optional array member key of root into a new array of its size at
 * *parr (any T **, elem = sizeof T), each element read by one() (see
 * sim_each). */
static int parse_list(sim_pctx *c, json_t *root, const char *key, void *parr, size_t elem,
                      size_t *count, sim_item_fn one)
{
    json_t *arr;
    int rc = sim_get_arr(c, root, key, 0, &arr);
    size_t n = arr ? json_array_size(arr) : 0;
    if (rc || !n)
        return rc;
    void *items = calloc(n, elem);
    if (!items)
        return sim_oom(c);
    memcpy(parr, &items, sizeof items);     /* as aiops_grow: no aliasing trouble */
    return sim_each(c, arr, key, count, one, NULL);
}

/* "start" (RFC 3339) or "at" (offset from the scenario start) of what. */
static int item_time(sim_pctx *c, json_t *o, const char *what, double *out)
{
    if (json_object_get(o, "start") && json_object_get(o, "at"))
        return aiops_jdoc_bad(&c->jd, "expected either \"start\" or \"at\", not both");
    if (json_object_get(o, "start"))
        return sim_get_time(c, o, "start", "2024-01-02T14:00:00Z", out);
    if (!json_object_get(o, "at"))
        return aiops_jdoc_bad(&c->jd, "expected \"start\" (RFC 3339) or \"at\" (offset like "
                                      "\"1d14h\") for the %s", what);
    double off;
    int rc = sim_get_dur(c, o, "at", 0, 0, &off);
    *out = c->sc->start + off;
    return rc;
}

/* ------------------------------------------------------ alert rules */

/* "metric OP number", e.g. "cpu_usage_ratio > 0.8". */
static int parse_expr(sim_pctx *c, const char *e, aiops_sim_rule *r)
{
    static const struct { const char *t; aiops_sim_op op; } ops[] = {
        {">=", AIOPS_SIM_GE}, {"<=", AIOPS_SIM_LE}, {"==", AIOPS_SIM_EQ},
        {"!=", AIOPS_SIM_NE}, {">", AIOPS_SIM_GT}, {"<", AIOPS_SIM_LT},
    };
    size_t i = 0;
    while (e[i] == ' ')
        i++;
    size_t ms = i;
    while (isalnum((unsigned char)e[i]) || e[i] == '_' || e[i] == ':')
        i++;
    char metric[64];
    snprintf(metric, sizeof metric, "%.*s", (int)(i - ms), e + ms);
    r->metric = aiops_sim_metric_find(metric);
    while (e[i] == ' ')
        i++;
    int found = 0;
    for (size_t k = 0; k < sizeof ops / sizeof ops[0] && !found; k++)
        if (!strncmp(e + i, ops[k].t, strlen(ops[k].t))) {
            r->op = ops[k].op;
            i += strlen(ops[k].t);
            found = 1;
        }
    while (e[i] == ' ')
        i++;
    size_t ns = i, ne = strlen(e);
    while (ne > ns && e[ne - 1] == ' ')
        ne--;
    if (r->metric < 0 || !found || aiops_parse_double(e + ns, ne - ns, &r->threshold))
        return aiops_jdoc_bad(&c->jd, "expected \"METRIC OP NUMBER\" with METRIC one of the "
                                      "simulated metrics (e.g. cpu_usage_ratio, http_error_ratio) "
                                      "and OP one of > >= < <= == !=, got \"%s\"", e);
    return 0;
}

static int parse_rule(sim_pctx *c, json_t *o, size_t i, void *arg)
{
    (void)arg;
    static const char *const keys[] = {"alert", "expr", "for", "severity", "summary", "service",
                                       NULL};
    aiops_sim_rule *r = &c->sc->rules[i];
    char *expr = NULL;
    int rc = json_is_object(o) ? sim_check_keys(c, o, keys)
                               : aiops_jdoc_bad(&c->jd, "expected a rule object");
    if (!rc)
        rc = sim_get_str(c, o, "alert", NULL, &r->name);
    if (!rc && !r->name)
        rc = aiops_jdoc_bad(&c->jd, "expected a member \"alert\" (the alert name)");
    if (!rc)
        rc = sim_get_str(c, o, "expr", NULL, &expr);
    if (!rc && !expr)
        rc = aiops_jdoc_bad(&c->jd, "expected a member \"expr\" like \"cpu_usage_ratio > 0.8\"");
    if (!rc) {
        aiops_jdoc_key(&c->jd, "expr");
        rc = parse_expr(c, expr, r);
        aiops_jdoc_pop(&c->jd);
    }
    free(expr);
    if (!rc)
        rc = sim_get_dur(c, o, "for", 0, 0, &r->for_s);
    if (!rc)
        rc = sim_get_str(c, o, "severity", "warning", &r->severity);
    if (!rc)
        rc = sim_get_str(c, o, "summary", NULL, &r->summary);
    if (!rc)
        rc = sim_get_str(c, o, "service", NULL, &r->only);
    if (!rc && r->only && sim_find_service(c->sc, r->only) < 0)
        rc = sim_bad_at(c, "service", "expected the name of a service defined in \"services\"");
    return rc;
}

/* ------------------------------------------------------ deploys */

static int parse_deploy(sim_pctx *c, json_t *o, size_t i, void *arg)
{
    (void)arg;
    static const char *const keys[] = {"service", "start", "at", "version", "author", NULL};
    aiops_sim_scenario *sc = c->sc;
    aiops_sim_deploy *d = &sc->deploys[i];
    char *svc = NULL;
    int rc = json_is_object(o) ? sim_check_keys(c, o, keys)
                               : aiops_jdoc_bad(&c->jd, "expected a deploy object");
    if (!rc)
        rc = sim_get_str(c, o, "service", NULL, &svc);
    long s = svc ? sim_find_service(sc, svc) : -1;
    free(svc);
    if (!rc && s < 0)
        rc = aiops_jdoc_bad(&c->jd,
                            "expected \"service\": the name of a service defined in \"services\"");
    d->svc = s < 0 ? 0 : (size_t)s;
    if (!rc)
        rc = item_time(c, o, "deploy", &d->ts);
    if (!rc)
        rc = sim_get_str(c, o, "version", NULL, &d->version);
    if (!rc && !d->version)
        rc = aiops_jdoc_bad(&c->jd, "expected a member \"version\"");
    if (!rc)
        rc = sim_get_str(c, o, "author", "ci-bot", &d->author);
    return rc;
}

/* ------------------------------------------------------ faults */

static double default_severity(aiops_sim_fault_kind k)
{
    switch (k) {
    case AIOPS_SIM_LATENCY: return 0.4;
    case AIOPS_SIM_ERROR_BURST: return 0.25;
    case AIOPS_SIM_CPU_SATURATION: return 0.7;
    case AIOPS_SIM_MEMORY_LEAK: return 1;
    case AIOPS_SIM_DISK_FILL: return 0.5;
    case AIOPS_SIM_BAD_DEPLOY: return 0.15;
    case AIOPS_SIM_DEPENDENCY_OUTAGE: return 1;
    case AIOPS_SIM_TRAFFIC_SPIKE: return 3;
    default: return 1;
    }
}

static int slow_kind(aiops_sim_fault_kind k)
{
    return k == AIOPS_SIM_LATENCY || k == AIOPS_SIM_MEMORY_LEAK || k == AIOPS_SIM_DISK_FILL;
}

/* "kind", "service" and, for a network partition, "to". */
static int fault_who(sim_pctx *c, json_t *o, aiops_sim_fault *f)
{
    const aiops_sim_scenario *sc = c->sc;
    char *kind = NULL, *svc = NULL, *to = NULL;
    int rc = sim_get_str(c, o, "kind", NULL, &kind);
    int k = kind ? aiops_sim_fault_find(kind) : -1;
    if (!rc && k < 0)
        rc = sim_bad_at(c, "kind",
                        "expected a fault kind (latency, error_burst, cpu_saturation, memory_leak, "
                        "disk_fill, bad_deploy, dependency_outage, traffic_spike, "
                        "network_partition), got %s%s%s",
                        kind ? "\"" : "", kind ? kind : "nothing", kind ? "\"" : "");
    f->kind = (aiops_sim_fault_kind)(k < 0 ? 0 : k);
    if (!rc)
        rc = sim_get_str(c, o, "service", NULL, &svc);
    long s = svc ? sim_find_service(sc, svc) : -1;
    if (!rc && s < 0)
        rc = sim_bad_at(c, "service", "expected the name of a service defined in \"services\"");
    f->svc = s < 0 ? 0 : (size_t)s;
    if (!rc)
        rc = sim_get_str(c, o, "to", NULL, &to);
    if (!rc && (f->kind == AIOPS_SIM_NETWORK_PARTITION) != (to != NULL))
        rc = aiops_jdoc_bad(&c->jd,
                            "expected \"to\" (the callee cut off) exactly for network_partition");
    if (!rc && to) {
        long p = sim_find_service(sc, to);
        for (size_t j = 0; p >= 0 && j < sc->svc[s].ncalls; j++)
            if (sc->svc[s].calls[j] == (size_t)p)
                f->peer = p;
        if (f->peer < 0)
            rc = sim_bad_at(c, "to", "expected a service that \"%s\" calls", svc);
    }
    free(kind);
    free(svc);
    free(to);
    return rc;
}

/* "start" or "at", "duration", "precursor" and "declare_delay". */
static int fault_when(sim_pctx *c, json_t *o, aiops_sim_fault *f)
{
    int rc = item_time(c, o, "fault", &f->start);
    if (!rc && !json_object_get(o, "duration"))
        rc = aiops_jdoc_bad(&c->jd, "expected a member \"duration\" (e.g. \"45m\")");
    if (!rc)
        rc = sim_get_dur(c, o, "duration", 0, 60, &f->duration);
    double pre_dflt = slow_kind(f->kind) ? 3600 : f->kind == AIOPS_SIM_CPU_SATURATION ? 600 : 0;
    if (!rc)
        rc = sim_get_dur(c, o, "precursor", pre_dflt, 0, &f->precursor);
    if (!rc && slow_kind(f->kind) && (f->precursor < 1800 || f->precursor > 7200))
        rc = sim_bad_at(c, "precursor",
                        "expected 30m to 2h for a %s (the slow ramp before the incident)",
                        aiops_sim_fault_name(f->kind));
    if (!rc && f->precursor >= f->duration)
        rc = aiops_jdoc_bad(&c->jd,
                            "expected \"duration\" longer than \"precursor\" (duration counts from "
                            "the precursor's start)");
    if (!rc)
        rc = sim_get_dur(c, o, "declare_delay", 300, 0, &f->declare_delay);
    return rc;
}

static int parse_fault(sim_pctx *c, json_t *o, size_t i, void *arg)
{
    (void)arg;
    static const char *const keys[] = {"id", "kind", "service", "to", "start", "at",
                                       "duration", "precursor", "severity", "declare_delay",
                                       "version", "author", "title", NULL};
    aiops_sim_scenario *sc = c->sc;
    aiops_sim_fault *f = &sc->faults[i];
    char idbuf[32];
    snprintf(idbuf, sizeof idbuf, "INC-%zu", i + 1);
    f->peer = -1;
    int rc = json_is_object(o) ? sim_check_keys(c, o, keys)
                               : aiops_jdoc_bad(&c->jd, "expected a fault object");
    if (!rc)
        rc = sim_get_str(c, o, "id", idbuf, &f->id);
    if (!rc)
        rc = fault_who(c, o, f);
    if (!rc)
        rc = fault_when(c, o, f);
    double sev_hi = f->kind == AIOPS_SIM_TRAFFIC_SPIKE ? 100
                    : f->kind == AIOPS_SIM_LATENCY ? 60 : 1;
    if (!rc)
        rc = sim_get_num(c, o, "severity", default_severity(f->kind),
                         f->kind == AIOPS_SIM_TRAFFIC_SPIKE ? 1 : 0, sev_hi, &f->severity);
    if (!rc)
        rc = sim_get_str(c, o, "version", NULL, &f->version);
    if (!rc)
        rc = sim_get_str(c, o, "author", "ci-bot", &f->author);
    if (!rc)
        rc = sim_get_str(c, o, "title", NULL, &f->title);
    if (!rc && f->kind == AIOPS_SIM_BAD_DEPLOY && !f->version) {
        char v[64];
        snprintf(v, sizeof v, "%s-bad.1", sc->svc[f->svc].version);
        if (!(f->version = strdup(v)))
            rc = sim_oom(c);
    }
    for (size_t j = 0; !rc && j < i; j++)
        if (!strcmp(sc->faults[j].id, f->id))
            rc = aiops_jdoc_bad(&c->jd, "expected a unique id, \"%s\" is used twice", f->id);
    return rc;
}

/* ------------------------------------------------------ all three */

int sim_parse_events(sim_pctx *c, json_t *root)
{
    aiops_sim_scenario *sc = c->sc;
    int rc = parse_list(c, root, "alerts", &sc->rules, sizeof *sc->rules, &sc->nrules,
                        parse_rule);
    if (!rc)
        rc = parse_list(c, root, "deploys", &sc->deploys, sizeof *sc->deploys, &sc->ndeploys,
                        parse_deploy);
    if (!rc)
        rc = parse_list(c, root, "faults", &sc->faults, sizeof *sc->faults, &sc->nfaults,
                        parse_fault);
    return rc;
}
