/* test_cluster.c - libcore/cluster/: each part of the combined distance,
 * templates, DBSCAN on hand-made points, embeddings (PPMI + SVD), the
 * streaming window of the default method (open, join, close, late alert,
 * repeats), group-by timing (group_wait, group_interval, deletion) and
 * inhibition whose source arrives late. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cluster/cluster.h"

#define EPS 1e-9

/* ------------------------------------------------------------ parts */

static void test_time_part(void **state)
{
    (void)state;
    assert_float_equal(aiops_cluster_time_dist(0, 600), 0, EPS);
    assert_float_equal(aiops_cluster_time_dist(-5, 600), 0, EPS);
    assert_float_equal(aiops_cluster_time_dist(150, 600), 0.25, EPS);
    assert_float_equal(aiops_cluster_time_dist(600, 600), 1, EPS);
    assert_float_equal(aiops_cluster_time_dist(9000, 600), 1, EPS);
}

static void test_topology_part(void **state)
{
    (void)state;
    assert_float_equal(aiops_cluster_topo_dist(0, 3), 0, EPS);
    assert_float_equal(aiops_cluster_topo_dist(1, 3), 1.0 / 3, EPS);
    assert_float_equal(aiops_cluster_topo_dist(2, 4), 0.5, EPS);
    assert_float_equal(aiops_cluster_topo_dist(5, 3), 1, EPS);
    assert_float_equal(aiops_cluster_topo_dist(-1, 3), 1, EPS);    /* not connected */
}

static void test_overlap_part(void **state)
{
    (void)state;
    const uint64_t a[] = {1, 5, 9, 12}, b[] = {2, 5, 9, 30, 40};
    /* 2 of a's 4 are in b */
    assert_float_equal(aiops_cluster_overlap_dist(a, 4, b, 5), 0.5, EPS);
    assert_float_equal(aiops_cluster_overlap_dist(a, 4, a, 4), 0, EPS);
    assert_float_equal(aiops_cluster_overlap_dist(a, 4, NULL, 0), 1, EPS);
    assert_float_equal(aiops_cluster_overlap_dist(NULL, 0, b, 5), 0, EPS);
}

static void test_embedding_part(void **state)
{
    (void)state;
    const double a[] = {1, 0}, b[] = {0, 1}, c[] = {-2, 0}, z[] = {0, 0}, h[] = {1, 1};
    assert_float_equal(aiops_cluster_embed_dist(a, a, 2), 0, EPS);
    assert_float_equal(aiops_cluster_embed_dist(a, b, 2), 1, EPS);
    assert_float_equal(aiops_cluster_embed_dist(a, h, 2), 1 - sqrt(0.5), EPS);
    assert_float_equal(aiops_cluster_embed_dist(a, c, 2), 1, EPS);
    assert_float_equal(aiops_cluster_embed_dist(a, z, 2), 1, EPS);
}

static void test_message_tokens(void **state)
{
    (void)state;
    uint64_t ta[16], tb[16];
    size_t na = aiops_cluster_tokens("disk <*> full on <*> (<*>)", ta, 16);
    size_t nb = aiops_cluster_tokens("Target down on cache", tb, 16);
    assert_int_equal(na, 4);      /* disk, <*>, full, on (unique) */
    assert_int_equal(nb, 4);
    /* "on" is shared: 1 of 4 */
    assert_float_equal(aiops_cluster_overlap_dist(tb, nb, ta, na), 0.75, EPS);
    assert_int_equal(aiops_cluster_tokens("", ta, 16), 0);
}

/* ------------------------------------------------------------ DBSCAN */

static void test_dbscan_points(void **state)
{
    (void)state;
    /* sorted by x0: a dense run at 0..0.4, an isolated point at 3, a run
     * at 5..5.3 whose last point is far on the second axis (noise), and a
     * border point at 0.9 (within 0.5 of 0.4, which is core) */
    const double x[] = {0, 0,  0.1, 0,  0.2, 0.1,  0.3, 0,  0.4, 0,  0.9, 0,
                        3, 0,  5, 1,  5.1, 1,  5.2, 1,  5.3, 9};
    int lab[11];
    int n = aiops_cluster_dbscan(x, 11, 2, 0.5, 3, lab, NULL);
    assert_int_equal(n, 2);
    for (int i = 0; i < 5; i++)
        assert_int_equal(lab[i], 0);
    assert_int_equal(lab[5], 0);     /* border */
    assert_int_equal(lab[6], -1);    /* isolated */
    assert_int_equal(lab[7], 1);
    assert_int_equal(lab[8], 1);
    assert_int_equal(lab[9], 1);
    assert_int_equal(lab[10], -1);   /* near in time, far on the other axis */
    /* min_samples 1: every point is a cluster of its own or with neighbours */
    assert_int_equal(aiops_cluster_dbscan(x, 11, 2, 0.05, 1, lab, NULL), 11);
    assert_int_equal(aiops_cluster_dbscan(x, 0, 2, 0.5, 3, lab, NULL), 0);
}

/* ------------------------------------------------------------ engine */

static aiops_record alert(double ts, const char *name, const char *svc, const char *sev, const char *state,
                          const char *extra)
{
    char buf[1024];
    snprintf(buf, sizeof buf,
             "{\"type\":\"alert\",\"ts\":%.17g,\"name\":\"%s\",\"state\":\"%s\",\"start\":%.17g,"
             "\"service\":\"%s\",\"severity\":\"%s\",\"labels\":{\"alertname\":\"%s\",\"service\":\"%s\","
             "\"severity\":\"%s\",\"cluster\":\"eu\"%s},\"annotations\":{\"summary\":\"%s on %s\"}}",
             ts, name, state, ts, svc, sev, name, svc, sev, extra ? extra : "", name, svc);
    json_error_t je;
    aiops_record r = {.type = AIOPS_R_ALERT, .ts = ts, .obj = json_loads(buf, 0, &je)};
    assert_non_null(r.obj);
    return r;
}

typedef struct out {
    int nalerts, nincidents;
    char alert_inc[64][16];
    int alert_inhibited[64];
    json_t *inc[16];
} out;

static void drain(aiops_cluster *c, out *o)
{
    aiops_record r;
    while (aiops_cluster_pop(c, &r) == 1) {
        if (r.type == AIOPS_R_INCIDENT) {
            assert_true(o->nincidents < 16);
            o->inc[o->nincidents++] = json_incref(r.obj);
        } else {
            const char *id = json_string_value(json_object_get(r.obj, "incident"));
            assert_true(o->nalerts < 64);
            snprintf(o->alert_inc[o->nalerts], 16, "%s", id ? id : "");
            o->alert_inhibited[o->nalerts++] = json_is_true(json_object_get(r.obj, "inhibited"));
        }
        aiops_record_clear(&r);
    }
}

static void push(aiops_cluster *c, aiops_record r, out *o)
{
    assert_int_equal(aiops_cluster_push(c, &r, NULL), 0);
    drain(c, o);
}

static void out_free(out *o)
{
    for (int i = 0; i < o->nincidents; i++)
        json_decref(o->inc[i]);
}

static long jint(json_t *o, const char *k)
{
    return (long)json_integer_value(json_object_get(o, k));
}

/* open, join by topology, close after the quiet time, a late alert that
 * joins the incident still open, a repeat that is counted */
static void test_stream_window(void **state)
{
    (void)state;
    aiops_cluster_opts o;
    aiops_cluster_opts_default(&o);
    o.close_after = 600;
    aiops_cluster *c;
    assert_int_equal(aiops_cluster_new(&c, &o, NULL), 0);
    assert_int_equal(aiops_cluster_graph_edge(c, "web", "api", NULL), 0);
    assert_int_equal(aiops_cluster_graph_edge(c, "api", "db", NULL), 0);
    assert_int_equal(aiops_cluster_graph_edge(c, "batch", "warehouse", NULL), 0);
    out res = {0};
    push(c, alert(1000, "InstanceDown", "db", "critical", "firing", NULL), &res);     /* opens inc-1 */
    push(c, alert(1060, "HighErrorRate", "api", "critical", "firing", NULL), &res);   /* joins: 1 hop */
    push(c, alert(1070, "HighCPU", "warehouse", "warning", "firing", NULL), &res);    /* far: inc-2 */
    push(c, alert(1120, "HighErrorRate", "web", "critical", "firing", NULL), &res);   /* joins inc-1 */
    push(c, alert(1180, "HighErrorRate", "api", "critical", "firing", NULL), &res);   /* a repeat */
    assert_int_equal(res.nincidents, 0);    /* both still open */
    /* a late record (older than the newest) still joins the open incident */
    push(c, alert(1100, "HighLatency", "api", "warning", "firing", NULL), &res);
    /* 1070 + 600 passed: inc-2 closes; inc-1's last alert was 1180 */
    push(c, alert(1700, "HighErrorRate", "web", "critical", "resolved", NULL), &res);
    assert_int_equal(res.nincidents, 1);
    assert_string_equal(json_string_value(json_object_get(res.inc[0], "id")), "inc-2");
    push(c, alert(5000, "HighCPU", "warehouse", "warning", "firing", NULL), &res);   /* inc-1 closed; inc-3 */
    assert_int_equal(res.nincidents, 2);
    json_t *i1 = res.inc[1];
    assert_string_equal(json_string_value(json_object_get(i1, "id")), "inc-1");
    assert_int_equal(jint(i1, "distinct"), 4);
    assert_int_equal(jint(i1, "alert_count"), 5);
    assert_int_equal(jint(i1, "repeats"), 1);
    assert_string_equal(json_string_value(json_object_get(i1, "primary_service")), "db");
    assert_string_equal(json_string_value(json_object_get(i1, "severity")), "critical");
    assert_int_equal(json_array_size(json_object_get(i1, "services")), 3);
    assert_float_equal(json_number_value(json_object_get(i1, "start")), 1000, EPS);
    assert_float_equal(json_number_value(json_object_get(i1, "end")), 1700, EPS);
    assert_int_equal(jint(json_object_get(i1, "why"), "repeat"), 1);
    assert_true(jint(json_object_get(i1, "why"), "topology") >= 2);
    /* passthrough: every alert carries its incident */
    assert_string_equal(res.alert_inc[0], "inc-1");
    assert_string_equal(res.alert_inc[1], "inc-1");
    assert_string_equal(res.alert_inc[2], "inc-2");
    assert_string_equal(res.alert_inc[3], "inc-1");
    assert_string_equal(res.alert_inc[5], "inc-1");
    assert_string_equal(res.alert_inc[6], "inc-1");   /* the resolved record */
    assert_int_equal(aiops_cluster_finish(c, NULL), 0);
    drain(c, &res);
    assert_int_equal(res.nincidents, 3);
    aiops_cluster_stats st;
    aiops_cluster_stats_get(c, &st);
    assert_int_equal(st.alerts, 7);
    assert_int_equal(st.incidents, 3);
    out_free(&res);
    aiops_cluster_free(c);
}

/* group_wait 30 s, group_interval 300 s: alerts at 0 and 10 are notified at
 * 30, one at 40 at 330; all resolved by 400, so the flush at 630 deletes
 * the group.  An alert of another alertname is another group. */
static void test_groupby_timing(void **state)
{
    (void)state;
    aiops_cluster_opts o;
    aiops_cluster_opts_default(&o);
    o.method = AIOPS_CLUSTER_GROUPBY;
    o.group_by = "alertname,cluster";
    aiops_cluster *c;
    assert_int_equal(aiops_cluster_new(&c, &o, NULL), 0);
    out res = {0};
    push(c, alert(0, "HighErrorRate", "a", "critical", "firing", NULL), &res);
    push(c, alert(10, "HighErrorRate", "b", "critical", "firing", NULL), &res);
    push(c, alert(40, "HighErrorRate", "c", "critical", "firing", NULL), &res);
    push(c, alert(50, "HighCPU", "c", "warning", "firing", NULL), &res);
    assert_string_equal(res.alert_inc[0], "inc-1");
    assert_string_equal(res.alert_inc[2], "inc-1");
    assert_string_equal(res.alert_inc[3], "inc-2");
    push(c, alert(380, "HighErrorRate", "a", "critical", "resolved", NULL), &res);
    push(c, alert(390, "HighErrorRate", "b", "critical", "resolved", NULL), &res);
    push(c, alert(400, "HighErrorRate", "c", "critical", "resolved", NULL), &res);
    /* HighCPU's source never sent a resolve: resolved at 50 + resolve_timeout
     * (350); its group is deleted at the flush at 380 */
    push(c, alert(620, "HighCPU", "c", "warning", "firing", NULL), &res);
    assert_int_equal(res.nincidents, 1);
    assert_string_equal(json_string_value(json_object_get(res.inc[0], "id")), "inc-2");
    assert_float_equal(json_number_value(json_object_get(res.inc[0], "end")), 350, EPS);
    assert_string_equal(res.alert_inc[7], "inc-3");    /* fires again: a new group */
    /* HighErrorRate: c (until 340) keeps the group at 330; the flush at 630 deletes it */
    push(c, alert(640, "HighCPU", "c", "warning", "firing", NULL), &res);
    assert_int_equal(res.nincidents, 2);
    json_t *g = res.inc[1];
    assert_string_equal(json_string_value(json_object_get(g, "id")), "inc-1");
    assert_int_equal(jint(g, "distinct"), 3);
    /* notified at 30 (a, b), at 330 (c), at 630 (the resolves) */
    assert_int_equal(jint(g, "notifications"), 3);
    assert_float_equal(json_number_value(json_object_get(g, "end")), 400, EPS);
    assert_int_equal(aiops_cluster_finish(c, NULL), 0);
    drain(c, &res);
    assert_int_equal(res.nincidents, 3);
    out_free(&res);
    aiops_cluster_free(c);
}

/* "..." groups by every label: each alert is its own group */
static void test_groupby_no_grouping(void **state)
{
    (void)state;
    aiops_cluster_opts o;
    aiops_cluster_opts_default(&o);
    o.method = AIOPS_CLUSTER_GROUPBY;
    o.group_by = "...";
    aiops_cluster *c;
    assert_int_equal(aiops_cluster_new(&c, &o, NULL), 0);
    out res = {0};
    push(c, alert(0, "HighErrorRate", "a", "critical", "firing", NULL), &res);
    push(c, alert(1, "HighErrorRate", "b", "critical", "firing", NULL), &res);
    push(c, alert(2, "HighErrorRate", "a", "critical", "firing", NULL), &res);   /* a repeat */
    assert_string_equal(res.alert_inc[0], "inc-1");
    assert_string_equal(res.alert_inc[1], "inc-2");
    assert_string_equal(res.alert_inc[2], "inc-1");
    assert_int_equal(aiops_cluster_finish(c, NULL), 0);
    drain(c, &res);
    assert_int_equal(res.nincidents, 2);
    out_free(&res);
    aiops_cluster_free(c);
}

/* The warning on api fires first; the critical with equal cluster and
 * service comes 2 minutes later: the warning is still inhibited and joins
 * the critical's group.  A warning on another service is not. */
static void test_inhibit_late_source(void **state)
{
    (void)state;
    aiops_cluster_opts o;
    aiops_cluster_opts_default(&o);
    o.method = AIOPS_CLUSTER_GROUPBY;
    o.group_by = "alertname";
    o.inhibit_wait = 300;
    aiops_cluster *c;
    assert_int_equal(aiops_cluster_new(&c, &o, NULL), 0);
    assert_int_equal(aiops_cluster_inhibit_add(c, "source: severity=critical; target: severity=warning; "
                                                  "equal: cluster,service", NULL), 0);
    aiops_err err = {0};
    assert_int_equal(aiops_cluster_inhibit_add(c, "source severity=critical", &err), AIOPS_EINVAL);
    assert_non_null(strstr(err.msg, "--inhibit"));
    out res = {0};
    push(c, alert(0, "HighLatency", "api", "warning", "firing", NULL), &res);
    push(c, alert(30, "HighLatency", "db", "warning", "firing", NULL), &res);
    push(c, alert(120, "HighErrorRate", "api", "critical", "firing", NULL), &res);
    assert_int_equal(res.nalerts, 0);    /* held for the late source */
    push(c, alert(1000, "Other", "x", "info", "firing", NULL), &res);
    assert_int_equal(res.nalerts, 3);
    assert_int_equal(res.alert_inhibited[0], 1);
    assert_int_equal(res.alert_inhibited[1], 0);
    assert_int_equal(res.alert_inhibited[2], 0);
    assert_string_equal(res.alert_inc[0], res.alert_inc[2]);   /* the source's group */
    assert_string_not_equal(res.alert_inc[1], res.alert_inc[0]);
    assert_int_equal(aiops_cluster_finish(c, NULL), 0);
    drain(c, &res);
    aiops_cluster_stats st;
    aiops_cluster_stats_get(c, &st);
    assert_int_equal(st.inhibited, 1);
    out_free(&res);
    aiops_cluster_free(c);
}

/* PPMI + SVD: a and b always alert together, c and d together, never with
 * a or b: a's embedding is nearer b's than c's. */
static void test_embeddings(void **state)
{
    (void)state;
    aiops_cluster_opts o;
    aiops_cluster_opts_default(&o);
    o.dims = 2;
    aiops_cluster *c;
    assert_int_equal(aiops_cluster_new(&c, &o, NULL), 0);
    for (int k = 0; k < 40; k++) {
        double t = k * 1000.0;
        const char *s1 = k % 2 ? "a" : "c", *s2 = k % 2 ? "b" : "d";
        aiops_record r1 = alert(t, "X", s1, "warning", "firing", NULL), r2 = alert(t + 5, "Y", s2, "warning", "firing", NULL);
        assert_int_equal(aiops_cluster_learn(c, &r1, NULL), 0);
        assert_int_equal(aiops_cluster_learn(c, &r2, NULL), 0);
        aiops_record_clear(&r1);
        aiops_record_clear(&r2);
    }
    assert_int_equal(aiops_cluster_embed(c, NULL), 0);
    /* the default method now joins b to a's incident without any graph */
    out res = {0};
    push(c, alert(100000, "X", "a", "warning", "firing", NULL), &res);
    push(c, alert(100030, "Z", "c", "warning", "firing", NULL), &res);
    push(c, alert(100060, "Y", "b", "warning", "firing", NULL), &res);
    assert_string_equal(res.alert_inc[0], res.alert_inc[2]);
    assert_string_not_equal(res.alert_inc[0], res.alert_inc[1]);
    json_t *rec;
    assert_int_equal(aiops_cluster_recommend(c, &rec, NULL), 0);
    /* gaps: 40 of 5 s inside the learned pairs, 39 of 995 s between them,
     * then 61 005 s and two of 30 s to the pushed alerts: 41 storms */
    assert_int_equal(json_integer_value(json_object_get(rec, "storms")), 41);
    assert_int_equal(json_integer_value(json_object_get(rec, "gaps")), 82);
    json_decref(rec);
    out_free(&res);
    aiops_cluster_free(c);
}

static void test_dbscan_method(void **state)
{
    (void)state;
    aiops_cluster_opts o;
    aiops_cluster_opts_default(&o);
    o.method = AIOPS_CLUSTER_DBSCAN;
    o.min_samples = 2;
    aiops_cluster *c;
    assert_int_equal(aiops_cluster_new(&c, &o, NULL), 0);
    out res = {0};
    push(c, alert(0, "A", "x", "critical", "firing", NULL), &res);
    push(c, alert(60, "B", "y", "critical", "firing", NULL), &res);
    push(c, alert(120, "C", "z", "critical", "firing", NULL), &res);
    assert_int_equal(res.nalerts, 0);    /* the segment is open */
    push(c, alert(5000, "D", "x", "critical", "firing", NULL), &res);   /* a gap: the segment closes */
    assert_int_equal(res.nalerts, 3);
    assert_int_equal(res.nincidents, 1);
    assert_string_equal(res.alert_inc[0], res.alert_inc[2]);
    assert_int_equal(aiops_cluster_finish(c, NULL), 0);
    drain(c, &res);
    assert_int_equal(res.nincidents, 2);    /* D alone: noise, an incident of its own */
    out_free(&res);
    aiops_cluster_free(c);
}

static aiops_record with_summary(double ts, const char *name, const char *svc, const char *summary)
{
    char buf[512];
    snprintf(buf, sizeof buf,
             "{\"type\":\"alert\",\"ts\":%.17g,\"name\":\"%s\",\"state\":\"firing\",\"start\":%.17g,"
             "\"service\":\"%s\",\"annotations\":{\"summary\":\"%s\"}}", ts, name, ts, svc, summary);
    aiops_record r = {.type = AIOPS_R_ALERT, .ts = ts, .obj = json_loads(buf, 0, NULL)};
    assert_non_null(r.obj);
    return r;
}

/* Messages are templated by libcore/logtmpl (numbers masked, the alert's
 * own service as <svc>): two disk alerts are one template with count 2. */
static void test_message_templates(void **state)
{
    (void)state;
    aiops_cluster_opts o;
    aiops_cluster_opts_default(&o);
    aiops_cluster *c;
    assert_int_equal(aiops_cluster_new(&c, &o, NULL), 0);
    out res = {0};
    push(c, with_summary(0, "DiskA", "node-7", "disk 93% full on node-7"), &res);
    push(c, with_summary(10, "DiskB", "node-7", "disk 12% full on node-7"), &res);
    push(c, with_summary(20, "Down", "node-7", "target down"), &res);
    assert_int_equal(aiops_cluster_finish(c, NULL), 0);
    drain(c, &res);
    assert_int_equal(res.nincidents, 1);
    json_t *m = json_object_get(res.inc[0], "messages");
    assert_int_equal(json_array_size(m), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(m, 0), "template")),
                        "disk <*> full on <svc>");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(m, 0), "count")), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(m, 1), "count")), 1);
    out_free(&res);
    aiops_cluster_free(c);
}

static void test_graph_file_errors(void **state)
{
    (void)state;
    aiops_cluster_opts o;
    aiops_cluster_opts_default(&o);
    aiops_cluster *c;
    assert_int_equal(aiops_cluster_new(&c, &o, NULL), 0);
    char path[] = "/tmp/aiops-cluster-graph-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("digraph {\n  web -> api;\n  api -> db;\n}\n", f);
    fclose(f);
    aiops_err err = {0};
    assert_int_equal(aiops_cluster_graph_load(c, path, &err), 0);
    f = fopen(path, "w");
    fputs("digraph {\n  web -> ;\n}\n", f);
    fclose(f);
    assert_true(aiops_cluster_graph_load(c, path, &err) < 0);
    assert_int_equal(err.line, 2);
    remove(path);
    aiops_cluster_free(c);
    o.threshold = -1;
    assert_int_equal(aiops_cluster_new(&c, &o, &err), AIOPS_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_part),
        cmocka_unit_test(test_topology_part),
        cmocka_unit_test(test_overlap_part),
        cmocka_unit_test(test_embedding_part),
        cmocka_unit_test(test_message_tokens),
        cmocka_unit_test(test_message_templates),
        cmocka_unit_test(test_dbscan_points),
        cmocka_unit_test(test_stream_window),
        cmocka_unit_test(test_groupby_timing),
        cmocka_unit_test(test_groupby_no_grouping),
        cmocka_unit_test(test_inhibit_late_source),
        cmocka_unit_test(test_embeddings),
        cmocka_unit_test(test_dbscan_method),
        cmocka_unit_test(test_graph_file_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
