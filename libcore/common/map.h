/* map.h - the one hash map of the code base for integer keys: u64 -> u32,
 * open addressing with linear probing, backward-shift deletion.  Any key
 * (hashes, ids, 0 too); values are usually indexes into the caller's own
 * growable array (common/array.h).  The map owns its two
 * arrays: aiops_map_free.  A zeroed aiops_map is an empty map. */
#ifndef AIOPS_COMMON_MAP_H
#define AIOPS_COMMON_MAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct aiops_map {
    uint64_t *key;
    uint32_t *val;
    size_t cap, n;           /* n counts key 0 too */
    int has0;                /* key 0, which cannot sit in the table */
    uint32_t val0;
} aiops_map;

/* Set k -> v (replacing); 0, or AIOPS_ENOMEM (the map is unchanged). */
int aiops_map_put(aiops_map *m, uint64_t k, uint32_t v);
/* 1 and *v when k is there, else 0. */
int aiops_map_get(const aiops_map *m, uint64_t k, uint32_t *v);
void aiops_map_del(aiops_map *m, uint64_t k);
void aiops_map_free(aiops_map *m);

#endif
