#!/usr/bin/env python3
"""Writes the abbench.py spec for scripts/bench.sh.

  bench_plan.py FLATNET_BINARY PLUGIN_DIR WORK_DIR RUNS

PLUGIN_DIR holds flatnet-ipam (a link to flatnet); WORK_DIR holds the seeded pools
(seed_pool.py): networks s10 (10 leases) and s60k (60,000 leases) for each plugin, and
flatnet's IPv6 pools on one /64, s10v6 and s60kv6 (IPV6_FIRST_LEASE onwards).
"""
import json
import sys

flatnet, plugin_dir, work, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
REFERENCE = "/usr/lib/cni"
IPV6_FIRST_LEASE = "2001:db8:43::2"


def version_side(label, binary):
    return {"label": label, "argv": [binary], "env": {"CNI_COMMAND": "VERSION"},
            "stdin": json.dumps({"cniVersion": "1.0.0"})}


def ipam_side(label, binary, ipam, network, cni_args=""):
    config = {"cniVersion": "1.0.0", "name": network, "type": "bridge", "ipam": ipam}
    env = {"CNI_CONTAINERID": "bench1", "CNI_NETNS": "/proc/self/ns/net", "CNI_IFNAME": "eth0",
           "CNI_PATH": f"{plugin_dir}:{REFERENCE}", "CNI_ARGS": cni_args}
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


def ipv6_scale_case(name):
    """flatnet-ipam against itself on one IPv6-only /64 pool, filled with 60,000 leases (a)
    and with 10 (b): the ratio is the cost of a full pool. Both seeded pools resume after
    their last lease, so each ADD's first try is free (the common case)."""
    ipam = {"type": "flatnet-ipam", "dataDir": f"{work}/flatnet",
            "ipv6": {"subnet": "2001:db8:43::/64", "gateway": "2001:db8:43::1",
                     "ranges": [{"rangeStart": IPV6_FIRST_LEASE, "rangeEnd": "2001:db8:43::ffff:ffff:ffff:ffff"}]}}
    binary = f"{plugin_dir}/flatnet-ipam"
    return {"name": name, "a": ipam_side("flatnet-ipam, 60000 leases", binary, ipam, "s60kv6"),
            "b": ipam_side("flatnet-ipam, 10 leases", binary, ipam, "s10v6")}


def reservation_case(name):
    """flatnet-ipam on disk with ipam.reservations: a pod re-created (its DEL kept the address
    and its ADD takes it back: the index read and two link rewrites) against the same ADD
    of a container with no workload. Empty pools apart from the pod's one address."""
    ipam = {"type": "flatnet-ipam", "subnet": "10.43.0.0/16", "gateway": "10.43.0.1",
            "ranges": [{"rangeStart": "10.43.0.2", "rangeEnd": "10.43.255.254"}],
            "dataDir": f"{work}/flatnet", "reservations": {"kubernetesPods": True}}
    binary = f"{plugin_dir}/flatnet-ipam"
    pod = "IgnoreUnknown=1;K8S_POD_NAMESPACE=bench;K8S_POD_NAME=db-0"
    return {"name": name, "a": ipam_side("flatnet-ipam, reserved pod", binary, ipam, "res-pod", pod),
            "b": ipam_side("flatnet-ipam, no workload", binary, ipam, "res-none")}


cases = [
    {"name": "VERSION", "a": version_side("flatnet", flatnet), "b": version_side("bridge (Go)", f"{REFERENCE}/bridge")},
    scale_case("IPAM ADD, 10 leases", "s10"),
    scale_case("IPAM ADD, 60000 leases", "s60k"),
    ipv6_scale_case("IPAM ADD /64, 60000 vs 10"),
    reservation_case("IPAM ADD, reserved pod on disk"),
]
json.dump({"runs": runs, "cases": cases}, sys.stdout)
