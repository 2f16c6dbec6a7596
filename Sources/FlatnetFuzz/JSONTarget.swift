import FlatnetCore

/// The JSON parser (stdin, netconf files, delegated plugins' replies, catalog files).
/// What it promises beyond not crashing: a document it accepts prints (compact and
/// indented) as text it reads back to the same value, which is what results, rendered
/// netconfs and error replies rely on.
enum JSONTarget {
    static let target = FuzzTarget(
        name: "json", summary: "JSONValue.parse, and printing what it read"
    ) { bytes in
        guard let value = try? JSONValue.parse(bytes) else { return }
        precondition((try? JSONValue.parse(value.serialized())) == value,
                     "a parsed document, serialized, reads back differently")
        precondition((try? JSONValue.parse(value.prettyPrinted())) == value,
                     "a parsed document, pretty-printed, reads back differently")
    }
}
