#!/usr/bin/env python3
"""bench/fit_gen.py N WEEKS - N hourly series of WEEKS weeks as aiops TSV.

Each series: level 100 +- 20, a daily pattern (business-hours hump) and a
weekly one (weekends at 70 %), a mild trend, Gaussian noise of 3 %, and
for a few series a short AR(1)-style wander.  Deterministic (seeded), so
aiops-fit and statsmodels see the same numbers.  Stdlib only.
"""
import math
import random
import sys

START = 1709510400      # 2024-03-04T00:00:00Z, a Monday
STEP = 3600


def series(k, weeks):
    rnd = random.Random(1000 + k)
    level = 80 + 40 * rnd.random()
    amp = 0.2 + 0.3 * rnd.random()
    trend = (rnd.random() - 0.5) * 0.0002      # per hour, relative: +-13 % over 8 weeks
    ar = 0.0
    for i in range(weeks * 168):
        h = i % 24
        dow = (i // 24) % 7
        day = math.exp(-((h - 14) / 4.0) ** 2)  # hump around 14:00
        wk = 0.7 if dow >= 5 else 1.0
        ar = 0.6 * ar + rnd.gauss(0, 0.02)
        v = level * (1 + trend * i) * wk * (1 + amp * day) * (1 + ar)
        v += rnd.gauss(0, 0.03 * level)
        yield START + i * STEP, v


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    weeks = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    gens = [series(k, weeks) for k in range(n)]
    for rows in zip(*gens):
        for k, (ts, v) in enumerate(rows):
            print(f'{ts}\tsvc_load{{instance="i{k:04d}"}}\t{v:.4f}')


if __name__ == "__main__":
    main()
