/* report_backtest.c - the backtest report: aiops-eval reports side by
 * side (per scenario or archive), tables and charts. */
#include "report/report_impl.h"

int aiops_report_backtest(const aiops_report_opts *o, json_t *const *evals,
                          const char *const *names, size_t n, const char *dir, char **index,
                          aiops_err *err)
{
    (void)o; (void)evals; (void)names; (void)n; (void)dir; (void)index;
    return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "backtest: not yet");
}
