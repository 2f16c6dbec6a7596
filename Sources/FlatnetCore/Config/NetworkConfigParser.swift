/// Turns the stdin object into a `NetworkConfig`, reporting every problem at once.
///
/// Unknown-key policy: flatnet's own blocks are strict. An unknown key at the top level,
/// in `metadata`, or in a `flatnet-ipam` block is an error (CNI code 2): a misspelt
/// `"vlna": 100` must not silently put containers on the untagged network. Keys the CNI
/// specification defines for every plugin object are accepted (`knownTopLevelKeys`), and
/// `runtimeConfig` and `args` may carry keys for other plugins, which are ignored. A
/// delegated `ipam` block belongs to its plugin and is passed through untouched.
public enum NetworkConfigParser {
    /// Keys the CNI specification lets a runtime put in any plugin object.
    public static let specificationKeys: Set<String> = [
        "cniVersion", "cniVersions", "name", "type", "capabilities", "runtimeConfig", "prevResult",
        "args", "dns", "disableCheck", "disableGC", "cni.dev/valid-attachments", "cni.dev/attachments",
    ]

    /// flatnet's own top-level keys.
    public static let flatnetKeys = Set<String>([
        "bridge", "uplink", "vlan", "mtu", "defaultRoute", "metadata", "ipam",
        "portSecurity", "allowedAddresses", "grantableAddresses", "floodLimit",
    ]).union(AuditSettings.keys)

    /// Who is reading the netconf.
    public enum Mode: Sendable {
        /// The flatnet plugin: every flatnet key is read, unknown keys are refused.
        case plugin
        /// `flatnet-ipam` run by another main plugin (the reference bridge, say): the
        /// top level belongs to that plugin, so only `name`, `cniVersion`, the runtime
        /// keys, `metadata.reservedAddress` (when flatnet itself delegates) and the
        /// `ipam` block are read, and only the `ipam` block is strict.
        case ipamPlugin
    }

    /// `node` says whether `ipam.nodes` picks this node's ranges (the plugin, the
    /// operator's commands) or only checks every node's (validation).
    public static func parse(
        _ document: JSONValue, cniVersion: CNIVersion, mode: Mode = .plugin, node: NodeSelection = .noNode
    ) throws(ConfigError) -> NetworkConfig {
        let log = ProblemLog()
        guard let top = ObjectReader(document, path: "", log: log) else { throw ConfigError(log.problems) }
        let isPlugin = mode == .plugin
        if isPlugin { top.rejectUnknownKeys(known: specificationKeys.union(flatnetKeys)) }
        let name = top.string("name", required: true) ?? ""
        let type = top.string("type", required: isPlugin) ?? ""
        let bridge = isPlugin ? top.interfaceName("bridge") : nil
        let uplink = isPlugin ? top.interfaceName("uplink") : nil
        let vlan = isPlugin ? top.integer("vlan", in: 1...4094, what: "802.1Q VLAN id") : nil
        let mtu = isPlugin ? top.integer("mtu", in: 68...65535, what: "MTU") : nil
        let defaultRoute = isPlugin ? top.bool("defaultRoute") ?? true : true
        let metadata = top.object("metadata").flatMap(parseMetadata)
        let ipam = top.object("ipam", required: true).flatMap { block in
            isPlugin ? parseIPAM(block, node: node) : parseOwnIPAM(block, node: node)
        }
        let portSecurity = isPlugin ? top.portSecurity() : PortSecurityConfig()
        let runtime = RuntimeInputsParser.parse(top)
        let audit = AuditSettings.read(top)
        guard let ipam else { throw ConfigError(log.problems) }
        var config = NetworkConfig(
            cniVersion: cniVersion, name: name, type: type,
            bridge: bridge ?? InterfaceNaming.defaultBridge(network: name),
            uplink: uplink, vlan: vlan, mtu: mtu, defaultRoute: defaultRoute, metadata: metadata,
            ipam: ipam, runtime: runtime, raw: document)
        config.portSecurity = portSecurity
        config.audit = audit
        // Cross-field rules run even after field problems, so one reply lists them all.
        NetworkConfigValidator.check(config, log: log)
        try log.throwIfAny()
        return config
    }

    static func parseMetadata(_ block: ObjectReader) -> MetadataConfig? {
        block.rejectUnknownKeys(known: ["dockerBridge", "reservedAddress", "address"])
        let dockerBridge = block.value("dockerBridge") == nil
            ? try? InterfaceName(validating: MetadataConfig.defaultDockerBridge)
            : block.interfaceName("dockerBridge")
        let reserved = block.ipv4Address("reservedAddress", required: true)
        let address = block.value("address") == nil
            ? MetadataConfig.defaultAddress
            : block.ipv4Address("address")
        guard let dockerBridge, let reserved, let address else { return nil }
        return MetadataConfig(dockerBridge: dockerBridge, reservedAddress: reserved, address: address)
    }

    /// In `ipamPlugin` mode the block must be flatnet-ipam's own.
    static func parseOwnIPAM(_ block: ObjectReader, node: NodeSelection) -> IPAMConfig? {
        guard let type = block.string("type", required: true) else { return nil }
        guard type == PoolConfig.pluginType else {
            block.log.add(block.childPath("type"), "flatnet-ipam was run for ipam type \"\(type)\"")
            return nil
        }
        return PoolConfigParser.parse(block, node: node).map(IPAMConfig.pool)
    }

    static func parseIPAM(_ block: ObjectReader, node: NodeSelection) -> IPAMConfig? {
        guard let type = block.string("type", required: true) else { return nil }
        guard type == PoolConfig.pluginType else {
            guard !type.isEmpty, CNIEnvironment.isValidName(type) else {
                block.log.add(block.childPath("type"), "\"\(type)\" is not a plugin name")
                return nil
            }
            return .delegated(type: type)
        }
        return PoolConfigParser.parse(block, node: node).map(IPAMConfig.pool)
    }
}
