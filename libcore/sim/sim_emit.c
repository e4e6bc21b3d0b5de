/* sim_emit.c - the simulator's output in the formats real systems write:
 * Prometheus query_range JSON, logcli JSONL, Jaeger and OTLP JSON traces,
 * `kubectl get events -o json`, Alertmanager webhook payloads; and our
 * own record objects (docs/FORMAT.md) for the NDJSON members and the
 * stream mode.  Numbers go through aiops_fmt_double (exact, short), never
 * through %g, and every member is built in memory (a tar member needs its
 * size up front). */
#include <stdlib.h>
#include <string.h>

#include "sim/sim_internal.h"

/* ------------------------------------------------------ buffer */

/* Literal JSON text (a member's key, say) followed by s as a string. */
static void put_str(aiops_buf *b, const char *lit, const char *s)
{
    aiops_buf_str(b, lit);
    aiops_buf_jstr(b, s);
}

static void put_time(aiops_buf *b, double t)
{
    char tb[40];
    aiops_fmt_time(t, tb);
    aiops_buf_jstr(b, tb);
}

static void put_i64(aiops_buf *b, int64_t v)
{
    char nb[32];
    int n = snprintf(nb, sizeof nb, "%lld", (long long)v);
    aiops_buf_put(b, nb, n > 0 ? (size_t)n : 0);
}

void aiops_sim_json_line(aiops_buf *b, json_t *v)
{
    aiops_buf_json(b, v);
    aiops_buf_put(b, "\n", 1);
}

/* ------------------------------------------------------ metrics */

void aiops_sim_emit_matrix(aiops_buf *b, const aiops_sim_scenario *sc, int metric,
                           const double *vals, size_t nk, size_t stride, double t0)
{
    aiops_buf_str(b, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[");
    char nb[40];
    for (size_t s = 0; s < sc->nsvc; s++) {
        put_str(b, s ? ",\n{\"metric\":{\"__name__\":" : "\n{\"metric\":{\"__name__\":",
                aiops_sim_metric_name(metric));
        put_str(b, ",\"namespace\":", sc->ns);
        put_str(b, ",\"service\":", sc->svc[s].name);
        aiops_buf_str(b, "},\"values\":[");
        if (aiops_buf_reserve(b, nk * 64))
            return;
        /* Hot loop (one pass per sample): write straight into the buffer. */
        char *p = b->p + b->n;
        for (size_t k = 0; k < nk; k++) {
            if (k)
                *p++ = ',';
            *p++ = '[';
            size_t n = aiops_fmt_double(t0 + (double)k * sc->step, nb);
            memcpy(p, nb, n);
            p += n;
            *p++ = ',';
            *p++ = '"';
            n = aiops_fmt_double(vals[s * stride + k], nb);
            memcpy(p, nb, n);
            p += n;
            *p++ = '"';
            *p++ = ']';
        }
        b->n = (size_t)(p - b->p);
        aiops_buf_str(b, "]}");
    }
    aiops_buf_str(b, "\n]}}\n");
}

/* ------------------------------------------------------ logs */

static const char *const LEVELS[AIOPS_SIM_NLEVELS] = {"info", "warn", "error"};

void aiops_sim_emit_loki(aiops_buf *b, const aiops_sim_scenario *sc, const aiops_sim_log *l,
                         size_t n)
{
    char line[480];
    for (size_t i = 0; i < n; i++) {
        put_str(b, "{\"labels\":{\"level\":", LEVELS[l[i].level]);
        put_str(b, ",\"namespace\":", sc->ns);
        put_str(b, ",\"service\":", sc->svc[l[i].svc].name);
        aiops_buf_str(b, "},\"line\":");
        if (l[i].trace_id[0])
            snprintf(line, sizeof line, "level=%s %s trace_id=%s", LEVELS[l[i].level], l[i].text,
                     l[i].trace_id);
        else
            snprintf(line, sizeof line, "level=%s %s", LEVELS[l[i].level], l[i].text);
        aiops_buf_jstr(b, line);
        aiops_buf_str(b, ",\"timestamp\":");
        put_time(b, l[i].ts);
        aiops_buf_str(b, "}\n");
    }
}

json_t *aiops_sim_log_json(const aiops_sim_scenario *sc, const aiops_sim_log *l)
{
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string("log"));
    json_object_set_new(o, "ts", json_real(l->ts));
    json_object_set_new(o, "service", json_string(sc->svc[l->svc].name));
    json_object_set_new(o, "level", json_string(LEVELS[l->level]));
    json_object_set_new(o, "message", json_string(l->text));
    json_object_set_new(o, "labels", json_pack("{s:s}", "namespace", sc->ns));
    if (l->trace_id[0])
        json_object_set_new(o, "trace_id", json_string(l->trace_id));
    return o;
}

/* ------------------------------------------------------ traces */

static size_t trace_end(const aiops_sim_span *sp, size_t n, size_t i)
{
    size_t j = i + 1;
    while (j < n && !strcmp(sp[j].trace_id, sp[i].trace_id))
        j++;
    return j;
}

static void jaeger_tag(aiops_buf *b, const char *key, const char *type, const char *val,
                       int first)
{
    put_str(b, first ? "{\"key\":" : ",{\"key\":", key);
    put_str(b, ",\"type\":", type);
    aiops_buf_str(b, ",\"value\":");
    if (!strcmp(type, "string"))
        aiops_buf_jstr(b, val);
    else
        aiops_buf_str(b, val);
    aiops_buf_str(b, "}");
}

static void jaeger_span(aiops_buf *b, const aiops_sim_span *s, size_t pid)
{
    char nb[32];
    put_str(b, "{\"traceID\":", s->trace_id);
    put_str(b, ",\"spanID\":", s->span_id);
    put_str(b, ",\"flags\":1,\"operationName\":", s->operation);
    aiops_buf_str(b, ",\"references\":[");
    if (s->parent_id[0]) {
        put_str(b, "{\"refType\":\"CHILD_OF\",\"traceID\":", s->trace_id);
        put_str(b, ",\"spanID\":", s->parent_id);
        aiops_buf_str(b, "}");
    }
    aiops_buf_str(b, "],\"startTime\":");
    put_i64(b, s->start_us);
    aiops_buf_str(b, ",\"duration\":");
    put_i64(b, s->dur_us);
    aiops_buf_str(b, ",\"tags\":[");
    jaeger_tag(b, "span.kind", "string", "server", 1);
    snprintf(nb, sizeof nb, "%d", s->status);
    jaeger_tag(b, "http.status_code", "int64", nb, 0);
    if (s->error)
        jaeger_tag(b, "error", "bool", "true", 0);
    snprintf(nb, sizeof nb, "p%zu", pid);
    put_str(b, "],\"logs\":[],\"processID\":", nb);
    aiops_buf_str(b, ",\"warnings\":null}");
}

static void jaeger_trace(aiops_buf *b, const aiops_sim_scenario *sc, const aiops_sim_span *sp,
                         size_t n)
{
    /* processes: p1.. in order of first appearance in the trace (a trace
     * has at most 256 spans, see sim_traces.c) */
    size_t procs[256], np = 0;
    put_str(b, "{\"traceID\":", sp[0].trace_id);
    aiops_buf_str(b, ",\"spans\":[");
    for (size_t i = 0; i < n; i++) {
        size_t pid = 0;
        while (pid < np && procs[pid] != sp[i].svc)
            pid++;
        if (pid == np && np < sizeof procs / sizeof procs[0])
            procs[np++] = sp[i].svc;
        if (i)
            aiops_buf_str(b, ",");
        jaeger_span(b, &sp[i], pid + 1);
    }
    aiops_buf_str(b, "],\"processes\":{");
    for (size_t p = 0; p < np; p++) {
        char id[32];
        snprintf(id, sizeof id, "%s\"p%zu\"", p ? "," : "", p + 1);
        aiops_buf_str(b, id);
        put_str(b, ":{\"serviceName\":", sc->svc[procs[p]].name);
        aiops_buf_str(b, ",\"tags\":[");
        jaeger_tag(b, "k8s.namespace.name", "string", sc->ns, 1);
        aiops_buf_str(b, "]}");
    }
    aiops_buf_str(b, "},\"warnings\":null}");
}

void aiops_sim_emit_jaeger(aiops_buf *b, const aiops_sim_scenario *sc,
                           const aiops_sim_span *sp, size_t n)
{
    aiops_buf_str(b, "{\"data\":[");
    for (size_t i = 0, first = 1; i < n; first = 0) {
        size_t j = trace_end(sp, n, i);
        aiops_buf_str(b, first ? "\n" : ",\n");
        jaeger_trace(b, sc, sp + i, j - i);
        i = j;
    }
    aiops_buf_str(b, "\n],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}\n");
}

static void otlp_attr(aiops_buf *b, const char *key, const char *val, int first)
{
    put_str(b, first ? "{\"key\":" : ",{\"key\":", key);
    put_str(b, ",\"value\":{\"stringValue\":", val);
    aiops_buf_str(b, "}}");
}

static void otlp_span(aiops_buf *b, const aiops_sim_span *s)
{
    char nb[32];
    put_str(b, "{\"traceId\":", s->trace_id);
    put_str(b, ",\"spanId\":", s->span_id);
    if (s->parent_id[0]) {
        put_str(b, ",\"parentSpanId\":", s->parent_id);
    }
    put_str(b, ",\"name\":", s->operation);
    /* OTLP/JSON carries 64-bit integers as strings */
    aiops_buf_str(b, ",\"kind\":2,\"startTimeUnixNano\":\"");
    put_i64(b, s->start_us * 1000);
    aiops_buf_str(b, "\",\"endTimeUnixNano\":\"");
    put_i64(b, (s->start_us + s->dur_us) * 1000);
    aiops_buf_str(b, "\",\"attributes\":[{\"key\":\"http.response.status_code\",\"value\":{\"intValue\":\"");
    snprintf(nb, sizeof nb, "%d", s->status);
    aiops_buf_str(b, nb);
    aiops_buf_str(b, s->error ? "\"}}],\"status\":{\"code\":2}}" : "\"}}],\"status\":{}}");
}

void aiops_sim_emit_otlp(aiops_buf *b, const aiops_sim_scenario *sc,
                         const aiops_sim_span *sp, size_t n)
{
    aiops_buf_str(b, "{\"resourceSpans\":[");
    int first_rs = 1;
    for (size_t s = 0; s < sc->nsvc; s++) {
        int any = 0;
        for (size_t i = 0; i < n && !any; i++)
            any = sp[i].svc == s;
        if (!any)
            continue;
        aiops_buf_str(b, first_rs ? "\n{\"resource\":{\"attributes\":["
                                  : ",\n{\"resource\":{\"attributes\":[");
        first_rs = 0;
        otlp_attr(b, "service.name", sc->svc[s].name, 1);
        otlp_attr(b, "k8s.namespace.name", sc->ns, 0);
        aiops_buf_str(b, "]},\"scopeSpans\":[{\"scope\":{\"name\":\"aiops-simulate\",\"version\":\"");
        aiops_buf_str(b, AIOPS_VERSION);
        aiops_buf_str(b, "\"},\"spans\":[");
        int first = 1;
        for (size_t i = 0; i < n; i++) {
            if (sp[i].svc != s)
                continue;
            if (!first)
                aiops_buf_str(b, ",");
            first = 0;
            otlp_span(b, &sp[i]);
        }
        aiops_buf_str(b, "]}]}");
    }
    aiops_buf_str(b, "\n]}\n");
}

/* Zipkin v2: one array of spans (what /api/v2/spans accepts), tags as
 * strings, "error" present on failed spans as Zipkin does. */
void aiops_sim_emit_zipkin(aiops_buf *b, const aiops_sim_scenario *sc,
                           const aiops_sim_span *sp, size_t n)
{
    char nb[32];
    aiops_buf_str(b, "[");
    for (size_t i = 0; i < n; i++) {
        const aiops_sim_span *s = &sp[i];
        aiops_buf_str(b, i ? ",\n" : "\n");
        put_str(b, "{\"traceId\":", s->trace_id);
        put_str(b, ",\"id\":", s->span_id);
        if (s->parent_id[0])
            put_str(b, ",\"parentId\":", s->parent_id);
        put_str(b, ",\"name\":", s->operation);
        aiops_buf_str(b, ",\"kind\":\"SERVER\",\"timestamp\":");
        put_i64(b, s->start_us);
        aiops_buf_str(b, ",\"duration\":");
        put_i64(b, s->dur_us);
        put_str(b, ",\"localEndpoint\":{\"serviceName\":", sc->svc[s->svc].name);
        snprintf(nb, sizeof nb, "%d", s->status);
        put_str(b, "},\"tags\":{\"http.status_code\":", nb);
        put_str(b, ",\"k8s.namespace.name\":", sc->ns);
        if (s->error)
            aiops_buf_str(b, ",\"error\":\"true\"");
        aiops_buf_str(b, "}}");
    }
    aiops_buf_str(b, "\n]\n");
}

json_t *aiops_sim_span_json(const aiops_sim_scenario *sc, const aiops_sim_span *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string("span"));
    json_object_set_new(o, "ts", json_real((double)s->start_us / 1e6));
    json_object_set_new(o, "trace_id", json_string(s->trace_id));
    json_object_set_new(o, "span_id", json_string(s->span_id));
    if (s->parent_id[0])
        json_object_set_new(o, "parent_span_id", json_string(s->parent_id));
    json_object_set_new(o, "service", json_string(sc->svc[s->svc].name));
    json_object_set_new(o, "operation", json_string(s->operation));
    json_object_set_new(o, "duration", json_real((double)s->dur_us / 1e6));
    json_object_set_new(o, "error", json_boolean(s->error));
    json_object_set_new(o, "status", json_string(s->error ? "error" : "ok"));
    json_object_set_new(o, "attributes", json_pack("{s:i}", "http.status_code", s->status));
    return o;
}

/* ------------------------------------------------------ events */

static void k8s_item(aiops_buf *b, const aiops_sim_scenario *sc, const aiops_sim_event *e,
                     size_t seq)
{
    const char *slash = strchr(e->object, '/');
    const char *oname = slash ? slash + 1 : e->object;
    int is_deploy = !strncmp(e->object, "deployment/", 11);
    char nb[160];
    aiops_buf_str(b, "{\"apiVersion\":\"v1\",\"count\":1,\"eventTime\":null,\"firstTimestamp\":");
    put_time(b, e->ts);
    aiops_buf_str(b, ",\"involvedObject\":{\"apiVersion\":");
    aiops_buf_str(b, is_deploy ? "\"apps/v1\",\"kind\":\"Deployment\"" : "\"v1\",\"kind\":\"Pod\"");
    put_str(b, ",\"name\":", oname);
    put_str(b, ",\"namespace\":", sc->ns);
    aiops_buf_str(b, "},\"kind\":\"Event\",\"lastTimestamp\":");
    put_time(b, e->ts);
    put_str(b, ",\"message\":", e->message);
    aiops_buf_str(b, ",\"metadata\":{\"creationTimestamp\":");
    put_time(b, e->ts);
    uint64_t h = aiops_sim_mix64((uint64_t)seq ^ aiops_sim_hash(e->message, strlen(e->message)));
    snprintf(nb, sizeof nb, "%.120s.%016llx", oname, (unsigned long long)h);
    put_str(b, ",\"name\":", nb);
    put_str(b, ",\"namespace\":", sc->ns);
    snprintf(nb, sizeof nb, "\"%zu\"", 100000 + seq);
    aiops_buf_str(b, ",\"resourceVersion\":");
    aiops_buf_str(b, nb);
    put_str(b, "},\"reason\":", e->reason);
    const char *comp = is_deploy ? "deployment-controller" : "kubelet";
    snprintf(nb, sizeof nb, "node-%u", (unsigned)(aiops_sim_hash(oname, strlen(oname)) % 6) + 1);
    put_str(b, ",\"reportingComponent\":", comp);
    put_str(b, ",\"reportingInstance\":", is_deploy ? "" : nb);
    put_str(b, ",\"source\":{\"component\":", comp);
    if (!is_deploy) {
        put_str(b, ",\"host\":", nb);
    }
    put_str(b, "},\"type\":", e->warning ? "Warning" : "Normal");
    aiops_buf_str(b, "}");
}

void aiops_sim_emit_k8s(aiops_buf *b, const aiops_sim_scenario *sc,
                        const aiops_sim_event *ev, size_t n)
{
    aiops_buf_str(b, "{\"apiVersion\":\"v1\",\"items\":[");
    for (size_t i = 0; i < n; i++) {
        aiops_buf_str(b, i ? ",\n" : "\n");
        k8s_item(b, sc, &ev[i], i);
    }
    aiops_buf_str(b, "\n],\"kind\":\"List\",\"metadata\":{\"resourceVersion\":\"\"}}\n");
}

json_t *aiops_sim_event_json(const aiops_sim_scenario *sc, const aiops_sim_event *e)
{
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string("event"));
    json_object_set_new(o, "ts", json_real(e->ts));
    json_object_set_new(o, "kind", json_string(e->kind));
    json_object_set_new(o, "service", json_string(sc->svc[e->svc].name));
    json_object_set_new(o, "reason", json_string(e->reason));
    json_object_set_new(o, "message", json_string(e->message));
    json_object_set_new(o, "object", json_string(e->object));
    json_object_set_new(o, "namespace", json_string(sc->ns));
    if (!strcmp(e->kind, "deploy")) {
        json_object_set_new(o, "version", json_string(e->version));
        json_object_set_new(o, "author", json_string(e->author));
    }
    return o;
}

/* ------------------------------------------------------ alerts */

static const char *op_text(aiops_sim_op op)
{
    static const char *const t[] = {">", ">=", "<", "<=", "==", "!="};
    return t[op];
}

/* The operator percent-encoded for the generatorURL query string. */
static const char *op_url(aiops_sim_op op)
{
    static const char *const t[] = {"%3E", "%3E%3D", "%3C", "%3C%3D", "%3D%3D", "%21%3D"};
    return t[op];
}

static json_t *alert_labels(const aiops_sim_scenario *sc, const aiops_sim_alert *a)
{
    const aiops_sim_rule *r = &sc->rules[a->rule];
    return json_pack("{s:s,s:s,s:s,s:s}", "alertname", r->name, "namespace", sc->ns, "service",
                     sc->svc[a->svc].name, "severity", r->severity);
}

static json_t *alert_annotations(const aiops_sim_scenario *sc, const aiops_sim_alert *a)
{
    const aiops_sim_rule *r = &sc->rules[a->rule];
    char desc[300], v[40], thr[40], sum[300];
    aiops_fmt_double(a->value, v);
    aiops_fmt_double(r->threshold, thr);
    snprintf(desc, sizeof desc, "%s{service=\"%s\"} = %s (%s %s)", aiops_sim_metric_name(r->metric),
             sc->svc[a->svc].name, v, op_text(r->op), thr);
    snprintf(sum, sizeof sum, "%s on %s", r->summary ? r->summary : r->name, sc->svc[a->svc].name);
    return json_pack("{s:s,s:s}", "description", desc, "summary", sum);
}

void aiops_sim_emit_webhook(aiops_buf *b, const aiops_sim_scenario *sc,
                            const aiops_sim_alert *a)
{
    const aiops_sim_rule *r = &sc->rules[a->rule];
    char tb[40], url[400], gk[300];
    json_t *labels = alert_labels(sc, a), *ann = alert_annotations(sc, a);
    snprintf(url, sizeof url, "http://prometheus:9090/graph?g0.expr=%s%%20%s%%20",
             aiops_sim_metric_name(r->metric), op_url(r->op));
    aiops_fmt_double(r->threshold, tb);
    strncat(url, tb, sizeof url - strlen(url) - 1);
    snprintf(gk, sizeof gk, "{}:{alertname=\"%s\", service=\"%s\"}", r->name, sc->svc[a->svc].name);
    const char *status = a->firing ? "firing" : "resolved";
    json_t *al = json_object();
    json_object_set_new(al, "status", json_string(status));
    json_object_set(al, "labels", labels);
    json_object_set(al, "annotations", ann);
    aiops_fmt_time(a->start, tb);
    json_object_set_new(al, "startsAt", json_string(tb));
    aiops_fmt_time(a->end, tb);
    json_object_set_new(al, "endsAt", json_string(a->firing ? "0001-01-01T00:00:00Z" : tb));
    json_object_set_new(al, "generatorURL", json_string(url));
    json_object_set_new(al, "fingerprint", json_string(a->fingerprint));
    json_t *o = json_object();
    json_object_set_new(o, "receiver", json_string("aiops"));
    json_object_set_new(o, "status", json_string(status));
    json_object_set_new(o, "alerts", json_pack("[o]", al));
    json_object_set_new(o, "groupLabels", json_pack("{s:s,s:s}", "alertname", r->name, "service",
                                                   sc->svc[a->svc].name));
    json_object_set_new(o, "commonLabels", labels);
    json_object_set_new(o, "commonAnnotations", ann);
    json_object_set_new(o, "externalURL", json_string("http://alertmanager:9093"));
    json_object_set_new(o, "version", json_string("4"));
    json_object_set_new(o, "groupKey", json_string(gk));
    json_object_set_new(o, "truncatedAlerts", json_integer(0));
    aiops_sim_json_line(b, o);
    json_decref(o);
}

json_t *aiops_sim_alert_json(const aiops_sim_scenario *sc, const aiops_sim_alert *a)
{
    const aiops_sim_rule *r = &sc->rules[a->rule];
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string("alert"));
    json_object_set_new(o, "ts", json_real(a->ts));
    json_object_set_new(o, "name", json_string(r->name));
    json_object_set_new(o, "state", json_string(a->firing ? "firing" : "resolved"));
    json_object_set_new(o, "start", json_real(a->start));
    if (!a->firing)
        json_object_set_new(o, "end", json_real(a->end));
    json_object_set_new(o, "service", json_string(sc->svc[a->svc].name));
    json_object_set_new(o, "severity", json_string(r->severity));
    json_object_set_new(o, "labels", alert_labels(sc, a));
    json_object_set_new(o, "annotations", alert_annotations(sc, a));
    json_object_set_new(o, "fingerprint", json_string(a->fingerprint));
    json_object_set_new(o, "source", json_string("alertmanager"));
    return o;
}
