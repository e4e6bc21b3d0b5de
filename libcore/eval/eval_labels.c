/* eval_labels.c - ground truth for aiops-eval: `label` records (NDJSON),
 * or the incident list a team keeps or its paging tool exports, as CSV with
 * a header (list fields separated by ';') or as a JSON array of objects (or
 * {"incidents": [...]}).  One rule for all of them: only the start is
 * required, the names of common incident exports are accepted, and every
 * problem of an entry is reported at once (docs/EVALUATION.md, "Ground
 * truth").  NAB's combined_windows.json is accepted too and read as NAB
 * windows (aiops_eval_nab_windows). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "common/buf.h"
#include "common/jdoc.h"
#include "eval/eval_impl.h"

#define MAX_COLS 32

static int label_exists(const aiops_eval *ev, const char *id)
{
    for (size_t i = 0; i < ev->nlab; i++)
        if (!strcmp(ev->lab[i].id, id))
            return 1;
    return 0;
}

/* The names a label field goes by in incident exports (PagerDuty,
 * Opsgenie, incident.io, Jira, Statuspage, ServiceNow, ...): the first
 * one an entry has is used.  Compared after norm_name. */
static const char *const start_names[] = {
    "start", "started_at", "start_time", "starts_at", "started", "created_at", "created_on",
    "created", "opened_at", "opened", "triggered_at", "reported_at", "impact_start_date", NULL};
static const char *const end_names[] = {
    "end", "ended_at", "end_time", "ends_at", "ended", "resolved_at", "resolved_on", "resolved",
    "closed_at", "closed_on", "closed", "impact_end_date", NULL};
static const char *const declared_names[] = {"declared", "declared_at", NULL};
static const char *const id_names[] = {
    "id", "incident_id", "incident_number", "number", "issue_key", "reference", "tiny_id", NULL};
static const char *const cause_names[] = {
    "root_cause", "root_cause_service", "service", "service_name", "cause", "component", NULL};
static const char *const kind_names[] = {"kind", "incident_type", "category", NULL};
static const char *const affected_names[] = {
    "affected", "affected_services", "impacted_services", "services", NULL};
static const char *const alerts_names[] = {"alerts", NULL};
static const char *const series_names[] = {"series", NULL};

/* The value of the first of names that o has (null and "" count as
 * absent); *name gets that name. */
static json_t *field(const json_t *o, const char *const *names, const char **name)
{
    for (size_t i = 0; names[i]; i++) {
        json_t *v = json_object_get(o, names[i]);
        if (v && !json_is_null(v) && !(json_is_string(v) && !json_string_length(v))) {
            *name = names[i];
            return v;
        }
    }
    *name = names[0];
    return NULL;
}

/* One problem more for the entry's message ("; "-separated). */
static void problem(aiops_buf *b, const char *fmt, const char *name)
{
    if (b->n)
        aiops_buf_str(b, "; ");
    aiops_buf_printf(b, fmt, name);
}

static void get_time(const json_t *o, const char *const *names, double *out, aiops_buf *b)
{
    const char *name;
    json_t *v = field(o, names, &name);
    *out = NAN;
    if (!v)
        return;
    if (json_is_number(v))
        *out = json_number_value(v);
    else if (json_is_string(v) && aiops_parse_time(json_string_value(v), json_string_length(v), out))
        *out = NAN;
    if (!isfinite(*out))
        problem(b, "\"%s\": expected epoch seconds or an RFC 3339 time", name);
}

/* A string field; a whole number is taken as its decimal text (incident
 * numbers).  *out is owned by the caller, NULL when absent. */
static int get_text(const json_t *o, const char *const *names, char **out, aiops_buf *b)
{
    const char *name;
    json_t *v = field(o, names, &name);
    char num[32];
    *out = NULL;
    if (!v)
        return 0;
    if (json_is_integer(v))
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (!json_is_string(v)) {
        problem(b, "\"%s\": expected a string", name);
        return 0;
    }
    return (*out = ev_strdup(json_is_string(v) ? json_string_value(v) : num)) ? 0 : AIOPS_ENOMEM;
}

static int get_list(const json_t *o, const char *const *names, ev_strs *s, aiops_buf *b,
                    aiops_err *err)
{
    const char *name;
    json_t *v = field(o, names, &name), *x;
    size_t i;
    memset(s, 0, sizeof *s);
    if (!v)
        return 0;
    if (!json_is_array(v)) {
        problem(b, "\"%s\": expected an array of strings", name);
        return 0;
    }
    json_array_foreach(v, i, x) {
        if (!json_is_string(x)) {
            problem(b, "\"%s\": expected an array of strings", name);
            return 0;
        }
    }
    return ev_get_strs(o, name, s, NULL, 0, err);
}

/* Every label input has one rule (docs/EVALUATION.md): only the start is
 * required; the end defaults to the start and the id to "incident-N".
 * All problems of an entry are reported at once. */
static int fill_label(aiops_eval *ev, ev_label *l, const json_t *o, const char *file, long line,
                      aiops_err *err)
{
    aiops_buf b = {0};
    int rc = 0;
    get_time(o, start_names, &l->start, &b);
    if (!field(o, start_names, &(const char *){NULL})) {
        problem(&b, "expected a start time (%s", start_names[0]);
        for (size_t i = 1; start_names[i]; i++)
            aiops_buf_printf(&b, ", %s", start_names[i]);
        aiops_buf_str(&b, ")");
    }
    get_time(o, end_names, &l->end, &b);
    if (!field(o, end_names, &(const char *){NULL}))
        l->end = l->start;
    get_time(o, declared_names, &l->declared, &b);
    if (!field(o, declared_names, &(const char *){NULL}))
        l->declared = NAN;
    const char *end_name;
    if (field(o, end_names, &end_name) && l->end < l->start)
        problem(&b, "\"%s\": expected a time at or after the start", end_name);
    if (get_text(o, id_names, &l->id, &b) || get_text(o, cause_names, &l->root_cause, &b) ||
        get_text(o, kind_names, &l->kind, &b))
        rc = AIOPS_ENOMEM;
    if (!rc && (rc = get_list(o, affected_names, &l->affected, &b, err)) == 0 &&
        (rc = get_list(o, alerts_names, &l->alerts, &b, err)) == 0)
        rc = get_list(o, series_names, &l->series, &b, err);
    if (!rc && !l->id && !b.n) {
        char id[32];
        snprintf(id, sizeof id, "incident-%zu", ev->nlab + 1);
        if (!(l->id = ev_strdup(id)))
            rc = AIOPS_ENOMEM;
    }
    if (rc == AIOPS_ENOMEM || (!rc && b.oom))
        rc = aiops_err_set(err, AIOPS_ENOMEM, file, line, "out of memory");
    else if (!rc && b.n)
        rc = aiops_err_set(err, AIOPS_EPARSE, file, line, "%s", b.p);
    else if (rc)
        aiops_err_locate(err, file, line);
    aiops_buf_free(&b);
    return rc;
}

/* A label record or a team's incident entry: one rule for both. */
static int add_label(aiops_eval *ev, const json_t *o, const char *file, long line, aiops_err *err)
{
    if (AIOPS_GROW(ev->lab, ev->caplab, ev->nlab + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, file, line, "out of memory");
    ev_label *l = &ev->lab[ev->nlab];
    memset(l, 0, sizeof *l);
    int rc = fill_label(ev, l, o, file, line, err);
    if (!rc && label_exists(ev, l->id))
        rc = 1;   /* the same label from --labels and from the stream */
    if (rc) {
        ev_label_free(l);
        return rc < 0 ? rc : 0;
    }
    ev->nlab++;
    return 1;
}

int ev_label_from_json(aiops_eval *ev, const json_t *o, const char *file, long line,
                       aiops_err *err)
{
    int rc = add_label(ev, o, file, line, err);
    return rc < 0 ? rc : 0;
}

/* NDJSON: label records; other record types are ignored, objects without
 * "type" are incident entries. */
static int load_ndjson(aiops_eval *ev, const char *path, char *data, aiops_err *err)
{
    long line = 0;
    int n = 0;
    for (char *p = data, *nl; *p; p = nl ? nl + 1 : p + strlen(p)) {
        nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        line++;
        size_t i = 0;
        while (i < len && isspace((unsigned char)p[i]))
            i++;
        if (i == len || p[i] == '#')
            continue;
        json_error_t je;
        json_t *o = aiops_json_loadb(p, len, 0, &je);
        if (!json_is_object(o)) {
            json_decref(o);
            return aiops_err_set(err, AIOPS_EPARSE, path, line, "expected a JSON object per line%s%s",
                                 o ? "" : ": ", o ? "" : je.text);
        }
        const char *type = json_string_value(json_object_get(o, "type"));
        int rc = 0;
        if (!type || !strcmp(type, "label"))
            rc = add_label(ev, o, path, line, err);
        json_decref(o);
        if (rc < 0)
            return rc;
        n += rc;
    }
    return n;
}

static int load_array(aiops_eval *ev, const char *path, const json_t *a, aiops_err *err)
{
    size_t i;
    json_t *o;
    int n = 0;
    json_array_foreach(a, i, o) {
        if (!json_is_object(o))
            return aiops_err_set(err, AIOPS_EPARSE, path, 0, "incident %zu: expected an object",
                                 i + 1);
        int rc = add_label(ev, o, path, 0, err);
        if (rc < 0) {
            char m[sizeof err->msg];
            snprintf(m, sizeof m, "incident %zu: %s", i + 1, err ? err->msg : "");
            return aiops_err_set(err, rc, path, 0, "%s", m);
        }
        n += rc;
    }
    return n;
}

/* ---- CSV */

/* Split one CSV line into at most MAX_COLS fields (RFC 4180 quotes);
 * fields are NUL-terminated in place.  Returns the count or -1. */
static int csv_split(char *s, char **f)
{
    int n = 0;
    for (;;) {
        if (n == MAX_COLS)
            return -1;
        char *w = s;
        f[n++] = w;
        if (*s == '"') {
            s++;
            for (;;) {
                if (!*s)
                    return -1;
                if (*s == '"' && s[1] == '"') {
                    *w++ = '"';
                    s += 2;
                } else if (*s == '"') {
                    s++;
                    break;
                } else {
                    *w++ = *s++;
                }
            }
            if (*s && *s != ',')
                return -1;
        } else {
            while (*s && *s != ',')
                *w++ = *s++;
        }
        int more = *s == ',';
        if (*s)
            s++;
        *w = '\0';
        if (!more)
            return n;
    }
}

/* The compared form of a column or field name: lowercase, spaces, dashes
 * and dots as '_', surrounding blanks and a UTF-8 byte order mark dropped
 * ("Created On" -> created_on, "Root cause" -> root_cause). */
static void norm_name(const char *h, char *out, size_t n)
{
    size_t k = 0;
    if (!strncmp(h, "\xEF\xBB\xBF", 3))
        h += 3;
    while (*h == ' ' || *h == '\t')
        h++;
    for (; *h && k + 1 < n; h++)
        out[k++] = (*h == ' ' || *h == '-' || *h == '.') ? '_' : (char)tolower((unsigned char)*h);
    while (k && out[k - 1] == '_')
        k--;
    out[k] = '\0';
}

static json_t *list_value(const char *v)
{
    json_t *a = json_array();
    while (a && *v) {
        const char *e = strchr(v, ';');
        size_t len = e ? (size_t)(e - v) : strlen(v);
        while (len && *v == ' ') {
            v++;
            len--;
        }
        if (len)
            json_array_append_new(a, json_stringn(v, len));
        v += len + (e != NULL);
    }
    return a;
}

static json_t *csv_object(char **hdr, int nh, char **f)
{
    json_t *o = json_object();
    for (int i = 0; o && i < nh; i++) {
        if (!*f[i])
            continue;
        int list = 0;
        for (const char *const *l = affected_names; *l && !list; l++)
            list = !strcmp(hdr[i], *l);
        list |= !strcmp(hdr[i], "alerts") || !strcmp(hdr[i], "series");
        json_object_set_new(o, hdr[i], list ? list_value(f[i]) : json_string(f[i]));
    }
    return o;
}

static int load_csv(aiops_eval *ev, const char *path, char *data, aiops_err *err)
{
    char *hdr[MAX_COLS], *f[MAX_COLS], names[MAX_COLS][64];
    int nh = -1, n = 0;
    long line = 0;
    for (char *p = data, *nl; *p; p = nl ? nl + 1 : p + strlen(p)) {
        nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        size_t len = strlen(p);
        if (len && p[len - 1] == '\r')
            p[len - 1] = '\0';
        line++;
        if (!*p || *p == '#')
            continue;
        int nf = csv_split(p, nh < 0 ? hdr : f);
        if (nf < 0)
            return aiops_err_set(err, AIOPS_EPARSE, path, line,
                                 "expected CSV fields (at most %d, quotes closed)", MAX_COLS);
        if (nh < 0) {
            for (int i = 0; i < nf; i++) {
                norm_name(hdr[i], names[i], sizeof names[i]);
                hdr[i] = names[i];
            }
            nh = nf;
            continue;
        }
        if (nf != nh)
            return aiops_err_set(err, AIOPS_EPARSE, path, line, "expected %d fields, got %d", nh, nf);
        json_t *o = csv_object(hdr, nh, f);
        if (!o)
            return aiops_err_set(err, AIOPS_ENOMEM, path, line, "out of memory");
        int rc = add_label(ev, o, path, line, err);
        json_decref(o);
        if (rc < 0)
            return rc;
        n += rc;
    }
    return n;
}

int aiops_eval_load_labels(aiops_eval *ev, const char *path, aiops_err *err)
{
    char *data;
    size_t len;
    int rc = ev_slurp(path, &data, &len, err);
    if (rc)
        return rc;
    if (!aiops_utf8_valid(data, len)) {
        free(data);
        return aiops_err_set(err, AIOPS_EPARSE, path, 0, "expected UTF-8 text");
    }
    const char *p = data;
    while (isspace((unsigned char)*p))
        p++;
    json_t *doc = NULL;
    if (*p == '[' || *p == '{')
        doc = json_loadb(data, len, 0, NULL);
    json_t *arr = json_is_array(doc) ? doc : json_object_get(doc, "incidents");
    if (!arr && ev_is_nab_windows(doc))
        rc = ev_nab_windows_doc(ev, doc, path, err);
    else if (json_is_array(arr))
        rc = load_array(ev, path, arr, err);
    else if (*p == '[') {
        json_error_t je;
        json_decref(json_loadb(data, len, 0, &je));
        rc = aiops_err_set(err, AIOPS_EPARSE, path, je.line, "expected a JSON array of incidents: %s",
                           je.text);
    } else if (*p == '{')
        rc = load_ndjson(ev, path, data, err);
    else
        rc = load_csv(ev, path, data, err);
    json_decref(doc);
    free(data);
    return rc;
}
