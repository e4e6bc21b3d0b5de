/* limits.c - the table of input caps and their environment variables
 * (limits.h). */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/limits.h"

#define KiB ((uint64_t)1 << 10)
#define MiB ((uint64_t)1 << 20)
#define GiB ((uint64_t)1 << 30)

static const aiops_limit_info table[AIOPS_LIM_N] = {
    [AIOPS_LIM_LINE] = {"AIOPS_MAX_LINE", AIOPS_MAX_LINE_DEFAULT, 1 * KiB, 4 * GiB,
                        "bytes in one input line (one NDJSON record)"},
    [AIOPS_LIM_DOC] = {"AIOPS_MAX_DOC", AIOPS_MAX_DOC_DEFAULT, 1 * KiB, 64 * GiB,
                       "bytes in one JSON document read whole"},
    [AIOPS_LIM_DEPTH] = {"AIOPS_MAX_DEPTH", 2048, 2, 2048,
                         "nesting depth of a JSON document or record"},
    [AIOPS_LIM_LABELS] = {"AIOPS_MAX_LABELS", 256, 1, 256, "labels of one series"},
    [AIOPS_LIM_SERIES] = {"AIOPS_MAX_SERIES", AIOPS_MAX_SERIES_DEFAULT, 1, (uint64_t)1 << 31,
                          "distinct series in one run"},
    [AIOPS_LIM_BUFFER] = {"AIOPS_MAX_BUFFER", (uint64_t)8 << 20, 1, (uint64_t)1 << 40,
                          "units held to sort unordered input (sample 1, JSON record 22)"},
    [AIOPS_LIM_OPEN] = {"AIOPS_MAX_OPEN", 512, 1, 65536, "files and archive members merged at once"},
    [AIOPS_LIM_INFLATE] = {"AIOPS_MAX_INFLATE", 256 * GiB, 1 * KiB, UINT64_MAX / 2,
                           "decompressed bytes of one compressed file or archive member"},
    [AIOPS_LIM_RATIO] = {"AIOPS_MAX_RATIO", 1000, 2, 1000000,
                         "decompressed bytes per compressed byte of one archive"},
    [AIOPS_LIM_SPILL] = {"AIOPS_MAX_SPILL", 64 * GiB, 1 * KiB, UINT64_MAX / 2,
                         "bytes of temporary files of sorted runs under $TMPDIR"},
    [AIOPS_LIM_RUN] = {"AIOPS_MAX_RUN", (uint64_t)1 << 19, 1, (uint64_t)1 << 40,
                       "units of one unordered entry sorted in memory before they are "
                       "written to a temporary file as a sorted run (sample 1, JSON record 22)"},
};

static uint64_t value[AIOPS_LIM_N];   /* 0: not set, the default applies */
static int loaded;
static uint64_t spilled;
static char trip_msg[256];
static atomic_int tripped;

const aiops_limit_info *aiops_limit_about(aiops_limit_id id)
{
    return id < AIOPS_LIM_N ? &table[id] : NULL;
}

/* One variable: 0 and *v, 1 when unset, <0 when malformed. */
static int from_env(aiops_limit_id id, uint64_t *v, aiops_err *err)
{
    const aiops_limit_info *t = &table[id];
    const char *s = getenv(t->env);
    int64_t x;
    if (!s)
        return 1;
    if (aiops_parse_int64(s, strlen(s), &x) || x < 0 || (uint64_t)x < t->lo || (uint64_t)x > t->hi)
        return aiops_err_set(err, AIOPS_EINVAL, NULL, 0,
                             "%s (environment): expected a whole number in [%llu, %llu], got '%.80s'",
                             t->env, (unsigned long long)t->lo, (unsigned long long)t->hi, s);
    *v = (uint64_t)x;
    return 0;
}

int aiops_limits_load(aiops_err *err)
{
    loaded = 1;
    for (int i = 0; i < AIOPS_LIM_N; i++) {
        uint64_t v = 0;
        int rc = from_env((aiops_limit_id)i, &v, err);
        if (rc < 0)
            return rc;
        if (rc == 0 && !value[i])
            value[i] = v;
    }
    return 0;
}

uint64_t aiops_limit(aiops_limit_id id)
{
    if (id >= AIOPS_LIM_N)
        return 0;
    if (!loaded)
        aiops_limits_load(NULL);   /* a library user without a main of ours: bad ones ignored */
    return value[id] ? value[id] : table[id].dflt;
}

void aiops_limit_set(aiops_limit_id id, uint64_t v)
{
    if (id >= AIOPS_LIM_N)
        return;
    value[id] = v < table[id].lo ? table[id].lo : v > table[id].hi ? table[id].hi : v;
}

int aiops_limit_inflate(uint64_t member_out, uint64_t total_out, uint64_t total_in,
                        const char *name, aiops_err *err)
{
    uint64_t cap = aiops_limit(AIOPS_LIM_INFLATE), ratio = aiops_limit(AIOPS_LIM_RATIO);
    if (member_out > cap)
        return aiops_err_set(err, AIOPS_ELIMIT, name, 0,
                             "decompresses to more than %llu bytes (a decompression bomb? "
                             "raise AIOPS_MAX_INFLATE to read it)", (unsigned long long)cap);
    if (total_out > AIOPS_RATIO_FREE && total_in && total_out / ratio > total_in)
        return aiops_err_set(err, AIOPS_ELIMIT, name, 0,
                             "decompresses to more than %llu times its compressed size (%llu bytes "
                             "from %llu: a decompression bomb? raise AIOPS_MAX_RATIO to read it)",
                             (unsigned long long)ratio, (unsigned long long)total_out,
                             (unsigned long long)total_in);
    return 0;
}

void aiops_limit_trip(const char *msg)
{
    int no = 0;
    if (atomic_compare_exchange_strong(&tripped, &no, 1)) {
        snprintf(trip_msg, sizeof trip_msg, "%s", msg);
        atomic_store(&tripped, 2);
    }
}

const char *aiops_limit_tripped(void)
{
    return atomic_load(&tripped) == 2 ? trip_msg : NULL;
}

int aiops_limit_spill(uint64_t bytes, aiops_err *err)
{
    uint64_t cap = aiops_limit(AIOPS_LIM_SPILL);
    spilled += bytes;
    if (spilled > cap)
        return aiops_err_set(err, AIOPS_ELIMIT, NULL, 0,
                             "temporary files of sorted records would pass %llu bytes "
                             "(AIOPS_MAX_SPILL; or point TMPDIR at a larger disk)",
                             (unsigned long long)cap);
    return 0;
}
