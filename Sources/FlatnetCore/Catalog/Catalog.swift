/// The netconf catalog: questions, templates, rendering and validation, in pure code.
/// The files live in netconf/ (questions.json, templates/*.json); the CLI reads them.
public struct Catalog: Sendable {
    public var questions: [CatalogQuestion]
    public var templates: [String: JSONValue]

    public init(questions: [CatalogQuestion], templates: [String: JSONValue]) {
        self.questions = questions
        self.templates = templates
    }

    func template(_ name: String) throws -> JSONValue {
        guard let template = templates[name] else {
            let names = templates.keys.sorted().joined(separator: ", ")
            throw CNIError(.invalidEnvironment, "unknown template \(name)",
                           details: "templates: \(names), and fleet")
        }
        return template
    }

    /// The questions as template `name` asks them: its top-level `"$defaults"` object, when
    /// it has one, replaces those questions' defaults for this template only; an answer
    /// still wins. multus-nad sets `"defaultRoute": false` there: a NetworkAttachmentDefinition
    /// is normally a pod's secondary network, and a second default route fails ADD.
    /// Why here and not elsewhere: a fixed `false` in the NAD template would leave no way
    /// to render a NAD for a primary network; a per-template map in questions.json would
    /// make the questions know template names. A template's defaults sit beside the
    /// reason for them and pass the same type check as answers.
    func questions(for name: String) throws -> [CatalogQuestion] {
        guard let defaults = try template(name)["$defaults"] else { return questions }
        let log = ProblemLog(), path = "templates/\(name).json $defaults"
        guard let members = defaults.objectValue else {
            throw ConfigError([ConfigProblem(path: path, message: "expected an object")])
        }
        for (variable, value) in members.sorted(by: { $0.key < $1.key }) {
            guard let question = questions.first(where: { $0.variable == variable }) else {
                let problem = "unknown question (see netconf/questions.json)"
                log.add("\(path).\(variable)", problem, kind: .unknownKey)
                continue
            }
            if let problem = question.problem(with: value) { log.add("\(path).\(variable)", problem) }
        }
        try log.throwIfAny()
        return questions.map { question in
            var adjusted = question
            adjusted.defaultValue = members[question.variable] ?? question.defaultValue
            return adjusted
        }
    }

    /// One network from one answers object; validated as the plugin would read it.
    public func render(template name: String, answers: [String: JSONValue]) throws -> JSONValue {
        let asked = try questions(for: name)
        let resolved = try CatalogAnswers.resolve(answers, questions: asked, path: "answers")
        let nodeProblems = try nodeProblems(resolved)
        if !nodeProblems.isEmpty { throw ConfigError(nodeProblems) }
        let document = TemplateRenderer.render(try template(name), answers: resolved, templates: templates)
        _ = try Catalog.check(document, context: "")
        return document
    }

    /// Per-node ranges (`nodes`), checked as the fleet form's hosts are: each node's
    /// conflist on its own (ranges inside the subnet, clear of the gateway and the
    /// reserved address), then every pair of nodes for overlaps (`FleetValidator`).
    func nodeProblems(_ resolved: [String: JSONValue]) throws -> [ConfigProblem] {
        guard case .object(let nodes)? = resolved[NodeAnswers.variable] else { return [] }
        var shared = resolved
        shared[NodeAnswers.variable] = nil
        var rendered: [RenderedNetwork] = [], problems: [ConfigProblem] = []
        for (node, values) in nodes.sorted(by: { $0.key < $1.key }) {
            let answers = shared.merging(values.objectValue ?? [:]) { $1 }
            let document = TemplateRenderer.render(try template("conflist"), answers: answers,
                                                   templates: templates)
            let path = "answers.\(NodeAnswers.variable).\(node)"
            do {
                let config = try Catalog.check(document, context: "node \(node): ")
                rendered.append(RenderedNetwork(host: node, config: config, document: document, path: path))
            } catch let error as ConfigError {
                problems += error.problems
            }
        }
        return problems + FleetValidator.overlappingRanges(rendered)
    }

    /// Every network of a fleet file for every host, rendered with `template` and
    /// validated alone and together. Throws every problem, each naming host and field.
    public func renderFleet(
        _ fleet: FleetFile, template name: String = "conflist"
    ) throws -> [RenderedNetwork] {
        var rendered: [RenderedNetwork] = [], problems: [ConfigProblem] = []
        let asked = try questions(for: name)
        for (networkIndex, network) in fleet.networks.enumerated() {
            for (hostIndex, host) in network.hosts.enumerated() {
                let path = "networks[\(networkIndex)].hosts[\(hostIndex)]"
                let context = "host \(host.name): "
                do {
                    let answers = network.answers.merging(host.answers) { $1 }
                    let resolved = try CatalogAnswers.resolve(answers, questions: asked, path: path)
                    let document = TemplateRenderer.render(try template(name), answers: resolved,
                                                           templates: templates)
                    rendered.append(RenderedNetwork(host: host.name,
                                                    config: try Catalog.check(document, context: ""),
                                                    document: document, path: path))
                } catch let error as ConfigError {
                    problems += error.problems.map {
                        ConfigProblem(path: $0.path, message: context + $0.message, kind: $0.kind)
                    }
                }
            }
        }
        problems += FleetValidator.problems(rendered)
        if !problems.isEmpty { throw ConfigError(problems) }
        return rendered
    }

    /// The plugin's own parser and validator, on a rendered document.
    static func check(_ document: JSONValue, context: String) throws -> NetworkConfig {
        do {
            return try NetconfFile.load(document: document)
        } catch let error as ConfigError {
            throw ConfigError(error.problems.map {
                ConfigProblem(path: $0.path, message: context + $0.message, kind: $0.kind)
            })
        }
    }
}
