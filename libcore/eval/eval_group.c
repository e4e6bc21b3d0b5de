/* eval_group.c - the "grouping" section: our incident records against the
 * labels' alert-to-incident mapping, next to an Alertmanager-style
 * group_by baseline over the same alerts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eval/eval_impl.h"

static json_t *group_json(const aiops_group_stats *g)
{
    json_t *o = json_object();
    if (!o || ev_set(o, "alerts", json_integer((json_int_t)g->items)) ||
        ev_set(o, "groups", json_integer((json_int_t)g->clusters)) ||
        ev_set(o, "noise_reduction", ev_num(g->noise_reduction)) ||
        ev_set(o, "pair_precision", ev_num(g->pair_precision)) ||
        ev_set(o, "pair_recall", ev_num(g->pair_recall)) ||
        ev_set(o, "pair_f1", ev_num(g->pair_f1)) || ev_set(o, "ari", ev_num(g->ari)) ||
        ev_set(o, "homogeneity", ev_num(g->homogeneity)) ||
        ev_set(o, "completeness", ev_num(g->completeness)) ||
        ev_set(o, "v_measure", ev_num(g->v_measure))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Alertmanager-style baseline: one group per group_by key, restarted when
 * an alert of that key starts more than group_window after the group's
 * last alert.  Alerts are in stream (start) order. */
static void baseline_groups(const aiops_eval *ev, size_t *pred)
{
    for (size_t i = 0; i < ev->nal; i++) {
        pred[i] = i;
        for (size_t j = i; j-- > 0;) {
            if (strcmp(ev->al[j].group, ev->al[i].group))
                continue;
            if (ev->al[i].start - ev->al[j].start <= ev->o.group_window)
                pred[i] = pred[j];
            break;
        }
    }
}

/* Time between two intervals, 0 when they overlap. */
static double gap(double a0, double a1, double b0, double b1)
{
    double g = fmax(a0, b0) - fmin(a1, b1);
    return g > 0 ? g : 0;
}

/* The label that lists the alert and whose window (widened by pre/post)
 * the episode overlaps: the same fingerprint firing at another time is
 * another item, usually noise. */
static size_t true_incident(const aiops_eval *ev, const ev_alert *a)
{
    for (size_t k = 0; k < ev->nlab; k++) {
        const ev_label *l = &ev->lab[k];
        if (ev_strs_has(&l->alerts, a->key) &&
            gap(a->start, a->end, l->start - ev->o.detect.pre, l->end + ev->o.detect.post) == 0)
            return k;
    }
    return AIOPS_NOGROUP;
}

/* The incident that lists the alert, nearest in time to the episode, and
 * at most group_window away from it. */
static size_t our_incident(const aiops_eval *ev, const ev_alert *a)
{
    size_t best = AIOPS_NOGROUP;
    double best_gap = ev->o.group_window;
    for (size_t k = 0; k < ev->ninc; k++) {
        const ev_incident *inc = &ev->inc[k];
        double g = gap(a->start, a->end, inc->start, inc->end);
        if (ev_strs_has(&inc->alerts, a->key) && g <= best_gap) {
            best = k;
            best_gap = g;
            if (g == 0)
                break;
        }
    }
    return best;
}

int ev_report_grouping(aiops_eval *ev, json_t *rep, aiops_err *err)
{
    int labelled = 0;
    for (size_t k = 0; k < ev->nlab; k++)
        labelled |= ev->lab[k].alerts.n > 0;
    if (!ev->nal || !labelled)
        return 0;
    size_t n = ev->nal, *truth = malloc(n * sizeof *truth), *pred = malloc(n * sizeof *pred);
    json_t *sec = json_object();
    int rc = truth && pred && sec ? 0 : aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    aiops_group_stats g;
    for (size_t i = 0; !rc && i < n; i++) {
        truth[i] = true_incident(ev, &ev->al[i]);
        pred[i] = our_incident(ev, &ev->al[i]);
    }
    if (!rc && ev->ninc && !(rc = aiops_score_group(truth, pred, n, &g, err)))
        rc = ev_set(sec, "ours", group_json(&g));
    if (!rc) {
        baseline_groups(ev, pred);
        rc = aiops_score_group(truth, pred, n, &g, err);
    }
    json_t *b = rc ? NULL : group_json(&g);
    char fields[512] = "";
    for (size_t i = 0; i < ev->ngb; i++)
        snprintf(fields + strlen(fields), sizeof fields - strlen(fields), "%s%s", i ? "," : "", ev->gb[i]);
    if (!rc && (!b || ev_set(b, "by", json_string(fields)) ||
                ev_set(b, "window", ev_num(ev->o.group_window)) || ev_set(sec, "group_by", b)))
        rc = AIOPS_ENOMEM;
    if (!rc)
        rc = ev_set(rep, "grouping", sec);
    else
        json_decref(sec);
    free(truth);
    free(pred);
    return rc == AIOPS_ENOMEM ? aiops_err_set(err, rc, NULL, 0, "out of memory") : rc;
}
