/* fuzz_llm.c - libFuzzer harness: the LLM response parser
 * (libcore/summarize/sum_llm.c): a 200 body of either provider, an error
 * body's message, and a retry-after header value.  Input: one flag byte
 * (bit 0: openai, else anthropic), then the body.  Run: make fuzz. */
#include "common/buf.h"
#include "summarize/summarize.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned fl = fuzz_flags(&data, &size);
    const char *body = (const char *)data;
    aiops_buf text = {0};
    aiops_err err = {0};
    aiops_llm_response(fl & 1 ? AIOPS_LLM_OPENAI : AIOPS_LLM_ANTHROPIC, body, size, &text, &err);
    aiops_buf_free(&text);
    const char *msg = aiops_llm_error_message(body, size);
    if (msg && strlen(msg) >= 300)
        abort();
    double ra = aiops_llm_retry_after(body, size < 64 ? size : 64);
    (void)aiops_llm_backoff((int)(fl >> 1) % 8 + 1, 1, ra);
    return 0;
}
