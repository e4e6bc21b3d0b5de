/* aiops-report.h - aiops-report's options as parsed (aiops-report-args.c
 * fills them from the tool's option table; aiops-report.c reads, renders
 * and writes). */
#ifndef AIOPS_REPORT_TOOL_H
#define AIOPS_REPORT_TOOL_H

#include "aiops.h"
#include "report/report.h"
#include "cli.h"

typedef struct cfg {
    aiops_report_opts ro;
    const char *out;             /* -o: the directory (payloads: a file) */
    int format;                  /* -1 = postmortems, else aiops_report_fmt */
    int no_charts;
    cli_list evals;              /* --eval FILE */
    int64_t max_points, max_records, max_charts;
} cfg;

/* Parse the command line into g (usage errors exit 2; --help and -V
 * exit 0). */
void report_parse_args(cli *c, cfg *g);

#endif
