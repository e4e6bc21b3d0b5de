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

#include "formats/alerts/alert_tok.h"
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

/* --------------------------------------------------------- fast path
 *
 * Raw-text reads (aiops_parse_ctx.raw_text): a webhook payload or a
 * /api/v2/alerts array read from its tokens straight into record text,
 * no tree.  Anything this path does not read in am_alert's exact way (a
 * single alert object, a number or null where a string or time goes, a
 * value am_alert reports, a repeated member name anywhere, a tokenizer
 * error) gives up for the whole document, which is then read as a tree
 * as always: the same records and the same messages. */

#define BAIL AIOPS_TOK_BAIL

/* v2's status object after its '{': *suppressed, or BAIL. */
static int fast_v2_status(aiops_jpull *p, int *suppressed)
{
    aiops_atok_names names = { .n = 0 };
    int t, rc;
    while ((rc = aiops_atok_next(p, &names, (const char *const[]){"state", NULL}, &t)) == 1) {
        if (t == AIOPS_JT_NULL)
            continue;
        if (t != AIOPS_JT_STR)
            return BAIL;
        const char *s = aiops_jpull_text(p, NULL);
        *suppressed = strcmp(s, "suppressed") == 0;
        if (!*suppressed && strcmp(s, "active") && strcmp(s, "unprocessed"))
            return BAIL;
    }
    return rc ? BAIL : 0;
}

/* One alert after its '{', its record added to l's pending ones. */
static int fast_alert(aiops_alert_list *l, aiops_jpull *p, int v2)
{
    aiops_buf *str = &l->tmp[0], *labj = &l->tmp[1], *annj = &l->tmp[2], *out = &l->tmp[3];
    aiops_atok_names names = { .n = 0 };
    aiops_atok_map labels, ann;
    aiops_alert a = { .source = "alertmanager", .state = "firing" };
    size_t fp_off = 0, n;
    int have_labels = 0, have_ann = 0, have_start = 0, have_fp = 0, have_status = 0;
    int suppressed = 0, t;
    double end = 0;
    int have_end = 0;
    str->n = labj->n = annj->n = out->n = 0;
    static const char *const members[] = {"status", "labels", "annotations", "startsAt", "endsAt",
                                          "fingerprint", NULL};
    const char *k;
    int m;
    while ((m = aiops_atok_next(p, &names, members, &t)) > 0) {
        if (t == AIOPS_JT_NULL && (m == 3 || m == 5 || m == 6 || (m == 1 && v2)))
            continue;                     /* absent, as jdoc reads null */
        switch (m) {
        case 1:
            have_status = 1;
            if (v2) {
                if (t != AIOPS_JT_OBJ || fast_v2_status(p, &suppressed))
                    return BAIL;
                break;
            }
            if (t != AIOPS_JT_STR)
                return BAIL;
            k = aiops_jpull_text(p, &n);
            if (!strcmp(k, "resolved"))
                a.state = "resolved";
            else if (strcmp(k, "firing"))
                return BAIL;
            break;
        case 2:
        case 3:
            if (t != AIOPS_JT_OBJ ||
                aiops_atok_strmap(p, m == 2 ? &labels : &ann, m == 2 ? labj : annj, str))
                return BAIL;
            have_labels |= m == 2;
            have_ann |= m == 3;
            break;
        case 4:
            if (aiops_atok_time(p, t, &a.start))
                return BAIL;
            have_start = 1;
            break;
        case 5:
            if (aiops_atok_time(p, t, &end))
                return BAIL;
            have_end = 1;
            break;
        default:
            if (t != AIOPS_JT_STR)
                return BAIL;
            k = aiops_jpull_text(p, &n);
            fp_off = str->n;
            aiops_buf_put(str, k, n + 1);
            have_fp = 1;
            break;
        }
    }
    if (m < 0 || !have_labels || !have_start || (!v2 && !have_status) || str->oom)
        return BAIL;
    a.name = aiops_atok_get(&labels, str, "alertname", &n);
    if (!a.name || n == 0)
        return BAIL;
    if (!strcmp(a.state, "resolved")) {
        /* am_end: set, not Alertmanager's zero time, not before start */
        if (!have_end || end < -62135596800.0 + 1 || end < a.start)
            return BAIL;
        a.end = end;
        a.has_end = 1;
    }
    const char *service = aiops_atok_service(&labels, str);
    size_t sevn = 0;
    const char *severity = aiops_atok_get(&labels, str, "severity", &sevn);
    char fp[17], key[AIOPS_ALERT_KEY];
    const char *f = have_fp ? str->p + fp_off : fp;
    if (!have_fp)
        aiops_atok_fingerprint(&labels, str, fp);
    aiops_alert_seen_key(f, a.state, a.start, key);
    aiops_alert_text(out, &a, labj->p, labj->n, have_ann ? annj->p : NULL, annj->n, service,
                     severity && sevn ? severity : NULL, f);
    if (suppressed)
        aiops_buf_put(out, ",\"suppressed\":true", 18);
    if (out->oom)
        return AIOPS_ENOMEM;
    return aiops_alert_list_pend(l, a.has_end ? a.end : a.start, out, key);
}

/* A whole document: 0, BAIL, or <0. */
static int am_fast(aiops_alert_list *l, aiops_jpull *p)
{
    aiops_atok_names names = { .n = 0 };
    aiops_err e;
    int t = aiops_jpull_next(p, &e), v2 = t == AIOPS_JT_ARR, found = 0, rc;
    if (t != AIOPS_JT_OBJ && t != AIOPS_JT_ARR)
        return BAIL;
    if (v2) {
        while ((t = aiops_jpull_next(p, &e)) == AIOPS_JT_OBJ)
            if ((rc = fast_alert(l, p, 1)) != 0)
                return rc;
        return t == AIOPS_JT_ARR_END ? 0 : BAIL;
    }
    while ((rc = aiops_atok_next(p, &names, (const char *const[]){"alerts", NULL}, &t)) == 1) {
        if (t != AIOPS_JT_ARR)
            return BAIL;
        found = 1;
        while ((t = aiops_jpull_next(p, &e)) == AIOPS_JT_OBJ)
            if ((rc = fast_alert(l, p, 0)) != 0)
                return rc;
        if (t != AIOPS_JT_ARR_END)
            return BAIL;
    }
    return rc == 0 && found ? 0 : BAIL;
}

static const aiops_alert_list_spec am_spec = {WHAT, am_find, am_alert, am_fast};

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
