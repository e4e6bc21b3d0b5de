/* test_fit_series.c - aiops-fit's per-series state (fit_series.c): the
 * series table by id, appending detectors, their reasons and lifetime. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fit/fit_internal.h"

static int emit_none(void *ctx, const aiops_record *rec, aiops_err *err)
{
    (void)ctx;
    (void)rec;
    (void)err;
    return 0;
}

static aiops_fit *new_fit(void)
{
    aiops_fit_opts o;
    aiops_fit_opts_init(&o);
    aiops_fit *f = NULL;
    aiops_err err = {0};
    assert_int_equal(aiops_fit_new(&f, &o, NULL, emit_none, NULL, &err), 0);
    return f;
}

static void test_slot_grows_zeroed(void **state)
{
    (void)state;
    aiops_fit *f = new_fit();
    aiops_err err = {0};
    fit_series *s;
    assert_int_equal(fit_series_slot(f, 3, &s, &err), 0);
    assert_ptr_equal(s, &f->s[3]);
    assert_true(f->ns >= 4);
    s->state = FS_SCORE;
    s->nscored = 7;
    assert_int_equal(fit_series_slot(f, 1000, &s, &err), 0);
    assert_true(f->ns >= 1001);
    for (size_t i = 0; i < f->ns; i++) {       /* every new slot is FS_NEW */
        if (i == 3)
            continue;
        assert_int_equal(f->s[i].state, FS_NEW);
        assert_int_equal(f->s[i].ndet, 0);
        assert_null(f->s[i].det);
    }
    assert_int_equal(f->s[3].state, FS_SCORE);  /* kept across the move */
    assert_int_equal(f->s[3].nscored, 7);
    size_t ns = f->ns;
    assert_int_equal(fit_series_slot(f, 2, &s, &err), 0);
    assert_int_equal(f->ns, ns);                /* no growth for a known id */
    aiops_fit_free(f);
}

static void test_det_add_and_reason(void **state)
{
    (void)state;
    fit_series s = {0};
    aiops_err err = {0};
    fit_det *d;
    assert_int_equal(fit_det_add(&s, 1, &d, &err), 0);
    assert_ptr_equal(d, &s.det[0]);
    assert_int_equal(s.ndet, 1);
    assert_int_equal(fit_det_set_reason(d, "seasonal: acf 0.9", &err), 0);
    assert_string_equal(s.det[0].reason, "seasonal: acf 0.9");
    assert_int_equal(fit_det_set_reason(d, NULL, &err), 0);   /* replaces, "" for none */
    assert_string_equal(s.det[0].reason, "");
    d->params.k = 4;
    assert_int_equal(fit_det_add(&s, 20, &d, &err), 0);
    assert_int_equal(s.ndet, 21);
    assert_true(s.capdet >= 21);
    assert_ptr_equal(d, &s.det[1]);
    for (size_t i = 1; i < 21; i++) {           /* new ones are zero */
        assert_null(s.det[i].ops);
        assert_null(s.det[i].reason);
        assert_int_equal(s.det[i].nfires, 0);
    }
    assert_true(s.det[0].params.k == 4);        /* the first survived the move */
    assert_string_equal(s.det[0].reason, "");
    s.det[5].fires = malloc(3 * sizeof *s.det[5].fires);
    s.det[5].rule_text = strdup("cpu>80");
    fit_det_clear(&s.det[5]);
    assert_null(s.det[5].fires);
    assert_null(s.det[5].rule_text);
    s.tbuf = malloc(8 * sizeof *s.tbuf);
    s.labels = json_object();
    fit_series_clear(&s);                       /* frees detectors and buffers */
    assert_null(s.det);
    assert_int_equal(s.ndet, 0);
    assert_int_equal(s.capdet, 0);
    assert_null(s.tbuf);
    assert_null(s.labels);
}

static void test_dets_free(void **state)
{
    (void)state;
    fit_det *det = calloc(3, sizeof *det);
    aiops_err err = {0};
    for (int i = 0; i < 3; i++)
        assert_int_equal(fit_det_set_reason(&det[i], "x", &err), 0);
    fit_dets_free(det, 3);                      /* ASan checks nothing leaks */
    fit_dets_free(NULL, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slot_grows_zeroed),
        cmocka_unit_test(test_det_add_and_reason),
        cmocka_unit_test(test_dets_free),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
