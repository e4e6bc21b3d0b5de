/* alert_tok.h - what the token fast paths of the alert formats share
 * (fmt_alertmanager.c, run by alert_list.c): member names checked for
 * repeats, an object of strings read into its JSON text and its pairs,
 * and times read as aiops_jdoc_time reads a string.  Each gives up
 * (AIOPS_TOK_BAIL) on anything the tree path would read another way or
 * report, and the document is then read as a tree.  Not public. */
#ifndef AIOPS_ALERT_TOK_H
#define AIOPS_ALERT_TOK_H

#include "formats/alerts/alerts.h"
#include "formats/obs.h"
#include "formats/traces/tokens.h"

#define AIOPS_ATOK_MAX 64        /* members of one object (more: give up) */

/* The member names of one object so far: 0 for a new name, BAIL for a
 * repeat (the tree reports it), a name of 48 bytes or more, or too many. */
typedef struct aiops_atok_names {
    char k[AIOPS_ATOK_MAX][48];
    unsigned n;
} aiops_atok_names;
int aiops_atok_name(aiops_atok_names *s, const char *k, size_t n);

/* An object of strings (labels, annotations) after its '{': its compact
 * JSON text appended to json (as the writer prints the tree), and each
 * name and value NUL-terminated in str at the offsets below.  0 or BAIL
 * (a value that is not a string, a repeated name, a tokenizer error). */
typedef struct aiops_atok_map {
    size_t key[AIOPS_ATOK_MAX], val[AIOPS_ATOK_MAX], vlen[AIOPS_ATOK_MAX];
    unsigned n;
} aiops_atok_map;
int aiops_atok_strmap(aiops_jpull *p, aiops_atok_map *m, aiops_buf *json, aiops_buf *str);
/* The value of name in m (borrowed from str), or NULL; *len its length. */
const char *aiops_atok_get(const aiops_atok_map *m, const aiops_buf *str, const char *name,
                           size_t *len);
/* aiops_alert_service and aiops_alert_fingerprint over m. */
const char *aiops_atok_service(const aiops_atok_map *m, const aiops_buf *str);
void aiops_atok_fingerprint(const aiops_atok_map *m, const aiops_buf *str, char *buf);

/* After token t that starts a value a fast path does not read: read to
 * its end, its member names checked.  0 or BAIL. */
int aiops_atok_skip(aiops_jpull *p, int t);

/* In an object after its '{' (or after the value of a member this
 * returned): the members up to the next one named in want (NULL-ended),
 * the others skipped (aiops_atok_skip), every name checked against
 * names.  Its 1-based index in want with *t the token that starts its
 * value, 0 at the object's '}', or -1 to give up (a repeated name, a
 * tokenizer error). */
int aiops_atok_next(aiops_jpull *p, aiops_atok_names *names, const char *const *want, int *t);

/* Token t as a time the way aiops_jdoc_time reads a string (RFC 3339 or
 * epoch text, finite): 0, or BAIL for anything else (numbers too). */
int aiops_atok_time(aiops_jpull *p, int t, double *out);

#endif
