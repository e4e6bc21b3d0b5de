/* sum_context.c - one incident's context as JSON: its anomalies, rca
 * candidates, changes, predictions, log templates that are new or much
 * more frequent than before onset, the fault signature, the feature
 * vector and its nearest past incidents; then the size budget. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/jdoc.h"
#include "summarize/sum_impl.h"

const char *sum_time(double t, char *buf)
{
    if (!isfinite(t))
        return strcpy(buf, "?");
    aiops_fmt_time(t, buf);
    return buf;
}

static void set_num(json_t *o, const char *k, const json_t *from, const char *fk)
{
    json_t *v = json_object_get(from, fk);
    if (json_is_number(v))
        json_object_set_new(o, k, json_real(json_number_value(v)));
}

static void set_str(json_t *o, const char *k, const json_t *from, const char *fk)
{
    json_t *v = json_object_get(from, fk);
    if (json_is_string(v) && json_string_length(v))
        json_object_set(o, k, v);
}

/* record time as a number (field ts is epoch seconds or RFC 3339) */
static double rec_time(const json_t *o, const char *k)
{
    double t;
    json_t *v = json_object_get(o, k);
    return v && !aiops_jtime_parse(v, &t) ? t : NAN;
}

static void set_time(json_t *o, const char *k, const json_t *from, const char *fk)
{
    double t = rec_time(from, fk);
    if (isfinite(t))
        json_object_set_new(o, k, json_real(t));
}

/* name{a="b",...} of a sample-like record */
static void series_text(const json_t *o, aiops_buf *b)
{
    const char *s = json_string_value(json_object_get(o, "series"));
    if (s) {
        aiops_buf_str(b, s);
        return;
    }
    const char *name = json_string_value(json_object_get(o, "name"));
    aiops_buf_str(b, name ? name : "");
    json_t *labels = json_object_get(o, "labels");
    if (json_object_size(labels)) {
        const char *k;
        json_t *v;
        int first = 1;
        aiops_buf_put(b, "{", 1);
        json_object_foreach(labels, k, v) {
            aiops_buf_printf(b, "%s%s=\"%s\"", first ? "" : ",", k,
                             json_is_string(v) ? json_string_value(v) : "");
            first = 0;
        }
        aiops_buf_put(b, "}", 1);
    }
}

static int by_score_desc(const void *a, const void *b)
{
    double x = json_number_value(json_object_get(*(json_t *const *)a, "score"));
    double y = json_number_value(json_object_get(*(json_t *const *)b, "score"));
    if (x != y)
        return x > y ? -1 : 1;
    return strcmp(json_string_value(json_object_get(*(json_t *const *)a, "series")),
                  json_string_value(json_object_get(*(json_t *const *)b, "series")));
}

static int by_ts(const void *a, const void *b)
{
    double x = json_number_value(json_object_get(*(json_t *const *)a, "ts"));
    double y = json_number_value(json_object_get(*(json_t *const *)b, "ts"));
    return x < y ? -1 : x > y;
}

/* sort a JSON array in place with cmp over its items */
static void sort_array(json_t *arr, int (*cmp)(const void *, const void *))
{
    size_t n = json_array_size(arr);
    if (n < 2)
        return;
    json_t **v = malloc(n * sizeof *v);
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        v[i] = json_incref(json_array_get(arr, i));
    qsort(v, n, sizeof *v, cmp);
    json_array_clear(arr);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, v[i]);
    free(v);
}

static json_t *anomalies(const sum_inc *c)
{
    json_t *out = json_array();
    size_t i;
    json_t *a;
    json_array_foreach(c->anoms, i, a) {
        aiops_buf b = {0};
        series_text(a, &b);
        const char *ser = b.p ? b.p : "";
        json_t *dup = NULL, *x;
        size_t j;
        double score = json_number_value(json_object_get(a, "score"));
        json_array_foreach(out, j, x) if (!strcmp(json_string_value(json_object_get(x, "series")), ser))
            dup = x;
        if (dup && json_number_value(json_object_get(dup, "score")) >= score) {
            aiops_buf_free(&b);
            continue;
        }
        json_t *e = json_object();
        json_object_set_new(e, "series", json_string(ser));
        set_str(e, "service", a, "service");
        set_num(e, "value", a, "value");
        set_num(e, "expected", a, "expected");
        set_num(e, "score", a, "score");
        set_time(e, "start", a, "start");
        set_time(e, "ts", a, "ts");
        if (dup)
            json_object_update(dup, e), json_decref(e);
        else
            json_array_append_new(out, e);
        aiops_buf_free(&b);
    }
    sort_array(out, by_score_desc);
    return out;
}

static json_t *rca(const sum_inc *c)
{
    json_t *out = json_array(), *a;
    size_t i;
    json_array_foreach(c->rca, i, a) {
        if (i >= 5)
            break;
        json_t *e = json_object();
        set_str(e, "service", a, "service");
        set_num(e, "score", a, "score");
        json_t *ev = json_object_get(a, "evidence"), *x;
        size_t j;
        if (json_is_array(ev)) {
            json_t *l = json_array();
            json_array_foreach(ev, j, x) {
                if (j >= 5)
                    break;
                if (json_is_string(x))
                    json_array_append(l, x);
                else {
                    char *t = json_dumps(x, JSON_COMPACT | JSON_ENCODE_ANY);
                    if (t)
                        json_array_append_new(l, json_string(t));
                    free(t);
                }
            }
            json_object_set_new(e, "evidence", l);
        }
        if (json_object_get(e, "service"))
            json_array_append_new(out, e);
        else
            json_decref(e);
    }
    return out;
}

static json_t *copy_list(const json_t *in, const char *const *str, const char *const *num,
                         const char *const *tim)
{
    json_t *out = json_array(), *a;
    size_t i;
    json_array_foreach(in, i, a) {
        json_t *e = json_object();
        set_time(e, "ts", a, "ts");
        for (size_t k = 0; str[k]; k++)
            set_str(e, str[k], a, str[k]);
        for (size_t k = 0; num[k]; k++)
            set_num(e, num[k], a, num[k]);
        for (size_t k = 0; tim[k]; k++)
            set_time(e, tim[k], a, tim[k]);
        json_array_append_new(out, e);
    }
    sort_array(out, by_ts);
    return out;
}

/* ---------------------------------------------------------------- logs */

typedef struct tagg {
    uint32_t id;
    uint64_t before, during;
    const char *example;
    double first, score;
} tagg;

static int tagg_cmp(const void *a, const void *b)
{
    const tagg *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static json_t *logs(aiops_sum *s, const sum_inc *c, double end, json_t *ctx)
{
    json_t *out = json_array();
    tagg *v = calloc(c->ntc ? c->ntc : 1, sizeof *v);
    size_t n = 0;
    if (!v)
        return out;
    for (size_t i = 0; i < c->ntc; i++) {   /* merge counts by canonical template */
        const sum_tcount *t = &c->tc[i];
        if (!t->used)
            continue;
        uint32_t id = aiops_logtmpl_canon(s->miner, t->tid);
        size_t j = 0;
        while (j < n && v[j].id != id)
            j++;
        if (j == n)
            v[n++] = (tagg){.id = id, .first = INFINITY};
        v[j].before += t->before, v[j].during += t->during;
        if (t->example && !v[j].example)
            v[j].example = t->example;
        if (t->tid < s->ntinfo && s->tinfo[t->tid].first < v[j].first)
            v[j].first = s->tinfo[t->tid].first;
    }
    double dur = fmax(end - c->start, 60);
    double base = c->before;
    if (isfinite(c->ring_from) && c->start - c->ring_from < base)
        base = fmax(c->start - c->ring_from, 60);   /* what the ring still covered */
    json_object_set_new(ctx, "baseline", json_real(base));
    size_t keep = 0;
    for (size_t j = 0; j < n; j++) {
        tagg *t = &v[j];
        if (!t->during)
            continue;
        int isnew = !t->before && t->first >= c->start - 1;
        double ratio = (t->during / dur) / (fmax((double)t->before, 0.5) / base);
        if (!isnew && ratio < s->o.min_ratio)
            continue;
        t->score = (isnew ? 1000 : ratio) * log1p((double)t->during);
        v[keep++] = *t;
    }
    qsort(v, keep, sizeof *v, tagg_cmp);
    for (size_t j = 0; j < keep && j < s->o.max_logs; j++) {
        tagg *t = &v[j];
        json_t *e = json_object();
        aiops_buf b = {0};
        aiops_logtmpl_text(s->miner, t->id, &b);
        json_object_set_new(e, "template", json_string(b.p ? b.p : ""));
        aiops_buf_free(&b);
        json_object_set_new(e, "count", json_integer((json_int_t)t->during));
        json_object_set_new(e, "before", json_integer((json_int_t)t->before));
        int isnew = !t->before && t->first >= c->start - 1;
        json_object_set_new(e, "new", json_boolean(isnew));
        if (!isnew)
            json_object_set_new(e, "ratio", json_real(round(((t->during / dur) /
                                                             (fmax((double)t->before, 0.5) / base)) * 10) / 10));
        const char *ex = t->example;
        if (!ex && t->id < s->ntinfo)
            ex = s->tinfo[t->id].example;
        if (ex)
            json_object_set_new(e, "example", json_string(ex));
        json_array_append_new(out, e);
    }
    free(v);
    return out;
}

/* ----------------------------------------------------------- features */

static void add_unique(json_t *set, const char *s)
{
    size_t i;
    json_t *x;
    json_array_foreach(set, i, x) if (!strcmp(json_string_value(x), s)) return;
    json_array_append_new(set, json_string(s));
}

static json_t *features(const json_t *ctx)
{
    json_t *f = json_object(), *svc = json_array(), *met = json_array(), *tpl = json_array(), *x;
    size_t i;
    json_array_foreach(json_object_get(json_object_get(ctx, "incident"), "services"), i, x)
        if (json_is_string(x)) add_unique(svc, json_string_value(x));
    json_array_foreach(json_object_get(ctx, "anomalies"), i, x) {
        const char *ser = json_string_value(json_object_get(x, "series"));
        size_t n = strcspn(ser, "{");
        char *name = strndup(ser, n);
        if (name && *name)
            add_unique(met, name);
        free(name);
    }
    json_array_foreach(json_object_get(ctx, "logs"), i, x)
        add_unique(tpl, json_string_value(json_object_get(x, "template")));
    json_object_set_new(f, "services", svc);
    json_object_set_new(f, "metrics", met);
    json_object_set_new(f, "templates", tpl);
    json_object_set_new(f, "signature", json_string(aiops_sum_signature(ctx)));
    return f;
}

static double jaccard(const json_t *a, const json_t *b)
{
    size_t na = json_array_size(a), nb = json_array_size(b), both = 0;
    if (!na && !nb)
        return -1;   /* nothing to compare */
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
            if (json_is_string(json_array_get(a, i)) && json_is_string(json_array_get(b, j)) &&
                !strcmp(json_string_value(json_array_get(a, i)), json_string_value(json_array_get(b, j)))) {
                both++;
                break;
            }
    return (double)both / (double)(na + nb - both);
}

double aiops_sum_similarity(const json_t *fa, const json_t *fb)
{
    static const char *const keys[] = {"services", "metrics", "templates"};
    static const double w[] = {1.0, 1.0, 1.0};
    double num = 0, den = 0;
    for (size_t k = 0; k < 3; k++) {
        double j = jaccard(json_object_get(fa, keys[k]), json_object_get(fb, keys[k]));
        if (j >= 0)
            num += w[k] * j, den += w[k];
    }
    const char *sa = json_string_value(json_object_get(fa, "signature"));
    const char *sb = json_string_value(json_object_get(fb, "signature"));
    if (sa && sb && strcmp(sa, "unknown") && strcmp(sb, "unknown"))
        num += 1.5 * !strcmp(sa, sb), den += 1.5;
    return den > 0 ? num / den : 0;
}

typedef struct nb {
    double sim;
    size_t idx;
} nb;

static int nb_cmp(const void *a, const void *b)
{
    const nb *x = a, *y = b;
    if (x->sim != y->sim)
        return x->sim > y->sim ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static json_t *similar(const aiops_sum *s, const json_t *feat, const char *self)
{
    json_t *out = json_array(), *h;
    size_t n = json_array_size(s->history), k = 0, i;
    nb *v = calloc(n ? n : 1, sizeof *v);
    if (!v)
        return out;
    json_array_foreach(s->history, i, h) {
        const char *id = json_string_value(json_object_get(h, "incident"));
        if (id && self && !strcmp(id, self))
            continue;   /* the incident itself, summarised before */
        double sim = aiops_sum_similarity(feat, json_object_get(h, "features"));
        if (sim >= s->o.min_similarity)
            v[k++] = (nb){sim, i};
    }
    qsort(v, k, sizeof *v, nb_cmp);
    for (size_t j = 0; j < k && j < s->o.neighbours; j++) {
        h = json_array_get(s->history, v[j].idx);
        json_t *e = json_object();
        set_str(e, "incident", h, "incident");
        json_object_set_new(e, "similarity", json_real(round(v[j].sim * 1000) / 1000));
        set_str(e, "title", h, "title");
        set_str(e, "signature", h, "signature");
        set_str(e, "resolution", h, "resolution");
        set_time(e, "ts", h, "ts");
        json_array_append_new(out, e);
    }
    free(v);
    return out;
}

/* ------------------------------------------------------------ context */

int aiops_sum_context(aiops_sum *s, size_t i, json_t **out, aiops_err *err)
{
    static const char *const ev_str[] = {"kind", "service", "reason", "message", "version",
                                         "author", "object", "namespace", "severity", NULL};
    static const char *const ev_num[] = {"count", NULL};
    static const char *const pr_str[] = {"kind", "service", "series", "message", NULL};
    static const char *const pr_num[] = {"confidence", NULL};
    static const char *const pr_tim[] = {"eta", NULL};
    static const char *const none[] = {NULL};
    *out = NULL;
    if (i >= s->ninc)
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "no incident %zu", i);
    const sum_inc *c = &s->inc[i];
    json_t *ctx = json_object(), *inc = json_object();
    if (!ctx || !inc) {
        json_decref(ctx), json_decref(inc);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    json_object_set_new(inc, "id", json_string(c->id));
    json_object_set_new(inc, "start", json_real(c->start));
    if (isfinite(c->end))
        json_object_set_new(inc, "end", json_real(c->end));
    json_t *svcs = json_object_get(c->obj, "services");
    json_object_set_new(inc, "services", json_is_array(svcs) ? json_deep_copy(svcs) : json_array());
    set_str(inc, "title", c->obj, "title");
    /* aiops-cluster's alert_count counts the alerts; its "alerts" array
     * lists every member's fingerprint, anomalies' too. */
    json_t *al = json_object_get(c->obj, "alerts"), *ac = json_object_get(c->obj, "alert_count");
    if (json_is_integer(ac))
        json_object_set_new(inc, "alerts", json_integer(json_integer_value(ac)));
    else if (json_is_array(al))
        json_object_set_new(inc, "alerts", json_integer((json_int_t)json_array_size(al)));
    set_num(inc, "anomalies", c->obj, "anomalies");
    json_object_set_new(ctx, "incident", inc);
    json_object_set_new(ctx, "anomalies", anomalies(c));
    json_object_set_new(ctx, "rca", rca(c));
    /* aiops-rca ran but ranked nothing: say so, rather than let the
     * summary (or the model) read the empty list as "no analysis" */
    if (c->rca && json_array_size(c->rca) == 0)
        json_object_set_new(ctx, "rca_note",
                            json_string("aiops-rca ranked no service: none had a metric, span, log or "
                                        "change signal in its analysis window"));
    json_object_set_new(ctx, "changes", copy_list(c->changes, ev_str, ev_num, none));
    json_object_set_new(ctx, "predictions", copy_list(c->preds, pr_str, pr_num, pr_tim));
    double end = isfinite(c->end) ? c->end : fmax(c->ts, c->start);
    json_object_set_new(ctx, "logs", logs(s, c, end, ctx));
    json_object_set_new(ctx, "signature", json_string(aiops_sum_signature(ctx)));
    json_t *feat = features(ctx);
    json_object_set_new(ctx, "similar", similar(s, feat, c->id));
    json_object_set_new(ctx, "features", feat);
    json_object_set_new(ctx, "dropped", json_integer(0));
    aiops_sum_budget(ctx, s->o.budget);
    *out = ctx;
    return 0;
}

/* ------------------------------------------------------------- budget */

static const char *const sections[] = {"rca", "anomalies", "changes", "predictions", "logs",
                                       "similar", NULL};

double aiops_sum_item_score(const json_t *ctx, const char *sec, size_t idx)
{
    json_t *it = json_array_get(json_object_get(ctx, sec), idx);
    if (!it)
        return -1;
    if (!strcmp(sec, "rca"))
        return 90 - 10.0 * (double)idx;
    if (!strcmp(sec, "anomalies")) {
        double top = json_number_value(json_object_get(json_array_get(json_object_get(ctx, sec), 0), "score"));
        double sc = json_number_value(json_object_get(it, "score"));
        return 20 + 50 * (top > 0 ? sc / top : 1) - (double)idx * 0.01;
    }
    if (!strcmp(sec, "changes")) {
        const char *k = json_string_value(json_object_get(it, "kind"));
        const char *sev = json_string_value(json_object_get(it, "severity"));
        if (k && (!strcmp(k, "deploy") || !strcmp(k, "config")))
            return 80;
        if (k && (!strcmp(k, "oom_kill") || !strcmp(k, "restart")))
            return 65;
        return sev && !strcmp(sev, "Warning") ? 55 : 30;
    }
    if (!strcmp(sec, "predictions"))
        return 50;
    if (!strcmp(sec, "logs")) {
        if (json_is_true(json_object_get(it, "new")))
            return 66 - (double)idx * 0.01;
        double r = json_number_value(json_object_get(it, "ratio"));
        return 35 + 25 * fmin(log(fmax(r, 1)) / log(100), 1) - (double)idx * 0.01;
    }
    if (!strcmp(sec, "similar"))
        return 10 + 45 * json_number_value(json_object_get(it, "similarity"));
    return 0;
}

size_t aiops_sum_budget(json_t *ctx, size_t budget)
{
    size_t dropped = 0;
    json_int_t before = json_integer_value(json_object_get(ctx, "dropped"));
    for (;;) {
        aiops_buf b = {0};
        aiops_sum_context_text(ctx, &b);   /* with its note of what was dropped */
        size_t n = b.n;
        aiops_buf_free(&b);
        if (n <= budget)
            break;
        const char *worst_sec = NULL;
        size_t worst_idx = 0;
        double worst = INFINITY;
        for (size_t k = 0; sections[k]; k++) {
            size_t len = json_array_size(json_object_get(ctx, sections[k]));
            for (size_t j = 0; j < len; j++) {
                double sc = aiops_sum_item_score(ctx, sections[k], j);
                if (sc < worst)
                    worst = sc, worst_sec = sections[k], worst_idx = j;
            }
        }
        if (!worst_sec)
            break;   /* only the header is left */
        json_array_remove(json_object_get(ctx, worst_sec), worst_idx);
        dropped++;
        json_object_set_new(ctx, "dropped", json_integer(before + (json_int_t)dropped));
    }
    return dropped;
}
