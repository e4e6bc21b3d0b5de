/* map.c - the u64 -> u32 hash map (map.h). */
#include <stdlib.h>
#include <string.h>

#include "aiops.h"
#include "common/map.h"

static size_t slot_of(const aiops_map *m, uint64_t k)
{
    size_t i = (size_t)(k * 0x9E3779B97F4A7C15ULL) & (m->cap - 1);
    while (m->key[i] && m->key[i] != k)
        i = (i + 1) & (m->cap - 1);
    return i;
}

int aiops_map_put(aiops_map *m, uint64_t k, uint32_t v)
{
    if (!k) {    /* 0 marks an empty slot: key 0 lives beside the table */
        m->n += !m->has0;
        m->has0 = 1;
        m->val0 = v;
        return 0;
    }
    if ((m->n + 1) * 2 > m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 64;
        aiops_map nm = {calloc(nc, sizeof *nm.key), calloc(nc, sizeof *nm.val), nc, (size_t)m->has0,
                        m->has0, m->val0};
        if (!nm.key || !nm.val) {
            free(nm.key);
            free(nm.val);
            return AIOPS_ENOMEM;
        }
        for (size_t i = 0; i < m->cap; i++)
            if (m->key[i]) {
                size_t j = slot_of(&nm, m->key[i]);
                nm.key[j] = m->key[i];
                nm.val[j] = m->val[i];
                nm.n++;
            }
        aiops_map_free(m);
        *m = nm;
    }
    size_t i = slot_of(m, k);
    if (!m->key[i])
        m->n++;
    m->key[i] = k;
    m->val[i] = v;
    return 0;
}

int aiops_map_get(const aiops_map *m, uint64_t k, uint32_t *v)
{
    if (!k) {
        if (m->has0)
            *v = m->val0;
        return m->has0;
    }
    if (!m->cap)
        return 0;
    size_t i = slot_of(m, k);
    if (!m->key[i])
        return 0;
    *v = m->val[i];
    return 1;
}

/* Backward-shift deletion keeps probe chains intact. */
void aiops_map_del(aiops_map *m, uint64_t k)
{
    if (!k) {
        m->n -= (size_t)m->has0;
        m->has0 = 0;
        return;
    }
    if (!m->cap)
        return;
    size_t i = slot_of(m, k);
    if (!m->key[i])
        return;
    m->key[i] = 0;
    m->n--;
    for (size_t j = (i + 1) & (m->cap - 1); m->key[j]; j = (j + 1) & (m->cap - 1)) {
        size_t home = (size_t)(m->key[j] * 0x9E3779B97F4A7C15ULL) & (m->cap - 1);
        /* move j to i when i lies cyclically in [home, j) */
        if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
            m->key[i] = m->key[j];
            m->val[i] = m->val[j];
            m->key[j] = 0;
            i = j;
        }
    }
}

void aiops_map_free(aiops_map *m)
{
    free(m->key);
    free(m->val);
    memset(m, 0, sizeof *m);
}
