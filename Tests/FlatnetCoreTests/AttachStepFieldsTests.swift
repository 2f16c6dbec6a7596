import FlatnetCore
import FlatnetTestSupport
import Testing

/// `flatnet plan --json`: every step an object with named fields, its shell text one
/// command an element (no string with embedded newlines).
@Suite("plan steps as JSON fields")
struct AttachStepFieldsTests {
    static func plan() throws -> AttachPlan {
        try AttachPlanner.plan(config: try AttachPlanTests.config(), invocation: AttachPlanTests.invocation,
                               ipam: try AttachPlanTests.poolResult, mac: AttachPlanTests.mac, firstLease: true)
    }

    @Test("each host and container step has its name, its fields and one-line shell commands")
    func everyStep() throws {
        let plan = try Self.plan()
        let objects = plan.host.map(\.fields) + plan.container.map { $0.fields(namespace: "c1") }
        for (object, name) in zip(objects, plan.host.map(\.name) + plan.container.map(\.name)) {
            #expect(object["step"] == .string(name))
            let shell = try #require(object["shell"]?.arrayValue, "\(name): no shell")
            #expect(!shell.isEmpty && shell.allSatisfy { $0.stringValue?.contains("\n") == false }, "\(name)")
            #expect((object.objectValue?.count ?? 0) > 2, "\(name) has fields besides step and shell")
        }
    }

    @Test("fields carry the values the step acts on")
    func values() throws {
        let plan = try Self.plan()
        let bridge = try #require(plan.host.first)
        #expect(bridge.fields["step"] == .string("ensureBridge"))
        #expect(bridge.fields["bridge"] == .string(try AttachPlanTests.config().bridge.value))
        let address = try #require(plan.container.first { $0.name == "addAddress" })
        #expect(address.fields(namespace: "c1")["address"] == .string("10.43.1.5/16"))
        #expect(address.fields(namespace: "c1")["interface"] == .string("eth0"))
        #expect(address.fields(namespace: "c1")["shell"] == .array([.string("ip -n c1 addr add 10.43.1.5/16 dev eth0")]))
    }

    @Test("an absent MTU is left out, not null")
    func absentField() throws {
        let step = HostStep.ensureBridge(try InterfaceName(validating: "br0"), mtu: nil)
        #expect(step.fields.objectValue?.keys.sorted() == ["bridge", "shell", "step"])
    }
}
