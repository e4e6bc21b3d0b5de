/* sim_parse_services.c - the scenario's "services" (docs/SCENARIOS.md):
 * names first, so "calls" may name services defined later; then each
 * service with the top-level "defaults" merged under it (a value that
 * only exists there is reported at the service's line); then the checks
 * over the whole call graph. */
#include <stdlib.h>
#include <string.h>

#include "sim/sim_parse.h"

#define MAX_SERVICES 2000

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

static int parse_template(sim_pctx *c, json_t *t, size_t i, void *arg)
{
    static const char *const keys[] = {"level", "text", "weight", NULL};
    static const char *const lv[] = {"info", "warn", "error"};
    aiops_sim_template *tp = &((aiops_sim_service *)arg)->logs[i];
    char *level = NULL;
    int rc = json_is_object(t) ? sim_check_keys(c, t, keys)
                               : aiops_jdoc_bad(&c->jd, "expected an object {\"level\", \"text\"}");
    if (!rc)
        rc = sim_get_str(c, t, "level", "info", &level);
    if (!rc)
        rc = sim_get_str(c, t, "text", NULL, &tp->text);
    if (!rc && !tp->text)
        rc = aiops_jdoc_bad(&c->jd, "expected a member \"text\" (log line template)");
    if (!rc)
        rc = sim_get_num(c, t, "weight", 1, 0, 1e9, &tp->weight);
    tp->level = -1;
    for (int l = 0; !rc && level && l < 3; l++)
        if (!strcmp(level, lv[l]))
            tp->level = l;
    if (!rc && tp->level < 0)
        rc = sim_bad_at(c, "level", "expected \"info\", \"warn\" or \"error\", got \"%s\"",
                        level);
    free(level);
    return rc;
}

static int parse_templates(sim_pctx *c, json_t *arr, aiops_sim_service *s)
{
    size_t n = json_array_size(arr);
    s->logs = calloc(n ? n : 1, sizeof *s->logs);
    if (!s->logs)
        return sim_oom(c);
    return sim_each(c, arr, "logs", &s->nlogs, parse_template, s);
}

static int parse_batch(sim_pctx *c, json_t *o, aiops_sim_service *s)
{
    static const char *const keys[] = {"hour", "duration", "cpu", NULL};
    json_t *b;
    int rc = sim_get_obj(c, o, "batch", &b);
    if (rc || !b)
        return rc;
    aiops_jdoc_key(&c->jd, "batch");
    s->batch = 1;
    rc = sim_check_keys(c, b, keys);
    if (!rc)
        rc = sim_get_num(c, b, "hour", 2, 0, 24, &s->batch_hour);
    if (!rc)
        rc = sim_get_dur(c, b, "duration", 3600, 60, &s->batch_duration);
    if (!rc && s->batch_duration > 12 * 3600)
        rc = sim_bad_at(c, "duration", "expected a duration of at most 12h");
    if (!rc)
        rc = sim_get_num(c, b, "cpu", 0.7, 0, 1, &s->batch_cpu);
    aiops_jdoc_pop(&c->jd);
    return rc;
}

/* What a service has unless it says otherwise. */
static void set_defaults(aiops_sim_service *s, const kind_defaults *kd)
{
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
}

/* "kind", and the defaults that come with it. */
static int parse_kind(sim_pctx *c, json_t *o, aiops_sim_service *s)
{
    int rc = sim_get_str(c, o, "kind", "http", &s->kind);
    const kind_defaults *kd = rc ? NULL : find_kind(s->kind);
    if (!rc && !kd)
        rc = sim_bad_at(c, "kind", "expected one of http, db, cache, queue, worker, got \"%s\"",
                        s->kind);
    if (!rc)
        set_defaults(s, kd);
    return rc;
}

/* Traffic, capacity and the healthy levels. */
static int parse_numbers(sim_pctx *c, json_t *o, aiops_sim_service *s)
{
    const sim_numfield traffic[] = {
        {"rps", &s->base_rps, 0, 1e9}, {"daily_amplitude", &s->daily_amp, 0, 0.95},
        {"peak_hour", &s->peak_hour, 0, 24}, {"weekend_factor", &s->weekend_factor, 0, 10},
        {"trend_per_day", &s->trend_per_day, -0.05, 1}, {"noise", &s->noise, 0, 1},
        {NULL, NULL, 0, 0}};
    const sim_numfield cpu[] = {{"idle", &s->cpu_idle, 0, 1},
                                {"per_util", &s->cpu_per_util, 0, 2}, {NULL, NULL, 0, 0}};
    const sim_numfield lat[] = {{"p50", &s->p50, 1e-6, 60}, {"p99", &s->p99, 1e-6, 120},
                                {NULL, NULL, 0, 0}};
    const sim_numfield mem[] = {{"base", &s->mem_base, 1e6, 1e13},
                                {"limit", &s->mem_limit, 1e6, 1e13}, {NULL, NULL, 0, 0}};
    const sim_numfield disk[] = {{"base", &s->disk_base, 0, 0.99},
                                 {"per_day", &s->disk_per_day, 0, 0.1}, {NULL, NULL, 0, 0}};
    int rc = sim_get_nums(c, o, "traffic", traffic);
    if (!rc)
        rc = sim_get_num(c, o, "capacity", 0, 0, 1e12, &s->capacity);
    if (!rc)
        rc = sim_get_nums(c, o, "cpu", cpu);
    if (!rc)
        rc = sim_get_nums(c, o, "latency", lat);
    if (!rc)
        rc = sim_get_num(c, o, "error_ratio", s->err_ratio, 0, 0.5, &s->err_ratio);
    if (!rc)
        rc = sim_get_nums(c, o, "memory", mem);
    if (!rc)
        rc = sim_get_nums(c, o, "disk", disk);
    return rc;
}

static int parse_service_fields(sim_pctx *c, json_t *o, aiops_sim_service *s)
{
    static const char *const keys[] = {"name", "kind", "calls", "traffic", "capacity", "cpu",
                                       "latency", "error_ratio", "memory", "disk", "batch",
                                       "replicas", "version", "logs", NULL};
    double replicas = 2;
    json_t *logs = NULL;
    int rc = sim_check_keys(c, o, keys);
    if (!rc)
        rc = parse_kind(c, o, s);
    if (!rc)
        rc = parse_numbers(c, o, s);
    if (!rc)
        rc = parse_batch(c, o, s);
    if (!rc)
        rc = sim_get_num(c, o, "replicas", 2, 1, 1000, &replicas);
    s->replicas = (int)replicas;
    if (!rc)
        rc = sim_get_str(c, o, "version", "v1.0.0", &s->version);
    if (!rc && s->p99 < s->p50)
        rc = aiops_jdoc_bad(&c->jd, "expected latency.p99 >= latency.p50");
    if (!rc && s->mem_limit <= s->mem_base)
        rc = aiops_jdoc_bad(&c->jd, "expected memory.limit > memory.base");
    if (!rc)
        rc = sim_get_arr(c, o, "logs", 0, &logs);
    if (!rc && logs)
        rc = parse_templates(c, logs, s);
    return rc;
}

/* One callee of s (arg): a service's name, or {"service": NAME, "ratio": N}. */
static int parse_call(sim_pctx *c, json_t *e, size_t i, void *arg)
{
    aiops_sim_service *s = arg;
    (void)i;
    static const char *const keys[] = {"service", "ratio", NULL};
    const char *name = json_string_value(e);
    double ratio = 1;
    int rc = 0;
    if (json_is_object(e)) {
        rc = sim_check_keys(c, e, keys);
        name = json_string_value(json_object_get(e, "service"));
        if (!rc)
            rc = sim_get_num(c, e, "ratio", 1, 0, 1000, &ratio);
    }
    long k = name ? sim_find_service(c->sc, name) : -1;
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
    return rc;
}

static int parse_calls(sim_pctx *c, json_t *o, aiops_sim_service *s)
{
    json_t *arr;
    int rc = sim_get_arr(c, o, "calls", 0, &arr);
    size_t n = arr ? json_array_size(arr) : 0;
    if (rc || !n)
        return rc;
    s->calls = calloc(n, sizeof *s->calls);
    s->ratio = calloc(n, sizeof *s->ratio);
    if (!s->calls || !s->ratio)
        return sim_oom(c);
    return sim_each(c, arr, "calls", NULL, parse_call, s);
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

static int parse_name(sim_pctx *c, json_t *o, size_t i, void *arg)
{
    aiops_sim_scenario *sc = c->sc;
    (void)arg;
    int rc = 0;
    if (!json_is_object(o))
        rc = aiops_jdoc_bad(&c->jd, "expected a service object {\"name\": ...}");
    if (!rc)
        rc = sim_get_name(c, o, "name", NULL, &sc->svc[i].name);
    if (!rc && !sc->svc[i].name)
        rc = aiops_jdoc_bad(&c->jd, "expected a member \"name\"");
    if (!rc && sim_find_service(sc, sc->svc[i].name) != (long)i)
        rc = sim_bad_at(c, "name", "expected a unique name, \"%s\" is defined twice",
                        sc->svc[i].name);
    return rc;
}

/* Service i with the defaults (arg) merged under it. */
static int parse_body(sim_pctx *c, json_t *o, size_t i, void *arg)
{
    json_t *m = merged(arg, o);
    int rc = m ? parse_service_fields(c, m, &c->sc->svc[i]) : sim_oom(c);
    if (!rc)
        rc = parse_calls(c, m, &c->sc->svc[i]);
    json_decref(m);
    return rc;
}

static int check_acyclic(sim_pctx *c)
{
    const aiops_sim_scenario *sc = c->sc;
    unsigned char *mark = calloc(sc->nsvc, 1);
    int rc = mark ? 0 : sim_oom(c);
    for (size_t i = 0; !rc && i < sc->nsvc; i++)
        if (!mark[i] && find_cycle(sc, i, mark))
            rc = sim_bad_at(c, "services",
                            "expected calls without cycles (the call graph must be a DAG); "
                            "a cycle goes through \"%s\"", sc->svc[i].name);
    free(mark);
    return rc;
}

/* Entry services (no callers) get traffic of their own unless an "rps"
 * says otherwise. */
static void entry_traffic(aiops_sim_scenario *sc, json_t *arr, json_t *dflt)
{
    for (size_t i = 0; i < sc->nsvc; i++) {
        int called = 0;
        for (size_t j = 0; j < sc->nsvc && !called; j++)
            for (size_t k = 0; k < sc->svc[j].ncalls; k++)
                called |= sc->svc[j].calls[k] == i;
        json_t *t = json_object_get(json_array_get(arr, i), "traffic");
        if (!called && !json_object_get(t, "rps") &&
            !json_object_get(json_object_get(dflt, "traffic"), "rps"))
            sc->svc[i].base_rps = 50;
    }
}

int sim_parse_services(sim_pctx *c, json_t *root)
{
    json_t *arr, *dflt;
    int rc = sim_get_arr(c, root, "services", 1, &arr);
    if (!rc)
        rc = sim_get_obj(c, root, "defaults", &dflt);
    if (rc)
        return rc;
    size_t n = json_array_size(arr);
    if (n == 0 || n > MAX_SERVICES)
        return sim_bad_at(c, "services", "expected 1 to %d services, got %zu", MAX_SERVICES, n);
    if (!(c->sc->svc = calloc(n, sizeof *c->sc->svc)))
        return sim_oom(c);
    /* names first, so "calls" can name services defined later */
    rc = sim_each(c, arr, "services", &c->sc->nsvc, parse_name, NULL);
    if (!rc)
        rc = sim_each(c, arr, "services", NULL, parse_body, dflt);
    if (!rc)
        rc = check_acyclic(c);
    if (!rc)
        entry_traffic(c->sc, arr, dflt);
    return rc;
}
