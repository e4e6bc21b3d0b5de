#!/usr/bin/env python3
"""bench/fit_errors.py - forecast errors for bench/fit.sh.  Stdlib only.

  fit_errors.py HOLDOUT.tsv PRED.tsv
      PRED.tsv: "ts series forecast onestep" per holdout point (written by
      bench/fit_inproc.c and bench/fit_statsmodels.py).  Prints
      {"forecast":{"mape":..,"rmse":..,"points":..},"onestep":{..}}: the
      pooled MAPE (%) and RMSE over every held-out point of the whole-
      horizon forecasts and of the one-step-ahead predictions.  Every
      holdout point needs a finite prediction (else an error).

  fit_errors.py --same BANDS.ndjson PRED.tsv COLUMN
      Checks that aiops-fit's band records (`expected`) equal COLUMN
      (forecast or onestep) of PRED.tsv at every point PRED.tsv has, to
      1e-9 relative: the whole tool computes what the in-process driver
      timed.  Exits 1 with the first difference otherwise.
"""
import json
import math
import sys


def read_tsv(path, ncol):
    out = {}
    for n, line in enumerate(open(path), 1):
        f = line.rstrip("\n").split("\t")
        if len(f) != ncol:
            sys.exit(f"fit_errors: {path}:{n}: expected {ncol} tab-separated fields")
        out[(f[1], float(f[0]))] = [float(x) for x in f[2:]]
    return out


def errors(pairs):
    ape = [abs(y - f) / abs(y) for y, f in pairs]
    se = [(y - f) ** 2 for y, f in pairs]
    return {"mape": 100 * sum(ape) / len(ape), "rmse": math.sqrt(sum(se) / len(se)),
            "points": len(ape)}


def score(hold_path, pred_path):
    actual = read_tsv(hold_path, 3)
    pred = read_tsv(pred_path, 4)
    out = {}
    for col, name in enumerate(("forecast", "onestep")):
        pairs = []
        for k, (y,) in actual.items():
            p = pred.get(k)
            if p is None or not math.isfinite(p[col]):
                sys.exit(f"fit_errors: {pred_path}: no finite {name} for {k}")
            pairs.append((y, p[col]))
        out[name] = errors(pairs)
    print(json.dumps(out))


def same(bands_path, pred_path, column):
    col = {"forecast": 0, "onestep": 1}[column]
    got = {}
    for line in open(bands_path):
        r = json.loads(line)
        if r.get("type") != "band":
            continue
        labels = ",".join(f'{k}="{v}"' for k, v in sorted(r["labels"].items()))
        got[(f'{r["name"]}{{{labels}}}', float(r["ts"]))] = float(r["expected"])
    for k, p in read_tsv(pred_path, 4).items():
        g = got.get(k)
        if g is None or abs(g - p[col]) > 1e-9 * max(1.0, abs(p[col])):
            sys.exit(f"fit_errors: {bands_path} differs from {pred_path} ({column}) at {k}: "
                     f"{g} vs {p[col]}")


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--same":
        same(*sys.argv[2:])
    elif len(sys.argv) == 3:
        score(*sys.argv[1:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
