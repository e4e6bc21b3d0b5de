/* aiops-fit.h - aiops-fit's options as parsed (aiops-fit-args.c fills
 * them from the tool's option table; aiops-fit.c runs the engine). */
#ifndef AIOPS_FIT_TOOL_H
#define AIOPS_FIT_TOOL_H

#include "aiops.h"
#include "fit/fit.h"
#include "cli.h"

typedef struct cfg {
    aiops_fit_opts fo;
    const char *out, *save, *promrules, *labels;
    cli_list load;
    aiops_fit_rule *rules;
    aiops_selector **match, **counters;
    size_t rules_cap, match_cap, counters_cap;   /* AIOPS_GROW capacities */
    int fmt, fail, verbose;
    double from, to;
    aiops_shard shard;           /* --shard K/N */
} cfg;

/* Parse the command line into g (usage errors exit 2; --list-models and
 * --help exit 0). */
void fit_parse_args(cli *c, cfg *g);
/* Free what parsing allocated. */
void fit_cfg_free(cfg *g);

#endif
