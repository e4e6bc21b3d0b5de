#!/usr/bin/python3
"""bench/predict.sh's Python side (Debian's python3-sklearn, python3-numpy).

  predict_peer.py fit CSV REPS LAMBDA
      scikit-learn's LogisticRegression on the training matrix of
      `aiops-predict --dump-features`, standardised as our trainer does,
      with the same sample weights and the same objective
      (C = 1 / lambda: sum w * logloss + lambda/2 |beta|^2, intercept not
      penalised), solvers lbfgs and newton-cg; best CPU time of REPS fits.
  predict_peer.py eta CSV LIMIT WINDOW
      Prometheus predict_linear semantics on the same series: at every
      point, ordinary least squares over the samples of the window before
      it, extrapolated from that point to LIMIT (None when not rising).
  predict_peer.py compare OURS.csv PEER.csv TRUTH
      ETA errors of both against the true crossing time, over the points
      90 to 5 minutes before it.
"""
import json
import sys
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore")    # newton-cg's line-search notes near the optimum


def load_matrix(path):
    d = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    y, w, X = d[:, 0], d[:, 1], d[:, 2:]
    sd = X.std(axis=0, ddof=1)
    sd[~(sd > 1e-9)] = 1
    return (X - X.mean(axis=0)) / sd, y, w


def objective(b0, b, X, y, w, lam):
    z = b0 + X @ b
    return float(np.sum(w * (np.logaddexp(0, z) - y * z)) + 0.5 * lam * b @ b)


def fit(path, reps, lam):
    from sklearn.linear_model import LogisticRegression
    X, y, w = load_matrix(path)
    out = {"rows": len(y), "features": X.shape[1]}
    for solver in ("lbfgs", "newton-cg"):
        best = float("inf")
        for _ in range(reps):
            m = LogisticRegression(C=1.0 / lam, solver=solver, tol=1e-8, max_iter=1000)
            t0 = time.process_time()
            m.fit(X, y, sample_weight=w)
            best = min(best, time.process_time() - t0)
        out[solver] = {"intercept": float(m.intercept_[0]), "coef": m.coef_[0].tolist(),
                       "objective": objective(m.intercept_[0], m.coef_[0], X, y, w, lam),
                       "iterations": int(m.n_iter_[0]), "seconds": best}
    print(json.dumps(out))


def eta(path, limit, window):
    d = np.loadtxt(path, delimiter=",", ndmin=2)
    t, v = d[:, 0], d[:, 1]
    lo = 0
    for i in range(len(t)):
        while t[lo] <= t[i] - window:
            lo += 1
        tt, vv = t[lo:i + 1], v[lo:i + 1]
        res = "nan"
        if len(tt) >= 2:
            # predict_linear: the regression line evaluated at the query time
            b, a = np.polyfit(tt - t[i], vv, 1)
            if b > 0:
                res = repr(t[i] + max(0.0, (limit - a) / b))
        print(f"{t[i]!r},{res}")


def compare(ours, peer, truth):
    o = np.genfromtxt(ours, delimiter=",", ndmin=2)
    p = np.genfromtxt(peer, delimiter=",", ndmin=2)
    sel = (o[:, 0] >= truth - 5400) & (o[:, 0] <= truth - 300)
    res = {}
    for name, e in (("ours", o[sel, 1]), ("predict_linear", p[sel, 1])):
        err = np.abs(e - truth)
        ok = np.isfinite(err)
        res[name] = {"points": int(sel.sum()), "with_eta": int(ok.sum()),
                     "median_abs_err_min": float(np.median(err[ok]) / 60) if ok.any() else None,
                     "p90_abs_err_min": float(np.percentile(err[ok], 90) / 60) if ok.any() else None}
    band = o[sel]
    ok = np.isfinite(band[:, 2])
    res["ours"]["band_covers"] = float(np.mean((band[ok, 2] <= truth) & (truth <= band[ok, 3]))) if ok.any() else None
    print(json.dumps(res))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "fit":
        fit(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    elif cmd == "eta":
        eta(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]))
    elif cmd == "compare":
        compare(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    else:
        sys.exit(__doc__)
