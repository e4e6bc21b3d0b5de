/* aiops-cluster.h - aiops-cluster's options as parsed (aiops-cluster-args.c
 * fills them from the tool's option table; aiops-cluster.c runs the
 * engine, libcore/cluster/). */
#ifndef AIOPS_CLUSTER_TOOL_H
#define AIOPS_CLUSTER_TOOL_H

#include "aiops.h"
#include "cli.h"
#include "cluster/cluster.h"

typedef struct cfg {
    aiops_cluster_opts co;
    const char *out, *graph;
    cli_list inhibit, history;
    double from, to;
    int incidents_only, recommend, stats;
} cfg;

/* Parse the command line into g (usage errors exit 2; --help, -V exit 0). */
void cluster_parse_args(cli *c, cfg *g);
void cluster_cfg_free(cfg *g);

#endif
