import FlatnetCore
import FlatnetTestSupport
import Foundation
import Testing

/// `flatnet netconf validate` where the catalog is not installed, and on answers files.
@Suite("netconf validate without the catalog, and answers files", .enabled(if: TestHost.binary != nil, "set FLATNET_BINARY"))
struct NetconfValidateTests {
    static let catalog = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("netconf").path
    static let missingCatalog = "/nonexistent/flatnet-catalog"

    static func validate(_ arguments: String...) throws -> ProcessOutcome {
        // From / so that no ./netconf catalog is found; the installed one is asked for by --catalog.
        try ProcessRunner.run(["/bin/sh", "-c", "cd / && exec \"$@\"", "sh", TestHost.binary!, "netconf", "validate"]
            + arguments)
    }

    @Test("a plain conflist and a NetworkAttachmentDefinition validate without any catalog")
    func withoutCatalog() throws {
        for example in ["flat-a.conflist", "flat-a.nad.json"] {
            let outcome = try Self.validate(Self.catalog + "/examples/" + example, "--catalog", Self.missingCatalog)
            #expect(outcome.status == 0 && outcome.stdout == "\(Self.catalog)/examples/\(example): ok (network flat-a)\n",
                    "\(example): \(outcome.stdout) \(outcome.stderr)")
        }
    }

    @Test("a fleet file needs the catalog: that file's line says where it looked, the others still validate")
    func fleetWithoutCatalog() throws {
        let fleet = Self.catalog + "/examples/fleet.answers.json", conflist = Self.catalog + "/examples/flat-a.conflist"
        let outcome = try Self.validate(conflist, fleet, "--catalog", Self.missingCatalog)
        #expect(outcome.status == 1, "\(outcome.stdout)")
        #expect(outcome.stdout.contains("\(conflist): ok (network flat-a)")
            && outcome.stdout.contains("\(fleet): cannot find the catalog (questions.json)")
            && outcome.stdout.contains(Self.missingCatalog), "\(outcome.stdout) \(outcome.stderr)")
        let control = try Self.validate(fleet, "--catalog", Self.catalog)
        #expect(control.status == 0 && control.stdout.contains("ok (4 network(s) on 2 host(s))"), "\(control.stdout)")
    }

    @Test("an answers file is named as one, with the command that renders it; exit 1")
    func answersFile() throws {
        let answers = Self.catalog + "/examples/flat-a.answers.json"
        for catalog in [Self.catalog, Self.missingCatalog] {
            let outcome = try Self.validate(answers, "--catalog", catalog)
            #expect(outcome.status == 1, "\(outcome.stdout)")
            #expect(outcome.stdout == "\(answers): this is an answers file: use"
                + " `flatnet netconf render --template conflist --answers \(answers)`\n", "\(outcome.stdout)")
        }
    }
}
