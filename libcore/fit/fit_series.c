/* fit_series.c - the per-series state of aiops-fit, the engine's lowest
 * layer (fit_internal.h): the table of series by id, the detectors of a
 * series, and their lifetime.  The engine (fit.c), tuning (fit_tune.c)
 * and saved models (fit_state.c) use it; it uses none of them. */
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "fit/fit_internal.h"

static int oom(aiops_err *err)
{
    return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
}

/* The table grows to cover sid (bounded by the series table's own cap);
 * new slots are zero: FS_NEW, no detectors. */
int fit_series_slot(aiops_fit *f, uint32_t sid, fit_series **out, aiops_err *err)
{
    size_t cap = f->ns;
    if (AIOPS_GROW(f->s, cap, (size_t)sid + 1))
        return oom(err);
    memset(f->s + f->ns, 0, (cap - f->ns) * sizeof *f->s);
    f->ns = cap;
    *out = &f->s[sid];
    return 0;
}

void fit_series_clear(fit_series *s)
{
    fit_dets_free(s->det, s->ndet);
    free(s->tbuf);
    free(s->vbuf);
    free(s->sts);
    json_decref(s->labels);
    memset(s, 0, sizeof *s);
}

int fit_det_add(fit_series *s, size_t n, fit_det **first, aiops_err *err)
{
    if (AIOPS_GROW(s->det, s->capdet, s->ndet + n))
        return oom(err);
    *first = &s->det[s->ndet];
    memset(*first, 0, n * sizeof **first);
    s->ndet += n;
    return 0;
}

int fit_det_set_reason(fit_det *d, const char *reason, aiops_err *err)
{
    free(d->reason);
    d->reason = strdup(reason ? reason : "");
    return d->reason ? 0 : oom(err);
}

void fit_det_clear(fit_det *d)
{
    if (d->ops && d->m)
        d->ops->destroy(d->m);
    free(d->rule_text);
    free(d->reason);
    free(d->fires);
    memset(d, 0, sizeof *d);
}

void fit_dets_free(fit_det *det, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fit_det_clear(&det[i]);
    free(det);
}
