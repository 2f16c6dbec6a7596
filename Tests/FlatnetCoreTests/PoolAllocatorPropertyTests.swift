import FlatnetCore
import Testing

/// A generated pool and lease table: the allocator's input.
struct PoolScenario: CustomStringConvertible {
    var pool: AddressPool
    var table: MemoryLeaseTable
    /// Owners whose record names an address they do not hold (a crash between the owner
    /// record and the lease): the allocator must not take the record's word for it.
    var danglingOwners: [Owner]

    var description: String {
        let reserved = pool.reservedAddress.map { "\($0)" } ?? "none", last = table.last.map { "\($0)" } ?? "none"
        return "subnet \(pool.subnet), gateway \(pool.gateway), reserved \(reserved),"
            + " ranges [\(pool.rangesDescription)], exclude \(pool.rangeSet.exclude), last \(last), \(table.holders.count) held,"
            + " \(table.unreadable.count) unreadable, \(danglingOwners.count) dangling"
    }
}

/// What AddressPool's contract allows, written from its documentation, not from its code:
/// never the subnet's network or broadcast address, the gateway, the reserved address or
/// an excluded one; only inside the ranges; a new owner gets the first free address after
/// the last one handed out, wrapping to the lowest.
struct AllocationOracle {
    let pool: AddressPool
    /// Every address the pool may hand out, ascending.
    let candidates: [IPAddress]

    init(pool: AddressPool) {
        self.pool = pool
        var allowed = Set<IPAddress>()
        for range in pool.ranges {
            let addresses = (range.start.v4!.value...range.end.v4!.value).map { IPAddress.v4(IPv4Address($0)) }
            allowed.formUnion(addresses.filter { Self.forbiddenReason($0, pool) == nil })
        }
        candidates = allowed.sorted()
    }

    /// The rules that keep an address out of every allocation.
    enum Forbidden: String, CaseIterable {
        case network, broadcast, gateway, reserved, excluded
    }

    static func forbiddenReason(_ address: IPAddress, _ pool: AddressPool) -> Forbidden? {
        let subnet = pool.subnet.v4!
        if address == .v4(subnet.network) { return .network }
        if address == .v4(subnet.broadcast) { return .broadcast }
        if address == pool.gateway { return .gateway }
        if address == pool.reservedAddress { return .reserved }
        if pool.rangeSet.exclude.contains(where: { $0.contains(address) }) { return .excluded }
        return nil
    }

    /// Why handing `address` to a new owner breaks the contract, or nil.
    func violation(_ address: IPAddress, table: MemoryLeaseTable) -> String? {
        if let reason = Self.forbiddenReason(address, pool) { return "is the \(reason.rawValue) address" }
        if !pool.ranges.contains(where: { $0.contains(address) }) { return "is outside the ranges" }
        if let holder = table.holders[address] { return "is held by \(holder.containerID)" }
        if table.unreadable.contains(address) { return "has an unreadable lease" }
        return nil
    }

    /// The rules that forbid some address inside the ranges.
    func forbiddenInsideRanges() -> Set<Forbidden> {
        Set(pool.ranges.flatMap { range in
            (range.start.v4!.value...range.end.v4!.value).compactMap {
                Self.forbiddenReason(.v4(IPv4Address($0)), pool)
            }
        })
    }

    func isFree(_ address: IPAddress, in table: MemoryLeaseTable) -> Bool {
        table.holders[address] == nil && !table.unreadable.contains(address)
    }

    func expectedNext(in table: MemoryLeaseTable) -> IPAddress? {
        let free = candidates.filter { isFree($0, in: table) }
        guard let last = table.last else { return free.first }
        return free.first { $0 > last } ?? free.first
    }
}

extension SplitMix64 {
    /// A subnet anywhere in the IPv4 space (its edges included), up to three disjoint ranges
    /// of up to 40 addresses that may touch the network or broadcast address, and a
    /// gateway, reserved address and exclusions that often fall inside the ranges.
    mutating func poolScenario() -> PoolScenario {
        let length = int(in: 8...30)
        let anchor: UInt32 = chance(10) ? 0 : chance(10) ? .max : uint32(in: 0...UInt32.max)
        let subnet = networkPrefix(IPv4Address(anchor), length: length)
        let ranges = addressRanges(in: subnet)
        let inRange = { (generator: inout SplitMix64) -> IPv4Address in
            let range = generator.element(of: ranges)
            return IPv4Address(generator.uint32(in: range.start.v4!.value...range.end.v4!.value))
        }
        let inSubnet = { (generator: inout SplitMix64) -> IPv4Address in
            IPv4Address(generator.uint32(in: subnet.network.value...subnet.broadcast.value))
        }
        let gateway = chance(50) ? inRange(&self) : inSubnet(&self)
        let reserved: IPv4Address? = chance(20) ? nil : chance(60) ? inRange(&self) : inSubnet(&self)
        let exclude = (0..<int(in: 0...3)).map { _ in
            let width = int(in: max(length, 27)...32)
            let address = chance(70) ? inRange(&self) : inSubnet(&self)
            return networkPrefix(address, length: width)
        }
        let config = PoolConfig(subnet: subnet, gateway: gateway, ranges: ranges, exclude: exclude)
        let pool = AddressPool(network: "flat-p", config: config, reservedAddress: reserved)
        var table = leaseTable(ranges: ranges)
        let anywhere = IPv4Address(uint32(in: 0...UInt32.max))
        table.last = (chance(25) ? nil : chance(60) ? inRange(&self) : chance(50) ? inSubnet(&self) : anywhere)
            .map(IPAddress.v4)
        let dangling = (0..<int(in: 0...3)).map { Owner(containerID: "dangling\($0)", ifName: "eth0") }
        for owner in dangling { table.records[owner] = .v4(inRange(&self)) }
        return PoolScenario(pool: pool, table: table, danglingOwners: dangling)
    }

    /// The prefix of `length` bits that holds `address`, written as its network address.
    private func networkPrefix(_ address: IPv4Address, length: Int) -> IPv4Prefix {
        IPv4Prefix(address: IPv4Prefix(address: address, length: length).network, length: length)
    }

    private mutating func addressRanges(in subnet: IPv4Prefix) -> [AddressRange] {
        let first = subnet.network.value, last = subnet.broadcast.value
        var ranges: [AddressRange] = []
        for _ in 0..<int(in: 1...3) {
            let start = chance(10) ? first : chance(10) ? last - min(last - first, 3) : uint32(in: first...last)
            let end = start + min(UInt32(int(in: 0...39)), last - start)
            let range = AddressRange(start: IPv4Address(start), end: IPv4Address(end))
            if !ranges.contains(where: { $0.overlaps(range) }) { ranges.append(range) }
        }
        return ranges
    }

    /// Leases of other owners on a random share of the ranges, and a few unreadable ones.
    private mutating func leaseTable(ranges: [AddressRange]) -> MemoryLeaseTable {
        var table = MemoryLeaseTable()
        let density = element(of: [0, 10, 50, 90])
        for range in ranges {
            for value in range.start.v4!.value...range.end.v4!.value {
                let address = IPAddress.v4(IPv4Address(value))
                if chance(density) {
                    let holder = Owner(containerID: "held\(value)", ifName: "eth0")
                    table.holders[address] = holder
                    table.records[holder] = address
                } else if chance(3) {
                    table.unreadable.insert(address)
                }
            }
        }
        return table
    }
}

@Suite("Pool allocator properties (seeded, fixed case counts)")
struct PoolAllocatorPropertyTests {
    @Test("new owners get the first free allowed address after the last, until the pool is exhausted")
    func newOwnersUntilExhausted() throws {
        var forbiddenInRanges = [AllocationOracle.Forbidden: Int](), wraps = 0
        let held = Property.check("allocation order and exhaustion", cases: 600) { generator in
            var scenario = generator.poolScenario()
            let oracle = AllocationOracle(pool: scenario.pool)
            for rule in oracle.forbiddenInsideRanges() { forbiddenInRanges[rule, default: 0] += 1 }
            let allocator = PoolAllocator(pool: scenario.pool)
            for step in 0...oracle.candidates.count {
                let newcomer = Owner(containerID: "new\(step)", ifName: "eth0")
                let expected = oracle.expectedNext(in: scenario.table)
                if let expected, let last = scenario.table.last, expected <= last { wraps += 1 }
                let decision: AllocationDecision
                do {
                    decision = try allocator.decide(for: newcomer, requested: [], table: scenario.table)
                } catch {
                    guard expected == nil, case IPAMError.exhausted = error else {
                        return "step \(step): threw \(error) although \(expected!) is free; \(scenario)"
                    }
                    return nil
                }
                if let problem = oracle.violation(decision.address, table: scenario.table) {
                    return "step \(step): handed out \(decision.address), which \(problem); \(scenario)"
                }
                guard let expected, decision == .lease(expected) else {
                    let wanted = expected.map { "\($0)" } ?? "exhaustion"
                    return "step \(step): \(decision), expected \(wanted); \(scenario)"
                }
                scenario.table.apply(decision, to: newcomer)
            }
            return "the pool never ran out after \(oracle.candidates.count + 1) owners; \(scenario)"
        }
        // Each rule must be exercised (its address inside a range in many cases), and the
        // walk must wrap past the end of the ranges often. Counted only over a full run.
        guard held == 600 else { return }
        #expect(AllocationOracle.Forbidden.allCases.allSatisfy { forbiddenInRanges[$0, default: 0] >= 30 },
                "\(forbiddenInRanges)")
        #expect(wraps >= 100, "\(wraps) allocations wrapped")
    }

    @Test("ADD, repeated ADD, DEL and requests: every owner holds one allowed address, no address two owners")
    func operationsKeepInvariants() throws {
        var outcomes = [OperationRun.Outcome: Int]()
        let held = Property.check("allocation invariants under ADD, DEL and requests", cases: 500) { generator in
            var run = OperationRun(scenario: generator.poolScenario())
            defer { outcomes.merge(run.outcomes, uniquingKeysWith: +) }
            for step in 0..<40 {
                let operation = generator.element(of: OperationRun.Operation.allCases)
                if let problem = run.perform(operation, using: &generator) {
                    return "step \(step), \(operation.rawValue): \(problem); \(run.scenario)"
                }
                if let broken = run.brokenInvariant() {
                    return "after step \(step), \(operation.rawValue): \(broken); \(run.scenario)"
                }
            }
            return nil
        }
        // Every kind of step must really happen many times, or the property could pass
        // without exercising it. Counted only over a full run.
        guard held == 500 else { return }
        #expect(OperationRun.Outcome.allCases.allSatisfy { outcomes[$0, default: 0] >= 200 }, "\(outcomes)")
    }
}
