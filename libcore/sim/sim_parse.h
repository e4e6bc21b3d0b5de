/* sim_parse.h - what the scenario parser's files share (sim_parse*.c):
 * the parsing context and typed member readers over jdoc.h.
 *
 * jansson keeps no source positions, so every value is read through the
 * context's aiops_jdoc, which tracks its JSON path; an error names the
 * path and the line of the value in the raw text ("FILE:LINE: path:
 * expected ...").  The readers below are jdoc's getters with the
 * scenario's rules: a null member is a wrong value, not an absent one
 * (AIOPS_JDOC_NULL), and the wrong value is quoted in the message
 * (AIOPS_JDOC_QUOTE: got "abc"); durations, non-empty strings and times
 * are the scenario's own.
 *
 * Every reader returns 0 or a negative AIOPS_E* with c->jd.err filled; an
 * absent member leaves *out at its default. */
#ifndef AIOPS_SIM_PARSE_H
#define AIOPS_SIM_PARSE_H

#include "common/jdoc.h"
#include "sim/sim_scenario.h"

typedef struct sim_pctx {
    aiops_jdoc jd;
    aiops_sim_scenario *sc;
} sim_pctx;

/* "out of memory" for the scenario's file. */
int sim_oom(sim_pctx *c);
/* Fail at member key of the value being read: "path.key: message". */
#define sim_bad_at(c, ...) aiops_jdoc_bad_at(&(c)->jd, __VA_ARGS__)

/* A number in [lo, hi] (dflt when absent). */
int sim_get_num(sim_pctx *c, json_t *o, const char *key, double dflt, double lo, double hi,
                double *out);
/* A duration >= lo: seconds as a number, or text like "90s", "5m",
 * "1h30m", "2d" (dflt when absent). */
int sim_get_dur(sim_pctx *c, json_t *o, const char *key, double dflt, double lo, double *out);
/* A copy of a non-empty string (of dflt when absent; NULL if dflt is). */
int sim_get_str(sim_pctx *c, json_t *o, const char *key, const char *dflt, char **out);
/* An RFC 3339 time text (*out untouched when absent); example names the
 * form in the message. */
int sim_get_time(sim_pctx *c, json_t *o, const char *key, const char *example, double *out);
/* An object or array member: *out NULL when absent (an error for an
 * array if required). */
int sim_get_obj(sim_pctx *c, json_t *o, const char *key, json_t **out);
int sim_get_arr(sim_pctx *c, json_t *o, const char *key, int required, json_t **out);

/* An object of at most 7 numbers, {key: number in [lo, hi]}; each absent
 * one keeps *dst.  f ends with a NULL key. */
typedef struct sim_numfield {
    const char *key;
    double *dst;
    double lo, hi;
} sim_numfield;
int sim_get_nums(sim_pctx *c, json_t *o, const char *key, const sim_numfield *f);

/* Each element of arr (member key of the value being read) by one(), at
 * its JSON path "key[i]", until one fails.  *count (if not NULL) follows
 * the elements reached, so the scenario frees exactly what was filled. */
typedef int (*sim_item_fn)(sim_pctx *c, json_t *item, size_t i, void *arg);
int sim_each(sim_pctx *c, json_t *arr, const char *key, size_t *count, sim_item_fn one,
             void *arg);

/* Reject members the schema does not know (known: NULL-terminated), so a
 * typo cannot silently fall back to a default. */
int sim_check_keys(sim_pctx *c, json_t *o, const char *const *known);
/* A service or namespace name: letters, digits, '-', '_', '.', at most 63. */
int sim_valid_name(const char *s);
/* sim_get_str of such a name. */
int sim_get_name(sim_pctx *c, json_t *o, const char *key, const char *dflt, char **out);
/* Index of the service named name among those parsed so far, or -1. */
long sim_find_service(const aiops_sim_scenario *sc, const char *name);

/* The parts of a scenario: "services" with "defaults" (sim_parse_services.c);
 * "alerts", "deploys" and "faults", which need the services
 * (sim_parse_events.c). */
int sim_parse_services(sim_pctx *c, json_t *root);
int sim_parse_events(sim_pctx *c, json_t *root);

#endif
