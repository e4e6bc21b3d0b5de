/* eval_gate.c - CI quality gates over an eval report: fixed limits
 * (--min-f1 0.8, ...) and regressions against a previous report. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eval/eval_impl.h"

/* Metrics checked against a baseline report: +1 higher is better,
 * -1 lower is better. */
static const struct {
    const char *path;
    int dir;
} tracked[] = {
    {"detection.event.f1", 1},          {"detection.event.recall", 1},
    {"detection.event.precision", 1},   {"detection.event.false_per_day", -1},
    {"detection.event.delay_median", -1}, {"detection.point.f1", 1},
    {"nab.standard.score", 1},          {"nab.reward_low_FP_rate.score", 1},
    {"nab.reward_low_FN_rate.score", 1}, {"grouping.ours.ari", 1},
    {"grouping.ours.pair_f1", 1},       {"grouping.ours.noise_reduction", 1},
    {"rca.ac1", 1},                     {"rca.ac3", 1},
    {"rca.avg5", 1},                    {"rca.mean_rank", -1},
    {"prediction.frac_warned", 1},      {"prediction.precision", 1},
};

/* Gate options and the report field each checks. */
static const aiops_gate named[] = {
    {"min-f1", "detection.event.f1", AIOPS_GATE_MIN, 0},
    {"min-recall", "detection.event.recall", AIOPS_GATE_MIN, 0},
    {"min-precision", "detection.event.precision", AIOPS_GATE_MIN, 0},
    {"min-point-f1", "detection.point.f1", AIOPS_GATE_MIN, 0},
    {"min-nab", "nab.standard.score", AIOPS_GATE_MIN, 0},
    {"max-false-per-day", "detection.event.false_per_day", AIOPS_GATE_MAX, 0},
    {"max-delay", "detection.event.delay_median", AIOPS_GATE_MAX, 0},
    {"min-ac1", "rca.ac1", AIOPS_GATE_MIN, 0},
    {"min-ac3", "rca.ac3", AIOPS_GATE_MIN, 0},
    {"min-avg5", "rca.avg5", AIOPS_GATE_MIN, 0},
    {"min-ari", "grouping.ours.ari", AIOPS_GATE_MIN, 0},
    {"min-noise-reduction", "grouping.ours.noise_reduction", AIOPS_GATE_MIN, 0},
    {"min-warned", "prediction.frac_warned", AIOPS_GATE_MIN, 0},
};

int aiops_eval_gate_named(const char *name, aiops_gate *g)
{
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (!strcmp(name, named[i].name)) {
            *g = named[i];
            return 0;
        }
    return AIOPS_EINVAL;
}

/* Value at a dotted path; NULL if absent. */
static const json_t *lookup(const json_t *o, const char *path)
{
    char part[128];
    while (o && *path) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        if (n >= sizeof part)
            return NULL;
        memcpy(part, path, n);
        part[n] = '\0';
        o = json_object_get(o, part);
        path += n + (dot != NULL);
    }
    return o;
}

static int add_failure(json_t *f, const char *gate, const char *metric, const json_t *v,
                       double limit, double by, const json_t *base)
{
    json_t *o = json_object();
    if (!o || ev_set(o, "gate", json_string(gate)) || ev_set(o, "metric", json_string(metric)) ||
        ev_set(o, "value", v ? json_deep_copy(v) : json_string("missing")) ||
        ev_set(o, "limit", ev_num(limit)) || ev_set(o, "by", ev_num(by)) ||
        (base && ev_set(o, "baseline", json_deep_copy(base)))) {
        json_decref(o);
        return AIOPS_ENOMEM;
    }
    return json_array_append_new(f, o) ? AIOPS_ENOMEM : 0;
}

static int check_gate(const json_t *rep, const aiops_gate *g, json_t *f)
{
    const json_t *v = lookup(rep, g->metric);
    double x = json_is_number(v) ? json_number_value(v) : NAN;
    int ok = g->kind == AIOPS_GATE_MIN ? x >= g->limit : x <= g->limit;
    if (ok)
        return 0;
    double by = g->kind == AIOPS_GATE_MIN ? g->limit - x : x - g->limit;
    return add_failure(f, g->name ? g->name : g->metric, g->metric, v, g->limit, by, NULL);
}

static int check_regressions(const json_t *rep, const json_t *base, double maxr, json_t *f)
{
    for (size_t i = 0; i < sizeof tracked / sizeof tracked[0]; i++) {
        const json_t *b = lookup(base, tracked[i].path), *v = lookup(rep, tracked[i].path);
        if (!json_is_number(b))
            continue;
        double bv = json_number_value(b), cv = json_is_number(v) ? json_number_value(v) : NAN;
        double worse = tracked[i].dir * (bv - cv);
        double rel = bv != 0 ? worse / fabs(bv) : worse;
        if (!(rel <= maxr + 1e-12)) {
            int rc = add_failure(f, "--max-regression", tracked[i].path, v, maxr, rel, b);
            if (rc)
                return rc;
        }
    }
    return 0;
}

int aiops_eval_gates(const json_t *report, const aiops_gate *gates, size_t ngates,
                     const json_t *baseline, double max_regression, json_t **failures,
                     aiops_err *err)
{
    json_t *f = json_array();
    int rc = f ? 0 : AIOPS_ENOMEM;
    for (size_t i = 0; !rc && i < ngates; i++)
        rc = check_gate(report, &gates[i], f);
    if (!rc && baseline)
        rc = check_regressions(report, baseline, max_regression, f);
    if (rc) {
        json_decref(f);
        *failures = NULL;
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    *failures = f;
    return (int)json_array_size(f);
}
