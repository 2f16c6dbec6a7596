extension CNIResult {
    /// The result as JSON for `version`. One model, two families: 0.3.x/0.4.0 carry
    /// `ips[].version`; 1.x do not; only 1.1.0 carries the fields 1.1.0 added.
    public func json(for version: CNIVersion) -> JSONValue {
        var object: [String: JSONValue] = ["cniVersion": .string(version.description)]
        if !interfaces.isEmpty { object["interfaces"] = .array(interfaces.map { $0.json(for: version) }) }
        if !ips.isEmpty { object["ips"] = .array(ips.map { $0.json(for: version) }) }
        if !routes.isEmpty { object["routes"] = .array(routes.map { $0.json(for: version) }) }
        object["dns"] = dns.json
        return .object(object)
    }
}

extension CNIResult.Interface {
    func json(for version: CNIVersion) -> JSONValue {
        var object: [String: JSONValue] = ["name": .string(name)]
        object["mac"] = mac.map { .string($0.description) }
        object["sandbox"] = sandbox.map(JSONValue.string)
        if version.resultCarriesExtendedFields {
            object["mtu"] = mtu.map { .number(Double($0)) }
            object["socketPath"] = socketPath.map(JSONValue.string)
            object["pciID"] = pciID.map(JSONValue.string)
        }
        return .object(object)
    }
}

extension CNIResult.IPConfig {
    func json(for version: CNIVersion) -> JSONValue {
        var object: [String: JSONValue] = ["address": .string(address.description)]
        object["gateway"] = gateway.map { .string($0.description) }
        object["interface"] = interface.map { .number(Double($0)) }
        if version.resultCarriesIPVersion { object["version"] = .string(address.address.versionString) }
        return .object(object)
    }
}

extension CNIResult.Route {
    func json(for version: CNIVersion) -> JSONValue {
        var object: [String: JSONValue] = ["dst": .string(destination.description)]
        object["gw"] = gateway.map { .string($0.description) }
        if version.resultCarriesExtendedFields {
            let extendedFields = [("mtu", mtu), ("advmss", advmss), ("priority", priority), ("table", table),
                                  ("scope", scope)]
            for (key, value) in extendedFields {
                object[key] = value.map { .number(Double($0)) }
            }
        }
        return .object(object)
    }
}

extension CNIResult.DNS {
    var json: JSONValue {
        var object: [String: JSONValue] = [:]
        if !nameservers.isEmpty { object["nameservers"] = .array(nameservers.map(JSONValue.string)) }
        object["domain"] = domain.map(JSONValue.string)
        if !search.isEmpty { object["search"] = .array(search.map(JSONValue.string)) }
        if !options.isEmpty { object["options"] = .array(options.map(JSONValue.string)) }
        return .object(object)
    }
}
