#!/usr/bin/env python3
"""The scale rows of scripts/bench.sh: ADD, DEL and CHECK with 1 to 1,000 containers attached.

  scale_bench.py FLATNET_BINARY WORK_DIR [--sizes 1,10,100,1000] [--runs 20] [--admin-runs 5]

Runs inside the benchmark's throwaway namespace, before any case that leaves an attachment
behind: both pools must start empty. Each side plays a host of its own (hostns.py: a
namespace entered with setns, so a side's containers are the only ones on its host, as on a
real node); flatnet's host has its uplink, eth1, plugged into bench.sh's switch namespace.
For each size N, smallest first:
1. Both sides grow to N attached containers the same way: one netns per container (made
   with `ip -batch`), attached by that plugin's own ADD, one after the other. flatnet uses
   attach_plan.netconfs()'s netconf (port security on, the default); the reference is the
   Debian bridge + host-local with its netconf from the same place.
2. Interleaved A/B (abbench.measure), RUNS per side: ADD of container N+1 (an untimed DEL
   after, so the size stays N), DEL of container N+1 (an untimed ADD before), CHECK of the
   first container (prevResult from its ADD).
3. The kernel floor at N (scale_floor.py): one `ip link add` of a veth whose peer is born
   in a fresh netns, onto a bridge with N ports, and its `ip link del`.
4. Each pool holds exactly the attached containers' leases, at the addresses their ADDs
   returned, none twice, and no timed ADD was handed an address an attached one holds.
At the largest size, flatnet alone, ADMIN_RUNS each: CNI GC (cni.dev/valid-attachments
listing every attached container, so nothing may be collected), STATUS, `ipam list` and
`doctor` (last: it fails on any veth, lease or set element GC took by mistake).
Then every container is deleted by its plugin's DEL (8 at a time) and both pools must be
empty. A failing call aborts the run (exit 1) with its output: a fast wrong answer is not
a result; netns and links are removed on every exit. Prints the rows in abbench.py's
format, each with "attached": N, then a row with the part's wall time. Progress: stderr.
"""
import argparse
import ipaddress
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import abbench
import attach_plan
import batch_bench
import hostns
from scale_floor import FloorBridge, ip_batch

GO = "bridge+host-local (Go)"
HOSTS = {"a": "sc-host-flatnet", "b": "sc-host-reference", "floor": "sc-host-floor"}
DEL_WORKERS = 8


def say(text):
    print(f"==> scale: {text}", file=sys.stderr, flush=True)


class Side:
    """One plugin and the containers attached to it: sc-<prefix><i>, in order of attachment."""

    def __init__(self, key, label, binary, config, prefix, host):
        self.key, self.label, self.binary, self.config, self.prefix = key, label, binary, config, prefix
        self.host = host  # the side's own host namespace: its containers are the only ones there
        self.plugin_dir = os.path.dirname(binary)
        self.created = 0  # namespaces made, attached or not: what a cleanup deletes
        self.results = []  # the attached containers' ADD results, by index

    def netns(self, index):
        return f"sc-{self.prefix}{index}"

    def container(self, index):
        return f"sc{self.prefix}{index}"

    def call(self, command, index, config=None):
        return attach_plan.call(self.binary, command, config or self.config, self.netns(index),
                                self.container(index), self.plugin_dir)

    def grow(self, count):
        with hostns.inside(self.host):
            self._grow(count)

    def _grow(self, count):
        new = range(self.created, count)
        self.created = max(self.created, count)
        ip_batch([f"netns add {self.netns(i)}" for i in new], f"{self.label}: netns add")
        for index in new:
            self.results.append(batch_bench.run(self.call("ADD", index)))
            if index == 0 and self.key == "b":
                pin_bridge_mac(self.config["bridge"], self.results[0])

    def detach_all(self, strict):
        """DEL of every container (spares of the timed rows too after a failure), then their netns."""
        with hostns.inside(self.host):  # the DEL workers, threads started here, inherit it
            self._detach_all(strict)

    def _detach_all(self, strict):
        calls = [self.call("DEL", index) for index in range(self.created)]
        if not strict:
            calls.append(attach_plan.call(self.binary, "DEL", self.config, f"bench-s{self.prefix}",
                                          f"benchs{self.prefix}", self.plugin_dir))
        with ThreadPoolExecutor(max_workers=DEL_WORKERS) as pool:
            done = list(pool.map(lambda call: subprocess.run(call["argv"], input=call["stdin"].encode(),
                                                             env=call["env"], capture_output=True), calls))
        failed = [f"{call['env']['CNI_CONTAINERID']}: {result.stdout.decode()} {result.stderr.decode()}"
                  for call, result in zip(calls, done) if result.returncode != 0]
        names = [self.netns(index) for index in range(self.created)]
        names += [] if strict else [f"bench-s{self.prefix}"]
        ip_batch([f"netns del {name}" for name in names], f"{self.label}: netns del", strict)
        self.created, self.results = 0, []
        if failed and strict:
            sys.exit(f"{self.label}: DEL failed for {len(failed)} containers: {failed[:3]}")
        if failed:
            say(f"{self.label}: cleanup DEL failed for {len(failed)} containers: {failed[:3]}")


def pin_bridge_mac(bridge, result):
    """The reference bridge plugin (1.1.1) leaves its bridge's MAC to the kernel, which gives
    it the lowest MAC among the ports, so it changes as containers come and go; its own
    CHECK then fails ("Bridge interface cni-ref Mac doesn't match") with the first ADD's
    prevResult. Pinning it to what that result reports, as flatnet pins its own bridge's
    MAC, lets the reference's CHECK be timed at every size."""
    mac = next(entry["mac"] for entry in result["interfaces"] if entry["name"] == bridge)
    subprocess.run([attach_plan.IP, "link", "set", bridge, "address", mac], check=True)


def address(text):
    return text.split("/")[0]


def held_leases(side, conf_path):
    """[(containerID, address)] as the side's IPAM state holds them."""
    if side.key == "a":  # (pool state on disk: any namespace reads it)
        listing = batch_bench.run({"argv": [side.binary, "ipam", "list", "--conf", conf_path, "--json"],
                                   "env": {}, "stdin": ""})
        return [(lease["containerID"], lease["address"]) for lease in listing or []]
    pool = os.path.join(side.config["ipam"]["dataDir"], side.config["name"])
    leases = []
    for name in os.listdir(pool) if os.path.isdir(pool) else []:
        try:
            ipaddress.ip_address(name)
        except ValueError:
            continue  # last_reserved_ip.0, lock
        with open(os.path.join(pool, name)) as lease:
            leases.append((lease.read().splitlines()[0].strip(), name))
    return leases


def check_pool(side, size, leases, timed_adds):
    expected = {side.container(index): address(result["ips"][0]["address"])
                for index, result in enumerate(side.results)}
    problems = []
    twice = sorted(held for held, count in Counter(held for _, held in leases).items() if count > 1)
    if twice:
        problems.append(f"addresses held twice: {twice[:10]}")
    held = dict(leases)
    if len(leases) != len(expected):
        problems.append(f"{len(leases)} leases held for {len(expected)} attached containers")
    if held != expected:
        differ = sorted(set(held.items()) ^ set(expected.items()))
        problems.append(f"{len(differ)} leases differ from the ADD results (held vs returned): {differ[:10]}")
    handed = {address(json.loads(output)["ips"][0]["address"]) for output in timed_adds}
    clashes = sorted(handed & set(expected.values()))
    if clashes:
        problems.append(f"timed ADDs were handed held addresses: {clashes[:10]}")
    if problems:
        sys.exit(f"{side.label}, {size} attached: pool inconsistent: " + "; ".join(problems))


def timed_cases(sides, size):
    flat, reference = sides

    def both(verb, build):
        return {"name": f"{verb} at {size} attached", "a": hostns.placed(build(flat), flat.host),
                "b": hostns.placed(build(reference), reference.host)}

    def spare(side, verb):  # container N+1, in netns bench-s<prefix>
        tag = f"s{side.prefix}"
        return attach_plan.side(side.label, side.binary, side.config, tag, verb, side.plugin_dir)

    def check_first(side):
        return dict(side.call("CHECK", 0, dict(side.config, prevResult=side.results[0])), label=side.label)

    return [both("ADD", lambda side: spare(side, "ADD")), both("DEL", lambda side: spare(side, "DEL")),
            both("CHECK", check_first)]


def admin_cases(flat, size, conf_path):
    """flatnet alone at the largest size: GC first, so doctor, last, sees what it left."""
    cli_env = {"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")}
    attachments = [{"containerID": flat.container(i), "ifname": "eth0"} for i in range(len(flat.results))]
    newest = dict(flat.config, cniVersion="1.1.0")
    cni_env = {"CNI_PATH": f"{flat.plugin_dir}:/usr/lib/cni"}
    gc = {"argv": [flat.binary], "env": dict(cni_env, CNI_COMMAND="GC"),
          "stdin": json.dumps(dict(newest, **{"cni.dev/valid-attachments": attachments}))}
    status = {"argv": [flat.binary], "env": dict(cni_env, CNI_COMMAND="STATUS"), "stdin": json.dumps(newest)}
    cli = [("ipam list", ["ipam", "list", "--conf", conf_path]), ("doctor", ["doctor", "--conf", conf_path])]
    cases = ([{"name": f"GC at {size} attached", "a": dict(gc, label="flatnet GC, all attachments valid")},
              {"name": f"STATUS at {size} attached", "a": dict(status, label="flatnet STATUS")}]
             + [{"name": f"{name} at {size} attached",
                 "a": {"label": f"flatnet {name}", "argv": [flat.binary, *argv], "env": cli_env}}
                for name, argv in cli])
    return [dict(case, a=hostns.placed(case["a"], flat.host)) for case in cases]


def measure_size(sides, floor, size, options, phases):
    say(f"growing each side to {size} attached containers (sequential ADDs), and the floor bridge")
    started = time.monotonic()
    for side in sides:
        side.grow(size)
    floor.grow(size)
    phases["grow_s"] += time.monotonic() - started
    # A host in service, not one in the middle of a burst of 1,000 ADDs: every new container
    # sends IPv6 DAD, MLD and router solicitations for seconds after it is up, each flooded
    # to every port, on both sides alike.
    say(f"settling for {options.settle:g} s")
    time.sleep(options.settle)
    say(f"timing at {size} attached ({options.runs} runs per side, interleaved)")
    started = time.monotonic()
    timed_adds = {}
    rows = [abbench.measure(case, options.runs, timed_adds if case["name"].startswith("ADD ") else None)
            for case in timed_cases(sides, size) + floor.cases(size)]
    if size == options.sizes[-1]:
        admin = admin_cases(sides[0], size, options.conf)
        rows += [abbench.measure(case, options.admin_runs) for case in admin]
    for side in sides:
        check_pool(side, size, held_leases(side, options.conf), timed_adds.get(side.key, []))
    phases["timed_s"] += time.monotonic() - started
    return [dict(row, attached=size) for row in rows]


def parse_options():
    parser = argparse.ArgumentParser(description="flatnet's scale rows (see the module text)")
    parser.add_argument("flatnet")
    parser.add_argument("work")
    parser.add_argument("--sizes", default="1,10,100,1000",
                        type=lambda text: sorted({int(size) for size in text.split(",")}))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--admin-runs", type=int, default=5)
    parser.add_argument("--settle", type=float, default=10.0)
    options = parser.parse_args()
    if not options.sizes or options.sizes[0] < 1 or options.runs < 1 or options.admin_runs < 1:
        parser.error("sizes, runs and admin runs must be at least 1")
    return options


def main():
    options = parse_options()
    started = time.monotonic()
    flat_config, reference_config = attach_plan.netconfs(options.work)
    sides = [Side("a", "flatnet", options.flatnet, flat_config, "f", HOSTS["a"]),
             Side("b", GO, attach_plan.REFERENCE_BINARY, reference_config, "r", HOSTS["b"])]
    options.conf = os.path.join(options.work, "scale-flatnet.json")
    with open(options.conf, "w") as conf:
        json.dump(flat_config, conf)
    # Each side on a host of its own (hostns.py); flatnet's has its uplink, eth1, on the switch.
    hostns.make(HOSTS["a"], uplink=flat_config["uplink"], switch="bench-switch")
    hostns.make(HOSTS["b"])
    hostns.make(HOSTS["floor"])
    floor, rows, phases = FloorBridge(HOSTS["floor"]), [], {"grow_s": 0.0, "timed_s": 0.0, "cleanup_s": 0.0}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the cleanup below runs
    for side in sides:
        check_pool(side, 0, held_leases(side, options.conf), [])  # nothing attached before us
    finished = False
    try:
        for size in options.sizes:
            rows += measure_size(sides, floor, size, options, phases)
        finished = True
    finally:
        say("deleting every container (DEL, 8 at a time) and the floor bridge" if finished
            else "failed: cleaning up what was made")
        cleanup_started = time.monotonic()
        for side in sides:
            side.detach_all(strict=finished)
        floor.remove(strict=finished)
        for host in HOSTS.values():
            hostns.remove(host)
        phases["cleanup_s"] = time.monotonic() - cleanup_started
    for side in sides:
        check_pool(side, 0, held_leases(side, options.conf), [])  # every lease released
    total = time.monotonic() - started
    say(f"done in {total:.0f} s (growing {phases['grow_s']:.0f} s, timing {phases['timed_s']:.0f} s, "
        f"cleanup {phases['cleanup_s']:.0f} s)")
    wall = dict({key: round(value, 1) for key, value in phases.items()}, label="scale_bench.py",
                seconds=round(total, 1), runs=options.runs, sizes=options.sizes)
    rows.append({"name": "scale part wall time", "attached": options.sizes[-1], "unit": "s", "a": wall})
    json.dump(rows, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
