/* fuzz_formats.c - libFuzzer harness: every input format (and detection)
 * over arbitrary bytes.  The first byte picks the format; the rest is the
 * entry.  First byte 0xfe: the JSON pull tokenizer (common/jpull.h) over
 * the rest split in pieces of 1..16 bytes (the second byte), which must
 * give the same tokens and error as the whole buffer at once.  First byte
 * 0xfd: format number data[1] read with and without raw text (the
 * readers' tree-free paths: logcli lines, Elasticsearch hits and
 * documents, Fluent Bit lines, Jaeger traces, OTLP resources (the
 * document streamed), Zipkin spans, Kubernetes watch lines and any
 * format's later ones read from tokens straight into record text, and
 * their fall-back to the tree on anything unusual), which must give the
 * same records and errors; after an error the reader says it can resume
 * from (a bad JSON line, --skip-bad) both reads go on, so the lines after
 * a bad one are compared too.  Seeds raw-* (from the fixtures, many of
 * which the fast paths give up on, tests/fuzz/seeds.sh) and the shapes
 * they read: regressions/raw-{jaeger,otlp,zipkin,k8s}-fast and
 * regressions/fuzz_formats/logs-*.
 * Run: make fuzz (FUZZ_SECONDS=60 by default). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aiops_format.h"
#include "common/buf.h"
#include "common/jpull.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* FNV-1a over the token kinds, texts, lines and the error. */
static uint64_t jpull_digest(const char *s, size_t n, size_t piece)
{
    aiops_jpull_mem m = {s, n, 0, piece};
    static const char *const keys[] = {"message", "log", NULL};
    aiops_jpull_opts o = {.max_str = 4096, .max_depth = 64, .repair_keys = keys};
    aiops_jpull *p = aiops_jpull_new(aiops_jpull_mem_read, &m, &o);
    aiops_err err = {0};
    uint64_t h = 1469598103934665603ull;
    if (!p)
        return 0;
    for (;;) {
        int t = aiops_jpull_next(p, &err);
        size_t len;
        const char *txt = aiops_jpull_text(p, &len);
        if (t < 0) {
            txt = err.msg;
            len = strlen(err.msg);
        }
        h = (h ^ (uint64_t)(t + 100)) * 1099511628211ull;
        h = (h ^ (uint64_t)aiops_jpull_line(p)) * 1099511628211ull;
        if (t == AIOPS_JT_KEY || t == AIOPS_JT_STR || t == AIOPS_JT_NUM || t < 0)
            for (size_t i = 0; i < len; i++)
                h = (h ^ (unsigned char)txt[i]) * 1099511628211ull;
        if (t <= 0)
            break;
        if ((t == AIOPS_JT_OBJ || t == AIOPS_JT_ARR) && aiops_jpull_depth(p) == 3) {
            aiops_buf raw = {0};
            int rc = aiops_jpull_skip(p, &raw, 2048, &err);
            h = (h ^ (uint64_t)(rc + 1000) ^ raw.n) * 1099511628211ull;
            aiops_buf_free(&raw);
            if (rc < 0)
                break;
        }
    }
    aiops_jpull_free(p);
    return h;
}

/* FNV-1a over the records of format f read from [s, s+n) (their types,
 * times, values and members as the writer prints them) and the error
 * that ends them: raw-text records (aiops_parse_ctx.raw_text, the fast
 * paths) must digest as the trees of the default read. */
static uint64_t records_digest(const aiops_format *f, const char *s, size_t n, int raw)
{
    aiops_series_table *tab = aiops_series_table_new();
    /* A document cap above any input (-max_len is 128 KiB): the streamed
     * alert fast paths read a file of many payloads that the tree path,
     * slurping it, would refuse past the cap; the two must only agree on
     * what both can read. */
    aiops_stream *st = aiops_stream_new_mem("fuzz.in", s, n, 4096, 1 << 20);
    aiops_stream_set_mtime(st, 1700000000);
    aiops_parse_ctx ctx = {.stream = st, .series = tab, .raw_text = raw};
    aiops_err err = {0};
    void *state = NULL;
    uint64_t h = 1469598103934665603ull;
    int rc = f->open(&state, &ctx, &err), errors = 0;
    for (int i = 0; rc == 0 && i < 100000; i++) {
        aiops_record r;
        memset(&r, 0, sizeof r);
        ctx.resumable = 0;
        int got = f->next(state, &ctx, &r, &err);
        if (got < 0 && ctx.resumable && ++errors < 64) {
            /* a bad record stepped over: its error counts, then on */
            h = (h ^ (uint64_t)(got + 100) ^ (uint64_t)err.line << 8) * 1099511628211ull;
            for (const char *m = err.msg; *m; m++)
                h = (h ^ (unsigned char)*m) * 1099511628211ull;
            continue;
        }
        if (got != 1) {
            rc = got;
            break;
        }
        aiops_buf b = {0};
        aiops_buf_printf(&b, "%d %.17g %.17g ", (int)r.type, r.ts, r.value);
        json_t *o = aiops_record_json(&r, NULL);
        if (o)
            aiops_buf_json(&b, o);
        for (size_t k = 0; k < b.n; k++)
            h = (h ^ (unsigned char)b.p[k]) * 1099511628211ull;
        aiops_buf_free(&b);
        aiops_record_clear(&r);
    }
    h = (h ^ (uint64_t)(rc + 100) ^ (uint64_t)err.line << 8) * 1099511628211ull;
    for (const char *m = err.msg; rc < 0 && *m; m++)
        h = (h ^ (unsigned char)*m) * 1099511628211ull;
    if (state)
        f->close(state);
    aiops_stream_free(st);
    aiops_series_table_free(tab);
    return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (data[0] == 0xfd) {   /* raw text: the second byte picks the format */
        const aiops_format *const *all = aiops_formats();
        size_t nfmt = 0;
        while (all[nfmt])
            nfmt++;
        if (size < 2 || data[1] >= nfmt)
            return 0;
        const char *s = (const char *)data + 2;
        if (records_digest(all[data[1]], s, size - 2, 0) !=
            records_digest(all[data[1]], s, size - 2, 1))
            abort();
        return 0;
    }
    if (data[0] == 0xfe) {
        if (size < 2)
            return 0;
        const char *s = (const char *)data + 2;
        if (jpull_digest(s, size - 2, 0) != jpull_digest(s, size - 2, data[1] % 16 + 1))
            abort();
        return 0;
    }
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
