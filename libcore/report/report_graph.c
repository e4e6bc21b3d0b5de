/* report_graph.c - the service graph around an incident as inline SVG:
 * the incident's services and their callers and callees (one hop), laid
 * out in layers from left to right (a service's layer is the longest
 * call path to it inside the picture, cycles cut after as many rounds as
 * there are services), each layer sorted by name. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "report/report_impl.h"

#define RP_GRAPH_MAX 40

typedef struct gnode {
    uint32_t id;          /* graph node, or UINT32_MAX (not in the graph) */
    const char *name;
    int layer, row, role; /* role: 2 root cause, 1 incident service, 0 neighbour */
} gnode;

static int cmp_gnode(const void *a, const void *b)
{
    const gnode *x = a, *y = b;
    if (x->layer != y->layer)
        return x->layer - y->layer;
    return strcmp(x->name, y->name);
}

static long find(const gnode *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i].name, name))
            return (long)i;
    return -1;
}

void rp_graph_svg(const aiops_report *r, const rp_inc *in, aiops_buf *b)
{
    gnode v[RP_GRAPH_MAX];
    size_t n = 0, dropped = 0;
    aiops_graph *g = r->graph;
    for (size_t i = 0; i < in->nsvc && n < RP_GRAPH_MAX; i++) {
        uint32_t id;
        v[n] = (gnode){UINT32_MAX, in->svc[i], 0, 0, in->root && !strcmp(in->root, in->svc[i]) ? 2 : 1};
        if (g && !aiops_graph_find(g, in->svc[i], &id))
            v[n].id = id;
        n++;
    }
    dropped += in->nsvc > n ? in->nsvc - n : 0;
    size_t core = n;
    /* neighbours, in name order */
    if (g) {
        const char *cand[512];
        size_t nc = 0;
        for (size_t i = 0; i < core; i++) {
            if (v[i].id == UINT32_MAX)
                continue;
            for (int out = 0; out < 2; out++) {
                const uint32_t *ids;
                size_t ne = aiops_graph_adj(g, v[i].id, out, &ids);
                for (size_t k = 0; k < ne; k++) {
                    const aiops_graph_edge *e = aiops_graph_edge_at(g, ids[k]);
                    const char *nm = aiops_graph_node_at(g, out ? e->to : e->from)->name;
                    int seen = find(v, n, nm) >= 0;
                    for (size_t j = 0; j < nc && !seen; j++)
                        seen = !strcmp(cand[j], nm);
                    if (!seen && nc < 512)
                        cand[nc++] = nm;
                }
            }
        }
        for (size_t i = 1; i < nc; i++)   /* insertion sort by name */
            for (size_t j = i; j > 0 && strcmp(cand[j - 1], cand[j]) > 0; j--) {
                const char *t = cand[j];
                cand[j] = cand[j - 1];
                cand[j - 1] = t;
            }
        for (size_t i = 0; i < nc; i++) {
            uint32_t id;
            if (n == RP_GRAPH_MAX) {
                dropped++;
                continue;
            }
            aiops_graph_find(g, cand[i], &id);
            v[n++] = (gnode){id, cand[i], 0, 0, 0};
        }
    }
    /* layers: longest path, at most n rounds */
    for (size_t round = 0; g && round < n; round++) {
        int moved = 0;
        for (size_t i = 0; i < n; i++) {
            if (v[i].id == UINT32_MAX)
                continue;
            const uint32_t *ids;
            size_t ne = aiops_graph_adj(g, v[i].id, 1, &ids);
            for (size_t k = 0; k < ne; k++) {
                const aiops_graph_edge *e = aiops_graph_edge_at(g, ids[k]);
                long j = find(v, n, aiops_graph_node_at(g, e->to)->name);
                if (j >= 0 && (size_t)j != i && v[j].layer < v[i].layer + 1 && v[i].layer + 1 < (int)n) {
                    v[j].layer = v[i].layer + 1;
                    moved = 1;
                }
            }
        }
        if (!moved)
            break;
    }
    qsort(v, n, sizeof *v, cmp_gnode);
    int layers = 0, rows = 0, row = 0;
    for (size_t i = 0; i < n; i++) {
        row = i && v[i].layer == v[i - 1].layer ? row + 1 : 0;
        v[i].row = row;
        if (v[i].layer + 1 > layers)
            layers = v[i].layer + 1;
        if (row + 1 > rows)
            rows = row + 1;
    }
    const int W = 170, H = 34, DX = 230, DY = 54, M = 20;
    int width = M * 2 + (layers ? layers - 1 : 0) * DX + W, height = M * 2 + (rows ? rows - 1 : 0) * DY + H + 30;
    aiops_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph\" width=\"%d\" height=\"%d\" "
                        "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"service graph\">\n",
                     width, height, width, height);
    aiops_buf_str(b, "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" "
                     "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0L10,5L0,10z\" fill=\"#666\"/></marker></defs>\n"
                     "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    size_t nedges = 0;
    for (size_t i = 0; g && i < n; i++) {
        if (v[i].id == UINT32_MAX)
            continue;
        const uint32_t *ids;
        size_t ne = aiops_graph_adj(g, v[i].id, 1, &ids);
        /* edges in callee-name order */
        for (size_t j = 0; j < n; j++) {
            for (size_t k = 0; k < ne; k++) {
                const aiops_graph_edge *e = aiops_graph_edge_at(g, ids[k]);
                if (v[j].id != e->to || j == i)
                    continue;
                int x1 = M + v[i].layer * DX + W, y1 = M + v[i].row * DY + H / 2;
                int x2 = M + v[j].layer * DX, y2 = M + v[j].row * DY + H / 2;
                if (v[j].layer <= v[i].layer) {   /* back or same-layer edge */
                    x1 -= W / 2;
                    x2 += W / 2;
                    y1 += H / 2;
                    y2 += H / 2;
                }
                double err = e->st.calls ? (double)e->st.errors / (double)e->st.calls : 0;
                aiops_buf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"%.1f\" "
                                    "marker-end=\"url(#arrow)\"><title>",
                                 x1, y1, x2, y2, err > 0.05 ? "#d7191c" : "#888888",
                                 1.0 + fmin(3, log10(1 + e->weight)));
                aiops_report_html_esc(b, v[i].name);
                aiops_buf_str(b, " \xe2\x86\x92 ");
                aiops_report_html_esc(b, v[j].name);
                aiops_buf_printf(b, ": %.0f calls, %llu errors</title></line>\n", e->weight,
                                 (unsigned long long)e->st.errors);
                nedges++;
            }
        }
    }
    static const char *const fill[] = {"#eeeeee", "#fdae61", "#d7191c"};
    static const char *const ink[] = {"#333333", "#222222", "#ffffff"};
    for (size_t i = 0; i < n; i++) {
        int x = M + v[i].layer * DX, y = M + v[i].row * DY;
        aiops_buf_printf(b, "<g><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"6\" fill=\"%s\" stroke=\"#555\"/>"
                            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-family=\"Helvetica,Arial,sans-serif\" "
                            "font-size=\"12\" fill=\"%s\">",
                         x, y, W, H, fill[v[i].role], x + W / 2, y + H / 2 + 4, ink[v[i].role]);
        /* at most 24 characters shown (whole UTF-8 sequences) */
        size_t len = strlen(v[i].name), cut = 0, chars = 0;
        while (cut < len && chars < 24) {
            cut++;
            while (cut < len && ((unsigned char)v[i].name[cut] & 0xC0) == 0x80)
                cut++;
            chars++;
        }
        char *t = strndup(v[i].name, cut);
        aiops_report_html_esc(b, t ? t : "");
        free(t);
        aiops_buf_str(b, cut < len ? "\xe2\x80\xa6</text><title>" : "</text><title>");
        aiops_report_html_esc(b, v[i].name);
        aiops_buf_str(b, "</title></g>\n");
    }
    aiops_buf_printf(b, "<text x=\"%d\" y=\"%d\" font-family=\"Helvetica,Arial,sans-serif\" font-size=\"11\" fill=\"#555\">",
                     M, height - 10);
    aiops_buf_printf(b, "%zu services, %zu call edges%s; red: root cause, orange: incident services, grey: neighbours",
                     n, nedges, !g ? " (no spans or --graph-file)" : "");
    if (dropped)
        aiops_buf_printf(b, "; %zu more not drawn", dropped);
    aiops_buf_str(b, "</text>\n</svg>\n");
}
