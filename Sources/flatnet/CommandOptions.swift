/// The options of one operator command, parsed strictly: an option the command does not
/// take, an option without its value, or a stray argument is a usage error (exit 2),
/// never silently ignored (`--liv c1` used to be, and `ipam gc` then released leases).
struct CommandOptions {
    /// What a command accepts.
    struct Spec {
        var command: String
        /// Options that take a value (`--conf FILE`); `repeatable` ones may appear again.
        var values: Set<String> = []
        var repeatable: Set<String> = []
        /// Options without a value (`--json`).
        var flags: Set<String> = []
        /// Whether bare arguments (files) are accepted.
        var positionals = false
    }

    private(set) var values: [String: [String]] = [:]
    private(set) var flags: Set<String> = []
    private(set) var positionals: [String] = []

    /// `--name value` and `--name=value` both work.
    static func parse(_ arguments: [String], _ spec: Spec) throws(UsageError) -> CommandOptions {
        var options = CommandOptions()
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            guard argument.hasPrefix("-") && argument != "-" else {
                guard spec.positionals else {
                    throw UsageError("\(spec.command): unexpected argument \"\(argument.bounded(80))\"", spec)
                }
                options.positionals.append(argument)
                continue
            }
            let parts = argument.split(separator: "=", maxSplits: 1).map(String.init)
            let name = parts[0]
            if spec.flags.contains(name), parts.count == 1 {
                options.flags.insert(name)
            } else if spec.values.contains(name) || spec.repeatable.contains(name) {
                guard let value = parts.count == 2 ? parts[1] : rest.popFirst() else {
                    throw UsageError("\(spec.command): \(name) needs a value", spec)
                }
                guard options.values[name] == nil || spec.repeatable.contains(name) else {
                    throw UsageError("\(spec.command): \(name) given twice", spec)
                }
                options.values[name, default: []].append(value)
            } else {
                throw UsageError("\(spec.command): unknown option \(name.bounded(80))", spec)
            }
        }
        return options
    }

    func value(_ name: String) -> String? { values[name]?.last }

    func all(_ name: String) -> [String] { values[name] ?? [] }

    func has(_ flag: String) -> Bool { flags.contains(flag) }

    /// What the usage text calls each option's value.
    static let placeholders = [
        "--conf": "FILE", "--answers": "FILE", "--template": "NAME", "--container": "ID", "--address": "IP",
    ]

    func required(_ name: String, _ spec: Spec) throws(UsageError) -> String {
        guard let value = value(name) else {
            let placeholder = CommandOptions.placeholders[name].map { " " + $0 } ?? ""
            throw UsageError("\(spec.command) needs \(name)\(placeholder)", spec)
        }
        return value
    }
}

/// A command line flatnet cannot run: one line, and where to read more (exit 2).
struct UsageError: Error {
    let message: String
    let command: String

    init(_ message: String, _ spec: CommandOptions.Spec) {
        self.message = message
        command = spec.command
    }

    init(_ message: String, command: String) {
        self.message = message
        self.command = command
    }
}
