/* sim_derived.c - what follows from a parsed scenario alone, for the
 * model, the alert rules and the labels: fault times, distances in the
 * call graph, and the services a fault affects by the propagation rules of
 * docs/SCENARIOS.md. */
#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"

/* ------------------------------------------------------ fault times */

double aiops_sim_fault_visible(const aiops_sim_fault *f)
{
    return f->start + f->precursor;
}

double aiops_sim_fault_declared(const aiops_sim_fault *f)
{
    return aiops_sim_fault_visible(f) + f->declare_delay;
}

double aiops_sim_fault_end(const aiops_sim_fault *f)
{
    return f->start + f->duration;
}

int aiops_sim_fault_in_span(const aiops_sim_scenario *sc, const aiops_sim_fault *f)
{
    double end = sc->start + (double)sc->nsteps * sc->step;
    return f->start < end && aiops_sim_fault_end(f) > sc->start;
}

/* ------------------------------------------------------ call graph */

/* Breadth-first search along callee edges (down = 1) or caller edges. */
static long hops(const aiops_sim_scenario *sc, size_t from, size_t to, int down)
{
    if (from == to)
        return 0;
    long *dist = malloc(sc->nsvc * sizeof *dist);
    size_t *q = malloc(sc->nsvc * sizeof *q);
    long res = -1;
    if (!dist || !q)
        goto out;
    for (size_t i = 0; i < sc->nsvc; i++)
        dist[i] = -1;
    size_t qh = 0, qt = 0;
    dist[from] = 0;
    q[qt++] = from;
    while (qh < qt && res < 0) {
        size_t v = q[qh++];
        for (size_t w = 0; w < sc->nsvc && res < 0; w++) {
            int edge = 0;
            if (down) {
                for (size_t k = 0; k < sc->svc[v].ncalls; k++)
                    edge |= sc->svc[v].calls[k] == w;
            } else {
                for (size_t k = 0; k < sc->svc[w].ncalls; k++)
                    edge |= sc->svc[w].calls[k] == v;
            }
            if (edge && dist[w] < 0) {
                dist[w] = dist[v] + 1;
                q[qt++] = w;
                if (w == to)
                    res = dist[w];
            }
        }
    }
out:
    free(dist);
    free(q);
    return res;
}

long aiops_sim_caller_hops(const aiops_sim_scenario *sc, size_t from, size_t to)
{
    return hops(sc, from, to, 0);
}

long aiops_sim_callee_hops(const aiops_sim_scenario *sc, size_t from, size_t to)
{
    return hops(sc, from, to, 1);
}

/* ------------------------------------------------------ affected services */

/* Mark s and everything that (transitively) calls s. */
static void mark_callers(const aiops_sim_scenario *sc, size_t s, unsigned char *out)
{
    if (out[s] & 2)
        return;
    out[s] |= 3;
    for (size_t c = 0; c < sc->nsvc; c++)
        for (size_t k = 0; k < sc->svc[c].ncalls; k++)
            if (sc->svc[c].calls[k] == s)
                mark_callers(sc, c, out);
}

static void mark_callees(const aiops_sim_scenario *sc, size_t s, unsigned char *out)
{
    if (out[s] & 4)
        return;
    out[s] |= 4;
    for (size_t k = 0; k < sc->svc[s].ncalls; k++)
        mark_callees(sc, sc->svc[s].calls[k], out);
}

/* Nominal request flow (daily means) through the call graph, with own
 * traffic from every service (root = -1) or from one root only. */
static void flow(const aiops_sim_scenario *sc, long root, double *out)
{
    memset(out, 0, sc->nsvc * sizeof *out);
    for (size_t i = 0; i < sc->nsvc; i++)
        if (root < 0 || (size_t)root == i)
            out[i] = sc->svc[i].base_rps;
    /* relax along the edges: the graph is a DAG, nsvc rounds suffice */
    for (size_t round = 0; round < sc->nsvc; round++) {
        int changed = 0;
        for (size_t c = 0; c < sc->nsvc; c++) {
            double in = (root < 0 || (size_t)root == c) ? sc->svc[c].base_rps : 0;
            for (size_t p = 0; p < sc->nsvc; p++)
                for (size_t k = 0; k < sc->svc[p].ncalls; k++)
                    if (sc->svc[p].calls[k] == c)
                        in += out[p] * sc->svc[p].ratio[k];
            changed |= in != out[c];
            out[c] = in;
        }
        if (!changed)
            break;
    }
}

/* Callees whose load a spike at the root raises by half or more. */
static void mark_loaded(const aiops_sim_scenario *sc, const aiops_sim_fault *f,
                        unsigned char *out)
{
    double *all = malloc(sc->nsvc * sizeof *all), *mine = malloc(sc->nsvc * sizeof *mine);
    unsigned char *down = calloc(sc->nsvc, 1);
    if (all && mine && down) {
        flow(sc, -1, all);
        flow(sc, (long)f->svc, mine);
        mark_callees(sc, f->svc, down);
        for (size_t i = 0; i < sc->nsvc; i++)
            if (down[i] && all[i] > 0 && (f->severity - 1) * mine[i] / all[i] >= 0.5)
                out[i] |= 1;
    }
    free(all);
    free(mine);
    free(down);
}

void aiops_sim_affected(const aiops_sim_scenario *sc, const aiops_sim_fault *f,
                        unsigned char *out)
{
    memset(out, 0, sc->nsvc);
    /* Errors and latency travel to callers; a traffic spike also loads
     * the callees that get a good part of their traffic through the root;
     * a partition also starves the callee cut off. */
    mark_callers(sc, f->svc, out);
    if (f->kind == AIOPS_SIM_TRAFFIC_SPIKE)
        mark_loaded(sc, f, out);
    if (f->kind == AIOPS_SIM_NETWORK_PARTITION && f->peer >= 0)
        out[f->peer] |= 1;
    for (size_t i = 0; i < sc->nsvc; i++)
        out[i] = out[i] & 1;
}
