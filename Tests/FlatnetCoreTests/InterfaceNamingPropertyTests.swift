import FlatnetCore
import Testing

@Suite("Interface naming properties (seeded, fixed case counts)")
struct InterfaceNamingPropertyTests {
    @Test("every derived name is one the kernel accepts, the same every time, and in its network's wildcard")
    func derivedNamesAreValid() {
        Property.check("derived names are valid kernel names", cases: 2_000) { generator in
            let network = generator.networkName(), other = generator.networkName()
            let attachment = Owner(containerID: generator.containerID(), ifName: generator.interfaceName())
            let uplink = generator.interfaceName(), vlan = generator.int(in: 1...4094)
            guard let uplinkName = try? InterfaceName(validating: uplink) else { return "uplink \(uplink) refused" }
            let link = InterfaceNaming.linkPair(network: network)
            let names = [
                InterfaceNaming.defaultBridge(network: network),
                InterfaceNaming.vlanInterface(uplink: uplinkName, vlan: vlan),
                InterfaceNaming.hostVeth(network: network, attachment: attachment), link.bridgeSide, link.dockerSide,
            ]
            if let bad = names.first(where: { !kernelAcceptsInterfaceName($0.value) }) {
                return "\(bad.value) (\(bad.value.utf8.count) bytes) from network \(network),"
                    + " uplink \(uplink).\(vlan)"
            }
            let again = InterfaceNaming.hostVeth(network: network, attachment: attachment)
            if again != names[2] { return "host veth of \(attachment) changed: \(names[2]) then \(again)" }
            let prefix = InterfaceNaming.hostVethPrefix(network: network)
            if !names[2].value.hasPrefix(prefix) { return "host veth \(names[2]) lacks its network's \(prefix)" }
            let otherPrefix = InterfaceNaming.hostVethPrefix(network: other)
            if let caught = [link.bridgeSide, link.dockerSide].first(where: { $0.value.hasPrefix(otherPrefix) }) {
                return "link veth \(caught) matches network \(other)'s host-veth wildcard \(otherPrefix)+"
            }
            return nil
        }
    }

    @Test("a name that fits is kept as written; a longer one keeps a whole-character prefix and the input's hash")
    func readableForm() {
        Property.check("readable derived names", cases: 2_000) { generator in
            let network = generator.networkName()
            let uplink = generator.interfaceName(), vlan = generator.int(in: 1...4094)
            guard let uplinkName = try? InterfaceName(validating: uplink) else { return "uplink \(uplink) refused" }
            let bridge = InterfaceNaming.defaultBridge(network: network).value
            if let problem = readableFormProblem(bridge, prefix: "br-", base: network, suffix: "") {
                return "bridge of \(network): \(problem)"
            }
            let sub = InterfaceNaming.vlanInterface(uplink: uplinkName, vlan: vlan).value
            if let problem = readableFormProblem(sub, prefix: "", base: uplink, suffix: ".\(vlan)") {
                return "VLAN interface of \(uplink) (\(uplink.utf8.count) bytes) vlan \(vlan): \(problem)"
            }
            return nil
        }
    }

    @Test("the counterexample it found: a VLAN interface of an uplink with a two-byte character keeps its start")
    func multibyteUplink() throws {
        let uplink = try InterfaceName(validating: "MHßQxTYBfs")
        let name = InterfaceNaming.vlanInterface(uplink: uplink, vlan: 3994).value
        #expect(name == "MH-" + InterfaceNaming.shortHash("MHßQxTYBfs") + ".3994")
    }

    @Test("distinct attachments, near-identical ones included, get distinct host veths on one or two networks")
    func distinctAttachments() {
        Property.check("distinct attachments, distinct host veths", cases: 300) { generator in
            let network = generator.networkName()
            let twin = generator.nearIdentical(to: network)
            let base = Owner(containerID: generator.containerID(), ifName: generator.interfaceName())
            var attachments = [base]
            for _ in 0..<40 {
                let source = generator.element(of: attachments)
                let candidate = generator.chance(60)
                    ? Owner(containerID: generator.nearIdentical(to: source.containerID), ifName: source.ifName)
                    : Owner(containerID: source.containerID, ifName: generator.interfaceName())
                if !attachments.contains(candidate) { attachments.append(candidate) }
            }
            var seen: [String: (String, Owner)] = [:]
            for place in network == twin ? [network] : [network, twin] {
                for attachment in attachments {
                    let name = InterfaceNaming.hostVeth(network: place, attachment: attachment).value
                    if let earlier = seen[name] {
                        return "\(name) for \(place)/\(attachment) and \(earlier.0)/\(earlier.1)"
                    }
                    seen[name] = (place, attachment)
                }
            }
            return nil
        }
    }

    @Test("distinct networks, near-identical ones included, get distinct bridges, link veths and chains")
    func distinctNetworks() {
        Property.check("distinct networks, distinct names", cases: 300) { generator in
            var networks = [generator.networkName()]
            for _ in 0..<30 {
                let twin = generator.nearIdentical(to: generator.element(of: networks))
                if !networks.contains(twin) { networks.append(twin) }
            }
            let derived: [(String, (String) -> [String])] = [
                ("bridge", { [InterfaceNaming.defaultBridge(network: $0).value] }),
                ("link veth", { let pair = InterfaceNaming.linkPair(network: $0)
                                return [pair.bridgeSide.value, pair.dockerSide.value] }),
                ("chains", { ContainmentRules.chainNames(network: $0) }),
            ]
            for (kind, names) in derived {
                var owners: [String: String] = [:]
                for network in networks {
                    for name in names(network) {
                        if let earlier = owners[name], earlier != network {
                            return "\(kind) \(name) for \(earlier) and \(network)"
                        }
                        owners[name] = network
                    }
                }
            }
            return nil
        }
    }
}

/// Checks `name` against the documented form of `InterfaceNaming.fitted`: `prefix + base +
/// suffix` when that fits in 15 bytes; otherwise `prefix + kept + "-" + hash + suffix`,
/// where `kept` is the longest run of base's leading whole characters that fits and `hash`
/// is `shortHash(prefix + base)`. Returns the difference, or nil.
func readableFormProblem(_ name: String, prefix: String, base: String, suffix: String) -> String? {
    let plain = prefix + base + suffix
    if plain.utf8.count <= 15 { return name == plain ? nil : "\(name), expected \(plain) as written" }
    let hash = InterfaceNaming.shortHash(prefix + base)
    let tail = "-" + hash + suffix
    guard name.hasPrefix(prefix), name.hasSuffix(tail), name.utf8.count <= 15 else {
        return "\(name) is not \(prefix)<kept>\(tail) within 15 bytes"
    }
    let kept = String(name.dropFirst(prefix.count).dropLast(tail.count))
    guard base.hasPrefix(kept) else { return "kept part \(kept) is not a prefix of \(base)" }
    let room = 15 - prefix.utf8.count - tail.utf8.count
    if let next = base.dropFirst(kept.count).first, kept.utf8.count + String(next).utf8.count <= room {
        return "kept part \(kept) stops before \(next), which still fits"
    }
    return nil
}
