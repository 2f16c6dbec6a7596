import FlatnetCore

/// An answers file (`flatnet netconf render --answers FILE`): checked against the
/// questions, rendered with each shipped template and validated as the plugin would read
/// the result. Whatever the answers, a render either fails with problems or gives a
/// netconf the plugin accepts (Catalog.render re-reads it; this checks the text too).
enum CatalogAnswersTarget {
    static let target = FuzzTarget(name: "catalog-answers", summary: "netconf render answers files",
                                   run: run, setupProblem: ShippedCatalog.setupProblem)

    static func run(_ bytes: [UInt8]) {
        guard let catalog = ShippedCatalog.catalog, let document = try? JSONValue.parse(bytes),
              let answers = document.objectValue else { return }
        for name in catalog.templates.keys.sorted() {
            guard let rendered = try? catalog.render(template: name, answers: answers) else { continue }
            precondition((try? NetconfFile.load(rendered.prettyPrinted())) != nil,
                         "template \(name) rendered a netconf the plugin refuses")
        }
    }
}
