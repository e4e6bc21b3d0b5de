/* predict_impl.h - the feature engine that the scorer (predict_run.c) and
 * the trainer (predict_train.c) share: per-series windows, per-service
 * state, ticks.  Internal to libcore/predict. */
#ifndef AIOPS_PREDICT_IMPL_H
#define AIOPS_PREDICT_IMPL_H

#include <stdint.h>

#include "predict/predict.h"

#define PF_MAX_FIT 48            /* points a window is thinned to for the O(n^2) fits */
#define PF_RING_EVENTS 32        /* change events and anomalies kept per service */
#define PF_NONE UINT32_MAX

/* What a series measures, from its name. */
enum { PR_OTHER, PR_ERROR, PR_LATENCY, PR_CPU, PR_MEMORY, PR_DISK, PR_SATURATION, PR_LIMIT };

typedef struct pf_series {
    double *t, *v;               /* ring of cap points */
    size_t cap, head, n;
    int seen, role;
    uint32_t svc;                /* PF_NONE: no service */
    uint32_t limit_sid;          /* a _limit/_size/_max series beside it, or PF_NONE */
    double limit;                /* a fixed limit (--limits, implicit ratio 1), NaN: none */
    /* exhaustion warning state */
    double above_since;          /* NaN: not above */
    double below_since;
    int warning;
} pf_series;

typedef struct pf_service {
    char *name;
    uint32_t *sids;
    size_t nsids, capsids;
    double chg[PF_RING_EVENTS];  /* change event times */
    size_t nchg;
    double an_t[PF_RING_EVENTS], an_s[PF_RING_EVENTS];   /* anomaly times and scores */
    size_t nan;
    double sign_last;            /* last sign of an incident under way (-Inf: none) */
    /* model warning state */
    double above_since, below_since;
    int warning;
} pf_service;

/* Called at each tick for each service with its features. */
typedef int (*pf_tick_fn)(void *ctx, double T, uint32_t svc, const double *f, aiops_err *err);

typedef struct pf_engine {
    aiops_predict_opts o;
    const aiops_predict_limits *limits;
    aiops_series_table *tab;
    pf_series *ser;
    size_t nser, capser;
    pf_service *svc;
    size_t nsvc, capsvc;
    double next_tick, last_ts;
    int started;
    pf_tick_fn on_tick;
    void *ctx;
    /* scratch */
    double tt[PF_MAX_FIT], vv[PF_MAX_FIT], *scr;
    aiops_rview *view;           /* fields of events, alerts, anomalies */
} pf_engine;

int pf_init(pf_engine *e, const aiops_predict_opts *o, const aiops_predict_limits *limits,
            aiops_series_table *tab, pf_tick_fn fn, void *ctx, aiops_err *err);
void pf_free(pf_engine *e);
/* Feed a record: runs the ticks it completes, then takes it in. */
int pf_add(pf_engine *e, const aiops_record *rec, aiops_err *err);
/* The last tick. */
int pf_finish(pf_engine *e, aiops_err *err);
/* The window of series s before T, thinned to PF_MAX_FIT points, into
 * e->tt / e->vv; returns the count (0 while the points in it span less
 * than half the window). */
size_t pf_window(pf_engine *e, const pf_series *s, double T);
/* In incident at T: a sign within quiet_after. */
int pf_in_incident(const pf_engine *e, const pf_service *s, double T);

/* limits rule lookup: the limit of series s (NaN: none). */
double pf_limit_lookup(const aiops_predict_limits *l, const aiops_series *s);

#endif
