/* fuzz_eval.c - libFuzzer harness: aiops-eval's record handling, label
 * and NAB files, and gates (libcore/eval, libcore/score).  Input: one flag
 * byte, then eight parts split at lines "%%" (tests/fuzz/fuzz.h); an
 * empty part is an option not given:
 *   0 --labels (label NDJSON, incident CSV or JSON, NAB windows)
 *   1 the record stream under test      2 --baseline-stream
 *   3 --nab-windows                     4 --nab-thresholds (detector "toy")
 *   5 one NAB result CSV (--nab-results: a directory holding it)
 *   6 --baseline (a previous report)    7 --group-by FIELDS
 * The report is made, gated (named gates, and regressions against the
 * --baseline report or else itself) and rendered as text and Markdown.
 * Flag bit 0: --nab-optimize.  Run: make fuzz. */
#include <sys/stat.h>

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

/* A directory holding one NAB result file; its path, or NULL. */
static const char *nab_dir(const char *s, size_t n)
{
    static char dir[300];
    const char *f = fuzz_file("nab", "", 0);
    if (!f)
        return NULL;
    snprintf(dir, sizeof dir, "%s.d", f);
    mkdir(dir, 0700);
    char path[400];
    snprintf(path, sizeof path, "%s/toy_toy.csv", dir);
    FILE *o = fopen(path, "wb");
    if (!o)
        return NULL;
    int bad = fwrite(s, 1, n, o) != n;
    bad |= fclose(o) != 0;
    return bad ? NULL : dir;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned fl = fuzz_flags(&data, &size);
    size_t n[8];
    const char *p[8];
    for (int i = 0; i < 8; i++)
        p[i] = fuzz_part((const char *)data, size, i, &n[i]);
    aiops_eval_opts o;
    aiops_eval_opts_default(&o);
    char *group_by = n[7] ? fuzz_str(p[7], n[7]) : NULL;
    if (group_by)
        o.group_by = group_by;
    in x = {NULL, aiops_series_table_new(), 0};
    aiops_err err = {0};
    int rc = x.tab ? aiops_eval_new(&x.ev, &o, &err) : -1;
    const char *path;
    if (!rc && n[0])
        rc = (path = fuzz_file("labels", p[0], n[0])) ? aiops_eval_load_labels(x.ev, path, &err) : -1;
    rc = rc < 0 ? rc : 0;   /* > 0: the number of labels */
    if (!rc && n[3])
        rc = (path = fuzz_file("windows.json", p[3], n[3])) ? aiops_eval_nab_windows(x.ev, path, &err) : -1;
    if (!rc && n[4])
        rc = (path = fuzz_file("thresholds.json", p[4], n[4]))
                 ? aiops_eval_nab_thresholds(x.ev, path, "toy", &err) : -1;
    if (!rc && (fl & 1))
        aiops_eval_nab_optimize(x.ev);
    if (!rc && n[5])
        rc = (path = nab_dir(p[5], n[5])) ? aiops_eval_nab_results(x.ev, path, &err) : -1;
    rc = rc < 0 ? rc : 0;
    if (!rc)
        rc = fuzz_records(p[1], n[1], x.tab, add, &x, &err);
    x.baseline = 1;
    if (!rc)
        rc = fuzz_records(p[2], n[2], x.tab, add, &x, &err);
    json_t *rep = NULL, *base = n[6] ? json_loadb(p[6], n[6], 0, NULL) : NULL;
    if (!rc && (!n[6] || json_is_object(base)) && !aiops_eval_report(x.ev, &rep, &err)) {
        aiops_gate gates[16];
        size_t ng = 0;
        for (size_t i = 0; gate_names[i]; i++)
            if (aiops_eval_gate_named(gate_names[i], &gates[ng]) == 0)
                gates[ng++].limit = (double)i / 10;
        json_t *fail = NULL;
        aiops_eval_gates(rep, gates, ng, base ? base : rep, 0.1, &fail, &err);
        json_decref(fail);
        for (int md = 0; md < 2; md++) {
            char *text = NULL;
            aiops_eval_render(rep, md, &text, &err);
            free(text);
        }
    }
    json_decref(base);
    json_decref(rep);
    aiops_eval_free(x.ev);
    aiops_series_table_free(x.tab);
    free(group_by);
    return 0;
}
