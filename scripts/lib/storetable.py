#!/usr/bin/env python3
"""Prints the cluster-store rows of a bench.sh JSON report (stdin): each side's median and
p99 per call, and side A (flatnet-ipam on etcd) over every other side, median and p99.
Usage: storetable.py < BENCH_JSON"""
import json
import sys

rows = [row for row in json.load(sys.stdin) if row.get("table") == "cluster store"]
if not rows:
    sys.exit(0)
LABEL_WIDTH = 48
print("cluster store (issue 19): IPAM ADD per call in ms, interleaved; the etcd members run in")
print("namespaces of this machine with their data on tmpfs, so their fsyncs are free (real disks fsync)")
header = f"{'':<{LABEL_WIDTH}}{'median':>8}{'p99':>9}   min-max"
print(header)
print("-" * (len(header) + 12))
for row in rows:
    sides = [key for key in ("a", "b", "c", "d") if key in row]
    print(row["name"] + (f"  ({row['parallel']} calls in flight)" if "parallel" in row else ""))
    for key in sides:
        side = row[key]
        rate = f"  {side['adds_per_s']:.0f} ADDs/s" if "adds_per_s" in side else ""
        print(f"  {side['label']:<{LABEL_WIDTH - 2}}{side['median_ms']:>8.2f}{side['p99_ms']:>9.2f}"
              f"   {side['min_ms']:.2f}-{side['max_ms']:.2f}{rate}")
    a = row["a"]
    for key in sides[1:]:
        other = row[key]
        print(f"  ratio etcd / {other['label'].removeprefix('flatnet-ipam, ')}: median {a['median_ms'] / other['median_ms']:.2f},"
              f" p99 {a['p99_ms'] / other['p99_ms']:.2f}")
    print(f"  ({a['runs']} ADDs per side, {row['wall_s']:.0f} s)")
