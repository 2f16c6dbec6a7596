/// Reads `ipam.nodes`, one netconf's ranges for many nodes
/// (README.md#one-netconf-for-many-nodes), and picks this node's. A node missing from the
/// map is an error: falling back to a shared range would let two nodes hand out one
/// address, which is what the map exists to prevent.
enum NodeRangesParser {
    static let entryKeys: Set<String> = ["ranges", "ipv6"]

    /// With `ipam.nodes`, a range set's own `ranges` is refused (whose would they be?).
    static func refuseOwnRanges(_ block: ObjectReader) -> [AddressRange]? {
        guard block.value("ranges") == nil else {
            block.log.add(block.childPath("ranges"), "cannot be used with ipam.nodes: each node's ranges are"
                + " in ipam.nodes.<node>.\(block.path == "ipam" ? "" : "ipv6.")ranges")
            return nil
        }
        return []
    }

    /// `pool` with the nodes, the cluster's ranges, and (when `selection` asks) this
    /// node's ranges in its range sets. Nil after logging a problem.
    static func apply(_ block: ObjectReader, to pool: PoolConfig, selection: NodeSelection) -> PoolConfig? {
        guard let nodes = parseNodes(block, pool: pool) else { return nil }
        var pool = pool
        pool.nodes = nodes
        for family in IPFamily.allCases {
            let pathed = nodes.flatMap { node in
                node.ranges(family).enumerated().map {
                    PathedRange(path: "\(node.path(family))[\($0.offset)]", range: $0.element,
                                node: node.node)
                }
            }
            pool.updateRangeSet(family) { $0.clusterRanges = pathed }
        }
        guard case .thisNode(let identify) = selection else { return pool }
        guard let identity = thisNode(identify, block: block, key: "nodes") else { return nil }
        guard let entry = nodes.first(where: { $0.node == identity.name }) else {
            block.log.add(block.childPath("nodes"), "this node \(identity) has no entry (listed: "
                + nodes.map(\.node).joined(separator: ", ") + "); flatnet never falls back to a shared range")
            return nil
        }
        for family in IPFamily.allCases { pool.updateRangeSet(family) { $0.ranges = entry.ranges(family) } }
        pool.node = identity
        return pool
    }

    /// A cluster-store pool shares its ranges, so `ipam.nodes` is refused; the node's name
    /// is still needed: each lease records it, and GC touches only this node's.
    static func identify(_ block: ObjectReader, pool: PoolConfig, selection: NodeSelection,
                         perNode: Bool) -> PoolConfig? {
        if perNode {
            block.log.add(block.childPath("nodes"), "cannot be used with ipam.store: the cluster store's"
                + " pool shares ipam.ranges among all nodes")
            return nil
        }
        guard case .thisNode(let identify) = selection else { return pool }
        guard let identity = thisNode(identify, block: block, key: "store") else { return nil }
        // Unnamed hosts all fall back to "localhost": one node in the store, whose GC on each
        // host would free the others' running containers' leases.
        if identity.source == .hostName, NodeIdentity.isPlaceholder(identity.name) {
            block.log.add(block.childPath("store"), "this node's host name \"\(identity.name)\" names no one"
                + " host: set \(NodeIdentity.environmentVariable) or write \(NodeIdentity.defaultFile)")
            return nil
        }
        var pool = pool
        pool.node = identity
        return pool
    }

    static func thisNode(_ identify: () -> NodeIdentity?, block: ObjectReader, key: String) -> NodeIdentity? {
        guard let identity = identify() else {
            block.log.add(block.childPath(key), "cannot tell which node this is: set"
                + " \(NodeIdentity.environmentVariable), write \(NodeIdentity.defaultFile), or name the host")
            return nil
        }
        guard NodeIdentity.isValidName(identity.name) else {
            block.log.add(block.childPath(key), "this node's name \(identity) is not a node name (letters,"
                + " digits, -, . and _; at most 253 bytes)")
            return nil
        }
        return identity
    }

    static func parseNodes(_ block: ObjectReader, pool: PoolConfig) -> [NodeRanges]? {
        guard let map = block.object("nodes") else { return nil }
        guard !map.members.isEmpty else {
            map.log.add(map.path, "must name at least one node")
            return nil
        }
        var nodes: [NodeRanges] = []
        for name in map.members.keys.sorted() {
            guard NodeIdentity.isValidName(name) else {
                map.log.add(map.childPath(name), "is not a node name (letters, digits, -, . and _;"
                    + " at most 253 bytes)")
                continue
            }
            guard let entry = map.object(name) else { continue }
            if let node = parseEntry(entry, node: name, pool: pool) { nodes.append(node) }
        }
        return nodes.count == map.members.count ? nodes : nil
    }

    /// One node: `ranges` for the pool's IPv4 set, `ipv6.ranges` for its IPv6 set, each
    /// required exactly when the pool has that family.
    static func parseEntry(_ entry: ObjectReader, node: String, pool: PoolConfig) -> NodeRanges? {
        entry.rejectUnknownKeys(known: entryKeys)
        let ipv4 = familyRanges(entry, family: .ipv4, present: pool.ipv4 != nil)
        let ipv6Entry = entry.object("ipv6")
        ipv6Entry?.rejectUnknownKeys(known: ["ranges"])
        let ipv6: [AddressRange]?
        if let ipv6Entry {
            ipv6 = familyRanges(ipv6Entry, family: .ipv6, present: pool.ipv6 != nil)
        } else if pool.ipv6 != nil {
            entry.log.add(entry.childPath("ipv6.ranges"), "is required: the pool has an IPv6 range set")
            ipv6 = nil
        } else {
            ipv6 = []
        }
        guard let ipv4, let ipv6 else { return nil }
        return NodeRanges(node: node, ipv4: ipv4, ipv6: ipv6)
    }

    static func familyRanges(_ block: ObjectReader, family: IPFamily, present: Bool) -> [AddressRange]? {
        guard present else {
            if block.value("ranges") != nil {
                let key = family == .ipv4 ? "ipam.subnet" : "ipam.ipv6"
                block.log.add(block.childPath("ranges"), "the pool has no \(family.name) range set (\(key))")
                return nil
            }
            return []
        }
        return PoolConfigParser.parseRanges(block, family: family)
    }
}

extension PoolConfig {
    mutating func updateRangeSet(_ family: IPFamily, _ change: (inout RangeSet) -> Void) {
        switch family {
        case .ipv4: if var set = ipv4 { change(&set); ipv4 = set }
        case .ipv6: if var set = ipv6 { change(&set); ipv6 = set }
        }
    }
}
