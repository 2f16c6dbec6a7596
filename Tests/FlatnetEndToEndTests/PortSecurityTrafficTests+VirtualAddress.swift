import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// Allowed addresses (Neutron's allowed address pairs): a virtual IPv4 address that two
/// containers may both use, as VRRP or keepalived move it between them.
extension PortSecurityTrafficTests {
    static let virtualAddress = "10.43.0.100"

    @Test("an allowed virtual address moves between containers: after a gratuitous ARP, pings follow it")
    func virtualAddressMoves() throws {
        let topology = try Self.attached(["cA1"])
        let vip = Self.virtualAddress
        // kA1 is allowed the address through runtimeConfig, kB1 through CNI_ARGS (with
        // IgnoreUnknown=1, a binary without port security ignores the key, not refuses it).
        let runtimeConfig = JSONValue.object(["allowedAddresses": .array([.string(vip)])])
        _ = try topology.container("kA1")
        let grantable = JSONValue.array([.string(vip + "/32")])
        let configA = topology.flatA(host: "hA").settingKey("runtimeConfig", to: runtimeConfig)
            .settingKey("grantableAddresses", to: grantable)
        let holderA = try topology.flatnet("ADD", host: "hA", container: "kA1", config: configA)
        _ = try topology.container("kB1")
        let holderB = try topology.flatnet("ADD", host: "hB", container: "kB1",
                                           config: topology.flatA(host: "hB").settingKey("grantableAddresses", to: grantable),
                                           arguments: "IgnoreUnknown=1;ALLOWED_ADDRESSES=" + vip)
        #expect(holderA.status == 0, "\(holderA.outcome.stdout)")
        #expect(holderB.status == 0, "\(holderB.outcome.stdout)")

        _ = try topology.ip("kA1", "addr", "add", vip + "/16", "dev", "eth0")
        #expect(try topology.ping(from: "cA1", vip), "kA1 holds \(vip) and answers cA1")
        let before = try topology.neighbour(vip, in: "cA1")
        #expect(before.contains(try topology.mac(of: "kA1")), "cA1 resolved it to kA1: \(before)")

        // The failover: kA1 lets go, kB1 takes the address and announces it.
        _ = try topology.ip("kA1", "addr", "del", vip + "/16", "dev", "eth0")
        let entry = try topology.takeOver(vip, in: "kB1", watchedBy: "cA1")
        #expect(entry.contains(try topology.mac(of: "kB1")), "the gratuitous ARP moved cA1's entry: \(entry)")
        #expect(try topology.ping(from: "cA1", vip), "cA1's pings reach kB1, the only holder now")
    }
}
