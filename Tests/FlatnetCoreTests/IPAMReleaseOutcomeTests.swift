import FlatnetCore
import FlatnetTestSupport
import Testing

/// What `ipam release` says, in pure code.
@Suite("ipam release outcomes (pure)")
struct IPAMReleaseOutcomeTests {
    static let owner = Attachment(containerID: "c1", ifName: "eth0")
    static let address = IPAddress("10.43.1.5")!

    @Test("release says what happened", arguments: [
        (IPAMReleaseOutcome.released([address], owner: owner, dryRun: false), "released 10.43.1.5 (container c1 ifname eth0)"),
        (.released([address], owner: owner, dryRun: true), "would release 10.43.1.5 (container c1 ifname eth0)"),
        (.addressNotHeld(address), "10.43.1.5 was not held: nothing released"),
        (.addressReserved(address, workload: "k8s/a/b"), "10.43.1.5 is held by no container but reserved for k8s/a/b:"
            + " nothing released (flatnet ipam reservations release frees it)"),
        (.ownerHoldsNothing(owner), "container c1 ifname eth0 holds no address: nothing released"),
    ])
    func releaseText(_ outcome: IPAMReleaseOutcome, _ expected: String) {
        #expect(outcome.text == expected)
    }

    @Test("an address outside the subnet is refused, naming the subnet; one inside (held or not) is releasable")
    func outsideSubnet() throws {
        let config = try ContainmentRulesTests.config
        let pool = AddressPool(network: config.name, config: try #require(config.ipam.pool), reservedAddress: nil)
        let outside = IPAddress("10.99.0.5")!
        #expect(throws: IPAMError.releaseOutsideSubnet(outside, subnet: "10.43.0.0/16")) {
            try IPAMReleaseOutcome.checkReleasable(outside, from: [pool])
        }
        #expect(IPAMError.releaseOutsideSubnet(outside, subnet: "10.43.0.0/16").cniError.message
            == "10.99.0.5 is outside the network's subnet 10.43.0.0/16: nothing released")
        try IPAMReleaseOutcome.checkReleasable(Self.address, from: [pool])
    }
}
