/* obs_text.c - what the log, trace and event formats read out of free
 * text: log levels, ids (quoted in a line, or hex ids in a JSON member),
 * UTF-8 repair, and the workload behind a Kubernetes object name. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/obs.h"

/* ------------------------------------------------------------ levels */

typedef struct level_word {
    const char *word;
    const char *level;
} level_word;

/* Spellings of logging libraries (Go, Java, Python, syslog, nginx). */
static const level_word level_words[] = {
    { "debug", "debug" },     { "dbg", "debug" },       { "trace", "debug" },
    { "verbose", "debug" },   { "fine", "debug" },      { "finer", "debug" },
    { "finest", "debug" },    { "info", "info" },       { "information", "info" },
    { "informational", "info" }, { "notice", "info" },  { "inf", "info" },
    { "warn", "warn" },       { "warning", "warn" },    { "wrn", "warn" },
    { "error", "error" },     { "err", "error" },       { "eror", "error" },
    { "severe", "error" },    { "fatal", "fatal" },     { "ftl", "fatal" },
    { "crit", "fatal" },      { "critical", "fatal" },  { "alert", "fatal" },
    { "emerg", "fatal" },     { "emergency", "fatal" }, { "panic", "fatal" },
    { NULL, NULL },
};

/* Numeric levels: syslog severities 0-7 and bunyan/pino 10-60 (disjoint). */
static const char *level_number(const char *s, size_t n)
{
    int64_t v;
    if (aiops_parse_int64(s, n, &v) < 0)
        return NULL;
    switch (v) {
    case 0: case 1: case 2: case 60: return "fatal";
    case 3: case 50: return "error";
    case 4: case 40: return "warn";
    case 5: case 6: case 30: return "info";
    case 7: case 10: case 20: return "debug";
    default: return NULL;
    }
}

const char *aiops_obs_level_name(const char *s, size_t n)
{
    if (n && isdigit((unsigned char)s[0]))
        return level_number(s, n);
    for (size_t i = 0; level_words[i].word; i++) {
        const char *w = level_words[i].word;
        size_t k = 0;
        while (k < n && w[k] && tolower((unsigned char)s[k]) == w[k])
            k++;
        if (k == n && !w[k])
            return level_words[i].level;
    }
    return NULL;
}

static int is_word(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

static size_t word_len(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && isalpha((unsigned char)s[k]))
        k++;
    return k;
}

/* level=x, lvl=x, severity=x, "level":"x" (logfmt or JSON in the line). */
static const char *level_keyed(const char *s, size_t n)
{
    static const char *const keys[] = { "level", "lvl", "severity", NULL };
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && is_word(s[i - 1]))
            continue;
        for (size_t k = 0; keys[k]; k++) {
            size_t kl = strlen(keys[k]), p = i + kl;
            if (n - i < kl || strncmp(s + i, keys[k], kl) != 0)
                continue;
            if (p < n && s[p] == '"')
                p++;
            while (p < n && (s[p] == ':' || s[p] == '=' || s[p] == ' ' || s[p] == '"'))
                p++;
            if (p == i + kl || (p < n && !isalnum((unsigned char)s[p])))
                continue;
            const char *lv = aiops_obs_level_name(s + p, word_len(s + p, n - p));
            if (lv)
                return lv;
        }
    }
    return NULL;
}

/* klog / glog: "E0102 15:04:05.000000 ..." */
static const char *level_klog(const char *s, size_t n)
{
    static const char *const lv[] = { "I", "info", "W", "warn", "E", "error", "F", "fatal" };
    if (n < 6 || s[5] != ' ')
        return NULL;
    for (size_t i = 1; i < 5; i++)
        if (!isdigit((unsigned char)s[i]))
            return NULL;
    for (size_t i = 0; i < 8; i += 2)
        if (s[0] == lv[i][0])
            return lv[i + 1];
    return NULL;
}

/* [error], [WARN], [core:error] (apache), <warn> in the first bytes. */
static const char *level_bracket(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '[' && s[i] != '<')
            continue;
        size_t p = i + 1, q;
        for (q = p; q < n && q < p + 40 && s[q] != ']' && s[q] != '>'; q++)
            if (s[q] == ':')
                p = q + 1;
        if (q < n && (s[q] == ']' || s[q] == '>')) {
            const char *lv = q > p ? aiops_obs_level_name(s + p, q - p) : NULL;
            if (lv && !isdigit((unsigned char)s[p]))
                return lv;
        }
    }
    return NULL;
}

/* An upper-case level word standing alone: "... ERROR ...", "WARN:". */
static const char *level_upper(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!isupper((unsigned char)s[i]) || (i > 0 && is_word(s[i - 1])))
            continue;
        size_t k = 0;
        while (i + k < n && isupper((unsigned char)s[i + k]))
            k++;
        if (i + k < n && is_word(s[i + k]))
            continue;
        const char *lv = k >= 3 ? aiops_obs_level_name(s + i, k) : NULL;
        if (lv)
            return lv;
        i += k;
    }
    return NULL;
}

/* "error: ...", "panic: ..." at the start of the text (Go, CLI tools). */
static const char *level_leading(const char *s, size_t n)
{
    size_t k = word_len(s, n);
    if (k == 0 || k >= n || s[k] != ':')
        return NULL;
    return aiops_obs_level_name(s, k);
}

const char *aiops_obs_level_text(const char *s, size_t n)
{
    const char *lv;
    size_t head = n < 512 ? n : 512;   /* a level is near the start */
    if ((lv = level_keyed(s, head)) || (lv = level_klog(s, n)) ||
        (lv = level_bracket(s, head)) || (lv = level_upper(s, head)))
        return lv;
    return level_leading(s, n);
}

/* ------------------------------------------------------------- UTF-8 */

int aiops_obs_utf8_repair(const char *s, size_t n, char **out, size_t *out_len, size_t *count)
{
    char *o = malloc(3 * n + 1);   /* each byte grows to at most 3 */
    size_t len = 0, bad = 0;
    if (!o)
        return AIOPS_ENOMEM;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t k = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        if (k > n - i || !aiops_utf8_valid(s + i, k)) {
            memcpy(o + len, "\xEF\xBF\xBD", 3);
            len += 3;
            bad++;
            i++;
            continue;
        }
        memcpy(o + len, s + i, k);
        len += k;
        i += k;
    }
    o[len] = '\0';
    *out = o;
    *out_len = len;
    *count = bad;
    return 0;
}

size_t aiops_obs_count_fffd(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i + 3 <= n; i++)
        if (memcmp(s + i, "\xEF\xBF\xBD", 3) == 0)
            c++;
    return c;
}

/* ---------------------------------------------------- ids in the text */

static int id_char(char c)
{
    return isalnum((unsigned char)c) || c == '-';
}

/* The id after key at s[i]: key=ID, key="ID", "key":"ID". */
static size_t id_at(const char *s, size_t n, size_t i, size_t kl, char *buf)
{
    size_t p = i + kl;
    if (p < n && s[p] == '"' && i > 0 && s[i - 1] == '"')
        p++;
    if (p >= n || (s[p] != '=' && s[p] != ':'))
        return 0;
    if (s[p++] == ':')                         /* JSON: "key": "ID" */
        while (p < n && s[p] == ' ')
            p++;
    if (p < n && s[p] == '"')
        p++;
    size_t k = 0;
    while (p + k < n && id_char(s[p + k]) && k <= 64)
        k++;
    if (k == 0 || k > 64)
        return 0;
    memcpy(buf, s + p, k);
    buf[k] = '\0';
    return k;
}

/* One pass over s for the keys among keys[from..] that start with
 * keys[from][0]: where their common prefix starts (memchr on its first
 * byte runs at memory speed), each of them with an index below *best is
 * tried; the first found of the lowest index wins (*best, buf). */
static size_t text_id_pass(const char *s, size_t n, const char *const *keys, size_t from,
                           size_t *best, char *buf)
{
    const char c0 = keys[from][0];
    size_t cp = SIZE_MAX, minkl = SIZE_MAX, got = 0;
    for (size_t k = from; keys[k]; k++) {
        if (keys[k][0] != c0)
            continue;
        size_t kl = strlen(keys[k]), c = 0;
        while (c < kl && c < cp && keys[k][c] == keys[from][c])
            c++;
        cp = c < cp ? c : cp;
        minkl = kl < minkl ? kl : minkl;
    }
    const char *p = s, *end = s + n;
    char tmp[65];
    while (minkl <= (size_t)(end - p) && (p = memchr(p, c0, (size_t)(end - p - minkl) + 1))) {
        size_t i = (size_t)(p++ - s);
        if ((i > 0 && is_word(s[i - 1])) || memcmp(s + i, keys[from], cp) != 0)
            continue;
        for (size_t k = from; k < *best && keys[k]; k++) {
            size_t kl, m;
            if (keys[k][0] != c0 || (kl = strlen(keys[k])) > n - i ||
                memcmp(s + i + cp, keys[k] + cp, kl - cp) != 0)
                continue;
            if ((m = id_at(s, n, i, kl, tmp))) {
                memcpy(buf, tmp, m + 1);
                *best = k;
                got = m;
                break;
            }
        }
        if (*best == from)
            break;
    }
    return got;
}

size_t aiops_obs_text_id(const char *s, size_t n, const char *const *keys, char *buf)
{
    /* The first key (in the list's order) quoted anywhere wins, at its
     * first place, as when each key is looked for in turn: one pass per
     * first byte of the keys, in the order of the keys. */
    size_t best = SIZE_MAX, got = 0;
    for (size_t from = 0; keys[from] && from < best; from++) {
        int done = !keys[from][0];   /* an empty key quotes nothing */
        for (size_t j = 0; j < from && !done; j++)
            done = keys[j][0] == keys[from][0];   /* its first byte had its pass */
        if (done)
            continue;
        size_t m = text_id_pass(s, n, keys, from, &best, buf);
        if (m)
            got = m;
    }
    return got;
}

size_t aiops_obs_hex_id(const char *s, size_t n, char *buf)
{
    if (n == 0 || n > 32)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!isxdigit((unsigned char)s[i]))
            return 0;
        buf[i] = (char)tolower((unsigned char)s[i]);
    }
    buf[n] = '\0';
    return n;
}

int aiops_obs_hex(aiops_jdoc *w, json_t *obj, const char *key, int flags, char *buf)
{
    const char *s = NULL;
    int rc = aiops_jdoc_str(w, obj, key, flags, &s);
    buf[0] = '\0';
    if (rc <= 0 || aiops_obs_hex_id(s, strlen(s), buf))
        return rc;
    char sb[64];
    aiops_jdoc_key(w, key);
    rc = aiops_jdoc_bad(w, "expected a hex id of 1 to 32 digits, got '%s'",
                        aiops_snip(s, strlen(s), sb, sizeof sb));
    aiops_jdoc_pop(w);
    return rc;
}

/* ------------------------------------------------- Kubernetes names */

/* Characters of generated name suffixes (k8s.io/apimachinery rand). */
static int k8s_rand_char(char c)
{
    return c && strchr("bcdfghjklmnpqrstvwxz2456789", c) != NULL;
}

/* Length of a trailing "-xxxx" of lo..hi generated characters (with
 * the dash), or 0. */
static size_t rand_suffix(const char *s, size_t n, size_t lo, size_t hi)
{
    size_t k = 0;
    while (k < n && k <= hi && k8s_rand_char(s[n - 1 - k]))
        k++;
    if (k < lo || k > hi || k + 1 >= n || s[n - 1 - k] != '-')
        return 0;
    return k + 1;
}

/* A trailing "-" + k lower-case letters or digits (with the dash), or 0. */
static size_t alnum_suffix(const char *s, size_t n, size_t k)
{
    for (size_t i = 0; i < k; i++)
        if (i >= n || !(islower((unsigned char)s[n - 1 - i]) || isdigit((unsigned char)s[n - 1 - i])))
            return 0;
    return k + 1 < n && s[n - 1 - k] == '-' ? k + 1 : 0;
}

/* A StatefulSet ordinal "-3" (with the dash), or 0.  Kubernetes writes
 * ordinals as plain integers, so "-00", "-07" are part of a name (db-00
 * ... db-09 are ten services, not ten pods of db). */
static size_t ordinal_suffix(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && isdigit((unsigned char)s[n - 1 - k]))
        k++;
    if (k == 0 || k + 1 >= n || s[n - 1 - k] != '-' || (k > 1 && s[n - k] == '0'))
        return 0;
    return k + 1;
}

size_t aiops_obs_workload(const char *name, const char *kind, char *buf, size_t bufsz)
{
    size_t n = strlen(name), cut;
    /* a name given as a service's: a pod name in its place shows by its
     * generated suffixes, which nobody types; "-1" alone does not (shard-1,
     * worker-2 are service names as often as StatefulSet pods) */
    int as_svc = kind && strcmp(kind, "Service") == 0;
    int pod = !kind || as_svc || strcmp(kind, "Pod") == 0;
    if (pod && (cut = rand_suffix(name, n, 5, 5))) {
        n -= cut;                                  /* the pod's own suffix */
        n -= rand_suffix(name, n, 6, 10);          /* its ReplicaSet's hash */
    } else if (pod && (cut = alnum_suffix(name, n, 5)) && rand_suffix(name, n - cut, 6, 10)) {
        n -= cut;                                  /* hand-written "-abcde" after a hash */
        n -= rand_suffix(name, n, 6, 10);
    } else if (pod && !as_svc) {
        n -= ordinal_suffix(name, n);
    } else if (strcmp(kind, "ReplicaSet") == 0) {
        n -= rand_suffix(name, n, 6, 10);
    }
    if (n >= bufsz)
        n = bufsz ? bufsz - 1 : 0;
    if (bufsz) {
        memcpy(buf, name, n);
        buf[n] = '\0';
    }
    return n;
}
