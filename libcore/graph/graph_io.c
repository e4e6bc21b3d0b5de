/* graph_io.c - graph files (JSON, Graphviz DOT) in, JSON and DOT out. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph/graph_impl.h"
#include "aiops_format.h"
#include "common/jdoc.h"

#define GRAPH_FILE_MAX ((size_t)256 << 20)   /* a graph file: 256 MiB */

static int add_edge_named(aiops_graph *g, const char *a, const char *b, double w, aiops_err *err)
{
    uint32_t f, t, e;
    int rc = aiops_graph_service(g, a, &f, err);
    if (!rc)
        rc = aiops_graph_service(g, b, &t, err);
    if (!rc)
        rc = aiops_graph_edge_add(g, f, t, &e, err);
    if (!rc)
        g->edges[e].weight += w;
    return rc;
}

/* ------------------------------------------------------------------ JSON */

static int parse_json(aiops_graph *g, const char *name, const char *text, size_t n, aiops_err *err)
{
    json_error_t je;
    json_t *root = json_loadb(text, n, 0, &je);
    if (!root)
        return aiops_err_set(err, AIOPS_EPARSE, name, je.line, "expected a graph (JSON): %s", je.text);
    aiops_jdoc d = {.file = name, .err = err, .text = text, .len = n, .line0 = 1};
    json_t *svcs = NULL, *edges = NULL;
    int rc = json_is_object(root) ? 0 : aiops_jdoc_bad(&d, "expected an object with \"edges\"");
    if (!rc && (rc = aiops_jdoc_arr(&d, root, "services", 0, &svcs)) > 0)
        rc = 0;
    for (size_t i = 0; !rc && svcs && i < json_array_size(svcs); i++) {
        json_t *s = json_array_get(svcs, i);
        const char *nm = json_string_value(s);
        aiops_jdoc_key(&d, "services");
        aiops_jdoc_idx(&d, i);
        if (!nm && json_is_object(s) && (rc = aiops_jdoc_str(&d, s, "name", AIOPS_JDOC_REQUIRED, &nm)) > 0)
            rc = 0;
        if (!rc && !nm)
            rc = aiops_jdoc_bad(&d, "expected a service name or {\"name\": ...}");
        uint32_t id;
        if (!rc)
            rc = aiops_graph_service(g, nm, &id, err);
        aiops_jdoc_pop(&d);
        aiops_jdoc_pop(&d);
    }
    if (!rc && (rc = aiops_jdoc_arr(&d, root, "edges", AIOPS_JDOC_REQUIRED, &edges)) > 0)
        rc = 0;
    for (size_t i = 0; !rc && i < json_array_size(edges); i++) {
        json_t *e = json_array_get(edges, i);
        const char *a = NULL, *b = NULL;
        double w = 1;
        aiops_jdoc_key(&d, "edges");
        aiops_jdoc_idx(&d, i);
        if (!json_is_object(e))
            rc = aiops_jdoc_bad(&d, "expected {\"from\": CALLER, \"to\": CALLEE}");
        if (!rc && (rc = aiops_jdoc_str(&d, e, "from", AIOPS_JDOC_REQUIRED, &a)) > 0)
            rc = 0;
        if (!rc && (rc = aiops_jdoc_str(&d, e, "to", AIOPS_JDOC_REQUIRED, &b)) > 0)
            rc = 0;
        if (!rc && (rc = aiops_jdoc_num(&d, e, "calls", 0, 0, INFINITY, &w)) > 0)
            rc = 0;
        if (!rc && (rc = aiops_jdoc_num(&d, e, "weight", 0, 0, INFINITY, &w)) > 0)
            rc = 0;
        if (!rc)
            rc = add_edge_named(g, a, b, w, err);
        aiops_jdoc_pop(&d);
        aiops_jdoc_pop(&d);
    }
    json_decref(root);
    return rc;
}

/* ------------------------------------------------------------------- DOT */

typedef struct dot {
    const char *s, *e, *name;
    long line;
    char tok[1024];
    int kind;                    /* 'i' identifier/string/number, '>' edge op, a punctuation char, 0 end */
    int quoted;                  /* the 'i' was a quoted string: never a keyword ("node" is a name) */
    aiops_err *err;
} dot;

/* The id of n bytes in t->tok ends: names are UTF-8 without NUL bytes
 * (they are written to JSON and reports). */
static int dot_id_end(dot *t, size_t n)
{
    t->tok[n] = 0;
    t->kind = 'i';
    return aiops_utf8_valid(t->tok, n) && !memchr(t->tok, 0, n) ? 0
           : aiops_err_set(t->err, AIOPS_EPARSE, t->name, t->line, "expected UTF-8 text in a name");
}

static int dot_next(dot *t)
{
    for (;;) {
        while (t->s < t->e && isspace((unsigned char)*t->s))
            t->line += *t->s++ == '\n';
        if (t->s + 1 < t->e && t->s[0] == '/' && t->s[1] == '/') {
            while (t->s < t->e && *t->s != '\n')
                t->s++;
        } else if (t->s < t->e && *t->s == '#') {
            while (t->s < t->e && *t->s != '\n')
                t->s++;
        } else if (t->s + 1 < t->e && t->s[0] == '/' && t->s[1] == '*') {
            t->s += 2;
            while (t->s + 1 < t->e && !(t->s[0] == '*' && t->s[1] == '/'))
                t->line += *t->s++ == '\n';
            if (t->s + 1 >= t->e)
                return aiops_err_set(t->err, AIOPS_EPARSE, t->name, t->line, "expected */ before the end");
            t->s += 2;
        } else
            break;
    }
    if (t->s >= t->e) {
        t->kind = 0;
        return 0;
    }
    char c = *t->s;
    size_t n = 0;
    if (c == '-' && t->s + 1 < t->e && (t->s[1] == '>' || t->s[1] == '-')) {
        if (t->s[1] == '-')
            return aiops_err_set(t->err, AIOPS_EPARSE, t->name, t->line,
                                 "expected a digraph (edges a -> b), got '--'");
        t->s += 2;
        t->kind = '>';
        return 0;
    }
    if (c == '"') {
        t->s++;
        while (t->s < t->e && *t->s != '"') {
            /* escapes: \" and \\ (what dot_id writes), a backslash before a
             * line end continues the line (Graphviz); other backslashes stay */
            if (*t->s == '\\' && t->s + 1 < t->e && t->s[1] == '\n') {
                t->s += 2;
                t->line++;
                continue;
            }
            if (*t->s == '\\' && t->s + 1 < t->e && (t->s[1] == '"' || t->s[1] == '\\'))
                t->s++;
            if (*t->s == '\n')
                t->line++;
            if (n + 1 >= sizeof t->tok)
                return aiops_err_set(t->err, AIOPS_ELIMIT, t->name, t->line, "name longer than %zu bytes",
                                     sizeof t->tok - 1);
            t->tok[n++] = *t->s++;
        }
        if (t->s >= t->e)
            return aiops_err_set(t->err, AIOPS_EPARSE, t->name, t->line, "expected a closing '\"'");
        t->s++;
        t->quoted = 1;
        return dot_id_end(t, n);
    }
    t->quoted = 0;
    if (isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-' || (unsigned char)c >= 0x80) {
        while (t->s < t->e && (isalnum((unsigned char)*t->s) || *t->s == '_' || *t->s == '.' ||
                               (*t->s == '-' && !(t->s + 1 < t->e && t->s[1] == '>')) ||
                               (unsigned char)*t->s >= 0x80)) {
            if (n + 1 >= sizeof t->tok)
                return aiops_err_set(t->err, AIOPS_ELIMIT, t->name, t->line, "name longer than %zu bytes",
                                     sizeof t->tok - 1);
            t->tok[n++] = *t->s++;
        }
        return dot_id_end(t, n);
    }
    if (strchr("{}[];,=:", c)) {
        t->s++;
        t->kind = c;
        return 0;
    }
    return aiops_err_set(t->err, AIOPS_EPARSE, t->name, t->line, "unexpected character '%c'", c);
}

/* [a=b, c=d]: the weight (weight=, else calls=, as in JSON), else 1. */
static int dot_attrs(dot *t, double *w)
{
    int rc, have_weight = 0;
    while (!(rc = dot_next(t)) && t->kind != ']') {
        if (t->kind == ',' || t->kind == ';')
            continue;
        if (t->kind != 'i')
            return aiops_err_set(t->err, AIOPS_EPARSE, t->name, t->line, "expected an attribute name");
        char key[32];
        snprintf(key, sizeof key, "%s", t->tok);
        if ((rc = dot_next(t)) || t->kind != '=')
            return rc ? rc : aiops_err_set(t->err, AIOPS_EPARSE, t->name, t->line, "expected '=' after %s", key);
        if ((rc = dot_next(t)) || t->kind != 'i')
            return rc ? rc : aiops_err_set(t->err, AIOPS_EPARSE, t->name, t->line, "expected a value of %s", key);
        if (!strcmp(key, "weight") || !strcmp(key, "calls")) {
            double v;
            if (aiops_parse_double(t->tok, strlen(t->tok), &v) || !(v >= 0) || isinf(v))
                return aiops_err_set(t->err, AIOPS_EPARSE, t->name, t->line,
                                     "%s: expected a number >= 0, got '%s'", key, t->tok);
            if (!strcmp(key, "weight") || !have_weight)
                *w = v;
            have_weight |= !strcmp(key, "weight");
        }
    }
    if (!rc && t->kind != ']')
        rc = aiops_err_set(t->err, AIOPS_EPARSE, t->name, t->line, "expected ']'");
    return rc;
}

static int parse_dot(aiops_graph *g, const char *name, const char *text, size_t n, aiops_err *err)
{
    dot t = {.s = text, .e = text + n, .name = name, .line = 1, .err = err};
    int rc = dot_next(&t);
    if (!rc && t.kind == 'i' && !strcmp(t.tok, "strict"))
        rc = dot_next(&t);
    if (!rc && !(t.kind == 'i' && !strcmp(t.tok, "digraph")))
        return aiops_err_set(err, AIOPS_EPARSE, name, t.line, "expected a graph file: JSON or 'digraph' (DOT)");
    if (!rc && !(rc = dot_next(&t)) && t.kind == 'i')
        rc = dot_next(&t);
    if (!rc && t.kind != '{')
        return aiops_err_set(err, AIOPS_EPARSE, name, t.line, "expected '{'");
    int depth = 1;
    char prev[1024];
    while (!rc && depth > 0) {
        if ((rc = dot_next(&t)))
            break;
        if (t.kind == 0)
            return aiops_err_set(err, AIOPS_EPARSE, name, t.line, "expected '}' before the end");
        if (t.kind == '}') {
            depth--;
            continue;
        }
        if (t.kind == '{') {
            depth++;
            continue;
        }
        if (t.kind == ';' || t.kind == ',')
            continue;
        if (t.kind == '[') {   /* attributes of nothing we keep */
            double w;
            rc = dot_attrs(&t, &w);
            continue;
        }
        if (t.kind != 'i')
            return aiops_err_set(err, AIOPS_EPARSE, name, t.line, "expected a service name");
        if (!t.quoted && !strcmp(t.tok, "subgraph")) {   /* its name, then the body in the loop */
            const char *save = t.s;
            long sline = t.line;
            if (!(rc = dot_next(&t)) && t.kind != 'i') {
                t.s = save;
                t.line = sline;
            }
            continue;
        }
        if (!t.quoted && (!strcmp(t.tok, "graph") || !strcmp(t.tok, "node") || !strcmp(t.tok, "edge")))
            continue;   /* the following [attrs] are read by the loop */
        /* a chain a -> b -> c [attrs], a node statement, or a = b */
        snprintf(prev, sizeof prev, "%s", t.tok);
        char chain[64][1024];
        size_t nc = 0;
        snprintf(chain[nc++], sizeof chain[0], "%s", prev);
        double w = 1;
        const char *save = t.s;
        long sline = t.line;
        while (!(rc = dot_next(&t)) && t.kind == '>') {
            if ((rc = dot_next(&t)))
                break;
            if (t.kind != 'i')
                return aiops_err_set(err, AIOPS_EPARSE, name, t.line, "expected a service name after '->'");
            if (nc >= 64)
                return aiops_err_set(err, AIOPS_ELIMIT, name, t.line, "edge chain longer than 64");
            snprintf(chain[nc++], sizeof chain[0], "%s", t.tok);
            save = t.s;
            sline = t.line;
        }
        if (rc)
            break;
        if (t.kind == '=') {   /* graph attribute a = b */
            rc = dot_next(&t);
            continue;
        }
        if (t.kind == '[')
            rc = dot_attrs(&t, &w);
        else {
            t.s = save;        /* not ours: read it again */
            t.line = sline;
        }
        if (rc)
            break;
        if (nc == 1) {
            uint32_t id;
            rc = aiops_graph_service(g, chain[0], &id, err);
        }
        for (size_t i = 0; !rc && i + 1 < nc; i++)
            rc = add_edge_named(g, chain[i], chain[i + 1], w, err);
    }
    return rc;
}

int aiops_graph_parse(aiops_graph **out, const char *name, const char *text, size_t n, aiops_err *err)
{
    aiops_graph *g = NULL;
    int rc = aiops_graph_new(&g, NULL, err);
    if (rc)
        return rc;
    size_t i = 0;
    while (i < n && isspace((unsigned char)text[i]))
        i++;
    rc = i < n && text[i] == '{' ? parse_json(g, name, text, n, err) : parse_dot(g, name, text, n, err);
    if (rc) {
        aiops_graph_free(g);
        return rc;
    }
    *out = g;
    return 0;
}

int aiops_graph_read(aiops_graph **out, const char *path, aiops_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return aiops_err_set(err, AIOPS_EIO, path, 0, "cannot open");
    aiops_buf b = {0};
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.n + got > GRAPH_FILE_MAX) {
            fclose(f);
            aiops_buf_free(&b);
            return aiops_err_set(err, AIOPS_ELIMIT, path, 0, "graph file larger than 256 MiB");
        }
        aiops_buf_put(&b, chunk, got);
    }
    int bad = ferror(f);
    fclose(f);
    if (bad || b.oom) {
        aiops_buf_free(&b);
        return aiops_err_set(err, bad ? AIOPS_EIO : AIOPS_ENOMEM, path, 0, bad ? "read failed" : "out of memory");
    }
    int rc = aiops_graph_parse(out, path, b.p ? b.p : "", b.n, err);
    aiops_buf_free(&b);
    return rc;
}

/* --------------------------------------------------------------- writers */

static void stat_fields(aiops_buf *b, const aiops_graph_stats *st)
{
    aiops_buf_printf(b, "\"calls\":%llu,\"errors\":%llu", (unsigned long long)st->calls,
                     (unsigned long long)st->errors);
    if (st->calls) {
        aiops_buf_str(b, ",\"p50\":");
        aiops_buf_num(b, aiops_lat_quantile(&st->lat, 0.5));
        aiops_buf_str(b, ",\"p90\":");
        aiops_buf_num(b, aiops_lat_quantile(&st->lat, 0.9));
        aiops_buf_str(b, ",\"p99\":");
        aiops_buf_num(b, aiops_lat_quantile(&st->lat, 0.99));
    }
}

void aiops_graph_write_json(const aiops_graph *g, aiops_buf *b)
{
    aiops_buf_str(b, "{\"services\":[");
    for (size_t i = 0; i < g->nnodes; i++) {
        const aiops_graph_node *nd = &g->nodes[i];
        aiops_buf_str(b, i ? ",{\"name\":" : "{\"name\":");
        aiops_buf_jstr(b, nd->name);
        if (nd->own.calls) {
            aiops_buf_put(b, ",", 1);
            stat_fields(b, &nd->own);
            aiops_buf_printf(b, ",\"roots\":%llu", (unsigned long long)nd->roots);
            if (nd->err_origins)
                aiops_buf_printf(b, ",\"err_origins\":%llu", (unsigned long long)nd->err_origins);
        }
        aiops_buf_put(b, "}", 1);
    }
    aiops_buf_str(b, "],\"edges\":[");
    for (size_t i = 0; i < g->nedges; i++) {
        const aiops_graph_edge *e = &g->edges[i];
        aiops_buf_str(b, i ? ",{\"from\":" : "{\"from\":");
        aiops_buf_jstr(b, g->nodes[e->from].name);
        aiops_buf_str(b, ",\"to\":");
        aiops_buf_jstr(b, g->nodes[e->to].name);
        aiops_buf_str(b, ",\"weight\":");
        aiops_buf_num(b, e->weight);
        if (e->st.calls) {
            aiops_buf_put(b, ",", 1);
            stat_fields(b, &e->st);
        }
        if (e->skewed) {
            aiops_buf_printf(b, ",\"skewed\":%llu,\"skew\":", (unsigned long long)e->skewed);
            aiops_buf_num(b, e->skew_sum / (double)e->skewed);
        }
        aiops_buf_put(b, "}", 1);
    }
    const aiops_graph_counts *c = &g->counts;
    aiops_buf_printf(b, "],\"spans\":%llu,\"roots\":%llu,\"missing_parents\":%llu,\"cross\":%llu}",
                     (unsigned long long)c->spans, (unsigned long long)c->roots,
                     (unsigned long long)c->missing_parents, (unsigned long long)c->cross);
}

/* A DOT id: always quoted, " and \ escaped (\" and \\, which the reader
 * above takes back; Graphviz shows \\ as one backslash in a label), so a
 * name ending in a backslash does not escape its closing quote. */
static void dot_id(aiops_buf *b, const char *s)
{
    aiops_buf_put(b, "\"", 1);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            aiops_buf_put(b, "\\", 1);
        aiops_buf_put(b, s, 1);
    }
    aiops_buf_put(b, "\"", 1);
}

void aiops_graph_write_dot(const aiops_graph *g, aiops_buf *b)
{
    aiops_buf_str(b, "digraph services {\n");
    for (size_t i = 0; i < g->nnodes; i++) {
        aiops_buf_str(b, "  ");
        dot_id(b, g->nodes[i].name);
        aiops_buf_str(b, ";\n");
    }
    for (size_t i = 0; i < g->nedges; i++) {
        const aiops_graph_edge *e = &g->edges[i];
        aiops_buf_str(b, "  ");
        dot_id(b, g->nodes[e->from].name);
        aiops_buf_str(b, " -> ");
        dot_id(b, g->nodes[e->to].name);
        aiops_buf_str(b, " [weight=");
        /* a DOT numeral has no exponent: 4.1e+22 is written as a quoted ID,
         * which the reader (and Graphviz) take as the same value */
        size_t at = b->n;
        aiops_buf_num(b, e->weight);
        if (!b->oom && memchr(b->p + at, 'e', b->n - at)) {
            char num[64];
            snprintf(num, sizeof num, "\"%.*s\"", (int)(b->n - at), b->p + at);
            b->n = at;
            aiops_buf_str(b, num);
        }
        if (e->st.calls) {
            aiops_buf_printf(b, ", calls=%llu, errors=%llu, label=\"%llu call%s",
                             (unsigned long long)e->st.calls, (unsigned long long)e->st.errors,
                             (unsigned long long)e->st.calls, e->st.calls == 1 ? "" : "s");
            aiops_buf_printf(b, ", p99 %.3g s\"", aiops_lat_quantile(&e->st.lat, 0.99));
        }
        aiops_buf_str(b, "];\n");
    }
    aiops_buf_str(b, "}\n");
}
