/* series.c - series identity: parse any common Prometheus spelling of a
 * series, canonicalise it (sorted labels, no spaces) and intern it to a
 * dense id.  Every spelling seen is cached, so the hot path of a reader is
 * one hash of the raw text; parsing happens once per distinct spelling.
 * Memory: O(distinct series + distinct spellings), capped by max_series. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "common/limits.h"
#include "aiops_format.h"
#include "record/series_impl.h"

#define ARENA_BLOCK ((size_t)1 << 20)
#define MAX_LABELS 256            /* per series; Prometheus' own limit is lower */

typedef struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    char data[];
} arena_block;

typedef struct slot {
    uint64_t hash;
    const char *key;              /* arena-owned, NUL-terminated */
    uint32_t len;
    uint32_t sid;                 /* UINT32_MAX = empty */
} slot;

struct aiops_series_table {
    aiops_series **series;
    size_t nseries, capseries, max_series;
    slot *slots;
    size_t nslots, used;          /* nslots is a power of two */
    arena_block *arena;
};

static uint64_t hash_bytes(const char *s, size_t n)
{
    /* 64-bit multiply-xorshift over 8-byte words: fast on short keys and
     * good enough for a table whose keys an attacker cannot easily steer
     * (collisions only cost time; probing is bounded by load factor). */
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ (n * 0xff51afd7ed558ccdULL);
    uint64_t h2 = 0xC2B2AE3D27D4EB4FULL;
    while (n >= 16) {                /* two independent lanes per round */
        uint64_t w, w2;
        memcpy(&w, s, 8);
        memcpy(&w2, s + 8, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
        h2 = (h2 ^ w2) * 0x94d049bb133111ebULL;
        h ^= h >> 31;
        h2 ^= h2 >> 29;
        s += 16;
        n -= 16;
    }
    h ^= h2 * 0x9E3779B97F4A7C15ULL;
    if (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 31;
        s += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * 0x94d049bb133111ebULL;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    return h ^ (h >> 32);
}

static char *arena_dup(aiops_series_table *t, const char *s, size_t n)
{
    arena_block *b = t->arena;
    if (!b || b->cap - b->used < n + 1) {
        size_t cap = n + 1 > ARENA_BLOCK ? n + 1 : ARENA_BLOCK;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->next = t->arena;
        b->used = 0;
        b->cap = cap;
        t->arena = b;
    }
    char *p = b->data + b->used;
    memcpy(p, s, n);
    p[n] = '\0';
    b->used += n + 1;
    return p;
}

aiops_series_table *aiops_series_table_new(void)
{
    aiops_series_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->max_series = (size_t)aiops_limit(AIOPS_LIM_SERIES);
    t->nslots = 1024;
    t->slots = malloc(t->nslots * sizeof *t->slots);
    if (!t->slots) {
        free(t);
        return NULL;
    }
    for (size_t i = 0; i < t->nslots; i++)
        t->slots[i].sid = UINT32_MAX;
    return t;
}

void aiops_series_table_free(aiops_series_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nseries; i++) {
        aiops_series_full *full = aiops_series_full_of(t->series[i]);
        free(full->ndjson_prefix);
        free(full);
    }
    free(t->series);
    free(t->slots);
    while (t->arena) {
        arena_block *n = t->arena->next;
        free(t->arena);
        t->arena = n;
    }
    free(t);
}

void aiops_series_table_set_max(aiops_series_table *t, size_t max_series)
{
    t->max_series = max_series ? max_series : (size_t)aiops_limit(AIOPS_LIM_SERIES);
}

size_t aiops_series_table_count(const aiops_series_table *t)
{
    return t->nseries;
}

aiops_series *aiops_series_get(aiops_series_table *t, uint32_t id)
{
    return id < t->nseries ? t->series[id] : NULL;
}

static slot *lookup(aiops_series_table *t, const char *s, size_t n, uint64_t h)
{
    size_t mask = t->nslots - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        slot *sl = &t->slots[i];
        if (sl->sid == UINT32_MAX)
            return sl;
        if (sl->hash == h && sl->len == n && memcmp(sl->key, s, n) == 0)
            return sl;
    }
}

static int grow_slots(aiops_series_table *t)
{
    size_t nn = t->nslots * 2;
    slot *ns = malloc(nn * sizeof *ns);
    if (!ns)
        return AIOPS_ENOMEM;
    for (size_t i = 0; i < nn; i++)
        ns[i].sid = UINT32_MAX;
    for (size_t i = 0; i < t->nslots; i++) {
        slot *o = &t->slots[i];
        if (o->sid == UINT32_MAX)
            continue;
        size_t j = o->hash & (nn - 1);
        while (ns[j].sid != UINT32_MAX)
            j = (j + 1) & (nn - 1);
        ns[j] = *o;
    }
    free(t->slots);
    t->slots = ns;
    t->nslots = nn;
    return 0;
}

/* Insert key -> sid (key not present).  Caps spellings at 4x max_series:
 * past that the spelling is just not cached (still correct, slower). */
static int insert_key_cap(aiops_series_table *t, const char *s, size_t n, uint64_t h,
                      uint32_t sid, int canonical)
{
    if ((!canonical && t->used >= 4 * t->max_series) || n > UINT32_MAX)
        return 0;
    if ((t->used + 1) * 2 > t->nslots && grow_slots(t))
        return AIOPS_ENOMEM;
    slot *sl = lookup(t, s, n, h);
    if (sl->sid != UINT32_MAX)
        return 0;
    const char *k = arena_dup(t, s, n);
    if (!k)
        return AIOPS_ENOMEM;
    sl->hash = h;
    sl->key = k;
    sl->len = (uint32_t)n;
    sl->sid = sid;
    t->used++;
    return 0;
}

static int insert_key(aiops_series_table *t, const char *s, size_t n, uint64_t h, uint32_t sid)
{
    return insert_key_cap(t, s, n, h, sid, 0);
}

/* ---- label sets */

typedef struct lbuf {
    char name[1024];
    char *vals;                     /* unescaped label text, heap */
    size_t vlen, vcap;
    size_t nl;
    size_t koff[MAX_LABELS], klen[MAX_LABELS], voff[MAX_LABELS], vl[MAX_LABELS];
} lbuf;

static int lbuf_put(lbuf *b, const char *s, size_t n, size_t *off)
{
    if (AIOPS_GROW(b->vals, b->vcap, b->vlen + n + 1))
        return AIOPS_ENOMEM;
    memcpy(b->vals + b->vlen, s, n);
    *off = b->vlen;
    b->vlen += n;
    b->vals[b->vlen++] = '\0';
    return 0;
}

static int lbuf_add(lbuf *b, const char *k, size_t kn, const char *v, size_t vn,
                    aiops_err *err)
{
    if (kn == 8 && memcmp(k, "__name__", 8) == 0) {
        if (vn >= sizeof b->name)
            return aiops_err_set(err, AIOPS_ELIMIT, NULL, 0, "metric name longer than %zu bytes",
                                 sizeof b->name - 1);
        memcpy(b->name, v, vn);
        b->name[vn] = '\0';
        return 0;
    }
    if (vn == 0)                    /* Prometheus: empty value = label absent */
        return 0;
    if (b->nl == MAX_LABELS || b->nl >= aiops_limit(AIOPS_LIM_LABELS))
        return aiops_err_set(err, AIOPS_ELIMIT, NULL, 0, "more than %llu labels (AIOPS_MAX_LABELS)",
                             (unsigned long long)aiops_limit(AIOPS_LIM_LABELS));
    int rc = lbuf_put(b, k, kn, &b->koff[b->nl]);
    if (!rc)
        rc = lbuf_put(b, v, vn, &b->voff[b->nl]);
    if (rc)
        return aiops_err_set(err, rc, NULL, 0, "out of memory");
    b->klen[b->nl] = kn;
    b->vl[b->nl] = vn;
    b->nl++;
    return 0;
}

static int valid_name(const char *s, size_t n, int metric)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                 (metric && c == ':') || (i > 0 && c >= '0' && c <= '9');
        if (!ok)
            return 0;
    }
    return 1;
}

static void skip_ws(const char *s, size_t n, size_t *i)
{
    while (*i < n && (s[*i] == ' ' || s[*i] == '\t'))
        (*i)++;
}

/* Parse a double-quoted, Prometheus-escaped value starting at s[*i] == '"'. */
static int parse_quoted(const char *s, size_t n, size_t *i, lbuf *tmp, size_t *off,
                        size_t *len, aiops_err *err)
{
    size_t start = tmp->vlen;
    (*i)++;
    for (;;) {
        if (*i >= n)
            return aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "expected closing '\"' of a label value");
        char c = s[*i];
        if (c == '"')
            break;
        if (c == '\0')       /* no text form could carry it: refused, not cut */
            return aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "expected a label value without NUL bytes");
        size_t dummy;
        if (c == '\\' && *i + 1 < n) {
            char e = s[*i + 1];
            char out = e == 'n' ? '\n' : e;
            if (e == '\\' || e == '"' || e == 'n') {
                if (lbuf_put(tmp, &out, 1, &dummy))
                    return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
                tmp->vlen--;   /* lbuf_put adds a NUL: keep the run contiguous */
                *i += 2;
                continue;
            }
        }
        if (lbuf_put(tmp, &c, 1, &dummy))
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        tmp->vlen--;
        (*i)++;
    }
    (*i)++;
    *off = start;
    *len = tmp->vlen - start;
    return 0;
}

static int parse_text(const char *s, size_t n, lbuf *b, aiops_err *err)
{
    size_t i = 0;
    skip_ws(s, n, &i);
    size_t ns = i;
    while (i < n && s[i] != '{' && s[i] != ' ' && s[i] != '\t')
        i++;
    if (i > ns) {
        if (!valid_name(s + ns, i - ns, 1))
            return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                                 "expected a metric name [a-zA-Z_:][a-zA-Z0-9_:]*, got '%.*s'",
                                 (int)(i - ns > 80 ? 80 : i - ns), s + ns);
        if (i - ns >= sizeof b->name)
            return aiops_err_set(err, AIOPS_ELIMIT, NULL, 0, "metric name too long");
        memcpy(b->name, s + ns, i - ns);
        b->name[i - ns] = '\0';
    }
    skip_ws(s, n, &i);
    if (i == n) {
        if (!b->name[0])
            return aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "expected a series, got nothing");
        return 0;
    }
    if (s[i] != '{')
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "expected '{' or end of series, got '%c'", s[i]);
    i++;
    lbuf tmp = {0};
    int rc = 0;
    for (;;) {
        skip_ws(s, n, &i);
        if (i < n && s[i] == '}')
            break;
        size_t ks = i;
        while (i < n && s[i] != '=' && s[i] != ' ' && s[i] != '\t' && s[i] != '!' && s[i] != '}' &&
               s[i] != ',')
            i++;
        if (!valid_name(s + ks, i - ks, 0)) {
            rc = aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                               "expected a label name [a-zA-Z_][a-zA-Z0-9_]*, got '%.*s'",
                               (int)(i - ks > 80 ? 80 : i - ks), s + ks);
            break;
        }
        size_t ke = i;
        skip_ws(s, n, &i);
        if (i >= n || s[i] != '=') {
            rc = aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "expected '=' after label '%.*s'",
                               (int)(ke - ks > 80 ? 80 : ke - ks), s + ks);
            break;
        }
        i++;
        skip_ws(s, n, &i);
        if (i >= n || s[i] != '"') {
            rc = aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "expected '\"' to open the value of label '%.*s'",
                               (int)(ke - ks > 80 ? 80 : ke - ks), s + ks);
            break;
        }
        size_t voff = 0, vlen = 0;
        tmp.vlen = 0;
        if ((rc = parse_quoted(s, n, &i, &tmp, &voff, &vlen, err)))
            break;
        if ((rc = lbuf_add(b, s + ks, ke - ks, vlen ? tmp.vals + voff : "", vlen, err)))
            break;
        skip_ws(s, n, &i);
        if (i < n && s[i] == ',') {
            i++;
            continue;
        }
        if (i < n && s[i] == '}')
            break;
        rc = aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "expected ',' or '}' after a label value");
        break;
    }
    free(tmp.vals);
    if (rc)
        return rc;
    i++;
    skip_ws(s, n, &i);
    if (i != n)
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "expected end of series after '}', got '%.*s'",
                             (int)(n - i > 40 ? 40 : n - i), s + i);
    if (!b->name[0] && b->nl == 0)
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "expected a metric name or a label");
    return 0;
}

/* Insertion sort by label name: label sets are small. */
static int sort_labels(lbuf *b, aiops_err *err)
{
    for (size_t i = 1; i < b->nl; i++) {
        size_t ko = b->koff[i], kl = b->klen[i], vo = b->voff[i], vl = b->vl[i];
        size_t j = i;
        while (j > 0) {
            size_t pk = b->klen[j - 1];
            size_t m = pk < kl ? pk : kl;
            int c = memcmp(b->vals + b->koff[j - 1], b->vals + ko, m);
            if (c == 0)
                c = (pk > kl) - (pk < kl);
            if (c == 0)
                return aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "label '%s' appears twice",
                                     b->vals + ko);
            if (c < 0)
                break;
            b->koff[j] = b->koff[j - 1];
            b->klen[j] = b->klen[j - 1];
            b->voff[j] = b->voff[j - 1];
            b->vl[j] = b->vl[j - 1];
            j--;
        }
        b->koff[j] = ko;
        b->klen[j] = kl;
        b->voff[j] = vo;
        b->vl[j] = vl;
    }
    return 0;
}

static size_t escaped_len(const char *v, size_t n)
{
    size_t l = n;
    for (size_t i = 0; i < n; i++)
        l += v[i] == '\\' || v[i] == '"' || v[i] == '\n';
    return l;
}

static char *put_escaped(char *p, const char *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (v[i] == '\\' || v[i] == '"') {
            *p++ = '\\';
            *p++ = v[i];
        } else if (v[i] == '\n') {
            *p++ = '\\';
            *p++ = 'n';
        } else {
            *p++ = v[i];
        }
    }
    return p;
}

/* Canonical text of a sorted label buffer (heap; caller frees). */
static char *canonical(const lbuf *b, size_t *len)
{
    size_t nn = strlen(b->name), l = nn;
    if (b->nl)
        l += 2 + (b->nl - 1);
    for (size_t i = 0; i < b->nl; i++)
        l += b->klen[i] + 3 + escaped_len(b->vals + b->voff[i], b->vl[i]);
    char *out = malloc(l + 1), *p = out;
    if (!out)
        return NULL;
    memcpy(p, b->name, nn);
    p += nn;
    if (b->nl) {
        *p++ = '{';
        for (size_t i = 0; i < b->nl; i++) {
            if (i)
                *p++ = ',';
            memcpy(p, b->vals + b->koff[i], b->klen[i]);
            p += b->klen[i];
            *p++ = '=';
            *p++ = '"';
            p = put_escaped(p, b->vals + b->voff[i], b->vl[i]);
            *p++ = '"';
        }
        *p++ = '}';
    }
    *p = '\0';
    *len = l;
    return out;
}

/* One allocation holds the series, its label array and all its strings. */
static int new_series(aiops_series_table *t, const lbuf *b, const char *text, size_t tlen,
                      uint32_t *id, aiops_err *err)
{
    if (t->nseries >= t->max_series)
        return aiops_err_set(err, AIOPS_ELIMIT, NULL, 0,
                             "more than %zu distinct series (raise --max-series or "
                             "AIOPS_MAX_SERIES)", t->max_series);
    size_t nn = strlen(b->name);
    size_t sz = sizeof(aiops_series_full) + b->nl * sizeof(aiops_label) + tlen + 1 + nn + 1;
    for (size_t i = 0; i < b->nl; i++)
        sz += b->klen[i] + 1 + b->vl[i] + 1;
    aiops_series_full *full = calloc(1, sz);
    if (!full)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    aiops_series *s = &full->pub;
    aiops_label *labels = (aiops_label *)(full + 1);
    char *p = (char *)(labels + b->nl);
    memcpy(p, text, tlen + 1);
    s->text = p;
    s->text_len = tlen;
    p += tlen + 1;
    memcpy(p, b->name, nn + 1);
    s->name = p;
    p += nn + 1;
    for (size_t i = 0; i < b->nl; i++) {
        memcpy(p, b->vals + b->koff[i], b->klen[i]);
        p[b->klen[i]] = '\0';
        labels[i].name = p;
        p += b->klen[i] + 1;
        memcpy(p, b->vals + b->voff[i], b->vl[i]);
        p[b->vl[i]] = '\0';
        labels[i].value = p;
        p += b->vl[i] + 1;
    }
    s->labels = labels;
    s->nlabels = b->nl;
    if (AIOPS_GROW(t->series, t->capseries, t->nseries + 1)) {
        free(full);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    t->series[t->nseries] = s;
    *id = (uint32_t)t->nseries++;
    return 0;
}

static int check_utf8(const lbuf *b, aiops_err *err)
{
    if (!aiops_utf8_valid(b->name, strlen(b->name)))
        return aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "expected UTF-8 text in the metric name");
    for (size_t i = 0; i < b->nl; i++)
        if (!aiops_utf8_valid(b->vals + b->voff[i], b->vl[i]))
            return aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                                 "expected UTF-8 text in the value of label '%s', got invalid bytes",
                                 b->vals + b->koff[i]);
    return 0;
}

/* The one rule for names that are not Prometheus names (OpenTelemetry's
 * "http.server.duration", VictoriaMetrics' "foo.bar.baz", a "service.name"
 * attribute): every character outside the name alphabet becomes '_', and a
 * leading digit gets a '_' before it, as aiops_sanitize_name does (and as
 * Prometheus' own OTLP translation does).  Label names lose ':' too. */
static int map_name(char *name, size_t cap, int metric, aiops_err *err)
{
    size_t n = strlen(name);
    if (valid_name(name, n, metric))
        return 0;
    char tmp[sizeof ((lbuf *)0)->name + 2];
    size_t k = aiops_sanitize_name(name, n, tmp, sizeof tmp);
    if (k >= cap || k > n + 1)
        return aiops_err_set(err, AIOPS_ELIMIT, NULL, 0, "name too long: '%.80s'", name);
    if (!metric)
        for (size_t i = 0; i < k; i++)
            if (tmp[i] == ':')
                tmp[i] = '_';
    memcpy(name, tmp, k + 1);
    return 0;
}

/* Canonicalise b and find-or-create its series. */
static int intern_lbuf(aiops_series_table *t, lbuf *b, int map, uint32_t *id, aiops_err *err)
{
    int rc = check_utf8(b, err);
    if (!rc && b->name[0] && map)
        rc = map_name(b->name, sizeof b->name, 1, err);
    else if (!rc && b->name[0] && !valid_name(b->name, strlen(b->name), 1))
        rc = aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                           "expected a metric name [a-zA-Z_:][a-zA-Z0-9_:]*, got '%.80s'", b->name);
    if (!rc)
        rc = sort_labels(b, err);
    if (rc)
        return rc;
    size_t clen;
    char *ctext = canonical(b, &clen);
    if (!ctext)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    uint64_t h = hash_bytes(ctext, clen);
    slot *sl = lookup(t, ctext, clen, h);
    if (sl->sid != UINT32_MAX) {
        *id = sl->sid;
    } else if (!(rc = new_series(t, b, ctext, clen, id, err))) {
        if (insert_key_cap(t, ctext, clen, h, *id, 1))
            rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    free(ctext);
    return rc;
}

int aiops_series_intern_text(aiops_series_table *t, const char *s, size_t n, uint32_t *id,
                             aiops_err *err)
{
    uint64_t h = hash_bytes(s, n);
    slot *sl = lookup(t, s, n, h);
    if (sl->sid != UINT32_MAX) {
        *id = sl->sid;
        return 0;
    }
    lbuf *b = calloc(1, sizeof *b);
    if (!b)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    int rc = parse_text(s, n, b, err);
    if (!rc)
        rc = intern_lbuf(t, b, 1, id, err);   /* the grammar checked all but __name__ */
    if (!rc && insert_key(t, s, n, h, *id))
        rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    free(b->vals);
    free(b);
    return rc;
}

static int intern_labels(aiops_series_table *t, const char *name, const aiops_label *labels,
                         size_t nlabels, int map, uint32_t *id, aiops_err *err)
{
    lbuf *b = calloc(1, sizeof *b);
    if (!b)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    int rc = 0;
    size_t nn = name ? strlen(name) : 0;
    if (nn >= sizeof b->name)
        rc = aiops_err_set(err, AIOPS_ELIMIT, NULL, 0, "metric name too long");
    else if (nn)
        memcpy(b->name, name, nn + 1);
    for (size_t i = 0; !rc && i < nlabels; i++) {
        const char *k = labels[i].name, *v = labels[i].value ? labels[i].value : "";
        char kbuf[256];
        size_t kn = strlen(k);
        if (kn == 0)
            rc = aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "expected a label name, got ''");
        else if (kn + 2 > sizeof kbuf)
            rc = aiops_err_set(err, AIOPS_ELIMIT, NULL, 0, "label name too long: '%.80s'", k);
        else if (!valid_name(k, kn, 0) && !map)
            rc = aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                               "expected a label name [a-zA-Z_][a-zA-Z0-9_]*, got '%.80s'", k);
        else if (!valid_name(k, kn, 0)) {
            memcpy(kbuf, k, kn + 1);
            if (!(rc = map_name(kbuf, sizeof kbuf, 0, err)))
                rc = lbuf_add(b, kbuf, strlen(kbuf), v, strlen(v), err);
        } else
            rc = lbuf_add(b, k, kn, v, strlen(v), err);
    }
    if (!rc && !b->name[0] && b->nl == 0)
        rc = aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "expected a metric name or a label");
    if (!rc)
        rc = intern_lbuf(t, b, map, id, err);
    free(b->vals);
    free(b);
    return rc;
}

int aiops_series_intern_labels(aiops_series_table *t, const char *name, const aiops_label *labels,
                               size_t nlabels, uint32_t *id, aiops_err *err)
{
    return intern_labels(t, name, labels, nlabels, 0, id, err);
}

int aiops_series_intern_foreign(aiops_series_table *t, const char *name,
                                const aiops_label *labels, size_t nlabels, uint32_t *id,
                                aiops_err *err)
{
    return intern_labels(t, name, labels, nlabels, 1, id, err);
}

const char *aiops_series_label(const aiops_series *s, const char *name)
{
    if (strcmp(name, "__name__") == 0)
        return s->name;
    for (size_t i = 0; i < s->nlabels; i++)
        if (strcmp(s->labels[i].name, name) == 0)
            return s->labels[i].value;
    return NULL;
}

const char *aiops_series_service(const aiops_series *s)
{
    static const char *const order[] = AIOPS_SERVICE_LABELS;
    for (size_t i = 0; order[i]; i++) {
        const char *v = aiops_series_label(s, order[i]);
        if (v && *v)
            return v;
    }
    return NULL;
}

size_t aiops_sanitize_name(const char *s, size_t n, char *buf, size_t bufsz)
{
    size_t o = 0;
    if (bufsz < 2) {
        if (bufsz)
            buf[0] = '\0';
        return 0;
    }
    for (size_t i = 0; i < n && o + 2 < bufsz; i++) {
        char c = s[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
                 (c >= '0' && c <= '9');
        if (o == 0 && c >= '0' && c <= '9')
            buf[o++] = '_';
        buf[o++] = ok ? c : '_';
    }
    if (o == 0)
        buf[o++] = '_';
    buf[o] = '\0';
    return o;
}

int aiops_series_lookup_key(aiops_series_table *t, const char *k, size_t n, uint32_t *id)
{
    slot *sl = lookup(t, k, n, hash_bytes(k, n));
    if (sl->sid == UINT32_MAX)
        return 0;
    *id = sl->sid;
    return 1;
}

int aiops_series_add_key(aiops_series_table *t, const char *k, size_t n, uint32_t id)
{
    return insert_key(t, k, n, hash_bytes(k, n), id);
}

static void stem_span(const char *entry, const char **base, size_t *n)
{
    const char *b = entry ? entry : "";
    const char *slash = strrchr(b, '/');
    if (slash)
        b = slash + 1;
    const char *dot = strrchr(b, '.');
    *base = b;
    *n = dot && dot != b ? (size_t)(dot - b) : strlen(b);
}

size_t aiops_file_stem(const char *entry, char *buf, size_t bufsz)
{
    const char *base;
    size_t n;
    if (bufsz == 0)
        return 0;
    stem_span(entry, &base, &n);
    if (n >= bufsz)
        n = bufsz - 1;
    memcpy(buf, base, n);
    buf[n] = '\0';
    return n;
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return n > 0;
}

/* Length of [s, s+n) without a trailing date or time, the mark of a daily
 * or hourly dump: groups of digits (2024-03-01, 20240301, 2024-03-01T00-00,
 * 2024_03_01_1200, 1709251200) joined by '-', '_', '.', 'T', 'Z' and ':',
 * with at least 8 digits in all, after a separator.  n when there is none,
 * or when nothing would be left. */
size_t aiops_stem_undated(const char *s, size_t n)
{
    size_t i = n, digits = 0;
    while (i > 0) {
        char c = s[i - 1];
        if (c >= '0' && c <= '9')
            digits++;
        else if (!(c == '-' || c == '_' || c == '.' || c == ':' ||
                   ((c == 'T' || c == 'Z') && i >= 2 && s[i - 2] >= '0' && s[i - 2] <= '9')))
            break;
        i--;
    }
    /* Back to the separator that starts the date part. */
    size_t k = i;
    while (k < n && !(s[k] >= '0' && s[k] <= '9'))
        k++;
    if (digits < 8 || i == 0 || k == i || all_digits(s, i))
        return n;
    return i;
}

size_t aiops_stem_name(const char *entry, const char *fallback, char *buf, size_t bufsz)
{
    const char *base;
    size_t n;
    stem_span(entry, &base, &n);
    n = aiops_stem_undated(base, n);
    size_t k = aiops_sanitize_name(base, n, buf, bufsz);
    /* stdin ("-") or a name with nothing usable sanitizes to underscores
     * only: a fixed, readable name is better than "_". */
    if (strspn(buf, "_") == k) {
        snprintf(buf, bufsz, "%s", fallback);
        k = strlen(buf);
    }
    return k;
}
