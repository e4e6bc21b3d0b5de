/* test_graph.c - libcore/graph: edges only across services, missing
 * parents, children before parents (clock skew) and the skew measured,
 * latency quantiles, windows, graph files (JSON, DOT), distances and
 * personalised PageRank against hand-computed values. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/buf.h"
#include "graph/graph.h"

static aiops_graph *mk(double window)
{
    aiops_graph_opts o;
    aiops_graph_opts_default(&o);
    o.window = window;
    o.horizon = 60;
    aiops_graph *g = NULL;
    assert_int_equal(aiops_graph_new(&g, &o, NULL), 0);
    return g;
}

static void span(aiops_graph *g, const char *tr, const char *id, const char *par, const char *svc,
                 double start, double dur, int error)
{
    aiops_span s = {.trace_id = tr, .span_id = id, .parent_id = par, .service = svc,
                    .start = start, .duration = dur, .error = error};
    aiops_err err = {0};
    assert_int_equal(aiops_graph_add_span(g, &s, &err), 0);
}

static const aiops_graph_edge *edge(aiops_graph *g, const char *a, const char *b)
{
    uint32_t f, t;
    if (aiops_graph_find(g, a, &f) || aiops_graph_find(g, b, &t))
        return NULL;
    long e = aiops_graph_edge_find(g, f, t);
    return e < 0 ? NULL : aiops_graph_edge_at(g, (uint32_t)e);
}

/* frontend -> frontend (internal) -> api -> db; api's internal span is no edge. */
static void test_cross_service_only(void **state)
{
    (void)state;
    aiops_graph *g = mk(0);
    span(g, "t1", "a", NULL, "frontend", 100, 1.0, 0);
    span(g, "t1", "b", "a", "frontend", 100.1, 0.8, 0);
    span(g, "t1", "c", "b", "api", 100.2, 0.5, 0);
    span(g, "t1", "d", "c", "api", 100.3, 0.3, 0);
    span(g, "t1", "e", "d", "db", 100.4, 0.1, 1);
    span(g, "t2", "a", NULL, "frontend", 101, 1.0, 0);
    span(g, "t2", "c", "a", "api", 101.1, 0.7, 1);
    assert_int_equal(aiops_graph_finish(g, NULL), 0);
    assert_int_equal(aiops_graph_nodes(g), 3);
    assert_int_equal(aiops_graph_edges(g), 2);
    const aiops_graph_edge *fa = edge(g, "frontend", "api"), *ad = edge(g, "api", "db");
    assert_non_null(fa);
    assert_non_null(ad);
    assert_null(edge(g, "frontend", "frontend"));
    assert_null(edge(g, "frontend", "db"));
    assert_int_equal(fa->st.calls, 2);
    assert_int_equal(fa->st.errors, 1);
    assert_int_equal(ad->st.calls, 1);
    assert_int_equal(ad->st.errors, 1);
    assert_true(fa->weight == 2);
    /* t1's errors begin at db (api's span d has no error); t2's at api */
    assert_int_equal(aiops_graph_node_at(g, fa->to)->err_origins, 1);
    assert_int_equal(aiops_graph_node_at(g, ad->to)->err_origins, 1);
    assert_int_equal(aiops_graph_node_at(g, fa->from)->err_origins, 0);
    aiops_graph_counts c;
    aiops_graph_counts_get(g, &c);
    assert_int_equal(c.spans, 7);
    assert_int_equal(c.roots, 2);
    assert_int_equal(c.cross, 3);
    assert_int_equal(c.missing_parents, 0);
    assert_int_equal(c.skewed, 0);
    aiops_graph_free(g);
}

static void test_missing_parent(void **state)
{
    (void)state;
    aiops_graph *g = mk(0);
    span(g, "t1", "x", "gone", "api", 10, 0.1, 0);
    span(g, "t1", "y", "x", "db", 10.1, 0.01, 0);
    span(g, "t2", "z", NULL, "api", 200, 0.1, 0);   /* 190 s later: x's wait is over */
    aiops_graph_counts c;
    aiops_graph_counts_get(g, &c);
    assert_int_equal(c.missing_parents, 1);
    assert_int_equal(aiops_graph_finish(g, NULL), 0);
    aiops_graph_counts_get(g, &c);
    assert_int_equal(c.missing_parents, 1);
    assert_int_equal(c.cross, 1);
    assert_non_null(edge(g, "api", "db"));
    aiops_graph_free(g);
}

/* db's clock runs 2 s behind: its spans start before their parents and
 * arrive first in time order; they wait for the parent and the skew is
 * measured as -2 s (child start - parent start). */
static void test_clock_skew(void **state)
{
    (void)state;
    aiops_graph *g = mk(0);
    for (int i = 0; i < 3; i++) {
        char tr[8];
        snprintf(tr, sizeof tr, "t%d", i);
        double t0 = 100 + 10 * i;
        span(g, tr, "db1", "api1", "db", t0 - 2 + 0.1, 0.2, 0);
        span(g, tr, "api1", NULL, "api", t0, 0.5, 0);
    }
    assert_int_equal(aiops_graph_finish(g, NULL), 0);
    const aiops_graph_edge *e = edge(g, "api", "db");
    assert_non_null(e);
    assert_int_equal(e->st.calls, 3);
    assert_int_equal(e->skewed, 3);
    assert_true(fabs(e->skew_sum / 3 - (-1.9)) < 1e-9);
    aiops_graph_counts c;
    aiops_graph_counts_get(g, &c);
    assert_int_equal(c.missing_parents, 0);
    assert_int_equal(c.skewed, 3);
    aiops_graph_free(g);
}

static void test_latency_quantiles(void **state)
{
    (void)state;
    aiops_lat_hist h = {0};
    assert_true(isnan(aiops_lat_quantile(&h, 0.5)));
    for (int i = 1; i <= 100; i++)
        aiops_lat_add(&h, i * 0.001);   /* 1..100 ms */
    double p50 = aiops_lat_quantile(&h, 0.5), p99 = aiops_lat_quantile(&h, 0.99);
    assert_true(fabs(p50 - 0.050) / 0.050 < 0.05);   /* within half a bucket */
    assert_true(fabs(p99 - 0.099) / 0.099 < 0.05);
}

static void test_windows(void **state)
{
    (void)state;
    aiops_graph *g = mk(60);
    span(g, "t1", "a", NULL, "web", 0, 0.1, 0);
    span(g, "t1", "b", "a", "db", 1, 0.02, 1);
    span(g, "t2", "a", NULL, "web", 70, 0.3, 0);
    span(g, "t3", "a", NULL, "web", 200, 0.3, 0);   /* closes windows ending by 200 - 60 */
    aiops_graph_window w[8];
    int n = 0;
    while (n < 8 && aiops_graph_pop_window(g, &w[n]) == 1)
        n++;
    assert_int_equal(n, 4);   /* web, db, edge web->db [0,60); web [60,120) */
    assert_true(w[3].start == 60 && w[3].edge == UINT32_MAX && w[3].calls == 1);
    int edges = 0;
    for (int i = 0; i < 3; i++) {
        assert_true(w[i].start == 0);
        if (w[i].edge != UINT32_MAX) {
            edges++;
            assert_int_equal(w[i].calls, 1);
            assert_int_equal(w[i].errors, 1);
            assert_true(fabs(w[i].mean - 0.02) < 1e-12);
        }
    }
    assert_int_equal(edges, 1);
    assert_int_equal(aiops_graph_finish(g, NULL), 0);
    n = 0;
    while (n < 8 && aiops_graph_pop_window(g, &w[n]) == 1)
        n++;
    assert_int_equal(n, 1);   /* web [180,240) */
    assert_true(w[0].start == 180 && fabs(w[0].p50 - 0.3) / 0.3 < 0.05);
    aiops_graph_free(g);
}

static void test_read_json(void **state)
{
    (void)state;
    const char *t = "{\"services\":[\"lonely\",{\"name\":\"a\"}],\n"
                    " \"edges\":[{\"from\":\"a\",\"to\":\"b\",\"calls\":5},{\"from\":\"b\",\"to\":\"c\"}]}";
    aiops_graph *g = NULL;
    aiops_err err = {0};
    assert_int_equal(aiops_graph_parse(&g, "g.json", t, strlen(t), &err), 0);
    assert_int_equal(aiops_graph_nodes(g), 4);
    assert_int_equal(aiops_graph_edges(g), 2);
    assert_true(edge(g, "a", "b")->weight == 5);
    assert_true(edge(g, "b", "c")->weight == 1);
    aiops_graph_free(g);
    const char *bad = "{\"edges\":[\n{\"from\":\"a\"}]}";
    assert_int_equal(aiops_graph_parse(&g, "g.json", bad, strlen(bad), &err), AIOPS_EPARSE);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.msg, "edges[0]"));
    assert_non_null(strstr(err.msg, "to"));
}

static void test_read_dot(void **state)
{
    (void)state;
    const char *t = "// services\ndigraph shop {\n  rankdir=LR;\n  node [shape=box];\n"
                    "  \"front end\" -> api -> db [weight=3];\n  api -> cache; /* c */\n"
                    "  subgraph cluster_x { worker; }\n  worker -> \"db\"\n}\n";
    aiops_graph *g = NULL;
    aiops_err err = {0};
    assert_int_equal(aiops_graph_parse(&g, "g.dot", t, strlen(t), &err), 0);
    assert_int_equal(aiops_graph_nodes(g), 5);
    assert_int_equal(aiops_graph_edges(g), 4);
    assert_true(edge(g, "front end", "api")->weight == 3);
    assert_true(edge(g, "api", "db")->weight == 3);
    assert_true(edge(g, "api", "cache")->weight == 1);
    assert_non_null(edge(g, "worker", "db"));
    /* round trip through the writer */
    aiops_buf b = {0};
    aiops_graph_write_dot(g, &b);
    aiops_graph *h = NULL;
    assert_int_equal(aiops_graph_parse(&h, "out.dot", b.p, b.n, &err), 0);
    assert_int_equal(aiops_graph_edges(h), 4);
    assert_true(edge(h, "front end", "api")->weight == 3);
    aiops_buf_free(&b);
    aiops_graph_write_json(g, &b);
    aiops_graph_free(h);
    assert_int_equal(aiops_graph_parse(&h, "out.json", b.p, b.n, &err), 0);
    assert_int_equal(aiops_graph_nodes(h), 5);
    assert_true(edge(h, "api", "db")->weight == 3);
    aiops_buf_free(&b);
    aiops_graph_free(h);
    aiops_graph_free(g);
    const char *bad = "digraph {\n a -- b\n}";
    assert_int_equal(aiops_graph_parse(&g, "u.dot", bad, strlen(bad), &err), AIOPS_EPARSE);
    assert_int_equal(err.line, 2);
    /* names are UTF-8: JSON written from them must parse (found by fuzz_graph) */
    const char *latin1 = "digraph {\n a -> b;\n \"caf\xe9\" -> b\n}";
    assert_int_equal(aiops_graph_parse(&g, "l.dot", latin1, strlen(latin1), &err), AIOPS_EPARSE);
    assert_int_equal(err.line, 3);
    assert_string_equal(err.msg, "expected UTF-8 text in a name");
    /* nor NUL bytes, which cut the name short (found by fuzz_graph) */
    const char nul[] = "digraph {\n \"c\\\0\0atalog\" -> b\n}";
    assert_int_equal(aiops_graph_parse(&g, "n.dot", nul, sizeof nul - 1, &err), AIOPS_EPARSE);
    assert_int_equal(err.line, 2);
}

/* a -> b -> c, a -> d. */
static aiops_graph *chain(void)
{
    const char *t = "digraph { a -> b -> c; a -> d }";
    aiops_graph *g = NULL;
    assert_int_equal(aiops_graph_parse(&g, "c.dot", t, strlen(t), NULL), 0);
    return g;
}

static void test_distances(void **state)
{
    (void)state;
    aiops_graph *g = chain();
    size_t d[4];
    uint32_t c, dd;
    assert_int_equal(aiops_graph_find(g, "c", &c), 0);
    assert_int_equal(aiops_graph_find(g, "d", &dd), 0);
    assert_int_equal(aiops_graph_distances(g, c, 0, d, NULL), 0);
    assert_int_equal(d[dd], 3);   /* c - b - a - d */
    assert_int_equal(aiops_graph_distances(g, c, -1, d, NULL), 0);
    assert_int_equal(d[dd], SIZE_MAX);
    assert_int_equal(d[0], 2);    /* a is c's caller's caller */
    assert_int_equal(aiops_graph_distances(g, c, 1, d, NULL), 0);
    assert_int_equal(d[0], SIZE_MAX);
    aiops_graph_free(g);
}

/* Two nodes x -> y, alpha 0.5, personal (1, 0): y has no way out and jumps
 * back to x.  Stationary: px = 0.5 + 0.5 py, py = 0.5 px -> px = 2/3. */
static void test_pagerank(void **state)
{
    (void)state;
    const char *t = "digraph { x -> y }";
    aiops_graph *g = NULL;
    assert_int_equal(aiops_graph_parse(&g, "p.dot", t, strlen(t), NULL), 0);
    double pr[2], pers[2] = {1, 0};
    assert_int_equal(aiops_graph_pagerank(g, pers, NULL, NULL, NULL, 0.5, 1e-12, 200, pr, NULL), 0);
    assert_true(fabs(pr[0] - 2.0 / 3) < 1e-9);
    assert_true(fabs(pr[1] - 1.0 / 3) < 1e-9);
    /* a back edge of weight 1: y returns to x through it; the same here */
    double back[1] = {1};
    assert_int_equal(aiops_graph_pagerank(g, pers, NULL, back, NULL, 0.5, 1e-12, 200, pr, NULL), 0);
    assert_true(fabs(pr[0] - 2.0 / 3) < 1e-9);
    /* a loop on y: y keeps its walkers (no jump back): px = 0.5 (teleport
     * only), py = 0.5 (px + py) -> py = 0.5 */
    double self[2] = {0, 1};
    assert_int_equal(aiops_graph_pagerank(g, pers, NULL, NULL, self, 0.5, 1e-12, 200, pr, NULL), 0);
    assert_true(fabs(pr[0] - 0.5) < 1e-9);
    assert_true(fabs(pr[1] - 0.5) < 1e-9);
    /* uniform personalisation on the chain: sums to 1, c (the sink) gets most */
    aiops_graph_free(g);
    g = chain();
    double q[4];
    assert_int_equal(aiops_graph_pagerank(g, NULL, NULL, NULL, NULL, 0.85, 1e-12, 500, q, NULL), 0);
    assert_true(fabs(q[0] + q[1] + q[2] + q[3] - 1) < 1e-9);
    uint32_t c;
    assert_int_equal(aiops_graph_find(g, "c", &c), 0);
    for (uint32_t i = 0; i < 4; i++)
        if (i != c)
            assert_true(q[c] > q[i]);
    assert_int_equal(aiops_graph_pagerank(g, NULL, NULL, NULL, NULL, 1.0, 1e-12, 5, q, NULL), AIOPS_EINVAL);
    aiops_graph_free(g);
}

/* The same graph with its services and edges added in two orders (ids
 * differ) ranks every service the same to the last bit: PageRank sums in
 * the order of names, not of ids. */
static void build_order(aiops_graph *g, int reverse, double *w, double *pers)
{
    enum { N = 37 };
    char a[16], b[16];
    uint32_t ids[N];
    for (int k = 0; k < N; k++) {
        int i = reverse ? N - 1 - k : k;
        snprintf(a, sizeof a, "s%02d", i);
        assert_int_equal(aiops_graph_service(g, a, &ids[i], NULL), 0);
    }
    for (int k = 0; k < 3 * N; k++) {
        int m = reverse ? 3 * N - 1 - k : k, i = m % N, j = (i * 7 + m / N * 11 + 1) % N;
        if (i == j)
            continue;
        uint32_t e;
        assert_int_equal(aiops_graph_edge_add(g, ids[i], ids[j], &e, NULL), 0);
        w[e] = 0.01 + 0.1 * ((i * 13 + j * 5) % 17) / 3.0;
    }
    for (int i = 0; i < N; i++)
        pers[ids[i]] = (i * 31 % 23) / 7.0;
    (void)b;
}

static void test_pagerank_order(void **state)
{
    (void)state;
    aiops_graph *g1 = mk(0), *g2 = mk(0);
    double w1[256], w2[256], p1[64], p2[64], r1[64], r2[64];
    build_order(g1, 0, w1, p1);
    build_order(g2, 1, w2, p2);
    assert_int_equal(aiops_graph_edges(g1), aiops_graph_edges(g2));
    assert_int_equal(aiops_graph_pagerank(g1, p1, w1, w1, p1, 0.85, 1e-12, 300, r1, NULL), 0);
    assert_int_equal(aiops_graph_pagerank(g2, p2, w2, w2, p2, 0.85, 1e-12, 300, r2, NULL), 0);
    for (uint32_t i = 0; i < aiops_graph_nodes(g1); i++) {
        uint32_t j;
        assert_int_equal(aiops_graph_find(g2, aiops_graph_node_at(g1, i)->name, &j), 0);
        assert_true(memcmp(&r1[i], &r2[j], sizeof r1[i]) == 0);
    }
    aiops_graph_free(g1);
    aiops_graph_free(g2);
}

/* Span services roll up when they are pod names (generated suffixes), not
 * for an ordinal alone: shard-1 is a service's name as often as a pod's. */
static void test_rollup(void **state)
{
    (void)state;
    aiops_graph_opts o;
    aiops_graph_opts_default(&o);
    o.rollup = 1;
    aiops_graph *g = NULL;
    assert_int_equal(aiops_graph_new(&g, &o, NULL), 0);
    span(g, "t", "a", NULL, "web", 1, 0.5, 0);
    span(g, "t", "b", "a", "shard-1", 1.1, 0.1, 0);
    span(g, "t", "c", "a", "api-7d9f8b6c4-x2x9z", 1.2, 0.1, 0);
    span(g, "t", "d", "a", "db-0", 1.3, 0.1, 0);
    assert_int_equal(aiops_graph_finish(g, NULL), 0);
    assert_int_equal(aiops_graph_nodes(g), 4);
    assert_non_null(edge(g, "web", "shard-1"));
    assert_non_null(edge(g, "web", "api"));
    assert_non_null(edge(g, "web", "db-0"));
    aiops_graph_free(g);
}

/* Names with quotes and backslashes, one ending in a backslash, come
 * back from the DOT writer as they were (a trailing backslash escaped the
 * closing quote: fuzz_graph). */
static void test_dot_escapes(void **state)
{
    (void)state;
    const char *j = "{\"edges\":[{\"from\":\"api\\\\\",\"to\":\"db \\\"main\\\" \\\\x\"}]}";
    aiops_graph *g = NULL, *back = NULL;
    assert_int_equal(aiops_graph_parse(&g, "g.json", j, strlen(j), NULL), 0);
    assert_string_equal(aiops_graph_node_at(g, 0)->name, "api\\");
    assert_string_equal(aiops_graph_node_at(g, 1)->name, "db \"main\" \\x");
    aiops_buf b = {0};
    aiops_graph_write_dot(g, &b);
    assert_non_null(strstr(b.p, "\"api\\\\\" -> \"db \\\"main\\\" \\\\x\""));
    assert_int_equal(aiops_graph_parse(&back, "g.dot", b.p, b.n, NULL), 0);
    assert_int_equal(aiops_graph_nodes(back), 2);
    assert_string_equal(aiops_graph_node_at(back, 0)->name, "api\\");
    assert_string_equal(aiops_graph_node_at(back, 1)->name, "db \"main\" \\x");
    assert_non_null(edge(back, "api\\", "db \"main\" \\x"));
    aiops_buf_free(&b);
    aiops_graph_free(back);
    /* a backslash before a line end continues the line (Graphviz); another
     * backslash stays */
    const char *d = "digraph { \"we\\\nb\" -> \"a\\tb\" }";
    assert_int_equal(aiops_graph_parse(&back, "c.dot", d, strlen(d), NULL), 0);
    assert_non_null(edge(back, "web", "a\\tb"));
    aiops_graph_free(back);
    aiops_graph_free(g);
}

/* Found by fuzz_graph: a quoted "node" is a name, not the keyword; a
 * weight past a DOT numeral (4.1e+22) is written quoted and reads back. */
static void test_dot_keyword_names_and_big_weights(void **state)
{
    (void)state;
    const char *t = "digraph g { \"node\" -> \"edge\" [weight=\"4.1e+22\"]; web -> \"node\"; }";
    aiops_graph *g = NULL, *h = NULL;
    aiops_err err = {0};
    assert_int_equal(aiops_graph_parse(&g, "g.dot", t, strlen(t), &err), 0);
    assert_int_equal(aiops_graph_nodes(g), 3);
    assert_true(edge(g, "node", "edge")->weight == 4.1e22);
    assert_non_null(edge(g, "web", "node"));
    aiops_buf b = {0};
    aiops_graph_write_dot(g, &b);
    assert_non_null(strstr(b.p, "[weight=\"4.1e+22\"]"));
    assert_non_null(strstr(b.p, "\"web\" -> \"node\" [weight=1]"));
    assert_int_equal(aiops_graph_parse(&h, "out.dot", b.p, b.n, &err), 0);
    assert_int_equal(aiops_graph_nodes(h), 3);
    assert_true(edge(h, "node", "edge")->weight == 4.1e22);
    aiops_buf_free(&b);
    aiops_graph_free(h);
    aiops_graph_free(g);
}

/* A graph file merged into a graph of spans: the file's services and
 * edges with their weights, spans adding one per call; DOT's weight= wins
 * over calls= whatever the order (as in JSON). */
static void test_merge_file_and_spans(void **state)
{
    (void)state;
    const char *t = "digraph { web -> api [calls=7, weight=2]; api -> db [weight=4]; api -> cache; }";
    aiops_graph *f = NULL, *g = mk(0);
    aiops_err err = {0};
    assert_int_equal(aiops_graph_parse(&f, "g.dot", t, strlen(t), &err), 0);
    assert_true(edge(f, "web", "api")->weight == 2);
    span(g, "t1", "a", NULL, "api", 10, 1.0, 0);
    span(g, "t1", "b", "a", "db", 10.1, 0.5, 0);
    span(g, "t1", "c", "a", "queue", 10.2, 0.1, 0);
    assert_int_equal(aiops_graph_merge(g, f, &err), 0);
    assert_int_equal(aiops_graph_merge(g, NULL, &err), 0);
    span(g, "t2", "a", NULL, "api", 11, 1.0, 0);
    span(g, "t2", "b", "a", "db", 11.1, 0.5, 0);
    assert_int_equal(aiops_graph_finish(g, NULL), 0);
    assert_int_equal(aiops_graph_nodes(g), 5);
    assert_int_equal(aiops_graph_edges(g), 4);
    assert_true(edge(g, "web", "api")->weight == 2);
    assert_true(edge(g, "api", "db")->weight == 4 + 2);
    assert_int_equal(edge(g, "api", "db")->st.calls, 2);
    assert_true(edge(g, "api", "cache")->weight == 1);
    assert_true(edge(g, "api", "queue")->weight == 1);
    aiops_buf b = {0};
    aiops_graph_write_json(g, &b);
    assert_non_null(strstr(b.p, "{\"from\":\"api\",\"to\":\"db\",\"weight\":6,\"calls\":2,"));
    assert_non_null(strstr(b.p, "{\"from\":\"web\",\"to\":\"api\",\"weight\":2}"));
    b.n = 0;
    aiops_graph_write_dot(g, &b);
    aiops_buf_put(&b, "", 1);
    assert_non_null(strstr(b.p, "\"api\" -> \"db\" [weight=6, calls=2, errors=0, label=\"2 calls,"));
    assert_non_null(strstr(b.p, "\"api\" -> \"queue\" [weight=1, calls=1, errors=0, label=\"1 call,"));
    /* written and read back: the weights, not the span calls */
    aiops_graph *h = NULL;
    assert_int_equal(aiops_graph_parse(&h, "out.dot", b.p, b.n - 1, &err), 0);
    assert_true(edge(h, "api", "db")->weight == 6);
    aiops_buf_free(&b);
    aiops_graph_free(h);
    aiops_graph_free(f);
    aiops_graph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cross_service_only),
        cmocka_unit_test(test_missing_parent),
        cmocka_unit_test(test_clock_skew),
        cmocka_unit_test(test_latency_quantiles),
        cmocka_unit_test(test_windows),
        cmocka_unit_test(test_read_json),
        cmocka_unit_test(test_read_dot),
        cmocka_unit_test(test_distances),
        cmocka_unit_test(test_pagerank),
        cmocka_unit_test(test_pagerank_order),
        cmocka_unit_test(test_rollup),
        cmocka_unit_test(test_dot_escapes),
        cmocka_unit_test(test_dot_keyword_names_and_big_weights),
        cmocka_unit_test(test_merge_file_and_spans),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
