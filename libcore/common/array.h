/* array.h - the one growable array of the code base (like git's
 * ALLOC_GROW): any T *arr with a size_t capacity beside it.
 *
 *     if (AIOPS_GROW(v, cap, n + 1)) return AIOPS_ENOMEM;
 *     v[n++] = x;
 *
 * Capacity doubles (from at least 8 elements); on failure the array and
 * its capacity are left as they were.  AIOPS_GROW_ZERO also zeroes the
 * slots it adds, for arrays indexed by id or filled field by field. */
#ifndef AIOPS_COMMON_ARRAY_H
#define AIOPS_COMMON_ARRAY_H

#include <stddef.h>

/* Make *parr (a T * passed by address) hold at least need elements of
 * size elem; *cap is its capacity in elements.  0, or AIOPS_ENOMEM
 * (out of memory or size overflow). */
int aiops_grow(void *parr, size_t *cap, size_t need, size_t elem);

/* aiops_grow, then zero the elements from the old capacity to the new. */
int aiops_grow_zero(void *parr, size_t *cap, size_t need, size_t elem);

#define AIOPS_GROW(arr, cap, need) \
    ((size_t)(need) <= (cap) ? 0 : aiops_grow(&(arr), &(cap), (need), sizeof *(arr)))
#define AIOPS_GROW_ZERO(arr, cap, need) \
    ((size_t)(need) <= (cap) ? 0 : aiops_grow_zero(&(arr), &(cap), (need), sizeof *(arr)))

#endif
