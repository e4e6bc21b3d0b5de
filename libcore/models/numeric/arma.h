/* arma.h - the numerics of seasonal ARMA models, apart from any model's
 * data handling so they can be tested against textbook answers on their
 * own (tests/unit/test_arma.c).  Used by model_sarima.c; not part of the
 * public API (aiops.h).
 *
 * arma.c         the factor polynomials: products, dense form,
 *                stationarity and invertibility, the conditional sum of
 *                squares.
 * arma_kalman.c  the exact Gaussian likelihood: autocovariances, the
 *                Kalman filter's gain in Chandrasekhar form (which
 *                model_sarima.c also runs to score), the likelihood as a
 *                sum of squares.
 * arma_diff.c    how much to difference: the KPSS statistic, the strength
 *                of seasonality, differencing.
 *
 * The model: phi(B) Phi(B^s) x_t = theta(B) Theta(B^s) e_t, with
 * phi(B) = 1 - phi_1 B - ... - phi_p B^p and theta(B) = 1 + theta_1 B +
 * ... + theta_q B^q, each factor of order <= AIOPS_ARMA_MAX_ORD (so the
 * checks are in closed form), x_t = w_t - mu.  A coefficient vector x
 * holds (phi_1..p, theta_1..q, Phi_1..P, Theta_1..Q[, mu]).  Everything
 * works in memory the caller owns, except an aiops_arma_ml's buffers
 * (aiops_arma_ml_init / _free). */
#ifndef AIOPS_ARMA_H
#define AIOPS_ARMA_H

#include <stddef.h>

#define AIOPS_ARMA_MAX_ORD 2                         /* p, q, P, Q at most */
#define AIOPS_ARMA_MAX_NP (4 * AIOPS_ARMA_MAX_ORD + 1) /* coefficients + mean */
#define AIOPS_ARMA_MAX_TERMS ((AIOPS_ARMA_MAX_ORD + 1) * (AIOPS_ARMA_MAX_ORD + 1))
#define AIOPS_ARMA_ROOT_LIM 0.999                    /* roots kept 0.1% inside the circle */
/* Scratch of aiops_arma_kg_init for state dimension r. */
#define AIOPS_ARMA_KG_SCRATCH(r) (7 * ((size_t)(r) + 1))

/* One term c B^lag of a polynomial in sparse form. */
typedef struct aiops_arma_term {
    int lag;
    double c;
} aiops_arma_term;

/* The orders of a model, its season s (lag of the seasonal factors) and
 * whether x ends with a mean. */
typedef struct aiops_arma_orders {
    int p, q, P, Q, s, mean;
} aiops_arma_orders;

/* ---------------------------------------------------------- arma.c */

/* 1 - c_1 B - ... - c_n B^n (n <= 2) has all roots outside the unit
 * circle, with the AIOPS_ARMA_ROOT_LIM margin. */
int aiops_arma_stationary(const double *c, int n);
/* 1 + t_1 B + ... + t_n B^n (n <= 2) likewise (invertible). */
int aiops_arma_invertible(const double *t, int n);
/* The largest inverse root modulus of 1 - c_1 B - ... - c_n B^n (n <= 2). */
double aiops_arma_max_inv_root(const double *c, int n);
/* x inside the stationary and invertible region (with the margin). */
int aiops_arma_admissible(const double *x, int p, int q, int P, int Q);
/* The same as an aiops_lsq region test; region: an aiops_arma_orders. */
int aiops_arma_inside(const void *region, const double *x);
/* No AR or MA root of x within 1.01 of the unit circle (auto.arima's
 * guard against near-unit roots; seasonal factors as polynomials in
 * B^s). */
int aiops_arma_roots_ok(const double *x, int p, int q, int P, int Q);
/* The products phi(B) Phi(B^s) = 1 - sum ar_k B^k and theta(B)
 * Theta(B^s) = 1 + sum ma_k B^k in sparse form (a lag may repeat; at most
 * AIOPS_ARMA_MAX_TERMS each), their counts into *nar, *nma. */
void aiops_arma_products(const double *phi, int p, const double *Phi, int P,
                         const double *theta, int q, const double *Theta, int Q, int s,
                         aiops_arma_term *ar, int *nar, aiops_arma_term *ma, int *nma);
/* The products in dense form, r >= both degrees: a[1..r] (a[0] = 0) and
 * mp[0..r] (mp[0] = 1), so x_t = sum a_j x_{t-j} + sum mp_j e_{t-j}. */
void aiops_arma_dense(const aiops_arma_term *ar, int nar, const aiops_arma_term *ma, int nma,
                      int r, double *a, double *mp);
/* The state dimension r = max(pa, qm + 1) of the orders, pa and qm the
 * degrees of the AR and MA products (into *pa, *qm). */
int aiops_arma_dim(const aiops_arma_orders *o, int *pa, int *qm);

/* The conditional sum of squares (CSS) on w[0..N-1]: innovations from
 * w[start] on (start >= p + sP, the largest AR lag), those before taken
 * as zero. */
typedef struct aiops_arma_css {
    const double *w;
    size_t N, start;
    size_t pad;                 /* >= q + sQ: e[t] is buf[pad + t] */
    aiops_arma_orders o;
} aiops_arma_css;
/* As an aiops_lsq objective: the residuals into buf (pad + N values, the
 * first pad + start zero), their sum of squares returned; +Inf outside
 * the region or when the recursion overflows.  cx: an aiops_arma_css. */
double aiops_arma_css_eval(void *cx, const double *x, double *buf);

/* --------------------------------------------------- arma_kalman.c */

/* Autocovariances g[0..n] of the AR process v_t = sum_{j=1}^{pa} a_j
 * v_{t-j} + e_t of unit innovation variance; -1 when it is not
 * stationary.  O(pa^2 + n pa).  scr: 3 (pa + 1) values. */
int aiops_arma_autocov(const double *a, int pa, double *g, int n, double *scr);

/* The exact (Kalman) filter of the ARMA part x_t = sum a_j x_{t-j} + sum
 * mp_j e_{t-j} for unit innovation variance, in Chandrasekhar form: what
 * it needs of the prediction covariance P_t, and the gain.  Harvey's
 * state space form, dimension r.  K and W point into the caller's memory
 * (aiops_arma_kg_place). */
typedef struct aiops_arma_kgain {
    int r, steady;              /* state dimension; 1 once P has converged */
    int quiet;                  /* steps in a row that hardly moved F */
    double F, M;                /* Var(one-step error) / sigma^2; P's update factor */
    double *K, *W;              /* r each: the gain T P_t Z' / F_t, the update direction */
    int na, alag[AIOPS_ARMA_MAX_TERMS]; /* the AR polynomial's nonzero lags and values */
    double aval[AIOPS_ARMA_MAX_TERMS];
} aiops_arma_kgain;

/* Dimension r, K and W in buf (2 r values). */
void aiops_arma_kg_place(aiops_arma_kgain *kg, int r, double *buf);
/* The filter at the first point, from the stationary distribution of the
 * model a[0..r], mp[0..r] (degrees pa, qm); -1 when that distribution
 * does not exist or overflows.  scr: AIOPS_ARMA_KG_SCRATCH(r) values. */
int aiops_arma_kg_init(aiops_arma_kgain *kg, const double *a, const double *mp, int pa, int qm,
                       double *scr);
/* The steady filter of an invertible model (F = 1, the gain the MA
 * coefficients plus the AR ones: the CSS recursion). */
void aiops_arma_kg_steady(aiops_arma_kgain *kg, const double *a, const double *mp);
/* One step of the filter (O(r)); with rho (else NULL) the MA remainders
 * rho[0..r-1] of the next r points take the innovation v on the way. */
void aiops_arma_kg_step(aiops_arma_kgain *kg, double *rho, double v);

/* The exact Gaussian likelihood of w[0..N-1] with sigma^2 concentrated
 * out, as a sum of squares for aiops_lsq (aiops_arma_ml_eval). */
typedef struct aiops_arma_ml {
    const double *w;
    size_t N;
    aiops_arma_orders o;
    int pa, qm;                 /* degrees of the AR and MA products */
    aiops_arma_kgain kg;        /* the filter of the last evaluation */
    double sumlog;              /* its sum of log F_t */
    double *a, *mp, *rho, *scr; /* r + 1, r + 1, N + r + 1, 7 (r + 1): in buf */
    double *buf;                /* owned */
} aiops_arma_ml;
/* Set cx up for the orders on w (borrowed); -1 when out of memory. */
int aiops_arma_ml_init(aiops_arma_ml *cx, const double *w, size_t N, const aiops_arma_orders *o);
void aiops_arma_ml_free(aiops_arma_ml *cx);
/* The aiops_lsq objective: residuals into res (N values) whose sum of
 * squares, returned, is a monotone function of -2 log L; +Inf outside the
 * region or where the filter fails.  cx: an aiops_arma_ml. */
double aiops_arma_ml_eval(void *cx, const double *x, double *res);
/* The profile log-likelihood at x (res: N values of scratch) and the
 * sigma^2 that maximises it (into *sigma2; not finite, and NaN returned,
 * where the likelihood cannot be evaluated). */
double aiops_arma_ml_loglik(aiops_arma_ml *cx, const double *x, double *res, double *sigma2);

/* ----------------------------------------------------- arma_diff.c */

/* Strength of seasonality of period s in y[0..n-1] by a classical
 * decomposition: 1 - var(remainder) / var(detrended), in [0, 1] (0 for
 * fewer than 2 s + 1 values).  buf: 2 n + 2 s + 1 values. */
double aiops_arma_seasonal_strength(const double *y, size_t n, int s, double *buf);
/* The KPSS statistic for level stationarity of x[0..n-1] (5% critical
 * value 0.463). */
double aiops_arma_kpss(const double *x, size_t n);
/* x_t - x_{t-lag} in place, moved to the front; returns the new length. */
size_t aiops_arma_difference(double *x, size_t n, size_t lag);

#endif
