/* test_sim_model.c - the simulator's model: seasonality, the nightly batch
 * job, fault propagation along the call graph, the memory leak's OOM kill,
 * precursors, determinism. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim/sim_internal.h"

/* |a - b| <= eps, printing both on failure (doubles, not cmocka's floats). */
#define assert_near(a, b, eps) \
    do { \
        double a_ = (a), b_ = (b); \
        if (!(fabs(a_ - b_) <= (eps))) \
            fail_msg("%s = %.17g, expected %.17g (+-%g)", #a, a_, b_, (double)(eps)); \
    } while (0)

/* Scenario JSON written with ' for " (readable in C). */
static aiops_sim_scenario *load(const char *text)
{
    char *t = strdup(text);
    for (char *p = t; *p; p++)
        if (*p == '\'')
            *p = '"';
    aiops_err err = {0};
    aiops_sim_scenario *sc = NULL;
    int rc = aiops_sim_scenario_parse("t.json", t, strlen(t), &sc, &err);
    if (rc)
        print_message("%s:%ld: %s\n", err.file, err.line, err.msg);
    assert_int_equal(rc, 0);
    free(t);
    return sc;
}

/* Every value and event of a whole run. */
typedef struct run {
    size_t nsteps, nsvc;
    double *v;                   /* step x svc x metric */
    aiops_sim_event *ev;
    size_t nev;
    aiops_sim_alert *alerts;
    size_t nalerts;
} run;

static run simulate(const aiops_sim_scenario *sc)
{
    run r = {sc->nsteps, sc->nsvc, NULL, NULL, 0, NULL, 0};
    r.v = malloc(sc->nsteps * sc->nsvc * AIOPS_SIM_NMETRICS * sizeof *r.v);
    aiops_sim *m = NULL;
    aiops_sim_alerts *al = NULL;
    aiops_err err = {0};
    assert_int_equal(aiops_sim_new(&m, sc, &err), 0);
    assert_int_equal(aiops_sim_alerts_new(&al, sc, &err), 0);
    size_t k = 0;
    while (aiops_sim_next(m)) {
        assert_int_equal(aiops_sim_stepno(m), k);
        for (size_t s = 0; s < sc->nsvc; s++)
            memcpy(&r.v[(k * sc->nsvc + s) * AIOPS_SIM_NMETRICS], aiops_sim_values(m, s),
                   AIOPS_SIM_NMETRICS * sizeof(double));
        const aiops_sim_event *ev;
        size_t n = aiops_sim_events(m, &ev);
        r.ev = realloc(r.ev, (r.nev + n + 1) * sizeof *r.ev);
        if (n)
            memcpy(r.ev + r.nev, ev, n * sizeof *ev);
        r.nev += n;
        assert_int_equal(aiops_sim_alerts_step(al, m, &err), 0);
        k++;
    }
    assert_int_equal(k, sc->nsteps);
    const aiops_sim_alert *log;
    r.nalerts = aiops_sim_alerts_log(al, &log, NULL);
    r.alerts = malloc((r.nalerts + 1) * sizeof *r.alerts);
    if (r.nalerts)
        memcpy(r.alerts, log, r.nalerts * sizeof *log);
    aiops_sim_alerts_free(al);
    aiops_sim_free(m);
    return r;
}

static void run_free(run *r)
{
    free(r->v);
    free(r->ev);
    free(r->alerts);
}

static double val(const run *r, size_t k, size_t s, int m)
{
    return r->v[(k * r->nsvc + s) * AIOPS_SIM_NMETRICS + m];
}

static size_t svc(const aiops_sim_scenario *sc, const char *name)
{
    for (size_t i = 0; i < sc->nsvc; i++)
        if (!strcmp(sc->svc[i].name, name))
            return i;
    fail_msg("no service %s", name);
    return 0;
}

/* Step index of a time of day on day d (step must divide it). */
static size_t at(const aiops_sim_scenario *sc, int d, int h, int min)
{
    return (size_t)((d * 86400.0 + h * 3600.0 + min * 60.0) / sc->step);
}

/* ------------------------------------------------------ seasonality */

static void test_daily_peak_and_weekend_dip(void **st)
{
    (void)st;
    aiops_sim_scenario *sc = load(
        "{'start':'2024-01-01T00:00:00Z','days':7,'step':'5m','services':[{'name':'web',"
        "'traffic':{'rps':100,'daily_amplitude':0.5,'peak_hour':15,'weekend_factor':0.5,"
        "'noise':0}}]}");
    run r = simulate(sc);
    size_t per_day = 288;
    double wd = 0, we = 0;
    for (int d = 0; d < 7; d++) {           /* 2024-01-01 is a Monday */
        size_t best = 0;
        double sum = 0;
        for (size_t k = 0; k < per_day; k++) {
            double v = val(&r, d * per_day + k, 0, AIOPS_SIM_M_RPS);
            sum += v;
            if (v > val(&r, d * per_day + best, 0, AIOPS_SIM_M_RPS))
                best = k;
        }
        assert_int_equal(best, 15 * 12);    /* the peak is at 15:00 every day */
        double peak = val(&r, d * per_day + best, 0, AIOPS_SIM_M_RPS);
        double trough = val(&r, at(sc, d, 3, 0), 0, AIOPS_SIM_M_RPS);
        if (d < 5) {
            assert_near(peak, 150, 1e-9);
            assert_near(trough, 50, 1e-9);
            wd += sum / 5;
        } else {
            assert_near(peak, 75, 1e-9);       /* weekend dip */
            we += sum / 2;
        }
    }
    assert_near(we / wd, 0.5, 1e-6);
    run_free(&r);
    aiops_sim_scenario_free(sc);
}

static void test_trend_and_noise(void **st)
{
    (void)st;
    aiops_sim_scenario *sc = load(
        "{'start':'2024-01-01T00:00:00Z','days':7,'step':'5m','services':[{'name':'web',"
        "'traffic':{'rps':100,'daily_amplitude':0,'weekend_factor':1,'trend_per_day':0.02,"
        "'noise':0.05}}]}");
    run r = simulate(sc);
    double first = 0, last = 0, s2 = 0;
    for (size_t k = 0; k < 288; k++) {
        first += val(&r, k, 0, AIOPS_SIM_M_RPS) / 288;
        last += val(&r, 6 * 288 + k, 0, AIOPS_SIM_M_RPS) / 288;
    }
    for (size_t k = 0; k < r.nsteps; k++) {
        double trend = 100 * (1 + 0.02 * (double)k * 300 / 86400);
        double rel = val(&r, k, 0, AIOPS_SIM_M_RPS) / trend - 1;
        s2 += rel * rel;
    }
    double sd = sqrt(s2 / (double)r.nsteps);
    assert_true(fabs(last / first - 1.12) < 0.03);
    assert_true(sd > 0.03 && sd < 0.07);
    run_free(&r);
    aiops_sim_scenario_free(sc);
}

/* ------------------------------------------------------ batch job */

static void test_nightly_batch_cpu(void **st)
{
    (void)st;
    aiops_sim_scenario *sc = load(
        "{'start':'2024-01-01T00:00:00Z','days':3,'step':'5m','services':["
        "{'name':'web','calls':['db'],'traffic':{'rps':100,'peak_hour':15,'noise':0}},"
        "{'name':'db','kind':'db','batch':{'hour':2,'duration':'90m','cpu':0.75}}],"
        "'alerts':[{'alert':'HighCPU','expr':'cpu_usage_ratio > 0.8','for':'5m'}]}");
    run r = simulate(sc);
    size_t db = svc(sc, "db");
    for (size_t k = 0; k < r.nsteps; k++) {
        double since = fmod((double)k * 300 - 7200 + 86400, 86400);
        double cpu = val(&r, k, db, AIOPS_SIM_M_CPU);
        if (since >= 600 && since < 4800)
            assert_true(cpu > 0.8);                   /* the batch window */
        else if (since >= 5400)
            assert_true(cpu < 0.5);                   /* the day, peak included */
        assert_true(val(&r, k, svc(sc, "web"), AIOPS_SIM_M_CPU) < 0.5);
    }
    /* The static rule fires every night and only at night: the trap. */
    int firing = 0;
    for (size_t i = 0; i < r.nalerts; i++) {
        double hour = fmod(r.alerts[i].ts, 86400) / 3600;
        assert_int_equal(r.alerts[i].svc, db);
        assert_true(hour >= 2 && hour < 4);
        assert_int_equal(r.alerts[i].incident, -1);
        firing += r.alerts[i].firing;
    }
    assert_int_equal(firing, 3);
    run_free(&r);
    aiops_sim_scenario_free(sc);
}

/* ------------------------------------------------------ propagation */

static const char *SHOP =
    "{'start':'2024-01-01T00:00:00Z','days':1,'step':'1m',"
    "'propagation':{'delay':'2m','attenuation':0.8},'services':["
    "{'name':'fe','calls':['api'],'traffic':{'rps':100,'noise':0}},"
    "{'name':'api','calls':['auth','cart']},"
    "{'name':'auth','calls':['cache']},"
    "{'name':'cart','calls':['db','cache']},"
    "{'name':'db','kind':'db'},{'name':'cache','kind':'cache'}],"
    "'faults':[{'kind':'dependency_outage','service':'%s','at':'12h','duration':'30m'}]}";

static aiops_sim_scenario *shop(const char *root)
{
    char buf[1024];
    snprintf(buf, sizeof buf, SHOP, root);
    return load(buf);
}

/* First step at or after from where metric m of s exceeds thr. */
static size_t first_above(const run *r, size_t from, size_t s, int m, double thr)
{
    for (size_t k = from; k < r->nsteps; k++)
        if (val(r, k, s, m) > thr)
            return k;
    return (size_t)-1;
}

static void test_db_outage_reaches_every_caller(void **st)
{
    (void)st;
    aiops_sim_scenario *sc = shop("db");
    run r = simulate(sc);
    size_t fe = svc(sc, "fe"), api = svc(sc, "api"), cart = svc(sc, "cart"),
           db = svc(sc, "db"), auth = svc(sc, "auth"), cache = svc(sc, "cache");
    size_t k = at(sc, 0, 12, 20), t0 = at(sc, 0, 12, 0);
    double e_db = val(&r, k, db, AIOPS_SIM_M_ERR_RATIO), e_cart = val(&r, k, cart, AIOPS_SIM_M_ERR_RATIO),
           e_api = val(&r, k, api, AIOPS_SIM_M_ERR_RATIO), e_fe = val(&r, k, fe, AIOPS_SIM_M_ERR_RATIO);
    /* every transitive caller fails, attenuated 0.8 per hop */
    assert_near(e_db, 1, 1e-9);
    assert_true(fabs(e_cart - 0.8) < 0.01);
    assert_true(fabs(e_api - 0.64) < 0.01);
    assert_true(fabs(e_fe - 0.512) < 0.01);
    /* ... and nothing that is not a caller */
    for (size_t j = t0; j < at(sc, 0, 13, 0); j++) {
        assert_true(val(&r, j, auth, AIOPS_SIM_M_ERR_RATIO) < 0.01);
        assert_true(val(&r, j, cache, AIOPS_SIM_M_ERR_RATIO) < 0.01);
    }
    /* delay: 2 minutes per hop */
    assert_int_equal(first_above(&r, 0, db, AIOPS_SIM_M_ERR_RATIO, 0.3), t0);
    assert_int_equal(first_above(&r, 0, cart, AIOPS_SIM_M_ERR_RATIO, 0.3), t0 + 2);
    assert_int_equal(first_above(&r, 0, api, AIOPS_SIM_M_ERR_RATIO, 0.3), t0 + 4);
    assert_int_equal(first_above(&r, 0, fe, AIOPS_SIM_M_ERR_RATIO, 0.3), t0 + 6);
    /* latency goes up the same way */
    assert_true(val(&r, k, fe, AIOPS_SIM_M_P50) > 0.2 + val(&r, t0 - 10, fe, AIOPS_SIM_M_P50));
    /* the db is down: up 0, serves nothing; the cache still gets traffic */
    assert_int_equal((int)val(&r, k, db, AIOPS_SIM_M_UP), 0);
    assert_int_equal((int)val(&r, t0 - 1, db, AIOPS_SIM_M_UP), 1);
    assert_near(val(&r, k, db, AIOPS_SIM_M_RPS), 0, 0);
    assert_true(val(&r, k, cache, AIOPS_SIM_M_RPS) > 50);
    /* recovered 10 minutes after the end (3 hops x 2 minutes) */
    size_t after = at(sc, 0, 12, 40);
    for (size_t s = 0; s < sc->nsvc; s++)
        assert_true(val(&r, after, s, AIOPS_SIM_M_ERR_RATIO) < 0.01);
    run_free(&r);
    aiops_sim_scenario_free(sc);
}

static void test_outage_spares_callees(void **st)
{
    (void)st;
    aiops_sim_scenario *sc = shop("cart");
    run r = simulate(sc);
    size_t k = at(sc, 0, 12, 20), before = at(sc, 0, 11, 50);
    size_t db = svc(sc, "db"), cache = svc(sc, "cache");
    assert_true(val(&r, k, svc(sc, "api"), AIOPS_SIM_M_ERR_RATIO) > 0.75);
    assert_true(val(&r, k, svc(sc, "fe"), AIOPS_SIM_M_ERR_RATIO) > 0.6);
    /* callees: no errors, less traffic (nobody calls them any more) */
    assert_true(val(&r, k, db, AIOPS_SIM_M_ERR_RATIO) < 0.01);
    assert_true(val(&r, k, cache, AIOPS_SIM_M_ERR_RATIO) < 0.01);
    assert_near(val(&r, k, db, AIOPS_SIM_M_RPS), 0, 0);
    assert_true(val(&r, k, cache, AIOPS_SIM_M_RPS) < 0.6 * val(&r, before, cache, AIOPS_SIM_M_RPS));
    assert_int_equal((int)val(&r, k, db, AIOPS_SIM_M_UP), 1);
    run_free(&r);
    aiops_sim_scenario_free(sc);
}

/* ------------------------------------------------------ memory leak */

static void test_memory_leak_ends_in_oom_kill(void **st)
{
    (void)st;
    aiops_sim_scenario *sc = load(
        "{'start':'2024-01-01T00:00:00Z','days':1,'step':'1m','services':["
        "{'name':'web','calls':['app'],'traffic':{'rps':50,'noise':0}},"
        "{'name':'app','memory':{'base':400e6,'limit':1e9}}],"
        "'faults':[{'kind':'memory_leak','service':'app','at':'6h','precursor':'60m',"
        "'duration':'3h'}]}");
    run r = simulate(sc);
    size_t app = svc(sc, "app");
    /* the precursor: a steady ramp from the baseline */
    double m0 = val(&r, at(sc, 0, 5, 50), app, AIOPS_SIM_M_MEM);
    double m1 = val(&r, at(sc, 0, 6, 10), app, AIOPS_SIM_M_MEM);
    double m2 = val(&r, at(sc, 0, 6, 30), app, AIOPS_SIM_M_MEM);
    double m3 = val(&r, at(sc, 0, 6, 50), app, AIOPS_SIM_M_MEM);
    assert_true(m0 < 450e6);
    assert_true(m0 < m1 && m1 < m2 && m2 < m3);
    assert_true(m3 > 850e6);
    /* GC pressure shows in latency before the kill */
    assert_true(val(&r, at(sc, 0, 6, 58), app, AIOPS_SIM_M_P50) >
                2 * val(&r, at(sc, 0, 6, 5), app, AIOPS_SIM_M_P50));
    /* OOM kill at the end of the precursor, then a restart */
    double t0 = sc->start;
    size_t ooms = 0, i_oom = 0;
    for (size_t i = 0; i < r.nev; i++)
        if (!strcmp(r.ev[i].kind, "oom_kill")) {
            if (!ooms++)
                i_oom = i;
            assert_int_equal(r.ev[i].svc, app);
            assert_string_equal(r.ev[i].reason, "OOMKilling");
            assert_int_equal(r.ev[i].fault, 0);
        }
    assert_int_equal(ooms, 2);                   /* 07:00 and, leaking again, 08:00 */
    assert_near(r.ev[i_oom].ts, t0 + 7 * 3600, 0);
    assert_true(i_oom + 1 < r.nev);
    assert_string_equal(r.ev[i_oom + 1].kind, "restart");
    assert_true(r.ev[i_oom + 1].ts > r.ev[i_oom].ts);
    assert_int_equal((int)val(&r, at(sc, 0, 7, 0), app, AIOPS_SIM_M_UP), 0);
    assert_int_equal((int)val(&r, at(sc, 0, 7, 1), app, AIOPS_SIM_M_UP), 1);
    assert_true(val(&r, at(sc, 0, 7, 2), app, AIOPS_SIM_M_MEM) < 500e6);
    /* fixed at the end: memory back to normal, no more kills */
    assert_true(val(&r, at(sc, 0, 10, 0), app, AIOPS_SIM_M_MEM) < 450e6);
    run_free(&r);
    aiops_sim_scenario_free(sc);
}

/* ------------------------------------------------------ precursors */

static void test_precursor_before_declared(void **st)
{
    (void)st;
    aiops_sim_scenario *sc = load(
        "{'start':'2024-01-01T00:00:00Z','days':1,'step':'5m','services':["
        "{'name':'web','calls':['store'],'traffic':{'noise':0}},{'name':'store','kind':'db'}],"
        "'faults':[{'kind':'disk_fill','service':'store','at':'4h','duration':'3h'},"
        "{'kind':'latency','service':'store','at':'12h','precursor':'30m','duration':'1h'},"
        "{'kind':'memory_leak','service':'web','at':'16h','precursor':'2h','duration':'3h'},"
        "{'kind':'error_burst','service':'web','at':'21h','duration':'20m'}]}");
    for (size_t i = 0; i < 3; i++) {
        const aiops_sim_fault *f = &sc->faults[i];
        double lead = aiops_sim_fault_declared(f) - f->start;
        assert_true(lead >= 1800 && lead <= 7200 + f->declare_delay);
    }
    /* error bursts have no precursor: declared 5 minutes after the start */
    assert_near(aiops_sim_fault_declared(&sc->faults[3]) - sc->faults[3].start, 300, 0);
    run r = simulate(sc);
    size_t store = svc(sc, "store");
    double base = val(&r, at(sc, 0, 3, 55), store, AIOPS_SIM_M_DISK);
    /* half way through the 60-minute default precursor the disk is filling */
    assert_true(val(&r, at(sc, 0, 4, 30), store, AIOPS_SIM_M_DISK) > base + 0.15);
    assert_true(val(&r, at(sc, 0, 4, 30), store, AIOPS_SIM_M_ERR_RATIO) < 0.01);
    /* full at the end of it: errors */
    assert_near(val(&r, at(sc, 0, 5, 0), store, AIOPS_SIM_M_DISK), 1, 0);
    assert_true(val(&r, at(sc, 0, 5, 0), store, AIOPS_SIM_M_ERR_RATIO) > 0.4);
    /* cleaned up at the end */
    assert_true(val(&r, at(sc, 0, 7, 5), store, AIOPS_SIM_M_DISK) < base + 0.01);
    /* latency degrades gradually over its 30-minute precursor */
    double l0 = val(&r, at(sc, 0, 12, 5), store, AIOPS_SIM_M_P50);
    double l1 = val(&r, at(sc, 0, 12, 20), store, AIOPS_SIM_M_P50);
    double l2 = val(&r, at(sc, 0, 12, 35), store, AIOPS_SIM_M_P50);
    assert_true(l0 < l1 && l1 < l2 && l2 > 0.35);
    run_free(&r);
    aiops_sim_scenario_free(sc);
}

static void test_precursor_bounds_validated(void **st)
{
    (void)st;
    const char *t = "{\"services\": [{\"name\": \"a\"}],\n"
                    " \"faults\": [{\"kind\": \"memory_leak\", \"service\": \"a\", \"at\": \"1h\",\n"
                    "   \"precursor\": \"10m\", \"duration\": \"2h\"}]}\n";
    aiops_sim_scenario *sc = NULL;
    aiops_err err = {0};
    assert_int_equal(aiops_sim_scenario_parse("p.json", t, strlen(t), &sc, &err), AIOPS_EPARSE);
    assert_null(sc);
    assert_int_equal(err.line, 3);
    assert_string_equal(err.file, "p.json");
    assert_non_null(strstr(err.msg, "faults[0].precursor: expected 30m to 2h"));
}

/* ------------------------------------------------------ other kinds */

static void test_bad_deploy_and_partition(void **st)
{
    (void)st;
    char buf[1024];
    snprintf(buf, sizeof buf, "%s",
             "{'start':'2024-01-01T00:00:00Z','days':1,'step':'1m',"
             "'propagation':{'delay':'1m','attenuation':0.8},'services':["
             "{'name':'fe','calls':['api'],'traffic':{'rps':100,'noise':0}},"
             "{'name':'api','calls':['auth','cart']},{'name':'auth'},{'name':'cart'}],"
             "'faults':[{'kind':'bad_deploy','service':'cart','at':'10h','duration':'30m',"
             "'severity':0.3,'version':'v9'},"
             "{'kind':'network_partition','service':'api','to':'auth','at':'15h','duration':'20m'}]}");
    aiops_sim_scenario *sc = load(buf);
    run r = simulate(sc);
    size_t cart = svc(sc, "cart"), api = svc(sc, "api"), auth = svc(sc, "auth");
    /* deploy event at the start, then errors; a rollback at the end */
    int deploys = 0;
    for (size_t i = 0; i < r.nev; i++)
        if (!strcmp(r.ev[i].kind, "deploy")) {
            assert_int_equal(r.ev[i].svc, cart);
            assert_string_equal(r.ev[i].version, deploys ? "v1.0.0" : "v9");
            assert_near(r.ev[i].ts, sc->start + (deploys ? 10.5 : 10) * 3600, 0);
            deploys++;
        }
    assert_int_equal(deploys, 2);
    assert_true(val(&r, at(sc, 0, 9, 59), cart, AIOPS_SIM_M_ERR_RATIO) < 0.01);
    assert_true(val(&r, at(sc, 0, 10, 10), cart, AIOPS_SIM_M_ERR_RATIO) > 0.29);
    assert_true(val(&r, at(sc, 0, 10, 45), cart, AIOPS_SIM_M_ERR_RATIO) < 0.01);
    /* partition: api fails its auth calls, auth itself is fine but idle */
    size_t k = at(sc, 0, 15, 10);
    assert_true(val(&r, k, api, AIOPS_SIM_M_ERR_RATIO) > 0.85);
    assert_true(val(&r, k, svc(sc, "fe"), AIOPS_SIM_M_ERR_RATIO) > 0.65);
    assert_true(val(&r, k, auth, AIOPS_SIM_M_ERR_RATIO) < 0.01);
    assert_near(val(&r, k, auth, AIOPS_SIM_M_RPS), 0, 0);
    assert_true(val(&r, k, api, AIOPS_SIM_M_P99) > 3);
    run_free(&r);
    aiops_sim_scenario_free(sc);
}

static void test_traffic_spike_loads_callees(void **st)
{
    (void)st;
    aiops_sim_scenario *sc = load(
        "{'start':'2024-01-01T00:00:00Z','days':1,'step':'1m','services':["
        "{'name':'fe','calls':['api'],'traffic':{'rps':100,'noise':0,'daily_amplitude':0}},"
        "{'name':'api','calls':['db']},{'name':'db','kind':'db'}],"
        "'faults':[{'kind':'traffic_spike','service':'fe','at':'12h','duration':'30m',"
        "'severity':4}]}");
    run r = simulate(sc);
    size_t k = at(sc, 0, 12, 15), b = at(sc, 0, 11, 50);
    for (size_t s = 0; s < 3; s++) {
        assert_near(val(&r, k, s, AIOPS_SIM_M_RPS), 4 * val(&r, b, s, AIOPS_SIM_M_RPS),
                            0.01);
        assert_true(val(&r, k, s, AIOPS_SIM_M_SAT) > 1);     /* beyond capacity */
        assert_true(val(&r, k, s, AIOPS_SIM_M_ERR_RATIO) > 0.1);
    }
    run_free(&r);
    aiops_sim_scenario_free(sc);
}

/* ------------------------------------------------------ determinism */

static void test_deterministic(void **st)
{
    (void)st;
    aiops_sim_scenario *sc = shop("db");
    run a = simulate(sc), b = simulate(sc);
    size_t bytes = a.nsteps * a.nsvc * AIOPS_SIM_NMETRICS * sizeof(double);
    assert_memory_equal(a.v, b.v, bytes);
    assert_int_equal(a.nev, b.nev);
    aiops_err err = {0};
    assert_int_equal(aiops_sim_scenario_override(sc, 1, 99, 0, 0, &err), 0);
    run c = simulate(sc);
    assert_true(memcmp(a.v, c.v, bytes) != 0);
    run_free(&a);
    run_free(&b);
    run_free(&c);
    aiops_sim_scenario_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_daily_peak_and_weekend_dip),
        cmocka_unit_test(test_trend_and_noise),
        cmocka_unit_test(test_nightly_batch_cpu),
        cmocka_unit_test(test_db_outage_reaches_every_caller),
        cmocka_unit_test(test_outage_spares_callees),
        cmocka_unit_test(test_memory_leak_ends_in_oom_kill),
        cmocka_unit_test(test_precursor_before_declared),
        cmocka_unit_test(test_precursor_bounds_validated),
        cmocka_unit_test(test_bad_deploy_and_partition),
        cmocka_unit_test(test_traffic_spike_loads_callees),
        cmocka_unit_test(test_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
