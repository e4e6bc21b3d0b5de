/* cluster_dist.c - the parts of the combined distance (each in [0, 1]) and
 * DBSCAN over time-sorted points. */
#include <math.h>
#include <stdlib.h>

#include "cluster/cluster_impl.h"

double aiops_cluster_time_dist(double gap, double scale)
{
    if (!(gap > 0))
        return 0;
    if (!(scale > 0))
        return 1;
    return gap >= scale ? 1 : gap / scale;
}

double aiops_cluster_topo_dist(int hops, int max_hops)
{
    if (hops < 0 || max_hops <= 0)
        return hops == 0 ? 0 : 1;
    return hops >= max_hops ? 1 : (double)hops / max_hops;
}

double aiops_cluster_overlap_dist(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
    if (!na)
        return 0;
    size_t i = 0, j = 0, inter = 0;
    while (i < na && j < nb) {
        if (a[i] == b[j]) {
            inter++;
            i++;
            j++;
        } else if (a[i] < b[j])
            i++;
        else
            j++;
    }
    return 1 - (double)inter / (double)na;
}

double aiops_cluster_embed_dist(const double *a, const double *b, int dims)
{
    double ab = 0, aa = 0, bb = 0;
    for (int i = 0; i < dims; i++) {
        ab += a[i] * b[i];
        aa += a[i] * a[i];
        bb += b[i] * b[i];
    }
    if (!(aa > 0) || !(bb > 0))
        return 1;
    double cosv = ab / sqrt(aa * bb);
    return cosv <= 0 ? 1 : cosv >= 1 ? 0 : 1 - cosv;
}

static double dist2(const double *a, const double *b, int dims)
{
    double s = 0;
    for (int i = 0; i < dims; i++)
        s += (a[i] - b[i]) * (a[i] - b[i]);
    return s;
}

static size_t uf_find(size_t *p, size_t i)
{
    while (p[i] != i) {
        p[i] = p[p[i]];
        i = p[i];
    }
    return i;
}

/* Three sweeps over each point's forward window [x0, x0 + eps]: neighbour
 * counts, unions of core neighbours, then borders take a core neighbour's
 * cluster.  No pair is stored; cost is n times the window's population. */
int aiops_cluster_dbscan(const double *x, size_t n, int dims, double eps, size_t min_samples,
                         int *label, aiops_err *err)
{
    size_t *cnt = calloc(n ? n : 1, sizeof *cnt), *par = malloc((n ? n : 1) * sizeof *par);
    if (!cnt || !par) {
        free(cnt);
        free(par);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    double e2 = eps * eps;
    for (size_t i = 0; i < n; i++) {
        cnt[i]++;    /* itself, as scikit-learn counts */
        par[i] = i;
        for (size_t j = i + 1; j < n && x[j * dims] - x[i * dims] <= eps; j++)
            if (dist2(x + i * dims, x + j * dims, dims) <= e2) {
                cnt[i]++;
                cnt[j]++;
            }
    }
    for (size_t i = 0; i < n; i++) {
        if (cnt[i] < min_samples)
            continue;
        for (size_t j = i + 1; j < n && x[j * dims] - x[i * dims] <= eps; j++)
            if (cnt[j] >= min_samples && dist2(x + i * dims, x + j * dims, dims) <= e2) {
                size_t a = uf_find(par, i), b = uf_find(par, j);
                if (a != b)
                    par[a > b ? a : b] = a < b ? a : b;
            }
    }
    int ncl = 0;
    for (size_t i = 0; i < n; i++)
        label[i] = -1;
    for (size_t i = 0; i < n; i++) {    /* roots are the smallest index: numbered in time order */
        if (cnt[i] < min_samples)
            continue;
        size_t r = uf_find(par, i);
        if (label[r] < 0)
            label[r] = ncl++;
        label[i] = label[r];
    }
    for (size_t i = 0; i < n; i++) {
        if (cnt[i] >= min_samples)
            continue;
        /* border: the nearest core neighbour in time, looking both ways */
        size_t lo = i, hi = i;
        while (lo > 0 && x[i * dims] - x[(lo - 1) * dims] <= eps)
            lo--;
        while (hi + 1 < n && x[(hi + 1) * dims] - x[i * dims] <= eps)
            hi++;
        double best = INFINITY;
        for (size_t j = lo; j <= hi; j++) {
            double d = dist2(x + i * dims, x + j * dims, dims);
            if (j != i && cnt[j] >= min_samples && d <= e2 && d < best) {
                best = d;
                label[i] = label[j];
            }
        }
    }
    free(cnt);
    free(par);
    return ncl;
}
