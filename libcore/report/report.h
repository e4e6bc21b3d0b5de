/* report.h - aiops-report's engine (layer 6): postmortems per incident
 * (Markdown and one self-contained HTML file each, plus an index), the
 * backtest report of aiops-eval results, and hand-off payloads for
 * incident tools (PagerDuty, Opsgenie, Slack, ServiceNow, Alertmanager,
 * Grafana).
 *
 * Records are collected with aiops_report_add (the fields docs/FORMAT.md
 * documents are read, unknown ones ignored); aiops_report_finish builds
 * the incidents (from `incident` records, else from `label` records).
 * Memory: the points of sample and band records, at most 16384 of each
 * per series (a longer series is thinned to every 2nd, 4th, ... point),
 * and in all at most max_points; the other records kept (alerts,
 * anomalies, events, ...: capped by max_records); past a cap,
 * AIOPS_ELIMIT naming the option.
 *
 * Everything taken from the input is escaped for where it goes (HTML,
 * Markdown, JSON); nothing from the input reaches gnuplot except numbers
 * in data files.  The same input gives byte-identical output: no time of
 * now, stable orders.
 *
 * Ownership: aiops_report_new makes a report the caller frees with
 * aiops_report_free; the series table passed to aiops_report_add is
 * borrowed and must outlive the report.  Text written to an aiops_buf
 * belongs to the buffer's owner. */
#ifndef AIOPS_REPORT_H
#define AIOPS_REPORT_H

#include <stddef.h>

#include "aiops.h"
#include "common/buf.h"

typedef struct aiops_report_opts {
    int charts;                  /* 1: draw charts with gnuplot (default 1) */
    const char *gnuplot;         /* the program, found on PATH ("gnuplot") */
    const char *graph_file;      /* service graph (JSON or DOT) instead of spans; NULL */
    const char *groups_file;     /* ServiceNow: JSON object service -> assignment group */
    double context;              /* seconds shown before and after an incident (1800) */
    size_t max_points;           /* sample and band points kept in all (8 M) */
    size_t max_records;          /* other records kept (1 M) */
    size_t max_charts;           /* key metrics charted per incident (4) */
    int resolve;                 /* pagerduty: also a resolve event for ended incidents */
} aiops_report_opts;

typedef enum aiops_report_fmt {
    AIOPS_REPORT_PAGERDUTY,
    AIOPS_REPORT_OPSGENIE,
    AIOPS_REPORT_SLACK,
    AIOPS_REPORT_SERVICENOW,
    AIOPS_REPORT_ALERTMANAGER,
    AIOPS_REPORT_GRAFANA,
} aiops_report_fmt;

typedef struct aiops_report aiops_report;

void aiops_report_opts_default(aiops_report_opts *o);
int aiops_report_new(aiops_report **out, const aiops_report_opts *o, aiops_err *err);
void aiops_report_free(aiops_report *r);

/* One record of the stream (tab: the series table the reader interns
 * into).  Records of types the report does not use are ignored.  0 or <0. */
int aiops_report_add(aiops_report *r, aiops_series_table *tab, const aiops_record *rec,
                     aiops_err *err);
/* End of input: builds the incidents.  0 or <0. */
int aiops_report_finish(aiops_report *r, aiops_err *err);
size_t aiops_report_incidents(const aiops_report *r);

/* Writes DIR/index.md, DIR/index.html, DIR/ID.md and DIR/ID.html per
 * incident (ID made safe for a file name) and, with charts, the charts
 * the Markdown links (DIR/ID-N.svg).  DIR is created when missing.  The
 * path of the index (DIR/index.html) goes to *index when not NULL
 * (owned by the caller).  0 or <0. */
int aiops_report_write(aiops_report *r, const char *dir, char **index, aiops_err *err);

/* The hand-off payloads, one JSON document per line (NDJSON), one per
 * incident (PagerDuty: and a resolve event per ended incident with
 * opts.resolve).  0 or <0. */
int aiops_report_handoff(aiops_report *r, aiops_report_fmt f, aiops_buf *out, aiops_err *err);

/* The backtest report of aiops-eval results: evals[i] is one `eval`
 * record named names[i] (a scenario or file stem); writes DIR/backtest.md
 * and DIR/backtest.html (and the charts).  0 or <0. */
int aiops_report_backtest(const aiops_report_opts *o, json_t *const *evals,
                          const char *const *names, size_t n, const char *dir, char **index,
                          aiops_err *err);

/* Escapers (exposed for tests): text safe in HTML element content and
 * attribute values; text safe in Markdown (specials backslash-escaped,
 * '<' '>' '&' as entities, newlines as spaces). */
void aiops_report_html_esc(aiops_buf *b, const char *s);
void aiops_report_md_esc(aiops_buf *b, const char *s);

#endif
