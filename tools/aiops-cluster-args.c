/* aiops-cluster-args.c - aiops-cluster's option table (the source of --help
 * and the man page's OPTIONS). */
#include <stdlib.h>

#include "aiops-cluster.h"

enum { O_HOPS = CLI_LONG + 1, O_DIMS };

void cluster_parse_args(cli *c, cfg *g)
{
    aiops_cluster_opts *co = &g->co;
    static const char *const methods[] = {"default", "dbscan", "group-by", NULL};
    const cli_opt opts[] = {
        {CLI_LONG, "method", "NAME", "default (combined distance), dbscan or group-by", CLI_ENUM,
         .dest = &co->method, .names = methods,
         .man = "\\fBdefault\\fR: each alert joins the open incident at the smallest combined\n"
                "distance (time, topology, labels, message template) if it is at most\n"
                "\\fB\\-\\-threshold\\fR, else opens one. \\fBdbscan\\fR: DBSCAN over scaled time, the\n"
                "service embedding and severity. \\fBgroup-by\\fR: Alertmanager's aggregation\n"
                "groups and inhibition rules. See docs/CLUSTER.md."},
        {CLI_LONG, "close-after", "DURATION", "an incident closes after DURATION without a new alert (30m)",
         CLI_DURATION, .dest = &co->close_after, .range = CLI_GT, .lo = 0,
         .man = "An incident closes after \\fIDURATION\\fR without a new alert (default 30m);\n"
                "until then late alerts can join it."},
        CLI_MAN_TEXT(".SS Default method"),
        {CLI_LONG, "threshold", "D", "join an incident when the distance is <= D (0.5)", CLI_NUMBER,
         .dest = &co->threshold, .range = CLI_GE | CLI_LE, .lo = 0, .hi = 1,
         .man = "Join the nearest open incident when the combined distance (0..1) is at most\n"
                "\\fID\\fR (default 0.5)."},
        {CLI_LONG, "time-scale", "DURATION", "gap at which the time part is 1 (30m)", CLI_DURATION,
         .dest = &co->time_scale, .range = CLI_GT, .lo = 0,
         .man = "The gap to an incident's last alert at which the time part reaches 1 (default 30m)."},
        {CLI_LONG, "w-time", "W", "weight of the time part (0.25)", CLI_NUMBER, .dest = &co->w_time,
         .range = CLI_GE, .lo = 0, .man = "Weight of the time part (default 0.25; weights are normalised)."},
        {CLI_LONG, "w-topology", "W", "weight of the topology part (0.6)", CLI_NUMBER, .dest = &co->w_topo,
         .range = CLI_GE, .lo = 0,
         .man = "Weight of the topology part: hops in the service graph, or the distance of\n"
                "the learned service embeddings, whichever is smaller (default 0.6)."},
        {CLI_LONG, "w-labels", "W", "weight of the label-overlap part (0.15)", CLI_NUMBER, .dest = &co->w_label,
         .range = CLI_GE, .lo = 0, .man = "Weight of the label-overlap part (default 0.15)."},
        {CLI_LONG, "w-message", "W", "weight of the message-template part (0.15)", CLI_NUMBER,
         .dest = &co->w_msg, .range = CLI_GE, .lo = 0,
         .man = "Weight of the message-template token part (default 0.15)."},
        {O_HOPS, "hops", "N", "hops at which the topology part is 1 (3)", CLI_INT, .dest = NULL,
         .range = CLI_GE | CLI_LE, .lo = 1, .hi = 100,
         .man = "Hops in the service graph at which the topology part reaches 1 (default 3)."},
        {'g', "graph", "FILE", "service graph file (JSON or Graphviz DOT); span records add edges too", CLI_PATH,
         .dest = &g->graph,
         .man = "The service graph: a JSON graph file (\\fB{\"edges\":[{\"from\":A,\"to\":B}]}\\fR, what\n"
                "aiops-rca writes) or Graphviz DOT (\\fBdigraph { web -> api; }\\fR). Span records\n"
                "in the input add the edges of their traces as they stream."},
        {CLI_LONG, "labels", "LIST", "labels compared (default: every label but --ignore-labels)", CLI_STRING,
         .dest = &co->labels,
         .man = "The labels whose name=value pairs are compared (comma list). Default: every\n"
                "label but those of \\fB\\-\\-ignore-labels\\fR."},
        {CLI_LONG, "ignore-labels", "LIST", "labels never compared (severity,alertstate,service)", CLI_STRING,
         .dest = &co->ignore,
         .man = "Labels never compared (default \\fBseverity,alertstate,service\\fR: the service\n"
                "is the topology part's)."},
        {CLI_LONG, "history", "FILE", "learn service embeddings (and --recommend) from a past stream first",
         CLI_LIST, .dest = &g->history,
         .man = "Read a past record stream first (repeatable): its alerts' service\n"
                "co-occurrence trains the embeddings, and \\fB\\-\\-recommend\\fR reads its gaps.\n"
                "Without it, embeddings are learned from the input as it streams."},
        {O_DIMS, "dims", "N", "embedding dimensions (8)", CLI_INT, .dest = NULL, .range = CLI_GE | CLI_LE,
         .lo = 1, .hi = 64, .man = "Dimensions of the service embeddings (default 8)."},
        CLI_MAN_TEXT(".SS DBSCAN"),
        {CLI_LONG, "eps", "E", "dbscan: neighbourhood radius (1)", CLI_NUMBER, .dest = &co->eps,
         .range = CLI_GT, .lo = 0, .man = "DBSCAN's radius in scaled units (default 1)."},
        {CLI_LONG, "min-samples", "N", "dbscan: neighbours of a core point, itself included (3)", CLI_SIZE,
         .dest = &co->min_samples, .man = "DBSCAN's core-point size, the point itself included (default 3)."},
        {CLI_LONG, "dbscan-time", "DURATION", "dbscan: time per unit of the time axis (5m)", CLI_DURATION,
         .dest = &co->dbscan_time, .range = CLI_GT, .lo = 0,
         .man = "The time that counts as one unit on DBSCAN's time axis (default 5m)."},
        CLI_MAN_TEXT(".SS Group-by (Alertmanager)"),
        {CLI_LONG, "group-by", "LIST", "labels of one aggregation group (alertname; ... = no grouping)",
         CLI_STRING, .dest = &co->group_by,
         .man = "The route's \\fBgroup_by\\fR: alerts with equal values share a group (default\n"
                "\\fBalertname\\fR); \\fB...\\fR groups by every label, that is not at all."},
        {CLI_LONG, "group-wait", "DURATION", "first notification of a group after (30s)", CLI_DURATION,
         .dest = &co->group_wait, .man = "Alertmanager's \\fBgroup_wait\\fR (default 30s)."},
        {CLI_LONG, "group-interval", "DURATION", "later notifications of a group every (5m)", CLI_DURATION,
         .dest = &co->group_interval, .range = CLI_GT, .lo = 0,
         .man = "Alertmanager's \\fBgroup_interval\\fR (default 5m). A group whose alerts are all\n"
                "resolved at a flush is deleted: its incident closes."},
        {CLI_LONG, "resolve-timeout", "DURATION", "alerts whose source never resolves end after (5m)",
         CLI_DURATION, .dest = &co->resolve_timeout,
         .man = "Alertmanager's \\fBresolve_timeout\\fR: an alert whose source has sent no\n"
                "resolved record counts as resolved this long after its last firing (default 5m)."},
        {CLI_LONG, "inhibit", "RULE", "inhibition rule 'source: M; target: M; equal: L' (repeatable)",
         CLI_LIST, .dest = &g->inhibit,
         .man = "An inhibition rule, e.g. \\fB'source: severity=critical; target: severity=warning;\n"
                "equal: cluster,service'\\fR (matchers \\fIname\\fB=\\fIvalue\\fR or \\fIname\\fB!=\\fIvalue\\fR).\n"
                "A target is inhibited when a source with equal values fires at its time or\n"
                "up to \\fB\\-\\-inhibit-wait\\fR later; it joins the source's group, marked\n"
                "\\fB\"inhibited\":true\\fR."},
        {CLI_LONG, "inhibit-wait", "DURATION", "how late a source may arrive (5m)", CLI_DURATION,
         .dest = &co->inhibit_wait,
         .man = "How late an inhibiting source may arrive (default 5m): with rules, alerts are\n"
                "held this long before they are placed."},
        CLI_MAN_TEXT(".SS Output"),
        {CLI_LONG, "incidents-only", NULL, "write incident records only, not the alerts", CLI_FLAG,
         .dest = &g->incidents_only,
         .man = "Write only incident records. By default every input record is passed\n"
                "through, alerts and anomalies with an \\fB\"incident\"\\fR field."},
        {CLI_LONG, "max-members", "N", "fingerprints listed per incident (1000)", CLI_SIZE,
         .dest = &co->max_members, .man = "Member fingerprints listed per incident (default 1000)."},
        {CLI_LONG, "recommend", NULL, "print the gap distribution and recommended settings, then exit",
         CLI_FLAG, .dest = &g->recommend,
         .man = "Read the input (and \\fB\\-\\-history\\fR) as a history and print one JSON object:\n"
                "the gaps between consecutive alerts, the split between within-storm and\n"
                "between-storm gaps, and the \\fB\\-\\-close-after\\fR, \\fB\\-\\-time-scale\\fR,\n"
                "\\fB\\-\\-group-wait\\fR and \\fB\\-\\-group-interval\\fR that would have grouped its storms."},
        {CLI_LONG, "stats", NULL, "counts on stderr at the end", CLI_FLAG, .dest = &g->stats,
         .man = "Print alerts, repeats, incidents and the most incidents open at once to standard error."},
        CLI_FROM(&g->from),
        CLI_TO(&g->to),
        CLI_TZ_ROW,
        CLI_OUTPUT(&g->out),
        CLI_STRICT_ROW,
        CLI_MAX_SERIES_ROW,
        CLI_HELP_ROW,
        CLI_VERSION_ROW,
        CLI_END,
    };
    c->opts = opts;
    int id;
    while ((id = cli_next(c)) != -1) {
        if (id == O_HOPS)
            co->topo_hops = (int)c->whole;
        else if (id == O_DIMS)
            co->dims = (int)c->whole;
    }
    if (!co->min_samples)
        cli_die_usage(c, "--min-samples: expected a positive whole number");
}

void cluster_cfg_free(cfg *g)
{
    free(g->inhibit.v);
    free(g->history.v);
}
