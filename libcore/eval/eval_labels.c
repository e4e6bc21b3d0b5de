/* eval_labels.c - ground truth for aiops-eval: `label` records (NDJSON),
 * or the incident list a team keeps, as CSV with a header
 * (start,end,root_cause[,kind,id,declared,affected,alerts,series]; list
 * fields separated by ';') or as a JSON array of such objects (or
 * {"incidents": [...]}).  NAB's combined_windows.json is accepted too and
 * read as NAB windows (aiops_eval_nab_windows). */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "eval/eval_impl.h"

#define MAX_COLS 32

static int label_exists(const aiops_eval *ev, const char *id)
{
    for (size_t i = 0; i < ev->nlab; i++)
        if (!strcmp(ev->lab[i].id, id))
            return 1;
    return 0;
}

static int fill_label(ev_label *l, const json_t *o, int strict, const char *file, long line,
                      aiops_err *err)
{
    const char *rc_svc, *kind;
    int rc = ev_get_time(o, "start", 0, &l->start, file, line, err);
    if (!rc)
        rc = ev_get_time(o, "end", 0, &l->end, file, line, err);
    if (!rc)
        rc = ev_get_time(o, "declared", 1, &l->declared, file, line, err);
    if (!rc && l->end < l->start)
        rc = aiops_err_set(err, AIOPS_EPARSE, file, line, "expected \"end\" >= \"start\"");
    if (!rc)
        rc = ev_get_str(o, "root_cause", &rc_svc, file, line, err);
    if (!rc)
        rc = ev_get_str(o, "kind", &kind, file, line, err);
    if (!rc && strict && (!rc_svc || !kind))
        rc = aiops_err_set(err, AIOPS_EPARSE, file, line,
                           "label: expected \"root_cause\" and \"kind\" strings");
    if (!rc)
        rc = ev_get_strs(o, "affected", &l->affected, file, line, err);
    if (!rc)
        rc = ev_get_strs(o, "alerts", &l->alerts, file, line, err);
    if (!rc)
        rc = ev_get_strs(o, "series", &l->series, file, line, err);
    if (rc)
        return rc;
    if ((rc_svc && !(l->root_cause = ev_strdup(rc_svc))) || (kind && !(l->kind = ev_strdup(kind))))
        return aiops_err_set(err, AIOPS_ENOMEM, file, line, "out of memory");
    return 0;
}

/* strict: a `label` record (docs/FORMAT.md: id, root_cause, kind required);
 * otherwise a team's incident entry (only start and end required). */
static int add_label(aiops_eval *ev, const json_t *o, int strict, const char *file, long line,
                     aiops_err *err)
{
    char idbuf[32];
    const char *id;
    int rc = ev_get_str(o, "id", &id, file, line, err);
    if (rc)
        return rc;
    if (!id && strict)
        return aiops_err_set(err, AIOPS_EPARSE, file, line, "label: expected an \"id\" string");
    if (!id) {
        snprintf(idbuf, sizeof idbuf, "incident-%zu", ev->nlab + 1);
        id = idbuf;
    }
    if (label_exists(ev, id))
        return 0;    /* the same label from --labels and from the stream */
    if (AIOPS_GROW(ev->lab, ev->caplab, ev->nlab + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, file, line, "out of memory");
    ev_label *l = &ev->lab[ev->nlab];
    memset(l, 0, sizeof *l);
    if (!(l->id = ev_strdup(id)))
        return aiops_err_set(err, AIOPS_ENOMEM, file, line, "out of memory");
    rc = fill_label(l, o, strict, file, line, err);
    if (rc) {
        ev_label_free(l);
        return rc;
    }
    ev->nlab++;
    return 1;
}

int ev_label_from_json(aiops_eval *ev, const json_t *o, const char *file, long line,
                       aiops_err *err)
{
    int rc = add_label(ev, o, 1, file, line, err);
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
        json_t *o = json_loadb(p, len, 0, &je);
        if (!json_is_object(o)) {
            json_decref(o);
            return aiops_err_set(err, AIOPS_EPARSE, path, line, "expected a JSON object per line%s%s",
                                 o ? "" : ": ", o ? "" : je.text);
        }
        const char *type = json_string_value(json_object_get(o, "type"));
        int rc = 0;
        if (!type || !strcmp(type, "label"))
            rc = add_label(ev, o, type != NULL, path, line, err);
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
        int rc = add_label(ev, o, json_object_get(o, "type") != NULL, path, 0, err);
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

/* Header name -> field name of a label ("Root cause" -> root_cause). */
static void norm_header(const char *h, char *out, size_t n)
{
    size_t k = 0;
    for (; *h && k + 1 < n; h++)
        out[k++] = (*h == ' ' || *h == '-') ? '_' : (char)tolower((unsigned char)*h);
    out[k] = '\0';
    if (!strcmp(out, "service") || !strcmp(out, "root_cause_service") || !strcmp(out, "cause"))
        snprintf(out, n, "root_cause");
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
        int list = !strcmp(hdr[i], "affected") || !strcmp(hdr[i], "alerts") || !strcmp(hdr[i], "series");
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
                norm_header(hdr[i], names[i], sizeof names[i]);
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
        int rc = add_label(ev, o, 0, path, line, err);
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
