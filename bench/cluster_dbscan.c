/* cluster_dbscan.c - bench/cluster.sh's in-process DBSCAN timer: reads the
 * feature matrix that bench/cluster_sklearn.py wrote (one point per line,
 * tab-separated, time axis first, time-sorted), runs libcore's
 * aiops_cluster_dbscan with the same eps and min_samples, and prints the
 * CPU seconds and the cluster count; labels go to OUT (one per line) so the
 * script can compare them with scikit-learn's.
 * Usage: cluster_dbscan FEATURES EPS MIN_SAMPLES OUT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cluster/cluster.h"

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: cluster_dbscan FEATURES EPS MIN_SAMPLES OUT\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f)
        return 2;
    size_t n = 0, cap = 0;
    int dims = 0;
    double *x = NULL;
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        int d = 0;
        for (char *p = line, *e; *p && *p != '\n'; p = e + (*e == '\t'), d++) {
            double v = strtod(p, &e);
            if (e == p)
                return 2;
            if ((n * 64 + (size_t)d + 1) > cap) {
                cap = cap ? cap * 2 : 1 << 20;
                x = realloc(x, cap * sizeof *x);
                if (!x)
                    return 2;
            }
            x[n * 64 + (size_t)d] = v;
        }
        if (!dims)
            dims = d;
        n++;
    }
    fclose(f);
    for (size_t i = 0; i < n; i++)    /* pack the rows */
        memmove(x + i * (size_t)dims, x + i * 64, (size_t)dims * sizeof *x);
    int *lab = malloc((n ? n : 1) * sizeof *lab);
    clock_t t0 = clock();
    int k = aiops_cluster_dbscan(x, n, dims, atof(argv[2]), (size_t)atoi(argv[3]), lab, NULL);
    double sec = (double)(clock() - t0) / CLOCKS_PER_SEC;
    FILE *o = fopen(argv[4], "w");
    for (size_t i = 0; o && i < n; i++)
        fprintf(o, "%d\n", lab[i]);
    if (o)
        fclose(o);
    printf("%zu %d %.3f %d\n", n, dims, sec, k);
    free(x);
    free(lab);
    return k < 0;
}
