/* report_model.c - incidents from the records kept: their services,
 * window, timeline, key metrics, detection times, and the plain-text
 * summary and lessons built from that evidence. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/array.h"
#include "common/hash.h"
#include "report/report_impl.h"

#define RP_MAX_ROWS 400

const char *rp_str(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) && json_string_length(v) ? json_string_value(v) : NULL;
}

double rp_num(const json_t *o, const char *key)
{
    double v;
    json_t *j = json_object_get(o, key);
    if (json_is_number(j))
        return json_number_value(j);
    if (json_is_string(j) && !aiops_parse_time(json_string_value(j), json_string_length(j), &v))
        return v;
    return NAN;
}

const char *rp_service(const aiops_report *r, const rp_rec *x)
{
    const char *s = rp_str(x->obj, "service");
    if (!s && x->sid != UINT32_MAX && r->tab)
        s = aiops_series_service(aiops_series_get(r->tab, x->sid));
    return s;
}

int rp_has_svc(const rp_inc *in, const char *svc)
{
    if (!svc)
        return 0;
    for (size_t i = 0; i < in->nsvc; i++)
        if (!strcmp(in->svc[i], svc))
            return 1;
    return 0;
}

void rp_dur(aiops_buf *b, double s)
{
    if (!isfinite(s)) {
        aiops_buf_str(b, "unknown");
        return;
    }
    const char *sign = s < 0 ? "-" : "";
    s = fabs(s);
    long t = lround(s);
    if (t < 120)
        aiops_buf_printf(b, "%s%ld s", sign, t);
    else if (t < 7200)
        aiops_buf_printf(b, t % 60 ? "%s%ld min %ld s" : "%s%ld min", sign, t / 60, t % 60);
    else
        aiops_buf_printf(b, (t % 3600) / 60 ? "%s%ld h %ld min" : "%s%ld h", sign, t / 3600, (t % 3600) / 60);
}

void rp_time(aiops_buf *b, double t)
{
    char tb[48];
    aiops_fmt_time(t, tb);
    char *T = strchr(tb, 'T');
    if (T)
        *T = ' ';
    aiops_buf_str(b, tb);
}

void rp_inc_clear(rp_inc *in)
{
    for (size_t i = 0; i < in->nsvc; i++)
        free(in->svc[i]);
    free(in->svc);
    for (size_t i = 0; i < in->nrows; i++)
        free(in->rows[i].text);
    free(in->rows);
    free(in->met);
    memset(in, 0, sizeof *in);
}

static int add_svc(rp_inc *in, size_t *cap, const char *s)
{
    if (!s || !*s || rp_has_svc(in, s))
        return 0;
    if (AIOPS_GROW(in->svc, *cap, in->nsvc + 1) || !(in->svc[in->nsvc] = strdup(s)))
        return AIOPS_ENOMEM;
    in->nsvc++;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_row(rp_inc *in, double ts, int kind, const char *what, aiops_buf *t)
{
    if (t->oom)
        return AIOPS_ENOMEM;
    if (AIOPS_GROW(in->rows, in->caprows, in->nrows + 1))
        return AIOPS_ENOMEM;
    char *s = strdup(t->n ? t->p : "");
    if (!s)
        return AIOPS_ENOMEM;
    in->rows[in->nrows++] = (rp_row){ts, kind, what, s};
    t->n = 0;
    if (t->p)
        t->p[0] = 0;
    return 0;
}

static int cmp_row(const void *a, const void *b)
{
    const rp_row *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return strcmp(x->text, y->text);
}

static const aiops_report *cmp_ctx;
static int cmp_met(const void *a, const void *b)
{
    const rp_metric *x = a, *y = b;
    if (x->peak != y->peak)
        return x->peak > y->peak ? -1 : 1;
    if (x->anomalies != y->anomalies)
        return x->anomalies > y->anomalies ? -1 : 1;
    aiops_series_table *t = cmp_ctx->tab;
    return strcmp(aiops_series_get(t, x->sid)->text, aiops_series_get(t, y->sid)->text);
}

static int sev_rank(const char *s)
{
    static const char *const n[] = {"info", "warning", "error", "critical", NULL};
    for (int i = 0; s && n[i]; i++)
        if (!strcasecmp(s, n[i]))
            return i;
    if (s && (!strcasecmp(s, "page") || !strcasecmp(s, "high")))
        return 3;
    return -1;
}

static void num_text(aiops_buf *b, double v)
{
    if (isnan(v))
        aiops_buf_str(b, "?");
    else
        aiops_buf_printf(b, "%.4g", v);
}

/* The rows, counts and metrics of one incident from the kept records. */
static int collect(aiops_report *r, rp_inc *in)
{
    aiops_buf t = {0};
    json_t *fps = json_object_get(in->rec, "alerts");
    int sev = -1, rc = 0;
    size_t shown = 0, hidden = 0;
    double lim = isnan(in->end) ? in->start : in->end;
    for (size_t i = 0; i < r->nrec && !rc; i++) {
        rp_rec *x = &r->rec[i];
        if (x->ts < in->from || x->ts > in->to)
            continue;
        const char *svc = rp_service(r, x), *st = rp_str(x->obj, "state");
        int in_win = x->ts >= in->start && x->ts <= lim;
        int kind = -1;
        const char *what = NULL;
        if (x->type == AIOPS_R_ALERT) {
            if (st && strcmp(st, "firing"))
                continue;
            const char *fp = rp_str(x->obj, "fingerprint"), *name = rp_str(x->obj, "name");
            int rel = rp_has_svc(in, svc);
            size_t k;
            json_t *f;
            json_array_foreach(fps, k, f) if (json_is_string(f) && ((fp && !strcmp(fp, json_string_value(f))) ||
                                                                    (name && !strcmp(name, json_string_value(f))))) rel = 1;
            in->alerts++;
            in->alerts_related += rel;
            if (rel && sev_rank(rp_str(x->obj, "severity")) > sev)
                sev = sev_rank(rp_str(x->obj, "severity"));
            if (in_win && !(in->first_alert <= x->ts))
                in->first_alert = x->ts;
            aiops_buf_printf(&t, "%s%s%s", name ? name : "(unnamed alert)", svc ? " on " : "", svc ? svc : "");
            if (rp_str(x->obj, "severity"))
                aiops_buf_printf(&t, " (%s)", rp_str(x->obj, "severity"));
            if (!rel)
                aiops_buf_str(&t, " [other service]");
            kind = RP_T_ALERT;
            what = "alert";
        } else if (x->type == AIOPS_R_ANOMALY) {
            if (st && strcmp(st, "firing"))
                continue;
            if (in->nsvc && !rp_has_svc(in, svc))
                continue;
            in->anomalies++;
            double sc = rp_num(x->obj, "score");
            if (sc > in->peak)
                in->peak = sc;
            if (in_win && !(in->first_anom <= x->ts))
                in->first_anom = x->ts;
            if (x->sid != UINT32_MAX) {
                size_t m = 0;
                while (m < in->nmet && in->met[m].sid != x->sid)
                    m++;
                if (m == in->nmet) {
                    if (AIOPS_GROW(in->met, in->capmet, m + 1)) {
                        rc = AIOPS_ENOMEM;
                        break;
                    }
                    in->met[in->nmet++] = (rp_metric){x->sid, 0, 0};
                }
                in->met[m].anomalies++;
                if (sc > in->met[m].peak || in->met[m].anomalies == 1)
                    in->met[m].peak = isnan(sc) ? 0 : sc;
                aiops_buf_str(&t, aiops_series_get(r->tab, x->sid)->text);
            }
            aiops_buf_str(&t, " = ");
            num_text(&t, rp_num(x->obj, "value"));
            if (!isnan(rp_num(x->obj, "lower")) || !isnan(rp_num(x->obj, "upper"))) {
                aiops_buf_str(&t, " outside [");
                num_text(&t, rp_num(x->obj, "lower"));
                aiops_buf_str(&t, ", ");
                num_text(&t, rp_num(x->obj, "upper"));
                aiops_buf_str(&t, "]");
            }
            aiops_buf_str(&t, " (score ");
            num_text(&t, sc);
            aiops_buf_printf(&t, ", %s)", rp_str(x->obj, "model") ? rp_str(x->obj, "model") : "?");
            kind = RP_T_ANOMALY;
            what = "anomaly";
        } else if (x->type == AIOPS_R_EVENT) {
            const char *k = rp_str(x->obj, "kind");
            if (in->nsvc && svc && !rp_has_svc(in, svc))
                continue;
            in->events++;
            aiops_buf_printf(&t, "%s%s%s", k ? k : "event", svc ? " " : "", svc ? svc : "");
            static const char *const f[] = {"version", "reason", "object", "author", "message", NULL};
            for (int j = 0; f[j]; j++)
                if (rp_str(x->obj, f[j]))
                    aiops_buf_printf(&t, "%s%s", j == 4 ? ": " : j == 3 ? " by " : " ", rp_str(x->obj, f[j]));
            kind = RP_T_EVENT;
            what = k && !strcmp(k, "deploy") ? "deploy" : "event";
        } else if (x->type == AIOPS_R_PREDICTION) {
            in->predictions++;
            const char *k = rp_str(x->obj, "kind");
            aiops_buf_printf(&t, "%s%s%s", k ? k : "prediction", svc ? " on " : "", svc ? svc : "");
            double eta = rp_num(x->obj, "eta"), c = rp_num(x->obj, "confidence");
            if (!isnan(eta)) {
                aiops_buf_str(&t, ", expected at ");
                rp_time(&t, eta);
            }
            if (!isnan(c))
                aiops_buf_printf(&t, " (confidence %.0f%%)", 100 * c);
            if (rp_str(x->obj, "message"))
                aiops_buf_printf(&t, ": %s", rp_str(x->obj, "message"));
            kind = RP_T_PREDICTION;
            what = "prediction";
        } else
            continue;
        if (shown >= RP_MAX_ROWS) {
            hidden++;
            t.n = 0;
            continue;
        }
        shown++;
        rc = add_row(in, x->ts, kind, what, &t);
    }
    in->severity = sev >= 0 ? (const char *[]){"info", "warning", "error", "critical"}[sev]
                   : in->nown >= 5 ? "critical" : in->nown >= 2 ? "error" : "warning";
    if (!rc) {
        aiops_buf_str(&t, "incident starts");
        rc = add_row(in, in->start, RP_T_MARK, "start", &t);
    }
    if (!rc && !isnan(in->first_anom)) {
        aiops_buf_str(&t, "first detection by dynamic thresholds");
        rc = add_row(in, in->first_anom, RP_T_MARK, "detected", &t);
    }
    if (!rc && !isnan(in->first_alert)) {
        aiops_buf_str(&t, "first alert fires");
        rc = add_row(in, in->first_alert, RP_T_MARK, "alerted", &t);
    }
    if (!rc && !isnan(in->declared)) {
        aiops_buf_str(&t, "incident declared");
        rc = add_row(in, in->declared, RP_T_MARK, "declared", &t);
    }
    if (!rc && !isnan(in->end)) {
        aiops_buf_str(&t, "incident ends");
        rc = add_row(in, in->end, RP_T_MARK, "end", &t);
    }
    if (!rc && hidden) {
        aiops_buf_printf(&t, "%zu more records in the window not listed", hidden);
        rc = add_row(in, in->to, RP_T_MARK, "note", &t);
    }
    aiops_buf_free(&t);
    if (!rc) {
        qsort(in->rows, in->nrows, sizeof *in->rows, cmp_row);
        cmp_ctx = r;
        if (in->nmet)
            qsort(in->met, in->nmet, sizeof *in->met, cmp_met);
    }
    return rc;
}

static json_t *find_for(aiops_report *r, aiops_rtype type, const char *id)
{
    json_t *last = NULL;
    for (size_t i = 0; i < r->nrec; i++)
        if (r->rec[i].type == type) {
            const char *v = rp_str(r->rec[i].obj, "incident");
            if (v && !strcmp(v, id))
                last = r->rec[i].obj;
        }
    return last;
}

static json_t *find_label(aiops_report *r, const rp_inc *in)
{
    json_t *best = NULL;
    for (size_t i = 0; i < r->nrec; i++) {
        if (r->rec[i].type != AIOPS_R_LABEL)
            continue;
        json_t *l = r->rec[i].obj;
        const char *id = rp_str(l, "id");
        if (id && !strcmp(id, in->id))
            return l;
        double s = rp_num(l, "start"), e = rp_num(l, "end");
        if (isnan(e))
            e = s;
        double ie = isnan(in->end) ? in->start : in->end;
        if (!best && s <= ie && e >= in->start)
            best = l;
    }
    return best;
}

static int setup(aiops_report *r, rp_inc *in, json_t *rec, const char *source, size_t nth)
{
    in->rec = rec;
    in->source = source;
    in->id = rp_str(rec, "id");
    if (!in->id) {   /* label records default to incident-N */
        snprintf(in->idbuf, sizeof in->idbuf, "incident-%zu", nth + 1);
        in->id = in->idbuf;
    }
    size_t j = 0;
    for (const char *p = in->id; *p && j + 1 < sizeof in->file; p++)
        in->file[j++] = (char)((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                                       (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'
                                   ? *p : '_');
    in->file[j] = 0;
    /* A file name from an id: only [A-Za-z0-9_-] (no "../", '/', control
     * characters); an id that had to change gets a hash of itself after
     * it, so two ids never share a file ("a/b" and "a.b"). */
    if (!j || strcmp(in->file, in->id)) {
        uint64_t h = aiops_fnv1a(AIOPS_FNV_OFFSET, in->id, strlen(in->id));
        if (j > sizeof in->file - 10)
            j = sizeof in->file - 10;
        snprintf(in->file + j, sizeof in->file - j, "-%08llx", (unsigned long long)(h & 0xffffffffu));
    }
    if (!strcmp(in->file, "index") || !strcmp(in->file, "backtest"))
        memcpy(in->file, "incident-index", 15);
    in->ts = rp_num(rec, "ts");
    in->start = rp_num(rec, "start");
    if (isnan(in->start))
        in->start = in->ts;
    in->end = rp_num(rec, "end");
    in->title = rp_str(rec, "title");
    in->label = strcmp(source, "label") ? find_label(r, in) : rec;
    /* Declared: only a label knows.  An incident record's ts is when
     * aiops-cluster closed it (--close-after of quiet), not when anyone
     * declared it. */
    in->declared = in->label ? rp_num(in->label, "declared") : NAN;
    in->kind = in->label ? rp_str(in->label, "kind") : NULL;
    if (!in->title && in->label)
        in->title = rp_str(in->label, "title");
    in->rca = find_for(r, AIOPS_R_RCA, in->id);
    in->summary = find_for(r, AIOPS_R_SUMMARY, in->id);
    in->first_anom = in->first_alert = NAN;
    size_t cap = 0, k;
    json_t *v;
    int rc = 0;
    json_array_foreach(json_object_get(rec, "services"), k, v) rc |= add_svc(in, &cap, json_string_value(v));
    if (in->label) {
        json_array_foreach(json_object_get(in->label, "affected"), k, v) rc |= add_svc(in, &cap, json_string_value(v));
        rc |= add_svc(in, &cap, rp_str(in->label, "root_cause"));
        in->root = rp_str(in->label, "root_cause");
    }
    json_t *c0 = json_array_get(json_object_get(in->rca, "candidates"), 0);
    if (rp_str(c0, "service"))
        in->root = rp_str(c0, "service");
    /* A candidate is no service of the incident: a one-service incident
     * with ten candidates is still a one-service incident (impact,
     * payloads); the candidates' records are collected all the same. */
    in->nown = in->nsvc;
    json_array_foreach(json_object_get(in->rca, "candidates"), k, v) rc |= add_svc(in, &cap, rp_str(v, "service"));
    if (rc)
        return AIOPS_ENOMEM;
    if (in->nown)
        qsort(in->svc, in->nown, sizeof *in->svc, cmp_str);
    if (in->nsvc > in->nown)
        qsort(in->svc + in->nown, in->nsvc - in->nown, sizeof *in->svc, cmp_str);
    double e = isnan(in->end) ? fmax(in->start, isnan(in->declared) ? in->start : in->declared) : in->end;
    in->from = in->start - r->o.context;
    in->to = e + r->o.context;
    return collect(r, in);
}

static int cmp_inc(const void *a, const void *b)
{
    const rp_inc *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return strcmp(x->id, y->id);
}

int rp_build(aiops_report *r, aiops_err *err)
{
    int any = 0;
    for (size_t i = 0; i < r->nrec; i++)
        any |= r->rec[i].type == AIOPS_R_INCIDENT && rp_str(r->rec[i].obj, "id");
    aiops_rtype want = any ? AIOPS_R_INCIDENT : AIOPS_R_LABEL;
    size_t nth = 0;
    for (size_t i = 0; i < r->nrec; i++) {
        rp_rec *x = &r->rec[i];
        if (x->type != want || (want == AIOPS_R_INCIDENT && !rp_str(x->obj, "id")))
            continue;
        if (isnan(rp_num(x->obj, "start")) && isnan(x->ts))
            continue;
        /* a later record of the same id replaces the earlier one */
        const char *id = rp_str(x->obj, "id");
        size_t j = r->ninc;
        for (size_t k = 0; id && k < r->ninc; k++)
            if (r->inc[k].id && !strcmp(r->inc[k].id, id))
                j = k;
        if (j == r->ninc) {
            if (AIOPS_GROW_ZERO(r->inc, r->capinc, r->ninc + 1))
                return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
            r->ninc++;
        }
        r->inc[j].rec = x->obj;
        r->inc[j].id = id;
        r->inc[j].ts = (double)nth++;   /* N of incident-N, set up below */
    }
    for (size_t i = 0; i < r->ninc; i++) {
        rp_inc *in = &r->inc[i];
        json_t *rec = in->rec;
        size_t n = (size_t)in->ts;
        memset(in, 0, sizeof *in);
        if (setup(r, in, rec, any ? "incident" : "label", n))
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    if (r->ninc)
        qsort(r->inc, r->ninc, sizeof *r->inc, cmp_inc);
    for (size_t i = 0; i < r->ninc; i++)   /* the copies moved: point at their own */
        if (r->inc[i].idbuf[0])
            r->inc[i].id = r->inc[i].idbuf;
    return 0;
}

void rp_summary_text(const aiops_report *r, const rp_inc *in, aiops_buf *b)
{
    (void)r;
    aiops_buf_printf(b, "Incident %s", in->id);
    if (in->kind)
        aiops_buf_printf(b, " (%s)", in->kind);
    aiops_buf_str(b, " began at ");
    rp_time(b, in->start);
    if (!isnan(in->end)) {
        aiops_buf_str(b, " and lasted ");
        rp_dur(b, in->end - in->start);
    } else
        aiops_buf_str(b, " and has no recorded end");
    aiops_buf_printf(b, ". It involved %zu service%s", in->nown, in->nown == 1 ? "" : "s");
    for (size_t i = 0; i < in->nown && i < 8; i++)
        aiops_buf_printf(b, "%s%s", i ? ", " : ": ", in->svc[i]);
    if (in->nown > 8)
        aiops_buf_str(b, ", ...");
    aiops_buf_str(b, ".");
    if (in->root)
        aiops_buf_printf(b, " The most likely root cause is %s.", in->root);
    if (!isnan(in->first_anom)) {
        aiops_buf_str(b, " Dynamic thresholds detected it ");
        rp_dur(b, in->first_anom - in->start);
        aiops_buf_str(b, " after it began");
    } else
        aiops_buf_str(b, " No anomaly was detected inside it");
    if (!isnan(in->first_alert)) {
        aiops_buf_str(b, "; the first alert fired after ");
        rp_dur(b, in->first_alert - in->start);
    }
    aiops_buf_str(b, ".");
    if (!isnan(in->declared)) {
        aiops_buf_str(b, " It was declared ");
        rp_dur(b, in->declared - in->start);
        aiops_buf_str(b, " after it began.");
    }
    aiops_buf_printf(b, " In the window shown, %zu alert%s fired (%zu on the incident's services) and %zu anomal%s were detected.",
                     in->alerts, in->alerts == 1 ? "" : "s", in->alerts_related, in->anomalies,
                     in->anomalies == 1 ? "y" : "ies");
}

static void line(aiops_buf *b)
{
    if (b->n)
        aiops_buf_str(b, "\n");
}

void rp_lessons(const aiops_report *r, const rp_inc *in, aiops_buf *well, aiops_buf *wrong,
                aiops_buf *act)
{
    if (!isnan(in->first_anom) && !isnan(in->first_alert) && in->first_anom < in->first_alert) {
        line(well);
        aiops_buf_str(well, "Dynamic thresholds detected the incident ");
        rp_dur(well, in->first_alert - in->first_anom);
        aiops_buf_str(well, " before the first alert.");
    }
    if (!isnan(in->first_anom) && !isnan(in->declared) && in->first_anom <= in->declared) {
        line(well);
        aiops_buf_str(well, "An anomaly was on record ");
        rp_dur(well, in->declared - in->first_anom);
        aiops_buf_str(well, " before the incident was declared.");
    }
    if (in->predictions) {
        line(well);
        aiops_buf_printf(well, "%zu early warning%s (prediction records) were issued in the window.",
                         in->predictions, in->predictions == 1 ? "" : "s");
    }
    if (in->rca && in->root && in->label && rp_str(in->label, "root_cause") &&
        !strcmp(in->root, rp_str(in->label, "root_cause"))) {
        line(well);
        aiops_buf_printf(well, "Root-cause analysis ranked %s first, the recorded root cause.", in->root);
    }
    if (isnan(in->first_anom)) {
        line(wrong);
        aiops_buf_str(wrong, "No dynamic-threshold anomaly fell inside the incident.");
    }
    if (isnan(in->first_alert)) {
        line(wrong);
        aiops_buf_str(wrong, "No alert fired inside the incident.");
    } else if (!isnan(in->first_anom) && in->first_alert > in->first_anom) {
        line(wrong);
        aiops_buf_str(wrong, "The alert rules fired ");
        rp_dur(wrong, in->first_alert - in->start);
        aiops_buf_str(wrong, " after the start.");
    }
    double det = fmin(isnan(in->first_anom) ? INFINITY : in->first_anom,
                      isnan(in->first_alert) ? INFINITY : in->first_alert);
    if (!isnan(in->declared) && isfinite(det) && in->declared - det > 300) {
        line(wrong);
        aiops_buf_str(wrong, "The incident was declared ");
        rp_dur(wrong, in->declared - det);
        aiops_buf_str(wrong, " after the first detection.");
        line(act);
        aiops_buf_str(act, "Page on the first detection signal, or shorten the path from alert to declaration.");
    }
    if (in->alerts > in->alerts_related) {
        line(wrong);
        aiops_buf_printf(wrong, "%zu of %zu alerts in the window were on other services (noise).",
                         in->alerts - in->alerts_related, in->alerts);
    }
    if (in->alerts >= 10) {
        line(act);
        aiops_buf_printf(act, "Group the %zu alerts of this window into one notification (alert storm).", in->alerts);
    }
    for (size_t i = 0; i < in->nrows; i++)
        if (!strcmp(in->rows[i].what, "deploy") && in->rows[i].ts <= in->start &&
            in->rows[i].ts >= in->start - r->o.context) {
            line(wrong);
            aiops_buf_printf(wrong, "A change shortly before the start: %s (", in->rows[i].text);
            rp_dur(wrong, in->start - in->rows[i].ts);
            aiops_buf_str(wrong, " before).");
            line(act);
            aiops_buf_printf(act, "Review the change %s and its rollout checks.", in->rows[i].text);
        }
    if (in->root) {
        line(act);
        aiops_buf_printf(act, "Add or tighten the alerting on %s, the most likely root cause.", in->root);
    }
    for (size_t i = 0; i < in->nmet && i < 3; i++) {
        line(act);
        aiops_buf_printf(act, "Alert on the dynamic band of %s (peak score %.3g).",
                         aiops_series_get(r->tab, in->met[i].sid)->text, in->met[i].peak);
    }
    if (!well->n)
        aiops_buf_str(well, "Nothing in the evidence stands out as having gone well.");
    if (!wrong->n)
        aiops_buf_str(wrong, "Nothing in the evidence stands out as having gone wrong.");
    if (!act->n)
        aiops_buf_str(act, "No action item follows from the evidence alone.");
}
