import FlatnetCore
import Glibc

/// What flatnet found out about the ebtables backends on this host, for one network:
/// the facts EbtablesBackendChoice decides from, why failing backends failed, and the
/// tables it read.
struct EbtablesSurvey {
    var facts = EbtablesBackendFacts()
    /// Why each failing backend failed, in order of preference.
    var failures: [(EbtablesBackend, String)] = []
    /// The tables that were read, per backend.
    var live: [EbtablesBackend: LiveRules] = [:]

    /// Lists each backend's filter table and notes which hold `network`'s chains. The
    /// legacy table is read only when it is recorded, nf_tables does not work, or the
    /// kernel already has the legacy filter table loaded: listing it loads the
    /// ebtable_filter module, which a look must not do, and without that module legacy
    /// holds no chain.
    init(network: String, recorded: EbtablesBackend?, counters: Bool) {
        facts.recorded = recorded
        let chains = ContainmentRules.chainNames(network: network)
        for backend in EbtablesBackend.preferred {
            let needless = backend == .legacy && recorded != .legacy && facts.working.contains(.nfTables)
                && !EbtablesSurvey.legacyTableLoaded
            if needless { continue }
            do {
                let rules = try Ebtables(backend: backend).live(counters: counters)
                noteWorking(backend)
                live[backend] = rules
                if rules.holdsAny(of: chains) { facts.holding.insert(backend) }
            } catch {
                failures.append((backend, EbtablesSurvey.reason(error)))
            }
        }
    }

    /// A probe of the recorded backend only: the others do not matter once one is recorded.
    init(probing recorded: EbtablesBackend) {
        facts.recorded = recorded
        probe(recorded)
    }

    private init() {}

    /// Probes in order of preference, stopping at the first that works (STATUS).
    static func firstWorking() -> EbtablesSurvey {
        var survey = EbtablesSurvey()
        for backend in EbtablesBackend.preferred where survey.facts.working.isEmpty { survey.probe(backend) }
        return survey
    }

    /// Whether `backend` works: cached when it worked before in this network namespace
    /// (and its tool is still installed), else its list command is run.
    mutating func probe(_ backend: EbtablesBackend) {
        do {
            _ = try Ebtables.locate(backend.tool)
            if !EbtablesRecords.isKnownWorking(backend) { _ = try Ebtables(backend: backend).live() }
            noteWorking(backend)
        } catch {
            failures.append((backend, EbtablesSurvey.reason(error)))
        }
    }

    private mutating func noteWorking(_ backend: EbtablesBackend) {
        facts.working.insert(backend)
        EbtablesRecords.rememberWorking(backend)
    }

    /// The chosen backend, or the error naming the fix.
    func choice(network: String) throws -> EbtablesBackend {
        switch EbtablesBackendChoice.choose(facts) {
        case .use(let backend):
            return backend
        case .recordedNotWorking(let backend):
            let reason = failures.first { $0.0 == backend }?.1 ?? "its list command failed"
            throw EbtablesError.recordedNotWorking(network: network, backend: backend, reason: reason)
        case .noneWorks:
            throw EbtablesError.noWorkingBackend(network: network, reasons: failures)
        }
    }

    /// /sys/module lists a loaded module (the legacy save script asks /proc/modules).
    static var legacyTableLoaded: Bool { access("/sys/module/ebtable_filter", F_OK) == 0 }

    static func reason(_ error: any Error) -> String {
        (error as? EbtablesError)?.reason ?? "\(error)"
    }
}
