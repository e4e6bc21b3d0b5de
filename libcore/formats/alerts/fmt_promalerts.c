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

#include "formats/alerts/alert_tok.h"
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

/* --------------------------------------------------------- fast path
 *
 * Raw-text reads: a response read from its tokens straight into record
 * text, as fmt_alertmanager.c does; anything pa_find or pa_alert would
 * read another way or report (an API error, a number where a string
 * goes, a repeated member name, both "data" and a bare "alerts") gives
 * up for the whole response, which is then read as a tree. */

#define BAIL AIOPS_TOK_BAIL

/* One alert after its '{', its record added to l's pending ones. */
static int pa_fast_alert(aiops_alert_list *l, aiops_jpull *p)
{
    aiops_buf *str = &l->tmp[0], *labj = &l->tmp[1], *annj = &l->tmp[2], *out = &l->tmp[3];
    aiops_atok_names names = { .n = 0 };
    aiops_atok_map labels, ann;
    aiops_alert a = { .source = "prometheus" };
    int have_labels = 0, have_ann = 0, have_start = 0, have_value = 0, t;
    double value = 0;
    size_t n;
    str->n = labj->n = annj->n = out->n = 0;
    static const char *const members[] = {"labels", "annotations", "state", "activeAt", "value", NULL};
    const char *k;
    int m;
    while ((m = aiops_atok_next(p, &names, members, &t)) > 0) {
        if (t == AIOPS_JT_NULL && (m == 2 || m == 5))
            continue;                     /* absent, as jdoc reads null */
        if (m <= 2) {
            if (t != AIOPS_JT_OBJ ||
                aiops_atok_strmap(p, m == 1 ? &labels : &ann, m == 1 ? labj : annj, str))
                return BAIL;
            have_labels |= m == 1;
            have_ann |= m == 2;
        } else if (m == 4) {
            if (aiops_atok_time(p, t, &a.start))
                return BAIL;
            have_start = 1;
        } else {
            if (t != AIOPS_JT_STR)
                return BAIL;
            k = aiops_jpull_text(p, &n);
            if (m == 3) {
                if (strcmp(k, "firing") && strcmp(k, "pending"))
                    return BAIL;
                a.state = k[0] == 'f' ? "firing" : "pending";
            } else {
                if (aiops_parse_double(k, n, &value))
                    return BAIL;
                have_value = 1;
            }
        }
    }
    if (m < 0 || !have_labels || !have_start || !a.state || str->oom)
        return BAIL;
    a.name = aiops_atok_get(&labels, str, "alertname", &n);
    if (!a.name || n == 0)
        return BAIL;
    size_t sevn = 0;
    const char *service = aiops_atok_service(&labels, str);
    const char *severity = aiops_atok_get(&labels, str, "severity", &sevn);
    char fp[17], key[AIOPS_ALERT_KEY];
    aiops_atok_fingerprint(&labels, str, fp);
    aiops_alert_seen_key(fp, a.state, a.start, key);
    aiops_alert_text(out, &a, labj->p, labj->n, have_ann ? annj->p : NULL, annj->n, service,
                     severity && sevn ? severity : NULL, fp);
    if (have_value) {
        aiops_buf_put(out, ",\"value\":", 9);
        aiops_buf_num(out, value);        /* NaN, +Inf, -Inf as strings, as pa_value */
    }
    if (out->oom)
        return AIOPS_ENOMEM;
    return aiops_alert_list_pend(l, a.start, out, key);
}

/* The alerts array after its '['. */
static int pa_fast_alerts(aiops_alert_list *l, aiops_jpull *p)
{
    aiops_err e;
    int t, rc;
    while ((t = aiops_jpull_next(p, &e)) == AIOPS_JT_OBJ)
        if ((rc = pa_fast_alert(l, p)) != 0)
            return rc;
    return t == AIOPS_JT_ARR_END ? 0 : BAIL;
}

/* A whole response: 0, BAIL, or <0. */
static int pa_fast(aiops_alert_list *l, aiops_jpull *p)
{
    aiops_atok_names names = { .n = 0 };
    aiops_err e;
    int t = aiops_jpull_next(p, &e), data = 0, top = 0, found = 0, rc;
    size_t n;
    if (t != AIOPS_JT_OBJ)
        return BAIL;
    while ((t = aiops_jpull_next(p, &e)) == AIOPS_JT_KEY) {
        const char *k = aiops_jpull_text(p, &n);
        if (aiops_atok_name(&names, k, n))
            return BAIL;
        int m = !strcmp(k, "status") ? 1 : !strcmp(k, "data") ? 2 : !strcmp(k, "alerts") ? 3 : 0;
        t = aiops_jpull_next(p, &e);
        if (m == 1 && t == AIOPS_JT_STR && !strcmp(aiops_jpull_text(p, NULL), "error"))
            return BAIL;                  /* the API's error: pa_api_error */
        if (m <= 1) {
            if (aiops_atok_skip(p, t))
                return BAIL;
            continue;
        }
        if (data || top || t != (m == 2 ? AIOPS_JT_OBJ : AIOPS_JT_ARR))
            return BAIL;                  /* pa_find reads only data.alerts then */
        if (m == 3) {
            top = 1;
            if ((rc = pa_fast_alerts(l, p)) != 0)
                return rc;
            continue;
        }
        data = 1;
        aiops_atok_names dn = { .n = 0 };
        while ((rc = aiops_atok_next(p, &dn, (const char *const[]){"alerts", NULL}, &t)) == 1) {
            if (t != AIOPS_JT_ARR)
                return BAIL;
            found = 1;
            if ((rc = pa_fast_alerts(l, p)) != 0)
                return rc;
        }
        if (rc)
            return BAIL;
    }
    return t == AIOPS_JT_OBJ_END && (data ? found : top) ? 0 : BAIL;
}

static const aiops_alert_list_spec pa_spec = {WHAT, pa_find, pa_alert, pa_fast};

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
