import FlatnetCore
import Testing

@Suite("Audit log time stamps")
struct AuditTimeTests {
    @Test("formats known instants", arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"),
        (1_796_298_002_123, "2026-12-03T11:40:02.123Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (4_107_542_399_999, "2100-02-28T23:59:59.999Z"),
    ])
    func formats(_ milliseconds: Int64, _ text: String) {
        #expect(AuditTime(millisecondsSinceEpoch: milliseconds).rfc3339 == text)
        #expect(AuditTime.parse(text) == AuditTime(millisecondsSinceEpoch: milliseconds))
    }

    @Test("reads offsets, fractions, a space, no zone and a bare date")
    func readsVariants() {
        let noon = AuditTime.parse("2026-12-03T11:00:00Z")
        #expect(noon != nil)
        #expect(AuditTime.parse("2026-12-03T12:00:00+01:00") == noon)
        #expect(AuditTime.parse("2026-12-03T06:30:00-04:30") == noon)
        #expect(AuditTime.parse("2026-12-03 11:00:00") == noon)
        #expect(AuditTime.parse("2026-12-03T11:00:00.5Z")?.millisecondsSinceEpoch
                == noon.map { $0.millisecondsSinceEpoch + 500 })
        #expect(AuditTime.parse("2026-12-03T11:00:00.123456789Z")?.millisecondsSinceEpoch
                == noon.map { $0.millisecondsSinceEpoch + 123 })
        #expect(AuditTime.parse("2026-12-03") == AuditTime.parse("2026-12-03T00:00:00Z"))
    }

    @Test("refuses impossible or malformed times", arguments: [
        "", "2026-02-29", "2026-02-30T00:00:00Z", "2026-13-01", "2026-12-03T24:00:00Z",
        "2026-12-03T11:60:00Z", "2026-12-03T11:00:60Z", "2026-12-03T11:00Z", "2026-12-03T11:00:00.Z",
        "2026-12-03T11:00:00+0100", "2026-12-03T11:00:00Zjunk", "26-12-03", "2026-1-03", "yesterday",
    ])
    func refuses(_ text: String) {
        #expect(AuditTime.parse(text) == nil)
    }

    @Test("every millisecond over 400 years survives a round trip (sampled)")
    func roundTrip() {
        var random = SplitMix64(seed: 17)
        for _ in 0..<20_000 {
            let milliseconds = Int64(random.int(in: -2_208_988_800_000...10_413_792_000_000))
            let time = AuditTime(millisecondsSinceEpoch: milliseconds)
            #expect(AuditTime.parse(time.rfc3339) == time, "\(milliseconds)")
        }
    }
}
