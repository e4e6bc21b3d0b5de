/* fuzz_report.c - libFuzzer harness: aiops-report's collector and writers
 * (libcore/report) over a record stream.  Input: one flag byte, then
 * three parts split at lines "%%" (tests/fuzz/fuzz.h): part 0, the
 * --groups file (ServiceNow: JSON object service -> group; empty: none);
 * part 1, the record stream; part 2, aiops-eval reports for the backtest
 * report, one JSON document a line (empty: none).  Every hand-off format
 * is rendered; flag bit 0: the postmortems (Markdown and HTML, no charts)
 * are written to a scratch directory; bit 1: --resolve.  Run: make fuzz. */
#include <dirent.h>

#include "common/buf.h"
#include "report/report.h"
#include "fuzz.h"

typedef struct in {
    aiops_report *rep;
    aiops_series_table *tab;
} in;

static int add(void *ctx, aiops_record *r, aiops_err *err)
{
    in *x = ctx;
    return aiops_report_add(x->rep, x->tab, r, err);
}

/* The scratch directory of this process, emptied (the writers make flat
 * directories without charts). */
static const char *scratch(void)
{
    static char dir[256];
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/aiops-fuzz-%ld-report", t && *t ? t : "/tmp", (long)getpid());
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));) {
        char p[600];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            unlink(p);
    }
    if (d)
        closedir(d);
    return dir;
}

static void backtest(const aiops_report_opts *o, const char *s, size_t n)
{
    json_t *ev[16];
    const char *names[16];
    size_t k = 0;
    while (n && k < 16) {
        const char *nl = memchr(s, '\n', n);
        size_t len = nl ? (size_t)(nl - s) : n;
        json_t *j = json_loadb(s, len, JSON_REJECT_DUPLICATES, NULL);
        if (j) {
            ev[k] = j;
            names[k] = k % 2 ? "scenario-b" : "a";
            k++;
        }
        s += len + (nl != NULL);
        n -= len + (nl != NULL);
    }
    const char *dir = k ? scratch() : NULL;
    aiops_err err = {0};
    char *index = NULL;
    if (dir)
        aiops_report_backtest(o, ev, names, k, dir, &index, &err);
    free(index);
    for (size_t i = 0; i < k; i++)
        json_decref(ev[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned fl = fuzz_flags(&data, &size);
    size_t n0, n1, n2;
    const char *p0 = fuzz_part((const char *)data, size, 0, &n0);
    const char *p1 = fuzz_part((const char *)data, size, 1, &n1);
    const char *p2 = fuzz_part((const char *)data, size, 2, &n2);
    aiops_report_opts o;
    aiops_report_opts_default(&o);
    o.charts = 0;
    o.resolve = !!(fl & 2);
    o.max_points = 100000;
    o.max_records = 20000;
    if (n0 && !(o.groups_file = fuzz_file("groups.json", p0, n0)))
        return 0;
    in x = {NULL, aiops_series_table_new()};
    aiops_err err = {0};
    int rc = x.tab ? aiops_report_new(&x.rep, &o, &err) : -1;
    if (!rc)
        rc = fuzz_records(p1, n1, x.tab, add, &x, &err);
    if (!rc)
        rc = aiops_report_finish(x.rep, &err);
    for (int f = AIOPS_REPORT_PAGERDUTY; !rc && f <= AIOPS_REPORT_GRAFANA; f++) {
        aiops_buf b = {0};
        aiops_report_handoff(x.rep, (aiops_report_fmt)f, &b, &err);
        aiops_buf_free(&b);
    }
    if (!rc && (fl & 1)) {
        const char *dir = scratch();
        char *index = NULL;
        if (dir)
            aiops_report_write(x.rep, dir, &index, &err);
        free(index);
    }
    aiops_report_free(x.rep);
    aiops_series_table_free(x.tab);
    if (n2)
        backtest(&o, p2, n2);
    return 0;
}
