import FlatnetCore
import Glibc

/// Makes sure a network's host side exists: the bridge, the uplink (or its VLAN
/// sub-interface) enslaved to it. Never removes anything (DEL never tears it down).
///
/// A prepared host costs two netlink lookups and no lock. Otherwise the steps run under
/// a per-network lock, keyed by the host's network namespace so that simulated hosts on
/// one machine do not share it, and every step is an `ensure`: eight ADDs racing on a
/// fresh host create one bridge and all succeed.
public struct HostSetup: Sendable {
    public static let lockDirectory = "/run/flatnet/locks"

    public let config: NetworkConfig
    public let lockTimeoutMilliseconds: Int

    public init(config: NetworkConfig, lockTimeoutMilliseconds: Int) {
        self.config = config
        self.lockTimeoutMilliseconds = lockTimeoutMilliseconds
    }

    /// Ensures the host side and returns the bridge's interface index.
    public func ensure(socket: borrowing NetlinkSocket) throws -> Int32 {
        if let ready = try readyBridgeIndex(socket: socket) { return ready }
        return try withHostLock {
            for step in AttachPlanner.hostSteps(for: config) { try execute(step, socket: socket) }
            guard let bridge = try socket.link(named: config.bridge.value) else { throw HostSetupError.notABridge(config.bridge, kind: nil) }
            try StateFiles.makeDirectory(HostSetup.readyDirectory)
            try StateFiles.replace(try readyStampPath(), with: readyStamp, durable: false)
            return bridge.index
        }
    }

    /// Where a completed setup is recorded (tmpfs: gone at reboot, like the rules).
    public static let readyDirectory = "/run/flatnet/ready"

    /// A digest of everything the setup installs: when the netconf changes, so does this,
    /// and the next ADD runs the full setup (and repairs what drifted).
    var readyStamp: String {
        FNV1a.hash64Hex(AttachPlanner.hostSteps(for: config).map(\.ipCommand).joined(separator: "\n")) + "\n"
    }

    func readyStampPath() throws -> String {
        let identity = try NetworkNamespace.identity(path: "/proc/thread-self/ns/net")
        return "\(HostSetup.readyDirectory)/net-\(identity.inode).\(config.name)"
    }

    /// Where flatnet notes the links it created, so teardown removes those and only those.
    public static let createdDirectory = "/run/flatnet/created"

    func createdMarkerPath(_ kind: String) throws -> String {
        let identity = try NetworkNamespace.identity(path: "/proc/thread-self/ns/net")
        return "\(HostSetup.createdDirectory)/net-\(identity.inode).\(config.name).\(kind)"
    }

    func recordCreated(_ kind: String) throws {
        try StateFiles.makeDirectory(HostSetup.createdDirectory)
        try StateFiles.replace(try createdMarkerPath(kind), with: kind + "\n", durable: false)
    }

    /// Forgets that setup completed, so the next ADD re-verifies and repairs it (after
    /// CHECK or doctor found drift the fast path cannot see, like a flushed ruleset).
    public func invalidate() throws {
        try StateFiles.remove(try readyStampPath())
    }

    /// The bridge index when everything is already in place, else nil.
    func readyBridgeIndex(socket: borrowing NetlinkSocket) throws -> Int32? {
        guard let bridge = try socket.link(named: config.bridge.value), bridge.kind == "bridge", bridge.isUp,
              config.mtu == nil || bridge.mtu == config.mtu else { return nil }
        if let port = config.uplinkPort {
            guard let link = try socket.link(named: port.value), link.masterIndex == bridge.index, link.isUp else { return nil }
        }
        if config.metadata != nil {
            // The rules cannot be read without an exec; the stamp stands for them.
            guard try StateFiles.read(try readyStampPath()) == readyStamp,
                  let link = try socket.link(named: InterfaceNaming.linkPair(network: config.name).bridgeSide.value),
                  link.masterIndex == bridge.index, link.isUp else { return nil }
        }
        return bridge.index
    }

    func withHostLock<T>(_ body: () throws -> T) throws -> T {
        let identity = try NetworkNamespace.identity(path: "/proc/thread-self/ns/net")
        try StateFiles.makeDirectory("/run/flatnet", mode: 0o755)
        try StateFiles.makeDirectory(HostSetup.lockDirectory)
        let path = "\(HostSetup.lockDirectory)/net-\(identity.inode).\(config.name).lock"
        do {
            return try FileLock.withLock(path: path, timeoutMilliseconds: lockTimeoutMilliseconds, body)
        } catch let timeout as LockTimeout {
            throw CNIError(.tryAgainLater, "timed out waiting for the host setup lock", details: timeout.description)
        }
    }

    func execute(_ step: HostStep, socket: borrowing NetlinkSocket) throws {
        switch step {
        case .ensureBridge(let name, let mtu):
            if try socket.createBridge(named: name, mtu: mtu) { try recordCreated("bridge"); return }
            guard let link = try socket.link(named: name.value), link.kind == "bridge" else {
                throw HostSetupError.notABridge(name, kind: try socket.link(named: name.value)?.kind)
            }
            if !link.isUp || (mtu != nil && link.mtu != mtu) { try socket.changeLink(named: name.value, LinkChange(up: true, mtu: mtu)) }
        case .ensureVLAN(let name, let parent, let id, let mtu):
            try ensureVLAN(name, parent: parent, id: id, mtu: mtu, socket: socket)
        case .enslaveUplink(let port, let bridge, let mtu):
            try enslave(port, bridge: bridge, mtu: mtu, socket: socket)
        case .disableIPv6, .ensureLinkPair, .ensureReservedAddress, .ensureRules:
            try executeMetadataStep(step, socket: socket)
        }
    }

    private func ensureVLAN(_ name: InterfaceName, parent: InterfaceName, id: Int, mtu: Int?, socket: borrowing NetlinkSocket) throws {
        if let existing = try socket.link(named: name.value) {
            guard existing.kind == "vlan" else { throw HostSetupError.notAVLAN(name, kind: existing.kind) }
            return
        }
        guard let parentLink = try socket.link(named: parent.value) else { throw HostSetupError.uplinkMissing(parent) }
        do {
            try socket.createVLAN(named: name, parentIndex: parentLink.index, id: id, mtu: mtu)
            try recordCreated("vlan")
        } catch let error as NetlinkError {
            guard error.isExisting else { throw HostSetupError.vlanUnsupported(name, error) }  // else: a racing setup made it
        }
        if !parentLink.isUp { try socket.changeLink(named: parent.value, LinkChange(up: true)) }
    }

    /// Refuses an uplink that carries addresses (other than IPv6 link-local) or belongs
    /// to another master: enslaving it would cut the host's own traffic.
    private func enslave(_ port: InterfaceName, bridge: InterfaceName, mtu: Int?, socket: borrowing NetlinkSocket) throws {
        guard let link = try socket.link(named: port.value) else { throw HostSetupError.uplinkMissing(port) }
        guard let bridgeLink = try socket.link(named: bridge.value) else { throw HostSetupError.notABridge(bridge, kind: nil) }
        if let master = link.masterIndex, master != bridgeLink.index {
            throw HostSetupError.uplinkEnslavedElsewhere(port, master: try socket.link(index: master)?.name ?? "index \(master)")
        }
        let addresses = try socket.addresses(interfaceIndex: link.index).map(\.prefix).filter { !$0.isIPv6LinkLocal }
        guard addresses.isEmpty else { throw HostSetupError.uplinkHasAddresses(port, addresses) }
        if link.masterIndex == bridgeLink.index && link.isUp && (mtu == nil || link.mtu == mtu) { return }
        try socket.changeLink(named: port.value, LinkChange(master: bridgeLink.index, up: true, mtu: mtu))
    }
}

extension IPPrefix {
    /// fe80::/10: every IPv6 interface has one; it does not make an uplink "in use".
    var isIPv6LinkLocal: Bool { IPPrefix("fe80::/10")!.contains(address) }
}
