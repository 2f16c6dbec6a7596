/// An HTTP response as `HTTPResponseReader` assembled it.
public struct EtcdHTTPResponse: Equatable, Sendable {
    public var status: Int
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The server said it will close the connection after this answer.
    public var closesConnection: Bool { headers["connection"]?.lowercased() == "close" }
}
