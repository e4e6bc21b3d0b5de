/* graph_span.c - spans into the graph: parent matching within the horizon
 * (a ring of recent spans and two open-addressed indexes rebuilt at half
 * load), per-edge calls, errors, latency and clock skew, and the windows. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/stats.h"
#include "graph/graph_impl.h"
#include "formats/obs.h"

#define NONE UINT64_MAX

static uint64_t span_key(const char *trace, const char *span)
{
    uint64_t h = aiops_fnv1a(AIOPS_FNV_OFFSET, trace, strlen(trace));
    h = aiops_fnv1a(h, "\xff", 1);
    h = aiops_fnv1a(h, span, strlen(span));
    return h ? h : 1;
}

void gr_spans_free(aiops_graph *g)
{
    free(g->ring);
    aiops_rview_free(g->view);
    free(g->six);   /* six and pix are one block */
}

static gr_span *at(aiops_graph *g, uint64_t seq)
{
    return seq >= g->head && seq < g->tail ? &g->ring[seq & (g->ring_cap - 1)] : NULL;
}

/* ------------------------------------------------------------- indexes */

static gr_slot *ix_find(gr_slot *ix, size_t cap, uint64_t key)
{
    if (!cap)
        return NULL;
    for (size_t s = key & (cap - 1);; s = (s + 1) & (cap - 1)) {
        if (!ix[s].key)
            return NULL;
        if (ix[s].key == key && ix[s].seq != NONE)
            return &ix[s];
    }
}

static void ix_put(gr_slot *ix, size_t cap, uint64_t key, uint64_t seq)
{
    size_t s = key & (cap - 1);
    while (ix[s].key && ix[s].key != key)
        s = (s + 1) & (cap - 1);
    ix[s].key = key;
    ix[s].seq = seq;
}

/* Both indexes again from the live spans, at twice their number (one
 * block: six, then pix). */
static int reindex(aiops_graph *g)
{
    size_t live = (size_t)(g->tail - g->head), cap = 64;
    while (cap < 4 * (live + 1))
        cap *= 2;
    gr_slot *six = calloc(2 * cap, sizeof *six);
    if (!six)
        return AIOPS_ENOMEM;
    gr_slot *pix = six + cap;
    g->six_used = g->pix_used = 0;
    for (uint64_t q = g->head; q < g->tail; q++) {
        gr_span *s = at(g, q);
        ix_put(six, cap, s->key, q);
        g->six_used++;
        s->next_pend = NONE;
    }
    /* waiting children chained per parent, oldest last */
    for (uint64_t q = g->head; q < g->tail; q++) {
        gr_span *s = at(g, q);
        if (!s->waiting)
            continue;
        gr_slot *p = ix_find(pix, cap, s->pkey);
        s->next_pend = p ? p->seq : NONE;
        if (!p)
            g->pix_used++;
        ix_put(pix, cap, s->pkey, q);
    }
    free(g->six);
    g->six = six;
    g->pix = pix;
    g->six_cap = g->pix_cap = cap;
    return 0;
}

/* ------------------------------------------------------------- windows */

static void win_emit(aiops_graph *g, const gr_win *w, uint32_t node, uint32_t edge)
{
    if (AIOPS_GROW(g->closed, g->closed_cap, g->nclosed + 1))
        return;   /* reported by the caller's next window_add (ENOMEM) */
    aiops_graph_window *o = &g->closed[g->nclosed++];
    *o = (aiops_graph_window){.start = (double)w->k * g->o.window, .node = node, .edge = edge,
                              .calls = w->st.calls, .errors = w->st.errors,
                              .p50 = aiops_lat_quantile(&w->st.lat, 0.5),
                              .p90 = aiops_lat_quantile(&w->st.lat, 0.9),
                              .p99 = aiops_lat_quantile(&w->st.lat, 0.99),
                              .mean = w->st.calls ? 1e-9 * (double)w->lat_sum / (double)w->st.calls : NAN,
                              .err_origins = w->origins,
                              .self_mean = w->self_n ? 1e-9 * (double)w->self_sum / (double)w->self_n : NAN,
                              .wait_calls = w->wait_n,
                              .req_mean = w->wait_n ? 1e-9 * (double)w->req_sum / (double)w->wait_n : NAN,
                              .resp_mean = w->wait_n ? 1e-9 * (double)w->resp_sum / (double)w->wait_n : NAN,
                              .req_ns = w->req_sum, .resp_ns = w->resp_sum,
                              .top_req_ns = w->top_req, .top_resp_ns = w->top_resp};
}

static int win_add(aiops_graph *g, gr_win **slots, uint32_t node, uint32_t edge, double t,
                   double dur, int lb, int error)
{
    if (!(g->o.window > 0))
        return 0;
    int64_t k = aiops_window_of(t, g->o.window);
    if (k < g->closed_upto) {
        g->counts.late++;
        return 0;
    }
    if (!*slots) {
        *slots = malloc(g->wk * sizeof **slots);
        if (!*slots)
            return AIOPS_ENOMEM;
        for (size_t i = 0; i < g->wk; i++)
            (*slots)[i].k = INT64_MIN;
    }
    gr_win *w = &(*slots)[(uint64_t)k % g->wk];
    if (w->k != k) {
        if (w->k != INT64_MIN) {
            if (w->k > k) {   /* older than the window ring holds */
                g->counts.late++;
                return 0;
            }
            win_emit(g, w, node, edge);
        }
        memset(w, 0, sizeof *w);
        w->k = k;
    }
    gr_stats_add(&w->st, lb, error);
    w->lat_sum += gr_ns(dur);
    return 0;
}

static int win_cmp(const void *a, const void *b)
{
    const aiops_graph_window *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->edge != y->edge)   /* UINT32_MAX (a service's) first */
        return x->edge == UINT32_MAX ? -1 : y->edge == UINT32_MAX ? 1 : x->edge < y->edge ? -1 : 1;
    return x->node < y->node ? -1 : x->node > y->node;
}

/* Close the windows that end at or before `upto` (window index). */
static void win_close(aiops_graph *g, int64_t upto)
{
    if (upto <= g->closed_upto)
        return;
    size_t first = g->nclosed;
    for (size_t i = 0; i < g->nnodes + g->nedges; i++) {
        gr_win *v = i < g->nnodes ? g->nwin[i] : g->ewin[i - g->nnodes];
        if (!v)
            continue;
        for (size_t j = 0; j < g->wk; j++)
            if (v[j].k != INT64_MIN && v[j].k < upto) {
                if (i < g->nnodes)
                    win_emit(g, &v[j], (uint32_t)i, UINT32_MAX);
                else
                    win_emit(g, &v[j], g->edges[i - g->nnodes].to, (uint32_t)(i - g->nnodes));
                v[j].k = INT64_MIN;
            }
    }
    /* in time order among themselves, services before edges, by id */
    if (g->nclosed - first > 1)
        qsort(g->closed + first, g->nclosed - first, sizeof *g->closed, win_cmp);
    g->closed_upto = upto;
}

int aiops_graph_pop_window(aiops_graph *g, aiops_graph_window *w)
{
    if (g->closed_head >= g->nclosed) {
        g->closed_head = g->nclosed = 0;
        return 0;
    }
    *w = g->closed[g->closed_head++];
    return 1;
}

/* --------------------------------------------------------------- spans */

static int resolve(aiops_graph *g, gr_span *p, gr_span *c, aiops_err *err)
{
    c->waiting = 0;
    if (c->err)
        p->err_child = 1;
    p->child += gr_ns(c->end - c->start);
    p->nchild += p->nchild < 255;
    if (p->svc == c->svc)
        return 0;
    uint32_t e;
    int rc = aiops_graph_edge_add(g, p->svc, c->svc, &e, err);
    if (rc)
        return rc;
    aiops_graph_edge *ed = &g->edges[e];
    double dur = c->end - c->start;
    gr_stats_add(&ed->st, c->lb, c->err);
    ed->weight += 1;   /* on top of a graph file's weight (aiops_graph_merge) */
    g->counts.cross++;
    double off = c->start < p->start ? c->start - p->start : c->end > p->end ? c->end - p->end : 0;
    if (off != 0) {
        ed->skewed++;
        ed->skew_sum += off;
        ed->skew_min = fmin(ed->skew_min, off);
        ed->skew_max = fmax(ed->skew_max, off);
        g->counts.skewed++;
    }
    if (win_add(g, &g->ewin[e], c->svc, e, c->start, dur, c->lb, c->err))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (p->nchild == 1) {   /* its wait counts once p has no other child (evict_head) */
        double req = fmax(c->start - p->start, 0), resp = p->end - c->end;
        p->wedge = e;
        p->wreq = (float)req;
        p->wresp = (float)fmax(resp - req, 0);
    }
    return 0;
}

/* The window of service svc holding t, if it is still open. */
static gr_win *open_win(aiops_graph *g, uint32_t svc, double t)
{
    if (!(g->o.window > 0) || !g->nwin[svc])
        return NULL;
    int64_t k = aiops_window_of(t, g->o.window);
    gr_win *w = &g->nwin[svc][(uint64_t)k % g->wk];
    return w->k == k ? w : NULL;
}

static void evict_head(aiops_graph *g)
{
    gr_span *s = at(g, g->head);
    if (s->waiting)
        g->counts.missing_parents++;
    gr_win *w = open_win(g, s->svc, s->start);
    if (s->err && !s->err_child) {   /* its errors did not come from below */
        g->nodes[s->svc].err_origins++;
        if (w)
            w->origins++;
    }
    if (w) {   /* its own time: what its children do not explain */
        int64_t self = gr_ns(s->end - s->start) - s->child;
        w->self_sum += self > 0 ? self : 0;
        w->self_n++;
    }
    if (s->nchild == 1 && s->wedge != UINT32_MAX && g->o.window > 0 && g->ewin[s->wedge]) {
        /* a client span: its one call's time outside the callee's span */
        int64_t k = aiops_window_of(s->start + s->wreq, g->o.window);
        gr_win *ew = &g->ewin[s->wedge][(uint64_t)k % g->wk];
        if (ew->k == k) {
            int64_t rq = gr_ns(s->wreq), rs = gr_ns(s->wresp);
            ew->req_sum += rq;
            ew->resp_sum += rs;
            ew->wait_n++;
            if (rq + rs > ew->top_req + ew->top_resp || (rq + rs == ew->top_req + ew->top_resp && rq > ew->top_req)) {
                ew->top_req = rq;
                ew->top_resp = rs;
            }
        }
    }
    g->head++;
}

/* The ring holds at least one more span (doubling up to max_spans). */
static int ring_room(aiops_graph *g)
{
    size_t live = (size_t)(g->tail - g->head);
    if (live < g->ring_cap)
        return 0;
    if (g->ring_cap >= g->o.max_spans) {
        evict_head(g);
        return 0;
    }
    size_t nc = g->ring_cap ? g->ring_cap * 2 : 1024;
    gr_span *r = malloc(nc * sizeof *r);
    if (!r)
        return AIOPS_ENOMEM;
    for (uint64_t q = g->head; q < g->tail; q++)
        r[q & (nc - 1)] = g->ring[q & (g->ring_cap - 1)];
    free(g->ring);
    g->ring = r;
    g->ring_cap = nc;
    return 0;
}

static void advance(aiops_graph *g, double t)
{
    if (!(t > g->now))
        return;
    g->now = t;
    while (g->head < g->tail && at(g, g->head)->start < t - g->o.horizon)
        evict_head(g);
    if (g->o.window > 0)
        win_close(g, aiops_window_of(t - g->o.horizon, g->o.window));
}

void aiops_graph_advance(aiops_graph *g, double t)
{
    if (g->wk)
        advance(g, t);
}

int aiops_graph_add_span(aiops_graph *g, const aiops_span *sp, aiops_err *err)
{
    if (!g->wk && g->o.window > 0) {
        g->wk = (size_t)ceil(g->o.horizon / g->o.window) + 2;
        g->closed_upto = INT64_MIN;
    }
    advance(g, sp->start);
    uint32_t svc;
    char wl[256];
    const char *name = sp->service;
    if (g->o.rollup && strlen(name) < sizeof wl) {
        aiops_obs_workload(name, "Service", wl, sizeof wl);
        name = wl;
    }
    int rc = aiops_graph_service(g, name, &svc, err);
    if (rc)
        return rc;
    aiops_graph_node *nd = &g->nodes[svc];
    double dur = sp->duration > 0 ? sp->duration : 0;
    int lb = gr_lat_bucket(dur);
    gr_stats_add(&nd->own, lb, sp->error);
    int root = !sp->parent_id || !*sp->parent_id;
    nd->roots += root;
    g->counts.spans++;
    g->counts.roots += root;
    if (win_add(g, &g->nwin[svc], svc, UINT32_MAX, sp->start, dur, lb, sp->error) ||
        ring_room(g))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (2 * (g->six_used + 1) > g->six_cap || 2 * (g->pix_used + 1) > g->pix_cap)
        if (reindex(g))
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    uint64_t seq = g->tail++;
    gr_span *s = at(g, seq);
    *s = (gr_span){.key = span_key(sp->trace_id, sp->span_id),
                   .pkey = root ? 0 : span_key(sp->trace_id, sp->parent_id),
                   .next_pend = NONE, .start = sp->start, .end = sp->start + dur, .svc = svc,
                   .err = sp->error != 0, .lb = (unsigned char)lb, .wedge = UINT32_MAX};
    if (!ix_find(g->six, g->six_cap, s->key))
        g->six_used++;
    ix_put(g->six, g->six_cap, s->key, seq);
    if (!root) {
        gr_slot *ps = ix_find(g->six, g->six_cap, s->pkey);
        gr_span *p = ps ? at(g, ps->seq) : NULL;
        if (p && p->key == s->pkey) {
            if ((rc = resolve(g, p, s, err)))
                return rc;
        } else {
            s->waiting = 1;
            gr_slot *w = ix_find(g->pix, g->pix_cap, s->pkey);
            s->next_pend = w ? w->seq : NONE;
            if (!w)
                g->pix_used++;
            ix_put(g->pix, g->pix_cap, s->pkey, seq);
        }
    }
    /* children that came first (clock skew) */
    gr_slot *w = ix_find(g->pix, g->pix_cap, s->key);
    if (w) {
        for (uint64_t q = w->seq; q != NONE;) {
            gr_span *c = at(g, q);
            if (!c)
                break;
            q = c->next_pend;
            if (c->waiting && c->pkey == s->key && (rc = resolve(g, s, c, err)))
                return rc;
        }
        w->seq = NONE;
    }
    return 0;
}

static int is_error_status(const char *st)
{
    return st && (!strcasecmp(st, "error") || !strcmp(st, "STATUS_CODE_ERROR") ||
                  !strcasecmp(st, "failed"));
}

int aiops_graph_add_record(aiops_graph *g, const aiops_record *r, aiops_err *err)
{
    if (r->type != AIOPS_R_SPAN || !r->obj)
        return 0;
    /* the fields without a tree: text records are read as they are */
    if (!g->view && !(g->view = aiops_rview_new()))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    aiops_rview *v = g->view;
    int rc = aiops_rview_set(v, r, err);
    if (rc)
        return rc;
    const char *tr = aiops_rview_str(v, NULL, "trace_id", NULL);
    const char *sid = aiops_rview_str(v, NULL, "span_id", NULL);
    const char *svc = aiops_rview_str(v, NULL, "service", NULL);
    const char *par = aiops_rview_str(v, NULL, "parent_span_id", NULL);
    double d;
    if (!tr || !sid || !svc || !*svc || !aiops_rview_num(v, NULL, "duration", &d)) {
        g->counts.bad++;
        return 0;
    }
    aiops_span sp = {.trace_id = tr, .span_id = sid, .parent_id = par, .service = svc,
                     .start = r->ts, .duration = d,
                     .error = aiops_rview_kind(v, NULL, "error") == AIOPS_F_TRUE ||
                              is_error_status(aiops_rview_str(v, NULL, "status", NULL))};
    rc = aiops_graph_add_span(g, &sp, err);
    return rc ? rc : 1;
}

int aiops_graph_finish(aiops_graph *g, aiops_err *err)
{
    (void)err;
    while (g->head < g->tail)
        evict_head(g);
    if (g->o.window > 0 && g->wk)
        win_close(g, INT64_MAX);
    return 0;
}
