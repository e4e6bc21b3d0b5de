/* sim_scenario.c - load and validate a scenario JSON (docs/SCENARIOS.md).
 *
 * jansson keeps no source positions, so every value is read through a
 * small context that tracks its JSON path; an error names the path and
 * the line of the value in the raw text (jdoc.h: "FILE:LINE: path:
 * expected ...").  Service fields may come from the top-level "defaults" object:
 * it is merged under each service first, and a value that only exists
 * there is reported at the service's line. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/jdoc.h"
#include "sim/sim.h"

#define MAX_SERVICES 2000
#define MAX_STEPS ((size_t)20000000)
#define MAX_DAY_POINTS ((size_t)5000000)     /* services x steps per day: 400 MB of values */

/* The loader's context: errors go through jd, which holds the raw text
 * and the JSON path of the value being read (jdoc.h). */
typedef struct pctx {
    aiops_jdoc jd;
    aiops_sim_scenario *sc;
} pctx;

/* ------------------------------------------------------ typed getters */

/* Short text of a JSON value for messages. */
static void show(json_t *v, char *buf, size_t n)
{
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    snprintf(buf, n, "%.60s", s ? s : "?");
    free(s);
}

static int get_num(pctx *c, json_t *o, const char *key, double dflt, double lo, double hi,
                   double *out)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        *out = dflt;
        return 0;
    }
    aiops_jdoc_key(&c->jd, key);
    int rc = 0;
    if (!json_is_number(v) || !(json_number_value(v) >= lo && json_number_value(v) <= hi)) {
        char got[80];
        show(v, got, sizeof got);
        rc = aiops_jdoc_bad(&c->jd, "expected a number in [%g, %g], got %s", lo, hi, got);
    } else {
        *out = json_number_value(v);
    }
    aiops_jdoc_pop(&c->jd);
    return rc;
}

/* Duration: seconds as a number, or text like "90s", "5m", "1h30m", "2d". */
static int get_dur(pctx *c, json_t *o, const char *key, double dflt, double lo, double *out)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        *out = dflt;
        return 0;
    }
    aiops_jdoc_key(&c->jd, key);
    double d = NAN;
    if (json_is_number(v))
        d = json_number_value(v);
    else if (json_is_string(v) &&
             aiops_parse_duration(json_string_value(v), json_string_length(v), &d))
        d = NAN;
    int rc = 0;
    if (!(d >= lo) || !isfinite(d)) {
        char got[80];
        show(v, got, sizeof got);
        rc = aiops_jdoc_bad(&c->jd,
                            "expected a duration >= %gs (e.g. \"90s\", \"5m\", \"1h30m\", \"2d\"), got %s",
                            lo, got);
    } else {
        *out = d;
    }
    aiops_jdoc_pop(&c->jd);
    return rc;
}

static int get_str(pctx *c, json_t *o, const char *key, const char *dflt, char **out)
{
    json_t *v = json_object_get(o, key);
    const char *s = dflt;
    if (v) {
        if (!json_is_string(v) || json_string_length(v) == 0 ||
            strlen(json_string_value(v)) != json_string_length(v)) {
            char got[80];
            show(v, got, sizeof got);
            aiops_jdoc_key(&c->jd, key);
            int rc = aiops_jdoc_bad(&c->jd, "expected a non-empty string, got %s", got);
            aiops_jdoc_pop(&c->jd);
            return rc;
        }
        s = json_string_value(v);
    }
    *out = s ? strdup(s) : NULL;
    if (s && !*out)
        return aiops_err_set(c->jd.err, AIOPS_ENOMEM, c->jd.file, 0, "out of memory");
    return 0;
}

/* An optional object member: NULL if absent, error if not an object. */
static int get_obj(pctx *c, json_t *o, const char *key, json_t **out)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v)
        return 0;
    if (!json_is_object(v)) {
        aiops_jdoc_key(&c->jd, key);
        int rc = aiops_jdoc_bad(&c->jd, "expected an object");
        aiops_jdoc_pop(&c->jd);
        return rc;
    }
    *out = v;
    return 0;
}

static int get_arr(pctx *c, json_t *o, const char *key, int required, json_t **out)
{
    json_t *v = json_object_get(o, key);
    *out = v;
    if (!v && !required)
        return 0;
    if (!v)
        return aiops_jdoc_bad(&c->jd, "expected a member \"%s\" (array)", key);
    if (!json_is_array(v)) {
        aiops_jdoc_key(&c->jd, key);
        int rc = aiops_jdoc_bad(&c->jd, "expected an array");
        aiops_jdoc_pop(&c->jd);
        return rc;
    }
    return 0;
}

/* Reject members the schema does not know: a typo must not silently fall
 * back to a default. */
static int check_keys(pctx *c, json_t *o, const char *const *known)
{
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        int ok = 0;
        for (size_t i = 0; known[i] && !ok; i++)
            ok = strcmp(known[i], k) == 0;
        if (!ok) {
            aiops_jdoc_key(&c->jd, k);
            char list[300] = "";
            size_t n = 0;
            for (size_t i = 0; known[i] && n < sizeof list; i++) {
                int w = snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", known[i]);
                n += w > 0 ? (size_t)w : 0;
            }
            int rc = aiops_jdoc_bad(&c->jd, "unknown member \"%s\"; expected one of: %s", k, list);
            aiops_jdoc_pop(&c->jd);
            return rc;
        }
    }
    return 0;
}

static int valid_name(const char *s)
{
    if (!*s || strlen(s) > 63)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
            return 0;
    return 1;
}

/* ------------------------------------------------------ services */

/* The parts of a service that depend on its kind when not given. */
typedef struct kind_defaults {
    const char *kind;
    double p50, p99, err, mem, limit, disk;
} kind_defaults;

static const kind_defaults KINDS[] = {
    {"http", 0.045, 0.25, 0.001, 400e6, 1024e6, 0.30},
    {"db", 0.004, 0.03, 0.0002, 4000e6, 8192e6, 0.55},
    {"cache", 0.0008, 0.005, 0.0001, 1500e6, 4096e6, 0.10},
    {"queue", 0.002, 0.02, 0.0002, 1000e6, 2048e6, 0.40},
    {"worker", 0.15, 0.7, 0.002, 600e6, 2048e6, 0.20},
    {NULL, 0, 0, 0, 0, 0, 0},
};

static const kind_defaults *find_kind(const char *k)
{
    for (size_t i = 0; KINDS[i].kind; i++)
        if (!strcmp(KINDS[i].kind, k))
            return &KINDS[i];
    return NULL;
}

/* defaults under service, one level deep for nested objects. */
static json_t *merged(json_t *dflt, json_t *svc)
{
    json_t *m = dflt ? json_deep_copy(dflt) : json_object();
    const char *k;
    json_t *v;
    if (!m)
        return NULL;
    json_object_foreach(svc, k, v) {
        json_t *d = json_object_get(m, k);
        if (json_is_object(d) && json_is_object(v)) {
            json_t *cp = json_deep_copy(d);
            json_object_update(cp, v);
            json_object_set_new(m, k, cp);
        } else {
            json_object_set(m, k, v);
        }
    }
    return m;
}

static int parse_templates(pctx *c, json_t *arr, aiops_sim_service *s)
{
    size_t n = json_array_size(arr);
    s->logs = calloc(n ? n : 1, sizeof *s->logs);
    if (!s->logs)
        return aiops_err_set(c->jd.err, AIOPS_ENOMEM, c->jd.file, 0, "out of memory");
    static const char *const keys[] = {"level", "text", "weight", NULL};
    static const char *const lv[] = {"info", "warn", "error"};
    for (size_t i = 0; i < n; i++) {
        json_t *t = json_array_get(arr, i);
        aiops_jdoc_idx(&c->jd, i);
        int rc = json_is_object(t) ? check_keys(c, t, keys)
                                   : aiops_jdoc_bad(&c->jd,
                                                    "expected an object {\"level\", \"text\"}");
        char *level = NULL;
        aiops_sim_template *tp = &s->logs[i];
        if (!rc)
            rc = get_str(c, t, "level", "info", &level);
        if (!rc)
            rc = get_str(c, t, "text", NULL, &tp->text);
        if (!rc && !tp->text)
            rc = aiops_jdoc_bad(&c->jd, "expected a member \"text\" (log line template)");
        if (!rc)
            rc = get_num(c, t, "weight", 1, 0, 1e9, &tp->weight);
        tp->level = -1;
        for (int l = 0; !rc && level && l < 3; l++)
            if (!strcmp(level, lv[l]))
                tp->level = l;
        if (!rc && tp->level < 0) {
            aiops_jdoc_key(&c->jd, "level");
            rc = aiops_jdoc_bad(&c->jd, "expected \"info\", \"warn\" or \"error\", got \"%s\"",
                                level);
            aiops_jdoc_pop(&c->jd);
        }
        free(level);
        s->nlogs = i + 1;
        aiops_jdoc_pop(&c->jd);
        if (rc)
            return rc;
    }
    return 0;
}

static int parse_traffic(pctx *c, json_t *o, aiops_sim_service *s)
{
    static const char *const keys[] = {"rps", "daily_amplitude", "peak_hour", "weekend_factor",
                                       "trend_per_day", "noise", NULL};
    json_t *t;
    int rc = get_obj(c, o, "traffic", &t);
    if (rc || !t)
        return rc;
    aiops_jdoc_key(&c->jd, "traffic");
    rc = check_keys(c, t, keys);
    if (!rc)
        rc = get_num(c, t, "rps", s->base_rps, 0, 1e9, &s->base_rps);
    if (!rc)
        rc = get_num(c, t, "daily_amplitude", s->daily_amp, 0, 0.95, &s->daily_amp);
    if (!rc)
        rc = get_num(c, t, "peak_hour", s->peak_hour, 0, 24, &s->peak_hour);
    if (!rc)
        rc = get_num(c, t, "weekend_factor", s->weekend_factor, 0, 10, &s->weekend_factor);
    if (!rc)
        rc = get_num(c, t, "trend_per_day", s->trend_per_day, -0.05, 1, &s->trend_per_day);
    if (!rc)
        rc = get_num(c, t, "noise", s->noise, 0, 1, &s->noise);
    aiops_jdoc_pop(&c->jd);
    return rc;
}

/* Nested {a: x, b: y} objects of plain numbers. */
typedef struct numfield {
    const char *key;
    double *dst;
    double lo, hi;
} numfield;

static int parse_nums(pctx *c, json_t *o, const char *key, const numfield *f)
{
    json_t *t;
    int rc = get_obj(c, o, key, &t);
    if (rc || !t)
        return rc;
    const char *keys[8];
    size_t n = 0;
    for (; f[n].key && n < 7; n++)
        keys[n] = f[n].key;
    keys[n] = NULL;
    aiops_jdoc_key(&c->jd, key);
    rc = check_keys(c, t, keys);
    for (size_t i = 0; !rc && f[i].key; i++)
        rc = get_num(c, t, f[i].key, *f[i].dst, f[i].lo, f[i].hi, f[i].dst);
    aiops_jdoc_pop(&c->jd);
    return rc;
}

static int parse_batch(pctx *c, json_t *o, aiops_sim_service *s)
{
    static const char *const keys[] = {"hour", "duration", "cpu", NULL};
    json_t *b;
    int rc = get_obj(c, o, "batch", &b);
    if (rc || !b)
        return rc;
    aiops_jdoc_key(&c->jd, "batch");
    s->batch = 1;
    rc = check_keys(c, b, keys);
    if (!rc)
        rc = get_num(c, b, "hour", 2, 0, 24, &s->batch_hour);
    if (!rc)
        rc = get_dur(c, b, "duration", 3600, 60, &s->batch_duration);
    if (!rc && s->batch_duration > 12 * 3600) {
        aiops_jdoc_key(&c->jd, "duration");
        rc = aiops_jdoc_bad(&c->jd, "expected a duration of at most 12h");
        aiops_jdoc_pop(&c->jd);
    }
    if (!rc)
        rc = get_num(c, b, "cpu", 0.7, 0, 1, &s->batch_cpu);
    aiops_jdoc_pop(&c->jd);
    return rc;
}

static int parse_service_fields(pctx *c, json_t *o, aiops_sim_service *s)
{
    static const char *const keys[] = {"name", "kind", "calls", "traffic", "capacity", "cpu",
                                       "latency", "error_ratio", "memory", "disk", "batch",
                                       "replicas", "version", "logs", NULL};
    int rc = check_keys(c, o, keys);
    if (!rc)
        rc = get_str(c, o, "kind", "http", &s->kind);
    const kind_defaults *kd = rc ? NULL : find_kind(s->kind);
    if (!rc && !kd) {
        aiops_jdoc_key(&c->jd, "kind");
        rc = aiops_jdoc_bad(&c->jd, "expected one of http, db, cache, queue, worker, got \"%s\"",
                            s->kind);
        aiops_jdoc_pop(&c->jd);
    }
    if (rc)
        return rc;
    s->daily_amp = 0.5;
    s->peak_hour = 14;
    s->weekend_factor = 0.7;
    s->noise = 0.05;
    s->cpu_idle = 0.05;
    s->cpu_per_util = 0.5;
    s->p50 = kd->p50;
    s->p99 = kd->p99;
    s->err_ratio = kd->err;
    s->mem_base = kd->mem;
    s->mem_limit = kd->limit;
    s->disk_base = kd->disk;
    s->disk_per_day = 0.002;
    const numfield cpu[] = {{"idle", &s->cpu_idle, 0, 1}, {"per_util", &s->cpu_per_util, 0, 2},
                            {NULL, NULL, 0, 0}};
    const numfield lat[] = {{"p50", &s->p50, 1e-6, 60}, {"p99", &s->p99, 1e-6, 120},
                            {NULL, NULL, 0, 0}};
    const numfield mem[] = {{"base", &s->mem_base, 1e6, 1e13}, {"limit", &s->mem_limit, 1e6, 1e13},
                            {NULL, NULL, 0, 0}};
    const numfield disk[] = {{"base", &s->disk_base, 0, 0.99},
                             {"per_day", &s->disk_per_day, 0, 0.1}, {NULL, NULL, 0, 0}};
    double replicas = 2;
    rc = parse_traffic(c, o, s);
    if (!rc)
        rc = get_num(c, o, "capacity", 0, 0, 1e12, &s->capacity);
    if (!rc)
        rc = parse_nums(c, o, "cpu", cpu);
    if (!rc)
        rc = parse_nums(c, o, "latency", lat);
    if (!rc)
        rc = get_num(c, o, "error_ratio", s->err_ratio, 0, 0.5, &s->err_ratio);
    if (!rc)
        rc = parse_nums(c, o, "memory", mem);
    if (!rc)
        rc = parse_nums(c, o, "disk", disk);
    if (!rc)
        rc = parse_batch(c, o, s);
    if (!rc)
        rc = get_num(c, o, "replicas", 2, 1, 1000, &replicas);
    s->replicas = (int)replicas;
    if (!rc)
        rc = get_str(c, o, "version", "v1.0.0", &s->version);
    if (!rc && s->p99 < s->p50)
        rc = aiops_jdoc_bad(&c->jd, "expected latency.p99 >= latency.p50");
    if (!rc && s->mem_limit <= s->mem_base)
        rc = aiops_jdoc_bad(&c->jd, "expected memory.limit > memory.base");
    json_t *logs;
    if (!rc)
        rc = get_arr(c, o, "logs", 0, &logs);
    if (!rc && logs) {
        aiops_jdoc_key(&c->jd, "logs");
        rc = parse_templates(c, logs, s);
        aiops_jdoc_pop(&c->jd);
    }
    return rc;
}

static long find_service(const aiops_sim_scenario *sc, const char *name)
{
    for (size_t i = 0; i < sc->nsvc; i++)
        if (!strcmp(sc->svc[i].name, name))
            return (long)i;
    return -1;
}

static int parse_calls(pctx *c, json_t *o, aiops_sim_service *s)
{
    json_t *arr;
    int rc = get_arr(c, o, "calls", 0, &arr);
    size_t n = arr ? json_array_size(arr) : 0;
    if (rc || !n)
        return rc;
    s->calls = calloc(n, sizeof *s->calls);
    s->ratio = calloc(n, sizeof *s->ratio);
    if (!s->calls || !s->ratio)
        return aiops_err_set(c->jd.err, AIOPS_ENOMEM, c->jd.file, 0, "out of memory");
    aiops_jdoc_key(&c->jd, "calls");
    for (size_t i = 0; !rc && i < n; i++) {
        json_t *e = json_array_get(arr, i);
        const char *name = json_string_value(e);
        double ratio = 1;
        aiops_jdoc_idx(&c->jd, i);
        if (json_is_object(e)) {
            static const char *const keys[] = {"service", "ratio", NULL};
            rc = check_keys(c, e, keys);
            name = json_string_value(json_object_get(e, "service"));
            if (!rc)
                rc = get_num(c, e, "ratio", 1, 0, 1000, &ratio);
        }
        long k = name ? find_service(c->sc, name) : -1;
        if (!rc && k < 0)
            rc = aiops_jdoc_bad(&c->jd,
                                "expected the name of a service defined in \"services\" (or "
                                "{\"service\": NAME, \"ratio\": N}), got %s%s%s",
                                name ? "\"" : "", name ? name : "something else", name ? "\"" : "");
        if (!rc && &c->sc->svc[k] == s)
            rc = aiops_jdoc_bad(&c->jd, "expected another service: a service cannot call itself");
        for (size_t j = 0; !rc && j < s->ncalls; j++)
            if (s->calls[j] == (size_t)k)
                rc = aiops_jdoc_bad(&c->jd, "expected each callee once, \"%s\" is listed twice",
                                    name);
        if (!rc) {
            s->calls[s->ncalls] = (size_t)k;
            s->ratio[s->ncalls++] = ratio;
        }
        aiops_jdoc_pop(&c->jd);
    }
    aiops_jdoc_pop(&c->jd);
    return rc;
}

/* Depth-first search for a call cycle; the model needs a DAG. */
static int find_cycle(const aiops_sim_scenario *sc, size_t v, unsigned char *mark)
{
    mark[v] = 1;
    for (size_t i = 0; i < sc->svc[v].ncalls; i++) {
        size_t w = sc->svc[v].calls[i];
        if (mark[w] == 1 || (mark[w] == 0 && find_cycle(sc, w, mark)))
            return 1;
    }
    mark[v] = 2;
    return 0;
}

static int parse_services(pctx *c, json_t *root)
{
    json_t *arr, *dflt;
    int rc = get_arr(c, root, "services", 1, &arr);
    if (!rc)
        rc = get_obj(c, root, "defaults", &dflt);
    if (rc)
        return rc;
    size_t n = json_array_size(arr);
    if (n == 0 || n > MAX_SERVICES) {
        aiops_jdoc_key(&c->jd, "services");
        rc = aiops_jdoc_bad(&c->jd, "expected 1 to %d services, got %zu", MAX_SERVICES, n);
        aiops_jdoc_pop(&c->jd);
        return rc;
    }
    aiops_sim_scenario *sc = c->sc;
    sc->svc = calloc(n, sizeof *sc->svc);
    if (!sc->svc)
        return aiops_err_set(c->jd.err, AIOPS_ENOMEM, c->jd.file, 0, "out of memory");
    aiops_jdoc_key(&c->jd, "services");
    /* Names first, so "calls" can refer to services defined later. */
    for (size_t i = 0; !rc && i < n; i++) {
        json_t *o = json_array_get(arr, i);
        aiops_jdoc_idx(&c->jd, i);
        if (!json_is_object(o))
            rc = aiops_jdoc_bad(&c->jd, "expected a service object {\"name\": ...}");
        if (!rc)
            rc = get_str(c, o, "name", NULL, &sc->svc[i].name);
        sc->nsvc = i + 1;
        if (!rc && !sc->svc[i].name)
            rc = aiops_jdoc_bad(&c->jd, "expected a member \"name\"");
        if (!rc && !valid_name(sc->svc[i].name)) {
            aiops_jdoc_key(&c->jd, "name");
            rc = aiops_jdoc_bad(&c->jd,
                                "expected a name of letters, digits, '-', '_', '.' (at most 63)");
            aiops_jdoc_pop(&c->jd);
        }
        if (!rc && find_service(sc, sc->svc[i].name) != (long)i) {
            aiops_jdoc_key(&c->jd, "name");
            rc = aiops_jdoc_bad(&c->jd, "expected a unique name, \"%s\" is defined twice",
                                sc->svc[i].name);
            aiops_jdoc_pop(&c->jd);
        }
        aiops_jdoc_pop(&c->jd);
    }
    for (size_t i = 0; !rc && i < n; i++) {
        json_t *o = merged(dflt, json_array_get(arr, i));
        aiops_jdoc_idx(&c->jd, i);
        rc = o ? parse_service_fields(c, o, &sc->svc[i]) : AIOPS_ENOMEM;
        if (!rc)
            rc = parse_calls(c, o, &sc->svc[i]);
        json_decref(o);
        aiops_jdoc_pop(&c->jd);
    }
    aiops_jdoc_pop(&c->jd);
    if (rc == AIOPS_ENOMEM)
        return aiops_err_set(c->jd.err, rc, c->jd.file, 0, "out of memory");
    unsigned char *mark = rc ? NULL : calloc(n, 1);
    for (size_t i = 0; !rc && i < n; i++)
        if (!mark[i] && find_cycle(sc, i, mark)) {
            aiops_jdoc_key(&c->jd, "services");
            rc = aiops_jdoc_bad(&c->jd,
                                "expected calls without cycles (the call graph must be a DAG); "
                                "a cycle goes through \"%s\"", sc->svc[i].name);
            aiops_jdoc_pop(&c->jd);
        }
    free(mark);
    /* Entry services (no callers) get traffic of their own by default. */
    for (size_t i = 0; !rc && i < n; i++) {
        int called = 0;
        for (size_t j = 0; j < n && !called; j++)
            for (size_t k = 0; k < sc->svc[j].ncalls; k++)
                called |= sc->svc[j].calls[k] == i;
        json_t *o = json_array_get(arr, i), *t = json_object_get(o, "traffic");
        if (!called && !json_object_get(t, "rps") &&
            !json_object_get(json_object_get(dflt, "traffic"), "rps"))
            sc->svc[i].base_rps = 50;
    }
    return rc;
}

/* ------------------------------------------------------ faults */

static double default_severity(aiops_sim_fault_kind k)
{
    switch (k) {
    case AIOPS_SIM_LATENCY: return 0.4;
    case AIOPS_SIM_ERROR_BURST: return 0.25;
    case AIOPS_SIM_CPU_SATURATION: return 0.7;
    case AIOPS_SIM_MEMORY_LEAK: return 1;
    case AIOPS_SIM_DISK_FILL: return 0.5;
    case AIOPS_SIM_BAD_DEPLOY: return 0.15;
    case AIOPS_SIM_DEPENDENCY_OUTAGE: return 1;
    case AIOPS_SIM_TRAFFIC_SPIKE: return 3;
    default: return 1;
    }
}

static int slow_kind(aiops_sim_fault_kind k)
{
    return k == AIOPS_SIM_LATENCY || k == AIOPS_SIM_MEMORY_LEAK || k == AIOPS_SIM_DISK_FILL;
}

/* The elements of arr (the array member `key`) read by one(), each at its
 * JSON path.  *count follows the elements read so far, so the scenario
 * frees exactly what was filled when one fails. */
static int each_item(pctx *c, json_t *arr, const char *key, size_t *count,
                     int (*one)(pctx *c, json_t *o, size_t i))
{
    int rc = 0;
    aiops_jdoc_key(&c->jd, key);
    for (size_t i = 0; !rc && i < json_array_size(arr); i++) {
        aiops_jdoc_idx(&c->jd, i);
        *count = i + 1;
        rc = one(c, json_array_get(arr, i), i);
        aiops_jdoc_pop(&c->jd);
    }
    aiops_jdoc_pop(&c->jd);
    return rc;
}

/* "start" (RFC 3339) or "at" (offset from the scenario start). */
static int fault_time(pctx *c, json_t *o, double t0, const char *what, double *out)
{
    json_t *s = json_object_get(o, "start");
    if (s && json_object_get(o, "at"))
        return aiops_jdoc_bad(&c->jd, "expected either \"start\" or \"at\", not both");
    if (s) {
        aiops_jdoc_key(&c->jd, "start");
        int rc = 0;
        if (!json_is_string(s) ||
            aiops_parse_time(json_string_value(s), json_string_length(s), out))
            rc = aiops_jdoc_bad(&c->jd, "expected an RFC 3339 time like \"2024-01-02T14:00:00Z\"");
        aiops_jdoc_pop(&c->jd);
        return rc;
    }
    if (!json_object_get(o, "at"))
        return aiops_jdoc_bad(&c->jd,
                              "expected \"start\" (RFC 3339) or \"at\" (offset like \"1d14h\") for the %s",
                              what);
    double off;
    int rc = get_dur(c, o, "at", 0, 0, &off);
    *out = t0 + off;
    return rc;
}

static int parse_fault(pctx *c, json_t *o, size_t i)
{
    aiops_sim_fault *f = &c->sc->faults[i];
    static const char *const keys[] = {"id", "kind", "service", "to", "start", "at",
                                       "duration", "precursor", "severity", "declare_delay",
                                       "version", "author", "title", NULL};
    aiops_sim_scenario *sc = c->sc;
    char idbuf[32], *kind = NULL, *svc = NULL, *to = NULL;
    snprintf(idbuf, sizeof idbuf, "INC-%zu", i + 1);
    int rc = json_is_object(o) ? check_keys(c, o, keys)
                               : aiops_jdoc_bad(&c->jd, "expected a fault object");
    if (!rc)
        rc = get_str(c, o, "id", idbuf, &f->id);
    if (!rc)
        rc = get_str(c, o, "kind", NULL, &kind);
    int k = kind ? aiops_sim_fault_find(kind) : -1;
    if (!rc && k < 0) {
        aiops_jdoc_key(&c->jd, "kind");
        rc = aiops_jdoc_bad(&c->jd,
                            "expected a fault kind (latency, error_burst, cpu_saturation, memory_leak, "
                            "disk_fill, bad_deploy, dependency_outage, traffic_spike, "
                            "network_partition), got %s%s%s",
                            kind ? "\"" : "", kind ? kind : "nothing", kind ? "\"" : "");
        aiops_jdoc_pop(&c->jd);
    }
    f->kind = (aiops_sim_fault_kind)(k < 0 ? 0 : k);
    if (!rc)
        rc = get_str(c, o, "service", NULL, &svc);
    long s = svc ? find_service(sc, svc) : -1;
    if (!rc && s < 0) {
        aiops_jdoc_key(&c->jd, "service");
        rc = aiops_jdoc_bad(&c->jd, "expected the name of a service defined in \"services\"");
        aiops_jdoc_pop(&c->jd);
    }
    f->svc = s < 0 ? 0 : (size_t)s;
    f->peer = -1;
    if (!rc)
        rc = get_str(c, o, "to", NULL, &to);
    if (!rc && (f->kind == AIOPS_SIM_NETWORK_PARTITION) != (to != NULL))
        rc = aiops_jdoc_bad(&c->jd,
                            "expected \"to\" (the callee cut off) exactly for network_partition");
    if (!rc && to) {
        long p = find_service(sc, to);
        for (size_t j = 0; p >= 0 && j < sc->svc[s].ncalls; j++)
            if (sc->svc[s].calls[j] == (size_t)p)
                f->peer = p;
        if (f->peer < 0) {
            aiops_jdoc_key(&c->jd, "to");
            rc = aiops_jdoc_bad(&c->jd, "expected a service that \"%s\" calls", svc);
            aiops_jdoc_pop(&c->jd);
        }
    }
    free(kind);
    free(svc);
    free(to);
    if (!rc)
        rc = fault_time(c, o, sc->start, "fault", &f->start);
    if (!rc && !json_object_get(o, "duration"))
        rc = aiops_jdoc_bad(&c->jd, "expected a member \"duration\" (e.g. \"45m\")");
    if (!rc)
        rc = get_dur(c, o, "duration", 0, 60, &f->duration);
    double pre_dflt = slow_kind(f->kind) ? 3600 : f->kind == AIOPS_SIM_CPU_SATURATION ? 600 : 0;
    if (!rc)
        rc = get_dur(c, o, "precursor", pre_dflt, 0, &f->precursor);
    if (!rc && slow_kind(f->kind) && (f->precursor < 1800 || f->precursor > 7200)) {
        aiops_jdoc_key(&c->jd, "precursor");
        rc = aiops_jdoc_bad(&c->jd,
                            "expected 30m to 2h for a %s (the slow ramp before the incident)",
                            aiops_sim_fault_name(f->kind));
        aiops_jdoc_pop(&c->jd);
    }
    if (!rc && f->precursor >= f->duration)
        rc = aiops_jdoc_bad(&c->jd,
                            "expected \"duration\" longer than \"precursor\" (duration counts from "
                            "the precursor's start)");
    if (!rc)
        rc = get_dur(c, o, "declare_delay", 300, 0, &f->declare_delay);
    double sev_hi = f->kind == AIOPS_SIM_TRAFFIC_SPIKE ? 100
                    : f->kind == AIOPS_SIM_LATENCY ? 60 : 1;
    if (!rc)
        rc = get_num(c, o, "severity", default_severity(f->kind),
                     f->kind == AIOPS_SIM_TRAFFIC_SPIKE ? 1 : 0, sev_hi, &f->severity);
    if (!rc)
        rc = get_str(c, o, "version", NULL, &f->version);
    if (!rc)
        rc = get_str(c, o, "author", "ci-bot", &f->author);
    if (!rc)
        rc = get_str(c, o, "title", NULL, &f->title);
    if (!rc && f->kind == AIOPS_SIM_BAD_DEPLOY && !f->version) {
        char v[64];
        snprintf(v, sizeof v, "%s-bad.1", sc->svc[f->svc].version);
        f->version = strdup(v);
    }
    for (size_t j = 0; !rc && j < i; j++)
        if (!strcmp(sc->faults[j].id, f->id))
            rc = aiops_jdoc_bad(&c->jd, "expected a unique id, \"%s\" is used twice", f->id);
    return rc;
}

static int parse_faults(pctx *c, json_t *root)
{
    json_t *arr;
    int rc = get_arr(c, root, "faults", 0, &arr);
    size_t n = arr ? json_array_size(arr) : 0;
    if (rc || !n)
        return rc;
    if (!(c->sc->faults = calloc(n, sizeof *c->sc->faults)))
        return aiops_err_set(c->jd.err, AIOPS_ENOMEM, c->jd.file, 0, "out of memory");
    return each_item(c, arr, "faults", &c->sc->nfaults, parse_fault);
}

/* ------------------------------------------------------ alert rules */

/* "metric OP number", e.g. "cpu_usage_ratio > 0.8". */
static int parse_expr(pctx *c, const char *e, aiops_sim_rule *r)
{
    static const struct { const char *t; aiops_sim_op op; } ops[] = {
        {">=", AIOPS_SIM_GE}, {"<=", AIOPS_SIM_LE}, {"==", AIOPS_SIM_EQ},
        {"!=", AIOPS_SIM_NE}, {">", AIOPS_SIM_GT}, {"<", AIOPS_SIM_LT},
    };
    size_t i = 0;
    while (e[i] == ' ')
        i++;
    size_t ms = i;
    while (isalnum((unsigned char)e[i]) || e[i] == '_' || e[i] == ':')
        i++;
    char metric[64];
    snprintf(metric, sizeof metric, "%.*s", (int)(i - ms), e + ms);
    r->metric = aiops_sim_metric_find(metric);
    while (e[i] == ' ')
        i++;
    int found = 0;
    for (size_t k = 0; k < sizeof ops / sizeof ops[0] && !found; k++)
        if (!strncmp(e + i, ops[k].t, strlen(ops[k].t))) {
            r->op = ops[k].op;
            i += strlen(ops[k].t);
            found = 1;
        }
    while (e[i] == ' ')
        i++;
    size_t ns = i, ne = strlen(e);
    while (ne > ns && e[ne - 1] == ' ')
        ne--;
    if (r->metric < 0 || !found || aiops_parse_double(e + ns, ne - ns, &r->threshold))
        return aiops_jdoc_bad(&c->jd,
                              "expected \"METRIC OP NUMBER\" with METRIC one of the simulated metrics "
                              "(e.g. cpu_usage_ratio, http_error_ratio) and OP one of > >= < <= == !=, "
                              "got \"%s\"", e);
    return 0;
}

static int parse_rule(pctx *c, json_t *o, size_t i)
{
    static const char *const keys[] = {"alert", "expr", "for", "severity", "summary", "service",
                                       NULL};
    aiops_sim_rule *r = &c->sc->rules[i];
    char *expr = NULL;
    int rc = json_is_object(o) ? check_keys(c, o, keys)
                               : aiops_jdoc_bad(&c->jd, "expected a rule object");
    if (!rc)
        rc = get_str(c, o, "alert", NULL, &r->name);
    if (!rc && !r->name)
        rc = aiops_jdoc_bad(&c->jd, "expected a member \"alert\" (the alert name)");
    if (!rc)
        rc = get_str(c, o, "expr", NULL, &expr);
    if (!rc && !expr)
        rc = aiops_jdoc_bad(&c->jd, "expected a member \"expr\" like \"cpu_usage_ratio > 0.8\"");
    if (!rc) {
        aiops_jdoc_key(&c->jd, "expr");
        rc = parse_expr(c, expr, r);
        aiops_jdoc_pop(&c->jd);
    }
    free(expr);
    if (!rc)
        rc = get_dur(c, o, "for", 0, 0, &r->for_s);
    if (!rc)
        rc = get_str(c, o, "severity", "warning", &r->severity);
    if (!rc)
        rc = get_str(c, o, "summary", NULL, &r->summary);
    if (!rc)
        rc = get_str(c, o, "service", NULL, &r->only);
    if (!rc && r->only && find_service(c->sc, r->only) < 0) {
        aiops_jdoc_key(&c->jd, "service");
        rc = aiops_jdoc_bad(&c->jd, "expected the name of a service defined in \"services\"");
        aiops_jdoc_pop(&c->jd);
    }
    return rc;
}

static int parse_rules(pctx *c, json_t *root)
{
    json_t *arr;
    int rc = get_arr(c, root, "alerts", 0, &arr);
    size_t n = arr ? json_array_size(arr) : 0;
    if (rc || !n)
        return rc;
    if (!(c->sc->rules = calloc(n, sizeof *c->sc->rules)))
        return aiops_err_set(c->jd.err, AIOPS_ENOMEM, c->jd.file, 0, "out of memory");
    return each_item(c, arr, "alerts", &c->sc->nrules, parse_rule);
}

static int parse_deploy(pctx *c, json_t *o, size_t i)
{
    static const char *const keys[] = {"service", "start", "at", "version", "author", NULL};
    aiops_sim_scenario *sc = c->sc;
    aiops_sim_deploy *d = &sc->deploys[i];
    char *svc = NULL;
    int rc = json_is_object(o) ? check_keys(c, o, keys)
                               : aiops_jdoc_bad(&c->jd, "expected a deploy object");
    if (!rc)
        rc = get_str(c, o, "service", NULL, &svc);
    long s = svc ? find_service(sc, svc) : -1;
    free(svc);
    if (!rc && s < 0)
        rc = aiops_jdoc_bad(&c->jd,
                            "expected \"service\": the name of a service defined in \"services\"");
    d->svc = s < 0 ? 0 : (size_t)s;
    if (!rc)
        rc = fault_time(c, o, sc->start, "deploy", &d->ts);
    if (!rc)
        rc = get_str(c, o, "version", NULL, &d->version);
    if (!rc && !d->version)
        rc = aiops_jdoc_bad(&c->jd, "expected a member \"version\"");
    if (!rc)
        rc = get_str(c, o, "author", "ci-bot", &d->author);
    return rc;
}

static int parse_deploys(pctx *c, json_t *root)
{
    json_t *arr;
    int rc = get_arr(c, root, "deploys", 0, &arr);
    size_t n = arr ? json_array_size(arr) : 0;
    if (rc || !n)
        return rc;
    if (!(c->sc->deploys = calloc(n, sizeof *c->sc->deploys)))
        return aiops_err_set(c->jd.err, AIOPS_ENOMEM, c->jd.file, 0, "out of memory");
    return each_item(c, arr, "deploys", &c->sc->ndeploys, parse_deploy);
}

/* ------------------------------------------------------ top level */

static int parse_outputs(pctx *c, json_t *root)
{
    aiops_sim_scenario *sc = c->sc;
    json_t *logs, *tr, *prop;
    int rc = get_obj(c, root, "logs", &logs);
    if (!rc)
        rc = get_obj(c, root, "traces", &tr);
    if (!rc)
        rc = get_obj(c, root, "propagation", &prop);
    static const char *const lk[] = {"per_minute", NULL};
    static const char *const tk[] = {"per_minute", "formats", NULL};
    static const char *const pk[] = {"delay", "attenuation", NULL};
    sc->logs_per_min = 2;
    sc->traces_per_min = 2;
    sc->jaeger = sc->otlp = 1;
    sc->prop_delay = 60;
    sc->prop_atten = 0.8;
    if (!rc && logs) {
        aiops_jdoc_key(&c->jd, "logs");
        rc = check_keys(c, logs, lk);
        if (!rc)
            rc = get_num(c, logs, "per_minute", 2, 0, 10000, &sc->logs_per_min);
        aiops_jdoc_pop(&c->jd);
    }
    if (!rc && tr) {
        aiops_jdoc_key(&c->jd, "traces");
        rc = check_keys(c, tr, tk);
        if (!rc)
            rc = get_num(c, tr, "per_minute", 2, 0, 10000, &sc->traces_per_min);
        json_t *f = json_object_get(tr, "formats");
        if (!rc && f) {
            aiops_jdoc_key(&c->jd, "formats");
            sc->jaeger = sc->otlp = 0;
            size_t i;
            json_t *x;
            if (!json_is_array(f))
                rc = aiops_jdoc_bad(&c->jd, "expected an array of \"jaeger\", \"otlp\"");
            json_array_foreach(f, i, x) {
                const char *s = json_string_value(x);
                if (rc)
                    break;
                if (s && !strcmp(s, "jaeger"))
                    sc->jaeger = 1;
                else if (s && !strcmp(s, "otlp"))
                    sc->otlp = 1;
                else
                    rc = aiops_jdoc_bad(&c->jd, "expected an array of \"jaeger\", \"otlp\"");
            }
            aiops_jdoc_pop(&c->jd);
        }
        aiops_jdoc_pop(&c->jd);
    }
    if (!rc && prop) {
        aiops_jdoc_key(&c->jd, "propagation");
        rc = check_keys(c, prop, pk);
        if (!rc)
            rc = get_dur(c, prop, "delay", 60, 0, &sc->prop_delay);
        if (!rc)
            rc = get_num(c, prop, "attenuation", 0.8, 0, 1, &sc->prop_atten);
        aiops_jdoc_pop(&c->jd);
    }
    return rc;
}

static int parse_head(pctx *c, json_t *root)
{
    static const char *const keys[] = {"name", "description", "seed", "start", "days", "step",
                                       "namespace", "propagation", "logs", "traces", "defaults",
                                       "services", "alerts", "deploys", "faults", NULL};
    aiops_sim_scenario *sc = c->sc;
    int rc = check_keys(c, root, keys);
    if (!rc)
        rc = get_str(c, root, "name", "scenario", &sc->name);
    if (!rc)
        rc = get_str(c, root, "description", "", &sc->description);
    if (!rc)
        rc = get_str(c, root, "namespace", "default", &sc->ns);
    if (!rc && !valid_name(sc->ns)) {
        aiops_jdoc_key(&c->jd, "namespace");
        rc = aiops_jdoc_bad(&c->jd,
                            "expected a name of letters, digits, '-', '_', '.' (at most 63)");
        aiops_jdoc_pop(&c->jd);
    }
    double seed = 1;
    if (!rc)
        rc = get_num(c, root, "seed", 1, 0, 9007199254740992.0, &seed);
    if (!rc && seed != floor(seed)) {
        aiops_jdoc_key(&c->jd, "seed");
        rc = aiops_jdoc_bad(&c->jd, "expected a whole number");
        aiops_jdoc_pop(&c->jd);
    }
    sc->seed = (uint64_t)seed;
    json_t *st = json_object_get(root, "start");
    sc->start = 1704067200;     /* 2024-01-01T00:00:00Z, a Monday */
    if (!rc && st) {
        aiops_jdoc_key(&c->jd, "start");
        if (!json_is_string(st) ||
            aiops_parse_time(json_string_value(st), json_string_length(st), &sc->start))
            rc = aiops_jdoc_bad(&c->jd, "expected an RFC 3339 time like \"2024-01-01T00:00:00Z\"");
        aiops_jdoc_pop(&c->jd);
    }
    if (!rc)
        rc = get_num(c, root, "days", 1, 1.0 / 24, 400, &sc->days);
    if (!rc)
        rc = get_dur(c, root, "step", 60, 1, &sc->step);
    if (!rc)
        rc = aiops_sim_scenario_override(sc, 0, 0, 0, 0, c->jd.err);
    return rc;
}

int aiops_sim_scenario_override(aiops_sim_scenario *sc, int have_seed, uint64_t seed,
                                double days, double step, aiops_err *err)
{
    if (have_seed)
        sc->seed = seed;
    if (days > 0)
        sc->days = days;
    if (step > 0)
        sc->step = step;
    double n = floor(sc->days * 86400 / sc->step + 1e-9);
    if (!(n >= 1) || n > (double)MAX_STEPS)
        return aiops_err_set(err, AIOPS_EINVAL, sc->path, 0,
                             "expected between 1 and %zu time steps, %g days at %gs make %.0f",
                             MAX_STEPS, sc->days, sc->step, n);
    sc->nsteps = (size_t)n;
    /* The archive holds one day of every series in memory. */
    double per_day = floor(86400 / sc->step) + 1;
    if (per_day > n)
        per_day = n;
    if ((double)sc->nsvc * per_day > (double)MAX_DAY_POINTS)
        return aiops_err_set(err, AIOPS_ELIMIT, sc->path, 0,
                             "expected at most %zu points per series and day over all services; "
                             "%zu services at a %gs step make %.0f (use a longer step)",
                             MAX_DAY_POINTS, sc->nsvc, sc->step, (double)sc->nsvc * per_day);
    return 0;
}

int aiops_sim_scenario_parse(const char *name, const char *text, size_t len,
                             aiops_sim_scenario **out, aiops_err *err)
{
    *out = NULL;
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return aiops_err_set(err, AIOPS_EPARSE, name, je.line > 0 ? je.line : 1,
                             "expected a JSON scenario object: %s", je.text);
    aiops_sim_scenario *sc = calloc(1, sizeof *sc);
    pctx c = {.jd = {.file = name, .err = err, .text = text, .len = len, .line0 = 1}, .sc = sc};
    int rc = sc ? 0 : aiops_err_set(err, AIOPS_ENOMEM, name, 0, "out of memory");
    if (!rc) {
        sc->path = strdup(name);
        sc->text = malloc(len + 1);
        if (!sc->path || !sc->text)
            rc = aiops_err_set(err, AIOPS_ENOMEM, name, 0, "out of memory");
        else {
            memcpy(sc->text, text, len);
            sc->text[len] = '\0';
            sc->text_len = len;
        }
    }
    if (!rc && !json_is_object(root))
        rc = aiops_jdoc_bad(&c.jd, "expected a JSON object at the top level");
    if (!rc)
        rc = parse_head(&c, root);
    if (!rc)
        rc = parse_outputs(&c, root);
    if (!rc)
        rc = parse_services(&c, root);
    if (!rc)
        rc = parse_rules(&c, root);
    if (!rc)
        rc = parse_deploys(&c, root);
    if (!rc)
        rc = parse_faults(&c, root);
    if (!rc)
        rc = aiops_sim_scenario_override(sc, 0, 0, 0, 0, err);
    json_decref(root);
    if (rc) {
        aiops_sim_scenario_free(sc);
        return rc;
    }
    *out = sc;
    return 0;
}

int aiops_sim_scenario_load(const char *path, aiops_sim_scenario **out, aiops_err *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return aiops_err_set(err, AIOPS_EIO, path, 0, "cannot open scenario");
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int rc = 0;
    for (;;) {
        if (len + 65536 > cap) {
            if (cap > ((size_t)64 << 20)) {
                rc = aiops_err_set(err, AIOPS_ELIMIT, path, 0, "scenario larger than 64 MiB");
                break;
            }
            char *nb = realloc(buf, cap ? cap * 2 : 131072);
            if (!nb) {
                rc = aiops_err_set(err, AIOPS_ENOMEM, path, 0, "out of memory");
                break;
            }
            buf = nb;
            cap = cap ? cap * 2 : 131072;
        }
        size_t r = fread(buf + len, 1, cap - len, f);
        len += r;
        if (r == 0) {
            if (ferror(f))
                rc = aiops_err_set(err, AIOPS_EIO, path, 0, "read error");
            break;
        }
    }
    fclose(f);
    if (!rc)
        rc = aiops_sim_scenario_parse(path, buf, len, out, err);
    free(buf);
    return rc;
}

void aiops_sim_scenario_free(aiops_sim_scenario *sc)
{
    if (!sc)
        return;
    for (size_t i = 0; i < sc->nsvc; i++) {
        aiops_sim_service *s = &sc->svc[i];
        free(s->name);
        free(s->kind);
        free(s->calls);
        free(s->ratio);
        free(s->version);
        for (size_t k = 0; k < s->nlogs; k++)
            free(s->logs[k].text);
        free(s->logs);
    }
    for (size_t i = 0; i < sc->nfaults; i++) {
        free(sc->faults[i].id);
        free(sc->faults[i].version);
        free(sc->faults[i].author);
        free(sc->faults[i].title);
    }
    for (size_t i = 0; i < sc->nrules; i++) {
        free(sc->rules[i].name);
        free(sc->rules[i].severity);
        free(sc->rules[i].summary);
        free(sc->rules[i].only);
    }
    for (size_t i = 0; i < sc->ndeploys; i++) {
        free(sc->deploys[i].version);
        free(sc->deploys[i].author);
    }
    free(sc->svc);
    free(sc->faults);
    free(sc->rules);
    free(sc->deploys);
    free(sc->path);
    free(sc->name);
    free(sc->description);
    free(sc->ns);
    free(sc->text);
    free(sc);
}

/* ------------------------------------------------------ derived times */

double aiops_sim_fault_visible(const aiops_sim_fault *f)
{
    return f->start + f->precursor;
}

double aiops_sim_fault_declared(const aiops_sim_fault *f)
{
    return aiops_sim_fault_visible(f) + f->declare_delay;
}

double aiops_sim_fault_end(const aiops_sim_fault *f)
{
    return f->start + f->duration;
}

int aiops_sim_fault_in_span(const aiops_sim_scenario *sc, const aiops_sim_fault *f)
{
    double end = sc->start + (double)sc->nsteps * sc->step;
    return f->start < end && aiops_sim_fault_end(f) > sc->start;
}

/* Breadth-first search along callee edges (down = 1) or caller edges. */
static long hops(const aiops_sim_scenario *sc, size_t from, size_t to, int down)
{
    if (from == to)
        return 0;
    long *dist = malloc(sc->nsvc * sizeof *dist);
    size_t *q = malloc(sc->nsvc * sizeof *q);
    long res = -1;
    if (!dist || !q)
        goto out;
    for (size_t i = 0; i < sc->nsvc; i++)
        dist[i] = -1;
    size_t qh = 0, qt = 0;
    dist[from] = 0;
    q[qt++] = from;
    while (qh < qt && res < 0) {
        size_t v = q[qh++];
        for (size_t w = 0; w < sc->nsvc && res < 0; w++) {
            int edge = 0;
            if (down) {
                for (size_t k = 0; k < sc->svc[v].ncalls; k++)
                    edge |= sc->svc[v].calls[k] == w;
            } else {
                for (size_t k = 0; k < sc->svc[w].ncalls; k++)
                    edge |= sc->svc[w].calls[k] == v;
            }
            if (edge && dist[w] < 0) {
                dist[w] = dist[v] + 1;
                q[qt++] = w;
                if (w == to)
                    res = dist[w];
            }
        }
    }
out:
    free(dist);
    free(q);
    return res;
}

long aiops_sim_caller_hops(const aiops_sim_scenario *sc, size_t from, size_t to)
{
    return hops(sc, from, to, 0);
}

long aiops_sim_callee_hops(const aiops_sim_scenario *sc, size_t from, size_t to)
{
    return hops(sc, from, to, 1);
}
