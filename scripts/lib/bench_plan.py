#!/usr/bin/env python3
"""Writes the abbench.py spec for scripts/bench.sh.

  bench_plan.py FLATNET_BINARY PLUGIN_DIR WORK_DIR RUNS

PLUGIN_DIR holds flatnet-ipam (a link to flatnet); WORK_DIR holds the seeded pools
(seed_pool.py): networks s10 (10 leases) and s60k (60,000 leases) for each plugin.
"""
import json
import sys

flatnet, plugin_dir, work, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
REFERENCE = "/usr/lib/cni"


def version_side(label, binary):
    return {"label": label, "argv": [binary], "env": {"CNI_COMMAND": "VERSION"},
            "stdin": json.dumps({"cniVersion": "1.0.0"})}


def ipam_side(label, binary, ipam, network):
    config = {"cniVersion": "1.0.0", "name": network, "type": "bridge", "ipam": ipam}
    env = {"CNI_CONTAINERID": "bench1", "CNI_NETNS": "/proc/self/ns/net", "CNI_IFNAME": "eth0",
           "CNI_PATH": f"{plugin_dir}:{REFERENCE}"}
    side = {"label": label, "argv": [binary], "env": dict(env, CNI_COMMAND="ADD"), "stdin": json.dumps(config)}
    side["after"] = [{"argv": [binary], "env": dict(env, CNI_COMMAND="DEL"), "stdin": json.dumps(config)}]
    return side


def scale_case(name, network):
    flatnet_ipam = {"type": "flatnet-ipam", "subnet": "10.43.0.0/16", "gateway": "10.43.0.1",
                    "ranges": [{"rangeStart": "10.43.0.2", "rangeEnd": "10.43.255.254"}],
                    "dataDir": f"{work}/flatnet"}
    host_local = {"type": "host-local", "dataDir": f"{work}/host-local",
                  "ranges": [[{"subnet": "10.43.0.0/16", "gateway": "10.43.0.1",
                               "rangeStart": "10.43.0.2", "rangeEnd": "10.43.255.254"}]]}
    return {"name": name,
            "a": ipam_side("flatnet-ipam", f"{plugin_dir}/flatnet-ipam", flatnet_ipam, network),
            "b": ipam_side("host-local (Go)", f"{REFERENCE}/host-local", host_local, network)}


cases = [
    {"name": "VERSION", "a": version_side("flatnet", flatnet), "b": version_side("bridge (Go)", f"{REFERENCE}/bridge")},
    scale_case("IPAM ADD, 10 leases", "s10"),
    scale_case("IPAM ADD, 60000 leases", "s60k"),
]
json.dump({"runs": runs, "cases": cases}, sys.stdout)
