/* test_model_seasonal.c - the Prophet-style "seasonal" model on synthetic
 * series with known answers. */
#include <math.h>
#include <stdlib.h>

#include "modeltest.h"

#define DAY 86400.0
#define T0 1700006400.0   /* 2023-11-15T00:00:00Z, a UTC midnight */
#define TWO_PI 6.283185307179586

static const aiops_model_ops *S = &aiops_model_seasonal;

/* A generated series: n points every step seconds from T0. */
typedef struct { size_t n; double *ts, *v, *truth; } series;
typedef double (*shape_fn)(double t);

static series gen(size_t n, double step, shape_fn f, double noise)
{
    series s = {n, malloc(n * sizeof(double)), malloc(n * sizeof(double)),
                malloc(n * sizeof(double))};
    assert_non_null(s.ts);
    for (size_t i = 0; i < n; i++) {
        s.ts[i] = T0 + (double)i * step;
        s.truth[i] = f(s.ts[i]);
        s.v[i] = s.truth[i] + noise * mt_nrand();
    }
    return s;
}
static void series_free(series *s)
{
    free(s->ts), free(s->v), free(s->truth);
}

/* Score points [from, n) as aiops-fit does; returns how many fall outside
 * the band and the largest |expected - truth| in *maxerr. */
static size_t score(void *m, const series *s, size_t from, size_t *first_out, double *maxerr)
{
    size_t out = 0;
    *maxerr = 0;
    if (first_out)
        *first_out = (size_t)-1;
    for (size_t i = from; i < s->n; i++) {
        aiops_band b;
        S->band(m, s->ts[i], &b);
        if (s->v[i] < b.lower || s->v[i] > b.upper) {
            if (first_out && !out)
                *first_out = i;
            out++;
        }
        *maxerr = fmax(*maxerr, fabs(b.expected - s->truth[i]));
        S->update(m, s->ts[i], s->v[i]);
    }
    return out;
}

static double sine_day(double t)
{
    return 50 + 10 * sin(TWO_PI * fmod(t, DAY) / DAY);
}

/* One spike in a day of 1-minute data after 14 days of training: the only
 * point out of band.  width 0.9999: a day has 1440 points, so a per-point
 * false-alarm rate must be far below 1/1440 (with 0.99 about 14 normal
 * points a day fall outside, see test_coverage_default). */
static void test_spike_only_outlier(void **st)
{
    (void)st;
    mt_rng_seed(1);
    size_t train = 14 * 1440, n = 15 * 1440, spike = train + 700;
    series s = gen(n, 60, sine_day, 1.0);
    s.v[spike] += 8;
    aiops_model_params p;
    aiops_model_params_init(&p);
    p.width = 0.9999;
    void *m = mt_fit(S, &p, s.ts, s.v, train);
    size_t first;
    double maxerr;
    assert_int_equal(score(m, &s, train, &first, &maxerr), 1);
    assert_int_equal(first, spike);
    assert_true(maxerr < 0.4);       /* expected follows the sine */
    S->destroy(m);
    series_free(&s);
}

/* With the default width 0.99, about 1% of normal points are outside. */
static void test_coverage_default(void **st)
{
    (void)st;
    mt_rng_seed(2);
    size_t train = 14 * 1440, n = 17 * 1440;
    series s = gen(n, 60, sine_day, 1.0);
    void *m = mt_fit(S, NULL, s.ts, s.v, train);
    double maxerr;
    size_t out = score(m, &s, train, NULL, &maxerr);
    double frac = (double)out / (double)(n - train);
    assert_true(frac > 0.004 && frac < 0.02);
    S->destroy(m);
    series_free(&s);
}

/* Daytime 40..60 (low at night) and a nightly batch job: CPU 90 from
 * 02:00 to 03:00. */
static double batch_night(double t)
{
    double tod = fmod(t, DAY);
    if (tod >= 2 * 3600 && tod < 3 * 3600)
        return 90;
    return 50 - 10 * cos(TWO_PI * tod / DAY);
}

static void test_batch_job_not_anomalous(void **st)
{
    (void)st;
    mt_rng_seed(3);
    size_t train = 14 * 1440, n = 16 * 1440;
    series s = gen(n, 60, batch_night, 1.5);
    aiops_model_params p;
    aiops_model_params_init(&p);
    p.width = 0.9999;
    void *m = mt_fit(S, &p, s.ts, s.v, train);
    size_t batch_out = 0, batch = 0;
    for (size_t i = train; i < n; i++) {
        aiops_band b;
        S->band(m, s.ts[i], &b);
        double tod = fmod(s.ts[i], DAY);
        if (tod >= 2 * 3600 && tod < 3 * 3600) {
            batch++;
            batch_out += s.v[i] < b.lower || s.v[i] > b.upper;
            assert_true(fabs(b.expected - 90) < 2);
        }
        S->update(m, s.ts[i], s.v[i]);
    }
    assert_int_equal(batch, 120);
    assert_int_equal(batch_out, 0);
    /* the same 90 at 14:00 is an anomaly */
    aiops_band b;
    S->band(m, T0 + 16 * DAY + 14 * 3600, &b);
    assert_true(90 > b.upper);
    assert_true(fabs(b.expected - 60) < 2);
    S->destroy(m);
    series_free(&s);
}

static double trend_sine(double t)
{
    return 20 + 2 * (t - T0) / DAY + 5 * sin(TWO_PI * fmod(t, DAY) / DAY);
}

/* A slow linear trend is followed, also 3 days past the training data. */
static void test_trend_followed(void **st)
{
    (void)st;
    mt_rng_seed(4);
    size_t train = 14 * 1440, n = 17 * 1440;
    series s = gen(n, 60, trend_sine, 0.5);
    aiops_model_params p;
    aiops_model_params_init(&p);
    p.width = 0.9999;
    void *m = mt_fit(S, &p, s.ts, s.v, train);
    double maxerr;
    size_t out = score(m, &s, train, NULL, &maxerr);
    assert_true(maxerr < 0.3);
    assert_true(out <= 2);
    /* a forecast a week ahead continues the slope: 20 + 2*24 = 68 at 00:00 */
    aiops_band b;
    S->band(m, T0 + 24 * DAY, &b);
    assert_true(fabs(b.expected - 68) < 1);
    S->destroy(m);
    series_free(&s);
}

static double level_shift(double t)
{
    return 100 + 5 * sin(TWO_PI * fmod(t, DAY) / DAY) + (t >= T0 + 6.3 * DAY ? 30 : 0);
}

/* Largest |expected - truth| over training points in [a, b) days. */
static double fit_error(void *m, const series *s, double a, double b)
{
    double e = 0;
    for (size_t i = 0; i < s->n; i++) {
        double d = (s->ts[i] - T0) / DAY;
        if (d < a || d >= b)
            continue;
        aiops_band band;
        S->band(m, s->ts[i], &band);
        e = fmax(e, fabs(band.expected - s->truth[i]));
    }
    return e;
}

/* A level shift (+30 at day 6.3) inside the training data is taken by
 * changepoints: a continuous trend ramps between the changepoints around
 * the step (every 1.12 days here), and away from that ramp the fit is as
 * tight as the noise allows, before and after.  Without changepoints it is
 * not.  weekly_order 0: two weeks of data cannot tell one step from a
 * weekly cycle (Prophet has the same ambiguity). */
static void test_level_shift_changepoint(void **st)
{
    (void)st;
    mt_rng_seed(5);
    series s = gen(14 * 1440, 60, level_shift, 1.0);
    aiops_model_params p;
    aiops_model_params_init(&p);
    p.weekly_order = 0;
    void *m = mt_fit(S, &p, s.ts, s.v, s.n);
    assert_true(fit_error(m, &s, 0, 3.5) < 0.6);
    assert_true(fit_error(m, &s, 7.5, 14) < 0.6);
    S->destroy(m);
    p.changepoints = 0;
    m = mt_fit(S, &p, s.ts, s.v, s.n);
    assert_true(fit_error(m, &s, 8, 14) > 5);
    S->destroy(m);
    series_free(&s);
}

/* save -> JSON text -> load gives bit-identical bands, before and after
 * more updates (the adapted level is part of the state). */
static void test_save_load_identical(void **st)
{
    (void)st;
    mt_rng_seed(6);
    size_t train = 14 * 1440, n = 15 * 1440;
    series s = gen(n, 60, trend_sine, 0.5);
    double win[1][2] = {{T0 + 3 * DAY, T0 + 3.25 * DAY}};
    aiops_model_params p;
    aiops_model_params_init(&p);
    p.multiplicative = 1;
    p.nwindows = 1;
    p.windows = win;
    void *m = mt_fit(S, &p, s.ts, s.v, train);
    for (size_t i = train; i < train + 600; i++)
        S->update(m, s.ts[i], s.v[i]);
    void *m2 = mt_make(S, NULL);
    mt_reload(S, m, m2);
    for (size_t i = 0; i < n; i += 37)
        mt_same_band(S, m, m2, s.ts[i] + 0.5);
    mt_same_band(S, m, m2, T0 + 3.1 * DAY);   /* inside the window */
    for (size_t i = train + 600; i < n; i++) {
        mt_same_band(S, m, m2, s.ts[i]);
        S->update(m, s.ts[i], s.v[i]);
        S->update(m2, s.ts[i], s.v[i]);
    }
    mt_same_band(S, m, m2, T0 + 20 * DAY);
    S->destroy(m);
    S->destroy(m2);
    series_free(&s);
}

/* A maintenance window with garbage values: excluded, the fit equals the
 * fit without those points, and scoring inside the window flags nothing. */
static void test_window_excluded(void **st)
{
    (void)st;
    mt_rng_seed(7);
    size_t train = 14 * 1440;
    series s = gen(train, 60, sine_day, 1.0);
    double w0 = T0 + 5 * DAY + 6 * 3600, w1 = w0 + 6 * 3600;
    double *holes = malloc(train * sizeof *holes);
    for (size_t i = 0; i < train; i++) {
        if (s.ts[i] >= w0 && s.ts[i] < w1)
            s.v[i] = 500;                       /* maintenance: garbage */
        holes[i] = s.ts[i] >= w0 && s.ts[i] < w1 ? NAN : s.v[i];
    }
    double win[1][2] = {{w0, w1}};
    aiops_model_params p;
    aiops_model_params_init(&p);
    p.nwindows = 1;
    p.windows = win;
    void *mw = mt_fit(S, &p, s.ts, s.v, train);      /* window declared */
    void *mh = mt_fit(S, NULL, s.ts, holes, train);  /* points removed */
    void *mg = mt_fit(S, NULL, s.ts, s.v, train);    /* garbage included */
    double worst = 0;
    for (double t = T0 + 14 * DAY; t < T0 + 15 * DAY; t += 300) {
        mt_same_band(S, mw, mh, t);
        aiops_band a, g;
        S->band(mw, t, &a);
        S->band(mg, t, &g);
        assert_true(fabs(a.expected - sine_day(t)) < 0.4);
        worst = fmax(worst, fabs(g.upper - a.upper));
    }
    assert_true(worst > 5);                     /* the garbage does distort */
    aiops_band b;
    S->band(mw, w0 + 3600, &b);
    assert_true(isinf(b.lower) && isinf(b.upper) && fabs(b.expected - sine_day(w0 + 3600)) < 0.4);
    S->destroy(mw);
    S->destroy(mh);
    S->destroy(mg);
    free(holes);
    series_free(&s);
}

static double growing(double t)
{
    double d = (t - T0) / DAY;
    return (100 + 10 * d) * (1 + 0.3 * sin(TWO_PI * fmod(t, DAY) / DAY));
}

static json_t *saved_field(void *m, const char *key)
{
    json_t *j = S->save(m);
    json_t *v = json_incref(json_object_get(j, key));
    json_decref(j);
    return v;
}

/* Multiplicative: the seasonal swing grows with the level. */
static void test_multiplicative(void **st)
{
    (void)st;
    mt_rng_seed(8);
    size_t train = 14 * 1440, n = 15 * 1440;
    series s = gen(n, 60, growing, 0);
    for (size_t i = 0; i < n; i++)
        s.v[i] *= exp(0.01 * mt_nrand());
    aiops_model_params p;
    aiops_model_params_init(&p);
    p.multiplicative = 1;
    void *m = mt_fit(S, &p, s.ts, s.v, train);
    double maxrel = 0;
    for (size_t i = train; i < n; i += 7) {
        aiops_band b;
        S->band(m, s.ts[i], &b);
        maxrel = fmax(maxrel, fabs(b.expected / s.truth[i] - 1));
    }
    assert_true(maxrel < 0.02);
    json_t *mult = saved_field(m, "multiplicative");
    assert_true(json_is_true(mult));
    json_decref(mult);
    S->destroy(m);
    /* a zero in the data: additive fallback, recorded */
    s.v[10] = 0;
    m = mt_fit(S, &p, s.ts, s.v, train);
    mult = saved_field(m, "multiplicative");
    json_t *fb = saved_field(m, "multiplicative_fallback");
    assert_true(json_is_false(mult) && json_is_true(fb));
    json_decref(mult);
    json_decref(fb);
    S->destroy(m);
    series_free(&s);
}

static int saved_int(void *m, const char *key)
{
    json_t *v = saved_field(m, key);
    int r = (int)json_integer_value(v);
    json_decref(v);
    return r;
}

/* Hourly load: weekdays 100 with a daytime hump, weekends at 70 % (a
 * step a few Fourier terms cannot follow). */
static double weekend_step(double t)
{
    double day = fmod(t, DAY) / 3600, dow = fmod(floor((t - T0) / DAY) + 2, 7); /* T0: Wed */
    return 100 * (dow >= 5 ? 0.7 : 1) * (1 + 0.3 * exp(-pow((day - 14) / 4, 2)));
}

static double weekly_sine(double t)
{
    return 100 + 10 * sin(TWO_PI * (t - T0) / (7 * DAY)) + 5 * sin(TWO_PI * fmod(t, DAY) / DAY);
}

/* Mean |forecast - truth| over points [from, n) without updates. */
static double forecast_error(void *m, const series *s, size_t from)
{
    double e = 0;
    for (size_t i = from; i < s->n; i++) {
        aiops_band b;
        S->band(m, s->ts[i], &b);
        e += fabs(b.expected - s->truth[i]);
    }
    return e / (double)(s->n - from);
}

/* The automatic weekly order (the default) is chosen on the last training
 * week: a weekend step needs the highest candidate (15) and forecasts two
 * weeks far better than Prophet's fixed order 3; a smooth weekly sine
 * keeps order 3; with under 3 weeks nothing is chosen (order 3); an order
 * that is given is used as it is. */
static void test_weekly_order_auto(void **st)
{
    (void)st;
    mt_rng_seed(12);
    size_t train = 6 * 168, n = 8 * 168;
    series s = gen(n, 3600, weekend_step, 1.0);
    void *m = mt_fit(S, NULL, s.ts, s.v, train);
    assert_int_equal(saved_int(m, "weekly_order"), 15);
    double auto_err = forecast_error(m, &s, train);
    S->destroy(m);
    aiops_model_params p;
    aiops_model_params_init(&p);
    p.weekly_order = 3;
    m = mt_fit(S, &p, s.ts, s.v, train);
    assert_int_equal(saved_int(m, "weekly_order"), 3);
    double fixed_err = forecast_error(m, &s, train);
    S->destroy(m);
    assert_true(auto_err < 1.5);
    assert_true(fixed_err > 2 * auto_err);
    m = mt_fit(S, NULL, s.ts, s.v, 20 * 24);      /* 20 days: no validation week */
    assert_int_equal(saved_int(m, "weekly_order"), 3);
    S->destroy(m);
    series_free(&s);
    s = gen(n, 3600, weekly_sine, 1.0);
    m = mt_fit(S, NULL, s.ts, s.v, train);
    assert_int_equal(saved_int(m, "weekly_order"), 3);
    assert_true(forecast_error(m, &s, train) < 0.4);
    S->destroy(m);
    series_free(&s);
}

static double ramp_kink(double t)
{
    double d = (t - T0) / DAY;
    return 50 + 0.5 * d + (d > 7 ? 2 * (d - 7) : 0) + 5 * sin(TWO_PI * fmod(t, DAY) / DAY);
}

/* Changepoint deltas under the Laplace prior (an exact lasso): with a
 * straight trend every delta stays within 5 % of the slope (noise); with
 * one kink (slope 0.5 -> 2.5 a day at day 7) the changepoints around it
 * (days 5-9) carry the change and the slope past the data is found. */
static void test_changepoints_sparse(void **st)
{
    (void)st;
    mt_rng_seed(13);
    aiops_model_params p;
    aiops_model_params_init(&p);
    p.weekly_order = 0;
    shape_fn shapes[] = {trend_sine, ramp_kink};
    for (int k = 0; k < 2; k++) {
        series s = gen(14 * 288, 300, shapes[k], 0.5);
        void *m = mt_fit(S, &p, s.ts, s.v, s.n);
        json_t *j = S->save(m);
        json_t *beta = json_object_get(j, "beta"), *cps = json_object_get(j, "changepoints");
        assert_int_equal(json_array_size(cps), 10);
        double slope = json_real_value(json_array_get(beta, 1)), all = 0, near = 0, dmax = 0;
        for (size_t i = 0; i < 10; i++) {
            double d = fabs(json_real_value(json_array_get(beta, 2 + i)));
            double at = json_real_value(json_array_get(cps, i)) * 14;   /* days */
            all += d;
            near += at > 5 && at < 9 ? d : 0;
            dmax = fmax(dmax, d);
        }
        json_decref(j);
        if (k == 0) {
            assert_true(dmax < 0.05 * slope);
        } else {
            assert_true(near > 0.85 * all);
            aiops_band b0, b1;
            S->band(m, T0 + 16 * DAY, &b0);
            S->band(m, T0 + 17 * DAY, &b1);
            assert_near(b1.expected - b0.expected, 2.5, 0.1);
        }
        S->destroy(m);
        series_free(&s);
    }
}

/* Seasonal terms need two periods of data (weekly: 2 weeks). */
static void test_terms_dropped_on_short_data(void **st)
{
    (void)st;
    mt_rng_seed(9);
    series s = gen(15 * 288, 300, sine_day, 1.0);
    static const struct { size_t days; int daily, weekly; } cases[] = {
        {1, 0, 0}, {2, 4, 0}, {13, 4, 0}, {14, 4, 3}, {15, 4, 3},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        void *m = mt_fit(S, NULL, s.ts, s.v, cases[c].days * 288);
        assert_int_equal(saved_int(m, "daily_order"), cases[c].daily);
        assert_int_equal(saved_int(m, "weekly_order"), cases[c].weekly);
        S->destroy(m);
    }
    series_free(&s);
}

static void test_errors(void **st)
{
    (void)st;
    aiops_err err = {0};
    aiops_model_params p;
    aiops_model_params_init(&p);
    p.width = 1.5;
    assert_null(S->create(&p, &err));
    assert_int_equal(err.code, AIOPS_EINVAL);
    assert_non_null(strstr(err.msg, "width"));
    aiops_model_params_init(&p);
    double bad[1][2] = {{10, 5}};
    p.nwindows = 1;
    p.windows = bad;
    assert_null(S->create(&p, &err));
    assert_non_null(strstr(err.msg, "window 1"));

    void *m = S->create(NULL, &err);
    double ts[3] = {1, 2, 3}, v[3] = {NAN, NAN, 5};
    assert_int_equal(S->fit(m, ts, v, 3, &err), AIOPS_EINVAL);
    assert_non_null(strstr(err.msg, "at least 2"));
    aiops_band b;
    S->band(m, 4, &b);                           /* unfitted: no estimate */
    assert_true(isnan(b.expected) && isinf(b.lower) && isinf(b.upper));
    double ts2[3] = {1, 3, 2}, v2[3] = {1, 2, 3};
    assert_int_equal(S->fit(m, ts2, v2, 3, &err), AIOPS_EINVAL);
    assert_non_null(strstr(err.msg, "time order"));

    json_t *j = json_pack("{s:s}", "model", "ewma");
    assert_int_equal(S->load(m, j, &err), AIOPS_EPARSE);
    json_decref(j);
    double ts3[4] = {0, 60, 120, 180}, v3[4] = {1, 2, 3, 4};
    assert_int_equal(S->fit(m, ts3, v3, 4, &err), 0);
    j = S->save(m);
    json_object_set_new(j, "beta", json_pack("[f]", 1.0));
    void *m2 = S->create(NULL, &err);
    assert_int_equal(S->load(m2, j, &err), AIOPS_EPARSE);
    assert_non_null(strstr(err.msg, "state.beta: expected an array of"));
    json_decref(j);
    S->destroy(m);
    S->destroy(m2);
    S->destroy(NULL);
}

/* NaN updates leave the state as it was; a constant series gives a tight
 * band that flags the first change. */
static void test_nan_and_constant(void **st)
{
    (void)st;
    double ts[500], v[500];
    for (int i = 0; i < 500; i++)
        ts[i] = T0 + 60.0 * i, v[i] = 7;
    void *m = mt_fit(S, NULL, ts, v, 500);
    aiops_band a, b;
    S->band(m, T0 + 60.0 * 500, &a);
    S->update(m, T0 + 60.0 * 500, NAN);
    S->band(m, T0 + 60.0 * 500, &b);
    assert_memory_equal(&a, &b, sizeof a);
    assert_true(fabs(a.expected - 7) < 1e-9);
    assert_true(a.lower <= 7 && a.upper >= 7 && 7.01 > a.upper);
    S->destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spike_only_outlier),
        cmocka_unit_test(test_coverage_default),
        cmocka_unit_test(test_batch_job_not_anomalous),
        cmocka_unit_test(test_trend_followed),
        cmocka_unit_test(test_level_shift_changepoint),
        cmocka_unit_test(test_weekly_order_auto),
        cmocka_unit_test(test_changepoints_sparse),
        cmocka_unit_test(test_save_load_identical),
        cmocka_unit_test(test_window_excluded),
        cmocka_unit_test(test_multiplicative),
        cmocka_unit_test(test_terms_dropped_on_short_data),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_nan_and_constant),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
