import FlatnetCore
import Glibc

extension EtcdClient {
    /// Pause between rounds once every endpoint failed fast (all refused: members
    /// restarting), so a round is not a busy loop.
    static let pauseBetweenRoundsMilliseconds = 50

    /// The most one attempt may take: a quarter of the budget (200 ms at least). A request
    /// that reached a follower just after the leader died is forwarded to the dead leader and
    /// held until etcd's own request timeout (seconds); the followers notice after one to two
    /// election timeouts (1-2 s by default) and elect a new leader. Short attempts mean a fresh
    /// request goes out after the election, within the call's budget (measured: the leader
    /// cut off under an open connection, notes i19/etcd.md).
    var attemptCapMilliseconds: Int { max(timeoutMilliseconds / 4, 200) }

    /// POSTs `body` to `path` on the endpoints in turn until one answers 200: its body.
    func call(_ path: String, _ body: String, by deadline: MonotonicDeadline) throws(StoreError) -> [UInt8] {
        var story = EtcdFailoverStory(endpoints: endpoints)
        while true {
            let order = attemptOrder()
            for (position, index) in order.enumerated() {
                let fairShare = deadline.remainingMilliseconds / (order.count - position)
                let share = min(fairShare, attemptCapMilliseconds)
                guard share > 0 else { break }
                let request = EtcdHTTPRequest(path: path, body: body, host: endpoints[index].authority)
                let started = MonotonicDeadline.now()
                do {
                    let answer = try attempt(index, request, by: deadline.capped(atMilliseconds: share))
                    attemptObserver?("\(endpoints[index]) answered after \(started.millisecondsSince) ms")
                    preferredEndpoint = index
                    return answer
                } catch {
                    story.record(error, at: index, milliseconds: started.millisecondsSince)
                    attemptObserver?("\(endpoints[index]) after \(started.millisecondsSince) ms of \(share): "
                                     + "\(error)")
                    if index == preferredEndpoint { preferredEndpoint = (index + 1) % endpoints.count }
                    if !error.triesNextEndpoint { throw story.finalError(for: error, at: index) }
                }
            }
            if story.sawTLSFailure {
                throw .refused(story.text(headline: "etcd refused the TLS connection", tls: tlsFiles))
            }
            let left = deadline.remainingMilliseconds
            guard left > 0 else {
                let headline = "no etcd endpoint answered within \(timeoutMilliseconds) ms"
                throw .unavailable(story.text(headline: headline, tls: nil))
            }
            poll(nil, 0, Int32(min(left, Self.pauseBetweenRoundsMilliseconds)))
        }
    }

    /// Round the list from the endpoint that answered last (after a failure there, from the
    /// next one): the configured order until something fails.
    private func attemptOrder() -> [Int] {
        endpoints.indices.map { (preferredEndpoint + $0) % endpoints.count }
    }

    /// One try at one endpoint: the open connection if it is to this endpoint (once more on a
    /// fresh one if the server had closed it while idle), else a new connection.
    private func attempt(
        _ index: Int, _ request: EtcdHTTPRequest, by deadline: MonotonicDeadline
    ) throws(EtcdAttemptFailure) -> [UInt8] {
        if let open = connection, open.endpoint == endpoints[index], open.reusable {
            do { return try exchange(open, request, by: deadline) } catch {
                guard case .lost = error else { throw error }
            }
        }
        connection = nil
        let fresh = try EtcdConnection.open(endpoints[index], tls: tls, by: deadline)
        connection = fresh
        return try exchange(fresh, request, by: deadline)
    }

    private func exchange(
        _ open: EtcdConnection, _ request: EtcdHTTPRequest, by deadline: MonotonicDeadline
    ) throws(EtcdAttemptFailure) -> [UInt8] {
        let response: EtcdHTTPResponse
        do { response = try open.exchange(request, by: deadline) } catch {
            connection = nil
            throw error
        }
        if !open.reusable { connection = nil }
        guard response.status == 200 else {
            throw EtcdAnswers.failure(status: response.status, body: response.body)
        }
        return response.body
    }
}

/// What each endpoint did during one call, for the call's error message.
struct EtcdFailoverStory {
    let endpoints: [EtcdEndpoint]
    private var last: [Int: EtcdAttemptFailure] = [:]
    private var attempts: [Int: (count: Int, milliseconds: Int)] = [:]

    init(endpoints: [EtcdEndpoint]) { self.endpoints = endpoints }

    mutating func record(_ failure: EtcdAttemptFailure, at index: Int, milliseconds: Int) {
        last[index] = failure
        let sofar = attempts[index] ?? (0, 0)
        attempts[index] = (sofar.count + 1, sofar.milliseconds + milliseconds)
    }

    var sawTLSFailure: Bool {
        last.values.contains { if case .tls = $0 { return true } else { return false } }
    }

    /// "HEADLINE: URL: N tries, T ms, last: what; ..." (an endpoint never tried says so).
    func text(headline: String, tls: EtcdStoreConfig.TLSFiles?) -> String {
        var parts: [String] = []
        for (index, endpoint) in endpoints.enumerated() {
            guard let failure = last[index], let tries = attempts[index] else {
                parts.append("\(endpoint): not tried (no time left)")
                continue
            }
            let count = "\(tries.count) \(tries.count == 1 ? "try" : "tries")"
            parts.append("\(endpoint): \(count), \(tries.milliseconds) ms, last: \(Self.describe(failure))")
        }
        let files = tls.map { " (certFile \($0.certFile), keyFile \($0.keyFile), caFile \($0.caFile))" } ?? ""
        return headline + files + ": " + parts.joined(separator: "; ")
    }

    /// The error that ends a call at once (a refusal or an unreadable answer).
    func finalError(for failure: EtcdAttemptFailure, at index: Int) -> StoreError {
        let text = "\(endpoints[index]): \(failure.text)"
        if case .refused = failure { return .refused(text) }
        return .badAnswer(text)
    }

    private static func describe(_ failure: EtcdAttemptFailure) -> String {
        switch failure {
        case .connectionRefused(let text): return "refused (\(text))"
        case .silent(let text): return "silent (\(text))"
        case .lost(let text): return "connection lost (\(text))"
        case .storeUnavailable(let text): return "unavailable (\(text))"
        case .tls(let text): return "TLS failed (\(text))"
        case .refused(let text), .badAnswer(let text): return text
        }
    }
}
