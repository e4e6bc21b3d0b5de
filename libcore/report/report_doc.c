/* report_doc.c - the postmortem and index as Markdown and as one
 * self-contained HTML file (inline CSS, charts as data: URIs, the service
 * graph as inline SVG).  One writer for both: every text from the input
 * goes through the escaper of the document's kind. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/ofile.h"
#include "report/report_impl.h"
#include "report/report_doc.h"

void aiops_report_html_esc(aiops_buf *b, const char *s)
{
    for (const char *p = s; p && *p; p++) {
        switch (*p) {
        case '<': aiops_buf_str(b, "&lt;"); break;
        case '>': aiops_buf_str(b, "&gt;"); break;
        case '&': aiops_buf_str(b, "&amp;"); break;
        case '"': aiops_buf_str(b, "&quot;"); break;
        case '\'': aiops_buf_str(b, "&#39;"); break;
        default:
            if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t')
                aiops_buf_str(b, "\xef\xbf\xbd");
            else
                aiops_buf_put(b, p, 1);
        }
    }
}

void aiops_report_md_esc(aiops_buf *b, const char *s)
{
    /* Only what can start markup is escaped, so the Markdown stays
     * readable as text: inline markers everywhere ([ and ] too, so no
     * link or image can form and "(" needs nothing), block markers (# - +
     * =) as the first character, and "1." / "1)" list numbers. */
    int first = 1, digits = 1;
    for (const char *p = s; p && *p; p++) {
        switch (*p) {
        case '<': aiops_buf_str(b, "&lt;"); break;
        case '>': aiops_buf_str(b, "&gt;"); break;
        case '&': aiops_buf_str(b, "&amp;"); break;
        case '\n': case '\r': case '\t': aiops_buf_str(b, " "); break;
        case '\\': case '`': case '*': case '_': case '[': case ']': case '|': case '~':
            aiops_buf_put(b, "\\", 1);
            aiops_buf_put(b, p, 1);
            break;
        case '#': case '+': case '-': case '=':
            if (first)
                aiops_buf_put(b, "\\", 1);
            aiops_buf_put(b, p, 1);
            break;
        case '.': case ')':
            if (digits && !first && (p[1] == ' ' || !p[1]))    /* "1. " starts a list */
                aiops_buf_put(b, "\\", 1);
            aiops_buf_put(b, p, 1);
            break;
        default:
            if ((unsigned char)*p < 0x20)
                aiops_buf_str(b, "\xef\xbf\xbd");
            else
                aiops_buf_put(b, p, 1);
        }
        if (*p != ' ')
            first = 0;
        if (!(*p >= '0' && *p <= '9') && *p != ' ')
            digits = 0;
    }
}

void rp_base64(aiops_buf *b, const char *s, size_t n)
{
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *u = (const unsigned char *)s;
    char q[4];
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)u[i] << 16 | (i + 1 < n ? (unsigned)u[i + 1] << 8 : 0) |
                     (i + 2 < n ? u[i + 2] : 0);
        q[0] = al[v >> 18 & 63];
        q[1] = al[v >> 12 & 63];
        q[2] = i + 1 < n ? al[v >> 6 & 63] : '=';
        q[3] = i + 2 < n ? al[v & 63] : '=';
        aiops_buf_put(b, q, 4);
    }
}

int rp_write_file(const char *dir, const char *name, const aiops_buf *b, aiops_err *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (b->oom)
        return aiops_err_set(err, AIOPS_ENOMEM, path, 0, "out of memory");
    return aiops_ofile_save(path, b->p, b->n, err);
}

int rp_index_path(const char *dir, const char *name, char **out, aiops_err *err)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    if (!(*out = malloc(n)))
        return aiops_err_set(err, AIOPS_ENOMEM, NULL, 0, "out of memory");
    snprintf(*out, n, "%s/%s", dir, name);
    return 0;
}

int rp_mkdir(const char *dir, aiops_err *err)
{
    char p[4096];
    snprintf(p, sizeof p, "%s", dir);
    for (char *s = p + 1; ; s++) {
        char c = *s;
        if (c == '/' || !c) {
            *s = 0;
            if (mkdir(p, 0777) && errno != EEXIST)
                return aiops_err_set(err, AIOPS_EIO, p, 0, "cannot make the directory: %s", strerror(errno));
            *s = c;
        }
        if (!c)
            break;
    }
    struct stat st;
    if (stat(dir, &st) || !S_ISDIR(st.st_mode))
        return aiops_err_set(err, AIOPS_EIO, dir, 0, "not a directory");
    return 0;
}

static const char *css =
    "body{font-family:Helvetica,Arial,sans-serif;color:#222;background:#fff;max-width:1000px;margin:24px auto;"
    "padding:0 16px;line-height:1.45}\n"
    "h1{font-size:26px;border-bottom:3px solid #d7191c;padding-bottom:6px}h2{font-size:19px;margin-top:28px;"
    "border-bottom:1px solid #ccc}\n"
    "table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid #ccc;padding:4px 8px;"
    "text-align:left;vertical-align:top}th{background:#f3f3f3}\n"
    "tr.mark td{background:#fff3cd;font-weight:bold}tr.alert td:nth-child(3){color:#b35806}"
    "tr.anomaly td:nth-child(3){color:#c51b1b}tr.deploy td:nth-child(3){color:#7b3294}\n"
    ".meta{color:#555}.sev{display:inline-block;padding:1px 8px;border-radius:9px;color:#fff;background:#888}"
    ".sev-critical{background:#b2182b}.sev-error{background:#d6604d}.sev-warning{background:#e08214}"
    ".sev-info{background:#4393c3}\n"
    "figure{margin:12px 0}figure img{max-width:100%;border:1px solid #ddd}figcaption{font-size:12px;color:#555;"
    "word-break:break-all}\n"
    "svg.graph{max-width:100%;height:auto;border:1px solid #ddd}.box{background:#f6f8fa;border-left:4px solid "
    "#2c7bb6;padding:8px 12px}\nfooter{margin-top:32px;font-size:12px;color:#777}code{word-break:break-all}\n";

void rd_init(rd *d, int html, const char *title)
{
    memset(d, 0, sizeof *d);
    d->html = html;
    if (html) {
        aiops_buf_str(&d->b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
        aiops_report_html_esc(&d->b, title);
        aiops_buf_printf(&d->b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", css);
        aiops_report_html_esc(&d->b, title);
        aiops_buf_str(&d->b, "</h1>\n");
    } else {
        aiops_buf_str(&d->b, "# ");
        aiops_report_md_esc(&d->b, title);
        aiops_buf_str(&d->b, "\n\n");
    }
}

void rd_esc(rd *d, const char *s)
{
    if (d->html)
        aiops_report_html_esc(&d->b, s);
    else
        aiops_report_md_esc(&d->b, s);
}

void rd_h2(rd *d, const char *t)
{
    if (d->html) {
        aiops_buf_str(&d->b, "<h2>");
        rd_esc(d, t);
        aiops_buf_str(&d->b, "</h2>\n");
    } else {
        aiops_buf_str(&d->b, "## ");
        rd_esc(d, t);
        aiops_buf_str(&d->b, "\n\n");
    }
}

void rd_p(rd *d, const char *t)
{
    aiops_buf_str(&d->b, d->html ? "<p>" : "");
    rd_esc(d, t);
    aiops_buf_str(&d->b, d->html ? "</p>\n" : "\n\n");
}

void rd_p_lines(rd *d, const char *t)
{
    aiops_buf_str(&d->b, d->html ? "<p>" : "");
    for (const char *p = t; *p;) {
        size_t n = strcspn(p, "\n");
        char *line = strndup(p, n);
        rd_esc(d, line ? line : "");
        free(line);
        p += n;
        while (*p == '\n')
            p++;
        if (*p)
            aiops_buf_str(&d->b, d->html ? "<br>\n" : "  \n");
    }
    aiops_buf_str(&d->b, d->html ? "</p>\n" : "\n\n");
}

void rd_table(rd *d, const char *const *heads)
{
    size_t n = 0;
    aiops_buf_str(&d->b, d->html ? "<table>\n<tr>" : "|");
    for (; heads[n]; n++) {
        aiops_buf_str(&d->b, d->html ? "<th>" : " ");
        rd_esc(d, heads[n]);
        aiops_buf_str(&d->b, d->html ? "</th>" : " |");
    }
    if (d->html)
        aiops_buf_str(&d->b, "</tr>\n");
    else {
        aiops_buf_str(&d->b, "\n|");
        for (size_t i = 0; i < n; i++)
            aiops_buf_str(&d->b, "---|");
        aiops_buf_str(&d->b, "\n");
    }
}

void rd_row_begin(rd *d, const char *cls)
{
    if (d->html)
        aiops_buf_printf(&d->b, cls ? "<tr class=\"%s\">" : "<tr>", cls);
    else
        aiops_buf_str(&d->b, "|");
}

void rd_cell_begin(rd *d)
{
    aiops_buf_str(&d->b, d->html ? "<td>" : " ");
}

void rd_cell_end(rd *d)
{
    aiops_buf_str(&d->b, d->html ? "</td>" : " |");
}

void rd_cell(rd *d, const char *t)
{
    rd_cell_begin(d);
    rd_esc(d, t);
    rd_cell_end(d);
}

void rd_row_end(rd *d)
{
    aiops_buf_str(&d->b, d->html ? "</tr>\n" : "\n");
}

void rd_table_end(rd *d)
{
    aiops_buf_str(&d->b, d->html ? "</table>\n" : "\n");
}

void rd_list(rd *d, const char *lines)
{
    aiops_buf_str(&d->b, d->html ? "<ul>\n" : "");
    for (const char *p = lines; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *one = strndup(p, n);
        aiops_buf_str(&d->b, d->html ? "<li>" : "- ");
        rd_esc(d, one ? one : "");
        free(one);
        aiops_buf_str(&d->b, d->html ? "</li>\n" : "\n");
        p += n + (nl != NULL);
    }
    aiops_buf_str(&d->b, d->html ? "</ul>\n" : "\n");
}

/* A link to a file of the report: html -> NAME.html, md -> NAME.md */
void rd_link(rd *d, const char *file, const char *text)
{
    if (d->html) {
        aiops_buf_str(&d->b, "<a href=\"");
        aiops_report_html_esc(&d->b, file);
        aiops_buf_str(&d->b, ".html\">");
        rd_esc(d, text);
        aiops_buf_str(&d->b, "</a>");
    } else {
        aiops_buf_str(&d->b, "[");
        rd_esc(d, text);
        aiops_buf_printf(&d->b, "](%s.md)", file);
    }
}

/* A chart: html inline (data: URI), md a file beside it. */
int rd_chart(rd *d, const char *dir, const char *file, const char *svg, size_t len,
             const char *caption, aiops_err *err)
{
    if (d->html) {
        aiops_buf_str(&d->b, "<figure><img alt=\"");
        aiops_report_html_esc(&d->b, caption);
        aiops_buf_str(&d->b, "\" src=\"data:image/svg+xml;base64,");
        rp_base64(&d->b, svg, len);
        aiops_buf_str(&d->b, "\"><figcaption>");
        aiops_report_html_esc(&d->b, caption);
        aiops_buf_str(&d->b, "</figcaption></figure>\n");
        return 0;
    }
    aiops_buf_str(&d->b, "![");
    aiops_report_md_esc(&d->b, caption);
    aiops_buf_printf(&d->b, "](%s)\n\n", file);
    aiops_report_md_esc(&d->b, caption);
    aiops_buf_str(&d->b, "\n\n");
    aiops_buf f = {.p = (char *)svg, .n = len};
    return rp_write_file(dir, file, &f, err);
}

void rd_end(rd *d)
{
    if (d->html) {
        aiops_buf_str(&d->b, "<footer>Written by aiops-report from the record stream (docs/FORMAT.md); "
                             "the same input gives the same report.</footer>\n</body>\n</html>\n");
    } else
        aiops_buf_str(&d->b, "---\nWritten by aiops\\-report from the record stream; the same input gives the same report\\.\n");
}
