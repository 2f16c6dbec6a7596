/// Reads a result written by another plugin or an earlier call (`prevResult`, or a
/// delegated IPAM plugin's stdout), in any supported version family. Lenient about
/// keys it does not use (`ips[].version`, fields of newer versions); strict about the
/// values it does use.
public enum CNIResultParser {
    public static func parse(_ document: JSONValue) throws(ConfigError) -> CNIResult {
        let log = ProblemLog()
        let result = parse(document, path: "", log: log)
        try log.throwIfAny()
        return result ?? CNIResult()
    }

    static func parse(_ document: JSONValue, path: String, log: ProblemLog) -> CNIResult? {
        guard let top = ObjectReader(document, path: path, log: log) else { return nil }
        var result = CNIResult()
        result.interfaces = elements(top, "interfaces", parseInterface)
        result.ips = elements(top, "ips", parseIP)
        result.routes = elements(top, "routes", parseRoute)
        if let dns = top.object("dns") { result.dns = parseDNS(dns) }
        return result
    }

    private static func elements<T>(
        _ top: ObjectReader, _ key: String, _ parse: (ObjectReader) -> T?
    ) -> [T] {
        (top.array(key) ?? []).compactMap { element in
            ObjectReader(element.value, path: element.path, log: top.log).flatMap(parse)
        }
    }

    private static func parseInterface(_ entry: ObjectReader) -> CNIResult.Interface? {
        guard let name = entry.string("name", required: true) else { return nil }
        var interface = CNIResult.Interface(name: name, mtu: entry.integer("mtu"),
                                            sandbox: entry.string("sandbox"))
        if let text = entry.string("mac"), !text.isEmpty {
            interface.mac = MACAddress(text)
            if interface.mac == nil {
                entry.log.add(entry.childPath("mac"), "\"\(text)\" is not a MAC address")
            }
        }
        interface.socketPath = entry.string("socketPath")
        interface.pciID = entry.string("pciID")
        return interface
    }

    private static func parseIP(_ entry: ObjectReader) -> CNIResult.IPConfig? {
        guard let address = entry.prefix("address", required: true) else { return nil }
        var ip = CNIResult.IPConfig(address: address, interface: entry.integer("interface"))
        if let text = entry.string("gateway") {
            ip.gateway = IPAddress(text)
            if ip.gateway == nil {
                entry.log.add(entry.childPath("gateway"), "\"\(text)\" is not an IP address")
            }
        }
        return ip
    }

    private static func parseRoute(_ entry: ObjectReader) -> CNIResult.Route? {
        guard let destination = entry.prefix("dst", required: true) else { return nil }
        var route = CNIResult.Route(destination: destination)
        if let text = entry.string("gw") {
            route.gateway = IPAddress(text)
            if route.gateway == nil {
                entry.log.add(entry.childPath("gw"), "\"\(text)\" is not an IP address")
            }
        }
        route.mtu = entry.integer("mtu")
        route.advmss = entry.integer("advmss")
        route.priority = entry.integer("priority")
        route.table = entry.integer("table")
        route.scope = entry.integer("scope")
        return route
    }

    private static func parseDNS(_ entry: ObjectReader) -> CNIResult.DNS {
        var dns = CNIResult.DNS()
        let strings = { (key: String) in (entry.array(key) ?? []).compactMap { $0.value.stringValue } }
        dns.nameservers = strings("nameservers")
        dns.domain = entry.string("domain")
        dns.search = strings("search")
        dns.options = strings("options")
        return dns
    }
}
