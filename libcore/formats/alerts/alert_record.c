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

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
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

void aiops_alert_fingerprint(const json_t *labels, char *buf)
{
    uint64_t h = AIOPS_FNV_OFFSET;
    size_t n = json_is_object(labels) ? json_object_size(labels) : 0, k = 0;
    const char **names = n ? malloc(n * sizeof *names) : NULL;
    const char *key;
    json_t *v;
    if (n && !names) {
        /* No memory to sort: hash in object order, still deterministic
         * for the same input.  Never reached in practice. */
        json_object_foreach((json_t *)labels, key, v) {
            if (json_is_string(v)) {
                h = fnv_sep(aiops_fnv1a(h, key, strlen(key)));
                h = fnv_sep(aiops_fnv1a(h, json_string_value(v), json_string_length(v)));
            }
        }
        hex16(h, buf);
        return;
    }
    if (n) {
        json_object_foreach((json_t *)labels, key, v)
            if (json_is_string(v))
                names[k++] = key;
    }
    if (k)
        qsort(names, k, sizeof *names, cmp_str);
    for (size_t i = 0; i < k; i++) {
        json_t *val = json_object_get(labels, names[i]);
        h = fnv_sep(aiops_fnv1a(h, names[i], strlen(names[i])));
        h = fnv_sep(aiops_fnv1a(h, json_string_value(val), json_string_length(val)));
    }
    free(names);
    hex16(h, buf);
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

/* ------------------------------------------------------ states seen */

struct aiops_alert_seen {
    char **slot;             /* open addressing, cap a power of two */
    size_t cap, n;
};

aiops_alert_seen *aiops_alert_seen_new(void)
{
    return calloc(1, sizeof(aiops_alert_seen));
}

static uint64_t hash_str(const char *s)
{
    return aiops_fnv1a(AIOPS_FNV_OFFSET, s, strlen(s));
}

static int seen_grow(aiops_alert_seen *s)
{
    size_t nc = s->cap ? s->cap * 2 : 64;
    char **ns = calloc(nc, sizeof *ns);
    if (!ns)
        return AIOPS_ENOMEM;
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->slot[i])
            continue;
        size_t j = hash_str(s->slot[i]) & (nc - 1);
        while (ns[j])
            j = (j + 1) & (nc - 1);
        ns[j] = s->slot[i];
    }
    free(s->slot);
    s->slot = ns;
    s->cap = nc;
    return 0;
}

int aiops_alert_seen_add(aiops_alert_seen *s, const aiops_alert *a)
{
    char fp[17], key[256];
    const char *f = a->fingerprint;
    if (!f) {
        aiops_alert_fingerprint(a->labels, fp);
        f = fp;
    }
    /* Long fingerprints are cut: two alerts then only collide if they
     * also share state and start. */
    snprintf(key, sizeof key, "%.200s\x1f%.20s\x1f%.17g", f, a->state ? a->state : "", a->start);
    if ((s->n + 1) * 2 > s->cap && seen_grow(s))
        return AIOPS_ENOMEM;
    size_t j = hash_str(key) & (s->cap - 1);
    for (; s->slot[j]; j = (j + 1) & (s->cap - 1))
        if (strcmp(s->slot[j], key) == 0)
            return 1;
    size_t n = strlen(key) + 1;
    if (!(s->slot[j] = malloc(n)))
        return AIOPS_ENOMEM;
    memcpy(s->slot[j], key, n);
    s->n++;
    return 0;
}

void aiops_alert_seen_free(aiops_alert_seen *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->cap; i++)
        free(s->slot[i]);
    free(s->slot);
    free(s);
}
