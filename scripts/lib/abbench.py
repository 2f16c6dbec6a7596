#!/usr/bin/env python3
"""Interleaved A/B timing of plugin executions, for scripts/bench.sh.

Reads a JSON spec on stdin:
  {"runs": 200, "cases": [{"name": "VERSION",
      "a": {"label": "flatnet", "argv": [...], "env": {...}, "stdin": "...", "after": {...}},
      "b": {"label": "bridge",  "argv": [...], "env": {...}, "stdin": "..."}}]}
A case may add sides "c" and "d" (the cluster-store rows: one ADD on three or four
stores); they take turns with A and B, and the row gets ratio_c and ratio_d (A over each).
A side's optional "before" and "after" (lists of sides without labels) run untimed
around each timed run: "before" prepares (a fresh container netns for an ADD), "after"
restores (a DEL after an ADD keeps a pool at the same size).
Each iteration runs A and B once, alternating which goes first (with more sides, the
order rotates), so drift in machine load hits both sides alike. Timing covers posix_spawn to waitpid only (no Python
subprocess machinery). A run whose exit status is not 0 aborts the benchmark with what it
printed: a failing plugin must not look fast. Prints a JSON report on stdout.
Other scripts import measure() to time one case (scripts/lib/scale_bench.py).
With --rows REGEX, only the cases whose whole name matches REGEX run (bench.sh --rows).
"""
import argparse
import fcntl
import json
import math
import os
import re
import statistics
import sys
import time

import hostns

SIDES = ("a", "b", "c", "d")


def run_once(side, label=None, outputs=None):
    """Runs SIDE once and returns its wall time in ms; with OUTPUTS (a list), appends its stdout."""
    read_end, write_end = os.pipe()
    data = side.get("stdin", "").encode()
    if len(data) > 60000:
        # A GC's list of 1,000 attachments is larger than a default pipe holds.
        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, len(data))
    os.write(write_end, data)
    os.close(write_end)
    # stdout goes to memory, not a pipe: nothing has to drain it while the clock runs, and
    # a failing call can show what it answered.
    output = os.memfd_create("abbench-stdout")
    actions = [(os.POSIX_SPAWN_DUP2, read_end, 0), (os.POSIX_SPAWN_DUP2, output, 1)]
    with hostns.inside(side.get("netns")):  # a side's own host, entered outside the clock
        start = time.perf_counter_ns()
        pid = os.posix_spawn(side["argv"][0], side["argv"], side.get("env", {}), file_actions=actions)
        _, status = os.waitpid(pid, 0)
        elapsed = time.perf_counter_ns() - start
    os.close(read_end)
    answer = os.pread(output, os.fstat(output).st_size, 0).decode(errors="replace")
    os.close(output)
    if os.waitstatus_to_exitcode(status) != 0:
        env = side.get("env", {})
        cni = {key: env[key] for key in ("CNI_COMMAND", "CNI_CONTAINERID") if key in env}
        sys.exit(f"{label or side.get('label')} exited with {os.waitstatus_to_exitcode(status)}: "
                 f"{side['argv']} {cni}\n{answer}")
    if outputs is not None:
        outputs.append(answer)
    return elapsed / 1e6


def percentile(samples, fraction):
    """Nearest rank: the smallest sample with at least FRACTION of the samples at or below it."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summarize(samples):
    return {"median_ms": statistics.median(samples), "p99_ms": percentile(samples, 0.99),
            "min_ms": min(samples), "max_ms": max(samples), "runs": len(samples)}


def measure(case, runs, outputs=None):
    """One case's report row. With OUTPUTS (a dict), each timed run's stdout is appended to
    outputs[side key] ("a" or "b"), so a caller can check what the timed calls answered."""
    started = time.monotonic()
    sides = [key for key in SIDES if key in case]  # a case with only "a" is a plain measurement
    times = {key: [] for key in sides}
    for iteration in range(runs):
        shift = iteration % len(sides)
        order = sides[shift:] + sides[:shift]  # two sides: A B, then B A
        for key in order:
            side = case[key]
            for step in side.get("before", []):
                run_once(step, label=side["label"] + " (before)")
            kept = None if outputs is None else outputs.setdefault(key, [])
            times[key].append(run_once(side, outputs=kept))
            for step in side.get("after", []):
                run_once(step, label=side["label"] + " (after)")
    row = {"name": case["name"]}
    if "table" in case:  # the table bench.sh prints the row in, when not the main one
        row["table"] = case["table"]
    for key in sides:
        row[key] = dict(summarize(times[key]), label=case[key]["label"])
    row["ratio"] = row["a"]["median_ms"] / row["b"]["median_ms"] if "b" in row else None
    for key in sides[2:]:
        row["ratio_" + key] = row["a"]["median_ms"] / row[key]["median_ms"]
    row["wall_s"] = round(time.monotonic() - started, 1)  # what the row adds to a run, untimed steps included
    return row


def main():
    parser = argparse.ArgumentParser(description="Interleaved A/B timing of the spec on stdin.")
    parser.add_argument("--rows", default=".*", help="only the cases whose whole name matches this regex")
    rows = re.compile(parser.parse_args().rows)
    spec = json.load(sys.stdin)
    report = [measure(case, spec["runs"]) for case in spec["cases"] if rows.fullmatch(case["name"])]
    json.dump(report, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
