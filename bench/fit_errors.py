#!/usr/bin/env python3
"""bench/fit_errors.py ACTUAL.tsv BANDS.ndjson - pooled MAPE (%) and RMSE of
aiops-fit's band records (`expected`) against the actual values at the same
series and time; prints {"mape":..,"rmse":..,"points":..}.  Every actual
point must have a band (a missing one is an error).  Stdlib only."""
import json
import math
import sys


def main():
    actual = {}
    for line in open(sys.argv[1]):
        ts, series, v = line.rstrip("\n").split("\t")
        actual[(series, float(ts))] = float(v)
    got = {}
    for line in open(sys.argv[2]):
        r = json.loads(line)
        if r.get("type") != "band":
            continue
        labels = ",".join(f'{k}="{v}"' for k, v in sorted(r["labels"].items()))
        got[(f'{r["name"]}{{{labels}}}', float(r["ts"]))] = float(r["expected"])
    missing = [k for k in actual if k not in got]
    if missing:
        sys.exit(f"fit_errors: no band for {len(missing)} points, e.g. {missing[0]}")
    ape = [abs(v - got[k]) / abs(v) for k, v in actual.items()]
    se = [(v - got[k]) ** 2 for k, v in actual.items()]
    print(json.dumps({"mape": 100 * sum(ape) / len(ape), "rmse": math.sqrt(sum(se) / len(se)),
                      "points": len(ape)}))


if __name__ == "__main__":
    main()
