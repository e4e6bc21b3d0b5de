/* test_model_sarima.c - the "sarima" model on synthetic series with known
 * answers: AR(1) coefficient recovery, AIC order choice, differencing
 * choice, one-step and h-step forecasts, aggregation, save/load (and the
 * old state version); the fit at the maximum of the exact likelihood and
 * what that means for forecasts at a unit MA root.  The numerics under it
 * (the likelihood itself, CSS, polynomials) are tested in test_arma.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/numeric/arma.h"
#include "armatest.h"

#define DAY 86400.0
#define T0 1700006400.0   /* a UTC midnight */
#define TWO_PI 6.283185307179586

static const aiops_model_ops *S = &aiops_model_sarima;

typedef struct { size_t n; double *ts, *v; } series;

static series alloc_series(size_t n, double step)
{
    series s = {n, malloc(n * sizeof(double)), malloc(n * sizeof(double))};
    assert_non_null(s.ts);
    assert_non_null(s.v);
    for (size_t i = 0; i < n; i++)
        s.ts[i] = T0 + (double)i * step;
    return s;
}
static void series_free(series *s)
{
    free(s->ts), free(s->v);
}

/* AR(1) around mu: x_t = mu + phi (x_{t-1} - mu) + e_t. */
static series ar1(size_t n, double step, double phi, double mu)
{
    series s = alloc_series(n, step);
    double x = mu;
    for (size_t i = 0; i < 200; i++)      /* burn-in */
        x = mu + phi * (x - mu) + mt_nrand();
    for (size_t i = 0; i < n; i++)
        s.v[i] = x = mu + phi * (x - mu) + mt_nrand();
    return s;
}

static void fixed_orders(aiops_model_params *p, int o0, int o1, int o2, int o3, int o4, int o5)
{
    aiops_model_params_init(p);
    p->p = o0, p->d = o1, p->q = o2, p->P = o3, p->D = o4, p->Q = o5;
}

static json_t *saved(void *m)
{
    json_t *j = S->save(m);
    assert_non_null(j);
    return j;
}
static int arr_int(json_t *j, const char *key, size_t i)
{
    return (int)json_integer_value(json_array_get(json_object_get(j, key), i));
}
static double arr_num(json_t *j, const char *key, size_t i)
{
    return json_number_value(json_array_get(json_object_get(j, key), i));
}
static double num(json_t *j, const char *key)
{
    return json_number_value(json_object_get(j, key));
}

/* AR(1), phi 0.7, fitted as ARIMA(1,0,0): phi, mean and noise variance
 * recovered; the one-step forecast is mu + phi (y - mu). */
static void test_ar1_fixed(void **st)
{
    (void)st;
    mt_rng_seed(11);
    series s = ar1(4032, 300, 0.7, 10);
    aiops_model_params p;
    fixed_orders(&p, 1, 0, 0, 0, 0, 0);
    void *m = mt_fit(S, &p, s.ts, s.v, s.n);
    json_t *j = saved(m);
    double phi = arr_num(j, "ar", 0), mu = num(j, "mean"), s2 = num(j, "sigma2");
    assert_true(fabs(phi - 0.7) < 0.05);
    assert_true(fabs(mu - 10) < 0.2);
    assert_true(fabs(s2 - 1) < 0.1);
    assert_false(json_is_true(json_object_get(j, "auto")));
    json_decref(j);
    double t = s.ts[s.n - 1] + 300, y = 11.5;
    S->update(m, t, y);
    aiops_band b;
    S->band(m, t + 300, &b);
    assert_true(fabs(b.expected - (mu + phi * (y - mu))) < 1e-9);
    double half = 2.5758293035489004 * sqrt(s2);  /* z(0.995) */
    assert_true(fabs((b.upper - b.lower) / 2 - half) < 1e-6);
    /* h steps ahead: mu + phi^h (y - mu), variance s2 (1 + phi^2 + ...) */
    S->band(m, t + 4 * 300, &b);
    double v4 = s2 * (1 + pow(phi, 2) + pow(phi, 4) + pow(phi, 6));
    assert_true(fabs(b.expected - (mu + pow(phi, 4) * (y - mu))) < 1e-9);
    assert_true(fabs((b.upper - b.lower) / 2 - 2.5758293035489004 * sqrt(v4)) < 1e-6);
    S->destroy(m);
    series_free(&s);
}

/* All orders automatic on the same kind of series: no differencing, no
 * seasonal terms, AIC picks p = 1, q = 0. */
static void test_ar1_aic_picks_p1(void **st)
{
    (void)st;
    mt_rng_seed(12);
    series s = ar1(4032, 300, 0.6, 50);
    void *m = mt_fit(S, NULL, s.ts, s.v, s.n);
    json_t *j = saved(m);
    assert_int_equal(arr_int(j, "order", 0), 1);
    assert_int_equal(arr_int(j, "order", 1), 0);
    assert_int_equal(arr_int(j, "order", 2), 0);
    assert_int_equal(arr_int(j, "seasonal_order", 0), 0);
    assert_int_equal(arr_int(j, "seasonal_order", 1), 0);
    assert_int_equal(arr_int(j, "seasonal_order", 2), 0);
    assert_int_equal(arr_int(j, "seasonal_order", 3), 288);   /* 1 day of 5 min */
    assert_true(fabs(arr_num(j, "ar", 0) - 0.6) < 0.05);
    assert_true(json_is_true(json_object_get(j, "auto")));
    json_decref(j);
    S->destroy(m);
    series_free(&s);
}

/* A random walk: KPSS asks for d = 1. */
static void test_random_walk_differenced(void **st)
{
    (void)st;
    mt_rng_seed(13);
    series s = alloc_series(2000, 60);
    double x = 100;
    for (size_t i = 0; i < s.n; i++)
        s.v[i] = x += mt_nrand();
    aiops_model_params p;
    aiops_model_params_init(&p);
    p.period = 3600;                    /* 60-point season, 33 seasons */
    void *m = mt_fit(S, &p, s.ts, s.v, s.n);
    json_t *j = saved(m);
    assert_int_equal(arr_int(j, "order", 1), 1);
    assert_int_equal(arr_int(j, "seasonal_order", 1), 0);
    assert_true(fabs(num(j, "sigma2") - 1) < 0.1);
    json_decref(j);
    /* the forecast of a random walk is about the last value */
    double y = s.v[s.n - 1] + 0.5;
    S->update(m, s.ts[s.n - 1] + 60, y);
    aiops_band b;
    S->band(m, s.ts[s.n - 1] + 120, &b);
    assert_true(fabs(b.expected - y) < 0.5);
    S->destroy(m);
    series_free(&s);
}

static double daily(double t)
{
    return 50 + 10 * sin(TWO_PI * fmod(t, DAY) / DAY);
}

/* A daily sine + noise at 5 minutes: seasonal differencing (D = 1) is
 * chosen, and in the next day a spike is the only point out of band (no
 * echo after it thanks to the clipped innovation).  width 0.9999 as in the
 * seasonal tests: 288 scored points. */
static void test_seasonal_spike(void **st)
{
    (void)st;
    mt_rng_seed(14);
    size_t train = 10 * 288, n = 11 * 288, spike = train + 150;
    series s = alloc_series(n, 300);
    for (size_t i = 0; i < n; i++)
        s.v[i] = daily(s.ts[i]) + mt_nrand();
    s.v[spike] += 10;
    aiops_model_params p;
    aiops_model_params_init(&p);
    p.width = 0.9999;
    void *m = mt_fit(S, &p, s.ts, s.v, train);
    json_t *j = saved(m);
    assert_int_equal(arr_int(j, "seasonal_order", 1), 1);
    assert_int_equal(arr_int(j, "seasonal_order", 3), 288);
    json_decref(j);
    size_t out = 0, first = 0;
    double maxerr = 0;
    for (size_t i = train; i < n; i++) {
        aiops_band b;
        S->band(m, s.ts[i], &b);
        if (s.v[i] < b.lower || s.v[i] > b.upper) {
            first = out++ ? first : i;
        }
        maxerr = fmax(maxerr, fabs(b.expected - daily(s.ts[i])));
        S->update(m, s.ts[i], s.v[i]);
    }
    assert_int_equal(out, 1);
    assert_int_equal(first, spike);
    assert_true(maxerr < 2.5);
    S->destroy(m);
    series_free(&s);
}

/* Hourly daily sine (T0 is a Wednesday), 4 weeks, noise 1, plus either
 * spikes of +12 every 3 days or weekends 15 lower. */
static series daily_hourly(int weekends)
{
    series s = alloc_series(28 * 24, 3600);
    for (size_t i = 0; i < s.n; i++) {
        size_t dow = (i / 24 + 2) % 7;
        s.v[i] = daily(s.ts[i]) + mt_nrand();
        if (weekends && dow >= 5)
            s.v[i] -= 15;
        if (!weekends && i % 72 == 40)
            s.v[i] += 12;
    }
    return s;
}

/* The clipping is kept when the training data's large innovations are
 * spikes and dropped when they are shifts (a daily season on data whose
 * weekends are lower): then the hour after a weekend starts is forecast
 * near the new level, where clipping would have kept it near the old. */
static void test_robust_choice(void **st)
{
    (void)st;
    mt_rng_seed(21);
    aiops_model_params p;
    fixed_orders(&p, 1, 0, 0, 0, 1, 1);
    for (int weekends = 0; weekends < 2; weekends++) {
        series s = daily_hourly(weekends);
        size_t train = 21 * 24;              /* up to Wednesday of week 4 */
        void *m = mt_fit(S, &p, s.ts, s.v, train);
        json_t *j = saved(m);
        assert_true(json_is_boolean(json_object_get(j, "robust")));
        assert_int_equal(json_is_true(json_object_get(j, "robust")), !weekends);
        json_decref(j);
        if (weekends) {
            size_t sat = train + 3 * 24;     /* Saturday 00:00 */
            for (size_t i = train; i <= sat; i++)
                S->update(m, s.ts[i], s.v[i]);
            aiops_band b;
            S->band(m, s.ts[sat + 1], &b);
            assert_true(fabs(b.expected - (daily(s.ts[sat + 1]) - 15)) < 4);
        }
        S->destroy(m);
        series_free(&s);
    }
}

/* 1-minute data and a 1-day period: 1440 points a season, more than the
 * 288 cap, so the model runs on 5-minute bucket means; raw points get the
 * within-bucket variance on top, and about 1% of them fall outside at the
 * default width. */
static void test_aggregation(void **st)
{
    (void)st;
    mt_rng_seed(15);
    size_t train = 4 * 1440, n = 5 * 1440;
    series s = alloc_series(n, 60);
    for (size_t i = 0; i < n; i++)
        s.v[i] = daily(s.ts[i]) + mt_nrand();
    void *m = mt_fit(S, NULL, s.ts, s.v, train);
    json_t *j = saved(m);
    assert_int_equal(num(j, "aggregate"), 5);
    assert_true(fabs(num(j, "step") - 300) < 1e-9);
    assert_int_equal(arr_int(j, "seasonal_order", 3), 288);
    double vw = num(j, "var_within"), s2 = num(j, "sigma2");
    assert_true(vw > 0.9 && vw < 1.2);           /* 1-minute noise variance 1 */
    assert_true(s2 > 0.15 && s2 < 0.4);          /* a 5-point mean: about 1/5 */
    json_decref(j);
    size_t out = 0;
    for (size_t i = train; i < n; i++) {
        aiops_band b;
        S->band(m, s.ts[i], &b);
        out += s.v[i] < b.lower || s.v[i] > b.upper;
        S->update(m, s.ts[i], s.v[i]);
    }
    assert_true(out >= 3 && out <= 35);          /* 1% of 1440 = 14 */
    S->destroy(m);
    series_free(&s);
}

/* save -> JSON text -> load gives bit-identical bands: the open bucket, the
 * next ones, forecasts, and after more updates. */
static void test_save_load_identical(void **st)
{
    (void)st;
    mt_rng_seed(16);
    size_t train = 4 * 1440, n = 5 * 1440;
    series s = alloc_series(n, 60);
    for (size_t i = 0; i < n; i++)
        s.v[i] = daily(s.ts[i]) + mt_nrand();
    void *m = mt_fit(S, NULL, s.ts, s.v, train);
    for (size_t i = train; i < train + 333; i++)   /* stop inside a bucket */
        S->update(m, s.ts[i], s.v[i]);
    void *m2 = mt_make(S, NULL);
    mt_reload(S, m, m2);
    for (double h = 0; h < 100; h += 0.7)
        mt_same_band(S, m, m2, s.ts[train + 333] + h * 300);
    for (size_t i = train + 333; i < n; i++) {
        mt_same_band(S, m, m2, s.ts[i]);
        S->update(m, s.ts[i], s.v[i]);
        S->update(m2, s.ts[i], s.v[i]);
    }
    mt_same_band(S, m, m2, s.ts[n - 1] + 3600);
    S->destroy(m);
    S->destroy(m2);
    series_free(&s);
}

/* NaN leaves the state alone; a gap is bridged by forecasts, after which
 * the next bucket gets a one-step band again; the band widens with the
 * forecast horizon. */
static void test_nan_gap_horizon(void **st)
{
    (void)st;
    mt_rng_seed(17);
    series s = ar1(3000, 300, 0.5, 0);
    aiops_model_params p;
    fixed_orders(&p, 1, 0, 0, 0, 0, 0);
    void *m = mt_fit(S, &p, s.ts, s.v, s.n);
    double t = s.ts[s.n - 1] + 300;
    S->update(m, t, 1.0);
    aiops_band a, b, c;
    S->band(m, t + 300, &a);
    S->update(m, t + 1, NAN);           /* same bucket: nothing changes */
    S->band(m, t + 300, &b);
    assert_memory_equal(&a, &b, sizeof a);
    S->band(m, t + 300 * 6, &c);        /* 6 buckets ahead: wider */
    assert_true(c.upper - c.lower > 1.1 * (a.upper - a.lower));
    S->update(m, t + 300 * 20, 2.0);    /* after a gap of 19 buckets */
    S->band(m, t + 300 * 21, &b);
    assert_true(fabs((b.upper - b.lower) - (a.upper - a.lower)) < 1e-9);
    json_t *j = saved(m);
    double mu = num(j, "mean"), phi = arr_num(j, "ar", 0);
    json_decref(j);
    assert_true(fabs(b.expected - (mu + phi * (2.0 - mu))) < 1e-9);
    S->band(m, t, &b);                   /* the past: no estimate */
    assert_true(isnan(b.expected) && isinf(b.upper));
    S->destroy(m);
    series_free(&s);
}

/* A gap of 1000 days: bridged by whole seasons, so the daily pattern
 * keeps its phase; a point before the current bucket is ignored. */
static void test_long_gap_keeps_phase(void **st)
{
    (void)st;
    mt_rng_seed(19);
    size_t n = 6 * 288;
    series s = alloc_series(n, 300);
    for (size_t i = 0; i < n; i++)
        s.v[i] = daily(s.ts[i]) + 0.5 * mt_nrand();
    void *m = mt_fit(S, NULL, s.ts, s.v, n);
    double t = s.ts[n - 1] + 1000 * DAY + 6 * 3600;
    S->update(m, t, daily(t));
    S->update(m, t - 3600, 1e6);        /* out of order: ignored */
    for (int h = 1; h <= 24; h++) {
        aiops_band b;
        S->band(m, t + h * 300, &b);
        assert_true(fabs(b.expected - daily(t + h * 300)) < 2);
    }
    S->destroy(m);
    series_free(&s);
}

static void test_errors(void **st)
{
    (void)st;
    aiops_err err = {0};
    aiops_model_params p;
    fixed_orders(&p, 3, -1, -1, -1, -1, -1);
    assert_null(S->create(&p, &err));
    assert_int_equal(err.code, AIOPS_EINVAL);
    assert_non_null(strstr(err.msg, "p in 0..2"));
    aiops_model_params_init(&p);
    p.width = 0;
    assert_null(S->create(&p, &err));
    assert_non_null(strstr(err.msg, "width"));

    void *m = S->create(NULL, &err);
    double ts[4] = {1, 2, 3, 4}, v[4] = {NAN, NAN, NAN, 1};
    assert_int_equal(S->fit(m, ts, v, 4, &err), AIOPS_EINVAL);
    double ts2[3] = {1, 3, 2}, v2[3] = {1, 2, 3};
    assert_int_equal(S->fit(m, ts2, v2, 3, &err), AIOPS_EINVAL);
    assert_non_null(strstr(err.msg, "time order"));
    aiops_band b;
    S->band(m, 5, &b);
    assert_true(isnan(b.expected) && isinf(b.lower) && isinf(b.upper));
    S->destroy(m);

    mt_rng_seed(18);                       /* 2 days cannot carry a daily P */
    series s = ar1(576, 300, 0.5, 0);
    fixed_orders(&p, 1, 0, 0, 1, 0, 0);
    m = S->create(&p, &err);
    assert_int_equal(S->fit(m, s.ts, s.v, s.n, &err), AIOPS_EINVAL);
    assert_non_null(strstr(err.msg, "3 seasons"));
    S->destroy(m);
    fixed_orders(&p, 1, 0, 0, 0, 0, 0);
    m = S->create(&p, &err);
    assert_int_equal(S->fit(m, s.ts, s.v, 20, &err), AIOPS_EINVAL);
    assert_non_null(strstr(err.msg, "at least"));
    S->destroy(m);

    m = mt_fit(S, &p, s.ts, s.v, s.n);
    json_t *j = saved(m);
    json_object_set_new(j, "ar", json_pack("[f]", 1.5));   /* not stationary */
    void *m2 = S->create(NULL, &err);
    assert_int_equal(S->load(m2, j, &err), AIOPS_EPARSE);
    assert_non_null(strstr(err.msg, "stationary"));
    json_object_set_new(j, "ar", json_pack("[f,f]", 0.1, 0.1));
    assert_int_equal(S->load(m2, j, &err), AIOPS_EPARSE);
    assert_non_null(strstr(err.msg, "state.ar: expected an array of"));
    json_object_set_new(j, "model", json_string("seasonal"));
    assert_int_equal(S->load(m2, j, &err), AIOPS_EPARSE);
    json_decref(j);
    S->band(m2, s.ts[0], &b);           /* a failed load leaves it unfitted */
    assert_true(isnan(b.expected));
    S->destroy(m);
    S->destroy(m2);
    S->destroy(NULL);
    series_free(&s);
}

/* ---- exact maximum likelihood */

static series simulate(const spec *c)
{
    series s = alloc_series(c->n, 300);
    spec_simulate(c, s.v);
    return s;
}

/* The exact profile log-likelihood (arma.h; test_arma.c checks it against
 * the dense-covariance one) of w at coefficients x of orders o; *s2 gets
 * its sigma^2. */
static double exact_loglik(const double *w, size_t n, const aiops_arma_orders *o,
                           const double *x, double *s2)
{
    aiops_arma_ml ml;
    double *res = malloc(n * sizeof *res);
    assert_non_null(res);
    assert_int_equal(aiops_arma_ml_init(&ml, w, n, o), 0);
    double ll = aiops_arma_ml_loglik(&ml, x, res, s2);
    aiops_arma_ml_free(&ml);
    free(res);
    return ll;
}

/* Fit each model with its orders fixed: the saved log-likelihood and
 * sigma^2 are the exact ones at the saved coefficients, and moving any
 * coefficient by 0.02 lowers the likelihood (the fit is at a maximum). */
static void test_ml_fit_is_maximum(void **st)
{
    (void)st;
    size_t n_cases;
    mt_rng_seed(21);
    for (const spec *c = spec_cases(&n_cases), *end = c + n_cases; c < end; c++) {
        series s = simulate(c);
        aiops_model_params p;
        fixed_orders(&p, c->p, c->d, c->q, c->P, 0, c->Q);
        p.period = 300.0 * c->s;
        void *m = mt_fit(S, &p, s.ts, s.v, s.n);
        json_t *j = saved(m);
        aiops_arma_orders o = {c->p, c->q, c->P, c->Q, c->s, !c->d};
        double x[5] = {0}, s2;
        int np = 0;
        const char *key[4] = {"ar", "ma", "sar", "sma"};
        const int on[4] = {c->p, c->q, c->P, c->Q};
        for (int k = 0; k < 4; k++)
            if (on[k])
                x[np++] = arr_num(j, key[k], 0);
        if (o.mean)
            x[np] = num(j, "mean");
        double *w = s.v, ll = num(j, "loglik");
        size_t n = s.n;
        if (c->d) {                      /* the likelihood of the differences */
            for (size_t t = 0; t + 1 < n; t++)
                w[t] = s.v[t + 1] - s.v[t];
            n--;
        }
        assert_near(exact_loglik(w, n, &o, x, &s2), ll, 1e-12 * fabs(ll));
        assert_near(num(j, "sigma2"), s2, 1e-12 * s2);
        for (int k = 0; k < np; k++)
            for (int sign = -1; sign <= 1; sign += 2) {
                double y[5];
                memcpy(y, x, sizeof y);
                y[k] += sign * 0.02;
                if (fabs(y[k]) >= 0.999)
                    continue;            /* outside the admissible region */
                assert_true(exact_loglik(w, n, &o, y, &s2) < ll);
            }
        json_decref(j);
        S->destroy(m);
        series_free(&s);
    }
}

/* A level plus white noise fitted as ARIMA(0,1,1), 20 series of 150: the
 * differences are an MA(1) with its root on the unit circle (theta =
 * -1), what a fixed pattern looks like after differencing.  The exact
 * likelihood piles up at the edge of the region on most series (12 of
 * the 20 here; about 60% in theory; test_arma.c compares it with the
 * CSS), and so does the fit, where the forecast is the mean of the whole
 * window, the exact filter's answer for a constant level, not an average
 * of the recent points. */
static void test_ml_unit_ma_root(void **st)
{
    (void)st;
    int edge = 0;
    for (uint64_t seed = 22; seed < 42; seed++) {
        mt_rng_seed(seed);
        size_t n = 150;
        series s = alloc_series(n, 300);
        double mean = 0;
        for (size_t i = 0; i < n; i++) {
            s.v[i] = 10 + mt_nrand();
            mean += s.v[i] / (double)n;
        }
        aiops_model_params p;
        fixed_orders(&p, 0, 1, 1, 0, 0, 0);
        p.width = 1 - 1e-9;             /* no clipping: the plain exact filter */
        void *m = mt_fit(S, &p, s.ts, s.v, s.n);
        json_t *j = saved(m);
        double theta = arr_num(j, "ma", 0);
        json_decref(j);
        aiops_band b;
        S->band(m, s.ts[n - 1] + 300, &b);
        if (theta < -0.998) {
            edge++;
            assert_near(b.expected, mean, 1e-3);
        }
        S->destroy(m);
        series_free(&s);
    }
    assert_true(edge >= 10);
}

/* The same with a season: a fixed daily profile plus noise, seasonally
 * differenced, (0,0,0)(0,1,1)24.  Theta goes to the edge (-0.999) and the
 * next day's forecast is each hour's mean over the 20 days (to 1e-3: the
 * exact predictor at -0.999 differs from it by about 1e-5). */
static void test_ml_fixed_season(void **st)
{
    (void)st;
    mt_rng_seed(28);
    size_t s = 24, days = 20, n = s * days;
    series sr = alloc_series(n, 300);
    double prof[24] = {0};
    for (size_t i = 0; i < n; i++) {
        sr.v[i] = 50 + 10 * sin(TWO_PI * (double)(i % s) / (double)s) + mt_nrand();
        prof[i % s] += sr.v[i] / (double)days;
    }
    aiops_model_params p;
    fixed_orders(&p, 0, 0, 0, 0, 1, 1);
    p.period = 300.0 * (double)s;
    p.width = 1 - 1e-9;                 /* no clipping: the plain exact filter */
    void *m = mt_fit(S, &p, sr.ts, sr.v, n);
    json_t *j = saved(m);
    assert_true(arr_num(j, "sma", 0) < -0.99);
    json_decref(j);
    for (size_t h = 1; h <= s; h++) {
        aiops_band b;
        S->band(m, sr.ts[n - 1] + 300.0 * (double)h, &b);
        assert_near(b.expected, prof[(n - 1 + h) % s], 1e-3);
    }
    S->destroy(m);
    series_free(&sr);
}

/* A long ARMA(1,1): the exact-likelihood estimates are near the truth. */
static void test_ml_long_arma(void **st)
{
    (void)st;
    mt_rng_seed(29);
    spec c = {1, 0, 1, 0, 0, 12, 0.7, -0.4, 0, 0, 3, 5000};
    series s = simulate(&c);
    aiops_model_params p;
    fixed_orders(&p, 1, 0, 1, 0, 0, 0);
    void *m = mt_fit(S, &p, s.ts, s.v, s.n);
    json_t *j = saved(m);
    assert_near(arr_num(j, "ar", 0), 0.7, 0.03);
    assert_near(arr_num(j, "ma", 0), -0.4, 0.03);
    assert_near(num(j, "mean"), 3, 0.1);
    assert_near(num(j, "sigma2"), 1, 0.05);
    json_decref(j);
    S->destroy(m);
    series_free(&s);
}

/* A state saved by version 1 (the CSS recursion's rings of y and of
 * innovations e) still loads and forecasts as it did: ARIMA(1,0,1),
 * y_k = mu + phi (y_{k-1} - mu) + theta e_{k-1} +- z sigma. */
static void test_load_version1(void **st)
{
    (void)st;
    json_t *j = mt_jq("{'model':'sarima','version':1,'params':{'width':0.99,'period':86400,"
                      "'p':1,'d':0,'q':1,'P':0,'D':0,'Q':0},'fitted':true,'order':[1,0,1],"
                      "'seasonal_order':[0,0,0,288],'aggregate':1,'auto':false,'aic':123.0,"
                      "'step':300.0,'origin':1700006250.0,'mean':10.0,'sigma2':4.0,"
                      "'var_within':0.0,'ar':[0.5],'ma':[0.3],'sar':[],'sma':[],'open_k':100,"
                      "'open_sum':0.0,'open_n':0.0,'y':[12.0],'e':[1.0]}");
    void *m = mt_make(S, NULL);
    aiops_err err = {0};
    assert_int_equal(S->load(m, j, &err), 0);
    json_decref(j);
    double t = 1700006250.0 + 100.5 * 300;   /* bucket 100, the open one */
    aiops_band b;
    S->band(m, t, &b);
    assert_near(b.expected, 10 + 0.5 * 2 + 0.3 * 1, 1e-12);
    assert_near(b.upper - b.expected, 2.5758293035489004 * 2, 1e-9);
    S->update(m, t, 13);                      /* e = 1.7, inside the band */
    S->band(m, t + 300, &b);
    assert_near(b.expected, 10 + 0.5 * 3 + 0.3 * 1.7, 1e-12);
    json_t *k = saved(m);                     /* saved again: the current version */
    assert_int_equal(json_integer_value(json_object_get(k, "version")), 3);
    assert_true(json_is_true(json_object_get(k, "robust")));   /* as version 1 filtered */
    json_decref(k);
    void *m2 = mt_make(S, NULL);
    mt_reload(S, m, m2);
    for (int h = 0; h < 30; h++)
        mt_same_band(S, m, m2, t + 300.0 * h);
    S->destroy(m);
    S->destroy(m2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ar1_fixed),
        cmocka_unit_test(test_ar1_aic_picks_p1),
        cmocka_unit_test(test_random_walk_differenced),
        cmocka_unit_test(test_seasonal_spike),
        cmocka_unit_test(test_aggregation),
        cmocka_unit_test(test_save_load_identical),
        cmocka_unit_test(test_nan_gap_horizon),
        cmocka_unit_test(test_long_gap_keeps_phase),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_ml_fit_is_maximum),
        cmocka_unit_test(test_ml_unit_ma_root),
        cmocka_unit_test(test_ml_fixed_season),
        cmocka_unit_test(test_ml_long_arma),
        cmocka_unit_test(test_load_version1),
        cmocka_unit_test(test_robust_choice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
