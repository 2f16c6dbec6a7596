import FlatnetCore

/// What ebtables prints: `ebtables -t filter -L --Lc` (how flatnet reads live rules) and
/// `ebtables-save -c`, each then compared with the rules flatnet wants, as setup (the
/// restore batch), teardown and CHECK/doctor (drift) compare them.
enum EbtablesListingTarget {
    static let target = FuzzTarget(
        name: "ebtables", summary: "ebtables -L --Lc and ebtables-save output"
    ) { bytes in
        let text = String(decoding: bytes, as: UTF8.self)
        for live in [LiveRules(listing: text), LiveRules(saveOutput: text)] {
            let desired = FuzzFixtures.containmentRules
            _ = RuleConvergence.batch(desired: desired, live: live)
            _ = RuleConvergence.teardown(desired, live: live)
            _ = RuleConvergence.drift(desired: desired, live: live)
            _ = live.rules.map { live.packets[$0] }
        }
    }
}
