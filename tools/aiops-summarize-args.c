/* aiops-summarize-args.c - aiops-summarize's option table (the source of
 * --help and the man page's OPTIONS), the API key, and the LLM call over
 * libcurl with timeouts and retries. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>


#include "aiops-summarize.h"

static const char *const providers[] = {"anthropic", "openai", NULL};

void sum_parse_args(cli *c, cfg *g)
{
    aiops_sum_opts *so = &g->so;
    const cli_opt opts[] = {
        CLI_MAN_TEXT(".SS Template mining"),
        {CLI_LONG, "templates", NULL, "mine log templates only: write template records with counts",
         CLI_FLAG, .dest = &g->templates,
         .man = "Mine the log records' templates only and write one \\fBtemplate\\fR record per\n"
                "template at the end, most frequent first: \\fBid\\fR, \\fBtemplate\\fR (variables\n"
                "as \\fB<*>\\fR), \\fBcount\\fR, \\fBts\\fR (first seen), \\fBmerged\\fR (ids\n"
                "merged into it)."},
        {CLI_LONG, "assign", NULL, "with --templates: pass records through, logs with their template id",
         CLI_FLAG, .dest = &g->assign,
         .man = "With \\fB\\-\\-templates\\fR: write every record as it comes, each \\fBlog\\fR\n"
                "record with a \\fBtemplate\\fR field (its template id at that time; a later\n"
                "merge is listed in the template record's \\fBmerged\\fR), then the template\n"
                "records."},
        {CLI_LONG, "similarity", "X", "template similarity threshold (0.9)", CLI_NUMBER,
         .dest = &so->tmpl.sim, .range = CLI_GT | CLI_LE, .lo = 0, .hi = 1,
         .man = "Share of a message's tokens that must equal a template's for the message to\n"
                "join it (default 0.9, chosen by leave-one-system-out cross-validation on\n"
                "Loghub; docs/BENCHMARKS.md)."},
        {CLI_LONG, "max-templates", "N", "cap on templates kept (20000)", CLI_SIZE,
         .dest = &so->tmpl.max_templates,
         .man = "At most \\fIN\\fR templates (default 20000). Past it, a message that matches\n"
                "none is counted in the overflow template \\fB<overflow>\\fR (id 0)."},
        CLI_MAN_TEXT(".SS Context"),
        {CLI_LONG, "incident", "ID", "summarise only the incident ID", CLI_STRING, .dest = &g->incident,
         .man = "Summarise only the incident whose \\fBid\\fR is \\fIID\\fR."},
        {CLI_LONG, "history", "FILE", "past summary records for similar incidents", CLI_PATH,
         .dest = &g->history,
         .man = "Earlier \\fBsummary\\fR records (the output of earlier runs, with a\n"
                "\\fBresolution\\fR field the team added, e.g. with jq). The most similar past\n"
                "incidents (services, metric families, log templates, fault signature) are\n"
                "shown with their resolution."},
        {CLI_LONG, "before", "DUR", "window before onset for changes and the log baseline (1h)",
         CLI_DURATION, .dest = &so->before, .range = CLI_GT, .lo = 0,
         .man = "Changes and Kubernetes events from this long before onset are context, and\n"
                "log template rates during the incident are compared with this window before\n"
                "it (default 1h)."},
        {CLI_LONG, "budget", "CHARS", "context size budget in characters (12000, ~3000 tokens)", CLI_SIZE,
         .dest = &so->budget,
         .man = "Size budget of the context in characters (about 4 per token; default 12000).\n"
                "Past it the least informative items are dropped first: weak anomalies,\n"
                "Normal Kubernetes events, templates barely more frequent, distant similar\n"
                "incidents; the incident header always stays."},
        {CLI_LONG, "max-incidents", "N", "cap on incidents held (10000)", CLI_SIZE,
         .dest = &so->max_incidents, .man = "At most \\fIN\\fR incidents (default 10000); more is an error."},
        CLI_MAN_TEXT(".SS Summary"),
        {CLI_LONG, "offline", NULL, "write the offline summary, never call an LLM", CLI_FLAG,
         .dest = &g->offline,
         .man = "Write the deterministic offline summary (also the default when no API key\n"
                "is set): what happened, impact, probable cause with evidence, timeline,\n"
                "similar incidents, next steps from a rule table per fault signature."},
        {CLI_LONG, "summaries-only", NULL, "write summary records only, not the input records", CLI_FLAG,
         .dest = &g->summaries_only,
         .man = "Write only the \\fBsummary\\fR records.  By default every input record is\n"
                "written too, as it is read, and the summaries follow at the end of the input\n"
                "(their \\fBts\\fR then no earlier than the last record's), so the stream goes on\n"
                "to aiops-report."},
        {CLI_LONG, "markdown", NULL, "write Markdown instead of summary records", CLI_FLAG,
         .dest = &g->markdown, .man = "Write a Markdown report instead of \\fBsummary\\fR records."},
        {CLI_LONG, "dry-run", NULL, "print each LLM request body instead of sending it", CLI_FLAG,
         .dest = &g->dry_run,
         .man = "Print the exact request body of each incident (one JSON line each) instead of\n"
                "sending it; with \\fB\\-v\\fR the URL and headers go to standard error, the key\n"
                "shown as \\fB<redacted>\\fR. Needs no key."},
        {CLI_LONG, "provider", "NAME", "anthropic (Messages API, default) or openai (chat completions)",
         CLI_ENUM, .dest = &g->provider, .names = providers,
         .man = "\\fBanthropic\\fR: the Messages API (\\fBPOST /v1/messages\\fR, key from\n"
                "\\fBANTHROPIC_API_KEY\\fR). \\fBopenai\\fR: an OpenAI-compatible chat completions\n"
                "server (\\fBPOST /v1/chat/completions\\fR, key from \\fBOPENAI_API_KEY\\fR, none\n"
                "needed for a local llama.cpp or vLLM server given with \\fB\\-\\-endpoint\\fR)."},
        {CLI_LONG, "model", "NAME", "model (default " AIOPS_LLM_DEFAULT_MODEL " for anthropic)", CLI_STRING,
         .dest = &g->model,
         .man = "The model (default \\fB" AIOPS_LLM_DEFAULT_MODEL "\\fR with anthropic; required\n"
                "with openai)."},
        {CLI_LONG, "endpoint", "URL", "API base URL (https://api.anthropic.com)", CLI_STRING,
         .dest = &g->endpoint,
         .man = "The API's base URL, for compatible gateways and local servers (default\n"
                "\\fBhttps://api.anthropic.com\\fR, \\fBhttps://api.openai.com\\fR). The API path\n"
                "is appended unless the URL already ends with it."},
        {CLI_LONG, "key-file", "FILE", "read the API key from FILE (mode 0600)", CLI_PATH,
         .dest = &g->key_file,
         .man = "Read the API key from the first line of \\fIFILE\\fR, which must not be\n"
                "readable by group or others (mode 0600). Without it the key comes from the\n"
                "environment. The key is never printed, logged or written."},
        {CLI_LONG, "timeout", "DUR", "timeout of one request (60s)", CLI_DURATION, .dest = &g->timeout,
         .range = CLI_GT, .lo = 0, .man = "Timeout of one HTTP request (default 60s)."},
        {CLI_LONG, "retries", "N", "retries on 429/529/5xx and timeouts (4)", CLI_INT,
         .dest = &g->retries, .range = CLI_GE | CLI_LE, .lo = 0, .hi = 20,
         .man = "Retries after a 408, 409, 429, 5xx or 529 answer, a timeout or a failed\n"
                "connection (default 4). The wait is the answer's \\fBretry-after\\fR seconds\n"
                "(at most 60), else 1s, 2s, 4s, ... (at most 30s). Another 4xx is an error at once."},
        {CLI_LONG, "max-tokens", "N", "max_tokens of the answer (1024)", CLI_INT, .dest = &g->max_tokens,
         .range = CLI_GE | CLI_LE, .lo = 1, .hi = 1000000, .man = "The answer's \\fBmax_tokens\\fR (default 1024)."},
        CLI_MAN_TEXT(".SS Input and output"),
        {CLI_LONG, "skip-bad", NULL, "skip malformed records, count them and report at the end", CLI_FLAG,
         .dest = &g->ro.skip_bad,
         .man = "Skip malformed input records, count them, and report the count and the first\n"
                "error at the end on standard error."},
        CLI_OUTPUT(&g->out),
        CLI_VERBOSE(&g->verbose),
        CLI_TZ_ROW,
        CLI_STRICT_ROW,
        CLI_MAX_SERIES_ROW,
        CLI_HELP_ROW,
        CLI_VERSION_ROW,
        CLI_END,
    };
    c->opts = opts;
    while (cli_next(c) != -1)
        ;
    c->opts = NULL;
    size_t on = g->out ? strlen(g->out) : 0;
    if ((g->markdown || g->dry_run) && on > 4 && !strcmp(g->out + on - 4, ".zst"))
        cli_die_usage(c, "-o %s: --markdown and --dry-run write plain text; pipe it to zstd", g->out);
    if (g->templates && (g->markdown || g->dry_run))
        cli_die_usage(c, "--templates writes template records: drop --markdown and --dry-run");
    if (g->assign && !g->templates)
        cli_die_usage(c, "--assign: needs --templates");
    if (g->provider == AIOPS_LLM_OPENAI && !g->model && !g->offline && !g->templates)
        cli_die_usage(c, "--provider openai: needs --model");
    if (!g->model)
        g->model = AIOPS_LLM_DEFAULT_MODEL;
    if (g->templates || g->offline)
        return;
    aiops_err err = {0};
    if (g->key_file) {
        struct stat st;
        FILE *f = NULL;
        if (stat(g->key_file, &st) || !S_ISREG(st.st_mode) || !(f = fopen(g->key_file, "r")))
            cli_die_usage(c, "--key-file %s: cannot read it", g->key_file);
        if (st.st_mode & 077) {
            fclose(f);
            cli_die_usage(c, "--key-file %s: mode %03o lets others read the key; chmod 600 it",
                          g->key_file, (unsigned)(st.st_mode & 0777));
        }
        char line[4096];
        size_t n = fgets(line, sizeof line, f) ? strcspn(line, "\r\n") : 0;
        fclose(f);
        while (n && (line[n - 1] == ' ' || line[n - 1] == '\t'))
            n--;
        if (!n)
            cli_die_usage(c, "--key-file %s: empty", g->key_file);
        g->key = strndup(line, n);
        memset(line, 0, sizeof line);
    } else {
        const char *e = getenv(g->provider == AIOPS_LLM_OPENAI ? "OPENAI_API_KEY" : "ANTHROPIC_API_KEY");
        if (e && *e)
            g->key = strdup(e);
    }
    (void)err;
}

void sum_cfg_free(cfg *g)
{
    aiops_llm_cleanup();
    if (g->key) {
        memset(g->key, 0, strlen(g->key));
        free(g->key);
        g->key = NULL;
    }
}

int sum_use_llm(const cfg *g)
{
    if (g->offline || g->templates)
        return 0;
    return g->dry_run || g->key || (g->provider == AIOPS_LLM_OPENAI && g->endpoint);
}

void sum_print_request(const cfg *g, FILE *f)
{
    char *url = aiops_llm_url((aiops_llm_provider)g->provider, g->endpoint);
    fprintf(f, "POST %s\ncontent-type: application/json\n", url ? url : "?");
    if (g->provider == AIOPS_LLM_ANTHROPIC)
        fprintf(f, "anthropic-version: %s\n%s", AIOPS_LLM_ANTHROPIC_VERSION,
                g->key ? "x-api-key: <redacted>\n" : "");
    else if (g->key)
        fprintf(f, "authorization: Bearer <redacted>\n");
    free(url);
}

static void on_retry(void *ctx, const char *msg, double wait)
{
    if (((const cfg *)ctx)->verbose)
        fprintf(stderr, "aiops-summarize: %s; retrying in %.1fs\n", msg, wait);
}

int sum_llm_call(const cfg *g, const char *body, aiops_buf *text, aiops_err *err)
{
    char *url = aiops_llm_url((aiops_llm_provider)g->provider, g->endpoint);
    if (!url)
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    aiops_llm_http h = {.provider = (aiops_llm_provider)g->provider, .url = url, .key = g->key,
                        .agent = "aiops-summarize/" AIOPS_VERSION, .timeout = g->timeout,
                        .retry_base = g->retry_base, .retries = (int)g->retries,
                        .on_retry = on_retry, .ctx = (void *)g};
    int rc = aiops_llm_post(&h, body, text, err);
    free(url);
    return rc;
}
