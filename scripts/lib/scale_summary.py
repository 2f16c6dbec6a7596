#!/usr/bin/env python3
"""Prints the scale rows of a bench.sh JSON report (scale_bench.py's, those with "attached")
as one table per size, the flatnet-only rows at the largest size, and the targets.

  scale_summary.py BENCH_JSON

A target line says met or MISSED; nothing fails on a number (a script, not a test).
"""
import json
import sys

TARGET_SIZE, GROWTH_BASE = 1000, 10
ADMIN = ("GC", "STATUS", "ipam list", "doctor")


def scale_rows(path):
    """{(name without " at N attached", N): row} and the wall-time row."""
    rows, wall = {}, None
    for row in json.load(open(path)):
        if "attached" not in row:
            continue
        if row["name"] == "scale part wall time":
            wall = row
            continue
        rows[(row["name"].rsplit(" at ", 1)[0], row["attached"])] = row
    return rows, wall


def median(rows, name, size, side="a"):
    row = rows.get((name, size))
    return None if row is None or side not in row else row[side]["median_ms"]


def cell(value, width=8, digits=2):
    return f"{'-' if value is None else f'{value:.{digits}f}':>{width}}"


def ratio(top, bottom):
    return None if top is None or not bottom else top / bottom


def print_table(rows, sizes):
    print("scale: medians in ms, interleaved A/B; ratio = flatnet / bridge+host-local (Go); floor = one\n"
          "`ip link add` of a veth (peer in a fresh netns, master, up) on a bridge with as many ports")
    header = f"{'attached':>8} |"
    for verb in ("ADD flat", "DEL flat", "CHECK fl"):
        header += f"{verb:>9}{'ref':>8}{'ratio':>7} |"
    header += f"{'floor add':>10}{'del':>8} |{'ADD/floor':>10}"
    print(header)
    print("-" * len(header))
    for size in sizes:
        line = f"{size:>8} |"
        for verb in ("ADD", "DEL", "CHECK"):
            flat, reference = median(rows, verb, size), median(rows, verb, size, "b")
            line += f"{cell(flat, 9)}{cell(reference)}{cell(ratio(flat, reference), 7, 3)} |"
        floor_add = median(rows, "floor: veth add", size)
        line += f"{cell(floor_add, 10)}{cell(median(rows, 'floor: veth del', size))} |"
        print(line + cell(ratio(median(rows, "ADD", size), floor_add), 10, 3))


def verdict(value, limit):
    if value is None:
        return "-"
    return f"{value:.3f} (target <= {limit}: {'met' if value <= limit else 'MISSED'})"


def print_targets(rows, sizes):
    large = sizes[-1]
    note = "" if large == TARGET_SIZE else f"  [targets are set at {TARGET_SIZE}; largest measured: {large}]"
    flat_add = median(rows, "ADD", large)
    print(f"target: ADD at {large}, flatnet / reference: "
          f"{verdict(ratio(flat_add, median(rows, 'ADD', large, 'b')), 0.5)}{note}")
    print(f"target: ADD at {large}, flatnet / floor: "
          f"{verdict(ratio(flat_add, median(rows, 'floor: veth add', large)), 2.0)}{note}")
    small = GROWTH_BASE if GROWTH_BASE in sizes[:-1] else sizes[0]
    if small != large:
        growth = ratio(flat_add, median(rows, "ADD", small))
        reference_growth = ratio(median(rows, "ADD", large, "b"), median(rows, "ADD", small, "b"))
        print(f"target: flatnet ADD at {large} / at {small}: {verdict(growth, 2.0)}"
              f"  (reference: {cell(reference_growth, 0, 2)})")
    print(f"target: DEL at {large}, flatnet / reference: "
          f"{verdict(ratio(median(rows, 'DEL', large), median(rows, 'DEL', large, 'b')), 1.0)}{note}")


def main():
    rows, wall = scale_rows(sys.argv[1])
    sizes = sorted({size for _, size in rows})
    if not sizes:
        print("scale: no scale rows in this report")
        return
    print_table(rows, sizes)
    large = sizes[-1]
    admin = [f"{name} {cell(median(rows, name, large), 0)} ms" for name in ADMIN if (name, large) in rows]
    if admin:
        runs = rows[(ADMIN[0], large)]["a"]["runs"]
        print(f"flatnet alone at {large} attached (median of {runs}): " + ", ".join(admin))
    print_targets(rows, sizes)
    if wall:
        part = wall["a"]
        print(f"scale part: {part['seconds']:.0f} s (growing {part['grow_s']:.0f} s, "
              f"timing {part['timed_s']:.0f} s, cleanup {part['cleanup_s']:.0f} s); "
              f"sizes {','.join(map(str, part['sizes']))}, "
              f"{part['runs']} runs per side")


if __name__ == "__main__":
    main()
