/* rfield.c - records without trees.
 *
 * aiops_rtext_scan: an NDJSON record line into record text in one pass
 * that validates what jansson would validate and keeps the text only
 * where it is already spelled as the writer prints a tree (strings with
 * the writer's escapes, integers, reals in their shortest form, no
 * whitespace); reals are respelled, anything else gives up.
 *
 * aiops_rview: members of a text or tree record by key.  For text the
 * top-level members are indexed once per record (key, value span, kind);
 * an object member's own members when first asked for; strings are
 * decoded into an arena at most once each, so the arena never needs more
 * than the text's length.
 *
 * aiops_record_set: a member set without building a tree when it can be
 * appended. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aiops_format.h"
#include "common/array.h"
#include "common/buf.h"
#include "common/limits.h"
#include "record/rfield.h"

/* ------------------------------------------------- line -> record text */

#define RT_DEPTH 64
#define RT_KEYS 64

typedef struct rt {
    const char *s;
    size_t n, i;
    int max;                 /* nesting kept as text: RT_DEPTH or a lower AIOPS_MAX_DEPTH */
    char *out;
    size_t o, cap;
} rt;

static void rt_ws(rt *c)
{
    while (c->i < c->n && (c->s[c->i] == ' ' || c->s[c->i] == '\t' || c->s[c->i] == '\n' ||
                           c->s[c->i] == '\r'))
        c->i++;
}

static int rt_put(rt *c, const char *p, size_t n)
{
    if (c->o + n > c->cap)
        return -1;
    memcpy(c->out + c->o, p, n);
    c->o += n;
    return 0;
}

static int hexval(char h)
{
    return h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : -1;
}

/* A string at c->i copied as it is: -1 unless jansson reads it and
 * aiops_json_escape gives the same text back (only \" \\ \n \t \r and
 * \u00xx, lowercase, for the other control characters). */
static int rt_str(rt *c, int *escaped)
{
    const unsigned char *s = (const unsigned char *)c->s;
    size_t i = c->i + 1, n = c->n;
    int hi = 0, esc = 0;
    for (;;) {
        while (i < n && s[i] >= 0x20 && s[i] < 0x80 && s[i] != '"' && s[i] != '\\')
            i++;      /* the plain run */
        if (i >= n)
            return -1;
        unsigned ch = s[i];
        if (ch == '"')
            break;
        if (ch < 0x20)
            return -1;
        if (ch == '\\') {
            esc = 1;
            if (i + 1 >= n)
                return -1;
            unsigned e = s[i + 1];
            if (e == '"' || e == '\\' || e == 'n' || e == 't' || e == 'r') {
                i += 2;
                continue;
            }
            if (e != 'u' || i + 5 >= n || s[i + 2] != '0' || s[i + 3] != '0' ||
                (s[i + 4] != '0' && s[i + 4] != '1'))
                return -1;
            int lo = hexval((char)s[i + 5]), v = (s[i + 4] - '0') * 16 + lo;
            if (lo < 0 || v == 0 || v == '\n' || v == '\t' || v == '\r')
                return -1;
            i += 6;
            continue;
        }
        hi |= ch >= 0x80;
        i++;
    }
    if (hi && !aiops_utf8_valid(c->s + c->i + 1, i - c->i - 1))
        return -1;
    i++;
    if (escaped)
        *escaped = esc;
    int rc = rt_put(c, c->s + c->i, i - c->i);
    c->i = i;
    return rc;
}

/* A JSON number at c->i (syntax only): *len of its text, *real when it
 * has a fraction or an exponent. */
static int rt_numtext(rt *c, size_t *len, int *real)
{
    const char *s = c->s;
    size_t i = c->i, n = c->n;
    *real = 0;
    if (i < n && s[i] == '-')
        i++;
    if (i >= n || s[i] < '0' || s[i] > '9')
        return -1;
    if (s[i] == '0')
        i++;
    else
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    if (i < n && s[i] == '.') {
        *real = 1;
        if (++i >= n || s[i] < '0' || s[i] > '9')
            return -1;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        *real = 1;
        if (++i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= n || s[i] < '0' || s[i] > '9')
            return -1;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    *len = i - c->i;
    return 0;
}

/* A number as the writer prints jansson's reading of it: integers as they
 * are (not -0, which jansson reads as 0, nor past 18 digits, which it may
 * not read at all); reals in aiops_fmt_double's spelling, unless that
 * looks like an integer (2.0 -> "2" would come back as an integer). */
static int rt_num(rt *c)
{
    size_t len;
    int real;
    if (rt_numtext(c, &len, &real))
        return -1;
    const char *p = c->s + c->i;
    double v;
    if (!real) {
        size_t digits = len - (p[0] == '-');
        if (digits > 18 || (p[0] == '-' && p[1] == '0'))
            return -1;
        c->i += len;
        return rt_put(c, p, len);
    }
    if (aiops_parse_double(p, len, &v) || !isfinite(v))
        return -1;
    char nb[40];
    size_t k = aiops_fmt_double(v, nb);
    if (!memchr(nb, '.', k) && !memchr(nb, 'e', k))
        return -1;
    c->i += len;
    return rt_put(c, nb, k);
}

static int rt_lit(rt *c, const char *lit, size_t n)
{
    if (c->n - c->i < n || memcmp(c->s + c->i, lit, n))
        return -1;
    c->i += n;
    return rt_put(c, lit, n);
}

static int rt_value(rt *c, int depth);

/* Keys already seen in one object, as copied (a canonical spelling is
 * unique, so equal text is an equal key). */
typedef struct rt_keys {
    size_t off[RT_KEYS], len[RT_KEYS], n;
} rt_keys;

static int rt_newkey(rt *c, rt_keys *k, size_t off)
{
    size_t len = c->o - off;
    if (k->n == RT_KEYS)
        return -1;
    for (size_t j = 0; j < k->n; j++)
        if (k->len[j] == len && memcmp(c->out + k->off[j], c->out + off, len) == 0)
            return -1;
    k->off[k->n] = off;
    k->len[k->n++] = len;
    return 0;
}

/* After a member or an element: ',' (1: another follows) or the closing
 * bracket (0), copied to the text; anything else is no JSON (-1). */
static int rt_more(rt *c, char close)
{
    rt_ws(c);
    if (c->i >= c->n)
        return -1;
    char d = c->s[c->i++];
    if (rt_put(c, &d, 1))
        return -1;
    return d == close ? 0 : d == ',' ? 1 : -1;
}

static int rt_obj(rt *c, int depth)
{
    rt_keys k;
    k.n = 0;
    c->i++;
    if (rt_put(c, "{", 1))
        return -1;
    rt_ws(c);
    if (c->i < c->n && c->s[c->i] == '}') {
        c->i++;
        return rt_put(c, "}", 1);
    }
    for (;;) {
        rt_ws(c);
        size_t ko = c->o;
        if (c->i >= c->n || c->s[c->i] != '"' || rt_str(c, NULL) || rt_newkey(c, &k, ko))
            return -1;
        rt_ws(c);
        if (c->i >= c->n || c->s[c->i] != ':' || rt_put(c, ":", 1))
            return -1;
        c->i++;
        rt_ws(c);
        int more = rt_value(c, depth) ? -1 : rt_more(c, '}');
        if (more <= 0)
            return more;
    }
}

static int rt_arr(rt *c, int depth)
{
    c->i++;
    if (rt_put(c, "[", 1))
        return -1;
    rt_ws(c);
    if (c->i < c->n && c->s[c->i] == ']') {
        c->i++;
        return rt_put(c, "]", 1);
    }
    for (;;) {
        rt_ws(c);
        int more = rt_value(c, depth) ? -1 : rt_more(c, ']');
        if (more <= 0)
            return more;
    }
}

static int rt_value(rt *c, int depth)
{
    if (c->i >= c->n)
        return -1;
    switch (c->s[c->i]) {
    case '"':
        return rt_str(c, NULL);
    case '{':
        return depth < c->max ? rt_obj(c, depth + 1) : -1;
    case '[':
        return depth < c->max ? rt_arr(c, depth + 1) : -1;
    case 't':
        return rt_lit(c, "true", 4);
    case 'f':
        return rt_lit(c, "false", 5);
    case 'n':
        return rt_lit(c, "null", 4);
    default:
        return rt_num(c);
    }
}

static int text_type(aiops_rtype t)
{
    return t == AIOPS_R_LOG || t == AIOPS_R_SPAN || t == AIOPS_R_EVENT || t == AIOPS_R_ALERT ||
           t == AIOPS_R_ANOMALY || t == AIOPS_R_BAND;
}

#define ISKEY(p, n, lit) ((n) == sizeof(lit) - 1 && memcmp((p), (lit), (n)) == 0)

int aiops_rtext_scan(const char *s, size_t n, char *out, size_t *outlen, aiops_rtype *type,
                     double *ts)
{
    /* deeper than this, the line goes to the tree path, which reports a
     * nesting past AIOPS_MAX_DEPTH */
    uint64_t lim = aiops_limit(AIOPS_LIM_DEPTH);
    rt c = {.s = s, .n = n, .out = out, .cap = n + AIOPS_RTEXT_SLACK,
            .max = lim < RT_DEPTH ? (int)lim : RT_DEPTH};
    rt_keys k;
    k.n = 0;
    int have_type = 0, have_ts = 0;
    rt_ws(&c);
    if (c.i >= n || s[c.i] != '{')
        return -1;
    c.i++;
    for (;;) {
        rt_ws(&c);
        size_t mo = c.o;
        if (c.i >= n || s[c.i] != '"' || rt_put(&c, ",", 1) || rt_str(&c, NULL))
            return -1;
        const char *kp = out + mo + 1;
        size_t kn = c.o - mo - 1;
        rt_ws(&c);
        if (c.i >= n || s[c.i] != ':')
            return -1;
        c.i++;
        rt_ws(&c);
        if (c.i >= n)
            return -1;
        if (ISKEY(kp, kn, "\"type\"")) {
            int esc;
            size_t vo = c.o;
            if (have_type++ || s[c.i] != '"' || rt_str(&c, &esc) || esc)
                return -1;
            *type = aiops_rtype_from_name(out + vo + 1, c.o - vo - 2);
            if (!text_type(*type))
                return -1;
            c.o = mo;
        } else if (ISKEY(kp, kn, "\"ts\"")) {
            if (have_ts++)
                return -1;
            if (s[c.i] == '"') {
                int esc;
                size_t vo = c.o;
                if (rt_str(&c, &esc) || esc || aiops_parse_time(out + vo + 1, c.o - vo - 2, ts))
                    return -1;
            } else {
                size_t len;
                int real;
                if (rt_numtext(&c, &len, &real) || (!real && len > 18) ||
                    aiops_parse_double(s + c.i, len, ts) || !isfinite(*ts))
                    return -1;
                c.i += len;
            }
            c.o = mo;
        } else {
            if (rt_newkey(&c, &k, mo + 1) || rt_put(&c, ":", 1) || rt_value(&c, 1))
                return -1;
        }
        rt_ws(&c);
        if (c.i >= n)
            return -1;
        char d = s[c.i++];
        if (d == '}')
            break;
        if (d != ',')
            return -1;
    }
    rt_ws(&c);
    if (c.i != n || !have_type || !have_ts)
        return -1;
    *outlen = c.o;
    return 0;
}

/* ------------------------------------------------------------ the view */

typedef struct rv_ent {
    const char *kraw;        /* the key decoded: in the text, or the arena when escaped */
    size_t kn;
    const char *key;         /* NUL-terminated (the arena), once asked for */
    size_t vo, vn;           /* the value's JSON text in the record text */
    size_t child, nchild;    /* objects: their members' entries, once indexed */
    const char *dec;         /* strings: decoded (in the arena), once asked for */
    size_t decn;
    aiops_fkind kind;
    int indexed;
} rv_ent;

struct aiops_rview {
    const aiops_record *r;
    json_t *obj;             /* a tree record's object */
    const char *t;           /* a text record's text */
    size_t tn;
    rv_ent *e;
    size_t ne, ecap, ntop;
    char *arena;
    size_t an, acap;
    aiops_buf raw;
    /* iterating a tree object: where the last step stopped */
    void *it;
    size_t it_pos;
    const json_t *it_obj;
};

aiops_rview *aiops_rview_new(void)
{
    return calloc(1, sizeof(aiops_rview));
}

void aiops_rview_free(aiops_rview *v)
{
    if (!v)
        return;
    free(v->e);
    free(v->arena);
    aiops_buf_free(&v->raw);
    free(v);
}

/* Skip JSON whitespace. */
static size_t rv_ws(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

#define RV_BAD SIZE_MAX

/* Past the string at s[i] == '"': the index after its closing quote, or
 * RV_BAD when it does not end; *esc when it holds a backslash. */
static size_t rv_strend(const char *s, size_t n, size_t i, int *esc)
{
    *esc = 0;
    const char *q = i + 1 < n ? memchr(s + i + 1, '"', n - i - 1) : NULL;
    if (!q)
        return RV_BAD;
    if (!memchr(s + i + 1, '\\', (size_t)(q - s) - i - 1))
        return (size_t)(q - s) + 1;
    for (i++; i < n; i++) {
        if (s[i] == '"')
            return i + 1;
        if (s[i] == '\\') {
            *esc = 1;
            i++;
        }
    }
    return RV_BAD;
}

/* Past the value at s[i]: its kind; the end index, or RV_BAD when
 * malformed. */
static size_t rv_skip(const char *s, size_t n, size_t i, aiops_fkind *kind)
{
    int esc;
    if (i >= n) {
        *kind = AIOPS_F_NONE;
        return RV_BAD;
    }
    switch (s[i]) {
    case '"':
        *kind = AIOPS_F_STR;
        return rv_strend(s, n, i, &esc);
    case '{':
    case '[': {
        *kind = s[i] == '{' ? AIOPS_F_OBJ : AIOPS_F_ARR;
        size_t depth = 0;
        while (i < n) {
            char ch = s[i];
            if (ch == '"') {
                if ((i = rv_strend(s, n, i, &esc)) == RV_BAD)
                    return RV_BAD;
                continue;
            }
            if (ch == '{' || ch == '[')
                depth++;
            else if ((ch == '}' || ch == ']') && --depth == 0)
                return i + 1;
            i++;
        }
        return RV_BAD;
    }
    case 't':
        *kind = AIOPS_F_TRUE;
        break;
    case 'f':
        *kind = AIOPS_F_FALSE;
        break;
    case 'n':
        *kind = AIOPS_F_NULL;
        break;
    default:
        *kind = AIOPS_F_NUM;
    }
    while (i < n && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\t' &&
           s[i] != '\n' && s[i] != '\r')
        i++;
    return i;
}

/* A JSON string's content [p, p+n) decoded into out (room for n + 1). */
static size_t rv_unescape(const char *p, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] != '\\' || i + 1 >= n) {
            out[o++] = p[i];
            continue;
        }
        char e = p[++i];
        switch (e) {
        case 'n': out[o++] = '\n'; break;
        case 't': out[o++] = '\t'; break;
        case 'r': out[o++] = '\r'; break;
        case 'b': out[o++] = '\b'; break;
        case 'f': out[o++] = '\f'; break;
        case 'u': {
            unsigned cp = 0;
            int ok = i + 4 < n;
            for (int k = 1; ok && k <= 4; k++) {
                char h = p[i + (size_t)k];
                int d = h >= 'A' && h <= 'F' ? h - 'A' + 10 : hexval(h);
                ok = d >= 0;
                cp = cp << 4 | (unsigned)(d < 0 ? 0 : d);
            }
            if (!ok) {
                out[o++] = e;
                break;
            }
            i += 4;
            if (cp >= 0xd800 && cp < 0xdc00 && i + 6 < n && p[i + 1] == '\\' && p[i + 2] == 'u') {
                unsigned lo = 0;
                for (int k = 3; k <= 6; k++) {
                    char h = p[i + (size_t)k];
                    int d = h >= 'A' && h <= 'F' ? h - 'A' + 10 : hexval(h);
                    lo = d < 0 ? 0 : lo << 4 | (unsigned)d;
                }
                if (lo >= 0xdc00 && lo < 0xe000) {
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    i += 6;
                }
            }
            /* 6 escaped bytes (12 for a pair) make at most 4 */
            if (cp < 0x80)
                out[o++] = (char)cp;
            else if (cp < 0x800) {
                out[o++] = (char)(0xc0 | cp >> 6);
                out[o++] = (char)(0x80 | (cp & 0x3f));
            } else if (cp < 0x10000) {
                out[o++] = (char)(0xe0 | cp >> 12);
                out[o++] = (char)(0x80 | (cp >> 6 & 0x3f));
                out[o++] = (char)(0x80 | (cp & 0x3f));
            } else {
                out[o++] = (char)(0xf0 | cp >> 18);
                out[o++] = (char)(0x80 | (cp >> 12 & 0x3f));
                out[o++] = (char)(0x80 | (cp >> 6 & 0x3f));
                out[o++] = (char)(0x80 | (cp & 0x3f));
            }
            break;
        }
        default:
            out[o++] = e;          /* \" \\ \/ */
        }
    }
    out[o] = '\0';
    return o;
}

/* [p, p+n) decoded into the arena (a string's content: the quotes it
 * came with pay for the NUL). */
static const char *rv_decode(aiops_rview *v, const char *p, size_t n, int esc, size_t *len)
{
    if (v->an + n + 1 > v->acap)
        return NULL;          /* not reached: every string is decoded once */
    char *out = v->arena + v->an;
    if (esc) {
        *len = rv_unescape(p, n, out);
    } else {
        memcpy(out, p, n);
        out[n] = '\0';
        *len = n;
    }
    v->an += *len + 1;
    return out;
}

/* The members of the text from i: after a '{' (obj) or each after a ','
 * (the top level), appended as entries.  -1 when malformed. */
static int rv_index(aiops_rview *v, size_t i, size_t end, int obj)
{
    const char *s = v->t;
    if (obj) {
        i = rv_ws(s, end, i + 1);
        if (i < end && s[i] == '}')
            return 0;
    }
    for (;;) {
        i = rv_ws(s, end, i);
        if (!obj) {
            if (i >= end)
                return 0;
            if (s[i] != ',')
                return -1;
            i = rv_ws(s, end, i + 1);
        }
        if (i >= end || s[i] != '"')
            return -1;
        int esc;
        size_t ke = rv_strend(s, end, i, &esc);
        if (ke == RV_BAD)
            return -1;
        if (AIOPS_GROW(v->e, v->ecap, v->ne + 1))
            return AIOPS_ENOMEM;
        rv_ent *e = &v->e[v->ne];
        memset(e, 0, sizeof *e);
        if (esc) {
            e->key = e->kraw = rv_decode(v, s + i + 1, ke - i - 2, esc, &e->kn);
            if (!e->key)
                return -1;
        } else {
            e->kraw = s + i + 1;
            e->kn = ke - i - 2;
        }
        i = rv_ws(s, end, ke);
        if (i >= end || s[i] != ':')
            return -1;
        i = rv_ws(s, end, i + 1);
        size_t ve = rv_skip(s, end, i, &e->kind);
        if (ve == RV_BAD || ve == i)
            return -1;
        e->vo = i;
        e->vn = ve - i;
        v->ne++;
        i = rv_ws(s, end, ve);
        if (obj) {
            if (i < end && s[i] == '}')
                return 0;
            if (i >= end || s[i] != ',')
                return -1;
            i++;
        }
    }
}

int aiops_rview_set(aiops_rview *v, const aiops_record *r, aiops_err *err)
{
    v->r = r;
    v->obj = json_is_object(r->obj) ? r->obj : NULL;
    v->t = NULL;
    v->tn = v->ne = v->ntop = v->an = 0;
    v->it_obj = NULL;
    const char *t;
    size_t tn;
    if (!aiops_record_text(r, &t, &tn))
        return 0;
    if (AIOPS_GROW(v->arena, v->acap, tn + 1))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    v->t = t;
    v->tn = tn;
    int rc = rv_index(v, 0, tn, 0);
    if (rc == AIOPS_ENOMEM)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (rc)
        v->ne = 0;            /* not members: no fields */
    v->ntop = v->ne;
    return 0;
}

/* The entries of obj (NULL: the top level): [*first, *first + *n); 0 when
 * obj is not an object member. */
static int rv_members(aiops_rview *v, const char *obj, size_t *first, size_t *n)
{
    if (!obj) {
        *first = 0;
        *n = v->ntop;
        return 1;
    }
    size_t kl = strlen(obj);
    for (size_t j = 0; j < v->ntop; j++) {
        rv_ent *e = &v->e[j];
        if (e->kn != kl || memcmp(e->kraw, obj, kl))
            continue;
        if (e->kind != AIOPS_F_OBJ)
            return 0;
        if (!e->indexed) {
            size_t at = v->ne, vo = e->vo, vn = e->vn;
            int rc = rv_index(v, vo, vo + vn, 1);   /* may move v->e */
            e = &v->e[j];
            e->indexed = 1;
            e->child = at;
            e->nchild = rc ? 0 : v->ne - at;
            if (rc)
                v->ne = at;
        }
        *first = e->child;
        *n = e->nchild;
        return 1;
    }
    return 0;
}

static rv_ent *rv_find(aiops_rview *v, const char *obj, const char *key)
{
    size_t first, n, kl = strlen(key);
    if (!rv_members(v, obj, &first, &n))
        return NULL;
    for (size_t j = first; j < first + n; j++)
        if (v->e[j].kn == kl && memcmp(v->e[j].kraw, key, kl) == 0)
            return &v->e[j];
    return NULL;
}

static json_t *tree_get(aiops_rview *v, const char *obj, const char *key)
{
    json_t *o = obj ? json_object_get(v->obj, obj) : v->obj;
    return json_object_get(o, key);
}

static aiops_fkind tree_kind(const json_t *x)
{
    switch (json_typeof(x)) {
    case JSON_STRING: return AIOPS_F_STR;
    case JSON_INTEGER:
    case JSON_REAL: return AIOPS_F_NUM;
    case JSON_TRUE: return AIOPS_F_TRUE;
    case JSON_FALSE: return AIOPS_F_FALSE;
    case JSON_NULL: return AIOPS_F_NULL;
    case JSON_OBJECT: return AIOPS_F_OBJ;
    default: return AIOPS_F_ARR;
    }
}

aiops_fkind aiops_rview_kind(aiops_rview *v, const char *obj, const char *key)
{
    if (v->obj) {
        json_t *x = tree_get(v, obj, key);
        return x ? tree_kind(x) : AIOPS_F_NONE;
    }
    rv_ent *e = v->t ? rv_find(v, obj, key) : NULL;
    return e ? e->kind : AIOPS_F_NONE;
}

static const char *ent_str(aiops_rview *v, rv_ent *e, size_t *len)
{
    if (!e->dec) {
        int esc;
        rv_strend(v->t, v->tn, e->vo, &esc);
        e->dec = rv_decode(v, v->t + e->vo + 1, e->vn - 2, esc, &e->decn);
        if (!e->dec)
            return NULL;
    }
    if (len)
        *len = e->decn;
    return e->dec;
}

const char *aiops_rview_str(aiops_rview *v, const char *obj, const char *key, size_t *len)
{
    if (v->obj) {
        json_t *x = tree_get(v, obj, key);
        if (!json_is_string(x))
            return NULL;
        if (len)
            *len = json_string_length(x);
        return json_string_value(x);
    }
    rv_ent *e = v->t ? rv_find(v, obj, key) : NULL;
    return e && e->kind == AIOPS_F_STR ? ent_str(v, e, len) : NULL;
}

int aiops_rview_num(aiops_rview *v, const char *obj, const char *key, double *out)
{
    if (v->obj) {
        json_t *x = tree_get(v, obj, key);
        if (!json_is_number(x))
            return 0;
        *out = json_number_value(x);
        return 1;
    }
    rv_ent *e = v->t ? rv_find(v, obj, key) : NULL;
    return e && e->kind == AIOPS_F_NUM && aiops_parse_double(v->t + e->vo, e->vn, out) == 0;
}

int aiops_rview_raw(aiops_rview *v, const char *obj, const char *key, const char **json,
                    size_t *len)
{
    if (v->obj) {
        json_t *x = tree_get(v, obj, key);
        if (!x)
            return 0;
        v->raw.n = 0;
        aiops_buf_json(&v->raw, x);
        if (v->raw.oom)
            return 0;
        *json = v->raw.p;
        *len = v->raw.n;
        return 1;
    }
    rv_ent *e = v->t ? rv_find(v, obj, key) : NULL;
    if (!e)
        return 0;
    *json = v->t + e->vo;
    *len = e->vn;
    return 1;
}

int aiops_rview_next(aiops_rview *v, const char *obj, size_t *it, const char **key,
                     aiops_fkind *kind, const char **str)
{
    if (v->obj) {
        json_t *o = obj ? json_object_get(v->obj, obj) : v->obj;
        if (!json_is_object(o))
            return 0;
        /* one step from where the last call stopped, else from the start */
        void *p;
        if (v->it_obj == o && v->it_pos == *it && *it)
            p = json_object_iter_next(o, v->it);
        else {
            p = json_object_iter(o);
            for (size_t k = 0; p && k < *it; k++)
                p = json_object_iter_next(o, p);
        }
        if (!p)
            return 0;
        json_t *x = json_object_iter_value(p);
        *key = json_object_iter_key(p);
        *kind = tree_kind(x);
        if (str)
            *str = json_string_value(x);
        v->it_obj = o;
        v->it = p;
        v->it_pos = ++*it;
        return 1;
    }
    size_t first, n;
    if (!v->t || !rv_members(v, obj, &first, &n) || *it >= n)
        return 0;
    rv_ent *e = &v->e[first + (*it)++];
    size_t kn;
    if (!e->key && !(e->key = rv_decode(v, e->kraw, e->kn, 0, &kn)))
        return 0;
    *key = e->key;
    *kind = e->kind;
    if (str)
        *str = e->kind == AIOPS_F_STR ? ent_str(v, e, NULL) : NULL;
    return 1;
}

/* ------------------------------------------------------------- setting */

/* 1 if the text has a top-level member called key. */
static int text_has(const char *t, size_t tn, const char *key)
{
    size_t kl = strlen(key);
    for (size_t i = rv_ws(t, tn, 0); i < tn && t[i] == ',';) {
        i = rv_ws(t, tn, i + 1);
        if (i >= tn || t[i] != '"')
            return 1;         /* not members: the tree will say */
        int esc;
        size_t ke = rv_strend(t, tn, i, &esc);
        if (ke == RV_BAD || esc || (ke - i - 2 == kl && memcmp(t + i + 1, key, kl) == 0))
            return 1;         /* an escaped key might be it */
        i = rv_ws(t, tn, ke);
        if (i >= tn || t[i] != ':')
            return 1;
        aiops_fkind k;
        size_t ve = rv_skip(t, tn, rv_ws(t, tn, i + 1), &k);
        if (ve == RV_BAD)
            return 1;
        i = rv_ws(t, tn, ve);
    }
    return 0;
}

int aiops_record_set(aiops_record *r, const char *key, json_t *val, aiops_err *err)
{
    const char *t;
    size_t tn;
    if (!val)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (aiops_record_text(r, &t, &tn) && !text_has(t, tn, key)) {
        aiops_buf b = {0};
        aiops_buf_put(&b, t, tn);
        aiops_buf_put(&b, ",", 1);
        aiops_buf_jstr(&b, key);
        aiops_buf_put(&b, ":", 1);
        aiops_buf_json(&b, val);
        json_decref(val);
        json_t *s = b.oom ? NULL : json_stringn_nocheck(b.p, b.n);
        aiops_buf_free(&b);
        if (!s)
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        json_decref(r->obj);
        r->obj = s;
        return 0;
    }
    aiops_err local = {0}, *e = err ? err : &local;
    json_t *o = aiops_record_json(r, e);
    if (!o && e->code) {
        json_decref(val);
        return e->code;
    }
    if (!o) {
        if (!(o = json_object())) {
            json_decref(val);
            return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
        }
        r->obj = o;
    }
    if (json_object_set_new(o, key, val))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    return 0;
}
