/* fuzz_eval.c - libFuzzer harness: aiops-eval's record handling and label
 * files (libcore/eval, libcore/score).  Input: one flag byte, then five
 * parts split at lines "%%" (tests/fuzz/fuzz.h): part 0, a --labels file
 * (label NDJSON, incident CSV or JSON, NAB windows); part 1, the record
 * stream under test; part 2, a --baseline-stream; part 3, --nab-windows
 * (empty: none); part 4, --nab-thresholds (empty: none).  The report is
 * made, gated (every named gate, against itself as --baseline) and
 * rendered as text and Markdown.  Flag bit 0: --nab-optimize.
 * Run: make fuzz. */
#include "score/score.h"
#include "fuzz.h"

typedef struct in {
    aiops_eval *ev;
    aiops_series_table *tab;
    int baseline;
} in;

static int add(void *ctx, aiops_record *r, aiops_err *err)
{
    in *x = ctx;
    return aiops_eval_add(x->ev, x->tab, r, x->baseline, err);
}

static const char *const gate_names[] = {"min-f1", "min-precision", "min-point-f1", "max-delay",
                                         "max-false-per-day", "min-ac1", "min-avg5", "min-nab",
                                         "min-ari", "min-warned", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned fl = fuzz_flags(&data, &size);
    size_t n[5];
    const char *p[5];
    for (int i = 0; i < 5; i++)
        p[i] = fuzz_part((const char *)data, size, i, &n[i]);
    aiops_eval_opts o;
    aiops_eval_opts_default(&o);
    in x = {NULL, aiops_series_table_new(), 0};
    aiops_err err = {0};
    int rc = x.tab ? aiops_eval_new(&x.ev, &o, &err) : -1;
    const char *path;
    if (!rc && n[0])
        rc = (path = fuzz_file("labels", p[0], n[0])) ? aiops_eval_load_labels(x.ev, path, &err) : -1;
    if (!rc && n[3])
        rc = (path = fuzz_file("windows.json", p[3], n[3])) ? aiops_eval_nab_windows(x.ev, path, &err) : -1;
    if (!rc && n[4])
        rc = (path = fuzz_file("thresholds.json", p[4], n[4]))
                 ? aiops_eval_nab_thresholds(x.ev, path, "numenta", &err) : -1;
    if (!rc && (fl & 1))
        aiops_eval_nab_optimize(x.ev);
    rc = rc < 0 ? rc : 0;
    if (!rc)
        rc = fuzz_records(p[1], n[1], x.tab, add, &x, &err);
    x.baseline = 1;
    if (!rc)
        rc = fuzz_records(p[2], n[2], x.tab, add, &x, &err);
    json_t *rep = NULL;
    if (!rc && !aiops_eval_report(x.ev, &rep, &err)) {
        aiops_gate gates[16];
        size_t ng = 0;
        for (size_t i = 0; gate_names[i]; i++)
            if (aiops_eval_gate_named(gate_names[i], &gates[ng]) == 0)
                gates[ng++].limit = (double)i / 10;
        json_t *fail = NULL;
        aiops_eval_gates(rep, gates, ng, rep, 0.1, &fail, &err);
        json_decref(fail);
        for (int md = 0; md < 2; md++) {
            char *text = NULL;
            aiops_eval_render(rep, md, &text, &err);
            free(text);
        }
    }
    json_decref(rep);
    aiops_eval_free(x.ev);
    aiops_series_table_free(x.tab);
    return 0;
}
