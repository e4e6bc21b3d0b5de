/* score_rca.c - root-cause ranking accuracy (AC@k, Avg@5, mean rank) and
 * the MTTR model that turns detection delay and ranking into minutes. */
#include <math.h>
#include <string.h>

#include "score/score.h"

void aiops_score_rca(const size_t *rank, const size_t *ncand, size_t n, aiops_rca_stats *out)
{
    size_t hit[6] = {0};
    double ranks = 0;
    memset(out, 0, sizeof *out);
    out->incidents = n;
    for (size_t i = 0; i < n; i++) {
        size_t r = rank[i] ? rank[i] : ncand[i] + 1;
        out->found += rank[i] != 0;
        for (size_t k = 1; k <= 5; k++)
            hit[k] += rank[i] && rank[i] <= k;
        ranks += (double)r;
    }
    if (n == 0) {
        out->ac1 = out->ac3 = out->ac5 = out->avg5 = out->mean_rank = NAN;
        return;
    }
    double N = (double)n, sum = 0;
    for (size_t k = 1; k <= 5; k++)
        sum += (double)hit[k] / N;
    out->ac1 = (double)hit[1] / N;
    out->ac3 = (double)hit[3] / N;
    out->ac5 = (double)hit[5] / N;
    out->avg5 = sum / 5;
    out->mean_rank = ranks / N;
}

void aiops_mttr_defaults(aiops_mttr_assume *a)
{
    a->mttr = 3600;
    a->detect_today = 900;
    a->diagnose = 1800;
    a->saved_top1 = 0.75;
    a->saved_topk = 0.4;
    a->k = 3;
}

/* gain = (baseline delay - our delay) + diagnose * (AC@1 saved_top1 +
 * (AC@k - AC@1) saved_topk); docs/EVALUATION.md "MTTR model". */
void aiops_mttr_estimate(const aiops_mttr_assume *a, double delay_ours, double delay_base,
                         double ac1, double ack, aiops_mttr_est *out)
{
    double base = isnan(delay_base) ? a->detect_today : delay_base;
    out->detect_gain = isnan(delay_ours) ? 0 : base - delay_ours;
    out->diagnose_gain = (isnan(ac1) || isnan(ack))
                             ? 0 : a->diagnose * (ac1 * a->saved_top1 + (ack - ac1) * a->saved_topk);
    out->gain = out->detect_gain + out->diagnose_gain;
    out->mttr_after = a->mttr - out->gain > 0 ? a->mttr - out->gain : 0;
    out->pct = a->mttr > 0 ? 100 * out->gain / a->mttr : NAN;
}
