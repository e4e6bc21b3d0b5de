/* fmt_alertmanager.c - Alertmanager alerts as `alert` records:
 *
 *  - webhook payloads (version 4): {"receiver":..,"status":..,"alerts":[
 *    {"status":"firing"|"resolved","labels":{..},"annotations":{..},
 *     "startsAt":..,"endsAt":..,"fingerprint":..,"generatorURL":..}],..};
 *    one payload per file, one per line (as webhook receivers log them),
 *    or pretty-printed payloads one after another;
 *  - /api/v2/alerts dumps: a JSON array of {"labels","annotations",
 *    "startsAt","endsAt","fingerprint","status":{"state":"active"|
 *    "suppressed"|"unprocessed"}}: every one is firing (the API only lists
 *    alerts that have not resolved); suppressed ones get "suppressed":true.
 *  - single alert objects, one per document: an element of a webhook's
 *    alerts[] (as alert-to-Kafka bridges publish them, one per message)
 *    or of /api/v2/alerts (its "status" an object).
 *
 * A firing alert has no end yet: its endsAt is Alertmanager's zero time
 * (0001-01-01) or the time it would time out, so it is not used.  A
 * resolved alert yields one record with start and end (ts = end).
 * Alertmanager repeats notifications (repeat_interval, group changes), so
 * the same alert state (fingerprint, state, start) is reported once.
 *
 * ts = start for firing alerts, so a log of notifications is not in time
 * order (a repeat of an old alert comes late): `ordered = 0`. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/alerts/alerts.h"
#include "common/jdoc.h"

#define WHAT "expected an Alertmanager webhook payload or /api/v2/alerts array"

typedef struct am_state {
    aiops_alert_list list;   /* first: the callbacks get &st->list */
    int v2;                  /* list.cur is a /api/v2/alerts array */
} am_state;

/* ------------------------------------------------------------ alerts */

/* Alertmanager's zero time.Time (0001-01-01T00:00:00Z) means "no end". */
static int is_zero_time(double t)
{
    return t < -62135596800.0 + 1;
}

static int am_status(am_state *st, json_t *al, const char **state, int *suppressed)
{
    aiops_jdoc *d = &st->list.doc;
    int rc;
    if (!st->v2) {
        if ((rc = aiops_jdoc_str(d, al, "status", AIOPS_JDOC_REQUIRED, state)) < 0)
            return rc;
        if (strcmp(*state, "firing") && strcmp(*state, "resolved")) {
            aiops_jdoc_key(d, "status");
            rc = aiops_jdoc_fail(d, AIOPS_EPARSE, "expected \"firing\" or \"resolved\", got '%.40s'",
                                 *state);
            aiops_jdoc_pop(d);
            return rc;
        }
        return 0;
    }
    /* v2: {"state":"active"|"suppressed"|"unprocessed", ...} */
    json_t *so = json_object_get(al, "status");
    const char *s = "active";
    *state = "firing";
    if (!so || json_is_null(so))
        return 0;
    if (!json_is_object(so)) {
        aiops_jdoc_key(d, "status");
        rc = aiops_jdoc_fail(d, AIOPS_EPARSE, "expected an object with \"state\", got %s",
                             aiops_jdoc_type(so));
        aiops_jdoc_pop(d);
        return rc;
    }
    aiops_jdoc_key(d, "status");
    rc = aiops_jdoc_str(d, so, "state", 0, &s);
    if (rc >= 0 && strcmp(s, "active") && strcmp(s, "suppressed") && strcmp(s, "unprocessed")) {
        aiops_jdoc_key(d, "state");
        rc = aiops_jdoc_fail(d, AIOPS_EPARSE,
                             "expected \"active\", \"suppressed\" or \"unprocessed\", got '%.40s'", s);
        aiops_jdoc_pop(d);
    }
    aiops_jdoc_pop(d);
    *suppressed = strcmp(s, "suppressed") == 0;
    return rc < 0 ? rc : 0;
}

/* The alert's end: required and not before start when resolved. */
static int am_end(aiops_jdoc *d, json_t *al, aiops_alert *a)
{
    double end = 0;
    int rc = aiops_jdoc_time(d, al, "endsAt", 0, &end);
    if (rc < 0 || strcmp(a->state, "resolved"))
        return rc < 0 ? rc : 0;
    if (rc == 0 || is_zero_time(end))
        return aiops_jdoc_fail(d, AIOPS_EPARSE, "expected \"endsAt\" to be set on a resolved alert");
    if (end < a->start) {
        aiops_jdoc_key(d, "endsAt");
        rc = aiops_jdoc_fail(d, AIOPS_EPARSE, "expected \"endsAt\" not before \"startsAt\"");
        aiops_jdoc_pop(d);
        return rc;
    }
    a->end = end;
    a->has_end = 1;
    return 0;
}

/* 1 = rec filled, 0 = a repeat of a state already reported, <0 error. */
static int am_alert(aiops_alert_list *l, json_t *al, aiops_record *rec)
{
    am_state *st = (am_state *)l;
    aiops_jdoc *d = &l->doc;
    aiops_alert a = {.source = "alertmanager"};
    json_t *labels = NULL, *ann = NULL;
    int suppressed = 0, rc;

    if (!json_is_object(al))
        return aiops_jdoc_fail(d, AIOPS_EPARSE, "expected an alert object, got %s",
                               aiops_jdoc_type(al));
    if ((rc = am_status(st, al, &a.state, &suppressed)) < 0 ||
        (rc = aiops_jdoc_strmap(d, al, "labels", AIOPS_JDOC_REQUIRED, &labels)) < 0 ||
        (rc = aiops_alert_list_name(l, labels, &a.name)) < 0 ||
        (rc = aiops_jdoc_strmap(d, al, "annotations", 0, &ann)) < 0 ||
        (rc = aiops_jdoc_time(d, al, "startsAt", AIOPS_JDOC_REQUIRED, &a.start)) < 0 ||
        (rc = am_end(d, al, &a)) < 0 ||
        (rc = aiops_jdoc_str(d, al, "fingerprint", 0, &a.fingerprint)) < 0)
        return rc;
    a.labels = labels;
    a.annotations = ann;
    if ((rc = aiops_alert_list_record(l, &a, rec)) <= 0)
        return rc;
    if (suppressed && json_object_set_new(rec->obj, "suppressed", json_true())) {
        aiops_record_clear(rec);
        return aiops_jdoc_fail(d, AIOPS_ENOMEM, "out of memory");
    }
    return 1;
}

/* ---------------------------------------------------------- documents */

/* A new payload (or v2 array): where its alerts are. */
static int am_find(aiops_alert_list *l)
{
    am_state *st = (am_state *)l;
    st->v2 = json_is_array(l->cur);
    if (st->v2) {
        l->alerts = l->cur;
        return 1;
    }
    json_t *al = json_object_get(l->cur, "alerts");
    if (!al && json_is_object(l->cur) && json_object_get(l->cur, "labels") &&
        json_object_get(l->cur, "startsAt")) {
        /* One alert object: an element of a webhook's alerts[] (what
         * alert-to-Kafka bridges publish), or of /api/v2/alerts (status
         * an object). */
        st->v2 = json_is_object(json_object_get(l->cur, "status"));
        l->alerts = l->cur;
        l->single = 1;
        return 1;
    }
    l->keys[0] = "alerts";
    if (json_is_array(al)) {
        l->alerts = al;
        return 1;
    }
    if (al) {
        aiops_jdoc_key(&l->doc, "alerts");
        int rc = aiops_jdoc_fail(&l->doc, AIOPS_EPARSE, "expected an array of alerts, got %s",
                                 aiops_jdoc_type(al));
        aiops_jdoc_pop(&l->doc);
        return rc;
    }
    return aiops_jdoc_fail(&l->doc, AIOPS_EPARSE,
                           "%s: an object with \"alerts\", or an array of alerts", WHAT);
}

static const aiops_alert_list_spec am_spec = {WHAT, am_find, am_alert};

static int am_open(void **state, aiops_parse_ctx *ctx, aiops_err *err)
{
    return aiops_alert_list_new(state, sizeof(am_state), &am_spec, 1, ctx, err);
}

/* ------------------------------------------------------------- probe */

static int am_probe(const char *entry, const char *head, size_t n)
{
    (void)entry;
    size_t p = aiops_jhead_start(head, n);
    if (p >= n)
        return 0;
    if (head[p] == '[')   /* /api/v2/alerts: [{"labels":..,"startsAt":..},..] */
        return aiops_jhead_key(head, n, 2, "startsAt") && aiops_jhead_key(head, n, 2, "labels")
                   ? 95 : 0;
    if (head[p] != '{' || aiops_jhead_key(head, n, 1, "type"))
        return 0;
    if (!aiops_jhead_key(head, n, 1, "alerts"))   /* one alert object */
        return aiops_jhead_key(head, n, 1, "startsAt") && aiops_jhead_key(head, n, 1, "labels")
                   ? 95 : 0;
    if (aiops_jhead_key(head, n, 1, "receiver") || aiops_jhead_key(head, n, 1, "groupKey") ||
        aiops_jhead_key(head, n, 3, "startsAt"))
        return 95;
    return 0;
}

const aiops_format aiops_fmt_alertmanager = {
    .name = "alertmanager",
    .desc = "Alertmanager webhook payloads (one, or one per line) and /api/v2/alerts dumps",
    .ordered = 0,
    .probe = am_probe,
    .open = am_open,
    .next = aiops_alert_list_next,
    .close = aiops_alert_list_free,
};
