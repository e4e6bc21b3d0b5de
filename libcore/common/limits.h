/* limits.h - the caps that keep hostile or huge input from exhausting
 * memory, disk or time, in one table: each has a default, a range and an
 * environment variable (AIOPS_MAX_*) that changes it for a run; a few
 * also have an option (--max-series, aiops-replay's --max-line ...).
 * docs/SECURITY.md lists them.  Process-wide, like the time zone: mains
 * load them once (aiops_limits_load, tools/cli.c does), engines read them
 * with aiops_limit. */
#ifndef AIOPS_COMMON_LIMITS_H
#define AIOPS_COMMON_LIMITS_H

#include <stddef.h>
#include <stdint.h>

#include "aiops.h"

typedef enum aiops_limit_id {
    AIOPS_LIM_LINE,      /* bytes in one input line */
    AIOPS_LIM_DOC,       /* bytes in one JSON document read whole */
    AIOPS_LIM_DEPTH,     /* nesting of a JSON document or record */
    AIOPS_LIM_LABELS,    /* labels of one series */
    AIOPS_LIM_SERIES,    /* distinct series of a run */
    AIOPS_LIM_BUFFER,    /* reorder buffer units (aiops_reader_opts.max_buffer) */
    AIOPS_LIM_OPEN,      /* entries merged at once */
    AIOPS_LIM_INFLATE,   /* decompressed bytes of one compressed file or member */
    AIOPS_LIM_RATIO,     /* decompressed / compressed bytes of one archive */
    AIOPS_LIM_SPILL,     /* bytes of temporary files of spilled sorted runs */
    AIOPS_LIM_RUN,       /* units of one entry sorted in memory before a run is spilled */
    AIOPS_LIM_N
} aiops_limit_id;

typedef struct aiops_limit_info {
    const char *env;     /* "AIOPS_MAX_LINE" */
    uint64_t dflt, lo, hi;
    const char *what;    /* "bytes in one input line" */
} aiops_limit_info;

const aiops_limit_info *aiops_limit_about(aiops_limit_id id);
/* The value in force: set, else from the environment, else the default. */
uint64_t aiops_limit(aiops_limit_id id);
/* Set one for the rest of the run (an option); v is clamped to its range. */
void aiops_limit_set(aiops_limit_id id, uint64_t v);
/* Read every AIOPS_MAX_* variable that is set: 0, or AIOPS_EINVAL naming
 * the variable and what it must be ("AIOPS_MAX_LINE (environment):
 * expected a whole number in [1024, 4294967296], got 'x'"). */
int aiops_limits_load(aiops_err *err);
/* Ratio limit: decompressed bytes may exceed RATIO times the compressed
 * bytes read only below this many decompressed bytes (small files of
 * zeros and headers compress far better than any real archive). */
#define AIOPS_RATIO_FREE ((uint64_t)16 << 20)
/* The decompression check of one archive or compressed file: 0, or
 * AIOPS_ELIMIT with the message in err (file name in it) when out bytes
 * of one member exceed AIOPS_LIM_INFLATE or total_out exceeds RATIO x
 * total_in (past AIOPS_RATIO_FREE). */
int aiops_limit_inflate(uint64_t member_out, uint64_t total_out, uint64_t total_in,
                        const char *name, aiops_err *err);
/* A limit hit on a decompression thread (input/zthread.c), where the
 * archive library would report only a truncated input: the thread trips
 * it with its message; the reader of the archive asks.  NULL = none. */
void aiops_limit_trip(const char *msg);
const char *aiops_limit_tripped(void);
/* Temporary files: add bytes to the run's total; 0, or AIOPS_ELIMIT when
 * the total passes AIOPS_LIM_SPILL (err says so). */
int aiops_limit_spill(uint64_t bytes, aiops_err *err);

#endif
