import FlatnetCore
import Glibc

/// Per-interface sysctls that netlink cannot set (`net.ipv6.conf.NAME.disable_ipv6` is not
/// among the IPv6 attributes RTM_NEWLINK accepts). /proc/sys/net follows the calling
/// thread's network namespace.
enum InterfaceSysctl {
    /// `sysctl -w net.ipv6.conf.NAME.disable_ipv6=1`: no IPv6 addresses, routes or
    /// neighbour state on the interface. A kernel without IPv6 has nothing to disable.
    /// `unlessAlready` reads the value first (a setup that runs again changes nothing);
    /// the ADD path writes blind, one syscall on a link it has just created.
    static func disableIPv6(on name: InterfaceName, unlessAlready: Bool = false) throws {
        let path = ipv6Path(name, "disable_ipv6")
        guard kernelHasIPv6 else { return }
        if unlessAlready, try StateFiles.read(path)?.first == "1" { return }
        try write("1", to: path)
    }

    /// `sysctl -w net.ipv6.conf.NAME.accept_ra=0 net.ipv6.conf.NAME.addr_gen_mode=0`: no
    /// address or route from router advertisements, and the link-local made from the MAC
    /// (EUI-64) when the interface comes up. For the calling thread's namespace: the
    /// container's, entered for the two writes. A kernel without IPv6 has nothing to set.
    static func limitAutoconfiguration(on name: InterfaceName) throws {
        guard kernelHasIPv6 else { return }
        try write("0", to: ipv6Path(name, "accept_ra"))
        try write("0", to: ipv6Path(name, "addr_gen_mode"))
    }

    private static var kernelHasIPv6: Bool { access("/proc/sys/net/ipv6", F_OK) == 0 }

    private static func ipv6Path(_ name: InterfaceName, _ key: String) -> String {
        "/proc/sys/net/ipv6/conf/\(name.value)/\(key)"
    }

    /// One `write(2)` of `value` to the sysctl file at `path`.
    private static func write(_ value: String, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw SystemCallError(call: "open(\(path))", errno: errno) }
        defer { close(descriptor) }
        let count = value.utf8.count
        guard Glibc.write(descriptor, value, count) == count else {
            throw SystemCallError(call: "write(\(path))", errno: errno)
        }
    }
}
