#!/usr/bin/env python3
"""Prints an abbench.py JSON report (stdin) as a table, with targets where given.
Usage: benchtable.py [NAME=MAX_RATIO ...]"""
import json
import sys

targets = dict(arg.split("=", 1) for arg in sys.argv[1:])
report = json.load(sys.stdin)
header = f"{'operation':<26}{'flatnet median (min-max) ms':<32}{'reference median (min-max) ms':<34}{'ratio':>7}  target"
print(header)
print("-" * len(header))
for row in report:
    a, b = row["a"], row["b"]
    cell = lambda s: f"{s['median_ms']:.2f} ({s['min_ms']:.2f}-{s['max_ms']:.2f})"
    target = targets.get(row["name"])
    verdict = "" if target is None else f"<= {target}: {'met' if row['ratio'] <= float(target) else 'MISSED'}"
    print(f"{row['name']:<26}{cell(a):<32}{cell(b):<34}{row['ratio']:>7.3f}  {verdict}")
print(f"\nruns per side: {report[0]['a']['runs'] if report else 0}")
for row in report:
    print(f"  {row['name']}: {row['a']['label']} vs {row['b']['label']}")
