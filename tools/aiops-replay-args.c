/* aiops-replay-args.c - aiops-replay's option table (the source of --help and
 * the man page's OPTIONS) and what each option does to the settings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aiops-replay.h"

enum { O_LIST = CLI_LONG + 1, O_SHARD };

static void list_formats(void)
{
    const char *name, *desc;
    for (size_t i = 0; (name = aiops_format_info(i, &desc)); i++)
        printf("%-12s %s\n", name, desc);
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

void replay_parse_args(cli *c, cfg *g)
{
    aiops_reader_opts *ro = &g->ro;
    const cli_opt opts[] = {
        CLI_OUTPUT(&g->out),
        CLI_FORMAT(&g->fmt),
        {'z', "zstd", NULL, "compress the output with zstd", CLI_FLAG, .dest = &g->zstd,
         .man = "Compress the output with zstd."},
        {'I', "input-format", "NAME", "force the input format (default: detect per file)", CLI_STRING,
         .man = "Do not detect the input format: read every input as \\fINAME\\fR\n"
                "(\\fBndjson\\fR and \\fBtsv\\fR are aliases of \\fBstream\\fR, \\fBopenmetrics\\fR of \\fBprom-text\\fR)."},
        {'m', "match", "SELECTOR", "keep records matching a selector, e.g. 'up{job=~\"api|web\"}' (repeatable: any)",
         CLI_STRING,
         .man = "Keep only records matching a Prometheus-style selector, e.g.\n"
                "\\fBhttp_requests_total{code=~\"5\\\\d\\\\d\",job!=\"batch\"}\\fR. Operators: \\fB=\\fR,\n"
                "\\fB!=\\fR, \\fB=~\\fR, \\fB!~\\fR. Regexes are RE2 syntax, fully anchored as in\n"
                "PromQL; what POSIX regexes cannot express (backreferences, lookarounds,\n"
                "\\fB\\\\b\\fR) is an error. An absent label counts as the empty string. The\n"
                "option may be repeated: a record is kept if any selector matches. Logs, spans,\n"
                "events, alerts, bands and anomalies are matched by their labels, fields and\n"
                "attributes (docs/FORMAT.md, \"Selectors\"); other records are not filtered."},
        {'t', "types", "LIST", "keep only these record types, e.g. sample,log,span", CLI_STRING,
         .man = "Keep only records of these types, a comma-separated list such as\n"
                "\\fBsample,log,span\\fR (see docs/FORMAT.md for the types)."},
        CLI_FROM(&g->from),
        CLI_TO(&g->to),
        {O_SHARD, "shard", "K/N", "keep only shard K of N (0 <= K < N): series by hash, other records in 0",
         CLI_STRING,
         .man = "Keep only shard \\fIK\\fR of \\fIN\\fR, counting from 0 (\\fB0/4\\fR .. \\fB3/4\\fR),\n"
                "so that \\fIN\\fR processes share a stream with no coordination. A sample\n"
                "belongs to the shard given by a hash of its series' canonical text (the\n"
                "same on every machine, whatever the input order); every other record (log,\n"
                "span, event, alert, ...) belongs to shard 0. The \\fIN\\fR outputs together\n"
                "hold every record exactly once; \\fBaiops-replay\\fR of them all merges them\n"
                "back in time order. Samples of Prometheus \\fBALERTS\\fR series are sharded\n"
                "before \\fB\\-\\-alerts-from-series\\fR turns them into alerts. See docs/SCALE.md."},
        {CLI_LONG, "follow", NULL, "read one live input as it grows (stdin, a pipe, or a file like tail -f)",
         CLI_FLAG, .dest = &g->follow,
         .man = "Read one input as it arrives and write each record as soon as it is due:\n"
                "standard input (\\fB\\-\\fR, e.g. \\fBkcat \\-C \\-t metrics \\-o end \\-J |\n"
                "aiops-replay \\-\\-follow \\-\\fR), a FIFO, or a plain file, which is then read\n"
                "on as it grows, like \\fBtail \\-f\\fR (the run ends when killed; a file that\n"
                "is truncated or replaced is not noticed). There is no whole-input\n"
                "reordering: a record is held at most \\fB\\-\\-follow-delay\\fR of wall-clock time\n"
                "(or until \\fB\\-\\-reorder-window\\fR records are held), so records that\n"
                "arrive up to that late are still put in time order, and the output is\n"
                "flushed whenever the input pauses. A record that comes later than that,\n"
                "older than one already written, is an error; with \\fB\\-\\-skip-bad\\fR it is\n"
                "skipped and counted. Formats read whole (those not in time order) are read\n"
                "to the end first. Archives, compressed files and more than one input cannot\n"
                "be followed. See docs/SCALE.md."},
        {CLI_LONG, "follow-delay", "DURATION", "with --follow: longest a record waits for earlier ones (200ms)",
         CLI_DURATION, .dest = &g->follow_delay, .range = CLI_GT, .lo = 0,
         .man = "With \\fB\\-\\-follow\\fR: the longest a record is held, in wall-clock time, for\n"
                "records older than it that arrive later (default 200ms). It bounds the\n"
                "latency that replay adds."},
        {CLI_LONG, "speed", "N", "pace output at N x real time (default: as fast as possible)", CLI_NUMBER,
         .dest = &g->speed, .range = CLI_GT, .lo = 0,
         .man = "Pace the output at \\fIN\\fR times real time (the gap between two records'\n"
                "timestamps, divided by \\fIN\\fR). This gives live-like demos. By default\n"
                "records are written as fast as possible."},
        {CLI_LONG, "stats", NULL, "print per-series sample counts to stderr at the end", CLI_FLAG, .dest = &g->stats,
         .man = "At the end, print the number of samples of each series, the count of each\n"
                "record type and the total written to standard error."},
        {CLI_LONG, "skip-bad", NULL, "skip malformed records, count them and report at the end", CLI_FLAG,
         .dest = &ro->skip_bad,
         .man = "Do not stop at a malformed record: skip it, count it, and at the end report\n"
                "how many were skipped and the first error on standard error (exit status 0).\n"
                "The count is what was dropped. A record is one line of a line-based format,\n"
                "and one record inside a document (a sample of Prometheus API JSON, an alert,\n"
                "a span, an event, a log hit): the records around it still come out. A line\n"
                "that carries many samples (VictoriaMetrics export) counts as one record when\n"
                "it cannot be read at all (none of its samples is written); a bad value or\n"
                "timestamp in a good line drops that one sample and counts as one. A document\n"
                "that cannot be read at all (not JSON), or the rest of a file past a line\n"
                "longer than \\fB\\-\\-max-line\\fR, counts as one."},
        {CLI_LONG, "members", "GLOB", "read only archive members / files in directories matching GLOB (repeatable)",
         CLI_LIST, .dest = &g->members,
         .man = "Read only the archive members, and the files found in directories, whose\n"
                "name matches the shell pattern \\fIGLOB\\fR. A \\fB*\\fR also matches \\fB/\\fR, so\n"
                "\\fB'metrics/*'\\fR selects a whole folder. The option may be repeated: a member\n"
                "is read if any pattern matches. Files named on the command line are always\n"
                "read."},
        {CLI_LONG, "index", NULL, "keep each archive's member list in ARCHIVE.aiops-index and reuse it", CLI_FLAG,
         .dest = &ro->index,
         .man = "Keep the listing of each archive (its members and the time each one starts\n"
                "at) in \\fIARCHIVE\\fB.aiops-index\\fR beside it, and read it from there\n"
                "next time instead of listing the archive again. Listing a compressed\n"
                "archive decompresses all of it, so a second run with the index\n"
                "decompresses the archive once instead of twice. The index is used only\n"
                "while the archive's size and modification time, and the options that\n"
                "decide where members start (\\fB\\-\\-input-format\\fR, \\fB\\-\\-members\\fR,\n"
                "\\fB\\-\\-reorder-window\\fR, \\fB\\-\\-tz\\fR, ...), are the same; an index that\n"
                "cannot be written (a read-only directory) is skipped silently."},
        {CLI_LONG, "service", "NAME", "service of plain text log files (default: from the file name)", CLI_STRING,
         .dest = &ro->service,
         .man = "The service of plain text log files, which carry none. By default the file\n"
                "name without its extension is used."},
        {CLI_LONG, "map", "COLS|@FILE", "column mapping for table exports (clickhouse, -I table): ts=COL,value=COL,... or @FILE",
         CLI_STRING, .dest = &ro->column_map,
         .man = "Column mapping for table exports (ClickHouse \\fBJSONEachRow\\fR,\n"
                "\\fBTSVWithNames\\fR, and CSV/TSV tables; with this option a delimited\n"
                "file that is no ClickHouse export is read as a table, as with \\fB-I table\\fR):\n"
                "comma-separated \\fIfield\\fB=\\fIcolumn\\fR pairs, such as\n"
                "\\fBts=event_time,value=val,series=metric\\fR. Without it, the column names of\n"
                "common schemas are recognised (see docs/FORMAT.md). Tables also take\n"
                "\\fBtype=alert\\fR, \\fBannotations=\\fIcol\\fB+\\fIcol\\fR (alerts),\n"
                "\\fBignore=\\fIcol\\fB+\\fIcol\\fR and\n"
                "\\fBservice=\\fIcol\\fB:pod\\fR (the service is the pod's workload); a sample\n"
                "table without \\fBvalue=\\fR is wide: each other column is a series.\n"
                "\\fB@\\fIFILE\\fR reads the pairs from a mapping file, one or more per line,\n"
                "\\fB#\\fR starting a comment."},
        {CLI_LONG, "reorder-window", "N", "records each time-ordered file may be out of order by (4096)", CLI_SIZE,
         .dest = &ro->reorder_window,
         .man = "How many records each time-ordered input may be out of order by (default\n"
                "4096). A record older than one already written is an error."},
        {CLI_LONG, "max-buffer", "N", "units held to sort unordered input: sample 1, JSON record 22 (8388608)",
         CLI_SIZE, .dest = &ro->max_buffer,
         .man = "How much may be held, across all inputs, to sort inputs that are not in\n"
                "time order (promtool, prom-text, vm-export, newest-first logs, alert lists,\n"
                "archives on stdin). It is counted in units: a sample is 1 unit, and a record\n"
                "with JSON fields (a log line, a span, an alert) is 22 units, about 1 KiB. The\n"
                "default is 8388608 units, about 400 MiB. Past it, the reader stops with an\n"
                "error."},
        {CLI_LONG, "max-open", "N", "files/archive members merged at once (512)", CLI_SIZE, .dest = &ro->max_open,
         .man = "How many files and archive members may be merged at once (default 512)."},
        {CLI_LONG, "max-line", "BYTES", "longest accepted input line (67108864)", CLI_SIZE, .dest = &ro->max_line,
         .man = "The longest accepted input line (default 67108864)."},
        {CLI_LONG, "alerts-from-series", NULL, "also turn Prometheus ALERTS{...} samples into alert records",
         CLI_FLAG, .dest = &g->alerts_from_series,
         .man = "Also turn the samples of Prometheus' \\fBALERTS\\fR series (one per rule\n"
                "evaluation while an alert is pending or firing) into \\fBalert\\fR records.\n"
                "A \\fBfiring\\fR or \\fBpending\\fR record marks where an interval opens. A\n"
                "\\fBresolved\\fR record marks where a firing interval closes: at a sample of 0\n"
                "or NaN, or one evaluation interval after the last sample when the series\n"
                "stops for more than two intervals. The interval is learned from the data.\n"
                "The samples themselves pass through as well."},
        {CLI_LONG, "name", "NAME", "metric name of label-less series (default: the file name without a date)",
         CLI_STRING, .dest = &ro->name,
         .man = "The metric name of series that carry no labels at all: Prometheus API dumps\n"
                "of an aggregation without \\fBby\\fR (\\fBmetric: {}\\fR) and two-column CSV\n"
                "files. By default the file name is used without its extension and without\n"
                "a trailing date or time, so \\fBerror-ratio-2024-03-01.json\\fR and\n"
                "\\fBerror-ratio-2024-03-02.json\\fR are both \\fBerror_ratio\\fR."},
        {CLI_LONG, "scrape-time", "TIME", "time of exposition-text samples without one (default: the file's mtime)",
         CLI_TIME, .dest = &ro->scrape_time,
         .man = "The time of exposition-text samples that carry no timestamp (a saved\n"
                "\\fB/metrics\\fR page), also for standard input. By default the file's\n"
                "modification time is used, with a warning once per file, since a copy may\n"
                "have changed it."},
        CLI_STRICT_ROW,
        {CLI_LONG, "keep-duplicates", NULL, "pass samples that repeat a series and time (default: drop, count)",
         CLI_FLAG, .dest = &ro->keep_duplicates,
         .man = "Write samples that repeat the series and the time of an earlier sample. By\n"
                "default they are dropped: exact repeats (the same value, as at the boundary\n"
                "of daily dumps) are counted, and repeats with another value are counted as\n"
                "conflicts; the first sample in merge order is kept (at equal times, the file\n"
                "given first, or sorted first in a directory). Both counts, and an example\n"
                "conflict, are reported on standard error at the end."},
        {O_LIST, "list-formats", NULL, "list the input formats and exit", CLI_FLAG,
         .man = "List the input formats and exit."},
        CLI_TZ_ROW,
        CLI_MAX_SERIES_ROW,
        CLI_HELP_ROW,
        CLI_VERSION_ROW,
        CLI_END,
    };
    c->opts = opts;
    int id;
    while ((id = cli_next(c)) != -1) {
        const char *a = c->optarg;
        aiops_err err = {0};
        switch (id) {
        case 'I':
            if (!aiops_format_find(a))
                cli_die_usage(c, "--input-format: unknown format '%s' (see --list-formats)", a);
            ro->force_format = a;
            break;
        case 'm':
            if (aiops_match_add(g->match, a, &err))
                cli_die_usage(c, "--match: %s", err.msg);
            break;
        case 't': parse_types(c, g, a); break;
        case O_SHARD:
            if (aiops_shard_parse(a, &g->shard, &err))
                cli_die_usage(c, "--shard: %s", err.msg);
            break;
        case O_LIST: list_formats(); exit(0);
        }
    }
    ro->members = g->members.v;
    if (g->follow)
        ro->follow = g->follow_delay > 0 ? g->follow_delay : 0.2;
    else if (g->follow_delay > 0)
        cli_die_usage(c, "--follow-delay needs --follow");
    c->opts = NULL;
}

void replay_cfg_free(cfg *g)
{
    aiops_match_free(g->match);
    free(g->members.v);
}
