/* sum_collect.c - reading the stream: log lines into the template miner
 * and a ring of recent (time, template, service) entries; anomaly, event
 * and prediction records into a ring of recent records; incidents held
 * with their template counts (before onset / during) and the records that
 * fall in their windows; rca records attached to their incident. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "common/hash.h"
#include "common/jdoc.h"
#include "summarize/sum_impl.h"

void aiops_sum_opts_default(aiops_sum_opts *o)
{
    o->before = 3600;
    o->pred_before = 6 * 3600;
    o->budget = 12000;
    o->max_logs = 8;
    o->min_ratio = 3;
    o->neighbours = 3;
    o->min_similarity = 0.2;
    o->max_incidents = 10000;
    o->ring = 1u << 20;
    o->ctx_ring = 20000;
    aiops_logtmpl_opts_default(&o->tmpl);
}

uint32_t sum_hash32(const char *s)
{
    if (!s || !*s)
        return 0;
    uint64_t h = aiops_fnv1a(AIOPS_FNV_OFFSET, s, strlen(s));
    uint32_t v = (uint32_t)(h ^ (h >> 32));
    return v ? v : 1;
}

int aiops_sum_new(aiops_sum **out, const aiops_sum_opts *o, aiops_err *err)
{
    aiops_sum_opts d;
    *out = NULL;
    if (!o)
        aiops_sum_opts_default(&d), o = &d;
    if (o->ring < 1 || o->ctx_ring < 1 || o->max_incidents < 1)
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "summarize: caps must be >= 1");
    aiops_sum *s = calloc(1, sizeof *s);
    if (!s)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    s->o = *o;
    int rc = aiops_logtmpl_new(&s->miner, &o->tmpl, err);
    if (!rc && (!(s->logs = calloc(o->ring, sizeof *s->logs)) ||
                !(s->ctx = calloc(o->ctx_ring, sizeof *s->ctx)) || !(s->history = json_array()) ||
                !(s->early_rca = json_object())))
        rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (rc) {
        aiops_sum_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

static void inc_free(sum_inc *c)
{
    json_decref(c->obj);
    json_decref(c->rca);
    json_decref(c->anoms);
    json_decref(c->changes);
    json_decref(c->preds);
    for (size_t i = 0; i < c->ntc; i++)
        free(c->tc[i].example);
    free(c->tc);
    aiops_map_free(&c->tix);
    free(c->svc);
    free(c->id);
}

void aiops_sum_free(aiops_sum *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->ninc; i++)
        inc_free(&s->inc[i]);
    free(s->inc);
    free(s->open);
    for (size_t i = 0; i < s->o.ctx_ring; i++)
        json_decref(s->ctx[i].obj);
    free(s->ctx);
    free(s->logs);
    for (size_t i = 0; i < s->ntinfo; i++)
        free(s->tinfo[i].example);
    free(s->tinfo);
    json_decref(s->history);
    json_decref(s->early_rca);
    aiops_logtmpl_free(s->miner);
    free(s);
}

aiops_logtmpl *aiops_sum_miner(aiops_sum *s)
{
    return s->miner;
}

size_t aiops_sum_count(const aiops_sum *s)
{
    return s->ninc;
}

/* The service of a record: its "service", else labels.service. */
const char *sum_service(const json_t *o)
{
    const char *v = json_string_value(json_object_get(o, "service"));
    if (!v)
        v = json_string_value(json_object_get(json_object_get(o, "labels"), "service"));
    return v;
}

static int svc_match(const sum_inc *c, uint32_t h)
{
    if (!c->nsvc || !h)
        return 1;
    for (size_t i = 0; i < c->nsvc; i++)
        if (c->svc[i] == h)
            return 1;
    return 0;
}

/* ---------------------------------------------------------- template counts */

static sum_tcount *tc_get(sum_inc *c, uint32_t tid)
{
    uint32_t i;
    if (aiops_map_get(&c->tix, tid, &i))
        return &c->tc[i];
    if (AIOPS_GROW(c->tc, c->tcap, c->ntc + 1) || aiops_map_put(&c->tix, tid, (uint32_t)c->ntc))
        return NULL;
    c->tc[c->ntc] = (sum_tcount){.tid = tid, .used = 1};
    return &c->tc[c->ntc++];
}

#define SUM_EXAMPLE_MAX 240

static char *example_dup(const char *m, size_t n)
{
    if (n > SUM_EXAMPLE_MAX)
        n = SUM_EXAMPLE_MAX;
    while (n && ((unsigned char)m[n] & 0xC0) == 0x80 && m[n])   /* cut on a UTF-8 boundary */
        n--;
    return strndup(m, n);
}

static int count_log(sum_inc *c, double ts, uint32_t tid, const char *msg, size_t n)
{
    int during = ts >= c->start && ts <= c->end;
    if (!during && !(ts >= c->start - c->before && ts < c->start))
        return 0;
    sum_tcount *t = tc_get(c, tid);
    if (!t)
        return AIOPS_ENOMEM;
    if (!during) {
        t->before++;
        return 0;
    }
    if (!t->during++ && msg && !t->example && !(t->example = example_dup(msg, n)))
        return AIOPS_ENOMEM;
    return 0;
}

static int add_log(aiops_sum *s, const json_t *o, double ts, aiops_err *err)
{
    aiops_jdoc d = {.err = err};
    const char *msg;
    int rc = aiops_jdoc_str(&d, o, "message", AIOPS_JDOC_REQUIRED, &msg);
    if (rc < 0)
        return rc;
    size_t n = json_string_length(json_object_get(o, "message"));
    uint32_t tid;
    if ((rc = aiops_logtmpl_add(s->miner, msg, n, &tid, err)) < 0)
        return rc;
    if (tid >= s->ntinfo) {
        size_t need = (size_t)aiops_logtmpl_id_end(s->miner) + 1;
        if (AIOPS_GROW_ZERO(s->tinfo, s->tinfo_cap, need))
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        for (size_t i = s->ntinfo; i < need; i++)
            s->tinfo[i].first = NAN;
        s->ntinfo = need;
    }
    sum_tinfo *ti = &s->tinfo[tid];
    if (isnan(ti->first))
        ti->first = ts;
    s->total_logs++;
    /* a recent example per template, refreshed at most once a minute */
    if (!ti->example || ts - ti->example_ts >= 60) {
        char *e = example_dup(msg, n);
        if (!e)
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        free(ti->example);
        ti->example = e, ti->example_ts = ts;
    }
    uint32_t sh = sum_hash32(sum_service(o));
    sum_log *l = &s->logs[s->log_head];
    *l = (sum_log){ts, tid, sh};
    s->log_head = (s->log_head + 1) % s->o.ring;
    if (s->nlogs < s->o.ring)
        s->nlogs++;
    for (size_t i = 0; i < s->nopen; i++) {
        sum_inc *c = &s->inc[s->open[i]];
        if (svc_match(c, sh) && count_log(c, ts, tid, msg, n))
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    return 0;
}

/* ------------------------------------------------------ context records */

#define SUM_LIST_MAX 50

/* Does a context record (kind k) of time ts belong to incident c? */
static int in_window(const aiops_sum *s, const sum_inc *c, int k, double ts)
{
    double from = k == SUM_PRED ? c->start - s->o.pred_before : c->start - c->before;
    return ts >= from && ts <= c->end;
}

static json_t **list_of(sum_inc *c, int k)
{
    return k == SUM_ANOM ? &c->anoms : k == SUM_EVENT ? &c->changes : &c->preds;
}

static int attach(const aiops_sum *s, sum_inc *c, int k, double ts, uint32_t sh, json_t *o)
{
    if (!in_window(s, c, k, ts) || !svc_match(c, sh))
        return 0;
    json_t **l = list_of(c, k);
    if (!*l && !(*l = json_array()))
        return AIOPS_ENOMEM;
    if (json_array_size(*l) >= SUM_LIST_MAX) {
        c->overflow++;
        return 0;
    }
    return json_array_append(*l, o) ? AIOPS_ENOMEM : 0;
}

static int add_ctx(aiops_sum *s, int k, const json_t *o, double ts, aiops_err *err)
{
    if (k == SUM_ANOM) {
        const char *st = json_string_value(json_object_get(o, "state"));
        if (st && !strcmp(st, "resolved"))
            return 0;
    }
    uint32_t sh = sum_hash32(sum_service(o));
    sum_ctx *e = &s->ctx[s->ctx_head];
    json_decref(e->obj);
    *e = (sum_ctx){ts, k, sh, json_incref((json_t *)o)};
    s->ctx_head = (s->ctx_head + 1) % s->o.ctx_ring;
    if (s->nctx < s->o.ctx_ring)
        s->nctx++;
    for (size_t i = 0; i < s->nopen; i++)
        if (attach(s, &s->inc[s->open[i]], k, ts, sh, (json_t *)o))
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    return 0;
}

/* ------------------------------------------------------------ incidents */

static sum_inc *inc_find(aiops_sum *s, const char *id)
{
    for (size_t i = 0; i < s->ninc; i++)
        if (!strcmp(s->inc[i].id, id))
            return &s->inc[i];
    return NULL;
}

static int set_services(sum_inc *c, const json_t *svcs)
{
    size_t n = json_array_size(svcs);
    uint32_t *v = n ? calloc(n, sizeof *v) : NULL;
    if (n && !v)
        return AIOPS_ENOMEM;
    for (size_t i = 0; i < n; i++)
        v[i] = sum_hash32(json_string_value(json_array_get(svcs, i)));
    free(c->svc);
    c->svc = v, c->nsvc = n;
    return 0;
}

/* What the rings remember of the incident's windows. */
static int backfill(aiops_sum *s, sum_inc *c)
{
    for (size_t j = 0; j < s->nlogs; j++) {
        const sum_log *l = &s->logs[(s->log_head + s->o.ring - s->nlogs + j) % s->o.ring];
        if (svc_match(c, l->svc) && count_log(c, l->ts, l->tid, NULL, 0))
            return AIOPS_ENOMEM;
    }
    for (size_t j = 0; j < s->nctx; j++) {
        const sum_ctx *e = &s->ctx[(s->ctx_head + s->o.ctx_ring - s->nctx + j) % s->o.ctx_ring];
        if (attach(s, c, e->kind, e->ts, e->svc, e->obj))
            return AIOPS_ENOMEM;
    }
    /* templates first seen before the ring's oldest entry cannot be "new" */
    c->ring_from = s->nlogs ? s->logs[(s->log_head + s->o.ring - s->nlogs) % s->o.ring].ts : NAN;
    return 0;
}

static int add_incident(aiops_sum *s, json_t *o, double ts, aiops_err *err)
{
    aiops_jdoc d = {.err = err};
    const char *id;
    double start, end = INFINITY;
    json_t *svcs = NULL;
    int rc = aiops_jdoc_str(&d, o, "id", AIOPS_JDOC_REQUIRED, &id);
    if (rc >= 0)
        rc = aiops_jdoc_time(&d, o, "start", AIOPS_JDOC_REQUIRED, &start);
    if (rc >= 0)
        rc = aiops_jdoc_time(&d, o, "end", 0, &end);
    if (rc >= 0)
        rc = aiops_jdoc_arr(&d, o, "services", 0, &svcs);
    for (size_t i = 0; rc >= 0 && i < json_array_size(svcs); i++)
        if (!json_is_string(json_array_get(svcs, i)))
            rc = aiops_jdoc_bad_at(&d, "services", "expected an array of strings");
    if (rc < 0)
        return rc;
    if (end < start)
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "end: before start");
    sum_inc *c = inc_find(s, id);
    if (c) {   /* an update of an incident (resolved, more services) */
        json_decref(c->obj);
        c->obj = json_incref(o);
        c->end = end, c->ts = ts;
        if (!c->open && (AIOPS_GROW(s->open, s->open_cap, s->nopen + 1) == 0))
            c->open = 1, s->open[s->nopen++] = (size_t)(c - s->inc);
        if (set_services(c, svcs))
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        return 0;
    }
    if (s->ninc >= s->o.max_incidents)
        return aiops_err_set(err, AIOPS_ELIMIT, NULL, 0,
                             "more than %zu incidents (the cap of --max-incidents)",
                             s->o.max_incidents);
    if (AIOPS_GROW_ZERO(s->inc, s->inc_cap, s->ninc + 1) ||
        AIOPS_GROW(s->open, s->open_cap, s->nopen + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    c = &s->inc[s->ninc];
    memset(c, 0, sizeof *c);
    c->id = strdup(id);
    c->obj = json_incref(o);
    c->start = start, c->end = end, c->ts = ts;
    c->before = s->o.before;
    c->open = 1;
    s->open[s->nopen++] = s->ninc;
    s->ninc++;
    if (!c->id || set_services(c, svcs) || backfill(s, c))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    json_t *early = json_object_get(s->early_rca, id);
    if (early) {
        c->rca = json_incref(early);
        json_object_del(s->early_rca, id);
    }
    return 0;
}

static int add_rca(aiops_sum *s, json_t *o, aiops_err *err)
{
    aiops_jdoc d = {.err = err};
    const char *id;
    json_t *cands;
    int rc = aiops_jdoc_str(&d, o, "incident", AIOPS_JDOC_REQUIRED, &id);
    if (rc >= 0)
        rc = aiops_jdoc_arr(&d, o, "candidates", AIOPS_JDOC_REQUIRED, &cands);
    if (rc < 0)
        return rc;
    sum_inc *c = inc_find(s, id);
    if (c) {
        json_decref(c->rca);
        c->rca = json_incref(cands);
        return 0;
    }
    /* The incident record may follow (aiops-rca writes the ranking first):
     * keep the latest ranking per id until it comes. */
    if (!json_object_get(s->early_rca, id) && json_object_size(s->early_rca) >= s->o.max_incidents)
        return aiops_err_set(err, AIOPS_ELIMIT, NULL, 0,
                             "more than %zu rankings of incidents not seen yet (the cap of "
                             "--max-incidents)", s->o.max_incidents);
    if (json_object_set(s->early_rca, id, cands))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    return 0;
}

int aiops_sum_add(aiops_sum *s, const aiops_record *r, aiops_err *err)
{
    json_t *o = r->obj;
    if (!o)
        return 0;
    /* incidents stop collecting once the stream is a minute past their end */
    for (size_t i = 0; i < s->nopen;) {
        sum_inc *c = &s->inc[s->open[i]];
        if (r->ts > c->end + 60) {
            c->open = 0;
            s->open[i] = s->open[--s->nopen];
        } else
            i++;
    }
    switch (r->type) {
    case AIOPS_R_LOG:
        return add_log(s, o, r->ts, err);
    case AIOPS_R_INCIDENT:
        return add_incident(s, o, r->ts, err);
    case AIOPS_R_RCA:
        return add_rca(s, o, err);
    case AIOPS_R_ANOMALY:
        return add_ctx(s, SUM_ANOM, o, r->ts, err);
    case AIOPS_R_EVENT:
        return add_ctx(s, SUM_EVENT, o, r->ts, err);
    case AIOPS_R_PREDICTION:
        return add_ctx(s, SUM_PRED, o, r->ts, err);
    default:
        return 0;
    }
}

int aiops_sum_history(aiops_sum *s, json_t *rec, aiops_err *err)
{
    const char *t = json_string_value(json_object_get(rec, "type"));
    json_t *f = json_object_get(rec, "features");
    if (!t || strcmp(t, "summary") || !json_is_object(f))
        return 0;
    if (json_array_size(s->history) >= 100000)
        return aiops_err_set(err, AIOPS_ELIMIT, NULL, 0, "more than 100000 history summaries");
    if (json_array_append(s->history, rec))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    return 1;
}
