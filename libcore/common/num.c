/* num.c - number text <-> double.  Hot path of every reader and writer:
 * the common cases (short decimals) avoid strtod/snprintf entirely but the
 * result is always exact: parsing uses Clinger's fast path (mantissa < 2^53
 * and a power of ten <= 1e22 are both exact, so one IEEE multiply/divide
 * rounds correctly); formatting verifies the round trip before using the
 * short form. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aiops.h"

static const double pow10_exact[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static int parse_special(const char *s, size_t n, double *out)
{
    int neg = 0;
    if (n && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        s++;
        n--;
    }
    if ((n == 3 && strncasecmp(s, "nan", 3) == 0)) {
        *out = NAN;
        return 0;
    }
    if ((n == 3 && strncasecmp(s, "inf", 3) == 0) ||
        (n == 8 && strncasecmp(s, "infinity", 8) == 0)) {
        *out = neg ? -INFINITY : INFINITY;
        return 0;
    }
    return -1;
}

/* strtod on a bounded span: copy to a NUL-terminated buffer. */
static int parse_slow(const char *s, size_t n, double *out)
{
    char small[128], *buf = small;
    if (n == 0)
        return -1;
    if (n >= sizeof small && !(buf = malloc(n + 1)))
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    /* strtod accepts hex floats, "infinity", leading spaces: reject those
     * so every reader agrees on one number syntax. */
    for (size_t i = 0; i < n; i++) {
        char c = buf[i];
        if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' ||
              c == '+' || c == '-')) {
            if (buf != small)
                free(buf);
            return parse_special(s, n, out);
        }
    }
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    int bad = end != buf + n;
    if (buf != small)
        free(buf);
    if (bad)
        return -1;
    /* Overflow gives +-HUGE_VAL with ERANGE: keep it as +-Inf (a value that
     * large is still data); underflow to 0 is fine. */
    *out = v;
    return 0;
}

/* An optional leading sign: 1 for '-', and *i past it. */
static int take_sign(const char *s, size_t n, size_t *i)
{
    *i = 0;
    if (n && (s[0] == '-' || s[0] == '+')) {
        *i = 1;
        return s[0] == '-';
    }
    return 0;
}

int aiops_parse_double(const char *s, size_t n, double *out)
{
    size_t i;
    if (n == 0)
        return -1;
    int neg = take_sign(s, n, &i);
    uint64_t mant = 0;
    int digits = 0, frac = 0, seen = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        if (digits < 19) {
            mant = mant * 10 + (uint64_t)(s[i] - '0');
            if (mant)
                digits++;
        } else {
            return parse_slow(s, n, out);
        }
        i++;
        seen = 1;
    }
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            if (digits >= 19)
                return parse_slow(s, n, out);
            mant = mant * 10 + (uint64_t)(s[i] - '0');
            if (mant)
                digits++;
            frac++;
            i++;
            seen = 1;
        }
    }
    if (!seen)
        return parse_special(s, n, out);
    int exp10 = -frac;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        int eneg = 0, e = 0, edig = 0;
        if (i < n && (s[i] == '+' || s[i] == '-')) {
            eneg = s[i] == '-';
            i++;
        }
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            if (e < 100000)
                e = e * 10 + (s[i] - '0');
            i++;
            edig++;
        }
        if (!edig)
            return -1;
        exp10 += eneg ? -e : e;
    }
    if (i != n)
        return -1;
    if (mant > (1ULL << 53) || exp10 > 22 || exp10 < -22)
        return parse_slow(s, n, out);
    double v = (double)mant;
    if (exp10 > 0)
        v *= pow10_exact[exp10];
    else if (exp10 < 0)
        v /= pow10_exact[-exp10];
    *out = neg ? -v : v;
    return 0;
}

int aiops_parse_int64(const char *s, size_t n, int64_t *out)
{
    size_t i;
    int neg = take_sign(s, n, &i);
    if (i == n)
        return -1;
    uint64_t v = 0;
    const uint64_t lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (lim - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

static const char digit_pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* Decimal digits of v, two at a time (this is on every writer's hot path). */
static size_t fmt_u64(uint64_t v, char *buf)
{
    char tmp[24];
    size_t n = sizeof tmp;
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        tmp[--n] = digit_pairs[2 * r + 1];
        tmp[--n] = digit_pairs[2 * r];
    }
    if (v >= 10) {
        tmp[--n] = digit_pairs[2 * v + 1];
        tmp[--n] = digit_pairs[2 * v];
    } else {
        tmp[--n] = (char)('0' + v);
    }
    memcpy(buf, tmp + n, sizeof tmp - n);
    return sizeof tmp - n;
}

/* |v| with k (1..4) decimals when a * 10^k is a whole number that divides
 * back to exactly a: the common "512.34" case without log10. */
static size_t fmt_few_decimals(double a, char *buf)
{
    for (int k = 1; k <= 4; k++) {
        double x = a * pow10_exact[k];
        if (x >= 9007199254740992.0)
            return 0;
        if (x != floor(x) || x / pow10_exact[k] != a)
            continue;
        uint64_t m = (uint64_t)x;
        uint64_t ip = m / (uint64_t)pow10_exact[k], fp = m % (uint64_t)pow10_exact[k];
        size_t p = fmt_u64(ip, buf);
        buf[p++] = '.';
        for (int d = k - 1; d >= 0; d--) {
            buf[p + (size_t)d] = (char)('0' + fp % 10);
            fp /= 10;
        }
        p += (size_t)k;
        while (buf[p - 1] == '0')     /* cannot happen for the smallest k, kept for safety */
            p--;
        return p;
    }
    return 0;
}

/* Try to write |v| as a plain decimal with `sig` significant digits whose
 * value parses back to exactly |v|.  Returns length or 0. */
static size_t fmt_decimal(double a, int sig, char *buf)
{
    int e10 = (int)floor(log10(a));          /* a in [1e e10, 1e(e10+1)) */
    int scale = sig - 1 - e10;                /* a * 10^scale has sig digits */
    if (scale < 0 || scale > 22)
        return 0;
    double m = nearbyint(a * pow10_exact[scale]);
    if (m >= 9007199254740992.0)
        return 0;
    if (m / pow10_exact[scale] != a)          /* exact: both operands exact */
        return 0;
    uint64_t im = (uint64_t)m;
    while (scale > 0 && im % 10 == 0) {
        im /= 10;
        scale--;
    }
    char digs[24];
    size_t nd = fmt_u64(im, digs), p = 0;
    if ((size_t)scale >= nd) {                /* 0.000ddd */
        buf[p++] = '0';
        buf[p++] = '.';
        for (size_t z = 0; z < (size_t)scale - nd; z++)
            buf[p++] = '0';
        memcpy(buf + p, digs, nd);
        p += nd;
    } else {
        size_t ip = nd - (size_t)scale;
        memcpy(buf + p, digs, ip);
        p += ip;
        if (scale > 0) {
            buf[p++] = '.';
            memcpy(buf + p, digs + ip, (size_t)scale);
            p += (size_t)scale;
        }
    }
    return p;
}

size_t aiops_fmt_double(double v, char *buf)
{
    if (isnan(v)) {
        memcpy(buf, "NaN", 4);
        return 3;
    }
    if (isinf(v)) {
        memcpy(buf, v > 0 ? "+Inf" : "-Inf", 5);
        return 4;
    }
    size_t p = 0;
    double a = v;
    if (signbit(v)) {
        a = -v;
        if (a != 0)
            buf[p++] = '-';
    }
    if (a == 0) {
        buf[p++] = '0';
        buf[p] = '\0';
        return p;
    }
    if (a < 9007199254740992.0 && a == floor(a)) {
        p += fmt_u64((uint64_t)a, buf + p);
        buf[p] = '\0';
        return p;
    }
    if (a >= 1e-4 && a < 1e15) {
        size_t n = fmt_few_decimals(a, buf + p);
        if (n) {
            buf[p + n] = '\0';
            return p + n;
        }
    }
    if (a >= 1e-5 && a < 1e15) {
        for (int sig = 15; sig <= 16; sig++) {
            size_t n = fmt_decimal(a, sig, buf + p);
            if (n) {
                buf[p + n] = '\0';
                return p + n;
            }
        }
    }
    /* Shortest of %.15g..%.17g that round-trips (17 always does). */
    for (int prec = 15; prec <= 17; prec++) {
        int n = snprintf(buf, 32, "%.*g", prec, v);
        if (prec == 17 || strtod(buf, NULL) == v)
            return (size_t)n;
    }
    return 0;
}

size_t aiops_fmt_score(double v, char *buf)
{
    int n = v > 0.99 && v < 1 ? snprintf(buf, 32, "1 - %.2g", 1 - v) : snprintf(buf, 32, "%.4g", v);
    return n > 0 ? (size_t)n : 0;
}
