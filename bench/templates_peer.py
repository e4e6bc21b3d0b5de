#!/usr/bin/env python3
"""templates_peer.py - the Python peer of bench/templates.sh: a plain
Drain miner (length and first-two-token tree, similarity 0.9 with <*>
counting as similar, regex masking of numbers, hex ids, IPs, paths) in
pure Python, timed on the same split messages (read as "system<TAB>message"
lines from stdin), PASSES passes.  Prints lines/s of CPU time."""
import re
import sys
import time

MASK = re.compile(r"(?:/[^\s]+)|(?:0x[0-9a-fA-F]+)|(?:[0-9a-fA-F]{8,})|"
                  r"(?:[-+]?\d+(?:[.:,-]\d+)*)")
SIM = 0.9


class Drain:
    def __init__(self):
        self.tree = {}

    def add(self, msg):
        toks = MASK.sub("<*>", msg).split()
        node = self.tree.setdefault(len(toks), {})
        for t in toks[:2]:
            key = "<*>" if "<*>" in t else t
            node = node.setdefault(key, {})
        leaf = node.setdefault(None, [])
        best, best_sim = None, -1.0
        for tpl in leaf:
            same = sum(1 for a, b in zip(tpl[0], toks) if a == "<*>" or a == b)
            sim = same / len(toks) if toks else 1.0
            if sim > best_sim:
                best, best_sim = tpl, sim
        if best is not None and best_sim >= SIM:
            best[0] = [a if a == b else "<*>" for a, b in zip(best[0], toks)]
            best[1] += 1
            return best
        tpl = [toks, 1]
        leaf.append(tpl)
        return tpl


def main():
    passes = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    by_sys = {}
    for line in sys.stdin:
        name, _, msg = line.rstrip("\n").partition("\t")
        by_sys.setdefault(name, []).append(msg)
    miners = {name: Drain() for name in by_sys}
    n = 0
    t0 = time.process_time()
    for _ in range(passes):
        for name, msgs in by_sys.items():
            d = miners[name]
            for m in msgs:
                d.add(m)
            n += len(msgs)
    sec = time.process_time() - t0
    print(f"lines {n}  cpu_seconds {sec:.3f}  lines_per_s {n / sec:.0f}")


if __name__ == "__main__":
    main()
