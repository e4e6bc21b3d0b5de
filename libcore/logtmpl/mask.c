/* mask.c - tokenising a log message and masking its variables.
 *
 * A token is a run of non-blank bytes.  Opening brackets/quotes before it
 * and closing brackets, quotes and punctuation after it stay literal; the
 * core between them is masked whole when it is a path or URL, a UUID, an
 * IPv6 address, a number (digit groups joined by . : , - with an optional
 * sign and unit: covers IPv4:port, times, dates, versions, durations and
 * sizes such as 12ms or 3.5KB) or a hex id (0x..., or 8+ hex digits with a
 * digit).  Otherwise the core is cut at delimiters (= : , ; ( ) [ ] { } < >
 * " ' | @ # / \) and each piece that is a number, hex id or host name
 * (2+ dots and a top-level domain last: a.b.example.com), or with
 * mask_digits holds any digit, becomes <*>: "uid=0" -> "uid=<*>". */
#include <string.h>

#include "common/hash.h"
#include "logtmpl/logtmpl_impl.h"

enum { C_SPACE = 1, C_DIGIT = 2, C_HEX = 4, C_ALPHA = 8, C_DELIM = 16, C_OPEN = 32, C_CLOSE = 64 };

static unsigned char cls[256];

static void cls_init(void)
{
    if (cls['0'])
        return;
    const char *sp = " \t\r\n\v\f", *delim = "=:,;()[]{}<>\"'|@#/\\";
    const char *open = "([{<\"'", *close = ")]}>\"',;.:!?";
    for (const char *p = sp; *p; p++)
        cls[(unsigned char)*p] |= C_SPACE;
    for (int c = 'a'; c <= 'z'; c++)
        cls[c] |= C_ALPHA, cls[c - 'a' + 'A'] |= C_ALPHA;
    for (int c = 'a'; c <= 'f'; c++)
        cls[c] |= C_HEX, cls[c - 'a' + 'A'] |= C_HEX;
    for (const char *p = delim; *p; p++)
        cls[(unsigned char)*p] |= C_DELIM;
    for (const char *p = open; *p; p++)
        cls[(unsigned char)*p] |= C_OPEN;
    for (const char *p = close; *p; p++)
        cls[(unsigned char)*p] |= C_CLOSE;
    for (int c = '0'; c <= '9'; c++)
        cls[c] |= C_DIGIT | C_HEX;   /* set last: cls['0'] != 0 marks "done" */
}

static int is_unit(const char *s, size_t n)
{
    static const char *const units[] = {"ms", "us", "ns", "s", "m", "h", "d", "min", "sec",
                                        "secs", "b", "B", "K", "M", "G", "KB", "kB", "MB",
                                        "GB", "TB", "KiB", "MiB", "GiB", "%", NULL};
    for (size_t i = 0; units[i]; i++)
        if (strlen(units[i]) == n && !memcmp(units[i], s, n))
            return 1;
    return 0;
}

/* [+-]? D ([.:,-] D)* unit?  with D = one or more digits */
static int is_number(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    if (i >= n || !(cls[(unsigned char)s[i]] & C_DIGIT))
        return 0;
    for (;;) {
        while (i < n && (cls[(unsigned char)s[i]] & C_DIGIT))
            i++;
        if (i + 1 < n && (s[i] == '.' || s[i] == ':' || s[i] == ',' || s[i] == '-') &&
            (cls[(unsigned char)s[i + 1]] & C_DIGIT)) {
            i++;
            continue;
        }
        break;
    }
    return i == n || is_unit(s + i, n - i);
}

static int is_hex(const char *s, size_t n)
{
    size_t i = 0, digits = 0;
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        i = 2, digits = 8;
    else if (n < 8)
        return 0;
    for (; i < n; i++) {
        if (!(cls[(unsigned char)s[i]] & C_HEX))
            return 0;
        digits += (cls[(unsigned char)s[i]] & C_DIGIT) != 0;
    }
    return digits > 0;
}

static int is_uuid(const char *s, size_t n)
{
    if (n != 36)
        return 0;
    for (size_t i = 0; i < n; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !(cls[(unsigned char)s[i]] & C_HEX))
            return 0;
    }
    return 1;
}

static int is_ipv6(const char *s, size_t n)
{
    size_t colons = 0, hex = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = cls[(unsigned char)s[i]];
        if (s[i] == ':')
            colons++;
        else if (c & C_HEX)
            hex++;
        else if (s[i] != '.' && s[i] != '%')
            return 0;
    }
    return colons >= 2 && hex > 0;
}

static int is_path(const char *s, size_t n)
{
    if (n > 1 && s[0] == '/')
        return 1;
    if (n > 2 && (!memcmp(s, "./", 2) || !memcmp(s, "~/", 2)))
        return 1;
    if (n > 3 && !memcmp(s, "../", 3))
        return 1;
    if (n > 3 && (cls[(unsigned char)s[0]] & C_ALPHA) && s[1] == ':' && s[2] == '\\')
        return 1;
    for (size_t i = 0; i + 2 < n; i++)
        if (s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/')
            return i > 0;
    return 0;
}

/* a host name: 2+ dots, letters, digits and - between, a top-level domain
 * of 2-3 letters or one of a few longer ones last (not a Java class name) */
static int is_host(const char *s, size_t n)
{
    static const char *const tld[] = {"com", "net", "org", "edu", "gov", "mil", "int", "info",
                                      "local", "internal", "lan", NULL};
    size_t dots = 0, last = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = cls[(unsigned char)s[i]];
        if (s[i] == '.') {
            if (!i || s[i - 1] == '.')
                return 0;
            dots++, last = i + 1;
        } else if (!(c & (C_ALPHA | C_DIGIT)) && s[i] != '-')
            return 0;
    }
    if (dots < 2 || last >= n)
        return 0;
    size_t tn = n - last;
    for (size_t i = last; i < n; i++)
        if (!(cls[(unsigned char)s[i]] & C_ALPHA) || (s[i] >= 'A' && s[i] <= 'Z'))
            return 0;
    if (tn == 2)
        return 1;
    for (size_t i = 0; tld[i]; i++)
        if (strlen(tld[i]) == tn && !memcmp(tld[i], s + last, tn))
            return 1;
    return 0;
}

static int whole_var(const char *s, size_t n)
{
    return is_number(s, n) || is_hex(s, n) || is_uuid(s, n) || is_path(s, n) ||
           is_ipv6(s, n) || is_host(s, n);
}

/* Mask one token s[0..n) into out; returns the bytes written, *var set. */
static size_t mask_token(int mask_digits, const char *s, size_t n, char *out, int *var)
{
    size_t a = 0, b = n, o = 0;
    while (a < b && (cls[(unsigned char)s[a]] & C_OPEN))
        a++;
    while (b > a && (cls[(unsigned char)s[b - 1]] & C_CLOSE))
        b--;
    *var = 0;
    memcpy(out, s, a);
    o = a;
    if (a < b && whole_var(s + a, b - a)) {
        memcpy(out + o, "<*>", 3);
        o += 3;
        *var = 1;
    } else {
        size_t i = a;
        while (i < b) {
            if (cls[(unsigned char)s[i]] & C_DELIM) {
                out[o++] = s[i++];
                continue;
            }
            size_t j = i;
            int digit = 0;
            while (j < b && !(cls[(unsigned char)s[j]] & C_DELIM))
                digit |= (cls[(unsigned char)s[j++]] & C_DIGIT) != 0;
            if ((digit && (mask_digits || is_number(s + i, j - i) || is_hex(s + i, j - i))) ||
                is_host(s + i, j - i)) {
                memcpy(out + o, "<*>", 3);
                o += 3;
                *var = 1;
            } else {
                memcpy(out + o, s + i, j - i);
                o += j - i;
            }
            i = j;
        }
    }
    memcpy(out + o, s + b, n - b);
    return o + n - b;
}

size_t lt_tokenize(int mask_digits, const char *msg, size_t n, char *out, lt_tok *toks)
{
    cls_init();
    size_t i = 0, nt = 0, o = 0;
    for (;;) {
        while (i < n && (cls[(unsigned char)msg[i]] & C_SPACE))
            i++;
        if (i >= n)
            break;
        size_t j = i;
        if (nt == AIOPS_LOGTMPL_MAX_TOKENS - 1) {   /* the rest is one token */
            j = n;
            while (j > i && (cls[(unsigned char)msg[j - 1]] & C_SPACE))
                j--;
        } else {
            while (j < n && !(cls[(unsigned char)msg[j]] & C_SPACE))
                j++;
        }
        lt_tok *t = &toks[nt], *prev = nt ? &toks[nt - 1] : NULL;
        size_t a = i, b = j;   /* the core, for the unit test below */
        while (a < b && (cls[(unsigned char)msg[a]] & C_OPEN))
            a++;
        while (b > a && (cls[(unsigned char)msg[b - 1]] & C_CLOSE))
            b--;
        if (prev && prev->var && b > a && is_unit(msg + a, b - a) &&
            out[prev->off + prev->len - 1] == '>') {
            /* "1.5 KB": the unit joins the variable before it */
            memcpy(out + o, msg + b, j - b);
            prev->len += (uint32_t)(j - b);
            o += j - b;
            prev->h = aiops_fnv1a(AIOPS_FNV_OFFSET, out + prev->off, prev->len);
            i = j;
            continue;
        }
        t->off = (uint32_t)o;
        t->len = (uint32_t)mask_token(mask_digits, msg + i, j - i, out + o, &t->var);
        t->h = aiops_fnv1a(AIOPS_FNV_OFFSET, out + o, t->len);
        o += t->len;
        nt++;
        i = j;
    }
    return nt;
}

void aiops_logtmpl_mask(const aiops_logtmpl_opts *o, const char *msg, size_t n, aiops_buf *out)
{
    aiops_logtmpl_opts d;
    if (!o)
        aiops_logtmpl_opts_default(&d), o = &d;
    if (n > AIOPS_LOGTMPL_MAX_MSG)
        n = AIOPS_LOGTMPL_MAX_MSG;
    lt_tok toks[AIOPS_LOGTMPL_MAX_TOKENS];
    aiops_buf scratch = {0};
    if (aiops_buf_reserve(&scratch, LT_OUT_CAP(n)) < 0) {
        out->oom = 1;
        return;
    }
    size_t nt = lt_tokenize(o->mask_digits, msg, n, scratch.p, toks);
    for (size_t i = 0; i < nt; i++) {
        if (i)
            aiops_buf_put(out, " ", 1);
        aiops_buf_put(out, scratch.p + toks[i].off, toks[i].len);
    }
    if (!nt)
        aiops_buf_put(out, "", 0);
    aiops_buf_free(&scratch);
}
