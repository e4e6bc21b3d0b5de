/* test_fmt_fluentbit.c - Fluent Bit / Fluentd JSON log records. */
#include "rectest.h"

#include "formats/obs.h"
#include "../raw_tree.h"

#define FB (&aiops_fmt_fluentbit)

/* Every layout, one per line. */
static const char LINES[] =
    "[1704164645.25, {\"log\":\"E0102 03:04:05.250000 1 x.go:1] failed\",\"kubernetes\":{\"pod_name\":"
    "\"api-7d9f8b6c4-x2x9z\",\"container_name\":\"api\",\"labels\":{\"app.kubernetes.io/name\":\"api\"}}}]\n"
    "[[1704164646, 500000000], {\"message\":\"disk at 91%\",\"level\":\"WARNING\"}]\n"
    "[[1704164647.0, {\"trace\":\"on\"}], {\"log\":\"GET /cart 200\",\"kubernetes\":{\"container_name\":"
    "\"cart\"}}]\n"
    "[\"2024-01-02T03:04:08Z\", {\"msg\":\"string time\"}]\n"
    "[{\"date\":1704164649,\"log\":\"a\"},{\"date\":\"2024-01-02T03:04:10Z\",\"log\":\"b\","
    "\"trace_id\":\"abc\"}]\n"
    "{\"date\":1704164651.125,\"log\":\"json lines\",\"PRIORITY\":\"3\",\"SYSLOG_IDENTIFIER\":\"sshd\"}\n"
    "\n"
    "{\"time\":\"2024-01-02T03:04:12.5Z\",\"log\":\"docker json-file\\n\",\"stream\":\"stderr\"}\n"
    "2024-01-02T03:04:13+00:00\tapp.tag\t{\"log\":\"fluentd\",\"stream\":\"stdout\"}\n";

static void test_layouts(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(FB, "fb.jsonl", LINES, &r);
    /* service from kubernetes.labels / container_name / journald's
     * SYSLOG_IDENTIFIER; level from klog's letter, a level field, the
     * journald PRIORITY; Docker's trailing newline dropped; the Fluentd
     * tag and event-group metadata become labels */
    RT_EXPECT(&r,
              "log 1704164645.25 {\"service\":\"api\",\"level\":\"error\",\"message\":\"E0102 03:04:05."
              "250000 1 x.go:1] failed\",\"labels\":{\"kubernetes.pod_name\":\"api-7d9f8b6c4-x2x9z\",\""
              "kubernetes.container_name\":\"api\",\"kubernetes.labels.app.kubernetes.io/name\":\"api\""
              "}}",
              "log 1704164646.5 {\"level\":\"warn\",\"message\":\"disk at 91%\"}",
              "log 1704164647 {\"service\":\"cart\",\"message\":\"GET /cart 200\",\"labels\":{\"kuberne"
              "tes.container_name\":\"cart\",\"trace\":\"on\"}}",
              "log 1704164648 {\"message\":\"string time\"}",
              "log 1704164649 {\"message\":\"a\"}",
              "log 1704164650 {\"message\":\"b\",\"trace_id\":\"abc\"}",
              "log 1704164651.125 {\"service\":\"sshd\",\"level\":\"error\",\"message\":\"json lines\","
              "\"labels\":{\"SYSLOG_IDENTIFIER\":\"sshd\"}}",
              "log 1704164652.5 {\"message\":\"docker json-file\",\"labels\":{\"stream\":\"stderr\"}}",
              "log 1704164653 {\"message\":\"fluentd\",\"labels\":{\"stream\":\"stdout\",\"tag\":\"app."
              "tag\"}}");
    assert_int_equal(FB->ordered, 1);
    rt_free(&r);
    rt_parse(FB, "empty.jsonl", "\n  \n", &r);
    RT_EXPECT_NONE(&r);
}

/* After an error the parser goes on with the next line (--skip-bad). */
static void test_continues_after_error(void **state)
{
    (void)state;
    static const char text[] = "{\"date\":1,\"log\":\"a\"}\n{\"date\":2}\n{\"date\":3,\"log\":\"c\"}\n";
    aiops_stream *st = aiops_stream_new_mem("c.jsonl", text, strlen(text), 0, 0);
    aiops_parse_ctx ctx = {.stream = st};
    aiops_err err = {0};
    aiops_record rec = {0};
    void *s = NULL;
    assert_int_equal(FB->open(&s, &ctx, &err), 0);
    assert_int_equal(FB->next(s, &ctx, &rec, &err), 1);
    assert_true(rec.ts == 1);
    aiops_record_clear(&rec);
    assert_int_equal(FB->next(s, &ctx, &rec, &err), AIOPS_EPARSE);
    assert_int_equal(err.line, 2);
    assert_int_equal(FB->next(s, &ctx, &rec, &err), 1);
    assert_true(rec.ts == 3);
    assert_string_equal(json_string_value(json_object_get(rec.obj, "message")), "c");
    aiops_record_clear(&rec);
    assert_int_equal(FB->next(s, &ctx, &rec, &err), 0);
    FB->close(s);
    aiops_stream_free(st);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(FB, "u.jsonl", "[1704164645, {\"log\":\"read \x80\x81 bytes\",\"stream\":\"stdout\"}]\n", &r);
    RT_EXPECT(&r, "log 1704164645 {\"message\":\"read \xEF\xBF\xBD\xEF\xBF\xBD bytes\",\"labels\":"
                  "{\"stream\":\"stdout\"},\"invalid_utf8\":2}");
    rt_free(&r);
    RT_ERR(FB, "u.jsonl", "{\"date\":1,\"log\":\"ok\"}\n{\"date\":1,\"log\":\"ok\",\"host\":\"\xc0\xaf\"}\n",
           AIOPS_EPARSE, 2, "host: expected UTF-8 text, got invalid bytes");
    RT_ERR(FB, "u.log", "2024-01-02T03:04:05Z\tta\xffg\t{\"log\":\"x\"}\n", AIOPS_EPARSE, 1,
           "tag: expected UTF-8 text, got invalid bytes");
}

static void test_errors(void **state)
{
    (void)state;
    RT_ERR(FB, "e.jsonl", "[1704164645, {\"log\":\"ok\"}]\n[1704164646, \"not a record\"]\n",
           AIOPS_EPARSE, 2, "[1]: expected the record as an object, got a string");
    RT_ERR(FB, "e.jsonl", "[1704164645]\n", AIOPS_EPARSE, 1,
           "expected [time, {record}], got an array of 1 elements");
    RT_ERR(FB, "e.jsonl", "[[1704164645, 1000000000], {\"log\":\"x\"}]\n", AIOPS_EPARSE, 1,
           "[0]: expected the time as [seconds, nanoseconds]");
    RT_ERR(FB, "e.jsonl", "[true, {\"log\":\"x\"}]\n", AIOPS_EPARSE, 1,
           "[0]: expected a time (RFC 3339 text or epoch number), got true");
    RT_ERR(FB, "e.jsonl", "{\"date\":\"soon\",\"log\":\"x\"}\n", AIOPS_EPARSE, 1,
           "date: expected a time (RFC 3339 or epoch seconds/ms/us/ns), got 'soon'");
    RT_ERR(FB, "e.jsonl", "{\"log\":\"x\"}\n", AIOPS_EPARSE, 1,
           "expected a time key in the record (date, @timestamp, time or timestamp)");
    RT_ERR(FB, "e.jsonl", "{\"date\":1,\"stream\":\"stdout\"}\n", AIOPS_EPARSE, 1,
           "expected a log message field (message, log, msg or MESSAGE)");
    RT_ERR(FB, "e.jsonl", "[{\"date\":1,\"log\":\"a\"},\n", AIOPS_EPARSE, 1,
           "expected a Fluent Bit JSON record:");
    RT_ERR(FB, "e.log", "2024-01-02T03:04:05Z\ttag\t[1,2]\n", AIOPS_EPARSE, 1,
           "expected a record object after the tag, got an array");
    RT_ERR(FB, "e.log", "plain text here\n", AIOPS_EPARSE, 1,
           "expected a Fluent Bit JSON record ([time, {...}] or {...}) or Fluentd's "
           "time<TAB>tag<TAB>{...}, got 'plain text here'");
}

static void test_probe(void **state)
{
    (void)state;
    static const struct {
        const char *head;
        int score;
    } cases[] = {
        {"[1704164645.25, {\"log\":\"x\"}]\n", 95},
        {"[[1704164645, 1], {\"message\":\"x\"}]\n", 95},
        {"[{\"date\":1704164645,\"log\":\"x\"}]\n", 60},
        {"{\"date\":1704164645.25,\"log\":\"x\"}\n", 60},
        {"{\"time\":\"2024-01-02T03:04:05Z\",\"log\":\"x\",\"stream\":\"stdout\"}\n", 40},
        {"2024-01-02T03:04:05+00:00\ttag\t{\"log\":\"x\"}\n", 85},
        {"{\"date\":1704164645.25,\"cpu_p\":0.5}\n", 0},          /* a metric record */
        {"{\"type\":\"log\",\"ts\":1,\"log\":\"x\",\"date\":1}\n", 0},
        {"1700000000\tup{job=\"a\"}\t1\n", 0},
        {"[{\"traceId\":\"a\",\"id\":\"b\",\"timestamp\":1}]", 0},
        {"", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_int_equal(FB->probe("x", cases[i].head, strlen(cases[i].head)), cases[i].score);
}



static void test_fast_path(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "{\"date\":1704164645.125,\"log\":\"worker started\",\"SYSLOG_IDENTIFIER\":\"worker\","
        "\"PRIORITY\":\"6\"}\n{\"date\":\"2024-01-02T03:04:06Z\",\"log\":\"q\",\"PRIORITY\":\"4\"}\n"
        "{\"date\":1704164647,\"log\":\"level=error trace_id=0af7\",\"container_name\":\"queue\"}\n",
        "{\"time\":\"1704164645\",\"message\":\"epoch text\"}\n",
        "{\"timestamp\":1704164645123,\"msg\":\"ms\"}\n",
        "{\"@timestamp\":\"2024-01-02T03:04:05Z\",\"date\":\"soon\",\"log\":\"date wins\"}\n",
        "{\"date\":null,\"log\":\"null\"}\n",
        "{\"date\":true,\"log\":\"bool\"}\n",
        "{\"date\":1e400,\"log\":\"overflow\"}\n",
        "{\"log\":\"no time\"}\n",
        "{\"date\":1,\"nolog\":\"x\"}\n",
        "{\"date\":1,\"log\":\"x\",\"log\":\"y\"}\n",
        "[1704164645.25, {\"log\":\"E0102 failed\",\"stream\":\"stderr\",\"kubernetes\":{\"pod_name\":"
        "\"api-7d9f8b6c4-x2x9z\",\"container_name\":\"api\",\"labels\":{\"app.kubernetes.io/name\":"
        "\"api\"}}}]\n",
        "[\"2024-01-02T03:04:05Z\", {\"log\":\"text time\"}]\n",
        "[\"1704164645\", {\"log\":\"epoch text\"}]\n",
        "[[1704164646, 500000000], {\"message\":\"disk\",\"level\":\"WARNING\"}]\n",
        "[[1704164647.0, {\"trace\":\"on\"}], {\"log\":\"GET\"}]\n",
        "[1704164645, {\"log\":\"x\"}, 3]\n",
        "[1704164645]\n",
        "[1704164645, 7]\n",
        "[null, {\"log\":\"x\"}]\n",
        "[{\"date\":1,\"log\":\"format json\"},{\"date\":2,\"log\":\"b\"}]\n",
        "{\"date\":1,\"log\":\"\xfe\"}\n",
        "2024-01-02T03:04:05+00:00\ttag\t{\"log\":\"fluentd\"}\n",
        "{\"date\":1,\"log\":\"x\",\"a\":[\"b\",{\"c\":1}]}\n",
        "{\"date\":1,\"log\":\"ok\"}\n{\"date\":1,\"log\":tru}\n{\"date\":2,\"log\":\"ok2\"}\n",
    };
    rt_same_lines(FB, docs, sizeof docs / sizeof *docs);
    aiops_buf out = {0};
    rt_read_all(FB, "t.jsonl", docs[10], strlen(docs[10]), 1, 1 << 20, 1, &out);
    assert_string_equal(out.p,
        "2 1704164645.25 {\"service\":\"api\",\"level\":\"error\",\"message\":\"E0102 failed\","
        "\"labels\":{\"stream\":\"stderr\",\"kubernetes.pod_name\":\"api-7d9f8b6c4-x2x9z\","
        "\"kubernetes.container_name\":\"api\",\"kubernetes.labels.app.kubernetes.io/name\":\"api\"}}\n");
    aiops_buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_path),
        cmocka_unit_test(test_layouts),      cmocka_unit_test(test_continues_after_error),
        cmocka_unit_test(test_invalid_utf8), cmocka_unit_test(test_errors),
        cmocka_unit_test(test_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
