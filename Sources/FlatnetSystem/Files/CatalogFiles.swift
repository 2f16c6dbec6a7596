import FlatnetCore

/// The netconf catalog on disk (questions.json and templates/*.json) and the JSON files
/// operators hand to `flatnet netconf`.
public enum CatalogFiles {
    /// Installed copies: scripts/install.sh's in /usr/local first (the administrator's, as
    /// /usr/local comes before /usr on PATH), then the Debian package's.
    public static let installedDirectories = ["/usr/local/share/flatnet/netconf", "/usr/share/flatnet/netconf"]

    /// The catalog in `directory`, else in ./netconf, else an installed copy.
    public static func load(_ directory: String?) throws -> Catalog {
        let candidates = directory.map { [$0] } ?? ["netconf"] + installedDirectories
        guard let root = candidates.first(where: {
            (try? StateFiles.read($0 + "/questions.json")) != nil
        }) else {
            throw CNIError(.ioFailure, "cannot find the catalog (questions.json)",
                           details: "looked in \(candidates.joined(separator: ", ")); use --catalog DIR")
        }
        let questions = try CatalogQuestion.parseList(try readJSON(root + "/questions.json"))
        var templates: [String: JSONValue] = [:]
        for name in (try StateFiles.list(root + "/templates") ?? []) where name.hasSuffix(".json") {
            templates[String(name.dropLast(5))] = try readJSON(root + "/templates/" + name)
        }
        return Catalog(questions: questions, templates: templates)
    }

    public static func readJSON(_ path: String) throws -> JSONValue {
        guard let text = try StateFiles.read(path) else {
            throw CNIError(.ioFailure, "cannot read \(path): no such file")
        }
        do { return try JSONValue.parse(text) } catch {
            throw CNIError(.decodingFailure, "\(path) is not valid JSON", details: error.description)
        }
    }
}

extension NetconfValidation {
    /// Validates the files at `paths`; the catalog (for fleet files only) is read once,
    /// when the first one needs it.
    public static func verdicts(paths: [String], catalogDirectory: String?) -> [NetconfFileVerdict] {
        var catalog: Result<Catalog, any Error>?
        let inputs = paths.map { path in (file: path, document: Result { try CatalogFiles.readJSON(path) }) }
        return verdicts(inputs) {
            let loaded = catalog ?? Result { try CatalogFiles.load(catalogDirectory) }
            catalog = loaded
            return try loaded.get()
        }
    }
}
