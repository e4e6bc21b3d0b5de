/* score_group.c - alert grouping quality: noise reduction, pair counting
 * precision/recall, adjusted Rand index, homogeneity/completeness, all
 * from the contingency table of true incidents x predicted groups. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "score/score.h"

typedef struct pair {
    size_t a, b;
} pair;

static int cmp_pair(const void *x, const void *y)
{
    const pair *p = x, *q = y;
    if (p->a != q->a)
        return (p->a > q->a) - (p->a < q->a);
    return (p->b > q->b) - (p->b < q->b);
}

/* Dense 0..k-1 labels for ids; AIOPS_NOGROUP items get a label of their
 * own each.  Returns k. */
static size_t densify(const size_t *id, size_t n, size_t *out, pair *tmp)
{
    for (size_t i = 0; i < n; i++)
        tmp[i] = (pair){id[i], i};
    qsort(tmp, n, sizeof *tmp, cmp_pair);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || tmp[i].a != tmp[i - 1].a || tmp[i].a == AIOPS_NOGROUP)
            k++;
        out[tmp[i].b] = k - 1;
    }
    return k;
}

static double choose2(double x)
{
    return x * (x - 1) / 2;
}

static double entropy(const size_t *cnt, size_t k, double n)
{
    double h = 0;
    for (size_t i = 0; i < k; i++)
        if (cnt[i])
            h -= (double)cnt[i] / n * log((double)cnt[i] / n);
    return h;
}

typedef struct sums {
    double same_both, same_class, same_cluster, h_c_given_k, h_k_given_c;
} sums;

/* Walk the sorted (class, cluster) pairs: cells n_ij with their margins. */
static void cell_sums(const pair *p, size_t n, const size_t *a, const size_t *b, sums *s)
{
    double N = (double)n;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && p[j].a == p[i].a && p[j].b == p[i].b)
            j++;
        double nij = (double)(j - i);
        s->same_both += choose2(nij);
        s->h_c_given_k -= nij / N * log(nij / (double)b[p[i].b]);
        s->h_k_given_c -= nij / N * log(nij / (double)a[p[i].a]);
        i = j;
    }
}

static void finish(aiops_group_stats *o, const sums *s, double hc, double hk, double n)
{
    o->pair_precision = s->same_cluster > 0 ? s->same_both / s->same_cluster : NAN;
    o->pair_recall = s->same_class > 0 ? s->same_both / s->same_class : NAN;
    double p = o->pair_precision, r = o->pair_recall;
    o->pair_f1 = (isnan(p) || isnan(r)) ? NAN : (p + r > 0 ? 2 * p * r / (p + r) : 0);
    double expected = n > 1 ? s->same_class * s->same_cluster / choose2(n) : 0;
    double max = (s->same_class + s->same_cluster) / 2;
    o->ari = max - expected != 0 ? (s->same_both - expected) / (max - expected) : 1.0;
    o->homogeneity = hc > 0 ? 1 - s->h_c_given_k / hc : 1.0;
    o->completeness = hk > 0 ? 1 - s->h_k_given_c / hk : 1.0;
    double h = o->homogeneity, c = o->completeness;
    o->v_measure = h + c > 0 ? 2 * h * c / (h + c) : 0;
}

int aiops_score_group(const size_t *truth, const size_t *pred, size_t n,
                      aiops_group_stats *out, aiops_err *err)
{
    memset(out, 0, sizeof *out);
    out->items = n;
    if (n == 0) {
        out->noise_reduction = out->pair_precision = out->pair_recall = out->pair_f1 = NAN;
        out->ari = out->homogeneity = out->completeness = out->v_measure = NAN;
        return 0;
    }
    size_t *cls = malloc(n * sizeof *cls), *clu = malloc(n * sizeof *clu);
    size_t *a = calloc(n, sizeof *a), *b = calloc(n, sizeof *b);
    pair *p = malloc(n * sizeof *p);
    int rc = cls && clu && a && b && p ? 0 : aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (!rc) {
        out->classes = densify(truth, n, cls, p);
        out->clusters = densify(pred, n, clu, p);
        out->noise_reduction = (double)n / (double)out->clusters;
        for (size_t i = 0; i < n; i++) {
            a[cls[i]]++;
            b[clu[i]]++;
            p[i] = (pair){cls[i], clu[i]};
        }
        qsort(p, n, sizeof *p, cmp_pair);
        sums s = {0};
        for (size_t i = 0; i < n; i++) {
            s.same_class += choose2((double)a[i]);
            s.same_cluster += choose2((double)b[i]);
        }
        cell_sums(p, n, a, b, &s);
        finish(out, &s, entropy(a, out->classes, (double)n), entropy(b, out->clusters, (double)n),
               (double)n);
    }
    free(cls);
    free(clu);
    free(a);
    free(b);
    free(p);
    return rc;
}
