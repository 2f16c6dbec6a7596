/// Renders a catalog template (netconf/templates/*.json) from typed answers.
///
/// Not string substitution: a template is JSON whose placeholders are JSON objects, and
/// each answer has already been checked against its question's type, so a rendered file
/// can never be malformed JSON or carry a value of the wrong type. Directives:
/// - `{"$answer": "var"}`: the answer (its default when unanswered); a member whose
///   answer is absent is left out.
/// - `{"$if": "var", "$then": X}`: X when `var` is answered, else the member is left out.
/// - `{"$json": X}`: X rendered, as a JSON string (Multus embeds the config that way).
public enum TemplateRenderer {
    public static func render(_ template: JSONValue, answers: [String: JSONValue]) -> JSONValue {
        renderValue(template, answers: answers) ?? .null
    }

    /// nil means "leave this member out".
    static func renderValue(_ template: JSONValue, answers: [String: JSONValue]) -> JSONValue? {
        switch template {
        case .object(let members):
            if case .string(let variable)? = members["$answer"] { return answers[variable] }
            if case .string(let variable)? = members["$if"] {
                return answers[variable] == nil ? nil : renderValue(members["$then"] ?? .null, answers: answers)
            }
            if let embedded = members["$json"] {
                return .string((renderValue(embedded, answers: answers) ?? .null).prettyPrinted())
            }
            return .object(members.compactMapValues { renderValue($0, answers: answers) })
        case .array(let elements):
            return .array(elements.compactMap { renderValue($0, answers: answers) })
        default:
            return template
        }
    }
}
