/* cluster.h - aiops-cluster's engine: alert and anomaly records in, incident
 * records out (docs/FORMAT.md "incident", docs/CLUSTER.md).
 *
 * Three methods share one front end (features per fingerprint, repeats
 * deduplicated) and one incident summary:
 *   - AIOPS_CLUSTER_DEFAULT: streaming, each alert joins the open incident at
 *     the smallest combined distance (time, topology, labels, message
 *     template) below a threshold, or opens one; incidents close after
 *     close_after seconds without a new alert.
 *   - AIOPS_CLUSTER_DBSCAN: DBSCAN over (time / time_scale, service
 *     embedding, severity), streaming with a time-sorted window.
 *   - AIOPS_CLUSTER_GROUPBY: Alertmanager's aggregation groups (group_by,
 *     group_wait, group_interval, resolve_timeout) and inhibition rules.
 *
 * Use: aiops_cluster_new; optional aiops_cluster_graph_load,
 * aiops_cluster_inhibit_add, aiops_cluster_learn (a history); then for
 * each record push, and pop until 0; at the end finish, pop until 0; free.
 * Memory is bounded by the distinct fingerprints and services and the
 * incidents open at one time (the window), never by the stream's length. */
#ifndef AIOPS_CLUSTER_H
#define AIOPS_CLUSTER_H

#include "aiops.h"

typedef enum {
    AIOPS_CLUSTER_DEFAULT = 0,
    AIOPS_CLUSTER_DBSCAN,
    AIOPS_CLUSTER_GROUPBY,
} aiops_cluster_method;

typedef struct aiops_cluster_opts {
    aiops_cluster_method method;
    double close_after;      /* quiet time that closes an incident (s), default 1800 */
    /* default method */
    double time_scale;       /* gap at which the time part reaches 1 (s), default 1800 */
    double threshold;        /* join when the combined distance is <= this, default 0.5 */
    double w_time, w_topo, w_label, w_msg;   /* weights of the parts (normalised) */
    int topo_hops;           /* hops at which the topology part reaches 1, default 3 */
    const char *labels;      /* labels compared (comma list), NULL = every label */
    const char *ignore;      /* labels never compared, default "severity,alertstate" */
    /* dbscan */
    double eps;              /* default 1.0 */
    size_t min_samples;      /* default 3 */
    double dbscan_time;      /* seconds per unit of the time axis, default 300 */
    double w_embed, w_sev;   /* scale of the embedding and severity axes, default 1, 0.5 */
    /* group-by */
    const char *group_by;    /* comma list; "..." = every label (no grouping), default "alertname" */
    double group_wait, group_interval, resolve_timeout, inhibit_wait;
    /* embeddings */
    int dims;                /* embedding dimensions, default 8 */
    double cooc_window;      /* co-occurrence bucket (s), default 300 */
    /* output */
    int passthrough;         /* 1: alerts and anomalies come out with "incident" */
    size_t max_members;      /* fingerprints listed per incident, default 1000 */
} aiops_cluster_opts;

void aiops_cluster_opts_default(aiops_cluster_opts *o);

typedef struct aiops_cluster aiops_cluster;

/* Errors: AIOPS_EINVAL (bad options, message names which), AIOPS_ENOMEM.
 * Owned by the caller: aiops_cluster_free. */
int aiops_cluster_new(aiops_cluster **out, const aiops_cluster_opts *o, aiops_err *err);
void aiops_cluster_free(aiops_cluster *c);

/* A service graph file as graph/ reads it (JSON, or Graphviz DOT:
 * digraph { "web" -> "api"; }).  Undirected hop distances are the
 * topology part; span records pushed add the edges of the traces too.
 * Errors name FILE:LINE. */
int aiops_cluster_graph_load(aiops_cluster *c, const char *path, aiops_err *err);
/* One edge from code (tests, spans). */
int aiops_cluster_graph_edge(aiops_cluster *c, const char *from, const char *to, aiops_err *err);

/* An Alertmanager inhibition rule:
 *   "source: severity=critical; target: severity=warning; equal: cluster,service"
 * Matchers are name=value or name!=value, comma-separated.  Group-by only. */
int aiops_cluster_inhibit_add(aiops_cluster *c, const char *rule, aiops_err *err);

/* A history record (alert/anomaly; others are ignored): counted into the
 * service co-occurrence that the embeddings come from, and into the gaps
 * of --recommend.  The record stays the caller's. */
int aiops_cluster_learn(aiops_cluster *c, const aiops_record *r, aiops_err *err);
/* Recompute the embeddings from what was learned (PPMI + truncated SVD). */
int aiops_cluster_embed(aiops_cluster *c, aiops_err *err);

/* Takes ownership of *r (zeroed).  Alerts and anomalies are clustered;
 * other records pass through (when passthrough) or are dropped.  Records
 * must come in time order (a late one, older than the window, is still
 * placed: it joins an open incident or opens one).  Errors: AIOPS_EPARSE
 * (an alert without a usable time), AIOPS_ENOMEM. */
int aiops_cluster_push(aiops_cluster *c, aiops_record *r, aiops_err *err);
/* End of input: every incident closes. */
int aiops_cluster_finish(aiops_cluster *c, aiops_err *err);
/* 1 = *r filled (the caller owns it), 0 = nothing ready. */
int aiops_cluster_pop(aiops_cluster *c, aiops_record *r);

typedef struct aiops_cluster_stats {
    uint64_t alerts, repeats, resolved, anomalies, incidents, inhibited, open_max, late;
} aiops_cluster_stats;
void aiops_cluster_stats_get(const aiops_cluster *c, aiops_cluster_stats *s);

/* --recommend: from the learned history, the gaps between consecutive
 * alerts of one storm (quantiles) and the close_after / time_scale /
 * group_wait that would have grouped its storms best.  New JSON object
 * (the caller decrefs). */
int aiops_cluster_recommend(aiops_cluster *c, json_t **out, aiops_err *err);

/* ---- parts, exposed for tests (cluster_dist.c) */
/* Token hashes of a template, sorted and unique; returns how many (<= max). */
size_t aiops_cluster_tokens(const char *tmpl, uint64_t *tok, size_t max);
/* 1 - |a ∩ b| / |a|: how much of set a (an alert's label pairs or tokens)
 * is missing from b (an incident's union); sorted unique sets; 0 for an
 * empty a. */
double aiops_cluster_overlap_dist(const uint64_t *a, size_t na, const uint64_t *b, size_t nb);
/* min(1, gap / scale); a negative gap counts as 0. */
double aiops_cluster_time_dist(double gap, double scale);
/* min(1, hops / max_hops); hops < 0 (unknown or not connected) = 1. */
double aiops_cluster_topo_dist(int hops, int max_hops);
/* 1 - cosine of two vectors, 1 when the cosine is <= 0 (services that
 * never alert together) or either is zero. */
double aiops_cluster_embed_dist(const double *a, const double *b, int dims);
/* DBSCAN on points sorted by x[0] (the time axis), dims coordinates each:
 * label[i] = cluster (0..) or -1 (noise).  Neighbours are searched in the
 * time-sorted window [x0 - eps, x0 + eps] only. Returns the cluster count. */
int aiops_cluster_dbscan(const double *x, size_t n, int dims, double eps, size_t min_samples,
                         int *label, aiops_err *err);

#endif
