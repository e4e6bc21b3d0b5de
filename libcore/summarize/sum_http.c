/* sum_http.c - the LLM call over HTTPS (libcurl): one POST with retries.
 *
 * Only aiops-summarize references this file, so only it links -lcurl (the
 * static library pulls in the objects a program uses).  The API key goes
 * into one header string and nowhere else: every error message passes
 * through redact() first, because gateways have been seen echoing the
 * request's headers back in their error bodies. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <curl/curl.h>
#include "summarize/summarize.h"

/* An answer larger than this is not a summary: refuse it. */
#define LLM_MAX_ANSWER ((size_t)8 << 20)

static int curl_started;

void aiops_llm_cleanup(void)
{
    if (curl_started)
        curl_global_cleanup();
    curl_started = 0;
}

char *aiops_llm_url(aiops_llm_provider p, const char *endpoint)
{
    const char *base = endpoint ? endpoint
                       : p == AIOPS_LLM_OPENAI ? "https://api.openai.com"
                                               : "https://api.anthropic.com";
    const char *path = aiops_llm_path(p);
    size_t bn = strlen(base), pn = strlen(path);
    while (bn && base[bn - 1] == '/')
        bn--;
    aiops_buf b = {0};
    aiops_buf_put(&b, base, bn);
    if (bn < pn || memcmp(base + bn - pn, path, pn))
        aiops_buf_str(&b, path);
    if (b.oom) {
        aiops_buf_free(&b);
        return NULL;
    }
    return b.p;
}

typedef struct xfer {
    aiops_buf body;
    double retry_after;
    int too_big;
} xfer;

static size_t on_body(char *p, size_t sz, size_t n, void *ctx)
{
    xfer *x = ctx;
    if (x->body.n + sz * n > LLM_MAX_ANSWER) {
        x->too_big = 1;
        return 0;
    }
    aiops_buf_put(&x->body, p, sz * n);
    return x->body.oom ? 0 : sz * n;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ctx)
{
    xfer *x = ctx;
    size_t len = sz * n;
    if (len > 12 && !strncasecmp(p, "retry-after:", 12))
        x->retry_after = aiops_llm_retry_after(p + 12, len - 12);
    return len;
}

/* msg with every occurrence of the key replaced, into out[512] */
static const char *redact(const aiops_llm_http *h, const char *msg, char *out)
{
    size_t o = 0, kn = h->key ? strlen(h->key) : 0;
    for (const char *p = msg; *p && o + 12 < 512;) {
        if (kn && !strncmp(p, h->key, kn)) {
            o += (size_t)snprintf(out + o, 512 - o, "<redacted>");
            p += kn;
        } else
            out[o++] = *p++;
    }
    out[o] = 0;
    return out;
}

static int fail(const aiops_llm_http *h, aiops_err *err, int code, const char *msg)
{
    char out[512];
    return aiops_err_set(err, code, NULL, 0, "%s", redact(h, msg, out));
}

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - floor(s)) * 1e9)};
    while (nanosleep(&ts, &ts) && errno == EINTR)
        ;
}

/* The request headers; the key's header string is the only copy of the
 * key libcurl sees (freed with the list). */
static struct curl_slist *headers(const aiops_llm_http *h)
{
    aiops_buf hk = {0};
    struct curl_slist *l = curl_slist_append(NULL, "content-type: application/json");
    if (l && h->provider == AIOPS_LLM_ANTHROPIC) {
        l = curl_slist_append(l, "anthropic-version: " AIOPS_LLM_ANTHROPIC_VERSION);
        if (h->key)
            aiops_buf_printf(&hk, "x-api-key: %s", h->key);
    } else if (l && h->key)
        aiops_buf_printf(&hk, "authorization: Bearer %s", h->key);
    if (l && hk.p)
        l = curl_slist_append(l, hk.p);
    if (hk.p)
        memset(hk.p, 0, hk.n);
    aiops_buf_free(&hk);
    return l;
}

static void setup(CURL *cu, const aiops_llm_http *h, struct curl_slist *hl, const char *body,
                  xfer *x)
{
    curl_easy_reset(cu);
    curl_easy_setopt(cu, CURLOPT_URL, h->url);
    curl_easy_setopt(cu, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(cu, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(cu, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(cu, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(cu, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(cu, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(cu, CURLOPT_TIMEOUT_MS, (long)(h->timeout * 1000));
    curl_easy_setopt(cu, CURLOPT_CONNECTTIMEOUT_MS, (long)(fmin(h->timeout, 10) * 1000));
    curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
    if (h->agent)
        curl_easy_setopt(cu, CURLOPT_USERAGENT, h->agent);
}

/* One attempt's outcome: 0 done (text filled), 1 retry (msg says why),
 * <0 a final error. */
static int attempt(CURL *cu, const aiops_llm_http *h, xfer *x, aiops_buf *text, char *msg,
                   size_t mn, aiops_err *err)
{
    CURLcode cc = curl_easy_perform(cu);
    long status = 0;
    curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &status);
    if (x->too_big)
        return aiops_err_set(err, AIOPS_ELIMIT, NULL, 0, "%s: the answer is larger than 8 MiB", h->url);
    if (cc != CURLE_OK) {
        snprintf(msg, mn, "%s: %s", h->url, curl_easy_strerror(cc));
        if (cc == CURLE_OPERATION_TIMEDOUT || cc == CURLE_COULDNT_CONNECT || cc == CURLE_RECV_ERROR ||
            cc == CURLE_SEND_ERROR || cc == CURLE_GOT_NOTHING)
            return 1;
        return fail(h, err, AIOPS_EIO, msg);
    }
    if (status == 200) {
        int rc = aiops_llm_response(h->provider, x->body.p ? x->body.p : "", x->body.n, text, err);
        if (rc) {
            snprintf(msg, mn, "%s: %s", h->url, err->msg);
            rc = fail(h, err, rc, msg);
        }
        return rc;
    }
    const char *m = aiops_llm_error_message(x->body.p ? x->body.p : "", x->body.n);
    snprintf(msg, mn, "%s: HTTP %ld%s%s", h->url, status, m ? ": " : "", m ? m : "");
    return aiops_llm_retryable(status) ? 1 : fail(h, err, AIOPS_EIO, msg);
}

int aiops_llm_post(const aiops_llm_http *h, const char *body, aiops_buf *text, aiops_err *err)
{
    if (!curl_started && curl_global_init(CURL_GLOBAL_DEFAULT))
        return aiops_err_set(err, AIOPS_EIO, NULL, 0, "libcurl failed to start");
    curl_started = 1;
    struct curl_slist *hl = headers(h);
    CURL *cu = curl_easy_init();
    int rc = hl && cu ? 1 : aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    int attempts = 1 + (h->retries > 0 ? h->retries : 0);
    char msg[512];
    for (int a = 1; rc == 1 && a <= attempts; a++) {
        xfer x = {.retry_after = -1};
        setup(cu, h, hl, body, &x);
        rc = attempt(cu, h, &x, text, msg, sizeof msg, err);
        aiops_buf_free(&x.body);
        if (rc == 1 && a == attempts) {
            char m2[600];
            snprintf(m2, sizeof m2, "%s (gave up after %d attempt%s)", msg, attempts, attempts == 1 ? "" : "s");
            rc = fail(h, err, AIOPS_EIO, m2);
        } else if (rc == 1) {
            char m2[512];
            double wait = aiops_llm_backoff(a, h->retry_base, x.retry_after);
            if (h->on_retry)
                h->on_retry(h->ctx, redact(h, msg, m2), wait);
            sleep_s(wait);
        }
    }
    curl_easy_cleanup(cu);
    curl_slist_free_all(hl);   /* the key header is in one of these strings */
    return rc;
}
