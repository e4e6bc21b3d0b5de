/* graph_impl.h - the inside of aiops_graph, shared by graph.c (services,
 * edges, algorithms), graph_span.c (spans, windows) and graph_io.c (files,
 * writers).  Not public. */
#ifndef AIOPS_GRAPH_IMPL_H
#define AIOPS_GRAPH_IMPL_H

#include "graph/graph.h"
#include "common/array.h"
#include "common/hash.h"

typedef struct gr_ids {
    uint32_t *v;
    size_t n, cap;
} gr_ids;

/* One open window of one service or edge. */
typedef struct gr_win {
    int64_t k;                   /* window index (start = k * window); INT64_MIN empty */
    aiops_graph_stats st;
    /* sums in integer nanoseconds (gr_ns): the same whatever order the
     * spans of a window come in (floating-point sums are not) */
    int64_t lat_sum;
    uint64_t origins;
    int64_t self_sum;            /* self times of the spans settled so far */
    uint64_t self_n;
    int64_t req_sum, resp_sum;   /* edge windows: the waits of calls from a caller span with */
    uint64_t wait_n;             /* that one child (a client span), and how many */
    int64_t top_req, top_resp;   /* the slowest of those calls (largest sum; ties: larger request leg) */
} gr_win;

/* A span held for matching (graph_span.c). */
typedef struct gr_span {
    uint64_t key, pkey;          /* hashes of (trace, span) and (trace, parent); pkey 0: root */
    uint64_t next_pend;          /* next child waiting for the same parent, UINT64_MAX: none */
    double start, end;
    int64_t child;               /* summed durations of its children, ns (gr_ns) */
    uint32_t svc;
    unsigned char err, waiting;  /* waiting: the parent was not seen yet */
    unsigned char err_child;     /* a child failed too */
    unsigned char nchild;        /* children seen (up to 255) */
    unsigned char lb;            /* latency bucket of its duration (gr_lat_bucket) */
    uint32_t wedge;              /* the edge of its first child if in another service, else
                                    UINT32_MAX; that call's request leg and response excess: */
    float wreq, wresp;
} gr_span;

typedef struct gr_slot {
    uint64_t key, seq;           /* key 0: empty; seq UINT64_MAX: dead */
} gr_slot;

struct aiops_graph {
    aiops_graph_opts o;
    double now;                  /* latest span start seen */
    aiops_graph_node *nodes;
    size_t nnodes, nodes_cap;
    gr_ids *out, *in;
    size_t out_cap, in_cap;
    uint32_t *name_ix;
    size_t name_cap;
    aiops_graph_edge *edges;
    size_t nedges, edges_cap;
    uint32_t *edge_ix;
    size_t edge_cap;
    /* windows: K open slots per service and per edge (allocated on first use) */
    gr_win **nwin, **ewin;
    size_t nwin_cap, ewin_cap, wk;
    int64_t closed_upto;         /* windows k < closed_upto are closed */
    aiops_graph_window *closed;
    size_t nclosed, closed_head, closed_cap;
    aiops_graph_counts counts;
    /* spans: ring of seq numbers [head, tail), two indexes */
    gr_span *ring;
    size_t ring_cap;
    aiops_rview *view;       /* span records' fields (graph_span.c) */
    uint64_t head, tail;
    gr_slot *six, *pix;          /* span key -> seq; parent key -> first waiting child */
    size_t six_cap, six_used, pix_cap, pix_used;
};

/* The latency histogram's bucket of a duration (seconds): computed once
 * per span, added to the service's, the edge's and their windows'. */
int gr_lat_bucket(double seconds);
/* Seconds as integer nanoseconds (saturating), for order-free sums. */
int64_t gr_ns(double seconds);
void gr_stats_add(aiops_graph_stats *st, int bucket, int error);
void gr_spans_free(aiops_graph *g);

#endif
