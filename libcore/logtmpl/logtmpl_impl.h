/* logtmpl_impl.h - internals of the template miner shared by its files:
 * the masked token (mask.c makes them, logtmpl.c mines them). */
#ifndef AIOPS_LOGTMPL_IMPL_H
#define AIOPS_LOGTMPL_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "logtmpl/logtmpl.h"

/* One masked token: text at out + off, len bytes; h its FNV-1a hash;
 * var = 1 when a variable was masked in it (it routes to the wildcard
 * branch of the parse tree). */
typedef struct lt_tok {
    uint32_t off, len;
    uint64_t h;
    int var;
} lt_tok;

/* Bytes of out that lt_tokenize may write for an n-byte message. */
#define LT_OUT_CAP(n) (3 * (n) + 8)

/* Cut msg (n <= AIOPS_LOGTMPL_MAX_MSG) into at most AIOPS_LOGTMPL_MAX_TOKENS
 * whitespace tokens, masking each into out (LT_OUT_CAP(n) bytes, owned by
 * the caller); toks gets the tokens.  Returns the token count. */
size_t lt_tokenize(int mask_digits, const char *msg, size_t n, char *out, lt_tok *toks);

#endif
