/* predict_feat.c - the feature engine: series windows (rings of at most
 * max_points points), services, incident signs, ticks, the precursor
 * features of a service at a tick, and the limits of resources. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "common/stats.h"
#include "predict/predict_impl.h"

static const char *const FEATURE_NAMES[AIOPS_PF_COUNT] = {
    "error_trend", "latency_trend", "cpu_trend", "memory_trend", "disk_trend",
    "memory_leak", "saturation", "variance_change", "anomaly_score", "changes",
};

const char *aiops_predict_feature_name(int f)
{
    return f >= 0 && f < AIOPS_PF_COUNT ? FEATURE_NAMES[f] : "?";
}

void aiops_predict_opts_default(aiops_predict_opts *o)
{
    memset(o, 0, sizeof *o);
    o->window = 7200;
    o->every = 300;
    o->max_points = 1024;
    o->hold = 300;
    o->quiet_after = 7200;
    o->eta_horizon = 7200;
    o->eta = 1;
    o->threshold = NAN;
    o->leads[0] = 900;
    o->leads[1] = 1800;
    o->leads[2] = 2700;
    o->nleads = 3;
    o->neg_gap = 10800;
    o->neg_ratio = 4;
    o->lambda = 1;
    o->false_per_day = 0.25;
    o->lookback = 10800;
    o->seed = 1;
    o->max_rows = 1000000;
}

/* ---------------------------------------------------------------- limits */

typedef struct limit_rule {
    aiops_selector *sel;
    double limit;
} limit_rule;

struct aiops_predict_limits {
    limit_rule *r;
    size_t n, cap;
};

void aiops_predict_limits_free(aiops_predict_limits *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        aiops_selector_free(l->r[i].sel);
    free(l->r);
    free(l);
}

#define LIMITS_MAX_LINE 4096
#define LIMITS_MAX_RULES 100000

int aiops_predict_limits_load(aiops_predict_limits **out, const char *path, aiops_err *err)
{
    *out = NULL;
    if (!path)
        return 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return aiops_err_set(err, AIOPS_EIO, path, 0, "cannot open");
    aiops_predict_limits *l = calloc(1, sizeof *l);
    char line[LIMITS_MAX_LINE];
    long ln = 0;
    int rc = l ? 0 : aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    while (!rc && fgets(line, sizeof line, f)) {
        ln++;
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            rc = aiops_err_set(err, AIOPS_ELIMIT, path, ln, "line longer than %d bytes", LIMITS_MAX_LINE - 2);
            break;
        }
        while (len && isspace((unsigned char)line[len - 1]))
            line[--len] = '\0';
        char *p = line;
        while (isspace((unsigned char)*p))
            p++;
        if (!*p || *p == '#')
            continue;
        char *sp = p + strlen(p);
        while (sp > p && !isspace((unsigned char)sp[-1]))
            sp--;
        double v;
        if (sp == p || aiops_parse_double(sp, strlen(sp), &v) || !(v > 0) || !isfinite(v)) {
            rc = aiops_err_set(err, AIOPS_EPARSE, path, ln, "expected SELECTOR LIMIT (a number > 0)");
            break;
        }
        char *e = sp;
        while (e > p && isspace((unsigned char)e[-1]))
            e--;
        *e = '\0';
        aiops_selector *sel = NULL;
        if ((rc = aiops_selector_parse(p, &sel, err)) < 0) {
            aiops_err_locate(err, path, ln);
            break;
        }
        if (l->n == LIMITS_MAX_RULES || AIOPS_GROW(l->r, l->cap, l->n + 1)) {
            aiops_selector_free(sel);
            rc = aiops_err_set(err, l->n == LIMITS_MAX_RULES ? AIOPS_ELIMIT : AIOPS_ENOMEM, path, ln,
                               l->n == LIMITS_MAX_RULES ? "too many limits" : "out of memory");
            break;
        }
        l->r[l->n++] = (limit_rule){sel, v};
    }
    if (!rc && ferror(f))
        rc = aiops_err_set(err, AIOPS_EIO, path, 0, "read failed");
    fclose(f);
    if (rc) {
        aiops_predict_limits_free(l);
        return rc;
    }
    *out = l;
    return 0;
}

double pf_limit_lookup(const aiops_predict_limits *l, const aiops_series *s)
{
    for (size_t i = 0; l && i < l->n; i++)
        if (aiops_selector_match(l->r[i].sel, s))
            return l->r[i].limit;
    return NAN;
}

/* --------------------------------------------------------- classifying */

static int has(const char *s, const char *w)
{
    return strstr(s, w) != NULL;
}

static int ends(const char *s, const char *w)
{
    size_t n = strlen(s), m = strlen(w);
    return n >= m && !strcmp(s + n - m, w);
}

static const char *const UNITS[] = {"_bytes", "_ratio", "_seconds", "_total", "_percent", NULL};
static const char *const LIMIT_WORDS[] = {"_limit", "_size", "_max", NULL};

/* A limit series: _limit, _size or _max before an optional unit suffix. */
static int is_limit_name(const char *n)
{
    for (size_t w = 0; LIMIT_WORDS[w]; w++) {
        if (ends(n, LIMIT_WORDS[w]))
            return 1;
        for (size_t u = 0; UNITS[u]; u++) {
            char buf[128];
            snprintf(buf, sizeof buf, "%s%s", LIMIT_WORDS[w], UNITS[u]);
            if (ends(n, buf))
                return 1;
        }
    }
    return 0;
}

static int classify(const char *n)
{
    if (is_limit_name(n))
        return PR_LIMIT;
    if (has(n, "error") && (has(n, "ratio") || ends(n, "_rate")))
        return PR_ERROR;
    if ((has(n, "latency") || has(n, "duration")) && has(n, "p99"))
        return PR_LATENCY;
    if (has(n, "cpu"))
        return PR_CPU;
    if (has(n, "memory") || !strncmp(n, "mem_", 4))
        return PR_MEMORY;
    if (has(n, "disk") || has(n, "filesystem"))
        return PR_DISK;
    if (has(n, "saturation"))
        return PR_SATURATION;
    return PR_OTHER;
}

/* Implicit limit 1: a usage ratio of disks, filesystems, volumes, pools,
 * quotas and inodes. */
static int implicit_ratio(const char *n)
{
    return ends(n, "_ratio") && (has(n, "disk") || has(n, "filesystem") || has(n, "volume") ||
                                 has(n, "pool") || has(n, "quota") || has(n, "inode"));
}

/* lim is the limit series of usage: NAME = BASE[_usage|_used][UNIT] and
 * lim = BASE{_limit,_size,_max}UNIT or NAME{_limit,_size,_max}. */
static int limit_of(const char *usage, const char *lim)
{
    char base[256], cand[300];
    const char *unit = "";
    for (size_t u = 0; UNITS[u]; u++)
        if (ends(usage, UNITS[u]))
            unit = UNITS[u];
    size_t bl = strlen(usage) - strlen(unit);
    if (bl >= sizeof base)
        return 0;
    memcpy(base, usage, bl);
    base[bl] = '\0';
    static const char *const USE[] = {"_usage", "_used", "_use", NULL};
    for (size_t k = 0; USE[k]; k++)
        if (ends(base, USE[k])) {
            base[strlen(base) - strlen(USE[k])] = '\0';
            break;
        }
    for (size_t w = 0; LIMIT_WORDS[w]; w++) {
        snprintf(cand, sizeof cand, "%s%s%s", base, LIMIT_WORDS[w], unit);
        if (!strcmp(cand, lim))
            return 1;
        snprintf(cand, sizeof cand, "%s%s", usage, LIMIT_WORDS[w]);
        if (!strcmp(cand, lim))
            return 1;
    }
    return 0;
}

/* Same labels: the canonical texts agree after the names. */
static int same_labels(const aiops_series *a, const aiops_series *b)
{
    return !strcmp(a->text + strlen(a->name), b->text + strlen(b->name));
}

/* ---------------------------------------------------------------- engine */

int pf_init(pf_engine *e, const aiops_predict_opts *o, const aiops_predict_limits *limits,
            aiops_series_table *tab, pf_tick_fn fn, void *ctx, aiops_err *err)
{
    memset(e, 0, sizeof *e);
    e->o = *o;
    e->limits = limits;
    e->tab = tab;
    e->on_tick = fn;
    e->ctx = ctx;
    e->scr = malloc(AIOPS_PREDICT_SCRATCH(PF_MAX_FIT) * sizeof *e->scr);
    e->view = aiops_rview_new();
    if (!e->scr || !e->view)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (!(o->every > 0) || !(o->window >= o->every) || o->max_points < 8)
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "expected a tick > 0, a window >= the tick and at least 8 points per series");
    return 0;
}

void pf_free(pf_engine *e)
{
    for (size_t i = 0; i < e->nser; i++) {
        free(e->ser[i].t);
        free(e->ser[i].v);
    }
    for (size_t i = 0; i < e->nsvc; i++) {
        free(e->svc[i].name);
        free(e->svc[i].sids);
    }
    free(e->ser);
    free(e->svc);
    free(e->scr);
    aiops_rview_free(e->view);
    memset(e, 0, sizeof *e);
}

static int find_service(pf_engine *e, const char *name, uint32_t *out, aiops_err *err)
{
    for (size_t i = 0; i < e->nsvc; i++)
        if (!strcmp(e->svc[i].name, name)) {
            *out = (uint32_t)i;
            return 0;
        }
    if (AIOPS_GROW(e->svc, e->capsvc, e->nsvc + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    pf_service *s = &e->svc[e->nsvc];
    memset(s, 0, sizeof *s);
    if (!(s->name = strdup(name)))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    s->sign_last = -INFINITY;
    s->above_since = s->below_since = NAN;
    *out = (uint32_t)e->nsvc++;
    return 0;
}

/* A series seen for the first time: its role, service, limit. */
static int new_series(pf_engine *e, uint32_t sid, aiops_err *err)
{
    pf_series *s = &e->ser[sid];
    const aiops_series *as = aiops_series_get(e->tab, sid);
    s->seen = 1;
    s->svc = PF_NONE;
    s->limit_sid = PF_NONE;
    s->above_since = s->below_since = NAN;
    s->role = classify(as->name);
    s->limit = pf_limit_lookup(e->limits, as);
    if (isnan(s->limit) && implicit_ratio(as->name))
        s->limit = 1;
    const char *svc = aiops_series_service(as);
    if (!svc || !*svc)
        return 0;
    int rc = find_service(e, svc, &s->svc, err);
    if (rc)
        return rc;
    pf_service *sv = &e->svc[s->svc];
    if (AIOPS_GROW(sv->sids, sv->capsids, sv->nsids + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    sv->sids[sv->nsids++] = sid;
    /* link usage and limit series of this service, either way round */
    for (size_t i = 0; i + 1 < sv->nsids; i++) {
        uint32_t o = sv->sids[i];
        const aiops_series *os = aiops_series_get(e->tab, o);
        if (!same_labels(as, os))
            continue;
        if (s->role == PR_LIMIT && limit_of(os->name, as->name))
            e->ser[o].limit_sid = sid;
        else if (e->ser[o].role == PR_LIMIT && limit_of(as->name, os->name))
            s->limit_sid = o;
    }
    return 0;
}

/* Double a series' ring (at least 16 points, at most max): the window
 * holds what a tick needs, so a ring grows only to the points of one
 * window, not to max_points, at a low sampling rate. */
static int grow_ring(pf_series *s, size_t max)
{
    size_t cap = s->cap ? 2 * s->cap : 16;
    if (cap > max)
        cap = max;
    double *t = malloc(cap * sizeof *t), *v = malloc(cap * sizeof *v);
    if (!t || !v) {
        free(t);
        free(v);
        return -1;
    }
    for (size_t i = 0; i < s->n; i++) {
        t[i] = s->t[(s->head + i) % s->cap];
        v[i] = s->v[(s->head + i) % s->cap];
    }
    free(s->t);
    free(s->v);
    s->t = t;
    s->v = v;
    s->cap = cap;
    s->head = 0;
    return 0;
}

static int add_sample(pf_engine *e, const aiops_record *r, aiops_err *err)
{
    if (!isfinite(r->value))
        return 0;
    if (AIOPS_GROW_ZERO(e->ser, e->capser, (size_t)r->sid + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (e->nser <= r->sid)
        e->nser = (size_t)r->sid + 1;
    pf_series *s = &e->ser[r->sid];
    int rc = s->seen ? 0 : new_series(e, r->sid, err);
    if (rc)
        return rc;
    /* points no tick to come looks at (the next window starts after
     * next_tick - window) leave the ring */
    while (s->n && s->t[s->head] <= e->next_tick - e->o.window) {
        s->head = (s->head + 1) % s->cap;
        s->n--;
    }
    if (s->n == s->cap && s->cap < e->o.max_points && (rc = grow_ring(s, e->o.max_points)))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    size_t at = (s->head + s->n) % s->cap;
    if (s->n == s->cap)
        s->head = (s->head + 1) % s->cap;
    else
        s->n++;
    s->t[at] = r->ts;
    s->v[at] = r->value;
    return 0;
}

static void push_ring(double *t, double *v, size_t *n, double ts, double val)
{
    if (*n == PF_RING_EVENTS) {
        memmove(t, t + 1, (PF_RING_EVENTS - 1) * sizeof *t);
        if (v)
            memmove(v, v + 1, (PF_RING_EVENTS - 1) * sizeof *v);
        (*n)--;
    }
    t[*n] = ts;
    if (v)
        v[*n] = val;
    (*n)++;
}

static int sign_for(pf_engine *e, const char *svc, double ts, aiops_err *err)
{
    uint32_t i;
    int rc = svc && *svc ? find_service(e, svc, &i, err) : 1;
    if (!rc)
        e->svc[i].sign_last = fmax(e->svc[i].sign_last, ts);
    return rc < 0 ? rc : 0;
}

/* The services of an incident record (a tree; a text record is parsed
 * first, on a copy). */
static int incident_signs(pf_engine *e, const aiops_record *r, aiops_err *err)
{
    aiops_record tmp = *r;
    aiops_err perr = {0};
    json_incref(tmp.obj);
    const json_t *o = aiops_record_json(&tmp, &perr), *v;
    int rc = o || !perr.code ? 0 : perr.code;
    if (rc)
        *err = perr;
    size_t k;
    json_array_foreach(json_object_get(o, "services"), k, v)
        if (!rc)
            rc = sign_for(e, json_string_value(v), r->ts, err);
    aiops_record_clear(&tmp);
    return rc;
}

/* Events, alerts, anomalies and incidents: change events and anomaly
 * scores are features; alerts firing, OOM kills, restarts and incidents
 * are signs that an incident is under way.  Fields are read through a
 * view, so records passed on as text need no tree. */
static int add_other(pf_engine *e, const aiops_record *r, aiops_err *err)
{
    if (r->type == AIOPS_R_INCIDENT)
        return incident_signs(e, r, err);
    int rc = aiops_rview_set(e->view, r, err);
    if (rc)
        return rc;
    const char *svc = aiops_rview_str(e->view, NULL, "service", NULL);
    uint32_t i;
    switch (r->type) {
    case AIOPS_R_EVENT: {
        const char *k = aiops_rview_str(e->view, NULL, "kind", NULL);
        if (!k || !svc || !*svc)
            return 0;
        if (!strcmp(k, "oom_kill") || !strcmp(k, "restart"))
            return sign_for(e, svc, r->ts, err);
        if (strcmp(k, "deploy") && strcmp(k, "config") && strcmp(k, "scale"))
            return 0;
        if ((rc = find_service(e, svc, &i, err)))
            return rc;
        push_ring(e->svc[i].chg, NULL, &e->svc[i].nchg, r->ts, 0);
        return 0;
    }
    case AIOPS_R_ALERT: {
        const char *st = aiops_rview_str(e->view, NULL, "state", NULL);
        return st && (!strcmp(st, "firing") || !strcmp(st, "resolved")) ? sign_for(e, svc, r->ts, err) : 0;
    }
    case AIOPS_R_ANOMALY: {
        /* aiops-fit's calibrated score (--threshold, --bands), 0..1 */
        double sc;
        if (!svc || !*svc || !aiops_rview_num(e->view, NULL, "anomaly_score", &sc) || !isfinite(sc))
            return 0;
        if ((rc = find_service(e, svc, &i, err)))
            return rc;
        push_ring(e->svc[i].an_t, e->svc[i].an_s, &e->svc[i].nan, r->ts, sc);
        return 0;
    }
    default: return 0;
    }
}

int pf_in_incident(const pf_engine *e, const pf_service *s, double T)
{
    return T - s->sign_last < e->o.quiet_after;
}

size_t pf_window(pf_engine *e, const pf_series *s, double T)
{
    size_t first = s->n, last = 0, k = 0;
    for (size_t i = 0; i < s->n; i++) {
        double t = s->t[(s->head + i) % s->cap];
        if (t > T - e->o.window && t <= T) {
            if (first == s->n)
                first = i;
            last = i;
        }
    }
    /* a window less than half covered says nothing reliable yet */
    if (first == s->n || s->t[(s->head + last) % s->cap] - s->t[(s->head + first) % s->cap] < e->o.window / 2)
        return 0;
    size_t m = last - first + 1, want = m < PF_MAX_FIT ? m : PF_MAX_FIT;
    for (size_t j = 0; j < want; j++) {
        size_t i = first + (want > 1 ? j * (m - 1) / (want - 1) : 0);
        e->tt[k] = s->t[(s->head + i) % s->cap];
        e->vv[k] = s->v[(s->head + i) % s->cap];
        k++;
    }
    return k;
}

/* log of the MAD of first differences in the second half of the window
 * over the first half's (floored at 1 % of the level). */
static double variance_change(const double *v, size_t n, double *scr)
{
    if (n < 8)
        return 0;
    size_t h = n / 2, m = 0;
    double lvl = 0;
    for (size_t i = 0; i < n; i++)
        lvl += fabs(v[i]) / (double)n;
    double fl = fmax(0.01 * lvl, 1e-12), mad[2];
    for (int half = 0; half < 2; half++) {
        size_t a = half ? h : 1, b = half ? n : h;
        m = 0;
        for (size_t i = a; i < b; i++)
            scr[m++] = fabs(v[i] - v[i - 1]);
        mad[half] = fmax(aiops_quantile(scr, m, 0.5), fl);
    }
    double r = log(mad[1] / mad[0]);
    return r > 5 ? 5 : r < -5 ? -5 : r;
}

static void service_features(pf_engine *e, const pf_service *sv, double T, double *f)
{
    static const int TREND[] = {[PR_ERROR] = AIOPS_PF_ERROR_TREND, [PR_LATENCY] = AIOPS_PF_LATENCY_TREND,
                                [PR_CPU] = AIOPS_PF_CPU_TREND, [PR_MEMORY] = AIOPS_PF_MEMORY_TREND,
                                [PR_DISK] = AIOPS_PF_DISK_TREND};
    int got[AIOPS_PF_COUNT] = {0};
    for (int k = 0; k < AIOPS_PF_COUNT; k++)
        f[k] = 0;
    for (size_t i = 0; i < sv->nsids; i++) {
        const pf_series *s = &e->ser[sv->sids[i]];
        if (s->role == PR_OTHER || s->role == PR_LIMIT)
            continue;
        size_t n = pf_window(e, s, T);
        if (n < 4)
            continue;
        if (s->role == PR_SATURATION) {
            double last[3] = {e->vv[n - 1], e->vv[n - 2], e->vv[n - 3]};
            double lv = aiops_quantile(last, 3, 0.5);
            f[AIOPS_PF_SATURATION] = got[AIOPS_PF_SATURATION]++ ? fmax(f[AIOPS_PF_SATURATION], lv) : lv;
            continue;
        }
        int fk = TREND[s->role];
        double z = aiops_trend_multiscale(e->tt, e->vv, n, e->o.window, 0.01, 20, e->scr);
        f[fk] = got[fk]++ ? fmax(f[fk], z) : z;
        if (s->role == PR_MEMORY)
            f[AIOPS_PF_MEMORY_LEAK] = fmax(f[AIOPS_PF_MEMORY_LEAK], aiops_leak_indicator(e->tt, e->vv, n, e->scr));
        if (s->role == PR_LATENCY || s->role == PR_ERROR) {
            double vc = variance_change(e->vv, n, e->scr);
            f[AIOPS_PF_VARIANCE_CHANGE] = got[AIOPS_PF_VARIANCE_CHANGE]++ ? fmax(f[AIOPS_PF_VARIANCE_CHANGE], vc) : vc;
        }
    }
    if (f[AIOPS_PF_SATURATION] > 5)
        f[AIOPS_PF_SATURATION] = 5;
    double an = 0;
    for (size_t i = 0; i < sv->nan; i++)
        if (sv->an_t[i] > T - e->o.window && sv->an_t[i] <= T)
            an = fmax(an, sv->an_s[i]);
    f[AIOPS_PF_ANOMALY_SCORE] = an;
    double nc = 0;
    for (size_t i = 0; i < sv->nchg; i++)
        nc += sv->chg[i] > T - e->o.window && sv->chg[i] <= T;
    f[AIOPS_PF_CHANGES] = nc > 5 ? 5 : nc;
}

static int run_tick(pf_engine *e, double T, aiops_err *err)
{
    double f[AIOPS_PF_COUNT];
    for (size_t i = 0; i < e->nsvc; i++) {
        if (!e->svc[i].nsids)
            continue;
        service_features(e, &e->svc[i], T, f);
        int rc = e->on_tick(e->ctx, T, (uint32_t)i, f, err);
        if (rc)
            return rc;
    }
    return 0;
}

int pf_add(pf_engine *e, const aiops_record *rec, aiops_err *err)
{
    if (rec->type != AIOPS_R_SAMPLE && rec->type != AIOPS_R_EVENT && rec->type != AIOPS_R_ALERT &&
        rec->type != AIOPS_R_ANOMALY && rec->type != AIOPS_R_INCIDENT)
        return 0;
    if (!isfinite(rec->ts))
        return 0;
    if (!e->started) {
        e->started = 1;
        e->next_tick = ceil(rec->ts / e->o.every) * e->o.every;
    }
    /* a gap longer than the window: nothing to say about the ticks in it */
    if (rec->ts - e->next_tick > e->o.window)
        e->next_tick = floor((rec->ts - e->o.window) / e->o.every) * e->o.every;
    while (rec->ts > e->next_tick) {
        int rc = run_tick(e, e->next_tick, err);
        if (rc)
            return rc;
        e->next_tick += e->o.every;
    }
    e->last_ts = fmax(e->last_ts, rec->ts);
    return rec->type == AIOPS_R_SAMPLE ? add_sample(e, rec, err) : add_other(e, rec, err);
}

int pf_finish(pf_engine *e, aiops_err *err)
{
    if (!e->started || e->last_ts < e->next_tick)
        return 0;
    int rc = run_tick(e, e->next_tick, err);
    e->next_tick += e->o.every;
    return rc;
}
