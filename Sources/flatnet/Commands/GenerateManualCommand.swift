import ArgumentParser
import FlatnetCore
import FlatnetSystem

/// `flatnet generate-manual` (hidden): the man page flatnet(1), roff on stdout, written
/// from the parser's own definitions (`_dumpHelp`, the JSON `--experimental-dump-help`
/// prints), so every command and option in it is one the binary takes. The packaging
/// script installs its output; `man -l` shows it.
struct GenerateManualCommand: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-manual",
        abstract: "Print the man page flatnet(1) (roff) on stdout.",
        shouldDisplay: false)

    func execute() throws -> CommandOutcome {
        let tool = try CommandDocumentation(toolInfo: try JSONValue.parse(FlatnetCommand._dumpHelp()))
        let report = BuildFacts.report
        let date = report.buildDate == "unknown" ? "" : String(report.buildDate.prefix(10))
        let page = ManualPage(tool: tool, source: "flatnet \(report.version)", date: date,
                              sections: Self.sections, seeAlso: [("ip", 8), ("ebtables", 8), ("nft", 8)])
        return .init(output: page.roff())
    }

    /// What the parser does not know: exit statuses, environment, files.
    static let sections = [
        ManualPage.Section(title: "Exit status", entries: [
            ("0", "Success; doctor found no problem; every file validated."),
            ("1", "The command failed (the reason on stderr), or found problems: doctor, ipam list, "
                + "netconf validate, repair (a problem it owns is still there), who (no one held the "
                + "address, or the log cannot tell). A non-root run of a command that needs root "
                + "exits 1 too."),
            ("2", "Usage error: an unknown command or option, a missing or malformed value, a stray "
                + "argument. One line on stderr says what, a second which --help to read."),
            ("3", "doctor: nothing of the network is on this host yet (no ADD has run here); one "
                + "line says so and names the repair command."),
        ]),
        ManualPage.Section(title: "Environment", entries: [
            ("CNI_COMMAND", "Set (ADD, DEL, CHECK, STATUS, GC, VERSION): flatnet is the CNI plugin, reads "
                + "the network configuration on stdin and answers on stdout; the operator commands "
                + "are not reachable. Unset: the operator commands."),
            ("CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME, CNI_ARGS, CNI_PATH",
             "The CNI plugin's parameters, as the CNI specification defines them."),
            ("FLATNET_LOCK_TIMEOUT_MS", "How long the plugin waits for the pool lock (milliseconds) "
                + "before it answers CNI error 11 (try again later)."),
        ]),
        ManualPage.Section(title: "Files", entries: [
            ("/var/lib/cni/flatnet", "The address pools (one directory per network, or the netconf's "
                + "ipam dataDir): leases and the pool lock."),
            ("/run/flatnet", "Host setup locks, readiness stamps, the record of what setup created, "
                + "and claims on host names; gone at reboot, rebuilt by the next ADD or setup."),
            ("/var/log/flatnet/audit.log", "The audit log's default place: one JSON line per CNI verb."),
            ("/usr/local/share/flatnet/netconf, /usr/share/flatnet/netconf", "The installed catalog "
                + "(scripts/install.sh's, then the Debian package's) that netconf render and validate "
                + "read when there is no ./netconf and no --catalog."),
        ]),
    ]
}
