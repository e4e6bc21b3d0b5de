/* record.c - record types of the stream (docs/FORMAT.md). */
#include <stdlib.h>
#include <string.h>

#include "aiops.h"
#include "common/jdoc.h"

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

int aiops_record_text(const aiops_record *r, const char **text, size_t *len)
{
    if (!json_is_string(r->obj))
        return 0;
    *text = json_string_value(r->obj);
    *len = json_string_length(r->obj);
    return 1;
}

json_t *aiops_record_text_json(const aiops_record *r, aiops_err *err)
{
    const char *s;
    size_t n;
    if (!aiops_record_text(r, &s, &n)) {
        aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "the record carries no JSON text");
        return NULL;
    }
    /* ',"k":v,...' -> '{"k":v,...}' */
    char *t = malloc(n + 3);
    if (!t) {
        aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        return NULL;
    }
    t[0] = '{';
    memcpy(t + 1, n ? s + 1 : "", n ? n - 1 : 0);
    t[n ? n : 1] = '}';
    json_error_t je;
    json_t *o = aiops_json_loadb(t, n ? n + 1 : 2, 0, &je);
    free(t);
    if (!o)
        aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "expected the JSON members of a record: %s",
                      je.text);
    return o;
}

json_t *aiops_record_json(aiops_record *r, aiops_err *err)
{
    aiops_err_clear(err);
    if (!json_is_string(r->obj))
        return r->obj;
    json_t *o = aiops_record_text_json(r, err);
    if (!o)
        return NULL;
    json_decref(r->obj);
    r->obj = o;
    return o;
}
