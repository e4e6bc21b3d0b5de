/* eval_render.c - the eval report as a plain table or Markdown: one row per
 * metric, grouped by section, in report order; durations with their unit. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "eval/eval_impl.h"

/* Numbers: integers as such, others with 4 decimals, trailing zeros cut. */
static void value_text(const json_t *v, char *out, size_t n)
{
    if (json_is_integer(v)) {
        snprintf(out, n, "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        snprintf(out, n, "%.4f", json_real_value(v));
        char *e = out + strlen(out);
        while (e > out && e[-1] == '0')
            *--e = '\0';
        if (e > out && e[-1] == '.')
            e[-1] = '\0';
    } else if (json_is_string(v)) {
        snprintf(out, n, "%s", json_string_value(v));
    } else if (json_is_null(v)) {
        snprintf(out, n, "n/a");
    } else if (json_is_true(v) || json_is_false(v)) {
        snprintf(out, n, "%s", json_is_true(v) ? "yes" : "no");
    } else {
        char *s = json_dumps(v, JSON_COMPACT);
        snprintf(out, n, "%s", s ? s : "?");
        free(s);
    }
}

/* The report's durations (seconds): shown with their unit, and in minutes
 * or hours when that is easier to read ("2550 s (42.5 min)"). */
static int is_duration(const char *key)
{
    static const char *const keys[] = {
        "delay_median", "delay_p90", "delay_mean", "delay_gain_median", "lead_median", "lead_p90",
        "lead_mean", "horizon", "window", "detect_gain", "diagnose_gain", "gain", "mttr_after",
        "mttr_today", "detect_today", "diagnose_today", NULL};
    for (size_t i = 0; keys[i]; i++)
        if (!strcmp(key, keys[i]))
            return 1;
    return 0;
}

static void duration_text(const json_t *v, char *out, size_t n)
{
    size_t k = strlen(out);
    double s = json_number_value(v), a = fabs(s);
    if (!json_is_number(v) || k + 1 >= n)
        return;
    if (a >= 2 * 3600)
        snprintf(out + k, n - k, " s (%.1f h)", s / 3600);
    else if (a >= 60)
        snprintf(out + k, n - k, " s (%.1f min)", s / 60);
    else
        snprintf(out + k, n - k, " s");
}

/* An array of objects (the detection curve, the per-series rows): a table
 * of its own after the section's metric rows, columns from its first
 * element. */
static int is_table(const json_t *v)
{
    return json_is_array(v) && json_array_size(v) && json_is_object(json_array_get(v, 0));
}

/* The text of one cell: durations short enough for a column, thresholds
 * with the digits calibrated scores need (0.9999999 is not "1"). */
static void cell_text(const char *key, const json_t *v, char *val, size_t n)
{
    value_text(v ? v : json_null(), val, n);
    if (json_is_number(v) && is_duration(key)) {
        double sec = json_number_value(v);
        if (fabs(sec) >= 60)
            snprintf(val, n, "%.1f min", sec / 60);
        else
            snprintf(val, n, "%g s", sec);
    } else if (json_is_real(v) && !strcmp(key, "threshold")) {
        char t[32];
        aiops_fmt_score(json_real_value(v), t);
        snprintf(val, n, "%s", t);
    }
}

static void cell(aiops_buf *b, const char *val, int md, int width)
{
    if (md) {                   /* a cell must not end the row or the table */
        aiops_buf_str(b, " ");
        aiops_buf_term(b, val, "|\\");
        aiops_buf_str(b, " |");
        return;
    }
    /* input text (series names) never reaches the terminal raw */
    size_t w = (size_t)(width < 0 ? -width : width), n = strlen(val);
    aiops_buf_str(b, "  ");
    if (width > 0)
        aiops_buf_printf(b, "%*s", (int)(w > n ? w - n : 0), "");
    aiops_buf_term(b, val, NULL);
    if (width < 0)
        aiops_buf_printf(b, "%*s", (int)(w > n ? w - n : 0), "");
}

/* Column width: the widest of the name and the cells; negative (left
 * aligned) for text columns. */
static int col_width(const json_t *arr, const char *key, int text)
{
    char val[1024];
    size_t i, w = strlen(key);
    const json_t *row;
    json_array_foreach(arr, i, row) {
        cell_text(key, json_object_get(row, key), val, sizeof val);
        w = strlen(val) > w ? strlen(val) : w;
    }
    w = w > 120 ? 120 : w;
    return text ? -(int)w : (int)w;
}

static void array_table(aiops_buf *b, const char *name, const json_t *arr, int md)
{
    const json_t *first = json_array_get(arr, 0), *row;
    const char *k;
    json_t *v;
    size_t i;
    char val[1024];
    aiops_buf_printf(b, md ? "\n**%s**\n\n|" : "\n  %s\n", name);
    json_object_foreach((json_t *)first, k, v)
        cell(b, k, md, col_width(arr, k, json_is_string(v)));
    aiops_buf_str(b, "\n");
    if (md) {
        aiops_buf_str(b, "|");
        json_object_foreach((json_t *)first, k, v)
            aiops_buf_str(b, json_is_string(v) ? "---|" : "---:|");
        aiops_buf_str(b, "\n");
    }
    json_array_foreach(arr, i, row) {
        if (md)
            aiops_buf_str(b, "|");
        json_object_foreach((json_t *)first, k, v) {
            cell_text(k, json_object_get(row, k), val, sizeof val);
            cell(b, val, md, col_width(arr, k, json_is_string(v)));
        }
        aiops_buf_str(b, "\n");
    }
}

static void tables(aiops_buf *b, const char *prefix, const json_t *o, int md)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)o, k, v) {
        char name[256];
        snprintf(name, sizeof name, "%s%s%s", prefix, *prefix ? "." : "", k);
        if (json_is_object(v))
            tables(b, name, v, md);
        else if (is_table(v))
            array_table(b, name, v, md);
    }
}

static void rows(aiops_buf *b, const char *prefix, const json_t *o, int md)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)o, k, v) {
        char name[256], val[1024];
        snprintf(name, sizeof name, "%s%s%s", prefix, *prefix ? "." : "", k);
        if (json_is_object(v)) {
            rows(b, name, v, md);
            continue;
        }
        if (is_table(v))        /* after the section: tables() */
            continue;
        value_text(v, val, sizeof val);
        if (is_duration(k))
            duration_text(v, val, sizeof val);
        /* names and values may hold input text (labels): no control
         * characters, and no '|' that would split a Markdown cell */
        aiops_buf_str(b, md ? "| " : "  ");
        size_t at = b->n;
        aiops_buf_term(b, name, md ? "|\\" : NULL);
        for (size_t w = b->n - at; !md && w < 34; w++)   /* "%-34s " */
            aiops_buf_put(b, " ", 1);
        aiops_buf_str(b, md ? " | " : " ");
        aiops_buf_term(b, val, md ? "|\\" : NULL);
        aiops_buf_str(b, md ? " |\n" : "\n");
    }
}

int aiops_eval_render(const json_t *report, int md, char **out, aiops_err *err)
{
    aiops_buf b = {0};
    const char *k;
    json_t *v;
    *out = NULL;
    aiops_buf_str(&b, md ? "## aiops-eval report\n" : "aiops-eval report\n");
    json_object_foreach((json_t *)report, k, v) {
        if (!json_is_object(v))
            continue;
        if (md)
            aiops_buf_printf(&b, "\n### %s\n\n| metric | value |\n|---|---|\n", k);
        else
            aiops_buf_printf(&b, "\n%s\n", k);
        rows(&b, "", v, md);
        tables(&b, k, v, md);
    }
    if (b.oom || !b.p) {
        aiops_buf_free(&b);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    *out = b.p;
    return 0;
}
