#!/usr/bin/env python3
"""bench/metrics_bigdoc.py MB SERIES - one Prometheus query_range document
of about MB megabytes on stdout (SERIES series at a 15 s step, values with
a few decimals), for bench/metrics.sh's bounded-memory row."""
import sys

mb, nser = int(sys.argv[1]), int(sys.argv[2])
per_point = 24                      # bytes of '[1700000000,"123.45"],'
points = max(1, mb * 1000 * 1000 // per_point // nser)
out = sys.stdout
out.write('{"status":"success","data":{"resultType":"matrix","result":[\n')
x = 42
for s in range(nser):
    out.write('%s{"metric":{"__name__":"node_cpu_usage","instance":"10.0.%d.%d:9100",'
              '"job":"node"},"values":[' % ("," if s else "", s // 250, s % 250))
    buf = []
    for i in range(points):
        x = (x * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        buf.append('[%d,"%.2f"]' % (1700000000 + 15 * i, ((x >> 33) % 100000) / 100.0))
        if len(buf) == 10000:
            out.write(",".join(buf))
            buf = []
            if i + 1 < points:
                out.write(",")
    out.write(",".join(buf))
    out.write("]}\n")
out.write("]}}\n")
