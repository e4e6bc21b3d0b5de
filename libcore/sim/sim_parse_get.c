/* sim_parse_get.c - the scenario parser's typed member readers, over
 * jdoc.h's getters (sim_parse.h). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim_parse.h"

int sim_oom(sim_pctx *c)
{
    return aiops_err_set(c->jd.err, AIOPS_ENOMEM, c->jd.file, 0, "out of memory");
}

/* The scenario's getters: null is a wrong value, not an absent one, and
 * a wrong value is quoted in the message (got "abc"). */
#define GET (AIOPS_JDOC_NULL | AIOPS_JDOC_QUOTE)

int sim_get_num(sim_pctx *c, json_t *o, const char *key, double dflt, double lo, double hi,
                double *out)
{
    return aiops_jdoc_num_or(&c->jd, o, key, GET, dflt, lo, hi, out);
}

int sim_get_dur(sim_pctx *c, json_t *o, const char *key, double dflt, double lo, double *out)
{
    json_t *v;
    double d = NAN;
    int rc = aiops_jdoc_field(&c->jd, o, key, GET, "a duration", &v);
    *out = dflt;
    if (rc <= 0)
        return rc;
    if (json_is_number(v))
        d = json_number_value(v);
    else if (json_is_string(v) &&
             aiops_parse_duration(json_string_value(v), json_string_length(v), &d))
        d = NAN;
    if (d >= lo && isfinite(d)) {
        *out = d;
        return 0;
    }
    char want[120];
    snprintf(want, sizeof want, "a duration >= %gs (e.g. \"90s\", \"5m\", \"1h30m\", \"2d\")", lo);
    return aiops_jdoc_expect(&c->jd, key, v, GET, want);
}

int sim_get_str(sim_pctx *c, json_t *o, const char *key, const char *dflt, char **out)
{
    json_t *v;
    const char *s = dflt;
    int rc = aiops_jdoc_field(&c->jd, o, key, GET, "a string", &v);
    if (rc > 0) {
        /* a string with a NUL inside would be cut short by every user */
        if (!json_is_string(v) || json_string_length(v) == 0 ||
            strlen(json_string_value(v)) != json_string_length(v))
            return aiops_jdoc_expect(&c->jd, key, v, GET, "a non-empty string");
        s = json_string_value(v);
    }
    *out = s ? strdup(s) : NULL;
    return s && !*out ? sim_oom(c) : 0;
}

int sim_get_time(sim_pctx *c, json_t *o, const char *key, const char *example, double *out)
{
    json_t *v;
    if (aiops_jdoc_field(&c->jd, o, key, GET, "a time", &v) > 0 &&
        (!json_is_string(v) || aiops_parse_time(json_string_value(v), json_string_length(v), out)))
        return sim_bad_at(c, key, "expected an RFC 3339 time like \"%s\"", example);
    return 0;
}

/* Member key of o if it has the JSON type: 0 (*out NULL when absent) or
 * "key: expected WANT" (the scenario's wording, without the value). */
static int typed(sim_pctx *c, json_t *o, const char *key, json_type type, const char *want,
                 json_t **out)
{
    if (aiops_jdoc_field(&c->jd, o, key, GET, want, out) > 0 && json_typeof(*out) != type) {
        *out = NULL;
        return sim_bad_at(c, key, "expected %s", want);
    }
    return 0;
}

int sim_get_obj(sim_pctx *c, json_t *o, const char *key, json_t **out)
{
    return typed(c, o, key, JSON_OBJECT, "an object", out);
}

int sim_get_arr(sim_pctx *c, json_t *o, const char *key, int required, json_t **out)
{
    int rc = typed(c, o, key, JSON_ARRAY, "an array", out);
    if (!rc && !*out && required)
        return aiops_jdoc_bad(&c->jd, "expected a member \"%s\" (array)", key);
    return rc;
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
