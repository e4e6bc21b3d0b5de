/* predict_train.c - training rows and the fit.
 *
 * Positives: for each label with a root_cause service, the ticks whose
 * window ends `lead` before its deadline (declared, else start), one per
 * lead of o->leads, for that service.  Negatives: ticks of any service at
 * least neg_gap away from every label of the episode ([start - gap,
 * end + gap] excluded), the first max_rows of them kept in order in a
 * temporary file (memory stays bounded by labels and services); from
 * them neg_ratio x positives are drawn (seeded, a partial Fisher-Yates
 * that stores only the entries it moves), weighted so that both classes
 * carry the same total weight.  The threshold is the lowest of a
 * ladder from 0.5 up whose debounced warnings on all kept negative ticks
 * come to at most false_per_day per day of them.  The lead-time report replays each training incident's
 * root service over the `lookback` before its deadline: the first warning
 * the debounced threshold gives. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/array.h"
#include "common/jdoc.h"
#include "common/limits.h"
#include "common/ofile.h"
#include "common/stats.h"
#include "predict/predict_impl.h"

#define NF AIOPS_PF_COUNT
#define MAX_LABELS 100000

typedef struct tr_label {
    double start, deadline, end;
    char *root;
    size_t gid;                  /* over all episodes */
    unsigned done_leads;         /* bit k: the positive of lead k was taken */
} tr_label;

typedef struct tr_trace {        /* a tick of a label's root service before its deadline */
    size_t gid;
    double T, deadline;
    double f[NF];
} tr_trace;

/* A negative tick as spilled to the temporary file. */
typedef struct neg_row {
    uint32_t ep, svc;
    double T;
    double f[NF];
} neg_row;

struct aiops_predict_trainer {
    aiops_predict_opts o;
    pf_engine e;
    int open;
    tr_label *lab;
    size_t nlab, caplab, total_labels, episodes;
    double *pos;                 /* npos rows of NF */
    size_t npos, cappos;
    FILE *negf;                  /* negative ticks in input order: nneg neg_rows in a
                                    temporary file (memory stays bounded by the labels
                                    and services, whatever the length of the input) */
    size_t nneg;
    uint64_t seen_neg, rng;
    double neg_time, last_neg_T; /* time covered by negative ticks, s */
    tr_trace *tr;
    size_t ntr, captr;
    /* after the fit: the training rows */
    double *X, *y, *w;
    size_t nrows;
};

static uint64_t next_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

int aiops_predict_trainer_new(aiops_predict_trainer **out, const aiops_predict_opts *o,
                              aiops_err *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    (*out)->o = *o;
    (*out)->rng = o->seed;
    if (o->nleads == 0 || o->nleads > 8)
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "expected 1 to 8 lead times");
    return 0;
}

static void free_labels(aiops_predict_trainer *tr)
{
    for (size_t i = 0; i < tr->nlab; i++)
        free(tr->lab[i].root);
    tr->nlab = 0;
}

void aiops_predict_trainer_free(aiops_predict_trainer *tr)
{
    if (!tr)
        return;
    if (tr->open)
        pf_free(&tr->e);
    free_labels(tr);
    free(tr->lab);
    free(tr->pos);
    if (tr->negf)
        fclose(tr->negf);
    free(tr->tr);
    free(tr->X);
    free(tr->y);
    free(tr->w);
    free(tr);
}

static int push_row(double **rows, size_t *n, size_t *cap, const double *f)
{
    if (AIOPS_GROW(*rows, *cap, (*n + 1) * NF))
        return -1;
    memcpy(*rows + *n * NF, f, NF * sizeof *f);
    (*n)++;
    return 0;
}

/* An unnamed temporary file under $TMPDIR (else /tmp): gone when closed,
 * however the process ends. */
static int temp_fail(const char *what, aiops_err *err)
{
    return aiops_err_set(err, AIOPS_EIO, NULL, 0, "%s a temporary file of training rows under %s: %s", what,
                         aiops_tmp_dir(), errno ? strerror(errno) : "short read");
}

static int temp_file(FILE **out, aiops_err *err)
{
    return (*out = aiops_tmp_file("aiops-predict")) ? 0 : temp_fail("cannot create", err);
}

static int on_tick(void *ctx, double T, uint32_t si, const double *f, aiops_err *err)
{
    aiops_predict_trainer *tr = ctx;
    const char *svc = tr->e.svc[si].name;
    int far = 1;
    double half = tr->o.every / 2;
    for (size_t i = 0; i < tr->nlab; i++) {
        tr_label *l = &tr->lab[i];
        if (T >= l->start - tr->o.neg_gap && T <= l->end + tr->o.neg_gap)
            far = 0;
        if (!l->root || strcmp(l->root, svc))
            continue;
        for (size_t k = 0; k < tr->o.nleads; k++)
            if (!(l->done_leads & (1u << k)) && fabs(T - (l->deadline - tr->o.leads[k])) < half) {
                l->done_leads |= 1u << k;
                if (push_row(&tr->pos, &tr->npos, &tr->cappos, f))
                    return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
            }
        if (T >= l->deadline - tr->o.lookback && T < l->deadline) {
            if (AIOPS_GROW(tr->tr, tr->captr, tr->ntr + 1))
                return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
            tr_trace *t = &tr->tr[tr->ntr++];
            t->gid = l->gid;
            t->T = T;
            t->deadline = l->deadline;
            memcpy(t->f, f, sizeof t->f);
        }
    }
    if (!far)
        return 0;
    tr->seen_neg++;
    if (tr->nneg == tr->o.max_rows)
        return 0;    /* the cap: later negative ticks are not used */
    if (T != tr->last_neg_T) {
        tr->last_neg_T = T;
        tr->neg_time += tr->o.every;
    }
    neg_row row = {(uint32_t)tr->episodes, si, T, {0}};
    memcpy(row.f, f, sizeof row.f);
    int rc = tr->negf ? 0 : temp_file(&tr->negf, err);
    if (!rc)
        rc = aiops_limit_spill(sizeof row, err);
    if (!rc && fwrite(&row, sizeof row, 1, tr->negf) != 1)
        rc = temp_fail("cannot write", err);
    if (!rc)
        tr->nneg++;
    return rc;
}

int aiops_predict_trainer_begin(aiops_predict_trainer *tr, const aiops_predict_limits *limits,
                                aiops_series_table *tab, aiops_err *err)
{
    if (tr->open)
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "an episode is already open");
    free_labels(tr);
    tr->open = 1;
    tr->last_neg_T = NAN;
    tr->episodes++;
    return pf_init(&tr->e, &tr->o, limits, tab, on_tick, tr, err);
}

int aiops_predict_trainer_label(aiops_predict_trainer *tr, const json_t *label, aiops_err *err)
{
    aiops_jdoc d = {.err = err};
    tr_label l = {0};
    const char *root = NULL;
    double declared = NAN;
    int rc = aiops_jdoc_time(&d, label, "start", AIOPS_JDOC_REQUIRED, &l.start);
    l.end = l.start;
    if (rc >= 0)
        rc = aiops_jdoc_time(&d, label, "end", 0, &l.end);
    if (rc >= 0)
        rc = aiops_jdoc_time(&d, label, "declared", 0, &declared);
    if (rc >= 0)
        rc = aiops_jdoc_str(&d, label, "root_cause", 0, &root);
    if (rc < 0)
        return rc;
    if (tr->total_labels == MAX_LABELS)
        return aiops_err_set(err, AIOPS_ELIMIT, NULL, 0, "more than %d labels", MAX_LABELS);
    l.deadline = isnan(declared) ? l.start : declared;
    l.end = fmax(l.end, l.deadline);
    l.gid = tr->total_labels++;
    if (root && *root && !(l.root = strdup(root)))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (AIOPS_GROW(tr->lab, tr->caplab, tr->nlab + 1)) {
        free(l.root);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    tr->lab[tr->nlab++] = l;
    return 0;
}

int aiops_predict_trainer_add(aiops_predict_trainer *tr, const aiops_record *rec, aiops_err *err)
{
    return tr->open ? pf_add(&tr->e, rec, err) : aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "no episode open");
}

int aiops_predict_trainer_end(aiops_predict_trainer *tr, aiops_err *err)
{
    if (!tr->open)
        return 0;
    int rc = pf_finish(&tr->e, err);
    pf_free(&tr->e);
    tr->open = 0;
    return rc;
}

/* The lead of each incident: its first debounced warning in the trace. */
static json_t *leads_report(aiops_predict_trainer *tr, aiops_predict_model *m)
{
    double *lead = malloc((tr->total_labels + 1) * sizeof *lead);
    size_t nl = 0;
    for (size_t i = 0; lead && i < tr->ntr;) {
        size_t j = i;
        double above = NAN, found = NAN;
        for (; j < tr->ntr && tr->tr[j].gid == tr->tr[i].gid; j++) {
            if (!isnan(found))
                continue;
            if (aiops_predict_model_prob(m, tr->tr[j].f) >= m->threshold) {
                if (isnan(above))
                    above = tr->tr[j].T;
                if (tr->tr[j].T - above >= tr->o.hold)
                    found = tr->tr[j].deadline - tr->tr[j].T;
            } else
                above = NAN;
        }
        if (!isnan(found))
            lead[nl++] = found;
        i = j;
    }
    m->lead_median = nl ? aiops_quantile(lead, nl, 0.5) : NAN;
    m->lead_lo = nl ? aiops_quantile(lead, nl, 0.1) : NAN;
    m->lead_hi = nl ? aiops_quantile(lead, nl, 0.9) : NAN;
    free(lead);
    json_t *o = json_object();
    json_object_set_new(o, "incidents", json_integer((json_int_t)tr->total_labels));
    json_object_set_new(o, "warned", json_integer((json_int_t)nl));
    json_object_set_new(o, "median", nl ? json_real(m->lead_median) : json_null());
    json_object_set_new(o, "p10", nl ? json_real(m->lead_lo) : json_null());
    json_object_set_new(o, "p90", nl ? json_real(m->lead_hi) : json_null());
    return o;
}

static json_t *importance(const aiops_predict_model *m)
{
    int idx[NF];
    for (int k = 0; k < NF; k++)
        idx[k] = k;
    for (int a = 1; a < NF; a++)
        for (int b = a; b > 0 && fabs(m->coef[idx[b] + 1]) > fabs(m->coef[idx[b - 1] + 1]); b--) {
            int t = idx[b];
            idx[b] = idx[b - 1];
            idx[b - 1] = t;
        }
    json_t *a = json_array();
    for (int k = 0; k < NF; k++) {
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(aiops_predict_feature_name(idx[k])));
        json_object_set_new(o, "coef", json_real(m->coef[idx[k] + 1]));
        json_array_append_new(a, o);
    }
    return a;
}

/* The rungs of the threshold ladder: 1 - 0.5 * 10^(-k/20), k = 0..80
 * (0.5 ... 0.99995). */
#define RUNGS 81

static double rung(int k)
{
    return 1 - 0.5 * pow(10, -k / 20.0);
}

/* Debounce state of one service at each rung. */
typedef struct fw_state {
    double prev_T;               /* its last negative tick (NaN: none yet) */
    double above[RUNGS];         /* since when at or above the rung (NaN: below) */
    unsigned char warned[RUNGS];
} fw_state;

/* One pass over the spilled negative ticks: their probability under m, and
 * the warnings the debounce would give at each rung, counted into
 * nw[RUNGS]: runs of consecutive ticks (of a service, at most 1.5 ticks
 * apart) at or above the rung that last at least hold.  The state is kept
 * per service, so memory grows with the services, not with the ticks. */
static int false_warnings(aiops_predict_trainer *tr, const aiops_predict_model *m, size_t *nw, aiops_err *err)
{
    fw_state *st = NULL;
    size_t nst = 0, cap = 0;
    uint32_t ep = UINT32_MAX;
    neg_row row;
    memset(nw, 0, RUNGS * sizeof *nw);
    if (fseek(tr->negf, 0, SEEK_SET))
        return temp_fail("cannot rewind", err);
    for (size_t i = 0; i < tr->nneg; i++) {
        errno = 0;
        if (fread(&row, sizeof row, 1, tr->negf) != 1) {
            free(st);
            return temp_fail("cannot read", err);
        }
        if (row.ep != ep)
            nst = 0;    /* services are numbered per episode */
        ep = row.ep;
        if (row.svc >= nst) {
            if (AIOPS_GROW(st, cap, (size_t)row.svc + 1)) {
                free(st);
                return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
            }
            for (; nst <= row.svc; nst++) {
                st[nst].prev_T = NAN;
                for (int k = 0; k < RUNGS; k++) {
                    st[nst].above[k] = NAN;
                    st[nst].warned[k] = 0;
                }
            }
        }
        fw_state *s = &st[row.svc];
        int same = !isnan(s->prev_T) && row.T - s->prev_T <= tr->o.every * 1.5;
        s->prev_T = row.T;
        double p = aiops_predict_model_prob(m, row.f);
        for (int k = 0; k < RUNGS; k++) {
            if (!same) {
                s->above[k] = NAN;
                s->warned[k] = 0;
            }
            if (p >= rung(k)) {
                if (isnan(s->above[k]))
                    s->above[k] = row.T;
                if (!s->warned[k] && row.T - s->above[k] >= tr->o.hold) {
                    s->warned[k] = 1;
                    nw[k]++;
                }
            } else {
                s->above[k] = NAN;
                s->warned[k] = 0;
            }
        }
    }
    free(st);
    return 0;
}

/* The lowest rung whose false warnings per day on the negative ticks are
 * at most the target (the top rung when none is). */
static int tune_threshold(aiops_predict_trainer *tr, aiops_predict_model *m, double *fpd, aiops_err *err)
{
    size_t nw[RUNGS];
    int rc = false_warnings(tr, m, nw, err);
    if (rc)
        return rc;
    double days = tr->neg_time / 86400;
    for (int k = 0; k < RUNGS; k++) {
        *fpd = days > 0 ? (double)nw[k] / days : 0;
        m->threshold = rung(k);
        if (*fpd <= tr->o.false_per_day)
            break;
    }
    return 0;
}

/* A partial Fisher-Yates shuffle of 0..n-1 that stores only the entries it
 * moved (at most 2k of them): open addressing, key+1 (0: empty). */
typedef struct perm_map {
    size_t *key, *val, mask;
} perm_map;

static size_t *perm_slot(perm_map *pm, size_t i)
{
    size_t h = (i * 0x9e3779b97f4a7c15ULL) >> 7 & pm->mask;
    while (pm->key[h] && pm->key[h] != i + 1)
        h = (h + 1) & pm->mask;
    if (!pm->key[h]) {
        pm->key[h] = i + 1;
        pm->val[h] = i;    /* untouched entries hold their own index */
    }
    return &pm->val[h];
}

typedef struct pick {
    size_t row, at;
} pick;

static int by_row(const void *a, const void *b)
{
    const pick *x = a, *y = b;
    return x->row < y->row ? -1 : x->row > y->row;
}

/* The training rows: all positives, then k negatives drawn (seeded) from
 * the spilled ones, read back in one pass in file order. */
static int build_rows(aiops_predict_trainer *tr, size_t k, aiops_err *err)
{
    size_t n = tr->npos + k, slots = 16;
    while (slots < 4 * k + 4)
        slots *= 2;
    perm_map pm = {calloc(slots, sizeof(size_t)), malloc(slots * sizeof(size_t)), slots - 1};
    pick *pk = malloc((k + 1) * sizeof *pk);
    tr->X = malloc(n * NF * sizeof *tr->X);
    tr->y = malloc(n * sizeof *tr->y);
    tr->w = malloc(n * sizeof *tr->w);
    int rc = pm.key && pm.val && pk && tr->X && tr->y && tr->w
                 ? 0 : aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; !rc && i < k; i++) {     /* partial Fisher-Yates */
        size_t j = i + (size_t)(next_rand(&tr->rng) % (tr->nneg - i));
        size_t *a = perm_slot(&pm, i), *b = perm_slot(&pm, j), t = *a;
        *a = *b;
        *b = t;
    }
    for (size_t i = 0; !rc && i < k; i++)
        pk[i] = (pick){*perm_slot(&pm, i), i};
    if (!rc)
        qsort(pk, k, sizeof *pk, by_row);
    if (!rc && fseek(tr->negf, 0, SEEK_SET))
        rc = temp_fail("cannot rewind", err);
    neg_row row;
    for (size_t i = 0, r = 0; !rc && i < k; r++) {
        errno = 0;
        if (fread(&row, sizeof row, 1, tr->negf) != 1)
            rc = temp_fail("cannot read", err);
        for (; !rc && i < k && pk[i].row == r; i++) {
            size_t at = tr->npos + pk[i].at;
            memcpy(tr->X + at * NF, row.f, NF * sizeof *tr->X);
            tr->y[at] = 0;
            tr->w[at] = (double)tr->npos / (double)k;
        }
    }
    free(pm.key);
    free(pm.val);
    free(pk);
    if (rc)
        return rc;
    memcpy(tr->X, tr->pos, tr->npos * NF * sizeof *tr->X);
    for (size_t i = 0; i < tr->npos; i++) {
        tr->y[i] = 1;
        tr->w[i] = 1;
    }
    tr->nrows = n;
    return 0;
}

int aiops_predict_trainer_fit(aiops_predict_trainer *tr, aiops_predict_model *m, json_t **report,
                              aiops_err *err)
{
    *report = NULL;
    memset(m, 0, sizeof *m);
    if (tr->npos == 0)
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "no positive windows: the labels need a root_cause service with samples "
                             "and a deadline inside the input");
    if (tr->nneg == 0)
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "no negative windows: nothing in the input is %gs away from every label",
                             tr->o.neg_gap);
    size_t k = (size_t)ceil(tr->o.neg_ratio * (double)tr->npos);
    if (k > tr->nneg)
        k = tr->nneg;
    int rc = build_rows(tr, k, err);
    if (rc)
        return rc;
    size_t n = tr->nrows;
    double *Z = malloc(n * NF * sizeof *Z);
    if (!Z)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    for (int j = 0; j < NF; j++) {
        double s = 0, ss = 0;
        for (size_t i = 0; i < n; i++)
            s += tr->X[i * NF + j];
        m->mean[j] = s / (double)n;
        for (size_t i = 0; i < n; i++)
            ss += (tr->X[i * NF + j] - m->mean[j]) * (tr->X[i * NF + j] - m->mean[j]);
        m->sd[j] = n > 1 ? sqrt(ss / (double)(n - 1)) : 0;
        if (!(m->sd[j] > 1e-9))
            m->sd[j] = 1;
        for (size_t i = 0; i < n; i++)
            Z[i * NF + j] = (tr->X[i * NF + j] - m->mean[j]) / m->sd[j];
    }
    int iters = 0;
    double loss = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = aiops_logit_fit(Z, tr->y, tr->w, n, NF, tr->o.lambda, m->coef, &iters, &loss, err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    free(Z);
    if (rc)
        return rc;
    m->nf = NF;
    m->window = tr->o.window;
    m->every = tr->o.every;
    m->lambda = tr->o.lambda;
    double fpd = 0;
    if ((rc = tune_threshold(tr, m, &fpd, err)))
        return rc;
    json_t *o = json_object();
    if (!o)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    json_object_set_new(o, "episodes", json_integer((json_int_t)tr->episodes));
    json_object_set_new(o, "positives", json_integer((json_int_t)tr->npos));
    json_object_set_new(o, "negatives", json_integer((json_int_t)k));
    json_object_set_new(o, "negative_ticks", json_integer((json_int_t)tr->seen_neg));
    json_object_set_new(o, "negative_days", json_real(tr->neg_time / 86400));
    json_object_set_new(o, "false_per_day", json_real(fpd));
    json_object_set_new(o, "iterations", json_integer(iters));
    json_object_set_new(o, "loss", json_real(loss));
    json_object_set_new(o, "fit_seconds",
                        json_real((double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec)));
    json_object_set_new(o, "importance", importance(m));
    json_object_set_new(o, "leads", leads_report(tr, m));
    *report = o;
    return 0;
}

int aiops_predict_trainer_dump(const aiops_predict_trainer *tr, const char *path, aiops_err *err)
{
    aiops_ofile of;
    int rc = aiops_ofile_open(&of, path, err);
    FILE *f = rc ? NULL : aiops_ofile_fp(&of, err);
    if (!f) {
        aiops_ofile_abort(&of);
        return rc ? rc : AIOPS_ENOMEM;
    }
    fprintf(f, "y,w");
    for (int j = 0; j < NF; j++)
        fprintf(f, ",%s", aiops_predict_feature_name(j));
    fputc('\n', f);
    for (size_t i = 0; i < tr->nrows; i++) {
        fprintf(f, "%g,%.17g", tr->y[i], tr->w[i]);
        for (int j = 0; j < NF; j++)
            fprintf(f, ",%.17g", tr->X[i * NF + j]);
        fputc('\n', f);
    }
    return aiops_ofile_commit(&of, err);
}
