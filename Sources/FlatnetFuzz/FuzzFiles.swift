#if canImport(Glibc)
import Glibc
#endif

/// File access for the replay mode and the catalog targets (the fuzzed code does none).
/// Plain libc calls: this binary needs no Foundation.
enum FuzzFiles {
    /// The file's bytes, or nil when it cannot be read.
    static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            bytes += chunk[..<count]
            if count < chunk.count { return ferror(file) == 0 ? bytes : nil }
        }
    }

    /// `path` itself when it is a file; the regular files directly inside it, sorted,
    /// when it is a directory (a libFuzzer corpus is flat). nil when it does not exist.
    static func inputs(at path: String) -> [String]? {
        guard let found = kind(of: path) else { return nil }
        guard found == S_IFDIR else { return [path] }
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted().map { path + "/" + $0 }.filter { kind(of: $0) == S_IFREG }
    }

    /// S_IFDIR, S_IFREG, ... (following symlinks), or nil when `path` does not exist.
    private static func kind(of path: String) -> mode_t? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return status.st_mode & S_IFMT
    }
}
