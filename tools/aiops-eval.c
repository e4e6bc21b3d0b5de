/* aiops-eval - score tool output against ground truth; gate CI on it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aiops.h"
#include "score/score.h"
#include "cli.h"

enum {
    O_BASE_STREAM = 256, O_NAB_WIN, O_NAB_RES, O_NAB_THR, O_DETECTOR, O_NAB_FIXED, O_PRE,
    O_POST, O_MERGE, O_HORIZON, O_GROUP_BY, O_GROUP_WIN, O_MTTR, O_DETECT_TODAY, O_DIAGNOSE,
    O_SAVED1, O_SAVEDK, O_RCAK, O_BASELINE, O_MAXREG, O_GATE,
    O_G_F1, O_G_RECALL, O_G_PREC, O_G_PF1, O_G_NAB, O_G_FPD, O_G_DELAY, O_G_AC1, O_G_AC3,
    O_G_AVG5, O_G_ARI, O_G_NR, O_G_WARNED,
};

static const cli_opt opts[] = {
    {'l', "labels", "FILE", "ground truth: label records, or an incidents CSV/JSON (start,end,root_cause)"},
    {O_BASE_STREAM, "baseline-stream", "FILE", "stream to compare detection with (anomalies/alerts)"},
    {O_NAB_WIN, "nab-windows", "FILE", "NAB windows (combined_windows.json); series matched by file stem"},
    {O_NAB_RES, "nab-results", "PATH", "score NAB result CSVs in a directory or archive"},
    {O_NAB_THR, "nab-thresholds", "FILE", "NAB thresholds.json (per detector and profile)"},
    {O_DETECTOR, "detector", "NAME", "detector whose thresholds to use"},
    {O_NAB_FIXED, "nab-threshold", "X", "one anomaly_score threshold for every profile"},
    {O_PRE, "pre", "DUR", "detections up to DUR before an incident start count (0)"},
    {O_POST, "post", "DUR", "detections up to DUR after an incident end count (0)"},
    {O_MERGE, "merge", "DUR", "detections at most DUR apart are one alarm (0)"},
    {O_HORIZON, "horizon", "DUR", "how early a prediction may come and still count (1h)"},
    {O_GROUP_BY, "group-by", "FIELDS", "alert fields of the group_by baseline (alertname)"},
    {O_GROUP_WIN, "group-window", "DUR", "group_by baseline: quiet time that starts a new group (1h)"},
    {O_MTTR, "mttr", "DUR", "MTTR model: today's mean time to repair (1h)"},
    {O_DETECT_TODAY, "detect-today", "DUR", "MTTR model: today's time to detect, without --baseline-stream (15m)"},
    {O_DIAGNOSE, "diagnose", "DUR", "MTTR model: today's time to find the root cause (30m)"},
    {O_SAVED1, "saved-top1", "F", "MTTR model: share of it saved when ranked first (0.75)"},
    {O_SAVEDK, "saved-topk", "F", "MTTR model: share saved when ranked 2..k (0.4)"},
    {O_RCAK, "rca-k", "K", "MTTR model: k, 1, 3 or 5 (3)"},
    {'t', "table", NULL, "print a table instead of JSON"},
    {'M', "markdown", NULL, "print Markdown instead of JSON"},
    {'o', "output", "FILE", "write the report to FILE instead of stdout"},
    {O_G_F1, "min-f1", "X", "gate: event-wise F1 >= X"},
    {O_G_RECALL, "min-recall", "X", "gate: event-wise recall >= X"},
    {O_G_PREC, "min-precision", "X", "gate: event-wise precision >= X"},
    {O_G_PF1, "min-point-f1", "X", "gate: point-wise F1 >= X"},
    {O_G_NAB, "min-nab", "X", "gate: NAB standard score >= X"},
    {O_G_FPD, "max-false-per-day", "X", "gate: false alarms per day <= X"},
    {O_G_DELAY, "max-delay", "DUR", "gate: median detection delay <= DUR"},
    {O_G_AC1, "min-ac1", "X", "gate: RCA AC@1 >= X"},
    {O_G_AC3, "min-ac3", "X", "gate: RCA AC@3 >= X"},
    {O_G_AVG5, "min-avg5", "X", "gate: RCA Avg@5 >= X"},
    {O_G_ARI, "min-ari", "X", "gate: grouping adjusted Rand index >= X"},
    {O_G_NR, "min-noise-reduction", "X", "gate: alerts per incident >= X"},
    {O_G_WARNED, "min-warned", "X", "gate: share of incidents warned ahead >= X"},
    {O_GATE, "gate", "METRIC>=X", "gate on any report metric (also <=), repeatable"},
    {O_BASELINE, "baseline", "FILE", "previous report: fail on regressions"},
    {O_MAXREG, "max-regression", "F", "allowed relative regression against --baseline (0)"},
    {'h', "help", NULL, "show this help and exit"},
    {'V', "version", NULL, "show the version and exit"},
    {0, NULL, NULL, NULL},
};

typedef struct cfg {
    aiops_eval_opts eo;
    const char *labels, *base_stream, *nab_win, *nab_res, *nab_thr, *detector, *out, *baseline;
    double nab_fixed, max_reg;
    int table, md;
    aiops_gate gates[64];
    char gate_names[64][160];
    char *gate_metrics[64];      /* owned copies for --gate */
    size_t ngates;
} cfg;

static double cli_dur(const cli *c, const char *opt, const char *s)
{
    double v;
    if (aiops_parse_duration(s, strlen(s), &v) || v < 0)
        cli_die_usage(c, "--%s: expected a duration (90s, 5m, 1h), got '%s'", opt, s);
    return v;
}

static void add_gate(cli *c, cfg *g, const char *name, const char *metric, aiops_gate_kind k,
                     double limit)
{
    if (g->ngates == sizeof g->gates / sizeof g->gates[0])
        cli_die_usage(c, "too many gates");
    snprintf(g->gate_names[g->ngates], sizeof g->gate_names[0], "%s", name);
    g->gates[g->ngates] = (aiops_gate){g->gate_names[g->ngates], metric, k, limit};
    g->ngates++;
}

/* --gate 'detection.event.f1>=0.8' */
static void parse_gate(cli *c, cfg *g, const char *a)
{
    const char *op = strstr(a, ">=");
    aiops_gate_kind k = AIOPS_GATE_MIN;
    if (!op) {
        op = strstr(a, "<=");
        k = AIOPS_GATE_MAX;
    }
    double v;
    if (!op || op == a || aiops_parse_double(op + 2, strlen(op + 2), &v))
        cli_die_usage(c, "--gate: expected METRIC>=X or METRIC<=X, got '%s'", a);
    char *m = strndup(a, (size_t)(op - a)), name[160];
    if (!m)
        cli_die_usage(c, "out of memory");
    snprintf(name, sizeof name, "--gate '%s'", a);
    g->gate_metrics[g->ngates] = m;
    add_gate(c, g, name, m, k, v);
}

/* --min-f1 X, --max-delay DUR, ...: the metric each names is in libcore. */
static int gate_option(cli *c, cfg *g, int id, const char *a)
{
    aiops_gate gate;
    if (id < O_G_F1)
        return 0;
    const cli_opt *o = opts;
    while (o->id && o->id != id)
        o++;
    if (!o->id || aiops_eval_gate_named(o->lng, &gate))
        return 0;
    char name[160];
    snprintf(name, sizeof name, "--%s %s", o->lng, a);
    double v = id == O_G_DELAY ? cli_dur(c, o->lng, a) : cli_double(c, o->lng, a);
    add_gate(c, g, name, gate.metric, gate.kind, v);
    return 1;
}

static void parse_args(cli *c, cfg *g)
{
    int id;
    while ((id = cli_next(c)) != -1) {
        const char *a = c->optarg;
        if (gate_option(c, g, id, a))
            continue;
        switch (id) {
        case 'l': g->labels = a; break;
        case O_BASE_STREAM: g->base_stream = a; break;
        case O_NAB_WIN: g->nab_win = a; break;
        case O_NAB_RES: g->nab_res = a; break;
        case O_NAB_THR: g->nab_thr = a; break;
        case O_DETECTOR: g->detector = a; break;
        case O_NAB_FIXED: g->nab_fixed = cli_double(c, "nab-threshold", a); break;
        case O_PRE: g->eo.detect.pre = cli_dur(c, "pre", a); break;
        case O_POST: g->eo.detect.post = cli_dur(c, "post", a); break;
        case O_MERGE: g->eo.detect.merge = cli_dur(c, "merge", a); break;
        case O_HORIZON: g->eo.horizon = cli_dur(c, "horizon", a); break;
        case O_GROUP_BY: g->eo.group_by = a; break;
        case O_GROUP_WIN: g->eo.group_window = cli_dur(c, "group-window", a); break;
        case O_MTTR: g->eo.mttr.mttr = cli_dur(c, "mttr", a); break;
        case O_DETECT_TODAY: g->eo.mttr.detect_today = cli_dur(c, "detect-today", a); break;
        case O_DIAGNOSE: g->eo.mttr.diagnose = cli_dur(c, "diagnose", a); break;
        case O_SAVED1: g->eo.mttr.saved_top1 = cli_double(c, "saved-top1", a); break;
        case O_SAVEDK: g->eo.mttr.saved_topk = cli_double(c, "saved-topk", a); break;
        case O_RCAK:
            g->eo.rca_k = (int)cli_size(c, "rca-k", a);
            if (g->eo.rca_k != 1 && g->eo.rca_k != 3 && g->eo.rca_k != 5)
                cli_die_usage(c, "--rca-k: expected 1, 3 or 5, got '%s'", a);
            break;
        case 't': g->table = 1; break;
        case 'M': g->md = 1; break;
        case 'o': g->out = a; break;
        case O_GATE: parse_gate(c, g, a); break;
        case O_BASELINE: g->baseline = a; break;
        case O_MAXREG: g->max_reg = cli_double(c, "max-regression", a); break;
        case 'h': cli_help(c, stdout); exit(0);
        case 'V': printf("aiops-eval %s\n", AIOPS_VERSION); exit(0);
        default: exit(2);
        }
    }
}

static int read_stream(aiops_eval *ev, aiops_series_table *tab, const char *const *paths,
                       size_t n, int baseline, aiops_err *err)
{
    aiops_reader *rd = NULL;
    aiops_reader_opts ro = {0};
    aiops_record r;
    int rc = aiops_reader_new(&rd, paths, n, tab, &ro, err);
    while (!rc && (rc = aiops_reader_next(rd, &r, err)) == 1) {
        rc = aiops_eval_add(ev, tab, &r, baseline, err);
        if (rc < 0 && !err->file[0]) {     /* say which record it was */
            const char *file;
            long line;
            aiops_reader_where(rd, &file, &line);
            aiops_err_locate(err, file, line);
        }
        aiops_record_clear(&r);
    }
    aiops_reader_free(rd);
    return rc;
}

static int load_inputs(const cfg *g, aiops_eval *ev, aiops_series_table *tab,
                       const char *const *paths, size_t npaths, aiops_err *err)
{
    int rc = g->labels ? aiops_eval_load_labels(ev, g->labels, err) : 0;
    if (rc > 0)
        rc = 0;    /* the number of labels read */
    if (!rc && g->nab_win)
        rc = aiops_eval_nab_windows(ev, g->nab_win, err);
    if (!rc && g->nab_thr)
        rc = aiops_eval_nab_thresholds(ev, g->nab_thr, g->detector, err);
    if (!isnan(g->nab_fixed))
        aiops_eval_nab_threshold(ev, g->nab_fixed);
    if (!rc && g->nab_res)
        rc = aiops_eval_nab_results(ev, g->nab_res, err);
    if (!rc && (npaths || !g->nab_res)) {
        static const char *const stdin_only[] = {"-"};
        rc = read_stream(ev, tab, npaths ? paths : stdin_only, npaths ? npaths : 1, 0, err);
    }
    if (!rc && g->base_stream)
        rc = read_stream(ev, tab, &g->base_stream, 1, 1, err);
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
    FILE *f = rc ? NULL : g->out ? fopen(g->out, "w") : stdout;
    if (!rc && !f)
        rc = aiops_err_set(err, AIOPS_EIO, g->out, 0, "cannot open for writing");
    if (!rc && (fprintf(f, "%s%s", text, g->table || g->md ? "" : "\n") < 0 ||
                (f != stdout ? fclose(f) : fflush(f)) != 0))
        rc = aiops_err_set(err, AIOPS_EIO, g->out ? g->out : "stdout", 0, "write failed");
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
        .opts = opts,
        .footer = "Exit status: 0 ok, 1 a gate failed (each failure on stderr), 2 usage or input error.\n"
                  "See aiops-eval(1) and docs/EVALUATION.md.\n",
        .argc = argc,
        .argv = argv,
    };
    cfg g = {.nab_fixed = NAN};
    aiops_eval_opts_default(&g.eo);
    parse_args(&c, &g);
    aiops_err err = {0};
    aiops_eval *ev = NULL;
    aiops_series_table *tab = aiops_series_table_new();
    json_t *rep = NULL;
    int rc = tab ? aiops_eval_new(&ev, &g.eo, &err) : aiops_err_set(&err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (!rc)
        rc = load_inputs(&g, ev, tab, (const char *const *)argv + c.optind, (size_t)(argc - c.optind), &err);
    if (!rc)
        rc = aiops_eval_report(ev, &rep, &err);
    int failed = rc ? 0 : apply_gates(&g, rep, &err);
    if (!rc && failed >= 0)
        rc = emit(&g, rep, &err);
    else if (!rc)
        rc = failed;
    json_decref(rep);
    for (size_t i = 0; i < g.ngates; i++)
        free(g.gate_metrics[i]);
    aiops_eval_free(ev);
    aiops_series_table_free(tab);
    if (rc) {
        char buf[1200];
        fprintf(stderr, "aiops-eval: %s\n", aiops_err_str(&err, buf, sizeof buf));
        return 2;
    }
    return failed > 0 ? 1 : 0;
}
