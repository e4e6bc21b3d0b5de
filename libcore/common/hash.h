/* hash.h - the one string hash of the code base: 64-bit FNV-1a.  Used for
 * the series table, Alertmanager-compatible fingerprints and the
 * simulator's stable ids, so they must all agree on it. */
#ifndef AIOPS_COMMON_HASH_H
#define AIOPS_COMMON_HASH_H

#include <stddef.h>
#include <stdint.h>

#define AIOPS_FNV_OFFSET 14695981039346656037ULL
#define AIOPS_FNV_PRIME 1099511628211ULL

/* Continue hash h over n bytes (start with AIOPS_FNV_OFFSET). */
static inline uint64_t aiops_fnv1a(uint64_t h, const void *s, size_t n)
{
    const unsigned char *p = s;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= AIOPS_FNV_PRIME;
    }
    return h;
}

#endif
