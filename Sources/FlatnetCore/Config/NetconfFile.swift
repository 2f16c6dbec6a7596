/// A netconf file as operators keep them: a conflist (`/etc/cni/net.d/*.conflist`) or a
/// single plugin object. For the CLI, which reads what the runtime would send.
public enum NetconfFile {
    /// The flatnet plugin object of `text`, with `name` and `cniVersion` injected from the
    /// conflist as a runtime does, parsed and validated.
    public static func load(_ text: String, node: NodeSelection = .noNode) throws -> NetworkConfig {
        let document: JSONValue
        do {
            document = try JSONValue.parse(text)
        } catch {
            throw CNIError(.decodingFailure, "the file is not valid JSON", details: error.description)
        }
        return try load(document: document, node: node)
    }

    /// The same, from an already parsed document (a conflist, a plugin object, or a
    /// Multus NetworkAttachmentDefinition whose `spec.config` holds the conflist).
    public static func load(document: JSONValue, node: NodeSelection = .noNode) throws -> NetworkConfig {
        var document = document
        if document["kind"]?.stringValue == "NetworkAttachmentDefinition" {
            guard let embedded = document["spec"]?["config"]?.stringValue else {
                throw CNIError(.invalidNetworkConfig,
                               "spec.config: the NetworkAttachmentDefinition has no config string")
            }
            do { document = try JSONValue.parse(embedded) } catch {
                throw CNIError(.decodingFailure, "spec.config is not valid JSON", details: error.description)
            }
        }
        let plugin = try pluginObject(document)
        guard let text = plugin["cniVersion"]?.stringValue, let version = CNIVersion(text),
              version.isSupported else {
            let supported = CNIVersion.supported.map(\.description).joined(separator: ", ")
            throw CNIError(.incompatibleVersion, "cniVersion is missing or not supported",
                           details: "supported: \(supported)")
        }
        return try NetworkConfigParser.parse(plugin, cniVersion: version, node: node)
    }

    static func pluginObject(_ document: JSONValue) throws -> JSONValue {
        guard case .array(let plugins)? = document["plugins"] else { return document }
        guard let flatnet = plugins.first(where: { $0["type"]?.stringValue == "flatnet" }),
              case .object(var members) = flatnet else {
            throw CNIError(.invalidNetworkConfig, "the conflist has no plugin of type flatnet")
        }
        members["name"] = document["name"] ?? members["name"]
        members["cniVersion"] = document["cniVersion"] ?? members["cniVersion"]
        return .object(members)
    }
}
