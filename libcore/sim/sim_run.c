/* sim_run.c - drive the model and write the multi-source archive:
 *
 *   scenario.json                          the scenario as given
 *   metrics/<metric>/<YYYY-MM-DD>.json     Prometheus query_range, one per metric and day
 *   logs/<YYYY-MM-DD>.jsonl                logcli --output=jsonl
 *   traces/<FORMAT>/<YYYY-MM-DD>.json      the traces in one format (each span
 *                                          once): jaeger (query API JSON), otlp
 *                                          (OTLP/JSON) or zipkin (v2 JSON)
 *   events/kubernetes.json                 kubectl get events -o json
 *   events/deploys.ndjson                  deploy `event` records (docs/FORMAT.md)
 *   alerts/alertmanager.ndjson             Alertmanager webhook payloads, one per line
 *   labels.ndjson                          ground truth `label` records
 *
 * A "day" is 24 h from the scenario start, named after its first
 * sample's UTC date.  Per-day members keep each JSON document small. */
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "sim/sim_internal.h"

typedef struct run {
    const aiops_sim_scenario *sc;
    aiops_sim *m;
    aiops_sim_alerts *al;
    aiops_sim_archive *ar;
    aiops_sim_rng log_rng, trace_rng;
    double *block;               /* NMETRICS x nsvc x kmax */
    size_t kmax, nk;
    double day_t0;
    aiops_sim_log *logs;
    size_t nlogs, logcap;
    aiops_sim_span *spans;
    size_t nspans, spancap;
    aiops_sim_event *ev;
    size_t nev, evcap;
    aiops_buf b;
    aiops_sim_stats *st;
} run;

static int add(run *r, const char *member, aiops_err *err)
{
    if (r->b.oom)
        return aiops_err_set(err, AIOPS_ENOMEM, member, 0, "out of memory");
    int rc = aiops_sim_archive_add(r->ar, member, r->b.p ? r->b.p : "", r->b.n, err);
    r->b.n = 0;
    r->st->members++;
    return rc;
}

static int flush_day(run *r, aiops_err *err)
{
    const aiops_sim_scenario *sc = r->sc;
    char date[40], member[256];
    aiops_fmt_time(r->day_t0, date);
    date[10] = '\0';
    int rc = 0;
    for (int mi = 0; !rc && mi < AIOPS_SIM_NMETRICS; mi++) {
        aiops_sim_emit_matrix(&r->b, sc, mi, r->block + (size_t)mi * sc->nsvc * r->kmax, r->nk,
                              r->kmax, r->day_t0);
        snprintf(member, sizeof member, "metrics/%s/%s.json", aiops_sim_metric_name(mi), date);
        rc = add(r, member, err);
    }
    r->st->samples += (uint64_t)r->nk * sc->nsvc * AIOPS_SIM_NMETRICS;
    if (!rc && sc->logs_per_min > 0) {
        aiops_sim_emit_loki(&r->b, sc, r->logs, r->nlogs);
        snprintf(member, sizeof member, "logs/%s.jsonl", date);
        rc = add(r, member, err);
        r->st->logs += r->nlogs;
    }
    int tf = aiops_sim_trace_format(sc);
    if (!rc && sc->traces_per_min > 0 && tf != AIOPS_SIM_TRACES_DEFAULT) {
        const char *dir = tf == AIOPS_SIM_TRACES_OTLP ? "otlp"
                        : tf == AIOPS_SIM_TRACES_ZIPKIN ? "zipkin" : "jaeger";
        if (tf == AIOPS_SIM_TRACES_OTLP)
            aiops_sim_emit_otlp(&r->b, sc, r->spans, r->nspans);
        else if (tf == AIOPS_SIM_TRACES_ZIPKIN)
            aiops_sim_emit_zipkin(&r->b, sc, r->spans, r->nspans);
        else
            aiops_sim_emit_jaeger(&r->b, sc, r->spans, r->nspans);
        snprintf(member, sizeof member, "traces/%s/%s.json", dir, date);
        rc = add(r, member, err);
        r->st->spans += r->nspans;
    }
    r->nk = r->nlogs = r->nspans = 0;
    return rc;
}

static int keep_events(run *r, aiops_err *err)
{
    const aiops_sim_event *ev;
    size_t n = aiops_sim_events(r->m, &ev);
    if (!n)
        return 0;
    if (AIOPS_GROW(r->ev, r->evcap, r->nev + n))
        return aiops_err_set(err, AIOPS_ENOMEM, r->sc->path, 0, "out of memory");
    memcpy(r->ev + r->nev, ev, n * sizeof *ev);
    r->nev += n;
    return 0;
}

static int one_step(run *r, aiops_err *err)
{
    const aiops_sim_scenario *sc = r->sc;
    double t = aiops_sim_now(r->m);
    if (r->nk && (r->nk == r->kmax || t - r->day_t0 >= 86400)) {
        int rc = flush_day(r, err);
        if (rc)
            return rc;
    }
    if (r->nk == 0)
        r->day_t0 = t;
    for (size_t s = 0; s < sc->nsvc; s++) {
        const double *v = aiops_sim_values(r->m, s);
        for (int mi = 0; mi < AIOPS_SIM_NMETRICS; mi++)
            r->block[((size_t)mi * sc->nsvc + s) * r->kmax + r->nk] = v[mi];
    }
    r->nk++;
    int rc = keep_events(r, err);
    if (!rc)
        rc = aiops_sim_alerts_step(r->al, r->m, err);
    if (!rc)
        rc = aiops_sim_logs_step(r->m, &r->log_rng, &r->logs, &r->nlogs, &r->logcap, err);
    if (!rc && sc->traces_per_min > 0)
        rc = aiops_sim_traces_step(r->m, &r->trace_rng, &r->spans, &r->nspans, &r->spancap, err);
    return rc;
}

static int write_tail(run *r, aiops_err *err)
{
    const aiops_sim_scenario *sc = r->sc;
    /* Kubernetes events (everything but deploy records), then deploys. */
    aiops_sim_event *k8s = malloc((r->nev ? r->nev : 1) * sizeof *k8s);
    if (!k8s)
        return aiops_err_set(err, AIOPS_ENOMEM, sc->path, 0, "out of memory");
    size_t nk = 0;
    for (size_t i = 0; i < r->nev; i++)
        if (strcmp(r->ev[i].kind, "deploy"))
            k8s[nk++] = r->ev[i];
    aiops_sim_emit_k8s(&r->b, sc, k8s, nk);
    free(k8s);
    int rc = add(r, "events/kubernetes.json", err);
    for (size_t i = 0; i < r->nev; i++) {
        if (strcmp(r->ev[i].kind, "deploy"))
            continue;
        json_t *o = aiops_sim_event_json(sc, &r->ev[i]);
        aiops_sim_json_line(&r->b, o);
        json_decref(o);
    }
    if (!rc)
        rc = add(r, "events/deploys.ndjson", err);
    r->st->events += r->nev;
    const aiops_sim_alert *log;
    size_t nlog = aiops_sim_alerts_log(r->al, &log, NULL);
    for (size_t i = 0; i < nlog; i++)
        aiops_sim_emit_webhook(&r->b, sc, &log[i]);
    r->st->alerts += nlog;
    if (!rc)
        rc = add(r, "alerts/alertmanager.ndjson", err);
    for (size_t i = 0; !rc && i < sc->nfaults; i++) {
        if (!aiops_sim_fault_in_span(sc, &sc->faults[i]))
            continue;
        json_t *o;
        rc = aiops_sim_label_json(sc, i, log, nlog, &o, err);
        if (!rc) {
            aiops_sim_json_line(&r->b, o);
            json_decref(o);
            r->st->labels++;
        }
    }
    if (!rc)
        rc = add(r, "labels.ndjson", err);
    return rc;
}

static int run_all(run *r, const aiops_sim_run_opts *o, aiops_err *err)
{
    const aiops_sim_scenario *sc = r->sc;
    aiops_buf_put(&r->b, sc->text, sc->text_len);
    int rc = add(r, "scenario.json", err);
    size_t per_day = (size_t)(86400 / sc->step) + 1;
    while (!rc && aiops_sim_next(r->m)) {
        rc = one_step(r, err);
        size_t k = aiops_sim_stepno(r->m);
        if (o && o->progress && o->progress_fn && k % per_day == 0)
            o->progress_fn(o->progress_ctx, k, sc->nsteps);
    }
    if (!rc && r->nk)
        rc = flush_day(r, err);
    if (!rc)
        rc = write_tail(r, err);
    return rc;
}

int aiops_sim_write_archive(const aiops_sim_scenario *sc, const char *path,
                            const aiops_sim_run_opts *o, aiops_sim_stats *st, aiops_err *err)
{
    aiops_sim_stats dummy;
    run r = {.sc = sc, .st = st ? st : &dummy};
    memset(r.st, 0, sizeof *r.st);
    r.kmax = (size_t)(86400 / sc->step) + 1;
    if (r.kmax > sc->nsteps)
        r.kmax = sc->nsteps;
    r.block = malloc((size_t)AIOPS_SIM_NMETRICS * sc->nsvc * r.kmax * sizeof *r.block);
    aiops_sim_rng_seed(&r.log_rng, sc->seed, 0x4c4f4753);
    aiops_sim_rng_seed(&r.trace_rng, sc->seed, 0x54524143);
    int rc = r.block ? 0 : aiops_err_set(err, AIOPS_ENOMEM, sc->path, 0, "out of memory");
    if (!rc)
        rc = aiops_sim_new(&r.m, sc, err);
    if (!rc)
        rc = aiops_sim_alerts_new(&r.al, sc, err);
    if (!rc)
        rc = aiops_sim_archive_open(&r.ar, path, sc->start, err);
    if (!rc)
        rc = run_all(&r, o, err);
    if (r.ar) {
        int crc = aiops_sim_archive_close(r.ar, rc ? NULL : err);
        if (!rc)
            rc = crc;
    }
    aiops_sim_alerts_free(r.al);
    aiops_sim_free(r.m);
    aiops_buf_free(&r.b);
    free(r.block);
    free(r.logs);
    free(r.spans);
    free(r.ev);
    return rc;
}
