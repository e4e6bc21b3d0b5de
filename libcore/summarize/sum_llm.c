/* sum_llm.c - the shapes of the LLM APIs: request bodies, the text of a
 * response, error messages and the retry policy.  No I/O: the tool does
 * HTTP (tools/aiops-summarize-http.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "summarize/summarize.h"

const char *aiops_llm_system_prompt(void)
{
    return "You are an experienced site reliability engineer writing the first analysis of an "
           "incident for the on-call engineer. You get the incident's context: its time window, "
           "affected services, anomalous metrics, root-cause candidates with evidence, changes "
           "and Kubernetes events before onset, predictions that fired, log templates that are "
           "new or much more frequent during the incident (with an example line each), and "
           "similar past incidents with their resolution. Write a concise analysis in plain "
           "text with these sections: What happened; Impact; Probable cause (cite the evidence "
           "from the context, and say how sure you are); Timeline; Next steps (concrete, in "
           "order). Use only facts from the context; say so when the evidence is thin. Keep it "
           "under 300 words.";
}

const char *aiops_llm_path(aiops_llm_provider p)
{
    return p == AIOPS_LLM_OPENAI ? "/v1/chat/completions" : "/v1/messages";
}

static json_t *message(const char *role, const char *content)
{
    json_t *m = json_object();
    json_object_set_new(m, "role", json_string(role));
    json_object_set_new(m, "content", json_string(content));
    return m;
}

json_t *aiops_llm_request(aiops_llm_provider p, const char *model, int max_tokens, const char *user)
{
    json_t *r = json_object(), *msgs = json_array();
    json_object_set_new(r, "model", json_string(model));
    json_object_set_new(r, "max_tokens", json_integer(max_tokens));
    if (p == AIOPS_LLM_ANTHROPIC)
        json_object_set_new(r, "system", json_string(aiops_llm_system_prompt()));
    else
        json_array_append_new(msgs, message("system", aiops_llm_system_prompt()));
    json_array_append_new(msgs, message("user", user));
    json_object_set_new(r, "messages", msgs);
    return r;
}

int aiops_llm_response(aiops_llm_provider p, const char *body, size_t n, aiops_buf *text,
                       aiops_err *err)
{
    json_error_t je;
    json_t *j = json_loadb(body, n, 0, &je);
    int rc = 0;
    if (!json_is_object(j)) {
        rc = aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "the LLM's answer is not a JSON object%s%s",
                           j ? "" : ": ", j ? "" : je.text);
    } else if (p == AIOPS_LLM_ANTHROPIC) {
        json_t *content = json_object_get(j, "content"), *c;
        size_t i, got = 0;
        if (!json_is_array(content))
            rc = aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                               "the LLM's answer has no \"content\" array (Messages API)");
        json_array_foreach(content, i, c) {
            const char *t = json_string_value(json_object_get(c, "type"));
            const char *s = json_string_value(json_object_get(c, "text"));
            if (t && !strcmp(t, "text") && s) {
                aiops_buf_str(text, s);
                got++;
            }
        }
        if (!rc && !got)
            rc = aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "the LLM's answer has no text block");
    } else {
        json_t *m = json_object_get(json_array_get(json_object_get(j, "choices"), 0), "message");
        const char *s = json_string_value(json_object_get(m, "content"));
        if (!s)
            rc = aiops_err_set(err, AIOPS_EPARSE, NULL, 0,
                               "the LLM's answer has no choices[0].message.content (chat completions)");
        else
            aiops_buf_str(text, s);
    }
    if (!rc && text->oom)
        rc = aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    json_decref(j);
    return rc;
}

const char *aiops_llm_error_message(const char *body, size_t n)
{
    static char msg[300];
    json_t *j = json_loadb(body, n, 0, NULL);
    const char *m = json_string_value(json_object_get(json_object_get(j, "error"), "message"));
    if (!m) {
        json_decref(j);
        return NULL;
    }
    snprintf(msg, sizeof msg, "%s", m);
    json_decref(j);
    return msg;
}

int aiops_llm_retryable(long status)
{
    return status == 408 || status == 409 || status == 429 || status >= 500;
}

double aiops_llm_retry_after(const char *v, size_t n)
{
    double d;
    while (n && (*v == ' ' || *v == '\t'))
        v++, n--;
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r' || v[n - 1] == '\n'))
        n--;
    if (!n || aiops_parse_double(v, n, &d) || !isfinite(d) || d < 0)
        return -1;
    return d;
}

double aiops_llm_backoff(int attempt, double base, double retry_after)
{
    if (retry_after >= 0)
        return fmin(retry_after, 60);
    double d = base * pow(2, attempt > 0 ? attempt - 1 : 0);
    return fmin(d, 30);
}
