#!/usr/bin/env python3
"""Interleaved A/B timing of plugin executions, for scripts/bench.sh.

Reads a JSON spec on stdin:
  {"runs": 200, "cases": [{"name": "VERSION",
      "a": {"label": "flatnet", "argv": [...], "env": {...}, "stdin": "...", "after": {...}},
      "b": {"label": "bridge",  "argv": [...], "env": {...}, "stdin": "..."}}]}
A side's optional "before" and "after" (lists of sides without labels) run untimed
around each timed run: "before" prepares (a fresh container netns for an ADD), "after"
restores (a DEL after an ADD keeps a pool at the same size).
Each iteration runs A and B once, alternating which goes first, so drift in machine
load hits both sides alike. Timing covers posix_spawn to waitpid only (no Python
subprocess machinery). A run whose exit status is not 0 aborts the benchmark: a
failing plugin must not look fast. Prints a JSON report on stdout.
"""
import json
import os
import statistics
import sys
import time


def run_once(side, label=None):
    read_end, write_end = os.pipe()
    data = side.get("stdin", "").encode()
    if len(data) > 60000:
        sys.exit("stdin too large for a pre-filled pipe")
    os.write(write_end, data)
    os.close(write_end)
    devnull = os.open(os.devnull, os.O_WRONLY)
    actions = [(os.POSIX_SPAWN_DUP2, read_end, 0), (os.POSIX_SPAWN_DUP2, devnull, 1)]
    start = time.perf_counter_ns()
    pid = os.posix_spawn(side["argv"][0], side["argv"], side.get("env", {}), file_actions=actions)
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter_ns() - start
    os.close(read_end)
    os.close(devnull)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{label or side.get('label')} exited with {os.waitstatus_to_exitcode(status)}: {side['argv']}")
    return elapsed / 1e6


def summarize(samples):
    return {"median_ms": statistics.median(samples), "min_ms": min(samples), "max_ms": max(samples),
            "runs": len(samples)}


def main():
    spec = json.load(sys.stdin)
    report = []
    for case in spec["cases"]:
        sides = [key for key in ("a", "b") if key in case]  # a case with only "a" is a plain measurement
        times = {key: [] for key in sides}
        for iteration in range(spec["runs"]):
            order = sides if iteration % 2 == 0 else list(reversed(sides))
            for key in order:
                side = case[key]
                for step in side.get("before", []):
                    run_once(step, label=side["label"] + " (before)")
                times[key].append(run_once(side))
                for step in side.get("after", []):
                    run_once(step, label=side["label"] + " (after)")
        row = {"name": case["name"]}
        for key in sides:
            row[key] = dict(summarize(times[key]), label=case[key]["label"])
        row["ratio"] = row["a"]["median_ms"] / row["b"]["median_ms"] if "b" in row else None
        report.append(row)
    json.dump(report, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
