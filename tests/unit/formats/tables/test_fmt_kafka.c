/* test_fmt_kafka.c - kcat -J envelopes, payloads parsed in their own format. */
#include "rectest.h"

extern const aiops_format aiops_fmt_kafka;
#define KF (&aiops_fmt_kafka)

static const char DUMP[] =
    "{\"topic\":\"metrics\",\"partition\":0,\"offset\":41,\"tstype\":\"create\",\"ts\":1700000000500,\"broker\":1,"
    "\"key\":null,\"payload\":\"{\\\"type\\\":\\\"sample\\\",\\\"ts\\\":1700000000,\\\"name\\\":\\\"up\\\","
    "\\\"labels\\\":{\\\"job\\\":\\\"api\\\"},\\\"value\\\":1}\"}\n"
    "\n"
    "{\"topic\":\"app-logs\",\"partition\":2,\"offset\":7,\"tstype\":\"create\",\"ts\":1700000001250,\"broker\":1,"
    "\"key\":\"cart-7d9f\",\"payload\":\"ERROR payment declined for order 42\\n\"}\n"
    "{\"topic\":\"app-logs\",\"partition\":2,\"offset\":8,\"tstype\":\"create\",\"ts\":1700000001300,\"broker\":1,"
    "\"key\":\"cart-7d9f\",\"payload\":null}\n"
    "{\"topic\":\"scrapes\",\"partition\":0,\"offset\":3,\"tstype\":\"create\",\"ts\":1700000002000,\"broker\":1,"
    "\"key\":null,\"payload\":\"# TYPE queue_depth gauge\\nqueue_depth{queue=\\\"orders\\\"} 17\\n"
    "queue_depth{queue=\\\"mail\\\"} 2\\n\"}\n"
    "{\"topic\":\"events\",\"partition\":1,\"offset\":0,\"tstype\":\"create\",\"ts\":1700000003000,\"broker\":1,"
    "\"key\":null,\"payload\":{\"type\":\"event\",\"ts\":1700000002.5,\"kind\":\"deploy\",\"service\":\"cart\"}}\n"
    "{\"topic\":\"app-logs\",\"partition\":2,\"offset\":9,\"tstype\":\"create\",\"ts\":1700000004000,\"broker\":1,"
    "\"key\":null,\"payload\":\"  \"}\n";

static void test_dump(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(KF, "bus.jsonl", DUMP, &r);
    /* The exposition text has no timestamps: the envelope time. */
    RT_EXPECT(&r,
              "sample 1700000000 up{job=\"api\"} 1",
              "log 1700000001.25 {\"service\":\"app-logs\",\"level\":\"error\",\"message\":\"ERROR payment declined for order 42\"}",
              "sample 1700000002 queue_depth{queue=\"orders\"} 17",
              "sample 1700000002 queue_depth{queue=\"mail\"} 2",
              "event 1700000002.5 {\"type\":\"event\",\"ts\":1700000002.5,\"kind\":\"deploy\",\"service\":\"cart\"}");
    rt_free(&r);
}

static void test_service_option(void **state)
{
    (void)state;
    rt_run r;
    rt_opts o = {.service = "checkout"};
    const char *t = "{\"topic\":\"t\",\"partition\":0,\"offset\":1,\"ts\":1700000000000,\"payload\":\"[warn] slow\"}\n";
    rt_parse_opts(KF, "k.jsonl", t, strlen(t), &o, &r);
    RT_EXPECT(&r, "log 1700000000 {\"service\":\"checkout\",\"level\":\"warn\",\"message\":\"[warn] slow\"}");
    rt_free(&r);
    rt_parse(KF, "k.jsonl", "", &r);
    RT_EXPECT_NONE(&r);
}

static void test_errors(void **state)
{
    (void)state;
    RT_ERR(KF, "k.jsonl", "{\"topic\":\"t\",\"partition\":0,\"offset\":1,\"payload\":null}\n{\"topic\":\"t\",", AIOPS_EPARSE,
           2, "expected a kcat -J envelope: ");
    RT_ERR(KF, "k.jsonl", "[1]\n", AIOPS_EPARSE, 1, "expected a kcat -J envelope object, got an array");
    RT_ERR(KF, "k.jsonl", "{\"topic\":\"t\",\"offset\":1,\"payload\":null}\n", AIOPS_EPARSE, 1,
           "expected integer \"partition\" and \"offset\" fields");
    RT_ERR(KF, "k.jsonl", "{\"topic\":3,\"partition\":0,\"offset\":1,\"payload\":null}\n", AIOPS_EPARSE, 1,
           "topic: expected a string, got a number");
    RT_ERR(KF, "k.jsonl", "{\"topic\":\"t\",\"partition\":0,\"offset\":1,\"ts\":\"now\",\"payload\":null}\n",
           AIOPS_EPARSE, 1, "expected \"ts\" to be milliseconds since the epoch, got a string");
    RT_ERR(KF, "k.jsonl", "{\"topic\":\"t\",\"partition\":0,\"offset\":1}\n", AIOPS_EPARSE, 1,
           "expected a \"payload\" field (kcat -J)");
    RT_ERR(KF, "k.jsonl", "{\"topic\":\"t\",\"partition\":0,\"offset\":1,\"payload\":12}\n", AIOPS_EPARSE, 1,
           "payload: expected a string, JSON object or null, got a number");
    RT_ERR(KF, "k.jsonl", "\n{\"topic\":\"t\",\"partition\":0,\"offset\":1,\"ts\":-1,\"payload\":\"hello\"}\n",
           AIOPS_EPARSE, 2, "the payload (a plain text line) has no time of its own");
    RT_ERR(KF, "k.jsonl", "{\"topic\":\"t\",\"partition\":0,\"offset\":5,\"ts\":1,\"payload\":\"{\\\"what\\\":1}\"}\n",
           AIOPS_EPARSE, 1, "expected a payload in a known format, got '{\"what\":1}' (topic t offset 5)");
    /* An error inside the payload: the envelope's line, the payload's line. */
    RT_ERR(KF, "k.jsonl",
           "{\"topic\":\"m\",\"partition\":3,\"offset\":9,\"ts\":1,\"payload\":\"1700000000\\tup\\t1\\n1700000001\\tup\\tx\\n\"}\n",
           AIOPS_EPARSE, 1, "payload of topic m partition 3 offset 9, line 2: expected a sample value, got 'x'");
}

static void test_probe(void **state)
{
    (void)state;
    assert_int_equal(KF->probe("bus.jsonl", DUMP, strlen(DUMP)), 97);
    /* The payload may be cut off by the head: the keys before it count. */
    assert_int_equal(KF->probe("bus.jsonl", DUMP, 120), 97);
    static const char *const no[] = {
        "{\"type\":\"sample\",\"ts\":1,\"name\":\"up\",\"labels\":{},\"value\":1}\n",
        "{\"metric\":{\"__name__\":\"up\"},\"values\":[1],\"timestamps\":[1]}\n",
        "{\"payload\":{\"topic\":\"t\",\"partition\":0,\"offset\":1}}\n",
        "1700000000\tup\t1\n",
        "",
    };
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_int_equal(KF->probe("x", no[i], strlen(no[i])), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dump),
        cmocka_unit_test(test_service_option),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
