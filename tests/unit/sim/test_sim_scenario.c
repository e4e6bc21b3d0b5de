/* test_sim_scenario.c - scenario loading: defaults, derived values, and
 * errors reported as FILE:LINE: expected ... */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sim/sim_internal.h"

static int parse(const char *text, aiops_sim_scenario **sc, aiops_err *err)
{
    memset(err, 0, sizeof *err);
    return aiops_sim_scenario_parse("s.json", text, strlen(text), sc, err);
}

/* Parsing fails with EPARSE at line, and msg contains want. */
static void bad(const char *text, long line, const char *want)
{
    aiops_sim_scenario *sc = (void *)1;
    aiops_err err;
    int rc = parse(text, &sc, &err);
    if (rc != AIOPS_EPARSE || err.line != line || !strstr(err.msg, want))
        fail_msg("rc %d line %ld msg '%s'; wanted line %ld and '%s'", rc, err.line, err.msg, line,
                 want);
    assert_null(sc);
    assert_string_equal(err.file, "s.json");
}

static void test_minimal_and_defaults(void **st)
{
    (void)st;
    const char *t = "{\"services\": [{\"name\": \"web\", \"calls\": [\"db\"]},\n"
                    "  {\"name\": \"db\", \"kind\": \"db\"}]}";
    aiops_sim_scenario *sc;
    aiops_err err;
    assert_int_equal(parse(t, &sc, &err), 0);
    assert_int_equal(sc->nsvc, 2);
    assert_int_equal(sc->nsteps, 1440);             /* 1 day at 1 minute */
    assert_true(sc->start == 1704067200);
    assert_true(sc->svc[0].base_rps == 50);         /* entry service */
    assert_true(sc->svc[1].base_rps == 0);          /* called: no own traffic */
    assert_true(sc->svc[1].p50 == 0.004);           /* db defaults */
    assert_string_equal(sc->ns, "default");
    assert_true(sc->jaeger && sc->otlp);
    assert_int_equal(aiops_sim_caller_hops(sc, 1, 0), 1);
    assert_int_equal(aiops_sim_caller_hops(sc, 0, 1), -1);
    assert_int_equal(aiops_sim_callee_hops(sc, 0, 1), 1);
    assert_int_equal(aiops_sim_scenario_override(sc, 1, 5, 2, 300, &err), 0);
    assert_int_equal(sc->nsteps, 576);
    assert_true(sc->seed == 5);
    aiops_sim_scenario_free(sc);
}

static void test_defaults_object_merges(void **st)
{
    (void)st;
    const char *t = "{\"defaults\": {\"latency\": {\"p50\": 0.2, \"p99\": 2}, \"replicas\": 5},\n"
                    " \"services\": [{\"name\": \"a\", \"latency\": {\"p99\": 3}}]}";
    aiops_sim_scenario *sc;
    aiops_err err;
    assert_int_equal(parse(t, &sc, &err), 0);
    assert_true(sc->svc[0].p50 == 0.2);             /* from defaults */
    assert_true(sc->svc[0].p99 == 3);               /* own value wins */
    assert_int_equal(sc->svc[0].replicas, 5);
    aiops_sim_scenario_free(sc);
}

static void test_fault_fields(void **st)
{
    (void)st;
    const char *t = "{\"start\": \"2024-03-01T00:00:00Z\", \"services\": [{\"name\": \"a\"}],\n"
                    " \"faults\": [{\"kind\": \"bad_deploy\", \"service\": \"a\",\n"
                    "   \"start\": \"2024-03-01T10:00:00Z\", \"duration\": \"1h\"}]}";
    aiops_sim_scenario *sc;
    aiops_err err;
    assert_int_equal(parse(t, &sc, &err), 0);
    const aiops_sim_fault *f = &sc->faults[0];
    assert_string_equal(f->id, "INC-1");
    assert_int_equal(f->kind, AIOPS_SIM_BAD_DEPLOY);
    assert_true(f->start == 1709287200);
    assert_true(aiops_sim_fault_end(f) == 1709290800);
    assert_true(f->severity == 0.15);
    assert_string_equal(f->version, "v1.0.0-bad.1");
    aiops_sim_scenario_free(sc);
}

static void test_fault_times_and_lists(void **st)
{
    (void)st;
    const char *t = "{\"days\": 1, \"services\": [{\"name\": \"a\"}],\n"
                    " \"alerts\": [{\"alert\": \"A\", \"expr\": \"up < 1\"},\n"
                    "   {\"alert\": \"B\", \"expr\": \"cpu_usage_ratio >= 0.9\", \"for\": \"2m\"}],\n"
                    " \"deploys\": [{\"service\": \"a\", \"at\": \"2h\", \"version\": \"v2\"}],\n"
                    " \"faults\": [{\"kind\": \"memory_leak\", \"service\": \"a\", \"at\": \"1h\",\n"
                    "   \"duration\": \"3h\", \"declare_delay\": \"10m\"},\n"
                    "  {\"kind\": \"latency\", \"service\": \"a\", \"at\": \"23h\", \"duration\": \"2h\"},\n"
                    "  {\"kind\": \"error_burst\", \"service\": \"a\", \"at\": \"2d\", \"duration\": \"1h\"}]}";
    aiops_sim_scenario *sc;
    aiops_err err;
    assert_int_equal(parse(t, &sc, &err), 0);
    assert_int_equal(sc->nrules, 2);
    assert_int_equal(sc->rules[1].op, AIOPS_SIM_GE);
    assert_true(sc->rules[1].for_s == 120);
    assert_int_equal(sc->ndeploys, 1);
    assert_true(sc->deploys[0].ts == sc->start + 7200);
    assert_string_equal(sc->deploys[0].author, "ci-bot");
    assert_int_equal(sc->nfaults, 3);
    const aiops_sim_fault *f = &sc->faults[0];
    assert_true(f->precursor == 3600);                   /* a leak's default ramp */
    assert_true(aiops_sim_fault_visible(f) == sc->start + 7200);
    assert_true(aiops_sim_fault_declared(f) == sc->start + 7800);
    assert_true(aiops_sim_fault_end(f) == sc->start + 14400);
    assert_true(aiops_sim_fault_in_span(sc, f));
    assert_true(aiops_sim_fault_in_span(sc, &sc->faults[1]));   /* starts inside */
    assert_false(aiops_sim_fault_in_span(sc, &sc->faults[2]));  /* after the end */
    assert_string_equal(aiops_sim_fault_name(f->kind), "memory_leak");
    assert_int_equal(aiops_sim_fault_find("network_partition"), AIOPS_SIM_NETWORK_PARTITION);
    assert_int_equal(aiops_sim_fault_find("meltdown"), -1);
    assert_string_equal(aiops_sim_metric_name(AIOPS_SIM_M_UP), "up");
    assert_int_equal(aiops_sim_metric_find("disk_usage_ratio"), AIOPS_SIM_M_DISK);
    aiops_sim_scenario_free(sc);
}

/* A file larger than the loader's first read: the text arrives whole. */
static void test_load_file(void **st)
{
    (void)st;
    char path[] = "/tmp/test_sim_scenario.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    const char *head = "{\"description\": \"", *tail = "\",\n \"services\": [{\"name\": \"a\"}]}\n";
    fputs(head, fp);
    for (int i = 0; i < 200000; i++)
        fputc('a' + i % 26, fp);
    fputs(tail, fp);
    fclose(fp);
    aiops_sim_scenario *sc;
    aiops_err err = {0};
    assert_int_equal(aiops_sim_scenario_load(path, &sc, &err), 0);
    assert_int_equal(strlen(sc->description), 200000);
    assert_int_equal(sc->description[199999], 'a' + 199999 % 26);
    assert_int_equal(sc->text_len, strlen(head) + 200000 + strlen(tail));
    assert_string_equal(sc->path, path);
    aiops_sim_scenario_free(sc);
    unlink(path);
    assert_int_equal(aiops_sim_scenario_load(path, &sc, &err), AIOPS_EIO);
    assert_null(sc);
    assert_string_equal(err.msg, "cannot open scenario");
}

static void test_errors_have_lines(void **st)
{
    (void)st;
    bad("{\"services\": [\n{\"name\": \"a\",}\n]}", 2, "expected a JSON scenario object");
    bad("[1]", 1, "expected a JSON object at the top level");
    bad("{\"days\": 2}", 1, "expected a member \"services\"");
    bad("{\"services\": [{\"name\": \"a\",\n \"colour\": 1}]}", 2, "unknown member \"colour\"");
    bad("{\"services\": [{\"name\": \"a\"},\n {\"name\": \"b\", \"calls\": [\n \"nope\"]}]}", 3,
        "services[1].calls[0]: expected the name of a service");
    bad("{\"services\": [{\"name\": \"a\", \"calls\": [\"b\"]},\n {\"name\": \"b\", \"calls\": [\"a\"]}]}",
        1, "without cycles");
    bad("{\"step\":\n \"5x\", \"services\": [{\"name\": \"a\"}]}", 2, "step: expected a duration");
    bad("{\"services\": [{\"name\": \"a\"}, {\"name\": \"a\"}]}", 1, "defined twice");
    bad("{\"services\": [{\"name\": \"a\", \"traffic\": {\"rps\": -1}}]}", 1,
        "traffic.rps: expected a number in [0,");
    bad("{\"services\": [{\"name\": \"a\", \"kind\": \"mainframe\"}]}", 1,
        "expected one of http, db, cache, queue, worker");
    bad("{\"services\": [{\"name\": \"a\"}],\n \"alerts\": [{\"alert\": \"X\",\n"
        "  \"expr\": \"cpu > 0.8\"}]}", 3, "expected \"METRIC OP NUMBER\"");
    bad("{\"services\": [{\"name\": \"a\", \"calls\": [\"b\"]}, {\"name\": \"b\"}, {\"name\": \"c\"}],\n"
        " \"faults\": [{\"kind\": \"network_partition\", \"service\": \"a\", \"to\": \"c\",\n"
        " \"at\": \"1h\", \"duration\": \"1h\"}]}", 2, "expected a service that \"a\" calls");
    bad("{\"services\": [{\"name\": \"a\"}],\n \"faults\": [{\"kind\": \"meltdown\",\n"
        " \"service\": \"a\", \"at\": \"1h\", \"duration\": \"1h\"}]}", 2, "expected a fault kind");
    bad("{\"services\": [{\"name\": \"a\"}],\n \"faults\": [{\"kind\": \"error_burst\",\n"
        " \"service\": \"a\", \"duration\": \"1h\"}]}", 2, "expected \"start\" (RFC 3339) or \"at\"");
    bad("{\"services\": [{\"name\": \"a\"}],\n \"faults\": [{\"kind\": \"disk_fill\",\n"
        " \"service\": \"a\", \"at\": \"1h\", \"duration\": \"30m\"}]}", 2,
        "expected \"duration\" longer than \"precursor\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal_and_defaults),
        cmocka_unit_test(test_defaults_object_merges),
        cmocka_unit_test(test_fault_fields),
        cmocka_unit_test(test_fault_times_and_lists),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_errors_have_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
