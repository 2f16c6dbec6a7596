import FlatnetTestSupport
import Foundation
import Testing

/// Makes a skipped privileged suite a failure where it must run (FLATNET_TEST_STRICT=1,
/// set by scripts/test.sh and so by CI), instead of a silent pass.
@Suite("Privileged suites can run here")
struct PrivilegeGuardTests {
    @Test("in strict mode, root and a throwaway netns are present")
    func privilegedSuitesRun() {
        guard TestHost.isStrict else { return }
        #expect(TestHost.isRoot, "strict mode: privileged suites need root")
        #expect(TestHost.inThrowawayNetworkNamespace, "strict mode: refusing to run privileged suites in the machine's own netns")
    }

    @Test("in strict mode, podman is installed (its suite must not skip)")
    func podmanPresent() {
        guard TestHost.isStrict else { return }
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/podman"), "strict mode: scripts/test.sh installs podman")
    }

    @Test("in strict mode, nft is installed (the nftables suites build their tables with it)",
          .enabled(if: TestHost.isStrict, "only required where privileged suites must run"))
    func nftPresent() {
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/sbin/nft"),
                "strict mode: scripts/test.sh installs nftables")
    }

    @Test("in strict mode, cnitool was built (its suite must not skip)")
    func cnitoolPresent() {
        guard TestHost.isStrict else { return }
        #expect(TestHost.cnitool != nil, "strict mode: set FLATNET_CNITOOL (scripts/test.sh builds it)")
    }

    @Test("in strict mode, the reference plugins are installed (their suites must not skip)")
    func referencePluginsPresent() {
        guard TestHost.isStrict else { return }
        for plugin in ["bridge", "host-local"] {
            #expect(FileManager.default.isExecutableFile(atPath: "/usr/lib/cni/" + plugin), "missing /usr/lib/cni/\(plugin)")
        }
    }
}
