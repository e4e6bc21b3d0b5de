/* graph.h - the service dependency graph (layer 5): built from spans, or
 * read from a file (JSON or Graphviz DOT); hop distances and personalised
 * PageRank over it.  Used by aiops-rca and aiops-cluster.
 *
 * Edges point caller -> callee.  A span whose parent span belongs to
 * another service gives one call on the edge (parent's service -> span's
 * service); a parent in the same service gives none (cross-service edges
 * only).  Per edge: calls, errors (the callee span's error flag or an
 * "error" status), the callee spans' latency (a log-bucket histogram:
 * percentiles within 1/8 of a doubling, about 9 %) and the clock skew seen
 * between the two services (a child span that starts before its parent or
 * ends after it: the offset it would need to fit).  Per service also the
 * error origins: its failed spans none of whose children (seen within the
 * horizon) failed, where a trace's errors begin.
 *
 * Streaming: spans are matched to their parents in a table of the spans
 * of the last `horizon` seconds (a child may come before its parent when
 * clocks are skewed; it waits that long).  A span whose parent is not seen
 * within the horizon counts as a missing parent.  Memory: services x
 * edges x (one open window), plus the spans of one horizon (capped at
 * max_spans; older ones are matched no more and count as missing).
 *
 * Windows: when `window` > 0, the stats of each service (its own spans)
 * and each edge are also cut into windows [k*window, (k+1)*window); a
 * window is handed out (aiops_graph_pop_window) once the stream has passed
 * its end plus the horizon, so late children still count in it.
 *
 * Ownership: aiops_graph_new/aiops_graph_read make a graph the caller
 * frees with aiops_graph_free.  Names, nodes and edges are borrowed from
 * the graph, valid until it is freed (pointers from aiops_graph_node and
 * aiops_graph_edge_at only until the next call that adds a service or an
 * edge).  Errors as in aiops.h. */
#ifndef AIOPS_GRAPH_H
#define AIOPS_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "aiops.h"
#include "common/buf.h"

/* Latency histogram: 8 buckets per doubling from 1 us; bucket 0 holds
 * everything below, the last one everything above (~9 h). */
#define AIOPS_LAT_BUCKETS 200
typedef struct aiops_lat_hist {
    uint32_t b[AIOPS_LAT_BUCKETS];
    uint64_t n;
} aiops_lat_hist;
void aiops_lat_add(aiops_lat_hist *h, double seconds);
/* The q-quantile (0..1) in seconds, NaN when empty. */
double aiops_lat_quantile(const aiops_lat_hist *h, double q);

typedef struct aiops_graph_stats {
    uint64_t calls, errors;
    aiops_lat_hist lat;
} aiops_graph_stats;

typedef struct aiops_graph_node {
    const char *name;            /* owned by the graph */
    aiops_graph_stats own;       /* all of this service's spans */
    uint64_t roots;              /* spans without a parent */
    uint64_t err_origins;        /* error spans none of whose children failed: where errors start */
} aiops_graph_node;

typedef struct aiops_graph_edge {
    uint32_t from, to;           /* caller, callee (node ids) */
    double weight;               /* from a file: its weight/calls (1 if none), plus one per
                                    call seen in spans (a graph of spans only: its calls) */
    aiops_graph_stats st;        /* the callee spans of these calls */
    uint64_t skewed;             /* calls whose child did not fit in its parent's time */
    double skew_sum;             /* sum of the offsets (child - parent, s) of those */
    double skew_min, skew_max;
} aiops_graph_edge;

/* One closed window of one service (edge == UINT32_MAX) or one edge. */
typedef struct aiops_graph_window {
    double start;                /* the window is [start, start + window) */
    uint32_t node;               /* the service (own spans), or the edge's callee */
    uint32_t edge;               /* edge id, or UINT32_MAX for a service window */
    uint64_t calls, errors;
    double p50, p90, p99;        /* latency quantiles, s (NaN without calls) */
    double mean;                 /* mean latency, s */
    uint64_t err_origins;        /* service windows: error spans without a failed child */
    double self_mean;            /* service windows: mean self time (duration minus its
                                    children's, >= 0) of its spans, s (NaN without calls) */
    uint64_t wait_calls;         /* edge windows: calls whose caller span has this one child
                                    (a client span): the time they spent outside the callee's
                                    span, mean of the request leg (callee start - caller start)
                                    and of what the response leg (caller end - callee end)
                                    takes beyond it, s, >= 0 (NaN without such calls) */
    double req_mean, resp_mean;
    int64_t req_ns, resp_ns;     /* edge windows: the sums of those request legs and response
                                    excesses in ns (sums of them do not depend on the order the
                                    spans came in) */
    int64_t top_req_ns, top_resp_ns; /* edge windows: the slowest of those calls (the largest
                                    request leg + response excess; on ties the larger request
                                    leg), ns: a robust mean leaves it out */
} aiops_graph_window;

typedef struct aiops_graph_opts {
    double horizon;              /* seconds a span waits for its parent/children (300) */
    double window;               /* window length in s; 0 = no windows */
    size_t max_spans;            /* spans held for matching (4 M) */
    int rollup;                  /* span services that are pod names count as their workload
                                    (api-7d9f8b6c4-x2x9z -> api; formats/obs.h) (0) */
} aiops_graph_opts;

typedef struct aiops_graph aiops_graph;

void aiops_graph_opts_default(aiops_graph_opts *o);
int aiops_graph_new(aiops_graph **out, const aiops_graph_opts *o, aiops_err *err);
void aiops_graph_free(aiops_graph *g);

/* Service id by name, added when absent (0 ok, <0 error). */
int aiops_graph_service(aiops_graph *g, const char *name, uint32_t *id, aiops_err *err);
/* Service id by name: 0, or -1 when there is none. */
int aiops_graph_find(const aiops_graph *g, const char *name, uint32_t *id);
/* Edge from -> to, added (weight 0) when absent. */
int aiops_graph_edge_add(aiops_graph *g, uint32_t from, uint32_t to, uint32_t *id,
                         aiops_err *err);
/* Adds src's services and edges to g (by name), each edge's weight added
 * to g's (a graph file read into the graph spans then add to). */
int aiops_graph_merge(aiops_graph *g, const aiops_graph *src, aiops_err *err);
/* Edge id from -> to, or -1. */
long aiops_graph_edge_find(const aiops_graph *g, uint32_t from, uint32_t to);

/* One span, in time order of start (spans may come out of order within
 * the horizon).  ids are the trace's and span's ids as text; parent NULL
 * or "" for a root span.  Times in seconds; error: 0/1. */
typedef struct aiops_span {
    const char *trace_id, *span_id, *parent_id, *service;
    double start, duration;
    int error;
} aiops_span;
int aiops_graph_add_span(aiops_graph *g, const aiops_span *s, aiops_err *err);
/* A span record of the stream (docs/FORMAT.md): 1 used, 0 not a span or
 * without the fields a span needs (counted: aiops_graph_counts), <0. */
int aiops_graph_add_record(aiops_graph *g, const aiops_record *r, aiops_err *err);
/* The stream has reached t without spans (other records): spans older
 * than t - horizon settle, and their windows close, as a span at t would. */
void aiops_graph_advance(aiops_graph *g, double t);
/* End of input: every waiting span is settled, every window closes. */
int aiops_graph_finish(aiops_graph *g, aiops_err *err);
/* 1 = *w filled (a closed window, in order of closing), 0 = none ready. */
int aiops_graph_pop_window(aiops_graph *g, aiops_graph_window *w);

typedef struct aiops_graph_counts {
    uint64_t spans;              /* spans added */
    uint64_t roots;              /* without a parent id */
    uint64_t missing_parents;    /* parent never seen within the horizon */
    uint64_t cross;              /* parent in another service: calls on edges */
    uint64_t bad;                /* span records without trace/span id or service */
    uint64_t late;               /* spans of windows already closed: in the totals only */
    uint64_t skewed;             /* cross-service calls whose child did not fit its parent */
} aiops_graph_counts;
void aiops_graph_counts_get(const aiops_graph *g, aiops_graph_counts *c);

size_t aiops_graph_nodes(const aiops_graph *g);
size_t aiops_graph_edges(const aiops_graph *g);
const aiops_graph_node *aiops_graph_node_at(const aiops_graph *g, uint32_t id);
const aiops_graph_edge *aiops_graph_edge_at(const aiops_graph *g, uint32_t id);
/* Edge ids leaving (out = 1: node is the caller) or entering (out = 0)
 * node: *ids borrowed, valid until an edge is added. */
size_t aiops_graph_adj(aiops_graph *g, uint32_t node, int out, const uint32_t **ids);

/* Reads a graph file: JSON ({"edges":[{"from":A,"to":B,"weight"|"calls":N},
 * ...], "services":[NAME or {"name":NAME}, ...]}, which is also what
 * aiops_graph_write_json writes) or Graphviz DOT (digraph; `a -> b -> c`,
 * node statements, [weight=N] or [calls=N] attributes, comments; other
 * attributes are ignored).  The kind is told by the first character ('{'
 * is JSON).  Errors name the file and line. */
int aiops_graph_read(aiops_graph **out, const char *path, aiops_err *err);
/* The same from text in memory (name for messages). */
int aiops_graph_parse(aiops_graph **out, const char *name, const char *text, size_t n,
                      aiops_err *err);

/* Writers: one JSON object (services with their own calls, errors, p50,
 * p99; edges with calls, errors, p50, p90, p99, skew; counts) or a DOT
 * digraph, appended to b. */
void aiops_graph_write_json(const aiops_graph *g, aiops_buf *b);
void aiops_graph_write_dot(const aiops_graph *g, aiops_buf *b);

/* Hop distances from src to every node (SIZE_MAX when unreachable):
 * dir > 0 along the edges (caller -> callee), dir < 0 against them,
 * 0 either way.  dist has aiops_graph_nodes entries. */
int aiops_graph_distances(aiops_graph *g, uint32_t src, int dir, size_t *dist, aiops_err *err);

/* Personalised PageRank by power iteration: the walker follows an edge
 * with probability alpha, else jumps to a node drawn from personal (any
 * non-negative weights, normalised; all zero = uniform).  Transition
 * weights: w[e] forward along edge e, back[e] against it and self[v] a
 * loop on node v (each may be NULL: forward = edge weight or 1, back and
 * self = 0); a node without outgoing weight jumps.  Stops when the L1 change is below tol or after
 * max_iter.  out has aiops_graph_nodes entries and sums to 1. */
int aiops_graph_pagerank(aiops_graph *g, const double *personal, const double *w,
                         const double *back, const double *self, double alpha, double tol, int max_iter, double *out,
                         aiops_err *err);

#endif
