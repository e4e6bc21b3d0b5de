/* sim_parse.c - load a scenario JSON (docs/SCENARIOS.md): the top-level
 * members, then the services (sim_parse_services.c) and what happens to
 * them (sim_parse_events.c).  Knows the scenario (sim.h) only, nothing of
 * the model that will run it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "sim/sim_parse.h"

#define MAX_FILE ((size_t)64 << 20)

static int parse_traces(sim_pctx *c, json_t *tr)
{
    static const char *const keys[] = {"per_minute", "formats", NULL};
    aiops_sim_scenario *sc = c->sc;
    aiops_jdoc_key(&c->jd, "traces");
    int rc = sim_check_keys(c, tr, keys);
    if (!rc)
        rc = sim_get_num(c, tr, "per_minute", 2, 0, 10000, &sc->traces_per_min);
    json_t *f = json_object_get(tr, "formats"), *x;
    size_t i;
    if (!rc && f) {
        sc->jaeger = sc->otlp = 0;
        json_array_foreach(f, i, x) {
            const char *s = json_string_value(x);
            if (s && !strcmp(s, "jaeger"))
                sc->jaeger = 1;
            else if (s && !strcmp(s, "otlp"))
                sc->otlp = 1;
            else
                break;
        }
        if (!json_is_array(f) || i < json_array_size(f))
            rc = sim_bad_at(c, "formats", "expected an array of \"jaeger\", \"otlp\"");
    }
    aiops_jdoc_pop(&c->jd);
    return rc;
}

static int parse_propagation(sim_pctx *c, json_t *prop)
{
    static const char *const keys[] = {"delay", "attenuation", NULL};
    aiops_sim_scenario *sc = c->sc;
    aiops_jdoc_key(&c->jd, "propagation");
    int rc = sim_check_keys(c, prop, keys);
    if (!rc)
        rc = sim_get_dur(c, prop, "delay", 60, 0, &sc->prop_delay);
    if (!rc)
        rc = sim_get_num(c, prop, "attenuation", 0.8, 0, 1, &sc->prop_atten);
    aiops_jdoc_pop(&c->jd);
    return rc;
}

/* "logs", "traces" and "propagation"; each one's type is checked before
 * any one's members. */
static int parse_outputs(sim_pctx *c, json_t *root)
{
    aiops_sim_scenario *sc = c->sc;
    const sim_numfield logs[] = {{"per_minute", &sc->logs_per_min, 0, 10000}, {NULL, NULL, 0, 0}};
    json_t *lg, *tr, *prop;
    int rc = sim_get_obj(c, root, "logs", &lg);
    if (!rc)
        rc = sim_get_obj(c, root, "traces", &tr);
    if (!rc)
        rc = sim_get_obj(c, root, "propagation", &prop);
    sc->logs_per_min = 2;
    sc->traces_per_min = 2;
    sc->jaeger = sc->otlp = 1;
    sc->prop_delay = 60;
    sc->prop_atten = 0.8;
    if (!rc)
        rc = sim_get_nums(c, root, "logs", logs);
    if (!rc && tr)
        rc = parse_traces(c, tr);
    if (!rc && prop)
        rc = parse_propagation(c, prop);
    return rc;
}

static int parse_head(sim_pctx *c, json_t *root)
{
    static const char *const keys[] = {"name", "description", "seed", "start", "days", "step",
                                       "namespace", "propagation", "logs", "traces", "defaults",
                                       "services", "alerts", "deploys", "faults", NULL};
    aiops_sim_scenario *sc = c->sc;
    double seed = 1;
    int rc = sim_check_keys(c, root, keys);
    if (!rc)
        rc = sim_get_str(c, root, "name", "scenario", &sc->name);
    if (!rc)
        rc = sim_get_str(c, root, "description", "", &sc->description);
    if (!rc)
        rc = sim_get_name(c, root, "namespace", "default", &sc->ns);
    if (!rc)
        rc = sim_get_num(c, root, "seed", 1, 0, 9007199254740992.0, &seed);
    if (!rc && seed != floor(seed))
        rc = sim_bad_at(c, "seed", "expected a whole number");
    sc->seed = (uint64_t)seed;
    sc->start = 1704067200;     /* 2024-01-01T00:00:00Z, a Monday */
    if (!rc)
        rc = sim_get_time(c, root, "start", "2024-01-01T00:00:00Z", &sc->start);
    if (!rc)
        rc = sim_get_num(c, root, "days", 1, 1.0 / 24, 400, &sc->days);
    if (!rc)
        rc = sim_get_dur(c, root, "step", 60, 1, &sc->step);
    if (!rc)     /* the number of steps, before anything is sized by it */
        rc = aiops_sim_scenario_override(sc, 0, 0, 0, 0, c->jd.err);
    return rc;
}

/* An empty scenario holding its name and a copy of its text. */
static int scenario_new(const char *name, const char *text, size_t len,
                        aiops_sim_scenario **out, aiops_err *err)
{
    aiops_sim_scenario *sc = calloc(1, sizeof *sc);
    if (sc) {
        sc->path = strdup(name);
        sc->text = malloc(len + 1);
    }
    if (!sc || !sc->path || !sc->text) {
        aiops_sim_scenario_free(sc);
        return aiops_err_set(err, AIOPS_ENOMEM, name, 0, "out of memory");
    }
    memcpy(sc->text, text, len);
    sc->text[len] = '\0';
    sc->text_len = len;
    *out = sc;
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
    sim_pctx c = {.jd = {.file = name, .err = err, .text = text, .len = len, .line0 = 1}};
    int rc = scenario_new(name, text, len, &c.sc, err);
    if (!rc && !json_is_object(root))
        rc = aiops_jdoc_bad(&c.jd, "expected a JSON object at the top level");
    if (!rc)
        rc = parse_head(&c, root);
    if (!rc)
        rc = parse_outputs(&c, root);
    if (!rc)
        rc = sim_parse_services(&c, root);
    if (!rc)
        rc = sim_parse_events(&c, root);
    if (!rc)     /* again, now that the services are known */
        rc = aiops_sim_scenario_override(c.sc, 0, 0, 0, 0, err);
    json_decref(root);
    if (rc) {
        aiops_sim_scenario_free(c.sc);
        return rc;
    }
    *out = c.sc;
    return 0;
}

/* The whole file into *buf (caller frees). */
static int read_file(FILE *f, const char *path, char **buf, size_t *len, aiops_err *err)
{
    size_t cap = 0;
    *buf = NULL;
    *len = 0;
    for (;;) {
        if (*len + 65536 > cap) {
            if (cap > MAX_FILE)
                return aiops_err_set(err, AIOPS_ELIMIT, path, 0, "scenario larger than 64 MiB");
            if (AIOPS_GROW(*buf, cap, *len + 65536))
                return aiops_err_set(err, AIOPS_ENOMEM, path, 0, "out of memory");
        }
        size_t r = fread(*buf + *len, 1, cap - *len, f);
        *len += r;
        if (r == 0)
            return ferror(f) ? aiops_err_set(err, AIOPS_EIO, path, 0, "read error") : 0;
    }
}

int aiops_sim_scenario_load(const char *path, aiops_sim_scenario **out, aiops_err *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return aiops_err_set(err, AIOPS_EIO, path, 0, "cannot open scenario");
    char *buf;
    size_t len;
    int rc = read_file(f, path, &buf, &len, err);
    fclose(f);
    if (!rc)
        rc = aiops_sim_scenario_parse(path, buf, len, out, err);
    free(buf);
    return rc;
}
