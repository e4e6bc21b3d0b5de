/* test_rca.c - libcore/rca: each ranking component on hand-made features
 * (structural vs seed, the random walk, onset, logs, change events, a
 * traffic surge), ties, and the engine end to end on a small stream with
 * its evidence text. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aiops_format.h"
#include "rca/rca.h"

static aiops_graph *dot(const char *t)
{
    aiops_graph *g = NULL;
    assert_int_equal(aiops_graph_parse(&g, "t.dot", t, strlen(t), NULL), 0);
    return g;
}

static uint32_t id(aiops_graph *g, const char *name)
{
    uint32_t i;
    assert_int_equal(aiops_graph_find(g, name, &i), 0);
    return i;
}

static const char *first(aiops_graph *g, const aiops_rca_rank *rk)
{
    return aiops_graph_node_at(g, rk[0].svc)->name;
}

static aiops_rca_opts only(const char *part)
{
    aiops_rca_opts o;
    aiops_rca_opts_default(&o);
    o.w_anomaly = o.w_walk = o.w_onset = o.w_log = o.w_change = o.w_surge = 0;
    if (!strcmp(part, "anomaly"))
        o.w_anomaly = 1;
    else if (!strcmp(part, "walk"))
        o.w_walk = 1;
    else if (!strcmp(part, "onset"))
        o.w_onset = 1;
    else if (!strcmp(part, "log"))
        o.w_log = 1;
    else if (!strcmp(part, "change"))
        o.w_change = 1;
    else if (!strcmp(part, "surge"))
        o.w_surge = 1;
    return o;
}

/* front -> api -> db, all three anomalous (the db fault propagated up):
 * structural names db (no anomalous callee), seed names front (no
 * anomalous caller), even though front's anomaly is the largest. */
static void test_structural_vs_seed(void **state)
{
    (void)state;
    aiops_graph *g = dot("digraph { front -> api -> db; api -> cache }");
    aiops_rca_svc sv[4] = {{0}};
    sv[id(g, "front")].anomaly = 0.9;
    sv[id(g, "api")].anomaly = 0.8;
    sv[id(g, "db")].anomaly = 0.7;
    sv[id(g, "cache")].anomaly = 0.1;   /* below the threshold (1/3) */
    aiops_rca_rank rk[4];
    aiops_rca_opts o;
    aiops_rca_opts_default(&o);
    o.method = AIOPS_RCA_STRUCTURAL;
    assert_int_equal(aiops_rca_rank_services(g, &o, sv, 0, rk, NULL), 0);
    assert_string_equal(first(g, rk), "db");
    assert_string_equal(aiops_graph_node_at(g, rk[1].svc)->name, "front");   /* then by anomaly */
    assert_string_equal(aiops_graph_node_at(g, rk[3].svc)->name, "cache");
    assert_true(fabs(rk[0].score - 2.7) < 1e-12);
    o.method = AIOPS_RCA_SEED;
    assert_int_equal(aiops_rca_rank_services(g, &o, sv, 0, rk, NULL), 0);
    assert_string_equal(first(g, rk), "front");
    assert_true(fabs(rk[0].score - 2.9) < 1e-12);
    aiops_graph_free(g);
}

/* The walk alone: api and db equally anomalous, their anomalies move
 * together, so api's walkers go on to db, whose anomaly explains api's. */
static void test_walk(void **state)
{
    (void)state;
    aiops_graph *g = dot("digraph { front -> api -> db }");
    double p_front[4] = {0, 0, 0.3, 0.3}, p_api[4] = {0, 0.1, 0.6, 0.6}, p_db[4] = {0, 0.2, 0.6, 0.6};
    aiops_rca_svc sv[3] = {{0}};
    sv[id(g, "front")] = (aiops_rca_svc){.anomaly = 0.5, .profile = p_front, .onset = NAN};
    sv[id(g, "api")] = (aiops_rca_svc){.anomaly = 0.6, .profile = p_api, .onset = NAN};
    sv[id(g, "db")] = (aiops_rca_svc){.anomaly = 0.6, .profile = p_db, .onset = NAN};
    aiops_rca_opts o = only("walk");
    aiops_rca_rank rk[3];
    assert_int_equal(aiops_rca_rank_services(g, &o, sv, 4, rk, NULL), 0);
    assert_string_equal(first(g, rk), "db");
    assert_true(rk[0].walk == 1);
    assert_true(rk[1].walk < 1 && rk[1].walk > 0);
    /* uncorrelated profiles: db explains nothing, api keeps its walkers */
    double p_flat[4] = {0.6, 0, 0.6, 0};
    sv[id(g, "db")].profile = p_flat;
    sv[id(g, "db")].anomaly = 0.4;
    assert_int_equal(aiops_rca_rank_services(g, &o, sv, 4, rk, NULL), 0);
    assert_string_equal(first(g, rk), "api");
    aiops_graph_free(g);
}

static void test_onset_log_change_surge(void **state)
{
    (void)state;
    aiops_graph *g = dot("digraph { web -> api -> db; web -> cart }");
    aiops_rca_svc sv[4];
    for (int i = 0; i < 4; i++)
        sv[i] = (aiops_rca_svc){.anomaly = 0.5, .onset = 1000};
    sv[id(g, "db")].onset = 400;   /* 10 min before the others */
    aiops_rca_rank rk[4];
    aiops_rca_opts o = only("onset");
    assert_int_equal(aiops_rca_rank_services(g, &o, sv, 0, rk, NULL), 0);
    assert_string_equal(first(g, rk), "db");
    assert_true(fabs(rk[0].score - 1) < 1e-12);
    assert_true(fabs(rk[1].score - exp(-1)) < 1e-12);   /* 600 s later, tau 600 s */
    o = only("log");
    sv[id(g, "cart")].log = 0.4;
    assert_int_equal(aiops_rca_rank_services(g, &o, sv, 0, rk, NULL), 0);
    assert_string_equal(first(g, rk), "cart");
    o = only("change");
    sv[id(g, "api")].change = 1;
    assert_int_equal(aiops_rca_rank_services(g, &o, sv, 0, rk, NULL), 0);
    assert_string_equal(first(g, rk), "api");
    /* a surge entering at web: web, api and cart all get more calls; only
     * web's callers did not */
    o = only("surge");
    sv[id(g, "web")].surge = 0.8;
    sv[id(g, "api")].surge = 0.8;
    sv[id(g, "cart")].surge = 0.9;
    assert_int_equal(aiops_rca_rank_services(g, &o, sv, 0, rk, NULL), 0);
    assert_string_equal(first(g, rk), "web");
    assert_true(fabs(rk[0].score - 0.8) < 1e-12);
    assert_true(fabs(rk[1].score - 0.9 * 0.2) < 1e-12);   /* cart */
    aiops_graph_free(g);
}

/* Equal scores and anomalies: by name. */
static void test_ties(void **state)
{
    (void)state;
    aiops_graph *g = dot("digraph { zeta; alpha; mid }");
    aiops_rca_svc sv[3];
    for (int i = 0; i < 3; i++)
        sv[i] = (aiops_rca_svc){.anomaly = 0.5, .onset = NAN};
    aiops_rca_rank rk[3];
    aiops_rca_opts o = only("anomaly");
    assert_int_equal(aiops_rca_rank_services(g, &o, sv, 0, rk, NULL), 0);
    assert_string_equal(aiops_graph_node_at(g, rk[0].svc)->name, "alpha");
    assert_string_equal(aiops_graph_node_at(g, rk[1].svc)->name, "mid");
    assert_string_equal(aiops_graph_node_at(g, rk[2].svc)->name, "zeta");
    /* equal score, larger anomaly first */
    o = only("change");
    sv[id(g, "zeta")].anomaly = 0.9;
    assert_int_equal(aiops_rca_rank_services(g, &o, sv, 0, rk, NULL), 0);
    assert_string_equal(aiops_graph_node_at(g, rk[0].svc)->name, "zeta");
    aiops_graph_free(g);
}

static void test_squash(void **state)
{
    (void)state;
    aiops_rca_opts o;
    aiops_rca_opts_default(&o);
    assert_true(aiops_rca_squash(&o, 0) == 0);
    assert_true(fabs(aiops_rca_squash(&o, 5) - 1.0 / 3) < 1e-12);
    assert_true(fabs(aiops_rca_squash(&o, 10) - 0.5) < 1e-12);
    assert_true(aiops_rca_squash(&o, INFINITY) == 1);
    assert_true(aiops_rca_squash(&o, NAN) == 0);
}

/* ------------------------------------------------------------ end to end */

static void feed(aiops_rca *r, aiops_series_table *tab, const char *json)
{
    aiops_record rec = {0};
    json_error_t je;
    json_t *o = json_loads(json, 0, &je);
    assert_non_null(o);
    rec.type = aiops_rtype_from_name(json_string_value(json_object_get(o, "type")),
                                     strlen(json_string_value(json_object_get(o, "type"))));
    rec.ts = json_number_value(json_object_get(o, "ts"));
    rec.obj = o;
    aiops_err err = {0};
    assert_int_equal(aiops_rca_add(r, &rec, &err), 0);
    aiops_record_clear(&rec);
    (void)tab;
}

/* One call of trace t<n> from gw's root span: gw's client span c<k> at
 * cs (the request leg, the callee's work dur, the answer leg), and the
 * callee's server span s<k> a leg later. */
static void feed_call(aiops_rca *r, aiops_series_table *tab, int n, int k, double cs, double leg,
                      double dur, const char *callee)
{
    char buf[512];
    snprintf(buf, sizeof buf, "{\"type\":\"span\",\"ts\":%.4f,\"trace_id\":\"t%d\",\"span_id\":\"c%d\","
             "\"parent_span_id\":\"r\",\"service\":\"gw\",\"duration\":%g}", cs, n, k, 2 * leg + dur);
    feed(r, tab, buf);
    snprintf(buf, sizeof buf, "{\"type\":\"span\",\"ts\":%.4f,\"trace_id\":\"t%d\",\"span_id\":\"s%d\","
             "\"parent_span_id\":\"c%d\",\"service\":\"%s\",\"duration\":%g}", cs + leg, n, k, k, callee, dur);
    feed(r, tab, buf);
}

/* Spans web -> api -> db every 10 s for 4 h; from t0 db's latency is 20x
 * and api's (which waits for db) follows; a deploy of db 5 min before. */
static void test_engine(void **state)
{
    (void)state;
    aiops_series_table *tab = aiops_series_table_new();
    aiops_rca_opts o;
    aiops_rca_opts_default(&o);
    o.daily = 0;
    aiops_rca *r = NULL;
    assert_int_equal(aiops_rca_new(&r, tab, &o, NULL, NULL), 0);
    double t0 = 1704103200 + 4 * 3600;   /* 2024-01-01 14:00 UTC */
    char buf[512];
    int n = 0;
    for (double t = t0 - 4 * 3600; t < t0 + 3600; t += 10, n++) {
        double jit = (n % 7) * 0.001, slow = t >= t0 ? 20 : 1;
        double db = 0.01 * slow + jit, api = 0.02 + db + jit, web = 0.01 + api;
        if (fabs(t - (t0 - 300)) < 5)
            feed(r, tab, "{\"type\":\"event\",\"ts\":1704117300,\"kind\":\"deploy\",\"service\":\"db\","
                         "\"version\":\"v2.3.1\",\"author\":\"alice\"}");
        if (t == t0)
            feed(r, tab, "{\"type\":\"label\",\"ts\":1704117600,\"id\":\"INC-7\",\"start\":1704117600}");
        snprintf(buf, sizeof buf, "{\"type\":\"span\",\"ts\":%.3f,\"trace_id\":\"t%d\",\"span_id\":\"w\","
                 "\"service\":\"web\",\"operation\":\"GET /\",\"duration\":%g}", t, n, web);
        feed(r, tab, buf);
        for (int k = 0; k < 5; k++) {   /* five calls per trace: enough per window */
            snprintf(buf, sizeof buf, "{\"type\":\"span\",\"ts\":%.3f,\"trace_id\":\"t%d\",\"span_id\":\"a%d\","
                     "\"parent_span_id\":\"w\",\"service\":\"api\",\"operation\":\"q\",\"duration\":%g}",
                     t + 0.001, n, k, api);
            feed(r, tab, buf);
            snprintf(buf, sizeof buf, "{\"type\":\"span\",\"ts\":%.3f,\"trace_id\":\"t%d\",\"span_id\":\"d%d\","
                     "\"parent_span_id\":\"a%d\",\"service\":\"db-7d9f8b6c4-x2x9z\",\"operation\":\"SELECT\","
                     "\"duration\":%g}", t + 0.002, n, k, k, db);
            feed(r, tab, buf);
        }
    }
    assert_int_equal(aiops_rca_finish(r, NULL), 0);
    /* pods roll up: db-7d9f8b6c4-x2x9z is db, and the deploy's service too */
    assert_int_equal(aiops_graph_nodes(aiops_rca_graph(r)), 3);
    aiops_record out = {0};
    assert_int_equal(aiops_rca_pop(r, &out), 1);
    assert_int_equal(out.type, AIOPS_R_RCA);
    assert_string_equal(json_string_value(json_object_get(out.obj, "incident")), "INC-7");
    json_t *c = json_object_get(out.obj, "candidates");
    assert_true(json_array_size(c) >= 2);
    json_t *top = json_array_get(c, 0);
    assert_string_equal(json_string_value(json_object_get(top, "service")), "db");
    json_t *ev = json_object_get(top, "evidence");
    char all[4096] = "";
    for (size_t i = 0; i < json_array_size(ev); i++) {
        strncat(all, json_string_value(json_array_get(ev, i)), sizeof all - strlen(all) - 3);
        strcat(all, " | ");
    }
    assert_non_null(strstr(all, "span p90 latency rose to "));
    assert_non_null(strstr(all, "anomalous from 14:00"));
    assert_non_null(strstr(all, "calls no other service"));
    assert_non_null(strstr(all, "deploy db v2.3.1 by alice at 13:55 (5 min before the start)"));
    assert_string_equal(json_string_value(json_object_get(json_array_get(c, 1), "service")), "api");
    aiops_record_clear(&out);
    assert_int_equal(aiops_rca_pop(r, &out), 0);
    aiops_rca_free(r);
    aiops_series_table_free(tab);
}

static void span(aiops_graph *g, const char *tr, const char *id, const char *par, const char *svc,
                 double start, double dur)
{
    aiops_span sp = {.trace_id = tr, .span_id = id, .parent_id = par, .service = svc,
                     .start = start, .duration = dur};
    assert_int_equal(aiops_graph_add_span(g, &sp, NULL), 0);
}

/* The wait of a call: a client span (one child, in another service) gives
 * its request leg and what its response leg takes beyond it; a span with
 * two children gives none (its time before a call is its own work). */
static void test_graph_wait(void **state)
{
    (void)state;
    aiops_graph_opts go;
    aiops_graph_opts_default(&go);
    go.window = 60;
    aiops_graph *g = NULL;
    assert_int_equal(aiops_graph_new(&g, &go, NULL), 0);
    span(g, "t1", "root", NULL, "gw", 120, 2);
    span(g, "t1", "cli", "root", "gw", 120.25, 1.5);    /* client span: 1.25 s outside db */
    span(g, "t1", "srv", "cli", "db", 120.75, 0.25);   /* request leg 0.5, response 0.75: excess 0.25 */
    span(g, "t2", "root", NULL, "gw", 121, 1);
    span(g, "t2", "cli", "root", "gw", 121, 0.75);
    span(g, "t2", "srv", "cli", "db", 121.125, 0.125);  /* request 0.125, response 0.5: excess 0.375 */
    span(g, "t3", "m", NULL, "mid", 122, 1);
    span(g, "t3", "a", "m", "db", 122.5, 0.125);        /* two direct children: no wait */
    span(g, "t3", "b", "m", "cache", 122.75, 0.125);
    assert_int_equal(aiops_graph_finish(g, NULL), 0);
    aiops_graph_window w;
    int seen = 0;
    while (aiops_graph_pop_window(g, &w) == 1) {
        if (w.edge == UINT32_MAX)
            continue;
        const aiops_graph_edge *e = aiops_graph_edge_at(g, w.edge);
        const char *from = aiops_graph_node_at(g, e->from)->name;
        if (!strcmp(from, "gw")) {
            assert_int_equal(w.calls, 2);
            assert_int_equal(w.wait_calls, 2);
            assert_true(fabs(w.req_mean - (0.5 + 0.125) / 2) < 1e-6);
            assert_true(fabs(w.resp_mean - (0.25 + 0.375) / 2) < 1e-6);
            assert_int_equal(w.top_req_ns, 500000000);   /* the slowest call: t1's (0.5 + 0.25) */
            assert_int_equal(w.top_resp_ns, 250000000);
        } else {
            assert_string_equal(from, "mid");
            assert_int_equal(w.calls, 1);
            assert_int_equal(w.wait_calls, 0);
            assert_true(isnan(w.req_mean));
        }
        seen++;
    }
    assert_int_equal(seen, 3);   /* gw -> db, mid -> db, mid -> cache */
    aiops_graph_free(g);
}

/* Traces of one minute only (kept around the incident, no history): a
 * gateway's client spans to six services, whose request legs take 2-3 ms,
 * except those to x: 1 s.  x's own spans are as fast as ever; the wait
 * against the other services of the window names it. */
static void test_engine_wait(void **state)
{
    (void)state;
    aiops_series_table *tab = aiops_series_table_new();
    aiops_rca_opts o;
    aiops_rca_opts_default(&o);
    aiops_rca *r = NULL;
    assert_int_equal(aiops_rca_new(&r, tab, &o, NULL, NULL), 0);
    double t0 = 1704103200;   /* 2024-01-01 10:00 UTC */
    feed(r, tab, "{\"type\":\"label\",\"ts\":1704103200,\"id\":\"F1\",\"start\":1704103200}");
    static const char *const callee[] = {"a", "b", "c", "d", "e", "x"};
    char buf[512];
    for (int n = 0; n < 40; n++) {
        double t = t0 + 1 + n;
        snprintf(buf, sizeof buf, "{\"type\":\"span\",\"ts\":%.3f,\"trace_id\":\"t%d\",\"span_id\":\"r\","
                 "\"service\":\"gw\",\"duration\":0.9}", t, n);
        feed(r, tab, buf);
        for (int k = 0; k < 6; k++) {
            double leg = k == 5 ? 0.1 : 0.002 + 0.0002 * ((n + k) % 5), dur = 0.004;
            double cs = t + 0.01 + 0.12 * k;
            feed_call(r, tab, n, k, cs, leg, dur, callee[k]);
        }
    }
    assert_int_equal(aiops_rca_finish(r, NULL), 0);
    aiops_record out = {0};
    assert_int_equal(aiops_rca_pop(r, &out), 1);
    json_t *top = json_array_get(json_object_get(out.obj, "candidates"), 0);
    assert_string_equal(json_string_value(json_object_get(top, "service")), "x");
    const char *ev = json_string_value(json_array_get(json_object_get(top, "evidence"), 0));
    assert_non_null(ev);
    assert_non_null(strstr(ev, "wait of calls into it (outside its spans) longer than the other services' at 10:00 (robust z"));
    aiops_record_clear(&out);
    aiops_rca_free(r);
    aiops_series_table_free(tab);
}

/* Robust waits: x's calls all wait 100 ms (a delay on x); o's wait 2-3 ms
 * but for one call of 1 s (a retransmitted packet); w is called once, at
 * 150 ms.  The slowest call of an edge's window is left out (o is not
 * anomalous), and a service's wait is averaged with one call at the
 * window's median (w, heard from once, does not outweigh x). */
static void test_engine_wait_robust(void **state)
{
    (void)state;
    aiops_series_table *tab = aiops_series_table_new();
    aiops_rca_opts o;
    aiops_rca_opts_default(&o);
    aiops_rca *r = NULL;
    assert_int_equal(aiops_rca_new(&r, tab, &o, NULL, NULL), 0);
    double t0 = 1704103200;
    feed(r, tab, "{\"type\":\"label\",\"ts\":1704103200,\"id\":\"F1\",\"start\":1704103200}");
    static const char *const callee[] = {"a", "b", "c", "d", "e", "x", "o", "w"};
    char buf[512];
    for (int n = 0; n < 40; n++) {
        double t = t0 + 1 + n;
        snprintf(buf, sizeof buf, "{\"type\":\"span\",\"ts\":%.3f,\"trace_id\":\"t%d\",\"span_id\":\"r\","
                 "\"service\":\"gw\",\"duration\":0.9}", t, n);
        feed(r, tab, buf);
        for (int k = 0; k < 8; k++) {
            if (k == 7 && n != 3)
                continue;
            double leg = k == 5 ? 0.1 : k == 6 && n == 7 ? 1.0 : k == 7 ? 0.15 : 0.002 + 0.0002 * ((n + k) % 5);
            double dur = 0.004, cs = t + 0.01 + 0.1 * k;
            feed_call(r, tab, n, k, cs, leg, dur, callee[k]);
        }
    }
    assert_int_equal(aiops_rca_finish(r, NULL), 0);
    aiops_record out = {0};
    assert_int_equal(aiops_rca_pop(r, &out), 1);
    json_t *c = json_object_get(out.obj, "candidates");
    assert_string_equal(json_string_value(json_object_get(json_array_get(c, 0), "service")), "x");
    double ax = json_number_value(json_object_get(json_array_get(c, 0), "anomaly")), aw = -1, ao = -1;
    for (size_t i = 0; i < json_array_size(c); i++) {
        json_t *ci = json_array_get(c, i);
        const char *sv = json_string_value(json_object_get(ci, "service"));
        if (!strcmp(sv, "o"))
            ao = json_number_value(json_object_get(ci, "anomaly"));
        if (!strcmp(sv, "w"))
            aw = json_number_value(json_object_get(ci, "anomaly"));
    }
    assert_true(ao < 0.2);               /* one slow call of 40 is no delay */
    assert_true(aw > 0.5 && aw < ax);    /* one slow call is news, but less than 40 */
    aiops_record_clear(&out);
    aiops_rca_free(r);
    aiops_series_table_free(tab);
}

/* A CPU-starved caller: s takes 90 ms to take each answer of its calls to
 * p, q and r (their response legs), whose own spans and request legs are
 * as fast as ever.  Each of those calls' excess shows on s's other calls
 * too, and p, q, r have no other caller that sees it: it is s's.  The
 * calls into x (a network delay: both legs, every caller) stay x's. */
static void test_engine_wait_caller(void **state)
{
    (void)state;
    aiops_series_table *tab = aiops_series_table_new();
    aiops_rca_opts o;
    aiops_rca_opts_default(&o);
    aiops_rca *r = NULL;
    assert_int_equal(aiops_rca_new(&r, tab, &o, NULL, NULL), 0);
    double t0 = 1704103200;
    feed(r, tab, "{\"type\":\"label\",\"ts\":1704103200,\"id\":\"F1\",\"start\":1704103200}");
    static const char *const callee[] = {"a", "b", "c", "d", "s"}, *const down[] = {"p", "q", "r"};
    char buf[512];
    for (int n = 0; n < 40; n++) {
        double t = t0 + 1 + n;
        snprintf(buf, sizeof buf, "{\"type\":\"span\",\"ts\":%.4f,\"trace_id\":\"t%d\",\"span_id\":\"r\","
                 "\"service\":\"gw\",\"duration\":0.9}", t, n);
        feed(r, tab, buf);
        for (int k = 0; k < 5; k++) {
            double leg = 0.002 + 0.0002 * ((n + k) % 5), cs = t + 0.01 + 0.15 * k;
            double dur = k == 4 ? 0.4 : 0.004;
            feed_call(r, tab, n, k, cs, leg, dur, callee[k]);
            if (k != 4)
                continue;
            for (int j = 0; j < 3; j++) {   /* s's calls: fast request, 90 ms to take the answer */
                double ds = cs + leg + 0.01 + 0.12 * j, rq = 0.002 + 0.0002 * ((n + j) % 5);
                snprintf(buf, sizeof buf, "{\"type\":\"span\",\"ts\":%.4f,\"trace_id\":\"t%d\",\"span_id\":\"d%d\","
                         "\"parent_span_id\":\"s4\",\"service\":\"s\",\"duration\":%g}", ds, n, j, rq + 0.004 + 0.09);
                feed(r, tab, buf);
                snprintf(buf, sizeof buf, "{\"type\":\"span\",\"ts\":%.4f,\"trace_id\":\"t%d\",\"span_id\":\"e%d\","
                         "\"parent_span_id\":\"d%d\",\"service\":\"%s\",\"duration\":0.004}", ds + rq, n, j, j, down[j]);
                feed(r, tab, buf);
            }
        }
    }
    assert_int_equal(aiops_rca_finish(r, NULL), 0);
    aiops_record out = {0};
    assert_int_equal(aiops_rca_pop(r, &out), 1);
    json_t *c = json_object_get(out.obj, "candidates");
    json_t *top = json_array_get(c, 0);
    assert_string_equal(json_string_value(json_object_get(top, "service")), "s");
    const char *ev = json_string_value(json_array_get(json_object_get(top, "evidence"), 0));
    assert_non_null(ev);
    assert_non_null(strstr(ev, "wait of calls into it (outside its spans) longer than the other services'"));
    for (size_t i = 0; i < json_array_size(c); i++) {   /* p, q, r: no wait of their own */
        json_t *ci = json_array_get(c, i);
        const char *sv = json_string_value(json_object_get(ci, "service"));
        if (!strcmp(sv, "p") || !strcmp(sv, "q") || !strcmp(sv, "r"))
            assert_true(json_number_value(json_object_get(ci, "anomaly")) < 0.2);
    }
    aiops_record_clear(&out);
    aiops_rca_free(r);
    aiops_series_table_free(tab);
}

/* ------------------------------------------------- order of equal times */

/* The records of a stream where many share a time: three traces per tick,
 * all spans of a tick at the same ts (gw calls a, b, c, x; from t0 a and
 * b are slowed alike, twins whose scores tie), two aiops-fit anomaly
 * records of a at the same time, and two labels of the same start. */
static size_t tied_stream(char ***out)
{
    static const char *const callee[] = {"a", "b", "c", "x"};
    double t0 = 1704103200 + 3 * 3600;
    size_t n = 0, cap = 0;
    char **v = NULL, buf[512];
#define PUSH()                                                     \
    do {                                                           \
        if (n == cap) {                                            \
            cap = cap ? 2 * cap : 1024;                            \
            v = realloc(v, cap * sizeof *v);                       \
            assert_non_null(v);                                    \
        }                                                          \
        v[n++] = strdup(buf);                                      \
    } while (0)
    int tick = 0;
    for (double t = t0 - 3 * 3600; t < t0 + 1800; t += 20, tick++) {
        if (t == t0) {
            snprintf(buf, sizeof buf, "{\"type\":\"label\",\"ts\":%.0f,\"id\":\"F2\",\"start\":%.0f}", t, t);
            PUSH();
            snprintf(buf, sizeof buf, "{\"type\":\"label\",\"ts\":%.0f,\"id\":\"F1\",\"start\":%.0f}", t, t);
            PUSH();
        }
        if (t >= t0 && t < t0 + 300) {
            snprintf(buf, sizeof buf, "{\"type\":\"anomaly\",\"ts\":%.0f,\"series\":\"q\",\"service\":\"a\","
                     "\"score\":9,\"anomaly_score\":0.9}", t);
            PUSH();
            snprintf(buf, sizeof buf, "{\"type\":\"anomaly\",\"ts\":%.0f,\"series\":\"r\",\"service\":\"a\","
                     "\"score\":2,\"anomaly_score\":0.2}", t);
            PUSH();
        }
        for (int j = 0; j < 3; j++) {
            snprintf(buf, sizeof buf, "{\"type\":\"span\",\"ts\":%.0f,\"trace_id\":\"t%d-%d\",\"span_id\":\"r\","
                     "\"service\":\"gw\",\"duration\":0.9}", t, tick, j);
            PUSH();
            for (int k = 0; k < 4; k++) {
                double slow = t >= t0 && k < 2 ? 8 : 1, d = 0.01 * slow * (1 + 0.1 * ((tick + j + k) % 3));
                snprintf(buf, sizeof buf, "{\"type\":\"span\",\"ts\":%.0f,\"trace_id\":\"t%d-%d\","
                         "\"span_id\":\"c%d\",\"parent_span_id\":\"r\",\"service\":\"gw\",\"duration\":%.4f}",
                         t, tick, j, k, d + 0.002 * (1 + k));
                PUSH();
                snprintf(buf, sizeof buf, "{\"type\":\"span\",\"ts\":%.0f,\"trace_id\":\"t%d-%d\","
                         "\"span_id\":\"s%d\",\"parent_span_id\":\"c%d\",\"service\":\"%s\",\"duration\":%.4f}",
                         t, tick, j, k, k, callee[k], d);
                PUSH();
            }
        }
    }
#undef PUSH
    *out = v;
    return n;
}

/* The rca records of the stream v[ord[0]], v[ord[1]], ..., as one text. */
static char *rank_in_order(char **v, const size_t *ord, size_t n)
{
    aiops_series_table *tab = aiops_series_table_new();
    aiops_rca_opts o;
    aiops_rca_opts_default(&o);
    aiops_rca *r = NULL;
    assert_int_equal(aiops_rca_new(&r, tab, &o, NULL, NULL), 0);
    for (size_t i = 0; i < n; i++)
        feed(r, tab, v[ord[i]]);
    assert_int_equal(aiops_rca_finish(r, NULL), 0);
    size_t len = 0;
    char *all = calloc(1, 1);
    aiops_record out = {0};
    while (aiops_rca_pop(r, &out) == 1) {
        char *d = json_dumps(out.obj, JSON_SORT_KEYS | JSON_COMPACT);
        assert_non_null(d);
        all = realloc(all, len + strlen(d) + 2);
        memcpy(all + len, d, strlen(d));
        len += strlen(d);
        all[len++] = '\n';
        all[len] = '\0';
        free(d);
        aiops_record_clear(&out);
    }
    aiops_rca_free(r);
    aiops_series_table_free(tab);
    return all;
}

/* The same records, those of equal time in another order (reversed, and
 * rotated by one), rank the same: the same text to the last digit. */
static void test_equal_time_order(void **state)
{
    (void)state;
    char **v = NULL;
    size_t n = tied_stream(&v);
    size_t *fwd = malloc(n * sizeof *fwd), *rev = malloc(n * sizeof *rev), *rot = malloc(n * sizeof *rot);
    assert_true(fwd && rev && rot);
    json_error_t je;
    for (size_t a = 0, b; a < n; a = b) {   /* groups of the same ts */
        json_t *o = json_loads(v[a], 0, &je);
        double ts = json_number_value(json_object_get(o, "ts"));
        json_decref(o);
        for (b = a + 1; b < n; b++) {
            o = json_loads(v[b], 0, &je);
            double tb = json_number_value(json_object_get(o, "ts"));
            json_decref(o);
            if (tb != ts)
                break;
        }
        for (size_t i = a; i < b; i++) {
            fwd[i] = i;
            rev[i] = b - 1 - (i - a);
            rot[i] = a + (i - a + 1) % (b - a);
        }
    }
    char *x = rank_in_order(v, fwd, n), *y = rank_in_order(v, rev, n), *z = rank_in_order(v, rot, n);
    /* both incidents, in the order of their ids (same start) */
    char *f1 = strstr(x, "\"incident\":\"F1\""), *f2 = strstr(x, "\"incident\":\"F2\"");
    assert_true(f1 && f2 && f1 < f2);
    /* a and b tie (twins): the name orders them, and the ranking is a's */
    assert_non_null(strstr(x, "\"candidates\":[{"));
    assert_string_equal(x, y);
    assert_string_equal(x, z);
    free(x);
    free(y);
    free(z);
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
    free(fwd);
    free(rev);
    free(rot);
}

static void test_bad_incident(void **state)
{
    (void)state;
    aiops_series_table *tab = aiops_series_table_new();
    aiops_rca_opts o;
    aiops_rca_opts_default(&o);
    aiops_rca *r = NULL;
    assert_int_equal(aiops_rca_new(&r, tab, &o, NULL, NULL), 0);
    json_t *obj = json_pack("{s:s,s:f,s:s}", "type", "incident", "ts", 100.0, "id", "x");
    aiops_record rec = {.type = AIOPS_R_INCIDENT, .ts = 100, .obj = obj};
    aiops_err err = {0};
    assert_int_equal(aiops_rca_add(r, &rec, &err), AIOPS_EPARSE);
    assert_non_null(strstr(err.msg, "incident record x: expected a \"start\""));
    aiops_record_clear(&rec);
    aiops_rca_free(r);
    aiops_series_table_free(tab);
}

/* Metrics only (aiops-fit scores of a and its caller b): without a graph
 * the evidence says callers and callees are unknown and names no walk;
 * with a graph file (b -> a, weight 3) the engine's graph is the file's,
 * weight and all, and the structure shows in the evidence. */
static char *no_graph_run(aiops_graph *base, double *weight)
{
    aiops_series_table *tab = aiops_series_table_new();
    aiops_rca_opts o;
    aiops_rca_opts_default(&o);
    o.daily = 0;
    aiops_rca *r = NULL;
    assert_int_equal(aiops_rca_new(&r, tab, &o, base, NULL), 0);
    double t0 = 1704103200 + 4 * 3600;
    char buf[512];
    for (double t = t0 - 4 * 3600; t < t0 + 3600; t += 60) {
        if (t == t0)
            feed(r, tab, "{\"type\":\"label\",\"ts\":1704117600,\"id\":\"INC-9\",\"start\":1704117600}");
        double sa = t >= t0 ? 0.95 : 0.01, sb = t >= t0 + 60 ? 0.8 : 0.01;
        snprintf(buf, sizeof buf, "{\"type\":\"anomaly\",\"ts\":%.0f,\"series\":\"q\",\"service\":\"a\","
                 "\"score\":%g,\"anomaly_score\":%g}", t, sa * 10, sa);
        feed(r, tab, buf);
        snprintf(buf, sizeof buf, "{\"type\":\"anomaly\",\"ts\":%.0f,\"series\":\"q\",\"service\":\"b\","
                 "\"score\":%g,\"anomaly_score\":%g}", t, sb * 10, sb);
        feed(r, tab, buf);
    }
    assert_int_equal(aiops_rca_finish(r, NULL), 0);
    aiops_graph *g = aiops_rca_graph(r);
    *weight = -1;
    uint32_t f, to;
    if (!aiops_graph_find(g, "b", &f) && !aiops_graph_find(g, "a", &to) && aiops_graph_edge_find(g, f, to) >= 0)
        *weight = aiops_graph_edge_at(g, (uint32_t)aiops_graph_edge_find(g, f, to))->weight;
    aiops_record out = {0};
    assert_int_equal(aiops_rca_pop(r, &out), 1);
    json_t *top = json_array_get(json_object_get(out.obj, "candidates"), 0);
    assert_string_equal(json_string_value(json_object_get(top, "service")), "a");
    json_t *ev = json_object_get(top, "evidence");
    char all[4096] = "";
    for (size_t i = 0; i < json_array_size(ev); i++) {
        strncat(all, json_string_value(json_array_get(ev, i)), sizeof all - strlen(all) - 3);
        strcat(all, " | ");
    }
    aiops_record_clear(&out);
    aiops_rca_free(r);
    aiops_series_table_free(tab);
    return strdup(all);
}

static void test_metrics_only_graph(void **state)
{
    (void)state;
    double w;
    char *ev = no_graph_run(NULL, &w);
    assert_true(w == -1);
    assert_non_null(strstr(ev, "callers and callees unknown (no service graph"));
    assert_null(strstr(ev, "calls no other service"));
    assert_null(strstr(ev, "random walk"));
    free(ev);
    aiops_graph *g = dot("digraph { b -> a [weight=3]; }");
    ev = no_graph_run(g, &w);
    aiops_graph_free(g);
    assert_true(w == 3);
    assert_null(strstr(ev, "callers and callees unknown"));
    assert_non_null(strstr(ev, "calls no other service"));
    assert_non_null(strstr(ev, "random walk 1.00 of the best"));
    free(ev);
}

/* The metric-type prior: the same rise in db's CPU (a resource: a cause)
 * and in api's latency (an effect, RC_EFFECT_W = 0.8 of it) ranks db
 * first, api's anomaly 0.8 of db's; structural keeps them alike. */
static void sample(aiops_rca *r, aiops_series_table *tab, const char *series, double t, double v)
{
    aiops_record rec = {.type = AIOPS_R_SAMPLE, .ts = t, .value = v};
    assert_int_equal(aiops_series_intern_text(tab, series, strlen(series), &rec.sid, NULL), 0);
    assert_int_equal(aiops_rca_add(r, &rec, NULL), 0);
}

static void effect_run(int method, double *adb, double *aapi, char *top, size_t n)
{
    aiops_series_table *tab = aiops_series_table_new();
    aiops_rca_opts o;
    aiops_rca_opts_default(&o);
    o.daily = 0;
    o.method = method;
    aiops_rca *r = NULL;
    assert_int_equal(aiops_rca_new(&r, tab, &o, NULL, NULL), 0);
    double t0 = 1704103200 + 4 * 3600;
    int k = 0;
    for (double t = t0 - 4 * 3600; t < t0 + 3600; t += 60, k++) {
        if (t == t0)
            feed(r, tab, "{\"type\":\"label\",\"ts\":1704117600,\"id\":\"INC-5\",\"start\":1704117600}");
        double noise = 0.01 * (k % 5), up = t >= t0 ? 1 : 0;
        sample(r, tab, "cpu_usage_ratio{service=\"db\"}", t, 0.2 + noise + up);
        sample(r, tab, "http_latency_p99_seconds{service=\"api\"}", t, 0.2 + noise + up);
    }
    assert_int_equal(aiops_rca_finish(r, NULL), 0);
    aiops_record out = {0};
    assert_int_equal(aiops_rca_pop(r, &out), 1);
    json_t *c = json_object_get(out.obj, "candidates");
    snprintf(top, n, "%s", json_string_value(json_object_get(json_array_get(c, 0), "service")));
    for (size_t i = 0; i < json_array_size(c); i++) {
        json_t *ci = json_array_get(c, i);
        double a = json_number_value(json_object_get(ci, "anomaly"));
        if (!strcmp(json_string_value(json_object_get(ci, "service")), "db"))
            *adb = a;
        else
            *aapi = a;
    }
    aiops_record_clear(&out);
    aiops_rca_free(r);
    aiops_series_table_free(tab);
}

static void test_effect_prior(void **state)
{
    (void)state;
    double adb = -1, aapi = -1;
    char top[64];
    effect_run(AIOPS_RCA_DEFAULT, &adb, &aapi, top, sizeof top);
    assert_string_equal(top, "db");
    assert_true(adb > 0.8);
    assert_true(fabs(aapi - 0.8 * adb) < 1e-3);
    effect_run(AIOPS_RCA_STRUCTURAL, &adb, &aapi, top, sizeof top);
    assert_true(fabs(aapi - adb) < 1e-3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_structural_vs_seed),
        cmocka_unit_test(test_walk),
        cmocka_unit_test(test_onset_log_change_surge),
        cmocka_unit_test(test_ties),
        cmocka_unit_test(test_squash),
        cmocka_unit_test(test_engine),
        cmocka_unit_test(test_graph_wait),
        cmocka_unit_test(test_engine_wait),
        cmocka_unit_test(test_engine_wait_caller),
        cmocka_unit_test(test_engine_wait_robust),
        cmocka_unit_test(test_equal_time_order),
        cmocka_unit_test(test_bad_incident),
        cmocka_unit_test(test_metrics_only_graph),
        cmocka_unit_test(test_effect_prior),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
