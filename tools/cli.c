/* cli.c - option parsing, checking, --help and man page rows from one
 * table (see cli.h). */
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "aiops.h"
#include "common/array.h"
#include "common/limits.h"
#include "common/ofile.h"
#include "cli.h"

#define MAX_OPTS 96

static const char *const out_formats[] = {"ndjson", "tsv", NULL};   /* = aiops_out_format */
static const char *tz_arg;   /* the shared --tz row's dest */
static size_t max_series;    /* the shared --max-series row's dest (0: not given) */
static int strict;           /* the shared --strict row's dest */
static uint64_t lost;        /* records skipped or dropped so far (cli_skipped) */

/* The rows every tool shares (by their letter). */
static const cli_opt shared[] = {
    {'o', "output", "FILE", "write to FILE instead of stdout (.zst => zstd)", CLI_PATH,
     .man = "Write to \\fIFILE\\fR instead of standard output. A name ending in \\fB.zst\\fR\n"
            "is compressed with zstd."},
    {'f', "format", "FMT", "output encoding: ndjson (default) or tsv", CLI_ENUM, .names = out_formats,
     .man = "Output encoding: \\fBndjson\\fR (default) or \\fBtsv\\fR. TSV carries samples. Other\n"
            "records, and series with a tab in a label value, are still written as NDJSON\n"
            "lines. Readers accept the mix."},
    {'v', "verbose", NULL, "say more on stderr", CLI_FLAG, .man = "Say more on standard error."},
    {CLI_TZ_ID, "tz", "ZONE", "zone of times written without one (default: $TZ, else UTC)",
     CLI_STRING, .dest = &tz_arg,
     .man = "The time zone of times written without one (CSV and label times like\n"
            "\\fB2024-03-31 02:30:00\\fR, syslog and other log layouts without a zone): an\n"
            "IANA name of the system zoneinfo (\\fB/usr/share/zoneinfo\\fR, or \\fB$TZDIR\\fR),\n"
            "e.g. \\fBEurope/Berlin\\fR, or \\fBUTC\\fR. Without it the \\fBTZ\\fR environment\n"
            "variable names the zone, and without that it is UTC. An unknown name is a\n"
            "usage error. Times with a zone (\\fBZ\\fR, \\fB+02:00\\fR) and epoch numbers are\n"
            "never affected. A wall-clock time that occurs twice when clocks are set back\n"
            "is the earlier instant; one that does not exist when they are set forward\n"
            "is read with the offset before the change (02:30 in a 02:00\\(en03:00 gap is\n"
            "03:30 after it)."},
    {CLI_FROM_ID, "from", "TIME", "drop records before TIME (RFC 3339 or epoch seconds)", CLI_TIME,
     .man = "Drop records before \\fITIME\\fR (RFC 3339, or epoch seconds)."},
    {CLI_TO_ID, "to", "TIME", "drop records at or after TIME", CLI_TIME,
     .man = "Drop records at or after \\fITIME\\fR; it must be later than \\fB\\-\\-from\\fR."},
    {CLI_MAX_SERIES_ID, "max-series", "N", "distinct series a run may hold (10000000; $AIOPS_MAX_SERIES)",
     CLI_SIZE, .dest = &max_series,
     .man = "Stop with an error (exit status 2) when the input holds more than \\fIN\\fR distinct\n"
            "series (default 10000000, or \\fB$AIOPS_MAX_SERIES\\fR): memory grows with the\n"
            "series, so a label with a unique value per sample ends the run early instead\n"
            "of exhausting memory. See \\fBdocs/SECURITY.md\\fR for every limit."},
    {CLI_STRICT_ID, "strict", NULL, "exit 2 if any record was skipped or dropped", CLI_FLAG,
     .dest = &strict,
     .man = "Exit with status 2 when any record was skipped or dropped: malformed\n"
            "records skipped on request, samples with the series and time of an\n"
            "earlier one but another value, and records the tool itself could not use\n"
            "(each is counted on standard error at the end, with the reason). Files in\n"
            "directories and archives that no format recognises are errors instead of\n"
            "being skipped. Repeated samples (same series, time and value) lose nothing\n"
            "and are only counted."},
    {'h', "help", NULL, "show this help and exit", CLI_HELP, .man = "Show the options and exit."},
    {'V', "version", NULL, "show the version and exit", CLI_VERSION,
     .man = "Show the version and exit."},
};

/* Row o with a shared row's fields filled in. */
static cli_opt resolve(const cli_opt *o)
{
    if (!o->common)
        return *o;
    cli_opt r = {0};
    for (size_t i = 0; i < sizeof shared / sizeof shared[0]; i++)
        if (shared[i].id == o->id)
            r = shared[i];
    if (o->help)
        r.help = o->help;
    if (o->man)
        r.man = o->man;
    if (o->dest)
        r.dest = o->dest;
    return r;
}

/* "ndjson or tsv", "1, 3 or 5" */
static void fmt_names(const char *const *names, char *buf, size_t size)
{
    size_t n = 0, k = 0;
    while (names[n])
        n++;
    buf[0] = '\0';
    for (size_t i = 0; i < n && k < size; i++)
        k += (size_t)snprintf(buf + k, size - k, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ",
                              names[i]);
}

/* What an argument of o must look like: "a number in (0, 400]". */
static void fmt_expected(const cli_opt *o, char *buf, size_t size)
{
    const char *noun = o->type == CLI_INT ? "a whole number" : o->type == CLI_DURATION ? "a duration" : "a number";
    const char *unit = o->type == CLI_DURATION ? "s" : "";
    char range[80] = "";
    if ((o->range & (CLI_GE | CLI_GT)) && (o->range & CLI_LE))
        snprintf(range, sizeof range, " in %c%g%s, %g%s]", o->range & CLI_GT ? '(' : '[', o->lo, unit,
                 o->hi, unit);
    else if (o->range & (CLI_GE | CLI_GT))
        snprintf(range, sizeof range, " %s %g%s", o->range & CLI_GT ? ">" : ">=", o->lo, unit);
    else if (o->range & CLI_LE)
        snprintf(range, sizeof range, " <= %g%s", o->hi, unit);
    switch (o->type) {
    case CLI_SIZE: snprintf(buf, size, "a positive whole number"); break;
    case CLI_TIME: snprintf(buf, size, "RFC 3339 time or epoch seconds"); break;
    case CLI_ENUM: fmt_names(o->names, buf, size); break;
    case CLI_DURATION: snprintf(buf, size, "%s%s like 90s, 5m, 14d", noun, range); break;
    default: snprintf(buf, size, "%s%s", noun, range);
    }
}

static int in_range(const cli_opt *o, double v)
{
    if (o->type == CLI_DURATION && !(v >= 0))
        return 0;
    if ((o->range & CLI_GE) && !(v >= o->lo))
        return 0;
    if ((o->range & CLI_GT) && !(v > o->lo))
        return 0;
    return !(o->range & CLI_LE) || v <= o->hi;
}

int cli_parse_arg(const cli_opt *o, const char *s, double *num, int64_t *whole, char *msg,
                  size_t msgsize)
{
    size_t n = strlen(s);
    int bad = 0;
    *num = 0;
    *whole = 0;
    switch (o->type) {
    case CLI_INT:
    case CLI_SIZE:
        bad = aiops_parse_int64(s, n, whole) ||
              (o->type == CLI_SIZE ? *whole <= 0 : !in_range(o, (double)*whole));
        break;
    case CLI_NUMBER: bad = aiops_parse_double(s, n, num) || !in_range(o, *num); break;
    case CLI_DURATION: bad = aiops_parse_duration(s, n, num) || !in_range(o, *num); break;
    case CLI_TIME: bad = aiops_parse_time(s, n, num); break;
    case CLI_ENUM:
        bad = 1;
        for (int64_t i = 0; o->names[i] && bad; i++)
            if (!strcmp(o->names[i], s)) {
                *whole = o->values ? o->values[i] : i;
                bad = 0;
            }
        break;
    default: break;
    }
    if (bad) {
        char want[200];
        fmt_expected(o, want, sizeof want);
        snprintf(msg, msgsize, "--%s: expected %s, got '%s'", o->lng, want, s);
        return -1;
    }
    return 0;
}

static void store(cli *c, const cli_opt *o, const char *a)
{
    switch (o->type) {
    case CLI_FLAG: *(int *)o->dest = 1; break;
    case CLI_STRING:
    case CLI_PATH: *(const char **)o->dest = a; break;
    case CLI_LIST: {
        cli_list *l = o->dest;
        if (AIOPS_GROW(l->v, l->cap, l->n + 2))
            cli_die_usage(c, "out of memory");
        l->v[l->n++] = a;
        l->v[l->n] = NULL;
        break;
    }
    case CLI_INT: *(int64_t *)o->dest = c->whole; break;
    case CLI_SIZE: *(size_t *)o->dest = (size_t)c->whole; break;
    case CLI_ENUM: *(int *)o->dest = (int)c->whole; break;
    case CLI_NUMBER:
    case CLI_DURATION:
    case CLI_TIME: *(double *)o->dest = c->num; break;
    default: break;
    }
}

/* Before the options are checked: when the table has the --tz row, the
 * zone from --tz (the last one), else $TZ, else UTC.  Skipped for -h and
 * -V, and left to the real pass when an option is malformed. */
static void set_zone(cli *c, const char *so, const struct option *lo)
{
    const char *z = NULL;
    int has = 0, info = 0;
    for (const cli_opt *o = c->opts; o->id; o++)
        has |= o->id == CLI_TZ_ID;
    if (!has)
        return;
    optind = 0;
    opterr = 0;
    for (int r; (r = getopt_long(c->argc, c->argv, so, lo, NULL)) != -1;) {
        if (r == CLI_TZ_ID)
            z = optarg;
        info |= r == 'h' || r == 'V';
    }
    if (info)
        return;
    const char *env = getenv("TZ");
    aiops_err err = {0};
    if (aiops_time_zone_set(z ? z : env, &err) < 0)
        cli_die_usage(c, "%s: %s", z ? "--tz" : "TZ (environment)", err.msg);
}

/* SIGINT, SIGTERM, SIGHUP and SIGPIPE: remove the temporary files of
 * unfinished outputs (common/ofile.h), then die of the signal as before
 * (a closed pipe still ends the tool quietly with status 141). */
static void on_signal(int sig)
{
    aiops_tmp_cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void catch_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa = {0};
        struct sigaction old;
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;            /* nohup and friends: stay ignored */
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
}

/* The shared --from and --to rows: [from, to) must not be empty. */
static void check_range(const cli *c)
{
    const double *from = NULL, *to = NULL;
    for (const cli_opt *o = c->opts; o->id; o++) {
        if (o->common && o->id == CLI_FROM_ID)
            from = o->dest;
        if (o->common && o->id == CLI_TO_ID)
            to = o->dest;
    }
    if (from && to && !(*from < *to))
        cli_die_usage(c, "--from must be before --to (nothing is in [from, to))");
}

int cli_next(cli *c)
{
    struct option lo[MAX_OPTS + 1];
    const cli_opt *row[MAX_OPTS];
    char so[3 * MAX_OPTS + 2];
    size_t n = 0, k = 0;
    if (!c->optind && c->argc == 2 && !strcmp(c->argv[1], "--help-man")) {
        cli_man(c, stdout);
        exit(0);
    }
    so[k++] = ':';
    for (const cli_opt *o = c->opts; o->id; o++) {
        cli_opt r = resolve(o);
        if (n == MAX_OPTS) {
            fprintf(stderr, "%s: more than %d options\n", c->prog, MAX_OPTS);
            exit(2);
        }
        if (r.type == CLI_TEXT)
            continue;
        int arg = r.type != CLI_FLAG && r.type != CLI_HELP && r.type != CLI_VERSION;
        row[n] = o;
        lo[n++] = (struct option){r.lng, arg ? required_argument : no_argument, NULL, o->id};
        if (o->id < 128) {
            so[k++] = (char)o->id;
            if (arg)
                so[k++] = ':';
        }
    }
    lo[n] = (struct option){0, 0, 0, 0};
    so[k] = '\0';
    if (!c->optind) {
        aiops_err lerr = {0};
        catch_signals();
        set_zone(c, so, lo);
        if (aiops_limits_load(&lerr) < 0)
            cli_die_usage(c, "%s", lerr.msg);
    }
    for (;;) {
        int li = -1;
        optind = c->optind ? c->optind : 0;   /* 0: getopt starts over (new argv) */
        opterr = 0;
        int r = getopt_long(c->argc, c->argv, so, lo, &li);
        c->optind = optind;
        c->optarg = optarg;
        if (r == -1) {
            check_range(c);
            if (max_series)
                aiops_limit_set(AIOPS_LIM_SERIES, max_series);
            return -1;
        }
        if (r == '?' || r == ':') {
            const char *bad = c->argv[optind - 1];
            if (r == ':')
                fprintf(stderr, "%s: option '%s' needs an argument\n", c->prog, bad);
            else
                fprintf(stderr, "%s: unknown option '%s'\n", c->prog, bad);
            fprintf(stderr, "Try '%s --help' for more information.\n", c->prog);
            exit(2);
        }
        const cli_opt *o = NULL;
        for (size_t i = 0; i < n && !o; i++)
            if (li >= 0 ? i == (size_t)li : row[i]->id == r)
                o = row[i];
        c->cur = resolve(o);
        c->opt = &c->cur;
        if (c->cur.type == CLI_HELP) {
            cli_help(c, stdout);
            exit(0);
        }
        if (c->cur.type == CLI_VERSION) {
            printf("%s %s\n", c->prog, AIOPS_VERSION);
            exit(0);
        }
        char msg[1200];
        if (cli_parse_arg(&c->cur, c->optarg ? c->optarg : "", &c->num, &c->whole, msg, sizeof msg))
            cli_die_usage(c, "%s", msg);
        if (!c->cur.dest)
            return r;
        store(c, &c->cur, c->optarg);
    }
}

static void left_column(const cli_opt *o, char *buf, size_t size)
{
    if (o->id < 128)
        snprintf(buf, size, "-%c, --%s%s%s", o->id, o->lng, o->arg ? " " : "", o->arg ? o->arg : "");
    else
        snprintf(buf, size, "    --%s%s%s", o->lng, o->arg ? " " : "", o->arg ? o->arg : "");
}

void cli_help(const cli *c, FILE *f)
{
    fprintf(f, "Usage: %s %s\n%s\n\nOptions:\n", c->prog, c->usage, c->about);
    for (const cli_opt *p = c->opts; p->id; p++) {
        cli_opt o = resolve(p);
        if (o.type == CLI_TEXT)
            continue;
        char left[64];
        left_column(&o, left, sizeof left);
        fprintf(f, "  %-28s %s\n", left, o.help);
    }
    if (c->footer)
        fprintf(f, "\n%s", c->footer);
}

/* .TP
 * .BR \-o ", " \-\-output " " \fIFILE\fR     (or .BI \-\-from " TIME", .B \-\-stats)
 * the man text, or the help line as a sentence */
void cli_man(const cli *c, FILE *f)
{
    for (const cli_opt *p = c->opts; p->id; p++) {
        cli_opt o = resolve(p);
        if (o.type == CLI_TEXT) {
            fprintf(f, "%s\n", o.man);
            continue;
        }
        fprintf(f, ".TP\n");
        if (o.id < 128 && o.arg)
            fprintf(f, ".BR \\-%c \", \" \\-\\-%s \" \" \\fI%s\\fR\n", o.id, o.lng, o.arg);
        else if (o.id < 128)
            fprintf(f, ".BR \\-%c \", \" \\-\\-%s\n", o.id, o.lng);
        else if (o.arg)
            fprintf(f, ".BI \\-\\-%s \" %s\"\n", o.lng, o.arg);
        else
            fprintf(f, ".B \\-\\-%s\n", o.lng);
        if (o.man)
            fprintf(f, "%s\n", o.man);
        else
            fprintf(f, "%c%s.\n", o.help[0] >= 'a' && o.help[0] <= 'z' ? o.help[0] - 'a' + 'A' : o.help[0],
                    o.help + 1);
    }
}

const char *const *cli_inputs(const cli *c, size_t *n)
{
    static const char *const stdin_only[] = {"-", NULL};
    if (c->optind >= c->argc) {
        *n = 1;
        return stdin_only;
    }
    *n = (size_t)(c->argc - c->optind);
    return (const char *const *)c->argv + c->optind;
}

void cli_error(const cli *c, const aiops_err *err)
{
    char buf[1200];
    fprintf(stderr, "%s: %s\n", c->prog, aiops_err_str(err, buf, sizeof buf));
}

void cli_die_usage(const cli *c, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", c->prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", c->prog);
    exit(2);
}

int cli_write(const char *path, const char *text, aiops_err *err)
{
    size_t n = strlen(text);
    char *t = malloc(n + 2);
    if (!t)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    memcpy(t, text, n);
    if (!n || t[n - 1] != '\n')
        t[n++] = '\n';
    int rc = aiops_ofile_save(path, t, n, err);
    free(t);
    return rc;
}

/* ---- reading inputs: what every tool says about them */

static void warn_stderr(void *ctx, const char *msg)
{
    fprintf(stderr, "%s: warning: %s\n", (const char *)ctx, msg);
}

int cli_reader_new(const cli *c, aiops_reader **rd, const char *const *paths, size_t n,
                   aiops_series_table *tab, aiops_reader_opts *ro, aiops_err *err)
{
    ro->warn = warn_stderr;
    ro->warn_ctx = (void *)c->prog;
    if (strict)
        ro->strict = 1;
    /* limits not given as options: $AIOPS_MAX_*, else the defaults */
    if (!ro->max_line)
        ro->max_line = (size_t)aiops_limit(AIOPS_LIM_LINE);
    if (!ro->max_doc)
        ro->max_doc = (size_t)aiops_limit(AIOPS_LIM_DOC);
    if (!ro->max_buffer)
        ro->max_buffer = (size_t)aiops_limit(AIOPS_LIM_BUFFER);
    if (!ro->max_open)
        ro->max_open = (size_t)aiops_limit(AIOPS_LIM_OPEN);
    return aiops_reader_new(rd, paths, n, tab, ro, err);
}

void cli_reader_locate(aiops_reader *rd, aiops_err *err)
{
    const char *file;
    long line;
    if (err->file[0] || !rd)
        return;
    aiops_reader_where(rd, &file, &line);
    aiops_err_locate(err, file, line);
}

void cli_reader_report(const cli *c, const aiops_reader *rd)
{
    uint64_t dups, conflicts;
    const char *example;
    const aiops_err *first;
    if (!rd)
        return;
    aiops_reader_duplicates(rd, &dups, &conflicts, &example);
    if (dups)
        fprintf(stderr, "%s: dropped %llu duplicate sample%s (same series, time and value as an "
                "earlier one)\n", c->prog, (unsigned long long)dups, dups == 1 ? "" : "s");
    if (conflicts)
        fprintf(stderr, "%s: warning: %llu sample%s had the series and time of an earlier one "
                "but another value; the earlier was kept, e.g. %s\n", c->prog,
                (unsigned long long)conflicts, conflicts == 1 ? "" : "s", example);
    uint64_t skipped = aiops_reader_skipped(rd, &first);
    lost += conflicts + skipped;    /* unrecognised files: named as found; --strict fails on them */
    if (skipped) {
        char buf[1200];
        fprintf(stderr, "%s: skipped %llu malformed record%s; the first: %s\n", c->prog,
                (unsigned long long)skipped, skipped == 1 ? "" : "s",
                aiops_err_str(first, buf, sizeof buf));
    }
}

void cli_skipped(const cli *c, uint64_t n, const char *why, ...)
{
    va_list ap;
    if (!n)
        return;
    lost += n;
    fprintf(stderr, "%s: skipped %llu ", c->prog, (unsigned long long)n);
    va_start(ap, why);
    vfprintf(stderr, why, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_status(const cli *c, int status)
{
    if (!strict || !lost)
        return status;
    fprintf(stderr, "%s: --strict: %llu record%s skipped or dropped (counted above)\n", c->prog,
            (unsigned long long)lost, lost == 1 ? " was" : "s were");
    return 2;
}

int cli_read_all(const cli *c, const char *const *paths, size_t n, aiops_series_table *tab,
                 aiops_reader_opts *ro, cli_each_fn each, void *ctx, aiops_err *err)
{
    aiops_reader *rd = NULL;
    aiops_reader_opts dflt = {0};
    aiops_record r;
    int rc = cli_reader_new(c, &rd, paths, n, tab, ro ? ro : &dflt, err);
    while (!rc && (rc = aiops_reader_next(rd, &r, err)) == 1) {
        rc = each(ctx, &r, err);
        if (rc < 0)
            cli_reader_locate(rd, err);    /* say which record it was */
        aiops_record_clear(&r);
    }
    cli_reader_report(c, rd);
    aiops_reader_free(rd);
    return rc < 0 ? rc : 0;
}
