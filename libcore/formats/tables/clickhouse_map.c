/* clickhouse_map.c - ClickHouse's Map text in a cell, {'k':'v', 'n':12}:
 * keys and values as '...' or "..." literals with backslash escapes, or
 * values as bare numbers (Map(String, UInt64)); so a simple JSON object
 * of strings reads too. */
#include <stdlib.h>
#include <string.h>

#include "formats/tables/clickhouse.h"

static void skip_sp(const char **p)
{
    while (**p == ' ' || **p == '\t' || **p == '\n')
        (*p)++;
}

/* A '...' or "..." literal with backslash escapes, into a new json
 * string; NULL when unclosed or not UTF-8. */
static json_t *quoted(const char **p)
{
    char q = **p;
    const char *e = *p + 1;
    while (*e && *e != q)
        e += e[0] == '\\' && e[1] ? 2 : 1;
    if (*e != q)
        return NULL;
    char *buf = malloc((size_t)(e - *p));
    size_t k = 0;
    if (!buf)
        return NULL;
    for ((*p)++; *p < e; (*p)++) {
        char c = **p;
        if (c == '\\')
            c = aiops_ch_unescape(*++*p);
        buf[k++] = c;
    }
    (*p)++;
    json_t *s = json_stringn(buf, k);
    free(buf);
    return s;
}

json_t *aiops_ch_map_text(const char *s)
{
    json_t *o = json_object();
    const char *p = s;
    skip_sp(&p);
    if (!o || *p++ != '{')
        goto bad;
    skip_sp(&p);
    if (*p == '}')
        return p[1] == '\0' ? o : (json_decref(o), NULL);
    for (;;) {
        skip_sp(&p);
        if (*p != '\'' && *p != '"')
            goto bad;
        json_t *k = quoted(&p), *v;
        skip_sp(&p);
        if (!k || *p++ != ':') {
            json_decref(k);
            goto bad;
        }
        skip_sp(&p);
        if (*p == '\'' || *p == '"') {
            v = quoted(&p);
        } else {   /* Map(String, number): the number's text */
            size_t n = strcspn(p, ",}");
            while (n && p[n - 1] == ' ')
                n--;
            v = n ? json_stringn(p, n) : NULL;
            p += n;
        }
        int fail = !v || json_object_set_new(o, json_string_value(k), v);
        json_decref(k);
        if (fail)
            goto bad;
        skip_sp(&p);
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p == '}' && p[1] == '\0')
            return o;
        goto bad;
    }
bad:
    json_decref(o);
    return NULL;
}
