/* timefmt.c - timestamps and durations.  All times are seconds since the
 * Unix epoch in a double.  Text forms are parsed by hand; only a time
 * written without a zone depends on anything else: the zone chosen once by
 * aiops_time_zone_set (UTC unless a tool's --tz or TZ says otherwise),
 * converted with the C library's localtime_r over the system zoneinfo. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aiops_format.h"

/* The zone of zone-less times: 0 = UTC, 1 = TZ set to the chosen zone. */
static int zone_local;
static char zone_name[256] = "UTC";
/* The offset of the last local hour converted without a change nearby. */
static int64_t cache_hour = INT64_MIN, cache_off;

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

static int is_utc_name(const char *z)
{
    static const char *const utc[] = {"UTC", "Etc/UTC", "GMT", "Etc/GMT", "UCT", "Etc/UCT",
                                      "Zulu", "Etc/Zulu", "Universal", "Etc/Universal", NULL};
    for (size_t i = 0; utc[i]; i++)
        if (!strcmp(z, utc[i]))
            return 1;
    return 0;
}

/* An IANA name: letters, digits, "_+-" in '/'-separated parts, none of
 * them "." or "..", and a TZif file of that name in the zoneinfo. */
static int zone_file_ok(const char *z)
{
    const char *dir = getenv("TZDIR");
    char path[1024];
    if (!*z || *z == '/' || strlen(z) > 200)
        return 0;
    for (const char *p = z; *p; p++) {
        int ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                 *p == '_' || *p == '+' || *p == '-' || (*p == '/' && p[1] && p[1] != '/') ||
                 (*p == '.' && p[1] != '.' && p[1] != '/' && p[1] && p != z && p[-1] != '/');
        if (!ok)
            return 0;
    }
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", z);
    FILE *f = fopen(path, "rb");
    char magic[4] = {0};
    int ok = f && fread(magic, 1, 4, f) == 4 && !memcmp(magic, "TZif", 4);
    if (f)
        fclose(f);
    return ok;
}

int aiops_time_zone_set(const char *name, aiops_err *err)
{
    const char *z = name && *name == ':' ? name + 1 : name;
    cache_hour = INT64_MIN;
    if (!z || !*z || is_utc_name(z)) {
        zone_local = 0;
        snprintf(zone_name, sizeof zone_name, "%s", z && *z ? z : "UTC");
        return 0;
    }
    if (!zone_file_ok(z))
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "expected a time zone name of the system zoneinfo (like "
                             "Europe/Berlin or UTC), got '%s'", name);
    if (setenv("TZ", z, 1))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    tzset();
    zone_local = 1;
    snprintf(zone_name, sizeof zone_name, "%s", z);
    return 0;
}

const char *aiops_time_zone(void)
{
    return zone_name;
}

/* Seconds east of UTC in force at instant t. */
static int64_t offset_at(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm))
        return 0;
    int64_t civ = aiops_days_from_civil((int64_t)tm.tm_year + 1900, (unsigned)tm.tm_mon + 1,
                                        (unsigned)tm.tm_mday) * 86400 +
                  tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
    return civ - t;
}

/* The instant of local wall-clock seconds L: the offsets a day before and
 * a day after are the candidates (zones do not change twice in two days).
 * A time that exists twice (clocks set back) is the earlier instant; one
 * that does not exist (clocks set forward) is read with the offset before
 * the change, so 02:30 in a gap of 02:00-03:00 is 03:30 after it. */
static int64_t local_to_utc(int64_t L)
{
    int64_t hour = L >= 0 ? L / 3600 : (L - 3599) / 3600;
    if (hour == cache_hour)
        return L - cache_off;
    int64_t oa = offset_at(L - 86400), ob = offset_at(L + 86400);
    int64_t ta = L - oa, tb = L - ob;
    int va = offset_at(ta) == oa, vb = offset_at(tb) == ob;
    if (oa == ob && va) {
        cache_hour = hour;
        cache_off = oa;
    }
    if (va && vb)
        return ta < tb ? ta : tb;
    return vb && !va ? tb : ta;
}

double aiops_local_time(int64_t y, unsigned mo, unsigned d, int h, int mi, double sec)
{
    int64_t L = aiops_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60;
    double whole = floor(sec);
    L += (int64_t)whole;
    return (double)(zone_local ? local_to_utc(L) : L) + (sec - whole);
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
    int off = 0, zoned = 1;
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
    } else {
        zoned = 0;
    }
    if (i != n)
        return -1;
    if (!zoned) {
        *out = aiops_local_time(Y, (unsigned)M, (unsigned)D, h, mi, sec) + frac;
        return 0;
    }
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
