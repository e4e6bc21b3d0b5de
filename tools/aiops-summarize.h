/* aiops-summarize.h - aiops-summarize's settings as parsed.
 * aiops-summarize-args.c holds the option table and the API key loading,
 * and calls the LLM through summarize/ (aiops_llm_post); aiops-summarize.c
 * reads, summarises and prints. */
#ifndef AIOPS_SUMMARIZE_TOOL_H
#define AIOPS_SUMMARIZE_TOOL_H

#include "aiops.h"
#include "cli.h"
#include "common/buf.h"
#include "summarize/summarize.h"

typedef struct cfg {
    aiops_sum_opts so;
    aiops_reader_opts ro;
    const char *out, *history, *key_file, *endpoint, *model, *incident;
    int templates, assign, summaries_only, offline, dry_run, markdown, provider, verbose;
    double timeout, retry_base;
    int64_t retries, max_tokens;
    char *key;              /* the API key (owned, wiped by cfg_free), NULL = none */
} cfg;

/* Parse the command line into g (usage errors exit 2), then load the API
 * key (--key-file, else the provider's environment variable) unless
 * --offline or --dry-run. */
void sum_parse_args(cli *c, cfg *g);
void sum_cfg_free(cfg *g);
/* Use an LLM for the summaries?  (a key, or an OpenAI-compatible --endpoint) */
int sum_use_llm(const cfg *g);
/* The request line and headers, the key as <redacted> (--dry-run -v). */
void sum_print_request(const cfg *g, FILE *f);
/* POST body to the LLM with retries; the answer's text appended to text.
 * Errors name the HTTP status and the API's message, never the key. */
int sum_llm_call(const cfg *g, const char *body, aiops_buf *text, aiops_err *err);

#endif
