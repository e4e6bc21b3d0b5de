/* aiops-report-args.c - aiops-report's option table (the source of --help
 * and of the man page's OPTIONS). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "aiops-report.h"

void report_parse_args(cli *c, cfg *g)
{
    static const char *const formats[] = {"pagerduty", "opsgenie", "slack", "servicenow",
                                          "alertmanager", "grafana", NULL};
    static const int format_values[] = {AIOPS_REPORT_PAGERDUTY, AIOPS_REPORT_OPSGENIE,
                                        AIOPS_REPORT_SLACK, AIOPS_REPORT_SERVICENOW,
                                        AIOPS_REPORT_ALERTMANAGER, AIOPS_REPORT_GRAFANA};
    const cli_opt opts[] = {
        {'o', .common = 1, .dest = &g->out,
         .help = "the report's directory (default reports); with --format, a file instead of stdout",
         .man = "The directory the reports go to (default \\fBreports\\fR, created when\n"
                "missing). With \\fB\\-\\-format\\fR, a file to write the payloads to instead of\n"
                "standard output."},
        {CLI_LONG, "format", "NAME", "hand-off payloads instead of postmortems: pagerduty, opsgenie, "
                                     "slack, servicenow, alertmanager, grafana",
         CLI_ENUM, .dest = &g->format, .names = formats, .values = format_values,
         .man = "Print hand-off payloads, one JSON document per line and per incident, instead\n"
                "of writing postmortems: \\fBpagerduty\\fR (Events API v2 trigger events,\n"
                "dedup_key per incident), \\fBopsgenie\\fR (Alert API create bodies),\n"
                "\\fBslack\\fR (Block Kit messages), \\fBservicenow\\fR (Table API incident\n"
                "records), \\fBalertmanager\\fR (API v2 alert arrays: the incident and its\n"
                "anomalous series), \\fBgrafana\\fR (annotations). docs/INTEGRATIONS.md gives\n"
                "the curl command that posts each."},
        {CLI_LONG, "resolve", NULL, "pagerduty: also a resolve event for each ended incident", CLI_FLAG,
         .dest = &g->ro.resolve,
         .man = "With \\fB\\-\\-format pagerduty\\fR: after the trigger event of an incident\n"
                "that has an end, a resolve event with the same dedup_key."},
        {CLI_LONG, "groups", "FILE", "servicenow: JSON object mapping service to assignment group",
         CLI_PATH, .dest = &g->ro.groups_file,
         .man = "With \\fB\\-\\-format servicenow\\fR: a JSON object mapping a service name to\n"
                "its assignment group (\\fB{\"payments\":\"Payments SRE\"}\\fR); the root\n"
                "cause's group is used, else the first service's that has one."},
        {CLI_LONG, "eval", "FILE", "backtest report of aiops-eval reports (repeatable; operands too)",
         CLI_LIST, .dest = &g->evals,
         .man = "Write the backtest report (\\fBbacktest.md\\fR and \\fBbacktest.html\\fR) of\n"
                "aiops-eval reports instead of postmortems: one per \\fIFILE\\fR (the\n"
                "\\fBmake eval\\fR suite writes \\fBbuild/eval/*.json\\fR), named after the file\n"
                "stem. Operands are further eval reports."},
        {CLI_LONG, "no-charts", NULL, "draw no charts (gnuplot is not needed)", CLI_FLAG,
         .dest = &g->no_charts, .man = "Draw no charts, so gnuplot is not needed."},
        {CLI_LONG, "gnuplot", "PROG", "the gnuplot program (gnuplot, found on PATH)", CLI_STRING,
         .dest = &g->ro.gnuplot,
         .man = "The gnuplot program to run (default \\fBgnuplot\\fR, looked up on\n"
                "\\fBPATH\\fR). It is run with an argument vector, never through a shell."},
        {CLI_LONG, "graph-file", "FILE", "the service graph (JSON or DOT) instead of the spans", CLI_PATH,
         .dest = &g->ro.graph_file,
         .man = "Draw the service graph from \\fIFILE\\fR (JSON or Graphviz DOT, as\n"
                "aiops-rca reads it) instead of the span records of the input."},
        {CLI_LONG, "context", "DUR", "time shown before and after each incident (30m)", CLI_DURATION,
         .dest = &g->ro.context,
         .man = "The time shown before the start and after the end of each incident in its\n"
                "timeline and charts (30m)."},
        {CLI_LONG, "max-charts", "N", "key metrics charted per incident (4)", CLI_INT,
         .dest = &g->max_charts, .range = CLI_GE | CLI_LE, .lo = 0, .hi = 50,
         .man = "How many key metrics (the series with the highest anomaly scores in the\n"
                "incident) are charted per incident (4)."},
        {CLI_LONG, "max-points", "N", "sample and band points kept in all (8388608)", CLI_INT,
         .dest = &g->max_points, .range = CLI_GE, .lo = 1,
         .man = "A cap on the sample and band points kept for charts; past it the run stops\n"
                "with an error (exit 2) rather than use unbounded memory (8388608, about\n"
                "130 MiB)."},
        {CLI_LONG, "max-records", "N", "alert, anomaly, event, ... records kept (1048576)", CLI_INT,
         .dest = &g->max_records, .range = CLI_GE, .lo = 1,
         .man = "A cap on the other records kept (alerts, anomalies, events, predictions,\n"
                "incidents, ...); past it the run stops with an error (exit 2)."},
        CLI_STRICT_ROW,
        CLI_MAX_SERIES_ROW,
        CLI_HELP_ROW,
        CLI_VERSION_ROW,
        CLI_END,
    };
    c->opts = opts;
    while (cli_next(c) != -1)
        ;
    g->ro.max_points = (size_t)g->max_points;
    g->ro.max_records = (size_t)g->max_records;
    g->ro.max_charts = (size_t)g->max_charts;
    g->ro.charts = !g->no_charts;
    if (g->evals.n && g->format >= 0)
        cli_die_usage(c, "--eval and --format: one at a time");
    c->opts = NULL;
}
