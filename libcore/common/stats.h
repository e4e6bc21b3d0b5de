/* stats.h - order statistics and the normal quantile (stats.c), for the
 * models and the scorers.  The arrays are the caller's; functions that
 * select reorder them. */
#ifndef AIOPS_STATS_H
#define AIOPS_STATS_H

#include <stddef.h>
#include <stdint.h>

/* The k-th smallest (0-based, k < n) of a[0..n), n > 0; reorders a
 * (Hoare selection, median-of-three pivots: expected linear time). */
double aiops_select_kth(double *a, size_t n, size_t k);

/* floor(t / w) as a window number, clamped to +-2^62 so that a
 * neighbour's number (k + 1) is still defined (a time read from hostile
 * input may be 1e300; NaN gives -2^62). */
int64_t aiops_window_of(double t, double w);

/* q-quantile (0..1) of a[0..n) with linear interpolation between order
 * statistics (numpy's default / Hyndman-Fan type 7); reorders a.  NaN
 * when n == 0. */
double aiops_quantile(double *a, size_t n, double q);

/* Median of the positive gaps between consecutive times t[0..n) (the
 * spacing of a series with holes or repeated stamps): type 7 as above, 0
 * when there is no positive gap.  scratch: at least n - 1 values, the
 * caller's. */
double aiops_median_spacing(const double *t, size_t n, double *scratch);

/* x with P(N(0,1) <= x) = p, by bisection on erfc (for a fit, not per
 * point). */
double aiops_norm_quantile(double p);

#endif
