/* rca_rank.c - the rankers over the service graph: structural (anomalous
 * services with no anomalous callee), seed (no anomalous caller) and the
 * default combination with a MicroRCA-style personalised random walk. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rca/rca_impl.h"

/* Pearson correlation of two profiles; 0 when either is flat or absent. */
double rc_corr(const double *a, const double *b, size_t n)
{
    if (!a || !b || n < 2)
        return 0;
    double ma = 0, mb = 0;
    for (size_t i = 0; i < n; i++) {
        ma += a[i];
        mb += b[i];
    }
    ma /= (double)n;
    mb /= (double)n;
    double sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; i++) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    if (saa <= 1e-12 || sbb <= 1e-12)
        return 0;
    return sab / sqrt(saa * sbb);
}

/* Sorting: score, then anomaly, then name (the keys copied beside the rank). */
typedef struct rk_key {
    aiops_rca_rank r;
    double anomaly;
    const char *name;
} rk_key;

static int by_score(const void *pa, const void *pb)
{
    const rk_key *a = pa, *b = pb;
    if (a->r.score != b->r.score)
        return a->r.score > b->r.score ? -1 : 1;
    if (a->anomaly != b->anomaly)
        return a->anomaly > b->anomaly ? -1 : 1;
    return strcmp(a->name, b->name);
}

/* Any neighbour on that side (out = callees) anomalous? */
static int any_anomalous(aiops_graph *g, uint32_t v, int out, const aiops_rca_svc *sv, double thr)
{
    const uint32_t *ids;
    size_t n = aiops_graph_adj(g, v, out, &ids);
    for (size_t k = 0; k < n; k++) {
        const aiops_graph_edge *e = aiops_graph_edge_at(g, ids[k]);
        uint32_t u = out ? e->to : e->from;
        if (u != v && sv[u].anomaly >= thr)
            return 1;
    }
    return 0;
}

static int walk(aiops_graph *g, const aiops_rca_opts *o, const aiops_rca_svc *sv, size_t nbins,
                double *pr, aiops_err *err)
{
    size_t n = aiops_graph_nodes(g), m = aiops_graph_edges(g);
    double *fw = calloc(m + 1, sizeof *fw), *bw = calloc(m + 1, sizeof *bw);
    double *self = calloc(n, sizeof *self), *pers = calloc(n, sizeof *pers);
    int rc = fw && bw && self && pers ? 0 : aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; !rc && i < n; i++) {
        pers[i] = sv[i].anomaly * sv[i].anomaly;
        self[i] = sv[i].anomaly;
    }
    /* caller -> callee: the callee explains the caller as far as it is
     * anomalous and their anomalies move together; back to an anomalous
     * caller a little; a service keeps what no callee explains */
    for (size_t e = 0; !rc && e < m; e++) {
        const aiops_graph_edge *ed = aiops_graph_edge_at(g, (uint32_t)e);
        if (ed->from == ed->to)
            continue;
        double c = rc_corr(sv[ed->from].profile, sv[ed->to].profile, nbins);
        if (c < 0)
            c = 0;
        fw[e] = 0.01 + sv[ed->to].anomaly * c;
        bw[e] = 0.1 * sv[ed->from].anomaly;
        double left = sv[ed->from].anomaly - sv[ed->to].anomaly * c;
        if (left < self[ed->from])
            self[ed->from] = left > 0 ? left : 0;
    }
    double ps = 0;
    for (size_t i = 0; !rc && i < n; i++)
        ps += pers[i];
    if (!rc && ps > 0)   /* no anomaly anywhere: no walk (uniform would favour sinks) */
        rc = aiops_graph_pagerank(g, pers, fw, bw, self, o->alpha, 1e-10, 200, pr, err);
    double best = 0;
    for (size_t i = 0; !rc && i < n; i++)
        best = pr[i] > best ? pr[i] : best;
    for (size_t i = 0; !rc && i < n; i++)
        pr[i] = best > 0 ? pr[i] / best : 0;
    free(fw);
    free(bw);
    free(self);
    free(pers);
    return rc;
}

/* A surge that enters here: the service's request rate rose, its callers' did not. */
double rc_surge_origin(aiops_graph *g, uint32_t v, const aiops_rca_svc *sv)
{
    const uint32_t *ids;
    size_t n = aiops_graph_adj(g, v, 0, &ids);
    double up = 0;
    for (size_t k = 0; k < n; k++) {
        uint32_t u = aiops_graph_edge_at(g, ids[k])->from;
        if (u != v && sv[u].surge > up)
            up = sv[u].surge;
    }
    return sv[v].surge * (1 - up);
}

int aiops_rca_rank_services(aiops_graph *g, const aiops_rca_opts *o, const aiops_rca_svc *sv,
                            size_t nbins, aiops_rca_rank *out, aiops_err *err)
{
    size_t n = aiops_graph_nodes(g);
    if (!n)
        return 0;
    double thr = aiops_rca_squash(o, o->z_anomalous);
    double *pr = NULL;
    if (o->method == AIOPS_RCA_DEFAULT) {
        pr = calloc(n, sizeof *pr);
        if (!pr)
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        int rc = walk(g, o, sv, nbins, pr, err);
        if (rc) {
            free(pr);
            return rc;
        }
    }
    double first = INFINITY;
    for (size_t i = 0; i < n; i++)
        if (sv[i].anomaly >= thr && sv[i].onset < first)
            first = sv[i].onset;
    for (size_t i = 0; i < n; i++) {
        const aiops_rca_svc *s = &sv[i];
        int anom = s->anomaly >= thr;
        double score;
        if (o->method == AIOPS_RCA_STRUCTURAL)
            score = anom ? 1 + !any_anomalous(g, (uint32_t)i, 1, sv, thr) + s->anomaly : s->anomaly;
        else if (o->method == AIOPS_RCA_SEED)
            score = anom ? 1 + !any_anomalous(g, (uint32_t)i, 0, sv, thr) + s->anomaly : s->anomaly;
        else {
            double on = anom && isfinite(s->onset) && isfinite(first)
                            ? exp(-(s->onset - first) / (o->onset_tau > 0 ? o->onset_tau : 1))
                            : 0;
            score = o->w_anomaly * s->anomaly + o->w_walk * pr[i] + o->w_onset * on +
                    o->w_log * s->log + o->w_change * s->change +
                    o->w_surge * rc_surge_origin(g, (uint32_t)i, sv);
        }
        out[i] = (aiops_rca_rank){.svc = (uint32_t)i, .score = score, .walk = pr ? pr[i] : 0};
    }
    free(pr);
    rk_key *k = malloc(n * sizeof *k);
    if (!k)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < n; i++)
        k[i] = (rk_key){out[i], sv[i].anomaly, aiops_graph_node_at(g, (uint32_t)i)->name};
    qsort(k, n, sizeof *k, by_score);
    for (size_t i = 0; i < n; i++)
        out[i] = k[i].r;
    free(k);
    return 0;
}
