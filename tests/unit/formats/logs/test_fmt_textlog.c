/* test_fmt_textlog.c - plain text log files. */
#include "rectest.h"

#include "formats/obs.h"

#define TL (&aiops_fmt_textlog)

/* 2024-01-02T00:00:00Z: the "file mtime" of year-less layouts. */
#define MTIME 1704153600.0

static void parse_at(const char *name, const char *text, double mtime, const char *service,
                     rt_run *r)
{
    rt_opts o = {.mtime = mtime, .service = service};
    rt_parse_opts(TL, name, text, strlen(text), &o, r);
}

static void test_iso(void **state)
{
    (void)state;
    rt_run r;
    /* a stack trace continues its record, a blank line is skipped, the
     * log4j comma, a [bracketed] time, rsyslog's host prog[pid]:, a
     * +0000 zone with zap's tabs */
    parse_at("logs/app.log",
             "2024-01-02T03:04:05.250Z ERROR [main] payment failed\n"
             "java.lang.IllegalStateException: declined\n"
             "\tat com.shop.Pay.charge(Pay.java:42)\n"
             "\n"
             "2024-01-02 03:04:06,500 WARN  retry\n"
             "[2024-01-02 03:04:07] INFO done trace_id=4bf92f3577b34da6a3ce929d0e0e4736\n"
             "2024-01-02T04:04:08+01:00 host-1 nginx[77]: upstream timed out\n"
             "2024-01-02T03:04:09+0000\tINFO\tzap style\n",
             0, NULL, &r);
    RT_EXPECT(&r,
              "log 1704164645.25 {\"service\":\"app\",\"level\":\"error\",\"message\":\"ERROR [main] pa"
              "yment failed\\njava.lang.IllegalStateException: declined\\n\\tat com.shop.Pay.charge(Pay"
              ".java:42)\"}",
              "log 1704164646.5 {\"service\":\"app\",\"level\":\"warn\",\"message\":\"WARN  retry\"}",
              "log 1704164647 {\"service\":\"app\",\"level\":\"info\",\"message\":\"INFO done trace_id="
              "4bf92f3577b34da6a3ce929d0e0e4736\",\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\"}",
              "log 1704164648 {\"service\":\"nginx\",\"message\":\"upstream timed out\",\"labels\":{\"h"
              "ost\":\"host-1\",\"pid\":\"77\"}}",
              "log 1704164649 {\"service\":\"app\",\"level\":\"info\",\"message\":\"INFO\\tzap style\"}");
    assert_int_equal(TL->ordered, 1);
    rt_free(&r);
    /* --service wins over the file name and the program */
    parse_at("app.log", "2024-01-02T03:04:05Z a\n2024-01-02T04:04:08+01:00 h p[1]: b\n", 0,
             "checkout", &r);
    RT_EXPECT(&r, "log 1704164645 {\"service\":\"checkout\",\"message\":\"a\"}",
              "log 1704164648 {\"service\":\"checkout\",\"message\":\"b\",\"labels\":{\"host\":\"h\","
              "\"pid\":\"1\"}}");
    rt_free(&r);
    /* stdin: no file name, no service */
    parse_at("-", "2024-01-02T03:04:05Z a\n", 0, NULL, &r);
    RT_EXPECT(&r, "log 1704164645 {\"message\":\"a\"}");
    rt_free(&r);
}

static void test_syslog_year(void **state)
{
    (void)state;
    rt_run r;
    /* saved 2024-01-02: December lines are from 2023 */
    parse_at("sys.log",
             "Dec 31 23:59:58 web1 sshd[812]: Failed password\n"
             "Jan  1 00:00:01 web1 CRON[901]: (root) CMD (x)\n"
             "Jan  1 00:00:02 web1 kernel: Out of memory: Killed process 4242\n"
             "<11>Jan  1 00:00:03 web1 app[77]: cannot open config\n"
             "Jan  1 00:00:04 web1 no tag here\n",
             MTIME, NULL, &r);
    RT_EXPECT(&r,
              "log 1704067198 {\"service\":\"sshd\",\"message\":\"Failed password\",\"labels\":{\"host"
              "\":\"web1\",\"pid\":\"812\"}}",
              "log 1704067201 {\"service\":\"CRON\",\"message\":\"(root) CMD (x)\",\"labels\":{\"host\""
              ":\"web1\",\"pid\":\"901\"}}",
              "log 1704067202 {\"service\":\"kernel\",\"message\":\"Out of memory: Killed process 4242"
              "\",\"labels\":{\"host\":\"web1\"}}",
              "log 1704067203 {\"service\":\"app\",\"level\":\"error\",\"message\":\"cannot open config"
              "\",\"labels\":{\"host\":\"web1\",\"pid\":\"77\"}}",
              "log 1704067204 {\"service\":\"sys\",\"message\":\"no tag here\",\"labels\":{\"host\":\"w"
              "eb1\"}}");
    rt_free(&r);
    /* a file saved 2024-07-01: June is this year, December last year */
    parse_at("sys.log", "Jun 30 23:59:58 web1 sshd[812]: x\nDec 31 00:00:00 web1 sshd[812]: y\n",
             1719792000.0, NULL, &r);
    RT_EXPECT(&r, "log 1719791998 {\"service\":\"sshd\",\"message\":\"x\",\"labels\":{\"host\":"
                  "\"web1\",\"pid\":\"812\"}}",
              "log 1703980800 {\"service\":\"sshd\",\"message\":\"y\",\"labels\":{\"host\":"
              "\"web1\",\"pid\":\"812\"}}");
    rt_free(&r);
    parse_at("k.log",
             "E1231 23:59:59.500000   1 a.go:1] late last year\n"
             "W0101 00:00:01.000000   1 a.go:2] new year\n",
             MTIME, NULL, &r);
    RT_EXPECT(&r, "log 1704067199.5 {\"service\":\"k\",\"level\":\"error\",\"message\":\"late last year\"}",
              "log 1704067201 {\"service\":\"k\",\"level\":\"warn\",\"message\":\"new year\"}");
    rt_free(&r);
}

static void test_web_servers(void **state)
{
    (void)state;
    rt_run r;
    parse_at("access.log",
             "10.0.0.1 - alice [02/Jan/2024:03:04:05 +0000] \"GET /api/cart HTTP/1.1\" 200 512 \"-\" "
             "\"curl/8.0\"\n"
             "10.0.0.2 - - [02/Jan/2024:04:04:06 +0100] \"POST /api/pay?q=\\\"x\\\" HTTP/1.1\" 503 0 "
             "\"-\" \"Mozilla/5.0\"\n"
             "::1 - - [01/Jan/2024:22:04:07 -0500] \"GET / HTTP/1.0\" 404 -\n",
             0, NULL, &r);
    /* status >= 500 is an error, the rest info; the whole line is the message */
    RT_EXPECT(&r,
              "log 1704164645 {\"service\":\"access\",\"level\":\"info\",\"message\":\"10.0.0.1 - alice"
              " [02/Jan/2024:03:04:05 +0000] \\\"GET /api/cart HTTP/1.1\\\" 200 512 \\\"-\\\" \\\"curl/"
              "8.0\\\"\",\"labels\":{\"status\":\"200\"}}",
              "log 1704164646 {\"service\":\"access\",\"level\":\"error\",\"message\":\"10.0.0.2 - - [0"
              "2/Jan/2024:04:04:06 +0100] \\\"POST /api/pay?q=\\\\\\\"x\\\\\\\" HTTP/1.1\\\" 503 0 \\\""
              "-\\\" \\\"Mozilla/5.0\\\"\",\"labels\":{\"status\":\"503\"}}",
              "log 1704164647 {\"service\":\"access\",\"level\":\"info\",\"message\":\"::1 - - [01/Jan/"
              "2024:22:04:07 -0500] \\\"GET / HTTP/1.0\\\" 404 -\",\"labels\":{\"status\":\"404\"}}");
    rt_free(&r);
    parse_at("apache.log",
             "[Tue Jan 02 03:04:06.500000 2024] [proxy:error] [pid 5] AH01: x\n"
             "[Tue Jan 02 03:04:07 2024] [core:notice] [pid 5] y\n",
             0, NULL, &r);
    RT_EXPECT(&r,
              "log 1704164646.5 {\"service\":\"apache\",\"level\":\"error\",\"message\":\"[proxy:error]"
              " [pid 5] AH01: x\"}",
              "log 1704164647 {\"service\":\"apache\",\"level\":\"info\",\"message\":\"[core:notice] [p"
              "id 5] y\"}");
    rt_free(&r);
    parse_at("nginx.log",
             "2024/01/02 03:04:05 [error] 12#0: *7 connect() failed\n"
             "2024/01/02 03:04:06 [crit] 12#0: z\n",
             0, NULL, &r);
    RT_EXPECT(&r,
              "log 1704164645 {\"service\":\"nginx\",\"level\":\"error\",\"message\":\"[error] 12#0: *7"
              " connect() failed\"}",
              "log 1704164646 {\"service\":\"nginx\",\"level\":\"fatal\",\"message\":\"[crit] 12#0: z\"}");
    rt_free(&r);
}

static void test_rfc5424(void **state)
{
    (void)state;
    rt_run r;
    /* structured data with an escaped ']' skipped; the BOM before MSG
     * dropped; NILVALUE fields and no MSG */
    parse_at("r.log",
             "<165>1 2024-01-02T03:04:05.003Z host1 billing 4242 ID47 [a@1 k=\"v\\\"]\"][b@2] "
             "\xef\xbb\xbfinvoice created\n"
             "<11>1 2024-01-02T03:04:06Z - - - - -\n",
             0, NULL, &r);
    RT_EXPECT(&r,
              "log 1704164645.003 {\"service\":\"billing\",\"level\":\"info\",\"message\":\"invoice cre"
              "ated\",\"labels\":{\"host\":\"host1\",\"pid\":\"4242\"}}",
              "log 1704164646 {\"service\":\"r\",\"level\":\"error\",\"message\":\"\"}");
    rt_free(&r);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    rt_run r;
    parse_at("u.log", "2024-01-02T03:04:05Z ERROR bad \xff here\n  and \xc3 there\n", 0, NULL, &r);
    RT_EXPECT(&r, "log 1704164645 {\"service\":\"u\",\"level\":\"error\",\"message\":\"ERROR bad "
                  "\xEF\xBF\xBD here\\n  and \xEF\xBF\xBD there\",\"invalid_utf8\":2}");
    rt_free(&r);
}

static void test_errors(void **state)
{
    (void)state;
    RT_ERR(TL, "e.log", "started without a timestamp\n2024-01-02T03:04:05Z INFO ok\n", AIOPS_EPARSE,
           1, "expected a log line starting with a time (RFC 3339, syslog 'Jan  2 15:04:05', access "
              "log [02/Jan/2024:15:04:05 +0000], ...), got 'started without a timestamp'");
    RT_ERR(TL, "e.log",
           "1.2.3.4 - - [02/Jan/2024:03:04:05 +0000] \"GET / HTTP/1.1\" 200 5\n"
           "1.2.3.4 - - [02/Jan/2024:03:04:06 +0000] \"GET / HTTP/1.1\" 200 5\n"
           "garbage in the middle\n",
           AIOPS_EPARSE, 3, "expected an access log line (host ident user [time] \"request\" status "
                            "bytes), got 'garbage in the middle'");
    RT_ERR(TL, "e.log", "2024-01-02T03:04:05Z INFO ok\n2024-13-02T03:04:06Z INFO x\n", AIOPS_EPARSE,
           2, "expected a valid time at the start of the line, got an invalid date or time: "
              "'2024-13-02T03:04:06Z INFO x'");
    RT_ERR(TL, "e.log", "1.2.3.4 - - [32/Jan/2024:03:04:05 +0000] \"GET / HTTP/1.1\" 200 5\n",
           AIOPS_EPARSE, 1, "got an invalid date or time");
    RT_ERR(TL, "e.log", "<13>1 - host app - - - no time\n", AIOPS_EPARSE, 1,
           "got a time (got '-')");
    RT_ERR(TL, "e.log", "Feb 30 25:00:00 host x: y\n", AIOPS_EPARSE, 1, "invalid date or time");
}

/* A record with continuation lines past 16 MiB is an error; a single
 * line over 1 MB is fine. */
static void test_limits(void **state)
{
    (void)state;
    size_t big = (size_t)2 << 20, n = 0;
    char *text = malloc((size_t)20 << 20);
    assert_non_null(text);
    n += (size_t)snprintf(text, 64, "2024-01-02T03:04:05Z INFO ");
    memset(text + n, 'x', big);
    n += big;
    text[n++] = '\n';
    text[n] = '\0';
    rt_run r;
    parse_at("big.log", text, 0, NULL, &r);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.n, 1);
    assert_true(strlen(r.line[0]) > big);
    rt_free(&r);
    for (int i = 0; i < 8; i++) {       /* 8 more lines of 2 MiB: 18 MiB in one record */
        memset(text + n, 'y', big);
        n += big;
        text[n++] = '\n';
    }
    text[n] = '\0';
    rt_expect_err(TL, "big.log", text, n, AIOPS_ELIMIT, 8,
                  "log record with its continuation lines longer than 16777216 bytes");
    free(text);
}

static void test_probe(void **state)
{
    (void)state;
    static const struct {
        const char *head;
        int score;
    } cases[] = {
        {"<34>1 2024-01-02T03:04:05Z h a - - - m\n", 80},
        {"Jan  2 03:04:05 host prog[1]: m\n", 75},
        {"<34>Jan  2 03:04:05 host prog: m\n", 75},
        {"1.2.3.4 - - [02/Jan/2024:03:04:05 +0000] \"GET / HTTP/1.1\" 200 5\n", 75},
        {"[Tue Jan 02 03:04:06 2024] [core:notice] y\n", 75},
        {"2024/01/02 03:04:05 [error] 1#0: x\n", 70},
        {"I0102 03:04:05.000000 1 a.go:1] x\n", 65},
        {"2024-01-02T03:04:05Z INFO x\n", 65},
        /* beats CSV (60) on log4j's comma, the stream's TSV (80) on zap's tabs */
        {"2024-01-02 03:04:05,123 INFO x\n", 65},
        {"2024-01-02T03:04:05.000Z\tINFO\tmain.go:12\tstarted\n", 85},
        {"2024-01-02T03:04:05.000Z\tINFO\tstarted\n", 85},
        {"2024-13-02T03:04:05Z INFO x\n", 30},
        {"1700000000\tup{job=\"a\"}\t1\n", 0},
        {"2024-01-02T03:04:05Z\tup{job=\"a\"}\t1\n", 0},
        {"timestamp,value\n2024-01-02 03:04:05,1\n", 0},
        {"{\"type\":\"log\",\"ts\":1}\n", 0},
        {"# HELP up x\nup 1\n", 0},
        {"up{job=\"a\"} 1 1700000000000\n", 0},
        {"plain words\n", 0},
        {"", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int got = TL->probe("x", cases[i].head, strlen(cases[i].head));
        if (got != cases[i].score)
            print_error("probe '%s': %d, want %d\n", cases[i].head, got, cases[i].score);
        assert_int_equal(got, cases[i].score);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iso),          cmocka_unit_test(test_syslog_year),
        cmocka_unit_test(test_web_servers),  cmocka_unit_test(test_rfc5424),
        cmocka_unit_test(test_invalid_utf8), cmocka_unit_test(test_errors),
        cmocka_unit_test(test_limits),       cmocka_unit_test(test_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
