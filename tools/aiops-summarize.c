/* aiops-summarize - per-incident context and a summary: by an LLM
 * (Anthropic Messages API or an OpenAI-compatible server) or offline.
 * With --templates, the log template miner on its own.  The engine is
 * libcore/summarize/ and libcore/logtmpl/. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aiops-summarize.h"
#include "common/array.h"
#include "common/ofile.h"

static int oom(aiops_err *err)
{
    return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
}

/* ---------------------------------------------------------- --templates */

static int template_records(aiops_logtmpl *t, const double *first, aiops_writer *w, aiops_err *err)
{
    size_t pos = 0, n = 0;
    uint32_t id, end = aiops_logtmpl_id_end(t);
    uint32_t *ids = malloc(((size_t)end + 1) * sizeof *ids);
    if (!ids)
        return oom(err);
    while (aiops_logtmpl_next(t, &pos, &id))
        ids[n++] = id;
    /* most frequent first, then by id (insertion sort keeps it stable) */
    for (size_t a = 1; a < n; a++)
        for (size_t b = a; b > 0 && aiops_logtmpl_hits(t, ids[b - 1]) < aiops_logtmpl_hits(t, ids[b]); b--) {
            uint32_t x = ids[b];
            ids[b] = ids[b - 1], ids[b - 1] = x;
        }
    int rc = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        aiops_buf b = {0};
        aiops_logtmpl_text(t, ids[i], &b);
        json_t *o = json_object(), *merged = json_array();
        for (uint32_t j = 1; j < end; j++)
            if (j != ids[i] && aiops_logtmpl_canon(t, j) == ids[i])
                json_array_append_new(merged, json_integer(j));
        json_object_set_new(o, "type", json_string("template"));
        json_object_set_new(o, "ts", json_real(first[ids[i]]));
        json_object_set_new(o, "id", json_integer(ids[i]));
        json_object_set_new(o, "template", json_string(b.p ? b.p : ""));
        json_object_set_new(o, "count", json_integer((json_int_t)aiops_logtmpl_hits(t, ids[i])));
        if (json_array_size(merged))
            json_object_set_new(o, "merged", merged);
        else
            json_decref(merged);
        aiops_record r = {.type = AIOPS_R_OTHER, .ts = first[ids[i]], .obj = o};
        rc = aiops_writer_write(w, &r, err);
        json_decref(o);
        aiops_buf_free(&b);
    }
    free(ids);
    return rc;
}

static int run_templates(const cli *c, const cfg *g, aiops_reader *rd, aiops_writer *w, aiops_err *err)
{
    aiops_logtmpl *t = NULL;
    double *first = NULL;
    size_t cap = 0;
    aiops_record r;
    int rc = aiops_logtmpl_new(&t, &g->so.tmpl, err);
    while (!rc && (rc = aiops_reader_next(rd, &r, err)) == 1) {
        rc = 0;
        const char *msg = json_string_value(json_object_get(r.obj, "message"));
        if (r.type == AIOPS_R_LOG && msg) {
            uint32_t id;
            rc = aiops_logtmpl_add(t, msg, json_string_length(json_object_get(r.obj, "message")), &id, err);
            if (rc >= 0 && id >= cap) {
                size_t old = cap;
                rc = AIOPS_GROW(first, cap, (size_t)id + 1) ? oom(err) : 0;
                for (size_t i = old; i < cap; i++)
                    first[i] = NAN;
            }
            if (rc >= 0 && isnan(first[id]))
                first[id] = r.ts;
            if (rc >= 0 && g->assign)
                json_object_set_new(r.obj, "template", json_integer(id));
            rc = rc < 0 ? rc : 0;
        } else if (r.type == AIOPS_R_LOG) {
            rc = aiops_err_set(err, AIOPS_EPARSE, NULL, 0, "message: expected a string");
            cli_reader_locate(rd, err);
        }
        if (!rc && g->assign)
            rc = aiops_writer_write(w, &r, err);
        aiops_record_clear(&r);
    }
    if (!rc)
        rc = template_records(t, first, w, err);
    cli_reader_report(c, rd);
    if (g->verbose && !rc)
        fprintf(stderr, "aiops-summarize: %zu templates\n", aiops_logtmpl_count(t));
    free(first);
    aiops_logtmpl_free(t);
    return rc;
}

/* ------------------------------------------------------------ summaries */

static int read_history(const cli *c, const cfg *g, aiops_sum *s, aiops_err *err)
{
    aiops_reader *rd = NULL;
    aiops_reader_opts ro = {0};
    aiops_record r;
    aiops_series_table *tab = aiops_series_table_new();
    int rc = tab ? cli_reader_new(c, &rd, &g->history, 1, tab, &ro, err) : oom(err), kept = 0;
    while (!rc && (rc = aiops_reader_next(rd, &r, err)) == 1) {
        rc = r.obj ? aiops_sum_history(s, r.obj, err) : 0;
        kept += rc == 1;
        rc = rc < 0 ? rc : 0;
        aiops_record_clear(&r);
    }
    if (g->verbose && !rc)
        fprintf(stderr, "aiops-summarize: %d past summaries from %s\n", kept, g->history);
    aiops_reader_free(rd);
    aiops_series_table_free(tab);
    return rc;
}

/* One incident's summary text: offline, the LLM's, or (dry run) the body. */
static int summarise(const cfg *g, const json_t *ctx, aiops_buf *text, char *gen, size_t gn,
                     int *body_only, aiops_err *err)
{
    *body_only = 0;
    if (!sum_use_llm(g)) {
        aiops_sum_offline(ctx, g->markdown, text);
        snprintf(gen, gn, "offline");
        return text->oom ? oom(err) : 0;
    }
    aiops_buf user = {0};
    aiops_sum_context_text(ctx, &user);
    json_t *req = aiops_llm_request((aiops_llm_provider)g->provider, g->model, (int)g->max_tokens,
                                    user.p ? user.p : "");
    aiops_buf_free(&user);
    char *body = req ? json_dumps(req, JSON_COMPACT) : NULL;
    json_decref(req);
    if (!body)
        return oom(err);
    int rc = 0;
    if (g->dry_run) {
        if (g->verbose)
            sum_print_request(g, stderr);
        aiops_buf_str(text, body);
        *body_only = 1;
    } else
        rc = sum_llm_call(g, body, text, err);
    free(body);
    snprintf(gen, gn, "llm:%s", g->model);
    return rc;
}

/* floor: the latest ts already written (records passed through); a
 * summary is not stamped before it, so the stream stays in time order. */
static int emit(const cfg *g, const json_t *ctx, aiops_writer *w, FILE *md, double floor, aiops_err *err)
{
    aiops_buf text = {0};
    char gen[300];
    int body_only;
    int rc = summarise(g, ctx, &text, gen, sizeof gen, &body_only, err);
    const char *t = text.p ? text.p : "";
    if (!rc && body_only) {
        if (fprintf(md, "%s\n", t) < 0)
            rc = aiops_err_set(err, AIOPS_EIO, g->out, 0, "write failed");
    } else if (!rc && g->markdown) {
        const json_t *inc = json_object_get(ctx, "incident");
        if (strcmp(gen, "offline"))
            fprintf(md, "## Incident %s\n\n", json_string_value(json_object_get(inc, "id")));
        if (fprintf(md, "%s\n_Generated by aiops-summarize (%s)._\n\n", t, gen) < 0)
            rc = aiops_err_set(err, AIOPS_EIO, g->out, 0, "write failed");
    } else if (!rc) {
        json_t *o = aiops_sum_record(ctx, t, gen);
        double ts = json_number_value(json_object_get(o, "ts"));
        if (o && ts < floor && !json_object_set_new(o, "ts", json_real(floor)))
            ts = floor;
        aiops_record r = {.type = AIOPS_R_SUMMARY, .ts = ts, .obj = o};
        rc = o ? aiops_writer_write(w, &r, err) : oom(err);
        json_decref(o);
    }
    aiops_buf_free(&text);
    return rc;
}

static int run_summaries(const cli *c, const cfg *g, aiops_reader *rd, aiops_writer *w, FILE *md,
                         aiops_err *err)
{
    aiops_sum *s = NULL;
    aiops_record r;
    int rc = aiops_sum_new(&s, &g->so, err);
    if (!rc && g->history)
        rc = read_history(c, g, s, err);
    uint64_t skipped = 0;
    aiops_err first = {0};
    int pass = w && !g->summaries_only;
    double floor = -INFINITY;
    while (!rc && (rc = aiops_reader_next(rd, &r, err)) == 1) {
        if (pass) {    /* written first: the engine may keep parts of it */
            rc = aiops_writer_write(w, &r, err);
            if (r.ts > floor)
                floor = r.ts;
            if (rc) {
                aiops_record_clear(&r);
                break;
            }
        }
        rc = aiops_sum_add(s, &r, err);
        if (rc < 0)
            cli_reader_locate(rd, err);
        if (rc == AIOPS_EPARSE && g->ro.skip_bad) {   /* a record the engine rejects */
            if (!skipped++)
                first = *err;
            rc = 0;
        }
        aiops_record_clear(&r);
    }
    cli_reader_report(c, rd);
    if (skipped) {
        char buf[1200];
        cli_skipped(c, skipped, "record%s the summaries cannot use; the first: %s", skipped == 1 ? "" : "s",
                    aiops_err_str(&first, buf, sizeof buf));
    }
    size_t done = 0;
    for (size_t i = 0; !rc && i < aiops_sum_count(s); i++) {
        json_t *ctx = NULL;
        rc = aiops_sum_context(s, i, &ctx, err);
        const char *id = json_string_value(json_object_get(json_object_get(ctx, "incident"), "id"));
        if (!rc && (!g->incident || (id && !strcmp(id, g->incident)))) {
            rc = emit(g, ctx, w, md, floor, err);
            done++;
        }
        json_decref(ctx);
    }
    if (!rc && g->incident && !done)
        rc = aiops_err_set(err, AIOPS_EINVAL, NULL, 0, "--incident %s: no such incident in the input",
                           g->incident);
    if (!rc && g->verbose)
        fprintf(stderr, "aiops-summarize: %zu incident%s summarised (%s)\n", done, done == 1 ? "" : "s",
                sum_use_llm(g) ? g->dry_run ? "dry run" : "LLM" : "offline");
    aiops_sum_free(s);
    return rc;
}

int main(int argc, char **argv)
{
    cli c = {
        .prog = "aiops-summarize",
        .usage = "[OPTION]... [FILE|DIR|ARCHIVE|-]...",
        .about = "For each incident record in the stream, collect its context (anomalous metrics,\n"
                 "root-cause candidates, changes and Kubernetes events before onset, predictions,\n"
                 "log templates new or much more frequent than before, similar past incidents)\n"
                 "and write a summary record: by an LLM when an API key is set, else offline.\n"
                 "With --templates, mine log templates only.",
        .footer = "Exit status: 0 ok, 2 usage, input or LLM error.  See aiops-summarize(1) and\n"
                  "docs/FORMAT.md (summary records).\n",
        .argc = argc,
        .argv = argv,
    };
    cfg g = {.timeout = 60, .retries = 4, .max_tokens = 1024, .retry_base = 1};
    aiops_sum_opts_default(&g.so);
    sum_parse_args(&c, &g);
    size_t npaths;
    const char *const *paths = cli_inputs(&c, &npaths);
    aiops_err err = {0};
    aiops_reader *rd = NULL;
    aiops_writer *w = NULL;
    FILE *md = NULL;
    aiops_ofile mdo = {.fd = -1};
    int text_out = g.markdown || g.dry_run;
    aiops_series_table *tab = aiops_series_table_new();   /* samples pass through --assign */
    int rc = tab ? cli_reader_new(&c, &rd, paths, npaths, tab, &g.ro, &err) : oom(&err);
    if (!rc && !text_out)
        rc = aiops_writer_new(&w, g.out, AIOPS_OUT_NDJSON, 0, tab, &err);
    if (!rc && text_out && !(rc = aiops_ofile_open(&mdo, g.out, &err)) && !(md = aiops_ofile_fp(&mdo, &err)))
        rc = AIOPS_ENOMEM;
    if (!rc)
        rc = g.templates ? run_templates(&c, &g, rd, w ? w : NULL, &err)
                         : run_summaries(&c, &g, rd, w, md ? md : stdout, &err);
    if (w) {
        int crc = aiops_writer_close(w, rc ? NULL : &err);
        rc = rc ? rc : crc;
    }
    if (rc)
        aiops_ofile_abort(&mdo);
    else
        rc = aiops_ofile_commit(&mdo, &err);
    aiops_reader_free(rd);
    aiops_series_table_free(tab);
    sum_cfg_free(&g);
    if (rc) {
        cli_error(&c, &err);
        return 2;
    }
    return cli_status(&c, 0);
}
