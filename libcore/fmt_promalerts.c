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

#include "alerts.h"
#include "jdoc.h"

#define WHAT "expected a Prometheus /api/v1/alerts response"

typedef struct pa_state {
    aiops_jseq seq;
    aiops_jdoc doc;
    json_t *cur;             /* current response */
    json_t *alerts;          /* borrowed from cur */
    size_t pos;
    int wrapped;             /* alerts are under "data" */
    aiops_alert_seen *seen;
} pa_state;

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

static int pa_name(aiops_jdoc *d, json_t *labels, const char **name)
{
    json_t *n = json_object_get(labels, "alertname");
    if (json_is_string(n) && json_string_length(n) > 0) {
        *name = json_string_value(n);
        return 0;
    }
    aiops_jdoc_key(d, "labels");
    int rc = aiops_jdoc_fail(d, AIOPS_EPARSE, "expected an \"alertname\" label");
    aiops_jdoc_pop(d);
    return rc;
}

/* 1 = rec filled, 0 = already reported, <0 error. */
static int pa_alert(pa_state *st, json_t *al, aiops_record *rec)
{
    aiops_jdoc *d = &st->doc;
    aiops_alert a = {.source = "prometheus"};
    json_t *value = NULL;
    int rc;
    if (!json_is_object(al))
        return aiops_jdoc_fail(d, AIOPS_EPARSE, "expected an alert object, got %s",
                               aiops_jdoc_type(al));
    if ((rc = aiops_jdoc_strmap(d, al, "labels", AIOPS_JDOC_REQUIRED, &a.labels)) < 0 ||
        (rc = pa_name(d, a.labels, &a.name)) < 0 ||
        (rc = aiops_jdoc_strmap(d, al, "annotations", 0, &a.annotations)) < 0 ||
        (rc = pa_state_field(d, al, &a.state)) < 0 ||
        (rc = aiops_jdoc_time(d, al, "activeAt", AIOPS_JDOC_REQUIRED, &a.start)) < 0 ||
        (rc = pa_value(d, al, &value)) < 0)
        return rc;
    if ((rc = aiops_alert_seen_add(st->seen, &a)) != 0) {
        json_decref(value);
        return rc < 0 ? aiops_jdoc_fail(d, rc, "out of memory") : 0;
    }
    if ((rc = aiops_alert_record(&a, rec, d->err)) < 0) {
        json_decref(value);
        return aiops_err_locate(d->err, d->file, aiops_jdoc_line(d));
    }
    if (value && json_object_set_new(rec->obj, "value", value)) {
        aiops_record_clear(rec);
        return aiops_jdoc_fail(d, AIOPS_ENOMEM, "out of memory");
    }
    return 1;
}

/* {"status":"error","errorType":..,"error":..}: Prometheus' own words. */
static int pa_api_error(pa_state *st)
{
    json_t *type = json_object_get(st->cur, "errorType"), *text = json_object_get(st->cur, "error");
    aiops_jdoc_key(&st->doc, text ? "error" : "status");
    long line = aiops_jdoc_line(&st->doc);
    aiops_jdoc_pop(&st->doc);
    return aiops_err_set(st->doc.err, AIOPS_EPARSE, st->doc.file, line,
                         "the Prometheus API returned an error (%.60s): %.300s",
                         json_is_string(type) ? json_string_value(type) : "no errorType",
                         json_is_string(text) ? json_string_value(text) : "no error text");
}

/* Find data.alerts (or a bare alerts) in the response. */
static int pa_find_alerts(pa_state *st)
{
    aiops_jdoc *d = &st->doc;
    json_t *status = json_object_get(st->cur, "status"), *data = json_object_get(st->cur, "data");
    int rc;
    if (json_is_string(status) && !strcmp(json_string_value(status), "error"))
        return pa_api_error(st);
    st->wrapped = data != NULL;
    json_t *holder = data ? data : st->cur;
    if (data && !json_is_object(data)) {
        aiops_jdoc_key(d, "data");
        rc = aiops_jdoc_fail(d, AIOPS_EPARSE, "expected an object with \"alerts\", got %s",
                             aiops_jdoc_type(data));
        aiops_jdoc_pop(d);
        return rc;
    }
    json_t *al = json_object_get(holder, "alerts");
    if (json_is_array(al)) {
        st->alerts = al;
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

static int pa_next_doc(pa_state *st)
{
    json_decref(st->cur);
    st->cur = st->alerts = NULL;
    st->pos = 0;
    int rc = aiops_jseq_next(&st->seq, &st->doc, WHAT, &st->cur);
    if (rc <= 0)
        return rc;
    if (!json_is_object(st->cur))
        return aiops_jdoc_fail(&st->doc, AIOPS_EPARSE, "%s (an object), got %s", WHAT,
                               aiops_jdoc_type(st->cur));
    return pa_find_alerts(st);
}

static void pa_close(void *state)
{
    pa_state *st = state;
    if (!st)
        return;
    json_decref(st->cur);
    aiops_alert_seen_free(st->seen);
    free(st);
}

static int pa_open(void **state, aiops_parse_ctx *ctx, aiops_err *err)
{
    char *buf;
    size_t len;
    *state = NULL;
    pa_state *st = calloc(1, sizeof *st);
    if (st && !(st->seen = aiops_alert_seen_new())) {
        free(st);
        st = NULL;
    }
    if (!st)
        return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(ctx->stream), 0, "out of memory");
    int rc = aiops_stream_slurp(ctx->stream, &buf, &len, err);
    if (rc) {
        pa_close(st);
        return rc;
    }
    aiops_jseq_init(&st->seq, buf, len);
    *state = st;
    return 0;
}

static int pa_next(void *state, aiops_parse_ctx *ctx, aiops_record *rec, aiops_err *err)
{
    pa_state *st = state;
    st->doc.file = aiops_stream_name(ctx->stream);
    st->doc.err = err;
    for (;;) {
        if (st->alerts && st->pos < json_array_size(st->alerts)) {
            size_t i = st->pos++;
            st->doc.depth = 0;
            if (st->wrapped)
                aiops_jdoc_key(&st->doc, "data");
            aiops_jdoc_key(&st->doc, "alerts");
            aiops_jdoc_idx(&st->doc, i);
            int rc = pa_alert(st, json_array_get(st->alerts, i), rec);
            if (rc != 0)
                return rc;
            continue;
        }
        int rc = pa_next_doc(st);
        if (rc <= 0)
            return rc;
    }
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
    .next = pa_next,
    .close = pa_close,
};
