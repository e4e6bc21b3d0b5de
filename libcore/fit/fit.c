/* fit.c - the per-series engine of aiops-fit: route each sample to its
 * series' state, buffer the training window, fit, then score point by
 * point (band from the past only, verdict, debounce, update). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fit/fit_internal.h"

void aiops_fit_opts_init(aiops_fit_opts *o)
{
    memset(o, 0, sizeof *o);
    o->model = AIOPS_FIT_DEFAULT_MODEL;
    aiops_model_params_init(&o->params);
    o->train_until = NAN;
    o->max_train = AIOPS_FIT_MAX_TRAIN_DEFAULT;
    o->for_duration = NAN;
    o->threshold = NAN;
}

int aiops_fit_new(aiops_fit **out, const aiops_fit_opts *o, aiops_series_table *tab,
                  aiops_fit_emit_fn emit, void *ctx, aiops_err *err)
{
    aiops_fit *f = calloc(1, sizeof *f);
    if (!f)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    f->o = *o;
    if (!f->o.model)
        f->o.model = AIOPS_FIT_DEFAULT_MODEL;
    if (!(f->o.train > 0))
        f->o.train = 0;
    if (!f->o.max_train)
        f->o.max_train = AIOPS_FIT_MAX_TRAIN_DEFAULT;
    if (strcmp(f->o.model, "auto") != 0 && !aiops_model_find(f->o.model)) {
        free(f);
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "unknown model '%s'", o->model);
    }
    f->tab = tab;
    f->emit = emit;
    f->ctx = ctx;
    *out = f;
    return 0;
}

void aiops_fit_free(aiops_fit *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->ns; i++)
        fit_series_clear(&f->s[i]);
    free(f->s);
    fit_labels_free(f);
    free(f);
}

static int series_selected(const aiops_fit *f, const aiops_series *se)
{
    if (!f->o.nmatch)
        return 1;
    for (size_t i = 0; i < f->o.nmatch; i++)
        if (aiops_selector_match(f->o.match[i], se))
            return 1;
    return 0;
}

static int det_add(fit_series *s, const aiops_fit_rule *rule, const aiops_fit_opts *o,
                   aiops_err *err)
{
    fit_det *d;
    int rc = fit_det_add(s, 1, &d, err);
    if (rc)
        return rc;
    d->params = o->params;
    d->rule = rule;
    double hold = o->min_duration;
    if (rule) {
        d->ops = aiops_model_find("static");
        memcpy(d->params.op, rule->op, sizeof d->params.op);
        d->params.threshold = rule->threshold;
        if (!isnan(o->for_duration))
            hold = o->for_duration;
    } else if (strcmp(o->model, "auto") != 0) {
        d->ops = aiops_model_find(o->model);
    }
    aiops_debounce_init(&d->db, hold, o->cooldown);
    aiops_calib_init(&d->cal);
    return 0;
}

static int series_fit(aiops_fit *f, uint32_t sid, fit_series *s, aiops_err *err);

static int is_counter(const aiops_fit *f, const aiops_series *se)
{
    if (f->o.no_counter_rate)
        return 0;
    for (size_t i = 0; i < f->o.ncounters; i++)
        if (aiops_selector_match(f->o.counters[i], se))
            return 1;
    return aiops_fit_is_counter(se);
}

static int all_static(const fit_series *s)
{
    for (size_t i = 0; i < s->ndet; i++)
        if (!s->det[i].ops || strcmp(s->det[i].ops->name, "static") != 0)
            return 0;
    return 1;
}

/* First sample of a series: which detectors judge it (one per matching
 * static rule; else the --model, unless rules were given without --model)
 * and where its training ends. */
static int series_start(aiops_fit *f, uint32_t sid, fit_series *s, double ts, aiops_err *err)
{
    aiops_series *se = aiops_series_get(f->tab, sid);
    s->state = FS_SKIP;
    if (!series_selected(f, se))
        return 0;
    for (size_t i = 0; i < f->o.nrules; i++) {
        if (!aiops_selector_match(f->o.rules[i].sel, se))
            continue;
        int rc = det_add(s, &f->o.rules[i], &f->o, err);
        if (rc)
            return rc;
    }
    if (!s->ndet && (!f->o.nrules || f->o.model_given)) {
        int rc = det_add(s, NULL, &f->o, err);
        if (rc)
            return rc;
    }
    if (!s->ndet)
        return 0;
    /* rules judge the raw value, as Prometheus would */
    s->counter = !all_static(s) && is_counter(f, se);
    s->cprev_t = s->cprev_v = NAN;
    s->state = FS_TRAIN;
    f->st.modelled++;
    s->first_ts = ts;
    if (!isnan(f->o.train_until)) {
        s->train_end = f->o.train_until;
    } else if (f->o.train > 0) {
        s->train_end = ts + f->o.train;
    } else {
        double period = f->o.params.period > 0 ? f->o.params.period : 86400;
        const aiops_model_ops *ops = aiops_model_find(f->o.model);
        s->train_end = ts + (ops && ops->score ? AIOPS_FIT_TRAIN_PERIODS_ONLINE
                                               : AIOPS_FIT_TRAIN_PERIODS) * period;
        s->train_min = AIOPS_FIT_TRAIN_MIN_POINTS;
    }
    f->st.training++;
    /* Thresholds learn nothing: a backtest of alert rules judges every
     * point, so static-only series skip training. */
    return all_static(s) ? series_fit(f, sid, s, err) : 0;
}

/* Not AIOPS_GROW: two arrays share the capacity, and it stops at
 * max_train (the cap on memory per series) instead of the next power of
 * two. */
static int train_append(aiops_fit *f, fit_series *s, double t, double v, aiops_err *err)
{
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 256;
        if (nc > f->o.max_train)
            nc = f->o.max_train;
        double *nt = realloc(s->tbuf, nc * sizeof *nt);
        if (nt)
            s->tbuf = nt;
        double *nv = nt ? realloc(s->vbuf, nc * sizeof *nv) : NULL;
        if (!nt || !nv)
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        s->vbuf = nv;
        s->cap = nc;
    }
    s->tbuf[s->n] = t;
    s->vbuf[s->n++] = v;
    return 0;
}

static int det_fit(fit_series *s, fit_det *d, aiops_err *err)
{
    char reason[512] = "";
    int rc;
    if (!d->ops) {
        rc = aiops_fit_auto(s->tbuf, s->vbuf, s->n, &d->params, &d->ops, &d->m, reason,
                            sizeof reason, err);
        if (rc)
            return rc;
    } else {
        d->m = d->ops->create(&d->params, err);
        if (!d->m)
            return err->code ? err->code : AIOPS_EINVAL;
        rc = d->ops->fit(d->m, s->tbuf, s->vbuf, s->n, err);
        if (rc)
            return rc;
    }
    return fit_det_set_reason(d, reason, err);
}

static void drop_buffer(aiops_fit *f, fit_series *s, int state)
{
    free(s->tbuf);
    free(s->vbuf);
    s->tbuf = s->vbuf = NULL;
    s->n = s->cap = 0;
    s->state = state;
    f->st.training--;
}

/* A model that cannot be fitted to this series (too short for it, ...)
 * leaves the series unscored, reported through the warn callback; only
 * running out of memory stops the run. */
static int unfit(aiops_fit *f, uint32_t sid, fit_series *s, aiops_err *err)
{
    if (err->code == AIOPS_ENOMEM)
        return err->code;
    if (f->o.warn)    /* model messages start with the model's name */
        f->o.warn(f->o.warn_ctx, aiops_series_get(f->tab, sid)->text, err->msg);
    aiops_err_clear(err);
    for (size_t i = 0; i < s->ndet; i++)
        fit_det_clear(&s->det[i]);
    s->ndet = 0;
    f->st.unfit++;
    drop_buffer(f, s, FS_SKIP);
    return 0;
}

/* End of training: fit every detector on the buffer, then drop it. */
static int series_fit(aiops_fit *f, uint32_t sid, fit_series *s, aiops_err *err)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < s->ndet; i++)
        rc = det_fit(s, &s->det[i], err);
    if (!rc && f->o.tune && !all_static(s))
        rc = fit_tune_expand(f, s, err);
    if (rc)
        return unfit(f, sid, s, err);
    drop_buffer(f, s, FS_SCORE);
    return 0;
}

/* A confirmed level shift: a fresh instance of the model fitted on the
 * points of the shift replaces the old one.  A model that cannot be fitted
 * on so few points keeps its state and learns the next points unclipped. */
static void relearn(fit_det *d)
{
    double t[FIT_SHIFT_CONFIRM], v[FIT_SHIFT_CONFIRM];
    unsigned n = d->rn;
    for (unsigned i = 0; i < n; i++) {
        unsigned j = (d->ri + FIT_SHIFT_CONFIRM - n + i) % FIT_SHIFT_CONFIRM;
        t[i] = d->rt[j];
        v[i] = d->rv[j];
    }
    aiops_err e = {0};
    void *m = d->ops->create(&d->params, &e);
    aiops_band b;
    if (m && !d->ops->fit(m, t, v, n, &e)) {
        d->ops->band(m, t[n - 1] + 1, &b);
        if (isfinite(b.lower) && isfinite(b.upper)) {
            d->ops->destroy(d->m);
            d->m = m;
            m = NULL;
            d->relearn = 0;
        }
    }
    if (m)
        d->ops->destroy(m);
    aiops_calib_reset_window(&d->cal);
}

/* What the model learns of point v with standardised residual z and tail
 * probability p1: v itself, or (robust updates, with --threshold and
 * without --plain-updates) v clipped to the band's
 * edge while it is anomalous; a run of FIT_SHIFT_CONFIRM clipped points
 * on one side is a level shift, re-learned from those points. */
static double learn_value(const aiops_fit *f, fit_det *d, double t, double v, double z,
                          double p1, const aiops_band *b)
{
    if (f->o.plain_updates || isnan(f->o.threshold) || d->rule || isnan(v))
        return v;
    d->rt[d->ri] = t;
    d->rv[d->ri] = v;
    d->ri = (d->ri + 1) % FIT_SHIFT_CONFIRM;
    if (d->rn < FIT_SHIFT_CONFIRM)
        d->rn++;
    if (d->relearn > 0) {
        d->relearn--;
        return v;
    }
    if (isnan(z) || !(p1 < FIT_CLIP_P)) {
        d->shift_run = 0;
        return v;
    }
    int side = z > 0 ? 1 : -1;
    d->shift_run = side == d->shift_side ? d->shift_run + 1 : 1;
    d->shift_side = side;
    if (d->shift_run >= FIT_SHIFT_CONFIRM) {
        d->shift_run = 0;
        d->relearn = FIT_SHIFT_CONFIRM;
        relearn(d);
        return NAN;    /* the new instance has learned this point */
    }
    return side > 0 ? b->upper : b->lower;
}

double fit_det_threshold(const aiops_fit *f, const fit_det *d)
{
    if (d->rule)
        return NAN;
    return d->ops->score && isnan(f->o.threshold) ? AIOPS_FIT_DEFAULT_P : f->o.threshold;
}

/* Judge one point with data strictly before it, then learn it. */
static int det_score(aiops_fit *f, uint32_t sid, fit_series *s, fit_det *d, double t, double v,
                     aiops_err *err)
{
    aiops_band b;
    d->ops->band(d->m, t, &b);
    d->last = b;
    int rc = 0;
    /* A model with its own score is judged by it (at --threshold P, or
     * AIOPS_FIT_DEFAULT_P) and makes its own robust updates.  Otherwise
     * the calibration costs about 0.6 us a point: only when it is used
     * (--threshold decides, or --bands shows it). */
    int own = !d->rule && d->ops->score;
    int calib = !own && !d->rule && (!isnan(f->o.threshold) || f->o.bands);
    double z = calib ? aiops_calib_z(v, b.expected, b.lower, b.upper) : NAN, p1 = 1;
    d->ascore = own ? d->ops->score(d->m, t, v, &d->lik) : calib ? aiops_calib_score(&d->cal, z, &p1) : NAN;
    double thr = fit_det_threshold(f, d);
    int anom = isnan(v)       ? -1
               : !isnan(thr) ? d->ascore >= thr
                                          : (v < b.lower || v > b.upper);
    if (anom == 1)
        d->apeak = d->arun && d->apeak >= d->ascore ? d->apeak : d->ascore;
    d->arun = anom == 1;
    aiops_db_action act = aiops_debounce_step(&d->db, t, anom, aiops_fit_score(v, &b));
    if (d->db.state)
        d->arun = 1;
    if (f->o.tune) {
        rc = fit_tune_record(s, d, t, act, 0, err);
    } else {
        if (f->o.bands)
            rc = fit_emit_band(f, sid, s, d, t, &b, 0, err);
    }
    fit_export_step(d, t, v, &b, act);
    if (!rc && !f->o.tune && act != AIOPS_DB_NONE) {
        if (act == AIOPS_DB_FIRE)
            f->st.anomalies++;
        rc = fit_emit_anomaly(f, sid, s, d, t, v, &b, act, err);
    }
    if (own) {
        d->ops->update(d->m, t, v);
        return rc;
    }
    double vl = learn_value(f, d, t, v, z, p1, &b);
    if (calib)
        aiops_calib_learn(&d->cal, isnan(vl) || vl == v ? z : (z > 0 ? 1 : -1));
    if (!isnan(vl) || isnan(v))
        d->ops->update(d->m, t, vl);
    return rc;
}

static int push_sample(aiops_fit *f, const aiops_record *r, aiops_err *err)
{
    fit_series *s;
    int rc = fit_series_slot(f, r->sid, &s, err);
    if (!rc && !s->seen) {
        s->seen = 1;
        f->st.series++;
        if (s->state == FS_NEW)
            rc = series_start(f, r->sid, s, r->ts, err);
        else if (s->state == FS_SCORE)      /* loaded by --load */
            f->st.modelled++;
    }
    if (rc || s->state == FS_SKIP)
        return rc;
    double v = r->value;
    if (s->counter) {
        /* the first sample has no rate: nothing to learn or judge */
        int first = isnan(s->cprev_t);
        v = aiops_fit_counter_rate(s->cprev_t, s->cprev_v, r->ts, v);
        if (!isnan(r->value)) {
            s->cprev_t = r->ts;
            s->cprev_v = r->value;
        }
        if (first)
            return 0;
    }
    if (s->state == FS_TRAIN) {
        if ((r->ts < s->train_end || s->n < s->train_min) && s->n < f->o.max_train) {
            s->prev_ts = s->last_ts;
            s->last_ts = r->ts;
            return train_append(f, s, r->ts, v, err);
        }
        rc = series_fit(f, r->sid, s, err);
        if (rc || s->state == FS_SKIP)
            return rc;
    }
    if (!s->nscored++)
        s->first_scored = r->ts;
    if (!f->st.scored || r->ts < f->scored_from)
        f->scored_from = r->ts;
    if (!f->st.scored || r->ts > f->scored_to)
        f->scored_to = r->ts;
    if (f->o.tune && f->o.objective.kind == AIOPS_OBJ_NAB && !rc)
        rc = fit_tune_record(s, NULL, r->ts, AIOPS_DB_NONE, 1, err);
    for (size_t i = 0; !rc && i < s->ndet; i++)
        rc = det_score(f, r->sid, s, &s->det[i], r->ts, v, err);
    s->prev_ts = s->last_ts;
    s->last_ts = r->ts;
    f->st.scored++;
    return rc;
}

int aiops_fit_push(aiops_fit *f, const aiops_record *r, aiops_err *err)
{
    f->st.records++;
    if (r->ts > f->max_ts || f->st.records == 1)
        f->max_ts = r->ts;
    int rc = 0;
    if (r->type != AIOPS_R_SAMPLE || !f->o.no_samples)
        rc = f->emit(f->ctx, r, err);
    if (rc || r->type != AIOPS_R_SAMPLE)
        return rc;
    f->st.samples++;
    return push_sample(f, r, err);
}

/* ---- end of input: fit what is still training, forecast */

typedef struct fc_item {
    double ts;
    uint32_t sid;
    uint32_t det;
} fc_item;

static int fc_cmp(const void *a, const void *b)
{
    const fc_item *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    if (x->sid != y->sid)
        return x->sid < y->sid ? -1 : 1;
    return (x->det > y->det) - (x->det < y->det);
}

/* 0 (no forecast) for series without points in this run: a loaded model
 * has no last time to forecast from. */
static double series_step(const aiops_fit *f, const fit_series *s)
{
    if (!s->seen)
        return 0;
    if (f->o.step > 0)
        return f->o.step;
    double d = s->last_ts - s->prev_ts;
    return d > 0 ? d : 0;
}

/* Forecast bands for every scored series, merged into time order. */
static int forecast(aiops_fit *f, aiops_err *err)
{
    size_t n = 0;
    for (size_t i = 0; i < f->ns; i++)
        if (f->s[i].state == FS_SCORE && series_step(f, &f->s[i]) > 0)
            n += f->s[i].ndet * f->o.horizon;
    if (!n)
        return 0;
    fc_item *it = malloc(n * sizeof *it);
    if (!it)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < f->ns; i++) {
        double step = series_step(f, &f->s[i]);
        if (f->s[i].state != FS_SCORE || !(step > 0))
            continue;
        for (size_t d = 0; d < f->s[i].ndet; d++)
            for (size_t h = 1; h <= f->o.horizon; h++)
                it[k++] = (fc_item){f->s[i].last_ts + (double)h * step, (uint32_t)i, (uint32_t)d};
    }
    qsort(it, n, sizeof *it, fc_cmp);
    int rc = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        fit_series *s = &f->s[it[i].sid];
        fit_det *d = &s->det[it[i].det];
        aiops_band b;
        d->ops->band(d->m, it[i].ts, &b);
        rc = fit_emit_band(f, it[i].sid, s, d, it[i].ts, &b, 1, err);
    }
    free(it);
    return rc;
}

/* One "scored" record: the time range whose points were judged, so that
 * aiops-eval counts false alarms per day over the data that was scored,
 * whatever other records (samples, bands) are passed through or dropped.
 * Its ts is the end of the input, which keeps the stream in time order. */
static int emit_scored(aiops_fit *f, aiops_err *err)
{
    size_t nser = 0;
    for (size_t i = 0; i < f->ns; i++)
        nser += f->s[i].nscored > 0;
    if (!nser)
        return 0;
    json_t *o = json_pack("{s:s, s:f, s:f, s:f, s:I, s:I}", "type", "scored", "ts", f->max_ts,
                          "from", f->scored_from, "to", f->scored_to, "series", (json_int_t)nser,
                          "points", (json_int_t)f->st.scored);
    if (!o)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    aiops_record r = {.type = AIOPS_R_OTHER, .ts = f->max_ts, .value = NAN, .obj = o};
    int rc = f->emit(f->ctx, &r, err);
    json_decref(o);
    return rc;
}

int aiops_fit_finish(aiops_fit *f, aiops_err *err)
{
    if (f->finished)
        return 0;
    f->finished = 1;
    for (size_t i = 0; i < f->ns; i++) {
        if (f->s[i].state != FS_TRAIN)
            continue;
        /* static-only series never train; these had no point scored */
        double span = f->s[i].last_ts - f->s[i].first_ts;
        f->st.never_scored++;
        if (span > f->st.never_scored_span)
            f->st.never_scored_span = span;
        int rc = series_fit(f, (uint32_t)i, &f->s[i], err);
        if (rc)
            return rc;
    }
    int rc = emit_scored(f, err);
    if (!rc && f->o.tune)
        rc = fit_tune_finish(f, err);
    if (rc)
        return rc;
    return f->o.horizon ? forecast(f, err) : 0;
}

void aiops_fit_get_stats(const aiops_fit *f, aiops_fit_stats *st)
{
    *st = f->st;
}

int aiops_fit_foreach(const aiops_fit *f,
                      int (*fn)(void *ctx, const aiops_fit_info *info, aiops_err *err),
                      void *ctx, aiops_err *err)
{
    for (size_t i = 0; i < f->ns; i++) {
        const fit_series *s = &f->s[i];
        if (s->state != FS_SCORE)
            continue;
        for (size_t d = 0; d < s->ndet; d++) {
            const fit_det *dt = &s->det[d];
            aiops_fit_info info = {
                .series = aiops_series_get(f->tab, (uint32_t)i),
                .model = dt->ops->name,
                .reason = dt->reason ? dt->reason : "",
                .rule = dt->rule ? dt->rule->text : dt->rule_text,
                .params = dt->params,
                .last = dt->last,
                .export = fit_export_result(dt),
                .counter = s->counter,
                .step = s->seen && s->last_ts > s->prev_ts ? s->last_ts - s->prev_ts : 0,
            };
            int rc = fn(ctx, &info, err);
            if (rc)
                return rc;
        }
    }
    return 0;
}
