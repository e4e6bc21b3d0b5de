/* selector.c - Prometheus-style series selectors for --match:
 *   name{label="v", label!="v", label=~"re", label!~"re"}
 * Semantics follow PromQL: an absent label has the value "", regexes are
 * fully anchored.  Regexes are POSIX extended (regcomp), not RE2: \d and
 * friends are not available; [0-9] is. */
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "aiops_format.h"
#include "common/array.h"

typedef enum { M_EQ, M_NE, M_RE, M_NRE } mop;

typedef struct matcher {
    char *label;
    char *value;
    mop op;
    regex_t re;
    int has_re;
} matcher;

struct aiops_selector {
    matcher *m;
    size_t n, cap;
};

void aiops_selector_free(aiops_selector *sel)
{
    if (!sel)
        return;
    for (size_t i = 0; i < sel->n; i++) {
        free(sel->m[i].label);
        free(sel->m[i].value);
        if (sel->m[i].has_re)
            regfree(&sel->m[i].re);
    }
    free(sel->m);
    free(sel);
}

static char *dupn(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static int add(aiops_selector *sel, const char *l, size_t ln, const char *v, size_t vn, mop op,
               aiops_err *err)
{
    if (AIOPS_GROW(sel->m, sel->cap, sel->n + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    matcher *m = &sel->m[sel->n];
    memset(m, 0, sizeof *m);
    m->op = op;
    m->label = dupn(l, ln);
    m->value = dupn(v, vn);
    if (!m->label || !m->value) {
        free(m->label);
        free(m->value);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    sel->n++;
    if (op == M_RE || op == M_NRE) {
        size_t pl = vn + 5;
        char *pat = malloc(pl);
        if (!pat)
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        snprintf(pat, pl, "^(%s)$", m->value);
        int rc = regcomp(&m->re, pat, REG_EXTENDED | REG_NOSUB);
        free(pat);
        if (rc) {
            char eb[128];
            regerror(rc, &m->re, eb, sizeof eb);
            return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "bad regex \"%s\" for label %s: %s",
                                 m->value, m->label, eb);
        }
        m->has_re = 1;
    }
    return 0;
}

static void ws(const char *s, size_t *i)
{
    while (s[*i] == ' ' || s[*i] == '\t')
        (*i)++;
}

static int is_name_char(char c, int first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
           (!first && c >= '0' && c <= '9');
}

/* A quoted string with escapes \\ \" \n (single or double quotes). */
static int quoted(const char *s, size_t *i, char **out, size_t *outn)
{
    char q = s[*i];
    if (q != '"' && q != '\'')
        return -1;
    size_t st = ++*i, n = 0;
    char *buf = malloc(strlen(s + st) + 1);
    if (!buf)
        return -1;
    while (s[*i] && s[*i] != q) {
        if (s[*i] == '\\' && s[*i + 1]) {
            char e = s[*i + 1];
            buf[n++] = e == 'n' ? '\n' : e == 't' ? '\t' : e;
            *i += 2;
        } else {
            buf[n++] = s[(*i)++];
        }
    }
    if (s[*i] != q) {
        free(buf);
        return -1;
    }
    (*i)++;
    buf[n] = '\0';
    *out = buf;
    *outn = n;
    return 0;
}

static int parse_matchers(aiops_selector *sel, const char *s, size_t *i, aiops_err *err)
{
    for (;;) {
        ws(s, i);
        if (s[*i] == '}')
            return 0;
        size_t ls = *i;
        while (is_name_char(s[*i], *i == ls))
            (*i)++;
        if (*i == ls)
            return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                                 "selector: expected a label name at offset %zu", ls);
        size_t le = *i;
        ws(s, i);
        mop op;
        if (s[*i] == '=' && s[*i + 1] == '~') {
            op = M_RE;
            *i += 2;
        } else if (s[*i] == '!' && s[*i + 1] == '~') {
            op = M_NRE;
            *i += 2;
        } else if (s[*i] == '!' && s[*i + 1] == '=') {
            op = M_NE;
            *i += 2;
        } else if (s[*i] == '=') {
            op = M_EQ;
            (*i)++;
        } else {
            return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                                 "selector: expected =, !=, =~ or !~ after label '%.*s'",
                                 (int)(le - ls), s + ls);
        }
        ws(s, i);
        char *v;
        size_t vn;
        if (quoted(s, i, &v, &vn))
            return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                                 "selector: expected a quoted value for label '%.*s'",
                                 (int)(le - ls), s + ls);
        int rc = add(sel, s + ls, le - ls, v, vn, op, err);
        free(v);
        if (rc)
            return rc;
        ws(s, i);
        if (s[*i] == ',') {
            (*i)++;
            continue;
        }
        if (s[*i] == '}')
            return 0;
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "selector: expected ',' or '}' at offset %zu", *i);
    }
}

int aiops_selector_parse(const char *s, aiops_selector **out, aiops_err *err)
{
    aiops_selector *sel = calloc(1, sizeof *sel);
    if (!sel)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    size_t i = 0;
    int rc = 0;
    ws(s, &i);
    size_t ns = i;
    while (is_name_char(s[i], i == ns))
        i++;
    if (i > ns)
        rc = add(sel, "__name__", 8, s + ns, i - ns, M_EQ, err);
    ws(s, &i);
    if (!rc && s[i] == '{') {
        i++;
        rc = parse_matchers(sel, s, &i, err);
        if (!rc)
            i++;
    }
    ws(s, &i);
    if (!rc && s[i])
        rc = aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                           "selector: expected name{label=\"value\",...}, unexpected '%s'", s + i);
    if (!rc && sel->n == 0)
        rc = aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "selector: empty selector matches nothing");
    if (rc) {
        aiops_selector_free(sel);
        return rc;
    }
    *out = sel;
    return 0;
}

static const char *series_get(const void *ctx, const char *name)
{
    return aiops_series_label(ctx, name);
}

int aiops_selector_match(const aiops_selector *sel, const aiops_series *s)
{
    return aiops_selector_match_fn(sel, series_get, s);
}

static const char *record_get(const void *ctx, const char *name)
{
    const json_t *obj = ctx;
    json_t *v = NULL;
    if (strcmp(name, "__name__") == 0) {
        v = json_object_get(obj, "name");
    } else {
        v = json_object_get(json_object_get(obj, "labels"), name);
        if (!v && strcmp(name, "service") == 0)
            v = json_object_get(obj, "service");
    }
    return json_is_string(v) ? json_string_value(v) : NULL;
}

int aiops_selector_match_record(const aiops_selector *sel, const json_t *obj)
{
    return aiops_selector_match_fn(sel, record_get, obj);
}

int aiops_selector_match_fn(const aiops_selector *sel,
                            const char *(*get)(const void *ctx, const char *name), const void *ctx)
{
    for (size_t i = 0; i < sel->n; i++) {
        const matcher *m = &sel->m[i];
        const char *v = get(ctx, m->label);
        if (!v)
            v = "";
        int ok;
        switch (m->op) {
        case M_EQ: ok = strcmp(v, m->value) == 0; break;
        case M_NE: ok = strcmp(v, m->value) != 0; break;
        case M_RE: ok = regexec(&m->re, v, 0, NULL, 0) == 0; break;
        default: ok = regexec(&m->re, v, 0, NULL, 0) != 0; break;
        }
        if (!ok)
            return 0;
    }
    return 1;
}

/* ---- several selectors over records */

struct aiops_match {
    aiops_selector **sel;
    size_t n, cap;
    uint8_t *cache;             /* per series id: 0 unknown, 1 keep, 2 drop */
    size_t ncache;
};

aiops_match *aiops_match_new(void)
{
    return calloc(1, sizeof(aiops_match));
}

void aiops_match_free(aiops_match *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        aiops_selector_free(m->sel[i]);
    free(m->sel);
    free(m->cache);
    free(m);
}

int aiops_match_add(aiops_match *m, const char *text, aiops_err *err)
{
    if (AIOPS_GROW(m->sel, m->cap, m->n + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    int rc = aiops_selector_parse(text, &m->sel[m->n], err);
    if (!rc)
        m->n++;
    return rc;
}

size_t aiops_match_count(const aiops_match *m)
{
    return m->n;
}

static int match_series(aiops_match *m, aiops_series_table *tab, uint32_t sid)
{
    /* No room to cache: just answer. */
    if (AIOPS_GROW_ZERO(m->cache, m->ncache, (size_t)sid + 1))
        goto uncached;
    if (!m->cache[sid]) {
        const aiops_series *s = aiops_series_get(tab, sid);
        int ok = 0;
        for (size_t i = 0; s && i < m->n && !ok; i++)
            ok = aiops_selector_match(m->sel[i], s);
        m->cache[sid] = ok ? 1 : 2;
    }
    return m->cache[sid] == 1;
uncached:;
    const aiops_series *s = aiops_series_get(tab, sid);
    for (size_t i = 0; s && i < m->n; i++)
        if (aiops_selector_match(m->sel[i], s))
            return 1;
    return 0;
}

int aiops_match_record(aiops_match *m, aiops_series_table *tab, const aiops_record *r)
{
    if (!m || m->n == 0)
        return 1;
    if (r->type == AIOPS_R_SAMPLE)
        return match_series(m, tab, r->sid);
    if (!json_object_get(r->obj, "labels"))
        return 1;
    for (size_t i = 0; i < m->n; i++)
        if (aiops_selector_match_record(m->sel[i], r->obj))
            return 1;
    return 0;
}
