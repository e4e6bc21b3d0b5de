/* test_fmt_pagerduty.c - PagerDuty incidents CSV and REST API JSON. */
#include "rectest.h"

extern const aiops_format aiops_fmt_pagerduty;
#define PD (&aiops_fmt_pagerduty)

static const char CSV[] =
    "\xEF\xBB\xBFid,incident_number,description,status,urgency,service_name,created_on,resolved_on,escalation_policy_name\r\n"
    "Q1ABCDEF,1042,\"[FIRING:1] HighErrorRate api (critical)\",resolved,high,checkout-api,2023-11-14T14:13:20-08:00,2023-11-14T14:43:20-08:00,Checkout On-call\r\n"
    "Q2BCDEFG,1043,\"Disk full on db-1, \"\"/var\"\" at 98%\",triggered,low,postgres,2023-11-14T22:20:00Z,,DBA\r\n"
    "\r\n"
    "Q3CDEFGH,1044,\"Multi\r\nline title\",acknowledged,high,cart,2023-11-14 22:30:00 -0000,,\r\n";

static void test_csv(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(PD, "incidents.csv", CSV, &r);
    RT_EXPECT(&r,
              "alert 1700001800 {\"name\":\"[FIRING:1] HighErrorRate api (critical)\",\"state\":\"resolved\","
              "\"start\":1700000000.0,\"end\":1700001800.0,\"service\":\"checkout-api\",\"severity\":\"high\","
              "\"labels\":{\"status\":\"resolved\",\"urgency\":\"high\",\"incident_number\":\"1042\","
              "\"escalation_policy\":\"Checkout On-call\"},\"annotations\":{},\"fingerprint\":\"Q1ABCDEF\","
              "\"source\":\"pagerduty\"}",
              "alert 1700000400 {\"name\":\"Disk full on db-1, \\\"/var\\\" at 98%\",\"state\":\"firing\","
              "\"start\":1700000400.0,\"service\":\"postgres\",\"severity\":\"low\",\"labels\":{\"status\":"
              "\"triggered\",\"urgency\":\"low\",\"incident_number\":\"1043\",\"escalation_policy\":\"DBA\"},"
              "\"annotations\":{},\"fingerprint\":\"Q2BCDEFG\",\"source\":\"pagerduty\"}",
              "alert 1700001000 {\"name\":\"Multi\\nline title\",\"state\":\"firing\",\"start\":1700001000.0,"
              "\"service\":\"cart\",\"severity\":\"high\",\"labels\":{\"status\":\"acknowledged\","
              "\"urgency\":\"high\",\"incident_number\":\"1044\"},\"annotations\":{},"
              "\"fingerprint\":\"Q3CDEFGH\",\"source\":\"pagerduty\"}");
    rt_free(&r);
}

/* Header variants (UI export names), no status column: from resolved. */
static void test_csv_variants(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(PD, "x.csv",
             "Incident Number,Title,Service,Created At,Resolved At,Priority,Urgency\n"
             "7,CPU high,api,1700000000,1700000060,P1,high\n"
             "8,CPU high,api,1700000100,,,low\n",
             &r);
    RT_EXPECT(&r,
              "alert 1700000060 {\"name\":\"CPU high\",\"state\":\"resolved\",\"start\":1700000000.0,"
              "\"end\":1700000060.0,\"service\":\"api\",\"severity\":\"P1\",\"labels\":{\"status\":\"resolved\","
              "\"urgency\":\"high\",\"priority\":\"P1\",\"incident_number\":\"7\"},\"annotations\":{},"
              "\"fingerprint\":\"7\",\"source\":\"pagerduty\"}",
              "alert 1700000100 {\"name\":\"CPU high\",\"state\":\"firing\",\"start\":1700000100.0,"
              "\"service\":\"api\",\"severity\":\"low\",\"labels\":{\"status\":\"triggered\",\"urgency\":\"low\","
              "\"incident_number\":\"8\"},\"annotations\":{},\"fingerprint\":\"8\",\"source\":\"pagerduty\"}");
    rt_free(&r);
    rt_parse(PD, "x.csv", "id,incident_number,title,created_on\n", &r);
    RT_EXPECT_NONE(&r);
}

static const char INCIDENTS[] =
    "{\n"
    "  \"incidents\": [\n"
    "    {\n"
    "      \"id\": \"PT4KHLK\", \"type\": \"incident\", \"incident_number\": 1234,\n"
    "      \"title\": \"The server is on fire.\", \"status\": \"resolved\", \"urgency\": \"high\",\n"
    "      \"created_at\": \"2023-11-14T22:13:20Z\", \"last_status_change_at\": \"2023-11-14T22:23:20Z\",\n"
    "      \"service\": {\"id\": \"PIJ90N7\", \"type\": \"service_reference\", \"summary\": \"My Mail Service\"},\n"
    "      \"priority\": {\"id\": \"P53ZZH5\", \"summary\": \"P2\"},\n"
    "      \"escalation_policy\": {\"id\": \"PT20YPA\", \"summary\": \"Engineering\"},\n"
    "      \"html_url\": \"https://subdomain.pagerduty.com/incidents/PT4KHLK\"\n"
    "    },\n"
    "    {\n"
    "      \"id\": \"PT4KHLL\", \"incident_number\": 1235, \"title\": \"Latency\", \"status\": \"acknowledged\",\n"
    "      \"urgency\": \"low\", \"created_at\": \"2023-11-14T22:30:00Z\", \"priority\": null,\n"
    "      \"service\": {\"summary\": \"api\"}\n"
    "    }\n"
    "  ],\n"
    "  \"limit\": 25, \"offset\": 0, \"more\": false, \"total\": null\n"
    "}\n";

static void test_json_incidents(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(PD, "incidents.json", INCIDENTS, &r);
    RT_EXPECT(&r,
              "alert 1700000600 {\"name\":\"The server is on fire.\",\"state\":\"resolved\",\"start\":1700000000.0,"
              "\"end\":1700000600.0,\"service\":\"My Mail Service\",\"severity\":\"P2\",\"labels\":{\"status\":"
              "\"resolved\",\"urgency\":\"high\",\"priority\":\"P2\",\"incident_number\":\"1234\","
              "\"escalation_policy\":\"Engineering\"},\"annotations\":{\"url\":"
              "\"https://subdomain.pagerduty.com/incidents/PT4KHLK\"},\"fingerprint\":\"PT4KHLK\","
              "\"source\":\"pagerduty\"}",
              "alert 1700001000 {\"name\":\"Latency\",\"state\":\"firing\",\"start\":1700001000.0,"
              "\"service\":\"api\",\"severity\":\"low\",\"labels\":{\"status\":\"acknowledged\",\"urgency\":\"low\","
              "\"incident_number\":\"1235\"},\"annotations\":{},\"fingerprint\":\"PT4KHLL\",\"source\":\"pagerduty\"}");
    rt_free(&r);
}

static void test_json_alerts(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(PD, "alerts.json",
             "{\"alerts\":[{\"id\":\"PT4KHLK\",\"type\":\"alert\",\"summary\":\"The server is on fire.\","
             "\"created_at\":\"2023-11-14T22:13:20Z\",\"resolved_at\":\"2023-11-14T22:13:30.5Z\","
             "\"status\":\"resolved\",\"alert_key\":\"baf7cf21b1da41b4b0221008339ff357\","
             "\"service\":{\"summary\":\"My Mail Service\"},\"severity\":\"critical\","
             "\"incident\":{\"id\":\"PT4KHLK\",\"type\":\"incident_reference\"},\"suppressed\":false}],"
             "\"limit\":1,\"more\":true}\n"
             "{\"alerts\":[{\"id\":\"Q2\",\"summary\":\"Disk\",\"created_at\":1700000500,\"status\":\"triggered\"}]}\n",
             &r);
    RT_EXPECT(&r,
              "alert 1700000010.5 {\"name\":\"The server is on fire.\",\"state\":\"resolved\",\"start\":1700000000.0,"
              "\"end\":1700000010.5,\"service\":\"My Mail Service\",\"severity\":\"critical\",\"labels\":{"
              "\"status\":\"resolved\",\"incident_id\":\"PT4KHLK\"},\"annotations\":{},"
              "\"fingerprint\":\"baf7cf21b1da41b4b0221008339ff357\",\"source\":\"pagerduty\"}",
              "alert 1700000500 {\"name\":\"Disk\",\"state\":\"firing\",\"start\":1700000500.0,"
              "\"labels\":{\"status\":\"triggered\"},\"annotations\":{},\"fingerprint\":\"Q2\","
              "\"source\":\"pagerduty\"}");
    rt_free(&r);
}

/* GET /incidents/{id}/log_entries?include[]=incidents, oldest first: the
 * whole incident gives start, title, urgency and priority. */
static const char LOG_EXPANDED[] =
    "{\"log_entries\":[\n"
    "{\"id\":\"R1\",\"type\":\"trigger_log_entry\",\"created_at\":\"2023-11-14T22:13:21Z\",\n"
    " \"summary\":\"Triggered through the API.\",\"channel\":{\"type\":\"api\",\"summary\":\"ignored\"},\n"
    " \"service\":{\"summary\":\"My Mail Service\"},\n"
    " \"incident\":{\"id\":\"PT4KHLK\",\"type\":\"incident\",\"incident_number\":1234,\n"
    "  \"title\":\"The server is on fire.\",\"summary\":\"[#1234] The server is on fire.\",\n"
    "  \"created_at\":\"2023-11-14T22:13:20Z\",\"urgency\":\"high\",\"priority\":{\"summary\":\"P2\"}}},\n"
    "{\"id\":\"R2\",\"type\":\"acknowledge_log_entry\",\"created_at\":\"2023-11-14T22:15:00Z\",\n"
    " \"incident\":{\"id\":\"PT4KHLK\"}},\n"
    "{\"id\":\"R3\",\"type\":\"resolve_log_entry\",\"created_at\":\"2023-11-14T22:23:20Z\",\n"
    " \"agent\":{\"type\":\"user_reference\",\"summary\":\"Earline Greenholt\"},\"channel\":{\"type\":\"web_ui\"},\n"
    " \"incident\":{\"id\":\"PT4KHLK\",\"type\":\"incident\",\"incident_number\":1234,\n"
    "  \"title\":\"The server is on fire.\",\"created_at\":\"2023-11-14T22:13:20Z\",\"urgency\":\"high\",\n"
    "  \"priority\":null,\"service\":{\"summary\":\"My Mail Service\"}}}\n"
    "],\"limit\":25,\"offset\":0,\"more\":false}\n";

/* GET /log_entries, newest first: a resolve is held until its trigger
 * (one page later), one whose trigger is not in the input gives nothing,
 * acknowledge and notify entries give nothing. */
static const char LOG_NEWEST[] =
    "{\"log_entries\":[\n"
    "{\"type\":\"resolve_log_entry\",\"created_at\":1700000900,\"incident\":{\"id\":\"OLD\",\"summary\":\"[#7] Old\"}},\n"
    "{\"type\":\"resolve_log_entry\",\"created_at\":1700000600,\"service\":{\"summary\":\"api\"},\n"
    " \"incident\":{\"id\":\"Q1\",\"summary\":\"[#8] Latency\",\"html_url\":\"https://x.pagerduty.com/incidents/Q1\"}},\n"
    "{\"type\":\"notify_log_entry\",\"created_at\":1700000200,\"incident\":{\"id\":\"Q1\"}},\n"
    "{\"type\":\"acknowledge_log_entry\",\"created_at\":1700000150,\"incident\":{\"id\":\"Q1\"}}],\"more\":true}\n"
    "{\"log_entries\":[\n"
    "{\"type\":\"trigger_log_entry\",\"created_at\":1700000100,\"service\":{\"summary\":\"api\"},\n"
    " \"channel\":{\"type\":\"nagios\",\"summary\":\"PING CRITICAL\"},\"incident\":{\"id\":\"Q2\"}},\n"
    "{\"type\":\"trigger_log_entry\",\"created_at\":1700000000,\"service\":{\"summary\":\"api\"},\n"
    " \"incident\":{\"id\":\"Q1\",\"summary\":\"[#8] Latency\"}}],\"more\":false}\n";

static void test_json_log_entries(void **state)
{
    (void)state;
    rt_run r;
    rt_parse(PD, "log.json", LOG_EXPANDED, &r);
    RT_EXPECT(&r,
              "alert 1700000000 {\"name\":\"The server is on fire.\",\"state\":\"firing\",\"start\":1700000000.0,"
              "\"service\":\"My Mail Service\",\"severity\":\"P2\",\"labels\":{\"status\":\"triggered\","
              "\"urgency\":\"high\",\"priority\":\"P2\",\"incident_number\":\"1234\",\"channel\":\"api\"},"
              "\"annotations\":{},\"fingerprint\":\"PT4KHLK\",\"source\":\"pagerduty\"}",
              "alert 1700000600 {\"name\":\"The server is on fire.\",\"state\":\"resolved\",\"start\":1700000000.0,"
              "\"end\":1700000600.0,\"service\":\"My Mail Service\",\"severity\":\"high\",\"labels\":{"
              "\"status\":\"resolved\",\"urgency\":\"high\",\"incident_number\":\"1234\",\"channel\":\"web_ui\"},"
              "\"annotations\":{\"agent\":\"Earline Greenholt\"},\"fingerprint\":\"PT4KHLK\","
              "\"source\":\"pagerduty\"}");
    rt_free(&r);
    rt_parse(PD, "log.json", LOG_NEWEST, &r);
    RT_EXPECT(&r,
              "alert 1700000100 {\"name\":\"PING CRITICAL\",\"state\":\"firing\",\"start\":1700000100.0,"
              "\"service\":\"api\",\"labels\":{\"status\":\"triggered\",\"channel\":\"nagios\"},"
              "\"annotations\":{},\"fingerprint\":\"Q2\",\"source\":\"pagerduty\"}",
              "alert 1700000000 {\"name\":\"Latency\",\"state\":\"firing\",\"start\":1700000000.0,"
              "\"service\":\"api\",\"labels\":{\"status\":\"triggered\",\"incident_number\":\"8\"},"
              "\"annotations\":{},\"fingerprint\":\"Q1\",\"source\":\"pagerduty\"}",
              "alert 1700000600 {\"name\":\"Latency\",\"state\":\"resolved\",\"start\":1700000000.0,"
              "\"end\":1700000600.0,\"service\":\"api\",\"labels\":{\"status\":\"resolved\","
              "\"incident_number\":\"8\"},\"annotations\":{\"url\":\"https://x.pagerduty.com/incidents/Q1\"},"
              "\"fingerprint\":\"Q1\",\"source\":\"pagerduty\"}");
    rt_free(&r);
    /* "[#12]" alone is a title; a bracket without '#' is the title too */
    rt_parse(PD, "log.json",
             "{\"log_entries\":[{\"type\":\"trigger_log_entry\",\"created_at\":1,\"incident\":{\"id\":\"A\",\"summary\":\"[#12]\"}},"
             "{\"type\":\"trigger_log_entry\",\"created_at\":1,\"incident\":{\"id\":\"B\",\"summary\":\"[12] x\"}}]}",
             &r);
    RT_EXPECT(&r,
              "alert 1 {\"name\":\"[#12]\",\"state\":\"firing\",\"start\":1.0,\"labels\":{\"status\":\"triggered\"},"
              "\"annotations\":{},\"fingerprint\":\"A\",\"source\":\"pagerduty\"}",
              "alert 1 {\"name\":\"[12] x\",\"state\":\"firing\",\"start\":1.0,\"labels\":{\"status\":\"triggered\"},"
              "\"annotations\":{},\"fingerprint\":\"B\",\"source\":\"pagerduty\"}");
    rt_free(&r);
}

static void test_log_entry_errors(void **state)
{
    (void)state;
    RT_ERR(PD, "e.json", "{\"log_entries\":[{\"created_at\":1,\"incident\":{\"id\":\"A\"}}]}", AIOPS_EPARSE, 1,
           "log_entries[0]: expected field \"type\"");
    RT_ERR(PD, "e.json", "{\"log_entries\":[\n{\"type\":\"trigger_log_entry\",\n\"created_at\":\"noon\",\"incident\":{\"id\":\"A\"}}]}",
           AIOPS_EPARSE, 3, "log_entries[0].created_at: expected");
    RT_ERR(PD, "e.json", "{\"log_entries\":[{\"type\":\"resolve_log_entry\",\"created_at\":1}]}", AIOPS_EPARSE, 1,
           "log_entries[0]: expected field \"incident\"");
    RT_ERR(PD, "e.json", "{\"log_entries\":[{\"type\":\"trigger_log_entry\",\"created_at\":1,\n\"incident\":{\"summary\":\"x\"}}]}",
           AIOPS_EPARSE, 2, "log_entries[0].incident: expected field \"id\"");
    RT_ERR(PD, "e.json", "{\"log_entries\":[{\"type\":\"trigger_log_entry\",\"created_at\":1,\"incident\":{\"id\":\"A\"}}]}",
           AIOPS_EPARSE, 1, "log_entries[0]: expected a name: incident.summary, channel.summary or summary");
    RT_ERR(PD, "e.json", "{\"log_entries\":[\"x\"]}", AIOPS_EPARSE, 1,
           "log_entries[0]: expected a log entry object, got a string");
    RT_ERR(PD, "e.json", "{\"log_entries\":{}}", AIOPS_EPARSE, 1, "log_entries: expected an array, got an object");
}

static void test_errors(void **state)
{
    (void)state;
    RT_ERR(PD, "e.csv", "id,title,created_on,status\nA,t,2023-11-14T22:13:20Z,resolved\n", AIOPS_EPARSE, 2,
           "expected a resolved time for a resolved incident");
    RT_ERR(PD, "e.csv", "id,title,created_on,status\nA,t,2023-11-14T22:13:20Z,open\n", AIOPS_EPARSE, 2,
           "expected status triggered, acknowledged or resolved, got 'open'");
    RT_ERR(PD, "e.csv", "id,title,created_on\n\nA,t,noon\n", AIOPS_EPARSE, 3,
           "expected a created time in column 3, got 'noon'");
    RT_ERR(PD, "e.csv", "id,title,created_on\nA,t\n", AIOPS_EPARSE, 2, "expected 3 fields (as the header), got 2");
    RT_ERR(PD, "e.csv", "id,title,created_on\nA,\"t\nx,1\n", AIOPS_EPARSE, 2,
           "expected a closing '\"' before the end of the file");
    RT_ERR(PD, "e.csv", "id,title,created_on\nA,\"t\"x,1\n", AIOPS_EPARSE, 2,
           "expected ',' after a closing '\"' in field 2, got 'x'");
    RT_ERR(PD, "e.csv", "id,title,created_on\nA,\xc3\x28,1\n", AIOPS_EPARSE, 2,
           "expected UTF-8 text, got invalid bytes");
    RT_ERR(PD, "e.csv", "id,name\nA,b\n", AIOPS_EPARSE, 1,
           "expected a PagerDuty incidents CSV header with id (or incident_number)");
    RT_ERR(PD, "e.json", "{\"incidents\":[{\"title\":\"t\",\n\"created_at\":\"2023-11-14T22:13:20Z\",\n\"status\":\"resolved\"}]}",
           AIOPS_EPARSE, 1, "incidents[0]: expected \"resolved_at\" or \"last_status_change_at\" when resolved");
    RT_ERR(PD, "e.json", "{\"incidents\":[{\"title\":\"t\",\"created_at\":1,\"status\":\"open\"}]}", AIOPS_EPARSE, 1,
           "incidents[0].status: expected \"triggered\", \"acknowledged\" or \"resolved\", got 'open'");
    RT_ERR(PD, "e.json", "{\"incidents\":[{\"title\":\"t\",\"created_at\":1,\"status\":\"triggered\",\n"
                         "\"service\":\"api\"}]}",
           AIOPS_EPARSE, 2, "incidents[0].service: expected an object with \"summary\", got a string");
    RT_ERR(PD, "e.json", "{\"incidents\":[{\"created_at\":1,\"status\":\"triggered\"}]}", AIOPS_EPARSE, 1,
           "incidents[0]: expected field \"title\"");
    RT_ERR(PD, "e.json", "{\"alerts\":[{\"title\":\"t\",\"created_at\":1,\"status\":\"triggered\"}]}", AIOPS_EPARSE, 1,
           "alerts[0]: expected field \"summary\"");
    RT_ERR(PD, "e.json", "{\"incidents\":[{\"title\":\"t\",\"created_at\":1,\"status\":\"triggered\",\n\"incident_number\":1.5}]}",
           AIOPS_EPARSE, 2, "incidents[0].incident_number: expected an integer, got a number");
    RT_ERR(PD, "e.json", "{\"error\":{\"message\":\"Invalid Input Provided\",\"code\":2001}}", AIOPS_EPARSE, 1,
           "the PagerDuty API returned an error: Invalid Input Provided");
    RT_ERR(PD, "e.json", "{\"incidents\":{}}", AIOPS_EPARSE, 1, "incidents: expected an array, got an object");
    RT_ERR(PD, "e.json", "{\"limit\":1}", AIOPS_EPARSE, 1, "an object with \"incidents\", \"alerts\" or \"log_entries\"");
    RT_ERR(PD, "e.json", "{\"incidents\":[\n{\"title\":", AIOPS_EPARSE, 2, "expected a PagerDuty incidents/alerts/log_entries JSON response: ");
}

static void test_probe(void **state)
{
    (void)state;
    assert_int_equal(PD->probe("i.csv", CSV, strlen(CSV)), 97);
    assert_int_equal(PD->probe("i.json", INCIDENTS, strlen(INCIDENTS)), 92);
    const char *al = "{\"alerts\":[{\"id\":\"P\",\"type\":\"alert\",\"created_at\":\"x\"}]}";
    assert_int_equal(PD->probe("a.json", al, strlen(al)), 92);
    assert_int_equal(PD->probe("l.json", LOG_EXPANDED, strlen(LOG_EXPANDED)), 92);
    const char *arr = "[{\"id\":\"P\",\"incident_number\":1}]";
    assert_int_equal(PD->probe("a.json", arr, strlen(arr)), 90);
    static const char *const no[] = {
        "timestamp,value\n1700000000,1\n",
        "Time,cpu{host=\"a\"}\n",
        "1700000000\tup\t1\n",
        "{\"type\":\"alert\",\"ts\":1,\"incidents\":[]}",
        "{\"receiver\":\"r\",\"alerts\":[{\"startsAt\":\"x\",\"created_at\":\"y\"}]}",
        "{\"status\":\"success\",\"data\":{\"alerts\":[]}}",
        "# HELP x\n",
        "",
    };
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        assert_int_equal(PD->probe("x", no[i], strlen(no[i])), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_csv_variants),
        cmocka_unit_test(test_json_incidents),
        cmocka_unit_test(test_json_alerts),
        cmocka_unit_test(test_json_log_entries),
        cmocka_unit_test(test_log_entry_errors),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
