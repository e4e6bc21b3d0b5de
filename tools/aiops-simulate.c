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

typedef struct cfg {
    const char *out, *scenario;
    int stream, stats, fmt, traces;
    int64_t seed;                /* -1: the scenario's */
    double days, step;
} cfg;

static void parse_args(cli *c, cfg *g)
{
    static const char *const trace_formats[] = {"jaeger", "otlp", "zipkin", NULL};
    static const int trace_values[] = {AIOPS_SIM_TRACES_JAEGER, AIOPS_SIM_TRACES_OTLP,
                                       AIOPS_SIM_TRACES_ZIPKIN};
    const cli_opt opts[] = {
        {'o', .common = 1, .dest = &g->out,
         .help = "write to FILE (archive: required; stream: default stdout, .zst => zstd)",
         .man = "Where to write. The archive needs a file. With \\fB\\-\\-stream\\fR the default\n"
                "is standard output, and a name ending in \\fB.zst\\fR compresses with zstd."},
        {CLI_LONG, "seed", "N", "random seed (default: the scenario's \"seed\")", CLI_INT, .dest = &g->seed,
         .range = CLI_GE, .lo = 0, .man = "Random seed. The default is the scenario's \\fBseed\\fR."},
        {CLI_LONG, "stream", NULL, "write our record stream (NDJSON) instead of the archive", CLI_FLAG,
         .dest = &g->stream, .man = "Write the record stream (NDJSON) instead of the archive."},
        {'f', .common = 1, .dest = &g->fmt, .help = "with --stream: ndjson (default) or tsv for samples",
         .man = "With \\fB\\-\\-stream\\fR: \\fBndjson\\fR (default), or \\fBtsv\\fR for compact samples."},
        {CLI_LONG, "days", "N", "simulate N days instead of the scenario's \"days\"", CLI_NUMBER,
         .dest = &g->days, .range = CLI_GT | CLI_LE, .lo = 0, .hi = 400,
         .man = "Simulate \\fIN\\fR days instead of the scenario's \\fBdays\\fR."},
        {CLI_LONG, "step", "DURATION", "time step instead of the scenario's \"step\" (e.g. 5m)", CLI_DURATION,
         .dest = &g->step, .range = CLI_GE, .lo = 1,
         .man = "The time step instead of the scenario's \\fBstep\\fR, e.g. \\fB5m\\fR."},
        {CLI_LONG, "trace-format", "FMT", "traces in the archive: jaeger (default), otlp or zipkin",
         CLI_ENUM, .names = trace_formats, .values = trace_values, .dest = &g->traces,
         .man = "The format of the archive's traces, \\fBtraces/\\fIFMT\\fB/\\fIDAY\\fB.json\\fR:\n"
                "\\fBjaeger\\fR (Jaeger query API JSON), \\fBotlp\\fR (OTLP/JSON) or \\fBzipkin\\fR\n"
                "(Zipkin v2 JSON). The archive holds one, so replaying it gives each span\n"
                "once. The default is the scenario's \\fBtraces.formats\\fR: \\fBjaeger\\fR if it\n"
                "lists it (as it does by default), else \\fBotlp\\fR if it lists that, else no\n"
                "traces."},
        {CLI_LONG, "stats", NULL, "print the record counts per type to stderr", CLI_FLAG, .dest = &g->stats,
         .man = "Print the number of records of each type to standard error."},
        CLI_HELP_ROW,
        CLI_VERSION_ROW,
        CLI_END,
    };
    c->opts = opts;
    while (cli_next(c) != -1)
        ;
    c->opts = NULL;
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
                 "JSONL logs, Jaeger, OTLP or Zipkin JSON traces, kubectl events, deploy events,\n"
                 "Alertmanager webhooks, and the ground truth labels.ndjson, as one tar.zst.\n"
                 "Same scenario and seed give a byte-identical archive.",
        .footer = "Exit status: 0 ok, 2 usage, scenario or write error (a full disk).\n"
                  "See docs/SCENARIOS.md and docs/FORMAT.md.\n",
        .argc = argc,
        .argv = argv,
    };
    cfg g = {.seed = -1};
    parse_args(&c, &g);
    aiops_err err = {0};
    aiops_sim_scenario *sc = NULL;
    aiops_sim_stats st = {0};
    int rc = aiops_sim_scenario_load(g.scenario, &sc, &err);
    if (!rc)
        rc = aiops_sim_scenario_override(sc, g.seed >= 0, (uint64_t)g.seed, g.days, g.step, &err);
    if (!rc)
        aiops_sim_scenario_set_traces(sc, g.traces);
    aiops_sim_run_opts o = {.progress = isatty(2), .progress_fn = progress};
    if (!rc)
        rc = g.stream ? run_stream(&g, sc, &o, &st, &err)
                      : aiops_sim_write_archive(sc, g.out, &o, &st, &err);
    if (o.progress && sc && sc->nsteps > 86400 / sc->step)
        fprintf(stderr, "\n");
    aiops_sim_scenario_free(sc);
    if (rc) {
        cli_error(&c, &err);
        return 2;
    }
    if (g.stats)
        print_stats(&st, &g);
    return 0;
}
