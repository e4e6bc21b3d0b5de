/* record.c - record types of the stream (docs/FORMAT.md). */
#include <string.h>

#include "aiops.h"

static const char *const names[AIOPS_R__COUNT] = {
    [AIOPS_R_OTHER] = "other",           [AIOPS_R_SAMPLE] = "sample",
    [AIOPS_R_LOG] = "log",               [AIOPS_R_SPAN] = "span",
    [AIOPS_R_EVENT] = "event",           [AIOPS_R_ALERT] = "alert",
    [AIOPS_R_BAND] = "band",             [AIOPS_R_ANOMALY] = "anomaly",
    [AIOPS_R_INCIDENT] = "incident",     [AIOPS_R_RCA] = "rca",
    [AIOPS_R_PREDICTION] = "prediction", [AIOPS_R_SUMMARY] = "summary",
    [AIOPS_R_LABEL] = "label",
};

const char *aiops_rtype_name(aiops_rtype t)
{
    return t > AIOPS_R_OTHER && t < AIOPS_R__COUNT ? names[t] : "other";
}

aiops_rtype aiops_rtype_from_name(const char *s, size_t n)
{
    for (int t = AIOPS_R_SAMPLE; t < AIOPS_R__COUNT; t++)
        if (strlen(names[t]) == n && memcmp(names[t], s, n) == 0)
            return (aiops_rtype)t;
    return AIOPS_R_OTHER;
}

void aiops_record_clear(aiops_record *r)
{
    if (!r)
        return;
    json_decref(r->obj);
    memset(r, 0, sizeof *r);
}
