/* fuzz_fitopts.c - libFuzzer harness: aiops-fit's structured options
 * (libcore/fit): --objective ("f1", "nab", "recall-at-fa:N"), the
 * model parameter options (--k, --period, --order "P,D,Q", ...) by name,
 * and model parameters as saved state holds them (JSON, through
 * aiops_fit_params_from_json and back).  Input: one flag byte picking the
 * parameter name, then the text.  Run: make fuzz. */
#include "fit/fit.h"
#include "models/model.h"
#include "fuzz.h"

static const char *const names[] = {"k", "alpha", "beta", "gamma", "width", "changepoint-prior",
                                    "period", "window", "daily-order", "weekly-order",
                                    "changepoints", "multiplicative", "order", "seasonal-order",
                                    "nosuch", ""};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned fl = fuzz_flags(&data, &size);
    char *text = fuzz_str((const char *)data, size);
    if (!text)
        return 0;
    aiops_err err = {0};
    aiops_fit_objective obj;
    (void)aiops_fit_objective_parse(text, &obj, &err);
    aiops_model_params p;
    aiops_model_params_init(&p);
    const char *name = names[fl % (sizeof names / sizeof names[0])];
    if (aiops_fit_param_set(&p, name, !strcmp(name, "multiplicative") ? NULL : text, &err) == 0) {
        json_t *j = aiops_fit_params_to_json(&p);
        aiops_model_params q;
        aiops_model_params_init(&q);
        if (j && aiops_fit_params_from_json(j, &q, &err)) {
            fprintf(stderr, "params %s=%s: saved form does not load: %s\n", name, text, err.msg);
            abort();
        }
        json_decref(j);
    }
    json_t *doc = json_loads(text, JSON_DECODE_ANY, NULL);
    if (doc) {
        aiops_model_params q;
        aiops_model_params_init(&q);
        (void)aiops_fit_params_from_json(doc, &q, &err);
        json_decref(doc);
    }
    free(text);
    return 0;
}
