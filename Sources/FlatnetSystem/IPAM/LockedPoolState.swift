import FlatnetCore
import Glibc

/// The pool's files, valid only while `PoolStore.withLocked` holds the lock: one
/// `LockedPoolState` per family (IPv6 in the `ipv6` subdirectory).
public struct LockedPool {
    let root: String
    /// The wall clock when the lock was taken: when a reserved address is released.
    let now = ClusterIPAM.wallClockSeconds()
    /// Reserved addresses released before this time are anyone's (`ipam.reservations.
    /// expirySeconds`); only allocation sets it, so listings show them as they are.
    var expiredBefore: Int64?

    public func state(_ family: IPFamily) -> LockedPoolState {
        LockedPoolState(root: root, family: family, now: now, expiredBefore: expiredBefore)
    }

    /// The same pool, allocating as if reserved addresses attached nowhere for longer than
    /// `seconds` were free.
    func expiring(after seconds: Int?) -> LockedPool {
        var pool = self
        pool.expiredBefore = seconds.map { now - Int64($0) }
        return pool
    }
}

/// One family's lease files, valid only while `PoolStore.withLocked` holds the lock.
/// See PoolStore.swift for the layout and why changes happen in this order.
public struct LockedPoolState: LeaseTable {
    let directory: String
    let family: IPFamily
    let now: Int64
    let expiredBefore: Int64?

    init(root: String, family: IPFamily, now: Int64 = 0, expiredBefore: Int64? = nil) {
        directory = family == .ipv4 ? root : root + "/" + PoolStore.ipv6Directory
        self.family = family
        self.now = now
        self.expiredBefore = expiredBefore
    }

    /// An address of this family from a file name or link target, in its one canonical
    /// spelling (RFC 5952 for IPv6): another spelling would name a second file for it.
    func address(_ text: some StringProtocol) -> IPAddress? {
        guard let address = IPAddress(text), address.family == family,
              address.description == text else { return nil }
        return address
    }

    func leasePath(_ address: IPAddress) -> String { "\(directory)/addresses/\(address)" }
    func ownerPath(_ owner: Attachment) -> String { "\(directory)/owners/\(owner.storeKey)" }
    var lastPath: String { directory + "/last" }
    var historyPath: String { directory + "/highest" }

    // MARK: LeaseTable

    public func state(of address: IPAddress) throws -> LeaseState {
        switch try record(at: address) {
        case .absent: return .free
        case .unreadable(let reason): return .unreadable(reason: reason)
        case .entry(.held(let owner, _)): return .held(by: owner)
        case .entry(.reserved(let workload, let releasedAt)):
            return isExpired(releasedAt) ? .free : .reserved(workload: workload)
        }
    }

    /// What the lease file of `address` says, as written.
    func record(at address: IPAddress) throws -> StoredRecord {
        let path = leasePath(address)
        let text: String?
        do {
            text = try StateFiles.readLink(path)
        } catch {
            // EINVAL: something that is not a symlink (a regular file, a directory).
            guard error.errno == EINVAL else { throw error }
            return .unreadable(reason: "\(path): a regular file or directory where a lease link belongs")
        }
        guard let text else { return .absent }
        switch LeaseRecord.parse(text) {
        case .success(let entry): return .entry(entry)
        case .failure(let error): return .unreadable(reason: "\(path): \(error.reason)")
        }
    }

    /// A reservation attached nowhere for longer than the netconf's expiry.
    func isExpired(_ releasedAt: Int64?) -> Bool {
        guard let releasedAt, let expiredBefore else { return false }
        return releasedAt < expiredBefore
    }

    public func recordedAddress(of owner: Attachment) throws -> IPAddress? {
        let path = ownerPath(owner)
        guard let target = try StateFiles.readLink(path) else { return nil }
        guard let address = address(target) else {
            throw IPAMError.corruptState(path: path, reason: "link target \"\(target)\" is not an address")
        }
        return address
    }

    public func lastAllocated() throws -> IPAddress? {
        // `last` is only a hint for the round-robin order: unreadable text restarts the walk.
        try StateFiles.read(lastPath).flatMap { address($0.split(separator: "\n").first ?? "") }
    }

    /// The highest address ever leased (`LeaseHistory`).
    public func leaseHistory() throws -> LeaseHistory {
        LeaseHistory(fileText: try StateFiles.read(historyPath))
    }

    // MARK: Changes

    /// Gives `address` to `owner`: the owner link (intent, fsynced) first, then the lease,
    /// then the round-robin hint (never fsynced: losing it only changes the next address).
    /// The lease's directory is fsynced by the caller after the lock is released
    /// (`PoolIPAM.acquire`), so concurrent ADDs do not queue behind each other's fsync.
    /// Returns whether this is the address's first lease from the pool (`LeaseHistory`, read
    /// once and raised here).
    /// A requested address does not move the round-robin hint (`advanceCursor` false): a
    /// static address far behind `last` would send the next ADD walking every lease after it.
    @discardableResult
    public func lease(_ address: IPAddress, to owner: Attachment, workload: String? = nil,
                      advanceCursor: Bool = true) throws -> Bool {
        let history = try leaseHistory()
        try StateFiles.replaceLink(ownerPath(owner), target: address.description)
        let text = LeaseRecord.encode(owner, workload: workload)
        if try !StateFiles.createLinkExclusively(leasePath(address), target: text) {
            // Only an expired reservation may be there (the allocator saw it as free): it
            // goes, with its workload's claim on the address. The lease first: a crash
            // leaves an index naming what another holds, which its workload's next ADD
            // drops, never a kept address no index finds. Not the index this ADD just
            // wrote, when the address is its own workload's.
            guard case .entry(.reserved(let kept, let releasedAt)) = try record(at: address),
                  isExpired(releasedAt) else {
                throw IPAMError.corruptState(path: leasePath(address),
                                             reason: "appeared while the pool was locked")
            }
            try StateFiles.replaceLink(leasePath(address), target: text)
            if kept != workload, try reservedAddress(of: kept) == address {
                try StateFiles.remove(reservationPath(kept))
            }
        }
        if advanceCursor {
            try StateFiles.replace(lastPath, with: address.description + "\n", durable: false)
        }
        // The mark is never fsynced: only a host crash loses it, and that takes the
        // containers, and their neighbour entries, with it.
        let raised = history.recording(address)
        if raised != history { try StateFiles.replace(historyPath, with: raised.fileText, durable: false) }
        return history.neverLeased(address)
    }

    /// Makes sure the owner link names `address` (after a crash left it missing or stale).
    public func recordOwnership(of address: IPAddress, by owner: Attachment) throws {
        if try recordedAddress(of: owner) != address {
            try StateFiles.replaceLink(ownerPath(owner), target: address.description)
        }
    }

    /// Releases what `owner` holds: the lease (only if it really names this owner), then
    /// the link. Returns the released address. Nothing held is not an error. A lease
    /// reserved for a workload stays, reserved and attached nowhere (`free(_:)`).
    @discardableResult
    public func release(_ owner: Attachment) throws -> IPAddress? {
        guard let address = try recordedAddress(of: owner) else { return nil }
        var released: IPAddress?
        if case .entry(.held(owner, let workload)) = try record(at: address) {
            try free(address, keptFor: workload)
            released = address  // the caller fsyncs the directory once unlocked
        }
        try StateFiles.remove(ownerPath(owner))
        return released
    }

    /// Ends the lease of `address`: removed, or kept for `workload` from now on.
    func free(_ address: IPAddress, keptFor workload: String?) throws {
        guard let workload else {
            try StateFiles.remove(leasePath(address))
            return
        }
        try StateFiles.replaceLink(leasePath(address),
                                   target: LeaseRecord.encodeReserved(workload: workload, releasedAt: now))
    }

    /// Every lease, with its age in seconds. Unreadable leases are returned as problems.
    public func leases() throws -> (leases: [PoolLease], problems: [String]) {
        var leases: [PoolLease] = [], problems: [String] = []
        let names = (try StateFiles.list(directory + "/addresses") ?? []).sorted()
        for name in names where !name.hasPrefix(".tmp.") {
            guard let address = address(name) else {
                problems.append("\(directory)/addresses/\(name): not an address")
                continue
            }
            switch try record(at: address) {
            case .absent, .entry(.reserved): continue  // reservations are listed by `reservations()`
            case .entry(.held(let owner, let workload)):
                let age = StateFiles.age(leasePath(address)) ?? 0
                leases.append(PoolLease(address: address, owner: owner, ageSeconds: age, workload: workload))
            case .unreadable(let reason): problems.append(reason)
            }
        }
        return (leases.sorted { $0.address < $1.address }, problems)
    }
}

/// A lease file as written: absent, one of flatnet's records, or something else.
enum StoredRecord: Equatable {
    case absent
    case entry(LeaseRecord.Entry)
    case unreadable(reason: String)
}
