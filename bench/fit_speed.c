/* fit_speed.c - fit time and scoring throughput of the seasonal and sarima
 * models on synthetic 1-minute data (daily pattern + nightly batch job +
 * noise).
 *
 *   cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Ilibcore bench/fit_speed.c \
 *      libcore/libaiops.a -ljansson -llapacke -lopenblas -lm -o fit_speed
 *   ./fit_speed [DAYS=28] [MODEL...]
 *
 * Trains on all DAYS of data (DAYS * 1440 points), then scores the same
 * number of points after it (band() + update() per point, as aiops-fit
 * does).  Times are wall clock; run with OPENBLAS_NUM_THREADS=1 for one
 * core (the systems are small, OpenBLAS hardly threads them anyway).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "models/model.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t rng = 88172645463325252ull;
static double nrand(void)
{
    double u[2];
    for (int i = 0; i < 2; i++) {
        rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
        u[i] = ((rng >> 11) + 0.5) * (1.0 / 9007199254740992.0);
    }
    return sqrt(-2 * log(u[0])) * cos(6.283185307179586 * u[1]);
}

static double shape(double t)
{
    double tod = fmod(t, 86400);
    if (tod >= 7200 && tod < 10800)
        return 90;
    return 50 - 10 * cos(6.283185307179586 * tod / 86400);
}

static void bench(const aiops_model_ops *ops, const double *ts, const double *v, size_t n)
{
    aiops_model_params p;
    aiops_model_params_init(&p);
    aiops_err err = {0};
    void *m = ops->create(&p, &err);
    double t0 = now();
    int rc = m ? ops->fit(m, ts, v, n, &err) : -1;
    double t1 = now();
    if (rc) {
        fprintf(stderr, "fit_speed: %s: %s\n", ops->name, err.msg);
        ops->destroy(m);
        return;
    }
    size_t out = 0;
    double t2 = now();
    for (size_t i = n; i < 2 * n; i++) {
        aiops_band b;
        ops->band(m, ts[i], &b);
        out += v[i] < b.lower || v[i] > b.upper;
        ops->update(m, ts[i], v[i]);
    }
    double t3 = now();
    printf("%-9s fit %zu points: %8.1f ms   score: %6.2f M points/s   out of band: %.3f%%\n",
           ops->name, n, 1e3 * (t1 - t0), (double)n / (t3 - t2) / 1e6,
           100.0 * (double)out / (double)n);
    ops->destroy(m);
}

int main(int argc, char **argv)
{
    double days = argc > 1 ? strtod(argv[1], NULL) : 28;
    size_t n = (size_t)(days * 1440);
    if (n < 10) {
        fprintf(stderr, "usage: fit_speed [DAYS] [MODEL...]\n");
        return 2;
    }
    double *ts = malloc(2 * n * sizeof *ts), *v = malloc(2 * n * sizeof *v);
    if (!ts || !v)
        return 1;
    for (size_t i = 0; i < 2 * n; i++) {
        ts[i] = 1700006400.0 + 60.0 * (double)i;
        v[i] = shape(ts[i]) + 1.5 * nrand();
    }
    static const char *const def[] = {"seasonal", "sarima"};
    const char *const *names = argc > 2 ? (const char *const *)argv + 2 : def;
    int nn = argc > 2 ? argc - 2 : 2;
    for (int i = 0; i < nn; i++) {
        const aiops_model_ops *ops = aiops_model_find(names[i]);
        if (!ops) {
            fprintf(stderr, "fit_speed: unknown model %s\n", names[i]);
            return 2;
        }
        bench(ops, ts, v, n);
    }
    free(ts);
    free(v);
    return 0;
}
