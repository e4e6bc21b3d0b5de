/* test_sim_labels.c - ground-truth label emission: one label per fault in
 * the simulated span, the fields of docs/FORMAT.md, and alerts mapped to
 * the incident that caused them (two overlapping incidents). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/sim_internal.h"

static const char *SCEN =
    "{\"start\": \"2024-01-01T00:00:00Z\", \"days\": 1, \"step\": \"1m\",\n"
    " \"propagation\": {\"delay\": \"1m\", \"attenuation\": 0.8},\n"
    " \"logs\": {\"per_minute\": 0.5}, \"traces\": {\"per_minute\": 0.5},\n"
    " \"services\": [\n"
    "  {\"name\": \"fe\", \"calls\": [\"api\"], \"traffic\": {\"rps\": 100, \"noise\": 0.02}},\n"
    "  {\"name\": \"api\", \"calls\": [\"auth\", \"cart\"]},\n"
    "  {\"name\": \"auth\", \"calls\": [\"cache\"]},\n"
    "  {\"name\": \"cart\", \"calls\": [\"db\", \"cache\"]},\n"
    "  {\"name\": \"db\", \"kind\": \"db\"}, {\"name\": \"cache\", \"kind\": \"cache\"}],\n"
    " \"alerts\": [\n"
    "  {\"alert\": \"HighErrorRate\", \"expr\": \"http_error_ratio > 0.05\", \"for\": \"2m\"},\n"
    "  {\"alert\": \"HighCPU\", \"expr\": \"cpu_usage_ratio > 0.8\", \"for\": \"2m\"},\n"
    "  {\"alert\": \"InstanceDown\", \"expr\": \"up == 0\", \"severity\": \"critical\"}],\n"
    " \"faults\": [\n"
    "  {\"id\": \"A\", \"kind\": \"dependency_outage\", \"service\": \"db\", \"at\": \"12h\", \"duration\": \"30m\"},\n"
    "  {\"id\": \"B\", \"kind\": \"cpu_saturation\", \"service\": \"auth\", \"at\": \"12h10m\",\n"
    "   \"duration\": \"40m\", \"severity\": 0.9, \"title\": \"auth hot loop\"},\n"
    "  {\"id\": \"C\", \"kind\": \"error_burst\", \"service\": \"cart\", \"at\": \"3d\", \"duration\": \"20m\"}]}\n";

enum { R_ERR, R_CPU, R_DOWN };
enum { FE, API, AUTH, CART, DB, CACHE };

typedef struct fixture {
    aiops_sim_scenario *sc;
    aiops_sim_alert *log;
    size_t nlog;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    aiops_err err = {0};
    if (aiops_sim_scenario_parse("labels.json", SCEN, strlen(SCEN), &f->sc, &err))
        return -1;
    aiops_sim *m = NULL;
    aiops_sim_alerts *al = NULL;
    if (aiops_sim_new(&m, f->sc, &err) || aiops_sim_alerts_new(&al, f->sc, &err))
        return -1;
    while (aiops_sim_next(m))
        if (aiops_sim_alerts_step(al, m, &err))
            return -1;
    const aiops_sim_alert *log;
    f->nlog = aiops_sim_alerts_log(al, &log, NULL);
    f->log = malloc((f->nlog + 1) * sizeof *log);
    memcpy(f->log, log, f->nlog * sizeof *log);
    aiops_sim_alerts_free(al);
    aiops_sim_free(m);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    aiops_sim_scenario_free(f->sc);
    free(f->log);
    free(f);
    return 0;
}

static int has_str(json_t *arr, const char *s)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) if (!strcmp(json_string_value(x), s)) return 1;
    return 0;
}

static void fp(const fixture *f, int rule, int svc, char *buf)
{
    aiops_sim_alert_fingerprint(f->sc, (size_t)rule, (size_t)svc, buf);
}

static json_t *label(const fixture *f, size_t i)
{
    json_t *o = NULL;
    aiops_err err = {0};
    assert_int_equal(aiops_sim_label_json(f->sc, i, f->log, f->nlog, &o, &err), 0);
    return o;
}

static void test_fields_in_format_order(void **state)
{
    fixture *f = *state;
    json_t *o = label(f, 0);
    static const char *const keys[] = {"type", "ts", "id", "start", "end", "declared",
                                       "root_cause", "kind", "affected", "alerts", "series"};
    const char *k;
    json_t *v;
    size_t i = 0;
    json_object_foreach(o, k, v) {
        assert_true(i < 11);
        assert_string_equal(k, keys[i++]);
    }
    assert_int_equal(i, 11);
    double t0 = 1704067200 + 12 * 3600;
    assert_string_equal(json_string_value(json_object_get(o, "type")), "label");
    assert_true(json_number_value(json_object_get(o, "ts")) == t0);
    assert_true(json_number_value(json_object_get(o, "start")) == t0);
    assert_true(json_number_value(json_object_get(o, "end")) == t0 + 1800);
    assert_true(json_number_value(json_object_get(o, "declared")) == t0 + 300);
    assert_string_equal(json_string_value(json_object_get(o, "id")), "A");
    assert_string_equal(json_string_value(json_object_get(o, "root_cause")), "db");
    assert_string_equal(json_string_value(json_object_get(o, "kind")), "dependency_outage");
    /* affected: the root and every transitive caller, in service order */
    json_t *aff = json_object_get(o, "affected");
    assert_int_equal(json_array_size(aff), 4);
    const char *want[] = {"fe", "api", "cart", "db"};
    for (size_t j = 0; j < 4; j++)
        assert_string_equal(json_string_value(json_array_get(aff, j)), want[j]);
    json_t *series = json_object_get(o, "series");
    assert_true(has_str(series, "up{namespace=\"default\",service=\"db\"}"));
    assert_true(has_str(series, "http_error_ratio{namespace=\"default\",service=\"fe\"}"));
    assert_false(has_str(series, "http_error_ratio{namespace=\"default\",service=\"auth\"}"));
    json_decref(o);
    /* the second label carries its title */
    o = label(f, 1);
    assert_string_equal(json_string_value(json_object_get(o, "title")), "auth hot loop");
    aff = json_object_get(o, "affected");
    assert_int_equal(json_array_size(aff), 3);     /* fe, api, auth */
    assert_false(has_str(aff, "cache"));
    json_decref(o);
}

static void test_alerts_go_to_their_incident(void **state)
{
    fixture *f = *state;
    char b[17];
    json_t *a = label(f, 0), *b_ = label(f, 1);
    json_t *aa = json_object_get(a, "alerts"), *ba = json_object_get(b_, "alerts");
    /* the outage: db down, error storm in every caller */
    fp(f, R_DOWN, DB, b);
    assert_true(has_str(aa, b));
    for (int s = FE; s <= CART; s++) {
        if (s == AUTH)
            continue;
        fp(f, R_ERR, s, b);
        assert_true(has_str(aa, b));
        assert_false(has_str(ba, b));
    }
    /* the overlapping CPU saturation on auth */
    fp(f, R_CPU, AUTH, b);
    assert_true(has_str(ba, b));
    assert_false(has_str(aa, b));
    fp(f, R_ERR, AUTH, b);
    assert_false(has_str(aa, b));
    /* every firing alert of the log is in exactly the label it maps to */
    size_t mapped = 0;
    for (size_t i = 0; i < f->nlog; i++) {
        if (!f->log[i].firing)
            continue;
        long inc = f->log[i].incident;
        assert_true(inc == 0 || inc == 1);
        assert_true(has_str(inc ? ba : aa, f->log[i].fingerprint));
        mapped++;
    }
    assert_int_equal(json_array_size(aa) + json_array_size(ba), mapped);
    json_decref(a);
    json_decref(b_);
}

static void test_incident_lookup(void **state)
{
    fixture *f = *state;
    double t = 1704067200 + 12 * 3600 + 900;
    assert_int_equal(aiops_sim_alert_incident(f->sc, AIOPS_SIM_M_ERR_RATIO, API, t), 0);
    assert_int_equal(aiops_sim_alert_incident(f->sc, AIOPS_SIM_M_P99, API, t), 1);
    assert_int_equal(aiops_sim_alert_incident(f->sc, AIOPS_SIM_M_CPU, AUTH, t), 1);
    assert_int_equal(aiops_sim_alert_incident(f->sc, AIOPS_SIM_M_ERR_RATIO, CACHE, t), -1);
    assert_int_equal(aiops_sim_alert_incident(f->sc, AIOPS_SIM_M_ERR_RATIO, API, t - 7200), -1);
    assert_int_equal(aiops_sim_alert_incident(f->sc, AIOPS_SIM_M_DISK, DB, t), -1);
    assert_int_equal(aiops_sim_alert_incident(f->sc, AIOPS_SIM_M_UP, DB, t), 0);
}

/* ---- the same through the stream driver */

typedef struct sink_state {
    int labels, out_of_order;
    double last;
    json_t *first_label;
    uint64_t by_type[AIOPS_R__COUNT];
} sink_state;

static int sink(void *ctx, const aiops_record *rec, aiops_err *err)
{
    (void)err;
    sink_state *s = ctx;
    if (rec->ts < s->last)
        s->out_of_order++;
    s->last = rec->ts;
    s->by_type[rec->type]++;
    if (rec->type == AIOPS_R_LABEL && !s->labels++)
        s->first_label = json_incref(rec->obj);
    return 0;
}

static void test_stream_has_one_label_per_fault_in_span(void **state)
{
    fixture *f = *state;
    aiops_series_table *tab = aiops_series_table_new();
    sink_state s = {0};
    aiops_sim_stats st;
    aiops_err err = {0};
    assert_int_equal(aiops_sim_run_stream(f->sc, tab, sink, &s, NULL, &st, &err), 0);
    assert_int_equal(s.labels, 2);                 /* C starts after the span */
    assert_int_equal(s.out_of_order, 0);
    assert_int_equal(st.labels, 2);
    assert_int_equal(st.samples, 1440 * 6 * AIOPS_SIM_NMETRICS);
    assert_int_equal(s.by_type[AIOPS_R_SAMPLE], st.samples);
    assert_int_equal(s.by_type[AIOPS_R_ALERT], st.alerts);
    assert_int_equal(st.alerts, f->nlog);
    assert_true(st.logs > 0 && s.by_type[AIOPS_R_LOG] == st.logs);
    assert_true(st.spans > 0 && s.by_type[AIOPS_R_SPAN] == st.spans);
    assert_true(st.events > 0);
    /* identical to the label built directly */
    json_t *direct = label(f, 0);
    assert_true(json_equal(direct, s.first_label));
    json_decref(direct);
    json_decref(s.first_label);
    aiops_series_table_free(tab);
}

static void test_fault_outside_span_has_no_label(void **state)
{
    fixture *f = *state;
    assert_true(aiops_sim_fault_in_span(f->sc, &f->sc->faults[0]));
    assert_true(aiops_sim_fault_in_span(f->sc, &f->sc->faults[1]));
    assert_false(aiops_sim_fault_in_span(f->sc, &f->sc->faults[2]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_in_format_order),
        cmocka_unit_test(test_alerts_go_to_their_incident),
        cmocka_unit_test(test_incident_lookup),
        cmocka_unit_test(test_stream_has_one_label_per_fault_in_span),
        cmocka_unit_test(test_fault_outside_span_has_no_label),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
