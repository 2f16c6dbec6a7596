/// The per-node form of one network's answers: `nodes` maps each node name to its own
/// answers to the `perNode` questions (the ranges), and the template renders them as
/// `ipam.nodes` (one netconf for every node, as a NetworkAttachmentDefinition is):
///
///     {"name": "flat-k8s", "subnet": "10.43.0.0/16", "gateway": "10.43.0.1",
///      "nodes": {"node-a": {"rangeStart": "10.43.1.2", "rangeEnd": "10.43.1.254"},
///                "node-b": {"rangeStart": "10.43.2.2", "rangeEnd": "10.43.2.254"}}}
///
/// A range answered at the top as well would be a range every node shares: refused.
/// Overlaps between nodes are checked by `Catalog.nodeProblems`, as the fleet form's are.
enum NodeAnswers {
    static let variable = "nodes"

    static func resolve(
        _ answers: [String: JSONValue], questions: [CatalogQuestion], path: String, log: ProblemLog
    ) -> [String: JSONValue] {
        let perNode = Set(questions.filter(\.perNode).map(\.variable))
        var shared = answers
        let nodes = shared.removeValue(forKey: variable)
        let sharedRanges = perNode.sorted().filter { answers[$0].map(CatalogAnswers.isAnswer) == true }
        for name in perNode { shared[name] = nil }
        for name in sharedRanges {
            log.add("\(path).\(name)", "with nodes, each node's ranges go in nodes.<node>:"
                + " a range at the top would be every node's, and two nodes would hand out one address")
        }
        // At the top the per-node questions are not asked: none is required there.
        let sharedQuestions = questions.map { question in
            var shared = question
            shared.required = question.required && !question.perNode
            return shared
        }
        var resolved = CatalogAnswers.resolve(shared, questions: sharedQuestions, path: path, log: log)
        guard case .object(let entries)? = nodes, !entries.isEmpty else {
            log.add("\(path).\(variable)",
                    "expected an object with at least one node: node name -> its ranges")
            return resolved
        }
        let families = FamilyAnswers(shared, questions: questions)
        var byNode: [String: JSONValue] = [:]
        for (node, entry) in entries.sorted(by: { $0.key < $1.key }) {
            let context = NodeContext(path: "\(path).\(variable).\(node)", perNode: perNode,
                                      families: families)
            guard let members = context.members(node: node, entry: entry, questions: questions, log: log)
            else { continue }
            let values = CatalogAnswers.resolve(shared.merging(members) { $1 }, questions: questions,
                                                path: context.path, log: log, only: perNode)
            byNode[node] = .object(values)
        }
        resolved[variable] = .object(byNode)
        return resolved
    }

    /// One node's entry, checked: a node name, an object, only per-node answers, and
    /// only of the families the network has.
    struct NodeContext {
        let path: String
        let perNode: Set<String>
        let families: FamilyAnswers

        func members(
            node: String, entry: JSONValue, questions: [CatalogQuestion], log: ProblemLog
        ) -> [String: JSONValue]? {
            if let problem = nodeNameProblem(node) {
                log.add(path, problem)
                return nil
            }
            guard case .object(let members) = entry else {
                log.add(path, "expected an object of this node's ranges, got \(entry.typeName)")
                return nil
            }
            for key in members.keys.sorted() where !perNode.contains(key) {
                let names = perNode.sorted().joined(separator: ", ")
                log.add("\(path).\(key)", "not a per-node answer (per node: \(names))", kind: .unknownKey)
            }
            let answered = questions.filter { members[$0.variable] != nil && perNode.contains($0.variable) }
            for question in answered {
                guard let family = question.family, families.askedBy[family] == nil else { continue }
                log.add("\(path).\(question.variable)", "the network has no \(family.name) range set"
                    + " (answer its subnet at the top)")
            }
            return members.filter { perNode.contains($0.key) }
        }
    }

    /// Node names as the plugin accepts them (`NodeIdentity`): it compares them with the
    /// node name file or the host name, byte for byte.
    static func nodeNameProblem(_ name: String) -> String? {
        NodeIdentity.isValidName(name) ? nil
            : "\"\(name.bounded(80))\" is not a node name (letters, digits, '-', '.', '_'; at most 253)"
    }
}
