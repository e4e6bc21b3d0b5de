/* test_fmt_obs_hostile.c - the log, trace and event formats on hostile
 * input: every truncation of their fixtures, a bad byte at every
 * position, lines over 1 MB, nesting past jansson's limit, random bytes
 * to the probes.  Each input must give records or an error that names the
 * file and a line within it; the ASan/UBSan build (make asan-test) checks
 * that nothing is read out of bounds or leaked on the way. */
#include "rectest.h"

#include <stdio.h>

#include "formats/obs.h"

#define FIX "tests/fixtures/"

static const struct {
    const aiops_format *f;
    const char *path;
} fixtures[] = {
    {&aiops_fmt_loki, FIX "loki/logcli.jsonl"},
    {&aiops_fmt_loki, FIX "loki/query_range.json"},
    {&aiops_fmt_es, FIX "es/search.json"},
    {&aiops_fmt_es, FIX "es/hits.ndjson"},
    {&aiops_fmt_es, FIX "es/sources.ndjson"},
    {&aiops_fmt_fluentbit, FIX "fluentbit/forward.jsonl"},
    {&aiops_fmt_fluentbit, FIX "fluentbit/json_lines.jsonl"},
    {&aiops_fmt_fluentbit, FIX "fluentbit/fluentd.log"},
    {&aiops_fmt_textlog, FIX "textlog/app.log"},
    {&aiops_fmt_textlog, FIX "textlog/syslog"},
    {&aiops_fmt_textlog, FIX "textlog/access.log"},
    {&aiops_fmt_textlog, FIX "textlog/rfc5424.log"},
    {&aiops_fmt_textlog, FIX "textlog/apache-error.log"},
    {&aiops_fmt_textlog, FIX "textlog/kubelet.log"},
    {&aiops_fmt_jaeger, FIX "jaeger/traces.json"},
    {&aiops_fmt_otlp, FIX "otlp/traces.json"},
    {&aiops_fmt_otlp, FIX "otlp/collector.jsonl"},
    {&aiops_fmt_zipkin, FIX "zipkin/spans.json"},
    {&aiops_fmt_zipkin, FIX "zipkin/traces.json"},
    {&aiops_fmt_k8s_events, FIX "k8s-events/list.json"},
    {&aiops_fmt_k8s_events, FIX "k8s-events/watch.json"},
    {&aiops_fmt_k8s_events, FIX "k8s-events/watch-events.jsonl"},
    {&aiops_fmt_deploy, FIX "deploy/deploys.jsonl"},
    {&aiops_fmt_deploy, FIX "deploy/deploys.json"},
};
#define NFIX (sizeof fixtures / sizeof fixtures[0])

static const aiops_format *const all[] = {
    &aiops_fmt_loki, &aiops_fmt_es,  &aiops_fmt_fluentbit, &aiops_fmt_textlog,  &aiops_fmt_jaeger,
    &aiops_fmt_otlp, &aiops_fmt_zipkin, &aiops_fmt_k8s_events, &aiops_fmt_deploy,
};
#define NALL (sizeof all / sizeof all[0])

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        print_error("cannot open %s: run the test from the repository root\n", path);
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    buf[len] = '\0';
    *n = (size_t)len;
    return buf;
}

static long lines_in(const char *s, size_t n)
{
    long l = 1;
    for (size_t i = 0; i < n; i++)
        l += s[i] == '\n';
    return l;
}

/* Records, or an error at this file and a line that exists. */
static void parse_sane(const aiops_format *f, const char *text, size_t n)
{
    rt_opts o = {.mtime = 1704153600};
    rt_run r;
    rt_parse_opts(f, "hostile.in", text, n, &o, &r);
    if (r.rc) {
        int ok = (r.rc == AIOPS_EPARSE || r.rc == AIOPS_ELIMIT) &&
                 strcmp(r.err.file, "hostile.in") == 0 && r.err.line >= 1 &&
                 r.err.line <= lines_in(text, n) && r.err.msg[0];
        if (!ok)
            print_error("%s: rc %d at '%s':%ld '%s' for %zu bytes\n", f->name, r.rc, r.err.file,
                        r.err.line, r.err.msg, n);
        assert_true(ok);
    }
    rt_free(&r);
}

static void test_truncations(void **state)
{
    (void)state;
    for (size_t i = 0; i < NFIX; i++) {
        size_t n;
        char *text = slurp(fixtures[i].path, &n);
        for (size_t k = 0; k <= n; k++)
            parse_sane(fixtures[i].f, text, k);
        free(text);
    }
}

/* A byte that breaks JSON structure, UTF-8 or a time at every position. */
static void test_bad_bytes(void **state)
{
    (void)state;
    static const char bad[] = {'\xff', '"', '\0', '{'};
    for (size_t i = 0; i < NFIX; i++) {
        size_t n;
        char *text = slurp(fixtures[i].path, &n);
        for (size_t k = 0; k < n; k++) {
            char keep = text[k];
            text[k] = bad[k % sizeof bad];
            parse_sane(fixtures[i].f, text, n);
            text[k] = keep;
        }
        free(text);
    }
}

/* Every format on every other format's fixture: errors, never crashes. */
static void test_cross(void **state)
{
    (void)state;
    for (size_t i = 0; i < NFIX; i++) {
        size_t n;
        char *text = slurp(fixtures[i].path, &n);
        for (size_t k = 0; k < NALL; k++)
            parse_sane(all[k], text, n);
        free(text);
    }
}

/* 2 MiB messages in each line-based layout. */
static void test_huge_lines(void **state)
{
    (void)state;
    static const struct {
        const aiops_format *f;
        const char *pre, *post;
    } cases[] = {
        {&aiops_fmt_loki, "{\"labels\":{},\"timestamp\":1704164645,\"line\":\"", "\"}\n"},
        {&aiops_fmt_es, "{\"@timestamp\":1704164645,\"message\":\"", "\"}\n"},
        {&aiops_fmt_fluentbit, "[1704164645, {\"log\":\"", "\"}]\n"},
        {&aiops_fmt_textlog, "2024-01-02T03:04:05Z ", "\n"},
        {&aiops_fmt_deploy, "{\"service\":\"a\",\"version\":\"v1\",\"ts\":1,\"message\":\"", "\"}\n"},
    };
    size_t big = (size_t)2 << 20;
    char *text = malloc(big + 256);
    assert_non_null(text);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t a = strlen(cases[i].pre);
        memcpy(text, cases[i].pre, a);
        memset(text + a, 'm', big);
        strcpy(text + a + big, cases[i].post);
        rt_run r;
        rt_parse(cases[i].f, "big.in", text, &r);
        assert_int_equal(r.rc, 0);
        assert_int_equal(r.n, 1);
        assert_true(strlen(r.line[0]) > big);
        rt_free(&r);
    }
    free(text);
}

/* Past jansson's depth limit: a parse error.  Within it, in a record that
 * gets flattened into labels: fine (flattening stops at 16 levels). */
static void test_deep_nesting(void **state)
{
    (void)state;
    size_t depth = 200000;
    char *text = malloc(2 * depth + 256);
    assert_non_null(text);
    memset(text, '[', depth);
    text[depth] = '\0';
    for (size_t k = 0; k < NALL; k++)
        if (all[k] != &aiops_fmt_textlog)
            RT_ERR(all[k], "deep.json", text, AIOPS_EPARSE, 1, "maximum parsing depth reached");
    size_t n = (size_t)sprintf(text, "{\"date\":1704164645,\"log\":\"x\",\"k\":");
    for (size_t i = 0; i < 1500; i++)
        n += (size_t)sprintf(text + n, "{\"a\":");
    n += (size_t)sprintf(text + n, "1");
    for (size_t i = 0; i < 1500; i++)
        text[n++] = '}';
    strcpy(text + n, "}\n");
    rt_run r;
    rt_parse(&aiops_fmt_fluentbit, "deep.jsonl", text, &r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 1);
    assert_non_null(strstr(r.line[0], "\"k.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a\":\"{\\\"a\\\":"));
    rt_free(&r);
    free(text);
}

static void test_probes_random(void **state)
{
    (void)state;
    unsigned seed = 12345;
    char buf[512];
    for (int round = 0; round < 20000; round++) {
        size_t n = (size_t)(round % (int)sizeof buf);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            /* mostly JSON/log punctuation so the probes get somewhere */
            static const char alphabet[] = "{}[]\":, \n\t0123456789-TZ<>/abcdefstuvw\\\xff\xc3";
            buf[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        for (size_t k = 0; k < NALL; k++) {
            int s = all[k]->probe("x", buf, n);
            assert_true(s >= 0 && s <= 100);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_truncations),  cmocka_unit_test(test_bad_bytes),
        cmocka_unit_test(test_cross),        cmocka_unit_test(test_huge_lines),
        cmocka_unit_test(test_deep_nesting), cmocka_unit_test(test_probes_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
