/* fmt_promalerts.c - Prometheus /api/v1/alerts responses as `alert` records:
 *   {"status":"success","data":{"alerts":[{"labels":{..},"annotations":{..},
 *    "state":"firing"|"pending","activeAt":"..","value":"1e+01"}]}}
 * (also the bare data object {"alerts":[..]}), one response per file, one
 * per line, or several one after another (an alert list polled over time).
 *
 * state is kept: "firing", or "pending" (the condition holds but `for:`
 * has not yet passed).  start = ts = activeAt, when the alert became
 * active: the API does not say when a pending alert started firing.  The
 * API has no resolved alerts (they drop out of the list), so there is no
 * end.  An alert state (fingerprint, state, activeAt) seen in several
 * polls is reported once.  value (the expression's value at the last
 * evaluation) is kept as a number ("NaN"/"+Inf"/"-Inf" as strings).
 * fingerprint: Alertmanager's over the labels; source "prometheus".
 *
 * Polls come in time order but activeAt does not (a long-active alert
 * is in every poll): `ordered = 0`. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "formats/alerts/alerts.h"
#include "common/jdoc.h"

#define WHAT "expected a Prometheus /api/v1/alerts response"


static int pa_state_field(aiops_jdoc *d, json_t *al, const char **state)
{
    int rc = aiops_jdoc_str(d, al, "state", AIOPS_JDOC_REQUIRED, state);
    if (rc < 0)
        return rc;
    if (!strcmp(*state, "firing") || !strcmp(*state, "pending"))
        return 0;
    aiops_jdoc_key(d, "state");
    rc = aiops_jdoc_fail(d, AIOPS_EPARSE, "expected \"firing\" or \"pending\", got '%.40s'", *state);
    aiops_jdoc_pop(d);
    return rc;
}

/* The value as a JSON number, or the Prometheus spelling of a special. */
static int pa_value(aiops_jdoc *d, json_t *al, json_t **out)
{
    const char *s = NULL;
    double v;
    int rc = aiops_jdoc_str(d, al, "value", 0, &s);
    if (rc <= 0) {
        *out = NULL;
        return rc;
    }
    if (aiops_parse_double(s, strlen(s), &v)) {
        aiops_jdoc_key(d, "value");
        rc = aiops_jdoc_fail(d, AIOPS_EPARSE, "expected a number like \"1e+01\", got '%.40s'", s);
        aiops_jdoc_pop(d);
        return rc;
    }
    *out = isfinite(v) ? json_real(v) : json_string(isnan(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf");
    return *out ? 1 : aiops_jdoc_fail(d, AIOPS_ENOMEM, "out of memory");
}

/* 1 = rec filled, 0 = already reported, <0 error. */
static int pa_alert(aiops_alert_list *l, json_t *al, aiops_record *rec)
{
    aiops_jdoc *d = &l->doc;
    aiops_alert a = {.source = "prometheus"};
    json_t *value = NULL;
    int rc;
    if (!json_is_object(al))
        return aiops_jdoc_fail(d, AIOPS_EPARSE, "expected an alert object, got %s",
                               aiops_jdoc_type(al));
    if ((rc = aiops_jdoc_strmap(d, al, "labels", AIOPS_JDOC_REQUIRED, &a.labels)) < 0 ||
        (rc = aiops_alert_list_name(l, a.labels, &a.name)) < 0 ||
        (rc = aiops_jdoc_strmap(d, al, "annotations", 0, &a.annotations)) < 0 ||
        (rc = pa_state_field(d, al, &a.state)) < 0 ||
        (rc = aiops_jdoc_time(d, al, "activeAt", AIOPS_JDOC_REQUIRED, &a.start)) < 0 ||
        (rc = pa_value(d, al, &value)) < 0)
        return rc;
    if ((rc = aiops_alert_list_record(l, &a, rec)) <= 0) {
        json_decref(value);
        return rc;
    }
    if (value && json_object_set_new(rec->obj, "value", value)) {
        aiops_record_clear(rec);
        return aiops_jdoc_fail(d, AIOPS_ENOMEM, "out of memory");
    }
    return 1;
}

/* {"status":"error","errorType":..,"error":..}: Prometheus' own words. */
static int pa_api_error(aiops_alert_list *l)
{
    json_t *type = json_object_get(l->cur, "errorType"), *text = json_object_get(l->cur, "error");
    aiops_jdoc_key(&l->doc, text ? "error" : "status");
    long line = aiops_jdoc_line(&l->doc);
    aiops_jdoc_pop(&l->doc);
    return aiops_err_set(l->doc.err, AIOPS_EPARSE, l->doc.file, line,
                         "the Prometheus API returned an error (%.60s): %.300s",
                         json_is_string(type) ? json_string_value(type) : "no errorType",
                         json_is_string(text) ? json_string_value(text) : "no error text");
}

/* A new response: find data.alerts (or a bare alerts). */
static int pa_find(aiops_alert_list *l)
{
    aiops_jdoc *d = &l->doc;
    if (!json_is_object(l->cur))
        return aiops_jdoc_fail(d, AIOPS_EPARSE, "%s (an object), got %s", WHAT,
                               aiops_jdoc_type(l->cur));
    json_t *status = json_object_get(l->cur, "status"), *data = json_object_get(l->cur, "data");
    int rc;
    if (json_is_string(status) && !strcmp(json_string_value(status), "error"))
        return pa_api_error(l);
    json_t *holder = data ? data : l->cur;
    if (data && !json_is_object(data)) {
        aiops_jdoc_key(d, "data");
        rc = aiops_jdoc_fail(d, AIOPS_EPARSE, "expected an object with \"alerts\", got %s",
                             aiops_jdoc_type(data));
        aiops_jdoc_pop(d);
        return rc;
    }
    json_t *al = json_object_get(holder, "alerts");
    l->keys[0] = data ? "data" : "alerts";
    l->keys[1] = data ? "alerts" : NULL;
    if (json_is_array(al)) {
        l->alerts = al;
        return 1;
    }
    if (data)
        aiops_jdoc_key(d, "data");
    if (al) {
        aiops_jdoc_key(d, "alerts");
        rc = aiops_jdoc_fail(d, AIOPS_EPARSE, "expected an array of alerts, got %s",
                             aiops_jdoc_type(al));
    } else {
        rc = aiops_jdoc_fail(d, AIOPS_EPARSE, "%s: expected an \"alerts\" array", WHAT);
    }
    d->depth = 0;
    return rc;
}

static const aiops_alert_list_spec pa_spec = {WHAT, pa_find, pa_alert, NULL};

static int pa_open(void **state, aiops_parse_ctx *ctx, aiops_err *err)
{
    return aiops_alert_list_new(state, sizeof(aiops_alert_list), &pa_spec, 1, ctx, err);
}

/* {"status":..,"data":{"alerts":[{.."activeAt"..}]}} or {"alerts":[..]}:
 * "activeAt" is what tells these alerts from PagerDuty's or Alertmanager's. */
static int pa_probe(const char *entry, const char *head, size_t n)
{
    (void)entry;
    size_t p = aiops_jhead_start(head, n);
    if (p >= n || head[p] != '{' || aiops_jhead_key(head, n, 1, "type"))
        return 0;
    if (aiops_jhead_key(head, n, 1, "data") && aiops_jhead_key(head, n, 2, "alerts") &&
        !aiops_jhead_key(head, n, 2, "resultType"))
        return 96;
    if (aiops_jhead_key(head, n, 1, "alerts") && aiops_jhead_key(head, n, 3, "activeAt"))
        return 90;
    return 0;
}

const aiops_format aiops_fmt_prom_alerts = {
    .name = "prom-alerts",
    .desc = "Prometheus /api/v1/alerts responses (firing and pending alerts)",
    .ordered = 0,
    .probe = pa_probe,
    .open = pa_open,
    .next = aiops_alert_list_next,
    .close = aiops_alert_list_free,
};
