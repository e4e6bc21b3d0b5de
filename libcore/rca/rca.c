/* rca.c - aiops-rca's engine: the record stream into per-service histories
 * (metric series, span windows, log windows, aiops-fit scores, change
 * events) and incidents into the queue; rca records out. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rca/rca_impl.h"
#include "common/hash.h"
#include "common/jdoc.h"
#include "common/stats.h"
#include "formats/obs.h"
#include "logtmpl/logtmpl.h"

/* A metric-type prior: the weight of latency and error series, effects
 * that climb the call graph from a cause (a saturated resource, a service
 * down, a delayed network), against resource, availability, traffic,
 * wait and aiops-fit series, in the default ranker (structural and seed
 * keep their anomaly threshold on every series alike).  0.8, chosen among 1, 0.8 and 0.6 by
 * leave-one-fault-type-out over Nezha and the simulator
 * (docs/BENCHMARKS.md, session 2026-12-07; -DRC_EFFECT_W=X builds the
 * others). */
#ifndef RC_EFFECT_W
#define RC_EFFECT_W 0.8
#endif

void aiops_rca_opts_default(aiops_rca_opts *o)
{
    *o = (aiops_rca_opts){
        .method = AIOPS_RCA_DEFAULT,
        .on = AIOPS_RCA_ON_INCIDENT | AIOPS_RCA_ON_LABEL,
        .pre = NAN,
        .post = NAN,
        .pre_steps = 3,
        .post_steps = 4,
        .baseline = 10800,
        .window = 60,
        .change_window = 1800,
        .z_anomalous = 5,
        .alpha = 0.85,
        .w_anomaly = 1,
        .w_walk = 1,
        .w_onset = 0.3,
        .w_log = 0.3,
        .w_change = 0.5,
        .onset_tau = 600,
        .w_surge = 1,
        .daily = 1,
        .top = 10,
        .max_points = 4096,
        .rollup = 1,
    };
    aiops_graph_opts_default(&o->graph);
}

double aiops_rca_squash(const aiops_rca_opts *o, double z)
{
    if (!(z > 0))
        return 0;
    if (isinf(z))
        return 1;
    return z / (z + 2 * o->z_anomalous);
}

int aiops_rca_new(aiops_rca **out, aiops_series_table *tab, const aiops_rca_opts *o,
                  const aiops_graph *base, aiops_err *err)
{
    aiops_rca *r = calloc(1, sizeof *r);
    if (!r)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    r->o = *o;
    r->tab = tab;
    r->now = r->first = -INFINITY;
    r->log_win = INT64_MIN;
    r->wait_t = NAN;
    r->step = o->window;
    aiops_graph_opts go = o->graph;
    go.window = o->window;
    go.rollup = o->rollup;
    int rc = aiops_graph_new(&r->g, &go, err);
    if (!rc)
        rc = aiops_logtmpl_new(&r->miner, NULL, err);
    if (!rc && !(r->view = aiops_rview_new()))
        rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (!rc)
        rc = aiops_graph_merge(r->g, base, err);   /* the file's edges with their weights */
    if (rc) {
        aiops_rca_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

void aiops_rca_free(aiops_rca *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nser; i++) {
        free(r->ser[i].name);
        free(r->ser[i].pod);
        free(r->ser[i].t);
        free(r->ser[i].v);
    }
    for (size_t i = 0; i < r->sx_cap; i++)
        aiops_map_free(&r->sx[i].tmpl);
    for (size_t i = 0; i < r->ninc; i++)
        free(r->inc[i].id);
    for (size_t i = 0; i < r->ndone; i++)
        free(r->done[i]);
    for (size_t i = r->out_head; i < r->nout; i++)
        aiops_record_clear(&r->out[i]);
    free(r->ser);
    free(r->by_sid);
    free(r->sx);
    free(r->we);
    free(r->ev);
    free(r->inc);
    free(r->done);
    free(r->out);
    aiops_graph_free(r->g);
    aiops_logtmpl_free(r->miner);
    aiops_rview_free(r->view);
    free(r);
}

aiops_graph *aiops_rca_graph(aiops_rca *r)
{
    return r->g;
}

/* ------------------------------------------------------------- series */

int rc_sx_ensure(aiops_rca *r, uint32_t svc)
{
    size_t old = r->sx_cap;
    if (AIOPS_GROW_ZERO(r->sx, r->sx_cap, (size_t)svc + 1))
        return AIOPS_ENOMEM;
    for (size_t i = old; i < r->sx_cap; i++)
        for (int k = 0; k < RS_N; k++)
            r->sx[i].syn[k] = -1;
    return 0;
}

int rc_series_add(aiops_rca *r, uint32_t svc, int kind, int dir, const char *name, const char *pod,
                  int32_t *id)
{
    if (r->nser >= INT32_MAX || AIOPS_GROW(r->ser, r->ser_cap, r->nser + 1))
        return AIOPS_ENOMEM;
    rc_series *s = &r->ser[r->nser];
    *s = (rc_series){.svc = svc, .kind = kind, .dir = dir, .name = strdup(name),
                     .pod = pod ? strdup(pod) : NULL,
                     .weight = kind == RC_TRAFFIC ? 0.5
                               : (kind == RC_LAT || kind == RC_ERR) && r->o.method == AIOPS_RCA_DEFAULT ? RC_EFFECT_W
                               : 1};
    /* the host's metrics (node_exporter's node_*, NodeCpu...) are shared by
     * every service on it: weak evidence about one of them */
    if (!strncasecmp(name, "node", 4))
        s->weight *= 0.3;
    if (!s->name || (pod && !s->pod)) {
        free(s->name);
        free(s->pod);
        return AIOPS_ENOMEM;
    }
    *id = (int32_t)r->nser++;
    return 0;
}

void rc_series_push(aiops_rca *r, rc_series *s, double t, double v)
{
    if (!isfinite(v))
        return;
    double keep = rc_pre(r) + rc_post(r) + r->o.baseline + 4 * r->o.window;
    /* a day before the analysis window, at the time the incident is ranked */
    double day = RC_DAY + rc_pre(r) + rc_post(r) + r->o.graph.horizon + 4 * r->o.window + 600;
    if (r->o.daily && keep < day)
        keep = day;
    while (s->n && s->t[s->head] < r->now - keep) {
        s->head = (s->head + 1) % s->cap;
        s->n--;
    }
    if (s->n == s->cap) {
        if (s->cap >= r->o.max_points) {   /* full: the oldest goes */
            s->head = (s->head + 1) % s->cap;
            s->n--;
        } else {
            size_t nc = s->cap ? 2 * s->cap : 64;
            if (nc > r->o.max_points)
                nc = r->o.max_points;
            double *nt = malloc(nc * sizeof *nt), *nv = malloc(nc * sizeof *nv);
            if (!nt || !nv) {   /* keep what there is: drop the oldest instead */
                free(nt);
                free(nv);
                s->head = (s->head + 1) % s->cap;
                s->n--;
            } else {
                for (size_t i = 0; i < s->n; i++) {
                    nt[i] = s->t[(s->head + i) % s->cap];
                    nv[i] = s->v[(s->head + i) % s->cap];
                }
                free(s->t);
                free(s->v);
                s->t = nt;
                s->v = nv;
                s->cap = nc;
                s->head = 0;
            }
        }
    }
    if (s->n && t > s->t[(s->head + s->n - 1) % s->cap])
        s->gap = t - s->t[(s->head + s->n - 1) % s->cap];
    /* in time order (an anomaly record stands at its start, before later
     * points); a second value at a time already held is merged into it,
     * the worse of the two in the series' direction: the result does not
     * depend on the order records of the same time come in */
    size_t j = s->n;
    while (j > 0 && s->t[(s->head + j - 1) % s->cap] > t)
        j--;
    if (j > 0 && s->t[(s->head + j - 1) % s->cap] == t) {
        double *pv = &s->v[(s->head + j - 1) % s->cap];
        if (s->dir < 0 ? v < *pv : v > *pv)
            *pv = v;
        return;
    }
    for (size_t i = s->n; i > j; i--) {
        s->t[(s->head + i) % s->cap] = s->t[(s->head + i - 1) % s->cap];
        s->v[(s->head + i) % s->cap] = s->v[(s->head + i - 1) % s->cap];
    }
    size_t at = (s->head + j) % s->cap;
    s->t[at] = t;
    s->v[at] = v;
    s->n++;
}

static int has(const char *lower, const char *w)
{
    return strstr(lower, w) != NULL;
}

/* What a metric name measures, and which way is bad. */
static void classify(const char *name, int *kind, int *dir)
{
    char l[256];
    size_t n = 0;
    for (; name[n] && n + 1 < sizeof l; n++)
        l[n] = (char)tolower((unsigned char)name[n]);
    l[n] = 0;
    *dir = 1;
    if (!strcmp(l, "up") || (n > 3 && !strcmp(l + n - 3, "_up"))) {
        *kind = RC_UP;
        *dir = -1;
    } else if (has(l, "success")) {
        *kind = RC_ERR;
        *dir = -1;
    } else if (has(l, "error") || has(l, "fail") || has(l, "5xx"))
        *kind = RC_ERR;
    else if (has(l, "latency") || has(l, "duration") || has(l, "response_time") || has(l, "p99") ||
             has(l, "p95") || has(l, "p90"))
        *kind = RC_LAT;
    else if (has(l, "cpu") || has(l, "mem") || has(l, "disk") || has(l, "saturation") ||
             has(l, "fs_") || has(l, "oom") || has(l, "restart") || has(l, "thread") || has(l, "gc"))
        *kind = RC_RES;
    else {
        *kind = RC_TRAFFIC;
        *dir = 0;
    }
}

/* The service a name counts for: the workload of a pod name when rolling
 * up.  buf >= 256. */
static const char *workload(const aiops_rca *r, const char *svc, const char *pod, char *buf, size_t n)
{
    if (!r->o.rollup || strlen(svc) >= n)
        return svc;
    /* an ordinal (db-0) counts as a pod's only where the data says the name
     * is a pod's: its pod label is the same name */
    aiops_obs_workload(svc, pod && !strcmp(pod, svc) ? "Pod" : "Service", buf, n);
    return buf;
}

static int sample_series(aiops_rca *r, uint32_t sid, int32_t *out, aiops_err *err)
{
    *out = -2;
    const aiops_series *s = aiops_series_get(r->tab, sid);
    const char *svc = s ? aiops_series_service(s) : NULL;
    if (!svc)
        return 0;
    char buf[256];
    const char *pod = aiops_series_label(s, "pod");
    const char *w = workload(r, svc, pod, buf, sizeof buf);
    if (!pod && strcmp(w, svc))
        pod = svc;
    const char *inst = aiops_series_label(s, "instance");
    if (!pod && inst)
        pod = inst;
    uint32_t id;
    int kind, dir;
    classify(s->name, &kind, &dir);
    int32_t sidx;
    if (aiops_graph_service(r->g, w, &id, err) || rc_sx_ensure(r, id) ||
        rc_series_add(r, id, kind, dir, *s->name ? s->name : s->text, pod, &sidx))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    *out = sidx;
    return 0;
}

/* ------------------------------------------------------------- windows */

static int syn_push(aiops_rca *r, uint32_t svc, int which, double t, double v)
{
    static const struct {
        int kind, dir;
        const char *name;
    } syn[RS_N] = {
        [RS_SPAN_LAT] = {RC_LAT, 1, "span p90 latency"},
        [RS_SPAN_SELF] = {RC_LAT, 1, "span self time (without its callees)"},
        [RS_SPAN_ERR] = {RC_ERR, 1, "span error ratio"},
        [RS_SPAN_ORIGIN] = {RC_ERR, 1, "share of its spans where errors begin"},
        [RS_SPAN_RATE] = {RC_TRAFFIC, 0, "span call rate"},
        [RS_LOG_ERR] = {RC_LOG, 1, "error/warn log lines"},
        [RS_LOG_NEW] = {RC_LOG, 1, "new log templates"},
        [RS_FIT] = {RC_FIT, 1, "aiops-fit anomaly score"},
        [RS_WAIT_IN] = {RC_PEER, 1, "wait of calls into it (outside its spans)"},
    };
    if (rc_sx_ensure(r, svc))
        return AIOPS_ENOMEM;
    int32_t *id = &r->sx[svc].syn[which];
    if (*id < 0) {
        if (rc_series_add(r, svc, syn[which].kind, syn[which].dir, syn[which].name, NULL, id))
            return AIOPS_ENOMEM;
        r->ser[*id].synthetic = 1;
        r->ser[*id].count_win = which == RS_SPAN_RATE ? r->o.window : which == RS_LOG_ERR || which == RS_LOG_NEW ? 1 : 0;
    }
    rc_series_push(r, &r->ser[*id], t, v);
    return 0;
}

int rc_syn_push(aiops_rca *r, uint32_t svc, int which, double t, double v)
{
    return syn_push(r, svc, which, t, v);
}

#define RC_MIN_CALLS 5

static int drain_graph(aiops_rca *r, aiops_err *err)
{
    aiops_graph_window w;
    while (aiops_graph_pop_window(r->g, &w) == 1) {
        if (w.edge != UINT32_MAX && rc_wait_add(r, &w))
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        if (w.edge != UINT32_MAX || !w.calls)
            continue;
        /* latency and error ratio of fewer calls than this are noise */
        int enough = w.calls >= RC_MIN_CALLS;
        if ((enough && syn_push(r, w.node, RS_SPAN_LAT, w.start, w.p90)) ||
            (enough && isfinite(w.self_mean) && syn_push(r, w.node, RS_SPAN_SELF, w.start, w.self_mean)) ||
            (enough && syn_push(r, w.node, RS_SPAN_ERR, w.start, (double)w.errors / (double)w.calls)) ||
            (enough && syn_push(r, w.node, RS_SPAN_ORIGIN, w.start, (double)w.err_origins / (double)w.calls)) ||
            syn_push(r, w.node, RS_SPAN_RATE, w.start, (double)w.calls / r->o.window))
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    /* a batch closes every window of its starts: their waits are complete */
    if (rc_wait_flush(r))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    return 0;
}

double rc_pre(const aiops_rca *r)
{
    return isnan(r->o.pre) ? r->o.pre_steps * r->step : r->o.pre;
}

double rc_post(const aiops_rca *r)
{
    return isnan(r->o.post) ? r->o.post_steps * r->step : r->o.post;
}

/* The data's step: the median of the metric series' latest spacing (the
 * span/log window when there are none).  Updated once per window. */
static void update_step(aiops_rca *r)
{
    double *g = malloc((r->nser + 1) * sizeof *g);
    size_t n = 0;
    for (size_t i = 0; g && i < r->nser; i++)
        if (r->ser[i].gap > 0 && r->ser[i].count_win == 0 && r->ser[i].kind != RC_FIT &&
            r->ser[i].kind != RC_LOG && !r->ser[i].synthetic)
            g[n++] = r->ser[i].gap;
    r->step = n ? aiops_quantile(g, n, 0.5) : r->o.window;
    free(g);
}

static int flush_logs(aiops_rca *r, int64_t upto)
{
    update_step(r);
    if (r->log_win == INT64_MIN || upto <= r->log_win)
        return 0;
    double t = (double)r->log_win * r->o.window;
    for (size_t i = 0; i < r->sx_cap; i++) {
        rc_svcx *x = &r->sx[i];
        if (!x->logs_seen)
            continue;
        if (syn_push(r, (uint32_t)i, RS_LOG_ERR, t, (double)x->log_err) ||
            syn_push(r, (uint32_t)i, RS_LOG_NEW, t, (double)x->log_new))
            return AIOPS_ENOMEM;
        x->log_n = x->log_err = x->log_new = 0;
    }
    r->log_win = upto;
    return 0;
}

/* A log line's template: its `template` field, else the template the
 * miner (logtmpl/) finds for its message; 0 when there is no message. */
static uint64_t log_template(aiops_rca *r, aiops_rview *v)
{
    const char *t = aiops_rview_str(v, NULL, "template", NULL);
    if (t)
        return aiops_fnv1a(AIOPS_FNV_OFFSET, t, strlen(t)) | 1;
    size_t mn;
    const char *m = aiops_rview_str(v, NULL, "message", &mn);
    uint32_t id;
    if (!m || aiops_logtmpl_add(r->miner, m, mn, &id, NULL) < 0)
        return 0;
    /* ids of the miner, apart from the hashes of template fields (even) */
    return ((uint64_t)aiops_logtmpl_canon(r->miner, id) << 1 | 1) * 0x9E3779B97F4A7C15ULL | 1;
}

/* 1 when h was not seen yet for x (and now is); the set stops growing at
 * 65536 templates per service. */
static int tmpl_new(rc_svcx *x, uint64_t h)
{
    uint32_t seen;
    if (aiops_map_get(&x->tmpl, h, &seen) || x->tmpl.n >= 65536)
        return 0;
    return aiops_map_put(&x->tmpl, h, 1) == 0;
}

static int add_log(aiops_rca *r, const aiops_record *rec)
{
    aiops_rview *v = r->view;
    const char *svc = aiops_rview_str(v, NULL, "service", NULL);
    if (!svc || !*svc)
        return 0;
    char buf[256];
    uint32_t id;
    if (aiops_graph_service(r->g, workload(r, svc, NULL, buf, sizeof buf), &id, NULL) || rc_sx_ensure(r, id))
        return AIOPS_ENOMEM;
    rc_svcx *x = &r->sx[id];
    const char *lv = aiops_rview_str(v, NULL, "level", NULL);
    x->logs_seen = 1;
    x->log_n++;
    x->log_err += lv && (!strcmp(lv, "error") || !strcmp(lv, "fatal") || !strcmp(lv, "warn"));
    /* a template is new once the service has logged for a baseline */
    uint64_t h = log_template(r, v);
    int fresh = h && tmpl_new(x, h);
    x->log_new += fresh && rec->ts - r->first > r->o.baseline / 4;
    return 0;
}

static int add_event(aiops_rca *r, const aiops_record *rec)
{
    aiops_rview *v = r->view;
    const char *kind = aiops_rview_str(v, NULL, "kind", NULL);
    const char *svc = aiops_rview_str(v, NULL, "service", NULL);
    const char *sev = aiops_rview_str(v, NULL, "severity", NULL);
    if (!kind || !svc || !*svc)
        return 0;
    double w = !strcmp(kind, "deploy") || !strcmp(kind, "config") ? 1
               : !strcmp(kind, "restart") || !strcmp(kind, "oom_kill") ? 0.6
               : sev && !strcmp(sev, "Warning") ? 0.3 : 0;
    if (w == 0)
        return 0;
    char buf[256];
    uint32_t id;
    if (aiops_graph_service(r->g, workload(r, svc, NULL, buf, sizeof buf), &id, NULL))
        return AIOPS_ENOMEM;
    if (!r->ev_cap) {
        r->ev = calloc(4096, sizeof *r->ev);
        if (!r->ev)
            return AIOPS_ENOMEM;
        r->ev_cap = 4096;
    }
    double keep = rc_pre(r) + rc_post(r) + r->o.baseline + r->o.change_window;
    while (r->ev_n && r->ev[r->ev_head].t < rec->ts - keep) {
        r->ev_head = (r->ev_head + 1) % r->ev_cap;
        r->ev_n--;
    }
    if (r->ev_n == r->ev_cap) {
        r->ev_head = (r->ev_head + 1) % r->ev_cap;
        r->ev_n--;
    }
    rc_event *e = &r->ev[(r->ev_head + r->ev_n++) % r->ev_cap];
    e->t = rec->ts;
    e->svc = id;
    e->weight = w;
    const char *ver = aiops_rview_str(v, NULL, "version", NULL);
    const char *who = aiops_rview_str(v, NULL, "author", NULL);
    const char *why = aiops_rview_str(v, NULL, "reason", NULL);
    const char *obj = aiops_rview_str(v, NULL, "object", NULL);
    snprintf(e->text, sizeof e->text, "%s %s%s%s%s%s%s%s", kind, svc, ver ? " " : "", ver ? ver : "",
             who ? " by " : "", who ? who : "", why && !ver ? " " : "", why && !ver ? why : "");
    if (obj && !ver && strlen(e->text) + strlen(obj) + 4 < sizeof e->text) {
        strcat(e->text, " (");
        strcat(e->text, obj);
        strcat(e->text, ")");
    }
    return 0;
}

static int add_fit(aiops_rca *r, const aiops_record *rec)
{
    aiops_rview *vw = r->view;
    double v, sc;
    if (aiops_rview_num(vw, NULL, "anomaly_score", &v))
        ;
    else if (rec->type == AIOPS_R_ANOMALY && aiops_rview_num(vw, NULL, "score", &sc))
        v = aiops_rca_squash(&r->o, sc);
    else
        return 0;
    const char *svc = aiops_rview_str(vw, NULL, "service", NULL);
    static const char *const keys[] = AIOPS_SERVICE_LABELS;
    for (size_t i = 0; !svc && keys[i]; i++) {
        svc = aiops_rview_str(vw, "labels", keys[i], NULL);
        if (svc && !*svc)
            svc = NULL;
    }
    if (!svc || !*svc)
        return 0;
    char buf[256];
    uint32_t id;
    if (aiops_graph_service(r->g, workload(r, svc, NULL, buf, sizeof buf), &id, NULL))
        return AIOPS_ENOMEM;
    double t = rec->ts, st;
    if (rec->type == AIOPS_R_ANOMALY && aiops_rview_num(vw, NULL, "start", &st))
        t = st;
    return syn_push(r, id, RS_FIT, t, v);
}

/* ----------------------------------------------------------- incidents */

static int is_done(const aiops_rca *r, const char *id)
{
    for (size_t i = 0; i < r->ndone; i++)
        if (!strcmp(r->done[i], id))
            return 1;
    return 0;
}

static int add_incident(aiops_rca *r, const aiops_record *rec, const json_t *o, aiops_err *err)
{
    const char *tn = rec->type == AIOPS_R_LABEL ? "label" : "incident";
    json_t *idj = json_object_get(o, "id"), *sj = json_object_get(o, "start");
    char idbuf[32];
    const char *id = json_string_value(idj);
    if (!id && json_is_integer(idj)) {
        snprintf(idbuf, sizeof idbuf, "%lld", (long long)json_integer_value(idj));
        id = idbuf;
    }
    if (!id && rec->type == AIOPS_R_LABEL) {   /* docs/FORMAT.md: incident-N */
        snprintf(idbuf, sizeof idbuf, "incident-%zu", r->ndone + r->ninc + 1);
        id = idbuf;
    }
    double start;
    if (!id)
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "%s record: expected an \"id\" (a string)", tn);
    if (!sj || aiops_jtime_parse(sj, &start))
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                             "%s record %s: expected a \"start\" (epoch seconds or RFC 3339)", tn, id);
    if (is_done(r, id))
        return 0;
    for (size_t i = 0; i < r->ninc; i++)
        if (!strcmp(r->inc[i].id, id))
            return 0;
    if (AIOPS_GROW(r->inc, r->inc_cap, r->ninc + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    char *copy = strdup(id);
    if (!copy)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    /* by start, then id: incidents due together are ranked and written in
     * that order, whatever order their records came in */
    size_t j = r->ninc++;
    while (j > 0 && (r->inc[j - 1].start > start ||
                     (r->inc[j - 1].start == start && strcmp(r->inc[j - 1].id, copy) > 0))) {
        r->inc[j] = r->inc[j - 1];
        j--;
    }
    r->inc[j] = (rc_incident){.id = copy, .start = start, .ts = rec->ts};
    return 0;
}

static int rank_due(aiops_rca *r, int all, aiops_err *err)
{
    size_t k = 0;
    int advanced = 0;
    for (size_t i = 0; i < r->ninc; i++) {
        rc_incident *in = &r->inc[i];
        /* the span windows of the analysis window close a horizon later */
        double due = in->start + rc_post(r) + r->o.graph.horizon + 2 * r->o.window;
        if (!all && !(r->now >= due)) {
            r->inc[k++] = *in;
            continue;
        }
        int rc = 0;
        if (!all && !advanced++) {   /* the span windows up to now, though no span came */
            aiops_graph_advance(r->g, r->now);
            rc = drain_graph(r, err);
        }
        if (!rc)
            rc = rc_rank_incident(r, in, err);
        if (!rc && (AIOPS_GROW(r->done, r->done_cap, r->ndone + 1) ? (rc = AIOPS_ENOMEM) : 0) == 0)
            r->done[r->ndone++] = in->id;
        else
            free(in->id);
        if (rc) {
            for (size_t j = i + 1; j < r->ninc; j++)
                r->inc[k++] = r->inc[j];
            r->ninc = k;
            return rc == AIOPS_ENOMEM ? aiops_err_set(err, rc, NULL, 0, "out of memory") : rc;
        }
    }
    r->ninc = k;
    return 0;
}

int aiops_rca_add(aiops_rca *r, const aiops_record *rec, aiops_err *err)
{
    if (!isfinite(r->first))
        r->first = rec->ts;
    if (rec->ts > r->now)
        r->now = rec->ts;
    int rc = 0;
    if (r->o.window > 0) {
        int64_t k = aiops_window_of(r->now, r->o.window);
        if (r->log_win == INT64_MIN)
            r->log_win = k;
        else if (k > r->log_win && flush_logs(r, k))
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    switch (rec->type) {
    case AIOPS_R_SAMPLE: {
        int32_t idx = rec->sid < r->by_sid_cap ? r->by_sid[rec->sid] : -1;
        if (rec->sid >= r->by_sid_cap || idx == -1) {
            size_t old = r->by_sid_cap;
            if (AIOPS_GROW(r->by_sid, r->by_sid_cap, (size_t)rec->sid + 1))
                return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
            for (size_t i = old; i < r->by_sid_cap; i++)
                r->by_sid[i] = -1;
            if ((rc = sample_series(r, rec->sid, &idx, err)))
                return rc;
            r->by_sid[rec->sid] = idx;
        }
        if (idx >= 0)
            rc_series_push(r, &r->ser[idx], rec->ts, rec->value);
        break;
    }
    case AIOPS_R_SPAN:
        if ((rc = aiops_graph_add_record(r->g, rec, err)) < 0)
            return rc;
        rc = drain_graph(r, err);
        break;
    case AIOPS_R_LOG:
        if ((rc = aiops_rview_set(r->view, rec, err)))
            return rc;
        if (add_log(r, rec))
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        break;
    case AIOPS_R_EVENT:
        if ((rc = aiops_rview_set(r->view, rec, err)))
            return rc;
        if (add_event(r, rec))
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        break;
    case AIOPS_R_ANOMALY:
    case AIOPS_R_BAND:
        if ((rc = aiops_rview_set(r->view, rec, err)))
            return rc;
        if (add_fit(r, rec))
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        break;
    case AIOPS_R_INCIDENT:
    case AIOPS_R_LABEL:
        if ((rec->type == AIOPS_R_INCIDENT ? AIOPS_RCA_ON_INCIDENT : AIOPS_RCA_ON_LABEL) & r->o.on) {
            /* few and read whole: a tree (built here if the record is text) */
            json_t *tmp = json_is_string(rec->obj) ? aiops_record_text_json(rec, err) : NULL;
            if (json_is_string(rec->obj) && !tmp)
                return err && err->code ? err->code : AIOPS_EPARSE;
            rc = add_incident(r, rec, tmp ? tmp : rec->obj, err);
            json_decref(tmp);
        }
        break;
    default:
        break;
    }
    if (rc)
        return rc;
    return r->ninc ? rank_due(r, 0, err) : 0;
}

int aiops_rca_finish(aiops_rca *r, aiops_err *err)
{
    int rc = aiops_graph_finish(r->g, err);
    if (!rc)
        rc = drain_graph(r, err);
    if (!rc && r->o.window > 0 && r->log_win != INT64_MIN && flush_logs(r, r->log_win + 1))
        rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (!rc)
        rc = rank_due(r, 1, err);
    return rc;
}

int aiops_rca_pop(aiops_rca *r, aiops_record *out)
{
    if (r->out_head >= r->nout) {
        r->out_head = r->nout = 0;
        return 0;
    }
    *out = r->out[r->out_head];
    r->out[r->out_head++] = (aiops_record){0};
    return 1;
}
