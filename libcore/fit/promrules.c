/* promrules.c - export fitted models as Prometheus alerting rules
 * (aiops-fit --emit-promrules), so a tuned detector can run in production:
 *   static rules    expr: cpu > 80                     (once per rule)
 *   model rules     expr: x < L or x > U, one per series, the constant band
 *                   of fit_export.c, with the label aiops_series (the
 *                   series text) so rules stay unique, and the backtest
 *                   of that exact rule in the annotation "backtest".
 * Output is the rulefmt YAML that
 * `promtool check rules` reads; strings are single-quoted (no escapes
 * except '' for '), so any label value survives. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit/fit.h"
#include "common/array.h"
#include "common/buf.h"
#include "common/ofile.h"
#include "input/input.h"


/* YAML single-quoted scalar. */
static void put_quoted(aiops_buf *b, const char *s)
{
    aiops_buf_put(b, "'", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '\'')
            aiops_buf_put(b, "''", 2);
        else
            aiops_buf_put(b, p, 1);
    }
    aiops_buf_put(b, "'", 1);
}

void aiops_fit_fmt_duration(double sec, char *buf, size_t n)
{
    static const struct { const char *u; double s; } units[] = {
        {"w", 604800}, {"d", 86400}, {"h", 3600}, {"m", 60}, {"s", 1}};
    long long ms = llround(sec * 1000);
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < 5 && ms >= 1000; i++) {
        long long per = (long long)units[i].s * 1000, q = ms / per;
        if (q > 0 && len < n) {
            len += (size_t)snprintf(buf + len, n - len, "%lld%s", q, units[i].u);
            ms -= q * per;
        }
    }
    if ((ms > 0 || len == 0) && len < n)
        snprintf(buf + len, n - len, "%lldms", ms);
}

typedef struct ctx {
    aiops_buf b;
    double min_duration, for_duration;
    char **seen;              /* static rule texts already written */
    size_t nseen, capseen;
} ctx;

static int seen_rule(ctx *c, const char *rule)
{
    for (size_t i = 0; i < c->nseen; i++)
        if (!strcmp(c->seen[i], rule))
            return 1;
    char *cp = strdup(rule);
    if (!cp || AIOPS_GROW(c->seen, c->capseen, c->nseen + 1)) {
        free(cp);
        c->b.oom = 1;
        return 1;
    }
    c->seen[c->nseen++] = cp;
    return 0;
}

static void put_kv(aiops_buf *b, const char *indent, const char *k, const char *v)
{
    aiops_buf_str(b, indent);
    aiops_buf_str(b, k);
    aiops_buf_str(b, ": ");
    put_quoted(b, v);
    aiops_buf_str(b, "\n");
}

/* labels: severity, source, model, and for model rules the series'
 * text (aiops_series), so rules of one metric's series stay unique. */
static void put_rule(ctx *c, const char *alert, const char *expr, double hold, const char *model,
                     const char *series, const char *summary, const char *backtest)
{
    char name[256], dur[64];
    aiops_sanitize_name(alert, strlen(alert), name, sizeof name);
    aiops_buf_str(&c->b, "      - alert: ");
    put_quoted(&c->b, name);
    aiops_buf_str(&c->b, "\n");
    put_kv(&c->b, "        ", "expr", expr);
    if (hold > 0) {
        aiops_fit_fmt_duration(hold, dur, sizeof dur);
        put_kv(&c->b, "        ", "for", dur);
    }
    aiops_buf_str(&c->b, "        labels:\n");
    put_kv(&c->b, "          ", "severity", "warning");
    put_kv(&c->b, "          ", "source", "aiops-fit");
    put_kv(&c->b, "          ", "model", model);
    if (series)
        put_kv(&c->b, "          ", "aiops_series", series);
    aiops_buf_str(&c->b, "        annotations:\n");
    put_kv(&c->b, "          ", "summary", summary);
    if (backtest)
        put_kv(&c->b, "          ", "backtest", backtest);
}

static void static_rule(ctx *c, const aiops_fit_info *in)
{
    char expr[512], alert[300], summary[600], num[40];
    const char *rule = in->rule ? in->rule : "";
    if (seen_rule(c, rule))
        return;
    aiops_fmt_double(in->params.threshold, num);
    /* The selector as written: parse the rule again (a saved rule is text). */
    aiops_fit_rule r;
    aiops_err e2 = {0};
    int sel_len = aiops_fit_rule_parse(rule, &r, &e2) ? (int)strlen(rule) : (int)r.sel_len;
    aiops_fit_rule_free(&r);
    snprintf(expr, sizeof expr, "%.*s %s %s", sel_len, rule, in->params.op, num);
    snprintf(alert, sizeof alert, "%s_threshold", in->series->name[0] ? in->series->name : "series");
    snprintf(summary, sizeof summary, "static rule %s (backtested with aiops-fit)", rule);
    put_rule(c, alert, expr, c->for_duration, "static", NULL, summary, NULL);
}

void aiops_promrules_backtest_text(const aiops_fit_rule_band *r, char *buf, size_t n)
{
    char from[40], first[40];
    aiops_fmt_time(r->from, from);
    aiops_fmt_time(r->first_alert, first);
    int k = snprintf(buf, n, "%llu points from %s: %llu alerts", (unsigned long long)r->points,
                     from, (unsigned long long)r->rule_events);
    if (r->rule_events && k > 0 && (size_t)k < n)
        k += snprintf(buf + k, n - (size_t)k, " (the first at %s)", first);
    if (k > 0 && (size_t)k < n)
        k += snprintf(buf + k, n - (size_t)k, ", %llu during a model event",
                      (unsigned long long)r->rule_hits);
    if (r->rule_events && k > 0 && (size_t)k < n)
        k += snprintf(buf + k, n - (size_t)k, " (precision %.3g)",
                      (double)r->rule_hits / (double)r->rule_events);
    if (k > 0 && (size_t)k < n)
        k += snprintf(buf + k, n - (size_t)k, "; the model had %llu events, %llu alerted",
                      (unsigned long long)r->model_events, (unsigned long long)r->model_hits);
    if (r->model_events && k > 0 && (size_t)k < n)
        snprintf(buf + k, n - (size_t)k, " (recall %.3g)",
                 (double)r->model_hits / (double)r->model_events);
}

/* value < lower or value > upper, the open sides left out. */
static void band_expr(const char *s, const aiops_fit_rule_band *r, char *expr, size_t n)
{
    char lo[40], up[40];
    aiops_fmt_double(r->lower, lo);
    aiops_fmt_double(r->upper, up);
    if (isfinite(r->lower) && isfinite(r->upper))
        snprintf(expr, n, "%s < %s or %s > %s", s, lo, s, up);
    else if (isfinite(r->upper))
        snprintf(expr, n, "%s > %s", s, up);
    else
        snprintf(expr, n, "%s < %s", s, lo);
}

static void model_rule(ctx *c, const aiops_fit_info *in)
{
    char expr[4096], alert[300], summary[1024], bt[400];
    const char *s = in->series->text;
    if (!in->export.set) {        /* the band never closed: nothing to export */
        aiops_buf_str(&c->b, "      # no rule for ");
        aiops_buf_str(&c->b, s);
        aiops_buf_str(&c->b, ": its model's band never closed\n");
        return;
    }
    char sel[2048];
    if (in->counter) {
        /* the rate the model saw: from the last two samples, a drop being a
         * reset, is irate() over a range holding at least two of them */
        char w[32];
        double range = 4 * (in->step > 0 ? in->step : 60);
        aiops_fit_fmt_duration(ceil(range < 60 ? 60 : range), w, sizeof w);
        snprintf(sel, sizeof sel, "irate(%s[%s])", s, w);
        s = sel;
    }
    band_expr(s, &in->export, expr, sizeof expr);
    snprintf(alert, sizeof alert, "%s_anomaly", in->series->name[0] ? in->series->name : "series");
    snprintf(summary, sizeof summary,
             "%s outside the constant band of its %s model (%s)%s%s", in->series->text, in->model,
             strcmp(in->model, "seasonal") && strcmp(in->model, "sarima") &&
                     strcmp(in->model, "holtwinters")
                 ? "its band at the first scored point"
                 : "the envelope of its bands over the first period scored",
             in->reason[0] ? "; " : "", in->reason);
    aiops_promrules_backtest_text(&in->export, bt, sizeof bt);
    put_rule(c, alert, expr, c->min_duration, in->model, in->series->text, summary, bt);
}

static int add_rule(void *vc, const aiops_fit_info *in, aiops_err *err)
{
    (void)err;
    ctx *c = vc;
    if (in->rule || !strcmp(in->model, "static"))
        static_rule(c, in);
    else
        model_rule(c, in);
    return 0;
}

int aiops_promrules_render(const aiops_fit *f, double min_duration, double for_duration,
                           char **out, aiops_err *err)
{
    ctx c = {.min_duration = min_duration,
             .for_duration = isnan(for_duration) ? min_duration : for_duration};
    aiops_buf_str(&c.b, "# Generated by aiops-fit --emit-promrules.\ngroups:\n  - name: 'aiops-fit'\n"
                        "    rules:\n");
    size_t head = c.b.n;
    int rc = aiops_fit_foreach(f, add_rule, &c, err);
    if (!rc && c.b.n == head)      /* rulefmt wants a list, even an empty one */
        aiops_buf_str(&c.b, "      []\n");
    for (size_t i = 0; i < c.nseen; i++)
        free(c.seen[i]);
    free(c.seen);
    if (!rc && c.b.oom)
        rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (rc) {
        aiops_buf_free(&c.b);
        return rc;
    }
    *out = c.b.p;
    return 0;
}

int aiops_promrules_write(const aiops_fit *f, double min_duration, double for_duration,
                          const char *path, aiops_err *err)
{
    char *text = NULL;
    int rc = aiops_promrules_render(f, min_duration, for_duration, &text, err);
    if (rc)
        return rc;
    rc = aiops_ofile_save(path, text, strlen(text), err);
    free(text);
    return rc;
}
