/* graph.c - services, edges, adjacency, latency histograms, distances and
 * personalised PageRank (graph.h).  Spans: graph_span.c; files and
 * writers: graph_io.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph/graph_impl.h"

/* ------------------------------------------------------------ histogram */

int gr_lat_bucket(double s)
{
    if (!(s > 1e-6))
        return 0;
    double x = log2(s * 1e6) * 8.0;
    return x >= AIOPS_LAT_BUCKETS - 2 ? AIOPS_LAT_BUCKETS - 1 : 1 + (int)x;
}

int64_t gr_ns(double s)
{
    if (!(s == s))
        return 0;
    double ns = s * 1e9;
    return ns >= 9e18 ? (int64_t)9e18 : ns <= -9e18 ? -(int64_t)9e18 : (int64_t)llround(ns);
}

void aiops_lat_add(aiops_lat_hist *h, double s)
{
    h->b[gr_lat_bucket(s)]++;
    h->n++;
}

double aiops_lat_quantile(const aiops_lat_hist *h, double q)
{
    if (!h->n)
        return NAN;
    uint64_t want = (uint64_t)ceil(q * (double)h->n), acc = 0;
    if (want < 1)
        want = 1;
    for (int b = 0; b < AIOPS_LAT_BUCKETS; b++) {
        acc += h->b[b];
        if (acc >= want) {
            if (b == 0)
                return 1e-6;
            /* bucket b holds [2^((b-1)/8), 2^(b/8)) us: its geometric middle */
            return exp2(((double)b - 0.5) / 8.0) * 1e-6;
        }
    }
    return exp2((AIOPS_LAT_BUCKETS - 1.5) / 8.0) * 1e-6;
}

void gr_stats_add(aiops_graph_stats *st, int bucket, int error)
{
    st->calls++;
    st->errors += error != 0;
    st->lat.b[bucket]++;
    st->lat.n++;
}

/* ------------------------------------------------------------- the graph */

void aiops_graph_opts_default(aiops_graph_opts *o)
{
    *o = (aiops_graph_opts){.horizon = 300, .window = 0, .max_spans = (size_t)4 << 20};
}

int aiops_graph_new(aiops_graph **out, const aiops_graph_opts *o, aiops_err *err)
{
    aiops_graph *g = calloc(1, sizeof *g);
    if (!g)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (o)
        g->o = *o;
    else
        aiops_graph_opts_default(&g->o);
    if (g->o.max_spans < 16)
        g->o.max_spans = 16;
    g->now = -INFINITY;
    *out = g;
    return 0;
}

void aiops_graph_free(aiops_graph *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->nnodes; i++) {
        free((char *)g->nodes[i].name);
        free(g->out[i].v);
        free(g->in[i].v);
        free(g->nwin ? g->nwin[i] : NULL);
    }
    for (size_t i = 0; i < g->nedges; i++)
        free(g->ewin ? g->ewin[i] : NULL);
    free(g->nwin);
    free(g->ewin);
    free(g->nodes);
    free(g->out);
    free(g->in);
    free(g->edges);
    free(g->name_ix);
    free(g->edge_ix);
    gr_spans_free(g);
    free(g->closed);
    free(g);
}

static uint64_t name_hash(const char *s)
{
    uint64_t h = aiops_fnv1a(AIOPS_FNV_OFFSET, s, strlen(s));
    return h ? h : 1;
}

static uint64_t edge_key(uint32_t from, uint32_t to)
{
    uint64_t k = ((uint64_t)from << 32 | to) * 0x9E3779B97F4A7C15ULL;
    return k ? k : 1;
}

/* Open-addressed index of ids: slot = id + 1 (0 empty); rebuilt at half load. */
static int ix_rebuild(uint32_t **ix, size_t *cap, size_t n, uint64_t (*key)(const aiops_graph *, uint32_t),
                      const aiops_graph *g)
{
    size_t nc = *cap ? *cap : 64;
    while (nc < 2 * (n + 1))
        nc *= 2;
    uint32_t *v = calloc(nc, sizeof *v);
    if (!v)
        return AIOPS_ENOMEM;
    for (uint32_t i = 0; i < n; i++) {
        size_t s = key(g, i) & (nc - 1);
        while (v[s])
            s = (s + 1) & (nc - 1);
        v[s] = i + 1;
    }
    free(*ix);
    *ix = v;
    *cap = nc;
    return 0;
}

static uint64_t node_key(const aiops_graph *g, uint32_t i)
{
    return name_hash(g->nodes[i].name);
}

static uint64_t edge_key_of(const aiops_graph *g, uint32_t i)
{
    return edge_key(g->edges[i].from, g->edges[i].to);
}

int aiops_graph_find(const aiops_graph *g, const char *name, uint32_t *id)
{
    if (!g->name_cap)
        return -1;
    for (size_t s = name_hash(name) & (g->name_cap - 1); g->name_ix[s]; s = (s + 1) & (g->name_cap - 1))
        if (!strcmp(g->nodes[g->name_ix[s] - 1].name, name)) {
            *id = g->name_ix[s] - 1;
            return 0;
        }
    return -1;
}


int aiops_graph_service(aiops_graph *g, const char *name, uint32_t *id, aiops_err *err)
{
    if (!aiops_graph_find(g, name, id))
        return 0;
    if (AIOPS_GROW_ZERO(g->nodes, g->nodes_cap, g->nnodes + 1) ||
        AIOPS_GROW_ZERO(g->out, g->out_cap, g->nnodes + 1) ||
        AIOPS_GROW_ZERO(g->in, g->in_cap, g->nnodes + 1) ||
        AIOPS_GROW_ZERO(g->nwin, g->nwin_cap, g->nnodes + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    char *copy = strdup(name);
    if (!copy)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    g->nodes[g->nnodes] = (aiops_graph_node){.name = copy};
    g->nnodes++;
    if (2 * (g->nnodes + 1) > g->name_cap) {
        if (ix_rebuild(&g->name_ix, &g->name_cap, g->nnodes, node_key, g))
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    } else {
        size_t s = name_hash(copy) & (g->name_cap - 1);
        while (g->name_ix[s])
            s = (s + 1) & (g->name_cap - 1);
        g->name_ix[s] = (uint32_t)g->nnodes;
    }
    *id = (uint32_t)(g->nnodes - 1);
    return 0;
}

long aiops_graph_edge_find(const aiops_graph *g, uint32_t from, uint32_t to)
{
    if (!g->edge_cap)
        return -1;
    for (size_t s = edge_key(from, to) & (g->edge_cap - 1); g->edge_ix[s]; s = (s + 1) & (g->edge_cap - 1)) {
        const aiops_graph_edge *e = &g->edges[g->edge_ix[s] - 1];
        if (e->from == from && e->to == to)
            return (long)g->edge_ix[s] - 1;
    }
    return -1;
}

static int adj_push(gr_ids *a, uint32_t id)
{
    if (AIOPS_GROW(a->v, a->cap, a->n + 1))
        return AIOPS_ENOMEM;
    a->v[a->n++] = id;
    return 0;
}

int aiops_graph_edge_add(aiops_graph *g, uint32_t from, uint32_t to, uint32_t *id, aiops_err *err)
{
    long f = aiops_graph_edge_find(g, from, to);
    if (f >= 0) {
        *id = (uint32_t)f;
        return 0;
    }
    if (from >= g->nnodes || to >= g->nnodes)
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "edge between unknown services");
    if (AIOPS_GROW_ZERO(g->edges, g->edges_cap, g->nedges + 1) ||
        AIOPS_GROW_ZERO(g->ewin, g->ewin_cap, g->nedges + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    aiops_graph_edge *e = &g->edges[g->nedges];
    *e = (aiops_graph_edge){.from = from, .to = to, .skew_min = INFINITY, .skew_max = -INFINITY};
    if (adj_push(&g->out[from], (uint32_t)g->nedges) || adj_push(&g->in[to], (uint32_t)g->nedges))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    g->nedges++;
    if (2 * (g->nedges + 1) > g->edge_cap) {
        if (ix_rebuild(&g->edge_ix, &g->edge_cap, g->nedges, edge_key_of, g))
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    } else {
        size_t s = edge_key(from, to) & (g->edge_cap - 1);
        while (g->edge_ix[s])
            s = (s + 1) & (g->edge_cap - 1);
        g->edge_ix[s] = (uint32_t)g->nedges;
    }
    *id = (uint32_t)(g->nedges - 1);
    return 0;
}

int aiops_graph_merge(aiops_graph *g, const aiops_graph *src, aiops_err *err)
{
    int rc = 0;
    for (size_t i = 0; !rc && src && i < src->nnodes; i++) {
        uint32_t id;
        rc = aiops_graph_service(g, src->nodes[i].name, &id, err);
    }
    for (size_t i = 0; !rc && src && i < src->nedges; i++) {
        const aiops_graph_edge *e = &src->edges[i];
        uint32_t f, t, id;
        rc = aiops_graph_service(g, src->nodes[e->from].name, &f, err);
        if (!rc)
            rc = aiops_graph_service(g, src->nodes[e->to].name, &t, err);
        if (!rc)
            rc = aiops_graph_edge_add(g, f, t, &id, err);
        if (!rc)
            g->edges[id].weight += e->weight;
    }
    return rc;
}

size_t aiops_graph_nodes(const aiops_graph *g)
{
    return g->nnodes;
}

size_t aiops_graph_edges(const aiops_graph *g)
{
    return g->nedges;
}

const aiops_graph_node *aiops_graph_node_at(const aiops_graph *g, uint32_t id)
{
    return id < g->nnodes ? &g->nodes[id] : NULL;
}

const aiops_graph_edge *aiops_graph_edge_at(const aiops_graph *g, uint32_t id)
{
    return id < g->nedges ? &g->edges[id] : NULL;
}

size_t aiops_graph_adj(aiops_graph *g, uint32_t node, int out, const uint32_t **ids)
{
    if (node >= g->nnodes) {
        *ids = NULL;
        return 0;
    }
    const gr_ids *a = out ? &g->out[node] : &g->in[node];
    *ids = a->v;
    return a->n;
}

void aiops_graph_counts_get(const aiops_graph *g, aiops_graph_counts *c)
{
    *c = g->counts;
}

/* ------------------------------------------------------------ algorithms */

int aiops_graph_distances(aiops_graph *g, uint32_t src, int dir, size_t *dist, aiops_err *err)
{
    size_t n = g->nnodes;
    for (size_t i = 0; i < n; i++)
        dist[i] = SIZE_MAX;
    if (src >= n)
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "no service %u", (unsigned)src);
    uint32_t *q = malloc((n ? n : 1) * sizeof *q);
    if (!q)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    size_t qh = 0, qt = 0;
    q[qt++] = src;
    dist[src] = 0;
    while (qh < qt) {
        uint32_t u = q[qh++];
        for (int side = 0; side < 2; side++) {
            int fwd = side == 0;
            if ((fwd && dir < 0) || (!fwd && dir > 0))
                continue;
            const gr_ids *a = fwd ? &g->out[u] : &g->in[u];
            for (size_t k = 0; k < a->n; k++) {
                const aiops_graph_edge *e = &g->edges[a->v[k]];
                uint32_t v = fwd ? e->to : e->from;
                if (dist[v] == SIZE_MAX) {
                    dist[v] = dist[u] + 1;
                    q[qt++] = v;
                }
            }
        }
    }
    free(q);
    return 0;
}

/* The order the algorithms visit nodes and edges in: by name (edges by
 * their callers' names, then their callees'), not by id.  Ids are given
 * in the order services first appear in the input, so floating-point
 * sums in id order would change in their last bits when records of the
 * same time come in another order, and near-equal candidates swap. */
typedef struct gr_ord {
    const char *a, *b;
    uint32_t id;
} gr_ord;

static int ord_cmp(const void *pa, const void *pb)
{
    const gr_ord *x = pa, *y = pb;
    int c = strcmp(x->a, y->a);
    if (!c && x->b && y->b)
        c = strcmp(x->b, y->b);
    return c ? c : x->id < y->id ? -1 : x->id > y->id;
}

/* node order (n) and edge order (m) by name; NULL when out of memory */
static uint32_t *canon_order(const aiops_graph *g)
{
    size_t n = g->nnodes, m = g->nedges;
    uint32_t *ord = malloc((n + m + 1) * sizeof *ord);
    gr_ord *k = malloc((n > m ? n : m) * sizeof *k + 1);
    if (!ord || !k) {
        free(ord);
        free(k);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        k[i] = (gr_ord){g->nodes[i].name, NULL, (uint32_t)i};
    qsort(k, n, sizeof *k, ord_cmp);
    for (size_t i = 0; i < n; i++)
        ord[i] = k[i].id;
    for (size_t e = 0; e < m; e++)
        k[e] = (gr_ord){g->nodes[g->edges[e].from].name, g->nodes[g->edges[e].to].name, (uint32_t)e};
    qsort(k, m, sizeof *k, ord_cmp);
    for (size_t e = 0; e < m; e++)
        ord[n + e] = k[e].id;
    free(k);
    return ord;
}

int aiops_graph_pagerank(aiops_graph *g, const double *personal, const double *w, const double *back,
                         const double *self, double alpha, double tol, int max_iter, double *out, aiops_err *err)
{
    size_t n = g->nnodes, m = g->nedges;
    if (!n)
        return 0;
    if (!(alpha >= 0 && alpha < 1))
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "pagerank: alpha must be in [0, 1)");
    double *p = calloc(n, sizeof *p), *tot = calloc(n, sizeof *tot), *nx = calloc(n, sizeof *nx);
    uint32_t *ord = canon_order(g);
    if (!p || !tot || !nx || !ord) {
        free(p);
        free(tot);
        free(nx);
        free(ord);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    const uint32_t *no = ord, *eo = ord + n;
    double ps = 0;
    for (size_t j = 0; j < n; j++)
        ps += personal && personal[no[j]] > 0 ? personal[no[j]] : 0;
    for (size_t i = 0; i < n; i++)
        p[i] = ps > 0 ? (personal[i] > 0 ? personal[i] / ps : 0) : 1.0 / (double)n;
    for (size_t j = 0; j < m; j++) {
        size_t e = eo[j];
        double fw = w ? w[e] : (g->edges[e].weight > 0 ? g->edges[e].weight : 1);
        double bw = back ? back[e] : 0;
        tot[g->edges[e].from] += fw > 0 ? fw : 0;
        tot[g->edges[e].to] += bw > 0 ? bw : 0;
    }
    for (size_t i = 0; i < n; i++) {
        out[i] = p[i];
        tot[i] += self && self[i] > 0 ? self[i] : 0;
    }
    for (int it = 0; it < max_iter; it++) {
        double dangling = 0;
        for (size_t j = 0; j < n; j++) {
            size_t i = no[j];
            nx[i] = self && self[i] > 0 ? out[i] * self[i] / tot[i] : 0;
            if (tot[i] <= 0)
                dangling += out[i];
        }
        for (size_t j = 0; j < m; j++) {
            size_t e = eo[j];
            const aiops_graph_edge *ed = &g->edges[e];
            double fw = w ? w[e] : (ed->weight > 0 ? ed->weight : 1);
            double bw = back ? back[e] : 0;
            if (fw > 0)
                nx[ed->to] += out[ed->from] * fw / tot[ed->from];
            if (bw > 0)
                nx[ed->from] += out[ed->to] * bw / tot[ed->to];
        }
        double diff = 0;
        for (size_t j = 0; j < n; j++) {
            size_t i = no[j];
            double v = alpha * (nx[i] + dangling * p[i]) + (1 - alpha) * p[i];
            diff += fabs(v - out[i]);
            out[i] = v;
        }
        if (diff < tol)
            break;
    }
    free(p);
    free(tot);
    free(nx);
    free(ord);
    return 0;
}
