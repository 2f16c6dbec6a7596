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
            throw CNIError(.invalidEnvironment, "unknown template \(name)",
                           details: "templates: \(templates.keys.sorted().joined(separator: ", ")), and fleet")
        }
        return template
    }

    /// One network from one answers object; validated as the plugin would read it.
    public func render(template name: String, answers: [String: JSONValue]) throws -> JSONValue {
        let resolved = try CatalogAnswers.resolve(answers, questions: questions, path: "answers")
        let document = TemplateRenderer.render(try template(name), answers: resolved, templates: templates)
        _ = try Catalog.check(document, context: "")
        return document
    }

    /// Every network of a fleet file for every host, rendered with `template` and
    /// validated alone and together. Throws every problem, each naming host and field.
    public func renderFleet(_ fleet: FleetFile, template name: String = "conflist") throws -> [RenderedNetwork] {
        var rendered: [RenderedNetwork] = [], problems: [ConfigProblem] = []
        for (networkIndex, network) in fleet.networks.enumerated() {
            for (hostIndex, host) in network.hosts.enumerated() {
                let path = "networks[\(networkIndex)].hosts[\(hostIndex)]"
                let context = "host \(host.name): "
                do {
                    let answers = network.answers.merging(host.answers) { $1 }
                    let resolved = try CatalogAnswers.resolve(answers, questions: questions, path: path)
                    let document = TemplateRenderer.render(try template(name), answers: resolved, templates: templates)
                    rendered.append(RenderedNetwork(host: host.name, config: try Catalog.check(document, context: ""),
                                                    document: document, path: path))
                } catch let error as ConfigError {
                    problems += error.problems.map { ConfigProblem(path: $0.path, message: context + $0.message, kind: $0.kind) }
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
            throw ConfigError(error.problems.map { ConfigProblem(path: $0.path, message: context + $0.message, kind: $0.kind) })
        }
    }
}
