import FlatnetCore

/// A fleet file (`flatnet netconf render --host H`, `flatnet netconf validate`): parsed,
/// every network rendered for every host and checked alone and together. The CLI then
/// keys one host's networks by name, so a fleet it accepts must not give one host two
/// networks of the same name.
enum FleetTarget {
    static let target = FuzzTarget(name: "fleet", summary: "netconf fleet files",
                                   run: run, setupProblem: ShippedCatalog.setupProblem)

    static func run(_ bytes: [UInt8]) {
        guard let catalog = ShippedCatalog.catalog, let document = try? JSONValue.parse(bytes),
              let fleet = try? FleetFile.parse(document) else { return }
        for name in catalog.templates.keys.sorted() {
            guard let rendered = try? catalog.renderFleet(fleet, template: name) else { continue }
            for host in Set(rendered.map(\.host)) {
                let names = rendered.filter { $0.host == host }.map(\.config.name)
                precondition(Set(names).count == names.count,
                             "fleet accepted with two networks named alike on host \(host)")
            }
        }
    }
}
