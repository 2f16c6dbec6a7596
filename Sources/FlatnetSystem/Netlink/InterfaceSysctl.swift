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
        let path = "/proc/sys/net/ipv6/conf/\(name.value)/disable_ipv6"
        guard access("/proc/sys/net/ipv6", F_OK) == 0 else { return }
        if unlessAlready, try StateFiles.read(path)?.first == "1" { return }
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw SystemCallError(call: "open(\(path))", errno: errno) }
        defer { close(descriptor) }
        guard write(descriptor, "1", 1) == 1 else {
            throw SystemCallError(call: "write(\(path))", errno: errno)
        }
    }
}
