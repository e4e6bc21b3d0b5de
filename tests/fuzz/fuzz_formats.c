/* fuzz_formats.c - libFuzzer harness: every input format (and detection)
 * over arbitrary bytes.  The first byte picks the format; the rest is the
 * entry.  Run: make fuzz (FUZZ_SECONDS=60 by default). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aiops_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const aiops_format *const *all = aiops_formats();
    size_t nfmt = 0;
    while (all[nfmt])
        nfmt++;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    const aiops_format *f = data[0] < nfmt ? all[data[0]] : aiops_format_detect("x", text, len);
    if (!f)
        return 0;
    aiops_series_table *tab = aiops_series_table_new();
    /* Small caps so the fuzzer reaches the limit paths too. */
    aiops_stream *st = aiops_stream_new_mem("fuzz.in", text, len, 4096, 65536);
    aiops_stream_set_mtime(st, 1700000000);
    aiops_parse_ctx ctx = {.stream = st, .series = tab};
    aiops_err err = {0};
    void *state = NULL;
    if (f->open(&state, &ctx, &err) == 0) {
        aiops_record r;
        for (int i = 0; i < 100000; i++) {
            memset(&r, 0, sizeof r);
            if (f->next(state, &ctx, &r, &err) != 1)
                break;
            aiops_record_clear(&r);
        }
        f->close(state);
    }
    aiops_stream_free(st);
    aiops_series_table_free(tab);
    return 0;
}
