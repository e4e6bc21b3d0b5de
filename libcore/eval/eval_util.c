/* eval_util.c - small helpers of the eval modules: growable arrays, JSON
 * field access with located errors, whole-file reads. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "eval/eval_impl.h"
#include "input/input.h"

int ev_times_push(ev_times *t, double v)
{
    if (AIOPS_GROW(t->v, t->cap, t->n + 1))
        return AIOPS_ENOMEM;
    t->v[t->n++] = v;
    return 0;
}

void ev_times_free(ev_times *t)
{
    free(t->v);
    memset(t, 0, sizeof *t);
}

void ev_strs_free(ev_strs *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

int ev_strs_has(const ev_strs *s, const char *x)
{
    for (size_t i = 0; x && i < s->n; i++)
        if (!strcmp(s->v[i], x))
            return 1;
    return 0;
}

char *ev_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

int ev_get_str(const json_t *o, const char *field, const char **out, const char *file,
               long line, aiops_err *err)
{
    json_t *v = json_object_get(o, field);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return aiops_err_set(err, AIOPS_EPARSE, file, line, "\"%s\": expected a string", field);
    *out = json_string_value(v);
    return 0;
}

int ev_get_time(const json_t *o, const char *field, int missing_ok, double *out,
                const char *file, long line, aiops_err *err)
{
    json_t *v = json_object_get(o, field);
    *out = NAN;
    if (!v || json_is_null(v)) {
        if (missing_ok)
            return 0;
        return aiops_err_set(err, AIOPS_EPARSE, file, line, "expected a \"%s\" time", field);
    }
    if (json_is_number(v))
        *out = json_number_value(v);
    else if (json_is_string(v))
        aiops_parse_time(json_string_value(v), json_string_length(v), out);
    if (!isfinite(*out))
        return aiops_err_set(err, AIOPS_EPARSE, file, line,
                             "\"%s\": expected epoch seconds or an RFC 3339 time", field);
    return 0;
}

int ev_get_strs(const json_t *o, const char *field, ev_strs *s, const char *file, long line,
                aiops_err *err)
{
    json_t *a = json_object_get(o, field), *x;
    size_t i;
    memset(s, 0, sizeof *s);
    if (!a || json_is_null(a))
        return 0;
    if (!json_is_array(a))
        return aiops_err_set(err, AIOPS_EPARSE, file, line, "\"%s\": expected an array of strings",
                             field);
    s->v = calloc(json_array_size(a) + 1, sizeof *s->v);
    if (!s->v)
        return aiops_err_set(err, AIOPS_ENOMEM, file, line, "out of memory");
    json_array_foreach(a, i, x) {
        if (!json_is_string(x)) {
            ev_strs_free(s);
            return aiops_err_set(err, AIOPS_EPARSE, file, line,
                                 "\"%s\"[%zu]: expected a string", field, i);
        }
        if (!(s->v[s->n++] = ev_strdup(json_string_value(x)))) {
            ev_strs_free(s);
            return aiops_err_set(err, AIOPS_ENOMEM, file, line, "out of memory");
        }
    }
    return 0;
}

json_t *ev_num(double v)
{
    if (!isfinite(v))
        return json_null();
    if (v == floor(v) && fabs(v) < 9e15)
        return json_integer((json_int_t)v);
    return json_real(v);
}

int ev_set(json_t *o, const char *k, json_t *v)
{
    if (!v || json_object_set_new(o, k, v))
        return AIOPS_ENOMEM;
    return 0;
}

int ev_slurp(const char *path, char **data, size_t *len, aiops_err *err)
{
    aiops_entry *e = NULL;
    size_t ne = 0;
    aiops_stream *st = NULL;
    *data = NULL;
    int rc = aiops_entries_expand(&path, 1, &e, &ne, err);
    if (!rc && ne != 1)
        rc = aiops_err_set(err, AIOPS_EINVAL, path, 0, "expected one file, found %zu entries", ne);
    if (!rc)
        rc = aiops_stream_open_entry(&e[0], 0, 0, &st, err);
    char *p = NULL;
    if (!rc)
        rc = aiops_stream_slurp(st, &p, len, err);
    if (!rc && !(*data = malloc(*len + 1)))
        rc = aiops_err_set(err, AIOPS_ENOMEM, path, 0, "out of memory");
    if (!rc) {
        memcpy(*data, p, *len);
        (*data)[*len] = '\0';
    }
    aiops_stream_free(st);
    aiops_entries_free(e, ne);
    return rc;
}

int ev_slurp_json(const char *path, json_t **doc, json_error_t *je, aiops_err *err)
{
    char *data;
    size_t len;
    *doc = NULL;
    int rc = ev_slurp(path, &data, &len, err);
    if (rc)
        return rc;
    *doc = json_loadb(data, len, 0, je);
    free(data);
    return 0;
}

void ev_label_free(ev_label *l)
{
    free(l->id);
    free(l->root_cause);
    free(l->kind);
    ev_strs_free(&l->affected);
    ev_strs_free(&l->alerts);
    ev_strs_free(&l->series);
}

/* A label lists its series, or else applies to the series of its
 * services (root cause and affected); series without a service label
 * are covered by every label without a series list. */
int ev_label_applies(const ev_label *l, const aiops_series *s)
{
    if (l->series.n)
        return ev_strs_has(&l->series, s->text) || ev_strs_has(&l->series, s->name);
    const char *svc = aiops_series_service(s);
    if (!svc)
        return 1;
    return (l->root_cause && !strcmp(l->root_cause, svc)) || ev_strs_has(&l->affected, svc);
}
