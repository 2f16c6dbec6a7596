// flatnet's entry point. Synchronous and single-threaded on purpose: setns(2) moves
// only the calling thread, so no async code, no Dispatch (PLATFORM-NOTES).
//
// One binary, two plugins: run as `flatnet` it is the network plugin; run as
// `flatnet-ipam` (a link to the same file) it is the standalone IPAM plugin.
import FlatnetCore
import FlatnetSystem
import Glibc

// A delegated plugin may exit without reading its stdin, and a runtime may close our
// stdout early: either must surface as an error, not kill flatnet with SIGPIPE.
signal(SIGPIPE, SIG_IGN)

let environment = ProcessEnvironment.current()
let arguments = Array(CommandLine.arguments.dropFirst())
let programName = CommandLine.arguments.first.map { $0.split(separator: "/").last.map(String.init) ?? $0 }
    ?? "flatnet"

if environment["CNI_COMMAND"] == nil {
    exit(OperatorCommandLine.run(arguments))
}

let lockTimeout = environment["FLATNET_LOCK_TIMEOUT_MS"].flatMap { Int($0) }.map { max(0, $0) }
    ?? PoolIPAM.defaultLockTimeoutMilliseconds
let backend: any PluginBackend = programName == "flatnet-ipam"
    ? IPAMPluginBackend(lockTimeoutMilliseconds: lockTimeout)
    : FlatnetBackend(environment: environment, lockTimeoutMilliseconds: lockTimeout)
let (startTime, started) = (AuditTrail.now(), MonotonicClock.microseconds())
var stdin: JSONValue?
let output = Dispatcher(backend: backend).run(environment: environment, readStdin: {
    // VERSION from a terminal: nothing was piped, so do not wait for input.
    if environment["CNI_COMMAND"] == "VERSION" && StandardStreams.inputIsTerminal { return [] }
    return try StandardStreams.readAllInput()
}, document: { stdin = $0 })
// The audit line (README "Audit log"); written before the result, so that a runtime that
// saw the result can rely on the line being there.
if AuditRecord.isAudited(environment) {
    AuditTrail.record(AuditRecord.Call(
        plugin: programName, environment: environment, stdin: stdin,
        output: output, time: startTime, durationMicroseconds: MonotonicClock.microseconds() - started))
}
do {
    try StandardStreams.write(output.stdout, to: 1)
} catch {
    // The runtime never saw the result (or the error object): it must not read exit 0
    // as an ADD that succeeded. CNI error codes live in the JSON, which could not be
    // written, so the exit status is all that is left.
    StandardStreams.writeDiagnostic("flatnet: cannot write the result to stdout: \(error)\n")
    exit(1)
}
exit(output.exitStatus)
