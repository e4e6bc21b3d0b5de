/* sim_model.c - the simulated system, one time step at a time.
 *
 * Per step and service:
 *  1. traffic, callers first: own (entry) traffic with daily/weekly
 *     seasonality, trend and AR(1) noise, plus what every caller sends
 *     (caller traffic x call ratio, minus what a down caller or a cut
 *     network link does not send);
 *  2. health, callees first: CPU (load, nightly batch job, faults),
 *     utilisation, latency and errors.  The part caused by faults (the
 *     "excess") propagates to callers: a caller sees its callees' excess
 *     from `propagation.delay` ago, times `propagation.attenuation` per
 *     hop.  Callees never see their callers' errors.
 *  3. events: deploys, OOM kills and restarts, Kubernetes warnings.
 *
 * Every service draws the same number of random numbers every step from
 * its own stream (seeded by scenario seed and service name), so adding a
 * fault or a service does not change the baseline noise elsewhere. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "sim/sim_internal.h"

#define NOISE_DRAWS 6
#define LAT_CAP 30.0             /* client timeouts cap latency */
#define AR_TAU 1800.0            /* noise correlation time, s */
#define PI 3.14159265358979323846

/* Decimals each metric is written with (values are rounded in the model,
 * so alert rules see exactly what the archive holds). */
static const int DECIMALS[AIOPS_SIM_NMETRICS] = {3, 4, 5, 6, 6, 4, 0, 5, 4, 0};

typedef struct svc_state {
    aiops_sim_rng rng;
    double nz[NOISE_DRAWS];      /* AR(1) states */
    double incoming, out;        /* req/s received, and passed on (scaled by up) */
    double capacity;
    double ex_err, ex_lat;
    double leak, leak_from;      /* leaked bytes, leak cycle start */
    int down_steps;              /* restart in progress */
    unsigned restarts;
    double disk_fill;
    char version[48];
    char pod[64];
    unsigned char *active;       /* per fault: 0 not started, 1 started, 2 ended */
} svc_state;

struct aiops_sim {
    const aiops_sim_scenario *sc;
    size_t n, k;
    int started;
    double t, phi, phi_c;
    size_t *order;               /* callers before callees */
    size_t **callers, *ncallers;
    double **caller_ratio;
    svc_state *st;
    double *val;                 /* n x NMETRICS */
    size_t delay, ring;          /* propagation delay in steps, ring length */
    double *h_err, *h_lat;       /* ring x n */
    aiops_sim_event *ev;
    size_t nev, evcap;
    aiops_sim_rng ev_rng;
};

/* ------------------------------------------------------ setup */

static int topo_visit(const aiops_sim_scenario *sc, size_t v, unsigned char *seen, size_t *out,
                      size_t *n)
{
    if (seen[v])
        return 0;
    seen[v] = 1;
    for (size_t i = 0; i < sc->svc[v].ncalls; i++)
        topo_visit(sc, sc->svc[v].calls[i], seen, out, n);
    out[(*n)++] = v;             /* post-order: callees first */
    return 0;
}

static int build_graph(aiops_sim *m)
{
    const aiops_sim_scenario *sc = m->sc;
    size_t n = m->n, cnt = 0;
    unsigned char *seen = calloc(n, 1);
    size_t *post = malloc(n * sizeof *post);
    m->order = malloc(n * sizeof *m->order);
    m->callers = calloc(n, sizeof *m->callers);
    m->caller_ratio = calloc(n, sizeof *m->caller_ratio);
    m->ncallers = calloc(n, sizeof *m->ncallers);
    int rc = seen && post && m->order && m->callers && m->caller_ratio && m->ncallers ? 0 : -1;
    for (size_t v = 0; !rc && v < n; v++)
        topo_visit(sc, v, seen, post, &cnt);
    for (size_t i = 0; !rc && i < n; i++)
        m->order[i] = post[n - 1 - i];
    for (size_t v = 0; !rc && v < n; v++) {
        m->callers[v] = malloc(n * sizeof **m->callers);
        m->caller_ratio[v] = malloc(n * sizeof **m->caller_ratio);
        if (!m->callers[v] || !m->caller_ratio[v])
            rc = -1;
    }
    for (size_t c = 0; !rc && c < n; c++)
        for (size_t i = 0; i < sc->svc[c].ncalls; i++) {
            size_t s = sc->svc[c].calls[i];
            m->caller_ratio[s][m->ncallers[s]] = sc->svc[c].ratio[i];
            m->callers[s][m->ncallers[s]++] = c;
        }
    free(seen);
    free(post);
    return rc;
}

/* Capacity: the nominal peak load times a headroom of 2.5 (unless set). */
static void set_capacity(aiops_sim *m)
{
    const aiops_sim_scenario *sc = m->sc;
    double *peak = calloc(m->n, sizeof *peak);
    if (!peak)
        return;
    for (size_t i = 0; i < m->n; i++) {
        size_t s = m->order[i];
        const aiops_sim_service *sv = &sc->svc[s];
        double own = sv->base_rps * (1 + sv->daily_amp) * (sv->weekend_factor > 1 ? sv->weekend_factor : 1);
        peak[s] += own;
        for (size_t c = 0; c < sv->ncalls; c++)
            peak[sv->calls[c]] += peak[s] * sv->ratio[c];
    }
    for (size_t s = 0; s < m->n; s++) {
        double cap = sc->svc[s].capacity > 0 ? sc->svc[s].capacity : peak[s] * 2.5;
        m->st[s].capacity = cap > 1 ? cap : 1;
    }
    free(peak);
}

static void pod_name(aiops_sim *m, size_t s)
{
    static const char al[] = "bcdfghjklmnpqrstvwxz2456789";
    char h[11], r[6];
    uint64_t x = aiops_sim_hash(m->st[s].version, strlen(m->st[s].version)) ^
                 aiops_sim_hash(m->sc->svc[s].name, strlen(m->sc->svc[s].name));
    for (int i = 0; i < 10; i++, x /= 27)
        h[i] = al[x % 27];
    h[10] = '\0';
    for (int i = 0; i < 5; i++)
        r[i] = al[aiops_sim_rng_below(&m->ev_rng, 27)];
    r[5] = '\0';
    snprintf(m->st[s].pod, sizeof m->st[s].pod, "%s-%s-%s", m->sc->svc[s].name, h, r);
}

int aiops_sim_new(aiops_sim **out, const aiops_sim_scenario *sc, aiops_err *err)
{
    *out = NULL;
    aiops_sim *m = calloc(1, sizeof *m);
    if (!m)
        return aiops_err_set(err, AIOPS_ENOMEM, sc->path, 0, "out of memory");
    m->sc = sc;
    m->n = sc->nsvc;
    m->phi = exp(-sc->step / AR_TAU);
    m->phi_c = sqrt(1 - m->phi * m->phi);
    m->delay = (size_t)floor(sc->prop_delay / sc->step + 0.5);
    m->ring = m->delay + 1;
    m->st = calloc(m->n, sizeof *m->st);
    m->val = calloc(m->n * AIOPS_SIM_NMETRICS, sizeof *m->val);
    m->h_err = calloc(m->ring * m->n, sizeof *m->h_err);
    m->h_lat = calloc(m->ring * m->n, sizeof *m->h_lat);
    if (!m->st || !m->val || !m->h_err || !m->h_lat || build_graph(m)) {
        aiops_sim_free(m);
        return aiops_err_set(err, AIOPS_ENOMEM, sc->path, 0, "out of memory");
    }
    aiops_sim_rng_seed(&m->ev_rng, sc->seed, 0x45564e54);
    for (size_t s = 0; s < m->n; s++) {
        svc_state *st = &m->st[s];
        const char *nm = sc->svc[s].name;
        aiops_sim_rng_seed(&st->rng, sc->seed, aiops_sim_hash(nm, strlen(nm)));
        /* Start the AR(1) noise in its stationary distribution. */
        for (int i = 0; i < NOISE_DRAWS; i++)
            st->nz[i] = aiops_sim_rng_normal(&st->rng);
        snprintf(st->version, sizeof st->version, "%s", sc->svc[s].version);
        st->active = calloc(sc->nfaults ? sc->nfaults : 1, 1);
        if (!st->active) {
            aiops_sim_free(m);
            return aiops_err_set(err, AIOPS_ENOMEM, sc->path, 0, "out of memory");
        }
        pod_name(m, s);
    }
    set_capacity(m);
    *out = m;
    return 0;
}

void aiops_sim_free(aiops_sim *m)
{
    if (!m)
        return;
    for (size_t s = 0; m->st && s < m->n; s++)
        free(m->st[s].active);
    for (size_t s = 0; m->callers && s < m->n; s++)
        free(m->callers[s]);
    for (size_t s = 0; m->caller_ratio && s < m->n; s++)
        free(m->caller_ratio[s]);
    free(m->callers);
    free(m->caller_ratio);
    free(m->ncallers);
    free(m->order);
    free(m->st);
    free(m->val);
    free(m->h_err);
    free(m->h_lat);
    free(m->ev);
    free(m);
}

/* ------------------------------------------------------ events */

static aiops_sim_event *add_event(aiops_sim *m, double ts, const char *kind, size_t svc,
                                  const char *reason, int warning, long fault,
                                  const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 8, 9)))
#endif
    ;

static aiops_sim_event *add_event(aiops_sim *m, double ts, const char *kind, size_t svc,
                                  const char *reason, int warning, long fault,
                                  const char *fmt, ...)
{
    if (AIOPS_GROW(m->ev, m->evcap, m->nev + 1))
        return NULL;             /* events are best effort only under OOM */
    aiops_sim_event *e = &m->ev[m->nev++];
    memset(e, 0, sizeof *e);
    e->ts = ts;
    e->kind = kind;
    e->svc = svc;
    e->reason = reason;
    e->warning = warning;
    e->fault = fault;
    snprintf(e->version, sizeof e->version, "%s", m->st[svc].version);
    snprintf(e->object, sizeof e->object, "pod/%s", m->st[svc].pod);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return e;
}

/* A rollout: the deploy record plus what Kubernetes reports about it. */
static void deploy(aiops_sim *m, double ts, size_t s, const char *version, const char *author,
                   long fault, const char *why)
{
    const char *name = m->sc->svc[s].name;
    snprintf(m->st[s].version, sizeof m->st[s].version, "%s", version);
    pod_name(m, s);              /* new replica set, new pods */
    aiops_sim_event *e = add_event(m, ts, "deploy", s, "Deploy", 0, fault, "%s %s to %s", why,
                                   name, version);
    if (e) {
        snprintf(e->author, sizeof e->author, "%s", author);
        snprintf(e->object, sizeof e->object, "deployment/%s", name);
    }
    e = add_event(m, ts + 1, "k8s", s, "ScalingReplicaSet", 0, fault,
                  "Scaled up replica set %s-%.10s to %d", name,
                  m->st[s].pod + strlen(name) + 1, m->sc->svc[s].replicas);
    if (e)
        snprintf(e->object, sizeof e->object, "deployment/%s", name);
    add_event(m, ts + 9, "k8s", s, "Pulled", 0, fault,
              "Container image \"registry.local/%s:%s\" already present on machine", name,
              version);
    add_event(m, ts + 10, "k8s", s, "Started", 0, fault, "Started container %s", name);
}

/* ------------------------------------------------------ shapes */

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static double round_to(double v, int dec)
{
    static const double p10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
    /* Division by an exact power of ten gives the double nearest the
     * decimal, which aiops_fmt_double prints in its short form. */
    return nearbyint(v * p10[dec]) / p10[dec];
}

/* Daily x weekly shape of a service's own traffic at time t (UTC). */
static double season(const aiops_sim_service *sv, double t)
{
    double hour = fmod(t, 86400) / 3600;
    double daily = 1 + sv->daily_amp * cos(2 * PI * (hour - sv->peak_hour) / 24);
    long days = (long)floor(t / 86400);
    int dow = (int)(((days + 4) % 7 + 7) % 7);      /* 1970-01-01 was a Thursday; 0 = Sunday */
    return daily * (dow == 0 || dow == 6 ? sv->weekend_factor : 1);
}

/* Fraction of the batch job's CPU at t: on for `duration` from `hour`
 * every night, with 5-minute ramps. */
static double batch_shape(const aiops_sim_service *sv, double t)
{
    if (!sv->batch)
        return 0;
    double since = fmod(t - sv->batch_hour * 3600 + 2 * 86400, 86400);
    if (since >= sv->batch_duration)
        return 0;
    double up = clamp(since / 300, 0, 1), down = clamp((sv->batch_duration - since) / 300, 0, 1);
    return up < down ? up : down;
}

/* 0 outside [start, end), else the precursor ramp (1 once visible). */
static double ramp(const aiops_sim_fault *f, double t)
{
    if (t < f->start || t >= aiops_sim_fault_end(f))
        return 0;
    if (f->precursor <= 0)
        return 1;
    return clamp((t - f->start) / f->precursor, 0, 1);
}

/* Latency multiplier of a server at utilisation u (queueing knee ~0.8). */
static double queue_mult(double u)
{
    double k = u > 0.8 ? u - 0.8 : 0;
    return 1 + 0.5 * u * u + 20 * k * k;
}

/* ------------------------------------------------------ traffic */

static double spike_mult(const aiops_sim *m, size_t s)
{
    double mult = 1;
    for (size_t i = 0; i < m->sc->nfaults; i++) {
        const aiops_sim_fault *f = &m->sc->faults[i];
        if (f->kind == AIOPS_SIM_TRAFFIC_SPIKE && f->svc == s && ramp(f, m->t) > 0) {
            double on = clamp((m->t - f->start) / 300, 0, 1);
            mult *= 1 + (f->severity - 1) * on;
        }
    }
    return mult;
}

/* Share of s's calls to callee p that a network partition cuts. */
static double cut(const aiops_sim *m, size_t s, size_t p)
{
    double c = 0;
    for (size_t i = 0; i < m->sc->nfaults; i++) {
        const aiops_sim_fault *f = &m->sc->faults[i];
        if (f->kind == AIOPS_SIM_NETWORK_PARTITION && f->svc == s && f->peer == (long)p &&
            ramp(f, m->t) > 0)
            c = 1 - (1 - c) * (1 - f->severity);
    }
    return c;
}

/* Share of s that a dependency_outage takes down now. */
static double outage(const aiops_sim *m, size_t s)
{
    double d = 0;
    for (size_t i = 0; i < m->sc->nfaults; i++) {
        const aiops_sim_fault *f = &m->sc->faults[i];
        if (f->kind == AIOPS_SIM_DEPENDENCY_OUTAGE && f->svc == s && ramp(f, m->t) > 0)
            d = 1 - (1 - d) * (1 - f->severity);
    }
    return d;
}

static void traffic(aiops_sim *m)
{
    const aiops_sim_scenario *sc = m->sc;
    double days = (m->t - sc->start) / 86400;
    for (size_t i = 0; i < m->n; i++) {
        size_t s = m->order[i];
        const aiops_sim_service *sv = &sc->svc[s];
        svc_state *st = &m->st[s];
        double noise = 1 + sv->noise * (0.8 * st->nz[0] + 0.6 * st->nz[5]);
        double own = sv->base_rps * season(sv, m->t) * (1 + sv->trend_per_day * days) *
                     (noise > 0.05 ? noise : 0.05);
        double in = own;
        for (size_t c = 0; c < m->ncallers[s]; c++) {
            size_t cl = m->callers[s][c];
            in += m->st[cl].out * m->caller_ratio[s][c] * (1 - cut(m, cl, s));
        }
        in *= spike_mult(m, s);
        st->incoming = in;
        st->out = in * (1 - outage(m, s));   /* a dead service calls nobody */
    }
}

/* ------------------------------------------------------ health */

typedef struct own_effects {
    double err, lat, cpu, down;
} own_effects;

static void or_err(double *e, double x)
{
    *e = 1 - (1 - *e) * (1 - clamp(x, 0, 1));
}

/* A fault starts (on) or ends within the current step, at ts. */
static void fault_transition(aiops_sim *m, size_t s, size_t fi, int on, double ts)
{
    const aiops_sim_fault *f = &m->sc->faults[fi];
    const char *name = m->sc->svc[s].name;
    long li = (long)fi;
    switch (f->kind) {
    case AIOPS_SIM_BAD_DEPLOY:
        if (on) {
            deploy(m, ts, s, f->version, f->author, li, "deploy");
        } else {
            deploy(m, ts, s, m->sc->svc[s].version, f->author, li, "rollback");
        }
        break;
    case AIOPS_SIM_DEPENDENCY_OUTAGE:
        if (on)
            add_event(m, ts + 20, "k8s", s, "Unhealthy", 1, li,
                      "Readiness probe failed: dial tcp 10.0.%u.%u:8080: connect: connection refused",
                      (unsigned)(s % 200), (unsigned)(fi % 250) + 2);
        else
            add_event(m, ts, "restart", s, "Started", 0, li,
                      "Started container %s", name);
        break;
    case AIOPS_SIM_MEMORY_LEAK:
        if (!on) {
            m->st[s].leak = 0;
            add_event(m, ts, "restart", s, "Killing", 0, li,
                      "Stopping container %s (rolling restart with leak fix)", name);
        }
        break;
    case AIOPS_SIM_DISK_FILL:
        if (!on)
            m->st[s].disk_fill = 0;
        break;
    default:
        break;
    }
}

/* Things that happen during a fault beyond its steady effect. */
static void fault_events(aiops_sim *m, size_t s, size_t fi)
{
    const aiops_sim_fault *f = &m->sc->faults[fi];
    double t = m->t, step = m->sc->step, vis = aiops_sim_fault_visible(f);
    long li = (long)fi;
    if (f->kind == AIOPS_SIM_DEPENDENCY_OUTAGE && fmod(t - f->start, 600) < step && t > f->start)
        add_event(m, t + 5, "k8s", s, "BackOff", 1, li, "Back-off restarting failed container %s",
                  m->sc->svc[s].name);
    if (f->kind == AIOPS_SIM_DISK_FILL && vis >= t && vis < t + step)
        add_event(m, vis, "k8s", s, "EvictionThresholdMet", 1, li,
                  "Attempting to reclaim ephemeral-storage (pod %s volume data at 100%%)",
                  m->st[s].pod);
}

/* Memory: the leak grows linearly so that it hits the limit exactly at
 * the end of the precursor; then the kernel kills the container, it
 * restarts (one step down) and leaks again until the fault ends. */
static void leak_step(aiops_sim *m, size_t s, const aiops_sim_fault *f, long fi, double base,
                      own_effects *o)
{
    svc_state *st = &m->st[s];
    const aiops_sim_service *sv = &m->sc->svc[s];
    if (st->leak_from < f->start)
        st->leak_from = f->start;
    double room = sv->mem_limit - base;
    st->leak = room * clamp((m->t - st->leak_from) / f->precursor, 0, 1) * f->severity;
    double r = (base + st->leak) / sv->mem_limit;
    if (r >= 0.999) {
        st->restarts++;
        add_event(m, m->t, "oom_kill", s, "OOMKilling", 1, fi,
                  "Memory cgroup out of memory: Killed process %u (%s) total-vm:%.0fkB",
                  4000 + st->restarts, sv->name, sv->mem_limit / 1024);
        add_event(m, m->t + 15, "restart", s, "Started", 0, fi,
                  "Started container %s after OOMKilled (restart count %u)", sv->name, st->restarts);
        st->down_steps = 1;
        st->leak_from = m->t;
        st->leak = 0;
        return;
    }
    /* Garbage collection works harder as the heap fills: a precursor in
     * latency and CPU well before the kill. */
    double gc = r > 0.8 ? (r - 0.8) / 0.2 : 0;
    o->lat += sv->p50 * 3 * gc * gc;
    o->cpu += 0.3 * gc * gc;
}

static void own_fault_effects(aiops_sim *m, size_t s, own_effects *o, double mem_base)
{
    const aiops_sim_scenario *sc = m->sc;
    const aiops_sim_service *sv = &sc->svc[s];
    svc_state *st = &m->st[s];
    for (size_t i = 0; i < sc->nfaults; i++) {
        const aiops_sim_fault *f = &sc->faults[i];
        if (f->svc != s)
            continue;
        /* Transitions are reported in the step whose window [t, t+step)
         * holds them, so event times never go back. */
        double t = m->t, next = t + sc->step, end = aiops_sim_fault_end(f);
        if (st->active[i] == 0 && f->start < next) {
            st->active[i] = 1;
            fault_transition(m, s, i, 1, f->start > t ? f->start : t);
        }
        if (st->active[i] == 1 && end < next) {
            st->active[i] = 2;
            fault_transition(m, s, i, 0, end > t ? end : t);
        }
        double r = ramp(f, t);
        if (!(t >= f->start && t < end))
            continue;
        fault_events(m, s, i);
        double quick = clamp((m->t - f->start) / 120, 0, 1);
        switch (f->kind) {
        case AIOPS_SIM_LATENCY:
            o->lat += f->severity * r * r;
            or_err(&o->err, 0.03 * r * r * clamp(f->severity / 0.5, 0, 1));
            break;
        case AIOPS_SIM_ERROR_BURST:
            or_err(&o->err, f->severity * r);
            break;
        case AIOPS_SIM_CPU_SATURATION:
            o->cpu += f->severity * r;
            break;
        case AIOPS_SIM_MEMORY_LEAK:
            leak_step(m, s, f, (long)i, mem_base, o);
            break;
        case AIOPS_SIM_DISK_FILL:
            st->disk_fill = r;
            if (r >= 1) {
                or_err(&o->err, f->severity);
                o->lat += sv->p50 * 2;
            }
            break;
        case AIOPS_SIM_BAD_DEPLOY:
            or_err(&o->err, f->severity * quick);
            o->lat += sv->p50 * 0.5 * quick;
            break;
        case AIOPS_SIM_DEPENDENCY_OUTAGE:
            o->down = f->severity;
            or_err(&o->err, f->severity);
            o->lat += 0.5 * f->severity;
            break;
        case AIOPS_SIM_NETWORK_PARTITION: {
            double ratio = 0;
            for (size_t c = 0; c < sv->ncalls; c++)
                if ((long)sv->calls[c] == f->peer)
                    ratio = sv->ratio[c];
            or_err(&o->err, 0.9 * f->severity * clamp(ratio, 0, 1));
            o->lat += 1.0 * f->severity;      /* connect timeouts */
            break;
        }
        default:
            break;
        }
    }
}

/* Excess the callees had `delay` steps ago, attenuated by one hop. */
static void propagated(const aiops_sim *m, size_t s, double *err, double *lat)
{
    const aiops_sim_service *sv = &m->sc->svc[s];
    *err = 0;
    *lat = 0;
    if (m->k < m->delay)
        return;
    size_t slot = (m->k - m->delay) % m->ring;
    for (size_t i = 0; i < sv->ncalls; i++) {
        size_t c = sv->calls[i];
        double e = m->h_err[slot * m->n + c] * clamp(sv->ratio[i], 0, 1);
        double l = m->h_lat[slot * m->n + c];
        if (e > *err)
            *err = e;
        if (l > *lat)
            *lat = l;
    }
    *err *= m->sc->prop_atten;
    *lat *= m->sc->prop_atten;
}

static void health(aiops_sim *m, size_t s)
{
    const aiops_sim_scenario *sc = m->sc;
    const aiops_sim_service *sv = &sc->svc[s];
    svc_state *st = &m->st[s];
    double *v = &m->val[s * AIOPS_SIM_NMETRICS];
    double util = st->incoming / st->capacity;
    double mem_base = sv->mem_base * (1 + 0.08 * util) * (1 + 0.01 * st->nz[4]);
    own_effects o = {0, 0, 0, 0};
    own_fault_effects(m, s, &o, mem_base);
    if (st->down_steps > 0) {
        st->down_steps--;
        o.down = 1;
        or_err(&o.err, 1);
    }
    double cpu = sv->cpu_idle + sv->cpu_per_util * util + sv->batch_cpu * batch_shape(sv, m->t) +
                 o.cpu + 0.01 * st->nz[2];
    cpu = o.down >= 0.5 ? 0.01 : clamp(cpu, 0.005, 1);
    double u = util > cpu ? util : cpu;
    double sat_err = u > 1 ? clamp((u - 1) * 2, 0, 1) : 0;
    double perr, plat;
    propagated(m, s, &perr, &plat);
    double ex_err = 1 - (1 - o.err) * (1 - sat_err) * (1 - perr);
    double ex_lat = o.lat + sv->p50 * (queue_mult(u) - 1) + plat;
    st->ex_err = ex_err;
    st->ex_lat = ex_lat;
    size_t slot = m->k % m->ring;
    m->h_err[slot * m->n + s] = ex_err;
    m->h_lat[slot * m->n + s] = ex_lat;

    double lat_noise = 1 + 0.05 * st->nz[1];
    double base_err = sv->err_ratio * clamp(1 + 0.3 * st->nz[3], 0, 3);
    double err = clamp(1 - (1 - base_err) * (1 - ex_err), 0, 1);
    double served = st->incoming * (1 - clamp(o.down, 0, 1));
    double disk = sv->disk_base + sv->disk_per_day * (m->t - sc->start) / 86400 +
                  0.002 * st->nz[4];
    disk = clamp(disk, 0, 1);
    disk += (1 - disk) * st->disk_fill;
    v[AIOPS_SIM_M_RPS] = served;
    v[AIOPS_SIM_M_ERR_RATIO] = err;
    v[AIOPS_SIM_M_ERR_RPS] = served * err;
    v[AIOPS_SIM_M_P50] = clamp(sv->p50 * lat_noise + ex_lat, 1e-6, LAT_CAP);
    v[AIOPS_SIM_M_P99] = clamp(sv->p99 * lat_noise + 3 * ex_lat, 1e-6, LAT_CAP);
    v[AIOPS_SIM_M_CPU] = cpu;
    v[AIOPS_SIM_M_MEM] = o.down >= 0.5 ? sv->mem_base * 0.2 : mem_base + st->leak;
    v[AIOPS_SIM_M_DISK] = clamp(disk, 0, 1);
    v[AIOPS_SIM_M_SAT] = u;
    v[AIOPS_SIM_M_UP] = o.down >= 0.5 ? 0 : 1;
    for (int i = 0; i < AIOPS_SIM_NMETRICS; i++)
        v[i] = round_to(v[i], DECIMALS[i]);
}

/* ------------------------------------------------------ stepping */

static void advance_noise(aiops_sim *m)
{
    for (size_t s = 0; s < m->n; s++) {
        svc_state *st = &m->st[s];
        for (int i = 0; i < NOISE_DRAWS - 1; i++)
            st->nz[i] = m->phi * st->nz[i] + m->phi_c * aiops_sim_rng_normal(&st->rng);
        st->nz[NOISE_DRAWS - 1] = aiops_sim_rng_normal(&st->rng);    /* white */
    }
}

static void scheduled_deploys(aiops_sim *m)
{
    const aiops_sim_scenario *sc = m->sc;
    for (size_t i = 0; i < sc->ndeploys; i++) {
        const aiops_sim_deploy *d = &sc->deploys[i];
        if (d->ts >= m->t && d->ts < m->t + sc->step)
            deploy(m, d->ts, d->svc, d->version, d->author, -1, "deploy");
    }
}

int aiops_sim_next(aiops_sim *m)
{
    if (m->started)
        m->k++;
    m->started = 1;
    if (m->k >= m->sc->nsteps)
        return 0;
    m->t = m->sc->start + (double)m->k * m->sc->step;
    m->nev = 0;
    if (m->k > 0)
        advance_noise(m);
    scheduled_deploys(m);
    traffic(m);
    for (size_t i = m->n; i-- > 0;)
        health(m, m->order[i]);
    /* Events in time order; insertion sort is stable and steps have few. */
    for (size_t i = 1; i < m->nev; i++) {
        aiops_sim_event e = m->ev[i];
        size_t j = i;
        while (j > 0 && m->ev[j - 1].ts > e.ts) {
            m->ev[j] = m->ev[j - 1];
            j--;
        }
        m->ev[j] = e;
    }
    return 1;
}

size_t aiops_sim_stepno(const aiops_sim *m)
{
    return m->k;
}

double aiops_sim_now(const aiops_sim *m)
{
    return m->t;
}

const double *aiops_sim_values(const aiops_sim *m, size_t svc)
{
    return &m->val[svc * AIOPS_SIM_NMETRICS];
}

double aiops_sim_excess_err(const aiops_sim *m, size_t svc)
{
    return m->st[svc].ex_err;
}

double aiops_sim_excess_lat(const aiops_sim *m, size_t svc)
{
    return m->st[svc].ex_lat;
}

size_t aiops_sim_events(const aiops_sim *m, const aiops_sim_event **ev)
{
    *ev = m->ev;
    return m->nev;
}

const char *aiops_sim_version(const aiops_sim *m, size_t svc)
{
    return m->st[svc].version;
}

const char *aiops_sim_pod(const aiops_sim *m, size_t svc)
{
    return m->st[svc].pod;
}

double aiops_sim_capacity(const aiops_sim *m, size_t svc)
{
    return m->st[svc].capacity;
}

const aiops_sim_scenario *aiops_sim_scenario_of(const aiops_sim *m)
{
    return m->sc;
}
