/* cluster_impl.h - aiops-cluster's engine inside (not public): per-fingerprint
 * features, services and their graph/embeddings, the incident summary, the
 * three methods.  Everything here is owned by the aiops_cluster. */
#ifndef AIOPS_CLUSTER_IMPL_H
#define AIOPS_CLUSTER_IMPL_H

#include <stdint.h>

#include "cluster/cluster.h"
#include "common/map.h"
#include "graph/graph.h"
#include "logtmpl/logtmpl.h"

#define CL_MAX_LABELS 16      /* label pairs kept per fingerprint */
#define CL_MAX_TOKENS 32      /* template tokens kept per fingerprint */
#define CL_MAX_SERVICES 100000
#define CL_MAX_FPS 10000000
#define CL_INC_TOKENS 256     /* token set of an open incident */
#define CL_INC_LABELS 128     /* label-pair set of an open incident */
#define CL_INC_MSGS 32        /* distinct templates listed per incident */
#define CL_MAX_SEGMENT 200000 /* dbscan: points clustered at once */
#define CL_PASS UINT32_MAX    /* a held record that only passes through */


/* What one fingerprint is: computed once, from its first record. */
typedef struct cl_feat {
    uint64_t fp;
    uint32_t svc;            /* service index, UINT32_MAX = none */
    int sev;                 /* 0 none/info .. 3 critical */
    uint8_t nlab, ntok;
    uint64_t lab[CL_MAX_LABELS];   /* hashes of name=value pairs, sorted */
    uint64_t tok[CL_MAX_TOKENS];   /* template tokens, sorted */
    char *name;              /* alertname or series name */
    uint32_t tid;            /* its message's template id in the miner */
    uint32_t inc;            /* open incident slot + 1, 0 = none */
    uint32_t mem;            /* index in that incident's members */
    double last_start;       /* start of the episode seen last */
    int resolves;            /* a resolved record was seen: the source sends them */
    uint64_t last_id;        /* id of the last incident it was in (resolves after the close) */
} cl_feat;

typedef struct cl_service {
    char *name;
    uint64_t alerts;
} cl_service;

/* An incident's member fingerprint. */
typedef struct cl_member {
    uint32_t feat;
    uint32_t count;          /* firings (episodes and repeats) */
    double first;
    const char *why;         /* static text: what joined it */
    double until;            /* group-by: firing until (resolved time, or +inf) */
} cl_member;

typedef struct cl_svcount {
    uint32_t svc, count;
    double first;
} cl_svcount;

typedef struct cl_msg {
    uint32_t feat;           /* the fingerprint whose template it is */
    uint32_t count;
} cl_msg;

typedef struct cl_inc {
    uint64_t id;
    int used;
    double start, last, end;
    uint64_t alerts, anomalies, repeats, resolved;
    int sev;
    cl_member *mem;
    size_t nmem, capmem;
    cl_svcount *svc;
    size_t nsvc, capsvc;
    cl_msg msg[CL_INC_MSGS];
    size_t nmsg;
    uint64_t msg_other;
    uint64_t tok[CL_INC_TOKENS];
    size_t ntok;
    uint64_t lab[CL_INC_LABELS];
    size_t nlab;
    uint64_t why[9];         /* joins by reason (cl_why) */
    uint64_t merged[16];     /* ids of incidents merged into this one */
    size_t nmerged;
    /* group-by */
    double next_flush;
    uint64_t key;
    uint32_t notifications;
    uint32_t firing;         /* members still firing (group-by) */
} cl_inc;

enum { WHY_OPEN, WHY_REPEAT, WHY_TIME, WHY_TOPO, WHY_LABEL, WHY_MSG, WHY_RULE, WHY_INHIBIT, WHY_MERGE };

/* A held record (passthrough) and the fingerprint it belongs to. */
typedef struct cl_held {
    aiops_record rec;
    uint32_t feat;
    uint32_t inc;            /* slot + 1 when known */
    double t;
    int firing, inhibited;
} cl_held;

typedef struct cl_inhibit {
    char *src, *tgt;         /* matcher lists as given: "a=b,c!=d" */
    char **eq;
    size_t neq;
} cl_inhibit;

struct aiops_cluster {
    aiops_cluster_opts o;
    aiops_rview *view;       /* the fields of the alert being pushed (cl_feat_of) */
    char **labels;           /* labels compared (NULL: all but ignored) */
    size_t nlabels;
    char **ignore;
    size_t nignore;
    char **gb;               /* group-by labels; NULL with gb_all */
    size_t ngb;
    int gb_all;
    /* fingerprints */
    cl_feat *feat;
    size_t nfeat, capfeat;
    aiops_map fpmap;
    aiops_logtmpl *miner;   /* message templates (logtmpl/) */
    /* services */
    cl_service *svc;
    size_t nsvc, capsvc;
    aiops_map svcmap;           /* name hash -> index */
    uint32_t **adj;          /* adjacency lists (index arrays) */
    size_t *nadj, *capadj, capadjv;
    aiops_graph *spans;      /* the graph of the stream's spans (graph/) */
    size_t span_edges;       /* its edges copied so far */
    int *hops;               /* nsvc_hops x nsvc_hops, computed on demand (-2 = not yet) */
    size_t nhops;
    double *emb;             /* nsvc x dims, rows of zeros until learned */
    size_t nemb;
    double *cooc;            /* co-occurrence counts, ncooc x ncooc */
    size_t ncooc;
    uint32_t *bucket;        /* services of the current co-occurrence bucket */
    size_t nbucket, capbucket;
    double bucket_t;
    uint64_t learned;        /* records learned since the last embedding */
    double *gaps;            /* recommend: gaps between consecutive alerts */
    size_t ngaps, capgaps;
    double last_learn;
    /* incidents */
    cl_inc *inc;
    size_t ninc, capinc;
    uint32_t *freeinc;
    size_t nfree, capfree;
    uint64_t next_id;
    size_t open;
    double now;
    /* Output order (docs/FORMAT.md: ts never goes down): the latest ts
     * written so far, and the time of the record being placed now; an
     * incident is stamped max(out_last, min(end, cur)). */
    double out_last, cur;
    /* output queue (FIFO ring) and held records */
    aiops_record *out;
    size_t out_head, out_n, out_cap;
    cl_held *held;
    size_t held_head, held_n, held_cap;
    /* inhibition */
    cl_inhibit *rules;
    size_t nrules, caprules;
    aiops_map srcmap;           /* (rule, equal values) -> index into src */
    struct cl_src { double start, until; uint64_t key; } *src;
    size_t nsrc, capsrc;
    aiops_map gbmap;            /* group key -> open incident slot + 1 */
    /* dbscan segment */
    double *pts;
    size_t npts, cappts;
    double seg_last;
    aiops_cluster_stats st;
};

/* cluster_feat.c */
/* The fingerprint of the record the view is set to: its feature index,
 * made the first time it is seen. */
int cl_feat_of(aiops_cluster *c, aiops_rview *v, aiops_rtype type, uint32_t *fi, aiops_err *err);
int cl_service_id(aiops_cluster *c, const char *name, uint32_t *id, aiops_err *err);
int cl_severity(const char *s);
uint64_t cl_label_pair(const char *name, const char *value);

/* cluster_graph.c */
int cl_hops(aiops_cluster *c, uint32_t a, uint32_t b);
int cl_graph_copy(aiops_cluster *c, const aiops_graph *g, size_t from, aiops_err *err);
int cl_graph_span(aiops_cluster *c, const aiops_record *r, aiops_err *err);
void cl_graph_free(aiops_cluster *c);
int cl_cooc_add(aiops_cluster *c, uint32_t svc, double t, aiops_err *err);
const double *cl_embedding(const aiops_cluster *c, uint32_t svc);

/* cluster_inc.c */
int cl_inc_open(aiops_cluster *c, double t, uint32_t *slot, aiops_err *err);
int cl_inc_add(aiops_cluster *c, uint32_t slot, uint32_t fi, double t, int is_anomaly, int why,
               aiops_err *err);
int cl_inc_merge(aiops_cluster *c, uint32_t dst, uint32_t src, aiops_err *err);
int cl_inc_close(aiops_cluster *c, uint32_t slot, double end, aiops_err *err);
int cl_ring_grow(void *pbuf, size_t *head, size_t n, size_t *cap, size_t elem);
int cl_emit(aiops_cluster *c, aiops_record *r, aiops_err *err);
/* Hold a passthrough record behind held alerts (dbscan, group-by), so
 * records keep their order; written as is when reached. */
int cl_hold_pass(aiops_cluster *c, aiops_record *r, aiops_err *err);
int cl_emit_alert(aiops_cluster *c, aiops_record *r, uint32_t slot, uint32_t fi, int inhibited,
                  aiops_err *err);

/* cluster_default.c, cluster_dbscan.c, cluster_groupby.c */
double cl_distance(aiops_cluster *c, const cl_feat *f, const cl_inc *in, double t, int *why);
int cl_default_add(aiops_cluster *c, uint32_t fi, double t, int is_anomaly, uint32_t *slot,
                   aiops_err *err);
int cl_default_sweep(aiops_cluster *c, double now, aiops_err *err);
int cl_dbscan_push(aiops_cluster *c, aiops_record *r, uint32_t fi, double t, int firing,
                   aiops_err *err);
int cl_dbscan_flush(aiops_cluster *c, aiops_err *err);
int cl_groupby_push(aiops_cluster *c, aiops_record *r, uint32_t fi, double t, int firing,
                    aiops_err *err);
int cl_groupby_advance(aiops_cluster *c, double now, int final, aiops_err *err);
int cl_inhibit_parse(const char *rule, cl_inhibit *out, aiops_err *err);
int cl_inhibit_match(const char *matchers, const json_t *o);

#endif
