/* sum_impl.h - internals of the summarize engine shared by its files. */
#ifndef AIOPS_SUM_IMPL_H
#define AIOPS_SUM_IMPL_H

#include "common/map.h"
#include <stdint.h>

#include "summarize/summarize.h"

enum { SUM_ANOM = 1, SUM_EVENT = 2, SUM_PRED = 3 };

typedef struct sum_log {     /* one remembered log line */
    double ts;
    uint32_t tid, svc;       /* template id (as assigned), service hash (0 none) */
} sum_log;

typedef struct sum_ctx {     /* one remembered anomaly/event/prediction */
    double ts;
    int kind;
    uint32_t svc;
    json_t *obj;             /* a reference */
} sum_ctx;

typedef struct sum_tinfo {   /* per template id */
    double first;            /* first seen (NaN: never) */
    char *example;           /* a recent real line (owned), cut at 240 bytes */
    double example_ts;
} sum_tinfo;

typedef struct sum_tcount {  /* one template's counts in one incident */
    uint32_t tid, used;
    uint64_t before, during;
    char *example;           /* the first line during the incident (owned) */
} sum_tcount;

typedef struct sum_inc {
    char *id;
    json_t *obj;             /* the latest incident record */
    double start, end, ts, before, ring_from;
    uint32_t *svc;
    size_t nsvc;
    json_t *rca, *anoms, *changes, *preds;   /* references / arrays of references */
    size_t overflow;         /* records past the per-list cap */
    sum_tcount *tc;          /* ntc of them, in first-seen order */
    size_t ntc, tcap;
    aiops_map tix;           /* tid -> index in tc */
    int open;                /* still collecting from the stream */
} sum_inc;

struct aiops_sum {
    aiops_sum_opts o;
    aiops_logtmpl *miner;
    sum_log *logs;           /* ring of o.ring */
    size_t log_head, nlogs;
    sum_ctx *ctx;            /* ring of o.ctx_ring */
    size_t ctx_head, nctx;
    sum_tinfo *tinfo;
    size_t ntinfo, tinfo_cap;
    uint64_t total_logs;
    sum_inc *inc;
    size_t ninc, inc_cap;
    size_t *open;            /* indexes of the incidents still collecting */
    size_t nopen, open_cap;
    json_t *history;         /* past summary records */
    json_t *early_rca;       /* incident id -> rca candidates seen before that incident
                              * (aiops-rca writes its ranking just ahead of the
                              * incident record of the same time); at most
                              * o.max_incidents */
};

uint32_t sum_hash32(const char *s);
const char *sum_service(const json_t *o);
/* "2024-01-01T10:00:00Z" of t into buf (32 bytes); "?" for NaN/Inf. */
const char *sum_time(double t, char *buf);

#endif
