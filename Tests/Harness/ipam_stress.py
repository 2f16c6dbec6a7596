#!/usr/bin/env python3
"""Multi-process proofs for flatnet-ipam, run by FlatnetEndToEndTests.

  ipam_stress.py concurrency BINARY   16 processes x 100 interleaved ADD/DEL on one pool
  ipam_stress.py faults BINARY        SIGKILL allocating processes at random moments
  ipam_stress.py selfcheck            the faults checks against a broken state: each must fire

Prints one JSON summary line; exits 0 when every check held, 1 otherwise (the summary
says which). BINARY is the flatnet binary; it is run as flatnet-ipam through a symlink.
"""
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

WORKERS, OPS_PER_WORKER = 16, 100


def setup(binary):
    work = tempfile.mkdtemp(prefix="flatnet-stress-")
    plugin = os.path.join(work, "flatnet-ipam")
    os.symlink(os.path.abspath(binary), plugin)
    config = {"cniVersion": "1.1.0", "name": "stress", "type": "bridge",
              "ipam": {"type": "flatnet-ipam", "subnet": "10.43.0.0/16", "gateway": "10.43.0.1",
                       "ranges": [{"rangeStart": "10.43.1.2", "rangeEnd": "10.43.1.40"}],
                       "dataDir": os.path.join(work, "state")}}
    return work, plugin, config


def call(plugin, config, command, container, extra=None):
    env = {"CNI_COMMAND": command, "CNI_CONTAINERID": container, "CNI_NETNS": "/proc/1/ns/net",
           "CNI_IFNAME": "eth0", "CNI_PATH": os.path.dirname(plugin), "FLATNET_LOCK_TIMEOUT_MS": "20000"}
    document = dict(config, **(extra or {}))
    done = subprocess.run([plugin], input=json.dumps(document).encode(), env=env, capture_output=True)
    reply = json.loads(done.stdout) if done.stdout.strip() else {}
    return done.returncode, reply


def worker(plugin, config, index, log_path):
    """ADD then DEL, OPS_PER_WORKER/2 times; logs (address, add_end, del_start) per hold."""
    records, failures, retries = [], [], 0
    for round_ in range(OPS_PER_WORKER // 2):
        container = f"w{index}-{round_}"
        while True:
            status, reply = call(plugin, config, "ADD", container)
            if status == 0 or reply.get("code") != 11:
                break
            retries += 1
        add_end = time.monotonic_ns()
        if status != 0:
            failures.append(reply)
            continue
        address = reply["ips"][0]["address"]
        del_start = time.monotonic_ns()
        status, reply = call(plugin, config, "DEL", container)
        if status != 0 and reply.get("code") != 11:
            failures.append(reply)
        records.append([address, add_end, del_start, container])
    with open(log_path, "w") as log:
        json.dump({"records": records, "failures": failures, "retries": retries}, log)


def concurrency(binary):
    work, plugin, config = setup(binary)
    children = []
    for index in range(WORKERS):
        pid = os.fork()
        if pid == 0:
            worker(plugin, config, index, os.path.join(work, f"log{index}"))
            os._exit(0)
        children.append(pid)
    for pid in children:
        os.waitpid(pid, 0)
    records, failures, retries = [], [], 0
    for index in range(WORKERS):
        with open(os.path.join(work, f"log{index}")) as log:
            data = json.load(log)
        records += data["records"]
        failures += data["failures"]
        retries += data["retries"]
    overlaps = 0
    by_address = {}
    for address, start, end, owner in records:
        by_address.setdefault(address, []).append((start, end, owner))
    for holds in by_address.values():
        holds.sort()
        for (s1, e1, o1), (s2, e2, o2) in zip(holds, holds[1:]):
            if s2 < e1:  # the next holder's ADD returned before the previous one began DEL
                overlaps += 1
    leftover = os.listdir(os.path.join(work, "state", "stress", "addresses"))
    summary = {"test": "concurrency", "operations": 2 * len(records), "holds": len(records),
               "distinct_addresses": len(by_address), "overlapping_holds": overlaps,
               "failures": failures[:5], "failure_count": len(failures), "code11_retries": retries,
               "leases_left": len(leftover)}
    ok = overlaps == 0 and not failures and len(records) == WORKERS * OPS_PER_WORKER // 2 and not leftover
    return ok, summary


def leases(work):
    """(address, owner) for every lease file; checks each parses as flatnet's."""
    directory = os.path.join(work, "state", "stress", "addresses")
    result = []
    for name in os.listdir(directory):
        if name.startswith(".tmp."):
            continue
        record = os.readlink(os.path.join(directory, name))
        prefix, container, _ifname = record.split(":")
        assert prefix == "flatnet-lease-1", name
        result.append((name, container))
    return result


def address_of(reply):
    """The address (without prefix length) of a successful ADD reply."""
    return reply["ips"][0]["address"].split("/")[0]


def lease_problems(handed, leases_now):
    """What can go wrong after crashes, judged from the runtime's side and the pool's.

    handed: owner -> the address of its last successful ADD (what the runtime would
    configure in that container). leases_now: (address, owner) for every lease file.
    The pool's directory cannot hold one address twice (one file per address), so a
    duplicate shows up where the runtime sees it: two owners handed the same address, or
    an owner handed an address the pool does not record as its (free for the next ADD)."""
    holders = {}
    for owner, address in handed.items():
        holders.setdefault(address, []).append(owner)
    leased_to = {address: owner for address, owner in leases_now}
    per_owner = {}
    for address, owner in leases_now:
        per_owner.setdefault(owner, []).append(address)
    return {
        "duplicate_addresses": {a: sorted(o) for a, o in sorted(holders.items()) if len(o) > 1},
        "results_without_their_lease": sorted(o for o, a in handed.items() if leased_to.get(a) != o),
        "owners_with_two_leases": sorted(o for o, a in per_owner.items() if len(a) > 1),
    }


def selfcheck():
    """A broken state (k1 and k2 handed 10.43.1.2; k3 handed an address leased to nobody;
    k1 holding two leases) must trip every check; the same state repaired, none."""
    handed = {"k1": "10.43.1.2", "k2": "10.43.1.2", "k3": "10.43.1.4"}
    leases_now = [("10.43.1.2", "k1"), ("10.43.1.3", "k1")]
    broken = lease_problems(handed, leases_now)
    repaired = lease_problems({"k1": "10.43.1.2", "k2": "10.43.1.3"}, [("10.43.1.2", "k1"), ("10.43.1.3", "k2")])
    ok = (broken == {"duplicate_addresses": {"10.43.1.2": ["k1", "k2"]},
                     "results_without_their_lease": ["k2", "k3"], "owners_with_two_leases": ["k1"]}
          and not any(repaired.values()))
    return ok, {"test": "selfcheck", "broken": broken, "repaired": repaired}


def faults(binary, kills=150):
    work, plugin, config = setup(binary)
    env_base = {"CNI_COMMAND": "ADD", "CNI_NETNS": "/proc/1/ns/net", "CNI_IFNAME": "eth0",
                "CNI_PATH": os.path.dirname(plugin)}
    rng = random.Random(7)
    killed, completed = [], []
    handed = {}  # owner -> address of its last successful ADD
    for index in range(kills):
        container = f"k{index % 30}"  # owners repeat, as retried ADDs after a crash would
        process = subprocess.Popen([plugin], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                   env=dict(env_base, CNI_CONTAINERID=container))
        process.stdin.write(json.dumps(config).encode())
        process.stdin.close()
        time.sleep(rng.uniform(0, 0.005))
        process.send_signal(signal.SIGKILL)
        status = process.wait()
        output = process.stdout.read()
        process.stdout.close()
        (completed if status == 0 else killed).append(container)
        if status == 0:
            handed[container] = address_of(json.loads(output))
    owners = sorted({f"k{i}" for i in range(30)})
    mid = leases(work)
    held_by = {}
    for address, owner in mid:
        held_by.setdefault(owner, []).append(address)
    # Retry ADD for every owner (what a runtime does after a failed ADD), then check.
    retry_failures = []
    for owner in owners:
        status, reply = call(plugin, config, "ADD", owner)
        if status == 0:
            handed[owner] = address_of(reply)
        else:
            retry_failures.append(owner)
    problems = lease_problems(handed, leases(work))
    # GC with half the owners still valid: the other half's leases must all go.
    valid = owners[:15]
    gc_status, gc_reply = call(plugin, config, "GC", "",
                               {"cni.dev/valid-attachments": [{"containerID": c, "ifname": "eth0"} for c in valid]})
    remaining = sorted(owner for _, owner in leases(work))
    state = os.path.join(work, "state", "stress")
    stray = [n for d in ("", "addresses", "owners") for n in os.listdir(os.path.join(state, d)) if n.startswith(".tmp.")]
    summary = {"test": "faults", "kills": kills, "killed_before_finishing": len(killed),
               "finished_before_kill": len(completed), "leases_after_kills": len(mid),
               "owners_with_two_leases_after_kills": sum(len(a) > 1 for a in held_by.values()),
               "retry_failures": retry_failures, "owners_handed_an_address": len(handed), **problems,
               "gc_status": gc_status, "gc_reply": gc_reply, "remaining_owners": remaining, "stray_temp_files": stray}
    ok = (not retry_failures and not any(problems.values()) and len(handed) == len(owners) and gc_status == 0
          and remaining == valid and not stray and len(killed) > 0)
    return ok, summary


if __name__ == "__main__":
    mode = sys.argv[1]
    ok, summary = selfcheck() if mode == "selfcheck" else (concurrency if mode == "concurrency" else faults)(sys.argv[2])
    summary["ok"] = ok
    print(json.dumps(summary))
    sys.exit(0 if ok else 1)
