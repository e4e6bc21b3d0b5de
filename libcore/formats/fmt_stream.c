/* fmt_stream.c - the record stream itself: NDJSON records and the compact
 * TSV sample encoding "ts<TAB>series<TAB>value", auto-detected per line.
 *
 * Samples are the bulk of every stream, so canonical sample lines
 *   {"type":"sample","ts":T,"name":"n","labels":{"k":"v"},"value":V}
 * (any key order, no backslash escapes, no other keys) are scanned by hand
 * and their name+labels text is cached as a series key.  With raw_text,
 * log, span, event, alert, anomaly and band lines whose text can be kept
 * as the writer prints it become text records in one scan
 * (record/rfield.c).  Anything else goes through jansson, which keeps
 * unknown fields. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aiops_format.h"
#include "common/array.h"
#include "common/jdoc.h"
#include "record/rfield.h"

#define KEYBUF 4096

typedef struct span {
    const char *p;
    size_t n;
} span;

static void ws(const char *s, size_t n, size_t *i)
{
    while (*i < n && (s[*i] == ' ' || s[*i] == '\t'))
        (*i)++;
}

/* A JSON string without escapes; -1 if it has one or is malformed (raw
 * control characters are not JSON).  One pass: keys and label values
 * are short, where a byte loop beats memchr calls. */
static int scan_str(const char *s, size_t n, size_t *i, span *out)
{
    if (*i >= n || s[*i] != '"')
        return -1;
    size_t st = *i + 1;
    for (size_t k = st; k < n; k++) {
        unsigned char c = (unsigned char)s[k];
        if (c == '"') {
            out->p = s + st;
            out->n = k - st;
            *i = k + 1;
            return 0;
        }
        if (c == '\\' || c < 0x20)
            return -1;
    }
    return -1;
}

static int scan_num(const char *s, size_t n, size_t *i, double *v)
{
    size_t st = *i;
    while (*i < n && (s[*i] == '-' || s[*i] == '+' || s[*i] == '.' || s[*i] == 'e' ||
                      s[*i] == 'E' || (s[*i] >= '0' && s[*i] <= '9')))
        (*i)++;
    if (*i == st || s[st] == '+')
        return -1;
    return aiops_parse_double(s + st, *i - st, v);
}

/* A string value ("NaN", "+Inf", "12") or a JSON number. */
static int scan_value(const char *s, size_t n, size_t *i, double *v)
{
    if (*i < n && s[*i] == '"') {
        span sp;
        if (scan_str(s, n, i, &sp))
            return -1;
        return aiops_parse_double(sp.p, sp.n, v);
    }
    return scan_num(s, n, i, v);
}

typedef struct fast {
    span type, name, labels, series, mtype;
    int has_type, has_ts, has_value, has_name, has_labels, has_series, has_mtype;
    double ts, value;
    span lk[64], lv[64];     /* label names and values in the line */
    aiops_label lab[64];     /* ... copied NUL-terminated into lbuf (copy_labels) */
    char lbuf[KEYBUF];
    size_t nlab;
} fast;

/* labels object: {"k":"v",...}, kept as spans into the line: the labels
 * are copied only when the series is not cached yet (copy_labels). */
static int scan_labels(const char *s, size_t n, size_t *i, fast *f)
{
    size_t st = *i, used = 0;
    (*i)++;
    ws(s, n, i);
    if (*i < n && s[*i] == '}') {
        (*i)++;
        f->labels = (span){s + st, *i - st};
        return 0;
    }
    for (;;) {
        span k, v;
        ws(s, n, i);
        if (scan_str(s, n, i, &k))
            return -1;
        ws(s, n, i);
        if (*i >= n || s[*i] != ':')
            return -1;
        (*i)++;
        ws(s, n, i);
        if (scan_str(s, n, i, &v) || f->nlab == 64 || used + k.n + v.n + 2 > KEYBUF)
            return -1;
        used += k.n + v.n + 2;
        f->lk[f->nlab] = k;
        f->lv[f->nlab++] = v;
        ws(s, n, i);
        if (*i < n && s[*i] == ',') {
            (*i)++;
            continue;
        }
        if (*i < n && s[*i] == '}') {
            (*i)++;
            break;
        }
        return -1;
    }
    f->labels = (span){s + st, *i - st};
    return 0;
}

/* The scanned labels NUL-terminated into f->lbuf (scan_labels checked
 * that they fit) as f->lab. */
static void copy_labels(fast *f)
{
    size_t used = 0;
    for (size_t j = 0; j < f->nlab; j++) {
        char *kp = f->lbuf + used;
        memcpy(kp, f->lk[j].p, f->lk[j].n);
        kp[f->lk[j].n] = '\0';
        char *vp = kp + f->lk[j].n + 1;
        memcpy(vp, f->lv[j].p, f->lv[j].n);
        vp[f->lv[j].n] = '\0';
        used += f->lk[j].n + f->lv[j].n + 2;
        f->lab[j] = (aiops_label){kp, vp};
    }
}

#define KEY(k, lit) ((k).n == sizeof(lit) - 1 && memcmp((k).p, lit, sizeof(lit) - 1) == 0)

/* Returns 0 when the line is a canonical sample the fast path fully
 * understood, -1 to fall back to jansson. */
static int scan_fast(const char *s, size_t n, fast *f)
{
    size_t i = 1;
    for (;;) {
        span k;
        ws(s, n, &i);
        if (scan_str(s, n, &i, &k))
            return -1;
        ws(s, n, &i);
        if (i >= n || s[i] != ':')
            return -1;
        i++;
        ws(s, n, &i);
        if (KEY(k, "type")) {
            if (f->has_type++ || scan_str(s, n, &i, &f->type) || !KEY(f->type, "sample"))
                return -1;
        } else if (KEY(k, "ts")) {
            if (f->has_ts++ || scan_num(s, n, &i, &f->ts) || !isfinite(f->ts))
                return -1;
        } else if (KEY(k, "value")) {
            if (f->has_value++ || scan_value(s, n, &i, &f->value))
                return -1;
        } else if (KEY(k, "name")) {
            if (f->has_name++ || scan_str(s, n, &i, &f->name))
                return -1;
        } else if (KEY(k, "series")) {
            if (f->has_series++ || scan_str(s, n, &i, &f->series))
                return -1;
        } else if (KEY(k, "labels")) {
            if (f->has_labels++ || i >= n || s[i] != '{' || scan_labels(s, n, &i, f))
                return -1;
        } else if (KEY(k, "metric_type")) {
            if (f->has_mtype++ || scan_str(s, n, &i, &f->mtype) ||
                !(KEY(f->mtype, "counter") || KEY(f->mtype, "gauge")))
                return -1;
        } else {
            return -1;
        }
        ws(s, n, &i);
        if (i < n && s[i] == ',') {
            i++;
            continue;
        }
        if (i < n && s[i] == '}') {
            i++;
            break;
        }
        return -1;
    }
    ws(s, n, &i);
    if (i != n || !KEY(f->type, "sample") || !f->has_ts || !f->has_value ||
        (!f->has_series && !f->has_name && !f->has_labels))
        return -1;
    return 0;
}

/* "metric_type": what the series measures (the first record that says wins). */
static void set_mtype(aiops_series_table *tab, uint32_t sid, const char *t)
{
    aiops_series *se = aiops_series_get(tab, sid);
    if (se->type == AIOPS_MTYPE_UNKNOWN)
        se->type = !strcmp(t, "counter") ? AIOPS_MTYPE_COUNTER
                 : !strcmp(t, "gauge")   ? AIOPS_MTYPE_GAUGE : AIOPS_MTYPE_UNKNOWN;
}

static int fast_sample(aiops_series_table *tab, fast *f, const char *file, long line,
                       aiops_record *rec, aiops_err *err)
{
    uint32_t sid;
    int rc;
    if (f->has_series) {
        rc = aiops_series_intern_text(tab, f->series.p, f->series.n, &sid, err);
    } else {
        /* Cache key: \x01 name \x00 raw-labels-text. */
        char key[KEYBUF + 512];
        size_t nn = f->has_name ? f->name.n : 0, ln = f->has_labels ? f->labels.n : 0;
        int cacheable = 2 + nn + ln <= sizeof key;
        if (cacheable) {
            key[0] = '\x01';
            if (nn)
                memcpy(key + 1, f->name.p, nn);
            key[1 + nn] = '\0';
            if (ln)
                memcpy(key + 2 + nn, f->labels.p, ln);
            if (aiops_series_lookup_key(tab, key, 2 + nn + ln, &sid))
                goto found;
        }
        char name[1024];
        if (nn >= sizeof name)
            return aiops_err_set(err, AIOPS_ELIMIT, file, line, "metric name too long");
        memcpy(name, nn ? f->name.p : "", nn);
        name[nn] = '\0';
        copy_labels(f);
        rc = aiops_series_intern_labels(tab, name, f->lab, f->nlab, &sid, err);
        if (!rc && cacheable && aiops_series_add_key(tab, key, 2 + nn + ln, sid))
            rc = aiops_err_set(err, AIOPS_ENOMEM, file, line, "out of memory");
    }
    if (rc)
        return aiops_err_locate(err, file, line);
found:
    if (f->has_mtype)
        set_mtype(tab, sid, KEY(f->mtype, "counter") ? "counter" : "gauge");
    rec->type = AIOPS_R_SAMPLE;
    rec->sid = sid;
    rec->ts = f->ts;
    rec->value = f->value;
    rec->obj = NULL;
    return 0;
}

/* ---- generic path (jansson) */

static int json_time(json_t *v, double *out)
{
    if (json_is_number(v)) {
        *out = json_number_value(v);
        return isfinite(*out) ? 0 : -1;
    }
    if (json_is_string(v))
        return aiops_parse_time(json_string_value(v), json_string_length(v), out);
    return -1;
}

static int json_sample(aiops_series_table *tab, json_t *o, const char *file, long line,
                       aiops_record *rec, aiops_err *err)
{
    json_t *v = json_object_get(o, "value");
    double val;
    if (json_is_number(v))
        val = json_number_value(v);
    else if (!json_is_string(v) ||
             aiops_parse_double(json_string_value(v), json_string_length(v), &val))
        return aiops_err_set(err, AIOPS_EPARSE, file, line,
                             "expected \"value\": a number or \"NaN\"/\"+Inf\"/\"-Inf\"");
    json_t *series = json_object_get(o, "series"), *name = json_object_get(o, "name"),
           *labels = json_object_get(o, "labels");
    uint32_t sid;
    int rc;
    if (series) {
        if (!json_is_string(series))
            return aiops_err_set(err, AIOPS_EPARSE, file, line, "expected \"series\" to be a string");
        rc = aiops_series_intern_text(tab, json_string_value(series), json_string_length(series),
                                      &sid, err);
    } else {
        if ((name && !json_is_string(name)) || (labels && !json_is_object(labels)) ||
            (!name && !labels))
            return aiops_err_set(err, AIOPS_EPARSE, file, line,
                                 "expected \"series\" (string) or \"name\" (string) and \"labels\" (object of strings)");
        size_t nl = labels ? json_object_size(labels) : 0, k = 0;
        if (nl > 256)
            return aiops_err_set(err, AIOPS_ELIMIT, file, line, "more than 256 labels");
        aiops_label lab[256];
        const char *key;
        json_t *lv;
        if (labels) {
            json_object_foreach(labels, key, lv) {
                if (!json_is_string(lv))
                    return aiops_err_set(err, AIOPS_EPARSE, file, line,
                                         "expected label \"%.80s\" to be a string", key);
                lab[k++] = (aiops_label){key, json_string_value(lv)};
            }
        }
        rc = aiops_series_intern_labels(tab, name ? json_string_value(name) : "", lab, k, &sid, err);
    }
    if (rc)
        return aiops_err_locate(err, file, line);
    json_t *mt = json_object_get(o, "metric_type");
    if (json_is_string(mt))
        set_mtype(tab, sid, json_string_value(mt));
    rec->sid = sid;
    rec->value = val;
    /* Keep only the fields a sample does not model, so they pass through. */
    static const char *const known[] = {"type", "ts", "value", "series", "name", "labels",
                                        "metric_type", NULL};
    for (int i = 0; known[i]; i++)
        json_object_del(o, known[i]);
    if (json_object_size(o) == 0) {
        json_decref(o);
        o = NULL;
    }
    rec->obj = o;
    return 0;
}

static int parse_json(aiops_series_table *tab, const char *s, size_t n, const char *file, long line,
                      aiops_record *rec, aiops_err *err)
{
    json_error_t je;
    json_t *o = aiops_json_loadb(s, n, JSON_REJECT_DUPLICATES, &je);
    if (!o)
        return aiops_err_set(err, AIOPS_EPARSE, file, line, "expected a JSON record: %s (column %d)",
                             je.text, je.column);
    if (!json_is_object(o)) {
        json_decref(o);
        return aiops_err_set(err, AIOPS_EPARSE, file, line, "expected a JSON object");
    }
    json_t *t = json_object_get(o, "type");
    if (!json_is_string(t)) {
        json_decref(o);
        return aiops_err_set(err, AIOPS_EPARSE, file, line, "expected a \"type\" string field");
    }
    double ts;
    if (json_time(json_object_get(o, "ts"), &ts)) {
        json_decref(o);
        return aiops_err_set(err, AIOPS_EPARSE, file, line,
                             "expected \"ts\": seconds since the epoch (number) or RFC 3339 text");
    }
    memset(rec, 0, sizeof *rec);
    rec->type = aiops_rtype_from_name(json_string_value(t), json_string_length(t));
    rec->ts = ts;
    if (rec->type != AIOPS_R_SAMPLE) {
        rec->obj = o;
        return 0;
    }
    int rc = json_sample(tab, o, file, line, rec, err);
    if (rc) {
        json_decref(o);
        memset(rec, 0, sizeof *rec);
    } else {
        rec->type = AIOPS_R_SAMPLE;
        rec->ts = ts;
    }
    return rc;
}

/* ---- TSV */

/* What one open stream remembers between lines (NULL for a line parsed
 * alone, aiops_record_parse_line): TSV lines of one scrape share their
 * time text, and scrapes list their series in the same order each time.
 * So the last time text and its value are kept, and for each series the
 * one that followed it last time: a line whose series text is the
 * canonical text of that predicted series is that series (the canonical
 * text is always a key of the table, record/series.c), with one memcmp
 * instead of a hash lookup.  Bounded by the number of series. */
typedef struct stream_state {
    char ts_text[40];
    size_t ts_len;           /* 0: none yet */
    double ts;
    uint32_t last;           /* sid of the previous TSV sample, UINT32_MAX: none */
    uint32_t *next;          /* next[sid]: 1 + the series that followed sid, 0: none */
    size_t nnext;
} stream_state;

static int tsv_time(stream_state *st, const char *s, size_t n, double *ts)
{
    if (st && n == st->ts_len && memcmp(s, st->ts_text, n) == 0) {
        *ts = st->ts;
        return 0;
    }
    if (aiops_parse_time(s, n, ts))
        return -1;
    if (st && n < sizeof st->ts_text) {
        memcpy(st->ts_text, s, n);
        st->ts_len = n;
        st->ts = *ts;
    }
    return 0;
}

/* The series predicted to come next, when it is the one at s (n bytes
 * left in the line): its text and a tab right after it.  A predicted
 * series' text never has a tab (tsv_learn), so that tab is the line's
 * second one, as memchr would find it. */
static const aiops_series *tsv_predicted(const stream_state *st, aiops_series_table *tab,
                                         const char *s, size_t n)
{
    if (!st || st->last >= st->nnext || !st->next[st->last])
        return NULL;
    const aiops_series *se = aiops_series_get(tab, st->next[st->last] - 1);
    if (!se || se->text_len >= n || s[se->text_len] != '\t' ||
        memcmp(se->text, s, se->text_len) != 0)
        return NULL;
    return se;
}

/* Remember that sid followed the previous series (if its text can be
 * predicted: no tab in it). */
static void tsv_learn(stream_state *st, aiops_series_table *tab, uint32_t sid)
{
    if (!st)
        return;
    const aiops_series *se = aiops_series_get(tab, sid);
    if (st->last != UINT32_MAX && se && !memchr(se->text, '\t', se->text_len) &&
        !AIOPS_GROW_ZERO(st->next, st->nnext, (size_t)st->last + 1))
        st->next[st->last] = sid + 1;        /* no room: no prediction, same result */
    st->last = sid;
}

static int parse_tsv(stream_state *st, aiops_series_table *tab, const char *s, size_t n,
                     const char *file, long line, aiops_record *rec, aiops_err *err)
{
    /* The time is short: a byte loop finds its tab sooner than memchr. */
    const char *t1 = NULL;
    for (size_t k = 0; k < n && k < 64; k++)
        if (s[k] == '\t') {
            t1 = s + k;
            break;
        }
    if (!t1 && n > 64)
        t1 = memchr(s + 64, '\t', n - 64);
    if (!t1)
        goto fields;
    size_t rest = n - (size_t)(t1 + 1 - s);
    const aiops_series *pred = tsv_predicted(st, tab, t1 + 1, rest);
    const char *t2 = pred ? t1 + 1 + pred->text_len : memchr(t1 + 1, '\t', rest);
    if (!t2)
        goto fields;
    double ts, v;
    if (tsv_time(st, s, (size_t)(t1 - s), &ts))
        return aiops_err_set(err, AIOPS_EPARSE, file, line, "expected a timestamp, got '%.*s'",
                             (int)(t1 - s > 60 ? 60 : t1 - s), s);
    const char *vs = t2 + 1;
    size_t vn = n - (size_t)(vs - s);
    /* A fourth field makes the value unparsable: only then look for it. */
    if (aiops_parse_double(vs, vn, &v)) {
        if (memchr(vs, '\t', vn))
            goto fields;
        return aiops_err_set(err, AIOPS_EPARSE, file, line, "expected a sample value, got '%.*s'",
                             (int)(vn > 60 ? 60 : vn), vs);
    }
    uint32_t sid;
    if (pred) {
        sid = st->next[st->last] - 1;
        st->last = sid;
    } else {
        int rc = aiops_series_intern_text(tab, t1 + 1, (size_t)(t2 - t1 - 1), &sid, err);
        if (rc)
            return aiops_err_locate(err, file, line);
        tsv_learn(st, tab, sid);
    }
    rec->type = AIOPS_R_SAMPLE;
    rec->sid = sid;
    rec->ts = ts;
    rec->value = v;
    rec->obj = NULL;
    return 0;
fields:
    return aiops_err_set(err, AIOPS_EPARSE, file, line,
                         "expected a JSON record or ts<TAB>series<TAB>value, got '%.60s'", s);
}

/* ---- records as text (aiops_parse_ctx.raw_text) */

/* 1 with *rec a text record when record/rfield.c could keep the line's
 * text as the writer would print its tree; 0 to read it with jansson. */
static int parse_text(const char *s, size_t n, const char *file, long line, aiops_record *rec,
                      aiops_err *err)
{
    char small[8192];
    char *out = n + AIOPS_RTEXT_SLACK <= sizeof small ? small : malloc(n + AIOPS_RTEXT_SLACK);
    size_t on;
    aiops_rtype t;
    double ts;
    if (!out || aiops_rtext_scan(s, n, out, &on, &t, &ts)) {
        if (out != small)
            free(out);
        return 0;
    }
    json_t *js = json_stringn_nocheck(out, on);
    if (out != small)
        free(out);
    if (!js)
        return aiops_err_set(err, AIOPS_ENOMEM, file, line, "out of memory");
    memset(rec, 0, sizeof *rec);
    rec->type = t;
    rec->ts = ts;
    rec->obj = js;
    return 1;
}

/* A line that is a JSON object (line[0] is its "{").  Not inlined: its
 * frame holds the fast path's label buffers (16 KiB), which TSV lines
 * should not pay for (stack probes, cache). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int parse_object_line(aiops_series_table *tab, char *line, size_t len, const char *file,
                             long lineno, int raw, aiops_record *rec, aiops_err *err)
{
    fast f;
    f.has_type = f.has_ts = f.has_value = f.has_name = f.has_labels = f.has_series = 0;
    f.has_mtype = 0;
    f.type.n = 0;
    f.nlab = 0;
    if (scan_fast(line, len, &f) == 0)
        return fast_sample(tab, &f, file, lineno, rec, err);
    int rc = raw ? parse_text(line, len, file, lineno, rec, err) : 0;
    if (rc)
        return rc < 0 ? rc : 0;
    return parse_json(tab, line, len, file, lineno, rec, err);
}

static int parse_line(stream_state *st, aiops_series_table *tab, char *line, size_t len,
                      const char *file, long lineno, int raw, aiops_record *rec, aiops_err *err)
{
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i < len && line[i] == '{')
        return parse_object_line(tab, line + i, len - i, file, lineno, raw, rec, err);
    return parse_tsv(st, tab, line, len, file, lineno, rec, err);
}

int aiops_record_parse_line(aiops_series_table *tab, char *line, size_t len, const char *file,
                            long lineno, aiops_record *rec, aiops_err *err)
{
    return parse_line(NULL, tab, line, len, file, lineno, 0, rec, err);
}

/* ---- the format */

static int blank_or_comment(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i == n || s[i] == '#';
}

static int stream_probe(const char *entry, const char *head, size_t n)
{
    (void)entry;
    /* Look at the first line that is not blank or a '#' comment. */
    size_t i = 0;
    for (;;) {
        while (i < n && (head[i] == '\n' || head[i] == '\r' || head[i] == ' '))
            i++;
        if (i >= n || head[i] != '#')
            break;
        const char *nl = memchr(head + i, '\n', n - i);
        if (!nl)
            return 0;
        i = (size_t)(nl - head) + 1;
    }
    const char *l = head + i;
    const char *e = memchr(l, '\n', n - i);
    size_t ln = e ? (size_t)(e - l) : n - i;
    if (ln && l[0] == '{') {
        /* An object with a "type" and a "ts" member near the start. */
        const char *t = NULL, *ts = NULL;
        for (size_t k = 0; k + 6 <= ln; k++) {
            if (!t && memcmp(l + k, "\"type\"", 6) == 0)
                t = l + k;
            if (!ts && memcmp(l + k, "\"ts\"", 4) == 0)
                ts = l + k;
        }
        return t && ts ? 90 : 0;
    }
    /* TSV: exactly two tabs, first field a time. */
    const char *t1 = memchr(l, '\t', ln);
    if (!t1)
        return 0;
    const char *t2 = memchr(t1 + 1, '\t', ln - (size_t)(t1 + 1 - l));
    if (!t2 || memchr(t2 + 1, '\t', ln - (size_t)(t2 + 1 - l)))
        return 0;
    double ts;
    return aiops_parse_time(l, (size_t)(t1 - l), &ts) == 0 ? 80 : 0;
}

static int stream_open(void **state, aiops_parse_ctx *ctx, aiops_err *err)
{
    (void)ctx;
    stream_state *st = calloc(1, sizeof *st);
    if (!st)
        return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(ctx->stream), 0, "out of memory");
    st->last = UINT32_MAX;
    *state = st;
    return 0;
}

static int stream_next(void *state, aiops_parse_ctx *ctx, aiops_record *rec, aiops_err *err)
{
    stream_state *st = state;
    char *line;
    size_t len;
    for (;;) {
        int r = aiops_stream_getline(ctx->stream, &line, &len, err);
        if (r <= 0)
            return r;
        if (blank_or_comment(line, len))
            continue;
        int rc = parse_line(st, ctx->series, line, len, aiops_stream_name(ctx->stream),
                            aiops_stream_lineno(ctx->stream), ctx->raw_text, rec, err);
        return rc ? rc : 1;
    }
}

static void stream_close(void *state)
{
    stream_state *st = state;
    if (st)
        free(st->next);
    free(st);
}

const aiops_format aiops_fmt_stream = {
    .name = "stream",
    .desc = "the aiops record stream: NDJSON records and ts<TAB>series<TAB>value lines",
    .ordered = 1,
    .probe = stream_probe,
    .open = stream_open,
    .next = stream_next,
    .close = stream_close,
};
