/* fuzz_summarize.c - libFuzzer harness: aiops-summarize's collector
 * (libcore/summarize) and log template miner over a record stream.
 * Input: one flag byte, then two parts split at lines "%%"
 * (tests/fuzz/fuzz.h): part 0, --history records (past summaries); part
 * 1, the record stream.  Every incident's context is built, cut to a
 * budget, and written as text, offline summary (plain and Markdown) and
 * summary record.  Flag bit 0: --templates --assign mode instead; bits
 * 1-3: the budget (0 = default).  Run: make fuzz. */
#include "common/buf.h"
#include "logtmpl/logtmpl.h"
#include "summarize/summarize.h"
#include "fuzz.h"

static int hist(void *ctx, aiops_record *r, aiops_err *err)
{
    int rc = r->obj ? aiops_sum_history(ctx, r->obj, err) : 0;
    return rc < 0 ? rc : 0;
}

static int add(void *ctx, aiops_record *r, aiops_err *err)
{
    int rc = aiops_sum_add(ctx, r, err);
    return rc == AIOPS_EPARSE ? 0 : rc;   /* --skip-bad goes on */
}

static int tmpl(void *ctx, aiops_record *r, aiops_err *err)
{
    json_t *m = json_object_get(r->obj, "message");
    uint32_t id;
    if (r->type != AIOPS_R_LOG || !json_is_string(m))
        return 0;
    int rc = aiops_logtmpl_add(ctx, json_string_value(m), json_string_length(m), &id, err);
    return rc < 0 ? rc : 0;
}

static void templates(const char *s, size_t n, aiops_series_table *tab)
{
    aiops_sum_opts o;
    aiops_sum_opts_default(&o);
    o.tmpl.max_templates = 200;
    aiops_logtmpl *t = NULL;
    aiops_err err = {0};
    if (aiops_logtmpl_new(&t, &o.tmpl, &err))
        return;
    if (!fuzz_records(s, n, tab, tmpl, t, &err)) {
        size_t pos = 0;
        uint32_t id;
        while (aiops_logtmpl_next(t, &pos, &id)) {
            aiops_buf b = {0};
            aiops_logtmpl_text(t, id, &b);
            aiops_buf_free(&b);
            (void)aiops_logtmpl_hits(t, id);
            (void)aiops_logtmpl_canon(t, id);
        }
    }
    aiops_logtmpl_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned fl = fuzz_flags(&data, &size);
    size_t n0, n1;
    const char *p0 = fuzz_part((const char *)data, size, 0, &n0);
    const char *p1 = fuzz_part((const char *)data, size, 1, &n1);
    aiops_series_table *tab = aiops_series_table_new();
    if (!tab)
        return 0;
    if (fl & 1) {
        templates(p1, n1, tab);
        aiops_series_table_free(tab);
        return 0;
    }
    aiops_sum_opts o;
    aiops_sum_opts_default(&o);
    o.max_incidents = 100;
    o.tmpl.max_templates = 200;
    if (fl & 14)
        o.budget = (size_t)((fl >> 1) & 7) * 300;
    aiops_sum *s = NULL;
    aiops_err err = {0};
    int rc = aiops_sum_new(&s, &o, &err);
    if (!rc)
        rc = fuzz_records(p0, n0, tab, hist, s, &err);
    if (!rc)
        rc = fuzz_records(p1, n1, tab, add, s, &err);
    for (size_t i = 0; !rc && i < aiops_sum_count(s); i++) {
        json_t *ctx = NULL;
        if (aiops_sum_context(s, i, &ctx, &err))
            break;
        aiops_buf b = {0};
        aiops_sum_context_text(ctx, &b);
        aiops_sum_offline(ctx, 0, &b);
        aiops_sum_offline(ctx, 1, &b);
        json_t *rec = aiops_sum_record(ctx, b.p ? b.p : "", "offline");
        json_decref(rec);
        aiops_buf_free(&b);
        json_decref(ctx);
    }
    aiops_sum_free(s);
    aiops_series_table_free(tab);
    return 0;
}
