#!/usr/bin/python3
"""bench/fit_statsmodels.py ALL.tsv SPLIT OUTDIR REPS [SARIMA_STATES.json [METHODS]] -
the statsmodels side of bench/fit.sh, timed the way bench/fit_inproc.c
times ours: per series, in this process, after the imports and reading,
best of REPS runs.

Per series the points before SPLIT train, the rest is the holdout.  For
every method three timed steps, from one fit:
  fit       fit on the training points;
  forecast  forecast the whole holdout from the fitted results;
  one-step  predict each holdout point from the points before it with
            the fitted parameters kept (what our models do when scoring:
            they learn each point after predicting it, without refitting).
Methods (and what each is told about seasonality):
  STL      STLForecast, period 168 h (one week, which holds the daily
           cycle: STL takes one period and statsmodels 0.13 has no MSTL),
           ARIMA(1,1,0) on the seasonally adjusted series; one-step: the
           ARIMA results appended with the adjusted holdout (refit=False),
           plus the seasonal forecast (the last week repeated, as
           STLForecast does).
  SARIMAX  the orders our sarima chose for the same series (from
           SARIMA_STATES.json, written by fit_inproc --save; a constant
           when d + D = 0, as ours estimates a mean), else
           (1,0,1)x(1,1,1,24); season 24 h like ours; one-step:
           append(refit=False) then predict.
  ES_1d / ES_1w  ExponentialSmoothing, additive damped trend, additive
           season of 24 / 168 points (as our holtwinters with --period 1d
           / 1w); one-step: the fitted parameters and initial states fixed
           and run through training + holdout.
METHODS (comma-separated) limits the run to some of them.  Writes
OUTDIR/sm-METHOD.tsv ("ts series forecast onestep" per holdout point) and
prints one JSON object: per method the per-series times in milliseconds
by the process CPU clock (fit_ms, forecast_ms, score_ms) and the wall
clock (fit_wall_ms, ...), as fit_inproc, and what it was given."""
import json
import sys
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore")
from statsmodels.tsa.arima.model import ARIMA                      # noqa: E402
from statsmodels.tsa.forecasting.stl import STLForecast            # noqa: E402
from statsmodels.tsa.holtwinters import ExponentialSmoothing       # noqa: E402
from statsmodels.tsa.statespace.sarimax import SARIMAX             # noqa: E402

warnings.filterwarnings("ignore")   # statsmodels re-enables ConvergenceWarning on import

DAY, WEEK = 24, 168


def read(path, split):
    out = {}
    for line in open(path):
        ts, series, v = line.rstrip("\n").split("\t")
        out.setdefault(series, []).append((float(ts), float(v)))
    res = {}
    for s, pts in out.items():
        pts.sort()
        t = np.array([p[0] for p in pts])
        y = np.array([p[1] for p in pts])
        k = int(np.searchsorted(t, split))
        res[s] = (y[:k], t[k:], y[k:])
    return res


# ---- STL
def stl_fit(tr, _):
    return STLForecast(tr, ARIMA, model_kwargs=dict(order=(1, 1, 0)), period=WEEK).fit()


def stl_forecast(res, tr, ho):
    return res.forecast(len(ho))


def stl_onestep(res, tr, ho):
    seas = np.resize(np.asarray(res.result.seasonal)[-WEEK:], len(ho))
    app = res.model_result.append(ho - seas, refit=False)
    return np.asarray(app.predict(start=len(tr), end=len(tr) + len(ho) - 1)) + seas


# ---- SARIMAX
def sarimax_fit(tr, orders):
    order, sorder = orders or ((1, 0, 1), (1, 1, 1, DAY))
    trend = "c" if order[1] + sorder[1] == 0 else None
    return SARIMAX(tr, order=order, seasonal_order=sorder, trend=trend).fit(disp=False)


def sarimax_forecast(res, tr, ho):
    return res.forecast(len(ho))


def sarimax_onestep(res, tr, ho):
    return res.append(ho, refit=False).predict(start=len(tr), end=len(tr) + len(ho) - 1)


# ---- ExponentialSmoothing
def es_model(y, period, **kw):
    return ExponentialSmoothing(y, trend="add", damped_trend=True, seasonal="add",
                                seasonal_periods=period, **kw)


def es_fit(period):
    return lambda tr, _: es_model(tr, period).fit()


def es_forecast(res, tr, ho):
    return res.forecast(len(ho))


def es_onestep(period):
    def run(res, tr, ho):
        p = res.params
        fixed = es_model(np.concatenate([tr, ho]), period, initialization_method="known",
                         initial_level=p["initial_level"], initial_trend=p["initial_trend"],
                         initial_seasonal=p["initial_seasons"]).fit(
            smoothing_level=p["smoothing_level"], smoothing_trend=p["smoothing_trend"],
            smoothing_seasonal=p["smoothing_seasonal"], damping_trend=p["damping_trend"],
            optimized=False)
        return np.asarray(fixed.fittedvalues)[len(tr):]
    return run


METHODS = {
    "STL": (stl_fit, stl_forecast, stl_onestep,
            "STLForecast period 168 (1 week, holds the daily cycle), ARIMA(1,1,0) remainder"),
    "SARIMAX": (sarimax_fit, sarimax_forecast, sarimax_onestep,
                "SARIMAX with our sarima's orders per series, season 24"),
    "ES_1d": (es_fit(DAY), es_forecast, es_onestep(DAY),
              "ExponentialSmoothing damped additive trend, additive season 24"),
    "ES_1w": (es_fit(WEEK), es_forecast, es_onestep(WEEK),
              "ExponentialSmoothing damped additive trend, additive season 168"),
}


CLOCKS = (time.process_time, time.perf_counter)   # CPU, wall: as fit_inproc


def timed(fn, *args):
    t0 = [c() for c in CLOCKS]
    out = fn(*args)
    return [1e3 * (c() - t) for c, t in zip(CLOCKS, t0)], out


def run_series(method, reps, tr, ho, orders):
    """Best-of-reps times (ms; [job][clock]) of fit, forecast and one-step,
    and the predictions of the last run."""
    fit, fc_fn, one_fn, _ = method
    best = [[float("inf")] * 2 for _ in range(3)]
    for _ in range(reps):
        t_fit, res = timed(fit, tr, orders)
        t_fc, fc = timed(fc_fn, res, tr, ho)
        t_one, one = timed(one_fn, res, tr, ho)
        best = [[min(b, t) for b, t in zip(bj, tj)] for bj, tj in zip(best, (t_fit, t_fc, t_one))]
    return best, np.asarray(fc, dtype=float), np.asarray(one, dtype=float)


def sarima_orders(path):
    if not path:
        return {}
    out = {}
    for s, st in json.load(open(path)).items():
        order, so = st["order"], st["seasonal_order"]
        out[s] = (tuple(order), tuple(so))
    return out


def main():
    data = read(sys.argv[1], float(sys.argv[2]))
    outdir, reps = sys.argv[3], int(sys.argv[4])
    orders = sarima_orders(sys.argv[5] if len(sys.argv) > 5 and sys.argv[5] else None)
    only = sys.argv[6].split(",") if len(sys.argv) > 6 else list(METHODS)
    names = sorted(data)
    result = {}
    for name in only:
        method = METHODS[name]
        tr, _, ho = data[names[0]]
        run_series(method, 1, tr, ho, orders.get(names[0]))   # warm-up: lazy imports
        jobs = ("fit", "forecast", "score")
        times = {f"{j}{c}_ms": [] for j in jobs for c in ("", "_wall")}
        with open(f"{outdir}/sm-{name}.tsv", "w") as out:
            for s in names:
                tr, ts, ho = data[s]
                o = orders.get(s) if name == "SARIMAX" else None
                best, fc, one = run_series(method, reps, tr, ho, o)
                for j, tj in zip(jobs, best):
                    times[f"{j}_ms"].append(tj[0])
                    times[f"{j}_wall_ms"].append(tj[1])
                for i in range(len(ho)):
                    out.write(f"{ts[i]:.3f}\t{s}\t{float(fc[i])!r}\t{float(one[i])!r}\n")
        given = method[3] if name != "SARIMAX" or orders else "SARIMAX (1,0,1)x(1,1,1,24)"
        result[name] = dict(times, given=given, series=len(names), reps=reps)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
