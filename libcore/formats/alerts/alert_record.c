/* alert_record.c - one way to build `alert` records for every alert
 * format (alerts.h), so Alertmanager, Prometheus, PagerDuty and OpsGenie
 * inputs all produce the same fields in the same order. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "formats/alerts/alerts.h"

const char *aiops_alert_service(const json_t *labels)
{
    static const char *const keys[] = AIOPS_SERVICE_LABELS;
    for (size_t i = 0; keys[i]; i++) {
        json_t *v = json_object_get(labels, keys[i]);
        if (json_is_string(v) && json_string_length(v) > 0)
            return json_string_value(v);
    }
    return NULL;
}

static uint64_t fnv_sep(uint64_t h)
{
    h ^= 0xff;     /* a byte no UTF-8 text contains */
    return h * AIOPS_FNV_PRIME;
}

static void hex16(uint64_t h, char *buf)
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++)
        buf[i] = hex[(h >> (60 - 4 * i)) & 15];
    buf[16] = '\0';
}

typedef struct label_kv {
    const char *name, *val;
    size_t vlen;
} label_kv;

static int cmp_kv(const void *a, const void *b)
{
    return strcmp(((const label_kv *)a)->name, ((const label_kv *)b)->name);
}

static uint64_t hash_kv(uint64_t h, const label_kv *kv)
{
    h = fnv_sep(aiops_fnv1a(h, kv->name, strlen(kv->name)));
    return fnv_sep(aiops_fnv1a(h, kv->val, kv->vlen));
}

/* The pairs sorted by name (kv sorted in place), then hashed. */
static void fingerprint_of(label_kv *kv, size_t k, char *buf)
{
    uint64_t h = AIOPS_FNV_OFFSET;
    if (k > 1)
        qsort(kv, k, sizeof *kv, cmp_kv);
    for (size_t i = 0; i < k; i++)
        h = hash_kv(h, &kv[i]);
    hex16(h, buf);
}

void aiops_alert_fingerprint_kv(const char *const *names, const char *const *vals,
                                const size_t *vlen, size_t n, char *buf)
{
    label_kv one[16], *kv = n <= 16 ? one : malloc(n * sizeof *kv);
    if (!kv) {
        /* No memory to sort: hash in their order, still deterministic
         * for the same input.  Never reached in practice. */
        uint64_t h = AIOPS_FNV_OFFSET;
        for (size_t i = 0; i < n; i++)
            h = hash_kv(h, &(label_kv){ names[i], vals[i], vlen[i] });
        hex16(h, buf);
        return;
    }
    for (size_t i = 0; i < n; i++)
        kv[i] = (label_kv){ names[i], vals[i], vlen[i] };
    fingerprint_of(kv, n, buf);
    if (kv != one)
        free(kv);
}

void aiops_alert_fingerprint(const json_t *labels, char *buf)
{
    size_t n = json_is_object(labels) ? json_object_size(labels) : 0, k = 0;
    label_kv one[16], *kv = n <= 16 ? one : malloc(n * sizeof *kv);
    const char *key;
    json_t *v;
    if (!kv) {
        /* No memory to sort: hash in object order, still deterministic
         * for the same input.  Never reached in practice. */
        uint64_t h = AIOPS_FNV_OFFSET;
        json_object_foreach((json_t *)labels, key, v)
            if (json_is_string(v))
                h = hash_kv(h, &(label_kv){ key, json_string_value(v), json_string_length(v) });
        hex16(h, buf);
        return;
    }
    if (n) {
        json_object_foreach((json_t *)labels, key, v)
            if (json_is_string(v))
                kv[k++] = (label_kv){ key, json_string_value(v), json_string_length(v) };
    }
    fingerprint_of(kv, k, buf);
    if (kv != one)
        free(kv);
}

/* json_object_set_new that remembers a failure. */
static void put(json_t *o, const char *k, json_t *v, int *oom)
{
    if (!v || json_object_set_new(o, k, v))
        *oom = 1;
}

static json_t *copy_or_empty(json_t *v)
{
    return v ? json_deep_copy(v) : json_object();
}

static int bad_text(const char *s)
{
    return s && !aiops_utf8_valid(s, strlen(s));
}

/* json_string() and json_real() refuse invalid UTF-8 and non-finite
 * numbers: say so instead of failing as if out of memory. */
static int check(const aiops_alert *a, aiops_err *err)
{
    if (!isfinite(a->start) || (a->has_end && !isfinite(a->end)))
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "expected a finite alert start/end time");
    const char *const txt[] = {a->name, a->state, a->service, a->severity, a->fingerprint,
                               a->source};
    for (size_t i = 0; i < sizeof txt / sizeof txt[0]; i++)
        if (bad_text(txt[i]))
            return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                                 "expected UTF-8 text, got invalid bytes in '%.40s'", txt[i]);
    return 0;
}

int aiops_alert_record(const aiops_alert *a, aiops_record *rec, aiops_err *err)
{
    char fp[17];
    int rc = check(a, err);
    if (rc)
        return rc;
    int oom = 0;
    int resolved = a->state && strcmp(a->state, "resolved") == 0;
    const char *service = a->service ? a->service : aiops_alert_service(a->labels);
    const char *severity = a->severity;
    json_t *sv = json_object_get(a->labels, "severity");
    if (!severity && json_is_string(sv) && json_string_length(sv) > 0)
        severity = json_string_value(sv);
    if (!a->fingerprint)
        aiops_alert_fingerprint(a->labels, fp);
    json_t *o = json_object();
    if (!o)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    put(o, "name", json_string(a->name ? a->name : ""), &oom);
    put(o, "state", json_string(a->state ? a->state : "firing"), &oom);
    put(o, "start", json_real(a->start), &oom);
    if (a->has_end)
        put(o, "end", json_real(a->end), &oom);
    if (service && *service)
        put(o, "service", json_string(service), &oom);
    if (severity && *severity)
        put(o, "severity", json_string(severity), &oom);
    put(o, "labels", copy_or_empty(a->labels), &oom);
    put(o, "annotations", copy_or_empty(a->annotations), &oom);
    put(o, "fingerprint", json_string(a->fingerprint ? a->fingerprint : fp), &oom);
    if (a->source)
        put(o, "source", json_string(a->source), &oom);
    if (oom) {
        json_decref(o);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    memset(rec, 0, sizeof *rec);
    rec->type = AIOPS_R_ALERT;
    rec->ts = resolved && a->has_end ? a->end : a->start;
    rec->obj = o;
    return 0;
}

/* The same fields as text, in the same order (aiops_alert_record). */
void aiops_alert_text(aiops_buf *b, const aiops_alert *a, const char *labels, size_t labels_len,
                      const char *ann, size_t ann_len, const char *service,
                      const char *severity, const char *fingerprint)
{
    aiops_buf_put(b, ",\"name\":", 8);
    aiops_buf_jstr(b, a->name ? a->name : "");
    aiops_buf_put(b, ",\"state\":", 9);
    aiops_buf_jstr(b, a->state ? a->state : "firing");
    aiops_buf_put(b, ",\"start\":", 9);
    aiops_buf_num(b, a->start);
    if (a->has_end) {
        aiops_buf_put(b, ",\"end\":", 7);
        aiops_buf_num(b, a->end);
    }
    if (service && *service) {
        aiops_buf_put(b, ",\"service\":", 11);
        aiops_buf_jstr(b, service);
    }
    if (severity && *severity) {
        aiops_buf_put(b, ",\"severity\":", 12);
        aiops_buf_jstr(b, severity);
    }
    aiops_buf_put(b, ",\"labels\":", 10);
    aiops_buf_put(b, labels, labels_len);
    aiops_buf_put(b, ",\"annotations\":", 15);
    if (ann)
        aiops_buf_put(b, ann, ann_len);
    else
        aiops_buf_put(b, "{}", 2);
    aiops_buf_put(b, ",\"fingerprint\":", 15);
    aiops_buf_jstr(b, fingerprint);
    if (a->source) {
        aiops_buf_put(b, ",\"source\":", 10);
        aiops_buf_jstr(b, a->source);
    }
}

/* ------------------------------------------------------ states seen */

/* Open addressing over (hash, key); the keys are kept in chunks, one
 * allocation per 64 KiB of keys rather than one per key. */
typedef struct seen_slot {
    uint64_t h;
    const char *k;           /* NULL: empty */
} seen_slot;

typedef struct seen_chunk {
    struct seen_chunk *next;
    size_t used, cap;
    char data[];
} seen_chunk;

struct aiops_alert_seen {
    seen_slot *slot;         /* cap a power of two */
    size_t cap, n;
    seen_chunk *chunks;      /* the newest first */
};

aiops_alert_seen *aiops_alert_seen_new(void)
{
    return calloc(1, sizeof(aiops_alert_seen));
}

static int seen_grow(aiops_alert_seen *s)
{
    size_t nc = s->cap ? s->cap * 2 : 64;
    seen_slot *ns = calloc(nc, sizeof *ns);
    if (!ns)
        return AIOPS_ENOMEM;
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->slot[i].k)
            continue;
        size_t j = s->slot[i].h & (nc - 1);
        while (ns[j].k)
            j = (j + 1) & (nc - 1);
        ns[j] = s->slot[i];
    }
    free(s->slot);
    s->slot = ns;
    s->cap = nc;
    return 0;
}

/* A copy of the n bytes at key in the chunks, or NULL. */
static const char *seen_keep(aiops_alert_seen *s, const char *key, size_t n)
{
    seen_chunk *c = s->chunks;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        if (!(c = malloc(sizeof *c + cap)))
            return NULL;
        c->next = s->chunks;
        c->used = 0;
        c->cap = cap;
        s->chunks = c;
    }
    char *k = c->data + c->used;
    memcpy(k, key, n);
    c->used += n;
    return k;
}

void aiops_alert_seen_key(const char *fingerprint, const char *state, double start, char *buf)
{
    /* Long fingerprints are cut: two alerts then only collide if they
     * also share state and start.  A finite start as the hex digits of
     * its bits (one key per value, as "%.17g" gives, without printf). */
    size_t f = strnlen(fingerprint, 200), s = state ? strnlen(state, 20) : 0, p = f + s + 2;
    memcpy(buf, fingerprint, f);
    buf[f] = '\x1f';
    if (s)
        memcpy(buf + f + 1, state, s);
    buf[p - 1] = '\x1f';
    if (!isfinite(start)) {
        snprintf(buf + p, AIOPS_ALERT_KEY - p, "%.17g", start);
        return;
    }
    uint64_t bits;
    memcpy(&bits, &start, sizeof bits);
    hex16(bits, buf + p);
}

int aiops_alert_seen_add(aiops_alert_seen *s, const aiops_alert *a)
{
    char fp[17], key[AIOPS_ALERT_KEY];
    const char *f = a->fingerprint;
    if (!f) {
        aiops_alert_fingerprint(a->labels, fp);
        f = fp;
    }
    aiops_alert_seen_key(f, a->state, a->start, key);
    return aiops_alert_seen_add_key(s, key);
}

int aiops_alert_seen_add_key(aiops_alert_seen *s, const char *key)
{
    size_t n = strlen(key) + 1;
    uint64_t h = aiops_fnv1a(AIOPS_FNV_OFFSET, key, n - 1);
    if ((s->n + 1) * 2 > s->cap && seen_grow(s))
        return AIOPS_ENOMEM;
    size_t j = h & (s->cap - 1);
    for (; s->slot[j].k; j = (j + 1) & (s->cap - 1))
        if (s->slot[j].h == h && strcmp(s->slot[j].k, key) == 0)
            return 1;
    if (!(s->slot[j].k = seen_keep(s, key, n)))
        return AIOPS_ENOMEM;
    s->slot[j].h = h;
    s->n++;
    return 0;
}

void aiops_alert_seen_free(aiops_alert_seen *s)
{
    if (!s)
        return;
    while (s->chunks) {
        seen_chunk *c = s->chunks;
        s->chunks = c->next;
        free(c);
    }
    free(s->slot);
    free(s);
}
