/* sum_text.c - the context as text (what the LLM reads), the fault
 * signature, the offline summary with its rule table of next steps, and
 * the summary record. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "summarize/sum_impl.h"

static const char *str(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static double num(const json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* hh:mm:ssZ when on the incident's day, else the full time */
static const char *when(double t, double ref, char *buf)
{
    sum_time(t, buf);
    char r[40];
    sum_time(ref, r);
    if (strlen(buf) > 11 && !strncmp(buf, r, 11))
        memmove(buf, buf + 11, strlen(buf + 11) + 1);
    return buf;
}

static void duration(aiops_buf *b, double s)
{
    if (!isfinite(s))
        aiops_buf_str(b, "still open");
    else if (s < 120)
        aiops_buf_printf(b, "%.0f s", s);
    else if (s < 7200)
        aiops_buf_printf(b, "%.0f min", s / 60);
    else
        aiops_buf_printf(b, "%.1f h", s / 3600);
}

static void num_text(aiops_buf *b, double v)
{
    char t[40];
    if (fabs(v) >= 1e6 || (fabs(v) < 1e-3 && v != 0))
        snprintf(t, sizeof t, "%.3g", v);
    else
        snprintf(t, sizeof t, "%.4g", v);
    aiops_buf_str(b, t);
}

static void services(aiops_buf *b, const json_t *arr, size_t max)
{
    size_t n = json_array_size(arr);
    for (size_t i = 0; i < n && i < max; i++)
        aiops_buf_printf(b, "%s%s", i ? (i + 1 == n ? " and " : ", ") : "",
                         json_string_value(json_array_get(arr, i)));
    if (n > max)
        aiops_buf_printf(b, " and %zu more", n - max);
    if (!n)
        aiops_buf_str(b, "(no service named)");
}

static int contains_any(const char *s, const char *const *words)
{
    if (!s)
        return 0;
    for (size_t i = 0; words[i]; i++) {
        size_t n = strlen(words[i]);
        for (const char *p = s; *p; p++)
            if (!strncasecmp(p, words[i], n))
                return 1;
    }
    return 0;
}

/* ------------------------------------------------------------ signature */

typedef struct rule {
    const char *sig;
    const char *const *metric;   /* words in the top anomaly's metric name */
    const char *const *steps;    /* next steps */
} rule;

static const char *const w_lat[] = {"latency", "duration", "response_time", "p99", "p95", "slow", NULL};
static const char *const w_err[] = {"error", "5xx", "fail", "exception", NULL};
static const char *const w_cpu[] = {"cpu", "load", "throttl", NULL};
static const char *const w_mem[] = {"mem", "heap", "rss", "gc_", NULL};
static const char *const w_disk[] = {"disk", "filesystem", "fs_", "inode", "volume", NULL};
static const char *const w_net[] = {"network", "packet", "tcp", "retrans", "dns", NULL};
static const char *const w_traffic[] = {"request", "rps", "qps", "throughput", "traffic", NULL};
static const char *const w_dep[] = {"refused", "unreachable", "timed out", "timeout",
                                    "no route", "connection reset", NULL};
static const char *const w_oom[] = {"outofmemory", "oom", "out of memory", NULL};

static const char *const s_deploy[] = {
    "Compare the deploy's version with the previous one; if the timing and the evidence agree, roll back first and investigate after.",
    "Check the new version's error and latency dashboards against the previous version's (canary or per-version labels).",
    "Freeze further deploys to the affected services until the cause is confirmed.", NULL};
static const char *const s_lat[] = {
    "Find the slowest hop: compare the latency of the root-cause candidate with its downstream calls (traces, per-endpoint metrics).",
    "Check saturation of the candidate (CPU, threads, connection pools, GC pauses) and recent changes to its dependencies.",
    "If users are affected, shed or reroute load while investigating.", NULL};
static const char *const s_err[] = {
    "Read the new or much more frequent log templates above: they usually name the failing call or exception.",
    "Check whether the errors come from one instance, one version or one dependency (split the error rate by those labels).",
    "Roll back or fail over the failing component if the error rate keeps users from being served.", NULL};
static const char *const s_cpu[] = {
    "Check whether the load grew (traffic, a batch job) or the work per request grew (a deploy, a hot loop).",
    "Scale out the saturated service or throttle the heaviest callers while investigating.",
    "Profile the service (perf, pprof, async-profiler) for the hot path if no change explains it.", NULL};
static const char *const s_mem[] = {
    "Check the memory trend since the last restart or deploy: a steady climb points to a leak.",
    "Take a heap profile or dump of an affected instance before restarting it.",
    "Restart the affected instances in a rolling way to restore headroom, and set a memory limit alert ahead of exhaustion.", NULL};
static const char *const s_oom[] = {
    "Find the OOM-killed containers (kubectl get events, kubectl describe pod) and their memory limits.",
    "Compare the memory usage before the kill with the limit: raise the limit or fix the growth.",
    "Check whether a deploy or a traffic change preceded the growth.", NULL};
static const char *const s_disk[] = {
    "Find what is filling the volume (du on the largest directories, log and temp files, database files).",
    "Free space safely (rotate or compress logs, delete temp files) or grow the volume before it reaches 100%.",
    "Add retention or rotation so it does not happen again, and alert on the forecast time to full.", NULL};
static const char *const s_net[] = {
    "Check connectivity between the affected services (DNS, network policies, security groups, node or zone health).",
    "Look for a node, zone or link common to the failing calls.",
    "Fail over to a healthy zone or route if one exists.", NULL};
static const char *const s_traffic[] = {
    "Confirm whether the traffic is legitimate (a launch, a retry storm, a crawler) or abusive.",
    "Scale out the affected services or enable rate limiting for the heaviest clients.",
    "Check that retries and timeouts of callers do not amplify the load.", NULL};
static const char *const s_crash[] = {
    "Read the logs of the restarting containers just before each restart (kubectl logs --previous).",
    "Check readiness and liveness probes and recent configuration changes.",
    "Roll back the last change to the crashing workload if it preceded the restarts.", NULL};
static const char *const s_dep[] = {
    "Check the health of the dependency the logs name (refused or timed-out connections) and its recent changes.",
    "Confirm timeouts, retries and circuit breakers keep callers responsive while it is down.",
    "Fail over to a replica or degrade the feature that needs the dependency.", NULL};
static const char *const s_unknown[] = {
    "Start from the top root-cause candidate and the largest anomaly: check their dashboards over the incident window.",
    "Look for changes (deploys, configuration, infrastructure) shortly before the onset.",
    "Read the new log templates for errors that name a component.", NULL};

static const rule rules[] = {
    {"bad_deploy", NULL, s_deploy},
    {"oom_kill", NULL, s_oom},
    {"crash_loop", NULL, s_crash},
    {"latency", w_lat, s_lat},
    {"error_burst", w_err, s_err},
    {"cpu_saturation", w_cpu, s_cpu},
    {"memory_leak", w_mem, s_mem},
    {"disk_fill", w_disk, s_disk},
    {"network_partition", w_net, s_net},
    {"traffic_spike", w_traffic, s_traffic},
    {"dependency_outage", NULL, s_dep},
    {"unknown", NULL, s_unknown},
};

static const rule *rule_of(const char *sig)
{
    for (size_t i = 0; i < sizeof rules / sizeof *rules; i++)
        if (!strcmp(rules[i].sig, sig))
            return &rules[i];
    return &rules[sizeof rules / sizeof *rules - 1];
}

const char *aiops_sum_signature(const json_t *ctx)
{
    const json_t *inc = json_object_get(ctx, "incident"), *x;
    double start = num(inc, "start");
    size_t i;
    /* changes shortly before onset come first: they are the usual cause */
    json_array_foreach(json_object_get(ctx, "changes"), i, x) {
        const char *k = str(x, "kind"), *reason = str(x, "reason");
        double ts = num(x, "ts");
        if (k && (!strcmp(k, "deploy") || !strcmp(k, "config")) && ts <= start)
            return "bad_deploy";
        if ((k && !strcmp(k, "oom_kill")) || (reason && !strcasecmp(reason, "OOMKilling")) ||
            (reason && !strcasecmp(reason, "OOMKilled")))
            return "oom_kill";
        if ((k && !strcmp(k, "restart")) || (reason && (!strcasecmp(reason, "BackOff") ||
                                                        !strcasecmp(reason, "CrashLoopBackOff"))))
            return "crash_loop";
    }
    /* the metric family of the largest anomaly */
    const char *top = str(json_array_get(json_object_get(ctx, "anomalies"), 0), "series");
    if (top) {
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)strcspn(top, "{"), top);
        for (size_t r = 0; r < sizeof rules / sizeof *rules; r++)
            if (rules[r].metric && contains_any(name, rules[r].metric))
                return rules[r].sig;
    }
    json_array_foreach(json_object_get(ctx, "predictions"), i, x) {
        const char *k = str(x, "kind");
        if (k && !strcmp(k, "disk_full"))
            return "disk_fill";
        if (k && !strcmp(k, "memory_exhaustion"))
            return "memory_leak";
    }
    json_array_foreach(json_object_get(ctx, "logs"), i, x) {
        if (contains_any(str(x, "template"), w_oom))
            return "oom_kill";
        if (contains_any(str(x, "template"), w_dep))
            return "dependency_outage";
    }
    json_array_foreach(json_object_get(ctx, "logs"), i, x)
        if (contains_any(str(x, "template"), w_err))
            return "error_burst";
    return "unknown";
}

/* ------------------------------------------------------- context text */

static void change_line(aiops_buf *b, const json_t *x, double ref)
{
    char t[40];
    aiops_buf_printf(b, "%s %s", when(num(x, "ts"), ref, t), str(x, "kind") ? str(x, "kind") : "event");
    static const char *const keys[] = {"service", "object", "version", "reason", NULL};
    for (size_t k = 0; keys[k]; k++)
        if (str(x, keys[k]))
            aiops_buf_printf(b, " %s", str(x, keys[k]));
    if (str(x, "author"))
        aiops_buf_printf(b, " by %s", str(x, "author"));
    if (str(x, "severity") && strcmp(str(x, "severity"), "Normal"))
        aiops_buf_printf(b, " (%s)", str(x, "severity"));
    if (str(x, "message"))
        aiops_buf_printf(b, ": %s", str(x, "message"));
}

static void anomaly_line(aiops_buf *b, const json_t *x, double ref)
{
    char t[40];
    aiops_buf_printf(b, "%s = ", str(x, "series"));
    num_text(b, num(x, "value"));
    if (isfinite(num(x, "expected"))) {
        aiops_buf_str(b, " (expected ");
        num_text(b, num(x, "expected"));
        aiops_buf_str(b, ")");
    }
    if (isfinite(num(x, "score"))) {
        aiops_buf_str(b, ", score ");
        num_text(b, num(x, "score"));
    }
    double st = isfinite(num(x, "start")) ? num(x, "start") : num(x, "ts");
    if (isfinite(st))
        aiops_buf_printf(b, ", since %s", when(st, ref, t));
}

/* "the 60 min before" (the baseline window of the context) */
static void baseline(aiops_buf *b, const json_t *ctx)
{
    aiops_buf_str(b, "the ");
    duration(b, isfinite(num(ctx, "baseline")) ? num(ctx, "baseline") : 3600);
    aiops_buf_str(b, " before");
}

static void log_line(aiops_buf *b, const json_t *x, const json_t *ctx)
{
    if (json_is_true(json_object_get(x, "new")))
        aiops_buf_printf(b, "[new] %lld lines", (long long)json_integer_value(json_object_get(x, "count")));
    else {
        aiops_buf_printf(b, "%lld lines (%lld in ", (long long)json_integer_value(json_object_get(x, "count")),
                         (long long)json_integer_value(json_object_get(x, "before")));
        baseline(b, ctx);
        aiops_buf_str(b, ", ");
        num_text(b, num(x, "ratio"));
        aiops_buf_str(b, "x the rate)");
    }
    aiops_buf_printf(b, ": \"%s\"", str(x, "template"));
    if (str(x, "example"))
        aiops_buf_printf(b, "\n  e.g. \"%s\"", str(x, "example"));
}

static void rca_line(aiops_buf *b, const json_t *x, size_t i)
{
    aiops_buf_printf(b, "%zu. %s", i + 1, str(x, "service"));
    if (isfinite(num(x, "score"))) {
        aiops_buf_str(b, " (score ");
        num_text(b, num(x, "score"));
        aiops_buf_str(b, ")");
    }
    size_t j;
    json_t *e;
    json_array_foreach(json_object_get(x, "evidence"), j, e)
        aiops_buf_printf(b, "%s%s", j ? "; " : ": ", json_string_value(e));
}

static void similar_line(aiops_buf *b, const json_t *x)
{
    aiops_buf_printf(b, "%s (similarity %.2f", str(x, "incident") ? str(x, "incident") : "?",
                     num(x, "similarity"));
    if (str(x, "signature"))
        aiops_buf_printf(b, ", %s", str(x, "signature"));
    aiops_buf_str(b, ")");
    if (str(x, "title"))
        aiops_buf_printf(b, ": %s", str(x, "title"));
    aiops_buf_printf(b, "; resolution: %s", str(x, "resolution") ? str(x, "resolution") : "not recorded");
}

static void header(aiops_buf *b, const json_t *inc)
{
    char t1[40], t2[40];
    aiops_buf_printf(b, "Incident %s", str(inc, "id"));
    if (str(inc, "title"))
        aiops_buf_printf(b, ": %s", str(inc, "title"));
    aiops_buf_printf(b, "\nWindow: %s to %s (", sum_time(num(inc, "start"), t1),
                     isfinite(num(inc, "end")) ? sum_time(num(inc, "end"), t2) : "still open");
    duration(b, num(inc, "end") - num(inc, "start"));
    aiops_buf_str(b, ")\nServices: ");
    services(b, json_object_get(inc, "services"), 20);
    if (json_integer_value(json_object_get(inc, "alerts")))
        aiops_buf_printf(b, "\nAlerts grouped: %lld", (long long)json_integer_value(json_object_get(inc, "alerts")));
    aiops_buf_str(b, "\n");
}

void aiops_sum_context_text(const json_t *ctx, aiops_buf *b)
{
    const json_t *inc = json_object_get(ctx, "incident"), *x;
    double ref = num(inc, "start");
    size_t i;
    header(b, inc);
    aiops_buf_printf(b, "Fault signature (rule-based): %s\n", str(ctx, "signature"));
    struct {
        const char *key, *title;
    } sec[] = {{"anomalies", "Anomalous metrics"},
               {"rca", "Root-cause candidates"},
               {"changes", "Changes and Kubernetes events before onset and during"},
               {"predictions", "Predictions that fired"},
               {"logs", "Log templates new or much more frequent during the incident"},
               {"similar", "Similar past incidents"}};
    for (size_t k = 0; k < sizeof sec / sizeof *sec; k++) {
        const json_t *arr = json_object_get(ctx, sec[k].key);
        if (!json_array_size(arr))
            continue;
        aiops_buf_printf(b, "\n%s:\n", sec[k].title);
        json_array_foreach(arr, i, x) {
            if (k != 1)
                aiops_buf_str(b, "- ");
            switch (k) {
            case 0: anomaly_line(b, x, ref); break;
            case 1: rca_line(b, x, i); break;
            case 2: change_line(b, x, ref); break;
            case 3: {
                char t[40];
                aiops_buf_printf(b, "%s %s", when(num(x, "ts"), ref, t), str(x, "kind") ? str(x, "kind") : "prediction");
                if (str(x, "service"))
                    aiops_buf_printf(b, " %s", str(x, "service"));
                if (isfinite(num(x, "eta")))
                    aiops_buf_printf(b, ", expected at %s", when(num(x, "eta"), ref, t));
                if (str(x, "message"))
                    aiops_buf_printf(b, ": %s", str(x, "message"));
                break;
            }
            case 4: log_line(b, x, ctx); break;
            default: similar_line(b, x); break;
            }
            aiops_buf_str(b, "\n");
        }
    }
    if (json_integer_value(json_object_get(ctx, "dropped")))
        aiops_buf_printf(b, "\n(%lld less informative items left out for size)\n",
                         (long long)json_integer_value(json_object_get(ctx, "dropped")));
}

/* ------------------------------------------------------ offline summary */

static void heading(aiops_buf *b, int md, const char *h)
{
    if (md)
        aiops_buf_printf(b, "\n### %s\n\n", h);
    else
        aiops_buf_printf(b, "\n%s\n", h);
}

void aiops_sum_offline(const json_t *ctx, int md, aiops_buf *b)
{
    const json_t *inc = json_object_get(ctx, "incident"), *x;
    const json_t *an = json_object_get(ctx, "anomalies"), *rc = json_object_get(ctx, "rca");
    const json_t *ch = json_object_get(ctx, "changes"), *lg = json_object_get(ctx, "logs");
    const json_t *pr = json_object_get(ctx, "predictions"), *sim = json_object_get(ctx, "similar");
    const char *sig = str(ctx, "signature") ? str(ctx, "signature") : aiops_sum_signature(ctx);
    double start = num(inc, "start"), end = num(inc, "end");
    char t1[40], t2[40];
    size_t i;

    if (md)
        aiops_buf_printf(b, "## Incident %s", str(inc, "id"));
    else
        aiops_buf_printf(b, "Incident %s", str(inc, "id"));
    if (str(inc, "title"))
        aiops_buf_printf(b, ": %s", str(inc, "title"));
    aiops_buf_str(b, "\n");

    heading(b, md, "What happened");
    aiops_buf_printf(b, "From %s", sum_time(start, t1));
    if (isfinite(end))
        aiops_buf_printf(b, " to %s (", sum_time(end, t2)), duration(b, end - start), aiops_buf_str(b, ")");
    else
        aiops_buf_str(b, " (still open at the end of the input)");
    aiops_buf_str(b, ", ");
    services(b, json_object_get(inc, "services"), 6);
    size_t na = json_array_size(an);
    if (na) {
        const json_t *a = json_array_get(an, 0);
        aiops_buf_printf(b, " showed %zu anomalous metric%s. The largest deviation was %s at ", na,
                         na == 1 ? "" : "s", str(a, "series"));
        num_text(b, num(a, "value"));
        if (isfinite(num(a, "expected")))
            aiops_buf_str(b, " against an expected "), num_text(b, num(a, "expected"));
        if (isfinite(num(a, "score")))
            aiops_buf_str(b, " (score "), num_text(b, num(a, "score")), aiops_buf_str(b, ")");
        aiops_buf_str(b, ".");
    } else
        aiops_buf_str(b, " had an incident without anomalous metrics in the input.");
    size_t nnew = 0, nmore = 0;
    json_array_foreach(lg, i, x) {
        if (json_is_true(json_object_get(x, "new")))
            nnew++;
        else
            nmore++;
    }
    if (nnew || nmore) {
        aiops_buf_printf(b, " The logs show ");
        if (nnew)
            aiops_buf_printf(b, "%zu message template%s not seen before", nnew, nnew == 1 ? "" : "s");
        if (nnew && nmore)
            aiops_buf_str(b, " and ");
        if (nmore)
            aiops_buf_printf(b, "%zu template%s much more frequent than in ", nmore,
                             nmore == 1 ? "" : "s"), baseline(b, ctx);
        aiops_buf_str(b, ".");
    }
    aiops_buf_str(b, "\n");

    heading(b, md, "Impact");
    aiops_buf_printf(b, "%zu service%s affected (", json_array_size(json_object_get(inc, "services")),
                     json_array_size(json_object_get(inc, "services")) == 1 ? "" : "s");
    services(b, json_object_get(inc, "services"), 6);
    aiops_buf_str(b, "), ");
    if (isfinite(end))
        aiops_buf_str(b, "for "), duration(b, end - start);
    else
        aiops_buf_str(b, "not resolved in the input");
    long long nal = json_integer_value(json_object_get(inc, "alerts")),
              nn = (long long)json_number_value(json_object_get(inc, "anomalies"));
    if (nal || nn) {
        aiops_buf_str(b, "; ");
        if (nal)
            aiops_buf_printf(b, "%lld alert%s%s", nal, nal == 1 ? "" : "s", nn ? " and " : "");
        if (nn)
            aiops_buf_printf(b, "%lld anomal%s", nn, nn == 1 ? "y" : "ies");
        aiops_buf_printf(b, " %s grouped into this incident", nal + nn == 1 ? "was" : "were");
    }
    aiops_buf_str(b, ".\n");

    heading(b, md, "Probable cause");
    size_t said = 0;
    const char *bullet = md ? "- " : "- ";
    if (json_array_size(rc)) {
        const json_t *c0 = json_array_get(rc, 0);
        aiops_buf_printf(b, "%sThe top root-cause candidate is %s", bullet, str(c0, "service"));
        if (isfinite(num(c0, "score")))
            aiops_buf_str(b, " (score "), num_text(b, num(c0, "score")), aiops_buf_str(b, ")");
        size_t j;
        json_t *e;
        json_array_foreach(json_object_get(c0, "evidence"), j, e)
            aiops_buf_printf(b, "%s%s", j ? "; " : ": ", json_string_value(e));
        if (json_array_size(rc) > 1)
            aiops_buf_printf(b, " (next: %s)", str(json_array_get(rc, 1), "service"));
        aiops_buf_str(b, ".\n");
        said++;
    }
    json_array_foreach(ch, i, x) {
        const char *k = str(x, "kind");
        double ts = num(x, "ts");
        if (!k || !(!strcmp(k, "deploy") || !strcmp(k, "config")) || ts > start)
            continue;
        aiops_buf_printf(b, "%sA %s", bullet, k);
        if (str(x, "service"))
            aiops_buf_printf(b, " of %s", str(x, "service"));
        if (str(x, "version"))
            aiops_buf_printf(b, " (%s)", str(x, "version"));
        if (str(x, "author"))
            aiops_buf_printf(b, " by %s", str(x, "author"));
        aiops_buf_printf(b, " happened at %s, ", when(ts, start, t1));
        duration(b, start - ts);
        aiops_buf_str(b, " before onset.\n");
        said++;
    }
    json_array_foreach(lg, i, x) {
        if (i >= 3)
            break;
        aiops_buf_printf(b, "%sLog template \"%s\": %lld lines during the incident", bullet,
                         str(x, "template"), (long long)json_integer_value(json_object_get(x, "count")));
        if (json_is_true(json_object_get(x, "new")))
            aiops_buf_str(b, ", never seen before");
        else {
            aiops_buf_printf(b, " against %lld in ", (long long)json_integer_value(json_object_get(x, "before")));
            baseline(b, ctx);
            aiops_buf_str(b, " (");
            num_text(b, num(x, "ratio"));
            aiops_buf_str(b, "x the rate)");
        }
        if (str(x, "example"))
            aiops_buf_printf(b, md ? "; for example `%s`" : "; for example \"%s\"", str(x, "example"));
        aiops_buf_str(b, ".\n");
        said++;
    }
    if (!said && str(ctx, "rca_note"))
        aiops_buf_printf(b, "%s%s.\n", bullet, str(ctx, "rca_note"));
    else if (!said)
        aiops_buf_printf(b, "%sThe input holds no root-cause ranking, change or log evidence for this incident.\n", bullet);
    aiops_buf_printf(b, "%sFault signature (rule-based): %s.\n", bullet, sig);

    heading(b, md, "Timeline");
    /* merge changes, anomaly starts and predictions with start/end by time */
    typedef struct ev {
        double ts;
        int kind;
        const json_t *x;
    } ev;
    size_t cap = json_array_size(ch) + json_array_size(an) + json_array_size(pr) + 2, n = 0;
    ev *v = malloc(cap * sizeof *v);
    if (v) {
        json_array_foreach(ch, i, x) v[n++] = (ev){num(x, "ts"), 0, x};
        json_array_foreach(pr, i, x) v[n++] = (ev){num(x, "ts"), 1, x};
        json_array_foreach(an, i, x) {
            double st = isfinite(num(x, "start")) ? num(x, "start") : num(x, "ts");
            v[n++] = (ev){st, 2, x};
        }
        v[n++] = (ev){start, 3, inc};
        if (isfinite(end))
            v[n++] = (ev){end, 4, inc};
        for (size_t a = 1; a < n; a++)   /* stable insertion sort: small n */
            for (size_t c = a; c > 0 && v[c - 1].ts > v[c].ts; c--) {
                ev t = v[c];
                v[c] = v[c - 1], v[c - 1] = t;
            }
        for (size_t a = 0; a < n; a++) {
            aiops_buf_str(b, "- ");
            switch (v[a].kind) {
            case 0: change_line(b, v[a].x, start); break;
            case 1:
                aiops_buf_printf(b, "%s prediction %s", when(v[a].ts, start, t1),
                                 str(v[a].x, "kind") ? str(v[a].x, "kind") : "");
                if (str(v[a].x, "service"))
                    aiops_buf_printf(b, " for %s", str(v[a].x, "service"));
                break;
            case 2:
                aiops_buf_printf(b, "%s anomaly: ", when(v[a].ts, start, t1));
                anomaly_line(b, v[a].x, start);
                break;
            case 3: aiops_buf_printf(b, "%s incident starts", when(v[a].ts, start, t1)); break;
            default: aiops_buf_printf(b, "%s incident ends", when(v[a].ts, start, t1)); break;
            }
            aiops_buf_str(b, "\n");
        }
        free(v);
    }

    if (json_array_size(sim)) {
        heading(b, md, "Similar past incidents");
        json_array_foreach(sim, i, x) {
            aiops_buf_str(b, "- ");
            similar_line(b, x);
            aiops_buf_str(b, "\n");
        }
    }

    heading(b, md, "Next steps");
    const rule *r = rule_of(sig);
    size_t k = 0;
    for (; r->steps[k]; k++)
        aiops_buf_printf(b, "%zu. %s\n", k + 1, r->steps[k]);
    if (json_array_size(sim) && str(json_array_get(sim, 0), "resolution"))
        aiops_buf_printf(b, "%zu. The most similar past incident (%s) was resolved by: %s\n", k + 1,
                         str(json_array_get(sim, 0), "incident"),
                         str(json_array_get(sim, 0), "resolution"));
}

/* ------------------------------------------------------ summary record */

json_t *aiops_sum_record(const json_t *ctx, const char *text, const char *generator)
{
    const json_t *inc = json_object_get(ctx, "incident");
    double ts = isfinite(num(inc, "end")) ? num(inc, "end") : num(inc, "start");
    json_t *r = json_object();
    json_object_set_new(r, "type", json_string("summary"));
    json_object_set_new(r, "ts", json_real(ts));
    json_object_set(r, "incident", json_object_get(inc, "id"));
    json_object_set_new(r, "text", json_string(text));
    json_object_set_new(r, "generator", json_string(generator));
    if (str(inc, "title"))
        json_object_set(r, "title", json_object_get(inc, "title"));
    json_object_set(r, "signature", json_object_get(ctx, "signature"));
    json_object_set(r, "features", json_object_get(ctx, "features"));
    return r;
}
