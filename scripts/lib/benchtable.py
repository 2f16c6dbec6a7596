#!/usr/bin/env python3
"""Prints an abbench.py JSON report (stdin) as a table, with targets where given.
Usage: benchtable.py [NAME=MAX_RATIO ...]
Below the table, each row's sides and, in brackets, the wall time the row took."""
import json
import sys

targets = dict(arg.rsplit("=", 1) for arg in sys.argv[1:])
report = json.load(sys.stdin)
if not report:  # --rows picked only rows printed elsewhere (the cluster-store table)
    sys.exit(0)
NAME_WIDTH = 32
header = f"{'operation':<{NAME_WIDTH}}{'flatnet median (min-max) ms':<32}{'reference median (min-max) ms':<34}{'ratio':>7}  target"
print(header)
print("-" * len(header))
def cell(side):
    return "-" if side is None else f"{side['median_ms']:.2f} ({side['min_ms']:.2f}-{side['max_ms']:.2f})"


for row in report:
    a, b, ratio = row["a"], row.get("b"), row.get("ratio")
    target = targets.get(row["name"])
    verdict = "" if target is None or ratio is None else f"<= {target}: {'met' if ratio <= float(target) else 'MISSED'}"
    ratio_text = "-" if ratio is None else f"{ratio:.3f}"
    print(f"{row['name']:<{NAME_WIDTH}}{cell(a):<32}{cell(b):<34}{ratio_text:>7}  {verdict}")
print(f"\nruns per side: {report[0]['a']['runs'] if report else 0}")
for row in report:
    versus = f" vs {row['b']['label']}" if "b" in row else " (no reference: a floor)"
    wall = f" [{row['wall_s']:.0f} s]" if "wall_s" in row else ""
    print(f"  {row['name']}: {row['a']['label']}{versus}{wall}")
