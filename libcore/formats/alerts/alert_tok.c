/* alert_tok.c - token fast path helpers of the alert formats (alert_tok.h). */
#include <math.h>
#include <string.h>

#include "formats/alerts/alert_tok.h"

#define BAIL AIOPS_TOK_BAIL

int aiops_atok_name(aiops_atok_names *s, const char *k, size_t n)
{
    if (n >= sizeof s->k[0] || s->n == AIOPS_ATOK_MAX)
        return BAIL;
    for (unsigned i = 0; i < s->n; i++)
        if (s->k[i][0] == k[0] && strcmp(s->k[i], k) == 0)
            return BAIL;
    memcpy(s->k[s->n++], k, n + 1);
    return 0;
}

/* [s, s+n) NUL-terminated at the end of str: its offset. */
static size_t keep(aiops_buf *str, const char *s, size_t n)
{
    size_t off = str->n;
    aiops_buf_put(str, s, n);
    aiops_buf_put(str, "", 1);
    return off;
}

int aiops_atok_strmap(aiops_jpull *p, aiops_atok_map *m, aiops_buf *json, aiops_buf *str)
{
    aiops_err e;
    int t;
    m->n = 0;
    aiops_buf_put(json, "{", 1);
    while ((t = aiops_jpull_next(p, &e)) == AIOPS_JT_KEY) {
        size_t kl, vl;
        const char *k = aiops_jpull_text(p, &kl);
        if (m->n == AIOPS_ATOK_MAX)
            return BAIL;
        for (unsigned i = 0; i < m->n; i++)
            if (strcmp(str->p + m->key[i], k) == 0)
                return BAIL;
        if (m->n)
            aiops_buf_put(json, ",", 1);
        aiops_buf_jstrn(json, k, kl);
        aiops_buf_put(json, ":", 1);
        size_t ko = keep(str, k, kl);
        if (aiops_jpull_next(p, &e) != AIOPS_JT_STR)
            return BAIL;
        const char *v = aiops_jpull_text(p, &vl);
        aiops_buf_jstrn(json, v, vl);
        m->key[m->n] = ko;
        m->val[m->n] = keep(str, v, vl);
        m->vlen[m->n++] = vl;
        if (str->oom)
            return BAIL;
    }
    aiops_buf_put(json, "}", 1);
    return t == AIOPS_JT_OBJ_END && !json->oom ? 0 : BAIL;
}

const char *aiops_atok_get(const aiops_atok_map *m, const aiops_buf *str, const char *name,
                           size_t *len)
{
    for (unsigned i = 0; i < m->n; i++)
        if (strcmp(str->p + m->key[i], name) == 0) {
            *len = m->vlen[i];
            return str->p + m->val[i];
        }
    return NULL;
}

const char *aiops_atok_service(const aiops_atok_map *m, const aiops_buf *str)
{
    static const char *const keys[] = AIOPS_SERVICE_LABELS;
    size_t n;
    for (size_t i = 0; keys[i]; i++) {
        const char *v = aiops_atok_get(m, str, keys[i], &n);
        if (v && n > 0)
            return v;
    }
    return NULL;
}

void aiops_atok_fingerprint(const aiops_atok_map *m, const aiops_buf *str, char *buf)
{
    const char *names[AIOPS_ATOK_MAX], *vals[AIOPS_ATOK_MAX];
    for (unsigned i = 0; i < m->n; i++) {
        names[i] = str->p + m->key[i];
        vals[i] = str->p + m->val[i];
    }
    aiops_alert_fingerprint_kv(names, vals, m->vlen, m->n, buf);
}

int aiops_atok_time(aiops_jpull *p, int t, double *out)
{
    size_t n;
    if (t != AIOPS_JT_STR)
        return BAIL;
    const char *s = aiops_jpull_text(p, &n);
    return aiops_parse_time(s, n, out) == 0 && isfinite(*out) ? 0 : BAIL;
}

int aiops_atok_skip(aiops_jpull *p, int t)
{
    aiops_obs_pull d = { .p = p };
    aiops_err e;
    if (t < 0)
        return BAIL;
    return aiops_obs_pull_skip_unique(&d, t, &e) ? BAIL : 0;
}

int aiops_atok_next(aiops_jpull *p, aiops_atok_names *names, const char *const *want, int *t)
{
    aiops_err e;
    size_t n;
    while ((*t = aiops_jpull_next(p, &e)) == AIOPS_JT_KEY) {
        const char *k = aiops_jpull_text(p, &n);
        if (aiops_atok_name(names, k, n))
            return -1;
        int m = 0;   /* found before the next token reuses k */
        for (int i = 0; want[i] && !m; i++)
            if (!strcmp(k, want[i]))
                m = i + 1;
        *t = aiops_jpull_next(p, &e);
        if (m)
            return m;
        if (aiops_atok_skip(p, *t))
            return -1;
    }
    return *t == AIOPS_JT_OBJ_END ? 0 : -1;
}
