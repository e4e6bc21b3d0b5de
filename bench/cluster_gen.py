#!/usr/bin/env python3
"""bench/cluster_gen.py N OUT.ndjson OUT.graph [SEED] - a synthetic alert
history for bench/cluster.sh: a 4-ary call tree of 400 services; every 15 minutes
on average a fault at a random service storms its callers (up to 4 hops up), each
firing 1-4 of 8 alert rules, re-sent while firing (repeats), with a resolved
record at the end; 5 % of the alerts are unrelated noise.  Writes N firing
alerts (plus their resolved records) in time order, and the graph file.
The true incident of each alert is in labels.incident_truth (aiops-cluster
is told to ignore it)."""
import json, random, sys

n_target, out, gout = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rnd = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 7)
S = 400
parent = [-1] + [(i - 1) // 4 for i in range(1, S)]   # caller of each service: a 4-ary tree
names = ["svc-%03d" % i for i in range(S)]
with open(gout, "w") as g:
    g.write("digraph {\n")
    for i in range(1, S):
        g.write('  "%s" -> "%s";\n' % (names[parent[i]], names[i]))
    g.write("}\n")
rules = [("ErrorRateWarning", "warning", "More than 2% of requests fail on {s}"),
         ("ErrorRateCritical", "critical", "More than 10% of requests fail on {s}"),
         ("LatencyP99", "warning", "p99 latency above 800ms on {s}"),
         ("LatencyP99Critical", "critical", "p99 latency above 2s on {s}"),
         ("InstanceDown", "critical", "Target down on {s}"),
         ("HighCPU", "warning", "CPU above 85% on {s}: {v}"),
         ("QueueBacklog", "warning", "{v} messages waiting on {s}"),
         ("ErrorsPerSecond", "warning", "Error volume {v}/s on {s}")]
events = []   # (ts, seq, record)
seq = 0
t = 1704067200.0
firing = 0
inc = 0
while firing < n_target:
    t += rnd.expovariate(1 / 900.0)          # a fault every 15 minutes on average
    inc += 1
    root = rnd.randrange(S)
    chain, s = [], root
    for _ in range(5):
        chain.append(s)
        s = parent[s]
        if s < 0:
            break
    dur = rnd.uniform(300, 1500)
    for hop, svc in enumerate(chain):
        for ri in rnd.sample(range(len(rules)), rnd.randint(1, 4)):
            name, sev, summ = rules[ri]
            noise = rnd.random() < 0.05
            st = t + hop * 60 + rnd.uniform(0, 120) + (rnd.uniform(3600, 7200) if noise else 0)
            end = st + rnd.uniform(300, dur)
            lab = {"alertname": name, "namespace": "prod", "service": names[svc], "severity": sev,
                   "incident_truth": "noise-%d" % seq if noise else "inc-%d" % inc}
            fp = "%016x" % ((ri * 1000003 + svc) * 0x9E3779B97F4A7C15 & 0xFFFFFFFFFFFFFFFF)
            base = {"type": "alert", "name": name, "start": round(st, 3), "service": names[svc],
                    "severity": sev, "labels": lab, "fingerprint": fp, "source": "alertmanager"}
            rt = st
            while rt < end and firing < n_target:   # re-sent every 5 minutes while firing
                r = dict(base, ts=round(rt, 3), state="firing",
                         annotations={"summary": summ.format(s=names[svc], v=rnd.randint(1, 999))})
                events.append((rt, seq, r)); seq += 1
                firing += 1
                rt += 300
            r = dict(base, ts=round(end, 3), state="resolved", end=round(end, 3),
                     annotations={"summary": summ.format(s=names[svc], v=0)})
            events.append((end, seq, r)); seq += 1
events.sort(key=lambda e: (e[0], e[1]))
with open(out, "w") as f:
    for _, _, r in events:
        f.write(json.dumps(r, separators=(",", ":")) + "\n")
