/* test_logtmpl.c - libcore/logtmpl: masking of each variable kind, the
 * parse tree (length and first-token routing, the wildcard branch),
 * similarity, template merging (covering, skeletons, variants), the
 * template cap and the iteration/ownership API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "logtmpl/logtmpl.h"

static char *masked(const char *msg, int mask_digits)
{
    static char out[1024];
    aiops_logtmpl_opts o;
    aiops_logtmpl_opts_default(&o);
    o.mask_digits = mask_digits;
    aiops_buf b = {0};
    aiops_logtmpl_mask(&o, msg, strlen(msg), &b);
    snprintf(out, sizeof out, "%s", b.p ? b.p : "");
    aiops_buf_free(&b);
    return out;
}

static void test_mask_kinds(void **state)
{
    (void)state;
    assert_string_equal(masked("took 250 ms", 0), "took <*>");         /* unit joins */
    assert_string_equal(masked("took 1.5s at 12:04:05,123", 0), "took <*> at <*>");
    assert_string_equal(masked("from 10.0.0.1:8080 to ::1", 0), "from <*> to <*>");
    assert_string_equal(masked("addr fe80::1ff:fe23:4567:890a up", 0), "addr <*> up");
    assert_string_equal(masked("req 123e4567-e89b-12d3-a456-426614174000 ok", 0), "req <*> ok");
    assert_string_equal(masked("ptr 0x7fed806eb5d id deadbeef12", 0), "ptr <*> id <*>");
    assert_string_equal(masked("open /var/log/app.log and C:\\Windows\\x.dll", 0),
                        "open <*> and <*>");
    assert_string_equal(masked("GET http://a.example.com/x?y=1 done", 0), "GET <*> done");
    assert_string_equal(masked("rhost=troi.bluesky-technologies.com user=root", 0),
                        "rhost=<*> user=root");
    /* brackets and punctuation around a variable stay */
    assert_string_equal(masked("size (42) [7], n=-3;", 0), "size (<*>) [<*>], n=<*>;");
    assert_string_equal(masked("(1.16 KB) sent", 0), "(<*>) sent");
    /* words are not variables; a Java class is not a host */
    assert_string_equal(masked("org.apache.hadoop.Main started", 0),
                        "org.apache.hadoop.Main started");
    assert_string_equal(masked("cafe added", 0), "cafe added");
    /* pieces with digits only with mask_digits */
    assert_string_equal(masked("blk_-123 t761 uid=u0", 0), "blk_-123 t761 uid=u0");
    assert_string_equal(masked("blk_-123 t761 uid=u0", 1), "<*> <*> uid=<*>");
    /* blanks collapse; empty stays empty */
    assert_string_equal(masked("  a \t b  ", 1), "a b");
    assert_string_equal(masked("", 1), "");
}

static aiops_logtmpl *miner(double sim, int variants)
{
    aiops_logtmpl_opts o;
    aiops_logtmpl_opts_default(&o);
    o.sim = sim;
    o.min_variants = variants;
    aiops_logtmpl *t = NULL;
    aiops_err err = {0};
    assert_int_equal(aiops_logtmpl_new(&t, &o, &err), 0);
    return t;
}

static uint32_t add(aiops_logtmpl *t, const char *m, int want_new)
{
    uint32_t id = 99;
    aiops_err err = {0};
    assert_int_equal(aiops_logtmpl_add(t, m, strlen(m), &id, &err), want_new);
    return id;
}

static const char *text(aiops_logtmpl *t, uint32_t id)
{
    static char out[512];
    aiops_buf b = {0};
    assert_int_equal(aiops_logtmpl_text(t, id, &b), 0);
    snprintf(out, sizeof out, "%s", b.p);
    aiops_buf_free(&b);
    return out;
}

static void test_tree_and_similarity(void **state)
{
    (void)state;
    aiops_logtmpl *t = miner(0.5, 0);
    uint32_t a = add(t, "connect to db failed after 3 tries", 1);
    assert_int_equal(a, 1);
    /* same template with other variables */
    assert_int_equal(add(t, "connect to db failed after 17 tries", 0), a);
    /* one more token: another length branch */
    uint32_t b = add(t, "connect to db failed after 3 tries again", 1);
    assert_int_not_equal(b, a);
    /* other first token: another branch, even when similar */
    uint32_t c = add(t, "reconnect to db failed after 3 tries", 1);
    assert_int_not_equal(c, a);
    /* 5 of 6 tokens equal >= 0.5: joins, the differing position becomes <*> */
    assert_int_equal(add(t, "connect to cache failed after 3 tries", 0), a);
    assert_string_equal(text(t, a), "connect to <*> failed after <*> tries");
    /* below the threshold: a new template of the same leaf */
    uint32_t d = add(t, "connect via proxy refused then 3 retries", 1);
    assert_int_not_equal(d, a);
    assert_int_equal(aiops_logtmpl_hits(t, a), 3);
    assert_int_equal(aiops_logtmpl_count(t), 4);
    /* a variable first token takes the wildcard branch */
    uint32_t e = add(t, "42 workers started", 1);
    assert_int_equal(add(t, "7 workers started", 0), e);
    assert_string_equal(text(t, e), "<*> workers started");
    aiops_logtmpl_free(t);
}

static void test_max_children(void **state)
{
    (void)state;
    aiops_logtmpl_opts o;
    aiops_logtmpl_opts_default(&o);
    o.max_children = 2;
    o.min_variants = 0;
    o.sim = 0.6;
    aiops_logtmpl *t = NULL;
    aiops_err err = {0};
    assert_int_equal(aiops_logtmpl_new(&t, &o, &err), 0);
    /* two first tokens get their own branches */
    uint32_t a = add(t, "alpha job done now", 1), b = add(t, "beta job done now", 1);
    assert_int_not_equal(a, b);
    /* the node is full: gamma and delta share the wildcard branch, where
     * they are similar (3 of 4) and merge */
    uint32_t c = add(t, "gamma job done now", 1);
    assert_int_equal(add(t, "delta job done now", 0), c);
    assert_string_equal(text(t, c), "<*> job done now");
    /* alpha still has its own branch */
    assert_int_equal(add(t, "alpha job done now", 0), a);
    aiops_logtmpl_free(t);
}

static void test_merge_covering(void **state)
{
    (void)state;
    /* sim 1: nothing joins by similarity, only by merging */
    aiops_logtmpl *t = miner(1.0, 2);
    uint32_t a = add(t, "login by alice ok", 1);
    /* two templates differing at one position: with min_variants 2 the
     * position becomes <*> and the two merge (the newer one absorbs) */
    uint32_t b = add(t, "login by bob ok", 1);
    assert_int_equal(aiops_logtmpl_canon(t, a), b);
    assert_string_equal(text(t, a), "login by <*> ok");
    assert_int_equal(aiops_logtmpl_hits(t, a), 2);
    assert_int_equal(add(t, "login by carol ok", 0), b);
    assert_int_equal(aiops_logtmpl_count(t), 1);
    /* iteration sees only the live template */
    size_t pos = 0;
    uint32_t id, n = 0;
    while (aiops_logtmpl_next(t, &pos, &id))
        assert_int_equal(id, b), n++;
    assert_int_equal(n, 1);
    aiops_logtmpl_free(t);

    /* min_variants 3: two values are two events, the third merges all */
    t = miner(1.0, 3);
    a = add(t, "session by client SPP", 1);
    b = add(t, "session by client WUA", 1);
    assert_int_not_equal(aiops_logtmpl_canon(t, a), aiops_logtmpl_canon(t, b));
    uint32_t c = add(t, "session by client CBS", 1);
    assert_int_equal(aiops_logtmpl_canon(t, a), c);
    assert_int_equal(aiops_logtmpl_canon(t, b), c);
    assert_int_equal(aiops_logtmpl_hits(t, c), 3);
    aiops_logtmpl_free(t);
}

static void test_merge_skeleton(void **state)
{
    (void)state;
    aiops_logtmpl *t = miner(0.9, 0);
    /* one event with an optional variable annotation: two lengths, one
     * skeleton of constant tokens */
    uint32_t a = add(t, "host:80 close, 100 bytes sent, 5 bytes received", 1);
    assert_int_equal(add(t, "host:81 close, 9 bytes (1.2 KB) sent, 5 bytes received", 0), a);
    assert_int_equal(aiops_logtmpl_hits(t, a), 2);
    /* other constants: not the same event */
    assert_int_equal(add(t, "host:80 open, 100 bytes sent, 5 bytes received", 1), 2);
    aiops_logtmpl_free(t);
}

static void test_cap_and_errors(void **state)
{
    (void)state;
    aiops_logtmpl_opts o;
    aiops_logtmpl_opts_default(&o);
    o.max_templates = 2;
    o.min_variants = 0;
    o.sim = 1;
    aiops_logtmpl *t = NULL;
    aiops_err err = {0};
    assert_int_equal(aiops_logtmpl_new(&t, &o, &err), 0);
    add(t, "alpha one", 1);
    add(t, "beta two", 1);
    /* past the cap: the overflow template counts what matched nothing */
    assert_int_equal(add(t, "gamma three", 0), AIOPS_LOGTMPL_OVERFLOW);
    assert_int_equal(add(t, "delta four", 0), AIOPS_LOGTMPL_OVERFLOW);
    assert_int_equal(add(t, "alpha one", 0), 1);
    assert_int_equal(aiops_logtmpl_hits(t, AIOPS_LOGTMPL_OVERFLOW), 2);
    assert_string_equal(text(t, AIOPS_LOGTMPL_OVERFLOW), "<overflow>");
    assert_int_equal(aiops_logtmpl_count(t), 3);
    size_t pos = 0;
    uint32_t id;
    assert_int_equal(aiops_logtmpl_next(t, &pos, &id), 1);
    assert_int_equal(id, AIOPS_LOGTMPL_OVERFLOW);
    aiops_buf b = {0};
    assert_int_equal(aiops_logtmpl_text(t, 77, &b), AIOPS_EINVAL);
    aiops_logtmpl_free(t);
    aiops_logtmpl_free(NULL);

    o.sim = 0;
    assert_int_equal(aiops_logtmpl_new(&t, &o, &err), AIOPS_EINVAL);
    assert_non_null(strstr(err.msg, "similarity"));
    aiops_logtmpl_opts_default(&o);
    o.depth = 2;
    assert_int_equal(aiops_logtmpl_new(&t, &o, &err), AIOPS_EINVAL);
    assert_null(t);
}

static void test_long_message(void **state)
{
    (void)state;
    /* 300 tokens: the first 127 are tokens, the rest one token; longer
     * than the mined prefix: mined on the prefix */
    size_t n = AIOPS_LOGTMPL_MAX_MSG + 100;
    char *m = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        m[i] = i % 2 ? ' ' : 'w';
    m[n] = 0;
    aiops_logtmpl *t = miner(0.9, 6);
    uint32_t id;
    aiops_err err = {0};
    assert_int_equal(aiops_logtmpl_add(t, m, n, &id, &err), 1);
    m[n - 2] = 'x';   /* past the mined prefix: same template */
    assert_int_equal(aiops_logtmpl_add(t, m, n, &id, &err), 0);
    aiops_buf b = {0};
    aiops_logtmpl_text(t, id, &b);
    assert_true(b.n < AIOPS_LOGTMPL_MAX_MSG);
    aiops_buf_free(&b);
    aiops_logtmpl_free(t);
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mask_kinds),
        cmocka_unit_test(test_tree_and_similarity),
        cmocka_unit_test(test_max_children),
        cmocka_unit_test(test_merge_covering),
        cmocka_unit_test(test_merge_skeleton),
        cmocka_unit_test(test_cap_and_errors),
        cmocka_unit_test(test_long_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
