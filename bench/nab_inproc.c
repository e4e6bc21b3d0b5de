/* nab_inproc.c - bench/nab_rank.sh's in-process NAB run of a model with
 * its own score (the default `likelihood`): the protocol of bench/nab.sh
 * without aiops-replay, aiops-fit's NDJSON or jq, so one corpus run takes
 * seconds and the score can be read at any floor.
 *
 *   nab_inproc [--floor P | --likelihood] [--model M] [--k K]
 *              [--alpha A] [--window S] [--period S] OUT.csv DATA.csv
 *
 * DATA.csv is a NAB data file (timestamp,value; "YYYY-MM-DD HH:MM:SS",
 * UTC).  Rows before the time of row p = min(floor(0.15 n), 750) train
 * the model (ops->fit), as `aiops-fit --train-until` does in bench/nab.sh;
 * from there each row is judged by ops->score() from the state before it,
 * then learned (ops->update), as aiops-fit judges live.  A row that repeats
 * the previous row's time is not learned again and shares that row's score
 * (aiops-replay keeps the first sample of a time; bench/nab_rows.awk
 * gives later rows the first one's score).
 *
 * OUT.csv is a NAB result file (timestamp,value,anomaly_score), one row per
 * data row.  anomaly_score is:
 *   default        the score where it reaches AIOPS_FIT_DEFAULT_P, else 0:
 *                  the rows aiops-fit fires on with its defaults, so the
 *                  corpus score equals bench/nab.sh's (checked there);
 *   --floor P      the score where it reaches P (0: every rising edge);
 *   --likelihood   the model's likelihood of every row (the value before
 *                  the rising-edge step).
 * Exit 0, or 2 with a message on stderr for bad options or input. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fit/fit.h"
#include "models/model.h"

#define MAXLINE 4096

typedef struct row {
    double ts, v;
    char text[64];   /* the timestamp as written */
    char val[64];    /* the value as written */
} row;

static int die(const char *what, const char *arg)
{
    fprintf(stderr, "nab_inproc: %s%s%s\n", what, arg ? ": " : "", arg ? arg : "");
    return 2;
}

static int num(const char *s, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    return end == s || *end || errno || !isfinite(*out) ? -1 : 0;
}

/* "YYYY-MM-DD HH:MM:SS[.ffffff]" (UTC) as seconds since the epoch. */
static int nabtime(const char *s, double *out)
{
    int y, mo, d, h, mi;
    double sec;
    if (sscanf(s, "%d-%d-%d %d:%d:%lf", &y, &mo, &d, &h, &mi, &sec) != 6 || mo < 1 || mo > 12)
        return -1;
    /* days from the civil date (proleptic Gregorian) */
    int yy = y - (mo <= 2), era = (yy >= 0 ? yy : yy - 399) / 400, yoe = yy - era * 400;
    int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long days = (long)era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
    *out = days * 86400.0 + h * 3600.0 + mi * 60.0 + sec;
    return 0;
}

static int read_rows(const char *path, row **rows, size_t *n)
{
    FILE *in = fopen(path, "r");
    if (!in)
        return die("cannot open", path);
    char line[MAXLINE];
    size_t cap = 0, ln = 0;
    int rc = 0;
    *rows = NULL;
    *n = 0;
    while (!rc && fgets(line, sizeof line, in)) {
        if (ln++ == 0)
            continue;    /* the header */
        line[strcspn(line, "\r\n")] = 0;
        char *c = strchr(line, ',');
        if (!c)
            continue;    /* NAB files have no such rows; a blank line */
        *c = 0;
        row r;
        if (strlen(line) >= sizeof r.text || strlen(c + 1) >= sizeof r.val ||
            nabtime(line, &r.ts) || num(c + 1, &r.v)) {
            fprintf(stderr, "nab_inproc: %s:%zu: expected TIME,NUMBER\n", path, ln);
            rc = 2;
            break;
        }
        strcpy(r.text, line);
        strcpy(r.val, c + 1);
        if (*n == cap) {
            cap = cap ? 2 * cap : 4096;
            row *nr = realloc(*rows, cap * sizeof *nr);
            if (!nr) {
                rc = die("out of memory", NULL);
                break;
            }
            *rows = nr;
        }
        (*rows)[(*n)++] = r;
    }
    fclose(in);
    if (!rc && !*n)
        rc = die("no data rows in", path);
    return rc;
}

int main(int argc, char **argv)
{
    double floor_p = AIOPS_FIT_DEFAULT_P;
    int raw = 0;
    const char *model = "likelihood";
    aiops_model_params par;
    aiops_model_params_init(&par);
    int i = 1;
    for (; i + 1 < argc && !strncmp(argv[i], "--", 2); i++) {
        const char *o = argv[i];
        double x;
        if (!strcmp(o, "--likelihood")) {
            raw = 1;
            continue;
        }
        if (!strcmp(o, "--model")) {
            model = argv[++i];
            continue;
        }
        if (num(argv[i + 1], &x))
            return die("expected a number after", o);
        i++;
        if (!strcmp(o, "--floor"))
            floor_p = x;
        else if (!strcmp(o, "--k"))
            par.k = x;
        else if (!strcmp(o, "--alpha"))
            par.alpha = x;
        else if (!strcmp(o, "--window"))
            par.window = x;
        else if (!strcmp(o, "--period"))
            par.period = x;
        else
            return die("unknown option", o);
    }
    if (argc - i != 2)
        return die("usage: nab_inproc [--floor P | --likelihood] [--model M] [--k K] "
                   "[--alpha A] [--window S] [--period S] OUT.csv DATA.csv",
                   NULL);
    const aiops_model_ops *ops = aiops_model_find(model);
    if (!ops || !ops->score)
        return die("expected a model with its own score (likelihood), got", model);
    row *r = NULL;
    size_t n;
    int rc = read_rows(argv[i + 1], &r, &n);
    if (rc)
        return rc;
    size_t p = (size_t)(0.15 * (double)n);
    if (p > 750)
        p = 750;
    size_t nt = 0;
    while (nt < n && r[nt].ts < r[p].ts)
        nt++;
    double *ts = malloc((nt ? nt : 1) * sizeof *ts), *v = malloc((nt ? nt : 1) * sizeof *v);
    aiops_err err = {0};
    void *m = ts && v ? ops->create(&par, &err) : NULL;
    if (!m) {
        free(ts);
        free(v);
        free(r);
        return die(err.code ? err.msg : "out of memory", NULL);
    }
    for (size_t j = 0; j < nt; j++) {
        ts[j] = r[j].ts;
        v[j] = r[j].v;
    }
    if (ops->fit(m, ts, v, nt, &err))
        rc = die(err.msg, NULL);
    FILE *out = rc ? NULL : fopen(argv[i], "w");
    if (!rc && !out)
        rc = die("cannot write", argv[i]);
    if (out) {
        fprintf(out, "timestamp,value,anomaly_score\n");
        double s = 0;
        for (size_t j = 0; j < n; j++) {
            if (j < nt) {
                s = 0;
            } else if (j == nt || r[j].ts != r[j - 1].ts) {
                aiops_band b;
                double lik = 0;
                ops->band(m, r[j].ts, &b);
                s = ops->score(m, r[j].ts, r[j].v, &lik);
                ops->update(m, r[j].ts, r[j].v);
                if (raw)
                    s = lik;
                else if (s < floor_p)
                    s = 0;
            }
            fprintf(out, "%s,%s,%.17g\n", r[j].text, r[j].val, s);
        }
        if (fclose(out))
            rc = die("cannot write", argv[i]);
    }
    ops->destroy(m);
    free(ts);
    free(v);
    free(r);
    return rc;
}
