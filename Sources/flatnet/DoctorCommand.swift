import FlatnetCore
import FlatnetSystem

/// `flatnet doctor --conf FILE [--json]`: live state against expected; exit 0 healthy, 1 not,
/// 3 not set up on this host (`DoctorReport`).
enum DoctorCommand {
    static let spec = CommandOptions.Spec(command: "doctor", values: ["--conf"], flags: ["--json"])

    static func run(_ arguments: [String]) throws -> OperatorCommandLine.Outcome {
        let options = try CommandOptions.parse(arguments, spec)
        let path = try options.required("--conf", spec)
        let config = try OperatorCommandLine.loadConfig(path)
        let report = DoctorReport(config, try DoctorProbe.observe(config), confPath: path)
        return .init(output: options.has("--json") ? report.json : report.text, status: report.exitStatus)
    }
}
