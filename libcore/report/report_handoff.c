/* report_handoff.c - hand-off payloads, one JSON document per incident:
 * PagerDuty Events API v2, Opsgenie Alert API, Slack Block Kit,
 * ServiceNow Table API (incident), Alertmanager API v2 (alerts), Grafana
 * annotations.  Field names, sizes and enumerations follow each vendor's
 * API documentation (tests/schemas/ cites it and checks every payload).
 * Text from the input is JSON-escaped by the printer; Slack mrkdwn also
 * gets its own escapes (& < >); text is cut at the vendors' limits on a
 * UTF-8 character boundary. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_impl.h"

/* The PagerDuty routing key is the integration's secret: a placeholder of
 * its 32 characters, replaced when posting (docs/INTEGRATIONS.md). */
#define RP_PD_KEY "AIOPS_REPLACE_WITH_ROUTING_KEY__"

/* s cut to at most max bytes on a character boundary, "..." marking a cut. */
static json_t *jcut(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return json_string(s);
    size_t k = max - 3;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    char *t = malloc(k + 4);
    if (!t)
        return NULL;
    memcpy(t, s, k);
    memcpy(t + k, "...", 4);
    json_t *j = json_string(t);
    free(t);
    return j;
}

static json_t *jtime(double t)
{
    char b[48];
    aiops_fmt_time(t, b);
    return json_string(b);
}

static void summary_of(const aiops_report *r, const rp_inc *in, aiops_buf *b)
{
    const char *t = rp_str(in->summary, "text");
    if (t)
        aiops_buf_str(b, t);
    else
        rp_summary_text(r, in, b);
}

static void title_of(const rp_inc *in, aiops_buf *b)
{
    aiops_buf_printf(b, "[%s] %s: %s", in->severity, in->id, in->title ? in->title : "incident");
    if (in->root)
        aiops_buf_printf(b, " (root cause: %s)", in->root);
}

static const char *main_service(const rp_inc *in)
{
    return in->root ? in->root : in->nown ? in->svc[0] : "unknown";
}

static json_t *services_json(const rp_inc *in)
{
    json_t *a = json_array();
    for (size_t i = 0; i < in->nown; i++)
        json_array_append_new(a, json_string(in->svc[i]));
    return a;
}

static json_t *details(const rp_inc *in)
{
    json_t *d = json_object();
    json_object_set_new(d, "incident", json_string(in->id));
    json_object_set_new(d, "start", jtime(in->start));
    if (!isnan(in->end))
        json_object_set_new(d, "end", jtime(in->end));
    if (!isnan(in->first_anom))
        json_object_set_new(d, "first_detection", jtime(in->first_anom));
    if (!isnan(in->first_alert))
        json_object_set_new(d, "first_alert", jtime(in->first_alert));
    if (in->root)
        json_object_set_new(d, "root_cause", json_string(in->root));
    if (in->kind)
        json_object_set_new(d, "kind", json_string(in->kind));
    return d;
}

static json_t *pagerduty(const aiops_report *r, const rp_inc *in, int resolve)
{
    json_t *o = json_object();
    aiops_buf b = {0};
    json_object_set_new(o, "routing_key", json_string(RP_PD_KEY));
    json_object_set_new(o, "event_action", json_string(resolve ? "resolve" : "trigger"));
    aiops_buf_printf(&b, "aiops-%.200s", in->id);
    json_object_set_new(o, "dedup_key", json_string(b.p));
    b.n = 0;
    if (!resolve) {
        json_t *p = json_object();
        title_of(in, &b);
        json_object_set_new(p, "summary", jcut(b.p, 1024));
        json_object_set_new(p, "source", jcut(main_service(in), 255));
        json_object_set_new(p, "severity", json_string(in->severity));
        json_object_set_new(p, "timestamp", jtime(in->start));
        if (in->root)
            json_object_set_new(p, "component", json_string(in->root));
        if (in->kind)
            json_object_set_new(p, "class", json_string(in->kind));
        json_t *d = details(in);
        json_object_set_new(d, "services", services_json(in));
        b.n = 0;
        summary_of(r, in, &b);
        json_object_set_new(d, "summary", json_string(b.p));
        json_object_set_new(p, "custom_details", d);
        json_object_set_new(o, "payload", p);
        json_object_set_new(o, "client", json_string("aiops-report"));
    }
    aiops_buf_free(&b);
    return o;
}

static json_t *opsgenie(const aiops_report *r, const rp_inc *in)
{
    json_t *o = json_object();
    aiops_buf b = {0};
    title_of(in, &b);
    json_object_set_new(o, "message", jcut(b.p, 130));
    b.n = 0;
    aiops_buf_printf(&b, "aiops-%.200s", in->id);
    json_object_set_new(o, "alias", json_string(b.p));
    b.n = 0;
    summary_of(r, in, &b);
    json_object_set_new(o, "description", jcut(b.p, 15000));
    json_t *tags = json_array();
    json_array_append_new(tags, json_string("aiops"));
    json_array_append_new(tags, json_string(in->severity));
    if (in->kind)
        json_array_append_new(tags, jcut(in->kind, 50));
    for (size_t i = 0; i < in->nown && json_array_size(tags) < 20; i++)
        json_array_append_new(tags, jcut(in->svc[i], 50));
    json_object_set_new(o, "tags", tags);
    json_t *d = details(in);   /* strings only */
    b.n = 0;
    for (size_t i = 0; i < in->nown; i++)
        aiops_buf_printf(&b, "%s%s", i ? ", " : "", in->svc[i]);
    json_object_set_new(d, "services", json_string(b.p ? b.p : ""));
    json_object_set_new(o, "details", d);
    json_object_set_new(o, "entity", jcut(main_service(in), 512));
    json_object_set_new(o, "source", json_string("aiops-report"));
    const char *pri = !strcmp(in->severity, "critical") ? "P1" : !strcmp(in->severity, "error") ? "P2"
                      : !strcmp(in->severity, "warning") ? "P3" : "P5";
    json_object_set_new(o, "priority", json_string(pri));
    aiops_buf_free(&b);
    return o;
}

static void slack_esc(aiops_buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '&')
            aiops_buf_str(b, "&amp;");
        else if (*s == '<')
            aiops_buf_str(b, "&lt;");
        else if (*s == '>')
            aiops_buf_str(b, "&gt;");
        else
            aiops_buf_put(b, s, 1);
    }
}

static json_t *text_obj(const char *type, json_t *text)
{
    json_t *t = json_object();
    json_object_set_new(t, "type", json_string(type));
    json_object_set_new(t, "text", text);
    return t;
}

static json_t *slack(const aiops_report *r, const rp_inc *in)
{
    json_t *o = json_object(), *blocks = json_array(), *blk;
    aiops_buf b = {0}, s = {0};
    title_of(in, &b);
    json_object_set_new(o, "text", jcut(b.p, 3000));   /* the notification's fallback */
    blk = json_object();
    json_object_set_new(blk, "type", json_string("header"));
    json_object_set_new(blk, "text", text_obj("plain_text", jcut(b.p, 150)));
    json_array_append_new(blocks, blk);
    b.n = 0;
    summary_of(r, in, &s);
    slack_esc(&b, s.p);
    blk = json_object();
    json_object_set_new(blk, "type", json_string("section"));
    json_object_set_new(blk, "text", text_obj("mrkdwn", jcut(b.p, 3000)));
    json_array_append_new(blocks, blk);
    json_t *fields = json_array();
    char tb[48];
    struct { const char *k; double t; } ts[] = {{"Start", in->start}, {"End", in->end},
                                                {"First detection", in->first_anom}, {"Declared", in->declared}};
    for (size_t i = 0; i < 4; i++) {
        b.n = 0;
        if (isnan(ts[i].t))
            snprintf(tb, sizeof tb, "unknown");
        else
            aiops_fmt_time(ts[i].t, tb);
        aiops_buf_printf(&b, "*%s*\n%s", ts[i].k, tb);
        json_array_append_new(fields, text_obj("mrkdwn", json_string(b.p)));
    }
    b.n = 0;
    aiops_buf_str(&b, "*Root cause*\n");
    slack_esc(&b, in->root ? in->root : "unknown");
    json_array_append_new(fields, text_obj("mrkdwn", jcut(b.p, 2000)));
    b.n = 0;
    aiops_buf_printf(&b, "*Severity*\n%s", in->severity);
    json_array_append_new(fields, text_obj("mrkdwn", json_string(b.p)));
    blk = json_object();
    json_object_set_new(blk, "type", json_string("section"));
    json_object_set_new(blk, "fields", fields);
    json_array_append_new(blocks, blk);
    b.n = 0;
    aiops_buf_str(&b, "Services: ");
    for (size_t i = 0; i < in->nown; i++) {
        aiops_buf_str(&b, i ? ", " : "");
        slack_esc(&b, in->svc[i]);
    }
    aiops_buf_printf(&b, " | %zu alerts, %zu anomalies | aiops-report", in->alerts, in->anomalies);
    blk = json_object();
    json_object_set_new(blk, "type", json_string("context"));
    json_t *el = json_array();
    json_array_append_new(el, text_obj("mrkdwn", jcut(b.p, 3000)));
    json_object_set_new(blk, "elements", el);
    json_array_append_new(blocks, blk);
    json_object_set_new(o, "blocks", blocks);
    aiops_buf_free(&b);
    aiops_buf_free(&s);
    return o;
}

/* ServiceNow's default incident categories from the fault kind. */
static const char *sn_category(const rp_inc *in)
{
    static const struct { const char *kind, *cat; } m[] = {
        {"network_partition", "network"}, {"cpu_saturation", "hardware"}, {"disk_fill", "hardware"},
        {"memory_leak", "software"}, {"latency", "software"}, {"error_burst", "software"},
        {"bad_deploy", "software"}, {"traffic_spike", "software"}, {"dependency_outage", "software"},
    };
    if (!in->kind)
        return "inquiry";
    if (!strcmp(in->kind, "dependency_outage") && in->root &&
        (strstr(in->root, "db") || strstr(in->root, "database") || strstr(in->root, "sql")))
        return "database";
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
        if (!strcmp(in->kind, m[i].kind))
            return m[i].cat;
    return "inquiry";
}

static json_t *servicenow(const aiops_report *r, const rp_inc *in)
{
    json_t *o = json_object();
    aiops_buf b = {0};
    title_of(in, &b);
    json_object_set_new(o, "short_description", jcut(b.p, 160));
    b.n = 0;
    summary_of(r, in, &b);
    json_object_set_new(o, "description", jcut(b.p, 4000));
    const char *urg = !strcmp(in->severity, "critical") ? "1" : !strcmp(in->severity, "error") ? "2" : "3";
    json_object_set_new(o, "urgency", json_string(urg));
    json_object_set_new(o, "impact", json_string(in->nown >= 5 ? "1" : in->nown >= 2 ? "2" : "3"));
    json_object_set_new(o, "category", json_string(sn_category(in)));
    const char *grp = in->root ? rp_str(r->groups, in->root) : NULL;
    for (size_t i = 0; !grp && i < in->nown; i++)
        grp = rp_str(r->groups, in->svc[i]);
    if (grp)
        json_object_set_new(o, "assignment_group", jcut(grp, 255));
    b.n = 0;
    aiops_buf_printf(&b, "aiops-%.200s", in->id);
    json_object_set_new(o, "correlation_id", json_string(b.p));
    json_object_set_new(o, "correlation_display", json_string("aiops-report"));
    aiops_buf_free(&b);
    return o;
}

static json_t *am_alert(const char *name, const rp_inc *in, const char *summary, double start, double end)
{
    json_t *a = json_object(), *l = json_object(), *an = json_object();
    json_object_set_new(l, "alertname", json_string(name));
    json_object_set_new(l, "incident", json_string(in->id));
    json_object_set_new(l, "service", json_string(main_service(in)));
    json_object_set_new(l, "severity", json_string(in->severity));
    json_object_set_new(a, "labels", l);
    json_object_set_new(an, "summary", json_string(summary));
    json_object_set_new(a, "annotations", an);
    json_object_set_new(a, "startsAt", jtime(start));
    if (!isnan(end))
        json_object_set_new(a, "endsAt", jtime(end));
    return a;
}

static json_t *alertmanager(const aiops_report *r, const rp_inc *in)
{
    json_t *arr = json_array();
    aiops_buf b = {0};
    title_of(in, &b);
    json_t *a = am_alert("AiopsIncident", in, b.p, in->start, in->end);
    b.n = 0;
    summary_of(r, in, &b);
    json_object_set_new(json_object_get(a, "annotations"), "description", json_string(b.p));
    json_array_append_new(arr, a);
    for (size_t i = 0; i < in->nmet && i < r->o.max_charts; i++) {
        const aiops_series *se = aiops_series_get(r->tab, in->met[i].sid);
        double first = NAN, last = NAN;
        for (size_t k = 0; k < r->nrec; k++) {
            const rp_rec *x = &r->rec[k];
            if (x->type != AIOPS_R_ANOMALY || x->sid != in->met[i].sid || x->ts < in->from || x->ts > in->to)
                continue;
            const char *st = rp_str(x->obj, "state");
            if (st && !strcmp(st, "resolved"))
                last = rp_num(x->obj, "end");
            else if (isnan(first))
                first = rp_num(x->obj, "start");
        }
        if (isnan(first))
            continue;
        b.n = 0;
        aiops_buf_printf(&b, "%s outside its dynamic band (peak score %.3g)", se->text, in->met[i].peak);
        a = am_alert("AiopsAnomaly", in, b.p, first, last);
        json_t *l = json_object_get(a, "labels");
        json_object_set_new(l, "metric", json_string(se->name));
        for (size_t k = 0; k < se->nlabels; k++)
            if (strcmp(se->labels[k].name, "alertname") && strcmp(se->labels[k].name, "incident") &&
                strcmp(se->labels[k].name, "severity") && strcmp(se->labels[k].name, "metric"))
                json_object_set_new(l, se->labels[k].name, json_string(se->labels[k].value));
        json_array_append_new(arr, a);
    }
    aiops_buf_free(&b);
    return arr;
}

static json_t *grafana(const aiops_report *r, const rp_inc *in)
{
    json_t *o = json_object();
    json_object_set_new(o, "time", json_integer((json_int_t)llround(in->start * 1000)));
    json_object_set_new(o, "timeEnd", json_integer((json_int_t)llround((isnan(in->end) ? in->start : in->end) * 1000)));
    json_t *tags = json_array();
    json_array_append_new(tags, json_string("aiops"));
    json_array_append_new(tags, json_string("incident"));
    json_array_append_new(tags, json_string(in->severity));
    if (in->kind)
        json_array_append_new(tags, json_string(in->kind));
    for (size_t i = 0; i < in->nown; i++)
        json_array_append_new(tags, json_string(in->svc[i]));
    json_object_set_new(o, "tags", tags);
    aiops_buf t = {0}, h = {0};
    title_of(in, &t);
    aiops_buf_str(&t, ". ");
    summary_of(r, in, &t);
    aiops_report_html_esc(&h, t.p);   /* Grafana shows the text as HTML */
    json_object_set_new(o, "text", json_string(h.p));
    aiops_buf_free(&t);
    aiops_buf_free(&h);
    return o;
}

int aiops_report_handoff(aiops_report *r, aiops_report_fmt f, aiops_buf *out, aiops_err *err)
{
    for (size_t i = 0; i < r->ninc; i++) {
        const rp_inc *in = &r->inc[i];
        json_t *j[2] = {NULL, NULL};
        switch (f) {
        case AIOPS_REPORT_PAGERDUTY:
            j[0] = pagerduty(r, in, 0);
            if (r->o.resolve && !isnan(in->end))
                j[1] = pagerduty(r, in, 1);
            break;
        case AIOPS_REPORT_OPSGENIE: j[0] = opsgenie(r, in); break;
        case AIOPS_REPORT_SLACK: j[0] = slack(r, in); break;
        case AIOPS_REPORT_SERVICENOW: j[0] = servicenow(r, in); break;
        case AIOPS_REPORT_ALERTMANAGER: j[0] = alertmanager(r, in); break;
        case AIOPS_REPORT_GRAFANA: j[0] = grafana(r, in); break;
        }
        for (int k = 0; k < 2; k++) {
            if (!j[k])
                continue;
            aiops_buf_json(out, j[k]);
            aiops_buf_str(out, "\n");
            json_decref(j[k]);
        }
        if (out->oom)
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    return 0;
}
