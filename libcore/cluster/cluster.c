/* cluster.c - aiops-cluster's engine: options, the record front end
 * (features, repeats, online co-occurrence), the default streaming method
 * and the dispatch to dbscan and group-by. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/cluster_impl.h"
#include "common/array.h"

void aiops_cluster_opts_default(aiops_cluster_opts *o)
{
    memset(o, 0, sizeof *o);
    o->method = AIOPS_CLUSTER_DEFAULT;
    o->close_after = 1800;
    o->time_scale = 1800;
    o->threshold = 0.5;
    o->w_time = 0.25;
    o->w_topo = 0.6;
    o->w_label = 0.15;
    o->w_msg = 0.15;
    o->topo_hops = 3;
    o->ignore = "severity,alertstate,service";
    o->eps = 1.0;
    o->min_samples = 3;
    o->dbscan_time = 300;
    o->w_embed = 1;
    o->w_sev = 0.5;
    o->group_by = "alertname";
    o->group_wait = 30;
    o->group_interval = 300;
    o->resolve_timeout = 300;
    o->inhibit_wait = 300;
    o->dims = 8;
    o->cooc_window = 300;
    o->passthrough = 1;
    o->max_members = 1000;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* "a,b,c" into owned strings (empty items dropped). */
static int split(const char *s, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    while (s && *s) {
        const char *e = strchr(s, ',');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        while (len && *s == ' ') {
            s++;
            len--;
        }
        while (len && s[len - 1] == ' ')
            len--;
        if (len) {
            if (AIOPS_GROW(*out, cap, *n + 1) || !((*out)[*n] = strndup(s, len)))
                return AIOPS_ENOMEM;
            (*n)++;
        }
        s = e ? e + 1 : s + strlen(s);
    }
    return 0;
}

int aiops_cluster_new(aiops_cluster **out, const aiops_cluster_opts *o, aiops_err *err)
{
    *out = NULL;
    if (!(o->close_after > 0) || !(o->time_scale > 0) || !(o->threshold >= 0) || !(o->eps > 0) ||
        !o->min_samples || !(o->dbscan_time > 0) || o->dims < 1 || o->dims > 64 || !(o->cooc_window > 0))
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "cluster: an option is out of range");
    double ws = o->w_time + o->w_topo + o->w_label + o->w_msg;
    if (!(ws > 0) || o->w_time < 0 || o->w_topo < 0 || o->w_label < 0 || o->w_msg < 0)
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "cluster: weights must be >= 0 with a positive sum");
    aiops_cluster *c = calloc(1, sizeof *c);
    if (!c)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    c->o = *o;
    c->o.w_time /= ws;
    c->o.w_topo /= ws;
    c->o.w_label /= ws;
    c->o.w_msg /= ws;
    c->bucket_t = NAN;
    c->last_learn = NAN;
    c->now = c->out_last = c->cur = -INFINITY;
    c->seg_last = -INFINITY;
    aiops_logtmpl_opts lo;
    aiops_logtmpl_opts_default(&lo);
    lo.mask_digits = 1;    /* alert texts: any number is a value */
    int rc = split(o->labels, &c->labels, &c->nlabels) || split(o->ignore, &c->ignore, &c->nignore) ||
             aiops_logtmpl_new(&c->miner, &lo, NULL) || !(c->view = aiops_rview_new());
    if (!rc && o->group_by && !strcmp(o->group_by, "..."))
        c->gb_all = 1;
    else if (!rc)
        rc = split(o->group_by, &c->gb, &c->ngb);
    if (rc) {
        aiops_cluster_free(c);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    if (!o->labels) {    /* NULL list means every label: keep c->labels NULL */
        free(c->labels);
        c->labels = NULL;
    }
    c->o.labels = c->o.ignore = c->o.group_by = NULL;   /* not kept: split above */
    *out = c;
    return 0;
}

void aiops_cluster_free(aiops_cluster *c)
{
    if (!c)
        return;
    free_list(c->labels, c->nlabels);
    free_list(c->ignore, c->nignore);
    free_list(c->gb, c->ngb);
    for (size_t i = 0; i < c->nfeat; i++) {
        free(c->feat[i].name);
    }
    free(c->feat);
    aiops_map_free(&c->fpmap);
    aiops_logtmpl_free(c->miner);
    aiops_rview_free(c->view);
    for (size_t i = 0; i < c->nsvc; i++)
        free(c->svc[i].name);
    free(c->svc);
    aiops_map_free(&c->svcmap);
    cl_graph_free(c);
    free(c->gaps);
    for (size_t i = 0; i < c->ninc; i++) {
        free(c->inc[i].mem);
        free(c->inc[i].svc);
    }
    free(c->inc);
    free(c->freeinc);
    for (size_t i = 0; i < c->out_n; i++)
        aiops_record_clear(&c->out[(c->out_head + i) % c->out_cap]);
    free(c->out);
    for (size_t i = 0; i < c->held_n; i++)
        aiops_record_clear(&c->held[(c->held_head + i) % c->held_cap].rec);
    free(c->held);
    for (size_t i = 0; i < c->nrules; i++) {
        free(c->rules[i].src);
        free(c->rules[i].tgt);
        free_list(c->rules[i].eq, c->rules[i].neq);
    }
    free(c->rules);
    aiops_map_free(&c->srcmap);
    free(c->src);
    aiops_map_free(&c->gbmap);
    free(c->pts);
    free(c);
}

void aiops_cluster_stats_get(const aiops_cluster *c, aiops_cluster_stats *s)
{
    *s = c->st;
}

/* ------------------------------------------------------ default method */

double cl_distance(aiops_cluster *c, const cl_feat *f, const cl_inc *in, double t, int *why)
{
    const aiops_cluster_opts *o = &c->o;
    double gap = t > in->last ? t - in->last : t < in->start ? in->start - t : 0;
    double dt = aiops_cluster_time_dist(gap, o->time_scale);
    double dg = 1;
    if (f->svc == UINT32_MAX || !in->nsvc)
        dg = 0.5;    /* nothing to compare: neutral */
    else {
        const double *ea = cl_embedding(c, f->svc);
        int known = 0;
        for (size_t i = 0; i < in->nsvc && i < 64 && dg > 0; i++) {
            uint32_t s = in->svc[i].svc;
            int h = cl_hops(c, f->svc, s);
            double d = aiops_cluster_topo_dist(h, o->topo_hops);
            known |= h >= 0 || (f->svc < c->capadjv && c->nadj[f->svc] && s < c->capadjv && c->nadj[s]);
            const double *eb = cl_embedding(c, s);
            if (ea && eb) {
                double de = aiops_cluster_embed_dist(ea, eb, o->dims);
                known = 1;
                if (de < d)
                    d = de;
            }
            if (d < dg)
                dg = d;
        }
        if (!known)
            dg = 0.5;
    }
    double dl = aiops_cluster_overlap_dist(f->lab, f->nlab, in->lab, in->nlab);
    double dm = aiops_cluster_overlap_dist(f->tok, f->ntok, in->tok, in->ntok);
    double sg = o->w_topo * (1 - dg), sl = o->w_label * (1 - dl), sm = o->w_msg * (1 - dm);
    *why = WHY_TIME;
    double best = 0;
    if (sg > best) {
        best = sg;
        *why = WHY_TOPO;
    }
    if (sl > best) {
        best = sl;
        *why = WHY_LABEL;
    }
    if (sm > best)
        *why = WHY_MSG;
    return o->w_time * dt + o->w_topo * dg + o->w_label * dl + o->w_msg * dm;
}

int cl_default_sweep(aiops_cluster *c, double now, aiops_err *err)
{
    for (size_t i = 0; i < c->ninc; i++)
        if (c->inc[i].used && c->inc[i].last + c->o.close_after < now) {
            int rc = cl_inc_close(c, (uint32_t)i + 1, c->inc[i].last, err);
            if (rc)
                return rc;
        }
    return 0;
}

int cl_default_add(aiops_cluster *c, uint32_t fi, double t, int is_anomaly, uint32_t *slot,
                   aiops_err *err)
{
    cl_feat *f = &c->feat[fi];
    if (f->inc) {    /* a repeat, or a new episode of a member: dedup */
        *slot = f->inc;
        return cl_inc_add(c, f->inc, fi, t, is_anomaly, WHY_REPEAT, err);
    }
    double best = INFINITY;
    int why = WHY_OPEN, w, rc = 0;
    uint32_t bs = 0, near[8];
    size_t nnear = 0;
    for (size_t i = 0; i < c->ninc; i++) {
        if (!c->inc[i].used)
            continue;
        double d = cl_distance(c, f, &c->inc[i], t, &w);
        if (d <= c->o.threshold && nnear < sizeof near / sizeof near[0])
            near[nnear++] = (uint32_t)i + 1;
        if (d < best) {
            best = d;
            bs = (uint32_t)i + 1;
            why = w;
        }
    }
    if (!bs || best > c->o.threshold) {
        why = WHY_OPEN;
        rc = cl_inc_open(c, t, &bs, err);
    }
    for (size_t i = 0; !rc && i < nnear; i++)    /* the alert links them: single linkage */
        if (near[i] != bs)
            rc = cl_inc_merge(c, bs, near[i], err);
    *slot = bs;
    return rc ? rc : cl_inc_add(c, bs, fi, t, is_anomaly, why, err);
}

/* ------------------------------------------------------------ front end */

static int learn_one(aiops_cluster *c, uint32_t fi, double t, aiops_err *err)
{
    if (!isnan(c->last_learn) && t > c->last_learn) {
        if (AIOPS_GROW(c->gaps, c->capgaps, c->ngaps + 1))
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        if (c->ngaps < 1000000)
            c->gaps[c->ngaps++] = t - c->last_learn;
    }
    if (t > c->last_learn || isnan(c->last_learn))
        c->last_learn = t;
    return cl_cooc_add(c, c->feat[fi].svc, t, err);
}

int aiops_cluster_learn(aiops_cluster *c, const aiops_record *r, aiops_err *err)
{
    if ((r->type != AIOPS_R_ALERT && r->type != AIOPS_R_ANOMALY) || !r->obj)
        return 0;
    int rc = aiops_rview_set(c->view, r, err);
    if (rc)
        return rc;
    const char *st = aiops_rview_str(c->view, NULL, "state", NULL);
    if (st && !strcmp(st, "resolved"))
        return 0;
    uint32_t fi;
    rc = cl_feat_of(c, c->view, r->type, &fi, err);
    return rc ? rc : learn_one(c, fi, r->ts, err);
}

int aiops_cluster_push(aiops_cluster *c, aiops_record *r, aiops_err *err)
{
    if (r->type == AIOPS_R_SPAN && r->obj) {
        int rc = cl_graph_span(c, r, err);
        if (rc) {
            aiops_record_clear(r);
            return rc;
        }
    }
    c->cur = r->ts;
    if ((r->type != AIOPS_R_ALERT && r->type != AIOPS_R_ANOMALY) || !r->obj) {
        /* Stream time passes with every record, not only with alerts: an
         * incident closes after --close-after of quiet, even when the next
         * alert comes hours later. */
        if (c->o.method == AIOPS_CLUSTER_DEFAULT && isfinite(r->ts) && r->ts > c->now) {
            c->now = r->ts;
            int rc = cl_default_sweep(c, c->now, err);
            if (rc) {
                aiops_record_clear(r);
                return rc;
            }
        }
        if (c->o.passthrough && r->type != AIOPS_R_INCIDENT)
            return c->held_n ? cl_hold_pass(c, r, err) : cl_emit(c, r, err);
        aiops_record_clear(r);
        return 0;
    }
    double t = r->ts;
    if (!isfinite(t)) {
        aiops_record_clear(r);
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "an alert without a usable time");
    }
    /* group-by and inhibition read the records they hold later: trees */
    if (c->o.method == AIOPS_CLUSTER_GROUPBY && json_is_string(r->obj) && !aiops_record_json(r, err)) {
        aiops_record_clear(r);
        return err && err->code ? err->code : AIOPS_EPARSE;
    }
    int rc = aiops_rview_set(c->view, r, err);
    if (rc) {
        aiops_record_clear(r);
        return rc;
    }
    const char *st = aiops_rview_str(c->view, NULL, "state", NULL);
    int firing = !st || strcmp(st, "resolved") != 0;
    if (st && !strcmp(st, "pending")) {    /* not an alert yet */
        return c->o.passthrough ? cl_emit(c, r, err) : (aiops_record_clear(r), 0);
    }
    uint32_t fi;
    rc = cl_feat_of(c, c->view, r->type, &fi, err);
    if (rc) {
        aiops_record_clear(r);
        return rc;
    }
    cl_feat *f = &c->feat[fi];
    if (t < c->now - c->o.close_after)
        c->st.late++;
    if (t > c->now)
        c->now = t;
    if (!firing) {
        c->st.resolved++;
        f->resolves = 1;
    } else if (r->type == AIOPS_R_ANOMALY)
        c->st.anomalies++;
    else {
        double start = r->ts, js;
        if (aiops_rview_num(c->view, NULL, "start", &js))
            start = js;
        c->st.alerts++;
        if (f->last_start == start)
            c->st.repeats++;
        f->last_start = start;
    }
    if (firing) {
        if ((rc = learn_one(c, fi, t, err)))
            return rc;
        if (c->learned >= 64 + 8 * (uint64_t)c->nsvc && (rc = aiops_cluster_embed(c, err)))
            return rc;
    }
    switch (c->o.method) {
    case AIOPS_CLUSTER_DBSCAN:
        return cl_dbscan_push(c, r, fi, t, firing, err);
    case AIOPS_CLUSTER_GROUPBY:
        return cl_groupby_push(c, r, fi, t, firing, err);
    default:
        break;
    }
    if ((rc = cl_default_sweep(c, c->now, err)))
        return rc;
    uint32_t slot = f->inc;
    if (firing && (rc = cl_default_add(c, fi, t, r->type == AIOPS_R_ANOMALY, &slot, err)))
        return rc;
    if (!firing && slot)
        c->inc[slot - 1].resolved++;
    if (!firing && slot && t > c->inc[slot - 1].end)
        c->inc[slot - 1].end = t;
    return cl_emit_alert(c, r, slot, fi, 0, err);
}

int aiops_cluster_finish(aiops_cluster *c, aiops_err *err)
{
    int rc = 0;
    c->cur = INFINITY;
    if (c->o.method == AIOPS_CLUSTER_DBSCAN)
        rc = cl_dbscan_flush(c, err);
    else if (c->o.method == AIOPS_CLUSTER_GROUPBY)
        rc = cl_groupby_advance(c, INFINITY, 1, err);
    for (size_t i = 0; !rc && i < c->ninc; i++)
        if (c->inc[i].used)
            rc = cl_inc_close(c, (uint32_t)i + 1, c->inc[i].end, err);
    return rc;
}
