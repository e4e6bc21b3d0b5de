/* fmt_deploy.c - deploy and change events as teams write them
 * (docs/FORMAT.md), one JSON object per line or a JSON array of them:
 *   {"service":"cart","version":"v2.3.1","author":"alice","ts":1700000000}
 *   {"ts":"2024-01-02T03:04:05Z","kind":"config","service":"cart","message":"pool 10->20"}
 *
 * Each object becomes an event record: ts (epoch seconds/ms/us/ns or
 * RFC 3339) is required, kind defaults to "deploy", service by attribution
 * (service, service_name, app, ...), then version, author, reason,
 * message, object, namespace, count as FORMAT.md names them; any other
 * field is kept after those, in its order.  Hand-written files need not
 * be in time order: `ordered = 0`, the reader sorts. */
#include <stdlib.h>
#include <string.h>

#include "formats/obs.h"

static const char *const string_fields[] = {
    "kind", "service", "service_name", "app", "app_kubernetes_io_name", "k8s_app",
    "container", "job", "version", "author", "reason", "message", "object", "namespace", NULL,
};

/* Fields of the event record itself; everything else is kept as is
 * (app, job, ... too: they only lend their value to "service"). */
static int is_known(const char *k)
{
    static const char *const own[] = { "type", "ts", "kind", "service", "reason", "message",
                                       "object", "namespace", "version", "author", "count",
                                       NULL };
    for (size_t i = 0; own[i]; i++)
        if (strcmp(k, own[i]) == 0)
            return 1;
    return 0;
}

/* The known string fields, type-checked. */
static int read_strings(aiops_jdoc *w, json_t *o, const char **val)
{
    int rc = 0;
    for (size_t i = 0; string_fields[i] && rc >= 0; i++)
        rc = aiops_jdoc_str(w, o, string_fields[i], 0, &val[i]);
    return rc < 0 ? rc : 0;
}

static const char *field(const char **val, const char *name)
{
    for (size_t i = 0; string_fields[i]; i++)
        if (strcmp(string_fields[i], name) == 0)
            return val[i];
    return NULL;
}

static const char *service_of(const char **val)
{
    static const char *const order[] = AIOPS_SERVICE_LABELS;
    for (size_t i = 0; order[i]; i++) {
        const char *s = field(val, order[i]);
        if (s && s[0])
            return s;
    }
    return NULL;
}

/* Unknown fields after the known ones, in their order. */
static int keep_rest(aiops_jdoc *w, json_t *src, json_t *dst)
{
    const char *k;
    json_t *v;
    json_object_foreach(src, k, v) {
        if (!is_known(k) && json_object_set(dst, k, v))
            return aiops_jdoc_fail(w, AIOPS_ENOMEM, "out of memory");
    }
    return 0;
}

static int load_event(aiops_jdoc *w, aiops_obs_queue *q, json_t *o)
{
    const char *val[sizeof string_fields / sizeof *string_fields] = { 0 };
    int64_t count = 0;
    int rc;
    double ts;
    if (!json_is_object(o))
        return aiops_jdoc_bad(w, "expected a deploy/change event object, got %s",
                              aiops_jdoc_type(o));
    if ((rc = aiops_jdoc_epoch(w, o, "ts", AIOPS_OBS_REQ, &ts)) < 0 ||
        (rc = read_strings(w, o, val)) < 0 ||
        (rc = aiops_jdoc_int(w, o, "count", AIOPS_JDOC_INTTEXT, INT64_MIN, INT64_MAX, &count)) < 0)
        return rc;
    int have_count = rc > 0;
    const char *kind = field(val, "kind");
    aiops_obs_event e = {
        .kind = kind && kind[0] ? kind : "deploy", .service = service_of(val),
        .reason = field(val, "reason"), .message = field(val, "message"),
        .object = field(val, "object"), .ns = field(val, "namespace"),
        .version = field(val, "version"), .author = field(val, "author"),
        .count = count, .has_count = have_count,
    };
    json_t *rec = aiops_obs_event_json(&e);
    if (rec && (rc = keep_rest(w, o, rec)) < 0) {
        json_decref(rec);
        return rc;
    }
    return aiops_obs_push(w, q, AIOPS_R_EVENT, ts, rec);
}

static int load_top(aiops_jdoc *w, aiops_obs_queue *q, json_t *v)
{
    if (json_is_object(v))
        return load_event(w, q, v);
    return aiops_obs_each(w, q, v, NULL, load_event);
}

static const aiops_obs_spec spec = {
    .mode = AIOPS_OBS_AUTO,
    .what = "a deploy/change event JSON object or array",
    .sort = 0,
    .load = load_top,
};

static int deploy_open(void **state, aiops_parse_ctx *ctx, aiops_err *err)
{
    return aiops_obs_spec_open(state, ctx, &spec, err);
}

/* "ts" with a service and a version/author/kind, and no "type" (that
 * would be our own stream). */
static int deploy_probe(const char *entry, const char *head, size_t n)
{
    static const char *const svc[] = { "service", "service_name", "app", NULL };
    static const char *const what[] = { "version", "author", "kind", NULL };
    size_t p = aiops_jhead_start(head, n);
    int d, s = 0, k = 0;
    (void)entry;
    if (p >= n || (head[p] != '{' && head[p] != '['))
        return 0;
    d = head[p] == '[' ? 2 : 1;
    if (!aiops_jhead_member(head, n, d, "ts", NULL) || aiops_jhead_member(head, n, d, "type", NULL))
        return 0;
    for (size_t i = 0; svc[i]; i++)
        s |= aiops_jhead_member(head, n, d, svc[i], NULL);
    for (size_t i = 0; what[i]; i++)
        k |= aiops_jhead_member(head, n, d, what[i], NULL);
    return s && k ? 80 : 0;
}

const aiops_format aiops_fmt_deploy = {
    .name = "deploy",
    .desc = "deploy/change events: {\"service\",\"version\",\"author\",\"ts\"} JSON lines or array",
    .ordered = 0,
    .probe = deploy_probe,
    .open = deploy_open,
    .next = aiops_obs_spec_next,
    .close = aiops_obs_spec_close,
};
