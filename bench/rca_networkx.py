#!/usr/bin/python3
"""rca_networkx.py SPANS.ndjson - the Python peer of bench/rca_speed.c:
read the same span stream (json.loads per line), build the caller -> callee
service graph (edges across services only, weight = calls) with networkx
and run networkx.pagerank (alpha 0.85, weight = calls, its default tol).
Spans of one trace are contiguous in the benchmark's stream, so a dict of
the current trace finds the parents (simpler than aiops's horizon table).
Prints one JSON line with CPU seconds (one core), like rca_speed."""
import json
import sys
import time

import networkx as nx


def main():
    path = sys.argv[1]
    t0 = time.process_time()
    calls = {}
    spans = 0
    cur_trace, svc_of = None, {}
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            if r.get("type") != "span":
                continue
            spans += 1
            if r["trace_id"] != cur_trace:
                cur_trace, svc_of = r["trace_id"], {}
            svc = r["service"]
            svc_of[r["span_id"]] = svc
            p = r.get("parent_span_id")
            if p:
                ps = svc_of.get(p)
                if ps is not None and ps != svc:
                    calls[(ps, svc)] = calls.get((ps, svc), 0) + 1
    t1 = time.process_time()
    g = nx.DiGraph()
    for (a, b), n in calls.items():
        g.add_edge(a, b, weight=n)
    t2 = time.process_time()
    pr = nx.pagerank(g, alpha=0.85, weight="weight")
    t3 = time.process_time()
    top = sorted(pr.items(), key=lambda kv: -kv[1])[:5]
    print(json.dumps({"spans": spans, "services": g.number_of_nodes(), "edges": g.number_of_edges(),
                      "read_and_match_s": round(t1 - t0, 3), "build_s": round(t2 - t1, 3),
                      "pagerank_s": round(t3 - t2, 4), "top": [[k, round(v, 6)] for k, v in top]}))


if __name__ == "__main__":
    main()
