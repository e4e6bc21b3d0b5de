#!/usr/bin/env python3
"""bench/metrics_peer.py FILE... - the Python peer of bench/metrics.sh: how
the reference pipeline (bench/python_ref/aiops_ref.py, load()) reads
Prometheus query_range JSON: json.load per file, numpy.asarray(values,
dtype=float) per series.  Prints the number of samples read."""
import json
import sys

import numpy as np

n = 0
for path in sys.argv[1:]:
    with open(path) as fh:
        doc = json.load(fh)
    for r in doc["data"]["result"]:
        v = np.asarray(r["values"], dtype=float)
        n += len(v)
print(n)
