/* fmt_textlog.c - plain text log files.  The first line decides the
 * layout, every later line must start the same way:
 *
 *   iso      2024-01-02T03:04:05.123Z msg   (also "2024-01-02 03:04:05,123",
 *            zone offsets, a [bracketed] time; rsyslog's
 *            "TIME host prog[pid]: msg" gives the program and host)
 *   syslog   [<PRI>]Jan  2 03:04:05 host prog[pid]: msg   (RFC 3164)
 *   rfc5424  <PRI>1 TIME host app procid msgid [SD] msg
 *   access   nginx/Apache common and combined access logs
 *   nginx    2024/01/02 03:04:05 [error] 12#0: msg   (nginx error log)
 *   apache   [Tue Jan 02 03:04:05.123 2024] [core:error] msg   (error log)
 *   klog     E0102 03:04:05.123456   12 file.go:42] msg   (glog/klog)
 *
 * A line that does not start with the layout's time continues the record
 * before it (stack traces, multi-line messages), except in access logs,
 * where it is an error; so is a first line without a time.  Blank lines
 * are skipped.  Times without a zone are in the zone of
 * aiops_time_zone_set (--tz; UTC by default).  Layouts without a year
 * (syslog, klog) take the year of the file's modification time (now, for
 * stdin), minus one when that would put the line more than a day after
 * the file was last written (a December line in a file saved in January).
 *
 * service: --service, else the syslog program, else the file name stem.
 * level: from the syslog priority, the access log status (>= 500 error,
 * else info), klog's letter, or the text (ERROR, [warn], level=...).
 * trace_id / span_id: when the text quotes them (trace_id=..., "traceId":..).
 * Invalid UTF-8 is replaced by U+FFFD and counted in "invalid_utf8".
 * Log files are written in time order: `ordered = 1`. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "formats/obs.h"

#define MAX_MSG ((size_t)16 << 20)   /* a record with its continuation lines */

typedef enum { L_NONE, L_5424, L_SYSLOG, L_ACCESS, L_APACHE, L_NGINX, L_KLOG, L_ISO } layout;

/* What a line's header says. */
typedef struct hdr {
    double ts;
    size_t msg;              /* offset of the message in the line */
    const char *level;       /* NULL: detect from the text */
    char prog[128], host[256], pid[32], status[4];
    const char *why;         /* shape matched but a value is wrong */
} hdr;

typedef struct textlog_state {
    layout lay;
    double ref;              /* "now" for the year of year-less times */
    char stem[256];
    int have;                /* a record is pending */
    double ts;
    const char *level;
    char prog[128], host[256], pid[32], status[4];
    aiops_buf msg;           /* the pending record's message */
    size_t bad;
} textlog_state;

/* -------------------------------------------------------- small parsers */

static int num(const char *s, size_t n, size_t p, size_t k, int *v)
{
    if (p + k > n)
        return 0;
    *v = 0;
    for (size_t i = p; i < p + k; i++) {
        if (!isdigit((unsigned char)s[i]))
            return 0;
        *v = *v * 10 + (s[i] - '0');
    }
    return 1;
}

static int month_of(const char *s, size_t n, size_t p)
{
    static const char *const m = "JanFebMarAprMayJunJulAugSepOctNovDec";
    for (int i = 0; i < 12 && p + 3 <= n; i++)
        if (memcmp(s + p, m + 3 * i, 3) == 0)
            return i + 1;
    return 0;
}

/* HH:MM:SS at p; *frac gets an optional .ddd / ,ddd; returns the end. */
static size_t clock_at(const char *s, size_t n, size_t p, int *h, int *mi, int *sec, double *frac)
{
    if (!num(s, n, p, 2, h) || p + 8 > n || s[p + 2] != ':' || !num(s, n, p + 3, 2, mi) ||
        s[p + 5] != ':' || !num(s, n, p + 6, 2, sec))
        return 0;
    p += 8;
    *frac = 0;
    if (p + 1 < n && (s[p] == '.' || s[p] == ',') && isdigit((unsigned char)s[p + 1])) {
        double scale = 0.1;
        for (p++; p < n && isdigit((unsigned char)s[p]); p++, scale /= 10)
            *frac += (s[p] - '0') * scale;
    }
    return p;
}

static int valid_civil(int y, int mo, int d, int h, int mi, int sec)
{
    return y >= 1970 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 &&
           sec <= 60;
}

static double civil(int y, int mo, int d, int h, int mi, int sec, double frac)
{
    return aiops_local_time(y, (unsigned)mo, (unsigned)d, h, mi, sec) + frac;
}

/* The year rule for times without one (see the top of the file). */
static double yearless(double ref, int mo, int d, int h, int mi, int sec, double frac)
{
    time_t r = (time_t)ref;
    struct tm tm;
    gmtime_r(&r, &tm);
    double t = civil(tm.tm_year + 1900, mo, d, h, mi, sec, frac);
    if (t > ref + 86400)
        t = civil(tm.tm_year + 1899, mo, d, h, mi, sec, frac);
    return t;
}

static size_t skip_blank(const char *s, size_t n, size_t p)
{
    while (p < n && (s[p] == ' ' || s[p] == '\t'))
        p++;
    return p;
}

/* A token up to the next space, copied into buf; end offset or 0. */
static size_t token(const char *s, size_t n, size_t p, char *buf, size_t bufsz)
{
    size_t e = p;
    while (e < n && s[e] != ' ')
        e++;
    if (e == p || e - p >= bufsz)
        return 0;
    memcpy(buf, s + p, e - p);
    buf[e - p] = '\0';
    return e;
}

/* "prog[pid]: " or "prog: " at p; the message offset, or 0. */
static size_t syslog_tag(const char *s, size_t n, size_t p, hdr *h)
{
    size_t e = p;
    while (e < n && s[e] != '[' && s[e] != ':' && s[e] != ' ')
        e++;
    if (e == p || e - p >= sizeof h->prog || e >= n)
        return 0;
    size_t pe = e;
    if (s[e] == '[') {
        size_t q = e + 1;
        while (q < n && isdigit((unsigned char)s[q]) && q - e < sizeof h->pid)
            q++;
        if (q == e + 1 || q >= n || s[q] != ']')
            return 0;
        memcpy(h->pid, s + e + 1, q - e - 1);
        h->pid[q - e - 1] = '\0';
        e = q + 1;
    }
    if (e >= n || s[e] != ':')
        return 0;
    memcpy(h->prog, s + p, pe - p);
    h->prog[pe - p] = '\0';
    return skip_blank(s, n, e + 1);
}

/* <PRI>: the severity as a level; offset after it, or p when absent. */
static size_t priority(const char *s, size_t n, size_t p, hdr *h)
{
    static const char *const sev[8] = { "fatal", "fatal", "fatal", "error",
                                        "warn",  "info",  "info",  "debug" };
    int v = 0;
    size_t q = p + 1;
    if (p >= n || s[p] != '<')
        return p;
    while (q < n && q < p + 4 && isdigit((unsigned char)s[q]))
        v = v * 10 + (s[q++] - '0');
    if (q == p + 1 || q >= n || s[q] != '>' || v > 191)
        return p;
    h->level = sev[v & 7];
    return q + 1;
}

/* ------------------------------------------------------------ layouts */

/* 2024-01-02[T ]03:04:05[.,]frac[Z|+hh:mm|+hhmm], optionally [bracketed] */
static int m_iso(const char *s, size_t n, double ref, hdr *h)
{
    int y, mo, d, hh, mi, sec;
    double frac;
    size_t p = n && s[0] == '[', e;
    (void)ref;
    if (!num(s, n, p, 4, &y) || p + 11 > n || s[p + 4] != '-' || !num(s, n, p + 5, 2, &mo) ||
        s[p + 7] != '-' || !num(s, n, p + 8, 2, &d) || (s[p + 10] != 'T' && s[p + 10] != ' ') ||
        !(e = clock_at(s, n, p + 11, &hh, &mi, &sec, &frac)))
        return 0;
    if (e < n && s[e] == 'Z')
        e++;
    else if (e + 5 <= n && (s[e] == '+' || s[e] == '-') && isdigit((unsigned char)s[e + 1]))
        e += e + 6 <= n && s[e + 3] == ':' ? 6 : 5;
    char tb[64];
    size_t tlen = e - p;
    if (tlen >= sizeof tb || (p && (e >= n || s[e++] != ']')) ||
        (e < n && s[e] != ' ' && s[e] != '\t'))
        return 0;
    memcpy(tb, s + p, tlen);
    tb[tlen] = '\0';
    tb[10] = 'T';
    if (tlen > 19 && tb[19] == ',')
        tb[19] = '.';                         /* log4j / Python: 03:04:05,123 */
    if (aiops_parse_time(tb, tlen, &h->ts) < 0 || !valid_civil(y, mo, d, hh, mi, sec)) {
        h->why = "an invalid date or time";
        return -1;
    }
    h->msg = skip_blank(s, n, e);
    size_t he = token(s, n, h->msg, h->host, sizeof h->host), m;
    if (he && (m = syslog_tag(s, n, he + 1, h)) && h->pid[0])
        h->msg = m;                           /* rsyslog: TIME host prog[pid]: msg */
    else
        h->host[0] = h->prog[0] = h->pid[0] = '\0';
    return 1;
}

/* [<PRI>]Mmm dd HH:MM:SS host prog[pid]: msg */
static int m_syslog(const char *s, size_t n, double ref, hdr *h)
{
    size_t p = priority(s, n, 0, h), e;
    int mo = month_of(s, n, p), d, hh, mi, sec;
    double frac;
    if (!mo || p + 7 > n || s[p + 3] != ' ')
        return 0;
    if (!(s[p + 4] == ' ' ? num(s, n, p + 5, 1, &d) : num(s, n, p + 4, 2, &d)) ||
        s[p + 6] != ' ' || !(e = clock_at(s, n, p + 7, &hh, &mi, &sec, &frac)) || e >= n ||
        s[e] != ' ')
        return 0;
    if (!valid_civil(1970, mo, d, hh, mi, sec)) {
        h->why = "an invalid date or time";
        return -1;
    }
    h->ts = yearless(ref, mo, d, hh, mi, sec, frac);
    size_t he = token(s, n, e + 1, h->host, sizeof h->host);
    size_t m = he ? syslog_tag(s, n, he + 1, h) : 0;
    h->msg = m ? m : he ? skip_blank(s, n, he) : e + 1;
    return 1;
}

/* Structured data: "-" or [id k="v" ...]... ; the offset after it, or 0. */
static size_t sdata(const char *s, size_t n, size_t p)
{
    if (p < n && s[p] == '-')
        return p + 1;
    if (p >= n || s[p] != '[')
        return 0;
    while (p < n && s[p] == '[') {
        int quoted = 0;
        for (p++; p < n && (quoted || s[p] != ']'); p++) {
            if (quoted && s[p] == '\\')
                p++;
            else if (s[p] == '"')
                quoted = !quoted;
        }
        if (p >= n)
            return 0;
        p++;
    }
    return p;
}

/* <PRI>1 TIMESTAMP HOST APP PROCID MSGID SD [MSG] */
static int m_5424(const char *s, size_t n, double ref, hdr *h)
{
    char tb[64], app[128], msgid[64];
    size_t p = priority(s, n, 0, h), e;
    (void)ref;
    if (p == 0 || p + 2 > n || s[p] != '1' || s[p + 1] != ' ')
        return 0;
    if (!(e = token(s, n, p + 2, tb, sizeof tb)) ||
        !(e = token(s, n, e + 1, h->host, sizeof h->host)) ||
        !(e = token(s, n, e + 1, app, sizeof app)) ||
        !(e = token(s, n, e + 1, h->pid, sizeof h->pid)) ||
        !(e = token(s, n, e + 1, msgid, sizeof msgid)) || e >= n)
        return 0;
    if (!(e = sdata(s, n, e + 1)) || (e < n && s[e] != ' '))
        return 0;
    if (aiops_parse_time(tb, strlen(tb), &h->ts) < 0) {
        h->why = strcmp(tb, "-") ? "an invalid RFC 3339 time" : "a time (got '-')";
        return -1;
    }
    snprintf(h->prog, sizeof h->prog, "%s", strcmp(app, "-") ? app : "");
    if (!strcmp(h->host, "-"))
        h->host[0] = '\0';
    if (!strcmp(h->pid, "-"))
        h->pid[0] = '\0';
    h->msg = e < n ? e + 1 : e;
    if (h->msg < n)
        h->msg += aiops_bom_len(s + h->msg, n - h->msg);
    return 1;
}

/* [dd/Mon/yyyy:HH:MM:SS +zzzz] at p; the offset after ']', or 0. */
static size_t clf_time(const char *s, size_t n, size_t p, double *ts)
{
    int d, mo, y, hh, mi, sec, zh, zm;
    double frac;
    size_t e;
    if (p + 28 > n || s[p] != '[' || !num(s, n, p + 1, 2, &d) || s[p + 3] != '/' ||
        !(mo = month_of(s, n, p + 4)) || s[p + 7] != '/' || !num(s, n, p + 8, 4, &y) ||
        s[p + 12] != ':' || !(e = clock_at(s, n, p + 13, &hh, &mi, &sec, &frac)) ||
        e + 7 > n || s[e] != ' ' || (s[e + 1] != '+' && s[e + 1] != '-') ||
        !num(s, n, e + 2, 2, &zh) || !num(s, n, e + 4, 2, &zm) || s[e + 6] != ']')
        return 0;
    if (!valid_civil(y, mo, d, hh, mi, sec))
        return (size_t)-1;
    int off = (zh * 3600 + zm * 60) * (s[e + 1] == '-' ? -1 : 1);
    *ts = (double)(aiops_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + hh * 3600 +
                   mi * 60 + sec - off) + frac;
    return e + 7;
}

/* host ident user [time] "request" status bytes ... */
static int m_access(const char *s, size_t n, double ref, hdr *h)
{
    size_t p = 0, e;
    (void)ref;
    for (int field = 0; field < 3; field++) {
        while (p < n && s[p] != ' ')
            p++;
        if (p++ >= n)
            return 0;
    }
    if ((e = clf_time(s, n, p, &h->ts)) == 0 || (e != (size_t)-1 && (e + 2 > n || s[e] != ' ' ||
                                                                     s[e + 1] != '"')))
        return 0;
    if (e == (size_t)-1) {
        h->why = "an invalid date or time";
        return -1;
    }
    for (p = e + 2; p + 5 <= n; p++)          /* the request's closing quote */
        if (s[p] == '"' && s[p - 1] != '\\' && s[p + 1] == ' ' &&
            isdigit((unsigned char)s[p + 2]) && isdigit((unsigned char)s[p + 3]) &&
            isdigit((unsigned char)s[p + 4]) && (p + 5 == n || s[p + 5] == ' '))
            break;
    if (p + 5 > n)
        return 0;
    memcpy(h->status, s + p + 2, 3);
    h->status[3] = '\0';
    h->level = h->status[0] >= '5' ? "error" : "info";
    h->msg = 0;                               /* the whole line is the message */
    return 1;
}

/* [Www Mmm dd HH:MM:SS[.frac] yyyy] msg */
static int m_apache(const char *s, size_t n, double ref, hdr *h)
{
    int mo, d, hh, mi, sec, y;
    double frac;
    size_t e;
    (void)ref;
    if (n < 26 || s[0] != '[' || s[4] != ' ' || !(mo = month_of(s, n, 5)) || s[8] != ' ' ||
        !num(s, n, 9, 2, &d) || s[11] != ' ' || !(e = clock_at(s, n, 12, &hh, &mi, &sec, &frac)) ||
        e + 6 > n || s[e] != ' ' || !num(s, n, e + 1, 4, &y) || s[e + 5] != ']')
        return 0;
    if (!valid_civil(y, mo, d, hh, mi, sec)) {
        h->why = "an invalid date or time";
        return -1;
    }
    h->ts = civil(y, mo, d, hh, mi, sec, frac);
    h->msg = skip_blank(s, n, e + 6);
    return 1;
}

/* yyyy/mm/dd HH:MM:SS msg (nginx error log) */
static int m_nginx(const char *s, size_t n, double ref, hdr *h)
{
    int y, mo, d, hh, mi, sec;
    double frac;
    size_t e;
    (void)ref;
    if (!num(s, n, 0, 4, &y) || n < 20 || s[4] != '/' || !num(s, n, 5, 2, &mo) || s[7] != '/' ||
        !num(s, n, 8, 2, &d) || s[10] != ' ' || !(e = clock_at(s, n, 11, &hh, &mi, &sec, &frac)))
        return 0;
    if (!valid_civil(y, mo, d, hh, mi, sec)) {
        h->why = "an invalid date or time";
        return -1;
    }
    h->ts = civil(y, mo, d, hh, mi, sec, frac);
    h->msg = skip_blank(s, n, e);
    return 1;
}

/* Lmmdd HH:MM:SS.uuuuuu threadid file:line] msg */
static int m_klog(const char *s, size_t n, double ref, hdr *h)
{
    static const char *const lv[] = { "I", "info", "W", "warn", "E", "error", "F", "fatal" };
    int mo, d, hh, mi, sec;
    double frac;
    size_t e;
    if (n < 15 || !s[0] || !strchr("IWEF", s[0]) || !num(s, n, 1, 2, &mo) ||
        !num(s, n, 3, 2, &d) || s[5] != ' ' || !(e = clock_at(s, n, 6, &hh, &mi, &sec, &frac)))
        return 0;
    if (!valid_civil(1970, mo, d, hh, mi, sec)) {
        h->why = "an invalid date or time";
        return -1;
    }
    for (size_t i = 0; i < 8; i += 2)
        if (s[0] == lv[i][0])
            h->level = lv[i + 1];
    h->ts = yearless(ref, mo, d, hh, mi, sec, frac);
    const char *close = memchr(s + e, ']', n - e);
    h->msg = close && (size_t)(close - s) + 1 < n && close[1] == ' ' ? (size_t)(close - s) + 2
                                                                     : skip_blank(s, n, e);
    return 1;
}

typedef int (*matcher)(const char *s, size_t n, double ref, hdr *h);

static const matcher matchers[] = {
    [L_5424] = m_5424, [L_SYSLOG] = m_syslog, [L_ACCESS] = m_access, [L_APACHE] = m_apache,
    [L_NGINX] = m_nginx, [L_KLOG] = m_klog,   [L_ISO] = m_iso,
};

/* With lay == L_NONE, tries every layout and sets *lay to the match. */
static int match(layout *lay, const char *s, size_t n, double ref, hdr *h)
{
    memset(h, 0, sizeof *h);
    if (*lay != L_NONE)
        return matchers[*lay](s, n, ref, h);
    for (int l = L_5424; l <= L_ISO; l++) {
        int rc = matchers[l](s, n, ref, h);
        if (rc != 0) {
            *lay = (layout)l;
            return rc;
        }
        memset(h, 0, sizeof *h);
    }
    return 0;
}

/* ------------------------------------------------------------ records */

static int msg_put(textlog_state *st, const char *s, size_t n)
{
    aiops_buf_put(&st->msg, s, n);
    return st->msg.oom ? AIOPS_ENOMEM : 0;
}

static int start_record(textlog_state *st, const hdr *h, const char *s, size_t n, size_t bad)
{
    st->have = 1;
    st->ts = h->ts;
    st->level = h->level;
    memcpy(st->prog, h->prog, sizeof st->prog);
    memcpy(st->host, h->host, sizeof st->host);
    memcpy(st->pid, h->pid, sizeof st->pid);
    memcpy(st->status, h->status, sizeof st->status);
    st->msg.n = 0;
    st->bad = bad;
    return msg_put(st, s + h->msg, n - h->msg);
}

static int add_label(json_t *lab, const char *k, const char *v)
{
    return v[0] ? json_object_set_new(lab, k, json_string(v)) : 0;
}

/* The pending record into rec. */
static int finish(textlog_state *st, aiops_parse_ctx *ctx, aiops_record *rec, aiops_err *err)
{
    static const char *const trace_keys[] = { "trace_id", "traceID", "traceId", NULL };
    static const char *const span_keys[] = { "span_id", "spanID", "spanId", NULL };
    char tid[65], sid[65];
    json_t *lab = json_object();
    aiops_obs_log l = {
        .service = ctx->service ? ctx->service : st->prog[0] ? st->prog : st->stem,
        .level = st->level ? st->level : aiops_obs_level_text(st->msg.p, st->msg.n),
        .msg = st->msg.p,
        .msg_len = st->msg.n,
        .labels = lab,
        .trace_id = aiops_obs_text_id(st->msg.p, st->msg.n, trace_keys, tid) ? tid : NULL,
        .span_id = aiops_obs_text_id(st->msg.p, st->msg.n, span_keys, sid) ? sid : NULL,
        .bad_utf8 = st->bad,
    };
    st->have = 0;
    if (!lab || add_label(lab, "host", st->host) || add_label(lab, "pid", st->pid) ||
        add_label(lab, "status", st->status) || !(rec->obj = aiops_obs_log_json(&l))) {
        json_decref(lab);
        return aiops_parse_fail(ctx, err, AIOPS_ENOMEM, "out of memory");
    }
    json_decref(lab);
    rec->type = AIOPS_R_LOG;
    rec->ts = st->ts;
    return 1;
}

/* A line without a header continues the pending record. */
static int append(textlog_state *st, aiops_parse_ctx *ctx, const char *s, size_t n, size_t bad,
                  aiops_err *err)
{
    if (st->msg.n + n + 1 > MAX_MSG)
        return aiops_parse_fail(ctx, err, AIOPS_ELIMIT, "log record with its continuation "
                                "lines longer than %zu bytes", MAX_MSG);
    st->bad += bad;
    if (msg_put(st, "\n", 1) || msg_put(st, s, n))
        return aiops_parse_fail(ctx, err, AIOPS_ENOMEM, "out of memory");
    return 0;
}

/* 1: the line starts a record (h filled); 0: it continued the pending
 * one; <0: error. */
static int classify(textlog_state *st, aiops_parse_ctx *ctx, const char *s, size_t n, size_t bad,
                    hdr *h, aiops_err *err)
{
    char sb[64];
    int m = match(&st->lay, s, n, st->ref, h);
    if (m < 0)
        return aiops_parse_fail(ctx, err, AIOPS_EPARSE, "expected a valid time at the start of "
                                "the line, got %s: '%s'", h->why, aiops_snip(s, n, sb, sizeof sb));
    if (m > 0)
        return 1;
    if (st->have && st->lay != L_ACCESS)
        return append(st, ctx, s, n, bad, err);
    return aiops_parse_fail(ctx, err, AIOPS_EPARSE,
                            st->have ? "expected an access log line (host ident user [time] "
                                       "\"request\" status bytes), got '%s'"
                                     : "expected a log line starting with a time (RFC 3339, "
                                       "syslog 'Jan  2 15:04:05', access log [02/Jan/2024:"
                                       "15:04:05 +0000], ...), got '%s'",
                            aiops_snip(s, n, sb, sizeof sb));
}

/* A record is complete when the next one starts (or at the end). */
static int textlog_next(void *state, aiops_parse_ctx *ctx, aiops_record *rec, aiops_err *err)
{
    textlog_state *st = state;
    for (;;) {
        char *line, *fixed = NULL;
        size_t len, bad = 0;
        hdr h;
        int rc = aiops_stream_getline(ctx->stream, &line, &len, err);
        if (rc == 0)
            return st->have ? finish(st, ctx, rec, err) : 0;
        if (rc < 0)
            return rc;
        if (skip_blank(line, len, 0) == len)
            continue;
        if (!aiops_utf8_valid(line, len)) {
            if (aiops_obs_utf8_repair(line, len, &fixed, &len, &bad))
                return aiops_parse_fail(ctx, err, AIOPS_ENOMEM, "out of memory");
            line = fixed;
        }
        int emit = 0;
        rc = classify(st, ctx, line, len, bad, &h, err);
        if (rc == 1) {
            emit = st->have;
            rc = emit ? finish(st, ctx, rec, err) : 0;
            if (rc >= 0 && start_record(st, &h, line, len, bad))
                rc = aiops_parse_fail(ctx, err, AIOPS_ENOMEM, "out of memory");
        }
        free(fixed);
        if (rc < 0)
            return rc;
        if (emit)
            return 1;
    }
}

/* ---------------------------------------------------------- interface */

static void textlog_close(void *state)
{
    textlog_state *st = state;
    if (!st)
        return;
    aiops_buf_free(&st->msg);
    free(st);
}

static int textlog_open(void **state, aiops_parse_ctx *ctx, aiops_err *err)
{
    textlog_state *st = calloc(1, sizeof *st);
    *state = NULL;
    if (!st)
        return aiops_parse_fail(ctx, err, AIOPS_ENOMEM, "out of memory");
    st->ref = aiops_stream_mtime(ctx->stream);
    if (st->ref <= 0)
        st->ref = (double)time(NULL);
    /* The file name is the service (dashes kept: "nginx-error.log");
     * stdin has none. */
    aiops_file_stem(aiops_stream_entry(ctx->stream), st->stem, sizeof st->stem);
    if (strcmp(st->stem, "-") == 0)
        st->stem[0] = '\0';
    *state = st;
    return 0;
}

/* "TIME<TAB>LEVEL<TAB>": a zap/console log, not the stream's TSV. */
static int tab_level(const char *s, size_t n, size_t msg)
{
    size_t e = msg;
    while (e < n && s[e] != '\t')
        e++;
    return msg > 0 && s[msg - 1] == '\t' && e < n && aiops_obs_level_name(s + msg, e - msg);
}

/* The stream's TSV sample: TIME<TAB>series<TAB>number and nothing more. */
static int tsv_sample(const char *s, size_t n)
{
    const char *t1 = memchr(s, '\t', n), *t2;
    double v;
    if (!t1 || !(t2 = memchr(t1 + 1, '\t', n - (size_t)(t1 + 1 - s))) ||
        memchr(t2 + 1, '\t', n - (size_t)(t2 + 1 - s)))
        return 0;
    return aiops_parse_double(t2 + 1, n - (size_t)(t2 + 1 - s), &v) == 0;
}

static int textlog_probe(const char *entry, const char *head, size_t n)
{
    static const int score[] = { [L_5424] = 80, [L_SYSLOG] = 75, [L_ACCESS] = 75,
                                 [L_APACHE] = 75, [L_NGINX] = 70, [L_KLOG] = 65, [L_ISO] = 65 };
    size_t p = aiops_jhead_start(head, n);
    const char *nl = memchr(head + p, '\n', n - p);
    size_t len = nl ? (size_t)(nl - head) - p : n - p;
    layout lay = L_NONE;
    hdr h;
    (void)entry;
    if (len && head[p + len - 1] == '\r')
        len--;
    int m = match(&lay, head + p, len, (double)time(NULL), &h);
    if (m < 0)
        return 30;            /* looks like one, with a bad time: say so when parsing */
    if (m == 0 || (lay == L_ISO && tsv_sample(head + p, len)))
        return 0;
    return lay == L_ISO && tab_level(head + p, len, h.msg) ? 85 : score[lay];
}

const aiops_format aiops_fmt_textlog = {
    .name = "textlog",
    .desc = "plain text logs: RFC 3339/syslog/RFC 5424 prefixes, nginx/Apache access and error "
            "logs, klog",
    .ordered = 1,
    .probe = textlog_probe,
    .open = textlog_open,
    .next = textlog_next,
    .close = textlog_close,
};
