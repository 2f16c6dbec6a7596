/// What `flatnet netconf validate` found in one file.
public struct NetconfFileVerdict: Equatable, Sendable {
    public var file: String
    /// What a valid file holds ("network flat-a", "4 network(s) on 2 host(s)"); nil when
    /// the file itself is invalid.
    public var summary: String?
    /// Why the file is invalid, one sentence each (a config problem starts with its path).
    public var problems: [String]
    /// Claims this network shares with a network of a file given before it (one host).
    public var conflicts: [String]

    public var isValid: Bool { problems.isEmpty && conflicts.isEmpty }

    public init(file: String, summary: String? = nil, problems: [String] = [], conflicts: [String] = []) {
        self.file = file
        self.summary = summary
        self.problems = problems
        self.conflicts = conflicts
    }
}

/// `flatnet netconf validate`, in pure code: conflists, plugin objects,
/// NetworkAttachmentDefinitions and fleet answers files. Network files given together are
/// also checked as one host's networks: two that would share a bridge, an uplink, a
/// reserved address or a derived name are refused, as ADD would refuse the second on a
/// live host. Only fleet files need the catalog: it is asked for when one comes, so plain
/// conflists validate where no catalog is installed. A single network's answers file is
/// named as one (it is the input of `netconf render`, not a netconf).
public enum NetconfValidation {
    /// One file as read: its parsed document, or why it could not be read or parsed.
    public typealias Input = (file: String, document: Result<JSONValue, any Error>)

    public static func verdicts(_ inputs: [Input], catalog: () throws -> Catalog) -> [NetconfFileVerdict] {
        var verdicts: [NetconfFileVerdict] = [], networks: [(index: Int, config: NetworkConfig)] = []
        for (file, document) in inputs {
            var verdict = NetconfFileVerdict(file: file)
            do {
                let document = try document.get()
                switch NetconfDocumentKind(document) {
                case .answers:
                    verdict.problems = [NetconfDocumentKind.answersProblem(file: file)]
                case .fleetAnswers:
                    let rendered = try catalog().renderFleet(try FleetFile.parse(document))
                    let hosts = Set(rendered.map(\.host)).count
                    verdict.summary = "\(rendered.count) network(s) on \(hosts) host(s)"
                case .network:
                    let config = try NetconfFile.load(document: document)
                    verdict.summary = "network \(config.name)"
                    networks.append((verdicts.count, config))
                }
            } catch {
                verdict.problems = problems(error)
            }
            verdicts.append(verdict)
        }
        let indexByName = Dictionary(networks.map { ($0.config.name, $0.index) },
                                     uniquingKeysWith: { first, _ in first })
        for conflict in HostClaims.conflicts(networks.map(\.config)) {
            guard let index = indexByName[conflict.second] else { continue }
            verdicts[index].conflicts.append("\(conflict.claim.field): \(conflict) on one host")
        }
        return verdicts
    }

    /// `FILE: ok (SUMMARY)` or `FILE: PROBLEM` lines, then the conflicts (`FILE: CONFLICT`).
    public static func text(_ verdicts: [NetconfFileVerdict]) -> String {
        let lines = verdicts.flatMap { verdict in
            verdict.problems.isEmpty ? ["\(verdict.file): ok (\(verdict.summary ?? ""))"]
                : verdict.problems.map { "\(verdict.file): \($0)" }
        } + verdicts.flatMap { verdict in verdict.conflicts.map { "\(verdict.file): \($0)" } }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A configuration error's problems, each with its path; any other error's message
    /// and details (where the catalog was looked for, say).
    static func problems(_ error: any Error) -> [String] {
        if let config = error as? ConfigError { return config.problems.map(\.description) }
        let cniError = CNIErrorMapping.cniError(for: error)
        return [cniError.message + (cniError.details.isEmpty ? "" : ": " + cniError.details)]
    }
}
