import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// Issue 12, section 5: input accepted until now that must be refused, before anything
/// changes, always as a JSON error on stdout (never a signal).
@Suite("Refused input (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged && TestHost.binary != nil, "run scripts/test.sh"), .serialized)
struct RefusedInputTests {
    @Test("a bridge that carries host addresses (docker0) is refused as the flat bridge, and the uplink stays out of it")
    func hostBridgeRefused() throws {
        let topology = try Topology()
        try topology.metadata(on: "hA")
        _ = try topology.container("c1")
        let config = topology.flatA(host: "hA").setting("bridge", to: .string("docker0"))
        let add = try topology.flatnet("ADD", host: "hA", container: "c1", config: config)
        #expect(add.code == 108 && add.outcome.stdout.contains("docker0"), "\(add.outcome.stdout)")
        #expect(try !topology.bridgePorts(host: "hA", bridge: "docker0").contains("eth1"), "the uplink was not bridged into docker0")
        #expect(try !topology.ip("c1", "-br", "link").contains("eth0"))
    }

    @Test("a flat bridge that gets a host address after setup is reported by doctor, CHECK and STATUS")
    func bridgeGetsAnAddress() throws {
        let topology = try Topology()
        _ = try topology.container("c1")
        let config = topology.flatA(host: "hA")
        let add = try topology.flatnet("ADD", host: "hA", container: "c1", config: config)
        #expect(add.status == 0)
        try topology.shell("hA", "ip addr add 10.43.9.9/16 dev br-flat-a")
        #expect(try topology.ping(from: "rt", "10.43.9.9"), "control: the host is now on the segment")
        let doctor = try topology.operatorCommand(host: "hA", "doctor", "--conf", try topology.write(config, as: "flat-a.json"))
        #expect(doctor.status == 1 && doctor.unwrappedStdout.contains("carries host addresses (10.43.9.9/16)"), "\(doctor.stdout)")
        let check = try topology.flatnet("CHECK", host: "hA", container: "c1", config: config.setting("prevResult", to: add.reply))
        #expect(check.code == 106 && check.outcome.stdout.contains("10.43.9.9"), "\(check.outcome.stdout)")
        let status = try topology.flatnet("STATUS", host: "hA", container: "", config: config)
        #expect(status.code == 51 && status.outcome.stdout.contains("10.43.9.9"), "\(status.outcome.stdout)")
    }

    @Test("CNI_NETNS naming the plugin's own network namespace is refused before anything changes")
    func ownNamespaceRefused() throws {
        let topology = try Topology()
        let config = topology.flatA(host: "hA")
        let before = try topology.ip("hA", "-4", "addr") + topology.ip("hA", "route")
        let environment = ["CNI_COMMAND": "ADD", "CNI_CONTAINERID": "self", "CNI_NETNS": "/proc/self/ns/net",
                           "CNI_IFNAME": "eth9", "CNI_PATH": "/usr/lib/cni"]
        let add = PluginCall(outcome: try ProcessRunner.run(["/usr/sbin/ip", "netns", "exec", topology.namespace("hA"), TestHost.binary!],
                                                            environment: environment, stdin: config.serialized()))
        #expect(add.code == 4 && add.outcome.stdout.contains("CNI_NETNS"), "\(add.outcome.stdout)")
        #expect(try topology.ip("hA", "-4", "addr") + topology.ip("hA", "route") == before, "no address, no route on the host")
        #expect(try topology.link("br-flat-a", on: "hA") == nil && topology.leases(host: "hA", network: "flat-a").isEmpty)
    }

    @Test("a non-ASCII uplink with a VLAN ends in a JSON error for ADD, plan and netconf validate, never a signal")
    func nonASCIIUplink() throws {
        let topology = try Topology()
        _ = try topology.container("c1")
        let config = topology.flatA(host: "hA").setting("uplink", to: .string("aéééééé")).setting("vlan", to: .number(100))
        let add = try topology.flatnet("ADD", host: "hA", container: "c1", config: config)
        #expect(add.status == 1 && add.code != nil, "ADD: status \(add.status), stdout \(add.outcome.stdout)")
        let file = try topology.write(config, as: "vlan.json")
        for command in [["plan", "--conf", file], ["netconf", "validate", file]] {
            let outcome = try topology.operatorCommand(host: "hA", command)
            #expect(outcome.status == 0 || outcome.status == 1, "\(command): status \(outcome.status) \(outcome.stderr)")
        }
    }

    @Test("dataDir under /proc is refused as a configuration error naming the field, not an internal error")
    func dataDirUnderProc() throws {
        let topology = try Topology()
        _ = try topology.container("c1")
        let config = topology.flatA(host: "hA").setting("ipam.dataDir", to: .string("/proc/flatnet"))
        let add = try topology.flatnet("ADD", host: "hA", container: "c1", config: config)
        #expect(add.code == 7 && add.outcome.stdout.contains("ipam.dataDir"), "\(add.outcome.stdout)")
    }

    @Test("a foreign state directory is refused without a lock file written into it")
    func foreignDirectoryUntouched() throws {
        let topology = try Topology()
        _ = try topology.container("c1")
        let directory = "\(topology.stateDirectory)/hA/flat-a"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "10.43.1.2\n".write(toFile: directory + "/last_reserved_ip.0", atomically: true, encoding: .utf8)
        let add = try topology.flatnet("ADD", host: "hA", container: "c1", config: topology.flatA(host: "hA"))
        #expect(add.code == 104, "\(add.outcome.stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["last_reserved_ip.0"], "nothing written")
    }

    @Test("an unreadable lease at the next address: ADD skips it; doctor, ipam list (exit 1) and STATUS report it")
    func unreadableLease() throws {
        let topology = try Topology()
        for name in ["c1", "c2"] { _ = try topology.container(name) }
        let config = topology.flatA(host: "hA")
        #expect(try topology.flatnet("ADD", host: "hA", container: "c1", config: config).address == "10.43.1.2")
        let corrupt = "\(topology.stateDirectory)/hA/flat-a/addresses/10.43.1.3"
        try "garbage".write(toFile: corrupt, atomically: true, encoding: .utf8)
        let add = try topology.flatnet("ADD", host: "hA", container: "c2", config: config)
        #expect(add.status == 0 && add.address == "10.43.1.4", "the unreadable lease is held, not handed out: \(add.outcome.stdout)")
        let file = try topology.write(config, as: "flat-a.json")
        let list = try topology.operatorCommand(host: "hA", "ipam", "list", "--conf", file)
        #expect(list.status == 1 && list.stdout.contains("10.43.1.3"), "\(list.stdout) \(list.stderr)")
        let doctor = try topology.operatorCommand(host: "hA", "doctor", "--conf", file)
        #expect(doctor.status == 1 && doctor.stdout.contains("10.43.1.3"), "\(doctor.stdout)")
        let status = try topology.flatnet("STATUS", host: "hA", container: "", config: config)
        #expect(status.code == 51 && status.outcome.stdout.contains("10.43.1.3"), "\(status.outcome.stdout)")
    }
}
