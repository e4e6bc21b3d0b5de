/* test_series.c - libcore/series.c: canonical text, interning (one id per
 * series whatever the spelling), parse errors, the series cap, label and
 * service lookup, name sanitising, and a table of 100k series. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aiops_format.h"

static int setup(void **state)
{
    *state = aiops_series_table_new();
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    aiops_series_table_free(*state);
    return 0;
}

/* Intern s (must succeed) and return its id. */
static uint32_t intern(aiops_series_table *t, const char *s)
{
    aiops_err err;
    aiops_err_clear(&err);
    uint32_t id = UINT32_MAX;
    int rc = aiops_series_intern_text(t, s, strlen(s), &id, &err);
    if (rc)
        fail_msg("'%s': rc %d: %s", s, rc, err.msg);
    assert_true(id < aiops_series_table_count(t));
    return id;
}

static const char *text_of(aiops_series_table *t, uint32_t id)
{
    aiops_series *s = aiops_series_get(t, id);
    assert_non_null(s);
    assert_int_equal(s->text_len, strlen(s->text));
    return s->text;
}

/* s canonicalises to want, and want itself interns to the same id. */
static void expect_canon(aiops_series_table *t, const char *s, const char *want)
{
    uint32_t id = intern(t, s);
    if (strcmp(text_of(t, id), want) != 0)
        fail_msg("'%s' -> '%s', want '%s'", s, text_of(t, id), want);
    assert_int_equal(intern(t, want), id);
}

/* s is rejected with code, msg containing frag, no file/line, no series. */
static void expect_err(aiops_series_table *t, const char *s, int code, const char *frag)
{
    aiops_err err;
    aiops_err_clear(&err);
    size_t before = aiops_series_table_count(t);
    uint32_t id = 777;
    int rc = aiops_series_intern_text(t, s, strlen(s), &id, &err);
    if (rc != code)
        fail_msg("'%s': rc %d, want %d (msg '%s')", s, rc, code, err.msg);
    assert_int_equal(err.code, code);
    assert_int_equal(err.line, 0);
    assert_string_equal(err.file, "");
    if (!strstr(err.msg, frag))
        fail_msg("'%s': message '%s' lacks '%s'", s, err.msg, frag);
    assert_int_equal(aiops_series_table_count(t), before);
}

/* ------------------------------------------------------ canonical text */

static void test_canonical_sorts_labels(void **state)
{
    aiops_series_table *t = *state;
    expect_canon(t, "up{job=\"a\",instance=\"b\"}", "up{instance=\"b\",job=\"a\"}");
    expect_canon(t, "m{c=\"3\",a=\"1\",b=\"2\"}", "m{a=\"1\",b=\"2\",c=\"3\"}");
    /* Byte order: "a" < "a_b" < "ab" < "b"; upper case before lower. */
    expect_canon(t, "m{b=\"1\",ab=\"2\",a_b=\"3\",a=\"4\",Z=\"5\"}",
                 "m{Z=\"5\",a=\"4\",a_b=\"3\",ab=\"2\",b=\"1\"}");
}

static void test_canonical_strips_spaces(void **state)
{
    aiops_series_table *t = *state;
    expect_canon(t, "  up { job = \"a\" ,\tinstance=\"b\" }  ", "up{instance=\"b\",job=\"a\"}");
    expect_canon(t, "up {job=\"a b\"}", "up{job=\"a b\"}");
    expect_canon(t, " up ", "up");
}

static void test_canonical_trailing_comma(void **state)
{
    aiops_series_table *t = *state;
    expect_canon(t, "up{job=\"a\",}", "up{job=\"a\"}");
    expect_canon(t, "up{job=\"a\", }", "up{job=\"a\"}");
}

static void test_canonical_name_label(void **state)
{
    aiops_series_table *t = *state;
    expect_canon(t, "{__name__=\"up\",job=\"a\"}", "up{job=\"a\"}");
    expect_canon(t, "{job=\"a\",__name__=\"up\"}", "up{job=\"a\"}");
    expect_canon(t, "{__name__=\"up\"}", "up");
    aiops_series *s = aiops_series_get(t, intern(t, "{__name__=\"up\",job=\"a\"}"));
    assert_string_equal(s->name, "up");
    assert_int_equal(s->nlabels, 1);
}

static void test_canonical_escapes_round_trip(void **state)
{
    aiops_series_table *t = *state;
    const char *txt = "m{a=\"x\\\\y\",b=\"q\\\"t\",c=\"l1\\nl2\"}";
    expect_canon(t, txt, txt);
    aiops_series *s = aiops_series_get(t, intern(t, txt));
    assert_int_equal(s->nlabels, 3);
    assert_string_equal(s->labels[0].value, "x\\y");
    assert_string_equal(s->labels[1].value, "q\"t");
    assert_string_equal(s->labels[2].value, "l1\nl2");
}

static void test_canonical_quoted_specials_kept(void **state)
{
    aiops_series_table *t = *state;
    expect_canon(t, "m{path=\"/a,b}c\",q=\"x=y {z}\"}", "m{path=\"/a,b}c\",q=\"x=y {z}\"}");
    expect_canon(t, "m{u=\"caf\xc3\xa9\"}", "m{u=\"caf\xc3\xa9\"}");
}

static void test_canonical_drops_empty_values(void **state)
{
    aiops_series_table *t = *state;
    expect_canon(t, "m{a=\"\",b=\"1\"}", "m{b=\"1\"}");
    expect_canon(t, "m{a=\"\"}", "m");
    assert_int_equal(intern(t, "m{z=\"\",b=\"1\",a=\"\"}"), intern(t, "m{b=\"1\"}"));
}

static void test_canonical_name_only(void **state)
{
    aiops_series_table *t = *state;
    expect_canon(t, "up", "up");
    expect_canon(t, "up{}", "up");
    expect_canon(t, "ns:metric_total", "ns:metric_total");
    aiops_series *s = aiops_series_get(t, intern(t, "up"));
    assert_string_equal(s->name, "up");
    assert_int_equal(s->nlabels, 0);
}

static void test_canonical_labels_only(void **state)
{
    aiops_series_table *t = *state;
    expect_canon(t, "{job=\"a\"}", "{job=\"a\"}");
    expect_canon(t, "{ b=\"2\", a=\"1\" }", "{a=\"1\",b=\"2\"}");
    aiops_series *s = aiops_series_get(t, intern(t, "{job=\"a\"}"));
    assert_string_equal(s->name, "");
    assert_int_equal(s->nlabels, 1);
    assert_string_equal(s->labels[0].name, "job");
    assert_string_equal(s->labels[0].value, "a");
}

/* ------------------------------------------------------------- identity */

static void test_same_id_for_spellings(void **state)
{
    aiops_series_table *t = *state;
    const char *sp[] = {
        "up{instance=\"h:9100\",job=\"node\"}",
        "up{job=\"node\",instance=\"h:9100\"}",
        "up{ job=\"node\", instance=\"h:9100\" }",
        "up {job = \"node\",instance= \"h:9100\",}",
        "{__name__=\"up\",job=\"node\",instance=\"h:9100\"}",
        "{instance=\"h:9100\", __name__=\"up\", job=\"node\"}",
        "up{job=\"node\",instance=\"h:9100\",env=\"\"}",
    };
    uint32_t id = intern(t, sp[0]);
    for (size_t i = 1; i < sizeof sp / sizeof *sp; i++)
        if (intern(t, sp[i]) != id)
            fail_msg("'%s' got a different id from '%s'", sp[i], sp[0]);
    assert_int_equal(aiops_series_table_count(t), 1);
    assert_int_equal(intern(t, sp[3]), id);   /* cached spelling again */
}

static void test_same_id_for_labels_and_text(void **state)
{
    aiops_series_table *t = *state;
    aiops_err err;
    uint32_t a, b, c;
    const aiops_label l1[] = {{"job", "node"}, {"instance", "h:9100"}};
    const aiops_label l2[] = {{"instance", "h:9100"}, {"env", ""}, {"job", "node"}};
    const aiops_label l3[] = {{"job", "node"}, {"__name__", "up"}, {"instance", "h:9100"},
                              {"zone", NULL}};
    assert_int_equal(aiops_series_intern_labels(t, "up", l1, 2, &a, &err), 0);
    assert_int_equal(aiops_series_intern_labels(t, "up", l2, 3, &b, &err), 0);
    assert_int_equal(aiops_series_intern_labels(t, "ignored", l3, 4, &c, &err), 0);
    assert_int_equal(a, b);
    assert_int_equal(a, c);
    assert_int_equal(intern(t, "up{job=\"node\",instance=\"h:9100\"}"), a);
    assert_string_equal(text_of(t, a), "up{instance=\"h:9100\",job=\"node\"}");
    assert_int_equal(aiops_series_table_count(t), 1);
}

static void test_intern_labels_escapes_values(void **state)
{
    aiops_series_table *t = *state;
    aiops_err err;
    uint32_t id;
    const aiops_label l[] = {{"q", "say \"hi\"\\\n"}};
    assert_int_equal(aiops_series_intern_labels(t, "m", l, 1, &id, &err), 0);
    assert_string_equal(text_of(t, id), "m{q=\"say \\\"hi\\\"\\\\\\n\"}");
    assert_int_equal(intern(t, text_of(t, id)), id);
    assert_string_equal(aiops_series_get(t, id)->labels[0].value, "say \"hi\"\\\n");
}

static void test_intern_labels_without_name(void **state)
{
    aiops_series_table *t = *state;
    aiops_err err;
    uint32_t a, b;
    const aiops_label l[] = {{"job", "a"}};
    assert_int_equal(aiops_series_intern_labels(t, NULL, l, 1, &a, &err), 0);
    assert_int_equal(aiops_series_intern_labels(t, "", l, 1, &b, &err), 0);
    assert_int_equal(a, b);
    assert_string_equal(text_of(t, a), "{job=\"a\"}");
}

static void test_distinct_ids_for_distinct_series(void **state)
{
    aiops_series_table *t = *state;
    const char *sp[] = {
        "up", "up{a=\"1\"}", "up{a=\"2\"}", "up{b=\"1\"}", "{a=\"1\"}", "down{a=\"1\"}",
        "up{a=\"1\",b=\"1\"}", "up{a=\"1 \"}", "up{a=\"A\"}", "Up", "up{a=\"\\\\\"}",
        "up{a=\"\\\"\"}", "up{a=\"\\n\"}", "up{a=\"n\"}",
    };
    size_t n = sizeof sp / sizeof *sp;
    for (size_t i = 0; i < n; i++)
        assert_int_equal(intern(t, sp[i]), i);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(intern(t, sp[i]), i);
    assert_int_equal(aiops_series_table_count(t), n);
}

static void test_get_out_of_range_is_null(void **state)
{
    aiops_series_table *t = *state;
    assert_null(aiops_series_get(t, 0));
    intern(t, "up");
    assert_non_null(aiops_series_get(t, 0));
    assert_null(aiops_series_get(t, 1));
    assert_null(aiops_series_get(t, UINT32_MAX));
}

static void test_free_accepts_null(void **state)
{
    (void)state;
    aiops_series_table_free(NULL);
}

/* ---------------------------------------------------------------- errors */

static void test_rejects_empty_input(void **state)
{
    aiops_series_table *t = *state;
    expect_err(t, "", AIOPS_EPARSE, "expected a series");
    expect_err(t, "   ", AIOPS_EPARSE, "expected a series");
    expect_err(t, "{}", AIOPS_EPARSE, "expected a metric name or a label");
    expect_err(t, "{a=\"\"}", AIOPS_EPARSE, "expected a metric name or a label");
}

static void test_rejects_bad_metric_names(void **state)
{
    aiops_series_table *t = *state;
    expect_err(t, "1up", AIOPS_EPARSE, "expected a metric name");
    expect_err(t, "up-down", AIOPS_EPARSE, "got 'up-down'");
    expect_err(t, "up.time{a=\"1\"}", AIOPS_EPARSE, "expected a metric name");
    expect_err(t, "caf\xc3\xa9", AIOPS_EPARSE, "expected a metric name");
    expect_err(t, "up down", AIOPS_EPARSE, "expected '{' or end of series");
}

static void test_rejects_bad_label_names(void **state)
{
    aiops_series_table *t = *state;
    expect_err(t, "up{1a=\"x\"}", AIOPS_EPARSE, "expected a label name");
    expect_err(t, "up{a:b=\"x\"}", AIOPS_EPARSE, "expected a label name");
    expect_err(t, "up{a-b=\"x\"}", AIOPS_EPARSE, "got 'a-b'");
    expect_err(t, "up{,a=\"x\"}", AIOPS_EPARSE, "expected a label name");
    expect_err(t, "up{a=\"x\",,b=\"y\"}", AIOPS_EPARSE, "expected a label name");
}

static void test_rejects_missing_quote_or_brace(void **state)
{
    aiops_series_table *t = *state;
    expect_err(t, "up{a=x}", AIOPS_EPARSE, "expected '\"' to open the value of label 'a'");
    expect_err(t, "up{a='x'}", AIOPS_EPARSE, "expected '\"' to open");
    expect_err(t, "up{a=\"x}", AIOPS_EPARSE, "expected closing '\"'");
    expect_err(t, "up{a=\"x\\\"}", AIOPS_EPARSE, "expected closing '\"'");
    expect_err(t, "up{a=\"x\"", AIOPS_EPARSE, "expected ',' or '}'");
    expect_err(t, "up{a=\"x\" b=\"y\"}", AIOPS_EPARSE, "expected ',' or '}'");
    expect_err(t, "up{a}", AIOPS_EPARSE, "expected '=' after label 'a'");
    expect_err(t, "up{a!=\"x\"}", AIOPS_EPARSE, "expected '=' after label 'a'");
    expect_err(t, "up{", AIOPS_EPARSE, "expected a label name");
}

static void test_rejects_duplicate_label(void **state)
{
    aiops_series_table *t = *state;
    expect_err(t, "up{a=\"1\",a=\"2\"}", AIOPS_EPARSE, "label 'a' appears twice");
    expect_err(t, "up{b=\"1\",a=\"1\",b=\"1\"}", AIOPS_EPARSE, "label 'b' appears twice");
}

static void test_rejects_garbage_after_brace(void **state)
{
    aiops_series_table *t = *state;
    expect_err(t, "up{a=\"1\"} 5", AIOPS_EPARSE, "expected end of series after '}', got '5'");
    expect_err(t, "up{a=\"1\"}}", AIOPS_EPARSE, "expected end of series");
    expect_err(t, "up{}{}", AIOPS_EPARSE, "expected end of series");
}

/* The canonical text of every series must parse back to that series: a
 * __name__ value that is not a metric name would break that. */
/* A __name__ value outside the name alphabet (Prometheus 3 writes dotted
 * OpenTelemetry names so) is mapped by the one rule for foreign names. */
static void test_maps_bad_name_in_name_label(void **state)
{
    aiops_series_table *t = *state;
    expect_canon(t, "{__name__=\"a b\"}", "a_b");
    expect_canon(t, "{__name__=\"1up\",job=\"x\"}", "_1up{job=\"x\"}");
    expect_canon(t, "{__name__=\"http.server.duration\"}", "http_server_duration");
    /* a bare name is the grammar's: still strict */
    expect_err(t, "a.b{job=\"x\"}", AIOPS_EPARSE, "expected");
}

/* aiops_series_intern_foreign maps names; the strict interning rejects. */
static void test_intern_foreign_maps_names(void **state)
{
    aiops_series_table *t = *state;
    aiops_err err;
    uint32_t id, id2;
    const aiops_label l[] = {{"service.name", "api"}, {"k8s.pod:name", "p-1"}, {"2xx", "y"}};
    aiops_err_clear(&err);
    assert_int_equal(aiops_series_intern_foreign(t, "foo.bar.baz", l, 3, &id, &err), 0);
    assert_string_equal(text_of(t, id),
                        "foo_bar_baz{_2xx=\"y\",k8s_pod_name=\"p-1\",service_name=\"api\"}");
    const aiops_label l2[] = {{"__name__", "foo.bar.baz"}, {"service.name", "api"},
                              {"k8s.pod:name", "p-1"}, {"2xx", "y"}};
    assert_int_equal(aiops_series_intern_foreign(t, "", l2, 4, &id2, &err), 0);
    assert_int_equal(id2, id);
    assert_int_equal(aiops_series_intern_labels(t, "foo.bar.baz", NULL, 0, &id2, &err),
                     AIOPS_EPARSE);
    const aiops_label empty[] = {{"", "x"}};
    assert_int_equal(aiops_series_intern_foreign(t, "m", empty, 1, &id2, &err), AIOPS_EPARSE);
}

/* A trailing date or time goes from file stems; other digits stay. */
static void test_stem_undated(void **state)
{
    (void)state;
    char b[64];
    static const char *const cases[][2] = {
        {"dumps/error-ratio-2024-03-01.json", "error_ratio"},
        {"error_ratio_20240301.json", "error_ratio"},
        {"x/cpu-2024-03-01T00-00-00Z.json", "cpu"},
        {"cpu.2024-03-01T12:00.json", "cpu"},
        {"lat_1709251200.json", "lat"},
        {"nyc_taxi.csv", "nyc_taxi"},
        {"ec2_cpu_utilization_5f5533.csv", "ec2_cpu_utilization_5f5533"},
        {"machine-1-1.csv", "machine_1_1"},
        {"2024-03-01.json", "_2024_03_01"},
        {"abc20240301.json", "abc20240301"},
        {"-", "query"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        aiops_stem_name(cases[i][0], "query", b, sizeof b);
        if (strcmp(b, cases[i][1]) != 0)
            fail_msg("'%s' -> '%s', want '%s'", cases[i][0], b, cases[i][1]);
    }
}

static void test_intern_labels_rejects_bad_label_name(void **state)
{
    aiops_series_table *t = *state;
    aiops_err err;
    uint32_t id;
    const aiops_label bad_label[] = {{"1a", "x"}};
    aiops_err_clear(&err);
    assert_int_equal(aiops_series_intern_labels(t, "m", bad_label, 1, &id, &err), AIOPS_EPARSE);
    assert_non_null(strstr(err.msg, "expected a label name"));
    assert_int_equal(aiops_series_table_count(t), 0);
}

static void test_intern_labels_rejects_empty_series(void **state)
{
    aiops_series_table *t = *state;
    aiops_err err;
    uint32_t id;
    const aiops_label empty[] = {{"a", ""}};
    aiops_err_clear(&err);
    assert_int_equal(aiops_series_intern_labels(t, "", NULL, 0, &id, &err), AIOPS_EPARSE);
    assert_non_null(strstr(err.msg, "expected a metric name or a label"));
    assert_int_equal(aiops_series_intern_labels(t, NULL, empty, 1, &id, &err), AIOPS_EPARSE);
    assert_int_equal(aiops_series_table_count(t), 0);
}

/* Same rule as for text: the canonical text "a b" would not parse back. */
static void test_intern_labels_rejects_bad_metric_name(void **state)
{
    aiops_series_table *t = *state;
    aiops_err err;
    uint32_t id = 777;
    const aiops_label good[] = {{"a", "x"}};
    const aiops_label bad_name_label[] = {{"__name__", "a b"}};
    aiops_err_clear(&err);
    int rc = aiops_series_intern_labels(t, "a b", good, 1, &id, &err);
    if (rc != AIOPS_EPARSE)
        fail_msg("name 'a b': rc %d, want %d; text '%s'", rc, AIOPS_EPARSE,
                 rc ? err.msg : text_of(t, id));
    assert_non_null(strstr(err.msg, "expected a metric name"));
    assert_int_equal(aiops_series_intern_labels(t, "m", bad_name_label, 1, &id, &err),
                     AIOPS_EPARSE);
    assert_int_equal(aiops_series_table_count(t), 0);
}

static void test_rejects_invalid_utf8(void **state)
{
    aiops_series_table *t = *state;
    expect_err(t, "m{a=\"x\xffy\"}", AIOPS_EPARSE, "expected UTF-8 text in the value of label 'a'");
    expect_err(t, "m{a=\"\xc3\"}", AIOPS_EPARSE, "expected UTF-8");
    expect_err(t, "m{a=\"\xc0\xaf\"}", AIOPS_EPARSE, "expected UTF-8");     /* overlong '/' */
    expect_err(t, "m{a=\"\xed\xa0\x80\"}", AIOPS_EPARSE, "expected UTF-8"); /* surrogate */
    expect_err(t, "{__name__=\"\xff\"}", AIOPS_EPARSE, "expected UTF-8 text in the metric name");
    aiops_err err;
    uint32_t id;
    const aiops_label l[] = {{"a", "\xfe"}};
    assert_int_equal(aiops_series_intern_labels(t, "m", l, 1, &id, &err), AIOPS_EPARSE);
    assert_non_null(strstr(err.msg, "expected UTF-8"));
    assert_int_equal(aiops_series_table_count(t), 0);
}

static void test_rejects_overlong_name(void **state)
{
    aiops_series_table *t = *state;
    char name[2001];
    memset(name, 'a', 2000);
    name[2000] = '\0';
    expect_err(t, name, AIOPS_ELIMIT, "metric name");
}

/* ------------------------------------------------------------ series cap */

static void test_cap_gives_elimit(void **state)
{
    aiops_series_table *t = *state;
    aiops_series_table_set_max(t, 2);
    uint32_t a = intern(t, "a"), b = intern(t, "b{x=\"1\"}");
    expect_err(t, "c", AIOPS_ELIMIT, "more than 2 distinct series");
    aiops_err err;
    uint32_t id;
    const aiops_label l[] = {{"x", "2"}};
    assert_int_equal(aiops_series_intern_labels(t, "b", l, 1, &id, &err), AIOPS_ELIMIT);
    /* Known series still resolve, by any spelling. */
    assert_int_equal(intern(t, "a"), a);
    assert_int_equal(intern(t, "b{ x=\"1\" }"), b);
    assert_int_equal(aiops_series_table_count(t), 2);
}

/* Past the spelling-cache cap (4 x max_series keys) a new series must
 * still get one id, however often it is interned. */
static void test_cap_same_id_when_spelling_cache_full(void **state)
{
    aiops_series_table *t = *state;
    aiops_series_table_set_max(t, 3);
    const char *sp[] = {"a", " a", "a ", "  a", "a  ", "a{}", "a {}", "a{ }", "\ta",
                        "a\t", "{__name__=\"a\"}", "a{} ", " a{}", "a{b=\"\"}"};
    uint32_t a = intern(t, sp[0]);
    for (size_t i = 1; i < sizeof sp / sizeof *sp; i++)
        assert_int_equal(intern(t, sp[i]), a);
    uint32_t b1 = intern(t, "b");
    uint32_t b2 = intern(t, "b");
    if (b1 != b2)
        fail_msg("'b' interned twice: ids %u and %u (%zu series)", b1, b2,
                 aiops_series_table_count(t));
    assert_int_equal(intern(t, "b{}"), b1);
    assert_int_equal(aiops_series_table_count(t), 2);
}

/* ------------------------------------------------------- label lookups */

static void test_series_label_lookup(void **state)
{
    aiops_series_table *t = *state;
    aiops_series *s = aiops_series_get(t, intern(t, "up{job=\"api\",instance=\"h1\"}"));
    assert_string_equal(aiops_series_label(s, "__name__"), "up");
    assert_string_equal(aiops_series_label(s, "job"), "api");
    assert_string_equal(aiops_series_label(s, "instance"), "h1");
    assert_null(aiops_series_label(s, "env"));
    assert_null(aiops_series_label(s, "jo"));
    assert_null(aiops_series_label(s, "jobs"));
}

static const char *const service_order[] = AIOPS_SERVICE_LABELS;

/* Series carrying service_order[k..] (value "v_<label>") plus noise. */
static aiops_series *series_from(aiops_series_table *t, size_t k)
{
    aiops_label l[16];
    char vals[16][64];
    size_t n = 0;
    for (size_t i = k; service_order[i]; i++, n++) {
        snprintf(vals[n], sizeof vals[n], "v_%s", service_order[i]);
        l[n].name = service_order[i];
        l[n].value = vals[n];
    }
    l[n].name = "instance";
    l[n++].value = "h1";
    aiops_err err;
    uint32_t id;
    assert_int_equal(aiops_series_intern_labels(t, "m", l, n, &id, &err), 0);
    return aiops_series_get(t, id);
}

static void test_series_service_precedence(void **state)
{
    aiops_series_table *t = *state;
    assert_string_equal(service_order[0], "service");
    assert_string_equal(service_order[6], "job");
    assert_null(service_order[7]);
    char want[64];
    for (size_t k = 0; service_order[k]; k++) {
        snprintf(want, sizeof want, "v_%s", service_order[k]);
        assert_string_equal(aiops_series_service(series_from(t, k)), want);
    }
}

static void test_series_service_pairs(void **state)
{
    aiops_series_table *t = *state;
    aiops_series *s = aiops_series_get(t, intern(t, "m{job=\"j\",service_name=\"sn\"}"));
    assert_string_equal(aiops_series_service(s), "sn");
    s = aiops_series_get(t, intern(t, "m{app=\"a\",container=\"c\",job=\"j\"}"));
    assert_string_equal(aiops_series_service(s), "a");
    s = aiops_series_get(t, intern(t, "m{job=\"j\",service=\"\",instance=\"i\"}"));
    assert_string_equal(aiops_series_service(s), "j");
}

static void test_series_service_none(void **state)
{
    aiops_series_table *t = *state;
    assert_null(aiops_series_service(aiops_series_get(t, intern(t, "up"))));
    assert_null(aiops_series_service(aiops_series_get(t, intern(t, "up{instance=\"h\"}"))));
    assert_null(aiops_series_service(aiops_series_get(t, intern(t, "up{services=\"x\"}"))));
}

/* ---------------------------------------------------------- sanitising */

static void expect_sanitized(const char *in, size_t n, const char *want)
{
    char buf[64];
    size_t got = aiops_sanitize_name(in, n, buf, sizeof buf);
    assert_string_equal(buf, want);
    assert_int_equal(got, strlen(want));
}

static void test_sanitize_name_values(void **state)
{
    (void)state;
    expect_sanitized("http_requests_total", 19, "http_requests_total");
    expect_sanitized("http.requests-total", 19, "http_requests_total");
    expect_sanitized("ns:metric", 9, "ns:metric");
    expect_sanitized("1abc", 4, "_1abc");
    expect_sanitized("9", 1, "_9");
    expect_sanitized("", 0, "_");
    expect_sanitized("cpu %", 5, "cpu__");
    expect_sanitized("caf\xc3\xa9", 5, "caf__");
    expect_sanitized("a\0b", 3, "a_b");
    expect_sanitized("abcdef", 3, "abc");
}

static void test_sanitize_name_truncates(void **state)
{
    (void)state;
    char buf[8];
    size_t n = aiops_sanitize_name("abcdefghijklmnop", 16, buf, sizeof buf);
    assert_true(n >= 1 && n < sizeof buf);
    assert_int_equal(strlen(buf), n);
    assert_memory_equal(buf, "abcdefghijklmnop", n);
    n = aiops_sanitize_name("123456789", 9, buf, sizeof buf);
    assert_true(n >= 2 && n < sizeof buf);
    assert_int_equal(strlen(buf), n);
    assert_int_equal(buf[0], '_');
}

/* bufsz bytes are all it may write, even when only the NUL fits. */
static void test_sanitize_name_tiny_buffers(void **state)
{
    (void)state;
    char buf[4] = {'x', '#', '#', '#'};
    assert_int_equal(aiops_sanitize_name("abc", 3, buf, 0), 0);
    assert_int_equal(buf[0], 'x');
    size_t n = aiops_sanitize_name("abc", 3, buf, 1);
    assert_int_equal(n, 0);
    assert_int_equal(buf[0], '\0');
    assert_int_equal(buf[1], '#');
    memset(buf, '#', sizeof buf);
    n = aiops_sanitize_name("", 0, buf, 2);
    assert_int_equal(n, 1);
    assert_string_equal(buf, "_");
    assert_int_equal(buf[2], '#');
}

/* --------------------------------------------------------- many series */

#define MANY 100000

static void test_many_series_dense_ids(void **state)
{
    aiops_series_table *t = *state;
    char buf[64];
    aiops_series **ptr = malloc(MANY * sizeof *ptr);
    assert_non_null(ptr);
    for (uint32_t i = 0; i < MANY; i++) {
        snprintf(buf, sizeof buf, "m{i=\"%u\",job=\"j%u\"}", i, i % 7);
        assert_int_equal(intern(t, buf), i);
        ptr[i] = aiops_series_get(t, i);
    }
    assert_int_equal(aiops_series_table_count(t), MANY);
    for (uint32_t i = 0; i < MANY; i++) {
        snprintf(buf, sizeof buf, "m{job=\"j%u\", i=\"%u\"}", i % 7, i);
        assert_int_equal(intern(t, buf), i);
        assert_ptr_equal(aiops_series_get(t, i), ptr[i]);
        snprintf(buf, sizeof buf, "m{i=\"%u\",job=\"j%u\"}", i, i % 7);
        assert_string_equal(ptr[i]->text, buf);
    }
    assert_int_equal(aiops_series_table_count(t), MANY);
    free(ptr);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_canonical_sorts_labels),
        T(test_canonical_strips_spaces),
        T(test_canonical_trailing_comma),
        T(test_canonical_name_label),
        T(test_canonical_escapes_round_trip),
        T(test_canonical_quoted_specials_kept),
        T(test_canonical_drops_empty_values),
        T(test_canonical_name_only),
        T(test_canonical_labels_only),
        T(test_same_id_for_spellings),
        T(test_same_id_for_labels_and_text),
        T(test_intern_labels_escapes_values),
        T(test_intern_labels_without_name),
        T(test_distinct_ids_for_distinct_series),
        T(test_get_out_of_range_is_null),
        T(test_free_accepts_null),
        T(test_rejects_empty_input),
        T(test_rejects_bad_metric_names),
        T(test_rejects_bad_label_names),
        T(test_rejects_missing_quote_or_brace),
        T(test_rejects_duplicate_label),
        T(test_rejects_garbage_after_brace),
        T(test_maps_bad_name_in_name_label),
        T(test_intern_foreign_maps_names),
        T(test_stem_undated),
        T(test_intern_labels_rejects_bad_label_name),
        T(test_intern_labels_rejects_empty_series),
        T(test_intern_labels_rejects_bad_metric_name),
        T(test_rejects_invalid_utf8),
        T(test_rejects_overlong_name),
        T(test_cap_gives_elimit),
        T(test_cap_same_id_when_spelling_cache_full),
        T(test_series_label_lookup),
        T(test_series_service_precedence),
        T(test_series_service_pairs),
        T(test_series_service_none),
        T(test_sanitize_name_values),
        T(test_sanitize_name_truncates),
        T(test_sanitize_name_tiny_buffers),
        T(test_many_series_dense_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
