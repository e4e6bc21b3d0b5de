/* mscan.h - the validating hand scan of JSON text that the metric
 * readers' fast paths share (fmt_promapi.c, fmt_vmexport.c): it accepts
 * only what it fully understands, exactly as jansson would read it
 * (strict grammar, no escapes, valid UTF-8, jansson's number range), and
 * gives up (-1) on anything else, so the reader then parses the text
 * with jansson and reports what is wrong with the messages it always
 * had.  Not public. */
#ifndef AIOPS_METRICS_MSCAN_H
#define AIOPS_METRICS_MSCAN_H

#include <math.h>
#include <string.h>

#include "aiops_format.h"
#include "common/array.h"

/* Text s[0, n) and the scan position i. */
typedef struct fscan {
    const char *s;
    size_t n, i;
} fscan;


static inline void f_ws(fscan *f)
{
    while (f->i < f->n) {
        char c = f->s[f->i];
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
            return;
        f->i++;
    }
}

static inline int f_ch(fscan *f, char c)
{
    if (f->i < f->n && f->s[f->i] == c) {     /* compact JSON: no blanks */
        f->i++;
        return 1;
    }
    f_ws(f);
    if (f->i < f->n && f->s[f->i] == c) {
        f->i++;
        return 1;
    }
    return 0;
}

/* A string without escapes or control characters, valid UTF-8. */
static inline int f_str(fscan *f, const char **p, size_t *len)
{
    f_ws(f);
    if (f->i >= f->n || f->s[f->i] != '"')
        return -1;
    size_t st = ++f->i;
    int high = 0;
    for (size_t k = st; k < f->n; k++) {
        unsigned char c = (unsigned char)f->s[k];
        if (c == '"') {
            *p = f->s + st;
            *len = k - st;
            f->i = k + 1;
            return high && !aiops_utf8_valid(*p, *len) ? -1 : 0;
        }
        if (c == '\\' || c < 0x20)
            return -1;
        high |= c >= 0x80;
    }
    return -1;
}

static inline int f_key(fscan *f, const char **k, size_t *kn)
{
    return f_str(f, k, kn) == 0 && f_ch(f, ':') ? 0 : -1;
}

#define F_IS(k, kn, lit) ((kn) == sizeof(lit) - 1 && memcmp((k), lit, sizeof(lit) - 1) == 0)

static inline size_t f_digits(const char *s, size_t n, size_t i)
{
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    return i;
}

/* A JSON number in the strict grammar, as jansson would give its value:
 * an integer past 18 characters (jansson's range ends at long long), a
 * real that overflows, anything else: -1.  An integer -0 is 0. */
static inline int f_num(fscan *f, double *v)
{
    f_ws(f);
    const char *s = f->s;
    size_t n = f->n, st = f->i, i = st, d;
    int integer = 1;
    if (i < n && s[i] == '-')
        i++;
    if (i < n && s[i] == '0')
        i++;
    else if (i < n && s[i] >= '1' && s[i] <= '9')
        i = f_digits(s, n, i);
    else
        return -1;
    if (i < n && s[i] == '.') {
        integer = 0;
        if ((d = f_digits(s, n, i + 1)) == i + 1)
            return -1;
        i = d;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        integer = 0;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if ((d = f_digits(s, n, i)) == i)
            return -1;
        i = d;
    }
    if ((integer && i - st > 18) || aiops_parse_double(s + st, i - st, v) < 0 || !isfinite(*v))
        return -1;
    if (integer && *v == 0)
        *v = 0;
    f->i = i;
    return 0;
}

/* {"name": "value", ...}: only checked here, read by f_labels. */
static inline int f_metric(fscan *f)
{
    const char *k, *v;
    size_t kn, vn;
    if (!f_ch(f, '{'))
        return -1;
    if (f_ch(f, '}'))
        return 0;
    do {
        if (f_key(f, &k, &kn) < 0 || f_str(f, &v, &vn) < 0)
            return -1;
    } while (f_ch(f, ','));
    return f_ch(f, '}') ? 0 : -1;
}

/* The labels of a "metric" object checked by f_metric, [from, to) of s, into lab (names and values
 * copied NUL-terminated into txt); -1 on a duplicate name (jansson
 * rejects those) or out of memory. */
static inline int f_labels(const char *s, size_t from, size_t to, aiops_label **lab,
                           size_t *lcap, size_t *nlab, char **txt, size_t *tcap)
{
    fscan f = { s, to, from };
    const char *k, *v;
    size_t kn, vn, used = 0, n = 0;
    /* Each name and value fits in the object's text with its NUL. */
    if (AIOPS_GROW(*txt, *tcap, to - from + 2))
        return -1;
    f_ch(&f, '{');
    if (!f_ch(&f, '}')) {
        do {
            if (f_key(&f, &k, &kn) < 0 || f_str(&f, &v, &vn) < 0)
                return -1;              /* f_metric checked it: not reached */
            for (size_t j = 0; j < n; j++)
                if (strlen((*lab)[j].name) == kn && memcmp((*lab)[j].name, k, kn) == 0)
                    return -1;
            if (AIOPS_GROW(*lab, *lcap, n + 1))
                return -1;
            char *kp = *txt + used;
            memcpy(kp, k, kn);
            kp[kn] = '\0';
            char *vp = kp + kn + 1;
            memcpy(vp, v, vn);
            vp[vn] = '\0';
            used += kn + vn + 2;
            (*lab)[n++] = (aiops_label){ kp, vp };
        } while (f_ch(&f, ','));
    }
    *nlab = n;
    return 0;
}

#endif
