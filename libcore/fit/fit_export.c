/* fit_export.c - the rule a model detector is exported as by
 * --emit-promrules, and the backtest of that exact rule.
 *
 * A Prometheus rule cannot run our models, so a model is exported as a
 * constant band, "value < lower or value > upper" with the model's for:
 * (--min-duration):
 *   ewma, robust (level models): the model's band at the first scored
 *       point where it is closed, i.e. the fitted level and scale;
 *   seasonal, sarima, holtwinters: the envelope of its bands over the
 *       first period (--period, 1d) of scoring from that point (lowest
 *       lower, highest upper), as a constant cannot follow the season.
 * From the end of that calibration on, every scored point is judged by the
 * rule too, with its own debouncer (for: = the model's, no cooldown, as in
 * Prometheus), and its alerts are compared with the model's events in the
 * same span: an alert and an event match when they are firing at a common
 * point.  So the user sees the exported rule's own precision and recall
 * against what the backtested model found, in one streaming pass. */
#include <math.h>
#include <string.h>

#include "fit/fit_internal.h"

static int interval_model(const char *m)
{
    return !strcmp(m, "seasonal") || !strcmp(m, "sarima") || !strcmp(m, "holtwinters");
}

static void calibrate(fit_det *d, double t, const aiops_band *b)
{
    fit_export *x = &d->x;
    if (x->state == 0) {
        if (!isfinite(b->lower) && !isfinite(b->upper))
            return;                       /* the model is not warm yet */
        double period = d->params.period > 0 ? d->params.period : 86400;
        x->state = 1;
        x->until = interval_model(d->ops->name) ? t + period : t;
        x->r.set = 1;
        x->r.lower = b->lower;
        x->r.upper = b->upper;
        aiops_debounce_init(&x->db, d->db.min_duration, 0);
    }
    if (t >= x->until) {
        x->state = 2;
        x->r.from = t;
        x->model_hit = -1;           /* a model event already open is not counted */
        return;
    }
    if (b->lower < x->r.lower)
        x->r.lower = b->lower;
    if (b->upper > x->r.upper)
        x->r.upper = b->upper;
}

void fit_export_step(fit_det *d, double t, double v, const aiops_band *b, aiops_db_action act)
{
    fit_export *x = &d->x;
    if (d->rule || x->state < 2) {
        if (d->rule)
            return;
        calibrate(d, t, b);
        if (x->state < 2)
            return;
    }
    x->r.points++;
    int anom = isnan(v) ? -1 : (v < x->r.lower || v > x->r.upper);
    aiops_db_action ra = aiops_debounce_step(&x->db, t, anom, 0);
    int rule_on = x->db.state == 2, model_on = d->db.state == 2;
    if (ra == AIOPS_DB_FIRE) {
        if (!x->r.rule_events++)
            x->r.first_alert = t;
        x->rule_hit = 0;
    }
    if (act == AIOPS_DB_FIRE) {
        x->r.model_events++;
        x->model_hit = 0;
    }
    if (rule_on && model_on) {
        x->rule_hit = 1;
        if (x->model_hit == 0)
            x->model_hit = 1;
    }
    if (ra == AIOPS_DB_RESOLVE)
        x->r.rule_hits += (uint64_t)x->rule_hit;
    if (act == AIOPS_DB_RESOLVE) {
        x->r.model_hits += x->model_hit > 0;
        x->model_hit = -1;
    }
}

aiops_fit_rule_band fit_export_result(const fit_det *d)
{
    aiops_fit_rule_band r = d->x.r;
    if (d->x.db.state == 2)
        r.rule_hits += (uint64_t)d->x.rule_hit;
    if (d->x.state == 2 && d->db.state == 2)
        r.model_hits += d->x.model_hit > 0;
    return r;
}
