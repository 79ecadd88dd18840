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

scenarios = [s for s in dict.fromkeys(r["scenario"] for r in results) if not s.startswith("upload verification")]
scaling = [r for r in results if r["scenario"].startswith("upload verification")]
implementations = list(dict.fromkeys(r["implementation"] for r in results))
value = {(r["scenario"], r["implementation"]): r["ns_per_op"] for r in results}
print(f"machine: {machine}; date: {date}; ns per decode+verify (ratio to swift-macaroons)")
header = ["scenario"] + implementations
rows = []
for scenario in scenarios:
    ours = value[(scenario, "swift-macaroons")]
    rows.append([scenario] + [f"{value[(scenario, i)]:,} ({value[(scenario, i)] / ours:.2f}x)" for i in implementations])
widths = [max(len(str(row[c])) for row in [header] + rows) for c in range(len(header))]
for row in [header, ["-" * w for w in widths]] + rows:
    print(" | ".join(str(cell).ljust(width) for cell, width in zip(row, widths)))
if len(scaling) == 2:
    one, two = scaling[0]["ns_per_op"], scaling[1]["ns_per_op"]
    print(f"\nupload verification throughput: 1 task {1e9 / one:,.0f}/s, 2 tasks {1e9 / two:,.0f}/s: {one / two:.2f}x")
