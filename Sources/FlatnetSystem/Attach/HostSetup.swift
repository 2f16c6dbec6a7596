import FlatnetCore
import Glibc

/// Makes sure a network's host side exists and matches the netconf: the bridge, the
/// uplink (or its VLAN sub-interface) enslaved to it, and with a metadata block the rules,
/// the link pair and the reserved address. DEL never tears it down.
///
/// A prepared host costs a few targeted netlink lookups and no lock (`readyBridgeIndex`).
/// Otherwise the full setup runs under a per-network lock, keyed by the host's network
/// namespace so that simulated hosts on one machine do not share it:
/// 1. preflight: everything that could refuse is checked before anything is created;
/// 2. claims: names no other network on this host may hold (`HostClaims`);
/// 3. convergence from what the last setup applied (`SetupRecord`): a previous uplink is
///    released before the new one joins, a stale reserved address removed;
/// 4. the host steps (`AttachPlanner.hostSteps`: rules before anything joins the bridge);
/// 5. container veths cut off from a re-created bridge are re-attached, and recorded
///    ports get their port security elements back;
/// 6. the ready stamp, last.
/// Every step is an `ensure`: eight ADDs racing on a fresh host create one bridge and
/// all succeed.
public struct HostSetup: Sendable {
    public static let lockDirectory = "/run/flatnet/locks"
    /// Where a completed setup is recorded (tmpfs: gone at reboot, like the rules).
    public static let readyDirectory = "/run/flatnet/ready"
    /// Where what setup applied is recorded, for convergence and teardown.
    public static let appliedDirectory = "/run/flatnet/applied"

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
            // Checked again under the lock: ADDs that queued behind the one that set the
            // host up find it ready and do not run the full setup again.
            if let ready = try readyBridgeIndex(socket: socket) { return ready }
            return try runFullSetup(socket: socket)
        }
    }

    /// The full setup, under the host lock (the numbered steps above).
    func runFullSetup(socket: borrowing NetlinkSocket) throws -> Int32 {
        var record = try appliedRecord()
        try preflight(socket: socket, record: record)
        let firstSetup = try !wasApplied()
        try HostClaimRegistry().claim(HostClaims.claims(for: config), for: config.name)
        do {
            return try applySteps(&record, socket: socket)
        } catch {
            if firstSetup { undoFailedFirstSetup(socket: socket) }
            throw error
        }
    }

    /// A network that never got set up here holds nothing after its first setup fails:
    /// its claims must not block another network (a refused flat-c kept eth2 from flat-e),
    /// and once this run created the bridge, everything it added goes as teardown removes
    /// it (a VLAN this kernel refuses left the bridge and its nft table up). Nothing can
    /// be using what hangs off a bridge that did not exist before this run.
    private func undoFailedFirstSetup(socket: borrowing NetlinkSocket) {
        if (try? appliedRecord())?.createdBridge != nil {
            HostTeardown(config: config, lockTimeoutMilliseconds: lockTimeoutMilliseconds)
                .undoFailedSetup(socket: socket)
        }
        try? HostClaimRegistry().release(network: config.name)
    }

    /// Steps 3-6 of the full setup.
    private func applySteps(_ record: inout SetupRecord, socket: borrowing NetlinkSocket) throws -> Int32 {
        try convergeFromRecord(&record, socket: socket)
        for step in AttachPlanner.hostSteps(for: config) {
            try execute(step, socket: socket, record: &record)
            try saveApplied(record)
        }
        guard let bridge = try socket.link(named: config.bridge.value) else {
            throw HostSetupError.notABridge(config.bridge, kind: nil)
        }
        try reattachContainerVeths(to: bridge, socket: socket)
        try restorePortProtection(socket: socket)
        let docker = try config.metadata.flatMap { try socket.link(named: $0.dockerBridge.value) }
        if let metadata = config.metadata, let docker {
            try announceReservedAddress(metadata, docker: docker, socket: socket)
        }
        try StateFiles.makeDirectory(HostSetup.readyDirectory)
        let stamp = ReadyStamp(digest: readyDigest, bridgeIndex: bridge.index, dockerIndex: docker?.index,
                               tableFingerprint: try portSecurityFingerprint())
        try StateFiles.replace(try path(in: HostSetup.readyDirectory), with: stamp.encoded, durable: false)
        return bridge.index
    }

    /// A gratuitous ARP for the reserved address into the flat bridge (see
    /// `ReservedAddressAnnouncement`): containers that cached an old docker0 MAC recover
    /// at once.
    func announceReservedAddress(
        _ metadata: MetadataConfig, docker: LinkInfo, socket: borrowing NetlinkSocket
    ) throws {
        let dockerSide = InterfaceNaming.linkPair(network: config.name).dockerSide
        guard let mac = docker.mac, let link = try socket.link(named: dockerSide.value) else { return }
        try ReservedAddressAnnouncement.send(metadata.reservedAddress, mac: mac, interfaceIndex: link.index)
    }

    /// A digest of everything the setup installs: when the netconf changes, so does this,
    /// and the next ADD runs the full setup (and repairs what drifted).
    var readyDigest: String {
        FNV1a.hash64Hex(AttachPlanner.hostSteps(for: config).map(\.ipCommand).joined(separator: "\n"))
    }

    /// `<directory>/net-<host netns inode>.<network>`.
    func path(in directory: String) throws -> String {
        let identity = try NetworkNamespace.identity(path: "/proc/thread-self/ns/net")
        return "\(directory)/net-\(identity.inode).\(config.name)"
    }

    /// What the last setup applied here (empty when none did).
    func appliedRecord() throws -> SetupRecord {
        try StateFiles.read(try path(in: HostSetup.appliedDirectory)).map(SetupRecord.decode) ?? SetupRecord()
    }

    func saveApplied(_ record: SetupRecord) throws {
        try StateFiles.makeDirectory("/run/flatnet", mode: 0o755)
        try StateFiles.makeDirectory(HostSetup.appliedDirectory)
        try StateFiles.replace(try path(in: HostSetup.appliedDirectory), with: record.encoded, durable: false)
    }

    /// Forgets that setup completed, so the next ADD re-verifies and repairs it (after
    /// CHECK found drift the fast path cannot see, like a flushed ruleset; `flatnet repair`).
    public func invalidate() throws {
        try StateFiles.remove(try path(in: HostSetup.readyDirectory))
    }

    /// Whether a setup ever ran for this network on this host (and was not torn down).
    public func wasApplied() throws -> Bool {
        try StateFiles.read(try path(in: HostSetup.appliedDirectory)) != nil
    }

    /// Whether any record of a setup is here: what it applied, or its ready stamp.
    public func hasRecords() throws -> Bool {
        try wasApplied() || StateFiles.read(try path(in: HostSetup.readyDirectory)) != nil
    }

    /// The bridge index when everything is already in place, else nil: the stamp matches
    /// this netconf, the bridge is the one setup left (same index), the uplink is on it,
    /// and with a metadata block the link pair joins the flat bridge to the same docker
    /// bridge (a re-created docker0 has a new index) which still holds the reserved address;
    /// the port security table reads as setup left it (two netlink round trips, whatever
    /// the number of containers: a partial firewall reload that deleted or flushed one of
    /// its chains would otherwise leave every later container unprotected).
    func readyBridgeIndex(socket: borrowing NetlinkSocket) throws -> Int32? {
        guard let stamp = try currentStamp(),
              let bridge = try socket.link(named: config.bridge.value), bridge.index == stamp.bridgeIndex,
              bridge.kind == "bridge", bridge.isUp, config.mtu == nil || bridge.mtu == config.mtu,
              try portSecurityFingerprint() == stamp.tableFingerprint
        else { return nil }
        if let port = config.uplinkPort {
            guard let link = try socket.link(named: port.value), link.masterIndex == bridge.index,
                  link.isUp else { return nil }
        }
        if let metadata = config.metadata {
            let pair = InterfaceNaming.linkPair(network: config.name)
            let reserved = AttachPlanner.reservedPrefix(metadata, config: config)
            guard let docker = stamp.dockerIndex,
                  let flatSide = try socket.link(named: pair.bridgeSide.value),
                  flatSide.masterIndex == bridge.index, flatSide.isUp,
                  let dockerSide = try socket.link(named: pair.dockerSide.value),
                  dockerSide.masterIndex == docker, dockerSide.isUp,
                  try socket.ipv4Addresses(interfaceIndex: docker).contains(reserved)
            else { return nil }
        }
        return bridge.index
    }

    /// The stamp the last full setup left for this netconf, or nil (none, or another netconf's).
    func currentStamp() throws -> ReadyStamp? {
        guard let text = try StateFiles.read(try path(in: HostSetup.readyDirectory)),
              let stamp = ReadyStamp.decode(text), stamp.digest == readyDigest else { return nil }
        return stamp
    }

    func withHostLock<T>(_ body: () throws -> T) throws -> T {
        try StateFiles.makeDirectory("/run/flatnet", mode: 0o755)
        try StateFiles.makeDirectory(HostSetup.lockDirectory)
        let path = try path(in: HostSetup.lockDirectory) + ".lock"
        do {
            return try FileLock.withLock(path: path, timeoutMilliseconds: lockTimeoutMilliseconds, body)
        } catch let timeout as LockTimeout {
            throw CNIError(.tryAgainLater, "timed out waiting for the host setup lock",
                           details: timeout.description)
        }
    }
}

extension IPPrefix {
    /// fe80::/10: every IPv6 interface has one; it does not make an uplink "in use".
    var isIPv6LinkLocal: Bool { IPPrefix("fe80::/10")!.contains(address) }
}
