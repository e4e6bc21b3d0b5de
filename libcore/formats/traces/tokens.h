/* tokens.h - what the token fast paths of the trace and event readers
 * share (fmt_otlp.c, fmt_zipkin.c, fmt_k8sevents.c): reading the members
 * of an object by name from jpull's tokens, skipping a value with its
 * member names checked, and integers read as jdoc reads them.  A fast
 * path gives up (AIOPS_TOK_BAIL) on anything it does not read in the tree
 * path's exact way, and the value is then read as a tree.  Not public. */
#ifndef AIOPS_TOKENS_H
#define AIOPS_TOKENS_H

#include "formats/obs.h"

#define AIOPS_TOK_BAIL 1

/* fn(self, ctx, i, err) for each member of an object (after its '{'), i
 * its index in names (NULL-terminated, at most 32): 0 to go on, else
 * returned.  A name not in names, or repeated, gives up.  0 at the '}',
 * AIOPS_TOK_BAIL, or <0 a tokenizer error. */
typedef int (*aiops_tok_member)(void *self, void *ctx, unsigned i, aiops_err *err);
int aiops_tok_members(aiops_jpull *p, void *self, void *ctx, aiops_tok_member fn,
                      const char *const *names, aiops_err *err);

/* The next value, not used: read to its end with the member names of its
 * objects checked (a repeat gives up: the tree reports it).  0, BAIL, <0. */
int aiops_tok_skip(aiops_jpull *p, aiops_err *err);

/* Token t as an integer the way AIOPS_JDOC_INTTEXT reads one: a number
 * without fraction or exponent (not -0), or a string of one.  0 or BAIL. */
int aiops_tok_int(aiops_jpull *p, int t, int64_t *x);

#endif
