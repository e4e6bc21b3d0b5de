#!/usr/bin/python3
"""bench/python_ref/tune.py ARCHIVE LABELS EVAL - how aiops_ref.py's K and
MIN_RUN were chosen: event-wise F1 (aiops-eval, the binary EVAL) of the
detector over a grid, on a training archive (bench/e2e.sh's seed + 1000,
never a test archive).  Prints one line per grid point, best last."""
import json
import subprocess
import sys
import tempfile

import aiops_ref as ref


def main(archive, labels, evalbin):
    with tempfile.TemporaryDirectory() as tmp:
        wide, meta, _, _ = ref.load(archive, tmp)
    best = None
    for k in (3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 15.0, 20.0, 30.0):
        for m in (1, 2, 3, 4, 6):
            ref.K, ref.MIN_RUN = k, m
            recs, _ = ref.detect(wide, meta)
            ts = wide.index.values
            recs.append({"type": "scored", "ts": int(ts[-1]), "from": int(ts[0]), "to": int(ts[-1]),
                         "series": 1, "points": 1})
            recs.sort(key=lambda r: r["ts"])
            out = subprocess.run([evalbin, "--labels", labels, "-"], input="\n".join(json.dumps(r) for r in recs),
                                 capture_output=True, text=True)
            ev = json.loads(out.stdout)["detection"]["event"]
            line = "K %-4g MIN_RUN %d  F1 %.3f  precision %.3f  recall %.3f  false/day %.2f" % (
                k, m, ev["f1"] or 0, ev["precision"] or 0, ev["recall"] or 0, ev["false_per_day"] or 0)
            print(line, flush=True)
            if best is None or (ev["f1"] or 0) > best[0]:
                best = (ev["f1"] or 0, line)
    print("best: " + best[1])


if __name__ == "__main__":
    main(*sys.argv[1:])
