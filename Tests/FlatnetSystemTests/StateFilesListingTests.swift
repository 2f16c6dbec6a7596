import FlatnetSystem
import FlatnetTestSupport
import Foundation
import Testing

/// StateFiles.list reads names out of readdir's buffer. glibc fills a 32 KiB buffer per
/// getdents64 call, so with a few thousand lease-like names the last record of a full
/// buffer ends within a few bytes of its end: a reader that copies the whole 256-byte
/// `d_name` then reads past the block. Only the sanitizer lane (AddressSanitizer) or
/// valgrind sees that read; the names check holds everywhere.
@Suite("State file listing")
struct StateFilesListingTests {
    @Test("a directory that fills readdir's buffer lists every name, reading nothing past the buffer")
    func fullReaddirBuffer() throws {
        let directory = NSTemporaryDirectory() + "flatnet-list-" + ProcessRunner.uniqueSuffix()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Lease-shaped names (about 32 bytes per record): ~1,000 records per buffer fill.
        let names = Set((0..<3_000).map { "10.43.\($0 / 256).\($0 % 256)" })
        for name in names {
            #expect(FileManager.default.createFile(atPath: directory + "/" + name, contents: nil))
        }
        let listed = try #require(try StateFiles.list(directory))
        #expect(listed.count == names.count)
        #expect(Set(listed) == names)
    }

    @Test("a missing directory lists as nil")
    func missingDirectory() throws {
        let missing = NSTemporaryDirectory() + "flatnet-missing-" + ProcessRunner.uniqueSuffix()
        #expect(try StateFiles.list(missing) == nil)
    }
}
