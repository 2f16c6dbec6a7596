/// Reads a `flatnet-ipam` block. Strict: unknown keys are errors (see NetworkConfigParser).
enum PoolConfigParser {
    static let knownKeys: Set<String> = [
        "type", "subnet", "gateway", "ranges", "exclude", "routes", "dataDir",
    ]

    static func parse(_ block: ObjectReader) -> PoolConfig? {
        block.rejectUnknownKeys(known: knownKeys)
        let subnet = block.ipv4Prefix("subnet", required: true)
        let gateway = block.ipv4Address("gateway", required: true)
        let ranges = parseRanges(block)
        let exclude = (block.array("exclude") ?? []).compactMap {
            parseExclusion($0.value, path: $0.path, log: block.log)
        }
        let routes = (block.array("routes") ?? []).compactMap {
            parseRoute($0.value, path: $0.path, log: block.log)
        }
        let dataDirectory = block.string("dataDir") ?? PoolConfig.defaultDataDirectory
        guard let subnet, let gateway, let ranges else { return nil }
        return PoolConfig(subnet: subnet, gateway: gateway, ranges: ranges, exclude: exclude,
                          routes: routes, dataDirectory: dataDirectory)
    }

    /// `ranges` is required: on a flat segment shared by many hosts, a default of "the
    /// whole subnet" would let two hosts hand out the same address.
    static func parseRanges(_ block: ObjectReader) -> [AddressRange]? {
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
            let start = range.ipv4Address("rangeStart", required: true)
            let end = range.ipv4Address("rangeEnd", required: true)
            guard let start, let end else { return nil }
            return AddressRange(start: start, end: end)
        }
        return ranges.count == elements.count ? ranges : nil
    }

    static func parseExclusion(_ value: JSONValue, path: String, log: ProblemLog) -> IPv4Prefix? {
        guard let prefix = ObjectReader.prefix(value, path: path, log: log, allowBareAddress: true) else {
            return nil
        }
        guard let v4 = prefix.v4 else {
            log.add(path, "\"\(prefix)\" is IPv6; IPv6 pools are not supported yet")
            return nil
        }
        return v4
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
        guard let destination, route.value("gw") == nil || gateway != nil else { return nil }
        return RouteConfig(destination: destination, gateway: gateway)
    }
}
