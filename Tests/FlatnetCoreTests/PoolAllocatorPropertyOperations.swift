import FlatnetCore

/// One pool under a random sequence of ADDs, repeated ADDs, DELs and requests for a given
/// address, each answer checked against `AllocationOracle`. `mine` is what this run leased,
/// in lease order (a Dictionary's order changes from process to process: never pick from it).
struct OperationRun {
    enum Operation: String, CaseIterable {
        case add, addDangling = "add-dangling", repeatAdd = "repeat-add", delete, request
    }

    /// What a step did, counted so the test can show each kind really happened.
    enum Outcome: String, CaseIterable {
        case leased, danglingLeased = "dangling-leased", repeated, released, exhausted
        case requestGranted = "request-granted", requestRefused = "request-refused"
    }

    var scenario: PoolScenario
    private(set) var outcomes: [Outcome: Int] = [:]
    let oracle: AllocationOracle
    let allocator: PoolAllocator
    private(set) var mine: [(owner: Owner, address: IPAddress)] = []
    private var serial = 0

    init(scenario: PoolScenario) {
        self.scenario = scenario
        oracle = AllocationOracle(pool: scenario.pool)
        allocator = PoolAllocator(pool: scenario.pool)
    }

    /// Performs one operation; returns what went against the contract, or nil.
    mutating func perform(_ operation: Operation, using generator: inout SplitMix64) -> String? {
        switch operation {
        case .add:
            serial += 1
            return add(Owner(containerID: "run\(serial)", ifName: generator.element(of: ["eth0", "net1"])))
        case .addDangling:
            let waiting = scenario.danglingOwners.filter { owner in !mine.contains { $0.owner == owner } }
            return waiting.isEmpty ? nil : add(generator.element(of: waiting))
        case .repeatAdd:
            guard !mine.isEmpty else { return nil }
            let (owner, address) = generator.element(of: mine)
            let decision = try? allocator.decide(for: owner, requested: [], table: scenario.table)
            outcomes[.repeated, default: 0] += 1
            guard decision == .alreadyHeld(address) else {
                return "\(owner.containerID) holds \(address), got \(String(describing: decision))"
            }
            return nil
        case .delete:
            guard !mine.isEmpty else { return nil }
            let released = mine.remove(at: generator.int(in: 0...(mine.count - 1)))
            scenario.table.release(released.owner)
            outcomes[.released, default: 0] += 1
            return nil
        case .request:
            return request(.v4(randomAddress(using: &generator)))
        }
    }

    private mutating func add(_ owner: Owner) -> String? {
        let expected = oracle.expectedNext(in: scenario.table)
        let decision: AllocationDecision
        do {
            decision = try allocator.decide(for: owner, requested: [], table: scenario.table)
        } catch {
            guard expected == nil, case IPAMError.exhausted = error else {
                return "ADD of \(owner.containerID) threw \(error); expected \(String(describing: expected))"
            }
            outcomes[.exhausted, default: 0] += 1
            return nil
        }
        if let problem = oracle.violation(decision.address, table: scenario.table) {
            return "\(owner.containerID) got \(decision.address), which \(problem)"
        }
        guard decision == expected.map(AllocationDecision.lease) else {
            return "\(owner.containerID) got \(decision), expected \(String(describing: expected))"
        }
        record(decision, for: owner)
        outcomes[scenario.danglingOwners.contains(owner) ? .danglingLeased : .leased, default: 0] += 1
        return nil
    }

    private mutating func request(_ address: IPAddress) -> String? {
        serial += 1
        let owner = Owner(containerID: "asks\(serial)", ifName: "eth0")
        let allowed = oracle.violation(address, table: scenario.table) == nil
        let decision = try? allocator.decide(for: owner, requested: [address], table: scenario.table)
        switch (decision, allowed) {
        case (nil, false):
            outcomes[.requestRefused, default: 0] += 1
            return nil
        case (nil, true): return "a request for the free, allowed \(address) was refused"
        case (.some(let granted), false):
            return "a request for \(address) (\(oracle.violation(address, table: scenario.table)!)) gave \(granted)"
        case (.some(let granted), true):
            guard granted == .lease(address) else { return "a request for \(address) gave \(granted)" }
            record(granted, for: owner)
            outcomes[.requestGranted, default: 0] += 1
            return nil
        }
    }

    private mutating func record(_ decision: AllocationDecision, for owner: Owner) {
        scenario.table.apply(decision, to: owner)
        mine.append((owner, decision.address))
    }

    /// Requests hit the ranges, the rest of the subnet and the space outside it.
    private func randomAddress(using generator: inout SplitMix64) -> IPv4Address {
        let pool = scenario.pool
        if generator.chance(60) {
            let range = generator.element(of: pool.ranges)
            return IPv4Address(generator.uint32(in: range.start.v4!.value...range.end.v4!.value))
        }
        if generator.chance(70) {
            let subnet = pool.subnet.v4!
            return IPv4Address(generator.uint32(in: subnet.network.value...subnet.broadcast.value))
        }
        return IPv4Address(generator.uint32(in: 0...UInt32.max))
    }

    /// Each address this run leased is held by its owner alone, allowed by the pool, and
    /// each owner holds one address.
    func brokenInvariant() -> String? {
        for (owner, address) in mine {
            if scenario.table.holders[address] != owner { return "\(owner.containerID)'s \(address) is not its own" }
            if let rule = AllocationOracle.forbiddenReason(address, scenario.pool) {
                return "\(owner.containerID) holds \(address), the \(rule.rawValue) address"
            }
            let held = scenario.table.holders.filter { $0.value == owner }.count
            if held != 1 { return "\(owner.containerID) holds \(held) addresses" }
        }
        return nil
    }
}
