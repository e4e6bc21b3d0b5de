/* sim_stream.c - the scenario as our own record stream (docs/FORMAT.md):
 * samples, logs, spans, events, alerts and labels in one time-ordered
 * sequence handed to a sink (aiops-simulate --stream writes it with
 * aiops_writer).
 *
 * A label is due at its fault's start, but the alerts it lists fire
 * later; a first pass runs the model and the rules only (cheap) to know
 * them.  In the main pass the non-sample records of a step are queued
 * and released once the clock passes them: samples of step k are at t_k
 * exactly, while a log line of step k-1 may be at t_k - 0.1. */
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "sim/sim_internal.h"

typedef struct pend {
    double ts;
    uint64_t seq;                /* tie-break: generation order */
    aiops_rtype type;
    json_t *obj;
} pend;

typedef struct srun {
    const aiops_sim_scenario *sc;
    aiops_sim_sink sink;
    void *ctx;
    pend *q;
    size_t nq, cap;
    uint64_t seq;
    aiops_sim_stats *st;
} srun;

static int enqueue(srun *r, aiops_rtype type, json_t *obj, aiops_err *err)
{
    if (!obj)
        return aiops_err_set(err, AIOPS_ENOMEM, r->sc->path, 0, "out of memory");
    if (AIOPS_GROW(r->q, r->cap, r->nq + 1)) {
        json_decref(obj);
        return aiops_err_set(err, AIOPS_ENOMEM, r->sc->path, 0, "out of memory");
    }
    r->q[r->nq++] = (pend){json_real_value(json_object_get(obj, "ts")), r->seq++, type, obj};
    return 0;
}

static int cmp_pend(const void *a, const void *b)
{
    const pend *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void count(aiops_sim_stats *st, aiops_rtype t)
{
    switch (t) {
    case AIOPS_R_LOG: st->logs++; break;
    case AIOPS_R_SPAN: st->spans++; break;
    case AIOPS_R_EVENT: st->events++; break;
    case AIOPS_R_ALERT: st->alerts++; break;
    case AIOPS_R_LABEL: st->labels++; break;
    default: break;
    }
}

/* Hand over queued records with ts < until (all of them if until is
 * NULL); the queue is sorted. */
static int release(srun *r, const double *until, aiops_err *err)
{
    if (r->nq)
        qsort(r->q, r->nq, sizeof *r->q, cmp_pend);
    size_t i = 0;
    int rc = 0;
    for (; i < r->nq && (!until || r->q[i].ts < *until); i++) {
        aiops_record rec = {.type = r->q[i].type, .ts = r->q[i].ts, .obj = r->q[i].obj};
        if (!rc)
            rc = r->sink(r->ctx, &rec, err);
        count(r->st, rec.type);
        json_decref(r->q[i].obj);
    }
    if (i && i < r->nq)
        memmove(r->q, r->q + i, (r->nq - i) * sizeof *r->q);
    r->nq -= i;
    return rc;
}

/* First pass: the alert log, for the labels' alert lists. */
static int alert_prepass(const aiops_sim_scenario *sc, aiops_sim_alerts **al, aiops_err *err)
{
    aiops_sim *m = NULL;
    int rc = aiops_sim_new(&m, sc, err);
    if (!rc)
        rc = aiops_sim_alerts_new(al, sc, err);
    while (!rc && aiops_sim_next(m))
        rc = aiops_sim_alerts_step(*al, m, err);
    aiops_sim_free(m);
    return rc;
}

static int queue_labels(srun *r, const aiops_sim_alerts *pre, unsigned char *done, double until,
                        aiops_err *err)
{
    const aiops_sim_alert *log;
    size_t nlog = aiops_sim_alerts_log(pre, &log, NULL);
    for (size_t i = 0; i < r->sc->nfaults; i++) {
        const aiops_sim_fault *f = &r->sc->faults[i];
        if (done[i] || f->start >= until || !aiops_sim_fault_in_span(r->sc, f))
            continue;
        done[i] = 1;
        json_t *o;
        int rc = aiops_sim_label_json(r->sc, i, log, nlog, &o, err);
        if (!rc)
            rc = enqueue(r, AIOPS_R_LABEL, o, err);
        if (rc)
            return rc;
    }
    return 0;
}

typedef struct gen_state {
    aiops_sim *m;
    aiops_sim_alerts *al;
    aiops_sim_rng log_rng, trace_rng;
    aiops_sim_log *logs;
    size_t nlogs, logcap;
    aiops_sim_span *spans;
    size_t nspans, spancap;
    uint32_t *sid;               /* nsvc x NMETRICS */
} gen_state;

static int intern_all(const aiops_sim_scenario *sc, aiops_series_table *tab, uint32_t *sid,
                      aiops_err *err)
{
    for (size_t s = 0; s < sc->nsvc; s++)
        for (int mi = 0; mi < AIOPS_SIM_NMETRICS; mi++) {
            aiops_label l[2] = {{"namespace", sc->ns}, {"service", sc->svc[s].name}};
            int rc = aiops_series_intern_labels(tab, aiops_sim_metric_name(mi), l, 2,
                                                &sid[s * AIOPS_SIM_NMETRICS + mi], err);
            if (rc)
                return rc;
        }
    return 0;
}

static int step_records(srun *r, gen_state *g, aiops_err *err)
{
    const aiops_sim_scenario *sc = r->sc;
    double t = aiops_sim_now(g->m);
    int rc = release(r, &t, err);
    for (size_t s = 0; !rc && s < sc->nsvc; s++) {
        const double *v = aiops_sim_values(g->m, s);
        for (int mi = 0; !rc && mi < AIOPS_SIM_NMETRICS; mi++) {
            aiops_record rec = {.type = AIOPS_R_SAMPLE, .sid = g->sid[s * AIOPS_SIM_NMETRICS + mi],
                                .ts = t, .value = v[mi]};
            rc = r->sink(r->ctx, &rec, err);
            r->st->samples++;
        }
    }
    const aiops_sim_event *ev;
    size_t nev = aiops_sim_events(g->m, &ev);
    for (size_t i = 0; !rc && i < nev; i++)
        rc = enqueue(r, AIOPS_R_EVENT, aiops_sim_event_json(sc, &ev[i]), err);
    size_t first;
    if (!rc)
        rc = aiops_sim_alerts_step(g->al, g->m, err);
    const aiops_sim_alert *log;
    size_t nlog = rc ? 0 : aiops_sim_alerts_log(g->al, &log, &first);
    for (size_t i = first; !rc && i < nlog; i++)
        rc = enqueue(r, AIOPS_R_ALERT, aiops_sim_alert_json(sc, &log[i]), err);
    g->nlogs = g->nspans = 0;
    if (!rc)
        rc = aiops_sim_logs_step(g->m, &g->log_rng, &g->logs, &g->nlogs, &g->logcap, err);
    for (size_t i = 0; !rc && i < g->nlogs; i++)
        rc = enqueue(r, AIOPS_R_LOG, aiops_sim_log_json(sc, &g->logs[i]), err);
    if (!rc && sc->traces_per_min > 0)
        rc = aiops_sim_traces_step(g->m, &g->trace_rng, &g->spans, &g->nspans, &g->spancap, err);
    for (size_t i = 0; !rc && i < g->nspans; i++)
        rc = enqueue(r, AIOPS_R_SPAN, aiops_sim_span_json(sc, &g->spans[i]), err);
    return rc;
}

int aiops_sim_run_stream(const aiops_sim_scenario *sc, aiops_series_table *tab,
                         aiops_sim_sink sink, void *ctx, const aiops_sim_run_opts *o,
                         aiops_sim_stats *st, aiops_err *err)
{
    aiops_sim_stats dummy;
    srun r = {.sc = sc, .sink = sink, .ctx = ctx, .st = st ? st : &dummy};
    memset(r.st, 0, sizeof *r.st);
    gen_state g = {0};
    aiops_sim_alerts *pre = NULL;
    unsigned char *done = calloc(sc->nfaults ? sc->nfaults : 1, 1);
    g.sid = malloc(sc->nsvc * AIOPS_SIM_NMETRICS * sizeof *g.sid);
    aiops_sim_rng_seed(&g.log_rng, sc->seed, 0x4c4f4753);
    aiops_sim_rng_seed(&g.trace_rng, sc->seed, 0x54524143);
    int rc = done && g.sid ? 0 : aiops_err_set(err, AIOPS_ENOMEM, sc->path, 0, "out of memory");
    if (!rc)
        rc = intern_all(sc, tab, g.sid, err);
    if (!rc)
        rc = alert_prepass(sc, &pre, err);
    if (!rc)
        rc = aiops_sim_new(&g.m, sc, err);
    if (!rc)
        rc = aiops_sim_alerts_new(&g.al, sc, err);
    size_t per_day = (size_t)(86400 / sc->step) + 1;
    while (!rc && aiops_sim_next(g.m)) {
        rc = queue_labels(&r, pre, done, aiops_sim_now(g.m) + sc->step, err);
        if (!rc)
            rc = step_records(&r, &g, err);
        size_t k = aiops_sim_stepno(g.m);
        if (o && o->progress && o->progress_fn && k % per_day == 0)
            o->progress_fn(o->progress_ctx, k, sc->nsteps);
    }
    if (!rc)
        rc = release(&r, NULL, err);
    for (size_t i = 0; i < r.nq; i++)
        json_decref(r.q[i].obj);
    free(r.q);
    free(done);
    free(g.sid);
    free(g.logs);
    free(g.spans);
    aiops_sim_alerts_free(pre);
    aiops_sim_alerts_free(g.al);
    aiops_sim_free(g.m);
    return rc;
}
