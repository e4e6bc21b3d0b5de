/* sim_alerts.c - static alert rules evaluated like Prometheus does.
 *
 * Every step is one rule evaluation.  A rule whose condition holds goes
 * pending; once it has held for `for:` it fires (Alertmanager's startsAt
 * is that moment, as Prometheus sends FiredAt); the first evaluation where
 * it no longer holds resolves it.  A `for:` of 0 fires at once.  Each
 * state change is appended to a log, which the emitters turn into
 * Alertmanager webhook payloads or `alert` records. */
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "sim/sim_internal.h"

enum { INACTIVE = 0, PENDING, FIRING };

typedef struct rule_state {
    int state;
    double since;            /* pending since / firing since */
    long incident;
} rule_state;

struct aiops_sim_alerts {
    const aiops_sim_scenario *sc;
    rule_state *st;          /* nrules x nsvc */
    aiops_sim_alert *log;
    size_t nlog, cap, first;
};

int aiops_sim_alerts_new(aiops_sim_alerts **out, const aiops_sim_scenario *sc, aiops_err *err)
{
    *out = NULL;
    aiops_sim_alerts *a = calloc(1, sizeof *a);
    size_t n = sc->nrules * sc->nsvc;
    if (a)
        a->st = calloc(n ? n : 1, sizeof *a->st);
    if (!a || !a->st) {
        free(a);
        return aiops_err_set(err, AIOPS_ENOMEM, sc->path, 0, "out of memory");
    }
    a->sc = sc;
    *out = a;
    return 0;
}

void aiops_sim_alerts_free(aiops_sim_alerts *a)
{
    if (!a)
        return;
    free(a->st);
    free(a->log);
    free(a);
}

static int holds(aiops_sim_op op, double v, double thr)
{
    switch (op) {
    case AIOPS_SIM_GT: return v > thr;
    case AIOPS_SIM_GE: return v >= thr;
    case AIOPS_SIM_LT: return v < thr;
    case AIOPS_SIM_LE: return v <= thr;
    case AIOPS_SIM_EQ: return v == thr;
    default: return v != thr;
    }
}

void aiops_sim_alert_fingerprint(const aiops_sim_scenario *sc, size_t rule, size_t svc, char *buf)
{
    /* Over the alert's label set (sorted names), like Alertmanager's. */
    char lab[512];
    const aiops_sim_rule *r = &sc->rules[rule];
    int n = snprintf(lab, sizeof lab, "alertname\xff%s\xffnamespace\xff%s\xffservice\xff%s\xff"
                                      "severity\xff%s",
                     r->name, sc->ns, sc->svc[svc].name, r->severity);
    uint64_t h = aiops_sim_hash(lab, n > 0 ? (size_t)n : 0);
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++)
        buf[i] = hex[(h >> (60 - 4 * i)) & 15];
    buf[16] = '\0';
}

static int log_add(aiops_sim_alerts *a, const aiops_sim_alert *e, aiops_err *err)
{
    if (AIOPS_GROW(a->log, a->cap, a->nlog + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, a->sc->path, 0, "out of memory");
    a->log[a->nlog++] = *e;
    return 0;
}

static int change(aiops_sim_alerts *a, size_t r, size_t s, rule_state *st, int firing,
                  double t, double v, aiops_err *err)
{
    aiops_sim_alert e = {.ts = t, .rule = r, .svc = s, .firing = firing, .value = v};
    aiops_sim_alert_fingerprint(a->sc, r, s, e.fingerprint);
    if (firing) {
        st->since = t;
        st->incident = aiops_sim_alert_incident(a->sc, a->sc->rules[r].metric, s, t);
        e.start = t;
    } else {
        e.start = st->since;
        e.end = t;
    }
    e.incident = st->incident;
    return log_add(a, &e, err);
}

int aiops_sim_alerts_step(aiops_sim_alerts *a, const aiops_sim *m, aiops_err *err)
{
    const aiops_sim_scenario *sc = a->sc;
    double t = aiops_sim_now(m);
    a->first = a->nlog;
    for (size_t r = 0; r < sc->nrules; r++) {
        const aiops_sim_rule *rule = &sc->rules[r];
        for (size_t s = 0; s < sc->nsvc; s++) {
            if (rule->only && strcmp(rule->only, sc->svc[s].name))
                continue;
            rule_state *st = &a->st[r * sc->nsvc + s];
            double v = aiops_sim_values(m, s)[rule->metric];
            int c = holds(rule->op, v, rule->threshold);
            int rc = 0;
            if (!c) {
                if (st->state == FIRING)
                    rc = change(a, r, s, st, 0, t, v, err);
                st->state = INACTIVE;
            } else if (st->state == INACTIVE) {
                st->state = PENDING;
                st->since = t;
            }
            if (c && st->state == PENDING && t - st->since >= rule->for_s) {
                st->state = FIRING;
                rc = change(a, r, s, st, 1, t, v, err);
            }
            if (rc)
                return rc;
        }
    }
    return 0;
}

size_t aiops_sim_alerts_log(const aiops_sim_alerts *a, const aiops_sim_alert **log, size_t *first)
{
    *log = a->log;
    if (first)
        *first = a->first;
    return a->nlog;
}

#define BIT(m) (1u << (m))
#define ERRLAT (BIT(AIOPS_SIM_M_ERR_RATIO) | BIT(AIOPS_SIM_M_ERR_RPS) | BIT(AIOPS_SIM_M_P50) | \
                BIT(AIOPS_SIM_M_P99))

/* Metrics a fault moves at its root. */
static unsigned root_mask(aiops_sim_fault_kind k)
{
    switch (k) {
    case AIOPS_SIM_CPU_SATURATION: return ERRLAT | BIT(AIOPS_SIM_M_CPU) | BIT(AIOPS_SIM_M_SAT);
    case AIOPS_SIM_MEMORY_LEAK:
        return ERRLAT | BIT(AIOPS_SIM_M_MEM) | BIT(AIOPS_SIM_M_UP) | BIT(AIOPS_SIM_M_CPU) |
               BIT(AIOPS_SIM_M_RPS);
    case AIOPS_SIM_DISK_FILL: return ERRLAT | BIT(AIOPS_SIM_M_DISK);
    case AIOPS_SIM_DEPENDENCY_OUTAGE:
        return ERRLAT | BIT(AIOPS_SIM_M_UP) | BIT(AIOPS_SIM_M_RPS) | BIT(AIOPS_SIM_M_CPU) |
               BIT(AIOPS_SIM_M_MEM);
    case AIOPS_SIM_TRAFFIC_SPIKE:
        return ERRLAT | BIT(AIOPS_SIM_M_RPS) | BIT(AIOPS_SIM_M_SAT) | BIT(AIOPS_SIM_M_CPU);
    default: return ERRLAT;
    }
}

/* Hops between s and the fault's root along the way the fault spreads,
 * or -1 if the fault cannot move `metric` of s. */
static long fault_distance(const aiops_sim_scenario *sc, const aiops_sim_fault *f, int metric,
                           size_t s)
{
    unsigned bit = BIT(metric);
    if (s == f->svc)
        return root_mask(f->kind) & bit ? 0 : -1;
    /* Callers inherit errors and latency, except from faults that only
     * slow the root down (their few timeouts are no error storm). */
    unsigned prop = f->kind == AIOPS_SIM_LATENCY || f->kind == AIOPS_SIM_CPU_SATURATION
                        ? BIT(AIOPS_SIM_M_P50) | BIT(AIOPS_SIM_M_P99)
                        : ERRLAT;
    long up = aiops_sim_caller_hops(sc, f->svc, s);
    if (up > 0 && (prop & bit))
        return up;
    if (f->kind == AIOPS_SIM_TRAFFIC_SPIKE && (root_mask(f->kind) & bit)) {
        unsigned char *aff = malloc(sc->nsvc);
        long d = -1;
        if (aff) {
            aiops_sim_affected(sc, f, aff);
            d = aff[s] ? aiops_sim_callee_hops(sc, f->svc, s) : -1;
        }
        free(aff);
        return d;
    }
    if (f->kind == AIOPS_SIM_NETWORK_PARTITION && f->peer == (long)s &&
        (bit & BIT(AIOPS_SIM_M_RPS)))
        return 1;
    return -1;
}

long aiops_sim_alert_incident(const aiops_sim_scenario *sc, int metric, size_t svc, double ts)
{
    /* An alert belongs to the fault whose window (precursor start to end
     * plus a grace period for propagation and `for:`) holds its firing
     * time, that can move the alert's metric on that service, and whose
     * root is nearest in the call graph; on a tie, the fault that started
     * last (the newer problem). */
    long best = -1, bestd = 0;
    double grace = 900 + 2 * sc->step + 4 * sc->prop_delay;
    for (size_t i = 0; i < sc->nfaults; i++) {
        const aiops_sim_fault *f = &sc->faults[i];
        if (ts < f->start || ts > aiops_sim_fault_end(f) + grace)
            continue;
        long d = fault_distance(sc, f, metric, svc);
        if (d < 0)
            continue;
        if (best < 0 || d < bestd || (d == bestd && f->start >= sc->faults[best].start)) {
            best = (long)i;
            bestd = d;
        }
    }
    return best;
}
