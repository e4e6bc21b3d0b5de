#!/usr/bin/env python3
"""bench/cluster_sklearn.py ALERTS.ndjson FEATURES.tsv OUT_LABELS EPS MIN_SAMPLES [MAX_POINTS]

scikit-learn's DBSCAN on the features aiops-cluster --method dbscan uses:
time / 300 s, the service embedding (PPMI of services alerting in the same
5-minute bucket, truncated SVD, 8 dimensions, rows scaled by sqrt of the
eigenvalue) and severity / 3 * 0.5, for every firing alert (at most
MAX_POINTS, the first ones).  Writes the matrix (time-sorted) to FEATURES
for bench/cluster_dbscan.c, the labels to OUT_LABELS, and prints
"points dims seconds clusters" (seconds of DBSCAN.fit alone, CPU time)."""
import json, sys, time
import numpy as np
from sklearn.cluster import DBSCAN

path, feat_out, lab_out = sys.argv[1], sys.argv[2], sys.argv[3]
eps, min_samples = float(sys.argv[4]), int(sys.argv[5])
maxp = int(sys.argv[6]) if len(sys.argv) > 6 else 10**12
sev_rank = {"critical": 3, "warning": 2, "info": 1}
ts, svc, sev = [], [], []
names = {}
with open(path) as f:
    for line in f:
        r = json.loads(line)
        if r.get("type") != "alert" or r.get("state") == "resolved":
            continue
        ts.append(r["ts"])
        svc.append(names.setdefault(r.get("service", ""), len(names)))
        sev.append(sev_rank.get(r.get("severity", ""), 1))
        if len(ts) >= maxp:
            break
ts, svc, sev = np.array(ts), np.array(svc), np.array(sev, dtype=float)
S = len(names)
C = np.zeros((S, S))
bucket = np.floor(ts / 300).astype(np.int64)
for b in np.unique(bucket):
    s = np.unique(svc[bucket == b])
    C[np.ix_(s, s)] += 1
tot, rs = C.sum(), C.sum(axis=1)
with np.errstate(divide="ignore", invalid="ignore"):
    P = np.log(C * tot / np.outer(rs, rs))
P[~np.isfinite(P)] = 0
P[P < 0] = 0
w, v = np.linalg.eigh(P)
k = min(8, S)
emb = v[:, ::-1][:, :k] * np.sqrt(np.abs(w[::-1][:k]))
if k < 8:
    emb = np.hstack([emb, np.zeros((S, 8 - k))])
X = np.hstack([(ts / 300.0)[:, None], emb[svc], (sev / 3 * 0.5)[:, None]])
np.savetxt(feat_out, X, fmt="%.9g", delimiter="\t")
t0 = time.process_time()
lab = DBSCAN(eps=eps, min_samples=min_samples, algorithm="auto").fit(X).labels_
sec = time.process_time() - t0
np.savetxt(lab_out, lab, fmt="%d")
print(len(X), X.shape[1], "%.3f" % sec, len(set(lab)) - (1 if -1 in lab else 0))
