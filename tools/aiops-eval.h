/* aiops-eval.h - aiops-eval's options as parsed (aiops-eval-args.c fills
 * them from the tool's option table; aiops-eval.c scores and gates). */
#ifndef AIOPS_EVAL_TOOL_H
#define AIOPS_EVAL_TOOL_H

#include "aiops.h"
#include "score/score.h"
#include "cli.h"

typedef struct cfg {
    aiops_eval_opts eo;
    const char *labels, *base_stream, *nab_win, *nab_res, *nab_thr, *detector, *out, *baseline;
    double nab_fixed, max_reg;
    int table, md, nab_opt;
    aiops_gate gates[64];
    char gate_names[64][160];
    char *gate_metrics[64];      /* owned copies for --gate */
    size_t ngates;
} cfg;

/* Parse the command line into g (usage errors exit 2; --help, -V and the
 * listing options exit 0). */
void eval_parse_args(cli *c, cfg *g);
/* Free what parsing allocated. */
void eval_cfg_free(cfg *g);

#endif
