/* fmt_k8sevents.c - Kubernetes events:
 *  - `kubectl get events -o json`: a List (or EventList) with items[];
 *  - `kubectl get events -w -o json`: one Event object after another,
 *    pretty-printed over many lines or one per line; with
 *    --output-watch-events each is wrapped as {"type":"ADDED","object":{..}}
 *    (DELETED and BOOKMARK notifications repeat nothing new: skipped);
 *  - core/v1 Events (involvedObject, message, count, first/lastTimestamp)
 *    and events.k8s.io/v1 Events (regarding, note, deprecatedCount,
 *    series, eventTime, reportingController).
 *
 * Each Event becomes an event record:
 *   ts        the latest occurrence: series.lastObservedTime, else
 *             lastTimestamp (deprecatedLastTimestamp), else eventTime, else
 *             firstTimestamp (deprecatedFirstTimestamp), else
 *             metadata.creationTimestamp
 *   kind      oom_kill (OOMKilling, OOMKilled, SystemOOM), restart (BackOff,
 *             Killing, and Started seen more than once), scale
 *             (ScalingReplicaSet, SuccessfulRescale), else k8s
 *   service   the involved object's workload name (pod and ReplicaSet hash
 *             suffixes stripped); none for cluster-scoped objects (nodes)
 *   object    "<kind>/<name>" lower-cased kind, e.g. pod/api-7d9f8b6c4-x2x9z
 *   reason, message (or note), namespace, count, severity (the event's type,
 *   as Kubernetes spells it: Normal or Warning)
 * A List holds events in no time order: `ordered = 0`, the reader sorts. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "formats/obs.h"
#include "formats/traces/tokens.h"

/* The involved object: core/v1 involvedObject or events.k8s.io regarding. */
typedef struct involved {
    const char *kind, *name, *ns;
} involved;

static int read_involved(aiops_jdoc *w, json_t *ev, involved *in)
{
    json_t *o;
    const char *key = json_object_get(ev, "regarding") ? "regarding" : "involvedObject";
    int rc = aiops_jdoc_obj(w, ev, key, 0, &o);
    memset(in, 0, sizeof *in);
    if (rc <= 0)
        return rc;
    aiops_jdoc_key(w, key);
    if ((rc = aiops_jdoc_str(w, o, "kind", 0, &in->kind)) >= 0 &&
        (rc = aiops_jdoc_str(w, o, "name", 0, &in->name)) >= 0)
        rc = aiops_jdoc_str(w, o, "namespace", 0, &in->ns);
    aiops_jdoc_pop(w);
    return rc < 0 ? rc : 0;
}

/* The first present of keys (members of obj); "series.x" looks inside. */
static int first_time(aiops_jdoc *w, json_t *ev, const char *const *keys, double *ts)
{
    int rc = 0;
    for (size_t i = 0; keys[i] && rc == 0; i++) {
        const char *dot = strchr(keys[i], '.');
        if (!dot) {
            rc = aiops_jdoc_epoch(w, ev, keys[i], 0, ts);
            continue;
        }
        char outer[32];
        snprintf(outer, sizeof outer, "%.*s", (int)(dot - keys[i]), keys[i]);
        json_t *sub = json_object_get(ev, outer);
        if (!json_is_object(sub))
            continue;
        aiops_jdoc_key(w, outer);
        rc = aiops_jdoc_epoch(w, sub, dot + 1, 0, ts);
        aiops_jdoc_pop(w);
    }
    if (rc == 0)
        rc = aiops_jdoc_bad(w, "expected a time (lastTimestamp, eventTime, firstTimestamp or "
                               "metadata.creationTimestamp)");
    return rc < 0 ? rc : 0;
}

static int read_count(aiops_jdoc *w, json_t *ev, int64_t *count, int *have)
{
    static const int flags = AIOPS_JDOC_INTTEXT;
    json_t *series = json_object_get(ev, "series");
    int rc = 0;
    if (json_is_object(series)) {
        aiops_jdoc_key(w, "series");
        rc = aiops_jdoc_int(w, series, "count", flags, INT64_MIN, INT64_MAX, count);
        aiops_jdoc_pop(w);
    }
    if (rc == 0)
        rc = aiops_jdoc_int(w, ev, "count", flags, INT64_MIN, INT64_MAX, count);
    if (rc == 0)
        rc = aiops_jdoc_int(w, ev, "deprecatedCount", flags, INT64_MIN, INT64_MAX, count);
    *have = rc > 0;
    return rc < 0 ? rc : 0;
}

static const char *kind_of(const char *reason, int64_t count)
{
    static const char *const map[] = {
        "OOMKilling", "oom_kill", "OOMKilled", "oom_kill", "SystemOOM", "oom_kill",
        "BackOff", "restart", "Killing", "restart",
        "ScalingReplicaSet", "scale", "SuccessfulRescale", "scale", NULL,
    };
    for (size_t i = 0; reason && map[i]; i += 2)
        if (strcmp(reason, map[i]) == 0)
            return map[i + 1];
    if (reason && strcmp(reason, "Started") == 0 && count > 1)
        return "restart";                   /* a container started again */
    return "k8s";
}

typedef struct ev_text {
    char object[320], service[256], severity[16];
} ev_text;

/* s (NULL: "") into buf[0..cap) from pos, cut to fit: the end. */
static size_t put_cut(char *buf, size_t pos, size_t cap, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n > cap - 1 - pos)
        n = cap - 1 - pos;
    memcpy(buf + pos, s ? s : "", n);
    buf[pos + n] = '\0';
    return pos + n;
}

static void describe(const involved *in, const char *type, ev_text *t)
{
    size_t i = 0;
    t->object[0] = t->service[0] = t->severity[0] = '\0';
    for (; in->kind && in->kind[i] && i + 1 < sizeof t->object; i++)
        t->object[i] = (char)tolower((unsigned char)in->kind[i]);
    t->object[i] = '\0';
    if (in->name)    /* "<kind>/<name>", or the name alone */
        put_cut(t->object, i ? put_cut(t->object, i, sizeof t->object, "/") : 0,
                sizeof t->object, in->name);
    /* cluster-scoped objects (nodes) belong to no service */
    if (in->name && in->ns && in->ns[0])
        aiops_obs_workload(in->name, in->kind, t->service, sizeof t->service);
    /* Kubernetes' own spelling: "Normal", "Warning" */
    put_cut(t->severity, 0, sizeof t->severity, type);
}

static int load_event(aiops_jdoc *w, aiops_obs_queue *q, json_t *ev)
{
    static const char *const times[] = {
        "series.lastObservedTime", "lastTimestamp", "deprecatedLastTimestamp", "eventTime",
        "firstTimestamp", "deprecatedFirstTimestamp", "metadata.creationTimestamp", NULL,
    };
    const char *reason = NULL, *msg = NULL, *type = NULL, *ns;
    const char *msg_key = json_object_get(ev, "note") ? "note" : "message";
    involved in;
    ev_text t;
    int64_t count = 0;
    int have, rc;
    double ts;
    if (!json_is_object(ev))
        return aiops_jdoc_bad(w, "expected an Event object, got %s", aiops_jdoc_type(ev));
    if (!json_object_get(ev, "involvedObject") && !json_object_get(ev, "regarding") &&
        !json_is_string(json_object_get(ev, "reason")))
        return aiops_jdoc_bad(w, "expected a Kubernetes Event (involvedObject or regarding, "
                                 "reason)");
    if ((rc = read_involved(w, ev, &in)) || (rc = first_time(w, ev, times, &ts)) ||
        (rc = read_count(w, ev, &count, &have)) ||
        (rc = aiops_jdoc_str(w, ev, "reason", 0, &reason)) < 0 ||
        (rc = aiops_jdoc_str(w, ev, msg_key, 0, &msg)) < 0 ||
        (rc = aiops_jdoc_str(w, ev, "type", 0, &type)) < 0)
        return rc;
    ns = in.ns;
    if (!ns) {
        json_t *md = json_object_get(ev, "metadata");
        ns = json_is_string(json_object_get(md, "namespace"))
                 ? json_string_value(json_object_get(md, "namespace")) : NULL;
    }
    describe(&in, type, &t);
    aiops_obs_event e = {
        .kind = kind_of(reason, have ? count : 1), .service = t.service, .reason = reason,
        .message = msg, .object = t.object, .ns = ns, .count = count, .has_count = have,
        .severity = t.severity,
    };
    return aiops_obs_push_event(w, q, ts, &e);
}

/* {"type":"ADDED","object":{...}} from --output-watch-events. */
static int load_watch(aiops_jdoc *w, aiops_obs_queue *q, json_t *v, const char *type)
{
    json_t *obj;
    int rc;
    if (!strcmp(type, "DELETED") || !strcmp(type, "BOOKMARK"))
        return 0;
    if ((rc = aiops_jdoc_obj(w, v, "object", AIOPS_OBS_REQ, &obj)) < 0)
        return rc;
    aiops_jdoc_key(w, "object");
    if (!strcmp(type, "ERROR")) {
        const char *m = json_string_value(json_object_get(obj, "message"));
        char sb[64];
        rc = aiops_jdoc_bad(w, "the watch returned an error: %s",
                            m ? aiops_snip(m, strlen(m), sb, sizeof sb) : "no message");
    } else if (strcmp(type, "ADDED") && strcmp(type, "MODIFIED")) {
        rc = aiops_jdoc_bad(w, "expected a watch event type ADDED, MODIFIED, DELETED, BOOKMARK "
                               "or ERROR");
    } else {
        rc = load_event(w, q, obj);
    }
    aiops_jdoc_pop(w);
    return rc;
}

static int load_top(aiops_jdoc *w, aiops_obs_queue *q, json_t *v)
{
    json_t *items = NULL, *type;
    int rc;
    if (json_is_array(v))
        return aiops_obs_each(w, q, v, NULL, load_event);
    type = json_object_get(v, "type");
    if (json_is_string(type) && json_is_object(json_object_get(v, "object")))
        return load_watch(w, q, v, json_string_value(type));
    if ((rc = aiops_jdoc_arr(w, v, "items", 0, &items)) <= 0)
        return rc < 0 ? rc : load_event(w, q, v);
    return aiops_obs_each(w, q, items, "items", load_event);
}

/* ------------------------------------------------------- fast path
 *
 * A watch line of the usual shape, {"type":"ADDED"|"MODIFIED","object":
 * {a core/v1 Event}}, read from its tokens straight into record text
 * (aiops_obs_spec.fast_line, raw-text reads).  Anything this path does
 * not read in load_event's exact way (regarding, note, the
 * deprecated* members, null, a member it does not know, a repeated name,
 * an epoch-number time, a syntax error) returns 0 having pushed nothing,
 * and the line is read as a tree as always. */

#define BAIL AIOPS_TOK_BAIL

typedef struct kfast {
    aiops_jpull *p;
    aiops_buf *tmp;          /* the strings, NUL-terminated; offsets below */
    size_t kind, name, ns, mdns, reason, msg, type, last, event, first, created, series_last;
    int64_t count, series_count;
    int has_count, has_involved, has_series_count;
} kfast;

#define NONE ((size_t)-1)

static int kskip(kfast *k) { aiops_err e; return aiops_tok_skip(k->p, &e) ? BAIL : 0; }

/* The next token as a kept string (null: absent, as jdoc reads it): 0
 * or BAIL. */
static int kstr(kfast *k, size_t *off)
{
    aiops_err e;
    size_t n;
    int t = aiops_jpull_next(k->p, &e);
    if (t == AIOPS_JT_NULL)
        return 0;
    if (t != AIOPS_JT_STR)
        return BAIL;
    const char *s = aiops_jpull_text(k->p, &n);
    *off = k->tmp->n;
    aiops_buf_put(k->tmp, s, n);
    aiops_buf_put(k->tmp, "", 1);
    return k->tmp->oom ? BAIL : 0;
}

/* The members of an object (after its '{'), each named in names, once. */
static int kmembers(kfast *k, const char *const *names, aiops_tok_member fn)
{
    aiops_err e;
    return aiops_tok_members(k->p, k, NULL, fn, names, &e) ? BAIL : 0;
}

static const char *const involved_names[] = { "kind", "name", "namespace", "apiVersion", "uid",
                                               "resourceVersion", "fieldPath", NULL };

static int involved_member(void *self, void *ctx, unsigned i, aiops_err *err)
{
    kfast *k = self;
    (void)ctx;
    (void)err;
    return i == 0 ? kstr(k, &k->kind) : i == 1 ? kstr(k, &k->name)
                                       : i == 2 ? kstr(k, &k->ns) : kskip(k);
}

static const char *const meta_names[] = { "namespace", "creationTimestamp", "name", "uid",
                                          "resourceVersion", "selfLink", "managedFields",
                                          "annotations", "labels", NULL };

static int meta_member(void *self, void *ctx, unsigned i, aiops_err *err)
{
    kfast *k = self;
    (void)ctx;
    (void)err;
    return i == 0 ? kstr(k, &k->mdns) : i == 1 ? kstr(k, &k->created) : kskip(k);
}

/* core/v1 EventSeries: {count, lastObservedTime} */
static const char *const series_names[] = { "count", "lastObservedTime", "state", NULL };

/* A count the way read_count reads one (AIOPS_JDOC_INTTEXT): 0 or BAIL. */
static int kcount(kfast *k, int64_t *count, int *have)
{
    aiops_err e;
    int t = aiops_jpull_next(k->p, &e);
    if (t == AIOPS_JT_NULL)
        return 0;
    *have = 1;
    return aiops_tok_int(k->p, t, count) ? BAIL : 0;
}

static int series_member(void *self, void *ctx, unsigned i, aiops_err *err)
{
    kfast *k = self;
    (void)ctx;
    (void)err;
    return i == 0 ? kcount(k, &k->series_count, &k->has_series_count)
           : i == 1 ? kstr(k, &k->series_last) : kskip(k);
}

static const char *const event_names[] = {
    "involvedObject", "reason", "message", "type", "count", "lastTimestamp", "eventTime",
    "firstTimestamp", "metadata", "series", "apiVersion", "kind", "source", "reportingComponent",
    "reportingInstance", "action", "related", NULL
};

static int event_member(void *self, void *ctx, unsigned i, aiops_err *err)
{
    kfast *k = self;
    (void)ctx;
    (void)err;
    aiops_err e;
    int t;
    switch (i) {
    case 0: case 8: case 9:
        t = aiops_jpull_next(k->p, &e);
        if (i == 9 && t == AIOPS_JT_NULL)
            return 0;                    /* no series: a singleton Event */
        if (t != AIOPS_JT_OBJ)
            return BAIL;
        k->has_involved |= i == 0;
        return i == 0 ? kmembers(k, involved_names, involved_member)
               : i == 8 ? kmembers(k, meta_names, meta_member)
                        : kmembers(k, series_names, series_member);
    case 1: return kstr(k, &k->reason);
    case 2: return kstr(k, &k->msg);
    case 3: return kstr(k, &k->type);
    case 4: return kcount(k, &k->count, &k->has_count);
    case 5: return kstr(k, &k->last);
    case 6: return kstr(k, &k->event);
    case 7: return kstr(k, &k->first);
    default: return kskip(k);
    }
}

static int fast_watch(aiops_jpull *p, aiops_obs_queue *q, aiops_buf *tmp)
{
    aiops_err e;
    kfast k = { .p = p, .tmp = tmp, .kind = NONE, .name = NONE, .ns = NONE, .mdns = NONE,
                .reason = NONE, .msg = NONE, .type = NONE, .last = NONE, .event = NONE,
                .first = NONE, .created = NONE, .series_last = NONE };
    size_t n;
    if (aiops_jpull_next(p, &e) != AIOPS_JT_OBJ || aiops_jpull_next(p, &e) != AIOPS_JT_KEY ||
        strcmp(aiops_jpull_text(p, NULL), "type") != 0 || aiops_jpull_next(p, &e) != AIOPS_JT_STR)
        return 0;
    const char *s = aiops_jpull_text(p, &n);
    if (strcmp(s, "ADDED") != 0 && strcmp(s, "MODIFIED") != 0)
        return 0;
    if (aiops_jpull_next(p, &e) != AIOPS_JT_KEY || strcmp(aiops_jpull_text(p, NULL), "object") ||
        aiops_jpull_next(p, &e) != AIOPS_JT_OBJ || kmembers(&k, event_names, event_member) ||
        aiops_jpull_next(p, &e) != AIOPS_JT_OBJ_END || aiops_jpull_next(p, &e) != AIOPS_JT_END ||
        !k.has_involved)
        return 0;
    /* the first time present, as first_time reads it */
    size_t t = k.series_last != NONE ? k.series_last : k.last != NONE ? k.last
             : k.event != NONE ? k.event : k.first != NONE ? k.first : k.created;
    if (k.has_series_count) {            /* series.count first, as read_count */
        k.count = k.series_count;
        k.has_count = 1;
    }
    double ts;
    int64_t i;
    if (t == NONE)
        return 0;
    const char *a = tmp->p;
    n = strlen(a + t);
    if (aiops_parse_int64(a + t, n, &i) == 0 || aiops_parse_time(a + t, n, &ts) < 0 ||
        !isfinite(ts))
        return 0;
#define S(off) ((off) == NONE ? NULL : a + (off))
    involved in = { S(k.kind), S(k.name), S(k.ns) };
    const char *reason = S(k.reason);
    ev_text tx;
    describe(&in, S(k.type), &tx);
    aiops_obs_event ev = {
        .kind = kind_of(reason, k.has_count ? k.count : 1), .service = tx.service,
        .reason = reason, .message = S(k.msg), .object = tx.object,
        .ns = in.ns ? in.ns : S(k.mdns), .count = k.has_count ? k.count : 0,
        .has_count = k.has_count, .severity = tx.severity,
    };
#undef S
    aiops_obs_event_text(&q->scratch, &ev);
    int rc = aiops_obs_queue_push_scratch(q, AIOPS_R_EVENT, ts);
    return rc < 0 ? rc : 1;
}

static const aiops_obs_spec spec = {
    .mode = AIOPS_OBS_AUTO,
    .what = "a Kubernetes Event or EventList JSON object",
    .sort = 0,
    .load = load_top,
    .fast_line = fast_watch,
};

static int k8s_open(void **state, aiops_parse_ctx *ctx, aiops_err *err)
{
    return aiops_obs_spec_open(state, ctx, &spec, err);
}

/* An Event (involvedObject/regarding + reason) alone, in a List, in a
 * watch envelope, or in an array. */
static int k8s_probe(const char *entry, const char *head, size_t n)
{
    static const char *const objs[] = { "involvedObject", "regarding", NULL };
    size_t p = aiops_jhead_start(head, n);
    (void)entry;
    if (p >= n || (head[p] != '{' && head[p] != '['))
        return 0;
    const char *v = NULL;
    for (int d = 1; d <= 3; d++)
        for (size_t i = 0; objs[i]; i++)
            if (aiops_jhead_member(head, n, d, objs[i], NULL) &&
                aiops_jhead_member(head, n, d, "reason", NULL))
                return 95;
    if (aiops_jhead_member(head, n, 1, "kind", &v) && aiops_jhead_is(v, head + n, "EventList"))
        return 90;
    /* kubectl's List with no events at all: nothing else would claim it */
    if (aiops_jhead_member(head, n, 1, "kind", &v) && aiops_jhead_is(v, head + n, "List") &&
        aiops_jhead_member(head, n, 1, "items", &v)) {
        size_t q = (size_t)(v - head) + 1;
        while (q < n && (head[q] == ' ' || head[q] == '\n' || head[q] == '\r' || head[q] == '\t'))
            q++;
        if (v[0] == '[' && q < n && head[q] == ']')
            return 50;
    }
    return 0;
}

const aiops_format aiops_fmt_k8s_events = {
    .name = "k8s-events",
    .desc = "Kubernetes events: kubectl get events -o json (List, -w streams), events.k8s.io/v1",
    .ordered = 0,
    .probe = k8s_probe,
    .open = k8s_open,
    .next = aiops_obs_spec_next,
    .close = aiops_obs_spec_close,
};
