/* sim_parse_get.c - the scenario parser's typed member readers (see
 * sim_parse.h for why they are not jdoc.h's). */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_parse.h"

int sim_oom(sim_pctx *c)
{
    return aiops_err_set(c->jd.err, AIOPS_ENOMEM, c->jd.file, 0, "out of memory");
}

int sim_bad_at(sim_pctx *c, const char *key, const char *fmt, ...)
{
    char msg[420];           /* as long as jdoc's own message */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    aiops_jdoc_key(&c->jd, key);
    int rc = aiops_jdoc_bad(&c->jd, "%s", msg);
    aiops_jdoc_pop(&c->jd);
    return rc;
}

/* "key: expected <want>, got <v as JSON, cut at 60 bytes>". */
static int wrong(sim_pctx *c, const char *key, json_t *v, const char *want)
{
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    int rc = sim_bad_at(c, key, "expected %s, got %.60s", want, s ? s : "?");
    free(s);
    return rc;
}

int sim_get_num(sim_pctx *c, json_t *o, const char *key, double dflt, double lo, double hi,
                double *out)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        *out = dflt;
        return 0;
    }
    if (!json_is_number(v) || !(json_number_value(v) >= lo && json_number_value(v) <= hi)) {
        char want[80];
        snprintf(want, sizeof want, "a number in [%g, %g]", lo, hi);
        return wrong(c, key, v, want);
    }
    *out = json_number_value(v);
    return 0;
}

int sim_get_dur(sim_pctx *c, json_t *o, const char *key, double dflt, double lo, double *out)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        *out = dflt;
        return 0;
    }
    double d = NAN;
    if (json_is_number(v))
        d = json_number_value(v);
    else if (json_is_string(v) &&
             aiops_parse_duration(json_string_value(v), json_string_length(v), &d))
        d = NAN;
    if (!(d >= lo) || !isfinite(d)) {
        char want[120];
        snprintf(want, sizeof want,
                 "a duration >= %gs (e.g. \"90s\", \"5m\", \"1h30m\", \"2d\")", lo);
        return wrong(c, key, v, want);
    }
    *out = d;
    return 0;
}

int sim_get_str(sim_pctx *c, json_t *o, const char *key, const char *dflt, char **out)
{
    json_t *v = json_object_get(o, key);
    const char *s = dflt;
    if (v) {
        /* a string with a NUL inside would be cut short by every user */
        if (!json_is_string(v) || json_string_length(v) == 0 ||
            strlen(json_string_value(v)) != json_string_length(v))
            return wrong(c, key, v, "a non-empty string");
        s = json_string_value(v);
    }
    *out = s ? strdup(s) : NULL;
    return s && !*out ? sim_oom(c) : 0;
}

int sim_get_time(sim_pctx *c, json_t *o, const char *key, const char *example, double *out)
{
    json_t *v = json_object_get(o, key);
    if (v && (!json_is_string(v) ||
              aiops_parse_time(json_string_value(v), json_string_length(v), out)))
        return sim_bad_at(c, key, "expected an RFC 3339 time like \"%s\"", example);
    return 0;
}

int sim_get_obj(sim_pctx *c, json_t *o, const char *key, json_t **out)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (v && !json_is_object(v))
        return sim_bad_at(c, key, "expected an object");
    *out = v;
    return 0;
}

int sim_get_arr(sim_pctx *c, json_t *o, const char *key, int required, json_t **out)
{
    json_t *v = json_object_get(o, key);
    *out = v;
    if (!v && required)
        return aiops_jdoc_bad(&c->jd, "expected a member \"%s\" (array)", key);
    if (v && !json_is_array(v))
        return sim_bad_at(c, key, "expected an array");
    return 0;
}

int sim_get_nums(sim_pctx *c, json_t *o, const char *key, const sim_numfield *f)
{
    json_t *t;
    int rc = sim_get_obj(c, o, key, &t);
    if (rc || !t)
        return rc;
    const char *keys[8];
    size_t n = 0;
    for (; f[n].key && n < 7; n++)
        keys[n] = f[n].key;
    keys[n] = NULL;
    aiops_jdoc_key(&c->jd, key);
    rc = sim_check_keys(c, t, keys);
    for (size_t i = 0; !rc && f[i].key; i++)
        rc = sim_get_num(c, t, f[i].key, *f[i].dst, f[i].lo, f[i].hi, f[i].dst);
    aiops_jdoc_pop(&c->jd);
    return rc;
}

int sim_each(sim_pctx *c, json_t *arr, const char *key, size_t *count, sim_item_fn one,
             void *arg)
{
    int rc = 0;
    aiops_jdoc_key(&c->jd, key);
    for (size_t i = 0; !rc && i < json_array_size(arr); i++) {
        aiops_jdoc_idx(&c->jd, i);
        if (count)
            *count = i + 1;
        rc = one(c, json_array_get(arr, i), i, arg);
        aiops_jdoc_pop(&c->jd);
    }
    aiops_jdoc_pop(&c->jd);
    return rc;
}

int sim_check_keys(sim_pctx *c, json_t *o, const char *const *known)
{
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        int ok = 0;
        for (size_t i = 0; known[i] && !ok; i++)
            ok = strcmp(known[i], k) == 0;
        if (ok)
            continue;
        char list[300] = "";
        size_t n = 0;
        for (size_t i = 0; known[i] && n < sizeof list; i++) {
            int w = snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", known[i]);
            n += w > 0 ? (size_t)w : 0;
        }
        return sim_bad_at(c, k, "unknown member \"%s\"; expected one of: %s", k, list);
    }
    return 0;
}

int sim_valid_name(const char *s)
{
    if (!*s || strlen(s) > 63)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
            return 0;
    return 1;
}

int sim_get_name(sim_pctx *c, json_t *o, const char *key, const char *dflt, char **out)
{
    int rc = sim_get_str(c, o, key, dflt, out);
    if (!rc && *out && !sim_valid_name(*out))
        rc = sim_bad_at(c, key, "expected a name of letters, digits, '-', '_', '.' (at most 63)");
    return rc;
}

long sim_find_service(const aiops_sim_scenario *sc, const char *name)
{
    for (size_t i = 0; i < sc->nsvc; i++)
        if (!strcmp(sc->svc[i].name, name))
            return (long)i;
    return -1;
}
