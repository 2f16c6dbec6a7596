import ArgumentParser
import FlatnetCore
import FlatnetSystem
import Glibc

/// `flatnet install`: what the Kubernetes DaemonSet runs on every node
/// (deploy/kubernetes/flatnet.yaml, docs/kubernetes.md). The static binary installs
/// itself, so the image needs no shell.
struct InstallCommand: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Put the plugin and this node's conflists in place.",
        usage: """
            flatnet install --answers <file> [--node <name>] [--root <dir>] [--bin-dir <dir>] \
            [--conf-dir <dir>] [--order <NN>] [--catalog <dir>] [--every <seconds>]
            """,
        discussion: """
            Copies this binary to ROOT/BIN-DIR/flatnet (and links flatnet-ipam to it), renders \
            the node's networks into ROOT/CONF-DIR/NN-<network>.conflist (from a fleet answers file, \
            or one network's answers with per-node ranges or the cluster store), \
            and writes the node name to ROOT/etc/flatnet/nodename. Everything is checked before \
            anything is written: a node the answers do not name, or a file in the way that \
            flatnet install did not write, is refused. Each file is replaced by rename, never \
            rewritten in place; one already as planned is left alone, so running it again \
            changes nothing, and after an edit of the answers it converges (a network taken \
            out loses its conflist). What it wrote is listed in ROOT/etc/flatnet/install-manifest, \
            which `flatnet uninstall` reads. With --every it stays, converging again every SECONDS \
            (so an edited ConfigMap or a deleted file is put right) and printing only changes; \
            any failure ends it with exit 1, and what was in place stays.
            """)

    @OptionGroup var root: InstallRootOption
    @Option(help: ArgumentHelp("The fleet answers file (the ConfigMap's), or one network's with nodes"
                               + " or storeEndpoints.", valueName: "file"))
    var answers: String
    @Option(help: ArgumentHelp("This node's name as the answers spell it; default: $NODE_NAME.",
                               valueName: "name"))
    var node: String?
    @Option(name: .customLong("bin-dir"),
            help: ArgumentHelp("The CNI plugin directory, under ROOT.", valueName: "dir"))
    var binDirectory = "opt/cni/bin"
    @Option(name: .customLong("conf-dir"),
            help: ArgumentHelp("The CNI configuration directory, under ROOT.", valueName: "dir"))
    var confDirectory = "etc/cni/net.d"
    @Option(help: ArgumentHelp("Two digits that start each conflist's file name; runtimes take the"
                               + " first file in name order as the default network.", valueName: "NN"))
    var order = "90"
    @Option(help: NetconfCommand.catalogHelp)
    var catalog: String?
    @Option(help: ArgumentHelp("Stay, and converge again every SECONDS (the DaemonSet's container).",
                               valueName: "seconds"))
    var every: Int?

    func validate() throws {
        guard order.count == 2, order.allSatisfy(\.isASCII), order.allSatisfy(\.isNumber) else {
            throw ValidationError("--order \(order.bounded(20)): expected two digits (00-99)")
        }
        if let every, !(1...86400).contains(every) {
            throw ValidationError("--every \(every): expected 1-86400 seconds")
        }
        for (option, value) in [("--bin-dir", binDirectory), ("--conf-dir", confDirectory)] {
            if let problem = InstallPath.problem(InstallPath.relative(value)) {
                throw ValidationError("\(option) \(value.bounded(80)): \(problem)")
            }
        }
    }

    func execute() throws -> CommandOutcome {
        let first = try installOnce()
        guard let every else { return .init(output: first.text) }
        try StandardStreams.write(first.text, to: 1)
        while true {
            sleep(UInt32(every))
            let report = try installOnce()
            if report.changed { try StandardStreams.write(report.text, to: 1) }
        }
    }

    func installOnce() throws -> InstallReport {
        let node = try nodeName()
        let networks = try NodeNetworks.render(answers: answers, node: node, catalogDirectory: catalog)
        guard let binary = try InstallFiles.readBytes("/proc/self/exe") else {
            throw CNIError(.ioFailure, "cannot read this program's binary (/proc/self/exe)")
        }
        let layout = InstallPlan.Layout(binDirectory: InstallPath.relative(binDirectory),
                                        confDirectory: InstallPath.relative(confDirectory), order: order)
        let plan = InstallPlan(layout: layout, binary: binary, node: node, networks: networks)
        return try Installer(root: root.path).install(plan)
    }

    /// --node, else NODE_NAME (the DaemonSet sets it from spec.nodeName).
    func nodeName() throws -> String {
        guard let name = node ?? ProcessEnvironment.current()["NODE_NAME"], !name.isEmpty else {
            throw UsageError("which node? give --node NAME or set NODE_NAME")
        }
        guard NodeIdentity.isValidName(name) else {
            throw UsageError("node name \"\(name.bounded(80))\": expected letters, digits, '-', '.', '_'")
        }
        return name
    }
}

/// `--root DIR`, which install and uninstall share.
struct InstallRootOption: ParsableArguments {
    @Option(name: .customLong("root"),
            help: ArgumentHelp("Where the node's file system is mounted (the DaemonSet's hostPath mounts).",
                               valueName: "dir"))
    var path = "/"
}
