/* aiops-predict-args.c - aiops-predict's option table (the source of
 * --help and the man page's OPTIONS) and --leads. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aiops-predict.h"

enum { O_LEADS = CLI_LONG + 1 };

/* --leads 15m,30m,45m */
static void parse_leads(cli *c, cfg *g, const char *a)
{
    aiops_predict_opts *o = &g->po;
    o->nleads = 0;
    for (const char *p = a;;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        double v;
        if (o->nleads == 8 || aiops_parse_duration(p, n, &v) || !(v > 0))
            cli_die_usage(c, "--leads: expected 1 to 8 durations > 0 separated by commas, got '%s'", a);
        o->leads[o->nleads++] = v;
        if (!e)
            break;
        p = e + 1;
    }
}

void predict_parse_args(cli *c, cfg *g)
{
    aiops_predict_opts *o = &g->po;
    const cli_opt opts[] = {
        CLI_MAN_TEXT(".SS Training"),
        {CLI_LONG, "train", NULL, "learn a model from the inputs and --labels; write it to -o", CLI_FLAG,
         .dest = &g->train,
         .man = "Learn a model: each input is one training episode (an archive or a stream)\n"
                "with its own \\fB\\-\\-labels\\fR file. Writes the model to \\fB\\-o\\fR and a report\n"
                "(feature importance, lead times found) on stderr."},
        {'l', "labels", "FILE", "ground truth of an input (label records), once per input", CLI_LIST,
         .dest = &g->labels,
         .man = "Label records (docs/FORMAT.md) of one input; give it once per input, in the\n"
                "order of the inputs (once for one input). A label needs \\fBstart\\fR; its\n"
                "deadline is \\fBdeclared\\fR, else \\fBstart\\fR; positives are taken for its\n"
                "\\fBroot_cause\\fR service."},
        {O_LEADS, "leads", "LIST", "positives: windows ending these long before a deadline (15m,30m,45m)",
         CLI_STRING,
         .man = "Positive windows end these long before each label's deadline (comma-separated\n"
                "durations, at most 8). Default \\fB15m,30m,45m\\fR."},
        {CLI_LONG, "neg-gap", "DUR", "negatives: at least DUR away from every label (3h)", CLI_DURATION,
         .dest = &o->neg_gap},
        {CLI_LONG, "neg-ratio", "N", "negatives sampled per positive, weighted to balance (4)", CLI_NUMBER,
         .dest = &o->neg_ratio, .range = CLI_GT, .lo = 0,
         .man = "Negative windows drawn per positive (default 4); they are weighted so that the\n"
                "two classes weigh the same."},
        {CLI_LONG, "lambda", "X", "L2 penalty of the logistic regression (1)", CLI_NUMBER, .dest = &o->lambda,
         .range = CLI_GT, .lo = 0},
        {CLI_LONG, "false-per-day", "X", "threshold: false warnings per day allowed on training negatives (0.25)",
         CLI_NUMBER, .dest = &o->false_per_day, .range = CLI_GE, .lo = 0,
         .man = "The warning threshold is the lowest of a ladder from 0.5 to 0.99995 whose\n"
                "debounced warnings (\\fB\\-\\-hold\\fR) on the negative ticks of the training data\n"
                "come to at most \\fIX\\fR per day. Default 0.25."},
        {CLI_LONG, "lookback", "DUR", "lead-time report: how far before a deadline to look (3h)", CLI_DURATION,
         .dest = &o->lookback},
        {CLI_LONG, "seed", "N", "seed of the negative sampling (1)", CLI_INT, .dest = &g->seed, .range = CLI_GE,
         .lo = 0},
        {CLI_LONG, "dump-features", "FILE", "also write the training matrix as CSV (y,w,features)", CLI_PATH,
         .dest = &g->dump},
        CLI_MAN_TEXT(".SS Scoring"),
        {CLI_LONG, "model", "FILE", "warn with a model from --train", CLI_PATH, .dest = &g->model,
         .man = "Score with a model written by \\fB\\-\\-train\\fR. Without it only\n"
                "time-to-exhaustion warnings are given."},
        {CLI_LONG, "threshold", "P", "probability that warns (default: the model's)", CLI_NUMBER,
         .dest = &o->threshold, .range = CLI_GT | CLI_LE, .lo = 0, .hi = 1},
        {CLI_LONG, "hold", "DUR", "debounce: the condition must hold this long to warn or clear (5m)",
         CLI_DURATION, .dest = &o->hold},
        {CLI_LONG, "quiet-after", "DUR", "after a sign of an incident a service stays quiet this long (2h)",
         CLI_DURATION, .dest = &o->quiet_after,
         .man = "Signs that an incident is under way (an alert firing or resolving, an\n"
                "\\fBoom_kill\\fR or \\fBrestart\\fR event, an incident record naming the service)\n"
                "resolve the service's open warnings and keep it from new ones for \\fIDUR\\fR\n"
                "(default 2h)."},
        {CLI_LONG, "limits", "FILE", "resource limits: lines SELECTOR LIMIT", CLI_PATH, .dest = &g->limits,
         .man = "Limits of resources for time-to-exhaustion: one \\fISELECTOR LIMIT\\fR per\n"
                "line (e.g. \\fBmemory_usage_bytes{service=\"cart\"} 1073741824\\fR); the first\n"
                "matching line wins. Without one, a series has the limit of a \\fB_limit\\fR,\n"
                "\\fB_size\\fR or \\fB_max\\fR series with the same labels beside it\n"
                "(\\fBnode_filesystem_size_bytes\\fR for \\fBnode_filesystem_used_bytes\\fR), and\n"
                "usage ratios of disks, filesystems, volumes, pools, quotas and inodes have\n"
                "the limit 1."},
        {CLI_LONG, "pass-through", NULL, "write the input records through too, predictions among them", CLI_FLAG,
         .dest = &g->pass,
         .man = "Write every input record through as well, each after the prediction records\n"
                "it completes (they are stamped with earlier tick times), so that the tool\n"
                "runs inside a pipe on the replayed stream, like aiops-fit and aiops-cluster:\n"
                "\\fBaiops-replay A | aiops-predict \\-\\-model M \\-\\-pass-through | aiops-fit | ...\\fR.\n"
                "Without it only prediction records are written."},
        {CLI_LONG, "eta-horizon", "DUR", "exhaustion warns when the ETA is at most DUR away (2h)", CLI_DURATION,
         .dest = &o->eta_horizon},
        {CLI_LONG, "no-eta", NULL, "no time-to-exhaustion warnings", CLI_FLAG, .dest = &g->no_eta},
        CLI_MAN_TEXT(".SS Both"),
        {CLI_LONG, "window", "DUR", "feature window before each tick (2h)", CLI_DURATION, .dest = &o->window,
         .range = CLI_GT, .lo = 0,
         .man = "The window of the features and of the exhaustion trend (default 2h). A model\n"
                "scores with the window and tick it was trained with."},
        {CLI_LONG, "every", "DUR", "tick: how often services are scored (5m)", CLI_DURATION, .dest = &o->every,
         .range = CLI_GT, .lo = 0},
        {CLI_LONG, "max-points", "N", "points kept per series (1024)", CLI_SIZE, .dest = &o->max_points},
        {'o', .common = 1, .dest = &g->out,
         .help = "write the records (the model with --train) to FILE instead of stdout",
         .man = "Write the prediction records to \\fIFILE\\fR instead of stdout; with\n"
                "\\fB\\-\\-train\\fR, the model (required), written to a temporary name and renamed."},
        CLI_STRICT_ROW,
        CLI_MAX_SERIES_ROW,
        CLI_HELP_ROW,
        CLI_VERSION_ROW,
        CLI_END,
    };
    c->opts = opts;
    int id;
    while ((id = cli_next(c)) != -1)
        if (id == O_LEADS)
            parse_leads(c, g, c->optarg);
    if (o->max_points < 8)
        cli_die_usage(c, "--max-points: expected at least 8");
    if (g->train && !g->out)
        cli_die_usage(c, "--train: needs -o FILE for the model");
    if (g->train && g->model)
        cli_die_usage(c, "--train and --model: choose one");
    if (g->train && g->pass)
        cli_die_usage(c, "--pass-through: only when scoring (--train writes a model)");
    if (!g->train && (g->labels.n || g->dump))
        cli_die_usage(c, "--labels and --dump-features: only with --train");
    if (o->window < o->every)
        cli_die_usage(c, "--window: expected at least --every");
    o->eta = !g->no_eta;
    o->seed = (uint64_t)g->seed;
    c->opts = NULL;
}

void predict_cfg_free(cfg *g)
{
    free(g->labels.v);
}
