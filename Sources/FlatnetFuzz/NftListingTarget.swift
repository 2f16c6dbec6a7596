import FlatnetCore

/// `nft list table bridge T` output (how doctor and the CLI read a port security table
/// back), compared with the table flatnet wants.
enum NftListingTarget {
    static let target = FuzzTarget(
        name: "nft-listing", summary: "nft list table output (LiveNftTable)"
    ) { bytes in
        let live = LiveNftTable(listing: String(decoding: bytes, as: UTF8.self))
        _ = FuzzFixtures.portSecurityRules.drift(from: live)
        _ = FuzzFixtures.portSecurityRules.staleChains(in: live)
    }
}
