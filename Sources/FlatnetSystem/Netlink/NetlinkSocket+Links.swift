import CNetlink
import FlatnetCore
import Glibc

/// What to change on an existing link; nil fields are left alone.
public struct LinkChange: Sendable {
    public var master: Int32?
    public var up: Bool?
    public var mtu: Int?
    public var arpNotify: Bool?
    /// A MAC to set. Setting a link's MAC, even to the one it has, raises NETDEV_CHANGEADDR,
    /// on which a link with arp_notify=1 sends a gratuitous ARP (measured here).
    public var mac: MACAddress?
    /// IFLA_IFALIAS (`ip link set NAME alias TEXT`).
    public var alias: String?

    public init(master: Int32? = nil, up: Bool? = nil, mtu: Int? = nil, arpNotify: Bool? = nil,
                mac: MACAddress? = nil, alias: String? = nil) {
        self.master = master
        self.up = up
        self.mtu = mtu
        self.arpNotify = arpNotify
        self.mac = mac
        self.alias = alias
    }
}

/// The veth pair of one container attachment, created in a single request.
public struct VethRequest: Sendable {
    public var hostName: InterfaceName
    /// The bridge the host end joins (by index), set in the same request; nil leaves it
    /// without a master.
    public var bridgeIndex: Int32?
    public var containerName: InterfaceName
    /// An open descriptor of the container's netns: the peer is created there directly
    /// (PLATFORM-NOTES: moving it afterwards costs ~13 ms of kernel time).
    public var containerNamespace: Int32
    public var mtu: Int?
    public var containerMAC: MACAddress?

    public init(hostName: InterfaceName, bridgeIndex: Int32?, containerName: InterfaceName,
                containerNamespace: Int32, mtu: Int?, containerMAC: MACAddress?) {
        self.hostName = hostName
        self.bridgeIndex = bridgeIndex
        self.containerName = containerName
        self.containerNamespace = containerNamespace
        self.mtu = mtu
        self.containerMAC = containerMAC
    }
}

extension NetlinkSocket {
    /// Creates a bridge, up (`rtnl_link_add`; `ip link add NAME [mtu M] up type bridge`).
    /// Returns false when a link of that name already existed (nothing was changed).
    public func createBridge(named name: InterfaceName, mtu: Int?) throws(NetlinkError) -> Bool {
        let link = try LinkObject()
        rtnl_link_set_name(link.pointer, name.value)
        try NetlinkError.check(rtnl_link_set_type(link.pointer, "bridge"), call: "rtnl_link_set_type",
                               subject: name.value)
        if let mtu { rtnl_link_set_mtu(link.pointer, UInt32(mtu)) }
        rtnl_link_set_flags(link.pointer, UInt32(IFF_UP))
        let status = rtnl_link_add(handle, link.pointer, NLM_F_CREATE | NLM_F_EXCL)
        if status == -NLE_EXIST { return false }
        guard status >= 0 else {
            throw NetlinkError(call: "rtnl_link_add", code: status, subject: name.value)
        }
        return true
    }

    /// Changes an existing link (`rtnl_link_change`; `ip link set NAME [master B] [up|down]
    /// [mtu M]`, and for arp_notify `sysctl net.ipv4.conf.NAME.arp_notify=1`). One request,
    /// addressed by name: no lookup first (a lookup per change was a third of an ADD's
    /// netlink requests). A missing link is the kernel's ENODEV.
    public func changeLink(named name: String, _ change: LinkChange) throws(NetlinkError) {
        let original = try LinkObject()  // index 0: the kernel finds the link by IFLA_IFNAME
        let request = try LinkObject()
        rtnl_link_set_name(request.pointer, name)
        if let master = change.master { rtnl_link_set_master(request.pointer, master) }
        if let mtu = change.mtu { rtnl_link_set_mtu(request.pointer, UInt32(mtu)) }
        if let up = change.up {
            if up {
                rtnl_link_set_flags(request.pointer, UInt32(IFF_UP))
            } else {
                rtnl_link_unset_flags(request.pointer, UInt32(IFF_UP))
            }
        }
        if let alias = change.alias { rtnl_link_set_ifalias(request.pointer, alias) }
        if let mac = change.mac {
            let address = try NetlinkAddress(mac)
            rtnl_link_set_addr(request.pointer, address.pointer)
        }
        if let arpNotify = change.arpNotify {
            // Unchecked, a failure here left arp_notify off: the link came up unannounced.
            let status = rtnl_link_inet_set_conf(request.pointer, UInt32(IPV4_DEVCONF_ARP_NOTIFY),
                                                 arpNotify ? 1 : 0)
            try NetlinkError.check(status, call: "rtnl_link_inet_set_conf ARP_NOTIFY", subject: name)
        }
        let result = rtnl_link_change(handle, original.pointer, request.pointer, 0)
        guard result >= 0 else { throw NetlinkError(call: "rtnl_link_change", code: result, subject: name) }
    }

    /// Creates a veth pair with the host end on the bridge and up, and the peer already
    /// inside the container's netns (`rtnl_link_add` of a veth; `ip link add HOST master
    /// BRIDGE up type veth peer name IFNAME netns NS`).
    public func createVeth(_ request: VethRequest) throws(NetlinkError) {
        guard let link = rtnl_link_veth_alloc() else {
            throw NetlinkError(call: "rtnl_link_veth_alloc", code: NLE_NOMEM)
        }
        defer { rtnl_link_put(link) }
        // rtnl_link_veth_get_peer takes a reference (veth.c): put it, or each ADD leaks the
        // peer object (1,232 bytes, memcheck).
        guard let peer = rtnl_link_veth_get_peer(link) else {
            throw NetlinkError(call: "rtnl_link_veth_get_peer", code: NLE_FAILURE,
                               subject: request.hostName.value)
        }
        defer { rtnl_link_put(peer) }
        rtnl_link_set_name(link, request.hostName.value)
        if let bridge = request.bridgeIndex { rtnl_link_set_master(link, bridge) }
        rtnl_link_set_flags(link, UInt32(IFF_UP))
        rtnl_link_set_name(peer, request.containerName.value)
        rtnl_link_set_ns_fd(peer, request.containerNamespace)
        if let mtu = request.mtu {
            rtnl_link_set_mtu(link, UInt32(mtu))
            rtnl_link_set_mtu(peer, UInt32(mtu))
        }
        if let mac = request.containerMAC {
            let address = try NetlinkAddress(mac)
            rtnl_link_set_addr(peer, address.pointer)
        }
        let status = rtnl_link_add(handle, link, NLM_F_CREATE | NLM_F_EXCL)
        guard status >= 0 else {
            throw NetlinkError(call: "rtnl_link_add veth", code: status, subject: request.hostName.value)
        }
    }

    /// Deletes a link by name (`rtnl_link_delete`; `ip link del NAME`). Deleting one end
    /// of a veth deletes both. Returns false when there was no such link.
    @discardableResult
    public func deleteLink(named name: String) throws(NetlinkError) -> Bool {
        let link = try LinkObject()
        rtnl_link_set_name(link.pointer, name)
        let status = rtnl_link_delete(handle, link.pointer)
        if status == -NLE_OBJ_NOTFOUND || status == -NLE_NODEV { return false }
        guard status >= 0 else { throw NetlinkError(call: "rtnl_link_delete", code: status, subject: name) }
        return true
    }
}

/// A libnl `rtnl_link` request object, released exactly once.
struct LinkObject: ~Copyable {
    let pointer: OpaquePointer

    init() throws(NetlinkError) {
        guard let pointer = rtnl_link_alloc() else {
            throw NetlinkError(call: "rtnl_link_alloc", code: NLE_NOMEM)
        }
        self.pointer = pointer
    }

    deinit { rtnl_link_put(pointer) }
}

extension NetlinkSocket {
    /// The link with interface index `index`, or nil (`rtnl_link_get_kernel` by index).
    public func link(index: Int32) throws(NetlinkError) -> LinkInfo? {
        var link: OpaquePointer?
        let status = rtnl_link_get_kernel(handle, index, nil, &link)
        if status == -NLE_OBJ_NOTFOUND || status == -NLE_NODEV { return nil }
        guard status >= 0, let link else {
            throw NetlinkError(call: "rtnl_link_get_kernel", code: status, subject: "index \(index)")
        }
        defer { rtnl_link_put(link) }
        return LinkInfo(libnlLink: link)
    }

    /// Creates an 802.1Q sub-interface (`rtnl_link_add` of a vlan; `ip link add link PARENT
    /// name NAME type vlan id ID`). Kernels without 8021q answer "operation not supported".
    public func createVLAN(
        named name: InterfaceName, parentIndex: Int32, id: Int, mtu: Int?
    ) throws(NetlinkError) {
        guard let link = rtnl_link_vlan_alloc() else {
            throw NetlinkError(call: "rtnl_link_vlan_alloc", code: NLE_NOMEM)
        }
        defer { rtnl_link_put(link) }
        rtnl_link_set_name(link, name.value)
        rtnl_link_set_link(link, parentIndex)
        try NetlinkError.check(rtnl_link_vlan_set_id(link, UInt16(id)), call: "rtnl_link_vlan_set_id",
                               subject: name.value)
        if let mtu { rtnl_link_set_mtu(link, UInt32(mtu)) }
        let status = rtnl_link_add(handle, link, NLM_F_CREATE | NLM_F_EXCL)
        guard status >= 0 else {
            throw NetlinkError(call: "rtnl_link_add vlan", code: status, subject: name.value)
        }
    }
}
