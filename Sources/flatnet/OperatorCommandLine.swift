import FlatnetCore
import FlatnetSystem

/// `flatnet` run by a person: arguments and no CNI_COMMAND in the environment.
enum OperatorCommandLine {
    static let usage = """
        usage: flatnet <command> [options]

        As a CNI plugin, flatnet is run by a container runtime with CNI_COMMAND set
        (ADD, DEL, CHECK, STATUS, GC, VERSION) and the network configuration on stdin.

        Commands for operators (FILE is a conflist or a flatnet plugin object):
          plan --conf FILE [--container ID] [--netns PATH] [--ifname NAME] [--json]
                      the dry run: every step ADD would take on this host, in order,
                      each with its ip/ebtables/nft equivalent, and the address IPAM would
                      hand out (read from the pool's state, written nowhere). Changes
                      nothing; uses the same planner as ADD.
          rules --conf FILE [--format commands|restore|nft]
                      the network's ebtables rules and port security table: shell
                      commands to review and paste (both), a batch for
                      ebtables-restore --noflush, or a script for nft -f -
          doctor --conf FILE [--json]
                      live state against expected: bridge, uplink, MTUs, link pair,
                      reserved address, every ebtables rule (with packet counters),
                      bridge ports that are not the network's, container veths cut
                      off from the bridge or on an old MTU, leases without a
                      container, unreadable leases, addresses in use without a lease,
                      duplicates, the port security table and every container's
                      elements, with its dropped-frame count; each problem with a
                      fix, a command (often flatnet repair --conf FILE). Containers
                      are found from the host side. Exit 0 when healthy, 1 when it
                      found problems, 3 when nothing of the network is on this host
                      yet (then one line says so).
          ipam list --conf FILE [--json]
                      the pool's leases: address, container, ifname, age; exit 1 when
                      some lease cannot be read (named as a problem). Before the first
                      address is handed out here, a line says there is no state
                      directory yet (usage and doctor say it too)
          ipam usage --conf FILE [--json]
                      per range: addresses held of those it can hand out, with a bar
          ipam release --conf FILE (--container ID [--ifname NAME] | --address IP)
                       [--dry-run]
                      release one lease by owner or by address, and say what
                      happened: released (and whose it was), not held (exit 0), or
                      an address outside the subnet (exit 1)
          ipam gc --conf FILE [--live ID,ID,...] [--dry-run]
                      release leases whose container's host veth is gone from this
                      host (and, with --live, whose container id is not listed); an
                      address whose veth exists is in use and is never released.
                      Decided under the pool lock, safe while ADDs run.
          netconf render --template conflist|multus-nad|fleet --answers FILE
                         [--set key=value ...] [--host NAME [--output DIR]] [--catalog DIR]
                      render a catalog template from typed answers (see
                      netconf/questions.json); a fleet answers file renders per host:
                      a JSON object by network name, or with --output DIR one
                      DIR/<network>.conflist per network
          netconf validate FILE... [--catalog DIR]
                      validate conflists, plugin objects, NetworkAttachmentDefinitions
                      and fleet answers files (ranges overlapping across hosts, shared
                      bridges, VLANs, reserved addresses or derived names on a host);
                      network files given together are checked as one host's networks.
                      Only fleet files need the catalog. An answers file is named as
                      one, with the render command for it (exit 1)
          repair --conf FILE [--dry-run]
                      run the network's host setup now, as the next ADD would: it
                      sets up a host no ADD reached and repairs what drifted (a
                      re-created docker0, a deleted bridge, flushed rules, a changed
                      uplink or MTU); prints what it repaired and the problems it
                      leaves (with their fixes). Exit 1 when a problem host setup
                      owns remains. --dry-run: what it would repair. `setup` is the
                      same command.
          teardown --conf FILE [--force] [--dry-run]
                      remove the network's host setup from this host: the link veth
                      pair to the docker bridge, the reserved address, its ebtables
                      chains, its port security table, and the bridge and VLAN interface if flatnet created
                      them. Refuses while containers are attached; --force removes
                      them first (veth and lease), naming each.
          version     print flatnet's version and the CNI versions it supports
          help        print this text (also --help, -h)

        Unknown options and stray arguments are usage errors. --dry-run prints
        "would ..." lines and changes nothing.
        Exit status: 0 success, 1 the command failed or found problems (the reason
        on stderr), 2 usage error.
        """

    /// What one command printed, and the exit status it asks for (0, or 1 for "found
    /// problems" when it ran fine: doctor, netconf validate, ipam list).
    struct Outcome {
        var output: String
        var status: Int32 = 0
    }

    /// Runs the command line; returns the process exit status.
    static func run(_ arguments: [String]) -> Int32 {
        switch arguments.first {
        case nil:
            StandardStreams.writeDiagnostic(FlatnetBuild.about + "\n\n" + usage + "\n")
            return 0
        case "help", "--help", "-h":
            return output(usage + "\n", status: 0)
        case "version", "--version":
            return output(FlatnetBuild.about + "\n", status: 0)
        case let command?:
            // One usage text covers every command, so `flatnet COMMAND --help` prints it too.
            if arguments.contains("--help") || arguments.contains("-h") {
                return output(usage + "\n", status: 0)
            }
            return run(command, Array(arguments.dropFirst()))
        }
    }

    static func run(_ command: String, _ arguments: [String]) -> Int32 {
        do {
            let outcome: Outcome
            switch command {
            case "plan", "rules": outcome = try PlanCommand.run(command, arguments)
            case "doctor": outcome = try DoctorCommand.run(arguments)
            case "ipam": outcome = try IPAMCommand.run(arguments)
            case "netconf": outcome = try NetconfCommand.run(arguments)
            case "teardown": outcome = try HostCommands.teardown(arguments)
            case "repair", "setup": outcome = try HostCommands.repair(arguments)
            default: throw UsageError("unknown command \"\(command.bounded(80))\"", command: "")
            }
            return output(outcome.output, status: outcome.status)
        } catch let error as UsageError {
            let help = error.command.isEmpty
                ? "flatnet --help" : "flatnet \(error.command.split(separator: " ")[0]) --help"
            StandardStreams.writeDiagnostic("flatnet: \(error.message)\ntry `\(help)`\n")
            return 2
        } catch {
            return failure(error)
        }
    }

    static func loadConfig(_ path: String) throws -> NetworkConfig {
        guard let text = try StateFiles.read(path) else {
            throw CNIError(.ioFailure, "cannot read \(path): no such file")
        }
        return try NetconfFile.load(text)
    }

    static func failure(_ error: any Error) -> Int32 {
        let cniError = CNIErrorMapping.cniError(for: error)
        let details = cniError.details.isEmpty ? "" : "\n  " + cniError.details
        StandardStreams.writeDiagnostic("flatnet: \(cniError.message)\(details)\n")
        return 1
    }

    /// Writes a command's output; `status`, or 1 when stdout refused it (a listing that
    /// did not arrive whole must not look like one that did).
    static func output(_ text: String, status: Int32) -> Int32 {
        do {
            try StandardStreams.write(text, to: 1)
            return status
        } catch {
            StandardStreams.writeDiagnostic("flatnet: cannot write to stdout: \(error)\n")
            return 1
        }
    }
}
