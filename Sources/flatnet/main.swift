// flatnet's entry point. Synchronous and single-threaded on purpose: setns(2) moves
// only the calling thread, so no async code, no Dispatch (PLATFORM-NOTES).
import FlatnetCore
import FlatnetSystem
import Glibc

let environment = ProcessEnvironment.current()
let arguments = Array(CommandLine.arguments.dropFirst())

if environment["CNI_COMMAND"] == nil {
    exit(OperatorCommandLine.run(arguments))
}

let dispatcher = Dispatcher(backend: PendingBackend())
let output = dispatcher.run(environment: environment) {
    // VERSION from a terminal: nothing was piped, so do not wait for input.
    if environment["CNI_COMMAND"] == "VERSION" && StandardStreams.inputIsTerminal { return [] }
    return try StandardStreams.readAllInput()
}
StandardStreams.write(output.stdout, to: 1)
exit(output.exitStatus)
