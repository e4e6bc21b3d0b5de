/* stats.c - order statistics and the normal quantile: the models read
 * robust scales and band widths off their residuals (seasonal,
 * holtwinters, sarima) and the spacing off their timestamps, the scorers
 * quantiles of delays and lead times.
 * No allocation; callers own the arrays. */
#include <math.h>
#include <stddef.h>

#include "common/stats.h"

static void swapd(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

double aiops_select_kth(double *a, size_t n, size_t k)
{
    size_t l = 0, r = n - 1;
    while (l < r) {
        size_t mid = l + (r - l) / 2;      /* median of three: sorted runs stay linear */
        if (a[mid] < a[l])
            swapd(&a[mid], &a[l]);
        if (a[r] < a[l])
            swapd(&a[r], &a[l]);
        if (a[r] < a[mid])
            swapd(&a[r], &a[mid]);
        double piv = a[mid];
        size_t i = l, j = r;
        while (i <= j) {
            while (a[i] < piv)
                i++;
            while (a[j] > piv)
                j--;
            if (i <= j) {
                swapd(&a[i], &a[j]);
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            r = j;
        else if (k >= i)
            l = i;
        else
            return a[k];
    }
    return a[k];
}

double aiops_quantile(double *a, size_t n, double q)
{
    if (n == 0)
        return NAN;
    double pos = q * (double)(n - 1);
    size_t k = (size_t)pos;
    if (k >= n - 1)
        return aiops_select_kth(a, n, n - 1);
    double lo = aiops_select_kth(a, n, k), hi = a[k + 1];
    for (size_t i = k + 2; i < n; i++)   /* after selection a[k+1..] >= lo */
        if (a[i] < hi)
            hi = a[i];
    return lo + (pos - (double)k) * (hi - lo);
}

double aiops_median_spacing(const double *t, size_t n, double *scratch)
{
    size_t ng = 0;
    for (size_t i = 1; i < n; i++)
        if (t[i] > t[i - 1])
            scratch[ng++] = t[i] - t[i - 1];
    return ng ? aiops_quantile(scratch, ng, 0.5) : 0;
}

double aiops_norm_quantile(double p)
{
    double lo = -40, hi = 40;
    for (int i = 0; i < 200 && hi - lo > 1e-13; i++) {
        double mid = 0.5 * (lo + hi);
        if (0.5 * erfc(-mid / sqrt(2.0)) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

int64_t aiops_window_of(double t, double w)
{
    const int64_t lim = INT64_C(1) << 62;     /* room for a neighbour's +-1 */
    double q = floor(t / w);
    return q >= (double)lim ? lim : q <= -(double)lim || q != q ? -lim : (int64_t)q;
}
