/* obs_rec.c - building log, span and event records in the field order of
 * docs/FORMAT.md, labels from nested source documents, service
 * attribution, log records from a log shipper's JSON object, pushing
 * records on the queue (obs_queue.c), and the open/next/close that the
 * JSON document formats share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "formats/obs.h"

/* ---------------------------------------------------------- builders */

/* Optional string field: absent or empty values are left out. */
static int set_str(json_t *o, const char *key, const char *v)
{
    if (!v || !v[0])
        return 0;
    json_t *s = json_string(v);
    return s ? json_object_set_new(o, key, s) : -1;
}

static int set_obj(json_t *o, const char *key, json_t *v)
{
    if (!v || json_object_size(v) == 0)
        return 0;
    return json_object_set(o, key, v);
}

static json_t *done(json_t *o, int bad)
{
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *aiops_obs_log_json(const aiops_obs_log *l)
{
    json_t *o = json_object(), *m;
    if (!o)
        return NULL;
    int bad = set_str(o, "service", l->service) | set_str(o, "level", l->level);
    m = json_stringn(l->msg ? l->msg : "", l->msg ? l->msg_len : 0);
    bad |= !m || json_object_set_new(o, "message", m);
    if (l->flat_labels) {
        json_t *lab = json_object();
        const aiops_obs_flat *f = l->flat_labels;
        bad |= !lab;
        for (size_t i = 0; lab && i < f->n; i++)
            if (!f->kv[i].gone)
                bad |= json_object_set_new(lab, f->text.p + f->kv[i].k,
                                           json_stringn(f->text.p + f->kv[i].v, f->kv[i].vlen));
        bad |= set_obj(o, "labels", lab);
        json_decref(lab);
    } else {
        bad |= set_obj(o, "labels", l->labels);
    }
    bad |= set_str(o, "trace_id", l->trace_id) | set_str(o, "span_id", l->span_id);
    if (l->bad_utf8)
        bad |= json_object_set_new(o, "invalid_utf8", json_integer((json_int_t)l->bad_utf8));
    return done(o, bad);
}

json_t *aiops_obs_span_json(const aiops_obs_span *s)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    int bad = set_str(o, "trace_id", s->trace_id) | set_str(o, "span_id", s->span_id) |
              set_str(o, "parent_span_id", s->parent_span_id) |
              set_str(o, "service", s->service);
    json_t *op = json_string(s->operation ? s->operation : "");
    bad |= !op || json_object_set_new(o, "operation", op);
    bad |= json_object_set_new(o, "duration", json_real(s->duration));
    bad |= json_object_set_new(o, "error", json_boolean(s->error));
    bad |= set_str(o, "status", s->status) | set_obj(o, "attributes", s->attributes);
    return done(o, bad);
}

json_t *aiops_obs_event_json(const aiops_obs_event *e)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    int bad = set_str(o, "kind", e->kind) | set_str(o, "service", e->service) |
              set_str(o, "reason", e->reason) | set_str(o, "message", e->message) |
              set_str(o, "object", e->object) | set_str(o, "namespace", e->ns) |
              set_str(o, "version", e->version) | set_str(o, "author", e->author);
    if (e->has_count)
        bad |= json_object_set_new(o, "count", json_integer((json_int_t)e->count));
    bad |= set_str(o, "severity", e->severity);
    return done(o, bad);
}

/* The same fields as JSON text (a record's raw text, aiops.h:
 * ',"k":v,...'), for records that skip the tree. */
static void put_key(aiops_buf *b, const char *key)
{
    aiops_buf_put(b, ",\"", 2);
    aiops_buf_str(b, key);
    aiops_buf_put(b, "\":", 2);
}

static void put_str(aiops_buf *b, const char *key, const char *v)
{
    if (!v || !v[0])
        return;
    put_key(b, key);
    aiops_buf_jstr(b, v);
}

/* put_str over n/2 (key, value) pairs. */
static void put_strs(aiops_buf *b, const char *const *kv, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        put_str(b, kv[i], kv[i + 1]);
}

static void put_obj(aiops_buf *b, const char *key, json_t *v)
{
    if (!v || json_object_size(v) == 0)
        return;
    put_key(b, key);
    aiops_buf_json(b, v);
}

void aiops_obs_log_text(aiops_buf *b, const aiops_obs_log *l)
{
    put_str(b, "service", l->service);
    put_str(b, "level", l->level);
    put_key(b, "message");
    aiops_buf_jstrn(b, l->msg ? l->msg : "", l->msg ? l->msg_len : 0);
    if (l->flat_labels) {
        size_t at = b->n;
        put_key(b, "labels");
        if (!aiops_obs_flat_json(b, l->flat_labels) && !b->oom) {
            b->n = at;       /* no members: no labels */
            b->p[at] = '\0';
        }
    } else {
        put_obj(b, "labels", l->labels);
    }
    put_str(b, "trace_id", l->trace_id);
    put_str(b, "span_id", l->span_id);
    if (l->bad_utf8)
        aiops_buf_printf(b, ",\"invalid_utf8\":%zu", l->bad_utf8);
}

void aiops_obs_span_text(aiops_buf *b, const aiops_obs_span *s)
{
    const char *const ids[] = { "trace_id", s->trace_id, "span_id", s->span_id,
                                "parent_span_id", s->parent_span_id, "service", s->service };
    put_strs(b, ids, sizeof ids / sizeof *ids);
    put_key(b, "operation");
    aiops_buf_jstr(b, s->operation ? s->operation : "");
    put_key(b, "duration");
    aiops_buf_num(b, s->duration);
    if (s->error)
        aiops_buf_put(b, ",\"error\":true", 13);
    else
        aiops_buf_put(b, ",\"error\":false", 14);
    put_str(b, "status", s->status);
    put_obj(b, "attributes", s->attributes);
}

void aiops_obs_event_text(aiops_buf *b, const aiops_obs_event *e)
{
    const char *const f[] = { "kind", e->kind, "service", e->service, "reason", e->reason,
                              "message", e->message, "object", e->object, "namespace", e->ns,
                              "version", e->version, "author", e->author };
    put_strs(b, f, sizeof f / sizeof *f);
    if (e->has_count)
        aiops_buf_printf(b, ",\"count\":%lld", (long long)e->count);
    put_str(b, "severity", e->severity);
}

/* ------------------------------------------------------ flat objects */

void aiops_obs_flat_clear(aiops_obs_flat *f)
{
    f->text.n = 0;
    f->text.oom = 0;
    f->n = 0;
    f->oom = 0;
}

void aiops_obs_flat_free(aiops_obs_flat *f)
{
    aiops_buf_free(&f->text);
    aiops_buf_free(&f->name);
    aiops_buf_free(&f->val);
    free(f->kv);
    memset(f, 0, sizeof *f);
}

static aiops_obs_kv *flat_find(const aiops_obs_flat *f, const char *k, size_t klen)
{
    for (size_t i = 0; i < f->n; i++) {
        aiops_obs_kv *e = &f->kv[i];
        if (e->klen == klen && !e->gone && memcmp(f->text.p + e->k, k, klen) == 0)
            return e;
    }
    return NULL;
}

int aiops_obs_flat_set(aiops_obs_flat *f, const char *k, size_t klen, const char *v,
                       size_t vlen)
{
    aiops_obs_kv *e = flat_find(f, k, klen);
    if (!e) {
        if (AIOPS_GROW(f->kv, f->cap, f->n + 1)) {
            f->oom = 1;
            return -1;
        }
        e = &f->kv[f->n++];
        e->gone = 0;
        e->klen = klen;
        e->k = f->text.n;
        aiops_buf_put(&f->text, k, klen);
        aiops_buf_put(&f->text, "", 1);
    }
    e->v = f->text.n;
    e->vlen = vlen;
    aiops_buf_put(&f->text, v, vlen);
    aiops_buf_put(&f->text, "", 1);
    if (f->text.oom) {
        f->oom = 1;
        return -1;
    }
    return 0;
}

const char *aiops_obs_flat_get(const aiops_obs_flat *f, const char *k, size_t *vlen)
{
    /* the rules look up some 30 names per record among a few members:
     * the first byte, then the NUL-terminated rest, no strlen */
    for (size_t i = 0; i < f->n; i++) {
        const aiops_obs_kv *e = &f->kv[i];
        const char *ek = f->text.p + e->k;
        if (ek[0] == k[0] && !e->gone && strcmp(ek, k) == 0) {
            if (vlen)
                *vlen = e->vlen;
            return f->text.p + e->v;
        }
    }
    return NULL;
}

void aiops_obs_flat_del(aiops_obs_flat *f, const char *k)
{
    aiops_obs_kv *e = flat_find(f, k, strlen(k));
    if (e)
        e->gone = 1;
}

size_t aiops_obs_flat_json(aiops_buf *b, const aiops_obs_flat *f)
{
    size_t m = 0;
    for (size_t i = 0; i < f->n; i++) {
        const aiops_obs_kv *e = &f->kv[i];
        if (e->gone)
            continue;
        aiops_buf_put(b, m++ ? "," : "{", 1);
        aiops_buf_jstrn(b, f->text.p + e->k, e->klen);
        aiops_buf_put(b, ":", 1);
        aiops_buf_jstrn(b, f->text.p + e->v, e->vlen);
    }
    if (m)
        aiops_buf_put(b, "}", 1);
    return m;
}

/* Members of a tree or of a flat object, for the rules below that read
 * either: the string value of key (*n its length), else NULL. */
typedef struct members {
    json_t *j;
    const aiops_obs_flat *f;
} members;

static const char *member(const members *m, const char *key, size_t *n)
{
    if (m->f)
        return aiops_obs_flat_get(m->f, key, n);
    json_t *v = json_object_get(m->j, key);
    if (!json_is_string(v))
        return NULL;
    *n = json_string_length(v);
    return json_string_value(v);
}

/* ------------------------------------------------------------ labels */

#define FLAT_DEPTH 16

static int in_list(const char *k, const char *const *list)
{
    for (size_t i = 0; list && list[i]; i++)
        if (strcmp(k, list[i]) == 0)
            return 1;
    return 0;
}

/* Text of a leaf value, or NULL to leave it out (null). */
static json_t *leaf_text(json_t *v)
{
    char nb[40];
    switch (json_typeof(v)) {
    case JSON_STRING:
        return json_incref(v);
    case JSON_INTEGER:
        snprintf(nb, sizeof nb, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return json_string(nb);
    case JSON_REAL:
        aiops_fmt_double(json_real_value(v), nb);
        return json_string(nb);
    case JSON_TRUE:
        return json_string("true");
    case JSON_FALSE:
        return json_string("false");
    case JSON_NULL:
        return NULL;
    default: {
        char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        json_t *s = t ? json_string(t) : NULL;
        free(t);
        return s;
    }
    }
}

static int flat(json_t *src, const char *prefix, json_t *dst, const char *const *skip,
                int depth)
{
    const char *k;
    json_t *v;
    json_object_foreach(src, k, v) {
        if (depth == 0 && in_list(k, skip))
            continue;
        size_t pl = prefix ? strlen(prefix) + 1 : 0, kl = strlen(k);
        char *key = malloc(pl + kl + 1);
        int rc = 0;
        if (!key)
            return AIOPS_ENOMEM;
        if (prefix) {
            memcpy(key, prefix, pl - 1);
            key[pl - 1] = '.';
        }
        memcpy(key + pl, k, kl + 1);
        if (json_is_object(v) && depth + 1 < FLAT_DEPTH) {
            rc = flat(v, key, dst, NULL, depth + 1);
        } else if (!json_is_null(v)) {
            json_t *t = leaf_text(v);
            rc = !t || json_object_set_new(dst, key, t) ? AIOPS_ENOMEM : 0;
        }
        free(key);
        if (rc)
            return rc;
    }
    return 0;
}

int aiops_obs_flatten(json_t *src, json_t *dst, const char *const *skip)
{
    return json_is_object(src) ? flat(src, NULL, dst, skip, 0) : 0;
}

static const char *first_of(const members *m, const char *const *keys, const char **used)
{
    for (size_t i = 0; keys[i]; i++) {
        size_t n = 0;
        const char *v = member(m, keys[i], &n);
        if (v && n > 0) {
            if (used)
                *used = keys[i];
            return v;
        }
    }
    return NULL;
}

const char *aiops_obs_first(json_t *flat_obj, const char *const *keys, const char **used)
{
    return first_of(&(members){ .j = flat_obj }, keys, used);
}

const char *aiops_obs_flat_first(const aiops_obs_flat *f, const char *const *keys,
                                 const char **used)
{
    return first_of(&(members){ .f = f }, keys, used);
}

/* docs/FORMAT.md's list (service, service_name, app, app_kubernetes_io_name,
 * k8s_app, container, job), each followed by the spellings log shippers
 * give the same label: OpenTelemetry/ECS dots, Kubernetes label keys, the
 * kubernetes.* metadata of Fluent Bit and Filebeat. */
static const char *const service_keys[] = {
    "service", "service.name", "labels.service", "kubernetes.labels.service",
    "service_name",
    "app", "kubernetes.labels.app",
    "app_kubernetes_io_name", "app.kubernetes.io/name",
    "kubernetes.labels.app.kubernetes.io/name", "kubernetes.labels.app_kubernetes_io/name",
    "kubernetes.labels.app_kubernetes_io_name",
    "k8s_app", "k8s-app", "kubernetes.labels.k8s-app", "kubernetes.labels.k8s_app",
    "container", "container_name", "container.name", "kubernetes.container_name",
    "kubernetes.container.name",
    "job",
    NULL,
};

static const char *service_of(const members *m)
{
    for (size_t i = 0; service_keys[i]; i++) {
        size_t n;
        const char *s = member(m, service_keys[i], &n);
        /* Loki and OpenTelemetry fill in a placeholder when they know no
         * better; a later label is more useful than that. */
        if (s && s[0] && strncmp(s, "unknown_service", 15) != 0)
            return s;
    }
    return NULL;
}

const char *aiops_obs_service(json_t *flat_obj)
{
    return service_of(&(members){ .j = flat_obj });
}

const char *aiops_obs_flat_service(const aiops_obs_flat *f)
{
    return service_of(&(members){ .f = f });
}

const char *aiops_obs_find_id(json_t *flat_obj, const char *const *keys, const char *text,
                              size_t n, char *buf)
{
    const char *v = aiops_obs_first(flat_obj, keys, NULL);
    if (v)
        return v;
    return aiops_obs_text_id(text, n, keys, buf) ? buf : NULL;
}

/* ------------------------------------------------ JSON log objects */

static const char *const msg_keys[] = {
    "message", "log", "msg", "MESSAGE", "event.original", "log.original", NULL,
};
static const char *const level_keys[] = {
    "log.level", "level", "severity", "lvl", "loglevel", "log_level", "levelname",
    "severity_text", "json.level", "PRIORITY", NULL,
};
static const char *const trace_keys[] = {
    "trace.id", "trace_id", "traceId", "traceID", "dd.trace_id", NULL,
};
static const char *const span_keys[] = { "span.id", "span_id", "spanId", "spanID", NULL };
/* Tried after the service list: journald's name of the program. */
static const char *const journald_keys[] = { "SYSLOG_IDENTIFIER", NULL };

/* First member among keys that is a string, even an empty one. */
static const char *string_key(const members *m, const char *const *keys)
{
    for (size_t i = 0; keys[i]; i++) {
        size_t n;
        if (member(m, keys[i], &n))
            return keys[i];
    }
    return NULL;
}

/* The members a log shipper's object gives a log record (tid, sid: >= 65
 * bytes); the keys used, which leave the labels, in gone[] (NULL-ended). */
static void object_fields(const members *m, const char *msg_key, int repaired,
                          aiops_obs_log *l, char *tid, char *sid, const char *gone[5])
{
    const char *lkey = NULL, *tkey = NULL, *skey = NULL;
    size_t n = 0, k = 0;
    const char *text = member(m, msg_key, &n);
    /* Docker and containerd keep each line's newline: it is no content. */
    if (n && text[n - 1] == '\n')
        n -= n > 1 && text[n - 2] == '\r' ? 2 : 1;
    const char *lv = first_of(m, level_keys, &lkey);
    *l = (aiops_obs_log){
        .level = lv ? aiops_obs_level_name(lv, strlen(lv)) : NULL,
        .msg = text,
        .msg_len = n,
        .trace_id = first_of(m, trace_keys, &tkey),
        .span_id = first_of(m, span_keys, &skey),
        .bad_utf8 = repaired ? aiops_obs_count_fffd(text, n) : 0,
    };
    l->service = service_of(m);
    if (!l->service)
        l->service = first_of(m, journald_keys, NULL);
    if (!l->level)
        l->level = aiops_obs_level_text(text, n);
    if (!l->trace_id && aiops_obs_text_id(text, n, trace_keys, tid))
        l->trace_id = tid;
    if (!l->span_id && aiops_obs_text_id(text, n, span_keys, sid))
        l->span_id = sid;
    gone[k++] = msg_key;
    if (lkey && l->level)
        gone[k++] = lkey;
    if (tkey)
        gone[k++] = tkey;
    if (skey)
        gone[k++] = skey;
    gone[k] = NULL;
}

static int build_object_log(aiops_jdoc *w, json_t *flat_obj, const char *msg_key,
                            aiops_obs_queue *q, double ts)
{
    char tid[65], sid[65];
    const char *gone[5];
    aiops_obs_log l;
    object_fields(&(members){ .j = flat_obj }, msg_key, w->repaired, &l, tid, sid, gone);
    /* Labels: the other members.  The strings used above stay owned by
     * flat_obj, so deleting them from the copy is safe. */
    json_t *lab = json_object();
    if (!lab || json_object_update(lab, flat_obj)) {
        json_decref(lab);
        return aiops_jdoc_fail(w, AIOPS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; gone[i]; i++)
        json_object_del(lab, gone[i]);
    l.labels = lab;
    int rc = aiops_obs_push_log(w, q, ts, &l);
    json_decref(lab);
    return rc;
}

int aiops_obs_flat_log(aiops_obs_flat *f, aiops_obs_queue *q, double ts)
{
    char tid[65], sid[65];
    const char *gone[5], *mkey;
    aiops_obs_log l;
    const members m = { .f = f };
    if (!(mkey = string_key(&m, msg_keys)))
        return 0;
    object_fields(&m, mkey, 0, &l, tid, sid, gone);
    /* l's strings point into f->text, which marking members gone keeps */
    for (size_t i = 0; gone[i]; i++)
        aiops_obs_flat_del(f, gone[i]);
    l.flat_labels = f;
    if (!q->text) {
        json_t *o = aiops_obs_log_json(&l);
        int rc = o ? aiops_obs_queue_push(q, AIOPS_R_LOG, ts, o) : AIOPS_ENOMEM;
        return rc < 0 ? rc : 1;
    }
    aiops_obs_log_text(&q->scratch, &l);
    int rc = aiops_obs_queue_push_scratch(q, AIOPS_R_LOG, ts);
    return rc < 0 ? rc : 1;
}

int aiops_obs_object_log(aiops_jdoc *w, json_t *src, const char *ts_key, json_t *extra,
                         aiops_obs_queue *q, double ts)
{
    const char *const skip[] = { ts_key, NULL };
    const char *mkey;
    json_t *flat_obj = json_object();
    int rc;
    if (!flat_obj || aiops_obs_flatten(src, flat_obj, skip) ||
        (extra && json_object_update(flat_obj, extra))) {
        json_decref(flat_obj);
        return aiops_jdoc_fail(w, AIOPS_ENOMEM, "out of memory");
    }
    if (!(mkey = string_key(&(members){ .j = flat_obj }, msg_keys))) {
        json_decref(flat_obj);
        return aiops_jdoc_bad(w, "expected a log message field (message, log, msg or MESSAGE)");
    }
    rc = build_object_log(w, flat_obj, mkey, q, ts);
    json_decref(flat_obj);
    return rc;
}

int aiops_obs_object_time(aiops_jdoc *w, json_t *src, const char *const *keys, const char **key,
                          double *ts)
{
    for (size_t i = 0; keys[i]; i++)
        if (json_object_get(src, keys[i])) {
            *key = keys[i];
            return aiops_jdoc_epoch(w, src, keys[i], AIOPS_OBS_REQ, ts);
        }
    return 0;
}

int aiops_obs_push(aiops_jdoc *w, aiops_obs_queue *q, aiops_rtype type, double ts, json_t *obj)
{
    int rc = obj ? aiops_obs_queue_push(q, type, ts, obj) : AIOPS_ENOMEM;
    if (rc == AIOPS_EIO)
        return aiops_err_set(w->err, rc, w->file, aiops_jdoc_line(w), "%s", q->failed.msg);
    return rc ? aiops_jdoc_fail(w, AIOPS_ENOMEM, "out of memory") : 0;
}

static int push_buf(aiops_obs_queue *q, aiops_rtype type, double ts, aiops_buf *b)
{
    json_t *t = b->oom ? NULL : json_stringn_nocheck(b->n ? b->p : "", b->n);
    b->n = 0;
    b->oom = 0;
    return t ? aiops_obs_queue_push(q, type, ts, t) : AIOPS_ENOMEM;
}

int aiops_obs_queue_push_scratch(aiops_obs_queue *q, aiops_rtype type, double ts)
{
    return push_buf(q, type, ts, &q->scratch);
}

int aiops_obs_push_text(aiops_jdoc *w, aiops_obs_queue *q, aiops_rtype type, double ts,
                        aiops_buf *b)
{
    int rc = push_buf(q, type, ts, b);
    if (rc == AIOPS_EIO)
        return aiops_err_set(w->err, rc, w->file, aiops_jdoc_line(w), "%s", q->failed.msg);
    return rc ? aiops_jdoc_fail(w, AIOPS_ENOMEM, "out of memory") : 0;
}

int aiops_obs_leave_out(aiops_jdoc *w, aiops_obs_queue *q, int rc)
{
    if (rc != AIOPS_EPARSE)
        return rc;
    if (q->nbad++ == 0)
        q->first_bad = *w->err;
    aiops_err_clear(w->err);
    return 0;
}

int aiops_obs_each(aiops_jdoc *w, aiops_obs_queue *q, json_t *arr, const char *key,
                   aiops_obs_load load)
{
    int rc = 0;
    if (key)
        aiops_jdoc_key(w, key);
    for (size_t i = 0; i < json_array_size(arr) && rc == 0; i++) {
        aiops_jdoc_idx(w, i);
        rc = aiops_obs_leave_out(w, q, load(w, q, json_array_get(arr, i)));
        aiops_jdoc_pop(w);
    }
    if (key)
        aiops_jdoc_pop(w);
    return rc;
}

/* ------------------------------------------- formats over documents */

typedef struct spec_state {
    const aiops_obs_spec *spec;
    aiops_obs_doc doc;
    aiops_obs_queue q;
    aiops_jpull *fast;       /* spec->fast_line's tokenizer, when used */
    aiops_jpull_mem line;
    aiops_buf tmp;
    aiops_obs_flat flat;     /* spec->fast_flat's */
} spec_state;

void aiops_obs_spec_close(void *state)
{
    spec_state *st = state;
    if (!st)
        return;
    aiops_obs_doc_close(&st->doc);
    aiops_obs_queue_free(&st->q);
    aiops_jpull_free(st->fast);
    aiops_buf_free(&st->tmp);
    aiops_obs_flat_free(&st->flat);
    free(st);
}

/* Records of the next value into the queue: 1, 0 at the end, <0. */
/* A JSON line through the spec's fast path: 1 done, 0 not (*line and
 * *len are the line to read as always), <0. */
static int fast_next(spec_state *st, char **line, size_t *len, aiops_err *err)
{
    int rc = aiops_obs_doc_line(&st->doc, line, len, err);
    if (rc <= 0)
        return rc < 0 ? rc : 2;
    st->line = (aiops_jpull_mem){ *line, *len, 0, 0 };
    aiops_jpull_reset(st->fast, aiops_jpull_mem_read, &st->line);
    if (st->spec->fast_flat) {
        aiops_obs_flat_clear(&st->flat);
        rc = st->spec->fast_flat(st->fast, &st->q, &st->flat);
    } else {
        st->tmp.n = 0;
        rc = st->spec->fast_line(st->fast, &st->q, &st->tmp);
    }
    if (rc >= 0)
        return rc;
    aiops_parse_ctx *ctx = st->doc.ctx;
    return aiops_err_set(err, rc, aiops_stream_name(ctx->stream), aiops_stream_lineno(ctx->stream),
                         "%s", rc == AIOPS_EIO ? st->q.failed.msg : "out of memory");
}

static int load_next(spec_state *st, aiops_err *err)
{
    json_t *v;
    aiops_jdoc w;
    int rc;
    if (st->fast && st->doc.lines) {
        char *line;
        size_t len;
        if ((rc = fast_next(st, &line, &len, err)) != 0)
            return rc == 2 ? 0 : rc;
        rc = aiops_obs_doc_parse(&st->doc, line, len, aiops_stream_lineno(st->doc.ctx->stream),
                                 &v, &w, err);
    } else {
        rc = aiops_obs_doc_next(&st->doc, &v, &w, err);
    }
    if (rc <= 0)
        return rc;
    rc = st->spec->load(&w, &st->q, v);
    json_decref(v);
    return rc < 0 ? rc : 1;
}

int aiops_obs_spec_open(void **state, aiops_parse_ctx *ctx, const aiops_obs_spec *spec,
                        aiops_err *err)
{
    spec_state *st = calloc(1, sizeof *st);
    int rc;
    *state = NULL;
    if (!st)
        return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(ctx->stream), 0,
                             "out of memory");
    st->spec = spec;
    st->q.run_max = spec->stream ? AIOPS_OBS_RUN_MAX : 0;
    st->q.text = ctx->raw_text;
    if (spec->stream)
        rc = spec->stream(ctx, &st->q, err);
    else if ((rc = aiops_obs_doc_open(&st->doc, ctx, spec->mode, spec->msgkeys, err)) == 0) {
        st->doc.what = spec->what;
        if ((spec->fast_line || spec->fast_flat) && ctx->raw_text && st->doc.lines &&
            !(st->fast = aiops_jpull_new(aiops_jpull_mem_read, &st->line, NULL)))
            rc = aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(ctx->stream), 0,
                               "out of memory");
        while (!rc && spec->sort && (rc = load_next(st, err)) == 1)
            rc = 0;
    }
    if (rc < 0) {
        aiops_obs_spec_close(st);
        return rc;
    }
    aiops_obs_queue_sort(&st->q);
    *state = st;
    return 0;
}

int aiops_obs_spec_next(void *state, aiops_parse_ctx *ctx, aiops_record *rec, aiops_err *err)
{
    spec_state *st = state;
    for (;;) {
        if (st->q.nbad) {       /* records left out: one resumable error each */
            st->q.nbad--;
            *err = st->q.first_bad;
            ctx->resumable = 1;
            return err->code;
        }
        int got = aiops_obs_queue_pop(&st->q, rec);
        if (got < 0)
            return aiops_err_set(err, got, aiops_stream_name(ctx->stream), 0, "%s",
                                 st->q.failed.msg);
        if (got)
            return 1;
        if (st->spec->sort)
            return 0;
        st->q.n = st->q.pos = 0;     /* all handed out (never spilled unsorted) */
        int rc = load_next(st, err);
        if (rc <= 0)
            return rc;
    }
}

int aiops_obs_push_log(aiops_jdoc *w, aiops_obs_queue *q, double ts, const aiops_obs_log *l)
{
    if (!q->text)
        return aiops_obs_push(w, q, AIOPS_R_LOG, ts, aiops_obs_log_json(l));
    aiops_obs_log_text(&q->scratch, l);
    return aiops_obs_push_text(w, q, AIOPS_R_LOG, ts, &q->scratch);
}

int aiops_obs_push_span(aiops_jdoc *w, aiops_obs_queue *q, double ts, const aiops_obs_span *sp)
{
    if (!q->text)
        return aiops_obs_push(w, q, AIOPS_R_SPAN, ts, aiops_obs_span_json(sp));
    aiops_obs_span_text(&q->scratch, sp);
    return aiops_obs_push_text(w, q, AIOPS_R_SPAN, ts, &q->scratch);
}

int aiops_obs_push_event(aiops_jdoc *w, aiops_obs_queue *q, double ts, const aiops_obs_event *e)
{
    if (!q->text)
        return aiops_obs_push(w, q, AIOPS_R_EVENT, ts, aiops_obs_event_json(e));
    aiops_obs_event_text(&q->scratch, e);
    return aiops_obs_push_text(w, q, AIOPS_R_EVENT, ts, &q->scratch);
}
