#!/usr/bin/env python3
"""Many hosts, one pool in etcd: the proof of issue 19, run by FlatnetEndToEndTests.

  cluster_stress.py BINARY CONFIG CLUSTER_DIR ETCD_SCRIPT [--kill N]

BINARY (the flatnet binary) runs as flatnet-ipam through a symlink. CONFIG is a netconf
whose ipam block has a store section. HOSTS simulated hosts (FLATNET_NODE_NAME host-1..4)
each run WORKERS processes in parallel; each worker does ADD/DEL pairs on its own
containers until its host has made OPS calls, and ends holding its last ADD. With --kill N,
member N of the cluster is SIGKILLed when half the calls are done. At the end the store is
read with etcdctl and compared with what the workers hold.

Prints one JSON summary line; exits 0 when every check held, 1 otherwise.
"""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

HOSTS, WORKERS, OPS = 4, 8, 2000


def call(plugin, config, node, command, container):
    env = {"CNI_COMMAND": command, "CNI_CONTAINERID": container, "CNI_NETNS": "/proc/1/ns/net",
           "CNI_IFNAME": "eth0", "CNI_PATH": os.path.dirname(plugin), "FLATNET_NODE_NAME": node}
    done = subprocess.run([plugin], input=config, env=env, capture_output=True)
    reply = json.loads(done.stdout) if done.stdout.strip() else {}
    return done.returncode, reply


def worker(plugin, config, node, index, calls, state):
    holds, failures, current = [], [], None
    for op in range(calls // 2):
        container = "%s-w%d-c%d" % (node, index, op)
        status, reply = call(plugin, config, node, "ADD", container)
        if status != 0:
            failures.append({"call": "ADD", "container": container, "reply": reply})
            continue
        address = reply["ips"][0]["address"].split("/")[0]
        start = time.monotonic()
        state.tick()
        if op == calls // 2 - 1:
            current = (address, container, start)
            break
        end = time.monotonic()
        status, reply = call(plugin, config, node, "DEL", container)
        state.tick()
        if status != 0:
            failures.append({"call": "DEL", "container": container, "reply": reply})
        holds.append((address, start, end))
    return holds, failures, current


class Progress:
    def __init__(self, total, on_half):
        self.lock, self.done, self.total, self.on_half, self.fired = threading.Lock(), 0, total, on_half, False

    def tick(self):
        with self.lock:
            self.done += 1
            fire = not self.fired and self.done >= self.total // 2
            self.fired = self.fired or fire
        if fire and self.on_half:
            self.on_half()


def overlapping(holds):
    by_address, overlaps = {}, 0
    for address, start, end in holds:
        by_address.setdefault(address, []).append((start, end))
    for spans in by_address.values():
        spans.sort()
        overlaps += sum(1 for a, b in zip(spans, spans[1:]) if b[0] < a[1])
    return overlaps


def store_view(store, prefix):
    """The store's keys under `prefix`, read with etcdctl through the netconf's own endpoints
    and TLS files."""
    tls = store["tls"]
    out = subprocess.run(["etcdctl", "--endpoints", ",".join(store["endpoints"]), "--cacert", tls["caFile"],
                          "--cert", tls["certFile"], "--key", tls["keyFile"], "get", "--prefix", prefix],
                         env=dict(os.environ, ETCDCTL_API="3"), capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit("etcdctl get failed: %s" % out.stderr.strip())
    lines = out.stdout.splitlines()
    return dict(zip(lines[0::2], lines[1::2]))


def main():
    binary, config_path, cluster_dir, etcd_script = sys.argv[1:5]
    kill = int(sys.argv[6]) if len(sys.argv) > 6 and sys.argv[5] == "--kill" else None
    work = tempfile.mkdtemp(prefix="flatnet-cluster-stress-")
    plugin = os.path.join(work, "flatnet-ipam")
    os.symlink(os.path.abspath(binary), plugin)
    with open(config_path, "rb") as handle:
        config = handle.read()
    document = json.loads(config)
    prefix = document["ipam"]["store"].get("prefix", "/flatnet/") + document["name"] + "/"
    killed = []

    def kill_member():
        subprocess.run([etcd_script, "kill", cluster_dir, str(kill)], check=True)
        killed.append(time.monotonic())

    progress = Progress(HOSTS * OPS, kill_member if kill else None)
    results, threads = [], []
    for host in range(1, HOSTS + 1):
        for index in range(WORKERS):
            def run(node="host-%d" % host, index=index):
                results.append(worker(plugin, config, node, index, OPS // WORKERS, progress))
            threads.append(threading.Thread(target=run))
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    holds = [hold for result in results for hold in result[0]]
    failures = [failure for result in results for failure in result[1]]
    current = [result[2] for result in results if result[2]]
    held_now = {address: container for address, container, _ in current}
    view = store_view(document["ipam"]["store"], prefix + "ipv4/")
    store_held = {key.rsplit("/", 1)[1]: json.loads(value)["containerID"] for key, value in view.items()}
    # A worker's last hold is still open: it overlaps nothing that came after it.
    all_holds = holds + [(address, start, float("inf")) for address, _, start in current]
    summary = {
        "calls": progress.done, "seconds": round(elapsed, 1), "failure_count": len(failures),
        "failures": failures[:5], "overlapping_holds": overlapping(all_holds),
        "held_by_workers": len(held_now), "held_in_store": len(store_held),
        "store_matches_workers": store_held == held_now, "member_killed": bool(killed),
    }
    print(json.dumps(summary))
    ok = (not failures and summary["overlapping_holds"] == 0 and summary["store_matches_workers"]
          and (kill is None or killed))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
