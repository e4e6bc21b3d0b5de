/* predict_train.c - training rows and the fit.
 *
 * Positives: for each label with a root_cause service, the ticks whose
 * window ends `lead` before its deadline (declared, else start), one per
 * lead of o->leads, for that service.  Negatives: ticks of any service at
 * least neg_gap away from every label of the episode ([start - gap,
 * end + gap] excluded), the first max_rows of them kept in order; from
 * them neg_ratio x positives are drawn (seeded), weighted so that both
 * classes carry the same total weight.  The threshold is the lowest of a
 * ladder from 0.5 up whose debounced warnings on all kept negative ticks
 * come to at most false_per_day per day of them.  The lead-time report replays each training incident's
 * root service over the `lookback` before its deadline: the first warning
 * the debounced threshold gives. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/array.h"
#include "common/jdoc.h"
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

typedef struct neg_key {
    uint32_t ep, svc;
    double T, p;
} neg_key;

struct aiops_predict_trainer {
    aiops_predict_opts o;
    pf_engine e;
    int open;
    tr_label *lab;
    size_t nlab, caplab, total_labels, episodes;
    double *pos;                 /* npos rows of NF */
    size_t npos, cappos;
    double *neg;                 /* negative ticks in input order: nneg rows of NF */
    size_t nneg, capneg;
    neg_key *nk;                 /* their episode, service and time */
    size_t capnk;
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
    free(tr->neg);
    free(tr->nk);
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
    if (AIOPS_GROW(tr->nk, tr->capnk, tr->nneg + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    tr->nk[tr->nneg] = (neg_key){(uint32_t)tr->episodes, si, T, 0};
    if (push_row(&tr->neg, &tr->nneg, &tr->capneg, f))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    return 0;
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

static int by_service_time(const void *a, const void *b)
{
    const neg_key *x = a, *y = b;
    if (x->ep != y->ep)
        return x->ep < y->ep ? -1 : 1;
    if (x->svc != y->svc)
        return x->svc < y->svc ? -1 : 1;
    return x->T < y->T ? -1 : x->T > y->T;
}

/* Warnings the debounce gives on the negative ticks (sorted by episode,
 * service, time) at threshold thr: runs of consecutive ticks at or above
 * it that last at least hold. */
static size_t false_warnings(const aiops_predict_trainer *tr, double thr)
{
    size_t n = 0;
    int warned = 0;
    double above = NAN;
    for (size_t i = 0; i < tr->nneg; i++) {
        const neg_key *k = &tr->nk[i];
        int same = i && k->ep == k[-1].ep && k->svc == k[-1].svc && k->T - k[-1].T <= tr->o.every * 1.5;
        if (!same) {
            above = NAN;
            warned = 0;
        }
        if (k->p >= thr) {
            if (isnan(above))
                above = k->T;
            if (!warned && k->T - above >= tr->o.hold) {
                warned = 1;
                n++;
            }
        } else {
            above = NAN;
            warned = 0;
        }
    }
    return n;
}

/* The lowest threshold of the ladder 1 - 0.5 * 10^(-k/20), k = 0..80
 * (0.5 ... 0.99995), whose false warnings per day on the negative ticks
 * are at most the target. */
static int tune_threshold(aiops_predict_trainer *tr, aiops_predict_model *m, double *fpd, aiops_err *err)
{
    (void)err;
    for (size_t i = 0; i < tr->nneg; i++)
        tr->nk[i].p = aiops_predict_model_prob(m, tr->neg + i * NF);
    qsort(tr->nk, tr->nneg, sizeof *tr->nk, by_service_time);
    double days = tr->neg_time / 86400;
    for (int k = 0; k <= 80; k++) {
        double thr = 1 - 0.5 * pow(10, -k / 20.0);
        *fpd = days > 0 ? (double)false_warnings(tr, thr) / days : 0;
        m->threshold = thr;
        if (*fpd <= tr->o.false_per_day)
            break;
    }
    return 0;
}

/* The training rows: all positives, k negatives drawn from the reservoir. */
static int build_rows(aiops_predict_trainer *tr, size_t k, aiops_err *err)
{
    size_t n = tr->npos + k;
    size_t *perm = malloc((tr->nneg + 1) * sizeof *perm);
    tr->X = malloc(n * NF * sizeof *tr->X);
    tr->y = malloc(n * sizeof *tr->y);
    tr->w = malloc(n * sizeof *tr->w);
    if (!perm || !tr->X || !tr->y || !tr->w) {
        free(perm);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    for (size_t i = 0; i < tr->nneg; i++)
        perm[i] = i;
    for (size_t i = 0; i < k; i++) {     /* partial Fisher-Yates */
        size_t j = i + (size_t)(next_rand(&tr->rng) % (tr->nneg - i)), t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    memcpy(tr->X, tr->pos, tr->npos * NF * sizeof *tr->X);
    for (size_t i = 0; i < tr->npos; i++) {
        tr->y[i] = 1;
        tr->w[i] = 1;
    }
    for (size_t i = 0; i < k; i++) {
        memcpy(tr->X + (tr->npos + i) * NF, tr->neg + perm[i] * NF, NF * sizeof *tr->X);
        tr->y[tr->npos + i] = 0;
        tr->w[tr->npos + i] = (double)tr->npos / (double)k;
    }
    tr->nrows = n;
    free(perm);
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
