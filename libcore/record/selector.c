/* selector.c - Prometheus-style series selectors for --match:
 *   name{label="v", label!="v", label=~"re", label!~"re"}
 * Semantics follow PromQL: an absent label has the value "", regexes are
 * RE2 syntax, fully anchored.  regcomp runs them: the RE2 syntax POSIX
 * extended regexes can express is translated (below), the rest refused.
 * Records other than samples are matched on the labels docs/FORMAT.md
 * lists per type ("Selectors"). */
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aiops_format.h"
#include "common/array.h"
#include "common/buf.h"

typedef enum { M_EQ, M_NE, M_RE, M_NRE } mop;

typedef struct matcher {
    char *label;
    char *value;
    mop op;
    regex_t re;
    int has_re;
} matcher;

struct aiops_selector {
    matcher *m;
    size_t n, cap;
};

void aiops_selector_free(aiops_selector *sel)
{
    if (!sel)
        return;
    for (size_t i = 0; i < sel->n; i++) {
        free(sel->m[i].label);
        free(sel->m[i].value);
        if (sel->m[i].has_re)
            regfree(&sel->m[i].re);
    }
    free(sel->m);
    free(sel);
}

static char *dupn(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static int is_name_char(char c, int first);

/* ---- RE2 (Prometheus) regex syntax -> POSIX ERE
 *
 * Prometheus compiles label regexes with RE2, fully anchored.  regcomp
 * knows POSIX extended syntax only, so the subset both can express is
 * translated when the selector is compiled and the rest is refused with
 * a message naming the offset in the regex:
 *   - \d \w \s \D \W \S (outside and inside [...], the negated ones
 *     outside only), \n \t \r \f \v \a, \xHH and \x{H..} (ASCII), and a
 *     backslash before punctuation (a literal);
 *   - [...] with ranges, [:name:] classes (and RE2's [:word:]), and
 *     escapes, rebuilt in the order POSIX needs (']' first, '-' last);
 *   - (?:...), (?P<name>...) and (?<name>...) as plain groups; (?i) at the
 *     very start as REG_ICASE; the flags s and U anywhere (a selector only
 *     asks whether the whole value matches, so greediness and dot-matches-
 *     newline, which regexec has anyway, change nothing); lazy quantifiers
 *     (*? +? ?? {n,m}?) likewise;
 *   - {n}, {n,}, {n,m} up to 1000 (RE2's limit); a '{' that starts none
 *     of them is a literal, as in RE2.
 * Refused: backreferences and octal escapes, lookarounds, \b \B \A \z \p
 * \P \Q \C, other flags, a flag group anywhere but at the start, double
 * repetition operators, a repetition with nothing before it. */

typedef struct retr {
    const char *s, *label;
    size_t n, i;
    aiops_buf *o;
    int icase;
    aiops_err *err;
} retr;

static int re_fail(retr *t, size_t at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int re_fail(retr *t, size_t at, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return aiops_err_set(t->err, AIOPS_EINVAL, NULL, 0,
                         "selector: regex \"%.200s\" for label '%s', offset %zu: %s", t->s, t->label,
                         at, msg);
}

/* The members of \d \w \s in a bracket expression (bytes). */
static const char *shorthand(char c)
{
    switch (c) {
    case 'd': case 'D': return "0-9";
    case 'w': case 'W': return "0-9A-Za-z_";
    case 's': case 'S': return "\t\n\f\r ";
    default: return NULL;
    }
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The escape at t->i ('\\'): a shorthand class (*cls = its letter) or one
 * literal byte (*lit).  Advances t->i past it.  0 or <0. */
static int re_escape(retr *t, char *cls, char *lit)
{
    size_t at = t->i;
    *cls = 0;
    if (at + 1 >= t->n)
        return re_fail(t, at, "expected a character after '\\', got the end of the regex");
    char c = t->s[at + 1];
    t->i = at + 2;
    static const char ctl[] = "n\nt\tr\rf\fv\va\a";
    if (shorthand(c)) {
        *cls = c;
        return 0;
    }
    for (size_t k = 0; ctl[k]; k += 2)
        if (c == ctl[k]) {
            *lit = ctl[k + 1];
            return 0;
        }
    if (c == 'x') {
        size_t j = at + 2, end;
        int braces = j < t->n && t->s[j] == '{';
        unsigned v = 0;
        j += (size_t)braces;
        for (end = j; end < t->n && hexval(t->s[end]) >= 0 && (braces || end < j + 2); end++)
            v = v * 16 + (unsigned)hexval(t->s[end]);
        if (end == j || (!braces && end != j + 2) || (braces && (end >= t->n || t->s[end] != '}')))
            return re_fail(t, at, "expected \\xHH or \\x{H...} after '\\x'");
        if (v == 0 || v > 0x7f)
            return re_fail(t, at, "expected an ASCII character from 1 to 0x7f in '\\x', got 0x%x", v);
        t->i = end + (size_t)braces;
        *lit = (char)v;
        return 0;
    }
    if (c >= '0' && c <= '9')
        return re_fail(t, at, "expected no backreference or octal escape, got '\\%c' "
                              "(RE2 has no backreferences)", c);
    if (c == 'b' || c == 'B' || c == 'A' || c == 'z' || c == 'p' || c == 'P' || c == 'Q' ||
        c == 'C')
        return re_fail(t, at, "expected an escape POSIX regexes can express, got '\\%c' "
                              "(\\b \\B \\A \\z \\p \\P \\Q \\C are not supported)", c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (unsigned char)c >= 0x80)
        return re_fail(t, at, "expected a known escape (\\d \\w \\s \\D \\W \\S \\n \\t \\r \\f "
                              "\\v \\a \\x, or '\\' before punctuation), got '\\%c'", c);
    *lit = c;       /* '\' before punctuation or space: the character itself */
    return 0;
}

/* One literal byte outside brackets. */
static void re_lit(retr *t, char c)
{
    if (strchr(".[\\()*+?{|^$", c))
        aiops_buf_put(t->o, "\\", 1);
    aiops_buf_put(t->o, &c, 1);
}

/* A bracket expression at t->i ('['), rebuilt for POSIX: ']' first, then
 * ranges, single characters and [:classes:], then '[', '^' and '-'. */
static int re_bracket(retr *t)
{
    size_t at = t->i++;
    int neg = 0, rb = 0, lb = 0, caret = 0, dash = 0;
    aiops_buf mid = {0};
    if (t->i < t->n && t->s[t->i] == '^') {
        neg = 1;
        t->i++;
    }
    int rc = 0;
    for (int first = 1;; first = 0) {
        if (t->i >= t->n) {
            rc = re_fail(t, at, "expected ']' to close the '[' here");
            break;
        }
        size_t it = t->i;
        char c = t->s[it], cls = 0, lo;
        if (c == ']' && !first) {
            t->i++;
            break;
        }
        if (c == '[' && it + 1 < t->n && t->s[it + 1] == ':') {
            const char *end = strstr(t->s + it + 2, ":]");
            size_t len = end ? (size_t)(end - (t->s + it + 2)) : 0;
            static const char *const names[] = {"alnum", "alpha", "blank", "cntrl", "digit", "graph",
                                                "lower", "print", "punct", "space", "upper",
                                                "xdigit", NULL};
            int ok = 0;
            for (size_t k = 0; end && names[k]; k++)
                ok |= strlen(names[k]) == len && !memcmp(names[k], t->s + it + 2, len);
            if (end && len == 4 && !memcmp(t->s + it + 2, "word", 4)) {
                aiops_buf_str(&mid, shorthand('w'));
            } else if (ok) {
                aiops_buf_put(&mid, t->s + it, len + 4);
            } else {
                rc = re_fail(t, it, "expected a class [:alnum:], [:alpha:], [:blank:], [:cntrl:], "
                                    "[:digit:], [:graph:], [:lower:], [:print:], [:punct:], "
                                    "[:space:], [:upper:], [:word:] or [:xdigit:]");
                break;
            }
            t->i = it + len + 4;
            continue;
        }
        if (c == '\\') {
            if ((rc = re_escape(t, &cls, &lo)))
                break;
            if (cls && cls >= 'A' && cls <= 'Z') {
                rc = re_fail(t, it, "expected \\d, \\w or \\s inside [...], got '\\%c' "
                                    "(write [^...] instead)", cls);
                break;
            }
            if (cls) {
                aiops_buf_str(&mid, shorthand(cls));
                continue;
            }
        } else {
            lo = c;
            t->i++;
        }
        /* lo, a single character; a range when '-' and an end follow. */
        if (t->i + 1 < t->n && t->s[t->i] == '-' && t->s[t->i + 1] != ']') {
            size_t he = ++t->i;
            char hi = t->s[he];
            if (hi == '\\') {
                if ((rc = re_escape(t, &cls, &hi)))
                    break;
                if (cls) {
                    rc = re_fail(t, he, "expected a character to end the range, got '\\%c'", cls);
                    break;
                }
            } else {
                t->i++;
            }
            if ((unsigned char)hi < (unsigned char)lo) {
                rc = re_fail(t, it, "expected a range in order, got '%c-%c'", lo, hi);
                break;
            }
            if (strchr("]-^[", lo) || strchr("]-^[", hi)) {
                rc = re_fail(t, it, "expected a range between ordinary characters, got '%c-%c' "
                                    "(list ] - ^ [ on their own)", lo, hi);
                break;
            }
            char r[3] = {lo, '-', hi};
            aiops_buf_put(&mid, r, 3);
            continue;
        }
        rb |= lo == ']';
        lb |= lo == '[';
        caret |= lo == '^';
        dash |= lo == '-';
        if (!strchr("]-^[", lo))
            aiops_buf_put(&mid, &lo, 1);
    }
    if (!rc && !neg && caret && !rb && !mid.n && !lb) {
        /* '^' alone (or with '-'): first in a bracket it would negate. */
        aiops_buf_str(t->o, dash ? "[-^]" : "\\^");
    } else if (!rc) {
        aiops_buf_str(t->o, neg ? "[^" : "[");
        if (rb)
            aiops_buf_put(t->o, "]", 1);
        aiops_buf_put(t->o, mid.p, mid.n);
        if (lb)
            aiops_buf_put(t->o, "[", 1);
        if (caret)
            aiops_buf_put(t->o, "^", 1);
        if (dash)
            aiops_buf_put(t->o, "-", 1);
        aiops_buf_put(t->o, "]", 1);
    }
    rc = !rc && mid.oom ? aiops_err_set(t->err, AIOPS_ENOMEM, NULL, 0, "out of memory") : rc;
    aiops_buf_free(&mid);
    return rc;
}

/* "(?" at t->i: a group opener written as "(", or flags. */
static int re_group(retr *t)
{
    size_t at = t->i, j = at + 2;
    const char *p = t->s + j;
    if (*p == ':') {
        t->i = j + 1;
        aiops_buf_put(t->o, "(", 1);
        return 1;
    }
    if (*p == '=' || *p == '!' || (*p == '<' && (p[1] == '=' || p[1] == '!')))
        return re_fail(t, at, "expected no lookaround, got '(?%.*s' (RE2 has none either)",
                       *p == '<' ? 2 : 1, p);
    if (*p == 'P' || *p == '<') {
        size_t k = j + (*p == 'P') + 1;
        if (*p == 'P' && t->s[j + 1] != '<')
            return re_fail(t, at, "expected '(?P<name>', got '(?P%c'", t->s[j + 1] ? t->s[j + 1] : ' ');
        size_t ns = k;
        while (k < t->n && is_name_char(t->s[k], k == ns) && t->s[k] != ':')
            k++;
        if (k == ns || k >= t->n || t->s[k] != '>')
            return re_fail(t, at, "expected a group name of letters, digits and '_' and '>'");
        t->i = k + 1;
        aiops_buf_put(t->o, "(", 1);
        return 1;
    }
    size_t k = j;
    int icase = 0;
    while (k < t->n && strchr("imsU", t->s[k]) && t->s[k]) {
        if (t->s[k] == 'm')
            return re_fail(t, k, "expected the flags i, s or U, got 'm' (multi-line mode is not "
                                 "supported)");
        icase |= t->s[k] == 'i';
        k++;
    }
    if (k == j || k >= t->n || (t->s[k] != ')' && t->s[k] != ':'))
        return re_fail(t, at, "expected '(?:', '(?P<name>', '(?<name>' or flags (?i), (?s), (?U) "
                              "after '(?'");
    if (icase && (at != 0 || t->s[k] != ')'))
        return re_fail(t, at, "expected (?i) only at the very start of the regex "
                              "(case-insensitive groups are not supported)");
    t->icase |= icase;
    t->i = k + 1;
    if (t->s[k] == ':') {
        aiops_buf_put(t->o, "(", 1);
        return 1;
    }
    return 0;              /* flags only: nothing written, nothing to repeat */
}

/* A repetition {n}, {n,}, {n,m} at t->i: its length, or 0 (a literal '{'). */
static size_t re_braces(retr *t, long *lo, long *hi)
{
    const char *p = t->s + t->i + 1;
    char *e;
    if (*p < '0' || *p > '9')
        return 0;
    *lo = strtol(p, &e, 10);
    *hi = *lo;
    if (*e == ',') {
        *hi = -1;
        if (e[1] >= '0' && e[1] <= '9')
            *hi = strtol(e + 1, &e, 10);
        else
            e++;
    }
    return *e == '}' ? (size_t)(e + 1 - (t->s + t->i)) : 0;
}

/* Translate t->s into t->o (without the anchors). */
static int re2_to_ere(retr *t)
{
    int depth = 0, can_repeat = 0, rc;
    while (t->i < t->n) {
        size_t at = t->i;
        char c = t->s[at], cls, lit;
        long lo, hi;
        size_t bl = c == '{' ? re_braces(t, &lo, &hi) : 0;
        if (c == '*' || c == '+' || c == '?' || bl) {
            if (!can_repeat)
                return re_fail(t, at, "expected something to repeat before '%.*s'",
                               (int)(bl ? bl : 1), t->s + at);
            if (bl && (lo > 1000 || hi > 1000 || (hi >= 0 && hi < lo)))
                return re_fail(t, at, "expected a repetition {n,m} with n <= m <= 1000, got '%.*s'",
                               (int)bl, t->s + at);
            aiops_buf_put(t->o, t->s + at, bl ? bl : 1);
            t->i = at + (bl ? bl : 1);
            if (t->i < t->n && t->s[t->i] == '?')
                t->i++;                        /* lazy: the same whole-value match */
            can_repeat = 0;
            continue;
        }
        can_repeat = 1;
        switch (c) {
        case '\\':
            if ((rc = re_escape(t, &cls, &lit)))
                return rc;
            if (cls) {
                aiops_buf_str(t->o, cls >= 'a' ? "[" : "[^");
                aiops_buf_str(t->o, shorthand(cls));
                aiops_buf_put(t->o, "]", 1);
            } else {
                re_lit(t, lit);
            }
            continue;
        case '[':
            if ((rc = re_bracket(t)))
                return rc;
            continue;
        case '(':
            if (at + 1 < t->n && t->s[at + 1] == '?') {
                if ((rc = re_group(t)) < 0)
                    return rc;
                depth += rc;
                can_repeat = 0;
                continue;
            }
            depth++;
            can_repeat = 0;
            break;
        case ')':
            if (depth == 0)
                return re_fail(t, at, "expected a '(' before this ')'");
            depth--;
            break;
        case '|':
        case '^':
            can_repeat = 0;
            break;
        case '{':
            re_lit(t, c);                      /* not a repetition: literal, as in RE2 */
            t->i++;
            continue;
        default:
            break;
        }
        aiops_buf_put(t->o, &c, 1);
        t->i++;
    }
    if (depth)
        return re_fail(t, t->n, "expected %d more ')'", depth);
    return 0;
}

static int add(aiops_selector *sel, const char *l, size_t ln, const char *v, size_t vn, mop op,
               aiops_err *err)
{
    if (AIOPS_GROW(sel->m, sel->cap, sel->n + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    matcher *m = &sel->m[sel->n];
    memset(m, 0, sizeof *m);
    m->op = op;
    m->label = dupn(l, ln);
    m->value = dupn(v, vn);
    if (!m->label || !m->value) {
        free(m->label);
        free(m->value);
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    }
    sel->n++;
    if (op == M_RE || op == M_NRE) {
        aiops_buf pat = {0};
        retr t = {.s = m->value, .label = m->label, .n = vn, .o = &pat, .err = err};
        aiops_buf_str(&pat, "^(");
        int rc = re2_to_ere(&t);
        aiops_buf_str(&pat, ")$");
        if (!rc && pat.oom)
            rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        if (rc) {
            aiops_buf_free(&pat);
            return rc;
        }
        rc = regcomp(&m->re, pat.p, REG_EXTENDED | REG_NOSUB | (t.icase ? REG_ICASE : 0));
        aiops_buf_free(&pat);
        if (rc) {
            char eb[128];
            regerror(rc, &m->re, eb, sizeof eb);
            return aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "bad regex \"%s\" for label %s: %s",
                                 m->value, m->label, eb);
        }
        m->has_re = 1;
    }
    return 0;
}

static void ws(const char *s, size_t *i)
{
    while (s[*i] == ' ' || s[*i] == '\t')
        (*i)++;
}

static int is_name_char(char c, int first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
           (!first && c >= '0' && c <= '9');
}

/* A quoted value: "..." or '...' with Go's escapes \a \b \f \n \r \t \v
 * \\ \" \' as PromQL has them, or `...` (raw, no escapes).  Where PromQL
 * would reject another escape, the backslash is kept: "5\d\d" is the
 * regex 5\d\d, as it was meant. */
static int quoted(const char *s, size_t *i, char **out, size_t *outn)
{
    char q = s[*i];
    if (q != '"' && q != '\'' && q != '`')
        return -1;
    size_t st = ++*i, n = 0;
    char *buf = malloc(strlen(s + st) + 1);
    if (!buf)
        return -1;
    static const char go[] = "a\ab\bf\fn\nr\rt\tv\v\\\\\"\"''";
    while (s[*i] && s[*i] != q) {
        if (q != '`' && s[*i] == '\\' && s[*i + 1]) {
            char e = s[*i + 1];
            const char *k = NULL;
            for (size_t j = 0; go[j] && !k; j += 2)
                if (go[j] == e)
                    k = go + j + 1;
            if (!k)
                buf[n++] = '\\';
            buf[n++] = k ? *k : e;
            *i += 2;
        } else {
            buf[n++] = s[(*i)++];
        }
    }
    if (s[*i] != q) {
        free(buf);
        return -1;
    }
    (*i)++;
    buf[n] = '\0';
    *out = buf;
    *outn = n;
    return 0;
}

static int parse_matchers(aiops_selector *sel, const char *s, size_t *i, aiops_err *err)
{
    for (;;) {
        ws(s, i);
        if (s[*i] == '}')
            return 0;
        size_t ls = *i;
        while (is_name_char(s[*i], *i == ls))
            (*i)++;
        if (*i == ls)
            return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                                 "selector: expected a label name at offset %zu", ls);
        size_t le = *i;
        ws(s, i);
        mop op;
        if (s[*i] == '=' && s[*i + 1] == '~') {
            op = M_RE;
            *i += 2;
        } else if (s[*i] == '!' && s[*i + 1] == '~') {
            op = M_NRE;
            *i += 2;
        } else if (s[*i] == '!' && s[*i + 1] == '=') {
            op = M_NE;
            *i += 2;
        } else if (s[*i] == '=') {
            op = M_EQ;
            (*i)++;
        } else {
            return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                                 "selector: expected =, !=, =~ or !~ after label '%.*s'",
                                 (int)(le - ls), s + ls);
        }
        ws(s, i);
        char *v;
        size_t vn;
        if (quoted(s, i, &v, &vn))
            return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                                 "selector: expected a quoted value for label '%.*s'",
                                 (int)(le - ls), s + ls);
        int rc = add(sel, s + ls, le - ls, v, vn, op, err);
        free(v);
        if (rc)
            return rc;
        ws(s, i);
        if (s[*i] == ',') {
            (*i)++;
            continue;
        }
        if (s[*i] == '}')
            return 0;
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "selector: expected ',' or '}' at offset %zu", *i);
    }
}

int aiops_selector_parse(const char *s, aiops_selector **out, aiops_err *err)
{
    aiops_selector *sel = calloc(1, sizeof *sel);
    if (!sel)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    size_t i = 0;
    int rc = 0;
    ws(s, &i);
    size_t ns = i;
    while (is_name_char(s[i], i == ns))
        i++;
    if (i > ns)
        rc = add(sel, "__name__", 8, s + ns, i - ns, M_EQ, err);
    ws(s, &i);
    if (!rc && s[i] == '{') {
        i++;
        rc = parse_matchers(sel, s, &i, err);
        if (!rc)
            i++;
    }
    ws(s, &i);
    if (!rc && s[i])
        rc = aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                           "selector: expected name{label=\"value\",...}, unexpected '%s'", s + i);
    if (!rc && sel->n == 0)
        rc = aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "selector: empty selector matches nothing");
    if (rc) {
        aiops_selector_free(sel);
        return rc;
    }
    *out = sel;
    return 0;
}

static const char *series_get(const void *ctx, const char *name)
{
    return aiops_series_label(ctx, name);
}

int aiops_selector_match(const aiops_selector *sel, const aiops_series *s)
{
    return aiops_selector_match_fn(sel, series_get, s);
}

/* The labels a non-sample record shows a selector (docs/FORMAT.md,
 * "Selectors"): "__name__" is a field that depends on the type; any other
 * name is looked up in the record's "labels" object, then among its
 * top-level fields, then in its "attributes" object, where a key matches
 * with each character outside [A-Za-z0-9_] read as '_' ("http.method" is
 * http_method), as Prometheus spells such names.  Numbers and booleans
 * are compared as their JSON text. */
typedef struct rec_view {
    aiops_rtype type;
    const json_t *obj;
    char num[40];            /* the text of a number or boolean value */
} rec_view;

static const char *name_field(aiops_rtype t)
{
    switch (t) {
    case AIOPS_R_SPAN: return "operation";
    case AIOPS_R_EVENT: return "kind";
    case AIOPS_R_LOG: return NULL;
    default: return "name";
    }
}

/* A scalar as text (borrowed, or in v->num), NULL for other values. */
static const char *scalar_text(rec_view *v, const json_t *x)
{
    if (json_is_string(x))
        return json_string_value(x);
    if (json_is_boolean(x))
        return json_is_true(x) ? "true" : "false";
    if (json_is_integer(x)) {
        snprintf(v->num, sizeof v->num, "%lld", (long long)json_integer_value(x));
        return v->num;
    }
    if (json_is_real(x)) {
        aiops_fmt_double(json_real_value(x), v->num);
        return v->num;
    }
    return NULL;
}

/* Is key name once its characters outside [A-Za-z0-9_] are '_'? */
static int same_label_name(const char *key, const char *name)
{
    for (; *key && *name; key++, name++) {
        char c = *key;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if ((ok ? c : '_') != *name)
            return 0;
    }
    return !*key && !*name;
}

static const char *record_get(const void *ctx, const char *name)
{
    rec_view *v = (rec_view *)ctx;   /* the caller's, not const: num is scratch */
    const json_t *obj = v->obj;
    if (strcmp(name, "__name__") == 0) {
        const char *f = name_field(v->type);
        return f ? scalar_text(v, json_object_get(obj, f)) : NULL;
    }
    const char *t = scalar_text(v, json_object_get(json_object_get(obj, "labels"), name));
    if (!t)
        t = scalar_text(v, json_object_get(obj, name));
    json_t *attrs = json_object_get(obj, "attributes"), *x;
    const char *key;
    if (!t && json_is_object(attrs)) {
        t = scalar_text(v, json_object_get(attrs, name));
        json_object_foreach(attrs, key, x) {
            if (t)
                break;
            if (same_label_name(key, name))
                t = scalar_text(v, x);
        }
    }
    return t;
}

int aiops_selector_match_record(const aiops_selector *sel, const aiops_record *r)
{
    json_t *tree = json_is_string(r->obj) ? aiops_record_text_json(r, NULL) : NULL;
    rec_view v = {.type = r->type, .obj = tree ? tree : r->obj};
    int ok = aiops_selector_match_fn(sel, record_get, &v);
    json_decref(tree);
    return ok;
}

int aiops_selector_match_fn(const aiops_selector *sel,
                            const char *(*get)(const void *ctx, const char *name), const void *ctx)
{
    for (size_t i = 0; i < sel->n; i++) {
        const matcher *m = &sel->m[i];
        const char *v = get(ctx, m->label);
        if (!v)
            v = "";
        int ok;
        switch (m->op) {
        case M_EQ: ok = strcmp(v, m->value) == 0; break;
        case M_NE: ok = strcmp(v, m->value) != 0; break;
        case M_RE: ok = regexec(&m->re, v, 0, NULL, 0) == 0; break;
        default: ok = regexec(&m->re, v, 0, NULL, 0) != 0; break;
        }
        if (!ok)
            return 0;
    }
    return 1;
}

/* ---- several selectors over records */

struct aiops_match {
    aiops_selector **sel;
    size_t n, cap;
    uint8_t *cache;             /* per series id: 0 unknown, 1 keep, 2 drop */
    size_t ncache;
};

aiops_match *aiops_match_new(void)
{
    return calloc(1, sizeof(aiops_match));
}

void aiops_match_free(aiops_match *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        aiops_selector_free(m->sel[i]);
    free(m->sel);
    free(m->cache);
    free(m);
}

int aiops_match_add(aiops_match *m, const char *text, aiops_err *err)
{
    if (AIOPS_GROW(m->sel, m->cap, m->n + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    int rc = aiops_selector_parse(text, &m->sel[m->n], err);
    if (!rc)
        m->n++;
    return rc;
}

size_t aiops_match_count(const aiops_match *m)
{
    return m->n;
}

static int match_series(aiops_match *m, aiops_series_table *tab, uint32_t sid)
{
    /* No room to cache: just answer. */
    if (AIOPS_GROW_ZERO(m->cache, m->ncache, (size_t)sid + 1))
        goto uncached;
    if (!m->cache[sid]) {
        const aiops_series *s = aiops_series_get(tab, sid);
        int ok = 0;
        for (size_t i = 0; s && i < m->n && !ok; i++)
            ok = aiops_selector_match(m->sel[i], s);
        m->cache[sid] = ok ? 1 : 2;
    }
    return m->cache[sid] == 1;
uncached:;
    const aiops_series *s = aiops_series_get(tab, sid);
    for (size_t i = 0; s && i < m->n; i++)
        if (aiops_selector_match(m->sel[i], s))
            return 1;
    return 0;
}

int aiops_match_record(aiops_match *m, aiops_series_table *tab, const aiops_record *r)
{
    if (!m || m->n == 0)
        return 1;
    switch (r->type) {
    case AIOPS_R_SAMPLE:
        return match_series(m, tab, r->sid);
    case AIOPS_R_LOG: case AIOPS_R_SPAN: case AIOPS_R_EVENT: case AIOPS_R_ALERT:
    case AIOPS_R_BAND: case AIOPS_R_ANOMALY:
        break;
    default:
        return 1;            /* incidents, labels, ...: not selected by labels */
    }
    json_t *tree = NULL;
    aiops_record view = *r;
    if (json_is_string(r->obj) && (tree = aiops_record_text_json(r, NULL)))
        view.obj = tree;        /* the record's text read for the match only */
    int ok = !json_is_object(view.obj);
    for (size_t i = 0; i < m->n && !ok; i++)
        ok = aiops_selector_match_record(m->sel[i], &view);
    json_decref(tree);
    return ok;
}
