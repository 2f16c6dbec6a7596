#if canImport(Glibc)
import Glibc
#endif
import FlatnetCore

/// The catalog flatnet ships (netconf/questions.json and netconf/templates), read as
/// `flatnet netconf` reads it: from `FLATNET_FUZZ_CATALOG`, else ./netconf (the lane
/// runs from the repository root). The questions and templates are flatnet's own; the
/// answers and fleet files operators write are what gets fuzzed.
enum ShippedCatalog {
    static let directory = getenv("FLATNET_FUZZ_CATALOG").map { String(cString: $0) } ?? "netconf"

    static let loaded: Result<Catalog, CatalogLoadError> = load()

    static var catalog: Catalog? { try? loaded.get() }

    static func setupProblem() -> String? {
        guard case .failure(let error) = loaded else { return nil }
        return "cannot read the catalog in \(directory): \(error.reason)"
            + " (run from the repository root, or set FLATNET_FUZZ_CATALOG)"
    }

    private static func load() -> Result<Catalog, CatalogLoadError> {
        guard let questionsDocument = json(directory + "/questions.json") else {
            return .failure(CatalogLoadError(reason: "questions.json is missing or not JSON"))
        }
        guard let questions = try? CatalogQuestion.parseList(questionsDocument) else {
            return .failure(CatalogLoadError(reason: "questions.json is not a list of questions"))
        }
        var templates: [String: JSONValue] = [:]
        for path in FuzzFiles.inputs(at: directory + "/templates") ?? [] where path.hasSuffix(".json") {
            let name = String(path.split(separator: "/").last!.dropLast(5))
            guard let template = json(path) else {
                return .failure(CatalogLoadError(reason: "\(path) is not JSON"))
            }
            templates[name] = template
        }
        guard !templates.isEmpty else { return .failure(CatalogLoadError(reason: "no templates")) }
        return .success(Catalog(questions: questions, templates: templates))
    }

    private static func json(_ path: String) -> JSONValue? {
        FuzzFiles.read(path).flatMap { try? JSONValue.parse($0) }
    }
}

struct CatalogLoadError: Error {
    let reason: String
}
