import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// deploy/kubernetes: the manifests parse (python3-yaml), say what the installer needs,
/// and the DaemonSets' own command lines work against a scratch root. No cluster here:
/// what a kubelet would do with the volumes is mapped by hand (hostPath -> ROOT/path).
@Suite("Kubernetes manifests: parse, and their installer commands run", .enabled(if: TestHost.binary != nil,
                                                                                "set FLATNET_BINARY"))
struct DeployManifestTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// Every document of a YAML file, as JSON (python3-yaml's safe loader).
    static func documents(_ relative: String) throws -> [JSONValue] {
        let script = "import json, sys, yaml; print(json.dumps([d for d in yaml.safe_load_all(open(sys.argv[1])) if d]))"
        let outcome = try ProcessRunner.run(["/usr/bin/python3", "-c", script, repository + "/" + relative])
        try #require(outcome.status == 0, "python3-yaml (Debian python3-yaml) must read \(relative): \(outcome.stderr)")
        return try #require(try JSONValue.parse(outcome.stdout).arrayValue)
    }

    static func object(_ documents: [JSONValue], kind: String) throws -> JSONValue {
        try #require(documents.first { $0["kind"] == .string(kind) }, "no \(kind)")
    }

    /// The pod's one container (install) or init container (uninstall).
    static func container(_ daemonSet: JSONValue, _ list: String) throws -> JSONValue {
        try #require(daemonSet["spec"]?["template"]?["spec"]?[list]?.arrayValue?.first)
    }

    /// The hostPath behind each /host/... mount: kubelet's view, so the test can map it.
    static func hostMounts(_ daemonSet: JSONValue, _ container: JSONValue) throws -> [String: String] {
        let volumes = daemonSet["spec"]?["template"]?["spec"]?["volumes"]?.arrayValue ?? []
        var mounts: [String: String] = [:]
        for mount in container["volumeMounts"]?.arrayValue ?? [] {
            let name = mount["name"]
            guard let path = mount["mountPath"]?.stringValue,
                  let hostPath = volumes.first(where: { $0["name"] == name })?["hostPath"]?["path"]?.stringValue
            else { continue }
            mounts[path] = hostPath
        }
        return mounts
    }

    @Test("flatnet.yaml: a ConfigMap holding the shipped fleet answers and a host-network DaemonSet, no RBAC")
    func installManifestShape() throws {
        let documents = try Self.documents("deploy/kubernetes/flatnet.yaml")
        #expect(documents.compactMap { $0["kind"]?.stringValue } == ["ConfigMap", "DaemonSet"])
        let answers = try #require(try Self.object(documents, kind: "ConfigMap")["data"]?["fleet.answers.json"]?
            .stringValue)
        let shipped = try String(contentsOfFile: Self.repository + "/netconf/examples/fleet.answers.json",
                                 encoding: .utf8)
        #expect(try JSONValue.parse(answers) == JSONValue.parse(shipped))
        let daemonSet = try Self.object(documents, kind: "DaemonSet")
        let pod = try #require(daemonSet["spec"]?["template"]?["spec"])
        #expect(pod["hostNetwork"] == .bool(true) && pod["automountServiceAccountToken"] == .bool(false))
        let container = try Self.container(daemonSet, "containers")
        let nodeName = container["env"]?.arrayValue?.first { $0["name"] == .string("NODE_NAME") }
        #expect(nodeName?["valueFrom"]?["fieldRef"]?["fieldPath"] == .string("spec.nodeName"))
        #expect(try Self.hostMounts(daemonSet, container) == [
            "/host/opt/cni/bin": "/opt/cni/bin", "/host/etc/cni/net.d": "/etc/cni/net.d",
            "/host/etc/flatnet": "/etc/flatnet",
        ])
        let uninstall = try Self.object(try Self.documents("deploy/kubernetes/flatnet-uninstall.yaml"), kind: "DaemonSet")
        #expect(try Self.hostMounts(uninstall, try Self.container(uninstall, "initContainers"))
            == (try Self.hostMounts(daemonSet, container)))
    }

    /// A manifest's command with the container's paths mapped onto the scratch root and
    /// the repository (`/host` -> ROOT, the image's catalog -> netconf/), `--every` left out.
    static func mapped(_ command: [String], root: String, answers: String) -> [String] {
        var arguments: [String] = [TestHost.binary!]
        var index = 1
        while index < command.count {
            let word = command[index]
            if word == "--every" { index += 2; continue }
            arguments.append(word == "/host" ? root
                : word.hasPrefix("/etc/flatnet-fleet/") ? answers
                : word == "/usr/share/flatnet/netconf" ? repository + "/netconf" : word)
            index += 1
        }
        return arguments
    }

    @Test("the DaemonSet's command installs the ConfigMap's networks for NODE_NAME; flatnet-uninstall's undoes it")
    func commandsRun() throws {
        let documents = try Self.documents("deploy/kubernetes/flatnet.yaml")
        let root = NSTemporaryDirectory() + "flatnet-deploy-" + ProcessRunner.uniqueSuffix()
        try FileManager.default.createDirectory(atPath: root + "/etc/cni/net.d", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let answers = root + ".answers.json"
        let data = try Self.object(documents, kind: "ConfigMap")["data"]?["fleet.answers.json"]?.stringValue
        try Data(try #require(data).utf8).write(to: URL(fileURLWithPath: answers))
        defer { try? FileManager.default.removeItem(atPath: answers) }
        let before = try FileManager.default.subpathsOfDirectory(atPath: root).sorted()
        let install = try Self.container(try Self.object(documents, kind: "DaemonSet"), "containers")
        let command = (install["command"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(command.starts(with: ["/flatnet", "install"]) && command.contains("--every"))
        let installed = try ProcessRunner.run(Self.mapped(command, root: root, answers: answers),
                                              environment: ["NODE_NAME": "hostB"])
        #expect(installed.status == 0, "\(installed.stderr)")
        let golden = try String(contentsOfFile: Self.repository + "/netconf/examples/fleet/hostB/flat-b.conflist",
                                encoding: .utf8)
        #expect(FileManager.default.contents(atPath: root + "/etc/cni/net.d/90-flat-b.conflist") == Data(golden.utf8))
        #expect(FileManager.default.contents(atPath: root + "/etc/flatnet/nodename") == Data("hostB\n".utf8))
        let uninstallSet = try Self.object(try Self.documents("deploy/kubernetes/flatnet-uninstall.yaml"),
                                           kind: "DaemonSet")
        let uninstall = try Self.container(uninstallSet, "initContainers")
        let removal = (uninstall["command"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(removal.starts(with: ["/flatnet", "uninstall"]))
        let removed = try ProcessRunner.run(Self.mapped(removal, root: root, answers: answers))
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(try FileManager.default.subpathsOfDirectory(atPath: root).sorted() == before, "\(removed.stdout)")
    }
}
