import FlatnetCore
import FlatnetSystem

/// The networks an answers file gives one node, rendered and validated before anything is
/// written:
/// - the fleet form (`networks[].hosts[]`): every host rendered and checked together, as
///   `flatnet netconf validate` does (overlaps across hosts included); this node's picked;
/// - one network's answers with per-node ranges (`nodes`) or the cluster store
///   (`storeEndpoints`): one conflist, the same on every node (the plugin picks its ranges
///   by the node name file install writes), once `nodes` is checked to name this node.
/// One network's answers with one range are refused: every node would get that range, and
/// two nodes would hand out the same address (issue 19).
enum NodeNetworks {
    static func render(answers: String, node: String, catalogDirectory: String?) throws -> [RenderedNetwork] {
        let catalog = try CatalogFiles.load(catalogDirectory)
        let document = try CatalogFiles.readJSON(answers)
        if document["networks"] != nil {
            return try fleet(catalog, document, answers: answers, node: node)
        }
        return [try shared(catalog, document.objectValue ?? [:], answers: answers, node: node)]
    }

    static func fleet(_ catalog: Catalog, _ document: JSONValue, answers: String,
                      node: String) throws -> [RenderedNetwork] {
        let rendered = try catalog.renderFleet(try FleetFile.parse(document))
        let mine = rendered.filter { $0.host == node }
        guard !mine.isEmpty else {
            let known = Array(Set(rendered.map(\.host))).sorted().joined(separator: ", ")
            throw CNIError(.invalidNetworkConfig, "node \(node.bounded(80)) is not in \(answers)",
                           details: "hosts there: \(known); nothing was written")
        }
        return mine
    }

    static func shared(_ catalog: Catalog, _ members: [String: JSONValue], answers: String,
                       node: String) throws -> RenderedNetwork {
        let nodes = members["nodes"]?.objectValue
        guard nodes != nil || members["storeEndpoints"] != nil else {
            throw CNIError(.invalidNetworkConfig, "\(answers) gives every node the same ranges",
                           details: "two nodes would hand out one address: use the fleet form"
                               + " (networks[].hosts[]), per-node ranges (nodes) or the cluster store"
                               + " (storeEndpoints); nothing was written")
        }
        if let nodes, nodes[node] == nil {
            let known = nodes.keys.sorted().joined(separator: ", ")
            throw CNIError(.invalidNetworkConfig,
                           "node \(node.bounded(80)) is not in the nodes of \(answers)",
                           details: "nodes there: \(known); nothing was written")
        }
        let document = try catalog.render(template: "conflist", answers: members)
        return RenderedNetwork(host: node, config: try NetconfFile.load(document: document),
                               document: document, path: "answers")
    }
}
