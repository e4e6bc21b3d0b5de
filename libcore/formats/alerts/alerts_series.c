/* alerts_series.c - Prometheus' ALERTS series -> `alert` records (the
 * transform declared in alerts.h; semantics documented there).
 *
 * Every ALERTS series (one per alert and alertstate) has an interval that
 * is open while its samples keep coming.  Records wait in a min-heap on
 * (ts, input order) until no open firing interval can still produce an
 * earlier "resolved" record: a resolved record is stamped after the
 * interval's last sample, so everything up to the smallest `last` of the
 * open firing intervals is final. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "formats/alerts/alerts.h"
#include "common/array.h"

#define DEFAULT_INTERVAL 60.0   /* Prometheus' default evaluation_interval */

typedef struct ivl {
    uint32_t sid;
    int firing;              /* alertstate="firing" (else pending) */
    int open;
    double start, last;
    json_t *labels;          /* alert labels: the series' minus alertstate */
} ivl;

typedef struct item {
    aiops_record r;
    uint64_t seq;
} item;

struct aiops_alerts_series {
    aiops_series_table *tab;
    double interval;         /* fixed (> 0), or 0 = learn */
    double learned;          /* smallest gap seen, 0 = none yet */
    int passthrough, finished, have_now;
    double now;              /* ts of the last pushed record */
    /* intervals, and an open-addressing map sid -> index + 1 */
    ivl *iv;
    size_t niv, cap_iv;
    uint32_t *map;
    size_t cap_map;
    double deadline;         /* no open interval can time out before this */
    size_t nfiring;          /* open firing intervals */
    double min_last;         /* smallest `last` among them, when !min_dirty */
    int min_dirty;
    /* output heap */
    item *heap;
    size_t nheap, cap_heap;
    uint64_t seq, count;
};

/* ------------------------------------------------------- output heap */

static int item_less(const item *a, const item *b)
{
    return a->r.ts < b->r.ts || (a->r.ts == b->r.ts && a->seq < b->seq);
}

static int heap_push(aiops_alerts_series *a, aiops_record *r)
{
    if (AIOPS_GROW(a->heap, a->cap_heap, a->nheap + 1))
        return AIOPS_ENOMEM;
    size_t i = a->nheap++;
    a->heap[i] = (item){*r, a->seq++};
    memset(r, 0, sizeof *r);
    while (i > 0 && item_less(&a->heap[i], &a->heap[(i - 1) / 2])) {
        item t = a->heap[i];
        a->heap[i] = a->heap[(i - 1) / 2];
        a->heap[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
    return 0;
}

static void heap_pop(aiops_alerts_series *a, aiops_record *out)
{
    *out = a->heap[0].r;
    a->heap[0] = a->heap[--a->nheap];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < a->nheap && item_less(&a->heap[l], &a->heap[m]))
            m = l;
        if (l + 1 < a->nheap && item_less(&a->heap[l + 1], &a->heap[m]))
            m = l + 1;
        if (m == i)
            return;
        item t = a->heap[i];
        a->heap[i] = a->heap[m];
        a->heap[m] = t;
        i = m;
    }
}

/* -------------------------------------------------------- intervals */

static size_t slot_of(uint32_t sid, size_t cap)
{
    return (size_t)(sid * 2654435761u) & (cap - 1);
}

static int map_grow(aiops_alerts_series *a)
{
    size_t nc = a->cap_map ? a->cap_map * 2 : 64;
    uint32_t *nm = calloc(nc, sizeof *nm);
    if (!nm)
        return AIOPS_ENOMEM;
    for (size_t i = 0; i < a->niv; i++) {
        size_t j = slot_of(a->iv[i].sid, nc);
        while (nm[j])
            j = (j + 1) & (nc - 1);
        nm[j] = (uint32_t)(i + 1);
    }
    free(a->map);
    a->map = nm;
    a->cap_map = nc;
    return 0;
}

static ivl *find(aiops_alerts_series *a, uint32_t sid)
{
    if (!a->cap_map)
        return NULL;
    for (size_t j = slot_of(sid, a->cap_map); a->map[j]; j = (j + 1) & (a->cap_map - 1))
        if (a->iv[a->map[j] - 1].sid == sid)
            return &a->iv[a->map[j] - 1];
    return NULL;
}

/* The alert labels of an ALERTS series; checks alertname/alertstate. */
static int alert_labels(const aiops_series *s, json_t **out, int *firing, aiops_err *err)
{
    const char *st = aiops_series_label(s, "alertstate");
    if (!aiops_series_label(s, "alertname") || !st || (strcmp(st, "firing") && strcmp(st, "pending")))
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                             "expected an ALERTS series with an alertname and alertstate "
                             "\"firing\" or \"pending\", got %.200s", s->text);
    *firing = strcmp(st, "firing") == 0;
    json_t *o = json_object();
    for (size_t i = 0; o && i < s->nlabels; i++)
        if (strcmp(s->labels[i].name, "alertstate") &&
            json_object_set_new(o, s->labels[i].name, json_string(s->labels[i].value))) {
            json_decref(o);
            o = NULL;
        }
    if (!o)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    *out = o;
    return 0;
}

static int add_ivl(aiops_alerts_series *a, uint32_t sid, ivl **out, aiops_err *err)
{
    ivl v = {.sid = sid};
    int rc = alert_labels(aiops_series_get(a->tab, sid), &v.labels, &v.firing, err);
    if (rc)
        return rc;
    if ((a->niv + 1) * 2 > a->cap_map && map_grow(a))
        goto oom;
    if (AIOPS_GROW(a->iv, a->cap_iv, a->niv + 1))
        goto oom;
    size_t j = slot_of(sid, a->cap_map);
    while (a->map[j])
        j = (j + 1) & (a->cap_map - 1);
    a->iv[a->niv] = v;
    a->map[j] = (uint32_t)++a->niv;
    *out = &a->iv[a->niv - 1];
    return 0;
oom:
    json_decref(v.labels);
    return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
}

static double eval_interval(const aiops_alerts_series *a)
{
    if (a->interval > 0)
        return a->interval;
    return a->learned > 0 ? a->learned : DEFAULT_INTERVAL;
}

/* Queue the record for an interval opening (state) or a firing one
 * closing ("resolved", end). */
static int emit(aiops_alerts_series *a, const ivl *v, const char *state, double end,
                aiops_err *err)
{
    json_t *name = json_object_get(v->labels, "alertname");
    aiops_alert al = {
        .name = json_string_value(name),
        .state = state,
        .start = v->start,
        .end = end,
        .has_end = strcmp(state, "resolved") == 0,
        .labels = v->labels,
        .source = "prometheus",
    };
    aiops_record r;
    int rc = aiops_alert_record(&al, &r, err);
    if (rc)
        return rc;
    if (heap_push(a, &r)) {
        aiops_record_clear(&r);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    a->count++;
    return 0;
}

/* The release bound only moves forward, so a stale min_last is still a
 * safe bound: it is recomputed only when the interval that may hold it
 * moves or closes, and only when a record is waiting for it. */
static void note_last(aiops_alerts_series *a, const ivl *v)
{
    if (v->firing && v->last <= a->min_last)
        a->min_dirty = 1;
}

static int close_ivl(aiops_alerts_series *a, ivl *v, double end, aiops_err *err)
{
    v->open = 0;
    if (!v->firing)
        return 0;
    note_last(a, v);
    a->nfiring--;
    return emit(a, v, "resolved", end, err);
}

/* Close the intervals whose series stopped for more than 2 intervals. */
static int time_out(aiops_alerts_series *a, double now, aiops_err *err)
{
    double iv = eval_interval(a);
    if (now <= a->deadline)
        return 0;
    a->deadline = INFINITY;
    for (size_t i = 0; i < a->niv; i++) {
        ivl *v = &a->iv[i];
        if (!v->open)
            continue;
        if (now - v->last > 2 * iv) {
            int rc = close_ivl(a, v, v->last + iv, err);
            if (rc)
                return rc;
        } else if (v->last + 2 * iv < a->deadline) {
            a->deadline = v->last + 2 * iv;
        }
    }
    return 0;
}

static int on_sample(aiops_alerts_series *a, const aiops_record *r, aiops_err *err)
{
    ivl *v = find(a, r->sid);
    int rc, active = !isnan(r->value) && r->value != 0;
    if (!v && !active)
        return 0;
    if (!v && (rc = add_ivl(a, r->sid, &v, err)))
        return rc;
    if (!active)
        return v->open ? close_ivl(a, v, r->ts, err) : 0;
    if (v->open) {
        /* time_out() already closed it if the gap was too long. */
        double gap = r->ts - v->last;
        if (gap > 0 && a->interval <= 0 && (a->learned <= 0 || gap < a->learned))
            a->learned = gap;
        note_last(a, v);
        v->last = r->ts;
    } else {
        v->open = 1;
        v->start = v->last = r->ts;
        if (v->firing && a->nfiring++ == 0) {
            a->min_last = v->last;
            a->min_dirty = 0;
        }
        if ((rc = emit(a, v, v->firing ? "firing" : "pending", 0, err)))
            return rc;
    }
    double dl = v->last + 2 * eval_interval(a);
    if (dl < a->deadline)
        a->deadline = dl;
    return 0;
}

/* -------------------------------------------------------------- API */

int aiops_alerts_series_new(aiops_alerts_series **out, aiops_series_table *tab, double interval,
                            int passthrough, aiops_err *err)
{
    *out = NULL;
    if (!tab || !(interval >= 0) || !isfinite(interval))
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "expected a series table and an interval >= 0 seconds");
    aiops_alerts_series *a = calloc(1, sizeof *a);
    if (!a)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    a->tab = tab;
    a->interval = interval;
    a->passthrough = passthrough;
    a->deadline = INFINITY;
    *out = a;
    return 0;
}

static int is_alerts(aiops_alerts_series *a, const aiops_record *r)
{
    if (r->type != AIOPS_R_SAMPLE)
        return 0;
    const aiops_series *s = aiops_series_get(a->tab, r->sid);
    return s && strcmp(s->name, "ALERTS") == 0;
}

int aiops_alerts_series_push(aiops_alerts_series *a, aiops_record *rec, aiops_err *err)
{
    int rc = 0;
    if (a->finished || (a->have_now && rec->ts < a->now) || isnan(rec->ts)) {
        char t1[40], t2[40];
        aiops_fmt_time(rec->ts, t1);
        aiops_fmt_time(a->now, t2);
        aiops_record_clear(rec);
        if (a->finished)
            return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "record pushed after finish");
        return aiops_err_set(err, AIOPS_EORDER, NULL, 0,
                             "expected records in time order, got %s after %s", t1, t2);
    }
    a->now = rec->ts;
    a->have_now = 1;
    aiops_record in = *rec;
    int alerts = is_alerts(a, rec);
    rc = time_out(a, in.ts, err);
    /* Queued before the record it may open, so that one follows it. */
    if (!rc && a->passthrough && heap_push(a, rec))
        rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (!rc && alerts)
        rc = on_sample(a, &in, err);
    aiops_record_clear(rec);
    return rc;
}

int aiops_alerts_series_finish(aiops_alerts_series *a, aiops_err *err)
{
    (void)err;
    a->finished = 1;
    return 0;
}

/* Records up to this time are final (see the top comment). */
static double release_bound(const aiops_alerts_series *a)
{
    if (a->finished)
        return INFINITY;
    return a->nfiring && a->min_last < a->now ? a->min_last : a->now;
}

static void rescan_min(aiops_alerts_series *a)
{
    a->min_last = INFINITY;
    for (size_t i = 0; i < a->niv; i++)
        if (a->iv[i].open && a->iv[i].firing && a->iv[i].last < a->min_last)
            a->min_last = a->iv[i].last;
    a->min_dirty = 0;
}

int aiops_alerts_series_pop(aiops_alerts_series *a, aiops_record *rec)
{
    if (!a->nheap)
        return 0;
    if (a->heap[0].r.ts > release_bound(a) && a->min_dirty && a->nfiring)
        rescan_min(a);
    if (a->heap[0].r.ts > release_bound(a))
        return 0;
    heap_pop(a, rec);
    return 1;
}

uint64_t aiops_alerts_series_count(const aiops_alerts_series *a)
{
    return a->count;
}

void aiops_alerts_series_free(aiops_alerts_series *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->nheap; i++)
        aiops_record_clear(&a->heap[i].r);
    for (size_t i = 0; i < a->niv; i++)
        json_decref(a->iv[i].labels);
    free(a->heap);
    free(a->iv);
    free(a->map);
    free(a);
}
