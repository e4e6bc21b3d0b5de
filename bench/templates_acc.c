/* templates_acc.c - grouping accuracy and speed of libcore/logtmpl on
 * Loghub-2k (bench/templates.sh builds and runs it).
 *
 *   templates_acc DATADIR FORMATS.tsv                 accuracy with the defaults
 *   templates_acc DATADIR FORMATS.tsv --loso          leave-one-system-out choice
 *   templates_acc DATADIR FORMATS.tsv --speed PASSES  lines/s (CPU time, one core)
 *   templates_acc DATADIR FORMATS.tsv --dump          split messages, one per line
 *
 * Raw lines are split into header and message by the system's Loghub
 * format (fields up to the next literal, a space matches 1+ blanks, the
 * last field <Content> is the message); a line the format does not fit is
 * mined whole and counted.  Grouping accuracy is the Loghub/Drain one: a
 * line is correct when its predicted group holds exactly the lines of its
 * ground-truth group (EventId of *_structured.csv, by LineId). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "logtmpl/logtmpl.h"

#define MAXSYS 32
#define MAXLINES 4096

typedef struct sys {
    char name[64], fmt[256];
    char *msg[MAXLINES];
    size_t len[MAXLINES];
    int truth[MAXLINES];   /* EventId interned, -1 = none */
    size_t n, unmatched;
} sys;

static sys S[MAXSYS];
static size_t NS;

/* match line against fmt; *m/*mn = the <Content> span.  0 ok, -1 no fit */
static int split(const char *fmt, const char *line, const char **m, size_t *mn)
{
    const char *f = fmt, *s = line;
    while (*f) {
        if (*f == '<') {
            const char *e = strchr(f, '>');
            if (!e)
                return -1;
            int content = !strncmp(f, "<Content>", 9);
            f = e + 1;
            if (content || !*f) {
                *m = s, *mn = strlen(s);
                return 0;
            }
            /* the literal after the field, up to the next field */
            const char *lit_end = strchr(f, '<');
            size_t ln = lit_end ? (size_t)(lit_end - f) : strlen(f);
            const char *p = s;
            for (;; p++) {
                if (!*p)
                    return -1;
                /* does the literal match at p? */
                const char *a = p, *b = f;
                while (b < f + ln) {
                    if (*b == ' ') {
                        if (*a != ' ' && *a != '\t')
                            break;
                        while (*a == ' ' || *a == '\t')
                            a++;
                        b++;
                    } else if (*a == *b)
                        a++, b++;
                    else
                        break;
                }
                if (b == f + ln && p > s) {
                    s = a, f += ln;
                    break;
                }
            }
        } else {
            if (*f == ' ') {
                if (*s != ' ' && *s != '\t')
                    return -1;
                while (*s == ' ' || *s == '\t')
                    s++;
            } else if (*s++ != *f)
                return -1;
            f++;
        }
    }
    return -1;
}

/* field k (0-based) of a CSV line, and the field count */
static size_t csv_fields(char *line, char **fld, size_t max)
{
    size_t n = 0;
    char *p = line, *w;
    while (n < max) {
        fld[n++] = w = p;
        if (*p == '"') {
            p++;
            for (;;) {
                if (!*p)
                    break;
                if (*p == '"' && p[1] == '"')
                    *w++ = '"', p += 2;
                else if (*p == '"') {
                    p++;
                    break;
                } else
                    *w++ = *p++;
            }
        } else
            while (*p && *p != ',')
                *w++ = *p++;
        int more = *p == ',';
        *w = 0;
        if (!more)
            break;
        p++;
    }
    return n;
}

static char *names[1 << 16];
static int nnames;
static int intern(const char *s)
{
    for (int i = 0; i < nnames; i++)
        if (!strcmp(names[i], s))
            return i;
    names[nnames] = strdup(s);
    return nnames++;
}

static void load(const char *dir, const char *name, const char *fmt)
{
    sys *y = &S[NS++];
    snprintf(y->name, sizeof y->name, "%s", name);
    snprintf(y->fmt, sizeof y->fmt, "%s", fmt);
    char path[1024], *line = NULL;
    size_t cap = 0;
    ssize_t r;
    snprintf(path, sizeof path, "%s/%s/%s_2k.log", dir, name, name);
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(2);
    }
    while ((r = getline(&line, &cap, f)) > 0 && y->n < MAXLINES) {
        while (r > 0 && (line[r - 1] == '\n' || line[r - 1] == '\r'))
            line[--r] = 0;
        const char *m;
        size_t mn;
        if (split(fmt, line, &m, &mn))
            m = line, mn = (size_t)r, y->unmatched++;
        y->msg[y->n] = strndup(m, mn);
        y->len[y->n] = mn;
        y->truth[y->n] = -1;
        y->n++;
    }
    fclose(f);
    snprintf(path, sizeof path, "%s/%s/%s_2k.log_structured.csv", dir, name, name);
    if (!(f = fopen(path, "r"))) {
        perror(path);
        exit(2);
    }
    int first = 1;
    while ((r = getline(&line, &cap, f)) > 0) {
        while (r > 0 && (line[r - 1] == '\n' || line[r - 1] == '\r'))
            line[--r] = 0;
        if (first) {
            first = 0;
            continue;
        }
        char *fld[64];
        size_t k = csv_fields(line, fld, 64);
        long id = strtol(fld[0], NULL, 10);
        if (k >= 3 && id >= 1 && (size_t)id <= y->n)
            y->truth[id - 1] = intern(fld[k - 2]);
    }
    fclose(f);
    free(line);
}

/* Loghub grouping accuracy of pred (final template ids) against truth */
static double accuracy(const sys *y, const uint32_t *pred)
{
    size_t total = 0, ok = 0;
    static char done[MAXLINES];
    memset(done, 0, sizeof done);
    for (size_t i = 0; i < y->n; i++) {
        if (y->truth[i] < 0 || done[i])
            continue;
        /* the predicted group of line i */
        size_t gsize = 0, tsize = 0;
        int pure = 1;
        for (size_t j = 0; j < y->n; j++) {
            if (y->truth[j] < 0)
                continue;
            if (pred[j] == pred[i]) {
                done[j] = 1;
                gsize++;
                if (y->truth[j] != y->truth[i])
                    pure = 0;
            }
        }
        for (size_t j = 0; j < y->n; j++)
            tsize += y->truth[j] == y->truth[i];
        if (pure && tsize == gsize)
            ok += gsize;
    }
    for (size_t i = 0; i < y->n; i++)
        total += y->truth[i] >= 0;
    return total ? (double)ok / total : 0;
}

static double run(const sys *y, const aiops_logtmpl_opts *o, size_t *ntmpl)
{
    aiops_logtmpl *t;
    aiops_err err = {0};
    static uint32_t pred[MAXLINES];
    if (aiops_logtmpl_new(&t, o, &err) < 0) {
        fprintf(stderr, "%s\n", err.msg);
        exit(2);
    }
    for (size_t i = 0; i < y->n; i++)
        if (aiops_logtmpl_add(t, y->msg[i], y->len[i], &pred[i], &err) < 0)
            exit(2);
    for (size_t i = 0; i < y->n; i++)
        pred[i] = aiops_logtmpl_canon(t, pred[i]);
    if (ntmpl)
        *ntmpl = aiops_logtmpl_count(t);
    aiops_logtmpl_free(t);
    return accuracy(y, pred);
}

static const double SIMS[] = {0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};
static const int VARS[] = {0, 2, 3, 4, 5, 6, 8};
#define NVAR (sizeof VARS / sizeof *VARS)
static const int DEPTHS[] = {3, 4, 5, 6};
#define NSIM (sizeof SIMS / sizeof *SIMS)
#define NDEP (sizeof DEPTHS / sizeof *DEPTHS)
#define NCONF (NSIM * NDEP * 4 * NVAR)

static void conf(size_t c, aiops_logtmpl_opts *o)
{
    aiops_logtmpl_opts_default(o);
    o->sim = SIMS[c % NSIM];
    o->depth = DEPTHS[c / NSIM % NDEP];
    o->mask_digits = (int)(c / (NSIM * NDEP) % 2);
    o->wild_similar = (int)(c / (NSIM * NDEP * 2) % 2);
    o->min_variants = VARS[c / (NSIM * NDEP * 4) % NVAR];
}

static void conf_str(const aiops_logtmpl_opts *o, char *b, size_t n)
{
    snprintf(b, n, "sim=%.1f depth=%d mask_digits=%d wild_similar=%d min_variants=%d", o->sim,
             o->depth, o->mask_digits, o->wild_similar, o->min_variants);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: templates_acc DATADIR FORMATS.tsv [--loso|--speed N|--dump]\n");
        return 2;
    }
    FILE *f = fopen(argv[2], "r");
    if (!f) {
        perror(argv[2]);
        return 2;
    }
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        char *tab = strchr(line, '\t');
        if (line[0] == '#' || !tab)
            continue;
        *tab = 0;
        load(argv[1], line, tab + 1);
    }
    fclose(f);
    const char *mode = argc > 3 ? argv[3] : "";
    aiops_logtmpl_opts o;
    char cs[128];
    if (!strcmp(mode, "--dump")) {
        for (size_t s = 0; s < NS; s++)
            for (size_t i = 0; i < S[s].n; i++)
                printf("%s\t%s\n", S[s].name, S[s].msg[i]);
        return 0;
    }
    if (!strcmp(mode, "--debug") && argc > 4) {   /* truth groups split or merged */
        aiops_logtmpl_opts_default(&o);
        if (argc > 5)
            o.sim = strtod(argv[5], NULL);
        for (size_t s = 0; s < NS; s++) {
            if (strcmp(S[s].name, argv[4]))
                continue;
            aiops_logtmpl *t;
            aiops_err err = {0};
            static uint32_t pred[MAXLINES];
            aiops_logtmpl_new(&t, &o, &err);
            for (size_t i = 0; i < S[s].n; i++)
                aiops_logtmpl_add(t, S[s].msg[i], S[s].len[i], &pred[i], &err);
            for (size_t i = 0; i < S[s].n; i++)
                pred[i] = aiops_logtmpl_canon(t, pred[i]);
            for (size_t i = 0; i < S[s].n; i++) {
                aiops_buf b = {0};
                aiops_logtmpl_text(t, pred[i], &b);
                printf("%s\t%u\t%s\t%s\n", S[s].truth[i] >= 0 ? names[S[s].truth[i]] : "-",
                       pred[i], b.p, S[s].msg[i]);
                aiops_buf_free(&b);
            }
            aiops_logtmpl_free(t);
        }
        return 0;
    }
    if (!strcmp(mode, "--speed")) {
        long passes = argc > 4 ? strtol(argv[4], NULL, 10) : 100;
        aiops_logtmpl_opts_default(&o);
        aiops_logtmpl *t[MAXSYS];
        aiops_err err = {0};
        uint32_t id;
        size_t lines = 0, bytes = 0;
        struct timespec a, b;
        for (size_t s = 0; s < NS; s++)
            aiops_logtmpl_new(&t[s], &o, &err);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
        for (long p = 0; p < passes; p++)
            for (size_t s = 0; s < NS; s++)
                for (size_t i = 0; i < S[s].n; i++) {
                    aiops_logtmpl_add(t[s], S[s].msg[i], S[s].len[i], &id, &err);
                    lines++, bytes += S[s].len[i];
                }
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
        double sec = (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
        printf("lines %zu  bytes %zu  cpu_seconds %.3f  lines_per_s %.0f  MB_per_s %.1f\n", lines,
               bytes, sec, lines / sec, bytes / sec / 1e6);
        for (size_t s = 0; s < NS; s++)
            aiops_logtmpl_free(t[s]);
        return 0;
    }
    if (!strcmp(mode, "--loso")) {
        static double acc[NCONF][MAXSYS];
        for (size_t c = 0; c < NCONF; c++) {
            conf(c, &o);
            for (size_t s = 0; s < NS; s++)
                acc[c][s] = run(&S[s], &o, NULL);
        }
        printf("%-12s %-55s %8s\n", "held out", "chosen on the other systems", "accuracy");
        double sum = 0;
        for (size_t h = 0; h < NS; h++) {
            size_t best = 0;
            double bm = -1;
            for (size_t c = 0; c < NCONF; c++) {
                double m = 0;
                for (size_t s = 0; s < NS; s++)
                    if (s != h)
                        m += acc[c][s];
                if (m > bm + 1e-12)
                    bm = m, best = c;
            }
            conf(best, &o);
            conf_str(&o, cs, sizeof cs);
            printf("%-12s %-55s %8.3f\n", S[h].name, cs, acc[best][h]);
            sum += acc[best][h];
        }
        printf("%-12s %-55s %8.3f\n", "average", "(held-out accuracies)", sum / NS);
        size_t best = 0;
        double bm = -1;
        for (size_t c = 0; c < NCONF; c++) {
            double m = 0;
            for (size_t s = 0; s < NS; s++)
                m += acc[c][s];
            if (m > bm + 1e-12)
                bm = m, best = c;
        }
        conf(best, &o);
        conf_str(&o, cs, sizeof cs);
        printf("best on all %zu systems: %s (average %.3f)\n", NS, cs, bm / NS);
        return 0;
    }
    aiops_logtmpl_opts_default(&o);
    conf_str(&o, cs, sizeof cs);
    printf("defaults: %s\n%-12s %6s %9s %10s %8s\n", cs, "system", "lines", "unmatched",
           "templates", "accuracy");
    double sum = 0;
    for (size_t s = 0; s < NS; s++) {
        size_t nt;
        double a = run(&S[s], &o, &nt);
        sum += a;
        printf("%-12s %6zu %9zu %10zu %8.3f\n", S[s].name, S[s].n, S[s].unmatched, nt, a);
    }
    printf("%-12s %6s %9s %10s %8.3f\n", "average", "", "", "", sum / NS);
    return 0;
}
