/* series_impl.h - what the series table keeps per series beside the
 * public aiops_series: the writer's cached NDJSON prefix and whether its
 * text can be a TSV field.  Only series.c
 * (which allocates it) and writer.c (which fills it) see this. */
#ifndef AIOPS_RECORD_SERIES_IMPL_H
#define AIOPS_RECORD_SERIES_IMPL_H

#include "aiops.h"

typedef struct aiops_series_full {
    aiops_series pub;        /* first: an aiops_series * is this struct's address */
    char *ndjson_prefix;     /* {"type":"sample","ts": ... prefix, owned by the table */
    size_t ndjson_prefix_len;
    signed char tsv_field;   /* 0 not known yet, 1 the text has no tab, -1 it has one */
} aiops_series_full;

static inline aiops_series_full *aiops_series_full_of(aiops_series *s)
{
    return (aiops_series_full *)s;
}

#endif
