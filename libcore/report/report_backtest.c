/* report_backtest.c - the backtest report: aiops-eval reports side by
 * side (one per scenario or archive, as `make eval` writes them to
 * build/eval/NAME.json), with tables and gnuplot charts: precision, recall
 * and F1 (against the NAB threshold where a report has one), the
 * detection-delay distribution (median to p90), false alarms per day
 * against the static rules (the baseline stream). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_doc.h"
#include "report/report_impl.h"

static double at(json_t *e, const char *sec, const char *key)
{
    json_t *d = json_object_get(json_object_get(e, "detection"), sec);
    return rp_num(d, key);
}

static void cellnum(rd *d, double v, const char *fmt)
{
    char b[64];
    if (isnan(v))
        snprintf(b, sizeof b, "n/a");
    else
        snprintf(b, sizeof b, fmt, v);
    rd_cell(d, b);
}

static void celldur(rd *d, double v)
{
    aiops_buf b = {0};
    if (isnan(v))
        aiops_buf_str(&b, "n/a");
    else
        rp_dur(&b, v);
    rd_cell(d, b.p);
    aiops_buf_free(&b);
}

/* a table row's start: the scenario's number and name */
static void row_head(rd *d, size_t i, const char *name)
{
    char num[32];
    rd_row_begin(d, NULL);
    snprintf(num, sizeof num, "%zu", i + 1);
    rd_cell(d, num);
    rd_cell(d, name);
}

static void dnum(aiops_buf *b, double v)
{
    char nb[32];
    if (isnan(v))
        aiops_buf_str(b, "NaN");
    else {
        aiops_fmt_double(v, nb);
        aiops_buf_str(b, nb);
    }
}

static const char *head =
    "set terminal svg size 760,300 fixed font 'Helvetica,11' background '#ffffff'\n"
    "set output @OUT@\nset grid ytics lc rgb '#dddddd'\nset key outside below center horizontal noenhanced\n"
    "set datafile missing 'NaN'\nset style fill solid 0.85 noborder\nset xlabel 'scenario (number in the table)'\n";

/* Bars per scenario: cols[k] of each row, side by side. */
static int bars(const aiops_report_opts *o, json_t *const *ev, size_t n, const char *ylabel,
                const char *const *titles, const char *const *colors, double (*get)(json_t *, int),
                int ncols, int errbars, rp_chart *c, aiops_err *err)
{
    aiops_buf d = {0}, s = {0};
    int any = 0;
    for (size_t i = 0; i < n; i++) {
        aiops_buf_printf(&d, "%zu", i + 1);
        for (int k = 0; k < ncols; k++) {
            double v = get(ev[i], k);
            any |= !isnan(v);
            aiops_buf_str(&d, " ");
            dnum(&d, v);
        }
        aiops_buf_str(&d, "\n");
    }
    int groups = errbars ? ncols / 2 : ncols;
    double w = 0.8 / groups;
    aiops_buf_str(&s, head);
    aiops_buf_printf(&s, "set ylabel '%s'\nset yrange [0:*]\nset xrange [0.4:%zu.6]\nset xtics 1\nset boxwidth ",
                     ylabel, n);
    dnum(&s, w);
    aiops_buf_str(&s, "\nplot ");
    for (int g = 0; g < groups; g++) {
        double off = -0.4 + w * (g + 0.5);
        aiops_buf_printf(&s, "%s@0@ using ($1+(", g ? ", " : "");
        dnum(&s, off);
        aiops_buf_printf(&s, ")):%d with boxes lc rgb '%s' title '%s'", errbars ? 2 + 2 * g : 2 + g,
                         colors[g], titles[g]);
        if (errbars) {
            aiops_buf_str(&s, ", @0@ using ($1+(");
            dnum(&s, off);
            aiops_buf_printf(&s, ")):%d:%d:%d with yerrorbars pt 0 lc rgb '#333333' notitle", 2 + 2 * g, 2 + 2 * g,
                             3 + 2 * g);
        }
    }
    aiops_buf_str(&s, "\n");
    int rc = 0;
    c->svg = NULL;
    if (any)
        rc = d.oom || s.oom ? aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory")
                            : rp_gnuplot(o->gnuplot, s.p, &d, 1, &c->svg, &c->len, err);
    aiops_buf_free(&d);
    aiops_buf_free(&s);
    return rc;
}

static double g_pr(json_t *e, int k)
{
    return at(e, "event", k == 0 ? "precision" : k == 1 ? "recall" : "f1");
}

static double g_delay(json_t *e, int k)
{
    return at(e, k < 2 ? "event" : "baseline", k % 2 ? "delay_p90" : "delay_median") / 60;
}

static double g_fa(json_t *e, int k)
{
    return at(e, k ? "baseline" : "event", "false_per_day");
}

static double g_thr(json_t *e)
{
    return rp_num(json_object_get(json_object_get(e, "nab"), "standard"), "threshold");
}

/* The threshold curve of the only evaluation that has one (aiops-eval's
 * detection.curve): precision and recall if only the detections scoring
 * at least each threshold had fired.  Points are evenly spaced and
 * labelled with their threshold, whose scale depends on the model
 * (calibrated scores crowd below 1). */
static json_t *one_curve(json_t *const *ev, size_t n)
{
    json_t *found = NULL;
    for (size_t i = 0; i < n; i++) {
        json_t *c = json_object_get(json_object_get(ev[i], "detection"), "curve");
        if (json_array_size(c) < 2)
            continue;
        if (found)
            return NULL;
        found = c;
    }
    return found;
}

static int curve_chart(const aiops_report_opts *o, json_t *curve, rp_chart *c, aiops_err *err)
{
    aiops_buf d = {0}, s = {0};
    size_t i;
    json_t *p;
    json_array_foreach(curve, i, p) {
        char t[32];
        aiops_fmt_score(rp_num(p, "threshold"), t);
        aiops_buf_printf(&d, "%zu \"%s\" ", i, t);   /* quoted: one column */
        dnum(&d, rp_num(p, "precision"));
        aiops_buf_str(&d, " ");
        dnum(&d, rp_num(p, "recall"));
        aiops_buf_str(&d, "\n");
    }
    aiops_buf_str(&s, head);
    aiops_buf_str(&s, "set xlabel 'threshold (the anomaly_score of the alarms, quantiles)' noenhanced\n"
                      "set ylabel 'event-wise'\nset yrange [0:1.05]\nset xtics rotate by -30\n"
                      "plot @0@ using 1:3:xtic(2) with linespoints pt 7 lc rgb '#2c7bb6' title 'precision', "
                      "@0@ using 1:4 with linespoints pt 5 lc rgb '#d7191c' title 'recall'\n");
    c->svg = NULL;
    int rc = d.oom || s.oom ? aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory")
                            : rp_gnuplot(o->gnuplot, s.p, &d, 1, &c->svg, &c->len, err);
    aiops_buf_free(&d);
    aiops_buf_free(&s);
    return rc;
}

/* precision and recall against the NAB threshold, where reports have one */
static int thr_chart(const aiops_report_opts *o, json_t *const *ev, size_t n, rp_chart *c, aiops_err *err)
{
    json_t *curve = one_curve(ev, n);
    if (curve)
        return curve_chart(o, curve, c, err);
    aiops_buf d = {0}, s = {0};
    size_t k = 0;
    double last_t = -INFINITY;
    size_t last_i = 0;
    int first = 1;
    for (;;) {   /* selection by (threshold, index) */
        size_t best = n;
        for (size_t i = 0; i < n; i++) {
            double t = g_thr(ev[i]);
            if (isnan(t) || (!first && (t < last_t || (t == last_t && i <= last_i))))
                continue;
            if (best == n || t < g_thr(ev[best]) || (t == g_thr(ev[best]) && i < best))
                best = i;
        }
        if (best == n)
            break;
        last_t = g_thr(ev[best]);
        last_i = best;
        first = 0;
        dnum(&d, last_t);
        aiops_buf_str(&d, " ");
        dnum(&d, at(ev[best], "event", "precision"));
        aiops_buf_str(&d, " ");
        dnum(&d, at(ev[best], "event", "recall"));
        aiops_buf_str(&d, "\n");
        k++;
    }
    c->svg = NULL;
    int rc = 0;
    if (k >= 2) {
        aiops_buf_str(&s, head);
        aiops_buf_str(&s, "set xlabel 'anomaly_score threshold' noenhanced\nset ylabel 'event-wise'\nset yrange [0:1.05]\n"
                          "plot @0@ using 1:2 with linespoints pt 7 lc rgb '#2c7bb6' title 'precision', "
                          "@0@ using 1:3 with linespoints pt 5 lc rgb '#d7191c' title 'recall'\n");
        rc = d.oom || s.oom ? aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory")
                            : rp_gnuplot(o->gnuplot, s.p, &d, 1, &c->svg, &c->len, err);
    }
    aiops_buf_free(&d);
    aiops_buf_free(&s);
    return rc;
}

/* Each evaluation's threshold curve (aiops-eval's detection.curve). */
static void curve_tables(rd *d, json_t *const *ev, const char *const *names, size_t n)
{
    int any = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *c = json_object_get(json_object_get(ev[i], "detection"), "curve"), *p;
        size_t k;
        if (!json_array_size(c))
            continue;
        if (!any)
            rd_h2(d, "Raising the threshold");
        any = 1;
        rd_table(d, (const char *const[]){"#", "scenario", "threshold", "alarms", "detected", "precision",
                                          "recall", "F1", "false alarms/day", NULL});
        json_array_foreach(c, k, p) {
            row_head(d, i, names[i]);
            char t[32];
            aiops_fmt_score(rp_num(p, "threshold"), t);
            rd_cell(d, t);
            cellnum(d, rp_num(p, "alarms"), "%.0f");
            cellnum(d, rp_num(p, "detected"), "%.0f");
            cellnum(d, rp_num(p, "precision"), "%.3f");
            cellnum(d, rp_num(p, "recall"), "%.3f");
            cellnum(d, rp_num(p, "f1"), "%.3f");
            cellnum(d, rp_num(p, "false_per_day"), "%.2f");
            rd_row_end(d);
        }
        rd_table_end(d);
    }
}

/* The series each evaluation lists worst first (aiops-eval's
 * detection.series): where the thresholds are wrong. */
#define BT_SERIES_ROWS 10

static void series_tables(rd *d, json_t *const *ev, const char *const *names, size_t n)
{
    int any = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *det = json_object_get(ev[i], "detection"), *ser = json_object_get(det, "series"), *r;
        size_t k;
        if (!json_array_size(ser))
            continue;
        if (!any) {
            rd_h2(d, "Per series, worst first");
            rd_p(d, "The series with the most false alarms, then the most missed incidents "
                    "(an incident counts for the series its label names, or its services').");
            rd_table(d, (const char *const[]){"#", "scenario", "series", "anomalies", "incidents", "detected",
                                              "false alarms", "precision", "delay median", NULL});
        }
        any = 1;
        json_array_foreach(ser, k, r) {
            if (k == BT_SERIES_ROWS)
                break;
            row_head(d, i, names[i]);
            rd_cell(d, rp_str(r, "series") ? rp_str(r, "series") : "");
            cellnum(d, rp_num(r, "anomalies"), "%.0f");
            cellnum(d, rp_num(r, "incidents"), "%.0f");
            cellnum(d, rp_num(r, "detected"), "%.0f");
            cellnum(d, rp_num(r, "false_alarms"), "%.0f");
            cellnum(d, rp_num(r, "precision"), "%.3f");
            celldur(d, rp_num(r, "delay_median"));
            rd_row_end(d);
        }
    }
    if (any)
        rd_table_end(d);
}

static int render(const aiops_report_opts *o, json_t *const *ev, const char *const *names, size_t n,
                  rp_chart *ch, int html, const char *dir, aiops_err *err)
{
    rd d;
    rd_init(&d, html, "Backtest: what dynamic thresholds would have done");
    aiops_buf t = {0};
    size_t inc = 0, det = 0, binc = 0, bdet = 0;
    for (size_t i = 0; i < n; i++) {
        double a = at(ev[i], "event", "incidents"), b = at(ev[i], "event", "detected");
        inc += isnan(a) ? 0 : (size_t)a;
        det += isnan(b) ? 0 : (size_t)b;
        a = at(ev[i], "baseline", "incidents");
        b = at(ev[i], "baseline", "detected");
        binc += isnan(a) ? 0 : (size_t)a;
        bdet += isnan(b) ? 0 : (size_t)b;
    }
    aiops_buf_printf(&t, "%zu evaluation%s, %zu incidents in all: dynamic thresholds detected %zu", n,
                     n == 1 ? "" : "s", inc, det);
    if (binc)
        aiops_buf_printf(&t, ", the static rules (baseline stream) %zu of %zu", bdet, binc);
    aiops_buf_str(&t, ".");
    rd_p(&d, t.p);
    aiops_buf_free(&t);
    rd_h2(&d, "Detection per scenario");
    rd_table(&d, (const char *const[]){"#", "scenario", "incidents", "detected", "precision", "recall", "F1",
                                       "false alarms/day", "delay median", "delay p90", "threshold", NULL});
    for (size_t i = 0; i < n; i++) {
        row_head(&d, i, names[i]);
        cellnum(&d, at(ev[i], "event", "incidents"), "%.0f");
        cellnum(&d, at(ev[i], "event", "detected"), "%.0f");
        cellnum(&d, at(ev[i], "event", "precision"), "%.3f");
        cellnum(&d, at(ev[i], "event", "recall"), "%.3f");
        cellnum(&d, at(ev[i], "event", "f1"), "%.3f");
        cellnum(&d, at(ev[i], "event", "false_per_day"), "%.2f");
        celldur(&d, at(ev[i], "event", "delay_median"));
        celldur(&d, at(ev[i], "event", "delay_p90"));
        cellnum(&d, g_thr(ev[i]), "%.4g");
        rd_row_end(&d);
    }
    rd_table_end(&d);
    rd_h2(&d, "Against the static rules");
    rd_table(&d, (const char *const[]){"#", "scenario", "static recall", "static false alarms/day",
                                       "static delay median", "earlier by (median)", "fewer false alarms",
                                       "summary", NULL});
    for (size_t i = 0; i < n; i++) {
        json_t *gain = json_object_get(json_object_get(ev[i], "detection"), "gain");
        row_head(&d, i, names[i]);
        cellnum(&d, at(ev[i], "baseline", "recall"), "%.3f");
        cellnum(&d, at(ev[i], "baseline", "false_per_day"), "%.2f");
        celldur(&d, at(ev[i], "baseline", "delay_median"));
        celldur(&d, rp_num(gain, "delay_gain_median"));
        cellnum(&d, rp_num(gain, "false_alarm_reduction_pct"), "%.0f%%");
        rd_cell(&d, rp_str(gain, "summary") ? rp_str(gain, "summary") : "no baseline stream");
        rd_row_end(&d);
    }
    rd_table_end(&d);
    rd_h2(&d, "Point-wise and NAB");
    rd_table(&d, (const char *const[]){"#", "scenario", "point precision", "point recall", "point F1",
                                       "NAB standard", "NAB low FP", "NAB low FN", NULL});
    for (size_t i = 0; i < n; i++) {
        json_t *nab = json_object_get(ev[i], "nab");
        row_head(&d, i, names[i]);
        cellnum(&d, at(ev[i], "point", "precision"), "%.3f");
        cellnum(&d, at(ev[i], "point", "recall"), "%.3f");
        cellnum(&d, at(ev[i], "point", "f1"), "%.3f");
        cellnum(&d, rp_num(json_object_get(nab, "standard"), "score"), "%.1f");
        cellnum(&d, rp_num(json_object_get(nab, "reward_low_FP_rate"), "score"), "%.1f");
        cellnum(&d, rp_num(json_object_get(nab, "reward_low_FN_rate"), "score"), "%.1f");
        rd_row_end(&d);
    }
    rd_table_end(&d);
    curve_tables(&d, ev, names, n);
    series_tables(&d, ev, names, n);
    static const char *const cap[] = {
        "Event-wise precision, recall and F1 per scenario",
        "Detection delay in minutes: bars at the median, whiskers to p90; dynamic thresholds vs static rules",
        "False alarms per day: dynamic thresholds vs static rules",
        "Precision and recall against the threshold (the threshold curve of the one evaluation that has "
        "one, else each evaluation's NAB threshold)",
    };
    int rc = 0;
    rd_h2(&d, "Charts");
    if (!o->charts)
        rd_p(&d, "Charts were not drawn (--no-charts).");
    for (int k = 0; k < 4 && !rc; k++)
        if (ch[k].svg) {
            char f[32];
            snprintf(f, sizeof f, "backtest-%d.svg", k + 1);
            rc = rd_chart(&d, dir, f, ch[k].svg, ch[k].len, cap[k], err);
        }
    rd_end(&d);
    if (!rc)
        rc = rp_write_file(dir, html ? "backtest.html" : "backtest.md", &d.b, err);
    aiops_buf_free(&d.b);
    return rc;
}

int aiops_report_backtest(const aiops_report_opts *o, json_t *const *ev,
                          const char *const *names, size_t n, const char *dir, char **index,
                          aiops_err *err)
{
    rp_chart ch[4];
    memset(ch, 0, sizeof ch);
    int rc = rp_mkdir(dir, err);
    if (!rc && o->charts) {
        static const char *const t1[] = {"precision", "recall", "F1"}, *const c1[] = {"#2c7bb6", "#d7191c", "#4d9221"};
        static const char *const t2[] = {"dynamic", "static"}, *const c2[] = {"#2c7bb6", "#e66101"};
        rc = bars(o, ev, n, "event-wise", t1, c1, g_pr, 3, 0, &ch[0], err);
        if (!rc)
            rc = bars(o, ev, n, "minutes after the start", t2, c2, g_delay, 4, 1, &ch[1], err);
        if (!rc)
            rc = bars(o, ev, n, "false alarms per day", t2, c2, g_fa, 2, 0, &ch[2], err);
        if (!rc)
            rc = thr_chart(o, ev, n, &ch[3], err);
    }
    for (int html = 0; html < 2 && !rc; html++)
        rc = render(o, ev, names, n, ch, html, dir, err);
    for (int k = 0; k < 4; k++)
        free(ch[k].svg);
    if (!rc && index)
        rc = rp_index_path(dir, "backtest.html", index, err);
    return rc;
}
