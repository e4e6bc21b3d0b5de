/* test_detect.c - format detection over every fixture: each file under
 * tests/fixtures/<format>/ (a directory named after a registered format)
 * must be detected as that format from its first 64 KiB, as the reader
 * peeks it, so no two formats claim each other's inputs.  Run from the
 * repository root (make unit does). */
#include "rectest.h"

#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>

#define FIX "tests/fixtures"
#define HEAD 65536

/* Files that are, by design, not detected as their directory's format. */
static const struct {
    const char *path;
    const char *format;      /* NULL: nothing claims it */
} exceptions[] = {
    /* no time on the first line: only --input-format textlog reads it */
    {FIX "/textlog/bad-first-line.log", NULL},
    /* a Prometheus API error body is the same for /api/v1/alerts and queries */
    {FIX "/prom-alerts/bad-error.json", "prom-api"},
    /* the generic table format is never detected (-I table): its fixtures
     * are what other formats (or none) take them for without it */
    {FIX "/table/alerts.csv", "csv"},
    {FIX "/table/bad.csv", "csv"},
    {FIX "/table/pod_metric.csv", "csv"},
    {FIX "/table/long.tsv", "clickhouse"},
    {FIX "/table/trace.csv", NULL},
    {FIX "/table/trace.map", NULL},
};

static const char *expected_for(const char *path, const char *dir_format, int *listed)
{
    *listed = 0;
    for (size_t i = 0; i < sizeof exceptions / sizeof *exceptions; i++)
        if (strcmp(exceptions[i].path, path) == 0) {
            *listed = 1;
            return exceptions[i].format;
        }
    return dir_format;
}

/* 1 if the file's detection matches; prints the mismatch otherwise. */
static int check_file(const char *path, const char *dir_format)
{
    FILE *f = fopen(path, "rb");
    char *head = malloc(HEAD);
    int listed, ok;
    assert_non_null(f);
    assert_non_null(head);
    size_t n = fread(head, 1, HEAD, f);
    fclose(f);
    const aiops_format *got = aiops_format_detect(path, head, n);
    const char *want = expected_for(path, dir_format, &listed);
    ok = want ? got && strcmp(got->name, want) == 0 : got == NULL;
    if (!ok)
        print_error("%s: detected as %s, expected %s\n", path, got ? got->name : "nothing",
                    want ? want : "nothing");
    free(head);
    return ok;
}

static int is_doc(const char *name)
{
    size_t n = strlen(name);
    return name[0] == '.' || (n > 3 && strcmp(name + n - 3, ".md") == 0);
}

static void test_every_fixture(void **state)
{
    (void)state;
    DIR *top = opendir(FIX);
    struct dirent *d;
    size_t files = 0, dirs = 0, bad = 0;
    if (!top)
        print_error("cannot open %s: run the test from the repository root\n", FIX);
    assert_non_null(top);
    while ((d = readdir(top))) {
        const aiops_format *fmt = d->d_name[0] == '.' ? NULL : aiops_format_find(d->d_name);
        char dir[512];
        if (!fmt)
            continue;                /* archives, tool fixtures, ... */
        snprintf(dir, sizeof dir, "%s/%s", FIX, d->d_name);
        DIR *sub = opendir(dir);
        struct dirent *e;
        assert_non_null(sub);
        dirs++;
        while ((e = readdir(sub))) {
            char path[1024];
            struct stat sb;
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            if (is_doc(e->d_name) || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
                continue;
            files++;
            bad += !check_file(path, fmt->name);
        }
        closedir(sub);
    }
    closedir(top);
    /* every input format has its fixture directory (21 when written) */
    assert_true(dirs >= 15);
    assert_true(files >= 100);
    assert_int_equal(bad, 0);
}

/* The formats of this test's own concern, spot-checked by name so a
 * renamed directory cannot silently drop them from the walk above. */
static void test_log_trace_event_dirs(void **state)
{
    (void)state;
    static const char *const dirs[] = {"loki", "es", "fluentbit", "textlog", "jaeger", "otlp",
                                       "zipkin", "k8s-events", "deploy", NULL};
    for (size_t i = 0; dirs[i]; i++) {
        char path[256];
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", FIX, dirs[i]);
        assert_non_null(aiops_format_find(dirs[i]));
        assert_int_equal(stat(path, &sb), 0);
        assert_true(S_ISDIR(sb.st_mode));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_fixture),
        cmocka_unit_test(test_log_trace_event_dirs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
