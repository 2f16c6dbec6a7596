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
                      each with its ip/ebtables equivalent, and the address IPAM would
                      hand out (read from the pool's state, written nowhere). Changes
                      nothing; uses the same planner as ADD.
          rules --conf FILE [--format commands|restore]
                      the network's ebtables rules: shell commands to review and paste,
                      or a batch for ebtables-restore --noflush
          doctor --conf FILE [--json]
                      live state against expected: bridge, uplink, MTUs, link pair,
                      reserved address, every ebtables rule (with packet counters),
                      leases without a container, addresses in use without a lease,
                      duplicates; each problem with a one-line fix. Exit 0 when
                      healthy, 1 when it found problems.
          ipam list --conf FILE [--json]
                      the pool's leases: address, container, ifname, age
          ipam usage --conf FILE [--json]
                      per range: addresses held of those it can hand out, with a bar
          ipam release --conf FILE (--container ID [--ifname NAME] | --address IP)
                      release one lease by owner or by address
          ipam gc --conf FILE [--live ID,ID,...]
                      release leases whose container is gone: not in --live, or,
                      without it, whose host veth no longer exists on this host
          netconf render --template conflist|multus-nad|fleet --answers FILE
                         [--set key=value ...] [--host NAME [--output DIR]] [--catalog DIR]
                      render a catalog template from typed answers (see
                      netconf/questions.json); a fleet answers file renders per host:
                      a JSON object by network name, or with --output DIR one
                      DIR/<network>.conflist per network
          netconf validate FILE... [--catalog DIR]
                      validate conflists, plugin objects, NetworkAttachmentDefinitions
                      and fleet answers files (ranges overlapping across hosts, shared
                      bridges, VLANs or reserved addresses on a host, ...)
          teardown --conf FILE [--force]
                      remove the network's host setup from this host: its ebtables
                      chains, the link veth pair to the docker bridge, the reserved
                      address, and the bridge and VLAN interface if flatnet created
                      them. Refuses while containers are attached (--force removes
                      anyway).
          version     print flatnet's version and the CNI versions it supports
          help        print this text (also --help, -h)

        Exit status: 0 success, 1 the command failed (the reason on stderr),
        2 usage error.
        """

    /// Runs the command line; returns the process exit status.
    static func run(_ arguments: [String]) -> Int32 {
        // One usage text covers every command, so `flatnet COMMAND --help` prints it too.
        if arguments.count > 1 && (arguments.contains("--help") || arguments.contains("-h")) {
            StandardStreams.write(usage + "\n", to: 1)
            return 0
        }
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
        case "teardown":
            return teardown(Array(arguments.dropFirst()))
        case "netconf":
            do {
                let (output, healthy) = try NetconfCommand.run(Array(arguments.dropFirst()))
                StandardStreams.write(output, to: 1)
                return healthy ? 0 : 1
            } catch let error as CNIError where error.code == .invalidEnvironment {
                return usageError("netconf: \(error.message)")
            } catch {
                return failure(error)
            }
        case "doctor":
            return DoctorCommand.run(Array(arguments.dropFirst()))
        case "ipam":
            do {
                StandardStreams.write(try IPAMCommand.run(Array(arguments.dropFirst())), to: 1)
                return 0
            } catch let error as CNIError where error.code == .invalidEnvironment {
                return usageError("ipam: \(error.message)")
            } catch {
                return failure(error)
            }
        case "plan", "rules":
            return planOrRules(arguments[0], Array(arguments.dropFirst()))
        case let command?:
            return usageError("unknown command \"\(command)\"")
        }
    }

    static func teardown(_ arguments: [String]) -> Int32 {
        guard let index = arguments.firstIndex(of: "--conf"), index + 1 < arguments.count else {
            return usageError("teardown needs --conf FILE")
        }
        let unknown = arguments.enumerated().filter { $0.offset != index && $0.offset != index + 1 && $0.element != "--force" }
        guard unknown.isEmpty else { return usageError("teardown: unknown option \(unknown[0].element)") }
        do {
            let config = try loadConfig(arguments[index + 1])
            let removed = try HostTeardown(config: config, lockTimeoutMilliseconds: PoolIPAM.defaultLockTimeoutMilliseconds)
                .run(force: arguments.contains("--force"))
            let lines = removed.isEmpty ? ["nothing to remove for network \(config.name)"] : removed.map { "removed \($0)" }
            StandardStreams.write(lines.joined(separator: "\n") + "\n", to: 1)
            return 0
        } catch {
            return failure(error)
        }
    }

    static func planOrRules(_ command: String, _ arguments: [String]) -> Int32 {
        switch PlanCommand.parse(arguments) {
        case .failure(let error):
            return usageError("\(command): \(error.message)")
        case .success(let options):
            do {
                StandardStreams.write(try command == "plan" ? PlanCommand.plan(options) : PlanCommand.rules(options), to: 1)
                return 0
            } catch {
                return failure(error)
            }
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
        StandardStreams.write("flatnet: \(cniError.message)\(details)\n", to: 2)
        return 1
    }

    static func usageError(_ message: String) -> Int32 {
        StandardStreams.write("flatnet: \(message)\n\n" + usage + "\n", to: 2)
        return 2
    }
}
