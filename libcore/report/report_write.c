/* report_write.c - the postmortem of each incident and the index, in
 * Markdown and HTML (report_doc.c writes both from one description). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_doc.h"
#include "report/report_impl.h"

static void tstr(aiops_buf *b, double t)
{
    if (isnan(t))
        aiops_buf_str(b, "unknown");
    else
        rp_time(b, t);
}

/* a time (f == NULL) or a duration as text in out, for one cell */
static const char *fmt_cell(char *out, size_t n, void (*f)(aiops_buf *, double), double v)
{
    aiops_buf b = {0};
    (f ? f : tstr)(&b, v);
    snprintf(out, n, "%s", b.p ? b.p : "");
    aiops_buf_free(&b);
    return out;
}
#define fmt_time(out, n, t) fmt_cell(out, n, NULL, t)
#define fmt_dur(out, n, s) fmt_cell(out, n, rp_dur, s)

static void kv(rd *d, const char *k, const char *v)
{
    rd_row_begin(d, NULL);
    rd_cell(d, k);
    rd_cell(d, v);
    rd_row_end(d);
}

static void impact(const rp_inc *in, rd *d)
{
    char a[128], b[128];
    static const char *const h[] = {"", "", NULL};
    rd_table(d, (const char *const[]){"what", "value", NULL});
    (void)h;
    kv(d, "severity (from the alerts, else the number of services)", in->severity);
    kv(d, "start", fmt_time(a, sizeof a, in->start));
    kv(d, "end", fmt_time(a, sizeof a, in->end));
    kv(d, "duration", isnan(in->end) ? "unknown (no end recorded)" : fmt_dur(a, sizeof a, in->end - in->start));
    kv(d, "first detection (dynamic thresholds)", fmt_time(a, sizeof a, in->first_anom));
    kv(d, "first alert", fmt_time(a, sizeof a, in->first_alert));
    kv(d, "declared", fmt_time(a, sizeof a, in->declared));
    kv(d, "time to detect (first anomaly - start)", isnan(in->first_anom) ? "not detected" : fmt_dur(a, sizeof a, in->first_anom - in->start));
    kv(d, "time to alert (first alert - start)", isnan(in->first_alert) ? "no alert" : fmt_dur(a, sizeof a, in->first_alert - in->start));
    kv(d, "time to declare (declared - start)", isnan(in->declared) ? "unknown" : fmt_dur(a, sizeof a, in->declared - in->start));
    snprintf(b, sizeof b, "%zu", in->nown);
    kv(d, "services involved", b);
    snprintf(b, sizeof b, "%zu (%zu on the incident's services)", in->alerts, in->alerts_related);
    kv(d, "alerts fired in the window shown", b);
    snprintf(b, sizeof b, "%zu", in->anomalies);
    kv(d, "anomalies detected in the window shown", b);
    rd_table_end(d);
}

static void timeline(const rp_inc *in, rd *d)
{
    char a[64], o[64];
    rd_table(d, (const char *const[]){"time (UTC)", "from start", "what", "detail", NULL});
    for (size_t i = 0; i < in->nrows; i++) {
        const rp_row *w = &in->rows[i];
        rd_row_begin(d, w->kind == RP_T_MARK ? "mark" : w->what);
        rd_cell(d, fmt_time(a, sizeof a, w->ts));
        double off = w->ts - in->start;
        aiops_buf ob = {0};
        aiops_buf_str(&ob, off >= 0 ? "+" : "");
        rp_dur(&ob, off);
        snprintf(o, sizeof o, "%s", ob.p ? ob.p : "");
        aiops_buf_free(&ob);
        rd_cell(d, o);
        rd_cell(d, w->what);
        rd_cell(d, w->text);
        rd_row_end(d);
    }
    rd_table_end(d);
}

static void candidates(const rp_inc *in, rd *d)
{
    json_t *cs = json_object_get(in->rca, "candidates");
    if (!json_array_size(cs)) {
        if (in->label && rp_str(in->label, "root_cause")) {
            rd_p(d, "No rca record for this incident; the ground-truth label names the root cause:");
            rd_list(d, rp_str(in->label, "root_cause"));
        } else
            rd_p(d, "No rca record for this incident (run aiops-rca).");
        return;
    }
    rd_table(d, (const char *const[]){"rank", "service", "score", "evidence", NULL});
    size_t i;
    json_t *c;
    json_array_foreach(cs, i, c) {
        char rk[32], sc[64];
        rd_row_begin(d, NULL);
        snprintf(rk, sizeof rk, "%zu", i + 1);
        rd_cell(d, rk);
        rd_cell(d, rp_str(c, "service") ? rp_str(c, "service") : "?");
        double s = rp_num(c, "score");
        if (isnan(s))
            snprintf(sc, sizeof sc, "?");
        else
            snprintf(sc, sizeof sc, "%.4g", s);
        rd_cell(d, sc);
        rd_cell_begin(d);
        size_t k;
        json_t *e;
        json_array_foreach(json_object_get(c, "evidence"), k, e) {
            if (k)
                rd_esc(d, "; ");
            if (json_is_string(e))
                rd_esc(d, json_string_value(e));
            else {
                aiops_buf jb = {0};
                aiops_buf_json(&jb, e);
                rd_esc(d, jb.p ? jb.p : "");
                aiops_buf_free(&jb);
            }
        }
        rd_cell_end(d);
        rd_row_end(d);
        if (i == 9)
            break;
    }
    rd_table_end(d);
}

static void evaluation(const aiops_report *r, const rp_inc *in, rd *d)
{
    aiops_buf t = {0};
    if (!isnan(in->first_anom) && !isnan(in->first_alert)) {
        double g = in->first_alert - in->first_anom;
        aiops_buf_str(&t, "This incident: dynamic thresholds detected it ");
        rp_dur(&t, fabs(g));
        aiops_buf_str(&t, g >= 0 ? " earlier than the first alert of the static rules." : " later than the first alert of the static rules.");
    } else if (!isnan(in->first_anom))
        aiops_buf_str(&t, "This incident: dynamic thresholds detected it; no alert fired inside it.");
    else if (!isnan(in->first_alert))
        aiops_buf_str(&t, "This incident: the alert rules fired; no dynamic-threshold anomaly fell inside it.");
    else
        aiops_buf_str(&t, "This incident: neither dynamic thresholds nor alert rules detected it inside its window.");
    if (in->alerts > 1) {
        aiops_buf_printf(&t, "\nAlert noise: %zu alerts in the window become one incident (%.0f%% fewer notifications).",
                         in->alerts, 100.0 * (double)(in->alerts - 1) / (double)in->alerts);
    }
    json_t *det = json_object_get(r->eval, "detection");
    json_t *gain = json_object_get(det, "gain");
    if (rp_str(gain, "summary"))
        aiops_buf_printf(&t, "\nWhole evaluation (aiops-eval): %s.", rp_str(gain, "summary"));
    double ours = rp_num(json_object_get(det, "event"), "false_per_day"),
           base = rp_num(json_object_get(det, "baseline"), "false_per_day");
    if (!isnan(ours) && !isnan(base))
        aiops_buf_printf(&t, "\nFalse alarms per day: %.2f with dynamic thresholds, %.2f with the static rules.", ours, base);
    double mo = rp_num(json_object_get(r->eval, "mttr"), "pct");
    if (!isnan(mo) && rp_str(json_object_get(r->eval, "mttr"), "summary"))
        aiops_buf_printf(&t, "\n%s.", rp_str(json_object_get(r->eval, "mttr"), "summary"));
    if (!r->eval)
        aiops_buf_str(&t, "\nNo eval record in the input (add aiops-eval's output for the whole-archive figures).");
    rd_list(d, t.p);
    aiops_buf_free(&t);
}

static int page(aiops_report *r, const rp_inc *in, const rp_chart *ch, size_t nch, int html,
                const char *dir, aiops_err *err)
{
    char title[600];
    snprintf(title, sizeof title, "Postmortem %s: %.500s", in->id, in->title ? in->title : "untitled incident");
    rd d;
    rd_init(&d, html, title);
    aiops_buf m = {0};
    aiops_buf_printf(&m, "Incident %s, from %s records, severity %s, ", in->id, in->source, in->severity);
    tstr(&m, in->start);
    aiops_buf_str(&m, " to ");
    tstr(&m, in->end);
    if (in->label && in->label != in->rec) {   /* a label overlapping the incident */
        const char *id = rp_str(in->label, "id"), *t = rp_str(in->label, "title"),
                   *rc = rp_str(in->label, "root_cause");
        aiops_buf_printf(&m, "; ground truth: %.100s%s%.300s%s%.100s%s", id ? id : "a label",
                         t ? " " : "", t ? t : "", rc ? " (root cause " : "", rc ? rc : "", rc ? ")" : "");
    }
    if (html) {
        aiops_buf_printf(&d.b, "<p class=\"meta\"><span class=\"sev sev-%s\">%s</span> ", in->severity, in->severity);
        rd_esc(&d, m.p);
        aiops_buf_str(&d.b, " &middot; <a href=\"index.html\">all incidents</a></p>\n");
    } else {
        rd_p(&d, m.p);
        aiops_buf_str(&d.b, "[all incidents](index.md)\n\n");
    }
    aiops_buf_free(&m);
    rd_h2(&d, "Summary");
    const char *st = rp_str(in->summary, "text");
    if (st) {
        if (html)
            aiops_buf_str(&d.b, "<div class=\"box\">");
        for (const char *p = st; *p;) {   /* paragraphs at blank lines */
            const char *e = strstr(p, "\n\n");
            size_t n = e ? (size_t)(e - p) : strlen(p);
            char *one = strndup(p, n);
            rd_p_lines(&d, one ? one : "");
            free(one);
            p += n;
            while (*p == '\n')
                p++;
        }
        if (html)
            aiops_buf_str(&d.b, "</div>");
        aiops_buf g = {0};
        aiops_buf_printf(&g, "Summary written by: %s.", rp_str(in->summary, "generator") ? rp_str(in->summary, "generator") : "an unnamed generator");
        rd_p(&d, g.p);
        aiops_buf_free(&g);
    } else {
        aiops_buf s = {0};
        rp_summary_text(r, in, &s);
        rd_p(&d, s.p);
        aiops_buf_free(&s);
    }
    rd_h2(&d, "Impact and duration");
    impact(in, &d);
    if (in->nown) {
        aiops_buf s = {0};
        for (size_t i = 0; i < in->nown; i++)
            aiops_buf_printf(&s, "%s%s", i ? "\n" : "", in->svc[i]);
        rd_list(&d, s.p);
        aiops_buf_free(&s);
    }
    rd_h2(&d, "Timeline");
    timeline(in, &d);
    rd_h2(&d, "Root-cause candidates");
    candidates(in, &d);
    rd_h2(&d, "Service graph");
    if (html) {
        rp_graph_svg(r, in, &d.b);
    } else {
        aiops_buf s = {0};
        rp_graph_svg(r, in, &s);
        aiops_buf f = {0};
        aiops_buf_printf(&f, "%s-graph.svg", in->file);
        aiops_buf_printf(&d.b, "![service graph](%s)\n\n", f.p);
        int rc = rp_write_file(dir, f.p, &s, err);
        aiops_buf_free(&s);
        aiops_buf_free(&f);
        if (rc) {
            aiops_buf_free(&d.b);
            return rc;
        }
    }
    rd_h2(&d, "Charts");
    if (!r->o.charts)
        rd_p(&d, "Charts were not drawn (--no-charts).");
    else if (!nch)
        rd_p(&d, "Nothing to chart.");
    int rc = 0;
    for (size_t i = 0; i < nch && !rc; i++) {
        char f[160];
        snprintf(f, sizeof f, "%s-%zu.svg", in->file, i + 1);
        rc = rd_chart(&d, dir, f, ch[i].svg, ch[i].len, ch[i].caption, err);
    }
    aiops_buf well = {0}, wrong = {0}, act = {0};
    rp_lessons(r, in, &well, &wrong, &act);
    rd_h2(&d, "What went well");
    rd_list(&d, well.p);
    rd_h2(&d, "What went wrong");
    rd_list(&d, wrong.p);
    rd_h2(&d, "Action items");
    rd_list(&d, act.p);
    aiops_buf_free(&well);
    aiops_buf_free(&wrong);
    aiops_buf_free(&act);
    rd_h2(&d, "Evaluation");
    evaluation(r, in, &d);
    rd_end(&d);
    char name[160];
    snprintf(name, sizeof name, "%s.%s", in->file, html ? "html" : "md");
    if (!rc)
        rc = rp_write_file(dir, name, &d.b, err);
    aiops_buf_free(&d.b);
    return rc;
}

int rp_chart_storm_all(const aiops_report *r, rp_chart *c, aiops_err *err);

static int index_page(aiops_report *r, const rp_chart *storm, int html, const char *dir, aiops_err *err)
{
    rd d;
    rd_init(&d, html, "Incident reports");
    char a[64], b[64];
    aiops_buf t = {0};
    aiops_buf_printf(&t, "%zu incident%s, from %s records.", r->ninc, r->ninc == 1 ? "" : "s",
                     r->ninc && !strcmp(r->inc[0].source, "label") ? "label (ground truth)" : "incident");
    rd_p(&d, t.p);
    aiops_buf_free(&t);
    rd_table(&d, (const char *const[]){"incident", "title", "start (UTC)", "duration", "severity", "root cause", "services", NULL});
    for (size_t i = 0; i < r->ninc; i++) {
        const rp_inc *in = &r->inc[i];
        rd_row_begin(&d, NULL);
        rd_cell_begin(&d);
        rd_link(&d, in->file, in->id);
        rd_cell_end(&d);
        rd_cell(&d, in->title ? in->title : "");
        rd_cell(&d, fmt_time(a, sizeof a, in->start));
        rd_cell(&d, isnan(in->end) ? "open" : fmt_dur(b, sizeof b, in->end - in->start));
        rd_cell(&d, in->severity);
        rd_cell(&d, in->root ? in->root : "unknown");
        aiops_buf s = {0};
        for (size_t k = 0; k < in->nown; k++)
            aiops_buf_printf(&s, "%s%s", k ? ", " : "", in->svc[k]);
        rd_cell(&d, s.p ? s.p : "");
        aiops_buf_free(&s);
        rd_row_end(&d);
    }
    rd_table_end(&d);
    int rc = 0;
    if (storm && storm->svg) {
        rd_h2(&d, "Alert storm");
        rc = rd_chart(&d, dir, "index-alerts.svg", storm->svg, storm->len, storm->caption, err);
    }
    json_t *gain = json_object_get(json_object_get(r->eval, "detection"), "gain");
    if (rp_str(gain, "summary")) {
        rd_h2(&d, "Evaluation");
        rd_p(&d, rp_str(gain, "summary"));
    }
    rd_end(&d);
    if (!rc)
        rc = rp_write_file(dir, html ? "index.html" : "index.md", &d.b, err);
    aiops_buf_free(&d.b);
    return rc;
}

int aiops_report_write(aiops_report *r, const char *dir, char **index, aiops_err *err)
{
    int rc = rp_mkdir(dir, err);
    for (size_t i = 0; i < r->ninc && !rc; i++) {
        rp_chart *ch = NULL;
        size_t nch = 0;
        if (r->o.charts)
            rc = rp_charts_incident(r, &r->inc[i], &ch, &nch, err);
        for (int html = 0; html < 2 && !rc; html++)
            rc = page(r, &r->inc[i], ch, nch, html, dir, err);
        rp_charts_free(ch, nch);   /* the entries past nch hold no chart */
    }
    rp_chart storm = {0};
    if (!rc && r->o.charts)
        rc = rp_chart_storm_all(r, &storm, err);
    for (int html = 0; html < 2 && !rc; html++)
        rc = index_page(r, &storm, html, dir, err);
    free(storm.svg);
    if (!rc && index)
        rc = rp_index_path(dir, "index.html", index, err);
    return rc;
}
