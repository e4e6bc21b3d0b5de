/* model_likelihood.c - the default detector of aiops-fit: a robust level
 * whose residuals go through an anomaly-likelihood step at several time
 * scales, reported on rising edges.
 *
 * Per finite point v at time t, from the state before it (no look-ahead):
 *   r   = (v - level) / scale        level: a Huber-clipped EWMA (alpha);
 *                                    scale = 1.2533 * an EWMA of |v - level|
 *                                    (sigma for Gaussian noise)
 *   a   = log(1 + |r|)               the raw anomaly of the point
 *   a_S = mean of a over the last LIK_SHORT points (this one included)
 *   p1  = P(A   >= a)                a spike: one point far out
 *   pS  = P(A_S >= a_S)              a burst, a shift, a change of variance
 * each under a decaying histogram of its own past values (memory LIK_LONG
 * points; no shape assumed, so Gaussian, heavy-tailed and zero-inflated
 * noise alike; beyond the last LIK_TAILPTS effective points an exponential
 * tail in a, i.e. a Pareto tail in |r|, fitted to the top 10 % of the
 * mass).  Third, the range: once the series has been seen for one period,
 * a value outside the band and more than LIK_NOVEL_TOL of the range beyond
 * every value seen so far is novel, p_N = LIK_NOVEL_P exp(-excess / range).
 *   p = min(1, 2 min(p1, pS), p_N)   (Bonferroni over the two windows)
 *   likelihood = 1 - p, in [0, 1]: on noise, P(likelihood >= P) ~ 1 - P.
 * The score is the likelihood on rising edges: where it exceeds every
 * likelihood of the previous `window` (12 h; two blocks of window / 2, so
 * between window / 2 and window), 0 elsewhere.  So an event is reported
 * once, when it starts or grows, not again at every point it lasts; and
 * one threshold on the score (aiops-fit --threshold) decides for any
 * series.
 *
 * State that anomalies cannot poison: the level learns the residual
 * clipped to +-LIK_CLIP scales and the scale min(|d|, LIK_CLIP scales);
 * a point whose p is below LIK_POISON_P is learned into the histograms at
 * a tenth of the weight.  LIK_SHIFT clipped points in a row on one side
 * are a level shift: the level jumps to their mean and the short window
 * forgets them, so the detector re-learns instead of alarming for ever.
 * The first ceil(1 / alpha) points only learn level and scale (plain
 * averages), the next LIK_WARM fill the histograms: no score before.
 *
 * Memory: a fixed struct per series (about 1 KB); band/score/update are
 * O(1): a logarithm (log1p_fast), two table look-ups, an exp in the
 * tails, and a rebuild of the tail sums every LIK_REBUILD points. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "models/model.h"

#define LIK_DEFAULT_ALPHA AIOPS_LIK_DEFAULT_ALPHA    /* level and scale smoothing */
#define LIK_DEFAULT_K AIOPS_LIK_DEFAULT_K            /* band half-width, robust sigmas */
#define LIK_DEFAULT_WINDOW 43200.0    /* rising edges over 12 h */
#define LIK_SHORT 16              /* points of the short window */
#define LIK_LONG 1000.0           /* memory of the histograms, points */
#define LIK_CLIP 3.0              /* Huber clip of the level updates, scales */
#define LIK_SHIFT 8               /* clipped points on one side = a level shift */
#define LIK_WARM 24               /* histogram points before any score */
#define LIK_POISON_P 1e-3         /* learned at a tenth of the weight below */
#define LIK_NOVEL_TOL 0.05        /* novel: this much of the range beyond it */
#define LIK_NOVEL_P 1e-9
#define LIK_MAD_SIGMA 1.2533141373155   /* sigma / mean |x - mu|, Gaussian */

#define LIK_NB 96                /* histogram bins of a raw score, ... */
#define LIK_BW 0.125             /* ... this wide: a in [0, 12) and overflow */
#define LIK_REBUILD 64           /* tail sums rebuilt every this many points */
#define LIK_TAILPTS 10.0         /* fewer effective points beyond: extrapolate */
#define LIK_P_FLOOR 1e-15

/* A decaying histogram of one raw score (a or a_S): its upper tail
 * probability, empirical where at least LIK_TAILPTS effective points lie
 * beyond, else an exponential tail fitted to the top 10 % of the mass
 * (a Pareto tail of |r|, since a = log(1 + |r|)). */
typedef struct lik_hist {
    float h[LIK_NB + 1];         /* decayed weights by bin (last: overflow) */
    float above[LIK_NB + 1];     /* cached: weight of the bins above i */
    double tot, itot, w;         /* cached total, 1 / it; weight of the next point */
    double anchor, anchor_p, rate;   /* P(A > x) = anchor_p exp(-rate (x - anchor)) */
    unsigned since;
} lik_hist;

typedef struct lik {
    double alpha, k;
    double period;             /* seconds; novelty after one period */
    uint64_t warm;             /* points that only learn level and scale:
                                  ceil(1 / alpha), at least 2 */
    uint64_t n;                /* finite points learned */
    double level, dev;
    int side, run;             /* consecutive clipped points on one side */
    double runsum;             /* their sum */
    double ring[LIK_SHORT];    /* raw scores of the last points */
    double rsum;
    unsigned ri, rn;
    lik_hist h1, hs;           /* distributions of a and of a_S */
    uint64_t nl;               /* points in them */
    /* cache of the last score(): what update() of the same point learns */
    double ct, cv, ca, cp;
    double vmin, vmax;         /* range of the values learned */
    double t0;                 /* time of the first point */
    /* rising edges: the largest likelihood of the current block (since
     * bstart) and of the previous one, blocks of window / 2 */
    double window, bcur, bprev, bstart;
    double cl;                 /* cache: likelihood of the last score() */
} lik;

static void hist_init(lik_hist *h);
static double lik_likelihood(lik *m, double t, double v);

static double lik_scale(const lik *m)
{
    double s = LIK_MAD_SIGMA * m->dev, fl = 1e-9 * (fabs(m->level) > 1 ? fabs(m->level) : 1);
    return s > fl ? s : fl;
}

/* log(1 + x) for x >= 0 within 1e-6, for binning (a third of libm's
 * time): log2 of the exponent plus log(m), m in [sqrt(1/2), sqrt(2)),
 * by the series of atanh((m - 1) / (m + 1)).  NaN and +Inf pass. */
static double log1p_fast(double x)
{
    double y = 1 + x;
    if (!(y < 1e300))
        return y;
    uint64_t b;
    memcpy(&b, &y, sizeof b);
    int e = (int)(b >> 52) - 1023;    /* y >= 1: normal, positive */
    b = (b & 0x000FFFFFFFFFFFFFULL) | 0x3FF0000000000000ULL;
    double m;                         /* y = m 2^e, m in [1, 2) */
    memcpy(&m, &b, sizeof m);
    if (m > 1.4142135623730951) {
        m *= 0.5;
        e++;
    }
    double u = (m - 1) / (m + 1), u2 = u * u;
    double s = u * (2 + u2 * (2.0 / 3 + u2 * (2.0 / 5 + u2 * (2.0 / 7 + u2 * (2.0 / 9)))));
    return e * 0.6931471805599453 + s;
}

static double raw_of(const lik *m, double v)
{
    return log1p_fast(fabs(v - m->level) / lik_scale(m));
}

static int check_params(double alpha, double k, double window, aiops_err *err)
{
    if (!(window >= 0) || isinf(window))
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "likelihood: expected a window >= 0 seconds, got %g", window);
    if (!(alpha > 0 && alpha <= 1))
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "likelihood: expected alpha in (0, 1], got %g", alpha);
    if (!(k > 0) || isinf(k))
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "likelihood: expected k > 0 (finite), got %g", k);
    return 0;
}

static void reset(lik *m)
{
    double alpha = m->alpha, k = m->k, period = m->period, window = m->window;
    memset(m, 0, sizeof *m);
    m->warm = (uint64_t)ceil(1.0 / alpha);
    if (m->warm < 2)
        m->warm = 2;
    m->alpha = alpha;
    m->k = k;
    m->period = period;
    m->window = window;
    m->ct = NAN;
    hist_init(&m->h1);
    hist_init(&m->hs);
}

static void *lik_create(const aiops_model_params *p, aiops_err *err)
{
    double alpha = isnan(p->alpha) ? LIK_DEFAULT_ALPHA : p->alpha;
    double k = isnan(p->k) ? LIK_DEFAULT_K : p->k;
    if (check_params(alpha, k, isnan(p->window) ? LIK_DEFAULT_WINDOW : p->window, err))
        return NULL;
    lik *m = calloc(1, sizeof *m);
    if (!m) {
        aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "likelihood: out of memory");
        return NULL;
    }
    m->alpha = alpha;
    m->k = k;
    m->period = isnan(p->period) || p->period <= 0 ? 86400 : p->period;
    m->window = isnan(p->window) ? LIK_DEFAULT_WINDOW : p->window;
    reset(m);
    return m;
}

static void lik_destroy(void *m)
{
    free(m);
}

/* The short window's mean with raw score a in place of the oldest one. */
static double short_mean(const lik *m, double a)
{
    if (m->rn < LIK_SHORT)
        return (m->rsum + a) / (m->rn + 1);
    return (m->rsum - m->ring[m->ri] + a) / LIK_SHORT;
}

static void hist_init(lik_hist *h)
{
    memset(h, 0, sizeof *h);
    h->w = 1;
}

static unsigned hist_bin(double a, double *frac)
{
    double x = a * (1.0 / LIK_BW);
    if (!(x < LIK_NB)) {
        *frac = 0.5;
        return LIK_NB;
    }
    unsigned i = (unsigned)x;
    *frac = x - i;
    return i;
}

/* Tail sums, and the exponential tail: from the lower edge of the first
 * bin a from which at most 10 % of the mass lies at or above (or the
 * highest bin with any mass), rate = 1 / the mean excess over that edge
 * (bin centres), so rate <= 2 / LIK_BW. */
static void hist_rebuild(lik_hist *h)
{
    double tot = 0, s = 0;
    for (unsigned i = LIK_NB + 1; i-- > 0;) {
        h->above[i] = (float)tot;
        tot += h->h[i];
    }
    h->tot = tot;
    h->itot = tot > 0 ? 1 / tot : 0;
    h->since = 0;
    h->anchor_p = h->rate = 0;
    if (!(tot > 0))
        return;
    unsigned a = 0;
    while (a < LIK_NB && h->above[a] + h->h[a] > 0.1 * tot)
        a++;
    while (a > 0 && !(h->above[a] + h->h[a] > 0))
        a--;
    double x0 = a * LIK_BW, m = h->above[a] + h->h[a];
    for (unsigned j = a; j <= LIK_NB; j++)
        s += h->h[j] * ((j + 0.5) * LIK_BW - x0);
    if (!(s > 0) || !(m > 0))
        return;
    h->anchor = x0;
    h->anchor_p = m / tot;
    h->rate = m / s;    /* 1 / mean excess */
}

static double hist_tail(const lik_hist *h, double a)
{
    if (!(h->tot > 0))
        return 1;
    double frac;
    unsigned i = hist_bin(a, &frac);
    double beyond = h->above[i] + (i < LIK_NB ? (1 - frac) * h->h[i] : 0);
    double p = beyond * h->itot;
    if (beyond < LIK_TAILPTS * h->w && h->rate > 0 && a > h->anchor)
        p = h->anchor_p * exp(-h->rate * (a - h->anchor));
    if (p > 1)
        p = 1;
    return p < LIK_P_FLOOR ? LIK_P_FLOOR : p;
}

/* Learn a with weight wt (1: a normal point). */
static void hist_learn(lik_hist *h, double a, double wt)
{
    double frac;
    h->h[hist_bin(a, &frac)] += (float)(wt * h->w);
    h->w *= 1.0 / (1.0 - 1.0 / LIK_LONG);
    if (h->w > 1e30) {
        for (unsigned i = 0; i <= LIK_NB; i++)
            h->h[i] = (float)(h->h[i] / h->w);
        h->w = 1;
        h->since = LIK_REBUILD;
    }
    if (++h->since >= LIK_REBUILD || h->tot < LIK_WARM * h->w)
        hist_rebuild(h);
}

static double lik_score(void *vm, double t, double v, double *likelihood)
{
    lik *m = vm;
    double l = lik_likelihood(m, t, v);
    m->cl = l;
    if (likelihood)
        *likelihood = l;
    double mx = m->bcur > m->bprev ? m->bcur : m->bprev;
    return l > mx ? l : 0;
}

static double lik_likelihood(lik *m, double t, double v)
{
    if (!isfinite(v) || m->n == 0)
        return 0;
    double a = raw_of(m, v);
    m->ct = t;
    m->cv = v;
    m->ca = a;
    if (m->nl < LIK_WARM)
        return 0;
    double p1 = hist_tail(&m->h1, a), ps = hist_tail(&m->hs, short_mean(m, a));
    double p = 2 * (p1 < ps ? p1 : ps);
    double range = m->vmax - m->vmin, tol = LIK_NOVEL_TOL * range;
    if (t - m->t0 >= m->period && (v > m->vmax + tol || v < m->vmin - tol) &&
        fabs(v - m->level) > m->k * lik_scale(m)) {
        double ex = (v > m->vmax ? v - m->vmax : m->vmin - v) / (range > 0 ? range : 1);
        double q = LIK_NOVEL_P * exp(-ex);
        if (q < p)
            p = q;
    }
    m->cp = p;
    return p >= 1 ? 0 : 1 - p;
}

static void lik_update(void *vm, double t, double v)
{
    lik *m = vm;
    if (!isfinite(v))
        return;
    if (m->n == 0 || v < m->vmin)
        m->vmin = v;
    if (m->n == 0 || v > m->vmax)
        m->vmax = v;
    if (m->n == 0) {
        m->t0 = m->bstart = t;
        m->level = v;
        m->dev = 0;
        m->n = 1;
        m->ct = NAN;
        return;
    }
    int cached = t == m->ct && v == m->cv;
    double l = cached ? m->cl : 0;
    if (!(t - m->bstart < m->window / 2)) {    /* the next block (a gap: both) */
        m->bprev = t - m->bstart < m->window ? m->bcur : 0;
        m->bcur = 0;
        m->bstart = t;
    }
    if (l > m->bcur)
        m->bcur = l;
    double a = cached ? m->ca : raw_of(m, v);
    /* an anomalous point (p < LIK_POISON_P) is learned at a tenth of the
     * weight: anomalies cannot widen the distributions */
    double p = cached && m->nl >= LIK_WARM ? m->cp : 1;
    double wt = p < LIK_POISON_P ? 0.1 : 1;
    m->ct = NAN;
    double sc = lik_scale(m), d = v - m->level, lim = LIK_CLIP * sc;
    int warm = m->n >= m->warm;
    if (warm) {    /* before, the scale is not known yet */
        double as = short_mean(m, a);
        hist_learn(&m->h1, a, wt);
        hist_learn(&m->hs, as, wt);
        m->nl++;
        if (m->rn == LIK_SHORT)
            m->rsum -= m->ring[m->ri];
        else
            m->rn++;
        m->ring[m->ri] = a;
        m->rsum += a;
        m->ri = (m->ri + 1) % LIK_SHORT;
    }
    /* the level: Huber-clipped once warm; a run on one side is a shift */
    if (warm && fabs(d) > lim && m->dev > 0) {
        int side = d > 0 ? 1 : -1;
        if (side != m->side) {
            m->side = side;
            m->run = 0;
            m->runsum = 0;
        }
        m->run++;
        m->runsum += v;
        if (m->run >= LIK_SHIFT) {
            m->level = m->runsum / m->run;
            m->run = 0;
            m->runsum = 0;
            m->side = 0;
            /* the short window forgets the shift */
            m->rn = 0;
            m->rsum = 0;
            m->ri = 0;
            m->n++;
            return;
        }
        d = side * lim;
    } else {
        m->run = 0;
        m->runsum = 0;
        m->side = 0;
    }
    /* plain averages while warming up, then the exponential weights */
    double al = warm ? m->alpha : 1.0 / (double)(m->n + 1);
    m->level += al * d;
    m->dev += al * (fabs(d) - m->dev);
    m->n++;
}

static int lik_fit(void *vm, const double *ts, const double *v, size_t n, aiops_err *err)
{
    lik *m = vm;
    (void)err;
    reset(m);
    for (size_t i = 0; i < n; i++)
        lik_update(m, ts[i], v[i]);
    return 0;
}

static void lik_band(void *vm, double t, aiops_band *out)
{
    const lik *m = vm;
    (void)t;
    if (m->n < m->warm) {
        out->expected = m->n ? m->level : NAN;
        out->lower = -INFINITY;
        out->upper = INFINITY;
        return;
    }
    double h = m->k * lik_scale(m);
    out->expected = m->level;
    out->lower = m->level - h;
    out->upper = m->level + h;
}

/* ------------------------------------------------------------ save/load */

/* The real-valued state, in this order, as "state.x". */
#define LIK_NX 9

static void state_x(const lik *m, double *x)
{
    double v[LIK_NX] = {m->level, m->dev, m->runsum, m->t0, m->vmin, m->vmax,
                        m->bcur, m->bprev, m->bstart};
    memcpy(x, v, sizeof v);
}

static json_t *lik_save(const void *vm)
{
    const lik *m = vm;
    json_t *j = json_object(), *par = json_object(), *st = json_object();
    int ok = j && par && st;
    aiops_mj_put(j, "model", json_string("likelihood"), &ok);
    aiops_mj_put(par, "alpha", aiops_mj_num(m->alpha), &ok);
    aiops_mj_put(par, "k", aiops_mj_num(m->k), &ok);
    aiops_mj_put(par, "period", aiops_mj_num(m->period), &ok);
    aiops_mj_put(par, "window", aiops_mj_num(m->window), &ok);
    aiops_mj_put(j, "params", par, &ok);
    double x[LIK_NX], ring[LIK_SHORT], hv[2][LIK_NB + 1];
    state_x(m, x);
    for (unsigned i = 0; i < m->rn; i++)    /* oldest first */
        ring[i] = m->ring[(m->ri + LIK_SHORT - m->rn + i) % LIK_SHORT];
    for (unsigned i = 0; i <= LIK_NB; i++) {
        hv[0][i] = m->h1.h[i] / m->h1.w;
        hv[1][i] = m->hs.h[i] / m->hs.w;
    }
    aiops_mj_put(st, "n", json_integer((json_int_t)m->n), &ok);
    aiops_mj_put(st, "nl", json_integer((json_int_t)m->nl), &ok);
    aiops_mj_put(st, "run", json_integer(m->side * m->run), &ok);
    aiops_mj_put(st, "since", json_integer(m->h1.since), &ok);
    aiops_mj_put(st, "x", aiops_mj_array(x, LIK_NX), &ok);
    aiops_mj_put(st, "short", aiops_mj_array(ring, m->rn), &ok);
    aiops_mj_put(st, "hist1", aiops_mj_array(hv[0], LIK_NB + 1), &ok);
    aiops_mj_put(st, "hists", aiops_mj_array(hv[1], LIK_NB + 1), &ok);
    aiops_mj_put(j, "state", st, &ok);
    if (!ok) {
        json_decref(j);
        return NULL;
    }
    return j;
}

/* The numbers of array a (n of them, or any number up to n with
 * upto) into x; 0, or -1 when a is not such an array of finite numbers. */
static int get_nums(const json_t *a, double *x, size_t n, int upto, size_t *got)
{
    if (!json_is_array(a) || json_array_size(a) > n || (!upto && json_array_size(a) != n))
        return -1;
    *got = json_array_size(a);
    for (size_t i = 0; i < *got; i++) {
        const json_t *e = json_array_get(a, i);
        x[i] = json_is_number(e) ? json_number_value(e) : NAN;
        if (!isfinite(x[i]))
            return -1;
    }
    return 0;
}

static int lik_load(void *vm, const json_t *j, aiops_err *err)
{
    lik *m = vm;
    const char *name = NULL;
    double alpha, k, period, window, x[LIK_NX], ring[LIK_SHORT], hv[2][LIK_NB + 1];
    json_int_t n, nl, run, since;
    json_t *jx, *jr, *jh[2];
    json_error_t je;
    size_t nr = 0, got;
    if (json_unpack_ex((json_t *)j, &je, 0,
                       "{s:s, s:{s:F, s:F, s:F, s:F}, s:{s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o}}",
                       "model", &name, "params", "alpha", &alpha, "k", &k, "period", &period,
                       "window", &window, "state", "n", &n, "nl", &nl, "run", &run, "since", &since,
                       "x", &jx,
                       "short", &jr, "hist1", &jh[0], "hists", &jh[1]))
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                             "likelihood state: expected {\"model\":\"likelihood\","
                             "\"params\":{alpha,k,period,window},\"state\":{n,nl,run,since,x,short,"
                             "hist1,hists}}: %s",
                             je.text);
    if (strcmp(name, "likelihood"))
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                             "likelihood state: expected model \"likelihood\", got \"%s\"", name);
    if (check_params(alpha, k, window, err))
        return AIOPS_EPARSE;
    int bad = !(period > 0) || isinf(period) || n < 0 || nl < 0 || run <= -LIK_SHIFT ||
              since < 0 || since >= LIK_REBUILD ||
              run >= LIK_SHIFT || get_nums(jx, x, LIK_NX, 0, &got) ||
              get_nums(jr, ring, LIK_SHORT, 1, &nr) ||
              get_nums(jh[0], hv[0], LIK_NB + 1, 0, &got) ||
              get_nums(jh[1], hv[1], LIK_NB + 1, 0, &got) || !(x[1] >= 0);
    for (unsigned i = 0; !bad && i <= LIK_NB; i++)
        bad = !(hv[0][i] >= 0 && hv[0][i] < 1e30 && hv[1][i] >= 0 && hv[1][i] < 1e30);
    if (bad)
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                             "likelihood state: expected period > 0, n, nl >= 0, |run| < %d, since < %d, "
                             "%d finite numbers in x (dev >= 0), at most %d in short, %d "
                             "weights in [0, 1e30) in hist1 and in hists",
                             LIK_SHIFT, LIK_REBUILD, LIK_NX, LIK_SHORT, LIK_NB + 1);
    m->alpha = alpha;
    m->k = k;
    m->period = period;
    m->window = window;
    reset(m);
    m->n = (uint64_t)n;
    m->nl = (uint64_t)nl;
    m->side = run > 0 ? 1 : run < 0 ? -1 : 0;
    m->run = (int)(run < 0 ? -run : run);
    m->level = x[0];
    m->dev = x[1];
    m->runsum = x[2];
    m->t0 = x[3];
    m->vmin = x[4];
    m->vmax = x[5];
    m->bcur = x[6];
    m->bprev = x[7];
    m->bstart = x[8];
    for (size_t i = 0; i < nr; i++) {
        m->ring[i] = ring[i];
        m->rsum += ring[i];
    }
    m->rn = (unsigned)nr;
    m->ri = (unsigned)(nr % LIK_SHORT);
    for (unsigned i = 0; i <= LIK_NB; i++) {
        m->h1.h[i] = (float)hv[0][i];
        m->hs.h[i] = (float)hv[1][i];
    }
    hist_rebuild(&m->h1);
    hist_rebuild(&m->hs);
    m->h1.since = m->hs.since = (unsigned)since;   /* the same refresh points */
    return 0;
}

const aiops_model_ops aiops_model_likelihood = {
    .name = "likelihood",
    .desc = "robust level + anomaly likelihood at two time scales, scores in [0, 1] (default)",
    .create = lik_create,
    .destroy = lik_destroy,
    .fit = lik_fit,
    .band = lik_band,
    .update = lik_update,
    .score = lik_score,
    .save = lik_save,
    .load = lik_load,
};
