/* metrics.h - what the JSON metric formats (Prometheus API responses,
 * VictoriaMetrics export) share: reading a "metric" label object. */
#ifndef AIOPS_METRICS_H
#define AIOPS_METRICS_H

#include "aiops_format.h"

/* The labels of a JSON "metric" object ({"name": "value", ...}) in its
 * order, pointing into it; *out is heap (the caller frees it).  0,
 * AIOPS_ENOMEM, or AIOPS_EPARSE with *bad the first member whose value
 * is not a string (*out is then freed).  Callers say where the object
 * is, so the messages are theirs. */
int aiops_metric_labels(json_t *metric, aiops_label **out, size_t *n, const char **bad);

#endif
