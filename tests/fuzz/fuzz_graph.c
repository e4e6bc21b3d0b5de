/* fuzz_graph.c - libFuzzer harness: service graph files, JSON and DOT
 * (libcore/graph/graph_io.c; aiops-rca --graph-file, aiops-cluster
 * --graph, aiops-report --graph-file).  Input: the file.  A graph that
 * parses is written as JSON and as DOT; both must parse back with the same
 * services (by name) and edges.  Run: make fuzz. */
#include "common/buf.h"
#include "graph/graph.h"
#include "fuzz.h"

static void round_trip(const aiops_graph *g, int dot)
{
    aiops_buf b = {0};
    if (dot)
        aiops_graph_write_dot(g, &b);
    else
        aiops_graph_write_json(g, &b);
    if (b.oom) {
        aiops_buf_free(&b);
        return;
    }
    aiops_graph *back = NULL;
    aiops_err err = {0};
    if (aiops_graph_parse(&back, dot ? "out.dot" : "out.json", b.p ? b.p : "", b.n, &err)) {
        fprintf(stderr, "written %s does not parse: %s\n%.*s\n", dot ? "DOT" : "JSON", err.msg,
                (int)b.n, b.p ? b.p : "");
        abort();
    }
    if (aiops_graph_nodes(back) != aiops_graph_nodes(g) || aiops_graph_edges(back) != aiops_graph_edges(g)) {
        fprintf(stderr, "%s round trip: %zu/%zu nodes, %zu/%zu edges\n", dot ? "DOT" : "JSON",
                aiops_graph_nodes(back), aiops_graph_nodes(g), aiops_graph_edges(back),
                aiops_graph_edges(g));
        abort();
    }
    for (uint32_t i = 0; i < aiops_graph_nodes(g); i++) {   /* the same names, byte for byte */
        const char *name = aiops_graph_node_at(g, i)->name;
        uint32_t j;
        if (aiops_graph_find(back, name, &j)) {
            fprintf(stderr, "%s round trip lost the service '%s'\n", dot ? "DOT" : "JSON", name);
            abort();
        }
    }
    aiops_graph_free(back);
    aiops_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    aiops_graph *g = NULL;
    aiops_err err = {0};
    if (aiops_graph_parse(&g, "fuzz.graph", (const char *)data, size, &err))
        return 0;
    round_trip(g, 0);
    round_trip(g, 1);
    aiops_graph_free(g);
    return 0;
}
