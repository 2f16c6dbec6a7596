/// The first look at stdin: is it JSON, does it name the network, which version is it.
enum StdinDocument {
    static func read(_ readStdin: () throws -> [UInt8]) throws(CNIError) -> JSONValue {
        let bytes: [UInt8]
        do {
            bytes = try readStdin()
        } catch {
            throw CNIError(.ioFailure, "error reading the network configuration from stdin",
                           details: "\(error)")
        }
        guard bytes.contains(where: { !($0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09) }) else {
            throw CNIError(.decodingFailure, "stdin is empty: expected the network configuration as JSON")
        }
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes)
        } catch {
            throw CNIError(.decodingFailure, "stdin is not valid JSON", details: error.description)
        }
        guard document.objectValue != nil else {
            throw CNIError(.decodingFailure, "the network configuration must be a JSON object",
                           details: "stdin holds a JSON \(document.typeName)")
        }
        return document
    }

    /// The version to put in an error reply: the request's, if it is one we speak.
    static func replyVersion(_ document: JSONValue) -> String {
        guard let text = document["cniVersion"]?.stringValue, let version = CNIVersion(text),
              version.isSupported else {
            return CNIVersion.current.description
        }
        return text
    }

    /// `name` is checked before anything else in the config, as the reference library does.
    static func checkNetworkName(_ document: JSONValue) throws(CNIError) {
        guard let value = document["name"], value != .null else {
            throw CNIError(.invalidNetworkConfig, "missing network name",
                           details: "the \"name\" field is required")
        }
        guard case .string(let name) = value else {
            throw CNIError(.decodingFailure, "name: expected a string, got \(value.typeName)")
        }
        if !CNIEnvironment.isValidName(name) {
            throw CNIError(.invalidNetworkConfig, "invalid characters found in network name",
                           details: "\"\(name)\" must match ^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
        }
    }

    /// The config's `cniVersion`, checked against what flatnet speaks and what the
    /// command needs (CHECK from 0.4.0, STATUS and GC from 1.1.0).
    static func configVersion(
        _ document: JSONValue, for command: CNICommand
    ) throws(CNIError) -> CNIVersion {
        let supported = CNIVersion.supported.map(\.description).joined(separator: ", ")
        guard let value = document["cniVersion"], value != .null else {
            throw CNIError(.incompatibleVersion, "missing cniVersion",
                           details: "supported versions: \(supported)")
        }
        guard case .string(let text) = value else {
            throw CNIError(.decodingFailure, "cniVersion: expected a string, got \(value.typeName)")
        }
        guard let version = CNIVersion(text), version.isSupported else {
            throw CNIError(.incompatibleVersion,
                           "incompatible CNI versions: cniVersion \"\(text)\" is not supported",
                           details: "supported versions: \(supported)")
        }
        if let minimum = command.minimumVersion, version < minimum {
            throw CNIError(.incompatibleVersion,
                           "config version \(version) does not allow \(command.rawValue)",
                           details: "\(command.rawValue) needs cniVersion \(minimum) or later")
        }
        return version
    }
}
