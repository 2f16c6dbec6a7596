import FlatnetCore
import FlatnetSystem

/// `flatnet` run by a person: arguments and no CNI_COMMAND in the environment.
enum OperatorCommandLine {
    static let usage = """
        usage: flatnet <command>

        As a CNI plugin, flatnet is run by a container runtime with CNI_COMMAND set
        (ADD, DEL, CHECK, STATUS, GC, VERSION) and the network configuration on stdin.

        Commands for operators:
          version     print flatnet's version and the CNI versions it supports
          help        print this text (also --help, -h)

        Exit status: 0 success, 2 usage error.
        """

    /// Runs the command line; returns the process exit status.
    static func run(_ arguments: [String]) -> Int32 {
        switch arguments.first {
        case nil:
            StandardStreams.write(FlatnetBuild.about + "\n\n" + usage + "\n", to: 2)
            return 0
        case "help", "--help", "-h":
            StandardStreams.write(usage + "\n", to: 1)
            return 0
        case "version", "--version":
            StandardStreams.write(FlatnetBuild.about + "\n", to: 1)
            return 0
        case let command?:
            StandardStreams.write("flatnet: unknown command \"\(command)\"\n\n" + usage + "\n", to: 2)
            return 2
        }
    }
}
