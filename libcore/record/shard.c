/* shard.c - --shard K/N: which of N shards a record belongs to (aiops.h,
 * docs/SCALE.md).  Samples by a hash of their series' canonical text,
 * everything else in shard 0. */
#include <stdio.h>
#include <string.h>

#include "aiops.h"
#include "common/hash.h"

/* MurmurHash3's 64-bit finaliser: FNV-1a's low bits depend only on the
 * low bits of each byte ("web-1" and "web-9" agree in their low 3 bits), so
 * the hash is mixed before it is reduced modulo N. */
static uint64_t fmix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

uint32_t aiops_shard_of(const char *text, size_t len, uint32_t n)
{
    return n ? (uint32_t)(fmix64(aiops_fnv1a(AIOPS_FNV_OFFSET, text, len)) % n) : 0;
}

int aiops_shard_parse(const char *text, aiops_shard *out, aiops_err *err)
{
    const char *slash = strchr(text, '/');
    int64_t k = -1, n = -1;
    if (!slash || aiops_parse_int64(text, (size_t)(slash - text), &k) ||
        aiops_parse_int64(slash + 1, strlen(slash + 1), &n) || n < 1 ||
        n > AIOPS_SHARD_MAX || k < 0 || k >= n)
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "expected K/N, whole numbers with 0 <= K < N <= %u (K counts from "
                             "0: the shards of 4 are 0/4 .. 3/4), got '%s'",
                             AIOPS_SHARD_MAX, text);
    out->k = (uint32_t)k;
    out->n = (uint32_t)n;
    return 0;
}

int aiops_shard_keep(const aiops_shard *sh, aiops_series_table *tab, const aiops_record *r)
{
    if (!sh->n)
        return 1;
    if (r->type != AIOPS_R_SAMPLE)
        return sh->k == 0;
    const aiops_series *s = aiops_series_get(tab, r->sid);
    if (!s)                  /* cannot happen; never lose a record */
        return sh->k == 0;
    return aiops_shard_of(s->text, s->text_len, sh->n) == sh->k;
}
