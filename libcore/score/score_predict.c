/* score_predict.c - early-warning quality: incidents warned ahead, lead
 * time distribution, precision of warnings. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "score/score.h"

int aiops_score_predict(const aiops_window *win, size_t nwin, const double *warn, size_t nwarn,
                        double horizon, aiops_predict_stats *out, aiops_err *err)
{
    memset(out, 0, sizeof *out);
    if (!(horizon >= 0))
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "expected a horizon >= 0");
    double *lead = malloc((nwin + 1) * sizeof *lead), sum = 0;
    if (!lead)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    out->incidents = nwin;
    out->warnings = nwarn;
    for (size_t i = 0; i < nwin; i++) {
        double first = INFINITY;
        for (size_t j = 0; j < nwarn; j++)
            if (warn[j] >= win[i].start - horizon && warn[j] < win[i].end && warn[j] < first)
                first = warn[j];
        if (isfinite(first)) {
            lead[out->warned++] = win[i].end - first;
            sum += win[i].end - first;
        }
    }
    for (size_t j = 0; j < nwarn; j++) {
        int ok = 0;
        for (size_t i = 0; i < nwin && !ok; i++)
            ok = warn[j] >= win[i].start - horizon && warn[j] < win[i].end;
        out->true_warnings += (size_t)ok;
    }
    out->frac_warned = nwin ? (double)out->warned / (double)nwin : NAN;
    out->precision = nwarn ? (double)out->true_warnings / (double)nwarn : NAN;
    out->lead_mean = out->warned ? sum / (double)out->warned : NAN;
    out->lead_p90 = aiops_quantile(lead, out->warned, 0.9);
    out->lead_median = aiops_quantile(lead, out->warned, 0.5);
    free(lead);
    return 0;
}
