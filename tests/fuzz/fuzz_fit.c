/* fuzz_fit.c - libFuzzer harness: aiops-fit's engine (libcore/fit,
 * libcore/models) over a record stream, with its model state and label
 * files.  Input: one flag byte, then three parts split at lines "%%"
 * (tests/fuzz/fuzz.h): part 0, a --load file (saved model state; empty:
 * none); part 1, --labels records (with flag bit 3: --tune); part 2, the
 * record stream.  At the end the state is saved and must load back into a
 * fresh engine.  Flag bits 0-2: the model (auto, ewma, seasonal, robust,
 * static, holtwinters, sarima, likelihood); bit 4: --bands; bit 5: a
 * --horizon of 3.  Run: make fuzz. */
#include <math.h>

#include "fit/fit.h"
#include "fuzz.h"

static const char *const models[] = {"auto", "ewma", "seasonal", "robust",
                                     "static", "holtwinters", "sarima", "likelihood"};

static int emit(void *ctx, const aiops_record *rec, aiops_err *err)
{
    (void)ctx, (void)rec, (void)err;
    return 0;
}

static int push(void *ctx, aiops_record *r, aiops_err *err)
{
    return aiops_fit_push(ctx, r, err);
}

static void quiet(void *ctx, const char *series, const char *msg)
{
    (void)ctx, (void)series, (void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned fl = fuzz_flags(&data, &size);
    size_t n[3];
    const char *p[3];
    for (int i = 0; i < 3; i++)
        p[i] = fuzz_part((const char *)data, size, i, &n[i]);
    aiops_fit_opts o;
    aiops_fit_opts_init(&o);
    o.model = models[fl & 7];
    o.model_given = (fl & 7) != 0;
    o.max_train = 256;
    o.bands = !!(fl & 16);
    o.horizon = fl & 32 ? 3 : 0;
    o.tune = !!(fl & 8);
    o.warn = quiet;
    aiops_series_table *tab = aiops_series_table_new();
    aiops_fit *f = NULL;
    aiops_err err = {0};
    const char *path;
    int rc = tab ? aiops_fit_new(&f, &o, tab, emit, NULL, &err) : -1;
    if (!rc && n[0])
        rc = (path = fuzz_file("state.json", p[0], n[0])) ? aiops_fit_load_file(f, path, &err) : -1;
    if (!rc && o.tune)
        rc = (path = fuzz_file("labels.ndjson", p[1], n[1])) ? aiops_fit_load_labels(f, path, &err) : -1;
    rc = rc < 0 ? rc : 0;
    if (!rc)
        rc = fuzz_records(p[2], n[2], tab, push, f, &err);
    if (!rc)
        rc = aiops_fit_finish(f, &err);
    json_t *doc = rc ? NULL : aiops_fit_save(f, &err);
    aiops_fit_free(f);
    if (doc) {   /* saved state loads back */
        aiops_fit *g = NULL;
        if (aiops_fit_new(&g, &o, tab, emit, NULL, &err) || aiops_fit_load(g, doc, "saved", &err)) {
            fprintf(stderr, "saved state does not load: %s\n", err.msg);
            abort();
        }
        aiops_fit_free(g);
        json_decref(doc);
    }
    aiops_series_table_free(tab);
    return 0;
}
