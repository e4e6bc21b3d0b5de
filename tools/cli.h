/* cli.h - one typed option table per tool: the single source of truth for
 * parsing (getopt_long), checking and storing option arguments, --help, and
 * the OPTIONS section of the tool's man page (`aiops-TOOL --help-man`, run
 * by tools/man-options.sh for `make man`). */
#ifndef AIOPS_CLI_H
#define AIOPS_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "aiops.h"

/* What an option takes, and what its dest points to. */
typedef enum cli_type {
    CLI_FLAG,       /* no argument                   int: set to 1 */
    CLI_STRING,     /* the argument as given         const char * */
    CLI_PATH,       /* a file name, as given         const char * */
    CLI_LIST,       /* repeatable string             cli_list: appended */
    CLI_INT,        /* whole number (range)          int64_t */
    CLI_SIZE,       /* positive whole number         size_t */
    CLI_NUMBER,     /* number, NaN/Inf spellings too (range)  double */
    CLI_DURATION,   /* 90s, 5m, 1h30m, 14d; >= 0 (range)     double seconds */
    CLI_TIME,       /* RFC 3339 or epoch seconds     double epoch seconds */
    CLI_ENUM,       /* one of names                  int: index, or values[index] */
    CLI_HELP,       /* -h: print --help, exit 0 (the shared row) */
    CLI_VERSION,    /* -V: print "prog VERSION", exit 0 (the shared row) */
    CLI_TEXT,       /* not an option: roff for the man page only (CLI_MAN_TEXT) */
} cli_type;

/* The id of long-only rows that store into dest (cli_next never returns
 * them); a tool's own codes start above it. */
enum { CLI_LONG = 256 };

/* Range of CLI_INT, CLI_NUMBER, CLI_DURATION: bits of cli_opt.range. */
enum { CLI_GE = 1, CLI_GT = 2, CLI_LE = 4 };    /* v >= lo, v > lo, v <= hi */

typedef struct cli_opt {
    int id;               /* the short letter, or a code >= 256; 0 ends the table.
                             Rows may share a code: cli.opt says which one it was */
    const char *lng;      /* long name without "--" */
    const char *arg;      /* argument name for help, NULL for CLI_FLAG */
    const char *help;     /* one line of --help; may mention the default */
    cli_type type;
    void *dest;           /* where the checked value goes (type above); NULL = cli_next
                             returns id with the value in cli.optarg / num / whole */
    const char *const *names;   /* CLI_ENUM: the accepted words, NULL-terminated */
    const int *values;    /* CLI_ENUM: stored instead of the index (optional) */
    unsigned range;       /* CLI_GE | CLI_GT | CLI_LE, with lo and hi */
    double lo, hi;
    const char *man;      /* the man page's description (roff, lines joined with \n);
                             NULL = from help.  The generator prints it verbatim */
    int common;           /* a shared row of cli.c (CLI_OUTPUT, ...): it supplies every
                             field this row leaves empty */
} cli_opt;

/* The shared rows, defined once in cli.c.  Place one where it belongs in
 * the tool's --help; a row may still set its own .help and .man, e.g.
 * {.common = 'o', .dest = &g->out, .help = "..."}. */
#define CLI_OUTPUT(d)  {.id = 'o', .common = 1, .dest = (d)}   /* -o FILE: const char * */
#define CLI_FORMAT(d)  {.id = 'f', .common = 1, .dest = (d)}   /* -f ndjson|tsv: int */
#define CLI_VERBOSE(d) {.id = 'v', .common = 1, .dest = (d)}   /* -v: int */
/* --tz ZONE: the zone of times written without one (aiops_time_zone_set).
 * A table with this row gets the zone set before any option is checked
 * (so --from and --span read it too): --tz, else $TZ, else UTC. */
enum { CLI_STRICT_ID = 251, CLI_MAX_SERIES_ID = 252, CLI_FROM_ID = 253, CLI_TO_ID = 254, CLI_TZ_ID = 255 };
#define CLI_TZ_ROW     {.id = CLI_TZ_ID, .common = 1}
/* --from TIME / --to TIME into doubles (set them to -INFINITY / INFINITY
 * first): records outside [from, to) are dropped; cli_next refuses a
 * --from that is not before --to. */
#define CLI_FROM(d)    {.id = CLI_FROM_ID, .common = 1, .dest = (d)}
#define CLI_TO(d)      {.id = CLI_TO_ID, .common = 1, .dest = (d)}
/* --max-series N: the cap on distinct series (common/limits.h); the
 * AIOPS_MAX_* environment variables are read for every tool. */
#define CLI_MAX_SERIES_ROW {.id = CLI_MAX_SERIES_ID, .common = 1}
/* --strict: any record skipped or dropped (cli_reader_report, cli_skipped)
 * makes the exit status 2 (cli_status); files no format recognises are
 * errors (aiops_reader_opts.strict). */
#define CLI_STRICT_ROW {.id = CLI_STRICT_ID, .common = 1}
#define CLI_HELP_ROW   {.id = 'h', .common = 1}
#define CLI_VERSION_ROW {.id = 'V', .common = 1}
/* Roff placed between two options on the man page (e.g. a .SS heading). */
#define CLI_MAN_TEXT(roff) {.id = 1, .type = CLI_TEXT, .man = (roff)}
#define CLI_END        {0}

/* A CLI_LIST destination: v is NULL-terminated (or NULL); free(v). */
typedef struct cli_list {
    const char **v;
    size_t n, cap;
} cli_list;

typedef struct cli {
    const char *prog;
    const char *usage;    /* "[OPTION]... [FILE]..." */
    const char *about;    /* paragraph after the usage line */
    const cli_opt *opts;  /* terminated by CLI_END */
    const char *footer;   /* text after the options, may be NULL */
    int argc;
    char **argv;
    /* the option cli_next returned */
    const cli_opt *opt;   /* its row (shared rows filled in) */
    const char *optarg;   /* its argument, NULL for a flag */
    double num;           /* CLI_NUMBER, CLI_DURATION, CLI_TIME: the value */
    int64_t whole;        /* CLI_INT, CLI_SIZE, CLI_ENUM: the value (stored form) */
    int optind;           /* after the loop: the first operand */
    cli_opt cur;
} cli;

/* Parses options, checks each argument by its type (a usage error ends the
 * program with status 2: "prog: --name: expected ..., got 'x'" and the
 * --help hint) and stores it at dest.  Handles -h, -V, and `--help-man` as
 * the only argument (prints the OPTIONS rows as roff).  Returns the id of
 * the next option without a dest, or -1 at the end of the options. */
int cli_next(cli *c);
void cli_help(const cli *c, FILE *f);
/* The man page's OPTIONS rows (.TP entries) as roff. */
void cli_man(const cli *c, FILE *f);
/* The operands after the options, or only "-" (stdin) when there are none. */
const char *const *cli_inputs(const cli *c, size_t *n);
/* A tool's own records skipped or dropped: "prog: skipped N WHY" on
 * stderr at the end of the run (nothing when n is 0); they count for
 * --strict.  why is a printf format. */
void cli_skipped(const cli *c, uint64_t n, const char *why, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* The exit status of a run that went well: status, or 2 (with a line on
 * stderr) under --strict when records were skipped or dropped. */
int cli_status(const cli *c, int status);
/* "prog: FILE:LINE: message" to stderr: the error a run ended with. */
void cli_error(const cli *c, const aiops_err *err);
/* "prog: message" and the --help hint to stderr, exit 2 (usage errors). */
void cli_die_usage(const cli *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3), noreturn))
#endif
    ;

/* The check behind cli_next, for one argument of row o (shared rows
 * resolved): 0 and the value in *num / *whole, or -1 and what was
 * expected in msg ("--days: expected a number in (0, 400], got '0'"). */
int cli_parse_arg(const cli_opt *o, const char *arg, double *num, int64_t *whole, char *msg,
                  size_t msgsize);

/* Write text to path (NULL or "-": standard output) through a temporary
 * renamed into place (common/ofile.h), with a final newline when text
 * lacks one.  0 or <0 ("FILE: write failed: No space left on device"). */
int cli_write(const char *path, const char *text, aiops_err *err);

/* The reader of a tool's inputs: the library's warnings (files no format
 * recognises, exposition text dated by mtime) go to stderr as "prog:
 * warning: ...".  ro->warn is set; the rest of *ro is the caller's. */
int cli_reader_new(const cli *c, aiops_reader **rd, const char *const *paths, size_t n,
                   aiops_series_table *tab, aiops_reader_opts *ro, aiops_err *err);
/* err (a tool's own complaint about the record last read) gets that
 * record's FILE:LINE when it names no file yet. */
void cli_reader_locate(aiops_reader *rd, aiops_err *err);
/* At the end of a run, on stderr: duplicate samples dropped, conflicting
 * ones, and malformed records skipped (the exact count and the first). */
void cli_reader_report(const cli *c, const aiops_reader *rd);
/* The whole read loop of a tool that only consumes records: every record
 * of paths into each(ctx, record) (the record is cleared after it; an
 * error is located at that record's FILE:LINE), then cli_reader_report.
 * ro may be NULL (defaults).  Returns 0 or the first negative code. */
typedef int (*cli_each_fn)(void *ctx, aiops_record *r, aiops_err *err);
int cli_read_all(const cli *c, const char *const *paths, size_t n, aiops_series_table *tab,
                 aiops_reader_opts *ro, cli_each_fn each, void *ctx, aiops_err *err);

#endif
