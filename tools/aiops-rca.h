/* aiops-rca.h - aiops-rca's options as parsed (aiops-rca-args.c fills them
 * from the tool's option table; aiops-rca.c runs the engine, libcore/rca). */
#ifndef AIOPS_RCA_TOOL_H
#define AIOPS_RCA_TOOL_H

#include "aiops.h"
#include "rca/rca.h"
#include "cli.h"

typedef struct cfg {
    aiops_rca_opts ro;
    const char *out, *graph_file;
    int graph, dot, passthrough, rca_only, table, on, norollup, nodaily;
} cfg;

/* Parse the command line into g (usage errors exit 2; --help, -V exit 0). */
void rca_parse_args(cli *c, cfg *g);

#endif
