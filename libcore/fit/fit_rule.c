/* fit_rule.c - point verdicts into events: static rules ("cpu>80"), the
 * anomaly score, and the debouncer (min-duration / Prometheus `for:`,
 * cooldown, merging runs of anomalous points into one event). */
#include <math.h>
#include <string.h>

#include "fit/fit.h"

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* The operator is the first '<' or '>' outside braces and quotes, so label
 * values may contain them: cpu{path="a>b"} > 80. */
static const char *find_op(const char *s)
{
    int depth = 0, quote = 0;
    for (const char *p = s; *p; p++) {
        if (quote) {
            if (*p == '\\' && p[1])
                p++;
            else if (*p == '"')
                quote = 0;
        } else if (*p == '"') {
            quote = 1;
        } else if (*p == '{') {
            depth++;
        } else if (*p == '}') {
            depth--;
        } else if (depth == 0 && (*p == '<' || *p == '>')) {
            return p;
        }
    }
    return NULL;
}

static int rule_fail(aiops_err *err, const char *text, const char *what)
{
    return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                         "expected a rule like 'cpu>80' (SELECTOR OP NUMBER, OP one of > >= < <=), "
                         "%s in '%s'", what, text);
}

int aiops_fit_rule_parse(const char *text, aiops_fit_rule *out, aiops_err *err)
{
    memset(out, 0, sizeof *out);
    while (is_space(*text))
        text++;
    size_t len = strlen(text);
    while (len && is_space(text[len - 1]))
        len--;
    if (len >= sizeof out->text)
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "rule longer than %zu bytes",
                             sizeof out->text - 1);
    memcpy(out->text, text, len);
    out->text[len] = '\0';
    const char *op = find_op(out->text);
    if (!op)
        return rule_fail(err, out->text, "no operator");
    size_t opn = op[1] == '=' ? 2 : 1;
    memcpy(out->op, op, opn);
    out->op[opn] = '\0';
    const char *num = op + opn;
    while (is_space(*num))
        num++;
    if (!*num || aiops_parse_double(num, strlen(num), &out->threshold) ||
        isnan(out->threshold))
        return rule_fail(err, out->text, "no number after the operator");
    size_t sn = (size_t)(op - out->text);
    while (sn && is_space(out->text[sn - 1]))
        sn--;
    if (sn == 0)
        return rule_fail(err, out->text, "no series before the operator");
    out->sel_len = sn;
    char sel[256];
    memcpy(sel, out->text, sn);
    sel[sn] = '\0';
    aiops_err e2 = {0};
    if (aiops_selector_parse(sel, &out->sel, &e2))
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "rule '%s': %s", out->text, e2.msg);
    return 0;
}

void aiops_fit_rule_free(aiops_fit_rule *r)
{
    if (r) {
        aiops_selector_free(r->sel);
        r->sel = NULL;
    }
}

double aiops_fit_score(double v, const aiops_band *b)
{
    if (isnan(v) || (v >= b->lower && v <= b->upper))
        return 0;
    int above = v > b->upper;
    double edge = above ? b->upper : b->lower;
    double half = above ? b->upper - b->expected : b->expected - b->lower;
    if (isfinite(b->expected) && isfinite(half) && half > 0)
        return fabs(v - b->expected) / half;
    /* a threshold: expected is the threshold itself when the model says */
    return fabs(v - (isfinite(b->expected) ? b->expected : edge));
}

void aiops_debounce_init(aiops_debounce *d, double min_duration, double cooldown)
{
    memset(d, 0, sizeof *d);
    d->min_duration = min_duration > 0 ? min_duration : 0;
    d->cooldown = cooldown > 0 ? cooldown : 0;
    d->last_end = -INFINITY;
}

aiops_db_action aiops_debounce_step(aiops_debounce *d, double t, int anomalous, double score)
{
    if (anomalous < 0)
        return AIOPS_DB_NONE;
    if (!anomalous) {
        int was_firing = d->state == 2;
        d->state = 0;
        if (was_firing) {
            d->last_end = t;
            return AIOPS_DB_RESOLVE;
        }
        return AIOPS_DB_NONE;
    }
    if (d->state == 0) {
        if (t < d->last_end + d->cooldown)
            return AIOPS_DB_NONE;
        d->state = 1;
        d->start = t;
        d->peak = score;
    } else if (score > d->peak) {
        d->peak = score;
    }
    if (d->state == 1 && t - d->start >= d->min_duration) {
        d->state = 2;
        return AIOPS_DB_FIRE;
    }
    return AIOPS_DB_NONE;
}

/* ------------------------------------------------------------ counters */

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n > m && memcmp(s + n - m, suf, m) == 0;
}

int aiops_fit_is_counter(const aiops_series *se)
{
    static const char *const suffixes[] = {"_total", "_count", "_sum", "_bucket"};
    if (se->type == AIOPS_MTYPE_COUNTER)
        return 1;
    if (se->type != AIOPS_MTYPE_UNKNOWN)    /* typed gauge, ...: the type wins */
        return 0;
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
        if (ends_with(se->name, suffixes[i]))
            return 1;
    return 0;
}

double aiops_fit_counter_rate(double prev_t, double prev_v, double t, double v)
{
    if (!isfinite(prev_v) || !isfinite(v) || !(t > prev_t))
        return NAN;
    double inc = v >= prev_v ? v - prev_v : v;
    return inc / (t - prev_t);
}
