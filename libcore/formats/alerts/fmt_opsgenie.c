/* fmt_opsgenie.c - OpsGenie alerts as `alert` records: the Alert API's
 * list response {"data":[{..}],"paging":..,"took":..,"requestId":..}, a
 * single alert {"data":{..}}, or a plain array of alerts; one document,
 * one per line, or several one after another (pages).
 *
 * An alert {id, tinyId, alias, message, status "open"|"closed",
 * acknowledged, createdAt, updatedAt, lastOccurredAt, tags[], priority,
 * source, owner, report{closeTime, ..}, details{..}, description} gives
 * one record, source "opsgenie":
 *   name = message; start = createdAt;
 *   open = firing (ts = start); closed = resolved with end = createdAt +
 *     report.closeTime (ms, the exact close), else updatedAt, else
 *     lastOccurredAt (ts = end);
 *   labels: priority, alias, OpsGenie's source, owner and entity, each
 *     "key:value" tag whose key is a label name as key=value, the other
 *     tags joined with ',' as "tags";
 *   service = a service tag ("service:NAME", "app:NAME", ...: the labels
 *     of AIOPS_SERVICE_LABELS), else entity, else source; never the
 *     alias, which is a de-duplication key;
 *   severity = priority P1..P5 as critical, high, moderate, low,
 *     informational (OpsGenie's names for them);
 *   annotations = description and details (get-alert responses);
 *   fingerprint = alias (OpsGenie's de-duplication key), else id.
 *
 * Lists are sorted by creation (newest first by default) and closed
 * alerts take their end time: `ordered = 0`. */
#include <stdlib.h>
#include <string.h>

#include "formats/alerts/alerts.h"
#include "common/buf.h"
#include "common/jdoc.h"

#define WHAT "expected an OpsGenie alerts JSON response"

static int label_name(const char *s, size_t n)
{
    if (!n || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 0;
    return 1;
}

/* Tags into labels: "k:v" -> k=v, the rest joined into "tags". */
static int og_tags(aiops_jdoc *d, json_t *al, json_t *labels)
{
    json_t *tags = json_object_get(al, "tags"), *t;
    size_t i;
    if (!tags || json_is_null(tags))
        return 0;
    aiops_jdoc_key(d, "tags");
    if (!json_is_array(tags)) {
        int rc = aiops_jdoc_fail(d, AIOPS_EPARSE, "expected an array of strings, got %s",
                                 aiops_jdoc_type(tags));
        aiops_jdoc_pop(d);
        return rc;
    }
    aiops_buf rest = {0};
    int rc = 0;
    json_array_foreach(tags, i, t) {
        if (!json_is_string(t)) {
            aiops_jdoc_idx(d, i);
            rc = aiops_jdoc_fail(d, AIOPS_EPARSE, "expected a string tag, got %s", aiops_jdoc_type(t));
            aiops_jdoc_pop(d);
            break;
        }
        const char *s = json_string_value(t), *colon = strchr(s, ':');
        if (colon && label_name(s, (size_t)(colon - s)) && colon[1]) {
            char key[128];
            snprintf(key, sizeof key, "%.*s", (int)(colon - s), s);
            if (json_object_set_new(labels, key, json_string(colon + 1))) {
                rc = AIOPS_ENOMEM;
                break;
            }
            continue;
        }
        if (rest.n)
            aiops_buf_put(&rest, ",", 1);
        aiops_buf_put(&rest, s, json_string_length(t));
    }
    if (!rc && rest.oom)
        rc = AIOPS_ENOMEM;
    if (!rc && rest.n && json_object_set_new(labels, "tags", json_stringn(rest.p, rest.n)))
        rc = AIOPS_ENOMEM;
    aiops_buf_free(&rest);
    if (rc == AIOPS_ENOMEM)
        rc = aiops_jdoc_fail(d, rc, "out of memory");
    aiops_jdoc_pop(d);
    return rc;
}

static int og_severity(aiops_jdoc *d, const char *prio, const char **sev)
{
    static const char *const names[] = {"critical", "high", "moderate", "low", "informational"};
    if (!prio)
        return 0;
    if (prio[0] == 'P' && prio[1] >= '1' && prio[1] <= '5' && !prio[2]) {
        *sev = names[prio[1] - '1'];
        return 0;
    }
    aiops_jdoc_key(d, "priority");
    int rc = aiops_jdoc_fail(d, AIOPS_EPARSE, "expected P1, P2, P3, P4 or P5, got '%.20s'", prio);
    aiops_jdoc_pop(d);
    return rc;
}

/* End of a closed alert: createdAt + report.closeTime, else updatedAt,
 * else lastOccurredAt. */
static int og_end(aiops_jdoc *d, json_t *al, aiops_alert *a)
{
    json_t *rep = json_object_get(al, "report");
    json_t *ct = json_is_object(rep) ? json_object_get(rep, "closeTime") : NULL;
    int rc;
    if (json_is_number(ct)) {
        a->end = a->start + json_number_value(ct) / 1000.0;
        a->has_end = 1;
        return 0;
    }
    if ((rc = aiops_jdoc_time(d, al, "updatedAt", 0, &a->end)) == 0)
        rc = aiops_jdoc_time(d, al, "lastOccurredAt", 0, &a->end);
    if (rc == 0)
        return aiops_jdoc_fail(d, AIOPS_EPARSE,
                               "expected report.closeTime, \"updatedAt\" or \"lastOccurredAt\" "
                               "on a closed alert");
    a->has_end = rc > 0;
    return rc < 0 ? rc : 0;
}

static int og_status(aiops_jdoc *d, json_t *al, aiops_alert *a)
{
    const char *status;
    int rc = aiops_jdoc_str(d, al, "status", AIOPS_JDOC_REQUIRED, &status);
    if (rc < 0)
        return rc;
    if (!strcmp(status, "open")) {
        a->state = "firing";
        return 0;
    }
    if (!strcmp(status, "closed")) {
        a->state = "resolved";
        return og_end(d, al, a);
    }
    aiops_jdoc_key(d, "status");
    rc = aiops_jdoc_fail(d, AIOPS_EPARSE, "expected \"open\" or \"closed\", got '%.40s'", status);
    aiops_jdoc_pop(d);
    return rc;
}

static int og_labels(aiops_jdoc *d, json_t *al, const char *prio, const char *alias, json_t *labels)
{
    const char *src = NULL, *owner = NULL, *entity = NULL;
    int rc;
    if ((rc = aiops_jdoc_str(d, al, "source", 0, &src)) < 0 ||
        (rc = aiops_jdoc_str(d, al, "owner", 0, &owner)) < 0 ||
        (rc = aiops_jdoc_str(d, al, "entity", 0, &entity)) < 0)
        return rc;
    const char *const kv[][2] = {{"priority", prio}, {"alias", alias}, {"source", src},
                                 {"owner", owner}, {"entity", entity}};
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
        if (kv[i][1] && *kv[i][1] && json_object_set_new(labels, kv[i][0], json_string(kv[i][1])))
            return aiops_jdoc_fail(d, AIOPS_ENOMEM, "out of memory");
    return og_tags(d, al, labels);
}

static int og_annotations(aiops_jdoc *d, json_t *al, json_t *ann)
{
    const char *desc = NULL;
    json_t *details = NULL;
    int rc;
    if ((rc = aiops_jdoc_str(d, al, "description", 0, &desc)) < 0 ||
        (rc = aiops_jdoc_strmap(d, al, "details", 0, &details)) < 0)
        return rc;
    if ((desc && *desc && json_object_set_new(ann, "description", json_string(desc))) ||
        (details && json_object_update(ann, details)))
        return aiops_jdoc_fail(d, AIOPS_ENOMEM, "out of memory");
    return 0;
}

static int og_alert(aiops_alert_list *l, json_t *al, aiops_record *rec)
{
    aiops_jdoc *d = &l->doc;
    aiops_alert a = {.source = "opsgenie"};
    const char *prio = NULL, *alias = NULL, *id = NULL;
    int rc;
    if (!json_is_object(al))
        return aiops_jdoc_fail(d, AIOPS_EPARSE, "expected an alert object, got %s",
                               aiops_jdoc_type(al));
    if ((rc = aiops_jdoc_str(d, al, "message", AIOPS_JDOC_REQUIRED, &a.name)) < 0 ||
        (rc = aiops_jdoc_time(d, al, "createdAt", AIOPS_JDOC_REQUIRED, &a.start)) < 0 ||
        (rc = og_status(d, al, &a)) < 0 ||
        (rc = aiops_jdoc_str(d, al, "priority", 0, &prio)) < 0 ||
        (rc = og_severity(d, prio, &a.severity)) < 0 ||
        (rc = aiops_jdoc_str(d, al, "alias", 0, &alias)) < 0 ||
        (rc = aiops_jdoc_str(d, al, "id", 0, &id)) < 0)
        return rc;
    json_t *labels = json_object(), *ann = json_object();
    rc = !labels || !ann ? AIOPS_ENOMEM : og_labels(d, al, prio, alias, labels);
    if (rc == 0 && (rc = og_annotations(d, al, ann)) == 0) {
        /* A service tag, else entity, else source (labels hold them only
         * when non-empty); alias is a de-duplication key, not a service. */
        a.service = aiops_alert_service(labels);
        if (!a.service)
            a.service = json_string_value(json_object_get(labels, "entity"));
        if (!a.service)
            a.service = json_string_value(json_object_get(labels, "source"));
        a.fingerprint = alias && *alias ? alias : id && *id ? id : NULL;
    }
    return aiops_alert_list_emit(l, &a, labels, ann, rc, rec);
}

/* A new document: a plain array of alerts, or "data" holding an array of
 * them or one alert. */
static int og_find(aiops_alert_list *l)
{
    aiops_jdoc *d = &l->doc;
    if (json_is_array(l->cur)) {
        l->alerts = l->cur;
        return 1;
    }
    json_t *data = json_object_get(l->cur, "data");
    l->keys[0] = "data";
    if (json_is_array(data) || json_is_object(data)) {
        l->alerts = data;
        l->single = json_is_object(data);
        return 1;
    }
    json_t *msg = json_object_get(l->cur, "message");
    if (!data && json_is_string(msg))   /* {"message":"...","took":..,"requestId":..} */
        return aiops_jdoc_fail(d, AIOPS_EPARSE, "the OpsGenie API returned an error: %.300s",
                               json_string_value(msg));
    if (!data)
        return aiops_jdoc_fail(d, AIOPS_EPARSE, "%s: an object with \"data\", or an array of alerts",
                               WHAT);
    aiops_jdoc_key(d, "data");
    int rc = aiops_jdoc_fail(d, AIOPS_EPARSE, "expected an array of alerts, got %s", aiops_jdoc_type(data));
    aiops_jdoc_pop(d);
    return rc;
}

static const aiops_alert_list_spec og_spec = {WHAT, og_find, og_alert, NULL};

static int og_open(void **state, aiops_parse_ctx *ctx, aiops_err *err)
{
    return aiops_alert_list_new(state, sizeof(aiops_alert_list), &og_spec, 0, ctx, err);
}

/* "tinyId" is OpsGenie's own; "alias"+"message" with "createdAt" too. */
static int og_keys(const char *head, size_t n, int depth)
{
    return aiops_jhead_key(head, n, depth, "tinyId") ||
           (aiops_jhead_key(head, n, depth, "alias") && aiops_jhead_key(head, n, depth, "message") &&
            aiops_jhead_key(head, n, depth, "createdAt"));
}

static int og_probe(const char *entry, const char *head, size_t n)
{
    (void)entry;
    size_t p = aiops_jhead_start(head, n);
    if (p >= n)
        return 0;
    if (head[p] == '[')
        return og_keys(head, n, 2) ? 92 : 0;
    if (head[p] != '{' || aiops_jhead_key(head, n, 1, "type") || !aiops_jhead_key(head, n, 1, "data"))
        return 0;
    return og_keys(head, n, 3) || og_keys(head, n, 2) ? 92 : 0;
}

const aiops_format aiops_fmt_opsgenie = {
    .name = "opsgenie",
    .desc = "OpsGenie alert API JSON (list responses, single alerts, plain arrays)",
    .ordered = 0,
    .probe = og_probe,
    .open = og_open,
    .next = aiops_alert_list_next,
    .close = aiops_alert_list_free,
};
