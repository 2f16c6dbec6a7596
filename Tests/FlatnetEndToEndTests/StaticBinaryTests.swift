import Foundation
import FlatnetTestSupport
import Testing

/// The shipped binary must run on a node with nothing installed: no dynamic loader, no
/// shared libraries. An ELF executable that needs a loader has a PT_INTERP program
/// header; a static one has none (this is what makes `ldd` say "not a dynamic executable").
@Suite("flatnet binary is static", .enabled(if: TestHost.binary != nil, "set FLATNET_BINARY (scripts/test.sh does)"))
struct StaticBinaryTests {
    static let programHeaderInterpreter: UInt32 = 3  // PT_INTERP

    @Test("no PT_INTERP program header")
    func noInterpreter() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: TestHost.binary ?? "/nonexistent"))
        let bytes = [UInt8](data)
        try #require(bytes.count > 64 && bytes[0..<4] == [0x7f, 0x45, 0x4c, 0x46], "not an ELF file")
        try #require(bytes[4] == 2, "expected a 64-bit ELF")
        let tableOffset = Int(read(bytes, at: 0x20, size: 8))
        let entrySize = Int(read(bytes, at: 0x36, size: 2))
        let entryCount = Int(read(bytes, at: 0x38, size: 2))
        try #require(entryCount > 0 && tableOffset + entrySize * entryCount <= bytes.count)
        let types = (0..<entryCount).map { UInt32(read(bytes, at: tableOffset + $0 * entrySize, size: 4)) }
        #expect(!types.contains(Self.programHeaderInterpreter), "the binary asks for a dynamic loader")
    }

    /// Little-endian unsigned integer of `size` bytes at `offset`.
    func read(_ bytes: [UInt8], at offset: Int, size: Int) -> UInt64 {
        (0..<size).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64(bytes[offset + $1]) }
    }
}
