/* fuzz_selector.c - libFuzzer harness: selectors (libcore/record/
 * selector.c) as --match (aiops-replay, aiops-fit), --static rules
 * (aiops-fit "cpu>80") and --counter, and series text (name{l="v"}).
 * Input: lines; the first is parsed as a selector, as a --match and as a
 * --static rule; each other line is interned as series text and matched
 * against them, or when it starts with '{' read as a log record's JSON
 * and matched by its labels.  Run: make fuzz. */
#include "fit/fit.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_str((const char *)data, size);
    if (!text)
        return 0;
    char *rest = strchr(text, '\n');
    if (rest)
        *rest++ = 0;
    aiops_err err = {0};
    aiops_selector *sel = NULL;
    aiops_fit_rule rule;
    int have_rule = !aiops_fit_rule_parse(text, &rule, &err);
    aiops_match *m = aiops_match_new();
    if (aiops_selector_parse(text, &sel, &err))
        sel = NULL;
    if (m && aiops_match_add(m, text, &err) == 0 && !sel)
        abort();   /* --match takes what the selector parser takes */
    aiops_series_table *tab = aiops_series_table_new();
    for (int k = 0; tab && rest && *rest && k < 64; k++) {
        char *line = rest;
        rest = strchr(rest, '\n');
        if (rest)
            *rest++ = 0;
        uint32_t id;
        if (*line == '{') {
            aiops_record r = {.type = AIOPS_R_LOG, .ts = 1, .obj = json_loads(line, 0, NULL)};
            if (m)
                (void)aiops_match_record(m, tab, &r);
            json_decref(r.obj);
            continue;
        }
        if (aiops_series_intern_text(tab, line, strlen(line), &id, &err))
            continue;
        const aiops_series *s = aiops_series_get(tab, id);
        int a = sel ? aiops_selector_match(sel, s) : 0;
        if (have_rule)
            (void)aiops_selector_match(rule.sel, s);
        if (m && sel) {
            aiops_record r = {.type = AIOPS_R_SAMPLE, .ts = 1, .sid = id};
            if (aiops_match_record(m, tab, &r) != a)
                abort();   /* a sample matches by its series */
        }
        (void)aiops_series_service(s);
    }
    if (have_rule)
        aiops_fit_rule_free(&rule);
    aiops_series_table_free(tab);
    aiops_match_free(m);
    aiops_selector_free(sel);
    free(text);
    return 0;
}
