/* sim_traces.c - sampled request traces that follow the call graph.
 *
 * Each sampled request enters at an entry service (one with traffic of
 * its own, chosen in proportion to that traffic) and calls each callee
 * `ratio` times on average, sequentially.  Span durations come from the
 * service's current p50 with log-normal spread; a span fails with the
 * service's current error ratio, and a callee that is down fails its
 * caller's span without a span of its own.  So traces agree with the
 * metrics: a db outage shows as failing api/cart spans with no db span. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "sim/sim_internal.h"

#define MAX_SPANS 256            /* per trace */
#define MAX_DEPTH 12

static const char *operation(const aiops_sim_service *sv, aiops_sim_rng *r)
{
    static const char *const http[] = {"GET /api/products", "GET /api/cart", "POST /api/checkout",
                                       "POST /api/login", "GET /api/orders"};
    static const char *const db[] = {"SELECT orders", "SELECT products", "UPDATE carts",
                                     "INSERT orders"};
    static const char *const cache[] = {"GET", "SET", "MGET"};
    static const char *const queue[] = {"publish orders", "publish events"};
    static const char *const worker[] = {"process job"};
    uint64_t k = aiops_sim_rng_u64(r) >> 40;
    if (!strcmp(sv->kind, "db"))
        return db[k % 4];
    if (!strcmp(sv->kind, "cache"))
        return cache[k % 3];
    if (!strcmp(sv->kind, "queue"))
        return queue[k % 2];
    if (!strcmp(sv->kind, "worker"))
        return worker[0];
    return http[k % 5];
}

static void hex_id(aiops_sim_rng *r, char *out, int digits)
{
    static const char hex[] = "0123456789abcdef";
    uint64_t x = 0;
    for (int i = 0; i < digits; i++) {
        if (i % 16 == 0)
            x = aiops_sim_rng_u64(r);
        out[i] = hex[x & 15];
        x >>= 4;
    }
    out[digits] = '\0';
}

typedef struct gen {
    const aiops_sim *m;
    const aiops_sim_scenario *sc;
    aiops_sim_rng *r;
    aiops_sim_span **out;
    size_t *n, *cap, first;
    aiops_err *err;
} gen;

static int grow(gen *g)
{
    if (*g->n < *g->cap)
        return 0;
    if (*g->n >= AIOPS_SIM_MAX_BUFFERED)
        return aiops_err_set(g->err, AIOPS_ELIMIT, g->sc->path, 0,
                             "more than %zu spans in a day; lower traces.per_minute",
                             AIOPS_SIM_MAX_BUFFERED);
    if (AIOPS_GROW(*g->out, *g->cap, *g->n + 1))
        return aiops_err_set(g->err, AIOPS_ENOMEM, g->sc->path, 0, "out of memory");
    return 0;
}

/* One server span of s starting at start_us; returns its index via *idx
 * (or -1 if the trace is full). */
static int span(gen *g, size_t s, const char *trace, const char *parent, int64_t start_us,
                int depth, long *idx)
{
    *idx = -1;
    if (*g->n - g->first >= MAX_SPANS || depth > MAX_DEPTH)
        return 0;
    int rc = grow(g);
    if (rc)
        return rc;
    const aiops_sim_service *sv = &g->sc->svc[s];
    const double *v = aiops_sim_values(g->m, s);
    size_t me = (*g->n)++;
    aiops_sim_span *sp = &(*g->out)[me];
    memset(sp, 0, sizeof *sp);
    memcpy(sp->trace_id, trace, 33);
    hex_id(g->r, sp->span_id, 16);
    snprintf(sp->parent_id, sizeof sp->parent_id, "%s", parent);
    sp->svc = s;
    sp->operation = operation(sv, g->r);
    sp->start_us = start_us;
    double own = v[AIOPS_SIM_M_P50] * exp(0.5 * aiops_sim_rng_normal(g->r) - 0.125);
    int64_t cursor = start_us + (int64_t)(own * 0.2e6) + 1;
    int failed = aiops_sim_rng_uniform(g->r) < v[AIOPS_SIM_M_ERR_RATIO];
    char my_id[17];
    memcpy(my_id, sp->span_id, 17);      /* *g->out may move while recursing */
    for (size_t i = 0; i < sv->ncalls; i++) {
        size_t c = sv->calls[i];
        double ratio = sv->ratio[i];
        int calls = (int)floor(ratio) + (aiops_sim_rng_uniform(g->r) < ratio - floor(ratio));
        for (int k = 0; k < calls && k < 3; k++) {
            if (aiops_sim_values(g->m, c)[AIOPS_SIM_M_UP] == 0) {
                cursor += 1000;                        /* connection refused */
                failed = 1;
                continue;
            }
            long ci;
            rc = span(g, c, trace, my_id, cursor, depth + 1, &ci);
            if (rc)
                return rc;
            if (ci < 0)
                break;
            const aiops_sim_span *cs = &(*g->out)[ci];
            cursor = cs->start_us + cs->dur_us + 50;
            if (cs->error && aiops_sim_rng_uniform(g->r) < g->sc->prop_atten)
                failed = 1;
        }
    }
    sp = &(*g->out)[me];
    sp->dur_us = cursor - start_us + (int64_t)(own * 0.8e6);
    sp->error = failed;
    sp->status = failed ? 503 : 200;
    *idx = (long)me;
    return 0;
}

int aiops_sim_traces_step(const aiops_sim *m, aiops_sim_rng *r, aiops_sim_span **out, size_t *n,
                          size_t *cap, aiops_err *err)
{
    const aiops_sim_scenario *sc = aiops_sim_scenario_of(m);
    double t = aiops_sim_now(m), total = 0;
    for (size_t s = 0; s < sc->nsvc; s++)
        if (sc->svc[s].base_rps > 0)
            total += sc->svc[s].base_rps;
    uint64_t k = aiops_sim_rng_poisson(r, sc->traces_per_min * sc->step / 60);
    for (uint64_t i = 0; i < k && total > 0; i++) {
        /* entry service in proportion to its own traffic */
        double x = aiops_sim_rng_uniform(r) * total;
        size_t s = 0;
        for (; s + 1 < sc->nsvc; s++) {
            if (sc->svc[s].base_rps <= 0)
                continue;
            x -= sc->svc[s].base_rps;
            if (x < 0)
                break;
        }
        while (sc->svc[s].base_rps <= 0 && s > 0)
            s--;
        char trace[33];
        hex_id(r, trace, 32);
        int64_t start = (int64_t)llround(t * 1e6) +
                        (int64_t)(aiops_sim_rng_uniform(r) * sc->step * 1e6);
        if (aiops_sim_values(m, s)[AIOPS_SIM_M_UP] == 0)
            continue;
        gen g = {m, sc, r, out, n, cap, *n, err};
        long idx;
        int rc = span(&g, s, trace, "", start, 0, &idx);
        if (rc)
            return rc;
    }
    return 0;
}
