#!/usr/bin/env python3
"""Peak memory (max RSS) of one ADD, flatnet vs the reference, via GNU time.

  peak_memory.py FLATNET_BINARY WORK_DIR     (prints one abbench-style JSON row per plugin pair)

Each ADD runs under `/usr/bin/time -f %M` (kilobytes; for the reference, the largest of
bridge and the host-local it execs), into a fresh netns, followed by an untimed DEL;
5 runs each, the median reported.
"""
import json
import os
import statistics
import subprocess
import sys

import attach_plan

flatnet, work = sys.argv[1], sys.argv[2]
flat, reference = attach_plan.netconfs(work)
plugin_dir = os.path.dirname(flatnet)


def peak(binary, config, tag):
    samples = []
    for index in range(5):
        netns = f"mem-{tag}{index}"
        subprocess.run([attach_plan.IP, "netns", "add", netns], check=True)
        add = attach_plan.call(binary, "ADD", config, netns, f"mem{tag}{index}", plugin_dir)
        done = subprocess.run(["/usr/bin/time", "-f", "%M", binary], input=add["stdin"].encode(), env=add["env"],
                              capture_output=True, check=True)
        samples.append(int(done.stderr.decode().strip().split("\n")[-1]))
        delete = attach_plan.call(binary, "DEL", config, netns, f"mem{tag}{index}", plugin_dir)
        subprocess.run(delete["argv"], input=delete["stdin"].encode(), env=delete["env"], capture_output=True, check=True)
        subprocess.run([attach_plan.IP, "netns", "del", netns], check=True)
    return statistics.median(samples)


a, b = peak(flatnet, flat, "f"), peak(attach_plan.REFERENCE_BINARY, reference, "r")
json.dump([{"name": "peak memory of one ADD", "unit": "KiB",
            "a": {"label": "flatnet", "median_kib": a}, "b": {"label": "bridge+host-local (Go)", "median_kib": b},
            "ratio": a / b}], sys.stdout)
