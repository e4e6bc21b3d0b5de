/* fit_inproc.c - bench/fit.sh's in-process timing of one model on every
 * series of a TSV file, without process start-up, parsing or output in
 * the timed part (the counterpart of bench/fit_statsmodels.py).
 *
 *   fit_inproc MODEL SPLIT ALL.tsv PRED.tsv [--period SEC] [--reps R]
 *              [--save STATES.json]
 *
 * ALL.tsv is aiops TSV (ts, series, value), each series evenly spaced.
 * Per series, points before SPLIT train the model and the points from
 * SPLIT on are the holdout of H points.  Timed, per series, best of R runs
 * (default 3) of each:
 *   fit       ops->fit on the training points;
 *   forecast  ops->band at the H holdout times with no update in between
 *             (the whole-horizon forecast, what aiops-fit --horizon does);
 *   score     ops->band then ops->update at each holdout point in turn
 *             (one-step-ahead, as aiops-fit scores live), on a second
 *             instance fitted the same way.
 * PRED.tsv gets "ts series forecast onestep" per holdout point (from the
 * last run; every run computes the same numbers), STATES.json each
 * series' saved state (sarima's chosen orders, holtwinters' phi).  Stdout:
 * one JSON object with the per-series times in milliseconds, by the
 * process CPU clock (fit_ms, forecast_ms, score_ms) and by the wall clock
 * (fit_wall_ms, ...), each the best of the runs.
 *
 *   cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Ilibcore bench/fit_inproc.c \
 *      libcore/libaiops.a -larchive -lzstd -ljansson -llapacke -lopenblas -lm
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "models/model.h"

typedef struct row {
    char *series;
    double ts, v;
} row;

typedef struct opts {
    const char *model, *all, *pred, *save;
    double split;
    aiops_model_params params;
    int reps;
} opts;

/* Each job is timed by two clocks: the process's CPU time, which other
 * jobs on a shared machine hardly disturb, and the wall clock. */
enum { CPU, WALL, NCLOCK };
enum { FIT, FORECAST, SCORE, NJOB };

typedef struct stamp {
    double c[NCLOCK];   /* ms */
} stamp;

static stamp now(void)
{
    static const clockid_t id[NCLOCK] = {CLOCK_PROCESS_CPUTIME_ID, CLOCK_MONOTONIC};
    stamp st;
    for (int k = 0; k < NCLOCK; k++) {
        struct timespec ts;
        clock_gettime(id[k], &ts);
        st.c[k] = 1e3 * (double)ts.tv_sec + 1e-6 * (double)ts.tv_nsec;
    }
    return st;
}

/* Time since t0 into out[NCLOCK]. */
static void since(stamp t0, double *out)
{
    stamp t1 = now();
    for (int k = 0; k < NCLOCK; k++)
        out[k] = t1.c[k] - t0.c[k];
}

static int cmp_row(const void *a, const void *b)
{
    const row *x = a, *y = b;
    int c = strcmp(x->series, y->series);
    if (c)
        return c;
    return (x->ts > y->ts) - (x->ts < y->ts);
}

static int die(const char *what, const char *detail)
{
    fprintf(stderr, "fit_inproc: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    return 2;
}

/* One "ts\tseries\tvalue" line into *r (series copied). */
static int parse_line(char *line, size_t len, row *r)
{
    char *t1 = memchr(line, '\t', len);
    char *t2 = t1 ? memchr(t1 + 1, '\t', len - (size_t)(t1 + 1 - line)) : NULL;
    if (!t2)
        return -1;
    if (aiops_parse_time(line, (size_t)(t1 - line), &r->ts) ||
        aiops_parse_double(t2 + 1, len - (size_t)(t2 + 1 - line), &r->v))
        return -1;
    *t2 = 0;
    return (r->series = strdup(t1 + 1)) ? 0 : -1;
}

static int read_rows(const char *path, row **out, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return die("cannot open", path);
    char *line = NULL;
    size_t cap = 0, nr = 0, rcap = 0, lineno = 0;
    ssize_t len;
    row *rows = NULL;
    int rc = 0;
    while (!rc && (len = getline(&line, &cap, f)) > 0) {
        lineno++;
        if (line[len - 1] == '\n')
            line[--len] = 0;
        if (nr == rcap) {
            rcap = rcap ? 2 * rcap : 4096;
            row *nrow = realloc(rows, rcap * sizeof *rows);
            if (!nrow) {
                rc = die("out of memory", NULL);
                break;
            }
            rows = nrow;
        }
        if (parse_line(line, (size_t)len, &rows[nr])) {
            fprintf(stderr, "fit_inproc: %s:%zu: expected ts<TAB>series<TAB>value\n", path,
                    lineno);
            rc = 2;
        } else {
            nr++;
        }
    }
    free(line);
    fclose(f);
    *out = rows;
    *n = nr;
    return rc;
}

/* The holdout's times and values of one series. */
typedef struct series_job {
    const char *name;
    const double *ts, *v;   /* training: ntr points */
    size_t ntr;
    const double *hts, *hv; /* holdout: nho points */
    size_t nho;
} series_job;

typedef struct timing {
    double t[NJOB][NCLOCK];   /* ms */
} timing;

static void *fitted(const opts *o, const aiops_model_ops *ops, const series_job *j, double *ms,
                    aiops_err *err)
{
    void *m = ops->create(&o->params, err);
    if (!m)
        return NULL;
    stamp t0 = now();
    int rc = ops->fit(m, j->ts, j->v, j->ntr, err);
    since(t0, ms);
    if (rc) {
        ops->destroy(m);
        return NULL;
    }
    return m;
}

/* One run over a series: fills fc and one (nho each) and the times. */
static int run_series(const opts *o, const aiops_model_ops *ops, const series_job *j,
                      double *fc, double *one, timing *t, json_t **state, aiops_err *err)
{
    double fit2[NCLOCK];
    void *a = fitted(o, ops, j, t->t[FIT], err);
    if (!a)
        return -1;
    stamp t0 = now();
    for (size_t i = 0; i < j->nho; i++) {
        aiops_band b;
        ops->band(a, j->hts[i], &b);
        fc[i] = b.expected;
    }
    since(t0, t->t[FORECAST]);
    if (state) {
        json_decref(*state);
        *state = ops->save(a);
    }
    ops->destroy(a);
    void *b = fitted(o, ops, j, fit2, err);
    if (!b)
        return -1;
    t0 = now();
    for (size_t i = 0; i < j->nho; i++) {
        aiops_band bd;
        ops->band(b, j->hts[i], &bd);
        one[i] = bd.expected;
        ops->update(b, j->hts[i], j->hv[i]);
    }
    since(t0, t->t[SCORE]);
    for (int k = 0; k < NCLOCK; k++)
        t->t[FIT][k] = fmin(t->t[FIT][k], fit2[k]);
    ops->destroy(b);
    return 0;
}

/* "fit_ms":[..],"fit_wall_ms":[..],... over the series. */
static void emit_times(const timing *t, size_t n)
{
    static const char *const job[NJOB] = {"fit", "forecast", "score"};
    static const char *const clk[NCLOCK] = {"", "_wall"};
    for (int jb = 0; jb < NJOB; jb++)
        for (int k = 0; k < NCLOCK; k++) {
            printf(",\"%s%s_ms\":[", job[jb], clk[k]);
            for (size_t i = 0; i < n; i++)
                printf("%s%.6f", i ? "," : "", t[i].t[jb][k]);
            printf("]");
        }
}

static int parse_args(int argc, char **argv, opts *o)
{
    if (argc < 5)
        return -1;
    aiops_model_params_init(&o->params);
    o->model = argv[1];
    o->all = argv[3];
    o->pred = argv[4];
    o->save = NULL;
    o->reps = 3;
    if (aiops_parse_time(argv[2], strlen(argv[2]), &o->split))
        return -1;
    for (int i = 5; i < argc; i++) {
        if (i + 1 >= argc)
            return -1;
        const char *k = argv[i], *v = argv[++i];
        double x;
        if (!strcmp(k, "--save"))
            o->save = v;
        else if (aiops_parse_double(v, strlen(v), &x) || !(x > 0))
            return -1;
        else if (!strcmp(k, "--period"))
            o->params.period = x;
        else if (!strcmp(k, "--reps") && x == floor(x) && x <= 100)
            o->reps = (int)x;
        else
            return -1;
    }
    return 0;
}

/* Series boundaries in the sorted rows: jobs[k] for each series. */
static size_t make_jobs(const row *rows, size_t n, double split, double *ts, double *v,
                        series_job *jobs)
{
    size_t nj = 0;
    for (size_t i = 0; i < n;) {
        size_t e = i;
        while (e < n && !strcmp(rows[e].series, rows[i].series))
            e++;
        size_t k = i;
        for (size_t x = i; x < e; x++)
            ts[x] = rows[x].ts, v[x] = rows[x].v;
        while (k < e && rows[k].ts < split)
            k++;
        jobs[nj++] = (series_job){rows[i].series, ts + i, v + i, k - i, ts + k, v + k, e - k};
        i = e;
    }
    return nj;
}

static int bench(const opts *o, const aiops_model_ops *ops, const series_job *jobs, size_t nj,
                 FILE *pf, json_t *states)
{
    timing *best = calloc(nj, sizeof *best);
    if (!best)
        return die("out of memory", NULL);
    int rc = 0;
    for (size_t s = 0; !rc && s < nj; s++) {
        const series_job *j = &jobs[s];
        double *fc = malloc((2 * j->nho + 1) * sizeof *fc), *one = fc + j->nho;
        json_t *state = NULL;
        aiops_err err = {0};
        for (int jb = 0; jb < NJOB; jb++)
            for (int k = 0; k < NCLOCK; k++)
                best[s].t[jb][k] = INFINITY;
        for (int r = 0; fc && !rc && r < o->reps; r++) {
            timing t;
            if (run_series(o, ops, j, fc, one, &t, r == 0 ? &state : NULL, &err)) {
                fprintf(stderr, "fit_inproc: %s: %s\n", j->name, err.msg);
                rc = 2;
                break;
            }
            for (int jb = 0; jb < NJOB; jb++)
                for (int k = 0; k < NCLOCK; k++)
                    best[s].t[jb][k] = fmin(best[s].t[jb][k], t.t[jb][k]);
        }
        if (!fc)
            rc = die("out of memory", NULL);
        for (size_t i = 0; !rc && i < j->nho; i++) {
            char a[32], b[32];
            aiops_fmt_double(fc[i], a);
            aiops_fmt_double(one[i], b);
            fprintf(pf, "%.3f\t%s\t%s\t%s\n", j->hts[i], j->name, a, b);
        }
        if (state && states)
            json_object_set_new(states, j->name, state);
        else
            json_decref(state);
        free(fc);
    }
    if (!rc) {
        printf("{\"model\":\"%s\",\"series\":%zu,\"reps\":%d", o->model, nj, o->reps);
        emit_times(best, nj);
        printf("}\n");
    }
    free(best);
    return rc;
}

int main(int argc, char **argv)
{
    opts o;
    if (parse_args(argc, argv, &o)) {
        fprintf(stderr, "usage: fit_inproc MODEL SPLIT ALL.tsv PRED.tsv [--period SEC] "
                        "[--reps R] [--save STATES.json]\n");
        return 2;
    }
    const aiops_model_ops *ops = aiops_model_find(o.model);
    if (!ops)
        return die("unknown model", o.model);
    row *rows = NULL;
    size_t n = 0;
    int rc = read_rows(o.all, &rows, &n);
    double *ts = rc ? NULL : malloc((n + 1) * sizeof *ts);
    double *v = ts ? malloc((n + 1) * sizeof *v) : NULL;
    series_job *jobs = v ? malloc((n + 1) * sizeof *jobs) : NULL;
    if (!rc && !jobs)
        rc = die("out of memory", NULL);
    FILE *pf = rc ? NULL : fopen(o.pred, "w");
    if (!rc && !pf)
        rc = die("cannot write", o.pred);
    json_t *states = o.save ? json_object() : NULL;
    if (!rc) {
        qsort(rows, n, sizeof *rows, cmp_row);
        size_t nj = make_jobs(rows, n, o.split, ts, v, jobs);
        rc = bench(&o, ops, jobs, nj, pf, states);
    }
    if (pf && fclose(pf) && !rc)
        rc = die("cannot write", o.pred);
    if (!rc && states && json_dump_file(states, o.save, JSON_INDENT(1)))
        rc = die("cannot write", o.save);
    json_decref(states);
    for (size_t i = 0; i < n; i++)
        free(rows[i].series);
    free(rows);
    free(ts);
    free(v);
    free(jobs);
    return rc;
}
