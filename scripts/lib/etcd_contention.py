#!/usr/bin/env python3
"""The cluster-store row under contention, for scripts/bench.sh (issue 19).

  etcd_contention.py PLUGIN_DIR WORK_DIR RUNS ETCD_DIR ETCD_SCRIPT [--rows REGEX]

"IPAM ADD, etcd store, 4 hosts x 4 parallel": 4 simulated hosts (FLATNET_NODE_NAME
bench-host-1..4) each run 4 workers at once; each worker does ADD (timed) then DEL
(untimed) of its own new containers, so 16 ADDs and DELs are in flight together. Side A
is flatnet-ipam on the 3-member TLS etcd cluster (one pool for all 16 workers), side B
flatnet-ipam on a local store on disk, one dataDir per simulated host (as four machines
would have). The sides take turns by rounds (A B B A ...), each round 16 workers x
PAIRS ADD/DEL pairs. Every ADD's time is one sample: medians and p99 per call. Any failed
call stops the benchmark with what it answered. Prints a JSON report (one row) on stdout.
"""
import argparse
import json
import math
import re
import sys
import threading
import time

import abbench
from etcd_plan import cluster_store, flatnet_ipam, ipam_side

NAME = "IPAM ADD, etcd store, 4 hosts x 4 parallel"
HOSTS, WORKERS, PAIRS = 4, 4, 4


def worker(make_side, host, index, round_index, samples, failures):
    """PAIRS ADD/DEL pairs of new containers on HOST; the ADDs' times go to SAMPLES."""
    node = f"bench-host-{host}"
    for pair in range(PAIRS):
        side = make_side(node, f"{node}-w{index}-r{round_index}-{pair}")
        try:
            samples.append(abbench.run_once(side))
            abbench.run_once(side["after"][0], label=side["label"] + " (DEL)")
        except SystemExit as failure:  # run_once's report of a failed call
            failures.append(str(failure))
            return


def run_round(make_side, round_index, samples):
    failures, threads = [], []
    for host in range(1, HOSTS + 1):
        for index in range(WORKERS):
            threads.append(threading.Thread(target=worker, args=(make_side, host, index, round_index,
                                                                 samples, failures)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(failures[0])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("plugin_dir")
    parser.add_argument("work")
    parser.add_argument("runs", type=int)
    parser.add_argument("etcd_dir")
    parser.add_argument("etcd_script")
    parser.add_argument("--rows", default=".*")
    args = parser.parse_args()
    if not re.fullmatch(args.rows, NAME):
        print("[]")
        return
    plugin = f"{args.plugin_dir}/flatnet-ipam"
    store = cluster_store(args.etcd_dir, args.etcd_script)
    labels = {"a": "flatnet-ipam, etcd (3 members, TLS, tmpfs)", "b": "flatnet-ipam, local store per host (disk)"}
    makers = {
        "a": lambda node, container: ipam_side(labels["a"], plugin, flatnet_ipam(store=store), args.plugin_dir,
                                               node, container),
        "b": lambda node, container: ipam_side(labels["b"], plugin,
                                               flatnet_ipam(dataDir=f"{args.work}/contention-{node}"),
                                               args.plugin_dir, node, container),
    }
    rounds = max(1, math.ceil(args.runs / (HOSTS * WORKERS * PAIRS)))
    samples, wall = {"a": [], "b": []}, {"a": 0.0, "b": 0.0}
    started = time.monotonic()
    for round_index in range(rounds):
        for key in ("a", "b") if round_index % 2 == 0 else ("b", "a"):
            round_started = time.monotonic()
            run_round(makers[key], round_index, samples[key])
            wall[key] += time.monotonic() - round_started
    row = {"name": NAME, "table": "cluster store", "parallel": HOSTS * WORKERS}
    for key in ("a", "b"):
        # ADDs per second of the rounds' wall time (the untimed DELs ran in it too).
        row[key] = dict(abbench.summarize(samples[key]), label=labels[key],
                        adds_per_s=round(len(samples[key]) / wall[key], 1))
    row["ratio"] = row["a"]["median_ms"] / row["b"]["median_ms"]
    row["wall_s"] = round(time.monotonic() - started, 1)
    json.dump([row], sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
