import FlatnetCore

/// Which backend a network's rules live in: chosen on purpose (EbtablesBackendChoice),
/// recorded per host network namespace and network (EbtablesRecords), never through the
/// `ebtables` alternative.
extension Ebtables {
    /// The backend for a network whose rules host setup is about to install: the recorded
    /// one, or the one chosen now. A new choice is recorded before any rule is installed,
    /// so a network's rules never sit in an unrecorded backend. Throws 109 naming the fix
    /// when no backend works, or when the recorded one no longer does.
    public static func forNetwork(_ name: String) throws -> Ebtables {
        let recorded = try EbtablesRecords.recordedBackend(network: name)
        let survey = recorded.map(EbtablesSurvey.init(probing:))
            ?? EbtablesSurvey(network: name, recorded: nil, counters: false)
        let backend = try survey.choice(network: name)
        if recorded == nil { try EbtablesRecords.record(backend, network: name) }
        return Ebtables(backend: backend)
    }

    /// The backend holding a network's rules (CHECK, teardown): the recorded one, or,
    /// without a record, a backend whose table holds the network's chains; nil when the
    /// network never installed rules on this host.
    public static func recorded(for name: String) throws -> Ebtables? {
        if let recorded = try EbtablesRecords.recordedBackend(network: name) {
            return Ebtables(backend: recorded)
        }
        let facts = EbtablesSurvey(network: name, recorded: nil, counters: false).facts
        guard case .use(let holder) = EbtablesBackendChoice.choose(facts),
              facts.holding.contains(holder) else {
            return nil
        }
        return Ebtables(backend: holder)
    }

    /// The network's live filter table (CHECK): empty when it never installed rules.
    public static func liveRules(of name: String) throws -> LiveRules {
        try recorded(for: name)?.live() ?? LiveRules()
    }

    /// STATUS for a network with a metadata block: throws 50 when no backend could hold
    /// its rules now (the recorded one, else any). A real probe, cached when positive.
    public static func requireAvailable(for name: String) throws {
        let recorded = try EbtablesRecords.recordedBackend(network: name)
        do {
            let survey = recorded.map(EbtablesSurvey.init(probing:)) ?? EbtablesSurvey.firstWorking()
            _ = try survey.choice(network: name)
        } catch let error as EbtablesError {
            throw CNIError(.notAvailable, error.cniError.message, details: error.cniError.details)
        }
    }

    /// What doctor shows: the facts about the backends, and the live rules (with
    /// counters) of the backend the network uses; nil rules when none works.
    public static func doctorView(network name: String) throws
        -> (rules: LiveRules?, facts: EbtablesBackendFacts) {
        let recorded = try EbtablesRecords.recordedBackend(network: name)
        let survey = EbtablesSurvey(network: name, recorded: recorded, counters: true)
        let choice = EbtablesBackendChoice.choose(survey.facts)
        guard case .use(let backend) = choice else { return (nil, survey.facts) }
        return (survey.live[backend], survey.facts)
    }
}
