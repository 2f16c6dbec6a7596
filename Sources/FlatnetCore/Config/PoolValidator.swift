/// Rules for a flatnet-ipam pool: per family subnet, gateway, ranges, exclusions; then
/// routes and dataDir.
enum PoolValidator {
    static func check(_ pool: PoolConfig, log: ProblemLog) {
        for set in pool.rangeSets { check(set, log: log) }
        checkRoutes(pool, log: log)
        checkDataDirectory(pool.dataDirectory, log: log)
    }

    static func check(_ set: RangeSet, log: ProblemLog) {
        guard checkSubnet(set, log: log), let space = SubnetSpace(set.subnet) else { return }
        if let gateway = set.gateway, !IPv6Scope.isLinkLocal(gateway) {
            checkHost(gateway, in: space, path: set.path + ".gateway", log: log)
        }
        checkRanges(set, space: space, log: log)
        for (index, exclusion) in set.exclude.enumerated() where !set.subnet.contains(exclusion.network) {
            log.add("\(set.path).exclude[\(index)]",
                    "\(exclusion) is outside \(set.path).subnet \(set.subnet)")
        }
    }

    /// A route's destination is written as its network address; its gateway must be
    /// on-link (inside the subnet, or an IPv6 link-local router address); a route without
    /// one needs its family's gateway.
    static func checkRoutes(_ pool: PoolConfig, log: ProblemLog) {
        for (index, route) in pool.routes.enumerated() {
            let family = route.destination.family
            if !route.destination.isNetworkAddress {
                log.add("ipam.routes[\(index)].dst", "\(route.destination) has host bits set; did you mean"
                    + " \(route.destination.network)/\(route.destination.length)?")
            }
            guard let set = pool.rangeSet(family) else {
                log.add("ipam.routes[\(index)]", "\(route.destination) is \(family.name) but the pool has no"
                    + " \(family.name) range set")
                continue
            }
            if let gateway = route.gateway, !set.subnet.contains(gateway), !IPv6Scope.isLinkLocal(gateway) {
                log.add("ipam.routes[\(index)].gw", "\(gateway) is outside \(set.path).subnet \(set.subnet):"
                    + " not reachable on-link")
            } else if route.gateway == nil, set.gateway == nil {
                log.add("ipam.routes[\(index)]", "\(route.destination) has no gw and \(set.path) has no"
                    + " gateway to route it through")
            }
        }
    }

    /// A subnet must be written as its network address and leave room for hosts. IPv6:
    /// /64 to /126, and an address that can be a unicast interface address.
    static func checkSubnet(_ set: RangeSet, log: ProblemLog) -> Bool {
        let subnet = set.subnet, path = set.path + ".subnet"
        if !subnet.isNetworkAddress {
            log.add(path, "\(subnet) has host bits set; did you mean \(subnet.network)/\(subnet.length)?")
            return false
        }
        if let problem = subnetSizeProblem(subnet) ?? IPv6Scope.problem(subnet) {
            log.add(path, problem)
            return false
        }
        return true
    }

    static func subnetSizeProblem(_ subnet: IPPrefix) -> String? {
        switch subnet.family {
        case .ipv4 where subnet.length > 30:
            return "/\(subnet.length) leaves no room for a gateway and containers; use /30 or shorter"
        case .ipv6 where subnet.length > 126:
            return "/\(subnet.length) leaves no room for containers; an IPv6 pool's subnet is /64 to /126"
        case .ipv6 where subnet.length < 64:
            return "/\(subnet.length) is shorter than /64; a layer-2 segment is one /64 (an IPv6 pool's"
                + " subnet is /64 to /126): split it"
        default:
            return nil
        }
    }

    /// `address` must be a usable host address of the subnet: not its first address (IPv4
    /// network, IPv6 subnet-router anycast) nor the IPv4 broadcast.
    static func checkHost(_ address: IPAddress, in space: SubnetSpace, path: String, log: ProblemLog) {
        guard let offset = space.offset(of: address) else {
            let subnetPath = space.family == .ipv4 ? "ipam.subnet" : "ipam.ipv6.subnet"
            log.add(path, "\(address) is outside \(subnetPath) \(space.subnet)")
            return
        }
        if let reason = AddressPool.boundaryReason(offset, space: space) {
            log.add(path, "\(address) is \(reason)")
        }
    }

    /// Every range any node allocates from (`ranges`, or all of `ipam.nodes`): inside the
    /// subnet, clear of the gateway, and overlapping no other, whichever node it is.
    static func checkRanges(_ set: RangeSet, space: SubnetSpace, log: ProblemLog) {
        for (index, pathed) in set.clusterRanges.enumerated() {
            let range = pathed.range, path = pathed.path
            guard range.start <= range.end else {
                log.add(path, "rangeStart \(range.start) is after rangeEnd \(range.end)")
                continue
            }
            checkHost(range.start, in: space, path: path + ".rangeStart", log: log)
            checkHost(range.end, in: space, path: path + ".rangeEnd", log: log)
            if let gateway = set.gateway, range.contains(gateway) {
                log.add(path, "\(range) contains \(set.path).gateway \(gateway); the pool would hand it out")
            }
            for earlier in set.clusterRanges[..<index] where earlier.range.overlaps(range) {
                let twoNodes = earlier.node != nil && earlier.node != pathed.node
                log.add(path, "\(range) overlaps \(earlier)"
                    + (twoNodes ? "; two nodes would hand out the same addresses" : ""))
            }
        }
    }

    /// Kernel pseudo-filesystems: nothing written there is a file that keeps state.
    static let pseudoFilesystems = ["proc", "sys", "dev"]

    /// State lives under dataDir: it must be absolute, must not climb out with "..", and
    /// must be on a real filesystem (under /proc a lease could not even be created).
    /// Components are cut at "/" scalars, as the kernel cuts bytes: cut by Characters, a
    /// "/" followed by a combining mark is no separator, and "/x/../\u{301}y" hid its "..".
    static func checkDataDirectory(_ path: String, log: ProblemLog) {
        checkStatePath(path, field: "ipam.dataDir", log: log)
    }

    /// The rules above for any path flatnet writes state under (`dataDir`, `logFile`).
    static func checkStatePath(_ path: String, field: String, log: ProblemLog) {
        let components = path.unicodeScalars.split(separator: "/").map { String(Substring($0)) }
        if path.unicodeScalars.first != "/" {
            log.add(field, "\"\(path)\" must be an absolute path")
        } else if components.contains("..") || components.contains(".") || path.contains("\0") {
            log.add(field, "\"\(path)\" must not contain . or .. components")
        } else if path.utf8.count > 1024 {
            log.add(field, "is \(path.utf8.count) bytes; at most 1024 are allowed")
        } else if let first = components.first, pseudoFilesystems.contains(String(first)) {
            log.add(field, "\"\(path)\" is under /\(first), a kernel pseudo-filesystem;"
                + " state needs a real filesystem")
        }
    }
}
