#!/usr/bin/env python3
"""The kernel floor of scripts/lib/scale_bench.py: a bridge with N attached veth ports.

Not run directly. A dedicated bridge (FLOOR_BRIDGE) is filled with N veth pairs, each peer
named eth0 in its own netns and up, the host end a port of the bridge and up: the port count
and carrier of a bridge with N containers, without a plugin. The timed rows are one
`ip link add NAME master BR up type veth peer name eth0 netns NS` (the request a plugin
could make at best) into a fresh netns, and its `ip link del`.
"""
import os
import socket
import struct
import subprocess
import sys
import time

import attach_plan
import hostns

FLOOR_BRIDGE = "scale-floor"
SPARE = "x"  # index of the pair the timed rows add and delete
RTM_NEWLINK, NLMSG_ERROR = 16, 2
NLM_F_REQUEST, NLM_F_ACK = 1, 4
IFF_UP, IFLA_IFNAME = 1, 3


def netns_name(index):
    return f"sc-l{index}"


def link_name(index):
    return f"scl{index}"


def ip_batch(lines, what, strict=True):
    """`ip -batch -`: one ip process for many requests. STRICT: exits with ip's complaint on
    the first failure; otherwise (a cleanup) goes on past failures (`-force`)."""
    if not lines:
        return
    argv = [attach_plan.IP, "-batch", "-"] if strict else [attach_plan.IP, "-force", "-batch", "-"]
    done = subprocess.run(argv, input="\n".join(lines) + "\n", text=True, capture_output=True)
    if strict and done.returncode != 0:
        sys.exit(f"{what} failed: {done.stderr.strip()}")


def _netlink_socket_in(netns):
    """A NETLINK_ROUTE socket bound to NETNS: it stays bound there after we switch back."""
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    target = os.open(f"/run/netns/{netns}", os.O_RDONLY)
    try:
        hostns.enter(target)
        sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
        try:
            hostns.enter(home)
        except OSError as error:
            # Going on in the container's netns would clean up and time the wrong host.
            os.write(2, f"cannot return to the host netns: {error}\n".encode())
            os._exit(1)
        return sock
    finally:
        os.close(target)
        os.close(home)


def set_up_in_netns(netns, name="eth0"):
    """`ip -n NETNS link set NAME up` as one RTM_NEWLINK request, without an exec: `ip -n`
    costs about 9 ms a call here (it remounts /sys), so 1,000 of them would take 9 s."""
    encoded = name.encode() + b"\0"
    attribute = struct.pack("HH", 4 + len(encoded), IFLA_IFNAME) + encoded
    attribute += b"\0" * (-len(attribute) % 4)
    body = struct.pack("BxHiII", socket.AF_UNSPEC, 0, 0, IFF_UP, IFF_UP) + attribute
    header = struct.pack("IHHII", 16 + len(body), RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 1, 0)
    with _netlink_socket_in(netns) as sock:
        sock.send(header + body)
        reply = sock.recv(65536)
    _, kind = struct.unpack_from("IH", reply)
    error = struct.unpack_from("i", reply, 16)[0] if kind == NLMSG_ERROR else 0
    if error:
        sys.exit(f"ip -n {netns} link set {name} up failed: {os.strerror(-error)}")


class FloorBridge:
    """The floor bridge and its pairs; pairs and exists say what to clean up."""

    def __init__(self, host):
        self.host = host  # its own host namespace (hostns.py)
        self.pairs = 0
        self.exists = False

    def grow(self, count):
        with hostns.inside(self.host):
            self._grow(count)

    def _grow(self, count):
        if not self.exists:
            ip_batch([f"link add {FLOOR_BRIDGE} type bridge", f"link set {FLOOR_BRIDGE} up"], "floor bridge")
            self.exists = True
        new = range(self.pairs, count)
        self.pairs = max(self.pairs, count)  # before making them: a failure half-way is cleaned up too
        ip_batch([f"netns add {netns_name(i)}" for i in new], "floor netns add")
        ip_batch([f"link add {link_name(i)} master {FLOOR_BRIDGE} up type veth peer name eth0 "
                  f"netns {netns_name(i)}" for i in new], "floor veth add")
        for index in new:
            set_up_in_netns(netns_name(index))

    def cases(self, size):
        """The timed floor rows at SIZE attached ports (abbench.py cases, "a" side only)."""
        netns, link = netns_name(SPARE), link_name(SPARE)
        add = {"argv": [attach_plan.IP, "link", "add", link, "master", FLOOR_BRIDGE, "up", "type", "veth",
                        "peer", "name", "eth0", "netns", netns], "env": {}}
        delete = {"argv": [attach_plan.IP, "link", "del", link], "env": {}}
        make, drop = attach_plan.netns("add", netns), attach_plan.netns("del", netns)
        return [
            {"name": f"floor: veth add at {size} attached",
             "a": hostns.placed(dict(add, label="ip link add veth, peer in netns", before=[make],
                                     after=[delete, drop]), self.host)},
            {"name": f"floor: veth del at {size} attached",
             "a": hostns.placed(dict(delete, label="ip link del veth", before=[make, add], after=[drop]),
                                self.host)},
        ]

    def remove(self, strict):
        with hostns.inside(self.host):
            self._remove(strict)

    def _remove(self, strict):
        """Deletes the pairs' namespaces (the kernel then deletes their veths in one batch,
        where 1,000 `ip link del` take 25 s), waits for the ports to go, then the bridge."""
        names = [netns_name(i) for i in range(self.pairs)] + ([] if strict else [netns_name(SPARE)])
        ip_batch([f"netns del {name}" for name in names], "floor netns del", strict)
        deadline = time.monotonic() + 120
        while self.exists and _port_count() > 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        if self.exists:
            done = subprocess.run([attach_plan.IP, "link", "del", FLOOR_BRIDGE],
                                  capture_output=True, text=True)
            if strict and (done.returncode != 0 or _port_count() != 0):
                sys.exit(f"floor bridge cleanup failed: {done.stderr.strip()}")
        self.pairs, self.exists = 0, False


def _port_count():
    done = subprocess.run([attach_plan.IP, "-o", "link", "show", "master", FLOOR_BRIDGE],
                          capture_output=True, text=True)
    return len(done.stdout.splitlines())
