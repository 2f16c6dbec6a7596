/// Typed readers for network values, so every field is parsed with the same messages.
extension ObjectReader {
    func interfaceName(_ key: String, required: Bool = false) -> InterfaceName? {
        guard let text = string(key, required: required) else { return nil }
        do {
            return try InterfaceName(validating: text)
        } catch {
            log.add(childPath(key), "\"\(text)\": \(error)")
            return nil
        }
    }

    func ipv4Address(_ key: String, required: Bool = false) -> IPv4Address? {
        guard let text = string(key, required: required) else { return nil }
        return ObjectReader.ipv4Address(text, path: childPath(key), log: log)
    }

    static func ipv4Address(_ text: String, path: String, log: ProblemLog) -> IPv4Address? {
        if let address = IPv4Address(text) { return address }
        let hint = IPv6Address(text) != nil ? " (IPv6 pools are not supported yet)" : ""
        log.add(path, "\"\(text)\" is not an IPv4 address\(hint)")
        return nil
    }

    /// A CIDR (`10.43.0.0/16`); with `allowBareAddress`, also a single address.
    static func prefix(
        _ value: JSONValue, path: String, log: ProblemLog, allowBareAddress: Bool = false
    ) -> IPPrefix? {
        guard case .string(let text) = value else {
            log.add(path, "expected a string, got \(value.typeName)")
            return nil
        }
        guard let prefix = IPPrefix(text, allowBareAddress: allowBareAddress) else {
            let form = allowBareAddress ? "an IP address or CIDR" : "a CIDR such as 10.43.0.0/16"
            log.add(path, "\"\(text)\" is not \(form)")
            return nil
        }
        return prefix
    }

    func prefix(_ key: String, required: Bool = false) -> IPPrefix? {
        guard let value = value(key, required: required) else { return nil }
        return ObjectReader.prefix(value, path: childPath(key), log: log)
    }

    func ipv4Prefix(_ key: String, required: Bool = false) -> IPv4Prefix? {
        guard let prefix = prefix(key, required: required) else { return nil }
        guard let v4 = prefix.v4 else {
            log.add(childPath(key), "\"\(prefix)\" is IPv6; IPv6 pools are not supported yet")
            return nil
        }
        return v4
    }

    /// An integer that must lie in `range`, named in the message when it does not.
    func integer(_ key: String, in range: ClosedRange<Int>, what: String) -> Int? {
        guard let number = integer(key) else { return nil }
        guard range.contains(number) else {
            log.add(childPath(key), "\(number) is outside the valid \(what) range"
                + " \(range.lowerBound)-\(range.upperBound)")
            return nil
        }
        return number
    }
}
