/* fuzz_time.c - libFuzzer harness: time, duration and number parsing
 * (libcore/common/timefmt.c, num.c): every --from/--to/--span/TIME option,
 * DURATION option and NUMBER option goes through these, as do the
 * timestamps of every format.  Input: one flag byte, then the text.  Flag
 * bit 0: the text is also tried as --tz (a zone name; the zone is reset
 * to UTC afterwards).  Checks: a parsed time prints and parses back to
 * itself (to the millisecond); a formatted number parses back exactly.
 * Run: make fuzz. */
#include <math.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned fl = fuzz_flags(&data, &size);
    const char *s = (const char *)data;
    aiops_err err = {0};
    if (fl & 1) {
        char *z = fuzz_str(s, size < 200 ? size : 200);
        if (z && aiops_time_zone_set(z, &err) == 0)
            (void)aiops_time_zone();
        free(z);
    }
    double t, d, v;
    int64_t i;
    char buf[64];
    /* RFC 3339 years are 0000-9999 */
    if (aiops_parse_time(s, size, &t) == 0 && t >= -62167219200.0 && t < 253402300800.0) {
        size_t n = aiops_fmt_time(t, buf);
        double back;
        if (n >= 40 || aiops_parse_time(buf, n, &back) || fabs(back - t) > 1e-3) {
            fprintf(stderr, "time %.17g -> %s -> %.17g\n", t, buf, back);
            abort();
        }
    }
    (void)aiops_parse_duration(s, size, &d);
    if (aiops_parse_double(s, size, &v) == 0) {
        size_t n = aiops_fmt_double(v, buf);
        double back;
        if (n >= 32 || aiops_parse_double(buf, n, &back) ||
            !(back == v || (isnan(back) && isnan(v)))) {
            fprintf(stderr, "number %.17g -> %s\n", v, buf);
            abort();
        }
    }
    (void)aiops_parse_int64(s, size, &i);
    if (fl & 1)
        aiops_time_zone_set(NULL, &err);
    return 0;
}
