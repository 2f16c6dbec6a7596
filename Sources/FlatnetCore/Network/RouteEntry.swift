/// One route of the main table, as flatnet installs and checks them.
public struct RouteEntry: Equatable, Sendable {
    public var destination: IPPrefix
    public var gateway: IPAddress?
    public var interfaceIndex: Int32?

    public init(destination: IPPrefix, gateway: IPAddress?, interfaceIndex: Int32?) {
        self.destination = destination
        self.gateway = gateway
        self.interfaceIndex = interfaceIndex
    }
}

/// One address configured on an interface.
public struct InterfaceAddress: Equatable, Sendable {
    public var interfaceIndex: Int32
    public var prefix: IPPrefix

    public init(interfaceIndex: Int32, prefix: IPPrefix) {
        self.interfaceIndex = interfaceIndex
        self.prefix = prefix
    }
}
