/* cluster_graph.c - the service side of the distance: hop distances in a
 * service graph (a graph file or the spans of the stream, both read by
 * graph/, or edges from code), and service
 * embeddings learned from alert co-occurrence: services alerting in one
 * time bucket co-occur; PPMI of the counts, then the top eigenvectors of
 * the symmetric PPMI matrix (its truncated SVD) with LAPACKE. */
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/cluster_impl.h"
#include "common/array.h"
#include "graph/graph.h"

#define HOPS_CACHE 4096       /* services whose hop matrix is cached */
#define COOC_MAX 1024         /* services that get an embedding */
#define BUCKET_MAX 256        /* services counted per bucket */

static int grow_adj(aiops_cluster *c, size_t n)
{
    if (n <= c->capadjv)
        return 0;
    size_t nc = c->capadjv ? c->capadjv : 16;
    while (nc < n)
        nc *= 2;
    uint32_t **a = realloc(c->adj, nc * sizeof *a);
    if (a)
        c->adj = a;
    size_t *na = a ? realloc(c->nadj, nc * sizeof *na) : NULL;
    if (na)
        c->nadj = na;
    size_t *ca = na ? realloc(c->capadj, nc * sizeof *ca) : NULL;
    if (!ca)
        return AIOPS_ENOMEM;
    c->capadj = ca;
    for (size_t i = c->capadjv; i < nc; i++) {
        c->adj[i] = NULL;
        c->nadj[i] = c->capadj[i] = 0;
    }
    c->capadjv = nc;
    return 0;
}

static int add_adj(aiops_cluster *c, uint32_t a, uint32_t b)
{
    for (size_t i = 0; i < c->nadj[a]; i++)
        if (c->adj[a][i] == b)
            return 0;
    if (AIOPS_GROW(c->adj[a], c->capadj[a], c->nadj[a] + 1))
        return AIOPS_ENOMEM;
    c->adj[a][c->nadj[a]++] = b;
    return 0;
}

int aiops_cluster_graph_edge(aiops_cluster *c, const char *from, const char *to, aiops_err *err)
{
    uint32_t a, b;
    int rc = cl_service_id(c, from, &a, err);
    if (!rc)
        rc = cl_service_id(c, to, &b, err);
    if (rc)
        return rc;
    if (grow_adj(c, c->nsvc) || add_adj(c, a, b) || add_adj(c, b, a))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    free(c->hops);    /* distances change */
    c->hops = NULL;
    c->nhops = 0;
    return 0;
}

int aiops_cluster_graph_load(aiops_cluster *c, const char *path, aiops_err *err)
{
    aiops_graph *g = NULL;
    int rc = aiops_graph_read(&g, path, err);
    if (!rc && (rc = cl_graph_copy(c, g, 0, err)) > 0)
        rc = 0;
    aiops_graph_free(g);
    return rc;
}

/* The edges of g from edge id `from` on: the hop distances see them. */
int cl_graph_copy(aiops_cluster *c, const aiops_graph *g, size_t from, aiops_err *err)
{
    size_t n = aiops_graph_edges(g);
    for (size_t e = from; e < n; e++) {
        const aiops_graph_edge *ed = aiops_graph_edge_at(g, (uint32_t)e);
        int rc = aiops_cluster_graph_edge(c, aiops_graph_node_at(g, ed->from)->name,
                                          aiops_graph_node_at(g, ed->to)->name, err);
        if (rc)
            return rc;
    }
    return (int)(n - from);
}

/* A span record: the service graph from traces grows as spans stream. */
int cl_graph_span(aiops_cluster *c, const aiops_record *r, aiops_err *err)
{
    int rc = 0;
    if (!c->spans) {
        aiops_graph_opts go;
        aiops_graph_opts_default(&go);
        if ((rc = aiops_graph_new(&c->spans, &go, err)))
            return rc;
    }
    if ((rc = aiops_graph_add_record(c->spans, r, err)) < 0)
        return rc;
    if (aiops_graph_edges(c->spans) > c->span_edges) {
        if ((rc = cl_graph_copy(c, c->spans, c->span_edges, err)) < 0)
            return rc;
        c->span_edges = aiops_graph_edges(c->spans);
    }
    return 0;
}

/* Breadth-first from a, at most max hops: hops to b, or -1. */
static int bfs(const aiops_cluster *c, uint32_t a, uint32_t b, int max, int16_t *row, size_t nrow)
{
    if (a >= c->capadjv || !c->nadj[a])
        return a == b ? 0 : -1;
    uint32_t qs[1024];
    size_t qh = 0, qt = 0;
    int found = a == b ? 0 : -1;
    uint32_t seen[1024];
    size_t nseen = 0;
    qs[qt++] = a;
    seen[nseen++] = a;
    if (row && a < nrow)
        row[a] = 0;
    for (int d = 1; d <= max && qh < qt; d++) {
        size_t end = qt;
        for (; qh < end; qh++)
            for (size_t i = 0; i < c->nadj[qs[qh]]; i++) {
                uint32_t v = c->adj[qs[qh]][i];
                int dup = 0;
                for (size_t s = 0; s < nseen && !dup; s++)
                    dup = seen[s] == v;
                if (dup || nseen == 1024 || qt == 1024)
                    continue;
                seen[nseen++] = v;
                qs[qt++] = v;
                if (row && v < nrow)
                    row[v] = (int16_t)d;
                if (v == b && found < 0)
                    found = d;
            }
    }
    return found;
}

int cl_hops(aiops_cluster *c, uint32_t a, uint32_t b)
{
    if (a == UINT32_MAX || b == UINT32_MAX)
        return -1;
    if (a == b)
        return 0;
    int max = c->o.topo_hops > 0 ? c->o.topo_hops : 3;
    if (c->nsvc > HOPS_CACHE)
        return bfs(c, a, b, max, NULL, 0);
    if (c->nhops < c->nsvc) {   /* (re)build the cache for the services known now */
        free(c->hops);
        size_t n = c->nsvc < 64 ? 64 : c->nsvc * 2 > HOPS_CACHE ? HOPS_CACHE : c->nsvc * 2;
        c->hops = malloc(n * n * sizeof(int16_t));
        c->nhops = c->hops ? n : 0;
        if (!c->hops)
            return bfs(c, a, b, max, NULL, 0);
        for (size_t i = 0; i < n * n; i++)
            ((int16_t *)c->hops)[i] = -2;
    }
    int16_t *row = (int16_t *)c->hops + (size_t)a * c->nhops;
    if (row[a] == -2) {
        for (size_t i = 0; i < c->nhops; i++)
            row[i] = -1;
        bfs(c, a, a, max, row, c->nhops);
    }
    return row[b];
}

void cl_graph_free(aiops_cluster *c)
{
    for (size_t i = 0; i < c->capadjv; i++)
        free(c->adj[i]);
    free(c->adj);
    free(c->nadj);
    free(c->capadj);
    free(c->hops);
    free(c->emb);
    free(c->cooc);
    free(c->bucket);
    aiops_graph_free(c->spans);
}

/* ------------------------------------------------------- embeddings */

static void bucket_flush(aiops_cluster *c)
{
    for (size_t i = 0; i < c->nbucket; i++)
        for (size_t j = 0; j < c->nbucket; j++)
            c->cooc[(size_t)c->bucket[i] * c->ncooc + c->bucket[j]] += 1;
    c->nbucket = 0;
}

int cl_cooc_add(aiops_cluster *c, uint32_t svc, double t, aiops_err *err)
{
    if (svc == UINT32_MAX || svc >= COOC_MAX)
        return 0;
    double b = floor(t / c->o.cooc_window);
    if (b != c->bucket_t) {
        if (c->nbucket && c->ncooc)
            bucket_flush(c);
        c->bucket_t = b;
    }
    if (svc >= c->ncooc) {    /* grow the square matrix, keeping the counts */
        size_t n = c->ncooc ? c->ncooc : 32;
        while (n <= svc)
            n *= 2;
        n = n > COOC_MAX ? COOC_MAX : n;
        double *m = calloc(n * n, sizeof *m);
        if (!m)
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        for (size_t i = 0; i < c->ncooc; i++)
            memcpy(m + i * n, c->cooc + i * c->ncooc, c->ncooc * sizeof *m);
        free(c->cooc);
        c->cooc = m;
        c->ncooc = n;
    }
    for (size_t i = 0; i < c->nbucket; i++)
        if (c->bucket[i] == svc)
            return 0;
    if (c->nbucket >= BUCKET_MAX)
        return 0;
    if (AIOPS_GROW(c->bucket, c->capbucket, c->nbucket + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    c->bucket[c->nbucket++] = svc;
    c->learned++;
    return 0;
}

int aiops_cluster_embed(aiops_cluster *c, aiops_err *err)
{
    if (c->nbucket && c->ncooc)
        bucket_flush(c);
    size_t n = c->ncooc < c->nsvc ? c->ncooc : c->nsvc;
    int k = c->o.dims;
    c->learned = 0;
    if (n < 2 || k < 1)
        return 0;
    if ((size_t)k > n)
        k = (int)n;
    double *m = malloc(n * n * sizeof *m), *rs = calloc(n, sizeof *rs), *w = malloc(n * sizeof *w);
    double *z = malloc(n * (size_t)k * sizeof *z), *e = calloc(n * (size_t)c->o.dims, sizeof *e);
    lapack_int *sup = malloc(2 * n * sizeof *sup);
    int rc = 0;
    if (!m || !rs || !w || !z || !e || !sup) {
        rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        goto out;
    }
    double tot = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            rs[i] += c->cooc[i * c->ncooc + j];
            tot += c->cooc[i * c->ncooc + j];
        }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double cij = c->cooc[i * c->ncooc + j];
            double p = cij > 0 ? log(cij * tot / (rs[i] * rs[j])) : 0;
            m[i * n + j] = p > 0 ? p : 0;
        }
    lapack_int found = 0;
    lapack_int info = LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'V', 'I', 'U', (lapack_int)n, m, (lapack_int)n, 0, 0,
                                     (lapack_int)(n - (size_t)k + 1), (lapack_int)n, 0, &found, w, z,
                                     (lapack_int)k, sup);
    if (info != 0) {
        rc = aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "embedding: LAPACKE_dsyevr failed (%d)", (int)info);
        goto out;
    }
    /* eigenvalues ascend: the largest is the last column; scale by sqrt(|lambda|) */
    for (size_t i = 0; i < n; i++)
        for (int d = 0; d < found; d++) {
            int col = found - 1 - d;
            e[i * (size_t)c->o.dims + (size_t)d] = z[i * (size_t)k + (size_t)col] * sqrt(fabs(w[col]));
        }
    free(c->emb);
    c->emb = e;
    c->nemb = n;
    e = NULL;
out:
    free(m);
    free(rs);
    free(w);
    free(z);
    free(e);
    free(sup);
    return rc;
}

const double *cl_embedding(const aiops_cluster *c, uint32_t svc)
{
    if (!c->emb || svc == UINT32_MAX || svc >= c->nemb)
        return NULL;
    return c->emb + (size_t)svc * (size_t)c->o.dims;
}
