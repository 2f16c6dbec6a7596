// swift-tools-version:6.0
// flatnet: a CNI plugin that puts containers on the host's physical layer-2 network.
//
// Architecture, one target per layer (see docs/architecture.md#code-map):
//   FlatnetCore    pure decisions: CNI protocol, netconf model and validation, address math.
//                  No Glibc, no I/O; tested without root.
//   FlatnetSystem  the thin shell: the only code that imports CNetlink (libnl-3) and
//                  CNamespace (setns); also file and process wrappers.
//   CNetlink       system-library target over libnl-3 / libnl-route-3 (pkg-config).
//   CNamespace     a tiny C shim for setns(2), which Swift's Glibc module does not expose.
//   CTLS           a small C shim over OpenSSL (Debian's libssl-dev, linked statically): TLS with
//                  client certificates for the etcd client (FlatnetSystem/Etcd); Swift sees two
//                  opaque handles and integer results.
//   CBuildStamp    reads the build stamp (commit, date, Swift version) that build_release
//                  links in as a separate object; absent from plain `swift build`s.
//   flatnet        the executable: reads env/stdin, runs the dispatcher, writes stdout; the
//                  operator command line (no CNI_COMMAND) on swift-argument-parser.
import PackageDescription

let package = Package(
    name: "flatnet",
    products: [
        .executable(name: "flatnet", targets: ["flatnet"]),
    ],
    dependencies: [
        // The operator command line only; the plugin path never reaches it (README
        // "Operator command line": start-up measured with and without it).
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(name: "FlatnetCore"),
        .systemLibrary(
            name: "CNetlink",
            pkgConfig: "libnl-route-3.0",
            providers: [.apt(["libnl-3-dev", "libnl-route-3-dev"])]
        ),
        .target(name: "CNamespace"),
        .target(name: "CBuildStamp"),
        .target(name: "CTLS", linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]),
        .target(name: "FlatnetSystem", dependencies: ["FlatnetCore", "CNetlink", "CNamespace", "CBuildStamp", "CTLS"]),
        .executableTarget(name: "flatnet", dependencies: [
            "FlatnetCore", "FlatnetSystem",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // libFuzzer targets for the parsers that read untrusted input (docs/testing.md).
        // Not part of the plugin: the normal build compiles it as a corpus replayer; the
        // fuzz lane (scripts/lib/fuzz_lane.sh) builds it alone with -sanitize=fuzzer.
        .executableTarget(name: "FlatnetFuzz", dependencies: ["FlatnetCore"]),
        // What the audit log adds to a call, timed in-process (scripts/bench.sh). Not shipped.
        .executableTarget(name: "FlatnetBench", dependencies: ["FlatnetCore", "FlatnetSystem"]),
        // Tests: pure (no root), system (root in a throwaway netns), end to end (the built
        // binary). FlatnetTestSupport holds tables and fixtures the suites share.
        .target(name: "FlatnetTestSupport", dependencies: ["FlatnetCore"], path: "Tests/FlatnetTestSupport"),
        .testTarget(name: "FlatnetCoreTests", dependencies: ["FlatnetCore", "FlatnetTestSupport"]),
        .testTarget(name: "FlatnetSystemTests", dependencies: ["FlatnetSystem", "FlatnetCore", "FlatnetTestSupport"]),
        .testTarget(name: "FlatnetEndToEndTests", dependencies: ["FlatnetCore", "FlatnetTestSupport"]),
    ]
)
