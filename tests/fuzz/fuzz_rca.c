/* fuzz_rca.c - libFuzzer harness: aiops-rca's engine (libcore/rca) over a
 * record stream.  Input: one flag byte, then two parts split at lines "%%"
 * (tests/fuzz/fuzz.h): part 0, a --graph-file (JSON or DOT; empty: none);
 * part 1, the record stream.  Flag bit 0: --no-rollup; bit 1: --no-daily;
 * bit 2: print the graph (JSON and DOT) at the end.  Run: make fuzz. */
#include "common/buf.h"
#include "graph/graph.h"
#include "rca/rca.h"
#include "fuzz.h"

static int add(void *ctx, aiops_record *r, aiops_err *err)
{
    aiops_rca *rca = ctx;
    int rc = aiops_rca_add(rca, r, err);
    aiops_record out;
    while (aiops_rca_pop(rca, &out) == 1)
        aiops_record_clear(&out);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned fl = fuzz_flags(&data, &size);
    size_t n0, n1;
    const char *p0 = fuzz_part((const char *)data, size, 0, &n0);
    const char *p1 = fuzz_part((const char *)data, size, 1, &n1);
    aiops_rca_opts o;
    aiops_rca_opts_default(&o);
    o.rollup = !(fl & 1);
    o.daily = !(fl & 2);
    o.max_points = 512;
    aiops_err err = {0};
    aiops_graph *base = NULL;
    if (n0 && aiops_graph_parse(&base, "fuzz.graph", p0, n0, &err))
        return 0;
    aiops_series_table *tab = aiops_series_table_new();
    aiops_rca *r = NULL;
    int rc = tab ? aiops_rca_new(&r, tab, &o, base, &err) : -1;
    aiops_graph_free(base);
    if (!rc)
        rc = fuzz_records(p1, n1, tab, add, r, &err);
    if (!rc)
        rc = aiops_rca_finish(r, &err);
    if (!rc && (fl & 4)) {
        aiops_buf b = {0};
        aiops_graph_write_json(aiops_rca_graph(r), &b);
        aiops_graph_write_dot(aiops_rca_graph(r), &b);
        aiops_buf_free(&b);
    }
    aiops_record out;
    while (r && aiops_rca_pop(r, &out) == 1)
        aiops_record_clear(&out);
    aiops_rca_free(r);
    aiops_series_table_free(tab);
    return 0;
}
