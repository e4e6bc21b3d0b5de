/* test_fmt_hostile.c - the alert, Kafka and ClickHouse formats on hostile
 * input: every truncation of the fixtures, bad bytes at every position,
 * lines over 1 MB, deep nesting, random bytes to the probes.  Each input
 * must give records or an error that names the file and a line (>= 1);
 * ASan/UBSan runs (make asan-test) check that nothing is read out of
 * bounds or leaked on the way. */
#include "rectest.h"

#include <stdio.h>

extern const aiops_format aiops_fmt_alertmanager, aiops_fmt_prom_alerts, aiops_fmt_pagerduty,
    aiops_fmt_opsgenie, aiops_fmt_kafka, aiops_fmt_clickhouse;

#define FIX "tests/fixtures/"

static const struct {
    const aiops_format *f;
    const char *path;
} fixtures[] = {
    {&aiops_fmt_alertmanager, FIX "alertmanager/webhook.json"},
    {&aiops_fmt_alertmanager, FIX "alertmanager/webhook-log.ndjson"},
    {&aiops_fmt_alertmanager, FIX "alertmanager/api-v2-alerts.json"},
    {&aiops_fmt_prom_alerts, FIX "prom-alerts/alerts.json"},
    {&aiops_fmt_prom_alerts, FIX "prom-alerts/polls.ndjson"},
    {&aiops_fmt_pagerduty, FIX "pagerduty/incidents.csv"},
    {&aiops_fmt_pagerduty, FIX "pagerduty/incidents.json"},
    {&aiops_fmt_pagerduty, FIX "pagerduty/alerts.json"},
    {&aiops_fmt_pagerduty, FIX "pagerduty/log_entries.json"},
    {&aiops_fmt_opsgenie, FIX "opsgenie/alerts.json"},
    {&aiops_fmt_kafka, FIX "kafka/bus.jsonl"},
    {&aiops_fmt_clickhouse, FIX "clickhouse/otel_logs.jsonl"},
    {&aiops_fmt_clickhouse, FIX "clickhouse/otel_traces.tsv"},
    {&aiops_fmt_clickhouse, FIX "clickhouse/otel_metrics_gauge.jsonl"},
    {&aiops_fmt_clickhouse, FIX "clickhouse/node_metrics.tsv"},
};
#define NFIX (sizeof fixtures / sizeof fixtures[0])

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    *n = fread(buf, 1, (1 << 20) - 1, f);
    buf[*n] = '\0';
    fclose(f);
    return buf;
}

/* Records, or an error that says where. */
static void parse_ok_or_located(const aiops_format *f, const char *text, size_t len, const rt_opts *o)
{
    rt_run r;
    rt_parse_opts(f, "in", text, len, o, &r);
    if (r.rc != 0 && (r.err.line < 1 || strcmp(r.err.file, "in") || !r.err.msg[0] ||
                      (r.rc != AIOPS_EPARSE && r.rc != AIOPS_ELIMIT)))
        print_error("%s: rc %d at '%s':%ld '%s' for input of %zu bytes '%.80s'\n", f->name, r.rc,
                    r.err.file, r.err.line, r.err.msg, len, text);
    assert_true(r.rc == 0 || r.rc == AIOPS_EPARSE || r.rc == AIOPS_ELIMIT);
    if (r.rc) {
        assert_true(r.err.line >= 1);
        assert_string_equal(r.err.file, "in");
        assert_true(r.err.msg[0] != '\0');
    }
    rt_free(&r);
}

static void test_truncations(void **state)
{
    (void)state;
    for (size_t i = 0; i < NFIX; i++) {
        size_t n;
        char *text = slurp(fixtures[i].path, &n);
        size_t step = n / 400 + 1;
        for (size_t k = 0; k <= n; k += step) {
            char *cut = malloc(k + 1);   /* exact size: ASan sees reads past the end */
            assert_non_null(cut);
            memcpy(cut, text, k);
            cut[k] = '\0';
            parse_ok_or_located(fixtures[i].f, cut, k, NULL);
            free(cut);
        }
        free(text);
    }
}

/* Invalid UTF-8, a NUL, a stray quote, a tab, a newline: at every place. */
static void test_bad_bytes(void **state)
{
    (void)state;
    static const char bad[] = {'\xff', '\0', '"', '\t', '\n', '{', '\\'};
    for (size_t i = 0; i < NFIX; i++) {
        size_t n;
        char *text = slurp(fixtures[i].path, &n);
        size_t step = n / 150 + 1;
        for (size_t b = 0; b < sizeof bad; b++)
            for (size_t k = 0; k < n; k += step) {
                char saved = text[k];
                text[k] = bad[b];
                parse_ok_or_located(fixtures[i].f, text, n, NULL);
                text[k] = saved;
            }
        free(text);
    }
}

/* A text with one huge run of 'x' at the mark "@@". */
static char *with_big(const char *tmpl, size_t big, size_t *len)
{
    const char *at = strstr(tmpl, "@@");
    assert_non_null(at);
    size_t pre = (size_t)(at - tmpl), post = strlen(at + 2);
    char *t = malloc(pre + big + post + 1);
    assert_non_null(t);
    memcpy(t, tmpl, pre);
    memset(t + pre, 'x', big);
    memcpy(t + pre + big, at + 2, post + 1);
    *len = pre + big + post;
    return t;
}

static void test_huge_lines(void **state)
{
    (void)state;
    static const struct {
        const aiops_format *f;
        const char *tmpl;
        long line;           /* line of the huge field */
    } cases[] = {
        {&aiops_fmt_kafka,
         "{\"topic\":\"t\",\"partition\":0,\"offset\":1,\"ts\":1700000000000,\"payload\":\"a\"}\n"
         "{\"topic\":\"t\",\"partition\":0,\"offset\":2,\"ts\":1700000000000,\"payload\":\"@@\"}\n", 2},
        {&aiops_fmt_clickhouse, "ts\tmessage\n1700000000\tok\n1700000001\t@@\n", 3},
        {&aiops_fmt_clickhouse, "{\"Timestamp\":1700000000,\"Body\":\"@@\"}\n", 1},
        {&aiops_fmt_pagerduty, "id,title,created_on\nA,\"@@\",1700000000\n", 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        char *t = with_big(cases[i].tmpl, (size_t)2 << 20, &len);
        rt_run r;
        rt_parse_opts(cases[i].f, "in", t, len, NULL, &r);      /* default caps: fine */
        assert_int_equal(r.rc, 0);
        assert_true(r.n >= 1);
        assert_true(strlen(r.line[r.n - 1]) > ((size_t)2 << 20));
        rt_free(&r);
        rt_opts o = {.max_line = (size_t)1 << 20};               /* a 1 MB cap: located */
        rt_parse_opts(cases[i].f, "in", t, len, &o, &r);
        if (r.rc != AIOPS_ELIMIT || r.err.line != cases[i].line)
            print_error("%s: rc %d line %ld '%s'\n", cases[i].f->name, r.rc, r.err.line, r.err.msg);
        assert_int_equal(r.rc, AIOPS_ELIMIT);
        assert_int_equal(r.err.line, cases[i].line);
        rt_free(&r);
        free(t);
    }
}

static void test_deep_nesting(void **state)
{
    (void)state;
    const aiops_format *const json_formats[] = {&aiops_fmt_alertmanager, &aiops_fmt_prom_alerts,
                                                &aiops_fmt_pagerduty, &aiops_fmt_opsgenie,
                                                &aiops_fmt_kafka, &aiops_fmt_clickhouse};
    size_t depth = 200000;
    char *deep = malloc(2 * depth + 64);
    assert_non_null(deep);
    for (size_t v = 0; v < 2; v++) {
        /* [[[[...]]]] and {"a":{"a":...}} cut short. */
        size_t k = 0;
        for (size_t d = 0; d < depth; d++) {
            if (v == 0)
                deep[k++] = '[';
            else {
                memcpy(deep + k, "{\"a\":", 5);
                k += 5;
                if (k + 6 > 2 * depth)
                    break;
            }
        }
        deep[k] = '\0';
        for (size_t f = 0; f < sizeof json_formats / sizeof json_formats[0]; f++)
            parse_ok_or_located(json_formats[f], deep, k, NULL);
    }
    free(deep);
    /* A deep payload inside a Kafka envelope, and a deep ClickHouse map. */
    const char *env = "{\"topic\":\"t\",\"partition\":0,\"offset\":1,\"ts\":1,\"payload\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[\"}\n";
    parse_ok_or_located(&aiops_fmt_kafka, env, strlen(env), NULL);
    const char *row = "{\"ts\":1,\"value\":1,\"name\":\"m\",\"labels\":{\"a\":{\"b\":{\"c\":[[[[[1]]]]]}}}}\n";
    rt_run r;
    rt_parse(&aiops_fmt_clickhouse, "in", row, &r);
    RT_EXPECT(&r, "sample 1 m{a=\"{\\\"b\\\":{\\\"c\\\":[[[[[1]]]]]}}\"} 1");
    rt_free(&r);
}

/* Wrong JSON types for every field of an alert. */
static void test_wrong_types(void **state)
{
    (void)state;
    static const char *const values[] = {"1", "true", "null", "[]", "{}", "\"x\"", "-1e400"};
    static const struct {
        const aiops_format *f;
        const char *tmpl;    /* "@@" is replaced by each value */
    } cases[] = {
        {&aiops_fmt_alertmanager, "{\"receiver\":\"r\",\"alerts\":[{\"status\":@@,\"labels\":{\"alertname\":\"A\"},\"startsAt\":1}]}"},
        {&aiops_fmt_alertmanager, "{\"receiver\":\"r\",\"alerts\":[{\"status\":\"firing\",\"labels\":@@,\"startsAt\":1}]}"},
        {&aiops_fmt_alertmanager, "{\"receiver\":\"r\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":@@},\"startsAt\":1}]}"},
        {&aiops_fmt_alertmanager, "{\"receiver\":\"r\",\"alerts\":[{\"status\":\"resolved\",\"labels\":{\"alertname\":\"A\"},\"startsAt\":1,\"endsAt\":@@}]}"},
        {&aiops_fmt_alertmanager, "{\"receiver\":\"r\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\"},\"startsAt\":1,\"fingerprint\":@@}]}"},
        {&aiops_fmt_alertmanager, "{\"receiver\":\"r\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\"},\"startsAt\":1,\"annotations\":@@}]}"},
        {&aiops_fmt_prom_alerts, "{\"data\":{\"alerts\":[{\"labels\":{\"alertname\":\"A\"},\"state\":\"firing\",\"activeAt\":@@}]}}"},
        {&aiops_fmt_prom_alerts, "{\"data\":@@}"},
        {&aiops_fmt_pagerduty, "{\"incidents\":[{\"title\":@@,\"created_at\":1,\"status\":\"triggered\"}]}"},
        {&aiops_fmt_pagerduty, "{\"incidents\":[{\"title\":\"t\",\"created_at\":1,\"status\":\"triggered\",\"priority\":@@}]}"},
        {&aiops_fmt_pagerduty, "{\"alerts\":[{\"summary\":\"t\",\"created_at\":1,\"status\":\"triggered\",\"incident\":@@}]}"},
        {&aiops_fmt_opsgenie, "{\"data\":[{\"message\":\"m\",\"status\":\"closed\",\"createdAt\":1,\"report\":@@}]}"},
        {&aiops_fmt_opsgenie, "{\"data\":[{\"message\":\"m\",\"status\":\"open\",\"createdAt\":1,\"details\":@@}]}"},
        {&aiops_fmt_kafka, "{\"topic\":\"t\",\"partition\":0,\"offset\":1,\"ts\":1,\"payload\":@@}\n"},
        {&aiops_fmt_clickhouse, "{\"ts\":@@,\"value\":1,\"name\":\"m\"}\n"},
        {&aiops_fmt_clickhouse, "{\"ts\":1,\"value\":1,\"name\":\"m\",\"labels\":@@}\n"},
        {&aiops_fmt_clickhouse, "{\"Timestamp\":1,\"TraceId\":\"a\",\"SpanId\":\"b\",\"SpanName\":\"x\",\"Duration\":@@}\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
            const char *at = strstr(cases[i].tmpl, "@@");
            char buf[512];
            snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - cases[i].tmpl), cases[i].tmpl,
                     values[v], at + 2);
            parse_ok_or_located(cases[i].f, buf, strlen(buf), NULL);
        }
}

static void test_probe_garbage(void **state)
{
    (void)state;
    const aiops_format *const fs[] = {&aiops_fmt_alertmanager, &aiops_fmt_prom_alerts,
                                      &aiops_fmt_pagerduty, &aiops_fmt_opsgenie,
                                      &aiops_fmt_kafka, &aiops_fmt_clickhouse};
    static const char alphabet[] = "{}[]\":,\\\t\n x0aZ\xff\xc3";
    uint64_t s = 88172645463325252ULL;
    for (int it = 0; it < 20000; it++) {
        size_t n = (size_t)(it % 97);
        char *h = malloc(n ? n : 1);     /* exact size, not NUL-terminated */
        assert_non_null(h);
        for (size_t k = 0; k < n; k++) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            h[k] = (it & 1) ? (char)(s & 0xff) : alphabet[s % (sizeof alphabet - 1)];
        }
        for (size_t f = 0; f < sizeof fs / sizeof fs[0]; f++) {
            int p = fs[f]->probe("x", h, n);
            assert_true(p >= 0 && p <= 100);
        }
        free(h);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_truncations),
        cmocka_unit_test(test_bad_bytes),
        cmocka_unit_test(test_huge_lines),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_probe_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
