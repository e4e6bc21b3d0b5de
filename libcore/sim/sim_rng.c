/* sim_rng.c - seeded random numbers for the simulator: xoshiro256**
 * (fast, 256-bit state) seeded through splitmix64, plus the few
 * distributions the model needs.  Everything is integer arithmetic or
 * IEEE double operations with a fixed order, so a seed gives the same
 * sequence on every platform with IEEE doubles and a correct libm. */
#include <math.h>

#include "common/hash.h"
#include "sim/sim_internal.h"

uint64_t aiops_sim_mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

uint64_t aiops_sim_hash(const char *s, size_t n)
{
    return aiops_sim_mix64(aiops_fnv1a(AIOPS_FNV_OFFSET, s, n));
}

void aiops_sim_rng_seed(aiops_sim_rng *r, uint64_t seed, uint64_t stream)
{
    /* Hash seed and stream together so nearby seeds/streams give
     * unrelated states; splitmix64 never yields the all-zero state. */
    uint64_t x = aiops_sim_mix64(seed) ^ aiops_sim_mix64(stream * 0xd1b54a32d192ed03ULL + 1);
    for (int i = 0; i < 4; i++) {
        x += 0x9e3779b97f4a7c15ULL;
        r->s[i] = aiops_sim_mix64(x);
    }
    r->has_spare = 0;
    r->spare = 0;
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t aiops_sim_rng_u64(aiops_sim_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

double aiops_sim_rng_uniform(aiops_sim_rng *r)
{
    /* 53 random bits: every value is a multiple of 2^-53 in [0, 1). */
    return (double)(aiops_sim_rng_u64(r) >> 11) * 0x1.0p-53;
}

uint64_t aiops_sim_rng_below(aiops_sim_rng *r, uint64_t n)
{
    /* Rejection removes the modulo bias. */
    uint64_t lim = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = aiops_sim_rng_u64(r);
    while (x >= lim);
    return x % n;
}

double aiops_sim_rng_normal(aiops_sim_rng *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    /* Marsaglia's polar method: no trigonometry, two deviates per accept. */
    double u, v, s;
    do {
        u = 2 * aiops_sim_rng_uniform(r) - 1;
        v = 2 * aiops_sim_rng_uniform(r) - 1;
        s = u * u + v * v;
    } while (s >= 1 || s == 0);
    double f = sqrt(-2 * log(s) / s);
    r->spare = v * f;
    r->has_spare = 1;
    return u * f;
}

double aiops_sim_rng_exp(aiops_sim_rng *r, double mean)
{
    return -mean * log(1 - aiops_sim_rng_uniform(r));
}

uint64_t aiops_sim_rng_poisson(aiops_sim_rng *r, double lambda)
{
    if (!(lambda > 0))
        return 0;
    if (lambda > 64) {
        double x = floor(lambda + sqrt(lambda) * aiops_sim_rng_normal(r) + 0.5);
        return x < 0 ? 0 : (uint64_t)x;
    }
    /* Knuth: multiply uniforms until the product drops below e^-lambda. */
    double l = exp(-lambda), p = 1;
    uint64_t k = 0;
    for (;;) {
        p *= aiops_sim_rng_uniform(r);
        if (p <= l)
            return k;
        k++;
    }
}
