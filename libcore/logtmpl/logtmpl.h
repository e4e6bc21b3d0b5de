/* logtmpl.h - the online log template miner (layer 5).
 *
 * A Drain-style miner: each message is cut into whitespace tokens, the
 * variable parts of every token are masked (numbers, durations and sizes,
 * hex ids, UUIDs, IPv4/IPv6 addresses with ports, paths and URLs, and, with
 * mask_digits, any token piece holding a digit), and the masked tokens walk
 * a fixed-depth parse tree: token count, then the first depth-2 tokens
 * (a masked token, or one past a node's max_children, takes the wildcard
 * branch).  The leaf holds templates of that length; the most similar one
 * (share of positions whose token equals the template's) takes the message
 * when the similarity reaches sim, and positions that differ become <*>.
 * A position where min_variants templates of a leaf differ (and nowhere
 * else) becomes <*> too, so a word that takes many values is a variable
 * while two templates differing in one word stay apart.
 * A template that becomes as general as another one of the same leaf
 * absorbs it (template merging): the absorbed id then resolves to the
 * survivor through aiops_logtmpl_canon().
 *
 * Memory is bounded: at most max_templates templates (default 20000) of at
 * most AIOPS_LOGTMPL_MAX_TOKENS tokens, a message longer than
 * AIOPS_LOGTMPL_MAX_MSG bytes is mined on its first AIOPS_LOGTMPL_MAX_MSG
 * bytes.  Once max_templates is reached, a message that matches no template
 * goes to the overflow template (id AIOPS_LOGTMPL_OVERFLOW, text "<overflow>"),
 * which counts those messages, so nothing is lost silently.
 *
 * Defaults (aiops_logtmpl_opts_default) were chosen by leave-one-system-out
 * cross-validation on Loghub-2k (docs/BENCHMARKS.md). */
#ifndef AIOPS_LOGTMPL_H
#define AIOPS_LOGTMPL_H

#include <stddef.h>
#include <stdint.h>

#include "aiops.h"
#include "common/buf.h"

#define AIOPS_LOGTMPL_MAX_TOKENS 128          /* tokens per message; the rest join the last one */
#define AIOPS_LOGTMPL_MAX_MSG ((size_t)16384) /* bytes of a message that are mined */
#define AIOPS_LOGTMPL_OVERFLOW 0u             /* id of the overflow template */

typedef struct aiops_logtmpl_opts {
    int depth;             /* parse tree depth >= 3 (root, length, depth-2 token levels) */
    double sim;            /* similarity threshold in (0, 1] */
    int max_children;      /* children of a token node before new tokens take the wildcard */
    size_t max_templates;  /* cap on live templates (>= 1) */
    int mask_digits;       /* 1: a token piece holding a digit is a variable */
    int wild_similar;      /* 1: a template's <*> counts as similar to any token */
    int min_variants;      /* >= 2: this many templates of one leaf that differ at one
                              position only make it a variable; 0 = off */
} aiops_logtmpl_opts;

void aiops_logtmpl_opts_default(aiops_logtmpl_opts *o);

typedef struct aiops_logtmpl aiops_logtmpl;

/* A new miner (owned by the caller, aiops_logtmpl_free).  o NULL = defaults.
 * Errors: AIOPS_EINVAL (an option out of range), AIOPS_ENOMEM. */
int aiops_logtmpl_new(aiops_logtmpl **out, const aiops_logtmpl_opts *o, aiops_err *err);
void aiops_logtmpl_free(aiops_logtmpl *t);

/* Mine one message of n bytes (need not be NUL-terminated); *id gets its
 * template id (ids start at 1; AIOPS_LOGTMPL_OVERFLOW past the cap).
 * Returns 1 when a new template was created, 0 otherwise, AIOPS_ENOMEM. */
int aiops_logtmpl_add(aiops_logtmpl *t, const char *msg, size_t n, uint32_t *id,
                      aiops_err *err);

/* The id a template was merged into (id itself while it is live).  An id
 * that was never returned gives itself. */
uint32_t aiops_logtmpl_canon(const aiops_logtmpl *t, uint32_t id);

/* One past the largest id handed out so far (ids are < this). */
uint32_t aiops_logtmpl_id_end(const aiops_logtmpl *t);
/* Live templates (the overflow template counts once it took a message). */
size_t aiops_logtmpl_count(const aiops_logtmpl *t);

/* Messages the template (after canon) has taken, 0 for an unknown id. */
uint64_t aiops_logtmpl_hits(const aiops_logtmpl *t, uint32_t id);
/* Append the template's text (tokens joined by one space, variables as
 * <*>) to out (the caller's buffer).  Returns 0, or AIOPS_EINVAL for an
 * unknown id. */
int aiops_logtmpl_text(const aiops_logtmpl *t, uint32_t id, aiops_buf *out);

/* Live templates in id order: start with *pos = 0; each call sets *id to
 * the next live template and returns 1, or returns 0 at the end.  Adding
 * messages between calls is allowed (new ids come later). */
int aiops_logtmpl_next(const aiops_logtmpl *t, size_t *pos, uint32_t *id);

/* The masking step alone, for tests and display: msg's tokens with their
 * variables as <*>, joined by one space, appended to out. */
void aiops_logtmpl_mask(const aiops_logtmpl_opts *o, const char *msg, size_t n,
                        aiops_buf *out);

#endif
