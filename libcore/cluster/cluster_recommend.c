/* cluster_recommend.c - --recommend: the gaps between consecutive alerts of
 * a history, split into within-storm and between-storm gaps by Otsu's
 * threshold on log(gap) (the split that best separates the two modes), and
 * the settings that would have grouped its storms: close_after at the
 * split, time_scale and group_wait from the within-storm gaps. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/cluster_impl.h"
#include "common/stats.h"

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int aiops_cluster_recommend(aiops_cluster *c, json_t **out, aiops_err *err)
{
    size_t n = 0;
    double *g = malloc((c->ngaps ? c->ngaps : 1) * sizeof *g);
    if (!g)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < c->ngaps; i++)
        if (c->gaps[i] > 0)
            g[n++] = c->gaps[i];
    qsort(g, n, sizeof *g, cmp_d);
    json_t *o = json_object();
    json_object_set_new(o, "gaps", json_integer((json_int_t)n));
    if (n < 2) {
        json_object_set_new(o, "note", json_string("fewer than 2 gaps between alerts: nothing to recommend"));
        free(g);
        *out = o;
        return 0;
    }
    json_t *q = json_object();
    static const double qs[] = {0.5, 0.75, 0.9, 0.95, 0.99};
    static const char *const qn[] = {"p50", "p75", "p90", "p95", "p99"};
    for (size_t i = 0; i < 5; i++)
        json_object_set_new(q, qn[i], json_real(g[(size_t)(qs[i] * (double)(n - 1))]));
    json_object_set_new(o, "gap_quantiles", q);
    /* Otsu on log gaps: the split maximising the between-class variance */
    double tot = 0, best = -1, split = g[n - 1];
    size_t bk = n;
    for (size_t i = 0; i < n; i++)
        tot += log(g[i]);
    double left = 0;
    for (size_t k = 1; k < n; k++) {
        left += log(g[k - 1]);
        if (g[k] == g[k - 1])
            continue;
        double w0 = (double)k / (double)n, w1 = 1 - w0;
        double m0 = left / (double)k, m1 = (tot - left) / (double)(n - k);
        double v = w0 * w1 * (m0 - m1) * (m0 - m1);
        if (v > best) {
            best = v;
            split = sqrt(g[k - 1] * g[k]);
            bk = k;
        }
    }
    size_t storms = 1 + (n - bk);
    double within = g[(size_t)(0.95 * (double)(bk - 1))];
    json_object_set_new(o, "split", json_real(split));
    json_object_set_new(o, "storms", json_integer((json_int_t)storms));
    json_object_set_new(o, "within_storm_p95", json_real(within));
    json_t *rec = json_object();
    json_object_set_new(rec, "close_after", json_real(ceil(split)));
    json_object_set_new(rec, "time_scale", json_real(ceil(2 * within > 60 ? 2 * within : 60)));
    json_object_set_new(rec, "group_wait", json_real(ceil(within < 30 ? 30 : within)));
    json_object_set_new(rec, "group_interval", json_real(ceil(split / 2 > 60 ? split / 2 : 60)));
    json_object_set_new(o, "recommend", rec);
    json_object_set_new(o, "why", json_string(
        "gaps below split are within a storm (Otsu threshold on log gap); an incident closes after "
        "the split, the time part saturates at twice the 95th percentile of within-storm gaps"));
    free(g);
    *out = o;
    return 0;
}
