#!/usr/bin/env bash
# A throwaway 3-member etcd v3 cluster with TLS everywhere, for the cluster-store tests.
# Run it inside a throwaway network and mount namespace (scripts/lib/common.sh
# in_throwaway_netns): it refuses to run in the machine's own. Each member lives in its own
# network namespace on a bridge made in the caller's namespace, which gets 10.99.S.1 (and
# fd99:0:0:S::1) and so reaches the members at 10.99.S.11, .12 and .13 (fd99:0:0:S::11...) (S: the slot, 1-99, so several clusters can
# run side by side). Client port 2379: TLS with client-certificate authentication; peer port
# 2380: TLS with client certificates too. Data and keys live on a tmpfs mounted over DIR.
#
#   etcd_cluster.sh start DIR SLOT [OWNER_PID [ELECTION_MS]]   certificates, members, bridge;
#                       returns once every member is healthy (a leader is elected). With
#                       OWNER_PID, a watchdog SIGKILLs the members when that process is gone.
#                       ELECTION_MS: etcd's --election-timeout (heartbeat a tenth of it)
#                       instead of etcd's defaults (1000 and 100 ms).
#   etcd_cluster.sh endpoints DIR      the client URLs, one a line (member 1 first)
#   etcd_cluster.sh endpoints6 DIR     the same members' IPv6 client URLs (fd99:0:0:S::1N)
#   etcd_cluster.sh certs DIR          name=path lines: ca, cert, key (the client's), and
#                       other_ca, other_cert, other_key (a second CA nobody trusts)
#   etcd_cluster.sh stop DIR N|all     SIGTERM member N (or every member at once) and wait
#   etcd_cluster.sh kill DIR N         SIGKILL member N
#   etcd_cluster.sh cut DIR N          drop every packet to and from member N (its netns
#                       keeps its link: packets vanish, nothing is refused)
#   etcd_cluster.sh restore DIR N      undo cut; returns once member N is healthy again
#   etcd_cluster.sh restart DIR N|all  start member N (or every member) again on its data;
#                       returns once healthy
#   etcd_cluster.sh leader DIR         the number of the member that is leader now
#   etcd_cluster.sh health DIR [N]     exit 0 if every (or member N's) endpoint is healthy
#   etcd_cluster.sh down DIR           SIGKILL every member, delete namespaces and the bridge
set -euo pipefail

MEMBERS=(1 2 3)
HEALTH_DEADLINE_SECONDS=40

die() { printf 'etcd_cluster.sh: %s\n' "$*" >&2; exit 1; }

# Refuse the machine's own namespaces (TESTING.md safety rules). PID 1's are not readable
# on this machine kind, so compare with FLATNET_OUTER_NETNS (device:inode of the namespace
# in_throwaway_netns started from), and require the private /run/netns mount it makes.
refuse_machine_namespaces() {
    [ -n "${FLATNET_OUTER_NETNS:-}" ] || die "FLATNET_OUTER_NETNS is unset: run inside in_throwaway_netns"
    [ "$(stat -L -c '%d:%i' /proc/self/ns/net)" != "$FLATNET_OUTER_NETNS" ] \
        || die "refusing to run in the network namespace in_throwaway_netns started from"
    [ "$(findmnt -n -o FSTYPE --mountpoint /run/netns 2>/dev/null)" = tmpfs ] \
        || die "/run/netns is not a private tmpfs: run inside in_throwaway_netns"
}

slot_of() { cat "$1/slot"; }
member_ip() { printf '10.99.%s.1%s' "$(slot_of "$1")" "$2"; }
member_ip6() { printf 'fd99:0:0:%s::1%s' "$(slot_of "$1")" "$2"; }
member_netns() { printf 'etcd%s-m%s' "$(slot_of "$1")" "$2"; }
bridge_name() { printf 'etcdbr%s' "$(slot_of "$1")"; }
endpoint() { printf 'https://%s:2379' "$(member_ip "$1" "$2")"; }
endpoint6() { printf 'https://[%s]:2379' "$(member_ip6 "$1" "$2")"; }

# ---- certificates (openssl; EC P-256, valid two days) ----

# new_key_and_request DIR NAME CN: NAME.key and NAME.csr
new_key_and_request() {
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$1/$2.key" -out "$1/$2.csr" -subj "/CN=$3" 2>/dev/null
}

# sign DIR NAME CA EXTENSIONS: NAME.crt signed by CA.crt/CA.key with the extension lines
sign() {
    printf '%b' "$4" >"$1/$2.ext"
    openssl x509 -req -in "$1/$2.csr" -CA "$1/$3.crt" -CAkey "$1/$3.key" -CAcreateserial \
        -days 2 -extfile "$1/$2.ext" -out "$1/$2.crt" 2>/dev/null
}

new_ca() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -keyout "$1/$2.key" -out "$1/$2.crt" -subj "/CN=$3" 2>/dev/null
}

make_certificates() {
    local dir="$1/pki" member
    mkdir -p "$dir"
    new_ca "$dir" ca "flatnet test etcd CA"
    new_ca "$dir" other-ca "a CA the cluster does not trust"
    for member in "${MEMBERS[@]}"; do
        # Server and peer-client certificate in one: members dial each other with it.
        new_key_and_request "$dir" "m$member" "m$member"
        sign "$dir" "m$member" ca "subjectAltName=IP:$(member_ip "$1" "$member"),\
IP:$(member_ip6 "$1" "$member"),IP:127.0.0.1\n\
extendedKeyUsage=serverAuth,clientAuth\n"
    done
    new_key_and_request "$dir" client flatnet
    sign "$dir" client ca "extendedKeyUsage=clientAuth\n"
    new_key_and_request "$dir" other-client flatnet
    sign "$dir" other-client other-ca "extendedKeyUsage=clientAuth\n"
    rm -f "$dir"/*.csr "$dir"/*.ext
}

certs() {
    local dir="$1/pki"
    printf 'ca=%s\ncert=%s\nkey=%s\n' "$dir/ca.crt" "$dir/client.crt" "$dir/client.key"
    printf 'other_ca=%s\nother_cert=%s\nother_key=%s\n' "$dir/other-ca.crt" "$dir/other-client.crt" \
        "$dir/other-client.key"
}

# ---- network ----

make_network() {
    local bridge member netns
    bridge="$(bridge_name "$1")"
    ip link add "$bridge" type bridge
    ip address add "10.99.$(slot_of "$1").1/24" dev "$bridge"
    ip address add "fd99:0:0:$(slot_of "$1")::1/64" dev "$bridge" nodad
    ip link set "$bridge" up
    for member in "${MEMBERS[@]}"; do
        netns="$(member_netns "$1" "$member")"
        ip netns add "$netns"
        ip -n "$netns" link set lo up
        ip link add "${bridge}m$member" type veth peer name eth0 netns "$netns"
        ip link set "${bridge}m$member" master "$bridge" up
        ip -n "$netns" address add "$(member_ip "$1" "$member")/24" dev eth0
        ip -n "$netns" address add "$(member_ip6 "$1" "$member")/64" dev eth0 nodad
        ip -n "$netns" link set eth0 up
    done
}

# cut: an nftables table in the member's namespace that drops everything but loopback, both
# ways. ARP still answers (not inet), so the client's SYNs are sent and never answered: the
# silent-endpoint path, not a refusal.
cut() {
    ip netns exec "$(member_netns "$1" "$2")" nft -f - <<'EOF'
table inet etcd_cut {
    chain input { type filter hook input priority 0; policy drop; iif "lo" accept; }
    chain output { type filter hook output priority 0; policy drop; oif "lo" accept; }
}
EOF
}

restore() {
    ip netns exec "$(member_netns "$1" "$2")" nft delete table inet etcd_cut
    wait_healthy "$1" "$2"
}

# ---- members ----

initial_cluster() {
    local member list=""
    for member in "${MEMBERS[@]}"; do
        list+="${list:+,}m$member=https://$(member_ip "$1" "$member"):2380"
    done
    printf '%s' "$list"
}

# start_member DIR N: etcd in its namespace, in the background, its output in DIR/mN.log.
# stdio is redirected so the caller's pipes are not held open by the member.
start_member() {
    local ip pki="$1/pki" member="$2"
    ip="$(member_ip "$1" "$member")"
    ip netns exec "$(member_netns "$1" "$member")" etcd --name "m$member" \
        --data-dir "$1/data/m$member" \
        --listen-client-urls "https://$ip:2379,$(endpoint6 "$1" "$member")" \
        --advertise-client-urls "https://$ip:2379" \
        --listen-peer-urls "https://$ip:2380" --initial-advertise-peer-urls "https://$ip:2380" \
        --initial-cluster "$(initial_cluster "$1")" --initial-cluster-token "flatnet-test" \
        --initial-cluster-state new \
        --client-cert-auth --trusted-ca-file "$pki/ca.crt" \
        --cert-file "$pki/m$member.crt" --key-file "$pki/m$member.key" \
        --peer-client-cert-auth --peer-trusted-ca-file "$pki/ca.crt" \
        --peer-cert-file "$pki/m$member.crt" --peer-key-file "$pki/m$member.key" \
        $(election_flags "$1") </dev/null >>"$1/m$member.log" 2>&1 &
    echo "$!" >"$1/m$member.pid"
}

# The timing flags start recorded in DIR/election (none: etcd's defaults).
election_flags() {
    local election
    election="$(cat "$1/election" 2>/dev/null || true)"
    [ -z "$election" ] || printf -- '--election-timeout %s --heartbeat-interval %s' "$election" "$((election / 10))"
}

member_pid() { cat "$1/m$2.pid" 2>/dev/null || true; }

signal_member() {  # signal_member DIR N SIGNAL
    local pid
    pid="$(member_pid "$1" "$2")"
    [ -n "$pid" ] || die "member $2 has no process"
    kill "-$3" "$pid" 2>/dev/null || true
    while alive "$pid"; do sleep 0.05; done
    rm -f "$1/m$2.pid"
}

# alive PID: running, not a zombie (the member's parent, an earlier run of this script, is
# gone; whoever inherits it may reap it late, and `kill -0` answers yes for a zombie).
alive() {
    local state
    state="$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null || true)"
    [ -n "$state" ] && [ "$state" != Z ]
}

# etcdctl against the members' client URLs with the client certificate.
etcdctl_tls() {
    local pki="$1/pki"
    shift
    ETCDCTL_API=3 etcdctl --cacert "$pki/ca.crt" --cert "$pki/client.crt" --key "$pki/client.key" \
        --dial-timeout 1s --command-timeout 2s "$@"
}

health() {  # health DIR [N]
    local member endpoints=""
    for member in ${2:-${MEMBERS[*]}}; do endpoints+="${endpoints:+,}$(endpoint "$1" "$member")"; done
    etcdctl_tls "$1" --endpoints "$endpoints" endpoint health >/dev/null 2>&1
}

# leader DIR: asks every member for its status (etcdctl endpoint status -w json) and prints
# the number of the member whose id is the leader id they report.
leader() {
    local member endpoints=""
    for member in "${MEMBERS[@]}"; do endpoints+="${endpoints:+,}$(endpoint "$1" "$member")"; done
    # A cut-off member makes etcdctl fail; the others still answer.
    { etcdctl_tls "$1" --endpoints "$endpoints" endpoint status -w json 2>/dev/null || true; } | python3 -c '
import json, sys
statuses = json.load(sys.stdin)
leaders = {s["Status"]["leader"] for s in statuses}
for s in statuses:
    if s["Status"]["header"]["member_id"] in leaders:
        print(s["Endpoint"].split("//")[1].split(":")[0].rsplit(".", 1)[1][-1])
        break
else:
    sys.exit("no leader among the members that answered")'
}

# wait_healthy DIR [N]: polls `etcdctl endpoint health` (a quorum read: it needs a leader).
wait_healthy() {
    local started=$SECONDS
    until health "$@"; do
        [ $((SECONDS - started)) -lt "$HEALTH_DEADLINE_SECONDS" ] \
            || die "etcd not healthy after ${HEALTH_DEADLINE_SECONDS}s (member ${2:-all}); logs in $1"
        sleep 0.1
    done
}

# A watchdog that SIGKILLs the members once OWNER_PID is gone (a test that crashed never
# ran its teardown). It holds no pipe of the caller's.
start_watchdog() {
    local dir="$1" owner="$2"
    (
        while kill -0 "$owner" 2>/dev/null && [ -d "$dir/data" ]; do sleep 1; done
        for pidfile in "$dir"/m*.pid; do [ -f "$pidfile" ] && kill -KILL "$(cat "$pidfile")" 2>/dev/null; done
    ) </dev/null >/dev/null 2>&1 &
}

start() {  # start DIR SLOT [OWNER_PID [ELECTION_MS]]
    local member
    [[ "$2" =~ ^[1-9][0-9]?$ ]] || die "slot must be 1-99, got '$2'"
    # Another cluster's slot: stop before touching anything (down would then remove its bridge).
    ! ip link show "etcdbr$2" >/dev/null 2>&1 || die "slot $2 is in use (etcdbr$2 exists)"
    mkdir -p "$1"
    mount -t tmpfs -o size=512m,mode=0700 tmpfs "$1"
    echo "$2" >"$1/slot"
    [ -z "${4:-}" ] || { [[ "$4" =~ ^[0-9]+$ ]] || die "ELECTION_MS must be a number"; echo "$4" >"$1/election"; }
    mkdir -p "$1/data"
    make_certificates "$1"
    make_network "$1"
    for member in "${MEMBERS[@]}"; do start_member "$1" "$member"; done
    [ -z "${3:-}" ] || start_watchdog "$1" "$3"
    wait_healthy "$1"
}

# stop DIR N|all: SIGTERM. All: the followers first, then the leader. A stopping leader
# hands leadership to a peer first; with every member stopping at once the heir was
# stopping too, and the hand-over waited out etcd's request timeout (7 s). A leader with
# no connected peer left skips the hand-over.
stop() {
    local member current
    if [ "$2" != all ]; then signal_member "$1" "$2" TERM; return; fi
    current="$(leader "$1" 2>/dev/null || true)"
    for member in "${MEMBERS[@]}"; do
        [ "$member" = "$current" ] || kill -TERM "$(member_pid "$1" "$member")" 2>/dev/null || true
    done
    for member in "${MEMBERS[@]}"; do [ "$member" = "$current" ] || signal_member "$1" "$member" TERM; done
    [ -z "$current" ] || signal_member "$1" "$current" TERM
}

restart() {  # restart DIR N|all
    local member
    if [ "$2" = all ]; then
        for member in "${MEMBERS[@]}"; do start_member "$1" "$member"; done
        wait_healthy "$1"
    else
        start_member "$1" "$2"
        wait_healthy "$1" "$2"
    fi
}

down() {
    local member netns
    # A start that failed before it claimed a slot made nothing of its own but maybe the tmpfs.
    [ -f "$1/slot" ] || { umount --lazy "$1" 2>/dev/null || true; return 0; }
    for member in "${MEMBERS[@]}"; do
        [ -z "$(member_pid "$1" "$member")" ] || signal_member "$1" "$member" KILL
        netns="$(member_netns "$1" "$member")"
        ip netns delete "$netns" 2>/dev/null || true
    done
    ip link delete "$(bridge_name "$1")" 2>/dev/null || true
    rm -rf "$1/data"  # ends the watchdog
    # Lazily: a killed member's other threads can hold its files a moment after its main
    # thread shows as a zombie, and a busy umount left the directory behind.
    umount --lazy "$1"
}

main() {
    [ "$#" -ge 2 ] || die "usage: etcd_cluster.sh start|endpoints|certs|stop|kill|cut|restore|restart|health|down DIR [N]"
    refuse_machine_namespaces
    local command="$1" dir="$2" member
    case "$command" in
        start) start "$dir" "${3:?slot}" "${4:-}" "${5:-}" ;;
        endpoints) for member in "${MEMBERS[@]}"; do endpoint "$dir" "$member"; echo; done ;;
        endpoints6) for member in "${MEMBERS[@]}"; do endpoint6 "$dir" "$member"; echo; done ;;
        certs) certs "$dir" ;;
        stop) stop "$dir" "${3:?member or all}" ;;
        kill) signal_member "$dir" "${3:?member}" KILL ;;
        cut) cut "$dir" "${3:?member}" ;;
        restore) restore "$dir" "${3:?member}" ;;
        restart) restart "$dir" "${3:?member or all}" ;;
        health) health "$dir" "${3:-}" ;;
        leader) leader "$dir" ;;
        down) down "$dir" ;;
        *) die "unknown command $command" ;;
    esac
}

main "$@"
