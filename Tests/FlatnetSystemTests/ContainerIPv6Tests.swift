import FlatnetCore
@testable import FlatnetSystem
import FlatnetTestSupport
import Foundation
import Testing

/// The container end's IPv6 wrappers, on a veth pair in a namespace of the test's own.
@Suite("Container IPv6: addresses without DAD, autoconfiguration limited (root, throwaway netns)",
       .enabled(if: TestHost.canRunPrivileged, Comment(rawValue: TestHost.privilegedSkipReason)), .serialized)
struct ContainerIPv6Tests {
    /// A namespace holding a veth pair, eth0 and eth1 (up: a carrier, so DAD runs), deleted
    /// with this object. `sysctls` are set in it before the pair exists.
    final class Pair {
        let namespace = "flt-6-" + ProcessRunner.uniqueSuffix()

        init(sysctls: [String] = []) throws {
            try ProcessRunner.ip("netns", "add", namespace)
            if !sysctls.isEmpty { try run(["sysctl", "-qw"] + sysctls) }
            try ProcessRunner.ip("-n", namespace, "link", "add", "eth0", "type", "veth", "peer", "name", "eth1")
        }

        deinit { try? ProcessRunner.ip("netns", "del", namespace) }

        func file() throws -> NamespaceFile { try NamespaceFile(path: "/run/netns/" + namespace) }

        @discardableResult
        func run(_ argv: [String]) throws -> String {
            let outcome = try ProcessRunner.run(["/usr/sbin/ip", "netns", "exec", namespace] + argv,
                                                environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"])
            guard outcome.status == 0 else { throw CommandFailed(argv: argv, stderr: outcome.stderr) }
            return outcome.stdout
        }

        func up() throws {
            for name in ["eth0", "eth1"] { try ProcessRunner.ip("-n", namespace, "link", "set", name, "up") }
        }
    }

    @Test("an IPv6 address added without DAD is never tentative; with DAD (the control) it is")
    func noDAD() throws {
        let pair = try Pair()
        try pair.up()
        let socket = try pair.file().openSocket()
        let index = try #require(try socket.link(named: "eth0")).index
        try socket.addAddress(try #require(IPPrefix("2001:db8:43::1:5/64")), interfaceIndex: index,
                              duplicateAddressDetection: false)
        try socket.addAddress(try #require(IPPrefix("2001:db8:43::1:6/64")), interfaceIndex: index)
        let tentative = try pair.run(["ip", "-6", "-o", "addr", "show", "dev", "eth0", "tentative"])
        #expect(!tentative.contains("2001:db8:43::1:5/64"), "\(tentative)")
        #expect(tentative.contains("2001:db8:43::1:6/64"), "control: DAD runs here: \(tentative)")
    }

    @Test("accept_ra and addr_gen_mode are set in the namespace entered, on the interface named: nowhere else")
    func autoconfiguration() throws {
        // The namespace's default makes random link-locals: the interface must not.
        let pair = try Pair(sysctls: ["net.ipv6.conf.default.addr_gen_mode=3"])
        try pair.file().withEntered {
            try InterfaceSysctl.limitAutoconfiguration(on: try InterfaceName(validating: "eth0"))
        }
        let read = { (key: String) in try pair.run(["sysctl", "-n", key]).trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(try read("net.ipv6.conf.eth0.accept_ra") == "0" && read("net.ipv6.conf.eth0.addr_gen_mode") == "0")
        #expect(try read("net.ipv6.conf.eth1.accept_ra") == "1" && read("net.ipv6.conf.eth1.addr_gen_mode") == "3",
                "control: the other interface keeps the namespace's defaults")
        try pair.up()
        let mac = try #require(MACAddress(try pair.run(["cat", "/sys/class/net/eth0/address"])
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        let linkLocal = try pair.run(["ip", "-6", "-o", "addr", "show", "dev", "eth0", "scope", "link"])
        #expect(linkLocal.contains("\(IPAddress.v6(mac.linkLocalIPv6))/64"), "EUI-64 of \(mac): \(linkLocal)")
    }
}

struct CommandFailed: Error {
    let argv: [String]
    let stderr: String
}
