/* aiops-simulate - generate a realistic incident archive (or record
 * stream) with ground truth from a scenario file (docs/SCENARIOS.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aiops.h"
#include "sim/sim.h"
#include "cli.h"

enum { O_SEED = 256, O_STREAM, O_DAYS, O_STEP, O_STATS, O_FORMAT };

static const cli_opt opts[] = {
    {'o', "output", "FILE", "write to FILE (archive: required; stream: default stdout, .zst => zstd)"},
    {O_SEED, "seed", "N", "random seed (default: the scenario's \"seed\")"},
    {O_STREAM, "stream", NULL, "write our record stream (NDJSON) instead of the archive"},
    {'f', "format", "FMT", "with --stream: ndjson (default) or tsv for samples"},
    {O_DAYS, "days", "N", "simulate N days instead of the scenario's \"days\""},
    {O_STEP, "step", "DURATION", "time step instead of the scenario's \"step\" (e.g. 5m)"},
    {O_STATS, "stats", NULL, "print the record counts per type to stderr"},
    {'h', "help", NULL, "show this help and exit"},
    {'V', "version", NULL, "show the version and exit"},
    {0, NULL, NULL, NULL},
};

typedef struct cfg {
    const char *out, *scenario;
    int stream, stats, have_seed;
    uint64_t seed;
    double days, step;
    aiops_out_format fmt;
} cfg;

static void parse_args(cli *c, cfg *g)
{
    int id;
    while ((id = cli_next(c)) != -1) {
        const char *a = c->optarg;
        switch (id) {
        case 'o': g->out = a; break;
        case O_SEED: {
            int64_t v;
            if (aiops_parse_int64(a, strlen(a), &v) || v < 0)
                cli_die_usage(c, "--seed: expected a whole number >= 0, got '%s'", a);
            g->seed = (uint64_t)v;
            g->have_seed = 1;
            break;
        }
        case O_STREAM: g->stream = 1; break;
        case 'f':
            if (!strcmp(a, "ndjson")) g->fmt = AIOPS_OUT_NDJSON;
            else if (!strcmp(a, "tsv")) g->fmt = AIOPS_OUT_TSV;
            else cli_die_usage(c, "--format: expected ndjson or tsv, got '%s'", a);
            break;
        case O_DAYS:
            g->days = cli_double(c, "days", a);
            if (!(g->days > 0) || g->days > 400)
                cli_die_usage(c, "--days: expected a number in (0, 400], got '%s'", a);
            break;
        case O_STEP:
            if (aiops_parse_duration(a, strlen(a), &g->step) || !(g->step >= 1))
                cli_die_usage(c, "--step: expected a duration >= 1s (e.g. 60, 5m), got '%s'", a);
            break;
        case O_STATS: g->stats = 1; break;
        case 'h': cli_help(c, stdout); exit(0);
        case 'V': printf("aiops-simulate %s\n", AIOPS_VERSION); exit(0);
        default: exit(2);
        }
    }
    if (c->optind != c->argc - 1)
        cli_die_usage(c, "expected exactly one scenario file");
    g->scenario = c->argv[c->optind];
    if (!g->stream && !g->out)
        cli_die_usage(c, "the archive needs -o FILE (e.g. -o archive.tar.zst), or use --stream");
    if (!g->stream && !strcmp(g->out, "-") && isatty(1))
        cli_die_usage(c, "refusing to write a compressed archive to a terminal");
}

static void progress(void *ctx, size_t step, size_t nsteps)
{
    (void)ctx;
    fprintf(stderr, "\raiops-simulate: %3.0f%% (%zu/%zu steps)", 100.0 * (double)step / (double)nsteps,
            step, nsteps);
}

static int sink(void *ctx, const aiops_record *rec, aiops_err *err)
{
    return aiops_writer_write(ctx, rec, err);
}

static int run_stream(const cfg *g, const aiops_sim_scenario *sc, const aiops_sim_run_opts *o,
                      aiops_sim_stats *st, aiops_err *err)
{
    aiops_series_table *tab = aiops_series_table_new();
    aiops_writer *w = NULL;
    int rc = tab ? 0 : aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    if (!rc)
        rc = aiops_writer_new(&w, g->out, g->fmt, 0, tab, err);
    if (!rc)
        rc = aiops_sim_run_stream(sc, tab, sink, w, o, st, err);
    if (w) {
        int crc = aiops_writer_close(w, rc ? NULL : err);
        if (!rc)
            rc = crc;
    }
    aiops_series_table_free(tab);
    return rc;
}

static void print_stats(const aiops_sim_stats *st, const cfg *g)
{
    fprintf(stderr, "%-12llu sample\n", (unsigned long long)st->samples);
    fprintf(stderr, "%-12llu log\n", (unsigned long long)st->logs);
    fprintf(stderr, "%-12llu span\n", (unsigned long long)st->spans);
    fprintf(stderr, "%-12llu event\n", (unsigned long long)st->events);
    fprintf(stderr, "%-12llu alert\n", (unsigned long long)st->alerts);
    fprintf(stderr, "%-12llu label\n", (unsigned long long)st->labels);
    if (!g->stream)
        fprintf(stderr, "%-12llu (archive members)\n", (unsigned long long)st->members);
}

int main(int argc, char **argv)
{
    cli c = {
        .prog = "aiops-simulate",
        .usage = "[OPTION]... SCENARIO.json",
        .about = "Simulate a service landscape with injected faults and write what real systems\n"
                 "would have recorded: Prometheus query_range JSON per metric and day, logcli\n"
                 "JSONL logs, Jaeger and OTLP JSON traces, kubectl events, deploy events,\n"
                 "Alertmanager webhooks, and the ground truth labels.ndjson, as one tar.zst.\n"
                 "Same scenario and seed give a byte-identical archive.",
        .opts = opts,
        .footer = "Exit status: 0 ok, 1 error while writing, 2 usage or scenario error.\n"
                  "See docs/SCENARIOS.md and docs/FORMAT.md.\n",
        .argc = argc,
        .argv = argv,
    };
    cfg g = {0};
    parse_args(&c, &g);
    aiops_err err = {0};
    aiops_sim_scenario *sc = NULL;
    aiops_sim_stats st = {0};
    int rc = aiops_sim_scenario_load(g.scenario, &sc, &err), usage_err = rc != 0;
    if (!rc)
        rc = aiops_sim_scenario_override(sc, g.have_seed, g.seed, g.days, g.step, &err);
    usage_err |= rc != 0;
    aiops_sim_run_opts o = {.progress = isatty(2), .progress_fn = progress};
    if (!rc)
        rc = g.stream ? run_stream(&g, sc, &o, &st, &err)
                      : aiops_sim_write_archive(sc, g.out, &o, &st, &err);
    if (o.progress && sc && sc->nsteps > 86400 / sc->step)
        fprintf(stderr, "\n");
    aiops_sim_scenario_free(sc);
    if (rc) {
        char buf[1200];
        fprintf(stderr, "aiops-simulate: %s\n", aiops_err_str(&err, buf, sizeof buf));
        return usage_err ? 2 : 1;
    }
    if (g.stats)
        print_stats(&st, &g);
    return 0;
}
