/* summarize.h - aiops-summarize's engine (layer 6): per-incident context
 * from the record stream, the size budget, similar past incidents, the
 * offline summary, and the LLM request/response shapes (the HTTP transport
 * itself is the tool's: tools/aiops-summarize-http.c).
 *
 * Use: aiops_sum_new; aiops_sum_history for each past summary record;
 * aiops_sum_add for each record of the stream (time order); then for each
 * incident i < aiops_sum_count: aiops_sum_context, a summary from it
 * (aiops_sum_offline, or an LLM over aiops_sum_context_text), and
 * aiops_sum_record.  Memory: the template miner's cap, the ring of recent
 * log lines and context records (opts ring / ctx_ring), at most
 * max_incidents incidents each with capped lists; never the stream length. */
#ifndef AIOPS_SUMMARIZE_H
#define AIOPS_SUMMARIZE_H

#include <stddef.h>

#include "aiops.h"
#include "common/buf.h"
#include "logtmpl/logtmpl.h"

typedef struct aiops_sum_opts {
    double before;          /* changes, events and the log baseline: this long before onset (s) */
    double pred_before;     /* predictions issued up to this long before onset count (s) */
    size_t budget;          /* context size budget in characters (~4 per token) */
    size_t max_logs;        /* log templates shown at most */
    double min_ratio;       /* "much more frequent": rate during / rate before >= this */
    size_t neighbours;      /* similar past incidents shown at most */
    double min_similarity;  /* and only from this similarity on (0-1) */
    size_t max_incidents;   /* incidents held (cap) */
    size_t ring;            /* recent log lines remembered for the baseline (cap) */
    size_t ctx_ring;        /* recent anomaly/event/prediction records remembered (cap) */
    aiops_logtmpl_opts tmpl;
} aiops_sum_opts;

void aiops_sum_opts_default(aiops_sum_opts *o);

typedef struct aiops_sum aiops_sum;

/* Owned by the caller (aiops_sum_free).  o NULL = defaults. */
int aiops_sum_new(aiops_sum **out, const aiops_sum_opts *o, aiops_err *err);
void aiops_sum_free(aiops_sum *s);

/* One record of the stream (borrowed; what is kept is copied or
 * referenced).  log, incident, rca, anomaly, event, prediction records are
 * used, others ignored.  Errors: AIOPS_EPARSE (a required field missing or
 * of the wrong type: "field: expected ..."), AIOPS_ELIMIT (more than
 * max_incidents incidents), AIOPS_ENOMEM. */
int aiops_sum_add(aiops_sum *s, const aiops_record *r, aiops_err *err);

/* One past summary record (type "summary" with "features"; other objects
 * are ignored and return 0) for the neighbour search.  Returns 1 when
 * kept.  Borrowed: what is kept is referenced. */
int aiops_sum_history(aiops_sum *s, json_t *rec, aiops_err *err);

/* The template miner of the stream's log records (borrowed, owned by s). */
aiops_logtmpl *aiops_sum_miner(aiops_sum *s);

size_t aiops_sum_count(const aiops_sum *s);

/* The context of incident i (in order of first appearance) as a JSON
 * object (a new reference, owned by the caller), within the size budget:
 *   incident {id,start,end,services,title,alerts}, signature,
 *   anomalies [{series,service,value,expected,score,start}],
 *   rca [{service,score,evidence}], changes [{ts,kind,service,reason,
 *   message,version,author,object,severity}], predictions [{ts,kind,
 *   service,eta,confidence,message}], logs [{template,count,before,new,
 *   ratio,example}], baseline (seconds of the log baseline before
 *   onset), similar [{incident,similarity,title,signature,resolution}],
 *   features {services,metrics,templates,signature}, dropped (items the
 *   budget removed). */
int aiops_sum_context(aiops_sum *s, size_t i, json_t **ctx, aiops_err *err);

/* Drop the least informative items of ctx until its text
 * (aiops_sum_context_text) fits in budget characters; the incident header
 * always stays.  Returns the number of items dropped (also added to
 * ctx.dropped). */
size_t aiops_sum_budget(json_t *ctx, size_t budget);

/* Informativeness of an item of section sec ("rca", "anomalies", ...) at
 * index idx of ctx: the budget drops the lowest first. */
double aiops_sum_item_score(const json_t *ctx, const char *sec, size_t idx);

/* The context as plain text (what the LLM reads), appended to out. */
void aiops_sum_context_text(const json_t *ctx, aiops_buf *out);

/* The offline summary: what happened, impact, probable cause with
 * evidence, timeline, similar incidents, next steps (rule table per fault
 * signature).  Plain text, or Markdown with markdown = 1.  Deterministic. */
void aiops_sum_offline(const json_t *ctx, int markdown, aiops_buf *out);

/* The rule-based fault signature of a context ("bad_deploy", "latency",
 * "error_burst", "cpu_saturation", "memory_leak", "oom_kill",
 * "disk_fill", "network_partition", "traffic_spike", "crash_loop",
 * "dependency_outage", "unknown"). */
const char *aiops_sum_signature(const json_t *ctx);

/* Similarity (0-1) of two feature objects {services,metrics,templates,
 * signature}: weighted Jaccard over the sets, signature equality. */
double aiops_sum_similarity(const json_t *fa, const json_t *fb);

/* The summary record of docs/FORMAT.md (a new reference): ts (the
 * incident's end, else start), incident, text, generator, title,
 * signature, features (for later --history). */
json_t *aiops_sum_record(const json_t *ctx, const char *text, const char *generator);

/* ------------------------------------------------------------ LLM shapes */

typedef enum { AIOPS_LLM_ANTHROPIC = 0, AIOPS_LLM_OPENAI = 1 } aiops_llm_provider;

#define AIOPS_LLM_DEFAULT_MODEL "claude-sonnet-5"
#define AIOPS_LLM_ANTHROPIC_VERSION "2023-06-01"

/* The instructions sent with every context (static text). */
const char *aiops_llm_system_prompt(void);
/* The URL path the provider's API takes ("/v1/messages",
 * "/v1/chat/completions"). */
const char *aiops_llm_path(aiops_llm_provider p);
/* The request body (a new reference): Messages API {model, max_tokens,
 * system, messages:[{role:user, content}]} or chat completions {model,
 * max_tokens, messages:[{role:system},{role:user}]}. */
json_t *aiops_llm_request(aiops_llm_provider p, const char *model, int max_tokens,
                          const char *user);
/* The text of a 200 response body (Messages: the text blocks of content;
 * chat: choices[0].message.content) appended to text.  AIOPS_EPARSE with
 * what was wrong when the body is not that shape. */
int aiops_llm_response(aiops_llm_provider p, const char *body, size_t n, aiops_buf *text,
                       aiops_err *err);
/* The message of an error body ({"error":{"message":...}} in both APIs),
 * or NULL; borrowed from a static buffer of 300 bytes, valid until the
 * next call. */
const char *aiops_llm_error_message(const char *body, size_t n);
/* Retry an HTTP status?  1 for 408, 409, 429, 5xx and 529, else 0. */
int aiops_llm_retryable(long status);
/* Seconds to wait before attempt (1-based) after a retryable answer:
 * the retry-after header's seconds when given (>= 0, capped at 60),
 * else base * 2^(attempt-1) capped at 30. */
double aiops_llm_backoff(int attempt, double base, double retry_after);
/* A retry-after header value: delay seconds, or -1 if not a number. */
double aiops_llm_retry_after(const char *v, size_t n);

#endif
