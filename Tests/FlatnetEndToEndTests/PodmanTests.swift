import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// podman 4.3 with its CNI backend runs busybox containers on flatnet
/// (scripts/lib/podman_suite.sh does the podman side).
@Suite("podman runs containers on flatnet (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/podman"),
                "run scripts/test.sh (it installs podman)"), .serialized)
struct PodmanTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let suite = root.appendingPathComponent("scripts/lib/podman_suite.sh").path
    /// The suite runs these shipped conflists as they are (only their dataDir moves).
    static let examples = root.appendingPathComponent("netconf/examples").path

    static func shippedVersion(_ relative: String) throws -> String? {
        try JSONValue.parse(try String(contentsOfFile: examples + "/" + relative, encoding: .utf8))["cniVersion"]?.stringValue
    }

    @Test("two hosts on the shipped examples, their cniVersion unchanged: podman inspect shows the address, containers reach each other and their own host's metadata; rm leaves nothing")
    func podman() throws {
        let topology = try Topology()
        for host in ["hA", "hB"] { try topology.metadata(on: host) }
        let work = topology.stateDirectory + "/podman"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        // Output to a file, not a pipe: a container monitor that outlived a failure must not hang the test.
        let script = "mount --make-rprivate / && \(Self.suite) \(topology.prefix) \(TestHost.binary!) \(work) \(Self.examples)"
            + " > \(work)/out 2>&1"
        let outcome = try ProcessRunner.run(["/usr/bin/unshare", "--mount", "bash", "-c", script],
                                            environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
        let output = (try? String(contentsOfFile: work + "/out", encoding: .utf8)) ?? ""
        #expect(outcome.status == 0, "\(output)")
        let values = Dictionary(output.split(separator: "\n").compactMap { line -> (String, String)? in
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }, uniquingKeysWith: { $1 })
        #expect(values["conflist_version_a"] == (try Self.shippedVersion("flat-a.conflist")), "\(output)")
        #expect(values["conflist_version_b"] == (try Self.shippedVersion("fleet/hostB/flat-a.conflist")), "\(output)")
        #expect(values["inspect_a"] == "10.43.1.2" && values["inspect_b"] == "10.43.2.2", "\(output)")
        #expect(values["ping_a_to_b"] == "ok", "\(output)")
        #expect(values["metadata_a"] == "hA" && values["metadata_b"] == "hB", "\(output)")
        #expect(values["veths_after_a"] == "0" && values["leases_after_a"] == "0", "\(output)")
    }
}
