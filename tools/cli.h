/* cli.h - the option table every tool uses: one source of truth for
 * parsing (getopt_long) and for --help. */
#ifndef AIOPS_CLI_H
#define AIOPS_CLI_H

#include <stddef.h>
#include <stdio.h>

typedef struct cli_opt {
    int id;               /* returned by cli_next; the short letter if any */
    const char *lng;      /* long name without "--" */
    const char *arg;      /* argument name for help, NULL = flag */
    const char *help;     /* one line; may mention the default */
} cli_opt;

typedef struct cli {
    const char *prog;
    const char *usage;    /* "[OPTION]... [FILE]..." */
    const char *about;    /* paragraph after the usage line */
    const cli_opt *opts;  /* terminated by id 0 */
    const char *footer;   /* text after the options, may be NULL */
    /* state */
    int argc;
    char **argv;
    const char *optarg;
    int optind;
} cli;

/* Next option: its id, -1 at the end of options, '?' after printing a
 * usage error to stderr. */
int cli_next(cli *c);
void cli_help(const cli *c, FILE *f);
/* "prog: message" to stderr and exit 2 (usage errors). */
void cli_die_usage(const cli *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3), noreturn))
#endif
    ;
/* Checked numbers for option arguments; exit 2 with a message if bad. */
double cli_double(const cli *c, const char *opt, const char *s);
size_t cli_size(const cli *c, const char *opt, const char *s);
double cli_time(const cli *c, const char *opt, const char *s);

#endif
