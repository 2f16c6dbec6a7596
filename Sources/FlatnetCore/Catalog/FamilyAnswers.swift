/// Which address families an answers object asks for. A network is IPv4-only, IPv6-only
/// or dual stack: the questions with a `family` (questions.json) are answered per family,
/// as the netconf has one range set per family (top-level keys for IPv4, `ipam.ipv6`).
///
/// A family is asked for when any of its questions has an answer (a default does not
/// count); its required questions are then required, and its defaults apply. A family
/// nobody asked for is left out whole, so an IPv4-only answers file renders as it did
/// before IPv6 questions existed. At least one family must be asked for.
struct FamilyAnswers {
    /// Each family asked for, with the first of its questions that has an answer (for
    /// messages: "required for the IPv6 range set (ipv6Gateway is answered)").
    let askedBy: [IPFamily: String]
    let questions: [CatalogQuestion]

    init(_ answers: [String: JSONValue], questions: [CatalogQuestion]) {
        var askedBy: [IPFamily: String] = [:]
        for question in questions where answers[question.variable].map(CatalogAnswers.isAnswer) == true {
            guard let family = question.family, askedBy[family] == nil else { continue }
            askedBy[family] = question.variable
        }
        self.askedBy = askedBy
        self.questions = questions
    }

    /// False for a question of a family nobody asked for: it is neither required nor
    /// defaulted.
    func applies(_ question: CatalogQuestion) -> Bool {
        question.family.map { askedBy[$0] != nil } ?? true
    }

    /// Why `question`, left unanswered and without a default, is a problem; nil if it
    /// may stay unanswered.
    func missingProblem(_ question: CatalogQuestion) -> String? {
        guard question.required else { return nil }
        guard let family = question.family else { return "is required" }
        guard let answered = askedBy[family] else { return nil }
        return "is required for the \(family.name) range set (\(answered) is answered)"
    }

    /// When no family is asked for (and the catalog has family questions): the problem,
    /// on the first required question, naming what each family needs.
    func noFamilyProblem() -> (variable: String, message: String)? {
        let required = questions.filter { $0.required && $0.family != nil }
        guard askedBy.isEmpty, let first = required.first else { return nil }
        let choices = IPFamily.allCases.compactMap { family -> String? in
            let names = required.filter { $0.family == family }.map(\.variable)
            return names.isEmpty ? nil : "\(Self.list(names)) (\(family.name))"
        }
        let both = choices.count > 1 ? ", or both (dual stack)" : ""
        return (first.variable, "is required: answer \(choices.joined(separator: ", "))\(both)")
    }

    /// "a", "a and b", "a, b and c".
    static func list(_ names: [String]) -> String {
        names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + names.last!
    }
}
