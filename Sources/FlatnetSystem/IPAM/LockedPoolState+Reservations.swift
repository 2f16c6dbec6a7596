import FlatnetCore

/// Reservations on this host's disk (README.md#addresses-that-follow-their-workload):
/// `reservations/<workload>` (one per family, `/` spelled `%`) is a symlink to the
/// address the workload keeps; the lease file of that address says whether it is
/// attached (`flatnet-lease-1:<id>:<ifname>:<workload>`) or kept for the workload alone
/// (`flatnet-reserved-1:...`). The index is written before the lease and removed after
/// it, so a crash leaves at worst an index naming an address nobody keeps, which the
/// workload's next ADD takes back or replaces, never a kept address no index finds.
extension LockedPoolState {
    func reservationPath(_ workload: String) -> String {
        "\(directory)/reservations/\(WorkloadKey.fileName(workload))"
    }

    /// The address `workload` keeps in this family, by its index (unconfirmed).
    func reservedAddress(of workload: String) throws -> IPAddress? {
        let path = reservationPath(workload)
        guard let target = try StateFiles.readLink(path) else { return nil }
        guard let address = address(target) else {
            throw IPAMError.corruptState(path: path, reason: "link target \"\(target)\" is not an address")
        }
        return address
    }

    /// The address `workload` keeps in this family: its index, unless the lease there names
    /// another container or workload (an index a crash left behind, which keeps nothing).
    /// An address no lease names is still the workload's claim: its next ADD takes it.
    func keptAddress(of workload: String) throws -> IPAddress? {
        guard let address = try reservedAddress(of: workload) else { return nil }
        switch try record(at: address) {
        case .entry(.reserved(workload, _)), .entry(.held(_, workload)), .absent, .unreadable: return address
        case .entry: return nil
        }
    }

    /// Records that `workload` keeps `address` (before its lease names the workload).
    func index(_ address: IPAddress, for workload: String) throws {
        try StateFiles.makeDirectory(directory + "/reservations")
        try StateFiles.replaceLink(reservationPath(workload), target: address.description)
    }

    /// A reserved address's next attachment: the lease names `owner` (the owner link
    /// first, as for any lease). Not a first lease and not a round-robin step.
    func attach(_ address: IPAddress, to owner: Attachment, workload: String) throws {
        try StateFiles.replaceLink(ownerPath(owner), target: address.description)
        try StateFiles.replaceLink(leasePath(address), target: LeaseRecord.encode(owner, workload: workload))
    }

    /// Keeps a free `address` for `workload`, attached nowhere and never attached
    /// (`flatnet ipam reservations create`, after it wrote the index).
    func keep(_ address: IPAddress, for workload: String) throws {
        let record = LeaseRecord.encodeReserved(workload: workload, releasedAt: nil)
        guard try StateFiles.createLinkExclusively(leasePath(address), target: record) else {
            throw IPAMError.corruptState(path: leasePath(address),
                                         reason: "appeared while the pool was locked")
        }
    }

    /// Whether the lease of `address` keeps it for `workload` (attached or not).
    func keeps(_ address: IPAddress, for workload: String) throws -> Bool {
        switch try record(at: address) {
        case .entry(.reserved(workload, _)), .entry(.held(_, workload)): return true
        default: return false
        }
    }

    /// `workload` no longer keeps its address of this family: attached nowhere, it is
    /// free; attached, its container keeps it until its DEL. Returns the address.
    func dropReservation(of workload: String) throws -> IPAddress? {
        guard let address = try reservedAddress(of: workload) else { return nil }
        let kept = try keptAddress(of: workload)
        switch try record(at: address) {
        case .entry(.reserved(workload, _)):
            try StateFiles.remove(leasePath(address))
        case .entry(.held(let owner, workload)):
            try StateFiles.replaceLink(leasePath(address), target: LeaseRecord.encode(owner))
        case .absent, .entry, .unreadable:
            break  // the index outlived its lease: nothing is kept
        }
        try StateFiles.remove(reservationPath(workload))
        return kept
    }

    /// Every reservation of this family: the workload and the address its index names.
    func reservations() throws -> [(workload: String, address: IPAddress)] {
        try (StateFiles.list(directory + "/reservations") ?? []).sorted().compactMap { name in
            guard let workload = WorkloadKey.key(fromFileName: name),
                  let address = try keptAddress(of: workload) else { return nil }
            return (workload, address)
        }
    }

    /// Whether `owner` holds an address of this family now.
    func holds(_ owner: Attachment) throws -> Bool {
        guard let address = try recordedAddress(of: owner) else { return false }
        return try holder(of: address) == owner
    }

    /// ADD of a reserved workload: the address it keeps, attached to `owner`, and how to
    /// take that back exactly (another family failed: the reservation must not look
    /// attached and released now, which would start or restart its expiry); nil when it
    /// keeps none in this family (the caller leases a new one and keeps that).
    func attachReserved(_ owner: Attachment, workload: String, request: IPAddress?,
                        pool: AddressPool) throws -> (address: IPAddress, undo: () throws -> Void)? {
        guard let address = try reservedAddress(of: workload) else { return nil }
        switch try record(at: address) {
        case .entry(.reserved(workload, let releasedAt)):
            try pool.checkKeepable(address, workload: workload)
            if let request, request != address {
                throw IPAMError.requestReserved(request, workload: workload)
            }
            try attach(address, to: owner, workload: workload)
            let before = LeaseRecord.encodeReserved(workload: workload, releasedAt: releasedAt)
            return (address, {
                try StateFiles.replaceLink(self.leasePath(address), target: before)
                try StateFiles.remove(self.ownerPath(owner))
            })
        case .entry(.held(let holder, workload)):
            throw IPAMError.reservationInUse(address, workload: workload, by: holder, node: nil)
        case .absent where pool.isAllocatable(address) && (request == nil || request == address):
            // A crash between the index and the lease: the address is still the workload's.
            _ = try lease(address, to: owner, workload: workload, advanceCursor: false)
            return (address, { try self.unlease(address, owner: owner, workload: nil) })
        case .absent, .entry, .unreadable:
            // The index outlived what it kept (or names what another now holds): dropped,
            // and the workload gets a new address like any new one.
            try StateFiles.remove(reservationPath(workload))
            return nil
        }
    }

    /// Takes back a lease this ADD made (another family failed): the lease, the owner link
    /// and the index it wrote, as if the ADD had never run.
    func unlease(_ address: IPAddress, owner: Attachment, workload: String?) throws {
        try StateFiles.remove(leasePath(address))
        try StateFiles.remove(ownerPath(owner))
        if let workload, try reservedAddress(of: workload) == address {
            try StateFiles.remove(reservationPath(workload))
        }
    }
}
