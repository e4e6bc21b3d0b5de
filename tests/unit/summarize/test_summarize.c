/* test_summarize.c - libcore/summarize: collecting an incident's context
 * from records (windows, services, log templates new or more frequent),
 * the size budget (least informative first, header kept), the neighbour
 * search over feature vectors, the fault signature and offline text, and
 * the LLM request/response shapes and retry policy. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "summarize/summarize.h"

#define T0 1700000000.0

static void feed(aiops_sum *s, aiops_rtype type, double ts, const char *json)
{
    json_error_t je;
    json_t *o = json_loads(json, 0, &je);
    assert_non_null(o);
    json_object_set_new(o, "ts", json_real(ts));
    aiops_record r = {.type = type, .ts = ts, .obj = o};
    aiops_err err = {0};
    assert_int_equal(aiops_sum_add(s, &r, &err), 0);
    json_decref(o);
}

static void logline(aiops_sum *s, double ts, const char *svc, const char *msg)
{
    char buf[512];
    snprintf(buf, sizeof buf, "{\"message\":\"%s\",\"service\":\"%s\"}", msg, svc);
    feed(s, AIOPS_R_LOG, ts, buf);
}

static json_t *one_context(aiops_sum *s)
{
    json_t *ctx = NULL;
    aiops_err err = {0};
    assert_int_equal(aiops_sum_count(s), 1);
    assert_int_equal(aiops_sum_context(s, 0, &ctx, &err), 0);
    return ctx;
}

static void test_collect(void **state)
{
    (void)state;
    aiops_sum *s;
    aiops_err err = {0};
    assert_int_equal(aiops_sum_new(&s, NULL, &err), 0);
    /* an hour before: an "ok" line a minute, a "slow" one every 10 minutes */
    for (int i = 0; i < 60; i++) {
        logline(s, T0 - 3600 + i * 60, "api", "request 17 ok in 12ms");
        if (i % 10 == 0)
            logline(s, T0 - 3590 + i * 60, "api", "slow query took 250ms");
    }
    logline(s, T0 - 7200, "api", "cache warmed");              /* before the baseline window */
    feed(s, AIOPS_R_EVENT, T0 - 600, "{\"kind\":\"deploy\",\"service\":\"api\",\"version\":\"v2\"}");
    feed(s, AIOPS_R_EVENT, T0 - 7200, "{\"kind\":\"deploy\",\"service\":\"api\",\"version\":\"v1\"}");
    feed(s, AIOPS_R_EVENT, T0 - 300, "{\"kind\":\"deploy\",\"service\":\"other\"}");  /* other service */
    /* 10 minutes of incident: 10 ok (same rate), 20 slow (12x), 5 new */
    for (int i = 0; i < 10; i++) {
        logline(s, T0 + i * 60, "api", "request 18 ok in 14ms");
        logline(s, T0 + i * 60 + 1, "api", "slow query took 900ms");
        logline(s, T0 + i * 60 + 2, "api", "slow query took 950ms");
        if (i < 5)
            logline(s, T0 + i * 60 + 3, "api", "connection refused to db:5432");
        logline(s, T0 + i * 60 + 4, "other", "connection refused to db:5432");   /* not counted */
    }
    feed(s, AIOPS_R_ANOMALY, T0 + 30,
         "{\"name\":\"latency\",\"labels\":{\"service\":\"api\"},\"service\":\"api\",\"value\":3,"
         "\"expected\":1,\"score\":6,\"start\":1700000000}");
    feed(s, AIOPS_R_ANOMALY, T0 + 90,
         "{\"name\":\"latency\",\"labels\":{\"service\":\"api\"},\"service\":\"api\",\"value\":4,"
         "\"score\":9,\"start\":1700000000}");   /* same series: the larger score kept */
    feed(s, AIOPS_R_ANOMALY, T0 + 40,
         "{\"name\":\"cpu\",\"service\":\"api\",\"value\":0.9,\"score\":2,\"state\":\"resolved\"}");
    feed(s, AIOPS_R_INCIDENT, T0 + 600,
         "{\"id\":\"I1\",\"start\":1700000000,\"end\":1700000600,\"services\":[\"api\"],\"alerts\":[\"a\",\"b\"]}");
    feed(s, AIOPS_R_RCA, T0 + 600,
         "{\"incident\":\"I1\",\"candidates\":[{\"service\":\"api\",\"score\":0.9,\"evidence\":[\"deploy v2\"]}]}");
    json_t *ctx = one_context(s);
    json_t *an = json_object_get(ctx, "anomalies");
    assert_int_equal(json_array_size(an), 1);
    assert_float_equal(json_number_value(json_object_get(json_array_get(an, 0), "score")), 9, 1e-9);
    assert_string_equal(json_string_value(json_object_get(json_array_get(an, 0), "series")),
                        "latency{service=\"api\"}");
    json_t *ch = json_object_get(ctx, "changes");
    assert_int_equal(json_array_size(ch), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(ch, 0), "version")), "v2");
    assert_string_equal(json_string_value(json_object_get(ctx, "signature")), "bad_deploy");
    assert_int_equal(json_array_size(json_object_get(ctx, "rca")), 1);
    json_t *lg = json_object_get(ctx, "logs");
    assert_int_equal(json_array_size(lg), 2);   /* the "ok" template is not more frequent */
    json_t *l0 = json_array_get(lg, 0), *l1 = json_array_get(lg, 1);
    assert_string_equal(json_string_value(json_object_get(l0, "template")), "connection refused to db:<*>");
    assert_true(json_is_true(json_object_get(l0, "new")));
    assert_int_equal(json_integer_value(json_object_get(l0, "count")), 5);
    assert_string_equal(json_string_value(json_object_get(l0, "example")), "connection refused to db:5432");
    assert_string_equal(json_string_value(json_object_get(l1, "template")), "slow query took <*>");
    assert_int_equal(json_integer_value(json_object_get(l1, "count")), 20);
    assert_int_equal(json_integer_value(json_object_get(l1, "before")), 6);
    /* 20 in 10 min against 6 in 60 min: 20x the rate */
    assert_float_equal(json_number_value(json_object_get(l1, "ratio")), 20, 1e-9);
    json_t *f = json_object_get(ctx, "features");
    assert_string_equal(json_string_value(json_array_get(json_object_get(f, "metrics"), 0)), "latency");
    json_decref(ctx);
    aiops_sum_free(s);
    aiops_sum_free(NULL);
}

/* aiops-rca writes its ranking just ahead of the incident record of the
 * same time: the ranking still reaches the incident's context, an
 * update replaces it, and rankings of incidents never seen are capped. */
static void test_rca_before_incident(void **state)
{
    (void)state;
    aiops_sum *s;
    aiops_err err = {0};
    aiops_sum_opts o;
    aiops_sum_opts_default(&o);
    o.max_incidents = 2;
    assert_int_equal(aiops_sum_new(&s, &o, &err), 0);
    feed(s, AIOPS_R_RCA, T0 + 600,
         "{\"incident\":\"I1\",\"candidates\":[{\"service\":\"db\",\"score\":2.5,\"evidence\":[\"cpu rose\"]}]}");
    feed(s, AIOPS_R_RCA, T0 + 600,
         "{\"incident\":\"I1\",\"candidates\":[{\"service\":\"cache\",\"score\":1.5},"
         "{\"service\":\"db\",\"score\":1}]}");   /* the latest ranking wins */
    feed(s, AIOPS_R_INCIDENT, T0 + 600,
         "{\"id\":\"I1\",\"start\":1700000000,\"end\":1700000600,\"services\":[\"db\"]}");
    json_t *ctx = one_context(s);
    json_t *rc = json_object_get(ctx, "rca");
    assert_int_equal(json_array_size(rc), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rc, 0), "service")), "cache");
    aiops_buf b = {0};
    aiops_sum_offline(ctx, 0, &b);
    assert_non_null(strstr(b.p, "The top root-cause candidate is cache (score 1.5) (next: db)."));
    assert_null(strstr(b.p, "no root-cause ranking"));
    json_decref(ctx);
    /* an empty ranking is said as such, not as "no ranking" */
    feed(s, AIOPS_R_INCIDENT, T0 + 900,
         "{\"id\":\"I2\",\"start\":1700000800,\"end\":1700000900,\"services\":[\"db\"]}");
    feed(s, AIOPS_R_RCA, T0 + 900, "{\"incident\":\"I2\",\"candidates\":[]}");
    assert_int_equal(aiops_sum_count(s), 2);
    assert_int_equal(aiops_sum_context(s, 1, &ctx, &err), 0);
    b.n = 0;
    aiops_sum_offline(ctx, 0, &b);
    assert_non_null(strstr(b.p, "- aiops-rca ranked no service: none had a metric, span, log or change "
                                "signal in its analysis window.\n"));
    assert_null(strstr(b.p, "no root-cause ranking"));
    aiops_buf_free(&b);
    json_decref(ctx);
    /* two rankings of unseen incidents fit the cap of 2, a third does not */
    json_t *j = json_pack("{s:s,s:[]}", "incident", "X1", "candidates");
    aiops_record r = {.type = AIOPS_R_RCA, .ts = T0 + 700, .obj = j};
    assert_int_equal(aiops_sum_add(s, &r, &err), 0);
    json_object_set_new(j, "incident", json_string("X2"));
    assert_int_equal(aiops_sum_add(s, &r, &err), 0);
    assert_int_equal(aiops_sum_add(s, &r, &err), 0);   /* X2 again: replaced, not counted twice */
    json_object_set_new(j, "incident", json_string("X3"));
    assert_int_equal(aiops_sum_add(s, &r, &err), AIOPS_ELIMIT);
    assert_non_null(strstr(err.msg, "--max-incidents"));
    json_decref(j);
    aiops_sum_free(s);
}

static void test_bad_records(void **state)
{
    (void)state;
    aiops_sum *s;
    aiops_err err = {0};
    aiops_sum_opts o;
    aiops_sum_opts_default(&o);
    o.max_incidents = 1;
    assert_int_equal(aiops_sum_new(&s, &o, &err), 0);
    json_t *j = json_pack("{s:s}", "id", "x");
    aiops_record r = {.type = AIOPS_R_INCIDENT, .ts = T0, .obj = j};
    assert_int_equal(aiops_sum_add(s, &r, &err), AIOPS_EPARSE);
    assert_non_null(strstr(err.msg, "start"));
    json_decref(j);
    j = json_pack("{s:s,s:f,s:[i]}", "id", "x", "start", T0, "services", 3);
    r.obj = j;
    assert_int_equal(aiops_sum_add(s, &r, &err), AIOPS_EPARSE);
    assert_non_null(strstr(err.msg, "services"));
    json_decref(j);
    feed(s, AIOPS_R_INCIDENT, T0, "{\"id\":\"a\",\"start\":1700000000}");
    feed(s, AIOPS_R_INCIDENT, T0 + 5, "{\"id\":\"a\",\"start\":1700000000,\"end\":1700000060}");   /* update */
    j = json_pack("{s:s,s:f}", "id", "b", "start", T0);
    r.obj = j;
    assert_int_equal(aiops_sum_add(s, &r, &err), AIOPS_ELIMIT);
    json_decref(j);
    j = json_pack("{s:i}", "message", 3);
    r = (aiops_record){.type = AIOPS_R_LOG, .ts = T0, .obj = j};
    assert_int_equal(aiops_sum_add(s, &r, &err), AIOPS_EPARSE);
    json_decref(j);
    assert_int_equal(aiops_sum_count(s), 1);
    aiops_sum_free(s);
}

/* a context with n items per section, by hand */
static json_t *ctx_of(int n)
{
    json_t *ctx = json_pack("{s:{s:s,s:f,s:f,s:[s]},s:s,s:[],s:[],s:[],s:[],s:[],s:[],s:i}", "incident",
                            "id", "I9", "start", T0, "end", T0 + 600, "services", "api", "signature",
                            "latency", "anomalies", "rca", "changes", "predictions", "logs", "similar",
                            "dropped", 0);
    for (int i = 0; i < n; i++) {
        char ser[64];
        snprintf(ser, sizeof ser, "latency{pod=\"api-%d\"}", i);
        json_array_append_new(json_object_get(ctx, "anomalies"),
                              json_pack("{s:s,s:f,s:f}", "series", ser, "value", 2.0, "score", 10.0 - 0.5 * i));
        json_array_append_new(json_object_get(ctx, "changes"),
                              json_pack("{s:f,s:s,s:s,s:s}", "ts", T0 - 60 * (i + 1), "kind", "k8s",
                                        "severity", "Normal", "reason", "Pulled"));
        json_array_append_new(json_object_get(ctx, "logs"),
                              json_pack("{s:s,s:i,s:i,s:b,s:f}", "template", "timeout calling <*>",
                                        "count", 10, "before", 1, "new", 0, "ratio", 2.0 + i));
    }
    json_array_append_new(json_object_get(ctx, "rca"), json_pack("{s:s,s:f}", "service", "api", "score", 0.9));
    json_array_append_new(json_object_get(ctx, "changes"),
                          json_pack("{s:f,s:s,s:s}", "ts", T0 - 30, "kind", "deploy", "service", "api"));
    return ctx;
}

static void test_budget(void **state)
{
    (void)state;
    json_t *ctx = ctx_of(10);
    aiops_buf b = {0};
    aiops_sum_context_text(ctx, &b);
    size_t full = b.n;
    aiops_buf_free(&b);
    /* a budget above the size drops nothing */
    assert_int_equal(aiops_sum_budget(ctx, full), 0);
    /* the lowest-scored items go first: Normal k8s events (30) before
     * barely-more-frequent templates (~39) before the weakest anomalies */
    assert_true(aiops_sum_item_score(ctx, "changes", 0) < aiops_sum_item_score(ctx, "logs", 0));
    assert_true(aiops_sum_item_score(ctx, "logs", 0) < aiops_sum_item_score(ctx, "logs", 9));
    assert_true(aiops_sum_item_score(ctx, "anomalies", 9) < aiops_sum_item_score(ctx, "anomalies", 0));
    assert_true(aiops_sum_item_score(ctx, "changes", 10) > aiops_sum_item_score(ctx, "anomalies", 0));
    size_t d = aiops_sum_budget(ctx, full - 200);
    assert_true(d >= 1);
    aiops_sum_context_text(ctx, &b);
    assert_true(b.n <= full - 200);
    aiops_buf_free(&b);
    /* the Normal events went, the deploy stayed */
    json_t *ch = json_object_get(ctx, "changes");
    assert_string_equal(json_string_value(json_object_get(json_array_get(ch, json_array_size(ch) - 1), "kind")),
                        "deploy");
    assert_int_equal(json_array_size(json_object_get(ctx, "anomalies")), 10);
    /* a tiny budget leaves the header only, and says what was dropped */
    aiops_sum_budget(ctx, 10);
    for (const char *const *k = (const char *const[]){"rca", "anomalies", "changes", "logs", NULL}; *k; k++)
        assert_int_equal(json_array_size(json_object_get(ctx, *k)), 0);
    assert_int_equal(json_integer_value(json_object_get(ctx, "dropped")), 32);   /* all 32 items */
    aiops_sum_context_text(ctx, &b);
    assert_non_null(strstr(b.p, "Incident I9"));
    assert_non_null(strstr(b.p, "(32 less informative items left out for size)"));
    aiops_buf_free(&b);
    json_decref(ctx);
}

static json_t *feat(const char *svc, const char *met, const char *sig)
{
    return json_pack("{s:[s],s:[s],s:[],s:s}", "services", svc, "metrics", met, "templates", "signature", sig);
}

static void test_neighbours(void **state)
{
    (void)state;
    json_t *a = feat("cart", "latency", "bad_deploy"), *b = feat("cart", "latency", "bad_deploy");
    json_t *c = feat("cart", "cpu", "cpu_saturation"), *d = feat("search", "disk", "disk_fill");
    /* templates empty on both sides: not compared */
    assert_float_equal(aiops_sum_similarity(a, b), 1, 1e-12);
    /* services 1, metrics 0, signature 0: 1 / (1 + 1 + 1.5) */
    assert_float_equal(aiops_sum_similarity(a, c), 1 / 3.5, 1e-12);
    assert_float_equal(aiops_sum_similarity(a, d), 0, 1e-12);
    /* the search over a history: nearest first, the cut at min_similarity */
    aiops_sum *s;
    aiops_err err = {0};
    aiops_sum_opts o;
    aiops_sum_opts_default(&o);
    o.neighbours = 2;
    assert_int_equal(aiops_sum_new(&s, &o, &err), 0);
    const char *ids[] = {"far", "near", "mid", "self"};
    json_t *fs[] = {d, b, c, a};
    for (int i = 0; i < 4; i++) {
        json_t *h = json_pack("{s:s,s:s,s:s,s:O,s:s}", "type", "summary", "incident", ids[i], "text", "t",
                              "features", fs[i], "resolution", "rolled back");
        assert_int_equal(aiops_sum_history(s, h, &err), 1);
        json_decref(h);
    }
    json_t *nots = json_pack("{s:s}", "type", "incident");
    assert_int_equal(aiops_sum_history(s, nots, &err), 0);
    json_decref(nots);
    feed(s, AIOPS_R_ANOMALY, T0, "{\"name\":\"latency\",\"service\":\"cart\",\"value\":3,\"score\":5}");
    feed(s, AIOPS_R_EVENT, T0 - 60, "{\"kind\":\"deploy\",\"service\":\"cart\"}");
    feed(s, AIOPS_R_INCIDENT, T0 + 60, "{\"id\":\"self\",\"start\":1700000000,\"services\":[\"cart\"]}");
    json_t *ctx = one_context(s);
    json_t *sim = json_object_get(ctx, "similar");
    assert_int_equal(json_array_size(sim), 2);   /* "self" is skipped, "far" below the cut */
    assert_string_equal(json_string_value(json_object_get(json_array_get(sim, 0), "incident")), "near");
    assert_float_equal(json_number_value(json_object_get(json_array_get(sim, 0), "similarity")), 1, 1e-12);
    assert_string_equal(json_string_value(json_object_get(json_array_get(sim, 1), "incident")), "mid");
    assert_float_equal(json_number_value(json_object_get(json_array_get(sim, 1), "similarity")), 0.286, 1e-12);
    /* the offline text cites the nearest resolution and the rule table */
    aiops_buf t = {0};
    aiops_sum_offline(ctx, 0, &t);
    assert_non_null(strstr(t.p, "Next steps\n1. Compare the deploy's version"));
    assert_non_null(strstr(t.p, "4. The most similar past incident (near) was resolved by: rolled back"));
    aiops_buf_free(&t);
    json_t *rec = aiops_sum_record(ctx, "x", "offline");
    assert_string_equal(json_string_value(json_object_get(rec, "signature")), "bad_deploy");
    assert_float_equal(json_number_value(json_object_get(rec, "ts")), T0, 1e-9);   /* open: start */
    json_decref(rec);
    json_decref(ctx);
    aiops_sum_free(s);
    json_decref(a), json_decref(b), json_decref(c), json_decref(d);
}

static void test_llm_shapes(void **state)
{
    (void)state;
    json_t *r = aiops_llm_request(AIOPS_LLM_ANTHROPIC, "m1", 512, "Incident X");
    assert_string_equal(json_string_value(json_object_get(r, "model")), "m1");
    assert_int_equal(json_integer_value(json_object_get(r, "max_tokens")), 512);
    assert_true(json_is_string(json_object_get(r, "system")));
    assert_int_equal(json_array_size(json_object_get(r, "messages")), 1);
    json_decref(r);
    r = aiops_llm_request(AIOPS_LLM_OPENAI, "m2", 5, "Incident X");
    assert_null(json_object_get(r, "system"));
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(r, "messages"), 0), "role")),
                        "system");
    json_decref(r);
    aiops_buf b = {0};
    aiops_err err = {0};
    const char *ok = "{\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"tool_use\"},{\"type\":\"text\",\"text\":\"b\"}]}";
    assert_int_equal(aiops_llm_response(AIOPS_LLM_ANTHROPIC, ok, strlen(ok), &b, &err), 0);
    assert_string_equal(b.p, "ab");
    aiops_buf_free(&b);
    const char *chat = "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"c\"}}]}";
    assert_int_equal(aiops_llm_response(AIOPS_LLM_OPENAI, chat, strlen(chat), &b, &err), 0);
    assert_string_equal(b.p, "c");
    aiops_buf_free(&b);
    assert_int_equal(aiops_llm_response(AIOPS_LLM_OPENAI, ok, strlen(ok), &b, &err), AIOPS_EPARSE);
    assert_int_equal(aiops_llm_response(AIOPS_LLM_ANTHROPIC, "{x", 2, &b, &err), AIOPS_EPARSE);
    assert_non_null(strstr(err.msg, "not a JSON object"));
    const char *e = "{\"type\":\"error\",\"error\":{\"type\":\"x\",\"message\":\"Overloaded\"}}";
    assert_string_equal(aiops_llm_error_message(e, strlen(e)), "Overloaded");
    assert_null(aiops_llm_error_message("nope", 4));
    assert_int_equal(aiops_llm_retryable(429), 1);
    assert_int_equal(aiops_llm_retryable(529), 1);
    assert_int_equal(aiops_llm_retryable(500), 1);
    assert_int_equal(aiops_llm_retryable(400), 0);
    assert_int_equal(aiops_llm_retryable(401), 0);
    assert_float_equal(aiops_llm_retry_after(" 7\r\n", 4), 7, 1e-12);
    assert_float_equal(aiops_llm_retry_after("Wed, 21 Oct", 11), -1, 1e-12);
    assert_float_equal(aiops_llm_backoff(1, 1, -1), 1, 1e-12);
    assert_float_equal(aiops_llm_backoff(3, 1, -1), 4, 1e-12);
    assert_float_equal(aiops_llm_backoff(9, 1, -1), 30, 1e-12);
    assert_float_equal(aiops_llm_backoff(1, 1, 2.5), 2.5, 1e-12);
    assert_float_equal(aiops_llm_backoff(1, 1, 600), 60, 1e-12);
    assert_string_equal(aiops_llm_path(AIOPS_LLM_OPENAI), "/v1/chat/completions");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_collect),
        cmocka_unit_test(test_rca_before_incident),
        cmocka_unit_test(test_bad_records),
        cmocka_unit_test(test_budget),
        cmocka_unit_test(test_neighbours),
        cmocka_unit_test(test_llm_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
