/// Answers checked against the catalog's questions: no unknown variable, every required
/// one present (per address family, see `FamilyAnswers`), every value of its question's
/// type; defaults filled in.
public enum CatalogAnswers {
    /// With `nodes` answered, the per-node questions are answered per node (`NodeAnswers`).
    public static func resolve(
        _ answers: [String: JSONValue], questions: [CatalogQuestion], path: String
    ) throws(ConfigError) -> [String: JSONValue] {
        let log = ProblemLog()
        let resolved = answers[NodeAnswers.variable].map(isAnswer) == true
            ? NodeAnswers.resolve(answers, questions: questions, path: path, log: log)
            : resolve(answers, questions: questions, path: path, log: log)
        try log.throwIfAny()
        return resolved
    }

    /// The answers to the questions `only` names (every question when nil; unknown
    /// answers are then reported too), problems added to `log`.
    static func resolve(
        _ answers: [String: JSONValue], questions: [CatalogQuestion], path: String, log: ProblemLog,
        only: Set<String>? = nil
    ) -> [String: JSONValue] {
        let known = Dictionary(uniqueKeysWithValues: questions.map { ($0.variable, $0) })
        for key in answers.keys.sorted() where known[key] == nil && only == nil {
            log.add("\(path).\(key)", "unknown question (see netconf/questions.json)", kind: .unknownKey)
        }
        let families = FamilyAnswers(answers, questions: questions)
        if only == nil, let (variable, message) = families.noFamilyProblem() {
            log.add("\(path).\(variable)", message)
        }
        var resolved: [String: JSONValue] = [:]
        let asked = questions.filter { families.applies($0) && only?.contains($0.variable) != false }
        for question in asked {
            let answer = answers[question.variable].flatMap { isAnswer($0) ? $0 : nil }
            guard let value = answer ?? question.defaultValue else {
                if let problem = families.missingProblem(question) {
                    log.add("\(path).\(question.variable)", problem)
                }
                continue
            }
            if let problem = question.problem(with: value) {
                log.add("\(path).\(question.variable)", problem)
            } else if value != .string("") {
                resolved[question.variable] = value
            }
        }
        return resolved
    }

    /// null and "" leave a question unanswered (its default applies).
    static func isAnswer(_ value: JSONValue) -> Bool { value != .null && value != .string("") }
}

/// The fleet form: networks, each with shared answers and a per-host answers list.
///
///     {"networks": [{"answers": {"name": "flat-a", "subnet": "10.43.0.0/16", ...},
///                    "hosts": [{"host": "hostA", "uplink": "eth1",
///                               "rangeStart": "10.43.1.2", "rangeEnd": "10.43.1.254"}]}]}
public struct FleetFile: Sendable {
    public struct Host: Sendable {
        public var name: String
        public var answers: [String: JSONValue]
    }

    public struct Network: Sendable {
        public var answers: [String: JSONValue]
        public var hosts: [Host]
    }

    public var networks: [Network]

    public static func parse(_ document: JSONValue) throws(ConfigError) -> FleetFile {
        let log = ProblemLog()
        guard let top = ObjectReader(document, path: "", log: log) else { throw ConfigError(log.problems) }
        top.rejectUnknownKeys(known: ["networks"])
        let networks = (top.array("networks", required: true) ?? []).compactMap { element -> Network? in
            guard let network = ObjectReader(element.value, path: element.path, log: log) else { return nil }
            network.rejectUnknownKeys(known: ["answers", "hosts"])
            let hosts = (network.array("hosts", required: true) ?? []).compactMap { host -> Host? in
                guard var members = host.value.objectValue else {
                    log.add(host.path, "expected an object"); return nil
                }
                guard case .string(let name)? = members.removeValue(forKey: "host"), !name.isEmpty else {
                    log.add(host.path + ".host", "is required"); return nil
                }
                return Host(name: name, answers: members)
            }
            return Network(answers: network.object("answers", required: true)?.members ?? [:], hosts: hosts)
        }
        try log.throwIfAny()
        return FleetFile(networks: networks)
    }
}
