/* calib.h - a calibrated anomaly score for any model's band: the tail
 * probability of the point's standardised residual under an online,
 * robust, distribution-free estimate of the residual distribution, then
 * a short-window likelihood step.
 *
 *   z = (v - expected) / half-width of the band on v's side
 *
 * |z| is learned into a histogram of log|z| (AIOPS_CALIB_BINS bins over
 * 1e-3 .. 1e3, under- and overflow) whose counts decay with a memory of
 * AIOPS_CALIB_MEMORY points, so the distribution follows a noise level
 * that drifts, and needs no shape (Gaussian, Student-t, zero-inflated:
 * the histogram is the distribution).  The point's tail probability
 * p1 = P(|Z| >= |z|) interpolates inside its bin (log-uniform); beyond the
 * last AIOPS_CALIB_TAIL effective points it extrapolates a Pareto tail
 * whose index is the Hill estimate over the top 10% of the mass, so a
 * point beyond everything seen still gets a small, finite p1.
 *
 * The likelihood step: Fisher's combination of the last AIOPS_CALIB_SHORT
 * point p-values, S = sum -ln p1, whose null law is Gamma(W, 1): pW =
 * P(Gamma(W) >= S).  A spike moves p1, a sustained moderate shift moves
 * pW.  The score is 1 - min(1, 2 min(p1, pW)) (Bonferroni over the two
 * windows), so under the null P(score >= P) <= 1 - P, and about that.
 *
 * Memory: a fixed struct per detector; no allocation.  The table of tail
 * sums is rebuilt every AIOPS_CALIB_REBUILD points, so a step costs O(1)
 * plus O(BINS / REBUILD). */
#ifndef AIOPS_CALIB_H
#define AIOPS_CALIB_H

#include <stdint.h>

#define AIOPS_CALIB_BINS 50
#define AIOPS_CALIB_MEMORY 2000.0
#define AIOPS_CALIB_SHORT 8
#define AIOPS_CALIB_MIN 30       /* residuals learned before any score */
#define AIOPS_CALIB_TAIL 10.0    /* effective points: below this, extrapolate */
#define AIOPS_CALIB_REBUILD 16

typedef struct aiops_calib {
    double h[AIOPS_CALIB_BINS];    /* decayed weights of |z| by bin */
    double tail[AIOPS_CALIB_BINS]; /* cached: weight of bins > i (normalised to tot) */
    double tot;                    /* cached total weight */
    double w;                      /* weight of the next point (grows; renormalised) */
    double anchor, anchor_p, hill; /* cached Pareto tail: P(>x) = anchor_p (anchor/x)^hill */
    double win[AIOPS_CALIB_SHORT]; /* -ln p1 of the last points (ring) */
    double wsum;
    uint32_t wi, wn;
    uint32_t n, since;             /* residuals learned; since the last rebuild */
} aiops_calib;

void aiops_calib_init(aiops_calib *c);

/* z of v against the band (expected, lower, upper): signed, in
 * half-widths; NaN when there is no finite band (nothing to judge), +-Inf
 * when the band has zero width and v is off it. */
double aiops_calib_z(double v, double expected, double lower, double upper);

/* P(|Z| >= |z|) under the learned distribution; 1 before AIOPS_CALIB_MIN
 * residuals or for a NaN z. */
double aiops_calib_tail(const aiops_calib *c, double z);

/* Judge a point: the calibrated score in [0, 1] (0 for a NaN z or while
 * warming up) and, if p1 is not NULL, its point tail probability.  Moves
 * the short window; does not learn z (aiops_calib_learn does). */
double aiops_calib_score(aiops_calib *c, double z, double *p1);

/* Learn |z| into the residual distribution (NaN: ignored). */
void aiops_calib_learn(aiops_calib *c, double z);

/* Forget the short window (after the model re-learned a new level). */
void aiops_calib_reset_window(aiops_calib *c);

/* P(Gamma(k, 1) >= s) for an integer k >= 1. */
double aiops_gamma_sf_int(unsigned k, double s);

#endif
