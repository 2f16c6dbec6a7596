#!/usr/bin/env python3
"""Writes the abbench.py spec of the cluster-store row for scripts/bench.sh (issue 19).

  etcd_plan.py PLUGIN_DIR WORK_DIR RUNS ETCD_DIR ETCD_SCRIPT TMPFS_DIR

"IPAM ADD, etcd store": one ADD of a new container (an untimed DEL after, as the other
IPAM ADD rows) by flatnet-ipam on the 3-member TLS etcd cluster ETCD_DIR (started by
ETCD_SCRIPT, scripts/lib/etcd_cluster.sh), taking turns with the same ADD by flatnet-ipam
on its local store (dataDir on disk, under WORK_DIR), by the reference host-local (on disk)
and by flatnet-ipam on a local store on TMPFS_DIR (a tmpfs: the etcd members' data is on
one too, so their fsyncs are free, and this side is the like-for-like local store).
PLUGIN_DIR holds flatnet-ipam (a link to flatnet). Empty pools: one lease at a time.
"""
import json
import subprocess
import sys

REFERENCE = "/usr/lib/cni"
NETWORK = "etcd-bench"
SUBNET, GATEWAY, FIRST, LAST = "10.43.0.0/16", "10.43.0.1", "10.43.0.2", "10.43.255.254"
NODE = "bench-host-1"


def cluster_store(etcd_dir, etcd_script):
    """The netconf's `store` block for the running cluster: its endpoints and client files."""
    def ask(command):
        return subprocess.run([etcd_script, command, etcd_dir], capture_output=True, text=True,
                              check=True).stdout.split()
    files = dict(line.split("=", 1) for line in ask("certs"))
    return {"type": "etcd", "endpoints": ask("endpoints"),
            "tls": {"certFile": files["cert"], "keyFile": files["key"], "caFile": files["ca"]}}


def flatnet_ipam(**where):
    return dict({"type": "flatnet-ipam", "subnet": SUBNET, "gateway": GATEWAY,
                 "ranges": [{"rangeStart": FIRST, "rangeEnd": LAST}]}, **where)


def host_local(data_dir):
    return {"type": "host-local", "dataDir": data_dir,
            "ranges": [[{"subnet": SUBNET, "gateway": GATEWAY, "rangeStart": FIRST, "rangeEnd": LAST}]]}


def ipam_side(label, binary, ipam, plugin_dir, node=NODE, container="bench1"):
    """One ADD as host NODE would run it, and the untimed DEL that empties the pool again."""
    config = json.dumps({"cniVersion": "1.0.0", "name": NETWORK, "type": "bridge", "ipam": ipam})
    env = {"CNI_CONTAINERID": container, "CNI_NETNS": "/proc/self/ns/net", "CNI_IFNAME": "eth0",
           "CNI_PATH": f"{plugin_dir}:{REFERENCE}", "FLATNET_NODE_NAME": node}
    return {"label": label, "argv": [binary], "env": dict(env, CNI_COMMAND="ADD"), "stdin": config,
            "after": [{"argv": [binary], "env": dict(env, CNI_COMMAND="DEL"), "stdin": config}]}


def main():
    plugin_dir, work, runs, etcd_dir, etcd_script, tmpfs_dir = sys.argv[1:7]
    plugin = f"{plugin_dir}/flatnet-ipam"
    store = cluster_store(etcd_dir, etcd_script)
    case = {"name": "IPAM ADD, etcd store", "table": "cluster store",
            "a": ipam_side("flatnet-ipam, etcd (3 members, TLS, tmpfs)", plugin, flatnet_ipam(store=store),
                           plugin_dir),
            "b": ipam_side("flatnet-ipam, local store (disk)", plugin,
                           flatnet_ipam(dataDir=f"{work}/etcd-row-local"), plugin_dir),
            "c": ipam_side("host-local (Go, disk)", f"{REFERENCE}/host-local",
                           host_local(f"{work}/etcd-row-host-local"), plugin_dir),
            "d": ipam_side("flatnet-ipam, local store (tmpfs)", plugin,
                           flatnet_ipam(dataDir=f"{tmpfs_dir}/etcd-row-local"), plugin_dir)}
    json.dump({"runs": int(runs), "cases": [case]}, sys.stdout)


if __name__ == "__main__":
    main()
