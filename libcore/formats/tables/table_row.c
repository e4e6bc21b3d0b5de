/* table_row.c - one row of a generic table (cells of a CSV/TSV record)
 * into records, the columns' roles from colmap.h:
 *  - samples, long: ts, value, and the series column or name + labels;
 *  - samples, wide (no value column): one sample per other column, the
 *    header as the metric name (docs/FORMAT.md's foreign-name rule makes it
 *    valid: "CpuUsage(m)" -> "CpuUsage_m_"); empty cells give none;
 *  - spans: ts (start), ids, parent ("", "root", "null", "none", "-" or
 *    all zeros: none), service, operation, duration in its unit, status;
 *  - alerts: a firing alert at ts, name, service, labels (alertname
 *    included) and Alertmanager's fingerprint of them; annotations=
 *    columns are annotations, outside the fingerprint (a ground-truth
 *    column belongs there: as a label it would split one alert series
 *    into one per answer).
 * labels=COL columns give one label each, named after the column; the
 * columns without a role join them (samples, alerts) or become attributes
 * (spans).  service=COL:pod takes the pod's workload as the service (the
 * k8s-events rule, obs.h) and keeps the pod as a `pod` label/attribute.
 * Series are cached by the text of their cells, so a known series costs
 * one hash lookup. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "common/jdoc.h"
#include "formats/alerts/alerts.h"
#include "formats/obs.h"
#include "formats/tables/table.h"

#define NAME_MAX_B 256          /* bytes of a label name, a service */

int aiops_tbl_columns(aiops_tbl_state *st, aiops_err *err)
{
    aiops_colmap *m = &st->map;
    size_t n = st->nhdr;
    st->used = calloc(n ? n : 1, 1);
    st->extra = calloc(n ? n : 1, sizeof *st->extra);
    st->lname = calloc(n ? n : 1, sizeof *st->lname);
    if (!st->used || !st->extra || !st->lname)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    for (int r = 0; r < AIOPS_ROLE__N; r++)
        for (int k = 0; k < m->ncol[r]; k++)
            for (size_t i = 0; i < n; i++)
                if (strcmp(st->hdr[i], m->col[r][k]) == 0) {
                    st->col[r][k] = (int)i;
                    st->used[i] = 1;
                    break;
                }
    for (size_t i = 0; i < n; i++) {
        char b[NAME_MAX_B];
        size_t bl = aiops_sanitize_name(st->hdr[i], strlen(st->hdr[i]), b, sizeof b);
        if (!(st->lname[i] = strndup(b, bl)))
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        if (!st->used[i])
            st->extra[st->nextra++] = i;
    }
    if (m->wide) {   /* the unused columns are the series */
        st->vcol = st->extra;
        st->nv = st->nextra;
        st->extra = NULL;
        st->nextra = 0;
        st->vsid = malloc((st->nv ? st->nv : 1) * sizeof *st->vsid);
        st->vval = malloc((st->nv ? st->nv : 1) * sizeof *st->vval);
        st->vhas = malloc(st->nv ? st->nv : 1);
        if (!st->vsid || !st->vval || !st->vhas)
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    return 0;
}

/* -------------------------------------------------------------- cells */

typedef struct row {
    aiops_tbl_state *st;
    aiops_series_table *tab;
    const char *file;
    aiops_err *err;
    char svc[NAME_MAX_B];    /* the service (the pod's workload with :pod) */
    const char *pod;         /* the pod, with :pod */
} row;

static const char *cell(const row *w, int r, int k)
{
    return aiops_tbl_cell(&w->st->cells, (size_t)w->st->col[r][k]);
}

static size_t cell_len(const row *w, int r, int k)
{
    return w->st->cells.len[w->st->col[r][k]];
}

static int cell_err(const row *w, size_t col, const char *what)
{
    char q[64];
    const aiops_tbl_cells *c = &w->st->cells;
    aiops_snip(aiops_tbl_cell(c, col), c->len[col], q, sizeof q);
    return aiops_err_set(w->err, AIOPS_EPARSE, w->file, c->line, "column %.100s: %s, got '%s'",
                         w->st->hdr[col], what, q);
}

static int row_time(row *w, double *ts)
{
    int c = w->st->col[AIOPS_ROLE_TS][0];
    if (aiops_parse_time(cell(w, AIOPS_ROLE_TS, 0), cell_len(w, AIOPS_ROLE_TS, 0), ts) == 0)
        return 0;
    return cell_err(w, (size_t)c, "expected a time (epoch seconds, ms, us or ns, or "
                    "2024-01-02 03:04:05)");
}

static int number(row *w, size_t col, double *v)
{
    const aiops_tbl_cells *c = &w->st->cells;
    if (aiops_parse_double(aiops_tbl_cell(c, col), c->len[col], v) == 0)
        return 0;
    return cell_err(w, col, w->st->map.wide ? "expected a number (every column of a wide table "
                    "without a role is a series: --map ignore=COL skips one)" : "expected a number");
}

/* The service (and pod) of the row: w->svc, "" when none. */
static void row_service(row *w)
{
    w->svc[0] = '\0';
    w->pod = NULL;
    if (!w->st->map.ncol[AIOPS_ROLE_SERVICE])
        return;
    const char *s = cell(w, AIOPS_ROLE_SERVICE, 0);
    if (w->st->map.svc_pod && *s) {
        w->pod = s;
        aiops_obs_workload(s, "Pod", w->svc, sizeof w->svc);
    } else {
        snprintf(w->svc, sizeof w->svc, "%s", s);
    }
}

/* The labels of a sample or alert row: labels= columns, the unused
 * columns, pod, service (unless a label says it already). */
static size_t row_labels(row *w, aiops_label *lab)
{
    aiops_tbl_state *st = w->st;
    size_t n = 0;
    int has_service = 0;
    for (int k = 0; k < st->map.ncol[AIOPS_ROLE_LABELS]; k++) {
        int c = st->col[AIOPS_ROLE_LABELS][k];
        lab[n++] = (aiops_label){st->lname[c], aiops_tbl_cell(&st->cells, (size_t)c)};
    }
    for (size_t k = 0; k < st->nextra; k++)
        lab[n++] = (aiops_label){st->lname[st->extra[k]],
                                 aiops_tbl_cell(&st->cells, st->extra[k])};
    for (size_t i = 0; i < n; i++)
        has_service |= strcmp(lab[i].name, "service") == 0;
    if (w->pod)
        lab[n++] = (aiops_label){"pod", w->pod};
    if (w->svc[0] && !has_service)
        lab[n++] = (aiops_label){"service", w->svc};
    return n;
}

/* "\x01" + what + the labels: a series cache key (aiops_format.h). */
static void label_key(aiops_buf *b, const aiops_label *lab, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        aiops_buf_str(b, lab[i].name);
        aiops_buf_put(b, "\x02", 1);
        aiops_buf_str(b, lab[i].value);
        aiops_buf_put(b, "\x03", 1);
    }
}

static int intern(row *w, const char *name, const aiops_label *lab, size_t n, const aiops_buf *lk,
                  uint32_t *sid)
{
    aiops_buf *k = &w->st->key;
    k->n = 0;
    aiops_buf_put(k, "\x01tbl\x02", 5);
    aiops_buf_str(k, name);
    aiops_buf_put(k, "\x03", 1);
    aiops_buf_put(k, lk->p ? lk->p : "", lk->n);
    if (k->oom)
        return aiops_err_set(w->err, AIOPS_ENOMEM, w->file, w->st->cells.line, "out of memory");
    if (aiops_series_lookup_key(w->tab, k->p, k->n, sid) == 1)
        return 0;
    int e = aiops_series_intern_foreign(w->tab, name, lab, n, sid, w->err);
    if (!e)
        e = aiops_series_add_key(w->tab, k->p, k->n, *sid);
    return e ? aiops_err_locate(w->err, w->file, w->st->cells.line) : 0;
}

/* ------------------------------------------------------------ samples */

static int long_sample(row *w, aiops_record *rec)
{
    aiops_tbl_state *st = w->st;
    int e;
    if ((e = number(w, (size_t)st->col[AIOPS_ROLE_VALUE][0], &rec->value)))
        return e;
    if (st->map.ncol[AIOPS_ROLE_SERIES]) {
        e = aiops_series_intern_text(w->tab, cell(w, AIOPS_ROLE_SERIES, 0),
                                     cell_len(w, AIOPS_ROLE_SERIES, 0), &rec->sid, w->err);
        return e ? aiops_err_locate(w->err, w->file, st->cells.line) : 0;
    }
    aiops_label lab[AIOPS_COLMAP_COLS + AIOPS_TBL_MAX_COLS + 2];
    row_service(w);
    size_t n = row_labels(w, lab);
    st->lkey.n = 0;
    label_key(&st->lkey, lab, n);
    return intern(w, st->map.ncol[AIOPS_ROLE_NAME] ? cell(w, AIOPS_ROLE_NAME, 0) : "", lab, n,
                  &st->lkey, &rec->sid);
}

/* A wide row: all cells checked first, then one sample per cell. */
static int wide_row(row *w)
{
    aiops_tbl_state *st = w->st;
    int e;
    if ((e = row_time(w, &st->ts)))
        return e;
    for (size_t i = 0; i < st->nv; i++) {
        size_t c = st->vcol[i];
        st->vhas[i] = st->cells.len[c] > 0;
        if (st->vhas[i] && (e = number(w, c, &st->vval[i])))
            return e;
    }
    aiops_label lab[AIOPS_COLMAP_COLS + 2];
    row_service(w);
    size_t n = row_labels(w, lab);
    st->lkey.n = 0;
    label_key(&st->lkey, lab, n);
    if (st->lkey.oom)
        return aiops_err_set(w->err, AIOPS_ENOMEM, w->file, st->cells.line, "out of memory");
    if (st->sids_ok && st->prevkey.n == st->lkey.n &&
        (!st->lkey.n || memcmp(st->prevkey.p, st->lkey.p, st->lkey.n) == 0))
        return 0;   /* the series of the row before */
    st->sids_ok = 0;
    for (size_t i = 0; i < st->nv; i++)
        if ((e = intern(w, st->hdr[st->vcol[i]], lab, n, &st->lkey, &st->vsid[i])))
            return e;
    st->prevkey.n = 0;
    aiops_buf_put(&st->prevkey, st->lkey.p ? st->lkey.p : "", st->lkey.n);
    st->sids_ok = !st->prevkey.oom;
    return 0;
}

/* -------------------------------------------------------------- spans */

static int no_parent(const char *s, size_t n)
{
    static const char *const none[] = {"root", "null", "none", "-", NULL};
    for (size_t i = 0; none[i]; i++)
        if (strcmp(s, none[i]) == 0)
            return 1;
    return strspn(s, "0") == n;   /* "", "0000000000000000" */
}

static int put(json_t *o, const char *k, json_t *v)
{
    return !v || json_object_set_new(o, k, v);
}

static int span(row *w, json_t *o)
{
    aiops_tbl_state *st = w->st;
    const aiops_colmap *m = &st->map;
    double dur;
    int e;
    for (int r = AIOPS_ROLE_TRACE; r <= AIOPS_ROLE_SPAN; r++)
        if (!cell_len(w, r, 0))
            return cell_err(w, (size_t)st->col[r][0], r == AIOPS_ROLE_TRACE ? "expected a trace id"
                                                                           : "expected a span id");
    if ((e = number(w, (size_t)st->col[AIOPS_ROLE_DURATION][0], &dur)))
        return e;
    if (!(dur >= 0) || !isfinite(dur))
        return cell_err(w, (size_t)st->col[AIOPS_ROLE_DURATION][0], "expected a duration >= 0");
    row_service(w);
    const char *parent = m->ncol[AIOPS_ROLE_PARENT] ? cell(w, AIOPS_ROLE_PARENT, 0) : "";
    const char *status = m->ncol[AIOPS_ROLE_STATUS] ? cell(w, AIOPS_ROLE_STATUS, 0) : NULL;
    json_t *attrs = json_object();
    int bad = !attrs;
    for (int k = 0; !bad && k < m->ncol[AIOPS_ROLE_ATTRS]; k++)
        bad = put(attrs, st->hdr[st->col[AIOPS_ROLE_ATTRS][k]],
                  json_string(cell(w, AIOPS_ROLE_ATTRS, k)));
    for (size_t k = 0; !bad && k < st->nextra; k++)
        bad = put(attrs, st->hdr[st->extra[k]],
                  json_string(aiops_tbl_cell(&st->cells, st->extra[k])));
    if (!bad && w->pod)
        bad = put(attrs, "pod", json_string(w->pod));
    bad = bad || put(o, "trace_id", json_string(cell(w, AIOPS_ROLE_TRACE, 0))) ||
          put(o, "span_id", json_string(cell(w, AIOPS_ROLE_SPAN, 0))) ||
          (!no_parent(parent, strlen(parent)) && put(o, "parent_span_id", json_string(parent))) ||
          put(o, "service", json_string(w->svc)) ||
          put(o, "operation", json_string(cell(w, AIOPS_ROLE_OPERATION, 0))) ||
          put(o, "duration", json_real(dur / m->dur_div)) ||
          (status && put(o, "error", json_boolean(aiops_colmap_status_error(status)))) ||
          (status && *status && put(o, "status", json_string(status))) ||
          (json_object_size(attrs) && json_object_set(o, "attributes", attrs));
    json_decref(attrs);
    if (bad)   /* json_string fails on invalid UTF-8 as well */
        return aiops_err_set(w->err, AIOPS_EPARSE, w->file, st->cells.line,
                             "expected UTF-8 text in every cell (or out of memory)");
    return 0;
}

/* ------------------------------------------------------------- alerts */

static int alert(row *w, double ts, aiops_record *rec)
{
    aiops_tbl_state *st = w->st;
    const char *name = cell(w, AIOPS_ROLE_NAME, 0);
    if (!*name)
        return cell_err(w, (size_t)st->col[AIOPS_ROLE_NAME][0], "expected an alert name");
    aiops_label lab[AIOPS_COLMAP_COLS + AIOPS_TBL_MAX_COLS + 2];
    row_service(w);
    size_t n = row_labels(w, lab);
    json_t *labels = json_object();
    int bad = !labels || put(labels, "alertname", json_string(name));
    for (size_t i = 0; !bad && i < n; i++)
        bad = *lab[i].value && put(labels, lab[i].name, json_string(lab[i].value));
    json_t *ann = bad ? NULL : json_object();
    bad = bad || !ann;
    for (int k = 0; !bad && k < st->map.ncol[AIOPS_ROLE_ANNOT]; k++) {
        int c = st->col[AIOPS_ROLE_ANNOT][k];
        bad = put(ann, st->lname[c], json_string(aiops_tbl_cell(&st->cells, (size_t)c)));
    }
    if (bad) {
        json_decref(labels);
        json_decref(ann);
        return aiops_err_set(w->err, AIOPS_EPARSE, w->file, st->cells.line,
                             "expected UTF-8 text in every cell (or out of memory)");
    }
    aiops_alert a = {.name = name, .state = "firing", .start = ts, .labels = labels,
                     .annotations = ann, .service = w->svc[0] ? w->svc : NULL, .source = "table"};
    int e = aiops_alert_record(&a, rec, w->err);
    json_decref(labels);
    json_decref(ann);
    return e ? aiops_err_locate(w->err, w->file, st->cells.line) : 0;
}

/* ------------------------------------------------------------ records */

int aiops_tbl_record(aiops_tbl_state *st, aiops_series_table *tab, const char *file,
                     aiops_record *rec, aiops_err *err)
{
    row w = {.st = st, .tab = tab, .file = file, .err = err};
    int e;
    memset(rec, 0, sizeof *rec);
    if (st->map.wide) {
        if (st->cursor == 0 && (e = wide_row(&w)))
            return e;
        while (st->cursor < st->nv && !st->vhas[st->cursor])
            st->cursor++;
        if (st->cursor == st->nv) {
            st->cursor = 0;
            return 0;
        }
        rec->type = AIOPS_R_SAMPLE;
        rec->ts = st->ts;
        rec->sid = st->vsid[st->cursor];
        rec->value = st->vval[st->cursor++];
        return 1;
    }
    if (st->cursor) {
        st->cursor = 0;
        return 0;
    }
    if ((e = row_time(&w, &rec->ts)))
        return e;
    rec->type = st->map.type;
    if (rec->type == AIOPS_R_SAMPLE)
        e = long_sample(&w, rec);
    else if (rec->type == AIOPS_R_ALERT)
        e = alert(&w, rec->ts, rec);
    else if (!(rec->obj = json_object()))
        e = aiops_err_set(err, AIOPS_ENOMEM, file, st->cells.line, "out of memory");
    else
        e = span(&w, rec->obj);
    if (e) {
        aiops_record_clear(rec);
        return e;
    }
    st->cursor = 1;
    return 1;
}
