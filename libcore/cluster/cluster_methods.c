/* cluster_methods.c - the two baselines: DBSCAN over (time, service
 * embedding, severity) in time segments, and Alertmanager's aggregation
 * groups with group_wait / group_interval / resolve_timeout and inhibition
 * rules whose source may arrive late (targets wait inhibit_wait). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/cluster_impl.h"
#include "common/array.h"
#include "common/hash.h"

static int held_push(aiops_cluster *c, aiops_record *r, uint32_t fi, double t, int firing, aiops_err *err)
{
    if (cl_ring_grow(&c->held, &c->held_head, c->held_n, &c->held_cap, sizeof *c->held)) {
        aiops_record_clear(r);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    cl_held *h = &c->held[(c->held_head + c->held_n++) % c->held_cap];
    *h = (cl_held){*r, fi, 0, t, firing, 0};
    memset(r, 0, sizeof *r);
    return 0;
}

int cl_hold_pass(aiops_cluster *c, aiops_record *r, aiops_err *err)
{
    return held_push(c, r, CL_PASS, r->ts, 0, err);
}

static cl_held *held_front(aiops_cluster *c)
{
    return c->held_n ? &c->held[c->held_head] : NULL;
}

static void held_drop(aiops_cluster *c)
{
    c->held_head = (c->held_head + 1) % c->held_cap;
    c->held_n--;
}

/* A passthrough-only record at the front: written as is. */
static int pass_front(aiops_cluster *c, cl_held *h, aiops_err *err)
{
    int rc = cl_emit(c, &h->rec, err);
    held_drop(c);
    return rc;
}

/* ---------------------------------------------------------------- dbscan */

static int dims_of(const aiops_cluster *c)
{
    return 2 + c->o.dims;
}

int cl_dbscan_flush(aiops_cluster *c, aiops_err *err)
{
    size_t n = c->npts;
    int *lab = malloc((n ? n : 1) * sizeof *lab);
    if (!lab)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    int ncl = aiops_cluster_dbscan(c->pts, n, dims_of(c), c->o.eps, c->o.min_samples, lab, err);
    uint32_t *slot = ncl > 0 ? calloc((size_t)ncl, sizeof *slot) : NULL;
    int rc = ncl < 0 ? ncl : ncl > 0 && !slot ? aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory") : 0;
    /* every held record belongs to this segment; firing ones are the points, in order */
    size_t p = 0;
    while (!rc && c->held_n) {
        cl_held *h = held_front(c);
        c->cur = h->t;
        if (h->feat == CL_PASS) {
            rc = pass_front(c, h, err);
            continue;
        }
        uint32_t s = 0;
        int single = 0;
        if (h->firing && p < n) {
            int l = lab[p++];
            cl_feat *f = &c->feat[h->feat];
            if (l >= 0 && !slot[l])
                rc = cl_inc_open(c, h->t, &slot[l], err);
            else if (l < 0 && !f->inc) {    /* noise: an incident of its own */
                rc = cl_inc_open(c, h->t, &s, err);
                single = 1;
            }
            if (!rc) {
                s = l >= 0 ? slot[l] : f->inc ? f->inc : s;
                int why = f->inc == s ? WHY_REPEAT : l >= 0 && c->inc[s - 1].nmem ? WHY_RULE : WHY_OPEN;
                rc = cl_inc_add(c, s, h->feat, h->t, h->rec.type == AIOPS_R_ANOMALY, why, err);
            }
        } else
            s = c->feat[h->feat].inc;
        if (!rc)
            rc = cl_emit_alert(c, &h->rec, s, h->feat, 0, err);
        held_drop(c);
        if (!rc && single)
            rc = cl_inc_close(c, s, h->t, err);
    }
    for (int l = 0; !rc && l < ncl; l++)
        if (slot[l] && c->inc[slot[l] - 1].used)
            rc = cl_inc_close(c, slot[l], c->inc[slot[l] - 1].end, err);
    free(slot);
    free(lab);
    c->npts = 0;
    return rc;
}

int cl_dbscan_push(aiops_cluster *c, aiops_record *r, uint32_t fi, double t, int firing, aiops_err *err)
{
    int rc = 0;
    double x0 = t / c->o.dbscan_time;
    if (c->npts && (x0 - c->seg_last > c->o.eps || c->npts >= CL_MAX_SEGMENT))
        rc = cl_dbscan_flush(c, err);    /* nothing later can be a neighbour */
    if (rc) {
        aiops_record_clear(r);
        return rc;
    }
    if (firing) {
        int d = dims_of(c);
        if (AIOPS_GROW(c->pts, c->cappts, (c->npts + 1) * (size_t)d)) {
            aiops_record_clear(r);
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        }
        double *x = c->pts + c->npts * (size_t)d;
        const cl_feat *f = &c->feat[fi];
        const double *e = cl_embedding(c, f->svc);
        x[0] = x0 < c->seg_last ? c->seg_last : x0;    /* a late point keeps the order */
        for (int i = 0; i < c->o.dims; i++)
            x[1 + i] = e ? e[i] * c->o.w_embed : 0;
        x[1 + c->o.dims] = f->sev / 3.0 * c->o.w_sev;
        c->seg_last = x[0];
        c->npts++;
    }
    return held_push(c, r, fi, t, firing, err);
}

/* -------------------------------------------------------------- group-by */

static const char *field(const json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(json_object_get(o, "labels"), k));
    if (!v)
        v = json_string_value(json_object_get(o, k));
    if (!v && !strcmp(k, "alertname"))
        v = json_string_value(json_object_get(o, "name"));
    return v;
}

static uint64_t group_key(const aiops_cluster *c, const json_t *o, const cl_feat *f)
{
    if (c->gb_all)
        return f->fp;
    uint64_t h = AIOPS_FNV_OFFSET;
    for (size_t i = 0; i < c->ngb; i++) {
        const char *v = field(o, c->gb[i]);
        h = aiops_fnv1a(h, v ? v : "", v ? strlen(v) : 0);
        h = aiops_fnv1a(h, "\xff", 1);
    }
    return h;
}

/* One matcher list "a=b,c!=d" against an alert: 1 when all hold. */
int cl_inhibit_match(const char *m, const json_t *o)
{
    while (m && *m) {
        const char *e = strchr(m, ',');
        size_t len = e ? (size_t)(e - m) : strlen(m);
        const char *eq = memchr(m, '=', len);
        if (!eq)
            return 0;
        int neg = eq > m && eq[-1] == '!';
        char name[256], val[256];
        size_t nl = (size_t)(eq - m) - (size_t)neg, vl = len - (size_t)(eq - m) - 1;
        if (nl >= sizeof name || vl >= sizeof val)
            return 0;
        memcpy(name, m, nl);
        name[nl] = 0;
        memcpy(val, eq + 1, vl);
        val[vl] = 0;
        const char *v = field(o, name);
        int same = v && !strcmp(v, val);
        if (same == neg)
            return 0;
        m = e ? e + 1 : NULL;
    }
    return 1;
}

static char *trimdup(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    char *d = strndup(s, n), *w = d;
    for (char *p = d; p && *p; p++)    /* matchers without spaces */
        if (*p != ' ')
            *w++ = *p;
    if (w)
        *w = 0;
    return d;
}

int cl_inhibit_parse(const char *rule, cl_inhibit *out, aiops_err *err)
{
    memset(out, 0, sizeof *out);
    const char *s = rule;
    char *eq = NULL;
    while (*s) {
        const char *e = strchr(s, ';');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        const char *colon = memchr(s, ':', len);
        char *key = colon ? trimdup(s, (size_t)(colon - s)) : NULL;
        char *val = colon ? trimdup(colon + 1, len - (size_t)(colon - s) - 1) : NULL;
        int ok = key && val;
        if (ok && !strcmp(key, "source") && !out->src)
            out->src = val, val = NULL;
        else if (ok && !strcmp(key, "target") && !out->tgt)
            out->tgt = val, val = NULL;
        else if (ok && !strcmp(key, "equal") && !eq)
            eq = val, val = NULL;
        else
            ok = 0;
        free(key);
        free(val);
        if (!ok) {
            free(out->src);
            free(out->tgt);
            free(eq);
            memset(out, 0, sizeof *out);
            return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                                 "--inhibit: expected 'source: M; target: M; equal: L' (M: name=value,..."
                                 "; L: names), got '%s'", rule);
        }
        s = e ? e + 1 : s + len;
    }
    int rc = 0;
    if (!out->src || !out->tgt)
        rc = aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "--inhibit: a rule needs a source and a target: '%s'", rule);
    char **v = NULL;
    size_t nv = 0, cap = 0;
    for (char *p = eq ? strtok(eq, ",") : NULL; !rc && p; p = strtok(NULL, ","))
        if (AIOPS_GROW(v, cap, nv + 1) || !(v[nv++] = strdup(p)))
            rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    free(eq);
    out->eq = v;
    out->neq = nv;
    return rc;
}

int aiops_cluster_inhibit_add(aiops_cluster *c, const char *rule, aiops_err *err)
{
    if (AIOPS_GROW(c->rules, c->caprules, c->nrules + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    int rc = cl_inhibit_parse(rule, &c->rules[c->nrules], err);
    if (rc) {
        cl_inhibit *r = &c->rules[c->nrules];
        free(r->src);
        free(r->tgt);
        for (size_t i = 0; i < r->neq; i++)
            free(r->eq[i]);
        free(r->eq);
        return rc;
    }
    c->nrules++;
    return 0;
}

static uint64_t equal_key(const cl_inhibit *ru, size_t ri, const json_t *o)
{
    uint64_t h = aiops_fnv1a(AIOPS_FNV_OFFSET, &ri, sizeof ri);
    for (size_t i = 0; i < ru->neq; i++) {
        const char *v = field(o, ru->eq[i]);
        h = aiops_fnv1a(h, v ? v : "", v ? strlen(v) : 0);
        h = aiops_fnv1a(h, "\xff", 1);
    }
    return h;
}

/* A source seen (at push time, before any target waiting for it is released). */
static int note_sources(aiops_cluster *c, const json_t *o, const cl_feat *f, double t, int firing,
                        aiops_err *err)
{
    for (size_t i = 0; i < c->nrules; i++) {
        if (!cl_inhibit_match(c->rules[i].src, o))
            continue;
        uint64_t k = equal_key(&c->rules[i], i, o);
        uint32_t si;
        if (!aiops_map_get(&c->srcmap, k, &si)) {
            if (AIOPS_GROW(c->src, c->capsrc, c->nsrc + 1) || aiops_map_put(&c->srcmap, k, (uint32_t)c->nsrc))
                return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
            si = (uint32_t)c->nsrc++;
            c->src[si] = (struct cl_src){t, t, 0};
        }
        struct cl_src *s = &c->src[si];
        if (firing) {
            if (t > s->until)
                s->start = t;    /* a new episode */
            s->until = f->resolves ? INFINITY : t + c->o.resolve_timeout;
            s->key = group_key(c, o, f);
        } else
            s->until = t;
    }
    return 0;
}

/* The group key of the source that inhibits this target, or 0. */
static uint64_t inhibited_by(aiops_cluster *c, const json_t *o, double t)
{
    for (size_t i = 0; i < c->nrules; i++) {
        if (!cl_inhibit_match(c->rules[i].tgt, o) || cl_inhibit_match(c->rules[i].src, o))
            continue;
        uint32_t si;
        if (!aiops_map_get(&c->srcmap, equal_key(&c->rules[i], i, o), &si))
            continue;
        const struct cl_src *s = &c->src[si];
        if (s->start <= t + c->o.inhibit_wait && s->until >= t)
            return s->key ? s->key : 1;
    }
    return 0;
}

static int group_add(aiops_cluster *c, cl_held *h, uint64_t key, int why, uint32_t *out, aiops_err *err)
{
    uint32_t slot = 0;
    int rc = 0;
    cl_feat *f = &c->feat[h->feat];
    if (!aiops_map_get(&c->gbmap, key, &slot)) {
        if ((rc = cl_inc_open(c, h->t, &slot, err)))
            return rc;
        c->inc[slot - 1].key = key;
        c->inc[slot - 1].next_flush = h->t + c->o.group_wait;
        if (aiops_map_put(&c->gbmap, key, slot))
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        why = why == WHY_RULE ? WHY_OPEN : why;
    }
    cl_inc *in = &c->inc[slot - 1];
    if (f->inc == slot)
        why = WHY_REPEAT;
    if ((rc = cl_inc_add(c, slot, h->feat, h->t, h->rec.type == AIOPS_R_ANOMALY, why, err)))
        return rc;
    in->mem[f->mem].until = f->resolves ? INFINITY : h->t + c->o.resolve_timeout;
    in->firing = 1;    /* changed since the last notification */
    *out = slot;
    return 0;
}

/* Release held records up to time `upto`: decide inhibition, place them. */
static int release(aiops_cluster *c, double upto, aiops_err *err)
{
    int rc = 0;
    cl_held *h;
    while (!rc && (h = held_front(c)) && h->t + (c->nrules ? c->o.inhibit_wait : 0) <= upto) {
        c->cur = h->t;
        rc = cl_groupby_advance(c, h->t, 0, err);
        if (!rc && h->feat == CL_PASS) {
            rc = pass_front(c, h, err);
            continue;
        }
        uint32_t slot = 0;
        int inh = 0;
        cl_feat *f = &c->feat[h->feat];
        if (!rc && h->firing) {
            uint64_t src = c->nrules ? inhibited_by(c, h->rec.obj, h->t) : 0;
            inh = src != 0;
            c->st.inhibited += (uint64_t)inh;
            rc = group_add(c, h, inh ? src : group_key(c, h->rec.obj, f), inh ? WHY_INHIBIT : WHY_RULE,
                           &slot, err);
        } else if (!rc && f->inc) {
            slot = f->inc;
            cl_inc *in = &c->inc[slot - 1];
            in->mem[f->mem].until = h->t;
            in->resolved++;
            in->firing = 1;
            if (h->t > in->end)
                in->end = h->t;
        }
        if (!rc)
            rc = cl_emit_alert(c, &h->rec, slot, h->feat, inh, err);
        held_drop(c);
    }
    return rc;
}

/* Flushes due by `now`: a group with changes notifies; a group whose
 * alerts are all resolved at a flush is deleted (its incident closes). */
int cl_groupby_advance(aiops_cluster *c, double now, int final, aiops_err *err)
{
    int rc = 0;
    if (final)
        rc = release(c, INFINITY, err);
    for (size_t i = 0; !rc && i < c->ninc; i++) {
        cl_inc *in = &c->inc[i];
        while (in->used && (in->next_flush <= now || final)) {
            double T = in->next_flush;
            if (in->firing)
                in->notifications++;
            in->firing = 0;
            double until = -INFINITY;
            for (size_t m = 0; m < in->nmem; m++)
                if (in->mem[m].until > until)
                    until = in->mem[m].until;
            if (until <= T || (final && !(until < INFINITY && until > T))) {
                aiops_map_del(&c->gbmap, in->key);
                if (until > in->end && until < INFINITY)
                    in->end = until;
                rc = cl_inc_close(c, (uint32_t)i + 1, in->end, err);
                break;
            }
            in->next_flush = T + c->o.group_interval;
        }
    }
    return rc;
}

int cl_groupby_push(aiops_cluster *c, aiops_record *r, uint32_t fi, double t, int firing, aiops_err *err)
{
    int rc = c->nrules ? note_sources(c, r->obj, &c->feat[fi], t, firing, err) : 0;
    if (!rc)
        rc = held_push(c, r, fi, t, firing, err);
    else
        aiops_record_clear(r);
    return rc ? rc : release(c, t, err);
}
