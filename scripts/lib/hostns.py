#!/usr/bin/env python3
"""Simulated hosts for the scale rows: one network namespace per side, entered with setns(2).

Each side of scripts/lib/scale_bench.py (flatnet, the reference, the kernel floor) runs in
a host namespace of its own, so that a side's N containers are the only ones its host has:
a host veth with IPv6 on adds routes every link event on its host walks, and sharing one
host would make each side pay for the others' ports. Entering is setns(2) on the calling
thread (not `ip netns exec`, which remounts /sys and copies the mount table, 1,000+ netns
mounts here): timed children inherit the namespace at posix_spawn and pay nothing for it.
"""
import contextlib
import ctypes
import os
import subprocess
import sys

CLONE_NEWNET = 0x40000000
IP = "/usr/sbin/ip"
_libc = ctypes.CDLL(None, use_errno=True)


def enter(namespace_fd):
    """setns(2) into a network namespace, for the calling thread only."""
    if _libc.setns(namespace_fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns")


@contextlib.contextmanager
def inside(netns):
    """Runs the block (and every child it starts) in /run/netns/NETNS; None: where we are."""
    if netns is None:
        yield
        return
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    target = os.open(f"/run/netns/{netns}", os.O_RDONLY)
    try:
        enter(target)
        try:
            yield
        finally:
            try:
                enter(home)
            except OSError as error:
                # Going on in the wrong namespace would time and clean up the wrong host.
                os.write(2, f"cannot return to the bench's namespace: {error}\n".encode())
                os._exit(1)
    finally:
        os.close(target)
        os.close(home)


def make(netns, uplink=None, switch=None):
    """A host namespace with lo up; with UPLINK, a veth of that name plugged into SWITCH."""
    steps = [[IP, "netns", "add", netns], [IP, "-n", netns, "link", "set", "lo", "up"]]
    if uplink:
        port = f"{netns[-8:]}-p"
        steps += [[IP, "link", "add", uplink, "netns", netns, "type", "veth", "peer", "name", port,
                   "netns", switch],
                  [IP, "-n", netns, "link", "set", uplink, "up"], [IP, "-n", switch, "link", "set", port, "up"]]
    for argv in steps:
        done = subprocess.run(argv, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"host {netns}: {' '.join(argv)} failed: {done.stderr.strip()}")


def remove(netns):
    subprocess.run([IP, "netns", "del", netns], capture_output=True)


def placed(side, netns):
    """An abbench side (and its before/after steps) that runs in NETNS."""
    return dict(side, netns=netns, before=[dict(step, netns=netns) for step in side.get("before", [])],
                after=[dict(step, netns=netns) for step in side.get("after", [])])
