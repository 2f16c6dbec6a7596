#if canImport(Glibc)
import Glibc
#endif

/// FlatnetFuzz: libFuzzer targets for every parser flatnet runs on input it does not
/// control (stdin, CNI_ARGS, ebtables and nft output, kernel replies, catalog files, the
/// etcd gateway's answers and the records other hosts write to the cluster store).
/// One binary; `FLATNET_FUZZ_TARGET` picks the parser (`FuzzTarget.all`).
///
/// Two builds of the same sources:
/// - the normal build (`swift build`): `main` replays inputs once, so the targets compile
///   and run with every test build, and a crash file can be reproduced without libFuzzer;
/// - the fuzz lane (scripts/lib/fuzz_lane.sh) adds `-sanitize=fuzzer,address -DFUZZING`:
///   `main` hands over to libFuzzer's driver, which calls `LLVMFuzzerTestOneInput`.
@main
enum FuzzMain {
    static func main() {
        #if FUZZING
        exit(LibFuzzerDriver.run())
        #else
        exit(CorpusReplay.run(Array(CommandLine.arguments.dropFirst())))
        #endif
    }
}

/// libFuzzer's entry point: one input, run through the selected target. A parser bug
/// shows as a trap (Swift's bounds, overflow and precondition checks) or a sanitizer
/// report; thrown errors are the parsers' normal answer to bad input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzTarget.selected?.run(bytes)
    return 0
}

#if FUZZING
/// libFuzzer's driver, for a program that has its own `main`. SwiftPM links every
/// executable with `--defsym main=<module>_main` (so tests can import executables), which
/// takes the place of libFuzzer's own `main`; this `main` therefore starts the driver
/// itself. Declared by its C symbol: its parameters (int *, char ***, a C function
/// pointer) are passed the same way by Swift and C, and the lane adds no C target.
@_silgen_name("LLVMFuzzerRunDriver")
private func runLibFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

enum LibFuzzerDriver {
    static func run() -> CInt {
        guard let target = FuzzTarget.selected else { return FuzzTarget.refuseSelection() }
        if let problem = target.setupProblem() {
            printError("FlatnetFuzz \(target.name): \(problem)")
            return 2
        }
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        return runLibFuzzerDriver(&argc, &argv) { fuzzOneInput($0, $1) }
    }
}
#endif
