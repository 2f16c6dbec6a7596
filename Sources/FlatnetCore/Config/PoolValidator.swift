/// Rules for a flatnet-ipam pool: subnet, gateway, ranges, exclusions, routes, dataDir.
enum PoolValidator {
    static func check(_ pool: PoolConfig, log: ProblemLog) {
        guard checkSubnet(pool.subnet, log: log) else { return }
        checkHost(pool.gateway, in: pool.subnet, path: "ipam.gateway", log: log)
        checkRanges(pool, log: log)
        for (index, exclusion) in pool.exclude.enumerated() where !pool.subnet.contains(exclusion.network) {
            log.add("ipam.exclude[\(index)]", "\(exclusion) is outside ipam.subnet \(pool.subnet)")
        }
        for (index, route) in pool.routes.enumerated() {
            if let gateway = route.gateway?.v4, !pool.subnet.contains(gateway) {
                log.add("ipam.routes[\(index)].gw", "\(gateway) is outside ipam.subnet \(pool.subnet):"
                    + " not reachable on-link")
            }
        }
        checkDataDirectory(pool.dataDirectory, log: log)
    }

    /// A subnet must be written as its network address and leave room for hosts.
    static func checkSubnet(_ subnet: IPv4Prefix, log: ProblemLog) -> Bool {
        if subnet.network != subnet.address {
            log.add("ipam.subnet", "\(subnet) has host bits set;"
                + " did you mean \(subnet.network)/\(subnet.length)?")
            return false
        }
        if subnet.length > 30 {
            log.add("ipam.subnet", "/\(subnet.length) leaves no room for a gateway and containers;"
                + " use /30 or shorter")
            return false
        }
        return true
    }

    /// `address` must be a usable host address of `subnet`.
    static func checkHost(_ address: IPv4Address, in subnet: IPv4Prefix, path: String, log: ProblemLog) {
        if !subnet.contains(address) {
            log.add(path, "\(address) is outside ipam.subnet \(subnet)")
        } else if address == subnet.network || address == subnet.broadcast {
            log.add(path, "\(address) is the network or broadcast address of ipam.subnet \(subnet)")
        }
    }

    static func checkRanges(_ pool: PoolConfig, log: ProblemLog) {
        for (index, range) in pool.ranges.enumerated() {
            let path = "ipam.ranges[\(index)]"
            guard range.start <= range.end else {
                log.add(path, "rangeStart \(range.start) is after rangeEnd \(range.end)")
                continue
            }
            checkHost(range.start, in: pool.subnet, path: path + ".rangeStart", log: log)
            checkHost(range.end, in: pool.subnet, path: path + ".rangeEnd", log: log)
            if range.contains(pool.gateway) {
                log.add(path, "\(range) contains ipam.gateway \(pool.gateway); the pool would hand it out")
            }
            for (other, earlier) in pool.ranges[..<index].enumerated() where earlier.overlaps(range) {
                log.add(path, "\(range) overlaps ipam.ranges[\(other)] (\(earlier))")
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
