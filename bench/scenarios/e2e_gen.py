#!/usr/bin/python3
"""bench/scenarios/e2e_gen.py - writes the scenarios of bench/e2e.sh.

    /usr/bin/python3 bench/scenarios/e2e_gen.py   (rewrites e2e-*.json here)

Three sizes of one shop-like topology (issue 28): e2e-1x (10 services,
7 days), e2e-10x (100 services, 14 days), e2e-100x (300 services,
28 days), all at a 5-minute step with logs and traces on.  The layers:
entry services with their own daily/weekly traffic, a middle tier of
HTTP services, and the db/cache/queue leaves they call, plus workers.
Faults of every kind are spread over the span from day 2 on, one every
10 to 14 hours, each on a service drawn from the layer where that kind
happens; no two overlap.  Services are named db00, svc03, edge01 (no
hyphen before the number: aiops-rca reads a trailing -00 as a
StatefulSet pod ordinal and would merge db-00 ... db-09 into "db").  The topology and faults come from a fixed
random seed, so the files are reproducible; the e2e benchmark's test
archive uses the scenario seed and its training archive (for the two
predictors) seed + 1000, so no detector is ever scored on the incidents
it was trained on.
"""
import json
import os
import random

SIZES = {"1x": (10, 7), "10x": (100, 14), "100x": (300, 28)}
KINDS = ["dependency_outage", "memory_leak", "latency", "error_burst", "bad_deploy",
         "cpu_saturation", "disk_fill", "traffic_spike", "network_partition"]


def topology(n, rng):
    n_entry = max(2, n // 10)
    n_leaf = max(3, (3 * n) // 10)
    n_worker = max(1, n // 20) if n >= 20 else 0
    n_mid = n - n_entry - n_leaf - n_worker
    leaves = []
    for i in range(n_leaf):
        kind = ["db", "cache", "queue"][i % 3]
        leaves.append({"name": "%s%02d" % (kind, i // 3), "kind": kind})
    mids = [{"name": "svc%02d" % i} for i in range(n_mid)]
    for i, m in enumerate(mids):
        # a middle service calls one or two later middle services (no cycles)
        # and one to three leaves
        later = mids[i + 1:]
        callees = rng.sample(later, min(len(later), rng.choice([0, 1, 1, 2])))
        calls = [{"service": c["name"], "ratio": round(rng.uniform(0.3, 1.0), 2)} for c in callees]
        for leaf in rng.sample(leaves, min(len(leaves), rng.choice([1, 2, 3]))):
            calls.append({"service": leaf["name"], "ratio": round(rng.uniform(0.5, 2.0), 2)})
        m["calls"] = calls
    entries = []
    for i in range(n_entry):
        heads = mids[: max(1, len(mids) // 3)]
        callees = rng.sample(heads, min(len(heads), rng.choice([2, 3, 4])))
        entries.append({"name": "edge%02d" % i, "calls": [c["name"] for c in callees],
                        "traffic": {"rps": rng.choice([40, 80, 120, 160]),
                                    "peak_hour": rng.choice([12, 13, 14, 19, 20]),
                                    "daily_amplitude": 0.5}})
    workers = []
    for i in range(n_worker):
        workers.append({"name": "worker%02d" % i, "kind": "worker",
                        "calls": [x["name"] for x in rng.sample(leaves, 2)],
                        "traffic": {"rps": 5, "daily_amplitude": 0.2}})
    # one db runs the nightly batch job (the static CPU alert's false alarm)
    leaves[0]["batch"] = {"hour": 2, "duration": "90m", "cpu": 0.7}
    return entries, mids, leaves, workers


def faults(days, entries, mids, leaves, rng):
    out = []
    t = 26 * 3600 + rng.randrange(0, 4 * 3600, 300)
    end = days * 86400 - 6 * 3600
    k = 0
    callers = {}
    for m in mids + entries:
        for c in m.get("calls", []):
            callers.setdefault(c if isinstance(c, str) else c["service"], []).append(m["name"])
    while t < end:
        kind = KINDS[k % len(KINDS)]
        f = {"id": "INC-%d" % (k + 1), "kind": kind}
        if kind in ("dependency_outage", "disk_fill"):
            f["service"] = rng.choice([x for x in leaves if x["kind"] == "db"])["name"]
        elif kind == "traffic_spike":
            f["service"] = rng.choice(entries)["name"]
        elif kind == "network_partition":
            src = rng.choice([m for m in mids if m.get("calls")])
            f["service"] = src["name"]
            f["to"] = rng.choice(src["calls"])["service"]
        else:
            f["service"] = rng.choice(mids)["name"]
        f["at"] = "%ds" % t
        if kind in ("memory_leak", "disk_fill", "latency"):
            f["precursor"] = rng.choice(["60m", "90m"])
            f["duration"] = "3h"
        else:
            f["duration"] = rng.choice(["30m", "40m", "60m"])
        out.append(f)
        k += 1
        t += rng.randrange(10 * 3600, 14 * 3600, 300)
    return out


def scenario(size):
    n, days = SIZES[size]
    rng = random.Random(28 + n)
    entries, mids, leaves, workers = topology(n, rng)
    return {
        "name": "e2e-" + size,
        "description": "bench/e2e.sh (issue 28), written by bench/scenarios/e2e_gen.py: "
                       "%d services, %d days at a 5-minute step, logs and traces on, "
                       "a fault of each kind in turn every 10-14 h from day 2." % (n, days),
        "seed": 28,
        "start": "2024-01-01T00:00:00Z",
        "days": days,
        "step": "5m",
        "namespace": "bench",
        "logs": {"per_minute": 0.5},
        "traces": {"per_minute": 0.5, "formats": ["jaeger"]},
        "services": entries + mids + leaves + workers,
        "alerts": [
            {"alert": "HighCPU", "expr": "cpu_usage_ratio > 0.8", "for": "5m", "severity": "warning",
             "summary": "CPU above 80%"},
            {"alert": "HighErrorRate", "expr": "http_error_ratio > 0.05", "for": "5m",
             "severity": "critical", "summary": "More than 5% of requests fail"},
            {"alert": "HighLatency", "expr": "http_latency_p99_seconds > 1", "for": "10m",
             "severity": "warning", "summary": "p99 latency above 1s"},
            {"alert": "InstanceDown", "expr": "up == 0", "for": "0s", "severity": "critical",
             "summary": "Target down"},
            {"alert": "DiskAlmostFull", "expr": "disk_usage_ratio > 0.9", "for": "10m",
             "severity": "warning", "summary": "Disk more than 90% full"},
        ],
        "faults": faults(days, entries, mids, leaves, rng),
    }


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    for size in SIZES:
        with open(os.path.join(here, "e2e-%s.json" % size), "w") as fh:
            json.dump(scenario(size), fh, indent=1)
            fh.write("\n")
