#!/usr/bin/env python3
"""100 ADDs (sequential, then 8 in parallel), then 100 DELs, for flatnet and the
reference bridge + host-local, in alternating rounds. Prints rows in abbench.py's format.

  batch_bench.py FLATNET_BINARY WORK_DIR ROUNDS

Uses attach_plan.py's netconfs. Fails (exit 1) if any call fails or any address is
handed out twice: a fast wrong answer is not a result.
"""
import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import attach_plan

COUNT = 100


def plugins(flatnet, work):
    flat, reference = attach_plan.netconfs(work)
    return [("flatnet", flatnet, flat, "f"), ("bridge+host-local (Go)", attach_plan.REFERENCE_BINARY, reference, "r")]


def run(call):
    done = subprocess.run(call["argv"], input=call["stdin"].encode(), env=call["env"], capture_output=True)
    if done.returncode != 0:
        env = call["env"]
        what = f"{env['CNI_COMMAND']} of {env.get('CNI_CONTAINERID')}" if "CNI_COMMAND" in env else call["argv"]
        sys.exit(f"{what} failed (exit {done.returncode}): {done.stdout.decode()} {done.stderr.decode()}")
    return json.loads(done.stdout) if done.stdout.strip() else None


def batch(binary, config, tag, workers, plugin_dir):
    names = [f"batch-{tag}{i}" for i in range(COUNT)]
    for name in names:
        subprocess.run(["/usr/sbin/ip", "netns", "add", name], check=True)
    adds = [attach_plan.call(binary, "ADD", config, name, name.replace("-", ""), plugin_dir) for name in names]
    dels = [attach_plan.call(binary, "DEL", config, name, name.replace("-", ""), plugin_dir) for name in names]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        start = time.perf_counter()
        results = list(pool.map(run, adds))
        add_ms = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        list(pool.map(run, dels))
        del_ms = (time.perf_counter() - start) * 1000
    for name in names:
        subprocess.run(["/usr/sbin/ip", "netns", "del", name], check=True)
    addresses = [result["ips"][0]["address"] for result in results]
    if len(set(addresses)) != COUNT:
        sys.exit(f"duplicate addresses handed out: {len(addresses) - len(set(addresses))}")
    return add_ms, del_ms


def main():
    flatnet, work, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sides = plugins(flatnet, work)
    samples = {}
    for round_ in range(rounds):
        for label, binary, config, tag in (sides if round_ % 2 == 0 else list(reversed(sides))):
            for workers, mode in ((1, "sequential"), (8, "8-parallel")):
                add_ms, del_ms = batch(binary, config, tag, workers, os.path.dirname(flatnet))
                samples.setdefault((f"100 ADDs {mode}", label), []).append(add_ms)
                samples.setdefault((f"100 DELs {mode}", label), []).append(del_ms)
    rows = []
    for name in ("100 ADDs sequential", "100 ADDs 8-parallel", "100 DELs sequential", "100 DELs 8-parallel"):
        row = {"name": name}
        for key, (label, *_rest) in zip(("a", "b"), sides):
            values = samples[(name, label)]
            row[key] = {"median_ms": statistics.median(values), "min_ms": min(values), "max_ms": max(values),
                        "runs": len(values), "label": label}
        row["ratio"] = row["a"]["median_ms"] / row["b"]["median_ms"]
        rows.append(row)
    json.dump(rows, sys.stdout, indent=2)


if __name__ == "__main__":
    main()
