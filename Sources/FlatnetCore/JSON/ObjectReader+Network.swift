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
        address(key, required: required, family: .ipv4)?.v4
    }

    static func ipv4Address(_ text: String, path: String, log: ProblemLog) -> IPv4Address? {
        address(text, path: path, log: log, family: .ipv4)?.v4
    }

    /// An address of `family`, with a message that says what else it is when it is not.
    func address(_ key: String, required: Bool = false, family: IPFamily) -> IPAddress? {
        guard let text = string(key, required: required) else { return nil }
        return ObjectReader.address(text, path: childPath(key), log: log, family: family)
    }

    static func address(_ text: String, path: String, log: ProblemLog, family: IPFamily) -> IPAddress? {
        guard let address = IPAddress(text) else {
            let mapped = text.contains(":") && text.contains(".")
            log.add(path, "\"\(text)\" is not an \(family.name) address"
                + (mapped ? " (an IPv4 address embedded in IPv6, such as ::ffff:10.0.0.1, is refused:"
                    + " IPv4 addresses go in the IPv4 keys)" : ""))
            return nil
        }
        guard address.family == family else {
            log.add(path, "\"\(text)\" is \(address.family.name), expected \(family.name)")
            return nil
        }
        return address
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
        prefix(key, required: required, family: .ipv4)?.v4
    }

    /// A CIDR of `family`.
    func prefix(_ key: String, required: Bool = false, family: IPFamily) -> IPPrefix? {
        guard let value = value(key, required: required) else { return nil }
        return ObjectReader.prefix(value, path: childPath(key), log: log, family: family)
    }

    static func prefix(
        _ value: JSONValue, path: String, log: ProblemLog, allowBareAddress: Bool = false, family: IPFamily
    ) -> IPPrefix? {
        if case .string(let text) = value, IPPrefix(text, allowBareAddress: allowBareAddress) == nil,
           text.contains(":"), text.contains(".") {
            log.add(path, "\"\(text)\" embeds an IPv4 address in IPv6 (such as ::ffff:10.0.0.0/120);"
                + " IPv4 goes in the IPv4 keys")
            return nil
        }
        guard let prefix = prefix(value, path: path, log: log, allowBareAddress: allowBareAddress) else {
            return nil
        }
        guard prefix.family == family else {
            log.add(path, "\"\(prefix)\" is \(prefix.family.name), expected \(family.name)")
            return nil
        }
        return prefix
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
