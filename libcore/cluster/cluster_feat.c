/* cluster_feat.c - what a fingerprint is, computed once from its first
 * record: service, severity, label pairs, message template (libcore/logtmpl's
 * miner) and its tokens;
 * the u64 map the engine indexes fingerprints and services with. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cluster/cluster_impl.h"
#include "common/array.h"
#include "common/buf.h"
#include "common/hash.h"
#include "logtmpl/logtmpl.h"

/* ------------------------------------------------------------- features */

int cl_severity(const char *s)
{
    if (!s)
        return 0;
    static const struct { const char *w; int v; } tab[] = {
        {"critical", 3}, {"crit", 3}, {"fatal", 3}, {"emergency", 3}, {"alert", 3}, {"page", 3},
        {"p1", 3}, {"p2", 3}, {"high", 3}, {"error", 3}, {"major", 3},
        {"warning", 2}, {"warn", 2}, {"medium", 2}, {"p3", 2}, {"minor", 2},
        {"info", 1}, {"low", 1}, {"p4", 1}, {"p5", 1}, {"none", 0},
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (!strcasecmp(s, tab[i].w))
            return tab[i].v;
    return 1;
}

uint64_t cl_label_pair(const char *name, const char *value)
{
    uint64_t h = aiops_fnv1a(AIOPS_FNV_OFFSET, name, strlen(name));
    h = aiops_fnv1a(h, "\xff", 1);
    return aiops_fnv1a(h, value, strlen(value));
}

int cl_service_id(aiops_cluster *c, const char *name, uint32_t *id, aiops_err *err)
{
    uint64_t h = aiops_fnv1a(AIOPS_FNV_OFFSET, name, strlen(name));
    if (aiops_map_get(&c->svcmap, h, id))
        return 0;
    if (c->nsvc >= CL_MAX_SERVICES)
        return aiops_err_set(err, AIOPS_ELIMIT, NULL, 0, "more than %d services", CL_MAX_SERVICES);
    if (AIOPS_GROW(c->svc, c->capsvc, c->nsvc + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    char *dup = strdup(name);
    if (!dup || aiops_map_put(&c->svcmap, h, (uint32_t)c->nsvc)) {
        free(dup);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    c->svc[c->nsvc] = (cl_service){dup, 0};
    *id = (uint32_t)c->nsvc++;
    return 0;
}

static int in_list(char **v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], s))
            return 1;
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static size_t sort_unique(uint64_t *v, size_t n)
{
    if (n)
        qsort(v, n, sizeof *v, cmp_u64);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!k || v[k - 1] != v[i])
            v[k++] = v[i];
    return k;
}

size_t aiops_cluster_tokens(const char *t, uint64_t *tok, size_t max)
{
    size_t k = 0;
    while (*t && k < max) {
        while (*t && !isalnum((unsigned char)*t) && *t != '<' && *t != '_' && *t != '-')
            t++;
        const char *s = t;
        while (*t && (isalnum((unsigned char)*t) || strchr("<*>_-.", *t)))
            t++;
        if (t > s) {
            uint64_t h = AIOPS_FNV_OFFSET;
            for (const char *q = s; q < t; q++)
                h = aiops_fnv1a(h, &(char){(char)tolower((unsigned char)*q)}, 1);
            tok[k++] = h;
        }
    }
    return sort_unique(tok, k);
}

static const char *vstr(aiops_rview *v, const char *obj, const char *k)
{
    return aiops_rview_str(v, obj, k, NULL);
}

/* Fingerprint text: 16 hex digits as the number, else its hash. */
static uint64_t fp_value(const char *s)
{
    size_t n = strlen(s);
    if (n && n <= 16 && strspn(s, "0123456789abcdefABCDEF") == n)
        return strtoull(s, NULL, 16);
    return aiops_fnv1a(AIOPS_FNV_OFFSET, s, n);
}

static const char *service_of(aiops_rview *v)
{
    static const char *const keys[] = {"service", "service_name", "app", "app_kubernetes_io_name",
                                       "k8s_app", "container", "job", "host", "instance", NULL};
    const char *s = vstr(v, NULL, "service");
    for (size_t i = 0; !s && keys[i]; i++)
        s = vstr(v, "labels", keys[i]);
    return s;
}

int cl_feat_of(aiops_cluster *c, aiops_rview *v, aiops_rtype type, uint32_t *fi, aiops_err *err)
{
    const char *name = vstr(v, NULL, "name");
    if (!name && type == AIOPS_R_ANOMALY)
        name = vstr(v, NULL, "series");
    if (!name)
        name = vstr(v, "labels", "alertname");
    if (!name)
        name = "";
    const char *fps = vstr(v, NULL, "fingerprint");
    const char *k, *lv;
    aiops_fkind kind;
    size_t it = 0;
    uint64_t fp;
    if (fps)
        fp = fp_value(fps);
    else {  /* name and the label pairs, in any order */
        fp = aiops_fnv1a(AIOPS_FNV_OFFSET, name, strlen(name));
        while (aiops_rview_next(v, "labels", &it, &k, &kind, &lv))
            if (lv)
                fp ^= cl_label_pair(k, lv) * 0x9E3779B97F4A7C15ULL;
        const char *ser = vstr(v, NULL, "series");
        if (ser)
            fp = aiops_fnv1a(fp, ser, strlen(ser));
        if (type == AIOPS_R_ANOMALY)
            fp = aiops_fnv1a(fp, "anomaly", 7);
    }
    if (aiops_map_get(&c->fpmap, fp, fi))
        return 0;
    if (c->nfeat >= CL_MAX_FPS)
        return aiops_err_set(err, AIOPS_ELIMIT, NULL, 0, "more than %d fingerprints", CL_MAX_FPS);
    if (AIOPS_GROW(c->feat, c->capfeat, c->nfeat + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    cl_feat *f = &c->feat[c->nfeat];
    memset(f, 0, sizeof *f);
    f->fp = fp;
    f->svc = UINT32_MAX;
    const char *svc = service_of(v);
    if (svc && *svc && cl_service_id(c, svc, &f->svc, err))
        return err ? err->code : AIOPS_ENOMEM;
    const char *sev = vstr(v, NULL, "severity");
    if (!sev)
        sev = vstr(v, "labels", "severity");
    f->sev = type == AIOPS_R_ANOMALY && !sev ? 2 : cl_severity(sev);
    it = 0;
    while (aiops_rview_next(v, "labels", &it, &k, &kind, &lv)) {
        if (!lv || f->nlab >= CL_MAX_LABELS)
            continue;
        if (c->labels ? !in_list(c->labels, c->nlabels, k) : in_list(c->ignore, c->nignore, k))
            continue;
        f->lab[f->nlab++] = cl_label_pair(k, lv);
    }
    if (aiops_rview_kind(v, "labels", "alertname") == AIOPS_F_NONE && *name && f->nlab < CL_MAX_LABELS &&
        (!c->labels || in_list(c->labels, c->nlabels, "alertname")))
        f->lab[f->nlab++] = cl_label_pair("alertname", name);
    f->nlab = (uint8_t)sort_unique(f->lab, f->nlab);
    const char *msg = vstr(v, "annotations", "summary");
    if (!msg)
        msg = vstr(v, "annotations", "message");
    if (!msg)
        msg = vstr(v, "annotations", "description");
    if (!msg)
        msg = vstr(v, NULL, "message");
    if (!msg)
        msg = vstr(v, NULL, "title");
    if (!msg)
        msg = name;
    char nosvc[512];
    if (svc && *svc && strstr(msg, svc)) {    /* the service is the topology part's: <svc> */
        size_t k = 0, sl = strlen(svc);
        for (const char *p = msg; *p && k + 6 < sizeof nosvc;)
            if (!strncmp(p, svc, sl)) {
                memcpy(nosvc + k, "<svc>", 5);
                k += 5;
                p += sl;
            } else
                nosvc[k++] = *p++;
        nosvc[k] = 0;
        msg = nosvc;
    }
    /* the template: libcore/logtmpl's miner, fed each fingerprint's message once */
    aiops_buf tb = {0};
    int rc = aiops_logtmpl_add(c->miner, msg, strlen(msg), &f->tid, err);
    if (rc < 0)
        return rc;
    if (aiops_logtmpl_text(c->miner, f->tid, &tb) || tb.oom) {
        aiops_buf_free(&tb);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    f->ntok = (uint8_t)aiops_cluster_tokens(tb.p, f->tok, CL_MAX_TOKENS);
    aiops_buf_free(&tb);
    f->name = strdup(name);
    if (!f->name || aiops_map_put(&c->fpmap, fp, (uint32_t)c->nfeat)) {
        free(f->name);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    f->last_start = -1;
    *fi = (uint32_t)c->nfeat++;
    return 0;
}
