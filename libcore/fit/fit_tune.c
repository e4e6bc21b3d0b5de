/* fit_tune.c - aiops-fit --tune: grid search of each model's sensitivity
 * against labelled incidents, in one streaming pass.
 *
 * When a series finishes training, its model is fitted once more per grid
 * point (ewma, likelihood: k x alpha; robust: k; seasonal, sarima, holtwinters: the
 * interval width), and all candidates score the rest of the stream side
 * by side, each with its own debouncer, keeping only the times their
 * events fired.  At the end the candidates are compared by the objective
 * (score.h: event-wise detection stats or the NAB score) per series, or
 * per metric name and model, the best one stays, and a `tune` record
 * reports the objective before (candidate 0 = the given parameters) and
 * after.  Memory per series: the candidates' states and fire times, plus
 * the timestamps (training and scored) for the NAB objective. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "fit/fit_internal.h"
#include "score/score.h"

#define MAX_GRID 48

/* The grids reach far into the tails (k 15, width 1 - 1e-9 ~ 6.1 sigma):
 * on noisy real data (NAB) the best settings lie there. */
static const double K_GRID[] = {1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 8, 10, 15};
static const double ALPHA_GRID[] = {0.02, 0.05, 0.1, 0.3};
static const double WIDTH_GRID[] = {0.8,      0.9,      0.95,      0.98,
                                    0.99,     0.995,    0.999,     0.9999,
                                    0.99999,  0.999999, 0.9999999, 0.999999999};
#define NK (sizeof K_GRID / sizeof K_GRID[0])
#define NA (sizeof ALPHA_GRID / sizeof ALPHA_GRID[0])
#define NW (sizeof WIDTH_GRID / sizeof WIDTH_GRID[0])

int aiops_fit_objective_parse(const char *s, aiops_fit_objective *o, aiops_err *err)
{
    memset(o, 0, sizeof *o);
    if (strcmp(s, "f1") == 0)
        return 0;
    if (strcmp(s, "nab") == 0) {
        o->kind = AIOPS_OBJ_NAB;
        return 0;
    }
    const char *pre = "recall-at-fa:";
    if (strncmp(s, pre, strlen(pre)) == 0) {
        const char *n = s + strlen(pre);
        o->kind = AIOPS_OBJ_RECALL_AT_FA;
        if (*n && !aiops_parse_double(n, strlen(n), &o->max_fa) && o->max_fa >= 0 &&
            isfinite(o->max_fa))
            return 0;
    }
    return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                         "expected f1, nab or recall-at-fa:N (N false alarms per day >= 0), "
                         "got '%s'", s);
}

static int is_interval(const char *m)
{
    return !strcmp(m, "seasonal") || !strcmp(m, "sarima") || !strcmp(m, "holtwinters");
}

/* Candidate 0: the given parameters with the documented defaults of the
 * tuned knobs spelled out (so reports and saved files show them). */
static void base_params(const char *model, aiops_model_params *p)
{
    if (is_interval(model) && isnan(p->width))
        p->width = 0.99;
    int lik = !strcmp(model, "likelihood");
    if (!is_interval(model) && isnan(p->k))
        p->k = lik ? AIOPS_LIK_DEFAULT_K : 3;
    if (!strcmp(model, "ewma") && isnan(p->alpha))
        p->alpha = 0.1;
    if (lik && isnan(p->alpha))
        p->alpha = AIOPS_LIK_DEFAULT_ALPHA;
}

static size_t grid(const char *model, const aiops_model_params *base, aiops_model_params *out)
{
    size_t n = 0;
    if (!strcmp(model, "ewma") || !strcmp(model, "likelihood")) {
        for (size_t i = 0; i < NK; i++)
            for (size_t j = 0; j < NA; j++) {
                out[n] = *base;
                out[n].k = K_GRID[i];
                out[n++].alpha = ALPHA_GRID[j];
            }
    } else if (!strcmp(model, "robust")) {
        for (size_t i = 0; i < NK; i++) {
            out[n] = *base;
            out[n++].k = K_GRID[i];
        }
    } else if (is_interval(model)) {
        for (size_t i = 0; i < NW; i++) {
            out[n] = *base;
            out[n++].width = WIDTH_GRID[i];
        }
    }
    return n;
}

/* The series has one fitted detector (its model); add the grid. */
int fit_tune_expand(aiops_fit *f, fit_series *s, aiops_err *err)
{
    aiops_model_params g[MAX_GRID];
    fit_det *b = &s->det[0];
    base_params(b->ops->name, &b->params);
    /* refit the base with its defaults spelled out: same model, same data */
    b->ops->destroy(b->m);
    b->m = b->ops->create(&b->params, err);
    if (!b->m || b->ops->fit(b->m, s->tbuf, s->vbuf, s->n, err))
        return err->code ? err->code : AIOPS_EINVAL;
    /* NAB rows are the series' rows from its first point, as aiops-eval
     * counts them: the probation is 15% of them, not of the scored part */
    for (size_t i = 0; f->o.objective.kind == AIOPS_OBJ_NAB && i < s->n; i++) {
        int rc = fit_tune_record(s, NULL, s->tbuf[i], AIOPS_DB_NONE, 1, err);
        if (rc)
            return rc;
    }
    size_t n = grid(b->ops->name, &b->params, g);
    fit_det *cand;
    int rc = fit_det_add(s, n, &cand, err);
    b = &s->det[0];              /* the array may have moved */
    for (size_t i = 0; !rc && i < n; i++) {
        fit_det *d = &cand[i];
        d->ops = b->ops;
        d->params = g[i];
        d->db = b->db;
        rc = fit_det_set_reason(d, b->reason, err);
        if (!rc && !(d->m = d->ops->create(&d->params, err)))
            rc = err->code ? err->code : aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        if (!rc)
            rc = d->ops->fit(d->m, s->tbuf, s->vbuf, s->n, err);
    }
    return rc;
}

static int push_time(double **a, size_t *n, size_t *cap, double t, aiops_err *err)
{
    if (AIOPS_GROW(*a, *cap, *n + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    (*a)[(*n)++] = t;
    return 0;
}

int fit_tune_record(fit_series *s, fit_det *d, double t, aiops_db_action act, int want_ts,
                    aiops_err *err)
{
    if (want_ts)    /* equal times are one row, as in aiops-eval */
        return s->nsts && s->sts[s->nsts - 1] >= t
                   ? 0
                   : push_time(&s->sts, &s->nsts, &s->capsts, t, err);
    if (act == AIOPS_DB_FIRE)
        return push_time(&d->fires, &d->nfires, &d->capfires, t, err);
    return 0;
}

/* ---- labels */

void fit_labels_free(aiops_fit *f)
{
    for (size_t i = 0; i < f->nlab; i++) {
        json_decref(f->lab[i].series);
        json_decref(f->lab[i].affected);
        free(f->lab[i].root);
    }
    free(f->lab);
    f->lab = NULL;
    f->nlab = f->caplab = 0;
}

static int label_time(const json_t *v, double *out)
{
    if (json_is_number(v)) {
        *out = json_number_value(v);
        return isfinite(*out) ? 0 : -1;
    }
    const char *s = json_string_value(v);
    return s ? aiops_parse_time(s, strlen(s), out) : -1;
}

static int label_add(aiops_fit *f, const aiops_record *r, const char *path, aiops_err *err)
{
    fit_label l = {0};
    if (label_time(json_object_get(r->obj, "start"), &l.start) ||
        label_time(json_object_get(r->obj, "end"), &l.end) || l.end < l.start)
        return aiops_err_set(err, AIOPS_EPARSE, path, 0,
                             "label at ts %.17g: expected numbers start <= end", r->ts);
    json_t *ser = json_object_get(r->obj, "series");
    json_t *aff = json_object_get(r->obj, "affected");
    const char *root = json_string_value(json_object_get(r->obj, "root_cause"));
    l.root = root ? strdup(root) : NULL;
    if ((root && !l.root) || AIOPS_GROW(f->lab, f->caplab, f->nlab + 1)) {
        free(l.root);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    l.series = json_is_array(ser) ? json_incref(ser) : NULL;
    l.affected = json_is_array(aff) ? json_incref(aff) : NULL;
    f->lab[f->nlab++] = l;
    return 0;
}

int aiops_fit_load_labels(aiops_fit *f, const char *path, aiops_err *err)
{
    aiops_reader *rd = NULL;
    aiops_reader_opts ro = {0};
    const char *paths[] = {path};
    int rc = aiops_reader_new(&rd, paths, 1, f->tab, &ro, err);
    aiops_record r;
    size_t n = 0;
    while (!rc && (rc = aiops_reader_next(rd, &r, err)) == 1) {
        rc = 0;
        if (r.type == AIOPS_R_LABEL) {
            rc = label_add(f, &r, path, err);
            n++;
        }
        aiops_record_clear(&r);
    }
    aiops_reader_free(rd);
    if (!rc && n == 0)
        rc = aiops_err_set(err, AIOPS_EPARSE, path, 0, "expected label records, found none");
    return rc ? rc : (int)n;
}

static int json_has_string(const json_t *arr, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
            return 1;
    }
    return 0;
}

static int label_applies(const fit_label *l, const aiops_series *se)
{
    if (l->series)
        return json_has_string(l->series, se->text);
    const char *svc = aiops_series_service(se);
    if (!svc || (!l->root && !l->affected))
        return 1;
    return (l->root && strcmp(l->root, svc) == 0) || (l->affected && json_has_string(l->affected, svc));
}

/* Label windows of a series: clipped to its scored span (detection
 * stats), or all of them as aiops-eval takes them (NAB: its rows start at
 * the series' first point, and the probation deals with early windows). */
static size_t series_windows(const aiops_fit *f, const aiops_series *se, const fit_series *s,
                             int clip, aiops_window *out)
{
    size_t n = 0;
    for (size_t i = 0; i < f->nlab; i++) {
        const fit_label *l = &f->lab[i];
        if (!label_applies(l, se))
            continue;
        if (!clip) {
            out[n++] = (aiops_window){l->start, l->end};
            continue;
        }
        if (l->end < s->first_scored || l->start > s->last_ts)
            continue;
        out[n].start = l->start < s->first_scored ? s->first_scored : l->start;
        out[n++].end = l->end;
    }
    return n;
}

/* ---- evaluation */

typedef struct agg {
    size_t windows, detected, alarms, true_alarms, false_alarms;
    double span, nab_raw;
    size_t nab_windows;
    double value, precision, recall, fa_day;
} agg;

static int eval_nab(const fit_series *s, const fit_det *d, const aiops_window *win, size_t nwin,
                    agg *a, aiops_err *err)
{
    unsigned char *det = calloc(s->nsts ? s->nsts : 1, 1);
    aiops_window *w = malloc((nwin ? nwin : 1) * sizeof *w);
    if (!det || !w) {
        free(det);
        free(w);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    memcpy(w, win, nwin * sizeof *w);
    size_t nw = aiops_nab_windows_prepare(w, nwin);
    aiops_nab_mark(s->sts, s->nsts, d->fires, d->nfires, det);
    aiops_nab_result res;
    int rc = aiops_nab_score(s->sts, det, s->nsts, w, nw, aiops_nab_profile_find("standard"), &res,
                             err);
    if (!rc) {
        a->nab_raw += res.score;
        a->nab_windows += res.windows;
    }
    free(det);
    free(w);
    return rc;
}

/* win: room for every label window; holds the clipped windows on entry. */
static int eval_series(const aiops_fit *f, const aiops_series *se, const fit_series *s,
                       const fit_det *d, aiops_window *win, size_t nwin, agg *a, aiops_err *err)
{
    aiops_detect_opts o = {0};
    o.span = s->last_ts - s->first_scored;
    if (!(o.span > 0))
        o.span = 1;
    aiops_detect_stats st;
    int rc = aiops_score_detect(win, nwin, d->fires, d->nfires, &o, &st, NULL, err);
    if (rc)
        return rc;
    a->windows += st.windows;
    a->detected += st.detected;
    a->alarms += st.alarms;
    a->true_alarms += st.true_alarms;
    a->false_alarms += st.false_alarms;
    a->span += st.span;
    if (f->o.objective.kind != AIOPS_OBJ_NAB)
        return 0;
    nwin = series_windows(f, se, s, 0, win);
    return eval_nab(s, d, win, nwin, a, err);
}

/* The group's objective from the summed counts (micro-average): equal to
 * score.h's figures for a group of one series. */
static void finish_agg(const aiops_fit_objective *obj, agg *a)
{
    a->precision = a->alarms ? (double)a->true_alarms / (double)a->alarms : NAN;
    a->recall = a->windows ? (double)a->detected / (double)a->windows : NAN;
    a->fa_day = a->span > 0 ? (double)a->false_alarms / (a->span / 86400) : NAN;
    if (!a->windows) {
        a->value = NAN;
        return;
    }
    switch (obj->kind) {
    case AIOPS_OBJ_F1: {
        double p = a->precision, r = a->recall;
        a->value = !isnan(p) && p + r > 0 ? 2 * p * r / (p + r) : 0;
        break;
    }
    case AIOPS_OBJ_NAB:
        a->value = aiops_nab_normalize(a->nab_raw, a->nab_windows, aiops_nab_profile_find("standard"));
        break;
    case AIOPS_OBJ_RECALL_AT_FA:
        /* feasible candidates by recall; infeasible ones rank below all of
         * them, the fewest false alarms first */
        a->value = a->fa_day <= obj->max_fa ? a->recall : -1 - a->fa_day;
        break;
    }
}

/* ---- groups */

typedef struct member {
    uint32_t sid;
    const char *key1, *key2;  /* series text, or metric name + model */
} member;

static int cmp_member(const void *x, const void *y)
{
    const member *a = x, *b = y;
    int c = strcmp(a->key1, b->key1);
    if (!c)
        c = strcmp(a->key2, b->key2);
    return c ? c : (a->sid > b->sid) - (a->sid < b->sid);
}

static int same_group(const member *a, const member *b)
{
    return !strcmp(a->key1, b->key1) && !strcmp(a->key2, b->key2);
}

static int group_eval(aiops_fit *f, const member *m, size_t n, size_t c, aiops_window *win,
                      agg *a, aiops_err *err)
{
    memset(a, 0, sizeof *a);
    for (size_t i = 0; i < n; i++) {
        fit_series *s = &f->s[m[i].sid];
        const aiops_series *se = aiops_series_get(f->tab, m[i].sid);
        size_t nw = series_windows(f, se, s, 1, win);
        int rc = eval_series(f, se, s, &s->det[c], win, nw, a, err);
        if (rc)
            return rc;
    }
    finish_agg(&f->o.objective, a);
    return 0;
}

/* Higher objective wins; ties go to fewer alarms, then the earlier. */
static int better(const agg *x, const agg *best)
{
    if (isnan(x->value))
        return 0;
    if (isnan(best->value) || x->value > best->value + 1e-12)
        return 1;
    return fabs(x->value - best->value) <= 1e-12 && x->alarms < best->alarms;
}

static void keep_only(fit_series *s, size_t c)
{
    fit_det keep = s->det[c];
    for (size_t i = 0; i < s->ndet; i++)
        if (i != c)
            fit_det_clear(&s->det[i]);
    s->det[0] = keep;
    s->ndet = 1;
}

static void set_stat(json_t *o, const char *k, double v)
{
    json_object_set_new(o, k, isfinite(v) ? json_real(v) : json_null());
}

/* value: the objective; for recall-at-fa null when the false-alarm bound
 * is not met (the ranking value below -1 is internal).  A NAB score below
 * 0 (worse than detecting nothing) is a real value and is kept. */
static json_t *agg_json(const agg *a, const aiops_model_params *p, aiops_objective_kind kind)
{
    json_t *o = json_object();
    int internal = kind == AIOPS_OBJ_RECALL_AT_FA && a->value < 0;
    json_object_set_new(o, "params", aiops_fit_params_to_json(p));
    set_stat(o, "value", internal ? NAN : a->value);
    set_stat(o, "precision", a->precision);
    set_stat(o, "recall", a->recall);
    set_stat(o, "false_per_day", a->fa_day);
    json_object_set_new(o, "alarms", json_integer((json_int_t)a->alarms));
    json_object_set_new(o, "detected", json_integer((json_int_t)a->detected));
    json_object_set_new(o, "windows", json_integer((json_int_t)a->windows));
    return o;
}

static const char *objective_name(const aiops_fit_objective *o, char *buf, size_t n)
{
    if (o->kind == AIOPS_OBJ_F1)
        return "f1";
    if (o->kind == AIOPS_OBJ_NAB)
        return "nab";
    char num[40];
    aiops_fmt_double(o->max_fa, num);
    snprintf(buf, n, "recall-at-fa:%s", num);
    return buf;
}

static int emit_tune(aiops_fit *f, const member *m, size_t n, double ts, const agg *before,
                     const agg *after, const aiops_model_params *pb, const aiops_model_params *pa,
                     aiops_err *err)
{
    char ob[64];
    json_t *o = json_object();
    if (!o)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    json_object_set_new(o, "type", json_string("tune"));
    json_object_set_new(o, "ts", json_real(ts));
    json_object_set_new(o, f->o.tune_by_name ? "name" : "series", json_string(m[0].key1));
    json_object_set_new(o, "model", json_string(f->s[m[0].sid].det[0].ops->name));
    json_object_set_new(o, "series_count", json_integer((json_int_t)n));
    json_object_set_new(o, "objective", json_string(objective_name(&f->o.objective, ob, sizeof ob)));
    json_object_set_new(o, "before", agg_json(before, pb, f->o.objective.kind));
    json_object_set_new(o, "after", agg_json(after, pa, f->o.objective.kind));
    if (isnan(after->value))
        json_object_set_new(o, "note", json_string("no label windows in the scored span: kept"));
    aiops_record r = {.type = AIOPS_R_OTHER, .ts = ts, .value = NAN, .obj = o};
    int rc = f->emit(f->ctx, &r, err);
    json_decref(o);
    return rc;
}

static int tune_group(aiops_fit *f, const member *m, size_t n, double ts, aiops_window *win,
                      aiops_err *err)
{
    size_t nc = f->s[m[0].sid].det[0].ops ? f->s[m[0].sid].ndet : 0, best = 0;
    agg before, cur, top;
    int rc = group_eval(f, m, n, 0, win, &before, err);
    top = before;
    for (size_t c = 1; !rc && c < nc; c++) {
        rc = group_eval(f, m, n, c, win, &cur, err);
        if (!rc && better(&cur, &top)) {
            top = cur;
            best = c;
        }
    }
    if (rc)
        return rc;
    aiops_model_params pb = f->s[m[0].sid].det[0].params, pa = f->s[m[0].sid].det[best].params;
    for (size_t i = 0; i < n; i++)
        keep_only(&f->s[m[i].sid], best);
    return emit_tune(f, m, n, ts, &before, &top, &pb, &pa, err);
}

int fit_tune_finish(aiops_fit *f, aiops_err *err)
{
    size_t n = 0, maxw = f->nlab ? f->nlab : 1;
    double ts = f->max_ts;
    member *m = malloc((f->ns ? f->ns : 1) * sizeof *m);
    aiops_window *win = malloc(maxw * sizeof *win);
    int rc = m && win ? 0 : aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; !rc && i < f->ns; i++) {
        fit_series *s = &f->s[i];
        if (s->state != FS_SCORE || s->ndet < 2 || s->det[0].rule || s->det[0].rule_text)
            continue;
        if (!s->nscored) {          /* trained at the end: nothing to compare */
            keep_only(s, 0);
            continue;
        }
        const aiops_series *se = aiops_series_get(f->tab, (uint32_t)i);
        m[n].sid = (uint32_t)i;
        m[n].key1 = f->o.tune_by_name ? se->name : se->text;
        m[n++].key2 = f->o.tune_by_name ? s->det[0].ops->name : "";
    }
    if (!rc)
        qsort(m, n, sizeof *m, cmp_member);
    for (size_t i = 0; !rc && i < n;) {
        size_t j = i + 1;
        while (j < n && same_group(&m[i], &m[j]))
            j++;
        rc = tune_group(f, m + i, j - i, ts, win, err);
        i = j;
    }
    free(m);
    free(win);
    return rc;
}
