/* fmt_pagerduty.c - PagerDuty incidents and alerts as `alert` records:
 *
 *  - the incidents CSV export (web UI / Analytics): a header row, then one
 *    incident per row.  Columns are found by name, case, spaces and '_'
 *    ignored, with the common variants: id / incident id, incident_number
 *    / number, title / description / summary, status, urgency, priority,
 *    service_name / service, created_on / created_at / created, resolved_on
 *    / resolved_at / resolved, last_status_change_at, escalation_policy
 *    (_name), team(s) / team_names, html_url / url.  Quoted fields may
 *    hold commas and newlines (RFC 4180).  A missing status column is
 *    inferred from the resolved time.
 *  - REST API v2 JSON: {"incidents":[..]} (GET /incidents) and
 *    {"alerts":[..]} (GET /alerts, /incidents/{id}/alerts), a bare array of
 *    incidents, or several pages one after another / one per line.
 *  - REST API v2 log entries: {"log_entries":[..]} (GET /log_entries,
 *    /incidents/{id}/log_entries), pages as above (see log_entry()).
 *
 * Each incident or alert is one record, source "pagerduty": name = title
 * (alerts: summary), service = service name (service.summary), severity
 * = priority name if any, else urgency (alerts: their severity),
 * fingerprint = the PagerDuty id (alerts: alert_key if any), labels =
 * {status, urgency, priority, incident_number, escalation_policy, team,
 * incident_id} as far as present.  triggered/acknowledged = firing (ts =
 * created); resolved = one record with start and end (ts = end), end =
 * resolved_at, else last_status_change_at.
 *
 * Log entries: trigger_log_entry = firing (ts = start = created_at),
 * resolve_log_entry = resolved (ts = end = created_at, start = the
 * trigger's), fingerprint = incident id, name = incident title (or its
 * summary without "[#N] ", or channel.summary), service = service.summary,
 * severity = the included incident's priority, else urgency; labels =
 * {status, urgency, priority, incident_number, channel}, annotations =
 * {url, agent}.  Other entry types give no record.  Memory: one entry per
 * incident whose trigger or resolve is still to come.
 *
 * Exports are sorted by creation (often newest first) and resolved
 * records take their end time: `ordered = 0`. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "formats/alerts/alerts.h"
#include "common/array.h"
#include "common/jdoc.h"

#define WHAT "expected a PagerDuty incidents/alerts/log_entries JSON response"
#define MAX_FIELDS 512
#define MAX_RECORD ((size_t)16 << 20)

enum col {
    C_ID, C_NUMBER, C_TITLE, C_STATUS, C_URGENCY, C_PRIORITY, C_SERVICE, C_CREATED, C_RESOLVED,
    C_LASTCHANGE, C_POLICY, C_TEAM, C_URL, C__N
};

/* Normalized header names (lower case, no spaces, '_' or '-') per column. */
static const char *const col_names[C__N][6] = {
    [C_ID] = {"id", "incidentid", NULL},
    [C_NUMBER] = {"incidentnumber", "number", "#", NULL},
    [C_TITLE] = {"title", "description", "summary", "incidenttitle", "name", NULL},
    [C_STATUS] = {"status", "currentstatus", NULL},
    [C_URGENCY] = {"urgency", NULL},
    [C_PRIORITY] = {"priority", "priorityname", NULL},
    [C_SERVICE] = {"servicename", "service", NULL},
    [C_CREATED] = {"createdon", "createdat", "created", "triggeredat", NULL},
    [C_RESOLVED] = {"resolvedon", "resolvedat", "resolved", NULL},
    [C_LASTCHANGE] = {"laststatuschangeat", "laststatuschangeon", NULL},
    [C_POLICY] = {"escalationpolicyname", "escalationpolicy", NULL},
    [C_TEAM] = {"teamnames", "teams", "team", NULL},
    [C_URL] = {"htmlurl", "url", "link", NULL},
};

typedef struct pd_state {
    aiops_alert_list list;   /* JSON; first: the callbacks get &st->list */
    int csv;
    /* log entries: incident id -> its start (a real) while the resolve is
     * to come, or the resolved record's object while the trigger is */
    json_t *open;
    aiops_record held;       /* a resolved record to return next */
    /* CSV */
    int col[C__N];           /* field index of each column, -1 if absent */
    size_t ncols;
    char *rec;               /* the current record's text (may span lines) */
    size_t reclen, reccap;
    char *unq;               /* unquoted fields, NUL-separated */
    size_t unqcap;
    const char *fld[MAX_FIELDS];
    long line;               /* first line of the current record */
} pd_state;

/* ---------------------------------------------------- shared helpers */

/* "2024-01-02 03:04:05 -0800" -> without the space before the zone. */
static int pd_time(const char *s, double *out)
{
    size_t n = strlen(s);
    if (aiops_parse_time(s, n, out) == 0)
        return 0;
    char buf[64];
    if (n < 6 || n >= sizeof buf || s[n - 6] != ' ' || (s[n - 5] != '+' && s[n - 5] != '-'))
        return -1;
    memcpy(buf, s, n - 6);
    memcpy(buf + n - 6, s + n - 5, 5);
    return aiops_parse_time(buf, n - 1, out);
}

static int set_label(json_t *labels, const char *k, const char *v)
{
    if (!v || !*v)
        return 0;
    return json_object_set_new(labels, k, json_string(v)) ? AIOPS_ENOMEM : 0;
}

static int is_resolved(const char *status)
{
    return strcasecmp(status, "resolved") == 0;
}

static int known_status(const char *status)
{
    return is_resolved(status) || !strcasecmp(status, "triggered") ||
           !strcasecmp(status, "acknowledged");
}

/* ---------------------------------------------------------------- CSV */

static size_t norm_header(const char *s, char *out, size_t cap)
{
    size_t k = 0;
    for (; *s && k + 1 < cap; s++)
        if (*s != ' ' && *s != '_' && *s != '-' && *s != '"')
            out[k++] = (char)tolower((unsigned char)*s);
    out[k] = '\0';
    return k;
}

static int col_of(const char *norm)
{
    for (int c = 0; c < C__N; c++)
        for (int i = 0; col_names[c][i]; i++)
            if (strcmp(norm, col_names[c][i]) == 0)
                return c;
    return -1;
}

/* Quotes balanced: the record is complete. */
static int balanced(const char *s, size_t n)
{
    size_t q = 0;
    for (size_t i = 0; i < n; i++)
        q += s[i] == '"';
    return q % 2 == 0;
}

static int rec_append(pd_state *st, const char *s, size_t n, int nl, aiops_parse_ctx *ctx,
                      aiops_err *err)
{
    size_t need = st->reclen + n + 2;
    if (need > MAX_RECORD)
        return aiops_err_set(err, AIOPS_ELIMIT, aiops_stream_name(ctx->stream), st->line,
                             "CSV record longer than %zu bytes (an unclosed quote?)", MAX_RECORD);
    if (AIOPS_GROW(st->rec, st->reccap, need) || AIOPS_GROW(st->unq, st->unqcap, need))
        return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(ctx->stream), st->line,
                             "out of memory");
    if (nl)
        st->rec[st->reclen++] = '\n';
    memcpy(st->rec + st->reclen, s, n);
    st->reclen += n;
    st->rec[st->reclen] = '\0';
    return 0;
}

/* Next non-blank CSV record (lines joined while a quote is open).
 * 1 = st->rec, 0 = end. */
static int read_record(pd_state *st, aiops_parse_ctx *ctx, aiops_err *err)
{
    char *l;
    size_t n;
    int rc;
    st->reclen = 0;
    do {
        if ((rc = aiops_stream_getline(ctx->stream, &l, &n, err)) <= 0)
            return rc;
    } while (n == 0 || strspn(l, " \t") == n);
    st->line = aiops_stream_lineno(ctx->stream);
    if ((rc = rec_append(st, l, n, 0, ctx, err)))
        return rc;
    while (!balanced(st->rec, st->reclen)) {
        if ((rc = aiops_stream_getline(ctx->stream, &l, &n, err)) < 0)
            return rc;
        if (rc == 0)
            return aiops_err_set(err, AIOPS_EPARSE, aiops_stream_name(ctx->stream), st->line,
                                 "expected a closing '\"' before the end of the file");
        if ((rc = rec_append(st, l, n, 1, ctx, err)))
            return rc;
    }
    if (!aiops_utf8_valid(st->rec, st->reclen))
        return aiops_err_set(err, AIOPS_EPARSE, aiops_stream_name(ctx->stream), st->line,
                             "expected UTF-8 text, got invalid bytes");
    return 1;
}

/* Split st->rec into st->fld (unquoted copies in st->unq).  Returns the
 * field count or <0. */
static int split(pd_state *st, aiops_parse_ctx *ctx, aiops_err *err)
{
    const char *s = st->rec, *e = st->rec + st->reclen;
    char *o = st->unq;
    size_t nf = 0;
    for (;;) {
        if (nf == MAX_FIELDS)
            return aiops_err_set(err, AIOPS_ELIMIT, aiops_stream_name(ctx->stream), st->line,
                                 "more than %d CSV fields", MAX_FIELDS);
        st->fld[nf++] = o;
        if (s < e && *s == '"') {
            for (s++;; s++) {
                if (s < e && *s == '"' && s + 1 < e && s[1] == '"')
                    *o++ = *s++;
                else if (s >= e || *s == '"')
                    break;
                else
                    *o++ = *s;
            }
            s++;   /* past the closing quote (balanced() guarantees one) */
            if (s < e && *s != ',')
                return aiops_err_set(err, AIOPS_EPARSE, aiops_stream_name(ctx->stream), st->line,
                                     "expected ',' after a closing '\"' in field %zu, got '%c'", nf,
                                     *s);
        } else {
            while (s < e && *s != ',')
                *o++ = *s++;
        }
        *o++ = '\0';
        if (s >= e)
            return (int)nf;
        s++;   /* the comma */
    }
}

static int csv_header(pd_state *st, aiops_parse_ctx *ctx, aiops_err *err)
{
    int rc = read_record(st, ctx, err);
    if (rc <= 0)
        return rc;
    if (aiops_bom_len(st->rec, st->reclen)) {
        memmove(st->rec, st->rec + 3, st->reclen - 2);
        st->reclen -= 3;
    }
    int nf = split(st, ctx, err);
    if (nf < 0)
        return nf;
    for (int c = 0; c < C__N; c++)
        st->col[c] = -1;
    for (int i = 0; i < nf; i++) {
        char norm[64];
        norm_header(st->fld[i], norm, sizeof norm);
        int c = col_of(norm);
        if (c >= 0 && st->col[c] < 0)
            st->col[c] = i;
    }
    st->ncols = (size_t)nf;
    const char *name = aiops_stream_name(ctx->stream);
    if (st->col[C_CREATED] < 0 || st->col[C_TITLE] < 0 || (st->col[C_ID] < 0 && st->col[C_NUMBER] < 0))
        return aiops_err_set(err, AIOPS_EPARSE, name, st->line,
                             "expected a PagerDuty incidents CSV header with id (or "
                             "incident_number), title (or description) and created_on columns");
    return 1;
}

static const char *fld(const pd_state *st, int c)
{
    return st->col[c] >= 0 ? st->fld[st->col[c]] : "";
}

/* The end of a resolved incident: resolved, else last status change. */
static int csv_end(pd_state *st, aiops_alert *a, const char *file, aiops_err *err)
{
    static const int cols[] = {C_RESOLVED, C_LASTCHANGE};
    for (size_t i = 0; i < 2; i++) {
        const char *v = fld(st, cols[i]);
        if (!*v)
            continue;
        if (pd_time(v, &a->end))
            return aiops_err_set(err, AIOPS_EPARSE, file, st->line,
                                 "expected a time in column %zu, got '%.60s'",
                                 (size_t)st->col[cols[i]] + 1, v);
        a->has_end = 1;
        return 0;
    }
    return aiops_err_set(err, AIOPS_EPARSE, file, st->line,
                         "expected a resolved time for a resolved incident");
}

static int csv_alert(pd_state *st, aiops_record *rec, const char *file, aiops_err *err)
{
    aiops_alert a = {.source = "pagerduty"};
    const char *status = fld(st, C_STATUS), *created = fld(st, C_CREATED);
    if (st->col[C_STATUS] < 0)
        status = *fld(st, C_RESOLVED) ? "resolved" : "triggered";
    if (!known_status(status))
        return aiops_err_set(err, AIOPS_EPARSE, file, st->line,
                             "expected status triggered, acknowledged or resolved, got '%.40s'", status);
    if (pd_time(created, &a.start))
        return aiops_err_set(err, AIOPS_EPARSE, file, st->line,
                             "expected a created time in column %d, got '%.60s'",
                             st->col[C_CREATED] + 1, created);
    a.state = is_resolved(status) ? "resolved" : "firing";
    if (is_resolved(status) && csv_end(st, &a, file, err))
        return err->code;
    a.name = fld(st, C_TITLE);
    a.service = fld(st, C_SERVICE);
    a.severity = *fld(st, C_PRIORITY) ? fld(st, C_PRIORITY) : fld(st, C_URGENCY);
    a.fingerprint = *fld(st, C_ID) ? fld(st, C_ID) : *fld(st, C_NUMBER) ? fld(st, C_NUMBER) : NULL;
    json_t *labels = json_object(), *ann = json_object();
    int rc = !labels || !ann ? AIOPS_ENOMEM : 0;
    if (!rc)
        rc = set_label(labels, "status", status) || set_label(labels, "urgency", fld(st, C_URGENCY)) ||
             set_label(labels, "priority", fld(st, C_PRIORITY)) ||
             set_label(labels, "incident_number", fld(st, C_NUMBER)) ||
             set_label(labels, "escalation_policy", fld(st, C_POLICY)) ||
             set_label(labels, "team", fld(st, C_TEAM)) || set_label(ann, "url", fld(st, C_URL));
    a.labels = labels;
    a.annotations = ann;
    if (!rc)
        rc = aiops_alert_record(&a, rec, err);
    else
        aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    json_decref(labels);
    json_decref(ann);
    return rc ? aiops_err_locate(err, file, st->line) : 1;
}

static int csv_next(pd_state *st, aiops_parse_ctx *ctx, aiops_record *rec, aiops_err *err)
{
    const char *file = aiops_stream_name(ctx->stream);
    int rc = read_record(st, ctx, err);
    if (rc <= 0)
        return rc;
    int nf = split(st, ctx, err);
    if (nf < 0)
        return nf;
    if ((size_t)nf != st->ncols)
        return aiops_err_set(err, AIOPS_EPARSE, file, st->line,
                             "expected %zu fields (as the header), got %d", st->ncols, nf);
    return csv_alert(st, rec, file, err);
}

/* --------------------------------------------------------------- JSON */

/* obj.key.summary as a string, if present. */
static int summary_of(aiops_jdoc *d, json_t *obj, const char *key, const char **out)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_object(v)) {
        aiops_jdoc_key(d, key);
        int rc = aiops_jdoc_fail(d, AIOPS_EPARSE, "expected an object with \"summary\", got %s",
                                 aiops_jdoc_type(v));
        aiops_jdoc_pop(d);
        return rc;
    }
    aiops_jdoc_key(d, key);
    int rc = aiops_jdoc_str(d, v, "summary", 0, out);
    aiops_jdoc_pop(d);
    return rc;
}

/* incident_number is a number in the API; CSV-like strings pass too. */
static int number_text(aiops_jdoc *d, json_t *o, char *buf, size_t n)
{
    json_t *v = json_object_get(o, "incident_number");
    buf[0] = '\0';
    if (!v || json_is_null(v))
        return 0;
    if (json_is_integer(v))
        snprintf(buf, n, "%lld", (long long)json_integer_value(v));
    else if (json_is_string(v))
        snprintf(buf, n, "%s", json_string_value(v));
    else {
        aiops_jdoc_key(d, "incident_number");
        int rc = aiops_jdoc_fail(d, AIOPS_EPARSE, "expected an integer, got %s", aiops_jdoc_type(v));
        aiops_jdoc_pop(d);
        return rc;
    }
    return 1;
}

static int json_status(aiops_jdoc *d, json_t *o, aiops_alert *a, const char **status)
{
    int rc = aiops_jdoc_str(d, o, "status", AIOPS_JDOC_REQUIRED, status);
    if (rc < 0)
        return rc;
    if (!known_status(*status)) {
        aiops_jdoc_key(d, "status");
        rc = aiops_jdoc_fail(d, AIOPS_EPARSE,
                             "expected \"triggered\", \"acknowledged\" or \"resolved\", got '%.40s'",
                             *status);
        aiops_jdoc_pop(d);
        return rc;
    }
    a->state = is_resolved(*status) ? "resolved" : "firing";
    if (!is_resolved(*status))
        return 0;
    if ((rc = aiops_jdoc_time(d, o, "resolved_at", 0, &a->end)) == 0)
        rc = aiops_jdoc_time(d, o, "last_status_change_at", 0, &a->end);
    if (rc == 0)
        return aiops_jdoc_fail(d, AIOPS_EPARSE,
                               "expected \"resolved_at\" or \"last_status_change_at\" when resolved");
    a->has_end = rc > 0;
    return rc < 0 ? rc : 0;
}

/* -------------------------------------------------------- log entries */

/* An incident reference's summary is "[#1234] title": the number and
 * the title.  Other text is the title as it is. */
static const char *split_number(const char *s, char *num, size_t n)
{
    size_t k = 2;
    num[0] = '\0';
    if (s[0] != '[' || s[1] != '#')
        return s;
    while (isdigit((unsigned char)s[k]))
        k++;
    if (k == 2 || s[k] != ']' || k - 2 >= n || !s[k + 1 + strspn(s + k + 1, " ")])
        return s;
    memcpy(num, s + 2, k - 2);
    num[k - 2] = '\0';
    return s + k + 1 + strspn(s + k + 1, " ");
}

/* What a log entry says of its incident: the reference {id, summary,
 * html_url}, or the whole incident with include[]=incidents. */
typedef struct pd_incident {
    const char *id, *name, *url, *urgency, *prio, *service;
    char num[32];
    double created;
    int has_created;
} pd_incident;

static int log_incident(aiops_jdoc *d, json_t *o, pd_incident *in)
{
    json_t *inc;
    const char *summary = NULL;
    int rc = aiops_jdoc_obj(d, o, "incident", AIOPS_JDOC_REQUIRED, &inc);
    if (rc < 0)
        return rc;
    aiops_jdoc_key(d, "incident");
    if ((rc = aiops_jdoc_str(d, inc, "id", AIOPS_JDOC_REQUIRED, &in->id)) < 0 ||
        (rc = aiops_jdoc_str(d, inc, "title", 0, &in->name)) < 0 ||
        (rc = aiops_jdoc_str(d, inc, "summary", 0, &summary)) < 0 ||
        (rc = aiops_jdoc_str(d, inc, "html_url", 0, &in->url)) < 0 ||
        (rc = aiops_jdoc_str(d, inc, "urgency", 0, &in->urgency)) < 0 ||
        (rc = summary_of(d, inc, "priority", &in->prio)) < 0 ||
        (rc = summary_of(d, inc, "service", &in->service)) < 0 ||
        (rc = number_text(d, inc, in->num, sizeof in->num)) < 0 ||
        (rc = aiops_jdoc_time(d, inc, "created_at", 0, &in->created)) < 0)
        return rc;
    in->has_created = rc > 0;
    aiops_jdoc_pop(d);
    char num[32];
    if (summary && *summary) {
        const char *title = split_number(summary, num, sizeof num);
        if (!in->name || !*in->name)
            in->name = title;
        if (!in->num[0])
            memcpy(in->num, num, sizeof num);
    }
    return 0;
}

/* The resolved record held for id (the trigger came after it) gets its
 * start and is returned next. */
static int release_held(pd_state *st, const char *id, double start)
{
    json_t *obj = json_object_get(st->open, id);
    if (!json_is_object(obj))
        return 0;
    json_incref(obj);
    json_object_del(st->open, id);
    if (json_object_set_new(obj, "start", json_real(start))) {
        json_decref(obj);
        return aiops_jdoc_fail(&st->list.doc, AIOPS_ENOMEM, "out of memory");
    }
    st->held.type = AIOPS_R_ALERT;
    st->held.ts = json_real_value(json_object_get(obj, "end"));
    st->held.obj = obj;
    return 0;
}

/* One log entry ({"log_entries":[..]}).  A trigger is a firing record and
 * a resolve a resolved one, both with the incident id as fingerprint; the
 * resolve's start is the trigger's time, so a resolve read before its
 * trigger (newest first) is held until the trigger comes, and dropped if
 * it never does.  Other entries (acknowledge, annotate, notify, assign,
 * escalate, ...) change who works on the incident, not whether it fires:
 * no record. */
static int log_entry(pd_state *st, json_t *o, aiops_record *rec)
{
    aiops_alert_list *l = &st->list;
    aiops_jdoc *d = &l->doc;
    aiops_alert a = {.source = "pagerduty"};
    pd_incident in = {0};
    const char *type, *channel = NULL, *chsum = NULL, *summary = NULL, *agent = NULL;
    json_t *ch = NULL;
    double at;
    int rc;
    if (!json_is_object(o))
        return aiops_jdoc_fail(d, AIOPS_EPARSE, "expected a log entry object, got %s",
                               aiops_jdoc_type(o));
    if ((rc = aiops_jdoc_str(d, o, "type", AIOPS_JDOC_REQUIRED, &type)) < 0)
        return rc;
    int trigger = strcmp(type, "trigger_log_entry") == 0;
    if (!trigger && strcmp(type, "resolve_log_entry") != 0)
        return 0;
    if ((rc = aiops_jdoc_time(d, o, "created_at", AIOPS_JDOC_REQUIRED, &at)) < 0 ||
        (rc = log_incident(d, o, &in)) < 0 || (rc = summary_of(d, o, "service", &a.service)) < 0 ||
        (rc = summary_of(d, o, "agent", &agent)) < 0 ||
        (rc = aiops_jdoc_str(d, o, "summary", 0, &summary)) < 0 ||
        (rc = aiops_jdoc_obj(d, o, "channel", 0, &ch)) < 0)
        return rc;
    if (ch) {
        aiops_jdoc_key(d, "channel");
        if ((rc = aiops_jdoc_str(d, ch, "type", 0, &channel)) < 0 ||
            (rc = aiops_jdoc_str(d, ch, "summary", 0, &chsum)) < 0)
            return rc;
        aiops_jdoc_pop(d);
    }
    a.name = in.name && *in.name ? in.name : chsum && *chsum ? chsum : summary;
    if (!a.name || !*a.name)
        return aiops_jdoc_fail(d, AIOPS_EPARSE,
                               "expected a name: incident.summary, channel.summary or summary");
    a.service = a.service ? a.service : in.service;
    a.severity = in.prio && *in.prio ? in.prio : in.urgency;
    a.fingerprint = in.id;
    a.state = trigger ? "firing" : "resolved";
    a.start = in.has_created ? in.created : at;
    json_t *known = json_object_get(st->open, in.id);
    if (!trigger) {
        a.end = at;
        a.has_end = 1;
        if (!in.has_created && json_is_real(known))
            a.start = json_real_value(known);
    }
    int hold = !trigger && !in.has_created && !json_is_real(known);
    json_t *labels = json_object(), *ann = json_object();
    int oom = !labels || !ann || set_label(labels, "status", trigger ? "triggered" : "resolved") ||
              set_label(labels, "urgency", in.urgency) || set_label(labels, "priority", in.prio) ||
              set_label(labels, "incident_number", in.num) || set_label(labels, "channel", channel) ||
              set_label(ann, "url", in.url) || set_label(ann, "agent", agent);
    aiops_record r = {0};
    rc = aiops_alert_list_emit(l, &a, labels, ann, oom ? AIOPS_ENOMEM : 0, hold ? &r : rec);
    if (rc <= 0)
        return rc;
    if (hold) {
        /* the object now in the map replaces (frees) an older one */
        if (json_object_set_new(st->open, in.id, r.obj))
            return aiops_jdoc_fail(d, AIOPS_ENOMEM, "out of memory");
        return 0;
    }
    if (!trigger) {
        json_object_del(st->open, in.id);
    } else if (json_is_object(known)) {
        rc = release_held(st, in.id, a.start);
    } else if (!in.has_created && json_object_set_new(st->open, in.id, json_real(a.start))) {
        rc = aiops_jdoc_fail(d, AIOPS_ENOMEM, "out of memory");
    }
    if (rc < 0) {
        aiops_record_clear(rec);
        return rc;
    }
    return 1;
}

/* One incident ({"incidents":[..]}, or a bare array) or alert
 * ({"alerts":[..]}). */
static int json_alert(aiops_alert_list *l, json_t *o, aiops_record *rec)
{
    aiops_jdoc *d = &l->doc;
    if (l->keys[0] && strcmp(l->keys[0], "log_entries") == 0)
        return log_entry((pd_state *)l, o, rec);
    int is_alert = l->keys[0] && strcmp(l->keys[0], "alerts") == 0;
    aiops_alert a = {.source = "pagerduty"};
    const char *status = NULL, *id = NULL, *key = NULL, *urgency = NULL, *prio = NULL,
               *policy = NULL, *url = NULL, *incident = NULL;
    char num[32];
    int rc;
    if (!json_is_object(o))
        return aiops_jdoc_fail(d, AIOPS_EPARSE, "expected an %s object, got %s",
                               is_alert ? "alert" : "incident", aiops_jdoc_type(o));
    if ((rc = aiops_jdoc_str(d, o, is_alert ? "summary" : "title", AIOPS_JDOC_REQUIRED, &a.name)) < 0 ||
        (rc = aiops_jdoc_time(d, o, "created_at", AIOPS_JDOC_REQUIRED, &a.start)) < 0 ||
        (rc = json_status(d, o, &a, &status)) < 0 ||
        (rc = aiops_jdoc_str(d, o, "id", 0, &id)) < 0 ||
        (rc = summary_of(d, o, "service", &a.service)) < 0 ||
        (rc = aiops_jdoc_str(d, o, "html_url", 0, &url)) < 0)
        return rc;
    if (is_alert) {
        if ((rc = aiops_jdoc_str(d, o, "severity", 0, &a.severity)) < 0 ||
            (rc = aiops_jdoc_str(d, o, "alert_key", 0, &key)) < 0)
            return rc;
        json_t *inc = json_object_get(o, "incident");
        if (json_is_object(inc) && json_is_string(json_object_get(inc, "id")))
            incident = json_string_value(json_object_get(inc, "id"));
        num[0] = '\0';
    } else if ((rc = aiops_jdoc_str(d, o, "urgency", 0, &urgency)) < 0 ||
               (rc = summary_of(d, o, "priority", &prio)) < 0 ||
               (rc = summary_of(d, o, "escalation_policy", &policy)) < 0 ||
               (rc = number_text(d, o, num, sizeof num)) < 0) {
        return rc;
    }
    a.severity = a.severity ? a.severity : prio && *prio ? prio : urgency;
    a.fingerprint = key && *key ? key : id && *id ? id : NULL;
    json_t *labels = json_object(), *ann = json_object();
    int oom = !labels || !ann || set_label(labels, "status", status) ||
              set_label(labels, "urgency", urgency) || set_label(labels, "priority", prio) ||
              set_label(labels, "incident_number", num) ||
              set_label(labels, "escalation_policy", policy) ||
              set_label(labels, "incident_id", incident) || set_label(ann, "url", url);
    return aiops_alert_list_emit(l, &a, labels, ann, oom ? AIOPS_ENOMEM : 0, rec);
}

/* A new document: {"incidents":[..]}, {"alerts":[..]} or a bare array. */
static int json_find(aiops_alert_list *l)
{
    aiops_jdoc *d = &l->doc;
    int rc;
    if (json_is_array(l->cur)) {
        l->alerts = l->cur;
        return 1;
    }
    if (!json_is_object(l->cur))
        return aiops_jdoc_fail(d, AIOPS_EPARSE, "%s, got %s", WHAT, aiops_jdoc_type(l->cur));
    json_t *e = json_object_get(l->cur, "error");
    if (json_is_object(e)) {
        json_t *m = json_object_get(e, "message");
        aiops_jdoc_key(d, "error");
        long line = aiops_jdoc_line(d);
        aiops_jdoc_pop(d);
        return aiops_err_set(d->err, AIOPS_EPARSE, d->file, line,
                             "the PagerDuty API returned an error: %.300s",
                             json_is_string(m) ? json_string_value(m) : "no message");
    }
    static const char *const keys[] = {"incidents", "alerts", "log_entries"};
    for (size_t i = 0; i < 3; i++) {
        json_t *v = json_object_get(l->cur, keys[i]);
        if (!v)
            continue;
        l->keys[0] = keys[i];
        pd_state *st = (pd_state *)l;
        if (i == 2 && !st->open && !(st->open = json_object()))
            return aiops_jdoc_fail(d, AIOPS_ENOMEM, "out of memory");
        if (json_is_array(v)) {
            l->alerts = v;
            return 1;
        }
        aiops_jdoc_key(d, keys[i]);
        rc = aiops_jdoc_fail(d, AIOPS_EPARSE, "expected an array, got %s", aiops_jdoc_type(v));
        aiops_jdoc_pop(d);
        return rc;
    }
    return aiops_jdoc_fail(d, AIOPS_EPARSE,
                           "%s: an object with \"incidents\", \"alerts\" or \"log_entries\"", WHAT);
}

static const aiops_alert_list_spec pd_json = {WHAT, json_find, json_alert, NULL};

/* ---------------------------------------------------------- interface */

static void pd_close(void *state)
{
    pd_state *st = state;
    if (!st)
        return;
    free(st->rec);
    free(st->unq);
    json_decref(st->open);
    aiops_record_clear(&st->held);
    aiops_alert_list_close(&st->list);
    free(st);
}

static int pd_open(void **state, aiops_parse_ctx *ctx, aiops_err *err)
{
    const char *head;
    size_t n;
    *state = NULL;
    pd_state *st = calloc(1, sizeof *st);
    if (!st)
        return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(ctx->stream), 0, "out of memory");
    int rc = aiops_stream_peek(ctx->stream, &head, &n, err);
    size_t p = rc ? 0 : aiops_jhead_start(head, n);
    st->csv = !rc && p < n && head[p] != '{' && head[p] != '[';
    if (!rc && st->csv) {
        rc = csv_header(st, ctx, err);
        rc = rc < 0 ? rc : 0;
    } else if (!rc) {
        rc = aiops_alert_list_open(&st->list, &pd_json, 0, ctx, err);
    }
    if (rc) {
        pd_close(st);
        return rc;
    }
    *state = st;
    return 0;
}

static int pd_next(void *state, aiops_parse_ctx *ctx, aiops_record *rec, aiops_err *err)
{
    pd_state *st = state;
    if (st->csv)
        return st->ncols ? csv_next(st, ctx, rec, err) : 0;
    if (st->held.obj) {
        *rec = st->held;
        memset(&st->held, 0, sizeof st->held);
        return 1;
    }
    return aiops_alert_list_next(&st->list, ctx, rec, err);
}

/* The CSV header names an incident number or urgency and a created time. */
static int csv_probe(const char *head, size_t n)
{
    const char *nl = memchr(head, '\n', n);
    size_t len = nl ? (size_t)(nl - head) : n, i = 0;
    int number = 0, created = 0, title = 0;
    i = aiops_bom_len(head, len);
    if (memchr(head, '\t', len) || memchr(head, '\0', len))
        return 0;
    while (i < len) {
        size_t j = i;
        while (j < len && head[j] != ',')
            j++;
        char raw[64], norm[64];
        size_t k = j - i < sizeof raw ? j - i : sizeof raw - 1;
        memcpy(raw, head + i, k);
        raw[k] = '\0';
        norm_header(raw, norm, sizeof norm);
        int c = col_of(norm);
        number |= c == C_NUMBER || c == C_URGENCY;
        created |= c == C_CREATED;
        title |= c == C_TITLE;
        i = j + 1;
    }
    return number && created && title ? 97 : 0;
}

static int pd_probe(const char *entry, const char *head, size_t n)
{
    (void)entry;
    size_t p = aiops_jhead_start(head, n);
    if (p >= n)
        return 0;
    if (head[p] == '[')
        return aiops_jhead_key(head, n, 2, "incident_number") ? 90 : 0;
    if (head[p] != '{')
        return csv_probe(head, n);
    if (aiops_jhead_key(head, n, 1, "type"))
        return 0;
    if (aiops_jhead_key(head, n, 1, "incidents") || aiops_jhead_key(head, n, 1, "log_entries"))
        return 92;
    if (aiops_jhead_key(head, n, 1, "alerts") && aiops_jhead_key(head, n, 3, "created_at") &&
        !aiops_jhead_key(head, n, 3, "startsAt") && !aiops_jhead_key(head, n, 3, "activeAt"))
        return 92;
    return 0;
}

const aiops_format aiops_fmt_pagerduty = {
    .name = "pagerduty",
    .desc = "PagerDuty incidents CSV export and REST API incidents/alerts JSON",
    .ordered = 0,
    .probe = pd_probe,
    .open = pd_open,
    .next = pd_next,
    .close = pd_close,
};
