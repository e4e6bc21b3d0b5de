/* modeltest.h - helpers shared by the model unit tests (test_model_*.c):
 * reproducible series generators, create/fit-or-fail, the live scoring
 * loop that aiops-fit runs, and the save -> JSON text -> load round trip.
 * Every helper takes the model's ops so one copy serves all models. */
#ifndef AIOPS_MODELTEST_H
#define AIOPS_MODELTEST_H

#include <math.h>
#include <stdlib.h>

#include "testutil.h"
#include "models/model.h"

#define MT_PI 3.14159265358979323846

/* Compare doubles with a tolerance, naming the expression on failure. */
#define assert_near(a, b, eps)                                                         \
    do {                                                                               \
        double a_ = (a), b_ = (b);                                                     \
        if (!(fabs(a_ - b_) <= (eps)))                                                 \
            fail_msg("%s = %.17g, want %.17g +- %g", #a, a_, b_, (double)(eps));       \
    } while (0)

/* ---- deterministic data */

/* Uniform noise in [-1, 1) from the index (splitmix64): reproducible and
 * independent of call order. */
static inline double mt_noise(uint64_t i)
{
    uint64_t z = i * 0x9E3779B97F4A7C15ULL + 0x1234567ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0 * 2 - 1;
}

/* CPU %, one point a minute from a midnight: 50 +- 10 daily swing plus a
 * nightly batch job at 90 from 02:00 to 03:00, +- 2 noise. */
static inline double mt_nightly(size_t i)
{
    double hour = (double)(i % 1440) / 60;
    if (hour >= 2 && hour < 3)
        return 90 + 2 * mt_noise(i);
    return 50 + 10 * sin(2 * MT_PI * (hour - 9) / 24) + 2 * mt_noise(i);
}

/* Sequential generator (xorshift64*) for the tests that draw Gaussian
 * noise in order; the state lives in a function so the header defines no
 * variable that some tests would leave unused. */
static inline uint64_t *mt_rng_state(void)
{
    static uint64_t state;
    return &state;
}

static inline void mt_rng_seed(uint64_t s)
{
    *mt_rng_state() = s * 0x9E3779B97F4A7C15ull + 1;
}

/* Uniform in [0, 1). */
static inline double mt_urand(void)
{
    uint64_t *s = mt_rng_state();
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return (double)((*s * 0x2545F4914F6CDD1Dull) >> 11) * (1.0 / 9007199254740992.0);
}

/* Standard normal (Box-Muller). */
static inline double mt_nrand(void)
{
    double u = mt_urand(), v = mt_urand();
    return sqrt(-2 * log(u > 0 ? u : 1e-300)) * cos(2 * MT_PI * v);
}

/* JSON written with single quotes for readability: ' becomes ". */
static inline json_t *mt_jq(const char *s)
{
    char buf[1024];
    size_t n = strlen(s);
    assert_true(n < sizeof buf);
    for (size_t i = 0; i <= n; i++)
        buf[i] = s[i] == '\'' ? '"' : s[i];
    json_t *j = json_loads(buf, 0, NULL);
    assert_non_null(j);
    return j;
}

/* ---- models */

/* Create a model with params p (NULL: defaults) or fail with its message. */
static inline void *mt_make(const aiops_model_ops *ops, const aiops_model_params *p)
{
    aiops_err err = {0};
    void *m = ops->create(p, &err);
    if (!m)
        fail_msg("create: %s", err.msg);
    return m;
}

/* Create and fit on n points, or fail with the model's message. */
static inline void *mt_fit(const aiops_model_ops *ops, const aiops_model_params *p,
                           const double *ts, const double *v, size_t n)
{
    aiops_err err = {0};
    void *m = ops->create(p, &err);
    assert_non_null(m);
    int rc = ops->fit(m, ts, v, n, &err);
    if (rc)
        print_error("fit: %s\n", err.msg);
    assert_int_equal(rc, 0);
    return m;
}

static inline int mt_outside(double v, const aiops_band *b)
{
    return v < b->lower || v > b->upper;
}

/* Score [from, n) as live, the way aiops-fit does (band, then learn the
 * point); anomaly indices into idx (at most max), returns how many. */
static inline size_t mt_score(const aiops_model_ops *ops, void *m, const double *ts,
                              const double *v, size_t from, size_t n, size_t *idx, size_t max)
{
    size_t k = 0;
    for (size_t i = from; i < n; i++) {
        aiops_band b;
        ops->band(m, ts[i], &b);
        if (mt_outside(v[i], &b) && k++ < max)
            idx[k - 1] = i;
        ops->update(m, ts[i], v[i]);
    }
    return k;
}

/* Fit on [0, ntrain), then mt_score [ntrain, n). */
static inline size_t mt_run(const aiops_model_ops *ops, void *m, const double *ts,
                            const double *v, size_t ntrain, size_t n, size_t *idx, size_t max)
{
    aiops_err err = {0};
    assert_int_equal(ops->fit(m, ts, v, ntrain, &err), 0);
    return mt_score(ops, m, ts, v, ntrain, n, idx, max);
}

/* a and b give bit-identical bands at t. */
static inline void mt_same_band(const aiops_model_ops *ops, void *a, void *b, double t)
{
    aiops_band x, y;
    ops->band(a, t, &x);
    ops->band(b, t, &y);
    assert_memory_equal(&x, &y, sizeof x);
}

/* save m -> JSON text -> load into dst: what a model file goes through
 * between aiops-fit and aiops-detect. */
static inline void mt_reload(const aiops_model_ops *ops, void *m, void *dst)
{
    json_t *j = ops->save(m);
    assert_non_null(j);
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    assert_non_null(text);
    json_t *back = json_loads(text, 0, NULL);
    free(text);
    assert_non_null(back);
    aiops_err err = {0};
    int rc = ops->load(dst, back, &err);
    if (rc)
        print_error("load: %s\n", err.msg);
    assert_int_equal(rc, 0);
    json_decref(back);
}

/* m saved as model `name` reloads into fresh (a differently shaped
 * instance, so load must rebuild everything) with bit-identical bands over
 * [from, n) while both learn the same points.  Destroys fresh. */
static inline void mt_round_trip(const aiops_model_ops *ops, void *m, void *fresh,
                                 const char *name, const double *ts, const double *v,
                                 size_t from, size_t n)
{
    json_t *j = ops->save(m);
    assert_string_equal(json_string_value(json_object_get(j, "model")), name);
    json_decref(j);
    mt_reload(ops, m, fresh);
    for (size_t i = from; i < n; i++) {
        mt_same_band(ops, m, fresh, ts[i]);
        ops->update(m, ts[i], v[i]);
        ops->update(fresh, ts[i], v[i]);
    }
    ops->destroy(fresh);
}

#endif
