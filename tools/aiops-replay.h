/* aiops-replay.h - aiops-replay's options as parsed (aiops-replay-args.c fills
 * them from the tool's option table; aiops-replay.c runs the reader). */
#ifndef AIOPS_REPLAY_TOOL_H
#define AIOPS_REPLAY_TOOL_H

#include "aiops.h"
#include "cli.h"

typedef struct cfg {
    const char *out;
    int fmt, zstd, stats, alerts_from_series;
    int types[AIOPS_R__COUNT];   /* --types: 1 = keep; all 0 = keep everything */
    int have_types;
    double from, to, speed;
    aiops_match *match;
    aiops_shard shard;          /* --shard K/N */
    int follow;                 /* --follow */
    double follow_delay;        /* --follow-delay, seconds */
    cli_list members;
    aiops_reader_opts ro;
} cfg;

/* Parse the command line into g (usage errors exit 2; --help, -V and the
 * listing options exit 0). */
void replay_parse_args(cli *c, cfg *g);
/* Free what parsing allocated. */
void replay_cfg_free(cfg *g);

#endif
