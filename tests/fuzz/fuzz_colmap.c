/* fuzz_colmap.c - libFuzzer harness: --map column mappings of table
 * exports (libcore/formats/tables/colmap.c; aiops-replay --map, -I
 * table/clickhouse).  Input: one flag byte, then two parts split at lines
 * "%%" (tests/fuzz/fuzz.h): part 0, the spec (bit 0 of the flag: given
 * as a mapping file, --map @FILE); part 1, the table's column names, one a
 * line, to resolve the mapping against.  Bit 1: the generic table (else
 * ClickHouse).  Run: make fuzz. */
#include "formats/tables/colmap.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned fl = fuzz_flags(&data, &size);
    size_t n0, n1;
    const char *p0 = fuzz_part((const char *)data, size, 0, &n0);
    const char *p1 = fuzz_part((const char *)data, size, 1, &n1);
    static aiops_colmap m;   /* large: not on the stack */
    if (fl & 2)
        aiops_colmap_init_table(&m);
    else
        aiops_colmap_init(&m);
    aiops_err err = {0};
    char *spec = NULL;
    if (fl & 1) {
        const char *path = fuzz_file("map", p0, n0);
        if (!path || !(spec = malloc(strlen(path) + 2)))
            return 0;
        spec[0] = '@';
        strcpy(spec + 1, path);
    } else if (!(spec = fuzz_str(p0, n0)))
        return 0;
    if (aiops_colmap_parse(&m, spec, "header.tsv", &err) == 0) {
        char *cols = fuzz_str(p1, n1);
        const char *names[256];
        size_t k = 0;
        for (char *c = cols, *next; c && k < 256; c = next) {
            next = strchr(c, '\n');
            if (next)
                *next++ = 0;
            names[k++] = c;
        }
        if (cols && aiops_colmap_resolve(&m, names, k, "header", "t.tsv", 1, &err) == 0)
            for (size_t i = 0; i < k; i++)
                (void)aiops_colmap_uses(&m, names[i]);
        free(cols);
    }
    free(spec);
    return 0;
}
