#!/usr/bin/env python3
"""bench/ait_score.py OUT.ndjson [METHOD] - grouping scores on the AIT alert
set from aiops-cluster's pass-through output: every alert carries its
`incident` and, in annotations, the data set's `time_label` (the attack
phase, or false_positive, which is one class of its own here).  Prints one
JSON line: alerts, incidents, reduction (1 - incidents/alerts), ARI, and per
phase: alerts, purity (of the incidents whose majority is that phase, the
share of their alerts that are in it) and completeness (the share of the
phase's alerts in its largest incident)."""
import collections, json, sys
from sklearn.metrics import adjusted_rand_score

truth, pred = [], []
with open(sys.argv[1]) as f:
    for line in f:
        r = json.loads(line)
        if r.get("type") != "alert" or r.get("state") == "resolved":
            continue
        truth.append(r["annotations"]["time_label"])
        pred.append(r.get("incident") or "none-%d" % len(pred))
n = len(truth)
inc = collections.defaultdict(collections.Counter)
for t, p in zip(truth, pred):
    inc[p][t] += 1
major = {p: c.most_common(1)[0][0] for p, c in inc.items()}
phases = {}
for ph, cnt in sorted(collections.Counter(truth).items(), key=lambda x: -x[1]):
    mine = [p for p in inc if major[p] == ph]
    size = sum(sum(inc[p].values()) for p in mine)
    purity = sum(inc[p][ph] for p in mine) / size if size else 0.0
    completeness = max(c[ph] for c in inc.values()) / cnt
    phases[ph] = {"alerts": cnt, "purity": round(purity, 4), "completeness": round(completeness, 4)}
print(json.dumps({"method": sys.argv[2] if len(sys.argv) > 2 else "", "alerts": n, "incidents": len(inc),
                  "reduction": round(1 - len(inc) / n, 4), "ari": round(adjusted_rand_score(truth, pred), 4),
                  "phases": phases}))
