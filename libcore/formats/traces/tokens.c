/* tokens.c - token fast path helpers (tokens.h). */
#include <stdlib.h>
#include <string.h>

#include "formats/traces/tokens.h"

int aiops_tok_members(aiops_jpull *p, void *self, void *ctx, aiops_tok_member fn,
                      const char *const *names, aiops_err *err)
{
    unsigned seen = 0;
    int t, rc;
    while ((t = aiops_jpull_next(p, err)) == AIOPS_JT_KEY) {
        const char *k = aiops_jpull_text(p, NULL);
        unsigned i = 0;
        while (names[i] && (k[0] != names[i][0] || strcmp(k, names[i]) != 0))
            i++;
        if (!names[i] || i >= 32 || (seen & (1u << i)))
            return AIOPS_TOK_BAIL;
        seen |= 1u << i;
        if ((rc = fn(self, ctx, i, err)) != 0)
            return rc;
    }
    return t < 0 ? t : 0;
}

int aiops_tok_skip(aiops_jpull *p, aiops_err *err)
{
    aiops_obs_pull d = { .p = p };   /* the skip reads only the tokenizer */
    int t = aiops_jpull_next(p, err);
    int rc = t < 0 ? t : aiops_obs_pull_skip_unique(&d, t, err);
    return rc < 0 ? rc : rc ? AIOPS_TOK_BAIL : 0;
}

int aiops_tok_int(aiops_jpull *p, int t, int64_t *x)
{
    size_t n;
    const char *s = aiops_jpull_text(p, &n);
    if (t == AIOPS_JT_STR)
        return aiops_parse_int64(s, n, x) < 0 ? AIOPS_TOK_BAIL : 0;
    if (t != AIOPS_JT_NUM || strpbrk(s, ".eE") || (s[0] == '-' && s[1] == '0'))
        return AIOPS_TOK_BAIL;
    *x = strtoll(s, NULL, 10);   /* jpull has checked the range */
    return 0;
}
