/* array.c - aiops_grow (see array.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aiops.h"
#include "common/array.h"

int aiops_grow(void *parr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap < 8 ? 8 : *cap;
    while (nc < need)
        nc = nc > SIZE_MAX / 2 ? need : nc * 2;
    if (elem && nc > SIZE_MAX / elem)
        return AIOPS_ENOMEM;
    /* The array pointer is read and written through memcpy, so any T * may
     * be passed by address without breaking the aliasing rules. */
    void *old;
    memcpy(&old, parr, sizeof old);
    void *p = realloc(old, nc * elem);
    if (!p)
        return AIOPS_ENOMEM;
    memcpy(parr, &p, sizeof p);
    *cap = nc;
    return 0;
}

int aiops_grow_zero(void *parr, size_t *cap, size_t need, size_t elem)
{
    size_t old = *cap;
    int rc = aiops_grow(parr, cap, need, elem);
    if (rc || *cap == old)
        return rc;
    char *p;
    memcpy(&p, parr, sizeof p);
    memset(p + old * elem, 0, (*cap - old) * elem);
    return 0;
}
