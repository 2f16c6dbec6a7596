import ArgumentParser
import FlatnetCore
import FlatnetSystem

/// `flatnet ipam reservations list|create|release`: addresses kept for a workload
/// (README.md#addresses-that-follow-their-workload).
struct IPAMReservationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reservations",
        abstract: "Addresses kept for a workload across DEL and hosts: list, create, release.",
        discussion: "Reservations live where the network's pool does: in the cluster store (ipam.store),"
            + " where they follow the workload to any host, or on this host's disk, where they keep its"
            + " address across its DELs on this host.",
        subcommands: [ReservationsList.self, ReservationsCreate.self, ReservationsRelease.self])

    /// The network's pool, where its reservations live. `creating`: refused for a network
    /// whose netconf keeps none (its ADDs never name a workload, so a reservation made by
    /// hand would only take an address away); listing and releasing work whatever the
    /// netconf says now (reservations made before `ipam.reservations` was removed).
    static func book(_ file: NetworkFileOption, creating: Bool = false) throws -> any ReservationBook {
        let (config, poolConfig) = try IPAMCommand.ownPoolConfig(file)
        if creating, poolConfig.reservations == nil {
            throw CNIError(.invalidNetworkConfig, "network \(config.name) keeps no reservations",
                           details: "add ipam.reservations to its netconf")
        }
        if let cluster = try IPAMCommand.clusterPool(file).1 { return cluster }
        return try IPAMCommand.pool(file, command: "ipam reservations").1
    }
}

struct WorkloadOption: ParsableArguments {
    @Option(help: ArgumentHelp("The workload's key: k8s/<namespace>/<pod>, or the key given in"
                                   + " args.cni.workload.", valueName: "key"))
    var workload: String

    func validate() throws {
        guard WorkloadKey.isValid(workload) else {
            throw ValidationError("--workload \(workload.bounded(80)) is not a workload key")
        }
    }
}

struct ReservationsList: OperatorCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Every reservation.")
    @OptionGroup var network: NetworkFileOption
    @OptionGroup var json: JSONOption

    func execute() throws -> CommandOutcome {
        try ClusterListing.reservations(try IPAMReservationsCommand.book(network).reservationList(),
                                        json: json.enabled)
    }
}

struct ReservationsCreate: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Keep addresses (one per family) for a workload before it runs.")
    @OptionGroup var network: NetworkFileOption
    @OptionGroup var workload: WorkloadOption
    @Option(name: .customLong("address"),
            help: ArgumentHelp("An address to keep (repeat for the other family).", valueName: "ip"))
    var addresses: [String]

    func validate() throws {
        if addresses.isEmpty { throw ValidationError("needs --address IP") }
        for text in addresses where IPAddress(text) == nil {
            throw ValidationError("--address \(text.bounded(80)) is not an IP address")
        }
    }

    func execute() throws -> CommandOutcome {
        let addresses = self.addresses.compactMap(IPAddress.init)
        try IPAMReservationsCommand.book(network, creating: true).reserve(workload: workload.workload, addresses: addresses)
        return .init(output: "reserved \(addresses.map(\.description).joined(separator: ", "))"
            + " for \(workload.workload)\n")
    }
}

struct ReservationsRelease: OperatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Stop keeping a workload's addresses (one attached now is freed by its DEL).")
    @OptionGroup var network: NetworkFileOption
    @OptionGroup var workload: WorkloadOption
    @OptionGroup var dryRun: DryRunOption

    func execute() throws -> CommandOutcome {
        let released = try IPAMReservationsCommand.book(network)
            .releaseReservation(workload: workload.workload, dryRun: dryRun.enabled)
        guard !released.isEmpty else { return .init(output: "\(workload.workload) has no reservation\n") }
        return .init(output: "\(dryRun.enabled ? "would release" : "released") the reservation of"
            + " \(workload.workload): \(released.map(\.description).joined(separator: ", "))\n")
    }
}
