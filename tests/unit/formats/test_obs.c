/* test_obs.c - helpers of the log/trace/event formats (obs.h). */
#include <dirent.h>
#include <unistd.h>

#include "rectest.h"

#include "formats/obs.h"

static void test_level_name(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"debug", "debug"}, {"TRACE", "debug"}, {"Info", "info"},    {"notice", "info"},
        {"WARNING", "warn"}, {"warn", "warn"},  {"ERR", "error"},    {"severe", "error"},
        {"CRITICAL", "fatal"}, {"panic", "fatal"}, {"emerg", "fatal"}, {"3", "error"},
        {"6", "info"},      {"30", "info"},     {"50", "error"},    {"60", "fatal"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_string_equal(aiops_obs_level_name(cases[i][0], strlen(cases[i][0])), cases[i][1]);
    static const char *const none[] = {"", "warnings", "inform", "8", "35", "e", "errorx"};
    for (size_t i = 0; i < sizeof none / sizeof *none; i++)
        assert_null(aiops_obs_level_name(none[i], strlen(none[i])));
}

static void test_level_text(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"level=warn msg=x", "warn"},
        {"ts=1 lvl=ERROR msg=\"x\"", "error"},
        {"{\"level\":\"debug\",\"msg\":\"x\"}", "debug"},
        {"{\"severity\": \"CRITICAL\"}", "fatal"},
        {"E0102 03:04:05.000000 1 a.go:1] x", "error"},
        {"W0102 03:04:05.000000 1 a.go:1] x", "warn"},
        {"[core:error] [pid 5] x", "error"},
        {"12#0: [warn] x", "warn"},
        {"<info> started", "info"},
        {"2024 INFO done ERROR later", "info"},
        {"something FATAL happened", "fatal"},
        {"panic: runtime error", "fatal"},
        {"Error: connection refused", "error"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *got = aiops_obs_level_text(cases[i][0], strlen(cases[i][0]));
        if (!got || strcmp(got, cases[i][1]))
            print_error("'%s': %s, want %s\n", cases[i][0], got ? got : "NULL", cases[i][1]);
        assert_non_null(got);
        assert_string_equal(got, cases[i][1]);
    }
    /* no level: lower-case words inside the text, ERRORS, [404] */
    static const char *const none[] = {"no error here", "ERRORS: 0", "GET / [404]", "INFOS",
                                       "x=1 mylevel=warn", ""};
    for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
        const char *got = aiops_obs_level_text(none[i], strlen(none[i]));
        if (got)
            print_error("'%s': %s, want NULL\n", none[i], got);
        assert_null(got);
    }
}

static void test_workload(void **state)
{
    (void)state;
    static const char *const cases[][3] = {
        {"api-7d9f8b6c4-x2x9z", "Pod", "api"},
        {"api-7d9f8b6c4-x2x9z", NULL, "api"},
        {"node-exporter-x2x9z", "Pod", "node-exporter"},
        {"checkout-db-0", "Pod", "checkout-db"},
        {"checkout-db-12", "Pod", "checkout-db"},
        {"db-00", NULL, "db-00"},                       /* no ordinal has a leading zero */
        {"db-07", "Pod", "db-07"},
        {"cart-7d9f8b6c4-abcde", "Pod", "cart"},        /* hand-written pod suffix */
        {"redis-cache", "Pod", "redis-cache"},          /* vowels: not generated */
        {"api-server", "Pod", "api-server"},
        {"web-6b7f", "Pod", "web-6b7f"},
        {"cart-7d9f8b6c4", "ReplicaSet", "cart"},
        {"cart-7d9f8b6c4", "Deployment", "cart-7d9f8b6c4"},
        {"db-0", "StatefulSet", "db-0"},
        {"-x2x9z", "Pod", "-x2x9z"},
        {"shard-1", "Service", "shard-1"},               /* a service name: no ordinal */
        {"worker-12", "Service", "worker-12"},
        {"api-7d9f8b6c4-x2x9z", "Service", "api"},      /* a pod name in a service's place */
        {"api-7d9f8b6c4", "Service", "api-7d9f8b6c4"},  /* no pod suffix: a name */
    };
    char buf[64];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t n = aiops_obs_workload(cases[i][0], cases[i][1], buf, sizeof buf);
        assert_string_equal(buf, cases[i][2]);
        assert_int_equal(n, strlen(cases[i][2]));
    }
    assert_int_equal(aiops_obs_workload("api-7d9f8b6c4-x2x9z", "Pod", buf, 3), 2);
    assert_string_equal(buf, "ap");
}

static void test_ids(void **state)
{
    (void)state;
    static const char *const keys[] = {"trace_id", "traceId", NULL};
    char buf[65];
    const char *t = "msg=x traceId=ABC-12 trace_id=\"4bf9\" ";
    assert_int_equal(aiops_obs_text_id(t, strlen(t), keys, buf), 4);   /* key order wins */
    assert_string_equal(buf, "4bf9");
    t = "{\"traceId\": \"0af7\",\"x\":1}";
    assert_int_equal(aiops_obs_text_id(t, strlen(t), keys, buf), 4);
    assert_string_equal(buf, "0af7");
    t = "mytrace_id=1 trace_id= trace_id=!";   /* not a word start / empty / no id */
    assert_int_equal(aiops_obs_text_id(t, strlen(t), keys, buf), 0);
    char longid[100];
    memset(longid, 'a', 70);
    longid[70] = '\0';
    char text[120];
    snprintf(text, sizeof text, "trace_id=%s", longid);
    assert_int_equal(aiops_obs_text_id(text, strlen(text), keys, buf), 0);
    assert_int_equal(aiops_obs_hex_id("ABCdef09", 8, buf), 8);
    assert_string_equal(buf, "abcdef09");
    assert_int_equal(aiops_obs_hex_id("abcg", 4, buf), 0);
    assert_int_equal(aiops_obs_hex_id("", 0, buf), 0);
    assert_int_equal(aiops_obs_hex_id("000000000000000000000000000000001", 33, buf), 0);
}

static void test_utf8_repair(void **state)
{
    (void)state;
    char *out;
    size_t n, bad;
    /* lone continuation, truncated 3-byte sequence, overlong, surrogate */
    static const char in[] = "a\x80" "b\xe2\x82" "c\xc0\xaf" "d\xed\xa0\x80" "\xe2\x82\xac";
    assert_int_equal(aiops_obs_utf8_repair(in, sizeof in - 1, &out, &n, &bad), 0);
    assert_int_equal(bad, 8);
    assert_true(aiops_utf8_valid(out, n));
    assert_int_equal(aiops_obs_count_fffd(out, n), 8);
    assert_non_null(strstr(out, "\xe2\x82\xac"));   /* the valid euro sign kept */
    assert_int_equal(memcmp(out, "a\xEF\xBF\xBD" "b", 5), 0);
    free(out);
}

static void test_service(void **state)
{
    (void)state;
    json_t *o = json_pack("{s:s,s:s,s:s}", "job", "j", "kubernetes.container_name", "c",
                          "kubernetes.labels.app", "a");
    assert_string_equal(aiops_obs_service(o), "a");
    json_object_set_new(o, "service_name", json_string("unknown_service:java"));
    assert_string_equal(aiops_obs_service(o), "a");
    json_object_set_new(o, "service.name", json_string("otel"));
    assert_string_equal(aiops_obs_service(o), "otel");
    json_object_set_new(o, "service", json_string(""));
    assert_string_equal(aiops_obs_service(o), "otel");
    json_decref(o);
    o = json_pack("{s:i}", "app", 1);
    assert_null(aiops_obs_service(o));
    json_decref(o);
}

static void test_flatten(void **state)
{
    (void)state;
    json_error_t je;
    json_t *src = json_loads("{\"ts\":1,\"a\":{\"b\":{\"c\":\"x\"},\"n\":1.5,\"t\":true},\"l\":[1,\"y\"],"
                             "\"z\":null,\"e\":{}}", 0, &je);
    json_t *dst = json_object();
    static const char *const skip[] = {"ts", NULL};
    assert_int_equal(aiops_obs_flatten(src, dst, skip), 0);
    char *s = json_dumps(dst, JSON_COMPACT);
    assert_string_equal(s, "{\"a.b.c\":\"x\",\"a.n\":\"1.5\",\"a.t\":\"true\",\"l\":\"[1,\\\"y\\\"]\"}");
    free(s);
    json_decref(src);
    json_decref(dst);
    /* 40 levels: past 16 the rest is kept as JSON text */
    char deep[400] = "";
    for (int i = 0; i < 40; i++)
        strcat(deep, "{\"k\":");
    strcat(deep, "1");
    for (int i = 0; i < 40; i++)
        strcat(deep, "}");
    src = json_loads(deep, 0, &je);
    dst = json_object();
    assert_int_equal(aiops_obs_flatten(src, dst, NULL), 0);
    assert_int_equal(json_object_size(dst), 1);
    const char *k;
    json_t *v;
    json_object_foreach(dst, k, v) {
        assert_int_equal(strlen(k), 16 * 2 - 1);   /* k.k.k... 16 keys */
        assert_int_equal(strncmp(json_string_value(v), "{\"k\":{\"k\":", 10), 0);
    }
    json_decref(src);
    json_decref(dst);
}

/* A hex id member: lower-cased; absent, or an error at the member. */
static void test_hex_member(void **state)
{
    (void)state;
    static const char text[] = "{\"a\": \"ABCdef09\",\n \"b\": \"xyz\"}";
    aiops_err err = {0};
    aiops_jdoc w = {.file = "t", .err = &err, .text = text, .len = strlen(text), .line0 = 1};
    json_t *o = json_loads(text, 0, NULL);
    char buf[33] = "junk";
    assert_int_equal(aiops_obs_hex(&w, o, "a", AIOPS_OBS_REQ, buf), 1);
    assert_string_equal(buf, "abcdef09");
    assert_int_equal(aiops_obs_hex(&w, o, "c", 0, buf), 0);
    assert_string_equal(buf, "");
    assert_int_equal(aiops_obs_hex(&w, o, "b", 0, buf), AIOPS_EPARSE);
    assert_int_equal(err.line, 2);
    assert_string_equal(err.msg, "b: expected a hex id of 1 to 32 digits, got 'xyz'");
    assert_int_equal(aiops_obs_hex(&w, o, "c", AIOPS_OBS_REQ, buf), AIOPS_EPARSE);
    assert_int_equal(err.line, 1);
    assert_string_equal(err.msg, "expected a \"c\" member");
    json_decref(o);
}

/* aiops_obs_each: elements in order at key[i]; one with a parse error is
 * left out, counted in the queue with its message (--skip-bad). */
static int load_num(aiops_jdoc *w, aiops_obs_queue *q, json_t *v)
{
    if (!json_is_integer(v))
        return aiops_jdoc_bad(w, "expected a number, got %s", aiops_jdoc_type(v));
    return aiops_obs_push(w, q, AIOPS_R_EVENT, (double)json_integer_value(v), json_object());
}

static void test_each(void **state)
{
    (void)state;
    static const char text[] = "{\"a\": [3, 1,\n 2, \"x\", 5]}";
    aiops_err err = {0};
    aiops_jdoc w = {.file = "t", .err = &err, .text = text, .len = strlen(text), .line0 = 1};
    aiops_obs_queue q = {0};
    aiops_record r;
    json_t *o = json_loads(text, 0, NULL);
    assert_int_equal(aiops_obs_each(&w, &q, json_object_get(o, "a"), "a", load_num), 0);
    assert_int_equal(err.code, 0);
    assert_int_equal(q.nbad, 1);
    assert_string_equal(q.first_bad.msg, "a[3]: expected a number, got a string");
    assert_int_equal(q.first_bad.line, 2);
    assert_int_equal(w.depth, 0);
    double want[] = {3, 1, 2, 5};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(aiops_obs_queue_pop(&q, &r), 1);
        assert_true(r.ts == want[i]);
        json_decref(r.obj);
    }
    assert_int_equal(aiops_obs_queue_pop(&q, &r), 0);
    assert_int_equal(aiops_obs_each(&w, &q, NULL, NULL, load_num), 0);   /* no array */
    aiops_obs_queue_free(&q);
    json_decref(o);
}

/* push_at / spill / pop_at: the caller's seq orders equal times, and sid,
 * value, line and fields come back from a spilled run as pushed. */
static void test_queue_push_at(void **state)
{
    (void)state;
    aiops_obs_queue q = {0};
    aiops_record r = {AIOPS_R_SAMPLE, 7, 20, 1.5, NULL};
    assert_int_equal(aiops_obs_queue_push_at(&q, &r, 3, 30), 0);
    assert_null(r.obj);
    r = (aiops_record){AIOPS_R_LOG, 0, 10, 0, json_pack("{s:s}", "message", "x")};
    assert_int_equal(aiops_obs_queue_push_at(&q, &r, 5, 50), 0);
    assert_int_equal(aiops_obs_queue_spill(&q), 0);     /* a run: 10 (seq 5), 20 (seq 3) */
    assert_int_equal(q.nruns, 1);
    r = (aiops_record){AIOPS_R_SAMPLE, 9, 20, -2, NULL};
    assert_int_equal(aiops_obs_queue_push_at(&q, &r, 1, 10), 0);   /* in memory */
    aiops_obs_queue_sort(&q);
    uint64_t seq;
    long line;
    assert_int_equal(aiops_obs_queue_pop_at(&q, &r, &seq, &line), 1);
    assert_int_equal(r.type, AIOPS_R_LOG);
    assert_true(r.ts == 10);
    assert_int_equal(seq, 5);
    assert_int_equal(line, 50);
    assert_string_equal(json_string_value(json_object_get(r.obj, "message")), "x");
    aiops_record_clear(&r);
    assert_int_equal(aiops_obs_queue_pop_at(&q, &r, &seq, &line), 1);   /* seq 1 before 3 */
    assert_int_equal(r.sid, 9);
    assert_true(r.value == -2);
    assert_int_equal(seq, 1);
    assert_int_equal(aiops_obs_queue_pop_at(&q, &r, &seq, &line), 1);
    assert_int_equal(r.type, AIOPS_R_SAMPLE);
    assert_int_equal(r.sid, 7);
    assert_true(r.ts == 20 && r.value == 1.5);
    assert_null(r.obj);
    assert_int_equal(seq, 3);
    assert_int_equal(line, 30);
    assert_int_equal(aiops_obs_queue_pop_at(&q, &r, &seq, &line), 0);
    aiops_obs_queue_free(&q);
}

/* Past AIOPS_OBS_RUN_FILES runs, the runs are merged into one before the
 * next is written: never more files open than that, and the records come
 * back in order (time, then seq) whatever the number of runs. */
static void test_queue_many_runs(void **state)
{
    (void)state;
    aiops_obs_queue q = {0};
    const size_t n = 5 * AIOPS_OBS_RUN_FILES + 7;
    for (size_t i = 0; i < n; i++) {
        /* times n-1 .. 0, every third one twice: ties by seq */
        aiops_record r = {AIOPS_R_SAMPLE, (uint32_t)i, (double)((n - 1 - i) / 3 * 3), (double)i,
                          i % 2 ? json_pack("{s:i}", "i", (int)i) : NULL};
        assert_int_equal(aiops_obs_queue_push_at(&q, &r, i, (long)i + 1), 0);
        assert_int_equal(aiops_obs_queue_spill(&q), 0);
        assert_true(q.nruns <= AIOPS_OBS_RUN_FILES + 1);
    }
    aiops_record r;
    uint64_t seq, prev_seq = 0;
    long line;
    double prev = -1;
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(aiops_obs_queue_pop_at(&q, &r, &seq, &line), 1);
        assert_true(r.ts > prev || (r.ts == prev && seq > prev_seq));
        assert_int_equal(r.sid, (uint32_t)seq);
        assert_true(r.value == (double)seq);
        assert_int_equal(line, (long)seq + 1);
        if (seq % 2)
            assert_int_equal(json_integer_value(json_object_get(r.obj, "i")), (json_int_t)seq);
        else
            assert_null(r.obj);
        prev = r.ts;
        prev_seq = seq;
        aiops_record_clear(&r);
    }
    assert_int_equal(aiops_obs_queue_pop_at(&q, &r, &seq, &line), 0);
    aiops_obs_queue_free(&q);
}

/* The first time key a shipper's object has, read as an epoch time. */
static void test_object_time(void **state)
{
    (void)state;
    static const char *const keys[] = {"@timestamp", "time", "ts", NULL};
    static const char text[] = "{\"ts\": 1, \"time\": \"1704164645250\"}";
    aiops_err err = {0};
    aiops_jdoc w = {.file = "t", .err = &err, .text = text, .len = strlen(text), .line0 = 1};
    json_t *o = json_loads(text, 0, NULL), *none = json_object();
    const char *key = NULL;
    double ts = 0;
    assert_int_equal(aiops_obs_object_time(&w, o, keys, &key, &ts), 1);
    assert_string_equal(key, "time");
    assert_true(ts == 1704164645.25);
    assert_int_equal(aiops_obs_object_time(&w, none, keys, &key, &ts), 0);
    json_object_set_new(none, "@timestamp", json_string("noon"));
    assert_int_equal(aiops_obs_object_time(&w, none, keys, &key, &ts), AIOPS_EPARSE);
    assert_string_equal(err.msg, "@timestamp: expected a time (RFC 3339 or epoch "
                                 "seconds/ms/us/ns), got 'noon'");
    json_decref(o);
    json_decref(none);
}

/* Spilled runs: the records come back merged in (time, push) order, their
 * objects intact, and no file is left under $TMPDIR. */
static void test_queue_spill(void **state)
{
    (void)state;
    char dir[] = "/tmp/aiops-test-spill-XXXXXX";
    assert_non_null(mkdtemp(dir));
    setenv("TMPDIR", dir, 1);
    aiops_obs_queue q = { .run_max = 3 };
    const double ts[] = { 5, 1, 3, 1, 9, 0, 3, 3, 2, 7, 1 };
    const size_t n = sizeof ts / sizeof ts[0];
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:i, s:f, s:s, s:[b, n, {s:s}], s:{}}", "i", (int)i, "x", i / 4.0,
                              "s", "caf\xc3\xa9", "a", 1, "k", "v", "e");
        assert_int_equal(aiops_obs_queue_push(&q, AIOPS_R_SPAN, ts[i], o), 0);
    }
    assert_int_equal(q.nruns, 3);
    aiops_obs_queue_sort(&q);
    DIR *d = opendir(dir);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d)))
        files += e->d_name[0] != '.';
    closedir(d);
    assert_int_equal(files, 0);
    const int want[] = { 5, 1, 3, 10, 8, 2, 6, 7, 0, 9, 4 };
    aiops_record r;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(aiops_obs_queue_pop(&q, &r), 1);
        assert_int_equal(r.type, AIOPS_R_SPAN);
        int idx = (int)json_integer_value(json_object_get(r.obj, "i"));
        assert_int_equal(idx, want[i]);
        assert_true(r.ts == ts[idx]);
        json_t *exp = json_pack("{s:i, s:f, s:s, s:[b, n, {s:s}], s:{}}", "i", idx, "x",
                                idx / 4.0, "s", "caf\xc3\xa9", "a", 1, "k", "v", "e");
        assert_true(json_equal(r.obj, exp));
        json_decref(exp);
        json_decref(r.obj);
    }
    assert_int_equal(aiops_obs_queue_pop(&q, &r), 0);
    aiops_obs_queue_free(&q);
    rmdir(dir);
    unsetenv("TMPDIR");
}


/* One pass over the text gives what a pass per key gave: the first key
 * of the list found anywhere, at its first place. */
static void test_ids_one_pass(void **state)
{
    (void)state;
    static const char *const keys[] = {"trace_id", "traceID", "traceId", NULL};
    static const char *const mixed[] = {"span", "id", NULL};    /* no common first byte */
    char buf[65];
    const char *t = "traceId=c traceID=b traceId=d";
    assert_int_equal(aiops_obs_text_id(t, strlen(t), keys, buf), 1);
    assert_string_equal(buf, "b");
    t = "trace trace_ traceID=! traceID=ok trace_id";   /* prefixes, a bad id, then one */
    assert_int_equal(aiops_obs_text_id(t, strlen(t), keys, buf), 2);
    assert_string_equal(buf, "ok");
    t = "traceId=x trace_id=y trace_id=z";
    assert_int_equal(aiops_obs_text_id(t, strlen(t), keys, buf), 1);
    assert_string_equal(buf, "y");
    t = "id=7 span=s";
    assert_int_equal(aiops_obs_text_id(t, strlen(t), mixed, buf), 1);
    assert_string_equal(buf, "s");
    t = "trace_i";
    assert_int_equal(aiops_obs_text_id(t, strlen(t), keys, buf), 0);
    assert_int_equal(aiops_obs_text_id("", 0, keys, buf), 0);
}

/* The flat object: set in order, set again in place, get, delete, text. */
static void test_flat(void **state)
{
    (void)state;
    aiops_obs_flat f = {0};
    aiops_buf b = {0};
    assert_int_equal(aiops_obs_flat_set(&f, "a", 1, "1", 1), 0);
    assert_int_equal(aiops_obs_flat_set(&f, "b.c", 3, "x\"y", 3), 0);
    assert_int_equal(aiops_obs_flat_set(&f, "a", 1, "2", 1), 0);    /* in place */
    assert_int_equal(f.n, 2);
    size_t n = 0;
    assert_string_equal(aiops_obs_flat_get(&f, "a", &n), "2");
    assert_int_equal(n, 1);
    assert_null(aiops_obs_flat_get(&f, "b", NULL));
    assert_int_equal(aiops_obs_flat_json(&b, &f), 2);
    assert_string_equal(b.p, "{\"a\":\"2\",\"b.c\":\"x\\\"y\"}");
    aiops_obs_flat_del(&f, "a");
    assert_null(aiops_obs_flat_get(&f, "a", NULL));
    assert_int_equal(aiops_obs_flat_set(&f, "a", 1, "3", 1), 0);    /* after: at the end */
    b.n = 0;
    aiops_obs_flat_json(&b, &f);
    assert_string_equal(b.p, "{\"b.c\":\"x\\\"y\",\"a\":\"3\"}");
    aiops_obs_flat_del(&f, "a");
    aiops_obs_flat_del(&f, "b.c");
    b.n = 0;
    assert_int_equal(aiops_obs_flat_json(&b, &f), 0);
    assert_int_equal(b.n, 0);
    assert_null(aiops_obs_flat_service(&f));
    aiops_obs_flat_clear(&f);
    aiops_obs_flat_set(&f, "service.name", 12, "unknown_service:go", 18);
    aiops_obs_flat_set(&f, "kubernetes.container_name", 25, "web", 3);
    aiops_obs_flat_set(&f, "level", 5, "", 0);
    aiops_obs_flat_set(&f, "severity", 8, "warn", 4);
    assert_string_equal(aiops_obs_flat_service(&f), "web");
    static const char *const lv[] = {"level", "severity", NULL};
    const char *used = NULL;
    assert_string_equal(aiops_obs_flat_first(&f, lv, &used), "warn");
    assert_string_equal(used, "severity");
    aiops_obs_flat_free(&f);
    aiops_buf_free(&b);
}

/* Flattening tokens gives aiops_obs_flatten's members, in its order, or
 * gives up (0) where the tree's text would differ. */
static void test_flat_tokens(void **state)
{
    (void)state;
    static const struct {
        const char *doc;
        int rc;
    } cases[] = {
        {"{\"a\":{\"b\":{\"c\":\"x\"},\"n\":1.50,\"i\":-0,\"e\":2E2,\"t\":true,\"f\":false},"
         "\"l\":[1,\"y\",null,false],\"z\":null,\"e\":{},\"a.n\":\"again\",\"u\":\"\\u00e9\\n\"}", 1},
        {"{\"l\":[1.5]}", 0},
        {"{\"l\":[\"a\\\\b\"]}", 0},
        {"{\"l\":[{}]}", 0},
        {"{\"a\":1,\"a\":2}", 0},
        {"{\"a\":{\"b\":1,\"b\":2}}", 0},
        {"{\"a\":1,\"b\":}", 0},
        {"{\"a\":\"\xff\"}", 0},
        {"{}", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        aiops_jpull_mem m = {cases[i].doc, strlen(cases[i].doc), 0, 3};
        aiops_jpull *p = aiops_jpull_new(aiops_jpull_mem_read, &m, NULL);
        aiops_obs_flat f = {0};
        aiops_err err;
        static const char *const watch[] = {"z", "a", "u", "e", NULL};
        int seen[4] = {0};
        assert_int_equal(aiops_jpull_next(p, &err), AIOPS_JT_OBJ);
        assert_int_equal(aiops_obs_flat_tokens(p, &f, NULL, watch, seen, 0, &err), cases[i].rc);
        if (cases[i].rc == 1) {
            json_error_t je;
            json_t *src = json_loads(cases[i].doc, 0, &je), *dst = json_object();
            aiops_buf a = {0}, b = {0};
            assert_int_equal(aiops_obs_flatten(src, dst, NULL), 0);
            aiops_buf_json(&a, dst);
            if (!aiops_obs_flat_json(&b, &f))
                aiops_buf_put(&b, "{}", 2);
            assert_string_equal(a.p, b.p);
            aiops_buf_free(&a);
            aiops_buf_free(&b);
            json_decref(src);
            json_decref(dst);
        }
        if (i == 0) {
            assert_int_equal(seen[0], 1);    /* null */
            assert_int_equal(seen[1], 1);    /* an object */
            assert_int_equal(seen[2], 2);    /* a string */
            assert_int_equal(seen[3], 1);
        }
        aiops_obs_flat_free(&f);
        aiops_jpull_free(p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_level_name), cmocka_unit_test(test_level_text),
        cmocka_unit_test(test_workload),   cmocka_unit_test(test_ids),
        cmocka_unit_test(test_utf8_repair), cmocka_unit_test(test_service),
        cmocka_unit_test(test_flatten),    cmocka_unit_test(test_hex_member),
        cmocka_unit_test(test_each),
        cmocka_unit_test(test_queue_push_at),
        cmocka_unit_test(test_queue_many_runs),       cmocka_unit_test(test_object_time),
        cmocka_unit_test(test_queue_spill),
        cmocka_unit_test(test_ids_one_pass), cmocka_unit_test(test_flat),
        cmocka_unit_test(test_flat_tokens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
