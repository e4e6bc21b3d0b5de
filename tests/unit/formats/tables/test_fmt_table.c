/* test_fmt_table.c - the generic CSV/TSV table format (fmt_table.c,
 * table_csv.c, table_row.c) and the table extensions of colmap.c. */
#include <stdio.h>
#include <unistd.h>

#include "formats/tables/tabletest.h"
#include "formats/tables/table.h"

extern const aiops_format aiops_fmt_table;
#define TBL (&aiops_fmt_table)

static void run(const char *name, const char *text, const char *map, rt_run *r)
{
    tt_parse_map(TBL, name, text, map, r);
}

static void expect_err(const char *text, const char *map, int code, long line, const char *frag)
{
    tt_map_err(TBL, "e.csv", text, map, code, line, frag);
}

/* ---------------------------------------------------------- splitting */

static void split_ok(char delim, const char *line, const char *const *want, size_t n)
{
    aiops_tbl_cells c = {.delim = delim};
    aiops_err err = {0};
    assert_int_equal(aiops_tbl_split(&c, line, strlen(line), &err), 0);
    assert_int_equal(c.n, n);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(aiops_tbl_cell(&c, i), want[i]);
        assert_int_equal(c.len[i], strlen(want[i]));
    }
    aiops_tbl_cells_free(&c);
}

static void test_split(void **state)
{
    (void)state;
    static const char *const a[] = {"1", "a,b", "say \"hi\"", "", " x "};
    split_ok(',', "1,\"a,b\",\"say \"\"hi\"\"\",, x ", a, 5);
    static const char *const b[] = {"1", "a,b", "c\"d", ""};
    split_ok('\t', "1\ta,b\tc\"d\t", b, 4);
    static const char *const c1[] = {""};
    split_ok(',', "", c1, 1);
    aiops_tbl_cells c = {.delim = ','};
    aiops_err err = {0};
    assert_int_equal(aiops_tbl_split(&c, "1,\"open", 7, &err), 1);
    assert_int_equal(aiops_tbl_split(&c, "1,\"q\"x,2", 8, &err), AIOPS_EPARSE);
    assert_string_equal(err.msg, "cell 2: expected ',' after the closing quote, got 'x'");
    aiops_tbl_cells_free(&c);
    assert_int_equal(aiops_tbl_delim("a\tb,c\td", 7), '\t');
    assert_int_equal(aiops_tbl_delim("a,b\tc,d", 7), ',');
}

/* ------------------------------------------------------------ records */

/* The AIT alert layout: firing alerts, sorted later by the reader, the
 * other columns (the ground truth time_label among them) as labels.  The
 * fingerprints were computed by hand (a few lines of Python: FNV-1a 64
 * over the sorted labels, name 0xff value 0xff). */
static void test_alerts(void **state)
{
    (void)state;
    rt_run r;
    run("a.csv",
        "time,name,ip,host,time_label\r\n"
        "1642723352,Wazuh: ClamAV database update,172.19.130.4,mail,false_positive\r\n"
        "1642723347,\"AMiner: x, y\",10.0.0.1,,dirb\r\n",
        "type=alert,service=host", &r);
    RT_EXPECT(&r,
              "alert 1642723352 {\"name\":\"Wazuh: ClamAV database update\",\"state\":\"firing\","
              "\"start\":1642723352.0,\"service\":\"mail\",\"labels\":{\"alertname\":\"Wazuh: ClamAV "
              "database update\",\"ip\":\"172.19.130.4\",\"time_label\":\"false_positive\","
              "\"service\":\"mail\"},\"annotations\":{},\"fingerprint\":\"f64b4c7d106a4387\","
              "\"source\":\"table\"}",
              "alert 1642723347 {\"name\":\"AMiner: x, y\",\"state\":\"firing\",\"start\":1642723347.0,"
              "\"labels\":{\"alertname\":\"AMiner: x, y\",\"ip\":\"10.0.0.1\",\"time_label\":\"dirb\"},"
              "\"annotations\":{},\"fingerprint\":\"93da3241e2f4f67d\",\"source\":\"table\"}");
    rt_free(&r);
    /* The ground truth as an annotation: one alert series, one fingerprint
     * whatever the answer. */
    run("a.csv",
        "time,name,ip,host,time_label\n"
        "1642723352,Wazuh: ClamAV database update,172.19.130.4,mail,false_positive\n"
        "1642723353,Wazuh: ClamAV database update,172.19.130.4,mail,dirb\n",
        "type=alert,service=host,annotations=time_label", &r);
    RT_EXPECT(&r,
              "alert 1642723352 {\"name\":\"Wazuh: ClamAV database update\",\"state\":\"firing\","
              "\"start\":1642723352.0,\"service\":\"mail\",\"labels\":{\"alertname\":\"Wazuh: ClamAV "
              "database update\",\"ip\":\"172.19.130.4\",\"service\":\"mail\"},\"annotations\":"
              "{\"time_label\":\"false_positive\"},\"fingerprint\":\"5d63b5a029e6ac18\",\"source\":\"table\"}",
              "alert 1642723353 {\"name\":\"Wazuh: ClamAV database update\",\"state\":\"firing\","
              "\"start\":1642723353.0,\"service\":\"mail\",\"labels\":{\"alertname\":\"Wazuh: ClamAV "
              "database update\",\"ip\":\"172.19.130.4\",\"service\":\"mail\"},\"annotations\":"
              "{\"time_label\":\"dirb\"},\"fingerprint\":\"5d63b5a029e6ac18\",\"source\":\"table\"}");
    rt_free(&r);
}

/* Nezha's per-pod metrics: wide, header names made valid, NaN kept, empty
 * cells skipped, the service from the pod name. */
static void test_wide(void **state)
{
    (void)state;
    rt_run r;
    run("m.csv",
        "Time,TimeStamp,PodName,CpuUsage(m),MemoryUsage(Mi)\n"
        "2023-01-30 11:39:53 +0000 UTC m=+0.3,1675078793,ts-auth-service-7f8d7d756d-kzp47,20.5,NaN\n"
        "x,1675078853,ts-auth-service-7f8d7d756d-kzp47,,1.5\n"
        "x,1675078853,db-0,2,3\n",
        "ts=TimeStamp,service=PodName:pod,ignore=Time", &r);
    RT_EXPECT(&r,
              "sample 1675078793 CpuUsage_m_{pod=\"ts-auth-service-7f8d7d756d-kzp47\",service=\"ts-auth-service\"} 20.5",
              "sample 1675078793 MemoryUsage_Mi_{pod=\"ts-auth-service-7f8d7d756d-kzp47\",service=\"ts-auth-service\"} nan",
              "sample 1675078853 MemoryUsage_Mi_{pod=\"ts-auth-service-7f8d7d756d-kzp47\",service=\"ts-auth-service\"} 1.5",
              "sample 1675078853 CpuUsage_m_{pod=\"db-0\",service=\"db\"} 2",
              "sample 1675078853 MemoryUsage_Mi_{pod=\"db-0\",service=\"db\"} 3");
    rt_free(&r);
}

/* Nezha's traces: root parent, microseconds, nanosecond start times. */
static void test_spans(void **state)
{
    (void)state;
    rt_run r;
    run("t.csv",
        "TraceID,SpanID,ParentID,PodName,OperationName,StartTimeUnixNano,EndTimeUnixNano,Duration,Status\n"
        "a1,b1,root,ts-gateway-service-6f6cfc45b-d9pnv,/*,1675079528500000000,1,637719,OK\n"
        "a1,c1,b1,ts-order-service-5d8b7c9f4d-x2x9z,POST /x,1675079528600000000,1,250,ERROR\n"
        "a1,d1,0000000000000000,api,GET,1675079528700000000,1,0,\n",
        "ts=StartTimeUnixNano,trace_id=TraceID,span_id=SpanID,parent_span_id=ParentID,"
        "service=PodName:pod,operation=OperationName,duration=Duration:us,status=Status", &r);
    RT_EXPECT(&r,
              "span 1675079528.5 {\"trace_id\":\"a1\",\"span_id\":\"b1\",\"service\":\"ts-gateway-service\","
              "\"operation\":\"/*\",\"duration\":0.63771900000000004,\"error\":false,\"status\":\"OK\","
              "\"attributes\":{\"EndTimeUnixNano\":\"1\",\"pod\":\"ts-gateway-service-6f6cfc45b-d9pnv\"}}",
              "span 1675079528.5999999 {\"trace_id\":\"a1\",\"span_id\":\"c1\",\"parent_span_id\":\"b1\","
              "\"service\":\"ts-order-service\",\"operation\":\"POST /x\",\"duration\":0.00025000000000000001,"
              "\"error\":true,\"status\":\"ERROR\",\"attributes\":{\"EndTimeUnixNano\":\"1\","
              "\"pod\":\"ts-order-service-5d8b7c9f4d-x2x9z\"}}",
              "span 1675079528.7 {\"trace_id\":\"a1\",\"span_id\":\"d1\",\"service\":\"api\",\"operation\":\"GET\","
              "\"duration\":0.0,\"error\":false,\"attributes\":{\"EndTimeUnixNano\":\"1\",\"pod\":\"api\"}}");
    rt_free(&r);
}

/* Long samples, columns found by name; a quoted cell across lines. */
static void test_long(void **state)
{
    (void)state;
    rt_run r;
    run("l.tsv", "\xef\xbb\xbfts\tname\tvalue\thost\n1700000000\tcpu\t0.5\ta\n\n"
        "1700000060\tcpu\t1e3\t\"multi\nline\"\n1700000120\tcpu\t2\ta\n", NULL, &r);
    RT_EXPECT(&r, "sample 1700000000 cpu{host=\"a\"} 0.5",
              "sample 1700000060 cpu{host=\"multi\\nline\"} 1000",
              "sample 1700000120 cpu{host=\"a\"} 2");
    rt_free(&r);
    run("s.csv", "t,series,value\n1,up{job=\"a\"},1\n", NULL, &r);
    RT_EXPECT(&r, "sample 1 up{job=\"a\"} 1");
    rt_free(&r);
}

static void test_errors(void **state)
{
    (void)state;
    expect_err("ts,value,name\n1,x,m\n", NULL, AIOPS_EPARSE, 2,
               "column value: expected a number, got 'x'");
    expect_err("ts,value,name\n1,2\n", NULL, AIOPS_EPARSE, 2, "expected 3 cells (as the header), got 2");
    expect_err("ts,value,name\nnoon,2,m\n", NULL, AIOPS_EPARSE, 2, "column ts: expected a time");
    expect_err("ts,value,name\n1,\"2,m\n", NULL, AIOPS_EPARSE, 2,
               "expected a closing '\"' before the end of the file");
    expect_err("ts,a,a\n", NULL, AIOPS_EPARSE, 1, "expected distinct column names, got 'a' twice");
    expect_err("ts,,b\n", NULL, AIOPS_EPARSE, 1, "expected a column name in header cell 2");
    expect_err("", NULL, AIOPS_EPARSE, 0, "expected a header row");
    expect_err("a,b\n1,2\n", NULL, AIOPS_EPARSE, 1, "expected a time column (name it with --map ts=COLUMN)");
    expect_err("ts,x\n1,2\n", "type=alert", AIOPS_EPARSE, 1, "expected a name column for alert records");
    expect_err("ts,x,name\n1,2,\n", "type=alert", AIOPS_EPARSE, 2, "column name: expected an alert name");
    expect_err("ts,x\n1,2\n", "type=log", AIOPS_EINVAL, 0, "expected type=sample, span or alert, got 'log'");
    expect_err("ts,x\n1,2\n", "message=x", AIOPS_EINVAL, 0, "unknown role 'message'");
    expect_err("ts,x\n1,2\n", "service=x:node", AIOPS_EINVAL, 0, "expected service=COLUMN or service=COLUMN:pod");
    expect_err("ts,x,t\n1,2,3\n", "trace_id=t", AIOPS_EPARSE, 1, "--map trace_id=: wide sample tables have no such column");
    expect_err("ts,x\n1,2\n", "ignore=y", AIOPS_EPARSE, 1, "expected a column 'y' (--map ignore)");
    expect_err("ts,x,y\n1,2,3\n", "value=x,annotations=y", AIOPS_EPARSE, 1,
               "--map annotations=: sample tables have no such column");
    expect_err("TraceID,SpanID,Op,T,D\na,b,o,1,-1\n", "trace_id=TraceID,span_id=SpanID,operation=Op,ts=T,duration=D",
               AIOPS_EPARSE, 2, "column D: expected a duration >= 0, got '-1'");
}

/* After a bad row the next call goes on with the next row (--skip-bad). */
static void test_resume(void **state)
{
    (void)state;
    static const char text[] = "ts,value,name\n1,x,m\n2,\"3\n";
    aiops_stream *st = aiops_stream_new_mem("r.csv", text, strlen(text), 0, 0);
    aiops_series_table *tab = aiops_series_table_new();
    aiops_parse_ctx ctx = {.stream = st, .series = tab};
    aiops_err err = {0};
    void *s = NULL;
    aiops_record rec = {0};
    assert_int_equal(TBL->open(&s, &ctx, &err), 0);
    assert_int_equal(TBL->next(s, &ctx, &rec, &err), AIOPS_EPARSE);
    assert_int_equal(ctx.resumable, 1);
    assert_int_equal(TBL->next(s, &ctx, &rec, &err), AIOPS_EPARSE);
    assert_int_equal(err.line, 3);
    assert_int_equal(TBL->next(s, &ctx, &rec, &err), 0);
    TBL->close(s);
    aiops_series_table_free(tab);
    aiops_stream_free(st);
    assert_int_equal(TBL->probe("x.csv", "ts,value\n", 9), 0);
}

/* ------------------------------------------------------------- colmap */

static void test_colmap_table(void **state)
{
    (void)state;
    aiops_colmap m;
    aiops_err err = {0};
    aiops_colmap_init(&m);   /* ClickHouse: as before */
    assert_int_equal(aiops_colmap_parse(&m, "type=alert", "f", &err), AIOPS_EINVAL);
    assert_string_equal(err.msg, "--map: expected type=sample, log or span, got 'alert'");
    assert_int_equal(aiops_colmap_parse(&m, "ignore=a", "f", &err), AIOPS_EINVAL);
    assert_int_equal(aiops_colmap_parse(&m, "service=a:pod", "f", &err), 0);
    assert_string_equal(m.col[AIOPS_ROLE_SERVICE][0], "a:pod");
    aiops_colmap_init_table(&m);
    assert_int_equal(aiops_colmap_parse(&m, " type=alert , labels=a+b+c+d+e+f, service=p:pod,ignore=t",
                                        "f", &err), 0);
    assert_int_equal(m.forced, AIOPS_R_ALERT);
    assert_int_equal(m.ncol[AIOPS_ROLE_LABELS], 6);
    assert_string_equal(m.col[AIOPS_ROLE_LABELS][5], "f");
    assert_string_equal(m.col[AIOPS_ROLE_SERVICE][0], "p");
    assert_int_equal(m.svc_pod, 1);
    assert_string_equal(m.col[AIOPS_ROLE_IGNORE][0], "t");
    assert_true(aiops_colmap_status_error("STATUS_CODE_ERROR"));
    assert_false(aiops_colmap_status_error("Ok"));
}

static void test_colmap_file(void **state)
{
    (void)state;
    char path[] = "/tmp/aiops-map-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("# Nezha traces\nts=T, trace_id=Id\r\n\n  duration=D:us   # microseconds\nbogus\n", f);
    fclose(f);
    aiops_colmap m;
    aiops_err err = {0};
    char spec[64];
    snprintf(spec, sizeof spec, "@%s", path);
    aiops_colmap_init_table(&m);
    assert_int_equal(aiops_colmap_parse(&m, spec, "data.csv", &err), AIOPS_EINVAL);
    assert_string_equal(err.file, path);
    assert_int_equal(err.line, 5);
    assert_string_equal(err.msg, "--map: expected ROLE=COLUMN, got 'bogus'");
    assert_string_equal(m.col[AIOPS_ROLE_TS][0], "T");
    assert_string_equal(m.col[AIOPS_ROLE_TRACE][0], "Id");
    assert_string_equal(m.col[AIOPS_ROLE_DURATION][0], "D");
    assert_true(m.dur_div == 1e6);
    unlink(path);
    assert_int_equal(aiops_colmap_parse(&m, spec, "data.csv", &err), AIOPS_EIO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split),     cmocka_unit_test(test_alerts),
        cmocka_unit_test(test_wide),      cmocka_unit_test(test_spans),
        cmocka_unit_test(test_long),      cmocka_unit_test(test_errors),
        cmocka_unit_test(test_resume),    cmocka_unit_test(test_colmap_table),
        cmocka_unit_test(test_colmap_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
