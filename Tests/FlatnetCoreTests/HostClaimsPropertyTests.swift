import FlatnetCore
import Testing

/// Derived names are hashes cut short, so two networks can share one: the 16-bit host-veth
/// prefix by chance (one pair in ~65,000), and a bridge on purpose (a 12-character name that
/// spells another network's shortened bridge). What must hold is that HostClaims refuses
/// every such pair on one host.
@Suite("Host claims properties (seeded, fixed case counts)")
struct HostClaimsPropertyTests {
    @Test("two networks whose host-veth prefixes collide are refused on one host, naming the prefix")
    func vethPrefixCollisions() throws {
        var collisions = 0
        let held = try Property.check("veth-prefix collisions are host conflicts", cases: 20) { generator in
            var byPrefix: [String: String] = [:]
            for _ in 0..<700 {
                let network = generator.networkName()
                let prefix = InterfaceNaming.hostVethPrefix(network: network)
                guard let earlier = byPrefix[prefix], earlier != network else {
                    byPrefix[prefix] = network
                    continue
                }
                collisions += 1
                let conflicts = HostClaims.conflicts([try derivedNetwork(earlier), try derivedNetwork(network)])
                if !conflicts.contains(where: { $0.claim.kind == .vethPrefix && $0.claim.name == prefix }) {
                    return "\(earlier) and \(network) share \(prefix), conflicts: \(conflicts)"
                }
            }
            return nil
        }
        // About 3.7 collisions are expected per 700 names: the property must meet some.
        guard held == 20 else { return }
        #expect(collisions >= 20, "only \(collisions) prefix collisions generated")
    }

    @Test("a network named like another's shortened bridge shares that bridge and is refused on one host")
    func spelledBridgeCollisions() throws {
        try Property.check("spelled bridge collisions are host conflicts", cases: 300) { generator in
            var long = generator.networkName()
            while long.utf8.count <= 12 { long += generator.networkName() }
            long = String(long.prefix(128))
            let bridge = InterfaceNaming.defaultBridge(network: long)
            let spelling = String(bridge.value.dropFirst("br-".count))
            guard InterfaceNaming.defaultBridge(network: spelling) == bridge else {
                return "\(spelling) does not spell \(bridge) (the construction is wrong)"
            }
            let conflicts = HostClaims.conflicts([try derivedNetwork(long), try derivedNetwork(spelling)])
            if !conflicts.contains(where: { $0.claim.kind == .bridge && $0.claim.name == bridge.value }) {
                return "\(long) and \(spelling) share \(bridge), conflicts: \(conflicts)"
            }
            return nil
        }
    }
}
