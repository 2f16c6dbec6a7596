#!/usr/bin/env python3
"""The attach cases of scripts/bench.sh: flatnet vs the reference bridge + host-local.

  attach_plan.py FLATNET_BINARY WORK_DIR RUNS     (prints an abbench.py spec)

Runs inside the benchmark's throwaway namespace, which plays the host: both plugins run
there directly. flatnet's uplink is eth1 (plugged into a switch namespace by bench.sh).
Prepares what CHECK needs (one attachment per plugin, whose ADD result becomes
prevResult). Both sides use cniVersion 1.0.0, the newest the Debian plugins speak.
"""
import json
import os
import subprocess
import sys

IP = "/usr/sbin/ip"
REFERENCE_BINARY = "/usr/lib/cni/bridge"


def netconfs(work, metadata=False, unprotected=False):
    """(flatnet's netconf, the reference's netconf), state under WORK."""
    flatnet = {"cniVersion": "1.0.0", "name": "benchflat", "type": "flatnet", "uplink": "eth1",
               "ipam": {"type": "flatnet-ipam", "subnet": "10.43.0.0/16", "gateway": "10.43.0.1",
                        "ranges": [{"rangeStart": "10.43.1.2", "rangeEnd": "10.43.200.254"}],
                        "routes": [{"dst": "0.0.0.0/0"}], "dataDir": f"{work}/flatnet-state"}}
    if metadata:
        # Its own uplink: flatnet refuses one already enslaved to another network's bridge.
        flatnet = dict(flatnet, name="benchmeta", uplink="eth2", metadata={"reservedAddress": "10.43.0.2"})
    if unprotected:
        flatnet = dict(flatnet, name="benchoff", uplink="eth3", portSecurity=False)
    reference = {"cniVersion": "1.0.0", "name": "benchref", "type": "bridge", "bridge": "cni-ref",
                 "isGateway": False, "ipMasq": False,
                 "ipam": {"type": "host-local", "dataDir": f"{work}/host-local-state",
                          "ranges": [[{"subnet": "10.44.0.0/16", "gateway": "10.44.0.1",
                                       "rangeStart": "10.44.1.2", "rangeEnd": "10.44.200.254"}]],
                          "routes": [{"dst": "0.0.0.0/0"}]}}
    return flatnet, reference


def dual_stack_netconfs(work):
    """(flatnet's, the reference's) netconfs with an IPv4 and an IPv6 range set each: flatnet's
    `ipam.ipv6` (its own uplink, eth4) and host-local's second range set, `ranges: [[v4], [v6]]`."""
    flatnet = {"cniVersion": "1.0.0", "name": "benchds", "type": "flatnet", "uplink": "eth4",
               "ipam": {"type": "flatnet-ipam", "subnet": "10.45.0.0/16", "gateway": "10.45.0.1",
                        "ranges": [{"rangeStart": "10.45.1.2", "rangeEnd": "10.45.200.254"}],
                        "ipv6": {"subnet": "2001:db8:45::/64", "gateway": "2001:db8:45::1",
                                 "ranges": [{"rangeStart": "2001:db8:45::1:0", "rangeEnd": "2001:db8:45::1:ffff"}]},
                        "routes": [{"dst": "0.0.0.0/0"}, {"dst": "::/0"}], "dataDir": f"{work}/flatnet-state"}}
    reference = {"cniVersion": "1.0.0", "name": "benchrefds", "type": "bridge", "bridge": "cni-refds",
                 "isGateway": False, "ipMasq": False,
                 "ipam": {"type": "host-local", "dataDir": f"{work}/host-local-state",
                          "ranges": [[{"subnet": "10.46.0.0/16", "gateway": "10.46.0.1",
                                       "rangeStart": "10.46.1.2", "rangeEnd": "10.46.200.254"}],
                                     [{"subnet": "2001:db8:46::/64", "gateway": "2001:db8:46::1",
                                       "rangeStart": "2001:db8:46::1:0", "rangeEnd": "2001:db8:46::1:ffff"}]],
                          "routes": [{"dst": "0.0.0.0/0"}, {"dst": "::/0"}]}}
    return flatnet, reference


def scale_netconfs(work):
    """Both plugins on the seeded 60,000-lease pools (network s60k, see bench.sh)."""
    flatnet = {"cniVersion": "1.0.0", "name": "s60k", "type": "flatnet",
               "ipam": {"type": "flatnet-ipam", "subnet": "10.43.0.0/16", "gateway": "10.43.0.1",
                        "ranges": [{"rangeStart": "10.43.0.2", "rangeEnd": "10.43.255.254"}],
                        "routes": [{"dst": "0.0.0.0/0"}], "dataDir": f"{work}/flatnet"}}
    reference = {"cniVersion": "1.0.0", "name": "s60k", "type": "bridge", "bridge": "cni-s60k",
                 "isGateway": False, "ipMasq": False,
                 "ipam": {"type": "host-local", "dataDir": f"{work}/host-local",
                          "ranges": [[{"subnet": "10.43.0.0/16", "gateway": "10.43.0.1",
                                       "rangeStart": "10.43.0.2", "rangeEnd": "10.43.255.254"}]],
                          "routes": [{"dst": "0.0.0.0/0"}]}}
    return flatnet, reference


def call(binary, command, config, netns, container, plugin_dir):
    return {"argv": [binary], "stdin": json.dumps(config),
            "env": {"CNI_COMMAND": command, "CNI_CONTAINERID": container, "CNI_NETNS": f"/run/netns/{netns}",
                    "CNI_IFNAME": "eth0", "CNI_PATH": f"{plugin_dir}:/usr/lib/cni"}}


def netns(action, name):
    return {"argv": [IP, "netns", action, name], "env": {}}


def side(label, binary, config, tag, timed, plugin_dir):
    """One side of a case: the timed verb, with a fresh container netns around it."""
    ns, container = f"bench-{tag}", f"bench{tag}"
    add = call(binary, "ADD", config, ns, container, plugin_dir)
    delete = call(binary, "DEL", config, ns, container, plugin_dir)
    if timed == "ADD":
        return dict(add, label=label, before=[netns("add", ns)], after=[delete, netns("del", ns)])
    return dict(delete, label=label, before=[netns("add", ns), add], after=[netns("del", ns)])


def check_side(label, binary, config, tag, plugin_dir):
    """CHECK against one long-lived attachment, prevResult taken from its ADD."""
    ns, container = f"check-{tag}", f"check{tag}"
    subprocess.run([IP, "netns", "add", ns], check=True)
    add = call(binary, "ADD", config, ns, container, plugin_dir)
    done = subprocess.run(add["argv"], input=add["stdin"].encode(), env=add["env"], capture_output=True, check=True)
    return dict(call(binary, "CHECK", dict(config, prevResult=json.loads(done.stdout)), ns, container, plugin_dir),
                label=label)


def floor_side(label, action):
    """The kernel floor: ip link add / del of a veth pair, nothing else."""
    add = {"argv": [IP, "link", "add", "floor0", "type", "veth", "peer", "name", "floor1"], "env": {}}
    delete = {"argv": [IP, "link", "del", "floor0"], "env": {}}
    return dict(add, label=label, after=[delete]) if action == "add" else dict(delete, label=label, before=[add])


def main():
    flatnet, work, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    plugin_dir = os.path.dirname(flatnet)
    flat, reference = netconfs(work)
    with_metadata, _ = netconfs(work, metadata=True)
    unprotected, _ = netconfs(work, unprotected=True)
    dual_flat, dual_reference = dual_stack_netconfs(work)
    status_conf = dict(unprotected, cniVersion="1.1.0")
    go = "bridge+host-local (Go)"
    cases = [
        {"name": "ADD", "a": side("flatnet", flatnet, flat, "f", "ADD", plugin_dir),
         "b": side(go, REFERENCE_BINARY, reference, "r", "ADD", plugin_dir)},
        {"name": "dual-stack ADD", "a": side("flatnet, dual-stack", flatnet, dual_flat, "d", "ADD", plugin_dir),
         "b": side(go + ", dual-stack", REFERENCE_BINARY, dual_reference, "e", "ADD", plugin_dir)},
        # IPv6's own share of a dual-stack ADD: the same flatnet, both families against IPv4 only.
        {"name": "ADD, dual-stack vs IPv4",
         "a": side("flatnet, dual-stack", flatnet, dual_flat, "d", "ADD", plugin_dir),
         "b": side("flatnet, IPv4", flatnet, flat, "f", "ADD", plugin_dir)},
        {"name": "ADD, metadata block", "a": side("flatnet + metadata", flatnet, with_metadata, "m", "ADD", plugin_dir),
         "b": side(go, REFERENCE_BINARY, reference, "r", "ADD", plugin_dir)},
        # Port security's own share of an ADD: the same flatnet, on (the default) and off.
        {"name": "ADD, port security on vs off", "a": side("flatnet", flatnet, flat, "f", "ADD", plugin_dir),
         "b": side("flatnet, portSecurity false", flatnet, unprotected, "u", "ADD", plugin_dir)},
        # The audit log's share of an ADD (README "Audit log"): a file on disk (the work
        # directory is under /var/tmp, as /var/log is on a node) against logging off.
        {"name": "ADD, audit log on vs off",
         "a": side("flatnet, logFile on disk", flatnet, dict(flat, logFile=f"{work}/audit/audit.log"), "f", "ADD",
                   plugin_dir),
         "b": side("flatnet, logFile \"\"", flatnet, dict(flat, logFile=""), "g", "ADD", plugin_dir)},
        # The same, on a verb that is mostly start-up (about 1.5 ms): there the audit
        # line's cost stands out of the noise of whole runs. STATUS needs cniVersion 1.1.0.
        {"name": "STATUS, audit log on vs off",
         "a": dict(call(flatnet, "STATUS", dict(status_conf, logFile=f"{work}/audit/audit.log"), "none", "",
                        plugin_dir), label="flatnet, logFile on disk"),
         "b": dict(call(flatnet, "STATUS", dict(status_conf, logFile=""), "none", "", plugin_dir),
                   label="flatnet, logFile \"\"")},
        {"name": "ADD, 60000 leases", "a": side("flatnet", flatnet, scale_netconfs(work)[0], "s", "ADD", plugin_dir),
         "b": side(go, REFERENCE_BINARY, scale_netconfs(work)[1], "t", "ADD", plugin_dir)},
        {"name": "DEL", "a": side("flatnet", flatnet, flat, "f", "DEL", plugin_dir),
         "b": side(go, REFERENCE_BINARY, reference, "r", "DEL", plugin_dir)},
        {"name": "CHECK", "a": check_side("flatnet", flatnet, flat, "f", plugin_dir),
         "b": check_side(go, REFERENCE_BINARY, reference, "r", plugin_dir)},
        {"name": "floor: ip link add veth", "a": floor_side("ip link add veth", "add")},
        {"name": "floor: ip link del veth", "a": floor_side("ip link del veth", "del")},
    ]
    json.dump({"runs": runs, "cases": cases}, sys.stdout)


if __name__ == "__main__":
    main()
