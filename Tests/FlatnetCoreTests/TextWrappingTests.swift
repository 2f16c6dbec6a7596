import FlatnetCore
import Testing

@Suite("human output wrapped to 80 columns")
struct TextWrappingTests {
    static let prose = "live state against expected: bridge, uplink, MTUs, link pair, reserved address, every"
        + " ebtables rule (with packet counters), bridge ports that are not the network's"

    @Test("prose breaks at spaces, no line past the width, continuation lines indented, no word lost")
    func prose() {
        let lines = TextWrapping.wrap(Self.prose, width: 40, indent: "    ")
        #expect(lines.count > 2)
        #expect(lines.allSatisfy { $0.count <= 40 }, "\(lines)")
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("    ") && !$0.hasPrefix("     ") })
        #expect(lines.joined(separator: " ").split(separator: " ") == Self.prose.split(separator: " "))
    }

    @Test("a line that fits is returned as it is, leading spaces kept")
    func fits() {
        #expect(TextWrapping.wrap("      fix: run flatnet setup", indent: "  ") == ["      fix: run flatnet setup"])
    }

    @Test("a word longer than the width stays whole on its own line")
    func longWord() {
        let id = String(repeating: "a", count: 64)
        #expect(TextWrapping.wrap("container \(id) is gone", width: 30) == ["container", id, "is gone"])
    }

    @Test("a usage line breaks between bracketed groups, never inside one")
    func usage() {
        let line = "USAGE: flatnet ipam release --conf <file> (--container <id> [--ifname <name>] | --address <ip>)"
            + " [--dry-run]"
        let lines = TextWrapping.wrapUsage(line, width: 60, indent: "         ")
        #expect(lines == ["USAGE: flatnet ipam release --conf <file>",
                          "         (--container <id> [--ifname <name>] | --address <ip>)",
                          "         [--dry-run]"])
    }

    static let command = "ip link add fv-flat-a-0123abcd mtu 1500 up type veth peer name eth0 mtu 1500"
        + " address 02:11:22:33:44:55 netns /run/netns/some-long-namespace-name"
        + " && sysctl -w net.ipv6.conf.fv-flat-a-0123abcd.disable_ipv6=1"

    @Test("a shell command wraps with backslash continuations that rejoin to the same command")
    func command() {
        let wrapped = TextWrapping.wrapCommand(Self.command, width: 60)
        let lines = wrapped.split(separator: "\n")
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.count <= 60 }, "\(lines)")
        #expect(lines.dropLast().allSatisfy { $0.hasSuffix(" \\") })
        // What sh does with backslash-newline: removes it; the indentation is word space.
        let rejoined = wrapped.replacingEvery(" \\\n    ", with: " ")
        #expect(rejoined == Self.command)
    }

    @Test("quoted text and a trailing comment are never split")
    func quotesAndComments() {
        let command = "ip link set br0 address \"$(cat /sys/class/net/br0/address with spaces)\" up"
            + "  # re-set the MAC: arp_notify announces 10.43.1.2 to every neighbour"
        let wrapped = TextWrapping.wrapCommand(command, width: 40)
        #expect(wrapped.contains("\"$(cat /sys/class/net/br0/address with spaces)\""))
        #expect(wrapped.contains("# re-set the MAC: arp_notify announces 10.43.1.2 to every neighbour"))
        #expect(!wrapped.split(separator: "\n").contains { $0.contains("#") && $0.hasSuffix("\\") },
                "a backslash inside a comment would not continue the line")
    }

    @Test("a here-document (nft's script) wraps too; its terminator stays alone on its line")
    func hereDocument() {
        let body = "add chain bridge flatnet_flat_a forward { type filter hook forward priority filter; policy accept; }"
        let script = "nft -f - <<'EOF'\n" + body + "\nEOF\nip link set br0 up"
        let wrapped = TextWrapping.wrapScript(script, width: 40)
        let lines = wrapped.split(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= 40 }, "\(lines)")
        #expect(lines.first == "nft -f - <<'EOF'" && lines.contains("EOF") && lines.last == "ip link set br0 up")
        #expect(wrapped.replacingEvery(" \\\n    ", with: " ") == script, "rejoins to the same script")
    }
}

extension String {
    func replacingEvery(_ target: String, with replacement: String) -> String {
        components(separatedBy: target).joined(separator: replacement)
    }
}

@Suite("text tables: aligned columns, long ids shortened to fit 80 columns")
struct TextTableTests {
    static let id = String(repeating: "0123456789abcdef", count: 4)

    @Test("columns two spaces apart, no trailing spaces")
    func rendered() {
        let table = TextTable(header: ["ADDRESS", "CONTAINER", "AGE"], rows: [["10.43.1.2", "c1", "5s"]])
        #expect(table.rendered() == "ADDRESS    CONTAINER  AGE\n10.43.1.2  c1         5s\n")
    }

    @Test("a 64-character container id is shortened to 12 when the table would pass 80 columns")
    func shortened() {
        let table = TextTable(header: ["ADDRESS", "CONTAINER", "IFNAME", "AGE"],
                              rows: [["10.43.1.2", Self.id, "eth0", "5s"]])
        #expect(table.width > 80)
        let fitted = table.fitting(shortening: 1)
        #expect(fitted.rows == [["10.43.1.2", "0123456789ab", "eth0", "5s"]])
        #expect(fitted.rendered().split(separator: "\n").allSatisfy { $0.count <= 80 })
    }

    @Test("a table that fits is left whole")
    func fits() {
        let table = TextTable(header: ["ADDRESS", "CONTAINER"], rows: [["10.43.1.2", String(Self.id.prefix(40))]])
        #expect(table.fitting(shortening: 1) == table)
    }
}
