#!/usr/bin/python3
"""bench/python_ref/aiops_ref.py - the classic Python AIOps pipeline (issue 28).

The pipeline AIOps write-ups describe, written for bench/e2e.sh the
textbook way with Debian's python3-pandas, -numpy, -statsmodels, -sklearn
and -networkx, so that aiops-eval can score it next to ours:

  load     extract the archive with tar/zstd into a temporary directory;
           metrics (Prometheus query_range JSON) into one wide DataFrame
           (time x series), alerts (Alertmanager webhooks) with
           pandas.json_normalize, spans (Jaeger JSON) into a DataFrame.
  detect   per series, a seasonal threshold: statsmodels seasonal_decompose
           (additive, one day's period) over the whole series, all series
           in one call; the residual in robust z units (median / 1.4826
           MAD), smoothed by an EWMA; points whose |EWMA z| >= K are
           anomalous, runs of at least MIN_RUN points are anomaly events.
           (Robust STL, the other textbook choice, costs 3.2 CPU s per
           7-day series at a one-day period of 288 points: hours at 10x.)
  cluster  sklearn DBSCAN over (time, service one-hot, severity) of the
           alert episodes and anomaly events; noise points are incidents of
           their own.
  rca      networkx: the service graph from the spans (parent span's
           service -> child span's service).  The anomalous services around
           an incident's start are ranked by how many anomalous services are
           their ancestors (callers), those with no anomalous descendant
           (callee) first.
  predict  sklearn LogisticRegression (class_weight='balanced') over the
           pre-incident slopes of each service's error ratio, p99 latency,
           CPU, memory, disk and saturation (rolling least-squares slope over
           2 h, in units of the series' day-long standard deviation), trained
           on another archive; the threshold gives at most 1 false tick a day
           on the training negatives; a warning fires after HOLD ticks above.

Usage:
  aiops_ref.py train ARCHIVE LABELS MODEL.pkl
  aiops_ref.py run ARCHIVE MODEL.pkl OUT.ndjson [STAGES.json]

`run` writes anomaly, alert, incident, rca, prediction and scored records
of docs/FORMAT.md (time-ordered NDJSON), and per-stage CPU seconds
(user+sys of the process and its children) and the peak RSS reached by the
end of each stage to STAGES.json.  All parameters are the constants below;
they were fixed before the benchmark's test archives were scored (see
docs/BENCHMARKS.md, issue 28's section).
"""
import glob
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
import warnings

import networkx as nx
import numpy as np
import pandas as pd
from sklearn.cluster import DBSCAN
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from statsmodels.tsa.seasonal import seasonal_decompose

warnings.simplefilter("ignore")

# detection
EWMA_SPAN = 3          # points
K = 20.0               # |EWMA robust z| threshold (bench/python_ref/tune.py)
MIN_RUN = 3            # points in a row (tune.py)
# clustering: one unit of DBSCAN distance
TIME_UNIT = 900.0      # seconds
SERVICE_W = 0.5        # one-hot weight: two services are 0.71 apart
EPS = 1.0
MIN_SAMPLES = 2
SEV = {"critical": 1.0, "warning": 0.5, "info": 0.25, "anomaly": 0.25}
# rca
RCA_PRE, RCA_POST = 900, 1200
# prediction
WINDOW = 24            # points (2 h at 5 min)
HOLD = 2               # ticks above the threshold before a warning
LEAD = 3600            # positives: the root cause's ticks this long before the deadline
NEG_GAP = 7200         # negatives: ticks this far from every label
FALSE_PER_DAY = 1.0
ROLES = {"http_error_ratio": "error", "http_latency_p99_seconds": "latency",
         "cpu_usage_ratio": "cpu", "memory_usage_bytes": "memory",
         "disk_usage_ratio": "disk", "saturation_ratio": "saturation"}


def cpu_rss():
    s = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime, max(s.ru_maxrss, c.ru_maxrss)


def series_text(m):
    name = m.get("__name__", "")
    labels = ",".join('%s="%s"' % (k, m[k]) for k in sorted(m) if k != "__name__" and m[k] != "")
    return "%s{%s}" % (name, labels) if labels else name


def to_epoch(s):
    """RFC 3339 text to epoch seconds; Alertmanager's zero time 0001-01-01
    (still firing) is out of range: only resolved alerts read endsAt."""
    return pd.to_datetime(s, utc=True, errors="coerce").astype("int64") // 10**9


# ---- load
def load(archive, tmp):
    subprocess.run(["tar", "--zstd", "-xf", archive, "-C", tmp], check=True)
    cols, meta = {}, {}
    for path in sorted(glob.glob(os.path.join(tmp, "metrics", "*", "*.json"))):
        with open(path) as fh:
            doc = json.load(fh)
        for r in doc["data"]["result"]:
            key = series_text(r["metric"])
            v = np.asarray(r["values"], dtype=float)
            cols.setdefault(key, []).append(pd.Series(v[:, 1], index=v[:, 0].astype("int64")))
            meta[key] = (r["metric"].get("__name__", ""), r["metric"].get("service", ""))
    wide = pd.DataFrame({k: pd.concat(v) for k, v in cols.items()}).sort_index()
    wide = wide[~wide.index.duplicated()]
    meta = pd.DataFrame.from_dict(meta, orient="index", columns=["metric", "service"])

    alerts = pd.DataFrame()
    path = os.path.join(tmp, "alerts", "alertmanager.ndjson")
    if os.path.exists(path):
        payloads = pd.read_json(path, lines=True)
        alerts = pd.json_normalize(payloads["alerts"].explode().dropna().tolist())

    spans = []
    for path in sorted(glob.glob(os.path.join(tmp, "traces", "jaeger", "*.json"))):
        with open(path) as fh:
            doc = json.load(fh)
        for tr in doc["data"]:
            procs = {p: v["serviceName"] for p, v in tr["processes"].items()}
            for sp in tr["spans"]:
                parent = next((r["spanID"] for r in sp["references"] if r["refType"] == "CHILD_OF"), None)
                spans.append((tr["traceID"], sp["spanID"], parent, procs[sp["processID"]]))
    spans = pd.DataFrame(spans, columns=["trace", "span", "parent", "service"])
    return wide, meta, alerts, spans


# ---- detect
def detect(wide, meta):
    """Classical additive decomposition (statsmodels seasonal_decompose: a
    centred one-day moving average as the trend, the mean of each time of
    day as the season), for all series at once; the residual in robust z
    units, smoothed by an EWMA, against K."""
    step = int(np.median(np.diff(wide.index.values)))
    period = int(round(86400 / step))
    filled = wide.interpolate(limit_direction="both")
    filled = filled.loc[:, filled.nunique() > 1]
    if len(filled) < 2 * period + 1 or filled.empty:
        return [], step
    dec = seasonal_decompose(filled.values, period=period, extrapolate_trend="freq")
    resid = dec.resid
    med = np.median(resid, axis=0)
    scale = 1.4826 * np.median(np.abs(resid - med), axis=0)
    scale = np.where(scale > 0, scale, resid.std(axis=0))
    scale = np.where(scale > 0, scale, 1e-12)
    z = pd.DataFrame((resid - med) / scale).ewm(span=EWMA_SPAN).mean().values
    expected = filled.values - resid
    bad = np.abs(z) >= K
    ts = filled.index.values
    recs = []
    for j in np.flatnonzero(bad.any(axis=0)):
        key = filled.columns[j]
        svc = meta.loc[key, "service"]
        edges = np.diff(np.concatenate(([0], bad[:, j].astype(np.int8), [0])))
        for a, b in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
            if b - a < MIN_RUN:
                continue
            peak = float(np.max(np.abs(z[a:b, j])))
            c = a + MIN_RUN - 1
            base = {"type": "anomaly", "series": key, "start": int(ts[a]), "model": "decompose-ewma",
                    "service": svc, "score": round(peak, 4), "source": "python-ref"}
            recs.append(dict(base, ts=int(ts[c]), value=float(filled.values[c, j]),
                             expected=float(expected[c, j]), state="firing"))
            if b < len(ts):
                recs.append(dict(base, ts=int(ts[b]), end=int(ts[b]), value=float(filled.values[b, j]),
                                 state="resolved"))
    return recs, step


# ---- alerts as records, and the points DBSCAN clusters
def alert_records(alerts):
    if alerts.empty:
        return [], pd.DataFrame(columns=["t", "service", "sev", "fp", "kind"])
    a = alerts.copy()
    a["start"] = to_epoch(a["startsAt"])
    a["endt"] = to_epoch(a["endsAt"])
    cols = {"labels.alertname": "name", "labels.service": "service", "labels.severity": "severity"}
    a = a.rename(columns=cols)
    for c in cols.values():
        if c not in a:
            a[c] = ""
    recs = []
    for r in a[["status", "start", "endt", "name", "service", "severity", "fingerprint"]].itertuples(index=False):
        firing = r.status == "firing"
        rec = {"type": "alert", "ts": int(r.start if firing else r.endt), "name": r.name, "state": r.status,
               "start": int(r.start), "service": r.service, "severity": r.severity,
               "fingerprint": r.fingerprint, "source": "alertmanager"}
        if not firing:
            rec["end"] = int(r.endt)
        recs.append(rec)
    fir = a[a["status"] == "firing"]
    pts = pd.DataFrame({"t": fir["start"].values, "service": fir["service"].values,
                        "sev": fir["severity"].map(SEV).fillna(0.25).values,
                        "fp": fir["fingerprint"].values, "kind": "alert"})
    return recs, pts


def cluster(alert_pts, anomalies):
    an = [r for r in anomalies if r["state"] == "firing"]
    pts = pd.concat([alert_pts, pd.DataFrame({"t": [r["start"] for r in an], "service": [r["service"] for r in an],
                                              "sev": SEV["anomaly"], "fp": [r["series"] for r in an],
                                              "kind": "anomaly"})], ignore_index=True)
    if pts.empty:
        return [], pts
    onehot = pd.get_dummies(pts["service"]).values.astype(float) * SERVICE_W
    X = np.column_stack([pts["t"].values / TIME_UNIT, onehot, pts["sev"].values])
    lab = DBSCAN(eps=EPS, min_samples=MIN_SAMPLES).fit_predict(X)
    nxt = lab.max() + 1
    noise = np.flatnonzero(lab < 0)
    lab[noise] = nxt + np.arange(len(noise))
    pts["cluster"] = lab
    incs = []
    for i, (c, g) in enumerate(sorted(pts.groupby("cluster"), key=lambda kv: kv[1]["t"].min())):
        incs.append({"type": "incident", "ts": int(g["t"].max()), "id": "py-%d" % (i + 1),
                     "start": int(g["t"].min()), "end": int(g["t"].max()),
                     "services": g["service"].value_counts().index.tolist(),
                     "alerts": g.loc[g["kind"] == "alert", "fp"].unique().tolist(),
                     "anomalies": int((g["kind"] == "anomaly").sum()), "method": "dbscan"})
    return incs, pts


# ---- rca
def service_graph(spans):
    child = spans.dropna(subset=["parent"])
    e = child.merge(spans[["trace", "span", "service"]], left_on=["trace", "parent"],
                    right_on=["trace", "span"], suffixes=("", "_parent"))
    e = e[e["service"] != e["service_parent"]]
    G = nx.DiGraph()
    G.add_nodes_from(spans["service"].unique())
    G.add_edges_from(e[["service_parent", "service"]].drop_duplicates().itertuples(index=False, name=None))
    return G


def rca(G, incidents, pts, anomalies):
    ev = pd.DataFrame([r for r in anomalies if r["state"] == "firing"] or [{"start": 0, "service": "", "score": 0}])
    recs = []
    for inc in incidents:
        t0 = inc["start"]
        near = pts[(pts["t"] >= t0 - RCA_PRE) & (pts["t"] <= t0 + RCA_POST)]
        score = ev[(ev["start"] >= t0 - RCA_PRE) & (ev["start"] <= t0 + RCA_POST)].groupby("service")["score"].max()
        bad = set(near["service"]) | set(inc["services"])
        bad.discard("")
        rows = []
        for s in bad:
            anc = nx.ancestors(G, s) if s in G else set()
            desc = nx.descendants(G, s) if s in G else set()
            rows.append((s, len(desc & bad) == 0, len(anc & bad), float(score.get(s, 0.0))))
        rows.sort(key=lambda r: (not r[1], -r[2], -r[3], r[0]))
        cands = [{"service": s, "score": round(n + (1 if leaf else 0) + min(z, 100) / 100, 4),
                  "evidence": ["%d anomalous callers upstream" % n, "no anomalous callee" if leaf else "an anomalous callee"]}
                 for s, leaf, n, z in rows]
        recs.append({"type": "rca", "ts": inc["ts"], "incident": inc["id"], "start": t0,
                     "method": "networkx-ancestors", "candidates": cands})
    return recs


# ---- prediction
def features(wide, meta):
    """Per (tick, service): the rolling 2 h slope of each role's series, in
    units of its standard deviation over the day before.  Vectorised over
    all series at once (rolling means of t, y and t*y)."""
    keep = meta[meta["metric"].isin(ROLES)]
    y = wide[keep.index].interpolate(limit_direction="both")
    t = pd.Series(np.arange(len(y), dtype=float), index=y.index)
    mt = t.rolling(WINDOW).mean()
    vt = t.rolling(WINDOW).var(ddof=0)
    cov = y.mul(t, axis=0).rolling(WINDOW).mean().sub(y.rolling(WINDOW).mean().mul(mt, axis=0))
    slope = cov.div(vt, axis=0) * WINDOW
    sd = y.rolling(288, min_periods=WINDOW).std()
    z = (slope / (sd + 1e-9)).clip(-50, 50)
    z.columns = pd.MultiIndex.from_arrays([keep["service"].values, keep["metric"].map(ROLES).values])
    f = z.T.groupby(level=[0, 1]).max().T          # one value per service and role
    f = f.stack(level=0)       # rows: (tick, service); columns: roles
    return f.reindex(columns=sorted(set(ROLES.values()))).fillna(0.0).dropna()


def train(archive, labels, out):
    with tempfile.TemporaryDirectory() as tmp:
        wide, meta, _, _ = load(archive, tmp)
    lab = pd.read_json(labels, lines=True)
    f = features(wide, meta)
    t = f.index.get_level_values(0).values
    svc = f.index.get_level_values(1).values
    dl = lab["declared"].fillna(lab["start"]) if "declared" in lab else lab["start"]
    pos = np.zeros(len(f), bool)
    near = np.zeros(len(f), bool)
    for s, d, a, b in zip(lab["root_cause"], dl, lab["start"], lab["end"].fillna(lab["start"])):
        pos |= (svc == s) & (t >= d - LEAD) & (t < d)
        near |= (t >= a - NEG_GAP) & (t <= b + NEG_GAP)
    neg = ~near
    X = np.vstack([f.values[pos], f.values[neg]])
    y = np.concatenate([np.ones(pos.sum()), np.zeros(neg.sum())])
    sc = StandardScaler().fit(X)
    lr = LogisticRegression(class_weight="balanced", max_iter=1000).fit(sc.transform(X), y)
    p = lr.predict_proba(sc.transform(f.values[neg]))[:, 1]
    days = (t.max() - t.min()) / 86400
    nfalse = int(max(1, FALSE_PER_DAY * days))
    thr = float(np.sort(p)[-nfalse]) if len(p) > nfalse else 0.5
    with open(out, "wb") as fh:
        pickle.dump({"scaler": sc, "lr": lr, "threshold": thr, "columns": list(f.columns)}, fh)
    print("aiops_ref: trained on %d positive, %d negative ticks; threshold %.3f; coefficients %s"
          % (pos.sum(), neg.sum(), thr, dict(zip(f.columns, np.round(lr.coef_[0], 3)))), file=sys.stderr)


def predict(wide, meta, model):
    f = features(wide, meta)[model["columns"]]
    p = model["lr"].predict_proba(model["scaler"].transform(f.values))[:, 1]
    above = pd.Series(p >= model["threshold"], index=f.index).unstack(level=1).fillna(False).astype(int)
    prob = pd.Series(p, index=f.index).unstack(level=1)
    c = above.cumsum()
    run = c - c.where(above == 0).ffill().fillna(0)       # ticks in a row above, per service
    recs = []
    for s in above.columns:
        col = run[s].values
        ts = run.index.values
        for i in np.flatnonzero(col == HOLD):
            recs.append({"type": "prediction", "ts": int(ts[i]), "service": s, "kind": "incident_risk",
                         "probability": round(float(prob[s].values[i]), 4), "state": "firing",
                         "source": "python-ref"})
    return recs


def run(archive, model_path, out, stages_path=None):
    stages = []
    last = [0.0]

    def mark(name):
        cpu, rss = cpu_rss()
        stages.append({"stage": name, "cpu": round(cpu - last[0], 3), "maxrss_kb": rss})
        last[0] = cpu

    with open(model_path, "rb") as fh:
        model = pickle.load(fh)
    with tempfile.TemporaryDirectory() as tmp:
        wide, meta, alerts, spans = load(archive, tmp)
    mark("load")
    anomalies, step = detect(wide, meta)
    mark("detect")
    arecs, apts = alert_records(alerts)
    incidents, pts = cluster(apts, anomalies)
    mark("cluster")
    G = service_graph(spans)
    rcas = rca(G, incidents, pts, anomalies)
    mark("rca")
    preds = predict(wide, meta, model)
    mark("predict")
    ts = wide.index.values
    scored = {"type": "scored", "ts": int(ts[-1]), "from": int(ts[0]), "to": int(ts[-1]),
              "series": int(wide.shape[1]), "points": int(wide.notna().values.sum())}
    recs = arecs + anomalies + incidents + rcas + preds + [scored]
    recs.sort(key=lambda r: r["ts"])
    with open(out, "w") as fh:
        for r in recs:
            fh.write(json.dumps(r, separators=(",", ":")) + "\n")
    mark("write")
    if stages_path:
        with open(stages_path, "w") as fh:
            json.dump(stages, fh)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "train":
        train(*sys.argv[2:])
    elif len(sys.argv) in (5, 6) and sys.argv[1] == "run":
        run(*sys.argv[2:])
    else:
        sys.exit(__doc__.split("Usage:")[1].split("`run`")[0])
