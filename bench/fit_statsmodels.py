#!/usr/bin/python3
"""bench/fit_statsmodels.py TRAIN.tsv HOLDOUT.tsv - the statsmodels baseline
of bench/fit.sh: per series, fit on TRAIN and forecast the whole holdout
with SARIMAX (1,0,1)x(1,1,1,24), ExponentialSmoothing (additive trend and
season, 24) and STLForecast (period 24, ARIMA(1,1,0) on the remainder);
also one-step-ahead predictions through the holdout where statsmodels has
them without refitting (SARIMAX append, ExponentialSmoothing with the
fitted parameters fixed).  Prints one JSON object: per method the wall time
over all series and the pooled MAPE (%) and RMSE."""
import json
import math
import sys
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore")
from statsmodels.tsa.arima.model import ARIMA                      # noqa: E402
from statsmodels.tsa.forecasting.stl import STLForecast            # noqa: E402
from statsmodels.tsa.holtwinters import ExponentialSmoothing       # noqa: E402
from statsmodels.tsa.statespace.sarimax import SARIMAX             # noqa: E402

PERIOD = 24


def read(path):
    out = {}
    for line in open(path):
        ts, series, v = line.rstrip("\n").split("\t")
        out.setdefault(series, []).append(float(v))
    return {k: np.array(v) for k, v in out.items()}


def sarimax(tr, ho):
    res = SARIMAX(tr, order=(1, 0, 1), seasonal_order=(1, 1, 1, PERIOD)).fit(disp=False)
    fc = res.forecast(len(ho))
    one = res.append(ho, refit=False).predict(start=len(tr), end=len(tr) + len(ho) - 1)
    return fc, one


def holtwinters(tr, ho):
    res = ExponentialSmoothing(tr, trend="add", seasonal="add", seasonal_periods=PERIOD).fit()
    fc = res.forecast(len(ho))
    p = res.params
    full = np.concatenate([tr, ho])
    fixed = ExponentialSmoothing(
        full, trend="add", seasonal="add", seasonal_periods=PERIOD,
        initialization_method="known", initial_level=p["initial_level"],
        initial_trend=p["initial_trend"], initial_seasonal=p["initial_seasons"]).fit(
        smoothing_level=p["smoothing_level"], smoothing_trend=p["smoothing_trend"],
        smoothing_seasonal=p["smoothing_seasonal"], optimized=False)
    one = fixed.fittedvalues[len(tr):]
    return fc, one


def stl(tr, ho):
    res = STLForecast(tr, ARIMA, model_kwargs=dict(order=(1, 1, 0)), period=PERIOD).fit()
    return res.forecast(len(ho)), None


def errors(pairs):
    y = np.concatenate([p[0] for p in pairs])
    f = np.concatenate([p[1] for p in pairs])
    return 100 * float(np.mean(np.abs((y - f) / y))), float(math.sqrt(np.mean((y - f) ** 2)))


def main():
    train, hold = read(sys.argv[1]), read(sys.argv[2])
    out = {}
    for name, fn in (("SARIMAX", sarimax), ("ExponentialSmoothing", holtwinters), ("STL", stl)):
        fc, one = [], []
        t0 = time.perf_counter()
        for s in sorted(train):
            f, o = fn(train[s], hold[s])
            fc.append((hold[s], np.asarray(f)))
            if o is not None:
                one.append((hold[s], np.asarray(o)))
        sec = time.perf_counter() - t0
        r = {"seconds": sec, "series": len(train)}
        r["mape"], r["rmse"] = errors(fc)
        if one:
            r["onestep_mape"], r["onestep_rmse"] = errors(one)
        out[name] = r
    print(json.dumps(out))


if __name__ == "__main__":
    main()
