/* timefmt.c - timestamps and durations.  All times are seconds since the
 * Unix epoch in a double; text forms are parsed without the C library's
 * locale- and TZ-dependent functions so results never depend on the host. */
#include <math.h>
#include <string.h>

#include "aiops.h"

int64_t aiops_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    /* Howard Hinnant's days_from_civil: exact for the proleptic Gregorian
     * calendar, no tables, no time zone. */
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char *s, size_t n, size_t at, size_t cnt, int *out)
{
    int v = 0;
    if (at + cnt > n)
        return -1;
    for (size_t i = at; i < at + cnt; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 ? 28 + leap : dm[m - 1];
}

/* YYYY-MM-DD[(T| )HH:MM[:SS[.frac]]][Z|(+|-)HH[:]MM] */
static int parse_datetime(const char *s, size_t n, double *out)
{
    int Y, M, D, h = 0, mi = 0, sec = 0;
    double frac = 0;
    if (digits(s, n, 0, 4, &Y) || n < 10 || s[4] != '-' || digits(s, n, 5, 2, &M) ||
        s[7] != '-' || digits(s, n, 8, 2, &D))
        return -1;
    if (M < 1 || M > 12 || D < 1 || D > days_in_month(Y, M))
        return -1;
    size_t i = 10;
    if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
        i++;
        if (digits(s, n, i, 2, &h) || i + 2 >= n || s[i + 2] != ':' ||
            digits(s, n, i + 3, 2, &mi))
            return -1;
        i += 5;
        if (i < n && s[i] == ':') {
            if (digits(s, n, i + 1, 2, &sec))
                return -1;
            i += 3;
            if (i < n && (s[i] == '.' || s[i] == ',')) {
                double scale = 0.1;
                size_t st = ++i;
                while (i < n && s[i] >= '0' && s[i] <= '9') {
                    frac += (s[i] - '0') * scale;
                    scale /= 10;
                    i++;
                }
                if (i == st)
                    return -1;
            }
        }
        if (h > 23 || mi > 59 || sec > 60)
            return -1;
    }
    int off = 0;
    if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
        i++;
    } else if (i < n && (s[i] == '+' || s[i] == '-')) {
        int sign = s[i] == '-' ? -1 : 1, oh, om;
        if (digits(s, n, i + 1, 2, &oh))
            return -1;
        i += 3;
        if (i < n && s[i] == ':')
            i++;
        if (digits(s, n, i, 2, &om))
            return -1;
        i += 2;
        if (oh > 23 || om > 59)
            return -1;
        off = sign * (oh * 3600 + om * 60);
    } else if (i < n && s[i] == ' ' && i + 4 == n && strncmp(s + i, " UTC", 4) == 0) {
        i += 4;
    }
    if (i != n)
        return -1;
    int64_t days = aiops_days_from_civil(Y, (unsigned)M, (unsigned)D);
    *out = (double)(days * 86400 + h * 3600 + mi * 60 + sec - off) + frac;
    return 0;
}

int aiops_parse_time(const char *s, size_t n, double *out)
{
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n >= 10 && s[4] == '-')
        return parse_datetime(s, n, out);
    double v;
    if (aiops_parse_double(s, n, &v) || !isfinite(v))
        return -1;
    double a = fabs(v);
    if (a > 1e17)
        v /= 1e9;
    else if (a > 1e14)
        v /= 1e6;
    else if (a > 1e11)
        v /= 1e3;
    *out = v;
    return 0;
}

int aiops_parse_duration(const char *s, size_t n, double *out)
{
    double total = 0;
    size_t i = 0;
    if (n == 0)
        return -1;
    while (i < n) {
        size_t st = i;
        while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
            i++;
        double v;
        if (i == st || aiops_parse_double(s + st, i - st, &v))
            return -1;
        double unit = 1;
        if (i == n) {
            if (st != 0)        /* "1h30" is ambiguous: require a unit */
                return -1;
        } else if (i + 1 < n && s[i] == 'm' && s[i + 1] == 's') {
            unit = 0.001;
            i += 2;
        } else {
            switch (s[i]) {
            case 's': unit = 1; break;
            case 'm': unit = 60; break;
            case 'h': unit = 3600; break;
            case 'd': unit = 86400; break;
            case 'w': unit = 7 * 86400; break;
            case 'y': unit = 365 * 86400; break;
            default: return -1;
            }
            i++;
        }
        total += v * unit;
    }
    *out = total;
    return 0;
}

size_t aiops_fmt_time(double t, char *buf)
{
    double whole = floor(t);
    int ms = (int)llround((t - whole) * 1000);
    if (ms == 1000) {
        whole += 1;
        ms = 0;
    }
    int64_t secs = (int64_t)whole;
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t rem = secs - days * 86400;
    /* civil_from_days (Hinnant) */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    int n;
    if (ms)
        n = snprintf(buf, 40, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", (long long)y, m, d,
                     (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), ms);
    else
        n = snprintf(buf, 40, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y, m, d,
                     (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
    return n < 0 ? 0 : (size_t)n;
}
