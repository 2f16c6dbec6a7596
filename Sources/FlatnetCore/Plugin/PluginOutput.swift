/// What one plugin run writes: stdout (only CNI JSON, or nothing) and its exit status.
public struct PluginOutput: Equatable, Sendable {
    public var stdout: String
    public var exitStatus: Int32

    public init(stdout: String, exitStatus: Int32) {
        self.stdout = stdout
        self.exitStatus = exitStatus
    }

    public static let success = PluginOutput(stdout: "", exitStatus: 0)

    public static func result(_ json: JSONValue) -> PluginOutput {
        PluginOutput(stdout: json.serialized() + "\n", exitStatus: 0)
    }

    public static func failure(_ error: CNIError, cniVersion: String) -> PluginOutput {
        PluginOutput(stdout: error.json(cniVersion: cniVersion).serialized() + "\n", exitStatus: 1)
    }
}
