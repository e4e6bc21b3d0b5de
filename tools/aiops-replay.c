/* aiops-replay - replay metric dumps as one time-ordered record stream. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aiops.h"
#include "formats/alerts/alerts.h"
#include "cli.h"

enum { O_FROM = 256, O_TO, O_SPEED, O_STATS, O_WINDOW, O_MAXBUF, O_MAXOPEN, O_LIST, O_MAXLINE,
       O_SKIPBAD, O_SERVICE, O_MAP, O_MEMBERS, O_ALERTS };

static const cli_opt opts[] = {
    {'o', "output", "FILE", "write to FILE instead of stdout (.zst => zstd)"},
    {'f', "format", "FMT", "output encoding: ndjson (default) or tsv"},
    {'z', "zstd", NULL, "compress the output with zstd"},
    {'I', "input-format", "NAME", "force the input format (default: detect per file)"},
    {'m', "match", "SELECTOR", "keep series (and labelled logs/alerts) matching a selector, e.g. 'up{job=~\"api|web\"}' (repeatable: any)"},
    {'t', "types", "LIST", "keep only these record types, e.g. sample,log,span"},
    {O_FROM, "from", "TIME", "drop records before TIME (RFC 3339 or epoch seconds)"},
    {O_TO, "to", "TIME", "drop records at or after TIME"},
    {O_SPEED, "speed", "N", "pace output at N x real time (default: as fast as possible)"},
    {O_STATS, "stats", NULL, "print per-series sample counts to stderr at the end"},
    {O_SKIPBAD, "skip-bad", NULL, "skip malformed records, count them and report at the end"},
    {O_MEMBERS, "members", "GLOB", "read only archive members / files in directories matching GLOB (repeatable)"},
    {O_SERVICE, "service", "NAME", "service of plain text log files (default: from the file name)"},
    {O_MAP, "map", "COLS", "column mapping for table exports, e.g. ts=event_time,value=val,series=metric"},
    {O_WINDOW, "reorder-window", "N", "records each time-ordered file may be out of order by (4096)"},
    {O_MAXBUF, "max-buffer", "N", "units held to sort unordered input: sample 1, JSON record 22 (8388608)"},
    {O_MAXOPEN, "max-open", "N", "files/archive members merged at once (512)"},
    {O_MAXLINE, "max-line", "BYTES", "longest accepted input line (67108864)"},
    {O_ALERTS, "alerts-from-series", NULL, "also turn Prometheus ALERTS{...} samples into alert records"},
    {O_LIST, "list-formats", NULL, "list the input formats and exit"},
    {'h', "help", NULL, "show this help and exit"},
    {'V', "version", NULL, "show the version and exit"},
    {0, NULL, NULL, NULL},
};

typedef struct cfg {
    const char *out, *force;
    aiops_out_format fmt;
    int zstd, stats, alerts_from_series;
    int types[AIOPS_R__COUNT];   /* --types: 1 = keep; all 0 = keep everything */
    int have_types;
    double from, to, speed;
    aiops_match *match;
    const char **members;
    size_t nmembers;
    aiops_reader_opts ro;
} cfg;

static void list_formats(void)
{
    const aiops_format *const *f = aiops_formats();
    for (size_t i = 0; f[i]; i++)
        printf("%-12s %s\n", f[i]->name, f[i]->desc);
}

static void parse_types(cli *c, cfg *g, const char *list)
{
    g->have_types = 1;
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, ",");
        aiops_rtype t = aiops_rtype_from_name(p, n);
        if (t == AIOPS_R_OTHER)
            cli_die_usage(c, "--types: unknown record type '%.*s' (sample, log, span, event, alert, ...)",
                          (int)n, p);
        g->types[t] = 1;
        p += n + (p[n] == ',');
    }
}

static void parse_args(cli *c, cfg *g)
{
    int id;
    while ((id = cli_next(c)) != -1) {
        const char *a = c->optarg;
        aiops_err err = {0};
        switch (id) {
        case 'o': g->out = a; break;
        case 'f':
            if (!strcmp(a, "ndjson")) g->fmt = AIOPS_OUT_NDJSON;
            else if (!strcmp(a, "tsv")) g->fmt = AIOPS_OUT_TSV;
            else cli_die_usage(c, "--format: expected ndjson or tsv, got '%s'", a);
            break;
        case 'z': g->zstd = 1; break;
        case 'I':
            if (!aiops_format_find(a))
                cli_die_usage(c, "--input-format: unknown format '%s' (see --list-formats)", a);
            g->ro.force_format = a;
            break;
        case 'm':
            if (aiops_match_add(g->match, a, &err))
                cli_die_usage(c, "--match: %s", err.msg);
            break;
        case O_FROM: g->from = cli_time(c, "from", a); break;
        case O_TO: g->to = cli_time(c, "to", a); break;
        case O_SPEED:
            g->speed = cli_double(c, "speed", a);
            if (!(g->speed > 0))
                cli_die_usage(c, "--speed: expected a number > 0, got '%s'", a);
            break;
        case O_STATS: g->stats = 1; break;
        case O_SKIPBAD: g->ro.skip_bad = 1; break;
        case O_ALERTS: g->alerts_from_series = 1; break;
        case O_SERVICE: g->ro.service = a; break;
        case O_MAP: g->ro.column_map = a; break;
        case O_MEMBERS: {
            const char **nm = realloc(g->members, (g->nmembers + 2) * sizeof *nm);
            if (!nm)
                cli_die_usage(c, "out of memory");
            nm[g->nmembers++] = a;
            nm[g->nmembers] = NULL;
            g->members = nm;
            g->ro.members = nm;
            break;
        }
        case 't': parse_types(c, g, a); break;
        case O_WINDOW: g->ro.reorder_window = cli_size(c, "reorder-window", a); break;
        case O_MAXBUF: g->ro.max_buffer = cli_size(c, "max-buffer", a); break;
        case O_MAXOPEN: g->ro.max_open = cli_size(c, "max-open", a); break;
        case O_MAXLINE: g->ro.max_line = cli_size(c, "max-line", a); break;
        case O_LIST: list_formats(); exit(0);
        case 'h': cli_help(c, stdout); exit(0);
        case 'V': printf("aiops-replay %s\n", AIOPS_VERSION); exit(0);
        default: exit(2);
        }
    }
}

static double now_mono(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* --speed: sleep until the wall clock catches up with the stream clock. */
static int pace(const cfg *g, double ts, aiops_writer *w, aiops_err *err)
{
    static double t0, w0;
    static int init;
    if (!init) {
        init = 1;
        t0 = ts;
        w0 = now_mono();
        return 0;
    }
    double wait = (ts - t0) / g->speed - (now_mono() - w0);
    if (wait > 0.001) {
        int rc = aiops_writer_flush(w, err);
        if (rc)
            return rc;
        struct timespec d = {(time_t)wait, (long)((wait - floor(wait)) * 1e9)};
        while (nanosleep(&d, &d) != 0 && errno == EINTR)
            ;
    }
    return 0;
}

static void print_stats(aiops_series_table *tab, uint64_t *by_type, uint64_t total)
{
    size_t n = aiops_series_table_count(tab);
    fprintf(stderr, "%-12s %s\n", "samples", "series");
    for (size_t i = 0; i < n; i++) {
        aiops_series *s = aiops_series_get(tab, (uint32_t)i);
        if (s->count)
            fprintf(stderr, "%-12llu %s\n", (unsigned long long)s->count, s->text);
    }
    for (int t = 0; t < AIOPS_R__COUNT; t++)
        if (by_type[t])
            fprintf(stderr, "%-12llu (%s records)\n", (unsigned long long)by_type[t],
                    aiops_rtype_name((aiops_rtype)t));
    fprintf(stderr, "%-12llu (records written)\n", (unsigned long long)total);
}

/* Output side: filters, pacing, counts, the writer. */
typedef struct out {
    const cfg *g;
    aiops_series_table *tab;
    aiops_writer *w;
    uint64_t by_type[AIOPS_R__COUNT], total;
} out;

/* Write r if it passes the filters; always consumes r. */
static int emit(out *o, aiops_record *r, aiops_err *err)
{
    const cfg *g = o->g;
    int rc = 0, keep = r->ts >= g->from && r->ts < g->to && (!g->have_types || g->types[r->type]);
    aiops_series *s = r->type == AIOPS_R_SAMPLE ? aiops_series_get(o->tab, r->sid) : NULL;
    keep = keep && aiops_match_record(g->match, o->tab, r);
    if (keep) {
        if (g->speed)
            rc = pace(g, r->ts, o->w, err);
        if (!rc)
            rc = aiops_writer_write(o->w, r, err);
        if (s)
            s->count++;
        o->by_type[r->type]++;
        o->total++;
    }
    aiops_record_clear(r);
    return rc;
}

/* --alerts-from-series: records go through the ALERTS transform first. */
static int emit_via(out *o, aiops_alerts_series *as, aiops_reader *rd, aiops_record *r,
                    aiops_err *err)
{
    if (!as)
        return emit(o, r, err);
    int rc = aiops_alerts_series_push(as, r, err);
    if (rc < 0 && !err->file[0]) {
        const char *file;
        long line;
        aiops_reader_where(rd, &file, &line);
        aiops_err_locate(err, file, line);
    }
    aiops_record x;
    while (!rc && aiops_alerts_series_pop(as, &x) == 1)
        rc = emit(o, &x, err);
    return rc;
}

static int run(const cfg *g, const char *const *paths, size_t npaths, aiops_err *err)
{
    out o = {.g = g};
    aiops_reader *rd = NULL;
    aiops_alerts_series *as = NULL;
    uint64_t seen = 0;
    o.tab = aiops_series_table_new();
    int rc = o.tab ? 0 : aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (!rc)
        rc = aiops_reader_new(&rd, paths, npaths, o.tab, &g->ro, err);
    if (!rc)
        rc = aiops_writer_new(&o.w, g->out, g->fmt, g->zstd, o.tab, err);
    if (!rc && g->alerts_from_series)
        rc = aiops_alerts_series_new(&as, o.tab, 0, 1, err);
    int tty = isatty(2) && !g->speed;
    double last_progress = tty ? now_mono() : 0;
    aiops_record r;
    while (!rc && (rc = aiops_reader_next(rd, &r, err)) == 1) {
        seen++;
        rc = emit_via(&o, as, rd, &r, err);
        if (tty && (seen & 0xffff) == 0 && now_mono() - last_progress > 1) {
            last_progress = now_mono();
            fprintf(stderr, "\raiops-replay: %llu records read, %llu written",
                    (unsigned long long)seen, (unsigned long long)o.total);
        }
    }
    if (!rc && as && !(rc = aiops_alerts_series_finish(as, err)))
        while (!rc && aiops_alerts_series_pop(as, &r) == 1)
            rc = emit(&o, &r, err);
    if (tty && seen > 0xffff)
        fprintf(stderr, "\n");
    int crc = aiops_writer_close(o.w, rc ? NULL : err);
    if (!rc)
        rc = crc;
    if (g->stats && !rc)
        print_stats(o.tab, o.by_type, o.total);
    const aiops_err *first;
    uint64_t skipped = rd ? aiops_reader_skipped(rd, &first) : 0;
    if (skipped) {
        char buf[1200];
        fprintf(stderr, "aiops-replay: skipped %llu malformed record%s; the first: %s\n",
                (unsigned long long)skipped, skipped == 1 ? "" : "s",
                aiops_err_str(first, buf, sizeof buf));
    }
    aiops_alerts_series_free(as);
    aiops_reader_free(rd);
    aiops_series_table_free(o.tab);
    return rc;
}

int main(int argc, char **argv)
{
    cli c = {
        .prog = "aiops-replay",
        .usage = "[OPTION]... [FILE|DIR|ARCHIVE|-]...",
        .about = "Replay what an observability stack saved (metric dumps, logs, traces,\n"
                 "Kubernetes and deploy events, alerts, Kafka and ClickHouse exports) as one\n"
                 "time-ordered record stream.  Inputs may be files, directories, archives\n"
                 "(.tar, .tar.gz, .tar.zst, .zip) and .gz/.zst files; '-' or no input reads\n"
                 "stdin.  The format of each file is detected (see --list-formats).",
        .opts = opts,
        .footer = "Exit status: 0 ok, 2 usage or input error (FILE:LINE: message on stderr).\n"
                  "See aiops-replay(1) and docs/FORMAT.md.\n",
        .argc = argc,
        .argv = argv,
    };
    cfg g = {.from = -INFINITY, .to = INFINITY, .match = aiops_match_new()};
    if (!g.match)
        return 2;
    parse_args(&c, &g);
    const char *const stdin_only[] = {"-"};
    const char *const *paths = (const char *const *)argv + c.optind;
    size_t npaths = (size_t)(argc - c.optind);
    if (npaths == 0) {
        paths = stdin_only;
        npaths = 1;
    }
    aiops_err err = {0};
    int rc = run(&g, paths, npaths, &err);
    aiops_match_free(g.match);
    free(g.members);
    if (rc) {
        char buf[1200];
        fprintf(stderr, "aiops-replay: %s\n", aiops_err_str(&err, buf, sizeof buf));
        return 2;
    }
    return 0;
}
