#!/usr/bin/env python3
"""Fills an IPAM state directory with N leases, for the scale benchmark.

  seed_pool.py flatnet|host-local DATADIR NETWORK COUNT FIRST_ADDRESS

Writes each plugin's own on-disk format directly (60,000 ADDs through the plugins would
take minutes): flatnet-ipam's layout (see Sources/FlatnetSystem/IPAM/PoolStore.swift)
or host-local's one file per address plus last_reserved_ip.0.
"""
import ipaddress
import os
import sys

kind, data_dir, network, count, first = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
root = os.path.join(data_dir, network)
addresses = [str(ipaddress.IPv4Address(first) + i) for i in range(count)]
if kind == "flatnet":
    for sub in ("addresses", "owners"):
        os.makedirs(os.path.join(root, sub), mode=0o700, exist_ok=True)
    with open(os.path.join(root, "layout"), "w") as marker:
        marker.write("flatnet-ipam-store 2\n")
    for index, address in enumerate(addresses):
        os.symlink(f"flatnet-lease-1:seed{index}:eth0", os.path.join(root, "addresses", address))
        os.symlink(address, os.path.join(root, "owners", f"seed{index}:eth0"))
    with open(os.path.join(root, "last"), "w") as last:
        last.write(addresses[-1] + "\n")
else:
    os.makedirs(root, mode=0o755, exist_ok=True)
    for index, address in enumerate(addresses):
        with open(os.path.join(root, address), "w") as lease:
            lease.write(f"seed{index}\r\neth0")
    with open(os.path.join(root, "last_reserved_ip.0"), "w") as last:
        last.write(addresses[-1])
