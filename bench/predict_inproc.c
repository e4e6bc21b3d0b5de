/* predict_inproc.c - bench/predict.sh's in-process side: our library on
 * the same inputs as bench/predict_peer.py.
 *
 *   predict_inproc fit CSV REPS LAMBDA
 *       the training matrix of `aiops-predict --dump-features` (y,w,f...),
 *       standardised as the trainer does (mean, sd with n - 1), fitted by
 *       aiops_logit_fit REPS times; prints JSON: intercept, coef, the
 *       objective, iterations, best CPU seconds of one fit.
 *   predict_inproc eta CSV LIMIT WINDOW
 *       a series t,v: at every point, aiops_eta_fit over the window before
 *       it; prints t,eta,eta_lo,eta_hi (nan: none). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "predict/predict.h"

#define MAXCOL 64

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int fit(const char *path, int reps, double lambda)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return perror(path), 2;
    char line[8192];
    if (!fgets(line, sizeof line, f))
        return fclose(f), 2;
    size_t p = 0;
    for (char *c = line; *c; c++)
        p += *c == ',';
    p -= 1;    /* y, w, then p features */
    size_t n = 0, cap = 1024;
    double *X = malloc(cap * p * sizeof *X), *y = malloc(cap * sizeof *y), *w = malloc(cap * sizeof *w);
    while (fgets(line, sizeof line, f)) {
        if (n == cap) {
            cap *= 2;
            X = realloc(X, cap * p * sizeof *X);
            y = realloc(y, cap * sizeof *y);
            w = realloc(w, cap * sizeof *w);
        }
        char *s = line, *e;
        y[n] = strtod(s, &e);
        w[n] = strtod(e + 1, &e);
        for (size_t j = 0; j < p; j++)
            X[n * p + j] = strtod(e + 1, &e);
        n++;
    }
    fclose(f);
    for (size_t j = 0; j < p; j++) {
        double m = 0, ss = 0;
        for (size_t i = 0; i < n; i++)
            m += X[i * p + j] / (double)n;
        for (size_t i = 0; i < n; i++)
            ss += (X[i * p + j] - m) * (X[i * p + j] - m);
        double sd = sqrt(ss / (double)(n - 1));
        if (!(sd > 1e-9))
            sd = 1;
        for (size_t i = 0; i < n; i++)
            X[i * p + j] = (X[i * p + j] - m) / sd;
    }
    double coef[MAXCOL + 1], best = INFINITY, loss = 0;
    int iters = 0;
    aiops_err err = {0};
    for (int r = 0; r < reps; r++) {
        memset(coef, 0, sizeof coef);
        double t0 = cpu_now();
        if (aiops_logit_fit(X, y, w, n, p, lambda, coef, &iters, &loss, &err))
            return fprintf(stderr, "fit failed: %s\n", err.msg), 2;
        best = fmin(best, cpu_now() - t0);
    }
    printf("{\"rows\":%zu,\"features\":%zu,\"intercept\":%.17g,\"coef\":[", n, p, coef[0]);
    for (size_t j = 0; j < p; j++)
        printf("%s%.17g", j ? "," : "", coef[j + 1]);
    printf("],\"objective\":%.17g,\"iterations\":%d,\"seconds\":%.9g}\n", loss, iters, best);
    free(X);
    free(y);
    free(w);
    return 0;
}

static int eta(const char *path, double limit, double window)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return perror(path), 2;
    size_t n = 0, cap = 1024;
    double *t = malloc(cap * sizeof *t), *v = malloc(cap * sizeof *v), a, b;
    while (fscanf(f, "%lf,%lf", &a, &b) == 2) {
        if (n == cap) {
            cap *= 2;
            t = realloc(t, cap * sizeof *t);
            v = realloc(v, cap * sizeof *v);
        }
        t[n] = a;
        v[n++] = b;
    }
    fclose(f);
    double *scr = NULL;
    size_t scap = 0;
    for (size_t i = 0, lo = 0; i < n; i++) {
        while (t[lo] <= t[i] - window)
            lo++;
        size_t m = i - lo + 1;
        if (AIOPS_PREDICT_SCRATCH(m) > scap) {
            scap = AIOPS_PREDICT_SCRATCH(m);
            scr = realloc(scr, scap * sizeof *scr);
        }
        aiops_eta e;
        if (m >= 5 && aiops_eta_fit(t + lo, v + lo, m, t[i], limit, &e, scr))
            printf("%.17g,%.17g,%.17g,%.17g\n", t[i], e.eta, e.eta_lo, e.eta_hi);
        else
            printf("%.17g,nan,nan,nan\n", t[i]);
    }
    free(scr);
    free(t);
    free(v);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && !strcmp(argv[1], "fit"))
        return fit(argv[2], atoi(argv[3]), atof(argv[4]));
    if (argc == 5 && !strcmp(argv[1], "eta"))
        return eta(argv[2], atof(argv[3]), atof(argv[4]));
    fprintf(stderr, "usage: predict_inproc fit CSV REPS LAMBDA | eta CSV LIMIT WINDOW\n");
    return 2;
}
