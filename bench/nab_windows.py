"""bench/nab_windows.py NAB_DIR RESULTS_DIR CATEGORY - windows found and
false-positive rows of a published NAB detector in one category, at the
standard profile's threshold NAB recorded for it (config/thresholds.json;
the detector is RESULTS_DIR's last path component, its files named
DETECTOR_FILE.csv as in NAB's results/).  A window is found when a row
inside it, after the file's probationary period (the first
min(floor(0.15 n), 750) rows), scores at or above the threshold; a false
positive is such a row outside every window.  Prints " FOUND/WINDOWS, FP |"
(one cell of bench/nab_rank.sh's table)."""
import csv
import json
import os
import sys


def main():
    nab, res, cat = sys.argv[1:4]
    det = os.path.basename(os.path.normpath(res))
    with open(os.path.join(nab, "config", "thresholds.json")) as f:
        thr = json.load(f)[det]["standard"]["threshold"]
    with open(os.path.join(nab, "labels", "combined_windows.json")) as f:
        wins = json.load(f)
    found = total = fp = 0
    for key, ws in sorted(wins.items()):
        if key.split("/")[0] != cat:
            continue
        name = os.path.basename(key)
        with open(os.path.join(res, cat, det + "_" + name)) as f:
            rows = [(r["timestamp"][:19], float(r["anomaly_score"])) for r in csv.DictReader(f)]
        prob = min(int(0.15 * len(rows)), 750)
        ws = [(a[:19], b[:19]) for a, b in ws]
        hit = [False] * len(ws)
        for i, (t, s) in enumerate(rows):
            if i < prob or s < thr:
                continue
            inside = [k for k, (a, b) in enumerate(ws) if a <= t <= b]
            for k in inside:
                hit[k] = True
            fp += not inside
        found += sum(hit)
        total += len(ws)
    print(" %d/%d, %d |" % (found, total, fp))


main()
