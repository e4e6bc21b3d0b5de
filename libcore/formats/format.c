/* format.c - the registry of input formats and per-entry detection. */
#include <string.h>

#include "aiops_format.h"

extern const aiops_format aiops_fmt_table;   /* generic CSV/TSV tables (formats/tables) */

static const aiops_format *const registry[] = {
    &aiops_fmt_stream,  &aiops_fmt_prom_api, &aiops_fmt_vm_export,
    &aiops_fmt_promtool, &aiops_fmt_expo,    &aiops_fmt_csv,
    &aiops_fmt_alertmanager, &aiops_fmt_prom_alerts, &aiops_fmt_pagerduty, &aiops_fmt_opsgenie,
    &aiops_fmt_kafka, &aiops_fmt_clickhouse,
    &aiops_fmt_loki,  &aiops_fmt_es,       &aiops_fmt_fluentbit, &aiops_fmt_textlog,
    &aiops_fmt_jaeger, &aiops_fmt_otlp,    &aiops_fmt_zipkin,    &aiops_fmt_k8s_events,
    &aiops_fmt_deploy,
    &aiops_fmt_table,   /* last: fuzz seeds pick formats by index */
    NULL,
};

const aiops_format *const *aiops_formats(void)
{
    return registry;
}

const char *aiops_format_info(size_t i, const char **desc)
{
    if (i >= sizeof registry / sizeof registry[0] - 1)
        return NULL;
    if (desc)
        *desc = registry[i]->desc;
    return registry[i]->name;
}

const aiops_format *aiops_format_find(const char *name)
{
    /* Aliases users reach for first. */
    if (!strcmp(name, "ndjson") || !strcmp(name, "tsv"))
        name = "stream";
    if (!strcmp(name, "openmetrics"))
        name = "prom-text";
    for (int i = 0; registry[i]; i++)
        if (strcmp(registry[i]->name, name) == 0)
            return registry[i];
    return NULL;
}

const aiops_format *aiops_format_detect(const char *entry, const char *head, size_t n)
{
    const aiops_format *best = NULL;
    int score = 0;
    for (int i = 0; registry[i]; i++) {
        int s = registry[i]->probe(entry, head, n);
        if (s > score) {          /* ties: the earlier (more specific) wins */
            score = s;
            best = registry[i];
        }
        if (score >= 100)         /* certain: no later probe can win, spare their scans */
            break;
    }
    return best;
}
