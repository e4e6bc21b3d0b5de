/* test_alert_list.c - the alert list helpers (alerts.h): a record from an
 * alert with the labels and annotations a format built. */
#include "rectest.h"

#include "formats/alerts/alerts.h"

static void test_emit(void **state)
{
    (void)state;
    static const char text[] = "{\"alerts\": [\n {\"x\": 1}]}";
    aiops_alert_list l;
    aiops_err err = {0};
    aiops_record rec = {0};
    memset(&l, 0, sizeof l);
    l.doc = (aiops_jdoc){.file = "a.json", .err = &err, .text = text, .len = strlen(text),
                         .line0 = 1};
    aiops_alert a = {.name = "HighLatency", .state = "firing", .start = 1700000000,
                     .source = "test"};
    json_t *labels = json_pack("{s:s}", "service", "cart"), *ann = json_pack("{s:s}", "url", "u");
    assert_int_equal(aiops_alert_list_emit(&l, &a, labels, ann, 0, &rec), 1);
    assert_int_equal(rec.type, AIOPS_R_ALERT);
    assert_true(rec.ts == 1700000000);
    assert_string_equal(json_string_value(json_object_get(rec.obj, "name")), "HighLatency");
    assert_string_equal(json_string_value(json_object_get(rec.obj, "service")), "cart");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(rec.obj, "annotations"), "url")), "u");
    aiops_record_clear(&rec);

    /* Out of memory while building: reported at the alert's path. */
    aiops_jdoc_key(&l.doc, "alerts");
    aiops_jdoc_idx(&l.doc, 0);
    assert_int_equal(aiops_alert_list_emit(&l, &a, json_object(), NULL, 0, &rec), AIOPS_ENOMEM);
    assert_string_equal(err.msg, "alerts[0]: out of memory");
    assert_int_equal(err.line, 2);
    /* An error the format already reported is passed on as it is. */
    aiops_err_clear(&err);
    assert_int_equal(aiops_alert_list_emit(&l, &a, json_object(), json_object(), AIOPS_EPARSE,
                                           &rec), AIOPS_EPARSE);
    assert_int_equal(err.code, 0);
    assert_null(rec.obj);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_emit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
