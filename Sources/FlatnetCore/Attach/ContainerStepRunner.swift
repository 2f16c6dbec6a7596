/// The kernel operations container steps need. FlatnetSystem implements them over
/// netlink; tests implement them with fakes that fail on demand.
public protocol ContainerOperations: AnyObject {
    /// Creates the pair and sets the host end's alias (flatnet's record of the network);
    /// on failure nothing of the pair is left.
    func createVeth(host: InterfaceName, container: InterfaceName, mtu: Int?, mac: MACAddress?,
                    alias: String) throws
    /// Records the port's elements, then adds them (one transaction).
    func protectPort(_ protection: PortProtection) throws
    /// Undo of `protectPort`: removes the elements and the record; absent ones are fine.
    func unprotectPort(_ protection: PortProtection) throws
    /// accept_ra 0 and addr_gen_mode 0 (EUI-64) on the container end, while it is down.
    func limitAutoconfiguration(_ name: InterfaceName) throws
    /// arp_notify on and the link up, in one request.
    func bringUp(_ name: InterfaceName) throws
    /// Adds `prefix`; an IPv6 one without duplicate address detection (IFA_F_NODAD).
    func addAddress(_ prefix: IPPrefix, to name: InterfaceName) throws
    func addRoute(_ destination: IPPrefix, via gateway: IPAddress, dev name: InterfaceName) throws
    func announce(_ address: IPv4Address, on name: InterfaceName, mac: MACAddress) throws
    /// Undo of `createVeth`: deleting the host end removes the pair.
    func deleteVeth(host: InterfaceName) throws
}

/// Runs container steps in order. Each step records its undo before the next starts, so
/// a failure at step N leaves nothing from steps 1..N-1 behind. The veth and the port's
/// elements need an undo: addresses and routes live on the container end and go with it.
public struct ContainerStepRunner {
    public let operations: any ContainerOperations
    public private(set) var createdVeth: InterfaceName?
    public private(set) var protectedPort: PortProtection?

    public init(operations: any ContainerOperations) {
        self.operations = operations
    }

    public mutating func run(_ steps: [ContainerStep]) throws {
        do {
            for step in steps { try execute(step) }
        } catch {
            rollBack()
            throw error
        }
    }

    /// Removes what was created; safe to call twice.
    public mutating func rollBack() {
        if let veth = createdVeth { try? operations.deleteVeth(host: veth) }
        if let port = protectedPort { try? operations.unprotectPort(port) }
        (createdVeth, protectedPort) = (nil, nil)
    }

    private mutating func execute(_ step: ContainerStep) throws {
        switch step {
        case .createVeth(let host, _, let container, _, let mtu, let mac, let alias):
            try operations.createVeth(host: host, container: container, mtu: mtu, mac: mac, alias: alias)
            createdVeth = host
        case .protectPort(let protection):
            protectedPort = protection  // first: a failed add may have added some of them
            try operations.protectPort(protection)
        case .limitAutoconfiguration(let name): try operations.limitAutoconfiguration(name)
        case .bringUp(let name): try operations.bringUp(name)
        case .addAddress(let prefix, let name): try operations.addAddress(prefix, to: name)
        case .addRoute(let destination, let gateway, let name):
            try operations.addRoute(destination, via: gateway, dev: name)
        case .announce(let address, let name, let mac): try operations.announce(address, on: name, mac: mac)
        }
    }
}
