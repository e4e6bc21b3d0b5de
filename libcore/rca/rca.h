/* rca.h - aiops-rca's engine (layer 6): root-cause candidates per incident,
 * ranked, with evidence (docs/RCA.md).
 *
 * Fed the record stream (aiops_rca_add), it keeps for every service a
 * bounded history of what it needs (`history` seconds, at most max_points
 * per series): its metric series (pods and instances rolled up to their
 * service), the per-window latency, error ratio and call rate of its spans
 * (the service graph of graph/graph.h, which also gives the edges), its
 * error log lines and new log templates per window, aiops-fit's anomaly
 * and band scores, and its change events (deploy, config, restart,
 * oom_kill).  Incidents (`incident` records, or `label` records) are
 * ranked once the stream has passed their start + post (or at the end),
 * and come out as `rca` records (docs/FORMAT.md).
 *
 * Methods:
 *   structural  anomalous services none of whose callees are anomalous
 *               first (faults propagate callee -> caller), by anomaly
 *   seed        anomalous services with no anomalous caller first
 *   default     a weighted sum of the service's anomaly around onset,
 *               a personalised random walk over the graph weighted by
 *               the correlation of caller and callee anomalies
 *               (MicroRCA-style), onset order, log anomalies, change
 *               events shortly before onset, and a traffic surge that
 *               enters the graph at the service (its request rate rose,
 *               its callers' did not).
 *
 * A series is compared with its baseline (median and MAD), and with
 * `daily`, also point by point with the same time a day before when that
 * is kept; the smaller deviation counts (nightly jobs, daily peaks).
 *
 * Memory: services x series x max_points, plus the graph's (graph.h),
 * plus the incidents waiting to be ranked.
 *
 * Ownership: aiops_rca_new makes an engine the caller frees with
 * aiops_rca_free.  Records popped with aiops_rca_pop are the caller's
 * (aiops_record_clear).  The graph from aiops_rca_graph is borrowed.
 * Errors as in aiops.h. */
#ifndef AIOPS_RCA_H
#define AIOPS_RCA_H

#include <stddef.h>

#include "aiops.h"
#include "graph/graph.h"

typedef enum { AIOPS_RCA_DEFAULT = 0, AIOPS_RCA_STRUCTURAL, AIOPS_RCA_SEED } aiops_rca_method;

/* Which records are incidents to rank. */
enum { AIOPS_RCA_ON_INCIDENT = 1, AIOPS_RCA_ON_LABEL = 2 };

typedef struct aiops_rca_opts {
    aiops_rca_method method;
    int on;                  /* AIOPS_RCA_ON_* bits (both) */
    double pre, post;        /* analysis window [start - pre, start + post]; NAN = in steps of
                                the data: pre_steps and post_steps times the median spacing of
                                the metric series (the span/log window without metrics) */
    double pre_steps, post_steps;   /* 3, 4 (15 and 20 min at a 5-min step) */
    double baseline;         /* baseline before it: [start - pre - baseline, start - pre) (3 h) */
    double window;           /* window of span and log statistics (60 s) */
    double change_window;    /* change events this long before start count (30 min) */
    double z_anomalous;      /* robust z from which a series is anomalous (5) */
    double alpha;            /* random walk: probability of following an edge (0.85) */
    double w_anomaly, w_walk, w_onset, w_log, w_change;   /* default ranker weights */
    double onset_tau;        /* onset score: exp(-(onset - first onset) / tau) (10 min) */
    double w_surge;          /* weight of a traffic surge that enters at the service (1) */
    int daily;               /* also compare with the same time a day before, when kept (1) */
    size_t top;              /* candidates per record (10) */
    size_t max_points;       /* points per series (4096) */
    int rollup;              /* pods/instances -> services (1) */
    aiops_graph_opts graph;  /* horizon, window (set from window), max_spans */
} aiops_rca_opts;

typedef struct aiops_rca aiops_rca;

void aiops_rca_opts_default(aiops_rca_opts *o);
/* base: a graph read from a file (edges kept, spans add to them), or NULL;
 * borrowed for the call only. */
int aiops_rca_new(aiops_rca **out, aiops_series_table *tab, const aiops_rca_opts *o,
                  const aiops_graph *base, aiops_err *err);
void aiops_rca_free(aiops_rca *r);

/* One record of the time-ordered stream (not taken over).  Returns 0 or
 * <0 (a malformed incident or label: AIOPS_EPARSE). */
int aiops_rca_add(aiops_rca *r, const aiops_record *rec, aiops_err *err);
/* End of input: every waiting incident is ranked. */
int aiops_rca_finish(aiops_rca *r, aiops_err *err);
/* 1 = *out is the next rca record (caller owns it), 0 = none ready. */
int aiops_rca_pop(aiops_rca *r, aiops_record *out);
/* The service graph so far (borrowed). */
aiops_graph *aiops_rca_graph(aiops_rca *r);

/* ------------------------------------------------- ranking, for tests */

/* What the ranker knows about one service for one incident. */
typedef struct aiops_rca_svc {
    double anomaly;          /* 0..1: the strongest metric/span anomaly around onset */
    double onset;            /* first anomalous time, NAN if none */
    double log;              /* 0..1: error-log surge / new templates */
    double change;           /* 0..1: deploy/config (1) or restart/OOM (0.6) before onset */
    double surge;            /* 0..1: rise of the service's request rate */
    const double *profile;   /* anomaly per time bin (nbins), for correlations; may be NULL */
} aiops_rca_svc;

typedef struct aiops_rca_rank {
    uint32_t svc;
    double score;
    double walk;             /* the random-walk part, normalised to the best (default) */
} aiops_rca_rank;

/* Ranks the graph's services (sv has one entry per node) by method:
 * out gets every node, best first; ties by anomaly, then name. */
int aiops_rca_rank_services(aiops_graph *g, const aiops_rca_opts *o, const aiops_rca_svc *sv,
                            size_t nbins, aiops_rca_rank *out, aiops_err *err);
/* The anomaly score of a robust z (0 at 0, 0.5 at 2 x z_anomalous, -> 1). */
double aiops_rca_squash(const aiops_rca_opts *o, double z);

#endif
