#!/usr/bin/python3
"""Prints the results of peers/run as a table of ns per operation with each
implementation's ratio to swift-macaroons, or (with --json) as one JSON object."""
import json
import platform
import sys
import time

results = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
machine = f"{platform.machine()}, {open('/proc/cpuinfo').read().count('processor')} cores, " + next(
    (l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown CPU")
date = time.strftime("%Y-%m-%d")

if len(sys.argv) > 2 and sys.argv[2] == "--json":
    print(json.dumps({"machine": machine, "date": date, "results": results}, indent=1))
    sys.exit(0)

OURS, OURS_DERIVING = "swift-macaroons", "swift-macaroons, key derived per call"
scenarios = [s for s in dict.fromkeys(r["scenario"] for r in results) if not s.startswith("upload verification")]
scaling = [r for r in results if r["scenario"].startswith("upload verification")]
implementations = list(dict.fromkeys(r["implementation"] for r in results))
peers = [i for i in implementations if not i.startswith(OURS) and not i.startswith("HMAC chain")]
value = {(r["scenario"], r["implementation"]): r["ns_per_op"] for r in results}


def table(header, rows):
    widths = [max(len(str(row[c])) for row in [header] + rows) for c in range(len(header))]
    for row in [header, ["-" * w for w in widths]] + rows:
        print(" | ".join(str(cell).ljust(width) for cell, width in zip(row, widths)))


print(f"machine: {machine}; date: {date}; ns per decode+verify (ratio to {OURS})")
table(["scenario"] + implementations,
      [[s] + [f"{value[(s, i)]:,} ({value[(s, i)] / value[(s, OURS)]:.2f}x)" for i in implementations] for s in scenarios])
if all((s, OURS_DERIVING) in value for s in scenarios):
    print(f"\neach peer's time over {OURS_DERIVING} (the same work as the peers' APIs do)")
    table(["scenario"] + peers,
          [[s] + [f"{value[(s, i)] / value[(s, OURS_DERIVING)]:.2f}x" for i in peers] for s in scenarios])
if len(scaling) == 2:
    one, two = scaling[0]["ns_per_op"], scaling[1]["ns_per_op"]
    print(f"\nupload verification throughput: 1 task {1e9 / one:,.0f}/s, 2 tasks {1e9 / two:,.0f}/s: {one / two:.2f}x")
