/* cluster_inc.c - the incident summary every method fills (members,
 * services, severity, templates, token and label-pair unions, join
 * reasons), the incident record it becomes, and the output queue. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/cluster_impl.h"
#include "common/array.h"
#include "common/buf.h"

static const char *const why_names[] = {"opened", "repeat", "time", "topology", "labels", "message",
                                        "rule", "inhibited", "merged"};
static const char *const sev_names[] = {"none", "info", "warning", "critical"};
static const char *const method_names[] = {"default", "dbscan", "group-by"};

/* Make room for one more element in a ring of elem-size slots (*buf, head,
 * n, *cap): a full ring is copied out in order into one twice as big. */
int cl_ring_grow(void *pbuf, size_t *head, size_t n, size_t *cap, size_t elem)
{
    if (n < *cap)
        return 0;
    char **buf = pbuf;
    size_t nc = *cap ? *cap * 2 : 64;
    char *q = malloc(nc * elem);
    if (!q)
        return AIOPS_ENOMEM;
    for (size_t i = 0; i < n; i++)
        memcpy(q + i * elem, *buf + ((*head + i) % *cap) * elem, elem);
    free(*buf);
    *buf = q;
    *cap = nc;
    *head = 0;
    return 0;
}

int cl_emit(aiops_cluster *c, aiops_record *r, aiops_err *err)
{
    if (cl_ring_grow(&c->out, &c->out_head, c->out_n, &c->out_cap, sizeof *c->out)) {
        aiops_record_clear(r);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    if (r->ts > c->out_last)
        c->out_last = r->ts;
    c->out[(c->out_head + c->out_n++) % c->out_cap] = *r;
    memset(r, 0, sizeof *r);
    return 0;
}

int aiops_cluster_pop(aiops_cluster *c, aiops_record *r)
{
    if (!c->out_n)
        return 0;
    *r = c->out[c->out_head];
    c->out_head = (c->out_head + 1) % c->out_cap;
    c->out_n--;
    return 1;
}

static void id_text(uint64_t id, char *buf, size_t n)
{
    snprintf(buf, n, "inc-%llu", (unsigned long long)id);
}

/* The record out with its incident: the open one (slot), else for a
 * resolved record the incident its fingerprint was last in. */
int cl_emit_alert(aiops_cluster *c, aiops_record *r, uint32_t slot, uint32_t fi, int inhibited,
                  aiops_err *err)
{
    uint64_t iid = slot ? c->inc[slot - 1].id : c->feat[fi].last_id;
    if (slot)
        c->feat[fi].last_id = iid;
    if (!c->o.passthrough) {
        aiops_record_clear(r);
        return 0;
    }
    if (iid && r->obj) {     /* a text record stays text */
        char id[32];
        id_text(iid, id, sizeof id);
        int rc = aiops_record_set(r, "incident", json_string(id), err);
        if (!rc && inhibited)
            rc = aiops_record_set(r, "inhibited", json_true(), err);
        if (rc)
            return rc;
    }
    return cl_emit(c, r, err);
}

int cl_inc_open(aiops_cluster *c, double t, uint32_t *slot, aiops_err *err)
{
    uint32_t s;
    if (c->nfree)
        s = c->freeinc[--c->nfree];
    else {
        if (AIOPS_GROW_ZERO(c->inc, c->capinc, c->ninc + 1))
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        s = (uint32_t)c->ninc++;
    }
    cl_inc *in = &c->inc[s];
    cl_member *mem = in->mem;
    cl_svcount *sv = in->svc;
    size_t cm = in->capmem, cs = in->capsvc;
    memset(in, 0, sizeof *in);
    in->mem = mem;      /* capacity reused */
    in->capmem = cm;
    in->svc = sv;
    in->capsvc = cs;
    in->used = 1;
    in->id = ++c->next_id;
    in->start = in->last = in->end = t;
    c->open++;
    if (c->open > c->st.open_max)
        c->st.open_max = c->open;
    *slot = s + 1;
    return 0;
}

/* Merge sorted unique b into sorted unique a (capacity cap). */
static size_t set_union(uint64_t *a, size_t na, const uint64_t *b, size_t nb, size_t cap)
{
    uint64_t tmp[CL_INC_TOKENS + CL_MAX_TOKENS];
    size_t i = 0, j = 0, k = 0;
    while ((i < na || j < nb) && k < cap) {
        if (j >= nb || (i < na && a[i] < b[j]))
            tmp[k++] = a[i++];
        else if (i >= na || b[j] < a[i])
            tmp[k++] = b[j++];
        else {
            tmp[k++] = a[i++];
            j++;
        }
    }
    memcpy(a, tmp, k * sizeof *a);
    return k;
}

int cl_inc_add(aiops_cluster *c, uint32_t slot, uint32_t fi, double t, int is_anomaly, int why,
               aiops_err *err)
{
    cl_inc *in = &c->inc[slot - 1];
    cl_feat *f = &c->feat[fi];
    if (t > in->last)
        in->last = t;
    if (t < in->start)
        in->start = t;
    if (t > in->end)
        in->end = t;
    if (is_anomaly)
        in->anomalies++;
    else
        in->alerts++;
    if (f->sev > in->sev)
        in->sev = f->sev;
    in->why[why]++;
    if (f->inc == slot) {
        in->mem[f->mem].count++;
        in->repeats++;
        return 0;
    }
    if (AIOPS_GROW(in->mem, in->capmem, in->nmem + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    in->mem[in->nmem] = (cl_member){fi, 1, t, why_names[why], INFINITY};
    f->inc = slot;
    f->mem = (uint32_t)in->nmem++;
    if (f->svc != UINT32_MAX) {
        size_t i = 0;
        while (i < in->nsvc && in->svc[i].svc != f->svc)
            i++;
        if (i == in->nsvc) {
            if (AIOPS_GROW(in->svc, in->capsvc, in->nsvc + 1))
                return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
            in->svc[in->nsvc++] = (cl_svcount){f->svc, 0, t};
        }
        in->svc[i].count++;
        if (t < in->svc[i].first)
            in->svc[i].first = t;
    }
    size_t m = 0;
    uint32_t tid = aiops_logtmpl_canon(c->miner, f->tid);
    while (m < in->nmsg && aiops_logtmpl_canon(c->miner, c->feat[in->msg[m].feat].tid) != tid)
        m++;
    if (m < in->nmsg)
        in->msg[m].count++;
    else if (in->nmsg < CL_INC_MSGS)
        in->msg[in->nmsg++] = (cl_msg){fi, 1};
    else
        in->msg_other++;
    in->ntok = set_union(in->tok, in->ntok, f->tok, f->ntok, CL_INC_TOKENS);
    in->nlab = set_union(in->lab, in->nlab, f->lab, f->nlab, CL_INC_LABELS);
    return 0;
}

/* Single linkage: an alert near two open incidents joins them.  src's
 * members, services, templates and sets move to dst; src's id is listed
 * in dst's "merged" (alerts already written carry it). */
int cl_inc_merge(aiops_cluster *c, uint32_t dst, uint32_t src, aiops_err *err)
{
    cl_inc *d = &c->inc[dst - 1], *s = &c->inc[src - 1];
    if (AIOPS_GROW(d->mem, d->capmem, d->nmem + s->nmem) || AIOPS_GROW(d->svc, d->capsvc, d->nsvc + s->nsvc))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < s->nmem; i++) {
        cl_feat *f = &c->feat[s->mem[i].feat];
        f->inc = dst;
        f->mem = (uint32_t)d->nmem;
        d->mem[d->nmem++] = s->mem[i];
    }
    for (size_t i = 0; i < s->nsvc; i++) {
        size_t j = 0;
        while (j < d->nsvc && d->svc[j].svc != s->svc[i].svc)
            j++;
        if (j == d->nsvc)
            d->svc[d->nsvc++] = s->svc[i];
        else {
            d->svc[j].count += s->svc[i].count;
            if (s->svc[i].first < d->svc[j].first)
                d->svc[j].first = s->svc[i].first;
        }
    }
    for (size_t i = 0; i < s->nmsg; i++) {
        size_t m = 0;
        while (m < d->nmsg && aiops_logtmpl_canon(c->miner, c->feat[d->msg[m].feat].tid) !=
                                  aiops_logtmpl_canon(c->miner, c->feat[s->msg[i].feat].tid))
            m++;
        if (m < d->nmsg)
            d->msg[m].count += s->msg[i].count;
        else if (d->nmsg < CL_INC_MSGS)
            d->msg[d->nmsg++] = s->msg[i];
        else
            d->msg_other += s->msg[i].count;
    }
    d->msg_other += s->msg_other;
    d->ntok = set_union(d->tok, d->ntok, s->tok, s->ntok, CL_INC_TOKENS);
    d->nlab = set_union(d->lab, d->nlab, s->lab, s->nlab, CL_INC_LABELS);
    d->start = s->start < d->start ? s->start : d->start;
    d->last = s->last > d->last ? s->last : d->last;
    d->end = s->end > d->end ? s->end : d->end;
    d->alerts += s->alerts;
    d->anomalies += s->anomalies;
    d->repeats += s->repeats;
    d->resolved += s->resolved;
    d->sev = s->sev > d->sev ? s->sev : d->sev;
    for (size_t i = 0; i < sizeof d->why / sizeof d->why[0]; i++)
        d->why[i] += s->why[i];
    d->why[WHY_MERGE]++;
    if (d->nmerged < sizeof d->merged / sizeof d->merged[0])
        d->merged[d->nmerged++] = s->id;
    for (size_t i = 0; i < s->nmerged && d->nmerged < sizeof d->merged / sizeof d->merged[0]; i++)
        d->merged[d->nmerged++] = s->merged[i];
    s->used = 0;
    s->nmem = s->nsvc = 0;
    c->open--;
    if (AIOPS_GROW(c->freeinc, c->capfree, c->nfree + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    c->freeinc[c->nfree++] = src - 1;
    return 0;
}

/* The probable primary service: the earliest to alert; among services
 * that started within a minute of it, the one most of the incident's
 * services are near in the graph (the common dependency), then the most
 * severe. */
static size_t primary(aiops_cluster *c, const cl_inc *in, int *near)
{
    size_t best = 0;
    double t0 = in->svc[0].first;
    for (size_t i = 1; i < in->nsvc; i++)
        if (in->svc[i].first < t0)
            t0 = in->svc[i].first;
    int bestnear = -1;
    for (size_t i = 0; i < in->nsvc; i++) {
        if (in->svc[i].first > t0 + 60)
            continue;
        int nn = 0;
        for (size_t j = 0; j < in->nsvc && j < 256; j++) {
            int h = j == i ? -1 : cl_hops(c, in->svc[i].svc, in->svc[j].svc);
            nn += h > 0;
        }
        if (nn > bestnear || (nn == bestnear && in->svc[i].first < in->svc[best].first)) {
            best = i;
            bestnear = nn;
        }
    }
    *near = bestnear;
    return best;
}

static int cmp_svc(const void *a, const void *b)
{
    const cl_svcount *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->first < y->first ? -1 : x->first > y->first;
}

static json_t *incident_json(aiops_cluster *c, cl_inc *in, double ts)
{
    char id[32], fp[24];
    id_text(in->id, id, sizeof id);
    json_t *o = json_object(), *svcs = json_array(), *alerts = json_array(), *mems = json_array();
    json_t *msgs = json_array(), *why = json_object();
    int near = 0;
    size_t p = in->nsvc ? primary(c, in, &near) : 0;
    const char *prim = in->nsvc ? c->svc[in->svc[p].svc].name : NULL;
    double pfirst = in->nsvc ? in->svc[p].first : 0;
    if (in->nsvc)   /* alerts without a service: no array */
        qsort(in->svc, in->nsvc, sizeof *in->svc, cmp_svc);
    for (size_t i = 0; i < in->nsvc; i++)
        json_array_append_new(svcs, json_string(c->svc[in->svc[i].svc].name));
    for (size_t i = 0; i < in->nmem && i < c->o.max_members; i++) {
        const cl_member *m = &in->mem[i];
        const cl_feat *f = &c->feat[m->feat];
        snprintf(fp, sizeof fp, "%016llx", (unsigned long long)f->fp);
        json_array_append_new(alerts, json_string(fp));
        json_t *mo = json_object();
        json_object_set_new(mo, "fingerprint", json_string(fp));
        json_object_set_new(mo, "name", json_string(f->name));
        if (f->svc != UINT32_MAX)
            json_object_set_new(mo, "service", json_string(c->svc[f->svc].name));
        json_object_set_new(mo, "count", json_integer(m->count));
        json_object_set_new(mo, "first", json_real(m->first));
        json_object_set_new(mo, "why", json_string(m->why));
        json_array_append_new(mems, mo);
    }
    aiops_buf tb = {0};
    for (size_t i = 0; i < in->nmsg; i++) {
        json_t *mo = json_object();
        tb.n = 0;
        aiops_logtmpl_text(c->miner, aiops_logtmpl_canon(c->miner, c->feat[in->msg[i].feat].tid), &tb);
        json_object_set_new(mo, "template", json_stringn(tb.p ? tb.p : "", tb.n));
        json_object_set_new(mo, "count", json_integer(in->msg[i].count));
        json_array_append_new(msgs, mo);
    }
    aiops_buf_free(&tb);
    for (size_t i = 0; i < sizeof why_names / sizeof why_names[0]; i++)
        if (in->why[i])
            json_object_set_new(why, why_names[i], json_integer((json_int_t)in->why[i]));
    json_object_set_new(o, "type", json_string("incident"));
    json_object_set_new(o, "ts", json_real(ts));
    json_object_set_new(o, "id", json_string(id));
    json_object_set_new(o, "start", json_real(in->start));
    json_object_set_new(o, "end", json_real(in->end));
    json_object_set_new(o, "method", json_string(method_names[c->o.method]));
    json_object_set_new(o, "services", svcs);
    if (prim) {
        char reason[160];
        snprintf(reason, sizeof reason, "first to alert%s; %d of the incident's services within %d hops",
                 pfirst > in->start ? " among the incident's services" : "", near,
                 c->o.topo_hops);
        json_object_set_new(o, "primary_service", json_string(prim));
        json_object_set_new(o, "primary_reason", json_string(reason));
    }
    json_object_set_new(o, "severity", json_string(sev_names[in->sev]));
    json_object_set_new(o, "alerts", alerts);
    json_object_set_new(o, "alert_count", json_integer((json_int_t)in->alerts));
    json_object_set_new(o, "distinct", json_integer((json_int_t)in->nmem));
    json_object_set_new(o, "repeats", json_integer((json_int_t)in->repeats));
    if (in->anomalies)
        json_object_set_new(o, "anomalies", json_integer((json_int_t)in->anomalies));
    json_object_set_new(o, "members", mems);
    json_object_set_new(o, "messages", msgs);
    if (in->msg_other)
        json_object_set_new(o, "messages_other", json_integer((json_int_t)in->msg_other));
    json_object_set_new(o, "why", why);
    if (in->nmerged) {
        json_t *mg = json_array();
        for (size_t i = 0; i < in->nmerged; i++) {
            char mid[32];
            id_text(in->merged[i], mid, sizeof mid);
            json_array_append_new(mg, json_string(mid));
        }
        json_object_set_new(o, "merged", mg);
    }
    if (c->o.method == AIOPS_CLUSTER_GROUPBY)
        json_object_set_new(o, "notifications", json_integer(in->notifications));
    char title[256];
    snprintf(title, sizeof title, "%s%s on %zu service%s%s%s", in->nmsg ? c->feat[in->msg[0].feat].name : "alerts",
             in->nmem > 1 ? " and more" : "", in->nsvc, in->nsvc == 1 ? "" : "s", prim ? ", from " : "",
             prim ? prim : "");
    json_object_set_new(o, "title", json_string(title));
    return o;
}

int cl_inc_close(aiops_cluster *c, uint32_t slot, double end, aiops_err *err)
{
    cl_inc *in = &c->inc[slot - 1];
    if (end > in->end)
        in->end = end;
    /* ts is when it closed, not its end: the records before it are already
     * queued, and the stream must not go back in time (docs/FORMAT.md). */
    double ts = in->end < c->cur ? in->end : c->cur;
    if (!(ts >= c->out_last))
        ts = c->out_last;
    if (!isfinite(ts))
        ts = in->end;
    aiops_record r = {.type = AIOPS_R_INCIDENT, .ts = ts};
    r.obj = incident_json(c, in, ts);
    if (!r.obj)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    for (size_t i = 0; i < in->nmem; i++)
        if (c->feat[in->mem[i].feat].inc == slot)
            c->feat[in->mem[i].feat].inc = 0;
    in->used = 0;
    in->nmem = in->nsvc = 0;
    if (in->capmem > 1024) {    /* a big storm's arrays are not kept */
        free(in->mem);
        in->mem = NULL;
        in->capmem = 0;
    }
    c->open--;
    c->st.incidents++;
    if (AIOPS_GROW(c->freeinc, c->capfree, c->nfree + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    c->freeinc[c->nfree++] = slot - 1;
    return cl_emit(c, &r, err);
}
