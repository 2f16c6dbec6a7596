import FlatnetTestSupport
import Testing

@Suite("The built binary is available")
struct BinaryGuardTests {
    @Test("in strict mode, FLATNET_BINARY names an executable")
    func binaryPresent() {
        guard TestHost.isStrict else { return }
        #expect(TestHost.binary != nil, "strict mode: set FLATNET_BINARY to the release build of flatnet")
    }
}
