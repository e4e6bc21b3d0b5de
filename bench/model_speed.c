/* model_speed.c - scoring throughput (band() + update() per point, through
 * the ops pointers as aiops-fit calls them; band() + score() + update() for
 * a model with its own score, the default likelihood) of the likelihood,
 * ewma, robust, static and holtwinters models.
 *
 *   cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Ilibcore bench/model_speed.c \
 *      libcore/libaiops.a -ljansson -llapacke -lopenblas -lm -o model_speed
 *   ./model_speed [POINTS=10000000]
 *
 * Data: one series, daily sine + bounded noise + a spike every 10,007
 * points, at 15 s spacing (robust's default 1 h window then holds 240
 * points) and, for robust, also at 1 s (3,600 points per window).  Each
 * model is fitted on the first day, then scores POINTS points; the figure
 * is POINTS / wall-clock seconds of the scoring loop on one core.  Values
 * come from a table of whole days (at most 1 Mi points) that the loop
 * wraps around, so generating them costs nothing and the daily phase
 * stays continuous.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "models/model.h"

#define TABLE_MAX (1u << 20)

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double *table;
static size_t table_len;

static void make_table(double step)
{
    size_t per_day = (size_t)(86400 / step);
    table_len = TABLE_MAX / per_day * per_day;
    uint64_t x = 42;
    for (size_t i = 0; i < table_len; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        double noise = (double)(x >> 11) / 9007199254740992.0 * 2 - 1;
        table[i] = 50 + 10 * sin(2 * 3.141592653589793 * (double)i * step / 86400) + noise;
        if (i % 10007 == 5000)
            table[i] += 40;
    }
}

/* Fit on the first day, score n points; prints and returns points/s. */
static double bench(const char *label, const aiops_model_ops *ops, const aiops_model_params *p,
                    double step, uint64_t n)
{
    aiops_err err = {0};
    void *m = ops->create(p, &err);
    size_t ntrain = (size_t)(86400 / step);
    double *ts = malloc(ntrain * sizeof *ts);
    if (!m || !ts) {
        fprintf(stderr, "%s: %s\n", label, m ? "out of memory" : err.msg);
        exit(1);
    }
    for (size_t i = 0; i < ntrain; i++)
        ts[i] = 1.7e9 + (double)i * step;
    if (ops->fit(m, ts, table, ntrain, &err)) {
        fprintf(stderr, "%s: fit: %s\n", label, err.msg);
        exit(1);
    }
    free(ts);
    uint64_t anomalies = 0;
    size_t j = ntrain % table_len;
    double t0 = now();
    for (uint64_t i = 0; i < n; i++) {
        double t = 1.7e9 + (double)(ntrain + i) * step, v = table[j];
        if (++j == table_len)
            j = 0;
        aiops_band b;
        ops->band(m, t, &b);
        if (ops->score)    /* judged by its score at aiops-fit's default P */
            anomalies += ops->score(m, t, v, NULL) >= 0.9999999;
        else
            anomalies += v < b.lower || v > b.upper;
        ops->update(m, t, v);
    }
    double dt = now() - t0, rate = (double)n / dt;
    printf("%-28s %10.2f M points/s  (%llu points in %.3f s, %llu anomalies)\n", label,
           rate / 1e6, (unsigned long long)n, dt, (unsigned long long)anomalies);
    ops->destroy(m);
    return rate;
}

int main(int argc, char **argv)
{
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000;
    if (!n || !(table = malloc(TABLE_MAX * sizeof *table)))
        return 2;
    aiops_model_params p;
    aiops_model_params_init(&p);

    make_table(15);
    bench("likelihood (the default)", &aiops_model_likelihood, &p, 15, n);
    bench("ewma", &aiops_model_ewma, &p, 15, n);
    bench("robust (1h window, 15 s)", &aiops_model_robust, &p, 15, n);
    p.seasonal_robust = 1;
    bench("robust seasonal (15 s)", &aiops_model_robust, &p, 15, n);
    p.seasonal_robust = -1;
    memcpy(p.op, ">", 2);
    p.threshold = 80;
    bench("static", &aiops_model_static, &p, 15, n);
    aiops_model_params_init(&p);
    p.period = 3600;   /* 240-point season: fit on a day is 24 seasons */
    bench("holtwinters (240-pt season)", &aiops_model_holtwinters, &p, 15, n);
    aiops_model_params_init(&p);

    make_table(1);
    bench("robust (1h window, 1 s)", &aiops_model_robust, &p, 1, n);
    free(table);
    return 0;
}
