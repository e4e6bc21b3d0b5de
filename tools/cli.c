/* cli.c - option parsing and help from one table (see cli.h). */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "aiops.h"
#include "cli.h"

#define MAX_OPTS 64

int cli_next(cli *c)
{
    struct option lo[MAX_OPTS + 1];
    char so[3 * MAX_OPTS + 2];
    size_t n = 0, k = 0;
    so[k++] = ':';
    for (const cli_opt *o = c->opts; o->id && n < MAX_OPTS; o++, n++) {
        lo[n] = (struct option){o->lng, o->arg ? required_argument : no_argument, NULL, o->id};
        if (o->id < 128) {
            so[k++] = (char)o->id;
            if (o->arg)
                so[k++] = ':';
        }
    }
    lo[n] = (struct option){0, 0, 0, 0};
    so[k] = '\0';
    optind = c->optind ? c->optind : 1;
    opterr = 0;
    int r = getopt_long(c->argc, c->argv, so, lo, NULL);
    c->optind = optind;
    c->optarg = optarg;
    if (r == '?' || r == ':') {
        const char *bad = c->argv[optind - 1];
        if (r == ':')
            fprintf(stderr, "%s: option '%s' needs an argument\n", c->prog, bad);
        else
            fprintf(stderr, "%s: unknown option '%s'\n", c->prog, bad);
        fprintf(stderr, "Try '%s --help' for more information.\n", c->prog);
        return '?';
    }
    return r;
}

void cli_help(const cli *c, FILE *f)
{
    fprintf(f, "Usage: %s %s\n%s\n\nOptions:\n", c->prog, c->usage, c->about);
    for (const cli_opt *o = c->opts; o->id; o++) {
        char left[64];
        if (o->id < 128)
            snprintf(left, sizeof left, "-%c, --%s%s%s", o->id, o->lng, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", o->lng, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        fprintf(f, "  %-28s %s\n", left, o->help);
    }
    if (c->footer)
        fprintf(f, "\n%s", c->footer);
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

double cli_double(const cli *c, const char *opt, const char *s)
{
    double v;
    if (aiops_parse_double(s, strlen(s), &v))
        cli_die_usage(c, "--%s: expected a number, got '%s'", opt, s);
    return v;
}

size_t cli_size(const cli *c, const char *opt, const char *s)
{
    int64_t v;
    if (aiops_parse_int64(s, strlen(s), &v) || v <= 0)
        cli_die_usage(c, "--%s: expected a positive whole number, got '%s'", opt, s);
    return (size_t)v;
}

double cli_time(const cli *c, const char *opt, const char *s)
{
    double v;
    if (aiops_parse_time(s, strlen(s), &v))
        cli_die_usage(c, "--%s: expected RFC 3339 time or epoch seconds, got '%s'", opt, s);
    return v;
}
