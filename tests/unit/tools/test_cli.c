/* test_cli.c - the option table of tools/cli.c: typed arguments checked
 * and stored, the messages of bad ones, the shared rows, rows sharing an
 * id, --help and the man page rows generated from one table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../../tools/cli.c"

/* The message for arg, or "" when it is accepted. */
static const char *check(const cli_opt *o, const char *arg)
{
    static char msg[300];
    double num;
    int64_t whole;
    msg[0] = '\0';
    cli_parse_arg(o, arg, &num, &whole, msg, sizeof msg);
    return msg;
}

static void test_messages(void **state)
{
    (void)state;
    static const char *const fmts[] = {"ndjson", "tsv", NULL};
    static const char *const ks[] = {"1", "3", "5", NULL};
    cli_opt number = {CLI_LONG, "days", "N", "", CLI_NUMBER, .range = CLI_GT | CLI_LE, .lo = 0, .hi = 400};
    assert_string_equal(check(&number, "400"), "");
    assert_string_equal(check(&number, "0"), "--days: expected a number in (0, 400], got '0'");
    assert_string_equal(check(&number, "nan"), "--days: expected a number in (0, 400], got 'nan'");
    cli_opt speed = {CLI_LONG, "speed", "N", "", CLI_NUMBER, .range = CLI_GT};
    assert_string_equal(check(&speed, "x"), "--speed: expected a number > 0, got 'x'");
    cli_opt any = {CLI_LONG, "min-f1", "X", "", CLI_NUMBER, .dest = NULL};
    assert_string_equal(check(&any, "-1e3"), "");
    assert_string_equal(check(&any, "high"), "--min-f1: expected a number, got 'high'");
    cli_opt seed = {CLI_LONG, "seed", "N", "", CLI_INT, .range = CLI_GE};
    assert_string_equal(check(&seed, "-1"), "--seed: expected a whole number >= 0, got '-1'");
    assert_string_equal(check(&seed, "1.5"), "--seed: expected a whole number >= 0, got '1.5'");
    cli_opt size = {CLI_LONG, "max-open", "N", "", CLI_SIZE, .dest = NULL};
    assert_string_equal(check(&size, "0"), "--max-open: expected a positive whole number, got '0'");
    cli_opt dur = {CLI_LONG, "train", "DURATION", "", CLI_DURATION, .dest = NULL};
    assert_string_equal(check(&dur, "1h30m"), "");
    assert_string_equal(check(&dur, "2weeks"), "--train: expected a duration like 90s, 5m, 14d, got '2weeks'");
    assert_string_equal(check(&dur, "-5m"), "--train: expected a duration like 90s, 5m, 14d, got '-5m'");
    cli_opt step = {CLI_LONG, "step", "DURATION", "", CLI_DURATION, .range = CLI_GE, .lo = 1};
    assert_string_equal(check(&step, "0.5"), "--step: expected a duration >= 1s like 90s, 5m, 14d, got '0.5'");
    cli_opt t = {CLI_LONG, "from", "TIME", "", CLI_TIME, .dest = NULL};
    assert_string_equal(check(&t, "2024-03-08T09:00:00Z"), "");
    assert_string_equal(check(&t, "yesterday"), "--from: expected RFC 3339 time or epoch seconds, got 'yesterday'");
    cli_opt fmt = {'f', "format", "FMT", "", CLI_ENUM, .names = fmts};
    assert_string_equal(check(&fmt, "xml"), "--format: expected ndjson or tsv, got 'xml'");
    cli_opt k = {CLI_LONG, "rca-k", "K", "", CLI_ENUM, .names = ks};
    assert_string_equal(check(&k, "2"), "--rca-k: expected 1, 3 or 5, got '2'");
}

enum { O_GATE = CLI_LONG + 1, O_LIST };

typedef struct cfg {
    const char *out;
    int fmt, flag, k;
    int64_t seed;
    size_t n;
    double from, step;
    cli_list members;
} cfg;

static int parse(cfg *g, int argc, char **argv, cli *c, const cli_opt *opts, double *gates, size_t *ngates)
{
    *c = (cli){.prog = "t", .usage = "[OPTION]...", .about = "About.", .opts = opts, .argc = argc, .argv = argv};
    int id;
    while ((id = cli_next(c)) != -1) {
        if (id != O_GATE)
            return -2;
        gates[(*ngates)++] = c->num + (strcmp(c->opt->lng, "max-b") == 0 ? 1000 : 0);
    }
    return c->optind;
}

static void test_next(void **state)
{
    (void)state;
    static const char *const ks[] = {"1", "3", "5", NULL};
    static const int kv[] = {1, 3, 5};
    cfg g = {.seed = -1};
    const cli_opt opts[] = {
        CLI_OUTPUT(&g.out),
        CLI_FORMAT(&g.fmt),
        {'z', "zed", NULL, "a flag", CLI_FLAG, .dest = &g.flag},
        {CLI_LONG, "seed", "N", "", CLI_INT, .dest = &g.seed, .range = CLI_GE},
        {CLI_LONG, "n", "N", "", CLI_SIZE, .dest = &g.n},
        {CLI_LONG, "from", "TIME", "", CLI_TIME, .dest = &g.from},
        {CLI_LONG, "step", "DUR", "", CLI_DURATION, .dest = &g.step},
        {CLI_LONG, "k", "K", "", CLI_ENUM, .names = ks, .values = kv, .dest = &g.k},
        {CLI_LONG, "members", "GLOB", "", CLI_LIST, .dest = &g.members},
        {O_GATE, "min-a", "X", "", CLI_NUMBER, .dest = NULL},
        {O_GATE, "max-b", "DUR", "", CLI_DURATION, .dest = NULL},
        CLI_END,
    };
    char *argv[] = {"t", "in1", "-zftsv", "--output=o.zst", "--seed", "7", "--n", "3", "--from", "1e9",
                    "--step=5m", "--k", "5", "--members", "a/*", "in2", "--members", "b/*", "--min-a", "0.5",
                    "--max-b", "1m", "--", "-x", NULL};
    cli c;
    double gates[4];
    size_t ng = 0;
    int first = parse(&g, 24, argv, &c, opts, gates, &ng);
    assert_int_equal(first, 21);
    assert_string_equal(argv[first], "in1");
    assert_string_equal(argv[first + 1], "in2");
    assert_string_equal(argv[first + 2], "-x");
    assert_string_equal(g.out, "o.zst");
    assert_int_equal(g.fmt, 1);
    assert_int_equal(g.flag, 1);
    assert_int_equal(g.seed, 7);
    assert_int_equal(g.n, 3);
    assert_true(g.from == 1e9);
    assert_true(g.step == 300);
    assert_int_equal(g.k, 5);
    assert_int_equal(g.members.n, 2);
    assert_string_equal(g.members.v[1], "b/*");
    assert_null(g.members.v[2]);
    assert_int_equal(ng, 2);
    assert_true(gates[0] == 0.5);
    assert_true(gates[1] == 1060);
    size_t n;
    const char *const *in = cli_inputs(&c, &n);
    assert_int_equal(n, 3);
    assert_string_equal(in[0], "in1");
    free(g.members.v);

    /* No operands: stdin. */
    char *argv2[] = {"t", "-z", NULL};
    cfg g2 = {0};
    ng = 0;
    const cli_opt opts2[] = {{'z', "zed", NULL, "", CLI_FLAG, .dest = &g2.flag}, CLI_END};
    assert_int_equal(parse(&g2, 2, argv2, &c, opts2, gates, &ng), 2);
    in = cli_inputs(&c, &n);
    assert_int_equal(n, 1);
    assert_string_equal(in[0], "-");
}

static char *capture(void (*fn)(const cli *, FILE *), const cli *c)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    assert_non_null(f);
    fn(c, f);
    fclose(f);
    return buf;
}

static void test_help_and_man(void **state)
{
    (void)state;
    const char *out = NULL;
    int fmt = 0, n = 0;
    const cli_opt opts[] = {
        {'o', .common = 1, .dest = &out, .help = "write the report to FILE",
         .man = "Write the report to \\fIFILE\\fR."},
        CLI_FORMAT(&fmt),
        CLI_MAN_TEXT(".SS Gates"),
        {CLI_LONG, "min-f1", "X", "gate: F1 >= X", CLI_NUMBER, .dest = NULL},
        {CLI_LONG, "stats", NULL, "print counts", CLI_FLAG, .dest = &n, .man = "Print the counts."},
        CLI_HELP_ROW,
        CLI_VERSION_ROW,
        CLI_END,
    };
    cli c = {.prog = "t", .usage = "[OPTION]... FILE", .about = "Do it.", .opts = opts, .footer = "Bye.\n"};
    char *help = capture(cli_help, &c);
    assert_string_equal(help,
                        "Usage: t [OPTION]... FILE\nDo it.\n\nOptions:\n"
                        "  -o, --output FILE            write the report to FILE\n"
                        "  -f, --format FMT             output encoding: ndjson (default) or tsv\n"
                        "      --min-f1 X               gate: F1 >= X\n"
                        "      --stats                  print counts\n"
                        "  -h, --help                   show this help and exit\n"
                        "  -V, --version                show the version and exit\n"
                        "\nBye.\n");
    free(help);
    char *man = capture(cli_man, &c);
    const char *want =
        ".TP\n.BR \\-o \", \" \\-\\-output \" \" \\fIFILE\\fR\nWrite the report to \\fIFILE\\fR.\n"
        ".TP\n.BR \\-f \", \" \\-\\-format \" \" \\fIFMT\\fR\n";
    assert_memory_equal(man, want, strlen(want));
    assert_non_null(strstr(man, "lines. Readers accept the mix.\n.SS Gates\n"
                                ".TP\n.BI \\-\\-min-f1 \" X\"\nGate: F1 >= X.\n"
                                ".TP\n.B \\-\\-stats\nPrint the counts.\n"
                                ".TP\n.BR \\-h \", \" \\-\\-help\nShow the options and exit.\n"));
    free(man);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_messages),
        cmocka_unit_test(test_next),
        cmocka_unit_test(test_help_and_man),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
