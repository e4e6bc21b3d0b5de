/* aiops-rca-args.c - aiops-rca's option table (the source of --help and
 * the man page's OPTIONS). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aiops-rca.h"

void rca_parse_args(cli *c, cfg *g)
{
    aiops_rca_opts *o = &g->ro;
    static const char *const methods[] = {"default", "structural", "seed", NULL};
    static const char *const ons[] = {"both", "incident", "label", NULL};
    static const int on_values[] = {AIOPS_RCA_ON_INCIDENT | AIOPS_RCA_ON_LABEL, AIOPS_RCA_ON_INCIDENT,
                                    AIOPS_RCA_ON_LABEL};
    int method = 0;
    g->on = on_values[0];
    const cli_opt opts[] = {
        {'m', "method", "NAME", "default (combined ranker), structural or seed", CLI_ENUM, .names = methods,
         .dest = &method,
         .man = "The ranker: \\fBdefault\\fR (anomaly around onset, a random walk over the\n"
                "graph weighted by the correlation of caller and callee anomalies, onset\n"
                "order, log anomalies, change events), \\fBstructural\\fR (anomalous services\n"
                "none of whose callees is anomalous first) or \\fBseed\\fR (anomalous services\n"
                "with no anomalous caller first; wrong when faults propagate from callee to\n"
                "caller, kept for comparison). See docs/RCA.md."},
        {CLI_LONG, "on", "KIND", "what to rank: both (default), incident or label records", CLI_ENUM,
         .names = ons, .values = on_values, .dest = &g->on,
         .man = "Which records are incidents to rank: \\fBincident\\fR records (from\n"
                "aiops-cluster), \\fBlabel\\fR records (ground truth, e.g. from aiops-simulate\n"
                "or an incident list through jq), or \\fBboth\\fR (default)."},
        {'G', "graph-file", "FILE", "service graph (JSON or DOT) when traces are missing or partial",
         CLI_PATH, .dest = &g->graph_file,
         .man = "A service graph, JSON (\\fB{\"edges\":[{\"from\":CALLER,\"to\":CALLEE}]}\\fR, what\n"
                "\\fB\\-\\-graph\\fR prints) or Graphviz DOT (\\fBdigraph { a -> b }\\fR). Edges\n"
                "point from caller to callee. Spans in the input add to it."},
        {CLI_LONG, "graph", NULL, "print the service graph (JSON) built from the input, rank nothing",
         CLI_FLAG, .dest = &g->graph,
         .man = "Print the service graph built from the input's spans (and \\fB\\-\\-graph-file\\fR)\n"
                "as JSON: services with their calls, errors and latency, edges with calls,\n"
                "errors, p50/p90/p99 latency of the callee's spans and the clock skew seen,\n"
                "and the counts of spans, roots and missing parents. Nothing is ranked."},
        {CLI_LONG, "dot", NULL, "with --graph: print Graphviz DOT instead of JSON", CLI_FLAG, .dest = &g->dot,
         .man = "With \\fB\\-\\-graph\\fR: print Graphviz DOT (\\fBdot -Tsvg\\fR draws it)."},
        {CLI_LONG, "pre", "DUR", "analysis window starts this long before the incident start (3 steps)",
         CLI_DURATION, .dest = &o->pre,
         .man = "The analysis window starts this long before the incident's start. Default:\n"
                "3 steps of the data (the median spacing of the metric series; the\n"
                "\\fB\\-\\-window\\fR without metrics): 15 min at a 5-min step."},
        {CLI_LONG, "post", "DUR", "... and ends this long after it (4 steps)", CLI_DURATION, .dest = &o->post,
         .range = CLI_GT, .lo = 0,
         .man = "The analysis window ends this long after the incident's start (4 steps: 20 min\n"
                "at a 5-min step). An incident is ranked once the input has passed that (plus\n"
                "the span horizon)."},
        {CLI_LONG, "baseline", "DUR", "normal behaviour: this long before the analysis window (3h)",
         CLI_DURATION, .dest = &o->baseline, .range = CLI_GT, .lo = 0,
         .man = "The baseline every series is compared with: this long before the analysis\n"
                "window (3h)."},
        {CLI_LONG, "window", "DUR", "window of span and log statistics (1m)", CLI_DURATION, .dest = &o->window,
         .range = CLI_GT, .lo = 0,
         .man = "Spans and log lines are counted per window of this length (1m): latency\n"
                "p90, error ratio and call rate per service, error/warn lines and new log\n"
                "templates per service."},
        {CLI_LONG, "horizon", "DUR", "how long a span waits for its parent (5m)", CLI_DURATION,
         .dest = &o->graph.horizon, .range = CLI_GT, .lo = 0,
         .man = "How long a span waits for its parent, or a parent for children that come\n"
                "late (5m). A span whose parent is not seen within it counts as a missing\n"
                "parent."},
        {CLI_LONG, "change-window", "DUR", "change events this long before the start count (30m)", CLI_DURATION,
         .dest = &o->change_window,
         .man = "Deploy, config, restart and OOM-kill events of a service up to this long\n"
                "before the incident's start (and up to half of \\fB\\-\\-post\\fR after it) raise\n"
                "it and are shown as evidence (30m)."},
        {'z', "z", "Z", "robust z-score from which a series is anomalous (5)", CLI_NUMBER,
         .dest = &o->z_anomalous, .range = CLI_GT, .lo = 0,
         .man = "The robust z-score (distance from the baseline median in MADs) from which a\n"
                "series, and its service, counts as anomalous (5)."},
        {'k', "top", "N", "candidates per incident (10)", CLI_SIZE, .dest = &o->top,
         .man = "Candidates per rca record, best first (10)."},
        {CLI_LONG, "no-daily", NULL, "do not compare with the same time a day before", CLI_FLAG,
         .dest = &g->nodaily,
         .man = "Compare each series with its baseline only, not also with the same time a\n"
                "day before (which needs a day of history, kept per series)."},
        {CLI_LONG, "no-rollup", NULL, "keep pod and instance names as services", CLI_FLAG, .dest = &g->norollup,
         .man = "Keep pod names (\\fBapi-7d9f8b6c4-x2x9z\\fR) as services instead of rolling\n"
                "them up to their workload (\\fBapi\\fR)."},
        CLI_MAN_TEXT(".SS Weights of the default ranker\n"
                     "The score of a service is the weighted sum of its parts, each in [0, 1]."),
        {CLI_LONG, "w-anomaly", "X", "weight of the anomaly around onset (1)", CLI_NUMBER, .dest = &o->w_anomaly,
         .range = CLI_GE, .lo = 0, .man = "Weight of the service's own anomaly around onset (1)."},
        {CLI_LONG, "w-walk", "X", "weight of the random walk (1)", CLI_NUMBER, .dest = &o->w_walk,
         .range = CLI_GE, .lo = 0, .man = "Weight of the personalised random walk (1)."},
        {CLI_LONG, "w-onset", "X", "weight of onset order (0.3)", CLI_NUMBER, .dest = &o->w_onset,
         .range = CLI_GE, .lo = 0, .man = "Weight of onset order: the first anomalous service gets it all (0.3)."},
        {CLI_LONG, "w-log", "X", "weight of log anomalies (0.3)", CLI_NUMBER, .dest = &o->w_log,
         .range = CLI_GE, .lo = 0, .man = "Weight of error-log surges and new log templates (0.3)."},
        {CLI_LONG, "w-change", "X", "weight of change events before onset (0.5)", CLI_NUMBER,
         .dest = &o->w_change, .range = CLI_GE, .lo = 0,
         .man = "Weight of a deploy or config change (1) or a restart/OOM kill (0.6) shortly\n"
                "before onset (0.5)."},
        {CLI_LONG, "w-surge", "X", "weight of a traffic surge entering at the service (1)", CLI_NUMBER,
         .dest = &o->w_surge, .range = CLI_GE, .lo = 0,
         .man = "Weight of a traffic surge that enters the graph at the service: its request\n"
                "rate rose and its callers' did not (1)."},
        CLI_MAN_TEXT(".SS Output"),
        {CLI_LONG, "rca-only", NULL, "write rca records only, not the input records", CLI_FLAG,
         .dest = &g->rca_only,
         .man = "Write only the rca records.  By default every input record is written too,\n"
                "with the rca records in time order among them, so the stream goes on to the\n"
                "next tool (aiops-summarize, aiops-report) as aiops-cluster's does."},
        {'t', "table", NULL, "print a table of the candidates instead of NDJSON", CLI_FLAG, .dest = &g->table,
         .man = "Print one line per candidate (incident, rank, service, score, evidence)\n"
                "instead of NDJSON."},
        {'o', .common = 1, .dest = &g->out},
        CLI_TZ_ROW,
        CLI_STRICT_ROW,
        CLI_MAX_SERIES_ROW,
        CLI_HELP_ROW,
        CLI_VERSION_ROW,
        CLI_END,
    };
    c->opts = opts;
    while (cli_next(c) != -1)
        ;
    o->rollup = !g->norollup;
    o->daily = !g->nodaily;
    o->method = (aiops_rca_method)method;
    o->on = g->on;
    if (g->dot && !g->graph)
        cli_die_usage(c, "--dot: only with --graph");
    if (g->rca_only && (g->table || g->graph))
        cli_die_usage(c, "--rca-only: not with --table or --graph");
    g->passthrough = !g->rca_only && !g->table && !g->graph;
    c->opts = NULL;
}
