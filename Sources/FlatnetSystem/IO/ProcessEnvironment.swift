import Glibc

/// The process environment as a dictionary, read from `environ` directly. (Foundation's
/// ProcessInfo would link FoundationEssentials into the plugin for this one call; see
/// JSONParser for why start-up cost matters.)
public enum ProcessEnvironment {
    public static func current() -> [String: String] {
        var variables: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let separator = text.firstIndex(of: "=") {
                // The first definition wins, as getenv(3) would return it.
                let key = String(text[..<separator])
                if variables[key] == nil { variables[key] = String(text[text.index(after: separator)...]) }
            }
            entry += 1
        }
        return variables
    }
}
