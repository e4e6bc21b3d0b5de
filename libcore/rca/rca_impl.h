/* rca_impl.h - the inside of aiops_rca: rca.c (ingest), rca_rank.c (the
 * rankers) and rca_explain.c (an incident's features, evidence and the
 * rca record).  Not public. */
#ifndef AIOPS_RCA_IMPL_H
#define AIOPS_RCA_IMPL_H

#include "common/map.h"
#include "rca/rca.h"
#include "common/array.h"
#include "common/buf.h"

#define RC_DAY 86400.0

/* What a series says about its service. */
enum { RC_ERR, RC_LAT, RC_RES, RC_UP, RC_TRAFFIC, RC_LOG, RC_FIT, RC_PEER, RC_NKIND };
/* RC_PEER: the values are robust z already, against the other services in
 * the same window (the calls' wait, rca_explain.c); no baseline needed. */

/* Synthetic series of a service: from its spans, logs and aiops-fit. */
enum { RS_SPAN_LAT, RS_SPAN_SELF, RS_SPAN_ERR, RS_SPAN_ORIGIN, RS_SPAN_RATE, RS_LOG_ERR, RS_LOG_NEW, RS_FIT,
       RS_WAIT_IN, RS_N };

typedef struct rc_series {
    uint32_t svc;            /* graph node id */
    int kind, dir;           /* RC_*; +1 rises are anomalous, -1 falls, 0 both */
    char *name;              /* for evidence: the metric name ("span p90 latency", ...) */
    char *pod;               /* the pod/instance it came from, NULL if the service itself */
    double count_win;        /* > 0: values are counts (or rates over windows this long):
                                Poisson noise sets the smallest change that counts */
    double gap;              /* the latest spacing of its points */
    double weight;           /* of its anomaly: 1, 0.5 traffic, 0.3 the host's (node_*) */
    int synthetic;           /* from spans, logs or aiops-fit, not a metric */
    double *t, *v;           /* ring of points, oldest at head */
    size_t cap, head, n;
} rc_series;

typedef struct rc_event {
    double t;
    uint32_t svc;
    char text[200];          /* "deploy cart v1.4.2 by alice" */
    double weight;           /* 1 deploy/config, 0.6 restart/oom_kill */
} rc_event;

typedef struct rc_incident {
    char *id;
    double start, ts;
} rc_incident;

typedef struct rc_svcx {     /* per service extras */
    int32_t syn[RS_N];       /* synthetic series ids, -1 none */
    uint64_t log_n, log_err, log_new;   /* the open log window */
    aiops_map tmpl;          /* log template hashes seen (common/map.h, as a set) */
    int logs_seen;
    int64_t wait_in;         /* the open span window: summed waits of calls into it (ns: the
                                sum is the same in any order), and how */
    uint64_t n_in;           /* many (rca_explain.c) */
} rc_svcx;

struct aiops_rca {
    aiops_rca_opts o;
    aiops_series_table *tab;
    aiops_graph *g;
    struct aiops_logtmpl *miner;   /* templates of log messages without one */
    aiops_rview *view;       /* the fields of the record being added */
    double now, first;
    double step;             /* the data's step (rc_pre, rc_post) */
    rc_series *ser;
    size_t nser, ser_cap;
    int32_t *by_sid;         /* sample series id -> series, -1 unknown, -2 ignored */
    size_t by_sid_cap;
    rc_svcx *sx;
    size_t sx_cap;
    int64_t log_win;         /* index of the open log window */
    double wait_t;           /* start of the span window whose waits are summed (NAN none) */
    struct rc_wedge *we;     /* the open span window's client calls per edge (rca_explain.c) */
    size_t nwe, we_cap;
    rc_event *ev;            /* ring of recent change events */
    size_t ev_cap, ev_head, ev_n;
    rc_incident *inc;        /* waiting to be ranked */
    size_t ninc, inc_cap;
    char **done;             /* ids ranked already */
    size_t ndone, done_cap;
    aiops_record *out;       /* rca records ready */
    size_t nout, out_head, out_cap;
};

/* Series helpers (rca.c). */
int rc_syn_push(aiops_rca *r, uint32_t svc, int which, double t, double v);
int rc_series_add(aiops_rca *r, uint32_t svc, int kind, int dir, const char *name, const char *pod,
                  int32_t *id);
void rc_series_push(aiops_rca *r, rc_series *s, double t, double v);
int rc_sx_ensure(aiops_rca *r, uint32_t svc);

/* The analysis window around a start: before and after (rca.c). */
double rc_pre(const aiops_rca *r);
double rc_post(const aiops_rca *r);

/* Pearson correlation of two profiles of n bins; 0 when flat (rca_rank.c). */
double rc_corr(const double *a, const double *b, size_t n);
/* The surge of v that its callers do not share: surge(v) (1 - max surge of callers). */
double rc_surge_origin(aiops_graph *g, uint32_t v, const aiops_rca_svc *sv);

/* The calls' wait, per closed edge window; flushed as robust z against the
 * other services once the windows of a later start come, or at the end
 * (force) (rca_explain.c). */
int rc_wait_add(aiops_rca *r, const aiops_graph_window *w);
int rc_wait_flush(aiops_rca *r);

/* Rank one incident into an rca record on r->out (rca_explain.c). */
int rc_rank_incident(aiops_rca *r, const rc_incident *inc, aiops_err *err);

#endif
