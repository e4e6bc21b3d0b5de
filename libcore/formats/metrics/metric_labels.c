/* metric_labels.c - aiops_metric_labels (see metrics.h). */
#include <stdlib.h>

#include "formats/metrics/metrics.h"

int aiops_metric_labels(json_t *metric, aiops_label **out, size_t *n, const char **bad)
{
    size_t cap = json_object_size(metric), i = 0;
    aiops_label *l = malloc((cap ? cap : 1) * sizeof *l);
    const char *key;
    json_t *val;
    *out = NULL;
    *n = 0;
    if (!l)
        return AIOPS_ENOMEM;
    json_object_foreach(metric, key, val) {
        if (!json_is_string(val)) {
            *bad = key;
            free(l);
            return AIOPS_EPARSE;
        }
        l[i++] = (aiops_label){key, json_string_value(val)};
    }
    *out = l;
    *n = i;
    return 0;
}
