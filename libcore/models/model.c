/* model.c - the registry of models and their shared parameter defaults. */
#include <math.h>
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

static const aiops_model_ops *const registry[] = {
    &aiops_model_ewma,        &aiops_model_seasonal, &aiops_model_sarima,
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
