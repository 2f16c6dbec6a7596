/// Why the pool could not do what was asked. Each case names the address, owner or file.
public enum IPAMError: Error, Equatable, CNIErrorConvertible, CustomStringConvertible {
    case exhausted(network: String, ranges: String)
    case requestOutsideSubnet(IPAddress, subnet: IPPrefix)
    case requestFamilyMissing(IPAddress, network: String)
    case requestNeverAllocated(IPAddress, reason: String)
    case requestOutsideRanges(IPAddress, ranges: String)
    case requestHeld(IPAddress, by: Attachment)
    case requestUnreadable(IPAddress, reason: String)
    /// The address is reserved for another workload (or the workload's reservation names
    /// another address than the one requested).
    case requestReserved(IPAddress, workload: String)
    /// The workload's reserved address is still held by an earlier attachment (the
    /// workload's previous container, on this host or another, was never deleted).
    case reservationInUse(IPAddress, workload: String, by: Attachment, node: String?)
    /// The owner key names another node: the same container id and interface are attached
    /// there (cnitool derives ids from the netns path, `ctr run --cni` uses the name).
    case attachedOnOtherNode(Attachment, node: String)
    /// `reservations create` for a workload that has one.
    case reservationExists(workload: String)
    case ownerHoldsOther(Attachment, held: IPAddress, requested: IPAddress)
    case tooManyRequests([IPAddress])
    case corruptState(path: String, reason: String)
    case lockTimeout(path: String, milliseconds: Int)
    case notHeld(Attachment, expected: IPAddress?)
    /// CHECK: no lease of a family the pool has (attached before the pool gained it, or lost).
    case familyNotHeld(Attachment, family: IPFamily)
    /// `flatnet ipam release --address` of an address this network can never hold.
    case releaseOutsideSubnet(IPAddress, subnet: String)

    public var description: String {
        cniError.message + (cniError.details.isEmpty ? "" : ": " + cniError.details)
    }

    public var cniError: CNIError {
        switch self {
        case .exhausted(let network, let ranges):
            return CNIError(.poolExhausted, "no free address in the pool of network \(network)",
                            details: "ranges \(ranges) are fully allocated")
        case .requestOutsideSubnet(let address, let subnet):
            return CNIError(.addressUnavailable,
                            "requested address \(address) is outside the subnet \(subnet)")
        case .requestFamilyMissing(let address, let network):
            return CNIError(.addressUnavailable,
                            "requested address \(address) is \(address.family.name), and the pool of network"
                                + " \(network) has no \(address.family.name) range set")
        case .requestNeverAllocated(let address, let reason):
            return CNIError(.addressUnavailable, "requested address \(address) is never allocated",
                            details: reason)
        case .requestOutsideRanges(let address, let ranges):
            return CNIError(.addressUnavailable, "requested address \(address) is outside this host's ranges",
                            details: "ranges: \(ranges); other hosts allocate the rest of the subnet")
        case .requestHeld(let address, let owner):
            return CNIError(.addressUnavailable, "requested address \(address) is held by another container",
                            details: "held by container \(owner.containerID) interface \(owner.ifName)")
        case .requestUnreadable(let address, let reason):
            return CNIError(.addressUnavailable,
                            "requested address \(address) has a lease flatnet cannot read",
                            details: "\(reason); it counts as held until an operator checks it"
                                + " (flatnet doctor)")
        case .requestReserved(let address, let workload):
            return CNIError(.addressUnavailable,
                            "requested address \(address) is reserved for workload \(workload)",
                            details: "release the reservation first: flatnet ipam reservations release")
        case .reservationInUse(let address, let workload, let owner, let node):
            let whereHeld = node.map { "on node \($0)" } ?? "on this host"
            let reclaim = node.map { "reclaim a dead node's leases with flatnet ipam release --node \($0)" }
                ?? "release it with flatnet ipam release --container \(owner.containerID)"
            return CNIError(.addressUnavailable,
                            "workload \(workload)'s address \(address) is still held by container"
                                + " \(owner.containerID) \(owner.ifName) \(whereHeld)",
                            details: "its earlier attachment was never deleted; DEL it there, or \(reclaim)")
        case .attachedOnOtherNode(let owner, let node):
            return CNIError(.addressUnavailable,
                            "container \(owner.containerID) \(owner.ifName) is attached on node \(node)",
                            details: "container ids must be unique across the network's hosts; this"
                                + " node's DEL leaves that lease alone (flatnet ipam release --container"
                                + " releases it)")
        case .reservationExists(let workload):
            return CNIError(.addressUnavailable, "workload \(workload) already has a reservation",
                            details: "flatnet ipam reservations list shows it; release it first to change it")
        case .ownerHoldsOther(let owner, let held, let requested):
            return CNIError(.addressUnavailable,
                            "container \(owner.containerID) \(owner.ifName) already holds \(held)",
                            details: "requested \(requested); DEL first to change the address")
        case .tooManyRequests(let addresses):
            return CNIError(.addressUnavailable, "flatnet-ipam takes at most one address request per family",
                            details: "requested: \(addresses.map(\.description).joined(separator: ", "))")
        case .corruptState(let path, let reason):
            return CNIError(.stateCorrupt, "IPAM state is corrupt or not flatnet's: \(path)", details: reason)
        case .lockTimeout(let path, let milliseconds):
            return CNIError(.tryAgainLater, "timed out waiting for the IPAM lock",
                            details: "\(path) stayed locked for \(milliseconds) ms")
        case .notHeld(let owner, let expected):
            let what = expected.map { "\($0)" } ?? "an address"
            return CNIError(.checkFailed,
                            "container \(owner.containerID) \(owner.ifName) does not hold \(what)")
        case .familyNotHeld(let owner, let family):
            let key = family == .ipv4 ? "ipam.subnet" : "ipam.ipv6"
            return CNIError(.checkFailed,
                            "container \(owner.containerID) \(owner.ifName) holds no \(family.name) address",
                            details: "the pool has an \(family.name) range set (\(key)); attached before it"
                                + " had one, or the lease is gone: DEL and ADD again")
        case .releaseOutsideSubnet(let address, let subnet):
            return CNIError(.addressUnavailable,
                            "\(address) is outside the network's subnet \(subnet): nothing released")
        }
    }
}
