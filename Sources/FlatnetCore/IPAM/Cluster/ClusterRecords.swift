/// The value of an address key: who holds the address and from which node (the node is
/// what lets GC on one host leave every other host's containers alone), and the workload
/// it is reserved for, if any. A reserved address between two attachments of its
/// workload has a workload and no owner.
public struct ClusterLeaseRecord: Equatable, Sendable {
    public var owner: Attachment?
    public var node: String?
    public var workload: String?
    /// When the reserved address was last released (seconds since 1970, the releasing
    /// host's clock): with `ipam.reservations.expirySeconds`, it is free again after that.
    public var releasedAt: Int64?

    public init(owner: Attachment, node: String, workload: String? = nil) {
        self.owner = owner
        self.node = node
        self.workload = workload
    }

    /// Reserved for `workload`, attached nowhere since `releasedAt`.
    public init(reservedFor workload: String, releasedAt: Int64? = nil) {
        self.workload = workload
        self.releasedAt = releasedAt
    }

    /// What the allocator makes of it.
    public var state: LeaseState {
        if let owner { return .held(by: owner) }
        return .reserved(workload: workload ?? "")
    }

    public var json: String {
        var members: [String: JSONValue] = [:]
        if let owner {
            members["containerID"] = .string(owner.containerID)
            members["ifName"] = .string(owner.ifName)
        }
        if let node { members["node"] = .string(node) }
        if let workload { members["workload"] = .string(workload) }
        if let releasedAt { members["releasedAt"] = .number(Double(releasedAt)) }
        return JSONValue.object(members).serialized()
    }

    public init?(json text: String) {
        guard let value = try? JSONValue.parse(text), value.objectValue != nil else { return nil }
        let id = value["containerID"]?.stringValue, ifName = value["ifName"]?.stringValue
        workload = value["workload"]?.stringValue
        node = value["node"]?.stringValue
        if case .number(let seconds)? = value["releasedAt"], seconds.isFinite, abs(seconds) < 1e15 {
            releasedAt = Int64(seconds)
        }
        if let id, let ifName, node != nil {
            owner = Attachment(containerID: id, ifName: ifName)
        } else if workload == nil {
            return nil
        }
    }
}

/// The value of a reservation key: the addresses a workload keeps across attachments.
public struct ClusterReservationRecord: Equatable, Sendable {
    public var addresses: [IPAddress]

    public init(addresses: [IPAddress]) { self.addresses = addresses }

    public var json: String {
        JSONValue.object(["addresses": .array(addresses.map { .string($0.description) })]).serialized()
    }

    public init?(json text: String) {
        guard let value = try? JSONValue.parse(text),
              let addresses = ClusterOwnerRecord.addresses(value["addresses"]) else { return nil }
        self.addresses = addresses
    }
}

/// The value of an owner key: the attachment's addresses (one per family) and its node.
public struct ClusterOwnerRecord: Equatable, Sendable {
    public var addresses: [IPAddress]
    public var node: String

    public init(addresses: [IPAddress], node: String) {
        self.addresses = addresses
        self.node = node
    }

    public var json: String {
        JSONValue.object(["addresses": .array(addresses.map { .string($0.description) }),
                          "node": .string(node)]).serialized()
    }

    public init?(json text: String) {
        guard let value = try? JSONValue.parse(text), let addresses = Self.addresses(value["addresses"]),
              let node = value["node"]?.stringValue else { return nil }
        self.init(addresses: addresses, node: node)
    }

    /// A JSON array of address strings; nil if anything in it is not an address.
    static func addresses(_ value: JSONValue?) -> [IPAddress]? {
        guard case .array(let list)? = value else { return nil }
        var addresses: [IPAddress] = []
        for element in list {
            guard let address = element.stringValue.flatMap(IPAddress.init) else { return nil }
            addresses.append(address)
        }
        return addresses
    }
}
