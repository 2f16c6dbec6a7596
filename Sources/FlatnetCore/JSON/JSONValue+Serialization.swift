extension JSONValue {
    /// Compact JSON text with object keys sorted, so equal values always print the same.
    public func serialized() -> String {
        var output = ""
        write(into: &output, indent: nil, depth: 0)
        return output
    }

    /// Indented JSON text (two spaces) with sorted keys, for files people read and diff.
    public func prettyPrinted() -> String {
        var output = ""
        write(into: &output, indent: "  ", depth: 0)
        return output
    }

    private func write(into output: inout String, indent: String?, depth: Int) {
        switch self {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .number(let number): output += JSONValue.format(number)
        case .string(let text): JSONValue.writeString(text, into: &output)
        case .array(let elements):
            writeContainer(elements.map { (nil, $0) }, brackets: ("[", "]"), into: &output,
                           indent: indent, depth: depth)
        case .object(let members):
            let sorted = members.keys.sorted().map { ($0 as String?, members[$0]!) }
            writeContainer(sorted, brackets: ("{", "}"), into: &output, indent: indent, depth: depth)
        }
    }

    private func writeContainer(
        _ items: [(String?, JSONValue)], brackets: (String, String),
        into output: inout String, indent: String?, depth: Int
    ) {
        output += brackets.0
        guard !items.isEmpty else { output += brackets.1; return }
        let separator = indent == nil ? ":" : ": "
        for (position, (key, value)) in items.enumerated() {
            if position > 0 { output += "," }
            if let indent { output += "\n" + String(repeating: indent, count: depth + 1) }
            if let key { JSONValue.writeString(key, into: &output); output += separator }
            value.write(into: &output, indent: indent, depth: depth + 1)
        }
        if let indent { output += "\n" + String(repeating: indent, count: depth) }
        output += brackets.1
    }

    /// Integers print without a fraction ("1500", not "1500.0"): CNI consumers written in
    /// Go reject a fractional MTU.
    static func format(_ number: Double) -> String {
        if number.isFinite, number == number.rounded(), abs(number) < 9.0e15 {
            return String(Int64(number))
        }
        return number.isFinite ? "\(number)" : "null"
    }

    static func writeString(_ text: String, into output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
