#!/usr/bin/env python3
"""bench/table_pandas.py KIND FILE... - the pandas peer of aiops-replay -I table
(bench/table.sh): read the CSV files with pandas.read_csv, make the same
records, sort them by time (stable) and write them as NDJSON to stdout.
KIND: simple (ts,name,value), ait (alerts), nezha (wide per-pod metrics)."""
import sys

import pandas as pd


def main():
    kind, files = sys.argv[1], sys.argv[2:]
    out = sys.stdout
    if kind == "simple":
        df = pd.read_csv(files[0])
        df = df.sort_values("ts", kind="stable")
        df.insert(0, "type", "sample")
        df.to_json(out, orient="records", lines=True)
    elif kind == "ait":
        df = pd.read_csv(files[0], dtype=str, keep_default_na=False)
        df["time"] = df["time"].astype("int64")
        df = df.sort_values("time", kind="stable")
        labels = ["ip", "short", "time_label", "event_label"]
        recs = pd.DataFrame({"type": "alert", "ts": df["time"], "name": df["name"],
                             "state": "firing", "service": df["host"]})
        recs["labels"] = df[labels].to_dict(orient="records")
        recs.to_json(out, orient="records", lines=True)
    elif kind == "nezha":
        parts = []
        for f in files:
            df = pd.read_csv(f).drop(columns=["Time"])
            idv = [c for c in ("TimeStamp", "PodName", "ServiceName") if c in df.columns]
            parts.append(df.melt(id_vars=idv, var_name="name", value_name="value"))
        df = pd.concat(parts).sort_values("TimeStamp", kind="stable")
        df.insert(0, "type", "sample")
        df.to_json(out, orient="records", lines=True)
    else:
        sys.exit("unknown kind " + kind)


if __name__ == "__main__":
    main()
