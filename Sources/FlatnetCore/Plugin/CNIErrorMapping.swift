/// The one place where errors of every layer become CNI error objects.
public enum CNIErrorMapping {
    public static func cniError(for error: any Error) -> CNIError {
        switch error {
        case let error as CNIError:
            return error
        case let error as ConfigError:
            return cniError(for: error)
        case let error as any CNIErrorConvertible:
            return error.cniError
        default:
            return CNIError(.internalError, "internal error", details: String(describing: error))
        }
    }

    /// The message names every offending field; details say what is wrong with each.
    static func cniError(for error: ConfigError) -> CNIError {
        let paths = error.problems.map { $0.path.isEmpty ? "(document)" : $0.path }
        var seen = Set<String>()
        let fields = paths.filter { seen.insert($0).inserted }.joined(separator: ", ")
        let message = error.cniCode == .unsupportedField
            ? "unsupported field in the network configuration: \(fields)"
            : "invalid network configuration: \(fields)"
        return CNIError(error.cniCode, message,
                        details: error.problems.map(\.description).joined(separator: "; "))
    }
}
