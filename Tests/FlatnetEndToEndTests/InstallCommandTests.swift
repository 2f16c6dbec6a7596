import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// `flatnet install` and `uninstall` (the Kubernetes DaemonSet's installer), run as the
/// built binary against a scratch root: no root privileges, nothing outside a temp dir.
@Suite("install and uninstall against a scratch root", .enabled(if: TestHost.binary != nil, "set FLATNET_BINARY"))
struct InstallCommandTests {
    static let netconf = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("netconf").path

    /// A fresh scratch root, removed when the test ends.
    final class ScratchRoot {
        let path: String

        init() throws {
            path = NSTemporaryDirectory() + "flatnet-install-" + ProcessRunner.uniqueSuffix()
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        }

        deinit { try? FileManager.default.removeItem(atPath: path) }

        func file(_ relative: String) -> String { path + "/" + relative }

        func write(_ relative: String, _ text: String) throws {
            let url = URL(fileURLWithPath: file(relative))
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }

        func read(_ relative: String) -> Data? { FileManager.default.contents(atPath: file(relative)) }

        /// Every path under the root with its type, size, mode and content digest: two equal
        /// listings mean nothing was added, removed or changed.
        func listing() throws -> [String] {
            let enumerator = try #require(FileManager.default.enumerator(atPath: path))
            var lines: [String] = []
            while let relative = enumerator.nextObject() as? String {
                var info = stat()
                _ = lstat(file(relative), &info)
                // Hasher over the whole buffer: a byte loop over the 17 MB binary takes
                // seconds in a debug build.
                var hasher = Hasher()
                read(relative)?.withUnsafeBytes { hasher.combine(bytes: $0) }
                lines.append("\(relative) mode=\(String(info.st_mode, radix: 8)) size=\(info.st_size)"
                    + " hash=\(hasher.finalize())")
            }
            return lines.sorted()
        }

        func inode(_ relative: String) -> UInt {
            var info = stat()
            _ = lstat(file(relative), &info)
            return UInt(info.st_ino)
        }
    }

    static func install(_ root: ScratchRoot, answers: String = netconf + "/examples/fleet.answers.json",
                        node: String? = "hostA", environment: [String: String] = [:],
                        extra: [String] = []) throws -> ProcessOutcome {
        let nodeArguments = node.map { ["--node", $0] } ?? []
        return try ProcessRunner.run([TestHost.binary!, "install", "--root", root.path, "--answers", answers,
                                      "--catalog", netconf] + nodeArguments + extra, environment: environment)
    }

    static func uninstall(_ root: ScratchRoot) throws -> ProcessOutcome {
        try ProcessRunner.run([TestHost.binary!, "uninstall", "--root", root.path])
    }

    static let planned = ["opt/cni/bin/flatnet", "opt/cni/bin/flatnet-ipam", "etc/cni/net.d/90-flat-a.conflist",
                          "etc/cni/net.d/90-flat-b.conflist", "etc/flatnet/nodename", "etc/flatnet/install-manifest"]

    @Test("a fresh install puts the binary, its flatnet-ipam link, the node's conflists and its name in place")
    func freshInstall() throws {
        let root = try ScratchRoot()
        let outcome = try Self.install(root)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let binary = try #require(FileManager.default.contents(atPath: TestHost.binary!))
        #expect(root.read("opt/cni/bin/flatnet") == binary)
        let attributes = try FileManager.default.attributesOfItem(atPath: root.file("opt/cni/bin/flatnet"))
        #expect((attributes[.posixPermissions] as? Int) == 0o755)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: root.file("opt/cni/bin/flatnet-ipam"))
            == "flatnet")
        for network in ["flat-a", "flat-b"] {
            // The same file `flatnet netconf render --host hostA --output DIR` writes.
            let golden = try String(contentsOfFile: Self.netconf + "/examples/fleet/hostA/\(network).conflist",
                                    encoding: .utf8)
            #expect(root.read("etc/cni/net.d/90-\(network).conflist") == Data(golden.utf8))
        }
        #expect(root.read("etc/flatnet/nodename") == Data("hostA\n".utf8))
        let listed = try root.listing().map { String($0.split(separator: " ")[0]) }
        #expect(Set(Self.planned).isSubset(of: Set(listed)), "\(listed)")
        #expect(listed.allSatisfy { !$0.contains(".flatnet-install") && !$0.contains(".tmp.") }, "no temp file left")
    }

    @Test("a temp file a killed run left beside a target is removed by the next run")
    func leftoverRemoved() throws {
        let root = try ScratchRoot()
        try root.write("etc/cni/net.d/.flatnet-install.1.x.90-flat-a.conflist", "{\"half\": ")
        #expect(try Self.install(root).status == 0)
        #expect(root.read("etc/cni/net.d/.flatnet-install.1.x.90-flat-a.conflist") == nil)
    }

    @Test("the node name comes from NODE_NAME when --node is not given; neither is a usage error")
    func nodeNameFromEnvironment() throws {
        let root = try ScratchRoot()
        let outcome = try Self.install(root, node: nil, environment: ["NODE_NAME": "hostB"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(root.read("etc/flatnet/nodename") == Data("hostB\n".utf8))
        let golden = try String(contentsOfFile: Self.netconf + "/examples/fleet/hostB/flat-a.conflist", encoding: .utf8)
        #expect(root.read("etc/cni/net.d/90-flat-a.conflist") == Data(golden.utf8))
        let other = try ScratchRoot()
        let missing = try Self.install(other, node: nil)
        #expect(missing.status == 2 && missing.stderr.contains("--node NAME or set NODE_NAME"), "\(missing.stderr)")
        #expect(try other.listing().isEmpty)
    }

    @Test("running it again changes nothing: same inodes, same manifest, every file reported up to date")
    func idempotent() throws {
        let root = try ScratchRoot()
        #expect(try Self.install(root).status == 0)
        let before = try root.listing()
        let inodes = Self.planned.map(root.inode)
        let again = try Self.install(root)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try root.listing() == before)
        #expect(Self.planned.map(root.inode) == inodes)
        #expect(again.stdout.split(separator: "\n").allSatisfy { $0.hasSuffix(")") && $0.contains("is up to date") },
                "\(again.stdout)")
    }

    @Test("a manifest naming another run's digest (two runs at once) is put right, so uninstall still removes all")
    func manifestRepaired() throws {
        let root = try ScratchRoot()
        #expect(try Self.install(root).status == 0)
        let manifest = String(decoding: try #require(root.read("etc/flatnet/install-manifest")), as: UTF8.self)
        let lines = manifest.split(separator: "\n").map { line in
            line.hasSuffix("90-flat-a.conflist") ? "file fnv1a64:0000000000000000 etc/cni/net.d/90-flat-a.conflist"
                : String(line)
        }
        try root.write("etc/flatnet/install-manifest", lines.joined(separator: "\n") + "\n")
        let again = try Self.install(root)
        #expect(again.status == 0 && again.stdout == "updated \(root.file("etc/flatnet/install-manifest"))\n",
                "\(again.stdout)")
        #expect(root.read("etc/flatnet/install-manifest") == Data(manifest.utf8))
        #expect(try Self.uninstall(root).status == 0)
        #expect(try root.listing().isEmpty)
    }

    @Test("an edit of the answers converges: a changed network is replaced, a removed one loses its conflist")
    func answersEditConverges() throws {
        let root = try ScratchRoot(), scratch = try ScratchRoot()
        #expect(try Self.install(root).status == 0)
        var fleet = try JSONValue.parse(try String(contentsOfFile: Self.netconf + "/examples/fleet.answers.json",
                                                   encoding: .utf8))
        var networks = try #require(fleet["networks"]?.arrayValue)
        networks.removeLast()  // flat-b
        networks[0] = networks[0].setting("answers.mtu", to: .number(9000))
        fleet = fleet.setting("networks", to: .array(networks))
        try scratch.write("fleet.json", fleet.prettyPrinted())
        let inode = root.inode("etc/cni/net.d/90-flat-a.conflist")
        let outcome = try Self.install(root, answers: scratch.file("fleet.json"))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(root.read("etc/cni/net.d/90-flat-b.conflist") == nil, "\(outcome.stdout)")
        #expect(outcome.stdout.contains("removed \(root.file("etc/cni/net.d/90-flat-b.conflist"))"))
        let conflist = try JSONValue.parse(String(decoding: try #require(root.read("etc/cni/net.d/90-flat-a.conflist")),
                                                  as: UTF8.self))
        #expect(conflist["plugins"]?.arrayValue?.first?["mtu"] == .number(9000))
        #expect(root.inode("etc/cni/net.d/90-flat-a.conflist") != inode, "replaced by rename, not rewritten")
        let manifest = String(decoding: try #require(root.read("etc/flatnet/install-manifest")), as: UTF8.self)
        #expect(!manifest.contains("flat-b") && manifest.contains("90-flat-a.conflist"), "\(manifest)")
    }

    @Test("refused before anything is written: a node the answers do not name, answers that overlap", arguments: [
        ("hostC", nil as String?, "node hostC is not in"),
        ("hostA", "10.43.1.200", "overlaps host hostA's range"),
    ])
    func refusedBeforeWriting(_ node: String, _ overlappingStart: String?, _ expected: String) throws {
        let root = try ScratchRoot(), scratch = try ScratchRoot()
        try root.write("etc/cni/net.d/10-other.conflist", "{}\n")
        var answers = Self.netconf + "/examples/fleet.answers.json"
        if let overlappingStart {
            let fleet = try JSONValue.parse(try String(contentsOfFile: answers, encoding: .utf8))
            var networks = try #require(fleet["networks"]?.arrayValue)
            var hosts = try #require(networks[0]["hosts"]?.arrayValue)
            hosts[1] = hosts[1].setting("rangeStart", to: .string(overlappingStart))
            networks[0] = networks[0].setting("hosts", to: .array(hosts))
            try scratch.write("fleet.json", fleet.setting("networks", to: .array(networks)).prettyPrinted())
            answers = scratch.file("fleet.json")
        }
        let before = try root.listing()
        let outcome = try Self.install(root, answers: answers, node: node)
        #expect(outcome.status == 1 && outcome.stderr.contains(expected), "\(outcome.stderr)")
        if overlappingStart == nil { #expect(outcome.stderr.contains("hosts there: hostA, hostB")) }
        #expect(try root.listing() == before)
    }

    @Test("one network's per-node answers: the same conflist for every node (the golden), this node's name")
    func perNodeAnswers() throws {
        let root = try ScratchRoot()
        let outcome = try Self.install(root, answers: Self.netconf + "/examples/flat-nodes.answers.json", node: "node-b")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let golden = try String(contentsOfFile: Self.netconf + "/examples/flat-nodes.conflist", encoding: .utf8)
        #expect(root.read("etc/cni/net.d/90-flat-nodes.conflist") == Data(golden.utf8))
        #expect(root.read("etc/flatnet/nodename") == Data("node-b\n".utf8))
    }

    @Test("one network's answers are refused, nothing written: a node not in nodes, or one range for every node",
          arguments: [("flat-nodes", "node-x", "node node-x is not in the nodes of", "nodes there: node-a, node-b, node-c"),
                      ("flat-a", "hostA", "gives every node the same ranges", "two nodes would hand out one address")])
    func sharedAnswersRefused(_ example: String, _ node: String, _ message: String, _ details: String) throws {
        let root = try ScratchRoot()
        let outcome = try Self.install(root, answers: Self.netconf + "/examples/\(example).answers.json", node: node)
        #expect(outcome.status == 1 && outcome.stderr.contains(message) && outcome.stderr.contains(details),
                "\(outcome.stderr)")
        #expect(try root.listing().isEmpty)
    }

    @Test("a file in the way that install did not write is refused by name, and nothing is written", arguments: [
        ("etc/cni/net.d/90-flat-b.conflist", "{\"name\": \"someone else's\"}\n"),
        ("opt/cni/bin/flatnet", "#!/bin/sh\n"),
    ])
    func foreignFileRefused(_ relative: String, _ content: String) throws {
        let root = try ScratchRoot()
        try root.write(relative, content)
        let before = try root.listing()
        let outcome = try Self.install(root)
        #expect(outcome.status == 1, "\(outcome.stdout)")
        #expect(outcome.stderr.contains("refusing to replace \(root.file(relative)): a file, not written by"
            + " flatnet install"), "\(outcome.stderr)")
        #expect(try root.listing() == before)
        #expect(root.read(relative) == Data(content.utf8))
    }

    @Test("a symlink in the way (as the Debian package's /opt/cni/bin/flatnet) is refused too")
    func foreignLinkRefused() throws {
        let root = try ScratchRoot()
        try FileManager.default.createDirectory(atPath: root.file("opt/cni/bin"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root.file("opt/cni/bin/flatnet"),
                                                   withDestinationPath: "/usr/lib/cni/flatnet")
        let before = try root.listing()
        let outcome = try Self.install(root)
        #expect(outcome.status == 1 && outcome.stderr.contains("a symlink to /usr/lib/cni/flatnet"), "\(outcome.stderr)")
        #expect(try root.listing() == before)
    }

    @Test("uninstall leaves the root exactly as it was before install, other files untouched")
    func uninstallRestores() throws {
        let root = try ScratchRoot()
        try root.write("etc/cni/net.d/10-other.conflist", "{\"name\": \"other\"}\n")
        try root.write("opt/cni/bin/bridge", "not flatnet's\n")
        let before = try root.listing()
        #expect(try Self.install(root).status == 0)
        #expect(try root.listing() != before)
        let outcome = try Self.uninstall(root)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(try root.listing() == before, "\(outcome.stdout)")
        let again = try Self.uninstall(root)
        #expect(again.status == 0 && again.stdout.hasPrefix("nothing to uninstall"), "\(again.stdout)")
    }

    @Test("uninstall keeps, and names, a file changed since install wrote it")
    func uninstallKeepsChanged() throws {
        let root = try ScratchRoot()
        #expect(try Self.install(root).status == 0)
        try root.write("etc/cni/net.d/90-flat-a.conflist", "{\"edited\": true}\n")
        let outcome = try Self.uninstall(root)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("kept \(root.file("etc/cni/net.d/90-flat-a.conflist")): a file, changed since"),
                "\(outcome.stdout)")
        let left = try root.listing().map { String($0.split(separator: " ")[0]) }
        #expect(left == ["etc", "etc/cni", "etc/cni/net.d", "etc/cni/net.d/90-flat-a.conflist"], "\(left)")
    }

    @Test("a new binary replaces the old one by rename: new inode, and an open descriptor still reads the old bytes")
    func binaryReplacedByRename() throws {
        let root = try ScratchRoot()
        #expect(try Self.install(root).status == 0)
        // An older build in place: install's own file, replaced by rename so that the
        // manifest still names it (a rewrite in place would fail with ETXTBSY if it ran).
        let binary = try #require(FileManager.default.contents(atPath: TestHost.binary!))
        let old = binary + Data("old".utf8)
        try old.write(to: URL(fileURLWithPath: root.file("opt/cni/bin/.old")))
        #expect(rename(root.file("opt/cni/bin/.old"), root.file("opt/cni/bin/flatnet")) == 0)
        let descriptor = open(root.file("opt/cni/bin/flatnet"), O_RDONLY)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        let inode = root.inode("opt/cni/bin/flatnet")
        let outcome = try Self.install(root)
        #expect(outcome.status == 0 && outcome.stdout.contains("installed \(root.file("opt/cni/bin/flatnet"))"),
                "\(outcome.stdout) \(outcome.stderr)")
        #expect(root.inode("opt/cni/bin/flatnet") != inode)
        #expect(root.read("opt/cni/bin/flatnet") == binary)
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
        #expect(handle.readDataToEndOfFile() == old, "the open file is the old one, whole")
    }

    @Test("--order and --conf-dir place the conflists; a bad --order is a usage error")
    func layoutOptions() throws {
        let root = try ScratchRoot()
        let outcome = try Self.install(root, extra: ["--order", "05", "--conf-dir", "/etc/cni/multus/net.d"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(root.read("etc/cni/multus/net.d/05-flat-a.conflist") != nil)
        let bad = try Self.install(try ScratchRoot(), extra: ["--order", "5"])
        #expect(bad.status == 2 && bad.stderr.contains("expected two digits"), "\(bad.stderr)")
        let escape = try Self.install(try ScratchRoot(), extra: ["--bin-dir", "opt/../../x"])
        #expect(escape.status == 2 && escape.stderr.contains("must not be empty or contain"), "\(escape.stderr)")
    }
}
