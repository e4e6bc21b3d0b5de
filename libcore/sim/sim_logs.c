/* sim_logs.c - log lines from per-service templates.
 *
 * Per step and service: info lines in proportion to traffic, warn lines
 * when latency is above normal, error lines in proportion to failed
 * requests (sampled, capped).  A service with an active fault of its own
 * writes the fault's telltale lines ("no space left on device", "out of
 * memory", ...); one that only suffers from a callee blames that callee
 * ({dep}).  Placeholders: {id} {user} {order} {ms} {status} {dep}
 * {method} {path} {pod} {version} {n} {pct}. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "sim/sim_internal.h"

#define MAX_PER_STEP 200         /* lines per service and level per step */

typedef struct tpl {
    int level;
    const char *text;
} tpl;

static const tpl HTTP[] = {
    {AIOPS_SIM_INFO, "msg=\"request completed\" method={method} path={path} status={status} duration_ms={ms} user={user} req_id={id}"},
    {AIOPS_SIM_INFO, "msg=\"{method} {path} {status}\" duration_ms={ms} req_id={id}"},
    {AIOPS_SIM_WARN, "msg=\"slow request\" method={method} path={path} duration_ms={ms} threshold_ms=500 req_id={id}"},
    {AIOPS_SIM_WARN, "msg=\"retrying call\" upstream={dep} attempt={n} req_id={id}"},
    {AIOPS_SIM_ERROR, "msg=\"request failed\" method={method} path={path} status={status} err=\"upstream {dep} returned 503\" req_id={id}"},
    {AIOPS_SIM_ERROR, "msg=\"call failed\" upstream={dep} err=\"context deadline exceeded\" req_id={id}"},
};
static const tpl DB[] = {
    {AIOPS_SIM_INFO, "msg=\"duration: {ms} ms  statement: SELECT * FROM orders WHERE id = {n}\""},
    {AIOPS_SIM_INFO, "msg=\"checkpoint complete: wrote {n} buffers\""},
    {AIOPS_SIM_WARN, "msg=\"duration: {ms} ms  statement: UPDATE carts SET updated_at = now() WHERE user_id = {n}\" slow_query=true"},
    {AIOPS_SIM_ERROR, "msg=\"could not serialize access due to concurrent update\" sqlstate=40001"},
};
static const tpl CACHE[] = {
    {AIOPS_SIM_INFO, "msg=\"keyspace stats\" hits={n} misses={n} evicted_keys={n}"},
    {AIOPS_SIM_WARN, "msg=\"slow command\" cmd=GET key=session:{id} duration_ms={ms}"},
    {AIOPS_SIM_ERROR, "msg=\"command failed\" cmd=SET key=session:{id} err=\"OOM command not allowed\""},
};
static const tpl QUEUE[] = {
    {AIOPS_SIM_INFO, "msg=\"published message\" topic=orders partition={n} offset={id}"},
    {AIOPS_SIM_WARN, "msg=\"consumer lag growing\" topic=orders group=workers lag={n}"},
    {AIOPS_SIM_ERROR, "msg=\"produce failed\" topic=orders err=\"NOT_ENOUGH_REPLICAS\""},
};
static const tpl WORKER[] = {
    {AIOPS_SIM_INFO, "msg=\"job done\" job_id={id} duration_ms={ms}"},
    {AIOPS_SIM_WARN, "msg=\"job slow\" job_id={id} duration_ms={ms}"},
    {AIOPS_SIM_ERROR, "msg=\"job failed\" job_id={id} err=\"dependency {dep} unavailable\""},
};

/* The line a fault makes its root service write. */
static const char *fault_line(aiops_sim_fault_kind k, int *level)
{
    *level = AIOPS_SIM_ERROR;
    switch (k) {
    case AIOPS_SIM_LATENCY:
        *level = AIOPS_SIM_WARN;
        return "msg=\"slow request\" path={path} duration_ms={ms} threshold_ms=500 req_id={id}";
    case AIOPS_SIM_ERROR_BURST:
        return "msg=\"internal error\" path={path} status=500 err=\"java.lang.IllegalStateException: invalid state\" req_id={id}";
    case AIOPS_SIM_CPU_SATURATION:
        *level = AIOPS_SIM_WARN;
        return "msg=\"request queue saturated\" queued={n} workers_busy={pct}%";
    case AIOPS_SIM_MEMORY_LEAK:
        *level = AIOPS_SIM_WARN;
        return "msg=\"GC overhead high\" heap_used={pct}% gc_pause_ms={ms}";
    case AIOPS_SIM_DISK_FILL:
        return "msg=\"write failed\" err=\"write /var/lib/data/segment-{n}.log: no space left on device\"";
    case AIOPS_SIM_BAD_DEPLOY:
        return "msg=\"panic recovered\" err=\"runtime error: invalid memory address or nil pointer dereference\" version={version} req_id={id}";
    case AIOPS_SIM_NETWORK_PARTITION:
        return "msg=\"call failed\" upstream={dep} err=\"dial tcp {dep}:8080: i/o timeout\" req_id={id}";
    case AIOPS_SIM_TRAFFIC_SPIKE:
        *level = AIOPS_SIM_WARN;
        return "msg=\"rate limit approaching\" rps={n} limit_pct={pct}";
    default:
        return NULL;
    }
}

static const tpl *kind_templates(const char *kind, size_t *n)
{
#define KT(a) (*n = sizeof a / sizeof a[0], a)
    if (!strcmp(kind, "db"))
        return KT(DB);
    if (!strcmp(kind, "cache"))
        return KT(CACHE);
    if (!strcmp(kind, "queue"))
        return KT(QUEUE);
    if (!strcmp(kind, "worker"))
        return KT(WORKER);
    return KT(HTTP);
#undef KT
}

/* A template of the level: the scenario's (weighted) or the kind's. */
static const char *pick(const aiops_sim_service *sv, int level, aiops_sim_rng *r)
{
    double total = 0;
    for (size_t i = 0; i < sv->nlogs; i++)
        total += sv->logs[i].level == level ? sv->logs[i].weight : 0;
    if (total > 0) {
        double x = aiops_sim_rng_uniform(r) * total;
        for (size_t i = 0; i < sv->nlogs; i++) {
            if (sv->logs[i].level != level)
                continue;
            x -= sv->logs[i].weight;
            if (x < 0)
                return sv->logs[i].text;
        }
    }
    size_t n, cnt = 0;
    const tpl *t = kind_templates(sv->kind, &n);
    for (size_t i = 0; i < n; i++)
        cnt += t[i].level == level;
    if (!cnt)
        return NULL;
    uint64_t k = aiops_sim_rng_below(r, cnt);
    for (size_t i = 0; i < n; i++)
        if (t[i].level == level && k-- == 0)
            return t[i].text;
    return NULL;
}

typedef struct ctx {
    const aiops_sim *m;
    const aiops_sim_scenario *sc;
    size_t svc;
    int level;
    const char *dep;
    aiops_sim_rng *r;
} ctx;

static void var(const ctx *c, const char *name, size_t n, char *out, size_t cap)
{
    static const char *const paths[] = {"/api/cart", "/api/checkout", "/api/products", "/api/login",
                                        "/api/orders", "/healthz"};
    static const char *const methods[] = {"GET", "GET", "GET", "POST", "PUT"};
    const double *v = aiops_sim_values(c->m, c->svc);
    aiops_sim_rng *r = c->r;
#define IS(s) (n == sizeof s - 1 && !memcmp(name, s, n))
    if (IS("id"))
        snprintf(out, cap, "%08llx", (unsigned long long)(aiops_sim_rng_u64(r) >> 32));
    else if (IS("user"))
        snprintf(out, cap, "u%llu", (unsigned long long)aiops_sim_rng_below(r, 90000) + 10000);
    else if (IS("order"))
        snprintf(out, cap, "ord-%llu", (unsigned long long)aiops_sim_rng_below(r, 900000) + 100000);
    else if (IS("ms"))
        snprintf(out, cap, "%.1f", v[AIOPS_SIM_M_P50] * 1000 * exp(0.5 * aiops_sim_rng_normal(r)));
    else if (IS("status"))
        snprintf(out, cap, "%s", c->level == AIOPS_SIM_ERROR
                                     ? (aiops_sim_rng_below(r, 3) ? "503" : "500")
                                     : (aiops_sim_rng_below(r, 10) ? "200" : "201"));
    else if (IS("dep"))
        snprintf(out, cap, "%s", c->dep);
    else if (IS("method"))
        snprintf(out, cap, "%s", methods[aiops_sim_rng_below(r, 5)]);
    else if (IS("path"))
        snprintf(out, cap, "%s", paths[aiops_sim_rng_below(r, 6)]);
    else if (IS("pod"))
        snprintf(out, cap, "%s", aiops_sim_pod(c->m, c->svc));
    else if (IS("version"))
        snprintf(out, cap, "%s", aiops_sim_version(c->m, c->svc));
    else if (IS("n"))
        snprintf(out, cap, "%llu", (unsigned long long)aiops_sim_rng_below(r, 5000) + 1);
    else if (IS("pct"))
        snprintf(out, cap, "%.0f", 100 * (v[AIOPS_SIM_M_SAT] > v[AIOPS_SIM_M_CPU]
                                              ? v[AIOPS_SIM_M_SAT] : v[AIOPS_SIM_M_CPU]));
    else
        snprintf(out, cap, "{%.*s}", (int)n, name);      /* unknown: kept as written */
#undef IS
}

static void expand(const ctx *c, const char *t, char *out, size_t cap)
{
    size_t o = 0;
    while (*t && o + 1 < cap) {
        const char *close = *t == '{' ? strchr(t, '}') : NULL;
        if (close) {
            char v[128];
            var(c, t + 1, (size_t)(close - t - 1), v, sizeof v);
            size_t vl = strlen(v);
            if (o + vl >= cap)
                break;
            memcpy(out + o, v, vl);
            o += vl;
            t = close + 1;
        } else {
            out[o++] = *t++;
        }
    }
    out[o] = '\0';
}

/* The callee this service would blame: the one with the worst excess. */
static const char *worst_callee(const aiops_sim *m, const aiops_sim_service *sv)
{
    const char *dep = sv->ncalls ? aiops_sim_scenario_of(m)->svc[sv->calls[0]].name : "upstream";
    double worst = -1;
    for (size_t i = 0; i < sv->ncalls; i++) {
        double e = aiops_sim_excess_err(m, sv->calls[i]) + aiops_sim_excess_lat(m, sv->calls[i]);
        if (e > worst) {
            worst = e;
            dep = aiops_sim_scenario_of(m)->svc[sv->calls[i]].name;
        }
    }
    return dep;
}

/* Active fault rooted at svc at the current time, or NULL. */
static const aiops_sim_fault *own_fault(const aiops_sim_scenario *sc, size_t svc, double t)
{
    for (size_t i = 0; i < sc->nfaults; i++) {
        const aiops_sim_fault *f = &sc->faults[i];
        if (f->svc == svc && t >= f->start && t < aiops_sim_fault_end(f))
            return f;
    }
    return NULL;
}

static int push(aiops_sim_log **out, size_t *n, size_t *cap, aiops_err *err,
                const aiops_sim_scenario *sc)
{
    if (*n < *cap)
        return 0;
    if (*n >= AIOPS_SIM_MAX_BUFFERED)
        return aiops_err_set(err, AIOPS_ELIMIT, sc->path, 0,
                             "more than %zu log lines in a day; lower logs.per_minute",
                             AIOPS_SIM_MAX_BUFFERED);
    if (AIOPS_GROW(*out, *cap, *n + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, sc->path, 0, "out of memory");
    return 0;
}

static uint64_t counts(const aiops_sim *m, size_t s, aiops_sim_rng *r, uint64_t *cnt)
{
    const aiops_sim_scenario *sc = aiops_sim_scenario_of(m);
    const aiops_sim_service *sv = &sc->svc[s];
    const double *v = aiops_sim_values(m, s);
    double per_step = sc->logs_per_min * sc->step / 60;
    double load = 2.5 * v[AIOPS_SIM_M_RPS] / aiops_sim_capacity(m, s);
    double slow = v[AIOPS_SIM_M_P50] / sv->p50 - 1.5;
    cnt[AIOPS_SIM_INFO] = aiops_sim_rng_poisson(r, per_step * (load < 0.1 ? 0.1 : load));
    cnt[AIOPS_SIM_WARN] = aiops_sim_rng_poisson(r, per_step * (0.02 + (slow > 0 ? slow : 0)));
    /* one failed request in 400 logs an error at the default 2 lines/min */
    cnt[AIOPS_SIM_ERROR] = aiops_sim_rng_poisson(
        r, v[AIOPS_SIM_M_ERR_RPS] * sc->step * 0.00125 * sc->logs_per_min);
    uint64_t total = 0;
    for (int l = 0; l < AIOPS_SIM_NLEVELS; l++) {
        if (cnt[l] > MAX_PER_STEP)
            cnt[l] = MAX_PER_STEP;
        total += cnt[l];
    }
    return total;
}

static int cmp_log(const void *a, const void *b)
{
    const aiops_sim_log *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    if (x->svc != y->svc)
        return x->svc < y->svc ? -1 : 1;
    if (x->level != y->level)
        return x->level - y->level;
    return strcmp(x->text, y->text);   /* equal lines are interchangeable */
}

int aiops_sim_logs_step(const aiops_sim *m, aiops_sim_rng *r, aiops_sim_log **out, size_t *n,
                        size_t *cap, aiops_err *err)
{
    const aiops_sim_scenario *sc = aiops_sim_scenario_of(m);
    double t = aiops_sim_now(m);
    size_t first = *n;
    for (size_t s = 0; s < sc->nsvc && sc->logs_per_min > 0; s++) {
        const aiops_sim_service *sv = &sc->svc[s];
        uint64_t cnt[AIOPS_SIM_NLEVELS];
        counts(m, s, r, cnt);
        if (aiops_sim_values(m, s)[AIOPS_SIM_M_UP] == 0)
            continue;            /* a dead process writes nothing */
        const aiops_sim_fault *f = own_fault(sc, s, t);
        int flevel = -1;
        const char *fline = f ? fault_line(f->kind, &flevel) : NULL;
        ctx c = {m, sc, s, 0, worst_callee(m, sv), r};
        if (f && f->kind == AIOPS_SIM_NETWORK_PARTITION)
            c.dep = sc->svc[f->peer].name;
        for (int l = 0; l < AIOPS_SIM_NLEVELS; l++) {
            for (uint64_t i = 0; i < cnt[l]; i++) {
                int rc = push(out, n, cap, err, sc);
                if (rc)
                    return rc;
                aiops_sim_log *lg = &(*out)[(*n)++];
                const char *tp = fline && flevel == l && aiops_sim_rng_uniform(r) < 0.7 ? fline
                                                                                         : pick(sv, l, r);
                lg->ts = t + floor(aiops_sim_rng_uniform(r) * sc->step * 1000) / 1000;
                lg->svc = s;
                lg->level = l;
                lg->trace_id[0] = '\0';
                c.level = l;
                expand(&c, tp ? tp : "msg=\"event\"", lg->text, sizeof lg->text);
            }
        }
    }
    /* Lines of one step in time order; the key covers the whole line, so
     * the order does not depend on the qsort implementation. */
    if (*n > first)
        qsort(*out + first, *n - first, sizeof **out, cmp_log);
    return 0;
}
