/// Reads a `flatnet-ipam` block. Strict: unknown keys are errors (see NetworkConfigParser).
/// The top-level `subnet`, `gateway`, `ranges` and `exclude` are the IPv4 range set;
/// the `ipv6` object holds the same keys for IPv6 (README.md#ipv6-and-dual-stack).
enum PoolConfigParser {
    static let rangeSetKeys: Set<String> = ["subnet", "gateway", "ranges", "exclude"]
    static let knownKeys: Set<String> = rangeSetKeys.union([
        "type", "ipv6", "routes", "dataDir", "nodes", "store", "reservations",
    ])

    static func parse(_ block: ObjectReader, node selection: NodeSelection) -> PoolConfig? {
        block.rejectUnknownKeys(known: knownKeys)
        // With a store the ranges are the cluster's own; `nodes` is then refused (identify).
        let perNode = block.value("nodes") != nil && block.value("store") == nil
        let hasIPv4 = rangeSetKeys.contains { block.value($0) != nil }
        let ipv6Block = block.object("ipv6")
        if !hasIPv4, block.value("ipv6") == nil {
            block.log.add(block.childPath("subnet"),
                          "is required (or an ipv6 range set for an IPv6-only pool)")
            return nil
        }
        let ipv4 = hasIPv4 ? parseRangeSet(block, family: .ipv4, perNode: perNode) : nil
        let ipv6 = ipv6Block.flatMap { set -> RangeSet? in
            set.rejectUnknownKeys(known: rangeSetKeys)
            return parseRangeSet(set, family: .ipv6, perNode: perNode)
        }
        let routes = (block.array("routes") ?? []).compactMap {
            parseRoute($0.value, path: $0.path, log: block.log)
        }
        let dataDirectory = block.string("dataDir") ?? PoolConfig.defaultDataDirectory
        guard hasIPv4 == (ipv4 != nil), (block.value("ipv6") == nil) == (ipv6 == nil) else { return nil }
        var pool = PoolConfig(ipv4: ipv4, ipv6: ipv6, routes: routes, dataDirectory: dataDirectory)
        if let reservations = block.object("reservations") {
            reservations.rejectUnknownKeys(known: ["kubernetesPods", "expirySeconds"])
            let pods = reservations.bool("kubernetesPods") ?? false
            let expiry = reservations.integer("expirySeconds", in: ReservationPolicy.expiryRange,
                                              what: "expiry in seconds")
            pool.reservations = ReservationPolicy(kubernetesPods: pods, expirySeconds: expiry)
        }
        if let store = block.object("store") {
            guard let etcd = StoreConfigParser.parse(store) else { return nil }
            pool.store = etcd
            return NodeRangesParser.identify(block, pool: pool, selection: selection,
                                             perNode: block.value("nodes") != nil)
        }
        guard perNode else { return pool }
        return NodeRangesParser.apply(block, to: pool, selection: selection)
    }

    /// One family's subnet, gateway (required for IPv4), ranges and exclusions. With
    /// `ipam.nodes` the ranges are the nodes' (NodeRangesParser), so the set's own are empty.
    static func parseRangeSet(_ block: ObjectReader, family: IPFamily, perNode: Bool) -> RangeSet? {
        let subnet = block.prefix("subnet", required: true, family: family)
        let gateway = block.address("gateway", required: family == .ipv4, family: family)
        let ranges = perNode ? NodeRangesParser.refuseOwnRanges(block) : parseRanges(block, family: family)
        let exclude = (block.array("exclude") ?? []).compactMap { element in
            ObjectReader.prefix(element.value, path: element.path, log: block.log, allowBareAddress: true,
                                family: family)
        }
        guard let subnet, let ranges, family == .ipv6 || gateway != nil,
              block.value("gateway") == nil || gateway != nil else { return nil }
        return RangeSet(subnet: subnet, gateway: gateway, ranges: ranges, exclude: exclude)
    }

    /// `ranges` is required: on a flat segment shared by many hosts, a default of "the
    /// whole subnet" would let two hosts hand out the same address.
    static func parseRanges(_ block: ObjectReader, family: IPFamily) -> [AddressRange]? {
        guard let elements = block.array("ranges", required: true) else { return nil }
        guard !elements.isEmpty else {
            block.log.add(block.childPath("ranges"), "must list at least one range")
            return nil
        }
        let ranges = elements.compactMap { element -> AddressRange? in
            guard let range = ObjectReader(element.value, path: element.path, log: block.log) else {
                return nil
            }
            range.rejectUnknownKeys(known: ["rangeStart", "rangeEnd"])
            let start = range.address("rangeStart", required: true, family: family)
            let end = range.address("rangeEnd", required: true, family: family)
            guard let start, let end else { return nil }
            return AddressRange(start: start, end: end)
        }
        return ranges.count == elements.count ? ranges : nil
    }

    static func parseRoute(_ value: JSONValue, path: String, log: ProblemLog) -> RouteConfig? {
        guard let route = ObjectReader(value, path: path, log: log) else { return nil }
        route.rejectUnknownKeys(known: ["dst", "gw"])
        let destination = route.prefix("dst", required: true)
        var gateway: IPAddress?
        if let text = route.string("gw") {
            gateway = IPAddress(text)
            if gateway == nil { log.add(route.childPath("gw"), "\"\(text)\" is not an IP address") }
        }
        if let destination, let gateway, gateway.family != destination.family {
            log.add(route.childPath("gw"), "\(gateway) is \(gateway.family.name) but dst \(destination)"
                + " is \(destination.family.name)")
            return nil
        }
        guard let destination, route.value("gw") == nil || gateway != nil else { return nil }
        return RouteConfig(destination: destination, gateway: gateway)
    }
}
