#!/usr/bin/env python3
"""Fills an IPAM state directory with N leases, for the scale benchmark.

  seed_pool.py flatnet|host-local DATADIR NETWORK COUNT FIRST_ADDRESS [FLATNET_IPAM]

Writes each plugin's own on-disk format directly (60,000 ADDs through the plugins would
take minutes): flatnet-ipam's layout (see Sources/FlatnetSystem/IPAM/PoolStore.swift)
or host-local's one file per address plus last_reserved_ip.0. The leases are the COUNT
consecutive addresses from FIRST_ADDRESS (IPv4 or IPv6, in the canonical spelling both
plugins use: Python's, which is RFC 5952's for IPv6), and the round-robin hint (`last`,
last_reserved_ip.0) names the last of them, as in a pool that handed them out in order:
the next ADD's first try, the address after it, is free (the common case).

An IPv6 flatnet pool (leases under ipv6/) is first made by the plugin itself, FLATNET_IPAM
(one ADD and its DEL), so the pool's own files (layout marker, lease history, the family's
directories) are what flatnet writes, not a copy of them; the family's `highest` mark, if
the plugin keeps one, is raised to the last lease, and `flatnet ipam usage` must count
exactly COUNT leases (about 2 s at 60,000): the seeded names and records are read as
leases. The IPv4 pools are written whole here, as before: no `highest`, which flatnet reads
as a pool made before issue 15.
"""
import ipaddress
import json
import os
import subprocess
import sys

LEASE_RECORD = "flatnet-lease-1:{owner}"


def seeded_addresses(first, count):
    start = ipaddress.ip_address(first)
    return [str(start + index) for index in range(count)]


def write_text(path, text):
    with open(path, "w") as file:
        file.write(text)


def ipam_call(plugin, command, ipam, network, container):
    """One flatnet-ipam call (IPAM mode: the `ipam` block of a bridge netconf)."""
    config = {"cniVersion": "1.0.0", "name": network, "type": "bridge", "ipam": ipam}
    env = {"CNI_COMMAND": command, "CNI_CONTAINERID": container, "CNI_NETNS": "/proc/self/ns/net",
           "CNI_IFNAME": "eth0", "CNI_PATH": os.path.dirname(plugin)}
    done = subprocess.run([plugin], input=json.dumps(config).encode(), env=env, capture_output=True)
    if done.returncode != 0:
        sys.exit(f"seed_pool: {command} by {plugin} failed: {done.stdout.decode()} {done.stderr.decode()}")


def ipv6_ipam(data_dir, addresses):
    """An IPv6-only flatnet-ipam block: the seeded addresses' /64, from the first of them to its end."""
    subnet = ipaddress.IPv6Network((int(ipaddress.IPv6Address(addresses[0])) >> 64 << 64, 64))
    return {"type": "flatnet-ipam", "dataDir": data_dir,
            "ipv6": {"subnet": str(subnet),
                     "ranges": [{"rangeStart": addresses[0], "rangeEnd": str(subnet.broadcast_address)}]}}


def initialise_ipv6_pool(plugin, data_dir, network, addresses):
    """The pool as flatnet makes it: one ADD (the first seeded address) and its DEL."""
    ipam_call(plugin, "ADD", ipv6_ipam(data_dir, addresses), network, "seed-initialise")
    ipam_call(plugin, "DEL", ipv6_ipam(data_dir, addresses), network, "seed-initialise")


def check_held(plugin, data_dir, network, addresses):
    """flatnet's own count of the pool's IPv6 leases must be the seeded count: the seeded
    names and records are read as leases, not skipped as foreign or unreadable."""
    conf = {"cniVersion": "1.0.0", "name": network, "type": "flatnet", "uplink": "seed-none",
            "ipam": ipv6_ipam(data_dir, addresses)}
    conf_path = os.path.join(data_dir, f"{network}.seed-check.json")
    write_text(conf_path, json.dumps(conf))
    done = subprocess.run([os.path.realpath(plugin), "ipam", "usage", "--conf", conf_path, "--json"],
                          capture_output=True)
    os.remove(conf_path)
    usage = json.loads(done.stdout) if done.returncode == 0 else None
    if not usage or usage[0]["held"] != len(addresses):
        sys.exit(f"seed_pool: flatnet counts {usage} in {network}, seeded {len(addresses)}: "
                 f"{done.stdout.decode()} {done.stderr.decode()}")


def make_ipv4_pool(root):
    """The IPv4 pool's directories and marker, written directly; returns the lease directory."""
    for sub in ("addresses", "owners"):
        os.makedirs(os.path.join(root, sub), mode=0o700, exist_ok=True)
    write_text(os.path.join(root, "layout"), "flatnet-ipam-store 2\n")
    return root


def seed_flatnet(root, addresses, plugin):
    ipv6 = ipaddress.ip_address(addresses[0]).version == 6
    data_dir, network = os.path.dirname(root), os.path.basename(root)
    if ipv6 and plugin is None:
        sys.exit("seed_pool: an IPv6 flatnet pool needs FLATNET_IPAM (the plugin makes the pool first)")
    if ipv6:
        initialise_ipv6_pool(plugin, data_dir, network, addresses)
    directory = os.path.join(root, "ipv6") if ipv6 else make_ipv4_pool(root)
    for index, address in enumerate(addresses):
        owner = f"seed{index}:eth0"
        os.symlink(LEASE_RECORD.format(owner=owner), os.path.join(directory, "addresses", address))
        os.symlink(address, os.path.join(directory, "owners", owner))
    write_text(os.path.join(directory, "last"), addresses[-1] + "\n")
    if ipv6:
        if os.path.exists(os.path.join(directory, "highest")):
            write_text(os.path.join(directory, "highest"), addresses[-1] + "\n")
        check_held(plugin, data_dir, network, addresses)


def seed_host_local(root, addresses):
    os.makedirs(root, mode=0o755, exist_ok=True)
    for index, address in enumerate(addresses):
        write_text(os.path.join(root, address), f"seed{index}\r\neth0")
    write_text(os.path.join(root, "last_reserved_ip.0"), addresses[-1])


def main():
    kind, data_dir, network, count, first = sys.argv[1:6]
    plugin = sys.argv[6] if len(sys.argv) > 6 else None
    root = os.path.join(data_dir, network)
    addresses = seeded_addresses(first, int(count))
    if kind == "flatnet":
        seed_flatnet(root, addresses, plugin)
    else:
        seed_host_local(root, addresses)


if __name__ == "__main__":
    main()
