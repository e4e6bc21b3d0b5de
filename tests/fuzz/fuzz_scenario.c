/* fuzz_scenario.c - libFuzzer harness: aiops-simulate's scenario files
 * (libcore/sim: the parser and validator, then a run).  Input: the
 * scenario JSON.  A scenario that parses is run in stream mode for its
 * first 2000 records (the sink stops it there), so the validator's
 * guarantees are checked against the generators.  Run: make fuzz. */
#include "sim/sim.h"
#include "fuzz.h"

static int sink(void *ctx, const aiops_record *rec, aiops_err *err)
{
    (void)rec;
    size_t *n = ctx;
    return ++*n >= 2000 ? aiops_err_set(err, AIOPS_ELIMIT, NULL, 0, "enough") : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    aiops_sim_scenario *sc = NULL;
    aiops_err err = {0};
    if (aiops_sim_scenario_parse("fuzz.json", (const char *)data, size, &sc, &err))
        return 0;
    aiops_series_table *tab = aiops_series_table_new();
    aiops_sim_run_opts o = {0};
    aiops_sim_stats st;
    size_t n = 0;
    if (tab)
        aiops_sim_run_stream(sc, tab, sink, &n, &o, &st, &err);
    aiops_series_table_free(tab);
    aiops_sim_scenario_free(sc);
    return 0;
}
