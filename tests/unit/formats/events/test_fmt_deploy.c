/* test_fmt_deploy.c - deploy/change events as teams write them. */
#include "rectest.h"

#include "formats/obs.h"

#define DP (&aiops_fmt_deploy)

static void test_lines(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(DP, "deploys.jsonl",
             "{\"service\":\"cart\",\"version\":\"v2.3.1\",\"author\":\"alice\",\"ts\":1704164700}\n"
             "\n"
             "{\"ts\":\"2024-01-02T03:00:00Z\",\"kind\":\"config\",\"app\":\"payments\",\"author\":\"bob\","
             "\"message\":\"db pool 10 -> 20\",\"ticket\":\"OPS-42\",\"links\":[\"a\"]}\n"
             "{\"service\":\"search\",\"version\":\"v1.0.9\",\"author\":\"ci-bot\",\"ts\":1704164645000,"
             "\"namespace\":\"shop\",\"count\":2,\"object\":\"deployment/search\",\"reason\":\"rollout\"}\n",
             &r);
    /* FORMAT.md's field order; kind defaults to deploy; ms epoch; service
     * by attribution (app), other fields kept after, in their order */
    RT_EXPECT(&r,
              "event 1704164700 {\"kind\":\"deploy\",\"service\":\"cart\",\"version\":\"v2.3.1\",\"aut"
              "hor\":\"alice\"}",
              "event 1704164400 {\"kind\":\"config\",\"service\":\"payments\",\"message\":\"db pool 10 "
              "-> 20\",\"author\":\"bob\",\"app\":\"payments\",\"ticket\":\"OPS-42\",\"links\":[\"a\"]}",
              "event 1704164645 {\"kind\":\"deploy\",\"service\":\"search\",\"reason\":\"rollout\",\"ob"
              "ject\":\"deployment/search\",\"namespace\":\"shop\",\"version\":\"v1.0.9\",\"author\":\""
              "ci-bot\",\"count\":2}");
    assert_int_equal(DP->ordered, 0);
    rt_free(&r);
}

static void test_array(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(DP, "deploys.json",
             "[\n  {\"service\": \"checkout\", \"version\": \"v5.1.0\", \"ts\": \"2024-01-02T03:10:00+01:00\"},\n"
             "  {\"service\": \"checkout\", \"version\": \"v5.0.9\", \"ts\": 1704157200.5, \"kind\": "
             "\"rollback\"}\n]\n",
             &r);
    RT_EXPECT(&r,
              "event 1704161400 {\"kind\":\"deploy\",\"service\":\"checkout\",\"version\":\"v5.1.0\"}",
              "event 1704157200.5 {\"kind\":\"rollback\",\"service\":\"checkout\",\"version\":\"v5.0.9\""
              "}");
    rt_free(&r);
    rt_parse(DP, "e.json", "[]", &r);
    RT_EXPECT_NONE(&r);
    rt_parse(DP, "e.json", "", &r);
    RT_EXPECT_NONE(&r);
}

static void test_errors(void **state)
{
    (void)state;
    RT_ERR(DP, "e.jsonl",
           "{\"service\":\"cart\",\"version\":\"v1\",\"ts\":1704164645}\n"
           "{\"service\":\"cart\",\"version\":\"v2\",\"author\":\"alice\"}\n",
           AIOPS_EPARSE, 2, "expected a \"ts\" member");
    RT_ERR(DP, "e.jsonl", "{\"service\":\"cart\",\"version\":2.1,\"ts\":1704164645}\n", AIOPS_EPARSE, 1,
           "version: expected a string, got a number");
    RT_ERR(DP, "e.jsonl", "{\"service\":\"cart\",\"ts\":\"monday\"}\n", AIOPS_EPARSE, 1,
           "ts: expected a time (RFC 3339 or epoch seconds/ms/us/ns), got 'monday'");
    RT_ERR(DP, "e.jsonl", "{\"service\":\"cart\",\"ts\":1,\"count\":1.5}\n", AIOPS_EPARSE, 1,
           "count: expected an integer, got a number");
    RT_ERR(DP, "e.json", "[\n{\"service\":\"a\",\"ts\":1},\n7]", AIOPS_EPARSE, 3,
           "[1]: expected a deploy/change event object, got a number");
    RT_ERR(DP, "e.jsonl", "{\"service\":\"cart\",\"ts\":1}\n{\"service\":\"cart\",\"ts\":2\n",
           AIOPS_EPARSE, 2, "expected a deploy/change event JSON object or array:");
    RT_ERR(DP, "e.jsonl", "{\"service\":\"caf\xe9\",\"ts\":1}\n", AIOPS_EPARSE, 1,
           "service: expected UTF-8 text, got invalid bytes");
}

static void test_probe(void **state)
{
    (void)state;
    static const struct {
        const char *head;
        int score;
    } cases[] = {
        {"{\"service\":\"cart\",\"version\":\"v2\",\"author\":\"a\",\"ts\":1}\n", 80},
        {"[{\"app\":\"x\",\"kind\":\"config\",\"ts\":\"2024-01-02T03:04:05Z\"}]", 80},
        {"{\"type\":\"event\",\"ts\":1,\"kind\":\"deploy\",\"service\":\"cart\"}\n", 0},
        {"{\"service\":\"cart\",\"ts\":1}\n", 0},
        {"{\"version\":\"v2\",\"ts\":1}\n", 0},
        {"", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_int_equal(DP->probe("x", cases[i].head, strlen(cases[i].head)), cases[i].score);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_array),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
