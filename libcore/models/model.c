/* model.c - the registry of models, their shared parameter defaults and
 * the allocation every create() starts with. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/model.h"

void aiops_model_params_init(aiops_model_params *p)
{
    memset(p, 0, sizeof *p);
    p->k = p->alpha = p->beta = p->gamma = p->width = NAN;
    p->period = p->window = p->changepoint_prior = p->threshold = NAN;
    p->daily_order = p->weekly_order = p->changepoints = -1;
    p->multiplicative = p->seasonal_robust = -1;
    p->p = p->d = p->q = p->P = p->D = p->Q = -1;
}

void *aiops_model_new(size_t size, const aiops_model_params *p,
                      int (*init)(void *m, const aiops_model_params *p, aiops_err *err),
                      void (*destroy)(void *m), aiops_err *err)
{
    aiops_model_params def;
    void *m = calloc(1, size);
    if (!m) {
        aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    if (!p) {
        aiops_model_params_init(&def);
        p = &def;
    }
    if (init(m, p, err)) {
        destroy(m);
        return NULL;
    }
    return m;
}

int aiops_model_width_period(const char *model, const aiops_model_params *p, double *width,
                             double *period, aiops_err *err)
{
    *width = isnan(p->width) ? 0.99 : p->width;
    if (!(*width > 0 && *width < 1))
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "%s: expected width in (0, 1), got %g",
                             model, *width);
    *period = isnan(p->period) || p->period == 0 ? 86400 : p->period;
    if (!(*period > 0) || !isfinite(*period))
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "%s: expected a positive period, got %g", model, p->period);
    return 0;
}

static const aiops_model_ops *const registry[] = {
    &aiops_model_likelihood,  &aiops_model_ewma,     &aiops_model_seasonal, &aiops_model_sarima,
    &aiops_model_holtwinters, &aiops_model_robust,   &aiops_model_static,
    NULL,
};

const aiops_model_ops *const *aiops_models(void)
{
    return registry;
}

const aiops_model_ops *aiops_model_find(const char *name)
{
    for (size_t i = 0; registry[i]; i++)
        if (strcmp(registry[i]->name, name) == 0)
            return registry[i];
    return NULL;
}
