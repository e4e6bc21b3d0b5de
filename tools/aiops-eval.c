/* aiops-eval - score tool output against ground truth; gate CI on it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "aiops-eval.h"

typedef struct eval_in {
    aiops_eval *ev;
    aiops_series_table *tab;
    int baseline;
} eval_in;

static int eval_each(void *ctx, aiops_record *r, aiops_err *err)
{
    eval_in *in = ctx;
    return aiops_eval_add(in->ev, in->tab, r, in->baseline, err);
}

static int read_stream(const cli *c, aiops_eval *ev, aiops_series_table *tab,
                       const char *const *paths, size_t n, int baseline, aiops_err *err)
{
    eval_in in = {ev, tab, baseline};
    return cli_read_all(c, paths, n, tab, NULL, eval_each, &in, err);
}

static int load_inputs(const cli *c, const cfg *g, aiops_eval *ev, aiops_series_table *tab,
                       const char *const *paths, size_t npaths, aiops_err *err)
{
    int rc = g->labels ? aiops_eval_load_labels(ev, g->labels, err) : 0;
    if (rc > 0)
        rc = 0;    /* the number of labels read */
    if (!rc && g->nab_win)
        rc = aiops_eval_nab_windows(ev, g->nab_win, err);
    if (!rc && g->detector)
        rc = aiops_eval_nab_detector(ev, g->detector, err);
    if (!rc && g->nab_thr)
        rc = aiops_eval_nab_thresholds(ev, g->nab_thr, g->detector, err);
    if (!isnan(g->nab_fixed))
        aiops_eval_nab_threshold(ev, g->nab_fixed);
    if (g->nab_opt)
        aiops_eval_nab_optimize(ev);
    if (!rc && g->nab_res)
        rc = aiops_eval_nab_results(ev, g->nab_res, err);
    if (!rc && (npaths || !g->nab_res)) {
        static const char *const stdin_only[] = {"-"};
        rc = read_stream(c, ev, tab, npaths ? paths : stdin_only, npaths ? npaths : 1, 0, err);
    }
    if (!rc && g->base_stream)
        rc = read_stream(c, ev, tab, &g->base_stream, 1, 1, err);
    return rc < 0 ? rc : 0;
}

static int load_json(const char *path, json_t **out, aiops_err *err)
{
    json_error_t je;
    *out = json_load_file(path, 0, &je);
    if (!json_is_object(*out))
        return aiops_err_set(err, AIOPS_EPARSE, path, je.line, "expected an eval report (JSON object)%s%s",
                             *out ? "" : ": ", *out ? "" : je.text);
    return 0;
}

/* Gates into the report ("gates") and onto stderr.  Returns failures or <0. */
static int apply_gates(const cfg *g, json_t *rep, aiops_err *err)
{
    json_t *base = NULL, *fail = NULL;
    int rc = g->baseline ? load_json(g->baseline, &base, err) : 0;
    if (!rc)
        rc = aiops_eval_gates(rep, g->gates, g->ngates, base, g->max_reg, &fail, err);
    json_decref(base);
    if (rc < 0)
        return rc;
    size_t i;
    json_t *f;
    json_array_foreach(fail, i, f) {
        char *v = json_dumps(json_object_get(f, "value"), JSON_ENCODE_ANY);
        const char *m = json_string_value(json_object_get(f, "metric"));
        double lim = json_number_value(json_object_get(f, "limit")), by = json_number_value(json_object_get(f, "by"));
        json_t *b = json_object_get(f, "baseline");
        if (b)
            fprintf(stderr, "aiops-eval: regression: %s %g -> %s (worse by %.1f%%, allowed %.1f%%)\n", m,
                    json_number_value(b), v ? v : "?", 100 * by, 100 * lim);
        else if (json_is_number(json_object_get(f, "value")))
            fprintf(stderr, "aiops-eval: gate %s failed: %s = %s (off by %g)\n",
                    json_string_value(json_object_get(f, "gate")), m, v ? v : "?", by);
        else
            fprintf(stderr, "aiops-eval: gate %s failed: the report has no value for %s\n",
                    json_string_value(json_object_get(f, "gate")), m);
        free(v);
    }
    json_t *gs = json_object();
    json_object_set_new(gs, "checked", json_integer((json_int_t)g->ngates + (g->baseline != NULL)));
    json_object_set_new(gs, "passed", json_boolean(rc == 0));
    json_object_set_new(gs, "failures", fail);
    json_object_set_new(rep, "gates", gs);
    return rc;
}

static int emit(const cfg *g, const json_t *rep, aiops_err *err)
{
    char *text = NULL;
    int rc = 0;
    if (g->table || g->md)
        rc = aiops_eval_render(rep, g->md, &text, err);
    else if (!(text = json_dumps(rep, JSON_COMPACT | JSON_REAL_PRECISION(17))))
        rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (!rc)
        rc = cli_write(g->out, text, err);
    free(text);
    return rc;
}

int main(int argc, char **argv)
{
    cli c = {
        .prog = "aiops-eval",
        .usage = "[OPTION]... [FILE|-]...",
        .about = "Score the output of the aiops tools (anomaly, incident, rca, prediction and alert\n"
                 "records in FILEs or stdin) against ground truth (--labels, or label records in\n"
                 "the stream): detection, NAB score, grouping, RCA, prediction and an MTTR model.\n"
                 "Prints one `eval` record (JSON); gates make it a CI check.",
        .footer = "Exit status: 0 ok, 1 a gate failed (each failure on stderr), 2 usage or input error.\n"
                  "See aiops-eval(1) and docs/EVALUATION.md.\n",
        .argc = argc,
        .argv = argv,
    };
    cfg g = {.nab_fixed = NAN};
    aiops_eval_opts_default(&g.eo);
    eval_parse_args(&c, &g);
    aiops_err err = {0};
    aiops_eval *ev = NULL;
    aiops_series_table *tab = aiops_series_table_new();
    json_t *rep = NULL;
    int rc = tab ? aiops_eval_new(&ev, &g.eo, &err) : aiops_err_set(&err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (!rc)
        rc = load_inputs(&c, &g, ev, tab, (const char *const *)argv + c.optind, (size_t)(argc - c.optind), &err);
    if (!rc)
        rc = aiops_eval_report(ev, &rep, &err);
    int failed = rc ? 0 : apply_gates(&g, rep, &err);
    if (!rc && failed >= 0)
        rc = emit(&g, rep, &err);
    else if (!rc)
        rc = failed;
    json_decref(rep);
    eval_cfg_free(&g);
    aiops_eval_free(ev);
    aiops_series_table_free(tab);
    if (rc) {
        cli_error(&c, &err);
        return 2;
    }
    return cli_status(&c, failed > 0 ? 1 : 0);
}
