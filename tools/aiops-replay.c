/* aiops-replay - replay metric dumps as one time-ordered record stream. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "aiops-replay.h"

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
    if (rc < 0)
        cli_reader_locate(rd, err);
    aiops_record x;
    while (!rc && aiops_alerts_series_pop(as, &x) == 1)
        rc = emit(o, &x, err);
    return rc;
}

/* At the end: why a run wrote nothing. */
static void report_empty(const cfg *g, uint64_t seen, uint64_t written)
{
    int filtered = isfinite(g->from) || isfinite(g->to) || g->have_types ||
                   aiops_match_count(g->match);
    if (seen && !written && filtered)
        fprintf(stderr, "aiops-replay: warning: the filters (--from, --to, --match, --types) "
                "left nothing of %llu record%s read\n", (unsigned long long)seen,
                seen == 1 ? "" : "s");
}

static int run(const cli *c, cfg *g, const char *const *paths, size_t npaths, aiops_err *err)
{
    out o = {.g = g};
    aiops_reader *rd = NULL;
    aiops_alerts_series *as = NULL;
    uint64_t seen = 0;
    o.tab = aiops_series_table_new();
    int rc = o.tab ? 0 : aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    /* Records are only filtered and written: they may keep their JSON
     * text (no tree per log line or span). */
    g->ro.raw_text = 1;
    if (!rc)
        rc = aiops_writer_new(&o.w, g->out, g->fmt, g->zstd, o.tab, err);
    g->ro.flush = o.w;          /* live input: flushed whenever the input pauses */
    if (!rc)
        rc = cli_reader_new(c, &rd, paths, npaths, o.tab, &g->ro, err);
    if (!rc && g->alerts_from_series)
        rc = aiops_alerts_series_new(&as, o.tab, 0, 1, err);
    int tty = isatty(2) && !g->speed;
    double last_progress = tty ? now_mono() : 0;
    aiops_record r;
    while (!rc && (rc = aiops_reader_next(rd, &r, err)) == 1) {
        seen++;
        if (aiops_shard_keep(&g->shard, o.tab, &r))     /* --shard: others dropped */
            rc = emit_via(&o, as, rd, &r, err);
        else {
            aiops_record_clear(&r);
            rc = 0;
        }
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
    cli_reader_report(c, rd);
    if (!rc)
        report_empty(g, seen, o.total);
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
        .footer = "Exit status: 0 ok, 2 usage or input error (FILE:LINE: message on stderr).\n"
                  "Files in directories and archives that no format recognises are skipped\n"
                  "with a warning (--strict: an error), except aiops-simulate's scenario.json,\n"
                  "which holds no records; repeated samples are dropped and counted.\n"
                  "See aiops-replay(1) and docs/FORMAT.md.\n",
        .argc = argc,
        .argv = argv,
    };
    cfg g = {.from = -INFINITY, .to = INFINITY, .match = aiops_match_new()};
    if (!g.match)
        return 2;
    replay_parse_args(&c, &g);
    size_t npaths;
    const char *const *paths = cli_inputs(&c, &npaths);
    aiops_err err = {0};
    int rc = run(&c, &g, paths, npaths, &err);
    replay_cfg_free(&g);
    if (rc) {
        cli_error(&c, &err);
        return 2;
    }
    return cli_status(&c, 0);
}
