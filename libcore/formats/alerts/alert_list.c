/* alert_list.c - the reading loop of the JSON alert formats (alerts.h):
 * documents one after another, the alerts of each, the JSON path of the
 * alert being read (so errors say "alerts[3].labels: ..." at its line),
 * and alert states reported once where the source repeats them. */
#include <stdlib.h>

#include "formats/alerts/alerts.h"

int aiops_alert_list_open(aiops_alert_list *l, const aiops_alert_list_spec *spec, int dedup,
                          aiops_parse_ctx *ctx, aiops_err *err)
{
    char *buf;
    size_t len;
    l->spec = spec;
    if (dedup && !(l->seen = aiops_alert_seen_new()))
        return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(ctx->stream), 0, "out of memory");
    int rc = aiops_stream_slurp(ctx->stream, &buf, &len, err);
    if (rc)
        return rc;
    aiops_jseq_init(&l->seq, buf, len);
    return 0;
}

void aiops_alert_list_close(aiops_alert_list *l)
{
    json_decref(l->cur);
    aiops_alert_seen_free(l->seen);
    l->cur = l->alerts = NULL;
    l->seen = NULL;
}

int aiops_alert_list_new(void **state, size_t size, const aiops_alert_list_spec *spec, int dedup,
                         aiops_parse_ctx *ctx, aiops_err *err)
{
    aiops_alert_list *l = calloc(1, size);
    *state = NULL;
    if (!l)
        return aiops_err_set(err, AIOPS_ENOMEM, aiops_stream_name(ctx->stream), 0, "out of memory");
    int rc = aiops_alert_list_open(l, spec, dedup, ctx, err);
    if (rc) {
        aiops_alert_list_free(l);
        return rc;
    }
    *state = l;
    return 0;
}

void aiops_alert_list_free(void *state)
{
    if (!state)
        return;
    aiops_alert_list_close(state);
    free(state);
}

/* Take the next document and find its alerts; 0 at the end. */
static int next_doc(aiops_alert_list *l)
{
    json_decref(l->cur);
    l->cur = l->alerts = NULL;
    l->keys[0] = l->keys[1] = NULL;
    l->single = 0;
    l->pos = 0;
    int rc = aiops_jseq_next(&l->seq, &l->doc, l->spec->what, &l->cur);
    return rc <= 0 ? rc : l->spec->find(l);
}

int aiops_alert_list_next(void *state, aiops_parse_ctx *ctx, aiops_record *rec, aiops_err *err)
{
    aiops_alert_list *l = state;
    l->doc.file = aiops_stream_name(ctx->stream);
    l->doc.err = err;
    for (;;) {
        size_t n = !l->alerts ? 0 : l->single ? 1 : json_array_size(l->alerts);
        if (l->pos < n) {
            size_t i = l->pos++;
            l->doc.depth = 0;
            for (size_t k = 0; k < 2 && l->keys[k]; k++)
                aiops_jdoc_key(&l->doc, l->keys[k]);
            if (!l->single)
                aiops_jdoc_idx(&l->doc, i);
            int rc = l->spec->alert(l, l->single ? l->alerts : json_array_get(l->alerts, i), rec);
            ctx->resumable = rc == AIOPS_EPARSE;   /* --skip-bad: the next alert follows */
            if (rc != 0)
                return rc;
            continue;
        }
        int rc = next_doc(l);
        if (rc <= 0)
            return rc;
    }
}

int aiops_alert_list_record(aiops_alert_list *l, const aiops_alert *a, aiops_record *rec)
{
    aiops_jdoc *d = &l->doc;
    int rc = l->seen ? aiops_alert_seen_add(l->seen, a) : 0;
    if (rc != 0)
        return rc < 0 ? aiops_jdoc_fail(d, rc, "out of memory") : 0;
    if ((rc = aiops_alert_record(a, rec, d->err)) < 0)
        return aiops_err_locate(d->err, d->file, aiops_jdoc_line(d));
    return 1;
}

int aiops_alert_list_emit(aiops_alert_list *l, aiops_alert *a, json_t *labels, json_t *ann,
                          int built, aiops_record *rec)
{
    int rc = built || (labels && ann) ? built : AIOPS_ENOMEM;
    if (rc == AIOPS_ENOMEM)
        rc = aiops_jdoc_fail(&l->doc, rc, "out of memory");
    if (rc == 0) {
        a->labels = labels;
        a->annotations = ann;
        rc = aiops_alert_list_record(l, a, rec);
    }
    json_decref(labels);
    json_decref(ann);
    return rc;
}

int aiops_alert_list_name(aiops_alert_list *l, json_t *labels, const char **name)
{
    json_t *n = json_object_get(labels, "alertname");
    if (json_is_string(n) && json_string_length(n) > 0) {
        *name = json_string_value(n);
        return 0;
    }
    aiops_jdoc_key(&l->doc, "labels");
    int rc = aiops_jdoc_fail(&l->doc, AIOPS_EPARSE, "expected an \"alertname\" label");
    aiops_jdoc_pop(&l->doc);
    return rc;
}
