/* aiops-predict.h - aiops-predict's options as parsed (aiops-predict-args.c
 * fills them from the tool's option table; aiops-predict.c trains or
 * scores). */
#ifndef AIOPS_PREDICT_TOOL_H
#define AIOPS_PREDICT_TOOL_H

#include "aiops.h"
#include "cli.h"
#include "predict/predict.h"

typedef struct cfg {
    aiops_predict_opts po;
    int train, no_eta, pass;
    int64_t seed;
    cli_list labels;
    const char *model, *limits, *out, *dump;
} cfg;

/* Parse the command line into g (usage errors exit 2; --help and -V
 * exit 0). */
void predict_parse_args(cli *c, cfg *g);
void predict_cfg_free(cfg *g);

#endif
