/* rfield.h - record text straight from an NDJSON line (record/rfield.c),
 * for the stream format's reader.  Not public. */
#ifndef AIOPS_RECORD_RFIELD_H
#define AIOPS_RECORD_RFIELD_H

#include "aiops.h"

/* Room aiops_rtext_scan needs past the line's length: reals respelled
 * the writer's way may grow (1e300 -> 1e+300); past this it gives up. */
#define AIOPS_RTEXT_SLACK 64

/* One NDJSON record line [s, s+n) of a type that may carry text (log,
 * span, event, alert, anomaly, band) read in one validating pass: *type,
 * *ts, and in out (room for n + AIOPS_RTEXT_SLACK bytes) the members
 * after type and ts as ',"k":v,...', byte for byte what the writer prints
 * from the jansson tree of the line (*outlen bytes, not NUL-terminated).
 * 0, or -1 when the line is anything else: another type, a syntax error,
 * duplicate keys, an escape or number the writer would spell differently
 * or a real it would print as an integer, invalid UTF-8, nesting past 64
 * levels, a ts that is not a time.  The caller then reads the line with
 * jansson, which gives the records and messages it always gave. */
int aiops_rtext_scan(const char *s, size_t n, char *out, size_t *outlen, aiops_rtype *type,
                     double *ts);

#endif
