/* calib.c - the calibrated anomaly score (calib.h). */
#include <math.h>
#include <string.h>

#include "models/calib.h"

#define LO_DEC (-3.0)   /* log10 of the lowest interior edge */
#define DECADES 6.0
#define NIN (AIOPS_CALIB_BINS - 2)   /* interior bins */
#define LAMBDA (1.0 / AIOPS_CALIB_MEMORY)
#define P_FLOOR 1e-12

void aiops_calib_init(aiops_calib *c)
{
    memset(c, 0, sizeof *c);
    c->w = 1;
}

double aiops_calib_z(double v, double expected, double lower, double upper)
{
    if (isnan(v) || !isfinite(expected) || !isfinite(lower) || !isfinite(upper))
        return NAN;
    double d = v - expected, half = d >= 0 ? upper - expected : expected - lower;
    if (d == 0)
        return 0;
    if (!(half > 0))
        return d > 0 ? INFINITY : -INFINITY;
    return d / half;
}

/* The bin of |z| and its position inside it (0 at the lower edge). */
static unsigned bin_of(double a, double *frac)
{
    *frac = 0.5;
    if (!(a >= 1e-3))
        return 0;
    if (!(a < 1e3))
        return AIOPS_CALIB_BINS - 1;
    double x = (log10(a) - LO_DEC) * (NIN / DECADES);
    unsigned i = (unsigned)x;
    if (i >= NIN)
        i = NIN - 1;
    *frac = x - i;
    return i + 1;
}

/* The upper edge of bin i (1 .. BINS-2) and the geometric centre. */
static double edge_hi(unsigned i)
{
    return pow(10, LO_DEC + i * (DECADES / NIN));
}

static double centre(unsigned i)
{
    if (i == 0)
        return 1e-3;
    if (i >= AIOPS_CALIB_BINS - 1)
        return 1e3 * pow(10, 0.5 * DECADES / NIN);
    return pow(10, LO_DEC + (i - 0.5) * (DECADES / NIN));
}

/* Tail sums and the Pareto tail over the top 10% of the mass. */
static void rebuild(aiops_calib *c)
{
    double tot = 0;
    for (unsigned i = 0; i < AIOPS_CALIB_BINS; i++)
        tot += c->h[i];
    c->tot = tot;
    double above = 0;
    for (unsigned i = AIOPS_CALIB_BINS; i-- > 0;) {
        c->tail[i] = tot > 0 ? above / tot : 0;
        above += c->h[i];
    }
    c->anchor = c->anchor_p = c->hill = 0;
    unsigned a = 0;
    while (a < AIOPS_CALIB_BINS - 1 && c->tail[a] > 0.1)
        a++;
    if (a == 0 || a >= AIOPS_CALIB_BINS - 1 || !(c->tail[a] > 0))
        return;
    double x0 = edge_hi(a), s = 0;
    for (unsigned j = a + 1; j < AIOPS_CALIB_BINS; j++)
        s += c->h[j] / tot * log(centre(j) / x0);
    if (!(s > 0))
        return;
    c->anchor = x0;
    c->anchor_p = c->tail[a];
    c->hill = c->anchor_p / s;
}

double aiops_calib_tail(const aiops_calib *c, double z)
{
    if (isnan(z) || c->n < AIOPS_CALIB_MIN || !(c->tot > 0))
        return 1;
    double a = fabs(z), frac;
    unsigned i = bin_of(a, &frac);
    double p = c->tail[i] + (1 - frac) * c->h[i] / c->tot;
    if (i == AIOPS_CALIB_BINS - 1)
        p = c->tail[i];
    if (p < AIOPS_CALIB_TAIL * c->w / c->tot && c->anchor_p > 0 && a > c->anchor) {
        double q = c->anchor_p * pow(c->anchor / a, c->hill);
        if (q < p || p < c->w / c->tot)
            p = q;
    }
    if (p > 1)
        p = 1;
    return p < P_FLOOR ? P_FLOOR : p;
}

double aiops_gamma_sf_int(unsigned k, double s)
{
    if (!(s > 0))
        return 1;
    double term = 1, sum = 1;
    for (unsigned i = 1; i < k; i++) {
        term *= s / i;
        sum += term;
    }
    double p = exp(-s) * sum;
    return p > 1 ? 1 : p;
}

double aiops_calib_score(aiops_calib *c, double z, double *p1out)
{
    double p1 = aiops_calib_tail(c, z);
    if (p1out)
        *p1out = p1;
    if (isnan(z) || c->n < AIOPS_CALIB_MIN)
        return 0;
    double e = -log(p1);
    if (c->wn == AIOPS_CALIB_SHORT)
        c->wsum -= c->win[c->wi];
    else
        c->wn++;
    c->win[c->wi] = e;
    c->wsum += e;
    c->wi = (c->wi + 1) % AIOPS_CALIB_SHORT;
    if (c->wsum < 0)
        c->wsum = 0;
    double pw = c->wn == AIOPS_CALIB_SHORT ? aiops_gamma_sf_int(AIOPS_CALIB_SHORT, c->wsum) : 1;
    double p = 2 * (p1 < pw ? p1 : pw);
    return p >= 1 ? 0 : 1 - p;
}

void aiops_calib_learn(aiops_calib *c, double z)
{
    if (isnan(z))
        return;
    double frac;
    c->h[bin_of(fabs(z), &frac)] += c->w;
    c->w /= 1 - LAMBDA;
    if (c->w > 1e100) {
        for (unsigned i = 0; i < AIOPS_CALIB_BINS; i++)
            c->h[i] /= c->w;
        c->w = 1;
        c->since = AIOPS_CALIB_REBUILD;   /* cached tot is stale */
    }
    c->n++;
    if (++c->since >= AIOPS_CALIB_REBUILD || c->n <= AIOPS_CALIB_MIN) {
        c->since = 0;
        rebuild(c);
    }
}

void aiops_calib_reset_window(aiops_calib *c)
{
    c->wn = c->wi = 0;
    c->wsum = 0;
}
