/* rca_explain.c - one incident: each service's features around onset
 * (robust z of its series against the baseline before, onset, profile,
 * logs, change events), the ranking, and the rca record with evidence. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rca/rca_impl.h"
#include "common/array.h"
#include "common/hash.h"
#include "common/map.h"
#include "common/stats.h"

#define NBINS 16

/* What the strongest series of a service showed. */
typedef struct rc_best {
    const rc_series *s;
    double z, peak_v, peak_t, base;
} rc_best;

typedef struct rc_feat {
    aiops_rca_svc *sv;
    double *prof;            /* nodes x NBINS */
    rc_best *best, *blog;
    const rc_event **chg;
    size_t n;
} rc_feat;


/* The smallest change that is not noise for a series of this kind. */
static double abs_floor(const rc_series *s, double med)
{
    switch (s->kind) {
    case RC_ERR:
        return fabs(med) > 1 ? 0.5 : 0.005;   /* percent or ratio */
    case RC_LOG:
        return 1;
    case RC_LAT:
        return 1e-3;
    default:
        return 1e-9;
    }
}

static void fmt_hm(double t, char *buf, size_t n)
{
    double f = floor(t);       /* a hostile time may be 1e300: no such clock */
    time_t tt = f > -1e15 && f < 1e15 ? (time_t)f : 0;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, n, "%H:%M", &tm);
}

static void fmt_v(double v, char *buf, size_t n)
{
    snprintf(buf, n, "%.3g", v);
}

/* A series' baseline [a0 - baseline, a0): median and scale (robust z =
 * deviation / scale; with tail, at least a third of how far its top 1 %
 * reaches); 0, or -1 with fewer than 3 points.  scratch: s->n. */
static int series_base(const aiops_rca *r, const rc_series *s, double a0, int tail_floor, double *scratch,
                       double *pmed, double *pscale)
{
    double b0 = a0 - r->o.baseline;
    size_t nb = 0;
    for (size_t i = 0; i < s->n; i++) {
        size_t k = (s->head + i) % s->cap;
        if (s->t[k] >= b0 && s->t[k] < a0)
            scratch[nb++] = s->v[k];
    }
    double med = 0, scale = 1;
    {
        if (nb < 3)
            return -1;
        med = aiops_quantile(scratch, nb, 0.5);
        /* heavy tails: what the baseline's own top 1 % reaches is not news
         * (for a normal baseline this is 0.78 sigma, below the MAD term) */
        double tail = tail_floor ? (aiops_quantile(scratch, nb, 0.99) - med) / 3 : 0;
        for (size_t i = 0; i < nb; i++)
            scratch[i] = fabs(scratch[i] - med);
        double mad = aiops_quantile(scratch, nb, 0.5);
        double rel = s->kind == RC_RES || s->kind == RC_UP ? 0.005 : 0.02;
        scale = fmax(fmax(fmax(1.4826 * mad, tail), rel * fabs(med)), abs_floor(s, med));
        if (s->count_win > 0)   /* counts: Poisson noise of the median count, and one count */
            scale = fmax(scale, (sqrt(fabs(med) * s->count_win) + 1) / s->count_win);
    }
    *pmed = med;
    *pscale = scale;
    return 0;
}

/* The deviation of x from ref in the bad direction of s, >= 0. */
static double bad_dev(const rc_series *s, double x, double ref)
{
    double d = s->dir > 0 ? x - ref : s->dir < 0 ? ref - x : fabs(x - ref);
    return d > 0 ? d : 0;
}

/* Ties between series (the evidence shown) go by name, then pod: not by
 * the order the series first came in. */
static int series_before(const rc_series *a, const rc_series *b)
{
    int c = strcmp(a->name, b->name);
    if (!c)
        c = strcmp(a->pod ? a->pod : "", b->pod ? b->pod : "");
    return c < 0;
}

/* Features of one series for [a0, a1] against its baseline before; its
 * robust z times fam (the calibration of its metric family). */
static int series_feat(const aiops_rca *r, const rc_series *s, double a0, double a1, double fam,
                       double *scratch, rc_feat *f)
{
    double med = 0, scale = 1;
    if (s->kind != RC_FIT && s->kind != RC_PEER && series_base(r, s, a0, 1, scratch, &med, &scale))
        return 0;
    scale /= fam;
    double w = s->weight;
    double prev_z = NAN, prev_t = NAN, peak = 0, onset = NAN, pv = NAN, pt = NAN, up = 0, prev_up = NAN;
    /* the same time a day before: kept when the series goes back that far */
    int daily = r->o.daily && s->kind != RC_FIT && s->kind != RC_PEER && s->n && s->t[s->head] <= a1 - RC_DAY;
    size_t dj = 0;
    for (size_t i = 0; i < s->n; i++) {
        size_t k = (s->head + i) % s->cap;
        double t = s->t[k], x = s->v[k];
        if (t < a0 || t > a1)
            continue;
        double z, zu = 0;
        if (s->kind == RC_FIT)
            z = x >= 1 ? INFINITY : x > 0 ? 2 * r->o.z_anomalous * x / (1 - x) : 0;   /* squash^-1 */
        else if (s->kind == RC_PEER)
            z = x > 0 ? x : 0;
        else {
            double ref = med;
            if (daily) {   /* nearest point to t - 1 day (points come in time order) */
                double want = t - RC_DAY;
                while (dj + 1 < s->n && s->t[(s->head + dj + 1) % s->cap] <= want)
                    dj++;
                size_t d0 = (s->head + dj) % s->cap, d1 = (s->head + dj + 1) % s->cap;
                size_t dk = dj + 1 < s->n && fabs(s->t[d1] - want) < fabs(s->t[d0] - want) ? d1 : d0;
                if (fabs(s->t[dk] - want) <= 2 * (r->o.window > 300 ? r->o.window : 300)) {
                    /* the smaller deviation of the two references */
                    double y = s->v[dk];
                    double dm = s->dir > 0 ? x - med : s->dir < 0 ? med - x : fabs(x - med);
                    double dy = s->dir > 0 ? x - y : s->dir < 0 ? y - x : fabs(x - y);
                    if (dy < dm)
                        ref = y;
                }
            }
            z = bad_dev(s, x, ref) / scale;
            zu = x > ref ? (x - ref) / scale : 0;
        }
        if (s->kind == RC_TRAFFIC) {   /* rises only: a surge */
            double zs_up = isnan(prev_up) ? zu / 2 : fmin(zu, prev_up);
            up = zs_up > up ? zs_up : up;
            prev_up = zu;
        }
        /* sustained: two points in a row (one point alone counts half) */
        double zs = isnan(prev_z) ? z / 2 : fmin(z, prev_z);
        if (zs > peak) {
            peak = zs;
            pv = x;
            pt = t;
        }
        if (isnan(onset) && zs >= r->o.z_anomalous)   /* the first of the two */
            onset = isnan(prev_z) ? t : prev_t;
        int b = (int)((t - a0) / (a1 - a0) * NBINS);
        b = b < 0 ? 0 : b >= NBINS ? NBINS - 1 : b;
        double a = w * aiops_rca_squash(&r->o, z);
        double *pb = &f->prof[(size_t)s->svc * NBINS + (size_t)b];
        if (s->kind != RC_LOG && a > *pb)
            *pb = a;
        prev_z = z;
        prev_t = t;
    }
    double a = w * aiops_rca_squash(&r->o, peak);
    aiops_rca_svc *sv = &f->sv[s->svc];
    rc_best *bb = s->kind == RC_LOG ? &f->blog[s->svc] : &f->best[s->svc];
    if (s->kind == RC_TRAFFIC && aiops_rca_squash(&r->o, up) > sv->surge)
        sv->surge = aiops_rca_squash(&r->o, up);
    if (s->kind == RC_LOG) {
        if (a > sv->log)
            sv->log = a;
    } else {
        if (a > sv->anomaly)
            sv->anomaly = a;
        if (!isnan(onset) && !(onset >= sv->onset))
            sv->onset = onset;
    }
    if (peak > 0 && (!bb->s || w * peak > bb->s->weight * bb->z ||
                     (w * peak == bb->s->weight * bb->z && series_before(s, bb->s))))
        *bb = (rc_best){.s = s, .z = peak, .peak_v = pv, .peak_t = pt, .base = med};
    return 0;
}

/* Metric families: the series of one name across services and pods
 * (PodClientLatencyP99 of every pod, span p90 latency of every service).
 * A series' own baseline sets its scale, with a floor from its own top
 * 1 % (a third of it); a short baseline or a quiet stretch of one pod
 * does not show how far the family wanders: a client latency quantile that
 * jumps to a 30 s timeout now and then in every pod.  The baseline points
 * of all series of a family, in robust z of their own series, pooled: when
 * their top 1 % reaches beyond RC_FAM_Z (where each series' own floor puts
 * its own top 1 %), the family's z count only that share.  Returns a
 * factor per series (1 for the series outside any family comparison), or
 * NULL (out of memory). */
#define RC_FAM_Z 5.0

typedef struct fam_z {
    uint32_t fam;
    double z;
} fam_z;

static int by_fam(const void *pa, const void *pb)
{
    const fam_z *a = pa, *b = pb;
    return a->fam != b->fam ? (a->fam < b->fam ? -1 : 1) : 0;
}

static double *family_calibration(const aiops_rca *r, double a0, double *scratch)
{
    double *fac = malloc((r->nser + 1) * sizeof *fac);
    uint32_t *of = malloc((r->nser + 1) * sizeof *of);
    aiops_map names = {0};
    fam_z *z = NULL;
    size_t nz = 0, zcap = 0, nfam = 0;
    int ok = fac && of;
    for (size_t i = 0; ok && i < r->nser; i++) {
        const rc_series *s = &r->ser[i];
        fac[i] = 1;
        of[i] = UINT32_MAX;
        double med, scale;
        if (s->kind == RC_FIT || s->kind == RC_PEER || series_base(r, s, a0, 0, scratch, &med, &scale))
            continue;
        uint64_t h = aiops_fnv1a(AIOPS_FNV_OFFSET, s->name, strlen(s->name));
        if (!aiops_map_get(&names, h, &of[i])) {
            of[i] = (uint32_t)nfam++;
            if (aiops_map_put(&names, h, of[i])) {
                ok = 0;
                break;
            }
        }
        for (size_t j = 0; j < s->n; j++) {
            size_t k = (s->head + j) % s->cap;
            if (s->t[k] < a0 - r->o.baseline || s->t[k] >= a0)
                continue;
            if (AIOPS_GROW(z, zcap, nz + 1)) {
                ok = 0;
                break;
            }
            z[nz++] = (fam_z){of[i], bad_dev(s, s->v[k], med) / scale};
        }
    }
    double *q = ok ? calloc(nfam + 1, sizeof *q) : NULL, *zz = ok ? malloc((nz + 1) * sizeof *zz) : NULL;
    ok = ok && q && zz;
    if (ok && nz) {
        qsort(z, nz, sizeof *z, by_fam);
        for (size_t a = 0, b; a < nz; a = b) {
            for (b = a; b < nz && z[b].fam == z[a].fam; b++)
                zz[b - a] = z[b].z;
            q[z[a].fam] = aiops_quantile(zz, b - a, 0.99);
        }
    }
    free(zz);
    for (size_t i = 0; ok && i < r->nser; i++)
        if (of[i] != UINT32_MAX && q[of[i]] > RC_FAM_Z)
            fac[i] = RC_FAM_Z / q[of[i]];
    free(q);
    free(z);
    free(of);
    aiops_map_free(&names);
    if (!ok) {
        free(fac);
        return NULL;
    }
    return fac;
}

static void feat_free(rc_feat *f)
{
    free(f->sv);
    free(f->prof);
    free(f->best);
    free(f->blog);
    free(f->chg);
}

static int features(aiops_rca *r, double t0, rc_feat *f)
{
    size_t n = aiops_graph_nodes(r->g);
    f->n = n;
    f->sv = calloc(n + 1, sizeof *f->sv);
    f->prof = calloc((n + 1) * NBINS, sizeof *f->prof);
    f->best = calloc(n + 1, sizeof *f->best);
    f->blog = calloc(n + 1, sizeof *f->blog);
    f->chg = calloc(n + 1, sizeof *f->chg);
    size_t maxn = 1;
    for (size_t i = 0; i < r->nser; i++)
        maxn = r->ser[i].n > maxn ? r->ser[i].n : maxn;
    double *scratch = malloc(maxn * sizeof *scratch);
    if (!f->sv || !f->prof || !f->best || !f->blog || !f->chg || !scratch) {
        free(scratch);
        return AIOPS_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        f->sv[i].onset = NAN;
        f->sv[i].profile = &f->prof[i * NBINS];
    }
    double a0 = t0 - rc_pre(r), a1 = t0 + rc_post(r);
    double *fam = family_calibration(r, a0, scratch);
    if (!fam) {
        free(scratch);
        return AIOPS_ENOMEM;
    }
    for (size_t i = 0; i < r->nser; i++)
        series_feat(r, &r->ser[i], a0, a1, fam[i], scratch, f);
    free(fam);
    free(scratch);
    for (size_t i = 0; i < r->ev_n; i++) {
        const rc_event *e = &r->ev[(r->ev_head + i) % r->ev_cap];
        if (e->t < t0 - r->o.change_window || e->t > t0 + rc_post(r) / 2 || e->svc >= n)
            continue;
        const rc_event *o = f->chg[e->svc];   /* ties: the later, then by text */
        if (e->weight > f->sv[e->svc].change ||
            (o && e->weight == o->weight && (e->t > o->t || (e->t == o->t && strcmp(e->text, o->text) < 0)))) {
            f->sv[e->svc].change = e->weight;
            f->chg[e->svc] = e;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- wait */

/* A call's wait: the time a client span (a caller span whose one child is
 * in another service) spends outside its callee's span: the request leg
 * (caller start to callee start: the network to the callee, its accept
 * queue and thread pool) or the response leg (callee end to caller end),
 * the longer of the two (graph.h: req_mean + resp_mean).  It counts for
 * the callee (a delay on the callee's network shows on the calls of every
 * caller into it, while the callee's own spans stay as fast as ever),
 * except the response leg's excess where the caller's other calls show
 * it too (rc_wait_flush: a CPU-starved caller).
 * Waits are compared across the services of one window, not with their
 * history: they are in the same unit everywhere (network time), and a
 * service whose history is short or has no traces at all (traces kept
 * only around incidents) still has peers.  Summed per span window here,
 * flushed as robust z (an RC_PEER series) when the window is complete. */

#define RC_WAIT_PEERS 3      /* fewer services with calls in a window: no comparison */
#define RC_WAIT_FLOOR 1e-3   /* s: a wait within a millisecond of the others' is none */
/* How the waits are estimated and shared.  The defaults were chosen by
 * leave-one-fault-type-out on Nezha and the simulator (docs/BENCHMARKS.md,
 * "session 2026-12-07"); bench/rca_wait_cv.sh builds the other variants
 * with -D to repeat that:
 *   RC_WAIT_SPLIT  what of a call's wait a slow caller can take: 0 the
 *                  response leg's excess (in the share below), 1 the whole
 *                  wait in that share, 2 the whole wait in that share but
 *                  at most the caller's own typical excess
 *   RC_WAIT_TRIM   1: an edge's wait in a window leaves out its slowest
 *                  call when it has two or more (one retransmitted packet,
 *                  ~1 s, is no shifted distribution)
 *   RC_WAIT_PRIOR  k: each service's wait is averaged with k calls at the
 *                  window's median wait (a service heard from once does not
 *                  outweigh one heard from six times) */
#ifndef RC_WAIT_SPLIT
#define RC_WAIT_SPLIT 0
#endif
#ifndef RC_WAIT_TRIM
#define RC_WAIT_TRIM 1
#endif
#ifndef RC_WAIT_PRIOR
#define RC_WAIT_PRIOR 1
#endif

/* One edge's client calls in the open span window. */
typedef struct rc_wedge {
    uint32_t from, to;
    uint64_t n;
    int64_t req, resp;           /* ns: request legs, response excesses */
} rc_wedge;

int rc_wait_add(aiops_rca *r, const aiops_graph_window *w)
{
    if (!w->wait_calls || !isfinite(w->req_mean) || !isfinite(w->resp_mean) || w->edge == UINT32_MAX)
        return 0;
    if (!isnan(r->wait_t) && w->start != r->wait_t && rc_wait_flush(r))
        return AIOPS_ENOMEM;
    const aiops_graph_edge *e = aiops_graph_edge_at(r->g, w->edge);
    if (!e || rc_sx_ensure(r, e->from) || rc_sx_ensure(r, e->to) || AIOPS_GROW(r->we, r->we_cap, r->nwe + 1))
        return AIOPS_ENOMEM;
    r->wait_t = w->start;
    rc_wedge we = {e->from, e->to, w->wait_calls, w->req_ns, w->resp_ns};
    if (RC_WAIT_TRIM && we.n >= 2) {   /* without the slowest call */
        we.n--;
        we.req -= w->top_req_ns;
        we.resp -= w->top_resp_ns;
    }
    r->we[r->nwe++] = we;
    return 0;
}

static double resp_of(const rc_wedge *e)
{
    return 1e-9 * (double)e->resp / (double)e->n;
}

static double wait_of(const rc_wedge *e)
{
    return 1e-9 * (double)(e->req + e->resp) / (double)e->n;
}

/* An edge by one of its ends, and its response excess. */
typedef struct rc_end {
    uint32_t node, i;
    double v;
} rc_end;

static int by_end(const void *pa, const void *pb)
{
    const rc_end *a = pa, *b = pb;
    if (a->node != b->node)
        return a->node < b->node ? -1 : 1;
    if (a->v != b->v)
        return a->v < b->v ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

/* For every edge: how far the median value (in k: the response excess on
 * the caller's side, the whole wait on the callee's) of the other edges of
 * its caller (side 0) or callee (side 1) lies above the window's typical
 * one (med); 0 when there is no other edge or it is within RC_WAIT_FLOOR.
 * k: scratch. */
static void side_excess(const aiops_rca *r, int side, int whole, double med, rc_end *k, double *out)
{
    size_t m = r->nwe;
    for (size_t i = 0; i < m; i++)
        k[i] = (rc_end){side ? r->we[i].to : r->we[i].from, (uint32_t)i,
                        whole ? wait_of(&r->we[i]) : resp_of(&r->we[i])};
    qsort(k, m, sizeof *k, by_end);
    for (size_t a = 0, b; a < m; a = b) {
        for (b = a + 1; b < m && k[b].node == k[a].node; b++)
            ;
        size_t n = b - a;
        for (size_t p = 0; p < n; p++) {
            double x = 0;
            if (n > 1) {   /* the median of the n - 1 others (sorted: skip p) */
                size_t lo = (n - 2) / 2, hi = (n - 1) / 2;
                x = (k[a + lo + (lo >= p)].v + k[a + hi + (hi >= p)].v) / 2 - med;
            }
            out[k[a + p].i] = x > RC_WAIT_FLOOR ? x : 0;
        }
    }
}

/* Whose is a response leg's excess?  The request leg is the callee's
 * (the network to it, its accept queue).  The response leg is the
 * network back and the caller's taking of the answer: a CPU-starved
 * caller is slow to take every answer, from every callee; a callee's
 * network delays the answers to every caller.  So the response excess of
 * edge C -> Y goes to C in the share a / (a + b), a = how far C's other
 * calls' response excess (median) lies above the window's typical one,
 * b = how far the whole wait of Y's other callers' calls lies above its
 * typical one; with no such evidence on C's side, to the callee (one
 * caller seeing a slow answer is the callee's network).  Each service's
 * wait is then the attributed ns over the calls they came from. */
int rc_wait_flush(aiops_rca *r)
{
    if (isnan(r->wait_t))
        return 0;
    size_t m = r->nwe;
    double *x = malloc((2 * (r->sx_cap + 1) + 3 * m + 1) * sizeof *x);
    rc_end *ix = malloc((m + 1) * sizeof *ix);
    int rc = x && ix ? 0 : AIOPS_ENOMEM;
    double *dev = x ? x + r->sx_cap + 1 : NULL, *sc = dev ? dev + r->sx_cap + 1 : NULL;
    double *ea = sc ? sc + m : NULL, *eb = ea ? ea + m : NULL;
    /* the attributed waits, ns (in integers: the same in any order) */
    for (size_t i = 0; i < r->sx_cap; i++) {
        r->sx[i].wait_in = 0;
        r->sx[i].n_in = 0;
    }
    if (!rc && m) {
        for (size_t i = 0; i < m; i++)
            sc[i] = resp_of(&r->we[i]);
        double med = aiops_quantile(sc, m, 0.5);
        side_excess(r, 0, RC_WAIT_SPLIT != 0, med, ix, ea);   /* the caller's other calls: slow to take answers */
        for (size_t i = 0; i < m; i++)
            sc[i] = wait_of(&r->we[i]);
        med = aiops_quantile(sc, m, 0.5);
        if (RC_WAIT_SPLIT != 0)
            side_excess(r, 0, 1, med, ix, ea);
        side_excess(r, 1, 1, med, ix, eb);   /* the callee's other callers: slow to reach or hear */
        for (size_t i = 0; i < m; i++) {
            const rc_wedge *e = &r->we[i];
            double f = ea[i] > 0 ? ea[i] / (ea[i] + eb[i]) : 0;
            int64_t to_caller = (int64_t)llround(f * (double)e->resp);
            if (RC_WAIT_SPLIT == 1)   /* the whole wait split */
                to_caller = (int64_t)llround(f * (double)(e->req + e->resp));
            else if (RC_WAIT_SPLIT == 2) {   /* the caller explains at most its typical excess */
                double ex = fmax(wait_of(e) - med, 0);
                to_caller = (int64_t)llround(f * fmin(ex, ea[i]) * 1e9 * (double)e->n);
                if (to_caller > e->req + e->resp)
                    to_caller = e->req + e->resp;
            }
            r->sx[e->to].wait_in += e->req + e->resp - to_caller;
            r->sx[e->to].n_in += e->n;
            if (to_caller > 0) {
                r->sx[e->from].wait_in += to_caller;
                r->sx[e->from].n_in += e->n;
            }
        }
    }
    size_t n = 0;
    for (size_t i = 0; !rc && i < r->sx_cap; i++)
        if (r->sx[i].n_in)
            x[n++] = 1e-9 * (double)r->sx[i].wait_in / (double)r->sx[i].n_in;
    if (RC_WAIT_PRIOR > 0 && n) {   /* k calls at the window's median wait added */
        memcpy(dev, x, n * sizeof *x);
        double md = aiops_quantile(dev, n, 0.5);
        n = 0;
        for (size_t i = 0; i < r->sx_cap; i++)
            if (r->sx[i].n_in) {
                r->sx[i].wait_in += (int64_t)llround(RC_WAIT_PRIOR * md * 1e9);
                r->sx[i].n_in += RC_WAIT_PRIOR;
                x[n++] = 1e-9 * (double)r->sx[i].wait_in / (double)r->sx[i].n_in;
            }
    }
    if (!rc && n >= RC_WAIT_PEERS) {
        memcpy(dev, x, n * sizeof *x);
        double med = aiops_quantile(dev, n, 0.5);
        for (size_t i = 0; i < n; i++)
            dev[i] = fabs(x[i] - med);
        double scale = fmax(fmax(1.4826 * aiops_quantile(dev, n, 0.5), 0.02 * fabs(med)), RC_WAIT_FLOOR);
        for (size_t i = 0; !rc && i < r->sx_cap; i++) {
            double v = r->sx[i].n_in ? 1e-9 * (double)r->sx[i].wait_in / (double)r->sx[i].n_in : 0;
            if (r->sx[i].n_in)
                rc = rc_syn_push(r, (uint32_t)i, RS_WAIT_IN, r->wait_t, v > med ? (v - med) / scale : 0);
        }
    }
    for (size_t i = 0; i < r->sx_cap; i++) {
        r->sx[i].wait_in = 0;
        r->sx[i].n_in = 0;
    }
    r->nwe = 0;
    r->wait_t = NAN;
    free(x);
    free(ix);
    return rc;
}

/* ------------------------------------------------------------ evidence */

static void ev_add(json_t *arr, aiops_buf *b)
{
    if (b->p && !b->oom)
        json_array_append_new(arr, json_string(b->p));
    b->n = 0;
    if (b->p)
        b->p[0] = 0;
}

static void ev_series(aiops_buf *b, const rc_best *x, int is_log)
{
    char v[32], base[32], hm[16];
    fmt_v(x->peak_v, v, sizeof v);
    fmt_v(x->base, base, sizeof base);
    fmt_hm(x->peak_t, hm, sizeof hm);
    if (x->s->kind == RC_FIT) {
        aiops_buf_printf(b, "%s %s at %s", x->s->name, v, hm);
        return;
    }
    if (x->s->kind == RC_PEER) {
        aiops_buf_printf(b, "%s longer than the other services' at %s (robust z %.0f)", x->s->name, hm,
                         fmin(x->z, 9999));
        return;
    }
    const char *verb = x->peak_v >= x->base ? "rose" : "fell";
    aiops_buf_printf(b, "%s%s%s %s to %s%s at %s (baseline %s, robust z %.0f)", x->s->name,
                     x->s->pod ? " on " : "", x->s->pod ? x->s->pod : "", verb, v,
                     is_log ? " per window" : "", hm, base, fmin(x->z, 9999));
}

/* The candidate's evidence, most telling first. */
static json_t *evidence(aiops_rca *r, const rc_feat *f, const aiops_rca_rank *rk, double thr, double t0)
{
    json_t *arr = json_array();
    aiops_buf b = {0};
    uint32_t v = rk->svc;
    const aiops_rca_svc *s = &f->sv[v];
    if (!arr)
        return NULL;
    if (f->best[v].s) {
        ev_series(&b, &f->best[v], 0);
        ev_add(arr, &b);
    }
    if (isfinite(s->onset) && s->anomaly >= thr) {
        char hm[16];
        fmt_hm(s->onset, hm, sizeof hm);
        aiops_buf_printf(&b, "anomalous from %s", hm);
        /* the latest anomalous caller: how far ahead of it */
        const uint32_t *ids;
        size_t n = aiops_graph_adj(r->g, v, 0, &ids);
        double lag = -INFINITY;
        const char *who = NULL;
        for (size_t k = 0; k < n; k++) {
            uint32_t u = aiops_graph_edge_at(r->g, ids[k])->from;
            if (f->sv[u].anomaly >= thr && isfinite(f->sv[u].onset) && f->sv[u].onset - s->onset > lag) {
                lag = f->sv[u].onset - s->onset;
                who = aiops_graph_node_at(r->g, u)->name;
            }
        }
        if (who && lag >= 60)
            aiops_buf_printf(&b, ", %.0f min before its caller %s", lag / 60, who);
        else if (who && lag > -60)
            aiops_buf_printf(&b, ", with its caller %s", who);
        else if (who)
            aiops_buf_printf(&b, ", %.0f min after its caller %s", -lag / 60, who);
        ev_add(arr, &b);
    }
    if (s->anomaly >= thr) {
        const uint32_t *ids;
        size_t n = aiops_graph_adj(r->g, v, 1, &ids), na = 0;
        const char *worst = NULL;
        double wa = 0;
        for (size_t k = 0; k < n; k++) {
            uint32_t c = aiops_graph_edge_at(r->g, ids[k])->to;
            if (c != v && f->sv[c].anomaly >= thr) {
                na++;
                if (f->sv[c].anomaly > wa) {
                    wa = f->sv[c].anomaly;
                    worst = aiops_graph_node_at(r->g, c)->name;
                }
            }
        }
        if (!aiops_graph_edges(r->g))
            aiops_buf_str(&b, "callers and callees unknown (no service graph: no span crossed "
                              "services, no graph file)");
        else if (!n)
            aiops_buf_str(&b, "calls no other service");
        else if (!na)
            aiops_buf_printf(&b, "none of its %zu callees is anomalous", n);
        else
            aiops_buf_printf(&b, "%zu of its %zu callees anomalous too (most: %s)", na, n, worst);
        ev_add(arr, &b);
    }
    if (r->o.method == AIOPS_RCA_DEFAULT && rk->walk > 0.05 && aiops_graph_edges(r->g)) {
        aiops_buf_printf(&b, "random walk %.2f of the best", rk->walk);
        const uint32_t *ids;
        size_t n = aiops_graph_adj(r->g, v, 0, &ids);
        double bc = 0;
        const char *who = NULL;
        for (size_t k = 0; k < n; k++) {
            uint32_t u = aiops_graph_edge_at(r->g, ids[k])->from;
            double c = rc_corr(f->sv[u].profile, s->profile, NBINS);
            if (u != v && f->sv[u].anomaly >= thr && c > bc) {
                bc = c;
                who = aiops_graph_node_at(r->g, u)->name;
            }
        }
        if (who)
            aiops_buf_printf(&b, " (caller %s's anomaly correlates %.2f)", who, bc);
        ev_add(arr, &b);
    }
    if (f->blog[v].s && s->log > 0.05) {
        ev_series(&b, &f->blog[v], 1);
        ev_add(arr, &b);
    }
    if (f->chg[v]) {
        char hm[16];
        fmt_hm(f->chg[v]->t, hm, sizeof hm);
        double d = t0 - f->chg[v]->t;
        aiops_buf_printf(&b, "%s at %s (%.0f min %s the start)", f->chg[v]->text, hm, fabs(d) / 60,
                         d >= 0 ? "before" : "after");
        ev_add(arr, &b);
    }
    aiops_buf_free(&b);
    return arr;
}

static double round4(double x)
{
    return round(x * 1e4) / 1e4;
}

int rc_rank_incident(aiops_rca *r, const rc_incident *inc, aiops_err *err)
{
    rc_feat f = {0};
    int rc = features(r, inc->start, &f);
    aiops_rca_rank *rk = rc ? NULL : calloc(f.n + 1, sizeof *rk);
    if (!rc && !rk)
        rc = AIOPS_ENOMEM;
    if (rc) {
        feat_free(&f);
        return aiops_err_set(err, rc, NULL, 0, "out of memory");
    }
    rc = aiops_rca_rank_services(r->g, &r->o, f.sv, NBINS, rk, err);
    double thr = aiops_rca_squash(&r->o, r->o.z_anomalous);
    static const char *const mname[] = {"default", "structural", "seed"};
    json_t *o = json_object(), *cands = json_array();
    for (size_t i = 0; !rc && o && cands && i < f.n && i < r->o.top; i++) {
        if (!(rk[i].score > 0))
            break;
        json_t *c = json_object();
        json_object_set_new(c, "service", json_string(aiops_graph_node_at(r->g, rk[i].svc)->name));
        json_object_set_new(c, "score", json_real(round4(rk[i].score)));
        json_object_set_new(c, "anomaly", json_real(round4(f.sv[rk[i].svc].anomaly)));
        const rc_best *bb = &f.best[rk[i].svc];
        if (bb->s && bb->s->pod)
            json_object_set_new(c, "pod", json_string(bb->s->pod));
        json_object_set_new(c, "evidence", evidence(r, &f, &rk[i], thr, inc->start));
        json_array_append_new(cands, c);
    }
    if (!rc && (!o || !cands))
        rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (!rc) {
        json_object_set_new(o, "type", json_string("rca"));
        json_object_set_new(o, "ts", json_real(r->now));
        json_object_set_new(o, "incident", json_string(inc->id));
        json_object_set_new(o, "start", json_real(inc->start));
        json_object_set_new(o, "method", json_string(mname[r->o.method]));
        json_object_set_new(o, "candidates", cands);
        cands = NULL;
        if (AIOPS_GROW(r->out, r->out_cap, r->nout + 1))
            rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        else {
            r->out[r->nout++] = (aiops_record){.type = AIOPS_R_RCA, .ts = r->now, .obj = o};
            o = NULL;
        }
    }
    json_decref(o);
    json_decref(cands);
    free(rk);
    feat_free(&f);
    return rc;
}
