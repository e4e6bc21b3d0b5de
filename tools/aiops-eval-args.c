/* aiops-eval-args.c - aiops-eval's option table (the source of --help and
 * the man page's OPTIONS), gates given as options, and --span. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aiops-eval.h"

enum { O_NAMED_GATE = CLI_LONG + 1, O_GATE, O_SPAN };

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

/* --span FROM..TO: two times (RFC 3339, epoch; zone-less in --tz). */
static void parse_span(cli *c, cfg *g, const char *a)
{
    const char *dots = strstr(a, "..");
    double from, to;
    if (!dots || aiops_parse_time(a, (size_t)(dots - a), &from) ||
        aiops_parse_time(dots + 2, strlen(dots + 2), &to) || !(to > from))
        cli_die_usage(c, "--span: expected FROM..TO, two times (RFC 3339 or epoch seconds) with "
                         "FROM before TO, got '%s'", a);
    g->eo.span_from = from;
    g->eo.span_to = to;
}

/* --min-f1 X, --max-delay DUR, ...: the metric each names is in libcore. */
static void named_gate(cli *c, cfg *g)
{
    aiops_gate gate;
    char name[160];
    if (aiops_eval_gate_named(c->opt->lng, &gate))
        cli_die_usage(c, "--%s: no such gate", c->opt->lng);
    snprintf(name, sizeof name, "--%s %s", c->opt->lng, c->optarg);
    add_gate(c, g, name, gate.metric, gate.kind, c->num);
}

void eval_parse_args(cli *c, cfg *g)
{
    aiops_eval_opts *eo = &g->eo;
    static const char *const rca_ks[] = {"1", "3", "5", NULL};
    static const int rca_k_values[] = {1, 3, 5};
    const cli_opt opts[] = {
        {'l', "labels", "FILE", "ground truth: label records, an incident list or export (CSV/JSON), NAB windows",
         CLI_PATH, .dest = &g->labels,
         .man = "Ground truth: label records, an incident list or export (CSV or JSON; only a\n"
                "start time is required, see DESCRIPTION for the column names), or NAB windows."},
        {CLI_LONG, "baseline-stream", "FILE", "stream to compare detection with (anomalies/alerts)", CLI_PATH,
         .dest = &g->base_stream,
         .man = "A second stream to compare detection with: its \\fBanomaly\\fR records (except\n"
                "resolved ones) and firing \\fBalert\\fR records count as detections (for example the output of\n"
                "the \\fBstatic\\fR model, or the team's real alert history)."},
        {CLI_LONG, "nab-windows", "FILE", "NAB windows (combined_windows.json); series matched by file stem",
         CLI_PATH, .dest = &g->nab_win,
         .man = "NAB windows (\\fBcombined_windows.json\\fR). Series of the stream named after\n"
                "a NAB file stem are scored against them."},
        {CLI_LONG, "nab-results", "PATH", "score NAB result CSVs in a directory or archive", CLI_PATH,
         .dest = &g->nab_res,
         .man = "Score NAB result CSVs (\\fBtimestamp,value,anomaly_score\\fR,...) in a\n"
                "directory or an archive (read member by member, never extracted). Needs\n"
                "\\fB\\-\\-nab-windows\\fR (or \\fB\\-\\-labels\\fR with NAB windows) and thresholds\n"
                "(or \\fB\\-\\-nab-optimize\\fR). A row is a detection when its anomaly_score is\n"
                "at least the profile's threshold. The stream is then read only if\n"
                "\\fIFILE\\fRs are given."},
        {CLI_LONG, "nab-thresholds", "FILE", "NAB thresholds.json (per detector and profile)", CLI_PATH,
         .dest = &g->nab_thr,
         .man = "NAB's \\fBthresholds.json\\fR: one threshold per detector and profile."},
        {CLI_LONG, "detector", "NAME", "detector whose thresholds and result files to use", CLI_STRING,
         .dest = &g->detector,
         .man = "The detector whose thresholds to use. With it, only result files named\n"
                "\\fINAME\\fB_\\fR*, under a directory \\fINAME\\fR, or named exactly after a NAB\n"
                "file are scored (with \\fB\\-\\-nab-thresholds\\fR, \\fB\\-\\-nab-threshold\\fR\n"
                "or \\fB\\-\\-nab-optimize\\fR)."},
        {CLI_LONG, "nab-threshold", "X", "one anomaly_score threshold for every profile", CLI_NUMBER,
         .dest = &g->nab_fixed,
         .man = "One anomaly_score threshold for every profile (instead of thresholds.json)."},
        {CLI_LONG, "nab-optimize", NULL, "choose each profile's threshold as NAB's optimiser does",
         CLI_FLAG, .dest = &g->nab_opt,
         .man = "With \\fB\\-\\-nab-results\\fR: choose each profile's anomaly_score threshold\n"
                "as NAB's optimiser does, the one that maximises the raw score summed over\n"
                "the result files, and report the scores there (instead of\n"
                "\\fB\\-\\-nab-thresholds\\fR or \\fB\\-\\-nab-threshold\\fR). Every distinct score\n"
                "after the probationary periods is tried, so the optimum is exact."},
        {CLI_LONG, "pre", "DUR", "detections up to DUR before an incident start count (0)", CLI_DURATION,
         .dest = &eo->detect.pre,
         .man = "A detection up to \\fIDUR\\fR before an incident's start counts for it (0)."},
        {CLI_LONG, "post", "DUR", "detections up to DUR after an incident end count (0)", CLI_DURATION,
         .dest = &eo->detect.post,
         .man = "A detection up to \\fIDUR\\fR after an incident's end counts for it (0)."},
        {CLI_LONG, "merge", "DUR", "detections at most DUR apart are one alarm (0)", CLI_DURATION,
         .dest = &eo->detect.merge,
         .man = "Detections at most \\fIDUR\\fR apart form one alarm (0: each distinct time is\n"
                "an alarm)."},
        {O_SPAN, "span", "FROM..TO", "evaluated period for false alarms per day (default: what aiops-fit scored)",
         CLI_STRING,
         .man = "The evaluated period of \\fBfalse_per_day\\fR, two times (RFC 3339 or epoch\n"
                "seconds) such as \\fB2024-01-01T00:00:00Z..2024-01-08T00:00:00Z\\fR. Without it\n"
                "the period is the range \\fBaiops-fit\\fR scored (its \\fBscored\\fR records), else it\n"
                "runs from the first to the last of the label windows and the\n"
                "detections (of this stream and of \\fB\\-\\-baseline-stream\\fR). Samples and\n"
                "other records passed through never count, so the figure is the same\n"
                "whether or not \\fBaiops-fit\\fR passes the samples on. Give it when the stream covers\n"
                "quiet time before the first or after the last of those. Detections and\n"
                "labels outside it are still scored."},
        {CLI_LONG, "horizon", "DUR", "how early a prediction may come and still count (1h)", CLI_DURATION,
         .dest = &eo->horizon,
         .man = "A prediction counts for an incident when it comes at most \\fIDUR\\fR before\n"
                "the incident's start and before it was declared (1h)."},
        {CLI_LONG, "group-by", "FIELDS", "alert fields of the group_by baseline (alertname)", CLI_STRING,
         .dest = &eo->group_by,
         .man = "Comma-separated alert fields or labels of the \\fBgroup_by\\fR baseline\n"
                "(\\fBalertname\\fR)."},
        {CLI_LONG, "group-window", "DUR", "group_by baseline: quiet time that starts a new group (1h)",
         CLI_DURATION, .dest = &eo->group_window,
         .man = "Baseline: an alert joins its key's group when it starts at most \\fIDUR\\fR\n"
                "after the group's last alert, else it starts a new group (1h)."},
        {CLI_LONG, "mttr", "DUR", "MTTR model: today's mean time to repair (1h)", CLI_DURATION,
         .dest = &eo->mttr.mttr, .man = "MTTR model: today's mean time to repair (1h)."},
        {CLI_LONG, "detect-today", "DUR", "MTTR model: today's time to detect, without --baseline-stream (15m)",
         CLI_DURATION, .dest = &eo->mttr.detect_today,
         .man = "MTTR model: today's time from fault to detection, used when there is no\n"
                "\\fB\\-\\-baseline-stream\\fR (15m)."},
        {CLI_LONG, "diagnose", "DUR", "MTTR model: today's time to find the root cause (30m)", CLI_DURATION,
         .dest = &eo->mttr.diagnose, .man = "MTTR model: today's time to find the root cause (30m)."},
        {CLI_LONG, "saved-top1", "F", "MTTR model: share of it saved when ranked first (0.75)", CLI_NUMBER,
         .dest = &eo->mttr.saved_top1,
         .man = "MTTR model: share of the diagnosis time saved when the root cause is ranked\n"
                "first (0.75)."},
        {CLI_LONG, "saved-topk", "F", "MTTR model: share saved when ranked 2..k (0.4)", CLI_NUMBER,
         .dest = &eo->mttr.saved_topk, .man = "MTTR model: share saved when it is ranked 2..k (0.4)."},
        {CLI_LONG, "rca-k", "K", "MTTR model: k, 1, 3 or 5 (3)", CLI_ENUM, .names = rca_ks,
         .values = rca_k_values, .dest = &eo->rca_k, .man = "MTTR model: k, one of 1, 3, 5 (3)."},
        {'t', "table", NULL, "print a table instead of JSON", CLI_FLAG, .dest = &g->table,
         .man = "Print a table (one metric per line) instead of JSON."},
        {'M', "markdown", NULL, "print Markdown instead of JSON", CLI_FLAG, .dest = &g->md,
         .man = "Print Markdown tables instead of JSON."},
        {'o', .common = 1, .dest = &g->out, .help = "write the report to FILE instead of stdout",
         .man = "Write the report to \\fIFILE\\fR instead of standard output."},
        CLI_MAN_TEXT(".SS Quality gates\n"
                     "Each gate that fails is printed on standard error with the metric, its\n"
                     "value, the limit and how far off it is, and makes the exit status 1. A gate\n"
                     "on a metric the report does not have fails. The report's \\fBgates\\fR field\n"
                     "lists the failures too."),
        {O_NAMED_GATE, "min-f1", "X", "gate: event-wise F1 >= X", CLI_NUMBER,
         .man = "Event-wise F1 (\\fBdetection.event.f1\\fR) at least \\fIX\\fR."},
        {O_NAMED_GATE, "min-recall", "X", "gate: event-wise recall >= X", CLI_NUMBER,
         .man = "Event-wise recall at least \\fIX\\fR."},
        {O_NAMED_GATE, "min-precision", "X", "gate: event-wise precision >= X", CLI_NUMBER,
         .man = "Event-wise precision at least \\fIX\\fR."},
        {O_NAMED_GATE, "min-point-f1", "X", "gate: point-wise F1 >= X", CLI_NUMBER,
         .man = "Point-wise F1 at least \\fIX\\fR."},
        {O_NAMED_GATE, "min-nab", "X", "gate: NAB standard score >= X", CLI_NUMBER,
         .man = "NAB score, standard profile (\\fBnab.standard.score\\fR), at least \\fIX\\fR."},
        {O_NAMED_GATE, "max-false-per-day", "X", "gate: false alarms per day <= X", CLI_NUMBER,
         .man = "False alarms per day at most \\fIX\\fR."},
        {O_NAMED_GATE, "max-delay", "DUR", "gate: median detection delay <= DUR", CLI_DURATION,
         .man = "Median detection delay at most \\fIDUR\\fR."},
        {O_NAMED_GATE, "min-ac1", "X", "gate: RCA AC@1 >= X", CLI_NUMBER, .man = "RCA AC@1 at least \\fIX\\fR."},
        {O_NAMED_GATE, "min-ac3", "X", "gate: RCA AC@3 >= X", CLI_NUMBER, .man = "RCA AC@3 at least \\fIX\\fR."},
        {O_NAMED_GATE, "min-avg5", "X", "gate: RCA Avg@5 >= X", CLI_NUMBER,
         .man = "RCA Avg@5 at least \\fIX\\fR."},
        {O_NAMED_GATE, "min-ari", "X", "gate: grouping adjusted Rand index >= X", CLI_NUMBER,
         .man = "Adjusted Rand index of our grouping at least \\fIX\\fR."},
        {O_NAMED_GATE, "min-noise-reduction", "X", "gate: alerts per incident >= X", CLI_NUMBER,
         .man = "Alerts per incident at least \\fIX\\fR."},
        {O_NAMED_GATE, "min-warned", "X", "gate: share of incidents warned ahead >= X", CLI_NUMBER,
         .man = "Share of incidents warned ahead at least \\fIX\\fR."},
        {O_GATE, "gate", "METRIC>=X", "gate on any report metric (also <=), repeatable", CLI_STRING,
         .man = "A gate on any numeric report field by its dotted path, e.g.\n"
                "\\fBgrouping.ours.pair_f1>=0.8\\fR or \\fBdetection.event.delay_p90<=600\\fR.\n"
                "Repeatable."},
        {CLI_LONG, "baseline", "FILE", "previous report: fail on regressions", CLI_PATH, .dest = &g->baseline,
         .man = "A previous report of aiops-eval: fail when a tracked metric (F1, recall,\n"
                "precision, false alarms per day, delay, NAB scores, ARI, AC@k, ...) got\n"
                "worse by more than \\fB\\-\\-max-regression\\fR."},
        {CLI_LONG, "max-regression", "F", "allowed relative regression against --baseline (0)", CLI_NUMBER,
         .dest = &g->max_reg,
         .man = "Allowed regression against \\fB\\-\\-baseline\\fR, relative to the baseline\n"
                "value (0.02 = 2 %; absolute when the baseline value is 0). Default 0."},
        CLI_TZ_ROW,
        CLI_STRICT_ROW,
        CLI_MAX_SERIES_ROW,
        CLI_HELP_ROW,
        CLI_VERSION_ROW,
        CLI_END,
    };
    c->opts = opts;
    int id;
    while ((id = cli_next(c)) != -1) {
        if (id == O_SPAN)
            parse_span(c, g, c->optarg);
        else if (id == O_NAMED_GATE)
            named_gate(c, g);
        else if (id == O_GATE)
            parse_gate(c, g, c->optarg);
    }
    if (g->nab_opt && !g->nab_res)
        cli_die_usage(c, "--nab-optimize: needs --nab-results");
    if (g->nab_opt && (g->nab_thr || !isnan(g->nab_fixed)))
        cli_die_usage(c, "--nab-optimize chooses the thresholds: drop --nab-thresholds and "
                         "--nab-threshold");
    c->opts = NULL;
}

void eval_cfg_free(cfg *g)
{
    for (size_t i = 0; i < g->ngates; i++)
        free(g->gate_metrics[i]);
}
