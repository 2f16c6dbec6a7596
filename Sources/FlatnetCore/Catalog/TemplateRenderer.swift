/// Renders a catalog template (netconf/templates/*.json) from typed answers.
///
/// Not string substitution: a template is JSON whose placeholders are JSON objects, and
/// each answer has already been checked against its question's type, so a rendered file
/// can never be malformed JSON or carry a value of the wrong type. Directives:
/// - `{"$answer": "var"}`: the answer (its default when unanswered); a member whose
///   answer is absent is left out.
/// - `{"$if": "var", "$then": X}`: X when `var` is answered and not `false`, else the member
///   (or list element) is left out. `{"$if": ["a", "b"], "$then": X}`: when every one is.
///   So an optional block (`metadata`, `ipam.ipv6`) is written once, inside its `$if`.
/// - `{"$ifAny": ["a", "b"], "$then": X}`: X when at least one is (`ipam.store.tls`: a
///   client certificate without its key must reach the plugin's parser, which names the
///   missing one, not vanish).
/// - `{"$each": "var", "$then": X}`: `var`'s answer is an object of objects (`nodes`); an
///   object with the same keys, each X rendered with that entry's members as answers over
///   the others. Left out when `var` is unanswered.
/// - `{"$json": X}`: X rendered, as a JSON string (Multus embeds the config that way).
/// - `{"$template": "name"}`: another template, rendered in place (so the flatnet plugin
///   object is written once, in `conflist.json`).
/// - `"$defaults": {"var": value}` at a template's top level: that template's own defaults
///   for some answers (`Catalog.questions(for:)` applies them before rendering); never
///   rendered.
public enum TemplateRenderer {
    public static func render(_ template: JSONValue, answers: [String: JSONValue],
                              templates: [String: JSONValue] = [:]) -> JSONValue {
        Renderer(answers: answers, templates: templates).render(template) ?? .null
    }

    struct Renderer {
        let answers: [String: JSONValue]
        let templates: [String: JSONValue]

        /// nil means "leave this member out".
        func render(_ template: JSONValue) -> JSONValue? {
            switch template {
            case .object(let members):
                if case .string(let variable)? = members["$answer"] { return answers[variable] }
                if let condition = members["$if"] {
                    return holds(condition) ? render(members["$then"] ?? .null) : nil
                }
                if let condition = members["$ifAny"] {
                    let variables = condition.arrayValue ?? [condition]
                    return variables.contains { holds($0) } ? render(members["$then"] ?? .null) : nil
                }
                if case .string(let variable)? = members["$each"] {
                    return each(variable, members["$then"] ?? .null)
                }
                if let embedded = members["$json"] {
                    return .string((render(embedded) ?? .null).prettyPrinted())
                }
                if case .string(let name)? = members["$template"] { return templates[name].flatMap(render) }
                return .object(members.filter { $0.key != "$defaults" }.compactMapValues(render))
            case .array(let elements):
                return .array(elements.compactMap(render))
            default:
                return template
            }
        }

        func each(_ variable: String, _ template: JSONValue) -> JSONValue? {
            guard case .object(let entries)? = answers[variable] else { return nil }
            return .object(entries.compactMapValues { entry in
                let scoped = answers.merging(entry.objectValue ?? [:]) { $1 }
                return Renderer(answers: scoped, templates: templates).render(template)
            })
        }

        /// `"var"` or `["var", ...]`: each answered, and not `false`.
        func holds(_ condition: JSONValue) -> Bool {
            let variables = condition.arrayValue ?? [condition]
            return variables.allSatisfy { variable in
                guard let name = variable.stringValue, let answer = answers[name] else { return false }
                return answer != .bool(false)
            }
        }
    }
}
